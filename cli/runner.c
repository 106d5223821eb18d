/*
 * runner.c - one scenario run from a struct cli_run_spec, as `gsched run`
 * makes it: the scenario loaded (or parsed from stored text), the
 * workload PRNG stream derived from the seed, the policies set, the
 * events teed to the caller's sink and, optionally, to a database that
 * also receives the run's decision list and limits.
 *
 * Invariants:
 *  - Everything that shapes the event stream comes from the spec: the
 *    same spec gives the same trace hash (DESIGN.md, determinism), which
 *    is what lets a golden or a database reproduce its run.
 *  - With spec->db, the schedule and limits are written before the
 *    sink's finish, in its last transaction: a database run either has
 *    its whole schedule or is marked incomplete.
 *  - The caller's sink only receives ->event; the caller finishes and
 *    closes it.
 */
#include <cJSON.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sc.h"

void cli_policy_json(const struct cli_run_spec *spec, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "{");
	for (size_t k = 0; k < rt_npolicies && n < len; k++) {
		const struct rt_policy *p = &rt_policies[k];
		int64_t v = rt_policy_get(&spec->rt, p);
		if (v == p->go_default)
			continue;
		char val[48];
		if (p->type == RT_POLICY_BOOL)
			snprintf(val, sizeof val, "%s", v ? "true" : "false");
		else if (p->type == RT_POLICY_ENUM)
			snprintf(val, sizeof val, "\"%s\"", p->names[v]);
		else
			snprintf(val, sizeof val, "%lld", (long long)v);
		n += (size_t)snprintf(buf + n, len - n, "%s\"%s\":%s", n > 1 ? "," : "", p->name,
		                      val);
	}
	if (n < len)
		snprintf(buf + n, len - n, "}");
}

int cli_policy_from_json(const char *json, struct cli_run_spec *spec, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(json), *it;
	int rc = -1;

	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "policies: expected a JSON object (got '%.60s')", json);
		goto out;
	}
	cJSON_ArrayForEach(it, root)
	{
		const struct rt_policy *p = rt_policy_find(it->string, strlen(it->string));
		int64_t v;
		if (!p) {
			snprintf(err, errlen,
			         "policies: unknown policy '%.40s' (see `gsched list policies`)",
			         it->string);
			goto out;
		}
		if (p->type == RT_POLICY_BOOL && cJSON_IsBool(it)) {
			v = cJSON_IsTrue(it);
		} else if (p->type == RT_POLICY_ENUM && cJSON_IsString(it)) {
			if (!rt_policy_parse(p, it->valuestring, &v))
				goto bad;
		} else if ((p->type == RT_POLICY_INT || p->type == RT_POLICY_NS) &&
		           cJSON_IsNumber(it)) {
			v = (int64_t)it->valuedouble;
			if ((double)v != it->valuedouble || v < p->min || v > p->max)
				goto bad;
		} else {
			goto bad;
		}
		rt_policy_set(&spec->rt, p, v);
		continue;
	bad:;
		char vals[128];
		rt_policy_values(p, vals, sizeof vals);
		snprintf(err, errlen, "policies.%s: expected %s", p->name, vals);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int cli_policy_arg(const char *arg, struct cli_run_spec *spec, char *err, size_t errlen)
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
	rt_policy_set(&spec->rt, p, v);
	return 0;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
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

bool cli_parse_duration(const char *s, int64_t *out)
{
	char num[32];
	size_t n = strspn(s, "0123456789");
	uint64_t v, mul;

	if (n == 0 || n >= sizeof num)
		return false;
	memcpy(num, s, n);
	num[n] = 0;
	if (!cli_parse_u64(num, &v))
		return false;
	const char *unit = s + n;
	if (*unit == 0 || strcmp(unit, "ns") == 0)
		mul = 1;
	else if (strcmp(unit, "us") == 0)
		mul = 1000;
	else if (strcmp(unit, "ms") == 0)
		mul = 1000000;
	else if (strcmp(unit, "s") == 0)
		mul = 1000000000;
	else
		return false;
	if (v > (uint64_t)INT64_MAX / mul)
		return false;
	*out = (int64_t)(v * mul);
	return true;
}

bool cli_parse_window(const char *s, int64_t *out)
{
	if (strcmp(s, "inf") == 0) {
		*out = SIM_WINDOW_INF;
		return true;
	}
	return cli_parse_duration(s, out);
}

char *cli_compact_json(const char *text)
{
	cJSON *root = cJSON_Parse(text);
	char *out = root ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return out;
}

void cli_store_schedule(struct tr_sink *db, const struct sim_result *res, int64_t max_steps,
                        int64_t max_time_ns)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	uint32_t *pairs = malloc(res->nschedule * 2 * sizeof *pairs + 1);

	for (size_t i = 0; pairs && i < res->nschedule; i++) {
		pairs[2 * i] = res->schedule[i].n;
		pairs[2 * i + 1] = res->schedule[i].pick;
	}
	/* Out of memory: an empty blob with a count it cannot hold is caught
	 * by the reader as corrupt; better to store no count at all. */
	if (pairs && tr_schedule_encode(pairs, res->nschedule, &blob, &len) == 0)
		tr_sqlite_set_schedule(db, blob, len, res->nschedule);
	tr_sqlite_set_limits(db, max_steps, max_time_ns);
	free(pairs);
	free(blob);
}

