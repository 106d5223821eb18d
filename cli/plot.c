/*
 * plot.c - `gsched plot`: the figures of a run or of a comparison, drawn
 * by scripts/plot (matplotlib), so that they come from the one CLI.
 *
 * gsched does not draw: it checks its arguments (a database, or the JSON
 * of `gsched compare --json`; each file's kind read from its first
 * bytes), finds the plotter beside the binary and executes it with the
 * matching subcommand:
 *
 *   gsched plot DB [--run N] [--out PREFIX]      -> scripts/plot run
 *   gsched plot FILE.json... [--out PREFIX]      -> scripts/plot compare
 *   gsched plot FILE.json... --metric KEY,...    -> scripts/plot study
 *
 * The plotter is found relative to the running binary: BINDIR/../scripts/plot
 * (a build folder of the source tree, as build/gsched) or
 * BINDIR/../share/gsched/plot (an installed gsched, `cmake --install`).
 * Its own messages then name `gsched plot` (GSCHED_PLOT_PROG).
 *
 * Alternative not taken: matplotlib through an embedded Python (libpython
 * in every gsched binary for one command) or a plotter in C (issue: a
 * well-kept library, not a hand-written one).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

enum kind { K_DB, K_JSON };

/* What path holds, from its first bytes: 0, or 2 after a message. */
static int file_kind(const char *path, enum kind *k)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "gsched plot: %s: %s\n", path, strerror(errno));
		return 2;
	}
	char head[16] = {0};
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0) {
		*k = K_DB;
		return 0;
	}
	size_t i = strspn(head, " \t\r\n");
	if (i < n && head[i] == '{') {
		*k = K_JSON;
		return 0;
	}
	fprintf(stderr,
	        "gsched plot: %s: neither a gsched database nor the output of gsched compare "
	        "--json\n",
	        path);
	return 2;
}

/* The plotter beside the binary, into buf: 0, or 2 after a message. */
static int find_plotter(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		fprintf(stderr, "gsched plot: cannot tell where gsched is: %s\n", strerror(errno));
		return 2;
	}
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	static const char *const rel[] = {"../scripts/plot", "../share/gsched/plot"};
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(buf, len, "%s/%s", exe, rel[i]);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	fprintf(stderr,
	        "gsched plot: no plotter beside %s (looked for %s/%s and %s/%s; it is "
	        "scripts/plot of the source tree)\n",
	        exe, exe, rel[0], exe, rel[1]);
	return 2;
}

/* PREFIX by default: the first file's path without its extension. */
static char *default_prefix(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return NULL;
	char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
	if (dot && dot != p && (!slash || dot > slash + 1))
		*dot = 0;
	return p;
}

static int cmd_plot(struct cli_opts *o)
{
	enum kind first = K_DB;
	for (int i = 0; i < o->nargs; i++) {
		enum kind k;
		if (file_kind(o->args[i], &k) != 0)
			return 2;
		if (i == 0)
			first = k;
		else if (k != first || k == K_DB)
			return cli_usage_error(
			        o->cmd,
			        "one database, or one or more files of gsched compare "
			        "--json (got %s after %s)",
			        o->args[i], o->args[0]);
	}
	if (first == K_DB && o->metric)
		return cli_usage_error(o->cmd, "--metric: for the files of gsched compare --json, "
		                               "not a database");
	if (first == K_JSON && o->run)
		return cli_usage_error(o->cmd, "--run: for a database, not gsched compare --json");

	char plotter[PATH_MAX + 32];
	if (find_plotter(plotter, sizeof plotter) != 0)
		return 2;
	char *prefix = o->out ? strdup(o->out) : default_prefix(o->args[0]);
	char run[32];
	char **argv = calloc((size_t)o->nargs + 10, sizeof *argv);
	if (!prefix || !argv) {
		fprintf(stderr, "gsched plot: out of memory\n");
		free(prefix);
		free(argv);
		return 2;
	}
	int n = 0;
	argv[n++] = plotter;
	argv[n++] = first == K_DB ? "run" : o->metric ? "study" : "compare";
	for (int i = 0; i < o->nargs; i++)
		argv[n++] = o->args[i];
	if (o->run) {
		snprintf(run, sizeof run, "%lld", (long long)o->run);
		argv[n++] = "--run";
		argv[n++] = run;
	}
	if (o->metric) {
		argv[n++] = "--metric";
		argv[n++] = (char *)o->metric;
	}
	argv[n++] = "--out";
	argv[n++] = prefix;
	argv[n] = NULL;
	fflush(NULL);
	setenv("GSCHED_PLOT_PROG", "gsched plot", 1);
	execv(plotter, argv);
	fprintf(stderr, "gsched plot: %s: %s\n", plotter, strerror(errno));
	free(prefix);
	free(argv);
	return 2;
}

const struct cli_command cli_cmd_plot = {
        .name = "plot",
        .fn = cmd_plot,
        .args = "FILE...",
        .min_args = 1,
        .max_args = -1,
        .missing = "missing FILE (a database of gsched run --db, or gsched compare --json "
                   "output)",
        .flags = CLI_F(CLI_RUN) | CLI_F(CLI_OUT) | CLI_F(CLI_METRIC),
        .summary = "figures of a run or of a comparison, as PNG and SVG (matplotlib)",
        .about = "Draws with matplotlib (Debian's python3-matplotlib) through scripts/plot,\n"
                 "each figure as PREFIX-NAME.png and PREFIX-NAME.svg:\n"
                 "\n"
                 "  gsched plot DB [--run N]    PREFIX-latency (CDF per label), PREFIX-timeline\n"
                 "                              (per-P slices), PREFIX-runq (run-queue lengths)\n"
                 "  gsched plot C.json...       PREFIX-compare: each metric's means with 95% CIs,\n"
                 "                              one group per file (gsched compare --json)\n"
                 "  gsched plot C.json... --metric KEY,KEY\n"
                 "                              PREFIX: a panel per metric across the files\n"
                 "\n"
                 "Prints the files it wrote.  The same input draws the same SVG.\n",
        .after = "Exit status: 0, 2 bad usage, a file that is neither kind, no run N, or no\n"
                 "matplotlib (apt-get install python3-matplotlib).\n",
};
