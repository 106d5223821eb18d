/*
 * gsched.c - the command line: the table of commands, `gsched run`,
 * `gsched list`, `gsched help` and gsched's own help text.
 *
 * Exit status (DESIGN.md): 0 the run completed (or stopped at a limit it
 * was given) and the scenario's assertions held, 1 the run found a
 * violation, a deadlock the scenario did not expect, or an assertion
 * failed, 2 bad usage or bad input, with a message naming the flag or the
 * file and the place.
 *
 * Every command is a struct cli_command (options.h): its flags, its
 * arguments and its help come from there, and cli_main parses its
 * command line; `gsched run` is cli_run (runner.c) with the assertion
 * checker, and a summary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "explore.h"
#include "runner.h"

static void print_ns(const char *label, int64_t ns)
{
	if (ns >= 1000000000)
		printf("%-14s%.3f s\n", label, ns / 1e9);
	else if (ns >= 1000000)
		printf("%-14s%.3f ms\n", label, ns / 1e6);
	else if (ns >= 1000)
		printf("%-14s%.3f us\n", label, ns / 1e3);
	else
		printf("%-14s%" PRId64 " ns\n", label, ns);
}

/* The longest stretch the run came to each oracle's bound, beside it. */
static void print_margins(const struct cli_opts *o, const struct cli_run_info *info)
{
	const struct sim_margins *m = &info->margins;
	const struct sim_bounds *b = &o->bounds;
	char idle[32], idleb[32], starve[32], starveb[32], steps[32], timer[32], timerb[32];
	char tidle[32];
	tr_fmt_ns(idle, sizeof idle, m->idle_ns);
	tr_fmt_ns(tidle, sizeof tidle, m->timer_idle_ns);
	tr_fmt_ns(starve, sizeof starve, m->starve_ns);
	tr_fmt_ns(timer, sizeof timer, m->timer_ns);
	bool inf = o->window_ns < 0 || o->window_ns >= SIM_WINDOW_MAX;
	if (b->idle_ns && !inf)
		tr_fmt_ns(idleb, sizeof idleb, b->idle_ns);
	else
		snprintf(idleb, sizeof idleb, "%s", inf ? "not checked under window inf" : "off");
	if (b->starve_ns && !inf)
		tr_fmt_ns(starveb, sizeof starveb, b->starve_ns);
	else
		snprintf(starveb, sizeof starveb, "%s",
		         inf ? "not checked under window inf" : "off");
	if (b->timer_ns && !inf)
		tr_fmt_ns(timerb, sizeof timerb, b->timer_ns);
	else
		snprintf(timerb, sizeof timerb, "%s", inf ? "not checked under window inf" : "off");
	if (b->progress_steps)
		snprintf(steps, sizeof steps, "%" PRId64, b->progress_steps);
	else
		snprintf(steps, sizeof steps, "off");
	char gq[32];
	if (o->rt.globalcheck > 0)
		snprintf(gq, sizeof gq, "%" PRId64, 2 * o->rt.globalcheck);
	else
		snprintf(gq, sizeof gq, "off");
	printf("%-14sidle with work %s (bound %s), longest wait %s (bound %s, plus its queue's "
	       "allowance), steps without progress %" PRId64 " (bound %s), latest timer %s "
	       "(bound %s), slices past the global queue %" PRId64 " (bound %s), timer unattended "
	       "%s (bound %s)\n",
	       "oracles", idle, idleb, starve, starveb, m->progress_steps, steps, timer, timerb,
	       m->global_ticks, gq, tidle, idleb);
}

