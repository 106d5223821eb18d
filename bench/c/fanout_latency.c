/*
 * fanout_latency.c - fanout-latency (scripts/fidelity): main spawns n
 * workers (1000) on 2 Ps, worker i spending 10-100 us of CPU (uniform,
 * drawn from the splitmix64 sequence of seed 1, the same in every run and
 * in the Go twin); main waits.  Prints the makespan (first spawn to
 * main's wake-up) and the scheduling latency of the workers (each one's
 * gs_go to its first instruction), p50 and p99.  Go twin:
 * bench/go/fidelity.go, fanoutLatency.
 */
#include <stdlib.h>

#include "bench.h"
#include "gs.h"

static struct gs_waitgroup wg;
static int64_t *work, *spawned, *lat;
static int64_t base;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void worker(void *arg)
{
	int64_t i = (int64_t)(intptr_t)arg;
	lat[i] = gs_nanotime() - spawned[i];
	gs_spend(work[i]);
	gs_wg_done(&wg);
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg;
	gs_spend(BENCH_GO_CALIBRATE_NS);
	gs_wg_add(&wg, n);
	base = gs_nanotime();
	for (int64_t i = 0; i < n; i++) {
		spawned[i] = gs_nanotime();
		gs_go(worker, (void *)(intptr_t)i);
	}
	gs_wg_wait(&wg);
	base = gs_nanotime() - base; /* the makespan */
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest rank, as the Go twin's percentile. */
static int64_t percentile(const int64_t *xs, int64_t n, double p)
{
	int64_t i = (int64_t)(p * (double)n + 0.5) - 1;
	return xs[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 1000, .procs = 2};
	bench_parse(argc, argv, &a);
	work = calloc((size_t)a.n, sizeof *work);
	spawned = calloc((size_t)a.n, sizeof *spawned);
	lat = calloc((size_t)a.n, sizeof *lat);
	if (!work || !spawned || !lat)
		return 1;
	uint64_t r = 1;
	for (int64_t i = 0; i < a.n; i++)
		work[i] = 10000 + (int64_t)(splitmix64(&r) % 90001);
	bench_run(a.procs, program, &a.n);
	qsort(lat, (size_t)a.n, sizeof *lat, cmp);
	bench_metric("fanout-latency", "makespan", (double)base / 1e6, "ms");
	bench_metric("fanout-latency", "p50", (double)percentile(lat, a.n, 0.50) / 1e6, "ms");
	bench_metric("fanout-latency", "p99", (double)percentile(lat, a.n, 0.99) / 1e6, "ms");
	free(work);
	free(spawned);
	free(lat);
	return 0;
}
