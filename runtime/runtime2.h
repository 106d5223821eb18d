/*
 * runtime2.h - the scheduler's data: g, m, p, schedt (Go's runtime2.go).
 *
 * Names, status values and field meanings follow Go 1.21 so that this
 * file and runtime2.go can be read side by side.  Fields Go has for the
 * GC, cgo, profiling or the race detector are left out; fields gsched
 * adds are marked "gsched:".
 *
 * Ownership rules (as in Go):
 *   - g.atomicstatus changes only through casgstatus, which checks that
 *     the transition is legal;
 *   - p.runq/runqhead/runqtail: only the owner P's M writes runqtail;
 *     anyone may advance runqhead by CAS (stealing); runnext by CAS;
 *   - schedt fields without "atomic" are protected by sched.lock.
 */
#ifndef GSCHED_RUNTIME_RUNTIME2_H
#define GSCHED_RUNTIME_RUNTIME2_H

#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

/* Wait reasons, shown in traces (gstatus detail) like Go's waitReason. */
enum waitReason {
	waitReasonZero = 0,
	waitReasonWaitAll, /* gsched: main waiting for every goroutine to finish */
	waitReasonTest,    /* gsched: parked by a test */
	waitReasonChanReceiveNilChan,
	waitReasonChanSendNilChan,
	waitReasonSelectNoCases,
	waitReasonSelect,
	waitReasonChanReceive,
	waitReasonChanSend,
	waitReasonSemacquire,
	waitReasonSyncMutexLock,
	waitReasonSleep,
	waitReasonIOWait,
	waitReasonPreempted,
	waitReasonStoppingTheWorld,
	waitReason__count,
};

/* The trace's name for a wait reason (gstatus detail), as Go prints it. */
const char *rt_waitReason_string(enum waitReason r);

#define RT_RUNQ_SIZE        256 /* Go's len(p.runq); policy runq-size sets a P's runqcap */
#define RT_GOID_CACHE_BATCH 16  /* _GoidCacheBatch */
/* A goroutine's stack: fixed (no growth), reserved; only touched pages
 * cost memory.  64 KiB rather than more: a slot per stack, and slots
 * spread further apart cost a page-table page per fewer stacks and more
 * page walks (docs/native.md, "Stacks"); the test suite, every scenario
 * and example run within it (a 1024-case select, the deepest, takes
 * 28 KiB). */
#define RT_STACK_SIZE (64 * 1024)
#define RT_STACK_GUARD                                                                             \
	(16 * 1024) /* mcall throws when a g's frame is this close to its stack's end */
#define RT_MAXPROCS 1024

struct g;
struct m;
struct p;
struct hchan;

/* sudog represents a g in a wait list, such as for sending/receiving on
 * a channel or waiting on a semaphore (runtime2.go).  A g may be on many
 * wait lists (select), so there may be many sudogs for one g; sudogs are
 * allocated from a per-P cache (acquireSudog/releaseSudog). */
struct sudog {
	struct g *g;
	struct sudog *next;
	struct sudog *prev;
	int64_t *elem; /* data element: channels carry int64 values */
	int64_t acquiretime;
	int64_t releasetime;
	uint32_t ticket;
	/* isSelect indicates g is participating in a select, so g.selectDone
	 * must be CAS'd to win the wake-up race. */
	bool isSelect;
	/* success indicates whether communication over channel c succeeded:
	 * true if the goroutine was awoken because a value was delivered
	 * over channel c, false if awoken because c was closed. */
	bool success;
	uint64_t semakey;       /* semaRoot: the semaphore's key (Go uses elem, the address) */
	struct sudog *parent;   /* semaRoot binary tree */
	struct sudog *waitlink; /* g.waiting list or semaRoot */
	struct sudog *waittail; /* semaRoot */
	struct hchan *c;        /* channel */
};

/* Timer (time.go).  The timer's f runs on the P that owns it, from
 * checkTimers, with the P's timersLock released. */
