/*
 * platform_impl.h (virtual backend) - the types behind runtime/platform.h
 * for the simulator.  Every PLAT_FN is an ordinary function in
 * sim/engine.c and every one of them is a yield point.
 */
#ifndef GSCHED_SIM_PLATFORM_IMPL_H
#define GSCHED_SIM_PLATFORM_IMPL_H

#include <stddef.h>
#include <stdint.h>
#ifdef SIM_CTX_UCONTEXT
#include <ucontext.h>
#endif

#define PLAT_FN extern

struct sim_thread;

/* A runtime mutex: owned by a virtual thread; waiters queue FIFO. */
struct plat_mutex {
	struct sim_thread *owner;
	struct sim_thread *head, *tail; /* waiters */
};

/* A note: key is 1 once woken; at most one sleeper. */
struct plat_note {
	uint32_t key;
	struct sim_thread *waiter;
};

/* A saved execution context (Go's gobuf).  stack_lo/size are known for
 * every context the simulator made, and learned for the engine's own. */
struct plat_ctx {
#ifdef SIM_CTX_UCONTEXT
	ucontext_t uc;
#else
	void *sp;
#endif
	void (*entry)(void);
	const void *stack_lo;
	size_t stack_size;
	void *fake_stack; /* ASan's fake-stack handle while switched out */
};

#endif
