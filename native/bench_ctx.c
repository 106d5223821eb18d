/*
 * bench_ctx.c - the context switch alone: two contexts on one thread
 * switching to each other with arch_ctx_switch (runtime/arch/), N round
 * trips; prints ns per switch.  No scheduler, no atomics: what gogo and
 * mcall cost underneath everything else.  Timed in the thread's CPU time.
 *   bench_ctx_switch [N]   (default 10,000,000 round trips)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arch/ctx.h"

static struct plat_ctx main_ctx, other_ctx;

static void other(void)
{
	for (;;)
		arch_ctx_switch(&other_ctx, &main_ctx, false);
}

/* The thread's CPU time: on a loaded machine the wall clock also counts
 * the time other processes had the CPU. */
static int64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int64_t n = argc > 1 ? atoll(argv[1]) : 10000000;
	size_t size = 64 * 1024;
	void *stack = arch_stack_alloc(size);
	if (!stack || n < 1)
		return 2;
	arch_ctx_make(&other_ctx, stack, size, other);
	arch_ctx_switch(&main_ctx, &other_ctx, false); /* warm up */
	int64_t t0 = now();
	for (int64_t i = 0; i < n; i++)
		arch_ctx_switch(&main_ctx, &other_ctx, false);
	int64_t t = now() - t0;
	printf("ctx-switch %.2f ns/switch\n", (double)t / (double)(2 * n));
	return 0;
}
