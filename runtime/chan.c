/*
 * chan.c - channels and select (Go 1.21's chan.go and select.go, ported).
 *
 * A channel is an hchan (chan.h): a circular buffer of int64 values, a
 * queue of parked receivers (recvq) and one of parked senders (sendq),
 * each a list of sudogs, and a runtime lock.  A send that finds a parked
 * receiver copies its value straight into the receiver's variable (the
 * sudog's elem) and readies it into the sender's runnext; a receive that
 * finds a parked sender takes its value (unbuffered) or the buffer's head
 * and refills the buffer from the sender (buffered, full).  Otherwise the
 * buffer is used, or the goroutine parks on the channel with a sudog and
 * is completed by its partner.  The invariants and the lock order are in
 * chan.h.
 *
 * select (selectgo) locks every channel in its cases in one global order,
 * looks for a case that can proceed now in a random order (pass 1), and
 * otherwise enqueues a sudog on every channel (pass 2) and parks; the
 * first partner to reach one of them wins g.selectDone by CAS and
 * completes that case; the selecting goroutine then relocks everything
 * and removes its other sudogs (pass 3).
 *
 * How this port differs from Go, and why:
 *   - Lock order.  Go sorts the select's channels by address.  An address
 *     must never influence a simulated run (the determinism contract: a
 *     different malloc, ASLR or compiler would reorder the lock
 *     acquisitions, hence the yield points, hence the run).  Each channel
 *     gets an id from a global counter when it is made, and lockorder
 *     sorts by id: a total order on channels, which is all the deadlock
 *     avoidance needs, and one that only depends on the order in which
 *     the program made its channels.
 *   - Elements are int64; there are no element types, no zero-size
 *     elements, no race/msan/profiling hooks, and no stack shrinking, so
 *     g.activeStackChans and g.parkingOnChan (read only by the stack
 *     shrinker) are left out.
 *   - The lock-free fast paths read closed, qcount and the queue heads
 *     with the platform's atomic loads, so that in the simulator each of
 *     these reads is a yield point where another thread may act, as on a
 *     real machine between two word-sized loads.
 *   - Preemption: the functions that have a prologue in Go (makechan,
 *     chansend, chanrecv, closechan, selectgo) start with rt_preemptcheck,
 *     the port's stand-in for the prologue's preemption check.
 *   - A select has at most RT_SELECT_MAXCASES cases (Go: 65536) because
 *     its cases and its poll and lock orders live on the goroutine's stack
 *     (64 KiB; 1024 cases take 28 KiB).
 *
 * Alternatives rejected: a channel keyed into a global table (as Go's
 * semaphores are) - nothing needs to find a channel but its handle; a
 * condition-variable implementation over runtime locks - channels must
 * park goroutines, not threads, and hand values off directly, or the
 * scheduler's behaviour under channel load (runnext hand-off, time-slice
 * inheritance) would not be Go's.
 */
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "gs.h"

/* gsched: channel ids (see the top comment).  Atomic: makechan may run on
 * many Ms at once on the native backend. */
static uint64_t chanidgen;

/* The bytes of a channel of capacity size: the hchan, then its buffer. */
static size_t chan_bytes(uint64_t size)
{
	return sizeof(struct gs_chan) + (size_t)size * sizeof(int64_t);
}

struct hchan *rt_makechan(int64_t size)
{
	rt_preemptcheck();
	if (size < 0 || (uint64_t)size > SIZE_MAX / sizeof(int64_t) / 2)
		rt_panic("makechan: size out of range");
	/* Elements do not contain pointers: allocate hchan and buf in one
	 * call (so a run that ends out of memory leaves no half-made channel). */
	struct gs_chan *gc = plat_alloc(size > 0 ? "a channel and its buffer" : "a channel",
	                                chan_bytes((uint64_t)size));
	struct hchan *c = &gc->c;
	if (size > 0)
		c->buf = (int64_t *)(gc + 1);
	c->dataqsiz = (uint64_t)size;
	c->id = plat_xadd64(&chanidgen, 1);
	return c;
}

