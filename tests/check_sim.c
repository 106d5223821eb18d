/*
 * check_sim.c - whole programs in the simulator: invariants over their
 * event streams, determinism, park/ready, deadlock and limits, and the
 * engine's own primitives (notes, locks, the window rule).
 *
 * Programs here are small C functions written against runtime/gs.h (and,
 * for park/ready, runtime internals), so these tests do not depend on
 * the scenario language.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "cost.h"
#include "gs.h"
#include "runtime.h"
#include "sc.h"
#include "sim.h"
#include "testutil.h"

/* ---- programs ---- */

static void tree_node(void *arg)
{
	intptr_t depth = (intptr_t)arg;
	gs_spend(200);
	if (depth > 0) {
		gs_go(tree_node, (void *)(depth - 1));
		gs_go(tree_node, (void *)(depth - 1));
	}
}

static void tree_main(void *arg)
{
	tree_node(arg);
}

static void storm_loop(void *arg)
{
	for (;;) {
		gs_spend(100);
		gs_gosched();
	}
}

static void storm_main(void *arg)
{
	for (int i = 0; i < 4; i++)
		gs_go(storm_loop, NULL);
}

static void fan_worker(void *arg)
{
	gs_spend(1000 + 97 * ((intptr_t)arg % 50));
}

static void fan_main(void *arg)
{
	for (intptr_t i = 0; i < 400; i++)
		gs_go(fan_worker, (void *)i);
}

static int run_prog(void (*mainfn)(void *), void *arg, int32_t procs, uint64_t seed, int64_t window,
                    struct memsink *sink, struct sim_result *res)
{
	struct sim_config cfg = {
	        .seed = seed, .window_ns = window, .sink = sink ? &sink->base : NULL};
	return sim_run_program(&cfg, procs, mainfn, arg, res);
}

/* Every gstatus event is legal and continues the g's previous status;
 * every goroutine created finishes exactly once. */
static void check_chains(const struct memsink *m, int64_t expect_gs, bool all_finish);

static void check_status_chains(const struct memsink *m, int64_t expect_gs)
{
	check_chains(m, expect_gs, true);
}

/* all_finish: every goroutine created must also have finished (a run
 * that ends in a deadlock leaves some waiting). */
static void check_chains(const struct memsink *m, int64_t expect_gs, bool all_finish)
{
	/* goids come from per-P caches of 16, so they need not be dense. */
	int64_t maxgoid = 0, created = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == RT_EV_NEWPROC && m->ev[i].obj > maxgoid)
			maxgoid = m->ev[i].obj;
	int64_t *last = calloc((size_t)maxgoid + 1, sizeof *last);
	int *dead = calloc((size_t)maxgoid + 1, sizeof *dead);
	bool *made = calloc((size_t)maxgoid + 1, sizeof *made);
	for (int64_t i = 0; i <= maxgoid; i++)
		last[i] = _Gdead; /* a goid's life starts from a dead g (fresh or reused) */
	for (size_t i = 0; i < m->n; i++) {
		const struct rt_event *e = &m->ev[i];
		if (e->kind == RT_EV_NEWPROC) {
			ck_assert_msg(!made[e->obj], "goid %lld created twice", (long long)e->obj);
			made[e->obj] = true;
			created++;
		}
		if (e->kind != RT_EV_GSTATUS || e->obj == 0) /* goid 0: malg, before an id */
			continue;
		ck_assert_msg(made[e->obj], "event %zu: g%lld changes status before newproc", i,
		              (long long)e->obj);
		bool stw = e->a == _Gwaiting && e->b == _Grunning && e->detail &&
		           strcmp(e->detail, "world stopped") == 0;
		ck_assert_msg(stw || rt_legal_gstatus_transition((uint32_t)e->a, (uint32_t)e->b),
		              "event %zu: g%lld %s -> %s is not a legal transition", i,
		              (long long)e->obj, rt_gstatus_name((uint32_t)e->a),
		              rt_gstatus_name((uint32_t)e->b));
		ck_assert_msg(last[e->obj] == e->a, "event %zu: g%lld leaves %s but was %s", i,
		              (long long)e->obj, rt_gstatus_name((uint32_t)e->a),
		              rt_gstatus_name((uint32_t)last[e->obj]));
		last[e->obj] = e->b;
		if (e->b == _Gdead)
			dead[e->obj]++;
	}
	if (expect_gs >= 0)
		ck_assert_int_eq(created, expect_gs);
	for (int64_t i = 1; i <= maxgoid && all_finish; i++)
		if (made[i])
			ck_assert_msg(dead[i] == 1, "g%lld finished %d times", (long long)i,
			              dead[i]);
	free(last);
	free(dead);
	free(made);
}

START_TEST(test_tree_every_g_finishes_once)
{
	int64_t windows[] = {0, 200, SIM_WINDOW_INF};
	for (int w = 0; w < 3; w++) {
		for (uint64_t seed = 1; seed <= 5; seed++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			int rc = run_prog(tree_main, (void *)(intptr_t)6, 4, seed, windows[w], &m,
			                  &res);
			ck_assert_msg(rc == 0 && res.status == TR_COMPLETE,
			              "window %lld seed %llu: %s %s", (long long)windows[w],
			              (unsigned long long)seed, tr_status_name(res.status),
			              res.message);
			ck_assert_int_eq(res.stats.g_created, 127);
			ck_assert_int_eq(res.stats.g_finished, 127);
			ck_assert_uint_eq(res.stats.n_events, m.n);
			check_status_chains(&m, 127);
			memsink_free(&m);
		}
	}
}
END_TEST

/* The same invariants over every bundled scenario's stream, in both
 * window modes: the goroutines the loader predicts are exactly those
 * created, and each finishes once. */
START_TEST(test_bundled_every_g_finishes_once)
{
	for (int i = 0; sc_bundled_name(i); i++) {
		if (strcmp(sc_bundled_name(i), "many-alive") == 0)
			continue; /* 2.5 M events: the memory benchmark, not a unit test */
		char err[256];
		struct sc_scenario *sc;
		ck_assert_int_eq(sc_load(sc_bundled_name(i), &sc, err, sizeof err), 0);
		for (int w = 0; w < 2; w++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			struct sc_run *r = sc_run_new(sc, 99);
			struct sim_config cfg = {.seed = 5,
			                         .window_ns = w ? SIM_WINDOW_INF : 0,
			                         .max_time_ns = 2 * INT64_C(1000000000),
			                         .sink = &m.base};
			sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, r, &res);
			/* Whatever the scenario asserts (the lang suite checks
			 * that), every transition is legal and continues the
			 * g's previous status, and a completed run finished
			 * every goroutine it created, once. */
			ck_assert_msg(res.status != TR_VIOLATION, "%s: %s", sc_bundled_name(i),
			              res.message);
			bool complete = res.status == TR_COMPLETE;
			if (complete)
				ck_assert_int_eq(sc_run_live(r), 0);
			/* A run cut short may stop between the interpreter's count
			 * and the runtime's newproc. */
			check_chains(&m, complete ? sc_run_created(r) : -1, complete);
			sc_run_free(r);
			memsink_free(&m);
		}
		sc_free(sc);
	}
}
END_TEST

