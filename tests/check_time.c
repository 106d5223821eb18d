/*
 * check_time.c - timers (time.c) and the network poller model
 * (netpoll.c).
 *
 * Three groups:
 *   "timers"  the heap and the status machine driven directly, as Go's
 *             export_test.go drives them: each body runs as one plain
 *             virtual thread (sim_run_threads) that poses as an M with a
 *             P (a fake g0/m/p set with plat_setg), so addtimer finds
 *             "the current P" and goroutineReady is never needed;
 *   "netpoll" readiness order, blocking, timeouts and netpollBreak, in
 *             plain threads and in small programs whose poller goroutine
 *             calls rt_netpoll and readies what it returns (what
 *             injectglist will do once proc.c polls);
 *   "integration" whole programs that sleep and wait for I/O through the
 *             scheduler: checkTimers in findRunnable and stealWork, the
 *             blocking netpoll of the last M, injectglist.
 *
 * Test bodies record the first failure in a string instead of calling
 * ck_assert on a coroutine stack; the test asserts after the run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "gs.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"
#include "timers.h"

static char failure[256];

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (!failure[0])                                                                   \
			snprintf(failure, sizeof failure, __VA_ARGS__);                            \
	} while (0)

/* ---- an event sink that keeps the timer and netpoll events ---- */

struct timesink {
	struct tr_sink base;
	struct rt_event ev[4096];
	size_t n;
};

static void mem_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct timesink *m = (struct timesink *)s;
	if ((ev->kind == RT_EV_TIMER_ADD || ev->kind == RT_EV_TIMER_FIRE ||
	     ev->kind == RT_EV_NETPOLL) &&
	    m->n < sizeof m->ev / sizeof m->ev[0])
		m->ev[m->n++] = *ev;
}

static struct timesink sink;

/* ---- a fake M with a P, for plain threads ---- */

#define NPS 4
static struct m fakem;
static struct g fakeg0;
static struct p fakeps[NPS];
static struct p *allp_fake[NPS];

static void env_init(void)
{
	memset(&fakem, 0, sizeof fakem);
	memset(&fakeg0, 0, sizeof fakeg0);
	memset(fakeps, 0, sizeof fakeps);
	for (int i = 0; i < NPS; i++) {
		test_p_init(&fakeps[i]);
		fakeps[i].id = i;
		fakeps[i].status = _Prunning;
		allp_fake[i] = &fakeps[i];
	}
	fakem.g0 = &fakeg0;
	fakem.p = &fakeps[0];
	fakem.id = 0;
	fakeps[0].m = &fakem;
	fakeg0.m = &fakem;
	rt_timerpMask = calloc(1, sizeof *rt_timerpMask);
	memset(&rt_sched, 0, sizeof rt_sched);
	rt_sched.lastpoll = 1; /* nobody in netpoll: wakeNetPoller calls wakep */
	rt_allp = allp_fake;
	rt_gomaxprocs = NPS;
	memset(&sink, 0, sizeof sink);
	sink.base.event = mem_event;
	failure[0] = 0;
}

static void env_free(void)
{
	for (int i = 0; i < NPS; i++) {
		rt_timers_free(&fakeps[i]);
		test_p_fini(&fakeps[i]);
	}
	rt_timers_free(NULL);
	rt_netpoll_teardown();
	free(rt_timerpMask);
	rt_timerpMask = NULL;
	memset(&rt_sched, 0, sizeof rt_sched);
	rt_allp = NULL;
	rt_gomaxprocs = 0;
}

/* Run body(arg) as one virtual thread posing as fakem. */
static void (*body_fn)(void *);
static void body_entry(void *arg)
{
	plat_setg(&fakeg0);
	body_fn(arg);
}

static enum tr_status run_body(void (*fn)(void *), void *arg, uint64_t seed, struct sim_result *res)
{
	/* Unit tests of the timer code: the cost model's exact figures. */
	struct sim_config cfg = {.seed = seed, .sink = &sink.base, .noise_off = true};
	void (*fns[1])(void *) = {body_entry};
	void *args[1] = {arg};
	body_fn = fn;
	env_init();
	sim_run_threads(&cfg, 1, fns, args, res);
	env_free();
	return res->status;
}

/* ---- timers: helpers ---- */

#define MAXT 512
static struct timer tms[MAXT];
static int64_t want[MAXT]; /* expected (effective) when */
static bool deleted[MAXT];
static int fired[MAXT]; /* times each timer fired */
static int order[MAXT]; /* firing order */
static int norder;
static struct p *firing_p; /* the P whose checkTimers is running */

/* A timer's f: records the firing; locks the P's timersLock to prove it
 * runs with the lock released (a self-deadlock would throw). */
static void recf(void *arg, uintptr_t seq)
{
	int i = (int)(intptr_t)arg;
	if (firing_p) {
		plat_lock(&firing_p->timersLock);
		plat_unlock(&firing_p->timersLock);
	}
	fired[i]++;
	if (norder < MAXT)
		order[norder++] = i;
}

static void reset_timers(void)
{
	memset(tms, 0, sizeof tms);
	memset(want, 0, sizeof want);
	memset(deleted, 0, sizeof deleted);
	memset(fired, 0, sizeof fired);
	norder = 0;
	firing_p = NULL;
}

