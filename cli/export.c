/*
 * export.c - `gsched export --format perfetto`: a run as Chrome's
 * trace-event JSON, which ui.perfetto.dev and chrome://tracing open.
 *
 * Tracks (docs/analysis.md):
 *  - process "Ps", one thread per P: a complete ("X") slice per stretch a
 *    goroutine ran on that P, named "g12 worker" (goid and label), its
 *    args saying how it ended (runnable/preempted, waiting/chan receive);
 *  - process "Ms", one thread per M: slices "spinning", "syscall" (with
 *    the goroutine) and "parked";
 *  - counters: each P's local run queue and the global queue (as the
 *    runq_length view counts them), runnable goroutines, idle Ps,
 *    spinning Ms;
 *  - flows: a wake-up (a running goroutine made another runnable) from
 *    the waker's slice to the woken goroutine's next slice; a steal from
 *    the thief M's spinning slice to the slice its P ran next.
 *
 * Invariants the test checks: on every track the slices never overlap
 * (each track is a state machine that closes its current slice before
 * it opens the next one, and a slice starts no earlier than the last one
 * ended: under a window wider than 0, or natively, two Ms' clocks may
 * disagree by a little), and both ends of every flow lie inside a slice
 * of their track (a flow whose start would not - a wake-up from the
 * scheduler's own code, a steal by an M that was not spinning - is left
 * out, and so is one whose goroutine never ran again).
 *
 * Output is written as events complete, in one pass over the run held in
 * memory; its order is not time order (the format does not need it).
 * Times are µs with three decimals: the events' ns, exactly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "runner.h"
#include "sc.h"

enum mstate { M_NONE, M_SPINNING, M_SYSCALL, M_PARKED };
static const char *const mstate_name[] = {"", "spinning", "syscall", "parked"};

struct xg {
	int32_t label;    /* index into labels, -1 */
	int32_t p;        /* the P it runs on, -1 */
	int32_t sys_m;    /* the M it entered a syscall on, -1 */
	int64_t wake_id;  /* a pending wake-up flow, 0 none */
	int64_t wake_ts;  /* ... its start */
	int32_t wake_p;   /* ... on this P's track */
	int32_t last_put; /* the P it was last runqput on while runnable, -1 */
};

struct xp {
	int64_t g, since; /* the goroutine running on it (0 none) since */
	int64_t hi;       /* the latest flow point inside the open slice */
	int64_t last_end; /* where the last slice ended */
	int64_t steal_id; /* a steal flow to end at its next slice, 0 none */
	int64_t steal_ts; /* ... its start, on M steal_m's track */
	int32_t steal_m;
	int64_t runq, last_runq;
	bool seen;
};

struct xm {
	enum mstate st;
	int64_t since, g;
	int64_t hi, last_end; /* as struct xp's */
	bool seen;
	int32_t last_kind; /* the M's previous event, for the runq counters */
	int64_t last_a, last_b;
};

struct ex {
	FILE *f;
	bool first;
	struct xg *g;
	size_t ng;
	struct xp *p;
	size_t np;
	struct xm *m;
	size_t nm;
	char **labels;
	size_t nlabels;
	int64_t flow_id;
	int64_t runnable, npidle, nmspinning, globq;
	bool oom;
};

static void *grow(struct ex *x, void *arr, size_t *n, size_t want, size_t size)
{
	if (want < *n)
		return arr;
	size_t nn = *n ? *n : 16;
	while (nn <= want)
		nn *= 2;
	char *na = realloc(arr, nn * size);
	if (!na) {
		x->oom = true;
		return NULL;
	}
	memset(na + *n * size, 0, (nn - *n) * size);
	*n = nn;
	return na;
}

static struct xg *gof(struct ex *x, int64_t g)
{
	if (g <= 0)
		return NULL;
	size_t old = x->ng;
	struct xg *ng = grow(x, x->g, &x->ng, (size_t)g, sizeof *ng);
	if (!ng)
		return NULL;
	x->g = ng;
	for (size_t i = old; i < x->ng; i++)
		x->g[i] = (struct xg){.label = -1, .p = -1, .sys_m = -1, .last_put = -1};
	return &x->g[g];
}

