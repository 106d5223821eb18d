/*
 * oracle.c - the oracles: an observer of the event stream (sim.h,
 * struct sim_observer) that ends a run as a violation when the scheduler
 * breaks one of the contracts Go's scheduler keeps, for longer than a
 * bound.
 *
 *   work-conservation  a P sits on the idle list while a goroutine is
 *                      runnable and no M spins, for longer than idle_ns
 *                      (the contract behind Go #43997 and #45867: when
 *                      there is work and an idle P, some M is looking
 *                      for it); a goroutine that Gosched, a preemption
 *                      or goyield made runnable does not count, as Go
 *                      1.21 wakes no P for it (unwoken());
 *   starvation         a goroutine stays runnable longer than starve_ns
 *                      plus its queue allowance: STARVE_SLICE_NS for each
 *                      goroutine per P that was runnable when it became
 *                      runnable (Go runs them in turn, each for up to a
 *                      10 ms slice that sysmon may take 10 ms more to end);
 *   global-queue       while the global run queue holds work, a P starts
 *                      more than 2 * global_check time slices without
 *                      taking from it (Go 1.21's findRunnable looks at it
 *                      whenever schedtick % 61 == 0: the contract the knob
 *                      global-fairness breaks); no bound, off when the
 *                      policy global-check is 0;
 *   liveness           progress_steps scheduler steps (yield points
 *                      outside the program's own spends and syscalls)
 *                      pass without any goroutine changing state;
 *   timer-lateness     a timer runs more than timer_ns after its when
 *                      (checked when it runs: the event names its when):
 *                      sysmon's preemption and the timer stealing of idle
 *                      Ms keep an expired timer from waiting long behind
 *                      a goroutine that computes;
 *   timer-conservation an expired timer stays unrun for longer than
 *                      idle_ns while a P is idle and nothing looks for
 *                      it: no M spins (a spinning M runs the expired
 *                      timers of every P) and no M sleeps in the network
 *                      poller until it is due (within the poller's
 *                      millisecond).  Go's contract: the last M to give
 *                      up its P sleeps in the poller until the earliest
 *                      timer of any P (findRunnable), woken early when an
 *                      earlier one is added (wakeNetPoller).  A P's
 *                      earliest timer is what nobarrierWakeTime reads,
 *                      carried by the timer_next events.  A timer left on
 *                      a P that procresize destroyed (Go moves them all)
 *                      is looked for by nothing: it counts whether a P
 *                      is idle or not;
 *   lost-wakeup        every thread is blocked while a goroutine is
 *                      runnable (checked when the engine finds no
 *                      eligible thread), or every thread is blocked or
 *                      asleep while a goroutine is runnable, every P is
 *                      idle and no M spins (checked as the last running
 *                      thread blocks or goes to sleep: nothing will look
 *                      for the work until a timer, the network or the
 *                      end of a system call wakes a thread); no bound.
 *
 * The state it keeps is rebuilt from events alone: each goroutine's
 * status and since when it has been runnable (gstatus), the number of
 * idle Ps (pidleput/pidleget carry it), and which Ms are spinning (an M
 * spins from a spinning-1 event, or a startm that hands it a P to spin
 * with, until its spinning-0 event).  A stretch is timed on the latest
 * event time seen, so that time never runs backwards; it is checked at
 * every event and again when it ends, so a violation is caught even if
 * nothing is emitted while it lasts.
 *
 * A work-conservation stretch does not count the longest time within it
 * that the noise model's OS kept one thread off its core
 * (sim_os_away_within): on a loaded machine the M handed the idle P, or
 * the one about to put a goroutine on a run queue, may be descheduled for
 * milliseconds without the scheduler breaking a contract.
 *
 * Time is only comparable between threads under a finite window: there
 * the two time bounds get the window as slack, and under free
 * interleaving they are not checked at all (one thread's clock can run
 * milliseconds ahead of another's while that one is merely slow, as a
 * thread the OS has descheduled: no contract of Go's is broken).
 * Liveness counts steps and lost wake-up has no bound: both are checked
 * under every window.
 *
 * An oracle fires once: it emits a violation event whose detail is its
 * name and ends the run (sim_violation); the run's message says what it
 * saw.  Without a violation the observer changes nothing: the event
 * stream and its hash are those of a run without it.
 *
 * Cost: O(1) per event, plus a scan of the goroutine table every
 * starve_ns/4 of virtual time for goroutines that never run.  Most
 * events cost less: the oracles tell the engine which ones they need
 * (set_filter: the kinds that change their state, and any event once a
 * check is due), and the engine skips the call for the others.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum { G_DEAD, G_RUNNABLE, G_OTHER };

struct gstate {
	uint8_t st;
	bool unwoken;     /* runnable by a path that in Go 1.21 wakes no P (unwoken()) */
	int64_t since;    /* frontier time it became runnable */
	int64_t allow_ns; /* its queue allowance (starvation) */
};

