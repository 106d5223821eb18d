/*
 * hoggaps.c - hoggaps.go (../2026-12-03-escapes/) for the native backend:
 * bench/c/hog_pingpong.c with the hogs recording when each of their turns
 * starts, printing one run as escapes.py reads it:
 *
 *	native ratio R gaps G... last L hogturn 270 light N hog M
 *
 * Every interval of more than 2 ms between two hog turns is a light slice
 * (ms).  Built with -DTIMING against a runtime with preemptone-timing.patch,
 * it also appends preemptone's stamps to the file $TIMING names.
 * README.md beside this file has the commands.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "gs.h"

#define NS_PER_KITER 270 /* as bench/c/hog_pingpong.c */
#define MAXTURNS     (1 << 16)

static struct gs_chan *done, *hogc, *lightc;
static int64_t hogcount, lightcount, t0, end, starts[MAXTURNS];
static int nstarts;

struct pair {
	int64_t limit;
	int64_t *counter;
	struct gs_chan **wake;
	int rec; /* record each turn's start */
};

static void run(void *arg)
{
	struct pair *p = arg;
	struct gs_case cases[2] = {{.c = done, .dir = GS_RECV}, {.c = *p->wake, .dir = GS_RECV}};
	while (gs_select(cases, 2, true) == 1) {
		if (p->rec && nstarts < MAXTURNS)
			starts[nstarts++] = gs_nanotime() - t0;
		gs_spend(p->limit * NS_PER_KITER / 1000);
		*p->counter += p->limit;
		gs_chan_send(*p->wake, 1);
	}
}

static struct pair hog = {1000000, &hogcount, &hogc, 1}, light = {1000, &lightcount, &lightc, 0};

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg, v;
	t0 = gs_nanotime();
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
	end = gs_nanotime() - t0;
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 100000000, .procs = 1};
	bench_parse(argc, argv, &a);
	bench_run(a.procs, program, &a.n);
#ifdef TIMING
	void timing_dump(const char *path);
	if (getenv("TIMING"))
		timing_dump(getenv("TIMING"));
#endif
	if (nstarts < 2 || lightcount == 0) {
		fprintf(stderr, "hoggaps: a pair never ran: no figure\n");
		return 1;
	}
	printf("native ratio %.3f gaps", (double)hogcount / (double)lightcount);
	for (int i = 1; i < nstarts; i++)
		if (starts[i] - starts[i - 1] > 2000000)
			printf(" %.2f", (double)(starts[i] - starts[i - 1]) / 1e6);
	printf(" last %.2f hogturn %d light %lld hog %lld\n",
	       (double)(end - starts[nstarts - 1]) / 1e6, NS_PER_KITER, (long long)lightcount,
	       (long long)hogcount);
	return 0;
}
