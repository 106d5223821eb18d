/*
 * check_explore.c - bug hunting end to end: `gsched explore` finds the
 * seeds `gsched run` fails on, whatever -j; --stop-at-first reports the
 * smallest; each failure's folder replays with the same hash; shards
 * merged equal the whole sweep (also through GNU parallel when it is
 * installed); the schedule string round-trips; every event kind has a
 * sentence in the story; docs/exploration.md lists the coverage rows.
 */
#define _GNU_SOURCE
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "testutil.h"
#include "explore.h"
#include "platform.h"
#include "tr.h"

#define RACE GSCHED_SOURCE_DIR "/tests/data/explore/close-race.json"

static char out[1 << 18];

/* Run `gsched ARGS` (stdout and stderr together): the exit code, and the
 * output in out. */
#define gsched(...) run_gschedf(out, sizeof out, __VA_ARGS__)

static char dir[64];

static void make_dir(void)
{
	test_mkdtemp(dir, sizeof dir, "explore");
}

static void remove_dir(void)
{
	test_rmtree(dir);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The seeds in lo..hi that `gsched run` fails on (in-process, through the
 * same judge explore uses), as a bit per seed. */
static uint64_t failing_seeds(uint64_t lo, uint64_t hi, bool inf)
{
	struct cli_opts o;
	char err[512];
	uint64_t mask = 0;
	cli_opts_init(&o);
	o.scenario = RACE;
	o.window_ns = inf ? SIM_WINDOW_INF : 0;
	for (uint64_t s = lo; s <= hi; s++) {
		struct ex_run r;
		o.seed = s;
		ck_assert_int_eq(ex_run_one(&o, NULL, &r, NULL, err, sizeof err), 0);
		if (r.rc == 1) {
			ck_assert_str_eq(r.oracle, "panic: send on closed channel");
			mask |= UINT64_C(1) << (s - lo);
		}
	}
	return mask;
}

/* The seeds explore reported as FAIL lines, or kept as folders. */
static uint64_t kept_seeds(uint64_t lo, uint64_t hi)
{
	uint64_t mask = 0;
	for (uint64_t s = lo; s <= hi; s++) {
		char p[256];
		struct stat sb;
		snprintf(p, sizeof p, "%s/%" PRIu64 "/run.db", dir, s);
		if (stat(p, &sb) == 0)
			mask |= UINT64_C(1) << (s - lo);
	}
	return mask;
}

START_TEST(test_sweep_finds_what_run_finds)
{
	uint64_t want = failing_seeds(1, 30, true);
	ck_assert_uint_ne(want, 0);
	ck_assert_uint_ne(want, (UINT64_C(1) << 30) - 1); /* some seeds pass */
	int nfail = __builtin_popcountll(want);
	for (int j = 1; j <= 3; j += 2) {
		make_dir();
		ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..30 -j %d --out %s",
		                        RACE, j, dir),
		                 1);
		char line[128];
		snprintf(line, sizeof line, "failures      %d of 30 seeds", nfail);
		ck_assert_msg(strstr(out, line), "-j %d: %s", j, out);
		ck_assert_ptr_nonnull(strstr(out, "panic: send on closed channel"));
		snprintf(line, sizeof line, "%d failing seeds re-run: %d gave the same hash", nfail,
		         nfail);
		ck_assert_msg(strstr(out, line), "%s", out);
		ck_assert_uint_eq(kept_seeds(1, 30), want);
		/* the first failure's schedule is printed on one line */
		ck_assert_ptr_nonnull(strstr(out, "  schedule gs1:"));
		remove_dir();
	}
	/* a clean sweep exits 0 and says what it exercised */
	ck_assert_uint_eq(failing_seeds(1, 30, false), 0);
	make_dir();
	ck_assert_int_eq(gsched("explore %s --seeds 1..30 --out %s", RACE, dir), 0);
	ck_assert_ptr_nonnull(strstr(out, "failures      none in 30 seeds"));
	ck_assert_ptr_nonnull(strstr(out, "  needspinning-set"));
	remove_dir();
}
END_TEST

/* A failure after thousands of decisions: its schedule string (here
 * over 12,000 decisions, 16 KB) is not printed; the line names its
 * file, which holds the whole string, and shrink. */
