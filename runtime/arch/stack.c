/*
 * arch/stack.c - the goroutine stack pool (see ctx.h).
 *
 * Stacks of one size come from arenas of ARENA_STACKS slots, reserved
 * with MAP_NORESERVE: the address space is cheap, and a stack costs
 * memory only for the pages its coroutine touched.  Freed stacks go on a
 * per-size free list (the link lives in the stack's highest word) and are
 * reused LIFO.
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
#define NCLASSES     4

static struct sizeclass {
	size_t size;   /* 0: unused class */
	void *free;    /* free list */
	void **arenas; /* every arena of this class, in carving order */
	size_t narenas, caparenas;
	size_t cur; /* arena being carved */
	char *next; /* next never-used slot in arenas[cur] */
	char *end;
} classes[NCLASSES];

static size_t reserved;

/* A free stack's free-list link lives in its highest word: the page a
 * coroutine touches first, so that freeing every stack at the end of a
 * run (rt_teardown) does not fault in a second page per stack. */
static void **link_of(void *stack, size_t size)
{
	return (void **)((char *)stack + size) - 1;
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

/* Make arenas[c->cur] the one to carve, mapping a new arena if needed. */
static bool next_arena(struct sizeclass *c)
{
	size_t len = c->size * ARENA_STACKS;
	if (c->cur == c->narenas) {
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
	c->next = c->arenas[c->cur];
	c->end = c->next + len;
	return true;
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
	if (c->next == c->end) {
		if (c->next != NULL)
			c->cur++;
		if (!next_arena(c))
			return NULL;
	}
	void *s = c->next;
	c->next += size;
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

size_t arch_stack_reserved(void)
{
	return reserved;
}