static void add(int i, int64_t when)
{
	tms[i].when = when;
	tms[i].f = recf;
	tms[i].arg = (void *)(intptr_t)i;
	want[i] = when;
	rt_addtimer(&tms[i]);
}

/* The heap is ordered and timer0When is its minimum. */
static void check_heap(struct p *pp, const char *where)
{
	plat_lock(&pp->timersLock);
	rt_verifyTimerHeap(pp);
	int64_t w0 = (int64_t)plat_load64((uint64_t *)&pp->timer0When);
	int64_t min = pp->ntimers ? pp->timers[0]->when : 0;
	for (int32_t i = 0; i < pp->ntimers; i++)
		if (pp->timers[i]->when < min)
			FAIL("%s: timers[%d] earlier than the root", where, i);
	if (w0 != min)
		FAIL("%s: timer0When %lld, heap minimum %lld", where, (long long)w0,
		     (long long)min);
	plat_unlock(&pp->timersLock);
}

static int64_t checkTimers(struct p *pp, int64_t now, int64_t *pollUntil, bool *ran)
{
	firing_p = pp;
	int64_t r = rt_checkTimers(pp, now, pollUntil, ran);
	firing_p = NULL;
	return r;
}

static uint64_t rng;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* ---- timers: tests ---- */

/* Random adds, deletes and resets; the heap stays ordered with
 * timer0When its minimum; sweeping time forward runs every live timer
 * exactly once, at the first checkTimers where it is due, in when order,
 * and never a deleted one. */
static void heap_random(void *arg)
{
	struct p *pp = &fakeps[0];
	rng = 0x9e3779b97f4a7c15u * (uint64_t)(intptr_t)arg;
	int n = 300;
	reset_timers();
	for (int i = 0; i < n; i++) {
		add(i, 1 + rnd() % 100000);
		if (rnd() % 3 == 0) {
			int j = (int)(rnd() % (uint32_t)(i + 1));
			bool r = rt_deltimer(&tms[j]);
			if (r != !deleted[j])
				FAIL("deltimer(%d) = %d, deleted before %d", j, r, deleted[j]);
			deleted[j] = true;
		}
		if (rnd() % 5 == 0) {
			int j = (int)(rnd() % (uint32_t)(i + 1));
			if (!deleted[j]) {
				want[j] = 1 + rnd() % 100000;
				if (!rt_resettimer(&tms[j], want[j]))
					FAIL("resettimer(%d) of a pending timer returned false", j);
			}
		}
		check_heap(pp, "add");
	}
	int64_t prev = 0;
	for (int64_t now = 1000; now <= 101000; now += 1000) {
		int before = norder;
		int64_t pu;
		bool ran;
		int64_t r = checkTimers(pp, now, &pu, &ran);
		if (r != now)
			FAIL("checkTimers returned now %lld, passed %lld", (long long)r,
			     (long long)now);
		if (ran != (norder > before))
			FAIL("ran %d but %d timers fired", ran, norder - before);
		for (int k = before; k < norder; k++) {
			int i = order[k];
			if (want[i] > now || want[i] <= prev)
				FAIL("timer %d (when %lld) fired at now %lld (previous %lld)", i,
				     (long long)want[i], (long long)now, (long long)prev);
		}
		bool live = false;
		for (int i = 0; i < n; i++)
			if (!deleted[i] && !fired[i])
				live = true;
		if (live && pu <= now)
			FAIL("pollUntil %lld with live timers at now %lld", (long long)pu,
			     (long long)now);
		check_heap(pp, "sweep");
		prev = now;
	}
	for (int k = 1; k < norder; k++)
		if (want[order[k]] < want[order[k - 1]])
			FAIL("fired out of order: %lld after %lld", (long long)want[order[k]],
			     (long long)want[order[k - 1]]);
	for (int i = 0; i < n; i++)
		if (fired[i] != (deleted[i] ? 0 : 1))
			FAIL("timer %d (deleted %d) fired %d times", i, deleted[i], fired[i]);
	if (pp->ntimers != 0 || plat_load32(&pp->numTimers) != 0 ||
	    plat_load32(&pp->deletedTimers) != 0)
		FAIL("heap not empty at the end: %d timers, %u deleted", pp->ntimers,
		     pp->deletedTimers);
}

START_TEST(test_heap_random)
{
	for (intptr_t seed = 1; seed <= 40; seed++) {
		struct sim_result res;
		ck_assert_int_eq(run_body(heap_random, (void *)seed, (uint64_t)seed, &res),
		                 TR_COMPLETE);
		ck_assert_msg(!failure[0], "seed %d: %s", (int)seed, failure);
	}
}
END_TEST

/* checkTimers runs exactly the timers due, in when order, and returns
 * the next when as pollUntil; the early return does nothing. */
