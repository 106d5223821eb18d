/*
 * fanout.c - fanout: n workers, each spending -work ns of CPU
 * (gs_spend), spawned at once; main waits for all.  Wall ns of the whole
 * program with -procs Ps; scripts/bench runs it with 1 and with every
 * CPU and reports the speed-up.  Go twin: bench/go/fanout.go.
 *
 * On the simulator the wall time is the time to simulate and says
 * nothing about parallelism; the speed-up there is one of virtual time,
 * which gs.h has no clock to read: scripts/bench takes it from the
 * simulator's summary line on stderr ("... N ns virtual ...").
 *
 *	func main() {
 *		var wg sync.WaitGroup
 *		wg.Add(n)
 *		for i := 0; i < n; i++ { go func() { burn(work); wg.Done() }() }
 *		wg.Wait()
 *	}
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_waitgroup wg;
static struct bench_args a = {.n = 8, .work = 5000000};

static void worker(void *arg)
{
	gs_spend(a.work);
	gs_wg_done(&wg);
}

static void program(void *arg)
{
	gs_wg_add(&wg, a.n);
	bench_start();
	for (int64_t i = 0; i < a.n; i++)
		gs_go(worker, NULL);
	gs_wg_wait(&wg);
	bench_stop();
}

int main(int argc, char **argv)
{
	a.procs = bench_ncpu();
	bench_parse(argc, argv, &a);
	int64_t ns = bench_run(a.procs, program, NULL);
	bench_report("fanout", (double)ns, "ns");
	return 0;
}
