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
#include <stdio.h>

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
 * threads (in the engine's eligible-set order).  cur is set only in a
 * run's own record (sim_result.schedule): the index of the thread that
 * yielded among the candidates, or -1 when it was not one; a replayed
 * list's cur is ignored, and stored schedules do not keep it. */
struct sim_decision {
	uint32_t n, pick;
	int32_t cur;
};

/* How the strategy picks at a decision (strategy.c).  The random walk
 * is the default and the engine's own; a run's strategy is part of what
 * its trace hash depends on. */
enum sim_strategy_kind {
	SIM_STRATEGY_RANDOM = 0,    /* a uniform draw from the strategy stream */
	SIM_STRATEGY_PCT,           /* PCT (Burckhardt et al., ASPLOS 2010): random thread
	                               priorities, the highest runs; depth-1 change points over the
	                               first `steps` decisions each demote the thread about to run */
	SIM_STRATEGY_SWARM,         /* each seed draws a window and which kinds of yield point may
	                               switch threads, then walks randomly */
	SIM_STRATEGY_NONPREEMPTIVE, /* the yielding thread goes on while it is a candidate, else
	                               the first candidate: the default schedule of the bounded
	                               search (cli/explore.c) past its replayed prefix */
};
#define SIM_PCT_MAX_DEPTH 16
/* PCT under window 0: how long a change point holds the thread about to
 * run back, and how near another thread's clock must be for a yield
 * point to be a hold point (docs/exploration.md, "PCT under window 0"). */
#define SIM_PCT_HOLD_NS 2000

struct sim_strategy {
	enum sim_strategy_kind kind;
	int32_t depth; /* pct: d >= 1 (d - 1 change points) */
	int64_t steps; /* pct: the decisions a run is expected to take (>= 1); under window 0,
	                  the hold points */
};

/* The kinds of yield point, as swarm turns them on and off (the name is
 * what `swarm drew:` and docs/exploration.md call it).  Kind k is bit k
 * of the mask swarm draws: reordering them changes what a seed draws. */
#define SIM_YKINDS(X)                                                                              \
	X(ATOMIC, "atomic") /* atomic loads and stores */                                          \
	X(RMW, "rmw")       /* CAS, xadd, xchg, or, and */                                         \
	X(LOCK, "lock")     /* runtime lock and unlock */                                          \
	X(NOTE, "note")     /* noteclear, notesleep, notetsleep, notewakeup */                     \
	X(TIME, "time")     /* nanotime, usleep, osyield, procyield */                             \
	X(WORK, "work")     /* spend chunks and syscalls */                                        \
	X(THREAD, "thread") /* newosproc, signalM */

enum sim_ykind {
#define SIM_YKIND_ENUM(id, name) SIM_Y_##id,
	SIM_YKINDS(SIM_YKIND_ENUM)
#undef SIM_YKIND_ENUM
	        SIM_Y_COUNT
};
extern const char *const sim_ykind_names[SIM_Y_COUNT];

/*
 * An observer of a run: sees every event after the sink, and may end the
 * run as a violation with sim_violation() from inside either callback.
 * The oracles (oracle.c) are one.  An observer only watches: unless it
 * ends the run, the event stream and its hash are the same without it.
 */
struct sim_observer {
	void (*event)(struct sim_observer *o, const struct rt_event *ev);
	/* No thread is eligible: the run is about to end as a deadlock. */
	void (*stuck)(struct sim_observer *o);
	/* Every thread is blocked or asleep (usleep, a timed note sleep, a
	 * system call): nothing runs until a sleeper's time comes.  Called
	 * as the last running thread blocks or goes to sleep.  May be NULL. */
	void (*quiet)(struct sim_observer *o);
	/* The run's window, before its first event: the configured one, or
	 * the one the swarm strategy drew.  May be NULL. */
	void (*window)(struct sim_observer *o, int64_t window_ns);
	/* Which events the engine passes to event(): one whose kind k has
	 * bit k of `kinds` set, one at time `at` or later, or one seen past
	 * `steps` scheduler steps (sim_sched_steps); the others it skips,
	 * without a call.  Zero (as calloc leaves them): every event.  The
	 * observer sets these; the engine reads them at every event. */
	uint64_t kinds;
	int64_t at;
	int64_t steps;
	/* Set by the engine: sim_sched_steps() at the latest event that was
	 * not a violation, passed or skipped (inside event(), the one before
	 * the event passed). */
	int64_t ev_steps;
};

struct sim_config {
	uint64_t seed;
	int64_t window_ns;    /* 0: discrete-event order; SIM_WINDOW_INF (or any value < 0 or
	                         >= SIM_WINDOW_MAX): free interleaving */
	int64_t max_steps;    /* stop after this many yield points (0: no limit) */
	int64_t max_time_ns;  /* stop when virtual time passes this (0: no limit) */
	struct tr_sink *sink; /* may be NULL: events are only hashed and counted */
	struct sim_observer *observer; /* may be NULL */
	const struct rt_config *rt;    /* the runtime's policies (runtime/config.h); NULL: Go's */
	int32_t ncpu;       /* CPUs of the simulated machine (plat_ncpu); 0: the program's
	                       GOMAXPROCS, at least 2 */
	bool noise_off;     /* the noise model (noise.h) off: every cost exactly cost.h's */
	const int64_t *fit; /* NULL: cost.h's SIM_FIT_PARAMS; else SIM_FIT_MAX figures, in
	                       that order (sim_fit_load: --cost, GSCHED_COST) */
	FILE *out;          /* the program's output (plat_print: schedtrace), or NULL: dropped */
	int64_t mem_limit;  /* bytes the program may hold, its stacks and the runtime's objects
	                       (plat_stackalloc, plat_alloc): past it the run ends with status oom,
	                       as on a machine with that much memory; 0: the machine's */

	/* Schedules: record every decision into the result, and/or replay a
	 * recorded list instead of drawing from the strategy's stream.  A
	 * replay departs when a decision no longer applies (a different
	 * number of eligible threads, or more decisions than recorded): the
	 * run then stops with status departed, or, with replay_continue,
	 * goes on drawing from the seed's strategy stream. */
	struct sim_strategy strategy; /* zero: the random walk */
	bool record;
	const struct sim_decision *replay;
	size_t nreplay;
	bool replay_continue;
	/* With replay_continue: past the departure, the yielding thread goes
	 * on while it can (the non-preemptive pick) instead of the
	 * strategy's draw.  The strategy still makes its draws at the start
	 * of the run (swarm's window, yield kinds and OS preemption), so a
	 * swarm run is finished inside its own configuration (shrink). */
	bool replay_nonpreemptive;
};

struct sim_result {
	enum tr_status status;
	char message[256];             /* why the run ended, for anything but complete */
	struct tr_stats stats;         /* hash, counts, end time */
	int64_t steps;                 /* yield points executed */
	int64_t decisions;             /* strategy choices among more than one thread */
	int64_t hold_points;           /* pct under window 0: its hold points (SIM_PCT_HOLD_NS) */
	int32_t threads;               /* virtual threads created (Ms, or plain threads) */
	struct sim_decision *schedule; /* with cfg.record: every decision, in order (free()) */
	size_t nschedule;
	int64_t departed_decision; /* replay: index of the first decision that did not apply, or -1
	                            */
	uint64_t departed_event;   /* replay: events emitted before it */
	/* With cfg.record: the decisions that switched away from a yielding
	 * thread that could have gone on (pick != cur >= 0): preemptions, as
	 * CHESS counts them. */
	int64_t preemptions;
	int64_t window_ns; /* the window the run had (swarm draws one) */
	uint32_t ymask;    /* swarm: the kinds of yield point that could switch (bit per kind) */
	int64_t os_gap_ns, os_away_ns; /* the OS taking cores away (means; 0: never) */
};

/* What a swarm run drew, in words: "window inf; may switch at atomic,
 * lock; the OS takes a core for 2 ms every 15 ms" (or "never").  For
 * the summary of `gsched run` and a failure's story. */
void sim_swarm_describe(const struct sim_result *res, char *buf, size_t len);

/* The PRNG streams derived from a run's seed. */
enum sim_stream {
	SIM_STREAM_STRATEGY = 1,
	SIM_STREAM_FASTRAND = 2, /* one per M: index = M id */
	SIM_STREAM_WORKLOAD = 3,
	SIM_STREAM_NOISE = 4, /* the noise model (noise.h) */
};
uint64_t sim_stream_seed(uint64_t seed, enum sim_stream stream, uint64_t index);

/* The figures scripts/calibrate fits (cost.h's SIM_FIT_PARAMS). */
#define SIM_FIT_MAX 8
void sim_fit_defaults(int64_t fit[SIM_FIT_MAX]);
/* The defaults, overridden by spec, "key=ns[,key=ns...]" (NULL or "": none).
 * False, with a message in err, on a malformed spec. */
bool sim_fit_parse(const char *spec, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen);
/* The defaults, overridden by arg: comma-separated items applied left to
 * right, each a key=ns pair or the name of a cost file, whose lines are
 * specs, with '#' comments and blank lines (scripts/calibrate/host writes
 * one): "host.cost,os-away=0" is a host's figures with one changed.  A key
 * given twice among the pairs, or twice in one file, is an error.  False,
 * with a message naming the file and line, the key and what was
 * expected, on bad input. */
bool sim_fit_load(const char *arg, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen);
/* Every figure of fit as a spec, "fresh-g=16000,cold=3500,...", in
 * SIM_FIT_PARAMS order: what a database or golden stores of a run. */
void sim_fit_format(const int64_t fit[SIM_FIT_MAX], char *buf, size_t len);

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

/* For observers, during a run: end it with status violation, after a
 * violation event whose detail is oracle; msg is the run's message. */
_Noreturn void sim_violation(const char *oracle, const char *msg);
/* Yield points executed so far outside the program's own work (its
 * spends and syscalls): the scheduler's steps. */
int64_t sim_sched_steps(void);
/* The latest time of any event of the run so far (the events of several
 * threads are not in time order under a window): for an observer that
 * skips events. */
int64_t sim_event_frontier(void);
/* The longest time within [from, to] that the noise model's OS kept one
 * thread off its core (its last such stretch; 0 with the model off). */
int64_t sim_os_away_within(int64_t from, int64_t to);

/*
 * The oracles (oracle.c): an observer that ends a run as a violation when
 * the scheduler breaks one of its contracts for longer than a bound.
 * A bound of 0 turns its oracle off.  docs/bug-hunting.md says why each
 * default is what it is.
 */
struct sim_bounds {
	int64_t idle_ns;        /* work conservation: a P idle, a goroutine runnable, no M
	                           spinning, for longer than this */
	int64_t starve_ns;      /* starvation: a goroutine runnable this long without running */
	int64_t progress_steps; /* liveness: this many scheduler steps without a goroutine
	                           changing state */
	int64_t timer_ns;       /* timer lateness: a timer run this long after its when */
};
#define SIM_IDLE_BOUND_DEFAULT     INT64_C(1000000)   /* 1 ms */
#define SIM_STARVE_BOUND_DEFAULT   INT64_C(500000000) /* 500 ms */
#define SIM_PROGRESS_BOUND_DEFAULT INT64_C(300000)
#define SIM_TIMER_BOUND_DEFAULT    INT64_C(100000000) /* 100 ms */

/* How close a run came to each bound: the longest stretch seen. */
struct sim_margins {
	int64_t idle_ns, starve_ns, progress_steps, timer_ns;
	int64_t global_ticks;  /* global-queue: most time slices a P started while the
	                          global queue held work, without taking from it */
	int64_t timer_idle_ns; /* timer-conservation: longest an expired timer was left
	                          unrun with a P idle and no M spinning or polling for it */
};

/* A new observer checking b (copied) for a run under window_ns (sim_config's),
 * or NULL out of memory; free with sim_oracles_free.  Lost wake-up (every
 * thread blocked while a goroutine is runnable) has no bound and is always
 * checked.  The time bounds get window_ns of slack (two clocks differ by at
 * most that much) and are not checked under free interleaving, where the
 * clocks of different threads are not comparable (docs/simulator.md). */
struct sim_observer *sim_oracles_new(const struct sim_bounds *b, int64_t window_ns,
                                     int64_t global_check);
void sim_oracles_margins(const struct sim_observer *o, struct sim_margins *out);
void sim_oracles_free(struct sim_observer *o);

#endif
