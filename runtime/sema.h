/*
 * sema.h - semaphores for sync (Go's sema.go), internal to runtime/, and
 * the test hooks of sync.Mutex.
 *
 * A semaphore is a uint32 count (addr) plus the root of its queue of
 * waiting goroutines.  Go finds the root by hashing addr into a table
 * of 251 roots; gsched keeps the root in the object that owns the
 * semaphore (gs_mutex.root, gs_waitgroup.root), allocated on first
 * contention, because an address must never influence a simulated run.
 * So a root serves exactly one semaphore (sema.c says why that is enough).
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

/* A semaRoot holds the goroutines waiting on one semaphore, in a list
 * linked through sudog.waitlink (head, tail). */
struct semaRoot {
	struct plat_mutex lock;
	struct sudog *head, *tail;
	uint32_t nwait; /* number of waiters; read without the lock (atomic) */
	uint32_t *addr; /* the one semaphore this root serves */
};

/* semacquire1 waits until *addr > 0 and then decrements it.  *rootp is
 * the semaphore's root slot (NULL until first contention).  lifo queues
 * the caller at the head (a sync.Mutex waiter that waited before). */
void rt_semacquire1(uint32_t *addr, void **rootp, bool lifo, enum waitReason reason);
/* semrelease1 increments *addr and wakes a waiter if there is one.  With
 * handoff, the woken waiter gets the count directly and the caller yields
 * its P to it (starving sync.Mutex). */
void rt_semrelease1(uint32_t *addr, void **rootp, bool handoff);

/* Test hooks: the mutex's state bits. */
bool rt_mutex_starving(struct gs_mutex *m);
bool rt_mutex_locked(struct gs_mutex *m);
int32_t rt_mutex_waiters(struct gs_mutex *m);
/* How many times an unlock handed a starving mutex to a waiter (since the
 * process started; tests take differences). */
uint64_t rt_mutex_handoffs(void);

#endif
