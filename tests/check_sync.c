/*
 * check_sync.c - semaphores, sync.Mutex and sync.WaitGroup
 * (runtime/sema.c) in whole programs run by the simulator: mutual
 * exclusion under contention, starvation mode and its direct hand-off,
 * TryLock, the WaitGroup's wait and its panics, and determinism.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "gs.h"
#include "runtime.h"
#include "sema.h"
#include "sim.h"
#include "testutil.h"

static const int64_t windows[2] = {0, SIM_WINDOW_INF};

static int run(void (*mainfn)(void *), void *arg, int32_t procs, uint64_t seed, int64_t window,
               struct sim_result *res)
{
	struct sim_config cfg = {.seed = seed, .window_ns = window};
	return sim_run_program(&cfg, procs, mainfn, arg, res);
}

/* The same without the noise model: for tests of what timing alone
 * decides (the cost model's exact figures), such as 1 ms of waiting. */
static int run_exact(void (*mainfn)(void *), void *arg, int32_t procs, uint64_t seed,
                     int64_t window, struct sim_result *res)
{
	struct sim_config cfg = {.seed = seed, .window_ns = window, .noise_off = true};
	return sim_run_program(&cfg, procs, mainfn, arg, res);
}

#define ck_complete(res, seed, w)                                                                  \
	ck_assert_msg((res).status == TR_COMPLETE, "seed %llu window %lld: %s %s",                 \
	              (unsigned long long)(seed), (long long)(w), tr_status_name((res).status),    \
	              (res).message)

/* ---- mutual exclusion ---- */

#define MX_G     8
#define MX_ITERS 200

static struct {
	struct gs_mutex mu;
	struct gs_waitgroup wg;
	int64_t counter;
	int inside, maxinside;
} mx;

static void mx_worker(void *arg)
{
	for (int i = 0; i < MX_ITERS; i++) {
		gs_mutex_lock(&mx.mu);
		if (++mx.inside > mx.maxinside)
			mx.maxinside = mx.inside;
		int64_t v = mx.counter; /* a non-atomic read-modify-write ... */
		gs_spend(50);           /* ... with a yield point inside */
		mx.counter = v + 1;
		mx.inside--;
		gs_mutex_unlock(&mx.mu);
		if (i % 3 == 0)
			gs_gosched();
		else
			gs_spend(20);
	}
	gs_wg_done(&mx.wg);
}

static void mx_main(void *arg)
{
	gs_wg_add(&mx.wg, MX_G);
	for (int i = 0; i < MX_G; i++)
		gs_go(mx_worker, NULL);
	gs_wg_wait(&mx.wg);
}

START_TEST(test_mutex_mutual_exclusion)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			memset(&mx, 0, sizeof mx);
			struct sim_result res;
			run(mx_main, NULL, 4, seed, windows[w], &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(mx.counter, MX_G * MX_ITERS);
			ck_assert_int_eq(mx.maxinside, 1);
			ck_assert(!rt_mutex_locked(&mx.mu));
			ck_assert_int_eq(rt_mutex_waiters(&mx.mu), 0);
			gs_mutex_destroy(&mx.mu);
			gs_wg_destroy(&mx.wg);
		}
	}
}
END_TEST

/* ---- starvation mode ---- */

/* A hog re-locks the mutex as soon as it unlocks it, holding it 300 us
 * at a time; a victim asks for it meanwhile.  In normal mode the woken
 * victim loses to the running hog again and again; after 1 ms of waiting
 * it switches the mutex to starvation mode, and the hog's next unlock
 * hands the mutex to it directly. */
#define ST_ROUNDS 20

static struct {
	struct gs_mutex mu;
	bool victim_done;
	int hog_rounds_after_victim_asked;
	bool saw_starving;    /* the hog saw the starving bit while holding the lock */
	bool next_was_victim; /* ... and the victim got the lock next */
	int order[2 * ST_ROUNDS + 4];
	int norder;
	uint64_t handoffs0, handoffs;
	bool victim_asked;
} st;

static void st_victim(void *arg)
{
	st.victim_asked = true;
	gs_mutex_lock(&st.mu);
	st.order[st.norder++] = 2;
	st.victim_done = true;
	gs_mutex_unlock(&st.mu);
}

