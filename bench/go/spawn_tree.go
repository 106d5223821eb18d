package main

import (
	"sync"
	"time"
)

const treeDepth = 10 // 2^11 - 1 = 2047 goroutines per tree

// tree is one node: below the leaves' depth it spawns two children and
// waits for them; then it tells its parent.
func tree(depth int, parent *sync.WaitGroup) {
	if depth > 0 {
		var wg sync.WaitGroup
		wg.Add(2)
		go tree(depth-1, &wg)
		go tree(depth-1, &wg)
		wg.Wait()
	}
	parent.Done()
}

// spawn-tree: n binary trees of goroutines of depth 10, one after the
// other; main spawns each root and waits for it.  Wall ns per tree.
// C twin: bench/c/spawn_tree.c.
func spawnTree(n int) {
	t0 := time.Now()
	for i := 0; i < n; i++ {
		var wg sync.WaitGroup
		wg.Add(1)
		go tree(treeDepth, &wg)
		wg.Wait()
	}
	report("spawn-tree", perOp(time.Since(t0), n), "ns/tree")
}
