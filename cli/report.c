/*
 * report.c - `gsched report` (one run's scheduling metrics) and `gsched
 * compare` (the same metrics over many seeds of two configurations, with
 * confidence intervals and Welch's t-test).
 *
 * Both read the metrics from analysis/metrics.c (an_acc): report feeds it
 * a stored run's events, compare the events of live runs through a sink,
 * so a figure means the same in both and in the SQL views it is defined
 * by.  The metric rows (an_metric_defs[]) are the one list: text, JSON and
 * CSV print them in that order under those keys.
 *
 * compare runs every (side, seed) pair as its own run, in -j worker
 * processes (fork; each pair's run is deterministic, so -j changes
 * nothing but the time).  A worker sends each pair's metrics back as one
 * fixed-size record on a shared pipe: records are smaller than PIPE_BUF,
 * so writes from several workers never interleave.
 *
 * Statistics (analysis/stats.c).  Each side's seeds are independent
 * samples: each mean gets its 95% confidence interval, and the difference
 * B - A Welch's unequal-variance t-test, two-sided, at 5%.  Alternatives
 * not taken: a paired test over equal seeds (a
 * seed means different schedules on the two sides, so pairs share
 * nothing but a number); the bootstrap (needs more runs than the 50 a
 * study can afford per side, and a PRNG whose draws a reader would have
 * to reproduce).  Twenty metrics tested at 5% will show about one
 * "significant" difference by chance: the text says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "runner.h"

/* ---- printing one value ---- */

static void fmt_value(char *buf, size_t len, const struct an_metric_def *d, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (strcmp(d->unit, "ns") == 0)
		tr_fmt_ns(buf, len, (int64_t)llround(v));
	else if (strcmp(d->unit, "P*ns") == 0) {
		tr_fmt_ns(buf, len, (int64_t)llround(v));
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, " x P");
	} else if (strcmp(d->unit, "ratio") == 0)
		snprintf(buf, len, "%.4f", v);
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

/* A signed difference in the metric's unit. */
static void fmt_delta(char *buf, size_t len, const struct an_metric_def *d, double v)
{
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	buf[0] = v < 0 ? '-' : '+';
	fmt_value(buf + 1, len - 1, d, fabs(v));
}

