/*
 * check_scenarios.c - the workload language: every bundled scenario
 * loads, the compiled form and goroutine counts are what the documents
 * say, and every bad input is refused with exit code 2 and the exact
 * one-line message (file, JSON path, what was expected).  The language's
 * table (scenarios/ops.c) is consistent, and docs/scenarios.md lists
 * exactly its ops, select cases, assertions and document keys.
 *
 * The interpreter itself needs a scheduler to run in; the CLI and lang
 * suites run it end to end.  Here only sc_run_new's starting state is
 * checked.
 */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ops.h"
#include "sc_internal.h"

#define BAD_DIR GSCHED_SOURCE_DIR "/tests/data/bad/"

static struct sc_scenario *parse_ok(const char *text);

static const struct {
	const char *name;
	int gomaxprocs;
	int64_t goroutines;
} bundled[] = {
        /* sorted by name, as sc_bundled_name lists them */
        {"create-chain", 4, 1001},
        {"create-goroutines-parallel", 4, 1005},
        {"create-goroutines-single", 4, 1002},
        {"fan-out", 4, 1001},
        {"gomaxprocs-storm", 3, 308}, /* an upper bound: the chain spawns in a select */
        {"goroutine-parallelism", 4, 41},
        {"goroutine-parallelism2", 4, 41},
        {"gosched-storm", 4, 5},
        {"many-alive", 4, 100001},
        {"matmult", 4, 128},
        {"mutex-starvation", 2, 3},
        {"netpoll-server", 4, 2001},
        {"ping-pong-hog", 1, 5},
        {"preemption-after-syscall", 2, 9},
        {"producer-consumer", 4, 5},
        {"spawn-tree", 4, 2047},
        {"timer-fairness", 2, 4},
        {"timer-fairness2", 2, 5},
        {"timer-storm", 4, 2001},
        {"wakeup-parallel-spinning", 4, 51},
        {"wakeup-parallel-syscall", 4, 51},
        {"yield-progress", 2, 2},
};
#define NBUNDLED (int)(sizeof bundled / sizeof bundled[0])

START_TEST(bundled_listed_in_order)
{
	for (int i = 0; i < NBUNDLED; i++) {
		ck_assert_ptr_nonnull(sc_bundled_name(i));
		ck_assert_str_eq(sc_bundled_name(i), bundled[i].name);
		ck_assert_ptr_nonnull(sc_bundled_summary(i));
		ck_assert_int_gt((int)strlen(sc_bundled_summary(i)), 10);
		ck_assert_ptr_null(strchr(sc_bundled_summary(i), '\n'));
	}
	ck_assert_ptr_null(sc_bundled_name(NBUNDLED));
	ck_assert_ptr_null(sc_bundled_summary(NBUNDLED));
	ck_assert_ptr_null(sc_bundled_name(-1));
}
END_TEST

START_TEST(bundled_loads)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	int rc = sc_load(bundled[_i].name, &sc, err, sizeof err);
	ck_assert_msg(rc == 0, "%s: %s", bundled[_i].name, err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_str_eq(sc_name(sc), bundled[_i].name);
	ck_assert_int_eq(sc_gomaxprocs(sc), bundled[_i].gomaxprocs);
	ck_assert_int_eq(sc_goroutines(sc), bundled[_i].goroutines);
	ck_assert_int_gt((int)sc_op_count(sc), 0);
	ck_assert_ptr_nonnull(strstr(sc_text(sc), "\"description\""));
	ck_assert_int_gt((int)sc_assert_count(sc), 0);

	struct sc_run *r = sc_run_new(sc, 42);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sc_run_live(r), 1);
	ck_assert_int_eq(sc_run_created(r), 1);
	sc_run_free(r);
	sc_free(sc);
}
END_TEST

/* spawn-tree: one recursive body, IF + SPAWN + JUMP, SPEND, EXIT. */
START_TEST(spawn_tree_compiles)
{
	struct sc_scenario *sc = NULL;
	char err[1024];
	ck_assert_int_eq(sc_load("spawn-tree", &sc, err, sizeof err), 0);
	ck_assert_int_eq((int)sc_op_count(sc), 5);
	ck_assert_int_eq((int)sc_assert_count(sc), 1);
	ck_assert_int_eq(sc_assert_get(sc, 0)->kind, SC_ASSERT_ALL_FINISH);
	ck_assert_ptr_null(sc_assert_get(sc, 1));
	sc_free(sc);
}
END_TEST

/* Every op and every assertion of the language in one file. */
START_TEST(every_op_loads)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	int rc = sc_load(GSCHED_SOURCE_DIR "/tests/data/lang/every-op.json", &sc, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_int_eq(sc_goroutines(sc), 9);
	ck_assert_str_eq(sc_main_label(sc), "main");
	ck_assert_int_eq((int)sc_assert_count(sc), 6);
	const struct sc_assert *a = sc_assert_get(sc, 2);
	ck_assert_int_eq(a->kind, SC_ASSERT_CPU_SHARE);
	ck_assert_str_eq(a->label, "worker");
	ck_assert_str_eq(a->label2, "tree");
	ck_assert(a->within == 1000000);
	ck_assert_str_eq(a->path, "$.assert[2]");
	a = sc_assert_get(sc, 5);
	ck_assert_int_eq(a->kind, SC_ASSERT_MIN_EVENTS);
	ck_assert_str_eq(a->kind_name, "gstatus");
	ck_assert_int_eq(a->n, 10);
	struct sc_run *r = sc_run_new(sc, 1);
	ck_assert_ptr_nonnull(r);
	sc_run_free(r); /* no run: nothing was created, nothing to free in the runtime */
	sc_free(sc);
}
END_TEST

