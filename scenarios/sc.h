/*
 * sc.h - the workload language: loading scenario files and running them.
 *
 * A scenario is a JSON document (docs/scenarios.md) naming gomaxprocs,
 * goroutine bodies made of ops (spawn, spend, sleep, channels, select,
 * mutexes, wait groups, repeat, if, ...), the body main runs, the
 * channels, mutexes and wait groups a run creates, and assertions the run
 * must satisfy (checked by analysis/).  sc_load validates the whole document up front,
 * so that a run never starts on bad input; every error message names the
 * file, the JSON path (e.g. $.bodies.worker[2].count) and what was
 * expected.
 *
 * Running: sc_run_new prepares the per-run state (the workload PRNG
 * stream); sc_main is the main goroutine's function.  The interpreter
 * reaches the scheduler only through runtime/gs.h.
 */
#ifndef GSCHED_SCENARIOS_SC_H
#define GSCHED_SCENARIOS_SC_H

#include <stddef.h>
#include <stdint.h>

struct sc_scenario;
struct sc_run;

/* Load by bundled name (e.g. "spawn-tree") or by path (anything with a
 * '/' or ending in ".json").  Returns 0, or 2 with a one-line message in
 * err ("FILE: $.path: expected ..."). */
int sc_load(const char *name_or_path, struct sc_scenario **out, char *err, size_t errlen);
/* Parse a document held in memory; file is used in messages only. */
int sc_parse(const char *file, const char *text, struct sc_scenario **out, char *err,
             size_t errlen);
void sc_free(struct sc_scenario *sc);

const char *sc_name(const struct sc_scenario *sc); /* "name" field, or file stem */
const char *sc_text(const struct sc_scenario *sc); /* the document as loaded */
int sc_gomaxprocs(const struct sc_scenario *sc);
/* Ops in the compiled form (tests, `gsched list`). */
size_t sc_op_count(const struct sc_scenario *sc);
/* Goroutines one run creates, main included (computed at load from the
 * spawn graph; INT64_MAX if it overflows).  Exact unless a spawn sits
 * inside a select: then an upper bound (every case is counted). */
int64_t sc_goroutines(const struct sc_scenario *sc);

/* Assertions ("assert": [...]), in document order. */
enum sc_assert_kind {
	SC_ASSERT_ALL_FINISH,        /* the run completes */
	SC_ASSERT_DEADLOCK,          /* the run ends in a deadlock */
	SC_ASSERT_MAX_RUNNABLE_WAIT, /* label, ns */
	SC_ASSERT_CPU_SHARE,         /* label, label2, within */
	SC_ASSERT_FINISH_BEFORE,     /* label, ns */
	SC_ASSERT_MIN_PARALLELISM,   /* label, n */
	SC_ASSERT_MIN_EVENTS,        /* kind, n */
};
struct sc_assert {
	enum sc_assert_kind kind;
	char path[24];         /* "$.assert[3]" */
	const char *label;     /* goroutine label */
	const char *label2;    /* cpu-share: the second label */
	const char *kind_name; /* min-events: the event kind */
	int64_t ns, n;
	double within;
	/* The bounds on a real machine (the native-... fields): ns, n or
	 * within; without one (native false), an assertion with a bound is
	 * checked on the simulator only. */
	bool native;
	int64_t native_ns, native_n;
	double native_within;
};
size_t sc_assert_count(const struct sc_scenario *sc);
const struct sc_assert *sc_assert_get(const struct sc_scenario *sc, size_t i);
/* The label of the main goroutine ("main-label"), or NULL. */
const char *sc_main_label(const struct sc_scenario *sc);

/* Bundled scenarios, in a stable order; NULL past the end. */
const char *sc_bundled_name(int i);
const char *sc_bundled_summary(int i); /* the "description" field */

/* Per-run state.  workload_seed feeds the only PRNG the interpreter uses. */
struct sc_run *sc_run_new(const struct sc_scenario *sc, uint64_t workload_seed);
void sc_run_free(struct sc_run *r);
/* The main goroutine: pass the struct sc_run * as arg. */
void sc_main(void *run);
/* Goroutines of this run whose body has not returned yet, main included
 * (1 before sc_main starts): 0 means the workload is over.  The language
 * has no join, so main's end is only one goroutine's end (the runtime
 * ends a program when main has returned and every goroutine finished);
 * this lets a caller check that. */
int64_t sc_run_live(const struct sc_run *r);
/* Goroutines created so far, main included (sc_goroutines at the end). */
int64_t sc_run_created(const struct sc_run *r);

#endif
