package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// rss is the resident set size of the process in bytes
// (/proc/self/statm's second field, in pages).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err == nil {
		f := bytes.Fields(b)
		if len(f) > 1 {
			if pages, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil {
				return pages * int64(os.Getpagesize())
			}
		}
	}
	fmt.Fprintf(os.Stderr, "bench: cannot read /proc/self/statm\n")
	os.Exit(1)
	return 0
}

// parked: n goroutines, each blocked receiving from one channel.  The
// resident set's growth from before the first is spawned to when all
// are parked, divided by n: KiB per parked goroutine (its stack, its g,
// its sudog, and whatever else the runtime spends on it).  Then the
// channel is closed and main waits for all to end.
// C twin: bench/c/parked.c.
func parked(n int) {
	ch := make(chan int64)
	var started, ended sync.WaitGroup
	started.Add(n)
	ended.Add(n)
	before := rss()
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-ch
			ended.Done()
		}()
	}
	started.Wait()
	time.Sleep(time.Millisecond) // the last ones to say so have parked
	after := rss()
	close(ch)
	ended.Wait()
	report("parked", float64(after-before)/float64(n)/1024, "KiB/goroutine")
}
