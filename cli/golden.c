/*
 * golden.c - the recorded-trace commands: record, check, bless (golden
 * traces under traces/golden/), show, diff, replay (runs in databases).
 *
 * Invariants:
 *  - A golden is self-contained: its header holds the scenario text,
 *    seed, window, strategy, policies and limits, and check/bless re-run
 *    it from the header alone through cli_run (runner.c), the same path
 *    record took; so record-then-check passes by construction, and a
 *    check failure means the scheduler (or the simulator) changed.
 *  - Nothing host-dependent is written: no build string, no time, no
 *    path other than what the user named.
 *  - Bad input (an unreadable golden, a corrupt database, a missing run)
 *    is one line naming the file and exit status 2; a difference is exit
 *    status 1.  Never a crash.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "runner.h"
#include "sc.h"

#define GOLDEN_DIR     "traces/golden"
#define GOLDEN_EXT     ".trace"
#define GOLDEN_WARN_KB 300 /* record warns above this: goldens live in git */

/* "x/y/spawn-tree-s7.trace" -> "spawn-tree-s7" */
static void stem(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(buf, len, "%s", b);
	size_t n = strlen(buf), e = strlen(GOLDEN_EXT);
	if (n > e && strcmp(buf + n - e, GOLDEN_EXT) == 0)
		buf[n - e] = 0;
}

/* ---- running a golden ---- */

/*
 * Run o, keeping every event in *t and describing the run in *out as a
 * golden's header; record and every re-run of a header come here, so they
 * make their runs alike.  Returns 0 or 1 (the run's own status), or 2
 * with err (file names what the run came from).
 */
static int run_golden(const char *file, struct cli_opts *o, struct tr_header *out,
                      struct tr_trace *t, struct sim_result *res, char *err, size_t errlen)
{
	struct cli_run_info info;
	struct tr_sink *sink;
	char rerr[512];
	int rc;

	memset(out, 0, sizeof *out);
	tr_trace_init(t);
	if (!(sink = tr_trace_sink(t))) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	o->sink = sink;
	rc = cli_run(o, res, &info, rerr, sizeof rerr);
	if (rc == 2) {
		snprintf(err, errlen, "%s: %s", file, rerr);
		goto out;
	}
	if (sink->finish(sink, res->status, &res->stats, res->message, rerr, sizeof rerr) != 0) {
		snprintf(err, errlen, "%s: %s", file, rerr);
		rc = 2;
		goto out_info;
	}
	out->scenario = strdup(o->scenario ? o->scenario : "");
	out->scenario_json = cli_compact_json(sc_text(info.sc));
	out->strategy = strdup(o->strategy->name);
	out->backend = strdup(o->backend->name);
	out->noise = strdup(o->noise->name);
	out->cost = strdup(info.cost);
	out->policy_json = strdup(info.policy_json);
	out->bugs_json = strdup(info.bugs_json);
	out->message = res->message[0] ? strdup(res->message) : NULL;
	out->seed = o->seed;
	out->window_ns = o->window_ns; /* SIM_WINDOW_INF is the header's -1 */
	out->max_steps = o->max_steps;
	out->max_time_ns = o->max_time_ns;
	out->idle_bound_ns = o->bounds.idle_ns;
	out->starve_bound_ns = o->bounds.starve_ns;
	out->progress_bound = o->bounds.progress_steps;
	out->timer_bound_ns = o->bounds.timer_ns;
	out->gomaxprocs = sc_gomaxprocs(info.sc);
	out->status = res->status;
	out->n_events = res->stats.n_events;
	out->hash = res->stats.hash;
	if (!out->scenario_json) {
		snprintf(err, errlen, "%s: the scenario text does not parse as JSON", file);
		rc = 2;
	} else if (!out->scenario || !out->strategy || !out->backend || !out->policy_json ||
	           !out->bugs_json || !out->noise || !out->cost) {
		snprintf(err, errlen, "out of memory");
		rc = 2;
	}
out_info:
	cli_run_info_free(&info);
out:
	sink->close(sink);
	if (rc == 2) {
		free(res->schedule);
		res->schedule = NULL;
		tr_header_free(out);
		tr_trace_free(t);
	}
	return rc;
}

/*
 * Run what header h describes (scenario text, seed, window, strategy,
 * policies, limits) as run_golden does.  replay/nreplay/cont: an
 * optional decision list.  Returns 0 or 1, or 2 with err.
 */