static void st_hog(void *arg)
{
	bool pending_check = false;
	for (int i = 0; i < ST_ROUNDS; i++) {
		gs_mutex_lock(&st.mu);
		if (pending_check && st.victim_done)
			st.next_was_victim = true;
		pending_check = false;
		st.order[st.norder++] = 1;
		gs_spend(300000);
		if (rt_mutex_starving(&st.mu) && !st.victim_done) {
			st.saw_starving = true;
			pending_check = true;
		}
		if (st.victim_asked && !st.victim_done)
			st.hog_rounds_after_victim_asked++;
		gs_mutex_unlock(&st.mu);
	}
}

static void st_main(void *arg)
{
	st.handoffs0 = rt_mutex_handoffs();
	gs_go(st_hog, NULL);
	gs_spend(50000); /* the hog holds the mutex by now */
	gs_go(st_victim, NULL);
}

START_TEST(test_mutex_starvation_handoff)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 12; seed++) {
			memset(&st, 0, sizeof st);
			struct sim_result res;
			/* "the hog holds the mutex by now" and "waited 1 ms" are
			 * the cost model's timings: with the OS taking a core
			 * away for milliseconds the plot can change. */
			run_exact(st_main, NULL, 2, seed, windows[w], &res);
			ck_complete(res, seed, windows[w]);
			st.handoffs = rt_mutex_handoffs() - st.handoffs0;
			ck_assert(st.victim_done);
			/* Starvation mode ended with the last waiter. */
			ck_assert(!rt_mutex_starving(&st.mu));
			ck_assert(!rt_mutex_locked(&st.mu));
			if (windows[w] != 0) {
				/* Under free interleaving each M's clock runs
				 * on its own, so "waited 1 ms" is not
				 * comparable across the Ms a goroutine runs on;
				 * only completion is checked there. */
				gs_mutex_destroy(&st.mu);
				continue;
			}
			ck_assert_msg(st.saw_starving, "seed %llu: never starving (%d rounds)",
			              (unsigned long long)seed, st.hog_rounds_after_victim_asked);
			ck_assert(st.next_was_victim);
			ck_assert_int_ge(st.handoffs, 1);
			/* The victim waited > 1 ms (> 3 hog rounds) but not the
			 * whole run. */
			ck_assert_int_ge(st.hog_rounds_after_victim_asked, 3);
			ck_assert_int_lt(st.hog_rounds_after_victim_asked, ST_ROUNDS);
			gs_mutex_destroy(&st.mu);
		}
	}
}
END_TEST

/* ---- TryLock and misuse ---- */

static struct {
	struct gs_mutex mu;
	bool t1, t2, t3;
} tl;

static void trylock_main(void *arg)
{
	tl.t1 = gs_mutex_trylock(&tl.mu); /* unlocked: succeeds */
	tl.t2 = gs_mutex_trylock(&tl.mu); /* locked: fails */
	gs_mutex_unlock(&tl.mu);
	tl.t3 = gs_mutex_trylock(&tl.mu);
	gs_mutex_unlock(&tl.mu);
}

START_TEST(test_mutex_trylock)
{
	memset(&tl, 0, sizeof tl);
	struct sim_result res;
	run(trylock_main, NULL, 2, 1, 0, &res);
	ck_complete(res, 1, 0);
	ck_assert(tl.t1);
	ck_assert(!tl.t2);
	ck_assert(tl.t3);
	gs_mutex_destroy(&tl.mu);
}
END_TEST

static struct gs_mutex badmu;
static struct gs_waitgroup badwg;

static void unlock_unlocked_main(void *arg)
{
	gs_mutex_unlock(&badmu);
}

static void negative_wg_main(void *arg)
{
	gs_wg_add(&badwg, 1);
	gs_wg_done(&badwg);
	gs_wg_done(&badwg);
}

