/*
 * engine.c - the discrete-event engine behind the virtual platform.
 *
 * Every M (and, in sim_run_threads, every plain thread) is a virtual
 * thread: a coroutine on this one OS thread with its own virtual clock.
 * Goroutines are coroutines too, but they are not threads: an M switches
 * into a goroutine's context (gogo) and back (mcall), and the engine only
 * ever suspends and resumes whole Ms, in whatever context each is in.
 *
 * Each platform operation is a yield point: the calling thread's clock
 * advances by the operation's cost (cost.h), then the strategy picks the
 * thread to run next among the eligible ones - the runnable threads whose
 * clock is within `window` ns of the earliest.  window=0 is a strict
 * discrete-event simulation (earliest clock first, ties broken by the
 * strategy's seeded stream); window=inf is free interleaving.  A choice
 * among two or more threads is a decision.
 *
 * Invariants:
 *   - exactly one thread runs at a time (S.cur); a switch happens only
 *     inside a platform operation, never in between, so each operation
 *     is atomic: the simulator models a sequentially consistent machine;
 *   - a blocked thread (note without timeout, contended mutex) is not in
 *     the eligible set; the one that wakes it puts it back with its clock
 *     raised to the wake time;
 *   - nothing here reads a wall clock, an address or hash order: the
 *     run is a function of the config and the program.
 *
 * The eligible set is kept twice.  S.elig lists it in its own order
 * (a thread is appended when it becomes eligible; one that leaves is
 * replaced by the last): the strategy sees a decision's candidates in
 * this order, and a recorded schedule indexes it, so it is part of the
 * determinism contract.  S.heap holds the same threads as a binary
 * min-heap by clock, which answers the window rule's two questions -
 * who is earliest (the root) and is it alone within the window (its two
 * children) - in O(1), at O(log n) per change of a clock.  A yield point
 * whose thread is the root and stays below a precomputed bound (the next
 * clock less the window) changes nothing and returns at once: under
 * window 0 that is most of them.
 *
 * Alternatives not taken: scanning the set at each yield point (what
 * this engine did: O(n), and the scans were a quarter of a simulated
 * run's time with five threads); a heap alone, with decisions in heap
 * order (cheaper, but the order the strategy sees would change, and with
 * it every trace hash and recorded schedule); a sorted list (O(n) to
 * re-insert the running thread at every yield).
 *
 * A run ends when the program exits, when a throw or fatal fires, when
 * no thread is eligible (deadlock: every thread blocked), or at the step
 * or time limit; the ending thread switches back to the engine's own
 * context, and the other coroutines are simply never resumed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ctx.h"
#include "cost.h"
#include "noise.h"
#include "runtime.h"
#include "sim.h"
#include "stats_add.h"
#include "strategy.h"

enum { T_RUNNABLE, T_BLOCKED, T_DONE };

struct sim_thread {
	int id;
	int state;
	int eidx; /* index in S.elig, -1 if not eligible */
	int hidx; /* index in S.heap, -1 if not eligible */
	int64_t clock;
	bool sigpending;     /* a preemption signal (plat_signalM) not yet delivered */
	bool timed;          /* in notetsleep: clock is the deadline */
	bool sleeping;       /* in usleep or a syscall: clock is the wake time */
	bool woken;          /* timed, and woken before its deadline: about to run */
	bool writes;         /* PCT under window 0: stopped at a yield point before a write */
	int64_t sleep_start; /* when a timed sleep began */
	int64_t os_next;     /* noise: the clock at which the OS next takes this thread's core;
	                        pushed back by the time the thread spends off its core */
	int64_t away_from, away_to; /* noise: the last time the OS kept it off its core */
	struct plat_ctx ctx;
	struct g *g;        /* plat_getg() while this thread is switched out */
	struct m *m;        /* the M this thread embodies (program mode) */
	void (*fn)(void *); /* plain-thread mode */
	void *arg;
	void *ownstack; /* a stack the engine allocated for this thread */
	size_t ownstacksize;
	int64_t g0_left; /* its M's g0's context: the clock when it was last switched out (0:
	                    never); a goroutine's is in its ctx_room */
	struct sim_thread *next_waiter; /* mutex wait queue */
	int64_t lock_wait_start;        /* when it began waiting for a runtime lock */
	const char *blocked_on;         /* "note" or "lock", for deadlock messages */
};

static struct {
	const struct sim_config *cfg;
	struct sim_thread **threads;
	int nthreads, capthreads;
	/* The eligible set, twice: S.elig in the set's order (the order the
	 * strategy's candidates are listed in), S.heap a binary min-heap of
	 * the same threads by (clock, id), for the window rule.  Both have
	 * nelig entries; S.cand is scratch space for the candidates of one
	 * decision. */
	struct sim_thread **elig;
	struct sim_thread **heap;
	struct sim_thread **cand;
	int *dfs; /* in_window's stack of heap indices */
	int nelig;
	/* The fast path of a yield point: while the thread at the heap's
	 * root runs with a clock at most `bound`, it is alone in the window
	 * (and the run within its time limit), so it goes on without a
	 * decision or any change to the heap.  Set by reschedule for the
	 * root it picks; INT64_MIN (no fast path) after any other change to
	 * the eligible set or the heap, and under free interleaving with two
	 * or more threads eligible.  So a bound above INT64_MIN is always
	 * that of S.cur at the heap's root, and the fast path need not look
	 * at the heap. */
	int64_t bound;
	/* S.cur's clock has passed `bound` outside a yield point (charge)
	 * and the heap has not been told: S.cur may sit above threads that
	 * are now earlier.  Whatever reads or changes the heap next puts it
	 * right first (settle; reschedule does so anyway).  Clocks only grow,
	 * and a sift down takes the same path whatever the key, so settling
	 * once after several charges leaves the heap as settling after each
	 * would have. */
	bool unsettled;
	int64_t time_limit; /* max_time_ns, or INT64_MAX */
	int64_t window;     /* cfg->window_ns, SIM_WINDOW_INF for every value that means it */
	struct sim_thread *cur;
	struct g *curg;
	struct plat_ctx engine;
	uint64_t rng;             /* the strategy's stream */
	struct sim_noise noise;   /* the noise model and its stream */
	int64_t fit[SIM_FIT_MAX]; /* cost.h's SIM_FIT_PARAMS, or the run's overrides */
	/* Yield points: a countdown from steps_budget (cfg->max_steps, or
	 * INT64_MAX without one), which the fast path decrements and tests
	 * in one instruction; steps() is the count so far. */
	int64_t steps_left, steps_budget;
	int64_t decisions;
	int64_t hold;             /* pct under window 0: SIM_PCT_HOLD_NS, else 0 */
	int64_t gap;              /* a finite window: the larger of window and hold */
	int64_t hold_points;      /* its hold points so far */
	struct sim_strat strat;   /* a strategy other than the random walk (strategy.c) */
	enum sim_ykind ykind;     /* the kind of the yield point being decided */
	int *ids;                 /* scratch: the candidates' thread ids, for strat */
	uint32_t *lagmap;         /* scratch: PCT under free interleaving, the candidates kept */
	int64_t work_steps;       /* of steps, those in the program's own work: spend, syscall */
	struct sim_decision *rec; /* recorded decisions (cfg->record) */
	int64_t preemptions;      /* with rec: decisions that switched away from S.cur */
	size_t nrec, caprec;
	int64_t departed_decision;
	uint64_t departed_event;
	struct tr_stats stats;
	enum tr_status status;
	char message[256];
	int32_t ncpu;                 /* plat_ncpu() */
	int64_t nstacks, stack_bytes; /* goroutine and M stacks alive (plat_stackalloc) */
	int64_t mem_bytes;            /* the runtime's objects alive (plat_alloc) */
	/* program mode */
	int32_t gomaxprocs;
	void (*mainfn)(void *);
	void *mainarg;
} S;

