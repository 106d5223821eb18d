-- views.sql - analysis views over the events table (schema version 1).
--
-- Created together with traces/schema.sql in every gsched database, so a
-- user can query them from the sqlite3 shell with nothing else installed.
-- Names follow Perfetto's tables where they mean the same thing:
--
--   thread_state  every interval of every goroutine's status
--   sched_slice   the intervals a goroutine spent running
--   p_state       every interval of every P's status
--   counter       time series: runnable/running goroutines, idle Ps,
--                 spinning Ms
--   sched_latency how long each runnable goroutine waited to run
--   runq_length   each P's local run queue and the global queue
--   steal         every steal: thief, victim, how many
--   spinning      each stretch an M spent spinning
--   idle_while_runnable  lost work conservation: an idle P and a runnable
--                 goroutine at once
--
-- Intervals: an interval starts at a gstatus (pstatus) event and ends at
-- the next such event for the same goroutine (P) in the same run.  The
-- last interval of each ends at runs.end_ns when the run finished, and
-- has dur NULL while the run is still 'running' (or was cut short).
--
-- Cost: every view is a window query over the run's gstatus/pstatus
-- events; SQLite sorts them by (run, object, seq) on each use, which for
-- millions of events takes seconds.  The views are not materialised and
-- add nothing to the cost of writing a trace.  For repeated analysis of a
-- big run, materialise one: CREATE TEMP TABLE ts AS SELECT * FROM
-- thread_state WHERE run = 1.
--
-- These views depend on the kind names 'gstatus', 'pstatus', 'spinning',
-- 'pidleput' and 'pidleget' (runtime/events.h, rt_evkind_name) and on
-- Go's status values (runtime/events.h; their names fill the tables
-- g_state_names and p_state_names).

-- One row per goroutine status change, with the next change of the same
-- goroutine beside it.  The building block of the goroutine views.
-- goid 0 is left out: it is no goroutine (g0s, and a new g before newproc
-- numbers it, whose _Gidle -> _Gdead step is logged with obj 0).
CREATE VIEW IF NOT EXISTS g_transition AS
SELECT run, seq, obj AS g, t_ns AS ts, m, p, a AS from_value, b AS to_value,
       detail AS reason,
       lead(t_ns) OVER w AS next_ts,
       lead(b) OVER w AS next_value,
       lead(detail) OVER w AS next_reason,
       lead(m) OVER w AS next_m,
       lead(p) OVER w AS next_p
FROM events
WHERE kind = 'gstatus' AND obj <> 0
WINDOW w AS (PARTITION BY run, obj ORDER BY seq);

-- Every interval of every goroutine's status.  state is Go's name without
-- the _G prefix; reason is the detail of the transition into the state
-- (for waiting: 'chan recv', 'sleep', ...; for runnable: 'preempted',
-- 'gosched', ...).  m/p made the transition; next_state is where the
-- goroutine went at the end of the interval (NULL for the last one).
CREATE VIEW IF NOT EXISTS thread_state AS
SELECT t.run AS run, t.g AS g,
       coalesce(s.name, 'status_' || t.to_value) AS state,
       t.ts AS ts,
       coalesce(t.next_ts, r.end_ns) - t.ts AS dur,
       t.reason AS reason,
       t.seq AS seq, t.m AS m, t.p AS p,
       coalesce(n.name, 'status_' || t.next_value) AS next_state
FROM g_transition AS t
JOIN runs AS r ON r.id = t.run
LEFT JOIN g_state_names AS s ON s.value = t.to_value
LEFT JOIN g_state_names AS n ON n.value = t.next_value;

-- The intervals a goroutine spent running (_Grunning): on M m holding P p,
-- from ts for dur ns.  end_state/end_reason say how the slice ended:
-- runnable+'preempted', runnable+'gosched', waiting+'chan recv',
-- dead+'exit', syscall, ...
CREATE VIEW IF NOT EXISTS sched_slice AS
SELECT t.run AS run, t.g AS g, t.m AS m, t.p AS p, t.ts AS ts,
       coalesce(t.next_ts, r.end_ns) - t.ts AS dur,
       coalesce(n.name, 'status_' || t.next_value) AS end_state,
       t.next_reason AS end_reason,
       t.seq AS seq
FROM g_transition AS t
JOIN runs AS r ON r.id = t.run
LEFT JOIN g_state_names AS n ON n.value = t.next_value
WHERE t.to_value = 2;

