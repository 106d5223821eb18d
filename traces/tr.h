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
	const char *policy_json; /* "{}" when none */
	const char *bugs_json;   /* "[]" when none */
	int gomaxprocs;
	const char *build; /* compiler, flags, version: tr_build_string() */
};

/* Figures derived from the event stream (tr_stats_add per event). */
struct tr_stats {
	uint64_t n_events;
	uint64_t hash;            /* running trace hash, starts at TR_HASH_INIT */
	int64_t end_ns;           /* largest event time seen */
	int64_t g_created;        /* newproc events (main included) */
	int64_t g_finished;       /* gstatus running->dead */
	int64_t ctx_switches;     /* gstatus runnable->running */
	int64_t steals;           /* steal events with n > 0 */
	int64_t stolen_gs;        /* sum of n over steals */
	int64_t spinning_periods; /* spinning start events */
	int64_t runqputslow;
	int64_t globrunqget;
	int64_t mparks;
	int64_t max_ms; /* largest M id + 1 seen */
	int64_t violations;
};

#define TR_HASH_INIT UINT64_C(0x6a09e667f3bcc908)

void tr_stats_init(struct tr_stats *st);
/* Fold one event into the hash and the counters.  Cheap: a few multiplies. */
void tr_stats_add(struct tr_stats *st, const struct rt_event *ev);

/* How a run ended; stored in runs.status. */
enum tr_status {
	TR_RUNNING = 0, /* not finished: the process died or was killed */
	TR_COMPLETE,    /* every goroutine finished */
	TR_DEADLOCK,    /* all Ms parked with work pending */
	TR_VIOLATION,   /* a throw or an oracle fired */
	TR_STEP_LIMIT,  /* stopped at --max-steps */
	TR_TIME_LIMIT,  /* stopped at --max-time */
	TR_PANIC,       /* the program made a fatal error (send on closed channel, ...) */
	TR_DEPARTED,    /* a replay's decision list stopped applying */
};
const char *tr_status_name(enum tr_status s);

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
#define TR_SCHEMA_VERSION 1

/* The PRAGMAs every gsched database connection runs before writing
 * (sqlite_pragmas.c says why each); bench_sqlite_raw uses them too. */
extern const char tr_sqlite_pragmas[];

/* traces/schema.sql and analysis/views.sql, built into the library. */
extern const char tr_schema_sql[];
extern const char tr_views_sql[];

#endif