/* The yield points so far. */
static inline int64_t steps(void)
{
	return S.steps_budget - S.steps_left;
}

#define M0_STACK_SIZE (256 * 1024)

/* Virtual time saturates at SIM_TIME_MAX (sim.h): every addition to a
 * clock goes through tadd, so that no cost, sleep, window or deadline a
 * user gives (a file can hold any int64) overflows.  A run that reaches
 * it simply has every later event at that time; the time limit, if any,
 * ends it first. */
static inline int64_t tadd(int64_t t, int64_t d)
{
	/* The common case first, in one unsigned add and one compare: a sum
	 * in [0, SIM_TIME_MAX] is exact in unsigned arithmetic, and every
	 * other (negative, past the maximum, or overflowing) wraps or lands
	 * above SIM_TIME_MAX, and takes the exact path. */
	uint64_t u = (uint64_t)t + (uint64_t)d;
	if (__builtin_expect(u <= (uint64_t)SIM_TIME_MAX, 1))
		return (int64_t)u;
	int64_t r;
	if (__builtin_add_overflow(t, d, &r) || r > SIM_TIME_MAX)
		return d < 0 ? t : SIM_TIME_MAX;
	return r;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t sim_stream_seed(uint64_t seed, enum sim_stream stream, uint64_t index)
{
	uint64_t x = seed ^ ((uint64_t)stream * UINT64_C(0xd1b54a32d192ed03));
	uint64_t a = splitmix64(&x);
	x = a ^ (index * UINT64_C(0x8cb92ba72f3d8dd7));
	return splitmix64(&x);
}

static _Noreturn void stop(enum tr_status status, const char *msg);

/* The candidate with the earliest clock (the first of equals). */
static uint32_t earliest(uint32_t n, struct sim_thread *const cand[])
{
	uint32_t lo = 0;
	for (uint32_t i = 1; i < n; i++)
		if (cand[i]->clock < cand[lo]->clock)
			lo = i;
	return lo;
}

/* The strategy: which of the n >= 2 candidates runs next.  cand[] lists
 * them in the eligible set's order (the order a recorded schedule's
 * picks index), each with its id and clock; S.cur is the thread that
 * yielded, which may or may not be among them (cur: its index, or -1).
 * `random` is a uniform draw from the strategy's stream, kept here so
 * that it draws what it always drew; the others are strategy.c's.  This
 * is the one place a strategy decides; replay and recording are
 * decide()'s. */
static uint32_t strategy_pick(uint32_t n, struct sim_thread *const cand[], int cur)
{
	if (S.strat.kind == SIM_STRATEGY_RANDOM)
		return (uint32_t)(((splitmix64(&S.rng) >> 32) * n) >> 32);
	for (uint32_t i = 0; i < n; i++)
		S.ids[i] = cand[i]->id;
	/* Swarm holds the yielding thread on (a kind turned off) only while
	 * no other candidate lags it by more than SIM_SWARM_HOLD_NS. */
	if (S.strat.kind == SIM_STRATEGY_SWARM && cur >= 0) {
		int64_t lag = cand[cur]->clock - SIM_SWARM_HOLD_NS;
		for (uint32_t i = 0; i < n; i++)
			if (cand[i]->clock < lag) {
				cur = -1;
				break;
			}
	}
	/* PCT under free interleaving picks among the candidates within
	 * SIM_FREE_LAG_NS of the earliest one: its priorities would
	 * otherwise keep a thread whose time has come (sysmon, an M woken
	 * from its note) off every core for as long as a higher one runs. */
	if (S.strat.kind == SIM_STRATEGY_PCT && S.window == SIM_WINDOW_INF) {
		int64_t hi = tadd(cand[earliest(n, cand)]->clock, SIM_FREE_LAG_NS);
		uint32_t m = 0;
		int c = -1;
		for (uint32_t i = 0; i < n; i++)
			if (cand[i]->clock <= hi) {
				if ((int)i == cur)
					c = (int)m;
				S.ids[m] = cand[i]->id; /* m <= i: all kept, S.ids is as it was */
				S.lagmap[m++] = i;
			}
		if (m < n)
			return S.lagmap[sim_strat_pick(&S.strat, m, S.ids, c, S.ykind, S.decisions,
			                               &S.rng)];
	}
	return sim_strat_pick(&S.strat, n, S.ids, cur, S.ykind, S.decisions, &S.rng);
}

/* The non-preemptive choice under free interleaving (the bounded
 * search, `run --strategy bounded`, and shrink's runs once their list
 * ends): the yielding thread (cur), or candidate 0 when it cannot go on,
 * unless that one is more than SIM_FREE_LAG_NS ahead of the earliest
 * candidate: then the earliest, so that no thread whose time has come
 * (sysmon, an M woken from its note) is kept off every core while a busy
 * M goes on, as PCT and swarm do.  Returned as the decision's cur:
 * picking anything else is a preemption the search counts. */
static int fair_default(uint32_t n, struct sim_thread *const cand[], int cur)
{
	uint32_t lo = earliest(n, cand);
	uint32_t def = cur >= 0 ? (uint32_t)cur : 0;
	if (cand[def]->clock > tadd(cand[lo]->clock, SIM_FREE_LAG_NS))
		return (int)lo;
	return cur;
}

/* A decision among n >= 2 candidates: the next recorded one when
 * replaying, else the strategy's pick.  Returns an index into cand[]. */
static uint32_t decide(uint32_t n, struct sim_thread *const cand[])
{
	const struct sim_config *cfg = S.cfg;
	size_t i = (size_t)S.decisions;
	/* The strategy runs on every decision, replayed or not, so that a
	 * replay that departs and continues draws what the seed would have
	 * drawn at that point: a truncated list continued is the seed's run. */
	int cur = -1;
	if (cfg->record || S.strat.kind != SIM_STRATEGY_RANDOM || cfg->replay_nonpreemptive)
		for (uint32_t k = 0; k < n && cur < 0; k++)
			if (cand[k] == S.cur)
				cur = (int)k;
	if (S.strat.kind == SIM_STRATEGY_NONPREEMPTIVE && S.window == SIM_WINDOW_INF)
		cur = fair_default(n, cand, cur);
	uint32_t pick = strategy_pick(n, cand, cur);
	if (cfg->replay && S.departed_decision < 0) {
		if (i < cfg->nreplay && cfg->replay[i].n == n && cfg->replay[i].pick < n) {
			pick = cfg->replay[i].pick;
			goto done;
		}
		S.departed_decision = (int64_t)i;
		S.departed_event = S.stats.n_events;
		if (!cfg->replay_continue) {
			char msg[160];
			if (i >= cfg->nreplay)
				snprintf(msg, sizeof msg,
				         "replay departed at decision %zu (event %llu): the "
				         "recorded "
				         "list has only %zu decisions",
				         i, (unsigned long long)S.stats.n_events, cfg->nreplay);
			else
				snprintf(msg, sizeof msg,
				         "replay departed at decision %zu (event %llu): %u threads "
				         "eligible, %u recorded",
				         i, (unsigned long long)S.stats.n_events, n,
				         cfg->replay[i].n);
			stop(TR_DEPARTED, msg);
		}
	}
	if (cfg->replay_nonpreemptive && S.departed_decision >= 0) {
		if (S.window == SIM_WINDOW_INF)
			cur = fair_default(n, cand, cur);
		pick = cur >= 0 ? (uint32_t)cur : 0;
	}
done:
	if (cfg->record) {
		if (S.nrec == S.caprec) {
			S.caprec = S.caprec ? 2 * S.caprec : 1024;
			S.rec = realloc(S.rec, S.caprec * sizeof *S.rec);
			if (!S.rec)
				stop(TR_VIOLATION, "simulator: out of memory recording decisions");
		}
		S.preemptions += cur >= 0 && pick != (uint32_t)cur;
		S.rec[S.nrec++] = (struct sim_decision){n, pick, cur};
	}
	S.decisions++;
	return pick;
}

/* ---- ending a run ---- */

static _Noreturn void stop(enum tr_status status, const char *msg)
{
	if (S.status == TR_RUNNING) {
		S.status = status;
		snprintf(S.message, sizeof S.message, "%s", msg ? msg : "");
	}
	struct sim_thread *t = S.cur;
	S.cur = NULL;
	arch_ctx_switch(&t->ctx, &S.engine, true);
	abort(); /* the engine never resumes a stopped run */
}

/* ---- the eligible set ---- */

/* The heap's order: earlier clock first, then lower id (any fixed tie
 * order would do: the candidates of a decision are listed in S.elig's
 * order, never the heap's). */
static inline bool heap_less(const struct sim_thread *a, const struct sim_thread *b)
{
	return a->clock < b->clock || (a->clock == b->clock && a->id < b->id);
}

static inline void heap_set(int i, struct sim_thread *t)
{
	S.heap[i] = t;
	t->hidx = i;
}

static void heap_up(struct sim_thread *t)
{
	int i = t->hidx;
	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!heap_less(t, S.heap[parent]))
			break;
		heap_set(i, S.heap[parent]);
		i = parent;
	}
	heap_set(i, t);
}