START_TEST(test_determinism)
{
	struct sim_result a, b;
	int64_t windows[] = {0, SIM_WINDOW_INF};
	for (int w = 0; w < 2; w++) {
		run_prog(fan_main, NULL, 4, 42, windows[w], NULL, &a);
		run_prog(fan_main, NULL, 4, 42, windows[w], NULL, &b);
		ck_assert_uint_eq(a.stats.hash, b.stats.hash);
		ck_assert_uint_eq(a.stats.n_events, b.stats.n_events);
		ck_assert_int_eq(a.steps, b.steps);
		uint64_t first = a.stats.hash;
		bool differ = false;
		for (uint64_t seed = 1; seed <= 20; seed++) {
			run_prog(fan_main, NULL, 4, seed, windows[w], NULL, &b);
			ck_assert_int_eq(b.status, TR_COMPLETE);
			if (b.stats.hash != first)
				differ = true;
		}
		ck_assert_msg(differ, "20 seeds gave one interleaving (window %lld)",
		              (long long)windows[w]);
	}
}
END_TEST

START_TEST(test_parallelism_used)
{
	struct sim_result res;
	run_prog(fan_main, NULL, 4, 1, 0, NULL, &res);
	ck_assert_int_eq(res.status, TR_COMPLETE);
	ck_assert_int_eq(res.stats.g_finished, 401);
	ck_assert_int_ge(res.stats.max_ms, 4); /* every P got an M */
	ck_assert_int_gt(res.stats.steals, 0);
	ck_assert_int_gt(res.stats.spinning_periods, 0);
	/* 400 workers of ~3.4 us average on 4 Ps, main spawning them from fresh
	 * memory (cost.h's fresh-g each) while the others run them: well under
	 * the serial time of both. */
	int64_t fit[SIM_FIT_MAX];
	sim_fit_defaults(fit);
	ck_assert_int_lt(res.stats.end_ns, 400 * (3400 + fit[SIM_FIT_FRESH_G]) * 2 / 3);
}
END_TEST

/* ---- park / ready ---- */

static struct plat_mutex parklock;
static struct g *parked;
static bool woke;

static void waiter(void *arg)
{
	plat_lock(&parklock);
	parked = rt_getg();
	rt_goparkunlock(&parklock, waitReasonTest);
	woke = true;
}

static void waker(void *arg)
{
	for (;;) {
		plat_lock(&parklock);
		struct g *w = parked;
		parked = NULL;
		plat_unlock(&parklock);
		if (w) {
			rt_goready(w);
			return;
		}
		gs_gosched();
	}
}

static void park_main(void *arg)
{
	gs_go(waiter, NULL);
	gs_go(waker, NULL);
}

START_TEST(test_park_ready)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct memsink m;
		struct sim_result res;
		memsink_init(&m);
		memset(&parklock, 0, sizeof parklock);
		parked = NULL;
		woke = false;
		run_prog(park_main, NULL, 2, seed, seed % 2 ? 0 : SIM_WINDOW_INF, &m, &res);
		ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
		ck_assert(woke);
		check_status_chains(&m, 3);
		/* goready puts the g into runnext: the runqput right after the
		 * waiting -> runnable transition of g2 has b = 1. */
		bool seen = false;
		for (size_t i = 0; i + 1 < m.n; i++) {
			if (m.ev[i].kind == RT_EV_GSTATUS && m.ev[i].obj == 2 &&
			    m.ev[i].a == _Gwaiting) {
				ck_assert_str_eq(m.ev[i].detail, "ready");
				/* The same M's next event (others interleave). */
				size_t j = i + 1;
				while (j < m.n && m.ev[j].m != m.ev[i].m)
					j++;
				ck_assert_uint_lt(j, m.n);
				ck_assert_int_eq(m.ev[j].kind, RT_EV_RUNQPUT);
				ck_assert_int_eq(m.ev[j].obj, 2);
				ck_assert_int_eq(m.ev[j].b, 1);
				seen = true;
			}
		}
		ck_assert(seen);
		memsink_free(&m);
	}
}
END_TEST

static void forever(void *arg)
{
	plat_lock(&parklock);
	rt_goparkunlock(&parklock, waitReasonTest);
}

static void deadlock_main(void *arg)
{
	gs_go(forever, NULL);
}

START_TEST(test_deadlock_reported)
{
	struct sim_result res;
	memset(&parklock, 0, sizeof parklock);
	int rc = run_prog(deadlock_main, NULL, 2, 1, 0, NULL, &res);
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(res.status, TR_DEADLOCK);
	ck_assert_str_eq(res.message, "all goroutines are asleep - deadlock!");
}
END_TEST

START_TEST(test_limits)
{
	struct sim_result res;
	struct sim_config cfg = {.seed = 1, .max_steps = 20000};
	int rc = sim_run_program(&cfg, 4, storm_main, NULL, &res);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(res.status, TR_STEP_LIMIT);
	ck_assert_int_eq(res.steps, 20000);
	ck_assert_str_eq(res.message, "stopped at the step limit (20000 yield points)");

	struct sim_config cfg2 = {.seed = 1, .max_time_ns = 1000000};
	rc = sim_run_program(&cfg2, 4, storm_main, NULL, &res);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(res.status, TR_TIME_LIMIT);
	/* The run stops at the first yield point past the limit; the events
	 * of the stretch before it (operations no other thread can observe,
	 * which are not yield points: a status change of the M's own g, a
	 * context switch, scheduler code) may lie a few ns past it. */
	ck_assert_int_le(res.stats.end_ns, 1000000 + 1000);
	ck_assert_int_gt(res.stats.end_ns, 900000);
}
END_TEST

/* ---- preemption, syscalls, GOMAXPROCS ---- */

static int64_t other_started;

static void hog(void *arg)
{
	gs_spend(50 * 1000 * 1000); /* one 50 ms loop without calls */
}

static void other(void *arg)
{
	other_started = sim_now();
}

/* other goes to the run queue, the hog to runnext: when main parks
 * (waiting for both) the hog takes the only P first. */
static void preempt_main(void *arg)
{
	gs_go(other, NULL);
	gs_go(hog, NULL);
}

static int count_kind(const struct memsink *m, int kind, int64_t a)
{
	int n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == kind && (a < 0 || m->ev[i].a == a))
			n++;
	return n;
}

/* sysmon preempts a g that ran 10 ms (forcePreemptNS) on one schedtick;
 * with asyncpreemptoff a loop without calls cannot be stopped. */
