/*
 * check_traces.c - the traces suite: the SQLite writer round-trips every
 * field, keeps committed batches of a run that never finished (closed
 * early or SIGKILLed), refuses files that are not its own; the trace hash
 * sees every field and the order; the counters; the analysis views.
 *
 * Every test works in its own mkdtemp directory and removes it.
 */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "stats_add.h"
#include "testutil.h"
#include "tr.h"

static struct test_dbdir tmp;
static const char *const dir = tmp.dir, *const dbpath = tmp.db;

static void setup(void)
{
	test_dbdir_open(&tmp, "traces");
}

static void teardown(void)
{
	test_dbdir_close(&tmp);
}

static const struct tr_run test_run = {
        .scenario = "synthetic",
        .scenario_json = "{\"name\": \"synthetic\"}",
        .seed = 42,
        .backend = "sim",
        .strategy = "random",
        .window_ns = -1,
        .policy_json = "{}",
        .bugs_json = "[]",
        .gomaxprocs = 2,
        .build = "check_traces",
};

static struct rt_event ev(int64_t t, int32_t m, int32_t p, int64_t g, int32_t kind, int64_t obj,
                          int64_t a, int64_t b, const char *detail)
{
	struct rt_event e = {.t_ns = t,
	                     .m = m,
	                     .p = p,
	                     .g = g,
	                     .kind = kind,
	                     .obj = obj,
	                     .a = a,
	                     .b = b,
	                     .detail = detail};
	return e;
}

/* A small, varied stream: NULL and non-NULL details, negative p. */
static const struct rt_event *sample(size_t *n)
{
	static struct rt_event s[8];
	s[0] = ev(0, 0, -1, 0, RT_EV_MSTART, 0, -1, 0, NULL);
	s[1] = ev(5, 0, 0, 0, RT_EV_PSTATUS, 0, 0, 1, NULL);
	s[2] = ev(7, 0, 0, 0, RT_EV_NEWPROC, 1, 0, 0, NULL);
	s[3] = ev(9, 0, 0, 0, RT_EV_GSTATUS, 1, 0, 1, NULL);
	s[4] = ev(11, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, NULL);
	s[5] = ev(30, 0, 0, 1, RT_EV_STEAL, 1, 3, 1, NULL);
	s[6] = ev(41, 1, 1, 1, RT_EV_GSTATUS, 1, 2, 4, "chan recv");
	s[7] = ev(1000000000000, 0, -1, 0, RT_EV_VIOLATION, 0, 0, 0,
	          "checkdead: no M is running, and this message is longer than the writer's"
	          " inline copy of a detail (128 bytes), so it takes the heap path instead");
	*n = 8;
	return s;
}

static uint64_t hash_of(const struct rt_event *evs, size_t n)
{
	struct tr_stats st;
	tr_stats_init(&st);
	for (size_t i = 0; i < n; i++)
		tr_stats_add(&st, &evs[i]);
	return st.hash;
}

static sqlite3 *open_ro(const char *path)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void query_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(out, outlen, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
}

/* Write evs through a fresh sink; finish unless status < 0.  Returns the run id. */
static int64_t write_run(const struct rt_event *evs, size_t n, int status, const char *message,
                         struct tr_stats *st)
{
	char err[512] = "";
	struct tr_sink *s = tr_sqlite_open(dbpath, &test_run, err, sizeof err);
	ck_assert_msg(s != NULL, "open: %s", err);
	int64_t id = tr_sqlite_run_id(s);
	tr_stats_init(st);
	for (size_t i = 0; i < n; i++) {
		tr_stats_add(st, &evs[i]);
		s->event(s, &evs[i]);
	}
	if (status >= 0)
		ck_assert_msg(s->finish(s, status, st, message, err, sizeof err) == 0, "finish: %s",
		              err);
	s->close(s);
	return id;
}