static inline __attribute__((always_inline)) void heap_down(struct sim_thread *t)
{
	int i = t->hidx, n = S.nelig;
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && heap_less(S.heap[c + 1], S.heap[c]))
			c++;
		if (!heap_less(S.heap[c], t))
			break;
		heap_set(i, S.heap[c]);
		i = c;
	}
	heap_set(i, t);
}

/* Restore the heap's order around t after its clock changed. */
static void heap_fix(struct sim_thread *t)
{
	int i = t->hidx;
	if (i > 0 && heap_less(t, S.heap[(i - 1) / 2]))
		heap_up(t);
	else
		heap_down(t);
}

/* Put S.cur where its clock belongs in the heap, if a charge moved it
 * on since the heap last looked (S.unsettled). */
static inline void settle(void)
{
	if (__builtin_expect(S.unsettled, 0)) {
		S.unsettled = false;
		if (S.cur->hidx >= 0)
			heap_fix(S.cur);
	}
}

/* Every change of an eligible thread's clock outside a yield point goes
 * through here (a yield point's own, S.cur's, is fixed by reschedule). */
static void set_clock(struct sim_thread *t, int64_t clock)
{
	settle();
	t->clock = clock;
	if (t->hidx < 0)
		return;
	heap_fix(t);
	S.bound = INT64_MIN;
}

/* Added at the end of S.elig; removed by moving the last one into its
 * place.  The strategy sees the candidates in this order, so it is part
 * of the determinism contract: changing it moves every trace hash. */
static void elig_add(struct sim_thread *t)
{
	settle();
	t->eidx = S.nelig;
	S.elig[S.nelig] = t;
	t->hidx = S.nelig++;
	heap_up(t);
	S.bound = INT64_MIN;
}

static void elig_remove(struct sim_thread *t)
{
	settle();
	struct sim_thread *last = S.elig[--S.nelig];
	S.elig[t->eidx] = last;
	last->eidx = t->eidx;
	t->eidx = -1;
	S.bound = INT64_MIN;
	struct sim_thread *hlast = S.heap[S.nelig];
	int i = t->hidx;
	t->hidx = -1;
	if (hlast == t)
		return;
	heap_set(i, hlast);
	heap_fix(hlast);
}

/* The eligible threads whose clock is at most limit, in S.elig's order,
 * into S.cand; returns their number.  O(k log k) for k of them: the
 * heap's subtrees below a later clock are skipped. */
static int in_window(int64_t limit)
{
	int k = 0, top = 0;
	int *stack = S.dfs;
	stack[top++] = 0;
	while (top > 0) {
		int i = stack[--top];
		struct sim_thread *t = S.heap[i];
		if (t->clock > limit)
			continue;
		/* Insertion by eidx keeps S.cand in the eligible set's order. */
		int j = k++;
		for (; j > 0 && S.cand[j - 1]->eidx > t->eidx; j--)
			S.cand[j] = S.cand[j - 1];
		S.cand[j] = t;
		if (2 * i + 1 < S.nelig)
			stack[top++] = 2 * i + 1;
		if (2 * i + 2 < S.nelig)
			stack[top++] = 2 * i + 2;
	}
	return k;
}

static void switch_to(struct sim_thread *next)
{
	struct sim_thread *prev = S.cur;
	prev->g = S.curg;
	S.cur = next;
	S.curg = next->g;
	arch_ctx_switch(&prev->ctx, &next->ctx, false);
	/* Resumed: whoever switched here set S.cur and S.curg. */
}

static _Noreturn __attribute__((noinline, cold)) void deadlock(void)
{
	int notes = 0, locks = 0;
	for (int i = 0; i < S.nthreads; i++) {
		if (S.threads[i]->state != T_BLOCKED)
			continue;
		if (S.threads[i]->blocked_on[0] == 'n')
			notes++;
		else
			locks++;
	}
	/* The oracles may call it a lost wake-up (work pending) instead. */
	if (S.cfg->observer && S.cfg->observer->stuck)
		S.cfg->observer->stuck(S.cfg->observer);
	char msg[160];
	snprintf(msg, sizeof msg,
	         "all threads blocked with the program unfinished (%d parked on notes, %d waiting "
	         "for locks)",
	         notes, locks);
	stop(TR_DEADLOCK, msg);
}

