/*
 * runner.c - one scenario run from a struct cli_opts, the same for every
 * command: the scenario loaded (or parsed from stored text), the workload
 * PRNG stream derived from the seed, the policies set, and the events
 * handed to up to three sinks - a database (which also receives the
 * run's decision list and limits), the assertion checker, and the
 * caller's.
 *
 * Invariants:
 *  - Everything that shapes the event stream comes from the options'
 *    run fields: the same values give the same trace hash (DESIGN.md,
 *    determinism), which is what lets a golden or a database reproduce
 *    its run.  The sinks only watch: with or without them, the hash is
 *    the same.
 *  - With o->db, the schedule and limits are written before the sink's
 *    finish, in its last transaction: a database run either has its
 *    whole schedule or is marked incomplete.
 *  - The caller's sink only receives ->event; the caller finishes and
 *    closes it.
 *
 * Cost: a run loads (parses and validates) its scenario each time; for
 * bench_sim's spawn-tree that is well under 1% of a run.
 */
#include <cJSON.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"
#include "runner.h"
#include "sc.h"

void cli_policy_json(const struct rt_config *rt, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "{");
	for (size_t k = 0; k < rt_npolicies && n < len; k++) {
		const struct rt_policy *p = &rt_policies[k];
		int64_t v = rt_policy_get(rt, p);
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

int cli_policy_from_json(const char *json, struct rt_config *rt, char *err, size_t errlen)
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
		} else if ((p->type == RT_POLICY_INT || p->type == RT_POLICY_NS ||
		            p->type == RT_POLICY_POW2) &&
		           cJSON_IsNumber(it)) {
			v = (int64_t)it->valuedouble;
			if ((double)v != it->valuedouble || !rt_policy_valid(p, v))
				goto bad;
		} else {
			goto bad;
		}
		rt_policy_set(rt, p, v);
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

void cli_cost_string(const struct cli_opts *o, char *buf, size_t len)
{
	if (o->cost.given)
		sim_fit_format(o->cost.fit, buf, len);
	else if (len)
		buf[0] = 0;
}