static int rerun(const char *file, const struct tr_header *h, const struct sim_decision *replay,
                 size_t nreplay, bool cont, struct tr_header *out, struct tr_trace *t,
                 struct sim_result *res, char *err, size_t errlen)
{
	struct cli_opts o;
	const char *backend = h->backend ? h->backend : cli_backends[0].name;
	char why[256];

	memset(out, 0, sizeof *out);
	tr_trace_init(t);
	cli_opts_init(&o);
	if (strcmp(backend, cli_backends[0].name) != 0) { /* only the simulator reproduces */
		snprintf(err, errlen, "%s: backend '%s' cannot be re-run (only %s runs can)", file,
		         backend, cli_backends[0].name);
		return 2;
	}
	if (cli_opts_from_header(h, &o, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", file, why);
		return 2;
	}
	o.replay = replay;
	o.nreplay = nreplay;
	o.replay_continue = cont;
	return run_golden(file, &o, out, t, res, err, errlen);
}

/* Write the golden rendering to path through a temporary file and a
 * rename, so that an interrupted write never leaves half a golden. */
static int write_golden(const char *path, const struct tr_header *h, const struct tr_trace *t,
                        long *size, char *err, size_t errlen)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%.1000s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%.900s: cannot write: %s", tmp, strerror(errno));
		return 2;
	}
	int bad = tr_golden_write(f, h, t) < 0;
	if (size)
		*size = ftell(f);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return 2;
	}
	return 0;
}

/* The rendering of h and t in memory (free()), for byte comparison. */
static char *render(const struct tr_header *h, const struct tr_trace *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	tr_golden_write(f, h, t);
	fclose(f);
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	FILE *m;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	if (!(m = open_memstream(&buf, len))) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* ---- golden paths ---- */

struct paths {
	char **v;
	size_t n, cap;
};

static int add_path(struct paths *p, const char *s)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 32;
		char **v = realloc(p->v, nc * sizeof *v);
		if (!v)
			return -1;
		p->v = v;
		p->cap = nc;
	}
	if (!(p->v[p->n] = strdup(s)))
		return -1;
	p->n++;
	return 0;
}

static void free_paths(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand arguments (files, or directories of *.trace, sorted by name so
 * the output order is the same everywhere) into p.  2 on a bad path. */
static int expand(const char *cmd, int argc, char **argv, struct paths *p)
{
	const char *def[] = {GOLDEN_DIR};
	if (argc == 0) {
		argc = 1;
		argv = (char **)def;
	}
	for (int i = 0; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "gsched %s: %s: %s\n", cmd, argv[i], strerror(errno));
			return 2;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (add_path(p, argv[i]) < 0)
				goto oom;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			fprintf(stderr, "gsched %s: %s: %s\n", cmd, argv[i], strerror(errno));
			return 2;
		}
		size_t first = p->n;
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name), e = strlen(GOLDEN_EXT);
			if (n <= e || strcmp(de->d_name + n - e, GOLDEN_EXT) != 0)
				continue;
			char full[4096];
			snprintf(full, sizeof full, "%s/%s", argv[i], de->d_name);
			if (add_path(p, full) < 0) {
				closedir(d);
				goto oom;
			}
		}
		closedir(d);
		qsort(p->v + first, p->n - first, sizeof *p->v, cmp_str);
		if (p->n == first)
			fprintf(stderr, "gsched %s: %s: no %s files\n", cmd, argv[i], GOLDEN_EXT);
	}
	return 0;
oom:
	fprintf(stderr, "gsched %s: out of memory\n", cmd);
	return 2;
}

/* ---- record ---- */

