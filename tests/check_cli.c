/*
 * check_cli.c - the gsched command as a user runs it: help, flag errors
 * (exit 2 with a message naming the flag), the command-line conventions
 * every command shares (GNU getopt_long: --flag=value, options anywhere,
 * `--`), determinism of every bundled scenario (equal hashes for a seed,
 * different interleavings across seeds), and the database a run leaves
 * behind.
 *
 * The flags are not listed here: each command's --help is generated from
 * the flag table (cli/options.c), and the tests read the flags back from
 * it, so a new flag is covered (and must be documented) by being added.
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
#include "config.h"
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
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --strategy frob"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown strategy 'frob'"));
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

/* `gsched list scenarios` prints exactly the bundled scenarios, one line
 * each in their order, the names padded to the longest, then the
 * description. */
START_TEST(test_list)
{
	ck_assert_int_eq(gsched(out, sizeof out, "list scenarios"), 0);
	int width = 0;
	for (int i = 0; sc_bundled_name(i); i++)
		if ((int)strlen(sc_bundled_name(i)) > width)
			width = (int)strlen(sc_bundled_name(i));
	const char *line = out;
	int n = 0;
	for (int i = 0; sc_bundled_name(i); i++, n++) {
		char want[512];
		snprintf(want, sizeof want, "%-*s  %s\n", width, sc_bundled_name(i),
		         sc_bundled_summary(i));
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0,
		              "line %d: want '%s', got '%.80s'", i + 1, want, line);
		line += strlen(want);
	}
	ck_assert_msg(*line == 0, "more lines than scenarios: '%.80s'", line);
	ck_assert_int_gt(n, 0);
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

/* The summary README.md shows for `gsched run spawn-tree --seed 7 --db
 * out.db` (the indented block after "prints a summary like this:") is
 * summary, the same run's output with its database at dbpath. */
static void readme_summary_matches(const char *summary, const char *dbpath)
{
	char path[512];
	snprintf(path, sizeof path, "%s/README.md", GSCHED_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char text[1 << 17], shown[1 << 12], want[1 << 12];
	size_t len = fread(text, 1, sizeof text - 1, f);
	text[len] = 0;
	fclose(f);
	const char *lead = "`gsched run` prints a summary like this:\n\n";
	const char *p = strstr(text, lead);
	ck_assert_msg(p != NULL, "README.md: no \"%.40s\"", lead);
	p += strlen(lead);
	size_t n = 0; /* the block's lines without their 4-space indent */
	while (strncmp(p, "    ", 4) == 0) {
		const char *eol = strchr(p, '\n');
		ck_assert_ptr_nonnull(eol);
		size_t l = (size_t)(eol + 1 - (p + 4));
		ck_assert_uint_lt(n + l, sizeof shown);
		memcpy(shown + n, p + 4, l);
		n += l;
		p = eol + 1;
	}
	shown[n] = 0;
	n = 0; /* summary with dbpath named out.db */
	for (const char *q = summary; *q;) {
		size_t dl = strlen(dbpath);
		const char *src = strncmp(q, dbpath, dl) == 0 ? "out.db" : NULL;
		size_t l = src ? strlen(src) : 1;
		ck_assert_uint_lt(n + l, sizeof want);
		memcpy(want + n, src ? src : q, l);
		n += l;
		q += src ? dl : 1;
	}
	want[n] = 0;
	ck_assert_msg(strcmp(shown, want) == 0,
	              "README.md's example summary is not what gsched prints now:\n%s", want);
}

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

	/* README.md shows this summary (with the database named out.db):
	 * the example a user copies must be what gsched prints. */
	readme_summary_matches(out, path);

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

/* ---- the conventions every command shares ---- */

static const char *const commands[] = {"run",    "list",   "record",  "check",   "bless",
                                       "show",   "diff",   "replay",  "explore", "merge",
                                       "shrink", "report", "compare", "export",  "help"};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The long flags a command's --help lists ("  --seed N   ..."), with
 * whether each takes a value; returns how many (at most max). */
static size_t help_flags(const char *cmd, char names[][32], bool *valued, size_t max)
{
	static char help[1 << 14];
	char args[64];
	size_t n = 0;
	snprintf(args, sizeof args, "%s --help", cmd);
	ck_assert_int_eq(gsched(help, sizeof help, args), 0);
	const char *opts = strstr(help, "\noptions:\n");
	ck_assert_msg(opts, "%s --help has no options section", cmd);
	for (const char *l = opts + 1; *l && n < max; l += strcspn(l, "\n") + 1) {
		const char *f = strncmp(l, "  -h, ", 6) == 0 ? l + 6 : l + 2;
		if (strncmp(l, "  ", 2) == 0 && strncmp(f, "--", 2) == 0) {
			size_t len = strcspn(f + 2, " \n");
			ck_assert_uint_lt(len, 32);
			memcpy(names[n], f + 2, len);
			names[n][len] = 0;
			valued[n] = f[2 + len] == ' ' && f[3 + len] != ' ';
			n++;
		}
		if (!strchr(l, '\n'))
			break;
	}
	ck_assert_msg(n > 0, "%s --help lists no flags", cmd);
	return n;
}

START_TEST(test_every_command_help)
{
	char args[64];
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "usage: gsched %s", commands[i]);
		snprintf(args, sizeof args, "%s --help", commands[i]);
		ck_assert_int_eq(gsched(out, sizeof out, args), 0);
		ck_assert_msg(strncmp(out, prefix, strlen(prefix)) == 0, "%s: %s", args, out);
		ck_assert_ptr_nonnull(strstr(out, "  -h, --help"));
		snprintf(args, sizeof args, "%s -h", commands[i]);
		ck_assert_int_eq(gsched(out, sizeof out, args), 0);
		ck_assert_msg(strncmp(out, prefix, strlen(prefix)) == 0, "%s: %s", args, out);
		snprintf(args, sizeof args, "help %s", commands[i]);
		ck_assert_int_eq(gsched(out, sizeof out, args), 0);
		ck_assert_msg(strncmp(out, prefix, strlen(prefix)) == 0, "%s: %s", args, out);
		/* --help wins over what is missing or wrong after it */
		snprintf(args, sizeof args, "%s --help --frobnicate", commands[i]);
		ck_assert_int_eq(gsched(out, sizeof out, args), 0);
	}
	ck_assert_int_eq(gsched(out, sizeof out, "--help"), 0);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char line[64];
		snprintf(line, sizeof line, "\n  %s", commands[i]);
		ck_assert_msg(strstr(out, line), "gsched --help does not list %s", commands[i]);
	}
	ck_assert_int_eq(gsched(out, sizeof out, "help frob"), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched help: unknown command 'frob'"));
}
END_TEST

