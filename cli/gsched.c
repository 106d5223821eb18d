/*
 * gsched.c - the command line: `gsched run`, `gsched list`, help.
 *
 * Exit status (DESIGN.md): 0 the run completed (or stopped at a limit it
 * was given) and the scenario's assertions held, 1 the run found a
 * violation, a deadlock the scenario did not expect, or an assertion
 * failed, 2 bad usage or bad input, with a message naming the flag or the
 * file and the place.
 *
 * Every run feeds its events to the assertion checker (analysis/), teed
 * with the SQLite writer when --db is given.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an.h"
#include "commands.h"
#include "runner.h"
#include "sc.h"
#include "sim.h"
#include "tr.h"

static const char usage_main[] =
        "gsched - the Go runtime's goroutine scheduler (GMP), in C, under a microscope\n"
        "\n"
        "usage: gsched <command> [arguments]\n"
        "\n"
        "commands:\n"
        "  run SCENARIO     run a scenario in the deterministic simulator, print a summary\n"
        "                   and optionally log every scheduler transition to SQLite\n"
        "  list scenarios   one line per bundled scenario\n"
        "  list policies    the --policy settings of gsched run\n";

static const char usage_main_tail[] =
        "  help [COMMAND]   this text, or a command's\n"
        "\n"
        "SCENARIO is the name of a bundled scenario (see `gsched list scenarios`) or the\n"
        "path of a scenario file (docs/scenarios.md).  Exit status: 0 ok, 1 the run found a\n"
        "deadlock or a violation or an assertion failed, 2 bad usage or bad input.\n";

static const char usage_run[] =
        "usage: gsched run SCENARIO [options]\n"
        "\n"
        "Runs SCENARIO in the simulator: every M is a virtual thread with its own\n"
        "virtual clock, and every platform operation of the scheduler (atomic, lock,\n"
        "note, context switch) is a point where the seeded strategy may switch threads.\n"
        "Prints a summary; the same scenario, seed and options give the same trace hash.\n"
        "\n"
        "options:\n"
        "  --seed N          seed of the run's PRNG streams (strategy, each M's fastrand,\n"
        "                    the workload); default 1\n"
        "  --db FILE         write the run and every event to the SQLite database FILE\n"
        "                    (created if missing; a new run is appended otherwise)\n"
        "  --window NS|inf   eligible window: 0 (default) runs threads in strict virtual-\n"
        "                    time order with ties broken by the seed; NS lets threads up to\n"
        "                    NS ahead of the earliest run; inf interleaves freely\n"
        "  --strategy NAME   how the next thread is chosen among the eligible: random\n"
        "                    (a seeded random walk; the only strategy so far)\n"
        "  --backend NAME    sim (the only backend so far)\n"
        "  --max-steps N     stop after N yield points (default: no limit)\n"
        "  --max-time DUR    stop when virtual time passes DUR (e.g. 500us, 20ms, 2s;\n"
        "                    a plain number is ns; default: no limit)\n"
        "  --policy KEY=VAL  a scheduler policy (repeatable; `gsched list policies`):\n"
        "                    randomize=on|off (Go's -race scheduler randomisation),\n"
        "                    asyncpreemptoff=on|off, nosysmon=on|off\n"
        "  --quiet           print only the status line and the hash\n"
        "  -h, --help        this text\n"
        "\n"
        "The summary ends with one line per assertion of the scenario (\"assert\" in\n"
        "docs/scenarios.md), passed or failed with the measured figure.\n"
        "\n"
        "Exit status: 0 the run completed (or ended in a deadlock the scenario expects, or\n"
        "stopped at a limit: assertions are then skipped) and every assertion held,\n"
        "1 deadlock, violation (a scheduler throw) or a failed assertion, 2 bad usage,\n"
        "bad scenario or database error.\n";

static int bad_usage(const char *cmd, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "gsched %s: ", cmd);
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n(see `gsched %s --help`)\n", cmd);
	return 2;
}

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

static int cmd_run(int argc, char **argv)
{
	const char *scenario = NULL, *db = NULL;
	struct sim_config cfg = {.seed = 1, .window_ns = 0};
	struct cli_run_spec pol;
	bool quiet = false;
	rt_config_default(&pol.rt);
	cfg.rt = &pol.rt;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_run, stdout);
			return 0;
		} else if (strcmp(a, "--quiet") == 0) {
			quiet = true;
			continue;
		} else if (a[0] == '-' && a[1] != 0) {
			if (strcmp(a, "--seed") && strcmp(a, "--db") && strcmp(a, "--window") &&
			    strcmp(a, "--strategy") && strcmp(a, "--backend") &&
			    strcmp(a, "--max-steps") && strcmp(a, "--max-time") &&
			    strcmp(a, "--policy"))
				return bad_usage("run", "unknown option '%s'%s", a, "");
			if (!v)
				return bad_usage("run", "%s needs a value%s", a, "");
			i++;
			uint64_t u;
			if (strcmp(a, "--seed") == 0) {
				if (!cli_parse_u64(v, &cfg.seed))
					return bad_usage("run",
					                 "--seed: expected a non-negative integer "
					                 "(got '%s')%s",
					                 v, "");
			} else if (strcmp(a, "--db") == 0) {
				db = v;
			} else if (strcmp(a, "--window") == 0) {
				if (strcmp(v, "inf") == 0)
					cfg.window_ns = SIM_WINDOW_INF;
				else if (!cli_parse_duration(v, &cfg.window_ns))
					return bad_usage("run",
					                 "--window: expected a duration in ns "
					                 "(e.g. 0, 500, 2us) or 'inf' (got '%s')%s",
					                 v, "");
			} else if (strcmp(a, "--strategy") == 0) {
				if (strcmp(v, "random") != 0)
					return bad_usage("run",
					                 "--strategy: unknown strategy '%s' "
					                 "(expected random)%s",
					                 v, "");
			} else if (strcmp(a, "--backend") == 0) {
				if (strcmp(v, "sim") != 0)
					return bad_usage("run",
					                 "--backend: unknown backend '%s' "
					                 "(expected sim)%s",
					                 v, "");
			} else if (strcmp(a, "--max-steps") == 0) {
				if (!cli_parse_u64(v, &u) || u > INT64_MAX)
					return bad_usage("run",
					                 "--max-steps: expected a non-negative "
					                 "integer (got '%s')%s",
					                 v, "");
				cfg.max_steps = (int64_t)u;
			} else if (strcmp(a, "--policy") == 0) {
				char perr[256];
				if (cli_policy_arg(v, &pol, perr, sizeof perr) != 0) {
					fprintf(stderr,
					        "gsched run: %s\n(see `gsched run --help`)\n",
					        perr);
					return 2;
				}
			} else if (strcmp(a, "--max-time") == 0) {
				if (!cli_parse_duration(v, &cfg.max_time_ns))
					return bad_usage("run",
					                 "--max-time: expected a duration such as "
					                 "20ms, 500us, 2s or ns (got '%s')%s",
					                 v, "");
			}
		} else if (!scenario) {
			scenario = a;
		} else {
			return bad_usage("run", "one scenario only (got '%s' and '%s')", scenario,
			                 a);
		}
	}
	if (!scenario)
		return bad_usage("run", "missing SCENARIO (a bundled name or a file)%s%s", "", "");

	char err[512];
	struct sc_scenario *sc = NULL;
	if (sc_load(scenario, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "gsched run: %s\n", err);
		return 2;
	}

	/* runs.policy_json: the policies that differ from Go's */
	char policy_json[256];
	cli_policy_json(&pol, policy_json, sizeof policy_json);

	struct an_checker *checker = an_new(sc);
	if (checker)
		an_set_window(checker, cfg.window_ns);
	struct an_result *results = calloc(sc_assert_count(sc) + 1, sizeof *results);
	if (!checker || !results) {
		fprintf(stderr, "gsched run: out of memory\n");
		an_free(checker);
		free(results);
		sc_free(sc);
		return 2;
	}
	struct tr_sink *sink = NULL, *db_sink = NULL;
	char window[32];
	if (cfg.window_ns == SIM_WINDOW_INF)
		snprintf(window, sizeof window, "inf");
	else
		snprintf(window, sizeof window, "%" PRId64, cfg.window_ns);
	if (db) {
		struct tr_run run = {
		        .scenario = scenario,
		        .scenario_json = sc_text(sc),
		        .seed = cfg.seed,
		        .backend = "sim",
		        .strategy = "random",
		        .window_ns = cfg.window_ns,
		        .policy_json = policy_json,
		        .bugs_json = "[]",
		        .gomaxprocs = sc_gomaxprocs(sc),
		        .build = tr_build_string(),
		};
		db_sink = tr_sqlite_open(db, &run, err, sizeof err);
		if (!db_sink) {
			fprintf(stderr, "gsched run: %s\n", err);
			an_free(checker);
			free(results);
			sc_free(sc);
			return 2;
		}
	}
	sink = an_tee(db_sink, an_sink(checker));
	if (!sink) {
		fprintf(stderr, "gsched run: out of memory\n");
		if (db_sink)
			db_sink->close(db_sink);
		an_free(checker);
		free(results);
		sc_free(sc);
		return 2;
	}
	cfg.sink = sink;
	cfg.record = db_sink != NULL; /* the database keeps the run's schedule */

	struct sc_run *r = sc_run_new(sc, sim_stream_seed(cfg.seed, SIM_STREAM_WORKLOAD, 0));
	struct sim_result res;
	int rc = sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, r, &res);
	sc_run_free(r);

	size_t nres = an_evaluate(checker, res.status, res.stats.end_ns, results);
	rc = an_exit_status(sc, res.status, results, nres);
	int64_t runid = db_sink ? tr_sqlite_run_id(db_sink) : 0;
	if (db_sink)
		cli_store_schedule(db_sink, &res, cfg.max_steps, cfg.max_time_ns);
	free(res.schedule);
	if (sink->finish(sink, res.status, &res.stats, res.message, err, sizeof err) != 0) {
		fprintf(stderr, "gsched run: %s\n", err);
		rc = 2;
	}
	sink->close(sink); /* closes db_sink too */

	const struct tr_stats *st = &res.stats;
	if (quiet) {
		printf("%s %016" PRIx64 "\n", tr_status_name(res.status), st->hash);
	} else {
		printf("%-14s%s (gomaxprocs %d)\n", "scenario", sc_name(sc), sc_gomaxprocs(sc));
		printf("%-14s%" PRIu64 " (strategy random, window %s)\n", "seed", cfg.seed, window);
		printf("%-14s%s%s%s\n", "status", tr_status_name(res.status),
		       res.message[0] ? ": " : "", res.message);
		printf("%-14s%" PRId64 " created, %" PRId64 " finished, at most %" PRId64
		       " alive at once\n",
		       "goroutines", st->g_created, st->g_finished, st->max_live);
		printf("%-14s%" PRId64 "\n", "switches", st->ctx_switches);
		printf("%-14s%" PRId64 " (%" PRId64 " goroutines moved)\n", "steals", st->steals,
		       st->stolen_gs);
		printf("%-14s%" PRId64 " periods\n", "spinning", st->spinning_periods);
		printf("%-14s%" PRId64 " threads, %" PRId64 " parks\n", "Ms", st->max_ms,
		       st->mparks);
		print_ns("virtual time", st->end_ns);
		printf("%-14s%" PRIu64 "\n", "events", st->n_events);
		printf("%-14s%" PRId64 " (%" PRId64 " decisions)\n", "steps", res.steps,
		       res.decisions);
		printf("%-14s%016" PRIx64 "\n", "trace hash", st->hash);
		if (db)
			printf("%-14s%s (run %" PRId64 ")\n", "database", db, runid);
		size_t failed = 0;
		for (size_t i = 0; i < nres; i++)
			failed += !results[i].passed;
		if (nres)
			printf("%-14s%zu passed, %zu failed\n", "assertions", nres - failed,
			       failed);
		for (size_t i = 0; i < nres; i++)
			printf("  %-12s%s: %s\n", results[i].passed ? "passed" : "FAILED",
			       results[i].as->path, results[i].text);
	}
	fflush(stdout);
	for (size_t i = 0; i < nres; i++)
		if (!results[i].passed)
			fprintf(stderr, "assertion failed: %s: %s\n", results[i].as->path,
			        results[i].text);
	an_free(checker);
	free(results);
	sc_free(sc);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "policies") == 0) {
		for (size_t k = 0; k < rt_npolicies; k++) {
			const struct rt_policy *p = &rt_policies[k];
			char vals[128], def[48];
			rt_policy_values(p, vals, sizeof vals);
			rt_policy_format(p, p->go_default, def, sizeof def);
			printf("%-20s %s (Go: %s): %s\n", p->name, vals, def, p->help);
		}
		return 0;
	}
	if (argc < 1 || strcmp(argv[0], "scenarios") != 0) {
		fprintf(stderr, "gsched list: expected 'scenarios' or 'policies' (got '%s')\n",
		        argc ? argv[0] : "nothing");
		return 2;
	}
	int width = 0;
	for (int i = 0; sc_bundled_name(i); i++)
		if ((int)strlen(sc_bundled_name(i)) > width)
			width = (int)strlen(sc_bundled_name(i));
	for (int i = 0; sc_bundled_name(i); i++)
		printf("%-*s  %s\n", width, sc_bundled_name(i), sc_bundled_summary(i));
	return 0;
}

static void print_usage(FILE *f)
{
	fputs(usage_main, f);
	fputs(cli_golden_help_lines, f);
	fputs(usage_main_tail, f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
	        {"run", cmd_run},     {"list", cmd_list},     {"record", cmd_record},
	        {"check", cmd_check}, {"bless", cmd_bless},   {"show", cmd_show},
	        {"diff", cmd_diff},   {"replay", cmd_replay},
	};
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].fn(argc - 2, argv + 2);
	if (strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(argv[2], "run") == 0) {
			fputs(usage_run, stdout);
			return 0;
		}
		for (size_t i = 0; argc > 2 && i < sizeof commands / sizeof commands[0]; i++) {
			if (strcmp(argv[2], commands[i].name) == 0) {
				char *help[] = {"--help", NULL};
				return commands[i].fn(1, help);
			}
		}
		print_usage(stdout);
		return 0;
	}
	fprintf(stderr, "gsched: unknown command '%s'\n(see `gsched --help`)\n", cmd);
	return 2;
}
