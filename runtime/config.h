/*
 * config.h - what a program's runtime reads once at start-up, as a Go
 * program reads GODEBUG: the scheduling policies.
 *
 * The backend hands one struct rt_config to rt_rt0_go; the runtime
 * copies it into rt_cfg and reads only that copy, so nothing outside
 * runtime/ ever writes a runtime global.
 *
 * Every policy is one row of rt_policies[]: its name, the kind of its
 * value, Go's default, and a help line.  The command line's --policy
 * parser, `gsched list policies`, the help text, the runs table's
 * policy_json column and the tests all read that table; adding a policy
 * is one field here and one row in config.c.  Every default is Go
 * 1.21's behaviour: a run with all defaults is a run with no --policy.
 */
#ifndef GSCHED_RUNTIME_CONFIG_H
#define GSCHED_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every policy's value is an int64_t field; booleans are 0 or 1, enums
 * an index into the row's names. */
struct rt_config {
	int64_t randomize;        /* Go's randomizeScheduler (-race builds) */
	int64_t asyncpreemptoff;  /* GODEBUG=asyncpreemptoff=1 */
	int64_t nosysmon;         /* no sysmon thread (as on wasm) */
	int64_t injectglistwakep; /* Go 1.22: injectglist ends with wakep (golang/go#63555) */
	int64_t globalcheck;    /* findRunnable: the global queue first every Nth schedtick (61) */
	int64_t runnext;        /* runqput(next=true) uses runnext (on) */
	int64_t runnextinherit; /* a g taken from runnext inherits the time slice (on) */
	int64_t timeslice;      /* sysmon's forcePreemptNS (10 ms) */
	int64_t stealamount;    /* RT_STEAL_HALF, _ONE, _ALL: how much runqgrab takes */
	int64_t stealorder;     /* RT_STEAL_RANDOM, _SEQUENTIAL: stealWork's order of victims */
	int64_t stealpasses;    /* stealWork's passes over the Ps (stealTries, 4) */
	int64_t spinningcap;    /* RT_SPIN_: who may become a spinning M in findRunnable */
	int64_t sysmonpreempt;  /* RT_SYSMON_PREEMPT_: when sysmon preempts a long-running g */
	int64_t runqsize;       /* a P's local ring, fixed when the P is created (256) */
	int64_t putslowbatch;   /* RT_BATCH_: what runqputslow moves to the global queue */
	int64_t runqorder;      /* RT_RUNQ_FIFO, _LIFO: which end of the ring the owner takes */
	int64_t schedtrace;  /* GODEBUG=schedtrace: sysmon prints a SCHED line this often; 0 off */
	int64_t scheddetail; /* GODEBUG=scheddetail=1: schedtrace prints every P, M and G */
	uint64_t bugs;       /* RT_BUG_ bits: historical bugs put back (rt_bugs[]) */
};

/* The values of the enum policies, in the order of their rows' names. */
enum { RT_STEAL_HALF, RT_STEAL_ONE, RT_STEAL_ALL };
enum { RT_STEAL_RANDOM, RT_STEAL_SEQUENTIAL };
enum { RT_SPIN_HALF_BUSY, RT_SPIN_BUSY, RT_SPIN_ONE, RT_SPIN_UNLIMITED };
enum { RT_SYSMON_PREEMPT_ALWAYS, RT_SYSMON_PREEMPT_NO_IDLE_P };
enum { RT_BATCH_HALF, RT_BATCH_QUARTER, RT_BATCH_ONE, RT_BATCH_ALL };
enum { RT_RUNQ_FIFO, RT_RUNQ_LIFO };

enum rt_policy_type {
	RT_POLICY_BOOL, /* on | off */
	RT_POLICY_INT,  /* an integer in [min, max] */
	RT_POLICY_POW2, /* a power of two in [min, max] */
	RT_POLICY_ENUM, /* one of names[] */
	RT_POLICY_NS,   /* a duration in [min, max] ns: 500, 20us, 10ms, 2s */
};

