/*
 * check_reliability.c - what a hostile input or a hostile machine may not
 * do to gsched (docs/reliability.md): crash it, hang it, or lose a run.
 *
 * Each test is the regression test of one way it once could: a window
 * of 2^63-1 ns in a golden's header or a database's runs row, a loop of
 * control ops that no yield point interrupts.  The tests run the gsched
 * binary on files they write into a fresh directory under /tmp, and
 * require an exit status of 0, 1 or 2 with the expected message: a
 * signal or a hang (the CTest timeout) fails them.
 */
#include <check.h>
#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "gs.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void sql(const char *db, const char *stmt)
{
	sqlite3 *h = NULL;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(h, stmt, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", stmt, msg ? msg : "");
	sqlite3_close(h);
}

/* The largest window a file can hold, and one just past the bound
 * (2^61) whose addition to a clock used to overflow or hang. */
static const char *const huge_windows[] = {"9223372036854775807", "9223372036000000000",
                                           "2305843009213693952"};

/* A golden recorded under window inf, its header's window replaced by a
 * huge number: a window at or above the bound is inf, so check passes. */
START_TEST(test_check_huge_window)
{
	char dir[64], args[512], out[8192], path[128];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(args, sizeof args,
	         "record create-chain --seed 1 --window inf --max-steps 3000 --dir %s --name w",
	         dir);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	snprintf(path, sizeof path, "%s/w.trace", dir);
	char *text = test_read_file(path);
	const char *line = "\nwindow: inf\n";
	char *at = strstr(text, line);
	ck_assert_ptr_nonnull(at);
	for (size_t i = 0; i < sizeof huge_windows / sizeof huge_windows[0]; i++) {
		char *edited = malloc(strlen(text) + 64);
		ck_assert_ptr_nonnull(edited);
		sprintf(edited, "%.*s\nwindow: %s\n%s", (int)(at - text), text, huge_windows[i],
		        at + strlen(line));
		write_file(path, edited);
		free(edited);
		snprintf(args, sizeof args, "check %s", path);
		int rc = run_gsched(out, sizeof out, args);
		ck_assert_msg(rc == 0 && strstr(out, "1 passed, 0 failed"), "window %s: rc %d: %s",
		              huge_windows[i], rc, out);
	}
	free(text);
	test_rmtree(dir);
}
END_TEST

/* A database whose runs.window_ns is huge: replay, with and without
 * --continue, reproduces the run recorded under window inf. */
START_TEST(test_replay_huge_window)
{
	char dir[64], args[512], out[8192], db[128], stmt[128];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(db, sizeof db, "%s/r.db", dir);
	snprintf(args, sizeof args,
	         "run create-chain --seed 1 --window inf --max-steps 3000 --db %s", db);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	for (size_t i = 0; i < sizeof huge_windows / sizeof huge_windows[0]; i++) {
		snprintf(stmt, sizeof stmt, "UPDATE runs SET window_ns = %s", huge_windows[i]);
		sql(db, stmt);
		for (int cont = 0; cont < 2; cont++) {
			snprintf(args, sizeof args, "replay %s%s", db, cont ? " --continue" : "");
			int rc = run_gsched(out, sizeof out, args);
			ck_assert_msg(rc == 0 && strstr(out, "reproduced"),
			              "window %s%s: rc %d: %s", huge_windows[i],
			              cont ? " --continue" : "", rc, out);
		}
	}
	test_rmtree(dir);
}
END_TEST

/* 10^7 empty repeats inside 10^7 repeats: 10^14 iterations of control
 * ops alone.  Both limits stop it, quickly. */
static const char empty_repeat_json[] =
        "{\"name\": \"empty-repeat\", \"gomaxprocs\": 2, \"main\": \"main\",\n"
        " \"bodies\": {\"main\": [\n"
        "  {\"op\": \"repeat\", \"count\": 10000000, \"body\": [\n"
        "   {\"op\": \"repeat\", \"count\": 10000000, \"body\": []},\n"
        "   {\"op\": \"if\", \"cond\": {\"lt\": [1, 0]}, \"then\": [{\"op\": \"gosched\"}]},\n"
        "   {\"op\": \"spawn\", \"body\": \"main\", \"count\": 0},\n"
        "   {\"op\": \"spend\", \"ns\": 0}\n"
        "  ]}\n"
        " ]}}\n";

START_TEST(test_empty_repeat_limits)
{
	static const struct {
		const char *flags, *status;
	} cases[] = {
	        {"--max-steps 20000", "step_limit"},
	        {"--max-time 2ms", "time_limit"},
	        {"--max-time 2ms --window inf", "time_limit"},
	};
	char dir[64], path[128], args[512], out[4096];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(path, sizeof path, "%s/empty-repeat.json", dir);
	write_file(path, empty_repeat_json);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(args, sizeof args, "run %s %s --quiet", path, cases[i].flags);
		int rc = run_gsched(out, sizeof out, args);
		ck_assert_msg(rc == 0 &&
		                      strncmp(out, cases[i].status, strlen(cases[i].status)) == 0,
		              "%s: rc %d: %s", cases[i].flags, rc, out);
	}
	test_rmtree(dir);
}
END_TEST

