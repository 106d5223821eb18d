/*
 * check.c - the assertion checker: per-goroutine and per-label figures
 * folded from the event stream, then the scenario's assertions.
 *
 * Invariants: g[goid].running is true exactly between a gstatus event
 * into _Grunning and the next one out of it, and only then is the
 * goroutine counted in its label's running_now; a label's figures only
 * ever grow (running time, worst wait, deaths), so evaluating at any
 * point gives a lower bound of the final figures.  Only labels some
 * assertion names are tracked: other goroutines cost one slot of g[].
 * Per event: O(1), plus O(labels) string compares per label event.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an.h"

#define MAX_LABELS 64

enum { G_RUNNABLE = 1, G_RUNNING = 2, G_DEAD = 6 };

struct gslot {
	int8_t label; /* index into labels, or -1 */
	bool running;
	bool runnable;
	int64_t since; /* running: since when; runnable: since when */
};

struct label {
	const char *name;
	int64_t gs;          /* goroutines carrying it */
	int64_t dead;        /* of which finished */
	int64_t last_dead;   /* time of the last finish */
	int64_t running_ns;  /* total running time */
	int64_t max_wait;    /* worst runnable -> running wait */
	int64_t max_wait_g;  /* the goroutine that waited it */
	int64_t running_now; /* goroutines running at this point of the stream */
	int64_t max_running;
};

struct an_checker {
	struct tr_sink sink; /* first: a struct tr_sink * is a struct an_checker * */
	const struct sc_scenario *sc;
	struct gslot *g;
	size_t ng; /* slots allocated: goids 0..ng-1 */
	struct label labels[MAX_LABELS];
	int nlabels;
	int64_t counts[RT_EV__COUNT];
	int64_t window; /* -1 inf */
	bool real_time; /* the events carry wall-clock time (native backend) */
	int64_t (*away)(int64_t from, int64_t to); /* an_set_away, or NULL */
};

static int label_index(struct an_checker *c, const char *name, bool add)
{
	for (int i = 0; i < c->nlabels; i++)
		if (c->labels[i].name == name || strcmp(c->labels[i].name, name) == 0)
			return i;
	if (!add || c->nlabels == MAX_LABELS)
		return -1;
	c->labels[c->nlabels] = (struct label){.name = name};
	return c->nlabels++;
}

static struct gslot *slot(struct an_checker *c, int64_t goid)
{
	if (goid < 0)
		return NULL;
	if ((size_t)goid >= c->ng) {
		size_t n = c->ng ? c->ng : 1024;
		while (n <= (size_t)goid)
			n *= 2;
		struct gslot *g = realloc(c->g, n * sizeof *g);
		if (!g)
			return NULL; /* the figures of this goroutine are lost, not the run */
		for (size_t i = c->ng; i < n; i++)
			g[i] = (struct gslot){.label = -1};
		c->g = g;
		c->ng = n;
	}
	return &c->g[goid];
}

static int64_t span(int64_t from, int64_t to)
{
	return to > from ? to - from : 0;
}

static void gstatus(struct an_checker *c, const struct rt_event *ev)
{
	struct gslot *g = slot(c, ev->obj);
	if (!g || ev->obj == 0)
		return; /* goid 0: a g being created, not yet numbered */
	struct label *l = g->label >= 0 ? &c->labels[g->label] : NULL;
	int64_t t = ev->t_ns;
	if (g->running) {
		g->running = false;
		if (l) {
			l->running_ns += span(g->since, t);
			l->running_now--;
		}
	}
	if (g->runnable && ev->b == G_RUNNING && l) {
		int64_t w = span(g->since, t);
		if (c->away && w > 0)
			w = span(c->away(g->since, t), w);
		if (w > l->max_wait || l->max_wait_g == 0) {
			l->max_wait = w > l->max_wait ? w : l->max_wait;
			l->max_wait_g = ev->obj;
		}
	}
	g->runnable = ev->b == G_RUNNABLE;
	if (ev->b == G_RUNNABLE || ev->b == G_RUNNING)
		g->since = t;
	if (ev->b == G_RUNNING) {
		g->running = true;
		if (l && ++l->running_now > l->max_running)
			l->max_running = l->running_now;
	}
	if (ev->b == G_DEAD && ev->a != 0 && l) {
		l->dead++;
		if (t > l->last_dead)
			l->last_dead = t;
	}
}

void an_event(struct an_checker *c, const struct rt_event *ev)
{
	if (ev->kind > 0 && ev->kind < RT_EV__COUNT)
		c->counts[ev->kind]++;
	if (ev->kind == RT_EV_GSTATUS) {
		gstatus(c, ev);
	} else if (ev->kind == RT_EV_LABEL && ev->detail) {
		struct gslot *g = slot(c, ev->obj);
		int i = label_index(c, ev->detail, false);
		if (g && i >= 0 && g->label != i) {
			g->label = (int8_t)i;
			c->labels[i].gs++;
			if (g->running) /* labelled while running: count from now */
				c->labels[i].running_now++;
		}
	}
}

