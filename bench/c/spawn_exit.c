/*
 * spawn_exit.c - spawn-exit: go f() from one goroutine, n times, where f
 * does wg.Done(); main waits for all of them.  Wall ns per goroutine.
 * Go twin: bench/go/spawn_exit.go.
 *
 *	func main() {
 *		var wg sync.WaitGroup
 *		wg.Add(n)
 *		for i := 0; i < n; i++ {
 *			go func() { wg.Done() }()
 *		}
 *		wg.Wait()
 *	}
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_waitgroup wg;

static void worker(void *arg)
{
	gs_wg_done(&wg);
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg;
	gs_wg_add(&wg, n);
	bench_start();
	for (int64_t i = 0; i < n; i++)
		gs_go(worker, NULL);
	gs_wg_wait(&wg);
	bench_stop();
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 100000, .procs = bench_ncpu()};
	bench_parse(argc, argv, &a);
	int64_t ns = bench_run(a.procs, program, &a.n);
	bench_report("spawn-exit", (double)ns / a.n, "ns/goroutine");
	return 0;
}
