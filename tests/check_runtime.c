/*
 * check_runtime.c - the run queues, the steal order and the status rules,
 * driven directly as Go's export_test.go drives them.
 *
 * Ports of Go's TestSchedLocalQueue, TestSchedLocalQueueSteal,
 * TestSchedLocalQueueEmpty and TestStealOrder.  The queue code is
 * compiled against the simulator, so each test body runs as a plain
 * virtual thread (sim_run_threads); TestSchedLocalQueueEmpty runs two
 * threads under free interleaving over many seeds, which explores far
 * more interleavings of the lock-free protocol than Go's test can.
 *
 * Test bodies record the first failure in a string instead of calling
 * ck_assert on a coroutine stack; the test asserts after the run.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/ctx.h"

#include "check_suites.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"

static char failure[256];

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (!failure[0])                                                                   \
			snprintf(failure, sizeof failure, __VA_ARGS__);                            \
	} while (0)

/* Run fn(arg) as one virtual thread; returns the result status. */
static enum tr_status run1(void (*fn)(void *), void *arg, uint64_t seed, int64_t window,
                           struct sim_result *res)
{
	struct sim_config cfg = {.seed = seed, .window_ns = window};
	void (*fns[1])(void *) = {fn};
	void *args[1] = {arg};
	failure[0] = 0;
	sim_run_threads(&cfg, 1, fns, args, res);
	return res->status;
}

static struct g gs[RT_RUNQ_SIZE];

static void reset_gs(void)
{
	memset(gs, 0, sizeof gs);
	for (int i = 0; i < RT_RUNQ_SIZE; i++)
		gs[i].goid = i + 1;
}

/* Go's RunSchedLocalQueueTest. */
static void sched_local_queue(void *unused)
{
	struct p *pp = test_newp();
	for (int i = 0; i < RT_RUNQ_SIZE; i++) {
		if (rt_runqget(pp, NULL) != NULL)
			FAIL("runq is not empty initially");
		for (int j = 0; j < i; j++)
			rt_runqput(pp, &gs[i], false);
		for (int j = 0; j < i; j++)
			if (rt_runqget(pp, NULL) != &gs[i])
				FAIL("bad element at iter %d/%d", i, j);
		if (rt_runqget(pp, NULL) != NULL)
			FAIL("runq is not empty afterwards");
	}
	test_freep(pp);
}

