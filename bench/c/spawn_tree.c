/*
 * spawn_tree.c - spawn-tree: n binary trees of goroutines of depth 10
 * (2047 goroutines each), one after the other.  Every node above the
 * leaves spawns two children and waits for them.  Wall ns per tree.
 * Go twin: bench/go/spawn_tree.go.
 *
 *	func tree(depth int, parent *sync.WaitGroup) {
 *		if depth > 0 {
 *			var wg sync.WaitGroup
 *			wg.Add(2)
 *			go tree(depth-1, &wg)
 *			go tree(depth-1, &wg)
 *			wg.Wait()
 *		}
 *		parent.Done()
 *	}
 *	func main() {
 *		for i := 0; i < n; i++ {
 *			var wg sync.WaitGroup
 *			wg.Add(1)
 *			go tree(10, &wg)
 *			wg.Wait()
 *		}
 *	}
 */
#include <stddef.h>

#include "bench.h"
#include "gs.h"

enum { DEPTH = 10 };

/* A node's arguments, on its parent's stack: the parent waits for the
 * node, so they outlive the node's reading of them. */
struct node {
	int depth;
	struct gs_waitgroup *parent;
};

static void tree(void *arg)
{
	struct node *self = arg;
	struct gs_waitgroup *parent = self->parent;
	if (self->depth > 0) {
		struct gs_waitgroup wg = {0};
		struct node kids[2] = {{self->depth - 1, &wg}, {self->depth - 1, &wg}};
		gs_wg_add(&wg, 2);
		gs_go(tree, &kids[0]);
		gs_go(tree, &kids[1]);
		gs_wg_wait(&wg); /* gs.h: wg may go once its one waiter returns */
	}
	gs_wg_done(parent); /* after this the parent may return: self is gone */
}

static void program(void *arg)
{
	int64_t n = *(int64_t *)arg;
	bench_start();
	for (int64_t i = 0; i < n; i++) {
		struct gs_waitgroup wg = {0};
		struct node root = {DEPTH, &wg};
		gs_wg_add(&wg, 1);
		gs_go(tree, &root);
		gs_wg_wait(&wg);
	}
	bench_stop();
}

int main(int argc, char **argv)
{
	struct bench_args a = {.n = 50, .procs = bench_ncpu()};
	bench_parse(argc, argv, &a);
	int64_t ns = bench_run(a.procs, program, &a.n);
	bench_report("spawn-tree", (double)ns / a.n, "ns/tree");
	return 0;
}