START_TEST(test_kind_names)
{
	/* The views and docs/database.md rely on these names. */
	ck_assert_str_eq(rt_evkind_name[RT_EV_GSTATUS], "gstatus");
	ck_assert_str_eq(rt_evkind_name[RT_EV_PSTATUS], "pstatus");
	ck_assert_str_eq(rt_evkind_name[RT_EV_SPINNING], "spinning");
	ck_assert_str_eq(rt_evkind_name[RT_EV_PIDLEPUT], "pidleput");
	ck_assert_str_eq(rt_evkind_name[RT_EV_PIDLEGET], "pidleget");
	for (int k = 1; k < RT_EV__COUNT; k++)
		ck_assert_msg(rt_evkind_name[k] && rt_evkind_name[k][0], "kind %d has no name", k);
}
END_TEST

static char *read_doc(const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", GSCHED_SOURCE_DIR, rel);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	static char buf[1 << 17];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

/* docs/database.md's event table lists exactly the kinds of events.h
 * (but the unused slot), in order; its status lines spell the names of
 * events.c. */
START_TEST(test_docs_vocabulary)
{
	const char *doc = read_doc("docs/database.md");
	const char *row = strstr(doc, "| kind | obj | a | b | detail |\n|---|---|---|---|---|\n");
	ck_assert_msg(row != NULL, "docs/database.md: no event table");
	row = strchr(strchr(row, '\n') + 1, '\n') + 1;
	for (int k = 1; k < RT_EV__COUNT; k++) {
		const char *name = rt_evkind_name[k];
		if (strstr(name, "_unused"))
			continue;
		char want[64];
		snprintf(want, sizeof want, "| %s |", name);
		ck_assert_msg(strncmp(row, want, strlen(want)) == 0,
		              "docs/database.md: event table row for '%s' expected here: %.40s",
		              name, row);
		row = strchr(row, '\n') + 1;
	}
	ck_assert_msg(strncmp(row, "| ", 2) != 0, "docs/database.md: a row for no kind: %.40s",
	              row);

	const char *const *names[] = {rt_gstatus_names, rt_pstatus_names};
	const int counts[] = {RT_GSTATUS_COUNT, RT_PSTATUS_COUNT};
	const char *const heads[] = {"- goroutine status (`g_state_names`): ",
	                             "- P status (`p_state_names`): "};
	for (int t = 0; t < 2; t++) {
		char want[512];
		size_t n = (size_t)snprintf(want, sizeof want, "%s", heads[t]);
		for (int v = 0; v < counts[t]; v++)
			n += (size_t)snprintf(want + n, sizeof want - n, "%s%d %s", v ? ", " : "",
			                      v, names[t][v]);
		snprintf(want + n, sizeof want - n, "\n");
		ck_assert_msg(strstr(doc, want), "docs/database.md lacks the line: %s", want);
	}
}
END_TEST

START_TEST(test_roundtrip)
{
	size_t n;
	const struct rt_event *evs = sample(&n);
	struct tr_stats st;
	int64_t id = write_run(evs, n, TR_VIOLATION, "checkdead: no M", &st);
	ck_assert_int_gt(strlen(evs[7].detail), 128);
	ck_assert_int_eq(id, 1);

	sqlite3 *db = open_ro(dbpath);
	sqlite3_stmt *q = NULL;
	ck_assert_int_eq(
	        sqlite3_prepare_v2(db,
	                           "SELECT seq, run, t_ns, m, p, g, kind, obj, a, b, detail"
	                           " FROM events ORDER BY run, seq",
	                           -1, &q, NULL),
	        SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int64(q, 0), (int64_t)i);
		ck_assert_int_eq(sqlite3_column_int64(q, 1), id);
		ck_assert_int_eq(sqlite3_column_int64(q, 2), evs[i].t_ns);
		ck_assert_int_eq(sqlite3_column_int64(q, 3), evs[i].m);
		ck_assert_int_eq(sqlite3_column_int64(q, 4), evs[i].p);
		ck_assert_int_eq(sqlite3_column_int64(q, 5), evs[i].g);
		ck_assert_str_eq((const char *)sqlite3_column_text(q, 6),
		                 rt_evkind_name[evs[i].kind]);
		ck_assert_int_eq(sqlite3_column_int64(q, 7), evs[i].obj);
		ck_assert_int_eq(sqlite3_column_int64(q, 8), evs[i].a);
		ck_assert_int_eq(sqlite3_column_int64(q, 9), evs[i].b);
		if (evs[i].detail)
			ck_assert_str_eq((const char *)sqlite3_column_text(q, 10), evs[i].detail);
		else
			ck_assert_int_eq(sqlite3_column_type(q, 10), SQLITE_NULL);
	}
	ck_assert_int_eq(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);

	char text[256], want[32];
	query_text(db, "SELECT status FROM runs WHERE id = 1", text, sizeof text);
	ck_assert_str_eq(text, "violation");
	snprintf(want, sizeof want, "%016" PRIx64, st.hash);
	query_text(db, "SELECT trace_hash FROM runs WHERE id = 1", text, sizeof text);
	ck_assert_str_eq(text, want);
	query_text(db, "SELECT message FROM runs WHERE id = 1", text, sizeof text);
	ck_assert_str_eq(text, "checkdead: no M");
	query_text(db,
	           "SELECT scenario || '|' || scenario_json || '|' || backend || '|' ||"
	           " strategy || '|' || build FROM runs WHERE id = 1",
	           text, sizeof text);
	ck_assert_str_eq(text, "synthetic|{\"name\": \"synthetic\"}|sim|random|check_traces");
	ck_assert_int_eq(query_int(db, "SELECT n_events FROM runs WHERE id = 1"), (int64_t)n);
	ck_assert_int_eq(query_int(db, "SELECT seed FROM runs WHERE id = 1"), 42);
	ck_assert_int_eq(query_int(db, "SELECT window_ns FROM runs WHERE id = 1"), -1);
	ck_assert_int_eq(query_int(db, "SELECT gomaxprocs FROM runs WHERE id = 1"), 2);
	ck_assert_int_eq(query_int(db, "SELECT end_ns FROM runs WHERE id = 1"), 1000000000000);
	ck_assert_int_eq(query_int(db, "SELECT steals * 100 + stolen_gs * 10 + violations"
	                               " FROM runs WHERE id = 1"),
	                 131);
	ck_assert_int_eq(query_int(db, "SELECT max_ms FROM runs WHERE id = 1"), 2);
	ck_assert_int_eq(query_int(db, "PRAGMA user_version"), TR_SCHEMA_VERSION);
	ck_assert_int_eq(query_int(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
	                 TR_SCHEMA_VERSION);
	sqlite3_close(db);

	/* A second run appends to the same file, with its own seq from 0. */
	id = write_run(evs, 3, TR_COMPLETE, NULL, &st);
	ck_assert_int_eq(id, 2);
	db = open_ro(dbpath);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM events WHERE run = 2"), 3);
	ck_assert_int_eq(query_int(db, "SELECT max(seq) FROM events WHERE run = 2"), 2);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM events WHERE run = 1"), (int64_t)n);
	ck_assert_int_eq(query_int(db, "SELECT message IS NULL FROM runs WHERE id = 2"), 1);
	/* Each run's rowid range holds exactly its events. */
	for (int r = 1; r <= 2; r++) {
		char q[200];
		int64_t want = r == 1 ? (int64_t)n : 3;
		snprintf(q, sizeof q, "SELECT last_event - first_event + 1 FROM runs WHERE id = %d",
		         r);
		ck_assert_int_eq(query_int(db, q), want);
		snprintf(q, sizeof q,
		         "SELECT count(*) FROM events, runs WHERE runs.id = %d AND events.run = %d"
		         " AND events.rowid BETWEEN first_event AND last_event",
		         r, r);
		ck_assert_int_eq(query_int(db, q), want);
	}
	query_text(db, "PRAGMA integrity_check", text, sizeof text);
	ck_assert_str_eq(text, "ok");
	sqlite3_close(db);
}
END_TEST

/* Many events with values from a formula: the multi-row insert path, and
 * detail strings that the caller overwrites right after ->event. */
START_TEST(test_many_rows_and_detail_copies)
{
	enum { N = 1234 };
	char err[512] = "", buf[300];
	struct tr_stats st;
	struct tr_sink *s = tr_sqlite_open(dbpath, &test_run, err, sizeof err);
	ck_assert_msg(s != NULL, "open: %s", err);
	tr_stats_init(&st);
	for (int i = 0; i < N; i++) {
		int len = i % 3 == 0 ? -1 : i % 250; /* NULL, short and long details */
		if (len >= 0) {
			memset(buf, 'a' + i % 26, (size_t)len);
			buf[len] = 0;
		}
		struct rt_event e = ev(i * 3, i % 5, i % 4 - 1, i % 11, 1 + i % (RT_EV__COUNT - 1),
		                       -i, i * 7, (int64_t)i << 33, len >= 0 ? buf : NULL);
		tr_stats_add(&st, &e);
		s->event(s, &e);
		memset(buf, '#', sizeof buf - 1); /* the sink must have copied it */
		buf[sizeof buf - 1] = 0;
	}
	ck_assert_msg(s->finish(s, TR_COMPLETE, &st, NULL, err, sizeof err) == 0, "%s", err);
	s->close(s);

	sqlite3 *db = open_ro(dbpath);
	sqlite3_stmt *q = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT seq, t_ns, m, p, g, kind, obj, a, b, detail"
	                                    " FROM events WHERE run = 1 ORDER BY seq",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int64(q, 0), i);
		ck_assert_int_eq(sqlite3_column_int64(q, 1), i * 3);
		ck_assert_int_eq(sqlite3_column_int64(q, 2), i % 5);
		ck_assert_int_eq(sqlite3_column_int64(q, 3), i % 4 - 1);
		ck_assert_int_eq(sqlite3_column_int64(q, 4), i % 11);
		ck_assert_str_eq((const char *)sqlite3_column_text(q, 5),
		                 rt_evkind_name[1 + i % (RT_EV__COUNT - 1)]);
		ck_assert_int_eq(sqlite3_column_int64(q, 6), -i);
		ck_assert_int_eq(sqlite3_column_int64(q, 7), i * 7);
		ck_assert_int_eq(sqlite3_column_int64(q, 8), (int64_t)i << 33);
		int len = i % 3 == 0 ? -1 : i % 250;
		if (len < 0) {
			ck_assert_int_eq(sqlite3_column_type(q, 9), SQLITE_NULL);
		} else {
			const char *d = (const char *)sqlite3_column_text(q, 9);
			ck_assert_int_eq((int)strlen(d), len);
			for (int k = 0; k < len; k++)
				ck_assert_int_eq(d[k], 'a' + i % 26);
		}
	}
	ck_assert_int_eq(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	ck_assert_int_eq(query_int(db, "SELECT n_events FROM runs WHERE id = 1"), N);
	sqlite3_close(db);
}
END_TEST

