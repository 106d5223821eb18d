/*
 * check_analysis.c - the analysis views (analysis/views.sql), the run
 * metrics (analysis/metrics.c) and their statistics (stats.c), and the
 * commands built on them: report, compare, export --format perfetto.
 *
 * The views and the metrics are checked on a small hand-written event
 * stream with every row and figure known; then against each other on a
 * bundled scenario (the SQL and the C must agree), and the commands
 * through the gsched binary.  Every test works in its own mkdtemp
 * directory and removes it.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an.h"
#include "check_suites.h"
#include "testutil.h"
#include "tr.h"

static struct test_dbdir tmp;
static const char *const dir = tmp.dir, *const dbpath = tmp.db;

static void setup(void)
{
	test_dbdir_open(&tmp, "analysis");
}

static void teardown(void)
{
	test_dbdir_close(&tmp);
}

static struct rt_event ev(int64_t t, int32_t m, int32_t p, int64_t g, int32_t kind, int64_t obj,
                          int64_t a, int64_t b, const char *detail)
{
	return (struct rt_event){t, m, p, g, kind, obj, a, b, detail};
}

/*
 * Two Ps.  P1 is idle from 1 to 22 while goroutines 5 (from 10) and 6
 * (from 12) are runnable: 12 ns lost, one P each time.  5 goes into P0's
 * runnext, 6 takes runnext and kicks 5 into the queue; M1 spins from 20
 * to 26, takes P1 at 22, steals 5 at 25 and runs it at 27 (waited 17)
 * until it exits at 50; P0 runs 6 (labelled "light") at 31 (waited 19).
 * One goroutine passes through the global queue at 40.
 */
static const struct rt_event *small(size_t *n)
{
	static struct rt_event s[18];
	size_t i = 0;
	s[i++] = ev(0, 0, -1, 0, RT_EV_PROCRESIZE, 0, 2, 0, NULL);
	s[i++] = ev(1, 0, -1, 0, RT_EV_PIDLEPUT, 1, 1, 0, NULL);
	s[i++] = ev(10, 0, 0, 1, RT_EV_GSTATUS, 5, 6, 1, NULL);
	s[i++] = ev(10, 0, 0, 1, RT_EV_RUNQPUT, 5, 0, 1, NULL);
	s[i++] = ev(12, 0, 0, 1, RT_EV_GSTATUS, 6, 4, 1, "ready");
	s[i++] = ev(12, 0, 0, 1, RT_EV_LABEL, 6, 0, 0, "light");
	s[i++] = ev(12, 0, 0, 1, RT_EV_RUNQPUT, 6, 0, 1, NULL);
	s[i++] = ev(12, 0, 0, 1, RT_EV_RUNQPUT, 5, 0, 0, NULL); /* the kick */
	s[i++] = ev(20, 1, -1, 0, RT_EV_SPINNING, 1, 1, 0, NULL);
	s[i++] = ev(22, 1, -1, 0, RT_EV_PIDLEGET, 1, 0, 0, NULL);
	s[i++] = ev(25, 1, 1, 0, RT_EV_STEAL, 0, 1, 0, NULL);
	s[i++] = ev(26, 1, 1, 0, RT_EV_SPINNING, 1, 0, 0, NULL);
	s[i++] = ev(27, 1, 1, 0, RT_EV_GSTATUS, 5, 1, 2, NULL);
	s[i++] = ev(30, 0, 0, 1, RT_EV_RUNQGET, 6, 0, 1, NULL);
	s[i++] = ev(31, 0, 0, 0, RT_EV_GSTATUS, 6, 1, 2, NULL);
	s[i++] = ev(40, 0, 0, 6, RT_EV_GLOBRUNQPUT, 7, 1, 1, NULL);
	s[i++] = ev(41, 0, 0, 6, RT_EV_GLOBRUNQGET, 7, 1, 0, NULL);
	s[i++] = ev(50, 1, 1, 5, RT_EV_GSTATUS, 5, 2, 6, "exit");
	*n = i;
	return s;
}

