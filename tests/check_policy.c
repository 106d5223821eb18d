/*
 * check_policy.c - the scheduling policies (runtime/config.c's table,
 * docs/policies.md).
 *
 * Every policy at Go's default is Go's scheduler: a run with each one
 * given its default explicitly has the trace hash of a run with none, on
 * every bundled scenario.  Then one test per policy shows that it
 * changes what it says it changes: a small workload, run through
 * cli_run as `gsched run` runs it, and a count of the events the policy
 * acts on, at Go's value and at others.
 *
 * schedtrace and scheddetail (GODEBUG's): every line printed matches
 * the format of Go 1.21's schedtrace() print calls, field for field, and
 * two runs' whole output is compared byte for byte with
 * tests/data/schedtrace/ (docs/policies.md says how to re-bless).
 */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "runner.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"

/* Set o->rt from "KEY=VAL" strings, as --policy does. */
static void set_policies(struct rt_config *rt, const char *const *pol)
{
	for (; pol && *pol; pol++) {
		const char *eq = strchr(*pol, '=');
		ck_assert_ptr_nonnull(eq);
		const struct rt_policy *p = rt_policy_find(*pol, (size_t)(eq - *pol));
		ck_assert_msg(p != NULL, "no policy %s", *pol);
		int64_t v;
		ck_assert_msg(rt_policy_parse(p, eq + 1, &v), "bad value in %s", *pol);
		rt_policy_set(rt, p, v);
	}
}

/* The backend runs use: NULL, the simulator (cli_backends[0]). */
static const struct cli_choice *backend;

/* Run a bundled scenario (name) or a scenario's text with the given
 * policies, keeping the events in m (if not NULL); returns the hash. */
static uint64_t run(const char *name, const char *text, const char *const *pol, uint64_t seed,
                    int64_t window, struct memsink *m, struct sim_result *res)
{
	struct cli_opts o;
	struct sim_result r;
	char err[512];

	cli_opts_init(&o);
	o.scenario = name ? name : "inline";
	o.scenario_text = text;
	o.seed = seed;
	o.window_ns = window;
	o.noise = &cli_noises[1]; /* off: a policy's effect, not the noise's, on exact costs */
	o.sink = m ? &m->base : NULL;
	if (backend)
		o.backend = backend;
	set_policies(&o.rt, pol);
	if (!res)
		res = &r;
	int rc = cli_run(&o, res, NULL, err, sizeof err);
	ck_assert_msg(rc == 0 || rc == 1, "%s: %s", o.scenario, err);
	free(res->schedule);
	res->schedule = NULL;
	return res->stats.hash;
}

/* Events of kind in m (b_is: only those whose field b is b; -1: any). */
static size_t count(const struct memsink *m, int kind, int64_t b)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == kind && (b < 0 || m->ev[i].b == b))
			n++;
	return n;
}

/* Run and count events of kind (field b as in count()). */
static size_t run_count(const char *name, const char *text, const char *const *pol, int kind,
                        int64_t b)
{
	struct memsink m;
	memsink_init(&m);
	run(name, text, pol, 1, 0, &m, NULL);
	size_t n = count(&m, kind, b);
	memsink_free(&m);
	return n;
}

#define POL(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- defaults ---- */

/* Each default parses back to itself, and a config built from every
 * policy's default text is rt_config_default's, byte for byte. */
START_TEST(test_defaults_parse_to_default)
{
	struct rt_config def, built;
	rt_config_default(&def);
	memset(&built, 0, sizeof built);
	for (size_t k = 0; k < rt_npolicies; k++) {
		const struct rt_policy *p = &rt_policies[k];
		char text[48];
		int64_t v;
		rt_policy_format(p, p->go_default, text, sizeof text);
		ck_assert_msg(rt_policy_parse(p, text, &v), "%s=%s does not parse", p->name, text);
		ck_assert_int_eq(v, p->go_default);
		rt_policy_set(&built, p, v);
	}
	ck_assert_int_eq(memcmp(&def, &built, sizeof def), 0);
	ck_assert_uint_ge(rt_npolicies, 16);
}
END_TEST

