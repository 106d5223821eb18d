/*
 * events.h - the scheduler's event vocabulary.
 *
 * Every state transition the scheduler makes is reported through
 * rt_trace() (proc.c) as one struct rt_event.  The platform stamps the
 * time and hands the event to whatever sink the run has (SQLite, a hash
 * only, ...).  The meaning of obj/a/b per kind is fixed here and in
 * docs/events.md; the database stores the kind by its name, so adding a
 * kind at the end never changes the meaning of an old trace.
 *
 * Invariant: an event describes what already happened; nothing in the
 * scheduler reads events back.
 */
#ifndef GSCHED_RUNTIME_EVENTS_H
#define GSCHED_RUNTIME_EVENTS_H

#include <stdint.h>

enum rt_evkind {
	RT_EV_NONE = 0,
	RT_EV_GSTATUS,       /* obj goid, a from, b to; detail reason */
	RT_EV_PSTATUS,       /* obj P id, a from, b to */
	RT_EV_MSTART,        /* obj M id (the new M), a its P or -1, b 1 if spinning */
	RT_EV_MPARK,         /* obj M id */
	RT_EV_MUNPARK,       /* obj M id (the M woken), a the P handed to it or -1 */
	RT_EV_MEXIT,         /* obj M id */
	RT_EV_SPINNING,      /* obj M id, a 1 start / 0 stop */
	RT_EV_RUNQPUT,       /* obj goid, a P, b 1 if into runnext */
	RT_EV_RUNQPUTSLOW,   /* obj P, a n moved to the global queue (incl. the new g) */
	RT_EV_RUNQGET,       /* obj goid, a P, b 1 if from runnext */
	RT_EV_GLOBRUNQPUT,   /* obj goid (first g), a count, b global queue size after */
	RT_EV_GLOBRUNQGET,   /* obj goid (the g returned), a count taken, b max */
	RT_EV_STEAL,         /* obj victim P, a n stolen, b 1 if it was runnext */
	RT_EV_WAKEP,         /* obj P started (or -1 when none was idle) */
	RT_EV_STARTM,        /* obj M id, a P, b 1 if spinning */
	RT_EV_HANDOFFP,      /* obj P, a 1 started an M / 0 put idle */
	RT_EV_NEEDSPINNING,  /* obj 1 set / 0 cleared */
	RT_EV_NEWPROC,       /* obj new goid, a parent goid, b 1 if reused from gFree */
	RT_EV_GOEXIT,        /* obj goid */
	RT_EV_PIDLEPUT,      /* obj P, a npidle after */
	RT_EV_PIDLEGET,      /* obj P, a npidle after */
	RT_EV_VIOLATION,     /* obj 0; detail the throw message / oracle name */
	RT_EV_LABEL,         /* obj goid; detail the workload's label */
	RT_EV_PREEMPT_REQ,   /* obj goid asked to stop, a 1 async / 0 cooperative only, b its P */
	RT_EV_PREEMPT,       /* obj goid preempted, a 1 async / 0 cooperative */
	RT_EV_RETAKE,        /* obj P taken from a syscall (a 1) */
	RT_EV_SYSCALL_ENTER, /* obj goid, a P left in _Psyscall */
	RT_EV_SYSCALL_EXIT,  /* obj goid, a 1 fast path / 0 slow path, b P acquired or -1 */
	RT_EV_TIMER_ADD,     /* obj P, a when, b heap size after */
	RT_EV_TIMER_FIRE,    /* obj P, a when, b goid readied (sleep) or 0 */
	RT_EV_TIMER_STEAL,   /* obj victim P whose timers an idle M ran, a n run */
	RT_EV_NETPOLL,       /* obj n goroutines made ready, a delay ns (-1 block) */
	RT_EV_INJECTGLIST,   /* obj n goroutines, a idle Ps started */
	RT_EV_STW,           /* obj 1 stop / 0 start the world (a gomaxprocs); detail why */
	RT_EV_PROCRESIZE,    /* obj old gomaxprocs, a new */
	RT_EV_SYSMON,        /* obj sleep (us) of sysmon's idle wait, a 1 */
	RT_EV__COUNT
};

/* One transition.  m/p/g name the actor: the M that did it, the P it
 * held (-1 if none) and its current user goroutine (0 if on g0 or none). */
struct rt_event {
	int64_t t_ns;
	int32_t m, p;
	int64_t g;
	int32_t kind;
	int64_t obj, a, b;
	const char *detail; /* static string or NULL; never an address-dependent value */
};

/* Kind names as stored in the database (events.kind), indexed by kind. */
extern const char *const rt_evkind_name[RT_EV__COUNT];

#endif
