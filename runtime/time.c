/*
 * time.c - timers: the per-P timer heaps behind time.Sleep (Go 1.21's
 * runtime/time.go, ported, plus checkTimers and updateTimerPMask from
 * proc.go).
 *
 * Every P owns a 4-ary min-heap of timers ordered by when, guarded by
 * pp->timersLock.  A timer is added to the heap of the P that adds it and
 * stays there until it runs or is deleted; only the owning P's heap
 * operations may change t->when.  Other Ps change a timer without the
 * heap's lock through its status word (CAS), leaving the new time in
 * t->nextwhen; the owner applies it when it next looks at the heap
 * (cleantimers, adjusttimers, runtimer).  The status machine:
 *
 *   addtimer      NoStatus -> Waiting
 *   deltimer      Waiting/ModifiedXX -> Modifying -> Deleted
 *   modtimer      Waiting/ModifiedXX -> Modifying -> ModifiedXX
 *                 NoStatus/Removed -> Modifying -> Waiting (re-added)
 *                 Deleted -> Modifying -> ModifiedXX
 *   cleantimers, adjusttimers, runtimer, clearDeletedTimers (owner)
 *                 Deleted -> Removing -> Removed
 *                 ModifiedXX -> Moving -> Waiting
 *   runtimer      Waiting -> Running -> NoStatus (or Waiting if periodic)
 *   moveTimers    Waiting/ModifiedXX -> Moving -> Waiting; Deleted -> Removed
 *
 * Invariants:
 *   - pp->timer0When is the when of pp->timers[0], or 0 if the heap is
 *     empty (updated whenever the heap's root may have changed);
 *   - pp->timerModifiedEarliest is 0 or <= the nextwhen of every
 *     ModifiedEarlier timer in the heap;
 *   - pp->numTimers is the heap's length and pp->deletedTimers the number
 *     of Deleted timers in it, except transiently inside one operation;
 *   - a timer's f runs with the P's timersLock released (runOneTimer), so
 *     f may add timers or ready goroutines.
 * Any other status seen where the machine rules it out is Go's "timer
 * data corruption" throw.
 *
 * Alternatives rejected (as in Go): a single global heap (every timer
 * operation of every P would contend on one lock; Go 1.14 moved to
 * per-P heaps for exactly this); a timer goroutine per P (Go before 1.14:
 * two context switches per expiry); a binary heap (the 4-ary one halves
 * the depth and its siftdown touches one cache line of children); a
 * sorted list (O(n) inserts).  We keep Go's lazy ModifiedEarlier/Later
 * scheme rather than locking the owner's heap from modtimer, because
 * that lock-free path is exactly the behaviour (and the historical
 * bugs, #38860) a user of this simulator wants to study.
 *
 * Deviations: timers are C objects, so a time.Sleep timer (g->timer) is
 * allocated here and kept on a list that rt_timers_free(NULL) frees at
 * teardown (Go has the GC).  timeSleepUntil reads allp without Go's
 * allpLock (this port resizes allp only with the world stopped).
 */
#include <stdlib.h>

#include "runtime.h"
#include "timers.h"

uint32_t *rt_timerpMask;

/* Every time.Sleep timer we allocated (g->timer), for teardown. */
static struct {
	struct plat_mutex lock;
	struct timer **t;
	size_t n, cap;
} sleepTimers;

static _Noreturn void badTimer(void)
{
	rt_throw("timer data corruption");
}

static int64_t load64(int64_t *p)
{
	return (int64_t)plat_load64((uint64_t *)p);
}

static void store64(int64_t *p, int64_t v)
{
	plat_store64((uint64_t *)p, (uint64_t)v);
}

static bool cas64(int64_t *p, int64_t old, int64_t new_)
{
	return plat_cas64((uint64_t *)p, (uint64_t)old, (uint64_t)new_);
}

/* The P of the calling M, or NULL (a thread that is no M: tests). */
static struct p *curp(void)
{
	struct g *gp = plat_getg();
	return gp && gp->m ? gp->m->p : NULL;
}

/* Go's acquirem/releasem: no preemption while we hold a P in a local. */
static struct m *acquirem(void)
{
	struct g *gp = plat_getg();
	if (gp && gp->m)
		gp->m->locks++;
	return gp ? gp->m : NULL;
}

static void releasem(struct m *mp)
{
	if (mp)
		mp->locks--;
}

/* ---- the heap ---- */

/* Heap maintenance algorithms.  These algorithms check for slice index
 * errors to be robust against corrupted heaps (Go's comment: racy use of
 * timers must not corrupt the runtime).  Returns the timer's new index. */