static void write_small(void)
{
	static const struct tr_run run = {"small", "{}", 1, "sim",  "random",           0, "off",
	                                  "{}",    "[]", 2, "test", .has_bounds = false};
	char err[512] = "";
	struct tr_sink *s = tr_sqlite_open(dbpath, &run, err, sizeof err);
	ck_assert_msg(s != NULL, "open: %s", err);
	size_t n;
	const struct rt_event *evs = small(&n);
	struct tr_stats st;
	tr_stats_init(&st);
	for (size_t i = 0; i < n; i++) {
		tr_stats_add(&st, &evs[i]);
		s->event(s, &evs[i]);
	}
	ck_assert_msg(s->finish(s, TR_COMPLETE, &st, NULL, err, sizeof err) == 0, "%s", err);
	s->close(s);
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static void query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *q = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(q, 0);
	snprintf(out, len, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(q);
}

static double query_double(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	double v = sqlite3_column_type(q, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	return v;
}

START_TEST(test_views_small)
{
	write_small();
	sqlite3 *db = open_db(dbpath);
	char text[1024];
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT p || '@' || ts || '=' || value AS r"
	           " FROM runq_length WHERE run = 1 ORDER BY p, seq)",
	           text, sizeof text);
	ck_assert_str_eq(text, "-1@40=1 -1@41=0 0@10=1 0@12=2 0@12=2 0@25=1 0@30=0 1@25=0");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT ts || ':m' || m || ' P' || thief"
	           " || '<-P' || victim || ' n' || n || ' r' || from_runnext AS r"
	           " FROM steal WHERE run = 1 ORDER BY seq)",
	           text, sizeof text);
	ck_assert_str_eq(text, "25:m1 P1<-P0 n1 r0");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT 'm' || m || '@' || ts || '+' || dur"
	           " AS r FROM spinning WHERE run = 1 ORDER BY seq)",
	           text, sizeof text);
	ck_assert_str_eq(text, "m1@20+6");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT ts || '+' || dur || ' idle' || idle_ps"
	           " || ' runnable' || runnable_gs || ' lost' || lost_ps AS r"
	           " FROM idle_while_runnable WHERE run = 1 ORDER BY seq)",
	           text, sizeof text);
	ck_assert_str_eq(text, "10+2 idle1 runnable1 lost1 12+10 idle1 runnable2 lost1");
	query_text(db,
	           "SELECT group_concat(r, ' ') FROM (SELECT g || ':' || latency AS r"
	           " FROM sched_latency WHERE run = 1 ORDER BY g)",
	           text, sizeof text);
	ck_assert_str_eq(text, "5:17 6:19");
	sqlite3_close(db);
}
END_TEST

/* A file an older gsched wrote, without the newer views, gains them with
 * its next run. */
START_TEST(test_views_added_on_append)
{
	write_small();
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "DROP VIEW steal; DROP VIEW idle_while_runnable", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	write_small();
	db = open_db(dbpath);
	ck_assert_double_eq(query_double(db, "SELECT count(*) FROM steal"), 2);
	ck_assert_double_eq(query_double(db, "SELECT count(*) FROM idle_while_runnable"), 4);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_metrics_small)
{
	size_t n;
	const struct rt_event *evs = small(&n);
	struct an_acc *a = an_acc_new(2, "main");
	ck_assert_ptr_nonnull(a);
	struct tr_sink *s = an_acc_sink(a);
	for (size_t i = 0; i < n; i++)
		s->event(s, &evs[i]);
	struct an_metrics m;
	ck_assert_int_eq(an_acc_finish(a, 0, &m), 0);
	an_acc_free(a);
	const double *v = m.v;
	ck_assert_double_eq(v[AN_MAKESPAN], 50);
	ck_assert_double_eq(v[AN_LAT_N], 2);
	ck_assert_double_eq(v[AN_LAT_P50], 17);
	ck_assert_double_eq(v[AN_LAT_P90], 19);
	ck_assert_double_eq(v[AN_LAT_P99], 19);
	ck_assert_double_eq(v[AN_LAT_MAX], 19);
	ck_assert_double_eq_tol(v[AN_JAIN_G], 42.0 * 42 / (2 * (23.0 * 23 + 19 * 19)), 1e-12);
	ck_assert(isnan(v[AN_JAIN_LABEL])); /* one label ran */
	ck_assert_double_eq_tol(v[AN_P_UTIL], 42.0 / 100, 1e-12);
	ck_assert_double_eq(v[AN_WC_LOSS], 12);
	ck_assert_double_eq(v[AN_WC_LOSS_P], 12);
	ck_assert_double_eq_tol(v[AN_WC_LOSS_FRAC], 0.12, 1e-12);
	ck_assert_double_eq(v[AN_STEALS], 1);
	ck_assert_double_eq(v[AN_STEAL_MEAN], 1);
	ck_assert_double_eq(v[AN_SPIN], 6);
	ck_assert_double_eq(v[AN_PREEMPTS], 0);
	ck_assert_double_eq(v[AN_SWITCHES], 2);
	ck_assert_uint_eq(m.nlabels, 2);
	ck_assert_str_eq(m.labels[0].name, "light");
	ck_assert_int_eq(m.labels[0].cpu_ns, 19);
	ck_assert_int_eq(m.labels[0].lat_max, 19);
	ck_assert_str_eq(m.labels[1].name, "-");
	ck_assert_int_eq(m.labels[1].cpu_ns, 23);
	ck_assert_int_eq(m.labels[1].lat_p50, 17);
	ck_assert_uint_eq(m.np, 2);
	ck_assert_int_eq(m.p_busy_ns[0], 19);
	ck_assert_int_eq(m.p_busy_ns[1], 23);
	ck_assert_uint_eq(m.ntop, 2);
	ck_assert_int_eq(m.top[0].g, 6);
	ck_assert_str_eq(m.top[0].label, "light");
	ck_assert_int_eq(m.top[1].g, 5);
	an_metrics_free(&m);

	/* Jain's index at its two ends. */
	double eq[3] = {2, 2, 2}, one[4] = {5, 0, 0, 0};
	ck_assert_double_eq_tol(an_jain(eq, 3), 1, 1e-12);
	ck_assert_double_eq_tol(an_jain(one, 4), 0.25, 1e-12);
}
END_TEST

