/*
 * coverage.c - the rare scheduler states a run reached, counted from its
 * event stream: one row per state, each a kind of event (events.h) and
 * at most one condition on obj, a or b.  `gsched explore` sums them over
 * a sweep, so a clean sweep says what it exercised (docs/exploration.md
 * lists the rows; a test holds the two equal).
 *
 * Every state here is carried by an event the runtime already emits, so
 * counting them changes no trace hash.  A state without an event would
 * need a kind of its own in events.h first.
 *
 * Cost: one switch-free scan of the table per event (the table is short);
 * explore's sink calls it only when the caller asked for coverage.
 */
#include "tr.h"

#define ANY 0

const struct tr_coverage_row tr_coverage[TR_NCOVERAGE] = {
        {"steal", "a steal took goroutines from another P (runqsteal)", RT_EV_STEAL, 'a', '>', 0},
        {"runnext-stolen", "a thief took the victim's runnext", RT_EV_STEAL, 'b', '=', 1},
        {"runqputslow", "a full local run queue spilled half to the global queue",
         RT_EV_RUNQPUTSLOW, ANY, 0, 0},
        {"global-check-61", "schedule took from the global queue on schedtick%61",
         RT_EV_GLOBRUNQGET, 'b', '=', 1},
        {"needspinning-set", "sched.needspinning was set (a spinning M found no P)",
         RT_EV_NEEDSPINNING, 'o', '=', 1},
        {"wakep-no-idle-p", "wakep found no idle P", RT_EV_WAKEP, 'o', '<', 0},
        {"handoffp-startm", "handoffp started an M for a P with work", RT_EV_HANDOFFP, 'a', '=', 1},
        {"timer-stolen", "an M ran another P's timers", RT_EV_TIMER_STEAL, ANY, 0, 0},
        {"preempt-async", "a goroutine was preempted asynchronously (signal)", RT_EV_PREEMPT, 'a',
         '=', 1},
        {"preempt-coop", "a goroutine was preempted at a prologue check", RT_EV_PREEMPT, 'a', '=',
         0},
        {"retake-syscall", "sysmon retook a P from a syscall", RT_EV_RETAKE, ANY, 0, 0},
        {"syscall-exit-slow", "a syscall returned without its P (exitsyscall0)", RT_EV_SYSCALL_EXIT,
         'a', '=', 0},
        {"injectglist", "injectglist readied goroutines", RT_EV_INJECTGLIST, 'o', '>', 0},
        {"netpoll-ready", "the network poller readied goroutines", RT_EV_NETPOLL, 'o', '>', 0},
        {"stop-the-world", "the world was stopped", RT_EV_STW, 'o', '=', 1},
        {"procresize", "GOMAXPROCS changed at run time", RT_EV_PROCRESIZE, 'o', '>', 0},
};

static bool matches(const struct tr_coverage_row *r, const struct rt_event *ev)
{
	if (r->kind != ev->kind)
		return false;
	int64_t v = r->field == 'o' ? ev->obj : r->field == 'a' ? ev->a : ev->b;
	switch (r->op) {
	case '=':
		return v == r->value;
	case '>':
		return v > r->value;
	case '<':
		return v < r->value;
	default:
		return true;
	}
}

void tr_coverage_add(uint64_t counts[TR_NCOVERAGE], const struct rt_event *ev)
{
	for (int i = 0; i < TR_NCOVERAGE; i++)
		if (matches(&tr_coverage[i], ev))
			counts[i]++;
}
