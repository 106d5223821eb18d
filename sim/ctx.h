/*
 * ctx.h - coroutine contexts and stacks for the virtual backend.
 *
 * ctx_make prepares a context that, when first switched to, calls
 * entry() on the given stack; entry must never return.  ctx_switch saves
 * the current context in *from and resumes *to.  final is true when
 * *from will never be resumed (lets AddressSanitizer drop its state).
 *
 * The switch is a few instructions of assembly on x86-64 and aarch64
 * (callee-saved registers and the stack pointer; no signal mask, no
 * floating-point control words - nothing here changes them), and
 * swapcontext(3) elsewhere (SIM_CTX_UCONTEXT).
 *
 * Stacks come from large anonymous mappings carved into fixed slots, so
 * 100,000 goroutine stacks cost a handful of mappings, not 100,000
 * (which would hit vm.max_map_count); only touched pages use memory.
 * There are no guard pages (they would split the mappings); the runtime
 * checks a canary word at the low end of each goroutine stack instead.
 */
#ifndef GSCHED_SIM_CTX_H
#define GSCHED_SIM_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "platform_impl.h"

/* SIM_ASAN: built with AddressSanitizer (gcc or clang spelling). */
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif

void ctx_make(struct plat_ctx *c, void *stack, size_t size, void (*entry)(void));
void ctx_switch(struct plat_ctx *from, struct plat_ctx *to, bool final);

void *sim_stack_alloc(size_t size);
void sim_stack_free(void *stack, size_t size);
/* Unmap every stack (between runs). */
void sim_stack_release_all(void);
/* Bytes of stack address space reserved (for reports). */
size_t sim_stack_reserved(void);

#endif