START_TEST(test_long_schedule_not_printed)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..1 --out %s",
	                        GSCHED_SOURCE_DIR "/tests/data/explore/long-schedule.json", dir),
	                 1);
	char line[256];
	snprintf(line, sizeof line, "  schedule %s/1/schedule (", dir);
	ck_assert_msg(strstr(out, line), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "characters: too long to print; `gsched shrink "));
	ck_assert_ptr_null(strstr(out, "  schedule gs1:"));
	snprintf(line, sizeof line, "%s/1/schedule", dir);
	const char *s = slurp(line);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(strncmp(s, "gs1:", 4), 0);
	ck_assert_uint_gt(strlen(s), 4096);
	remove_dir();
}
END_TEST

START_TEST(test_stop_at_first)
{
	uint64_t want = failing_seeds(10, 40, true);
	ck_assert_uint_ne(want, 0);
	uint64_t first = 10 + (uint64_t)__builtin_ctzll(want);
	for (int j = 1; j <= 4; j *= 2) {
		make_dir();
		ck_assert_int_eq(gsched("explore %s --window inf --seeds 10..40 -j %d --out %s "
		                        "--stop-at-first",
		                        RACE, j, dir),
		                 1);
		char line[128];
		snprintf(line, sizeof line, "first failure seed %" PRIu64 " (stopped", first);
		ck_assert_msg(strstr(out, line), "-j %d: %s", j, out);
		snprintf(line, sizeof line, "seeds run     %" PRIu64 " in", first - 10 + 1);
		ck_assert_msg(strstr(out, line), "-j %d: %s", j, out);
		remove_dir();
	}
}
END_TEST

START_TEST(test_failure_folder)
{
	make_dir();
	ck_assert_int_eq(
	        gsched("explore %s --window inf --seeds 1..30 --out %s --stop-at-first", RACE, dir),
	        1);
	uint64_t first = (uint64_t)__builtin_ctzll(failing_seeds(1, 30, true)) + 1;
	char p[256];
	snprintf(p, sizeof p, "%s/%" PRIu64 "/story", dir, first);
	const char *story = slurp(p);
	ck_assert_ptr_nonnull(strstr(story, "panic: send on closed channel"));
	ck_assert_ptr_nonnull(strstr(story, "(the re-run gave the same)"));
	ck_assert_ptr_nonnull(strstr(story, "The last 6 transitions of each M"));
	ck_assert_ptr_nonnull(strstr(story, "VIOLATION: send on closed channel"));
	ck_assert_ptr_nonnull(strstr(story, "G/M/P state after the last event"));
	snprintf(p, sizeof p, "%s/%" PRIu64 "/schedule", dir, first);
	char *sched = strdup(slurp(p));
	ck_assert_int_eq(strncmp(sched, "gs1:", 4), 0);
	/* the string holds the database's schedule */
	struct sim_decision *d;
	size_t n;
	char err[256];
	ck_assert_int_eq(ex_schedule_parse(sched, &d, &n, err, sizeof err), 0);
	ck_assert_uint_gt(n, 0);
	free(d);
	/* replay DIR reproduces it */
	ck_assert_int_eq(gsched("replay %s/%" PRIu64, dir, first), 0);
	ck_assert_msg(strstr(out, "reproduced: hash"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "panic)"));
	char hash[17] = {0};
	memcpy(hash, strstr(out, "reproduced: hash ") + strlen("reproduced: hash "), 16);
	/* and so does the pasted string, given to gsched run */
	sched[strcspn(sched, "\n")] = 0;
	ck_assert_int_eq(gsched("run %s --window inf --seed %" PRIu64 " --schedule %s --quiet",
	                        RACE, first, sched),
	                 1);
	ck_assert_msg(strstr(out, "panic ") && strstr(out, hash), "%s (want %s)", out, hash);
	ck_assert_int_eq(gsched("run %s --schedule gs9:1:AA --quiet", RACE), 2);
	ck_assert_msg(strstr(out, "--schedule"), "%s", out);
	free(sched);
	remove_dir();
}
END_TEST