static bool asleep(const struct sim_thread *t)
{
	return t->timed || t->sleeping;
}

/* The current thread blocks or goes to sleep: if no other eligible
 * thread is awake either (a timed sleeper already woken counts as
 * awake), tell the observer that the machine is quiet.  O(eligible
 * threads), at blocks and sleeps only. */
static void quiet_check(void)
{
	struct sim_observer *o = S.cfg->observer;
	if (!o || !o->quiet)
		return;
	for (int i = 0; i < S.nelig; i++) {
		const struct sim_thread *t = S.elig[i];
		if (t != S.cur && (!asleep(t) || t->woken))
			return;
	}
	o->quiet(o);
}

static _Noreturn __attribute__((noinline, cold)) void time_limit(void)
{
	char msg[96];
	snprintf(msg, sizeof msg, "stopped at the time limit (%lld ns of virtual time)",
	         (long long)S.cfg->max_time_ns);
	stop(TR_TIME_LIMIT, msg);
}

static _Noreturn __attribute__((noinline, cold)) void step_limit(void)
{
	char msg[96];
	snprintf(msg, sizeof msg, "stopped at the step limit (%lld yield points)",
	         (long long)S.steps_budget);
	stop(TR_STEP_LIMIT, msg);
}

/* A decision among the eligible threads whose clock is at most limit
 * (two or more).  Out of line: reschedule's common case, one thread
 * alone in the window, then needs fewer registers. */
static __attribute__((noinline)) struct sim_thread *decide_in_window(int64_t limit)
{
	int k = in_window(limit);
	return S.cand[decide((uint32_t)k, S.cand)];
}

/* PCT under window 0: a change point holds t, the heap's root, back by
 * S.hold, as though the OS had taken its core. */
static __attribute__((noinline, cold)) void hold_back(struct sim_thread *t)
{
	t->clock = tadd(t->clock, S.hold);
	t->os_next = tadd(t->os_next, S.hold);
	heap_down(t);
}

/* Pick the thread to run next and switch to it (possibly S.cur itself,
 * which then just continues).  S.cur may have left the eligible set, and
 * its clock may have changed since the heap last saw it.
 *
 * Cost: O(log n) when one thread alone is within the window of the
 * earliest (the heap's root and its two children answer it), which is
 * nearly every yield point under a finite window, and O(1) on yield's
 * fast path; a decision lists its k candidates in O(k log k).  Under
 * free interleaving nearly every yield point is a decision among all
 * running threads: O(n). */
static __attribute__((noinline)) void reschedule(void)
{
	/* Mostly the root: a root can only move down (heap_fix's own case). */
	S.unsettled = false;
	if (S.cur->hidx == 0)
		heap_down(S.cur);
	else if (S.cur->hidx > 0)
		heap_fix(S.cur);
	int n = S.nelig;
	if (n == 0)
		deadlock();
	/* The frontier: the earliest clock of any eligible thread.  The run
	 * is past the time limit when the frontier is.  (Under window 0 the
	 * frontier is the thread that runs next; under inf one thread - say
	 * sysmon, sleeping - may run far ahead of the others, which alone
	 * does not end the run.) */
	struct sim_thread *first = S.heap[0];
	int64_t min = first->clock;
	if (min > S.time_limit)
		time_limit();
	struct sim_thread *next;
	int64_t bound = INT64_MIN;
	if (n == 1) {
		next = first;
		bound = S.time_limit;
	} else if (S.window != SIM_WINDOW_INF) {
		/* The second earliest is one of the root's children. */
		int64_t second = S.heap[1]->clock;
		if (n > 2 && S.heap[2]->clock < second)
			second = S.heap[2]->clock;
		/* PCT under window 0: the earliest thread about to write to
		 * shared memory (a store or a read-modify-write) with another
		 * thread within S.hold is at a hold point; a change point on it
		 * holds the thread back by S.hold, as though the OS had taken
		 * its core (strategy.c says why). */
		if (__builtin_expect(first->writes, 0) && second - min <= S.hold &&
		    sim_strat_hold(&S.strat, S.hold_points++)) {
			hold_back(first);
			first = S.heap[0];
			min = first->clock;
			second = S.heap[1]->clock;
			if (n > 2 && S.heap[2]->clock < second)
				second = S.heap[2]->clock;
		}
		if (tadd(min, S.window) < second) {
			next = first;
			/* first stays alone while clock + window < second, i.e.
			 * clock < second - window (tadd saturates at SIM_TIME_MAX,
			 * which no clock exceeds); under PCT at window 0, while
			 * no other thread is within the hold. */
			bound = second - S.gap - 1;
			if (bound > S.time_limit)
				bound = S.time_limit;
		} else {
			next = decide_in_window(tadd(min, S.window));
		}
	} else {
		/* Running threads interleave freely; a sleeping thread (usleep,
		 * notetsleep, a syscall) wakes in time order: it is eligible
		 * once no running thread is earlier than its wake time.
		 * Otherwise sysmon, or an M waiting for the next timer, would
		 * wake at once and run ahead, and every timing decision of the
		 * scheduler (preemption after 10 ms, timers, starvation mode)
		 * would be made on op counts instead of time. */
		int64_t fmin = INT64_MAX;
		for (int i = 0; i < n; i++)
			if (!asleep(S.elig[i]) && S.elig[i]->clock < fmin)
				fmin = S.elig[i]->clock;
		if (fmin == INT64_MAX)
			fmin = min; /* everyone sleeps: the earliest wakes */
		int k = 0;
		for (int i = 0; i < n; i++)
			if (!asleep(S.elig[i]) || S.elig[i]->clock <= fmin)
				S.cand[k++] = S.elig[i];
		next = k == 1 ? S.cand[0] : S.cand[decide((uint32_t)k, S.cand)];
	}
	S.bound = bound;
	next->writes = false; /* it makes its write now */
	if (next != S.cur)
		switch_to(next);
}

/* The noise model's cost of an operation of nominal cost c. */
static inline int64_t jitter(int64_t c)
{
	return sim_noise_cost(&S.noise, c);
}

/* The OS takes t's core away (the noise model, or swarm's draw): t's
 * clock moves on by the time it is away. */
static __attribute__((noinline, cold)) void os_preempt(struct sim_thread *t)
{
	t->away_from = t->clock;
	t->clock = tadd(t->clock, sim_noise_os_away(&S.noise));
	t->away_to = t->clock;
	t->os_next = tadd(t->clock, sim_noise_os_gap(&S.noise));
}

/* The yield point every platform operation goes through, before the
 * operation takes effect; kind is what swarm may turn off (recorded only
 * on the way to a decision), write whether the operation writes shared
 * memory (a store or a read-modify-write: PCT's hold points under
 * window 0). */