static void json_number(cJSON *o, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

static int print_json(cJSON *j)
{
	char *s = cJSON_Print(j);
	cJSON_Delete(j);
	if (!s) {
		fprintf(stderr, "gsched: out of memory\n");
		return 2;
	}
	puts(s);
	free(s);
	return 0;
}

/* ---- report ---- */

/* The metrics of a loaded run. */
static int metrics_of(const struct tr_header *h, const struct tr_trace *t, struct an_metrics *m)
{
	struct sc_scenario *sc = NULL;
	char err[256];
	const char *main_label = NULL;
	if (h->scenario_json && sc_parse(h->scenario ? h->scenario : "scenario", h->scenario_json,
	                                 &sc, err, sizeof err) == 0)
		main_label = sc_main_label(sc);
	struct an_acc *a = an_acc_new(h->gomaxprocs, main_label);
	sc_free(sc);
	if (!a)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		an_acc_event(a, &t->ev[i]);
	int rc = an_acc_finish(a, 0, m);
	an_acc_free(a);
	return rc;
}

static void report_text(const struct tr_header *h, const struct an_metrics *m)
{
	const double *v = m->v;
	char b1[48], b2[48], b3[48], b4[48];
	printf("%-18s%" PRId64 " of %s: %s seed %" PRIu64 ", %s, %s, gomaxprocs %d\n", "run",
	       h->run_id, h->run_id ? "the database" : "the golden", h->scenario, h->seed,
	       h->backend, tr_status_name(h->status), h->gomaxprocs);
	if (h->policy_json && strcmp(h->policy_json, "{}") != 0)
		printf("%-18s%s\n", "policies", h->policy_json);
	fmt_value(b1, sizeof b1, &an_metric_defs[AN_MAKESPAN], v[AN_MAKESPAN]);
	printf("%-18s%s\n", "makespan", b1);
	fmt_value(b1, sizeof b1, &an_metric_defs[AN_LAT_P50], v[AN_LAT_P50]);
	fmt_value(b2, sizeof b2, &an_metric_defs[AN_LAT_P90], v[AN_LAT_P90]);
	fmt_value(b3, sizeof b3, &an_metric_defs[AN_LAT_P99], v[AN_LAT_P99]);
	fmt_value(b4, sizeof b4, &an_metric_defs[AN_LAT_MAX], v[AN_LAT_MAX]);
	printf("%-18sp50 %s, p90 %s, p99 %s, max %s (%.0f waits runnable -> running)\n", "latency",
	       b1, b2, b3, b4, v[AN_LAT_N]);
	size_t ran = 0, labelled = 0;
	for (size_t i = 0; i < m->nlabels; i++) {
		ran += (size_t)m->labels[i].ran;
		labelled += strcmp(m->labels[i].name, "-") != 0 && m->labels[i].ran;
	}
	fmt_value(b1, sizeof b1, &an_metric_defs[AN_JAIN_G], v[AN_JAIN_G]);
	fmt_value(b2, sizeof b2, &an_metric_defs[AN_JAIN_LABEL], v[AN_JAIN_LABEL]);
	printf("%-18sJain %s across the %zu goroutines that ran; %s across %zu labels (CPU per "
	       "goroutine)\n",
	       "fairness", b1, ran, b2, labelled);
	printf("%-18s%.1f%% (goroutines running / gomaxprocs x time)", "P utilisation",
	       100 * v[AN_P_UTIL]);
	for (size_t p = 0; p < m->np && v[AN_MAKESPAN] > 0; p++)
		printf("%s P%zu %.1f%%", p ? "," : ";", p,
		       100 * (double)m->p_busy_ns[p] / v[AN_MAKESPAN]);
	putchar('\n');
	fmt_value(b1, sizeof b1, &an_metric_defs[AN_WC_LOSS], v[AN_WC_LOSS]);
	fmt_value(b2, sizeof b2, &an_metric_defs[AN_WC_LOSS_P], v[AN_WC_LOSS_P]);
	printf("%-18s%s with an idle P and a runnable goroutine; %s lost (%.2f%% of P-time)\n",
	       "work conservation", b1, b2, 100 * v[AN_WC_LOSS_FRAC]);
	if (v[AN_STEALS] > 0)
		printf("%-18s%.0f (%.2f goroutines each)\n", "steals", v[AN_STEALS],
		       v[AN_STEAL_MEAN]);
	else
		printf("%-18s0\n", "steals");
	fmt_value(b1, sizeof b1, &an_metric_defs[AN_SPIN], v[AN_SPIN]);
	printf("%-18s%s (summed over Ms)\n", "spinning", b1);
	printf("%-18s%.0f\n", "preemptions", v[AN_PREEMPTS]);
	printf("%-18s%.0f (Ps handed off from a syscall)\n", "syscall hand-offs", v[AN_HANDOFFS]);
	printf("%-18s%.0f\n", "switches", v[AN_SWITCHES]);

	printf("\nper label:\n  %-16s %6s %10s %7s %7s %10s %10s %10s %10s\n", "label", "gs", "cpu",
	       "share", "waits", "p50", "p90", "p99", "max");
	double cpu = 0;
	for (size_t i = 0; i < m->nlabels; i++)
		cpu += (double)m->labels[i].cpu_ns;
	for (size_t i = 0; i < m->nlabels; i++) {
		const struct an_label_stats *l = &m->labels[i];
		char c[32], p50[32], p90[32], p99[32], mx[32];
		tr_fmt_ns(c, sizeof c, l->cpu_ns);
		if (l->lat_n) {
			tr_fmt_ns(p50, sizeof p50, l->lat_p50);
			tr_fmt_ns(p90, sizeof p90, l->lat_p90);
			tr_fmt_ns(p99, sizeof p99, l->lat_p99);
			tr_fmt_ns(mx, sizeof mx, l->lat_max);
		} else {
			strcpy(p50, "-");
			strcpy(p90, "-");
			strcpy(p99, "-");
			strcpy(mx, "-");
		}
		printf("  %-16s %6" PRId64 " %10s %6.1f%% %7" PRId64 " %10s %10s %10s %10s\n",
		       l->name, l->gs, c, cpu > 0 ? 100 * (double)l->cpu_ns / cpu : 0.0, l->lat_n,
		       p50, p90, p99, mx);
	}
	if (m->ntop) {
		printf("\nlongest waits (runnable -> running):\n");
		for (size_t i = 0; i < m->ntop; i++) {
			char w[32], tot[32];
			tr_fmt_ns(w, sizeof w, m->top[i].max_wait);
			tr_fmt_ns(tot, sizeof tot, m->top[i].total_wait);
			printf("  g%-8" PRId64 " %-16s %10s (%" PRId64 " waits, %s in all)\n",
			       m->top[i].g, m->top[i].label, w, m->top[i].waits, tot);
		}
	}
}

/* The figures of a label and of a goroutine that waited long, as JSON and
 * CSV both name them: one row each, an int64_t field of the struct.  A
 * latency of a label without waits has no value (NaN: null, or empty). */
struct field {
	const char *key;
	size_t off;
	bool latency;
};
#define LABEL(key, f, lat)                                                                         \
	{                                                                                          \
		key, offsetof(struct an_label_stats, f), lat                                       \
	}
static const struct field label_fields[] = {
        LABEL("goroutines", gs, false),  LABEL("ran", ran, false),
        LABEL("cpu_ns", cpu_ns, false),  LABEL("waits", lat_n, false),
        LABEL("lat_p50", lat_p50, true), LABEL("lat_p90", lat_p90, true),
        LABEL("lat_p99", lat_p99, true), LABEL("lat_max", lat_max, true),
};
#undef LABEL
#define WAITER(key, f)                                                                             \
	{                                                                                          \
		key, offsetof(struct an_waiter, f), false                                          \
	}
static const struct field waiter_fields[] = {
        WAITER("max_wait_ns", max_wait),
        WAITER("total_wait_ns", total_wait),
        WAITER("waits", waits),
};
#undef WAITER
#define NFIELDS(t) (sizeof(t) / sizeof(t)[0])

static double field_value(const struct field *f, const void *s, int64_t lat_n)
{
	int64_t v;
	memcpy(&v, (const char *)s + f->off, sizeof v);
	return f->latency && lat_n == 0 ? NAN : (double)v;
}

static cJSON *report_json(const struct tr_header *h, const struct an_metrics *m)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "run", (double)h->run_id);
	cJSON_AddStringToObject(j, "scenario", h->scenario ? h->scenario : "");
	cJSON_AddNumberToObject(j, "seed", (double)h->seed);
	cJSON_AddStringToObject(j, "backend", h->backend ? h->backend : "");
	cJSON_AddStringToObject(j, "status", tr_status_name(h->status));
	cJSON_AddNumberToObject(j, "gomaxprocs", h->gomaxprocs);
	cJSON *pol = cJSON_Parse(h->policy_json ? h->policy_json : "{}");
	cJSON_AddItemToObject(j, "policies", pol ? pol : cJSON_CreateObject());
	cJSON *mj = cJSON_AddObjectToObject(j, "metrics");
	for (int i = 0; i < AN_NMETRICS; i++)
		json_number(mj, an_metric_defs[i].key, m->v[i]);
	cJSON *pj = cJSON_AddArrayToObject(j, "p_busy_ns");
	for (size_t p = 0; p < m->np; p++)
		cJSON_AddItemToArray(pj, cJSON_CreateNumber((double)m->p_busy_ns[p]));
	cJSON *lj = cJSON_AddArrayToObject(j, "labels");
	for (size_t i = 0; i < m->nlabels; i++) {
		const struct an_label_stats *l = &m->labels[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "label", l->name);
		for (size_t k = 0; k < NFIELDS(label_fields); k++)
			json_number(o, label_fields[k].key,
			            field_value(&label_fields[k], l, l->lat_n));
		cJSON_AddItemToArray(lj, o);
	}
	cJSON *wj = cJSON_AddArrayToObject(j, "longest_waits");
	for (size_t i = 0; i < m->ntop; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "g", (double)m->top[i].g);
		cJSON_AddStringToObject(o, "label", m->top[i].label);
		for (size_t k = 0; k < NFIELDS(waiter_fields); k++)
			json_number(o, waiter_fields[k].key,
			            field_value(&waiter_fields[k], &m->top[i], 1));
		cJSON_AddItemToArray(wj, o);
	}
	return j;
}

