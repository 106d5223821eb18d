package main

import "time"

// pingpong: n round trips between main and an echo goroutine over two
// unbuffered channels.  ns per round trip.  C twin: bench/c/pingpong.c.
func pingPong(n int) {
	ping, pong := make(chan int64), make(chan int64)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		ping <- int64(i)
		<-pong
	}
	d := time.Since(t0)
	close(ping)
	report("pingpong", perOp(d, n), "ns/roundtrip")
}
