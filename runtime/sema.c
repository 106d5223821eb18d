/*
 * sema.c - semaphores, sync.Mutex and sync.WaitGroup (Go 1.21's
 * runtime/sema.go, sync/mutex.go and sync/waitgroup.go, ported).
 *
 * Semaphores.  semacquire1/semrelease1 implement sleep and wakeup on a
 * uint32 count, as Go's sync package uses them: the count is the
 * semaphore; the goroutines waiting on it are queued, each with a sudog,
 * on the semaphore's root.  The fast paths touch only the count; the
 * root's nwait, incremented before the acquirer's last check of the count
 * and read by the releaser after its increment, makes sure that a release
 * never misses a waiter (the StoreLoad pattern of proc.go's spinning).
 *
 * sync.Mutex, as mutex.go: a state word with the locked, woken and
 * starving bits and a waiter count above them.  Normal mode: waiters
 * queue FIFO, but a woken waiter competes with newly arriving goroutines
 * (which have the CPU, and usually win); a waiter that lost re-queues at
 * the head.  A waiter that waited more than 1 ms switches the mutex to
 * starvation mode: unlock then hands the mutex directly to the head
 * waiter (semrelease with handoff, and the unlocker yields its P to it),
 * and arrivals queue at the tail without trying.  The last waiter, or one
 * that waited less than 1 ms, switches back to normal mode.  Goroutines
 * may spin a little (4 x procyield(30)) before queueing, when spinning
 * can pay off: another P is running, and ours has nothing else to run.
 *
 * sync.WaitGroup, as waitgroup.go: one 64-bit word (counter << 32 |
 * waiters) updated atomically, and a semaphore the waiters sleep on.
 *
 * How this port differs from Go, and why:
 *   - Keys, not addresses.  Go hashes the semaphore's address into a
 *     static table of 251 semaRoots, each holding a treap of the
 *     addresses that have waiters and, per address, a list of waiters.
 *     An address must never influence a simulated run (the determinism
 *     contract: which semaphores share a root lock, and the treap's
 *     shape, would change with malloc, ASLR or the compiler).  So each
 *     semaphore gets a key, a number from a global counter, the first
 *     time its root is needed (semakey; the object keeps it, as
 *     gs_mutex.semakey and gs_waitgroup.semakey), and the key stands in
 *     for the address everywhere Go uses it: the root is semtable[key %
 *     251] and the treap is ordered by key.  Keys are handed out in the
 *     order a run first contends its semaphores, so the same run shares
 *     roots the same way every time.  The counter and the key's
 *     publication are not platform operations: they stand for Go's hash
 *     of an address, which is arithmetic, not synchronisation.
 *   - Lifetime.  The roots are static and never freed, as Go's are, so
 *     an object may be freed as soon as the program is done with it
 *     (gs.h says exactly when): a releaser touches the object only up to
 *     its increment of the count, and after that only the static root
 *     and the sudog.  (The first port gave each object its own root and
 *     freed it in gs_mutex_destroy/gs_wg_destroy; a waiter that returned
 *     from Wait could free the root while the releaser was still
 *     unlocking it: a use after free.)  So semrelease reads the key
 *     before its increment, and assigns one if the semaphore has none:
 *     Go computes its root before the increment too.
 *   - WaitGroup.Add releases its waiters with one increment of the count
 *     by their number and then wakes them one by one (semreleaseN),
 *     where Go loops over semrelease.  Go's garbage collector keeps the
 *     WaitGroup alive while Add loops; in C the first waiter to return
 *     may free it, so Add must not touch it after the first wake-up.
 *     The waiters see the same counts: each takes one.
 *   - semrelease1 notes the hand-off before readying the waiter rather
 *     than re-reading s.ticket afterwards: once readied, the waiter may
 *     run on another P and recycle its sudog.
 *   - Unlock of an unlocked mutex is Go's fatal (not recoverable); here
 *     it is rt_panic, which ends the run as the program's error.
 *   - Preemption: lockSlow, unlockSlow, WaitGroup.Add and Wait start with
 *     rt_preemptcheck (Go's prologue check); the inlined fast paths of
 *     Lock and Unlock do not, as in Go.
 *   - No profiling (blockevent, mutexevent) and no race annotations.
 *
 * Alternatives rejected: a root per object, freed with the object (the
 * use after free above: only the program knows when it is done with an
 * object, and it cannot know when a releaser is done with the root);
 * reference-counting the root by every goroutine inside a release (a
 * counter on the hot path for what a static table gives for nothing);
 * a runtime mutex + condition variable (parks threads, not goroutines).
 */