static int32_t siftupTimer(struct timer **t, int32_t n, int32_t i)
{
	plat_work(PLAT_WORK_TIMER_HEAP);
	if (i >= n)
		badTimer();
	int64_t when = t[i]->when;
	if (when <= 0)
		badTimer();
	struct timer *tmp = t[i];
	while (i > 0) {
		int32_t p = (i - 1) / 4; /* parent */
		if (when >= t[p]->when)
			break;
		t[i] = t[p];
		i = p;
	}
	if (tmp != t[i])
		t[i] = tmp;
	return i;
}

static void siftdownTimer(struct timer **t, int32_t n, int32_t i)
{
	plat_work(PLAT_WORK_TIMER_HEAP);
	if (i >= n)
		badTimer();
	int64_t when = t[i]->when;
	if (when <= 0)
		badTimer();
	struct timer *tmp = t[i];
	for (;;) {
		int32_t c = i * 4 + 1; /* left child */
		int32_t c3 = c + 2;    /* mid child */
		if (c >= n)
			break;
		int64_t w = t[c]->when;
		if (c + 1 < n && t[c + 1]->when < w) {
			w = t[c + 1]->when;
			c++;
		}
		if (c3 < n) {
			int64_t w3 = t[c3]->when;
			if (c3 + 1 < n && t[c3 + 1]->when < w3) {
				w3 = t[c3 + 1]->when;
				c3++;
			}
			if (w3 < w) {
				w = w3;
				c = c3;
			}
		}
		if (w >= when)
			break;
		t[i] = t[c];
		i = c;
	}
	if (tmp != t[i])
		t[i] = tmp;
}

void rt_verifyTimerHeap(struct p *pp)
{
	for (int32_t i = 0; i < pp->ntimers; i++) {
		if (i == 0)
			continue; /* first timer has no parent */
		int32_t p = (i - 1) / 4;
		if (pp->timers[i]->when < pp->timers[p]->when)
			rt_throw("bad timer heap");
	}
	if ((uint32_t)pp->ntimers != plat_load32(&pp->numTimers))
		rt_throw("bad timer heap len");
}

/* The two hints a P keeps of when its timers are next due (what
 * nobarrierWakeTime reads) are set only here, each with a timer_next
 * event, so that an observer knows every P's earliest timer (the
 * timer-conservation oracle, docs/bug-hunting.md). */
static void setTimer0When(struct p *pp, int64_t when)
{
	store64(&pp->timer0When, when);
	rt_trace(RT_EV_TIMER_NEXT, pp->id, when, 0, NULL);
}

static void setTimerModifiedEarliest(struct p *pp, int64_t when)
{
	store64(&pp->timerModifiedEarliest, when);
	rt_trace(RT_EV_TIMER_NEXT, pp->id, when, 1, NULL);
}

/* updateTimer0When sets pp->timer0When to the when of the heap's root.
 * The caller must have locked pp->timersLock. */
static void updateTimer0When(struct p *pp)
{
	plat_assertLockHeld(&pp->timersLock);
	setTimer0When(pp, pp->ntimers == 0 ? 0 : pp->timers[0]->when);
}

/* updateTimerModifiedEarliest updates pp->timerModifiedEarliest to
 * nextwhen if it is earlier.  The timers of pp need not be locked. */
static void updateTimerModifiedEarliest(struct p *pp, int64_t nextwhen)
{
	for (;;) {
		int64_t old = load64(&pp->timerModifiedEarliest);
		if (old != 0 && old < nextwhen)
			return;
		if (cas64(&pp->timerModifiedEarliest, old, nextwhen)) {
			rt_trace(RT_EV_TIMER_NEXT, pp->id, nextwhen, 1, NULL);
			return;
		}
	}
}

/* doaddtimer adds t to pp's heap.  The caller must have locked
 * pp->timersLock. */
static void doaddtimer(struct p *pp, struct timer *t)
{
	plat_assertLockHeld(&pp->timersLock);
	/* Timers rely on the network poller, so make sure the poller has
	 * started. */
	if (!rt_netpollinited())
		rt_netpollGenericInit();

	if (t->pp != NULL)
		rt_throw("doaddtimer: P already set in timer");
	t->pp = pp;
	if (pp->ntimers == pp->captimers) {
		int32_t cap = pp->captimers ? 2 * pp->captimers : 16;
		pp->timers = plat_realloc("a P's timer heap", pp->timers,
		                          (size_t)pp->captimers * sizeof *pp->timers,
		                          (size_t)cap * sizeof *pp->timers);
		pp->captimers = cap;
	}
	int32_t i = pp->ntimers++;
	pp->timers[i] = t;
	siftupTimer(pp->timers, pp->ntimers, i);
	if (t == pp->timers[0])
		setTimer0When(pp, t->when);
	plat_xadd32(&pp->numTimers, 1);
}

/* dodeltimer removes timer i from pp's heap and returns the smallest
 * index whose entry changed (where a caller scanning the heap must look
 * again).  The caller must have locked pp->timersLock. */