/* A CSV field: labels are the workload's words, quoted when needed. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_row(const char *scope, const char *metric, double v)
{
	csv_field(scope);
	putchar(',');
	csv_field(metric);
	if (isnan(v))
		printf(",\n");
	else
		printf(",%.17g\n", v);
}

static void report_csv(const struct an_metrics *m)
{
	printf("scope,metric,value\n");
	for (int i = 0; i < AN_NMETRICS; i++)
		csv_row("run", an_metric_defs[i].key, m->v[i]);
	for (size_t i = 0; i < m->nlabels; i++) {
		const struct an_label_stats *l = &m->labels[i];
		char scope[80];
		snprintf(scope, sizeof scope, "label:%s", l->name);
		for (size_t k = 0; k < NFIELDS(label_fields); k++)
			csv_row(scope, label_fields[k].key,
			        field_value(&label_fields[k], l, l->lat_n));
	}
	for (size_t p = 0; p < m->np; p++) {
		char scope[32];
		snprintf(scope, sizeof scope, "p:%zu", p);
		csv_row(scope, "busy_ns", (double)m->p_busy_ns[p]);
	}
	for (size_t i = 0; i < m->ntop; i++) {
		char scope[40];
		snprintf(scope, sizeof scope, "g:%" PRId64, m->top[i].g);
		for (size_t k = 0; k < NFIELDS(waiter_fields); k++)
			csv_row(scope, waiter_fields[k].key,
			        field_value(&waiter_fields[k], &m->top[i], 1));
	}
}

static int cmd_report(struct cli_opts *o)
{
	struct tr_header h;
	struct tr_trace t;
	struct an_metrics m;

	if (o->json && o->csv)
		return cli_usage_error(o->cmd, "--json and --csv: choose one");
	if (cli_load_run("report", o->args[0], o->run, &h, &t) != 0)
		return 2;
	int rc = 0;
	if (metrics_of(&h, &t, &m) != 0) {
		fprintf(stderr, "gsched report: %s: out of memory\n", o->args[0]);
		rc = 2;
		goto out;
	}
	if (o->json)
		rc = print_json(report_json(&h, &m));
	else if (o->csv)
		report_csv(&m);
	else
		report_text(&h, &m);
	an_metrics_free(&m);
out:
	tr_header_free(&h);
	tr_trace_free(&t);
	return rc;
}

const struct cli_command cli_cmd_report = {
        .name = "report",
        .fn = cmd_report,
        .args = "DB",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DB (a gsched database, or a golden trace file)",
        .flags = CLI_F(CLI_RUN) | CLI_F(CLI_JSON) | CLI_F(CLI_CSV),
        .summary = "a run's scheduling metrics: latency, fairness, utilisation, work "
                   "conservation, steals, spinning, preemptions",
        .about = "Reads run N of the database DB (default: its last run; a golden trace file\n"
                 "works too) and prints its scheduling metrics: scheduling latency (runnable\n"
                 "-> running) p50/p90/p99/max overall and per label, Jain's fairness index of\n"
                 "CPU time across goroutines and across labels, P utilisation, lost work\n"
                 "conservation (time and P-time with an idle P and a runnable goroutine),\n"
                 "steals, spinning time, preemptions, syscall hand-offs and the goroutines\n"
                 "that waited longest.  Each figure is defined by a view of the database\n"
                 "(docs/database.md, docs/analysis.md).\n",
        .after = "Exit status: 0, 2 bad usage or DB missing, corrupt or without run N.\n",
};

/* ---- compare ---- */

