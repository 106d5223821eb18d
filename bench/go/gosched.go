package main

import (
	"runtime"
	"sync"
	"time"
)

// gosched: one goroutine per P, each calling runtime.Gosched n times
// (GOMAXPROCS 2 unless -procs says otherwise); main waits.  Aggregate ns
// per Gosched: the wall time over procs*n.  C twin: bench/c/gosched.c.
func gosched(n, procs int) {
	var wg sync.WaitGroup
	wg.Add(procs)
	t0 := time.Now()
	for g := 0; g < procs; g++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	report("gosched", perOp(time.Since(t0), procs*n), "ns/gosched")
}
