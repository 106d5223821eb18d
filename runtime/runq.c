/*
 * runq.c - run queues: each P's local ring plus runnext, and the global
 * queue (the run-queue half of Go's proc.go).
 *
 * The local queue is a ring of p.runqcap slots (256, as Go's, unless
 * policy runq-size says otherwise; a power of two, so that the uint32
 * indices wrap around consistently), allocated with the P.  Only the owner P's M writes
 * runqtail (store-release after filling the slot); consumers - the owner
 * in runqget and thieves in runqgrab - load-acquire runqhead and
 * runqtail, copy the slots they want, then claim them with a CAS-release
 * on runqhead.  A failed CAS means someone else consumed first; the
 * consumer retries from fresh indices.  So a slot is read before it is
 * claimed and never after, and the producer only overwrites slots that
 * the head has moved past.
 *
 * runnext holds at most one g, set by CAS: the g readied by the running
 * g, which inherits the rest of its time slice.  Thieves take runnext
 * only on the last steal pass and only after a 3 us back-off when the
 * victim P is running (its owner is probably about to schedule it).
 *
 * The slots themselves are read and written with relaxed atomics (Go's
 * plain accesses): a consumer that read inconsistent indices may read a
 * slot the owner is writing, and throws the copy away when its CAS
 * fails.
 *
 * The global queue (sched.runq) is protected by sched.lock.
 *
 * Policy runq-order=lifo (not Go's): the ring is a Chase-Lev deque.  The
 * owner takes the newest g, from the tail: it first publishes tail-1
 * (sequentially consistent store), then reads the head; if slots remain
 * between them, slot tail-1 is its own; if it is the last one, the owner
 * races the thieves for it with the CAS on the head, then puts the tail
 * back.  That holds only against thieves that claim one g per CAS, so
 * under lifo a thief takes its batch one g at a time (runqgrab_lifo).
 *
 * Alternatives not taken: an unbounded local queue (Go bounds it so that
 * a flood of new gs spills to the global queue, where every P sees them,
 * instead of piling up behind one P); a lock per local queue (the CAS on
 * the head makes the owner's fast path lock-free).
 */
#include <string.h>

#include "runtime.h"

static bool runqputslow(struct p *pp, struct g *gp, uint32_t h, uint32_t t);
static uint32_t runqgrab(struct p *pp, struct g **batch, uint32_t batchHead, bool stealRunNextG,
                         bool *fromRunnext);

/* Put gp on the local runnable queue.
 * If next is false, runqput adds g to the tail of the runnable queue.
 * If next is true, runqput puts g in the pp.runnext slot.
 * If the run queue is full, runnext puts g on the global queue.
 * Executed only by the owner P. */
void rt_runqput(struct p *pp, struct g *gp, bool next)
{
	if (rt_cfg.randomize && next && rt_fastrandn(2) == 0)
		next = false;
	if (!rt_cfg.runnext) /* policy runnext=off: every g to the queue's tail */
		next = false;

	/* gsched: the trace names gp by the goid read before gp is published:
	 * once it is, another P may steal it, run it to its end and reuse its
	 * g for a new goroutine before this P traces. */
	if (next) {
		int64_t goid = rt_relaxed_load(&gp->goid);
		struct g *oldnext;
		do {
			oldnext = plat_loadp((void *const *)&pp->runnext);
		} while (!plat_casp((void **)&pp->runnext, oldnext, gp));
		rt_trace(RT_EV_RUNQPUT, goid, pp->id, 1, NULL);
		if (oldnext == NULL)
			return;
		/* Kick the old runnext out to the regular run queue. */
		gp = oldnext;
	}

	for (;;) {
		uint32_t h = plat_loadacq32(&pp->runqhead); /* synchronize with consumers */
		uint32_t t = pp->runqtail;
		if (t - h < pp->runqcap) {
			int64_t goid = rt_relaxed_load(&gp->goid);
			rt_relaxed_store(&pp->runq[t % pp->runqcap], gp);
			plat_storerel32(&pp->runqtail, t + 1); /* makes the item available */
			rt_trace(RT_EV_RUNQPUT, goid, pp->id, 0, NULL);
			return;
		}
		if (runqputslow(pp, gp, h, t))
			return;
		/* the queue is not full, now the put above must succeed */
	}
}

/* Put g and a batch of work from the local runnable queue on the global
 * queue.  Executed only by the owner P. */
