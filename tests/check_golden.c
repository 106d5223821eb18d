/*
 * check_golden.c - recorded traces end to end: record -> check, a golden
 * edited by hand, show -> parse round trip, replay of a database (whole,
 * truncated schedule, --continue), diff, a SIGKILLed writer, truncated
 * and overwritten databases, the version-1 -> 2 upgrade, the schedule
 * codec, and the bundled goldens' coverage.  The commands are exercised
 * through the real gsched binary, the formats through the C API.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "testutil.h"
#include "sc.h"
#include "tr.h"

static char out[1 << 18];

/* Run `gsched ARGS` (stdout and stderr together): the exit code, and the
 * output in out. */
#define gsched(...) run_gschedf(out, sizeof out, __VA_ARGS__)

static char dir[64];

static void make_dir(void)
{
	test_mkdtemp(dir, sizeof dir, "golden");
}

static void remove_dir(void)
{
	test_rmtree(dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int64_t query_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
	sqlite3_close(db);
}

START_TEST(test_record_check)
{
	make_dir();
	ck_assert_int_eq(gsched("record fan-out --seed 3 --max-steps 4000 --dir %s", dir), 0);
	ck_assert_ptr_nonnull(strstr(out, "fan-out-s3.trace"));
	ck_assert_int_eq(gsched("record fan-out --seed 3 --window inf --max-time 100us "
	                        "--policy randomize=on --dir %s",
	                        dir),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "fan-out-s3-winf.trace"));
	ck_assert_int_eq(gsched("check %s", dir), 0);
	ck_assert_msg(strstr(out, "2 passed, 0 failed\n"), "%s", out);
	/* bless of an unchanged golden changes nothing */
	ck_assert_int_eq(gsched("bless %s", dir), 0);
	ck_assert_msg(strstr(out, "fan-out-s3: unchanged"), "%s", out);
	/* the header says what was asked */
	char path[128];
	snprintf(path, sizeof path, "%s/fan-out-s3-winf.trace", dir);
	char *text = test_read_file(path);
	ck_assert_ptr_nonnull(strstr(text, "\nwindow: inf\n"));
	ck_assert_ptr_nonnull(strstr(text, "\npolicies: {\"randomize\":true}\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmax-time: 100000\n"));
	ck_assert_ptr_null(strstr(text, "gsched 0.")); /* no build string */
	free(text);
	/* check says when the bundled scenario has moved on since the golden
	 * was recorded (the golden itself still passes: it carries its text) */
	snprintf(path, sizeof path, "%s/fan-out-s3.trace", dir);
	text = test_read_file(path);
	char *at = strstr(text, "\"count\":1000");
	ck_assert_ptr_nonnull(at);
	memcpy(at, "\"count\":1001", 12);
	write_file(path, text);
	free(text);
	gsched("check %s", path);
	ck_assert_msg(strstr(out, "note fan-out-s3: the bundled scenario fan-out has changed"),
	              "%s", out);
	remove_dir();
}
END_TEST

/* Change one field (t_ns) of event k's line of the golden at path. */
static void edit_event(const char *path, int k)
{
	char *text = test_read_file(path), want[32];
	snprintf(want, sizeof want, "\n%d ", k);
	char *line = strstr(strstr(text, "\nevents: "), want);
	ck_assert_ptr_nonnull(line);
	/* the second field is t_ns: add 1 to it */
	char *t = line + strlen(want);
	long long v = strtoll(t, NULL, 10);
	char *rest = strchr(t, ' ');
	size_t head = (size_t)(t - text);
	char *edited = malloc(strlen(text) + 32);
	ck_assert_ptr_nonnull(edited);
	memcpy(edited, text, head);
	sprintf(edited + head, "%lld%s", v + 1, rest);
	write_file(path, edited);
	free(edited);
	free(text);
}

