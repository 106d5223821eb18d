/*
 * stress.c - the native backend's stress suite: the scheduler's shared
 * state under real concurrency, written against gs.h alone.
 *
 *   stress [-scale S] [-rounds R]
 *
 * Each round runs every workload below as one program (gs_main) and
 * checks its result; S multiplies the sizes (1: the short form that CTest
 * runs, under ThreadSanitizer and AddressSanitizer too; scripts/soak runs
 * larger ones for longer).  Exit 0 when every check held, 1 otherwise.
 *
 *   steal      one goroutine spawns many short ones on 4 Ps: the others
 *              steal from its run queue all the time
 *   spawn      a binary spawn tree, every node waiting for its children
 *   chan       producers and consumers over buffered and unbuffered
 *              channels, with selects, a mutex-protected total and close
 *   timers     many goroutines sleeping short random times
 *   syscall    blocking system calls beside CPU work: sysmon retakes
 *              the Ps and hands them off
 *   procs      GOMAXPROCS changed (stop-the-world) while others work
 *   parked     many goroutines parked on one channel, then all released
 *   iowait     rings of goroutines passing a token: each holder waits for
 *              I/O in the network poller (the epoll instance and its
 *              eventfd break), then hands the token on over a channel,
 *              so that goroutines the poller readies wake the next ones;
 *              a CPU spender beside them keeps one P busy, and no wait
 *              may end before its descriptor is ready
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs.h"

static int64_t scale = 1;
static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "stress: " __VA_ARGS__);                                   \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* ---- steal ---- */

static struct gs_waitgroup steal_wg;
static int64_t steal_sum;

static void steal_worker(void *arg)
{
	gs_spend(1000);
	__atomic_add_fetch(&steal_sum, (int64_t)(intptr_t)arg, __ATOMIC_RELAXED);
	gs_wg_done(&steal_wg);
}

static void steal_main(void *arg)
{
	int64_t n = 20000 * scale;
	gs_wg_add(&steal_wg, n);
	for (int64_t i = 1; i <= n; i++)
		gs_go(steal_worker, (void *)(intptr_t)i);
	gs_wg_wait(&steal_wg);
	CHECK(steal_sum == n * (n + 1) / 2, "steal: sum %lld, expected %lld", (long long)steal_sum,
	      (long long)(n * (n + 1) / 2));
}

/* ---- spawn ---- */

static int64_t spawn_nodes;

struct node {
	int depth;
	struct gs_waitgroup *parent; /* the parent's, on its stack; NULL for the root */
};

/* A node spawns two children and waits for both (its WaitGroup lives on
 * its stack, as Go's would escape to the heap). */
static void spawn_node(void *arg)
{
	struct node me = *(struct node *)arg;
	free(arg);
	__atomic_add_fetch(&spawn_nodes, 1, __ATOMIC_RELAXED);
	if (me.depth > 0) {
		struct gs_waitgroup wg = {0};
		gs_wg_add(&wg, 2);
		for (int i = 0; i < 2; i++) {
			struct node *c = malloc(sizeof *c);
			*c = (struct node){me.depth - 1, &wg};
			gs_go(spawn_node, c);
		}
		gs_wg_wait(&wg);
	}
	if (me.parent)
		gs_wg_done(me.parent);
}

static void spawn_main(void *arg)
{
	struct node *root = malloc(sizeof *root);
	*root = (struct node){scale > 1 ? 14 : 11, NULL};
	spawn_node(root);
}

/* ---- chan ---- */

#define NPROD 4
static struct gs_chan *chan_unbuf, *chan_buf, *chan_quit;
static struct gs_mutex chan_mu;
static int64_t chan_total, chan_count;
static struct gs_waitgroup chan_prod_wg, chan_cons_wg;

static void chan_producer(void *arg)
{
	int64_t n = 5000 * scale, base = (int64_t)(intptr_t)arg * n;
	for (int64_t i = 0; i < n; i++) {
		struct gs_case cs[2] = {{chan_unbuf, GS_SEND, base + i, false},
		                        {chan_buf, GS_SEND, base + i, false}};
		gs_select(cs, 2, true);
	}
	gs_wg_done(&chan_prod_wg);
}

static void chan_consumer(void *arg)
{
	for (;;) {
		struct gs_case cs[3] = {{chan_unbuf, GS_RECV, 0, false},
		                        {chan_buf, GS_RECV, 0, false},
		                        {chan_quit, GS_RECV, 0, false}};
		int k = gs_select(cs, 3, true);
		if (k == 2) {
			/* quit: drain what is left in the buffer */
			int64_t v;
			struct gs_case c1 = {chan_buf, GS_RECV, 0, false};
			while (gs_select(&c1, 1, false) == 0) {
				v = c1.value;
				gs_mutex_lock(&chan_mu);
				chan_total += v;
				chan_count++;
				gs_mutex_unlock(&chan_mu);
			}
			break;
		}
		gs_mutex_lock(&chan_mu);
		chan_total += cs[k].value;
		chan_count++;
		gs_mutex_unlock(&chan_mu);
	}
	gs_wg_done(&chan_cons_wg);
}

