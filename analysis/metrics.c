/*
 * metrics.c - one run's scheduling metrics from its event stream, in one
 * pass: what `gsched report` prints and `gsched compare` compares.
 *
 * The definitions are the SQL views' (analysis/views.sql), so a figure
 * can be checked in the sqlite3 shell: a wait is a gstatus transition to
 * _Grunnable followed by the goroutine's next one to _Grunning
 * (sched_latency); CPU time is the sum of _Grunning intervals
 * (sched_slice); lost work conservation integrates min(idle Ps, runnable
 * goroutines) over time (idle_while_runnable); spinning time sums the
 * spinning view.  A test checks that the two agree on a bundled scenario.
 *
 * Memory: O(goroutines + labels + Ms) plus one int64 per wait (the
 * percentiles need them all; 8 MB for a million waits).  Per event O(1),
 * except label events (a linear search of the labels: runs have few).
 *
 * Times are the events' t_ns, each the clock of the M that made the
 * transition, and may step back a little in event order (an M runs on
 * between yield points; more so under a window wider than 0).  A wait
 * that spans two Ms' clocks and reads negative counts as 0; lost work
 * conservation and capacity are integrated with signed steps, exactly as
 * the view's sum(dur) telescopes (advance()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an.h"

const struct an_metric_def an_metric_defs[AN_NMETRICS] = {
        [AN_MAKESPAN] = {"makespan", "ns", "the run's length (its last event's time)"},
        [AN_LAT_N] = {"waits", "", "runnable -> running waits"},
        [AN_LAT_P50] = {"lat_p50", "ns", "scheduling latency, median"},
        [AN_LAT_P90] = {"lat_p90", "ns", "scheduling latency, 90th percentile"},
        [AN_LAT_P99] = {"lat_p99", "ns", "scheduling latency, 99th percentile"},
        [AN_LAT_MAX] = {"lat_max", "ns", "scheduling latency, longest"},
        [AN_JAIN_G] = {"jain_goroutines", "ratio",
                       "Jain's index of CPU time across the goroutines that ran"},
        [AN_JAIN_LABEL] = {"jain_labels", "ratio",
                           "Jain's index of CPU time per goroutine across labels"},
        [AN_P_UTIL] = {"p_util", "ratio", "goroutine running time / (gomaxprocs x time)"},
        [AN_WC_LOSS] = {"wc_loss", "ns", "time with an idle P and a runnable goroutine"},
        [AN_WC_LOSS_P] = {"wc_loss_p", "P*ns",
                          "P-time lost: integral of min(idle Ps, runnable goroutines)"},
        [AN_WC_LOSS_FRAC] = {"wc_loss_frac", "ratio", "P-time lost / (gomaxprocs x time)"},
        [AN_STEALS] = {"steals", "", "steals (each took at least one goroutine)"},
        [AN_STEAL_MEAN] = {"steal_mean", "", "goroutines per steal"},
        [AN_SPIN] = {"spinning", "ns", "time Ms spent spinning, summed over Ms"},
        [AN_PREEMPTS] = {"preemptions", "", "goroutines preempted (sysmon, async or not)"},
        [AN_HANDOFFS] = {"syscall_handoffs", "",
                         "Ps handed off from a syscall to another M or the idle list (handoffp)"},
        [AN_SWITCHES] = {"switches", "", "runnable -> running transitions"},
};

struct gacc {
	int32_t label; /* index into labels, -1 none */
	int32_t p;     /* the P it runs on, while running */
	int8_t status;
	int64_t since; /* when it entered status */
	int64_t cpu, max_wait, total_wait, waits;
};

struct lat {
	int64_t *v;
	size_t n, cap;
};

struct lacc {
	char *name;
	struct lat lat;
};

struct an_acc {
	struct tr_sink sink;
	int gomaxprocs;
	char *main_label;
	bool oom;

	struct gacc *g;
	size_t ng;
	struct lacc *labels;
	size_t nlabels;
	struct lat lat, unlabelled;

	int64_t *spin_since; /* per M; -1 not spinning */
	size_t nm;
	int64_t *p_busy; /* per P: goroutine running time */
	size_t np;

	int64_t now, last; /* largest event time; time of the last WC/capacity update */
	int64_t runnable, npidle, procs;
	int64_t wc_ns, wc_pns, cap_pns;
	int64_t steals, stolen, spin_ns, preempts, handoffs, switches;
};

static void lat_push(struct an_acc *a, struct lat *l, int64_t v)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		int64_t *nv = realloc(l->v, cap * sizeof *nv);
		if (!nv) {
			a->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = v;
}