static int32_t dodeltimer(struct p *pp, int32_t i)
{
	plat_assertLockHeld(&pp->timersLock);
	struct timer *t = pp->timers[i];
	if (t->pp != pp)
		rt_throw("dodeltimer: wrong P");
	t->pp = NULL;
	int32_t last = pp->ntimers - 1;
	if (i != last)
		pp->timers[i] = pp->timers[last];
	pp->timers[last] = NULL;
	pp->ntimers = last;
	int32_t smallestChanged = i;
	if (i != last) {
		/* Moving to i may have moved the last timer to a new parent,
		 * so sift up to preserve the heap guarantee. */
		smallestChanged = siftupTimer(pp->timers, pp->ntimers, i);
		siftdownTimer(pp->timers, pp->ntimers, i);
	}
	if (i == 0)
		updateTimer0When(pp);
	if (plat_xadd32(&pp->numTimers, -1) == 0)
		/* If there are no timers, then clearly none are modified. */
		setTimerModifiedEarliest(pp, 0);
	return smallestChanged;
}

/* dodeltimer0 removes timer 0 from pp's heap.  The caller must have
 * locked pp->timersLock. */
static void dodeltimer0(struct p *pp)
{
	struct timer *t = pp->timers[0];
	if (t->pp != pp)
		rt_throw("dodeltimer0: wrong P");
	t->pp = NULL;
	int32_t last = pp->ntimers - 1;
	if (last > 0)
		pp->timers[0] = pp->timers[last];
	pp->timers[last] = NULL;
	pp->ntimers = last;
	if (last > 0)
		siftdownTimer(pp->timers, pp->ntimers, 0);
	updateTimer0When(pp);
	if (plat_xadd32(&pp->numTimers, -1) == 0)
		setTimerModifiedEarliest(pp, 0);
}

/* ---- adding, deleting, modifying ---- */

/* cleantimers cleans up the head of the timer queue.  This speeds up
 * programs that create and delete timers; leaving them in the heap slows
 * down addtimer.  The caller must have locked pp->timersLock. */
static void cleantimers(struct p *pp)
{
	plat_assertLockHeld(&pp->timersLock);
	for (;;) {
		if (pp->ntimers == 0)
			return;
		/* Go returns here if gp.preemptStop is set (a GC stack scan
		 * waits for this g): this loop holds timersLock and cannot be
		 * preempted.  No GC here, so nobody ever waits. */
		struct timer *t = pp->timers[0];
		if (t->pp != pp)
			rt_throw("cleantimers: bad p");
		uint32_t s = plat_load32(&t->status);
		switch (s) {
		case timerDeleted:
			if (!plat_cas32(&t->status, s, timerRemoving))
				continue;
			dodeltimer0(pp);
			if (!plat_cas32(&t->status, timerRemoving, timerRemoved))
				badTimer();
			plat_xadd32(&pp->deletedTimers, -1);
			break;
		case timerModifiedEarlier:
		case timerModifiedLater:
			if (!plat_cas32(&t->status, s, timerMoving))
				continue;
			/* Now we can change the when field. */
			t->when = t->nextwhen;
			/* Move t to the right position. */
			dodeltimer0(pp);
			doaddtimer(pp, t);
			if (!plat_cas32(&t->status, timerMoving, timerWaiting))
				badTimer();
			break;
		default:
			/* Head of timers does not need adjustment. */
			return;
		}
	}
}

/* addtimer adds a timer to the current P.  This should only be called
 * with a newly created timer. */
void rt_addtimer(struct timer *t)
{
	/* when must be positive.  A negative value will cause runtimer to
	 * overflow during its delta calculation and never expire other
	 * runtime timers.  Zero will cause checkTimers to fail to notice the
	 * timer. */
	if (t->when <= 0)
		rt_throw("timer when must be positive");
	if (t->period < 0)
		rt_throw("timer period must be non-negative");
	if (plat_load32(&t->status) != timerNoStatus)
		rt_throw("addtimer called with initialized timer");
	plat_store32(&t->status, timerWaiting);

	int64_t when = t->when;

	/* Disable preemption while using pp to avoid changing another P's
	 * heap. */
	struct m *mp = acquirem();
	struct p *pp = curp();
	if (pp == NULL)
		rt_throw("addtimer: no P");
	plat_lock(&pp->timersLock);
	cleantimers(pp);
	doaddtimer(pp, t);
	rt_trace(RT_EV_TIMER_ADD, pp->id, when, pp->ntimers, NULL);
	plat_unlock(&pp->timersLock);

	rt_wakeNetPoller(when);
	releasem(mp);
}

