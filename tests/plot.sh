#!/usr/bin/env bash
# tests/plot.sh GSCHED - scripts/plot, directly and through gsched plot, draws
# every figure, PNG and SVG, from a database and from gsched compare --json,
# and refuses bad input with exit status 2.  Skipped (77) where matplotlib is
# not installed.  Each figure is drawn once (matplotlib is slow to start),
# except the latency CDF, drawn twice to show the SVG is reproducible.
set -euo pipefail
gsched=$(realpath "$1")
plot=$(dirname "$0")/../scripts/plot
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || { echo "no matplotlib: skipped"; exit 77; }
dir=$(mktemp -d /tmp/plot-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$gsched" run producer-consumer --db "$dir/t.db" --quiet >/dev/null
"$gsched" compare producer-consumer --seeds 1..3 -j 1 --b randomize=on --json >"$dir/c.json"
"$plot" run "$dir/t.db" --out "$dir/r" >/dev/null
# gsched plot: PREFIX is the file's name without its extension by default.
(cd "$dir" && "$gsched" plot t.db >/dev/null)
(cd "$dir" && "$gsched" plot c.json >/dev/null)
"$gsched" plot "$dir/c.json" "$dir/c.json" --metric lat_p99 --out "$dir/s" >/dev/null
for f in r-latency r-timeline r-runq t-latency t-timeline t-runq c-compare s; do
	[ "$(head -c 4 "$dir/$f.png" | tail -c 3)" = PNG ] || { echo "$f.png is not a PNG"; exit 1; }
	grep -q '<svg' "$dir/$f.svg" || { echo "$f.svg is not an SVG"; exit 1; }
done
# The same figure twice (by the script and by gsched plot) is the same file.
cmp -s "$dir/r-latency.svg" "$dir/t-latency.svg" || { echo "SVG output is not reproducible"; exit 1; }
# Into a file, not a pipe: grep -q would close the pipe at its first match,
# and the plotter's next line would die of a broken pipe.
"$plot" table "$dir/c.json" --metrics lat_p50,wc_loss >"$dir/table"
grep -q '^| producer-consumer | lat_p50 |' "$dir/table" || { echo "table: no lat_p50 row"; exit 1; }
set +e
"$plot" run "$dir/none.db" --out "$dir/x" 2>"$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'none.db' "$dir/err" || { echo "missing database: rc $rc"; exit 1; }
echo '{"x": 1}' >"$dir/bad.json"
set +e
"$plot" compare "$dir/bad.json" --out "$dir/x" 2>"$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'bad.json: not the output of gsched compare' "$dir/err" || { echo "bad JSON: rc $rc"; exit 1; }
set +e
"$gsched" plot "$dir/c.json" --run 1 2>"$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q '^gsched plot: --run' "$dir/err" || { echo "gsched plot --run on JSON: rc $rc"; exit 1; }
# Installed: the plotter in PREFIX/share/gsched, where it names gsched plot
# in its messages (a run the database lacks: found, run, refused).
mkdir -p "$dir/inst/bin" "$dir/inst/share/gsched"
cp "$gsched" "$dir/inst/bin/gsched"
cp "$plot" "$dir/inst/share/gsched/plot"
set +e
"$dir/inst/bin/gsched" plot "$dir/t.db" --run 9 2>"$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q '^gsched plot: .*t.db: no run 9' "$dir/err" || { echo "installed gsched plot --run 9: rc $rc"; exit 1; }
echo "plot: ok"
