/*
 * state.c - the G/M/P state at a point of a trace, rebuilt from the
 * events before it: each goroutine's status and last P, each P's status
 * and M, each M's P, current G, spinning and parked flags, and each P's
 * run queue.  check and diff print it where two traces diverge.
 *
 * Invariants and limits:
 *  - It reads events only (the scheduler never reads them back), so it
 *    shows what the trace says, which is what the reader wants when two
 *    traces disagree.
 *  - Statuses, P ownership and spinning are exact: each is carried by an
 *    event.  Run queues are exact for runqput/runqget/steal/globrunqput
 *    of one g; runqputslow and a globrunqget of several move gs the
 *    events do not name, so a queue touched by one is printed with
 *    "(approximate)".  A g that starts running leaves every queue.
 *  - Ids from a corrupt trace cannot overflow anything: ids outside
 *    [0, LIMIT) are ignored.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tr.h"

#define LIMIT (1 << 22) /* largest id tracked, + 1 */
#define SHOWN 24        /* goroutines listed per status */

struct gq {
	int64_t *v;
	size_t n, cap;
};

struct gstate {
	int8_t status; /* Go's _G* value, -1 never seen */
	int32_t lastp, m;
};

struct pstate {
	int8_t status; /* Go's _P* value, -1 never seen */
	bool approx;
	int32_t m;
	int64_t runnext;
	struct gq runq;
};

struct mstate {
	bool seen, spinning, parked;
	int32_t p;
	int64_t g;
};

struct tr_state {
	struct gstate *g;
	size_t ng;
	struct pstate *p;
	size_t np;
	struct mstate *m;
	size_t nm;
	struct gq glob;
	bool glob_approx;
};

static bool grow(void **arr, size_t *n, size_t want, size_t size)
{
	if (want < *n)
		return true;
	if (want >= LIMIT)
		return false;
	size_t nn = *n ? *n : 8;
	while (nn <= want)
		nn *= 2;
	char *a = realloc(*arr, nn * size);
	if (!a)
		return false;
	memset(a + *n * size, 0, (nn - *n) * size);
	*arr = a;
	*n = nn;
	return true;
}

static struct gstate *G(struct tr_state *s, int64_t id)
{
	size_t old = s->ng;
	if (id < 0 || !grow((void **)&s->g, &s->ng, (size_t)id, sizeof *s->g))
		return NULL;
	for (size_t i = old; i < s->ng; i++)
		s->g[i] = (struct gstate){.status = -1, .lastp = -1, .m = -1};
	return &s->g[id];
}

static struct pstate *P(struct tr_state *s, int64_t id)
{
	size_t old = s->np;
	if (id < 0 || !grow((void **)&s->p, &s->np, (size_t)id, sizeof *s->p))
		return NULL;
	for (size_t i = old; i < s->np; i++)
		s->p[i] = (struct pstate){.status = -1, .m = -1};
	return &s->p[id];
}

static struct mstate *M(struct tr_state *s, int64_t id)
{
	size_t old = s->nm;
	if (id < 0 || !grow((void **)&s->m, &s->nm, (size_t)id, sizeof *s->m))
		return NULL;
	for (size_t i = old; i < s->nm; i++)
		s->m[i] = (struct mstate){.p = -1};
	return &s->m[id];
}

static void q_push(struct gq *q, int64_t g)
{
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 16;
		int64_t *v = realloc(q->v, nc * sizeof *v);
		if (!v)
			return;
		q->v = v;
		q->cap = nc;
	}
	q->v[q->n++] = g;
}

static int64_t q_pop(struct gq *q)
{
	if (!q->n)
		return 0;
	int64_t g = q->v[0];
	memmove(q->v, q->v + 1, --q->n * sizeof *q->v);
	return g;
}

static bool q_remove(struct gq *q, int64_t g)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i] == g) {
			memmove(q->v + i, q->v + i + 1, (q->n - i - 1) * sizeof *q->v);
			q->n--;
			return true;
		}
	return false;
}

