/*
 * platform.c - runtime/platform.h on a real machine: Ms are pthreads,
 * notes and the runtime lock are futexes, atomics are the compiler's,
 * time is CLOCK_MONOTONIC, preemption is SIGURG.
 *
 * Threads.  Every M is one pthread for life (Go's Ms never migrate
 * between OS threads either).  A pthread starts on a small stack of its
 * own (its "home"), switches at once to the M's g0 context - the g0 stack
 * the runtime allocated - and runs rt_mstart there; from then on it only
 * switches between g0 and goroutine contexts (arch/ctx.h).  m0 is a
 * pthread like the others: the thread that called native_run_program runs
 * no runtime code, it waits for the end of the run, then collects the Ms.
 *
 * Ending a run.  Go ends a program with exit(2); a library cannot, because
 * the caller still has a database to finish and assertions to check.  So
 * plat_exit (and throw, fatal, panic) records the status and sends its
 * thread home: it switches to the pthread's home context and returns
 * from the thread function.  The other Ms notice the run is over at their
 * next blocking point - every futex wait, sleep, yield, spend chunk and
 * context switch checks `exiting` - and go home too.  To reach an M that
 * is already asleep, the collecting thread repeats, until every M is
 * home: a futex wake on the word the M sleeps on (each M publishes it)
 * and a SIGURG, which interrupts nanosleep (the handler is installed
 * without SA_RESTART).  Nothing is freed until every M has been joined, so
 * an M that goes on for a few instructions after the end touches live
 * memory only.
 *
 * The runtime lock is Go's lock_futex.go: key 0 unlocked, 1 locked, 2
 * locked with sleepers.  lock spins (4 rounds of 30 PAUSEs, on more than
 * one CPU), yields once, then sleeps on the futex; unlock wakes one
 * sleeper only when the key was 2.  The uncontended lock and unlock are
 * one atomic exchange each: no system call.  A note is a futex word that
 * notewakeup sets to 1; notesleep sleeps while it is 0 (spurious wake-ups
 * just loop).
 *
 * Preemption.  plat_signalM sends SIGURG with pthread_kill.  The handler
 * only sets the M's sigpending flag (an atomic store: async-signal-safe);
 * plat_spend returns it at the end of the current spend chunk (at most
 * 10 us of CPU), and rt_spend then runs the runtime's doSigPreempt, on the
 * goroutine's own stack, outside any runtime code.  So a goroutine is
 * preempted asynchronously only between two chunks of a gs_spend: never
 * while its M holds a runtime lock, has m.locks > 0, runs on g0, or is in
 * a system call, because none of those is inside a spend.  Switching
 * stacks inside the handler itself (what Go's asyncPreempt does) would
 * also interrupt the program's own C code, but C code may hold a libc
 * lock (malloc's) or a thread-local address (errno) that would be wrong
 * once the goroutine resumes on another thread; Go does not preempt C
 * code either.  A goroutine that loops in C without calling gs_ is not
 * preempted; every gs_ call is a cooperative preemption point.
 *
 * Memory order: the plain atomics are sequentially consistent (Go's
 * atomics are), the acq/rel variants acquire/release, as platform.h says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arch/ctx.h"
#include "native_internal.h"
#include "runtime.h"

struct native_state N;

static __thread struct nthread *self_tls __attribute__((tls_model("initial-exec")));
static __thread struct g *g_tls __attribute__((tls_model("initial-exec")));

/* The thread's record.  Not inlined: after a context switch a goroutine
 * may continue on another thread, and a compiler may keep a thread-local
 * address computed before the switch; a fresh call computes it anew. */
__attribute__((noinline)) struct nthread *native_self(void)
{
	return self_tls;
}

/* ---- time ---- */