static inline __attribute__((always_inline)) void yieldw(int64_t cost, enum sim_ykind kind,
                                                         bool write)
{
	struct sim_thread *t = S.cur;
	/* The clock in a local: the stores below may alias t->clock as far
	 * as the compiler knows, and would make it read the clock again. */
	int64_t clock = tadd(t->clock, cost);
	t->clock = clock;
	if (__builtin_expect(clock >= t->os_next, 0)) {
		os_preempt(t);
		clock = t->clock;
	}
	if (__builtin_expect(--S.steps_left == 0, 0))
		step_limit();
	/* Still alone in the window: the heap's order holds (t, its root,
	 * is below its children), nothing to decide.  (A bound above
	 * INT64_MIN is only ever S.cur's as the root: see S.bound.) */
	if (clock <= S.bound)
		return;
	S.ykind = kind;
	t->writes = S.hold > 0 && write;
	reschedule();
}

/* A yield point whose operation writes only if it is a read-modify-write. */
static inline __attribute__((always_inline)) void yieldk(int64_t cost, enum sim_ykind kind)
{
	yieldw(cost, kind, kind == SIM_Y_RMW);
}

/* The cost of an operation no other thread can observe (see
 * docs/simulator.md, "Operations no other thread can observe"): the
 * clock advances as at a yield point, but there is no decision and no
 * step.  The thread's next yield point decides with the clock this
 * left, so no other thread's operation is ordered differently. */
static inline void charge(int64_t cost)
{
	struct sim_thread *t = S.cur;
	int64_t clock = tadd(t->clock, cost);
	t->clock = clock;
	if (clock > S.bound && t->hidx >= 0) {
		S.unsettled = true; /* the heap hears of it when it is next used */
		S.bound = INT64_MIN;
	}
}

static void block(const char *on)
{
	struct sim_thread *t = S.cur;
	t->state = T_BLOCKED;
	t->blocked_on = on;
	elig_remove(t);
	quiet_check();
	reschedule();
}

static void unblock(struct sim_thread *t, int64_t at)
{
	if (t->clock < at) {
		t->os_next = tadd(t->os_next, at - t->clock); /* off its core meanwhile */
		t->clock = at;                                /* not eligible: not in the heap */
	}
	t->state = T_RUNNABLE;
	t->blocked_on = NULL;
	elig_add(t);
}

/* ---- threads ---- */

static struct sim_thread *new_thread(int64_t clock)
{
	struct sim_thread *t = calloc(1, sizeof *t);
	if (!t)
		stop(TR_VIOLATION, "simulator: out of memory");
	if (S.nthreads == S.capthreads) {
		S.capthreads = S.capthreads ? 2 * S.capthreads : 16;
		S.threads = realloc(S.threads, (size_t)S.capthreads * sizeof *S.threads);
		S.elig = realloc(S.elig, (size_t)S.capthreads * sizeof *S.elig);
		S.heap = realloc(S.heap, (size_t)S.capthreads * sizeof *S.heap);
		S.cand = realloc(S.cand, (size_t)S.capthreads * sizeof *S.cand);
		S.dfs = realloc(S.dfs, (size_t)S.capthreads * sizeof *S.dfs);
		S.ids = realloc(S.ids, (size_t)S.capthreads * sizeof *S.ids);
		S.lagmap = realloc(S.lagmap, (size_t)S.capthreads * sizeof *S.lagmap);
		if (!S.threads || !S.elig || !S.heap || !S.cand || !S.dfs || !S.ids || !S.lagmap) {
			fprintf(stderr, "gsched: out of memory\n");
			exit(2);
		}
	}
	t->id = S.nthreads;
	S.threads[S.nthreads++] = t;
	t->clock = clock;
	t->state = T_RUNNABLE;
	t->eidx = -1;
	t->hidx = -1;
	t->os_next = tadd(clock, sim_noise_os_gap(&S.noise));
	elig_add(t);
	return t;
}

static void m_entry(void)
{
	rt_mstart(S.cur->m);
}

static void program_entry(void)
{
	struct rt_config defaults;
	const struct rt_config *rc = S.cfg->rt;
	if (rc == NULL) {
		rt_config_default(&defaults);
		rc = &defaults;
	}
	rt_rt0_go(rc, S.gomaxprocs, S.mainfn, S.mainarg);
}

static void plain_entry(void)
{
	struct sim_thread *t = S.cur;
	t->fn(t->arg);
	t->state = T_DONE;
	elig_remove(t);
	bool all_done = true;
	for (int i = 0; i < S.nthreads; i++)
		if (S.threads[i]->state != T_DONE)
			all_done = false;
	if (all_done)
		stop(TR_COMPLETE, NULL);
	reschedule();
	abort(); /* a finished thread is never picked */
}

/* ---- the platform (runtime/platform.h) ---- */

/* The atomics, plat_getg and plat_work are the scheduler's commonest
 * calls, each a yield point's fast path of a few instructions: they are
 * defined inline and always_inline, so that under link-time optimisation
 * (GSCHED_LTO, the release preset) they are inlined into the runtime's
 * call sites rather than called (docs/simulator.md, "Speed").  Declared
 * without inline in platform.h, these are still the functions' external
 * definitions, which every other build calls. */

inline __attribute__((always_inline)) uint32_t plat_load32(const uint32_t *p)
{
	yieldk(jitter(COST_LOAD), SIM_Y_ATOMIC);
	return *p;
}

inline __attribute__((always_inline)) uint32_t plat_loadacq32(const uint32_t *p)
{
	yieldk(jitter(COST_LOAD), SIM_Y_ATOMIC);
	return *p;
}

inline __attribute__((always_inline)) void plat_store32(uint32_t *p, uint32_t v)
{
	yieldw(jitter(COST_STORE), SIM_Y_ATOMIC, true);
	*p = v;
}

inline __attribute__((always_inline)) void plat_storerel32(uint32_t *p, uint32_t v)
{
	yieldw(jitter(COST_STORE), SIM_Y_ATOMIC, true);
	*p = v;
}

inline __attribute__((always_inline)) bool plat_cas32(uint32_t *p, uint32_t old, uint32_t new_)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	if (*p != old)
		return false;
	*p = new_;
	return true;
}

inline __attribute__((always_inline)) bool plat_casrel32(uint32_t *p, uint32_t old, uint32_t new_)
{
	return plat_cas32(p, old, new_);
}

inline __attribute__((always_inline)) uint32_t plat_xadd32(uint32_t *p, int32_t delta)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	return *p += (uint32_t)delta;
}

inline __attribute__((always_inline)) uint32_t plat_xchg32(uint32_t *p, uint32_t v)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	uint32_t old = *p;
	*p = v;
	return old;
}

inline __attribute__((always_inline)) void plat_or32(uint32_t *p, uint32_t v)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	*p |= v;
}

inline __attribute__((always_inline)) void plat_and32(uint32_t *p, uint32_t v)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	*p &= v;
}

inline __attribute__((always_inline)) uint64_t plat_load64(const uint64_t *p)
{
	yieldk(jitter(COST_LOAD), SIM_Y_ATOMIC);
	return *p;
}

inline __attribute__((always_inline)) void plat_store64(uint64_t *p, uint64_t v)
{
	yieldw(jitter(COST_STORE), SIM_Y_ATOMIC, true);
	*p = v;
}

