/*
 * reader.c - reading gsched databases back: a run's row, its events in
 * order and its stored schedule; the in-memory trace (struct tr_trace)
 * they are read into; the schedule's varint codec.
 *
 * Invariants:
 *  - A database is opened read-only and never created or modified: a
 *    file given to show/replay/diff is left exactly as it was, and
 *    nothing is created beside it.  SQLite's read-only connection to a
 *    WAL database would create FILE-wal and FILE-shm (and leave them,
 *    empty, as it may not delete them), and fail where the directory is
 *    read-only.  So a file without a FILE-wal - one whose last writer
 *    closed it, having checkpointed everything into the file - is
 *    opened immutable (no locks, no -wal, no -shm); a file with one - a
 *    writer is at work, or one was killed and its committed batches are
 *    in the -wal - is opened as SQLite's read-only connection, which
 *    reads the -wal and uses the -shm already there.
 *    The cost of immutable: a writer that starts while the file is read
 *    is not waited for; should it checkpoint into the file during the
 *    read (it does at its end), the events read no longer match the
 *    run's stored count and hash, which is reported as an error (read
 *    again), never read as a different run.
 *  - Nothing a file holds can crash the reader: every SQLite error,
 *    a failed PRAGMA quick_check, a foreign or newer schema, a missing
 *    run, an unknown event kind, a gap in seq, a malformed schedule
 *    blob and events that do not match the run's stored count and hash
 *    become one line "FILE: what is wrong" and the return value 2.
 *  - An incomplete run (status 'running': the writer died) is not an
 *    error here: it reads with status TR_RUNNING and the count and hash
 *    of the events it holds; callers decide what that means for them.
 *
 * Cost: tr_db_open runs PRAGMA quick_check, which reads every page of the
 * file (~0.5 s for a 1 GB database).  It is the price of the promise
 * that a truncated or overwritten file is reported instead of half-read;
 * a full integrity_check (index vs table cross-checks) would be ~5x that
 * and adds nothing for an events table with no index.  Reading one run's
 * events scans the events table (it has no index: schema.sql), another
 * pass over the file of the same order.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tr.h"

/* ---- interned strings ---- */

/* Open addressing over malloc'd copies; the hash is over the bytes, so
 * nothing depends on addresses. */
struct tr_strtab {
	char **slot;
	size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

static const char *intern(struct tr_strtab *t, const char *s)
{
	if (t->n * 2 >= t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char **ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return NULL;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->slot[i])
				continue;
			size_t j = str_hash(t->slot[i]) & (ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = t->slot[i];
		}
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	size_t j = str_hash(s) & (t->cap - 1);
	while (t->slot[j]) {
		if (strcmp(t->slot[j], s) == 0)
			return t->slot[j];
		j = (j + 1) & (t->cap - 1);
	}
	if (!(t->slot[j] = strdup(s)))
		return NULL;
	t->n++;
	return t->slot[j];
}

void tr_trace_init(struct tr_trace *t)
{
	memset(t, 0, sizeof *t);
}

int tr_trace_push(struct tr_trace *t, const struct rt_event *ev)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		struct rt_event *nev = realloc(t->ev, ncap * sizeof *nev);
		if (!nev)
			return -1;
		t->ev = nev;
		t->cap = ncap;
	}
	struct rt_event e = *ev;
	if (e.detail) {
		if (!t->strs && !(t->strs = calloc(1, sizeof *t->strs)))
			return -1;
		if (!(e.detail = intern(t->strs, e.detail)))
			return -1;
	}
	t->ev[t->n++] = e;
	return 0;
}

void tr_trace_free(struct tr_trace *t)
{
	if (t->strs) {
		for (size_t i = 0; i < t->strs->cap; i++)
			free(t->strs->slot[i]);
		free(t->strs->slot);
		free(t->strs);
	}
	free(t->ev);
	memset(t, 0, sizeof *t);
}

/* ---- a sink that keeps the events ---- */

struct capture {
	struct tr_sink sink; /* first */
	struct tr_trace *t;
	int failed;
};

static void cap_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct capture *c = (struct capture *)s;
	if (!c->failed && tr_trace_push(c->t, ev) < 0)
		c->failed = 1;
}