static int64_t mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cputime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t native_nanotime(void)
{
	return mono() - N.base;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* ---- ending the run ---- */

/* Switch to this pthread's home context: the thread function returns. */
_Noreturn void native_go_home(void)
{
	struct nthread *t = native_self();
	arch_ctx_switch(&t->gone_ctx, &t->home, true);
	abort(); /* home never switches back */
}

static inline void check_exit(void)
{
	if (__builtin_expect(__atomic_load_n(&N.exiting, __ATOMIC_RELAXED) != 0, 0))
		native_go_home();
}

_Noreturn void native_end(enum tr_status status, const char *msg)
{
	uint32_t zero = 0;
	if (__atomic_compare_exchange_n(&N.exiting, &zero, 1, false, __ATOMIC_SEQ_CST,
	                                __ATOMIC_RELAXED)) {
		N.status = status;
		snprintf(N.message, sizeof N.message, "%s", msg ? msg : "");
		__atomic_store_n(&N.exiting, 2, __ATOMIC_RELEASE); /* status written */
		syscall(SYS_futex, &N.exiting, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	}
	native_go_home();
}

/* ---- futexes ---- */

/* Sleep on addr while it holds val, at most ns (< 0: no limit).  May
 * return spuriously; the callers loop. */
static void futexsleep(uint32_t *addr, uint32_t val, int64_t ns)
{
	struct nthread *t = native_self();
	struct timespec ts, *tsp = NULL;
	if (ns >= 0) {
		ts.tv_sec = ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		tsp = &ts;
	}
	__atomic_store_n(&t->waiting_on, addr, __ATOMIC_SEQ_CST);
	check_exit();
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tsp, NULL, 0);
	__atomic_store_n(&t->waiting_on, NULL, __ATOMIC_RELAXED);
	check_exit();
}

static void futexwakeup(uint32_t *addr, int cnt)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, cnt, NULL, NULL, 0);
}

/* ---- atomics ---- */

/* The plat_ atomics are arch/machine.h's inline functions: the runtime
 * and this backend are compiled with PLAT_MACHINE_INLINE. */

#define SC __ATOMIC_SEQ_CST

/* ---- the runtime lock (lock_futex.go) ---- */

enum { mutex_unlocked = 0, mutex_locked = 1, mutex_sleeping = 2 };
enum { active_spin = 4, active_spin_cnt = 30, passive_spin = 1 };

void plat_lock(struct plat_mutex *l)
{
	/* Speculative grab for lock. */
	uint32_t v = __atomic_exchange_n(&l->key, mutex_locked, SC);
	if (__builtin_expect(v == mutex_unlocked, 1))
		goto locked;

	/* wait is either MUTEX_LOCKED or MUTEX_SLEEPING depending on whether
	 * there is a thread sleeping on this mutex.  If we ever change l->key
	 * from MUTEX_SLEEPING to some other value, we must be careful to
	 * change it back to MUTEX_SLEEPING before returning, to ensure that
	 * the sleeping thread gets its wakeup call. */
	uint32_t wait = v;
	/* On uniprocessors, no point spinning.  On multiprocessors, spin for
	 * ACTIVE_SPIN attempts. */
	int spin = N.ncpu > 1 ? active_spin : 0;
	for (;;) {
		/* Try for lock, spinning. */
		for (int i = 0; i < spin; i++) {
			while (__atomic_load_n(&l->key, __ATOMIC_RELAXED) == mutex_unlocked) {
				uint32_t z = mutex_unlocked;
				if (__atomic_compare_exchange_n(&l->key, &z, wait, false, SC,
				                                __ATOMIC_RELAXED))
					goto locked;
			}
			plat_procyield(active_spin_cnt);
		}
		/* Try for lock, rescheduling. */
		for (int i = 0; i < passive_spin; i++) {
			while (__atomic_load_n(&l->key, __ATOMIC_RELAXED) == mutex_unlocked) {
				uint32_t z = mutex_unlocked;
				if (__atomic_compare_exchange_n(&l->key, &z, wait, false, SC,
				                                __ATOMIC_RELAXED))
					goto locked;
			}
			plat_osyield();
		}
		/* Sleep. */
		v = __atomic_exchange_n(&l->key, mutex_sleeping, SC);
		if (v == mutex_unlocked)
			goto locked;
		wait = mutex_sleeping;
		futexsleep(&l->key, mutex_sleeping, -1);
	}
locked:
	__atomic_store_n(&l->owner, native_self(), __ATOMIC_RELAXED);
}

