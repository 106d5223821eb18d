// Command calibrate measures, on this machine, the Go runtime operations
// that gsched's cost model stands for, so that scripts/calibrate can set
// the simulator's virtual times beside them.  Each figure is the median
// of several repetitions; wall-clock times on shared machines are noisy.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

func median(f func() time.Duration, reps int) time.Duration {
	d := make([]time.Duration, reps)
	for i := range d {
		d[i] = f()
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[reps/2]
}

// go func(){ wg.Done() }() from one goroutine, n times.
func spawnExit(n int) time.Duration {
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() { wg.Done() }()
	}
	wg.Wait()
	return time.Since(t0) / time.Duration(n)
}

// Round trips over two unbuffered channels.
func pingPong(n int) time.Duration {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	d := time.Since(t0)
	close(ping)
	return d / time.Duration(n)
}

// Two goroutines each calling Gosched n times on 2 Ps: aggregate ns/op.
func gosched(n int) time.Duration {
	var wg sync.WaitGroup
	wg.Add(2)
	t0 := time.Now()
	for g := 0; g < 2; g++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return time.Since(t0) / time.Duration(2*n)
}

func tree(depth int, wg *sync.WaitGroup) {
	if depth > 0 {
		wg.Add(2)
		go tree(depth-1, wg)
		go tree(depth-1, wg)
	}
	wg.Done()
}

// A binary tree of goroutines of depth 10 (2047 in all), wall time.
func spawnTree() time.Duration {
	var wg sync.WaitGroup
	wg.Add(1)
	t0 := time.Now()
	go tree(10, &wg)
	wg.Wait()
	return time.Since(t0)
}

func main() {
	runtime.GOMAXPROCS(4)
	fmt.Printf("spawn_exit_ns %d\n", median(func() time.Duration { return spawnExit(100000) }, 7).Nanoseconds())
	fmt.Printf("pingpong_ns %d\n", median(func() time.Duration { return pingPong(100000) }, 7).Nanoseconds())
	runtime.GOMAXPROCS(2)
	fmt.Printf("gosched_ns %d\n", median(func() time.Duration { return gosched(100000) }, 7).Nanoseconds())
	runtime.GOMAXPROCS(4)
	fmt.Printf("spawn_tree_ns %d\n", median(spawnTree, 51).Nanoseconds())
}
