/*
 * proc.c - the goroutine scheduler (Go 1.21's runtime/proc.go, ported).
 *
 * The scheduler's job is to distribute ready-to-run goroutines over
 * worker threads.  The main concepts are:
 *   G - goroutine.
 *   M - worker thread, or machine.
 *   P - processor, a resource that is required to execute Go code.
 *       An M must have an associated P to execute Go code, however it
 *       can be blocked or in a syscall without an associated P.
 *
 * Worker thread parking/unparking.  We need to balance between keeping
 * enough running worker threads to use the available parallelism and
 * parking excess threads to save CPU.  Scheduler state is deliberately
 * distributed (per-P queues), so no global predicate is cheap, and the
 * right decision needs the future.  Go rejected three designs, and so do
 * we: (1) centralising all scheduler state (kills scalability); (2)
 * direct hand-off of a readied goroutine to a newly woken thread with a
 * spare P (thread state thrashing: the readying thread may be out of
 * work the next moment, and locality is lost); (3) waking a thread on
 * every ready when a P is idle (woken threads park again at once having
 * found nothing).  The design kept: when work is submitted, wake a
 * thread only if there is an idle P and no spinning thread (wakep).
 * A spinning thread is one out of local work looking for more; the last
 * spinning thread to find work wakes another (resetspinning).  The
 * delicate part is the spinning -> non-spinning transition, which races
 * with submission: submit, StoreLoad barrier, check nmspinning on one
 * side; decrement nmspinning, StoreLoad barrier, recheck every queue on
 * the other.  findRunnable does the second half.
 *
 * How this port differs from proc.go, and why:
 *   - Go's schedule() never returns: mcall resets g0's stack.  C cannot
 *     drop a frame portably, so each M's g0 runs schedloop(): schedule()
 *     runs a g and returns when that g switches back through mcall; the
 *     loop then runs the mcall function (park_m, gosched_m, goexit0),
 *     which ends by returning where Go's ends by calling schedule().
 *   - No GC, cgo, locked threads, profiling or tracer: the paths for
 *     them are left out, not stubbed.
 *   - casgstatus has no scan bit to wait for, so a failed CAS is a bug
 *     and throws; every transition is also checked against the table of
 *     legal transitions (legal_gstatus).
 *   - A program ends when main returns AND every other goroutine has
 *     finished (waitall below): Go exits on main's return, which a
 *     workload without synchronisation could not use.  The wait is a
 *     real gopark/goready of the main goroutine.
 *
 * Every throw() Go has on these paths is an always-on check with Go's
 * message; in the simulator a throw ends the run as a violation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs.h"
#include "runtime.h"

struct schedt rt_sched;
struct p **rt_allp;
int32_t rt_gomaxprocs;
struct m *rt_allm;
struct randomOrder rt_stealOrder;
uint32_t *rt_idlepMask;
bool rt_mainStarted;
struct rt_config rt_cfg;

static struct m *m0;
static int32_t allpcap;            /* Ps ever created: allp[gomaxprocs..allpcap) are _Pdead */
static struct plat_mutex allpLock; /* serialises allp with retake, which runs without a P */
static int32_t newprocs;           /* gomaxprocs for startTheWorld to apply, 0 if none */

/* worldsema: one stop-the-world at a time (Go's semaphore, with direct
 * hand-off from the releaser to the next waiter). */
static struct {
	struct plat_mutex lock;
	bool held;
	struct gQueue waiters;
} worldsema;
/* allgs contains all Gs ever created (including dead Gs), and thus
 * never shrinks.  allglock guards it: allgadd appends under it and
 * forEachG reads under it (Go also keeps lock-free readers of allglen;
 * the port has none).  gsched: a list linked through g.alllink, in the
 * order the gs were added (Go's slice order), not a slice: a slice's
 * entry is 8 bytes per g outside the g's stack page (see malg). */
static struct plat_mutex allglock;
static struct g *allgs, **allgtail = &allgs;
static uint64_t nofastrand = 0x9e3779b97f4a7c15u; /* fastrand with no M (tests) */

/* gsched: the main goroutine's function, and waitall (see top comment). */
static void (*main_fn)(void *);
static void *main_arg;
static struct {
	struct plat_mutex lock;
	uint32_t nlive;    /* atomic: goroutines created and not yet dead */
	struct g *waiting; /* main, parked until nlive drops to 1 */
} waitall;

/* waitall.nlive += delta, returning the new count.  Not a yield point
 * of the simulator (charged as the atomic add it is, PLAT_WORK_WAITALL):
 * no thread can tell where among the other threads' operations the add
 * fell.  The count decides nothing of the program's; it is read only by
 * the exiting goroutine (whether it is the last, to wake main) and by
 * main after its function returns (whether to wait), and main waits
 * under waitall.lock, looking again after every wake-up, so whichever
 * order the adds take, main ends when, and only when, every other
 * goroutine has finished (docs/simulator.md, "Operations no other thread
 * can observe").  plat_shared_add32: the machine's atomic add on real
 * hardware (the lock orders the rest), a plain add in the simulator.
 * With rt_private_ops_yield (tests), Go's atomic, a yield point. */
static uint32_t waitall_add(int32_t delta)
{
	if (__builtin_expect(rt_private_ops_yield, 0))
		return plat_xadd32(&waitall.nlive, delta);
	plat_work(PLAT_WORK_WAITALL);
	return plat_shared_add32(&waitall.nlive, delta);
}

#define SPEND_CHUNK_NS 10000 /* preemption can land between chunks */
/* forcePreemptNS, Go's 10 ms: sysmon preempts a g running this long.
 * Policy timeslice sets it (rt_cfg.timeslice). */
#define forcegcperiod (2 * 60 * INT64_C(1000000000))

static void schedule(void);
static void execute(struct g *gp, bool inheritTime);
static struct g *findRunnable(bool *inheritTime, bool *tryWakeP);
static void stopm(void);
static void startm(struct p *pp, bool spinning, bool lockheld);
static void checkdead(void);
static void acquirep(struct p *pp);
static struct p *releasep(void);
static struct p *pidleget(int64_t *now);
static struct p *pidlegetSpinning(int64_t *now);
static int64_t pidleput(struct p *pp, int64_t now);
static void gfput(struct p *pp, struct g *gp);
static struct g *gfget(struct p *pp);
static void gcstopm(void);
static void injectglist(struct gList *glist);
static void goschedImpl(struct g *gp, bool preempted);
static int32_t startIdle(int32_t n);
static void incidlelocked(int32_t v);
static void sysmon_netpoll(int64_t now);

/* ---- throw, trace, getg ---- */

_Noreturn void rt_throw(const char *msg)
{
	rt_trace(RT_EV_VIOLATION, 0, 0, 0, msg);
	plat_throw(msg);
}

_Noreturn void rt_fatal(const char *msg)
{
	rt_trace(RT_EV_VIOLATION, 0, 0, 0, msg);
	plat_fatal(msg);
}

_Noreturn void rt_panic(const char *msg)
{
	rt_trace(RT_EV_VIOLATION, 0, 0, 0, msg);
	plat_panic(msg);
}

struct g *rt_getg(void)
{
	return plat_getg();
}

/* Whether anything records events (plat_tracing, asked once by
 * rt_rt0_go): if not, an event costs this one branch. */
static bool tracing = true;

void rt_trace(int kind, int64_t obj, int64_t a, int64_t b, const char *detail)
{
	if (!tracing)
		return;
	struct rt_event ev;
	struct g *gp = plat_getg();
	struct m *mp = gp ? gp->m : NULL;
	/* ev.t_ns: plat_trace stamps it. */
	ev.m = mp ? (int32_t)mp->id : -1;
	ev.p = mp && mp->p ? mp->p->id : -1;
	ev.g = mp && mp->curg ? mp->curg->goid : 0;
	ev.kind = kind;
	ev.obj = obj;
	ev.a = a;
	ev.b = b;
	ev.detail = detail;
	plat_trace(&ev);
}

static void setpstatus(struct p *pp, uint32_t status)
{
	uint32_t old = pp->status;
	plat_store32(&pp->status, status);
	rt_trace(RT_EV_PSTATUS, pp->id, old, status, NULL);
}

/* fastrand: Go 1.21's wyrand over the M's own state. */
uint32_t rt_fastrand(void)
{
	struct g *gp = plat_getg();
	uint64_t *s = gp && gp->m ? &gp->m->fastrand : &nofastrand;
	*s += UINT64_C(0xa0761d6478bd642f);
	unsigned __int128 r = (unsigned __int128)*s * (*s ^ UINT64_C(0xe7037ed1a0b428db));
	return (uint32_t)((uint64_t)(r >> 64) ^ (uint64_t)r);
}

uint32_t rt_fastrandn(uint32_t n)
{
	return (uint32_t)(((uint64_t)rt_fastrand() * n) >> 32);
}

/* ---- G status ---- */

const char *rt_waitReason_string(enum waitReason r)
{
	static const char *const names[waitReason__count] = {
	        [waitReasonZero] = "",
	        [waitReasonWaitAll] = "wait all",
	        [waitReasonTest] = "park",
	        [waitReasonChanReceiveNilChan] = "chan receive (nil chan)",
	        [waitReasonChanSendNilChan] = "chan send (nil chan)",
	        [waitReasonSelectNoCases] = "select (no cases)",
	        [waitReasonSelect] = "select",
	        [waitReasonChanReceive] = "chan receive",
	        [waitReasonChanSend] = "chan send",
	        [waitReasonSemacquire] = "semacquire",
	        [waitReasonSyncMutexLock] = "sync.Mutex.Lock",
	        [waitReasonSleep] = "sleep",
	        [waitReasonIOWait] = "IO wait",
	        [waitReasonPreempted] = "preempted",
	        [waitReasonStoppingTheWorld] = "stopping the world",
	};
	return (unsigned)r < waitReason__count && names[r] ? names[r] : "?";
}

const char *rt_gstatus_name(uint32_t s)
{
	return s < RT_GSTATUS_COUNT ? rt_gstatus_names[s] : "?";
}

/* The transitions Go's runtime makes, and no others: bit `to` of the
 * entry of `from` (a table, not a switch: every status change asks). */
#define GBIT(s) (1u << (s))
static const uint16_t legal_from[RT_GSTATUS_COUNT] = {
        [_Gidle] = GBIT(_Gdead),        /* malg */
        [_Gdead] = GBIT(_Grunnable),    /* newproc1 */
        [_Grunnable] = GBIT(_Grunning), /* execute */
        [_Grunning] = GBIT(_Grunnable) | GBIT(_Gwaiting) | GBIT(_Gdead) | GBIT(_Gsyscall) |
                      GBIT(_Gpreempted),
        [_Gsyscall] = GBIT(_Grunning) | GBIT(_Grunnable),
        [_Gwaiting] = GBIT(_Grunnable),
        [_Gpreempted] = GBIT(_Gwaiting),
};
#undef GBIT

bool rt_legal_gstatus_transition(uint32_t from, uint32_t to)
{
	return from < RT_GSTATUS_COUNT && to < 16 && (legal_from[from] >> to & 1);
}

uint32_t rt_readgstatus(struct g *gp)
{
	return plat_load32(&gp->atomicstatus);
}

static void casgstatus_why(struct g *gp, uint32_t oldval, uint32_t newval, const char *why)
{
	if (oldval == newval)
		rt_throw("casgstatus: bad incoming values");
	/* The one exception to the table: stopTheWorld marks its own g
	 * waiting while it stops the world, and then takes it back. */
	bool stw = oldval == _Gwaiting && newval == _Grunning &&
	           gp->waitreason == waitReasonStoppingTheWorld;
	if (!rt_legal_gstatus_transition(oldval, newval) && !stw)
		rt_throw("casgstatus: illegal transition");
	if (!plat_cas32(&gp->atomicstatus, oldval, newval)) {
		if (oldval == _Gwaiting && plat_load32(&gp->atomicstatus) == _Grunnable)
			rt_throw("casgstatus: waiting for Gwaiting but is Grunnable");
		/* Go loops here waiting for the GC to drop its scan bit; with
		 * no GC a mismatch can only be a scheduler bug. */
		rt_throw("casgstatus: bad oldval");
	}
	rt_trace(RT_EV_GSTATUS, gp->goid, oldval, newval, why);
}

void rt_casgstatus(struct g *gp, uint32_t oldval, uint32_t newval)
{
	casgstatus_why(gp, oldval, newval, NULL);
}

bool rt_private_ops_yield;

/* The status of a g whose status no other thread can write at the
 * moment: the g the calling M is running (only its M moves a running g
 * out of _Grunning), a waiting g it has taken off a wait queue (ready),
 * or a g the M holds where no other thread can reach it (a dead g taken
 * off a free list or about to go on one, a fresh g not yet on allgs).
 * Go reads it with an atomic load like any other; here it is a relaxed
 * load and not a platform operation: no other thread can tell whether it
 * happened before or after any operation of its own, so it is not a
 * yield point of the simulator (docs/simulator.md, "Operations no other
 * thread can observe"). */
static uint32_t readgstatus_private(struct g *gp)
{
	uint32_t v = rt_relaxed_load(&gp->atomicstatus);
	/* The tests' check of the premise: as a yield point, at which other
	 * threads run, the status must be what it was. */
	if (__builtin_expect(rt_private_ops_yield, 0) && plat_load32(&gp->atomicstatus) != v)
		rt_throw("readgstatus_private: another thread wrote the status");
	return v;
}

/* casgstatus on a g whose status no other thread can write at the
 * moment, with why for the event: the checks and the event of
 * casgstatus, with a relaxed store for the compare-and-swap.  Two kinds
 * of g:
 *   - one no other thread can reach at all (malg's, not yet on allgs:
 *     casgstatus_private), whose status no other thread reads either;
 *   - a g the M holds: the g it runs (only its M moves a g out of
 *     _Grunning: gosched, park, exit), the g it has just taken off a run
 *     queue and is about to run, a dead g it is starting (newproc1), or
 *     a waiting g it has taken off a wait queue and readies (ready): off
 *     every queue, only its holder moves it.  Other threads read these
 *     (checkdead, shouldStealTimers, schedtrace), and docs/simulator.md
 *     ("Operations no other thread can observe") shows that none of them
 *     can tell whether the store was a yield point.
 * Not a yield point of the simulator; with rt_private_ops_yield (tests),
 * casgstatus itself, which throws if another thread wrote the status. */
static void casgstatus_owned(struct g *gp, uint32_t oldval, uint32_t newval, const char *why)
{
	if (__builtin_expect(rt_private_ops_yield, 0)) {
		casgstatus_why(gp, oldval, newval, why); /* throws if another thread wrote it */
		return;
	}
	if (oldval == newval || !rt_legal_gstatus_transition(oldval, newval))
		rt_throw("casgstatus: illegal transition");
	if (rt_relaxed_load(&gp->atomicstatus) != oldval)
		rt_throw("casgstatus: bad oldval");
	rt_relaxed_store(&gp->atomicstatus, newval);
	rt_trace(RT_EV_GSTATUS, gp->goid, oldval, newval, why);
}