/* deltimer deletes the timer t.  It may be on some other P, so we can't
 * actually remove it from the timers heap.  We can only mark it as
 * deleted.  It will be removed in due course by the P whose heap it is
 * on.  Reports whether the timer was removed before it was run. */
bool rt_deltimer(struct timer *t)
{
	for (;;) {
		uint32_t s = plat_load32(&t->status);
		switch (s) {
		case timerWaiting:
		case timerModifiedLater:
		case timerModifiedEarlier: {
			/* Prevent preemption while the timer is in timerModifying.
			 * This could lead to a self-deadlock.  See #38070. */
			struct m *mp = acquirem();
			if (plat_cas32(&t->status, s, timerModifying)) {
				/* Must fetch t->pp before changing status, as
				 * cleantimers in another goroutine can clear
				 * t->pp of a timerDeleted timer. */
				struct p *tpp = t->pp;
				if (!plat_cas32(&t->status, timerModifying, timerDeleted))
					badTimer();
				releasem(mp);
				plat_xadd32(&tpp->deletedTimers, 1);
				/* Timer was not yet run. */
				return true;
			}
			releasem(mp);
			break;
		}
		case timerDeleted:
		case timerRemoving:
		case timerRemoved:
			/* Timer was already run. */
			return false;
		case timerRunning:
		case timerMoving:
			/* The timer is being run or moved, by a different P.
			 * Wait for it to complete. */
			plat_osyield();
			break;
		case timerNoStatus:
			/* Removing timer that was never added or has already
			 * been run.  Also see issue 21874. */
			return false;
		case timerModifying:
			/* Simultaneous calls to deltimer and modtimer.  Wait for
			 * the other call to complete. */
			plat_osyield();
			break;
		default:
			rt_throw("deltimer: bad status");
		}
	}
}

bool rt_modtimer(struct timer *t, int64_t when, int64_t period, void (*f)(void *, uintptr_t),
                 void *arg, uintptr_t seq)
{
	if (when <= 0)
		rt_throw("timer when must be positive");
	if (period < 0)
		rt_throw("timer period must be non-negative");

	bool wasRemoved = false, pending = false;
	struct m *mp = NULL;
	for (;;) {
		uint32_t status = plat_load32(&t->status);
		switch (status) {
		case timerWaiting:
		case timerModifiedEarlier:
		case timerModifiedLater:
			mp = acquirem();
			if (plat_cas32(&t->status, status, timerModifying)) {
				pending = true; /* timer not yet run */
				goto out;
			}
			releasem(mp);
			break;
		case timerNoStatus:
		case timerRemoved:
			mp = acquirem();
			/* Timer was already run and t is no longer in a heap.
			 * Act like addtimer. */
			if (plat_cas32(&t->status, status, timerModifying)) {
				wasRemoved = true;
				pending = false; /* timer already run or stopped */
				goto out;
			}
			releasem(mp);
			break;
		case timerDeleted:
			mp = acquirem();
			if (plat_cas32(&t->status, status, timerModifying)) {
				plat_xadd32(&t->pp->deletedTimers, -1);
				pending = false; /* timer already stopped */
				goto out;
			}
			releasem(mp);
			break;
		case timerRunning:
		case timerRemoving:
		case timerMoving:
			/* The timer is being run or moved, by a different P.
			 * Wait for it to complete. */
			plat_osyield();
			break;
		case timerModifying:
			/* Multiple simultaneous calls to modtimer.  Wait for the
			 * other call to complete. */
			plat_osyield();
			break;
		default:
			badTimer();
		}
	}
out:
	t->period = period;
	t->f = f;
	t->arg = arg;
	t->seq = seq;

	if (wasRemoved) {
		t->when = when;
		struct p *pp = curp();
		if (pp == NULL)
			rt_throw("modtimer: no P");
		plat_lock(&pp->timersLock);
		doaddtimer(pp, t);
		rt_trace(RT_EV_TIMER_ADD, pp->id, when, pp->ntimers, NULL);
		plat_unlock(&pp->timersLock);
		if (!plat_cas32(&t->status, timerModifying, timerWaiting))
			badTimer();
		releasem(mp);
		rt_wakeNetPoller(when);
	} else {
		/* The timer is in some other P's heap, so we can't change the
		 * when field.  If we did, the other P's heap would be out of
		 * order.  So we put the new when value in the nextwhen field,
		 * and let the other P set the when field when it is prepared
		 * to resort the heap. */
		t->nextwhen = when;
		uint32_t newStatus = when < t->when ? timerModifiedEarlier : timerModifiedLater;
		struct p *tpp = t->pp;
		if (newStatus == timerModifiedEarlier)
			updateTimerModifiedEarliest(tpp, when);
		/* Set the new status of the timer. */
		if (!plat_cas32(&t->status, timerModifying, newStatus))
			badTimer();
		releasem(mp);
		/* If the new status is earlier, wake up the poller. */
		if (newStatus == timerModifiedEarlier)
			rt_wakeNetPoller(when);
	}
	return pending;
}