/* chanbuf(c, i) is a pointer to the i'th slot in the buffer. */
static int64_t *chanbuf(struct hchan *c, uint64_t i)
{
	return &c->buf[i];
}

/* full reports whether a send on c would block (that is, the channel is
 * full).  It uses a single word-sized read of mutable state, so although
 * the answer is instantaneously true, the correct answer may have changed
 * by the time the calling function receives the return value. */
static bool full(struct hchan *c)
{
	/* c->dataqsiz is immutable (never written after the channel is
	 * created) so it is safe to read at any time during channel
	 * operation. */
	if (c->dataqsiz == 0) {
		/* Assumes that a pointer read is relaxed-atomic. */
		return plat_loadp((void *const *)&c->recvq.first) == NULL;
	}
	/* Assumes that a uint read is relaxed-atomic. */
	return plat_load64(&c->qcount) == c->dataqsiz;
}

/* empty reports whether a read from c would block (that is, the channel
 * is empty).  It uses a single atomic read of mutable state. */
static bool empty(struct hchan *c)
{
	if (c->dataqsiz == 0)
		return plat_loadp((void *const *)&c->sendq.first) == NULL;
	return plat_load64(&c->qcount) == 0;
}

/* ---- wait queues ---- */

static void enqueue(struct waitq *q, struct sudog *sgp)
{
	sgp->next = NULL;
	struct sudog *x = q->last;
	if (x == NULL) {
		sgp->prev = NULL;
		plat_storep((void **)&q->first, sgp);
		q->last = sgp;
		return;
	}
	sgp->prev = x;
	x->next = sgp;
	q->last = sgp;
}

static struct sudog *dequeue(struct waitq *q)
{
	for (;;) {
		struct sudog *sgp = q->first;
		if (sgp == NULL)
			return NULL;
		struct sudog *y = sgp->next;
		if (y == NULL) {
			plat_storep((void **)&q->first, NULL);
			q->last = NULL;
		} else {
			y->prev = NULL;
			plat_storep((void **)&q->first, y);
			sgp->next = NULL; /* mark as removed (see dequeueSudoG) */
		}

		/* If a goroutine was put on this queue because of a select,
		 * there is a small window between the goroutine being woken
		 * up by a different case and it grabbing the channel locks.
		 * Once it has the lock it removes itself from the queue, so
		 * we won't see it after that.  We use a flag in the G struct
		 * to tell us when someone else has won the race to signal
		 * this goroutine but the goroutine hasn't removed itself
		 * from the queue yet. */
		if (sgp->isSelect && !plat_cas32(&sgp->g->selectDone, 0, 1))
			continue;
		return sgp;
	}
}

/* Remove sgp from q wherever it is; a no-op if it was already dequeued. */
static void dequeueSudoG(struct waitq *q, struct sudog *sgp)
{
	struct sudog *x = sgp->prev;
	struct sudog *y = sgp->next;
	if (x != NULL) {
		if (y != NULL) {
			/* middle of queue */
			x->next = y;
			y->prev = x;
			sgp->next = NULL;
			sgp->prev = NULL;
			return;
		}
		/* end of queue */
		x->next = NULL;
		q->last = x;
		sgp->prev = NULL;
		return;
	}
	if (y != NULL) {
		/* start of queue */
		y->prev = NULL;
		plat_storep((void **)&q->first, y);
		sgp->next = NULL;
		return;
	}
	/* x==y==NULL.  Either sgp is the only element in the queue, or it
	 * has already been removed. */
	if (q->first == sgp) {
		plat_storep((void **)&q->first, NULL);
		q->last = NULL;
	}
}

/* ---- send and receive ---- */

/* The unlock function a goroutine parking on a channel hands to gopark:
 * it runs on g0 after the g is _Gwaiting, so a partner that takes the
 * lock next finds the g parked and may ready it. */
static bool chanparkcommit(struct g *gp, void *chanLock)
{
	plat_unlock(chanLock);
	return true;
}

/* How send/recv release the locks they were called with: one channel's
 * lock, or a whole select's (selunlock). */