static void casgstatus_private(struct g *gp, uint32_t oldval, uint32_t newval)
{
	casgstatus_owned(gp, oldval, newval, NULL);
}

/* ---- allocation of gs and ms ---- */

/* Every g, m and p the runtime allocates lives until rt_teardown, which
 * frees them all from this list - including one allocated by a run that
 * stopped (a limit, a throw, a departed replay) at a yield point before
 * the object was published on allgs, allm or allp.  Ms on several threads
 * allocate at once, so the push is a compare-and-swap; it is part of the
 * allocator, like malloc's own locks, and so not a platform operation
 * (not a yield point of the simulator).  The memory is plat_alloc's: a
 * machine without it ends the program with status oom. */
union block {
	struct {
		union block *next;
		size_t size; /* of the whole block, for plat_free */
	} h;
	max_align_t align;
};
static union block *blocks;

static void *rt_calloc(const char *what, size_t size)
{
	union block *b = plat_alloc(what, sizeof *b + size);
	b->h.size = sizeof *b + size;
	b->h.next = __atomic_load_n(&blocks, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&blocks, &b->h.next, b, true, __ATOMIC_RELEASE,
	                                    __ATOMIC_RELAXED))
		;
	return b + 1;
}

static void allgadd(struct g *gp)
{
	if (readgstatus_private(gp) == _Gidle)
		rt_throw("allgadd: bad status Gidle");
	plat_lock(&allglock);
	gp->alllink = NULL;
	*allgtail = gp;
	allgtail = &gp->alllink;
	plat_unlock(&allglock);
}

/* gsched: the room malg takes at the top of a stack for the g and, below
 * it, a sudog; the goroutine's frames begin below both.  The g's part is
 * taken whether or not the g lives there (plat_g_apart), so that a stack
 * leaves its frames the same room on every backend. */
#define G_ROOM_G     ((sizeof(struct g) + 63) & ~(size_t)63)
#define G_ROOM_SUDOG ((sizeof(struct sudog) + 15) & ~(size_t)15)
#define G_ROOM       (G_ROOM_G + G_ROOM_SUDOG)

/* Allocate a new g, with a stack big enough for stacksize bytes (0: no
 * stack, the g runs on its thread's stack as m0's g0 does).
 *
 * gsched: the top of a stack holds the g's room and, below it, room for
 * a sudog (g.sudogroom); the goroutine's frames begin below both, so a
 * goroutine parked on a channel touches one page (its frames take well
 * under 1 KiB; the page's part below the stack's top is 2-4 KiB,
 * arch/stack.c's colour).  The g lives in its room unless the platform
 * keeps gs apart (plat_g_apart), as Go's heap does: natively, so that
 * sysmon's store to a running g does not wait for a page walk.  The g
 * lives as long as its stack, which is freed only at teardown (gfput
 * keeps a g's stack: every goroutine stack has the one size), so the g
 * and the sudog in its room outlive every use.  Addresses never reach a
 * simulated run: where the g lives is a layout, not a behaviour. */
static struct g *malg(size_t stacksize)
{
	if (stacksize == 0)
		return rt_calloc("a goroutine (a g)", sizeof(struct g));
	if (stacksize < G_ROOM + RT_STACK_GUARD)
		rt_throw("malg: stack too small");
	char *stack = plat_stackalloc(stacksize);
	char *top = stack + stacksize;
	memset(top - G_ROOM, 0, G_ROOM); /* a reused stack holds a former run's bytes */
	struct g *newg = plat_g_apart() ? rt_calloc("a goroutine (a g)", sizeof(struct g))
	                                : (struct g *)(top - G_ROOM_G);
	newg->stack = stack;
	newg->stacksize = stacksize;
	newg->sudogroom = (struct sudog *)(top - G_ROOM);
	return newg;
}

/* The part of gp's stack its frames may use: below the room malg took at
 * its top, if it has a stack of malg's. */
static size_t gstackusable(struct g *gp)
{
	return gp->stack != NULL ? gp->stacksize - G_ROOM : gp->stacksize;
}

/* Go subtracts sched.nmfreed, the Ms that exited; here no M exits (an M
 * exits only with LockOSThread, which the port leaves out). */
static int32_t mcount(void)
{
	return (int32_t)rt_sched.mnext;
}

static void checkmcount(void)
{
	/* sched.lock must be held. */
	if (mcount() > rt_sched.maxmcount)
		rt_throw("thread exhaustion");
}

/* mReserveID returns the next ID to use for a new m.  This new m is
 * immediately considered 'running' by checkdead.  sched.lock must be held. */
static int64_t mReserveID(void)
{
	plat_assertLockHeld(&rt_sched.lock);
	int64_t id = rt_sched.mnext;
	rt_sched.mnext++;
	checkmcount();
	return id;
}

static void mcommoninit(struct m *mp, int64_t id)
{
	plat_lock(&rt_sched.lock);
	if (id >= 0)
		mp->id = id;
	else
		mp->id = mReserveID();
	mp->fastrand = plat_mseed(mp->id);
	mp->alllink = rt_allm;
	rt_allm = mp; /* Go publishes with atomicstorep: allm is read without the lock */
	plat_unlock(&rt_sched.lock);
}

/* Allocate a new m unassociated with any thread.  (Go's allocm also
 * takes the P whose mcache it may borrow; there is no mcache here.) */
static struct m *allocm(void (*fn)(void), int64_t id)
{
	struct m *mp = rt_calloc("an M", sizeof *mp);
	mp->mstartfn = fn;
	mcommoninit(mp, id);
	mp->g0 = malg(RT_STACK_SIZE);
	mp->g0->m = mp;
	return mp;
}

/* Create a new m.  It will start off with a call to fn, or else the
 * scheduler.  id is optional pre-allocated m ID; -1 to reserve one. */
static void newm(void (*fn)(void), struct p *pp, int64_t id)
{
	struct m *mp = allocm(fn, id);
	mp->nextp = pp;
	plat_newosproc(mp, mp->g0->stack, gstackusable(mp->g0));
}

/* Called to start an M: startm's caller incremented nmspinning; set the
 * new M's spinning. */
static void mspinning(void)
{
	struct m *mp = plat_getg()->m;
	mp->spinning = true;
	rt_trace(RT_EV_SPINNING, mp->id, 1, 0, NULL);
}

/* ---- M start and the scheduling loop ---- */

/* gsched: g0's loop; see the top comment.  Never returns. */
static _Noreturn void schedloop(struct m *mp)
{
	for (;;) {
		if (mp->mcallfn) {
			void (*fn)(struct g *) = mp->mcallfn;
			struct g *gp = mp->mcallg;
			mp->mcallfn = NULL;
			mp->mcallg = NULL;
			fn(gp);
		} else {
			schedule();
		}
	}
}

void rt_mstart(struct m *mp)
{
	plat_setg(mp->g0);
	if (plat_getg() != mp->g0)
		rt_throw("bad runtime·mstart");
	rt_trace(RT_EV_MSTART, mp->id, mp->nextp ? mp->nextp->id : (mp->p ? mp->p->id : -1),
	         mp->mstartfn == mspinning, NULL);
	if (mp->mstartfn)
		mp->mstartfn();
	if (mp != m0) {
		acquirep(mp->nextp);
		mp->nextp = NULL;
	}
	schedloop(mp);
}

/* mcall switches from the g to the g0 stack and has g0 run fn(g).
 * fn must not return to the g: it ends by returning to schedloop. */
static void mcall(void (*fn)(struct g *))
{
	struct g *gp = plat_getg();
	struct m *mp = gp->m;
	if (gp == mp->g0)
		rt_throw("runtime: mcall called on m->g0 stack");
	/* The stack check Go does in every prologue, done here: the frame
	 * we are in must be well inside the g's stack. */
	char probe;
	if (gp->stack && (uintptr_t)&probe < (uintptr_t)gp->stack + RT_STACK_GUARD)
		rt_throw("runtime: goroutine stack exceeds limit");
	mp->mcallfn = fn;
	mp->mcallg = gp;
	plat_setg(mp->g0);
	plat_ctx_switch(&gp->sched, &mp->g0->sched);
	/* Resumed by execute, possibly on another M. */
}

/* ---- P acquisition ---- */

static void wirep(struct p *pp)
{
	struct g *gp = plat_getg();
	if (gp->m->p != NULL)
		rt_throw("wirep: already in go");
	/* status is read without sched.lock (retake CASes it from _Psyscall):
	 * a relaxed load, as Go reads it, and no yield point. */
	if (pp->m != NULL || rt_relaxed_load(&pp->status) != _Pidle)
		rt_throw("wirep: invalid p state");
	gp->m->p = pp;
	rt_relaxed_store(&pp->m, gp->m);
	setpstatus(pp, _Prunning);
}

/* Associate p and the current m. */
static void acquirep(struct p *pp)
{
	wirep(pp);
}

/* Disassociate p and the current m. */
static struct p *releasep(void)
{
	struct g *gp = plat_getg();
	if (gp->m->p == NULL)
		rt_throw("releasep: invalid arg");
	struct p *pp = gp->m->p;
	if (pp->m != gp->m || pp->status != _Prunning)
		rt_throw("releasep: invalid p state");
	setpstatus(pp, _Pidle);
	gp->m->p = NULL;
	rt_relaxed_store(&pp->m, NULL);
	return pp;
}

/* ---- idle M and P lists (sched.lock must be held for all) ---- */

/* Put mp on midle list. */
static void mput(struct m *mp)
{
	plat_assertLockHeld(&rt_sched.lock);
	mp->schedlink = rt_sched.midle;
	rt_sched.midle = mp;
	rt_sched.nmidle++;
	checkdead();
}

/* Try to get an m from midle list. */
static struct m *mget(void)
{
	plat_assertLockHeld(&rt_sched.lock);
	struct m *mp = rt_sched.midle;
	if (mp != NULL) {
		rt_sched.midle = mp->schedlink;
		rt_sched.nmidle--;
	}
	return mp;
}

/* pidleput puts p on the _Pidle list.  now must be a relatively recent
 * call to nanotime or zero.  Returns now or the current time if now was
 * zero.  This releases ownership of p.  Once sched.lock is released it is
 * no longer safe to use p. */
static int64_t pidleput(struct p *pp, int64_t now)
{
	plat_assertLockHeld(&rt_sched.lock);
	if (!rt_runqempty(pp))
		rt_throw("pidleput: P has non-empty run queue");
	if (now == 0)
		now = plat_nanotime();
	rt_updateTimerPMask(pp); /* clear if there are no timers. */
	pMask_set(rt_idlepMask, pp->id);
	pp->link = rt_sched.pidle;
	rt_relaxed_store(&rt_sched.pidle, pp); /* exitsyscallfast reads it without the lock */
	uint32_t n = plat_xadd32(&rt_sched.npidle, 1);
	rt_trace(RT_EV_PIDLEPUT, pp->id, (int32_t)n, 0, NULL);
	return now;
}

/* pidleget tries to get a p from the _Pidle list, acquiring ownership. */
static struct p *pidleget(int64_t *now)
{
	plat_assertLockHeld(&rt_sched.lock);
	struct p *pp = rt_sched.pidle;
	if (pp != NULL) {
		/* Timer may get added at any time now. */
		if (now && *now == 0)
			*now = plat_nanotime();
		pMask_set(rt_timerpMask, pp->id);
		pMask_clear(rt_idlepMask, pp->id);
		rt_relaxed_store(&rt_sched.pidle, pp->link);
		uint32_t n = plat_xadd32(&rt_sched.npidle, -1);
		rt_trace(RT_EV_PIDLEGET, pp->id, (int32_t)n, 0, NULL);
	}
	return pp;
}

static void setneedspinning(uint32_t v)
{
	if (plat_xchg32(&rt_sched.needspinning, v) != v)
		rt_trace(RT_EV_NEEDSPINNING, v, 0, 0, NULL);
}

/* pidlegetSpinning tries to get a p from the _Pidle list, acquiring
 * ownership.  This is called by spinning Ms (or callers that need a
 * spinning M) that have found work.  If no P is available, this must
 * synchronize with non-spinning Ms that may be preparing to drop their
 * P without discovering this work. */
static struct p *pidlegetSpinning(int64_t *now)
{
	struct p *pp = pidleget(now);
	if (pp == NULL) {
		/* See "Delicate dance" comment in findRunnable.  We found work
		 * that we cannot take, we must synchronize with non-spinning Ms
		 * that may be preparing to drop their P. */
		setneedspinning(1);
		return NULL;
	}
	return pp;
}

/* ---- starting and stopping Ms ---- */

/* Stops execution of the current m until new work is available.
 * Returns with acquired P. */
static void stopm(void)
{
	struct g *gp = plat_getg();
	struct m *mp = gp->m;
	if (mp->locks != 0)
		rt_throw("stopm holding locks");
	if (mp->p != NULL)
		rt_throw("stopm holding p");
	if (mp->spinning)
		rt_throw("stopm spinning");

	plat_lock(&rt_sched.lock);
	mput(mp);
	plat_unlock(&rt_sched.lock);
	/* mPark */
	rt_trace(RT_EV_MPARK, mp->id, 0, 0, NULL);
	plat_notesleep(&mp->park);
	plat_noteclear(&mp->park);
	rt_trace(RT_EV_MUNPARK, mp->id, mp->nextp ? mp->nextp->id : -1, 0, NULL);
	if (mp->spinning)
		rt_trace(RT_EV_SPINNING, mp->id, 1, 0, NULL);
	acquirep(mp->nextp);
	mp->nextp = NULL;
}

static void becomeSpinning(struct m *mp)
{
	mp->spinning = true;
	plat_xadd32(&rt_sched.nmspinning, 1);
	setneedspinning(0);
	rt_trace(RT_EV_SPINNING, mp->id, 1, 0, NULL);
}

static void stopSpinning(struct m *mp)
{
	mp->spinning = false;
	rt_trace(RT_EV_SPINNING, mp->id, 0, 0, NULL);
}

/* Schedules some M to run the p (creates an M if necessary).
 * If pp==NULL, tries to get an idle P, if no idle P's does nothing.
 * If spinning is set, the caller has incremented nmspinning and must
 * provide a P.  startm will set m.spinning in the newly started M.
 * If lockheld is set, the caller holds sched.lock; startm may unlock it
 * temporarily but returns with it held. */