bool rt_resettimer(struct timer *t, int64_t when)
{
	return rt_modtimer(t, when, t->period, t->f, t->arg, t->seq);
}

/* moveTimers moves a slice of timers to pp.  The slice has been taken
 * from a different P.  This is currently called when the world is
 * stopped, but the caller is expected to have locked the timers for pp
 * (and for the P the slice came from, against timeSleepUntil). */
void rt_moveTimers(struct p *pp, struct timer **timers, int32_t n)
{
	plat_assertLockHeld(&pp->timersLock);
	for (int32_t i = 0; i < n; i++) {
		struct timer *t = timers[i];
		for (bool done = false; !done;) {
			uint32_t s = plat_load32(&t->status);
			switch (s) {
			case timerWaiting:
				if (!plat_cas32(&t->status, s, timerMoving))
					continue;
				t->pp = NULL;
				doaddtimer(pp, t);
				rt_trace(RT_EV_TIMER_ADD, pp->id, t->when, pp->ntimers, "move");
				if (!plat_cas32(&t->status, timerMoving, timerWaiting))
					badTimer();
				done = true;
				break;
			case timerModifiedEarlier:
			case timerModifiedLater:
				if (!plat_cas32(&t->status, s, timerMoving))
					continue;
				t->when = t->nextwhen;
				t->pp = NULL;
				doaddtimer(pp, t);
				rt_trace(RT_EV_TIMER_ADD, pp->id, t->when, pp->ntimers, "move");
				if (!plat_cas32(&t->status, timerMoving, timerWaiting))
					badTimer();
				done = true;
				break;
			case timerDeleted:
				if (!plat_cas32(&t->status, s, timerRemoved))
					continue;
				t->pp = NULL;
				/* We no longer need this timer in the heap. */
				done = true;
				break;
			case timerModifying:
				/* Loop until the modification is complete. */
				plat_osyield();
				break;
			default:
				/* NoStatus/Removed should not be in a heap;
				 * Running/Removing/Moving: some other P thinks
				 * it owns this timer, which should not happen. */
				badTimer();
			}
		}
	}
}

/* adjusttimers looks through the timers in the current P's heap for any
 * timers that have been modified to run earlier, and puts them in the
 * correct place in the heap.  While looking for those timers, it also
 * moves timers that have been modified to run later, and removes deleted
 * timers.  The caller must have locked pp->timersLock. */
static void adjusttimers(struct p *pp, int64_t now)
{
	plat_assertLockHeld(&pp->timersLock);
	/* If we haven't yet reached the time of the first ModifiedEarlier
	 * timer, don't do anything.  This speeds up programs that adjust a
	 * lot of timers back and forth if the timers rarely expire.  We'll
	 * postpone looking through all the adjusted timers until one would
	 * actually expire. */
	int64_t first = load64(&pp->timerModifiedEarliest);
	if (first == 0 || first > now)
		return;

	/* We are going to clear all timerModifiedEarlier timers. */
	setTimerModifiedEarliest(pp, 0);

	/* Timers taken off the heap, added back at the end: re-adding them
	 * during the scan could make the loop skip some other timer. */
	struct timer **moved = NULL;
	int32_t nmoved = 0, capmoved = 0;
	for (int32_t i = 0; i < pp->ntimers; i++) {
		struct timer *t = pp->timers[i];
		if (t->pp != pp)
			rt_throw("adjusttimers: bad p");
		uint32_t s = plat_load32(&t->status);
		switch (s) {
		case timerDeleted:
			if (plat_cas32(&t->status, s, timerRemoving)) {
				int32_t changed = dodeltimer(pp, i);
				if (!plat_cas32(&t->status, timerRemoving, timerRemoved))
					badTimer();
				plat_xadd32(&pp->deletedTimers, -1);
				/* Go back to the earliest changed heap entry.
				 * "- 1" because the loop will add 1. */
				i = changed - 1;
			}
			break;
		case timerModifiedEarlier:
		case timerModifiedLater:
			if (plat_cas32(&t->status, s, timerMoving)) {
				/* Now we can change the when field. */
				t->when = t->nextwhen;
				int32_t changed = dodeltimer(pp, i);
				if (nmoved == capmoved) {
					int32_t cap = capmoved ? 2 * capmoved : 8;
					moved = plat_realloc("adjusttimers' moved timers", moved,
					                     (size_t)capmoved * sizeof *moved,
					                     (size_t)cap * sizeof *moved);
					capmoved = cap;
				}
				moved[nmoved++] = t;
				i = changed - 1;
			}
			break;
		case timerWaiting:
			/* OK, nothing to do. */
			break;
		case timerModifying:
			/* Check again after modification is complete. */
			plat_osyield();
			i--;
			break;
		default:
			/* NoStatus, Running, Removing, Removed, Moving. */
			badTimer();
		}
	}

	/* addAdjustedTimers */
	for (int32_t i = 0; i < nmoved; i++) {
		doaddtimer(pp, moved[i]);
		if (!plat_cas32(&moved[i]->status, timerMoving, timerWaiting))
			badTimer();
	}
	if (moved)
		plat_free(moved, (size_t)capmoved * sizeof *moved);
}