/* Every command: an unknown option, a flag without its value and a
 * switch given a value each give "gsched CMD: ..." and where to look,
 * and exit 2. */
START_TEST(test_every_command_bad_usage)
{
	char args[128], msg[128], see[64];
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *cmd = commands[i];
		snprintf(see, sizeof see, "(see `gsched %s --help`)", cmd);

		snprintf(args, sizeof args, "%s x --frobnicate", cmd);
		ck_assert_int_eq(gsched(out, sizeof out, args), 2);
		snprintf(msg, sizeof msg, "gsched %s: unknown option '--frobnicate'\n", cmd);
		ck_assert_msg(strstr(out, msg) && strstr(out, see), "%s: %s", args, out);
		snprintf(args, sizeof args, "%s --frobnicate=3", cmd);
		ck_assert_int_eq(gsched(out, sizeof out, args), 2);
		ck_assert_msg(strstr(out, msg), "%s: %s", args, out);
		snprintf(args, sizeof args, "%s -Z", cmd);
		ck_assert_int_eq(gsched(out, sizeof out, args), 2);
		snprintf(msg, sizeof msg, "gsched %s: unknown option '-Z'\n", cmd);
		ck_assert_msg(strstr(out, msg) && strstr(out, see), "%s: %s", args, out);

		char names[32][32];
		bool valued[32];
		size_t n = help_flags(cmd, names, valued, 32);
		for (size_t k = 0; k < n; k++) {
			if (valued[k]) {
				snprintf(args, sizeof args, "%s x --%.31s", cmd, names[k]);
				snprintf(msg, sizeof msg, "gsched %s: --%.31s needs a value", cmd,
				         names[k]);
			} else {
				snprintf(args, sizeof args, "%s x --%.31s=1", cmd, names[k]);
				snprintf(msg, sizeof msg, "gsched %s: --%.31s takes no value", cmd,
				         names[k]);
			}
			ck_assert_int_eq(gsched(out, sizeof out, args), 2);
			ck_assert_msg(strstr(out, msg) && strstr(out, see), "%s: %s", args, out);
		}
	}
	/* a flag of another command is unknown here */
	ck_assert_int_eq(gsched(out, sizeof out, "show x.db --seed 3"), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched show: unknown option '--seed'"));
	/* a prefix of two flags names both */
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --max 3"), 2);
	ck_assert_ptr_nonnull(strstr(out, "'--max' is ambiguous (--max-steps, --max-time)"));
	/* arguments: too few, too many */
	ck_assert_int_eq(gsched(out, sizeof out, "record spawn-tree"), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched record: missing --seed N"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree fan-out"), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched run: unexpected argument 'fan-out'"));
	ck_assert_int_eq(gsched(out, sizeof out, "diff a.db"), 2);
	ck_assert_int_eq(gsched(out, sizeof out, "list"), 2);
	ck_assert_ptr_nonnull(
	        strstr(out, "gsched list: expected 'scenarios', 'policies' or 'bugs'"));
}
END_TEST

