/*
 * fit.c - the figures scripts/calibrate fits (cost.h's SIM_FIT_PARAMS):
 * their defaults, and a run's overrides ("key=ns,key=ns", GSCHED_COST).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "sim.h"

_Static_assert(SIM_FIT_N <= SIM_FIT_MAX, "SIM_FIT_MAX too small for cost.h's SIM_FIT_PARAMS");

static const struct {
	const char *key;
	int64_t def;
} params[SIM_FIT_N] = {
#define SIM_FIT_ROW(id, k, d) [SIM_FIT_##id] = {k, d},
        SIM_FIT_PARAMS(SIM_FIT_ROW)
#undef SIM_FIT_ROW
};

void sim_fit_defaults(int64_t fit[SIM_FIT_MAX])
{
	for (int i = 0; i < SIM_FIT_MAX; i++)
		fit[i] = i < SIM_FIT_N ? params[i].def : 0;
}

bool sim_fit_parse(const char *spec, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen)
{
	sim_fit_defaults(fit);
	const char *p = spec ? spec : "";
	while (*p) {
		const char *eq = strchr(p, '=');
		size_t klen = eq ? (size_t)(eq - p) : strlen(p);
		int i = 0;
		while (i < SIM_FIT_N &&
		       !(strlen(params[i].key) == klen && strncmp(params[i].key, p, klen) == 0))
			i++;
		if (i == SIM_FIT_N || !eq) {
			int n = snprintf(err, errlen, "expected key=ns[,key=ns...] with keys");
			for (int j = 0; j < SIM_FIT_N && n > 0 && (size_t)n < errlen; j++)
				n += snprintf(err + n, errlen - (size_t)n, " %s", params[j].key);
			if (n > 0 && (size_t)n < errlen)
				snprintf(err + n, errlen - (size_t)n, " (got '%s')", spec);
			return false;
		}
		char *end;
		long long v = strtoll(eq + 1, &end, 10);
		if (end == eq + 1 || (*end != 0 && *end != ',') || v < 0) {
			snprintf(err, errlen, "%s: expected a non-negative number of ns (got '%s')",
			         params[i].key, spec);
			return false;
		}
		fit[i] = v;
		p = *end == ',' ? end + 1 : end;
	}
	return true;
}
