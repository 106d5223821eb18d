/*
 * check_lang.c - the workload language, version 2, end to end: every
 * bundled scenario passes its own assertions over 50 seeds at window 0
 * and 50 seeds at window inf (many-alive, the memory benchmark: 2 and
 * 2), each run through cli_run as `gsched run` runs it; the assertion checker computes exact
 * figures on crafted event streams; gsched exits 1 with one clear line
 * per failed assertion, and 0 when a deadlock was expected and happened.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "an.h"
#include "runner.h"
#include "check_suites.h"
#include "testutil.h"
#include "sc.h"
#include "sim.h"

#define LANG_DIR GSCHED_SOURCE_DIR "/tests/data/lang/"
#define SEEDS    50

/* ---- the checker on crafted streams ---- */

static const char crafted[] =
        "{\"gomaxprocs\":1,\"main\":\"m\",\"main-label\":\"boss\",\"bodies\":{"
        "\"m\":[{\"op\":\"spawn\",\"body\":\"w\",\"label\":\"a\"},"
        "{\"op\":\"spawn\",\"body\":\"w\",\"label\":\"b\"},"
        "{\"op\":\"spawn\",\"body\":\"w\",\"label\":\"a\"}],\"w\":[]},"
        "\"assert\":[{\"cpu-share\":{\"labels\":[\"a\",\"b\"],\"within\":2}},"
        "{\"max-runnable-wait\":{\"label\":\"a\",\"ns\":50}},"
        "{\"min-parallelism\":{\"label\":\"a\",\"n\":2}},"
        "{\"finish-before\":{\"label\":\"b\",\"ns\":1000}},"
        "{\"min-events\":{\"kind\":\"steal\",\"count\":1}},"
        "{\"all-finish\":true},"
        "{\"cpu-share\":{\"labels\":[\"a\",\"b\"],\"within\":6}},"
        "{\"max-runnable-wait\":{\"label\":\"b\",\"ns\":110}},"
        "{\"finish-before\":{\"label\":\"boss\",\"ns\":1000}}]}";

static void gst(struct an_checker *c, int64_t t, int64_t g, int from, int to, const char *why)
{
	struct rt_event ev = {
	        .t_ns = t, .kind = RT_EV_GSTATUS, .obj = g, .a = from, .b = to, .detail = why};
	an_event(c, &ev);
}

static void lab(struct an_checker *c, int64_t g, const char *label)
{
	struct rt_event ev = {.kind = RT_EV_LABEL, .obj = g, .detail = label};
	an_event(c, &ev);
}

/* g2, g4 labelled a; g3 labelled b; main (g1) labelled boss.
 *   a: g2 runs 10..110 and 160..260, g4 runs 200..300: 300 ns; worst
 *      wait g4's 0..200; g2 and g4 both run during 200..260
 *   b: g3 runs 110..160 (waited 110), dies at 160: 50 ns
 * cpu-share a/b = 6.0. */
static void crafted_stream(struct an_checker *c)
{
	gst(c, 0, 1, 1, 2, NULL);
	gst(c, 0, 0, 0, 6, NULL); /* a new g before newproc numbers it: ignored */
	gst(c, 0, 2, 6, 1, NULL);
	lab(c, 2, "a");
	gst(c, 0, 3, 6, 1, NULL);
	lab(c, 3, "b");
	gst(c, 0, 4, 6, 1, NULL);
	lab(c, 4, "a");
	lab(c, 5, "nobody-asked"); /* labels no assertion names are not tracked */
	gst(c, 5, 1, 2, 4, "wait all");
	gst(c, 10, 2, 1, 2, NULL);
	gst(c, 110, 2, 2, 1, "preempted");
	gst(c, 110, 3, 1, 2, NULL);
	gst(c, 160, 3, 2, 6, "exit");
	gst(c, 160, 2, 1, 2, NULL);
	gst(c, 200, 4, 1, 2, NULL);
	gst(c, 260, 2, 2, 6, "exit");
	gst(c, 300, 4, 2, 6, "exit");
	gst(c, 300, 1, 4, 1, NULL);
	gst(c, 310, 1, 1, 2, NULL);
	gst(c, 320, 1, 2, 6, "exit");
}