START_TEST(test_edited_golden)
{
	make_dir();
	ck_assert_int_eq(
	        gsched("record spawn-tree --seed 5 --max-steps 6000 --name st --dir %s", dir), 0);
	char path[128];
	snprintf(path, sizeof path, "%s/st.trace", dir);
	edit_event(path, 777);
	ck_assert_int_eq(gsched("check %s", path), 1);
	ck_assert_msg(strstr(out, "FAIL st: first difference at event 777\n"), "%s", out);
	/* both sides, the marked event, context and the state */
	char *golden = strstr(out, "golden "), *rerun = strstr(out, "re-run:");
	ck_assert_ptr_nonnull(golden);
	ck_assert_ptr_nonnull(rerun);
	ck_assert_ptr_nonnull(strstr(golden, "> 777 "));
	ck_assert_ptr_nonnull(strstr(rerun, "> 777 "));
	ck_assert_ptr_nonnull(strstr(out, "  774 "));
	ck_assert_ptr_nonnull(strstr(out, "  780 "));
	ck_assert_ptr_nonnull(strstr(out, "G/M/P state before event 777"));
	ck_assert_ptr_nonnull(strstr(out, "P0 "));
	ck_assert_ptr_nonnull(strstr(out, "0 passed, 1 failed\n"));

	/* bless restores it and says what changed */
	ck_assert_int_eq(gsched("bless %s", path), 0);
	ck_assert_msg(strstr(out, "st: changed from event 777"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "latency p99"));
	ck_assert_int_eq(gsched("check %s", path), 0);

	/* a golden that does not parse: FILE:LINE and exit 2 (nothing checked) */
	char *text = test_read_file(path);
	char *seed = strstr(text, "\nseed: ");
	ck_assert_ptr_nonnull(seed);
	memcpy(seed + 7, "x", 1);
	write_file(path, text);
	free(text);
	ck_assert_int_eq(gsched("check %s", path), 2);
	char want[160];
	snprintf(want, sizeof want, "%s:4: expected 'seed: N'", path);
	ck_assert_msg(strstr(out, want), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "0 passed, 1 failed\n"));
	remove_dir();
}
END_TEST

