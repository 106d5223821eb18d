/*
 * gs.h - the public C API of gsched: what a program written against the
 * scheduler may call from inside a goroutine.
 *
 * The same calls work on every backend; the scenario interpreter
 * (scenarios/) is a client of this header and of nothing else in runtime/.
 * Every function here must be called from a goroutine (never from a
 * thread's scheduling context).
 */
#ifndef GSCHED_GS_H
#define GSCHED_GS_H

#include <stdint.h>

/* go fn(arg): create a goroutine (Go's newproc).  It goes into the
 * current P's runnext, exactly as `go f()` does. */
void gs_go(void (*fn)(void *), void *arg);

/* runtime.Gosched: yield the P; the caller goes to the global run queue. */
void gs_gosched(void);

/* Burn ns of CPU time (virtual time in the simulator). */
void gs_spend(int64_t ns);

/* The calling goroutine's id (main is 1, as in Go). */
int64_t gs_goid(void);

#endif
