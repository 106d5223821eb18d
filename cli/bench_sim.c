/*
 * bench_sim.c - simulator throughput: run a scenario N times in one
 * process without a database (seeds 1..N) and print events per second of
 * CPU time.  Used by scripts/bench; not a user command.
 *
 *   bench_sim SCENARIO N [--db FILE]
 *
 * With --db every run is also written to FILE, to measure the cost of the
 * SQLite sink against the same runs without it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sc.h"
#include "sim.h"
#include "tr.h"

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_sim SCENARIO N [--db FILE]\n");
		return 2;
	}
	const char *db = argc >= 5 && strcmp(argv[3], "--db") == 0 ? argv[4] : NULL;
	int n = atoi(argv[2]);
	char err[512];
	struct sc_scenario *sc;
	if (sc_load(argv[1], &sc, err, sizeof err) != 0) {
		fprintf(stderr, "bench_sim: %s\n", err);
		return 2;
	}
	uint64_t events = 0;
	int64_t max_live = 0;
	double t0 = cpu_seconds();
	for (int i = 1; i <= n; i++) {
		struct sim_config cfg = {.seed = (uint64_t)i};
		struct tr_sink *sink = NULL;
		if (db) {
			struct tr_run run = {.scenario = argv[1],
			                     .scenario_json = sc_text(sc),
			                     .seed = cfg.seed,
			                     .backend = "sim",
			                     .strategy = "random",
			                     .policy_json = "{}",
			                     .bugs_json = "[]",
			                     .gomaxprocs = sc_gomaxprocs(sc),
			                     .build = tr_build_string()};
			sink = tr_sqlite_open(db, &run, err, sizeof err);
			if (!sink) {
				fprintf(stderr, "bench_sim: %s\n", err);
				return 2;
			}
			cfg.sink = sink;
		}
		struct sc_run *r =
		        sc_run_new(sc, sim_stream_seed(cfg.seed, SIM_STREAM_WORKLOAD, 0));
		struct sim_result res;
		sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, r, &res);
		sc_run_free(r);
		if (sink) {
			if (sink->finish(sink, res.status, &res.stats, res.message, err,
			                 sizeof err))
				fprintf(stderr, "bench_sim: %s\n", err);
			sink->close(sink);
		}
		events += res.stats.n_events;
		if (res.stats.max_live > max_live)
			max_live = res.stats.max_live;
	}
	double secs = cpu_seconds() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("runs %d events %" PRIu64 " cpu_s %.3f events_per_sec %.0f peak_rss_kb %ld "
	       "max_live %" PRId64 "\n",
	       n, events, secs, events / secs, ru.ru_maxrss, max_live);
	sc_free(sc);
	return 0;
}