static struct gacc *gslot(struct an_acc *a, int64_t g)
{
	if (g <= 0)
		return NULL;
	if ((size_t)g >= a->ng) {
		size_t n = a->ng ? a->ng : 64;
		while (n <= (size_t)g)
			n *= 2;
		struct gacc *ng = realloc(a->g, n * sizeof *ng);
		if (!ng) {
			a->oom = true;
			return NULL;
		}
		for (size_t i = a->ng; i < n; i++)
			ng[i] = (struct gacc){.label = -1, .status = -1};
		a->g = ng;
		a->ng = n;
	}
	return &a->g[g];
}

static int32_t label_index(struct an_acc *a, const char *name)
{
	for (size_t i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i].name, name) == 0)
			return (int32_t)i;
	struct lacc *nl = realloc(a->labels, (a->nlabels + 1) * sizeof *nl);
	if (!nl) {
		a->oom = true;
		return -1;
	}
	a->labels = nl;
	char *copy = strdup(name);
	if (!copy) {
		a->oom = true;
		return -1;
	}
	a->labels[a->nlabels] = (struct lacc){.name = copy};
	return (int32_t)a->nlabels++;
}

static int64_t *mslot(struct an_acc *a, int64_t m)
{
	if (m < 0)
		return NULL;
	if ((size_t)m >= a->nm) {
		size_t n = a->nm ? a->nm : 16;
		while (n <= (size_t)m)
			n *= 2;
		int64_t *ns = realloc(a->spin_since, n * sizeof *ns);
		if (!ns) {
			a->oom = true;
			return NULL;
		}
		for (size_t i = a->nm; i < n; i++)
			ns[i] = -1;
		a->spin_since = ns;
		a->nm = n;
	}
	return &a->spin_since[m];
}

/* Running time on P p (ignored for p < 0: a goroutine running without a
 * P is not something the events show). */
static void p_add(struct an_acc *a, int32_t p, int64_t d)
{
	if (p < 0 || p > 1000000)
		return;
	if ((size_t)p >= a->np) {
		size_t n = a->np ? a->np : 8;
		while (n <= (size_t)p)
			n *= 2;
		int64_t *np = realloc(a->p_busy, n * sizeof *np);
		if (!np) {
			a->oom = true;
			return;
		}
		memset(np + a->np, 0, (n - a->np) * sizeof *np);
		a->p_busy = np;
		a->np = n;
	}
	a->p_busy[p] += d;
}

static int64_t span(int64_t from, int64_t to)
{
	return to > from ? to - from : 0;
}

/* Integrate the step functions (lost P-time, capacity) up to t.  Each
 * state holds from its event's time to the next one's, as in the
 * idle_while_runnable view: event times may step back a little in event
 * order (each is the clock of the M that made the transition, and an M
 * runs on between yield points), and a signed step keeps the integral
 * the telescoping sum the view's sum(dur) is. */
static void advance(struct an_acc *a, int64_t t)
{
	int64_t d = t - a->last;
	int64_t lost = a->npidle < a->runnable ? a->npidle : a->runnable;
	if (lost > 0) {
		a->wc_ns += d;
		a->wc_pns += lost * d;
	}
	a->cap_pns += a->procs * d;
	a->last = t;
}

void an_acc_event(struct an_acc *a, const struct rt_event *ev)
{
	int64_t t = ev->t_ns;
	if (t > a->now)
		a->now = t;
	switch (ev->kind) {
	case RT_EV_GSTATUS: {
		advance(a, t);
		a->runnable += (ev->b == 1) - (ev->a == 1);
		struct gacc *g = gslot(a, ev->obj);
		if (!g)
			break;
		if (ev->a == 2) {
			g->cpu += span(g->since, t);
			p_add(a, g->p, span(g->since, t));
		}
		if (ev->b == 2)
			g->p = ev->p;
		if (ev->b == 2 && ev->a == 1 && g->status == 1) {
			int64_t w = span(g->since, t);
			g->total_wait += w;
			g->waits++;
			if (w > g->max_wait)
				g->max_wait = w;
			lat_push(a, &a->lat, w);
			lat_push(a, g->label >= 0 ? &a->labels[g->label].lat : &a->unlabelled, w);
		}
		if (ev->b == 2 && ev->a == 1)
			a->switches++;
		g->status = (int8_t)ev->b;
		g->since = t;
		break;
	}
	case RT_EV_PIDLEPUT:
	case RT_EV_PIDLEGET:
		advance(a, t);
		a->npidle = ev->a;
		break;
	case RT_EV_PROCRESIZE:
		advance(a, t);
		a->procs = ev->a;
		break;
	case RT_EV_LABEL: {
		struct gacc *g = gslot(a, ev->obj);
		if (g && ev->detail)
			g->label = label_index(a, ev->detail);
		break;
	}
	case RT_EV_SPINNING: {
		int64_t *s = mslot(a, ev->obj);
		if (!s)
			break;
		if (ev->a == 1) {
			if (*s < 0)
				*s = t;
		} else if (*s >= 0) {
			a->spin_ns += span(*s, t);
			*s = -1;
		}
		break;
	}
	case RT_EV_STEAL:
		a->steals++;
		a->stolen += ev->a;
		break;
	case RT_EV_PREEMPT:
		a->preempts++;
		break;
	case RT_EV_HANDOFFP:
		/* Every handoffp hands a P off because of a syscall: sysmon's
		 * retake of a P left in _Psyscall, entersyscallblock (a call
		 * known to block gives its P up at once), and in Go also
		 * forEachP; the port has no locked Ms, handoffp's only other
		 * caller (stoplockedm).  Counting handoffp rather than retake
		 * counts them all. */
		a->handoffs++;
		break;
	default:
		break;
	}
}