START_TEST(checker_exact_figures)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	ck_assert_msg(sc_parse("crafted.json", crafted, &sc, err, sizeof err) == 0, "%s", err);
	struct an_checker *c = an_new(sc);
	ck_assert_ptr_nonnull(c);
	crafted_stream(c);
	struct an_result r[9];
	ck_assert_int_eq((int)an_evaluate(c, TR_COMPLETE, 320, r), 9);
	static const struct {
		bool passed;
		const char *text;
	} want[] = {
	        {false, "cpu-share a/b = 6.0 (a ran 300 ns, b ran 50 ns; expected within 2)"},
	        {false, "max-runnable-wait a = 200 ns, goroutine 4 (expected at most 50 ns)"},
	        {true, "min-parallelism a = 2 running at once (expected at least 2)"},
	        {true, "finish-before b = 160 ns (expected by 1.000 us)"},
	        {false, "min-events steal = 0 (expected at least 1)"},
	        {true, "all-finish: status complete"},
	        {true, "cpu-share a/b = 6.0 (a ran 300 ns, b ran 50 ns; expected within 6)"},
	        {true, "max-runnable-wait b = 110 ns, goroutine 3 (expected at most 110 ns)"},
	        {true, "finish-before boss = 320 ns (expected by 1.000 us)"},
	};
	for (int i = 0; i < 9; i++) {
		ck_assert_str_eq(r[i].text, want[i].text);
		ck_assert_msg(r[i].passed == want[i].passed, "%d: %s", i, r[i].text);
		ck_assert_ptr_eq(r[i].as, sc_assert_get(sc, (size_t)i));
	}
	ck_assert_str_eq(r[0].as->path, "$.assert[0]");
	ck_assert_int_eq(an_exit_status(sc, TR_COMPLETE, r, 9), 1);
	ck_assert_int_eq(an_exit_status(sc, TR_COMPLETE, r + 5, 4), 0);
	an_free(c);
	sc_free(sc);
}
END_TEST

/* Open intervals close at the end of the run; intervals that run
 * backwards across two Ms' clocks (window > 0) count 0. */
START_TEST(checker_open_and_backwards)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	ck_assert_msg(sc_parse("crafted.json", crafted, &sc, err, sizeof err) == 0, "%s", err);
	struct an_checker *c = an_new(sc);
	gst(c, 100, 2, 6, 1, NULL);
	lab(c, 2, "a");
	gst(c, 50, 2, 1, 2, NULL); /* ran "before" it was readied: wait 0 */
	gst(c, 0, 3, 6, 1, NULL);
	lab(c, 3, "b");
	struct an_result r[9];
	an_evaluate(c, TR_DEADLOCK, 1050, r);
	/* a runs 50..1050 (open); b waits 0..1050 (open) */
	ck_assert_str_eq(r[0].text, "cpu-share a/b = inf (a ran 1.000 us, b ran 0 ns; expected "
	                            "within 2)");
	ck_assert_str_eq(r[1].text,
	                 "max-runnable-wait a = 0 ns, goroutine 2 (expected at most 50 ns)");
	ck_assert(r[1].passed);
	ck_assert_str_eq(r[7].text,
	                 "max-runnable-wait b = 1.050 us, goroutine 3 (expected at most 110 ns)");
	ck_assert_str_eq(r[3].text,
	                 "finish-before b: 0 of 1 goroutines finished (expected all, by 1.000 us)");
	ck_assert_str_eq(r[5].text, "all-finish: status deadlock (expected complete)");
	ck_assert_int_eq(an_exit_status(sc, TR_DEADLOCK, r, 9), 1);
	an_free(c);
	sc_free(sc);
}
END_TEST

