/*
 * config.c - the table of scheduling policies (config.h) and the
 * parsing and printing of their values.
 *
 * The runtime reads its copy of the config (rt_cfg, set by rt_rt0_go);
 * this file only describes the fields.  Values are parsed strictly:
 * digits only for numbers, a unit suffix only for durations, names
 * exactly as listed, so a typo is an error rather than a default.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

#define FIELD(f) offsetof(struct rt_config, f)

static const char *const steal_amounts[] = {"half", "one", "all", NULL};
static const char *const steal_orders[] = {"random", "sequential", NULL};
static const char *const spin_caps[] = {"half-busy", "busy", "one", "unlimited", NULL};
static const char *const sysmon_preempts[] = {"always", "no-idle-p", NULL};
static const char *const batches[] = {"half", "quarter", "one", "all", NULL};
static const char *const runq_orders[] = {"fifo", "lifo", NULL};

const struct rt_policy rt_policies[] = {
        {"randomize", RT_POLICY_BOOL, FIELD(randomize), 0, 0, 1, NULL,
         "Go's randomizeScheduler (-race builds): runqput skips runnext and "
         "runqputslow shuffles at random"},
        {"asyncpreemptoff", RT_POLICY_BOOL, FIELD(asyncpreemptoff), 0, 0, 1, NULL,
         "GODEBUG=asyncpreemptoff=1: sysmon's preemption requests are only "
         "cooperative"},
        {"nosysmon", RT_POLICY_BOOL, FIELD(nosysmon), 0, 0, 1, NULL,
         "run without sysmon (as Go on wasm): no retake from syscalls, no "
         "preemption by time"},
        {"injectglist-wakep", RT_POLICY_BOOL, FIELD(injectglistwakep), 0, 0, 1, NULL,
         "Go 1.22's injectglist: end with wakep() in case a P went idle after "
         "npidle was read (golang/go#63555); Go 1.21 does not"},
        {"global-check", RT_POLICY_INT, FIELD(globalcheck), 61, 0, 1000000, NULL,
         "findRunnable takes from the global queue before the local one when "
         "schedtick%N == 0 (Go: 61); 0: never"},
        {"runnext", RT_POLICY_BOOL, FIELD(runnext), 1, 0, 1, NULL,
         "a goroutine readied or created by the running one goes to p.runnext, "
         "ahead of the local queue; off: to the queue's tail"},
        {"runnext-inherit", RT_POLICY_BOOL, FIELD(runnextinherit), 1, 0, 1, NULL,
         "a goroutine taken from runnext inherits the rest of the time slice "
         "(runqget's inheritTime); off: it starts a new one"},
        {"timeslice", RT_POLICY_NS, FIELD(timeslice), 10000000, 20000, 10000000000, NULL,
         "sysmon preempts a goroutine that has run this long (forcePreemptNS)"},
        {"steal-amount", RT_POLICY_ENUM, FIELD(stealamount), RT_STEAL_HALF, 0, 0, steal_amounts,
         "what runqgrab takes from a victim's local queue: half (rounded up, Go), "
         "one goroutine, or all of them"},
        {"steal-order", RT_POLICY_ENUM, FIELD(stealorder), RT_STEAL_RANDOM, 0, 0, steal_orders,
         "stealWork's order of victims: Go's random start and coprime stride "
         "(stealOrder), or sequential from the next P's id"},
        {"steal-passes", RT_POLICY_INT, FIELD(stealpasses), 4, 1, 64, NULL,
         "stealWork's passes over all Ps (stealTries); timers and runnext only on "
         "the last"},
        {"spinning-cap", RT_POLICY_ENUM, FIELD(spinningcap), RT_SPIN_HALF_BUSY, 0, 0, spin_caps,
         "who may start spinning in findRunnable: half-busy "
         "(2*nmspinning < gomaxprocs-npidle, Go), busy (nmspinning < gomaxprocs-npidle), "
         "one (no other spinning M), unlimited"},
        {"sysmon-preempt", RT_POLICY_ENUM, FIELD(sysmonpreempt), RT_SYSMON_PREEMPT_ALWAYS, 0, 0,
         sysmon_preempts,
         "when sysmon preempts a goroutine past its time slice: always (Go 1.21), or "
         "no-idle-p, only while no P is idle (golang/go#60693)"},
        {"runq-size", RT_POLICY_POW2, FIELD(runqsize), 256, 2, 4096, NULL,
         "the slots of each P's local ring, fixed when the P is created (Go: 256)"},
        {"putslow-batch", RT_POLICY_ENUM, FIELD(putslowbatch), RT_BATCH_HALF, 0, 0, batches,
         "what runqputslow moves from a full local queue to the global one, with the "
         "new goroutine: half (Go), quarter, one, or all of the queue"},
        {"runq-order", RT_POLICY_ENUM, FIELD(runqorder), RT_RUNQ_FIFO, 0, 0, runq_orders,
         "which end of its local queue the owner runs first: fifo (the oldest, Go) or "
         "lifo (the newest; thieves still take the oldest)"},
        {"schedtrace", RT_POLICY_NS, FIELD(schedtrace), 0, 0, 100000000000, NULL,
         "GODEBUG=schedtrace: sysmon prints Go's SCHED line to the program's output "
         "this often, and never sleeps deeply (as in Go); 0: off (`run --schedtrace`)"},
        {"scheddetail", RT_POLICY_BOOL, FIELD(scheddetail), 0, 0, 1, NULL,
         "GODEBUG=scheddetail=1: schedtrace prints every P, M and G as well "
         "(`run --scheddetail`)"},
};
const size_t rt_npolicies = sizeof rt_policies / sizeof rt_policies[0];

const struct rt_bugdef rt_bugs[] = {
        {"needspinning", RT_BUG_NEEDSPINNING, "#45867",
         "a non-spinning M about to drop its P ignores sched.needspinning, so work a spinning M "
         "found but could not take a P for is left with a P idle"},
        {"spinning-recheck", RT_BUG_SPINNING_RECHECK, "#43997",
         "an M that stops spinning parks without checking the run queues again, missing work "
         "submitted while it still counted as spinning"},
        {"spinning-order", RT_BUG_SPINNING_ORDER, "the delicate dance (Go 1.5)",
         "an M drops nmspinning after its last check of the run queues, so work submitted "
         "in between sees a spinning M, wakes nobody, and waits"},
        {"global-fairness", RT_BUG_GLOBAL_FAIRNESS, "schedtick%61 (Go 1.1, #20168)",
         "findRunnable never takes from the global queue while the local one has work: on a "
         "P whose local queue a timer-driven load keeps busy, a goroutine that yielded "
         "(Gosched) or was preempted onto the global queue never runs"},
        {"runnext-noinherit", RT_BUG_RUNNEXT_NOINHERIT, "CL 9289",
         "a goroutine taken from runnext starts a new time slice, so a ping-pong pair is never "
         "preempted and starves the rest of its P's queue"},
        {"runqgrab-floor", RT_BUG_RUNQGRAB_FLOOR, "runqgrab's n-n/2",
         "a thief steals floor(n/2) goroutines, so a lone goroutine in a busy P's queue can "
         "never be stolen"},
        {"runqempty-naive", RT_BUG_RUNQEMPTY_NAIVE, "commit fcd7c02",
         "runqempty reads head==tail and then runnext without re-reading tail, and can call "
         "a queue empty while its owner moves runnext into it"},
        {"procresize-timers", RT_BUG_PROCRESIZE_TIMERS, "#44868, #45716",
         "when GOMAXPROCS shrinks, the timers of a destroyed P are dropped instead of moved: "
         "their sleepers never wake"},
        {"startm-noreserve", RT_BUG_STARTM_NORESERVE, "#40368",
         "startm drops sched.lock before newm without reserving the new M's id, so a checkdead "
         "in that window counts no running M and throws"},
        {"no-preemption", RT_BUG_NO_PREEMPTION, "Go 1.2 (preemption by sysmon)",
         "sysmon never asks a goroutine that ran 10 ms to stop, so a long computation keeps "
         "its P and the goroutines queued behind it wait for as long as it runs"},
        {"timer-steal", RT_BUG_TIMER_STEAL, "#38860 (CL 232298)",
         "stealWork takes no timers from a P running a goroutine not yet marked for "
         "preemption (Go 1.14's shouldStealTimers): an idle M polls for an expired timer "
         "it may not run, in a busy loop, until sysmon preempts that goroutine"},
        {"wakeup-local", RT_BUG_WAKEUP_LOCAL, "Go 1.1's schedule (Go 1.2's resetspinning)",
         "the last spinning M, on finding work, wakes another only if its own local queue "
         "has more: work submitted while it spun elsewhere waits with a P idle"},
};
const size_t rt_nbugs = sizeof rt_bugs / sizeof rt_bugs[0];

const struct rt_bugdef *rt_bug_find(const char *name)
{
	for (size_t i = 0; i < rt_nbugs; i++)
		if (strcmp(rt_bugs[i].name, name) == 0)
			return &rt_bugs[i];
	return NULL;
}

void rt_config_default(struct rt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < rt_npolicies; i++)
		rt_policy_set(cfg, &rt_policies[i], rt_policies[i].go_default);
}

const struct rt_policy *rt_policy_find(const char *name, size_t len)
{
	for (size_t i = 0; i < rt_npolicies; i++)
		if (strlen(rt_policies[i].name) == len &&
		    memcmp(rt_policies[i].name, name, len) == 0)
			return &rt_policies[i];
	return NULL;
}

int64_t rt_policy_get(const struct rt_config *cfg, const struct rt_policy *p)
{
	int64_t v;
	memcpy(&v, (const char *)cfg + p->offset, sizeof v);
	return v;
}

void rt_policy_set(struct rt_config *cfg, const struct rt_policy *p, int64_t v)
{
	memcpy((char *)cfg + p->offset, &v, sizeof v);
}

/* Digits only, no sign, no overflow. */
static bool parse_u63(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		int d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static const struct {
	const char *suffix;
	int64_t mul;
} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};