/* Arguments and if: the loader evaluates every state a run reaches. */
START_TEST(parse_args_and_if)
{
	/* a binary tree of depth 4 by arguments: 31 goroutines */
	struct sc_scenario *sc = parse_ok(
	        "{\"gomaxprocs\":1,\"main\":\"n\",\"params\":{\"n\":{\"d\":4}},\"bodies\":{"
	        "\"n\":[{\"op\":\"if\",\"cond\":{\"gt\":[\"$d\",0]},\"then\":[{\"op\":\"spawn\","
	        "\"body\":\"n\",\"count\":2,\"args\":{\"d\":{\"sub\":[\"$d\",1]}}}]}]}}");
	ck_assert_int_eq(sc_goroutines(sc), 31);
	sc_free(sc);
	/* else branches, counts from arguments, mul; an exit in a then ends the goroutine */
	sc = parse_ok("{\"gomaxprocs\":1,\"main\":\"m\",\"params\":{\"w\":{\"k\":1}},"
	              "\"bodies\":{\"m\":[{\"op\":\"spawn\",\"body\":\"w\",\"args\":{\"k\":3}},"
	              "{\"op\":\"spawn\",\"body\":\"w\"}],"
	              "\"w\":[{\"op\":\"if\",\"cond\":{\"eq\":[\"$k\",1]},\"then\":[{\"op\":"
	              "\"exit\"}],\"else\":[{\"op\":\"spawn\",\"body\":\"x\",\"count\":"
	              "{\"mul\":[\"$k\",\"$k\"]}}]},{\"op\":\"spawn\",\"body\":\"x\"}],\"x\":[]}}");
	/* main + w(3) [9 x + 1 x] + w(1) [exits] */
	ck_assert_int_eq(sc_goroutines(sc), 1 + 1 + 10 + 1);
	sc_free(sc);
	/* a spawn in a select case counts as if every case ran: an upper bound */
	sc = parse_ok("{\"gomaxprocs\":1,\"main\":\"m\",\"channels\":{\"c\":{}},\"bodies\":{"
	              "\"m\":[{\"op\":\"select\",\"cases\":[{\"recv\":\"c\",\"then\":[{\"op\":"
	              "\"spawn\",\"body\":\"x\"}]}],\"default\":[{\"op\":\"spawn\",\"body\":"
	              "\"x\",\"count\":2}]}],\"x\":[]}}");
	ck_assert_int_eq(sc_goroutines(sc), 4);
	sc_free(sc);
}
END_TEST

