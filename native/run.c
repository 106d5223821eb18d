/*
 * run.c - a program's life on the native backend: start m0 and the
 * writer, wait for the end, bring every M home, tear the runtime down.
 *
 * The calling thread runs no runtime code.  It waits on N.exiting (a
 * futex word) for the status, or for the wall-clock limit; then it kicks
 * every M that is not yet home (a futex wake on the word it sleeps on and
 * a SIGURG; see platform.c) every 100 us until all are, joins them, stops
 * the writer after its last drain, and only then frees the runtime's
 * memory (rt_teardown) and rewinds the stack pool.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "native_internal.h"
#include "runtime.h"

static struct {
	const struct rt_config *rt;
	int32_t gomaxprocs;
	void (*mainfn)(void *);
	void *mainarg;
} prog;

static void m0_entry(void)
{
	struct rt_config defaults;
	const struct rt_config *rc = prog.rt;
	if (rc == NULL) {
		rt_config_default(&defaults);
		rc = &defaults;
	}
	rt_rt0_go(rc, prog.gomaxprocs, prog.mainfn, prog.mainarg);
}

static int32_t ncpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int32_t)n : 1;
}

/* Wait until a status is written, or until deadline (INT64_MAX: none). */
static void wait_end(int64_t deadline)
{
	for (;;) {
		uint32_t e = __atomic_load_n(&N.exiting, __ATOMIC_ACQUIRE);
		if (e == 2)
			return;
		int64_t now = native_nanotime();
		if (now >= deadline) {
			uint32_t zero = 0;
			if (__atomic_compare_exchange_n(&N.exiting, &zero, 1, false,
			                                __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
				N.status = TR_TIME_LIMIT;
				snprintf(N.message, sizeof N.message,
				         "stopped at the time limit (%lld ns of wall-clock time)",
				         (long long)(deadline - 1000));
				__atomic_store_n(&N.exiting, 2, __ATOMIC_RELEASE);
				return;
			}
			continue; /* an M is writing its status */
		}
		struct timespec ts, *tsp = NULL;
		if (deadline != INT64_MAX) {
			int64_t d = deadline - now;
			ts.tv_sec = d / 1000000000;
			ts.tv_nsec = d % 1000000000;
			tsp = &ts;
		}
		syscall(SYS_futex, &N.exiting, FUTEX_WAIT_PRIVATE, e, tsp, NULL, 0);
	}
}

/* Bring every M home and join it. */
static void collect(void)
{
	int32_t n = __atomic_load_n(&N.nthreads, __ATOMIC_ACQUIRE);
	for (;;) {
		bool all = true;
		for (int32_t i = 0; i < n; i++) {
			struct nthread *t = N.threads[i];
			if (__atomic_load_n(&t->gone, __ATOMIC_ACQUIRE))
				continue;
			all = false;
			if (!__atomic_load_n(&t->started, __ATOMIC_ACQUIRE))
				continue; /* its creator is still in pthread_create */
			uint32_t *w = __atomic_load_n(&t->waiting_on, __ATOMIC_SEQ_CST);
			if (w)
				syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
			pthread_kill(t->tid, SIGURG);
		}
		/* An M that was starting a thread when the run ended may have
		 * started one more (registration and start are one step under
		 * threads_lock). */
		pthread_mutex_lock(&N.threads_lock);
		int32_t n2 = N.nthreads;
		pthread_mutex_unlock(&N.threads_lock);
		if (all && n2 == n)
			break;
		n = n2;
		struct timespec ts = {0, 100000};
		nanosleep(&ts, NULL);
	}
	for (int32_t i = 0; i < n; i++)
		if (N.threads[i]->started)
			pthread_join(N.threads[i]->tid, NULL);
}

int native_run_program(const struct native_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                       void *arg, struct native_result *res)
{
	memset(res, 0, sizeof *res);
	memset(&N, 0, sizeof N);
	pthread_mutex_init(&N.threads_lock, NULL);
	pthread_mutex_init(&N.stack_lock, NULL);
	N.threads = calloc(NATIVE_MAX_THREADS, sizeof *N.threads);
	if (!N.threads) {
		res->status = TR_VIOLATION;
		snprintf(res->message, sizeof res->message, "native: out of memory");
		return 1;
	}
	N.seed = cfg->seed;
	N.ncpu = ncpu();
	N.sink = cfg->sink;
	N.out = cfg->out;
	N.tracing = cfg->sink != NULL;
	tr_stats_init(&N.stats);
	N.status = TR_RUNNING;
	/* nanotime starts at 1 us: the runtime reads 0 as "no time" (lastpoll). */
	N.base = 0;
	N.base = native_nanotime() - 1000;
	native_signals_init();
	native_netpoll_open(); /* on failure the poller sleeps on its note */

	prog.rt = cfg->rt;
	prog.gomaxprocs = gomaxprocs;
	prog.mainfn = mainfn;
	prog.mainarg = arg;

	void *m0stack = arch_stack_alloc(NATIVE_M0_STACK);
	if (!m0stack || (N.tracing && native_writer_start() != 0) ||
	    !native_thread_new(NULL, m0stack, NATIVE_M0_STACK, m0_entry)) {
		res->status = TR_VIOLATION;
		snprintf(res->message, sizeof res->message,
		         "native: cannot start the first thread");
		native_netpoll_close();
		return 1;
	}
	int64_t deadline = cfg->max_time_ns > 0 ? native_nanotime() + cfg->max_time_ns : INT64_MAX;
	wait_end(deadline);
	collect();
	if (N.tracing)
		native_writer_stop();
	res->wall_ns = native_nanotime() - 1000;

	res->status = N.status;
	snprintf(res->message, sizeof res->message, "%s", N.message);
	tr_stats_settle(&N.stats); /* the writer folds events unsettled */
	res->stats = N.stats;
	res->threads = N.nthreads;

	rt_teardown();
	native_netpoll_close();
	for (int32_t i = 0; i < N.nthreads; i++) {
		native_trace_thread_free(N.threads[i]);
		free(N.threads[i]);
	}
	free(N.threads);
	pthread_mutex_destroy(&N.threads_lock);
	pthread_mutex_destroy(&N.stack_lock);
	arch_stack_free(m0stack, NATIVE_M0_STACK);
	arch_stack_release_all();
	enum tr_status st = res->status;
	memset(&N, 0, sizeof N);
	return tr_status_failed(st) ? 1 : 0;
}
