// Command timerwarm is bench/go/fidelity.go's timer-flood (on one P a
// goroutine floods an unbuffered channel that main drains while a third
// sleeps 20 ms; prints how late the sleeper ran again, µs) alone in its
// process, with one of three preludes (README.md beside this file):
//
//	timerwarm          none: the sleeper's is the process's first sleep
//	timerwarm warm     the sleeper first sleeps 1 ns itself
//	timerwarm other    another goroutine sleeps 1 ns first
//	timerwarm alloc    64 objects of the timer's size class allocated first
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

var sink [64]*[8]int64

func main() {
	runtime.GOMAXPROCS(1)
	warm := len(os.Args) > 1 && os.Args[1] == "warm"
	if len(os.Args) > 1 && os.Args[1] == "other" {
		ch := make(chan bool)
		go func() { time.Sleep(1); ch <- true }()
		<-ch
	}
	if len(os.Args) > 1 && os.Args[1] == "alloc" {
		for i := range sink {
			sink[i] = new([8]int64)
		}
	}
	n := 20000000
	c := make(chan int)
	done := make(chan struct{})
	var late int64
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
		if warm {
			time.Sleep(1)
		}
		t0 := time.Now()
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
	fmt.Printf("%.3f\n", float64(late)/1e3)
}