struct unlocker {
	struct hchan *c;           /* one channel, or NULL */
	struct scase *scases;      /* a select's cases ... */
	const uint16_t *lockorder; /* ... in lock order */
	int norder;
};

static void selunlock(struct scase *scases, const uint16_t *lockorder, int norder);

static void unlockf(const struct unlocker *u)
{
	if (u->c != NULL)
		plat_unlock(&u->c->lock);
	else
		selunlock(u->scases, u->lockorder, u->norder);
}

/* send processes a send operation on an empty channel c.  The value ep
 * sent by the sender is copied to the receiver sg.  The receiver is then
 * woken up to go on its merry way.  Channel c must be empty and locked;
 * send unlocks c with u.  sg must already be dequeued from c. */
static void send(struct hchan *c, struct sudog *sg, const int64_t *ep, const struct unlocker *u)
{
	(void)c;
	if (sg->elem != NULL) {
		*sg->elem = *ep; /* sendDirect: write into the receiver's variable */
		sg->elem = NULL;
	}
	struct g *gp = sg->g;
	unlockf(u);
	gp->param = sg;
	sg->success = true;
	rt_goready(gp); /* into our runnext: the receiver inherits our time slice */
}

/* recv processes a receive operation on a full channel c.  There are 2
 * parts:
 *  1) The value sent by the sender sg is put into the channel and the
 *     sender is woken up to go on its merry way.
 *  2) The value received by the receiver (the current G) is written to ep.
 * For synchronous channels, both values are the same.  For asynchronous
 * channels, the receiver gets its data from the channel buffer and the
 * sender's data is put in the channel buffer.  Channel c must be full and
 * locked; recv unlocks c with u.  sg must already be dequeued from c. */
static void recv(struct hchan *c, struct sudog *sg, int64_t *ep, const struct unlocker *u)
{
	if (c->dataqsiz == 0) {
		if (ep != NULL)
			*ep = *sg->elem; /* copy data from sender */
	} else {
		/* Queue is full.  Take the item at the head of the queue.
		 * Make the sender enqueue its item at the tail of the queue.
		 * Since the queue is full, those are both the same slot. */
		int64_t *qp = chanbuf(c, c->recvx);
		if (ep != NULL)
			*ep = *qp;
		*qp = *sg->elem;
		c->recvx++;
		if (c->recvx == c->dataqsiz)
			c->recvx = 0;
		c->sendx = c->recvx; /* c->sendx = (c->sendx+1) % c->dataqsiz */
	}
	sg->elem = NULL;
	struct g *gp = sg->g;
	unlockf(u);
	gp->param = sg;
	sg->success = true;
	rt_goready(gp);
}

/* Generic single channel send.  If block is false, the protocol will not
 * sleep but return false if it could not complete.  Sleep can wake up
 * with sg->success false when the channel involved in the sleep has been
 * closed: then the send panics. */