static void check_exact(void *unused)
{
	struct p *pp = &fakeps[0];
	reset_timers();
	int64_t whens[] = {300, 100, 200, 500, 400};
	for (int i = 0; i < 5; i++)
		add(i, whens[i]);
	int64_t pu;
	bool ran;
	checkTimers(pp, 50, &pu, &ran);
	if (ran || pu != 100 || norder != 0)
		FAIL("now 50: ran %d pollUntil %lld fired %d", ran, (long long)pu, norder);
	checkTimers(pp, 250, &pu, &ran);
	if (!ran || pu != 300 || norder != 2 || order[0] != 1 || order[1] != 2)
		FAIL("now 250: ran %d pollUntil %lld fired %d", ran, (long long)pu, norder);
	checkTimers(pp, 300, &pu, &ran); /* when == now is due */
	if (!ran || pu != 400 || norder != 3 || order[2] != 0)
		FAIL("now 300: ran %d pollUntil %lld fired %d", ran, (long long)pu, norder);
	checkTimers(pp, 1000, &pu, &ran);
	if (!ran || pu != 0 || norder != 5 || order[3] != 4 || order[4] != 3)
		FAIL("now 1000: ran %d pollUntil %lld fired %d", ran, (long long)pu, norder);
	int64_t r = checkTimers(pp, 2000, &pu, &ran);
	if (ran || pu != 0 || r != 2000)
		FAIL("empty: ran %d pollUntil %lld now %lld", ran, (long long)pu, (long long)r);
	if (tms[0].status != timerNoStatus || tms[0].pp != NULL)
		FAIL("a run timer has status %u", tms[0].status);
	/* now == 0: checkTimers reads the clock. */
	add(5, 1);
	r = checkTimers(pp, 0, &pu, &ran);
	if (r <= 0 || r > sim_now() || !ran)
		FAIL("now 0: returned %lld (clock %lld) ran %d", (long long)r, (long long)sim_now(),
		     ran);
}

START_TEST(test_check_exact)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(check_exact, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
	/* The events: five adds growing the heap, then fires in when order. */
	int64_t fires[] = {100, 200, 300, 400, 500};
	size_t nadd = 0, nfire = 0;
	for (size_t i = 0; i < sink.n; i++) {
		const struct rt_event *e = &sink.ev[i];
		ck_assert_int_eq(e->obj, 0); /* P 0 */
		if (e->kind == RT_EV_TIMER_ADD) {
			if (nadd < 5)
				ck_assert_int_eq(e->b, (int64_t)nadd + 1);
			nadd++;
		} else if (e->kind == RT_EV_TIMER_FIRE && nfire < 5) {
			ck_assert_int_eq(e->a, fires[nfire]);
			ck_assert_int_eq(e->b, 0);
			nfire++;
		}
	}
	ck_assert_uint_eq(nadd, 6);
	ck_assert_uint_eq(nfire, 5);
}
END_TEST

/* More deleted timers than a quarter of the heap: the local P's
 * checkTimers clears them even though no timer is due; at a quarter or
 * less (or on another P) it returns early. */
static void deleted_cleanup(void *unused)
{
	struct p *pp = &fakeps[0];
	reset_timers();
	for (int i = 0; i < 100; i++)
		add(i, 1000000 + i);
	for (int i = 0; i < 25; i++)
		rt_deltimer(&tms[2 * i + 1]);
	int64_t pu;
	bool ran;
	checkTimers(pp, 10, &pu, &ran);
	if (pp->ntimers != 100 || plat_load32(&pp->deletedTimers) != 25)
		FAIL("25/100 deleted: heap %d, deleted %u", pp->ntimers, pp->deletedTimers);
	if (pu != 1000000)
		FAIL("early return: pollUntil %lld", (long long)pu);
	rt_deltimer(&tms[99]);
	/* Seen from another P (a thief): still no cleanup. */
	fakem.p = &fakeps[1];
	checkTimers(pp, 10, &pu, &ran);
	fakem.p = &fakeps[0];
	if (pp->ntimers != 100)
		FAIL("cleanup from another P: heap %d", pp->ntimers);
	checkTimers(pp, 10, &pu, &ran);
	if (pp->ntimers != 74 || plat_load32(&pp->numTimers) != 74 ||
	    plat_load32(&pp->deletedTimers) != 0)
		FAIL("26/100 deleted: heap %d, numTimers %u, deleted %u", pp->ntimers,
		     pp->numTimers, pp->deletedTimers);
	if (ran || norder != 0)
		FAIL("cleanup ran timers");
	for (int i = 0; i < 25; i++)
		if (tms[2 * i + 1].status != timerRemoved || tms[2 * i + 1].pp != NULL)
			FAIL("deleted timer %d has status %u", 2 * i + 1, tms[2 * i + 1].status);
	check_heap(pp, "cleanup");
}

