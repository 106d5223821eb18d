/*
 * platform.h - THE seam between the scheduler and a machine.
 *
 * runtime/ reaches the machine only through the operations declared
 * here, and knows nothing of the backend behind them:
 *
 *   sim/engine.c     the virtual backend: every operation is a yield
 *                    point of the discrete-event engine and costs
 *                    virtual time (sim/cost.h, docs/simulator.md);
 *   a native backend real pthreads, futexes and atomics.
 *
 * The types the runtime embeds in its own structures are defined here,
 * once, for every backend: a mutex and a note carry the fields each
 * backend needs (a futex word for real threads; an owner and a wait
 * queue for the simulator), and a context is arch/ctx.h's, the code both
 * backends use to switch stacks.  Nothing in runtime/ may test which
 * backend it is built for.
 *
 * Memory order: the acquire/release variants (the acq and rel suffixes)
 * are Go's LoadAcq/StoreRel/CasRel; the plain ones are Go's sequentially
 * consistent atomics.  The simulator executes every operation
 * atomically at a yield point, i.e. it models a sequentially consistent
 * machine; weak-memory reorderings are not explored (the native backend
 * runs them for real).
 */
#ifndef GSCHED_RUNTIME_PLATFORM_H
#define GSCHED_RUNTIME_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/ctx.h"
#include "events.h"

struct g;
struct m;

#ifndef PLAT_FN
#define PLAT_FN extern
#endif

/* Go's runtime.mutex.  key is the futex word of a backend with real
 * threads (lock_futex.go: unlocked, locked, sleeping); owner is the
 * thread holding it (what plat_assertLockHeld checks), and head/tail
 * the queue of threads waiting for it, where a backend keeps one. */
struct plat_mutex {
	uint32_t key;
	void *owner;
	void *head, *tail;
};

/* Go's note: a one-shot event on which one M sleeps and another wakes
 * it.  key is 0 until woken (the futex word); waiter is the sleeping
 * thread, where a backend keeps track of it. */
struct plat_note {
	uint32_t key;
	void *waiter;
};

/* Atomics (Go's runtime/internal/atomic).  xadd returns the new value.
 * A backend on real hardware compiles the runtime with
 * PLAT_MACHINE_INLINE: they are then arch/machine.h's static inline
 * functions, each the machine's one atomic instruction, not calls. */
#ifdef PLAT_MACHINE_INLINE
#include "arch/machine.h"
#else
PLAT_FN uint32_t plat_load32(const uint32_t *p);
PLAT_FN uint32_t plat_loadacq32(const uint32_t *p);
PLAT_FN void plat_store32(uint32_t *p, uint32_t v);
PLAT_FN void plat_storerel32(uint32_t *p, uint32_t v);
PLAT_FN bool plat_cas32(uint32_t *p, uint32_t old, uint32_t new_);
PLAT_FN bool plat_casrel32(uint32_t *p, uint32_t old, uint32_t new_);
PLAT_FN uint32_t plat_xadd32(uint32_t *p, int32_t delta);
PLAT_FN uint32_t plat_xchg32(uint32_t *p, uint32_t v);
PLAT_FN void plat_or32(uint32_t *p, uint32_t v);
PLAT_FN void plat_and32(uint32_t *p, uint32_t v);
PLAT_FN uint64_t plat_load64(const uint64_t *p);
PLAT_FN void plat_store64(uint64_t *p, uint64_t v);
PLAT_FN bool plat_cas64(uint64_t *p, uint64_t old, uint64_t new_);
PLAT_FN uint64_t plat_xadd64(uint64_t *p, int64_t delta);
PLAT_FN uint64_t plat_xchg64(uint64_t *p, uint64_t v);
PLAT_FN void *plat_loadp(void *const *p);
PLAT_FN void plat_storep(void **p, void *v);
PLAT_FN bool plat_casp(void **p, void *old, void *new_);
PLAT_FN uint64_t plat_shared_add64(uint64_t *p, int64_t delta);
PLAT_FN uint32_t plat_shared_add32(uint32_t *p, int32_t delta);
#endif
/* plat_shared_add32/64: an add to a counter that threads share and that
 * orders nothing else - gsched's own bookkeeping, never a word of Go's
 * (the count of live goroutines, the workload interpreter's counters and
 * random stream).  Not a platform operation: no yield point, no cost.
 * On real hardware the machine's atomic add (sequentially consistent, so
 * it also publishes what the thread wrote before it); in the simulator,
 * whose Ms all run on the one OS thread, a plain add, which nothing can
 * come between.  Returns the new value. */

/* Go's runtime.mutex: lock/unlock.  Not reentrant. */
PLAT_FN void plat_lock(struct plat_mutex *l);
PLAT_FN void plat_unlock(struct plat_mutex *l);