bool rt_chansend(struct hchan *c, const int64_t *ep, bool block)
{
	rt_preemptcheck();
	if (c == NULL) {
		if (!block)
			return false;
		rt_gopark(NULL, NULL, waitReasonChanSendNilChan);
		rt_throw("unreachable");
	}

	/* Fast path: check for failed non-blocking operation without
	 * acquiring the lock.  After observing that the channel is not
	 * closed, we observe that the channel is not ready for sending.
	 * Each of these observations is a single word-sized read.  Because
	 * a closed channel cannot transition from 'ready for sending' to
	 * 'not ready for sending', even if the channel is closed between the
	 * two observations, they imply a moment between the two when the
	 * channel was both not yet closed and not ready for sending.  We
	 * behave as if we observed the channel at that moment, and report
	 * that the send cannot proceed. */
	if (!block && plat_load32(&c->closed) == 0 && full(c))
		return false;

	plat_work(PLAT_WORK_CHANOP);
	plat_lock(&c->lock);

	if (c->closed != 0) {
		plat_unlock(&c->lock);
		rt_panic("send on closed channel");
	}

	struct sudog *sg = dequeue(&c->recvq);
	if (sg != NULL) {
		/* Found a waiting receiver.  We pass the value we want to
		 * send directly to the receiver, bypassing the channel
		 * buffer (if any). */
		send(c, sg, ep, &(struct unlocker){.c = c});
		return true;
	}

	if (c->qcount < c->dataqsiz) {
		/* Space is available in the channel buffer.  Enqueue the
		 * element to send. */
		*chanbuf(c, c->sendx) = *ep;
		c->sendx++;
		if (c->sendx == c->dataqsiz)
			c->sendx = 0;
		plat_store64(&c->qcount, c->qcount + 1);
		plat_unlock(&c->lock);
		return true;
	}

	if (!block) {
		plat_unlock(&c->lock);
		return false;
	}

	/* Block on the channel.  Some receiver will complete our operation
	 * for us.  The sudog's elem points at our own copy of the value,
	 * which lives on our stack until we are woken. */
	int64_t v = *ep;
	struct g *gp = rt_getg();
	struct sudog *mysg = rt_acquireSudog();
	mysg->releasetime = 0;
	mysg->elem = &v;
	mysg->waitlink = NULL;
	mysg->g = gp;
	mysg->isSelect = false;
	mysg->c = c;
	gp->waiting = mysg;
	gp->param = NULL;
	enqueue(&c->sendq, mysg);
	/* Signal to anyone trying to shrink our stack that we're about to
	 * park on a channel (Go; here only for the reader). */
	rt_gopark(chanparkcommit, &c->lock, waitReasonChanSend);

	/* someone woke us up. */
	if (mysg != gp->waiting)
		rt_throw("G waiting list is corrupted");
	gp->waiting = NULL;
	bool closed = !mysg->success;
	gp->param = NULL;
	mysg->c = NULL;
	rt_releaseSudog(mysg);
	if (closed) {
		if (plat_load32(&c->closed) == 0)
			rt_throw("chansend: spurious wakeup");
		rt_panic("send on closed channel");
	}
	return true;
}

void rt_closechan(struct hchan *c)
{
	rt_preemptcheck();
	if (c == NULL)
		rt_panic("close of nil channel");

	plat_lock(&c->lock);
	if (c->closed != 0) {
		plat_unlock(&c->lock);
		rt_panic("close of closed channel");
	}

	plat_store32(&c->closed, 1);

	struct gList glist = {NULL};

	/* release all readers */
	for (;;) {
		struct sudog *sg = dequeue(&c->recvq);
		if (sg == NULL)
			break;
		if (sg->elem != NULL) {
			*sg->elem = 0;
			sg->elem = NULL;
		}
		struct g *gp = sg->g;
		gp->param = sg;
		sg->success = false;
		gList_push(&glist, gp);
	}

	/* release all writers (they will panic) */
	for (;;) {
		struct sudog *sg = dequeue(&c->sendq);
		if (sg == NULL)
			break;
		sg->elem = NULL;
		struct g *gp = sg->g;
		gp->param = sg;
		sg->success = false;
		gList_push(&glist, gp);
	}
	plat_unlock(&c->lock);

	/* Ready all Gs now that we've dropped the channel lock. */
	for (struct g *gp; (gp = gList_pop(&glist)) != NULL;)
		rt_goready(gp);
}

/* chanrecv receives on channel c and writes the received data to ep.  ep
 * may be NULL, in which case received data is ignored.  If block ==
 * false and no elements are available, returns false (*received false).
 * Otherwise, if c is closed, zeros *ep and returns true with *received
 * false.  Otherwise, fills in *ep with an element and returns true with
 * *received true. */