/* A P handed off because of a syscall counts whichever path gave it up:
 * sysmon's retake (retake, then handoffp) or a call known to block
 * (entersyscallblock: handoffp alone); a P its own M takes back on the
 * syscall's exit (exitsyscallfast) was never handed off. */
START_TEST(test_metrics_syscall_handoffs)
{
	const struct rt_event s[] = {
	        ev(0, 0, 0, 1, RT_EV_SYSCALL_ENTER, 1, 0, 0, NULL),
	        ev(0, 0, -1, 1, RT_EV_PSTATUS, 0, _Prunning, _Psyscall, NULL),
	        ev(20000, 1, -1, 0, RT_EV_PSTATUS, 0, _Psyscall, _Pidle, NULL),
	        ev(20000, 1, -1, 0, RT_EV_RETAKE, 0, 1, 0, NULL),
	        ev(20000, 1, -1, 0, RT_EV_HANDOFFP, 0, 0, 0, NULL),
	        ev(30000, 2, 1, 2, RT_EV_PSTATUS, 1, _Prunning, _Pidle, NULL),
	        ev(30000, 2, -1, 2, RT_EV_HANDOFFP, 1, 1, 0, "work"),
	        ev(40000, 3, 0, 3, RT_EV_SYSCALL_ENTER, 3, 0, 0, NULL),
	        ev(40000, 3, -1, 3, RT_EV_PSTATUS, 0, _Prunning, _Psyscall, NULL),
	        ev(41000, 3, -1, 3, RT_EV_PSTATUS, 0, _Psyscall, _Pidle, NULL),
	        ev(41000, 3, 0, 3, RT_EV_SYSCALL_EXIT, 3, 1, 0, NULL),
	};
	struct an_acc *a = an_acc_new(2, NULL);
	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		an_acc_event(a, &s[i]);
	struct an_metrics m;
	ck_assert_int_eq(an_acc_finish(a, 0, &m), 0);
	an_acc_free(a);
	ck_assert_double_eq(m.v[AN_HANDOFFS], 2);
	an_metrics_free(&m);
}
END_TEST