/* Every bundled scenario: --policy K=DEFAULT for every K gives the hash
 * of no --policy at all, at window 0 and inf. */
START_TEST(test_defaults_same_hash)
{
	const char *pol[64];
	char texts[64][64];
	size_t n = 0;
	for (size_t k = 0; k < rt_npolicies && n < 63; k++, n++) {
		char def[48];
		rt_policy_format(&rt_policies[k], rt_policies[k].go_default, def, sizeof def);
		snprintf(texts[n], sizeof texts[n], "%s=%s", rt_policies[k].name, def);
		pol[n] = texts[n];
	}
	pol[n] = NULL;
	int scenarios = 0;
	for (int i = 0; sc_bundled_name(i); i++) {
		const char *name = sc_bundled_name(i);
		if (strcmp(name, "many-alive") == 0) /* 100,000 goroutines: the golden covers it */
			continue;
		int64_t window = i % 2 ? SIM_WINDOW_INF : 0;
		uint64_t a = run(name, NULL, NULL, 1, window, NULL, NULL);
		uint64_t b = run(name, NULL, pol, 1, window, NULL, NULL);
		ck_assert_msg(a == b, "%s: %016llx with every default given, %016llx without", name,
		              (unsigned long long)b, (unsigned long long)a);
		scenarios++;
	}
	ck_assert_int_ge(scenarios, 15);
}
END_TEST

/* ---- one test per policy ---- */

/* global-check: findRunnable's fairness check takes one g (max 1) from
 * the global queue; gosched-storm keeps that queue busy. */
START_TEST(test_global_check)
{
	size_t go = run_count("gosched-storm", NULL, NULL, RT_EV_GLOBRUNQGET, 1);
	size_t never =
	        run_count("gosched-storm", NULL, POL("global-check=0"), RT_EV_GLOBRUNQGET, 1);
	size_t often =
	        run_count("gosched-storm", NULL, POL("global-check=7"), RT_EV_GLOBRUNQGET, 1);
	ck_assert_uint_gt(go, 0);
	ck_assert_uint_eq(never, 0);
	ck_assert_uint_gt(often, 3 * go);
}
END_TEST

/* runnext: newproc and ready put the g in runnext; off, nothing does. */
START_TEST(test_runnext)
{
	struct memsink a, b;
	memsink_init(&a);
	memsink_init(&b);
	run("producer-consumer", NULL, NULL, 1, 0, &a, NULL);
	run("producer-consumer", NULL, POL("runnext=off"), 1, 0, &b, NULL);
	ck_assert_uint_gt(count(&a, RT_EV_RUNQPUT, 1), 0);
	ck_assert_uint_eq(count(&b, RT_EV_RUNQPUT, 1), 0);
	ck_assert_uint_eq(count(&b, RT_EV_RUNQGET, 1), 0);
	/* The same goroutines are created either way. */
	ck_assert_uint_eq(count(&a, RT_EV_NEWPROC, -1), count(&b, RT_EV_NEWPROC, -1));
	memsink_free(&a);
	memsink_free(&b);
}
END_TEST

/* Status changes to running that inherit the time slice. */
static size_t inherits(const struct memsink *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == RT_EV_GSTATUS && m->ev[i].b == _Grunning && m->ev[i].detail &&
		    strcmp(m->ev[i].detail, "inherit") == 0)
			n++;
	return n;
}

/* runnext-inherit: off, a g from runnext starts a new slice; runnext
 * itself is still used. */
START_TEST(test_runnext_inherit)
{
	struct memsink a, b;
	memsink_init(&a);
	memsink_init(&b);
	run("producer-consumer", NULL, NULL, 1, 0, &a, NULL);
	run("producer-consumer", NULL, POL("runnext-inherit=off"), 1, 0, &b, NULL);
	ck_assert_uint_gt(inherits(&a), 0);
	ck_assert_uint_eq(inherits(&b), 0);
	ck_assert_uint_gt(count(&b, RT_EV_RUNQGET, 1), 0);
	memsink_free(&a);
	memsink_free(&b);
}
END_TEST