bool rt_chanrecv(struct hchan *c, int64_t *ep, bool block, bool *received)
{
	rt_preemptcheck();
	*received = false;
	if (c == NULL) {
		if (!block)
			return false;
		rt_gopark(NULL, NULL, waitReasonChanReceiveNilChan);
		rt_throw("unreachable");
	}

	/* Fast path: check for failed non-blocking operation without
	 * acquiring the lock. */
	if (!block && empty(c)) {
		/* After observing that the channel is not ready for
		 * receiving, we observe whether the channel is closed.
		 * Reordering of these checks could lead to incorrect
		 * behavior when racing with a close.  For example, if the
		 * channel was open and not empty, was closed, and then
		 * drained, reordered reads could incorrectly indicate "open
		 * and empty".  To prevent reordering, we use atomic loads
		 * for both checks, and rely on emptying and closing to
		 * happen in separate critical sections under the same lock. */
		if (plat_load32(&c->closed) == 0) {
			/* Because a channel cannot be reopened, the later
			 * observation of the channel being not closed
			 * implies that it was also not closed at the moment
			 * of the first observation.  We behave as if we
			 * observed the channel at that moment and report
			 * that the receive cannot proceed. */
			return false;
		}
		/* The channel is irreversibly closed.  Re-check whether the
		 * channel has any pending data to receive, which could have
		 * arrived between the empty and closed checks above.
		 * Sequential consistency is also required here, when racing
		 * with such a send. */
		if (empty(c)) {
			if (ep != NULL)
				*ep = 0;
			return true;
		}
	}

	plat_work(PLAT_WORK_CHANOP);
	plat_lock(&c->lock);

	if (c->closed != 0) {
		if (c->qcount == 0) {
			plat_unlock(&c->lock);
			if (ep != NULL)
				*ep = 0;
			return true;
		}
		/* The channel has been closed, but the channel's buffer
		 * still has data. */
	} else {
		/* Just found waiting sender with not closed. */
		struct sudog *sg = dequeue(&c->sendq);
		if (sg != NULL) {
			/* Found a waiting sender.  If buffer is size 0,
			 * receive value directly from sender.  Otherwise,
			 * receive from head of queue and add sender's value
			 * to the tail of the queue (both map to the same
			 * buffer slot because the queue is full). */
			recv(c, sg, ep, &(struct unlocker){.c = c});
			*received = true;
			return true;
		}
	}

	if (c->qcount > 0) {
		/* Receive directly from queue */
		int64_t *qp = chanbuf(c, c->recvx);
		if (ep != NULL)
			*ep = *qp;
		*qp = 0;
		c->recvx++;
		if (c->recvx == c->dataqsiz)
			c->recvx = 0;
		plat_store64(&c->qcount, c->qcount - 1);
		plat_unlock(&c->lock);
		*received = true;
		return true;
	}

	if (!block) {
		plat_unlock(&c->lock);
		return false;
	}

	/* no sender available: block on this channel.  The sender writes
	 * into v, on our stack, through the sudog's elem. */
	int64_t v = 0;
	struct g *gp = rt_getg();
	struct sudog *mysg = rt_acquireSudog();
	mysg->releasetime = 0;
	mysg->elem = &v;
	mysg->waitlink = NULL;
	gp->waiting = mysg;
	mysg->g = gp;
	mysg->isSelect = false;
	mysg->c = c;
	gp->param = NULL;
	enqueue(&c->recvq, mysg);
	rt_gopark(chanparkcommit, &c->lock, waitReasonChanReceive);

	/* someone woke us up */
	if (mysg != gp->waiting)
		rt_throw("G waiting list is corrupted");
	gp->waiting = NULL;
	bool success = mysg->success;
	gp->param = NULL;
	mysg->c = NULL;
	rt_releaseSudog(mysg);
	if (ep != NULL)
		*ep = v;
	*received = success;
	return true;
}

/* ---- select ---- */

static void sellock(struct scase *scases, const uint16_t *lockorder, int norder)
{
	struct hchan *c = NULL;
	for (int i = 0; i < norder; i++) {
		struct hchan *c0 = scases[lockorder[i]].c;
		if (c0 != c) {
			c = c0;
			plat_lock(&c->lock);
		}
	}
}

