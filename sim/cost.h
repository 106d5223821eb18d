/*
 * cost.h - the simulator's cost model: virtual nanoseconds charged for
 * each platform operation (docs/simulator.md explains each figure).
 *
 * The figures are order-of-magnitude costs of the real operation on a
 * current x86-64 server core: an uncontended atomic RMW is a few ns, a
 * futex wake is a system call (~0.5 us for the waker) and a thread woken
 * from futex_wait starts running some microseconds later.  Code between
 * platform operations is free: the model charges synchronisation, not
 * instructions, so relative timings of scheduler paths are meaningful
 * and absolute ones are approximate.
 */
#ifndef GSCHED_SIM_COST_H
#define GSCHED_SIM_COST_H

#define COST_LOAD              1     /* atomic load (plain or acquire) */
#define COST_STORE             1     /* atomic store (plain or release) */
#define COST_RMW               5     /* cas, xadd, xchg, or, and */
#define COST_LOCK              20    /* uncontended runtime lock */
#define COST_UNLOCK            10    /* runtime unlock */
#define LOCK_SPIN_NS           1000  /* lock_futex's spin phase: 4 x procyield(30), then osyield */
#define COST_LOCK_SPIN_ACQUIRE 20    /* a spinning waiter takes a lock just released */
#define COST_NOTECLEAR         1     /* noteclear */
#define COST_NOTESLEEP         200   /* futex_wait system call entry */
#define COST_NOTEWAKEUP        500   /* futex_wake system call, charged to the waker */
#define WAKE_LATENCY           5000  /* futex_wake -> the sleeper runs */
#define COST_NANOTIME          20    /* vDSO clock_gettime */
#define COST_OSYIELD           300   /* sched_yield system call */
#define COST_PROCYIELD         5     /* per PAUSE instruction */
#define COST_NEWOSPROC         10000 /* clone() for the caller */
#define THREAD_START_LATENCY   20000 /* clone() -> new thread runs */
#define COST_STACKALLOC        200   /* stackalloc of a goroutine stack */
#define COST_CTX_MAKE          200 /* newproc1: initialising a g and its first frame (gostartcallfn) */
#define COST_CTX_SWITCH        30   /* gogo / mcall */
#define COST_PREEMPTM          1000 /* tgkill of SIGURG, charged to the sender */

#endif
