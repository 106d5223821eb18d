/*
 * pingpong.c - pingpong: n round trips between main and an echo
 * goroutine over two unbuffered channels.  Wall ns per round trip.
 * Go twin: bench/go/pingpong.go.
 *
 *	func main() {
 *		ping, pong := make(chan int64), make(chan int64)
 *		go func() { for v := range ping { pong <- v } }()
 *		for i := 0; i < n; i++ { ping <- int64(i); <-pong }
 *		close(ping)
 *	}
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

static struct gs_chan *ping, *pong;

static void echo(void *arg)
{
	int64_t v;
	while (gs_chan_recv(ping, &v))
		gs_chan_send(pong, v);
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg, v;
	ping = gs_chan_make(0);
	pong = gs_chan_make(0);
	gs_go(echo, NULL);
	bench_start();
	for (int64_t i = 0; i < n; i++) {
		gs_chan_send(ping, i);
		gs_chan_recv(pong, &v);
	}
	bench_stop();
	gs_chan_close(ping);
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 100000, .procs = bench_ncpu()};
	bench_parse(argc, argv, &a);
	int64_t ns = bench_run(a.procs, program, &a.n);
	/* gs_main returns when every goroutine has ended: nobody uses them. */
	gs_chan_free(ping);
	gs_chan_free(pong);
	bench_report("pingpong", (double)ns / a.n, "ns/roundtrip");
	return 0;
}
