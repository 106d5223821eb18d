#!/usr/bin/env python3
"""Median and quartiles of each variant's lateness in runs files.

    medians.py FILE...

Each line: VARIANT LATENESS_US.
"""
import collections
import statistics
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)


if len(sys.argv) < 2:
    fail("usage: medians.py FILE...")
runs = collections.defaultdict(list)
for path in sys.argv[1:]:
    try:
        lines = open(path).readlines()
    except OSError as e:
        fail(f"medians.py: {path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        w = line.split()
        try:
            runs[w[0]].append(float(w[1]))
        except (ValueError, IndexError):
            fail(f"medians.py: {path}:{n}: expected VARIANT LATENESS_US")
for k, v in runs.items():
    v.sort()
    print("%-10s %3d runs, median %.3f us (q1 %.3f, q3 %.3f)" % (k, len(v), statistics.median(v), v[len(v) // 4], v[3 * len(v) // 4]))
