// freshg: what a goroutine made from fresh memory costs Go on this host
// (scripts/calibrate/host).  In a fresh process, main makes N goroutines
// that block at once, so that no g can be reused: each comes from new
// memory (the g, its stack, the spans they live in), whose pages fault in
// on first touch.  Each go statement is timed, and getrusage is read
// around the loop.  Prints one line:
//
//	freshg PROCS PER_G_NS MEDIAN_STMT_NS FAULTS_PER_G
//
// PER_G_NS is the loop's time over N; MEDIAN_STMT_NS the median go
// statement (the ones that took no fresh memory); FAULTS_PER_G the minor
// page faults of the loop over N.
//
// Usage: freshg PROCS [N]   (N default 1000)
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"syscall"
	"time"
)

func arg(i int, def int) int {
	if len(os.Args) <= i {
		return def
	}
	v, err := strconv.Atoi(os.Args[i])
	if err != nil || v < 1 || v > 1000000 {
		fmt.Fprintf(os.Stderr, "freshg: expected a count 1..1000000 (got '%s')\n", os.Args[i])
		os.Exit(2)
	}
	return v
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: freshg PROCS [N]")
		os.Exit(2)
	}
	procs, n := arg(1, 1), arg(2, 1000)
	runtime.GOMAXPROCS(procs)
	block := make(chan struct{})
	d := make([]time.Duration, n)
	var a, b syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &a)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		s := time.Now()
		go func() { <-block }()
		d[i] = time.Since(s)
	}
	total := time.Since(t0)
	syscall.Getrusage(syscall.RUSAGE_SELF, &b)
	close(block)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	fmt.Printf("freshg %d %.0f %d %.3f\n", procs, float64(total.Nanoseconds())/float64(n),
		d[n/2].Nanoseconds(), float64(b.Minflt-a.Minflt)/float64(n))
}
