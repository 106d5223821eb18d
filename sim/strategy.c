/*
 * strategy.c - the exploration strategies beside the random walk: PCT,
 * swarm, and the non-preemptive default of the bounded search.  The
 * engine calls sim_strat_pick at a decision (two or more candidates)
 * when the run's strategy is one of these; it records and replays the
 * picks itself, so a run under any strategy replays from its decision
 * list alone.
 *
 * PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte: "A Randomized
 * Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
 * Each thread gets a random priority when it is first a candidate (the
 * engine's threads are created as the run goes, so the draw is lazy, in
 * the order threads first show up: deterministic).  At every decision
 * the candidate with the highest priority runs.  d - 1 change points are
 * drawn uniformly among the first `steps` decisions; at the i-th, the
 * thread that would run drops to priority d - i, below every initial
 * priority, and the next highest runs instead.  A bug of depth d is then
 * found with probability at least 1/(n k^(d-1)) per run for n threads and
 * k steps, where a random walk's chance shrinks exponentially with the
 * length of the run.  The paper counts every step; we count decisions
 * (the engine's steps where more than one thread could run), which is
 * what k estimates (cli_run measures it with a random-walk run).
 *
 * PCT under a window above 0 (docs/exploration.md, "PCT under a
 * window").  The paper's setting is free interleaving, where a priority
 * can hold a thread back for as long as a bug needs, which a random walk
 * does with a chance exponentially small in the length of the hold.  A
 * window of w ns lets no thread fall more than w behind the earliest, so
 * no hold is longer than w, and what the window leaves to decide is the
 * order of operations within w of each other: which of one thread's
 * operations fall between two of another's.  There a strict priority
 * order (and any rule that runs threads in clock order shifted by a lag)
 * puts another thread's operations into such a gap only at a change
 * point, 1 in k decisions, where a random walk does it at every pass of
 * the workload through the race.  So under such a window PCT draws
 * uniformly among the candidates no change point demoted, and a change
 * point demotes the thread only until it next runs: it then falls the
 * whole window behind, the longest hold the window allows (a random walk
 * rarely holds a thread that long).  Under free interleaving PCT is the
 * paper's among the candidates within SIM_FREE_LAG_NS of the
 * earliest (the engine's strategy_pick drops the others): no priority
 * keeps a thread whose time has come, such as sysmon, off every core.
 *
 * PCT under window 0 (docs/exploration.md, "PCT under window 0").  The
 * earliest thread runs alone; a decision is a tie of clocks, a few a run
 * under the noise model, so change points over decisions do nothing, and
 * no priority can hold a thread back without moving its clock.  A change
 * point there is a hold: the thread about to run is held back
 * SIM_PCT_HOLD_NS, as though the OS had taken its core, and the other
 * threads within that much of it run first.  The change points are
 * spread over the hold points: the yield points where the earliest
 * thread is about to write shared memory (a store or a read-modify-write)
 * while another thread is within SIM_PCT_HOLD_NS; k is their number in a
 * run of seed 0 without change points (cli_pct_steps).  A hold elsewhere
 * reorders nothing (no other thread is near), and a hold before a read
 * only makes the read see a later, usually the benign, value: the lost
 * wake-ups of a scheduler need a thread's write (a spinning count, a
 * queue's tail, a status) to land after another thread acted on the old
 * value.  Ties are decided by priority, as in the paper.  Of k hold
 * points, the one that triggers a bug of depth 2 is hit with probability
 * at least 1/k per change point, as the paper's argument has it, and a
 * workload that passes through its race many times offers that many.
 *
 * Swarm (Groce et al., "Swarm Testing", ISSTA 2012).  Each seed draws a
 * configuration, then walks randomly within it: the window (0, 1 us,
 * 20 us or free interleaving); for each kind of yield point (enum
 * sim_ykind), whether it may switch threads: at a yield point of a kind
 * turned off, the yielding thread goes on if it is a candidate; and how
 * often the OS takes a thread's core away, and for how long (the noise
 * model's OS preemption, noise.h: as configured, or means of 15 ms and
 * 2 ms, 200 us and 20 us, or 1 ms and 100 us).  Leaving features out
 * makes some interleavings far likelier than under one fixed
 * configuration, and a thread off its core between two operations of
 * the scheduler turns a window of nanoseconds into one of microseconds,
 * as a descheduled thread does on a real machine.  The engine tells the
 * run's observer (the oracles) the window drawn.
 *
 * Non-preemptive: the yielding thread goes on while it is a candidate,
 * else the first candidate.  The bounded search (cli/explore.c) replays a
 * prefix of decisions and lets this finish the run, so that a schedule's
 * preemptions are the ones its prefix chose.
 *
 * Alternatives not taken under window 0: hold points at every yield
 * point with another thread near, at loads too, or at lock operations
 * (each found the window-0 races less often than writes alone), and a
 * hold of 0.5, 10 or 50 us, or just past the next thread's clock (about
 * as often as 2 us).  Under window 0 and above, more change points than
 * d - 1 (a larger --depth) find the window-0 races more often and the
 * window's less (docs/exploration.md has the figures).
 *
 * Alternatives not taken: PCT priorities by M id drawn up front (the
 * number of threads is not known at the start); change points over steps
 * rather than decisions (most steps have a single candidate under a
 * finite window, where a change point would do nothing); under a window,
 * the highest priority first (the thread of highest priority runs the
 * window ahead of the others all run long), a lag within the window per
 * thread (clock + lag order), redrawn per stretch of virtual time or
 * with random delays per decision, and holds at a rate per decision:
 * each found the window's races less often than the random walk
 * (docs/exploration.md has the figures).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

#include "cost.h"
#include "sim.h"
#include "tr.h"

const char *const sim_ykind_names[SIM_Y_COUNT] = {
#define SIM_YKIND_NAME(id, name) [SIM_Y_##id] = name,
        SIM_YKINDS(SIM_YKIND_NAME)
#undef SIM_YKIND_NAME
};

static uint64_t next64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint32_t sim_draw(uint64_t *rng, uint32_t n)
{
	return (uint32_t)(((next64(rng) >> 32) * n) >> 32);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void sim_strat_begin(struct sim_strat *st, const struct sim_strategy *cfg, uint64_t *rng,
                     int64_t *window, struct sim_noise *noise)
{
	memset(st, 0, sizeof *st);
	st->kind = cfg->kind;
	if (st->kind == SIM_STRATEGY_PCT) {
		st->depth = cfg->depth < 1                   ? 1
		            : cfg->depth > SIM_PCT_MAX_DEPTH ? SIM_PCT_MAX_DEPTH
		                                             : cfg->depth;
		int64_t k = cfg->steps < 1 ? 1 : cfg->steps;
		st->nchange = st->depth - 1;
		for (int i = 0; i < st->nchange; i++)
			st->change[i] = (int64_t)(next64(rng) % (uint64_t)k);
		qsort(st->change, (size_t)st->nchange, sizeof st->change[0], cmp_i64);
		st->walk = *window > 0 && *window < SIM_WINDOW_MAX;
		st->hold = *window == 0;
	} else if (st->kind == SIM_STRATEGY_SWARM) {
		static const int64_t windows[] = {0, 1000, SIM_SWARM_HOLD_NS, SIM_WINDOW_INF};
		*window = windows[sim_draw(rng, 4)];
		st->mask = (uint32_t)(next64(rng) >> 40) & ((1u << SIM_Y_COUNT) - 1);
		/* How often the OS takes a core away, and for how long (means):
		 * as configured, or one of three profiles (a loaded 2-core
		 * machine, and two harsher ones).  A thread off its core between
		 * two operations of the scheduler widens the window between
		 * them from nanoseconds to microseconds. */
		static const int64_t os[][2] = {
		        {0, 0}, {15000000, 2000000}, {200000, 20000}, {1000000, 100000}};
		uint32_t k = sim_draw(rng, 4);
		if (k > 0) {
			noise->os = true;
			noise->os_gap = os[k][0];
			noise->os_away = os[k][1];
		}
	}
}