START_TEST(test_sync_panics)
{
	struct sim_result res;
	memset(&badmu, 0, sizeof badmu);
	ck_assert_int_eq(run(unlock_unlocked_main, NULL, 2, 1, 0, &res), 1);
	ck_assert_int_eq(res.status, TR_PANIC);
	ck_assert_str_eq(res.message, "sync: unlock of unlocked mutex");
	memset(&badwg, 0, sizeof badwg);
	ck_assert_int_eq(run(negative_wg_main, NULL, 2, 1, 0, &res), 1);
	ck_assert_int_eq(res.status, TR_PANIC);
	ck_assert_str_eq(res.message, "sync: negative WaitGroup counter");
}
END_TEST

/* ---- WaitGroup ---- */

#define WG_N 30

static struct {
	struct gs_waitgroup wg;
	int finished;
	int seen_by_waiter[3];
	int nwaiters_done;
	struct gs_waitgroup waiters;
} wgt;

static void wg_worker(void *arg)
{
	gs_spend(1000 + 337 * ((intptr_t)arg % 7));
	if ((intptr_t)arg % 3 == 0)
		gs_gosched();
	wgt.finished++;
	gs_wg_done(&wgt.wg);
}

static void wg_waiter(void *arg)
{
	gs_wg_wait(&wgt.wg);
	wgt.seen_by_waiter[(intptr_t)arg] = wgt.finished;
	gs_wg_done(&wgt.waiters);
}

static void wg_main(void *arg)
{
	gs_wg_add(&wgt.waiters, 2);
	gs_wg_add(&wgt.wg, WG_N);
	gs_go(wg_waiter, (void *)1);
	gs_go(wg_waiter, (void *)2);
	for (intptr_t i = 0; i < WG_N; i++)
		gs_go(wg_worker, (void *)i);
	gs_wg_wait(&wgt.wg);
	wgt.seen_by_waiter[0] = wgt.finished;
	gs_wg_wait(&wgt.waiters);
	wgt.nwaiters_done = 2;
	/* Reuse after every Wait returned. */
	gs_wg_add(&wgt.wg, 1);
	gs_go(wg_worker, (void *)99);
	gs_wg_wait(&wgt.wg);
}

START_TEST(test_waitgroup)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			memset(&wgt, 0, sizeof wgt);
			struct sim_result res;
			run(wg_main, NULL, 1 + (int32_t)(seed % 4), seed, windows[w], &res);
			ck_complete(res, seed, windows[w]);
			for (int i = 0; i < 3; i++)
				ck_assert_int_eq(wgt.seen_by_waiter[i], WG_N);
			ck_assert_int_eq(wgt.finished, WG_N + 1);
			ck_assert_uint_eq(wgt.wg.state, 0);
			gs_wg_destroy(&wgt.wg);
			gs_wg_destroy(&wgt.waiters);
		}
	}
}
END_TEST

/* WaitGroup.Wait parks through runtime_Semacquire, whose wait reason in
 * Go 1.21 is waitReasonSemacquire ("semacquire"); the program has no
 * mutex and no stop-the-world, so every such park is a Wait. */
START_TEST(test_waitgroup_wait_reason)
{
	memset(&wgt, 0, sizeof wgt);
	struct memsink m;
	memsink_init(&m);
	struct sim_config cfg = {.seed = 1, .sink = &m.base};
	struct sim_result res;
	sim_run_program(&cfg, 2, wg_main, NULL, &res);
	ck_complete(res, (uint64_t)1, (int64_t)0);
	int parks = 0;
	for (size_t i = 0; i < m.n; i++) {
		const struct rt_event *e = &m.ev[i];
		if (e->kind != RT_EV_GSTATUS || e->b != _Gwaiting || e->obj == 0)
			continue;
		ck_assert_ptr_nonnull(e->detail);
		ck_assert_str_eq(e->detail, "semacquire");
		parks++;
	}
	ck_assert_int_ge(parks, 3); /* main and both waiters wait for the workers */
	gs_wg_destroy(&wgt.wg);
	gs_wg_destroy(&wgt.waiters);
	memsink_free(&m);
}
END_TEST

/* ---- determinism ---- */

