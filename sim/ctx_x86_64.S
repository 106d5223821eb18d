/* ctx_x86_64.S - sim_ctx_swap(void **save_sp, void *to_sp), System V ABI.
 * Saves the callee-saved registers on the current stack, stores the
 * stack pointer in *save_sp, switches to to_sp and restores. */
	.text
	.globl	sim_ctx_swap
	.type	sim_ctx_swap, @function
sim_ctx_swap:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	sim_ctx_swap, .-sim_ctx_swap
	.section .note.GNU-stack, "", @progbits