/* A thread's PCT priority, drawn the first time it is a candidate:
 * above every value a change point gives (those are < depth). */
static uint64_t prio(struct sim_strat *st, int id, uint64_t *rng)
{
	if (id >= st->nprio) {
		int n = st->nprio ? st->nprio : 8;
		while (n <= id)
			n *= 2;
		uint64_t *p = realloc(st->prio, (size_t)n * sizeof *p);
		uint64_t *s = realloc(st->saved, (size_t)n * sizeof *s);
		if (!p || !s)
			abort(); /* a few words per thread */
		memset(p + st->nprio, 0, (size_t)(n - st->nprio) * sizeof *p);
		st->prio = p;
		st->saved = s;
		st->nprio = n;
	}
	if (st->prio[id] == 0)
		st->prio[id] = (next64(rng) | (UINT64_C(1) << 63)) >> 1 | SIM_PCT_MAX_DEPTH;
	return st->prio[id];
}

/* A priority a change point gave (below every initial one). */
static bool demoted(uint64_t p)
{
	return p < (uint64_t)SIM_PCT_MAX_DEPTH;
}

/* PCT's pick among the candidates: the highest priority; under a
 * window above 0, a uniform draw among those no change point demoted
 * (the head comment says why), the highest priority when fewer than
 * two are left. */
