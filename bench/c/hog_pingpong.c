/*
 * hog_pingpong.c - hog-pingpong (scripts/fidelity): Go's TestPingPongHog.
 * On one P a hog pair (a million increments per turn) and a light pair (a
 * thousand) pass a channel back and forth for n ns (100 ms); prints the
 * ratio of their counts.  Go twin: bench/go/fidelity.go, hogPingPong.
 *
 * The increments are spent as CPU time: Go's loop (`*counter++`, not
 * inlined) took 0.27 ns an iteration on the 2-core reference machine,
 * the fastest of 50 timings: 270 us a hog turn, 270 ns a light one.
 */
#include "bench.h"
#include "gs.h"

#define NS_PER_KITER 270 /* ns per thousand iterations of the counting loop */

static struct gs_chan *done, *hogc, *lightc;
static int64_t hogcount, lightcount;

struct pair {
	int64_t limit; /* increments per turn */
	int64_t *counter;
	struct gs_chan **wake;
};

static void run(void *arg)
{
	struct pair *p = arg;
	struct gs_case cases[2] = {{.c = done, .dir = GS_RECV}, {.c = *p->wake, .dir = GS_RECV}};
	while (gs_select(cases, 2, true) == 1) {
		gs_spend(p->limit * NS_PER_KITER / 1000);
		*p->counter += p->limit;
		gs_chan_send(*p->wake, 1);
	}
}

static struct pair hog = {1000000, &hogcount, &hogc}, light = {1000, &lightcount, &lightc};

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg, v;
	done = gs_chan_make(0);
	hogc = gs_chan_make(0);
	lightc = gs_chan_make(0);
	for (int i = 0; i < 2; i++)
		gs_go(run, &hog);
	for (int i = 0; i < 2; i++)
		gs_go(run, &light);
	gs_chan_send(hogc, 1);
	gs_chan_send(lightc, 1);
	gs_sleep(n);
	gs_chan_close(done);
	gs_chan_recv(hogc, &v);
	gs_chan_recv(lightc, &v);
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 100000000, .procs = 1};
	bench_parse(argc, argv, &a);
	bench_run(a.procs, program, &a.n);
	gs_chan_free(done);
	gs_chan_free(hogc);
	gs_chan_free(lightc);
	bench_metric("hog-pingpong", "ratio", (double)hogcount / (double)lightcount, "x");
	return 0;
}