static void chan_main(void *arg)
{
	int64_t n = 5000 * scale;
	chan_unbuf = gs_chan_make(0);
	chan_buf = gs_chan_make(16);
	chan_quit = gs_chan_make(0);
	gs_wg_add(&chan_prod_wg, NPROD);
	gs_wg_add(&chan_cons_wg, NPROD);
	for (intptr_t i = 0; i < NPROD; i++) {
		gs_go(chan_producer, (void *)i);
		gs_go(chan_consumer, NULL);
	}
	gs_wg_wait(&chan_prod_wg);
	gs_chan_close(chan_quit);
	gs_wg_wait(&chan_cons_wg);
	int64_t all = NPROD * n;
	CHECK(chan_count == all, "chan: %lld values received, expected %lld", (long long)chan_count,
	      (long long)all);
	CHECK(chan_total == all * (all - 1) / 2, "chan: total %lld, expected %lld",
	      (long long)chan_total, (long long)(all * (all - 1) / 2));
	gs_chan_free(chan_unbuf);
	gs_chan_free(chan_buf);
	gs_chan_free(chan_quit);
}

/* ---- timers ---- */

static int64_t timers_woken;

static void timer_sleeper(void *arg)
{
	uint64_t s = (uint64_t)(intptr_t)arg;
	for (int i = 0; i < 5; i++)
		gs_sleep((int64_t)(rng_next(&s) % 200000)); /* up to 200 us */
	__atomic_add_fetch(&timers_woken, 1, __ATOMIC_RELAXED);
}

static void timers_main(void *arg)
{
	int64_t n = 500 * scale;
	for (int64_t i = 0; i < n; i++)
		gs_go(timer_sleeper, (void *)(intptr_t)(i + 1));
	/* checked after the run: every sleeper must wake */
}

/* ---- syscall ---- */

static int64_t sys_done, sys_spent;

static void sys_caller(void *arg)
{
	for (int i = 0; i < 10; i++)
		gs_syscall(100000); /* 100 us in the kernel */
	__atomic_add_fetch(&sys_done, 1, __ATOMIC_RELAXED);
}

static void sys_spender(void *arg)
{
	gs_spend(2000000);
	__atomic_add_fetch(&sys_spent, 1, __ATOMIC_RELAXED);
}

static void syscall_main(void *arg)
{
	for (int64_t i = 0; i < 8 * scale; i++) {
		gs_go(sys_caller, NULL);
		gs_go(sys_spender, NULL);
	}
}

/* ---- procs ---- */

static uint32_t procs_stop;
static int64_t procs_work;

static void procs_worker(void *arg)
{
	while (!__atomic_load_n(&procs_stop, __ATOMIC_ACQUIRE)) {
		gs_spend(20000);
		__atomic_add_fetch(&procs_work, 1, __ATOMIC_RELAXED);
		gs_gosched();
	}
}

static void procs_main(void *arg)
{
	for (int i = 0; i < 6; i++)
		gs_go(procs_worker, NULL);
	for (int64_t i = 0; i < 50 * scale; i++) {
		int32_t want = (int32_t)(1 + i % 4);
		gs_gomaxprocs(want);
		int32_t got = gs_gomaxprocs(0);
		CHECK(got == want, "procs: GOMAXPROCS is %d after setting %d", (int)got, (int)want);
		gs_sleep(50000);
	}
	__atomic_store_n(&procs_stop, 1, __ATOMIC_RELEASE);
}

/* ---- parked ---- */

static struct gs_chan *parked_chan;
static int64_t parked_woken;

static void parked_waiter(void *arg)
{
	int64_t v;
	gs_chan_recv(parked_chan, &v);
	__atomic_add_fetch(&parked_woken, 1, __ATOMIC_RELAXED);
}

static void parked_main(void *arg)
{
	int64_t n = 20000 * scale;
	parked_chan = gs_chan_make(0);
	for (int64_t i = 0; i < n; i++)
		gs_go(parked_waiter, NULL);
	gs_sleep(1000000); /* let them park */
	gs_chan_close(parked_chan);
}

/* ---- iowait ---- */

enum { IO_RINGS = 8, IO_RING = 8, IO_LAPS = 20 };
static struct gs_chan *io_links[IO_RINGS][IO_RING];
static int64_t io_waits, io_early, io_spent;
static uint32_t io_stop;
static struct gs_waitgroup io_wg;

/* Member i of a ring: take the token from link i, wait for I/O, pass it
 * on to link i+1, laps times.  Member 0 starts the ring with the token
 * and takes it back at the end: every holder added one. */
