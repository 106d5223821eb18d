/*
 * options.c - the flag table, the strategy and backend tables, the
 * command-line parser and the help text (options.h).
 *
 * The parser is getopt_long over the rows a command accepts, in GNU's
 * manner: `--seed 7` and `--seed=7` are the same, a unique prefix of a
 * long name is that name, options and positional arguments mix in any
 * order and `--` ends the options.  The optstring starts with "-" so
 * that positional arguments come back in order (and POSIXLY_CORRECT
 * cannot stop the scan at the first one), and with ":" so that getopt
 * prints nothing: every message is ours, one line naming the flag, then
 * where to look, and exit status 2.
 *
 * Values are parsed strictly (digits only, a unit only where a duration
 * is expected, names exactly as listed): a typo is an error, never a
 * default.  A flag given twice keeps its last value, except --policy,
 * which sets one policy each time, and --bug, which adds one bug.
 *
 * Alternatives not taken: a hand-written loop over argv per command (what
 * gsched had: four copies that disagreed on `--seed=7`, on options before
 * the scenario and on their messages); per-flag parse callbacks (the
 * kinds of value are few, and a kind with an offset keeps the table
 * readable as data).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define HELP_COL   20 /* where flag help starts: "  --policy KEY=VAL  " */
#define HELP_WIDTH 84

const struct cli_choice cli_strategies[] = {
        {"random", "a seeded random walk, each decision drawn from the seed's strategy stream",
         NULL, false, SIM_STRATEGY_RANDOM},
        {"pct",
         "PCT: random thread priorities, the highest runs; --depth D - 1 change points over "
         "the decisions a random run of the scenario takes each demote the thread about to run; "
         "under a window above 0, a random walk among the threads not demoted, a demotion "
         "lasting until the thread runs again; under window 0, the change points fall on the "
         "writes to shared memory made with another thread within 2 us, each holding the "
         "writer back 2 us",
         NULL, false, SIM_STRATEGY_PCT},
        {"swarm",
         "each seed draws a window and which kinds of yield point may switch threads, then "
         "walks randomly",
         NULL, false, SIM_STRATEGY_SWARM},
        {"bounded",
         "CHESS's bounded-preemption search: explore runs every schedule of each seed with at "
         "most --preemptions preemptions, iterative bound by bound; a single run takes the "
         "schedule without any",
         NULL, false, SIM_STRATEGY_NONPREEMPTIVE},
        {NULL, NULL, NULL, false, 0},
};

const struct cli_choice cli_noises[] = {
        {"on",
         "costs drawn around the cost model's, the OS taking cores away, timer slack and "
         "futex wake-up latency, all from the seed (docs/simulator.md)",
         NULL, false, 0},
        {"off", "every cost exactly the cost model's: a clean discrete-event run", NULL, false, 0},
        {NULL, NULL, NULL, false, 0},
};

const struct cli_choice cli_export_formats[] = {
        {"perfetto",
         "Chrome trace-event JSON, for ui.perfetto.dev and chrome://tracing (docs/analysis.md)",
         NULL, false, CLI_EXPORT_PERFETTO},
        {NULL, NULL, NULL, false, 0},
};

const struct cli_choice cli_backends[] = {
        {"sim", "the deterministic simulator (virtual threads, virtual clocks)", cli_run_sim, false,
         0},
        {"native",
         "real pthreads, futexes and signals on this machine's cores (docs/native.md); "
         "--window, --strategy and --max-steps do not apply, --max-time is wall-clock time",
         cli_run_native, true, 0},
        {NULL, NULL, NULL, false, 0},
};

#define AT(f) offsetof(struct cli_opts, f)

_Static_assert(CLI_NFLAGS <= 64, "a command's flags are a uint64_t mask of CLI_F bits");