static int64_t query_int(const char *db, const char *q)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK, "%s: %s", q,
	              sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* gsched run ... --db db, started in the background; returns its pid. */
static pid_t start_run(const char *db)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(120);
		execl(GSCHED_BINARY, "gsched", "run", "timer-storm", "--seed", "1", "--quiet",
		      "--db", db, (char *)NULL);
		_exit(121);
	}
	return pid;
}

/* Eight runs started at once into one new database all land whole: each
 * has the events, count and hash of the same run written alone, spread
 * over two batches (62,868 events). */
START_TEST(test_concurrent_writers)
{
	enum { N = 8 };
	char dir[64], solo[128], db[128], q[256];
	pid_t pids[N];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(solo, sizeof solo, "%s/solo.db", dir);
	snprintf(db, sizeof db, "%s/same.db", dir);
	for (int i = 0; i < N; i++)
		pids[i] = start_run(db);
	for (int i = 0; i < N; i++) {
		int ws = 0;
		ck_assert_int_eq(waitpid(pids[i], &ws, 0), pids[i]);
		ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "writer %d: status 0x%x", i,
		              ws);
	}
	int ws = 0;
	pid_t pid = start_run(solo);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_int_eq(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, 1);
	int64_t n = query_int(solo, "SELECT n_events FROM runs");
	ck_assert_int_gt(n, TR_SQLITE_BATCH);
	ck_assert_int_eq(query_int(solo, "SELECT count(*) FROM events"), n);

	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs"), N);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), N);
	for (int id = 1; id <= N; id++) {
		snprintf(q, sizeof q, "SELECT n_events FROM runs WHERE id = %d", id);
		ck_assert_int_eq(query_int(db, q), n);
		snprintf(q, sizeof q, "SELECT count(*) FROM events WHERE run = %d", id);
		ck_assert_int_eq(query_int(db, q), n);
		snprintf(q, sizeof q, "SELECT max(seq) FROM events WHERE run = %d", id);
		ck_assert_int_eq(query_int(db, q), n - 1);
	}
	/* the same hash as the solo run's (one run, written eight times) */
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	snprintf(q, sizeof q, "ATTACH '%s' AS solo", solo);
	ck_assert_int_eq(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h,
	                                    "SELECT count(*) FROM main.runs WHERE trace_hash ="
	                                    " (SELECT trace_hash FROM solo.runs)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), N);
	sqlite3_finalize(st);
	sqlite3_close(h);
	test_rmtree(dir);
}
END_TEST

/* The names in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	size_t k = 0;
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && k < len)
			k += (size_t)snprintf(out + k, len - k, "%s%s", k ? " " : "",
			                      names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

/* Run gsched with argv (NULL-terminated, without argv[0]), its output
 * to /dev/null; with nobody set and we are root, as the user nobody, so
 * that a directory's missing write permission holds.  Returns its exit
 * status, or -1 if it did not exit. */