/* Events enough for one full batch and some: a cut-short run must keep
 * exactly the committed batch. */
static void write_unfinished(int kill_self)
{
	char err[512] = "";
	struct tr_sink *s = tr_sqlite_open(dbpath, &test_run, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		_exit(3);
	}
	for (int64_t i = 0; i < TR_SQLITE_BATCH + 777; i++) {
		struct rt_event e = ev(i * 10, (int32_t)(i & 1), 0, i % 7, RT_EV_RUNQPUT, i, 0, 0,
		                       (i & 3) ? NULL : "x");
		s->event(s, &e);
	}
	if (kill_self)
		kill(getpid(), SIGKILL);
	s->close(s);
}

static void check_unfinished(void)
{
	char text[64];
	sqlite3 *db = open_ro(dbpath);
	query_text(db, "SELECT status FROM runs", text, sizeof text);
	ck_assert_str_eq(text, "running");
	ck_assert_int_eq(query_int(db, "SELECT n_events IS NULL AND trace_hash IS NULL FROM runs"),
	                 1);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM events"), TR_SQLITE_BATCH);
	ck_assert_int_eq(query_int(db, "SELECT max(seq) FROM events"), TR_SQLITE_BATCH - 1);
	query_text(db, "PRAGMA integrity_check", text, sizeof text);
	ck_assert_str_eq(text, "ok");
	sqlite3_close(db);
}

