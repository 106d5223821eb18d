/*
 * timers.h - time.c's internals that tests (and later the scheduler)
 * need beyond runtime.h: the timer status values and the modify/reset
 * path of time.go.
 *
 * Not named time.h: runtime/ is on the include path of every target, and
 * a runtime/time.h would shadow the C library's <time.h> for anything
 * that includes it (pthread.h does).
 */
#ifndef GSCHED_RUNTIME_TIMERS_H
#define GSCHED_RUNTIME_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime2.h"

/* Values for the timer status field (time.go).  See time.c for the
 * transitions each operation makes. */
enum {
	timerNoStatus = 0,    /* not in a heap: never added, or already run */
	timerWaiting,         /* in a P's heap, waiting for when */
	timerRunning,         /* running: only briefly, in runOneTimer */
	timerDeleted,         /* deleted; should be removed; should not run */
	timerRemoving,        /* being removed; only briefly */
	timerRemoved,         /* removed from a P's heap and stopped */
	timerModifying,       /* being modified; only briefly */
	timerModifiedEarlier, /* modified to an earlier time; nextwhen is the new when */
	timerModifiedLater,   /* modified to a later (or equal) time */
	timerMoving,          /* has been modified and is being moved; only briefly */
};

#define RT_MAXWHEN INT64_MAX /* Go's maxWhen */

/* modtimer modifies an existing timer (or adds it again if it already
 * ran); reports whether the timer was modified before it was run. */
bool rt_modtimer(struct timer *t, int64_t when, int64_t period, void (*f)(void *arg, uintptr_t seq),
                 void *arg, uintptr_t seq);
/* resettimer resets the time when a timer should fire. */
bool rt_resettimer(struct timer *t, int64_t when);
/* goroutineReady is the f of every time.Sleep timer: goready(arg). */
void rt_goroutineReady(void *arg, uintptr_t seq);
/* Go's verifyTimerHeap: throws "bad timer heap" if pp's heap is out of
 * order.  Caller holds pp->timersLock (or owns pp exclusively). */
void rt_verifyTimerHeap(struct p *pp);

#endif
