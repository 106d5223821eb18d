/*
 * netpoll.c - the network poller, modelled (Go 1.21's netpoll.go and
 * netpoll_epoll.go, without file descriptors).
 *
 * There is no real I/O.  A goroutine that calls rt_netpollIOWait(ns)
 * waits for a "descriptor" that becomes ready at now+ns: it registers a
 * pending descriptor (ready time, registration number, the g) and parks
 * with reason "IO wait", as netpollblock does on a socket read.
 * rt_netpoll(delay) plays epoll_wait: it returns every goroutine whose
 * descriptor's ready time has passed, still in _Gwaiting (injectglist,
 * in proc.c, makes them runnable, as in Go), and may block the calling M
 * until the next ready time, the delay, or a netpollBreak.
 *
 * Invariants:
 *   - pending descriptors form a binary min-heap ordered by (ready time,
 *     registration number): readiness is reported in ready-time order,
 *     ties in registration order - never by address;
 *   - a descriptor enters the heap only from the park's unlock function
 *     (netpollblockcommit), after its g is _Gwaiting, so netpoll never
 *     returns a g that is still running;
 *   - netpollWaiters counts the gs that ever parked here (Go 1.21's
 *     count, which only netpollgoready decrements);
 *   - note is what the poller blocks on (plat_netpollwait: the native
 *     backend's epoll_wait on an eventfd, the simulator's note sleep):
 *     netpollWakeSig is 1 from the plat_netpollwakeup that sets the note
 *     until the blocked poller clears the note, so at most one wake-up is
 *     ever pending (a second one would be the "double wakeup" throw).
 *     netpollBreak and the "kernel" (a descriptor registered earlier
 *     than a blocked poll's wake time) both go through that gate;
 *     breakPending tells the woken poller whether to return (a break)
 *     or to recompute its sleep (a new descriptor).
 *
 * Alternatives rejected: readying the gs inside netpoll (Go returns a
 * list and lets injectglist decide where they go: the caller may hold no
 * P); a sorted list (O(n) registration when many goroutines wait); one
 * note per descriptor (the poller would have to sleep on many notes);
 * waking a blocked poller at every registration (a real kernel wakes
 * epoll_wait only when a descriptor becomes ready, so we wake it only
 * when a registration moves its wake time earlier: the poller then
 * sleeps again, to exactly that time, instead of returning early).
 *
 * Deviations from Go: no pollDesc cache, deadlines or close; a
 * descriptor serves one wait, so netpollgoready, the one place Go 1.21
 * decrements netpollWaiters, has no caller.  The list is in ready order
 * (head = earliest), where epoll's order is the kernel's.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

/* A pending descriptor. */
struct pollDesc {
	int64_t ready; /* when the I/O becomes ready */
	uint64_t seq;  /* registration number: ties in ready time */
	struct g *gp;  /* the parked goroutine */
};

static struct {
	uint32_t inited; /* netpollInited (atomic) */
	struct plat_mutex initLock;

	struct plat_mutex lock; /* guards pds, seq, sleeping, sleepUntil */
	struct pollDesc *pds;   /* min-heap by (ready, seq) */
	int32_t npds, cappds;
	uint64_t seq;
	bool sleeping;      /* an M is blocked in netpoll ... */
	int64_t sleepUntil; /* ... until this time (INT64_MAX: until woken) */

	uint32_t waiters;      /* netpollWaiters (atomic) */
	uint32_t wakeSig;      /* netpollWakeSig (atomic): a notewakeup is pending */
	uint32_t breakPending; /* atomic: a netpollBreak was requested */
	struct plat_note note; /* what a blocked netpoll sleeps on (the eventfd) */
} np;

/* A registration in progress: lives on the parking g's stack. */
struct iowait {
	int64_t ready;
};

static bool pdless(const struct pollDesc *a, const struct pollDesc *b)
{
	return a->ready < b->ready || (a->ready == b->ready && a->seq < b->seq);
}

static void pdpush(struct pollDesc pd)
{
	if (np.npds == np.cappds) {
		int32_t cap = np.cappds ? 2 * np.cappds : 64;
		np.pds = plat_realloc("the network poller's waiters", np.pds,
		                      (size_t)np.cappds * sizeof *np.pds,
		                      (size_t)cap * sizeof *np.pds);
		np.cappds = cap;
	}
	int32_t i = np.npds++;
	while (i > 0) {
		int32_t parent = (i - 1) / 2;
		if (!pdless(&pd, &np.pds[parent]))
			break;
		np.pds[i] = np.pds[parent];
		i = parent;
	}
	np.pds[i] = pd;
}

