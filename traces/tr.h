/*
 * tr.h - event sinks: where a run's events go.
 *
 * One interface (struct tr_sink) that every writer implements: the
 * SQLite writer (primary), and later Perfetto JSON and schedtrace text.
 * The engine calls ->event once per event, in order, on the hot path;
 * a sink must not fail there: it records its first I/O error and
 * reports it from ->finish.
 *
 * Also here: the trace hash (order-sensitive, over every field of every
 * event, never over addresses) and the run summary computed from the
 * event stream, so that every sink and the CLI agree on the figures.
 */
#ifndef GSCHED_TRACES_TR_H
#define GSCHED_TRACES_TR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"

/* What a run is: stored in the runs table when the run starts. */
struct tr_run {
	const char *scenario;      /* name or path as the user gave it */
	const char *scenario_json; /* the full scenario text */
	uint64_t seed;
	const char *backend;     /* "sim" */
	const char *strategy;    /* "random" */
	int64_t window_ns;       /* -1 means inf */
	const char *noise;       /* the simulator's noise model: "on" or "off" (NULL: "off") */
	const char *policy_json; /* "{}" when none */
	const char *bugs_json;   /* "[]" when none */
	int gomaxprocs;
	const char *build; /* compiler, flags, version: tr_build_string() */
	/* The oracles' bounds (sim_bounds; 0: that oracle off), when
	 * has_bounds; else the columns stay NULL (not recorded). */
	bool has_bounds;
	int64_t idle_bound_ns, starve_bound_ns, progress_bound, timer_bound_ns;
	const char *cost; /* the simulator's fitted figures, "key=ns,..." (sim_fit_format), or
	                     NULL or "": sim/cost.h's table */
};

/* The slots of tr_stats.tally: 64 for the kinds, then 16 x 16 for the
 * gstatus transitions (TR_TALLY_GSTATUS + from * 16 + to). */
#define TR_TALLY_GSTATUS 64
#define TR_TALLY_SLOTS   (TR_TALLY_GSTATUS + 16 * 16)

/* Figures derived from the event stream (tr_stats_add per event). */
struct tr_stats {
	uint64_t n_events;
	uint64_t hash;            /* running trace hash, starts at TR_HASH_INIT */
	int64_t end_ns;           /* largest event time seen */
	int64_t g_created;        /* newproc events (main included) */
	int64_t g_finished;       /* gstatus running->dead */
	int64_t max_live;         /* most goroutines created and not finished at one time */
	int64_t ctx_switches;     /* gstatus runnable->running */
	int64_t steals;           /* steal events with n > 0 */
	int64_t stolen_gs;        /* sum of n over steals */
	int64_t spinning_periods; /* spinning start events */
	int64_t runqputslow;
	int64_t globrunqget;
	int64_t mparks;
	int64_t max_ms; /* largest M id + 1 seen */
	int64_t violations;
	/* The counts the figures above are read from (stats_add.h): one
	 * per event kind, and one per gstatus transition from a to b (a
	 * and b below 16).  Private to tr_stats_add and tr_stats_settle. */
	uint64_t tally[TR_TALLY_SLOTS];
};

#define TR_HASH_INIT UINT64_C(0x6a09e667f3bcc908)

void tr_stats_init(struct tr_stats *st);
/* Fold one event into the hash and the counters.  Cheap: a few multiplies. */
void tr_stats_add(struct tr_stats *st, const struct rt_event *ev);
/* Bring the counts read from the tally (g_created, g_finished,
 * ctx_switches, runqputslow, globrunqget, mparks, violations) up to date
 * after events folded with tr_stats_add_inline (stats_add.h), which
 * leaves them to this; tr_stats_add calls it itself.  Idempotent. */
void tr_stats_settle(struct tr_stats *st);

/* How a run ended; stored in runs.status by name.  One row per status:
 * X(ENUM, name, failed, what it means).  failed: the run did not
 * complete, and the command that ran, replayed or checked it exits 1. */
