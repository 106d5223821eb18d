/*
 * gs_main.c - gs_main (runtime/gs.h) for programs linked with the
 * simulator: run the program once, as `gsched run` runs a scenario.
 *
 * The run is chosen by the environment, so that one binary can be
 * explored over seeds from a shell loop:
 *   GSCHED_SEED    the seed (default 1)
 *   GSCHED_WINDOW  the eligible window in ns, or "inf" (default 0)
 *   GSCHED_NOISE   the noise model, "on" (default) or "off" (--noise)
 *   GSCHED_COST    figures of cost.h's SIM_FIT_PARAMS to use instead of
 *                  its own: "key=ns[,key=ns...]" or a cost file, as
 *                  `gsched run --cost` takes them (scripts/calibrate)
 * It prints one line on stderr - status, seed, virtual time, events and
 * the trace hash - and returns the run's exit status (0 complete, 1
 * deadlock, throw or panic).  A malformed variable is reported and gives
 * status 2.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs.h"
#include "sim.h"

static bool env_u64(const char *name, uint64_t *out)
{
	const char *v = getenv(name);
	if (v == NULL || *v == 0)
		return true;
	char *end;
	unsigned long long x = strtoull(v, &end, 10);
	if (*end != 0 || v[0] == '-') {
		fprintf(stderr, "gsched: %s: expected a non-negative integer (got '%s')\n", name,
		        v);
		return false;
	}
	*out = x;
	return true;
}

int gs_main(int32_t gomaxprocs, void (*fn)(void *), void *arg)
{
	struct sim_config cfg = {.seed = 1};
	uint64_t window = 0;
	const char *w = getenv("GSCHED_WINDOW");
	if (!env_u64("GSCHED_SEED", &cfg.seed))
		return 2;
	if (w && strcmp(w, "inf") == 0)
		cfg.window_ns = SIM_WINDOW_INF;
	else if (!env_u64("GSCHED_WINDOW", &window))
		return 2;
	else
		cfg.window_ns = (int64_t)window;
	const char *noise = getenv("GSCHED_NOISE");
	if (noise && *noise && strcmp(noise, "on") != 0 && strcmp(noise, "off") != 0) {
		fprintf(stderr, "gsched: GSCHED_NOISE: expected on or off (got '%s')\n", noise);
		return 2;
	}
	cfg.noise_off = noise && strcmp(noise, "off") == 0;
	int64_t fit[SIM_FIT_MAX];
	char err[256];
	const char *cost = getenv("GSCHED_COST");
	sim_fit_defaults(fit);
	if (cost && *cost && !sim_fit_load(cost, fit, err, sizeof err)) {
		fprintf(stderr, "gsched: GSCHED_COST: %s\n", err);
		return 2;
	}
	cfg.fit = fit;
	if (gomaxprocs < 1 || gomaxprocs > 1024) {
		fprintf(stderr, "gsched: gs_main: gomaxprocs must be 1..1024 (got %d)\n",
		        (int)gomaxprocs);
		return 2;
	}
	struct sim_result res;
	int rc = sim_run_program(&cfg, gomaxprocs, fn, arg, &res);
	fprintf(stderr,
	        "gsched: %s%s%s seed %" PRIu64 ", %" PRId64 " ns virtual, %" PRIu64
	        " events, hash %016" PRIx64 "\n",
	        tr_status_name(res.status), res.message[0] ? ": " : "", res.message, cfg.seed,
	        res.stats.end_ns, res.stats.n_events, res.stats.hash);
	return rc;
}