static void startm(struct p *pp, bool spinning, bool lockheld)
{
	struct m *mp = plat_getg()->m;
	mp->locks++; /* acquirem: disable preemption */
	if (!lockheld)
		plat_lock(&rt_sched.lock);
	if (pp == NULL) {
		if (spinning)
			rt_throw("startm: P required for spinning=true");
		pp = pidleget(NULL);
		if (pp == NULL) {
			if (!lockheld)
				plat_unlock(&rt_sched.lock);
			mp->locks--;
			return;
		}
	}
	struct m *nmp = mget();
	if (nmp == NULL) {
		/* No M is available, we must drop sched.lock and call newm.
		 * However, we already own a P to assign to the M.  Reserve
		 * the ID now so checkdead counts the new M as running. */
		int64_t id = -1;
		if (!(rt_cfg.bugs &
		      RT_BUG_STARTM_NORESERVE)) /* bug knob startm-noreserve (#40368) */
			id = mReserveID();
		plat_unlock(&rt_sched.lock);
		rt_trace(RT_EV_STARTM, id, pp->id, spinning, "newm");
		newm(spinning ? mspinning : NULL, pp, id);
		if (lockheld)
			plat_lock(&rt_sched.lock);
		mp->locks--;
		return;
	}
	if (!lockheld)
		plat_unlock(&rt_sched.lock);
	if (nmp->spinning)
		rt_throw("startm: m is spinning");
	if (nmp->nextp != NULL)
		rt_throw("startm: m has p");
	if (spinning && !rt_runqempty(pp))
		rt_throw("startm: p has runnable gs");
	/* The caller incremented nmspinning, so set m.spinning in the new M. */
	nmp->spinning = spinning;
	nmp->nextp = pp;
	rt_trace(RT_EV_STARTM, nmp->id, pp->id, spinning, NULL);
	plat_notewakeup(&nmp->park);
	mp->locks--;
}

/* Hands off P from syscall or locked M.  Always runs without a P, so
 * write barriers are not allowed. */
void rt_handoffp(struct p *pp)
{
	/* bug knob handoffp-global: the global queue is not a work source */
	bool global = !(rt_cfg.bugs & RT_BUG_HANDOFFP_GLOBAL);
	/* if it has local work, start it straight away */
	if (!rt_runqempty(pp) || (global && rt_relaxed_load(&rt_sched.runqsize) != 0)) {
		rt_trace(RT_EV_HANDOFFP, pp->id, 1, 0, "work");
		startm(pp, false, false);
		return;
	}
	/* no local work, check that there are no spinning/idle M's,
	 * otherwise our help is not required */
	if (plat_load32(&rt_sched.nmspinning) + plat_load32(&rt_sched.npidle) == 0 &&
	    plat_cas32(&rt_sched.nmspinning, 0, 1)) {
		setneedspinning(0);
		rt_trace(RT_EV_HANDOFFP, pp->id, 1, 0, "spinning");
		startm(pp, true, false);
		return;
	}
	plat_lock(&rt_sched.lock);
	if (plat_load32(&rt_sched.gcwaiting)) {
		setpstatus(pp, _Pgcstop);
		rt_sched.stopwait--;
		if (rt_sched.stopwait == 0)
			plat_notewakeup(&rt_sched.stopnote);
		plat_unlock(&rt_sched.lock);
		rt_trace(RT_EV_HANDOFFP, pp->id, 0, 0, "gcstop");
		return;
	}
	if (global && rt_sched.runqsize != 0) {
		plat_unlock(&rt_sched.lock);
		rt_trace(RT_EV_HANDOFFP, pp->id, 1, 0, "global");
		startm(pp, false, false);
		return;
	}
	/* If this is the last running P and nobody is polling network,
	 * need to wakeup another M to poll network. */
	if ((int32_t)plat_load32(&rt_sched.npidle) == rt_gomaxprocs - 1 &&
	    plat_load64((uint64_t *)&rt_sched.lastpoll) != 0) {
		plat_unlock(&rt_sched.lock);
		rt_trace(RT_EV_HANDOFFP, pp->id, 1, 0, "netpoll");
		startm(pp, false, false);
		return;
	}
	/* The scheduler lock cannot be held when calling wakeNetPoller
	 * below because wakeNetPoller may call wakep which may call
	 * startm.  Someone must watch the timers of the P going idle: break
	 * the poller if it sleeps past them, or wake a P to poll. */
	int64_t when = rt_nobarrierWakeTime(pp);
	rt_trace(RT_EV_HANDOFFP, pp->id, 0, 0, NULL);
	pidleput(pp, 0);
	plat_unlock(&rt_sched.lock);

	if (when != 0)
		rt_wakeNetPoller(when);
}

/* Tries to add one more P to execute G's.  Called when a G is made
 * runnable (newproc, ready). */
void rt_wakep(void)
{
	/* Be conservative about spinning threads, only start one if none
	 * exist already. */
	if (plat_load32(&rt_sched.nmspinning) != 0 || !plat_cas32(&rt_sched.nmspinning, 0, 1))
		return;

	/* Disable preemption until ownership of pp transfers to the next M
	 * in startm.  Otherwise preemption here would leave pp stuck waiting
	 * to enter _Pgcstop. */
	struct m *mp = plat_getg()->m;
	mp->locks++;
	plat_lock(&rt_sched.lock);
	struct p *pp = pidlegetSpinning(NULL);
	if (pp == NULL) {
		if ((int32_t)plat_xadd32(&rt_sched.nmspinning, -1) < 0)
			rt_throw("wakep: negative nmspinning");
		plat_unlock(&rt_sched.lock);
		mp->locks--;
		rt_trace(RT_EV_WAKEP, -1, 0, 0, NULL);
		return;
	}
	/* Since we always have a P, the race in the "No M is available"
	 * comment in startm doesn't apply during the small window between
	 * the unlock here and lock in startm.  A checkdead in between will
	 * always see at least one running M (ours). */
	plat_unlock(&rt_sched.lock);
	rt_trace(RT_EV_WAKEP, pp->id, 0, 0, NULL);
	startm(pp, true, false);
	mp->locks--;
}

static void resetspinning(void)
{
	struct m *mp = plat_getg()->m;
	if (!mp->spinning)
		rt_throw("resetspinning: not a spinning m");
	stopSpinning(mp);
	int32_t nmspinning = (int32_t)plat_xadd32(&rt_sched.nmspinning, -1);
	if (nmspinning < 0)
		rt_throw("findrunnable: negative nmspinning");
	/* M wakeup policy is deliberately somewhat conservative, so check if
	 * we need to wakeup another P here.  See "Worker thread
	 * parking/unparking" comment at the top of the file for details.
	 * Bug knob wakeup-local (Go 1.1's schedule): wake one only when this
	 * M's own P has more work queued. */
	if (!(rt_cfg.bugs & RT_BUG_WAKEUP_LOCAL) || !rt_runqempty(mp->p))
		rt_wakep();
}

/* Check for deadlock situation.  The check is based on number of running
 * M's, if 0 -> deadlock.  sched.lock must be held. */
static void checkdead(void)
{
	plat_assertLockHeld(&rt_sched.lock);
	int32_t run = mcount() - rt_sched.nmidle - rt_sched.nmidlelocked - rt_sched.nmsys;
	if (run > 0)
		return;
	if (run < 0) {
		plat_unlock(&rt_sched.lock);
		rt_throw("checkdead: inconsistent counts");
	}
	int grunning = 0;
	/* forEachG: allglock is taken after sched.lock, as in Go. */
	plat_lock(&allglock);
	for (struct g *gp = allgs; gp != NULL; gp = gp->alllink) {
		switch (plat_load32(&gp->atomicstatus)) {
		case _Gwaiting:
		case _Gpreempted:
			grunning++;
			break;
		case _Grunnable:
		case _Grunning:
		case _Gsyscall:
			plat_unlock(&allglock);
			plat_unlock(&rt_sched.lock);
			rt_throw("checkdead: runnable g");
		}
	}
	plat_unlock(&allglock);
	if (grunning == 0) { /* possible if main goroutine calls runtime·Goexit() */
		plat_unlock(&rt_sched.lock);
		rt_fatal("no goroutines (main called runtime.Goexit) - deadlock!");
	}
	/* There are no goroutines running, so we can look at the P's. */
	for (int32_t i = 0; i < rt_gomaxprocs; i++)
		if (rt_allp[i]->ntimers > 0)
			return;
	plat_unlock(&rt_sched.lock);
	rt_fatal("all goroutines are asleep - deadlock!");
}

/* ---- finding work ---- */

/* Go's randomOrder: gcd-based coprime strides. */
static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b != 0) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The bytes of ord's coprimes array (it always has room for one). */
static size_t coprimes_size(uint32_t count)
{
	return (count ? count : 1) * sizeof(uint32_t);
}

void rt_randomOrder_reset(struct randomOrder *ord, uint32_t count)
{
	rt_randomOrder_free(ord);
	ord->count = count;
	ord->coprimes = plat_alloc("the steal order (randomOrder)", coprimes_size(count));
	for (uint32_t i = 1; i <= count; i++)
		if (gcd(i, count) == 1)
			ord->coprimes[ord->ncoprimes++] = i;
}

void rt_randomOrder_free(struct randomOrder *ord)
{
	if (ord->coprimes)
		plat_free(ord->coprimes, coprimes_size(ord->count));
	memset(ord, 0, sizeof *ord);
}

struct randomEnum rt_randomOrder_start(const struct randomOrder *ord, uint32_t i)
{
	struct randomEnum e = {
	        .i = 0,
	        .count = ord->count,
	        .pos = i % ord->count,
	        .inc = ord->coprimes[i / ord->count % ord->ncoprimes],
	};
	return e;
}

/* Bug knob timer-steal (#38860): Go 1.14's test, which CL 232298 removed -
 * steal p2's timers only if it is not running a goroutine, or the one it
 * runs is marked for preemption. */
static bool shouldStealTimers(struct p *p2)
{
	if (plat_load32(&p2->status) != _Prunning)
		return true;
	struct m *mp = p2->m;
	if (mp == NULL || mp->locks > 0)
		return false;
	struct g *gp = mp->curg;
	if (gp == NULL || plat_load32(&gp->atomicstatus) != _Grunning ||
	    !rt_relaxed_load(&gp->preempt))
		return false;
	return true;
}

/* Where stealWork's pass over the Ps starts, and its stride: Go's
 * random order, or (policy steal-order=sequential) every P in id order
 * from the one after pp. */
struct randomEnum rt_stealOrder_start(struct p *pp)
{
	if (rt_cfg.stealorder == RT_STEAL_SEQUENTIAL) {
		uint32_t n = rt_stealOrder.count;
		return (struct randomEnum){.count = n, .pos = ((uint32_t)pp->id + 1) % n, .inc = 1};
	}
	return rt_randomOrder_start(&rt_stealOrder, rt_fastrand());
}

/* Whether an M that is not spinning may start, in findRunnable: Go
 * limits the number of spinning Ms to half the number of busy Ps
 * (policy spinning-cap chooses another limit). */
static bool mayStartSpinning(void)
{
	int32_t nmspinning = (int32_t)plat_load32(&rt_sched.nmspinning);
	int32_t busy = rt_gomaxprocs - (int32_t)plat_load32(&rt_sched.npidle);
	switch (rt_cfg.spinningcap) {
	case RT_SPIN_BUSY:
		return nmspinning < busy;
	case RT_SPIN_ONE:
		return nmspinning == 0;
	case RT_SPIN_UNLIMITED:
		return true;
	default:
		return 2 * nmspinning < busy;
	}
}

/* stealWork attempts to steal a runnable goroutine or timer from any P.
 * If newWork is true, new work may have been readied.  If now is not 0
 * it is the current time; *now is updated, and *pollUntil is lowered to
 * the earliest timer seen.  *inheritTime tells whether the g returned
 * inherits the current time slice (a g a stolen timer readied into our
 * runnext does, as runqget says). */
static struct g *stealWork(int64_t *now, int64_t *pollUntil, bool *newWork, bool *inheritTime)
{
	struct p *pp = plat_getg()->m->p;
	bool ranTimer = false;
	const int stealTries = (int)rt_cfg.stealpasses; /* Go: 4 */
	*newWork = false;
	*inheritTime = false;
	for (int i = 0; i < stealTries; i++) {
		bool stealTimersOrRunNextG = i == stealTries - 1;
		for (struct randomEnum e = rt_stealOrder_start(pp); !randomEnum_done(&e);
		     randomEnum_next(&e)) {
			if (plat_load32(&rt_sched.gcwaiting)) {
				/* GC work may be available. */
				*newWork = true;
				return NULL;
			}
			struct p *p2 = rt_allp[randomEnum_position(&e)];
			if (pp == p2)
				continue;
			plat_work(PLAT_WORK_STEAL_TRY);

			/* Steal timers from p2.  This call to checkTimers is the
			 * only place where we might hold a lock on a different
			 * P's timers.  We do this once on the last pass before
			 * checking runnext because stealing from the other P's
			 * runnext should be the last resort, so if there are
			 * timers to steal do that first.  timerpMask tells us
			 * whether the P may have timers at all. */
			if (stealTimersOrRunNextG &&
			    pMask_read(rt_timerpMask, randomEnum_position(&e)) &&
			    !(rt_cfg.bugs & RT_BUG_TIMER_STEAL && !shouldStealTimers(p2))) {
				int64_t w;
				bool ran;
				*now = rt_checkTimers(p2, *now, &w, &ran);
				if (w != 0 && (*pollUntil == 0 || w < *pollUntil))
					*pollUntil = w;
				if (ran) {
					rt_trace(RT_EV_TIMER_STEAL, p2->id, 0, 0, NULL);
					/* Running the timers may have made an
					 * arbitrary number of G's ready and added
					 * them to this P's local run queue.  That
					 * invalidates the assumption of runqsteal
					 * that it always has room to add stolen G's.
					 * So check now if there is a local G to run. */
					struct g *gp = rt_runqget(pp, inheritTime);
					if (gp != NULL) {
						*newWork = ranTimer;
						return gp;
					}
					ranTimer = true;
				}
			}

			/* Don't bother to attempt to steal if p2 is idle. */
			if (!pMask_read(rt_idlepMask, randomEnum_position(&e))) {
				struct g *gp = rt_runqsteal(pp, p2, stealTimersOrRunNextG);
				if (gp != NULL) {
					*newWork = ranTimer;
					return gp;
				}
			}
		}
	}
	/* No goroutines found to steal.  Regardless, running a timer may
	 * have made some goroutine ready that we missed.  Indicate the next
	 * timer to wait for. */
	*newWork = ranTimer;
	return NULL;
}

/* checkTimersNoP: the earliest timer of the Ps that may have timers,
 * read without a P (adjusttimers may not run here). */