static void sink_event(struct tr_sink *s, const struct rt_event *ev)
{
	an_event((struct an_checker *)s, ev);
}

static int sink_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
                       const char *message, char *err, size_t errlen)
{
	return 0;
}

static void sink_close(struct tr_sink *s)
{
}

struct an_checker *an_new(const struct sc_scenario *sc)
{
	struct an_checker *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sink = (struct tr_sink){.event = sink_event, .finish = sink_finish, .close = sink_close};
	c->sc = sc;
	for (size_t i = 0; i < sc_assert_count(sc); i++) {
		const struct sc_assert *as = sc_assert_get(sc, i);
		if (as->label)
			label_index(c, as->label, true);
		if (as->label2)
			label_index(c, as->label2, true);
	}
	const char *ml = sc_main_label(sc);
	int i = ml ? label_index(c, ml, false) : -1;
	struct gslot *g = i >= 0 ? slot(c, 1) : NULL;
	if (g) { /* main is goid 1 and gets no label event */
		g->label = (int8_t)i;
		c->labels[i].gs++;
	}
	return c;
}

void an_free(struct an_checker *c)
{
	if (!c)
		return;
	free(c->g);
	free(c);
}

void an_set_window(struct an_checker *c, int64_t window_ns)
{
	c->window = window_ns < 0 ? -1 : window_ns;
}

void an_set_away(struct an_checker *c, int64_t (*away)(int64_t from, int64_t to))
{
	c->away = away;
}

void an_set_real_time(struct an_checker *c, bool real_time)
{
	c->real_time = real_time;
}

