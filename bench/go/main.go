// Command bench runs one repetition of one of gsched's benchmark workloads
// in Go, and prints one line: the workload's name, its figure and the
// figure's unit, as the C twin of each workload (bench/c/) prints it on
// the gsched side.
//
//	bench [-n N] [-procs P] [-work NS] WORKLOAD
//
// WORKLOAD is one of spawn-exit, pingpong, gosched, spawn-tree, fanout,
// parked (one file each, named as its C twin in bench/c/), or one of
// scripts/fidelity's workloads (fidelity.go).  -n is the size
// of the repetition (its meaning is per workload; 0 takes the workload's
// default), -procs GOMAXPROCS (default: the number of CPUs, Go's own
// default, except gosched: 2), -work the CPU each fanout worker burns.
//
// One invocation is one repetition, on purpose: the C programs call
// gs_main once (a backend need not be able to start twice in one
// process), and scripts/bench interleaves the two languages
// repetition by repetition (Go, gsched, Go, gsched...) so that both see
// the same noise of this shared machine.  Go then starts each repetition
// from a fresh process as gsched does: no goroutines left on the free
// lists by a previous repetition, a fresh heap for parked's RSS growth.
// Within a repetition the operation runs -n times and the figure is the
// mean; scripts/bench takes the median over repetitions.
//
// Time is the wall clock around the workload inside main, after the
// runtime has started; the C twins read theirs at the same points of
// their program (bench_start and bench_stop), inside gs_main.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// A workload: its default size, its GOMAXPROCS if it fixes one, and
// the function that runs one repetition and reports it.
type workload struct {
	name  string
	n     int
	procs int // 0: the number of CPUs
	run   func(n int, procs int)
}

var workloads = []workload{
	{"spawn-exit", 100000, 0, func(n, _ int) { spawnExit(n) }},
	{"pingpong", 100000, 0, func(n, _ int) { pingPong(n) }},
	{"gosched", 100000, 2, gosched},
	{"spawn-tree", 50, 0, func(n, _ int) { spawnTree(n) }},
	{"fanout", 8, 0, func(n, _ int) { fanOut(n) }},
	{"parked", 1000000, 0, func(n, _ int) { parked(n) }},
}

var workNs = flag.Int64("work", 5000000, "fanout: ns of CPU each worker burns (about, on the reference machine)")

// report prints the line scripts/bench reads: name, value, unit.
func report(name string, value float64, unit string) {
	fmt.Printf("%s %.2f %s\n", name, value, unit)
}

// perOp is a duration divided by a count, in ns.
func perOp(d time.Duration, n int) float64 {
	return float64(d.Nanoseconds()) / float64(n)
}

func main() {
	n := flag.Int("n", 0, "size of the repetition (0: the workload's default)")
	procs := flag.Int("procs", 0, "GOMAXPROCS (0: the workload's default)")
	flag.Usage = func() {
		var names []string
		for _, w := range append(workloads, fidelityWorkloads...) {
			names = append(names, w.name)
		}
		fmt.Fprintf(os.Stderr, "usage: bench [-n N] [-procs P] [-work NS] WORKLOAD\n"+
			"WORKLOAD: %s\n", strings.Join(names, ", "))
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *n < 0 || *procs < 0 || *workNs < 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, w := range append(workloads, fidelityWorkloads...) {
		if w.name != flag.Arg(0) {
			continue
		}
		if *n == 0 {
			*n = w.n
		}
		if *procs == 0 {
			*procs = w.procs
		}
		if *procs == 0 {
			*procs = runtime.NumCPU()
		}
		runtime.GOMAXPROCS(*procs)
		w.run(*n, *procs)
		return
	}
	fmt.Fprintf(os.Stderr, "bench: unknown workload %q\n", flag.Arg(0))
	flag.Usage()
	os.Exit(2)
}