static void selunlock(struct scase *scases, const uint16_t *lockorder, int norder)
{
	/* We must be very careful here to not touch sel after we have
	 * unlocked the last lock, because sel can be freed right after the
	 * last unlock: once the last lock is dropped, another M may run the
	 * selecting goroutine, which returns from selectgo. */
	for (int i = norder - 1; i >= 0; i--) {
		struct hchan *c = scases[lockorder[i]].c;
		if (i > 0 && c == scases[lockorder[i - 1]].c)
			continue; /* will unlock it on the next iteration */
		plat_unlock(&c->lock);
	}
}

static bool selparkcommit(struct g *gp, void *unused)
{
	/* This must not access gp's stack (see gopark).  In particular, it
	 * must not access the *hselect.  That's okay, because by the time
	 * this is called, gp->waiting has all channels in lock order. */
	struct hchan *lastc = NULL;
	for (struct sudog *sg = gp->waiting; sg != NULL; sg = sg->waitlink) {
		/* As soon as we unlock the channel, fields in any sudog with
		 * that channel may change, including c and waitlink.  Since
		 * multiple sudogs may have the same channel, we unlock only
		 * after we've passed the last instance of a channel. */
		if (sg->c != lastc && lastc != NULL)
			plat_unlock(&lastc->lock);
		lastc = sg->c;
	}
	if (lastc != NULL)
		plat_unlock(&lastc->lock);
	return true;
}

/* The key lockorder sorts by: Go's c.sortkey() is the address; gsched's
 * is the channel's id (see the top comment). */
static uint64_t sortkey(const struct hchan *c)
{
	return c->id;
}

/* Block forever: select {} (Go's block()). */
static _Noreturn void block(void)
{
	rt_gopark(NULL, NULL, waitReasonSelectNoCases); /* forever */
	rt_throw("unreachable");
}