struct tr_sink *an_sink(struct an_checker *c)
{
	return &c->sink;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

static int kind_of(const char *name)
{
	for (int k = 1; k < RT_EV__COUNT; k++)
		if (rt_evkind_name[k] && strcmp(rt_evkind_name[k], name) == 0)
			return k;
	return 0;
}

static void check(struct an_checker *c, const struct sc_assert *as, enum tr_status status,
                  struct an_result *r)
{
	char a[32], b[32];
	int li = as->label ? label_index(c, as->label, false) : -1;
	int li2 = as->label2 ? label_index(c, as->label2, false) : -1;
	if ((as->label && li < 0) || (as->label2 && li2 < 0)) {
		r->passed = false;
		snprintf(r->text, sizeof r->text, "not checked: more than %d labels in assertions",
		         MAX_LABELS);
		return;
	}
	struct label *l = li >= 0 ? &c->labels[li] : NULL;
	struct label *l2 = li2 >= 0 ? &c->labels[li2] : NULL;
	const char *st = tr_status_name(status);
	bool timed = as->kind == SC_ASSERT_MAX_RUNNABLE_WAIT ||
	             as->kind == SC_ASSERT_FINISH_BEFORE || as->kind == SC_ASSERT_MIN_PARALLELISM;
	/* On a real machine a figure that depends on timing is checked
	 * against the scenario's native bound, or not at all. */
	bool bounded = as->kind != SC_ASSERT_ALL_FINISH && as->kind != SC_ASSERT_DEADLOCK;
	int64_t limit = as->ns, nmin = as->n;
	double within = as->within;
	if (c->real_time && bounded && !as->native) {
		r->passed = true;
		snprintf(r->text, sizeof r->text,
		         "skipped on a real machine: the scenario gives no native bound");
		return;
	}
	if (c->real_time && bounded) {
		limit = as->native_ns;
		nmin = as->native_n;
		within = as->native_within;
	}
	if (timed && c->window < 0 && !c->real_time) {
		r->passed = true;
		snprintf(r->text, sizeof r->text,
		         "skipped under window inf: the Ms' clocks are not comparable");
		return;
	}
	/* two Ms' clocks differ by at most the window; real clocks agree */
	int64_t slack = c->real_time ? 0 : c->window;
	switch (as->kind) {
	case SC_ASSERT_ALL_FINISH:
		r->passed = status == TR_COMPLETE;
		snprintf(r->text, sizeof r->text, "all-finish: status %s%s", st,
		         r->passed ? "" : " (expected complete)");
		break;
	case SC_ASSERT_DEADLOCK:
		r->passed = status == TR_DEADLOCK;
		snprintf(r->text, sizeof r->text, "deadlock: status %s%s", st,
		         r->passed ? "" : " (expected deadlock)");
		break;
	case SC_ASSERT_MAX_RUNNABLE_WAIT:
		if (l->max_wait_g == 0) {
			r->passed = false;
			snprintf(r->text, sizeof r->text,
			         "max-runnable-wait %s: no goroutine of that label ever ran "
			         "(expected at most %s)",
			         as->label, tr_fmt_ns(b, sizeof b, limit));
			break;
		}
		r->passed = l->max_wait <= sat_add(limit, slack);
		snprintf(r->text, sizeof r->text,
		         "max-runnable-wait %s = %s, goroutine %" PRId64 " (expected at most %s)",
		         as->label, tr_fmt_ns(a, sizeof a, l->max_wait), l->max_wait_g,
		         tr_fmt_ns(b, sizeof b, limit));
		break;
	case SC_ASSERT_CPU_SHARE: {
		int64_t x = l->running_ns, y = l2->running_ns;
		int64_t hi = x > y ? x : y, lo = x > y ? y : x;
		if (lo == 0) {
			r->passed = false;
			snprintf(r->text, sizeof r->text,
			         "cpu-share %s/%s = inf (%s ran %s, %s ran %s; expected within %g)",
			         as->label, as->label2, as->label, tr_fmt_ns(a, sizeof a, x),
			         as->label2, tr_fmt_ns(b, sizeof b, y), within);
			break;
		}
		double ratio = (double)hi / (double)lo;
		r->passed = ratio <= within;
		snprintf(r->text, sizeof r->text,
		         "cpu-share %s/%s = %.1f (%s ran %s, %s ran %s; expected within %g)",
		         as->label, as->label2, ratio, as->label, tr_fmt_ns(a, sizeof a, x),
		         as->label2, tr_fmt_ns(b, sizeof b, y), within);
		break;
	}
	case SC_ASSERT_FINISH_BEFORE:
		if (l->gs == 0 || l->dead < l->gs) {
			r->passed = false;
			snprintf(r->text, sizeof r->text,
			         "finish-before %s: %" PRId64 " of %" PRId64
			         " goroutines finished (expected all, by %s)",
			         as->label, l->dead, l->gs, tr_fmt_ns(b, sizeof b, limit));
			break;
		}
		r->passed = l->last_dead <= sat_add(limit, slack);
		snprintf(r->text, sizeof r->text, "finish-before %s = %s (expected by %s)",
		         as->label, tr_fmt_ns(a, sizeof a, l->last_dead),
		         tr_fmt_ns(b, sizeof b, limit));
		break;
	case SC_ASSERT_MIN_PARALLELISM:
		r->passed = l->max_running >= nmin;
		snprintf(r->text, sizeof r->text,
		         "min-parallelism %s = %" PRId64
		         " running at once (expected at least %" PRId64 ")",
		         as->label, l->max_running, nmin);
		break;
	case SC_ASSERT_MIN_EVENTS: {
		int k = kind_of(as->kind_name);
		int64_t n = k ? c->counts[k] : 0;
		r->passed = n >= nmin;
		snprintf(r->text, sizeof r->text,
		         "min-events %s = %" PRId64 " (expected at least %" PRId64 ")",
		         as->kind_name, n, nmin);
		break;
	}
	}
}

size_t an_evaluate(struct an_checker *c, enum tr_status status, int64_t end_ns,
                   struct an_result *out)
{
	size_t n = sc_assert_count(c->sc);
	/* close the intervals still open at the end of the run */
	for (size_t i = 0; i < c->ng; i++) {
		struct gslot *g = &c->g[i];
		if (g->label < 0)
			continue;
		struct label *l = &c->labels[g->label];
		if (g->running) {
			l->running_ns += span(g->since, end_ns);
			l->running_now--;
			g->running = false;
		} else if (g->runnable) {
			int64_t w = span(g->since, end_ns);
			if (w > l->max_wait || l->max_wait_g == 0) {
				l->max_wait = w > l->max_wait ? w : l->max_wait;
				l->max_wait_g = (int64_t)i;
			}
			g->runnable = false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct an_result *r = &out[i];
		*r = (struct an_result){.as = sc_assert_get(c->sc, i)};
		if (status == TR_STEP_LIMIT || status == TR_TIME_LIMIT) {
			r->passed = true;
			snprintf(r->text, sizeof r->text,
			         "skipped: the run stopped at a limit (%s)",
			         tr_status_name(status));
			continue;
		}
		check(c, r->as, status, r);
	}
	return n;
}

int an_exit_status(const struct sc_scenario *sc, enum tr_status status, const struct an_result *res,
                   size_t n)
{
	if (status == TR_STEP_LIMIT || status == TR_TIME_LIMIT)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!res[i].passed)
			return 1;
	if (status == TR_COMPLETE)
		return 0;
	if (status == TR_DEADLOCK)
		for (size_t i = 0; i < sc_assert_count(sc); i++)
			if (sc_assert_get(sc, i)->kind == SC_ASSERT_DEADLOCK)
				return 0;
	return 1;
}
