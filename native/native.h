/*
 * native.h - the native backend: run a program of the one scheduler
 * (runtime/) on real pthreads, real futexes and real cores.
 *
 * One run at a time per process (the scheduler's state is global, as in
 * Go).  Nothing here is deterministic: the OS schedules the Ms, and the
 * events carry CLOCK_MONOTONIC time.  The seed only seeds each M's
 * fastrand (as Go seeds it from the OS).
 */
#ifndef GSCHED_NATIVE_NATIVE_H
#define GSCHED_NATIVE_NATIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "tr.h"

struct native_config {
	uint64_t seed;
	/* Stop the run after this much wall-clock time (0: no limit): the
	 * run ends with status time-limit, as a hung program would never end
	 * on its own. */
	int64_t max_time_ns;
	/* Where the events go (NULL: none are made; tracing costs one
	 * predictable branch per event).  Called from the writer thread only,
	 * in time order, never from an M. */
	struct tr_sink *sink;
	const struct rt_config *rt; /* the runtime's policies; NULL: Go's */
	FILE *out; /* the program's output (plat_print: schedtrace); NULL: dropped */
};

struct native_result {
	enum tr_status status;
	char message[256];     /* why the run ended, for anything but complete */
	struct tr_stats stats; /* over the events made (none without a sink) */
	int32_t threads;       /* OS threads the run started (Ms, sysmon's included) */
	int64_t wall_ns;       /* from the start of the runtime to the end of the run */
};

/* Run mainfn(arg) as the main goroutine of a program with gomaxprocs Ps.
 * Returns 0 (complete, or stopped at the time limit) or 1 (deadlock,
 * throw, panic). */
int native_run_program(const struct native_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                       void *arg, struct native_result *res);

/* The same for a scenario's run (scenarios/sc.h): its interpreter's
 * main goroutine, compiled against this backend.  What `gsched run
 * --backend native` calls, from the bundle (native/CMakeLists.txt). */
struct sc_run;
int native_run_scenario(const struct native_config *cfg, int32_t gomaxprocs, struct sc_run *run,
                        struct native_result *res);

#endif