static int cmd_record(struct cli_opts *o)
{
	const char *scenario = o->args[0];
	const char *dir = o->dir ? o->dir : GOLDEN_DIR, *name = o->name;
	struct tr_header out = {0};
	struct tr_trace t;
	struct sim_result res = {0};
	struct sc_scenario *sc = NULL;
	char *text = NULL;
	char err[1024], path[4096], autoname[256], window[24];
	int rc = 2;

	tr_trace_init(&t);
	cli_format_window(window, sizeof window, o->window_ns);
	if (!name) {
		char w[32] = "";
		if (o->window_ns != 0)
			snprintf(w, sizeof w, "-w%s", window);
		char sn[200];
		stem(scenario, sn, sizeof sn);
		size_t n = strlen(sn);
		if (n > 5 && strcmp(sn + n - 5, ".json") == 0)
			sn[n - 5] = 0;
		snprintf(autoname, sizeof autoname, "%s-s%" PRIu64 "%s", sn, o->seed, w);
		name = autoname;
	}
	snprintf(path, sizeof path, "%s/%s%s", dir, name, GOLDEN_EXT);

	/* The header carries the text; the run is made from that text, as
	 * check will make it. */
	if (sc_load(scenario, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "gsched record: %s\n", err);
		goto out;
	}
	if (!(text = cli_compact_json(sc_text(sc)))) {
		fprintf(stderr, "gsched record: %s: the scenario text does not parse as JSON\n",
		        scenario);
		goto out;
	}
	o->scenario = sc_name(sc);
	o->scenario_text = text;
	if (run_golden(scenario, o, &out, &t, &res, err, sizeof err) == 2) {
		fprintf(stderr, "gsched record: %s\n", err);
		goto out;
	}
	long size = 0;
	if (write_golden(path, &out, &t, &size, err, sizeof err) != 0) {
		fprintf(stderr, "gsched record: %s\n", err);
		goto out;
	}
	printf("recorded %s: %s seed %" PRIu64 " window %s, %s, %" PRIu64
	       " events, hash %016" PRIx64 ", %ld bytes\n",
	       path, out.scenario, out.seed, window, tr_status_name(out.status), out.n_events,
	       out.hash, size);
	if (size > GOLDEN_WARN_KB * 1024L)
		fprintf(stderr,
		        "gsched record: warning: %s is %ld KB (> %d KB); cut it with --max-steps "
		        "or --max-time\n",
		        path, size / 1024, GOLDEN_WARN_KB);
	rc = 0;
out:
	free(res.schedule);
	free(text);
	sc_free(sc);
	tr_header_free(&out);
	tr_trace_free(&t);
	return rc;
}

const struct cli_command cli_cmd_record = {
        .name = "record",
        .fn = cmd_record,
        .args = "SCENARIO",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing SCENARIO (a bundled name or a file)",
        .flags = CLI_RUN_FLAGS | CLI_F(CLI_NAME) | CLI_F(CLI_DIR),
        .required = CLI_F(CLI_SEED), /* a golden names its seed */
        .summary = "store a golden trace (traces/golden/NAME.trace) of one run",
        .about = "Runs SCENARIO (a bundled name or a file) as `gsched run` would and stores the\n"
                 "run as a golden trace: the text form `gsched show` prints, with the scenario's\n"
                 "JSON, seed, window, policies and limits in its header so that `gsched check`\n"
                 "can re-run it alone.  Keep goldens small (they live in git): cut long scenarios\n"
                 "with --max-steps or --max-time; record warns above 300 KB.\n",
        .after = "Exit status: 0 written, 2 bad usage, bad scenario or a write error.\n",
};

/* ---- check ---- */

/* A golden carries its scenario's text, so editing a bundled scenario
 * does not fail its goldens; say so when the bundled text has moved on. */
static void note_stale(const char *name, const struct tr_header *h)
{
	bool bundled = false;
	for (int i = 0; sc_bundled_name(i) && h->scenario; i++)
		if (strcmp(sc_bundled_name(i), h->scenario) == 0)
			bundled = true;
	if (!bundled || !h->scenario_json)
		return;
	struct sc_scenario *sc;
	char err[512];
	if (sc_load(h->scenario, &sc, err, sizeof err) != 0)
		return;
	char *now = cli_compact_json(sc_text(sc));
	char *then = cli_compact_json(h->scenario_json);
	if (now && then && strcmp(now, then) != 0)
		printf("note %s: the bundled scenario %s has changed since this golden was "
		       "recorded; "
		       "re-record it with gsched record to follow it\n",
		       name, h->scenario);
	free(now);
	free(then);
	sc_free(sc);
}