START_TEST(checker_limits_and_deadlock)
{
	struct sc_scenario *sc = NULL, *sc2 = NULL;
	char err[1024] = "";
	const char *text = "{\"gomaxprocs\":1,\"main\":\"m\",\"bodies\":{\"m\":[]},"
	                   "\"assert\":[{\"deadlock\":true}]}";
	ck_assert_msg(sc_parse("d.json", text, &sc, err, sizeof err) == 0, "%s", err);
	struct an_checker *c = an_new(sc);
	struct an_result r[1];
	an_evaluate(c, TR_DEADLOCK, 0, r);
	ck_assert(r[0].passed);
	ck_assert_str_eq(r[0].text, "deadlock: status deadlock");
	ck_assert_int_eq(an_exit_status(sc, TR_DEADLOCK, r, 1), 0);
	an_evaluate(c, TR_COMPLETE, 0, r);
	ck_assert(!r[0].passed);
	ck_assert_str_eq(r[0].text, "deadlock: status complete (expected deadlock)");
	ck_assert_int_eq(an_exit_status(sc, TR_COMPLETE, r, 1), 1);
	an_evaluate(c, TR_TIME_LIMIT, 0, r);
	ck_assert(r[0].passed);
	ck_assert_str_eq(r[0].text, "skipped: the run stopped at a limit (time_limit)");
	ck_assert_int_eq(an_exit_status(sc, TR_TIME_LIMIT, r, 1), 0);
	ck_assert_int_eq(an_exit_status(sc, TR_VIOLATION, r, 1), 1);
	an_free(c);

	/* window slack, and time bounds skipped under inf */
	ck_assert(sc_parse("crafted.json", crafted, &sc2, err, sizeof err) == 0);
	for (int w = 0; w < 3; w++) {
		c = an_new(sc2);
		an_set_window(c, w == 0 ? 0 : w == 1 ? 150 : SIM_WINDOW_INF);
		crafted_stream(c);
		struct an_result r9[9];
		an_evaluate(c, TR_COMPLETE, 320, r9);
		ck_assert(r9[1].passed == (w != 0)); /* wait 200 <= 50 + 150 */
		if (w == 2)
			ck_assert_str_eq(r9[1].text, "skipped under window inf: the Ms' clocks are "
			                             "not comparable");
		else
			ck_assert_str_eq(r9[1].text, "max-runnable-wait a = 200 ns, goroutine 4 "
			                             "(expected at most 50 ns)");
		ck_assert_str_eq(r9[0].text, "cpu-share a/b = 6.0 (a ran 300 ns, b ran 50 ns; "
		                             "expected within 2)"); /* never skipped */
		an_free(c);
	}
	sc_free(sc2);
	sc_free(sc);

	/* no assertions: complete is 0, deadlock 1, as before the language had them */
	ck_assert(sc_parse("n.json", "{\"gomaxprocs\":1,\"main\":\"m\",\"bodies\":{\"m\":[]}}", &sc,
	                   err, sizeof err) == 0);
	ck_assert_int_eq(an_exit_status(sc, TR_COMPLETE, NULL, 0), 0);
	ck_assert_int_eq(an_exit_status(sc, TR_DEADLOCK, NULL, 0), 1);
	ck_assert_int_eq(an_exit_status(sc, TR_STEP_LIMIT, NULL, 0), 0);
	sc_free(sc);
}
END_TEST

/* The tee hands every event to both sinks, in order. */
START_TEST(tee_feeds_both)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	ck_assert(sc_parse("crafted.json", crafted, &sc, err, sizeof err) == 0);
	struct an_checker *c1 = an_new(sc), *c2 = an_new(sc);
	struct tr_sink *t = an_tee(an_sink(c1), an_sink(c2));
	struct rt_event ev = {.kind = RT_EV_STEAL, .obj = 1, .a = 1};
	t->event(t, &ev);
	struct tr_stats st;
	tr_stats_init(&st);
	ck_assert_int_eq(t->finish(t, TR_COMPLETE, &st, "", err, sizeof err), 0);
	t->close(t);
	struct an_result r1[9], r2[9];
	an_evaluate(c1, TR_COMPLETE, 0, r1);
	an_evaluate(c2, TR_COMPLETE, 0, r2);
	ck_assert_str_eq(r1[4].text, "min-events steal = 1 (expected at least 1)");
	ck_assert_str_eq(r2[4].text, r1[4].text);
	an_free(c1);
	an_free(c2);
	sc_free(sc);
}
END_TEST

/* ---- every bundled scenario over many seeds ---- */

