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

/* A row per policy, by the kind of its value: each kind's macro asks for
 * what that kind has (a range, names) and fills in the rest.  The rows
 * read best aligned, so clang-format keeps off them. */
/* clang-format off */
#define BOOL(name, f, def, help)            {name, RT_POLICY_BOOL, FIELD(f), def, 0, 1, NULL, help}
#define INT(name, f, def, lo, hi, help)     {name, RT_POLICY_INT, FIELD(f), def, lo, hi, NULL, help}
#define POW2(name, f, def, lo, hi, help)    {name, RT_POLICY_POW2, FIELD(f), def, lo, hi, NULL, help}
#define NS(name, f, def, lo, hi, help)      {name, RT_POLICY_NS, FIELD(f), def, lo, hi, NULL, help}
#define ENUM(name, f, def, names, help)     {name, RT_POLICY_ENUM, FIELD(f), def, 0, 0, names, help}

const struct rt_policy rt_policies[] = {
	BOOL("randomize", randomize, 0,
	     "Go's randomizeScheduler (-race builds): runqput skips runnext and "
	     "runqputslow shuffles at random"),
	BOOL("asyncpreemptoff", asyncpreemptoff, 0,
	     "GODEBUG=asyncpreemptoff=1: sysmon's preemption requests are only cooperative"),
	BOOL("nosysmon", nosysmon, 0,
	     "run without sysmon (as Go on wasm): no retake from syscalls, no preemption by time"),
	BOOL("injectglist-wakep", injectglistwakep, 0,
	     "Go 1.22's injectglist: end with wakep() in case a P went idle after "
	     "npidle was read (golang/go#63555); Go 1.21 does not"),
	INT("global-check", globalcheck, 61, 0, 1000000,
	    "findRunnable takes from the global queue before the local one when "
	    "schedtick%N == 0 (Go: 61); 0: never"),
	BOOL("runnext", runnext, 1,
	     "a goroutine readied or created by the running one goes to p.runnext, "
	     "ahead of the local queue; off: to the queue's tail"),
	BOOL("runnext-inherit", runnextinherit, 1,
	     "a goroutine taken from runnext inherits the rest of the time slice "
	     "(runqget's inheritTime); off: it starts a new one"),
	NS("timeslice", timeslice, 10000000, 20000, 10000000000,
	   "sysmon preempts a goroutine that has run this long (forcePreemptNS)"),
	ENUM("steal-amount", stealamount, RT_STEAL_HALF, steal_amounts,
	     "what runqgrab takes from a victim's local queue: half (rounded up, Go), "
	     "one goroutine, or all of them"),
	ENUM("steal-order", stealorder, RT_STEAL_RANDOM, steal_orders,
	     "stealWork's order of victims: Go's random start and coprime stride "
	     "(stealOrder), or sequential from the next P's id"),
	INT("steal-passes", stealpasses, 4, 1, 64,
	    "stealWork's passes over all Ps (stealTries); timers and runnext only on the last"),
	ENUM("spinning-cap", spinningcap, RT_SPIN_HALF_BUSY, spin_caps,
	     "who may start spinning in findRunnable: half-busy "
	     "(2*nmspinning < gomaxprocs-npidle, Go), busy (nmspinning < gomaxprocs-npidle), "
	     "one (no other spinning M), unlimited"),
	ENUM("sysmon-preempt", sysmonpreempt, RT_SYSMON_PREEMPT_ALWAYS, sysmon_preempts,
	     "when sysmon preempts a goroutine past its time slice: always (Go 1.21), or "
	     "no-idle-p, only while no P is idle (golang/go#60693)"),
	POW2("runq-size", runqsize, 256, 2, 4096,
	     "the slots of each P's local ring, fixed when the P is created (Go: 256)"),
	ENUM("putslow-batch", putslowbatch, RT_BATCH_HALF, batches,
	     "what runqputslow moves from a full local queue to the global one, with the "
	     "new goroutine: half (Go), quarter, one, or all of the queue"),
	ENUM("runq-order", runqorder, RT_RUNQ_FIFO, runq_orders,
	     "which end of its local queue the owner runs first: fifo (the oldest, Go) or "
	     "lifo (the newest; thieves still take the oldest)"),
	NS("schedtrace", schedtrace, 0, 0, 100000000000,
	   "GODEBUG=schedtrace: sysmon prints Go's SCHED line to the program's output "
	   "this often, and never sleeps deeply (as in Go); 0: off (`run --schedtrace`)"),
	BOOL("scheddetail", scheddetail, 0,
	     "GODEBUG=scheddetail=1: schedtrace prints every P, M and G as well "
	     "(`run --scheddetail`)"),
};
/* clang-format on */
#undef BOOL
#undef INT
#undef POW2
#undef NS
#undef ENUM
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
        {"handoffp-global", RT_BUG_HANDOFFP_GLOBAL, "#13645 (handoffp's sched.runqsize checks)",
         "handoffp ignores the global run queue: a P handed off from a blocking system call "
         "goes idle while a goroutine that yielded waits there, and with an M blocked in the "
         "network poller nothing runs it until the call returns"},
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