START_TEST(test_stats)
{
	/* Student's t quantiles from the tables. */
	ck_assert_double_eq_tol(an_t_quantile(0.975, 1), 12.7062, 1e-4);
	ck_assert_double_eq_tol(an_t_quantile(0.975, 4), 2.7764, 1e-4);
	ck_assert_double_eq_tol(an_t_quantile(0.975, 10), 2.2281, 1e-4);
	ck_assert_double_eq_tol(an_t_quantile(0.975, 49), 2.0096, 1e-4);
	ck_assert_double_eq_tol(an_t_two_sided(2.228139, 10), 0.05, 1e-6);
	ck_assert_double_eq_tol(an_t_two_sided(0, 7), 1, 1e-12);

	/* Welch: a = 1..5, b = 2, 4, .. 10: t = 3 / sqrt(2.5), df = 6.25 / 1.0625. */
	double a[5] = {1, 2, 3, 4, 5}, b[5] = {2, 4, 6, 8, 10};
	struct an_sample sa = an_sample_of(a, 5), sb = an_sample_of(b, 5);
	ck_assert_double_eq_tol(sa.mean, 3, 1e-12);
	ck_assert_double_eq_tol(sa.var, 2.5, 1e-12);
	ck_assert_double_eq_tol(sa.ci, 2.7764 * sqrt(0.5), 1e-3);
	struct an_welch w = an_welch_of(sa, sb);
	ck_assert_double_eq_tol(w.diff, 3, 1e-12);
	ck_assert_double_eq_tol(w.t, 3 / sqrt(2.5), 1e-12);
	ck_assert_double_eq_tol(w.df, 6.25 / 1.0625, 1e-9);
	ck_assert_double_eq_tol(w.p, 0.1083, 1e-3); /* scipy.stats.ttest_ind(equal_var=False) */

	/* NaN is no value; constant sides are equal or certainly not. */
	double c1[3] = {4, 4, NAN}, c2[3] = {4, 4, 4}, c3[2] = {5, 5};
	struct an_sample s1 = an_sample_of(c1, 3);
	ck_assert_int_eq(s1.n, 2);
	ck_assert_double_eq(an_welch_of(s1, an_sample_of(c2, 3)).p, 1);
	ck_assert_double_eq(an_welch_of(s1, an_sample_of(c3, 2)).p, 0);
	ck_assert(isnan(an_welch_of(an_sample_of(c3, 1), s1).p));
}
END_TEST

static int sh(char *out, size_t len, const char *fmt, const char *arg)
{
	char args[900];
	snprintf(args, sizeof args, fmt, arg, arg, arg);
	return run_gsched(out, len, args);
}

/* The C metrics and the SQL views agree on a real run. */
START_TEST(test_metrics_match_views)
{
	static char out[1 << 16];
	ck_assert_int_eq(sh(out, sizeof out, "run fan-out --seed 3 --db %s --quiet", dbpath), 0);
	ck_assert_int_eq(sh(out, sizeof out, "run netpoll-server --seed 2 --db %s --quiet", dbpath),
	                 0);
	/* Blocking syscalls, some long enough for sysmon to hand their P off. */
	ck_assert_int_eq(sh(out, sizeof out,
	                    "run preemption-after-syscall --seed 1 --db %s --quiet", dbpath),
	                 0);
	for (int run = 1; run <= 3; run++) {
		char args[300];
		snprintf(args, sizeof args, "report %s --run %d --json", dbpath, run);
		ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
		cJSON *j = cJSON_Parse(out);
		ck_assert_msg(j != NULL, "report --json: %s", out);
		cJSON *m = cJSON_GetObjectItem(j, "metrics");
#define M(key) cJSON_GetNumberValue(cJSON_GetObjectItem(m, key))
		sqlite3 *db = open_db(dbpath);
		char q[600];
#define Q(...) (snprintf(q, sizeof q, __VA_ARGS__), query_double(db, q))
		ck_assert_double_eq(
		        M("wc_loss"),
		        Q("SELECT total(dur) FROM idle_while_runnable WHERE run = %d", run));
		ck_assert_double_eq(
		        M("wc_loss_p"),
		        Q("SELECT total(lost_ps * dur) FROM idle_while_runnable WHERE run = %d",
		          run));
		ck_assert_double_eq(M("spinning"),
		                    Q("SELECT total(dur) FROM spinning WHERE run = %d", run));
		ck_assert_double_eq(M("steals"),
		                    Q("SELECT count(*) FROM steal WHERE run = %d", run));
		ck_assert_double_eq(
		        M("syscall_handoffs"),
		        Q("SELECT count(*) FROM events WHERE run = %d AND kind = 'handoffp'", run));
		if (run == 3)
			ck_assert_double_gt(M("syscall_handoffs"), 0);
		ck_assert_double_eq(M("waits"),
		                    Q("SELECT count(*) FROM sched_latency WHERE run = %d", run));
		ck_assert_double_eq(
		        M("lat_max"),
		        Q("SELECT max(latency) FROM sched_latency WHERE run = %d", run));
		ck_assert_double_eq(
		        M("lat_p50"),
		        Q("SELECT latency FROM sched_latency WHERE run = %d ORDER BY latency"
		          " LIMIT 1 OFFSET (SELECT (count(*) + 1) / 2 - 1 FROM"
		          " sched_latency WHERE run = %d)",
		          run, run));
		cJSON *pb = cJSON_GetObjectItem(j, "p_busy_ns");
		for (int p = 0; p < cJSON_GetArraySize(pb); p++)
			ck_assert_double_eq(
			        cJSON_GetNumberValue(cJSON_GetArrayItem(pb, p)),
			        Q("SELECT total(dur) FROM sched_slice WHERE run = %d AND p = %d",
			          run, p));
		ck_assert_double_eq_tol(
		        M("p_util"),
		        Q("SELECT total(dur) / (SELECT gomaxprocs * end_ns FROM runs WHERE id = %d)"
		          " FROM sched_slice WHERE run = %d",
		          run, run),
		        1e-12);
		/* Every run queue ends empty and never reads below 0. */
		ck_assert_double_eq(Q("WITH l AS (SELECT value, row_number() OVER (PARTITION BY p"
		                      " ORDER BY seq DESC) AS rn FROM runq_length WHERE run = %d)"
		                      " SELECT total(abs(value)) FROM l WHERE rn = 1",
		                      run),
		                    0);
		ck_assert_double_eq(Q("SELECT min(value) FROM runq_length WHERE run = %d", run), 0);
#undef Q
#undef M
		sqlite3_close(db);
		cJSON_Delete(j);
	}
}
END_TEST