START_TEST(test_sysmon_preempts_long_running_g)
{
	struct memsink m;
	struct sim_result res;
	memsink_init(&m);
	other_started = 0;
	struct sim_config cfg = {.seed = 3, .sink = &m.base};
	sim_run_program(&cfg, 1, preempt_main, NULL, &res);
	ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
	ck_assert_int_ge(count_kind(&m, RT_EV_PREEMPT, 1), 1);
	/* The first preemption may hand the P straight back to the hog: its
	 * P's schedtick is still 0 (both ran from runnext, inheriting the time
	 * slice), so findRunnable's schedtick%61 check takes the global queue
	 * first - Go 1.21 does the same.  The second lets other run. */
	ck_assert_int_ge(other_started, 10 * 1000 * 1000);
	ck_assert_int_lt(other_started, 45 * 1000 * 1000);
	check_status_chains(&m, 3);
	memsink_free(&m);

	memsink_init(&m);
	other_started = 0;
	struct rt_config rc;
	rt_config_default(&rc);
	rc.asyncpreemptoff = 1;
	cfg.rt = &rc;
	sim_run_program(&cfg, 1, preempt_main, NULL, &res);
	ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
	ck_assert_int_eq(count_kind(&m, RT_EV_PREEMPT, -1), 0);
	ck_assert_int_ge(other_started, 50 * 1000 * 1000);
	memsink_free(&m);
}
END_TEST

static int64_t syscall_end, spender_start;

static void long_syscall(void *arg)
{
	gs_syscall(1000 * 1000);
	syscall_end = sim_now();
}

static void spender(void *arg)
{
	spender_start = sim_now();
	gs_spend(100 * 1000);
}

static void syscall_main(void *arg)
{
	gs_go(spender, NULL);
	gs_go(long_syscall, NULL); /* runnext: runs first */
}

/* A g blocked in a 1 ms syscall holds its P in _Psyscall; sysmon
 * retakes it (after at least one 20 us tick) and hands it off, so other
 * work runs during the syscall.  Coming back, the g finds no P: slow path. */
START_TEST(test_retake_from_syscall)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct memsink m;
		struct sim_result res;
		memsink_init(&m);
		struct sim_config cfg = {.seed = seed, .sink = &m.base};
		sim_run_program(&cfg, 1, syscall_main, NULL, &res);
		ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
		ck_assert_int_ge(count_kind(&m, RT_EV_RETAKE, -1), 1);
		ck_assert_int_ge(count_kind(&m, RT_EV_SYSCALL_ENTER, -1), 1);
		/* Retake timing: on a sysmon tick after the g entered the
		 * syscall.  Not necessarily a tick later: the P's first syscall
		 * leaves its syscalltick at 0, which is what sysmon's record of
		 * it holds already, so the first tick that sees it may retake
		 * (as in Go). */
		int64_t entered = -1, retaken = -1;
		for (size_t i = 0; i < m.n; i++) {
			if (m.ev[i].kind == RT_EV_SYSCALL_ENTER && entered < 0)
				entered = m.ev[i].t_ns;
			if (m.ev[i].kind == RT_EV_RETAKE && retaken < 0)
				retaken = m.ev[i].t_ns;
		}
		ck_assert_int_gt(retaken, entered);
		ck_assert_int_lt(retaken - entered, 1000 * 1000);
		ck_assert_int_lt(spender_start, syscall_end);
		check_status_chains(&m, 3);
		memsink_free(&m);
	}
}
END_TEST

static void short_syscalls(void *arg)
{
	for (int i = 0; i < 50; i++)
		gs_syscall(500);
}

/* A short syscall comes back before sysmon's tick: fast path, same P. */
START_TEST(test_syscall_fast_path)
{
	struct memsink m;
	struct sim_result res;
	memsink_init(&m);
	struct sim_config cfg = {.seed = 1, .sink = &m.base};
	sim_run_program(&cfg, 2, short_syscalls, NULL, &res);
	ck_assert_msg(res.status == TR_COMPLETE, "%s", res.message);
	ck_assert_int_eq(count_kind(&m, RT_EV_SYSCALL_ENTER, -1), 50);
	ck_assert_int_eq(count_kind(&m, RT_EV_SYSCALL_EXIT, 1), 50);
	memsink_free(&m);
}
END_TEST

static void spinner(void *arg)
{
	for (int i = 0; i < 40; i++) {
		gs_spend(20 * 1000);
		gs_gosched();
		if (i % 8 == 0)
			gs_sleep(30 * 1000); /* timers on whichever P runs us */
	}
}

static void resize_main(void *arg)
{
	for (int i = 0; i < 6; i++)
		gs_go(spinner, NULL);
	int32_t sizes[] = {2, 8, 1, 3, 4};
	int32_t prev = 4;
	for (int i = 0; i < 5; i++) {
		gs_spend(50 * 1000);
		int32_t got = gs_gomaxprocs(sizes[i]);
		if (got != prev)
			rt_throw("test: GOMAXPROCS returned the wrong previous value");
		prev = sizes[i];
	}
	if (gs_gomaxprocs(0) != 4)
		rt_throw("test: GOMAXPROCS(0) does not query");
}

/* GOMAXPROCS at run time: stop the world, procresize, start the world;
 * every goroutine still runs to completion, over seeds and windows. */
START_TEST(test_gomaxprocs_changes)
{
	int moved = 0; /* timers moved off destroyed Ps, over all runs */
	int64_t windows[] = {0, SIM_WINDOW_INF};
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			struct sim_config cfg = {
			        .seed = seed, .window_ns = windows[w], .sink = &m.base};
			sim_run_program(&cfg, 4, resize_main, NULL, &res);
			ck_assert_msg(res.status == TR_COMPLETE, "seed %llu window %lld: %s",
			              (unsigned long long)seed, (long long)windows[w], res.message);
			ck_assert_int_eq(count_kind(&m, RT_EV_PROCRESIZE, -1),
			                 6); /* start-up + 5 */
			ck_assert_int_eq(count_kind(&m, RT_EV_STW, -1), 10);
			/* Every sleep's timer fired, wherever its P went. */
			int fired = 0;
			for (size_t i = 0; i < m.n; i++)
				if (m.ev[i].kind == RT_EV_TIMER_FIRE && m.ev[i].b != 0)
					fired++;
			ck_assert_int_eq(fired, 6 * 5);
			for (size_t i = 0; i < m.n; i++)
				if (m.ev[i].kind == RT_EV_TIMER_ADD && m.ev[i].detail &&
				    strcmp(m.ev[i].detail, "move") == 0)
					moved++;
			check_status_chains(&m, 7);
			memsink_free(&m);
		}
	}
	ck_assert_int_gt(moved, 0);
}
END_TEST

/* ---- schedules: record and replay ---- */