static bool runqputslow(struct p *pp, struct g *gp, uint32_t h, uint32_t t)
{
	struct g **batch = pp->runqbatch; /* runqcap + 1 slots */

	/* First, grab a batch from the local queue: half of it (policy
	 * putslow-batch: a quarter, one g, or all). */
	uint32_t n = t - h;
	if (n != pp->runqcap)
		rt_throw("runqputslow: queue is not full");
	switch (rt_cfg.putslowbatch) {
	case RT_BATCH_QUARTER:
		n = n / 4;
		break;
	case RT_BATCH_ONE:
		n = 1;
		break;
	case RT_BATCH_ALL:
		break;
	default:
		n = n / 2;
	}
	for (uint32_t i = 0; i < n; i++)
		batch[i] = rt_relaxed_load(&pp->runq[(h + i) % pp->runqcap]);
	if (!plat_casrel32(&pp->runqhead, h, h + n)) /* commits consume */
		return false;
	batch[n] = gp;

	if (rt_cfg.randomize) {
		for (uint32_t i = 1; i <= n; i++) {
			uint32_t j = rt_fastrandn(i + 1);
			struct g *tmp = batch[i];
			batch[i] = batch[j];
			batch[j] = tmp;
		}
	}

	/* Link the goroutines. */
	for (uint32_t i = 0; i < n; i++)
		batch[i]->schedlink = batch[i + 1];
	batch[n]->schedlink = NULL;
	struct gQueue q = {batch[0], batch[n]};

	rt_trace(RT_EV_RUNQPUTSLOW, pp->id, n + 1, 0, NULL);
	/* Now put the batch on global queue. */
	plat_lock(&rt_sched.lock);
	rt_globrunqputbatch(&q, (int32_t)(n + 1));
	plat_unlock(&rt_sched.lock);
	return true;
}

/* runqget's ring part under policy runq-order=lifo: the newest g, from
 * the tail (see the top of the file).  Executed only by the owner P. */
static struct g *runqget_lifo(struct p *pp)
{
	for (;;) {
		uint32_t t = pp->runqtail;
		if (t == plat_loadacq32(&pp->runqhead))
			return NULL;
		t--;
		plat_store32(&pp->runqtail, t); /* before reading the head (#StoreLoad) */
		uint32_t h = plat_load32(&pp->runqhead);
		struct g *gp = rt_relaxed_load(&pp->runq[t % pp->runqcap]);
		if ((int32_t)(t - h) > 0) {
			/* Others remain between the head and slot t: ours. */
			rt_trace(RT_EV_RUNQGET, gp->goid, pp->id, 0, "lifo");
			return gp;
		}
		bool won = t == h && plat_casrel32(&pp->runqhead, h, h + 1);
		plat_storerel32(&pp->runqtail, t + 1); /* the ring is empty either way */
		if (won) {
			rt_trace(RT_EV_RUNQGET, gp->goid, pp->id, 0, "lifo");
			return gp;
		}
		/* A thief took it first; the ring may still have some. */
	}
}

/* Get g from local runnable queue.
 * If inheritTime is true, gp should inherit the remaining time in the
 * current time slice.  Otherwise, it should start a new time slice.
 * Executed only by the owner P. */
struct g *rt_runqget(struct p *pp, bool *inheritTime)
{
	/* If there's a runnext, it's the next G to run. */
	struct g *next = plat_loadp((void *const *)&pp->runnext);
	/* If the runnext is non-0 and the CAS fails, it could only have been
	 * stolen by another P, because other Ps can race to set runnext to
	 * 0, but only the current P can set it to non-0.  Hence, there's no
	 * need to retry this CAS if it fails. */
	if (next != NULL && plat_casp((void **)&pp->runnext, next, NULL)) {
		rt_trace(RT_EV_RUNQGET, next->goid, pp->id, 1, NULL);
		/* Bug knob runnext-noinherit (before CL 9289) and policy
		 * runnext-inherit=off: a new slice. */
		if (inheritTime)
			*inheritTime =
			        rt_cfg.runnextinherit && !(rt_cfg.bugs & RT_BUG_RUNNEXT_NOINHERIT);
		return next;
	}
	if (inheritTime)
		*inheritTime = false;
	if (rt_cfg.runqorder == RT_RUNQ_LIFO)
		return runqget_lifo(pp);

	for (;;) {
		uint32_t h = plat_loadacq32(&pp->runqhead); /* synchronize with other consumers */
		uint32_t t = pp->runqtail;
		if (t == h) {
			if (inheritTime)
				*inheritTime = false;
			return NULL;
		}
		struct g *gp = rt_relaxed_load(&pp->runq[h % pp->runqcap]);
		if (plat_casrel32(&pp->runqhead, h, h + 1)) { /* commits consume */
			rt_trace(RT_EV_RUNQGET, gp->goid, pp->id, 0, NULL);
			if (inheritTime)
				*inheritTime = false;
			return gp;
		}
	}
}

