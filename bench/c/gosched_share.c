/*
 * gosched_share.c - gosched-share (scripts/fidelity): n goroutines (4)
 * on 2 Ps, each looping {spend 5 us; count; gs_gosched()} for 50 ms.
 * Prints Jain's fairness index of their counts and their spread,
 * (max - min) / mean.  Go twin: bench/go/fidelity.go, goschedShare.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "gs.h"

static struct gs_waitgroup wg;
static int64_t *counts;
static int stop;

static void looper(void *arg)
{
	int64_t i = (int64_t)(intptr_t)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		gs_spend(5000);
		counts[i]++;
		gs_gosched();
	}
	gs_wg_done(&wg);
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg;
	gs_spend(BENCH_GO_CALIBRATE_NS);
	gs_wg_add(&wg, n);
	for (int64_t i = 0; i < n; i++)
		gs_go(looper, (void *)(intptr_t)i);
	gs_sleep(50000000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	gs_wg_wait(&wg);
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 4, .procs = 2};
	bench_parse(argc, argv, &a);
	counts = calloc((size_t)a.n, sizeof *counts);
	if (!counts)
		return 1;
	bench_run(a.procs, program, &a.n);
	double sum = 0, sum2 = 0, min = 0, max = 0;
	for (int64_t i = 0; i < a.n; i++) {
		double x = (double)counts[i];
		sum += x;
		sum2 += x * x;
		if (i == 0 || x < min)
			min = x;
		if (x > max)
			max = x;
	}
	if (sum == 0) {
		fprintf(stderr, "gosched-share: no goroutine ran\n");
		return 1;
	}
	bench_metric("gosched-share", "jain", sum * sum / ((double)a.n * sum2), "index");
	bench_metric("gosched-share", "spread", 100 * (max - min) / (sum / (double)a.n), "%");
	free(counts);
	return 0;
}