/* One run of the bundled scenario name through the CLI's run function;
 * returns 0 when it passed its assertions, else 1 with why. */
static int run_one(const char *name, uint64_t seed, int64_t window, char *why, size_t cap)
{
	struct cli_opts o;
	cli_opts_init(&o);
	o.scenario = name;
	o.seed = seed;
	o.window_ns = window;
	/* a limit far beyond any bundled run: a runaway run fails, it does not hang
	 * (steps, not time: under window inf an idle M's clock runs far ahead) */
	o.max_steps = 50000000;
	o.assertions = true;
	struct sim_result sr;
	struct cli_run_info info;
	char err[512];
	int rc = cli_run(&o, &sr, &info, err, sizeof err);
	ck_assert_msg(rc != 2, "%s", err);
	if (sr.status == TR_TIME_LIMIT || sr.status == TR_STEP_LIMIT)
		rc = 1;
	if (rc) {
		size_t k = (size_t)snprintf(why, cap, "seed %llu window %s: %s%s%s",
		                            (unsigned long long)seed, window ? "inf" : "0",
		                            tr_status_name(sr.status), sr.message[0] ? ": " : "",
		                            sr.message);
		for (size_t i = 0; i < info.nasserts && k < cap; i++)
			if (!info.asserts[i].passed)
				k += (size_t)snprintf(why + k, cap - k, "; %s: %s",
				                      info.asserts[i].as->path,
				                      info.asserts[i].text);
	}
	free(sr.schedule);
	cli_run_info_free(&info);
	return rc;
}

