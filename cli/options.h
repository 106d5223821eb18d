/*
 * options.h - the one definition of gsched's command line: the options
 * of a run (struct cli_opts), the table of every flag (cli_flags[]), the
 * small tables of strategies and backends, the description of a command
 * (struct cli_command) and the parser and help text built from them.
 *
 * A flag is one row of cli_flags[]: its long and short name, its value's
 * metavar, its help line and how its value is parsed and where in
 * struct cli_opts it is stored.  A command lists the flags it takes as a
 * mask; the parser (getopt_long, GNU conventions), the command's --help,
 * the error messages and the tests all read the same rows.  Policies
 * come from runtime/config.h's rt_policies[], strategies and backends
 * from cli_strategies[] and cli_backends[]: adding one is one row.
 */
#ifndef GSCHED_CLI_OPTIONS_H
#define GSCHED_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "sim.h"
#include "tr.h"

struct sc_run;

/* How a backend runs a scenario's program (runner.c): cfg's fields that
 * the backend has (the simulator: all; native: seed, max_time_ns as a
 * wall-clock limit, sink, rt), and a run of sc_run_new.  Returns what
 * sim_run_program returns. */
typedef int cli_backend_run(const struct sim_config *cfg, int32_t gomaxprocs, struct sc_run *run,
                            struct sim_result *res);
cli_backend_run cli_run_sim, cli_run_native;

/* A strategy or a backend: one row each, in tables ended by {NULL}.
 * The first row is the default. */
struct cli_choice {
	const char *name;
	const char *help;
	cli_backend_run *run; /* backends: how it runs a program */
	bool real_time;       /* backends: events carry wall-clock time, not virtual time */
	int value;            /* strategies: its enum sim_strategy_kind */
};
extern const struct cli_choice cli_strategies[];
extern const struct cli_choice cli_backends[];
extern const struct cli_choice cli_noises[];         /* --noise: "on" (the default) or "off" */
extern const struct cli_choice cli_export_formats[]; /* export --format; value: enum below */
enum { CLI_EXPORT_PERFETTO };

/* The row of t named name, or NULL with "unknown WHAT 'NAME' (this
 * gsched has: a, b)" in err. */
const struct cli_choice *cli_choose(const struct cli_choice *t, const char *what, const char *name,
                                    char *err, size_t errlen);

struct cli_command;

/* --cost: the figures of sim/cost.h's SIM_FIT_PARAMS a run uses, from a
 * cost file or key=ns,... (sim_fit_load); not given: the table's. */
struct cli_cost {
	bool given;
	int64_t fit[SIM_FIT_MAX]; /* when given: every figure, defaults filled in */
};

/*
 * Everything a command line can say, and everything else a run is made
 * from.  cli_opts_init sets every default; the parser then sets what the
 * flags say; the callers of cli_run (runner.h) set the rest.
 */
struct cli_opts {
	/* The run: everything that shapes its event stream (the same
	 * values give the same trace hash). */
	const char *scenario;      /* bundled name or path; with scenario_text, only its label */
	const char *scenario_text; /* the document itself (a golden's, a database's), or NULL */
	uint64_t seed;             /* --seed, default 1 */
	int64_t window_ns;         /* --window; SIM_WINDOW_INF: free interleaving */
	const struct cli_choice *strategy, *backend;
	const struct cli_choice *noise; /* --noise: a row of cli_noises[] */
	struct cli_cost cost;           /* --cost: the host's fitted figures */
	struct rt_config rt;            /* --policy, on top of Go's defaults */
	int64_t max_steps, max_time_ns; /* 0: no limit */
	struct sim_bounds bounds;       /* the oracles' bounds (--idle-bound, ...); 0: off */

	/* What `gsched run` does with it. */
	const char *db; /* write the run, its schedule and limits here */
	bool quiet;
	bool scheddetail; /* --scheddetail: sets rt.scheddetail (with --schedtrace) */