#define MAX_JOBS 256

struct side {
	const char *name; /* "A", "B" */
	const char *policies;
	struct rt_config rt;
	const struct cli_choice *backend;
	double *v;   /* nseeds x AN_NMETRICS */
	int *status; /* per seed: enum tr_status, or -1 not run */
};

struct record {
	int32_t side, seed_index, status, pad;
	double v[AN_NMETRICS];
};
_Static_assert(sizeof(struct record) <= 512, "a record is written atomically to a pipe");

static int parse_seeds(const char *s, uint64_t *a, uint64_t *b)
{
	char *end;
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*a = strtoull(s, &end, 10);
	if (errno || strncmp(end, "..", 2) != 0 || end[2] < '0' || end[2] > '9')
		return -1;
	*b = strtoull(end + 2, &end, 10);
	if (errno || *end || *b < *a || *b - *a >= 1000000)
		return -1;
	return 0;
}

/* A side's settings on top of the common --policy and --bug ones: each
 * KEY=VAL a policy, or bug=NAME a bug put back. */
static int parse_side(const struct cli_opts *o, struct side *s, const char *flag, char *err,
                      size_t errlen)
{
	s->rt = o->rt;
	if (!s->policies || strcmp(s->policies, "go") == 0 || !*s->policies)
		return 0;
	char *copy = strdup(s->policies), *save = NULL;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char e[256];
		bool bug = strncmp(tok, "bug=", 4) == 0;
		if ((bug ? cli_bug_set(&s->rt, tok + 4, e, sizeof e)
		         : cli_policy_set(&s->rt, tok, e, sizeof e)) != 0) {
			const char *msg = e[0] == '-' && strstr(e, ": ") ? strstr(e, ": ") + 2 : e;
			snprintf(err, errlen, "%s: %s", flag, msg);
			rc = -1;
			break;
		}
	}
	free(copy);
	return rc;
}