static void strip_volatile(char *json)
{
	/* elapsed_s, workers and shard differ between a sweep and a merge */
	static const char *const keys[] = {"\"elapsed_s\":", "\"workers\":", "\"shard\":"};
	for (size_t k = 0; k < 3; k++) {
		char *p = strstr(json, keys[k]);
		ck_assert_ptr_nonnull(p);
		char *e = strchr(p, '\n');
		ck_assert_ptr_nonnull(e);
		memmove(p, e, strlen(e) + 1);
	}
}

START_TEST(test_shards_merge)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..23 --out %s/all", RACE, dir),
	                 1);
	char p[256];
	snprintf(p, sizeof p, "%s/all/summary.json", dir);
	char *whole = strdup(slurp(p));
	for (int i = 1; i <= 3; i++)
		gsched("explore %s --window inf --seeds 1..23 --shard %d/3 --out %s/sh -j 1", RACE,
		       i, dir);
	/* a shard missing is named */
	ck_assert_int_eq(
	        gsched("merge %s/sh/summary-1-of-3.json %s/sh/summary-3-of-3.json", dir, dir), 1);
	ck_assert_msg(strstr(out, "shards        2 of 3, MISSING: 2"), "%s", out);
	ck_assert_int_eq(gsched("merge %s/sh/summary-3-of-3.json %s/sh/summary-1-of-3.json "
	                        "%s/sh/summary-2-of-3.json --out %s/merged",
	                        dir, dir, dir, dir),
	                 1);
	snprintf(p, sizeof p, "%s/merged/summary.json", dir);
	char *merged = strdup(slurp(p));
	strip_volatile(whole);
	strip_volatile(merged);
	ck_assert_str_eq(whole, merged);
	/* not a shard of the same sweep */
	gsched("explore %s --seeds 1..23 --shard 2/3 --out %s/other -j 1", RACE, dir);
	ck_assert_int_eq(
	        gsched("merge %s/sh/summary-1-of-3.json %s/other/summary-2-of-3.json", dir, dir),
	        2);
	ck_assert_msg(strstr(out, "$.window: '0' is not the 'inf'"), "%s", out);
	gsched("explore %s --window inf --seeds 1..23 --shard 2/3 --max-steps 100000 --out %s/lim "
	       "-j 1",
	       RACE, dir);
	ck_assert_int_eq(
	        gsched("merge %s/sh/summary-1-of-3.json %s/lim/summary-2-of-3.json", dir, dir), 2);
	ck_assert_msg(strstr(out, "$.max_steps differs"), "%s", out);
	ck_assert_int_eq(
	        gsched("merge %s/sh/summary-1-of-3.json %s/sh/summary-1-of-3.json", dir, dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "shard 1/3 given twice"));
	ck_assert_int_eq(gsched("merge %s", RACE), 2);
	ck_assert_ptr_nonnull(strstr(out, "expected a summary of `gsched explore`"));

	/* the recipe of docs/exploration.md, when GNU parallel is here */
	if (system("parallel --version >/dev/null 2>&1") == 0) {
		char cmd[1024];
		snprintf(cmd, sizeof cmd,
		         "seq 1 3 | parallel -j 2 '%s' explore %s --window inf --seeds 1..23 "
		         "--shard {}/3 -j 1 --out %s/par '>' /dev/null",
		         GSCHED_BINARY, RACE, dir);
		ck_assert_int_ne(system(cmd), -1);
		ck_assert_int_eq(
		        gsched("merge %s/par/summary-1-of-3.json %s/par/summary-2-of-3.json "
		               "%s/par/summary-3-of-3.json --out %s/parm",
		               dir, dir, dir, dir),
		        1);
		snprintf(p, sizeof p, "%s/parm/summary.json", dir);
		char *par = strdup(slurp(p));
		strip_volatile(par);
		ck_assert_str_eq(whole, par);
		free(par);
	}
	free(whole);
	free(merged);
	remove_dir();
}
END_TEST