/* Check one golden: 0 passed, 1 failed, 2 could not be read. */
static int check_one(const char *path)
{
	struct tr_header gh, rh;
	struct tr_trace gt, rt;
	struct sim_result res = {0};
	char err[1024], name[256];
	int rc = 1;

	stem(path, name, sizeof name);
	if (tr_golden_load(path, &gh, &gt, err, sizeof err) != 0) {
		printf("%s\nFAIL %s: the golden does not parse\n", err, name);
		return 2;
	}
	if (rerun(path, &gh, NULL, 0, false, &rh, &rt, &res, err, sizeof err) == 2) {
		printf("%s\nFAIL %s: cannot re-run it\n", err, name);
		tr_header_free(&gh);
		tr_trace_free(&gt);
		return 2;
	}
	free(res.schedule);
	int64_t k = tr_trace_first_diff(&gt, &rt);
	if (k >= 0) {
		char la[4200];
		snprintf(la, sizeof la, "golden %s", path);
		tr_print_divergence(stdout, &gt, la, &rt, "re-run", (uint64_t)k);
		printf("FAIL %s: first difference at event %" PRId64 "\n", name, k);
	} else if (gh.status != rh.status) {
		printf("FAIL %s: same %zu events, but the golden ends %s and the re-run %s\n", name,
		       gt.n, tr_status_name(gh.status), tr_status_name(rh.status));
	} else if (gh.hash != rh.hash) {
		printf("FAIL %s: same events, but the header's trace-hash %016" PRIx64
		       " is not theirs (%016" PRIx64 "): the header was edited\n",
		       name, gh.hash, rh.hash);
	} else {
		printf("ok   %s (%zu events, %s, hash %016" PRIx64 ")\n", name, rt.n,
		       tr_status_name(rh.status), rh.hash);
		rc = 0;
	}
	note_stale(name, &gh);
	tr_header_free(&gh);
	tr_header_free(&rh);
	tr_trace_free(&gt);
	tr_trace_free(&rt);
	return rc;
}

static int cmd_check(struct cli_opts *o)
{
	struct paths p = {0};
	int passed = 0, failed = 0, unreadable = 0;

	if (expand("check", o->nargs, o->args, &p) != 0) {
		free_paths(&p);
		return 2;
	}
	for (size_t i = 0; i < p.n; i++) {
		int r = check_one(p.v[i]);
		fflush(stdout);
		passed += r == 0;
		failed += r != 0;
		unreadable += r == 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	free_paths(&p);
	if (passed + failed == 0 || unreadable == failed + passed)
		return 2; /* nothing could be checked */
	return failed ? 1 : 0;
}

const struct cli_command cli_cmd_check = {
        .name = "check",
        .fn = cmd_check,
        .args = "[PATH...]",
        .max_args = -1,
        .summary = "re-run every golden trace and compare event by event",
        .about = "Re-runs every golden trace (PATH: a .trace file or a directory of them; default\n"
                 "traces/golden) from its own header and compares the events one by one.  On a\n"
                 "difference it prints the first differing event of each side with 3 events of\n"
                 "context, the G/M/P state rebuilt from the events before it, and\n"
                 "\"FAIL NAME: first difference at event K\".  It ends with \"N passed, N "
                 "failed\".\n",
        .after = "Exit status: 0 all passed, 1 any failed (a golden that does not parse counts "
                 "as\n"
                 "failed), 2 bad usage or nothing could be checked.\n",
};

/* ---- bless ---- */

static int bless_one(const char *path)
{
	struct tr_header gh, rh;
	struct tr_trace gt, rt;
	struct sim_result res = {0};
	char err[1024], name[256];
	size_t oldlen = 0, newlen = 0;
	char *old = NULL, *new = NULL;
	int rc = 2;

	stem(path, name, sizeof name);
	if (tr_golden_load(path, &gh, &gt, err, sizeof err) != 0) {
		fprintf(stderr, "gsched bless: %s\n", err);
		return 2;
	}
	if (rerun(path, &gh, NULL, 0, false, &rh, &rt, &res, err, sizeof err) == 2) {
		fprintf(stderr, "gsched bless: %s\n", err);
		goto out_g;
	}
	free(res.schedule);
	old = slurp(path, &oldlen);
	new = render(&rh, &rt, &newlen);
	if (!new) {
		fprintf(stderr, "gsched bless: out of memory\n");
		goto out;
	}
	if (old && oldlen == newlen && memcmp(old, new, newlen) == 0) {
		printf("%s: unchanged (%zu events)\n", name, rt.n);
		rc = 0;
		goto out;
	}
	if (write_golden(path, &rh, &rt, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "gsched bless: %s\n", err);
		goto out;
	}
	int64_t k = tr_trace_first_diff(&gt, &rt);
	if (k < 0) {
		printf("%s: events unchanged; header rewritten (%s -> %s)\n", name,
		       tr_status_name(gh.status), tr_status_name(rh.status));
	} else {
		struct tr_metrics a, b;
		tr_metrics_compute(&gt, &a);
		tr_metrics_compute(&rt, &b);
		printf("%s: changed from event %" PRId64 " (status %s -> %s, hash %016" PRIx64
		       " -> %016" PRIx64 ")\n",
		       name, k, tr_status_name(gh.status), tr_status_name(rh.status), gh.hash,
		       rh.hash);
		tr_metrics_print_delta(stdout, "    ", &a, &b);
	}
	rc = 0;
out:
	free(old);
	free(new);
	tr_header_free(&rh);
	tr_trace_free(&rt);
out_g:
	tr_header_free(&gh);
	tr_trace_free(&gt);
	return rc;
}

static int cmd_bless(struct cli_opts *o)
{
	struct paths p = {0};
	int bad = 0;

	if (expand("bless", o->nargs, o->args, &p) != 0) {
		free_paths(&p);
		return 2;
	}
	for (size_t i = 0; i < p.n; i++) {
		bad += bless_one(p.v[i]) != 0;
		fflush(stdout);
	}
	printf("%zu blessed, %d could not be\n", p.n - (size_t)bad, bad);
	free_paths(&p);
	return bad || p.n == 0 ? 2 : 0;
}

const struct cli_command cli_cmd_bless = {
        .name = "bless",
        .fn = cmd_bless,
        .args = "[PATH...]",
        .max_args = -1,
        .summary = "re-record every golden trace, print what changed",
        .about = "Re-records every golden trace (PATH as for check; default traces/golden) from\n"
                 "its own header, after an intentional change of the scheduler, and prints per\n"
                 "golden \"unchanged\" or what changed: events, virtual time, switches, steals,\n"
                 "spinning periods and the p50/p90/p99 scheduling latency (runnable -> running\n"
                 "waits), old -> new.  Review the result with git diff.\n",
        .after = "Exit status: 0 done, 2 a golden could not be read, re-run or written.\n",
};

/* ---- loading a run: a database's, or a golden file's ---- */

static bool is_golden_file(const char *path)
{
	char head[16] = "";
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof head - 1, f);
	head[n] = 0;
	fclose(f);
	return strncmp(head, "gsched-golden ", 14) == 0;
}

