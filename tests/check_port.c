/*
 * check_port.c - behaviours of Go 1.21 that the port audit
 * (docs/port-audit.md) found missing or replaced by a later release's,
 * one test per Go function, each run as a whole program in the
 * simulator and judged from its event stream.
 *
 * Each test states what Go 1.21 does and checks the port does the same,
 * in a program small enough that the difference is visible in a few
 * events: the audit's row for the function names the test.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "cost.h"
#include "gs.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"

static const int64_t windows[2] = {0, SIM_WINDOW_INF};

static int run(void (*mainfn)(void *), void *arg, int32_t procs, uint64_t seed, int64_t window,
               struct memsink *sink, struct sim_result *res)
{
	struct sim_config cfg = {
	        .seed = seed, .window_ns = window, .sink = sink ? &sink->base : NULL};
	return sim_run_program(&cfg, procs, mainfn, arg, res);
}

#define ck_complete(res, seed, w)                                                                  \
	ck_assert_msg((res).status == TR_COMPLETE, "seed %llu window %lld: %s %s",                 \
	              (unsigned long long)(seed), (long long)(w), tr_status_name((res).status),    \
	              (res).message)

static size_t count_kind(const struct memsink *m, size_t from, int kind)
{
	size_t n = 0;
	for (size_t i = from; i < m->n; i++)
		if (m->ev[i].kind == kind)
			n++;
	return n;
}

/* ---- goschedImpl ---- */

#define GOSCHED_N 100

/* Go 1.21's goschedImpl puts the g on the global queue and calls
 * schedule(); it wakes no P (later releases call wakep when mainStarted).
 * A lone goroutine that yields GOSCHED_N times on 4 Ps therefore runs on
 * its own M throughout: no wakep, no M started, no steal. */
static void gosched_main(void *unused)
{
	(void)unused;
	gs_spend(1000); /* past start-up */
	for (int i = 0; i < GOSCHED_N; i++)
		gs_gosched();
}

START_TEST(test_goschedImpl_wakes_no_p)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct memsink m;
			memsink_init(&m);
			struct sim_result res;
			run(gosched_main, NULL, 4, seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			size_t first = 0, yields = 0;
			for (size_t i = 0; i < m.n; i++) {
				const struct rt_event *e = &m.ev[i];
				if (e->kind == RT_EV_GSTATUS && e->b == _Grunnable && e->detail &&
				    strcmp(e->detail, "gosched") == 0) {
					if (yields++ == 0)
						first = i;
				}
			}
			ck_assert_uint_eq(yields, GOSCHED_N);
			ck_assert_uint_eq(count_kind(&m, first, RT_EV_WAKEP), 0);
			ck_assert_uint_eq(count_kind(&m, first, RT_EV_STARTM), 0);
			ck_assert_uint_eq(count_kind(&m, first, RT_EV_STEAL), 0);
			memsink_free(&m);
		}
	}
}
END_TEST

/* The next event of the M that emitted ev[i], or m->n if none. */
static size_t next_of_m(const struct memsink *m, size_t i)
{
	size_t j = i + 1;
	while (j < m->n && m->ev[j].m != m->ev[i].m)
		j++;
	return j;
}

/* ---- injectglist ---- */

#define IO_G 40

static void io_worker(void *arg)
{
	intptr_t k = (intptr_t)arg;
	for (int i = 0; i < 4; i++) {
		gs_iowait(20000 + 7919 * ((k * 5 + i) % 13));
		gs_spend(3000);
	}
}

static void io_main(void *unused)
{
	(void)unused;
	for (intptr_t k = 0; k < IO_G; k++)
		gs_go(io_worker, (void *)k);
}

/* Go 1.21's injectglist ends once the gs are on the run queues; the
 * wakep() after them came with Go 1.22 (golang/go#63555), which the
 * policy injectglist-wakep restores.  By default no INJECTGLIST event is
 * followed by a WAKEP from the same M; with the policy some are. */
static size_t wakeps_after_injectglist(bool policy, size_t *injected)
{
	size_t after = 0;
	struct rt_config rc;
	rt_config_default(&rc);
	rc.injectglistwakep = policy;
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct memsink m;
			memsink_init(&m);
			struct sim_config cfg = {
			        .seed = seed, .window_ns = windows[w], .sink = &m.base, .rt = &rc};
			struct sim_result res;
			sim_run_program(&cfg, 1 + (int32_t)(seed % 4), io_main, NULL, &res);
			ck_complete(res, seed, windows[w]);
			for (size_t i = 0; i < m.n; i++) {
				if (m.ev[i].kind != RT_EV_INJECTGLIST)
					continue;
				(*injected)++;
				size_t j = next_of_m(&m, i);
				if (j < m.n && m.ev[j].kind == RT_EV_WAKEP)
					after++;
			}
			memsink_free(&m);
		}
	}
	return after;
}

START_TEST(test_injectglist_no_trailing_wakep)
{
	size_t injected = 0;
	ck_assert_uint_eq(wakeps_after_injectglist(false, &injected), 0);
	ck_assert_uint_gt(injected, 0);
	ck_assert_uint_gt(wakeps_after_injectglist(true, &injected), 0);
}
END_TEST

