/*
 * an.h - analysis over a run's event stream: the assertion checker and
 * the tee sink.
 *
 * The checker is a struct tr_sink: it consumes the events of one run, in
 * order, as the SQLite writer does, and keeps per-goroutine and
 * per-label figures in O(goroutines + labels) memory (no event is
 * stored).  After the run, an_evaluate checks the scenario's assertions
 * ("assert" in docs/scenarios.md) against those figures and the run's
 * end status.  The figures are Go's: a goroutine's label comes from the
 * label event the runtime emits after its newproc (main's from the
 * scenario's main-label); runnable waits run from a gstatus transition
 * to _Grunnable to the next one to _Grunning; running time is the sum of
 * _Grunning intervals.
 *
 * Times are the events' t_ns: each is the clock of the M that made the
 * transition.  Under window 0 those clocks are ordered; under a wider
 * window an interval may span two Ms' clocks and is clamped at 0.
 */
#ifndef GSCHED_ANALYSIS_AN_H
#define GSCHED_ANALYSIS_AN_H

#include <stdbool.h>
#include <stddef.h>

#include "sc.h"
#include "tr.h"

struct an_checker;

/* A checker for one run of sc (sc must outlive it); NULL if out of memory. */
struct an_checker *an_new(const struct sc_scenario *sc);
void an_free(struct an_checker *c);

/* The run's eligible window (sim_config.window_ns; -1 inf; default 0).
 * Under a window of W ns two Ms' clocks differ by at most W, so bounds
 * on intervals between two Ms' events (max-runnable-wait, finish-before)
 * get W of slack; under inf the clocks are not comparable at all, and
 * those assertions and min-parallelism are skipped (reported as passed,
 * with the reason). */
void an_set_window(struct an_checker *c, int64_t window_ns);

/* The run's events carry wall-clock time (the native backend): the Ms'
 * clocks agree (no window slack), and max-runnable-wait and
 * finish-before, whose ns are bounds in virtual time, are checked
 * against their native-ns instead, or skipped (reported as passed, with
 * the reason) when the scenario gives none. */
void an_set_real_time(struct an_checker *c, bool real_time);

/* Feed one event (what the sink's ->event does). */
void an_event(struct an_checker *c, const struct rt_event *ev);
/* The checker as a sink: ->event feeds it; ->finish and ->close do
 * nothing (an_free frees it). */
struct tr_sink *an_sink(struct an_checker *c);

/* One assertion's outcome. */
struct an_result {
	const struct sc_assert *as;
	bool passed;
	char text[200]; /* "cpu-share hog/pingpong = 37.2 (expected within 20)" */
};

/* Check the scenario's assertions against the run that ended with
 * status at end_ns (the largest event time).  Returns the number of
 * results (sc_assert_count), each in out[i]; out holds at least that
 * many.  A run stopped at a --max-steps/--max-time limit is incomplete:
 * its results all pass with the text "skipped: ..." */
size_t an_evaluate(struct an_checker *c, enum tr_status status, int64_t end_ns,
                   struct an_result *out);

/* The exit status gsched run gives: 1 if any result failed, if the run
 * ended in a violation or a fatal error, or in a deadlock the scenario
 * did not expect ({"deadlock": true}); 0 otherwise. */
int an_exit_status(const struct sc_scenario *sc, enum tr_status status, const struct an_result *res,
                   size_t n);

/* A sink that hands every event to a, then b (either may be NULL).
 * ->finish finishes both and returns the first failure; ->close closes
 * both and frees the tee. */
struct tr_sink *an_tee(struct tr_sink *a, struct tr_sink *b);

#endif