static int cap_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
                      const char *message, char *err, size_t errlen)
{
	struct capture *c = (struct capture *)s;
	if (c->failed) {
		snprintf(err, errlen, "out of memory keeping the run's events");
		return -1;
	}
	return 0;
}

static void cap_close(struct tr_sink *s)
{
	free(s);
}

struct tr_sink *tr_trace_sink(struct tr_trace *t)
{
	struct capture *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sink.event = cap_event;
	c->sink.finish = cap_finish;
	c->sink.close = cap_close;
	c->t = t;
	return &c->sink;
}

/* ---- the schedule codec ---- */

static size_t put_varint(unsigned char *p, uint32_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

int tr_schedule_encode(const uint32_t *pairs, uint64_t n, unsigned char **blob, size_t *len)
{
	/* At most 5 bytes per 32-bit value. */
	unsigned char *b = malloc(n ? n * 10 : 1);
	size_t k = 0;
	if (!b)
		return -1;
	for (uint64_t i = 0; i < 2 * n; i++)
		k += put_varint(b + k, pairs[i]);
	*blob = b;
	*len = k;
	return 0;
}

int tr_schedule_decode(const unsigned char *blob, size_t len, uint64_t n, uint32_t **pairs)
{
	uint32_t *p = NULL;
	size_t k = 0;

	*pairs = NULL;
	if (n > len / 2) /* each pair takes at least two bytes */
		return -1;
	if (!(p = malloc(n ? n * 2 * sizeof *p : 1)))
		return -1;
	for (uint64_t i = 0; i < 2 * n; i++) {
		uint64_t v = 0;
		int shift = 0;
		for (;;) {
			if (k >= len || shift > 28)
				goto fail;
			unsigned char c = blob[k++];
			v |= (uint64_t)(c & 0x7f) << shift;
			shift += 7;
			if (!(c & 0x80))
				break;
		}
		if (v > UINT32_MAX)
			goto fail;
		p[i] = (uint32_t)v;
	}
	if (k != len)
		goto fail;
	*pairs = p;
	return 0;
fail:
	free(p);
	return -1;
}

/* ---- names ---- */

int tr_status_parse(const char *name, enum tr_status *out)
{
	for (int s = TR_RUNNING; s < TR_STATUS__COUNT; s++)
		if (strcmp(name, tr_status_name((enum tr_status)s)) == 0) {
			*out = (enum tr_status)s;
			return 0;
		}
	return -1;
}

int tr_evkind_parse(const char *name, int32_t *kind)
{
	for (int k = 0; k < RT_EV__COUNT; k++)
		if (rt_evkind_name[k] && strcmp(name, rt_evkind_name[k]) == 0) {
			*kind = k;
			return 0;
		}
	/* The writer's name for a kind it had no name for. */
	if (strncmp(name, "kind_", 5) == 0 && name[5]) {
		char *end;
		errno = 0;
		long v = strtol(name + 5, &end, 10);
		if (!*end && !errno && v >= 0 && v <= INT32_MAX) {
			*kind = (int32_t)v;
			return 0;
		}
	}
	return -1;
}

void tr_header_free(struct tr_header *h)
{
	free(h->noise);
	free(h->cost);
	free(h->scenario);
	free(h->scenario_json);
	free(h->strategy);
	free(h->backend);
	free(h->policy_json);
	free(h->bugs_json);
	free(h->build);
	free(h->message);
	memset(h, 0, sizeof *h);
}

/* ---- the database ---- */

struct tr_db {
	sqlite3 *db;
	char *path;
	int version;
};

/* SQLite's message may quote a damaged schema's SQL, newlines and all;
 * ours are one line: each run of control characters becomes a space. */
void tr_one_line(char *s)
{
	char *o = s;
	for (char *c = s; *c; c++) {
		if ((unsigned char)*c < ' ' || *c == 0x7f) {
			if (o == s || o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = *c;
		}
	}
	*o = 0;
}

static void dberr(char *err, size_t errlen, const struct tr_db *d, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", d->path, what, sqlite3_errmsg(d->db));
	tr_one_line(err);
}

void tr_db_close(struct tr_db *d)
{
	if (!d)
		return;
	sqlite3_close_v2(d->db);
	free(d->path);
	free(d);
}

/* Open path read-only, creating nothing beside it (see the top of the
 * file): immutable when it has no -wal, else SQLite's read-only WAL
 * connection.  SQLite's result code; *db is set as sqlite3_open_v2 sets
 * it. */
static int open_ro(const char *path, sqlite3 **db)
{
	static const char hex[] = "0123456789ABCDEF";
	const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	size_t n = strlen(path);
	char *wal = malloc(n + 5), *uri = malloc(3 * n + 32);
	int rc = SQLITE_NOMEM;

	*db = NULL;
	if (!wal || !uri)
		goto out;
	snprintf(wal, n + 5, "%s-wal", path);
	if (access(wal, F_OK) == 0) {
		rc = sqlite3_open_v2(path, db, flags, NULL);
		goto out;
	}
	/* file:PATH?immutable=1 with PATH percent-encoded where a URI needs
	 * it; an absolute path gets an empty authority (file:///...). */
	size_t k = (size_t)sprintf(uri, "file:%s", path[0] == '/' ? "//" : "");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#' || *c <= ' ' || *c >= 0x7f) {
			uri[k++] = '%';
			uri[k++] = hex[*c >> 4];
			uri[k++] = hex[*c & 15];
		} else {
			uri[k++] = (char)*c;
		}
	}
	strcpy(uri + k, "?immutable=1");
	rc = sqlite3_open_v2(uri, db, flags | SQLITE_OPEN_URI, NULL);
out:
	free(wal);
	free(uri);
	return rc;
}