static struct xp *pof(struct ex *x, int64_t p)
{
	if (p < 0 || p > 100000)
		return NULL;
	struct xp *np = grow(x, x->p, &x->np, (size_t)p, sizeof *np);
	if (!np)
		return NULL;
	x->p = np;
	return &x->p[p];
}

static struct xm *mof(struct ex *x, int64_t m)
{
	if (m < 0 || m > 100000)
		return NULL;
	struct xm *nm = grow(x, x->m, &x->nm, (size_t)m, sizeof *nm);
	if (!nm)
		return NULL;
	x->m = nm;
	return &x->m[m];
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* µs with the ns as three decimals. */
static void put_us(FILE *f, int64_t ns)
{
	if (ns < 0) {
		fputc('-', f);
		ns = -ns;
	}
	fprintf(f, "%" PRId64 ".%03" PRId64, ns / 1000, ns % 1000);
}

static void begin(struct ex *x)
{
	fputs(x->first ? "\n" : ",\n", x->f);
	x->first = false;
}

static const char *label_of(struct ex *x, int64_t g)
{
	struct xg *s = gof(x, g);
	return s && s->label >= 0 ? x->labels[s->label] : NULL;
}

static void slice_name(struct ex *x, int64_t g, char *buf, size_t len)
{
	const char *l = label_of(x, g);
	snprintf(buf, len, "g%" PRId64 "%s%s", g, l ? " " : "", l ? l : "");
}

static void close_p(struct ex *x, int32_t p, int64_t t, const char *end)
{
	struct xp *pp = pof(x, p);
	if (!pp || !pp->g)
		return;
	char name[96];
	slice_name(x, pp->g, name, sizeof name);
	begin(x);
	fprintf(x->f, "{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":", p);
	int64_t until = t > pp->hi ? t : pp->hi;
	put_us(x->f, pp->since);
	fputs(",\"dur\":", x->f);
	put_us(x->f, until - pp->since);
	pp->last_end = until;
	fputs(",\"cat\":\"goroutine\",\"name\":", x->f);
	put_str(x->f, name);
	fprintf(x->f, ",\"args\":{\"g\":%" PRId64 ",\"label\":", pp->g);
	const char *l = label_of(x, pp->g);
	put_str(x->f, l ? l : "");
	fputs(",\"end\":", x->f);
	put_str(x->f, end);
	fputs("}}", x->f);
	struct xg *g = gof(x, pp->g);
	if (g)
		g->p = -1;
	pp->g = 0;
}

static void set_m(struct ex *x, int32_t m, enum mstate st, int64_t t, int64_t g)
{
	struct xm *mm = mof(x, m);
	if (!mm)
		return;
	mm->seen = true;
	if (mm->st != M_NONE) {
		begin(x);
		fprintf(x->f, "{\"ph\":\"X\",\"pid\":2,\"tid\":%d,\"ts\":", m);
		int64_t end = t > mm->hi ? t : mm->hi;
		put_us(x->f, mm->since);
		fputs(",\"dur\":", x->f);
		put_us(x->f, end - mm->since);
		mm->last_end = end;
		fprintf(x->f, ",\"cat\":\"m\",\"name\":\"%s\"", mstate_name[mm->st]);
		if (mm->st == M_SYSCALL)
			fprintf(x->f, ",\"args\":{\"g\":%" PRId64 "}", mm->g);
		fputc('}', x->f);
	}
	mm->st = st;
	mm->since = mm->hi = t > mm->last_end ? t : mm->last_end;
	mm->g = g;
}

static void counter(struct ex *x, const char *name, int64_t t, int64_t v)
{
	begin(x);
	fputs("{\"ph\":\"C\",\"pid\":1,\"ts\":", x->f);
	put_us(x->f, t);
	fputs(",\"name\":", x->f);
	put_str(x->f, name);
	fprintf(x->f, ",\"args\":{\"value\":%" PRId64 "}}", v);
}

static void flow(struct ex *x, const char *name, int64_t id, int pid0, int tid0, int64_t t0,
                 int pid1, int tid1, int64_t t1)
{
	begin(x);
	fprintf(x->f, "{\"ph\":\"s\",\"id\":%" PRId64 ",\"pid\":%d,\"tid\":%d,\"ts\":", id, pid0,
	        tid0);
	put_us(x->f, t0);
	fprintf(x->f, ",\"cat\":\"flow\",\"name\":\"%s\"}", name);
	begin(x);
	fprintf(x->f,
	        "{\"ph\":\"f\",\"bp\":\"e\",\"id\":%" PRId64 ",\"pid\":%d,\"tid\":%d,\"ts\":", id,
	        pid1, tid1);
	put_us(x->f, t1);
	fprintf(x->f, ",\"cat\":\"flow\",\"name\":\"%s\"}", name);
}

static void runq_add(struct ex *x, int32_t p, int64_t d, int64_t t)
{
	char name[32];
	if (p < 0) {
		x->globq += d;
		counter(x, "runq global", t, x->globq);
		return;
	}
	struct xp *pp = pof(x, p);
	if (!pp)
		return;
	pp->seen = true;
	pp->runq = d == INT64_MIN ? 0 : pp->runq + d;
	if (pp->runq == pp->last_runq)
		return;
	pp->last_runq = pp->runq;
	snprintf(name, sizeof name, "runq P%d", p);
	counter(x, name, t, pp->runq);
}

static int32_t label_index(struct ex *x, const char *name)
{
	for (size_t i = 0; i < x->nlabels; i++)
		if (strcmp(x->labels[i], name) == 0)
			return (int32_t)i;
	char **nl = realloc(x->labels, (x->nlabels + 1) * sizeof *nl);
	if (!nl || !(nl[x->nlabels] = strdup(name))) {
		if (nl)
			x->labels = nl;
		x->oom = true;
		return -1;
	}
	x->labels = nl;
	return (int32_t)x->nlabels++;
}

static const char *const gstate[] = {"idle",     "runnable", "running", "syscall",   "waiting",
                                     "moribund", "dead",     "enqueue", "copystack", "preempted"};

static void event(struct ex *x, const struct rt_event *ev)
{
	int64_t t = ev->t_ns;
	struct xm *em = mof(x, ev->m);
	if (x->oom)
		return;
	em->seen = true;
	if (ev->p >= 0) {
		struct xp *pp = pof(x, ev->p);
		if (pp)
			pp->seen = true;
	}
	switch (ev->kind) {
	case RT_EV_GSTATUS: {
		struct xg *g = gof(x, ev->obj);
		if (!g)
			break;
		int64_t old = x->runnable;
		x->runnable += (ev->b == 1) - (ev->a == 1);
		if (x->runnable != old)
			counter(x, "runnable goroutines", t, x->runnable);
		if (ev->a == 2 && g->p >= 0) {
			char end[96];
			snprintf(end, sizeof end, "%s%s%s%s",
			         ev->b >= 0 && ev->b < 10 ? gstate[ev->b] : "?",
			         ev->detail ? " (" : "", ev->detail ? ev->detail : "",
			         ev->detail ? ")" : "");
			close_p(x, g->p, t, end);
		}
		if (ev->a == 3 && g->sys_m >= 0) {
			struct xm *mm = mof(x, g->sys_m);
			if (mm && mm->st == M_SYSCALL && mm->g == ev->obj)
				set_m(x, g->sys_m, M_NONE, t, 0);
			g->sys_m = -1;
		}
		if (ev->b == 3) {
			set_m(x, ev->m, M_SYSCALL, t, ev->obj);
			g->sys_m = ev->m;
		}
		if (ev->b == 1 && ev->a == 4 && ev->g > 0 && ev->p >= 0) {
			struct xp *pp = pof(x, ev->p);
			if (pp && pp->g == ev->g) { /* a running goroutine woke it */
				g->wake_id = ++x->flow_id;
				g->wake_ts = t > pp->since ? t : pp->since;
				if (g->wake_ts > pp->hi)
					pp->hi = g->wake_ts;
				g->wake_p = ev->p;
			}
		}
		if (ev->b == 2 && ev->p >= 0) {
			struct xp *pp = pof(x, ev->p);
			if (!pp)
				break;
			if (pp->g)
				close_p(x, ev->p, t, "?");
			pp->g = ev->obj;
			pp->since = pp->hi = t > pp->last_end ? t : pp->last_end;
			g->p = ev->p;
			if (g->wake_id)
				flow(x, "wake-up", g->wake_id, 1, g->wake_p, g->wake_ts, 1, ev->p,
				     pp->since);
			if (pp->steal_id)
				flow(x, "steal", pp->steal_id, 2, pp->steal_m, pp->steal_ts, 1,
				     ev->p, pp->since);
			g->wake_id = 0;
			pp->steal_id = 0;
		}
		if (ev->b == 2 || ev->b == 6)
			g->wake_id = 0;
		break;
	}
	case RT_EV_LABEL: {
		struct xg *g = gof(x, ev->obj);
		if (g && ev->detail)
			g->label = label_index(x, ev->detail);
		break;
	}
	case RT_EV_SPINNING: {
		struct xm *mm = mof(x, ev->obj);
		if (ev->a == 1)
			set_m(x, (int32_t)ev->obj, M_SPINNING, t, 0);
		else if (mm && mm->st == M_SPINNING)
			set_m(x, (int32_t)ev->obj, M_NONE, t, 0);
		x->nmspinning += ev->a == 1 ? 1 : -1;
		counter(x, "spinning Ms", t, x->nmspinning);
		break;
	}
	case RT_EV_MPARK:
		set_m(x, (int32_t)ev->obj, M_PARKED, t, 0);
		break;
	case RT_EV_MUNPARK: {
		struct xm *mm = mof(x, ev->obj);
		if (mm && mm->st == M_PARKED)
			set_m(x, (int32_t)ev->obj, M_NONE, t, 0);
		break;
	}
	case RT_EV_PIDLEPUT:
	case RT_EV_PIDLEGET:
		x->npidle = ev->a;
		counter(x, "idle Ps", t, x->npidle);
		break;
	/* The run queues, counted as the runq_length view counts them. */
	case RT_EV_RUNQPUT: {
		bool kick = ev->b == 0 && em->last_kind == RT_EV_RUNQPUT && em->last_a == ev->a &&
		            em->last_b == 1;
		if (!kick)
			runq_add(x, (int32_t)ev->a, 1, t);
		break;
	}
	case RT_EV_RUNQGET:
		runq_add(x, (int32_t)ev->a, -1, t);
		break;
	case RT_EV_STEAL: {
		runq_add(x, (int32_t)ev->obj, -ev->a, t);
		runq_add(x, ev->p, ev->a - 1, t);
		struct xp *pp = pof(x, ev->p);
		if (pp && em->st == M_SPINNING) {
			pp->steal_id = ++x->flow_id;
			pp->steal_ts = t > em->since ? t : em->since;
			if (pp->steal_ts > em->hi)
				em->hi = pp->steal_ts;
			pp->steal_m = ev->m;
		}
		break;
	}
	case RT_EV_RUNQPUTSLOW: {
		bool kick =
		        em->last_kind == RT_EV_RUNQPUT && em->last_a == ev->obj && em->last_b == 1;
		runq_add(x, (int32_t)ev->obj, kick ? -ev->a : 1 - ev->a, t);
		break;
	}
	case RT_EV_PSTATUS:
		if (ev->b == 4)
			runq_add(x, (int32_t)ev->obj, INT64_MIN, t);
		break;
	case RT_EV_GLOBRUNQPUT:
		runq_add(x, -1, ev->a, t);
		break;
	case RT_EV_GLOBRUNQGET:
		runq_add(x, -1, -ev->a, t);
		break;
	default:
		break;
	}
	em->last_kind = ev->kind;
	em->last_a = ev->a;
	em->last_b = ev->b;
}

static void metadata(FILE *f, int pid, int tid, const char *what, const char *name)
{
	fprintf(f,
	        ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":", pid,
	        tid, what);
	put_str(f, name);
	fputs("}}", f);
}

/* The whole document for run h/t on f: 0, or -1 out of memory. */
static int export_perfetto(FILE *f, const struct tr_header *h, const struct tr_trace *t)
{
	struct ex x = {.f = f, .first = true};
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{", f);
	fputs("\"scenario\":", f);
	put_str(f, h->scenario ? h->scenario : "");
	fprintf(f, ",\"seed\":%" PRIu64 ",\"backend\":", h->seed);
	put_str(f, h->backend ? h->backend : "");
	fputs(",\"policies\":", f);
	put_str(f, h->policy_json ? h->policy_json : "{}");
	fprintf(f, ",\"trace_hash\":\"%016" PRIx64 "\"},\n\"traceEvents\":[", h->hash);

	struct sc_scenario *sc = NULL;
	char err[256];
	if (h->scenario_json && sc_parse(h->scenario ? h->scenario : "scenario", h->scenario_json,
	                                 &sc, err, sizeof err) == 0) {
		const char *ml = sc_main_label(sc);
		struct xg *g = gof(&x, 1);
		if (ml && g)
			g->label = label_index(&x, ml);
	}
	sc_free(sc);
	int64_t end = 0;
	for (size_t i = 0; i < t->n && !x.oom; i++) {
		event(&x, &t->ev[i]);
		if (t->ev[i].t_ns > end)
			end = t->ev[i].t_ns;
	}
	for (size_t p = 0; p < x.np && !x.oom; p++)
		close_p(&x, (int32_t)p, end, "the end of the run");
	for (size_t m = 0; m < x.nm && !x.oom; m++)
		set_m(&x, (int32_t)m, M_NONE, end, 0);
	fputs(x.first ? "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":"
	                "\"Ps\"}}"
	              : ",\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":"
	                "\"Ps\"}}",
	      f);
	fputs(",\n{\"ph\":\"M\",\"pid\":2,\"name\":\"process_name\",\"args\":{\"name\":\"Ms\"}}",
	      f);
	for (size_t p = 0; p < x.np; p++)
		if (x.p[p].seen) {
			char name[24];
			snprintf(name, sizeof name, "P%zu", p);
			metadata(f, 1, (int)p, "thread_name", name);
		}
	for (size_t m = 0; m < x.nm; m++)
		if (x.m[m].seen) {
			char name[24];
			snprintf(name, sizeof name, "M%zu", m);
			metadata(f, 2, (int)m, "thread_name", name);
		}
	fputs("\n]}\n", f);
	for (size_t i = 0; i < x.nlabels; i++)
		free(x.labels[i]);
	free(x.labels);
	free(x.g);
	free(x.p);
	free(x.m);
	return x.oom ? -1 : 0;
}

static int cmd_export(struct cli_opts *o)
{
	struct tr_header h;
	struct tr_trace t;
	if (cli_load_run("export", o->args[0], o->run, &h, &t) != 0)
		return 2;
	int rc = 0;
	if (export_perfetto(stdout, &h, &t) != 0) {
		fprintf(stderr, "gsched export: %s: out of memory\n", o->args[0]);
		rc = 2;
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gsched export: writing the output failed\n");
		rc = 2;
	}
	tr_header_free(&h);
	tr_trace_free(&t);
	return rc;
}

const struct cli_command cli_cmd_export = {
        .name = "export",
        .fn = cmd_export,
        .args = "DB",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DB (a gsched database, or a golden trace file)",
        .flags = CLI_F(CLI_RUN) | CLI_F(CLI_FORMAT),
        .summary = "a run as Perfetto/Chrome trace-event JSON: a track per P and per M, run "
                   "queue counters, wake-up and steal arrows",
        .about = "Writes run N of the database DB (default: its last run; a golden trace file\n"
                 "works too) to standard output in the format --format names.  perfetto: a\n"
                 "track per P with a slice per goroutine run (named by goroutine and label), a\n"
                 "track per M (spinning, syscall, parked), counters for the run queues,\n"
                 "runnable goroutines, idle Ps and spinning Ms, and flow arrows for wake-ups\n"
                 "and steals.  Open it at https://ui.perfetto.dev or chrome://tracing.\n",
        .after = "Exit status: 0, 2 bad usage, or DB missing, corrupt or without run N.\n",
};
