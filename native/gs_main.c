/*
 * gs_main.c - gs_main (runtime/gs.h) for programs linked with the native
 * backend: run the program once on real threads.
 *
 *   GSCHED_SEED  seeds each M's fastrand (default 1); nothing else about
 *                a native run can be chosen: the OS schedules the threads.
 *
 * It prints one line on stderr - status, wall-clock time, threads - and
 * returns the run's exit status (0 complete, 1 deadlock, throw or panic).
 * A malformed variable is reported and gives status 2.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "gs.h"
#include "native.h"

int gs_main(int32_t gomaxprocs, void (*fn)(void *), void *arg)
{
	struct native_config cfg = {.seed = 1};
	const char *v = getenv("GSCHED_SEED");
	if (v && *v) {
		char *end;
		unsigned long long x = strtoull(v, &end, 10);
		if (*end != 0 || v[0] == '-') {
			fprintf(stderr,
			        "gsched: GSCHED_SEED: expected a non-negative integer (got '%s')\n",
			        v);
			return 2;
		}
		cfg.seed = x;
	}
	if (gomaxprocs < 1 || gomaxprocs > 1024) {
		fprintf(stderr, "gsched: gs_main: gomaxprocs must be 1..1024 (got %d)\n",
		        (int)gomaxprocs);
		return 2;
	}
	struct native_result res;
	int rc = native_run_program(&cfg, gomaxprocs, fn, arg, &res);
	fprintf(stderr, "gsched: %s%s%s native, %.3f ms wall, %d threads\n",
	        tr_status_name(res.status), res.message[0] ? ": " : "", res.message,
	        (double)res.wall_ns / 1e6, (int)res.threads);
	return rc;
}