/* A syscall known to block hands its P off on entry (entersyscallblock),
 * sysmon retakes the P of a long plain one: syscall_handoffs counts both. */
START_TEST(test_syscall_block_handoffs)
{
	static char out[1 << 16];
	char path[200];
	snprintf(path, sizeof path, "%s/sb.json", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"gomaxprocs\": 2, \"main\": \"main\", \"bodies\": {"
	      "\"main\": [{\"op\": \"spawn\", \"body\": \"w\", \"count\": 4},"
	      " {\"op\": \"spawn\", \"body\": \"b\", \"count\": 2}],"
	      "\"w\": [{\"op\": \"repeat\", \"count\": 5, \"body\": [{\"op\": \"spend\","
	      " \"ns\": 50000}, {\"op\": \"syscall\", \"ns\": 200000}]}],"
	      "\"b\": [{\"op\": \"repeat\", \"count\": 5, \"body\": [{\"op\": \"spend\","
	      " \"ns\": 50000}, {\"op\": \"syscall-block\", \"ns\": 200000}]}]}}\n",
	      f);
	fclose(f);
	char args[600];
	snprintf(args, sizeof args, "run %s --db %s --quiet", path, dbpath);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	snprintf(args, sizeof args, "report %s --json", dbpath);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	cJSON *j = cJSON_Parse(out);
	ck_assert_msg(j != NULL, "%s", out);
	double handoffs = cJSON_GetNumberValue(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "metrics"), "syscall_handoffs"));
	cJSON_Delete(j);
	sqlite3 *db = open_db(dbpath);
	double retakes = query_double(db, "SELECT count(*) FROM events WHERE kind = 'retake'");
	double blocking = query_double(db, "SELECT count(*) FROM events WHERE kind ="
	                                   " 'syscall_enter' AND b = 1");
	sqlite3_close(db);
	ck_assert_double_eq(blocking, 10); /* 2 goroutines x 5 */
	ck_assert_double_gt(retakes, 0);
	ck_assert_double_eq(handoffs, retakes + blocking);
}
END_TEST

START_TEST(test_report_cli)
{
	static char out[1 << 16];
	ck_assert_int_eq(sh(out, sizeof out, "run ping-pong-hog --db %s --quiet", dbpath), 0);
	ck_assert_int_eq(sh(out, sizeof out, "report %s", dbpath), 0);
	ck_assert_msg(strstr(out, "latency") && strstr(out, "work conservation") &&
	                      strstr(out, "hog") && strstr(out, "pingpong") &&
	                      strstr(out, "longest waits"),
	              "%s", out);
	ck_assert_int_eq(sh(out, sizeof out, "report %s --csv", dbpath), 0);
	ck_assert_msg(strncmp(out, "scope,metric,value\nrun,makespan,", 32) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\nlabel:hog,cpu_ns,"));
	ck_assert_int_eq(sh(out, sizeof out, "report %s --json", dbpath), 0);
	cJSON *j = cJSON_Parse(out);
	ck_assert_ptr_nonnull(j);
	cJSON *m = cJSON_GetObjectItem(j, "metrics");
	for (int i = 0; i < AN_NMETRICS; i++)
		ck_assert_msg(cJSON_GetObjectItem(m, an_metric_defs[i].key), "no %s",
		              an_metric_defs[i].key);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "labels")), 3);
	cJSON_Delete(j);

	/* Bad input: a clear message naming the file or the flag, exit 2. */
	ck_assert_int_eq(sh(out, sizeof out, "report %s --json --csv", dbpath), 2);
	ck_assert_ptr_nonnull(strstr(out, "--json and --csv"));
	ck_assert_int_eq(sh(out, sizeof out, "report %s --run 9", dbpath), 2);
	ck_assert_ptr_nonnull(strstr(out, dbpath));
	ck_assert_int_eq(sh(out, sizeof out, "report %s/none.db", dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "none.db"));
	ck_assert_int_eq(run_gsched(out, sizeof out, "report"), 2);
	ck_assert_int_eq(run_gsched(out, sizeof out, "report --help"), 0);
}
END_TEST