START_TEST(test_close_without_finish)
{
	write_unfinished(0);
	check_unfinished();
}
END_TEST

START_TEST(test_sigkill_keeps_batches)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		write_unfinished(1);
		_exit(0);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL, "child status %d", ws);
	check_unfinished();
	/* And the file takes a new run after the crash. */
	struct tr_stats st;
	size_t n;
	const struct rt_event *evs = sample(&n);
	ck_assert_int_eq(write_run(evs, n, TR_COMPLETE, NULL, &st), 2);
}
END_TEST

/* An I/O error in ->event (here: the file size limit) does not stop the
 * caller; ->finish reports the first error, naming the file.  In a child
 * process, whose limits we may lower. */
START_TEST(test_io_error_reported)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char err[512] = "";
		struct rlimit rl = {.rlim_cur = 256 * 1024, .rlim_max = 256 * 1024};
		signal(SIGXFSZ, SIG_IGN);
		struct tr_sink *s = tr_sqlite_open(dbpath, &test_run, err, sizeof err);
		if (!s || setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(10);
		struct tr_stats st;
		tr_stats_init(&st);
		for (int64_t i = 0; i < 2 * TR_SQLITE_BATCH; i++) {
			struct rt_event e = ev(i, 0, 0, 1, RT_EV_GSTATUS, 1, 1, 2, "gosched");
			tr_stats_add(&st, &e);
			s->event(s, &e);
		}
		int rc = s->finish(s, TR_COMPLETE, &st, NULL, err, sizeof err);
		s->close(s);
		if (rc != -1)
			_exit(11);
		if (strstr(err, dbpath) != err || strstr(err, "batch") == NULL) {
			fprintf(stderr, "message: %s\n", err);
			_exit(12);
		}
		_exit(0);
	}
	int ws = 0;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child status 0x%x", ws);
	/* The file still opens and holds the run, unfinished. */
	char text[64];
	sqlite3 *db = open_ro(dbpath);
	query_text(db, "SELECT status FROM runs WHERE id = 1", text, sizeof text);
	ck_assert_str_eq(text, "running");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_hash_sees_every_field)
{
	size_t n;
	const struct rt_event *base = sample(&n);
	uint64_t h0 = hash_of(base, n);
	struct rt_event evs[8];

	memcpy(evs, base, sizeof evs);
	ck_assert_uint_eq(hash_of(evs, n), h0); /* equal streams, equal hashes */

	/* Same detail bytes at another address: same hash. */
	char copy[32];
	strcpy(copy, base[6].detail);
	evs[6].detail = copy;
	ck_assert_uint_eq(hash_of(evs, n), h0);

	for (size_t i = 0; i < n; i++) {
		for (int f = 0; f < 10; f++) {
			memcpy(evs, base, sizeof evs);
			struct rt_event *e = &evs[i];
			switch (f) {
			case 0:
				e->t_ns += 1;
				break;
			case 1:
				e->m ^= 1 << 20;
				break;
			case 2:
				e->p += 1;
				break;
			case 3:
				e->g ^= INT64_C(1) << 62;
				break;
			case 4:
				e->kind = e->kind == RT_EV_MPARK ? RT_EV_MUNPARK : RT_EV_MPARK;
				break;
			case 5:
				e->obj -= 1;
				break;
			case 6:
				e->a ^= 1;
				break;
			case 7:
				e->b += 1 << 8;
				break;
			case 8:
				e->detail = e->detail ? NULL : "";
				break;
			case 9:
				e->detail = e->detail ? "chan recw" : "x";
				break;
			}
			ck_assert_msg(hash_of(evs, n) != h0, "event %zu field %d not hashed", i, f);
		}
	}
	/* Order: swapping any two adjacent events changes the hash. */
	for (size_t i = 0; i + 1 < n; i++) {
		memcpy(evs, base, sizeof evs);
		struct rt_event t = evs[i];
		evs[i] = evs[i + 1];
		evs[i + 1] = t;
		ck_assert_msg(hash_of(evs, n) != h0, "swap %zu,%zu not seen", i, i + 1);
	}
	/* Details are length-prefixed: "ab"+"c" is not "a"+"bc". */
	struct rt_event x[2] = {ev(1, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, "ab"),
	                        ev(1, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, "c")};
	struct rt_event y[2] = {ev(1, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, "a"),
	                        ev(1, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, "bc")};
	ck_assert_uint_ne(hash_of(x, 2), hash_of(y, 2));
	/* Every byte of a detail counts, whatever the length (the writer's
	 * and the hash's short-string paths). */
	for (int len = 1; len <= 20; len++) {
		char d[24], e[24];
		memset(d, 'q', (size_t)len);
		d[len] = 0;
		struct rt_event one = ev(1, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, d);
		uint64_t hd = hash_of(&one, 1);
		for (int k = 0; k < len; k++) {
			memcpy(e, d, sizeof d);
			e[k] = 'r';
			one.detail = e;
			ck_assert_msg(hash_of(&one, 1) != hd, "len %d byte %d not hashed", len, k);
		}
		e[len - 1] = 0; /* one byte shorter */
		ck_assert_uint_ne(hash_of(&one, 1), hd);
	}
	/* The empty stream hashes to the initial value. */
	ck_assert_uint_eq(hash_of(base, 0), TR_HASH_INIT);
}
END_TEST

