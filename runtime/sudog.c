/*
 * sudog.c - the sudog allocator (proc.go's acquireSudog/releaseSudog).
 *
 * A sudog is a goroutine's place in a wait queue (a channel's sendq or
 * recvq, a semaphore's root).  Each P keeps a cache of up to 128 free
 * sudogs (pp->sudogcache, used without a lock by the P's owner); when it
 * is empty, acquireSudog refills half of it from the central cache
 * (sched.sudogcache, under sched.sudoglock) and allocates only when both
 * are empty; when it is full, releaseSudog moves half of it to the
 * central cache.  A sudog in a cache has every link and elem cleared -
 * releaseSudog throws otherwise, with Go's messages - so a stale sudog
 * can never be found on a queue.
 *
 * A fresh sudog is taken first from the room malg leaves beside a g at
 * the top of its stack (g.sudogroom): the g that first needs one from the
 * allocator gets its own, so that a million goroutines parked on a
 * channel each touch one stack page and no heap.  Such a sudog then
 * serves any g, as any other does, and lives as long as that stack (to
 * teardown).
 *
 * gsched keeps a list of every sudog it allocated on the heap (Go
 * leaves them to the GC), so that rt_sudogs_free frees them all at
 * teardown: those in the caches and those still queued by goroutines a
 * run abandoned (a deadlock or a panic ends a run with goroutines
 * parked).  The list grows
 * only on the allocation path, which is rare once the caches are warm;
 * it is appended under sched.sudoglock, which the allocation path holds
 * anyway (Go allocates just after dropping that lock; allocating inside
 * it costs no extra lock operation, so the run's yield points are Go's).
 *
 * Alternatives rejected: calloc/free per wait (no reuse, and not Go's
 * behaviour for the cache-miss paths the trace shows as sudoglock
 * contention); an intrusive "all sudogs" link in struct sudog (a field
 * Go does not have, in a header this file does not own).
 */
#include <stdlib.h>

#include "runtime.h"

#define SUDOGCACHE_CAP ((int32_t)(sizeof(((struct p *)0)->sudogcache) / sizeof(struct sudog *)))

static struct {
	struct sudog **all; /* every sudog allocated; guarded by sched.sudoglock */
	size_t n, cap;
} sudogs;

/* Allocate a fresh sudog and remember it.  sched.sudoglock must be held.
 * The room beside the calling g (g.sudogroom, at the top of its stack:
 * malg) comes first; a sudog there lives as long as that g's stack, to
 * teardown, and is not on the list (it goes with the stack). */
static struct sudog *newsudog(void)
{
	plat_assertLockHeld(&rt_sched.sudoglock);
	struct g *gp = rt_getg();
	if (gp->sudogroom != NULL) {
		struct sudog *s = gp->sudogroom; /* zeroed by malg, never used */
		gp->sudogroom = NULL;
		return s;
	}
	if (sudogs.n == sudogs.cap) {
		size_t cap = sudogs.cap ? 2 * sudogs.cap : 256;
		sudogs.all =
		        plat_realloc("the list of all sudogs", sudogs.all,
		                     sudogs.cap * sizeof *sudogs.all, cap * sizeof *sudogs.all);
		sudogs.cap = cap;
	}
	struct sudog *s = plat_alloc("a sudog", sizeof *s);
	sudogs.all[sudogs.n++] = s;
	return s;
}

struct sudog *rt_acquireSudog(void)
{
	/* Delicate dance: the semaphore implementation calls acquireSudog,
	 * acquireSudog calls new(sudog), new calls malloc, malloc can call
	 * the garbage collector, and the garbage collector calls the
	 * semaphore implementation in stopTheWorld.  Break the cycle by
	 * doing acquirem/releasem around new(sudog).  (Go's reason; here
	 * acquirem keeps the M from being preempted off the P whose cache
	 * it is using.) */
	struct m *mp = rt_getg()->m;
	mp->locks++; /* acquirem */
	struct p *pp = mp->p;
	if (pp == NULL)
		rt_throw("acquireSudog: no P");
	if (pp->nsudogcache == 0) {
		plat_lock(&rt_sched.sudoglock);
		/* First, try to grab a batch from central cache. */
		while (pp->nsudogcache < SUDOGCACHE_CAP / 2 && rt_sched.sudogcache != NULL) {
			struct sudog *s = rt_sched.sudogcache;
			rt_sched.sudogcache = s->next;
			s->next = NULL;
			pp->sudogcache[pp->nsudogcache++] = s;
		}
		/* If the central cache is empty, allocate a new one. */
		if (pp->nsudogcache == 0)
			pp->sudogcache[pp->nsudogcache++] = newsudog();
		plat_unlock(&rt_sched.sudoglock);
	}
	struct sudog *s = pp->sudogcache[--pp->nsudogcache];
	pp->sudogcache[pp->nsudogcache] = NULL;
	if (s->elem != NULL)
		rt_throw("acquireSudog: found s.elem != nil in cache");
	mp->locks--; /* releasem */
	return s;
}

void rt_releaseSudog(struct sudog *s)
{
	if (s->elem != NULL)
		rt_throw("runtime: sudog with non-nil elem");
	if (s->isSelect)
		rt_throw("runtime: sudog with non-false isSelect");
	if (s->next != NULL)
		rt_throw("runtime: sudog with non-nil next");
	if (s->prev != NULL)
		rt_throw("runtime: sudog with non-nil prev");
	if (s->waitlink != NULL)
		rt_throw("runtime: sudog with non-nil waitlink");
	if (s->c != NULL)
		rt_throw("runtime: sudog with non-nil c");
	struct g *gp = rt_getg();
	if (gp->param != NULL)
		rt_throw("runtime: releaseSudog with non-nil gp.param");
	struct m *mp = gp->m;
	mp->locks++; /* acquirem: avoid rescheduling to another P */
	struct p *pp = mp->p;
	if (pp == NULL)
		rt_throw("releaseSudog: no P");
	if (pp->nsudogcache == SUDOGCACHE_CAP) {
		/* Transfer half of local cache to the central cache. */
		struct sudog *first = NULL, *last = NULL;
		while (pp->nsudogcache > SUDOGCACHE_CAP / 2) {
			struct sudog *p = pp->sudogcache[--pp->nsudogcache];
			pp->sudogcache[pp->nsudogcache] = NULL;
			if (first == NULL)
				first = p;
			else
				last->next = p;
			last = p;
		}
		plat_lock(&rt_sched.sudoglock);
		last->next = rt_sched.sudogcache;
		rt_sched.sudogcache = first;
		plat_unlock(&rt_sched.sudoglock);
	}
	pp->sudogcache[pp->nsudogcache++] = s;
	mp->locks--; /* releasem */
}

/* Teardown: free every sudog ever allocated, wherever it is (a cache, a
 * wait queue of a goroutine the run abandoned), and empty the central
 * cache.  With every thread stopped; no sudog may be used afterwards.
 * It does not touch the Ps: their caches go with them (rt_teardown frees
 * the Ps, possibly before calling this). */
void rt_sudogs_free(void)
{
	for (size_t i = 0; i < sudogs.n; i++)
		plat_free(sudogs.all[i], sizeof *sudogs.all[i]);
	plat_free(sudogs.all, sudogs.cap * sizeof *sudogs.all);
	sudogs.all = NULL;
	sudogs.n = sudogs.cap = 0;
	rt_sched.sudogcache = NULL;
}