struct timer {
	struct p *pp; /* the P whose heap holds the timer; NULL if none (atomic) */
	/* Timer wakes up at when, and then at when+period, ... (period > 0
	 * only).  Each time calls f(arg, now) in the timer goroutine, so f
	 * must be a well-behaved function and not block. */
	int64_t when;
	int64_t period;
	void (*f)(void *arg, uintptr_t seq);
	void *arg;
	uintptr_t seq;
	int64_t nextwhen; /* what to set the when field to in timerModifiedXX status */
	uint32_t status;  /* the status field holds one of the timer* values (atomic) */
};

/* sysmon's per-P view (proc.go sysmontick). */
struct sysmontick {
	uint32_t schedtick;
	int64_t schedwhen;
	uint32_t syscalltick;
	int64_t syscallwhen;
};

/* A queue of gs linked through g.schedlink (Go's gQueue). */
struct gQueue {
	struct g *head, *tail;
};

/* A stack of gs linked through g.schedlink (Go's gList). */
struct gList {
	struct g *head;
};

struct g {
	struct plat_ctx sched; /* saved context while not running (gobuf) */
	void *stack;           /* NULL once freed */
	size_t stacksize;
	uint32_t atomicstatus;
	int64_t goid;
	struct m *m; /* current m; NULL if not running */
	struct g *schedlink;
	/* preemption signal, duplicates stackguard0 = stackpreempt: relaxed,
	 * but for preemptone's store, a platform operation (a yield point) */
	uint32_t preempt;
	enum waitReason waitreason;
	void (*fn)(void *); /* gsched: the goroutine's function and argument */
	void *arg;
	int64_t parentGoid;
	uint32_t sig; /* used by tests, as Go's tests use g.sig */

	/* param is a generic pointer parameter field used to pass values in
	 * particular contexts where other storage for the parameter would be
	 * difficult to find: a channel operation's wakeup passes the sudog
	 * that completed it (NULL if the channel was closed). */
	void *param;
	struct sudog *waiting; /* sudog structures this g is waiting on (that have a valid elem
	                          ptr); in lock order */
	uint32_t selectDone;   /* are we participating in a select and did someone win the race?
	                          (atomic) */
	struct timer *timer;   /* cached timer for time.Sleep */
	bool asyncPreempt;     /* gsched: the pending preemption request is an asynchronous one */
	const char *label;     /* gsched: the workload's label for analysis (static or owned by the
	                          caller) */
	struct g *alllink;     /* gsched: the next g on allgs, a list here (Go's is a slice): an
	                          entry then costs no memory beyond the g */
	struct sudog *sudogroom; /* gsched: room for one sudog beside the g at the top of its stack
	                            (malg), until the sudog allocator takes it; NULL once taken,
	                            and for a g without a stack */
};

struct m {
	struct g *g0;   /* goroutine with the scheduling stack */
	struct g *curg; /* current running goroutine */
	struct p *p;    /* attached p for executing go code (NULL if not executing go code) */
	struct p *nextp;
	struct p *oldp;
	int64_t id;
	int32_t locks;
	bool spinning; /* m is out of work and is actively looking for work */
	struct plat_note park;
	struct m *alllink; /* on allm */
	struct m *schedlink;
	void (*mstartfn)(void);
	uint64_t fastrand;
	/* gsched: the function mcall runs on g0, and its argument. */
	void (*mcallfn)(struct g *);
	struct g *mcallg;
	/* gsched: park_m's unlock function and lock (Go's waitunlockf/waitlock). */
	bool (*waitunlockf)(struct g *, void *);
	void *waitlock;
	uint32_t syscalltick;
	uint32_t signalPending; /* is a preemption signal pending on this M? (atomic) */
};

struct p {
	int32_t id;
	uint32_t status; /* one of _Pidle/_Prunning/... */
	struct p *link;
	uint32_t schedtick;   /* incremented on every scheduler call */
	uint32_t syscalltick; /* incremented on every system call */
	struct m *m;          /* back-link to associated m (NULL if idle) */