static int run_as(bool nobody, const char *const *argv)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *av[16] = {"gsched"};
		for (int i = 0; argv[i] && i < 14; i++)
			av[i + 1] = argv[i];
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(120);
		if (nobody && geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
			_exit(122);
		execv(GSCHED_BINARY, (char *const *)av);
		_exit(121);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* show, replay and diff read a database and leave nothing beside it (no
 * -wal, no -shm), in a writable directory and in a read-only one. */
START_TEST(test_readers_create_nothing)
{
	char dir[64], db[128], out[8192], args[512], names[256];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(db, sizeof db, "%s/a.db", dir);
	snprintf(args, sizeof args, "run fan-out --seed 1 --quiet --db %s", db);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	list_dir(dir, names, sizeof names);
	ck_assert_str_eq(names, "a.db"); /* the writer's last close removed its -wal */
	const char *const cmds[][4] = {
	        {"show", db, NULL},
	        {"replay", db, NULL},
	        {"diff", db, db, NULL},
	};
	for (int ro = 0; ro < 2; ro++) {
		if (ro) { /* and as nobody, who may not write here (root may) */
			ck_assert_int_eq(chmod(db, 0444), 0);
			ck_assert_int_eq(chmod(dir, 0555), 0);
		}
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
			ck_assert_msg(run_as(ro, cmds[i]) == 0, "%s in a %s directory", cmds[i][0],
			              ro ? "read-only" : "writable");
			list_dir(dir, names, sizeof names);
			ck_assert_msg(strcmp(names, "a.db") == 0, "after %s: %s", cmds[i][0],
			              names);
		}
	}
	ck_assert_int_eq(chmod(dir, 0700), 0);
	test_rmtree(dir);
}
END_TEST

/* A writer killed mid-run leaves its committed batch in the -wal: a
 * reader in a read-only directory still reads it, and adds nothing. */
START_TEST(test_reader_killed_writer_readonly_dir)
{
	static const struct tr_run run = {
	        .scenario = "synthetic",
	        .scenario_json = "{\"name\": \"synthetic\"}",
	        .seed = 1,
	        .backend = "sim",
	        .strategy = "random",
	        .window_ns = 0,
	        .gomaxprocs = 1,
	};
	char dir[64], db[128], names[256], before[256];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(db, sizeof db, "%s/k.db", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char err[512];
		struct tr_sink *s = tr_sqlite_open(db, &run, err, sizeof err);
		if (!s)
			_exit(3);
		for (int64_t i = 0; i < TR_SQLITE_BATCH + 100; i++) {
			struct rt_event e = {.t_ns = i,
			                     .g = 1,
			                     .kind = RT_EV_GSTATUS,
			                     .obj = 1,
			                     .a = 1,
			                     .b = 2,
			                     .detail = "gosched"};
			s->event(s, &e);
		}
		kill(getpid(), SIGKILL);
		_exit(4);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFSIGNALED(ws), "writer status 0x%x", ws);
	list_dir(dir, before, sizeof before);
	ck_assert_str_eq(before, "k.db k.db-shm k.db-wal");
	ck_assert_int_eq(chmod(dir, 0555), 0);
	const char *const show[] = {"show", db, NULL};
	ck_assert_int_eq(run_as(true, show), 0);
	list_dir(dir, names, sizeof names);
	ck_assert_str_eq(names, before);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	/* what it read: the committed batch, status running */
	char out[512], args[256];
	snprintf(args, sizeof args, "show %s 2>/dev/null | sed -n '/^status:/p;/^n-events:/p'", db);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	ck_assert_str_eq(out, "status: running\nn-events: 50000\n");
	test_rmtree(dir);
}
END_TEST

/* The file becomes unwritable mid-run (a 3 MiB file size limit, where
 * the run needs 6 MiB; a full disk fails the same way): exit 2, one line
 * naming the file and the cause, and the batches committed before it
 * intact, the run marked incomplete (status running). */
