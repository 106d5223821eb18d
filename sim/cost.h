/*
 * cost.h - the simulator's cost model: virtual nanoseconds charged for
 * each platform operation (docs/simulator.md explains each figure).
 *
 * The figures are order-of-magnitude costs of the real operation on a
 * current x86-64 server core: an uncontended atomic RMW is a few ns, a
 * futex wake is a system call (~0.5 us for the waker) and a thread woken
 * from futex_wait starts running some microseconds later.  Code between
 * platform operations is free: the model charges synchronisation, not
 * instructions, so relative timings of scheduler paths are meaningful
 * and absolute ones are approximate.
 *
 * The code between operations is charged per path (cost_work[], the
 * kinds of runtime/platform.h's plat_work), and the noise model
 * (noise.h) draws each charge around these figures unless it is off.
 */
#ifndef GSCHED_SIM_COST_H
#define GSCHED_SIM_COST_H

#include <stdint.h>

#include "platform.h"

/* The figures of the platform operations, one table: the constant, its
 * ns and what it is.  docs/simulator.md's table of the cost model names
 * each one (tests/check_sim.c checks the two agree). */
#define SIM_COSTS(X)                                                                               \
	X(COST_LOAD, 1)                /* atomic load (plain or acquire) */                        \
	X(COST_STORE, 1)               /* atomic store (plain or release) */                       \
	X(COST_RMW, 5)                 /* cas, xadd, xchg, or, and */                              \
	X(COST_LOCK, 12)               /* uncontended runtime lock: a CAS on a cached line */      \
	X(COST_UNLOCK, 6)              /* runtime unlock: an xchg */                               \
	X(LOCK_SPIN_NS, 1000)          /* lock_futex's spin phase: 4 x procyield(30), osyield */   \
	X(COST_LOCK_SPIN_ACQUIRE, 20)  /* a spinning waiter takes a lock just released */          \
	X(COST_NOTECLEAR, 1)           /* noteclear */                                             \
	X(COST_NOTESLEEP, 200)         /* futex_wait system call entry */                          \
	X(COST_NOTEWAKEUP, 500)        /* futex_wake system call, charged to the waker */          \
	X(WAKE_LATENCY, 5000)          /* futex_wake -> the sleeper runs */                        \
	X(COST_NANOTIME, 20)           /* vDSO clock_gettime */                                    \
	X(COST_OSYIELD, 300)           /* sched_yield system call */                               \
	X(COST_PROCYIELD, 5)           /* per PAUSE instruction */                                 \
	X(COST_NEWOSPROC, 10000)       /* clone() for the caller */                                \
	X(THREAD_START_LATENCY, 20000) /* clone() -> new thread runs */                            \
	X(COST_CTX_MAKE, 50)           /* gostartcallfn: a fresh context (the rest: NEWPROC) */    \
	X(COST_CTX_SWITCH, 8)          /* gogo / mcall: a few registers saved and loaded */        \
	X(COST_PREEMPTM, 1000)         /* tgkill of SIGURG, charged to the sender */

/* The constants: COST_LOAD and the rest are int, as the #defines they were. */
enum sim_cost {
#define SIM_COST_ENUM(name, ns) name = ns,
	SIM_COSTS(SIM_COST_ENUM)
#undef SIM_COST_ENUM
};

/* The scheduler code between platform operations, per path (plat_work):
 * ns of one Go 1.21 path on a current x86-64 core, less the platform
 * operations on it, which are charged above.  scripts/calibrate/run sets
 * the bench workloads beside Go with these figures.  WAITALL is not code
 * but the atomic add of gsched's count of live goroutines (runtime/proc.c,
 * waitall_add), charged as the RMW it is without its yield point. */
static const int64_t cost_work[PLAT_WORK_N] = {
        [PLAT_WORK_SCHEDULE] = 8,    [PLAT_WORK_FINDRUNNABLE] = 5,   [PLAT_WORK_STEAL_TRY] = 5,
        [PLAT_WORK_RUNQSTEAL] = 20,  [PLAT_WORK_NEWPROC] = 150,      [PLAT_WORK_GOEXIT] = 60,
        [PLAT_WORK_PARK] = 8,        [PLAT_WORK_READY] = 5,          [PLAT_WORK_CHANOP] = 5,
        [PLAT_WORK_SELECT] = 10,     [PLAT_WORK_SELECT_CASE] = 5,    [PLAT_WORK_SELECT_WAKE] = 10,
        [PLAT_WORK_TIMER_HEAP] = 10, [PLAT_WORK_CHECK_TIMERS] = 20,  [PLAT_WORK_RUN_TIMER] = 30,
        [PLAT_WORK_SYSMON] = 150,    [PLAT_WORK_WAITALL] = COST_RMW, [PLAT_WORK_PREEMPTONE] = 70,
};

/* The noise model (noise.h), on unless a run turns it off. */
#define NOISE_SPEND_PCT       3     /* a spend takes its ns +-3%, uniform */
#define NOISE_WAKE_FLOOR_PCT  40    /* of WAKE_LATENCY fixed; the rest drawn, mean kept */
#define NOISE_TIMER_SLACK_MIN 40000 /* a timed sleep ends at least this late (timer slack) */
#define NOISE_TIMER_SLACK     20000 /* ... plus up to this, uniform */
/* A run's machine: every spend of the run at a speed drawn once per run,
 * Laplace-shaped around 1 with this mean deviation in parts per million
 * (fitted to Go's makespan from process to process under SCHED_FIFO on
 * the host of 2026-12-03; docs/simulator.md, "The noise model"). */
#define NOISE_RUN_SPEED_PPM 5000

/* The figures scripts/calibrate fits to Go measured on a host
 * (docs/simulator.md, "The fitted figures"), one table: the key a run may
 * override them by (`gsched run --cost`, sim_config.fit, GSCHED_COST for
 * a C program), the default, the least value a run may give, and what
 * the figure is.  The defaults are the figures of the 2-core machine the
 * simulator was first fitted on; a cost file (scripts/calibrate/host)
 * carries another host's.  Every other figure above is set by hand. */
#define SIM_FIT_PARAMS(X)                                                                          \
	/* plat_stackalloc: a goroutine made from fresh memory (malg, or gfget                     \
	 * of a g whose stack was freed): Go allocates the g and its stack and                     \
	 * faults their pages in; a g reused from a free list costs nothing of                     \
	 * it */                                                                                   \
	X(FRESH_G, "fresh-g", 16000, 0)                                                            \
	/* a goroutine resumed after COLD_FULL or more of not running (parked                      \
	 * or waiting for a P) pays COLD: Go's timer fires 0.5 us late after a                     \
	 * 0.2 ms sleep, 1.1 us after 9 ms, 3-5 us after 12-40 ms (flooded P) */                   \
	X(COLD, "cold", 3500, 0)                                                                   \
	X(COLD_FULL, "cold-full", 10000000, 1)                                                     \
	/* the noise model: mean running time between two losses of the core                       \
	 * (at least 1 us: a shorter one would stall the run), and mean time                       \
	 * off it (0: the OS never takes a core) */                                                \
	X(OS_GAP, "os-gap", 60000000, 1000)                                                        \
	X(OS_AWAY, "os-away", 1000000, 0)

enum sim_fit {
#define SIM_FIT_ENUM(id, key, def, min) SIM_FIT_##id,
	SIM_FIT_PARAMS(SIM_FIT_ENUM)
#undef SIM_FIT_ENUM
	        SIM_FIT_N
};

#endif