START_TEST(test_show_roundtrip)
{
	make_dir();
	ck_assert_int_eq(
	        gsched("run gosched-storm --seed 2 --max-steps 3000 --db %s/a.db --quiet", dir), 0);
	ck_assert_int_eq(gsched("show %s/a.db", dir), 0);
	struct tr_header h;
	struct tr_trace t;
	char err[512];
	ck_assert_msg(tr_golden_parse("show", out, &h, &t, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(h.max_steps, 3000);
	ck_assert_int_eq(h.status, TR_STEP_LIMIT);
	ck_assert_uint_eq(t.n, h.n_events);
	char *again = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&again, &len);
	ck_assert_int_eq(tr_golden_write(f, &h, &t), 0);
	fclose(f);
	ck_assert_str_eq(again, out);
	/* a shown run is a golden: check re-runs it */
	char path[128];
	snprintf(path, sizeof path, "%s/shown.trace", dir);
	write_file(path, again);
	ck_assert_int_eq(gsched("check %s", path), 0);
	free(again);
	tr_header_free(&h);
	tr_trace_free(&t);
	remove_dir();
}
END_TEST

START_TEST(test_replay)
{
	make_dir();
	char hash[64] = "";
	ck_assert_int_eq(gsched("run spawn-tree --seed 11 --db %s/r.db --quiet", dir), 0);
	ck_assert_int_eq(sscanf(out, "complete %63s", hash), 1);
	ck_assert_int_eq(gsched("replay %s/r.db", dir), 0);
	char want[256];
	snprintf(want, sizeof want, "replay: run 1 of %s/r.db reproduced: hash %s", dir, hash);
	ck_assert_msg(strstr(out, want), "%s", out);

	/* Cut the schedule to its first 500 decisions.  Eligible counts and
	 * picks are < 128 here, so each pair is 2 bytes. */
	char db[128];
	snprintf(db, sizeof db, "%s/r.db", dir);
	int64_t n = query_int(db, "SELECT n_decisions FROM schedules WHERE run = 1");
	ck_assert_int_gt(n, 600);
	ck_assert_int_eq(query_int(db, "SELECT length(data) FROM schedules WHERE run = 1"), 2 * n);
	exec_sql(db, "UPDATE schedules SET n_decisions = 500, data = substr(data, 1, 1000)");
	ck_assert_int_eq(gsched("replay %s", db), 1);
	ck_assert_msg(strstr(out, "departed from its schedule at decision 500 of 500"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "recorded next event:"));
	ck_assert_int_eq(gsched("replay %s --continue", db), 0);
	ck_assert_msg(strstr(out, "continued from the seed: complete"), "%s", out);

	/* a schedule whose blob does not hold its count: bad input */
	exec_sql(db, "UPDATE schedules SET n_decisions = 501");
	ck_assert_int_eq(gsched("replay %s", db), 2);
	ck_assert_ptr_nonnull(strstr(out, "the stored schedule is corrupt"));
	remove_dir();
}
END_TEST

START_TEST(test_diff)
{
	make_dir();
	ck_assert_int_eq(gsched("run fan-out --seed 1 --db %s/d.db --quiet --max-time 2ms", dir),
	                 0);
	ck_assert_int_eq(gsched("run fan-out --seed 2 --db %s/d.db --quiet --max-time 2ms", dir),
	                 0);
	ck_assert_int_eq(gsched("diff %s/d.db %s/d.db --run-a 1 --run-b 2", dir, dir), 1);
	ck_assert_ptr_nonnull(strstr(out, "first difference at event"));
	ck_assert_ptr_nonnull(strstr(out, "seed         1 -> 2"));
	ck_assert_ptr_nonnull(strstr(out, "metrics (A -> B):"));
	ck_assert_ptr_nonnull(strstr(out, "switches"));
	ck_assert_int_eq(gsched("diff %s/d.db %s/d.db --run-a 2 --run-b 2", dir, dir), 0);
	ck_assert_ptr_nonnull(strstr(out, "identical:"));
	ck_assert_int_eq(gsched("diff %s/d.db", dir), 2);
	ck_assert_int_eq(gsched("diff %s/d.db %s/d.db --run-b 7", dir, dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "no run 7"));
	remove_dir();
}
END_TEST

START_TEST(test_killed_run)
{
	make_dir();
	char db[128];
	snprintf(db, sizeof db, "%s/k.db", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", 0);
		dup2(null, 1);
		execl(GSCHED_BINARY, "gsched", "run", "many-alive", "--db", db, "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	int64_t n = 0;
	for (int i = 0; i < 600 && n <= 50000; i++) { /* up to 60 s */
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
		n = query_int(db, "SELECT count(*) FROM events");
	}
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	ck_assert_msg(n > 50000, "no committed batch seen (%" PRId64 " events)", n);
	ck_assert_msg(WIFSIGNALED(st), "gsched ended before the kill; use a longer scenario");

	struct tr_db *d = NULL;
	struct tr_header h;
	char err[512];
	ck_assert_msg(tr_db_open(db, &d, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(tr_db_read_run(d, 1, &h, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(h.status, TR_RUNNING);
	ck_assert_int_eq(h.n_events % TR_SQLITE_BATCH, 0);
	ck_assert_uint_ge(h.n_events, 50000);
	tr_header_free(&h);
	tr_db_close(d);

	ck_assert_int_eq(gsched("show %s --run 1", db), 0);
	ck_assert_ptr_nonnull(strstr(out, "run 1 of"));
	ck_assert_ptr_nonnull(strstr(out, "is incomplete (the process died or was killed)"));
	ck_assert_ptr_nonnull(strstr(out, "\nstatus: running\n"));
	ck_assert_int_eq(gsched("replay %s", db), 2);
	ck_assert_ptr_nonnull(strstr(out, "is incomplete (the process died or was killed)"));
	remove_dir();
}
END_TEST

/* Every command given a damaged file: exit 2, the file named. */
static void expect_bad(const char *path)
{
	const char *cmds[] = {"replay %s", "show %s", "diff %s %s"};
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(gsched(cmds[i], path, path), 2);
		ck_assert_msg(strstr(out, path), "%s: %s", cmds[i], out);
		ck_assert_msg(!strstr(out, "AddressSanitizer") && !strstr(out, "runtime error"),
		              "%s", out);
	}
}

START_TEST(test_bad_files)
{
	make_dir();
	char db[128], bad[128], cmd[512];
	snprintf(db, sizeof db, "%s/good.db", dir);
	ck_assert_int_eq(gsched("run spawn-tree --seed 1 --db %s --quiet", db), 0);
	struct stat sb;
	ck_assert_int_eq(stat(db, &sb), 0);

	snprintf(bad, sizeof bad, "%s/half.db", dir);
	snprintf(cmd, sizeof cmd, "head -c %lld '%s' > '%s'", (long long)sb.st_size / 2, db, bad);
	ck_assert_int_eq(system(cmd), 0);
	expect_bad(bad);

	snprintf(bad, sizeof bad, "%s/garbage.db", dir);
	snprintf(cmd, sizeof cmd,
	         "cp '%s' '%s' && head -c 20000 /dev/urandom | dd of='%s' bs=4096 seek=8 "
	         "conv=notrunc 2>/dev/null",
	         db, bad, bad);
	ck_assert_int_eq(system(cmd), 0);
	expect_bad(bad);

	snprintf(bad, sizeof bad, "%s/text.db", dir);
	write_file(bad, "not a database at all\n");
	expect_bad(bad);

	snprintf(bad, sizeof bad, "%s/missing.db", dir);
	expect_bad(bad);

	snprintf(bad, sizeof bad, "%s/foreign.db", dir);
	exec_sql(bad, "CREATE TABLE foo (x)");
	expect_bad(bad);
	ck_assert_ptr_nonnull(strstr(out, "not a gsched database"));

	snprintf(bad, sizeof bad, "%s/v9.db", dir);
	exec_sql(bad, "PRAGMA user_version = 9; CREATE TABLE meta (key, value);"
	              " INSERT INTO meta VALUES ('schema_version', '9')");
	expect_bad(bad);
	ck_assert_ptr_nonnull(strstr(out, "schema version 9"));

	/* an event changed behind the writer's back: the hash says so */
	snprintf(bad, sizeof bad, "%s/altered.db", dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db, bad);
	ck_assert_int_eq(system(cmd), 0);
	exec_sql(bad, "UPDATE events SET t_ns = t_ns + 1 WHERE seq = 100");
	expect_bad(bad);
	ck_assert_ptr_nonnull(strstr(out, "the file was altered"));
	remove_dir();
}
END_TEST

/* A version-1 database (no schedules table, no runs.noise, no oracle
 * bounds) reads, replays from the seed, and is upgraded in place, through
 * versions 2 and 3, when a run is appended. */
START_TEST(test_upgrade_v1)
{
	make_dir();
	char db[128];
	snprintf(db, sizeof db, "%s/v1.db", dir);
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --db %s --quiet --max-steps 2000", db),
	                 0);
	exec_sql(db, "DROP TABLE schedules; ALTER TABLE runs DROP COLUMN noise;"
	             " ALTER TABLE runs DROP COLUMN idle_bound_ns;"
	             " ALTER TABLE runs DROP COLUMN starve_bound_ns;"
	             " ALTER TABLE runs DROP COLUMN progress_bound;"
	             " ALTER TABLE runs DROP COLUMN first_event;"
	             " ALTER TABLE runs DROP COLUMN last_event;"
	             " ALTER TABLE runs DROP COLUMN cost;"
	             " ALTER TABLE runs DROP COLUMN timer_bound_ns;"
	             " UPDATE meta SET value = '1' WHERE key = 'schema_version'; PRAGMA "
	             "user_version = 1");
	ck_assert_int_eq(gsched("replay %s", db), 1); /* no limits stored: runs to the end */
	ck_assert_ptr_nonnull(strstr(out, "has no stored schedule"));
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --noise on --db %s --quiet", db), 0);
	ck_assert_int_eq(query_int(db, "PRAGMA user_version"), TR_SCHEMA_VERSION);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE cost = ''"), 2);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE first_event IS NULL"), 1);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM schedules"), 1);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE noise = 'off'"), 1);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE idle_bound_ns IS NULL"), 1);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE timer_bound_ns IS NULL"),
	                 1);
	ck_assert_int_eq(gsched("replay %s --run 2", db), 0);
	ck_assert_int_eq(gsched("show %s --run 1", db), 0);
	ck_assert_ptr_nonnull(strstr(out, "\nmax-steps: unknown\n"));
	ck_assert_ptr_null(strstr(out, "oracle-bounds:")); /* not recorded */
	remove_dir();
}
END_TEST