#define TR_STATUSES(X)                                                                             \
	X(RUNNING, "running", true, "not finished: the process died or was killed")                \
	X(COMPLETE, "complete", false, "every goroutine finished")                                 \
	X(DEADLOCK, "deadlock", true, "all Ms parked with work pending")                           \
	X(VIOLATION, "violation", true, "a throw or an oracle fired")                              \
	X(STEP_LIMIT, "step_limit", false, "stopped at --max-steps")                               \
	X(TIME_LIMIT, "time_limit", false, "stopped at --max-time")                                \
	X(PANIC, "panic", true, "the program made a fatal error (send on closed channel, ...)")    \
	X(DEPARTED, "departed", true, "a replay's decision list stopped applying")                 \
	X(OOM, "oom", true, "the machine ran out of memory for the program (a stack, a G...)")

enum tr_status {
#define TR_STATUS_ENUM(e, name, failed, what) TR_##e,
	TR_STATUSES(TR_STATUS_ENUM)
#undef TR_STATUS_ENUM
	        TR_STATUS__COUNT /* not a status: how many there are */
};
const char *tr_status_name(enum tr_status s);
/* The run did not complete (the failed column above): exit status 1. */
bool tr_status_failed(enum tr_status s);

/* A duration for people: "12.345 ms" (s, ms, us with three decimals; ns
 * whole).  Returns buf. */
const char *tr_fmt_ns(char *buf, size_t len, int64_t ns);

struct tr_sink {
	void (*event)(struct tr_sink *s, const struct rt_event *ev);
	/* Write the end of the run; returns 0 or -1 with a message in err. */
	int (*finish)(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
	              const char *message, char *err, size_t errlen);
	void (*close)(struct tr_sink *s);
};

/* The SQLite writer.  Creates (or appends a run to) the database at path,
 * inserts the runs row with status 'running', and returns the sink; on
 * failure returns NULL with a message naming the file in err. */
struct tr_sink *tr_sqlite_open(const char *path, const struct tr_run *run, char *err,
                               size_t errlen);
/* The runs.id of the run being written by a sink from tr_sqlite_open. */
int64_t tr_sqlite_run_id(struct tr_sink *s);

/* A sink that discards events (the stats are kept by the caller). */
struct tr_sink *tr_null_sink(void);

/* "gcc 12.2.0 -O2 x86_64" and the like, fixed at build time. */
const char *tr_build_string(void);

/* Events per transaction in the SQLite writer: a killed process loses at
 * most this many events, and a cut-short run holds a multiple of it. */
#define TR_SQLITE_BATCH 50000

/* The database schema version (PRAGMA user_version, meta.schema_version)
 * that this build writes and accepts. */
#define TR_SCHEMA_VERSION 7

/* The schema version a meta.schema_version text names, 1..TR_SCHEMA_VERSION,
 * or 0 for NULL or any other text (a newer or unknown version). */
int tr_schema_version(const char *v);

/* How long a writer waits for another to let go of the file (one batch
 * of it, normally) before it gives up: sqlite_pragmas.c. */
#define TR_SQLITE_BUSY_MS 120000

/* The PRAGMAs every gsched database connection runs before writing
 * (sqlite_pragmas.c says why each); bench_sqlite_raw uses them too. */
extern const char tr_sqlite_pragmas[];

/* traces/schema.sql and analysis/views.sql, built into the library. */
extern const char tr_schema_sql[];
extern const char tr_views_sql[];

/* ====================================================================
 * Recorded traces (traces/reader.c, golden.c, state.c; docs/golden.md):
 * the schedule store, reading a database back, the canonical text
 * rendering of a run (golden traces) and G/M/P state reconstruction.
 * Everything here is deterministic: no wall clock, no addresses.
 * ==================================================================== */

#include <stdbool.h>
#include <stdio.h>

/* Store the run's decision list (tr_schedule_encode's blob of n pairs)
 * and the limits it ran under, in the schedules table; call before
 * ->finish (they commit with it).  0, or -1: ->finish reports why. */