static struct sc_scenario *parse_ok(const char *text)
{
	struct sc_scenario *sc = NULL;
	char err[1024] = "";
	int rc = sc_parse("mem.json", text, &sc, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	return sc;
}

START_TEST(parse_counts_and_defaults)
{
	/* repeat compiles to REPEAT + body + END; every body gets an EXIT */
	struct sc_scenario *sc = parse_ok(
	        "{\"gomaxprocs\":3,\"main\":\"m\",\"bodies\":{"
	        "\"m\":[{\"op\":\"repeat\",\"count\":10,\"body\":[{\"op\":\"spawn\",\"body\":\"w\","
	        "\"count\":5},{\"op\":\"gosched\"}]}],"
	        "\"w\":[{\"op\":\"spend\",\"ns\":{\"normal\":[1000,100]}},{\"op\":\"spawn\","
	        "\"body\":\"leaf\"}],\"leaf\":[]}}");
	ck_assert_str_eq(sc_name(sc), "mem"); /* no "name": the file stem */
	ck_assert_int_eq(sc_gomaxprocs(sc), 3);
	ck_assert_int_eq((int)sc_op_count(sc), 5 + 3 + 1);
	ck_assert_int_eq(sc_goroutines(sc), 1 + 10 * 5 * 2);
	sc_free(sc);
}
END_TEST

START_TEST(parse_exit_semantics)
{
	/* an exit inside a repeat ends the goroutine in the first iteration;
	 * what follows an exit never runs, so a spawn there is no cycle */
	struct sc_scenario *sc = parse_ok(
	        "{\"name\":\"x\",\"gomaxprocs\":1,\"main\":\"m\",\"bodies\":{"
	        "\"m\":[{\"op\":\"spawn\",\"body\":\"w\",\"count\":2},"
	        "{\"op\":\"repeat\",\"count\":100,\"body\":[{\"op\":\"spawn\",\"body\":\"w\"},"
	        "{\"op\":\"exit\"},{\"op\":\"spawn\",\"body\":\"w\"}]},"
	        "{\"op\":\"spawn\",\"body\":\"w\",\"count\":7}],"
	        "\"w\":[{\"op\":\"exit\"},{\"op\":\"spawn\",\"body\":\"w\"}]}}");
	ck_assert_str_eq(sc_name(sc), "x");
	ck_assert_int_eq(sc_goroutines(sc), 1 + 2 + 1);
	sc_free(sc);

	/* a cycle that spawns zero goroutines is harmless */
	sc = parse_ok(
	        "{\"gomaxprocs\":1,\"main\":\"m\",\"bodies\":{"
	        "\"m\":[{\"op\":\"spawn\",\"body\":\"m\",\"count\":0},"
	        "{\"op\":\"repeat\",\"count\":0,\"body\":[{\"op\":\"spawn\",\"body\":\"m\"}]}]}}");
	ck_assert_int_eq(sc_goroutines(sc), 1);
	sc_free(sc);
}
END_TEST

START_TEST(parse_depth_limit)
{
	/* 16 nested repeats are fine (17 are refused: bad fixture below) */
	char text[4096], *p = text;
	p += sprintf(p, "{\"gomaxprocs\":1,\"main\":\"m\",\"bodies\":{\"m\":[");
	for (int i = 0; i < 16; i++)
		p += sprintf(p, "{\"op\":\"repeat\",\"count\":2,\"body\":[");
	p += sprintf(p, "{\"op\":\"spawn\",\"body\":\"w\"}");
	for (int i = 0; i < 16; i++)
		p += sprintf(p, "]}");
	sprintf(p, "],\"w\":[]}}");
	struct sc_scenario *sc = parse_ok(text);
	ck_assert_int_eq(sc_goroutines(sc), 1 + 65536);
	sc_free(sc);
}
END_TEST

START_TEST(parse_saturates)
{
	struct sc_scenario *sc =
	        parse_ok("{\"gomaxprocs\":1,\"main\":\"a\",\"bodies\":{"
	                 "\"a\":[{\"op\":\"spawn\",\"body\":\"b\",\"count\":10000000}],"
	                 "\"b\":[{\"op\":\"spawn\",\"body\":\"c\",\"count\":10000000}],"
	                 "\"c\":[{\"op\":\"spawn\",\"body\":\"d\",\"count\":10000000}],"
	                 "\"d\":[{\"op\":\"repeat\",\"count\":10000000,\"body\":[{\"op\":\"spawn\","
	                 "\"body\":\"e\",\"count\":10000000}]}],\"e\":[]}}");
	ck_assert(sc_goroutines(sc) == INT64_MAX);
	sc_free(sc);
}
END_TEST

/* Bad inputs: the file under tests/data/bad/ and the message after "FILE: ". */
static const struct {
	const char *file;
	const char *msg;
} bad[] = {
        {"missing-gomaxprocs.json", "$: missing field \"gomaxprocs\""},
        {"missing-main.json", "$: missing field \"main\""},
        {"main-no-body.json", "$.main: expected the name of a body in $.bodies (got \"rot\")"},
        {"count-string.json",
         "$.bodies.main[0].count: expected a non-negative integer (got \"3\")"},
        {"count-negative.json",
         "$.bodies.worker[2].count: expected a non-negative integer (got -3)"},
        {"unknown-op.json",
         "$.bodies.worker[1].op: unknown op \"spwan\" (expected spawn, spend, "
         "gosched, repeat, exit, sleep, syscall, io-wait, set-gomaxprocs, "
         "send, recv, close, select, lock, unlock, add, done, wait, if, syscall-block)"},
        {"unknown-key.json",
         "$.bodies.main[0].cout: unknown key \"cout\" (expected op, body, count, args, label)"},
        {"unknown-top-key.json",
         "$.gomaxproc: unknown key \"gomaxproc\" (expected name, description, gomaxprocs, main, "
         "bodies, params, channels, mutexes, waitgroups, main-label, assert)"},
        {"spawn-unknown-body.json",
         "$.bodies.main[0].body: expected the name of a body in $.bodies (got \"wroker\")"},
        {"not-json.json", "not JSON: parse error near line 1, column 1"},
        {"truncated.json",
         "not JSON: parse error near line 6, column 39 (the document ends early)"},
        {"empty.json", "not JSON: the document is empty"},
        {"repeat-too-deep.json",
         "$.bodies.main[0].body[0].body[0].body[0].body[0].body[0].body[0].body[0].body[0]"
         ".body[0].body[0].body[0].body[0].body[0].body[0].body[0].body[0]: expected repeats "
         "nested at most 16 deep (got 17)"},
        {"bad-distribution.json", "$.bodies.worker[0].ns.poisson: unknown distribution "
                                  "\"poisson\" (expected uniform, exp, normal)"},
        {"uniform-reversed.json",
         "$.bodies.main[0].ns.uniform: expected [lo, hi] with lo <= hi (got [500,100])"},
        {"spawn-cycle.json", "$.bodies.pong[0].body[0].body: expected spawns that end (got the "
                             "endless cycle ping -> pong -> ping)"},
        {"gomaxprocs-zero.json", "$.gomaxprocs: expected an integer in 1..256 (got 0)"},
        {"duplicate-body.json", "$.bodies.worker: duplicate key \"worker\""},
        {"unknown-chan.json",
         "$.bodies.main[0].chan: expected the name of one of $.channels (got \"jbos\")"},
        {"endless-recursion.json", "$.bodies.node[0].then[0].body: expected spawns that end (got "
                                   "the endless cycle node(depth=3) -> node(depth=3))"},
        {"unbounded-recursion.json",
         "$.bodies.node[0].body: expected spawns that end (got more than 65536 distinct "
         "goroutine states: does an argument approach a bound?)"},
        {"count-expr-negative.json",
         "$.bodies.w[0].count: expected an integer in 0..10000000 (got -2 in w(n=3))"},
        {"unknown-param.json", "$.bodies.main[0].args.m: unknown argument \"m\" (body w takes n)"},
        {"assert-unknown-label.json",
         "$.assert[1].max-runnable-wait.label: expected a label given by a spawn or by "
         "main-label (got \"pnig\")"},
        {"unknown-assert.json",
         "$.assert[0].all-finsh: unknown assertion \"all-finsh\" (expected all-finish, deadlock, "
         "max-runnable-wait, cpu-share, finish-before, min-parallelism, min-events)"},
        {"select-bad-case.json",
         "$.bodies.main[0].cases[1]: expected a case {\"send\": \"c\", \"value\": 1} or "
         "{\"recv\": \"c\"}, with an optional \"then\" (got {\"send\":\"c\",\"recv\":\"c\"})"},
        {"bad-comparison.json", "$.bodies.main[0].cond.gte: unknown comparison \"gte\" (expected "
                                "eq, ne, lt, le, gt, ge)"},
};
#define NBAD (int)(sizeof bad / sizeof bad[0])

START_TEST(bad_file_refused)
{
	char path[1024], want[2048], err[2048] = "";
	struct sc_scenario *sc = (struct sc_scenario *)&sc; /* must be reset to NULL */
	snprintf(path, sizeof path, "%s%s", BAD_DIR, bad[_i].file);
	snprintf(want, sizeof want, "%s: %s", path, bad[_i].msg);
	ck_assert_int_eq(sc_load(path, &sc, err, sizeof err), 2);
	ck_assert_ptr_null(sc);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(bad_inline)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	        {"[1,2]", "$: expected a scenario object (got [1,2])"},
	        {"{} x", "not JSON: parse error near line 1, column 4"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{}}",
	         "$.bodies: expected an object of named bodies like {\"main\":[...]} (got {})"},
	        {"{\"gomaxprocs\":2.5,\"main\":\"m\",\"bodies\":{\"m\":[]}}",
	         "$.gomaxprocs: expected an integer in 1..256 (got 2.5)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":{}}}",
	         "$.bodies.m: expected an array of ops (got {})"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[\"spend\"]}}",
	         "$.bodies.m[0]: expected an op object like {\"op\":\"spend\",\"ns\":100} (got "
	         "\"spend\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"ns\":5}]}}",
	         "$.bodies.m[0]: missing field \"op\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\"}]}}",
	         "$.bodies.m[0]: missing field \"ns\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":"
	         "{\"exp\":-1}}]}}",
	         "$.bodies.m[0].ns.exp: expected a non-negative integer (got -1)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":"
	         "{\"normal\":[100]}}]}}",
	         "$.bodies.m[0].ns.normal: expected [mean, stddev] in ns (got [100])"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":"
	         "{\"exp\":5,\"uniform\":[1,2]}}]}}",
	         "$.bodies.m[0].ns: expected a non-negative integer or one distribution: "
	         "{\"uniform\":[lo,hi]}, {\"exp\":mean} or {\"normal\":[mean,stddev]} (got "
	         "{\"exp\":5,\"uniform\":[1,2]})"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spawn\",\"body\":"
	         "\"m\",\"count\":10000001}]}}",
	         "$.bodies.m[0].count: expected a non-negative integer up to 10000000 (got "
	         "10000001)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"repeat\",\"body\":"
	         "[]}]}}",
	         "$.bodies.m[0]: missing field \"count\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"gosched\","
	         "\"op\":\"gosched\"}]}}",
	         "$.bodies.m[0].op: duplicate key \"op\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"we ird\":[],\"m\":[{\"op\":"
	         "\"spawn\",\"body\":\"we ird\"},{\"op\":7}]}}",
	         "$.bodies.m[1].op: expected an op name (got 7)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"a.b\":[{\"op\":\"exit\","
	         "\"x\":1}],\"m\":[]}}",
	         "$.bodies[\"a.b\"][0].x: unknown key \"x\" (expected op)"},
	        {"{\"name\":\"\",\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[]}}",
	         "$.name: expected a non-empty string (got \"\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spawn\",\"body\":"
	         "\"m\"}]}}",
	         "$.bodies.m[0].body: expected spawns that end (got the endless cycle m -> m)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"recv\"}]}}",
	         "$.bodies.m[0]: missing field \"chan\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"mutexes\":[\"mu\"],\"bodies\":{\"m\":[{\"op\":"
	         "\"lock\",\"mutex\":\"mx\"}]}}",
	         "$.bodies.m[0].mutex: expected the name of one of $.mutexes (got \"mx\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"waitgroups\":[\"wg\"],\"bodies\":{\"m\":[{"
	         "\"op\":\"add\",\"wg\":\"wg\"}]}}",
	         "$.bodies.m[0]: missing field \"n\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"waitgroups\":[\"wg\"],\"bodies\":{\"m\":[{"
	         "\"op\":\"wait\",\"wg\":\"wg2\"}]}}",
	         "$.bodies.m[0].wg: expected the name of one of $.waitgroups (got \"wg2\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"set-gomaxprocs\","
	         "\"n\":0}]}}",
	         "$.bodies.m[0].n: expected an integer in 1..256 (got 0)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"set-gomaxprocs\","
	         "\"n\":300}]}}",
	         "$.bodies.m[0].n: expected a non-negative integer up to 256 (got 300)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"sleep\",\"ns\":-5}]"
	         "}}",
	         "$.bodies.m[0].ns: expected a non-negative integer (got -5)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"io-wait\",\"ns\":{"
	         "\"poisson\":5}}]}}",
	         "$.bodies.m[0].ns.poisson: unknown distribution \"poisson\" (expected uniform, "
	         "exp, normal)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"select\",\"cases\":"
	         "[]}]}}",
	         "$.bodies.m[0].cases: expected an array of 1..16 cases like {\"recv\": \"c\"} "
	         "(got [])"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{}},\"bodies\":{\"m\":[{"
	         "\"op\":\"select\",\"cases\":[{\"recv\":\"c\",\"value\":1}]}]}}",
	         "$.bodies.m[0].cases[0].value: unknown key \"value\" (expected recv, then)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{}},\"bodies\":{\"m\":[{"
	         "\"op\":\"select\",\"cases\":[{\"recv\":\"c\",\"then\":[{\"op\":\"exit\",\"n\":1}]"
	         "}]}]}}",
	         "$.bodies.m[0].cases[0].then[0].n: unknown key \"n\" (expected op)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{}},\"bodies\":{\"m\":[{"
	         "\"op\":\"select\",\"cases\":[{\"recv\":\"c\"}],\"default\":[{\"op\":\"spwan\"}]}]"
	         "}}",
	         "$.bodies.m[0].default[0].op: unknown op \"spwan\" (expected spawn, spend, "
	         "gosched, repeat, exit, sleep, syscall, io-wait, set-gomaxprocs, send, recv, "
	         "close, select, lock, unlock, add, done, wait, if, syscall-block)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"if\",\"then\":[]}]}"
	         "}",
	         "$.bodies.m[0]: missing field \"cond\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"if\",\"cond\":{"
	         "\"lt\":[1]},\"then\":[]}]}}",
	         "$.bodies.m[0].cond.lt: expected two operands [x, y] (got [1])"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"if\",\"cond\":{"
	         "\"lt\":[1,2]},\"then\":[],\"else\":[{\"op\":\"gosched\",\"x\":1}]}]}}",
	         "$.bodies.m[0].else[0].x: unknown key \"x\" (expected op)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":{"
	         "\"add\":[1,2,3]}}]}}",
	         "$.bodies.m[0].ns.add: expected two operands [x, y] (got [1,2,3])"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":\"$"
	         "n\"}]}}",
	         "$.bodies.m[0].ns: expected a param of body m (it has none: declare them in "
	         "$.params) (got \"$n\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spend\",\"ns\":{"
	         "\"add\":[1,{\"add\":[1,{\"add\":[1,{\"add\":[1,{\"add\":[1,{\"add\":[1,{\"add\":["
	         "1,{\"add\":[1,{\"add\":[1,1]}]}]}]}]}]}]}]}]}}]}}",
	         "$.bodies.m[0].ns.add[1].add[1].add[1].add[1].add[1].add[1].add[1].add[1].add: "
	         "expected expressions nested at most 8 deep"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{}},\"bodies\":{\"m\":[{"
	         "\"op\":\"send\",\"chan\":\"c\",\"value\":\"x\"}]}}",
	         "$.bodies.m[0].value: expected an integer, a \"$param\" of the body, or "
	         "{\"add\"|\"sub\"|\"mul\": [x, y]} (got \"x\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spawn\",\"body\":"
	         "\"m\",\"count\":0,\"label\":\"\"}]}}",
	         "$.bodies.m[0].label: expected a non-empty string (got \"\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"bodies\":{\"m\":[{\"op\":\"spawn\",\"body\":"
	         "\"m\",\"count\":0,\"args\":{\"n\":1}}]}}",
	         "$.bodies.m[0].args.n: unknown argument \"n\" (body m takes none)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{\"cap\":-1}},\"bodies\":{"
	         "\"m\":[]}}",
	         "$.channels.c.cap: expected a non-negative integer (got -1)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"channels\":{\"c\":{\"size\":1}},\"bodies\":{"
	         "\"m\":[]}}",
	         "$.channels.c.size: unknown key \"size\" (expected cap)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"mutexes\":[\"mu\",\"mu\"],\"bodies\":{\"m\":[]"
	         "}}",
	         "$.mutexes[1]: expected a name not given before (got \"mu\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"waitgroups\":\"wg\",\"bodies\":{\"m\":[]}}",
	         "$.waitgroups: expected an array of at most 256 names like [\"mu\"] (got \"wg\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"params\":{\"zz\":{\"n\":1}},\"bodies\":{\"m\":"
	         "[]}}",
	         "$.params.zz: expected the name of a body in $.bodies (got \"zz\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"params\":{\"m\":{\"n\":\"x\"}},\"bodies\":{"
	         "\"m\":[]}}",
	         "$.params.m.n: expected an integer default value (got \"x\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"params\":{\"m\":{}},\"bodies\":{\"m\":[]}}",
	         "$.params.m: expected an object of 1..8 params with default values like "
	         "{\"depth\": 10} (got {})"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"main-label\":\"\",\"bodies\":{\"m\":[]}}",
	         "$.main-label: expected a non-empty string (got \"\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"assert\":{\"all-finish\":true},\"bodies\":{"
	         "\"m\":[]}}",
	         "$.assert: expected an array of assertions like [{\"all-finish\": true}] (got "
	         "{\"all-finish\":true})"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"assert\":[{\"all-finish\":true},{\"deadlock\":"
	         "true}],\"bodies\":{\"m\":[]}}",
	         "$.assert[1].deadlock: expected either all-finish or deadlock, not both"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"assert\":[{\"all-finish\":false}],\"bodies\":{"
	         "\"m\":[]}}",
	         "$.assert[0].all-finish: expected true (got false)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"main-label\":\"a\",\"assert\":[{\"cpu-share\":"
	         "{\"labels\":[\"a\",\"a\"],\"within\":0.5}}],\"bodies\":{\"m\":[]}}",
	         "$.assert[0].cpu-share.within: expected a factor >= 1 (got 0.5)"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"main-label\":\"a\",\"assert\":[{\"cpu-share\":"
	         "{\"labels\":[\"a\"],\"within\":2}}],\"bodies\":{\"m\":[]}}",
	         "$.assert[0].cpu-share.labels: expected two labels [\"a\", \"b\"] (got [\"a\"])"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"assert\":[{\"min-events\":{\"kind\":"
	         "\"steals\",\"count\":1}}],\"bodies\":{\"m\":[]}}",
	         "$.assert[0].min-events.kind: expected an event kind of docs/database.md such as "
	         "steal, preempt or gstatus (got \"steals\")"},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"main-label\":\"a\",\"assert\":[{\"finish-"
	         "before\":{\"label\":\"a\"}}],\"bodies\":{\"m\":[]}}",
	         "$.assert[0].finish-before: missing field \"ns\""},
	        {"{\"gomaxprocs\":2,\"main\":\"m\",\"main-label\":\"a\",\"assert\":[{\"min-"
	         "parallelism\":{\"label\":\"a\",\"n\":2,\"x\":1}}],\"bodies\":{\"m\":[]}}",
	         "$.assert[0].min-parallelism.x: unknown key \"x\" (expected label, n, native-n)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char want[2048], err[2048] = "";
		struct sc_scenario *sc = NULL;
		snprintf(want, sizeof want, "in.json: %s", cases[i].msg);
		ck_assert_int_eq(sc_parse("in.json", cases[i].text, &sc, err, sizeof err), 2);
		ck_assert_ptr_null(sc);
		ck_assert_str_eq(err, want);
	}
}
END_TEST