int tr_schema_version(const char *v)
{
	for (int k = 1; v && k <= TR_SCHEMA_VERSION; k++) {
		char name[16];
		snprintf(name, sizeof name, "%d", k);
		if (strcmp(v, name) == 0)
			return k;
	}
	return 0;
}

int tr_db_open(const char *path, struct tr_db **out, char *err, size_t errlen)
{
	struct tr_db *d = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return 2;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return 2;
	}
	if (!(d = calloc(1, sizeof *d)) || !(d->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (open_ro(path, &d->db) != SQLITE_OK) {
		if (d->db)
			dberr(err, errlen, d, "cannot open database");
		else
			snprintf(err, errlen, "%s: cannot open database", path);
		goto fail;
	}
	sqlite3_extended_result_codes(d->db, 1);
	sqlite3_busy_timeout(d->db, 10000);
	/* The first read: a file that is not SQLite fails here (NOTADB). */
	if (sqlite3_prepare_v2(d->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		dberr(err, errlen, d, "not a readable SQLite database");
		goto fail;
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		dberr(err, errlen, d, "not a readable SQLite database");
		goto fail;
	}
	const char *qc = (const char *)sqlite3_column_text(st, 0);
	if (!qc || strcmp(qc, "ok") != 0) {
		/* quick_check's report is many lines; the message must be one. */
		char first[160];
		snprintf(first, sizeof first, "%s", qc ? qc : "quick_check returned NULL");
		for (char *c = first; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		snprintf(err, errlen, "%s: corrupt database (truncated or overwritten?): %s", path,
		         first);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(d->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: not a gsched database (no meta.schema_version)", path);
		goto fail;
	}
	const char *v = (const char *)sqlite3_column_text(st, 0);
	if (!(d->version = tr_schema_version(v))) {
		snprintf(err, errlen,
		         "%s: gsched database of schema version %.20s; this gsched reads versions "
		         "1 to %d",
		         path, v ? v : "NULL", TR_SCHEMA_VERSION);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = d;
	return 0;
fail:
	sqlite3_finalize(st);
	tr_db_close(d);
	return 2;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s ? strdup(s) : NULL;
}

/* *out = the runs row's text column col, added in schema version since:
 * dflt for a file older than that or a NULL.  0, or 2 with err set. */
static int run_text_col(struct tr_db *d, int64_t id, const char *col, int since, const char *dflt,
                        char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (d->version >= since) {
		char sql[64], what[64];
		snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE id = ?1", col);
		snprintf(what, sizeof what, "reading runs.%s", col);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK ||
		    (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) != SQLITE_ROW) {
			dberr(err, errlen, d, what);
			sqlite3_finalize(st);
			return 2;
		}
		*out = dup_col(st, 0);
		sqlite3_finalize(st);
	}
	if (!*out && !(*out = strdup(dflt))) {
		snprintf(err, errlen, "%s: out of memory", d->path);
		return 2;
	}
	return 0;
}

static int parse_hash(const char *s, uint64_t *out)
{
	if (!s || strlen(s) != 16 || strspn(s, "0123456789abcdef") != 16)
		return -1;
	*out = strtoull(s, NULL, 16);
	return 0;
}

int tr_db_read_run(struct tr_db *d, int64_t id, struct tr_header *h, char *err, size_t errlen)
{
	static const char sql[] =
	        "SELECT scenario, scenario_json, seed, backend, strategy, window_ns, policy_json,"
	        " bugs_json, gomaxprocs, build, status, n_events, trace_hash, message"
	        " FROM runs WHERE id = ?1";
	/* Only for a run cut short (no n_events): a scan of the events. */
	static const char count_sql[] = "SELECT count(*) FROM events WHERE run = ?1";
	sqlite3_stmt *st = NULL;
	int64_t lo = 0, hi = 0;

	memset(h, 0, sizeof *h);
	if (sqlite3_prepare_v2(d->db, "SELECT min(id), max(id) FROM runs", -1, &st, NULL) !=
	            SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		dberr(err, errlen, d, "reading the runs table");
		goto fail;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		snprintf(err, errlen, "%s: holds no runs", d->path);
		goto fail;
	}
	lo = sqlite3_column_int64(st, 0);
	hi = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (id == 0)
		id = hi;
	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
		dberr(err, errlen, d, "reading the runs table");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		snprintf(err, errlen,
		         "%s: no run %" PRId64 " (the file holds runs %" PRId64 " to %" PRId64 ")",
		         d->path, id, lo, hi);
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		dberr(err, errlen, d, "reading the runs table");
		goto fail;
	}
	h->run_id = id;
	h->scenario = dup_col(st, 0);
	h->scenario_json = dup_col(st, 1);
	h->seed = (uint64_t)sqlite3_column_int64(st, 2);
	h->backend = dup_col(st, 3);
	h->strategy = dup_col(st, 4);
	h->window_ns = sqlite3_column_int64(st, 5);
	h->policy_json = dup_col(st, 6);
	h->bugs_json = dup_col(st, 7);
	h->gomaxprocs = sqlite3_column_int(st, 8);
	h->build = dup_col(st, 9);
	h->message = dup_col(st, 13);
	h->max_steps = h->max_time_ns = -1;
	h->idle_bound_ns = h->starve_bound_ns = h->progress_bound = h->timer_bound_ns = -1;
	const char *status = (const char *)sqlite3_column_text(st, 10);
	if (!status || tr_status_parse(status, &h->status) < 0) {
		snprintf(err, errlen, "%s: run %" PRId64 ": unknown status '%.40s'", d->path, id,
		         status ? status : "NULL");
		goto fail;
	}
	if (h->status == TR_RUNNING) {
		sqlite3_stmt *cnt = NULL;
		if (sqlite3_prepare_v2(d->db, count_sql, -1, &cnt, NULL) != SQLITE_OK ||
		    (sqlite3_bind_int64(cnt, 1, id), sqlite3_step(cnt)) != SQLITE_ROW) {
			sqlite3_finalize(cnt);
			dberr(err, errlen, d, "counting the run's events");
			goto fail;
		}
		h->n_events = (uint64_t)sqlite3_column_int64(cnt, 0); /* hash: read_events */
		sqlite3_finalize(cnt);
	} else {
		h->n_events = (uint64_t)sqlite3_column_int64(st, 11);
		if (parse_hash((const char *)sqlite3_column_text(st, 12), &h->hash) < 0) {
			snprintf(err, errlen,
			         "%s: run %" PRId64 ": runs.trace_hash is not 16 hex "
			         "digits",
			         d->path, id);
			goto fail;
		}
	}
	if (!h->scenario || !h->backend || !h->policy_json || !h->bugs_json || !h->build) {
		snprintf(err, errlen, "%s: run %" PRId64 ": the runs row is missing a field",
		         d->path, id);
		goto fail;
	}
	if (!h->strategy && !(h->strategy = strdup("random")))
		goto oom;
	sqlite3_finalize(st);
	st = NULL;
	if (run_text_col(d, id, "noise", 3, "off", &h->noise, err, errlen) != 0 ||
	    run_text_col(d, id, "cost", 6, "", &h->cost, err, errlen) != 0)
		goto fail;
	if (d->version >= 4) {
		if (sqlite3_prepare_v2(
		            d->db,
		            "SELECT idle_bound_ns, starve_bound_ns, progress_bound FROM runs"
		            " WHERE id = ?1",
		            -1, &st, NULL) != SQLITE_OK ||
		    (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) != SQLITE_ROW) {
			dberr(err, errlen, d, "reading the runs row's oracle bounds");
			goto fail;
		}
		/* NULL (not recorded) stays -1; a negative bound is no bound. */
		int64_t *to[] = {&h->idle_bound_ns, &h->starve_bound_ns, &h->progress_bound};
		for (int c = 0; c < 3; c++)
			if (sqlite3_column_type(st, c) != SQLITE_NULL &&
			    sqlite3_column_int64(st, c) >= 0)
				*to[c] = sqlite3_column_int64(st, c);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (d->version >= 7) {
		if (sqlite3_prepare_v2(d->db, "SELECT timer_bound_ns FROM runs WHERE id = ?1", -1,
		                       &st, NULL) != SQLITE_OK ||
		    (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) != SQLITE_ROW) {
			dberr(err, errlen, d, "reading runs.timer_bound_ns");
			goto fail;
		}
		if (sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int64(st, 0) >= 0)
			h->timer_bound_ns = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (d->version >= 2) {
		if (sqlite3_prepare_v2(
		            d->db, "SELECT max_steps, max_time_ns FROM schedules WHERE run = ?1",
		            -1, &st, NULL) != SQLITE_OK) {
			dberr(err, errlen, d, "reading the schedules table");
			goto fail;
		}
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			h->max_steps = sqlite3_column_int64(st, 0);
			h->max_time_ns = sqlite3_column_int64(st, 1);
		} else if (rc != SQLITE_DONE) {
			dberr(err, errlen, d, "reading the schedules table");
			goto fail;
		}
		sqlite3_finalize(st);
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", d->path);
fail:
	sqlite3_finalize(st);
	tr_header_free(h);
	return 2;
}

int tr_db_read_events(struct tr_db *d, struct tr_header *h, struct tr_trace *t, char *err,
                      size_t errlen)
{
	/* In seq order: in a rowid table (schema.sql) that is rowid order,
	 * which needs no sort; a file of the keyed WITHOUT ROWID table has no
	 * rowid, and its key gives seq order.  A row out of order is caught
	 * below as a gap in seq. */
	static const char by_rowid[] = "SELECT seq, t_ns, m, p, g, kind, obj, a, b, detail"
	                               " FROM events WHERE run = ?1 ORDER BY rowid";
	static const char by_seq[] = "SELECT seq, t_ns, m, p, g, kind, obj, a, b, detail"
	                             " FROM events WHERE run = ?1 ORDER BY seq";
	/* Version 5 records a finished run's rowid range (schema.sql): a
	 * range of the table rather than a scan of all of it. */
	static const char by_range[] = "SELECT seq, t_ns, m, p, g, kind, obj, a, b, detail"
	                               " FROM events WHERE rowid BETWEEN ?2 AND ?3 AND run = ?1"
	                               " ORDER BY rowid";
	sqlite3_stmt *st = NULL;
	struct tr_stats stats;
	int rc;

	tr_trace_init(t);
	tr_stats_init(&stats);
	if (d->version >= 5) {
		if (sqlite3_prepare_v2(d->db,
		                       "SELECT first_event, last_event FROM runs WHERE id = ?1", -1,
		                       &st, NULL) != SQLITE_OK ||
		    (sqlite3_bind_int64(st, 1, h->run_id), sqlite3_step(st)) != SQLITE_ROW) {
			dberr(err, errlen, d, "reading the runs row's event range");
			goto fail;
		}
		bool ranged = sqlite3_column_type(st, 0) != SQLITE_NULL &&
		              sqlite3_column_type(st, 1) != SQLITE_NULL;
		int64_t first = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
		st = NULL;
		/* A file of the keyed WITHOUT ROWID table has no rowid: below. */
		if (ranged && sqlite3_prepare_v2(d->db, by_range, -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 2, first);
			sqlite3_bind_int64(st, 3, last);
		}
	}
	if (!st && sqlite3_prepare_v2(d->db, by_rowid, -1, &st, NULL) != SQLITE_OK &&
	    sqlite3_prepare_v2(d->db, by_seq, -1, &st, NULL) != SQLITE_OK) {
		dberr(err, errlen, d, "reading the events table");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, h->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rt_event ev;
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 5);
		if (seq != (int64_t)t->n) {
			snprintf(err, errlen,
			         "%s: run %" PRId64 ": event %zu is missing (next seq is %" PRId64
			         ")",
			         d->path, h->run_id, t->n, seq);
			goto fail;
		}
		if (!kind || tr_evkind_parse(kind, &ev.kind) < 0) {
			snprintf(err, errlen,
			         "%s: run %" PRId64 ": event %" PRId64 ": unknown kind '%.40s'",
			         d->path, h->run_id, seq, kind ? kind : "NULL");
			goto fail;
		}
		ev.t_ns = sqlite3_column_int64(st, 1);
		ev.m = sqlite3_column_int(st, 2);
		ev.p = sqlite3_column_int(st, 3);
		ev.g = sqlite3_column_int64(st, 4);
		ev.obj = sqlite3_column_int64(st, 6);
		ev.a = sqlite3_column_int64(st, 7);
		ev.b = sqlite3_column_int64(st, 8);
		ev.detail = (const char *)sqlite3_column_text(st, 9);
		if (tr_trace_push(t, &ev) < 0) {
			snprintf(err, errlen, "%s: out of memory reading run %" PRId64, d->path,
			         h->run_id);
			goto fail;
		}
		tr_stats_add(&stats, &t->ev[t->n - 1]);
	}
	if (rc != SQLITE_DONE) {
		char what[80];
		snprintf(what, sizeof what, "reading the events of run %" PRId64, h->run_id);
		dberr(err, errlen, d, what);
		goto fail;
	}
	sqlite3_finalize(st);
	if (h->status == TR_RUNNING) {
		h->n_events = stats.n_events;
		h->hash = stats.hash;
	} else if (stats.n_events != h->n_events || stats.hash != h->hash) {
		snprintf(err, errlen,
		         "%s: run %" PRId64 ": its %" PRIu64 " events do not match the runs row"
		         " (%" PRIu64 " events, hash %016" PRIx64 "): the file was altered",
		         d->path, h->run_id, stats.n_events, h->n_events, h->hash);
		tr_trace_free(t);
		return 2;
	}
	return 0;
fail:
	sqlite3_finalize(st);
	tr_trace_free(t);
	return 2;
}

int tr_db_read_schedule(struct tr_db *d, struct tr_header *h, uint32_t **pairs, uint64_t *n,
                        char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int ret = 2;

	*pairs = NULL;
	*n = 0;
	if (d->version < 2)
		return 1;
	if (sqlite3_prepare_v2(d->db, "SELECT n_decisions, data FROM schedules WHERE run = ?1", -1,
	                       &st, NULL) != SQLITE_OK) {
		dberr(err, errlen, d, "reading the schedules table");
		goto out;
	}
	sqlite3_bind_int64(st, 1, h->run_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL)) {
		ret = 1;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		dberr(err, errlen, d, "reading the schedules table");
		goto out;
	}
	int64_t nd = sqlite3_column_int64(st, 0);
	const unsigned char *blob = sqlite3_column_blob(st, 1);
	size_t len = (size_t)sqlite3_column_bytes(st, 1);
	if (nd < 0 || (nd > 0 && !blob) ||
	    tr_schedule_decode(blob ? blob : (const unsigned char *)"", len, (uint64_t)nd, pairs) <
	            0) {
		snprintf(err, errlen,
		         "%s: run %" PRId64
		         ": the stored schedule is corrupt (%zu bytes do not hold "
		         "%" PRId64 " decisions)",
		         d->path, h->run_id, len, nd);
		goto out;
	}
	*n = (uint64_t)nd;
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}