const struct cli_flag cli_flags[CLI_NFLAGS] = {
        [CLI_SEED] = {.name = "seed",
                      .arg = CLI_ARG_U64,
                      .offset = AT(seed),
                      .metavar = "N",
                      .def = "1",
                      .help = "seed of the run's PRNG streams: the strategy's, each M's "
                              "fastrand and the workload's"},
        [CLI_WINDOW] = {.name = "window",
                        .arg = CLI_ARG_WINDOW,
                        .offset = AT(window_ns),
                        .metavar = "NS|inf",
                        .def = "0",
                        .help = "eligible window: 0 runs threads in strict virtual-time order "
                                "with ties broken by the seed; NS lets threads up to NS ahead "
                                "of the earliest run; inf interleaves freely"},
        [CLI_NOISE] = {.name = "noise",
                       .arg = CLI_ARG_CHOICE,
                       .offset = AT(noise),
                       .metavar = "on|off",
                       .choices = cli_noises,
                       .help = "the simulator's noise model:"},
        [CLI_COST] = {.name = "cost",
                      .arg = CLI_ARG_COST,
                      .offset = AT(cost),
                      .metavar = "FILE|KEY=NS,...",
                      .def = "sim/cost.h's table",
                      .help = "the simulator's host-dependent figures (fresh-g, cold, "
                              "cold-full, os-gap, os-away; docs/simulator.md): a cost file "
                              "as scripts/calibrate/host writes for this machine, "
                              "key=ns,... on top of the table, or both, left to right "
                              "(FILE,os-away=0); stored with the run"},
        [CLI_STRATEGY] = {.name = "strategy",
                          .arg = CLI_ARG_CHOICE,
                          .offset = AT(strategy),
                          .metavar = "NAME",
                          .choices = cli_strategies,
                          .help = "how the next thread is chosen among the eligible:"},
        [CLI_BACKEND] = {.name = "backend",
                         .arg = CLI_ARG_CHOICE,
                         .offset = AT(backend),
                         .metavar = "NAME",
                         .choices = cli_backends,
                         .help = "what the scheduler runs on:"},
        [CLI_MAX_STEPS] = {.name = "max-steps",
                           .arg = CLI_ARG_COUNT,
                           .offset = AT(max_steps),
                           .metavar = "N",
                           .def = "no limit",
                           .help = "stop after N yield points"},
        [CLI_MAX_TIME] = {.name = "max-time",
                          .arg = CLI_ARG_DURATION,
                          .offset = AT(max_time_ns),
                          .metavar = "DUR",
                          .def = "no limit",
                          .help = "stop when virtual time passes DUR: 500us, 20ms, 2s, or ns "
                                  "without a unit"},
        [CLI_POLICY] = {.name = "policy",
                        .arg = CLI_ARG_POLICY,
                        .offset = AT(rt),
                        .metavar = "KEY=VAL",
                        .help = "a scheduler policy (repeatable; `gsched list policies`); a "
                                "policy not given keeps Go's behaviour:"},
        [CLI_BUG] = {.name = "bug",
                     .arg = CLI_ARG_BUG,
                     .offset = AT(rt),
                     .metavar = "NAME",
                     .help = "put back a historical Go scheduler bug that Go 1.21 has fixed "
                             "(repeatable; `gsched list bugs`, docs/bug-hunting.md); none by "
                             "default"},
        [CLI_SCHEDTRACE] = {.name = "schedtrace",
                            .arg = CLI_ARG_DURATION,
                            .offset = AT(rt.schedtrace),
                            .metavar = "DUR",
                            .def = "off",
                            .help = "Go's GODEBUG=schedtrace: every DUR of the run's time, "
                                    "sysmon prints a line in the exact format of Go 1.21's "
                                    "(SCHED 10ms: gomaxprocs=4 idleprocs=2 ... [0 1 0 0]) to "
                                    "stderr, as Go does; the same as --policy schedtrace=DUR "
                                    "(like Go, sysmon then never sleeps deeply, so the run "
                                    "differs)"},
        [CLI_SCHEDDETAIL] = {.name = "scheddetail",
                             .arg = CLI_ARG_SWITCH,
                             .offset = AT(scheddetail),
                             .help = "with --schedtrace, Go's GODEBUG=scheddetail=1: each "
                                     "trace also prints every P, M and G, one line each"},
        [CLI_DB] = {.name = "db",
                    .arg = CLI_ARG_STRING,
                    .offset = AT(db),
                    .metavar = "FILE",
                    .help = "write the run and every event to the SQLite database FILE "
                            "(created if missing; a new run is appended otherwise)"},
        [CLI_QUIET] = {.name = "quiet",
                       .arg = CLI_ARG_SWITCH,
                       .offset = AT(quiet),
                       .help = "print only the status line and the hash"},
        [CLI_NAME] = {.name = "name",
                      .arg = CLI_ARG_FILENAME,
                      .offset = AT(name),
                      .metavar = "NAME",
                      .def = "SCENARIO-sSEED, plus -wW when the window is not 0, e.g. "
                             "fan-out-s3-winf",
                      .help = "the golden's file name, without .trace"},
        [CLI_DIR] = {.name = "dir",
                     .arg = CLI_ARG_STRING,
                     .offset = AT(dir),
                     .metavar = "DIR",
                     .def = "traces/golden",
                     .help = "where to write the golden"},
        [CLI_RUN] = {.name = "run",
                     .arg = CLI_ARG_RUN_ID,
                     .offset = AT(run),
                     .metavar = "N",
                     .def = "its last",
                     .help = "which run of the database"},
        [CLI_RUN_A] = {.name = "run-a",
                       .arg = CLI_ARG_RUN_ID,
                       .offset = AT(run_a),
                       .metavar = "N",
                       .def = "its last",
                       .help = "which run of A, when A is a database"},
        [CLI_RUN_B] = {.name = "run-b",
                       .arg = CLI_ARG_RUN_ID,
                       .offset = AT(run_b),
                       .metavar = "N",
                       .def = "its last",
                       .help = "which run of B, when B is a database"},
        [CLI_CONTINUE] = {.name = "continue",
                          .arg = CLI_ARG_SWITCH,
                          .offset = AT(replay_continue),
                          .help = "when the replay departs from its schedule, go on drawing "
                                  "decisions from the seed and report the final status and "
                                  "hash"},
        [CLI_SEEDS] = {.name = "seeds",
                       .arg = CLI_ARG_STRING,
                       .offset = AT(seeds),
                       .metavar = "A..B",
                       .help = "the seeds to run, A to B inclusive"},
        [CLI_JOBS] = {.name = "jobs",
                      .short_name = 'j',
                      .arg = CLI_ARG_COUNT,
                      .offset = AT(jobs),
                      .metavar = "N",
                      .def = "one per core",
                      .help = "worker processes"},
        [CLI_OUT] = {.name = "out",
                     .arg = CLI_ARG_STRING,
                     .offset = AT(out),
                     .metavar = "PATH",
                     .def = "gsched-explore for explore; none for merge; the first FILE "
                            "without its extension for plot",
                     .help = "explore, merge: the folder for the summary and one folder per "
                             "failing seed; plot: the figures' file names up to -NAME.png"},
        [CLI_STOP_AT_FIRST] = {.name = "stop-at-first",
                               .arg = CLI_ARG_SWITCH,
                               .offset = AT(stop_at_first),
                               .help = "stop at the first failure: the smallest failing seed "
                                       "of the range, whatever -j"},
        [CLI_KEEP_GOING] = {.name = "keep-going",
                            .arg = CLI_ARG_SWITCH,
                            .offset = AT(keep_going),
                            .help = "run every seed of the range, whatever fails (the "
                                    "default)"},
        [CLI_SHARD] = {.name = "shard",
                       .arg = CLI_ARG_STRING,
                       .offset = AT(shard),
                       .metavar = "I/N",
                       .def = "1/1",
                       .help = "run only block I (1..N) of the range cut into N contiguous "
                               "blocks, for spreading a sweep over machines"},
        [CLI_DEPTH] = {.name = "depth",
                       .arg = CLI_ARG_COUNT,
                       .offset = AT(depth),
                       .metavar = "D",
                       .def = "3",
                       .help = "pct: the bug depth it aims at, 1..16 (D - 1 priority change "
                               "points)"},
        [CLI_PREEMPTIONS] = {.name = "preemptions",
                             .arg = CLI_ARG_COUNT,
                             .offset = AT(preemptions),
                             .metavar = "N",
                             .def = "2",
                             .help = "bounded: the most preemptions a schedule may have"},
        [CLI_MAX_SCHEDULES] = {.name = "max-schedules",
                               .arg = CLI_ARG_COUNT,
                               .offset = AT(max_schedules),
                               .metavar = "N",
                               .def = "1000",
                               .help = "bounded: the most schedules run per seed (the summary "
                                       "says whether the space was exhausted first); shrink: "
                                       "the most runs it tries"},
        [CLI_IDLE_BOUND] = {.name = "idle-bound",
                            .arg = CLI_ARG_DURATION,
                            .offset = AT(bounds.idle_ns),
                            .metavar = "DUR",
                            .def = "1ms",
                            .help = "work-conservation and timer-conservation oracles: the "
                                    "run is a violation when a P stays idle while a goroutine "
                                    "is runnable and no M spins, or an expired timer stays "
                                    "unrun while a P is idle and no M spins or polls for it, "
                                    "for longer than DUR; 0 turns them off"},
        [CLI_STARVE_BOUND] = {.name = "starve-bound",
                              .arg = CLI_ARG_DURATION,
                              .offset = AT(bounds.starve_ns),
                              .metavar = "DUR",
                              .def = "500ms",
                              .help = "starvation oracle: the run is a violation when a "
                                      "goroutine stays runnable longer than DUR without "
                                      "running; 0 turns it off"},
        [CLI_PROGRESS_BOUND] = {.name = "progress-bound",
                                .arg = CLI_ARG_COUNT,
                                .offset = AT(bounds.progress_steps),
                                .metavar = "N",
                                .def = "300000",
                                .help = "liveness oracle: the run is a violation after N "
                                        "scheduler steps (yield points outside the program's "
                                        "spends and syscalls) without any goroutine changing "
                                        "state; 0 turns it off"},
        [CLI_TIMER_BOUND] = {.name = "timer-bound",
                             .arg = CLI_ARG_DURATION,
                             .offset = AT(bounds.timer_ns),
                             .metavar = "DUR",
                             .def = "100ms",
                             .help = "timer-lateness oracle: the run is a violation when a "
                                     "timer runs more than DUR after it was due; 0 turns it "
                                     "off"},
        [CLI_JSON] = {.name = "json",
                      .arg = CLI_ARG_SWITCH,
                      .offset = AT(json),
                      .help = "print JSON instead of text"},
        [CLI_CSV] = {.name = "csv",
                     .arg = CLI_ARG_SWITCH,
                     .offset = AT(csv),
                     .help = "print CSV (a header line, then one line per figure) instead of "
                             "text"},
        [CLI_FORMAT] = {.name = "format",
                        .arg = CLI_ARG_CHOICE,
                        .offset = AT(format),
                        .metavar = "NAME",
                        .choices = cli_export_formats,
                        .help = "the output's format:"},
        [CLI_SIDE_A] = {.name = "a",
                        .arg = CLI_ARG_STRING,
                        .offset = AT(side_a),
                        .metavar = "SETTINGS",
                        .def = "none: Go's behaviour",
                        .help = "side A's settings, KEY=VAL[,KEY=VAL...]: each a policy as "
                                "--policy takes it (`gsched list policies`) or bug=NAME, a "
                                "bug put back as --bug puts it (`gsched list bugs`); 'go' "
                                "for none"},
        [CLI_SIDE_B] = {.name = "b",
                        .arg = CLI_ARG_STRING,
                        .offset = AT(side_b),
                        .metavar = "SETTINGS",
                        .def = "none: Go's behaviour",
                        .help = "side B's settings, as --a"},
        [CLI_A_BACKEND] = {.name = "a-backend",
                           .arg = CLI_ARG_CHOICE,
                           .offset = AT(backend_a),
                           .metavar = "NAME",
                           .choices = cli_backends,
                           .def = "--backend's",
                           .help = "what side A runs on"},
        [CLI_B_BACKEND] = {.name = "b-backend",
                           .arg = CLI_ARG_CHOICE,
                           .offset = AT(backend_b),
                           .metavar = "NAME",
                           .choices = cli_backends,
                           .def = "--backend's",
                           .help = "what side B runs on"},
        [CLI_METRIC] = {.name = "metric",
                        .arg = CLI_ARG_STRING,
                        .offset = AT(metric),
                        .metavar = "KEY[,KEY...]",
                        .help = "draw a panel for each of these metrics (`gsched report "
                                "--json`'s keys, docs/analysis.md) across the files, instead "
                                "of every metric"},
        [CLI_SCHEDULE] = {.name = "schedule",
                          .arg = CLI_ARG_STRING,
                          .offset = AT(schedule),
                          .metavar = "gs1:...",
                          .help = "replay this schedule string (the one line `gsched explore` "
                                  "prints and keeps in DIR/SEED/schedule) instead of the "
                                  "strategy's picks; the other options must be the run's "
                                  "own, and a schedule that stops applying ends the run as "
                                  "departed"},
        [CLI_HELP] = {.name = "help",
                      .short_name = 'h',
                      .arg = CLI_ARG_SWITCH,
                      .offset = AT(help),
                      .help = "this text"},
};

