/*
 * runner.h - the one way gsched runs a scenario: cli_run, from a struct
 * cli_opts (options.h).  `gsched run`, record, check, bless, replay and
 * bench_sim all go through it, so that a golden's re-run, a replay and
 * the run that recorded them cannot drift apart.
 *
 * Also the policy JSON of runs.policy_json and golden headers, both
 * directions.
 */
#ifndef GSCHED_CLI_RUNNER_H
#define GSCHED_CLI_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "an.h"
#include "options.h"
#include "sc.h"
#include "sim.h"
#include "tr.h"

/* What the runner learnt besides the result.  Free with cli_run_info_free. */
struct cli_run_info {
	struct sc_scenario *sc;    /* the scenario as run */
	int64_t run_id;            /* with o->db: the runs.id written */
	char policy_json[1024];    /* runs.policy_json of o->rt */
	char bugs_json[512];       /* runs.bugs_json of o->rt */
	char cost[256];            /* runs.cost of o->cost: "" unless --cost (cli_cost_string) */
	struct an_result *asserts; /* with o->assertions: one per assertion of sc */
	size_t nasserts;
	struct sim_margins margins; /* how close the run came to each oracle's bound */
};
void cli_run_info_free(struct cli_run_info *info);

/*
 * Run the scenario o describes.  Returns 0 or 1 - with o->assertions the
 * status `gsched run` exits with (an_exit_status: 1 on a deadlock the
 * scenario does not expect, a violation or a failed assertion), without
 * them sim_run_program's (1: deadlock or violation) - or 2 with a
 * one-line message in err (bad scenario, unknown strategy or backend,
 * database error).  On 0/1, *res is filled (free(res->schedule)) and, if
 * info is not NULL, *info; on 2 there is nothing to free.
 */
int cli_run(const struct cli_opts *o, struct sim_result *res, struct cli_run_info *info, char *err,
            size_t errlen);

/* PCT's k for o's scenario sc: the decisions a random-walk run of seed 0
 * with o's window, policies and limits takes (at least 1); under window
 * 0, the hold points of a PCT run of seed 0 without change points.  cli_run
 * measures it when o->pct_steps is 0; a sweep measures it once. */
int64_t cli_pct_steps(const struct cli_opts *o, const struct sc_scenario *sc);

/* The policies of rt as runs.policy_json: {"randomize":true,...}, only
 * those that differ from Go's default, in the table's order. */
void cli_policy_json(const struct rt_config *rt, char *buf, size_t len);
/* The reverse, on top of rt: 0, or -1 with a message (unknown key, a
 * value of the wrong kind). */
int cli_policy_from_json(const char *json, struct rt_config *rt, char *err, size_t errlen);

/* The bug knobs of rt as runs.bugs_json: ["needspinning",...], in
 * rt_bugs[] order; "[]" for none. */
void cli_bugs_json(const struct rt_config *rt, char *buf, size_t len);
/* The reverse, on top of rt: 0, or -1 with a message. */
int cli_bugs_from_json(const char *json, struct rt_config *rt, char *err, size_t errlen);

/* o->cost as runs.cost and a golden's cost: line store it: every figure,
 * "fresh-g=...,cold=...,..." (sim_fit_format), or "" without --cost (the
 * build's table). */
void cli_cost_string(const struct cli_opts *o, char *buf, size_t len);

/* The options of the run header h describes (a database row or a golden
 * header), on top of o set with cli_opts_init: scenario text, seed,
 * strategy, window, noise, cost figures, policies, bug knobs and limits, so that replay,
 * check and shrink re-run it as it ran.  0, or 2 with a one-line message
 * in err (no scenario text, a strategy, noise, cost key, policy or bug
 * this build does not know).  o's strings point into h. */
int cli_opts_from_header(const struct tr_header *h, struct cli_opts *o, char *err, size_t errlen);

/* JSON text compacted to one line (cJSON's unformatted print), or NULL if
 * it does not parse (free()). */
char *cli_compact_json(const char *text);

#endif