int rt_selectgo(struct scase *scases, int ncases, bool block_, bool *recvOK_)
{
	rt_preemptcheck();
	if (ncases < 0 || ncases > RT_SELECT_MAXCASES)
		rt_panic("select: too many cases");
	/* The compiler's arrays: pollorder then lockorder, on our stack. */
	uint16_t order[2 * (ncases > 0 ? ncases : 1)];
	uint16_t *pollorder = order;
	uint16_t *lockorder = order + ncases;

	/* generate permuted order */
	plat_work(PLAT_WORK_SELECT);
	int norder = 0;
	for (int i = 0; i < ncases; i++) {
		struct scase *cas = &scases[i];
		plat_work(PLAT_WORK_SELECT_CASE);
		/* Omit cases without channels from the poll and lock orders. */
		if (cas->c == NULL) {
			cas->elem = NULL;
			continue;
		}
		uint32_t j = rt_fastrandn((uint32_t)(norder + 1));
		pollorder[norder] = pollorder[j];
		pollorder[j] = (uint16_t)i;
		norder++;
	}

	/* Sort the cases by channel id (Go: by address) to get the locking
	 * order.  Simple heap sort, to guarantee n log n time and constant
	 * stack footprint.  Starting from the pollorder permutes cases on
	 * the same channel. */
	for (int i = 0; i < norder; i++) {
		int j = i;
		struct hchan *c = scases[pollorder[i]].c;
		while (j > 0 && sortkey(scases[lockorder[(j - 1) / 2]].c) < sortkey(c)) {
			int k = (j - 1) / 2;
			lockorder[j] = lockorder[k];
			j = k;
		}
		lockorder[j] = pollorder[i];
	}
	for (int i = norder - 1; i >= 0; i--) {
		uint16_t o = lockorder[i];
		struct hchan *c = scases[o].c;
		lockorder[i] = lockorder[0];
		int j = 0;
		for (;;) {
			int k = j * 2 + 1;
			if (k >= i)
				break;
			if (k + 1 < i &&
			    sortkey(scases[lockorder[k]].c) < sortkey(scases[lockorder[k + 1]].c))
				k++;
			if (sortkey(c) < sortkey(scases[lockorder[k]].c)) {
				lockorder[j] = lockorder[k];
				j = k;
				continue;
			}
			break;
		}
		lockorder[j] = o;
	}
	/* Go checks this only with debugSelect; it is cheap, and a broken
	 * order is a deadlock waiting to happen. */
	for (int i = 0; i + 1 < norder; i++)
		if (sortkey(scases[lockorder[i]].c) > sortkey(scases[lockorder[i + 1]].c))
			rt_throw("select: broken sort");

	/* lock all the channels involved in the select */
	sellock(scases, lockorder, norder);
	struct unlocker u = {.scases = scases, .lockorder = lockorder, .norder = norder};

	struct g *gp;
	struct sudog *sg;
	struct hchan *c;
	int casi;
	struct scase *cas;
	bool caseSuccess;
	bool recvOK = false;

	/* pass 1 - look for something already waiting */
	for (int i = 0; i < norder; i++) {
		casi = pollorder[i];
		cas = &scases[casi];
		c = cas->c;

		if (!cas->send) {
			sg = dequeue(&c->sendq);
			if (sg != NULL)
				goto recv;
			if (c->qcount > 0)
				goto bufrecv;
			if (c->closed != 0)
				goto rclose;
		} else {
			if (c->closed != 0)
				goto sclose;
			sg = dequeue(&c->recvq);
			if (sg != NULL)
				goto send;
			if (c->qcount < c->dataqsiz)
				goto bufsend;
		}
	}

	if (!block_) {
		selunlock(scases, lockorder, norder);
		casi = -1;
		goto retc;
	}

	/* pass 2 - enqueue on all chans */
	gp = rt_getg();
	if (gp->waiting != NULL)
		rt_throw("gp.waiting != nil");
	struct sudog **nextp = &gp->waiting;
	for (int i = 0; i < norder; i++) {
		casi = lockorder[i];
		cas = &scases[casi];
		c = cas->c;
		sg = rt_acquireSudog();
		sg->g = gp;
		sg->isSelect = true;
		sg->elem = cas->elem;
		sg->releasetime = 0;
		sg->c = c;
		/* Construct waiting list in lock order. */
		*nextp = sg;
		nextp = &sg->waitlink;

		if (cas->send)
			enqueue(&c->sendq, sg);
		else
			enqueue(&c->recvq, sg);
	}

	/* wait for someone to wake us up.  With every case on a nil channel
	 * the list is empty and nobody ever will (Go parks the same way). */
	gp->param = NULL;
	rt_gopark(selparkcommit, NULL, waitReasonSelect);

	plat_work(PLAT_WORK_SELECT_WAKE);
	sellock(scases, lockorder, norder);

	plat_store32(&gp->selectDone, 0);
	sg = gp->param;
	gp->param = NULL;

	/* pass 3 - dequeue from unsuccessful chans, otherwise they stack up
	 * on quiet channels.  Record the successful case, if any.  We
	 * singly-linked up the sudogs in lock order. */
	casi = -1;
	cas = NULL;
	caseSuccess = false;
	struct sudog *sglist = gp->waiting;
	/* Clear all elem before unlinking from gp.waiting. */
	for (struct sudog *sg1 = gp->waiting; sg1 != NULL; sg1 = sg1->waitlink) {
		sg1->isSelect = false;
		sg1->elem = NULL;
		sg1->c = NULL;
	}
	gp->waiting = NULL;

	for (int i = 0; i < norder; i++) {
		struct scase *k = &scases[lockorder[i]];
		if (sg == sglist) {
			/* sg has already been dequeued by the G that woke us up. */
			casi = lockorder[i];
			cas = k;
			caseSuccess = sglist->success;
		} else {
			c = k->c;
			if (k->send)
				dequeueSudoG(&c->sendq, sglist);
			else
				dequeueSudoG(&c->recvq, sglist);
		}
		struct sudog *sgnext = sglist->waitlink;
		sglist->waitlink = NULL;
		rt_releaseSudog(sglist);
		sglist = sgnext;
	}

	if (cas == NULL)
		rt_throw("selectgo: bad wakeup");

	c = cas->c;

	if (cas->send) {
		if (!caseSuccess)
			goto sclose;
	} else {
		recvOK = caseSuccess;
	}

	selunlock(scases, lockorder, norder);
	goto retc;

bufrecv:
	/* can receive from buffer */
	recvOK = true;
	int64_t *qp = chanbuf(c, c->recvx);
	if (cas->elem != NULL)
		*cas->elem = *qp;
	*qp = 0;
	c->recvx++;
	if (c->recvx == c->dataqsiz)
		c->recvx = 0;
	plat_store64(&c->qcount, c->qcount - 1);
	selunlock(scases, lockorder, norder);
	goto retc;

bufsend:
	/* can send to buffer */
	*chanbuf(c, c->sendx) = *cas->elem;
	c->sendx++;
	if (c->sendx == c->dataqsiz)
		c->sendx = 0;
	plat_store64(&c->qcount, c->qcount + 1);
	selunlock(scases, lockorder, norder);
	goto retc;

recv:
	/* can receive from sleeping sender (sg) */
	recv(c, sg, cas->elem, &u);
	recvOK = true;
	goto retc;

rclose:
	/* read at end of closed channel */
	selunlock(scases, lockorder, norder);
	recvOK = false;
	if (cas->elem != NULL)
		*cas->elem = 0;
	goto retc;

send:
	/* can send to a sleeping receiver (sg) */
	send(c, sg, cas->elem, &u);
	goto retc;

retc:
	*recvOK_ = recvOK;
	return casi;

sclose:
	/* send on closed channel */
	selunlock(scases, lockorder, norder);
	rt_panic("send on closed channel");
}