START_TEST(test_compare_cli)
{
	static char out[1 << 17];
	ck_assert_int_eq(run_gsched(out, sizeof out,
	                            "compare producer-consumer --seeds 1..4 -j 2 --b randomize=on"),
	                 0);
	ck_assert_msg(strstr(out, "Welch") && strstr(out, "lat_p99") && strstr(out, "randomize=on"),
	              "%s", out);
	ck_assert_int_eq(run_gsched(out, sizeof out,
	                            "compare producer-consumer --seeds 1..4 -j 1 --a randomize=on"
	                            " --b asyncpreemptoff=on --json"),
	                 0);
	cJSON *j = cJSON_Parse(out);
	ck_assert_msg(j != NULL, "%s", out);
	cJSON *ms = cJSON_GetObjectItem(j, "metrics");
	ck_assert_int_eq(cJSON_GetArraySize(ms), AN_NMETRICS);
	cJSON *lat = cJSON_GetArrayItem(ms, AN_LAT_P50);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(lat, "metric")), "lat_p50");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(lat, "a_values")), 4);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(lat, "p"));
	/* -j changes nothing but the time: the same values with -j 2. */
	char *one = cJSON_PrintUnformatted(ms);
	cJSON_Delete(j);
	ck_assert_int_eq(run_gsched(out, sizeof out,
	                            "compare producer-consumer --seeds 1..4 -j 2 --a randomize=on"
	                            " --b asyncpreemptoff=on --json"),
	                 0);
	j = cJSON_Parse(out);
	char *two = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "metrics"));
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
	cJSON_Delete(j);
	ck_assert_int_eq(
	        run_gsched(out, sizeof out, "compare producer-consumer --seeds 1..2 --csv"), 0);
	ck_assert_msg(strncmp(out, "side,policies,backend,seed,status,makespan,", 43) == 0, "%s",
	              out);

	/* A bug on one side only: Go 1.21 against itself without preemption. */
	ck_assert_int_eq(run_gsched(out, sizeof out,
	                            "compare ping-pong-hog --seeds 1..2 -j 2"
	                            " --b bug=no-preemption,runnext=on --json"),
	                 0);
	j = cJSON_Parse(out);
	ck_assert_msg(j != NULL, "%s", out);
	ck_assert_str_eq(
	        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "b"), "policies")),
	        "bug=no-preemption,runnext=on");
	cJSON *pre = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "metrics"), AN_PREEMPTS);
	ck_assert_double_gt(cJSON_GetNumberValue(cJSON_GetObjectItem(pre, "a_mean")), 0);
	ck_assert_double_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(pre, "b_mean")), 0);
	cJSON_Delete(j);
	ck_assert_int_eq(run_gsched(out, sizeof out, "compare fan-out --a bug=nosuch"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--a: unknown bug 'nosuch'"));

	ck_assert_int_eq(run_gsched(out, sizeof out, "compare fan-out --b nosuch=1"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--b: unknown policy 'nosuch=1'"));
	ck_assert_int_eq(run_gsched(out, sizeof out, "compare fan-out --seeds 5..1"), 2);
	ck_assert_ptr_nonnull(strstr(out, "--seeds"));
	ck_assert_int_eq(run_gsched(out, sizeof out, "compare no-such-scenario --seeds 1..2"), 2);
	ck_assert_ptr_nonnull(strstr(out, "no-such-scenario"));
	ck_assert_int_eq(run_gsched(out, sizeof out, "compare fan-out --a-backend nope"), 2);
}
END_TEST

/* The simulator against the machine: one side on each backend. */
START_TEST(test_compare_backends)
{
	static char out[1 << 17];
	ck_assert_int_eq(run_gsched(out, sizeof out,
	                            "compare producer-consumer --seeds 1..2 -j 1 --b-backend native"
	                            " --json"),
	                 0);
	cJSON *j = cJSON_Parse(out);
	ck_assert_msg(j != NULL, "%s", out);
	cJSON *a = cJSON_GetObjectItem(j, "a"), *b = cJSON_GetObjectItem(j, "b");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(a, "backend")), "sim");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(b, "backend")), "native");
	cJSON *sw = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "metrics"), AN_LAT_N);
	cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItem(sw, "b_values"))
	        ck_assert_double_gt(cJSON_GetNumberValue(v), 0); /* native runs were measured */
	cJSON_Delete(j);
}
END_TEST