int tr_sqlite_set_schedule(struct tr_sink *s, const void *blob, size_t len, uint64_t n);
int tr_sqlite_set_limits(struct tr_sink *s, int64_t max_steps, int64_t max_time_ns);

/* The schedule codec: n (eligible, pick) pairs (pairs[2i], pairs[2i+1])
 * as unsigned LEB128 varints.  encode: 0, or -1 out of memory (*blob
 * malloc'd).  decode: 0, or -1 if the blob does not hold exactly n
 * pairs of 32-bit values (*pairs malloc'd, 2n entries). */
int tr_schedule_encode(const uint32_t *pairs, uint64_t n, unsigned char **blob, size_t *len);
int tr_schedule_decode(const unsigned char *blob, size_t len, uint64_t n, uint32_t **pairs);

/* A run's events in memory, details interned (a run has few distinct
 * details).  tr_trace_push copies the event and its detail. */
struct tr_strtab;
struct tr_trace {
	struct rt_event *ev;
	size_t n, cap;
	struct tr_strtab *strs;
};
void tr_trace_init(struct tr_trace *t);
int tr_trace_push(struct tr_trace *t, const struct rt_event *ev); /* 0, or -1 out of memory */
void tr_trace_free(struct tr_trace *t);
/* A sink that appends every event to t (->finish does nothing; ->close
 * frees the sink, not t). */
struct tr_sink *tr_trace_sink(struct tr_trace *t);

/* What a golden header or a runs row says about a run.  Strings are
 * malloc'd (tr_header_free); limits are -1 when unknown (a run written
 * without a schedules row). */
struct tr_header {
	int64_t run_id; /* database runs.id; 0 for a golden file */
	char *scenario, *scenario_json, *strategy, *backend, *policy_json, *bugs_json;
	char *noise; /* "on" or "off": the noise model (older databases and goldens: "off") */
	char *cost;  /* "key=ns,...": the run's --cost figures; "" the table's (older files: "") */
	char *build; /* database only: golden files never hold it */
	char *message;
	uint64_t seed;
	int64_t window_ns; /* -1: inf */
	int64_t max_steps, max_time_ns;
	/* The oracles' bounds the run had (0: that oracle off); -1 when not
	 * recorded (older databases and goldens): the defaults apply. */
	int64_t idle_bound_ns, starve_bound_ns, progress_bound, timer_bound_ns;
	int gomaxprocs;
	enum tr_status status;
	uint64_t n_events;
	uint64_t hash;
};
void tr_header_free(struct tr_header *h);
/* The status whose tr_status_name is name: 0, or -1 if none. */
int tr_status_parse(const char *name, enum tr_status *out);
/* The kind named name ("gstatus", or "kind_N" for a kind this build has
 * no name for): 0, or -1. */
int tr_evkind_parse(const char *name, int32_t *kind);

/* Make a message one line: each run of control characters (SQLite's
 * messages may quote a damaged schema's SQL) becomes one space. */
void tr_one_line(char *s);

/* Reading a gsched database (read-only; never writes, never creates).
 * tr_db_open validates: the file exists, is a SQLite database that
 * passes PRAGMA quick_check, and holds gsched's schema of version 1 or
 * TR_SCHEMA_VERSION.  Every error is one line "FILE: what is wrong" in
 * err and the return value 2 (bad input). */
struct tr_db;
int tr_db_open(const char *path, struct tr_db **out, char *err, size_t errlen);
void tr_db_close(struct tr_db *db);
/* The runs row of run id (0: the last run in the file).  An incomplete
 * run (status running) reads with status TR_RUNNING, n_events the events
 * it holds and hash their hash. */
int tr_db_read_run(struct tr_db *db, int64_t id, struct tr_header *h, char *err, size_t errlen);
/* Every event of the run, in seq order; checks that seq runs 0, 1, ...
 * and, for a finished run, the count and the trace hash against the
 * runs row (a mismatch means the file was altered). */
int tr_db_read_events(struct tr_db *db, struct tr_header *h, struct tr_trace *t, char *err,
                      size_t errlen);
