/*
 * sqlite.c - the SQLite writer: the primary event sink.  One run per
 * sink: tr_sqlite_open adds a runs row (status 'running') to a new or
 * existing gsched database, ->event appends one events row per event,
 * ->finish fills in the runs row, ->close lets go of the file.
 *
 * Invariants:
 *  - events rows of a run are numbered seq = 0, 1, 2, ... in the order
 *    ->event was called; nothing else writes them.
 *  - Events are written in transactions of TR_SQLITE_BATCH; the runs
 *    row's final update is committed in the same transaction as the last
 *    events, so a run whose status is not 'running' is whole, and one
 *    that is 'running' holds a whole number of batches (process killed,
 *    a write failed, or the sink closed without finish).
 *  - The write lock is held only while a batch is written: ->event
 *    copies events into memory (the batch, TR_SQLITE_BATCH events, and
 *    an arena for their details), and the batch is inserted and
 *    committed in one transaction when it is full.  So several processes
 *    may append runs to one file at once (explore -j, make -j): each
 *    waits its turn per batch (busy timeout, sqlite_pragmas.c), and
 *    none holds the file while it simulates.
 *  - ->event never fails and allocates only when the arena needs a new
 *    chunk (its chunks are reused from batch to batch).  The first error
 *    is kept; later events are dropped; ->finish reports it.
 *  - A file is written only if it is empty or a gsched database of
 *    TR_SCHEMA_VERSION; anything else is refused before it is touched,
 *    except one of an older version (1 to 6), which is upgraded in place
 *    under the write lock (each version only adds a table or columns;
 *    see schema.sql).
 *  - The schedules row (tr_sqlite_set_schedule, tr_sqlite_set_limits) is
 *    kept in memory and written by ->finish in the last batch's
 *    transaction, so it commits with the run's last events and final
 *    runs row, or not at all.
 *
 * Cost: ~2 us per event is SQLite itself (the B-tree insert); the writer
 * adds the binds.  The kind is stored as text (rt_evkind_name) so traces
 * read in the sqlite3 shell without a join: against an integer kind it
 * costs ~2% more instructions per insert (callgrind, 200k rows; see
 * docs/database.md).
 * Copying an event into the batch costs a 64-byte store and, for the
 * few events with a detail, a short memcpy; the batch takes 3.2 MB.
 * The events table is a rowid table with no key (schema.sql says why);
 * the INSERT names its columns, so a file whose events table is the
 * older WITHOUT ROWID one keyed by (run, seq) is appended to alike.
 * Rejected: a rowid table with a (run, seq) index (a second B-tree to
 * update per event, ~20% slower than WITHOUT ROWID); one transaction per
 * run (a killed run would leave nothing); a batch transaction kept open
 * while the run is simulated, inserting each event as it comes (what
 * this writer did first: it held the write lock from the start of a run
 * to its end, so concurrent runs into one file queued whole runs behind
 * each other and gave up after the busy timeout, "database is locked").
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tr.h"

/* Events per INSERT statement.  One statement of ROWS rows keeps the
 * B-tree cursor open from row to row, so SQLite appends each row after
 * the last one instead of searching the b-tree from the root:
 * measured 1.8x fewer instructions per event than one row per statement
 * (50 rows: 5.3k instructions/event, the raw 9-integer insert's cost). */
#define ROWS        50
#define COLS        11
#define CHUNK_BYTES 65536 /* detail arena chunk; a longer detail gets its own */

_Static_assert(TR_SQLITE_BATCH % ROWS == 0, "a batch is a whole number of statements");

/* Copies of the batch's event details, in chunks that stay put (events
 * point into them) and are reused from batch to batch. */
struct chunk {
	struct chunk *next;
	size_t used, size;
	char mem[];
};

