/*
 * arch/stack.c - the goroutine stack pool (see ctx.h).
 *
 * Stacks of one size come from arenas of ARENA_STACKS slots, reserved
 * with MAP_NORESERVE: the address space is cheap, and a stack costs
 * memory only for the pages its coroutine touched.  Freed stacks go on a
 * per-size free list (the link lives in the stack's highest word) and are
 * reused LIFO.
 *
 * A slot is two pages more than its stack:
 *
 *	slot_lo            +PAGE                 stack      stack+size  slot_hi
 *	| guard page        | colour room (unused) | the stack ...      | rest |
 *
 * The guard page is installed with madvise(MADV_GUARD_INSTALL) (Linux
 * 6.13): a PROT_NONE page that does not split the mapping, so a million
 * guarded stacks are still one mapping per arena (an mprotect'ed guard
 * would cost two mappings per stack, and vm.max_map_count is 65,530).
 * A running goroutine that overflows its stack faults on its guard
 * instead of writing into its neighbour.  Where the kernel refuses it
 * (older kernels, EINVAL) the pool goes on without guards, as before;
 * arch_stack_guarded says which.
 *
 * Colour: slot i's stack starts (and so its top, where a goroutine's
 * frames live, sits) 2048 + 64 * (i % 32) bytes into its colour room.
 * Without it every stack top would be a multiple of the slot size, a
 * power of two, apart: all in one set of each cache level, so that a few
 * dozen goroutines run in turn would evict each other's frames (and
 * their saved contexts) from L1 and L2 at every switch.  The slot
 * size (not a power of two pages) spreads the tops over pages as well.
 * The offset stays in the top half of the page so that a shallow
 * goroutine's frames still fit in one page.
 *
 * Populating: a slot's first carve in the process also populates its
 * stack's top page (madvise(MADV_POPULATE_WRITE), Linux 5.14), the page
 * the goroutine's context and first frames are written to at once.  A
 * page fault is dear on a virtual machine (on the 2-core one here, a first
 * write to a fresh slot costs 20-25 us of CPU; populated beforehand, 5 us
 * for the madvise and 8-12 for the write), and a spawn storm takes one
 * per goroutine alive at once.  A kernel that refuses it costs one failed
 * call, once.
 *
 * Between runs the arenas are kept and rewound, not unmapped: a process
 * that runs many simulations (tests, exploration, benchmarks) would
 * otherwise pay a page fault for every stack page of every run.  The
 * cost is that pages touched by the largest run stay resident until the
 * process exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ctx.h"

#ifdef ARCH_ASAN
#include <sanitizer/asan_interface.h>
/* A reused stack may still carry the redzones of frames that a finished
 * run left behind (its coroutines are abandoned, not unwound). */
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define UNPOISON(p, n) ((void)0)
#endif

#define ARENA_STACKS 64
#define PAGE         4096
#define SLOT_EXTRA   (2 * PAGE) /* the guard page and the colour room */
#define NCLASSES     4

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14's uapi value */
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13's uapi value, for older headers */
#endif

static struct sizeclass {
	size_t size;   /* 0: unused class */
	void *free;    /* free list */
	void **arenas; /* every arena of this class, in carving order */
	size_t narenas, caparenas;
	size_t cur;    /* arena being carved */
	size_t carved; /* slots carved so far, in carving order (arenas are rewound
	                  between runs, not unmapped: a guard and a populated page stay) */
	char *next;    /* next never-used slot in arenas[cur] */
	char *end;
} classes[NCLASSES];

static size_t reserved;
static int guards = -1;   /* -1 not yet tried, 0 refused by the kernel, 1 installed */
static int populate = -1; /* the same for MADV_POPULATE_WRITE */

/* A free stack's free-list link lives in its highest word: the page a
 * coroutine touches first, so that freeing every stack at the end of a
 * run (rt_teardown) does not fault in a second page per stack. */
static void **link_of(void *stack, size_t size)
{
	return (void **)((char *)stack + size) - 1;
}

static size_t slot_of(size_t size)
{
	return (size + PAGE - 1) / PAGE * PAGE + SLOT_EXTRA;
}

static struct sizeclass *class_of(size_t size)
{
	for (int i = 0; i < NCLASSES; i++) {
		if (classes[i].size == size)
			return &classes[i];
		if (classes[i].size == 0) {
			classes[i].size = size;
			return &classes[i];
		}
	}
	return NULL;
}

/* Make arenas[cur] the one to carve (c->cur, once it is there), mapping
 * a new arena if needed.  On failure nothing changes: a caller that runs
 * out of memory may ask again (another M, the out-of-memory path), and
 * must not skip an arena that was never mapped. */
static bool next_arena(struct sizeclass *c, size_t cur)
{
	size_t len = slot_of(c->size) * ARENA_STACKS;
	if (cur == c->narenas) {
		void *base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED)
			return false;
		if (c->narenas == c->caparenas) {
			size_t cap = c->caparenas ? 2 * c->caparenas : 16;
			void **a = realloc(c->arenas, cap * sizeof *a);
			if (!a) {
				munmap(base, len);
				return false;
			}
			c->arenas = a;
			c->caparenas = cap;
		}
		c->arenas[c->narenas++] = base;
		reserved += len;
	}
	c->cur = cur;
	c->next = c->arenas[cur];
	c->end = c->next + len;
	return true;
}

/* Slot number i of arena c->cur at slot_lo: guard it and populate its
 * stack's top page, once per slot for the process's life (arenas are
 * never unmapped, and a run after the first carves the same slots again:
 * a second madvise per stack per run was an eighth of a short run's
 * time), and return its stack. */
static void *carve(struct sizeclass *c, char *slot_lo, size_t i)
{
	size_t n = c->cur * ARENA_STACKS + i; /* the slot's number in carving order */
	char *stack = slot_lo + PAGE + 2048 + 64 * (i % 32);
	if (n >= c->carved) {
		c->carved = n + 1;
		if (guards != 0) {
			int ok = madvise(slot_lo, PAGE, MADV_GUARD_INSTALL) == 0;
			if (guards < 0)
				guards = ok;
		}
		if (populate != 0) {
			uintptr_t top = ((uintptr_t)stack + c->size - 1) & ~(uintptr_t)(PAGE - 1);
			int ok = madvise((void *)top, PAGE, MADV_POPULATE_WRITE) == 0;
			if (populate < 0)
				populate = ok;
		}
	}
	return stack;
}

void *arch_stack_alloc(size_t size)
{
	struct sizeclass *c = class_of(size);
	if (!c)
		return NULL;
	if (c->free) {
		void *s = c->free;
		c->free = *link_of(s, size);
		UNPOISON(s, size);
		return s;
	}
	if (c->next == c->end && !next_arena(c, c->next != NULL ? c->cur + 1 : c->cur))
		return NULL;
	size_t slot = slot_of(size);
	char *arena = c->arenas[c->cur];
	void *s = carve(c, c->next, (size_t)(c->next - arena) / slot);
	c->next += slot;
	UNPOISON(s, size);
	return s;
}

void arch_stack_free(void *stack, size_t size)
{
	struct sizeclass *c = class_of(size);
	if (!c || !stack)
		return;
	*link_of(stack, size) = c->free;
	c->free = stack;
}

void arch_stack_release_all(void)
{
	for (int i = 0; i < NCLASSES; i++) {
		struct sizeclass *c = &classes[i];
		c->free = NULL;
		c->cur = 0;
		c->next = c->end = NULL;
	}
}

bool arch_stack_guarded(void)
{
	return guards == 1;
}

size_t arch_stack_reserved(void)
{
	return reserved;
}