START_TEST(test_bad_usage)
{
	ck_assert_int_eq(gsched("explore %s --seeds 5..1", RACE), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched explore: --seeds: expected A..B with A <= B"));
	ck_assert_int_eq(gsched("explore %s --seeds 5", RACE), 2);
	ck_assert_int_eq(gsched("explore %s", RACE), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched explore: missing --seeds A..B"));
	ck_assert_int_eq(gsched("explore %s --seeds 1..5 --shard 0/3", RACE), 2);
	ck_assert_ptr_nonnull(strstr(out, "--shard: expected I/N with 1 <= I <= N"));
	ck_assert_int_eq(gsched("explore %s --seeds 1..5 --shard 4/3", RACE), 2);
	ck_assert_int_eq(gsched("explore %s --seeds 1..5 --stop-at-first --keep-going", RACE), 2);
	ck_assert_int_eq(gsched("explore no-such-scenario --seeds 1..5"), 2);
	ck_assert_int_eq(gsched("merge"), 2);
}
END_TEST

START_TEST(test_schedule_string)
{
	struct sim_decision d[] = {{2, 0, -1},   {2, 1, -1},  {3, 2, -1},     {15, 14, -1},
	                           {16, 15, -1}, {17, 0, -1}, {300, 299, -1}, {2, 1, -1}};
	size_t n = sizeof d / sizeof d[0];
	char *s = ex_schedule_format(d, n);
	ck_assert_int_eq(strncmp(s, "gs1:8:", 6), 0);
	struct sim_decision *back;
	size_t nb;
	char err[256];
	ck_assert_int_eq(ex_schedule_parse(s, &back, &nb, err, sizeof err), 0);
	ck_assert_uint_eq(nb, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(back[i].n, d[i].n);
		ck_assert_uint_eq(back[i].pick, d[i].pick);
	}
	free(back);
	/* up to 15 threads, one byte a decision: 4 decisions, 6 base64 chars */
	char *small = ex_schedule_format(d, 4);
	ck_assert_str_eq(small + strlen("gs1:4:"), "AAEEdg");
	free(small);
	ck_assert_int_eq(ex_schedule_parse("gs2:1:AA", &back, &nb, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "starting with gs1:"));
	ck_assert_int_eq(ex_schedule_parse("gs1:3:AA", &back, &nb, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not hold exactly 3 decisions"));
	ck_assert_int_eq(ex_schedule_parse("gs1:1:A*", &back, &nb, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not base64url"));
	ck_assert_int_eq(ex_schedule_parse("gs1:0:", &back, &nb, err, sizeof err), 0);
	ck_assert_uint_eq(nb, 0);
	free(back);
	free(s);
}
END_TEST

START_TEST(test_every_kind_has_a_sentence)
{
	for (int k = 1; k < RT_EV__COUNT; k++) {
		if (k == RT_EV_MEXIT_UNUSED)
			continue;
		struct rt_event ev = {.t_ns = 5,
		                      .m = 1,
		                      .p = 0,
		                      .g = 3,
		                      .kind = k,
		                      .obj = 2,
		                      .a = 1,
		                      .b = 1,
		                      .detail = "why"};
		char s[300], line[300];
		tr_event_sentence(s, sizeof s, &ev);
		tr_event_render(line, sizeof line, 0, &ev);
		ck_assert_msg(strcmp(s, line) != 0,
		              "event kind %s has no sentence in traces/story.c", rt_evkind_name[k]);
	}
}
END_TEST

/* docs/exploration.md's coverage table lists exactly tr_coverage[]. */
START_TEST(test_docs_coverage_rows)
{
	const char *doc = slurp(GSCHED_SOURCE_DIR "/docs/exploration.md");
	const char *table = strstr(doc, "| state | event | what it means |");
	ck_assert_ptr_nonnull(table);
	int rows = 0;
	for (const char *l = strchr(table, '\n') + 1; strncmp(l, "| ", 2) == 0 || *l == '|';
	     l = strchr(l, '\n') + 1) {
		if (strncmp(l, "|---", 4) == 0)
			continue;
		char name[64];
		ck_assert_int_eq(sscanf(l, "| `%63[^`]`", name), 1);
		bool found = false;
		for (int i = 0; i < TR_NCOVERAGE; i++)
			found |= strcmp(tr_coverage[i].name, name) == 0;
		ck_assert_msg(found, "docs/exploration.md lists %s, which tr_coverage[] has not",
		              name);
		rows++;
	}
	ck_assert_int_eq(rows, TR_NCOVERAGE);
}
END_TEST

/* ---- strategies ---- */

/* Two plain threads appending their letter at every yield point: the
 * order they ran in, as a string. */
static char order[256];
static uint32_t norder;

static void letter(void *arg)
{
	char c = *(const char *)arg;
	for (int i = 0; i < 40; i++) {
		uint32_t k = plat_xadd32(&norder, 1) - 1;
		order[k] = c;
	}
}

static int switches(void)
{
	int n = 0;
	for (uint32_t i = 1; i < norder; i++)
		n += order[i] != order[i - 1];
	return n;
}

/* PCT at depth d switches between two threads that never block at most
 * d times: the highest priority runs until one of the d - 1 change
 * points demotes it, or until it ends. */
START_TEST(test_pct_depth)
{
	static char a = 'a', b = 'b';
	void (*const fns[])(void *) = {letter, letter};
	void *const args[] = {&a, &b};
	for (int d = 1; d <= 4; d++) {
		int most = 0;
		for (uint64_t seed = 1; seed <= 30; seed++) {
			struct sim_config cfg = {.seed = seed,
			                         .window_ns = SIM_WINDOW_INF,
			                         .strategy = {SIM_STRATEGY_PCT, d, 80}};
			struct sim_result res;
			memset(order, 0, sizeof order);
			norder = 0;
			ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
			ck_assert_uint_eq(norder, 80);
			ck_assert_int_le(switches(), d);
			if (switches() > most)
				most = switches();
		}
		ck_assert_int_eq(most, d); /* and some seed uses them all */
	}
	/* the random walk switches all the time */
	struct sim_config cfg = {.seed = 1, .window_ns = SIM_WINDOW_INF};
	struct sim_result res;
	norder = 0;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_gt(switches(), 10);
}
END_TEST

/* Under a finite window above 0 PCT walks randomly among the threads no
 * change point holds back (docs/exploration.md, "PCT under a window"):
 * two threads within the window of each other switch all the time, as
 * under the random walk, where under free interleaving they switch at
 * most d times; and the run is a function of its seed. */
START_TEST(test_pct_window)
{
	static char a = 'a', b = 'b';
	void (*const fns[])(void *) = {letter, letter};
	void *const args[] = {&a, &b};
	for (int d = 1; d <= 3; d++) {
		struct sim_config cfg = {.seed = 5,
		                         .window_ns = INT64_C(1000000000),
		                         .strategy = {SIM_STRATEGY_PCT, d, 80}};
		struct sim_result res;
		norder = 0;
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_uint_eq(norder, 80);
		ck_assert_int_gt(switches(), 10);
		char first[sizeof order];
		memcpy(first, order, sizeof order);
		norder = 0;
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_mem_eq(first, order, sizeof order);
	}
}
END_TEST

/* The longest run of one letter in order[]. */
static int longest_run(void)
{
	int most = norder ? 1 : 0, run = 1;
	for (uint32_t i = 1; i < norder; i++) {
		run = order[i] == order[i - 1] ? run + 1 : 1;
		if (run > most)
			most = run;
	}
	return most;
}

/* Under window 0 PCT's change points fall on hold points (a write the
 * yielding thread is about to make, another thread within
 * SIM_PCT_HOLD_NS) and each holds that thread back SIM_PCT_HOLD_NS
 * (docs/exploration.md, "PCT under window 0").  Two threads adding 40
 * times to a counter, 5 ns an add, without noise: in clock order they
 * alternate; a hold lets the other one run the rest of its adds. */
START_TEST(test_pct_hold)
{
	static char a = 'a', b = 'b';
	void (*const fns[])(void *) = {letter, letter};
	void *const args[] = {&a, &b};
	struct sim_config cfg = {
	        .seed = 1, .window_ns = 0, .noise_off = true, .strategy = {SIM_STRATEGY_PCT, 1, 1}};
	struct sim_result res;
	norder = 0;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_uint_eq(norder, 80);
	ck_assert_int_le(longest_run(), 2); /* depth 1: no change point, clock order */
	int64_t k = res.hold_points;
	ck_assert_int_ge(k, 40);
	/* random: no hold points counted */
	cfg.strategy = (struct sim_strategy){SIM_STRATEGY_RANDOM, 0, 0};
	norder = 0;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_eq(res.hold_points, 0);
	ck_assert_int_le(longest_run(), 2);
	int most = 0;
	for (uint64_t seed = 1; seed <= 30; seed++) {
		cfg = (struct sim_config){.seed = seed,
		                          .window_ns = 0,
		                          .noise_off = true,
		                          .strategy = {SIM_STRATEGY_PCT, 2, k}};
		norder = 0;
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_uint_eq(norder, 80);
		char first[sizeof order];
		memcpy(first, order, sizeof order);
		int run = longest_run();
		if (run > most)
			most = run;
		norder = 0; /* a function of its seed */
		ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
		ck_assert_mem_eq(first, order, sizeof order);
	}
	ck_assert_int_ge(most, 20); /* some change point fell early and held one thread */
}
END_TEST

/* The non-preemptive strategy never switches away from a thread that
 * can go on, and counts no preemption; the random walk counts them. */
START_TEST(test_nonpreemptive)
{
	static char a = 'a', b = 'b';
	void (*const fns[])(void *) = {letter, letter};
	void *const args[] = {&a, &b};
	struct sim_config cfg = {.seed = 1,
	                         .window_ns = SIM_WINDOW_INF,
	                         .record = true,
	                         .strategy = {SIM_STRATEGY_NONPREEMPTIVE, 0, 0}};
	struct sim_result res;
	norder = 0;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_eq(switches(), 1);
	ck_assert_int_eq(res.preemptions, 0);
	free(res.schedule);
	cfg.strategy.kind = SIM_STRATEGY_RANDOM;
	norder = 0;
	ck_assert_int_eq(sim_run_threads(&cfg, 2, fns, args, &res), 0);
	ck_assert_int_gt(res.preemptions, 10);
	int64_t counted = 0;
	for (size_t i = 0; i < res.nschedule; i++)
		counted += res.schedule[i].cur >= 0 &&
		           res.schedule[i].pick != (uint32_t)res.schedule[i].cur;
	ck_assert_int_eq(counted, res.preemptions);
	free(res.schedule);
}
END_TEST

/* Every strategy's run is a function of its seed, and each finds the
 * close race under free interleaving; its failures replay. */
START_TEST(test_strategies_sweep)
{
	static const char *const strategies[] = {"pct", "swarm", "bounded"};
	for (size_t i = 0; i < 3; i++) {
		char a[256], b[256];
		gsched("run %s --window inf --seed 3 --strategy %s --quiet", RACE, strategies[i]);
		snprintf(a, sizeof a, "%.200s", out);
		gsched("run %s --window inf --seed 3 --strategy %s --quiet", RACE, strategies[i]);
		snprintf(b, sizeof b, "%.200s", out);
		ck_assert_str_eq(a, b);
		make_dir();
		ck_assert_int_eq(
		        gsched("explore %s --window inf --seeds 1..40 --strategy %s --out %s "
		               "--stop-at-first",
		               RACE, strategies[i], dir),
		        1);
		ck_assert_msg(strstr(out, "gave the same hash") && !strstr(out, "THE OTHERS"), "%s",
		              out);
		const char *first = strstr(out, "first failure seed ");
		ck_assert_ptr_nonnull(first);
		uint64_t seed = strtoull(first + strlen("first failure seed "), NULL, 10);
		ck_assert_int_eq(gsched("replay %s/%" PRIu64, dir, seed), 0);
		ck_assert_msg(strstr(out, "reproduced"), "%s: %s", strategies[i], out);
		remove_dir();
	}
}
END_TEST

/* The bounded search: within 0 preemptions the close race has one
 * schedule and it passes; within 1 it fails. */
START_TEST(test_bounded_search)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..1 --strategy bounded "
	                        "--preemptions 0 --out %s",
	                        RACE, dir),
	                 0);
	ck_assert_msg(strstr(out,
	                     "1 distinct schedules run; 1 of 1 seeds searched to the end within "
	                     "0 preemption(s)"),
	              "%s", out);
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..1 --strategy bounded "
	                        "--preemptions 1 --out %s",
	                        RACE, dir),
	                 1);
	ck_assert_int_eq(gsched("replay %s/1", dir), 0);
	/* a budget too small to finish says so */
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..1 --strategy bounded "
	                        "--preemptions 1 --max-schedules 5 --out %s",
	                        RACE, dir),
	                 0);
	ck_assert_msg(strstr(out, "0 of 1 seeds searched to the end"), "%s", out);
	remove_dir();
}
END_TEST

