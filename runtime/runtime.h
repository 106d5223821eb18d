/*
 * runtime.h - internal interface of runtime/: the functions that cross
 * files, named rt_ + Go's own name so that proc.go and our files can be
 * read side by side, and the scheduler's global state.
 *
 * Tests include this header to drive run queues and the steal order
 * directly, as Go's export_test.go does.
 */
#ifndef GSCHED_RUNTIME_RUNTIME_H
#define GSCHED_RUNTIME_RUNTIME_H

#include "config.h"
#include "runtime2.h"

/* Global state (Go's sched, allp, allm, allgs, gomaxprocs...). */
extern struct schedt rt_sched;
extern struct p **rt_allp;
extern int32_t rt_gomaxprocs;
extern struct m *rt_allm;
extern struct randomOrder rt_stealOrder;
extern uint32_t *rt_idlepMask; /* bit per P: set while the P is on the idle list */
extern bool rt_mainStarted;
extern struct rt_config rt_cfg; /* the policies, fixed at rt_rt0_go (config.h) */

/* Go's plain reads and writes of fields that other threads touch without
 * synchronisation, by design (g.preempt and p.preempt, set by sysmon
 * while the g runs; fields marked "relaxed" in runtime2.h): relaxed
 * atomics, so that the C program has no data race and the compiler
 * neither tears nor caches them.  They are not platform operations
 * because Go does not synchronise on them either: in the simulator they
 * are ordinary memory accesses, not yield points.  Fields Go declares
 * atomic (atomic.Uint32 and friends) go through the plat_ atomics. */
#define rt_relaxed_load(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define rt_relaxed_store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Always-on assertion with Go's message; in the simulator a finding. */
_Noreturn void rt_throw(const char *msg);
_Noreturn void rt_fatal(const char *msg);
/* An unrecovered panic of the program ("send on closed channel", ...). */
_Noreturn void rt_panic(const char *msg);

/* Trace one transition (events.h) with the current M/P/G as actor. */
void rt_trace(int kind, int64_t obj, int64_t a, int64_t b, const char *detail);

/* proc.c */
struct g *rt_getg(void);
uint32_t rt_readgstatus(struct g *gp);
/* Tests only: make the status operations that no other thread can
 * observe (proc.c, readgstatus_private) platform operations again, as
 * Go's atomics, so that a test can compare the runs reachable with and
 * without their yield points.  Set only between runs. */
extern bool rt_private_ops_yield;
void rt_casgstatus(struct g *gp, uint32_t oldval, uint32_t newval);
bool rt_legal_gstatus_transition(uint32_t from, uint32_t to);
const char *rt_gstatus_name(uint32_t s);
uint32_t rt_fastrand(void);
uint32_t rt_fastrandn(uint32_t n);
void rt_newproc(void (*fn)(void *), void *arg);
void rt_newproc_labelled(void (*fn)(void *), void *arg, const char *label);
void rt_preemptcheck(void); /* the function-prologue check: honour a preemption request */
int32_t rt_GOMAXPROCS(int32_t n);
void rt_syscall(int64_t ns);
void rt_syscall_block(int64_t ns);
void rt_gosched(void);
void rt_goyield(void); /* like Gosched, but to the local run queue's tail */
void rt_goexit1(void);
void rt_gopark(bool (*unlockf)(struct g *, void *), void *lock, enum waitReason reason);
void rt_goparkunlock(struct plat_mutex *lock, enum waitReason reason);
void rt_goready(struct g *gp);
void rt_wakep(void);
void rt_handoffp(struct p *pp);
void rt_spend(int64_t ns);

/* The program: set up the scheduler with the policies of cfg and
 * gomaxprocs Ps, and run mainfn(arg) as the main goroutine; returns only
 * through plat_exit. */
_Noreturn void rt_rt0_go(const struct rt_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                         void *arg);
/* Free everything the scheduler allocated and reset its global state, so
 * that another program can run in the same process.  Only after the
 * platform has stopped every thread. */
void rt_teardown(void);

/* time.c: timers (time.go).  Go's names; the P's timers are guarded by
 * pp->timersLock. */