/* A run's oracle bounds are stored with it, so replay re-runs with them:
 * with --idle-bound 20ms the knob's 7 ms stretch is within bounds and the
 * run completes, which a replay with the default 5 ms would not. */
START_TEST(test_bounds_recorded)
{
	make_dir();
	char db[128];
	snprintf(db, sizeof db, "%s/b.db", dir);
	ck_assert_int_eq(gsched("run %s/scenarios/bugs/wakeup-local.json --bug wakeup-local "
	                        "--seed 1 --idle-bound 20ms --starve-bound 0 --db %s --quiet",
	                        GSCHED_SOURCE_DIR, db),
	                 0);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE idle_bound_ns = 20000000"
	                               " AND starve_bound_ns = 0 AND progress_bound = 300000"),
	                 1);
	ck_assert_int_eq(gsched("replay %s", db), 0);
	ck_assert_msg(strstr(out, "reproduced"), "%s", out);
	ck_assert_int_eq(gsched("show %s", db), 0);
	ck_assert_ptr_nonnull(strstr(out, "\noracle-bounds: idle-ns 20000000 starve-ns 0 "
	                                  "progress-steps 300000 timer-ns 100000000\n"));
	/* The timer-lateness bound too: the heartbeat's timer, 0.9 s late
	 * under the knob, is within 2 s; a replay under the default 100 ms
	 * would end in a violation. */
	ck_assert_int_eq(gsched("run %s/tests/data/oracles/heartbeat.json --bug no-preemption "
	                        "--seed 1 --timer-bound 2s --db %s --quiet",
	                        GSCHED_SOURCE_DIR, db),
	                 0);
	ck_assert_int_eq(query_int(db, "SELECT timer_bound_ns FROM runs WHERE id = 2"), 2000000000);
	ck_assert_int_eq(gsched("replay %s --run 2", db), 0);
	ck_assert_msg(strstr(out, "reproduced"), "%s", out);
	ck_assert_int_eq(gsched("record %s/tests/data/oracles/heartbeat.json --bug no-preemption "
	                        "--seed 1 --timer-bound 2s --name hb --dir %s",
	                        GSCHED_SOURCE_DIR, dir),
	                 0);
	ck_assert_int_eq(gsched("check %s/hb.trace", dir), 0);
	remove_dir();
}
END_TEST