void cli_opts_init(struct cli_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->strategy = &cli_strategies[0];
	o->backend = &cli_backends[0];
	o->depth = 3;
	o->preemptions = 2;
	o->max_schedules = 1000;
	o->noise = &cli_noises[0];
	o->format = &cli_export_formats[0];
	rt_config_default(&o->rt);
	o->bounds = (struct sim_bounds){SIM_IDLE_BOUND_DEFAULT, SIM_STARVE_BOUND_DEFAULT,
	                                SIM_PROGRESS_BOUND_DEFAULT, SIM_TIMER_BOUND_DEFAULT};
}

const struct cli_choice *cli_choose(const struct cli_choice *t, const char *what, const char *name,
                                    char *err, size_t errlen)
{
	for (const struct cli_choice *c = t; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	size_t n = (size_t)snprintf(err, errlen, "unknown %s '%s' (this gsched has:", what, name);
	for (const struct cli_choice *c = t; c->name && n < errlen; c++)
		n += (size_t)snprintf(err + n, errlen - n, "%s %s", c == t ? "" : ",", c->name);
	if (n < errlen)
		snprintf(err + n, errlen - n, ")");
	return NULL;
}

void cli_policy_describe(const struct rt_policy *p, char *buf, size_t len)
{
	char vals[128], def[48];
	rt_policy_values(p, vals, sizeof vals);
	rt_policy_format(p, p->go_default, def, sizeof def);
	snprintf(buf, len, "%s (Go: %s): %s", vals, def, p->help);
}

void cli_format_window(char *buf, size_t len, int64_t window_ns)
{
	if (window_ns < 0) /* SIM_WINDOW_INF; a header's -1 */
		snprintf(buf, len, "inf");
	else
		snprintf(buf, len, "%" PRId64, window_ns);
}

/* ---- values ---- */

static bool parse_u64(const char *s, uint64_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	*out = v;
	return true;
}

static bool parse_duration(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = {{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	char num[32];
	size_t n = strspn(s, "0123456789");
	uint64_t v;

	if (n == 0 || n >= sizeof num)
		return false;
	memcpy(num, s, n);
	num[n] = 0;
	if (!parse_u64(num, &v))
		return false;
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		if (strcmp(s + n, units[u].unit) == 0) {
			if (v > (uint64_t)INT64_MAX / units[u].mul)
				return false;
			*out = (int64_t)(v * units[u].mul);
			return true;
		}
	}
	return false;
}

/* --policy KEY=VAL */
int cli_policy_set(struct rt_config *rt, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const struct rt_policy *p = eq ? rt_policy_find(arg, (size_t)(eq - arg)) : NULL;
	int64_t v;
	if (!p) {
		snprintf(err, errlen,
		         "--policy: unknown policy '%s' (expected KEY=VALUE; see `gsched list "
		         "policies`)",
		         arg);
		return -1;
	}
	if (!rt_policy_parse(p, eq + 1, &v)) {
		char vals[128];
		rt_policy_values(p, vals, sizeof vals);
		snprintf(err, errlen, "--policy: %s takes %s (got '%s')", p->name, vals, eq + 1);
		return -1;
	}
	rt_policy_set(rt, p, v);
	return 0;
}

/* --bug NAME */
int cli_bug_set(struct rt_config *rt, const char *name, char *err, size_t errlen)
{
	const struct rt_bugdef *b = rt_bug_find(name);
	if (!b) {
		snprintf(err, errlen, "--bug: unknown bug '%s' (see `gsched list bugs`)", name);
		return -1;
	}
	rt->bugs |= b->bit;
	return 0;
}

/* Parse v as flag f says and store it in o: 0, or -1 with a message. */
static int set_value(struct cli_opts *o, const struct cli_flag *f, const char *v, char *err,
                     size_t errlen)
{
	void *field = (char *)o + f->offset;
	const char *expected = NULL;
	uint64_t u;
	int64_t i;

	switch (f->arg) {
	case CLI_ARG_SWITCH:
		*(bool *)field = true;
		return 0;
	case CLI_ARG_STRING:
		*(const char **)field = v;
		return 0;
	case CLI_ARG_FILENAME:
		if (!*v || strchr(v, '/')) {
			expected = "a file name without '/'";
			break;
		}
		*(const char **)field = v;
		return 0;
	case CLI_ARG_U64:
		if (!parse_u64(v, &u)) {
			expected = "a non-negative integer";
			break;
		}
		*(uint64_t *)field = u;
		return 0;
	case CLI_ARG_COUNT:
	case CLI_ARG_RUN_ID:
		if (!parse_u64(v, &u) || u > INT64_MAX || (f->arg == CLI_ARG_RUN_ID && u == 0)) {
			expected = f->arg == CLI_ARG_COUNT ? "a non-negative integer"
			                                   : "a run id (1, 2, ...)";
			break;
		}
		*(int64_t *)field = (int64_t)u;
		return 0;
	case CLI_ARG_DURATION:
		if (!parse_duration(v, &i)) {
			expected = "a duration such as 20ms, 500us, 2s or ns";
			break;
		}
		*(int64_t *)field = i;
		return 0;
	case CLI_ARG_WINDOW:
		if (strcmp(v, "inf") == 0) {
			i = SIM_WINDOW_INF;
		} else if (!parse_duration(v, &i)) {
			expected = "a duration in ns (e.g. 0, 500, 2us) or 'inf'";
			break;
		}
		*(int64_t *)field = i;
		return 0;
	case CLI_ARG_CHOICE: {
		char cerr[200];
		const struct cli_choice *c = cli_choose(f->choices, f->name, v, cerr, sizeof cerr);
		if (!c) {
			snprintf(err, errlen, "--%s: %s", f->name, cerr);
			return -1;
		}
		*(const struct cli_choice **)field = c;
		return 0;
	}
	case CLI_ARG_POLICY:
		return cli_policy_set(field, v, err, errlen);
	case CLI_ARG_BUG:
		return cli_bug_set(field, v, err, errlen);
	case CLI_ARG_COST: {
		char cerr[400];
		struct cli_cost *c = field;
		if (!sim_fit_load(v, c->fit, cerr, sizeof cerr)) {
			snprintf(err, errlen, "--%s: %s", f->name, cerr);
			return -1;
		}
		c->given = true;
		return 0;
	}
	}
	snprintf(err, errlen, "--%s: expected %s (got '%s')", f->name, expected, v);
	return -1;
}

/* ---- the parser ---- */

static void put_prog(FILE *f, const struct cli_command *c)
{
	fprintf(f, c->standalone ? "%s" : "gsched %s", c->name);
}

int cli_usage_error(const struct cli_command *c, const char *fmt, ...)
{
	va_list ap;
	put_prog(stderr, c);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see `", stderr);
	put_prog(stderr, c);
	fputs(" --help`)\n", stderr);
	return 2;
}

static bool accepts(const struct cli_command *c, int id)
{
	return id == CLI_HELP || (c->flags & CLI_F(id));
}

/* An option getopt did not know: unknown, or a prefix of several. */
static int unknown_option(const struct cli_command *c, const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return cli_usage_error(c, "unknown option '%s'", arg);
	size_t len = strcspn(arg + 2, "=");
	char could[256] = "";
	int n = 0;
	for (int id = 0; id < CLI_NFLAGS; id++) {
		if (!accepts(c, id) || strncmp(cli_flags[id].name, arg + 2, len) != 0)
			continue;
		size_t k = strlen(could);
		snprintf(could + k, sizeof could - k, "%s--%s", n++ ? ", " : "",
		         cli_flags[id].name);
	}
	if (n > 1)
		return cli_usage_error(c, "option '%.*s' is ambiguous (%s)", (int)len + 2, arg,
		                       could);
	return cli_usage_error(c, "unknown option '%.*s'", (int)len + 2, arg);
}

/* The flag of c whose getopt value is val: 256 + its id, or its short
 * name; NULL if c has none. */
static const struct cli_flag *flag_of(const struct cli_command *c, int val)
{
	if (val >= 256 && val < 256 + CLI_NFLAGS)
		return &cli_flags[val - 256];
	for (int id = 0; val > 0 && id < CLI_NFLAGS; id++)
		if (accepts(c, id) && cli_flags[id].short_name == val)
			return &cli_flags[id];
	return NULL;
}

int cli_parse(const struct cli_command *c, int argc, char **argv, struct cli_opts *o)
{
	struct option longopts[CLI_NFLAGS + 1];
	char shortopts[2 * CLI_NFLAGS + 3] = "-:";
	size_t nlong = 0, nshort = 2;
	char err[512];

	for (int id = 0; id < CLI_NFLAGS; id++) {
		const struct cli_flag *f = &cli_flags[id];
		if (!accepts(c, id))
			continue;
		longopts[nlong++] = (struct option){
		        f->name, f->metavar ? required_argument : no_argument, NULL, 256 + id};
		if (f->short_name) {
			shortopts[nshort++] = f->short_name;
			if (f->metavar)
				shortopts[nshort++] = ':';
		}
	}
	longopts[nlong] = (struct option){0};
	shortopts[nshort] = 0;

	o->cmd = c;
	o->args = calloc((size_t)argc + 1, sizeof *o->args);
	if (!o->args) {
		fprintf(stderr, "gsched: out of memory\n");
		return 2;
	}
	o->nargs = 0;
	opterr = 0;
	optind = 0; /* glibc: start afresh (argv[0] is the command's name) */
	int ch;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_flag *f = flag_of(c, ch == ':' || ch == '?' ? optopt : ch);
		if (ch == 1) {
			o->args[o->nargs++] = optarg;
		} else if (ch == ':') {
			return cli_usage_error(c, "--%s needs a value (%s)", f->name, f->metavar);
		} else if (ch == '?' && f) {
			return cli_usage_error(c, "--%s takes no value", f->name);
		} else if (ch == '?') {
			if (optopt)
				return cli_usage_error(c, "unknown option '-%c'", optopt);
			return unknown_option(c, argv[optind - 1]);
		} else {
			o->given |= CLI_F(f - cli_flags);
			if (f - cli_flags == CLI_HELP) {
				cli_help(stdout, c);
				return 0;
			}
			if (set_value(o, f, optarg, err, sizeof err) != 0)
				return cli_usage_error(c, "%s", err);
		}
	}
	while (optind < argc) /* after "--" */
		o->args[o->nargs++] = argv[optind++];

	if (o->nargs < c->min_args)
		return cli_usage_error(c, "%s", c->missing);
	if (c->max_args >= 0 && o->nargs > c->max_args)
		return cli_usage_error(c, "unexpected argument '%s' (expected %s)",
		                       o->args[c->max_args], c->args);
	for (int id = 0; id < CLI_NFLAGS; id++)
		if ((c->required & CLI_F(id)) && !(o->given & CLI_F(id)))
			return cli_usage_error(c, "missing --%s %s", cli_flags[id].name,
			                       cli_flags[id].metavar);
	return -1;
}