START_TEST(test_determinism)
{
	for (int w = 0; w < 2; w++) {
		uint64_t hashes[6];
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct sim_result a, b;
			memset(&mx, 0, sizeof mx);
			run(mx_main, NULL, 3, seed, windows[w], &a);
			gs_mutex_destroy(&mx.mu);
			gs_wg_destroy(&mx.wg);
			memset(&mx, 0, sizeof mx);
			run(mx_main, NULL, 3, seed, windows[w], &b);
			gs_mutex_destroy(&mx.mu);
			gs_wg_destroy(&mx.wg);
			ck_complete(a, seed, windows[w]);
			ck_assert_uint_eq(a.stats.hash, b.stats.hash);
			ck_assert_uint_eq(a.stats.n_events, b.stats.n_events);
			ck_assert_int_eq(a.steps, b.steps);
			hashes[seed - 1] = a.stats.hash;
		}
		bool differ = false;
		for (int i = 1; i < 6; i++)
			differ |= hashes[i] != hashes[0];
		ck_assert(differ);
	}
}
END_TEST

/* ---- freeing objects as early as gs.h allows ----
 *
 * Each program frees a heap object at the earliest moment gs.h's rules
 * allow, often while the goroutine that woke the freer is still inside
 * the runtime: a WaitGroup as its Wait returns, a Mutex after its last
 * Unlock, a channel as its receive returns.  Under free interleaving
 * the simulator puts the freer ahead of the waker in many ways; in the
 * ASan build (./scripts/test runs both) any touch of the freed object is
 * a heap-use-after-free that fails the test.  They call the destroy
 * functions, as programs written for the first gs.h had to.  The first is the
 * program that found the bug of semaphore roots freed with their object
 * (docs/finding-a-use-after-free.md). */

#define LT_ITERS 1000
#define LT_SEEDS 60

/* Windows: discrete-event order, then 2 us - about the length of a
 * release, which lets a waiter overtake its releaser mid-release most
 * often (the old bug: 10 of 60 seeds at 3000 iterations, none at 0 or
 * 1 us) - then free interleaving. */
static void lt_run(void (*mainfn)(void *), const char *what)
{
	static const int64_t lt_windows[] = {0, 2000, SIM_WINDOW_INF};
	for (int w = 0; w < 3; w++) {
		for (uint64_t seed = 1; seed <= (w ? LT_SEEDS : 10); seed++) {
			struct sim_result res;
			run(mainfn, NULL, 2, seed, lt_windows[w], &res);
			ck_assert_msg(res.status == TR_COMPLETE, "%s: seed %llu window %lld: %s %s",
			              what, (unsigned long long)seed, (long long)lt_windows[w],
			              tr_status_name(res.status), res.message);
		}
	}
}

static void lt_wg_worker(void *arg)
{
	gs_wg_done(arg);
}

/* The waiter frees the WaitGroup as soon as its Wait returns. */
static void lt_wg_main(void *unused)
{
	for (int i = 0; i < LT_ITERS; i++) {
		struct gs_waitgroup *wg = calloc(1, sizeof *wg);
		gs_wg_add(wg, 2);
		gs_go(lt_wg_worker, wg);
		gs_go(lt_wg_worker, wg);
		gs_wg_wait(wg);
		gs_wg_destroy(wg);
		free(wg);
	}
}

START_TEST(test_free_waitgroup_after_wait)
{
	lt_run(lt_wg_main, "waitgroup");
}
END_TEST

/* Three waiters; the last to return from Wait frees the WaitGroup while
 * the Done that released them may still be waking the others. */
static struct {
	struct gs_waitgroup *wg;
	int returned;
	struct gs_waitgroup done;
} ltm;

static void lt_multi_waiter(void *unused)
{
	struct gs_waitgroup *wg = ltm.wg;
	gs_wg_wait(wg);
	if (++ltm.returned == 3) {
		gs_wg_destroy(wg);
		free(wg);
	}
	gs_wg_done(&ltm.done);
}