START_TEST(missing_file)
{
	char err[1024];
	struct sc_scenario *sc = NULL;
	ck_assert_int_eq(sc_load(BAD_DIR "no-such-file.json", &sc, err, sizeof err), 2);
	ck_assert_str_eq(err, BAD_DIR "no-such-file.json: cannot read: No such file or directory");
	ck_assert_int_eq(sc_load(BAD_DIR, &sc, err, sizeof err), 2);
	ck_assert_str_eq(err, BAD_DIR ": cannot read: Is a directory");
}
END_TEST

START_TEST(unknown_bundled)
{
	char err[1024], want[1024];
	struct sc_scenario *sc = NULL;
	ck_assert_int_eq(sc_load("spawn-tre", &sc, err, sizeof err), 2);
	ck_assert_ptr_null(sc);
	size_t n = (size_t)snprintf(want, sizeof want,
	                            "spawn-tre: no bundled scenario of that name (bundled: ");
	for (int i = 0; sc_bundled_name(i); i++)
		n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", i ? ", " : "",
		                      sc_bundled_name(i));
	snprintf(want + n, sizeof want - n, "; a path needs a '/' or a .json suffix)");
	ck_assert_str_eq(err, want);
	ck_assert_ptr_nonnull(strstr(err, "create-chain, create-goroutines-parallel, "));
}
END_TEST