START_TEST(test_record_replay)
{
	struct sim_result rec, rep;
	struct sim_config cfg = {.seed = 9, .window_ns = SIM_WINDOW_INF, .record = true};
	sim_run_program(&cfg, 4, fan_main, NULL, &rec);
	ck_assert_int_eq(rec.status, TR_COMPLETE);
	ck_assert_uint_eq(rec.nschedule, (size_t)rec.decisions);
	ck_assert_uint_gt(rec.nschedule, 1000);

	/* The recorded list reproduces the run, whatever the strategy's
	 * stream would have drawn. */
	struct sim_config rcfg = {.seed = 9,
	                          .window_ns = SIM_WINDOW_INF,
	                          .replay = rec.schedule,
	                          .nreplay = rec.nschedule};
	sim_run_program(&rcfg, 4, fan_main, NULL, &rep);
	ck_assert_int_eq(rep.status, TR_COMPLETE);
	ck_assert_uint_eq(rep.stats.hash, rec.stats.hash);
	ck_assert_int_eq(rep.departed_decision, -1);

	/* A list that stops applying: the replay says where. */
	rcfg.nreplay = 500;
	ck_assert_int_eq(sim_run_program(&rcfg, 4, fan_main, NULL, &rep), 1);
	ck_assert_int_eq(rep.status, TR_DEPARTED);
	ck_assert_int_eq(rep.departed_decision, 500);
	ck_assert_msg(strstr(rep.message, "replay departed at decision 500 (event "), "%s",
	              rep.message);
	ck_assert_msg(strstr(rep.message, "the recorded list has only 500 decisions"), "%s",
	              rep.message);

	/* ... and can continue from there with the seed: the stream has
	 * kept pace with the replayed decisions, so the rest is the seed's
	 * own run. */
	rcfg.replay_continue = true;
	ck_assert_int_eq(sim_run_program(&rcfg, 4, fan_main, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, TR_COMPLETE);
	ck_assert_int_eq(rep.departed_decision, 500);
	ck_assert_uint_gt(rep.departed_event, 0);
	ck_assert_uint_eq(rep.stats.hash, rec.stats.hash);

	/* A recorded n that no longer matches the eligible set departs too. */
	struct sim_decision *bad = malloc(rec.nschedule * sizeof *bad);
	memcpy(bad, rec.schedule, rec.nschedule * sizeof *bad);
	bad[100].n += 1;
	rcfg.replay = bad;
	rcfg.nreplay = rec.nschedule;
	rcfg.replay_continue = false;
	sim_run_program(&rcfg, 4, fan_main, NULL, &rep);
	ck_assert_int_eq(rep.status, TR_DEPARTED);
	ck_assert_int_eq(rep.departed_decision, 100);
	ck_assert_msg(strstr(rep.message, "eligible"), "%s", rep.message);
	free(bad);
	free(rec.schedule);
}
END_TEST

/* ---- engine primitives ---- */

static struct plat_note note;
static struct plat_mutex mu;
static int64_t t_woken, t_locked;

static void sleeper(void *arg)
{
	plat_notesleep(&note);
	t_woken = sim_now();
}

static void wakerthread(void *arg)
{
	plat_spend(1000);
	plat_notewakeup(&note);
}

START_TEST(test_note_wake_latency)
{
	memset(&note, 0, sizeof note);
	struct sim_config cfg = {.seed = 1, .noise_off = true}; /* the cost model's figures */
	void (*fns[2])(void *) = {sleeper, wakerthread};
	void *args[2] = {NULL, NULL};
	struct sim_result res;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_eq(res.status, TR_COMPLETE);
	/* The waker's clock: 1000 spent + the wakeup's own cost (cost.h),
	 * then the wake latency. */
	ck_assert_int_ge(t_woken, 1000 + 5000);
	ck_assert_int_le(t_woken, 1000 + 500 + 5000 + 100);
}
END_TEST

/* With the noise model on, the same program draws its latencies from
 * the seed: the same seed gives the same time, and seeds give several,
 * around the cost model's figure. */
START_TEST(test_noise_varies_with_seed)
{
	int64_t seen[8];
	int distinct = 0;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		int64_t t[2];
		for (int k = 0; k < 2; k++) {
			memset(&note, 0, sizeof note);
			struct sim_config cfg = {.seed = seed};
			void (*fns[2])(void *) = {sleeper, wakerthread};
			void *args[2] = {NULL, NULL};
			struct sim_result res;
			ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
			t[k] = t_woken;
		}
		ck_assert_int_eq(t[0], t[1]);
		/* 1000 spent (+-3%), a wakeup of ~500, 40% of the 5000 latency fixed */
		ck_assert_int_ge(t[0], 970 + 2000);
		ck_assert_int_le(t[0], 1000000);
		int i = 0;
		while (i < distinct && seen[i] != t[0])
			i++;
		if (i == distinct)
			seen[distinct++] = t[0];
	}
	ck_assert_int_ge(distinct, 4);
}
END_TEST

static int64_t t_spent;

static void ms_spender(void *arg)
{
	for (int i = 0; i < 100; i++)
		plat_spend(10000);
	t_spent = sim_now();
}

/* A run's machine: every spend of a run at one speed drawn per run (mean
 * deviation NOISE_RUN_SPEED_PPM, 0.5%), so that 1 ms of work in 100
 * spends varies from seed to seed by about that much, where the spends'
 * own +-3% jitter averages out to about 0.14%; with the model off it is
 * exactly 1 ms. */
START_TEST(test_noise_run_speed)
{
	void (*fns[1])(void *) = {ms_spender};
	void *args[1] = {NULL};
	struct sim_result res;
	struct sim_config off = {.seed = 1, .noise_off = true};
	ck_assert_int_eq(sim_run_threads(&off, 1, fns, args, &res), 0);
	int64_t exact = t_spent;
	ck_assert_int_ge(exact, 1000000);
	ck_assert_int_le(exact, 1000000 + 1000); /* the thread's start, a few ns */
	int64_t dev = 0;
	int above = 0, below = 0;
	for (uint64_t seed = 1; seed <= 32; seed++) {
		struct sim_config cfg = {.seed = seed};
		ck_assert_int_eq(sim_run_threads(&cfg, 1, fns, args, &res), 0);
		int64_t d = t_spent - exact;
		dev += d < 0 ? -d : d;
		above += d > 0;
		below += d < 0;
	}
	/* mean |deviation| over 32 seeds: 0.3-1.0% of 1 ms */
	ck_assert_int_ge(dev / 32, 3000);
	ck_assert_int_le(dev / 32, 10000);
	ck_assert_int_ge(above, 4);
	ck_assert_int_ge(below, 4);
}
END_TEST

static void locker_a(void *arg)
{
	plat_lock(&mu);
	plat_spend(10000);
	plat_unlock(&mu);
}

static void locker_b(void *arg)
{
	plat_spend(100);
	plat_lock(&mu);
	t_locked = sim_now();
	plat_unlock(&mu);
}

START_TEST(test_lock_blocks_until_unlock)
{
	memset(&mu, 0, sizeof mu);
	struct sim_config cfg = {.seed = 1};
	void (*fns[2])(void *) = {locker_a, locker_b};
	void *args[2] = {NULL, NULL};
	struct sim_result res;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_ge(t_locked, 10000);
}
END_TEST

/* Virtual time saturates: a thread that spends and sleeps for ever
 * (INT64_MAX ns twice over) ends at SIM_TIME_MAX, and a second one still
 * runs; UBSan would catch a signed overflow on the way.  (gsched run
 * --window 9223372036854775807 crashed on `clock + window`.) */
