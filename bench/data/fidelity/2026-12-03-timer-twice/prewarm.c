/*
 * prewarm.c - bench/c/timer_flood.c's two 20 ms sleeps on the native
 * backend, with an optional helper ("prewarm") that sleeps 20 ms - 30 us
 * and then 1 ns while the sleeper sleeps its second: the timer's wake
 * path runs 30 us before the sleeper's timer is due.  Prints "first F late
 * L" (us).  prewarm.go is the same in Go; README.md has the commands.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "gs.h"

static struct gs_chan *c, *done;
static int64_t first, late;
static int prewarm;

static void flood(void *arg)
{
	struct gs_case cases[2] = {{.c = c, .dir = GS_SEND, .value = 1},
	                           {.c = done, .dir = GS_RECV}};
	while (gs_select(cases, 2, true) == 0)
		;
}

static void helper(void *arg)
{
	gs_sleep(20000000 - 30000);
	gs_sleep(1);
}

static void sleeper(void *arg)
{
	int64_t n = 20000000, t0 = gs_nanotime();
	gs_sleep(n);
	first = gs_nanotime() - t0 - n;
	if (prewarm)
		gs_go(helper, NULL);
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
	prewarm = argc > 1 && strcmp(argv[1], "prewarm") == 0;
	bench_run(1, program, NULL);
	printf("first %.3f late %.3f\n", first / 1e3, late / 1e3);
	return 0;
}