static uint32_t pct_pick(struct sim_strat *st, uint32_t n, const int *ids, uint64_t *rng)
{
	uint32_t best = 0, up = 0;
	uint64_t bp = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t p = prio(st, ids[i], rng);
		up += !demoted(p);
		if (i == 0 || p > bp || (p == bp && ids[i] < ids[best])) {
			best = i;
			bp = p;
		}
	}
	if (!st->walk || up < 2)
		return best;
	uint32_t k = sim_draw(rng, up);
	for (uint32_t i = 0; i < n; i++)
		if (!demoted(st->prio[ids[i]]) && k-- == 0)
			return i;
	return best; /* not reached: k < up */
}

uint32_t sim_strat_pick(struct sim_strat *st, uint32_t n, const int *ids, int cur,
                        enum sim_ykind ykind, int64_t decision, uint64_t *rng)
{
	switch (st->kind) {
	case SIM_STRATEGY_PCT: {
		/* Under a window, a demotion lasts until the thread ran again:
		 * the window let it fall at most a window behind. */
		if (st->walk && cur >= 0 && ids[cur] < st->nprio && st->prio[ids[cur]] != 0 &&
		    demoted(st->prio[ids[cur]]))
			st->prio[ids[cur]] = st->saved[ids[cur]];
		uint32_t pick = pct_pick(st, n, ids, rng);
		/* Several change points may fall on one decision.  Under
		 * window 0 they fall on hold points instead (sim_strat_hold). */
		while (!st->hold && st->nextchange < st->nchange &&
		       st->change[st->nextchange] <= decision) {
			st->nextchange++;
			if (!demoted(st->prio[ids[pick]]))
				st->saved[ids[pick]] = st->prio[ids[pick]];
			st->prio[ids[pick]] = (uint64_t)(st->depth - st->nextchange);
			pick = pct_pick(st, n, ids, rng);
		}
		return pick;
	}
	case SIM_STRATEGY_SWARM:
		if (cur >= 0 && !(st->mask >> ykind & 1))
			return (uint32_t)cur;
		return sim_draw(rng, n);
	case SIM_STRATEGY_NONPREEMPTIVE:
		return cur >= 0 ? (uint32_t)cur : 0;
	case SIM_STRATEGY_RANDOM:
		break;
	}
	return sim_draw(rng, n);
}

bool sim_strat_hold(struct sim_strat *st, int64_t point)
{
	bool hold = false;
	while (st->nextchange < st->nchange && st->change[st->nextchange] <= point) {
		st->nextchange++;
		hold = true;
	}
	return hold;
}

void sim_strat_end(struct sim_strat *st)
{
	free(st->prio);
	free(st->saved);
	memset(st, 0, sizeof *st);
}

void sim_swarm_describe(const struct sim_result *res, char *buf, size_t len)
{
	char w[32], gap[32], away[32];
	if (res->window_ns < 0 || res->window_ns >= SIM_WINDOW_MAX)
		snprintf(w, sizeof w, "inf");
	else
		tr_fmt_ns(w, sizeof w, res->window_ns);
	size_t n = (size_t)snprintf(buf, len, "window %s; may switch at", w);
	int any = 0;
	for (int k = 0; k < SIM_Y_COUNT && n < len; k++)
		if (res->ymask >> k & 1)
			n += (size_t)snprintf(buf + n, len - n, "%s %s", any++ ? "," : "",
			                      sim_ykind_names[k]);
	if (!any && n < len)
		n += (size_t)snprintf(buf + n, len - n, " none of the kinds");
	if (n >= len)
		return;
	if (res->os_away_ns > 0)
		snprintf(buf + n, len - n, "; the OS takes a core for %s every %s (means)",
		         tr_fmt_ns(away, sizeof away, res->os_away_ns),
		         tr_fmt_ns(gap, sizeof gap, res->os_gap_ns));
	else
		snprintf(buf + n, len - n, "; the OS never takes a core");
}