int cli_main(const struct cli_command *c, int argc, char **argv)
{
	struct cli_opts o;
	cli_opts_init(&o);
	int rc = cli_parse(c, argc, argv, &o);
	if (rc < 0)
		rc = c->fn(&o);
	free(o.args);
	return rc;
}

/* ---- help ---- */

void cli_wrap(FILE *f, int col, int indent, const char *text)
{
	const char *s = text;
	while (*s) {
		size_t word = strcspn(s, " ");
		if (col > indent && col + 1 + (int)word > HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, word, f);
		col += (int)word;
		s += word;
		s += strspn(s, " ");
	}
	fputc('\n', f);
}

/* The lines a choice or --policy flag adds below its help: one per row. */
static void help_rows(FILE *f, const struct cli_flag *fl)
{
	char line[512];
	for (const struct cli_choice *c = fl->choices; fl->arg == CLI_ARG_CHOICE && c->name; c++) {
		snprintf(line, sizeof line, "%s%s: %s", c->name,
		         c == fl->choices && !fl->def ? " (default)" : "", c->help);
		fprintf(f, "%*s", HELP_COL + 2, "");
		cli_wrap(f, HELP_COL + 2, HELP_COL + 4, line);
	}
	for (size_t k = 0; fl->arg == CLI_ARG_POLICY && k < rt_npolicies; k++) {
		char desc[400];
		cli_policy_describe(&rt_policies[k], desc, sizeof desc);
		snprintf(line, sizeof line, "%s=%s", rt_policies[k].name, desc);
		fprintf(f, "%*s", HELP_COL + 2, "");
		cli_wrap(f, HELP_COL + 2, HELP_COL + 4, line);
	}
}

