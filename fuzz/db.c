/*
 * db.c - fuzz target: the database reader (traces/reader.c).
 *
 * The input is a database file's bytes.  It is written to a file of
 * this process's own (SQLite reads files, and the reader stats and
 * opens a path) and read as `gsched show` and `replay` read one: open
 * (quick_check, schema version), every run's row, its events (seq, count
 * and hash checked against the row), its schedule.  Any bytes must read
 * or give a one-line message, never a crash or a leak.
 * Cost: a write and an open per input, ~100 us on tmpfs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tr.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct tr_db *db = NULL;
	if (!path[0]) {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(path, sizeof path, "%s/gsched-fuzz-%d.db", dir, (int)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	size_t w = fwrite(data, 1, size, f);
	fclose(f);
	if (w != size)
		return 0;
	if (tr_db_open(path, &db, err, sizeof err) == 0) {
		/* the last run, then runs 1, 2, 3 as --run N asks for them */
		for (int64_t id = 0; id <= 3; id++) {
			struct tr_header h = {0};
			struct tr_trace t;
			uint32_t *pairs = NULL;
			uint64_t n = 0;
			tr_trace_init(&t);
			if (tr_db_read_run(db, id, &h, err, sizeof err) == 0 &&
			    tr_db_read_events(db, &h, &t, err, sizeof err) == 0 &&
			    tr_db_read_schedule(db, &h, &pairs, &n, err, sizeof err) == 0)
				free(pairs);
			tr_trace_free(&t);
			tr_header_free(&h);
		}
		tr_db_close(db);
	}
	if (strchr(err, '\n') || strchr(err, '\r'))
		abort(); /* a message is one line */
	unlink(path);
	return 0;
}