/* Two goroutines that each compute 100 ms on one P. */
static const char hogs1[] =
        "{\"name\": \"hogs\", \"gomaxprocs\": 1, \"main\": \"main\","
        " \"bodies\": {\"main\": [{\"op\": \"spawn\", \"body\": \"hog\", \"count\": 2}],"
        " \"hog\": [{\"op\": \"spend\", \"ns\": 100000000}]}}";

/* timeslice: sysmon asks a g to stop once it ran that long - as seen
 * by sysmon, which looks every 10 ms once nothing is retaken, so a
 * shorter slice preempts at most that often. */
START_TEST(test_timeslice)
{
	size_t go = run_count(NULL, hogs1, NULL, RT_EV_PREEMPT_REQ, -1);
	size_t short_ = run_count(NULL, hogs1, POL("timeslice=1ms"), RT_EV_PREEMPT_REQ, -1);
	size_t longer = run_count(NULL, hogs1, POL("timeslice=30ms"), RT_EV_PREEMPT_REQ, -1);
	size_t never = run_count(NULL, hogs1, POL("timeslice=1s"), RT_EV_PREEMPT_REQ, -1);
	ck_assert_uint_gt(go, 4);
	ck_assert_uint_ge(short_, go);
	ck_assert_uint_lt(2 * longer, go);
	ck_assert_uint_gt(longer, 0);
	ck_assert_uint_eq(never, 0);
}
END_TEST

/* One goroutine computing 30 ms on two Ps (one idle), or three. */
static const char hog2[] =
        "{\"name\": \"hog\", \"gomaxprocs\": 2, \"main\": \"main\","
        " \"bodies\": {\"main\": [{\"op\": \"spawn\", \"body\": \"hog\", \"count\": 1}],"
        " \"hog\": [{\"op\": \"spend\", \"ns\": 30000000}]}}";
static const char hogs3[] =
        "{\"name\": \"hogs\", \"gomaxprocs\": 2, \"main\": \"main\","
        " \"bodies\": {\"main\": [{\"op\": \"spawn\", \"body\": \"hog\", \"count\": 3}],"
        " \"hog\": [{\"op\": \"spend\", \"ns\": 30000000}]}}";

/* sysmon-preempt=no-idle-p: no preemption while a P is idle; as Go's
 * when none is. */
START_TEST(test_sysmon_preempt)
{
	ck_assert_uint_gt(run_count(NULL, hog2, NULL, RT_EV_PREEMPT_REQ, -1), 0);
	ck_assert_uint_eq(
	        run_count(NULL, hog2, POL("sysmon-preempt=no-idle-p"), RT_EV_PREEMPT_REQ, -1), 0);
	ck_assert_uint_gt(
	        run_count(NULL, hogs3, POL("sysmon-preempt=no-idle-p"), RT_EV_PREEMPT_REQ, -1), 0);
}
END_TEST

/* The largest and smallest batch stolen in m. */
static void steal_sizes(const struct memsink *m, int64_t *min, int64_t *max, size_t *n)
{
	*min = INT64_MAX;
	*max = 0;
	*n = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->ev[i].kind != RT_EV_STEAL)
			continue;
		(*n)++;
		if (m->ev[i].a < *min)
			*min = m->ev[i].a;
		if (m->ev[i].a > *max)
			*max = m->ev[i].a;
	}
}

/* steal-amount: one takes one g per steal, all more than half. */
START_TEST(test_steal_amount)
{
	const char *const *pols[] = {NULL, POL("steal-amount=one"), POL("steal-amount=all")};
	int64_t min[3], max[3];
	for (int k = 0; k < 3; k++) {
		struct memsink m;
		size_t n;
		memsink_init(&m);
		run("fan-out", NULL, pols[k], 1, 0, &m, NULL);
		steal_sizes(&m, &min[k], &max[k], &n);
		ck_assert_uint_gt(n, 0);
		memsink_free(&m);
	}
	ck_assert_int_gt(max[0], 1);
	ck_assert_int_eq(max[1], 1);
	ck_assert_int_gt(max[2], max[0]);
}
END_TEST

/* steal-order: sequential visits every P once, from the thief's next;
 * random visits every P once too. */