static void sink_event(struct tr_sink *s, const struct rt_event *ev)
{
	an_acc_event((struct an_acc *)s, ev);
}

static int sink_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
                       const char *message, char *err, size_t errlen)
{
	(void)s, (void)status, (void)st, (void)message, (void)err, (void)errlen;
	return 0;
}

static void sink_close(struct tr_sink *s)
{
	(void)s;
}

struct an_acc *an_acc_new(int gomaxprocs, const char *main_label)
{
	struct an_acc *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->sink = (struct tr_sink){sink_event, sink_finish, sink_close};
	a->gomaxprocs = gomaxprocs;
	a->procs = gomaxprocs; /* until a procresize says otherwise */
	if (main_label && !(a->main_label = strdup(main_label))) {
		free(a);
		return NULL;
	}
	if (a->main_label) {
		struct gacc *g = gslot(a, 1);
		if (g)
			g->label = label_index(a, a->main_label);
	}
	if (a->oom) {
		an_acc_free(a);
		return NULL;
	}
	return a;
}

struct tr_sink *an_acc_sink(struct an_acc *a)
{
	return &a->sink;
}

void an_acc_free(struct an_acc *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nlabels; i++) {
		free(a->labels[i].name);
		free(a->labels[i].lat.v);
	}
	free(a->labels);
	free(a->g);
	free(a->lat.v);
	free(a->unlabelled.v);
	free(a->spin_since);
	free(a->p_busy);
	free(a->main_label);
	free(a);
}

void an_metrics_free(struct an_metrics *m)
{
	for (size_t i = 0; i < m->nlabels; i++)
		free(m->labels[i].name);
	free(m->labels);
	m->labels = NULL;
	m->nlabels = 0;
	free(m->p_busy_ns);
	m->p_busy_ns = NULL;
	m->np = 0;
}

