package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// itersPerUs is how many iterations of burn's loop take a microsecond
// of CPU, about, on the 2-core reference machine (measured: 1.8-2.6 ns
// an iteration).  It is a constant rather than measured at start-up so
// that every invocation does exactly the same work: the speed-up divides
// the time of a GOMAXPROCS=1 invocation by that of another invocation,
// and a calibration that varies by 20% between processes would bias it.
const itersPerUs = 500

var sink uint64

// burn spends CPU on a dependent chain of xorshift steps the compiler
// cannot drop (its result is stored).  The loop is preemptible (Go
// preempts it asynchronously), as gs_spend is between its chunks.
func burn(iters int64) {
	x := uint64(88172645463325252)
	for i := int64(0); i < iters; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	atomic.AddUint64(&sink, x)
}

// fanout: n workers, each burning -work ns of CPU (about), spawned at
// once; main waits for all.  Wall ns of the whole fan-out, with the
// invocation's GOMAXPROCS: scripts/bench runs it with 1 and with every
// CPU and reports the speed-up.  C twin: bench/c/fanout.c (gs_spend).
func fanOut(n int) {
	iters := *workNs * itersPerUs / 1000
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			burn(iters)
			wg.Done()
		}()
	}
	wg.Wait()
	report("fanout", float64(time.Since(t0).Nanoseconds()), "ns")
}