bool rt_policy_parse(const struct rt_policy *p, const char *text, int64_t *out)
{
	int64_t v;
	switch (p->type) {
	case RT_POLICY_BOOL:
		if (strcmp(text, "on") == 0)
			*out = 1;
		else if (strcmp(text, "off") == 0)
			*out = 0;
		else
			return false;
		return true;
	case RT_POLICY_ENUM:
		for (int64_t i = 0; p->names[i]; i++) {
			if (strcmp(text, p->names[i]) == 0) {
				*out = i;
				return true;
			}
		}
		return false;
	case RT_POLICY_INT:
	case RT_POLICY_POW2:
		if (!parse_u63(text, strlen(text), &v))
			return false;
		break;
	case RT_POLICY_NS: {
		size_t n = strspn(text, "0123456789");
		int64_t mul = 0;
		if (text[n] == 0)
			mul = 1;
		for (size_t u = 0; u < sizeof units / sizeof units[0] && !mul; u++)
			if (strcmp(text + n, units[u].suffix) == 0)
				mul = units[u].mul;
		if (!mul || !parse_u63(text, n, &v) || v > INT64_MAX / mul)
			return false;
		v *= mul;
		break;
	}
	default:
		return false;
	}
	if (!rt_policy_valid(p, v))
		return false;
	*out = v;
	return true;
}