int cli_opts_from_header(const struct tr_header *h, struct cli_opts *o, char *err, size_t errlen)
{
	char why[256];
	if (!h->scenario_json || !*h->scenario_json) {
		snprintf(err, errlen, "no scenario text stored");
		return 2;
	}
	if (!(o->strategy = cli_choose(cli_strategies, "strategy",
	                               h->strategy ? h->strategy : cli_strategies[0].name, why,
	                               sizeof why)) ||
	    !(o->noise = cli_choose(cli_noises, "noise", h->noise ? h->noise : "off", why,
	                            sizeof why)) ||
	    cli_policy_from_json(h->policy_json ? h->policy_json : "{}", &o->rt, why, sizeof why) <
	            0 ||
	    cli_bugs_from_json(h->bugs_json ? h->bugs_json : "[]", &o->rt, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s", why);
		return 2;
	}
	if (h->cost && *h->cost) {
		if (!sim_fit_parse(h->cost, o->cost.fit, why, sizeof why)) {
			snprintf(err, errlen, "cost: %s", why);
			return 2;
		}
		o->cost.given = true;
	}
	o->scenario = h->scenario;
	o->scenario_text = h->scenario_json;
	o->seed = h->seed;
	o->window_ns = h->window_ns < 0 ? SIM_WINDOW_INF : h->window_ns;
	o->max_steps = h->max_steps > 0 ? h->max_steps : 0; /* old database runs: -1, unknown */
	o->max_time_ns = h->max_time_ns > 0 ? h->max_time_ns : 0;
	if (h->idle_bound_ns >= 0) /* else not recorded: the defaults cli_opts_init set */
		o->bounds.idle_ns = h->idle_bound_ns;
	if (h->starve_bound_ns >= 0)
		o->bounds.starve_ns = h->starve_bound_ns;
	if (h->progress_bound >= 0)
		o->bounds.progress_steps = h->progress_bound;
	if (h->timer_bound_ns >= 0)
		o->bounds.timer_ns = h->timer_bound_ns;
	return 0;
}

void cli_bugs_json(const struct rt_config *rt, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "[");
	for (size_t k = 0; k < rt_nbugs && n < len; k++)
		if (rt->bugs & rt_bugs[k].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"", n > 1 ? "," : "",
			                      rt_bugs[k].name);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

int cli_bugs_from_json(const char *json, struct rt_config *rt, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(json), *it;
	int rc = -1;

	if (!cJSON_IsArray(root)) {
		snprintf(err, errlen, "bugs: expected a JSON array of names (got '%.60s')", json);
		goto out;
	}
	cJSON_ArrayForEach(it, root)
	{
		const struct rt_bugdef *b =
		        cJSON_IsString(it) ? rt_bug_find(it->valuestring) : NULL;
		if (!b) {
			snprintf(err, errlen, "bugs: unknown bug %.40s (see `gsched list bugs`)",
			         cJSON_IsString(it) ? it->valuestring : "(not a string)");
			goto out;
		}
		rt->bugs |= b->bit;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

char *cli_compact_json(const char *text)
{
	cJSON *root = cJSON_Parse(text);
	char *out = root ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return out;
}

/* Store a finished run's decision list (recorded with cfg.record) and its
 * limits in the database sink, before its finish: what `gsched replay`
 * re-runs it from.  Errors are kept by the sink and reported by finish. */
static void store_schedule(struct tr_sink *db, const struct sim_result *res, int64_t max_steps,
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

/* ---- the backends (cli_backends[]) ---- */

int cli_run_sim(const struct sim_config *cfg, int32_t gomaxprocs, struct sc_run *run,
                struct sim_result *res)
{
	return sim_run_program(cfg, gomaxprocs, sc_main, run, res);
}

int cli_run_native(const struct sim_config *cfg, int32_t gomaxprocs, struct sc_run *run,
                   struct sim_result *res)
{
	struct native_config nc = {
	        .seed = cfg->seed,
	        .max_time_ns = cfg->max_time_ns,
	        .sink = cfg->sink,
	        .rt = cfg->rt,
	        .out = cfg->out,
	};
	struct native_result nr;
	int rc = native_run_scenario(&nc, gomaxprocs, run, &nr);
	memset(res, 0, sizeof *res);
	res->status = nr.status;
	snprintf(res->message, sizeof res->message, "%s", nr.message);
	res->stats = nr.stats;
	res->threads = nr.threads;
	res->departed_decision = -1;
	return rc;
}

int64_t cli_pct_steps(const struct cli_opts *o, const struct sc_scenario *sc)
{
	/* PCT spreads its change points over the decisions a run takes: a
	 * random walk of seed 0 (no seed of a sweep's range: every seed
	 * gets the same k) with the run's window, policies and limits. */
	struct sim_config cfg = {.seed = 0,
	                         .window_ns = o->window_ns,
	                         .max_steps = o->max_steps,
	                         .max_time_ns = o->max_time_ns,
	                         .rt = &o->rt};
	/* Under window 0 they are spread over hold points instead, which
	 * PCT counts: a run of PCT without change points (depth 1). */
	if (o->window_ns == 0)
		cfg.strategy = (struct sim_strategy){SIM_STRATEGY_PCT, 1, 1};
	struct sim_result res;
	struct sc_run *run = sc_run_new(sc, sim_stream_seed(0, SIM_STREAM_WORKLOAD, 0));
	if (!run)
		return 1;
	sim_run_program(&cfg, sc_gomaxprocs(sc), sc_main, run, &res);
	sc_run_free(run);
	free(res.schedule);
	int64_t k = o->window_ns == 0 ? res.hold_points : res.decisions;
	return k > 0 ? k : 1;
}

/* ---- the sinks of a run: the database, the checker, the caller's ---- */

/* Hands every event to each sink in to[], in order.  Only ->event:
 * finishing and closing stay with each sink's owner (an_tee would also
 * finish and close the caller's sink). */
struct fanout {
	struct tr_sink sink; /* first */
	struct tr_sink *to[3];
	int n;
};

static void fanout_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct fanout *f = (struct fanout *)s;
	for (int i = 0; i < f->n; i++)
		f->to[i]->event(f->to[i], ev);
}

void cli_run_info_free(struct cli_run_info *info)
{
	free(info->asserts);
	sc_free(info->sc);
	memset(info, 0, sizeof *info);
}

int cli_run(const struct cli_opts *o, struct sim_result *res, struct cli_run_info *info, char *err,
            size_t errlen)
{
	struct cli_run_info mine;
	struct an_checker *checker = NULL;
	struct tr_sink *db = NULL;
	struct sc_run *run = NULL;
	struct sim_observer *oracles = NULL;
	struct fanout fan = {.sink = {.event = fanout_event}};
	struct sim_config cfg = {0};
	int rc = 2;

	if (!info)
		info = &mine;
	memset(res, 0, sizeof *res);
	memset(info, 0, sizeof *info);
	/* o->strategy and o->backend are rows of cli_strategies[] and
	 * cli_backends[]: the backend's row runs the program. */
	if (o->scenario_text) {
		if (sc_parse(o->scenario ? o->scenario : "scenario", o->scenario_text, &info->sc,
		             err, errlen) != 0)
			goto out;
	} else if (sc_load(o->scenario, &info->sc, err, errlen) != 0) {
		goto out;
	}
	cli_policy_json(&o->rt, info->policy_json, sizeof info->policy_json);
	cli_bugs_json(&o->rt, info->bugs_json, sizeof info->bugs_json);
	if (!o->backend->real_time) /* a model of the simulator */
		cli_cost_string(o, info->cost, sizeof info->cost);
	if (o->db) {
		struct tr_run r = {
		        .scenario = o->scenario,
		        .scenario_json = sc_text(info->sc),
		        .seed = o->seed,
		        .backend = o->backend->name,
		        .strategy = o->strategy->name,
		        .window_ns = o->window_ns,
		        .noise = o->backend->real_time
		                         ? "off"
		                         : o->noise->name, /* a model of the simulator */
		        .cost = info->cost,
		        .policy_json = info->policy_json,
		        .bugs_json = info->bugs_json,
		        .gomaxprocs = sc_gomaxprocs(info->sc),
		        .build = tr_build_string(),
		        .has_bounds = !o->backend->real_time, /* the simulator's oracles */
		        .idle_bound_ns = o->bounds.idle_ns,
		        .starve_bound_ns = o->bounds.starve_ns,
		        .progress_bound = o->bounds.progress_steps,
		        .timer_bound_ns = o->bounds.timer_ns,
		};
		if (!(db = tr_sqlite_open(o->db, &r, err, errlen)))
			goto out;
		info->run_id = tr_sqlite_run_id(db);
		fan.to[fan.n++] = db;
	}
	if (o->assertions) {
		checker = an_new(info->sc);
		info->asserts = calloc(sc_assert_count(info->sc) + 1, sizeof *info->asserts);
		if (!checker || !info->asserts) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		an_set_window(checker, o->window_ns);
		an_set_real_time(checker, o->backend->real_time);
		if (o->backend->run == cli_run_sim)
			an_set_away(checker, sim_os_away_within);
		fan.to[fan.n++] = an_sink(checker);
	}
	if (o->sink)
		fan.to[fan.n++] = o->sink;
	if (!(oracles = sim_oracles_new(&o->bounds, o->window_ns, o->rt.globalcheck))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cfg.observer = oracles;
	cfg.sink = fan.n > 1 ? &fan.sink : fan.n ? fan.to[0] : NULL;
	cfg.seed = o->seed;
	cfg.window_ns = o->window_ns;
	cfg.noise_off = strcmp(o->noise->name, "off") == 0;
	cfg.fit = o->cost.given ? o->cost.fit : NULL;
	cfg.max_steps = o->max_steps;
	cfg.max_time_ns = o->max_time_ns;
	cfg.rt = &o->rt;
	cfg.out = o->print;
	cfg.record = o->record || db; /* the database keeps the run's schedule */
	cfg.replay = o->replay;
	cfg.nreplay = o->nreplay;
	cfg.replay_continue = o->replay_continue;
	cfg.replay_nonpreemptive = o->replay_nonpreemptive;
	cfg.strategy.kind = (enum sim_strategy_kind)o->strategy->value;
	cfg.strategy.depth = (int32_t)(o->depth < 1 ? 1 : o->depth > 16 ? 16 : o->depth);
	cfg.strategy.steps = o->pct_steps;
	if (cfg.strategy.kind == SIM_STRATEGY_PCT && cfg.strategy.steps <= 0 &&
	    o->backend->run == cli_run_sim)
		cfg.strategy.steps = cli_pct_steps(o, info->sc);
	if (!(run = sc_run_new(info->sc, sim_stream_seed(o->seed, SIM_STREAM_WORKLOAD, 0)))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	int simrc = o->backend->run(&cfg, sc_gomaxprocs(info->sc), run, res);
	sim_oracles_margins(oracles, &info->margins);
	if (db) {
		store_schedule(db, res, o->max_steps, o->max_time_ns);
		if (db->finish(db, res->status, &res->stats, res->message, err, errlen) != 0)
			goto out;
	}
	if (!o->record) {
		free(res->schedule);
		res->schedule = NULL;
		res->nschedule = 0;
	}
	rc = simrc;
	if (checker) {
		/* Swarm draws the run's window: time the assertions under it
		 * (a drawn free interleaving leaves clocks incomparable), as
		 * the engine tells the oracles (sim_observer.window). */
		if (!o->backend->real_time)
			an_set_window(checker, res->window_ns);
		info->nasserts =
		        an_evaluate(checker, res->status, res->stats.end_ns, info->asserts);
		rc = an_exit_status(info->sc, res->status, info->asserts, info->nasserts);
	}
out:
	if (rc == 2) {
		free(res->schedule);
		res->schedule = NULL;
		res->nschedule = 0;
	}
	if (db)
		db->close(db);
	sim_oracles_free(oracles);
	an_free(checker); /* both refer to the scenario: free them first */
	sc_run_free(run);
	if (rc == 2 || info == &mine)
		cli_run_info_free(info);
	return rc;
}
