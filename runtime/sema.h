/*
 * sema.h - semaphores for sync (Go's sema.go), internal to runtime/, and
 * the test hooks of sync.Mutex.
 *
 * A semaphore is a uint32 count (addr) plus a key (a uint64 slot in the
 * object that owns the count: gs_mutex.semakey, gs_waitgroup.semakey),
 * which the runtime fills in the first time the semaphore needs its
 * root.  The goroutines waiting on it are queued in one of 251 static
 * roots, chosen by the key (sema.c says why a key and not the address).
 *
 * Lock order: a semaRoot's lock is a leaf: nothing else is locked while
 * it is held, and no goroutine is readied under it.
 */
#ifndef GSCHED_RUNTIME_SEMA_H
#define GSCHED_RUNTIME_SEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

struct gs_mutex;

/* A semaRoot holds a balanced tree of sudog with distinct keys (linked
 * through prev, next and parent, ordered by key), each the head of the
 * list of further waiters on the same semaphore (waitlink, waittail). */
struct semaRoot {
	struct plat_mutex lock;
	struct sudog *treap; /* root of balanced tree of unique waiters */
	uint32_t nwait;      /* number of waiters; read without the lock (atomic) */
};

/* semacquire1 waits until *addr > 0 and then decrements it.  *keyp is
 * the semaphore's key slot (0 until the runtime needs it).  lifo queues
 * the caller at the head (a sync.Mutex waiter that waited before). */
void rt_semacquire1(uint32_t *addr, uint64_t *keyp, bool lifo, enum waitReason reason);
/* semrelease1 increments *addr and wakes a waiter if there is one.  With
 * handoff, the woken waiter gets the count directly and the caller yields
 * its P to it (starving sync.Mutex).  The object that holds addr and
 * keyp is not touched after the increment. */
void rt_semrelease1(uint32_t *addr, uint64_t *keyp, bool handoff);
/* semreleaseN adds n to *addr and wakes up to n waiters (WaitGroup). */
void rt_semreleaseN(uint32_t *addr, uint64_t *keyp, uint32_t n);
/* Teardown: forget every root and key (no goroutine waits any more). */
void rt_semtable_reset(void);

/* Test hooks: the mutex's state bits. */
bool rt_mutex_starving(struct gs_mutex *m);
bool rt_mutex_locked(struct gs_mutex *m);
int32_t rt_mutex_waiters(struct gs_mutex *m);
/* How many times an unlock handed a starving mutex to a waiter (since the
 * process started; tests take differences). */
uint64_t rt_mutex_handoffs(void);

#endif