static void io_member(void *arg)
{
	intptr_t id = (intptr_t)arg;
	int r = (int)(id / IO_RING), i = (int)(id % IO_RING);
	uint64_t s = (uint64_t)id + 1;
	struct gs_chan *in = io_links[r][i], *out = io_links[r][(i + 1) % IO_RING];
	int64_t laps = IO_LAPS * scale, v = 0;
	for (int64_t lap = 0; lap < laps; lap++) {
		if (i != 0 || lap != 0)
			gs_chan_recv(in, &v);
		int64_t ns = (int64_t)(rng_next(&s) % 50000); /* up to 50 us */
		int64_t t0 = gs_nanotime();
		gs_iowait(ns);
		if (gs_nanotime() - t0 < ns)
			__atomic_add_fetch(&io_early, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&io_waits, 1, __ATOMIC_RELAXED);
		gs_chan_send(out, v + 1);
	}
	if (i == 0) { /* the last lap's token, from the member before */
		gs_chan_recv(in, &v);
		CHECK(v == laps * IO_RING,
		      "iowait: ring %d's token came back at %lld, expected %lld", r, (long long)v,
		      (long long)(laps * IO_RING));
	}
	gs_wg_done(&io_wg);
}

static void io_spender(void *arg)
{
	while (!__atomic_load_n(&io_stop, __ATOMIC_ACQUIRE)) {
		gs_spend(30000);
		__atomic_add_fetch(&io_spent, 1, __ATOMIC_RELAXED);
	}
}

static void io_main(void *arg)
{
	for (int r = 0; r < IO_RINGS; r++)
		for (int i = 0; i < IO_RING; i++)
			io_links[r][i] = gs_chan_make(0);
	/* One spender on two Ps: the other P's M blocks in the poller
	 * (with every P busy, only sysmon's 10 ms poll would find the
	 * ready ones, as in Go). */
	gs_go(io_spender, NULL);
	gs_wg_add(&io_wg, IO_RINGS * IO_RING);
	for (intptr_t id = 0; id < IO_RINGS * IO_RING; id++)
		gs_go(io_member, (void *)id);
	gs_wg_wait(&io_wg);
	__atomic_store_n(&io_stop, 1, __ATOMIC_RELEASE);
	int64_t want = (int64_t)IO_RINGS * IO_RING * IO_LAPS * scale;
	CHECK(io_waits == want, "iowait: %lld waits, expected %lld", (long long)io_waits,
	      (long long)want);
	for (int r = 0; r < IO_RINGS; r++)
		for (int i = 0; i < IO_RING; i++)
			gs_chan_free(io_links[r][i]);
}

/* ---- driver ---- */

static void reset(void)
{
	memset(&steal_wg, 0, sizeof steal_wg);
	memset(&chan_mu, 0, sizeof chan_mu);
	memset(&chan_prod_wg, 0, sizeof chan_prod_wg);
	memset(&chan_cons_wg, 0, sizeof chan_cons_wg);
	memset(&io_wg, 0, sizeof io_wg);
	steal_sum = spawn_nodes = chan_total = chan_count = 0;
	timers_woken = sys_done = sys_spent = procs_work = parked_woken = 0;
	io_waits = io_early = io_spent = 0;
	procs_stop = io_stop = 0;
}

static void run(const char *name, int32_t procs, void (*fn)(void *))
{
	int rc = gs_main(procs, fn, NULL);
	CHECK(rc == 0, "%s: the program ended with status %d", name, rc);
}

int main(int argc, char **argv)
{
	int64_t rounds = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-scale") == 0)
			scale = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "-rounds") == 0)
			rounds = atoll(argv[i + 1]);
		else {
			fprintf(stderr, "usage: %s [-scale S] [-rounds R]\n", argv[0]);
			return 2;
		}
	}
	if (scale < 1 || rounds < 1) {
		fprintf(stderr, "%s: -scale and -rounds must be at least 1\n", argv[0]);
		return 2;
	}
	for (int64_t r = 0; r < rounds; r++) {
		reset();
		run("steal", 4, steal_main);
		run("spawn", 4, spawn_main);
		int64_t nodes = (INT64_C(2) << (scale > 1 ? 14 : 11)) - 1;
		CHECK(spawn_nodes == nodes, "spawn: %lld nodes ran, expected %lld",
		      (long long)spawn_nodes, (long long)nodes);
		run("chan", 4, chan_main);
		run("timers", 2, timers_main);
		CHECK(timers_woken == 500 * scale, "timers: %lld of %lld sleepers woke",
		      (long long)timers_woken, (long long)(500 * scale));
		run("syscall", 2, syscall_main);
		CHECK(sys_done == 8 * scale && sys_spent == 8 * scale,
		      "syscall: %lld callers and %lld spenders finished, expected %lld each",
		      (long long)sys_done, (long long)sys_spent, (long long)(8 * scale));
		run("procs", 2, procs_main);
		CHECK(procs_work > 0, "procs: no work done");
		run("parked", 4, parked_main);
		CHECK(parked_woken == 20000 * scale, "parked: %lld of %lld woke",
		      (long long)parked_woken, (long long)(20000 * scale));
		run("iowait", 2, io_main);
		CHECK(io_early == 0, "iowait: %lld of %lld waits ended before their I/O was ready",
		      (long long)io_early, (long long)io_waits);
		CHECK(io_spent > 0, "iowait: the spenders did no work");
	}
	printf("stress: %lld rounds at scale %lld: %s\n", (long long)rounds, (long long)scale,
	       failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
