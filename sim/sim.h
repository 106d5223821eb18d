/*
 * sim.h - the virtual backend: run a program, or a set of plain threads,
 * in the deterministic discrete-event engine.
 *
 * One run at a time per process (the scheduler's state is global, as in
 * Go).  Everything that influences a run is in struct sim_config; the
 * engine reads no clock, address or hash order, so equal configs give
 * equal event streams.
 */
#ifndef GSCHED_SIM_SIM_H
#define GSCHED_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "tr.h"

#define SIM_WINDOW_INF (-1)

/* Virtual time saturates here (2^61 ns, 73 years): clocks never overflow,
 * whatever cost, sleep or deadline a run is given. */
#define SIM_TIME_MAX (INT64_C(1) << 61)
/* A window at or above this bound (or negative) is free interleaving
 * (SIM_WINDOW_INF): two clocks can never be further apart than
 * SIM_TIME_MAX, so such a window already admits every thread. */
#define SIM_WINDOW_MAX SIM_TIME_MAX

/* One decision of the strategy: it picked `pick` among `n` eligible
 * threads (in the engine's eligible-set order). */
struct sim_decision {
	uint32_t n, pick;
};

struct sim_config {
	uint64_t seed;
	int64_t window_ns;          /* 0: discrete-event order; SIM_WINDOW_INF (or any value < 0 or
	                               >= SIM_WINDOW_MAX): free interleaving */
	int64_t max_steps;          /* stop after this many yield points (0: no limit) */
	int64_t max_time_ns;        /* stop when virtual time passes this (0: no limit) */
	struct tr_sink *sink;       /* may be NULL: events are only hashed and counted */
	const struct rt_config *rt; /* the runtime's policies (runtime/config.h); NULL: Go's */
	int32_t ncpu;               /* CPUs of the simulated machine (plat_ncpu); 0: the program's
	                               GOMAXPROCS, at least 2 */

	/* Schedules: record every decision into the result, and/or replay a
	 * recorded list instead of drawing from the strategy's stream.  A
	 * replay departs when a decision no longer applies (a different
	 * number of eligible threads, or more decisions than recorded): the
	 * run then stops with status departed, or, with replay_continue,
	 * goes on drawing from the seed's strategy stream. */
	bool record;
	const struct sim_decision *replay;
	size_t nreplay;
	bool replay_continue;
};

struct sim_result {
	enum tr_status status;
	char message[256];             /* why the run ended, for anything but complete */
	struct tr_stats stats;         /* hash, counts, end time */
	int64_t steps;                 /* yield points executed */
	int64_t decisions;             /* strategy choices among more than one thread */
	int32_t threads;               /* virtual threads created (Ms, or plain threads) */
	struct sim_decision *schedule; /* with cfg.record: every decision, in order (free()) */
	size_t nschedule;
	int64_t departed_decision; /* replay: index of the first decision that did not apply, or -1
	                            */
	uint64_t departed_event;   /* replay: events emitted before it */
};

/* The PRNG streams derived from a run's seed. */
enum sim_stream {
	SIM_STREAM_STRATEGY = 1,
	SIM_STREAM_FASTRAND = 2, /* one per M: index = M id */
	SIM_STREAM_WORKLOAD = 3,
};
uint64_t sim_stream_seed(uint64_t seed, enum sim_stream stream, uint64_t index);

/* Run mainfn(arg) as the main goroutine of a program with gomaxprocs Ps.
 * Returns the exit status a CLI should use: 0 complete (or stopped at a
 * limit), 1 deadlock or violation. */
int sim_run_program(const struct sim_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                    void *arg, struct sim_result *res);

/* Run n plain functions as virtual threads (no scheduler): for tests of
 * lock-free code under explored interleavings.  Same return values. */
int sim_run_threads(const struct sim_config *cfg, int n, void (*const fns[])(void *),
                    void *const args[], struct sim_result *res);

/* The virtual time of the calling virtual thread (tests). */
int64_t sim_now(void);

#endif