struct sq {
	struct tr_sink sink; /* first: the caller's struct tr_sink * is a struct sq * */
	sqlite3 *db;
	sqlite3_stmt *insn; /* INSERT INTO events, ROWS rows; run bound once */
	sqlite3_stmt *ins1; /* the same, one row: a batch's tail */
	char *path;
	int64_t run_id;
	int64_t given;                   /* events given to ->event */
	int64_t written;                 /* events committed = the seq of batch[0] */
	int64_t first_rowid, last_rowid; /* of the run's events so far (0: none yet) */
	int in_txn;                      /* a write transaction is open (only inside a flush) */
	int finished;
	int failed; /* errmsg holds the first error */
	char errmsg[512];
	int name_len[RT_EV__COUNT];
	/* The batch: events given since the last commit, with their own
	 * copies of detail (the caller's string need only live through its
	 * ->event call). */
	struct rt_event *batch; /* TR_SQLITE_BATCH entries */
	int nbatch;
	struct chunk *chunks; /* the one being filled first */
	struct chunk *spare;  /* emptied chunks, reused */
	/* The schedules row, written with the last batch by ->finish. */
	unsigned char *sched;
	size_t sched_len;
	uint64_t sched_n;
	int has_sched, has_limits;
	int64_t max_steps, max_time_ns;
	int64_t busy_waited_us; /* busy_wait's total for the current wait */
	uint32_t jitter;        /* the process id: spreads retries of different writers */
};

static void fatal(const char *msg)
{
	fprintf(stderr, "gsched: %s\n", msg);
	abort();
}

/*
 * Waiting for another writer's batch.  SQLite's own busy timeout sleeps
 * 1, 2, 5, ... then 100 ms between tries: with eight writers a waiter
 * mostly slept while the file was free again (measured: 8 runs of
 * timer-storm into one file took 6.3 s for 2 s of CPU).  This one tries
 * every 1-4 ms, a few microseconds of CPU per try, and gives up after
 * TR_SQLITE_BUSY_MS of waiting in all.
 */
static int busy_wait(void *arg, int tries)
{
	struct sq *w = arg;
	if (tries == 0)
		w->busy_waited_us = 0;
	if (w->busy_waited_us >= (int64_t)TR_SQLITE_BUSY_MS * 1000)
		return 0; /* give up: SQLITE_BUSY, "database is locked" */
	/* 1..4 ms, varied so that waiters do not retry in lockstep */
	int us = 1000 + (int)((uint32_t)(tries * 2654435761u + (uint32_t)w->jitter) % 3000u);
	w->busy_waited_us += us;
	struct timespec ts = {0, (long)us * 1000};
	nanosleep(&ts, NULL);
	return 1;
}

/* Format "PATH: what: sqlite's message" into err (one line). */
static void sq_errf(char *err, size_t errlen, const char *path, sqlite3 *db, const char *what)
{
	if (!err || errlen == 0)
		return;
	int e = db ? sqlite3_system_errno(db) : 0, ext = db ? sqlite3_extended_errcode(db) : 0;
	if (ext == SQLITE_IOERR_WRITE && e == 0)
		/* a short write: SQLite keeps no errno for it */
		snprintf(err, errlen,
		         "%s: %s: %s (a write was cut short: the disk is full or the file size "
		         "limit was reached)",
		         path, what, sqlite3_errmsg(db));
	else if (e && ((ext & 0xff) == SQLITE_IOERR || (ext & 0xff) == SQLITE_FULL ||
	               (ext & 0xff) == SQLITE_CANTOPEN))
		snprintf(err, errlen, "%s: %s: %s (%s)", path, what, sqlite3_errmsg(db),
		         strerror(e));
	else if (db)
		snprintf(err, errlen, "%s: %s: %s", path, what, sqlite3_errmsg(db));
	else
		snprintf(err, errlen, "%s: %s", path, what);
	tr_one_line(err);
}

/* Remember the first error on the hot path; ->finish reports it. */
static void remember(struct sq *w, const char *what)
{
	if (w->failed)
		return;
	w->failed = 1;
	sq_errf(w->errmsg, sizeof w->errmsg, w->path, w->db, what);
}

static int exec(struct sq *w, const char *sql, const char *what, char *err, size_t errlen)
{
	if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sq_errf(err, errlen, w->path, w->db, what);
	return -1;
}