static struct pollDesc pdpop(void)
{
	struct pollDesc top = np.pds[0];
	struct pollDesc last = np.pds[--np.npds];
	int32_t i = 0, n = np.npds;
	for (;;) {
		int32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pdless(&np.pds[c + 1], &np.pds[c]))
			c++;
		if (!pdless(&np.pds[c], &last))
			break;
		np.pds[i] = np.pds[c];
		i = c;
	}
	if (n > 0)
		np.pds[i] = last;
	return top;
}

bool rt_netpollinited(void)
{
	return plat_load32(&np.inited) != 0;
}

/* netpollinit: Go creates the epoll instance and the eventfd here; the
 * native backend has them for the whole run (plat_netpollwait).  Our
 * state starts zeroed (and rt_netpoll_teardown zeroes it again); it must
 * not be cleared here, or a netpollBreak racing with the first IOWait
 * would lose its gate and the next one would wake the note twice. */
static void netpollinit(void)
{
}

void rt_netpollGenericInit(void)
{
	if (plat_load32(&np.inited) == 0) {
		plat_lock(&np.initLock);
		if (plat_load32(&np.inited) == 0) {
			netpollinit();
			plat_store32(&np.inited, 1);
		}
		plat_unlock(&np.initLock);
	}
}

bool rt_netpollAnyWaiters(void)
{
	return plat_load32(&np.waiters) > 0;
}

/* Wake the blocked poller through the one-wakeup gate.  Failing to CAS
 * indicates there is an in-flight wakeup, so we're done here. */
static void netpollWake(void)
{
	if (!plat_cas32(&np.wakeSig, 0, 1))
		return;
	plat_netpollwakeup(&np.note);
}

/* netpollBreak interrupts a blocking netpoll (Go: a write to the
 * eventfd).  A break with no poller blocked is kept for the next
 * blocking netpoll, as the eventfd keeps its count. */
void rt_netpollBreak(void)
{
	/* Before the gate: a poller woken by an in-flight wakeup must see
	 * the break. */
	plat_store32(&np.breakPending, 1);
	netpollWake();
}

/* The unlock function of IOWait's park (Go's netpollblockcommit): the g
 * is _Gwaiting now, so netpoll may return it.  Returns false - the park
 * is abandoned and the g runs on - if the I/O became ready before the
 * park committed (Go: the pollDesc is already pdReady). */
static bool netpollblockcommit(struct g *gp, void *arg)
{
	struct iowait *w = arg;
	plat_lock(&np.lock);
	if (plat_nanotime() >= w->ready) {
		plat_unlock(&np.lock);
		return false;
	}
	pdpush((struct pollDesc){.ready = w->ready, .seq = np.seq++, .gp = gp});
	/* Bump the count of goroutines waiting for the poller.  The
	 * scheduler uses this to decide whether to block waiting for the
	 * poller if there is nothing else to do. */
	plat_xadd32(&np.waiters, 1);
	bool kick = np.sleeping && w->ready < np.sleepUntil;
	plat_unlock(&np.lock);
	/* The kernel would wake epoll_wait when this descriptor becomes
	 * ready; the blocked poller sleeps to a time fixed before we came,
	 * so make it recompute. */
	if (kick)
		netpollWake();
	return true;
}

/* IOWait: park the calling goroutine until its I/O is ready, ns from
 * now (Go: netpollblock from poll_runtime_pollWait). */
void rt_netpollIOWait(int64_t ns)
{
	if (ns <= 0)
		return; /* already ready: netpollblock returns at once */
	rt_netpollGenericInit();
	int64_t now = plat_nanotime();
	struct iowait w = {.ready = ns > INT64_MAX - now ? INT64_MAX : now + ns};
	rt_gopark(netpollblockcommit, &w, waitReasonIOWait);
}

/* epoll_wait's buffer: netpoll_epoll.go passes 128 events, so one
 * netpoll returns at most that many gs; the rest wait for the next. */
enum { netpollMaxEvents = 128 };

/* Move the descriptors ready at now to q, at most max of them; returns
 * how many.  np.lock must be held.  netpollWaiters is not decremented: in Go 1.21 only
 * netpollgoready does that (deadlines and close, which the model does
 * not have), so once a program has waited on I/O the count never falls
 * back (later releases subtract what netpoll returns). */