/* shrink: fewer preemptions, the same oracle, and the result replays. */
START_TEST(test_shrink)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s --window inf --seeds 1..3 --out %s", RACE, dir), 1);
	uint64_t want = failing_seeds(1, 3, true);
	uint64_t seed = (uint64_t)__builtin_ctzll(want) + 1;
	ck_assert_int_eq(gsched("shrink %s/%" PRIu64, dir, seed), 0);
	long before = -1, after = -1;
	const char *b = strstr(out, "before        "), *a = strstr(out, "after         ");
	ck_assert_msg(b && a, "%s", out);
	before = strtol(b + 14, NULL, 10);
	after = strtol(a + 14, NULL, 10);
	ck_assert_msg(after < before, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "shrink        "));
	ck_assert_ptr_nonnull(strstr(out, "panic: send on closed channel"));
	ck_assert_ptr_nonnull(strstr(out, "schedule      gs1:"));
	char p[256];
	snprintf(p, sizeof p, "%s/%" PRIu64 "/shrunk/story", dir, seed);
	ck_assert_ptr_nonnull(strstr(slurp(p), "panic: send on closed channel"));
	ck_assert_int_eq(gsched("replay %s/%" PRIu64 "/shrunk", dir, seed), 0);
	ck_assert_ptr_nonnull(strstr(out, "reproduced"));
	/* not a failure's folder */
	ck_assert_int_eq(gsched("shrink %s/nothing-here", dir), 2);
	remove_dir();
}
END_TEST