/* gsched plot refuses what it cannot draw before it looks for matplotlib
 * (tests/plot.sh draws, where matplotlib is installed). */
START_TEST(test_plot_bad_input)
{
	static char out[4096];
	ck_assert_int_eq(sh(out, sizeof out, "plot %s/none.db", dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "gsched plot: "));
	ck_assert_ptr_nonnull(strstr(out, "none.db: No such file"));
	char path[200];
	snprintf(path, sizeof path, "%s/x.txt", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a database\n", f);
	fclose(f);
	ck_assert_int_eq(sh(out, sizeof out, "plot %s/x.txt", dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "x.txt: neither a gsched database"));
	ck_assert_int_eq(sh(out, sizeof out, "run fan-out --db %s --quiet", dbpath), 0);
	ck_assert_int_eq(sh(out, sizeof out, "plot %s %s", dbpath), 2);
	ck_assert_ptr_nonnull(strstr(out, "one database"));
	ck_assert_int_eq(sh(out, sizeof out, "plot %s --metric lat_p99", dbpath), 2);
	ck_assert_ptr_nonnull(strstr(out, "--metric"));
	ck_assert_int_eq(run_gsched(out, sizeof out, "plot"), 2);
	ck_assert_int_eq(run_gsched(out, sizeof out, "plot --help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "PREFIX-latency"));
}
END_TEST

/* docs/analysis.md describes every metric. */
START_TEST(test_docs_list_metrics)
{
	char path[512];
	snprintf(path, sizeof path, "%s/docs/analysis.md", GSCHED_SOURCE_DIR);
	char *text = test_read_file(path);
	for (int i = 0; i < AN_NMETRICS; i++) {
		char row[64];
		snprintf(row, sizeof row, "| %s", an_metric_defs[i].key);
		bool found = strstr(text, row) != NULL;
		snprintf(row, sizeof row, ", %s", an_metric_defs[i].key);
		found = found || strstr(text, row) != NULL;
		ck_assert_msg(found, "docs/analysis.md has no row for the metric %s",
		              an_metric_defs[i].key);
	}
	free(text);
}
END_TEST

/* One X slice: its track and extent (µs). */
struct xs {
	int pid, tid;
	double ts, end;
};

static int cmp_xs(const void *x, const void *y)
{
	const struct xs *a = x, *b = y;
	if (a->pid != b->pid)
		return a->pid - b->pid;
	if (a->tid != b->tid)
		return a->tid - b->tid;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->end > b->end ? -1 : a->end < b->end; /* the enclosing one first */
}

static bool inside(const struct xs *s, size_t n, int pid, int tid, double ts)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].pid == pid && s[i].tid == tid && s[i].ts - 1e-9 <= ts &&
		    ts <= s[i].end + 1e-9)
			return true;
	return false;
}

/* The perfetto document's structure: slices strictly nested per track,
 * both ends of every flow inside a slice of their track.  Returns the
 * number of flows of each kind. */
