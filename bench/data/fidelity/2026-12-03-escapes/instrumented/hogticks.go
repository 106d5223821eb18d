// Command hogticks is ../hoggaps.go built against a Go 1.19 runtime with
// go1.19-runtime.patch applied: after hoggaps' line it prints the
// goroutines' ids, the runtime's logs of sysmon's preemption requests
// ("tick"), of a g parking with its preempt flag set or execute clearing a
// runnext g's flag ("ev"), and of the preemption signals ("sig").
// README.md (beside this file) says how to build and read it.
//
//	hogticks [LIGHT]
//
// LIGHT: the light pair's increments per turn (default 1000, Go's test's).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	n0 := runtime.Nanotime()
	var hogIDs [2]int64
	_ = hogIDs
	var ids []string
	var idmu sync.Mutex
	run := func(limit int, counter *int, wake chan bool, rec bool) {
		buf := make([]byte, 64)
		buf = buf[:runtime.Stack(buf, false)]
		f := strings.Fields(string(buf))
		idmu.Lock()
		ids = append(ids, fmt.Sprintf("%s:%v", f[1], rec))
		idmu.Unlock()
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
	fmt.Println("  ids", strings.Join(ids, " "))
	for i := 0; i < runtime.EvLogN; i++ {
		e := runtime.EvLog[i]
		fmt.Printf("  ev %.6f g %d kind %d\n", float64(e[0]-n0)/1e6, e[1], e[2])
	}
	for i := 0; i < runtime.SigLogN; i++ {
		e := runtime.SigLog[i]
		name := "?"
		if f := runtime.FuncForPC(uintptr(e[4])); f != nil {
			name = f.Name()
		}
		fmt.Printf("  sig %.3f g %d want %d safe %d flag %d status %d fn %s\n", float64(e[0]-n0)/1e6, e[1], e[2], e[3], e[5], e[6], name)
	}
	for i := 0; i < runtime.RetakeLogN; i++ {
		e := runtime.RetakeLog[i]
		fmt.Printf("  tick %.3f g %d status %d locks %d flag %d pd %d still %d gp %d\n", float64(e[0]-n0)/1e6, e[1], e[2], e[3], e[4], e[5], e[6], e[7])
	}
}