static int64_t checkTimersNoP(struct p **allpSnapshot, int32_t n,
                              const uint32_t *timerpMaskSnapshot, int64_t pollUntil)
{
	for (int32_t id = 0; id < n; id++) {
		if (pMask_read(timerpMaskSnapshot, (uint32_t)id)) {
			int64_t w = rt_nobarrierWakeTime(allpSnapshot[id]);
			if (w != 0 && (pollUntil == 0 || w < pollUntil))
				pollUntil = w;
		}
	}
	return pollUntil;
}

/* Check all Ps for a runnable G to steal.  On entry we have no P.  If a
 * G is available to steal and a P is available, the P is returned which
 * the caller should acquire and attempt to steal the work to. */
static struct p *checkRunqsNoP(struct p **allpSnapshot, int32_t n,
                               const uint32_t *idlepMaskSnapshot)
{
	for (int32_t id = 0; id < n; id++) {
		struct p *p2 = allpSnapshot[id];
		if (!pMask_read(idlepMaskSnapshot, (uint32_t)id) && !rt_runqempty(p2)) {
			plat_lock(&rt_sched.lock);
			struct p *pp = pidlegetSpinning(NULL);
			if (pp == NULL) {
				/* Can't get a P, don't bother checking remaining Ps. */
				plat_unlock(&rt_sched.lock);
				return NULL;
			}
			plat_unlock(&rt_sched.lock);
			return pp;
		}
	}
	/* No work available. */
	return NULL;
}

/* Finds a runnable goroutine to execute.  Tries to steal from other P's,
 * get g from local or global queue, poll network.  tryWakeP indicates
 * that the returned goroutine is not normal (GC worker, trace reader) so
 * the caller should try to wake a P. */
static struct g *findRunnable(bool *inheritTime, bool *tryWakeP)
{
	struct m *mp = plat_getg()->m;
	struct g *gp;
	*inheritTime = false;
	*tryWakeP = false;

top:;
	struct p *pp = mp->p;
	plat_work(PLAT_WORK_FINDRUNNABLE);
	if (plat_load32(&rt_sched.gcwaiting)) {
		gcstopm();
		goto top;
	}

	/* now and pollUntil are saved for work stealing so that the steal
	 * function can use them and so that we can use them when we park. */
	int64_t pollUntil;
	int64_t now = rt_checkTimers(pp, 0, &pollUntil, NULL);

	/* Check the global runnable queue once in a while to ensure
	 * fairness.  Otherwise two goroutines can completely occupy the
	 * local runqueue by constantly respawning each other. */
	if (rt_cfg.globalcheck != 0 && /* policy global-check: Go's 61 */
	    pp->schedtick % (uint32_t)rt_cfg.globalcheck == 0 &&
	    rt_relaxed_load(&rt_sched.runqsize) > 0 &&
	    !(rt_cfg.bugs & RT_BUG_GLOBAL_FAIRNESS)) { /* bug knob global-fairness */
		plat_lock(&rt_sched.lock);
		gp = rt_globrunqget(pp, 1);
		plat_unlock(&rt_sched.lock);
		if (gp != NULL)
			return gp;
	}

	/* local runq */
	gp = rt_runqget(pp, inheritTime);
	if (gp != NULL)
		return gp;

	/* global runq */
	if (rt_relaxed_load(&rt_sched.runqsize) != 0) {
		plat_lock(&rt_sched.lock);
		gp = rt_globrunqget(pp, 0);
		plat_unlock(&rt_sched.lock);
		if (gp != NULL)
			return gp;
	}

	/* Poll network.  This netpoll is only an optimization before we
	 * resort to stealing.  We can safely skip it if there are no waiters
	 * or a thread is blocked in netpoll already.  If there is any kind of
	 * logical race with that blocked thread (e.g. it has already returned
	 * from netpoll, but does not set lastpoll yet), this thread will do
	 * blocking netpoll below anyway. */
	if (rt_netpollinited() && rt_netpollAnyWaiters() &&
	    plat_load64((uint64_t *)&rt_sched.lastpoll) != 0) {
		struct gList list = rt_netpoll(0); /* non-blocking */
		if (!gList_empty(&list)) {
			gp = gList_pop(&list);
			injectglist(&list);
			casgstatus_why(gp, _Gwaiting, _Grunnable, "netpoll");
			return gp;
		}
	}

	/* Spinning Ms: steal work from other Ps.
	 *
	 * Limit the number of spinning Ms to half the number of busy Ps.
	 * This is necessary to prevent excessive CPU consumption when
	 * GOMAXPROCS>>1 but the program parallelism is low. */
	if (mp->spinning || mayStartSpinning()) {
		if (!mp->spinning)
			becomeSpinning(mp);
		bool newWork;
		int64_t w = 0;
		gp = stealWork(&now, &w, &newWork, inheritTime);
		if (gp != NULL)
			return gp;
		if (newWork)
			/* There may be new timer or GC work; restart to discover. */
			goto top;
		if (w != 0 && (pollUntil == 0 || w < pollUntil))
			/* Earlier timer to wait for. */
			pollUntil = w;
	}

	/* We have nothing to do.
	 *
	 * Before we drop our P, make a snapshot of the allp slice, which can
	 * change underfoot once we no longer block safe-points.  We don't
	 * need to snapshot the contents because everything up to cap(allp)
	 * is immutable.  Also snapshot the mask: value changes are OK, but
	 * we can't allow its length to change out from under us. */
	struct p **allpSnapshot = rt_allp;
	int32_t nallp = rt_gomaxprocs;
	uint32_t *idlepMaskSnapshot = rt_idlepMask;
	uint32_t *timerpMaskSnapshot = rt_timerpMask;

	/* return P and block */
	plat_lock(&rt_sched.lock);
	if (plat_load32(&rt_sched.gcwaiting)) {
		plat_unlock(&rt_sched.lock);
		goto top;
	}
	if (rt_sched.runqsize != 0) {
		gp = rt_globrunqget(pp, 0);
		plat_unlock(&rt_sched.lock);
		return gp;
	}
	/* Bug knob needspinning (#45867): drop the P without looking. */
	if (!mp->spinning && plat_load32(&rt_sched.needspinning) == 1 &&
	    !(rt_cfg.bugs & RT_BUG_NEEDSPINNING)) {
		/* See "Delicate dance" comment below. */
		becomeSpinning(mp);
		plat_unlock(&rt_sched.lock);
		goto top;
	}
	if (releasep() != pp)
		rt_throw("findrunnable: wrong p");
	now = pidleput(pp, now);
	plat_unlock(&rt_sched.lock);

	/* Delicate dance: thread transitions from spinning to non-spinning
	 * state, potentially concurrently with submission of new work.  We
	 * must drop nmspinning first and then check all sources again (with
	 * #StoreLoad memory barrier in between).  If we do it the other way
	 * around, another thread can submit work after we've checked all
	 * sources but before we drop nmspinning; as a result nobody will
	 * unpark a thread to run the work.
	 *
	 * This applies to the following sources of work: goroutines added
	 * to a per-P run queue, new/modified-earlier timers on a per-P timer
	 * heap, idle-priority GC work (barring golang.org/issue/19112).
	 *
	 * If we discover new work below, we need to restore m.spinning as a
	 * signal for resetspinning to unpark a new worker thread (because
	 * there can be more than one starving goroutine).
	 *
	 * However, if after discovering new work we also observe no idle Ps
	 * (either here or in resetspinning), we have a problem.  We may be
	 * racing with a non-spinning M in the block above, having found no
	 * work and preparing to release its P and park.  Allowing that P to
	 * go idle will result in loss of work conservation (idle P while
	 * there is runnable work).  This could result in complete deadlock in
	 * the unlikely event that we discover new work (from netpoll) right
	 * as we are racing with _all_ other Ps going idle.
	 *
	 * We use sched.needspinning to synchronize with non-spinning Ms
	 * going idle.  If needspinning is set when they are about to drop
	 * their P, they abort the drop and instead become a new spinning M on
	 * our behalf.  If we are not racing and the system is truly fully
	 * loaded then no spinning threads are required, and the next thread
	 * to naturally become spinning will clear the flag.
	 *
	 * Also see "Worker thread parking/unparking" comment at the top of
	 * the file. */
	bool wasSpinning = mp->spinning;
	if (mp->spinning) {
		/* Bug knob spinning-order: the "other way around" above - stay
		 * counted in nmspinning until after the rechecks. */
		bool late = rt_cfg.bugs & RT_BUG_SPINNING_ORDER;
		if (!late) {
			stopSpinning(mp);
			if ((int32_t)plat_xadd32(&rt_sched.nmspinning, -1) < 0)
				rt_throw("findrunnable: negative nmspinning");
		}
		/* Bug knob spinning-recheck (#43997): no recheck at all. */
		if (rt_cfg.bugs & RT_BUG_SPINNING_RECHECK)
			goto norecheck;

		/* Note the for correctness, only the last M transitioning
		 * from spinning to non-spinning must perform these rechecks
		 * to ensure no missing work.  However, the runtime has some
		 * cases of transient increments of nmspinning that are
		 * decremented without rechecking, so every M must recheck to
		 * be safe. */

		/* Check all runqueues once again: the per-P ones only, as in
		 * Go 1.21, whose submitters to the global queue are not
		 * sloppy about waking an M (later releases also recheck the
		 * global queue here). */
		struct p *pp2 = checkRunqsNoP(allpSnapshot, nallp, idlepMaskSnapshot);
		if (pp2 != NULL) {
			acquirep(pp2);
			if (!late)
				becomeSpinning(mp);
			goto top;
		}
	norecheck:
		if (late) {
			stopSpinning(mp);
			if ((int32_t)plat_xadd32(&rt_sched.nmspinning, -1) < 0)
				rt_throw("findrunnable: negative nmspinning");
		}

		/* Finally, check for timer creation or expiry concurrently
		 * with transitioning from spinning to non-spinning.  We cannot
		 * use checkTimers here because it calls adjusttimers, which is
		 * not allowed when we don't have an active P. */
		pollUntil = checkTimersNoP(allpSnapshot, nallp, timerpMaskSnapshot, pollUntil);
	}

	/* Poll network until next timer. */
	if (rt_netpollinited() && (rt_netpollAnyWaiters() || pollUntil != 0) &&
	    plat_xchg64((uint64_t *)&rt_sched.lastpoll, 0) != 0) {
		plat_store64((uint64_t *)&rt_sched.pollUntil, (uint64_t)pollUntil);
		rt_trace(RT_EV_POLL_UNTIL, 0, pollUntil, 0, NULL);
		if (mp->p != NULL)
			rt_throw("findrunnable: netpoll with p");
		if (mp->spinning)
			rt_throw("findrunnable: netpoll with spinning");
		int64_t delay = -1;
		if (pollUntil != 0) {
			if (now == 0)
				now = plat_nanotime();
			delay = pollUntil - now;
			if (delay < 0)
				delay = 0;
		}
		struct gList list = rt_netpoll(delay); /* block until new work is available */
		/* Refresh now again, after potentially blocking. */
		now = plat_nanotime();
		plat_store64((uint64_t *)&rt_sched.pollUntil, 0);
		plat_store64((uint64_t *)&rt_sched.lastpoll, (uint64_t)now);
		plat_lock(&rt_sched.lock);
		struct p *pp2 = pidleget(&now);
		plat_unlock(&rt_sched.lock);
		if (pp2 == NULL) {
			injectglist(&list);
		} else {
			acquirep(pp2);
			if (!gList_empty(&list)) {
				gp = gList_pop(&list);
				injectglist(&list);
				casgstatus_why(gp, _Gwaiting, _Grunnable, "netpoll");
				return gp;
			}
			if (wasSpinning)
				becomeSpinning(mp);
			goto top;
		}
	} else if (pollUntil != 0 && rt_netpollinited()) {
		int64_t pollerPollUntil = (int64_t)plat_load64((uint64_t *)&rt_sched.pollUntil);
		if (pollerPollUntil == 0 || pollerPollUntil > pollUntil)
			rt_netpollBreak();
	}
	stopm();
	goto top;
}

/* One round of scheduler: find a runnable goroutine and execute it.
 * Returns (gsched) when that goroutine switches back through mcall. */
static void schedule(void)
{
	struct m *mp = plat_getg()->m;
	if (mp->locks != 0)
		rt_throw("schedule: holding locks");

	struct p *pp = mp->p;
	rt_relaxed_store(&pp->preempt, false);
	plat_work(PLAT_WORK_SCHEDULE);

	/* Safety check: if we are spinning, the run queue should be empty.
	 * Check this before calling checkTimers, as that might call ready
	 * to put a ready goroutine on the local run queue. */
	if (mp->spinning && (pp->runnext != NULL || pp->runqhead != pp->runqtail))
		rt_throw("schedule: spinning with local work");

	bool inheritTime, tryWakeP;
	struct g *gp = findRunnable(&inheritTime, &tryWakeP); /* blocks until work is available */

	/* This thread is going to run a goroutine and is not spinning
	 * anymore, so if it was marked as spinning we need to reset it now
	 * and potentially start a new spinning M. */
	if (mp->spinning)
		resetspinning();

	/* If about to schedule a not-normal goroutine (a GCworker or
	 * tracereader), wake a P if there is one. */
	if (tryWakeP)
		rt_wakep();

	execute(gp, inheritTime);
}

/* Schedules gp to run on the current M.  If inheritTime is true, gp
 * inherits the remaining time in the current time slice.  Otherwise, it
 * starts a new time slice.  (gsched: returns when gp mcalls back.) */
static void execute(struct g *gp, bool inheritTime)
{
	struct m *mp = plat_getg()->m;

	/* Assign gp.m before entering _Grunning so running Gs have an M. */
	/* Published with release: sysmon reads it without a lock (preemptone). */
	__atomic_store_n(&mp->curg, gp, __ATOMIC_RELEASE);
	gp->m = mp;
	/* gp is off every run queue, in this M's hands: only it moves gp's
	 * status (casgstatus_owned). */
	casgstatus_owned(gp, _Grunnable, _Grunning, inheritTime ? "inherit" : NULL);
	rt_relaxed_store(&gp->preempt, false);
	if (!inheritTime)
		rt_relaxed_store(&mp->p->schedtick, mp->p->schedtick + 1);

	/* gogo */
	plat_setg(gp);
	plat_ctx_switch(&mp->g0->sched, &gp->sched);
}

/* dropg removes the association between m and the current goroutine
 * m->curg (abbreviated gp).  Typically a caller sets gp's status away
 * from Grunning and then immediately calls dropg to finish the job. */
static void dropg(void)
{
	struct m *mp = plat_getg()->m;
	mp->curg->m = NULL;
	rt_relaxed_store(&mp->curg, NULL);
}

/* ---- goroutine creation and exit ---- */