/* runqempty reports whether pp has no Gs on its local run queue.
 * It never returns true spuriously. */
bool rt_runqempty(struct p *pp)
{
	/* Defend against a race where 1) pp has G1 in runqnext but runqhead
	 * == runqtail, 2) runqput on pp kicks G1 to the runq, 3) runqget on
	 * pp empties runqnext.  Simply observing that runqhead == runqtail
	 * and then observing that runqnext == nil does not mean the queue is
	 * empty. */
	if (rt_cfg.bugs & RT_BUG_RUNQEMPTY_NAIVE) /* bug knob runqempty-naive: just that */
		return plat_load32(&pp->runqhead) == plat_load32(&pp->runqtail) &&
		       plat_loadp((void *const *)&pp->runnext) == NULL;
	for (;;) {
		uint32_t head = plat_load32(&pp->runqhead);
		uint32_t tail = plat_load32(&pp->runqtail);
		struct g *runnext = plat_loadp((void *const *)&pp->runnext);
		if (tail == plat_load32(&pp->runqtail))
			return head == tail && runnext == NULL;
	}
}

/* Grabs a batch of goroutines from pp's runnable queue into batch.
 * batch is a ring buffer starting at batchHead.
 * Returns number of grabbed goroutines.
 * Can be executed by any P. */
uint32_t rt_runqgrab(struct p *pp, struct g **batch, uint32_t batchHead, bool stealRunNextG)
{
	bool fromRunnext;
	return runqgrab(pp, batch, batchHead, stealRunNextG, &fromRunnext);
}

/* runqgrab, also telling whether the one g grabbed came from runnext
 * (for the steal event). */
/* How many of the n gs a thief sees it takes (policy steal-amount). */
static uint32_t stealAmount(uint32_t n)
{
	switch (rt_cfg.stealamount) {
	case RT_STEAL_ONE:
		return n > 0;
	case RT_STEAL_ALL:
		return n;
	default:
		return rt_cfg.bugs & RT_BUG_RUNQGRAB_FLOOR
		               ? n / 2
		               : n - n / 2; /* bug knob runqgrab-floor */
	}
}

/* Try to steal pp.runnext into batch[batchHead]: 1 if stolen, 0 if
 * there is none, -1 if it changed underfoot (the caller starts over). */
static int grabRunnext(struct p *pp, struct g **batch, uint32_t batchHead)
{
	struct g *next = plat_loadp((void *const *)&pp->runnext);
	if (next == NULL)
		return 0;
	if (plat_load32(&pp->status) == _Prunning) {
		/* Sleep to ensure that pp isn't about to run the g we are
		 * about to steal.  The important use case here is when the g
		 * running on pp ready()s another g and then almost immediately
		 * blocks.  Instead of stealing runnext in this window, back off
		 * to give pp a chance to schedule runnext and pull off the
		 * queue. */
		plat_usleep(3);
	}
	if (!plat_casp((void **)&pp->runnext, next, NULL))
		return -1;
	rt_relaxed_store(&batch[batchHead % pp->runqcap], next);
	return 1;
}

/* runqgrab under policy runq-order=lifo: the owner pops its tail without
 * a CAS, which is safe against thieves that each claim one g with a CAS
 * on the head (a Chase-Lev deque), not against a batch claimed by one
 * CAS, which a stale read could extend past the owner's tail.  So the
 * thief takes its batch one g at a time, re-reading the indices each
 * time; the amount is decided on its first look. */
static uint32_t runqgrab_lifo(struct p *pp, struct g **batch, uint32_t batchHead,
                              bool stealRunNextG, bool *fromRunnext)
{
	uint32_t got = 0, want = 0;
	for (;;) {
		uint32_t h = plat_loadacq32(&pp->runqhead);
		uint32_t t = plat_loadacq32(&pp->runqtail);
		uint32_t n = t - h;
		if (n > pp->runqcap) /* inconsistent, or the owner's tail-1 below a taken head */
			continue;
		if (n == 0 || (want == 0 && stealAmount(n) == 0)) {
			if (got > 0 || !stealRunNextG)
				return got;
			int r = grabRunnext(pp, batch, batchHead);
			if (r < 0)
				continue;
			*fromRunnext = r > 0;
			return (uint32_t)r;
		}
		if (want == 0)
			want = stealAmount(n);
		rt_relaxed_store(&batch[(batchHead + got) % pp->runqcap],
		                 rt_relaxed_load(&pp->runq[h % pp->runqcap]));
		if (plat_casrel32(&pp->runqhead, h, h + 1) && ++got == want)
			return got;
	}
}