/* A time slice and the longest sysmon may take to end it (forcePreemptNS,
 * and its sleep of up to 10 ms): how long each goroutine ahead of a
 * runnable one may hold a P. */
#define STARVE_SLICE_NS INT64_C(20000000)

struct oracles {
	struct sim_observer obs; /* first */
	struct sim_bounds b;     /* in force for this run's window */
	struct sim_bounds b0;    /* as configured */
	struct sim_margins m;
	int64_t now; /* the frontier: latest event time */
	/* goroutines, indexed by goid: [0, ng) are this run's (zeroed when
	 * a goid first reached them), [ng, gcap) hold a former run's */
	struct gstate *g;
	int64_t ng, gcap;
	int64_t nrunnable;
	int64_t nwoken; /* of them, those made runnable by a path that looks for an idle P */
	/* Ps and Ms */
	int64_t npidle;
	int64_t gomaxprocs; /* from procresize: 0 until the first */
	uint8_t *spinning;  /* indexed by M id */
	int32_t nm;
	int32_t nspinning;
	/* work conservation: since when (-1: not now) */
	int64_t wc_since;
	/* starvation: next scan time (INT64_MAX: the oracle is off) */
	int64_t next_scan;
	/* liveness: scheduler steps at the last progress, at the last event
	 * seen, and the count past which the oracle fires (INT64_MAX: off).
	 * Within a stretch without progress the steps only grow, so the
	 * longest stretch (the margin) is folded in when one ends, and by
	 * sim_oracles_margins for the stretch still going. */
	int64_t progress_at, last_steps, stall_limit;
	int64_t slack; /* the window: how far apart two clocks may be */
	/* global-queue: the global queue's length (globrunqput carries it,
	 * globrunqget the count taken), and per P the time slices started
	 * since the queue last became non-empty or the P last took from it */
	int64_t global_check, gq_len;
	int64_t *ticks;
	int64_t nticks;
	/* timer-conservation: per P the two hints of its next timer
	 * (timer_next: [2p] the heap root's when, [2p+1] the earliest a timer
	 * was modified to; 0 none), the earliest of them over allp and over
	 * the Ps beyond GOMAXPROCS (0: none), the M asleep in the network
	 * poller (-1: none) and the timer it sleeps until (poll_until: 0
	 * none), and since when an expired timer has waited unattended (-1:
	 * not now) */
	int64_t *tnext;
	int64_t ntnext;
	int64_t timer_live, timer_dead, poll_until, tc_since;
	int32_t poll_m;
	bool fired, oom;
};

static void fire(struct oracles *o, const char *oracle, const char *msg)
{
	o->fired = true;
	sim_violation(oracle, msg);
}