static void print_incomplete(const char *cmd, const char *path, const struct tr_header *h)
{
	fprintf(stderr,
	        "gsched %s: %s: run %" PRId64 " of %s is incomplete (the process died or was "
	        "killed); it holds %" PRIu64 " events\n",
	        cmd, path, h->run_id, path, h->n_events);
}

/* Run `run` (0: last) of the database or golden at path, with its events.
 * 0, or 2 after printing why. */
/* A run's oracle bounds for diff: as recorded, or "defaults" when the
 * run predates their recording. */
static void fmt_bounds(char *buf, size_t len, const struct tr_header *h)
{
	if (h->idle_bound_ns < 0 || h->starve_bound_ns < 0 || h->progress_bound < 0)
		snprintf(buf, len, "defaults (not recorded)");
	else if (h->timer_bound_ns < 0)
		snprintf(buf, len,
		         "idle-ns %" PRId64 " starve-ns %" PRId64 " progress-steps %" PRId64
		         " timer-ns default (not recorded)",
		         h->idle_bound_ns, h->starve_bound_ns, h->progress_bound);
	else
		snprintf(buf, len,
		         "idle-ns %" PRId64 " starve-ns %" PRId64 " progress-steps %" PRId64
		         " timer-ns %" PRId64,
		         h->idle_bound_ns, h->starve_bound_ns, h->progress_bound,
		         h->timer_bound_ns);
}

static int load_run(const char *cmd, const char *path, int64_t run, struct tr_header *h,
                    struct tr_trace *t)
{
	char err[1024];
	struct tr_db *db = NULL;

