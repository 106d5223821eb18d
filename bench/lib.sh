# bench/lib.sh - what scripts/bench and scripts/calibrate/run share:
# building the Go workloads, running one repetition of a workload (in Go
# or as a C program on a gsched backend), reading its figures, medians.
# Sourced by those scripts after they cd to the repository's root.
#
# A repetition is one invocation: `build/bench/go/bench [OPTION...] W`
# or `build/bench/BACKEND/W [OPTION...]`, each printing "W value unit"
# (bench/go/main.go says why one invocation is one repetition).

bench_go=build/bench/go/bench

# bench_build_go: build bench/go with Debian's go (Go 1.19), offline: the
# module has no dependencies to fetch.
bench_build_go() {
	mkdir -p build/bench/go
	(cd bench/go && GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -o ../../"$bench_go" .)
}

# bench_exec COMMAND...: run one repetition; its stdout and stderr are
# left in bench_out and bench_err.  A failed run shows both and fails.
bench_exec() {
	local errf
	errf=$(mktemp)
	if ! bench_out=$("$@" 2>"$errf"); then
		echo "bench: failed: $*" >&2
		[ -n "$bench_out" ] && echo "$bench_out" >&2
		cat "$errf" >&2
		rm -f "$errf"
		return 1
	fi
	bench_err=$(cat "$errf")
	rm -f "$errf"
}

# bench_value WORKLOAD: the value of bench_out's "WORKLOAD value unit".
bench_value() {
	local v
	v=$(awk -v w="$1" '$1 == w { print $2 }' <<<"$bench_out")
	if [ -z "$v" ]; then
		echo "bench: no '$1' line in: $bench_out" >&2
		return 1
	fi
	echo "$v"
}

# bench_virtual_ns: the virtual time of the simulated run whose stderr is
# in bench_err (sim/gs_main.c's summary line: "..., N ns virtual, ...").
bench_virtual_ns() {
	local v
	v=$(awk '{ for (i = 1; i + 2 <= NF; i++) if ($(i + 1) == "ns" && $(i + 2) ~ /^virtual/) print $i }' \
		<<<"$bench_err")
	if [ -z "$v" ]; then
		echo "bench: no virtual time in the simulator's summary: $bench_err" >&2
		return 1
	fi
	echo "$v"
}

# bench_median VALUE...: the median (the mean of the middle two of an
# even count).
bench_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