/* ---- findRunnable ---- */

static struct {
	int done;
} yl;

static void yielder(void *unused)
{
	(void)unused;
	while (!yl.done) {
		gs_spend(500);
		gs_gosched();
	}
}

static void napper(void *unused)
{
	(void)unused;
	for (int i = 0; i < 200; i++) {
		gs_sleep(20000);
		gs_spend(500);
	}
	yl.done = 1;
}

static void sys_main(void *unused)
{
	(void)unused;
	yl.done = 0;
	gs_go(yielder, NULL);
	gs_go(napper, NULL);
}

/* After dropping nmspinning, Go 1.21's findRunnable rechecks the per-P
 * run queues only (checkRunqsNoP); taking a P to run a g straight from
 * the global queue there is a later release's.  So every globrunqget is
 * made by an M that holds its P.  A yielder keeps putting itself on the
 * global queue while a napper's P keeps going idle: the later release's
 * recheck took the yielder from there, without a P, in most runs. */
START_TEST(test_findRunnable_no_global_recheck)
{
	size_t gets = 0;
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct memsink m;
			memsink_init(&m);
			struct sim_result res;
			run(sys_main, NULL, 2 + (int32_t)(seed % 2), seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			for (size_t i = 0; i < m.n; i++) {
				if (m.ev[i].kind != RT_EV_GLOBRUNQGET)
					continue;
				gets++;
				ck_assert_msg(m.ev[i].p >= 0,
				              "seed %llu window %lld: event %zu: globrunqget "
				              "without a P",
				              (unsigned long long)seed, (long long)windows[w], i);
			}
			memsink_free(&m);
		}
	}
	ck_assert_uint_gt(gets, 0);
}
END_TEST

/* ---- stealWork ---- */

#define SLEEP_G 8

static void sleeper(void *arg)
{
	intptr_t k = (intptr_t)arg;
	for (int i = 0; i < 10; i++) {
		gs_sleep(200000 + 25000 * ((k + 3 * i) % 9));
		gs_spend(2000);
	}
}

static void steal_main(void *unused)
{
	(void)unused;
	for (intptr_t k = 0; k < SLEEP_G; k++)
		gs_go(sleeper, (void *)k);
	for (int i = 0; i < 50; i++)
		gs_spend(1000000); /* keep this P busy: its timers get stolen */
}

/* A g taken from runnext inherits the time slice (runqget's
 * inheritTime).  Go 1.21's stealWork passes it on when a timer it ran on
 * another P readied a g into this P's runnext; so every runqget from
 * runnext is followed by that g running with "inherit". */
START_TEST(test_stealWork_inheritTime)
{
	size_t stolen = 0;
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct memsink m;
			memsink_init(&m);
			struct sim_result res;
			run(steal_main, NULL, 2 + (int32_t)(seed % 2), seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			for (size_t i = 0; i < m.n; i++) {
				const struct rt_event *e = &m.ev[i];
				if (e->kind == RT_EV_TIMER_STEAL) {
					size_t j = next_of_m(&m, i);
					if (j < m.n && m.ev[j].kind == RT_EV_RUNQGET &&
					    m.ev[j].b == 1)
						stolen++;
				}
				if (e->kind != RT_EV_RUNQGET || e->b != 1)
					continue;
				size_t j = i;
				do
					j = next_of_m(&m, j);
				while (j < m.n &&
				       !(m.ev[j].kind == RT_EV_GSTATUS && m.ev[j].obj == e->obj &&
				         m.ev[j].b == _Grunning));
				ck_assert_uint_lt(j, m.n);
				ck_assert_msg(
				        m.ev[j].detail && strcmp(m.ev[j].detail, "inherit") == 0,
				        "seed %llu window %lld: event %zu: g%lld from runnext "
				        "starts a new time slice",
				        (unsigned long long)seed, (long long)windows[w], j,
				        (long long)e->obj);
			}
			memsink_free(&m);
		}
	}
	ck_assert_uint_gt(stolen, 0);
}
END_TEST

/* ---- netpollWaiters ---- */

static struct {
	bool before, after;
} nw;

static void nw_main(void *unused)
{
	(void)unused;
	nw.before = rt_netpollAnyWaiters();
	gs_iowait(10000);
	gs_spend(50000); /* the other Ps' Ms go idle meanwhile */
	nw.after = rt_netpollAnyWaiters();
}

/* Go 1.21 increments netpollWaiters when a g parks on the poller and
 * decrements it only in netpollgoready (deadlines, close): a g that
 * netpoll returns is not subtracted (later releases do).  So after a
 * program's first I/O wait findRunnable keeps treating the poller as
 * having waiters, and an idle M blocks in netpoll instead of stopm. */
START_TEST(test_netpollWaiters_never_falls_back)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			memset(&nw, 0, sizeof nw);
			struct sim_result res;
			run(nw_main, NULL, 2, seed, windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert(!nw.before);
			ck_assert(nw.after);
		}
	}
}
END_TEST

/* ---- netpoll (epoll) ---- */

static int64_t slept;