/* A goroutine's first code: run fn(arg), then goexit. */
static void goentry(void)
{
	struct g *gp = plat_getg();
	gp->fn(gp->arg);
	rt_goexit1();
}

/* Get from gfree list.  If local list is empty, grab a batch from
 * global list. */
static struct g *gfget(struct p *pp)
{
retry:
	if (gList_empty(&pp->gFree.list) &&
	    (rt_relaxed_load(&rt_sched.gFree.stack.head) != NULL ||
	     rt_relaxed_load(&rt_sched.gFree.noStack.head) != NULL)) {
		plat_lock(&rt_sched.gFree.lock);
		/* Move a batch of free Gs to the P. */
		while (pp->gFree.n < 32) {
			/* Prefer Gs with stacks. */
			struct g *gp = gList_pop(&rt_sched.gFree.stack);
			if (gp == NULL) {
				gp = gList_pop(&rt_sched.gFree.noStack);
				if (gp == NULL)
					break;
			}
			rt_sched.gFree.n--;
			gList_push(&pp->gFree.list, gp);
			pp->gFree.n++;
		}
		plat_unlock(&rt_sched.gFree.lock);
		goto retry;
	}
	struct g *gp = gList_pop(&pp->gFree.list);
	if (gp == NULL)
		return NULL;
	pp->gFree.n--;
	if (gp->stack == NULL) {
		/* Stack was deallocated in gfput.  Allocate a new one. */
		gp->stack = plat_stackalloc(RT_STACK_SIZE);
		gp->stacksize = RT_STACK_SIZE;
	}
	return gp;
}

/* Put on gfree list.  If local list is too long, transfer a batch to
 * the global list. */
static void gfput(struct p *pp, struct g *gp)
{
	if (readgstatus_private(gp) != _Gdead)
		rt_throw("gfput: bad status (not Gdead)");

	gList_push(&pp->gFree.list, gp);
	pp->gFree.n++;
	if (pp->gFree.n >= 64) {
		int32_t inc = 0;
		struct gQueue stackQ = {0}, noStackQ = {0};
		while (pp->gFree.n >= 32) {
			struct g *g1 = gList_pop(&pp->gFree.list);
			pp->gFree.n--;
			if (g1->stack == NULL)
				gQueue_push(&noStackQ, g1);
			else
				gQueue_push(&stackQ, g1);
			inc++;
		}
		plat_lock(&rt_sched.gFree.lock);
		gList_pushAll(&rt_sched.gFree.noStack, &noStackQ);
		gList_pushAll(&rt_sched.gFree.stack, &stackQ);
		rt_sched.gFree.n += inc;
		plat_unlock(&rt_sched.gFree.lock);
	}
}

/* Create a new g in state _Grunnable, starting at fn(arg).  callergp is
 * used to set the parent goid. */
static struct g *newproc1(void (*fn)(void *), void *arg, struct g *callergp, const char *label)
{
	if (fn == NULL)
		rt_fatal("go of nil func value");

	struct m *mp = plat_getg()->m;
	mp->locks++; /* disable preemption because we hold M and P in local vars. */
	struct p *pp = mp->p;
	plat_work(PLAT_WORK_NEWPROC);
	struct g *newg = gfget(pp);
	bool reused = newg != NULL;
	if (newg == NULL) {
		newg = malg(RT_STACK_SIZE);
		casgstatus_private(newg, _Gidle, _Gdead);
		allgadd(newg); /* publishes with a g->status of Gdead so GC scanner doesn't look at
		                  uninitialized stack. */
	}
	if (newg->stack == NULL)
		rt_throw("newproc1: newg missing stack");
	if (readgstatus_private(newg) != _Gdead)
		rt_throw("newproc1: new g is not Gdead");

	/* gostartcallfn: a fresh context that starts in goentry. */
	plat_ctx_make(&newg->sched, newg->stack, gstackusable(newg), goentry);
	newg->fn = fn;
	newg->arg = arg;
	newg->parentGoid = callergp ? callergp->goid : 0;
	newg->waitreason = waitReasonZero;
	rt_relaxed_store(&newg->preempt, false);
	newg->sig = 0;

	if (pp->goidcache == pp->goidcacheend) {
		/* Sched.goidgen is the last allocated id, this batch must be
		 * [sched.goidgen+1, sched.goidgen+GoidCacheBatch].  At startup
		 * sched.goidgen=0, so main goroutine receives goid=1. */
		pp->goidcache = plat_xadd64(&rt_sched.goidgen, RT_GOID_CACHE_BATCH);
		pp->goidcache -= RT_GOID_CACHE_BATCH - 1;
		pp->goidcacheend = pp->goidcache + RT_GOID_CACHE_BATCH;
	}
	rt_relaxed_store(&newg->goid, (int64_t)pp->goidcache);
	pp->goidcache++;
	waitall_add(1);
	newg->label = label;
	rt_trace(RT_EV_NEWPROC, newg->goid, newg->parentGoid, reused, NULL);
	if (label)
		rt_trace(RT_EV_LABEL, newg->goid, 0, 0, label);
	casgstatus_owned(newg, _Gdead, _Grunnable, NULL);
	mp->locks--;
	return newg;
}

/* Create a new g running fn(arg).  Put it on the queue of g's waiting to
 * run.  The compiler turns a go statement into a call to this. */
void rt_newproc(void (*fn)(void *), void *arg)
{
	rt_newproc_labelled(fn, arg, NULL);
}

void rt_newproc_labelled(void (*fn)(void *), void *arg, const char *label)
{
	struct g *gp = plat_getg();
	struct g *newg = newproc1(fn, arg, gp->m->curg, label);
	struct p *pp = gp->m->p;
	rt_runqput(pp, newg, true);
	if (rt_mainStarted)
		rt_wakep();
}

/* goexit continuation on g0. */
static void goexit0(struct g *gp)
{
	struct m *mp = plat_getg()->m;
	struct p *pp = mp->p;

	casgstatus_owned(gp, _Grunning, _Gdead, "exit");
	plat_work(PLAT_WORK_GOEXIT);
	rt_trace(RT_EV_GOEXIT, gp->goid, 0, 0, NULL);
	gp->m = NULL;
	gp->fn = NULL;
	gp->arg = NULL;
	gp->label = NULL;
	rt_relaxed_store(&gp->preempt, false);
	gp->asyncPreempt = false;
	dropg();
	gfput(pp, gp);

	/* gsched: waitall.  The last goroutine to finish wakes main. */
	if ((int32_t)waitall_add(-1) == 1) {
		plat_lock(&waitall.lock);
		struct g *w = waitall.waiting;
		waitall.waiting = NULL;
		plat_unlock(&waitall.lock);
		if (w != NULL)
			rt_goready(w);
	}
	/* Go calls schedule() here; schedloop does. */
}

/* Finishes execution of the current goroutine. */
void rt_goexit1(void)
{
	mcall(goexit0);
	rt_throw("goexit1: returned");
}

/* ---- yielding, parking, readying ---- */

static void goschedImpl(struct g *gp, bool preempted)
{
	uint32_t status = readgstatus_private(gp);
	if (status != _Grunning)
		rt_throw("bad g status");
	/* gp is this M's running g: only it moves gp's status. */
	casgstatus_owned(gp, _Grunning, _Grunnable, preempted ? "preempted" : "gosched");
	dropg();
	plat_lock(&rt_sched.lock);
	rt_globrunqput(gp);
	plat_unlock(&rt_sched.lock);
	/* Go 1.21 starts no M here: the g waits on the global queue for an
	 * M that looks (later releases call wakep when mainStarted). */
}

/* Gosched continuation on g0. */
static void gosched_m(struct g *gp)
{
	goschedImpl(gp, false);
}

static void gopreempt_m(struct g *gp)
{
	rt_trace(RT_EV_PREEMPT, gp->goid, gp->asyncPreempt, 0, NULL);
	gp->asyncPreempt = false;
	goschedImpl(gp, true);
}

/* The check Go compiles into every function prologue: a preemption
 * request (sysmon's, or stop-the-world's) deschedules the g here. */
void rt_preemptcheck(void)
{
	struct g *gp = plat_getg();
	if (rt_relaxed_load(&gp->preempt)) {
		gp->asyncPreempt = false;
		mcall(gopreempt_m);
	}
}

/* goyield continuation on g0: like gosched_m, but the g goes to the
 * tail of the local run queue (a semaphore hand-off lets the woken
 * waiter, in runnext, run first). */
static void goyield_m(struct g *gp)
{
	struct p *pp = plat_getg()->m->p;
	casgstatus_why(gp, _Grunning, _Grunnable, "goyield");
	dropg();
	rt_runqput(pp, gp, false);
}

void rt_goyield(void)
{
	mcall(goyield_m);
}

/* Gosched yields the processor, allowing other goroutines to run.  It
 * does not suspend the current goroutine, so execution resumes
 * automatically. */
void rt_gosched(void)
{
	mcall(gosched_m);
}

/* park continuation on g0. */
static void park_m(struct g *gp)
{
	struct m *mp = plat_getg()->m;

	casgstatus_owned(gp, _Grunning, _Gwaiting, rt_waitReason_string(gp->waitreason));
	plat_work(PLAT_WORK_PARK);
	dropg();

	bool (*fn)(struct g *, void *) = mp->waitunlockf;
	if (fn != NULL) {
		bool ok = fn(gp, mp->waitlock);
		mp->waitunlockf = NULL;
		mp->waitlock = NULL;
		if (!ok) {
			casgstatus_why(gp, _Gwaiting, _Grunnable, "park aborted");
			execute(gp, true); /* Schedule it back. */
		}
	}
}

/* Puts the current goroutine into a waiting state and calls unlockf on
 * the system stack.  If unlockf returns false, the goroutine is resumed.
 * Note that because unlockf is called after putting the G into a
 * waiting state, the G may have already been readied by the time
 * unlockf is called unless there is external synchronization preventing
 * the G from being readied. */
void rt_gopark(bool (*unlockf)(struct g *, void *), void *lock, enum waitReason reason)
{
	struct m *mp = plat_getg()->m;
	struct g *gp = mp->curg;
	uint32_t status = readgstatus_private(gp);
	if (status != _Grunning)
		rt_throw("gopark: bad g status");
	mp->waitlock = lock;
	mp->waitunlockf = unlockf;
	gp->waitreason = reason;
	mcall(park_m);
}

static bool parkunlock_c(struct g *gp, void *lock)
{
	plat_unlock(lock);
	return true;
}

/* Puts the current goroutine into a waiting state and unlocks the lock.
 * The goroutine can be made runnable again by calling goready(gp). */
void rt_goparkunlock(struct plat_mutex *lock, enum waitReason reason)
{
	rt_gopark(parkunlock_c, lock, reason);
}

/* Mark gp ready to run. */
static void ready(struct g *gp, bool next)
{
	uint32_t status = readgstatus_private(gp);
	/* Mark runnable. */
	struct m *mp = plat_getg()->m;
	mp->locks++; /* disable preemption because it can be holding p in a local var */
	if (status != _Gwaiting)
		rt_throw("bad g->status in ready");
	/* status is Gwaiting or Gscanwaiting, make Grunnable and put on runq */
	casgstatus_owned(gp, _Gwaiting, _Grunnable, "ready");
	plat_work(PLAT_WORK_READY);
	rt_runqput(mp->p, gp, next);
	rt_wakep();
	mp->locks--;
}

void rt_goready(struct g *gp)
{
	ready(gp, true);
}

/* wantAsyncPreempt returns whether an asynchronous preemption is
 * queued for gp (preempt.go). */
static bool wantAsyncPreempt(struct g *gp)
{
	/* Check both the G and the P. */
	struct p *pp = gp->m->p;
	return (rt_relaxed_load(&gp->preempt) || (pp != NULL && rt_relaxed_load(&pp->preempt))) &&
	       rt_readgstatus(gp) == _Grunning;
}

/* doSigPreempt handles a preemption signal on gp (signal_unix.go).
 * safe says whether the signal landed at an asynchronous safe point:
 * here, between two chunks of a spend, which is where the simulator
 * delivers it; at a spend's end the g is about to return into its own
 * code, and a pending request is left to the next prologue check. */
static void doSigPreempt(struct g *gp, bool safe)
{
	/* Check if this G wants to be preempted and is safe to preempt. */
	bool preempt = safe && wantAsyncPreempt(gp);
	/* Acknowledge the preemption. */
	plat_store32(&gp->m->signalPending, 0);
	if (preempt) {
		/* asyncPreempt: save the g's state and enter the scheduler. */
		gp->asyncPreempt = true;
		mcall(gopreempt_m);
	}
}

/* Burn ns of CPU in chunks; a preemption request is honoured between
 * chunks, as Go honours one at a function prologue. */
void rt_spend(int64_t ns)
{
	rt_preemptcheck(); /* the prologue: cooperative preemption */
	while (ns > 0) {
		int64_t chunk = ns < SPEND_CHUNK_NS ? ns : SPEND_CHUNK_NS;
		ns -= chunk;
		/* Inside the loop only an asynchronous request (Go's SIGURG)
		 * can stop the g, as in a Go loop without calls. */
		if (plat_spend(chunk))
			doSigPreempt(plat_getg(), ns > 0);
	}
}

/* ---- preemption ---- */

/* preemptM sends a preemption request to mp (signal_unix.go).  This
 * request may be handled asynchronously and may be coalesced with other
 * requests to the M.  When the request is received, if the running G or
 * P are marked for preemption and the goroutine is at an asynchronous
 * safe-point, it will preempt the goroutine. */
static void preemptM(struct m *mp)
{
	/* If multiple threads are preempting the same M, it may send many
	 * signals to the same M such that it hardly makes progress, causing
	 * live-lock (golang.org/issue/37741).  Only send a signal if there
	 * isn't already one pending. */
	if (plat_cas32(&mp->signalPending, 0, 1))
		plat_signalM(mp);
}

/* Tell the goroutine running on processor P to stop.  This function is
 * purely best-effort.  It can incorrectly fail to inform the goroutine.
 * It can inform the wrong goroutine.  Even if it informs the correct
 * goroutine, that goroutine might ignore the request if it is
 * simultaneously executing newstack.  No lock needs to be held.
 * Returns true if preemption request was issued. */