static void print_summary(const struct cli_opts *o, const struct sim_result *res,
                          const struct cli_run_info *info)
{
	const struct tr_stats *st = &res->stats;
	char window[32];

	cli_format_window(window, sizeof window, o->window_ns);
	printf("%-14s%s (gomaxprocs %d)\n", "scenario", sc_name(info->sc), sc_gomaxprocs(info->sc));
	printf("%-14s%" PRIu64 " (strategy %s, window %s%s%s%s)\n", "seed", o->seed,
	       o->strategy->name, window, strcmp(o->noise->name, "off") == 0 ? ", noise off" : "",
	       info->cost[0] ? ", cost " : "", info->cost);
	if (o->strategy->value == SIM_STRATEGY_SWARM && !o->backend->real_time) {
		char drew[256];
		sim_swarm_describe(res, drew, sizeof drew);
		printf("%-14s%s\n", "swarm drew", drew);
	}
	printf("%-14s%s%s%s\n", "status", tr_status_name(res->status), res->message[0] ? ": " : "",
	       res->message);
	printf("%-14s%" PRId64 " created, %" PRId64 " finished, at most %" PRId64
	       " alive at once\n",
	       "goroutines", st->g_created, st->g_finished, st->max_live);
	printf("%-14s%" PRId64 "\n", "switches", st->ctx_switches);
	printf("%-14s%" PRId64 " (%" PRId64 " goroutines moved)\n", "steals", st->steals,
	       st->stolen_gs);
	printf("%-14s%" PRId64 " periods\n", "spinning", st->spinning_periods);
	printf("%-14s%" PRId64 " threads, %" PRId64 " parks\n", "Ms", st->max_ms, st->mparks);
	print_ns(o->backend->real_time ? "wall time" : "virtual time", st->end_ns);
	printf("%-14s%" PRIu64 "\n", "events", st->n_events);
	if (!o->backend->real_time && res->hold_points > 0)
		printf("%-14s%" PRId64 " (%" PRId64 " decisions, %" PRId64 " pct hold points)\n",
		       "steps", res->steps, res->decisions, res->hold_points);
	else if (!o->backend->real_time)
		printf("%-14s%" PRId64 " (%" PRId64 " decisions)\n", "steps", res->steps,
		       res->decisions);
	printf("%-14s%016" PRIx64 "\n", "trace hash", st->hash);
	if (o->backend->real_time) /* the oracles observe the simulator's engine */
		printf("%-14snot run on this backend (docs/native.md, \"Oracles\")\n", "oracles");
	else
		print_margins(o, info);
	if (o->db)
		printf("%-14s%s (run %" PRId64 ")\n", "database", o->db, info->run_id);
	size_t failed = 0;
	for (size_t i = 0; i < info->nasserts; i++)
		failed += !info->asserts[i].passed;
	if (info->nasserts)
		printf("%-14s%zu passed, %zu failed\n", "assertions", info->nasserts - failed,
		       failed);
	for (size_t i = 0; i < info->nasserts; i++)
		printf("  %-12s%s: %s\n", info->asserts[i].passed ? "passed" : "FAILED",
		       info->asserts[i].as->path, info->asserts[i].text);
}

static int cmd_run(struct cli_opts *o)
{
	struct sim_result res;
	struct cli_run_info info;
	char err[512];

	struct sim_decision *list = NULL;
	o->scenario = o->args[0];
	o->assertions = true;
	o->print = stderr; /* the program's own output, as Go's print: schedtrace */
	if (o->scheddetail)
		o->rt.scheddetail = 1;
	if (o->schedule) {
		size_t n = 0;
		if (ex_schedule_parse(o->schedule, &list, &n, err, sizeof err) != 0) {
			fprintf(stderr, "gsched run: --schedule: %s\n", err);
			return 2;
		}
		o->replay = list;
		o->nreplay = n;
		o->record = true;
	}
	int rc = cli_run(o, &res, &info, err, sizeof err);
	if (rc == 2) {
		fprintf(stderr, "gsched run: %s\n", err);
		free(list);
		return 2;
	}
	if (o->quiet)
		printf("%s %016" PRIx64 "\n", tr_status_name(res.status), res.stats.hash);
	else
		print_summary(o, &res, &info);
	fflush(stdout);
	for (size_t i = 0; i < info.nasserts; i++)
		if (!info.asserts[i].passed)
			fprintf(stderr, "assertion failed: %s: %s\n", info.asserts[i].as->path,
			        info.asserts[i].text);
	cli_run_info_free(&info);
	free(res.schedule);
	free(list);
	return rc;
}

static const struct cli_command cmd_run_row = {
        .name = "run",
        .fn = cmd_run,
        .args = "SCENARIO",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing SCENARIO (a bundled name or a file)",
        .flags = CLI_RUN_FLAGS | CLI_F(CLI_DB) | CLI_F(CLI_QUIET) | CLI_F(CLI_DEPTH) |
                 CLI_F(CLI_SCHEDTRACE) | CLI_F(CLI_SCHEDDETAIL) | CLI_F(CLI_SCHEDULE),
        .summary = "run a scenario in the deterministic simulator, print a summary and "
                   "optionally log every scheduler transition to SQLite",
        .about = "Runs SCENARIO in the simulator: every M is a virtual thread with its own\n"
                 "virtual clock, and every platform operation of the scheduler (atomic, lock,\n"
                 "note, context switch) is a point where the seeded strategy may switch "
                 "threads.\n"
                 "Prints a summary; the same scenario, seed and options give the same trace "
                 "hash.\n",
        .after = "The summary ends with one line per assertion of the scenario (\"assert\" in\n"
                 "docs/scenarios.md), passed or failed with the measured figure.\n"
                 "\n"
                 "Exit status: 0 the run completed (or ended in a deadlock the scenario "
                 "expects, or\n"
                 "stopped at a limit: assertions are then skipped) and every assertion held,\n"
                 "1 deadlock, violation (a scheduler throw) or a failed assertion, 2 bad "
                 "usage,\n"
                 "bad scenario or database error.\n",
};

