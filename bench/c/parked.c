/*
 * parked.c - parked: n goroutines, each blocked receiving from one
 * channel.  The resident set's growth from before the first is spawned
 * to when all are parked, divided by n: KiB per parked goroutine (its
 * stack's touched pages, its g, its sudog, and whatever else the
 * backend spends on it).  Then the channel is closed and all end.
 * Go twin: bench/go/parked.go.
 *
 *	func main() {
 *		ch := make(chan int64)
 *		var started sync.WaitGroup
 *		started.Add(n)
 *		before := rss()
 *		for i := 0; i < n; i++ { go func() { started.Done(); <-ch }() }
 *		started.Wait()
 *		time.Sleep(time.Millisecond)
 *		after := rss()
 *		close(ch)
 *	}
 *
 * (gsched's program ends when every goroutine has: no second WaitGroup.)
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_chan *ch;
static struct gs_waitgroup started;
static int64_t before, after;

static void parker(void *arg)
{
	int64_t v;
	gs_wg_done(&started);
	gs_chan_recv(ch, &v);
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg;
	ch = gs_chan_make(0);
	gs_wg_add(&started, n);
	before = bench_rss();
	for (int64_t i = 0; i < n; i++)
		gs_go(parker, NULL);
	gs_wg_wait(&started);
	gs_sleep(1000000); /* the last ones to say so have parked */
	after = bench_rss();
	gs_chan_close(ch);
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 1000000, .procs = bench_ncpu()};
	bench_parse(argc, argv, &a);
	bench_run(a.procs, program, &a.n);
	gs_chan_free(ch);
	bench_report("parked", (double)(after - before) / a.n / 1024, "KiB/goroutine");
	return 0;
}