static void check_perfetto(const char *text, int *wakeups, int *steals, int *counters)
{
	cJSON *j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "not JSON: %.200s", text);
	cJSON *evs = cJSON_GetObjectItem(j, "traceEvents");
	ck_assert(cJSON_IsArray(evs));
	size_t n = (size_t)cJSON_GetArraySize(evs), nx = 0;
	struct xs *x = calloc(n, sizeof *x);
	cJSON *e;
	cJSON_ArrayForEach(e, evs)
	{
		const char *ph = cJSON_GetStringValue(cJSON_GetObjectItem(e, "ph"));
		ck_assert_ptr_nonnull(ph);
		if (strcmp(ph, "X") == 0) {
			double dur = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "dur"));
			ck_assert(dur >= 0);
			ck_assert_ptr_nonnull(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")));
			x[nx].pid = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "pid"));
			x[nx].tid = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "tid"));
			x[nx].ts = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "ts"));
			x[nx].end = x[nx].ts + dur;
			nx++;
		}
	}
	qsort(x, nx, sizeof *x, cmp_xs);
	/* Strict nesting: a slice starts after its track's previous one ends
	 * or lies inside it. */
	for (size_t i = 1; i < nx; i++) {
		if (x[i].pid != x[i - 1].pid || x[i].tid != x[i - 1].tid)
			continue;
		bool after = x[i].ts >= x[i - 1].end - 1e-9;
		bool within = x[i].end <= x[i - 1].end + 1e-9;
		ck_assert_msg(after || within, "slices overlap on %d/%d at %f", x[i].pid, x[i].tid,
		              x[i].ts);
	}
	/* Flows: one start and one end per id, each inside a slice. */
	int starts = 0, ends = 0;
	*wakeups = *steals = *counters = 0;
	cJSON_ArrayForEach(e, evs)
	{
		const char *ph = cJSON_GetStringValue(cJSON_GetObjectItem(e, "ph"));
		if (strcmp(ph, "C") == 0) {
			(*counters)++;
			ck_assert(cJSON_IsNumber(
			        cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "value")));
			continue;
		}
		if (strcmp(ph, "s") != 0 && strcmp(ph, "f") != 0)
			continue;
		int pid = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "pid"));
		int tid = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "tid"));
		double ts = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "ts"));
		ck_assert_msg(inside(x, nx, pid, tid, ts), "flow %s at %f on %d/%d is in no slice",
		              ph, ts, pid, tid);
		if (*ph == 's') {
			starts++;
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
			*wakeups += strcmp(name, "wake-up") == 0;
			*steals += strcmp(name, "steal") == 0;
		} else {
			ends++;
			ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "bp")), "e");
		}
	}
	ck_assert_int_eq(starts, ends);
	free(x);
	cJSON_Delete(j);
}

START_TEST(test_export_perfetto)
{
	static char out[1 << 22];
	ck_assert_int_eq(sh(out, sizeof out, "run producer-consumer --db %s --quiet", dbpath), 0);
	ck_assert_int_eq(sh(out, sizeof out, "run fan-out --seed 2 --db %s --quiet", dbpath), 0);
	int wake, steal, counters;
	ck_assert_int_eq(sh(out, sizeof out, "export --format perfetto %s --run 1", dbpath), 0);
	check_perfetto(out, &wake, &steal, &counters);
	ck_assert_int_gt(wake, 0);
	ck_assert_int_gt(counters, 50);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"g4 consumer\""));
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"spinning\""));
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"runq P0\""));
	ck_assert_int_eq(sh(out, sizeof out, "export %s", dbpath), 0);
	check_perfetto(out, &wake, &steal, &counters);
	ck_assert_int_gt(steal, 0);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"parked\""));
	/* A golden trace file exports too. */
	char args[300];
	snprintf(args, sizeof args, "export %s/traces/golden/fan-out-s1.trace", GSCHED_SOURCE_DIR);
	ck_assert_int_eq(run_gsched(out, sizeof out, args), 0);
	check_perfetto(out, &wake, &steal, &counters);

	ck_assert_int_eq(sh(out, sizeof out, "export --format svg %s", dbpath), 2);
	ck_assert_ptr_nonnull(strstr(out, "perfetto"));
	ck_assert_int_eq(sh(out, sizeof out, "export %s/none.db", dir), 2);
	ck_assert_ptr_nonnull(strstr(out, "none.db"));
}
END_TEST

Suite *make_analysis_suite(void)
{
	Suite *s = suite_create("analysis");
	TCase *tc = tcase_create("analysis");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_views_small);
	tcase_add_test(tc, test_views_added_on_append);
	tcase_add_test(tc, test_metrics_small);
	tcase_add_test(tc, test_metrics_syscall_handoffs);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_metrics_match_views);
	tcase_add_test(tc, test_syscall_block_handoffs);
	tcase_add_test(tc, test_report_cli);
	tcase_add_test(tc, test_compare_cli);
	tcase_add_test(tc, test_export_perfetto);
	tcase_add_test(tc, test_compare_backends);
	tcase_add_test(tc, test_docs_list_metrics);
	tcase_add_test(tc, test_plot_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