/* ---- the public API (gs.h) ---- */

struct gs_chan *gs_chan_make(int64_t capacity)
{
	return (struct gs_chan *)rt_makechan(capacity);
}

void gs_chan_free(struct gs_chan *c)
{
	if (c == NULL)
		return;
	plat_free(c, chan_bytes(c->c.dataqsiz));
}

void gs_chan_send(struct gs_chan *c, int64_t v)
{
	rt_chansend(c ? &c->c : NULL, &v, true);
}

bool gs_chan_recv(struct gs_chan *c, int64_t *v)
{
	bool received;
	rt_chanrecv(c ? &c->c : NULL, v, true, &received);
	return received;
}

void gs_chan_close(struct gs_chan *c)
{
	rt_closechan(c ? &c->c : NULL);
}

int64_t gs_chan_len(struct gs_chan *c)
{
	return c ? (int64_t)plat_load64(&c->c.qcount) : 0;
}

int64_t gs_chan_cap(struct gs_chan *c)
{
	return c ? (int64_t)c->c.dataqsiz : 0;
}

/* As Go's compiler lowers select statements (walkSelectCases): no cases
 * blocks forever; one case without default is a plain channel operation;
 * one case with a default is selectnbsend/selectnbrecv; the rest goes to
 * selectgo. */
int gs_select(struct gs_case *cases, int n, bool block_)
{
	if (n < 0)
		rt_panic("select: negative number of cases");
	if (n > RT_SELECT_MAXCASES)
		rt_panic("select: too many cases");
	if (n == 0) {
		if (block_)
			block();
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (cases[i].dir != GS_SEND && cases[i].dir != GS_RECV)
			rt_panic("select: bad case direction");
	if (n == 1) {
		struct gs_case *k = &cases[0];
		struct hchan *c = k->c ? &k->c->c : NULL;
		if (k->dir == GS_SEND)
			return rt_chansend(c, &k->value, block_) ? 0 : -1;
		bool received;
		if (!rt_chanrecv(c, &k->value, block_, &received))
			return -1;
		k->ok = received;
		return 0;
	}
	struct scase scases[n];
	for (int i = 0; i < n; i++) {
		scases[i].c = cases[i].c ? &cases[i].c->c : NULL;
		scases[i].elem = &cases[i].value;
		scases[i].send = cases[i].dir == GS_SEND;
	}
	bool recvOK;
	int casi = rt_selectgo(scases, n, block_, &recvOK);
	if (casi >= 0 && cases[casi].dir == GS_RECV)
		cases[casi].ok = recvOK;
	return casi;
}