	/* Other commands' flags. */
	const char *name, *dir;    /* record: the golden's name and folder (NULL: defaults) */
	int64_t run, run_a, run_b; /* show, replay, diff: run ids (0: the file's last) */
	bool replay_continue;      /* replay --continue: on departure, go on from the seed */
	bool replay_nonpreemptive; /* shrink: past the departure, go on without preempting */
	const char *seeds;         /* explore --seeds A..B (explore.c parses it) */
	const char *schedule;      /* run --schedule gs1:...: a pasted schedule to replay */
	int64_t jobs;              /* explore -j: worker processes (0: one per core) */
	const char *out;           /* explore, merge: the output folder; plot: the prefix */
	bool stop_at_first, keep_going;
	const char *shard;               /* explore --shard I/N */
	int64_t depth;                   /* --depth: PCT's d */
	int64_t preemptions;             /* --preemptions: the bounded search's bound */
	int64_t max_schedules;           /* --max-schedules: the bounded search's budget per seed */
	bool json, csv;                  /* report, compare: the output's form (text by default) */
	const struct cli_choice *format; /* export --format: a row of cli_export_formats[] */
	const char *side_a, *side_b;     /* compare --a, --b: SETTINGS */
	const struct cli_choice *backend_a, *backend_b; /* compare --a-backend, --b-backend */
	const char *metric;                             /* plot --metric KEY[,KEY...] */
	bool help;

	/* Set by the parser: the command, its positional arguments in
	 * order, and which flags were given (CLI_F bits). */
	const struct cli_command *cmd;
	char **args;
	int nargs;
	uint64_t given;

	/* Set by callers of cli_run, never by a flag. */
	struct tr_sink *sink; /* sees every event; the caller finishes and closes it */
	FILE *print;          /* the program's output (schedtrace; Go's stderr), or NULL: dropped */
	bool record;          /* keep the decisions in res->schedule (implied by db) */
	bool assertions;      /* check the scenario's assertions, as `gsched run` */
	const struct sim_decision *replay; /* replay this decision list instead of the seed's */
	size_t nreplay;
	int64_t pct_steps; /* PCT's k, the decisions a run takes; 0: cli_run measures it */
};

void cli_opts_init(struct cli_opts *o);

/* The flags, in the order --help lists them. */
enum cli_flag_id {
	CLI_SEED,
	CLI_WINDOW,
	CLI_NOISE,
	CLI_COST,
	CLI_STRATEGY,
	CLI_BACKEND,
	CLI_MAX_STEPS,
	CLI_MAX_TIME,
	CLI_POLICY,
	CLI_BUG,
	CLI_SCHEDTRACE,
	CLI_SCHEDDETAIL,
	CLI_DB,
	CLI_QUIET,
	CLI_NAME,
	CLI_DIR,
	CLI_RUN,
	CLI_RUN_A,
	CLI_RUN_B,
	CLI_CONTINUE,
	CLI_SEEDS,
	CLI_JOBS,
	CLI_OUT,
	CLI_STOP_AT_FIRST,
	CLI_KEEP_GOING,
	CLI_SHARD,
	CLI_DEPTH,
	CLI_PREEMPTIONS,
	CLI_MAX_SCHEDULES,
	CLI_IDLE_BOUND,
	CLI_STARVE_BOUND,
	CLI_PROGRESS_BOUND,
	CLI_TIMER_BOUND,
	CLI_JSON,
	CLI_CSV,
	CLI_FORMAT,
	CLI_SIDE_A,
	CLI_SIDE_B,
	CLI_A_BACKEND,
	CLI_B_BACKEND,
	CLI_METRIC,
	CLI_SCHEDULE,
	CLI_HELP, /* every command takes it */
	CLI_NFLAGS
};
#define CLI_F(id) (UINT64_C(1) << (id))
/* The flags that shape a run's event stream. */
#define CLI_RUN_FLAGS                                                                              \
	(CLI_F(CLI_SEED) | CLI_F(CLI_WINDOW) | CLI_F(CLI_NOISE) | CLI_F(CLI_COST) |                \
	 CLI_F(CLI_STRATEGY) | CLI_F(CLI_BACKEND) | CLI_F(CLI_MAX_STEPS) | CLI_F(CLI_MAX_TIME) |   \
	 CLI_F(CLI_POLICY) | CLI_F(CLI_BUG) | CLI_F(CLI_IDLE_BOUND) | CLI_F(CLI_STARVE_BOUND) |    \
	 CLI_F(CLI_PROGRESS_BOUND) | CLI_F(CLI_TIMER_BOUND))
/* The flags of a sweep (explore) on top of those. */
#define CLI_EXPLORE_FLAGS                                                                          \
	(CLI_F(CLI_SEEDS) | CLI_F(CLI_JOBS) | CLI_F(CLI_OUT) | CLI_F(CLI_STOP_AT_FIRST) |          \
	 CLI_F(CLI_KEEP_GOING) | CLI_F(CLI_SHARD) | CLI_F(CLI_DEPTH) | CLI_F(CLI_PREEMPTIONS) |    \
	 CLI_F(CLI_MAX_SCHEDULES))

