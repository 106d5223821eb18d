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

static struct m *m0;
static struct g **allgs;
static size_t allglen, allgcap;
static uint64_t nofastrand = 0x9e3779b97f4a7c15u; /* fastrand with no M (tests) */

/* gsched: the main goroutine's function, and waitall (see top comment). */
static void (*main_fn)(void *);
static void *main_arg;
static struct {
	struct plat_mutex lock;
	uint32_t nlive;    /* atomic: goroutines created and not yet dead */
	struct g *waiting; /* main, parked until nlive drops to 1 */
} waitall;

#define SPEND_CHUNK_NS 10000 /* preemption can land between chunks */

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
static void pidleput(struct p *pp, int64_t now);
static void gfput(struct p *pp, struct g *gp);
static struct g *gfget(struct p *pp);

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

void rt_trace(int kind, int64_t obj, int64_t a, int64_t b, const char *detail)
{
	struct rt_event ev;
	struct g *gp = plat_getg();
	struct m *mp = gp ? gp->m : NULL;
	ev.t_ns = 0;
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
	        [waitReasonSyncWaitGroupWait] = "sync.WaitGroup.Wait",
	        [waitReasonSleep] = "sleep",
	        [waitReasonIOWait] = "IO wait",
	        [waitReasonPreempted] = "preempted",
	        [waitReasonStoppingTheWorld] = "stopping the world",
	};
	return (unsigned)r < waitReason__count && names[r] ? names[r] : "?";
}

