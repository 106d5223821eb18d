/*
 * bench_insert.c - bench_sqlite_raw: the raw SQLite insert rate on this
 * machine, the yardstick for the trace writer.
 *
 *   bench_sqlite_raw [ROWS]      (default 2000000)
 *
 * Inserts ROWS rows of 9 integer columns through one prepared INSERT in
 * one transaction into a fresh temporary database file, under the
 * writer's PRAGMAs and open flags (tr_sqlite_pragmas), and prints
 *
 *   raw_insert_rows_per_sec N
 *
 * Only the insert loop and its COMMIT are timed, in CPU time of the
 * process (user and system, as bench_sim measures the writer: on a
 * shared machine a wall clock counts the time spent waiting for a CPU,
 * which made the raw rate look three times lower than the writer's);
 * the file is removed afterwards.  The writer (sqlite.c) is held to at
 * least 80% of this rate: it stores 11 columns with a (run, seq) key and
 * commits every TR_SQLITE_BATCH rows, which is what a trace costs over
 * this.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tr.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void remove_db(const char *path)
{
	char side[4200];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int main(int argc, char **argv)
{
	long long rows = 2000000;
	const char *tmpdir = getenv("TMPDIR");
	char path[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int fd, status = 1;

	if (argc > 2 || (argc == 2 && (rows = strtoll(argv[1], NULL, 10)) <= 0)) {
		fprintf(stderr, "usage: bench_sqlite_raw [ROWS]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/bench_sqlite_raw.XXXXXX", tmpdir ? tmpdir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		perror(path);
		return 1;
	}
	close(fd);
	remove_db(path); /* mkstemp reserved the name; SQLite creates the file */

	if (sqlite3_open_v2(path, &db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK ||
	    sqlite3_exec(db, tr_sqlite_pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE TABLE t (c1 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER,"
	                 " c5 INTEGER, c6 INTEGER, c7 INTEGER, c8 INTEGER, c9 INTEGER)",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1,
	                       &st, NULL) != SQLITE_OK)
		goto fail;

	double t0 = now();
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (long long i = 0; i < rows; i++) {
		/* Values shaped like events: a growing time, small ids. */
		sqlite3_bind_int64(st, 1, i * 137);
		sqlite3_bind_int64(st, 2, i & 3);
		sqlite3_bind_int64(st, 3, (i & 3) - 1);
		sqlite3_bind_int64(st, 4, i % 1000);
		sqlite3_bind_int64(st, 5, 1 + i % 22);
		sqlite3_bind_int64(st, 6, i % 997);
		sqlite3_bind_int64(st, 7, i & 7);
		sqlite3_bind_int64(st, 8, i & 1);
		sqlite3_bind_int64(st, 9, i);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	double dt = now() - t0;
	printf("raw_insert_rows_per_sec %.0f\n", (double)rows / dt);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "bench_sqlite_raw: %s: %s\n", path,
	        db ? sqlite3_errmsg(db) : "out of memory");
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	remove_db(path);
	return status;
}