struct rt_policy {
	const char *name;
	enum rt_policy_type type;
	size_t offset;            /* of the int64_t field in struct rt_config */
	int64_t go_default;       /* Go 1.21's behaviour */
	int64_t min, max;         /* RT_POLICY_INT, RT_POLICY_NS */
	const char *const *names; /* RT_POLICY_ENUM, NULL-terminated */
	const char *help;         /* one line: what it changes, and where Go has it */
};

extern const struct rt_policy rt_policies[];
extern const size_t rt_npolicies;

/* Every policy at Go's default. */
void rt_config_default(struct rt_config *cfg);

/* The row named name (the first len bytes), or NULL. */
const struct rt_policy *rt_policy_find(const char *name, size_t len);
int64_t rt_policy_get(const struct rt_config *cfg, const struct rt_policy *p);
void rt_policy_set(struct rt_config *cfg, const struct rt_policy *p, int64_t v);

/* Whether v is a value of p (in range; a power of two for RT_POLICY_POW2). */
bool rt_policy_valid(const struct rt_policy *p, int64_t v);
/* Parse a value as the command line writes it ("on", "12", "half",
 * "10ms").  Returns false if text is not a value of p. */
bool rt_policy_parse(const struct rt_policy *p, const char *text, int64_t *out);
/* The command-line text of a value, as rt_policy_parse reads it. */
void rt_policy_format(const struct rt_policy *p, int64_t v, char *buf, size_t len);
/* The values p takes, for help and messages: "on|off", "1..256",
 * "half|one|all", "a duration, 1us..1s", "a power of two, 2..4096". */
void rt_policy_values(const struct rt_policy *p, char *buf, size_t len);

/*
 * Bug knobs: each puts back one historical scheduler bug that Go 1.21 has
 * fixed, so that the oracles and the exploration can be shown to find
 * it.  One bit of rt_config.bugs each; every one is off by default, and
 * with none set the runtime is Go 1.21's, event for event.  Each is one
 * row of rt_bugs[] (config.c): its name for --bug and `gsched list bugs`,
 * the Go issue or change that fixed it, and its mechanism.  The runtime
 * tests `rt_cfg.bugs & RT_BUG_X` at one small, commented branch per knob.
 */
enum rt_bug {
	RT_BUG_NEEDSPINNING = 1u << 0,      /* findRunnable ignores sched.needspinning */
	RT_BUG_SPINNING_RECHECK = 1u << 1,  /* no recheck after dropping nmspinning */
	RT_BUG_SPINNING_ORDER = 1u << 2,    /* nmspinning dropped after the recheck */
	RT_BUG_GLOBAL_FAIRNESS = 1u << 3,   /* no schedtick%61 global queue check */
	RT_BUG_RUNNEXT_NOINHERIT = 1u << 4, /* runnext starts a new time slice */
	RT_BUG_RUNQGRAB_FLOOR = 1u << 5,    /* steal floor(n/2) */
	RT_BUG_RUNQEMPTY_NAIVE = 1u << 6,   /* runqempty without re-reading tail */
	RT_BUG_PROCRESIZE_TIMERS = 1u << 7, /* destroyp drops the dead P's timers */
	RT_BUG_STARTM_NORESERVE = 1u << 8,  /* startm calls newm without an M id reserved */
	RT_BUG_NO_PREEMPTION = 1u << 9,     /* sysmon never preempts a long-running goroutine */
	RT_BUG_TIMER_STEAL = 1u << 10,      /* no timer stealing from a running P */
	RT_BUG_WAKEUP_LOCAL = 1u << 11,     /* resetspinning wakes an M only for local work */
	RT_BUG_HANDOFFP_GLOBAL = 1u << 12,  /* handoffp ignores the global run queue */
};

struct rt_bugdef {
	const char *name;      /* --bug NAME */
	uint64_t bit;          /* RT_BUG_ */
	const char *go;        /* the Go issue or change that fixed it: "#45867" */
	const char *mechanism; /* one line: what goes wrong */
};

extern const struct rt_bugdef rt_bugs[];
extern const size_t rt_nbugs;

/* The row named name, or NULL. */
const struct rt_bugdef *rt_bug_find(const char *name);

#endif