/* ---- the kinds of value: parse, check, write, describe ---- */

static bool parse_bool(const struct rt_policy *p, const char *text, int64_t *v)
{
	(void)p;
	if (strcmp(text, "on") != 0 && strcmp(text, "off") != 0)
		return false;
	*v = strcmp(text, "on") == 0;
	return true;
}

static bool parse_enum(const struct rt_policy *p, const char *text, int64_t *v)
{
	for (int64_t i = 0; p->names[i]; i++) {
		if (strcmp(text, p->names[i]) == 0) {
			*v = i;
			return true;
		}
	}
	return false;
}

static bool parse_int(const struct rt_policy *p, const char *text, int64_t *v)
{
	(void)p;
	return parse_u63(text, strlen(text), v);
}

/* Digits with an optional unit (none: ns). */
static bool parse_ns(const struct rt_policy *p, const char *text, int64_t *v)
{
	(void)p;
	size_t n = strspn(text, "0123456789");
	int64_t mul = 0;
	if (text[n] == 0)
		mul = 1;
	for (size_t u = 0; u < sizeof units / sizeof units[0] && !mul; u++)
		if (strcmp(text + n, units[u].suffix) == 0)
			mul = units[u].mul;
	if (!mul || !parse_u63(text, n, v) || *v > INT64_MAX / mul)
		return false;
	*v *= mul;
	return true;
}

static bool valid_enum(const struct rt_policy *p, int64_t v)
{
	for (int64_t i = 0; p->names[i]; i++)
		if (v == i)
			return true;
	return false;
}

static bool valid_range(const struct rt_policy *p, int64_t v)
{
	return v >= p->min && v <= p->max;
}

static bool valid_pow2(const struct rt_policy *p, int64_t v)
{
	return (v & (v - 1)) == 0 && valid_range(p, v);
}

static void format_bool(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	(void)p;
	snprintf(buf, len, "%s", v ? "on" : "off");
}

static void format_enum(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", p->names[v]);
}

static void format_int(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	(void)p;
	snprintf(buf, len, "%lld", (long long)v);
}

/* The largest unit that divides v exactly. */
static void format_ns(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	(void)p;
	for (size_t u = sizeof units / sizeof units[0]; u-- > 0;) {
		if (v != 0 && v % units[u].mul == 0) {
			snprintf(buf, len, "%lld%s", (long long)(v / units[u].mul),
			         units[u].suffix);
			return;
		}
	}
	snprintf(buf, len, "%lld", (long long)v);
}

static void values_bool(const struct rt_policy *p, char *buf, size_t len)
{
	(void)p;
	snprintf(buf, len, "on|off");
}

static void values_enum(const struct rt_policy *p, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; p->names[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "", p->names[i]);
}

static void values_int(const struct rt_policy *p, char *buf, size_t len)
{
	snprintf(buf, len, "%lld..%lld", (long long)p->min, (long long)p->max);
}

static void values_pow2(const struct rt_policy *p, char *buf, size_t len)
{
	snprintf(buf, len, "a power of two, %lld..%lld", (long long)p->min, (long long)p->max);
}

static void values_ns(const struct rt_policy *p, char *buf, size_t len)
{
	char lo[32], hi[32];
	format_ns(p, p->min, lo, sizeof lo);
	format_ns(p, p->max, hi, sizeof hi);
	snprintf(buf, len, "a duration, %s..%s", lo, hi);
}

/* One row per enum rt_policy_type: how its values are read (parse, then
 * valid), written back (format, which parse reads) and described. */
static const struct {
	bool (*parse)(const struct rt_policy *p, const char *text, int64_t *v);
	bool (*valid)(const struct rt_policy *p, int64_t v);
	void (*format)(const struct rt_policy *p, int64_t v, char *buf, size_t len);
	void (*values)(const struct rt_policy *p, char *buf, size_t len);
} kinds[] = {
        [RT_POLICY_BOOL] = {parse_bool, valid_range, format_bool, values_bool},
        [RT_POLICY_INT] = {parse_int, valid_range, format_int, values_int},
        [RT_POLICY_POW2] = {parse_int, valid_pow2, format_int, values_pow2},
        [RT_POLICY_ENUM] = {parse_enum, valid_enum, format_enum, values_enum},
        [RT_POLICY_NS] = {parse_ns, valid_range, format_ns, values_ns},
};

bool rt_policy_parse(const struct rt_policy *p, const char *text, int64_t *out)
{
	int64_t v;
	if (!kinds[p->type].parse(p, text, &v) || !rt_policy_valid(p, v))
		return false;
	*out = v;
	return true;
}

bool rt_policy_valid(const struct rt_policy *p, int64_t v)
{
	return kinds[p->type].valid(p, v);
}

void rt_policy_format(const struct rt_policy *p, int64_t v, char *buf, size_t len)
{
	kinds[p->type].format(p, v, buf, len);
}

void rt_policy_values(const struct rt_policy *p, char *buf, size_t len)
{
	kinds[p->type].values(p, buf, len);
}