static int64_t t_huge;
static void spend_forever(void *arg)
{
	struct plat_note n = {0};
	plat_spend(INT64_MAX);
	plat_spend(INT64_MAX);
	plat_notetsleep(&n, INT64_MAX);
	t_huge = sim_now();
}

static void spend_little(void *arg)
{
	plat_spend(10);
}

START_TEST(test_time_saturates)
{
	void (*fns[2])(void *) = {spend_forever, spend_little};
	void *args[2] = {NULL, NULL};
	const int64_t windows[] = {
	        0, 1000, SIM_WINDOW_INF, SIM_WINDOW_MAX - 1, SIM_WINDOW_MAX, INT64_MAX, -7};
	struct sim_result inf = {0};
	for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
		struct sim_config cfg = {.seed = 3, .window_ns = windows[i], .record = true};
		struct sim_result res;
		t_huge = 0;
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_int_eq(res.status, TR_COMPLETE);
		ck_assert_int_eq(t_huge, SIM_TIME_MAX);
		if (windows[i] == SIM_WINDOW_INF) {
			inf = res;
			continue;
		}
		/* A window at or above the bound, or negative, is free
		 * interleaving: the same decisions as inf, which differ from
		 * those of window 0. */
		bool same = res.nschedule == inf.nschedule && inf.schedule &&
		            memcmp(res.schedule, inf.schedule,
		                   res.nschedule * sizeof *res.schedule) == 0;
		ck_assert_msg(same == (i >= 3 && windows[i] != SIM_WINDOW_MAX - 1),
		              "window %lld: same schedule as inf: %d", (long long)windows[i], same);
		free(res.schedule);
	}
	free(inf.schedule);
}
END_TEST

static void sleep_forever(void *arg)
{
	plat_notesleep((struct plat_note *)arg);
}

START_TEST(test_all_threads_blocked_is_deadlock)
{
	static struct plat_note n1, n2;
	memset(&n1, 0, sizeof n1);
	memset(&n2, 0, sizeof n2);
	struct sim_config cfg = {.seed = 1};
	void (*fns[2])(void *) = {sleep_forever, sleep_forever};
	void *args[2] = {&n1, &n2};
	struct sim_result res;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 1);
	ck_assert_int_eq(res.status, TR_DEADLOCK);
	ck_assert_str_eq(res.message, "all threads blocked with the program unfinished (2 parked "
	                              "on notes, 0 waiting for locks)");
}
END_TEST

/* window=0: threads run in clock order; a thread far behind runs first. */
static int order[4], norder;
static void stamp(void *arg)
{
	plat_spend((intptr_t)arg);
	order[norder++] = (int)(intptr_t)arg;
}

START_TEST(test_window_zero_is_time_order)
{
	for (uint64_t seed = 1; seed <= 10; seed++) {
		norder = 0;
		struct sim_config cfg = {.seed = seed};
		void (*fns[3])(void *) = {stamp, stamp, stamp};
		void *args[3] = {(void *)3000, (void *)1000, (void *)2000};
		struct sim_result res;
		sim_run_threads(&cfg, 3, fns, args, &res);
		ck_assert_int_eq(order[0], 1000);
		ck_assert_int_eq(order[1], 2000);
		ck_assert_int_eq(order[2], 3000);
	}
}
END_TEST

/* Operations no other thread can observe (a stack allocation, a fresh
 * context) are charged, not decided, and no interleaving of the shared
 * operations around them is lost: two threads each make three shared
 * operations (an xadd whose result places the thread in a log) with
 * unobservable ones between them; over 1000 seeds of free interleaving
 * every one of the C(6,3) = 20 orders of the six shared operations
 * appears, and only the shared operations are yield points. */
enum { IL_STACK = 64 * 1024 };
static uint32_t il_seq;
static char il_log[7];

static void il_never(void)
{
	abort(); /* the contexts are made, never run */
}

static void il_thread(void *arg)
{
	for (int i = 0; i < 3; i++) {
		uint32_t pos = plat_xadd32(&il_seq, 1) - 1;
		il_log[pos] = (char)(intptr_t)arg;
		void *stack = plat_stackalloc(IL_STACK);
		struct plat_ctx c;
		plat_ctx_make(&c, stack, IL_STACK, il_never);
		plat_stackfree(stack, IL_STACK);
	}
}

START_TEST(test_unobservable_ops_keep_interleavings)
{
	char seen[20][7];
	int nseen = 0;
	for (uint64_t seed = 1; seed <= 1000; seed++) {
		il_seq = 0;
		memset(il_log, 0, sizeof il_log);
		struct sim_config cfg = {.seed = seed, .window_ns = SIM_WINDOW_INF};
		void (*fns[2])(void *) = {il_thread, il_thread};
		void *args[2] = {(void *)'a', (void *)'b'};
		struct sim_result res;
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_int_eq(res.steps, 6);
		int j = 0;
		while (j < nseen && strcmp(seen[j], il_log) != 0)
			j++;
		if (j == nseen) {
			ck_assert_int_lt(nseen, 20);
			memcpy(seen[nseen++], il_log, sizeof il_log);
		}
	}
	ck_assert_int_eq(nseen, 20);
}
END_TEST

/* The runtime's status operations that no other thread can observe
 * (proc.c's readgstatus_private, casgstatus_private and
 * casgstatus_owned: the status of the M's own running g, of the g it has
 * just taken off a run queue, of a dead g it holds, of a fresh g) are not
 * yield points.  The argument (docs/simulator.md) rests on one premise:
 * no other thread writes the word while the operation could be moved.
 * With rt_private_ops_yield each of them is a yield point again (as
 * Go's atomic) at which the word is checked unchanged across the other
 * threads' turn (a throw otherwise).  Every bundled scenario but the
 * memory benchmark, 5 seeds each of free interleaving and 5 of window
 * 0: no run throws, and the runs take fewer steps without the yield
 * points than with them. */
START_TEST(test_private_status_ops_keep_interleavings)
{
	int64_t steps[2] = {0, 0};
	for (int i = 0; sc_bundled_name(i); i++) {
		if (strcmp(sc_bundled_name(i), "many-alive") == 0)
			continue;
		char err[256];
		struct sc_scenario *sc;
		ck_assert_int_eq(sc_load(sc_bundled_name(i), &sc, err, sizeof err), 0);
		for (int yield = 0; yield < 2; yield++) {
			for (uint64_t seed = 1; seed <= 10; seed++) {
				struct sim_result res;
				struct sc_run *r = sc_run_new(sc, seed);
				struct sim_config cfg = {.seed = seed,
				                         .window_ns = seed % 2 ? SIM_WINDOW_INF : 0,
				                         .max_time_ns = 2 * INT64_C(1000000000)};
				rt_private_ops_yield = yield;
				sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, r, &res);
				rt_private_ops_yield = false;
				ck_assert_msg(res.status != TR_VIOLATION, "%s seed %llu: %s",
				              sc_bundled_name(i), (unsigned long long)seed,
				              res.message);
				steps[yield] += res.steps;
				sc_run_free(r);
			}
		}
		sc_free(sc);
	}
	ck_assert_int_lt(steps[0], steps[1]);
}
END_TEST