static uint32_t runqgrab(struct p *pp, struct g **batch, uint32_t batchHead, bool stealRunNextG,
                         bool *fromRunnext)
{
	*fromRunnext = false;
	if (rt_cfg.runqorder == RT_RUNQ_LIFO)
		return runqgrab_lifo(pp, batch, batchHead, stealRunNextG, fromRunnext);
	for (;;) {
		uint32_t h = plat_loadacq32(&pp->runqhead); /* synchronize with other consumers */
		uint32_t t = plat_loadacq32(&pp->runqtail); /* synchronize with the producer */
		uint32_t n = t - h;
		/* Read inconsistent h and t: Go's test, n > len(runq)/2 after
		 * halving, is that for half; every amount is bounded by this. */
		if (rt_cfg.stealamount != RT_STEAL_HALF && n > pp->runqcap)
			continue;
		n = stealAmount(n);
		if (n == 0) {
			if (stealRunNextG) {
				/* Try to steal from pp.runnext. */
				int r = grabRunnext(pp, batch, batchHead);
				if (r < 0)
					continue;
				*fromRunnext = r > 0;
				return (uint32_t)r;
			}
			return 0;
		}
		if (rt_cfg.stealamount == RT_STEAL_HALF && n > pp->runqcap / 2)
			continue; /* read inconsistent h and t */
		for (uint32_t i = 0; i < n; i++)
			rt_relaxed_store(&batch[(batchHead + i) % pp->runqcap],
			                 rt_relaxed_load(&pp->runq[(h + i) % pp->runqcap]));
		if (plat_casrel32(&pp->runqhead, h, h + n)) /* commits consume */
			return n;
	}
}

/* Steal half of elements from local runnable queue of p2 and put onto
 * local runnable queue of pp.  Returns one of the stolen elements (or
 * NULL if failed). */
struct g *rt_runqsteal(struct p *pp, struct p *p2, bool stealRunNextG)
{
	uint32_t t = pp->runqtail;
	bool fromRunnext;
	uint32_t n = runqgrab(p2, pp->runq, t, stealRunNextG, &fromRunnext);
	if (n == 0)
		return NULL;
	plat_work(PLAT_WORK_RUNQSTEAL);
	rt_trace(RT_EV_STEAL, p2->id, n, fromRunnext, NULL);
	n--;
	struct g *gp = rt_relaxed_load(&pp->runq[(t + n) % pp->runqcap]);
	if (n == 0)
		return gp;
	uint32_t h = plat_loadacq32(&pp->runqhead); /* synchronize with consumers */
	if (t - h + n >= pp->runqcap)
		rt_throw("runqsteal: runq overflow");
	plat_storerel32(&pp->runqtail, t + n); /* makes the item available for consumption */
	return gp;
}

/* runqputbatch tries to put all the G's on q on the local runnable
 * queue.  If the queue is full, they are put on the global queue; in
 * that case this will temporarily acquire the scheduler lock.
 * Executed only by the owner P. */
void rt_runqputbatch(struct p *pp, struct gQueue *q, int32_t qsize)
{
	uint32_t h = plat_loadacq32(&pp->runqhead);
	uint32_t t = pp->runqtail;
	uint32_t n = 0;
	while (!gQueue_empty(q) && t - h < pp->runqcap) {
		struct g *gp = gQueue_pop(q);
		rt_relaxed_store(&pp->runq[t % pp->runqcap], gp);
		rt_trace(RT_EV_RUNQPUT, gp->goid, pp->id, 0, "batch");
		t++;
		n++;
	}
	qsize -= (int32_t)n;

	if (rt_cfg.randomize) {
		for (uint32_t i = 1; i < n; i++) {
			uint32_t j = rt_fastrandn(i + 1);
			uint32_t oi = (pp->runqtail + i) % pp->runqcap;
			uint32_t oj = (pp->runqtail + j) % pp->runqcap;
			struct g *tmp = rt_relaxed_load(&pp->runq[oi]);
			rt_relaxed_store(&pp->runq[oi], rt_relaxed_load(&pp->runq[oj]));
			rt_relaxed_store(&pp->runq[oj], tmp);
		}
	}

	plat_storerel32(&pp->runqtail, t);
	if (!gQueue_empty(q)) {
		plat_lock(&rt_sched.lock);
		rt_globrunqputbatch(q, qsize);
		plat_unlock(&rt_sched.lock);
	}
}