static void sleep_main(void *unused)
{
	(void)unused;
	int64_t t0 = sim_now();
	gs_sleep(300000);
	slept = sim_now() - t0;
}

/* netpoll_epoll.go hands epoll_wait a timeout in whole milliseconds,
 * rounding a delay under 1 ms up to 1 ms: a 300 us sleep on an idle
 * program wakes about 1 ms later, when its M's epoll_wait times out. */
START_TEST(test_netpoll_millisecond_timeout)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct sim_result res;
			slept = 0;
			run(sleep_main, NULL, 1 + (int32_t)(seed % 2), seed, windows[w], NULL,
			    &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_ge(slept, 1000000);
			ck_assert_int_lt(slept, 1100000);
		}
	}
}
END_TEST

#define MANY_IO 300

static void many_waiter(void *unused)
{
	(void)unused;
	gs_iowait(50000);
}

static void many_main(void *unused)
{
	(void)unused;
	for (int i = 0; i < MANY_IO; i++)
		gs_go(many_waiter, NULL);
	gs_gosched();     /* the waiters run and park */
	gs_spend(500000); /* meanwhile their I/O becomes ready */
}

/* One epoll_wait returns at most 128 events, so one netpoll readies at
 * most 128 gs; with 300 ready at once some poll returns exactly 128. */
START_TEST(test_netpoll_at_most_128)
{
	size_t full = 0;
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct memsink m;
			memsink_init(&m);
			struct sim_result res;
			run(many_main, NULL, 1, seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			for (size_t i = 0; i < m.n; i++) {
				if (m.ev[i].kind != RT_EV_NETPOLL)
					continue;
				ck_assert_int_le(m.ev[i].obj, 128);
				if (m.ev[i].obj == 128)
					full++;
			}
			memsink_free(&m);
		}
	}
	ck_assert_uint_gt(full, 0);
}
END_TEST

/* ---- pidleput ---- */

/* Go 1.21's findRunnable keeps the time pidleput returns (`now =
 * pidleput(pp, now)`), and pidleput reads the clock only when given 0.
 * When checkTimers has already read it (the P has a timer), dropping the
 * P reads no clock: nothing but a few atomics lies between releasep's
 * status change and the P on the idle list, less than one nanotime.
 * When the P has no timer, pidleput reads it itself. */
static void pidle_io(void *unused)
{
	(void)unused;
	gs_iowait(100000); /* a wait with no timer */
}

static void pidle_main(void *unused)
{
	(void)unused;
	for (int i = 0; i < 5; i++) {
		gs_spend(2000);
		gs_sleep(100000);
	}
	gs_go(pidle_io, NULL);
}

START_TEST(test_pidleput_keeps_now)
{
	struct rt_config rc;
	rt_config_default(&rc);
	rc.nosysmon = 1; /* the program's M alone */
	size_t with_timer = 0, without = 0;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct memsink m;
		memsink_init(&m);
		struct sim_config cfg = {
		        .seed = seed, .sink = &m.base, .rt = &rc, .noise_off = true};
		struct sim_result res;
		sim_run_program(&cfg, 1, pidle_main, NULL, &res);
		ck_complete(res, seed, (int64_t)0);
		int64_t pending = 0; /* timers on P0 */
		for (size_t i = 0; i < m.n; i++) {
			const struct rt_event *e = &m.ev[i];
			if (e->kind == RT_EV_TIMER_ADD)
				pending++;
			if (e->kind == RT_EV_TIMER_FIRE)
				pending--;
			if (e->kind != RT_EV_PSTATUS || e->a != _Prunning || e->b != _Pidle)
				continue;
			size_t j = next_of_m(&m, i);
			if (j >= m.n || m.ev[j].kind != RT_EV_PIDLEPUT || m.ev[j].obj != e->obj)
				continue;
			int64_t gap = m.ev[j].t_ns - e->t_ns;
			if (pending > 0) {
				with_timer++;
				ck_assert_msg(gap < COST_NANOTIME, "seed %llu: %lld ns to drop a P",
				              (unsigned long long)seed, (long long)gap);
			} else {
				without++;
				ck_assert_msg(gap >= COST_NANOTIME,
				              "seed %llu: %lld ns to drop a P",
				              (unsigned long long)seed, (long long)gap);
			}
		}
		memsink_free(&m);
	}
	ck_assert_uint_gt(with_timer, 0);
	ck_assert_uint_gt(without, 0);
}
END_TEST

Suite *make_port_suite(void)
{
	Suite *s = suite_create("port");
	TCase *tc = tcase_create("go121");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_goschedImpl_wakes_no_p);
	tcase_add_test(tc, test_injectglist_no_trailing_wakep);
	tcase_add_test(tc, test_findRunnable_no_global_recheck);
	tcase_add_test(tc, test_stealWork_inheritTime);
	tcase_add_test(tc, test_netpollWaiters_never_falls_back);
	tcase_add_test(tc, test_netpoll_millisecond_timeout);
	tcase_add_test(tc, test_netpoll_at_most_128);
	tcase_add_test(tc, test_pidleput_keeps_now);
	suite_add_tcase(s, tc);
	return s;
}
