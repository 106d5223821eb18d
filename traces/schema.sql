-- schema.sql - the gsched trace database, schema version 7.
--
-- One file holds any number of runs.  A run is one row of `runs` and its
-- events, one row each in `events`, numbered by seq from 0 in the order
-- the scheduler made them.  The writer (traces/sqlite.c) creates this
-- schema in an empty file, appends a run to a file that has it, and
-- refuses any other file.  Views for analysis live in analysis/views.sql
-- and are created together with these tables.
--
-- Invariants:
--  * user_version and meta.schema_version are both 7; a change to any
--    table's meaning bumps both.  The writer upgrades a version-1 to -6
--    file in place (version 2 only adds the schedules table, old runs
--    having no schedule; version 3 only adds runs.noise, 'off' for old
--    runs, which had no noise model; version 4 only adds the oracles'
--    bounds, NULL for old runs: not recorded; version 5 only adds
--    runs.first_event and last_event, NULL for old runs; version 6 only
--    adds runs.cost, '' for old runs, which ran with the table's; version 7
--    only adds runs.timer_bound_ns, NULL for old runs: not recorded) and
--    refuses newer or unknown versions rather than guessing.
--  * Nothing here depends on the wall clock or the host: a run's rows,
--    apart from runs.id, are the same for the same scenario, seed and
--    build (see DESIGN.md, determinism contract).
--  * A run whose status is 'running' was cut short (the process died or
--    its sink was closed without finishing): it holds the batches that
--    were committed, a whole number of TR_SQLITE_BATCH events.
PRAGMA user_version = 7;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES
	('application', 'gsched'),
	('schema_version', '7');

CREATE TABLE runs (
	id            INTEGER PRIMARY KEY,
	scenario      TEXT NOT NULL,    -- name or path as given on the command line
	scenario_json TEXT,             -- the scenario's full text
	seed          INTEGER NOT NULL, -- uint64 stored as its int64 bit pattern
	backend       TEXT NOT NULL,    -- 'sim' | 'native'
	strategy      TEXT,             -- 'random', 'pct', ...
	window_ns     INTEGER,          -- -1 = inf
	noise         TEXT NOT NULL DEFAULT 'off', -- the simulator's noise model: 'on' | 'off'
	policy_json   TEXT NOT NULL DEFAULT '{}',
	bugs_json     TEXT NOT NULL DEFAULT '[]',
	gomaxprocs    INTEGER NOT NULL,
	build         TEXT NOT NULL,    -- tr_build_string() of the writer
	-- The oracles' bounds (--idle-bound, --starve-bound, --progress-bound;
	-- 0: that oracle off); NULL: not recorded (older runs, other backends).
	idle_bound_ns   INTEGER,
	starve_bound_ns INTEGER,
	progress_bound  INTEGER,
	status        TEXT NOT NULL DEFAULT 'running', -- tr_status_name(): running,
	                                -- complete, deadlock, violation, step_limit, time_limit, panic,
	                                -- departed
	-- Filled in when the run finishes (NULL while status = 'running'):
	n_events         INTEGER,
	trace_hash       TEXT CHECK (trace_hash IS NULL OR length(trace_hash) = 16),
	end_ns           INTEGER,       -- largest event time
	g_created        INTEGER,       -- newproc events (main included)
	g_finished       INTEGER,       -- gstatus running -> dead
	ctx_switches     INTEGER,       -- gstatus runnable -> running
	steals           INTEGER,       -- steal events that took at least one g
	stolen_gs        INTEGER,       -- goroutines taken by those steals
	spinning_periods INTEGER,       -- spinning start events
	runqputslow      INTEGER,
	globrunqget      INTEGER,
	mparks           INTEGER,
	max_ms           INTEGER,       -- largest M id + 1
	violations       INTEGER,
	message          TEXT,          -- the throw message or deadlock description...
	first_event      INTEGER,       -- rowids of the run's first and last events: below
	last_event       INTEGER,
	cost          TEXT NOT NULL DEFAULT '', -- the simulator's fitted figures (--cost) as key=ns pairs; empty: the build's table
	timer_bound_ns   INTEGER        -- the timer-lateness oracle's bound (0: off); NULL: not recorded
);
-- runs.first_event and last_event: every event of the run has a rowid
-- between them (other writers' runs may interleave, so a reader still
-- asks for run = id), which turns a scan of the whole events table into
-- a range of it.  NULL: no events, the run was cut short, or it was
-- written before version 5.  (No comma in a column's comment: SQLite's
-- DROP COLUMN, which tests use to make older files, misreads one.)

-- One row per scheduler state transition.  m/p/g name the actor: the M,
-- the P it held (-1 if none) and its current user goroutine (0 if none).
-- obj/a/b mean what runtime/events.h says for the kind (docs/database.md).
-- A rowid table with no key and no index: each insert appends at the end
-- of one b-tree (SQLite's quick balance), as the raw insert benchmark's
-- plain table does.  The writer inserts a run's events in seq order, so
-- within a run rowid order is seq order.  Measured: 1.25-1.45x the insert
-- rate of the WITHOUT ROWID table keyed by (run, seq) that files written
-- before had, and 1.5x that of an explicit INTEGER PRIMARY KEY built
-- from run and seq (every insert then looks its key up).  The cost is on
-- the read side: one run's events are a scan of the table (tr_db_open's
-- quick_check reads every page anyway).  The keyed table did not change
-- the version (it was 3 then): the columns and their meaning are the
-- same, and readers and the writer use both layouts alike.
CREATE TABLE events (
	seq    INTEGER NOT NULL,        -- 0, 1, 2, ... within the run
	run    INTEGER NOT NULL REFERENCES runs (id),
	t_ns   INTEGER NOT NULL,        -- virtual (sim) or monotonic (native) time
	m      INTEGER NOT NULL,
	p      INTEGER NOT NULL,
	g      INTEGER NOT NULL,
	kind   TEXT NOT NULL,           -- rt_evkind_name[]: 'gstatus', 'steal', ...
	obj    INTEGER NOT NULL,
	a      INTEGER NOT NULL,
	b      INTEGER NOT NULL,
	detail TEXT                     -- reason / message, NULL when none
);

-- A run's schedule: every decision the strategy made (it picked `pick`
-- among `n` eligible threads), so that `gsched replay` re-runs exactly
-- this interleaving even when the seed alone would no longer give it (a
-- changed scheduler draws differently).  data holds n_decisions pairs
-- (n, pick), each number an unsigned LEB128 varint (7 bits a byte, low
-- first; small numbers, so ~2 bytes a decision).  max_steps and
-- max_time_ns are the limits the run was given (0: none): a cut-short
-- run replays only under the same cut.  Written in the run's last
-- transaction; a run without a row here was written by an older gsched
-- or by a caller that did not record its decisions.
CREATE TABLE schedules (
	run          INTEGER PRIMARY KEY REFERENCES runs (id),
	n_decisions  INTEGER,
	data         BLOB,
	max_steps    INTEGER NOT NULL DEFAULT 0,
	max_time_ns  INTEGER NOT NULL DEFAULT 0
);

-- Go's names for the status values carried by gstatus and pstatus events
-- (runtime2.go).  The views join these so that states read as words.  The
-- writer fills them from runtime/events.c (rt_gstatus_names,
-- rt_pstatus_names) when it creates the schema: the one spelling of each
-- name.
CREATE TABLE g_state_names (
	value INTEGER PRIMARY KEY,
	name  TEXT NOT NULL
);

CREATE TABLE p_state_names (
	value INTEGER PRIMARY KEY,
	name  TEXT NOT NULL
);