#include <string.h>

#include "gs.h"
#include "sema.h"

static uint64_t
        mutexHandoffs; /* test hook: starving unlocks handed off (plain: not a yield point) */

/* ---- semaphores ---- */

static bool cansemacquire(uint32_t *addr)
{
	for (;;) {
		uint32_t v = plat_load32(addr);
		if (v == 0)
			return false;
		if (plat_cas32(addr, v, v - 1))
			return true;
	}
}

/* Prime to not correlate with any user patterns. */
#define semTabSize 251

static struct semaRoot semtable[semTabSize];
static uint64_t semakeygen; /* the last key handed out */

/* semakey returns the key of the semaphore whose key slot is *keyp,
 * handing it the next key if it has none yet (see the top comment).  The
 * first to publish wins; a loser's key is simply never used. */
static uint64_t semakey(uint64_t *keyp)
{
	uint64_t k = __atomic_load_n(keyp, __ATOMIC_ACQUIRE);
	if (k != 0)
		return k;
	uint64_t n = __atomic_add_fetch(&semakeygen, 1, __ATOMIC_RELAXED);
	if (__atomic_compare_exchange_n(keyp, &k, n, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return n;
	return k; /* the winner's key, loaded by the failed CAS */
}

static struct semaRoot *rootFor(uint64_t key)
{
	return &semtable[key % semTabSize];
}

/* rotateLeft rotates the tree rooted at node x,
 * turning (x a (y b c)) into (y (x a b) c). */
static void rotateLeft(struct semaRoot *root, struct sudog *x)
{
	/* p -> (x a (y b c)) */
	struct sudog *p = x->parent;
	struct sudog *y = x->next;
	struct sudog *b = y->prev;

	y->prev = x;
	x->parent = y;
	x->next = b;
	if (b != NULL)
		b->parent = x;

	y->parent = p;
	if (p == NULL)
		root->treap = y;
	else if (p->prev == x)
		p->prev = y;
	else {
		if (p->next != x)
			rt_throw("semaRoot rotateLeft");
		p->next = y;
	}
}

/* rotateRight rotates the tree rooted at node y,
 * turning (y (x a b) c) into (x a (y b c)). */
static void rotateRight(struct semaRoot *root, struct sudog *y)
{
	/* p -> (y (x a b) c) */
	struct sudog *p = y->parent;
	struct sudog *x = y->prev;
	struct sudog *b = x->next;

	x->next = y;
	y->parent = x;
	y->prev = b;
	if (b != NULL)
		b->parent = y;

	x->parent = p;
	if (p == NULL)
		root->treap = x;
	else if (p->prev == y)
		p->prev = x;
	else {
		if (p->next != y)
			rt_throw("semaRoot rotateRight");
		p->next = x;
	}
}

/* queue adds s to the blocked goroutines in root (the waiters on the
 * semaphore with this key).  root.lock must be held. */
static void queue(struct semaRoot *root, uint64_t key, struct sudog *s, bool lifo)
{
	plat_assertLockHeld(&root->lock);
	s->g = rt_getg();
	s->semakey = key;
	s->next = NULL;
	s->prev = NULL;

	struct sudog *last = NULL;
	struct sudog **pt = &root->treap;
	for (struct sudog *t = *pt; t != NULL; t = *pt) {
		if (t->semakey == key) {
			/* Already have key in list. */
			if (lifo) {
				/* Substitute s in t's place in treap. */
				*pt = s;
				s->ticket = t->ticket;
				s->acquiretime = t->acquiretime; /* preserve head acquiretime as
				                                    oldest time */
				s->parent = t->parent;
				s->prev = t->prev;
				s->next = t->next;
				if (s->prev != NULL)
					s->prev->parent = s;
				if (s->next != NULL)
					s->next->parent = s;
				/* Add t first in s's wait list. */
				s->waitlink = t;
				s->waittail = t->waittail;
				if (s->waittail == NULL)
					s->waittail = t;
				t->parent = NULL;
				t->prev = NULL;
				t->next = NULL;
				t->waittail = NULL;
			} else {
				/* Add s to end of t's wait list. */
				if (t->waittail == NULL)
					t->waitlink = s;
				else
					t->waittail->waitlink = s;
				t->waittail = s;
				s->waitlink = NULL;
			}
			return;
		}
		last = t;
		if (key < t->semakey)
			pt = &t->prev;
		else
			pt = &t->next;
	}

	/* Add s as new leaf in tree of unique keys.  The balanced tree is a
	 * treap using ticket as the random heap priority: a binary tree
	 * ordered by key, kept balanced on average by maintaining a heap
	 * ordering on the ticket: s.ticket <= both s.prev.ticket and
	 * s.next.ticket.  s.ticket is compared with zero in a couple of
	 * places, therefore set the lowest bit; it will not affect the
	 * treap's quality noticeably. */
	s->ticket = rt_fastrand() | 1;
	s->parent = last;
	*pt = s;

	/* Rotate up into tree according to ticket (priority). */
	while (s->parent != NULL && s->parent->ticket > s->ticket) {
		if (s->parent->prev == s) {
			rotateRight(root, s->parent);
		} else {
			if (s->parent->next != s)
				rt_throw("semaRoot queue");
			rotateLeft(root, s->parent);
		}
	}
}

/* dequeue searches for and finds the first goroutine in root blocked on
 * the semaphore with this key, or NULL.  root.lock must be held. */
static struct sudog *dequeue(struct semaRoot *root, uint64_t key)
{
	plat_assertLockHeld(&root->lock);
	struct sudog **ps = &root->treap;
	struct sudog *s = *ps;
	for (; s != NULL; s = *ps) {
		if (s->semakey == key)
			goto Found;
		if (key < s->semakey)
			ps = &s->prev;
		else
			ps = &s->next;
	}
	return NULL;

Found:;
	struct sudog *t = s->waitlink;
	if (t != NULL) {
		/* Substitute t, also waiting on key, for s in root tree of
		 * unique keys. */
		*ps = t;
		t->ticket = s->ticket;
		t->parent = s->parent;
		t->prev = s->prev;
		if (t->prev != NULL)
			t->prev->parent = t;
		t->next = s->next;
		if (t->next != NULL)
			t->next->parent = t;
		if (t->waitlink != NULL)
			t->waittail = s->waittail;
		else
			t->waittail = NULL;
		s->waitlink = NULL;
		s->waittail = NULL;
	} else {
		/* Rotate s down to be leaf of tree for removal, respecting
		 * priorities. */
		while (s->next != NULL || s->prev != NULL) {
			if (s->next == NULL ||
			    (s->prev != NULL && s->prev->ticket < s->next->ticket))
				rotateRight(root, s);
			else
				rotateLeft(root, s);
		}
		/* Remove s, now a leaf. */
		if (s->parent != NULL) {
			if (s->parent->prev == s)
				s->parent->prev = NULL;
			else
				s->parent->next = NULL;
		} else {
			root->treap = NULL;
		}
	}
	s->parent = NULL;
	s->semakey = 0;
	s->next = NULL;
	s->prev = NULL;
	s->ticket = 0;
	return s;
}

void rt_semacquire1(uint32_t *addr, uint64_t *keyp, bool lifo, enum waitReason reason)
{
	struct g *gp = rt_getg();
	if (gp != gp->m->curg)
		rt_throw("semacquire not on the G stack");

	/* Easy case. */
	if (cansemacquire(addr))
		return;

	/* Harder case:
	 *	increment waiter count
	 *	try cansemacquire one more time, return if succeeded
	 *	enqueue itself as a waiter
	 *	sleep
	 *	(waiter descriptor is dequeued by signaler) */
	struct sudog *s = rt_acquireSudog();
	uint64_t key = semakey(keyp);
	struct semaRoot *root = rootFor(key);
	s->releasetime = 0;
	s->acquiretime = 0;
	s->ticket = 0;
	for (;;) {
		plat_lock(&root->lock);
		/* Add ourselves to nwait to disable "easy case" in
		 * semrelease. */
		plat_xadd32(&root->nwait, 1);
		/* Check cansemacquire to avoid missed wakeup. */
		if (cansemacquire(addr)) {
			plat_xadd32(&root->nwait, -1);
			plat_unlock(&root->lock);
			break;
		}
		/* Any semrelease after the cansemacquire knows we're waiting
		 * (we set nwait above), so go to sleep. */
		queue(root, key, s, lifo);
		rt_goparkunlock(&root->lock, reason);
		if (s->ticket != 0 || cansemacquire(addr))
			break;
	}
	rt_releaseSudog(s);
}

/* semrelease wakes one waiter of the semaphore at addr (key is its key,
 * root its root), whose count the caller has already incremented.
 * Returns false if there was nobody to wake.  Touches only the root and
 * the waiter's sudog, never the semaphore's object. */
static bool semwake(uint32_t *addr, uint64_t key, struct semaRoot *root, bool handoff)
{
	/* Easy case: no waiters?  This check must happen after the xadd, to
	 * avoid a missed wakeup (see loop in semacquire). */
	if (plat_load32(&root->nwait) == 0)
		return false;

	/* Harder case: search for a waiter and wake it. */
	plat_lock(&root->lock);
	if (plat_load32(&root->nwait) == 0) {
		/* The count is already consumed by another goroutine, so no
		 * need to wake up another goroutine. */
		plat_unlock(&root->lock);
		return false;
	}
	struct sudog *s = dequeue(root, key);
	if (s != NULL)
		plat_xadd32(&root->nwait, -1);
	plat_unlock(&root->lock);
	if (s == NULL) /* May be slow or even yield, so unlock first */
		return false;
	if (s->ticket != 0)
		rt_throw("corrupted semaphore ticket");
	if (handoff && cansemacquire(addr))
		s->ticket = 1;
	bool handedOff = s->ticket == 1;
	rt_goready(s->g);
	if (handedOff && rt_getg()->m->locks == 0) {
		/* Direct G handoff.  goready has put the waiter in runnext on
		 * the current P; we now call the scheduler so that we start
		 * running the waiter G immediately.  Note that the waiter
		 * inherits our time slice: this is desirable to avoid having a
		 * highly contended semaphore hog the P indefinitely.  goyield
		 * is like Gosched, but puts the current G on the local runq
		 * instead of the global one.  We only do this in the starving
		 * regime (handoff=true), as in the non-starving case it is
		 * possible for a different waiter to acquire the semaphore
		 * while we are yielding/scheduling, and this would be
		 * wasteful.  (Go issue 33747.) */
		rt_goyield();
	}
	return true;
}

void rt_semrelease1(uint32_t *addr, uint64_t *keyp, bool handoff)
{
	uint64_t key = semakey(keyp);
	struct semaRoot *root = rootFor(key);
	plat_xadd32(addr, 1);
	semwake(addr, key, root, handoff);
}

void rt_semreleaseN(uint32_t *addr, uint64_t *keyp, uint32_t n)
{
	uint64_t key = semakey(keyp);
	struct semaRoot *root = rootFor(key);
	plat_xadd32(addr, (int32_t)n);
	for (uint32_t i = 0; i < n; i++)
		if (!semwake(addr, key, root, false))
			return; /* the rest took their counts without sleeping */
}

void rt_semtable_reset(void)
{
	memset(semtable, 0, sizeof semtable);
	semakeygen = 0;
}

/* ---- sync.Mutex ---- */

enum {
	mutexLocked = 1, /* mutex is locked */
	mutexWoken = 2,
	mutexStarving = 4,
	mutexWaiterShift = 3,
};

/* Mutex fairness.  A waiter that fails to acquire the mutex for more than
 * 1 ms switches the mutex to starvation mode (see the top comment). */
#define starvationThresholdNs 1000000

/* sync.Mutex is cooperative, so we are conservative with spinning.  Spin
 * only few times and only if running on a multicore machine and
 * GOMAXPROCS>1 and there is at least one other running P and local runq
 * is empty.  As opposed to runtime mutex we don't do passive spinning
 * here, because there can be work on global runq or on other Ps. */
#define active_spin     4
#define active_spin_cnt 30

static bool canSpin(int i)
{
	if (i >= active_spin || plat_ncpu() <= 1 ||
	    rt_gomaxprocs <=
	            (int32_t)(plat_load32(&rt_sched.npidle) + plat_load32(&rt_sched.nmspinning)) +
	                    1)
		return false;
	struct p *pp = rt_getg()->m->p;
	if (!rt_runqempty(pp))
		return false;
	return true;
}

static void doSpin(void)
{
	plat_procyield(active_spin_cnt);
}

static uint32_t *statep(struct gs_mutex *m)
{
	return (uint32_t *)&m->state;
}

static int32_t loadstate(struct gs_mutex *m)
{
	return (int32_t)plat_load32(statep(m));
}

static bool casstate(struct gs_mutex *m, int32_t old, int32_t new_)
{
	return plat_cas32(statep(m), (uint32_t)old, (uint32_t)new_);
}

static void lockSlow(struct gs_mutex *m)
{
	rt_preemptcheck();
	int64_t waitStartTime = 0;
	bool starving = false;
	bool awoke = false;
	int iter = 0;
	int32_t old = loadstate(m);
	for (;;) {
		/* Don't spin in starvation mode, ownership is handed off to
		 * waiters so we won't be able to acquire the mutex anyway. */
		if ((old & (mutexLocked | mutexStarving)) == mutexLocked && canSpin(iter)) {
			/* Active spinning makes sense.  Try to set mutexWoken
			 * flag to inform Unlock to not wake other blocked
			 * goroutines. */
			if (!awoke && (old & mutexWoken) == 0 && (old >> mutexWaiterShift) != 0 &&
			    casstate(m, old, old | mutexWoken))
				awoke = true;
			doSpin();
			iter++;
			old = loadstate(m);
			continue;
		}
		int32_t new_ = old;
		/* Don't try to acquire starving mutex, new arriving goroutines
		 * must queue. */
		if ((old & mutexStarving) == 0)
			new_ |= mutexLocked;
		if ((old & (mutexLocked | mutexStarving)) != 0)
			new_ += 1 << mutexWaiterShift;
		/* The current goroutine switches mutex to starvation mode.
		 * But if the mutex is currently unlocked, don't do the
		 * switch.  Unlock expects that starving mutex has waiters,
		 * which will not be true in this case. */
		if (starving && (old & mutexLocked) != 0)
			new_ |= mutexStarving;
		if (awoke) {
			/* The goroutine has been woken from sleep, so we need
			 * to reset the flag in either case. */
			if ((new_ & mutexWoken) == 0)
				rt_throw("sync: inconsistent mutex state");
			new_ &= ~mutexWoken;
		}
		if (casstate(m, old, new_)) {
			if ((old & (mutexLocked | mutexStarving)) == 0)
				break; /* locked the mutex with CAS */
			/* If we were already waiting before, queue at the front
			 * of the queue. */
			bool queueLifo = waitStartTime != 0;
			if (waitStartTime == 0)
				waitStartTime = plat_nanotime();
			rt_semacquire1(&m->sema, &m->semakey, queueLifo, waitReasonSyncMutexLock);
			starving =
			        starving || plat_nanotime() - waitStartTime > starvationThresholdNs;
			old = loadstate(m);
			if ((old & mutexStarving) != 0) {
				/* If this goroutine was woken and mutex is in
				 * starvation mode, ownership was handed off to us
				 * but mutex is in somewhat inconsistent state:
				 * mutexLocked is not set and we are still
				 * accounted as waiter.  Fix that. */
				if ((old & (mutexLocked | mutexWoken)) != 0 ||
				    (old >> mutexWaiterShift) == 0)
					rt_throw("sync: inconsistent mutex state");
				int32_t delta = mutexLocked - (1 << mutexWaiterShift);
				if (!starving || (old >> mutexWaiterShift) == 1) {
					/* Exit starvation mode.  Critical to do it
					 * here and consider wait time.  Starvation
					 * mode is so inefficient, that two goroutines
					 * can go lock-step infinitely once they switch
					 * mutex to starvation mode. */
					delta -= mutexStarving;
				}
				plat_xadd32(statep(m), delta);
				break;
			}
			awoke = true;
			iter = 0;
		} else {
			old = loadstate(m);
		}
	}
}

void gs_mutex_lock(struct gs_mutex *m)
{
	/* Fast path: grab unlocked mutex. */
	if (casstate(m, 0, mutexLocked))
		return;
	/* Slow path (outlined so that the fast path can be inlined) */
	lockSlow(m);
}

/* TryLock tries to lock m and reports whether it succeeded. */
bool gs_mutex_trylock(struct gs_mutex *m)
{
	int32_t old = loadstate(m);
	if ((old & (mutexLocked | mutexStarving)) != 0)
		return false;
	/* There may be a goroutine waiting for the mutex, but we are running
	 * now and can try to grab the mutex before that goroutine wakes
	 * up. */
	return casstate(m, old, old | mutexLocked);
}

static void unlockSlow(struct gs_mutex *m, int32_t new_)
{
	rt_preemptcheck();
	if (((new_ + mutexLocked) & mutexLocked) == 0)
		rt_panic("sync: unlock of unlocked mutex");
	if ((new_ & mutexStarving) == 0) {
		int32_t old = new_;
		for (;;) {
			/* If there are no waiters or a goroutine has already
			 * been woken or grabbed the lock, no need to wake
			 * anyone.  In starvation mode ownership is directly
			 * handed off from unlocking goroutine to the next
			 * waiter.  We are not part of this chain, since we did
			 * not observe mutexStarving when we unlocked the mutex
			 * above.  So get off the way. */
			if ((old >> mutexWaiterShift) == 0 ||
			    (old & (mutexLocked | mutexWoken | mutexStarving)) != 0)
				return;
			/* Grab the right to wake someone. */
			new_ = (old - (1 << mutexWaiterShift)) | mutexWoken;
			if (casstate(m, old, new_)) {
				rt_semrelease1(&m->sema, &m->semakey, false);
				return;
			}
			old = loadstate(m);
		}
	} else {
		/* Starving mode: handoff mutex ownership to the next waiter,
		 * and yield our time slice so that the next waiter can start
		 * to run immediately.  Note: mutexLocked is not set, the
		 * waiter will set it after wakeup.  But mutex is still
		 * considered locked if mutexStarving is set, so new coming
		 * goroutines won't acquire it. */
		mutexHandoffs++;
		rt_semrelease1(&m->sema, &m->semakey, true);
	}
}

void gs_mutex_unlock(struct gs_mutex *m)
{
	/* Fast path: drop lock bit. */
	int32_t new_ = (int32_t)plat_xadd32(statep(m), -mutexLocked);
	if (new_ != 0) {
		/* Outlined slow path to allow inlining the fast path. */
		unlockSlow(m, new_);
	}
}

void gs_mutex_destroy(struct gs_mutex *m)
{
	(void)m; /* nothing to free: see gs.h */
}

/* The test hooks read the state plainly: an observation must not be a
 * yield point, or looking at a run would change it. */
bool rt_mutex_starving(struct gs_mutex *m)
{
	return (m->state & mutexStarving) != 0;
}

bool rt_mutex_locked(struct gs_mutex *m)
{
	return (m->state & mutexLocked) != 0;
}

int32_t rt_mutex_waiters(struct gs_mutex *m)
{
	return m->state >> mutexWaiterShift;
}

uint64_t rt_mutex_handoffs(void)
{
	return mutexHandoffs;
}

/* ---- sync.WaitGroup ---- */

/* Add adds delta, which may be negative, to the WaitGroup counter.  If
 * the counter becomes zero, all goroutines blocked on Wait are released.
 * If the counter goes negative, Add panics. */
void gs_wg_add(struct gs_waitgroup *wg, int64_t delta)
{
	rt_preemptcheck();
	uint64_t state = plat_xadd64(&wg->state, (int64_t)((uint64_t)delta << 32));
	int32_t v = (int32_t)(state >> 32);
	uint32_t w = (uint32_t)state;
	if (v < 0)
		rt_panic("sync: negative WaitGroup counter");
	if (w != 0 && delta > 0 && v == (int32_t)delta)
		rt_panic("sync: WaitGroup misuse: Add called concurrently with Wait");
	if (v > 0 || w == 0)
		return;
	/* This goroutine has set counter to 0 when waiters > 0.  Now there
	 * can't be concurrent mutations of state:
	 * - Adds must not happen concurrently with Wait,
	 * - Wait does not increment waiters if it sees counter == 0.
	 * Still do a cheap sanity check to detect WaitGroup misuse. */
	if (plat_load64(&wg->state) != state)
		rt_panic("sync: WaitGroup misuse: Add called concurrently with Wait");
	/* Reset waiters count to 0. */
	plat_store64(&wg->state, 0);
	/* Go loops over semrelease; see the top comment for why this wakes
	 * them after one increment. */
	rt_semreleaseN(&wg->sema, &wg->semakey, w);
}

/* Done decrements the WaitGroup counter by one. */
void gs_wg_done(struct gs_waitgroup *wg)
{
	gs_wg_add(wg, -1);
}

/* Wait blocks until the WaitGroup counter is zero. */
void gs_wg_wait(struct gs_waitgroup *wg)
{
	rt_preemptcheck();
	for (;;) {
		uint64_t state = plat_load64(&wg->state);
		int32_t v = (int32_t)(state >> 32);
		if (v == 0) {
			/* Counter is 0, no need to wait. */
			return;
		}
		/* Increment waiters count. */
		if (plat_cas64(&wg->state, state, state + 1)) {
			rt_semacquire1(&wg->sema, &wg->semakey, false, waitReasonSemacquire);
			if (plat_load64(&wg->state) != 0)
				rt_panic("sync: WaitGroup is reused before previous Wait has "
				         "returned");
			return;
		}
	}
}

void gs_wg_destroy(struct gs_waitgroup *wg)
{
	(void)wg; /* nothing to free: see gs.h */
}