/* One run of side s at seed: its metrics in rec (2 with err on bad
 * input). */
static int run_one(const struct cli_opts *base, const struct side *s, uint64_t seed,
                   struct record *rec, char *err, size_t errlen)
{
	struct cli_opts o = *base;
	o.seed = seed;
	o.rt = s->rt;
	o.backend = s->backend;
	o.db = NULL;
	o.assertions = false;
	struct sc_scenario *sc = NULL;
	if (sc_load(o.scenario, &sc, err, errlen) != 0)
		return 2;
	struct an_acc *acc = an_acc_new(sc_gomaxprocs(sc), sc_main_label(sc));
	sc_free(sc);
	if (!acc) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	o.sink = an_acc_sink(acc);
	struct sim_result res;
	char rerr[512];
	int rc = cli_run(&o, &res, NULL, rerr, sizeof rerr);
	if (rc == 2) {
		snprintf(err, errlen, "%s", rerr);
		an_acc_free(acc);
		return 2;
	}
	struct an_metrics m;
	rec->status = (int32_t)res.status;
	free(res.schedule);
	if (an_acc_finish(acc, res.stats.end_ns, &m) != 0) {
		an_acc_free(acc);
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	memcpy(rec->v, m.v, sizeof rec->v);
	an_metrics_free(&m);
	an_acc_free(acc);
	return 0;
}

static void fmt_ci(char *buf, size_t len, const struct an_metric_def *d, struct an_sample s)
{
	char m[40], c[40];
	fmt_value(m, sizeof m, d, s.mean);
	if (isnan(s.ci)) {
		snprintf(buf, len, "%s", m);
		return;
	}
	fmt_value(c, sizeof c, d, s.ci);
	snprintf(buf, len, "%s ± %s", m, c);
}

static void compare_text(const struct cli_opts *o, struct side *sides, uint64_t a, uint64_t b,
                         int nseeds)
{
	printf("%-10s%s, seeds %" PRIu64 "..%" PRIu64 " (%d runs per side)\n", "compare",
	       o->scenario, a, b, nseeds);
	for (int k = 0; k < 2; k++) {
		int bad = 0;
		for (int i = 0; i < nseeds; i++)
			bad += sides[k].status[i] != TR_COMPLETE;
		printf("%-10s%s on %s%s", sides[k].name,
		       sides[k].policies && *sides[k].policies ? sides[k].policies : "go",
		       sides[k].backend->name, bad ? "" : "\n");
		if (bad)
			printf(" (%d runs did not complete: their metrics count as they are)\n",
			       bad);
	}
	printf("\n%-18s %-26s %-26s %-34s %s\n", "metric", "A mean ± 95% CI", "B mean ± 95% CI",
	       "B - A ± 95% CI", "p (Welch)");
	int nsig = 0;
	for (int i = 0; i < AN_NMETRICS; i++) {
		const struct an_metric_def *d = &an_metric_defs[i];
		double xa[nseeds], xb[nseeds];
		for (int s = 0; s < nseeds; s++) {
			xa[s] = sides[0].v[s * AN_NMETRICS + i];
			xb[s] = sides[1].v[s * AN_NMETRICS + i];
		}
		struct an_sample sa = an_sample_of(xa, nseeds), sb = an_sample_of(xb, nseeds);
		struct an_welch w = an_welch_of(sa, sb);
		char ca[96], cb[96], dd[40], dc[40], diff[112], rel[24] = "";
		fmt_ci(ca, sizeof ca, d, sa);
		fmt_ci(cb, sizeof cb, d, sb);
		fmt_delta(dd, sizeof dd, d, w.diff);
		if (sa.mean != 0 && !isnan(w.diff) && !isnan(sa.mean))
			snprintf(rel, sizeof rel, " (%+.1f%%)", 100 * w.diff / fabs(sa.mean));
		if (isnan(w.ci))
			snprintf(diff, sizeof diff, "%s%s", dd, rel);
		else {
			fmt_value(dc, sizeof dc, d, w.ci);
			snprintf(diff, sizeof diff, "%s%s ± %s", dd, rel, dc);
		}
		char p[32];
		if (isnan(w.p))
			snprintf(p, sizeof p, "-");
		else
			snprintf(p, sizeof p, "%.3g%s", w.p, w.p < 0.05 ? " *" : "");
		nsig += !isnan(w.p) && w.p < 0.05;
		printf("%-18s %-26s %-26s %-34s %s\n", d->key, ca, cb, diff, p);
	}
	printf("\n* significant at 5%% (Welch's two-sided t-test, unequal variances): %d of %d "
	       "metrics; about one in twenty differs that much by chance alone.\n",
	       nsig, AN_NMETRICS);
}

static cJSON *compare_json(const struct cli_opts *o, struct side *sides, uint64_t a, uint64_t b,
                           int nseeds)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "scenario", o->scenario);
	char buf[64];
	snprintf(buf, sizeof buf, "%" PRIu64 "..%" PRIu64, a, b);
	cJSON_AddStringToObject(j, "seeds", buf);
	cJSON_AddStringToObject(j, "test", "welch-t-two-sided");
	for (int k = 0; k < 2; k++) {
		cJSON *s = cJSON_AddObjectToObject(j, k ? "b" : "a");
		cJSON_AddStringToObject(s, "policies",
		                        sides[k].policies ? sides[k].policies : "go");
		cJSON_AddStringToObject(s, "backend", sides[k].backend->name);
		int bad = 0;
		for (int i = 0; i < nseeds; i++)
			bad += sides[k].status[i] != TR_COMPLETE;
		cJSON_AddNumberToObject(s, "runs", nseeds);
		cJSON_AddNumberToObject(s, "incomplete", bad);
	}
	cJSON *ms = cJSON_AddArrayToObject(j, "metrics");
	for (int i = 0; i < AN_NMETRICS; i++) {
		double xa[nseeds], xb[nseeds];
		for (int s = 0; s < nseeds; s++) {
			xa[s] = sides[0].v[s * AN_NMETRICS + i];
			xb[s] = sides[1].v[s * AN_NMETRICS + i];
		}
		struct an_sample sa = an_sample_of(xa, nseeds), sb = an_sample_of(xb, nseeds);
		struct an_welch w = an_welch_of(sa, sb);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "metric", an_metric_defs[i].key);
		cJSON_AddStringToObject(m, "unit", an_metric_defs[i].unit);
		json_number(m, "a_mean", sa.mean);
		json_number(m, "a_ci95", sa.ci);
		json_number(m, "b_mean", sb.mean);
		json_number(m, "b_ci95", sb.ci);
		json_number(m, "diff", w.diff);
		json_number(m, "diff_ci95", w.ci);
		json_number(m, "t", w.t);
		json_number(m, "df", w.df);
		json_number(m, "p", w.p);
		cJSON_AddBoolToObject(m, "significant", !isnan(w.p) && w.p < 0.05);
		cJSON *va = cJSON_AddArrayToObject(m, "a_values");
		cJSON *vb = cJSON_AddArrayToObject(m, "b_values");
		for (int s = 0; s < nseeds; s++) {
			cJSON_AddItemToArray(va, isnan(xa[s]) ? cJSON_CreateNull()
			                                      : cJSON_CreateNumber(xa[s]));
			cJSON_AddItemToArray(vb, isnan(xb[s]) ? cJSON_CreateNull()
			                                      : cJSON_CreateNumber(xb[s]));
		}
		cJSON_AddItemToArray(ms, m);
	}
	return j;
}