static bool grow(void **p, int64_t *cap, int64_t need, size_t size)
{
	if (need < *cap)
		return true;
	int64_t n = *cap ? *cap : 256;
	while (n <= need)
		n *= 2;
	void *q = realloc(*p, (size_t)n * size);
	if (!q)
		return false;
	memset((char *)q + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
	*p = q;
	*cap = n;
	return true;
}

/* The goroutine table outlives its run: sim_oracles_free keeps it here
 * and sim_oracles_new takes it, so a run of a process that runs many
 * (bench_sim, explore, a sweep) neither grows the table again nor zeroes
 * more of it than its goids reach.  A process runs one simulation at a
 * time; a second oracle alive at once would find no spare and start
 * with none. */
static struct gstate *spare_g;
static int64_t spare_gcap;

/* The entry of goid, zeroed if this run has not reached it yet; NULL
 * when the table cannot grow. */
static struct gstate *gstate_of(struct oracles *o, int64_t goid)
{
	if (__builtin_expect(goid < o->ng, 1))
		return &o->g[goid];
	if (goid >= o->gcap) {
		int64_t n = o->gcap ? o->gcap : 256;
		while (n <= goid)
			n *= 2;
		struct gstate *q = realloc(o->g, (size_t)n * sizeof *q);
		if (!q)
			return NULL;
		o->g = q;
		o->gcap = n;
	}
	/* Goids come in order (a P takes them 16 at a time), so zero a
	 * stretch ahead of this one rather than one entry a goroutine. */
	int64_t end = goid + 256 < o->gcap ? goid + 256 : o->gcap;
	memset(o->g + o->ng, 0, (size_t)(end - o->ng) * sizeof *o->g);
	o->ng = end;
	return &o->g[goid];
}

static void set_spinning(struct oracles *o, int64_t m, bool on)
{
	int64_t cap = o->nm;
	if (m < 0)
		return;
	if (!grow((void **)&o->spinning, &cap, m, 1)) {
		o->oom = true;
		return;
	}
	o->nm = (int32_t)cap;
	if (o->spinning[m] != on) {
		o->spinning[m] = on;
		o->nspinning += on ? 1 : -1;
	}
}

/* A goroutine waited d runnable (it ran, or is still waiting), with
 * allow_ns of queue allowance. */
static void check_wait(struct oracles *o, int64_t goid, int64_t d, int64_t allow_ns, bool ran)
{
	if (d > o->m.starve_ns)
		o->m.starve_ns = d;
	if (o->b.starve_ns > 0 && d > o->b.starve_ns + allow_ns + o->slack) {
		char msg[256], a[32], b[32], q[80] = "";
		tr_fmt_ns(a, sizeof a, d);
		tr_fmt_ns(b, sizeof b, o->b.starve_ns);
		if (allow_ns > 0) {
			char x[32];
			tr_fmt_ns(x, sizeof x, allow_ns);
			snprintf(q, sizeof q, ", plus %s for the goroutines runnable before it", x);
		}
		snprintf(msg, sizeof msg,
		         "starvation: goroutine %" PRId64 " %s runnable %s without running "
		         "(bound %s%s)",
		         goid, ran ? "waited" : "has been", a, b, q);
		fire(o, "starvation", msg);
	}
}

/* A stretch of *d ns, from..to, against bound (0: off).  Time the OS
 * kept a thread off its core meanwhile (the noise model) is not the
 * scheduler's: it is taken off once the stretch is past half the bound
 * (the scan is then worth its cost).  *most keeps the largest stretch
 * (the run's margin); the result says whether this one breaks the bound. */
static bool over_bound(const struct oracles *o, int64_t *d, int64_t from, int64_t to, int64_t bound,
                       int64_t *most)
{
	if (*d > bound / 2)
		*d -= sim_os_away_within(from, to);
	if (*d > *most)
		*most = *d;
	return bound > 0 && *d > bound + o->slack;
}

/* A timer of P p due at when ran at t (the time of the M that ran it). */
static void check_timer(struct oracles *o, int64_t p, int64_t when, int64_t t)
{
	/* The OS's time: the M that would have run the timer, or the one
	 * computing on its P, off its core. */
	int64_t d = t - when;
	if (over_bound(o, &d, when, t, o->b.timer_ns, &o->m.timer_ns)) {
		char msg[256], a[32], b[32], w[32];
		tr_fmt_ns(a, sizeof a, d);
		tr_fmt_ns(b, sizeof b, o->b.timer_ns);
		tr_fmt_ns(w, sizeof w, when);
		snprintf(msg, sizeof msg,
		         "timer-lateness: a timer of P %" PRId64
		         " due at %s ran %s late (bound %s)",
		         p, w, a, b);
		fire(o, "timer-lateness", msg);
	}
}

/* Work conservation: the stretch that began at wc_since lasts d. */
static void check_idle(struct oracles *o, int64_t d)
{
	/* The OS's time: an M handed the idle P, or one about to put a
	 * goroutine on a run queue, descheduled for milliseconds. */
	if (over_bound(o, &d, o->wc_since, o->now, o->b.idle_ns, &o->m.idle_ns)) {
		char msg[256], a[32], b[32];
		tr_fmt_ns(a, sizeof a, d);
		tr_fmt_ns(b, sizeof b, o->b.idle_ns);
		snprintf(msg, sizeof msg,
		         "work-conservation: for %s (bound %s) a P was idle while %" PRId64
		         " goroutine(s) were runnable and no M was spinning",
		         a, b, o->nwoken);
		fire(o, "work-conservation", msg);
	}
}

/* The earliest timer of the Ps in allp, as the network poller's M
 * computes it (checkTimersNoP: nobarrierWakeTime, the root's when or an
 * earlier modified one), and of the Ps beyond GOMAXPROCS (the root's:
 * procresize moves a destroyed P's timers, and nothing looks at one it
 * did not move, the knob procresize-timers). */
static void set_timer_next(struct oracles *o)
{
	int64_t live = 0, dead = 0;
	for (int64_t p = 0; 2 * p + 1 < o->ntnext; p++) {
		int64_t root = o->tnext[2 * p], mod = o->tnext[2 * p + 1];
		if (o->gomaxprocs == 0 || p < o->gomaxprocs) {
			if (mod != 0 && (root == 0 || mod < root))
				root = mod;
			if (root != 0 && (live == 0 || root < live))
				live = root;
		} else if (root != 0 && (dead == 0 || root < dead)) {
			dead = root;
		}
	}
	o->timer_live = live;
	o->timer_dead = dead;
}

static void on_timer_next(struct oracles *o, int64_t p, int64_t when, int64_t which)
{
	int64_t cap = o->ntnext;
	if (p < 0)
		return;
	if (!grow((void **)&o->tnext, &cap, 2 * p + 1, sizeof *o->tnext)) {
		o->oom = true;
		return;
	}
	o->ntnext = cap;
	o->tnext[2 * p + (which != 0)] = when;
	set_timer_next(o);
}

/* The expired timer no M attends to, or 0: one of a P beyond GOMAXPROCS
 * (nothing looks at those, busy Ps or not), or the earliest of allp's
 * while a P is idle, no M spins (a spinning M runs every P's expired
 * timers) and none sleeps in the network poller until it (the poller
 * then wakes in time, or within its millisecond: netpoll.c). */
static int64_t unattended_timer(const struct oracles *o)
{
	if (o->timer_dead != 0 && o->timer_dead <= o->now)
		return o->timer_dead;
	int64_t w = o->timer_live;
	if (w == 0 || w > o->now || o->npidle <= 0 || o->nspinning != 0 ||
	    (o->poll_m >= 0 && o->poll_until != 0 && o->poll_until <= w))
		return 0;
	return w;
}

/* Timer conservation.  The stretch is timed from the first event that
 * sees the timer unattended, not from its when: a timer an M was busy
 * running towards is not unattended.  Inline: observe asks at every
 * event it is called for, and mostly there is no timer at all. */
static inline __attribute__((always_inline)) void check_timers(struct oracles *o)
{
	int64_t w = unattended_timer(o);
	if (w == 0) {
		o->tc_since = -1;
		return;
	}
	if (o->tc_since < 0)
		o->tc_since = o->now;
	int64_t d = o->now - o->tc_since;
	if (over_bound(o, &d, o->tc_since, o->now, o->b.idle_ns, &o->m.timer_idle_ns)) {
		char msg[256], a[32], b[32], t[32];
		tr_fmt_ns(a, sizeof a, d);
		tr_fmt_ns(b, sizeof b, o->b.idle_ns);
		tr_fmt_ns(t, sizeof t, w);
		snprintf(msg, sizeof msg,
		         "timer-conservation: for %s (bound %s) a timer due at %s was left unrun "
		         "while %" PRId64 " P(s) were idle and no M was spinning or polling for it",
		         a, b, t, o->npidle);
		fire(o, "timer-conservation", msg);
	}
}

/* A goroutine made runnable this way is put on a run queue by Go 1.21
 * without a wakep: goschedImpl (Gosched, and sysmon's or a signal's
 * preemption) puts it on the global queue, goyield on its P's queue, and
 * neither looks for an idle P (goschedImpl calls wakep from Go 1.22 on).
 * While only such goroutines wait, a P can stay idle for as long as they
 * keep cycling through the queues (gosched-storm under swarm: 4 loopers
 * on 3 Ps for the rest of the run), and Go 1.21 promises nothing else:
 * work conservation is the contract of the paths that do call wakep
 * (ready, newproc, injectglist, the spinning M that finds work). */
static bool unwoken(const char *why)
{
	return why && (strcmp(why, "gosched") == 0 || strcmp(why, "preempted") == 0 ||
	               strcmp(why, "goyield") == 0);
}

/* Inline: observe's one call, at four events in ten. */
static inline __attribute__((always_inline)) void
on_gstatus(struct oracles *o, int64_t goid, int64_t from, int64_t to, const char *why)
{
	if (goid < 0)
		return;
	struct gstate *g = gstate_of(o, goid);
	if (!g) {
		o->oom = true;
		return;
	}
	(void)from;
	if (g->st == G_RUNNABLE) {
		o->nrunnable--;
		o->nwoken -= !g->unwoken;
		check_wait(o, goid, o->now - g->since, g->allow_ns, true);
	}
	if (to == 1 /* _Grunnable */) {
		int64_t procs = o->gomaxprocs > 0 ? o->gomaxprocs : 1;
		g->st = G_RUNNABLE;
		g->since = o->now;
		g->allow_ns = o->nrunnable / procs * STARVE_SLICE_NS;
		g->unwoken = unwoken(why);
		o->nrunnable++;
		o->nwoken += !g->unwoken;
	} else {
		g->st = to == 6 /* _Gdead */ ? G_DEAD : G_OTHER;
	}
}

/* The liveness oracle's threshold, from progress_at and the bound. */
static void set_stall_limit(struct oracles *o)
{
	int64_t bound = o->b.progress_steps;
	if (bound <= 0 || __builtin_add_overflow(o->progress_at, bound, &o->stall_limit))
		o->stall_limit = INT64_MAX;
}

static void scan_starving(struct oracles *o)
{
	for (int64_t i = 0; i < o->ng; i++)
		if (o->g[i].st == G_RUNNABLE)
			check_wait(o, i, o->now - o->g[i].since, o->g[i].allow_ns, false);
}

/* Liveness: the bound is passed. */
static __attribute__((noinline, cold)) void stalled(struct oracles *o, int64_t n)
{
	if (n > o->m.progress_steps)
		o->m.progress_steps = n;
	char msg[200];
	snprintf(msg, sizeof msg,
	         "liveness: %" PRId64 " scheduler steps (bound %" PRId64
	         ") without any goroutine changing state",
	         n, o->b.progress_steps);
	fire(o, "liveness", msg);
}

/* global-queue: P p started a time slice (execute without inheritTime). */
static void on_tick(struct oracles *o, int64_t p)
{
	if (o->global_check <= 0 || p < 0 || o->gq_len <= 0)
		return;
	int64_t cap = o->nticks;
	if (p >= cap && !grow((void **)&o->ticks, &cap, p, sizeof *o->ticks)) {
		o->oom = true;
		return;
	}
	o->nticks = cap;
	int64_t n = ++o->ticks[p];
	if (n > o->m.global_ticks)
		o->m.global_ticks = n;
	if (n > 2 * o->global_check) {
		char msg[256];
		snprintf(msg, sizeof msg,
		         "global-queue: P %" PRId64 " started %" PRId64
		         " time slices while the global run queue held %" PRId64
		         " goroutine(s), without taking from it (Go looks every %" PRId64 ")",
		         p, n, o->gq_len, o->global_check);
		fire(o, "global-queue", msg);
	}
}

/* The global queue's length changed: a new stretch with work on it starts
 * every P's count afresh, and so does a P's own take. */
static void on_global(struct oracles *o, int64_t len, int64_t taker)
{
	if (o->gq_len <= 0 && len > 0 && o->nticks > 0)
		memset(o->ticks, 0, (size_t)o->nticks * sizeof *o->ticks);
	if (taker >= 0 && taker < o->nticks)
		o->ticks[taker] = 0;
	o->gq_len = len;
}

/* The kinds that change what the oracles keep: observe is called for
 * every event of these, and for the others only when a check is due. */
#define OBSERVED_KINDS                                                                             \
	(UINT64_C(1) << RT_EV_GSTATUS | UINT64_C(1) << RT_EV_PIDLEPUT |                            \
	 UINT64_C(1) << RT_EV_PIDLEGET | UINT64_C(1) << RT_EV_PROCRESIZE |                         \
	 UINT64_C(1) << RT_EV_SPINNING | UINT64_C(1) << RT_EV_STARTM |                             \
	 UINT64_C(1) << RT_EV_TIMER_FIRE | UINT64_C(1) << RT_EV_GLOBRUNQPUT |                      \
	 UINT64_C(1) << RT_EV_GLOBRUNQGET | UINT64_C(1) << RT_EV_TIMER_NEXT |                      \
	 UINT64_C(1) << RT_EV_POLL_UNTIL | UINT64_C(1) << RT_EV_NETPOLL |                          \
	 UINT64_C(1) << RT_EV_MPARK)
_Static_assert(RT_EV__COUNT <= 64, "OBSERVED_KINDS is a 64-bit mask of kinds");

/* The engine's filter (struct sim_observer): an event of another kind
 * only moves the frontier and the step count on, which the engine keeps
 * (sim_event_frontier, ev_steps), and is checked against three things:
 * a work-conservation stretch going on (every event checks it), the
 * next starvation scan (due at next_scan while a goroutine is
 * runnable), and the liveness threshold.  While none is due, skipping
 * it leaves every verdict, margin and message as they were. */
static void set_filter(struct oracles *o)
{
	if (o->oom) {
		o->obs.kinds = 0;
		o->obs.at = INT64_MAX;
		o->obs.steps = INT64_MAX;
		return;
	}
	o->obs.kinds = OBSERVED_KINDS;
	if (o->wc_since >= 0 || o->tc_since >= 0)
		o->obs.at = INT64_MIN; /* every event checks the stretch */
	else if (o->nrunnable == 0)
		o->obs.at = INT64_MAX; /* no scan until a gstatus */
	else                           /* the first event at next_scan or later: the scan is due */
		o->obs.at = o->next_scan > o->now ? o->next_scan : INT64_MIN;
	/* A timer that comes due while a P is idle and no M spins: the first
	 * event at its when looks whether something attends to it. */
	int64_t due = o->timer_live;
	if (o->timer_dead != 0 && (due == 0 || o->timer_dead < due))
		due = o->timer_dead;
	if (due != 0 && o->obs.at > due)
		o->obs.at = due;
	o->obs.steps = o->stall_limit;
}

static void observe(struct sim_observer *obs, const struct rt_event *ev)
{
	struct oracles *o = (struct oracles *)obs;
	if (o->fired || o->oom || ev->kind == RT_EV_VIOLATION)
		return;
	/* What the events the engine skipped since the last call would have
	 * left: the latest time of any event (this one included), and the
	 * steps at the event before this one. */
	o->now = sim_event_frontier();
	o->last_steps = obs->ev_steps;
	/* The M asleep in the poller emits nothing until it wakes. */
	if (ev->m == o->poll_m && ev->kind != RT_EV_POLL_UNTIL)
		o->poll_m = -1;
	int64_t steps = sim_sched_steps();
	switch (ev->kind) {
	case RT_EV_GSTATUS:
		on_gstatus(o, ev->obj, ev->a, ev->b, ev->detail);
		/* execute: a new time slice unless the g inherits one */
		if (ev->a == 1 && ev->b == 2 && !(ev->detail && strcmp(ev->detail, "inherit") == 0))
			on_tick(o, ev->p);
		if (o->fired)
			return;
		/* The stretch without progress that ends here lasted until the
		 * last event before this one. */
		if (o->last_steps - o->progress_at > o->m.progress_steps)
			o->m.progress_steps = o->last_steps - o->progress_at;
		o->progress_at = steps;
		set_stall_limit(o);
		break;
	case RT_EV_PIDLEPUT:
	case RT_EV_PIDLEGET:
		o->npidle = ev->a;
		break;
	case RT_EV_PROCRESIZE:
		o->gomaxprocs = ev->a;
		set_timer_next(o);
		break;
	case RT_EV_SPINNING:
		set_spinning(o, ev->obj, ev->a != 0);
		break;
	case RT_EV_STARTM:
		if (ev->b)
			set_spinning(o, ev->obj, true);
		break;
	case RT_EV_GLOBRUNQPUT:
		on_global(o, ev->b, -1);
		goto other;
	case RT_EV_GLOBRUNQGET:
		on_global(o, o->gq_len - ev->a, ev->p);
		goto other;
	case RT_EV_TIMER_FIRE:
		check_timer(o, ev->obj, ev->a, ev->t_ns);
		if (o->fired)
			return;
		goto other;
	case RT_EV_TIMER_NEXT:
		on_timer_next(o, ev->obj, ev->a, ev->b);
		goto other;
	case RT_EV_POLL_UNTIL:
		o->poll_m = ev->m;
		o->poll_until = ev->a;
		goto other;
	default:
	other:
		/* No other kind changes what work conservation looks at, and
		 * after every event a stretch of idleness has begun if there is
		 * one (wc_since >= 0): the stretch, if any, goes on. */
		if (o->wc_since >= 0)
			check_idle(o, o->now - o->wc_since);
		goto time_checks;
	}

	/* Work conservation. */
	bool idle = o->npidle > 0 && o->nwoken > 0 && o->nspinning == 0;
	if (idle && o->wc_since < 0) {
		o->wc_since = o->now;
	} else if (o->wc_since >= 0) {
		check_idle(o, o->now - o->wc_since);
		if (!idle)
			o->wc_since = -1;
	}

time_checks:
	/* Timer conservation: every event may begin, end or lengthen a
	 * stretch (a timer comes due as time passes). */
	check_timers(o);
	if (o->fired)
		return;

	/* Starvation of goroutines that have not run (yet). */
	if (o->now >= o->next_scan && o->nrunnable > 0) {
		scan_starving(o);
		o->next_scan = o->now + o->b.starve_ns / 4;
	}

	/* Liveness. */
	o->last_steps = steps;
	set_filter(o);
	if (steps > o->stall_limit)
		stalled(o, steps - o->progress_at);
}

static void stuck(struct sim_observer *obs)
{
	struct oracles *o = (struct oracles *)obs;
	if (o->fired || o->oom || o->nrunnable == 0)
		return;
	char msg[200];
	snprintf(msg, sizeof msg,
	         "lost-wakeup: every thread is blocked while %" PRId64
	         " goroutine(s) are runnable (%" PRId64 " P(s) idle)",
	         o->nrunnable, o->npidle);
	fire(o, "lost-wakeup", msg);
}

/* Every thread is blocked or asleep.  In Go 1.21 work is never left on
 * the global queue with every P idle and no M awake to take it: each
 * path that puts work there either holds a P, starts an M (injectglist),
 * or found no P idle (exitsyscall), and an M gives up its P only after
 * looking at the global queue under sched.lock.  So with every P idle
 * and no M spinning, a runnable goroutine waits for whatever wakes a
 * sleeper next: sysmon does not start Ms for it. */
static void quiet(struct sim_observer *obs)
{
	struct oracles *o = (struct oracles *)obs;
	if (o->fired || o->oom || o->nrunnable == 0 || o->gomaxprocs == 0 ||
	    o->npidle != o->gomaxprocs || o->nspinning != 0)
		return;
	char msg[200];
	snprintf(msg, sizeof msg,
	         "lost-wakeup: every thread is blocked or asleep while %" PRId64
	         " goroutine(s) are runnable and all %" PRId64 " P(s) are idle",
	         o->nrunnable, o->npidle);
	fire(o, "lost-wakeup", msg);
}

/* The time bounds under the run's window: off under free interleaving,
 * with the window as slack otherwise (the engine calls this with the
 * window the run has, which swarm draws per seed). */
static void set_window(struct sim_observer *obs, int64_t window_ns)
{
	struct oracles *o = (struct oracles *)obs;
	o->b = o->b0;
	o->slack = 0;
	if (window_ns < 0 || window_ns >= SIM_WINDOW_MAX) {
		o->b.idle_ns = 0;
		o->b.starve_ns = 0;
		o->b.timer_ns = 0;
	} else {
		o->slack = window_ns;
	}
	o->next_scan = o->b.starve_ns > 0 ? 0 : INT64_MAX;
	set_stall_limit(o);
	set_filter(o);
}

struct sim_observer *sim_oracles_new(const struct sim_bounds *b, int64_t window_ns,
                                     int64_t global_check)
{
	struct oracles *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->g = spare_g;
	o->gcap = spare_gcap;
	spare_g = NULL;
	spare_gcap = 0;
	o->obs.event = observe;
	o->obs.stuck = stuck;
	o->obs.quiet = quiet;
	o->obs.window = set_window;
	o->b0 = *b;
	o->global_check = global_check;
	o->wc_since = -1;
	o->tc_since = -1;
	o->poll_m = -1;
	set_window(&o->obs, window_ns);
	return &o->obs;
}

void sim_oracles_margins(const struct sim_observer *obs, struct sim_margins *out)
{
	const struct oracles *o = (const struct oracles *)obs;
	*out = o->m;
	/* The steps at the last event, skipped or not (after an oom, at the
	 * last one looked at). */
	int64_t last = o->oom ? o->last_steps : obs->ev_steps;
	if (last - o->progress_at > out->progress_steps)
		out->progress_steps = last - o->progress_at; /* the stretch going on */
}

void sim_oracles_free(struct sim_observer *obs)
{
	struct oracles *o = (struct oracles *)obs;
	if (!o)
		return;
	if (o->gcap > spare_gcap) {
		free(spare_g);
		spare_g = o->g;
		spare_gcap = o->gcap;
	} else {
		free(o->g);
	}
	free(o->spinning);
	free(o->ticks);
	free(o->tnext);
	free(o);
}
