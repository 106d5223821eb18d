/*
 * testutil.h - what several suites share: a sink that keeps a run's
 * events in memory, and running the gsched binary.
 */
#ifndef GSCHED_TESTS_TESTUTIL_H
#define GSCHED_TESTS_TESTUTIL_H

#include <stddef.h>

#include "tr.h"

/* A sink that keeps every event in memory (pass &m.base as cfg.sink). */
struct memsink {
	struct tr_sink base;
	struct rt_event *ev;
	size_t n, cap;
};
void memsink_init(struct memsink *m);
void memsink_free(struct memsink *m);

struct p;
/* A P for tests that drive run queues directly: p_init gives a zeroed
 * P its ring of RT_RUNQ_SIZE slots (as procresize does) and puts the
 * runtime's policies at Go's defaults; p_fini frees the ring.  newp and
 * freep: the same for a P of their own. */
void test_p_init(struct p *pp);
void test_p_fini(struct p *pp);
struct p *test_newp(void);
void test_freep(struct p *pp);

/* Run `gsched ARGS` (stdout and stderr together, at most outlen-1 bytes
 * kept in out); returns its exit status, -1 if it did not exit. */
int run_gsched(char *out, size_t outlen, const char *args);
/* The same with printf-style arguments. */
int run_gschedf(char *out, size_t outlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* A fresh directory /tmp/gsched-TAG-XXXXXX (its name into dir), and
 * removing a directory with everything in it. */
void test_mkdtemp(char *dir, size_t len, const char *tag);
void test_rmtree(const char *dir);

/* The whole of a file, NUL-terminated, in memory the caller frees; the
 * test fails if the file cannot be read. */
char *test_read_file(const char *path);

/* A suite's per-test directory with a database path in it: DIR/t.db.
 * test_dbdir_open makes the directory (a checked fixture's setup);
 * test_dbdir_close removes it with everything in it (its teardown). */
struct test_dbdir {
	char dir[64];
	char db[128];
};
void test_dbdir_open(struct test_dbdir *d, const char *tag);
void test_dbdir_close(const struct test_dbdir *d);

#endif
