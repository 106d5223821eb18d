/*
 * pingpong.c - a Go program, in C, against gsched's public API.
 *
 * The Go it transcribes:
 *
 *	func main() {
 *		runtime.GOMAXPROCS(2)
 *		ping, pong := make(chan int), make(chan int)
 *		var wg sync.WaitGroup
 *		var mu sync.Mutex
 *		total := 0
 *		wg.Add(2)
 *		go func() { defer wg.Done(); for i := 0; i < 1000; i++ { ping <- i; <-pong } ;
 *close(ping) }() go func() { defer wg.Done(); for v := range ping { mu.Lock(); total += v;
 *mu.Unlock(); pong <- v } }() for i := 0; i < 4; i++ { go func() { time.Sleep(50 *
 *time.Microsecond); mu.Lock(); total++; mu.Unlock() }() } wg.Wait()
 *	}
 *
 * Build: it is built with the project (build/examples/pingpong).  Run it
 * under several interleavings:
 *
 *	GSCHED_SEED=3 GSCHED_WINDOW=inf build/examples/pingpong
 *
 * It exits 0 when total is 1000*999/2 + 4, and prints the simulator's
 * one-line summary on stderr.
 */
#include <stdio.h>

#include "gs.h"

static struct gs_chan *ping, *pong;
static struct gs_waitgroup wg;
static struct gs_mutex mu;
static int64_t total;

static void pinger(void *arg)
{
	for (int64_t i = 0; i < 1000; i++) {
		int64_t v;
		gs_chan_send(ping, i);
		gs_chan_recv(pong, &v);
	}
	gs_chan_close(ping);
	gs_wg_done(&wg);
}

static void ponger(void *arg)
{
	int64_t v;
	while (gs_chan_recv(ping, &v)) {
		gs_mutex_lock(&mu);
		total += v;
		gs_mutex_unlock(&mu);
		gs_chan_send(pong, v);
	}
	gs_wg_done(&wg);
}

static void sleeper(void *arg)
{
	gs_sleep(50 * 1000);
	gs_mutex_lock(&mu);
	total++;
	gs_mutex_unlock(&mu);
}

static void program(void *arg)
{
	ping = gs_chan_make(0);
	pong = gs_chan_make(0);
	gs_wg_add(&wg, 2);
	gs_go(pinger, NULL);
	gs_go(ponger, NULL);
	for (int i = 0; i < 4; i++)
		gs_go(sleeper, NULL);
	gs_wg_wait(&wg);
}

int main(void)
{
	int rc = gs_main(2, program, NULL);
	/* main returns only after every goroutine finished (gsched waits). */
	if (rc == 0 && total != 1000 * 999 / 2 + 4) {
		fprintf(stderr, "pingpong: total %lld, want %d\n", (long long)total,
		        1000 * 999 / 2 + 4);
		rc = 1;
	}
	gs_mutex_destroy(&mu);
	gs_wg_destroy(&wg);
	gs_chan_free(ping);
	gs_chan_free(pong);
	return rc;
}