/* Go's assertLockHeld: a checked invariant, not a yield point.  The
 * caller's thread must hold l; if not, the backend throws
 * ("assertLockHeld: lock not held").  A backend that cannot tell which
 * thread holds a lock may check nothing. */
PLAT_FN void plat_assertLockHeld(struct plat_mutex *l);

/* Notes: one-shot events on which one M sleeps and another wakes it
 * (Go's note).  notetsleep returns true if woken, false on timeout. */
PLAT_FN void plat_noteclear(struct plat_note *n);
PLAT_FN void plat_notesleep(struct plat_note *n);
PLAT_FN bool plat_notetsleep(struct plat_note *n, int64_t ns);
PLAT_FN void plat_notewakeup(struct plat_note *n);

/* The network poller's blocking (netpoll_epoll.go), on a note of the
 * runtime's netpoll: plat_netpollwait blocks the polling M until
 * plat_netpollwakeup (netpollBreak's eventfd write) or for at most ns (< 0:
 * no limit) and returns true if woken; the note's key says woken, as for
 * notetsleep, and is cleared with plat_noteclear.  A native backend waits
 * in epoll_wait on an eventfd; the simulator's are its note operations. */
PLAT_FN bool plat_netpollwait(struct plat_note *n, int64_t ns);
PLAT_FN void plat_netpollwakeup(struct plat_note *n);

/* The number of CPUs the program may use (Go's ncpu, from the affinity
 * mask): canSpin and the runtime lock's spin phase depend on it. */
PLAT_FN int32_t plat_ncpu(void);

/* Time. */
PLAT_FN int64_t plat_nanotime(void);
PLAT_FN void plat_usleep(uint32_t us);
PLAT_FN void plat_osyield(void);
PLAT_FN void plat_procyield(uint32_t cycles);

/* Threads: start an OS thread for mp running rt_mstart(mp) on the given
 * stack (the M's g0 stack).  plat_exit ends the program (Go's exit);
 * plat_throw reports a broken invariant of the scheduler and ends it. */
PLAT_FN void plat_newosproc(struct m *mp, void *stack, size_t size);
PLAT_FN _Noreturn void plat_exit(int code);
PLAT_FN _Noreturn void plat_throw(const char *msg);
PLAT_FN _Noreturn void plat_fatal(const char *msg); /* Go's fatal: the program's fault (deadlock) */
PLAT_FN _Noreturn void plat_panic(const char *msg); /* an unrecovered panic of the program */

/* Preemption: send M mp the preemption signal (Go's signalM(mp,
 * sigPreempt), SIGURG).  The runtime's handler (doSigPreempt) runs on
 * mp where the signal lands: the simulator delivers it at the end of mp's
 * next spend chunk (plat_spend returns true); a native backend at once,
 * wherever mp is. */
PLAT_FN void plat_signalM(struct m *mp);

/* Memory for the runtime's own objects: a G, an M, a P, a channel and
 * its buffer, a timer, a sudog, and the arrays that list them.
 * plat_alloc returns size zeroed bytes; plat_realloc resizes p from old
 * to size bytes (what is past old is not zeroed); plat_free gives back p,
 * which holds size bytes.  `what` names the object for the message.
 * Neither returns NULL: when the machine (or a limit the backend keeps)
 * has no memory left, the program ends with status oom, the message
 * naming what it was for, the stacks alive and the memory the program
 * held - the machine's limit, not a broken invariant (plat_throw).
 * plat_stackalloc ends the program the same way.  Not yield points; the
 * simulator charges no time for them.  plat_free also works outside a
 * run (teardown, a program freeing its channels after gs_main). */
PLAT_FN void *plat_alloc(const char *what, size_t size);
PLAT_FN void *plat_realloc(const char *what, void *p, size_t old, size_t size);
PLAT_FN void plat_free(void *p, size_t size);

/* Goroutine contexts: stacks, a fresh context that starts at entry(),
 * and the switch (gogo and mcall are both a save-and-jump). */
PLAT_FN void *plat_stackalloc(size_t size);
PLAT_FN void plat_stackfree(void *stack, size_t size);
PLAT_FN void plat_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void));
PLAT_FN void plat_ctx_switch(struct plat_ctx *save, struct plat_ctx *to);

/* Where a goroutine's g lives (malg).  false: at the top of its own
 * stack, in the page its first frames touch anyway, so that a parked
 * goroutine costs one page.  true: apart, from plat_alloc, beside the Ms
 * and Ps, as Go's allocg does (new(g)).  A layout, not a behaviour: the
 * simulator, whose time is virtual, keeps the page (4 KiB a parked
 * goroutine); on real hardware the g is what sysmon's preemptone writes,
 * and a g alone on its stack's page costs that store a TLB miss, which
 * on a virtual machine (a two-level page walk) takes microseconds, long
 * enough for the goroutine to park meanwhile and the request to be lost
 * (docs/native.md, "Where a g lives"). */
