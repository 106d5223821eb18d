/*
 * gs.h - the public C API of gsched: what a program written against the
 * scheduler may call from inside a goroutine.
 *
 * The same calls work on every backend; the scenario interpreter
 * (scenarios/) is a client of this header and of nothing else in runtime/.
 * Every function here except gs_main must be called from a goroutine
 * (never from a thread's scheduling context).
 *
 * Objects (channels, mutexes, wait groups) are created and freed by the
 * program; their behaviour is Go's: a send on a closed channel, closing a
 * closed channel, unlocking an unlocked mutex and a negative WaitGroup
 * counter are fatal errors of the program, reported as Go reports them.
 *
 * Freeing them.  Go's garbage collector keeps an object alive while any
 * goroutine still refers to it; in C the program decides, so each kind
 * below says exactly when it may be freed.  The rules share one
 * guarantee of the runtime: a goroutine that wakes another (a send that
 * hands over a value, a close, an Unlock, the Done that ends a Wait)
 * touches the object no more once it has woken it, so the woken
 * goroutine need not wait for the waker to return.  (The simulator with
 * a sanitizer checks this: tests/check_sync.c frees each kind of object
 * at the earliest moment these rules allow, over many interleavings.)
 */
#ifndef GSCHED_GS_H
#define GSCHED_GS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- goroutines ---- */

/* go fn(arg): create a goroutine (Go's newproc).  It goes into the
 * current P's runnext, exactly as `go f()` does. */
void gs_go(void (*fn)(void *), void *arg);

/* Like gs_go, and the new goroutine carries label (for analysis: the
 * trace records it; label must outlive the goroutine). */
void gs_go_labelled(void (*fn)(void *), void *arg, const char *label);

/* runtime.Gosched: yield the P; the caller goes to the global run queue. */
void gs_gosched(void);

/* Burn ns of CPU time (virtual time in the simulator).  Preemption may
 * land inside (between chunks), as at Go's function prologues. */
void gs_spend(int64_t ns);

/* The calling goroutine's id (main is 1, as in Go). */
int64_t gs_goid(void);

/* Add delta to *p, a counter goroutines share that orders nothing else
 * (bookkeeping: how many are alive, a shared random stream); returns
 * the new value.  Atomic wherever goroutines run in parallel; in the
 * simulator, a plain add (every M runs on one OS thread).  Not a yield
 * point, and costs no virtual time: a program's memory is not modelled. */
uint64_t gs_shared_add(uint64_t *p, int64_t delta);

/* time.Sleep(ns). */
void gs_sleep(int64_t ns);

/* The monotonic clock in ns (Go's nanotime, time.Now's monotonic
 * reading): the calling M's virtual clock in the simulator, where
 * reading it costs what a clock read costs. */
int64_t gs_nanotime(void);

/* A blocking system call that takes ns (entersyscall ... exitsyscall). */
void gs_syscall(int64_t ns);
/* The same for a call the runtime knows will block (entersyscallblock
 * ... exitsyscall): the P is handed off at once, not left for sysmon. */
void gs_syscall_block(int64_t ns);

/* Wait for I/O that becomes ready ns from now, through the network
 * poller (the goroutine parks in netpoll, as on a socket read). */
void gs_iowait(int64_t ns);

/* runtime.GOMAXPROCS(n): set the number of Ps (stopping the world) and
 * return the previous value; n <= 0 only queries. */
int32_t gs_gomaxprocs(int32_t n);

/* ---- memory ---- */

/* new: size zeroed bytes for the program; what names them for the
 * message.  Never NULL: when the machine has no memory left, the
 * program ends with status oom (Go's "fatal error: out of memory").
 * Free with gs_free and the same size, from a goroutine or after
 * gs_main has returned. */
void *gs_alloc(const char *what, size_t size);
void gs_free(void *p, size_t size);

/* ---- channels (int64 elements) ---- */

struct gs_chan;

/* make(chan int64, capacity). */
struct gs_chan *gs_chan_make(int64_t capacity);
/* Free a channel.  Allowed once no goroutine will call a function on c
 * again and every call on c has returned, except that a goroutine whose
 * receive (or select) got a value from a send, or saw c closed, need not
 * wait for that send or close to return. */
void gs_chan_free(struct gs_chan *c);
/* c <- v */
void gs_chan_send(struct gs_chan *c, int64_t v);
/* v, ok := <-c: ok is false when c is closed and drained (v is then 0). */
bool gs_chan_recv(struct gs_chan *c, int64_t *v);
/* close(c) */
void gs_chan_close(struct gs_chan *c);
/* len(c), cap(c) */
int64_t gs_chan_len(struct gs_chan *c);
int64_t gs_chan_cap(struct gs_chan *c);

enum gs_dir { GS_SEND = 1, GS_RECV = 2 };
struct gs_case {
	struct gs_chan *c; /* NULL: a case that never proceeds (nil channel) */
	enum gs_dir dir;
	int64_t value; /* GS_SEND: the value to send; GS_RECV: the value received */
	bool ok;       /* GS_RECV: false when the channel was closed */
};
/* select over n cases, in Go's random order.  With block false there is
 * a default case: returns -1 if no case can proceed now.  Otherwise
 * returns the index of the case that proceeded. */
int gs_select(struct gs_case *cases, int n, bool block);

/* ---- sync ---- */

/* sync.Mutex, with Go's normal and starvation modes.  Zero it to init.
 * It may be freed (or reused) once it is unlocked and no goroutine will
 * lock it again, even if the goroutine that unlocked it last has not
 * returned from gs_mutex_unlock yet. */
struct gs_mutex {
	int32_t state;
	uint32_t sema;
	uint64_t semakey; /* the runtime's key for the semaphore's waiters; 0 until needed */
};
void gs_mutex_lock(struct gs_mutex *m);
bool gs_mutex_trylock(struct gs_mutex *m);
void gs_mutex_unlock(struct gs_mutex *m);

/* sync.WaitGroup.  Zero it to init.  It may be freed (or reused) once
 * every goroutine that waits on it has returned from gs_wg_wait and no
 * goroutine will call Add, Done or Wait on it again; the goroutine whose
 * Done released the waiters may still be returning from it.  (With one
 * waiter: as soon as its Wait returns.) */
struct gs_waitgroup {
	uint64_t state; /* high 32 bits: counter; low 32 bits: waiters */
	uint32_t sema;
	uint64_t semakey; /* the runtime's key for the semaphore's waiters; 0 until needed */
};
void gs_wg_add(struct gs_waitgroup *wg, int64_t delta);
void gs_wg_done(struct gs_waitgroup *wg);
void gs_wg_wait(struct gs_waitgroup *wg);

/* These do nothing: the runtime keeps no state of its own per mutex or
 * wait group (the semaphores' waiters live in a static table, as Go's
 * do), so there is nothing to free.  Kept so that programs written
 * against an earlier gs.h, which had to call them, still build. */
void gs_mutex_destroy(struct gs_mutex *m);
void gs_wg_destroy(struct gs_waitgroup *wg);

/* ---- programs ---- */

/* Run fn(arg) as the main goroutine of a program with gomaxprocs Ps on
 * the backend this program is linked with, and return its exit status
 * (0 when main and every goroutine finished).  In the simulator the
 * environment variables GSCHED_SEED and GSCHED_WINDOW (ns or "inf")
 * choose the run; it prints a one-line summary on stderr. */
int gs_main(int32_t gomaxprocs, void (*fn)(void *), void *arg);

#endif
