/*
 * trace.c - the native backend's events: per-M buffers, one writer.
 *
 * An M never calls a sink.  plat_trace stamps the event with
 * CLOCK_MONOTONIC and appends it to its own thread's chunk list - no lock,
 * no system call, a malloc every TRACE_CHUNK events.  One writer thread
 * drains every thread's chunks, merges them by time and hands the events
 * to the sink (the SQLite writer, the assertion checker), in order, as the
 * simulator's engine does.  Without a sink, plat_trace returns at its
 * first branch: no event is made.
 *
 * Merging by time while the Ms still run needs a watermark W: no thread
 * will publish an event older than W, so everything older may be written.
 * Each thread marks the window between taking an event's time and
 * publishing it (busy, set with an atomic exchange, a full barrier).  The
 * writer reads the clock, then each thread's busy flag: a thread that is
 * not busy will stamp its next event after that clock reading (less a
 * slack for clock reads that run ahead of loads), a busy one will publish
 * an event no older than the last one it published.  W is the least of
 * those bounds; events at or after it wait for the next pass (every
 * millisecond).  After the run, with every M home, the writer drains the
 * rest.  Per thread, CLOCK_MONOTONIC never goes back, so each thread's
 * events are already in time order and the merge is a k-way merge.
 *
 * What the order does not guarantee: an event is stamped after the
 * transition it describes, so two transitions on two Ms a few ns apart
 * (a ready on one M, the steal and run of the same g on another) may be
 * stamped in the other order.  Ties in time go by thread id.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "native_internal.h"
#include "stats_add.h"

#define WATERMARK_SLACK_NS 100000 /* 100 us */

int native_trace_thread_init(struct nthread *t)
{
	struct tchunk *c = malloc(sizeof *c);
	if (!c)
		return -1;
	c->next = NULL;
	c->n = 0;
	t->tail = t->head = c;
	t->pos = 0;
	t->last_t = 0;
	return 0;
}

void native_trace_thread_free(struct nthread *t)
{
	struct tchunk *c = t->head;
	while (c) {
		struct tchunk *next = c->next;
		free(c);
		c = next;
	}
	t->head = t->tail = NULL;
}

bool plat_tracing(void)
{
	return N.tracing;
}

void plat_trace(struct rt_event *ev)
{
	if (!N.tracing)
		return;
	struct nthread *t = native_self();
	__atomic_exchange_n(&t->busy, 1, __ATOMIC_SEQ_CST);
	ev->t_ns = native_nanotime();
	struct tchunk *c = t->tail;
	uint32_t n = c->n; /* only this thread writes it */
	if (n == TRACE_CHUNK) {
		struct tchunk *nc = malloc(sizeof *nc);
		if (!nc) {
			__atomic_store_n(&t->busy, 0, __ATOMIC_RELEASE);
			return; /* out of memory: the event is lost, the run goes on */
		}
		nc->next = NULL;
		nc->n = 0;
		__atomic_store_n(&c->next, nc, __ATOMIC_RELEASE);
		t->tail = c = nc;
		n = 0;
	}
	c->ev[n] = *ev;
	__atomic_store_n(&c->n, n + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&t->busy, 0, __ATOMIC_RELEASE);
}

/* The next published event of t not yet written, or NULL.  Frees chunks
 * the writer has finished with. */
static struct rt_event *peek(struct nthread *t)
{
	for (;;) {
		struct tchunk *c = t->head;
		if (!c)
			return NULL;
		uint32_t n = __atomic_load_n(&c->n, __ATOMIC_ACQUIRE);
		if (t->pos < n)
			return &c->ev[t->pos];
		if (n < TRACE_CHUNK)
			return NULL;
		struct tchunk *next = __atomic_load_n(&c->next, __ATOMIC_ACQUIRE);
		if (!next)
			return NULL;
		free(c);
		t->head = next;
		t->pos = 0;
	}
}

/* Write, in time order, every published event older than w. */
static void drain(int64_t w)
{
	int32_t nt = __atomic_load_n(&N.nthreads, __ATOMIC_ACQUIRE);
	for (;;) {
		struct nthread *best = NULL;
		struct rt_event *be = NULL;
		for (int32_t i = 0; i < nt; i++) {
			struct rt_event *e = peek(N.threads[i]);
			if (e && (!be || e->t_ns < be->t_ns)) {
				best = N.threads[i];
				be = e;
			}
		}
		if (!be || be->t_ns >= w)
			return;
		best->last_t = be->t_ns;
		best->pos++;
		tr_stats_add_inline(&N.stats, be); /* settled once, at the run's end */
		N.sink->event(N.sink, be);
	}
}

/* The watermark: no thread will publish an event older than this. */
static int64_t watermark(void)
{
	int64_t now = native_nanotime();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	int64_t w = now - WATERMARK_SLACK_NS;
	int32_t nt = __atomic_load_n(&N.nthreads, __ATOMIC_ACQUIRE);
	for (int32_t i = 0; i < nt; i++) {
		struct nthread *t = N.threads[i];
		if (__atomic_load_n(&t->busy, __ATOMIC_ACQUIRE)) {
			/* Its event in flight is no older than its last published
			 * one, which the writer may not have read yet: read it. */
			struct rt_event *e = peek(t);
			int64_t bound = e ? e->t_ns : t->last_t;
			if (bound < w)
				w = bound;
		}
	}
	return w;
}

static void *writer_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&N.writer_stop, __ATOMIC_ACQUIRE)) {
		drain(watermark());
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	drain(INT64_MAX);
	return NULL;
}

int native_writer_start(void)
{
	N.writer_stop = 0;
	return pthread_create(&N.writer, NULL, writer_main, NULL);
}

void native_writer_stop(void)
{
	__atomic_store_n(&N.writer_stop, 1, __ATOMIC_RELEASE);
	pthread_join(N.writer, NULL);
}
