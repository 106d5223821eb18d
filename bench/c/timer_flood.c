/*
 * timer_flood.c - timer-flood (scripts/fidelity): on one P, a goroutine
 * floods an unbuffered channel that main drains, while a third sleeps n
 * ns (20 ms) twice.  Prints how late the sleeper ran again each time: the
 * time its sleep took, less n; "first" is the process's first use of the
 * timer code, "late" the second sleep, the bar's (docs/simulator.md, "The
 * timer's first use").  Go twin: bench/go/fidelity.go, timerFlood.
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_chan *c, *done;
static int64_t first, late;

static void flood(void *arg)
{
	struct gs_case cases[2] = {{.c = c, .dir = GS_SEND, .value = 1},
	                           {.c = done, .dir = GS_RECV}};
	while (gs_select(cases, 2, true) == 0)
		;
}

static void sleeper(void *arg)
{
	int64_t n = *(int64_t *)arg;
	int64_t t0 = gs_nanotime();
	gs_sleep(n);
	first = gs_nanotime() - t0 - n;
	t0 = gs_nanotime();
	gs_sleep(n);
	late = gs_nanotime() - t0 - n;
	gs_chan_close(done);
}

static void program(void *arg)
{
	c = gs_chan_make(0);
	done = gs_chan_make(0);
	gs_go(flood, NULL);
	gs_go(sleeper, arg);
	struct gs_case cases[2] = {{.c = c, .dir = GS_RECV}, {.c = done, .dir = GS_RECV}};
	while (gs_select(cases, 2, true) == 0)
		;
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 20000000, .procs = 1};
	bench_parse(argc, argv, &a);
	bench_run(a.procs, program, &a.n);
	gs_chan_free(c);
	gs_chan_free(done);
	bench_metric("timer-flood", "first", (double)first / 1e3, "us");
	bench_metric("timer-flood", "late", (double)late / 1e3, "us");
	return 0;
}
