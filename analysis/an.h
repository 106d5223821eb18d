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

/* While the run goes on, the longest time within [from, to] that the
 * OS kept one thread off its core (the simulator's noise model:
 * sim_os_away_within; NULL, the default: none).  A wait that ends while
 * the run goes on does not count it, as the work-conservation oracle
 * does not: an M the OS takes off its core while it holds a goroutine
 * it is about to run delays that goroutine by the OS's doing, not the
 * scheduler's (a wait still open at the end counts in full). */
void an_set_away(struct an_checker *c, int64_t (*away)(int64_t from, int64_t to));

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

/* ====================================================================
 * Metrics of one run (metrics.c): what `gsched report` prints and
 * `gsched compare` compares, from the event stream alone, in one pass.
 * ==================================================================== */

/* The scalar metrics, one row each of an_metric_defs[]. */
enum an_metric {
	AN_MAKESPAN,     /* ns: the run's end_ns */
	AN_LAT_N,        /* runnable -> running waits */
	AN_LAT_P50,      /* ns, nearest rank */
	AN_LAT_P90,      /* ns */
	AN_LAT_P99,      /* ns */
	AN_LAT_MAX,      /* ns */
	AN_JAIN_G,       /* Jain's index of CPU time across goroutines that ran */
	AN_JAIN_LABEL,   /* ... across labels (each label's CPU per goroutine) */
	AN_P_UTIL,       /* goroutine running time / (gomaxprocs x time) */
	AN_WC_LOSS,      /* ns during which an idle P and a runnable goroutine coexisted */
	AN_WC_LOSS_P,    /* P-ns: the integral of min(idle Ps, runnable goroutines) */
	AN_WC_LOSS_FRAC, /* AN_WC_LOSS_P / (gomaxprocs x time) */
	AN_STEALS,       /* steal events */
	AN_STEAL_MEAN,   /* goroutines per steal */
	AN_SPIN,         /* ns Ms spent spinning, summed over Ms */
	AN_PREEMPTS,     /* preempt events */
	AN_HANDOFFS,     /* handoffp events: a P handed off from a syscall */
	AN_SWITCHES,     /* runnable -> running */
	AN_NMETRICS
};

struct an_metric_def {
	const char *key;  /* JSON/CSV name: "lat_p99" */
	const char *unit; /* "ns", "" (a count), "ratio" */
	const char *help; /* one line for people */
};
extern const struct an_metric_def an_metric_defs[AN_NMETRICS];

/* One label's figures; label "-" gathers the goroutines without one. */
struct an_label_stats {
	char *name;
	int64_t gs, ran; /* goroutines, and those that ran at all */
	int64_t cpu_ns;
	int64_t lat_n, lat_p50, lat_p90, lat_p99, lat_max;
};

/* A goroutine that waited long. */
struct an_waiter {
	int64_t g;
	char label[48]; /* "-" if none */
	int64_t max_wait, total_wait, waits;
};

#define AN_TOP_WAITERS 5

struct an_metrics {
	double v[AN_NMETRICS]; /* NaN where a metric has no value (no waits, one label) */
	struct an_label_stats *labels;
	size_t nlabels;
	struct an_waiter top[AN_TOP_WAITERS]; /* longest single wait first */
	size_t ntop;
	int64_t *p_busy_ns; /* per P id: time goroutines ran on it */
	size_t np;
};

/* A metrics accumulator for a run of gomaxprocs Ps whose goroutine 1
 * (main, which gets no label event) has main_label (NULL: none).  Its
 * sink feeds it (->finish and ->close do nothing); NULL if out of
 * memory. */
struct an_acc *an_acc_new(int gomaxprocs, const char *main_label);
void an_acc_event(struct an_acc *a, const struct rt_event *ev);
struct tr_sink *an_acc_sink(struct an_acc *a);
/* The metrics of the run that ended at end_ns (0: the largest event
 * time).  0, or -1 out of memory.  an_metrics_free frees m's arrays. */
int an_acc_finish(struct an_acc *a, int64_t end_ns, struct an_metrics *m);
void an_acc_free(struct an_acc *a);
void an_metrics_free(struct an_metrics *m);

/* Jain's fairness index (sum x)^2 / (n sum x^2) of n values: 1 when all
 * are equal, 1/n when one has everything; NaN for n = 0 or all zero. */
double an_jain(const double *x, size_t n);

/* Statistics over seeds (stats.c). */
struct an_sample {
	double mean, var, ci; /* ci: the 95% confidence interval's half-width (Student's t) */
	int n;                /* values that are not NaN */
};
struct an_sample an_sample_of(const double *x, int n);
/* Welch's t-test of b's mean against a's: diff = b - a with its 95%
 * interval, t, df (Welch-Satterthwaite) and the two-sided p (NaN when a
 * side has fewer than 2 values; 1 or 0 when neither varies). */
struct an_welch {
	double diff, ci, t, df, p;
};
struct an_welch an_welch_of(struct an_sample a, struct an_sample b);
/* Student's t with df degrees of freedom: P(|T| >= t), and the t with
 * P(T <= t) = p for p in (0.5, 1). */
double an_t_two_sided(double t, double df);
double an_t_quantile(double p, double df);

#endif