/* The run's stored schedule: 0 with *pairs (2 * *n entries, malloc'd)
 * and the limits in h updated, 1 if the run has none (older writer),
 * 2 on a corrupt row. */
int tr_db_read_schedule(struct tr_db *db, struct tr_header *h, uint32_t **pairs, uint64_t *n,
                        char *err, size_t errlen);

/* The figures bless and diff compare: from the events alone. */
struct tr_metrics {
	int64_t events, switches, steals, spinning, end_ns;
	int64_t waits;                     /* runnable -> running waits measured */
	int64_t lat_p50, lat_p90, lat_p99; /* of those waits, ns (nearest rank) */
};
void tr_metrics_compute(const struct tr_trace *t, struct tr_metrics *m);
/* One line per figure, "old -> new (+delta)" (or just the value when it
 * is the same), each prefixed by indent; returns how many differ. */
int tr_metrics_print_delta(FILE *f, const char *indent, const struct tr_metrics *a,
                           const struct tr_metrics *b);

/* The canonical text rendering (golden files, `gsched show`).  Format
 * version TR_GOLDEN_VERSION; docs/golden.md defines it. */
#define TR_GOLDEN_VERSION 1
/* One event line: "seq t_ns m p g kind obj a b detail" (no newline). */
void tr_event_render(char *buf, size_t len, uint64_t seq, const struct rt_event *ev);
/* Header and events; 0, or -1 on a write error. */
int tr_golden_write(FILE *f, const struct tr_header *h, const struct tr_trace *t);
/* Parse a rendering held in memory: 0, or 2 with "FILE:LINE: expected
 * ..." in err.  h and t are filled (t initialised here). */
int tr_golden_parse(const char *file, const char *text, struct tr_header *h, struct tr_trace *t,
                    char *err, size_t errlen);
/* Read and parse a file: 0 or 2 (err names the file). */
int tr_golden_load(const char *path, struct tr_header *h, struct tr_trace *t, char *err,
                   size_t errlen);

/* G/M/P state reconstructed from an event prefix (state.c). */
struct tr_state;
struct tr_state *tr_state_new(void); /* NULL: out of memory */
void tr_state_apply(struct tr_state *s, const struct rt_event *ev);
void tr_state_print(const struct tr_state *s, FILE *f, const char *indent);
void tr_state_free(struct tr_state *s);

/* Compare two traces event by event: the index of the first difference
 * (an event that differs, or the end of one of them), or -1 if equal. */
int64_t tr_trace_first_diff(const struct tr_trace *a, const struct tr_trace *b);
/* Print the divergence at event k: each side's event k with 3 events of
 * context before and after, then the G/M/P state before event k
 * (identical on both sides: it is rebuilt from the common prefix). */
void tr_print_divergence(FILE *f, const struct tr_trace *a, const char *label_a,
                         const struct tr_trace *b, const char *label_b, uint64_t k);

/* ====================================================================
 * Reading a failing run (story.c, coverage.c; docs/exploration.md).
 * ==================================================================== */

/* One event as a sentence ("g7 running -> runnable (preempted)",
 * "steals 2 goroutine(s) from P1, its runnext"); a kind without a
 * sentence is rendered as tr_event_render does. */
void tr_event_sentence(char *buf, size_t len, const struct rt_event *ev);
/* The last per_m events of each M, as sentences, then the G/M/P state
 * the whole trace leaves behind.  0, or -1 (out of memory, write error). */
int tr_story_print(FILE *f, const struct tr_trace *t, int per_m);

/* The rare scheduler states a sweep reports: each is the events of one
 * kind, optionally with obj ('o'), a or b compared ('=', '>', '<') to a
 * value (field 0: every event of the kind). */
struct tr_coverage_row {
	const char *name, *help;
	int32_t kind;
	char field, op;
	int64_t value;
};
#define TR_NCOVERAGE 16
extern const struct tr_coverage_row tr_coverage[TR_NCOVERAGE];
/* Count ev in every row it matches. */
void tr_coverage_add(uint64_t counts[TR_NCOVERAGE], const struct rt_event *ev);

#endif