static int cmd_list(struct cli_opts *o)
{
	const char *what = o->args[0];
	if (strcmp(what, "policies") == 0) {
		for (size_t k = 0; k < rt_npolicies; k++) {
			char desc[512];
			cli_policy_describe(&rt_policies[k], desc, sizeof desc);
			printf("%-20s %s\n", rt_policies[k].name, desc);
		}
		return 0;
	}
	if (strcmp(what, "bugs") == 0) {
		for (size_t k = 0; k < rt_nbugs; k++) /* one line each, for grep */
			printf("%-18s %s: %s\n", rt_bugs[k].name, rt_bugs[k].go,
			       rt_bugs[k].mechanism);
		return 0;
	}
	if (strcmp(what, "scenarios") != 0)
		return cli_usage_error(
		        o->cmd, "expected 'scenarios', 'policies' or 'bugs' (got '%s')", what);
	int width = 0;
	for (int i = 0; sc_bundled_name(i); i++)
		if ((int)strlen(sc_bundled_name(i)) > width)
			width = (int)strlen(sc_bundled_name(i));
	for (int i = 0; sc_bundled_name(i); i++)
		printf("%-*s  %s\n", width, sc_bundled_name(i), sc_bundled_summary(i));
	return 0;
}

static const struct cli_command cmd_list_row = {
        .name = "list",
        .fn = cmd_list,
        .args = "scenarios|policies|bugs",
        .min_args = 1,
        .max_args = 1,
        .missing = "expected 'scenarios', 'policies' or 'bugs'",
        .summary = "the bundled scenarios, the --policy settings or the --bug knobs of gsched run",
        .about = "Lists the bundled scenarios, one line each (its name and what it runs), the\n"
                 "scheduler policies --policy sets (the values each takes, Go's own behaviour,\n"
                 "the default, and what it changes), or the bug knobs --bug puts back (the Go\n"
                 "issue or change that fixed each and its mechanism).\n",
        .after = "Exit status: 0, 2 bad usage.\n",
};

static int cmd_help(struct cli_opts *o);

static const struct cli_command cmd_help_row = {
        .name = "help",
        .fn = cmd_help,
        .args = "[COMMAND]",
        .min_args = 0,
        .max_args = 1,
        .summary = "this text, or a command's",
        .about = "Prints gsched's commands, or COMMAND's help (as `gsched COMMAND --help`).\n",
        .after = "Exit status: 0, 2 an unknown command.\n",
};

static const struct cli_command *const commands[] = {
        &cmd_run_row,     &cmd_list_row,   &cli_cmd_record, &cli_cmd_check,
        &cli_cmd_bless,   &cli_cmd_show,   &cli_cmd_diff,   &cli_cmd_replay,
        &cli_cmd_explore, &cli_cmd_merge,  &cli_cmd_shrink, &cli_cmd_report,
        &cli_cmd_compare, &cli_cmd_export, &cli_cmd_plot,   &cmd_help_row,
};

static void print_usage(FILE *f)
{
	fputs("gsched - the Go runtime's goroutine scheduler (GMP), in C, under a microscope\n"
	      "\n"
	      "usage: gsched <command> [arguments]\n"
	      "\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		int col = fprintf(f, "  %s %s", commands[i]->name, commands[i]->args);
		if (col + 2 > 19) {
			fputc('\n', f);
			col = 0;
		}
		fprintf(f, "%*s", 19 - col, "");
		cli_wrap(f, 19, 19, commands[i]->summary);
	}
	fputs("\n"
	      "SCENARIO is the name of a bundled scenario (see `gsched list scenarios`) or the\n"
	      "path of a scenario file (docs/scenarios.md).  Exit status: 0 ok, 1 the run found a\n"
	      "deadlock or a violation or an assertion failed, 2 bad usage or bad input.\n"
	      "`gsched COMMAND --help` describes a command and its options.\n",
	      f);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(name, commands[i]->name) == 0)
			return commands[i];
	return NULL;
}

static int cmd_help(struct cli_opts *o)
{
	if (o->nargs == 0) {
		print_usage(stdout);
		return 0;
	}
	const struct cli_command *c = find_command(o->args[0]);
	if (!c)
		return cli_usage_error(o->cmd, "unknown command '%s'", o->args[0]);
	cli_help(stdout, c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const struct cli_command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "gsched: unknown command '%s'\n(see `gsched --help`)\n", argv[1]);
		return 2;
	}
	return cli_main(c, argc - 1, argv + 1);
}