/* nobarrierWakeTime looks at P's timers and returns the time when we
 * should wake up the netpoller.  It returns 0 if there are no timers.
 * This function is invoked when dropping a P, and must run without any
 * write barriers (Go's reason; here: it takes no lock). */
int64_t rt_nobarrierWakeTime(struct p *pp)
{
	int64_t next = load64(&pp->timer0When);
	int64_t nextAdj = load64(&pp->timerModifiedEarliest);
	if (next == 0 || (nextAdj != 0 && nextAdj < next))
		next = nextAdj;
	return next;
}

/* runOneTimer runs a single timer.  The caller must have locked
 * pp->timersLock; it is released while f runs and re-acquired. */
static void runOneTimer(struct p *pp, struct timer *t, int64_t now)
{
	plat_assertLockHeld(&pp->timersLock);
	plat_work(PLAT_WORK_RUN_TIMER);
	void (*f)(void *, uintptr_t) = t->f;
	void *arg = t->arg;
	uintptr_t seq = t->seq;
	int64_t when = t->when;

	if (t->period > 0) {
		/* Leave in heap but adjust next time to fire. */
		int64_t delta = t->when - now;
		int64_t k = 1 + -delta / t->period, inc, nw;
		if (__builtin_mul_overflow(t->period, k, &inc) ||
		    __builtin_add_overflow(t->when, inc, &nw) || nw < 0)
			nw = RT_MAXWHEN; /* check for overflow */
		t->when = nw;
		siftdownTimer(pp->timers, pp->ntimers, 0);
		if (!plat_cas32(&t->status, timerRunning, timerWaiting))
			badTimer();
		updateTimer0When(pp);
	} else {
		/* Remove from heap. */
		dodeltimer0(pp);
		if (!plat_cas32(&t->status, timerRunning, timerNoStatus))
			badTimer();
	}

	rt_trace(RT_EV_TIMER_FIRE, pp->id, when,
	         f == rt_goroutineReady ? ((struct g *)arg)->goid : 0, NULL);
	plat_unlock(&pp->timersLock);
	f(arg, seq);
	plat_lock(&pp->timersLock);
}

/* runtimer examines the first timer in timers.  If it is ready based on
 * now, it runs the timer and removes or updates it.  Returns 0 if it ran
 * a timer, -1 if there are no more timers, or the time when the first
 * timer should run.  The caller must have locked pp->timersLock.  If a
 * timer is run, this will temporarily unlock the timers. */
static int64_t runtimer(struct p *pp, int64_t now)
{
	plat_assertLockHeld(&pp->timersLock);
	for (;;) {
		struct timer *t = pp->timers[0];
		if (t->pp != pp)
			rt_throw("runtimer: bad p");
		uint32_t s = plat_load32(&t->status);
		switch (s) {
		case timerWaiting:
			if (t->when > now)
				/* Not ready to run. */
				return t->when;
			if (!plat_cas32(&t->status, s, timerRunning))
				continue;
			/* Note that runOneTimer may temporarily unlock
			 * pp->timersLock. */
			runOneTimer(pp, t, now);
			return 0;
		case timerDeleted:
			if (!plat_cas32(&t->status, s, timerRemoving))
				continue;
			dodeltimer0(pp);
			if (!plat_cas32(&t->status, timerRemoving, timerRemoved))
				badTimer();
			plat_xadd32(&pp->deletedTimers, -1);
			if (pp->ntimers == 0)
				return -1;
			break;
		case timerModifiedEarlier:
		case timerModifiedLater:
			if (!plat_cas32(&t->status, s, timerMoving))
				continue;
			t->when = t->nextwhen;
			dodeltimer0(pp);
			doaddtimer(pp, t);
			if (!plat_cas32(&t->status, timerMoving, timerWaiting))
				badTimer();
			break;
		case timerModifying:
			/* Wait for modification to complete. */
			plat_osyield();
			break;
		default:
			/* NoStatus/Removed: a new or inactive timer on the
			 * heap; Running/Removing/Moving: these are only set
			 * with timers locked, and we didn't do it. */
			badTimer();
		}
	}
}