/* ---- one table: scenarios/ops.c, and the docs that list it ---- */

#define DOCS     GSCHED_SOURCE_DIR "/docs/scenarios.md"
#define MAX_ROWS 64

/* docs/scenarios.md, NUL-terminated; the caller frees it. */
static char *read_docs(void)
{
	FILE *f = fopen(DOCS, "rb");
	ck_assert_msg(f != NULL, "cannot read " DOCS);
	char *text = malloc(1 << 20);
	ck_assert_ptr_nonnull(text);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* A row of a markdown table: its first cells, trimmed. */
struct mdrow {
	char cell[4][512];
};

/* The rows of the table whose header line starts with header. */
static int md_rows(const char *doc, const char *header, struct mdrow *rows)
{
	char want[128];
	snprintf(want, sizeof want, "\n%s", header);
	const char *p = strstr(doc, want);
	ck_assert_msg(p != NULL, DOCS ": no table with the header line \"%s\"", header);
	p = strchr(p + 1, '\n');
	ck_assert_msg(p && strncmp(p + 1, "|---", 4) == 0, DOCS ": table \"%s\": no |---| line",
	              header);
	p = strchr(p + 1, '\n') + 1;
	int n = 0;
	for (; *p == '|' && n < MAX_ROWS; n++) {
		memset(&rows[n], 0, sizeof rows[n]);
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		const char *c = p + 1;
		for (int k = 0; k < 4 && c < end; k++) {
			const char *bar = memchr(c, '|', (size_t)(end - c));
			const char *e = bar ? bar : end;
			while (c < e && *c == ' ')
				c++;
			size_t len = (size_t)(e - c);
			while (len && c[len - 1] == ' ')
				len--;
			snprintf(rows[n].cell[k], sizeof rows[n].cell[k], "%.*s", (int)len, c);
			c = e + 1;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/* "`name`" -> "name" (into buf); anything else stays as it is. */
static const char *unquote(const char *cell, char *buf, size_t cap)
{
	size_t n = strlen(cell);
	if (n >= 2 && cell[0] == '`' && cell[n - 1] == '`')
		snprintf(buf, cap, "%.*s", (int)(n - 2), cell + 1);
	else
		snprintf(buf, cap, "%s", cell);
	return buf;
}

/* The fields of a row that are (not) required, as the docs write them:
 * "`count` (default 1), `args`, `label`". */
static const char *render(char *buf, size_t cap, const struct sc_field *f, int n, bool required)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && k < cap; i++) {
		if (f[i].required != required)
			continue;
		k += (size_t)snprintf(buf + k, cap - k, "%s`%s`", k ? ", " : "", f[i].name);
		if (!required && (f[i].type == SC_F_COUNT || f[i].type == SC_F_INT) && k < cap)
			k += (size_t)snprintf(buf + k, cap - k, " (default %lld)",
			                      (long long)f[i].dflt);
	}
	return buf;
}

/* The table of docs under header lists exactly the rows of defs, each
 * with its required fields in the second column and its optional ones
 * in the third, in table order. */
static void docs_list_opdefs(const char *doc, const char *header, const char *what,
                             const struct sc_opdef *defs, int ndefs)
{
	struct mdrow rows[MAX_ROWS];
	bool seen[MAX_ROWS] = {false};
	int n = md_rows(doc, header, rows);
	ck_assert_int_le(ndefs, MAX_ROWS);
	for (int r = 0; r < n; r++) {
		char name[512], want[512];
		unquote(rows[r].cell[0], name, sizeof name);
		int i = 0;
		while (i < ndefs && strcmp(defs[i].name, name) != 0)
			i++;
		ck_assert_msg(i < ndefs, DOCS ": %s `%s` is not in scenarios/ops.c", what, name);
		ck_assert_msg(!seen[i], DOCS ": %s `%s` is listed twice", what, name);
		seen[i] = true;
		int nf = sc_nfields(defs[i].fields, SC_MAX_FIELDS);
		render(want, sizeof want, defs[i].fields, nf, true);
		ck_assert_msg(strcmp(rows[r].cell[1], want) == 0,
		              DOCS
		              ": %s `%s`: required fields \"%s\", but scenarios/ops.c has \"%s\"",
		              what, name, rows[r].cell[1], want);
		render(want, sizeof want, defs[i].fields, nf, false);
		ck_assert_msg(strcmp(rows[r].cell[2], want) == 0,
		              DOCS
		              ": %s `%s`: optional fields \"%s\", but scenarios/ops.c has \"%s\"",
		              what, name, rows[r].cell[2], want);
	}
	for (int i = 0; i < ndefs; i++)
		ck_assert_msg(seen[i],
		              DOCS ": %s `%s` of scenarios/ops.c is missing from the table %s",
		              what, defs[i].name, header);
}

START_TEST(docs_list_ops)
{
	char *doc = read_docs();
	docs_list_opdefs(doc, "| op | required | optional |", "op", sc_opdefs, sc_nopdefs);
	docs_list_opdefs(doc, "| case | required | optional |", "select case", sc_casedefs,
	                 sc_ncasedefs);
	for (int i = 0; i < sc_nopdefs; i++) {
		char bold[64];
		snprintf(bold, sizeof bold, "**%s**", sc_opdefs[i].name);
		ck_assert_msg(strstr(doc, bold), DOCS ": op `%s` has no paragraph starting %s",
		              sc_opdefs[i].name, bold);
	}
	free(doc);
}
END_TEST

/* Each assertion of the docs' table is an example: its value is true,
 * or an object with exactly the assertion's fields, in table order. */
START_TEST(docs_list_assertions)
{
	char *doc = read_docs();
	struct mdrow rows[MAX_ROWS];
	bool seen[MAX_ROWS] = {false};
	int n = md_rows(doc, "| assertion | holds when |", rows);
	ck_assert_int_le(sc_nassertdefs, MAX_ROWS);
	for (int r = 0; r < n; r++) {
		char ex[512], keys[256] = "", want[256] = "";
		cJSON *j = cJSON_Parse(unquote(rows[r].cell[0], ex, sizeof ex));
		ck_assert_msg(cJSON_IsObject(j) && j->child && !j->child->next,
		              DOCS ": assertion example %s is not {\"name\": value}", ex);
		const cJSON *v = j->child;
		int i = 0;
		while (i < sc_nassertdefs && strcmp(sc_assertdefs[i].name, v->string) != 0)
			i++;
		ck_assert_msg(i < sc_nassertdefs, DOCS ": assertion `%s` is not in scenarios/ops.c",
		              v->string);
		ck_assert_msg(!seen[i], DOCS ": assertion `%s` is listed twice", v->string);
		seen[i] = true;
		const struct sc_assertdef *d = &sc_assertdefs[i];
		for (const cJSON *k = v->child; cJSON_IsObject(v) && k; k = k->next)
			snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
			         k == v->child ? "" : ", ", k->string);
		for (int f = 0; f < sc_nfields(d->fields, SC_MAX_ASSERT_FIELDS); f++)
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s",
			         f ? ", " : "", d->fields[f].name);
		if (!d->shape)
			ck_assert_msg(cJSON_IsTrue(v), DOCS ": assertion `%s` takes true", d->name);
		else
			ck_assert_msg(cJSON_IsObject(v) && strcmp(keys, want) == 0,
			              DOCS
			              ": assertion `%s` shows fields \"%s\", but scenarios/ops.c "
			              "has \"%s\"",
			              d->name, keys, want);
		cJSON_Delete(j);
	}
	for (int i = 0; i < sc_nassertdefs; i++)
		ck_assert_msg(seen[i], DOCS ": assertion `%s` of scenarios/ops.c is missing",
		              sc_assertdefs[i].name);
	free(doc);
}
END_TEST