START_TEST(test_write_fault_mid_run)
{
	static const char loop_json[] =
	        "{\"name\": \"gosched-loop\", \"gomaxprocs\": 1, \"main\": \"main\",\n"
	        " \"bodies\": {\"main\": [{\"op\": \"repeat\", \"count\": 40000,"
	        " \"body\": [{\"op\": \"gosched\"}]}]}}\n";
	char dir[64], json[128], db[128], log[128], q[128];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(json, sizeof json, "%s/loop.json", dir);
	snprintf(db, sizeof db, "%s/f.db", dir);
	snprintf(log, sizeof log, "%s/stderr", dir);
	write_file(json, loop_json);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 3 << 20, .rlim_max = 3 << 20};
		signal(SIGXFSZ, SIG_IGN); /* write() fails with EFBIG instead */
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || !freopen(log, "w", stderr) ||
		    !freopen("/dev/null", "w", stdout))
			_exit(120);
		execl(GSCHED_BINARY, "gsched", "run", json, "--db", db, (char *)NULL);
		_exit(121);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 2, "status 0x%x", ws);
	char *msg = test_read_file(log), want[512];
	snprintf(want, sizeof want,
	         "gsched run: %s: committing a batch of events: disk I/O error (a write was cut "
	         "short: the disk is full or the file size limit was reached)\n",
	         db);
	ck_assert_str_eq(msg, want);
	free(msg);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 1);
	int64_t n = query_int(db, "SELECT count(*) FROM events");
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(n % TR_SQLITE_BATCH, 0);
	snprintf(q, sizeof q, "SELECT max(seq) + 1 FROM events");
	ck_assert_int_eq(query_int(db, q), n);
	ck_assert_int_eq(
	        query_int(db, "SELECT count(*) FROM pragma_quick_check WHERE quick_check = 'ok'"),
	        1);
	test_rmtree(dir);
}
END_TEST

/* Out of memory for goroutine stacks (a 400 MB address-space limit), in
 * the simulator and on the native backend: status oom, not a violation,
 * with the count of stacks and the memory they took; exit 1; the
 * database says oom.  Not under ASan, whose shadow memory does not fit
 * in such a limit. */
START_TEST(test_out_of_memory_status)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#endif
	const char *backend = _i ? "native" : "sim";
	char dir[64], db[128], log[128];
	test_mkdtemp(dir, sizeof dir, "rel");
	snprintf(db, sizeof db, "%s/oom.db", dir);
	snprintf(log, sizeof log, "%s/stdout", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 400 << 20, .rlim_max = 400 << 20};
		if (setrlimit(RLIMIT_AS, &rl) != 0 || !freopen(log, "w", stdout))
			_exit(120);
		execl(GSCHED_BINARY, "gsched", "run", "many-alive", "--backend", backend, "--db",
		      db, (char *)NULL);
		_exit(121);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 1, "%s: status 0x%x", backend, ws);
	char *out = test_read_file(log);
	ck_assert_msg(strstr(out, "\nstatus        oom: out of memory: no ") &&
	                      strstr(out, " stacks alive (goroutines and Ms) and ") &&
	                      strstr(out, " MiB taken"),
	              "%s: %s", backend, out);
	free(out);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs WHERE status = 'oom'"), 1);
	test_rmtree(dir);
}
END_TEST

/* Programs that take memory until there is none (sim_config.mem_limit):
 * channels with 1 MiB buffers, kept to be freed after the run; and
 * goroutines that all sleep, each on its own stack. */
#define HOARD_MAX 256
static struct gs_chan *hoard[HOARD_MAX];

static void hoard_chans_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < HOARD_MAX; i++)
		hoard[i] = gs_chan_make(1 << 17); /* 2^17 int64s: 1 MiB */
}

static void sleeper(void *arg)
{
	(void)arg;
	gs_sleep(1000000);
}

static void many_sleepers_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++)
		gs_go(sleeper, NULL);
	gs_sleep(2000000);
}

static void huge_alloc_main(void *arg)
{
	*(void **)arg = gs_alloc("a 2^46-byte test object", (size_t)1 << 46);
}

static void free_hoard(void)
{
	for (int i = 0; i < HOARD_MAX; i++) {
		gs_chan_free(hoard[i]);
		hoard[i] = NULL;
	}
}