/* Put gp on the global runnable queue.  sched.lock must be held. */
void rt_globrunqput(struct g *gp)
{
	plat_assertLockHeld(&rt_sched.lock);
	gQueue_pushBack(&rt_sched.runq, gp);
	rt_relaxed_store(&rt_sched.runqsize, rt_sched.runqsize + 1); /* read without the lock */
	rt_trace(RT_EV_GLOBRUNQPUT, gp->goid, 1, rt_sched.runqsize, NULL);
}

/* Put gp at the head of the global runnable queue.  sched.lock must be held. */
void rt_globrunqputhead(struct g *gp)
{
	plat_assertLockHeld(&rt_sched.lock);
	gQueue_push(&rt_sched.runq, gp);
	rt_relaxed_store(&rt_sched.runqsize, rt_sched.runqsize + 1);
	rt_trace(RT_EV_GLOBRUNQPUT, gp->goid, 1, rt_sched.runqsize, "head");
}

/* Put a batch of runnable goroutines on the global runnable queue.
 * This clears *batch.  sched.lock must be held. */
void rt_globrunqputbatch(struct gQueue *batch, int32_t n)
{
	plat_assertLockHeld(&rt_sched.lock);
	int64_t first = batch->head ? batch->head->goid : 0;
	gQueue_pushBackAll(&rt_sched.runq, batch);
	rt_relaxed_store(&rt_sched.runqsize, rt_sched.runqsize + n);
	batch->head = batch->tail = NULL;
	rt_trace(RT_EV_GLOBRUNQPUT, first, n, rt_sched.runqsize, NULL);
}

/* Try get a batch of G's from the global runnable queue.
 * sched.lock must be held. */
struct g *rt_globrunqget(struct p *pp, int32_t max)
{
	plat_assertLockHeld(&rt_sched.lock);
	if (rt_sched.runqsize == 0)
		return NULL;

	int32_t n = rt_sched.runqsize / rt_gomaxprocs + 1;
	if (n > rt_sched.runqsize)
		n = rt_sched.runqsize;
	if (max > 0 && n > max)
		n = max;
	if (n > (int32_t)pp->runqcap / 2)
		n = (int32_t)pp->runqcap / 2;

	rt_relaxed_store(&rt_sched.runqsize, rt_sched.runqsize - n);

	struct g *gp = gQueue_pop(&rt_sched.runq);
	rt_trace(RT_EV_GLOBRUNQGET, gp->goid, n, max, NULL);
	n--;
	for (; n > 0; n--) {
		struct g *gp1 = gQueue_pop(&rt_sched.runq);
		rt_runqput(pp, gp1, false);
	}
	return gp;
}

/* gQueue: a dequeue of Gs linked through g.schedlink.  A G can only be
 * on one gQueue or gList at a time. */
void gQueue_push(struct gQueue *q, struct g *gp)
{
	gp->schedlink = q->head;
	q->head = gp;
	if (q->tail == NULL)
		q->tail = gp;
}

void gQueue_pushBack(struct gQueue *q, struct g *gp)
{
	gp->schedlink = NULL;
	if (q->tail != NULL)
		q->tail->schedlink = gp;
	else
		q->head = gp;
	q->tail = gp;
}

/* Adds all Gs in q2 to the tail of q.  After this q2 must not be used. */
void gQueue_pushBackAll(struct gQueue *q, struct gQueue *q2)
{
	if (q2->tail == NULL)
		return;
	q2->tail->schedlink = NULL;
	if (q->tail != NULL)
		q->tail->schedlink = q2->head;
	else
		q->head = q2->head;
	q->tail = q2->tail;
}

struct g *gQueue_pop(struct gQueue *q)
{
	struct g *gp = q->head;
	if (gp != NULL) {
		q->head = gp->schedlink;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return gp;
}

void gList_push(struct gList *l, struct g *gp)
{
	gp->schedlink = l->head;
	rt_relaxed_store(&l->head, gp); /* gfget peeks at sched.gFree without its lock */
}

void gList_pushAll(struct gList *l, struct gQueue *q)
{
	if (!gQueue_empty(q)) {
		q->tail->schedlink = l->head;
		rt_relaxed_store(&l->head, q->head);
	}
}

struct g *gList_pop(struct gList *l)
{
	struct g *gp = l->head;
	if (gp != NULL)
		rt_relaxed_store(&l->head, gp->schedlink);
	return gp;
}