static bool preemptone(struct p *pp)
{
	/* Racy by design (Go's too): pp's M, its g and the g's id may change
	 * under us; relaxed loads keep that a race of the program's logic,
	 * not of C. */
	struct m *mp = rt_relaxed_load(&pp->m);
	if (mp == NULL || mp == plat_getg()->m)
		return false;
	struct g *gp = plat_loadp((void *const *)&mp->curg);
	if (gp == NULL || gp == mp->g0)
		return false;

	/* From reading curg to storing the flag Go spends some 70 ns on
	 * lines the target M keeps writing (PLAT_WORK_PREEMPTONE); the g may
	 * park meanwhile, or the M execute another, and the request is then
	 * lost, as in Go (execute clears the flag). */
	plat_work(PLAT_WORK_PREEMPTONE);
	plat_store32(&gp->preempt, true);
	/* Every call in a goroutine checks for stack overflow by comparing
	 * the current stack pointer to gp->stackguard0; Go folds preemption
	 * into that check.  Here: rt_preemptcheck at every API call. */

	/* Request an async preemption of this P. */
	if (!rt_cfg.asyncpreemptoff) {
		rt_relaxed_store(&pp->preempt, true);
		preemptM(mp);
	}
	rt_trace(RT_EV_PREEMPT_REQ, rt_relaxed_load(&gp->goid), !rt_cfg.asyncpreemptoff, pp->id,
	         NULL);
	return true;
}

/* Tell all goroutines that they have been preempted and they should
 * stop.  This function is purely best-effort. */
static bool preemptall(void)
{
	bool res = false;
	for (int32_t i = 0; i < rt_gomaxprocs; i++) {
		struct p *pp = rt_allp[i];
		if (plat_load32(&pp->status) != _Prunning)
			continue;
		if (preemptone(pp))
			res = true;
	}
	return res;
}

/* ---- stop-the-world ---- */

/* worldIsStopped is 1 while the world is stopped (lockrank_on.go).  Go
 * keeps it, and its assertions, only in static-lock-ranking builds; here
 * they are always on.  Only the goroutine that stops the world changes
 * it, so it is bookkeeping, not a platform operation. */
static uint32_t worldIsStopped;

/* worldStopped notes that the world is stopped. */
static void worldStopped(void)
{
	if (__atomic_add_fetch(&worldIsStopped, 1, __ATOMIC_RELAXED) != 1)
		rt_throw("world stopped twice");
}

/* worldStarted notes that the world is starting. */
static void worldStarted(void)
{
	if (__atomic_sub_fetch(&worldIsStopped, 1, __ATOMIC_RELAXED) != 0)
		rt_throw("world started twice");
}

/* assertWorldStopped throws if the world is not stopped. */
static void assertWorldStopped(void)
{
	if (__atomic_load_n(&worldIsStopped, __ATOMIC_RELAXED) != 1)
		rt_throw("world not stopped");
}

/* Stops the current m for stopTheWorld.  Returns when the world is
 * restarted. */
static void gcstopm(void)
{
	struct m *mp = plat_getg()->m;
	if (!plat_load32(&rt_sched.gcwaiting))
		rt_throw("gcstopm: not waiting for gc");
	if (mp->spinning) {
		stopSpinning(mp);
		/* OK to just drop nmspinning here, startTheWorld will unpark
		 * threads as necessary. */
		if ((int32_t)plat_xadd32(&rt_sched.nmspinning, -1) < 0)
			rt_throw("gcstopm: negative nmspinning");
	}
	struct p *pp = releasep();
	plat_lock(&rt_sched.lock);
	setpstatus(pp, _Pgcstop);
	rt_sched.stopwait--;
	if (rt_sched.stopwait == 0)
		plat_notewakeup(&rt_sched.stopnote);
	plat_unlock(&rt_sched.lock);
	stopm();
}

static void semacquire_worldsema(void)
{
	plat_lock(&worldsema.lock);
	if (!worldsema.held) {
		worldsema.held = true;
		plat_unlock(&worldsema.lock);
		return;
	}
	gQueue_pushBack(&worldsema.waiters, plat_getg());
	rt_goparkunlock(&worldsema.lock, waitReasonSemacquire);
	/* The releaser handed worldsema to us. */
}

static void semrelease_worldsema(void)
{
	plat_lock(&worldsema.lock);
	struct g *gp = gQueue_pop(&worldsema.waiters);
	if (gp == NULL)
		worldsema.held = false;
	plat_unlock(&worldsema.lock);
	if (gp != NULL)
		rt_goready(gp); /* direct hand-off: held stays true */
}

/* stopTheWorldWithSema is the core implementation of stopTheWorld.  The
 * caller is responsible for acquiring worldsema and disabling
 * preemption first and then should stopTheWorldWithSema on the system
 * stack (here: with its g marked waiting, as Go's casGToWaiting). */
static void stopTheWorldWithSema(const char *reason)
{
	struct m *mp = plat_getg()->m;
	if (mp->locks > 0)
		rt_throw("stopTheWorld: holding locks");

	rt_trace(RT_EV_STW, 1, 0, 0, reason);
	plat_lock(&rt_sched.lock);
	rt_sched.stopwait = rt_gomaxprocs;
	plat_store32(&rt_sched.gcwaiting, 1);
	preemptall();
	/* stop current P */
	setpstatus(mp->p, _Pgcstop); /* Pgcstop is only diagnostic. */
	rt_sched.stopwait--;
	/* try to retake all P's in Psyscall status */
	for (int32_t i = 0; i < rt_gomaxprocs; i++) {
		struct p *pp = rt_allp[i];
		uint32_t st = plat_load32(&pp->status);
		if (st == _Psyscall && plat_cas32(&pp->status, st, _Pgcstop)) {
			rt_trace(RT_EV_PSTATUS, pp->id, _Psyscall, _Pgcstop, NULL);
			rt_relaxed_store(&pp->syscalltick, pp->syscalltick + 1);
			rt_sched.stopwait--;
		}
	}
	/* stop idle P's */
	int64_t now = plat_nanotime();
	for (;;) {
		struct p *pp = pidleget(&now);
		if (pp == NULL)
			break;
		setpstatus(pp, _Pgcstop);
		rt_sched.stopwait--;
	}
	bool wait = rt_sched.stopwait > 0;
	plat_unlock(&rt_sched.lock);

	/* wait for remaining P's to stop voluntarily */
	if (wait) {
		for (;;) {
			/* wait for 100us, then try to re-preempt in case of any races */
			if (plat_notetsleep(&rt_sched.stopnote, 100 * 1000)) {
				plat_noteclear(&rt_sched.stopnote);
				break;
			}
			preemptall();
		}
	}

	/* sanity checks */
	if (rt_sched.stopwait != 0)
		rt_throw("stopTheWorld: not stopped (stopwait != 0)");
	for (int32_t i = 0; i < rt_gomaxprocs; i++)
		if (plat_load32(&rt_allp[i]->status) != _Pgcstop)
			rt_throw("stopTheWorld: not stopped (status != _Pgcstop)");
	worldStopped();
}

/* stopTheWorld stops all P's from executing goroutines, interrupting
 * all goroutines at GC safe points and records reason as the reason for
 * the stop.  On return, only the current goroutine's P is running. */
static void stopTheWorld(const char *reason)
{
	semacquire_worldsema();
	struct g *gp = plat_getg();
	/* Go runs stopTheWorldWithSema on the system stack with the g marked
	 * waiting, so that it is not itself preempted. */
	gp->waitreason = waitReasonStoppingTheWorld;
	casgstatus_why(gp, _Grunning, _Gwaiting, rt_waitReason_string(waitReasonStoppingTheWorld));
	stopTheWorldWithSema(reason);
	casgstatus_why(gp, _Gwaiting, _Grunning, "world stopped");
	gp->waitreason = waitReasonZero;
}

static void destroyp(struct p *pp);

/* Change number of processors.  sched.lock must be held, and the world
 * must be stopped (or, at start-up, only m0 exists).  Returns list of Ps
 * with local work, they need to be scheduled by the caller. */
static struct p *procresize(int32_t nprocs)
{
	plat_assertLockHeld(&rt_sched.lock);
	assertWorldStopped();
	int32_t old = rt_gomaxprocs;
	if (old < 0 || nprocs <= 0 || nprocs > RT_MAXPROCS)
		rt_throw("procresize: invalid arg");
	rt_trace(RT_EV_PROCRESIZE, old, nprocs, 0, NULL);

	int64_t now = plat_nanotime();

	/* Grow allp if necessary.  gsched: allp and the masks are allocated
	 * once at their largest size (RT_MAXPROCS), and P structs are never
	 * freed while the program runs (Go keeps them too: an M in a
	 * syscall may still refer to one), so readers without a P never see
	 * freed memory. */
	plat_lock(&allpLock);
	if (rt_allp == NULL) {
		rt_allp = plat_alloc("allp", RT_MAXPROCS * sizeof *rt_allp);
		rt_idlepMask = plat_alloc("idlepMask", RT_MAXPROCS / 32 * sizeof *rt_idlepMask);
		rt_timerpMask = plat_alloc("timerpMask", RT_MAXPROCS / 32 * sizeof *rt_timerpMask);
	}
	plat_unlock(&allpLock);

	/* initialize new P's */
	for (int32_t i = old; i < nprocs; i++) {
		struct p *pp = rt_allp[i];
		if (pp == NULL) {
			pp = rt_calloc("a P", sizeof *pp);
			pp->id = i;
			/* The local ring is sized once, here (policy runq-size). */
			pp->runqcap = (uint32_t)rt_cfg.runqsize;
			pp->runq = rt_calloc("a P's run queue", pp->runqcap * sizeof *pp->runq);
			pp->runqbatch = rt_calloc("a P's run queue batch",
			                          (pp->runqcap + 1) * sizeof *pp->runqbatch);
			pp->status = _Pgcstop;
			plat_storep((void **)&rt_allp[i], pp);
			if (i + 1 > allpcap)
				allpcap = i + 1;
		} else {
			setpstatus(pp, _Pgcstop);
		}
		/* p.init: this P may get timers when it starts running.  Set
		 * the mask here since the P may not go through pidleget
		 * (notably P 0 on startup).  Similarly, we may not go through
		 * pidleget before this P starts running if it is P 0 on
		 * startup. */
		pMask_set(rt_timerpMask, i);
		pMask_clear(rt_idlepMask, i);
	}

	struct g *gp = plat_getg();
	if (gp->m->p != NULL && gp->m->p->id < nprocs) {
		/* continue to use the current P */
		setpstatus(gp->m->p, _Prunning);
	} else {
		/* release the current P and acquire allp[0]. */
		if (gp->m->p != NULL)
			rt_relaxed_store(&gp->m->p->m, NULL);
		gp->m->p = NULL;
		struct p *pp = rt_allp[0];
		rt_relaxed_store(&pp->m, NULL);
		setpstatus(pp, _Pidle);
		acquirep(pp);
	}

	/* release resources from unused P's */
	for (int32_t i = nprocs; i < old; i++)
		destroyp(rt_allp[i]);
	plat_store32((uint32_t *)&rt_gomaxprocs, (uint32_t)nprocs);

	struct p *runnablePs = NULL;
	for (int32_t i = nprocs - 1; i >= 0; i--) {
		struct p *pp = rt_allp[i];
		if (gp->m->p == pp)
			continue;
		setpstatus(pp, _Pidle);
		if (rt_runqempty(pp)) {
			pidleput(pp, now);
		} else {
			rt_relaxed_store(&pp->m, mget());
			pp->link = runnablePs;
			runnablePs = pp;
		}
	}
	rt_randomOrder_reset(&rt_stealOrder, (uint32_t)nprocs);
	return runnablePs;
}

/* destroy releases all of the resources associated with pp and
 * transitions it to status _Pdead.  sched.lock must be held and the
 * world must be stopped. */
static void destroyp(struct p *pp)
{
	plat_assertLockHeld(&rt_sched.lock);
	assertWorldStopped();
	/* Move all runnable goroutines to the global queue */
	while (pp->runqhead != pp->runqtail) {
		/* Pop from tail of local queue */
		pp->runqtail--;
		struct g *gp = pp->runq[pp->runqtail % pp->runqcap];
		/* Push onto head of global queue */
		rt_globrunqputhead(gp);
	}
	if (pp->runnext != NULL) {
		rt_globrunqputhead(pp->runnext);
		pp->runnext = NULL;
	}
	/* Bug knob procresize-timers (#44868, #45716): the timers stay on
	 * the dead P, where nothing looks for them. */
	if (pp->ntimers > 0 && !(rt_cfg.bugs & RT_BUG_PROCRESIZE_TIMERS)) {
		struct p *plocal = plat_getg()->m->p;
		/* The world is stopped, but we acquire timersLock to protect
		 * against sysmon calling timeSleepUntil.  This is the only case
		 * where we hold the timersLock of more than one P, so there are
		 * no deadlock concerns. */
		plat_lock(&plocal->timersLock);
		plat_lock(&pp->timersLock);
		rt_moveTimers(plocal, pp->timers, pp->ntimers);
		pp->ntimers = 0;
		plat_store32(&pp->numTimers, 0);
		plat_store32(&pp->deletedTimers, 0);
		plat_store64((uint64_t *)&pp->timer0When, 0);
		rt_trace(RT_EV_TIMER_NEXT, pp->id, 0, 0, NULL);
		plat_unlock(&pp->timersLock);
		plat_unlock(&plocal->timersLock);
	}
	/* Move p's free Gs to the global list (gfpurge). */
	plat_lock(&rt_sched.gFree.lock);
	while (!gList_empty(&pp->gFree.list)) {
		struct g *gp = gList_pop(&pp->gFree.list);
		pp->gFree.n--;
		if (gp->stack == NULL)
			gList_push(&rt_sched.gFree.noStack, gp);
		else
			gList_push(&rt_sched.gFree.stack, gp);
		rt_sched.gFree.n++;
	}
	plat_unlock(&rt_sched.gFree.lock);
	/* gsched: Go drops the P's sudog cache for the GC to collect; give
	 * it to the central cache so that nothing is lost. */
	plat_lock(&rt_sched.sudoglock);
	while (pp->nsudogcache > 0) {
		struct sudog *sg = pp->sudogcache[--pp->nsudogcache];
		sg->next = rt_sched.sudogcache;
		rt_sched.sudogcache = sg;
	}
	plat_unlock(&rt_sched.sudoglock);
	setpstatus(pp, _Pdead);
}

/* startTheWorldWithSema: the world is stopped and the caller holds
 * worldsema. */