void plat_unlock(struct plat_mutex *l)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	uint32_t v = __atomic_exchange_n(&l->key, mutex_unlocked, SC);
	if (v == mutex_unlocked)
		rt_throw("unlock of unlocked lock");
	if (v == mutex_sleeping)
		futexwakeup(&l->key, 1);
}

void plat_assertLockHeld(struct plat_mutex *l)
{
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != native_self())
		rt_throw("assertLockHeld: lock not held");
}

/* ---- notes ---- */

/* lock_futex.go's note, with a third state so that a wake-up makes a
 * system call only when the sleeper is in (or on its way into) the
 * kernel: key 0 clear, 1 woken, 2 clear with a sleeper.  notesleep spins
 * a little first (note_spin PAUSEs, about a microsecond or two, only with
 * more than one CPU): an M parked by stopm is often woken again by the
 * next wakep within that time, and then neither side enters the kernel.
 * Spurious futex returns just loop. */
enum { note_clear = 0, note_woken = 1, note_sleeper = 2, note_spin = 64 };

void plat_noteclear(struct plat_note *n)
{
	__atomic_store_n(&n->key, note_clear, SC);
}

void plat_notewakeup(struct plat_note *n)
{
	uint32_t old = __atomic_exchange_n(&n->key, note_woken, SC);
	if (old == note_woken)
		rt_throw("notewakeup - double wakeup");
	if (old == note_sleeper)
		futexwakeup(&n->key, 1);
}

/* Spin briefly for a wake-up; true if it came. */
static bool note_spinwait(struct plat_note *n)
{
	if (N.ncpu > 1)
		for (int i = 0; i < note_spin; i++) {
			if (__atomic_load_n(&n->key, __ATOMIC_ACQUIRE) == note_woken)
				return true;
			cpu_relax();
		}
	return __atomic_load_n(&n->key, SC) == note_woken;
}

/* Announce a sleeper: false if the note was woken meanwhile. */
static bool note_announce(struct plat_note *n)
{
	uint32_t v = note_clear;
	if (__atomic_compare_exchange_n(&n->key, &v, note_sleeper, false, SC, SC))
		return true;
	if (v == note_woken)
		return false;
	return true; /* already announced (a second round of notetsleep) */
}

void plat_notesleep(struct plat_note *n)
{
	if (note_spinwait(n))
		return;
	while (note_announce(n))
		futexsleep(&n->key, note_sleeper, -1);
}

bool plat_notetsleep(struct plat_note *n, int64_t ns)
{
	if (ns < 0) {
		plat_notesleep(n);
		return true;
	}
	if (note_spinwait(n))
		return true;
	int64_t deadline = native_nanotime() + ns;
	for (;;) {
		if (!note_announce(n))
			return true;
		futexsleep(&n->key, note_sleeper, ns);
		if (__atomic_load_n(&n->key, SC) == note_woken)
			return true;
		int64_t now = native_nanotime();
		if (now >= deadline)
			return false;
		ns = deadline - now;
	}
}

/* ---- the network poller (netpoll_epoll.go) ---- */

/* One epoll instance per run, watching one eventfd: netpollBreak's
 * wake-up is a write to the eventfd, as in Go, and the polling M blocks
 * in epoll_pwait2 (a timeout in ns: the runtime has already rounded it
 * to epoll's whole milliseconds where Go does, and a modelled descriptor
 * becomes ready at its own ns).  The scenario language has no file
 * descriptors, so the eventfd is the only one; the runtime's model
 * (runtime/netpoll.c) still says which "descriptor" is ready when.  The
 * note's key says woken, as for a note: the wake-up exchanges 1 in
 * before writing, so a poller that sees the eventfd readable sees the key
 * too; an eventfd count left by a wake-up that raced with the poller's
 * return is drained by the next wait as a spurious return, which loops. */
int native_netpoll_open(void)
{
	N.epfd = N.evfd = -1;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -1;
	int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ev < 0) {
		close(ep);
		return -1;
	}
	struct epoll_event e = {.events = EPOLLIN, .data.fd = ev};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) != 0) {
		close(ev);
		close(ep);
		return -1;
	}
	N.epfd = ep;
	N.evfd = ev;
	return 0;
}