/* The check behind the tests below, of operations that are not yield
 * points because no other thread can tell when they happened.  A run
 * without those yield points is a run with them in which the strategy
 * let the thread go on, so what can go wrong is the other way round: an
 * outcome reachable only with them.  prog runs on 2 Ps over seeds
 * 1..nseeds of free interleaving, with the operations as yield points
 * (rt_private_ops_yield) and without; reset() runs before each run, and
 * outcome() after it asserts what the run must hold and returns its
 * finishing order (9 * first + 3 * second + third).  Every run must
 * complete, every order reached with the yield points must be reached
 * without them, and more than two orders must be reached. */
static void check_same_outcomes(void (*prog)(void *), void (*reset)(void), int (*outcome)(void),
                                uint64_t nseeds)
{
	uint32_t reached[2] = {0, 0};
	for (int yield = 0; yield < 2; yield++) {
		for (uint64_t seed = 1; seed <= nseeds; seed++) {
			struct sim_result res;
			reset();
			rt_private_ops_yield = yield;
			run_prog(prog, NULL, 2, seed, SIM_WINDOW_INF, NULL, &res);
			rt_private_ops_yield = false;
			ck_assert_msg(res.status == TR_COMPLETE, "seed %llu: %s",
			              (unsigned long long)seed, res.message);
			reached[yield] |= UINT32_C(1) << outcome();
		}
	}
	ck_assert_msg((reached[1] & ~reached[0]) == 0,
	              "orders reached with the yield points and not without: %#x",
	              reached[1] & ~reached[0]);
	ck_assert_int_gt(__builtin_popcount(reached[1]), 2);
}

/* The owned status operations (proc.c's casgstatus_owned: execute's
 * runnable -> running, goschedImpl's running -> runnable) are not yield
 * points either; other threads read those statuses, and
 * docs/simulator.md argues that none of them can tell.  Three goroutines
 * on two Ps each call Gosched three times and note when they finished
 * (check_same_outcomes, 300 seeds). */
static int owned_order[3], owned_n;
static struct gs_waitgroup owned_wg;

static void owned_worker(void *arg)
{
	for (int i = 0; i < 3; i++)
		gs_gosched();
	owned_order[owned_n++] = (int)(intptr_t)arg;
	gs_wg_done(&owned_wg);
}

static void owned_main(void *arg)
{
	gs_wg_add(&owned_wg, 3);
	for (intptr_t i = 0; i < 3; i++)
		gs_go(owned_worker, (void *)i);
	gs_wg_wait(&owned_wg);
}

static void owned_reset(void)
{
	memset(&owned_wg, 0, sizeof owned_wg);
	owned_n = 0;
}

static int owned_outcome(void)
{
	ck_assert_int_eq(owned_n, 3);
	return 9 * owned_order[0] + 3 * owned_order[1] + owned_order[2];
}

START_TEST(test_owned_status_ops_keep_outcomes)
{
	check_same_outcomes(owned_main, owned_reset, owned_outcome, 300);
}
END_TEST

/* The same for the status operations of goroutines that start, park,
 * are readied and exit (proc.c: newproc1's dead -> runnable, park_m's
 * running -> waiting, ready's read and waiting -> runnable, goexit0's
 * running -> dead).  Three workers each start a child and wait for it on
 * a WaitGroup of their own (parked, unless the child has already
 * finished; readied by the child's Done), then note when they finished;
 * over 3000 seeds of free interleaving, every finishing order reached
 * with the yield points is reached without them, and every run
 * completes.  (One of the four orders comes up about once in 300 runs,
 * so 300 seeds can miss it on one side by chance.) */
static int spawn_order[3], spawn_n;
static struct gs_waitgroup spawn_wg, spawn_child_wg[3];

static void spawn_child(void *arg)
{
	gs_gosched();
	gs_wg_done(&spawn_child_wg[(intptr_t)arg]);
}

static void spawn_worker(void *arg)
{
	intptr_t i = (intptr_t)arg;
	gs_wg_add(&spawn_child_wg[i], 1);
	gs_go(spawn_child, arg);
	gs_wg_wait(&spawn_child_wg[i]);
	spawn_order[spawn_n++] = (int)i;
	gs_wg_done(&spawn_wg);
}

static void spawn_main(void *arg)
{
	(void)arg;
	gs_wg_add(&spawn_wg, 3);
	for (intptr_t i = 0; i < 3; i++)
		gs_go(spawn_worker, (void *)i);
	gs_wg_wait(&spawn_wg);
}

static void spawn_reset(void)
{
	memset(&spawn_wg, 0, sizeof spawn_wg);
	memset(spawn_child_wg, 0, sizeof spawn_child_wg);
	spawn_n = 0;
}

static int spawn_outcome(void)
{
	ck_assert_int_eq(spawn_n, 3);
	return 9 * spawn_order[0] + 3 * spawn_order[1] + spawn_order[2];
}

START_TEST(test_owned_spawn_ops_keep_outcomes)
{
	check_same_outcomes(spawn_main, spawn_reset, spawn_outcome, 3000);
}
END_TEST

/* The count of live goroutines behind main's wait for every other one
 * (proc.c's waitall_add) is changed without a yield point.  main starts
 * three workers and returns at once, so only that wait keeps the run
 * going: worker 0 exits at once (its add can fall before or after main
 * starts the next worker), workers 1 and 2 each start a child (an add
 * by a counted goroutine), call Gosched and note when they finished.
 * Over 300 seeds of free interleaving, with the adds as yield points
 * (rt_private_ops_yield) and without: every run completes with all five
 * finished, and every finishing order reached with the yield points is
 * reached without them. */
static int waitall_order[3], waitall_n, waitall_done;

static void waitall_child(void *arg)
{
	(void)arg;
	waitall_done++;
}

static void waitall_worker(void *arg)
{
	intptr_t i = (intptr_t)arg;
	if (i > 0) {
		gs_go(waitall_child, NULL);
		gs_gosched();
	}
	waitall_order[waitall_n++] = (int)i;
	waitall_done++;
}

static void waitall_main(void *arg)
{
	(void)arg;
	for (intptr_t i = 0; i < 3; i++)
		gs_go(waitall_worker, (void *)i);
}

static void waitall_reset(void)
{
	waitall_n = waitall_done = 0;
}

static int waitall_outcome(void)
{
	ck_assert_int_eq(waitall_n, 3);
	ck_assert_int_eq(waitall_done, 5);
	return 9 * waitall_order[0] + 3 * waitall_order[1] + waitall_order[2];
}

START_TEST(test_waitall_count_keeps_outcomes)
{
	check_same_outcomes(waitall_main, waitall_reset, waitall_outcome, 300);
}
END_TEST

