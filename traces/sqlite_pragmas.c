/*
 * sqlite_pragmas.c - the connection settings of every gsched database
 * writer, and why.  Kept apart from the writer so bench_sqlite_raw can
 * measure SQLite under the same settings without linking the runtime.
 *
 * The bar: a trace must keep every committed batch when the process is
 * killed (SIGKILL, abort() from a throw, the OOM killer), the file must
 * always open afterwards, and writing must run near the raw insert rate.
 *
 *   journal_mode=WAL      A commit appends pages to FILE-wal and returns;
 *                         a killed process leaves them there and the next
 *                         connection recovers them.  Readers (a user's
 *                         sqlite3 shell) can query while a run is written.
 *   synchronous=NORMAL    In WAL mode this fsyncs only at checkpoints,
 *                         not at every commit.  What a commit wrote is in
 *                         the OS page cache once write() returns, so a
 *                         process crash loses nothing committed; an OS
 *                         crash or power cut can lose the last batches
 *                         but never corrupts the file.  OFF would allow
 *                         corruption on power loss for no measurable gain
 *                         once checkpoints are rare (below).
 *   wal_autocheckpoint    16384 pages (64 MiB) instead of 1000: each
 *                         checkpoint costs an fsync; with the default the
 *                         writer ran ~20% slower (measured: 2M events,
 *                         ~400k/s vs ~500k/s on the 2-core dev machine).
 *   journal_size_limit    truncate the WAL back to 64 MiB after a
 *                         checkpoint so a long trace does not leave a
 *                         huge -wal file behind.
 *   cache_size            32 MiB of page cache per connection.
 *   (no busy_timeout)     several writers may append runs to one file
 *                         (explore -j N, make -j); they take turns per
 *                         batch (sqlite.c holds the write lock only while
 *                         it writes one).  The writer installs its own
 *                         busy handler (sqlite.c, busy_wait: retries every
 *                         1-4 ms for up to TR_SQLITE_BUSY_MS, 120 s) before
 *                         its first read, so that it covers the
 *                         journal_mode change too, which needs the file
 *                         to itself for a moment when it is new; PRAGMA
 *                         busy_timeout would replace it with SQLite's.
 *
 * Rejected: journal_mode=OFF or MEMORY (a killed process can leave a
 * corrupt file), locking_mode=EXCLUSIVE (no faster in WAL mode here, and
 * it locks out readers during a run).
 */
#include "tr.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

const char tr_sqlite_pragmas[] =
        "PRAGMA busy_timeout = " STR(TR_SQLITE_BUSY_MS) ";\n"
                                                        "PRAGMA journal_mode = WAL;\n"
                                                        "PRAGMA synchronous = NORMAL;\n"
                                                        "PRAGMA wal_autocheckpoint = 16384;\n"
                                                        "PRAGMA journal_size_limit = 67108864;\n"
                                                        "PRAGMA cache_size = -32768;\n";