/* shrink keeps a swarm run's draw: the candidates finish without
 * preemptions under swarm itself, so the window, the yield kinds and
 * how often the OS takes a core away stay what the seed drew, and the
 * shrunk run is stored (and replays) as a swarm run.  Seed 1 of this
 * knob's scenario fails with 28 preemptions, and shrunk to none within
 * 15 steps of where it failed. */
START_TEST(test_shrink_swarm)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s/scenarios/bugs/wakeup-local.json --bug wakeup-local "
	                        "--strategy swarm --seeds 1..1 --out %s",
	                        GSCHED_SOURCE_DIR, dir),
	                 1);
	ck_assert_int_eq(gsched("shrink %s/1", dir), 0);
	const char *b = strstr(out, "before        "), *a = strstr(out, "after         ");
	ck_assert_msg(b && a, "%s", out);
	long pb = strtol(b + 14, NULL, 10), pa = strtol(a + 14, NULL, 10);
	const char *sb = strstr(b, "preemptions, "), *sa = strstr(a, "preemptions, ");
	ck_assert_msg(sb && sa, "%s", out);
	long stb = strtol(sb + 13, NULL, 10), sta = strtol(sa + 13, NULL, 10);
	ck_assert_msg(pa < pb, "%s", out);
	ck_assert_msg(sta < stb + 100, "the shrunk run fails elsewhere: %s", out);
	ck_assert_int_eq(gsched("show %s/1/shrunk/run.db", dir), 0);
	ck_assert_msg(strstr(out, "\nstrategy: swarm\n"), "%.600s", out);
	ck_assert_int_eq(gsched("replay %s/1/shrunk", dir), 0);
	ck_assert_ptr_nonnull(strstr(out, "reproduced"));
	remove_dir();
}
END_TEST

