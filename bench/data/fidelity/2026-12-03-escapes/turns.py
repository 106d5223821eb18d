#!/usr/bin/env python3
"""The light pair's turn in a stored run of hog-pingpong.json, in parts.

    turns.py DB

DB: one `gsched run hog-pingpong.json --db DB` run, simulated or native
(--backend native).  A light turn runs from one light goroutine's start
(taken from runnext, inheriting the time slice) to its partner's.  Its
parts, by the events on the way: start -> the partner made ready (the
goroutine's select or send found the partner waiting), ready -> the
goroutine parks, park -> the partner starts.  Turns are grouped by where
the goroutine parks ("chan send": the partner was not yet back in its
select; "select": it was), and each part's median printed.  Turns longer
than 5 us (a preemption, the OS) are left out.
"""
import sqlite3
import statistics
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)


if len(sys.argv) != 2:
    fail("usage: turns.py DB")
try:
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    light = {r[0] for r in db.execute("SELECT obj FROM events WHERE kind = 'label' AND detail = 'pingpong'")}
    rows = db.execute("SELECT t_ns, g, obj, a, b, detail FROM events WHERE kind = 'gstatus' ORDER BY seq").fetchall()
except sqlite3.Error as e:
    fail(f"turns.py: {sys.argv[1]}: {e} (expected a database of gsched run --db)")
if len(light) != 2:
    fail(f"turns.py: {sys.argv[1]}: expected two goroutines labelled pingpong (a run of hog-pingpong.json)")
parts = {}
start = ready = park = None
for t, g, obj, a, b, why in rows:
    if obj not in light:
        continue
    if a == 1 and b == 2 and why == "inherit":  # runnable -> running, from runnext
        if start is not None and ready is not None and park is not None and t - start <= 5000:
            parts.setdefault(park[1], []).append((ready - start, park[0] - ready, t - park[0], t - start))
        start, ready, park = t, None, None
    elif a == 4 and b == 1 and g in light and g != obj:  # the partner made ready
        ready = t
    elif a == 2 and b == 4 and g == obj:  # running -> waiting
        park = (t, why)
for why, v in sorted(parts.items()):
    m = [statistics.median(x[i] for x in v) for i in range(4)]
    print("parks in %s: %d turns; start -> ready %.0f ns, ready -> park %.0f ns, park -> next start %.0f ns; turn %.0f ns"
          % (why, len(v), *m))
