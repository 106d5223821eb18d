#!/usr/bin/env python3
"""What became of each of sysmon's preemption requests on the light pair.

    ticks.py FILE

FILE: runs of hogticks (each run's output after a line "run N").  For
every request sysmon made during a light slice (the goroutine it found
is not a hog), whether it escaped (sysmon's next request came one tick,
10 ms, later rather than two) and what the runtime's logs say happened:
preemptone found no curg (the M on g0); the light goroutine parked with
its flag set (the request landed after its last prologue check) and
execute cleared it; execute cleared the flag of a goroutine that had
not parked with it (the flag was stored after the goroutine's park or
between execute's `curg = gp` and its clearing of the flag); or none of
these (the request was honoured).
"""
import collections
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)


if len(sys.argv) != 2:
    fail("usage: ticks.py FILE")
runs, cur = [], None
try:
    lines = open(sys.argv[1]).readlines()
except OSError as e:
    fail(f"ticks.py: {sys.argv[1]}: {e.strerror}")
for n, line in enumerate(lines, 1):
    w = line.split()
    try:
        if w and w[0] == "run":
            cur = {"ticks": [], "ev": [], "hog": set(), "light": set()}
            runs.append(cur)
        elif w and w[0] == "ids":
            for x in w[1:]:
                g, hog = x.split(":")
                cur["hog" if hog == "true" else "light"].add(int(g))
        elif w and w[0] == "tick":
            cur["ticks"].append((float(w[1]), int(w[3]), int(w[11]), int(w[15])))
        elif w and w[0] == "ev":
            cur["ev"].append((float(w[1]), int(w[3]), int(w[5])))
    except (ValueError, IndexError, TypeError, KeyError):
        fail(f"ticks.py: {sys.argv[1]}:{n}: not a line of hogticks' output after a 'run N' line")

what = {(): "honoured, or lost unseen", (1,): "parked with the flag set",
        (2,): "execute cleared a flag the goroutine had not parked with",
        (1, 2): "parked with the flag set, execute cleared it"}
count = collections.Counter()
for r in runs:
    ticks = [t for t in r["ticks"] if t[0] > 0]
    for i, (t, g, pd, gp) in enumerate(ticks[:-1]):
        if g in r["hog"] or gp in r["hog"]:
            continue
        escaped = ticks[i + 1][0] - t < 15
        if pd < 0:
            count[(escaped, "preemptone found no curg")] += 1
            continue
        kinds = tuple(sorted({e[2] for e in r["ev"] if t - 0.001 <= e[0] < t + 0.05 and e[1] in r["light"]}))
        count[(escaped, what[kinds])] += 1
total = sum(count.values())
print("%d runs, %d requests during light slices, %d escaped (%.0f%%)"
      % (len(runs), total, sum(v for k, v in count.items() if k[0]), 100 * sum(v for k, v in count.items() if k[0]) / max(1, total)))
for (escaped, why), v in sorted(count.items()):
    print("  %-8s %4d (%2.0f%%)  %s" % ("escaped" if escaped else "caught", v, 100 * v / total, why))
