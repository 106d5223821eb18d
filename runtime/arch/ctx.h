/*
 * arch/ctx.h - execution contexts (Go's gobuf) and their stacks: the
 * machine-level code both backends share.
 *
 * arch_ctx_make prepares a context that, when first switched to, calls
 * entry() on the given stack; entry must never return.  arch_ctx_switch
 * saves the current context in *from and resumes *to.  final is true
 * when *from will never be resumed (lets AddressSanitizer drop its
 * state).  Each OS thread switches among its own contexts; the
 * bookkeeping here is per thread, so the native backend's Ms switch
 * independently.
 *
 * The switch is a few instructions of assembly on x86-64 and aarch64: the
 * callee-saved registers, the stack pointer and the floating-point
 * control state the ABI says a callee preserves (MXCSR and the x87
 * control word; FPCR); no signal mask, which is per thread and never
 * changed by a goroutine.  Elsewhere it is swapcontext(3)
 * (ARCH_CTX_UCONTEXT), which also saves the signal mask at the cost of
 * a system call.
 *
 * Under AddressSanitizer every switch is announced with
 * __sanitizer_start/finish_switch_fiber, so that ASan knows which stack
 * is live and its reports name the right frames.  Under ThreadSanitizer
 * every context is a fiber (__tsan_create_fiber; a thread's own first
 * context is the thread's fiber) and every switch __tsan_switch_to_fiber,
 * which also orders what the old context did before what the new one
 * does: a goroutine that moves to another thread carries its history.
 *
 * Stacks come from large anonymous mappings carved into fixed slots
 * (stack.c), so 100,000 goroutine stacks cost a handful of mappings, not
 * 100,000 (which would hit vm.max_map_count); only touched pages use
 * memory.  Each slot has a guard page below its stack, installed with
 * MADV_GUARD_INSTALL, which does not split the mapping (where the kernel
 * has it); mcall also checks that a goroutine's frame is well inside its
 * stack (RT_STACK_GUARD).  The pool is not thread-safe: a backend with
 * several OS threads serialises calls into it.
 */
#ifndef GSCHED_RUNTIME_ARCH_CTX_H
#define GSCHED_RUNTIME_ARCH_CTX_H

#include <stdbool.h>
#include <stddef.h>
#ifdef ARCH_CTX_UCONTEXT
#include <ucontext.h>
#endif

/* ARCH_ASAN: built with AddressSanitizer (gcc or clang spelling). */
#if defined(__SANITIZE_ADDRESS__)
#define ARCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARCH_ASAN 1
#endif
#endif

/* ARCH_TSAN: built with ThreadSanitizer.  Every context is then a TSan
 * fiber, so that the switch is a synchronisation TSan sees and its reports
 * name the goroutine's stack, not the thread's. */
#if defined(__SANITIZE_THREAD__)
#define ARCH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ARCH_TSAN 1
#endif
#endif

/* A saved execution context.  stack_lo/size are known for every context
 * made here, and learned for a thread's own first context. */
struct plat_ctx {
#ifdef ARCH_CTX_UCONTEXT
	ucontext_t uc;
#else
	void *sp;
#endif
	void (*entry)(void);
	const void *stack_lo;
	size_t stack_size;
	void *fake_stack; /* ASan's fake-stack handle while switched out */
	void *tsan_fiber; /* TSan's fiber of this context (made once, kept when remade) */
};

void arch_ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void));
void arch_ctx_switch(struct plat_ctx *from, struct plat_ctx *to, bool final);

/* The stack pool (stack.c). */
void *arch_stack_alloc(size_t size);
void arch_stack_free(void *stack, size_t size);
/* Forget every stack handed out (between runs): the arenas are kept and
 * rewound, so the next run reuses their pages. */
void arch_stack_release_all(void);
/* Whether the stacks handed out have guard pages (stack.c). */
bool arch_stack_guarded(void);
/* Bytes of stack address space reserved (for reports). */
size_t arch_stack_reserved(void);

#endif