START_TEST(test_steal_order)
{
	struct p ps[5];
	memset(ps, 0, sizeof ps);
	rt_config_default(&rt_cfg);
	rt_randomOrder_reset(&rt_stealOrder, 5);
	rt_cfg.stealorder = RT_STEAL_SEQUENTIAL;
	for (int32_t id = 0; id < 5; id++) {
		ps[id].id = id;
		struct randomEnum e = rt_stealOrder_start(&ps[id]);
		for (uint32_t k = 1; k <= 5; k++, randomEnum_next(&e))
			ck_assert_uint_eq(randomEnum_position(&e), ((uint32_t)id + k) % 5);
		ck_assert(randomEnum_done(&e));
	}
	rt_config_default(&rt_cfg);
	rt_randomOrder_free(&rt_stealOrder);
	/* And a whole run differs from Go's order. */
	ck_assert_uint_ne(run("fan-out", NULL, NULL, 1, 0, NULL, NULL),
	                  run("fan-out", NULL, POL("steal-order=sequential"), 1, 0, NULL, NULL));
}
END_TEST

/* Main wakes 40 times from a short sleep on 4 Ps, each time starting a
 * worker: every wake-up sends a spinning M over the other Ps. */
static const char wakers[] =
        "{\"name\": \"wakers\", \"gomaxprocs\": 4, \"main\": \"main\","
        " \"bodies\": {\"main\": [{\"op\": \"repeat\", \"count\": 40, \"body\": ["
        "   {\"op\": \"sleep\", \"ns\": 30000}, {\"op\": \"spawn\", \"body\": \"w\", \"count\": "
        "2}]}],"
        " \"w\": [{\"op\": \"spend\", \"ns\": 5000}]}}";

/* steal-passes: more passes, more scheduler steps spent spinning. */
START_TEST(test_steal_passes)
{
	struct sim_result r1, r4, r16;
	run(NULL, wakers, POL("steal-passes=1"), 1, 0, NULL, &r1);
	run(NULL, wakers, NULL, 1, 0, NULL, &r4);
	run(NULL, wakers, POL("steal-passes=16"), 1, 0, NULL, &r16);
	ck_assert_int_lt(r1.steps, r4.steps);
	ck_assert_int_lt(r4.steps, r16.steps);
}
END_TEST

/* spinning-cap: one lets fewer Ms start spinning than Go's cap, busy
 * and unlimited more (netpoll-server's Ms look for work often). */
START_TEST(test_spinning_cap)
{
	const char *sc = "netpoll-server";
	size_t one = run_count(sc, NULL, POL("spinning-cap=one"), RT_EV_SPINNING, -1);
	size_t go = run_count(sc, NULL, NULL, RT_EV_SPINNING, -1);
	size_t busy = run_count(sc, NULL, POL("spinning-cap=busy"), RT_EV_SPINNING, -1);
	size_t unl = run_count(sc, NULL, POL("spinning-cap=unlimited"), RT_EV_SPINNING, -1);
	ck_assert_uint_lt(one, go);
	ck_assert_uint_lt(go, busy);
	ck_assert_uint_le(busy, unl);
}
END_TEST

/* Main spawns 100 short workers on one P. */
static const char spawn100[] =
        "{\"name\": \"spawn\", \"gomaxprocs\": 1, \"main\": \"main\","
        " \"bodies\": {\"main\": [{\"op\": \"spawn\", \"body\": \"w\", \"count\": 100}],"
        " \"w\": [{\"op\": \"spend\", \"ns\": 1000}]}}";

/* The sizes of runqputslow's batches, all equal to want. */
static size_t putslow_batches(const char *const *pol, int64_t want)
{
	struct memsink m;
	memsink_init(&m);
	run(NULL, spawn100, pol, 1, 0, &m, NULL);
	size_t n = 0;
	for (size_t i = 0; i < m.n; i++) {
		if (m.ev[i].kind != RT_EV_RUNQPUTSLOW)
			continue;
		ck_assert_int_eq(m.ev[i].a, want);
		n++;
	}
	memsink_free(&m);
	return n;
}

/* runq-size: a 16-slot ring overflows where Go's 256 do not, moving
 * half (8) plus the new g. */