void native_netpoll_close(void)
{
	if (N.evfd >= 0)
		close(N.evfd);
	if (N.epfd >= 0)
		close(N.epfd);
	N.epfd = N.evfd = -1;
}

static void eventfd_drain(void)
{
	uint64_t v;
	while (read(N.evfd, &v, sizeof v) < 0 && errno == EINTR)
		;
}

void plat_netpollwakeup(struct plat_note *n)
{
	if (N.evfd < 0) {
		plat_notewakeup(n);
		return;
	}
	if (__atomic_exchange_n(&n->key, note_woken, SC) == note_woken)
		rt_throw("notewakeup - double wakeup");
	uint64_t one = 1;
	while (write(N.evfd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

bool plat_netpollwait(struct plat_note *n, int64_t ns)
{
	if (N.evfd < 0) {
		if (ns < 0) {
			plat_notesleep(n);
			return true;
		}
		return plat_notetsleep(n, ns);
	}
	int64_t now = native_nanotime();
	int64_t deadline = ns < 0 || ns > INT64_MAX - now ? INT64_MAX : now + ns;
	for (;;) {
		if (__atomic_load_n(&n->key, SC) == note_woken) {
			eventfd_drain();
			return true;
		}
		struct timespec ts, *tsp = NULL;
		if (deadline != INT64_MAX) {
			int64_t left = deadline - native_nanotime();
			if (left <= 0)
				return false;
			ts.tv_sec = left / 1000000000;
			ts.tv_nsec = left % 1000000000;
			tsp = &ts;
		}
		struct epoll_event e;
		check_exit();
		/* No SA_RESTART matters here: epoll never restarts; the end of
		 * the run's SIGURG returns EINTR. */
		int r = epoll_pwait2(N.epfd, &e, 1, tsp, NULL);
		check_exit();
		if (r > 0 && __atomic_load_n(&n->key, SC) != note_woken)
			eventfd_drain(); /* a stale count: a spurious return */
	}
}

/* ---- CPUs, time, yielding ---- */

int32_t plat_ncpu(void)
{
	return N.ncpu;
}

int64_t plat_nanotime(void)
{
	return native_nanotime();
}

/* Sleep ns in the kernel, waking early only to leave a finished run. */
static void sleep_ns(int64_t ns)
{
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	check_exit();
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		check_exit();
	check_exit();
}

void plat_usleep(uint32_t us)
{
	sleep_ns((int64_t)us * 1000);
}

void plat_osyield(void)
{
	check_exit();
	sched_yield();
}

void plat_procyield(uint32_t cycles)
{
	for (uint32_t i = 0; i < cycles; i++)
		cpu_relax();
}

/* Only sysmon prints (schedtrace); stdio's own lock orders the writes. */
void plat_print(const char *s, size_t n)
{
	if (N.out)
		fwrite(s, 1, n, N.out);
}

/* ---- threads ---- */

static void m_entry(void)
{
	rt_mstart(native_self()->m);
}

static void *thread_main(void *arg)
{
	struct nthread *t = arg;
	self_tls = t;
	g_tls = NULL;
	arch_ctx_switch(&t->home, &t->first, false);
	/* Home: the run is over (native_go_home). */
	__atomic_store_n(&t->gone, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Register a thread record for mp whose first context is entry on the
 * given stack, and start its pthread: one step under threads_lock, so that
 * the collecting thread (run.c) never sees a registered thread that is not
 * started. */
struct nthread *native_thread_new(struct m *mp, void *stack, size_t size, void (*entry)(void))
{
	struct nthread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->m = mp;
	arch_ctx_make(&t->first, stack, size, entry);
	if (N.tracing && native_trace_thread_init(t) != 0) {
		free(t);
		return NULL;
	}
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	/* The home stack holds thread_main's frame and a sanitizer's; the M
	 * itself runs on its g0 stack. */
	pthread_attr_setstacksize(&attr, NATIVE_HOME_STACK);
	pthread_mutex_lock(&N.threads_lock);
	int32_t n = N.nthreads;
	if (n == NATIVE_MAX_THREADS) {
		pthread_mutex_unlock(&N.threads_lock);
		pthread_attr_destroy(&attr);
		native_trace_thread_free(t);
		free(t);
		return NULL;
	}
	/* Published before the thread runs: the writer's watermark must see
	 * every thread that can make an event. */
	t->id = n;
	N.threads[n] = t;
	__atomic_store_n(&N.nthreads, n + 1, __ATOMIC_RELEASE);
	if (pthread_create(&t->tid, &attr, thread_main, t) != 0) {
		/* Stays registered, with no event and nothing to join. */
		__atomic_store_n(&t->gone, 1, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&N.threads_lock);
		pthread_attr_destroy(&attr);
		return NULL;
	}
	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&N.threads_lock);
	pthread_attr_destroy(&attr);
	return t;
}

void plat_newosproc(struct m *mp, void *stack, size_t size)
{
	if (!native_thread_new(mp, stack, size, m_entry))
		rt_throw("newosproc: cannot create a thread");
}

_Noreturn void plat_exit(int code)
{
	if (code == 0)
		native_end(TR_COMPLETE, NULL);
	char msg[64];
	snprintf(msg, sizeof msg, "exit status %d", code);
	native_end(TR_VIOLATION, msg);
}

_Noreturn void plat_throw(const char *msg)
{
	native_end(TR_VIOLATION, msg);
}

_Noreturn void plat_fatal(const char *msg)
{
	native_end(TR_DEADLOCK, msg);
}

_Noreturn void plat_panic(const char *msg)
{
	native_end(TR_PANIC, msg);
}

/* ---- preemption ---- */

static void sigurg(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)info;
	(void)uc;
	struct nthread *t = self_tls;
	if (t)
		__atomic_store_n(&t->sigpending, 1, __ATOMIC_RELAXED);
}

void native_signals_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, native_signals_install);
}

void native_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = sigurg;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: a sleep in the kernel returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGURG, &sa, NULL);
}

