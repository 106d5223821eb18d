/*
 * wg_free.c - free a WaitGroup as soon as Wait returns, as Go code drops
 * its last reference to one.  gs.h allows it (one waiter), and the
 * runtime guarantees it: the Done that released the waiter touches the
 * WaitGroup no more.
 *
 * This program found a use after free in gsched's own semaphores: each
 * object had its own semaphore root, freed with it, while the goroutine
 * whose Done had just woken the waiter was still unlocking that root.
 * docs/finding-a-use-after-free.md tells the story.  Seed 279 under free
 * interleaving was the first of 400 to show it; CTest runs that seed (in
 * the ASan build a use after free fails it), and tests/check_sync.c runs
 * this shape over many seeds.
 *
 *	GSCHED_SEED=279 GSCHED_WINDOW=inf build-asan/examples/wg_free
 */
#include <stdlib.h>

#include "gs.h"

static void worker(void *arg)
{
	gs_wg_done(arg);
}

static void program(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3000; i++) {
		struct gs_waitgroup *wg = calloc(1, sizeof *wg);
		gs_wg_add(wg, 2);
		gs_go(worker, wg);
		gs_go(worker, wg);
		gs_wg_wait(wg);
		gs_wg_destroy(wg); /* a no-op now; the first gs.h required it */
		free(wg);
	}
}

int main(void)
{
	return gs_main(2, program, NULL);
}