/* g left its queue (it runs, or died): O(Ps * queue length). */
static void dequeue_everywhere(struct tr_state *s, int64_t g)
{
	for (size_t i = 0; i < s->np; i++) {
		if (s->p[i].runnext == g)
			s->p[i].runnext = 0;
		q_remove(&s->p[i].runq, g);
	}
	q_remove(&s->glob, g);
}

struct tr_state *tr_state_new(void)
{
	return calloc(1, sizeof(struct tr_state));
}

void tr_state_free(struct tr_state *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->np; i++)
		free(s->p[i].runq.v);
	free(s->g);
	free(s->p);
	free(s->m);
	free(s->glob.v);
	free(s);
}

void tr_state_apply(struct tr_state *s, const struct rt_event *ev)
{
	struct mstate *m = M(s, ev->m);
	struct pstate *p;
	struct gstate *g;

	/* The actor: M ev->m holds P ev->p and runs G ev->g. */
	if (m) {
		if (m->p >= 0 && m->p != ev->p && (p = P(s, m->p)) && p->m == ev->m)
			p->m = -1;
		m->seen = true;
		m->p = ev->p;
		m->g = ev->g;
		if ((p = P(s, ev->p)))
			p->m = ev->m;
	}
	switch (ev->kind) {
	case RT_EV_GSTATUS:
		if (!(g = G(s, ev->obj)))
			break;
		g->status = (int8_t)ev->b;
		if (ev->b == 2) { /* running */
			g->lastp = ev->p;
			g->m = ev->m;
			dequeue_everywhere(s, ev->obj);
		} else {
			g->m = -1;
			if (ev->b == 6)
				dequeue_everywhere(s, ev->obj);
		}
		break;
	case RT_EV_PSTATUS:
		if (!(p = P(s, ev->obj)))
			break;
		p->status = (int8_t)ev->b;
		if (ev->b == 0) /* idle: no M holds it */
			p->m = -1;
		break;
	case RT_EV_MSTART:
		if ((m = M(s, ev->obj))) {
			m->seen = true;
			m->p = (int32_t)ev->a;
			m->spinning = ev->b;
		}
		break;
	case RT_EV_MPARK:
		if ((m = M(s, ev->obj)))
			m->parked = true;
		break;
	case RT_EV_MUNPARK:
		if ((m = M(s, ev->obj)))
			m->parked = false;
		break;
	case RT_EV_SPINNING:
		if ((m = M(s, ev->obj)))
			m->spinning = ev->a;
		break;
	case RT_EV_RUNQPUT:
		if (!(p = P(s, ev->a)))
			break;
		dequeue_everywhere(s, ev->obj);
		if (ev->b) { /* into runnext: the old one is kicked to the tail */
			if (p->runnext)
				q_push(&p->runq, p->runnext);
			p->runnext = ev->obj;
		} else {
			q_push(&p->runq, ev->obj);
		}
		break;
	case RT_EV_RUNQGET:
		dequeue_everywhere(s, ev->obj);
		break;
	case RT_EV_RUNQPUTSLOW:
		if (!(p = P(s, ev->obj)))
			break;
		for (int64_t i = 0; i + 1 < ev->a && p->runq.n; i++)
			q_push(&s->glob, q_pop(&p->runq));
		p->approx = s->glob_approx = true; /* the new g is not named */
		break;
	case RT_EV_GLOBRUNQPUT:
		if (ev->a == 1) {
			dequeue_everywhere(s, ev->obj);
			q_push(&s->glob, ev->obj);
		} else {
			s->glob_approx = true;
		}
		break;
	case RT_EV_GLOBRUNQGET:
		dequeue_everywhere(s, ev->obj);
		if (ev->a > 1 && (p = P(s, ev->p))) {
			for (int64_t i = 1; i < ev->a && s->glob.n; i++)
				q_push(&p->runq, q_pop(&s->glob));
			p->approx = true; /* the global queue's order is only as good as it is */
		}
		break;
	case RT_EV_STEAL: {
		/* Grow first: a second P() may move the array under the first. */
		if (!P(s, ev->obj > ev->p ? ev->obj : ev->p))
			break;
		struct pstate *victim = P(s, ev->obj), *thief = P(s, ev->p);
		if (!victim || !thief || victim == thief)
			break;
		for (int64_t i = 0; i < ev->a; i++) {
			int64_t gid = 0;
			if (ev->b && victim->runnext) {
				gid = victim->runnext;
				victim->runnext = 0;
			} else if (victim->runq.n) {
				gid = q_pop(&victim->runq);
			}
			if (gid)
				q_push(&thief->runq, gid);
			else
				thief->approx = true;
		}
		break;
	}
	default:
		break;
	}
}