void plat_signalM(struct m *mp)
{
	int32_t n = __atomic_load_n(&N.nthreads, __ATOMIC_ACQUIRE);
	for (int32_t i = 0; i < n; i++) {
		struct nthread *t = N.threads[i];
		if (__atomic_load_n(&t->m, __ATOMIC_RELAXED) == mp) {
			if (__atomic_load_n(&t->started, __ATOMIC_ACQUIRE))
				pthread_kill(t->tid, SIGURG);
			return;
		}
	}
}

/* ---- stacks and contexts ---- */

/* The machine's limit, not the scheduler's fault: status oom, with what
 * the program held. */
static _Noreturn void out_of_memory(const char *what, size_t size)
{
	pthread_mutex_lock(&N.stack_lock);
	long long nstacks = (long long)N.nstacks;
	int64_t bytes = N.stack_bytes + __atomic_load_n(&N.mem_bytes, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&N.stack_lock);
	char msg[sizeof N.message];
	snprintf(msg, sizeof msg,
	         "out of memory: no %zu bytes for %s, with %lld stacks alive (goroutines and Ms) "
	         "and %.1f MiB taken (stacks and the runtime's objects)",
	         size, what, nstacks, (double)bytes / (1024.0 * 1024.0));
	native_end(TR_OOM, msg);
}

void *plat_alloc(const char *what, size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		out_of_memory(what, size);
	__atomic_add_fetch(&N.mem_bytes, (int64_t)size, __ATOMIC_RELAXED);
	return p;
}

void *plat_realloc(const char *what, void *p, size_t old, size_t size)
{
	void *n = realloc(p, size);
	if (!n)
		out_of_memory(what, size);
	__atomic_add_fetch(&N.mem_bytes, (int64_t)size - (int64_t)old, __ATOMIC_RELAXED);
	return n;
}

void plat_free(void *p, size_t size)
{
	if (p)
		__atomic_sub_fetch(&N.mem_bytes, (int64_t)size, __ATOMIC_RELAXED);
	free(p);
}