/* How a flag's value is parsed, and the type of its field. */
enum cli_arg {
	CLI_ARG_SWITCH,   /* no value; bool */
	CLI_ARG_STRING,   /* const char *, as given */
	CLI_ARG_FILENAME, /* const char *, a file name without '/' */
	CLI_ARG_U64,      /* uint64_t: digits */
	CLI_ARG_COUNT,    /* int64_t: digits, up to INT64_MAX */
	CLI_ARG_RUN_ID,   /* int64_t: 1, 2, ... */
	CLI_ARG_DURATION, /* int64_t ns: digits with ns, us, ms or s */
	CLI_ARG_WINDOW,   /* int64_t ns: a duration or inf (SIM_WINDOW_INF) */
	CLI_ARG_CHOICE,   /* const struct cli_choice *: a row of choices */
	CLI_ARG_POLICY,   /* struct rt_config: KEY=VAL of rt_policies[] (repeatable) */
	CLI_ARG_BUG,      /* struct rt_config: a name of rt_bugs[] (repeatable) */
	CLI_ARG_COST,     /* struct cli_cost: a cost file or key=ns,... (sim_fit_load) */
};

struct cli_flag {
	const char *name;                 /* long name, without "--" */
	char short_name;                  /* or 0 */
	enum cli_arg arg;                 /* how the value is parsed */
	size_t offset;                    /* of its field in struct cli_opts */
	const char *metavar;              /* the value in help; NULL for a switch */
	const struct cli_choice *choices; /* CLI_ARG_CHOICE */
	const char *def;                  /* the default, as help tells it; NULL: none */
	const char *help;                 /* one paragraph; --help wraps it */
};
extern const struct cli_flag cli_flags[CLI_NFLAGS];

/* A command: what its --help says and what its parser accepts. */
struct cli_command {
	const char *name;
	int (*fn)(struct cli_opts *o); /* returns the exit status */
	const char *args;              /* positional synopsis: "SCENARIO", "[PATH...]" */
	int min_args, max_args;        /* max_args < 0: any number */
	const char *missing;           /* the message when fewer than min_args are given */
	uint64_t flags;                /* CLI_F bits of the flags it takes (--help: always) */
	uint64_t required;             /* of those, the ones it cannot do without */
	const char *summary;           /* its line in `gsched --help` */
	const char *about;             /* --help: the text before the options */
	const char *after;             /* --help: the text after them (exit status) */
	bool standalone;               /* a program of its own (bench_sim), not `gsched NAME` */
};

/* Parse argv[1..argc) (argv[0] is the command's name) for c into o, set
 * with cli_opts_init.  Returns -1 when the command should run, or the
 * exit status to end with: 0 after printing its help (--help, -h), 2
 * after printing a usage error.  o->args is allocated (free() it) and
 * points into argv, like every string value. */
int cli_parse(const struct cli_command *c, int argc, char **argv, struct cli_opts *o);
/* cli_opts_init, cli_parse, then c->fn. */
int cli_main(const struct cli_command *c, int argc, char **argv);

/* "gsched CMD: MESSAGE\n(see `gsched CMD --help`)" on stderr; returns 2. */
int cli_usage_error(const struct cli_command *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* A command's --help text. */
void cli_help(FILE *f, const struct cli_command *c);
/* text from column col (where the cursor is), wrapped at 80 columns
 * with continuation lines indented to indent, then a newline. */
void cli_wrap(FILE *f, int col, int indent, const char *text);

/* One policy as `gsched list policies` and --help describe it:
 * "on|off (Go: off): what it changes". */
void cli_policy_describe(const struct rt_policy *p, char *buf, size_t len);

/* One --policy KEY=VAL on top of rt: 0, or -1 with a message naming
 * --policy. */
int cli_policy_set(struct rt_config *rt, const char *arg, char *err, size_t errlen);

/* One --bug NAME on top of rt: 0, or -1 with a message naming --bug. */
int cli_bug_set(struct rt_config *rt, const char *name, char *err, size_t errlen);

/* A window as --window writes it: "inf" (any negative) or ns. */
void cli_format_window(char *buf, size_t len, int64_t window_ns);

#endif
