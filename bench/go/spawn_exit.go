package main

import (
	"sync"
	"time"
)

// spawn-exit: go f() from one goroutine, n times, where f does
// wg.Done(); main waits for all of them.  ns per goroutine.
// C twin: bench/c/spawn_exit.c.
func spawnExit(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() { wg.Done() }()
	}
	wg.Wait()
	report("spawn-exit", perOp(time.Since(t0), n), "ns/goroutine")
}
