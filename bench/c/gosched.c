/*
 * gosched.c - gosched: one goroutine per P, each calling Gosched n times
 * (2 Ps unless -procs says otherwise); main waits.  Aggregate wall ns per
 * Gosched: the time over procs*n.  Go twin: bench/go/gosched.go.
 *
 *	func main() {
 *		runtime.GOMAXPROCS(2)
 *		var wg sync.WaitGroup
 *		wg.Add(2)
 *		for g := 0; g < 2; g++ {
 *			go func() { for i := 0; i < n; i++ { runtime.Gosched() }; wg.Done() }()
 *		}
 *		wg.Wait()
 *	}
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_waitgroup wg;
static struct bench_args a = {.n = 100000, .procs = 2};

static void yielder(void *arg)
{
	for (int64_t i = 0; i < a.n; i++)
		gs_gosched();
	gs_wg_done(&wg);
}

static void program(void *arg)
{
	gs_wg_add(&wg, a.procs);
	bench_start();
	for (int32_t g = 0; g < a.procs; g++)
		gs_go(yielder, NULL);
	gs_wg_wait(&wg);
	bench_stop();
}

int main(int argc, char **argv)
{
	bench_parse(argc, argv, &a);
	int64_t ns = bench_run(a.procs, program, NULL);
	bench_report("gosched", (double)ns / ((double)a.procs * a.n), "ns/gosched");
	return 0;
}