static void compare_csv(struct side *sides, uint64_t a, int nseeds)
{
	printf("side,policies,backend,seed,status");
	for (int i = 0; i < AN_NMETRICS; i++)
		printf(",%s", an_metric_defs[i].key);
	putchar('\n');
	for (int k = 0; k < 2; k++)
		for (int s = 0; s < nseeds; s++) {
			printf("%s,", sides[k].name);
			csv_field(sides[k].policies ? sides[k].policies : "go");
			printf(",%s,%" PRIu64 ",%s", sides[k].backend->name, a + (uint64_t)s,
			       tr_status_name((enum tr_status)sides[k].status[s]));
			for (int i = 0; i < AN_NMETRICS; i++) {
				double v = sides[k].v[s * AN_NMETRICS + i];
				if (isnan(v))
					printf(",");
				else
					printf(",%.17g", v);
			}
			putchar('\n');
		}
}

/* Run tasks w, w + jobs, ... of the 2 x nseeds, writing records to fd. */
static int worker(const struct cli_opts *o, struct side *sides, uint64_t a, int nseeds, int w,
                  int jobs, int fd)
{
	for (int t = w; t < 2 * nseeds; t += jobs) {
		struct record rec = {.side = t / nseeds, .seed_index = t % nseeds};
		char err[512];
		if (run_one(o, &sides[rec.side], a + (uint64_t)rec.seed_index, &rec, err,
		            sizeof err) != 0) {
			fprintf(stderr, "gsched compare: %s\n", err);
			return 2;
		}
		if (write(fd, &rec, sizeof rec) != (ssize_t)sizeof rec)
			return 2;
	}
	return 0;
}