START_TEST(test_stream_seeds_differ)
{
	ck_assert_uint_ne(sim_stream_seed(7, SIM_STREAM_STRATEGY, 0),
	                  sim_stream_seed(7, SIM_STREAM_WORKLOAD, 0));
	ck_assert_uint_ne(sim_stream_seed(7, SIM_STREAM_FASTRAND, 0),
	                  sim_stream_seed(7, SIM_STREAM_FASTRAND, 1));
	ck_assert_uint_ne(sim_stream_seed(7, SIM_STREAM_STRATEGY, 0),
	                  sim_stream_seed(8, SIM_STREAM_STRATEGY, 0));
	ck_assert_uint_eq(sim_stream_seed(7, SIM_STREAM_STRATEGY, 0),
	                  sim_stream_seed(7, SIM_STREAM_STRATEGY, 0));
}
END_TEST

/* The table of file (read into doc, which the caller may cut up) under
 * the section titled section whose header row starts with header: its
 * first data row. */
static char *doc_table(const char *file, char *doc, const char *section, const char *header)
{
	char *p = strstr(doc, section);
	ck_assert_msg(p != NULL, "%s: no section \"%s\"", file, section);
	p = strstr(p, header);
	ck_assert_msg(p != NULL, "%s: no table \"%s\" in \"%s\"", file, header + 1, section);
	p = strchr(p + 1, '\n') + 1; /* the separator row */
	return strchr(p, '\n') + 1;
}

/* The table row at *p: its first n cells into cols[] (NUL-terminated in
 * place), *p moved to the next row.  False past the table's end. */
static bool doc_row(char **p, char *cols[], int n)
{
	if (**p != '|')
		return false;
	char *end = strchr(*p, '\n');
	ck_assert_ptr_nonnull(end);
	*end = 0;
	char *save = NULL;
	for (int i = 0; i < n; i++) {
		cols[i] = strtok_r(i == 0 ? *p : NULL, "|", &save);
		ck_assert_msg(cols[i] != NULL, "a table row with fewer than %d cells: %s", n, *p);
	}
	*p = end + 1;
	return true;
}

/* docs/simulator.md's table of the scheduler code's costs ("The cost of
 * scheduler code") is PLAT_WORK_KINDS with sim/cost.h's figures: every
 * kind once, with its figure, and no other row.  A row may name several
 * kinds ("SELECT, SELECT_CASE, SELECT_WAKE | 10, 5 a case, 10"): the
 * integers of its figure column, in order. */
START_TEST(test_work_costs_documented)
{
	static const char *const names[PLAT_WORK_N] = {
#define PLAT_WORK_NAME(name, what) [PLAT_WORK_##name] = #name,
	        PLAT_WORK_KINDS(PLAT_WORK_NAME)
#undef PLAT_WORK_NAME
	};
	int seen[PLAT_WORK_N] = {0};
	char *doc = test_read_file(GSCHED_SOURCE_DIR "/docs/simulator.md");
	char *p = doc_table("docs/simulator.md", doc, "### The cost of scheduler code",
	                    "\n| kind |"),
	     *cols[2];
	while (doc_row(&p, cols, 2)) {
		char *nsave = NULL, *fig = cols[1];
		for (char *n = strtok_r(cols[0], ", ", &nsave); n;
		     n = strtok_r(NULL, ", ", &nsave)) {
			int k = 0;
			while (k < PLAT_WORK_N && strcmp(names[k], n) != 0)
				k++;
			ck_assert_msg(k < PLAT_WORK_N,
			              "docs/simulator.md: cost row %s is no PLAT_WORK kind", n);
			while (*fig && (*fig < '0' || *fig > '9'))
				fig++;
			ck_assert_msg(*fig, "docs/simulator.md: no figure for %s", n);
			long v = strtol(fig, &fig, 10);
			ck_assert_msg(v == cost_work[k],
			              "docs/simulator.md: %s costs %ld ns, sim/cost.h %lld", n, v,
			              (long long)cost_work[k]);
			seen[k]++;
		}
	}
	for (int k = 0; k < PLAT_WORK_N; k++)
		ck_assert_msg(seen[k] == 1,
		              "docs/simulator.md: %s has %d rows in the cost table, not 1",
		              names[k], seen[k]);
	free(doc);
}
END_TEST

/* The number at *s, "16,000" as 16000 (a comma before three digits
 * separates thousands); *s moved past it. */
static int64_t doc_number(const char **s)
{
	const char *p = *s;
	int64_t v = 0;
	for (;
	     (*p >= '0' && *p <= '9') || (*p == ',' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
	                                  p[2] <= '9' && p[3] >= '0' && p[3] <= '9');
	     p++)
		if (*p != ',')
			v = v * 10 + (*p - '0');
	*s = p;
	return v;
}

/* The figure of a table cell: "16,000 ns", "10 ms", "1 ms (means)"; the
 * numbers of one cell are separated by ", " before any "(".  Reads one
 * at *s and moves *s past it; -1 if there is none. */
static int64_t doc_figure(const char **s)
{
	const char *p = *s;
	while (*p == ' ' || *p == ',')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	int64_t v = doc_number(&p);
	while (*p == ' ')
		p++;
	int64_t unit = strncmp(p, "ns", 2) == 0   ? 1
	               : strncmp(p, "µs", 3) == 0 ? 1000
	               : strncmp(p, "ms", 2) == 0 ? 1000000
	               : strncmp(p, "s", 1) == 0  ? 1000000000
	                                          : -1;
	if (unit < 0)
		return -1;
	while (*p && *p != ',' && *p != '(')
		p++;
	*s = p;
	return v * unit;
}

/* docs/simulator.md's table of the fitted figures ("The fitted
 * figures") is SIM_FIT_PARAMS: every key once, with its default. */
START_TEST(test_fitted_figures_documented)
{
	static const char *const keys[SIM_FIT_N] = {
#define SIM_FIT_KEY(id, key, def, min) [SIM_FIT_##id] = key,
	        SIM_FIT_PARAMS(SIM_FIT_KEY)
#undef SIM_FIT_KEY
	};
	static const int64_t defs[SIM_FIT_N] = {
#define SIM_FIT_DEF(id, key, def, min) [SIM_FIT_##id] = def,
	        SIM_FIT_PARAMS(SIM_FIT_DEF)
#undef SIM_FIT_DEF
	};
	int seen[SIM_FIT_N] = {0};
	char *doc = test_read_file(GSCHED_SOURCE_DIR "/docs/simulator.md");
	char *p = doc_table("docs/simulator.md", doc, "### The fitted figures",
	                    "\n| key | figure |"),
	     *cols[2];
	while (doc_row(&p, cols, 2)) {
		const char *fig = cols[1];
		char *ksave = NULL;
		for (char *k = strtok_r(cols[0], "`, ", &ksave); k;
		     k = strtok_r(NULL, "`, ", &ksave)) {
			int i = 0;
			while (i < SIM_FIT_N && strcmp(keys[i], k) != 0)
				i++;
			ck_assert_msg(i < SIM_FIT_N,
			              "docs/simulator.md: fitted row %s is no SIM_FIT key", k);
			int64_t v = doc_figure(&fig);
			ck_assert_msg(
			        v == defs[i],
			        "docs/simulator.md: %s's figure is %lld ns, sim/cost.h's %lld", k,
			        (long long)v, (long long)defs[i]);
			seen[i]++;
		}
	}
	for (int i = 0; i < SIM_FIT_N; i++)
		ck_assert_msg(seen[i] == 1,
		              "docs/simulator.md: %s has %d rows of fitted figures, not 1", keys[i],
		              seen[i]);
	free(doc);
}
END_TEST