START_TEST(bundled_pass_assertions)
{
	const char *name = sc_bundled_name(_i);
	struct sc_scenario *sc = NULL;
	char err[1024];
	ck_assert_msg(sc_load(name, &sc, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(sc_assert_count(sc) > 0, "%s: a bundled scenario states its assertions",
	              name);
	/* many-alive is the memory benchmark (1.7 s of CPU and 430 MB a run):
	 * two seeds each */
	int seeds = strcmp(name, "many-alive") == 0 ? 2 : SEEDS;
	int failed = 0;
	char first[1024] = "";
	for (int w = 0; w < 2; w++)
		for (int s = 1; s <= seeds; s++) {
			char why[1024];
			if (run_one(name, (uint64_t)s, w ? SIM_WINDOW_INF : 0, why, sizeof why)) {
				if (!failed++)
					snprintf(first, sizeof first, "%s", why);
			}
		}
	sc_free(sc);
	ck_assert_msg(failed == 0, "%s: %d of %d runs failed; first: %s", name, failed, 2 * seeds,
	              first);
}
END_TEST

/* ---- the CLI ---- */

static int gsched(char *out, size_t outlen, const char *args)
{
	return run_gsched(out, outlen, args);
}

static char out[1 << 16];

START_TEST(cli_failed_assertion_exits_1)
{
	ck_assert_int_eq(gsched(out, sizeof out, "run " LANG_DIR "impossible.json --seed 3"), 1);
	ck_assert_msg(strstr(out, "assertion failed: $.assert[1]: finish-before w = "), "%s", out);
	ck_assert_msg(strstr(out, "(expected by 1.000 us)"), "%s", out);
	ck_assert_msg(strstr(out, "assertions    1 passed, 1 failed"), "%s", out);
	ck_assert_msg(strstr(out, "  passed      $.assert[0]: all-finish: status complete"), "%s",
	              out);
	ck_assert_msg(strstr(out, "  FAILED      $.assert[1]: finish-before w = "), "%s", out);
	ck_assert_ptr_null(strstr(out, "assertion failed: $.assert[0]"));
	/* --quiet keeps the failure lines */
	ck_assert_int_eq(gsched(out, sizeof out, "run " LANG_DIR "impossible.json --quiet"), 1);
	ck_assert_msg(strstr(out, "complete "), "%s", out);
	ck_assert_msg(strstr(out, "assertion failed: $.assert[1]"), "%s", out);
	/* a limit skips the assertions: the run is incomplete, not wrong */
	ck_assert_int_eq(gsched(out, sizeof out, "run " LANG_DIR "impossible.json --max-steps 100"),
	                 0);
	ck_assert_msg(strstr(out, "skipped: the run stopped at a limit"), "%s", out);
}
END_TEST

START_TEST(cli_expected_deadlock_exits_0)
{
	ck_assert_int_eq(gsched(out, sizeof out, "run " LANG_DIR "deadlock.json"), 0);
	ck_assert_msg(strstr(out, "status        deadlock"), "%s", out);
	ck_assert_msg(strstr(out, "  passed      $.assert[0]: deadlock: status deadlock"), "%s",
	              out);
	ck_assert_int_eq(gsched(out, sizeof out, "run " LANG_DIR "deadlock-unexpected.json"), 1);
	ck_assert_msg(strstr(out, "status        deadlock"), "%s", out);
}
END_TEST

START_TEST(cli_every_op_runs)
{
	for (int w = 0; w < 2; w++) {
		char args[512];
		snprintf(args, sizeof args, "run " LANG_DIR "every-op.json --seed 5 --window %s",
		         w ? "inf" : "0");
		int rc = gsched(out, sizeof out, args);
		ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
		ck_assert_msg(strstr(out, "goroutines    9 created, 9 finished"), "%s", out);
		ck_assert_msg(strstr(out, "assertions    6 passed, 0 failed"), "%s", out);
	}
}
END_TEST

START_TEST(cli_policy_and_list)
{
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --policy randomize=maybe"), 2);
	ck_assert_msg(strstr(out, "--policy: randomize takes on|off (got 'maybe')"), "%s", out);
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --policy frob=on"), 2);
	ck_assert_msg(strstr(out, "--policy: unknown policy 'frob=on'"), "%s", out);
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --policy"), 2);
	ck_assert_int_eq(gsched(out, sizeof out, "list policies"), 0);
	ck_assert_msg(strstr(out, "randomize"), "%s", out);
	ck_assert_int_eq(gsched(out, sizeof out, "list scenarios"), 0);
	int width = 0; /* names are padded to the longest */
	for (int i = 0; sc_bundled_name(i); i++)
		if ((int)strlen(sc_bundled_name(i)) > width)
			width = (int)strlen(sc_bundled_name(i));
	for (int i = 0; sc_bundled_name(i); i++) {
		char line[512];
		snprintf(line, sizeof line, "%-*s  %s\n", width, sc_bundled_name(i),
		         sc_bundled_summary(i));
		ck_assert_msg(strstr(out, line), "missing: %s", line);
	}
	char path[] = "/tmp/gsched-lang-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	char args[512];
	snprintf(args, sizeof args, "run spawn-tree --policy randomize=on --db %s", path);
	ck_assert_int_eq(gsched(out, sizeof out, args), 0);
	snprintf(args, sizeof args, "sqlite3 %s 'SELECT policy_json FROM runs' 2>&1", path);
	FILE *f = popen(args, "r");
	char pj[256] = "";
	if (f) {
		size_t n = fread(pj, 1, sizeof pj - 1, f);
		pj[n] = 0;
		pclose(f);
	}
	if (strstr(pj, "not found") == NULL) /* the sqlite3 shell may be missing */
		ck_assert_str_eq(pj, "{\"randomize\":true}\n");
	unlink(path);
}
END_TEST

Suite *make_lang_suite(void)
{
	Suite *s = suite_create("lang");
	TCase *tc = tcase_create("checker");
	tcase_add_test(tc, checker_exact_figures);
	tcase_add_test(tc, checker_open_and_backwards);
	tcase_add_test(tc, checker_limits_and_deadlock);
	tcase_add_test(tc, tee_feeds_both);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cli_failed_assertion_exits_1);
	tcase_add_test(tc, cli_expected_deadlock_exits_0);
	tcase_add_test(tc, cli_every_op_runs);
	tcase_add_test(tc, cli_policy_and_list);
	suite_add_tcase(s, tc);

	int n = 0;
	while (sc_bundled_name(n))
		n++;
	tc = tcase_create("bundled");
	tcase_set_timeout(tc, 120); /* per scenario: 100 runs */
	tcase_add_loop_test(tc, bundled_pass_assertions, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
