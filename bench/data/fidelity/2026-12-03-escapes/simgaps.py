#!/usr/bin/env python3
"""Print a simulated hog-pingpong run as hoggaps.go prints a Go run.

    simgaps.py MODE DB

DB is the database of one `gsched run hog-pingpong.json --db DB` (one
run).  The line: MODE, "ratio -", then "gaps" and every interval of more
than 2 ms between two consecutive hog turns (ms; the light pair's
slices), "last" and the time from the last hog turn to the end of the run.
The hogs' final wake-ups (by done, closed once main's 100 ms sleep has
ended) are left out, as Go's program records only the turns it takes.
"""
import sqlite3
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)

if len(sys.argv) != 3:
    fail("usage: simgaps.py MODE DB")
try:
    db = sqlite3.connect(f"file:{sys.argv[2]}?mode=ro", uri=True)
    hogs = [r[0] for r in db.execute("SELECT obj FROM events WHERE kind = 'label' AND detail = 'hog'")]
except sqlite3.Error as e:
    fail(f"simgaps.py: {sys.argv[2]}: {e} (expected a database of gsched run --db)")
if not hogs:
    fail(f"simgaps.py: {sys.argv[2]}: no goroutine labelled hog (expected a run of hog-pingpong.json)")
marks = ",".join("?" * len(hogs))
starts = [r[0] for r in db.execute(
    f"SELECT t_ns FROM events WHERE kind = 'gstatus' AND obj IN ({marks}) AND a = 1 AND b = 2 ORDER BY seq", hogs)]
end = db.execute("SELECT max(t_ns) FROM events").fetchone()[0]
fire = db.execute("SELECT max(t_ns) FROM events WHERE kind = 'timer_fire'").fetchone()[0]
if fire is not None:
    starts = [t for t in starts if t < fire]  # the final wake-ups by done
gaps = [(b - a) / 1e6 for a, b in zip(starts, starts[1:]) if b - a > 2000000]
print(sys.argv[1], "ratio - gaps", " ".join("%.2f" % g for g in gaps), "last %.2f" % ((end - starts[-1]) / 1e6))