	if (is_golden_file(path)) {
		if (run) {
			fprintf(stderr, "gsched %s: %s: a golden file holds one run (no --run)\n",
			        cmd, path);
			return 2;
		}
		if (tr_golden_load(path, h, t, err, sizeof err) != 0)
			goto fail;
		return 0;
	}
	if (tr_db_open(path, &db, err, sizeof err) != 0)
		goto fail;
	if (tr_db_read_run(db, run, h, err, sizeof err) != 0)
		goto fail;
	if (tr_db_read_events(db, h, t, err, sizeof err) != 0) {
		tr_header_free(h);
		goto fail;
	}
	tr_db_close(db);
	/* The stored text is the file as the user wrote it; one line here. */
	char *compact = h->scenario_json ? cli_compact_json(h->scenario_json) : NULL;
	if (compact) {
		free(h->scenario_json);
		h->scenario_json = compact;
	}
	if (h->status == TR_RUNNING)
		print_incomplete(cmd, path, h);
	return 0;
fail:
	fprintf(stderr, "gsched %s: %s\n", cmd, err);
	tr_db_close(db);
	return 2;
}

/* ---- show ---- */

static int cmd_show(struct cli_opts *o)
{
	struct tr_header h;
	struct tr_trace t;

	if (load_run("show", o->args[0], o->run, &h, &t) != 0)
		return 2;
	int rc = tr_golden_write(stdout, &h, &t) == 0 ? 0 : 2;
	tr_header_free(&h);
	tr_trace_free(&t);
	return rc;
}

const struct cli_command cli_cmd_show = {
        .name = "show",
        .fn = cmd_show,
        .args = "DB",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DB (a gsched database)",
        .flags = CLI_F(CLI_RUN),
        .summary = "print a run of a database in the golden text form",
        .about =
                "Prints run N of the database DB (default: its last run) in the golden text form:\n"
                "a header, then one line per event: seq t_ns m p g kind obj a b detail.\n"
                "A run whose process died is shown as far as it was committed.\n",
        .after = "Exit status: 0 shown, 2 bad usage, or DB missing, corrupt or without run N.\n",
};

/* ---- diff ---- */

static void setting_diff(const char *what, const char *a, const char *b, int *n)
{
	if (strcmp(a ? a : "", b ? b : "") == 0)
		return;
	if (!*n)
		printf("settings that differ (A -> B):\n");
	(*n)++;
	if (strlen(a ? a : "") > 60 || strlen(b ? b : "") > 60)
		printf("  %-12s (differs; too long to print)\n", what);
	else
		printf("  %-12s %s -> %s\n", what, a ? a : "", b ? b : "");
}

static int cmd_diff(struct cli_opts *o)
{
	const char *pa = o->args[0], *pb = o->args[1];
	struct tr_header ha, hb;
	struct tr_trace ta, tb;

	if (load_run("diff", pa, o->run_a, &ha, &ta) != 0)
		return 2;
	if (load_run("diff", pb, o->run_b, &hb, &tb) != 0) {
		tr_header_free(&ha);
		tr_trace_free(&ta);
		return 2;
	}
	char la[4200], lb[4200], x[160], y[160];
	snprintf(la, sizeof la, "A %s run %" PRId64, pa, ha.run_id);
	snprintf(lb, sizeof lb, "B %s run %" PRId64, pb, hb.run_id);
	if (!ha.run_id)
		snprintf(la, sizeof la, "A %s", pa);
	if (!hb.run_id)
		snprintf(lb, sizeof lb, "B %s", pb);
	int ns = 0;
	setting_diff("scenario", ha.scenario, hb.scenario, &ns);
	setting_diff("scenario text", ha.scenario_json, hb.scenario_json, &ns);
	snprintf(x, sizeof x, "%" PRIu64, ha.seed);
	snprintf(y, sizeof y, "%" PRIu64, hb.seed);
	setting_diff("seed", x, y, &ns);
	cli_format_window(x, sizeof x, ha.window_ns);
	cli_format_window(y, sizeof y, hb.window_ns);
	setting_diff("window", x, y, &ns);
	setting_diff("strategy", ha.strategy, hb.strategy, &ns);
	setting_diff("noise", ha.noise, hb.noise, &ns);
	setting_diff("cost", ha.cost, hb.cost, &ns);
	setting_diff("policies", ha.policy_json, hb.policy_json, &ns);
	setting_diff("bugs", ha.bugs_json, hb.bugs_json, &ns);
	fmt_bounds(x, sizeof x, &ha);
	fmt_bounds(y, sizeof y, &hb);
	setting_diff("oracle bounds", x, y, &ns);
	setting_diff("build", ha.build, hb.build, &ns);
	int64_t k = tr_trace_first_diff(&ta, &tb);
	int rc = 0;
	if (k < 0 && ha.status == hb.status) {
		printf("identical: %zu events, %s, hash %016" PRIx64 "\n", ta.n,
		       tr_status_name(ha.status), ha.hash);
	} else {
		rc = 1;
		if (k >= 0)
			tr_print_divergence(stdout, &ta, la, &tb, lb, (uint64_t)k);
		else
			printf("same events; the runs end differently\n");
		printf("status: %s -> %s\n", tr_status_name(ha.status), tr_status_name(hb.status));
		struct tr_metrics ma, mb;
		tr_metrics_compute(&ta, &ma);
		tr_metrics_compute(&tb, &mb);
		printf("metrics (A -> B):\n");
		tr_metrics_print_delta(stdout, "  ", &ma, &mb);
		if (k >= 0)
			printf("DIFFER: first difference at event %" PRId64 "\n", k);
	}
	tr_header_free(&ha);
	tr_header_free(&hb);
	tr_trace_free(&ta);
	tr_trace_free(&tb);
	return rc;
}

