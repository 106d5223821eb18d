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
CREATE VIEW g_transition AS
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
CREATE VIEW thread_state AS
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
CREATE VIEW sched_slice AS
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
CREATE VIEW sched_latency AS
SELECT run, g, ts AS ready_ts, next_ts AS run_ts, next_ts - ts AS latency,
       reason, next_m AS m, next_p AS p, seq
FROM g_transition
WHERE to_value = 1 AND next_value = 2;

-- Every interval of every P's status.  m is the M that made the
-- transition.
CREATE VIEW p_state AS
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
-- A per-P local run queue length is deliberately absent: it cannot be
-- derived exactly from the event vocabulary (runnext kicks and
-- runqputslow batches would make it an estimate).
CREATE VIEW counter AS
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