START_TEST(test_stats_counters)
{
	struct rt_event s[] = {
	        ev(1, 0, 0, 0, RT_EV_NEWPROC, 1, 0, 0, NULL),
	        ev(2, 0, 0, 0, RT_EV_NEWPROC, 2, 1, 1, NULL),
	        ev(3, 0, 0, 0, RT_EV_GSTATUS, 1, 1, 2, NULL),   /* ctx switch */
	        ev(4, 0, 0, 1, RT_EV_GSTATUS, 1, 2, 6, "exit"), /* finished */
	        ev(5, 3, 1, 0, RT_EV_GSTATUS, 2, 1, 2, NULL),   /* ctx switch */
	        ev(6, 3, 1, 2, RT_EV_GSTATUS, 2, 2, 1, "gosched"),
	        ev(7, 1, 0, 0, RT_EV_STEAL, 1, 3, 0, NULL),
	        ev(8, 1, 0, 0, RT_EV_STEAL, 1, 0, 0, NULL), /* empty: not a steal */
	        ev(9, 1, 0, 0, RT_EV_STEAL, 1, 2, 1, NULL),
	        ev(10, 1, 0, 0, RT_EV_SPINNING, 1, 1, 0, NULL),
	        ev(11, 1, 0, 0, RT_EV_SPINNING, 1, 0, 0, NULL),
	        ev(12, 1, 0, 0, RT_EV_RUNQPUTSLOW, 0, 129, 0, NULL),
	        ev(13, 1, 0, 0, RT_EV_GLOBRUNQGET, 7, 2, 4, NULL),
	        ev(14, 1, -1, 0, RT_EV_MPARK, 1, 0, 0, NULL),
	        ev(15, 2, -1, 0, RT_EV_MPARK, 2, 0, 0, NULL),
	        ev(16, 2, -1, 0, RT_EV_VIOLATION, 0, 0, 0, "oracle"),
	        ev(12, 0, -1, 0, RT_EV_MUNPARK, 0, 0, 0, NULL), /* time is not monotone here */
	        /* What a damaged database can hold: counted as events, never as
	         * an exit or a switch, and never past the tally. */
	        ev(13, 0, 0, 0, RT_EV_GSTATUS, 3, 0x1000 | _Grunning, _Gdead, NULL),
	        ev(13, 0, 0, 0, RT_EV_GSTATUS, 3, -1, _Grunning, NULL),
	        ev(13, 0, 0, 0, RT_EV_GSTATUS, 3, _Grunnable, 16 + _Grunning, NULL),
	        ev(13, 0, 0, 0, 200, 0, 0, 0, NULL),
	        ev(13, 0, 0, 0, -5, 0, 0, 0, NULL),
	};
	struct tr_stats st, inl;
	tr_stats_init(&st);
	tr_stats_init(&inl);
	ck_assert_uint_eq(st.hash, TR_HASH_INIT);
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		tr_stats_add(&st, &s[i]);
		tr_stats_add_inline(&inl, &s[i]);
	}
	/* The simulator's way, inline and settled at the end, gives the same. */
	tr_stats_settle(&inl);
	ck_assert_mem_eq(&inl, &st, sizeof st);
	ck_assert_uint_eq(st.n_events, sizeof s / sizeof s[0]);
	ck_assert_int_eq(st.max_live, 2);
	ck_assert_int_eq(st.end_ns, 16);
	ck_assert_int_eq(st.g_created, 2);
	ck_assert_int_eq(st.g_finished, 1);
	ck_assert_int_eq(st.ctx_switches, 2);
	ck_assert_int_eq(st.steals, 2);
	ck_assert_int_eq(st.stolen_gs, 5);
	ck_assert_int_eq(st.spinning_periods, 1);
	ck_assert_int_eq(st.runqputslow, 1);
	ck_assert_int_eq(st.globrunqget, 1);
	ck_assert_int_eq(st.mparks, 2);
	ck_assert_int_eq(st.max_ms, 4);
	ck_assert_int_eq(st.violations, 1);
}
END_TEST

