/*
 * bench.h - what the C benchmark programs share: their command line, the
 * wall clock around gs_main, the resident set size and the report line.
 *
 * Each program in bench/c/ is one workload of scripts/bench written
 * against runtime/gs.h and nothing else of gsched (the build gives these
 * files an include path holding gs.h alone), so the same object files are
 * linked with every backend.  Its Go twin is bench/go/<same name>.go; the two
 * take the same options and print the same line:
 *
 *	WORKLOAD [-n N] [-procs P] [-work NS]    ->    "name value unit"
 *
 * One invocation is one repetition (bench/go/main.go says why).  Time is
 * the wall clock between bench_start and bench_stop, which the program
 * calls where its Go twin calls time.Now and time.Since: inside the
 * program, after the runtime has started and before it ends, so that
 * neither side counts its runtime's start and end (a few ms natively:
 * threads, stacks, the loader; they would weigh on fanout's 8 operations).
 * On the simulator that is the real time of simulating the workload,
 * which is what scripts/bench sets beside Go's time for the same work.
 */
#ifndef GSCHED_BENCH_H
#define GSCHED_BENCH_H

#include <stdint.h>

struct bench_args {
	int64_t n;     /* size of the repetition; its meaning is the workload's */
	int32_t procs; /* gomaxprocs */
	int64_t work;  /* fanout: ns of CPU each worker spends */
};

/* The CPU time the Go twins of fanout-latency and gosched-share spend on
 * their main goroutine before the measured part (calibrateBurn: 7 x 200,000
 * iterations of burn at 1.7 ns, the fastest seen on the 2-core machine).
 * The C twins spend it too: sysmon preempts a goroutine 10 ms after it was
 * last scheduled, and Go's main has run that long already when it starts
 * spawning. */
#define BENCH_GO_CALIBRATE_NS 2400000

/* Set a's fields from `-n N`, `-procs P` and `-work NS` (each also as
 * --name; 0 keeps the default the caller stored in a).  A bad or unknown
 * option prints a usage line naming it and exits with status 2. */
void bench_parse(int argc, char **argv, struct bench_args *a);

/* The number of CPUs this process may run on: Go's default GOMAXPROCS. */
int32_t bench_ncpu(void);

/* Run fn(arg) as the main goroutine (gs_main) with procs Ps and return
 * the wall-clock ns between fn's bench_start and bench_stop (around
 * gs_main if fn calls neither).  If the program does not end cleanly,
 * exit with its status: a figure from a failed run means nothing. */
int64_t bench_run(int32_t procs, void (*fn)(void *), void *arg);

/* Start and stop the workload's clock, inside the program (the Go twin's
 * t0 := time.Now() and time.Since(t0)). */
void bench_start(void);
void bench_stop(void);

/* The process's resident set size in bytes (/proc/self/statm). */
int64_t bench_rss(void);

/* Print the line scripts/bench reads: "name value unit". */
void bench_report(const char *name, double value, const char *unit);

/* Print one figure of a fidelity workload (scripts/fidelity):
 * "workload.metric value unit", value with six significant digits. */
void bench_metric(const char *workload, const char *metric, double value, const char *unit);

#endif
