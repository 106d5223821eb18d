/*
 * explore.h - what `gsched explore`, `replay DIR` and `shrink` share
 * (explore.c): one seed's run classified as a failure or not, the
 * compact schedule string, and a failure's folder.
 */
#ifndef GSCHED_CLI_EXPLORE_H
#define GSCHED_CLI_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "sim.h"
#include "tr.h"

/* One run as explore judges it. */
struct ex_run {
	int rc; /* cli_run's with assertions: 0 passed, 1 failed */
	enum tr_status status;
	/* What fired, the key failures are grouped by: "violation: DETAIL"
	 * (the violation event's detail: a throw's message or an oracle's
	 * name), "deadlock", "panic: MESSAGE", "assertion $.assert[N]
	 * KIND"; empty when the run passed. */
	char oracle[160];
	char message[256];
	uint64_t hash, n_events;
	int64_t steps, decisions;
	uint64_t cov[TR_NCOVERAGE]; /* events of each coverage row (tr_coverage[]) */
};

/* Run o (o->seed, its strategy and window; assertions on) and judge it.
 * extra, if not NULL, sees every event too.  With res not NULL the
 * result is left there (free(res->schedule)).  0, or 2 with a message. */
int ex_run_one(const struct cli_opts *o, struct tr_sink *extra, struct ex_run *r,
               struct sim_result *res, char *err, size_t errlen);

/* The schedule string: "gs1:" N ":" then the N decisions, each (n, pick)
 * packed into one number, (n-1)n/2 - 1 + pick, as unsigned LEB128, in
 * base64url without padding.  Version 1; a decision among up to 15
 * threads is one byte.  format: malloc'd string, NULL out of memory.
 * parse: 0, or -1 with what is wrong in err (*out malloc'd). */
char *ex_schedule_format(const struct sim_decision *d, size_t n);
int ex_schedule_parse(const char *s, struct sim_decision **out, size_t *n, char *err,
                      size_t errlen);

/* A failure's folder DIR: DIR/run.db (the run, its events and its
 * schedule), DIR/schedule (the string), DIR/story (the last transitions
 * of each M, in sentences).  Re-runs o recording into them, checks that
 * the hash equals want_hash (the determinism self-check), and fills r
 * from the re-run.  0 (*same_hash set), or 2 with a message. */
int ex_write_failure(const struct cli_opts *o, const char *dir, uint64_t want_hash,
                     struct ex_run *r, bool *same_hash, char *err, size_t errlen);

#endif