-- Scheduling latency: each time a goroutine became runnable and was then
-- run, the wait (ns) and the M/P that ran it.  reason says why it became
-- runnable (the detail of that transition).
CREATE VIEW IF NOT EXISTS sched_latency AS
SELECT run, g, ts AS ready_ts, next_ts AS run_ts, next_ts - ts AS latency,
       reason, next_m AS m, next_p AS p, seq
FROM g_transition
WHERE to_value = 1 AND next_value = 2;

-- Every interval of every P's status.  m is the M that made the
-- transition.
CREATE VIEW IF NOT EXISTS p_state AS
SELECT t.run AS run, t.p_id AS p,
       coalesce(s.name, 'status_' || t.to_value) AS state,
       t.ts AS ts,
       coalesce(t.next_ts, r.end_ns) - t.ts AS dur,
       t.m AS m, t.seq AS seq
FROM (SELECT run, seq, obj AS p_id, t_ns AS ts, m, b AS to_value,
             lead(t_ns) OVER (PARTITION BY run, obj ORDER BY seq) AS next_ts
      FROM events
      WHERE kind = 'pstatus') AS t
JOIN runs AS r ON r.id = t.run
LEFT JOIN p_state_names AS s ON s.value = t.to_value;

-- Counters, one row per change: the value holds from ts until the next
-- row of the same (run, track).  Tracks:
--   runnable_gs  goroutines in _Grunnable (from gstatus events)
--   running_gs   goroutines in _Grunning
--   npidle       idle Ps (pidleput/pidleget report the count after)
--   nmspinning   spinning Ms (spinning start/stop events)
-- Run-queue lengths are the runq_length view's.
CREATE VIEW IF NOT EXISTS counter AS
SELECT run, 'runnable_gs' AS track, t_ns AS ts,
       sum((b = 1) - (a = 1)) OVER (PARTITION BY run ORDER BY seq) AS value, seq
FROM events WHERE kind = 'gstatus' AND (a = 1 OR b = 1)
UNION ALL
SELECT run, 'running_gs', t_ns,
       sum((b = 2) - (a = 2)) OVER (PARTITION BY run ORDER BY seq), seq
FROM events WHERE kind = 'gstatus' AND (a = 2 OR b = 2)
UNION ALL
SELECT run, 'npidle', t_ns, a, seq
FROM events WHERE kind IN ('pidleput', 'pidleget')
UNION ALL
SELECT run, 'nmspinning', t_ns,
       sum(CASE WHEN a = 1 THEN 1 ELSE -1 END) OVER (PARTITION BY run ORDER BY seq), seq
FROM events WHERE kind = 'spinning';

-- Run-queue lengths, one row per change: the value holds from ts until the
-- next row of the same (run, p).  p is a P's id for its local queue
-- (runnext included) or -1 for the global queue.  Derived from:
--   runqput        +1 on P a, except the runqput of the g that a runqput
--                  into runnext kicked out (the same M's previous event is
--                  that runqput into runnext, on the same P): it was
--                  counted already
--   runqget        -1 on P a
--   steal          -n on the victim (obj), +n-1 on the thief (p): the
--                  thief runs one of them at once
--   runqputslow    -(n-1) on P obj: half its queue went to the global
--                  queue with the new g, which was never counted; -n when
--                  the new g is the runnext it just kicked out
--   pstatus->dead  0: procresize moved what it held to the global queue
--   globrunqput    +count on the global queue; globrunqget -count taken
-- Every event is counted in event order: under a window wider than 0 (or
-- natively) a consumer's event may precede the producer's, so a length
-- may read -1 for an instant.  Every finished run's queues end at 0.
CREATE VIEW IF NOT EXISTS runq_length AS
WITH d AS (
  SELECT run, seq, t_ns AS ts, kind, obj, a, b, p, m,
         lag(kind) OVER (PARTITION BY run, m ORDER BY seq) AS m_kind,
         lag(a) OVER (PARTITION BY run, m ORDER BY seq) AS m_a,
         lag(b) OVER (PARTITION BY run, m ORDER BY seq) AS m_b
  FROM events
  WHERE kind IN ('runqput', 'runqget', 'steal', 'runqputslow', 'globrunqput', 'globrunqget')
     OR (kind = 'pstatus' AND b = 4)),