inline __attribute__((always_inline)) bool plat_cas64(uint64_t *p, uint64_t old, uint64_t new_)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	if (*p != old)
		return false;
	*p = new_;
	return true;
}

inline __attribute__((always_inline)) uint64_t plat_xadd64(uint64_t *p, int64_t delta)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	return *p += (uint64_t)delta;
}

/* Every M runs on this one OS thread: nothing comes between the read and
 * the write, and no other thread can tell when the add happened. */
inline __attribute__((always_inline)) uint64_t plat_shared_add64(uint64_t *p, int64_t delta)
{
	return *p += (uint64_t)delta;
}

inline __attribute__((always_inline)) uint32_t plat_shared_add32(uint32_t *p, int32_t delta)
{
	return *p += (uint32_t)delta;
}

inline __attribute__((always_inline)) uint64_t plat_xchg64(uint64_t *p, uint64_t v)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	uint64_t old = *p;
	*p = v;
	return old;
}

inline __attribute__((always_inline)) void *plat_loadp(void *const *p)
{
	yieldk(jitter(COST_LOAD), SIM_Y_ATOMIC);
	return *p;
}

inline __attribute__((always_inline)) void plat_storep(void **p, void *v)
{
	yieldw(jitter(COST_STORE), SIM_Y_ATOMIC, true);
	*p = v;
}

inline __attribute__((always_inline)) bool plat_casp(void **p, void *old, void *new_)
{
	yieldk(jitter(COST_RMW), SIM_Y_RMW);
	if (*p != old)
		return false;
	*p = new_;
	return true;
}

void plat_lock(struct plat_mutex *l)
{
	yieldk(jitter(COST_LOCK), SIM_Y_LOCK);
	struct sim_thread *t = S.cur;
	if (l->owner == NULL) {
		l->owner = t;
		return;
	}
	if (l->owner == t)
		rt_throw("lock: lock count"); /* self-deadlock: runtime locks are not reentrant */
	t->next_waiter = NULL;
	t->lock_wait_start = t->clock;
	if (l->tail)
		((struct sim_thread *)l->tail)->next_waiter = t;
	else
		l->head = t;
	l->tail = t;
	block("lock");
	/* The unlocker made us the owner. */
}

void plat_unlock(struct plat_mutex *l)
{
	yieldk(jitter(COST_UNLOCK), SIM_Y_LOCK);
	if (l->owner != S.cur)
		rt_throw("unlock of unlocked lock");
	struct sim_thread *w = l->head;
	if (w == NULL) {
		l->owner = NULL;
		return;
	}
	l->head = w->next_waiter;
	if (l->head == NULL)
		l->tail = NULL;
	l->owner = w;
	/* Go's lock_futex spins (procyield, then osyield) before it sleeps
	 * in the kernel: a waiter that has waited less than that spin phase
	 * takes the lock as soon as it is free; one that went to sleep must
	 * be woken with a futex call and pays the wake-up latency. */
	int64_t waited = S.cur->clock - w->lock_wait_start;
	if (waited <= LOCK_SPIN_NS && S.ncpu > 1) {
		unblock(w, tadd(S.cur->clock, jitter(COST_LOCK_SPIN_ACQUIRE)));
	} else {
		set_clock(S.cur, tadd(S.cur->clock, jitter(COST_NOTEWAKEUP)));
		unblock(w, tadd(S.cur->clock, sim_noise_wake(&S.noise, WAKE_LATENCY)));
	}
}

void plat_assertLockHeld(struct plat_mutex *l)
{
	if (l->owner != S.cur)
		rt_throw("assertLockHeld: lock not held");
}

void plat_noteclear(struct plat_note *n)
{
	yieldk(jitter(COST_NOTECLEAR), SIM_Y_NOTE);
	n->key = 0;
}

void plat_notesleep(struct plat_note *n)
{
	yieldk(jitter(COST_NOTESLEEP), SIM_Y_NOTE);
	if (n->key != 0)
		return;
	if (n->waiter != NULL)
		rt_throw("notesleep: two sleepers on one note");
	n->waiter = S.cur;
	S.cur->timed = false;
	block("note");
}

bool plat_notetsleep(struct plat_note *n, int64_t ns)
{
	yieldk(jitter(COST_NOTESLEEP), SIM_Y_NOTE);
	if (n->key != 0)
		return true;
	if (ns < 0) {
		plat_notesleep(n);
		return true;
	}
	struct sim_thread *t = S.cur;
	n->waiter = t;
	t->timed = true;
	t->sleep_start = t->clock;
	/* eligible again at the deadline (late by the timer slack), or earlier if woken */
	set_clock(t, tadd(t->clock, tadd(ns, sim_noise_slack(&S.noise))));
	quiet_check();
	reschedule();
	t->timed = false;
	t->woken = false;
	t->os_next = tadd(t->os_next, t->clock - t->sleep_start); /* off its core meanwhile */
	if (n->waiter == t)
		n->waiter = NULL;
	return n->key != 0;
}

/* The poller's blocking is a note here: the same yield points as
 * notesleep/notetsleep and notewakeup, no descriptor. */
bool plat_netpollwait(struct plat_note *n, int64_t ns)
{
	if (ns < 0) {
		plat_notesleep(n);
		return true;
	}
	return plat_notetsleep(n, ns);
}

void plat_netpollwakeup(struct plat_note *n)
{
	plat_notewakeup(n);
}

void plat_notewakeup(struct plat_note *n)
{
	yieldk(jitter(COST_NOTEWAKEUP), SIM_Y_NOTE);
	if (n->key != 0)
		rt_throw("notewakeup - double wakeup");
	n->key = 1;
	struct sim_thread *w = n->waiter;
	if (w == NULL)
		return;
	n->waiter = NULL;
	int64_t at = tadd(S.cur->clock, sim_noise_wake(&S.noise, WAKE_LATENCY));
	if (w->timed) {
		w->woken = true;
		if (at < w->sleep_start)
			at = w->sleep_start;
		if (at < w->clock)
			set_clock(w, at);
	} else {
		unblock(w, at);
	}
}

int32_t plat_ncpu(void)
{
	return S.ncpu;
}

int64_t plat_nanotime(void)
{
	yieldk(jitter(COST_NANOTIME), SIM_Y_TIME);
	return S.cur->clock;
}

void plat_usleep(uint32_t us)
{
	int64_t ns = tadd((int64_t)us * 1000, sim_noise_slack(&S.noise)); /* timer slack */
	S.cur->sleeping = true;
	S.cur->os_next = tadd(S.cur->os_next, ns); /* off its core meanwhile */
	quiet_check();
	yieldk(ns, SIM_Y_TIME);
	S.cur->sleeping = false;
}

void plat_osyield(void)
{
	yieldk(jitter(COST_OSYIELD), SIM_Y_TIME);
}

void plat_procyield(uint32_t cycles)
{
	yieldk(jitter((int64_t)cycles * COST_PROCYIELD), SIM_Y_TIME);
}