bool rt_policy_valid(const struct rt_policy *p, int64_t v)
{
	switch (p->type) {
	case RT_POLICY_BOOL:
		return v == 0 || v == 1;
	case RT_POLICY_ENUM:
		for (int64_t i = 0; p->names[i]; i++)
			if (v == i)
				return true;
		return false;
	case RT_POLICY_POW2:
		if ((v & (v - 1)) != 0)
			return false;
		/* fall through */
	default:
		return v >= p->min && v <= p->max;
	}
}

static void format_ns(int64_t v, char *buf, size_t len)
{
	for (size_t u = sizeof units / sizeof units[0]; u-- > 0;) {
		if (v != 0 && v % units[u].mul == 0) {
			snprintf(buf, len, "%lld%s", (long long)(v / units[u].mul),
			         units[u].suffix);
			return;
		}
	}
	snprintf(buf, len, "%lld", (long long)v);
}

void rt_policy_format(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	switch (p->type) {
	case RT_POLICY_BOOL:
		snprintf(buf, len, "%s", v ? "on" : "off");
		break;
	case RT_POLICY_ENUM:
		snprintf(buf, len, "%s", p->names[v]);
		break;
	case RT_POLICY_NS:
		format_ns(v, buf, len);
		break;
	default:
		snprintf(buf, len, "%lld", (long long)v);
	}
}

void rt_policy_values(const struct rt_policy *p, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t n = 0;
	switch (p->type) {
	case RT_POLICY_BOOL:
		snprintf(buf, len, "on|off");
		break;
	case RT_POLICY_ENUM:
		buf[0] = 0;
		for (int i = 0; p->names[i] && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "", p->names[i]);
		break;
	case RT_POLICY_NS:
		format_ns(p->min, lo, sizeof lo);
		format_ns(p->max, hi, sizeof hi);
		snprintf(buf, len, "a duration, %s..%s", lo, hi);
		break;
	case RT_POLICY_POW2:
		snprintf(buf, len, "a power of two, %lld..%lld", (long long)p->min,
		         (long long)p->max);
		break;
	default:
		snprintf(buf, len, "%lld..%lld", (long long)p->min, (long long)p->max);
	}
}
