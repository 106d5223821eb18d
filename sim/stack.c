/*
 * stack.c - coroutine stacks for the virtual backend (see ctx.h).
 *
 * Stacks of one size come from arenas of ARENA_STACKS slots, reserved
 * with MAP_NORESERVE: the address space is cheap, and a stack costs
 * memory only for the pages its coroutine touched.  Freed stacks go on a
 * per-size free list (the link lives in the stack's lowest word) and are
 * reused LIFO.  Everything is unmapped between runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ctx.h"

#define ARENA_STACKS 64
#define NCLASSES 4

struct arena {
	void *base;
	size_t len;
	struct arena *next;
};

static struct sizeclass {
	size_t size;	/* 0: unused class */
	void *free;	/* free list */
	char *next;	/* next never-used slot in the newest arena */
	char *end;
} classes[NCLASSES];

static struct arena *arenas;
static size_t reserved;

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

void *sim_stack_alloc(size_t size)
{
	struct sizeclass *c = class_of(size);
	if (!c)
		return NULL;
	if (c->free) {
		void *s = c->free;
		c->free = *(void **)s;
		return s;
	}
	if (c->next == c->end) {
		size_t len = size * ARENA_STACKS;
		void *base = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED)
			return NULL;
		struct arena *a = malloc(sizeof *a);
		if (!a) {
			munmap(base, len);
			return NULL;
		}
		a->base = base;
		a->len = len;
		a->next = arenas;
		arenas = a;
		reserved += len;
		c->next = base;
		c->end = (char *)base + len;
	}
	void *s = c->next;
	c->next += size;
	return s;
}

void sim_stack_free(void *stack, size_t size)
{
	struct sizeclass *c = class_of(size);
	if (!c || !stack)
		return;
	*(void **)stack = c->free;
	c->free = stack;
}

void sim_stack_release_all(void)
{
	while (arenas) {
		struct arena *a = arenas;
		arenas = a->next;
		munmap(a->base, a->len);
		free(a);
	}
	for (int i = 0; i < NCLASSES; i++)
		classes[i] = (struct sizeclass){0};
	reserved = 0;
}

size_t sim_stack_reserved(void)
{
	return reserved;
}