void plat_newosproc(struct m *mp, void *stack, size_t size)
{
	yieldk(jitter(COST_NEWOSPROC), SIM_Y_THREAD);
	struct sim_thread *t =
	        new_thread(tadd(S.cur->clock, sim_noise_wake(&S.noise, THREAD_START_LATENCY)));
	t->m = mp;
	arch_ctx_make(&t->ctx, stack, size, m_entry);
}

_Noreturn void plat_exit(int code)
{
	if (code == 0)
		stop(TR_COMPLETE, NULL);
	char msg[64];
	snprintf(msg, sizeof msg, "exit status %d", code);
	stop(TR_VIOLATION, msg);
}

_Noreturn void plat_throw(const char *msg)
{
	stop(TR_VIOLATION, msg);
}

_Noreturn void sim_violation(const char *oracle, const char *msg)
{
	rt_trace(RT_EV_VIOLATION, 0, 0, 0, oracle);
	stop(TR_VIOLATION, msg);
}

int64_t sim_sched_steps(void)
{
	return steps() - S.work_steps;
}

int64_t sim_event_frontier(void)
{
	return S.stats.end_ns;
}

int64_t sim_os_away_within(int64_t from, int64_t to)
{
	int64_t most = 0;
	for (int i = 0; i < S.nthreads; i++) {
		const struct sim_thread *t = S.threads[i];
		int64_t a = t->away_from > from ? t->away_from : from;
		int64_t b = t->away_to < to ? t->away_to : to;
		if (b - a > most)
			most = b - a;
	}
	return most;
}

_Noreturn void plat_fatal(const char *msg)
{
	stop(TR_DEADLOCK, msg);
}

_Noreturn void plat_panic(const char *msg)
{
	stop(TR_PANIC, msg);
}

void plat_signalM(struct m *mp)
{
	yieldk(jitter(COST_PREEMPTM), SIM_Y_THREAD);
	for (int i = 0; i < S.nthreads; i++)
		if (S.threads[i]->m == mp)
			S.threads[i]->sigpending = true;
}

void plat_syscall(int64_t ns)
{
	S.cur->sleeping = true;                    /* blocked in the kernel */
	S.cur->os_next = tadd(S.cur->os_next, ns); /* off its core meanwhile */
	quiet_check();
	S.work_steps++;
	yieldk(ns, SIM_Y_WORK);
	S.cur->sleeping = false;
}

/* ---- memory: the machine's, or cfg->mem_limit ---- */

/* Whether the program may take size more bytes under cfg->mem_limit. */
static bool mem_fits(size_t size)
{
	int64_t limit = S.cfg ? S.cfg->mem_limit : 0;
	return limit <= 0 || (uint64_t)size <= (uint64_t)(limit - S.stack_bytes - S.mem_bytes);
}

/* The machine's limit, not the scheduler's fault: status oom, with what
 * the program held. */
static _Noreturn void out_of_memory(const char *what, size_t size)
{
	char msg[sizeof S.message];
	snprintf(msg, sizeof msg,
	         "out of memory: no %zu bytes for %s, with %lld stacks alive (goroutines and Ms) "
	         "and %.1f MiB taken (stacks and the runtime's objects)",
	         size, what, (long long)S.nstacks,
	         (double)(S.stack_bytes + S.mem_bytes) / (1024.0 * 1024.0));
	if (!S.cur) { /* not inside the run: nothing to stop */
		fprintf(stderr, "gsched: %s\n", msg);
		exit(2);
	}
	stop(TR_OOM, msg);
}

/* The allocator is the machine's, not memory the program shares (as
 * malloc is not): unobservable, no yield point, no cost. */
void *plat_alloc(const char *what, size_t size)
{
	void *p = mem_fits(size) ? calloc(1, size) : NULL;
	if (!p)
		out_of_memory(what, size);
	S.mem_bytes += (int64_t)size;
	return p;
}

void *plat_realloc(const char *what, void *p, size_t old, size_t size)
{
	void *n = size <= old || mem_fits(size - old) ? realloc(p, size) : NULL;
	if (!n)
		out_of_memory(what, size);
	S.mem_bytes += (int64_t)size - (int64_t)old;
	return n;
}

void plat_free(void *p, size_t size)
{
	if (p)
		S.mem_bytes -= (int64_t)size;
	free(p);
}

void *plat_stackalloc(size_t size)
{
	/* As plat_alloc, but a stack costs its time. */
	if (S.cur)
		charge(jitter(S.fit[SIM_FIT_FRESH_G]));
	void *s = mem_fits(size) ? arch_stack_alloc(size) : NULL;
	if (!s)
		out_of_memory("a goroutine's or an M's stack", size);
	S.nstacks++;
	S.stack_bytes += (int64_t)size;
	return s;
}

/* A g lives at its stack's top: time here is virtual, so no cache or TLB
 * sees where it is, and a parked goroutine costs one page. */
bool plat_g_apart(void)
{
	return false;
}

void plat_stackfree(void *stack, size_t size)
{
	S.nstacks--;
	S.stack_bytes -= (int64_t)size;
	arch_stack_free(stack, size);
}

/* The simulator's own state of a goroutine's context, in the top bytes
 * of the stack plat_ctx_make makes it on (the frames begin below): a
 * context's stack_lo + stack_size (arch/ctx.h) finds it, with no memory
 * beyond the stack's page and nothing in the backend-neutral context.
 * An M's g0 context, never made here, keeps its state in the M's thread
 * (g0_left). */
struct ctx_room {
	int64_t left;   /* the M's clock when the context was last switched out (0: never,
	                   since made) */
	int64_t unused; /* keeps the frames below 16-byte aligned */
};

static int64_t *left_of(struct plat_ctx *c)
{
	if (c == &S.cur->m->g0->sched)
		return &S.cur->g0_left;
	return &((struct ctx_room *)((char *)c->stack_lo + c->stack_size))->left;
}

void plat_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void))
{
	/* A fresh context on a stack that no other thread can reach until
	 * the goroutine is published: unobservable. */
	charge(jitter(COST_CTX_MAKE));
	uintptr_t room = ((uintptr_t)stack + size - sizeof(struct ctx_room)) & ~(uintptr_t)15;
	arch_ctx_make(c, stack, room - (uintptr_t)stack, entry);
	((struct ctx_room *)room)->left = 0;
}

void plat_ctx_switch(struct plat_ctx *save, struct plat_ctx *to)
{
	/* Charged before the switch, so the cost lands on the M either way.
	 * Which context an M runs in is the M's own state: what other
	 * threads see of a goroutine switch (its status, the P's and M's
	 * fields) the runtime wrote with its own operations before it, so
	 * the switch itself is unobservable. */
	charge(jitter(COST_CTX_SWITCH));
	int64_t now = S.cur->clock;
	/* A goroutine resumed after cold-full or more of not running pays
	 * cold (cost.h's SIM_FIT_PARAMS). */
	int64_t left = *left_of(to);
	if (left > 0 && now - left >= S.fit[SIM_FIT_COLD_FULL])
		charge(jitter(S.fit[SIM_FIT_COLD]));
	*left_of(save) = now;
	arch_ctx_switch(save, to, false);
}