	/* Cache of goroutine ids, amortizes accesses to sched.goidgen. */
	uint64_t goidcache, goidcacheend;

	/* Queue of runnable goroutines.  Accessed without lock.  gsched:
	 * the ring has runqcap slots (a power of two, policy runq-size),
	 * allocated with the P; runqbatch is runqputslow's scratch batch
	 * (runqcap + 1 slots). */
	uint32_t runqhead;
	uint32_t runqtail;
	struct g **runq;
	uint32_t runqcap;
	struct g **runqbatch;
	/* runnext, if non-NULL, is a runnable G that was ready'd by the
	 * current G and should be run next instead of what's in runq if
	 * there's time remaining in the running G's time slice. */
	struct g *runnext;

	/* Available G's (status == Gdead). */
	struct {
		struct gList list;
		int32_t n;
	} gFree;

	struct sysmontick sysmontick; /* last tick observed by sysmon */

	/* Per-P sudog cache (Go: sudogcache/sudogbuf). */
	struct sudog *sudogcache[128];
	int32_t nsudogcache;

	/* Lock for timers.  We normally access the timers while running on
	 * this P, but the scheduler can also do it from a different P. */
	struct plat_mutex timersLock;
	/* Actions to take at some time.  This is used to implement the
	 * standard library's time package (a 4-ary heap ordered by when).
	 * Must hold timersLock to access. */
	struct timer **timers;
	int32_t ntimers, captimers;
	uint32_t numTimers;     /* number of timers in P's heap (atomic) */
	uint32_t deletedTimers; /* number of timerDeleted timers in P's heap (atomic) */
	int64_t timer0When;     /* when of the first entry on the timer heap, 0 if empty (atomic) */
	int64_t timerModifiedEarliest; /* earliest known nextwhen of a timerModifiedEarlier timer
	                                  (atomic) */

	/* preempt is set to indicate that this P should enter the scheduler
	 * ASAP (regardless of what G is running on it).  (relaxed) */
	bool preempt;
};

struct schedt {
	uint64_t goidgen; /* atomic */
	int64_t lastpoll; /* atomic */

	struct plat_mutex lock;

	struct m *midle;      /* idle m's waiting for work */
	int32_t nmidle;       /* number of idle m's waiting for work */
	int32_t nmidlelocked; /* number of locked m's waiting for work */
	int64_t mnext;        /* number of m's that have been created and next M ID */
	int32_t maxmcount;    /* maximum number of m's allowed (or die) */
	int32_t nmsys;        /* number of system m's not counted for deadlock */

	struct p *pidle;       /* idle p's */
	uint32_t npidle;       /* atomic int32 */
	uint32_t nmspinning;   /* atomic int32; see "Worker thread parking/unparking" */
	uint32_t needspinning; /* atomic; see "Delicate dance" in findRunnable */

	/* Global runnable queue. */
	struct gQueue runq;
	int32_t runqsize;

	/* Global cache of dead G's. */
	struct {
		struct plat_mutex lock;
		struct gList stack;   /* Gs with stacks */
		struct gList noStack; /* Gs without stacks */
		int32_t n;
	} gFree;

	/* Central cache of sudog structs. */
	struct plat_mutex sudoglock;
	struct sudog *sudogcache;

	uint32_t gcwaiting; /* atomic bool: gc (here: stop-the-world) is waiting to run */
	int32_t stopwait;
	struct plat_note stopnote;
	uint32_t sysmonwait; /* atomic bool */
	struct plat_note sysmonnote;
	struct plat_mutex sysmonlock; /* acquired by sysmon while running */
	int64_t pollUntil;            /* time to which current poll is sleeping (atomic) */
};

/* Go's randomOrder/randomEnum (proc.go): a random order over all Ps that
 * visits each exactly once, by a random start and a coprime stride. */
struct randomOrder {
	uint32_t count;
	uint32_t *coprimes;
	uint32_t ncoprimes;
};
struct randomEnum {
	uint32_t i, count, pos, inc;
};

#endif