static int32_t collect(int64_t now, struct gQueue *q, int32_t max)
{
	plat_assertLockHeld(&np.lock);
	int32_t n = 0;
	while (n < max && np.npds > 0 && np.pds[0].ready <= now) {
		struct pollDesc pd = pdpop();
		if (rt_readgstatus(pd.gp) != _Gwaiting)
			rt_throw("netpoll: g is not waiting");
		gQueue_pushBack(q, pd.gp);
		n++;
	}
	return n;
}

/* netpoll checks for ready network connections.  Returns list of
 * goroutines that become runnable.  delay < 0: blocks indefinitely;
 * delay == 0: does not block, just polls; delay > 0: block for up to
 * that many nanoseconds.  Only one M may block here at a time (the
 * scheduler guarantees it with sched.lastpoll). */
struct gList rt_netpoll(int64_t delay)
{
	struct gQueue q = {0};
	if (!rt_netpollinited())
		return (struct gList){0};
	/* epoll_wait takes whole milliseconds: under 1 ms rounds up to 1,
	 * longer delays are truncated, and 1e15 ns or more is capped at
	 * 1e9 ms (netpoll_epoll.go).  So a 300 us timer on an idle program
	 * waits about 1 ms for its M. */
	int64_t waitms;
	if (delay < 0)
		waitms = -1;
	else if (delay == 0)
		waitms = 0;
	else if (delay < 1000000)
		waitms = 1;
	else if (delay < 1000000000000000)
		waitms = delay / 1000000;
	else
		waitms = 1000000000;
	int64_t now = plat_nanotime();
	int64_t deadline = waitms < 0 || waitms * 1000000 > INT64_MAX - now
	                           ? INT64_MAX
	                           : now + waitms * 1000000;
	int32_t n = 0;
	bool blocked = false;
	const char *why = NULL;
	for (;;) {
		plat_lock(&np.lock);
		n += collect(now, &q, netpollMaxEvents);
		if (n > 0 || delay == 0 || now >= deadline) {
			plat_unlock(&np.lock);
			break;
		}
		int64_t until = deadline;
		if (np.npds > 0 && np.pds[0].ready < until)
			until = np.pds[0].ready;
		np.sleeping = true;
		np.sleepUntil = until;
		plat_unlock(&np.lock);

		blocked = true;
		bool woke = plat_netpollwait(&np.note, until == INT64_MAX ? -1 : until - now);
		plat_lock(&np.lock);
		np.sleeping = false;
		plat_unlock(&np.lock);
		now = plat_nanotime();
		if (woke) {
			/* Consume the wakeup: clear the note before opening
			 * the gate, so that the next wakeup finds it clear. */
			plat_noteclear(&np.note);
			plat_store32(&np.wakeSig, 0);
			if (plat_xchg32(&np.breakPending, 0) != 0) {
				/* netpollBreak: return what is ready. */
				plat_lock(&np.lock);
				n += collect(now, &q, netpollMaxEvents - n);
				plat_unlock(&np.lock);
				why = "break";
				break;
			}
		}
	}
	if (n > 0 || blocked)
		rt_trace(RT_EV_NETPOLL, n, delay, blocked, why);
	return (struct gList){.head = q.head};
}

/* wakeNetPoller wakes up the thread sleeping in the network poller if it
 * isn't going to wake up before the when argument; or it wakes an idle
 * P to service timers and the network poller if there isn't one
 * already. */
void rt_wakeNetPoller(int64_t when)
{
	if (plat_load64((uint64_t *)&rt_sched.lastpoll) == 0) {
		/* In findRunnable we ensure that when polling the pollUntil
		 * field is either zero or the time to which the current poll
		 * is expected to run.  This can have a spurious wakeup but
		 * should never miss a wakeup. */
		int64_t pollerPollUntil = (int64_t)plat_load64((uint64_t *)&rt_sched.pollUntil);
		if (pollerPollUntil == 0 || pollerPollUntil > when)
			rt_netpollBreak();
	} else {
		/* There are no threads in the network poller, try to get one
		 * there so it can handle new timers. */
		rt_wakep();
	}
}

/* Teardown, after every thread has stopped: no platform operation but
 * plat_free. */
void rt_netpoll_teardown(void)
{
	plat_free(np.pds, (size_t)np.cappds * sizeof *np.pds);
	memset(&np, 0, sizeof np);
}
