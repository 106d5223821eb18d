/*
 * runner.h - run a scenario as `gsched run` does, from a spec: the one
 * place the golden-trace commands (record, check, bless, replay) turn
 * "scenario, seed, window, policies, limits" into a run, so that a
 * golden re-run and the run that recorded it cannot drift apart.
 *
 * Also the small parsers those commands share with `gsched run`
 * (--seed, durations, --policy) and the policy JSON both directions.
 */
#ifndef GSCHED_CLI_RUNNER_H
#define GSCHED_CLI_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"
#include "tr.h"

struct cli_run_spec {
	const char *scenario;      /* bundled name or path; with text, only its label */
	const char *scenario_text; /* the document itself, or NULL: load scenario */
	uint64_t seed;
	int64_t window_ns;                 /* SIM_WINDOW_INF: free interleaving */
	const char *strategy;              /* NULL or "random" (the only one so far) */
	struct rt_config rt;               /* policies: set with rt_config_default, then --policy */
	int64_t max_steps, max_time_ns;    /* 0: no limit */
	struct tr_sink *sink;              /* optional: sees every event */
	const char *db;                    /* optional: write the run, its schedule and limits */
	bool record;                       /* keep the decisions in res->schedule (implied by db) */
	const struct sim_decision *replay; /* optional: replay this decision list */
	size_t nreplay;
	bool replay_continue; /* on departure, go on drawing from the seed */
};

/* What the runner learnt besides the result. */
struct cli_run_info {
	int64_t run_id;      /* with spec->db: the runs.id written */
	int gomaxprocs;      /* the scenario's */
	char *scenario_json; /* the scenario text, compacted to one line (free()) */
	char policy_json[128];
};

/* Run it.  Returns 0 or 1 as sim_run_program does (1: deadlock or
 * violation), or 2 with a one-line message in err (bad scenario, bad
 * spec, database error).  On 0/1, *res is filled (free(res->schedule));
 * info may be NULL. */
int cli_run(const struct cli_run_spec *spec, struct sim_result *res, struct cli_run_info *info,
            char *err, size_t errlen);

/* Store a finished run's decision list (res->schedule, recorded with
 * cfg.record) and its limits in the database sink db, before db->finish:
 * what `gsched run --db` needs so that `gsched replay` can re-run it.
 * Errors are kept by the sink and reported by its finish. */
void cli_store_schedule(struct tr_sink *db, const struct sim_result *res, int64_t max_steps,
                        int64_t max_time_ns);

/* The policy settings of a spec as runs.policy_json: {"randomize":true,...},
 * only those that are on, in a fixed order. */
void cli_policy_json(const struct cli_run_spec *spec, char *buf, size_t len);
/* The reverse: 0, or -1 with a message (unknown key, not a boolean). */
int cli_policy_from_json(const char *json, struct cli_run_spec *spec, char *err, size_t errlen);
/* --policy KEY=on|off: 0, or -1 with a message. */
int cli_policy_arg(const char *arg, struct cli_run_spec *spec, char *err, size_t errlen);

/* Strict parsers shared with `gsched run`: digits only; a duration is
 * digits with an optional ns/us/ms/s; a window is a duration or "inf". */
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_duration(const char *s, int64_t *out);
bool cli_parse_window(const char *s, int64_t *out);

/* JSON text compacted to one line (cJSON's unformatted print), or NULL if
 * it does not parse (free()). */
char *cli_compact_json(const char *text);

#endif