/* clearDeletedTimers removes all deleted timers from the P's heap.  This
 * is used to avoid clogging up the heap if the program starts a lot of
 * long-running timers and then stops them.  The caller must have locked
 * pp->timersLock. */
static void clearDeletedTimers(struct p *pp)
{
	plat_assertLockHeld(&pp->timersLock);
	/* We are going to clear all timerModifiedEarlier timers.  Do this now
	 * in case new ones show up while we are looping. */
	setTimerModifiedEarliest(pp, 0);

	int32_t cdel = 0, to = 0, n = pp->ntimers;
	bool changedHeap = false;
	struct timer **timers = pp->timers;
	for (int32_t i = 0; i < n; i++) {
		struct timer *t = timers[i];
		for (bool next = false; !next;) {
			uint32_t s = plat_load32(&t->status);
			switch (s) {
			case timerWaiting:
				if (changedHeap) {
					timers[to] = t;
					siftupTimer(timers, to + 1, to);
				}
				to++;
				next = true;
				break;
			case timerModifiedEarlier:
			case timerModifiedLater:
				if (plat_cas32(&t->status, s, timerMoving)) {
					t->when = t->nextwhen;
					timers[to] = t;
					siftupTimer(timers, to + 1, to);
					to++;
					changedHeap = true;
					if (!plat_cas32(&t->status, timerMoving, timerWaiting))
						badTimer();
					next = true;
				}
				break;
			case timerDeleted:
				if (plat_cas32(&t->status, s, timerRemoving)) {
					t->pp = NULL;
					cdel++;
					if (!plat_cas32(&t->status, timerRemoving, timerRemoved))
						badTimer();
					changedHeap = true;
					next = true;
				}
				break;
			case timerModifying:
				/* Loop until modification complete. */
				plat_osyield();
				break;
			default:
				badTimer();
			}
		}
	}
	for (int32_t i = to; i < n; i++)
		timers[i] = NULL;
	plat_xadd32(&pp->deletedTimers, -cdel);
	plat_xadd32(&pp->numTimers, -cdel);
	pp->ntimers = to;
	updateTimer0When(pp);
}

/* checkTimers runs any timers for the P that are ready.  If now is not 0
 * it is the current time.  It returns the passed time or the current
 * time if now was passed as 0, the time when the next timer should run
 * or 0 if there is no next timer (*pollUntil), and whether it ran any
 * timers (*ran).  We pass now in and out to avoid extra calls of
 * nanotime. */
static int64_t checkTimers(struct p *pp, int64_t now, int64_t *pollUntil, bool *ran)
{
	/* If it's not yet time for the first timer, or the first adjusted
	 * timer, then there is nothing to do. */
	int64_t next = rt_nobarrierWakeTime(pp);
	if (next == 0)
		/* No timers to run or adjust. */
		return now;

	if (now == 0)
		now = plat_nanotime();
	if (now < next) {
		/* Next timer is not ready to run, but keep going if we would
		 * clear deleted timers.  This corresponds to the condition
		 * below where we decide whether to call clearDeletedTimers. */
		if (pp != curp() || (int32_t)plat_load32(&pp->deletedTimers) <=
		                            (int32_t)(plat_load32(&pp->numTimers) / 4)) {
			*pollUntil = next;
			return now;
		}
	}

	plat_work(PLAT_WORK_CHECK_TIMERS);
	plat_lock(&pp->timersLock);

	if (pp->ntimers > 0) {
		adjusttimers(pp, now);
		while (pp->ntimers > 0) {
			/* Note that runtimer may temporarily unlock
			 * pp->timersLock. */
			int64_t tw = runtimer(pp, now);
			if (tw != 0) {
				if (tw > 0)
					*pollUntil = tw;
				break;
			}
			*ran = true;
		}
	}

	/* If this is the local P, and there are a lot of deleted timers,
	 * clear them out.  We only do this for the local P to reduce lock
	 * contention on timersLock. */
	if (pp == curp() && (int32_t)plat_load32(&pp->deletedTimers) > pp->ntimers / 4)
		clearDeletedTimers(pp);

	plat_unlock(&pp->timersLock);
	return now;
}

/* Go returns (rnow, pollUntil, ran); callers that discard a result
 * (Go's _) pass NULL for it. */
int64_t rt_checkTimers(struct p *pp, int64_t now, int64_t *pollUntilp, bool *ranp)
{
	int64_t pollUntil = 0;
	bool ran = false;
	now = checkTimers(pp, now, &pollUntil, &ran);
	if (pollUntilp)
		*pollUntilp = pollUntil;
	if (ranp)
		*ranp = ran;
	return now;
}