/* Any allocation of the runtime that finds no memory ends the run with
 * status oom (exit status 1), naming what it was for, the stacks alive
 * and the memory taken: a channel, a goroutine's stack.  Under
 * mem_limit this is deterministic: the same run twice fails at the same
 * point with the same message and the same events. */
START_TEST(test_out_of_memory_any_allocation)
{
	struct sim_result res, again;
	struct sim_config cfg = {.seed = 3, .mem_limit = 32 << 20};
	ck_assert_int_eq(sim_run_program(&cfg, 2, hoard_chans_main, NULL, &res), 1);
	free_hoard();
	ck_assert_msg(res.status == TR_OOM, "%s: %s", tr_status_name(res.status), res.message);
	ck_assert_msg(strstr(res.message, "bytes for a channel and its buffer, "
	                                  "with ") &&
	                      strstr(res.message, " stacks alive (goroutines and Ms) and "),
	              "%s", res.message);
	ck_assert_int_eq(sim_run_program(&cfg, 2, hoard_chans_main, NULL, &again), 1);
	free_hoard();
	ck_assert_str_eq(again.message, res.message);
	ck_assert_uint_eq(again.stats.hash, res.stats.hash);
	ck_assert_uint_eq(again.stats.n_events, res.stats.n_events);

	cfg.mem_limit = 64 << 20;
	ck_assert_int_eq(sim_run_program(&cfg, 4, many_sleepers_main, NULL, &res), 1);
	ck_assert_msg(res.status == TR_OOM, "%s: %s", tr_status_name(res.status), res.message);
	ck_assert_msg(strstr(res.message, " bytes for a goroutine's or an M's stack, with "), "%s",
	              res.message);
	/* 64 MiB of RT_STACK_SIZE stacks: fewer than 64 MiB / RT_STACK_SIZE
	 * of them, and most of the 64 MiB went to stacks */
	long long nstacks = -1, most = (64 << 20) / RT_STACK_SIZE;
	const char *w = strstr(res.message, ", with ");
	ck_assert_int_eq(sscanf(w, ", with %lld stacks", &nstacks), 1);
	ck_assert_msg(nstacks > most * 2 / 5 && nstacks < most, "%s", res.message);

	/* No limit: the same programs complete. */
	cfg.mem_limit = 0;
	ck_assert_int_eq(sim_run_program(&cfg, 2, hoard_chans_main, NULL, &res), 0);
	free_hoard();
	ck_assert_int_eq(res.status, TR_COMPLETE);
}
END_TEST

/* The machine's own limit, without mem_limit: a program's allocation
 * (gs_alloc) bigger than any machine here ends the run as oom too.  Not
 * under ASan, whose allocator reports such a size as an error itself. */
START_TEST(test_out_of_memory_machine)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#endif
	void *p = NULL;
	struct sim_result res;
	struct sim_config cfg = {.seed = 1};
	ck_assert_int_eq(sim_run_program(&cfg, 2, huge_alloc_main, &p, &res), 1);
	ck_assert_ptr_null(p);
	ck_assert_msg(res.status == TR_OOM &&
	                      strstr(res.message, "out of memory: no 70368744177664 bytes for a "
	                                          "2^46-byte test object, with "),
	              "%s: %s", tr_status_name(res.status), res.message);
}
END_TEST

Suite *make_reliability_suite(void)
{
	Suite *s = suite_create("reliability");
	TCase *tc = tcase_create("input");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_check_huge_window);
	tcase_add_test(tc, test_replay_huge_window);
	tcase_add_test(tc, test_empty_repeat_limits);
	tcase_add_loop_test(tc, test_out_of_memory_status, 0, 2);
	tcase_add_test(tc, test_out_of_memory_any_allocation);
	tcase_add_test(tc, test_out_of_memory_machine);
	suite_add_tcase(s, tc);
	tc = tcase_create("database");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_readers_create_nothing);
	tcase_add_test(tc, test_reader_killed_writer_readonly_dir);
	tcase_add_test(tc, test_write_fault_mid_run);
	suite_add_tcase(s, tc);
	return s;
}