START_TEST(test_runq_size)
{
	ck_assert_uint_eq(putslow_batches(NULL, 0), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16"), 16 / 2 + 1), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=2"), 2 / 2 + 1), 0);
}
END_TEST

/* putslow-batch: a quarter, one or all of the full ring, plus the new g. */
START_TEST(test_putslow_batch)
{
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16", "putslow-batch=quarter"), 5), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16", "putslow-batch=one"), 2), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16", "putslow-batch=all"), 17), 0);
}
END_TEST

/* The goids in the order they first run, main excluded. */
static size_t first_runs(const char *const *pol, int64_t *order, size_t cap)
{
	struct memsink m;
	memsink_init(&m);
	run(NULL, spawn100, pol, 1, 0, &m, NULL);
	size_t n = 0;
	for (size_t i = 0; i < m.n && n < cap; i++) {
		const struct rt_event *e = &m.ev[i];
		if (e->kind != RT_EV_GSTATUS || e->a != _Grunnable || e->b != _Grunning)
			continue;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= order[j] == e->obj;
		if (!seen && e->obj != 1)
			order[n++] = e->obj;
	}
	memsink_free(&m);
	return n;
}

/* runq-order=lifo under a concurrent thief, in the simulator's free
 * interleaving: the owner puts and takes from its tail while a thief
 * steals from the head; every g must come out exactly once. */
#define LIFO_G 64
static struct g lifo_gs[LIFO_G];
static struct p *lifo_owner, *lifo_thief;
static uint32_t lifo_done;

static void lifo_owner_fn(void *unused)
{
	(void)unused;
	struct g *gp;
	int next = 0;
	for (int round = 0; round < 4; round++) {
		for (int k = 0; k < LIFO_G / 4; k++)
			rt_runqput(lifo_owner, &lifo_gs[next++], false);
		for (int k = 0; k < 6 && (gp = rt_runqget(lifo_owner, NULL)) != NULL; k++)
			gp->sig++;
	}
	while ((gp = rt_runqget(lifo_owner, NULL)) != NULL)
		gp->sig++;
	plat_store32(&lifo_done, 1);
}

static void lifo_thief_fn(void *unused)
{
	(void)unused;
	while (!plat_load32(&lifo_done)) {
		struct g *gp = rt_runqsteal(lifo_thief, lifo_owner, false);
		if (gp == NULL)
			continue;
		gp->sig++;
		while ((gp = rt_runqget(lifo_thief, NULL)) != NULL)
			gp->sig++;
	}
}

START_TEST(test_runq_lifo_concurrent)
{
	static const int amounts[] = {RT_STEAL_HALF, RT_STEAL_ONE, RT_STEAL_ALL};
	int stolen = 0;
	for (int a = 0; a < 3; a++) {
		for (uint64_t seed = 0; seed < 150; seed++) {
			lifo_owner = test_newp();
			lifo_thief = test_newp();
			rt_cfg.runqorder = RT_RUNQ_LIFO;
			rt_cfg.stealamount = amounts[a];
			memset(lifo_gs, 0, sizeof lifo_gs);
			for (int i = 0; i < LIFO_G; i++)
				lifo_gs[i].goid = i + 1;
			lifo_done = 0;
			struct sim_config cfg = {
			        .seed = seed, .window_ns = SIM_WINDOW_INF, .max_steps = 2000000};
			void (*fns[2])(void *) = {lifo_owner_fn, lifo_thief_fn};
			void *args[2] = {NULL, NULL};
			struct sim_result res;
			sim_run_threads(&cfg, 2, fns, args, &res);
			ck_assert_msg(res.status == TR_COMPLETE, "seed %llu amount %d: %s: %s",
			              (unsigned long long)seed, a, tr_status_name(res.status),
			              res.message);
			for (int i = 0; i < LIFO_G; i++)
				ck_assert_msg(lifo_gs[i].sig == 1,
				              "g %d taken %u times (seed %llu, amount %d)", i + 1,
				              lifo_gs[i].sig, (unsigned long long)seed, a);
			stolen += lifo_thief->runqtail != 0;
			test_freep(lifo_owner);
			test_freep(lifo_thief);
		}
	}
	rt_config_default(&rt_cfg);
	ck_assert_int_gt(stolen, 0); /* the thief did take batches */
}
END_TEST