void *plat_stackalloc(size_t size)
{
	pthread_mutex_lock(&N.stack_lock);
	void *s = arch_stack_alloc(size);
	if (s) {
		N.nstacks++;
		N.stack_bytes += (int64_t)size;
	}
	pthread_mutex_unlock(&N.stack_lock);
	if (!s)
		out_of_memory("a goroutine's or an M's stack", size);
	return s;
}

/* A g lives apart from its stack, in malloc's heap with the Ms and Ps,
 * as Go's do in its heap: sysmon writes the running g's preempt flag, and
 * on a g alone on its stack's page that store waited for a page walk of
 * up to 4.5 us (docs/native.md, "Where a g lives"). */
bool plat_g_apart(void)
{
	return true;
}

void plat_stackfree(void *stack, size_t size)
{
	pthread_mutex_lock(&N.stack_lock);
	N.nstacks--;
	N.stack_bytes -= (int64_t)size;
	arch_stack_free(stack, size);
	pthread_mutex_unlock(&N.stack_lock);
}

void plat_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void))
{
	arch_ctx_make(c, stack, size, entry);
}

void plat_ctx_switch(struct plat_ctx *save, struct plat_ctx *to)
{
	check_exit();
	arch_ctx_switch(save, to, false);
	/* Possibly on another thread now: nothing thread-local is used here. */
}

struct g *plat_getg(void)
{
	return g_tls;
}

void plat_setg(struct g *gp)
{
	g_tls = gp;
	if (gp && gp->m) {
		struct nthread *t = self_tls;
		if (t->m == NULL)
			__atomic_store_n(&t->m, gp->m,
			                 __ATOMIC_RELAXED); /* m0's thread learns it */
	}
}

uint64_t plat_mseed(int64_t id)
{
	uint64_t z = N.seed ^ ((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15)) ^ (uint64_t)mono();
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* ---- workload ---- */

/* How much CPU time may pass between two spend chunks of one goroutine
 * on one thread for the second to continue the first: rt_spend's loop
 * between them is well under it, a trip through the scheduler is not. */
enum { spend_chain_ns = 5000 };

/* A spend shorter than this that does not continue the same goroutine's
 * last one is timed by the monotonic clock, which the vDSO reads without
 * a system call: two readings of the CPU clock cost microseconds, thirty
 * times a 270 ns spend (docs/native.md).  It is rt_spend's chunk, so the
 * chunks of a long spend keep the CPU clock. */
enum { short_spend_ns = 10000 };

/* Burn ns of this thread's CPU time: on a loaded machine the chunk takes
 * longer in wall time, but the work done is the same.  Reading the clock
 * is a system call, so a chunk burns past its end by up to a poll round
 * and a reading; a chunk that continues the same goroutine's last one
 * (rt_spend's next chunk) starts where that one was to end, so that the
 * overshoot and the time between the chunks count as spent. */
bool plat_spend(int64_t ns)
{
	struct nthread *t = native_self();
	struct g *gp = g_tls;
	if (ns < short_spend_ns && t->spend_g != gp) {
		/* A short spend on its own: the OS taking the core during
		 * these few microseconds would shorten the work, rarely. */
		int64_t end = mono() + ns;
		while (mono() < end)
			cpu_relax();
		t->spend_g = NULL;
		check_exit();
		return __atomic_exchange_n(&t->sigpending, 0, __ATOMIC_RELAXED) != 0;
	}
	int64_t now = cputime();
	int64_t start = now;
	if (t->spend_g == gp && now - t->spend_last <= spend_chain_ns)
		start = t->spend_end;
	int64_t end = start + ns;
	while (now < end) {
		for (int i = 0; i < 16; i++)
			cpu_relax();
		now = cputime();
	}
	t->spend_g = gp;
	t->spend_end = end;
	t->spend_last = now;
	check_exit();
	return __atomic_exchange_n(&t->sigpending, 0, __ATOMIC_RELAXED) != 0;
}

/* A blocking system call: the thread really sleeps in the kernel, so
 * sysmon sees its P in _Psyscall and retakes it after 20 us. */
void plat_syscall(int64_t ns)
{
	sleep_ns(ns);
}