START_TEST(test_flag_forms)
{
	char a[128], b[128];
	/* --seed=7 is --seed 7 */
	ck_assert_int_eq(gsched(a, sizeof a, "run spawn-tree --seed 7 --quiet"), 0);
	ck_assert_int_eq(gsched(b, sizeof b, "run spawn-tree --seed=7 --quiet"), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(gsched(b, sizeof b, "run spawn-tree --quiet"), 0);
	ck_assert_str_ne(a, b); /* and the seed was read: 1 is another run */
	/* options before, after and around the scenario */
	ck_assert_int_eq(gsched(b, sizeof b, "run --seed 7 --quiet spawn-tree"), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(gsched(b, sizeof b, "run --quiet spawn-tree --seed=7"), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(gsched(b, sizeof b,
	                        "run --window=0 --max-time=1s --seed=7 spawn-tree "
	                        "--quiet --policy=randomize=off"),
	                 0);
	ck_assert_str_eq(a, b);
	/* -- ends the options: what follows is an argument, even with a dash */
	ck_assert_int_eq(gsched(b, sizeof b, "run --seed 7 --quiet -- spawn-tree"), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --quiet -- --seed 7"), 2);
	ck_assert_msg(strstr(out, "gsched run: unexpected argument '--seed'"), "%s", out);
	ck_assert_int_eq(gsched(out, sizeof out, "run --quiet -- --no-such-file.json"), 2);
	ck_assert_msg(strstr(out, "--no-such-file.json"), "%s", out);
	ck_assert_ptr_null(strstr(out, "unknown option"));
	ck_assert_int_eq(gsched(out, sizeof out, "check -- -no-such-golden"), 2);
	ck_assert_msg(strstr(out, "gsched check: -no-such-golden: No such file"), "%s", out);
	/* a value that starts with a dash is still the flag's value */
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --seed -1"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--seed: expected a non-negative integer (got '-1')"));
}
END_TEST

/* Strategies and backends: what exists runs, anything else is refused
 * with the list of what exists. */
START_TEST(test_strategy_and_backend)
{
	char a[128], b[128];
	ck_assert_int_eq(gsched(a, sizeof a, "run spawn-tree --quiet"), 0);
	ck_assert_int_eq(
	        gsched(b, sizeof b, "run spawn-tree --quiet --strategy random --backend sim"), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --strategy frob"), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched run: --strategy: unknown strategy 'frob' (this "
	                                  "gsched has: random, pct, swarm, bounded)"));
	ck_assert_int_eq(gsched(out, sizeof out, "record spawn-tree --seed 1 --strategy dfs"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown strategy 'dfs' (this gsched has: random, pct"));
	ck_assert_int_eq(gsched(out, sizeof out, "run spawn-tree --backend real"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown backend 'real' (this gsched has: sim, native)"));
	ck_assert_int_eq(gsched(out, sizeof out, "run --help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "random (default): "));
	ck_assert_ptr_nonnull(strstr(out, "sim (default): "));
	ck_assert_ptr_nonnull(strstr(out, "native: "));
}
END_TEST

/* Every row of the policy table is listed by `list policies` and
 * explained by the --help of every command that takes --policy. */
START_TEST(test_every_policy_listed)
{
	static char help[1 << 14];
	ck_assert_int_eq(gsched(out, sizeof out, "list policies"), 0);
	ck_assert_int_eq(gsched(help, sizeof help, "run --help"), 0);
	for (size_t k = 0; k < rt_npolicies; k++) {
		const struct rt_policy *p = &rt_policies[k];
		char vals[128], def[48], line[256];
		rt_policy_values(p, vals, sizeof vals);
		rt_policy_format(p, p->go_default, def, sizeof def);
		snprintf(line, sizeof line, "%-20s %s (Go: %s): ", p->name, vals, def);
		ck_assert_msg(strstr(out, line), "list policies: no line '%s'", line);
		snprintf(line, sizeof line, "  %s=%s (Go: %s):", p->name, vals, def);
		ck_assert_msg(strstr(help, line), "run --help: no line '%s'", line);
	}
	size_t lines = 0;
	for (const char *c = out; *c; c++)
		lines += *c == '\n';
	ck_assert_uint_eq(lines, rt_npolicies);
	ck_assert_int_eq(gsched(help, sizeof help, "record --help"), 0);
	ck_assert_ptr_nonnull(strstr(help, "  --policy KEY=VAL"));
	ck_assert_ptr_nonnull(strstr(help, rt_policies[0].name));
	/* and each one's Go value is accepted */
	for (size_t k = 0; k < rt_npolicies; k++) {
		char def[48], args[256];
		rt_policy_format(&rt_policies[k], rt_policies[k].go_default, def, sizeof def);
		snprintf(args, sizeof args,
		         "run create-chain --quiet --max-steps 100 --policy %s=%s",
		         rt_policies[k].name, def);
		ck_assert_msg(gsched(out, sizeof out, args) == 0, "%s: %s", args, out);
	}
}
END_TEST

/* runs.policy_json holds only the policies that differ from Go's: a
 * policy set to Go's value is the same run as no flag, stored alike. */
START_TEST(test_policy_json)
{
	char path[] = "/tmp/gsched-pol-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	const char *flags[] = {"", "--policy randomize=off", "--policy randomize=on",
	                       "--policy=randomize=on --policy randomize=off"};
	const char *want[] = {"{}", "{}", "{\"randomize\":true}", "{}"};
	char hash[4][64];
	for (int i = 0; i < 4; i++) {
		char args[256];
		snprintf(args, sizeof args, "run spawn-tree --seed 3 --quiet --db %s %s", path,
		         flags[i]);
		ck_assert_int_eq(gsched(hash[i], sizeof hash[i], args), 0);
	}
	ck_assert_str_eq(hash[0], hash[1]);
	ck_assert_str_eq(hash[0], hash[3]);
	ck_assert_str_ne(hash[0], hash[2]);

	sqlite3 *db;
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_prepare_v2(db, "SELECT policy_json FROM runs ORDER BY id", -1, &st, NULL),
	        SQLITE_OK);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), want[i]);
	}
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(path);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
}
END_TEST

/* Every flag a command's --help lists is documented: README.md for
 * gsched run's, docs/golden.md for the recorded-trace commands'. */
START_TEST(test_docs_name_every_flag)
{
	static const struct {
		const char *cmd, *doc;
	} docs[] = {
	        {"run", "README.md"},
	        {"record", "docs/golden.md"},
	        {"show", "docs/golden.md"},
	        {"diff", "docs/golden.md"},
	        {"replay", "docs/golden.md"},
	        {"explore", "docs/exploration.md"},
	        {"merge", "docs/exploration.md"},
	        {"shrink", "docs/exploration.md"},
	        {"report", "docs/analysis.md"},
	        {"compare", "docs/analysis.md"},
	        {"export", "docs/analysis.md"},
	        {"plot", "docs/analysis.md"},
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", GSCHED_SOURCE_DIR, docs[i].doc);
		FILE *f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		static char text[1 << 17];
		size_t len = fread(text, 1, sizeof text - 1, f);
		text[len] = 0;
		fclose(f);
		char names[32][32];
		bool valued[32];
		size_t n = help_flags(docs[i].cmd, names, valued, 32);
		for (size_t k = 0; k < n; k++) {
			char flag[40];
			snprintf(flag, sizeof flag, "--%s", names[k]);
			if (strcmp(names[k], "help") == 0)
				continue;
			ck_assert_msg(strstr(text, flag), "%s does not mention %s of gsched %s",
			              docs[i].doc, flag, docs[i].cmd);
		}
	}
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
	tcase_add_test(tc, test_every_command_help);
	tcase_add_test(tc, test_every_command_bad_usage);
	tcase_add_test(tc, test_flag_forms);
	tcase_add_test(tc, test_strategy_and_backend);
	tcase_add_test(tc, test_every_policy_listed);
	tcase_add_test(tc, test_policy_json);
	tcase_add_test(tc, test_docs_name_every_flag);
	suite_add_tcase(s, tc);
	return s;
}