const struct cli_command cli_cmd_diff = {
        .name = "diff",
        .fn = cmd_diff,
        .args = "A B",
        .min_args = 2,
        .max_args = 2,
        .missing = "expected two databases or golden files, A and B",
        .flags = CLI_F(CLI_RUN_A) | CLI_F(CLI_RUN_B),
        .summary = "the first divergence and metric deltas of two runs",
        .about = "Compares two runs event by event: A and B are databases (run --run-a / --run-b,\n"
                 "default each file's last run) or golden .trace files.  Prints how their\n"
                 "settings differ, the first divergence (each side's event with 3 events of\n"
                 "context and the G/M/P state before it) and the metric deltas A -> B.\n",
        .after = "Exit status: 0 identical, 1 they differ, 2 bad usage or bad input.\n",
};

/* ---- replay ---- */

static int cmd_replay(struct cli_opts *o)
{
	const char *path = o->args[0];
	bool cont = o->replay_continue;
	struct tr_db *db = NULL;
	struct tr_header h = {0}, rh = {0};
	struct tr_trace t, rt;
	struct sim_result res = {0};
	uint32_t *pairs = NULL;
	struct sim_decision *decisions = NULL;
	uint64_t npairs = 0;
	char err[1024], line[4096];
	int rc = 2;

	tr_trace_init(&t);
	tr_trace_init(&rt);
	struct stat sb;
	char dbpath[4096];
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* A failure's folder, as `gsched explore` leaves it. */
		snprintf(dbpath, sizeof dbpath, "%s/run.db", path);
		path = dbpath;
	}
	if (tr_db_open(path, &db, err, sizeof err) != 0 ||
	    tr_db_read_run(db, o->run, &h, err, sizeof err) != 0) {
		fprintf(stderr, "gsched replay: %s\n", err);
		goto out;
	}
	if (h.status == TR_RUNNING) {
		print_incomplete("replay", path, &h);
		goto out;
	}
	if (tr_db_read_events(db, &h, &t, err, sizeof err) != 0) {
		fprintf(stderr, "gsched replay: %s\n", err);
		goto out;
	}
	int sr = tr_db_read_schedule(db, &h, &pairs, &npairs, err, sizeof err);
	if (sr == 2) {
		fprintf(stderr, "gsched replay: %s\n", err);
		goto out;
	}
	if (sr == 1)
		printf("replay: run %" PRId64
		       " of %s has no stored schedule (an older gsched wrote "
		       "it); re-running from the seed\n",
		       h.run_id, path);
	if (strcmp(h.build, tr_build_string()) != 0)
		printf("replay: recorded by %s; replaying with %s\n", h.build, tr_build_string());
	if (sr == 0 && !(decisions = malloc(npairs * sizeof *decisions + 1))) {
		fprintf(stderr, "gsched replay: out of memory\n");
		goto out;
	}
	for (uint64_t i = 0; sr == 0 && i < npairs; i++)
		decisions[i] = (struct sim_decision){pairs[2 * i], pairs[2 * i + 1], -1};
	int r = rerun(path, &h, decisions, sr == 0 ? (size_t)npairs : 0, cont, &rh, &rt, &res, err,
	              sizeof err);
	if (r == 2) {
		fprintf(stderr, "gsched replay: %s\n", err);
		goto out;
	}
	if (res.departed_decision >= 0) {
		uint64_t e = res.departed_event;
		printf("replay: run %" PRId64
		       " of %s departed from its schedule at decision %" PRId64 " of %" PRIu64
		       ", after %" PRIu64 " events\n",
		       h.run_id, path, res.departed_decision, npairs, e);
		if ((uint64_t)res.departed_decision < npairs)
			printf("  recorded: %" PRIu32 " threads eligible, pick %" PRIu32 "\n",
			       pairs[2 * res.departed_decision],
			       pairs[2 * res.departed_decision + 1]);
		else
			printf("  recorded: the list ends there (%" PRIu64 " decisions)\n", npairs);
		if (e > 0 && e - 1 < rt.n) {
			tr_event_render(line, sizeof line, e - 1, &rt.ev[e - 1]);
			printf("  last event before it:  %s\n", line);
		}
		if (e < t.n) {
			tr_event_render(line, sizeof line, e, &t.ev[e]);
			printf("  recorded next event:   %s\n", line);
		}
		if (cont && e < rt.n) {
			tr_event_render(line, sizeof line, e, &rt.ev[e]);
			printf("  replayed next event:   %s\n", line);
		}
		if (!cont) {
			printf("replay: run %" PRId64
			       " of %s differs (use --continue to go on from "
			       "the seed)\n",
			       h.run_id, path);
			rc = 1;
			goto out;
		}
		printf("replay: continued from the seed: %s%s%s, %" PRIu64
		       " events, hash %016" PRIx64 " (recorded %s, %016" PRIx64 ")\n",
		       tr_status_name(rh.status), rh.message ? ": " : "",
		       rh.message ? rh.message : "", rh.n_events, rh.hash, tr_status_name(h.status),
		       h.hash);
		rc = tr_status_failed(rh.status) ? 1 : 0;
		goto out;
	}
	if (rh.hash == h.hash && rh.status == h.status && rh.n_events == h.n_events) {
		printf("replay: run %" PRId64 " of %s reproduced: hash %016" PRIx64 " (%" PRIu64
		       " events, %s)\n",
		       h.run_id, path, rh.hash, rh.n_events, tr_status_name(rh.status));
		rc = 0;
		goto out;
	}
	printf("replay: run %" PRId64 " of %s differs: recorded %s, hash %016" PRIx64 "; replayed "
	       "%s, hash %016" PRIx64 "\n",
	       h.run_id, path, tr_status_name(h.status), h.hash, tr_status_name(rh.status),
	       rh.hash);
	int64_t k = tr_trace_first_diff(&t, &rt);
	if (k >= 0)
		tr_print_divergence(stdout, &t, "recorded", &rt, "replayed", (uint64_t)k);
	rc = 1;