extern uint32_t *rt_timerpMask; /* bit per P: may have timers (allocated by procresize) */
int64_t rt_checkTimers(struct p *pp, int64_t now, int64_t *pollUntil, bool *ran);
void rt_updateTimerPMask(struct p *pp);
int64_t rt_nobarrierWakeTime(struct p *pp);
void rt_moveTimers(struct p *pp, struct timer **timers, int32_t n); /* procresize */
int64_t rt_timeSleepUntil(void);                                    /* sysmon */
void rt_timeSleep(int64_t ns);
void rt_addtimer(struct timer *t);
bool rt_deltimer(struct timer *t);
void rt_timers_free(struct p *pp); /* teardown */

/* netpoll.c: the network poller's model: goroutines wait on I/O that
 * becomes ready at a given time. */
bool rt_netpollinited(void);
void rt_netpollGenericInit(void);
/* Returns the goroutines whose I/O is ready: delay < 0 blocks until
 * some is (or netpollBreak), 0 polls, > 0 blocks up to delay ns. */
struct gList rt_netpoll(int64_t delay);
void rt_netpollBreak(void);
bool rt_netpollAnyWaiters(void);
void rt_netpollIOWait(int64_t ns);
void rt_wakeNetPoller(int64_t when);
void rt_netpoll_teardown(void);

/* chan.c, sema.c: sudogs (proc.go acquireSudog/releaseSudog). */
struct sudog *rt_acquireSudog(void);
void rt_releaseSudog(struct sudog *s);
void rt_sudogs_free(void);    /* teardown: the global and per-P caches */
void rt_semtable_reset(void); /* teardown: sema.c's roots and keys */

/* runq.c: local and global run queues (proc.go). */
void rt_runqput(struct p *pp, struct g *gp, bool next);
struct g *rt_runqget(struct p *pp, bool *inheritTime);
bool rt_runqempty(struct p *pp);
uint32_t rt_runqgrab(struct p *pp, struct g **batch, uint32_t batchHead, bool stealRunNextG);
struct g *rt_runqsteal(struct p *pp, struct p *p2, bool stealRunNextG);
void rt_globrunqput(struct g *gp);
void rt_globrunqputhead(struct g *gp);
void rt_globrunqputbatch(struct gQueue *batch, int32_t n);
void rt_runqputbatch(struct p *pp, struct gQueue *q, int32_t qsize);
struct g *rt_globrunqget(struct p *pp, int32_t max);

/* gQueue / gList (proc.go). */
static inline bool gQueue_empty(const struct gQueue *q)
{
	return q->head == NULL;
}
void gQueue_push(struct gQueue *q, struct g *gp);
void gQueue_pushBack(struct gQueue *q, struct g *gp);
void gQueue_pushBackAll(struct gQueue *q, struct gQueue *q2);
struct g *gQueue_pop(struct gQueue *q);
static inline bool gList_empty(const struct gList *l)
{
	return l->head == NULL;
}
void gList_push(struct gList *l, struct g *gp);
void gList_pushAll(struct gList *l, struct gQueue *q);
struct g *gList_pop(struct gList *l);

/* The steal order (proc.go randomOrder). */
void rt_randomOrder_reset(struct randomOrder *ord, uint32_t count);
void rt_randomOrder_free(struct randomOrder *ord);
struct randomEnum rt_randomOrder_start(const struct randomOrder *ord, uint32_t i);
/* stealWork's order for pp: rt_stealOrder from a random start, or (policy
 * steal-order=sequential) every P from pp's next in id order. */
struct randomEnum rt_stealOrder_start(struct p *pp);
static inline bool randomEnum_done(const struct randomEnum *e)
{
	return e->i == e->count;
}
static inline void randomEnum_next(struct randomEnum *e)
{
	e->i++;
	e->pos = (e->pos + e->inc) % e->count;
}
static inline uint32_t randomEnum_position(const struct randomEnum *e)
{
	return e->pos;
}

/* pMask (proc.go): one bit per P. */
static inline bool pMask_read(const uint32_t *mask, uint32_t id)
{
	return (plat_load32(&mask[id / 32]) & (UINT32_C(1) << (id % 32))) != 0;
}
static inline void pMask_set(uint32_t *mask, int32_t id)
{
	plat_or32(&mask[id / 32], UINT32_C(1) << (id % 32));
}
static inline void pMask_clear(uint32_t *mask, int32_t id)
{
	plat_and32(&mask[id / 32], ~(UINT32_C(1) << (id % 32)));
}

#endif