/* updateTimerPMask clears pp's timer mask if it has no timers on its
 * heap.  Ideally, the timer mask would be kept immediately consistent on
 * any timer operations.  Unfortunately, updating a shared global data
 * structure in the timer hot path adds too much overhead in applications
 * frequently switching between no timers and some timers.  As a
 * compromise, the timer mask is updated only on pidleget / pidleput.  A
 * running P (returned by pidleget) may add a timer at any time, so its
 * mask must be set.  An idle P (passed to pidleput) cannot add new
 * timers while idle, so if it has no timers at that time, its mask may
 * be cleared. */
void rt_updateTimerPMask(struct p *pp)
{
	if (plat_load32(&pp->numTimers) > 0)
		return;
	/* Looks like there are no timers, however another P may transiently
	 * decrement numTimers when handling a timerModified timer in
	 * checkTimers.  We must take timersLock to serialize with these
	 * changes. */
	plat_lock(&pp->timersLock);
	if (plat_load32(&pp->numTimers) == 0)
		pMask_clear(rt_timerpMask, pp->id);
	plat_unlock(&pp->timersLock);
}

/* timeSleepUntil returns the time when the next timer should fire.
 * This is only called by sysmon. */
int64_t rt_timeSleepUntil(void)
{
	int64_t next = RT_MAXWHEN;
	/* Go locks allpLock here against procresize; this port changes allp
	 * only with the world stopped, sysmon included. */
	struct p **allp = rt_allp;
	int32_t n = rt_gomaxprocs;
	for (int32_t i = 0; i < n; i++) {
		struct p *pp = allp[i];
		if (pp == NULL)
			/* procresize has grown allp but not yet created the P. */
			continue;
		int64_t w = load64(&pp->timer0When);
		if (w != 0 && w < next)
			next = w;
		w = load64(&pp->timerModifiedEarliest);
		if (w != 0 && w < next)
			next = w;
	}
	return next;
}

/* ---- time.Sleep ---- */

/* Ready the goroutine arg (the f of a sleep timer). */
void rt_goroutineReady(void *arg, uintptr_t seq)
{
	rt_goready(arg);
}

/* resetForSleep is called after the goroutine is parked for timeSleep.
 * We can't call resettimer in timeSleep itself because if this is a
 * short sleep and there are many goroutines then the P can wind up
 * running the timer function, goroutineReady, before the goroutine has
 * been parked. */
static bool resetForSleep(struct g *gp, void *ut)
{
	struct timer *t = ut;
	rt_resettimer(t, t->nextwhen);
	return true;
}

/* timeSleep puts the current goroutine to sleep for at least ns
 * nanoseconds (time.Sleep). */
void rt_timeSleep(int64_t ns)
{
	if (ns <= 0)
		return;
	struct g *gp = plat_getg();
	struct timer *t = gp->timer;
	if (t == NULL) {
		t = plat_alloc("a goroutine's sleep timer", sizeof *t);
		plat_lock(&sleepTimers.lock);
		if (sleepTimers.n == sleepTimers.cap) {
			size_t cap = sleepTimers.cap ? 2 * sleepTimers.cap : 64;
			sleepTimers.t = plat_realloc("the list of sleep timers", sleepTimers.t,
			                             sleepTimers.cap * sizeof *sleepTimers.t,
			                             cap * sizeof *sleepTimers.t);
			sleepTimers.cap = cap;
		}
		sleepTimers.t[sleepTimers.n++] = t;
		plat_unlock(&sleepTimers.lock);
		gp->timer = t;
	}
	t->f = rt_goroutineReady;
	t->arg = gp;
	int64_t now = plat_nanotime();
	/* check for overflow. */
	t->nextwhen = ns > RT_MAXWHEN - now ? RT_MAXWHEN : now + ns;
	rt_gopark(resetForSleep, t, waitReasonSleep);
}

/* Teardown, after every thread has stopped: pp != NULL frees pp's heap
 * (not the timers in it) and zeroes its timer fields, so that procresize
 * can also use it on a destroyed P after moveTimers; pp == NULL frees
 * every time.Sleep timer this file allocated.  No platform operation but
 * plat_free, which works when the platform's run is over. */
void rt_timers_free(struct p *pp)
{
	if (pp != NULL) {
		plat_free(pp->timers, (size_t)pp->captimers * sizeof *pp->timers);
		pp->timers = NULL;
		pp->ntimers = pp->captimers = 0;
		pp->numTimers = pp->deletedTimers = 0;
		pp->timer0When = pp->timerModifiedEarliest = 0;
		return;
	}
	for (size_t i = 0; i < sleepTimers.n; i++)
		plat_free(sleepTimers.t[i], sizeof *sleepTimers.t[i]);
	plat_free(sleepTimers.t, sleepTimers.cap * sizeof *sleepTimers.t);
	sleepTimers.t = NULL;
	sleepTimers.n = sleepTimers.cap = 0;
	sleepTimers.lock = (struct plat_mutex){0};
}