START_TEST(docs_list_document_keys)
{
	char *doc = read_docs();
	struct mdrow rows[MAX_ROWS];
	bool seen[MAX_ROWS] = {false};
	int n = md_rows(doc, "| key |", rows);
	ck_assert_int_le(sc_ndocfields, MAX_ROWS);
	for (int r = 0; r < n; r++) {
		char name[512];
		unquote(rows[r].cell[0], name, sizeof name);
		int i = 0;
		while (i < sc_ndocfields && strcmp(sc_docfields[i].name, name) != 0)
			i++;
		ck_assert_msg(i < sc_ndocfields, DOCS ": key `%s` is not in scenarios/ops.c", name);
		ck_assert_msg(!seen[i], DOCS ": key `%s` is listed twice", name);
		seen[i] = true;
		const char *want = sc_docfields[i].required ? "required" : "optional";
		ck_assert_msg(strcmp(rows[r].cell[1], want) == 0,
		              DOCS ": key `%s` is %s, but scenarios/ops.c has it %s", name,
		              rows[r].cell[1], want);
	}
	for (int i = 0; i < sc_ndocfields; i++)
		ck_assert_msg(seen[i], DOCS ": key `%s` of scenarios/ops.c is missing",
		              sc_docfields[i].name);
	free(doc);
}
END_TEST