/* A sweep with a bug knob: the summary records it, and the failure's
 * folder replays and shrinks with the knob on (without it the run would
 * complete and neither could reproduce the failure). */
START_TEST(test_bug_knob_sweep)
{
	make_dir();
	ck_assert_int_eq(gsched("explore %s/scenarios/bugs/runnext-noinherit.json "
	                        "--bug runnext-noinherit --seeds 1..2 --stop-at-first --out %s",
	                        GSCHED_SOURCE_DIR, dir),
	                 1);
	ck_assert_msg(strstr(out, "bugs          [\"runnext-noinherit\"]"), "%s", out);
	char p[256];
	snprintf(p, sizeof p, "%s/summary.json", dir);
	ck_assert_ptr_nonnull(strstr(slurp(p), "\"runnext-noinherit\""));
	ck_assert_ptr_nonnull(strstr(slurp(p), "\"oracle_bounds\""));
	ck_assert_int_eq(gsched("replay %s/1", dir), 0);
	ck_assert_msg(strstr(out, "reproduced"), "%s", out);
	ck_assert_int_eq(gsched("shrink %s/1 --max-schedules 20", dir), 0);
	ck_assert_msg(strstr(out, "violation: starvation"), "%s", out);
	remove_dir();
}
END_TEST

/* PCT under free interleaving picks by priority only among the threads
 * within SIM_FREE_LAG_NS of the earliest (engine.c, strategy_pick),
 * and the bounded search's non-preemptive choice gives way to a thread
 * that far behind (fair_default).
 * Without that, a higher priority kept sysmon, its wake-up time long
 * come, off every core for the whole run: on ping-pong-hog's one P no
 * pair was ever preempted, and the scenario's cpu-share assertion
 * failed on 4 of seeds 1..20 (54 of 1..200). */