START_TEST(test_sched_local_queue)
{
	struct sim_result res;
	reset_gs();
	ck_assert_int_eq(run1(sched_local_queue, NULL, 1, 0, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* Go's RunSchedLocalQueueStealTest: each steal takes i/2 or i/2+1, and
 * every g is found exactly once. */
static void sched_local_queue_steal(void *unused)
{
	struct p *p1 = test_newp();
	struct p *p2 = test_newp();
	for (int i = 0; i < RT_RUNQ_SIZE; i++) {
		for (int j = 0; j < i; j++) {
			gs[j].sig = 0;
			rt_runqput(p1, &gs[j], false);
		}
		struct g *gp = rt_runqsteal(p2, p1, true);
		int s = 0;
		if (gp) {
			s++;
			gp->sig++;
		}
		while ((gp = rt_runqget(p2, NULL)) != NULL) {
			s++;
			gp->sig++;
		}
		while ((gp = rt_runqget(p1, NULL)) != NULL)
			gp->sig++;
		for (int j = 0; j < i; j++)
			if (gs[j].sig != 1)
				FAIL("bad element %d(%u) at iter %d", j, gs[j].sig, i);
		if (s != i / 2 && s != i / 2 + 1)
			FAIL("bad steal %d, want %d or %d, iter %d", s, i / 2, i / 2 + 1, i);
	}
	test_freep(p1);
	test_freep(p2);
}

START_TEST(test_sched_local_queue_steal)
{
	struct sim_result res;
	reset_gs();
	ck_assert_int_eq(run1(sched_local_queue_steal, NULL, 1, 0, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* Go's RunSchedLocalQueueEmptyTest, as two virtual threads: one keeps
 * the queue non-empty at every instant while moving a g between runnext
 * and the ring; the other asks runqempty in the middle. */
struct emptytest {
	struct p p;
	uint32_t ready;
	bool next0, next1;
	bool (*empty)(struct p *);
};

static void empty_producer(void *arg)
{
	struct emptytest *t = arg;
	rt_runqput(&t->p, &gs[0], t->next0);
	plat_xadd32(&t->ready, 1);
	while (plat_load32(&t->ready) != 2)
		;
	rt_runqput(&t->p, &gs[1], t->next1);
	rt_runqget(&t->p, NULL);
}

static void empty_checker(void *arg)
{
	struct emptytest *t = arg;
	plat_xadd32(&t->ready, 1);
	while (plat_load32(&t->ready) != 2)
		;
	if (t->empty(&t->p))
		FAIL("queue is empty (next: %d %d)", t->next0, t->next1);
}

/* The check before Go's fix fcd7c02: looks at head, tail and runnext
 * without confirming that the tail did not move in between. */
static bool naive_runqempty(struct p *pp)
{
	uint32_t head = plat_load32(&pp->runqhead);
	uint32_t tail = plat_load32(&pp->runqtail);
	struct g *runnext = plat_loadp((void *const *)&pp->runnext);
	return head == tail && runnext == NULL;
}

/* Explore `seeds` runs for each next0/next1 combination; returns the
 * number of runs in which the checker saw an empty queue. */
static int explore_empty(bool (*empty)(struct p *), int seeds)
{
	int falses = 0;
	for (int i = 0; i < 4 * seeds; i++) {
		struct emptytest *t = calloc(1, sizeof *t);
		test_p_init(&t->p);
		t->next0 = (i & 1) == 0;
		t->next1 = (i & 2) == 0;
		t->empty = empty;
		failure[0] = 0;
		struct sim_config cfg = {.seed = (uint64_t)i, .window_ns = SIM_WINDOW_INF};
		void (*fns[2])(void *) = {empty_producer, empty_checker};
		void *args[2] = {t, t};
		struct sim_result res;
		sim_run_threads(&cfg, 2, fns, args, &res);
		ck_assert_int_eq(res.status, TR_COMPLETE);
		if (failure[0])
			falses++;
		test_p_fini(&t->p);
		free(t);
	}
	return falses;
}

START_TEST(test_sched_local_queue_empty)
{
	reset_gs();
	ck_assert_int_eq(explore_empty(rt_runqempty, 1000), 0);
}
END_TEST

/* The exploration is strong enough to find the bug runqempty's loop
 * fixes: the naive check reports a false "empty" on some interleaving. */
START_TEST(test_naive_runqempty_is_caught)
{
	reset_gs();
	ck_assert_int_gt(explore_empty(naive_runqempty, 1000), 0);
}
END_TEST

/* Go's RunStealOrderTest. */
START_TEST(test_steal_order)
{
	struct randomOrder ord = {0};
	for (uint32_t procs = 1; procs <= 64; procs++) {
		rt_randomOrder_reset(&ord, procs);
		if (procs >= 3 && ord.ncoprimes < 2)
			ck_abort_msg("too few coprimes");
		for (uint32_t co = 0; co < ord.ncoprimes; co++) {
			struct randomEnum e = rt_randomOrder_start(&ord, co);
			bool checked[64] = {0};
			for (uint32_t p = 0; p < procs; p++) {
				uint32_t x = randomEnum_position(&e);
				ck_assert_msg(!checked[x],
				              "duplicate during enumeration: procs %u inc %u",
				              procs, e.inc);
				checked[x] = true;
				randomEnum_next(&e);
			}
			ck_assert_msg(randomEnum_done(&e), "not done");
		}
	}
	rt_randomOrder_free(&ord);
}
END_TEST

/* runqputslow: a full ring moves half of itself plus the new g to the
 * global queue, and globrunqget hands back one g plus a batch. */
static void putslow_body(void *unused)
{
	struct p *pp = test_newp();
	static struct g many[RT_RUNQ_SIZE + 1];
	for (int i = 0; i <= RT_RUNQ_SIZE; i++) {
		many[i].goid = 1000 + i;
		rt_runqput(pp, &many[i], false);
	}
	if (rt_sched.runqsize != RT_RUNQ_SIZE / 2 + 1)
		FAIL("global queue has %d, want %d", rt_sched.runqsize, RT_RUNQ_SIZE / 2 + 1);
	if (pp->runqtail - pp->runqhead != RT_RUNQ_SIZE / 2)
		FAIL("local queue has %u", pp->runqtail - pp->runqhead);
	/* The oldest half went first, in order, then the new g. */
	if (rt_sched.runq.head != &many[0] || rt_sched.runq.tail != &many[RT_RUNQ_SIZE])
		FAIL("global queue order");
	/* Drain the local queue, then take from the global one: with
	 * gomaxprocs 4 and 129 queued, n = 129/4+1 = 33. */
	while (rt_runqget(pp, NULL))
		;
	rt_gomaxprocs = 4;
	plat_lock(&rt_sched.lock);
	struct g *gp = rt_globrunqget(pp, 0);
	plat_unlock(&rt_sched.lock);
	if (gp != &many[0])
		FAIL("globrunqget returned the wrong g");
	if (pp->runqtail - pp->runqhead != 32)
		FAIL("globrunqget batch moved %u, want 32", pp->runqtail - pp->runqhead);
	if (rt_sched.runqsize != RT_RUNQ_SIZE / 2 + 1 - 33)
		FAIL("global queue left %d", rt_sched.runqsize);
	/* max bounds the batch (schedtick%61 fairness check takes 1). */
	while (rt_runqget(pp, NULL))
		;
	plat_lock(&rt_sched.lock);
	gp = rt_globrunqget(pp, 1);
	plat_unlock(&rt_sched.lock);
	if (gp != &many[33] || !rt_runqempty(pp))
		FAIL("globrunqget(max=1) took more than one");
	rt_gomaxprocs = 0;
	memset(&rt_sched, 0, sizeof rt_sched);
	test_freep(pp);
}

START_TEST(test_runqputslow_and_globrunqget)
{
	struct sim_result res;
	ck_assert_int_eq(run1(putslow_body, NULL, 1, 0, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
}
END_TEST

/* runnext is stolen only on the last pass, and only after a 3 us
 * back-off when the victim is running. */
static int64_t backoff_ns;
static void runnext_steal_body(void *unused)
{
	struct p *victim = test_newp(), *thief = test_newp();
	victim->status = _Prunning;
	rt_runqput(victim, &gs[7], true);
	if (rt_runqsteal(thief, victim, false) != NULL)
		FAIL("runnext stolen without stealRunNextG");
	int64_t t0 = sim_now();
	if (rt_runqsteal(thief, victim, true) != &gs[7])
		FAIL("runnext not stolen on the last pass");
	backoff_ns = sim_now() - t0;
	if (!rt_runqempty(victim))
		FAIL("victim not empty after the steal");
	test_freep(victim);
	test_freep(thief);
}

START_TEST(test_runnext_steal_backoff)
{
	struct sim_result res;
	reset_gs();
	ck_assert_int_eq(run1(runnext_steal_body, NULL, 1, 0, &res), TR_COMPLETE);
	ck_assert_msg(!failure[0], "%s", failure);
	ck_assert_int_ge(backoff_ns, 3000);
}
END_TEST

START_TEST(test_legal_transitions)
{
	/* Exactly the transitions Go's runtime makes, each with where it
	 * makes it; every other pair of the 10 statuses is illegal. */
	static const struct {
		uint32_t from, to;
	} legal[] = {
	        {_Gidle, _Gdead},         /* malg, then newproc1 publishes it */
	        {_Gdead, _Grunnable},     /* newproc1 */
	        {_Grunnable, _Grunning},  /* execute */
	        {_Grunning, _Grunnable},  /* gosched, preemption, goyield */
	        {_Grunning, _Gwaiting},   /* gopark, stopTheWorld */
	        {_Grunning, _Gdead},      /* goexit0 */
	        {_Grunning, _Gsyscall},   /* entersyscall */
	        {_Grunning, _Gpreempted}, /* preemptPark (suspendG) */
	        {_Gsyscall, _Grunning},   /* exitsyscall fast path */
	        {_Gsyscall, _Grunnable},  /* exitsyscall0 */
	        {_Gwaiting, _Grunnable},  /* ready, netpoll, a park aborted */
	        {_Gpreempted, _Gwaiting}, /* suspendG */
	};
	int nlegal = 0;
	for (uint32_t from = 0; from < RT_GSTATUS_COUNT; from++) {
		for (uint32_t to = 0; to < RT_GSTATUS_COUNT; to++) {
			bool want = false;
			for (size_t k = 0; k < sizeof legal / sizeof legal[0]; k++)
				want |= legal[k].from == from && legal[k].to == to;
			nlegal += want;
			ck_assert_msg(rt_legal_gstatus_transition(from, to) == want,
			              "%s -> %s: legal is %d, want %d", rt_gstatus_names[from],
			              rt_gstatus_names[to], rt_legal_gstatus_transition(from, to),
			              want);
		}
	}
	ck_assert_int_eq(nlegal, (int)(sizeof legal / sizeof legal[0]));
	/* Out of range values are never legal. */
	ck_assert(!rt_legal_gstatus_transition(RT_GSTATUS_COUNT, _Grunning));
	ck_assert(!rt_legal_gstatus_transition(_Grunning, RT_GSTATUS_COUNT));
}
END_TEST

static void illegal_body(void *unused)
{
	struct g gp = {.atomicstatus = _Gwaiting, .goid = 5};
	rt_casgstatus(&gp, _Gwaiting, _Grunning);
	FAIL("casgstatus allowed waiting -> running");
}

static void wrong_oldval_body(void *unused)
{
	struct g gp = {.atomicstatus = _Grunnable, .goid = 5};
	rt_casgstatus(&gp, _Gwaiting, _Grunnable);
	FAIL("casgstatus accepted a wrong old value");
}

START_TEST(test_casgstatus_throws)
{
	struct sim_result res;
	ck_assert_int_eq(run1(illegal_body, NULL, 1, 0, &res), TR_VIOLATION);
	ck_assert_str_eq(res.message, "casgstatus: illegal transition");
	ck_assert_int_eq(res.stats.violations, 1);
	ck_assert_int_eq(run1(wrong_oldval_body, NULL, 1, 0, &res), TR_VIOLATION);
	ck_assert_str_eq(res.message, "casgstatus: waiting for Gwaiting but is Grunnable");
}
END_TEST

/* Stacks from the pool (runtime/arch/stack.c): distinct tops spread over
 * cache sets, and, where the kernel installs guard pages, a write that
 * runs off a stack's low end faults within two pages. */
START_TEST(test_stack_pool_guard_and_colour)
{
	enum { size = 256 * 1024, n = 8 };
	void *s[n];
	for (int i = 0; i < n; i++) {
		s[i] = arch_stack_alloc(size);
		ck_assert_ptr_nonnull(s[i]);
	}
	int offsets = 0;
	for (int i = 0; i < n; i++)
		offsets |= 1 << (((uintptr_t)s[i] % 4096) / 64 % 32);
	ck_assert_msg(__builtin_popcount((unsigned)offsets) > 1,
	              "every stack top in one cache set");
	if (arch_stack_guarded()) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			signal(SIGSEGV, SIG_DFL); /* not a sanitizer's report: die of it */
			volatile char *p = (char *)s[n - 1];
			for (int i = 1; i <= 2 * 4096 + 1; i++)
				p[-i] = 1;
			_exit(0); /* ran over the guard: no guard */
		}
		int st;
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		              "a write below a guarded stack did not fault");
	}
	for (int i = 0; i < n; i++)
		arch_stack_free(s[i], size);
}
END_TEST

/* A pool that cannot map a new arena says so every time it is asked, and
 * carves good stacks once memory is back: it used to skip an arena index
 * at each failed call after the first and hand out a stack inside no
 * mapping (the native many-alive under a memory limit died in malg). */
START_TEST(test_stack_pool_out_of_memory)
{
#if defined(__SANITIZE_ADDRESS__)
	return; /* ASan's shadow does not live under an address-space limit */
#endif
	enum { size = 192 * 1024, arena = 64 };
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		long pages = 0;
		FILE *f = fopen("/proc/self/statm", "r");
		if (!f || fscanf(f, "%ld", &pages) != 1)
			_exit(10);
		fclose(f);
		struct rlimit rl;
		if (getrlimit(RLIMIT_AS, &rl) != 0)
			_exit(11);
		rlim_t max = rl.rlim_max;
		rl.rlim_cur = (rlim_t)pages * 4096 + (32u << 20);
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(12);
		int got = 0;
		while (arch_stack_alloc(size) != NULL)
			if (++got > 1000)
				_exit(13); /* the limit did not hold */
		for (int i = 0; i < 3; i++)
			if (arch_stack_alloc(size) != NULL)
				_exit(14); /* a stack with no arena behind it */
		rl.rlim_cur = max;
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(15);
		for (int i = 0; i < 2 * arena; i++) {
			volatile char *s = arch_stack_alloc(size);
			if (s == NULL)
				_exit(16);
			s[0] = 1; /* faults if the stack is in no mapping */
			s[size - 1] = 1;
		}
		_exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	              "stack pool under a memory limit: status 0x%x", st);
}
END_TEST

Suite *make_runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("runq");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sched_local_queue);
	tcase_add_test(tc, test_sched_local_queue_steal);
	tcase_add_test(tc, test_sched_local_queue_empty);
	tcase_add_test(tc, test_naive_runqempty_is_caught);
	tcase_add_test(tc, test_runqputslow_and_globrunqget);
	tcase_add_test(tc, test_runnext_steal_backoff);
	suite_add_tcase(s, tc);
	tc = tcase_create("order");
	tcase_add_test(tc, test_steal_order);
	suite_add_tcase(s, tc);
	tc = tcase_create("status");
	tcase_add_test(tc, test_legal_transitions);
	tcase_add_test(tc, test_casgstatus_throws);
	suite_add_tcase(s, tc);
	tc = tcase_create("stacks");
	tcase_add_test(tc, test_stack_pool_guard_and_colour);
	tcase_add_test(tc, test_stack_pool_out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}