/* runq-order=lifo: after runnext's g, the owner runs the newest first. */
START_TEST(test_runq_order)
{
	int64_t fifo[100], lifo[100];
	ck_assert_uint_eq(first_runs(NULL, fifo, 100), 100);
	ck_assert_uint_eq(first_runs(POL("runq-order=lifo"), lifo, 100), 100);
	/* The first to run is the last created (runnext) either way. */
	ck_assert_int_eq(fifo[0], lifo[0]);
	for (int i = 2; i < 100; i++) {
		ck_assert_int_gt(fifo[i], fifo[i - 1]);
		ck_assert_int_lt(lifo[i], lifo[i - 1]);
	}
}
END_TEST

/* The native backend runs the same runtime, so it honours the same
 * policies: runq-size and putslow-batch show in its runqputslow events,
 * runq-order in the order its workers first run. */
START_TEST(test_native_honours_policies)
{
	char err[256];
	backend = cli_choose(cli_backends, "backend", "native", err, sizeof err);
	ck_assert_msg(backend != NULL, "%s", err);
	ck_assert_uint_eq(putslow_batches(NULL, 0), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16"), 9), 0);
	ck_assert_uint_gt(putslow_batches(POL("runq-size=16", "putslow-batch=one"), 2), 0);
	/* Mostly newest first: on real threads sysmon may preempt main
	 * while it spawns (a slow machine, a sanitizer), which splits the
	 * order into a few descending runs. */
	int64_t lifo[100];
	int down = 0;
	ck_assert_uint_eq(first_runs(POL("runq-order=lifo"), lifo, 100), 100);
	for (int i = 2; i < 100; i++)
		down += lifo[i] < lifo[i - 1];
	ck_assert_int_ge(down, 80);
	backend = NULL;
}
END_TEST

/* Runs and goldens record the policies that differ from Go's as JSON
 * (runs.policy_json, the golden's policies: line); every policy at a
 * value other than Go's goes there and comes back. */
START_TEST(test_policy_json_round_trip)
{
	struct rt_config rt, back;
	rt_config_default(&rt);
	for (size_t k = 0; k < rt_npolicies; k++) {
		const struct rt_policy *p = &rt_policies[k];
		int64_t v = p->go_default;
		switch (p->type) {
		case RT_POLICY_BOOL:
			v = !v;
			break;
		case RT_POLICY_ENUM:
			v = p->names[v + 1] ? v + 1 : 0;
			break;
		case RT_POLICY_POW2:
			v = v * 2 <= p->max ? v * 2 : v / 2;
			break;
		default:
			v = v + 1 <= p->max ? v + 1 : v - 1;
		}
		ck_assert_msg(rt_policy_valid(p, v) && v != p->go_default, "%s", p->name);
		rt_policy_set(&rt, p, v);
	}
	char json[2048], err[256];
	cli_policy_json(&rt, json, sizeof json);
	for (size_t k = 0; k < rt_npolicies; k++)
		ck_assert_msg(strstr(json, rt_policies[k].name), "%s not in %s",
		              rt_policies[k].name, json);
	rt_config_default(&back);
	ck_assert_msg(cli_policy_from_json(json, &back, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(memcmp(&rt, &back, sizeof rt), 0);
	/* A size that is not a power of two is refused. */
	ck_assert_int_eq(cli_policy_from_json("{\"runq-size\":100}", &back, err, sizeof err), -1);
	int64_t v;
	ck_assert(!rt_policy_parse(rt_policy_find("runq-size", 9), "100", &v));
	ck_assert(rt_policy_parse(rt_policy_find("runq-size", 9), "128", &v) && v == 128);
}
END_TEST

/* ---- schedtrace ---- */

/* The text a run prints (its program's output), NUL-terminated (free()). */
static char *run_print(const char *name, const char *const *pol, uint64_t seed)
{
	struct cli_opts o;
	struct sim_result res;
	char err[512], *buf = NULL;
	size_t len = 0;

	cli_opts_init(&o);
	o.scenario = name;
	o.seed = seed;
	o.print = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(o.print);
	set_policies(&o.rt, pol);
	int rc = cli_run(&o, &res, NULL, err, sizeof err);
	ck_assert_msg(rc == 0 || rc == 1, "%s: %s", name, err);
	free(res.schedule);
	fclose(o.print);
	return buf;
}

/* The lines of Go 1.21's schedtrace(detailed), as its print calls write
 * them: print("SCHED ", (now-starttime)/1e6, "ms: gomaxprocs=", ...,
 * " idleprocs=", " threads=", " spinningthreads=", " needspinning=",
 * " idlethreads=", " runqueue=") then either " [" len ... "]\n" or
 * " gcwaiting=" bool " nmidlelocked=" " stopwait=" " sysmonwait=" bool
 * "\n"; per P "  P" i ": status=" " schedtick=" " syscalltick=" " m="
 * (id|nil) " runqsize=" " gfreecnt=" " timerslen=" "\n"; per M "  M" id
 * ": p=" (id|nil) " curg=" (goid|nil) " mallocing=" " throwing="
 * " preemptoff=" string " locks=" " dying=" " spinning=" bool
 * " blocked=" bool " lockedg=" (goid|nil) "\n"; per G "  G" goid
 * ": status=" n "(" waitreason ") m=" (id|nil) " lockedm=" (id|nil)
 * "\n".  Numbers as Go prints integers, booleans as true/false. */
#define N_ "(0|[1-9][0-9]*)"
#define NN "(0|-?[1-9][0-9]*)"
#define B_ "(true|false)"
#define ID "(" N_ "|nil)"
static const char *const go_lines[] = {
        "^SCHED " N_ "ms: gomaxprocs=" N_ " idleprocs=" N_ " threads=" N_ " spinningthreads=" N_
        " needspinning=" N_ " idlethreads=" N_ " runqueue=" N_ " \\[" N_ "( " N_ ")*\\]$",
        "^SCHED " N_ "ms: gomaxprocs=" N_ " idleprocs=" N_ " threads=" N_ " spinningthreads=" N_
        " needspinning=" N_ " idlethreads=" N_ " runqueue=" N_ " gcwaiting=" B_ " nmidlelocked=" NN
        " stopwait=" NN " sysmonwait=" B_ "$",
        "^  P" N_ ": status=" N_ " schedtick=" N_ " syscalltick=" N_ " m=" ID " runqsize=" N_
        " gfreecnt=" NN " timerslen=" N_ "$",
        "^  M" N_ ": p=" ID " curg=" ID " mallocing=" NN " throwing=" NN " preemptoff=[^ ]*"
        " locks=" NN " dying=" NN " spinning=" B_ " blocked=" B_ " lockedg=" ID "$",
        "^  G" N_ ": status=" N_ "\\([a-zA-Z .()]*\\) m=" ID " lockedm=" ID "$",
};
enum { L_SCHED, L_SCHED_DETAIL, L_P, L_M, L_G, L_N };

/* Check every line of text against go_lines; count[k]: lines of kind k. */
static void check_format(const char *text, size_t count[L_N])
{
	regex_t re[L_N];
	for (int k = 0; k < L_N; k++)
		ck_assert_int_eq(regcomp(&re[k], go_lines[k], REG_EXTENDED | REG_NOSUB), 0);
	memset(count, 0, L_N * sizeof *count);
	char *copy = strdup(text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int k = 0;
		while (k < L_N && regexec(&re[k], line, 0, NULL, 0) != 0)
			k++;
		ck_assert_msg(k < L_N, "not a line of Go's schedtrace: '%s'", line);
		count[k]++;
	}
	free(copy);
	for (int k = 0; k < L_N; k++)
		regfree(&re[k]);
}

/* Every line is one of Go's; the non-detailed trace is one line per
 * tick, the detailed one a line per P, M and G besides. */
START_TEST(test_schedtrace_format)
{
	size_t c[L_N];
	char *t = run_print("mutex-starvation", POL("schedtrace=1ms"), 1);
	check_format(t, c);
	ck_assert_uint_ge(c[L_SCHED], 4);
	ck_assert_uint_eq(c[L_SCHED_DETAIL] + c[L_P] + c[L_M] + c[L_G], 0);
	free(t);
	t = run_print("preemption-after-syscall", POL("schedtrace=5ms", "scheddetail=on"), 1);
	check_format(t, c);
	ck_assert_uint_eq(c[L_SCHED], 0);
	ck_assert_uint_gt(c[L_SCHED_DETAIL], 5);
	ck_assert_uint_eq(c[L_P], 2 * c[L_SCHED_DETAIL]);
	ck_assert_uint_ge(c[L_M], 2 * c[L_SCHED_DETAIL]);
	ck_assert_uint_ge(c[L_G], c[L_SCHED_DETAIL]);
	free(t);
	/* Off (Go's default): nothing. */
	t = run_print("fan-out", NULL, 1);
	ck_assert_str_eq(t, "");
	free(t);
}
END_TEST

/* The lines come every DUR of the run's time, as sysmon's check
 * lasttrace+schedtrace <= now makes them, from the first tick (0ms). */
START_TEST(test_schedtrace_interval)
{
	char *t = run_print("ping-pong-hog", POL("schedtrace=10ms"), 1);
	long prev = -1;
	int n = 0;
	for (const char *l = t; (l = strstr(l, "SCHED ")) != NULL; l++, n++) {
		long ms = strtol(l + 6, NULL, 10);
		if (prev < 0)
			ck_assert_int_eq(ms, 0);
		else
			ck_assert_msg(ms - prev >= 9 && ms - prev <= 11, "SCHED %ldms after %ldms",
			              ms, prev);
		prev = ms;
	}
	ck_assert_int_ge(n, 8); /* the run lasts 100 ms */
	free(t);
}
END_TEST

/* Whole outputs, byte for byte: a plain and a detailed trace. */
START_TEST(test_schedtrace_golden)
{
	static const struct {
		const char *scenario, *file;
		const char *pol[3];
	} cases[] = {
	        {"preemption-after-syscall",
	         "preemption-after-syscall-1ms.txt",
	         {"schedtrace=1ms", NULL}},
	        {"ping-pong-hog",
	         "ping-pong-hog-25ms-detail.txt",
	         {"schedtrace=25ms", "scheddetail=on", NULL}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[512], *want = NULL;
		size_t len = 0;
		snprintf(path, sizeof path, "%s/tests/data/schedtrace/%s", GSCHED_SOURCE_DIR,
		         cases[i].file);
		FILE *f = fopen(path, "r");
		ck_assert_msg(f != NULL, "cannot open %s", path);
		want = calloc(1, 1 << 20);
		len = fread(want, 1, (1 << 20) - 1, f);
		fclose(f);
		want[len] = 0;
		char *got = run_print(cases[i].scenario, cases[i].pol, 1);
		ck_assert_msg(strcmp(got, want) == 0,
		              "%s: the output differs from %s (re-bless: docs/policies.md)",
		              cases[i].scenario, path);
		free(got);
		free(want);
	}
}
END_TEST

Suite *make_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_defaults_parse_to_default);
	tcase_add_test(tc, test_defaults_same_hash);
	tcase_add_test(tc, test_global_check);
	tcase_add_test(tc, test_runnext);
	tcase_add_test(tc, test_runnext_inherit);
	tcase_add_test(tc, test_timeslice);
	tcase_add_test(tc, test_sysmon_preempt);
	tcase_add_test(tc, test_steal_amount);
	tcase_add_test(tc, test_steal_order);
	tcase_add_test(tc, test_steal_passes);
	tcase_add_test(tc, test_spinning_cap);
	tcase_add_test(tc, test_runq_size);
	tcase_add_test(tc, test_putslow_batch);
	tcase_add_test(tc, test_runq_order);
	tcase_add_test(tc, test_runq_lifo_concurrent);
	tcase_add_test(tc, test_native_honours_policies);
	tcase_add_test(tc, test_policy_json_round_trip);
	tcase_add_test(tc, test_schedtrace_format);
	tcase_add_test(tc, test_schedtrace_interval);
	tcase_add_test(tc, test_schedtrace_golden);
	suite_add_tcase(s, tc);
	return s;
}
