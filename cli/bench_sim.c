/*
 * bench_sim.c - simulator throughput: run a scenario N times in one
 * process (seeds 1..N) and print events per second of CPU time.  Used by
 * scripts/bench; not a user command.
 *
 *   bench_sim SCENARIO N [--db FILE] [gsched run's options but --seed]
 *
 * Each run is cli_run (runner.c), the run `gsched run` makes, without the
 * assertion checker.  With --db every run is also written to FILE, as
 * `gsched run --db` writes it (events, schedule and limits), to measure
 * the cost of the SQLite sink against the same runs without it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "runner.h"

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(struct cli_opts *o)
{
	uint64_t n, events = 0;
	int64_t max_live = 0;
	char err[512];

	if (sscanf(o->args[1], "%" SCNu64, &n) != 1 || n == 0)
		return cli_usage_error(o->cmd, "N: expected a number of runs (got '%s')",
		                       o->args[1]);
	o->scenario = o->args[0];
	double t0 = cpu_seconds();
	for (uint64_t i = 1; i <= n; i++) {
		struct sim_result res;
		o->seed = i;
		if (cli_run(o, &res, NULL, err, sizeof err) == 2) {
			fprintf(stderr, "bench_sim: %s\n", err);
			return 2;
		}
		events += res.stats.n_events;
		if (res.stats.max_live > max_live)
			max_live = res.stats.max_live;
	}
	double secs = cpu_seconds() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("runs %" PRIu64 " events %" PRIu64 " cpu_s %.3f events_per_sec %.0f peak_rss_kb %ld "
	       "max_live %" PRId64 "\n",
	       n, events, secs, events / secs, ru.ru_maxrss, max_live);
	return 0;
}

static const struct cli_command bench_row = {
        .name = "bench_sim",
        .fn = bench,
        .args = "SCENARIO N",
        .min_args = 2,
        .max_args = 2,
        .missing = "expected SCENARIO and N, the number of runs",
        .flags = (CLI_RUN_FLAGS & ~CLI_F(CLI_SEED)) | CLI_F(CLI_DB),
        .summary = "simulator throughput",
        .about = "Runs SCENARIO N times in one process, with seeds 1..N, and prints events per\n"
                 "second of CPU time, the peak RSS and the most goroutines alive at once.\n",
        .after = "Exit status: 0, 2 bad usage, bad scenario or database error.\n",
        .standalone = true,
};

int main(int argc, char **argv)
{
	return cli_main(&bench_row, argc, argv);
}