static void expect_refused(const char *path, const char *what)
{
	char err[512] = "";
	struct tr_sink *s = tr_sqlite_open(path, &test_run, err, sizeof err);
	ck_assert_msg(s == NULL, "%s: opened", what);
	ck_assert_msg(strstr(err, path) == err, "%s: message '%s' does not start with the file",
	              what, err);
	ck_assert_msg(strchr(err, '\n') == NULL, "%s: message has a newline", what);
}

START_TEST(test_refuses_foreign_files)
{
	char path[200];

	snprintf(path, sizeof path, "%s/no/such/dir/t.db", dir);
	expect_refused(path, "missing directory");

	snprintf(path, sizeof path, "%s/garbage.db", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919 + 13) & 0xff, f);
	fclose(f);
	expect_refused(path, "garbage file");

	/* A SQLite database that is not ours: refused and left as it was. */
	sqlite3 *db = NULL;
	snprintf(path, sizeof path, "%s/other.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE foo (x); INSERT INTO foo VALUES (1)", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	expect_refused(path, "foreign database");
	db = open_ro(path);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 1);
	char text[32];
	query_text(db, "PRAGMA journal_mode", text, sizeof text);
	ck_assert_str_eq(text, "delete");
	sqlite3_close(db);

	/* A gsched database of another schema version. */
	snprintf(path, sizeof path, "%s/v8.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	                              "PRAGMA user_version = 8; CREATE TABLE meta (key, value);"
	                              " INSERT INTO meta VALUES ('schema_version', '8')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	expect_refused(path, "schema version 8");
	char err[512] = "";
	ck_assert_ptr_null(tr_sqlite_open(path, &test_run, err, sizeof err));
	ck_assert_msg(strstr(err, "version 8") != NULL, "message '%s'", err);
}
END_TEST