/* docs/simulator.md's table of the cost model ("The cost model") is
 * SIM_COSTS: every figure of it in a row that names it, with its ns, and
 * no row naming anything else.  A row's second cell names one or more
 * figures ("`COST_LOCK` / `COST_UNLOCK`"): constants of SIM_COSTS, or
 * keys of SIM_FIT_PARAMS (with their defaults); its third has their ns
 * in order, the numbers of the cell ("12 / 6", "+20 after the unlock")
 * and no other. */
START_TEST(test_costs_documented)
{
	struct fig {
		const char *name;
		int64_t ns;
	};
	static const struct fig costs[] = {
#define SIM_COST_FIG(name, ns) {#name, ns},
	        SIM_COSTS(SIM_COST_FIG)
#undef SIM_COST_FIG
	};
	static const struct fig fits[] = {
#define SIM_FIT_FIG(id, key, def, min) {key, def},
	        SIM_FIT_PARAMS(SIM_FIT_FIG)
#undef SIM_FIT_FIG
	};
	enum { NCOST = sizeof costs / sizeof costs[0] };
	int seen[NCOST] = {0};
	char *doc = test_read_file(GSCHED_SOURCE_DIR "/docs/simulator.md");
	char *p = doc_table("docs/simulator.md", doc, "## The cost model",
	                    "\n| operation | name |"),
	     *cols[3];
	while (doc_row(&p, cols, 3)) {
		const char *ns = cols[2];
		char *nsave = NULL;
		int named = 0;
		for (char *n = strtok_r(cols[1], "`,/ ", &nsave); n;
		     n = strtok_r(NULL, "`,/ ", &nsave), named++) {
			const struct fig *f = NULL;
			for (int i = 0; i < NCOST; i++)
				if (strcmp(costs[i].name, n) == 0) {
					f = &costs[i];
					seen[i]++;
				}
			for (int i = 0; i < SIM_FIT_N; i++)
				if (strcmp(fits[i].name, n) == 0)
					f = &fits[i];
			ck_assert_msg(f != NULL,
			              "docs/simulator.md: cost row %s is no SIM_COSTS constant "
			              "or SIM_FIT_PARAMS key",
			              n);
			while (*ns && (*ns < '0' || *ns > '9'))
				ns++;
			ck_assert_msg(*ns, "docs/simulator.md: no ns for %s", n);
			int64_t v = doc_number(&ns);
			ck_assert_msg(v == f->ns,
			              "docs/simulator.md: %s costs %lld ns, sim/cost.h %lld", n,
			              (long long)v, (long long)f->ns);
		}
		ck_assert_msg(named > 0, "docs/simulator.md: cost row \"%s\" names no figure",
		              cols[0]);
		while (*ns && (*ns < '0' || *ns > '9'))
			ns++;
		ck_assert_msg(
		        *ns == 0,
		        "docs/simulator.md: cost row \"%s\" has a figure it does not name: %s",
		        cols[0], ns);
	}
	for (int i = 0; i < NCOST; i++)
		ck_assert_msg(seen[i] > 0, "docs/simulator.md: no row of the cost table names %s",
		              costs[i].name);
	free(doc);
}
END_TEST

/* docs/exploration.md's row for swarm ("Strategies") lists the kinds of
 * yield point it turns on and off: SIM_YKINDS's names, all of them, in
 * order. */
START_TEST(test_ykinds_documented)
{
	static const char intro[] = "for each kind of yield point (";
	char *doc = test_read_file(GSCHED_SOURCE_DIR "/docs/exploration.md");
	char *p = doc_table("docs/exploration.md", doc, "## Strategies", "\n| strategy |"),
	     *cols[2];
	char *list = NULL;
	while (doc_row(&p, cols, 2))
		if (strcmp(cols[0], " `swarm` ") == 0)
			list = strstr(cols[1], intro);
	ck_assert_msg(list != NULL, "docs/exploration.md: no \"%s\" in swarm's row", intro);
	list += strlen(intro);
	char *end = strchr(list, ')'), *save = NULL;
	ck_assert_ptr_nonnull(end);
	*end = 0;
	int k = 0;
	for (char *n = strtok_r(list, ", ", &save); n; n = strtok_r(NULL, ", ", &save), k++) {
		ck_assert_msg(k < SIM_Y_COUNT,
		              "docs/exploration.md: swarm's kind %s past sim/sim.h's %d kinds", n,
		              SIM_Y_COUNT);
		ck_assert_msg(strcmp(n, sim_ykind_names[k]) == 0,
		              "docs/exploration.md: swarm's kind %d is %s, sim/sim.h's %s", k, n,
		              sim_ykind_names[k]);
	}
	ck_assert_msg(k == SIM_Y_COUNT,
	              "docs/exploration.md: swarm has %d kinds of yield point, sim/sim.h %d", k,
	              SIM_Y_COUNT);
	free(doc);
}
END_TEST

Suite *make_sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("programs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tree_every_g_finishes_once);
	tcase_add_test(tc, test_bundled_every_g_finishes_once);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_parallelism_used);
	tcase_add_test(tc, test_park_ready);
	tcase_add_test(tc, test_deadlock_reported);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_sysmon_preempts_long_running_g);
	tcase_add_test(tc, test_retake_from_syscall);
	tcase_add_test(tc, test_syscall_fast_path);
	tcase_add_test(tc, test_gomaxprocs_changes);
	tcase_add_test(tc, test_record_replay);
	tcase_add_test(tc, test_private_status_ops_keep_interleavings);
	tcase_add_test(tc, test_owned_status_ops_keep_outcomes);
	tcase_add_test(tc, test_owned_spawn_ops_keep_outcomes);
	tcase_add_test(tc, test_waitall_count_keeps_outcomes);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_test(tc, test_time_saturates);
	tcase_add_test(tc, test_note_wake_latency);
	tcase_add_test(tc, test_noise_varies_with_seed);
	tcase_add_test(tc, test_noise_run_speed);
	tcase_add_test(tc, test_lock_blocks_until_unlock);
	tcase_add_test(tc, test_all_threads_blocked_is_deadlock);
	tcase_add_test(tc, test_window_zero_is_time_order);
	tcase_add_test(tc, test_unobservable_ops_keep_interleavings);
	tcase_add_test(tc, test_stream_seeds_differ);
	tcase_add_test(tc, test_work_costs_documented);
	tcase_add_test(tc, test_fitted_figures_documented);
	tcase_add_test(tc, test_costs_documented);
	tcase_add_test(tc, test_ykinds_documented);
	suite_add_tcase(s, tc);
	return s;
}