out:
	free(pairs);
	free(decisions);
	free(res.schedule);
	tr_db_close(db);
	tr_header_free(&h);
	tr_header_free(&rh);
	tr_trace_free(&t);
	tr_trace_free(&rt);
	return rc;
}

const struct cli_command cli_cmd_replay = {
        .name = "replay",
        .fn = cmd_replay,
        .args = "DB|DIR",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DB (a gsched database) or DIR (a failure's folder)",
        .flags = CLI_F(CLI_RUN) | CLI_F(CLI_CONTINUE),
        .summary = "re-run a database's run, or a failure `gsched explore` kept, from its stored "
                   "schedule",
        .about = "Re-runs run N of the database DB (default: its last run), or the failure in\n"
                 "DIR (a folder `gsched explore` wrote: DIR/run.db), from what the file\n"
                 "stores: the scenario text, seed, strategy, window, policies, limits and the\n"
                 "decision list (schedule), and compares the trace hash with the recorded one.\n"
                 "If the scheduler changed so that a recorded decision no longer applies, the\n"
                 "replay departs: it says at which decision and event; with --continue it goes on\n"
                 "drawing decisions from the seed and reports the final status and hash.\n",
        .after = "Exit status: 0 reproduced (or, with --continue, departed and then ended without\n"
                 "a deadlock or violation), 1 the run differs or departed, 2 bad usage or bad\n"
                 "input (missing, corrupt or incomplete run).\n",
};

int cli_load_run(const char *cmd, const char *path, int64_t run, struct tr_header *h,
                 struct tr_trace *t)
{
	return load_run(cmd, path, run, h, t);
}