/* --cost: the host's figures from a cost file or key=ns pairs change the
 * run (a cheaper fresh g, a busier OS), a file and the same pairs give
 * the same run, as does a file with pairs after or before it (left to
 * right, a later item overriding an earlier one), the figures are stored in the runs row and a
 * golden's header, and replay, show and check re-run the run with them.  Without
 * --cost the row stores '' and a golden has no cost line. */
START_TEST(test_cost_recorded)
{
	make_dir();
	char db[128], file[128], path[160];
	snprintf(db, sizeof db, "%s/c.db", dir);
	snprintf(file, sizeof file, "%s/host.cost", dir);
	write_file(file, "# a host's figures\n"
	                 "fresh-g=1000   # a goroutine from fresh memory\n"
	                 "\n"
	                 " os-gap = 5000000\n");
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --db %s --quiet", db), 0);
	ck_assert_int_eq(
	        gsched("run gosched-storm --seed 4 --cost fresh-g=1000,os-gap=5000000 --db %s", db),
	        0);
	ck_assert_msg(strstr(out, ", cost fresh-g=1000,cold=3500,"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --cost %s --db %s --quiet", file, db),
	                 0);
	/* a file and pairs together, left to right: a pair overrides the file */
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --cost %s,os-gap=5000000,cold=3500 "
	                        "--db %s --quiet",
	                        file, db),
	                 0);
	ck_assert_int_eq(
	        gsched("run gosched-storm --seed 4 --cost os-gap=70000000,%s --db %s --quiet", file,
	               db),
	        0);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND cost = ''"), 1);
	ck_assert_int_eq(query_int(db,
	                           "SELECT count(*) FROM runs WHERE cost = 'fresh-g=1000,"
	                           "cold=3500,cold-full=10000000,os-gap=5000000,os-away=1000000'"),
	                 4);
	ck_assert_int_eq(query_int(db, "SELECT count(DISTINCT trace_hash) FROM runs"), 2);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs a, runs b WHERE a.id = 2"
	                               " AND b.id = 3 AND a.trace_hash = b.trace_hash"),
	                 1);
	ck_assert_int_eq(gsched("replay %s --run 2", db), 0);
	ck_assert_msg(strstr(out, "reproduced"), "%s", out);
	ck_assert_int_eq(gsched("show %s --run 3", db), 0);
	ck_assert_ptr_nonnull(strstr(out, "\ncost: fresh-g=1000,cold=3500,cold-full=10000000,"
	                                  "os-gap=5000000,os-away=1000000\n"));
	ck_assert_int_eq(gsched("show %s --run 1", db), 0);
	ck_assert_ptr_null(strstr(out, "\ncost:"));
	/* a golden carries the figures, and check re-runs with them */
	ck_assert_int_eq(gsched("record gosched-storm --seed 4 --cost %s --max-steps 20000 "
	                        "--name c --dir %s",
	                        file, dir),
	                 0);
	snprintf(path, sizeof path, "%s/c.trace", dir);
	char *text = test_read_file(path);
	ck_assert_ptr_nonnull(strstr(text, "\ncost: fresh-g=1000,"));
	free(text);
	ck_assert_int_eq(gsched("check %s", path), 0);
	/* the cost file stored for a host stays one gsched reads */
	ck_assert_int_eq(gsched("run gosched-storm --cost %s/bench/data/fidelity/2026-12-03-host/"
	                        "host.cost --max-steps 1000 --quiet",
	                        GSCHED_SOURCE_DIR),
	                 0);
	/* bad input: the flag, the key or the file's line, and status 2 */
	ck_assert_int_eq(gsched("run gosched-storm --cost fresh=1"), 2);
	ck_assert_msg(strstr(out, "--cost: expected key=ns[,key=ns...] with keys fresh-g cold"),
	              "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost os-gap=10"), 2);
	ck_assert_msg(strstr(out, "--cost: os-gap: expected at least 1000 ns (got 10)"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost cold=-5"), 2);
	ck_assert_msg(strstr(out, "--cost: cold: expected a number of ns (got '-5')"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost cold=1,cold=2"), 2);
	ck_assert_msg(strstr(out, "--cost: cold: given twice"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost %s/none.cost", dir), 2);
	ck_assert_msg(strstr(out, "none.cost: No such file or directory"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost %s,cold=1,%s/none.cost", file, dir), 2);
	ck_assert_msg(strstr(out, "none.cost: No such file or directory"), "%s", out);
	ck_assert_int_eq(gsched("run gosched-storm --cost %s,cold=1,cold=2", file), 2);
	ck_assert_msg(strstr(out, "--cost: cold: given twice"), "%s", out);
	write_file(file, "cold=100\nfresh-g 2us\n");
	ck_assert_int_eq(gsched("run gosched-storm --cost %s", file), 2);
	ck_assert_msg(strstr(out, "host.cost:2: expected key=ns"), "%s", out);
	remove_dir();
}
END_TEST

/* A file whose events table is the keyed WITHOUT ROWID one that earlier
 * writers created (version 3 as well: same columns, same meaning) reads,
 * replays and takes another run, which reads back whole. */
START_TEST(test_keyed_events_table)
{
	make_dir();
	char db[128];
	snprintf(db, sizeof db, "%s/keyed.db", dir);
	ck_assert_int_eq(gsched("run gosched-storm --seed 4 --db %s --quiet --max-steps 2000", db),
	                 0);
	/* legacy_alter_table: the views keep naming events, not old. */
	exec_sql(db, "PRAGMA legacy_alter_table = ON; ALTER TABLE events RENAME TO old;"
	             " CREATE TABLE events (seq INTEGER NOT NULL,"
	             " run INTEGER NOT NULL REFERENCES runs (id), t_ns INTEGER NOT NULL,"
	             " m INTEGER NOT NULL, p INTEGER NOT NULL, g INTEGER NOT NULL,"
	             " kind TEXT NOT NULL, obj INTEGER NOT NULL, a INTEGER NOT NULL,"
	             " b INTEGER NOT NULL, detail TEXT, PRIMARY KEY (run, seq)) WITHOUT ROWID;"
	             " INSERT INTO events SELECT seq, run, t_ns, m, p, g, kind, obj, a, b, detail"
	             " FROM old; DROP TABLE old");
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'events'"
	                               " AND sql LIKE '%WITHOUT ROWID%'"),
	                 1);
	ck_assert_int_eq(gsched("replay %s", db), 0);
	ck_assert_int_eq(gsched("run gosched-storm --seed 5 --db %s --quiet --max-steps 3000", db),
	                 0);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM events WHERE run = 2"),
	                 query_int(db, "SELECT n_events FROM runs WHERE id = 2"));
	ck_assert_int_eq(gsched("replay %s --run 2", db), 0);
	ck_assert_int_eq(gsched("show %s --run 2", db), 0);
	remove_dir();
}
END_TEST

START_TEST(test_schedule_codec)
{
	uint32_t pairs[] = {2, 1, 3, 0, 200, 199, UINT32_MAX, 7, 1, 0};
	unsigned char *blob = NULL;
	size_t len = 0;
	uint32_t *back = NULL;
	ck_assert_int_eq(tr_schedule_encode(pairs, 5, &blob, &len), 0);
	ck_assert_uint_eq(len, 2 + 2 + 4 + 6 + 2);
	ck_assert_int_eq(tr_schedule_decode(blob, len, 5, &back), 0);
	ck_assert_int_eq(memcmp(back, pairs, sizeof pairs), 0);
	free(back);
	ck_assert_int_eq(tr_schedule_decode(blob, len, 4, &back), -1); /* bytes left over */
	ck_assert_int_eq(tr_schedule_decode(blob, len - 1, 5, &back), -1);
	ck_assert_ptr_null(back);
	free(blob);
}
END_TEST

/* The bundled goldens: at least 20, every bundled scenario, window 0 and
 * inf, a policy variant; each small.  (CTest's golden entry re-runs
 * them: `gsched check traces/golden`.) */
START_TEST(test_bundled_goldens)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "ls '%s'/traces/golden/*.trace", GSCHED_SOURCE_DIR);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	char path[1024];
	int n = 0, inf = 0, zero = 0, policy = 0;
	bool covered[64] = {0};
	long total = 0;
	while (fgets(path, sizeof path, f)) {
		path[strcspn(path, "\n")] = 0;
		struct tr_header h;
		struct tr_trace t;
		char err[1024];
		ck_assert_msg(tr_golden_load(path, &h, &t, err, sizeof err) == 0, "%s", err);
		struct stat sb;
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_msg(sb.st_size < 300 * 1024, "%s: %lld bytes", path,
		              (long long)sb.st_size);
		total += sb.st_size;
		n++;
		inf += h.window_ns < 0;
		zero += h.window_ns == 0;
		policy += strcmp(h.policy_json, "{}") != 0;
		/* A wait spanning two Ms' clocks (window inf) counts as 0, never
		 * negative: the latencies bless and diff print are waits. */
		struct tr_metrics m;
		tr_metrics_compute(&t, &m);
		ck_assert_msg(m.lat_p50 >= 0 && m.lat_p90 >= m.lat_p50 && m.lat_p99 >= m.lat_p90,
		              "%s: latencies %" PRId64 " %" PRId64 " %" PRId64, path, m.lat_p50,
		              m.lat_p90, m.lat_p99);
		for (int i = 0; sc_bundled_name(i) && i < 64; i++)
			if (strcmp(sc_bundled_name(i), h.scenario) == 0)
				covered[i] = true;
		tr_header_free(&h);
		tr_trace_free(&t);
	}
	pclose(f);
	ck_assert_int_ge(n, 20);
	ck_assert_int_gt(inf, 0);
	ck_assert_int_gt(zero, 0);
	ck_assert_int_gt(policy, 0);
	ck_assert_int_lt(total, 4L * 1024 * 1024);
	for (int i = 0; sc_bundled_name(i) && i < 64; i++)
		ck_assert_msg(covered[i], "no golden of bundled scenario %s", sc_bundled_name(i));
}
END_TEST

Suite *make_golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("golden");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_record_check);
	tcase_add_test(tc, test_edited_golden);
	tcase_add_test(tc, test_show_roundtrip);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_diff);
	tcase_add_test(tc, test_killed_run);
	tcase_add_test(tc, test_bad_files);
	tcase_add_test(tc, test_upgrade_v1);
	tcase_add_test(tc, test_keyed_events_table);
	tcase_add_test(tc, test_bounds_recorded);
	tcase_add_test(tc, test_cost_recorded);
	tcase_add_test(tc, test_schedule_codec);
	tcase_add_test(tc, test_bundled_goldens);
	suite_add_tcase(s, tc);
	return s;
}