static const char *gname(int s)
{
	return s >= 0 && s < RT_GSTATUS_COUNT ? rt_gstatus_names[s] : "unknown";
}

static const char *pname(int s)
{
	return s >= 0 && s < RT_PSTATUS_COUNT ? rt_pstatus_names[s] : "unknown";
}

void tr_state_print(const struct tr_state *s, FILE *f, const char *indent)
{
	for (size_t i = 0; i < s->np; i++) {
		const struct pstate *p = &s->p[i];
		if (p->status < 0 && p->m < 0 && !p->runq.n && !p->runnext)
			continue;
		fprintf(f, "%sP%zu %-8s M%s", indent, i, pname(p->status), p->m >= 0 ? "" : "-");
		if (p->m >= 0)
			fprintf(f, "%" PRId32, p->m);
		fprintf(f, "  runnext %" PRId64 "  runq [", p->runnext);
		for (size_t k = 0; k < p->runq.n; k++)
			fprintf(f, "%s%" PRId64, k ? " " : "", p->runq.v[k]);
		fprintf(f, "]%s\n", p->approx ? " (approximate)" : "");
	}
	fprintf(f, "%sglobal runq [", indent);
	for (size_t k = 0; k < s->glob.n; k++)
		fprintf(f, "%s%" PRId64, k ? " " : "", s->glob.v[k]);
	fprintf(f, "]%s\n", s->glob_approx ? " (approximate)" : "");
	for (size_t i = 0; i < s->nm; i++) {
		const struct mstate *m = &s->m[i];
		if (!m->seen)
			continue;
		fprintf(f, "%sM%zu P%s", indent, i, m->p >= 0 ? "" : "-");
		if (m->p >= 0)
			fprintf(f, "%" PRId32, m->p);
		fprintf(f, " g%" PRId64 "%s%s\n", m->g, m->spinning ? " spinning" : "",
		        m->parked ? " parked" : "");
	}
	/* Goroutines by status: the first SHOWN of each, "goid/lastP". */
	for (int st = -1; st < RT_GSTATUS_COUNT; st++) {
		size_t count = 0;
		for (size_t i = 0; i < s->ng; i++)
			count += s->g[i].status == st && i > 0;
		if (!count || st == -1)
			continue;
		fprintf(f, "%sG %s (%zu):", indent, gname(st), count);
		if (st == 6) { /* dead: the count says enough */
			fputc('\n', f);
			continue;
		}
		size_t shown = 0;
		for (size_t i = 1; i < s->ng && shown < SHOWN; i++) {
			const struct gstate *g = &s->g[i];
			if (g->status != st)
				continue;
			shown++;
			fprintf(f, " %zu/P", i);
			if (g->lastp >= 0)
				fprintf(f, "%" PRId32, g->lastp);
			else
				fputc('-', f);
			if (g->m >= 0)
				fprintf(f, "/M%" PRId32, g->m);
		}
		fprintf(f, "%s\n", count > shown ? " ..." : "");
	}
}
