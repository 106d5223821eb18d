package main

// The fidelity workloads of scripts/fidelity: four programs whose
// figures are timings of the scheduler itself (latencies, lateness,
// shares), not the speed of an operation.  scripts/fidelity runs each
// 20 times in Go and over 20 seeds on the simulator and sets the two
// distributions side by side.  C twins: bench/c/<name with _>.c, which
// print the same lines.  One invocation is one run, as for the other
// workloads (main.go).
//
// Each prints one line per metric, "workload.metric value unit".

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

var fidelityWorkloads = []workload{
	{"fanout-latency", 1000, 2, fanoutLatency},
	{"timer-flood", 20000000, 1, func(n, _ int) { timerFlood(n) }},
	{"hog-pingpong", 100000000, 1, func(n, _ int) { hogPingPong(n) }},
	{"gosched-share", 4, 2, func(n, _ int) { goschedShare(n) }},
}

// nsPerIter is the cost of one iteration of burn's loop, measured once at
// start-up (the fastest of several trials, which load on this shared
// machine does not inflate much): the fidelity workloads burn a given
// number of microseconds, as the C twins gs_spend them.
var nsPerIter float64

func calibrateBurn() {
	const iters = 200000
	best := time.Duration(1 << 62)
	for i := 0; i < 7; i++ {
		t0 := time.Now()
		burn(iters)
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	nsPerIter = float64(best.Nanoseconds()) / iters
}

// spin burns about ns of CPU.
func spin(ns int64) {
	burn(int64(float64(ns) / nsPerIter))
}

// fidRand is the splitmix64 sequence the C twins draw from too, so that
// both languages give the workers the same lengths.
type fidRand uint64

func (r *fidRand) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func metric(w, m string, v float64, unit string) {
	fmt.Printf("%s.%s %.6g %s\n", w, m, v, unit)
}

// percentile of sorted xs (nearest rank).
func percentile(xs []int64, p float64) int64 {
	i := int(p*float64(len(xs))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(xs) {
		i = len(xs) - 1
	}
	return xs[i]
}

// fanout-latency: main spawns n workers (GOMAXPROCS 2), worker i burning
// 10-100 us of CPU (uniform, the same lengths in every run and in the C
// twin); main waits.  Makespan (first spawn to main's wake-up) and the
// scheduling latency of each worker (its go statement to its first
// instruction), p50 and p99.
func fanoutLatency(n, _ int) {
	calibrateBurn()
	work := make([]int64, n)
	r := fidRand(1)
	for i := range work {
		work[i] = 10000 + int64(r.next()%90001)
	}
	lat := make([]int64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	base := time.Now()
	for i := 0; i < n; i++ {
		spawned := time.Since(base)
		go func(i int, spawned time.Duration) {
			lat[i] = int64(time.Since(base) - spawned)
			spin(work[i])
			wg.Done()
		}(i, spawned)
	}
	wg.Wait()
	makespan := time.Since(base)
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	metric("fanout-latency", "makespan", float64(makespan.Nanoseconds())/1e6, "ms")
	metric("fanout-latency", "p50", float64(percentile(lat, 0.50))/1e6, "ms")
	metric("fanout-latency", "p99", float64(percentile(lat, 0.99))/1e6, "ms")
}

// timer-flood: on one P, a goroutine floods an unbuffered channel that
// main drains, while a third sleeps n ns (20 ms) twice.  How late the
// sleeper runs again: the time each Sleep took, less n.  The first is the
// process's first use of its timer code, whose first execution costs Go
// about a microsecond that no scheduling decision makes (docs/simulator.md,
// "The timer's first use"); the second is the bar's.
func timerFlood(n int) {
	c := make(chan int)
	done := make(chan struct{})
	var first, late int64
	go func() {
		for {
			select {
			case c <- 1:
			case <-done:
				return
			}
		}
	}()
	go func() {
		t0 := time.Now()
		time.Sleep(time.Duration(n))
		first = int64(time.Since(t0)) - int64(n)
		t0 = time.Now()
		time.Sleep(time.Duration(n))
		late = int64(time.Since(t0)) - int64(n)
		close(done)
	}()
	for {
		select {
		case <-c:
			continue
		case <-done:
		}
		break
	}
	metric("timer-flood", "first", float64(first)/1e3, "us")
	metric("timer-flood", "late", float64(late)/1e3, "us")
}

// hog-pingpong: Go's TestPingPongHog (proc_test.go).  On one P a hog pair
// (a million increments per turn) and a light pair (a thousand) pass a
// channel back and forth for n ns (100 ms); the ratio of their counts.
// The C twin spends the time these loops take on this machine.
func hogPingPong(n int) {
	done := make(chan bool)
	hogChan, lightChan := make(chan bool), make(chan bool)
	hogCount, lightCount := 0, 0
	run := func(limit int, counter *int, wake chan bool) {
		for {
			select {
			case <-done:
				return
			case <-wake:
				for i := 0; i < limit; i++ {
					*counter++
				}
				wake <- true
			}
		}
	}
	for i := 0; i < 2; i++ {
		go run(1e6, &hogCount, hogChan)
	}
	for i := 0; i < 2; i++ {
		go run(1e3, &lightCount, lightChan)
	}
	hogChan <- true
	lightChan <- true
	time.Sleep(time.Duration(n))
	close(done)
	<-hogChan
	<-lightChan
	metric("hog-pingpong", "ratio", float64(hogCount)/float64(lightCount), "x")
}

// gosched-share: n goroutines (4) on 2 Ps, each looping {burn 5 us;
// count; runtime.Gosched()} for 50 ms.  Jain's fairness index of their
// counts and their spread, (max - min) / mean.
func goschedShare(n int) {
	calibrateBurn()
	var stop int32
	counts := make([]int64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			for atomic.LoadInt32(&stop) == 0 {
				spin(5000)
				counts[i]++
				runtime.Gosched()
			}
			wg.Done()
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	var sum, sum2, min, max float64
	for i, c := range counts {
		x := float64(c)
		sum += x
		sum2 += x * x
		if i == 0 || x < min {
			min = x
		}
		if x > max {
			max = x
		}
	}
	if sum == 0 {
		fmt.Fprintln(os.Stderr, "gosched-share: no goroutine ran")
		os.Exit(1)
	}
	metric("gosched-share", "jain", sum*sum/(float64(n)*sum2), "index")
	metric("gosched-share", "spread", 100*(max-min)/(sum/float64(n)), "%")
}