static int cmd_compare(struct cli_opts *o)
{
	char err[512];
	uint64_t a = 1, b = 50;
	if (o->json && o->csv)
		return cli_usage_error(o->cmd, "--json and --csv: choose one");
	if (o->seeds && parse_seeds(o->seeds, &a, &b) != 0)
		return cli_usage_error(o->cmd,
		                       "--seeds: expected A..B with A <= B, fewer than a million "
		                       "(got '%s')",
		                       o->seeds);
	o->scenario = o->args[0];
	struct side sides[2] = {
	        {"A", o->side_a, {0}, o->backend_a ? o->backend_a : o->backend, NULL, NULL},
	        {"B", o->side_b, {0}, o->backend_b ? o->backend_b : o->backend, NULL, NULL},
	};
	if (parse_side(o, &sides[0], "--a", err, sizeof err) != 0 ||
	    parse_side(o, &sides[1], "--b", err, sizeof err) != 0)
		return cli_usage_error(o->cmd, "%s", err);
	struct sc_scenario *sc = NULL;
	if (sc_load(o->scenario, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "gsched compare: %s\n", err);
		return 2;
	}
	sc_free(sc);

	int nseeds = (int)(b - a + 1);
	int jobs = o->jobs > 0 ? (int)o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (jobs > 2 * nseeds)
		jobs = 2 * nseeds;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	pid_t pids[MAX_JOBS];
	for (int k = 0; k < 2; k++) {
		sides[k].v = malloc((size_t)nseeds * AN_NMETRICS * sizeof(double));
		sides[k].status = malloc((size_t)nseeds * sizeof(int));
		if (!sides[k].v || !sides[k].status) {
			fprintf(stderr, "gsched compare: out of memory\n");
			goto fail;
		}
		for (int s = 0; s < nseeds; s++)
			sides[k].status[s] = -1;
	}

	int fds[2];
	if (pipe(fds) != 0) {
		fprintf(stderr, "gsched compare: pipe: %s\n", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	int started = 0;
	for (int w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "gsched compare: fork: %s\n", strerror(errno));
			break;
		}
		if (pid == 0) {
			close(fds[0]);
			int rc = worker(o, sides, a, nseeds, w, jobs, fds[1]);
			fflush(NULL);
			_exit(rc);
		}
		pids[started++] = pid;
	}
	close(fds[1]);
	struct record rec;
	int got = 0;
	for (;;) {
		ssize_t n = read(fds[0], &rec, sizeof rec);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof rec)
			break;
		if (rec.side < 0 || rec.side > 1 || rec.seed_index < 0 || rec.seed_index >= nseeds)
			continue;
		memcpy(&sides[rec.side].v[rec.seed_index * AN_NMETRICS], rec.v, sizeof rec.v);
		sides[rec.side].status[rec.seed_index] = rec.status;
		got++;
	}
	close(fds[0]);
	int failed = started < jobs;
	for (int w = 0; w < started; w++) {
		int st;
		waitpid(pids[w], &st, 0);
		failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	if (failed || got != 2 * nseeds) {
		if (!failed)
			fprintf(stderr, "gsched compare: %d of %d runs reported\n", got,
			        2 * nseeds);
		goto fail;
	}

	int rc = 0;
	if (o->json)
		rc = print_json(compare_json(o, sides, a, b, nseeds));
	else if (o->csv)
		compare_csv(sides, a, nseeds);
	else
		compare_text(o, sides, a, b, nseeds);
	for (int k = 0; k < 2; k++) {
		free(sides[k].v);
		free(sides[k].status);
	}
	return rc;
fail:
	for (int k = 0; k < 2; k++) {
		free(sides[k].v);
		free(sides[k].status);
	}
	return 2;
}