static void startTheWorldWithSema(void)
{
	assertWorldStopped();
	struct m *mp = plat_getg()->m;
	mp->locks++; /* disable preemption because it can be holding p in a local var */
	if (rt_netpollinited()) {
		struct gList list = rt_netpoll(0); /* non-blocking */
		injectglist(&list);
	}

	plat_lock(&rt_sched.lock);
	int32_t procs = rt_gomaxprocs;
	if (newprocs != 0) {
		procs = newprocs;
		newprocs = 0;
	}
	struct p *p1 = procresize(procs);
	plat_store32(&rt_sched.gcwaiting, 0);
	worldStarted();
	if (plat_load32(&rt_sched.sysmonwait)) {
		plat_store32(&rt_sched.sysmonwait, 0);
		plat_notewakeup(&rt_sched.sysmonnote);
	}
	plat_unlock(&rt_sched.lock);
	rt_trace(RT_EV_STW, 0, procs, 0, NULL);

	while (p1 != NULL) {
		struct p *pp = p1;
		p1 = p1->link;
		if (pp->m != NULL) {
			struct m *nmp = pp->m;
			rt_relaxed_store(&pp->m, NULL);
			if (nmp->nextp != NULL)
				rt_throw("startTheWorld: inconsistent mp->nextp");
			nmp->nextp = pp;
			plat_notewakeup(&nmp->park);
		} else {
			/* Start M to run P. */
			newm(NULL, pp, -1);
		}
	}

	/* Wakeup an additional proc in case we have excessive runnable
	 * goroutines in local queues or in the global queue.  If we don't,
	 * the proc will park itself.  If we have lots of excessive work,
	 * resetspinning will unpark additional procs as necessary. */
	rt_wakep();
	mp->locks--;
}

static void startTheWorld(void)
{
	startTheWorldWithSema();
	/* worldsema must be held over startTheWorldWithSema to ensure
	 * gomaxprocs cannot change while worldsema is held.  Release
	 * worldsema with direct handoff to the next waiter. */
	semrelease_worldsema();
}

/* runtime.GOMAXPROCS. */
int32_t rt_GOMAXPROCS(int32_t n)
{
	plat_lock(&rt_sched.lock);
	int32_t ret = rt_gomaxprocs;
	plat_unlock(&rt_sched.lock);
	if (n <= 0 || n == ret)
		return ret;
	if (n > RT_MAXPROCS)
		n = RT_MAXPROCS;

	stopTheWorld("GOMAXPROCS");
	/* newprocs will be processed by startTheWorld */
	newprocs = n;
	startTheWorld();
	return ret;
}

/* ---- system calls ---- */

/* The goroutine g is about to enter a system call.  Record that it's
 * not using the cpu anymore.  This is called only from the go syscall
 * library and cgocall, not from the low-level system calls used by the
 * runtime.  The P is left in _Psyscall, owned by nobody: sysmon may
 * retake it, or the M takes it back on exit (exitsyscallfast). */
static void entersyscall(void)
{
	struct g *gp = plat_getg();
	struct m *mp = gp->m;
	mp->locks++;
	casgstatus_why(gp, _Grunning, _Gsyscall, "syscall");

	if (plat_load32(&rt_sched.sysmonwait)) {
		/* entersyscall_sysmon */
		plat_lock(&rt_sched.lock);
		if (plat_load32(&rt_sched.sysmonwait)) {
			plat_store32(&rt_sched.sysmonwait, 0);
			plat_notewakeup(&rt_sched.sysmonnote);
		}
		plat_unlock(&rt_sched.lock);
	}

	mp->syscalltick = mp->p->syscalltick;
	struct p *pp = mp->p;
	rt_trace(RT_EV_SYSCALL_ENTER, gp->goid, pp->id, 0, NULL);
	rt_relaxed_store(&pp->m, NULL);
	mp->oldp = pp;
	mp->p = NULL;
	plat_store32(&pp->status, _Psyscall);
	rt_trace(RT_EV_PSTATUS, pp->id, _Prunning, _Psyscall, NULL);
	if (plat_load32(&rt_sched.gcwaiting)) {
		/* entersyscall_gcwait */
		plat_lock(&rt_sched.lock);
		if (rt_sched.stopwait > 0 && plat_cas32(&pp->status, _Psyscall, _Pgcstop)) {
			rt_trace(RT_EV_PSTATUS, pp->id, _Psyscall, _Pgcstop, NULL);
			rt_relaxed_store(&pp->syscalltick, pp->syscalltick + 1);
			if (--rt_sched.stopwait == 0)
				plat_notewakeup(&rt_sched.stopnote);
		}
		plat_unlock(&rt_sched.lock);
	}
	mp->locks--;
}

/* The same as entersyscall, for a call the runtime knows will block
 * (Go: notetsleepg's, as os/signal's signal_recv): the P is handed off
 * at once (entersyscallblock_handoff) rather than left in _Psyscall for
 * sysmon to retake.  exitsyscall then has no oldp to take back. */
static void entersyscallblock(void)
{
	struct g *gp = plat_getg();
	struct m *mp = gp->m;
	mp->locks++;
	mp->syscalltick = mp->p->syscalltick;
	rt_relaxed_store(&mp->p->syscalltick, mp->p->syscalltick + 1);
	casgstatus_why(gp, _Grunning, _Gsyscall, "syscall");
	rt_trace(RT_EV_SYSCALL_ENTER, gp->goid, mp->p->id, 1, NULL);
	/* entersyscallblock_handoff */
	rt_handoffp(releasep());
	mp->locks--;
}

/* exitsyscallfast_pidle: try to get any other idle P. */
static bool exitsyscallfast_pidle(void)
{
	plat_lock(&rt_sched.lock);
	struct p *pp = pidleget(NULL);
	if (pp != NULL && plat_load32(&rt_sched.sysmonwait)) {
		plat_store32(&rt_sched.sysmonwait, 0);
		plat_notewakeup(&rt_sched.sysmonnote);
	}
	plat_unlock(&rt_sched.lock);
	if (pp != NULL) {
		acquirep(pp);
		return true;
	}
	return false;
}

static bool exitsyscallfast(struct p *oldp)
{
	struct g *gp = plat_getg();
	/* Try to re-acquire the last P. */
	if (oldp != NULL && plat_load32(&oldp->status) == _Psyscall &&
	    plat_cas32(&oldp->status, _Psyscall, _Pidle)) {
		rt_trace(RT_EV_PSTATUS, oldp->id, _Psyscall, _Pidle, NULL);
		/* There's a cpu for us, so we can run. */
		wirep(oldp);
		/* exitsyscallfast_reacquired */
		if (gp->m->syscalltick != gp->m->p->syscalltick)
			rt_relaxed_store(&gp->m->p->syscalltick, gp->m->p->syscalltick + 1);
		return true;
	}
	/* Try to get any other idle P. */
	if (plat_loadp((void *const *)&rt_sched.pidle) != NULL && exitsyscallfast_pidle())
		return true;
	return false;
}

/* exitsyscall slow path on g0.  Failed to acquire P, enqueue gp as
 * runnable. */
static void exitsyscall0(struct g *gp)
{
	casgstatus_why(gp, _Gsyscall, _Grunnable, "syscall exit");
	dropg();
	plat_lock(&rt_sched.lock);
	struct p *pp = pidleget(NULL);
	if (pp == NULL)
		rt_globrunqput(gp);
	else if (plat_load32(&rt_sched.sysmonwait)) {
		plat_store32(&rt_sched.sysmonwait, 0);
		plat_notewakeup(&rt_sched.sysmonnote);
	}
	plat_unlock(&rt_sched.lock);
	if (pp != NULL) {
		acquirep(pp);
		rt_trace(RT_EV_SYSCALL_EXIT, gp->goid, 0, pp->id, NULL);
		execute(gp, false); /* Go: never returns; here: returns to schedloop */
		return;
	}
	rt_trace(RT_EV_SYSCALL_EXIT, gp->goid, 0, -1, NULL);
	stopm();
	/* Go calls schedule() here; schedloop does. */
}

/* The goroutine g exited its system call.  Arrange for it to run on a
 * cpu again. */
static void exitsyscall(void)
{
	struct g *gp = plat_getg();
	struct m *mp = gp->m;
	mp->locks++;
	struct p *oldp = mp->oldp;
	mp->oldp = NULL;
	if (exitsyscallfast(oldp)) {
		/* There's a cpu for us, so we can run. */
		rt_relaxed_store(&gp->m->p->syscalltick, gp->m->p->syscalltick + 1);
		casgstatus_why(gp, _Gsyscall, _Grunning, "syscall exit");
		rt_trace(RT_EV_SYSCALL_EXIT, gp->goid, 1, gp->m->p->id, NULL);
		gp->m->locks--;
		return;
	}
	mp->locks--;
	/* Call the scheduler. */
	mcall(exitsyscall0);
	/* Scheduler returned, so we're allowed to run now. */
	rt_relaxed_store(&gp->m->p->syscalltick, gp->m->p->syscalltick + 1);
}

/* A blocking system call of ns. */
void rt_syscall(int64_t ns)
{
	rt_preemptcheck();
	entersyscall();
	plat_syscall(ns);
	exitsyscall();
}

/* A system call of ns known to block: its P is handed off on entry. */
void rt_syscall_block(int64_t ns)
{
	rt_preemptcheck();
	entersyscallblock();
	plat_syscall(ns);
	exitsyscall();
}

/* ---- injectglist ---- */

/* injectglist adds each runnable G on the list to some run queue, and
 * clears glist.  If there is no current P, they are added to the global
 * queue, and up to npidle M's are started to run them.  Otherwise, for
 * each idle P, this adds a G to the global queue and starts an M.  Any
 * remaining G's are added to the current P's local run queue. */
static void injectglist(struct gList *glist)
{
	if (gList_empty(glist))
		return;

	/* Mark all the goroutines as runnable before we put them on the
	 * run queues. */
	struct g *head = glist->head, *tail = NULL;
	int32_t qsize = 0;
	for (struct g *gp = head; gp != NULL; gp = gp->schedlink) {
		tail = gp;
		qsize++;
		casgstatus_why(gp, _Gwaiting, _Grunnable, "netpoll");
	}
	/* Turn the gList into a gQueue. */
	struct gQueue q = {head, tail};
	glist->head = NULL;
	int32_t started = 0, total = qsize;

	struct m *mp = plat_getg()->m;
	struct p *pp = mp->p;
	if (pp == NULL) {
		plat_lock(&rt_sched.lock);
		rt_globrunqputbatch(&q, qsize);
		plat_unlock(&rt_sched.lock);
		started = startIdle(qsize);
		rt_trace(RT_EV_INJECTGLIST, total, started, 0, NULL);
		return;
	}

	int32_t npidle = (int32_t)plat_load32(&rt_sched.npidle);
	struct gQueue globq = {0};
	int32_t n;
	for (n = 0; n < npidle && !gQueue_empty(&q); n++)
		gQueue_pushBack(&globq, gQueue_pop(&q));
	if (n > 0) {
		plat_lock(&rt_sched.lock);
		rt_globrunqputbatch(&globq, n);
		plat_unlock(&rt_sched.lock);
		started = startIdle(n);
		qsize -= n;
	}

	if (!gQueue_empty(&q))
		rt_runqputbatch(pp, &q, qsize);
	rt_trace(RT_EV_INJECTGLIST, total, started, 0, NULL);

	/* Go 1.21 ends here.  Go 1.22 (policy injectglist-wakep) also wakes
	 * a P: some P may have gone idle after npidle was read, leaving work
	 * on the global queue with an idle P; wakep does nothing in the
	 * common case and may start one more M. */
	if (rt_cfg.injectglistwakep)
		rt_wakep();
}

/* injectglist's startIdle: start up to n idle Ps with Ms. */
static int32_t startIdle(int32_t n)
{
	int32_t i;
	for (i = 0; i < n; i++) {
		struct m *mp = plat_getg()->m;
		mp->locks++; /* See comment in startm. */
		plat_lock(&rt_sched.lock);
		struct p *pp = pidlegetSpinning(NULL);
		if (pp == NULL) {
			plat_unlock(&rt_sched.lock);
			mp->locks--;
			break;
		}
		startm(pp, false, true);
		plat_unlock(&rt_sched.lock);
		mp->locks--;
	}
	return i;
}

/* ---- sysmon ---- */

/* retake Ps blocked in syscalls and preempt long-running Gs.  Returns
 * the number of Ps retaken from syscalls. */
static uint32_t retake(int64_t now)
{
	uint32_t n = 0;
	/* Prevent allp slice changes.  This lock will be completely
	 * uncontended unless we're already stopping the world. */
	plat_lock(&allpLock);
	/* We can't use a range loop over allp because we may temporarily
	 * drop the allpLock.  Hence, we need to re-fetch allp each time
	 * around the loop. */
	for (int32_t i = 0; i < (int32_t)plat_load32((uint32_t *)&rt_gomaxprocs); i++) {
		struct p *pp = rt_allp[i];
		if (pp == NULL)
			/* This can happen if procresize has grown allp but not
			 * yet created new Ps. */
			continue;
		struct sysmontick *pd = &pp->sysmontick;
		uint32_t s = plat_load32(&pp->status);
		bool sysretake = false;
		if (s == _Prunning || s == _Psyscall) {
			/* Preempt G if it's running for too long. */
			uint32_t t = plat_load32(&pp->schedtick);
			if (pd->schedtick != t) {
				pd->schedtick = t;
				pd->schedwhen = now;
			} else if (pd->schedwhen + rt_cfg.timeslice <= now) {
				/* Policy sysmon-preempt=no-idle-p (golang/go#60693):
				 * an idle P means no runnable work waits, as the
				 * scheduler conserves work, so nothing gains. */
				bool idle = rt_cfg.sysmonpreempt == RT_SYSMON_PREEMPT_NO_IDLE_P &&
				            plat_load32(&rt_sched.npidle) > 0;
				if (!(rt_cfg.bugs &
				      RT_BUG_NO_PREEMPTION) && /* bug knob no-preemption */
				    !idle)
					preemptone(pp);
				/* In case of syscall, preemptone() doesn't work,
				 * because there is no M wired to P. */
				sysretake = true;
			}
		}
		if (s == _Psyscall) {
			/* Retake P from syscall if it's there for more than 1
			 * sysmon tick (at least 20us). */
			uint32_t t = plat_load32(&pp->syscalltick);
			if (!sysretake && pd->syscalltick != t) {
				pd->syscalltick = t;
				pd->syscallwhen = now;
				continue;
			}
			/* On the one hand we don't want to retake Ps if there is
			 * no other work to do, but on the other hand we want to
			 * retake them eventually because they can prevent the
			 * sysmon thread from deep sleep. */
			if (rt_runqempty(pp) &&
			    plat_load32(&rt_sched.nmspinning) + plat_load32(&rt_sched.npidle) > 0 &&
			    pd->syscallwhen + 10 * 1000 * 1000 > now)
				continue;
			/* Drop allpLock so we can take sched.lock. */
			plat_unlock(&allpLock);
			/* Need to decrement number of idle locked M's (pretending
			 * that one more is running) before the CAS.  Otherwise the
			 * M from which we retake can exit the syscall, increment
			 * nmidle and report deadlock. */
			incidlelocked(-1);
			if (plat_cas32(&pp->status, s, _Pidle)) {
				rt_trace(RT_EV_PSTATUS, pp->id, _Psyscall, _Pidle, NULL);
				rt_trace(RT_EV_RETAKE, pp->id, 1, 0, NULL);
				n++;
				rt_relaxed_store(&pp->syscalltick, pp->syscalltick + 1);
				rt_handoffp(pp);
			}
			incidlelocked(1);
			plat_lock(&allpLock);
		}
	}
	plat_unlock(&allpLock);
	return n;
}