const char *rt_gstatus_name(uint32_t s)
{
	static const char *const names[] = {"idle",      "runnable", "running", "syscall",
	                                    "waiting",   "moribund", "dead",    "enqueue",
	                                    "copystack", "preempted"};
	return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* The transitions Go's runtime makes, and no others. */
bool rt_legal_gstatus_transition(uint32_t from, uint32_t to)
{
	switch (from) {
	case _Gidle:
		return to == _Gdead; /* malg */
	case _Gdead:
		return to == _Grunnable; /* newproc1 */
	case _Grunnable:
		return to == _Grunning; /* execute */
	case _Grunning:
		return to == _Grunnable || to == _Gwaiting || to == _Gdead || to == _Gsyscall ||
		       to == _Gpreempted;
	case _Gsyscall:
		return to == _Grunning || to == _Grunnable;
	case _Gwaiting:
		return to == _Grunnable;
	case _Gpreempted:
		return to == _Gwaiting;
	}
	return false;
}

uint32_t rt_readgstatus(struct g *gp)
{
	return plat_load32(&gp->atomicstatus);
}

static void casgstatus_why(struct g *gp, uint32_t oldval, uint32_t newval, const char *why)
{
	if (oldval == newval)
		rt_throw("casgstatus: bad incoming values");
	if (!rt_legal_gstatus_transition(oldval, newval))
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

/* ---- allocation of gs and ms ---- */

static void allgadd(struct g *gp)
{
	if (rt_readgstatus(gp) == _Gidle)
		rt_throw("allgadd: bad status Gidle");
	if (allglen == allgcap) {
		allgcap = allgcap ? 2 * allgcap : 1024;
		allgs = realloc(allgs, allgcap * sizeof *allgs);
		if (!allgs)
			rt_throw("allgadd: out of memory");
	}
	allgs[allglen++] = gp;
}

/* Allocate a new g, with a stack big enough for stacksize bytes (0: no
 * stack, the g runs on its thread's stack as m0's g0 does). */
static struct g *malg(size_t stacksize)
{
	struct g *newg = calloc(1, sizeof *newg);
	if (!newg)
		rt_throw("malg: out of memory");
	if (stacksize > 0) {
		newg->stack = plat_stackalloc(stacksize);
		newg->stacksize = stacksize;
	}
	return newg;
}

static int32_t mcount(void)
{
	return (int32_t)(rt_sched.mnext - rt_sched.nmfreed);
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

/* Allocate a new m unassociated with any thread. */
static struct m *allocm(struct p *pp, void (*fn)(void), int64_t id)
{
	struct m *mp = calloc(1, sizeof *mp);
	if (!mp)
		rt_throw("allocm: out of memory");
	mp->mstartfn = fn;
	mcommoninit(mp, id);
	mp->g0 = malg(RT_STACK_SIZE);
	mp->g0->m = mp;
	(void)pp;
	return mp;
}

/* Create a new m.  It will start off with a call to fn, or else the
 * scheduler.  id is optional pre-allocated m ID; -1 to reserve one. */
static void newm(void (*fn)(void), struct p *pp, int64_t id)
{
	struct m *mp = allocm(pp, fn, id);
	mp->nextp = pp;
	plat_newosproc(mp, mp->g0->stack, mp->g0->stacksize);
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
	if (pp->m != NULL || pp->status != _Pidle)
		rt_throw("wirep: invalid p state");
	gp->m->p = pp;
	pp->m = gp->m;
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
	pp->m = NULL;
	return pp;
}

/* ---- idle M and P lists (sched.lock must be held for all) ---- */

/* Put mp on midle list. */
static void mput(struct m *mp)
{
	mp->schedlink = rt_sched.midle;
	rt_sched.midle = mp;
	rt_sched.nmidle++;
	checkdead();
}

/* Try to get an m from midle list. */
static struct m *mget(void)
{
	struct m *mp = rt_sched.midle;
	if (mp != NULL) {
		rt_sched.midle = mp->schedlink;
		rt_sched.nmidle--;
	}
	return mp;
}

/* pidleput puts p on the _Pidle list.  This releases ownership of p.
 * Once sched.lock is released it is no longer safe to use p. */
static void pidleput(struct p *pp, int64_t now)
{
	if (!rt_runqempty(pp))
		rt_throw("pidleput: P has non-empty run queue");
	if (now == 0)
		now = plat_nanotime();
	pMask_set(rt_idlepMask, pp->id);
	pp->link = rt_sched.pidle;
	rt_sched.pidle = pp;
	uint32_t n = plat_xadd32(&rt_sched.npidle, 1);
	rt_trace(RT_EV_PIDLEPUT, pp->id, (int32_t)n, 0, NULL);
}

/* pidleget tries to get a p from the _Pidle list, acquiring ownership. */
static struct p *pidleget(int64_t *now)
{
	struct p *pp = rt_sched.pidle;
	if (pp != NULL) {
		if (now && *now == 0)
			*now = plat_nanotime();
		pMask_clear(rt_idlepMask, pp->id);
		rt_sched.pidle = pp->link;
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
	mp->blocked = true;
	plat_notesleep(&mp->park);
	mp->blocked = false;
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
		int64_t id = mReserveID();
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
	/* if it has local work, start it straight away */
	if (!rt_runqempty(pp) || rt_sched.runqsize != 0) {
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
	if (rt_sched.runqsize != 0) {
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
	rt_trace(RT_EV_HANDOFFP, pp->id, 0, 0, NULL);
	pidleput(pp, 0);
	plat_unlock(&rt_sched.lock);
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
	 * parking/unparking" comment at the top of the file for details. */
	rt_wakep();
}

/* Check for deadlock situation.  The check is based on number of running
 * M's, if 0 -> deadlock.  sched.lock must be held. */
static void checkdead(void)
{
	int32_t run = mcount() - rt_sched.nmidle - rt_sched.nmidlelocked - rt_sched.nmsys;
	if (run > 0)
		return;
	if (run < 0) {
		plat_unlock(&rt_sched.lock);
		rt_throw("checkdead: inconsistent counts");
	}
	int grunning = 0;
	for (size_t i = 0; i < allglen; i++) {
		struct g *gp = allgs[i];
		switch (plat_load32(&gp->atomicstatus)) {
		case _Gwaiting:
		case _Gpreempted:
			grunning++;
			break;
		case _Grunnable:
		case _Grunning:
		case _Gsyscall:
			plat_unlock(&rt_sched.lock);
			rt_throw("checkdead: runnable g");
		}
	}
	if (grunning == 0) { /* possible if main goroutine calls runtime·Goexit() */
		plat_unlock(&rt_sched.lock);
		rt_fatal("no goroutines (main called runtime.Goexit) - deadlock!");
	}
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

void rt_randomOrder_reset(struct randomOrder *ord, uint32_t count)
{
	ord->count = count;
	ord->ncoprimes = 0;
	free(ord->coprimes);
	ord->coprimes = malloc((count ? count : 1) * sizeof *ord->coprimes);
	if (!ord->coprimes)
		rt_throw("randomOrder: out of memory");
	for (uint32_t i = 1; i <= count; i++)
		if (gcd(i, count) == 1)
			ord->coprimes[ord->ncoprimes++] = i;
}

void rt_randomOrder_free(struct randomOrder *ord)
{
	free(ord->coprimes);
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

/* stealWork attempts to steal a runnable goroutine from any P.  If
 * newWork is true, new work may have been readied. */
static struct g *stealWork(bool *newWork)
{
	struct p *pp = plat_getg()->m->p;
	enum { stealTries = 4 };
	*newWork = false;
	for (int i = 0; i < stealTries; i++) {
		bool stealTimersOrRunNextG = i == stealTries - 1;
		for (struct randomEnum e = rt_randomOrder_start(&rt_stealOrder, rt_fastrand());
		     !randomEnum_done(&e); randomEnum_next(&e)) {
			struct p *p2 = rt_allp[randomEnum_position(&e)];
			if (pp == p2)
				continue;
			/* Don't bother to attempt to steal if p2 is idle. */
			if (!pMask_read(rt_idlepMask, randomEnum_position(&e))) {
				struct g *gp = rt_runqsteal(pp, p2, stealTimersOrRunNextG);
				if (gp != NULL)
					return gp;
			}
		}
	}
	/* No goroutines found to steal.  Regardless, running a timer may
	 * have made some goroutine ready that we missed.  (No timers yet.) */
	return NULL;
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

	/* Check the global runnable queue once in a while to ensure
	 * fairness.  Otherwise two goroutines can completely occupy the
	 * local runqueue by constantly respawning each other. */
	if (pp->schedtick % 61 == 0 && rt_sched.runqsize > 0) {
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
	if (rt_sched.runqsize != 0) {
		plat_lock(&rt_sched.lock);
		gp = rt_globrunqget(pp, 0);
		plat_unlock(&rt_sched.lock);
		if (gp != NULL)
			return gp;
	}

	/* Spinning Ms: steal work from other Ps.
	 *
	 * Limit the number of spinning Ms to half the number of busy Ps.
	 * This is necessary to prevent excessive CPU consumption when
	 * GOMAXPROCS>>1 but the program parallelism is low. */
	if (mp->spinning || 2 * (int32_t)plat_load32(&rt_sched.nmspinning) <
	                            rt_gomaxprocs - (int32_t)plat_load32(&rt_sched.npidle)) {
		if (!mp->spinning)
			becomeSpinning(mp);
		bool newWork;
		gp = stealWork(&newWork);
		if (gp != NULL)
			return gp;
		if (newWork)
			/* There may be new timer or GC work; restart to discover. */
			goto top;
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

	/* return P and block */
	plat_lock(&rt_sched.lock);
	if (rt_sched.runqsize != 0) {
		gp = rt_globrunqget(pp, 0);
		plat_unlock(&rt_sched.lock);
		return gp;
	}
	if (!mp->spinning && plat_load32(&rt_sched.needspinning) == 1) {
		/* See "Delicate dance" comment below. */
		becomeSpinning(mp);
		plat_unlock(&rt_sched.lock);
		goto top;
	}
	if (releasep() != pp)
		rt_throw("findrunnable: wrong p");
	pidleput(pp, 0);
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
	if (mp->spinning) {
		stopSpinning(mp);
		if ((int32_t)plat_xadd32(&rt_sched.nmspinning, -1) < 0)
			rt_throw("findrunnable: negative nmspinning");

		/* Note the for correctness, only the last M transitioning
		 * from spinning to non-spinning must perform these rechecks
		 * to ensure no missing work.  However, the runtime has some
		 * cases of transient increments of nmspinning that are
		 * decremented without rechecking, so every M must recheck to
		 * be safe. */

		/* Check global and P runqueues again. */
		plat_lock(&rt_sched.lock);
		if (rt_sched.runqsize != 0) {
			struct p *pp2 = pidlegetSpinning(NULL);
			if (pp2 != NULL) {
				gp = rt_globrunqget(pp2, 0);
				if (gp == NULL)
					rt_throw("global runq empty with non-zero runqsize");
				plat_unlock(&rt_sched.lock);
				acquirep(pp2);
				becomeSpinning(mp);
				return gp;
			}
		}
		plat_unlock(&rt_sched.lock);

		struct p *pp2 = checkRunqsNoP(allpSnapshot, nallp, idlepMaskSnapshot);
		if (pp2 != NULL) {
			acquirep(pp2);
			becomeSpinning(mp);
			goto top;
		}
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
	pp->preempt = false;

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
	mp->curg = gp;
	gp->m = mp;
	casgstatus_why(gp, _Grunnable, _Grunning, inheritTime ? "inherit" : NULL);
	gp->preempt = false;
	if (!inheritTime)
		mp->p->schedtick++;

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
	mp->curg = NULL;
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
	    (!gList_empty(&rt_sched.gFree.stack) || !gList_empty(&rt_sched.gFree.noStack))) {
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
	if (rt_readgstatus(gp) != _Gdead)
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
static struct g *newproc1(void (*fn)(void *), void *arg, struct g *callergp)
{
	if (fn == NULL)
		rt_fatal("go of nil func value");

	struct m *mp = plat_getg()->m;
	mp->locks++; /* disable preemption because we hold M and P in local vars. */
	struct p *pp = mp->p;
	struct g *newg = gfget(pp);
	bool reused = newg != NULL;
	if (newg == NULL) {
		newg = malg(RT_STACK_SIZE);
		rt_casgstatus(newg, _Gidle, _Gdead);
		allgadd(newg); /* publishes with a g->status of Gdead so GC scanner doesn't look at
		                  uninitialized stack. */
	}
	if (newg->stack == NULL)
		rt_throw("newproc1: newg missing stack");
	if (rt_readgstatus(newg) != _Gdead)
		rt_throw("newproc1: new g is not Gdead");

	/* gostartcallfn: a fresh context that starts in goentry. */
	plat_ctx_make(&newg->sched, newg->stack, newg->stacksize, goentry);
	newg->fn = fn;
	newg->arg = arg;
	newg->parentGoid = callergp ? callergp->goid : 0;
	newg->waitreason = waitReasonZero;
	newg->preempt = false;
	newg->sig = 0;

	if (pp->goidcache == pp->goidcacheend) {
		/* Sched.goidgen is the last allocated id, this batch must be
		 * [sched.goidgen+1, sched.goidgen+GoidCacheBatch].  At startup
		 * sched.goidgen=0, so main goroutine receives goid=1. */
		pp->goidcache = plat_xadd64(&rt_sched.goidgen, RT_GOID_CACHE_BATCH);
		pp->goidcache -= RT_GOID_CACHE_BATCH - 1;
		pp->goidcacheend = pp->goidcache + RT_GOID_CACHE_BATCH;
	}
	newg->goid = (int64_t)pp->goidcache;
	pp->goidcache++;
	plat_xadd32(&waitall.nlive, 1);
	rt_trace(RT_EV_NEWPROC, newg->goid, newg->parentGoid, reused, NULL);
	rt_casgstatus(newg, _Gdead, _Grunnable);
	mp->locks--;
	return newg;
}

/* Create a new g running fn(arg).  Put it on the queue of g's waiting to
 * run.  The compiler turns a go statement into a call to this. */
void rt_newproc(void (*fn)(void *), void *arg)
{
	struct g *gp = plat_getg();
	struct g *newg = newproc1(fn, arg, gp->m->curg);
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

	casgstatus_why(gp, _Grunning, _Gdead, "exit");
	rt_trace(RT_EV_GOEXIT, gp->goid, 0, 0, NULL);
	gp->m = NULL;
	gp->fn = NULL;
	gp->arg = NULL;
	dropg();
	gfput(pp, gp);

	/* gsched: waitall.  The last goroutine to finish wakes main. */
	if ((int32_t)plat_xadd32(&waitall.nlive, -1) == 1) {
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
	uint32_t status = rt_readgstatus(gp);
	if (status != _Grunning)
		rt_throw("bad g status");
	casgstatus_why(gp, _Grunning, _Grunnable, preempted ? "preempted" : "gosched");
	dropg();
	plat_lock(&rt_sched.lock);
	rt_globrunqput(gp);
	plat_unlock(&rt_sched.lock);

	if (rt_mainStarted)
		rt_wakep();
}

/* Gosched continuation on g0. */
static void gosched_m(struct g *gp)
{
	goschedImpl(gp, false);
}

static void gopreempt_m(struct g *gp)
{
	goschedImpl(gp, true);
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

	casgstatus_why(gp, _Grunning, _Gwaiting, rt_waitReason_string(gp->waitreason));
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
	uint32_t status = rt_readgstatus(gp);
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
	uint32_t status = rt_readgstatus(gp);
	/* Mark runnable. */
	struct m *mp = plat_getg()->m;
	mp->locks++; /* disable preemption because it can be holding p in a local var */
	if (status != _Gwaiting)
		rt_throw("bad g->status in ready");
	/* status is Gwaiting or Gscanwaiting, make Grunnable and put on runq */
	casgstatus_why(gp, _Gwaiting, _Grunnable, "ready");
	rt_runqput(mp->p, gp, next);
	rt_wakep();
	mp->locks--;
}

void rt_goready(struct g *gp)
{
	ready(gp, true);
}

/* Burn ns of CPU in chunks; a preemption request is honoured between
 * chunks, as Go honours one at a function prologue. */
void rt_spend(int64_t ns)
{
	while (ns > 0) {
		int64_t chunk = ns < SPEND_CHUNK_NS ? ns : SPEND_CHUNK_NS;
		plat_spend(chunk);
		ns -= chunk;
		struct g *gp = plat_getg();
		if (gp->preempt && ns > 0)
			mcall(gopreempt_m);
	}
}

/* ---- start-up ---- */

/* Change number of processors.  The world is stopped (at start-up: only
 * m0 exists).  gsched: this part covers start-up; resizing a running
 * program belongs with stop-the-world. */
static void procresize(int32_t nprocs)
{
	if (nprocs <= 0 || nprocs > RT_MAXPROCS)
		rt_throw("procresize: invalid arg");
	rt_allp = calloc((size_t)nprocs, sizeof *rt_allp);
	rt_idlepMask = calloc((size_t)(nprocs + 31) / 32, sizeof *rt_idlepMask);
	if (!rt_allp || !rt_idlepMask)
		rt_throw("procresize: out of memory");
	for (int32_t i = 0; i < nprocs; i++) {
		struct p *pp = calloc(1, sizeof *pp);
		if (!pp)
			rt_throw("procresize: out of memory");
		pp->id = i;
		pp->status = _Pgcstop;
		rt_allp[i] = pp;
	}
	rt_gomaxprocs = nprocs;

	struct g *gp = plat_getg();
	struct p *pp = rt_allp[0];
	pp->m = NULL;
	setpstatus(pp, _Pidle);
	acquirep(pp);

	for (int32_t i = nprocs - 1; i >= 0; i--) {
		struct p *p2 = rt_allp[i];
		if (gp->m->p == p2)
			continue;
		setpstatus(p2, _Pidle);
		pidleput(p2, 0);
	}
	rt_randomOrder_reset(&rt_stealOrder, (uint32_t)nprocs);
}

static void schedinit(int32_t procs)
{
	rt_sched.maxmcount = 10000;
	mcommoninit(m0, -1);
	plat_lock(&rt_sched.lock);
	rt_sched.lastpoll = plat_nanotime(); /* nobody is blocked in netpoll */
	procresize(procs);
	plat_unlock(&rt_sched.lock);
}

/* The main goroutine. */
static void runtime_main(void *unused)
{
	rt_mainStarted = true; /* Allow newproc to start new Ms. */
	main_fn(main_arg);

	/* gsched: wait for every other goroutine, then exit. */
	plat_lock(&waitall.lock);
	if (plat_load32(&waitall.nlive) > 1) {
		waitall.waiting = plat_getg();
		rt_goparkunlock(&waitall.lock, waitReasonWaitAll);
	} else {
		plat_unlock(&waitall.lock);
	}
	/* gsched: record main's end like any goroutine's, then exit as Go's
	 * runtime.main does (main's g is never reused). */
	struct g *gp = plat_getg();
	casgstatus_why(gp, _Grunning, _Gdead, "exit");
	rt_trace(RT_EV_GOEXIT, gp->goid, 0, 0, NULL);
	plat_exit(0);
}

_Noreturn void rt_rt0_go(int32_t gomaxprocs, void (*mainfn)(void *), void *arg)
{
	m0 = calloc(1, sizeof *m0);
	if (!m0)
		rt_throw("rt0_go: out of memory");
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
	for (size_t i = 0; i < allglen; i++) {
		if (allgs[i]->stack)
			plat_stackfree(allgs[i]->stack, allgs[i]->stacksize);
		free(allgs[i]);
	}
	free(allgs);
	allgs = NULL;
	allglen = allgcap = 0;
	for (struct m *mp = rt_allm, *next; mp; mp = next) {
		next = mp->alllink;
		if (mp->g0->stack)
			plat_stackfree(mp->g0->stack, mp->g0->stacksize);
		free(mp->g0);
		free(mp);
	}
	rt_allm = NULL;
	m0 = NULL;
	for (int32_t i = 0; i < rt_gomaxprocs; i++)
		free(rt_allp[i]);
	free(rt_allp);
	rt_allp = NULL;
	free(rt_idlepMask);
	rt_idlepMask = NULL;
	rt_randomOrder_free(&rt_stealOrder);
	rt_gomaxprocs = 0;
	rt_mainStarted = false;
	memset(&rt_sched, 0, sizeof rt_sched);
	memset(&waitall, 0, sizeof waitall);
	main_fn = NULL;
	main_arg = NULL;
	nofastrand = 0x9e3779b97f4a7c15u;
}

/* ---- the public API (gs.h) ---- */

void gs_go(void (*fn)(void *), void *arg)
{
	rt_newproc(fn, arg);
}

void gs_gosched(void)
{
	rt_gosched();
}

void gs_spend(int64_t ns)
{
	rt_spend(ns);
}

int64_t gs_goid(void)
{
	return plat_getg()->goid;
}
