/*
 * native_internal.h - what the native backend's files share: the thread
 * records, the run's global state, the trace buffers.
 */
#ifndef GSCHED_NATIVE_INTERNAL_H
#define GSCHED_NATIVE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/ctx.h"
#include "native.h"
#include "platform.h"

#define NATIVE_MAX_THREADS 10240        /* above Go's maxmcount (10000) */
#define NATIVE_HOME_STACK  (256 * 1024) /* a pthread's own stack: thread_main only */
#define NATIVE_M0_STACK    (256 * 1024)

/* A chunk of one thread's events.  Only the thread writes ev[] and
 * publishes n (release); only the writer thread reads them (acquire). */
#define TRACE_CHUNK 1024
struct tchunk {
	struct tchunk *next; /* set (release) by the producer when the chunk is full */
	uint32_t n;          /* events published */
	struct rt_event ev[TRACE_CHUNK];
};

/* One OS thread of the run: an M. */
struct nthread {
	pthread_t tid;
	int32_t id;
	uint32_t started;         /* atomic: pthread_create succeeded, tid is valid */
	uint32_t gone;            /* atomic: went home (the thread function returned) */
	struct m *m;              /* atomic (m0's thread learns it in plat_setg) */
	uint32_t *waiting_on;     /* atomic: the futex word the thread sleeps on, or NULL */
	uint32_t sigpending;      /* atomic: a SIGURG arrived and was not yet reported */
	struct plat_ctx home;     /* the pthread's own stack */
	struct plat_ctx first;    /* the M's first context (g0) */
	struct plat_ctx gone_ctx; /* where native_go_home saves what is never resumed */

	/* plat_spend's chain: the goroutine of the last spend chunk on this
	 * thread, the CPU time that chunk was to end at, and when it did. */
	struct g *spend_g;
	int64_t spend_end, spend_last;

	/* Trace buffer.  tail/busy: the producer's; head/pos/last_t: the
	 * writer's. */
	struct tchunk *tail;
	uint32_t busy; /* atomic: between taking an event's time and publishing it */
	struct tchunk *head;
	uint32_t pos;
	int64_t last_t; /* time of the last event the writer has seen from this thread */
};

struct native_state {
	/* The run. */
	uint64_t seed;
	int64_t base; /* CLOCK_MONOTONIC at the start; nanotime counts from here (+1 us) */
	int32_t ncpu;
	bool tracing;
	struct tr_sink *sink;
	FILE *out; /* plat_print's destination, or NULL */

	/* The network poller (platform.c): an epoll instance watching an
	 * eventfd, netpollBreak's wake-up.  -1 when they could not be made:
	 * the poller then sleeps on its note's futex. */
	int epfd, evfd;

	/* The end: 0 running, 1 ending, 2 status written (futex word). */
	uint32_t exiting;
	enum tr_status status;
	char message[256];

	pthread_mutex_t threads_lock; /* serialises registration */
	struct nthread **threads;     /* NATIVE_MAX_THREADS slots */
	int32_t nthreads;             /* atomic (release when a slot is filled) */

	pthread_mutex_t stack_lock;   /* arch/stack.c is not thread-safe */
	int64_t nstacks, stack_bytes; /* stacks alive (plat_stackalloc); under stack_lock */
	int64_t mem_bytes;            /* atomic: the runtime's objects alive (plat_alloc) */

	/* The writer thread (trace.c). */
	pthread_t writer;
	uint32_t writer_stop; /* atomic: every M is home; drain all and stop */
	struct tr_stats stats;
};

extern struct native_state N;

struct nthread *native_self(void);
int64_t native_nanotime(void);
_Noreturn void native_go_home(void);
_Noreturn void native_end(enum tr_status status, const char *msg);
struct nthread *native_thread_new(struct m *mp, void *stack, size_t size, void (*entry)(void));
void native_signals_init(void);
void native_signals_install(void);
int native_netpoll_open(void);
void native_netpoll_close(void);

/* trace.c */
int native_trace_thread_init(struct nthread *t);
void native_trace_thread_free(struct nthread *t);
int native_writer_start(void);
void native_writer_stop(void);

#endif
