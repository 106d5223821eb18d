/*
 * events.h - the scheduler's event vocabulary.
 *
 * Every state transition the scheduler makes is reported through
 * rt_trace() (proc.c) as one struct rt_event.  The platform stamps the
 * time and hands the event to whatever sink the run has (SQLite, a hash
 * only, ...).  The meaning of obj/a/b per kind is fixed here and in the
 * event table of docs/database.md (a test checks that it lists exactly
 * these kinds); the database stores the kind by its name, so adding a
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
	RT_EV_MEXIT_UNUSED,  /* no path emits it: an M exits only with LockOSThread, which the
	                        port leaves out; the slot keeps later kinds' numbers */
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
	RT_EV_TIMER_NEXT,    /* obj P, a its new timer0When (b 0) or timerModifiedEarliest (b 1) */
	RT_EV_POLL_UNTIL,    /* obj 0, a the timer the M that goes to sleep in the network poller
	                        sleeps until (findRunnable's pollUntil; 0: none) */
	RT_EV__COUNT
};

/* G status (runtime2.go): the values gstatus events carry in a and b. */
enum {
	_Gidle = 0,
	_Grunnable = 1,
	_Grunning = 2,
	_Gsyscall = 3,
	_Gwaiting = 4,
	_Gmoribund_unused = 5,
	_Gdead = 6,
	_Genqueue_unused = 7,
	_Gcopystack = 8,
	_Gpreempted = 9,
};

/* P status: the values pstatus events carry in a and b. */
enum {
	_Pidle = 0,
	_Prunning = 1,
	_Psyscall = 2,
	_Pgcstop = 3,
	_Pdead = 4,
};

/* Go's names without the _G/_P prefix, indexed by value: the one
 * spelling of a status that traces, the database's g_state_names and
 * p_state_names tables, the views, the docs and the tests use. */
#define RT_GSTATUS_COUNT 10
#define RT_PSTATUS_COUNT 5
extern const char *const rt_gstatus_names[RT_GSTATUS_COUNT];
extern const char *const rt_pstatus_names[RT_PSTATUS_COUNT];

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
