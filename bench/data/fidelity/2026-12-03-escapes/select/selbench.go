package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

// Two goroutines pass one unbuffered channel back and forth on one P:
// mode "plain": each turn is <-c then c <- v; mode "select": each turn is
// select { case <-done: case <-c: } then c <- v (TestPingPongHog's light pair).
func main() {
	runtime.GOMAXPROCS(1)
	mode := os.Args[1]
	n, _ := strconv.Atoi(os.Args[2])
	c := make(chan bool)
	done := make(chan bool)
	fin := make(chan bool)
	body := func() {
		for i := 0; i < n; i++ {
			if mode == "select" {
				select {
				case <-done:
					return
				case <-c:
				}
			} else {
				<-c
			}
			c <- true
		}
		fin <- true
	}
	go body()
	go body()
	time.Sleep(time.Millisecond)
	start := time.Now()
	c <- true
	<-fin
	el := time.Since(start)
	fmt.Printf("%s %.1f ns/turn\n", mode, float64(el.Nanoseconds())/float64(2*n))
}