delta AS (
  SELECT run, seq, ts, a AS q,
         CASE WHEN b = 0 AND m_kind = 'runqput' AND m_a = a AND m_b = 1 THEN 0 ELSE 1 END AS dv,
         0 AS reset
  FROM d WHERE kind = 'runqput'
  UNION ALL SELECT run, seq, ts, a, -1, 0 FROM d WHERE kind = 'runqget'
  UNION ALL SELECT run, seq, ts, obj, -a, 0 FROM d WHERE kind = 'steal'
  UNION ALL SELECT run, seq, ts, p, a - 1, 0 FROM d WHERE kind = 'steal'
  UNION ALL
  SELECT run, seq, ts, obj,
         CASE WHEN m_kind = 'runqput' AND m_a = obj AND m_b = 1 THEN -a ELSE 1 - a END, 0
  FROM d WHERE kind = 'runqputslow'
  UNION ALL SELECT run, seq, ts, obj, 0, 1 FROM d WHERE kind = 'pstatus'
  UNION ALL SELECT run, seq, ts, -1, a, 0 FROM d WHERE kind = 'globrunqput'
  UNION ALL SELECT run, seq, ts, -1, -a, 0 FROM d WHERE kind = 'globrunqget'),
epoch AS (
  SELECT *, sum(reset) OVER (PARTITION BY run, q ORDER BY seq) AS ep FROM delta)
SELECT run, q AS p, ts,
       sum(dv) OVER (PARTITION BY run, q, ep ORDER BY seq) AS value, seq
FROM epoch;

-- Steals: each time a P took goroutines from another's local queue (only
-- steals that took at least one are logged).  m/thief are the M and P
-- that stole, victim the P robbed, n how many, from_runnext 1 when the
-- one goroutine taken was the victim's runnext.
CREATE VIEW IF NOT EXISTS steal AS
SELECT run, seq, t_ns AS ts, m, p AS thief, obj AS victim, a AS n, b AS from_runnext
FROM events WHERE kind = 'steal';

-- Spinning intervals: M m looked for work without finding it (spinning
-- start to its next spinning stop; the last one of a run that ends
-- spinning ends at runs.end_ns).
CREATE VIEW IF NOT EXISTS spinning AS
SELECT t.run AS run, t.obj AS m, t.ts AS ts,
       coalesce(t.next_ts, r.end_ns) - t.ts AS dur, t.seq AS seq
FROM (SELECT run, seq, obj, a, t_ns AS ts,
             lead(t_ns) OVER (PARTITION BY run, obj ORDER BY seq) AS next_ts
      FROM events WHERE kind = 'spinning') AS t
JOIN runs AS r ON r.id = t.run
WHERE t.a = 1;

-- Lost work conservation (schedviz's measure): the stretches during which
-- some P was idle while some goroutine was runnable.  idle_ps and
-- runnable_gs are the counter view's npidle and runnable_gs, each holding
-- from ts for dur ns; lost_ps = min(idle_ps, runnable_gs) is how many Ps
-- could have run a goroutine and did not, so sum(dur) is the time lost and
-- sum(lost_ps * dur) the P-time lost.  A row per change of either value
-- (stretches of length 0 left out).
CREATE VIEW IF NOT EXISTS idle_while_runnable AS
WITH ch AS (
  SELECT run, seq, t_ns AS ts,
         sum(CASE WHEN kind = 'gstatus' THEN (b = 1) - (a = 1) ELSE 0 END)
           OVER (PARTITION BY run ORDER BY seq) AS runnable,
         CASE WHEN kind IN ('pidleput', 'pidleget') THEN a END AS idle_raw
  FROM events
  WHERE (kind = 'gstatus' AND (a = 1 OR b = 1)) OR kind IN ('pidleput', 'pidleget')),
g AS (
  SELECT *, count(idle_raw) OVER (PARTITION BY run ORDER BY seq) AS ig FROM ch),
s AS (
  SELECT run, seq, ts, runnable,
         coalesce(max(idle_raw) OVER (PARTITION BY run, ig), 0) AS idle,
         lead(ts) OVER (PARTITION BY run ORDER BY seq) AS next_ts
  FROM g)
SELECT s.run AS run, s.ts AS ts, coalesce(s.next_ts, r.end_ns) - s.ts AS dur,
       s.idle AS idle_ps, s.runnable AS runnable_gs,
       min(s.idle, s.runnable) AS lost_ps, s.seq AS seq
FROM s JOIN runs AS r ON r.id = s.run
WHERE s.idle > 0 AND s.runnable > 0 AND coalesce(s.next_ts, r.end_ns) <> s.ts;