inline __attribute__((always_inline)) struct g *plat_getg(void)
{
	return S.curg;
}

void plat_setg(struct g *gp)
{
	S.curg = gp;
	if (gp && !S.cur->m)
		S.cur->m = gp->m; /* the program's first thread learns it is m0 */
}

uint64_t plat_mseed(int64_t id)
{
	return sim_stream_seed(S.cfg->seed, SIM_STREAM_FASTRAND, (uint64_t)id);
}

bool plat_spend(int64_t ns)
{
	S.work_steps++;
	yieldk(sim_noise_spend(&S.noise, ns), SIM_Y_WORK);
	bool sig = S.cur->sigpending;
	S.cur->sigpending = false;
	return sig;
}

/* Scheduler code between operations: charged to the calling thread,
 * not a yield point (code that touches no shared word is unobservable:
 * its next operation simply happens that much later). */
inline __attribute__((always_inline)) void plat_work(enum plat_work kind)
{
	if (S.cur)
		charge(jitter(cost_work[kind]));
}

void plat_print(const char *s, size_t n)
{
	if (S.cfg->out)
		fwrite(s, 1, n, S.cfg->out);
}

bool plat_tracing(void)
{
	return true; /* every event is counted and hashed */
}

void plat_trace(struct rt_event *ev)
{
	ev->t_ns = S.cur ? S.cur->clock : 0;
	tr_stats_add_inline(&S.stats, ev);
	if (S.cfg->sink)
		S.cfg->sink->event(S.cfg->sink, ev);
	struct sim_observer *o = S.cfg->observer;
	if (o) {
		/* The observer's filter (sim.h): most events need no call. */
		const int64_t sched = steps() - S.work_steps;
		const uint32_t k = (uint32_t)ev->kind;
		if ((k < 64 && (o->kinds >> k & 1)) || ev->t_ns >= o->at || sched > o->steps)
			o->event(o, ev);
		if (k != RT_EV_VIOLATION)
			o->ev_steps = sched;
	}
}

int64_t sim_now(void)
{
	return S.cur ? S.cur->clock : 0;
}

/* ---- running ---- */

static void begin(const struct sim_config *cfg)
{
	memset(&S, 0, sizeof S);
	S.cfg = cfg;
	S.rng = sim_stream_seed(cfg->seed, SIM_STREAM_STRATEGY, 0);
	if (cfg->fit)
		memcpy(S.fit, cfg->fit, sizeof S.fit);
	else
		sim_fit_defaults(S.fit);
	sim_noise_init(&S.noise, cfg->seed, !cfg->noise_off, S.fit[SIM_FIT_OS_GAP],
	               S.fit[SIM_FIT_OS_AWAY]);
	S.departed_decision = -1;
	S.status = TR_RUNNING;
	S.bound = INT64_MIN;
	S.steps_budget = cfg->max_steps > 0 ? cfg->max_steps : INT64_MAX;
	S.steps_left = S.steps_budget;
	S.time_limit = cfg->max_time_ns > 0 ? cfg->max_time_ns : INT64_MAX;
	int64_t window = cfg->window_ns;
	if (cfg->strategy.kind != SIM_STRATEGY_RANDOM)
		sim_strat_begin(&S.strat, &cfg->strategy, &S.rng, &window, &S.noise);
	S.window = window < 0 || window >= SIM_WINDOW_MAX ? SIM_WINDOW_INF : window;
	S.hold = S.strat.kind == SIM_STRATEGY_PCT && S.strat.hold ? SIM_PCT_HOLD_NS : 0;
	S.gap = S.hold > S.window ? S.hold : S.window;
	if (cfg->observer && cfg->observer->window)
		cfg->observer->window(cfg->observer, S.window);
	tr_stats_init(&S.stats);
}

static int finish(struct sim_result *res)
{
	res->status = S.status;
	snprintf(res->message, sizeof res->message, "%s", S.message);
	tr_stats_settle(&S.stats); /* plat_trace folds events inline, unsettled */
	res->stats = S.stats;
	res->steps = steps();
	res->decisions = S.decisions;
	res->hold_points = S.hold_points;
	res->schedule = S.rec;
	res->nschedule = S.nrec;
	res->preemptions = S.preemptions;
	res->window_ns = S.window;
	res->ymask = S.strat.kind == SIM_STRATEGY_SWARM ? S.strat.mask : (1u << SIM_Y_COUNT) - 1;
	res->os_gap_ns = S.noise.os ? S.noise.os_gap : 0;
	res->os_away_ns = S.noise.os ? S.noise.os_away : 0;
	sim_strat_end(&S.strat);
	free(S.ids);
	free(S.lagmap);
	res->departed_decision = S.departed_decision;
	res->departed_event = S.departed_event;
	res->threads = S.nthreads;
	for (int i = 0; i < S.nthreads; i++) {
		if (S.threads[i]->ownstack)
			arch_stack_free(S.threads[i]->ownstack, S.threads[i]->ownstacksize);
		free(S.threads[i]);
	}
	free(S.threads);
	free(S.elig);
	free(S.heap);
	free(S.cand);
	free(S.dfs);
	memset(&S, 0, sizeof S);
	arch_stack_release_all();
	return tr_status_failed(res->status) ? 1 : 0;
}

static void start(struct sim_thread *t)
{
	S.cur = t;
	S.curg = NULL;
	arch_ctx_switch(&S.engine, &t->ctx, false);
	/* Back here only through stop(). */
}

int sim_run_program(const struct sim_config *cfg, int32_t gomaxprocs, void (*mainfn)(void *),
                    void *arg, struct sim_result *res)
{
	begin(cfg);
	S.gomaxprocs = gomaxprocs;
	S.ncpu = cfg->ncpu > 0 ? cfg->ncpu : gomaxprocs > 2 ? gomaxprocs : 2;
	S.mainfn = mainfn;
	S.mainarg = arg;
	struct sim_thread *t = new_thread(0);
	t->ownstack = arch_stack_alloc(M0_STACK_SIZE);
	t->ownstacksize = M0_STACK_SIZE;
	arch_ctx_make(&t->ctx, t->ownstack, M0_STACK_SIZE, program_entry);
	start(t);
	rt_teardown();
	return finish(res);
}

int sim_run_threads(const struct sim_config *cfg, int n, void (*const fns[])(void *),
                    void *const args[], struct sim_result *res)
{
	begin(cfg);
	S.ncpu = cfg->ncpu > 0 ? cfg->ncpu : n > 2 ? n : 2;
	for (int i = 0; i < n; i++) {
		struct sim_thread *t = new_thread(0);
		t->fn = fns[i];
		t->arg = args[i];
		t->ownstack = arch_stack_alloc(M0_STACK_SIZE);
		t->ownstacksize = M0_STACK_SIZE;
		arch_ctx_make(&t->ctx, t->ownstack, M0_STACK_SIZE, plain_entry);
	}
	start(S.threads[0]);
	return finish(res);
}
