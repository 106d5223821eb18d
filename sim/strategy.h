/*
 * strategy.h - the strategies other than the random walk (strategy.c):
 * how the engine's one choice point (engine.c, strategy_pick) picks the
 * thread to run next when a run is configured with one of them.
 *
 * The engine keeps the random walk inline (a uniform draw from the
 * strategy stream), so that a run without a strategy configured draws
 * exactly what it always drew; everything here runs only when
 * sim_config.strategy.kind says so.
 */
#ifndef GSCHED_SIM_STRATEGY_H
#define GSCHED_SIM_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#include "noise.h"
#include "sim.h"

/* The state of one run's strategy (one run at a time per process). */
struct sim_strat {
	enum sim_strategy_kind kind;
	/* pct */
	int32_t depth;
	bool walk;       /* a finite window above 0: a random walk among the undemoted */
	bool hold;       /* window 0: change points hold a thread back (sim_strat_hold) */
	uint64_t *prio;  /* by thread id; 0: not drawn yet */
	uint64_t *saved; /* by thread id: the priority a change point took away */
	int nprio;
	int64_t change[SIM_PCT_MAX_DEPTH]; /* decision indices, ascending */
	int nchange, nextchange;
	/* swarm */
	uint32_t mask; /* bit k: yield points of kind k may switch threads */
};

/* Swarm's longest hold: at a yield point of a kind turned off, the
 * yielding thread goes on only while no other candidate's clock is more
 * than this behind its own; past it the walk draws as usual.  It is the
 * widest finite window swarm draws, so under those windows the rule
 * never applies; under free interleaving it keeps the mask from holding
 * a thread on for ever while another one waits to run (a sleeper whose
 * time has come, such as sysmon, or an M woken from its note): no OS
 * leaves a runnable thread off every core while another runs for
 * hundreds of milliseconds. */
#define SIM_SWARM_HOLD_NS 20000

/* The same bound for the other strategies under free interleaving:
 * PCT picks by priority among the candidates within this much of the
 * earliest one (engine.c, strategy_pick), and the non-preemptive choice
 * (the bounded search, shrink) gives way to the earliest candidate once
 * it is this much ahead (fair_default), so that no thread whose time has
 * come is kept off every core while another runs on. */
#define SIM_FREE_LAG_NS SIM_SWARM_HOLD_NS

/* Set up st for cfg at the start of a run; rng is the strategy stream.
 * May change *window and how often the OS takes cores away in *noise
 * (swarm draws both). */
void sim_strat_begin(struct sim_strat *st, const struct sim_strategy *cfg, uint64_t *rng,
                     int64_t *window, struct sim_noise *noise);
/* The pick among n >= 2 candidates: ids[i] is candidate i's thread id,
 * cur the index of the yielding thread among them or -1, ykind the kind
 * of the yield point (enum sim_ykind), decision the decision's index. */
uint32_t sim_strat_pick(struct sim_strat *st, uint32_t n, const int *ids, int cur,
                        enum sim_ykind ykind, int64_t decision, uint64_t *rng);
/* PCT under window 0: whether the thread about to run at hold point
 * `point` (counted from 0: the earliest thread about to write shared
 * memory with another eligible thread within SIM_PCT_HOLD_NS) is held
 * back: one of the change points falls on it. */
bool sim_strat_hold(struct sim_strat *st, int64_t point);
void sim_strat_end(struct sim_strat *st);

/* A uniform draw in [0, n) from a splitmix64 stream. */
uint32_t sim_draw(uint64_t *rng, uint32_t n);

#endif