void cli_help(FILE *f, const struct cli_command *c)
{
	fputs("usage: ", f);
	put_prog(f, c);
	if (c->args)
		fprintf(f, " %s", c->args);
	for (int id = 0; id < CLI_NFLAGS; id++)
		if (c->required & CLI_F(id))
			fprintf(f, " --%s %s", cli_flags[id].name, cli_flags[id].metavar);
	fprintf(f, " [options]\n\n%s\noptions:\n", c->about);
	for (int id = 0; id < CLI_NFLAGS; id++) {
		const struct cli_flag *fl = &cli_flags[id];
		if (!accepts(c, id))
			continue;
		int col = fprintf(f, "  ");
		if (fl->short_name)
			col += fprintf(f, "-%c, ", fl->short_name);
		col += fprintf(f, "--%s", fl->name);
		if (fl->metavar)
			col += fprintf(f, " %s", fl->metavar);
		if (col + 2 > HELP_COL) {
			fputc('\n', f);
			col = 0;
		}
		char help[512];
		if (c->required & CLI_F(id))
			snprintf(help, sizeof help, "%s (required)", fl->help);
		else if (fl->def)
			snprintf(help, sizeof help, "%s (default: %s)", fl->help, fl->def);
		else
			snprintf(help, sizeof help, "%s", fl->help);
		fprintf(f, "%*s", HELP_COL - col, "");
		cli_wrap(f, HELP_COL, HELP_COL, help);
		help_rows(f, fl);
	}
	if (c->after)
		fprintf(f, "\n%s", c->after);
}
