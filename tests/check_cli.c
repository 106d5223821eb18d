/*
 * check_cli.c - the gsched command as a user runs it: help, flag errors
 * (exit 2 with a message naming the flag), determinism of every bundled
 * scenario (equal hashes for a seed, different interleavings across
 * seeds), and the database a run leaves behind.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "testutil.h"
#include "sc.h"

/* Run `gsched ARGS` (stdout and stderr together); returns the exit code
 * and the output in out. */
static int gsched(char *out, size_t outlen, const char *args)
{
	return run_gsched(out, outlen, args);
}

static char out[1 << 16];

START_TEST(test_help)
{
	ck_assert_int_eq(gsched(out, sizeof out, "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "run SCENARIO"));
	ck_assert_ptr_nonnull(strstr(out, "list scenarios"));
	ck_assert_int_eq(gsched(out, sizeof out, "run --help"), 0);
	const char *flags[] = {"--seed",    "--db",        "--window",   "--strategy",
	                       "--backend", "--max-steps", "--max-time", "--quiet"};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		ck_assert_msg(strstr(out, flags[i]), "run --help does not explain %s", flags[i]);
	ck_assert_int_eq(gsched(out, sizeof out, ""), 2);
}
END_TEST

START_TEST(test_bad_usage)
{
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --seed abc"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--seed: expected a non-negative integer (got 'abc')"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --seed"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--seed needs a value"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --frobnicate"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown option '--frobnicate'"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --window -3"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--window: expected a duration"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --max-time 5parsecs"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--max-time: expected a duration"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --strategy pct"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown strategy 'pct'"));
	ck_assert_int_eq(gsched(out, sizeof out, "run"), 2);
	ck_assert_ptr_nonnull(strstr(out, "missing SCENARIO"));
	ck_assert_int_eq(gsched(out, sizeof out, "frob"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown command 'frob'"));
	ck_assert_int_eq(gsched(out, sizeof out, "run no-such-scenario"), 2);
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --db /nonexistent-dir/x.db"), 2);
	ck_assert_ptr_nonnull(strstr(out, "/nonexistent-dir/x.db"));
}
END_TEST

START_TEST(test_bad_scenario_file)
{
	char path[] = "/tmp/gsched-bad-XXXXXX.json";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	const char *text = "{\"gomaxprocs\": 2, \"main\": \"m\", \"bodies\": {\"m\": "
	                   "[{\"op\": \"spawn\", \"body\": \"m\", \"count\": -1}]}}";
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char args[256];
	snprintf(args, sizeof args, "run %s", path);
	ck_assert_int_eq(gsched(out, sizeof out, args), 2);
	ck_assert_ptr_nonnull(strstr(out, path));
	ck_assert_ptr_nonnull(strstr(out, "$.bodies.m[0].count"));
	unlink(path);
}
END_TEST

START_TEST(test_list)
{
	ck_assert_int_eq(gsched(out, sizeof out, "list scenarios"), 0);
	for (int i = 0; sc_bundled_name(i); i++)
		ck_assert_ptr_nonnull(strstr(out, sc_bundled_name(i)));
}
END_TEST

/* Every bundled scenario: the same seed twice gives the same hash, in
 * both window modes, and 20 seeds do not all agree.  (Under window 0 a
 * scenario with no ties that matter - create-chain, one goroutine
 * runnable at a time - is the same run for every seed, as a
 * discrete-event simulation should be; free interleaving must differ.) */
START_TEST(test_bundled_determinism)
{
	const char *windows[] = {"0", "inf"};
	for (int i = 0; sc_bundled_name(i); i++) {
		const char *name = sc_bundled_name(i);
		if (strcmp(name, "many-alive") == 0)
			continue; /* the memory benchmark; too slow to run 22 times here */
		bool differ = false;
		for (int w = 0; w < 2; w++) {
			char args[256], first[128], again[128];
			snprintf(args, sizeof args,
			         "run %s --quiet --seed 7 --window %s --max-time 20ms", name,
			         windows[w]);
			int rc = gsched(first, sizeof first, args);
			ck_assert_msg(rc == 0 || rc == 1, "%s: exit %d: %s", name, rc, first);
			ck_assert_int_eq(gsched(again, sizeof again, args), rc);
			ck_assert_msg(strcmp(first, again) == 0, "%s window %s: %s then %s", name,
			              windows[w], first, again);
			for (int seed = 1; seed <= 20 && !differ; seed++) {
				snprintf(args, sizeof args,
				         "run %s --quiet --seed %d --window %s --max-time 20ms",
				         name, seed, windows[w]);
				gsched(again, sizeof again, args);
				if (strcmp(first, again) != 0)
					differ = true;
			}
		}
		ck_assert_msg(differ, "%s: 20 seeds gave the same trace in both window modes",
		              name);
	}
}
END_TEST

START_TEST(test_spawn_tree_summary_and_db)
{
	char path[] = "/tmp/gsched-db-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path); /* let gsched create it */
	char args[256];
	snprintf(args, sizeof args, "run spawn-tree --seed 7 --db %s", path);
	ck_assert_int_eq(gsched(out, sizeof out, args), 0);
	ck_assert_ptr_nonnull(strstr(out, "status        complete"));
	ck_assert_ptr_nonnull(strstr(out, "goroutines    2047 created, 2047 finished"));
	const char *h = strstr(out, "trace hash    ");
	ck_assert_ptr_nonnull(h);
	char hash[17];
	memcpy(hash, h + 14, 16);
	hash[16] = 0;
	long long events = 0;
	const char *e = strstr(out, "events        ");
	ck_assert_ptr_nonnull(e);
	events = atoll(e + 14);

	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT status, trace_hash, n_events, seed, "
	                                    "(SELECT count(*) FROM events WHERE run = runs.id) "
	                                    "FROM runs",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "complete");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), hash);
	ck_assert_int_eq(sqlite3_column_int64(st, 2), events);
	ck_assert_int_eq(sqlite3_column_int64(st, 3), 7);
	ck_assert_int_eq(sqlite3_column_int64(st, 4), events);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Without a database the hash is the same: the sink does not take
	 * part in the run. */
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --seed 7 --quiet"), 0);
	ck_assert_ptr_nonnull(strstr(out, hash));
	/* Seed 8 interleaves differently. */
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --seed 8 --quiet"), 0);
	ck_assert_ptr_null(strstr(out, hash));
	unlink(path);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
}
END_TEST

START_TEST(test_step_limit_reported)
{
	ck_assert_int_eq(gsched(out, sizeof out, "run gosched-storm --max-steps 5000"), 0);
	ck_assert_ptr_nonnull(strstr(out, "step_limit: stopped at the step limit (5000"));
}
END_TEST

Suite *make_cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_bad_usage);
	tcase_add_test(tc, test_bad_scenario_file);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_bundled_determinism);
	tcase_add_test(tc, test_spawn_tree_summary_and_db);
	tcase_add_test(tc, test_step_limit_reported);
	suite_add_tcase(s, tc);
	return s;
}