/* exec, trying again while SQLite answers busy without having asked
 * busy_wait: switching a file to WAL (the first writer's pragmas on a new
 * file) needs a lock that SQLite does not wait for, so with writers
 * starting at once one of them saw "database is locked" at once.  Waits as
 * busy_wait does, within its budget. */
static int exec_busy(struct sq *w, const char *sql, const char *what, char *err, size_t errlen)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || !busy_wait(w, tries))
			break;
	}
	sq_errf(err, errlen, w->path, w->db, what);
	return -1;
}

/*
 * Decide whether the file may be written: 1 if it holds no tables yet
 * (create the schema), 0 if it is a gsched database of our version,
 * version + 1 if it is of an older version (upgrade it), -1 with a
 * message otherwise.
 * Reads only, so a file we refuse is left as it was.
 */
static int check_file(struct sq *w, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int user_version = 0, ntables = 0;
	char what[200];

	/* The first read of the file: a non-database fails here (NOTADB). */
	if (sqlite3_prepare_v2(w->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sq_errf(err, errlen, w->path, w->db, "cannot read it as a SQLite database");
		goto fail;
	}
	user_version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(w->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
	            SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sq_errf(err, errlen, w->path, w->db, "cannot read it as a SQLite database");
		goto fail;
	}
	ntables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (ntables == 0 && user_version == 0)
		return 1;

	if (sqlite3_prepare_v2(w->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sq_errf(err, errlen, w->path, NULL,
		        "not a gsched database (no meta.schema_version); refusing to write to it");
		goto fail;
	}
	const char *v = (const char *)sqlite3_column_text(st, 0);
	int ver = tr_schema_version(v);
	if (ver > 0 && ver < TR_SCHEMA_VERSION && user_version == ver) {
		sqlite3_finalize(st);
		return ver + 1;
	}
	if (ver != TR_SCHEMA_VERSION || user_version != TR_SCHEMA_VERSION) {
		snprintf(what, sizeof what,
		         "gsched database of schema version %.20s (user_version %d); this "
		         "gsched reads and writes version %d only",
		         v ? v : "NULL", user_version, TR_SCHEMA_VERSION);
		sq_errf(err, errlen, w->path, NULL, what);
		goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* Version 1 -> 2: the schedules table, as schema.sql creates it (keep
 * the two in step).  Runs of version 1 simply have no schedules row. */
static const char upgrade_v1_sql[] = "CREATE TABLE schedules ("
                                     " run INTEGER PRIMARY KEY REFERENCES runs (id),"
                                     " n_decisions INTEGER,"
                                     " data BLOB,"
                                     " max_steps INTEGER NOT NULL DEFAULT 0,"
                                     " max_time_ns INTEGER NOT NULL DEFAULT 0);"
                                     "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
                                     "PRAGMA user_version = 2;";

/* Version 2 -> 3: runs.noise.  Older runs were made without the noise
 * model: 'off' is what they were. */
static const char upgrade_v2_sql[] =
        "ALTER TABLE runs ADD COLUMN noise TEXT NOT NULL DEFAULT 'off';"
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
        "PRAGMA user_version = 3;";

/* Version 3 -> 4: the oracles' bounds.  Older runs did not record them:
 * NULL, and readers take the defaults. */
static const char upgrade_v3_sql[] = "ALTER TABLE runs ADD COLUMN idle_bound_ns INTEGER;"
                                     "ALTER TABLE runs ADD COLUMN starve_bound_ns INTEGER;"
                                     "ALTER TABLE runs ADD COLUMN progress_bound INTEGER;"
                                     "UPDATE meta SET value = '4' WHERE key = 'schema_version';"
                                     "PRAGMA user_version = 4;";

/* Version 4 -> 5: the rowid range of a run's events.  Older runs did not
 * record it: NULL, and readers scan for them as before. */
static const char upgrade_v4_sql[] = "ALTER TABLE runs ADD COLUMN first_event INTEGER;"
                                     "ALTER TABLE runs ADD COLUMN last_event INTEGER;"
                                     "UPDATE meta SET value = '5' WHERE key = 'schema_version';"
                                     "PRAGMA user_version = 5;";

/* Version 5 -> 6: runs.cost, the simulator's fitted figures.  Older runs
 * ran with the table's: '' is what they were. */
static const char upgrade_v5_sql[] = "ALTER TABLE runs ADD COLUMN cost TEXT NOT NULL DEFAULT '';"
                                     "UPDATE meta SET value = '6' WHERE key = 'schema_version';"
                                     "PRAGMA user_version = 6;";

/* Version 6 -> 7: runs.timer_bound_ns, the timer-lateness oracle's bound.
 * Older runs had no such oracle: NULL (not recorded), and a re-run of one
 * takes the default, as for the other bounds of runs before version 4. */
static const char upgrade_v6_sql[] = "ALTER TABLE runs ADD COLUMN timer_bound_ns INTEGER;"
                                     "UPDATE meta SET value = '7' WHERE key = 'schema_version';"
                                     "PRAGMA user_version = 7;";

/* The step from version k to k + 1, indexed by k. */
static const char *const upgrade_sql[] = {
        NULL,           upgrade_v1_sql, upgrade_v2_sql, upgrade_v3_sql,
        upgrade_v4_sql, upgrade_v5_sql, upgrade_v6_sql,
};
_Static_assert(sizeof upgrade_sql / sizeof *upgrade_sql == TR_SCHEMA_VERSION,
               "one upgrade step for each older schema version");

/* Fill g_state_names and p_state_names from the runtime's one spelling
 * of each status (runtime/events.c), in a new schema. */
static int insert_state_names(struct sq *w, char *err, size_t errlen)
{
	static const struct {
		const char *sql;
		const char *const *names;
		int n;
	} tables[] = {
	        {"INSERT INTO g_state_names (value, name) VALUES (?1, ?2)", rt_gstatus_names,
	         RT_GSTATUS_COUNT},
	        {"INSERT INTO p_state_names (value, name) VALUES (?1, ?2)", rt_pstatus_names,
	         RT_PSTATUS_COUNT},
	};
	sqlite3_stmt *st = NULL;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		if (sqlite3_prepare_v2(w->db, tables[t].sql, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		for (int v = 0; v < tables[t].n; v++) {
			sqlite3_bind_int(st, 1, v);
			sqlite3_bind_text(st, 2, tables[t].names[v], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	return 0;
fail:
	sq_errf(err, errlen, w->path, w->db, "creating the schema");
	sqlite3_finalize(st);
	return -1;
}

static int insert_run(struct sq *w, const struct tr_run *run, char *err, size_t errlen)
{
	static const char sql[] =
	        "INSERT INTO runs (scenario, scenario_json, seed, backend, strategy, window_ns,"
	        " policy_json, bugs_json, gomaxprocs, build, noise, idle_bound_ns,"
	        " starve_bound_ns, progress_bound, cost, timer_bound_ns, status)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	        " ?16, 'running')";
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, run->scenario ? run->scenario : "", -1, SQLITE_STATIC);
	if (run->scenario_json)
		sqlite3_bind_text(st, 2, run->scenario_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)run->seed); /* uint64 kept as its bit pattern */
	sqlite3_bind_text(st, 4, run->backend ? run->backend : "sim", -1, SQLITE_STATIC);
	if (run->strategy)
		sqlite3_bind_text(st, 5, run->strategy, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, run->window_ns);
	sqlite3_bind_text(st, 7, run->policy_json ? run->policy_json : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, run->bugs_json ? run->bugs_json : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, run->gomaxprocs);
	sqlite3_bind_text(st, 10, run->build ? run->build : tr_build_string(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, run->noise ? run->noise : "off", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, run->cost ? run->cost : "", -1, SQLITE_STATIC);
	if (run->has_bounds) { /* else NULL: not recorded */
		sqlite3_bind_int64(st, 12, run->idle_bound_ns);
		sqlite3_bind_int64(st, 13, run->starve_bound_ns);
		sqlite3_bind_int64(st, 14, run->progress_bound);
		sqlite3_bind_int64(st, 16, run->timer_bound_ns);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	w->run_id = sqlite3_last_insert_rowid(w->db);
	return 0;
fail:
	sq_errf(err, errlen, w->path, w->db, "inserting the runs row");
	sqlite3_finalize(st);
	return -1;
}

static void bind_event(struct sq *w, sqlite3_stmt *st, int col /* first column - 1 */, int64_t seq,
                       const struct rt_event *ev)
{
	sqlite3_bind_int64(st, col + 1, seq);
	sqlite3_bind_int64(st, col + 3, ev->t_ns);
	sqlite3_bind_int(st, col + 4, ev->m);
	sqlite3_bind_int(st, col + 5, ev->p);
	sqlite3_bind_int64(st, col + 6, ev->g);
	if ((uint32_t)ev->kind < RT_EV__COUNT && rt_evkind_name[ev->kind]) {
		sqlite3_bind_text(st, col + 7, rt_evkind_name[ev->kind], w->name_len[ev->kind],
		                  SQLITE_STATIC);
	} else {
		char name[32]; /* a kind this build has no name for: rare, allocates */
		snprintf(name, sizeof name, "kind_%" PRId32, ev->kind);
		sqlite3_bind_text(st, col + 7, name, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, col + 8, ev->obj);
	sqlite3_bind_int64(st, col + 9, ev->a);
	sqlite3_bind_int64(st, col + 10, ev->b);
	if (ev->detail) /* our copy: lives until the next flush */
		sqlite3_bind_text(st, col + 11, ev->detail, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col + 11);
}

/* Copy a detail into the batch's arena; NULL when out of memory. */
static char *keep_detail(struct sq *w, const char *d)
{
	size_t n = strlen(d) + 1;
	struct chunk *c = w->chunks;
	if (!c || c->size - c->used < n) {
		if (w->spare && n <= CHUNK_BYTES) {
			c = w->spare;
			w->spare = c->next;
		} else {
			size_t size = n > CHUNK_BYTES ? n : CHUNK_BYTES;
			if (!(c = malloc(sizeof *c + size)))
				return NULL;
			c->size = size;
		}
		c->used = 0;
		c->next = w->chunks;
		w->chunks = c;
	}
	char *p = c->mem + c->used;
	memcpy(p, d, n);
	c->used += n;
	return p;
}

/* The batch is written: keep the arena's chunks of the usual size for
 * the next one, free the odd big ones. */
static void empty_arena(struct sq *w)
{
	while (w->chunks) {
		struct chunk *c = w->chunks;
		w->chunks = c->next;
		if (c->size == CHUNK_BYTES) {
			c->next = w->spare;
			w->spare = c;
		} else {
			free(c);
		}
	}
}

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

static int step(struct sq *w, sqlite3_stmt *st, int64_t first, int n)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		/* The rows of one INSERT take consecutive rowids, past every
		 * other row (a rowid table that never reached the largest
		 * rowid); other writers' batches may fall between ours. */
		int64_t last = sqlite3_last_insert_rowid(w->db);
		if (w->first_rowid == 0)
			w->first_rowid = last - n + 1;
		w->last_rowid = last;
		return 0;
	}
	char what[80];
	snprintf(what, sizeof what, "writing events %" PRId64 "-%" PRId64, first, first + n - 1);
	remember(w, what);
	return -1;
}

/* Take the write lock for one batch (waiting for other writers: the busy
 * timeout of sqlite_pragmas.c). */
static int begin(struct sq *w, const char *what)
{
	if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		remember(w, what);
		return -1;
	}
	w->in_txn = 1;
	return 0;
}

/* Insert the batch's events, ROWS per statement and the tail one by one,
 * inside the open transaction. */
static int insert_batch(struct sq *w)
{
	int64_t seq = w->written;
	int n = w->nbatch, i = 0;
	for (; i + ROWS <= n; i += ROWS) {
		for (int r = 0; r < ROWS; r++)
			bind_event(w, w->insn, r * COLS, seq + i + r, &w->batch[i + r]);
		if (step(w, w->insn, seq + i, ROWS) < 0)
			return -1;
	}
	for (; i < n; i++) {
		bind_event(w, w->ins1, 0, seq + i, &w->batch[i]);
		if (step(w, w->ins1, seq + i, 1) < 0)
			return -1;
	}
	return 0;
}

/* A full batch: one transaction, held only while it is written. */
static void write_batch(struct sq *w)
{
	if (begin(w, "starting a batch of events") < 0)
		goto out;
	if (insert_batch(w) < 0)
		goto out;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		remember(w, "committing a batch of events");
		goto out;
	}
	w->in_txn = 0;
	w->written += w->nbatch;
out:
	if (w->in_txn) { /* a failed batch leaves nothing behind */
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		w->in_txn = 0;
	}
	w->nbatch = 0;
	empty_arena(w);
}

static void sq_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct sq *w = (struct sq *)s;

	w->given++;
	if (w->failed || w->finished)
		return;
	struct rt_event *e = &w->batch[w->nbatch];
	*e = *ev;
	if (ev->detail && !(e->detail = keep_detail(w, ev->detail))) {
		remember(w, "out of memory copying an event detail");
		return;
	}
	if (++w->nbatch == TR_SQLITE_BATCH)
		write_batch(w);
}

/* The schedules row, in ->finish's transaction. */
static int put_schedule(struct sq *w)
{
	static const char sql[] =
	        "INSERT INTO schedules (run, n_decisions, data, max_steps, max_time_ns)"
	        " VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = NULL;

	if (!w->has_sched && !w->has_limits)
		return 0;
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, w->run_id);
	if (w->has_sched) {
		sqlite3_bind_int64(st, 2, (int64_t)w->sched_n);
		sqlite3_bind_blob64(st, 3, w->sched ? (const void *)w->sched : "", w->sched_len,
		                    SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 4, w->has_limits ? w->max_steps : 0);
	sqlite3_bind_int64(st, 5, w->has_limits ? w->max_time_ns : 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	remember(w, w->has_sched ? "storing the schedule" : "storing the run's limits");
	sqlite3_finalize(st);
	return -1;
}

static int sq_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *stats,
                     const char *message, char *err, size_t errlen)
{
	static const char sql[] =
	        "UPDATE runs SET status = ?1, n_events = ?2, trace_hash = ?3, end_ns = ?4,"
	        " g_created = ?5, g_finished = ?6, ctx_switches = ?7, steals = ?8,"
	        " stolen_gs = ?9, spinning_periods = ?10, runqputslow = ?11, globrunqget = ?12,"
	        " mparks = ?13, max_ms = ?14, violations = ?15, message = ?16,"
	        " first_event = ?18, last_event = ?19 WHERE id = ?17";
	struct sq *w = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	char hash[17], what[160];

	if (w->finished)
		fatal("tr_sqlite finish: called twice");
	if (!stats)
		fatal("tr_sqlite finish: stats is NULL");
	w->finished = 1;
	if (w->failed)
		goto fail;
	if (stats->n_events != (uint64_t)w->given) {
		snprintf(what, sizeof what,
		         "finish: the stats count %" PRIu64
		         " events but the sink was given %" PRId64,
		         stats->n_events, w->given);
		sq_errf(err, errlen, w->path, NULL, what);
		return -1;
	}
	/* The last events, the schedule and the final runs row commit
	 * together. */
	if (begin(w, "starting the run's last batch") < 0 || insert_batch(w) < 0 ||
	    put_schedule(w) < 0)
		goto fail;
	snprintf(hash, sizeof hash, "%016" PRIx64, stats->hash);
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_text(st, 1, tr_status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)stats->n_events);
	sqlite3_bind_text(st, 3, hash, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, stats->end_ns);
	sqlite3_bind_int64(st, 5, stats->g_created);
	sqlite3_bind_int64(st, 6, stats->g_finished);
	sqlite3_bind_int64(st, 7, stats->ctx_switches);
	sqlite3_bind_int64(st, 8, stats->steals);
	sqlite3_bind_int64(st, 9, stats->stolen_gs);
	sqlite3_bind_int64(st, 10, stats->spinning_periods);
	sqlite3_bind_int64(st, 11, stats->runqputslow);
	sqlite3_bind_int64(st, 12, stats->globrunqget);
	sqlite3_bind_int64(st, 13, stats->mparks);
	sqlite3_bind_int64(st, 14, stats->max_ms);
	sqlite3_bind_int64(st, 15, stats->violations);
	if (message)
		sqlite3_bind_text(st, 16, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, w->run_id);
	if (w->last_rowid > 0) { /* NULL for a run without events */
		sqlite3_bind_int64(st, 18, w->first_rowid);
		sqlite3_bind_int64(st, 19, w->last_rowid);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	w->in_txn = 0;
	w->written += w->nbatch;
	w->nbatch = 0;
	empty_arena(w);
	return 0;
sqlfail:
	remember(w, "finishing the run");
fail:
	snprintf(err, errlen, "%s", w->errmsg);
	sqlite3_finalize(st);
	if (w->in_txn) { /* nothing of the last batch is kept */
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		w->in_txn = 0;
	}
	return -1;
}

static void sq_close(struct tr_sink *s)
{
	struct sq *w = (struct sq *)s;

	if (!w)
		return;
	sqlite3_finalize(w->insn);
	sqlite3_finalize(w->ins1);
	if (w->in_txn) /* tr_sqlite_open failed half-way */
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	/* Closed without finish: the events of the open batch were never
	 * written, and the run stays 'running'. */
	sqlite3_close_v2(w->db); /* the last connection checkpoints and removes the -wal */
	free_chunks(w->chunks);
	free_chunks(w->spare);
	free(w->batch);
	free(w->sched);
	free(w->path);
	free(w);
}

/* INSERT INTO events ... VALUES (?, ?, ...), ... with rows rows; the run
 * column of every row is bound here once and stays bound across resets. */
static sqlite3_stmt *prepare_insert(struct sq *w, int rows)
{
	static const char head[] = "INSERT INTO events (seq, run, t_ns, m, p, g, kind, obj, a,"
	                           " b, detail) VALUES ";
	static const char row[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char sql[sizeof head + ROWS * sizeof row];
	sqlite3_stmt *st = NULL;
	size_t len = sizeof head - 1;

	memcpy(sql, head, len);
	for (int r = 0; r < rows; r++) {
		if (r > 0)
			sql[len++] = ',';
		memcpy(sql + len, row, sizeof row - 1);
		len += sizeof row - 1;
	}
	sql[len] = 0;
	if (sqlite3_prepare_v2(w->db, sql, (int)len, &st, NULL) != SQLITE_OK)
		return NULL;
	for (int r = 0; r < rows; r++)
		sqlite3_bind_int64(st, r * COLS + 2, w->run_id);
	return st;
}

static int prepare_inserts(struct sq *w, char *err, size_t errlen)
{
	if (!(w->insn = prepare_insert(w, ROWS)) || !(w->ins1 = prepare_insert(w, 1))) {
		sq_errf(err, errlen, w->path, w->db, "preparing the events insert");
		return -1;
	}
	return 0;
}

struct tr_sink *tr_sqlite_open(const char *path, const struct tr_run *run, char *err, size_t errlen)
{
	struct sq *w = NULL;
	int fresh, rc;

	if (!path || !run)
		fatal("tr_sqlite_open: path and run are required");
	w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path)) ||
	    !(w->batch = malloc(TR_SQLITE_BATCH * sizeof *w->batch))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	w->sink.event = sq_event;
	w->sink.finish = sq_finish;
	w->sink.close = sq_close;
	for (int k = 0; k < RT_EV__COUNT; k++)
		w->name_len[k] = rt_evkind_name[k] ? (int)strlen(rt_evkind_name[k]) : 0;

	/* NOMUTEX: a sink belongs to one thread; this saves a mutex round
	 * trip in every bind and step. */
	rc = sqlite3_open_v2(path, &w->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                     NULL);
	if (rc != SQLITE_OK) {
		int e = w->db ? sqlite3_system_errno(w->db) : 0;
		char what[160];
		snprintf(what, sizeof what, "cannot open database%s%s", e ? ": " : "",
		         e ? strerror(e) : "");
		sq_errf(err, errlen, path, w->db, what);
		goto fail;
	}
	sqlite3_extended_result_codes(w->db, 1);
	/* Before the first read: another writer may be setting the file up. */
	w->jitter = (uint32_t)getpid() * 40503u;
	sqlite3_busy_handler(w->db, busy_wait, w);
	/* One read transaction, so that the check sees one state of the
	 * file: another writer may commit a new schema between two reads. */
	if (exec(w, "BEGIN", "reading it", err, errlen) < 0)
		goto fail;
	w->in_txn = 1;
	if (check_file(w, err, errlen) < 0)
		goto fail;
	if (exec(w, "COMMIT", "reading it", err, errlen) < 0)
		goto fail;
	w->in_txn = 0;
	if (exec_busy(w, tr_sqlite_pragmas, "setting up the connection", err, errlen) < 0)
		goto fail;
	/* The pragmas' busy_timeout replaced busy_wait with SQLite's own. */
	sqlite3_busy_handler(w->db, busy_wait, w);
	if (exec(w, "BEGIN IMMEDIATE", "locking the database", err, errlen) < 0)
		goto fail;
	w->in_txn = 1;
	/* Again under the write lock: another process may have created the
	 * schema since the first look. */
	if ((fresh = check_file(w, err, errlen)) < 0)
		goto fail;
	if (fresh == 1 && (exec(w, tr_schema_sql, "creating the schema", err, errlen) < 0 ||
	                   insert_state_names(w, err, errlen) < 0 ||
	                   exec(w, tr_views_sql, "creating the views", err, errlen) < 0))
		goto fail;
	/* A file of version k (fresh = k + 1) takes every step from k on. */
	for (int k = fresh - 1; fresh >= 2 && k < TR_SCHEMA_VERSION; k++) {
		char what[64];
		snprintf(what, sizeof what, "upgrading it from schema version %d", k);
		if (exec(w, upgrade_sql[k], what, err, errlen) < 0)
			goto fail;
	}
	/* Views a later build added (every view is CREATE VIEW IF NOT EXISTS):
	 * a file written by an older gsched gains them with its next run. */
	if (fresh != 1 && exec(w, tr_views_sql, "adding the views", err, errlen) < 0)
		goto fail;
	if (insert_run(w, run, err, errlen) < 0)
		goto fail;
	if (exec(w, "COMMIT", "committing the runs row", err, errlen) < 0)
		goto fail;
	w->in_txn = 0;

	if (prepare_inserts(w, err, errlen) < 0)
		goto fail;
	return &w->sink;
fail:
	if (w)
		sq_close(&w->sink);
	return NULL;
}

int64_t tr_sqlite_run_id(struct tr_sink *s)
{
	return ((struct sq *)s)->run_id;
}

/* The schedules row is written by ->finish, with the run's last events:
 * these only keep what it will hold. */
int tr_sqlite_set_schedule(struct tr_sink *s, const void *blob, size_t len, uint64_t n)
{
	struct sq *w = (struct sq *)s;
	unsigned char *copy = NULL;

	if (w->failed || w->finished)
		return -1;
	if (len && !(copy = malloc(len))) {
		remember(w, "out of memory storing the schedule");
		return -1;
	}
	if (len)
		memcpy(copy, blob, len);
	free(w->sched);
	w->sched = copy;
	w->sched_len = len;
	w->sched_n = n;
	w->has_sched = 1;
	return 0;
}

int tr_sqlite_set_limits(struct tr_sink *s, int64_t max_steps, int64_t max_time_ns)
{
	struct sq *w = (struct sq *)s;

	if (w->failed || w->finished)
		return -1;
	w->max_steps = max_steps;
	w->max_time_ns = max_time_ns;
	w->has_limits = 1;
	return 0;
}