/* Where a field type puts its value in struct sc_op (ops.h): 'a', 'x'
 * (x/e, and for COND also y/f and dist), 'l' label, 'b' args; 0 for a
 * block. */
static char slot(uint8_t type)
{
	switch (type) {
	case SC_F_BODY:
	case SC_F_CHAN:
	case SC_F_MUTEX:
	case SC_F_WG:
		return 'a';
	case SC_F_COUNT:
	case SC_F_INT:
	case SC_F_DURATION:
	case SC_F_COND:
		return 'x';
	case SC_F_LABEL:
		return 'l';
	case SC_F_ARGS:
		return 'b';
	default:
		return 0;
	}
}

/* What the loader takes for granted of the table. */
START_TEST(ops_table_consistent)
{
	int rows_of_kind[SC_OP__COUNT] = {0};
	for (int i = 0; i < sc_nopdefs + sc_ncasedefs; i++) {
		bool is_case = i >= sc_nopdefs;
		const struct sc_opdef *d = is_case ? &sc_casedefs[i - sc_nopdefs] : &sc_opdefs[i];
		int n = sc_nfields(d->fields, SC_MAX_FIELDS), blocks[3] = {0}, slots[128] = {0};
		ck_assert_msg(is_case || sc_opdef_find(d->name) == d, "%s: a second row", d->name);
		ck_assert_int_lt(d->kind, SC_OP__COUNT);
		rows_of_kind[d->kind]++;
		for (int f = 0; f < n; f++) {
			const struct sc_field *fd = &d->fields[f];
			for (int g = 0; g < f; g++)
				ck_assert_msg(strcmp(fd->name, d->fields[g].name) != 0,
				              "%s: field %s twice", d->name, fd->name);
			ck_assert_msg(fd->type <= SC_F_CASES, "%s.%s: not an op field type",
			              d->name, fd->name);
			if (slot(fd->type))
				ck_assert_msg(++slots[(int)slot(fd->type)] == 1,
				              "%s: two fields in slot %c", d->name, slot(fd->type));
			if (fd->type == SC_F_COUNT || fd->type == SC_F_DURATION)
				ck_assert_msg(fd->lo >= 0 && fd->lo <= fd->hi,
				              "%s.%s: range %lld..%lld", d->name, fd->name,
				              (long long)fd->lo, (long long)fd->hi);
			if (fd->type == SC_F_ARGS)
				ck_assert_msg(slots['a'] == 1, "%s: args before its body", d->name);
			if (fd->type == SC_F_BLOCK)
				blocks[0]++;
			if (fd->type == SC_F_LOOP)
				blocks[1]++;
			if (fd->type == SC_F_CASES)
				blocks[2]++;
		}
		int b = blocks[0] * 100 + blocks[1] * 10 + blocks[2]; /* BLOCK, LOOP, CASES */
		switch (d->layout) {
		case SC_L_PLAIN:
			ck_assert_msg(b == 0, "%s: a plain op has no blocks", d->name);
			break;
		case SC_L_REPEAT:
			ck_assert_msg(b == 10, "%s: a repeat has one LOOP", d->name);
			break;
		case SC_L_IF:
			ck_assert_msg(b == 200, "%s: an if has two BLOCKs", d->name);
			break;
		case SC_L_SELECT:
			ck_assert_msg(b == 101 && d->fields[0].type == SC_F_CASES,
			              "%s: a select has its CASES, then a BLOCK", d->name);
			break;
		case SC_L_CASE:
			ck_assert_msg(is_case && b == 100 && d->fields[0].type == SC_F_CHAN &&
			                      d->fields[0].required,
			              "%s: a case is told by its channel and has a BLOCK", d->name);
			break;
		default:
			ck_abort_msg("%s: no such layout", d->name);
		}
	}
	/* every kind a body can name has one row; the rest are the loader's own */
	for (int k = 0; k < SC_OP__COUNT; k++) {
		int want = k == SC_OP_END || k == SC_OP_JUMP ? 0 : k == SC_OP_CASE ? 2 : 1;
		ck_assert_msg(rows_of_kind[k] == want,
		              "enum sc_opkind %d: %d rows in scenarios/ops.c, expected %d", k,
		              rows_of_kind[k], want);
	}
	for (int i = 0; i < sc_nassertdefs; i++) {
		const struct sc_assertdef *d = &sc_assertdefs[i];
		int n = sc_nfields(d->fields, SC_MAX_ASSERT_FIELDS);
		ck_assert_msg((d->shape == NULL) == (n == 0), "%s: a shape iff fields", d->name);
		for (int f = 0; f < n; f++)
			ck_assert_msg(d->fields[f].type >= SC_F_LABEL_REF &&
			                      d->fields[f].type < SC_F_TOP &&
			                      d->fields[f].required != d->fields[f].native,
			              "%s.%s: assertion fields are literals, required but for the "
			              "optional native bounds",
			              d->name, d->fields[f].name);
	}
	ck_assert_int_lt(sc_ndocfields, 32); /* check_keys: a bit per key */
}
END_TEST

Suite *make_scenarios_suite(void)
{
	Suite *s = suite_create("scenarios");
	TCase *tc = tcase_create("bundled");
	tcase_add_test(tc, bundled_listed_in_order);
	tcase_add_loop_test(tc, bundled_loads, 0, NBUNDLED);
	tcase_add_test(tc, spawn_tree_compiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, parse_counts_and_defaults);
	tcase_add_test(tc, parse_exit_semantics);
	tcase_add_test(tc, parse_depth_limit);
	tcase_add_test(tc, parse_saturates);
	tcase_add_test(tc, parse_args_and_if);
	tcase_add_test(tc, every_op_loads);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	/* unbounded-recursion.json explores 65,536 goroutine states before it
	 * is refused: a quarter of a second in a release build, a few under
	 * ASan. */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, bad_file_refused, 0, NBAD);
	tcase_add_test(tc, bad_inline);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, unknown_bundled);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, ops_table_consistent);
	tcase_add_test(tc, docs_list_ops);
	tcase_add_test(tc, docs_list_assertions);
	tcase_add_test(tc, docs_list_document_keys);
	suite_add_tcase(s, tc);
	return s;
}