/* ---- a two-way tee: the database and the caller's sink ---- */

struct tee {
	struct tr_sink sink; /* first */
	struct tr_sink *a, *b;
};

static void tee_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct tee *t = (struct tee *)s;
	t->a->event(t->a, ev);
	t->b->event(t->b, ev);
}

int cli_run(const struct cli_run_spec *spec, struct sim_result *res, struct cli_run_info *info,
            char *err, size_t errlen)
{
	struct sc_scenario *sc = NULL;
	struct tr_sink *db = NULL;
	struct sc_run *run = NULL;
	struct tee tee = {.sink = {.event = tee_event}};
	struct sim_config cfg = {0};
	char policy_json[128];
	int rc = 2;

	memset(res, 0, sizeof *res);
	if (info)
		memset(info, 0, sizeof *info);
	if (spec->strategy && strcmp(spec->strategy, "random") != 0) {
		snprintf(err, errlen, "unknown strategy '%s' (this gsched has: random)",
		         spec->strategy);
		goto out;
	}
	if (spec->scenario_text) {
		if (sc_parse(spec->scenario ? spec->scenario : "scenario", spec->scenario_text, &sc,
		             err, errlen) != 0)
			goto out;
	} else if (sc_load(spec->scenario, &sc, err, errlen) != 0) {
		goto out;
	}
	cli_policy_json(spec, policy_json, sizeof policy_json);
	if (info) {
		info->gomaxprocs = sc_gomaxprocs(sc);
		snprintf(info->policy_json, sizeof info->policy_json, "%s", policy_json);
		if (!(info->scenario_json = cli_compact_json(sc_text(sc)))) {
			snprintf(err, errlen, "%s: the scenario text does not parse as JSON",
			         spec->scenario);
			goto out;
		}
	}
	if (spec->db) {
		struct tr_run r = {
		        .scenario = spec->scenario,
		        .scenario_json = sc_text(sc),
		        .seed = spec->seed,
		        .backend = "sim",
		        .strategy = "random",
		        .window_ns = spec->window_ns,
		        .policy_json = policy_json,
		        .bugs_json = "[]",
		        .gomaxprocs = sc_gomaxprocs(sc),
		        .build = tr_build_string(),
		};
		if (!(db = tr_sqlite_open(spec->db, &r, err, errlen)))
			goto out;
		if (info)
			info->run_id = tr_sqlite_run_id(db);
	}
	cfg.seed = spec->seed;
	cfg.window_ns = spec->window_ns;
	cfg.max_steps = spec->max_steps;
	cfg.max_time_ns = spec->max_time_ns;
	cfg.rt = &spec->rt;
	cfg.record = spec->record || spec->db;
	cfg.replay = spec->replay;
	cfg.nreplay = spec->nreplay;
	cfg.replay_continue = spec->replay_continue;
	if (db && spec->sink) {
		tee.a = db;
		tee.b = spec->sink;
		cfg.sink = &tee.sink;
	} else {
		cfg.sink = db ? db : spec->sink;
	}
	if (!(run = sc_run_new(sc, sim_stream_seed(spec->seed, SIM_STREAM_WORKLOAD, 0)))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	int simrc = sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, run, res);
	if (db) {
		cli_store_schedule(db, res, spec->max_steps, spec->max_time_ns);
		if (db->finish(db, res->status, &res->stats, res->message, err, errlen) != 0)
			goto out;
	}
	if (!spec->record) {
		free(res->schedule);
		res->schedule = NULL;
		res->nschedule = 0;
	}
	rc = simrc;
out:
	if (rc == 2) {
		free(res->schedule);
		res->schedule = NULL;
		if (info) {
			free(info->scenario_json);
			info->scenario_json = NULL;
		}
	}
	if (db)
		db->close(db);
	sc_run_free(run);
	sc_free(sc);
	return rc;
}
