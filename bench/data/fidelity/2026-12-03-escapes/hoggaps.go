// Command hoggaps runs scripts/fidelity's hog-pingpong workload (Go's
// TestPingPongHog on one P, bench/go/fidelity.go's hogPingPong) once, and
// prints the light pair's slices of the P: the hogs record the time at the
// start of each turn, and every interval of more than 2 ms between two is
// a light slice.  README.md (beside this file) says what the line holds.
//
//	hoggaps [LIGHT]
//
// LIGHT: the light pair's increments per turn (default 1000, Go's test's).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"
)

func main() {
	lightLimit := 1000
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: hoggaps [LIGHT]")
		os.Exit(2)
	}
	if len(os.Args) == 2 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 || n > 1e6 {
			fmt.Fprintf(os.Stderr, "hoggaps: LIGHT %q: expected the light pair's increments per turn, 1 to 1000000\n", os.Args[1])
			os.Exit(2)
		}
		lightLimit = n
	}
	runtime.GOMAXPROCS(1)
	done := make(chan bool)
	hogChan, lightChan := make(chan bool), make(chan bool)
	hogCount, lightCount := 0, 0
	starts := make([]int64, 0, 1<<16)
	t0 := time.Now()
	run := func(limit int, counter *int, wake chan bool, rec bool) {
		for {
			select {
			case <-done:
				return
			case <-wake:
				if rec {
					starts = append(starts, int64(time.Since(t0)))
				}
				for i := 0; i < limit; i++ {
					*counter++
				}
				wake <- true
			}
		}
	}
	for i := 0; i < 2; i++ {
		go run(1e6, &hogCount, hogChan, true)
	}
	for i := 0; i < 2; i++ {
		go run(lightLimit, &lightCount, lightChan, false)
	}
	hogChan <- true
	lightChan <- true
	time.Sleep(100 * time.Millisecond)
	close(done)
	<-hogChan
	<-lightChan
	end := int64(time.Since(t0))
	if len(starts) < 2 || lightCount == 0 {
		fmt.Fprintln(os.Stderr, "hoggaps: a pair never ran: no figure")
		os.Exit(1)
	}
	fmt.Printf("ratio %.3f gaps", float64(hogCount)/float64(lightCount))
	for i := 1; i < len(starts); i++ {
		if g := starts[i] - starts[i-1]; g > 2000000 {
			fmt.Printf(" %.2f", float64(g)/1e6)
		}
	}
	fmt.Printf(" last %.2f", float64(end-starts[len(starts)-1])/1e6)
	var d []int64
	for i := 1; i < len(starts); i++ {
		if g := starts[i] - starts[i-1]; g < 2000000 {
			d = append(d, g)
		}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	if len(d) > 0 {
		fmt.Printf(" hogturn %.1f light %d hog %d", float64(d[len(d)/2])/1e3, lightCount, hogCount)
	}
	fmt.Println()
}