START_TEST(test_views)
{
	/* g 5: runnable at 10, running at 20 on M0/P0, dead at 50.
	 * g 6: runnable at 15, running at 50 on M1/P1 until the end (60).
	 * P0: running at 5, idle at 60. */
	struct rt_event s[] = {
	        ev(3, 0, -1, 0, RT_EV_GSTATUS, 0, 0, 6, NULL), /* goid 0: not a goroutine */
	        ev(5, 0, -1, 0, RT_EV_PSTATUS, 0, 0, 1, NULL),
	        ev(10, 0, 0, 0, RT_EV_GSTATUS, 5, 6, 1, NULL),
	        ev(15, 0, 0, 0, RT_EV_GSTATUS, 6, 6, 1, NULL),
	        ev(20, 0, 0, 0, RT_EV_GSTATUS, 5, 1, 2, NULL),
	        ev(30, 1, -1, 0, RT_EV_SPINNING, 1, 1, 0, NULL),
	        ev(50, 0, 0, 5, RT_EV_GSTATUS, 5, 2, 6, "exit"),
	        ev(50, 1, 1, 0, RT_EV_GSTATUS, 6, 1, 2, NULL),
	        ev(50, 1, 1, 0, RT_EV_SPINNING, 1, 0, 0, NULL),
	        ev(60, 0, 0, 0, RT_EV_PSTATUS, 0, 1, 0, NULL),
	};
	struct tr_stats st;
	write_run(s, sizeof s / sizeof s[0], TR_COMPLETE, NULL, &st);

	sqlite3 *db = open_ro(dbpath);
	char text[512];
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT g || ':' || m || '/' || p || '@' || ts"
	           " || '+' || dur || '>' || coalesce(end_state, '-') || ','"
	           " || coalesce(end_reason, '-') AS r"
	           " FROM sched_slice WHERE run = 1 ORDER BY ts, g)",
	           text, sizeof text);
	ck_assert_str_eq(text, "5:0/0@20+30>dead,exit 6:1/1@50+10>-,-");
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sched_slice WHERE g = 5"), 1);
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT g || ':' || state || '@' || ts || '+'"
	           " || dur || coalesce('(' || reason || ')', '') AS r"
	           " FROM thread_state WHERE run = 1 ORDER BY g, ts)",
	           text, sizeof text);
	ck_assert_str_eq(text, "5:runnable@10+10 5:running@20+30 5:dead@50+10(exit)"
	                       " 6:runnable@15+35 6:running@50+10");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT g || ':' || ready_ts || '+' || latency"
	           " || '@' || m || '/' || p AS r FROM sched_latency WHERE run = 1 ORDER BY g)",
	           text, sizeof text);
	ck_assert_str_eq(text, "5:10+10@0/0 6:15+35@1/1");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT p || ':' || state || '@' || ts || '+'"
	           " || dur AS r FROM p_state WHERE run = 1 ORDER BY ts)",
	           text, sizeof text);
	ck_assert_str_eq(text, "0:running@5+55 0:idle@60+0");
	query_text(
	        db,
	        "SELECT group_concat(r, ' ') FROM (SELECT track || '@' || ts || '=' || value AS r"
	        " FROM counter WHERE run = 1 ORDER BY track, seq)",
	        text, sizeof text);
	ck_assert_str_eq(text, "nmspinning@30=1 nmspinning@50=0 runnable_gs@10=1 runnable_gs@15=2"
	                       " runnable_gs@20=1 runnable_gs@50=0 running_gs@20=1"
	                       " running_gs@50=0 running_gs@50=1");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_null_sink_and_names)
{
	struct tr_sink *s = tr_null_sink();
	size_t n;
	const struct rt_event *evs = sample(&n);
	struct tr_stats st;
	char err[64] = "";
	tr_stats_init(&st);
	for (size_t i = 0; i < n; i++) {
		tr_stats_add(&st, &evs[i]);
		s->event(s, &evs[i]);
	}
	ck_assert_int_eq(s->finish(s, TR_COMPLETE, &st, NULL, err, sizeof err), 0);
	s->close(s);
	ck_assert_uint_eq(st.hash, hash_of(evs, n));

	ck_assert_str_eq(tr_status_name(TR_RUNNING), "running");
	ck_assert_str_eq(tr_status_name(TR_COMPLETE), "complete");
	ck_assert_str_eq(tr_status_name(TR_DEADLOCK), "deadlock");
	ck_assert_str_eq(tr_status_name(TR_VIOLATION), "violation");
	ck_assert_str_eq(tr_status_name(TR_STEP_LIMIT), "step_limit");
	ck_assert_str_eq(tr_status_name(TR_TIME_LIMIT), "time_limit");
	ck_assert_ptr_nonnull(strstr(tr_build_string(), "gsched"));
	ck_assert_ptr_nonnull(strstr(tr_schema_sql, "CREATE TABLE events"));
	ck_assert_ptr_nonnull(strstr(tr_views_sql, "CREATE VIEW IF NOT EXISTS sched_slice"));
}
END_TEST

Suite *make_traces_suite(void)
{
	Suite *s = suite_create("traces");
	TCase *tc = tcase_create("traces");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kind_names);
	tcase_add_test(tc, test_docs_vocabulary);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_many_rows_and_detail_copies);
	tcase_add_test(tc, test_close_without_finish);
	tcase_add_test(tc, test_sigkill_keeps_batches);
	tcase_add_test(tc, test_io_error_reported);
	tcase_add_test(tc, test_hash_sees_every_field);
	tcase_add_test(tc, test_stats_counters);
	tcase_add_test(tc, test_refuses_foreign_files);
	tcase_add_test(tc, test_views);
	tcase_add_test(tc, test_null_sink_and_names);
	suite_add_tcase(s, tc);
	return s;
}
