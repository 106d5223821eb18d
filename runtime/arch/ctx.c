/*
 * arch/ctx.c - context creation and switching (see ctx.h), with
 * AddressSanitizer's fiber annotations when it is on.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ctx.h"

#ifdef ARCH_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef ARCH_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* TSan: a context made here gets a fiber of its own, once (a remade
 * context, a goroutine's reused by a new goroutine, keeps it). */
static void fiber_make(struct plat_ctx *c)
{
#ifdef ARCH_TSAN
	if (c->tsan_fiber == NULL)
		c->tsan_fiber = __tsan_create_fiber(0);
#else
	(void)c;
#endif
}

/* The context being switched from and to, for the first-run trampoline,
 * and (for AddressSanitizer, the only reader of a context's stack
 * bounds) the bounds of the stack the running context is on.  A virtual
 * thread's saved context may be on any of several stacks (an M is
 * suspended in g0 or in whichever goroutine it runs), so the bounds are
 * recorded in the context at every save, not fixed when it is made.
 * Without ASan a switch keeps no bookkeeping but switch_to. */
static _Thread_local struct plat_ctx *switch_to;
#ifdef ARCH_ASAN
static _Thread_local struct plat_ctx *switch_from;
static _Thread_local const void *cur_lo; /* NULL: the thread's own stack, not yet learned */
static _Thread_local size_t cur_size;

/* Called on the new side of every switch: tell ASan we arrived, learn
 * the bounds of the OS thread's own stack the first time we leave it,
 * and note which stack we are on now. */
__attribute__((noinline)) static void arrived(struct plat_ctx *self)
{
	const void *lo;
	size_t size;
	__sanitizer_finish_switch_fiber(self->fake_stack, &lo, &size);
	if (switch_from && switch_from->stack_lo == NULL) {
		switch_from->stack_lo = lo;
		switch_from->stack_size = size;
	}
	cur_lo = self->stack_lo;
	cur_size = self->stack_size;
}
#else
static inline void arrived(struct plat_ctx *self)
{
	(void)self;
}
#endif

static void boot(void)
{
	struct plat_ctx *self = switch_to;
	self->fake_stack = NULL;
	arrived(self);
	self->entry();
	abort(); /* entry functions never return */
}

#ifdef ARCH_CTX_UCONTEXT

void arch_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void))
{
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, boot, 0);
	c->entry = entry;
	c->stack_lo = stack;
	c->stack_size = size;
	fiber_make(c);
}

static void swap(struct plat_ctx *from, struct plat_ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}

#else

void arch_ctx_swap(void **save_sp, void *to_sp); /* ctx_<arch>.S */

void arch_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void))
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	void **sp;
#if defined(__x86_64__)
	/* arch_ctx_swap loads MXCSR and the x87 control word (their
	 * power-on defaults: all exceptions masked, round to nearest, x87
	 * at extended precision), pops r15 r14 r13 r12 rbx rbp, then
	 * returns into boot with rsp = top - 8, as if boot had been called
	 * (a zero return address above it). */
	sp = (void **)(top - 72);
	sp[0] = (void *)(UINT64_C(0x1f80) | UINT64_C(0x037f) << 32);
	for (int i = 1; i < 7; i++)
		sp[i] = 0;
	sp[7] = (void *)boot;
	sp[8] = 0;
#elif defined(__aarch64__)
	/* arch_ctx_swap loads x19-x30, d8-d15 and FPCR (0: round to
	 * nearest, no traps) from a 176-byte frame and returns to x30 (at
	 * offset 88) with sp = top. */
	sp = (void **)(top - 176);
	for (int i = 0; i < 22; i++)
		sp[i] = 0;
	sp[11] = (void *)boot;
#else
#error "no assembly context switch for this architecture: configure with ARCH_CTX_UCONTEXT"
#endif
	c->sp = sp;
	c->entry = entry;
	c->stack_lo = stack;
	c->stack_size = size;
	fiber_make(c);
}

static void swap(struct plat_ctx *from, struct plat_ctx *to)
{
	arch_ctx_swap(&from->sp, to->sp);
}

#endif

void arch_ctx_switch(struct plat_ctx *from, struct plat_ctx *to, bool final)
{
#ifdef ARCH_ASAN
	from->stack_lo = cur_lo;
	from->stack_size = cur_size;
	__sanitizer_start_switch_fiber(final ? NULL : &from->fake_stack, to->stack_lo,
	                               to->stack_size);
#else
	(void) final;
#endif
#ifdef ARCH_TSAN
	/* A context not made here (a thread's own) is the thread's fiber. */
	if (from->tsan_fiber == NULL)
		from->tsan_fiber = __tsan_get_current_fiber();
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
#ifdef ARCH_ASAN
	switch_from = from;
#endif
	switch_to = to;
	swap(from, to);
	arrived(from);
}