double an_jain(const double *x, size_t n)
{
	double s = 0, s2 = 0;
	for (size_t i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	if (n == 0 || s2 == 0)
		return NAN;
	return s * s / ((double)n * s2);
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Nearest rank: the smallest value with at least p of the values at or
 * below it (as tr_metrics_compute). */
static int64_t rank(const struct lat *l, double p)
{
	size_t k = (size_t)ceil(p * (double)l->n);
	if (k < 1)
		k = 1;
	return l->v[k - 1];
}

static int cmp_waiter(const void *x, const void *y)
{
	const struct an_waiter *a = x, *b = y;
	if (a->max_wait != b->max_wait)
		return a->max_wait < b->max_wait ? 1 : -1;
	return (a->g > b->g) - (a->g < b->g);
}

int an_acc_finish(struct an_acc *a, int64_t end_ns, struct an_metrics *m)
{
	memset(m, 0, sizeof *m);
	if (end_ns <= 0)
		end_ns = a->now;
	advance(a, end_ns);
	for (size_t m_ = 0; m_ < a->nm; m_++)
		if (a->spin_since[m_] >= 0)
			a->spin_ns += span(a->spin_since[m_], end_ns);
	int64_t cpu_total = 0, ran = 0;
	for (size_t i = 0; i < a->ng; i++) {
		struct gacc *g = &a->g[i];
		if (g->status == 2) {
			g->cpu += span(g->since, end_ns);
			p_add(a, g->p, span(g->since, end_ns));
		}
		cpu_total += g->cpu;
		ran += g->cpu > 0;
	}
	if (a->oom)
		return -1;
	if (a->lat.n) /* a run without waits has no array: qsort(NULL, 0) is undefined */
		qsort(a->lat.v, a->lat.n, sizeof *a->lat.v, cmp_i64);

	double *v = m->v;
	for (int i = 0; i < AN_NMETRICS; i++)
		v[i] = NAN;
	v[AN_MAKESPAN] = (double)end_ns;
	v[AN_LAT_N] = (double)a->lat.n;
	if (a->lat.n) {
		v[AN_LAT_P50] = (double)rank(&a->lat, 0.50);
		v[AN_LAT_P90] = (double)rank(&a->lat, 0.90);
		v[AN_LAT_P99] = (double)rank(&a->lat, 0.99);
		v[AN_LAT_MAX] = (double)a->lat.v[a->lat.n - 1];
	}
	if (a->cap_pns > 0) {
		v[AN_P_UTIL] = (double)cpu_total / (double)a->cap_pns;
		v[AN_WC_LOSS_FRAC] = (double)a->wc_pns / (double)a->cap_pns;
	}
	v[AN_WC_LOSS] = (double)a->wc_ns;
	v[AN_WC_LOSS_P] = (double)a->wc_pns;
	v[AN_STEALS] = (double)a->steals;
	if (a->steals)
		v[AN_STEAL_MEAN] = (double)a->stolen / (double)a->steals;
	v[AN_SPIN] = (double)a->spin_ns;
	v[AN_PREEMPTS] = (double)a->preempts;
	v[AN_HANDOFFS] = (double)a->handoffs;
	v[AN_SWITCHES] = (double)a->switches;

	/* Per label (plus "-" for the unlabelled, when there are any), and
	 * the CPU shares Jain's index reads. */
	size_t nl = a->nlabels + 1;
	double *share = calloc(ran + nl + 1, sizeof *share);
	m->labels = calloc(nl, sizeof *m->labels);
	if (!share || !m->labels) {
		free(share);
		free(m->labels);
		m->labels = NULL;
		return -1;
	}
	size_t ns = 0;
	for (size_t i = 0; i < a->ng; i++) {
		struct gacc *g = &a->g[i];
		if (g->status < 0)
			continue;
		if (g->cpu > 0)
			share[ns++] = (double)g->cpu;
		struct an_label_stats *l =
		        &m->labels[g->label >= 0 ? (size_t)g->label : a->nlabels];
		l->gs++;
		l->ran += g->cpu > 0;
		l->cpu_ns += g->cpu;
	}
	v[AN_JAIN_G] = an_jain(share, ns);
	ns = 0;
	for (size_t i = 0; i < a->nlabels; i++)
		if (m->labels[i].ran)
			share[ns++] = (double)m->labels[i].cpu_ns / (double)m->labels[i].ran;
	if (ns >= 2)
		v[AN_JAIN_LABEL] = an_jain(share, ns);
	free(share);
	size_t out = 0;
	for (size_t i = 0; i < nl; i++) {
		struct an_label_stats l = m->labels[i];
		if (l.gs == 0)
			continue;
		l.name = strdup(i < a->nlabels ? a->labels[i].name : "-");
		if (!l.name) {
			m->nlabels = out;
			an_metrics_free(m);
			return -1;
		}
		struct lat *lt = i < a->nlabels ? &a->labels[i].lat : &a->unlabelled;
		l.lat_n = (int64_t)lt->n;
		if (lt->n) {
			qsort(lt->v, lt->n, sizeof *lt->v, cmp_i64);
			l.lat_p50 = rank(lt, 0.50);
			l.lat_p90 = rank(lt, 0.90);
			l.lat_p99 = rank(lt, 0.99);
			l.lat_max = lt->v[lt->n - 1];
		}
		m->labels[out++] = l;
	}
	m->nlabels = out;

	/* Per P, up to the highest P that ran anything. */
	size_t np = a->np;
	while (np > 0 && a->p_busy[np - 1] == 0)
		np--;
	if (np && !(m->p_busy_ns = malloc(np * sizeof *m->p_busy_ns))) {
		an_metrics_free(m);
		return -1;
	}
	if (np)
		memcpy(m->p_busy_ns, a->p_busy, np * sizeof *m->p_busy_ns);
	m->np = np;

	/* The goroutines that waited longest (one wait), longest first. */
	for (size_t i = 0; i < a->ng; i++) {
		struct gacc *g = &a->g[i];
		if (g->waits == 0)
			continue;
		struct an_waiter w = {.g = (int64_t)i,
		                      .max_wait = g->max_wait,
		                      .total_wait = g->total_wait,
		                      .waits = g->waits};
		snprintf(w.label, sizeof w.label, "%s",
		         g->label >= 0 ? a->labels[g->label].name : "-");
		if (m->ntop < AN_TOP_WAITERS)
			m->top[m->ntop++] = w;
		else if (cmp_waiter(&w, &m->top[AN_TOP_WAITERS - 1]) < 0)
			m->top[AN_TOP_WAITERS - 1] = w;
		else
			continue;
		qsort(m->top, m->ntop, sizeof *m->top, cmp_waiter);
	}
	return 0;
}