const struct cli_command cli_cmd_compare = {
        .name = "compare",
        .fn = cmd_compare,
        .args = "SCENARIO",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing SCENARIO (a bundled name or a file)",
        .flags = (CLI_RUN_FLAGS & ~CLI_F(CLI_SEED)) | CLI_F(CLI_SEEDS) | CLI_F(CLI_JOBS) |
                 CLI_F(CLI_SIDE_A) | CLI_F(CLI_SIDE_B) | CLI_F(CLI_A_BACKEND) |
                 CLI_F(CLI_B_BACKEND) | CLI_F(CLI_JSON) | CLI_F(CLI_CSV),
        .summary = "the metrics of two policy settings (or backends) over many seeds, with "
                   "95% confidence intervals and Welch's t-test",
        .about = "Runs SCENARIO once per seed of --seeds (default 1..50) for each side: A with\n"
                 "the settings of --a, B with those of --b (policies, and bugs as bug=NAME, on\n"
                 "top of any --policy and --bug given for both), each on its backend\n"
                 "(--a-backend, --b-backend; default --backend's).  Prints each metric of\n"
                 "`gsched report` for both sides: its mean over the seeds with a 95% confidence\n"
                 "interval (Student's t), the difference B - A with its interval, and the\n"
                 "two-sided p-value of Welch's unequal-variance t-test; '*' marks p < 0.05.\n"
                 "--json adds every seed's value; --csv prints one line per run.\n"
                 "\n"
                 "  gsched compare fan-out --b randomize=on\n"
                 "  gsched compare ping-pong-hog --b bug=no-preemption --seeds 1..20\n",
        .after = "Exit status: 0, 2 bad usage, a bad scenario, or a run that could not start.\n",
};
