// timer-flood's two sleeps (bench/go/fidelity.go) with an optional helper
// that runs the timer wake path 30 us before the second sleep's timer is due.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	runtime.GOMAXPROCS(1)
	prewarm := len(os.Args) > 1 && os.Args[1] == "prewarm"
	n := 20 * time.Millisecond
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
		time.Sleep(n)
		first = int64(time.Since(t0) - n)
		if prewarm {
			go func() { time.Sleep(n - 30*time.Microsecond); time.Sleep(1) }()
		}
		t0 = time.Now()
		time.Sleep(n)
		late = int64(time.Since(t0) - n)
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
	fmt.Printf("first %.3f late %.3f\n", float64(first)/1e3, float64(late)/1e3)
}