PLAT_FN bool plat_g_apart(void);

/* The g running on this thread (Go's getg()). */
PLAT_FN struct g *plat_getg(void);
PLAT_FN void plat_setg(struct g *gp);

/* The seed of M number id's fastrand stream. */
PLAT_FN uint64_t plat_mseed(int64_t id);

/* Workload: burn ns of CPU in one piece (the runtime splits long spends
 * into chunks so that preemption can land between them).  Returns true
 * if a preemption signal (plat_signalM) arrived meanwhile and was not yet
 * handled: the caller runs the handler. */
PLAT_FN bool plat_spend(int64_t ns);
/* Workload: a blocking system call of ns: the thread is blocked in the
 * kernel for that long and holds nothing of the scheduler's. */
PLAT_FN void plat_syscall(int64_t ns);

/* The CPU time of scheduler code between platform operations.  The
 * runtime calls plat_work(kind) once on each path below, where Go runs
 * code that touches no shared word the seam would see (setting up a g,
 * sorting a select's cases, sifting the timer heap...).  The simulator
 * charges the calling M the kind's cost (sim/cost.h) - not a yield
 * point: the next operation happens that much later - and a backend on
 * real hardware does nothing, the code having cost what it costs.
 * One row per kind: X(NAME, what it stands for). */
#define PLAT_WORK_KINDS(X)                                                                         \
	X(SCHEDULE, "schedule and execute: the checks around findRunnable, g status, schedtick")   \
	X(FINDRUNNABLE, "one pass of findRunnable from its top: gcwaiting, the queues' checks")    \
	X(STEAL_TRY, "stealWork: one victim P visited (random order, idle and timer masks)")       \
	X(RUNQSTEAL, "runqgrab/runqsteal: a batch of goroutines copied from a victim's queue")     \
	X(NEWPROC, "newproc1: gfget, a g's fields and first frame, its goid")                      \
	X(GOEXIT, "goexit0: clearing the g, gfput")                                                \
	X(PARK, "gopark/park_m: wait reason, dropg, the unlock function")                          \
	X(READY, "ready: status, runqput's bookkeeping")                                           \
	X(CHANOP, "chansend/chanrecv: the checks, the copy, a sudog")                              \
	X(SELECT, "selectgo: pollorder and lockorder, per select")                                 \
	X(SELECT_CASE, "selectgo: each case polled and enqueued")                                  \
	X(SELECT_WAKE, "selectgo after waking: pass 3, dequeuing the other cases' sudogs")         \
	X(TIMER_HEAP, "siftupTimer/siftdownTimer: one sift of a P's timer heap")                   \
	X(CHECK_TIMERS, "checkTimers past its fast exit: adjusttimers, the loop over due timers")  \
	X(RUN_TIMER, "runOneTimer: a due timer taken off the heap and its function called")        \
	X(SYSMON, "one sysmon tick: retake's loop over the Ps, the netpoll check")                 \
	X(PREEMPTONE, "preemptone: from reading the M's curg to storing the g's preempt flag")     \
	X(WAITALL, "gsched's count of live goroutines: one atomic add no thread can order")

enum plat_work {
#define PLAT_WORK_ENUM(name, what) PLAT_WORK_##name,
	PLAT_WORK_KINDS(PLAT_WORK_ENUM)
#undef PLAT_WORK_ENUM
	        PLAT_WORK_N
};
#ifdef PLAT_MACHINE_INLINE
static inline void plat_work(enum plat_work kind)
{
	(void)kind; /* the code has cost what it cost */
}
#else
PLAT_FN void plat_work(enum plat_work kind);
#endif

/* Go's print: n bytes of text to the program's output (Go's stderr;
 * schedtrace writes there).  Not a yield point; a backend without an
 * output drops the text. */
PLAT_FN void plat_print(const char *s, size_t n);

/* Trace: the platform stamps ev->t_ns and hands the event to its sink. */
PLAT_FN void plat_trace(struct rt_event *ev);
/* Whether anything records the events plat_trace is handed.  The runtime
 * asks once, at rt_rt0_go; if not, it builds no event at all (a native
 * run with no sink).  The simulator always records: every event is in
 * its statistics and its trace hash. */
PLAT_FN bool plat_tracing(void);

/* Provided by the runtime, called by the platform. */
void rt_mstart(struct m *mp); /* an M's first code on its new thread; never returns */

#endif