START_TEST(test_deleted_cleanup)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(deleted_cleanup, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* modtimer: earlier and later resets go through ModifiedEarlier/Later,
 * timerModifiedEarliest and nobarrierWakeTime see the earlier time, and
 * the timers fire at their new times; a run timer is added again. */
static void modify(void *unused)
{
	struct p *pp = &fakeps[0];
	reset_timers();
	add(0, 1000);
	add(1, 2000);
	add(2, 3000);
	if (rt_resettimer(&tms[2], 500) != true || tms[2].status != timerModifiedEarlier)
		FAIL("reset earlier: status %u", tms[2].status);
	if (rt_resettimer(&tms[0], 2500) != true || tms[0].status != timerModifiedLater)
		FAIL("reset later: status %u", tms[0].status);
	if (pp->timerModifiedEarliest != 500 || rt_nobarrierWakeTime(pp) != 500 ||
	    pp->timer0When != 1000)
		FAIL("modifiedEarliest %lld wake %lld timer0When %lld",
		     (long long)pp->timerModifiedEarliest, (long long)rt_nobarrierWakeTime(pp),
		     (long long)pp->timer0When);
	int64_t pu;
	bool ran;
	checkTimers(pp, 600, &pu, &ran);
	if (norder != 1 || order[0] != 2 || pu != 2000)
		FAIL("now 600: fired %d (first %d) pollUntil %lld", norder, order[0],
		     (long long)pu);
	if (tms[0].status != timerWaiting || tms[0].when != 2500)
		FAIL("moved timer: status %u when %lld", tms[0].status, (long long)tms[0].when);
	/* A timer that already ran is added again. */
	if (rt_resettimer(&tms[2], 2200) != false || tms[2].status != timerWaiting ||
	    tms[2].pp != pp)
		FAIL("reset of a run timer: status %u", tms[2].status);
	/* Deleting a modified timer; deleting twice. */
	rt_resettimer(&tms[1], 100);
	if (!rt_deltimer(&tms[1]) || rt_deltimer(&tms[1]))
		FAIL("deltimer of a modified timer");
	checkTimers(pp, 3000, &pu, &ran);
	if (norder != 3 || order[1] != 2 || order[2] != 0 || pu != 0)
		FAIL("now 3000: fired %d pollUntil %lld", norder, (long long)pu);
	if (rt_deltimer(&tms[0]))
		FAIL("deltimer of a run timer returned true");
	check_heap(pp, "modify");
}

START_TEST(test_modify)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(modify, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* moveTimers (procresize destroying a P) moves every live timer to the
 * current P, applies pending modifications and drops deleted timers. */
static void move(void *unused)
{
	struct p *p0 = &fakeps[0], *p1 = &fakeps[1];
	reset_timers();
	rng = 12345;
	fakem.p = p1;
	for (int i = 0; i < 10; i++)
		add(i, 5000 + 10 * i);
	fakem.p = p0;
	for (int i = 10; i < 60; i++)
		add(i, 1 + rnd() % 10000);
	fakem.p = p1;
	for (int i = 60; i < 110; i++)
		add(i, 1 + rnd() % 10000);
	fakem.p = p0;
	for (int i = 60; i < 110; i += 5) {
		rt_deltimer(&tms[i]);
		deleted[i] = true;
		want[i + 1] = 1 + rnd() % 10000;
		rt_resettimer(&tms[i + 1], want[i + 1]);
	}
	plat_lock(&p0->timersLock);
	plat_lock(&p1->timersLock);
	rt_moveTimers(p0, p1->timers, p1->ntimers);
	rt_timers_free(p1);
	plat_unlock(&p1->timersLock);
	plat_unlock(&p0->timersLock);
	if (p0->ntimers != 100 || plat_load32(&p0->numTimers) != 100 || p1->ntimers != 0 ||
	    p1->numTimers != 0 || p1->timer0When != 0)
		FAIL("after move: p0 %d timers, p1 %d", p0->ntimers, p1->ntimers);
	for (int i = 0; i < 110; i++) {
		if (deleted[i]) {
			if (tms[i].status != timerRemoved || tms[i].pp != NULL)
				FAIL("deleted timer %d: status %u", i, tms[i].status);
		} else if (tms[i].pp != p0 || tms[i].status != timerWaiting ||
		           tms[i].when != want[i]) {
			FAIL("timer %d: status %u when %lld want %lld", i, tms[i].status,
			     (long long)tms[i].when, (long long)want[i]);
		}
	}
	check_heap(p0, "move");
	int64_t pu;
	bool ran;
	checkTimers(p0, 20000, &pu, &ran);
	if (norder != 100)
		FAIL("%d timers fired after the move", norder);
	for (int k = 1; k < norder; k++)
		if (want[order[k]] < want[order[k - 1]])
			FAIL("fired out of order after the move");
}

START_TEST(test_move)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(move, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
	size_t moves = 0;
	for (size_t i = 0; i < sink.n; i++)
		if (sink.ev[i].kind == RT_EV_TIMER_ADD && sink.ev[i].detail &&
		    strcmp(sink.ev[i].detail, "move") == 0)
			moves++;
	ck_assert_uint_eq(moves, 50);
}
END_TEST

/* timeSleepUntil is the earliest timer (or modification) over all Ps;
 * updateTimerPMask clears a P's bit only when it has no timers; a
 * periodic timer stays in the heap and skips missed periods. */
static void sleepuntil_mask_period(void *unused)
{
	reset_timers();
	if (rt_timeSleepUntil() != RT_MAXWHEN)
		FAIL("no timers: timeSleepUntil %lld", (long long)rt_timeSleepUntil());
	fakem.p = &fakeps[2];
	add(0, 7000);
	fakem.p = &fakeps[3];
	add(1, 9000);
	fakem.p = &fakeps[0];
	if (rt_timeSleepUntil() != 7000)
		FAIL("timeSleepUntil %lld, want 7000", (long long)rt_timeSleepUntil());
	rt_resettimer(&tms[1], 6000);
	if (rt_timeSleepUntil() != 6000)
		FAIL("timeSleepUntil %lld, want 6000", (long long)rt_timeSleepUntil());

	for (int i = 0; i < NPS; i++)
		pMask_set(rt_timerpMask, i);
	for (int i = 0; i < NPS; i++)
		rt_updateTimerPMask(&fakeps[i]);
	for (int i = 0; i < NPS; i++)
		if (pMask_read(rt_timerpMask, (uint32_t)i) != (i >= 2))
			FAIL("timerpMask bit %d is %d", i, pMask_read(rt_timerpMask, (uint32_t)i));

	struct p *pp = &fakeps[0];
	tms[2].period = 100;
	add(2, 100);
	int64_t pu;
	bool ran;
	checkTimers(pp, 350, &pu, &ran);
	if (fired[2] != 1 || tms[2].when != 400 || pu != 400 || tms[2].status != timerWaiting)
		FAIL("periodic: fired %d when %lld pollUntil %lld", fired[2],
		     (long long)tms[2].when, (long long)pu);
	checkTimers(pp, 400, &pu, &ran);
	if (fired[2] != 2 || tms[2].when != 500)
		FAIL("periodic: fired %d when %lld", fired[2], (long long)tms[2].when);
	if (!rt_deltimer(&tms[2]))
		FAIL("deltimer of a periodic timer");
}

START_TEST(test_sleepuntil_mask_period)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(sleepuntil_mask_period, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* handoffp: Go 1.21 ends, after putting the P idle, with
 * wakeNetPoller(nobarrierWakeTime(pp)), so that the timers of a P taken
 * from a syscall are watched.  Here the state retake leaves for
 * handoffp's last branch: another P idle (npidle != gomaxprocs-1), an M
 * blocked in netpoll (lastpoll 0) with no deadline (pollUntil 0), so no
 * one else has the P's timer in view; handoffp must break that poll. */
static int64_t handoff_blocked;

static void handoff_with_timer(void *unused)
{
	reset_timers();
	rt_netpollGenericInit();
	add(0, 5000000); /* a timer on P0 (lastpoll is 1: addtimer only wakes a P) */
	rt_idlepMask = calloc(1, sizeof *rt_idlepMask);
	struct p *pp = &fakeps[0];
	fakem.p = NULL; /* P0 left behind by a syscall, retaken */
	pp->m = NULL;
	pp->status = _Pidle;
	plat_store32(&rt_sched.npidle, 1);
	plat_store64((uint64_t *)&rt_sched.lastpoll, 0);
	rt_handoffp(pp);
	int64_t t0 = sim_now();
	rt_netpoll(10000000); /* the blocked poller's next sleep */
	handoff_blocked = sim_now() - t0;
	plat_lock(&rt_sched.lock);
	rt_sched.pidle = NULL;
	plat_unlock(&rt_sched.lock);
	free(rt_idlepMask);
	rt_idlepMask = NULL;
	pp->status = _Prunning;
	pp->m = &fakem;
	fakem.p = pp;
}

START_TEST(test_handoffp_breaks_poller)
{
	struct sim_result res;
	handoff_blocked = -1;
	ck_assert_int_eq(run_body(handoff_with_timer, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
	ck_assert_int_ge(handoff_blocked, 0);
	ck_assert_int_lt(handoff_blocked, 10000); /* broken at once, not 10 ms */
}
END_TEST

/* Go's throws. */
static void bad_when(void *unused)
{
	reset_timers();
	add(0, 0);
}

static void bad_period(void *unused)
{
	reset_timers();
	tms[0].period = -1;
	add(0, 10);
}

static void add_twice(void *unused)
{
	reset_timers();
	add(0, 10);
	rt_addtimer(&tms[0]);
}

static void bad_p(void *unused)
{
	reset_timers();
	add(0, 10);
	tms[0].pp = &fakeps[1];
	int64_t pu;
	bool ran;
	checkTimers(&fakeps[0], 100, &pu, &ran);
}

static void bad_status(void *unused)
{
	reset_timers();
	tms[0].status = 42;
	rt_deltimer(&tms[0]);
}

/* verifyTimerHeap's two checks: the heap order, and its length
 * against numTimers. */
static void bad_heap_order(void *unused)
{
	reset_timers();
	add(0, 10);
	add(1, 20);
	struct p *pp = tms[0].pp;
	plat_lock(&pp->timersLock);
	pp->timers[1]->when = 5; /* a child earlier than its parent */
	rt_verifyTimerHeap(pp);
}

static void bad_heap_len(void *unused)
{
	reset_timers();
	add(0, 10);
	struct p *pp = tms[0].pp;
	plat_lock(&pp->timersLock);
	plat_xadd32(&pp->numTimers, 1);
	rt_verifyTimerHeap(pp);
}

START_TEST(test_throws)
{
	static const struct {
		void (*fn)(void *);
		const char *msg;
	} cases[] = {
	        {bad_when, "timer when must be positive"},
	        {bad_period, "timer period must be non-negative"},
	        {add_twice, "addtimer called with initialized timer"},
	        {bad_p, "runtimer: bad p"},
	        {bad_status, "deltimer: bad status"},
	        {bad_heap_order, "bad timer heap"},
	        {bad_heap_len, "bad timer heap len"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sim_result res;
		ck_assert_int_eq(run_body(cases[i].fn, NULL, 1, &res), TR_VIOLATION);
		ck_assert_str_eq(res.message, cases[i].msg);
	}
}
END_TEST

/* ---- netpoll in plain threads ---- */

static int64_t woke_at, break_at;

/* netpoll(0) never blocks; a blocking netpoll with nothing pending
 * times out at its delay; a break with nobody blocked is kept for the
 * next blocking poll, once. */
static void poll_alone(void *unused)
{
	struct gList l = rt_netpoll(0);
	if (!gList_empty(&l))
		FAIL("netpoll before init returned gs");
	rt_netpollGenericInit();
	if (!rt_netpollinited() || rt_netpollAnyWaiters())
		FAIL("after init: inited %d waiters %d", rt_netpollinited(),
		     rt_netpollAnyWaiters());
	int64_t t0 = sim_now();
	l = rt_netpoll(0);
	if (!gList_empty(&l) || sim_now() - t0 > 1000)
		FAIL("netpoll(0) took %lld ns", (long long)(sim_now() - t0));
	t0 = sim_now();
	l = rt_netpoll(1000000);
	int64_t dt = sim_now() - t0;
	if (!gList_empty(&l) || dt < 1000000 || dt > 1010000)
		FAIL("netpoll(1ms) returned after %lld ns", (long long)dt);
	rt_netpollBreak();
	rt_netpollBreak(); /* a second break while one is pending: no wakeup */
	t0 = sim_now();
	rt_netpoll(0); /* a non-blocking poll leaves the break pending */
	l = rt_netpoll(1000000);
	dt = sim_now() - t0;
	if (dt > 5000)
		FAIL("pending break: netpoll(1ms) blocked %lld ns", (long long)dt);
	/* epoll_wait's timeout is whole milliseconds: 20 us waits 1 ms */
	t0 = sim_now();
	l = rt_netpoll(20000);
	dt = sim_now() - t0;
	if (dt < 1000000 || dt > 1010000)
		FAIL("break consumed twice: netpoll(20us) took %lld ns", (long long)dt);
	t0 = sim_now();
	l = rt_netpoll(2700000); /* truncated to 2 ms */
	dt = sim_now() - t0;
	if (dt < 2000000 || dt > 2010000)
		FAIL("netpoll(2.7ms) took %lld ns", (long long)dt);
}

START_TEST(test_poll_alone)
{
	struct sim_result res;
	ck_assert_int_eq(run_body(poll_alone, NULL, 1, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
	/* Blocking polls are traced (obj 0 ready, b 1 blocked). */
	ck_assert_uint_ge(sink.n, 3);
	ck_assert_int_eq(sink.ev[0].kind, RT_EV_NETPOLL);
	ck_assert_int_eq(sink.ev[0].a, 1000000);
	ck_assert_int_eq(sink.ev[0].b, 1);
}
END_TEST

static void poller_thread(void *arg)
{
	int64_t delay = (int64_t)(intptr_t)arg;
	rt_netpollGenericInit();
	int64_t t0 = sim_now();
	rt_netpoll(delay);
	woke_at = sim_now() - t0;
}

static void breaker_thread(void *unused)
{
	rt_netpollGenericInit(); /* Go breaks only an initialised poller */
	plat_usleep(200);
	break_at = sim_now();
	rt_netpollBreak();
	rt_netpollBreak(); /* concurrent breaks: one notewakeup, no throw */
}

/* A blocked netpoll (delay > 0 or < 0) is woken early by netpollBreak
 * from another thread; two breaks never wake the note twice, under free
 * interleaving too. */
START_TEST(test_break_wakes)
{
	int64_t delays[] = {10000000, -1};
	for (int d = 0; d < 2; d++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			struct sim_config cfg = {.seed = seed,
			                         .window_ns = seed % 2 ? 0 : SIM_WINDOW_INF};
			void (*fns[2])(void *) = {poller_thread, breaker_thread};
			void *args[2] = {(void *)(intptr_t)delays[d], NULL};
			struct sim_result res;
			env_init();
			woke_at = -1;
			sim_run_threads(&cfg, 2, fns, args, &res);
			env_free();
			ck_assert_msg(res.status == TR_COMPLETE, "seed %llu: %s",
			              (unsigned long long)seed, res.message);
			/* Under free interleaving a timed sleeper may be
			 * resumed at its deadline before the break runs (the
			 * engine's window rule), so a timeout is then legal. */
			if (delays[d] > 0 && cfg.window_ns != 0)
				continue;
			ck_assert_msg(woke_at >= 0 && woke_at < 1000000,
			              "delay %lld seed %llu: woke after %lld ns",
			              (long long)delays[d], (unsigned long long)seed,
			              (long long)woke_at);
		}
	}
}
END_TEST

/* ---- netpoll in programs: a poller goroutine plays injectglist ---- */

#define NIO 12
static struct g *iog[NIO];
static int64_t io_ready[NIO]; /* a lower bound of each descriptor's ready time */
static int io_order[NIO], nio_order;
static int io_early, io_done;
static bool io_strict; /* window 0: every M's clock is past the wake-up */

static void io_waiter(void *arg)
{
	int i = (int)(intptr_t)arg;
	int64_t d = 100000 + 20000 * (int64_t)((i * 7) % NIO); /* distinct, shuffled */
	iog[i] = plat_getg();
	io_ready[i] = sim_now() + d;
	rt_netpollIOWait(d);
	/* Under free interleaving the M that resumes us may have a clock
	 * behind the poller's; only the poller's own check applies then. */
	if (io_strict && sim_now() < io_ready[i])
		io_early++;
	io_done++;
}

/* Ready what netpoll returned, noting the order; each g must still be
 * waiting (the list is injectglist's to make runnable). */
static void record_ready(struct gList *l)
{
	int64_t now = sim_now();
	struct g *gp;
	while ((gp = gList_pop(l)) != NULL) {
		for (int i = 0; i < NIO; i++) {
			if (iog[i] == gp) {
				if (now < io_ready[i])
					io_early++;
				io_order[nio_order++] = i;
			}
		}
		if (rt_readgstatus(gp) != _Gwaiting)
			io_early += 1000;
		rt_goready(gp);
	}
}

/* Once proc.c polls too, the scheduler may take some of the gs, so the
 * poller runs until every waiter has resumed and checks the order of
 * those it got.  A blocking poll claims the poller's role as
 * findRunnable does (sched.lastpoll = 0), so that only one M ever
 * blocks in netpoll. */
static void io_poller(void *arg)
{
	bool block = arg != NULL;
	while (io_done < NIO) {
		struct gList l = {0};
		if (block && plat_xchg64((uint64_t *)&rt_sched.lastpoll, 0) != 0) {
			plat_store64((uint64_t *)&rt_sched.pollUntil, 0);
			l = rt_netpoll(1000000);
			plat_store64((uint64_t *)&rt_sched.lastpoll, (uint64_t)plat_nanotime());
		} else {
			gs_spend(3000);
			l = rt_netpoll(0);
		}
		record_ready(&l);
		gs_gosched(); /* let the readied gs run here too */
	}
}

static void io_main(void *arg)
{
	for (intptr_t i = 0; i < NIO; i++)
		gs_go(io_waiter, (void *)i);
	gs_go(io_poller, arg);
}

static void run_io(void *block, uint64_t seed, int64_t window)
{
	struct sim_config cfg = {.seed = seed, .window_ns = window};
	struct sim_result res;
	memset(iog, 0, sizeof iog);
	nio_order = 0;
	io_early = 0;
	io_done = 0;
	io_strict = window == 0;
	sim_run_program(&cfg, 2, io_main, block, &res);
	ck_assert_msg(res.status == TR_COMPLETE, "seed %llu: %s", (unsigned long long)seed,
	              res.message);
	ck_assert_int_eq(io_done, NIO);
	ck_assert_msg(io_early == 0, "seed %llu window %lld: %d early", (unsigned long long)seed,
	              (long long)window, io_early);
	/* Under free interleaving each waiter's ready time is read from its
	 * own M's clock, which may run behind the poller's and the other
	 * waiters' (by a fresh goroutine's cost, say): one registered later
	 * in the run can carry an earlier ready time, so the order is only
	 * checked at window 0. */
	for (int k = 1; io_strict && k < nio_order; k++)
		ck_assert_msg(io_ready[io_order[k - 1]] <= io_ready[io_order[k]],
		              "seed %llu: descriptor %d returned after %d",
		              (unsigned long long)seed, io_order[k], io_order[k - 1]);
}

/* Descriptors become ready in ready-time order, never early, their gs
 * still waiting; polled without blocking. */
START_TEST(test_io_order_poll)
{
	for (uint64_t seed = 1; seed <= 8; seed++)
		run_io(NULL, seed, seed % 2 ? 0 : SIM_WINDOW_INF);
}
END_TEST

/* The same with the poller blocked in netpoll(1 ms) while descriptors
 * are registered: a registration earlier than its wake time makes it
 * recompute, so it returns each g at its ready time, not at 1 ms. */
START_TEST(test_io_order_blocking)
{
	for (uint64_t seed = 1; seed <= 8; seed++)
		run_io((void *)1, seed, 0);
}
END_TEST

/* ---- integration: whole programs whose sleeps and I/O waits are woken
 * by the scheduler (findRunnable, stealWork, injectglist). ---- */

#define NSLEEP 16
static int wake_order[NSLEEP], nwake;
static int64_t wake_late[NSLEEP]; /* wake time minus the earliest allowed */

static int64_t sleep_dur(int i)
{
	return 1000000 + 100000 * (int64_t)((i * 5) % NSLEEP);
}

static void sleeper(void *arg)
{
	int i = (int)(intptr_t)arg;
	int64_t t0 = sim_now();
	rt_timeSleep(sleep_dur(i));
	wake_late[i] = sim_now() - (t0 + sleep_dur(i));
	wake_order[nwake++] = i;
}

static void sleepers_main(void *arg)
{
	for (intptr_t i = 0; i < NSLEEP; i++)
		gs_go(sleeper, (void *)i);
}

/* Many sleepers of different durations wake never early, and late by
 * less than epoll_wait's millisecond granularity (an idle M waits for
 * the next timer in netpoll, whose timeout is whole milliseconds, so a
 * timer can fire up to about 1 ms late).  They run in duration order up
 * to that granularity: timers that fire in one batch ready their gs
 * into runnext one after another, so the last readied runs first. */
START_TEST(test_sleepers_wake_in_order)
{
	for (uint64_t seed = 1; seed <= 6; seed++) {
		/* "not much late" is the timer code's own latency: no timer
		 * slack, no core taken away by the OS (the noise model). */
		struct sim_config cfg = {.seed = seed,
		                         .window_ns = seed % 2 ? 0 : 1000,
		                         .max_time_ns = 100000000,
		                         .max_steps = 50000000,
		                         .noise_off = true};
		struct sim_result res;
		nwake = 0;
		sim_run_program(&cfg, 4, sleepers_main, NULL, &res);
		ck_assert_msg(res.status == TR_COMPLETE, "seed %llu: %s", (unsigned long long)seed,
		              res.message);
		ck_assert_int_eq(nwake, NSLEEP);
		for (int k = 0; k < NSLEEP; k++) {
			if (k > 0)
				ck_assert_msg(sleep_dur(wake_order[k - 1]) <
				                      sleep_dur(wake_order[k]) + 1050000,
				              "seed %llu: woke out of order",
				              (unsigned long long)seed);
			ck_assert_msg(wake_late[k] >= 0 && wake_late[k] < 1050000,
			              "seed %llu: sleeper %d late by %lld ns",
			              (unsigned long long)seed, k, (long long)wake_late[k]);
		}
	}
}
END_TEST

static uint32_t fair_stop;
static int64_t fair_late;

static void fair_looper(void *unused)
{
	while (!plat_load32(&fair_stop)) {
		gs_spend(10000);
		gs_gosched();
	}
}

static void fair_timer(void *unused)
{
	int64_t t0 = sim_now();
	rt_timeSleep(20000000);
	fair_late = sim_now() - (t0 + 20000000);
	plat_store32(&fair_stop, 1);
}

static void fair_main(void *unused)
{
	for (int i = 0; i < 4; i++)
		gs_go(fair_looper, NULL);
	gs_go(fair_timer, NULL);
}

/* Go's TestTimerFairness: a 20 ms timer fires while 4 goroutines keep
 * every P busy with gosched loops. */
START_TEST(test_timer_fairness)
{
	for (uint64_t seed = 1; seed <= 2; seed++) {
		/* The limit ends the run if the timer never fires. */
		struct sim_config cfg = {.seed = seed, .max_time_ns = 50000000};
		struct sim_result res;
		fair_stop = 0;
		fair_late = -1;
		sim_run_program(&cfg, 2, fair_main, NULL, &res);
		ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
		ck_assert_msg(fair_late >= 0 && fair_late < 1000000, "timer late by %lld ns",
		              (long long)fair_late);
	}
}
END_TEST

static int64_t iow_late[NIO];
static int niow;

static void iow_waiter(void *arg)
{
	int i = (int)(intptr_t)arg;
	int64_t d = 200000 + 50000 * (int64_t)((i * 7) % NIO);
	int64_t t0 = sim_now();
	rt_netpollIOWait(d);
	iow_late[i] = sim_now() - (t0 + d);
	niow++;
}

static void iow_main(void *unused)
{
	for (intptr_t i = 0; i < NIO; i++)
		gs_go(iow_waiter, (void *)i);
}

/* Goroutines waiting for I/O resume after their ready time, through the
 * scheduler's own netpoll. */
START_TEST(test_iowait_resumes)
{
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct sim_config cfg = {.seed = seed, .window_ns = seed % 2 ? 0 : 1000};
		struct sim_result res;
		niow = 0;
		sim_run_program(&cfg, 2, iow_main, NULL, &res);
		ck_assert_msg(res.status == TR_COMPLETE, "seed %llu: %s", (unsigned long long)seed,
		              res.message);
		ck_assert_int_eq(niow, NIO);
		for (int i = 0; i < NIO; i++)
			ck_assert_msg(iow_late[i] >= 0 && iow_late[i] < 100000,
			              "seed %llu: waiter %d late by %lld ns",
			              (unsigned long long)seed, i, (long long)iow_late[i]);
	}
}
END_TEST

Suite *make_time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("timers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_heap_random);
	tcase_add_test(tc, test_check_exact);
	tcase_add_test(tc, test_deleted_cleanup);
	tcase_add_test(tc, test_modify);
	tcase_add_test(tc, test_move);
	tcase_add_test(tc, test_sleepuntil_mask_period);
	tcase_add_test(tc, test_throws);
	tcase_add_test(tc, test_handoffp_breaks_poller);
	suite_add_tcase(s, tc);
	tc = tcase_create("netpoll");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_poll_alone);
	tcase_add_test(tc, test_break_wakes);
	tcase_add_test(tc, test_io_order_poll);
	tcase_add_test(tc, test_io_order_blocking);
	suite_add_tcase(s, tc);
	tc = tcase_create("integration");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sleepers_wake_in_order);
	tcase_add_test(tc, test_timer_fairness);
	tcase_add_test(tc, test_iowait_resumes);
	suite_add_tcase(s, tc);
	return s;
}
