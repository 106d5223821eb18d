#!/usr/bin/env bash
# native_scenarios.sh GSCHED [SEEDS [SKIP...]] - every bundled scenario on
# the native backend, SEEDS seeds each (default 3), but the scenarios named
# in SKIP, and the deadlock cases: a scenario that expects its deadlock
# exits 0, one that does not exits 1 with Go's message.  Each run has a
# wall-clock limit, so a hang fails (status time-limit has no assertions)
# instead of blocking the suite.  (The tsan preset skips many-alive: each
# live goroutine is a ThreadSanitizer fiber with its own shadow stack, and
# 100,001 of them exceed the kernel's 65,530 memory mappings.)
set -u
gsched=$1
seeds=${2:-3}
skip=" ${*:3} "
data=$(dirname "$0")/data/lang
pass=0
fail=0
check() { # WHAT WANT_RC ARGS...
	local what=$1 want=$2
	shift 2
	out=$("$gsched" run "$@" --backend native --max-time 120s 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && ! grep -q "^status *time-limit" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAILED: $what (exit $rc, expected $want)"
		echo "$out" | sed 's/^/    /'
	fi
}
for s in $("$gsched" list scenarios | awk '{print $1}'); do
	if [[ "$skip" == *" $s "* ]]; then
		echo "skipped: $s"
		continue
	fi
	for seed in $(seq 1 "$seeds"); do
		check "$s seed $seed" 0 "$s" --seed "$seed"
	done
done
check "deadlock.json" 0 "$data/deadlock.json"
check "deadlock-unexpected.json" 1 "$data/deadlock-unexpected.json"
if ! "$gsched" run "$data/deadlock-unexpected.json" --backend native 2>&1 |
	grep -q "all goroutines are asleep - deadlock!"; then
	fail=$((fail + 1))
	echo "FAILED: deadlock-unexpected.json does not print Go's message"
else
	pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