START_TEST(test_pct_free_keeps_sysmon)
{
	make_dir();
	ck_assert_msg(gsched("explore ping-pong-hog --window inf --strategy pct --seeds 1..20 "
	                     "-j 1 --keep-going --out %s",
	                     dir) == 0,
	              "%s", out);
	ck_assert_msg(strstr(out, "none in 20 seeds"), "%s", out);
	/* and sysmon preempted the pairs in (nearly) every seed */
	int coop = 0, async = 0;
	const char *c = strstr(out, "preempt-coop"), *a = strstr(out, "preempt-async");
	ck_assert_msg(c && a, "%s", out);
	ck_assert_int_eq(sscanf(c + strlen("preempt-coop"), "%d", &coop), 1);
	ck_assert_int_eq(sscanf(a + strlen("preempt-async"), "%d", &async), 1);
	ck_assert_msg(coop + async >= 30, "seeds with a preemption: %d cooperative, %d async", coop,
	              async);
	remove_dir();
	/* The bounded search's non-preemptive choice follows the same rule:
	 * before it, every schedule tried failed cpu-share. */
	ck_assert_msg(gsched("run ping-pong-hog --window inf --strategy bounded") == 0, "%s", out);
	make_dir();
	ck_assert_msg(gsched("explore ping-pong-hog --window inf --strategy bounded --seeds 1..2 "
	                     "--max-schedules 20 -j 1 --keep-going --out %s",
	                     dir) == 0,
	              "%s", out);
	ck_assert_msg(strstr(out, "none in 2 seeds"), "%s", out);
	remove_dir();
}
END_TEST

Suite *make_explore_suite(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("explore");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_schedule_string);
	tcase_add_test(tc, test_every_kind_has_a_sentence);
	tcase_add_test(tc, test_docs_coverage_rows);
	tcase_add_test(tc, test_bad_usage);
	tcase_add_test(tc, test_sweep_finds_what_run_finds);
	tcase_add_test(tc, test_stop_at_first);
	tcase_add_test(tc, test_long_schedule_not_printed);
	tcase_add_test(tc, test_failure_folder);
	tcase_add_test(tc, test_shards_merge);
	tcase_add_test(tc, test_pct_depth);
	tcase_add_test(tc, test_pct_window);
	tcase_add_test(tc, test_pct_hold);
	tcase_add_test(tc, test_pct_free_keeps_sysmon);
	tcase_add_test(tc, test_nonpreemptive);
	tcase_add_test(tc, test_strategies_sweep);
	tcase_add_test(tc, test_bounded_search);
	tcase_add_test(tc, test_shrink);
	tcase_add_test(tc, test_shrink_swarm);
	tcase_add_test(tc, test_bug_knob_sweep);
	suite_add_tcase(s, tc);
	return s;
}