static void incidlelocked(int32_t v)
{
	plat_lock(&rt_sched.lock);
	rt_sched.nmidlelocked += v;
	if (v > 0)
		checkdead();
	plat_unlock(&rt_sched.lock);
}

/* ---- schedtrace (GODEBUG=schedtrace=X,scheddetail=1) ---- */

/* Go's print: one formatted piece of a line to the program's output. */
static void gprint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void gprint(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		plat_print(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

static int64_t starttime;

/* Go 1.21's schedtrace, field for field and byte for byte: the SCHED
 * line, and with detailed every P, M and G.  Fields of what the port
 * leaves out print as Go prints them when unused: mallocing=0
 * throwing=0 preemptoff= dying=0 blocked=false lockedg=nil lockedm=nil. */
static void schedtrace(bool detailed)
{
	int64_t now = plat_nanotime();
	if (starttime == 0)
		starttime = now;

	plat_lock(&rt_sched.lock);
	gprint("SCHED %lldms: gomaxprocs=%d idleprocs=%u threads=%d spinningthreads=%u "
	       "needspinning=%u idlethreads=%d runqueue=%d",
	       (long long)((now - starttime) / 1000000), rt_gomaxprocs,
	       plat_load32(&rt_sched.npidle), mcount(), plat_load32(&rt_sched.nmspinning),
	       plat_load32(&rt_sched.needspinning), rt_sched.nmidle, rt_sched.runqsize);
	if (detailed)
		gprint(" gcwaiting=%s nmidlelocked=%d stopwait=%d sysmonwait=%s\n",
		       tf(plat_load32(&rt_sched.gcwaiting)), rt_sched.nmidlelocked,
		       rt_sched.stopwait, tf(plat_load32(&rt_sched.sysmonwait)));
	/* We must be careful while reading data from P's, M's and G's.
	 * Even if we hold schedlock, most data can be changed concurrently.
	 * E.g. (p->m ? p->m->id : -1) can crash if p->m changes from
	 * non-nil to nil. */
	for (int32_t i = 0; i < rt_gomaxprocs; i++) {
		struct p *pp = rt_allp[i];
		struct m *mp = rt_relaxed_load(&pp->m);
		uint32_t h = plat_load32(&pp->runqhead);
		uint32_t t = plat_load32(&pp->runqtail);
		if (detailed) {
			gprint("  P%d: status=%u schedtick=%u syscalltick=%u m=", i,
			       plat_load32(&pp->status), rt_relaxed_load(&pp->schedtick),
			       rt_relaxed_load(&pp->syscalltick));
			if (mp != NULL)
				gprint("%lld", (long long)mp->id);
			else
				gprint("nil");
			gprint(" runqsize=%u gfreecnt=%d timerslen=%u\n", t - h,
			       rt_relaxed_load(&pp->gFree.n), plat_load32(&pp->numTimers));
		} else {
			/* In non-detailed mode format lengths of per-P run
			 * queues as: [len1 len2 len3 len4] */
			gprint(" %s%u%s", i == 0 ? "[" : "", t - h,
			       i == rt_gomaxprocs - 1 ? "]\n" : "");
		}
	}

	if (!detailed) {
		plat_unlock(&rt_sched.lock);
		return;
	}

	for (struct m *mp = rt_allm; mp != NULL; mp = mp->alllink) {
		struct p *pp = rt_relaxed_load(&mp->p);
		struct g *curg = __atomic_load_n(&mp->curg, __ATOMIC_ACQUIRE);
		gprint("  M%lld: p=", (long long)mp->id);
		if (pp != NULL)
			gprint("%d", pp->id);
		else
			gprint("nil");
		gprint(" curg=");
		if (curg != NULL)
			gprint("%lld", (long long)curg->goid);
		else
			gprint("nil");
		gprint(" mallocing=0 throwing=0 preemptoff= locks=%d dying=0 spinning=%s "
		       "blocked=false lockedg=nil\n",
		       rt_relaxed_load(&mp->locks), tf(rt_relaxed_load(&mp->spinning)));
	}

	plat_lock(&allglock);
	for (struct g *gp = allgs; gp != NULL; gp = gp->alllink) {
		struct m *mp = rt_relaxed_load(&gp->m);
		gprint("  G%lld: status=%u(%s) m=", (long long)gp->goid, rt_readgstatus(gp),
		       rt_waitReason_string(gp->waitreason));
		if (mp != NULL)
			gprint("%lld", (long long)mp->id);
		else
			gprint("nil");
		gprint(" lockedm=nil\n");
	}
	plat_unlock(&allglock);
	plat_unlock(&rt_sched.lock);
}

/* Always runs without a P, so write barriers are not allowed. */
static void sysmon(void)
{
	plat_lock(&rt_sched.lock);
	rt_sched.nmsys++;
	checkdead();
	plat_unlock(&rt_sched.lock);

	int idle = 0; /* how many cycles in succession we had not wokeup somebody */
	uint32_t delay = 0;
	int64_t lasttrace = 0;
	for (;;) {
		if (idle == 0) /* start with 20us sleep... */
			delay = 20;
		else if (idle > 50) /* start doubling the sleep after 1ms... */
			delay *= 2;
		if (delay > 10 * 1000) /* up to 10ms */
			delay = 10 * 1000;
		plat_usleep(delay);

		int64_t now = plat_nanotime();
		/* gomaxprocs outside sched.lock: procresize may be storing it
		 * (relaxed, as Go's plain read; no yield point, so no hash moves). */
		if (rt_cfg.schedtrace <= 0 &&
		    (plat_load32(&rt_sched.gcwaiting) ||
		     (int32_t)plat_load32(&rt_sched.npidle) == rt_relaxed_load(&rt_gomaxprocs))) {
			plat_lock(&rt_sched.lock);
			if (plat_load32(&rt_sched.gcwaiting) ||
			    (int32_t)plat_load32(&rt_sched.npidle) == rt_gomaxprocs) {
				bool syscallWake = false;
				int64_t next = rt_timeSleepUntil();
				if (next > now) {
					plat_store32(&rt_sched.sysmonwait, 1);
					plat_unlock(&rt_sched.lock);
					/* Make wake-up period small enough for the
					 * sampling to be correct. */
					int64_t sleep = forcegcperiod / 2;
					if (next - now < sleep)
						sleep = next - now;
					rt_trace(RT_EV_SYSMON, sleep / 1000, 1, 0, NULL);
					syscallWake = plat_notetsleep(&rt_sched.sysmonnote, sleep);
					plat_lock(&rt_sched.lock);
					plat_store32(&rt_sched.sysmonwait, 0);
					plat_noteclear(&rt_sched.sysmonnote);
				}
				if (syscallWake) {
					idle = 0;
					delay = 20;
				}
			}
			plat_unlock(&rt_sched.lock);
		}

		plat_lock(&rt_sched.sysmonlock);
		plat_work(PLAT_WORK_SYSMON);
		/* Update now in case we blocked on sysmonnote or spent a long
		 * time blocked on schedlock or sysmonlock above. */
		now = plat_nanotime();

		/* poll network if not polled for more than 10ms */
		sysmon_netpoll(now);

		/* retake P's blocked in syscalls and preempt long running G's */
		if (retake(now) != 0)
			idle = 0;
		else
			idle++;
		if (rt_cfg.schedtrace > 0 && lasttrace + rt_cfg.schedtrace <= now) {
			lasttrace = now;
			schedtrace(rt_cfg.scheddetail);
		}
		plat_unlock(&rt_sched.sysmonlock);
	}
}

/* poll network if not polled for more than 10ms */
static void sysmon_netpoll(int64_t now)
{
	int64_t lastpoll = (int64_t)plat_load64((uint64_t *)&rt_sched.lastpoll);
	if (rt_netpollinited() && lastpoll != 0 && lastpoll + 10 * 1000 * 1000 < now) {
		plat_cas64((uint64_t *)&rt_sched.lastpoll, (uint64_t)lastpoll, (uint64_t)now);
		struct gList list = rt_netpoll(0); /* non-blocking - returns list of goroutines */
		if (!gList_empty(&list)) {
			/* Need to decrement number of idle locked M's (pretending
			 * that one more is running) before injectglist.
			 * Otherwise it can lead to the following situation:
			 * injectglist grabs all P's but before it starts M's to
			 * run the P's, another M returns from syscall, finishes
			 * running its G, observes that there is no work to do and
			 * no other running M's and reports deadlock. */
			incidlelocked(-1);
			injectglist(&list);
			incidlelocked(1);
		}
	}
}

/* ---- start-up ---- */

static void schedinit(int32_t procs)
{
	/* The world starts stopped. */
	worldStopped();
	rt_sched.maxmcount = 10000;
	mcommoninit(m0, -1);
	plat_lock(&rt_sched.lock);
	rt_sched.lastpoll = plat_nanotime(); /* nobody is blocked in netpoll */
	if (procresize(procs) != NULL)
		rt_throw("unknown runnable goroutine during bootstrap");
	plat_unlock(&rt_sched.lock);
	/* World is effectively started now, as P's can run. */
	worldStarted();
}

/* The main goroutine. */
static void runtime_main(void *unused)
{
	rt_mainStarted = true; /* Allow newproc to start new Ms. */
	if (!rt_cfg.nosysmon)
		newm(sysmon, NULL, -1);
	main_fn(main_arg);

	/* gsched: wait for every other goroutine, then exit. */
	plat_lock(&waitall.lock);
	while (plat_load32(&waitall.nlive) > 1) {
		waitall.waiting = plat_getg();
		rt_goparkunlock(&waitall.lock, waitReasonWaitAll);
		/* An exiting goroutine whose add left the count at 1 before
		 * main started another one may wake main while that one is
		 * alive (its lock comes after main parked): look again. */
		plat_lock(&waitall.lock);
	}
	plat_unlock(&waitall.lock);
	/* gsched: record main's end like any goroutine's, then exit as Go's
	 * runtime.main does (main's g is never reused). */
	struct g *gp = plat_getg();
	casgstatus_why(gp, _Grunning, _Gdead, "exit");
	rt_trace(RT_EV_GOEXIT, gp->goid, 0, 0, NULL);
	plat_exit(0);
}

_Noreturn void rt_rt0_go(const struct rt_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                         void *arg)
{
	rt_cfg = *cfg;
	tracing = plat_tracing();
	m0 = rt_calloc("m0", sizeof *m0);
	m0->g0 = malg(0); /* m0's g0 runs on the thread's own stack */
	m0->g0->m = m0;
	plat_setg(m0->g0);

	main_fn = mainfn;
	main_arg = arg;
	schedinit(gomaxprocs);

	/* create a new goroutine to start program */
	rt_newproc(runtime_main, NULL);

	/* start this M */
	rt_mstart(m0);
	rt_throw("rt0_go: mstart returned");
}

void rt_teardown(void)
{
	/* A g may live in its stack (malg): read it before freeing.  One
	 * apart is rt_calloc's, freed with the blocks below. */
	for (struct g *gp = allgs, *next; gp != NULL; gp = next) {
		next = gp->alllink;
		if (gp->stack)
			plat_stackfree(gp->stack, gp->stacksize);
	}
	allgs = NULL;
	allgtail = &allgs;
	for (struct m *mp = rt_allm, *next; mp; mp = next) {
		next = mp->alllink;
		if (mp->g0 && mp->g0->stack)
			plat_stackfree(mp->g0->stack, mp->g0->stacksize);
	}
	rt_allm = NULL;
	m0 = NULL;
	for (int32_t i = 0; i < allpcap; i++)
		rt_timers_free(rt_allp[i]);
	plat_free(rt_allp, RT_MAXPROCS * sizeof *rt_allp);
	allpcap = 0;
	newprocs = 0;
	memset(&worldsema, 0, sizeof worldsema);
	memset(&allpLock, 0, sizeof allpLock);
	memset(&allglock, 0, sizeof allglock);
	worldIsStopped = 0;
	rt_timers_free(NULL); /* the goroutines' sleep timers */
	while (blocks) {
		union block *b = blocks;
		blocks = b->h.next;
		plat_free(b, b->h.size);
	}
	rt_sudogs_free();
	rt_semtable_reset();
	rt_netpoll_teardown();
	rt_allp = NULL;
	plat_free(rt_idlepMask, RT_MAXPROCS / 32 * sizeof *rt_idlepMask);
	rt_idlepMask = NULL;
	plat_free(rt_timerpMask, RT_MAXPROCS / 32 * sizeof *rt_timerpMask);
	rt_timerpMask = NULL;
	rt_randomOrder_free(&rt_stealOrder);
	rt_gomaxprocs = 0;
	rt_mainStarted = false;
	memset(&rt_sched, 0, sizeof rt_sched);
	memset(&waitall, 0, sizeof waitall);
	main_fn = NULL;
	main_arg = NULL;
	rt_config_default(&rt_cfg);
	starttime = 0;
	nofastrand = 0x9e3779b97f4a7c15u;
}

/* ---- the public API (gs.h) ---- */

void gs_go(void (*fn)(void *), void *arg)
{
	rt_preemptcheck();
	rt_newproc(fn, arg);
}

void gs_go_labelled(void (*fn)(void *), void *arg, const char *label)
{
	rt_preemptcheck();
	rt_newproc_labelled(fn, arg, label);
}

void gs_sleep(int64_t ns)
{
	rt_preemptcheck();
	rt_timeSleep(ns);
}

int64_t gs_nanotime(void)
{
	return plat_nanotime();
}

void gs_syscall(int64_t ns)
{
	rt_syscall(ns);
}

void gs_syscall_block(int64_t ns)
{
	rt_syscall_block(ns);
}

void gs_iowait(int64_t ns)
{
	rt_preemptcheck();
	rt_netpollIOWait(ns);
}

int32_t gs_gomaxprocs(int32_t n)
{
	rt_preemptcheck();
	return rt_GOMAXPROCS(n);
}

void gs_gosched(void)
{
	rt_gosched();
}

void gs_spend(int64_t ns)
{
	rt_spend(ns);
}

void *gs_alloc(const char *what, size_t size)
{
	return plat_alloc(what, size);
}

void gs_free(void *p, size_t size)
{
	plat_free(p, size);
}

int64_t gs_goid(void)
{
	return plat_getg()->goid;
}

uint64_t gs_shared_add(uint64_t *p, int64_t delta)
{
	return plat_shared_add64(p, delta);
}