static void lt_multi_main(void *unused)
{
	/* A WaitGroup belongs to one run: the runtime hands out semaphore
	 * keys afresh in each, so a key kept from an earlier run would name
	 * another object's semaphore. */
	memset(&ltm.done, 0, sizeof ltm.done);
	for (int i = 0; i < LT_ITERS; i++) {
		ltm.wg = calloc(1, sizeof *ltm.wg);
		ltm.returned = 0;
		gs_wg_add(ltm.wg, 1);
		gs_wg_add(&ltm.done, 3);
		for (int k = 0; k < 3; k++)
			gs_go(lt_multi_waiter, NULL);
		gs_spend(500); /* let them park */
		gs_wg_done(ltm.wg);
		gs_wg_wait(&ltm.done);
	}
}

START_TEST(test_free_waitgroup_many_waiters)
{
	lt_run(lt_multi_main, "waitgroup, three waiters");
}
END_TEST

/* Two goroutines contend for a mutex; the one that finishes last frees
 * it after its last Unlock, while the other may still be in its own
 * Unlock, waking it. */
static struct {
	struct gs_mutex *mu;
	int finished;
	struct gs_waitgroup done;
} ltx;

static void lt_mutex_worker(void *unused)
{
	struct gs_mutex *mu = ltx.mu;
	for (int k = 0; k < 4; k++) {
		gs_mutex_lock(mu);
		gs_spend(100);
		gs_mutex_unlock(mu);
	}
	if (++ltx.finished == 2) {
		gs_mutex_destroy(mu);
		free(mu);
	}
	gs_wg_done(&ltx.done);
}

static void lt_mutex_main(void *unused)
{
	memset(&ltx.done, 0, sizeof ltx.done); /* one run's, as lt_multi_main's */
	for (int i = 0; i < LT_ITERS; i++) {
		ltx.mu = calloc(1, sizeof *ltx.mu);
		ltx.finished = 0;
		gs_wg_add(&ltx.done, 2);
		gs_go(lt_mutex_worker, NULL);
		gs_go(lt_mutex_worker, NULL);
		gs_wg_wait(&ltx.done);
	}
}

START_TEST(test_free_mutex_after_unlock)
{
	lt_run(lt_mutex_main, "mutex");
}
END_TEST

/* A receiver frees the channel as soon as its receive (or select)
 * returns with the value a sender handed over, or sees it closed. */
static void lt_sender(void *c)
{
	gs_chan_send(c, 42);
}

static void lt_closer(void *c)
{
	gs_chan_close(c);
}

static void lt_chan_main(void *unused)
{
	for (int i = 0; i < LT_ITERS; i++) {
		int64_t v;
		struct gs_chan *c = gs_chan_make(i % 2); /* unbuffered, then buffered */
		gs_go(lt_sender, c);
		if (!gs_chan_recv(c, &v) || v != 42)
			rt_throw("test: wrong value");
		gs_chan_free(c);

		c = gs_chan_make(0);
		gs_go(lt_closer, c);
		if (gs_chan_recv(c, &v))
			rt_throw("test: a closed channel delivered a value");
		gs_chan_free(c);

		c = gs_chan_make(0);
		gs_go(lt_sender, c);
		struct gs_case cs[2] = {{.c = c, .dir = GS_RECV}, {.c = NULL, .dir = GS_RECV}};
		if (gs_select(cs, 2, true) != 0 || cs[0].value != 42)
			rt_throw("test: wrong select");
		gs_chan_free(c);
	}
}

START_TEST(test_free_chan_after_recv)
{
	lt_run(lt_chan_main, "channel");
}
END_TEST

Suite *make_sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("mutex");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutex_mutual_exclusion);
	tcase_add_test(tc, test_mutex_starvation_handoff);
	tcase_add_test(tc, test_mutex_trylock);
	tcase_add_test(tc, test_sync_panics);
	tcase_add_test(tc, test_determinism);
	suite_add_tcase(s, tc);
	tc = tcase_create("waitgroup");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_waitgroup);
	tcase_add_test(tc, test_waitgroup_wait_reason);
	suite_add_tcase(s, tc);
	tc = tcase_create("lifetime");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_free_waitgroup_after_wait);
	tcase_add_test(tc, test_free_waitgroup_many_waiters);
	tcase_add_test(tc, test_free_mutex_after_unlock);
	tcase_add_test(tc, test_free_chan_after_recv);
	suite_add_tcase(s, tc);
	return s;
}
