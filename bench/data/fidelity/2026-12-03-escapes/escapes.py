#!/usr/bin/env python3
"""How often the light pair escaped sysmon's preemption requests.

    escapes.py FILE...

Each line of FILE: MODE ratio R gaps G... last L [hogturn H light N hog M],
as hoggaps.go (Go) and simgaps.py (the simulator) print one run.  A gap
is a light slice (ms).  Sysmon ticks every 10.05 ms while nothing changes;
a slice that no request escaped lasts two ticks (the first records the
P's schedtick, the second's request is honoured), and each escaped
request adds one: a slice of 20.4 + 10.05 k ms escaped k.  Slices that
are not within 1 ms of such a length (an ordinary process whose sysmon
the OS delayed) are counted apart, not guessed.  Per MODE: the runs, the
hog/light ratio's median and quartiles, the slices, the escapes, the
rate escapes / (escapes + slices) (every slice ends with one request
honoured), the histogram of k, and with hoggaps.go's fields the light
turn: the light pair's time (the run less the hog's turns) over its turns.
"""
import collections
import statistics
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)

runs = collections.defaultdict(list)
order = []
if len(sys.argv) < 2:
    fail("usage: escapes.py FILE...")
for path in sys.argv[1:]:
    try:
        lines = open(path).readlines()
    except OSError as e:
        fail(f"escapes.py: {path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        w = line.split()
        try:
            gaps = [float(x) for x in w[w.index("gaps") + 1:w.index("last")]]
            ratio = None if w[2] == "-" else float(w[2])
            extra = {k: float(w[w.index(k) + 1]) for k in ("hogturn", "light", "hog") if k in w}
        except (ValueError, IndexError):
            fail(f"escapes.py: {path}:{n}: expected MODE ratio R gaps G... last L [...]")
        if w[0] not in runs:
            order.append(w[0])
        runs[w[0]].append((ratio, gaps, extra))

for mode in order:
    ks, odd = [], 0
    turns = []
    for ratio, gaps, extra in runs[mode]:
        for g in gaps:
            if g < 19.5:
                odd += 1
                continue
            k = (g - 20.4) / 10.05
            if abs(k - round(k)) <= 0.1:
                ks.append(round(k))
            else:
                odd += 1
        if "hogturn" in extra:
            limit = int(mode.split("-")[-1]) if mode.split("-")[-1].isdigit() else 1000
            light_ns = 100.3e6 - extra["hog"] / 1e6 * extra["hogturn"] * 1e3
            turns.append(light_ns / (extra["light"] / limit))
    esc = sum(ks)
    out = [mode, "runs %d" % len(runs[mode])]
    ratios = sorted(r for r, _, _ in runs[mode] if r is not None)
    if ratios:
        q = lambda p: ratios[round(p * (len(ratios) - 1))]
        out.append("ratio %.2f (q1 %.2f, q3 %.2f)" % (statistics.median(ratios), q(0.25), q(0.75)))
    out.append("slices %d (+%d not on the 10 ms grid)" % (len(ks), odd))
    out.append("escapes %d, rate %.0f%%" % (esc, 100 * esc / max(1, esc + len(ks))))
    out.append("k: " + " ".join("%d:%d" % kv for kv in sorted(collections.Counter(ks).items())))
    if turns:
        out.append("light turn %.0f ns" % statistics.median(turns))
    print("; ".join(out))
