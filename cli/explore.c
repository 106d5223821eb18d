/*
 * explore.c - `gsched explore`: a sweep of seeds over worker processes,
 * each failure kept with its database, its schedule and its story, a
 * summary by oracle and the coverage of rare scheduler states; and
 * `gsched merge`, which adds up the summaries of a sweep's shards.
 *
 * How a sweep runs.  The parent loads the scenario once, then forks -j
 * workers (fork, not exec: each worker runs many seeds in one process
 * through cli_run, the one run function).  Seeds are handed out in
 * increasing order from a counter in shared memory, one at a time, so
 * the cores stay busy whatever each seed costs.  A worker reports every
 * seed to the parent as one fixed-size record on its own pipe; the
 * parent draws the progress line and keeps the summary.  A worker that
 * finds a failure re-runs the seed at once into DIR/<seed>/ (database,
 * schedule string, story): the re-run must give the same trace hash
 * (the determinism self-check), and its schedule is what replay and
 * shrink start from.
 *
 * Invariants:
 *  - The set of seeds run and their outcomes do not depend on -j or on
 *    timing: every seed of the (shard's) range is run exactly once, and
 *    a run is a function of its options and seed.  With --stop-at-first
 *    a worker takes no seed above the smallest failing seed found so
 *    far, and every seed below it is finished, so the sweep reports the
 *    smallest failing seed of the range - the same one with -j 1 or -j 8.
 *  - Only the parent writes the summary file; only a seed's worker
 *    writes DIR/<seed>/.
 *  - A worker that dies (a crash of the simulator itself) is reported as
 *    a failure of the seed it was running, and replaced.
 *
 * --shard I/N splits the range A..B into N contiguous blocks as equal as
 * integer division makes them and runs block I (1-based), so N machines
 * given I = 1..N cover the range exactly once; `gsched merge` checks
 * that the summaries it adds are shards of one sweep.
 *
 * Alternatives not taken: threads (the scheduler's and the simulator's
 * state is global, one run per process: DESIGN.md); exec per seed (a
 * process start and a scenario load per seed cost more than the small
 * bug scenarios' runs); static striping of seeds over workers (a slow
 * seed would leave the other cores idle at the end of a sweep).
 */
#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "explore.h"
#include "runner.h"

/* ---- one run, judged ---- */

/* Watches a run's events: the first violation's detail and the
 * coverage counts; hands every event on to an extra sink. */
struct judge {
	struct tr_sink sink; /* first */
	struct tr_sink *extra;
	struct ex_run *r;
	bool violated;
	char detail[140]; /* the first violation event's */
};

static void judge_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct judge *j = (struct judge *)s;
	if (ev->kind == RT_EV_VIOLATION && !j->violated) {
		j->violated = true;
		snprintf(j->detail, sizeof j->detail, "%s",
		         ev->detail ? ev->detail : "(no message)");
	}
	tr_coverage_add(j->r->cov, ev);
	if (j->extra)
		j->extra->event(j->extra, ev);
}

int ex_run_one(const struct cli_opts *o, struct tr_sink *extra, struct ex_run *r,
               struct sim_result *res, char *err, size_t errlen)
{
	struct judge j = {.sink = {.event = judge_event}, .extra = extra, .r = r};
	struct cli_opts run = *o;
	struct sim_result mine;
	struct cli_run_info info;

	memset(r, 0, sizeof *r);
	if (!res)
		res = &mine;
	run.sink = &j.sink;
	run.assertions = true;
	int rc = cli_run(&run, res, &info, err, errlen);
	if (rc == 2)
		return 2;
	r->rc = rc;
	r->status = res->status;
	snprintf(r->message, sizeof r->message, "%s", res->message);
	r->hash = res->stats.hash;
	r->n_events = res->stats.n_events;
	r->steps = res->steps;
	r->decisions = res->decisions;
	if (rc == 1 && j.violated) {
		/* A throw, an oracle or a fatal error of the program: each
		 * logs a violation event naming what fired. */
		snprintf(r->oracle, sizeof r->oracle, "%s: %s", tr_status_name(res->status),
		         j.detail);
	} else if (rc == 1) {
		const struct an_result *failed = NULL;
		for (size_t i = 0; i < info.nasserts && !failed; i++)
			if (!info.asserts[i].passed)
				failed = &info.asserts[i];
		if (res->status == TR_DEADLOCK)
			snprintf(r->oracle, sizeof r->oracle, "deadlock");
		else if (res->status == TR_PANIC)
			snprintf(r->oracle, sizeof r->oracle, "panic: %.150s", res->message);
		else if (failed)
			snprintf(r->oracle, sizeof r->oracle, "assertion %s %.*s", failed->as->path,
			         (int)strcspn(failed->text, " :"), failed->text);
		else
			snprintf(r->oracle, sizeof r->oracle, "%s", tr_status_name(res->status));
	}
	cli_run_info_free(&info);
	if (res == &mine)
		free(mine.schedule);
	return 0;
}

/* ---- the schedule string ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *ex_schedule_format(const struct sim_decision *d, size_t n)
{
	unsigned char *bytes = malloc(n * 5 + 1);
	size_t len = 0;
	if (!bytes)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = (uint64_t)(d[i].n - 1) * d[i].n / 2 - 1 + d[i].pick;
		while (v >= 0x80) {
			bytes[len++] = (unsigned char)(v | 0x80);
			v >>= 7;
		}
		bytes[len++] = (unsigned char)v;
	}
	char *s = malloc(32 + (len + 2) / 3 * 4 + 1);
	if (!s) {
		free(bytes);
		return NULL;
	}
	size_t k = (size_t)sprintf(s, "gs1:%zu:", n);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)bytes[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)bytes[i + 1] << 8;
		if (i + 2 < len)
			w |= bytes[i + 2];
		s[k++] = b64[w >> 18 & 63];
		s[k++] = b64[w >> 12 & 63];
		if (i + 1 < len)
			s[k++] = b64[w >> 6 & 63];
		if (i + 2 < len)
			s[k++] = b64[w & 63];
	}
	s[k] = 0;
	free(bytes);
	return s;
}

int ex_schedule_parse(const char *s, struct sim_decision **out, size_t *n, char *err, size_t errlen)
{
	uint64_t count = 0;
	const char *p;
	unsigned char *bytes = NULL;
	struct sim_decision *d = NULL;
	size_t len = 0;

	if (strncmp(s, "gs1:", 4) != 0) {
		snprintf(err, errlen, "expected a schedule string starting with gs1: (got '%.12s')",
		         s);
		return -1;
	}
	for (p = s + 4; *p >= '0' && *p <= '9' && count < (UINT64_C(1) << 40); p++)
		count = count * 10 + (uint64_t)(*p - '0');
	if (p == s + 4 || *p != ':') {
		snprintf(err, errlen,
		         "schedule string: expected the decision count and ':' after gs1:");
		return -1;
	}
	p++;
	size_t chars = strcspn(p, " \t\r\n");
	if (p[chars] && p[chars + strspn(p + chars, " \t\r\n")]) {
		snprintf(err, errlen, "schedule string: unexpected text after the decisions");
		return -1;
	}
	bytes = malloc(chars * 3 / 4 + 3);
	d = malloc((count ? count : 1) * sizeof *d);
	if (!bytes || !d) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < chars; i++) {
		const char *c = memchr(b64, p[i], 64);
		if (!c || !p[i]) {
			snprintf(err, errlen,
			         "schedule string: '%c' at character %zu is not base64url", p[i],
			         i);
			goto fail;
		}
		acc = acc << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	size_t i = 0, k = 0;
	while (k < len && i < count) {
		uint64_t v = 0;
		int shift = 0;
		for (;;) {
			if (k >= len || shift > 35)
				goto short_;
			v |= (uint64_t)(bytes[k] & 0x7f) << shift;
			shift += 7;
			if (!(bytes[k++] & 0x80))
				break;
		}
		/* The n with (n-1)n/2 - 1 <= v < n(n+1)/2 - 1. */
		uint64_t nn = 2;
		while (nn * (nn + 1) / 2 - 1 <= v)
			nn++;
		d[i].n = (uint32_t)nn;
		d[i].pick = (uint32_t)(v - ((nn - 1) * nn / 2 - 1));
		d[i].cur = -1;
		i++;
	}
	if (i != count || k != len) {
	short_:
		snprintf(err, errlen,
		         "schedule string: the data does not hold exactly %" PRIu64 " decisions",
		         count);
		goto fail;
	}
	free(bytes);
	*out = d;
	*n = (size_t)count;
	return 0;
fail:
	free(bytes);
	free(d);
	return -1;
}

/* ---- a failure's folder ---- */

static int write_text(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 2;
	}
	return 0;
}

static int mkdir_p(const char *path, char *err, size_t errlen)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0777) == 0 || errno == EEXIST)
		return 0;
fail:
	snprintf(err, errlen, "%s: %s", buf, strerror(errno));
	return 2;
}

int ex_write_failure(const struct cli_opts *o, const char *dir, uint64_t want_hash,
                     struct ex_run *r, bool *same_hash, char *err, size_t errlen)
{
	char db[4096], window[32];
	struct tr_trace t;
	struct sim_result res;
	struct tr_sink *cap = NULL;
	char *sched = NULL;
	FILE *f = NULL;
	int rc = 2;

	tr_trace_init(&t);
	if (mkdir_p(dir, err, errlen) != 0)
		return 2;
	snprintf(db, sizeof db, "%s/run.db", dir);
	const char *stale[] = {"", "-journal", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
		char p[4200];
		snprintf(p, sizeof p, "%s%s", db, stale[i]);
		unlink(p); /* a folder from an earlier sweep: start afresh */
	}
	struct cli_opts run = *o;
	run.db = db;
	run.record = true;
	if (!(cap = tr_trace_sink(&t))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (ex_run_one(&run, cap, r, &res, err, errlen) != 0)
		goto out;
	*same_hash = r->hash == want_hash;
	if (!(sched = ex_schedule_format(res.schedule, res.nschedule))) {
		snprintf(err, errlen, "out of memory");
		goto free_res;
	}
	size_t slen = strlen(sched);
	sched[slen] = 0;
	{
		char *line = malloc(slen + 2);
		if (!line) {
			snprintf(err, errlen, "out of memory");
			goto free_res;
		}
		memcpy(line, sched, slen);
		line[slen] = '\n';
		line[slen + 1] = 0;
		int w = write_text(dir, "schedule", line, err, errlen);
		free(line);
		if (w)
			goto free_res;
	}
	char path[4200];
	snprintf(path, sizeof path, "%s/story", dir);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto free_res;
	}
	cli_format_window(window, sizeof window, o->window_ns);
	fprintf(f, "%s, seed %" PRIu64 " (strategy %s, window %s)\n", o->scenario, o->seed,
	        o->strategy->name, window);
	if (o->strategy->value == SIM_STRATEGY_SWARM) {
		char drew[256];
		sim_swarm_describe(&res, drew, sizeof drew);
		fprintf(f, "swarm drew: %s\n", drew);
	}
	fprintf(f, "%s%s%s\n", r->oracle,
	        r->message[0] && !strstr(r->oracle, r->message) ? ": " : "",
	        r->message[0] && !strstr(r->oracle, r->message) ? r->message : "");
	fprintf(f,
	        "status %s after %" PRIu64 " events, %" PRId64 " steps, %" PRId64
	        " decisions; trace hash %016" PRIx64 "%s\n",
	        tr_status_name(r->status), r->n_events, r->steps, r->decisions, r->hash,
	        *same_hash ? " (the re-run gave the same)" : " (DIFFERENT from the first run)");
	fprintf(f, "replay: gsched replay %s    shrink: gsched shrink %s\n\n", dir, dir);
	if (tr_story_print(f, &t, 6) != 0 || fclose(f) != 0) {
		f = NULL;
		snprintf(err, errlen, "%s: write error", path);
		goto free_res;
	}
	f = NULL;
	rc = 0;
free_res:
	free(res.schedule);
out:
	if (f)
		fclose(f);
	free(sched);
	if (cap)
		cap->close(cap);
	tr_trace_free(&t);
	return rc;
}

/* ---- the sweep ---- */

/* What a worker tells the parent, one record per seed (and one when it
 * starts a seed, so that a crash can be pinned on it). */
enum { REC_START, REC_DONE };
struct rec {
	int32_t type;
	int32_t rc; /* 0 passed, 1 failed, 2 the run could not start (message) */
	int32_t status;
	bool same_hash, kept;
	uint64_t seed, hash, rerun_hash;
	int64_t steps, decisions;
	int64_t schedules;    /* runs of the seed: 1, or the bounded search's distinct schedules */
	bool exhausted;       /* bounded: every schedule within the bound was run */
	uint32_t cov_reached; /* bit i: tr_coverage[i] was reached */
	uint32_t cov[TR_NCOVERAGE];
	char oracle[160];
	char message[256];
};

struct shared {
	uint64_t next;    /* the next seed to hand out */
	uint64_t stop_at; /* --stop-at-first: the smallest failing seed found, or UINT64_MAX */
};

struct sweep {
	struct cli_opts *o;
	uint64_t a, b;   /* --seeds A..B */
	uint64_t lo, hi; /* this shard's seeds, lo..hi (empty when lo > hi) */
	int shard_i, shard_n;
	int jobs;
	const char *out;
	bool stop_first;
	bool bounded; /* --strategy bounded: a search per seed */
	struct shared *sh;
};

static bool parse_u64s(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* ---- the bounded-preemption search (--strategy bounded) ---- */

/* A decision on the current path of the search: its candidates, the
 * yielding thread's index (-1: not a candidate), the pick taken and its
 * place in the order the search tries them, and the preemptions of the
 * path before it. */
struct node {
	uint32_t n, pick, pos;
	int32_t cur;
	int64_t pre;
};

/* The order a node's picks are tried in: first the non-preemptive one
 * (the yielding thread, or the first candidate), then the others by
 * index. */
static uint32_t order_at(const struct node *nd, uint32_t pos)
{
	uint32_t def = nd->cur >= 0 ? (uint32_t)nd->cur : 0;
	if (pos == 0)
		return def;
	return pos - 1 < def ? pos - 1 : pos;
}

static int cost(const struct node *nd, uint32_t pick)
{
	return nd->cur >= 0 && pick != (uint32_t)nd->cur;
}

/*
 * CHESS's iterative context bounding (Musuvathi and Qadeer, PLDI 2007),
 * stateless: for bound b = 0, 1, ..., --preemptions, a depth-first walk
 * of the decision tree re-runs the program once per schedule, replaying
 * the path's decisions and letting the non-preemptive strategy finish
 * the run, then backtracks to the deepest decision with a pick left
 * whose preemptions stay within b.  A schedule with fewer than b
 * preemptions is run again under b (to reach its subtrees) but counted
 * once.  Stops at the first failing schedule (*r then describes it,
 * *fail holds its decisions), after --max-schedules runs, or when the
 * last bound is exhausted: *exhausted says whether every schedule within
 * the bound was run (or the whole tree, when no schedule needed more
 * preemptions), *schedules how many distinct ones were.  0, or 2 with a
 * message.
 */
static int bounded_search(const struct cli_opts *o, struct ex_run *r, struct sim_decision **fail,
                          size_t *nfail, int64_t *schedules, bool *exhausted, char *err,
                          size_t errlen)
{
	struct node *path = NULL;
	struct sim_decision *prefix = NULL;
	size_t npath = 0, cap = 0;
	int64_t runs = 0, distinct = 0;
	int rc = 2;

	*fail = NULL;
	*nfail = 0;
	*exhausted = false;
	for (int64_t b = 0; b <= o->preemptions; b++) {
		bool more = false; /* a pick was cut by bound b: b + 1 has new schedules */
		npath = 0;
		for (;;) {
			struct cli_opts run = *o;
			struct sim_result res;
			run.replay = prefix;
			run.nreplay = npath;
			run.replay_continue = true;
			run.record = true;
			if (ex_run_one(&run, NULL, r, &res, err, errlen) != 0)
				goto out;
			runs++;
			distinct += res.preemptions == b;
			if (r->rc == 1) {
				*fail = res.schedule;
				*nfail = res.nschedule;
				rc = 0;
				goto out;
			}
			if (res.nschedule > cap) {
				cap = res.nschedule * 2;
				struct node *np = realloc(path, cap * sizeof *np);
				if (np)
					path = np;
				struct sim_decision *nd = realloc(prefix, cap * sizeof *nd);
				if (nd)
					prefix = nd;
				if (!np || !nd) {
					free(res.schedule);
					snprintf(err, errlen, "out of memory");
					goto out;
				}
			}
			for (size_t i = npath; i < res.nschedule; i++) {
				const struct sim_decision *d = &res.schedule[i];
				int64_t pre =
				        i ? path[i - 1].pre + cost(&path[i - 1], path[i - 1].pick)
				          : 0;
				path[i] = (struct node){
				        .n = d->n, .pick = d->pick, .cur = d->cur, .pre = pre};
			}
			npath = res.nschedule;
			free(res.schedule);
			/* Backtrack to the deepest decision with a pick left. */
			while (npath > 0) {
				struct node *nd = &path[npath - 1];
				bool advanced = false;
				while (++nd->pos < nd->n) {
					uint32_t p = order_at(nd, nd->pos);
					if (nd->pre + cost(nd, p) <= b) {
						nd->pick = p;
						advanced = true;
						break;
					}
					more = true;
				}
				if (advanced)
					break;
				npath--;
			}
			if (npath == 0)
				break; /* bound b exhausted */
			if (runs >= o->max_schedules)
				goto budget;
			for (size_t i = 0; i < npath; i++)
				prefix[i] = (struct sim_decision){path[i].n, path[i].pick, -1};
		}
		if (!more || b == o->preemptions) {
			*exhausted = true;
			break;
		}
	}
budget:
	rc = 0;
out:
	*schedules = distinct;
	free(path);
	free(prefix);
	return rc;
}

static void worker(struct sweep *sw, int fd)
{
	struct cli_opts o = *sw->o;
	char err[512];
	for (;;) {
		uint64_t s = __atomic_fetch_add(&sw->sh->next, 1, __ATOMIC_SEQ_CST);
		if (s > sw->hi || s < sw->lo ||
		    s > __atomic_load_n(&sw->sh->stop_at, __ATOMIC_SEQ_CST))
			break;
		struct rec r = {.type = REC_START, .seed = s};
		if (write(fd, &r, sizeof r) != sizeof r)
			_exit(3);
		struct ex_run x;
		struct sim_decision *fail = NULL;
		size_t nfail = 0;
		int er;
		o.seed = s;
		r.type = REC_DONE;
		if (sw->bounded) {
			er = bounded_search(&o, &x, &fail, &nfail, &r.schedules, &r.exhausted, err,
			                    sizeof err);
		} else {
			er = ex_run_one(&o, NULL, &x, NULL, err, sizeof err);
			r.schedules = 1;
		}
		if (er != 0) {
			r.rc = 2;
			snprintf(r.message, sizeof r.message, "%.250s", err);
			if (write(fd, &r, sizeof r) != sizeof r)
				_exit(3);
			break;
		}
		r.rc = x.rc;
		r.status = (int32_t)x.status;
		r.hash = x.hash;
		r.steps = x.steps;
		r.decisions = x.decisions;
		for (int i = 0; i < TR_NCOVERAGE; i++) {
			r.cov[i] = x.cov[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)x.cov[i];
			if (x.cov[i])
				r.cov_reached |= 1u << i;
		}
		snprintf(r.oracle, sizeof r.oracle, "%s", x.oracle);
		snprintf(r.message, sizeof r.message, "%s", x.message);
		if (x.rc == 1) {
			if (sw->stop_first) {
				uint64_t cur = __atomic_load_n(&sw->sh->stop_at, __ATOMIC_SEQ_CST);
				while (s < cur && !__atomic_compare_exchange_n(
				                          &sw->sh->stop_at, &cur, s, false,
				                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
					;
			}
			if (s <= __atomic_load_n(&sw->sh->stop_at, __ATOMIC_SEQ_CST)) {
				char dir[4096];
				struct ex_run again;
				bool same = false;
				snprintf(dir, sizeof dir, "%s/%" PRIu64, sw->out, s);
				struct cli_opts fo = o;
				fo.replay = fail; /* the bounded search's failing schedule */
				fo.nreplay = nfail;
				if (ex_write_failure(&fo, dir, x.hash, &again, &same, err,
				                     sizeof err) == 0) {
					r.kept = true;
					r.same_hash = same;
					r.rerun_hash = again.hash;
				} else {
					snprintf(r.message, sizeof r.message,
					         "could not keep the failure: %.200s", err);
				}
			}
		}
		free(fail);
		if (write(fd, &r, sizeof r) != sizeof r)
			_exit(3);
	}
	_exit(0);
}

/* The parent's tally. */
struct failure {
	uint64_t seed, hash, rerun_hash;
	int32_t status;
	bool kept, same_hash;
	int64_t steps, decisions;
	char *oracle, *message;
};

struct tally {
	uint64_t done;
	struct failure *f;
	size_t nf, capf;
	uint64_t cov_seeds[TR_NCOVERAGE], cov_events[TR_NCOVERAGE];
	uint64_t schedules, exhausted; /* runs in all; bounded: seeds searched to the end */
	int errors;                    /* seeds that could not run (bad input): the sweep stops */
	char error[512];
};

static int add_failure(struct tally *t, const struct failure *f)
{
	if (t->nf == t->capf) {
		t->capf = t->capf ? 2 * t->capf : 64;
		struct failure *nf = realloc(t->f, t->capf * sizeof *nf);
		if (!nf)
			return -1;
		t->f = nf;
	}
	t->f[t->nf] = *f;
	t->f[t->nf].oracle = strdup(f->oracle ? f->oracle : "");
	t->f[t->nf].message = strdup(f->message ? f->message : "");
	if (!t->f[t->nf].oracle || !t->f[t->nf].message)
		return -1;
	t->nf++;
	return 0;
}

static void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->nf; i++) {
		free(t->f[i].oracle);
		free(t->f[i].message);
	}
	free(t->f);
}

static int cmp_failure(const void *a, const void *b)
{
	const struct failure *x = a, *y = b;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

/* Failures grouped by oracle: the distinct keys, each with its count and
 * first (smallest) seed; t->f must be sorted by seed. */
struct group {
	const char *oracle;
	size_t count;
	uint64_t first;
};

static size_t group_failures(const struct tally *t, struct group *g)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nf; i++) {
		size_t k = 0;
		while (k < n && strcmp(g[k].oracle, t->f[i].oracle) != 0)
			k++;
		if (k == n)
			g[n++] = (struct group){t->f[i].oracle, 0, t->f[i].seed};
		g[k].count++;
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(FILE *f, bool tty, const struct sweep *sw, const struct tally *t,
                     double elapsed, bool final)
{
	uint64_t total = sw->hi >= sw->lo ? sw->hi - sw->lo + 1 : 0;
	double rate = elapsed > 0 ? t->done / elapsed : 0;
	char eta[32] = "-";
	if (rate > 0 && t->done < total)
		snprintf(eta, sizeof eta, "%.0fs", (total - t->done) / rate);
	char fails[200] = "";
	size_t n = 0;
	struct group g[8];
	size_t ng = 0;
	for (size_t i = 0; i < t->nf && ng < 8; i++) {
		size_t k = 0;
		while (k < ng && strcmp(g[k].oracle, t->f[i].oracle) != 0)
			k++;
		if (k == ng)
			g[ng++] = (struct group){t->f[i].oracle, 0, 0};
		g[k].count++;
	}
	for (size_t k = 0; k < ng && n < sizeof fails; k++)
		n += (size_t)snprintf(fails + n, sizeof fails - n, "%s%.40s %zu", k ? ", " : " (",
		                      g[k].oracle, g[k].count);
	if (ng && n < sizeof fails)
		snprintf(fails + n, sizeof fails - n, ")");
	fprintf(f, "%s%" PRIu64 "/%" PRIu64 " seeds, %.0f seeds/s, %zu failed%s, ETA %s%s",
	        tty ? "\r\033[K" : "explore: ", t->done, total, rate, t->nf, fails, eta,
	        tty && !final ? "" : "\n");
	fflush(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, cap - n - 1, f);
		if (k == 0)
			break;
		n += k;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

static uint64_t fnv64(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

/* ---- the summary file (JSON), written by explore, read by merge ---- */

#define SUMMARY_VERSION 1

static cJSON *summary_json(const struct sweep *sw, const struct tally *t, const char *sc_name,
                           const char *sc_text, const char *policy_json, double elapsed)
{
	char buf[64];
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "gsched_explore_summary", SUMMARY_VERSION);
	cJSON_AddStringToObject(j, "scenario", sc_name);
	snprintf(buf, sizeof buf, "%016" PRIx64, fnv64(sc_text));
	cJSON_AddStringToObject(j, "scenario_hash", buf);
	cJSON_AddStringToObject(j, "strategy", sw->o->strategy->name);
	cli_format_window(buf, sizeof buf, sw->o->window_ns);
	cJSON_AddStringToObject(j, "window", buf);
	cJSON_AddStringToObject(j, "noise", sw->o->noise->name);
	char cost[256];
	cli_cost_string(sw->o, cost, sizeof cost);
	cJSON_AddStringToObject(j, "cost", cost);
	cJSON_AddItemToObject(j, "policies", cJSON_Parse(policy_json));
	char bugs_json[512];
	cli_bugs_json(&sw->o->rt, bugs_json, sizeof bugs_json);
	cJSON_AddItemToObject(j, "bugs", cJSON_Parse(bugs_json));
	cJSON *bounds = cJSON_AddObjectToObject(j, "oracle_bounds");
	cJSON_AddNumberToObject(bounds, "idle_ns", (double)sw->o->bounds.idle_ns);
	cJSON_AddNumberToObject(bounds, "starve_ns", (double)sw->o->bounds.starve_ns);
	cJSON_AddNumberToObject(bounds, "progress_steps", (double)sw->o->bounds.progress_steps);
	cJSON_AddNumberToObject(bounds, "timer_ns", (double)sw->o->bounds.timer_ns);
	cJSON_AddNumberToObject(j, "max_steps", (double)sw->o->max_steps);
	cJSON_AddNumberToObject(j, "max_time_ns", (double)sw->o->max_time_ns);
	cJSON_AddStringToObject(j, "build", tr_build_string());
	snprintf(buf, sizeof buf, "%" PRIu64 "..%" PRIu64, sw->a, sw->b);
	cJSON_AddStringToObject(j, "seeds", buf);
	snprintf(buf, sizeof buf, "%d/%d", sw->shard_i, sw->shard_n);
	cJSON_AddStringToObject(j, "shard", buf);
	cJSON_AddBoolToObject(j, "stop_at_first", sw->stop_first);
	cJSON_AddNumberToObject(j, "seeds_run", (double)t->done);
	cJSON_AddNumberToObject(j, "elapsed_s", elapsed);
	cJSON_AddNumberToObject(j, "workers", sw->jobs);
	cJSON_AddNumberToObject(j, "depth", (double)sw->o->depth);
	cJSON_AddNumberToObject(j, "pct_steps", (double)sw->o->pct_steps);
	cJSON_AddNumberToObject(j, "preemptions", (double)sw->o->preemptions);
	cJSON_AddNumberToObject(j, "max_schedules", (double)sw->o->max_schedules);
	cJSON_AddNumberToObject(j, "schedules", (double)t->schedules);
	cJSON_AddNumberToObject(j, "exhausted_seeds", (double)t->exhausted);
	cJSON *fa = cJSON_AddArrayToObject(j, "failures");
	for (size_t i = 0; i < t->nf; i++) {
		const struct failure *f = &t->f[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "seed", (double)f->seed);
		cJSON_AddStringToObject(x, "status", tr_status_name((enum tr_status)f->status));
		cJSON_AddStringToObject(x, "oracle", f->oracle);
		cJSON_AddStringToObject(x, "message", f->message);
		snprintf(buf, sizeof buf, "%016" PRIx64, f->hash);
		cJSON_AddStringToObject(x, "hash", buf);
		cJSON_AddNumberToObject(x, "steps", (double)f->steps);
		cJSON_AddNumberToObject(x, "decisions", (double)f->decisions);
		if (f->kept) {
			snprintf(buf, sizeof buf, "%" PRIu64, f->seed);
			cJSON_AddStringToObject(x, "dir", buf);
			cJSON_AddBoolToObject(x, "deterministic", f->same_hash);
		}
		cJSON_AddItemToArray(fa, x);
	}
	cJSON *cov = cJSON_AddObjectToObject(j, "coverage");
	for (int i = 0; i < TR_NCOVERAGE; i++) {
		cJSON *c = cJSON_AddObjectToObject(cov, tr_coverage[i].name);
		cJSON_AddNumberToObject(c, "seeds", (double)t->cov_seeds[i]);
		cJSON_AddNumberToObject(c, "events", (double)t->cov_events[i]);
	}
	return j;
}

/* The report both explore and merge print. */
static void print_report(FILE *f, const struct tally *t, uint64_t seeds_run, size_t kept,
                         size_t nondet)
{
	struct group *g = calloc(t->nf + 1, sizeof *g);
	size_t ng = g ? group_failures(t, g) : 0;
	if (t->nf == 0) {
		fprintf(f, "%-13s none in %" PRIu64 " seeds\n", "failures", seeds_run);
	} else {
		fprintf(f, "%-13s %zu of %" PRIu64 " seeds, by oracle:\n", "failures", t->nf,
		        seeds_run);
		for (size_t k = 0; k < ng; k++)
			fprintf(f, "  %6zu  %-60s first seed %" PRIu64 "\n", g[k].count,
			        g[k].oracle, g[k].first);
		fprintf(f, "%-13s %zu failing seeds re-run: %zu gave the same hash%s\n",
		        "determinism", kept, kept - nondet,
		        nondet ? ", THE OTHERS DID NOT (a nondeterminism bug in gsched)" : "");
	}
	fprintf(f, "%-13s seeds that reached each state (events in all):\n", "coverage");
	for (int i = 0; i < TR_NCOVERAGE; i++)
		fprintf(f, "  %-18s %8" PRIu64 " (%" PRIu64 ")\n", tr_coverage[i].name,
		        t->cov_seeds[i], t->cov_events[i]);
	free(g);
}

static int write_json(const char *path, cJSON *j, char *err, size_t errlen)
{
	char *text = cJSON_Print(j);
	FILE *f = text ? fopen(path, "w") : NULL;
	int rc = 0;
	if (!f || fputs(text, f) < 0 || fputc('\n', f) == EOF) {
		snprintf(err, errlen, "%s: %s", path, text ? strerror(errno) : "out of memory");
		rc = 2;
	}
	if (f && fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = 2;
	}
	free(text);
	return rc;
}

static int parse_sweep(struct cli_opts *o, struct sweep *sw)
{
	const struct cli_command *c = o->cmd;
	const char *s = o->seeds, *dots = strstr(s, "..");
	if (!dots || !parse_u64s(s, dots, &sw->a) || !parse_u64s(dots + 2, s + strlen(s), &sw->b) ||
	    sw->a > sw->b || sw->b == UINT64_MAX)
		return cli_usage_error(
		        c, "--seeds: expected A..B with A <= B, e.g. 1..1000 (got '%s')", s);
	sw->shard_i = sw->shard_n = 1;
	if (o->shard) {
		const char *slash = strchr(o->shard, '/');
		uint64_t i, n;
		if (!slash || !parse_u64s(o->shard, slash, &i) ||
		    !parse_u64s(slash + 1, o->shard + strlen(o->shard), &n) || n == 0 || i == 0 ||
		    i > n || n > 1000000)
			return cli_usage_error(
			        c,
			        "--shard: expected I/N with 1 <= I <= N, e.g. 3/8 (got "
			        "'%s')",
			        o->shard);
		sw->shard_i = (int)i;
		sw->shard_n = (int)n;
	}
	/* Block I of N: [A + (I-1)L/N, A + IL/N) with L = B - A + 1. */
	uint64_t len = sw->b - sw->a + 1;
	unsigned __int128 from =
	        (unsigned __int128)len * (unsigned)(sw->shard_i - 1) / (unsigned)sw->shard_n;
	unsigned __int128 to =
	        (unsigned __int128)len * (unsigned)sw->shard_i / (unsigned)sw->shard_n;
	sw->lo = sw->a + (uint64_t)from;
	sw->hi = sw->a + (uint64_t)to - 1; /* lo > hi: an empty shard */
	if (to == from) {
		sw->lo = 1;
		sw->hi = 0;
	}
	if (o->stop_at_first && o->keep_going)
		return cli_usage_error(c, "--stop-at-first and --keep-going are the two ways to go "
		                          "on after a failure: give one");
	sw->stop_first = o->stop_at_first;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	sw->jobs = o->jobs > 0 ? (int)(o->jobs > 1024 ? 1024 : o->jobs) : ncpu > 0 ? (int)ncpu : 1;
	sw->out = o->out ? o->out : "gsched-explore";
	return -1;
}

/* ---- the parent ---- */

struct slot {
	pid_t pid;
	int fd;
	bool busy; /* a seed started and not done */
	uint64_t seed;
	size_t got; /* bytes of the record being read */
	struct rec r;
};

static int spawn(struct sweep *sw, struct slot *sl, struct slot *all, int n)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < n; i++)
			if (all[i].fd >= 0 && &all[i] != sl)
				close(all[i].fd);
		signal(SIGPIPE, SIG_DFL);
		worker(sw, p[1]);
	}
	close(p[1]);
	*sl = (struct slot){.pid = pid, .fd = p[0]};
	return 0;
}

#define SHOWN_PER_ORACLE 5
/* The longest schedule string printed on the terminal: past it (a long
 * run's hundred thousand decisions make a line of hundreds of KB, which
 * no issue or terminal takes) the line names the file instead, and
 * shrink, which makes the schedule short. */
#define SCHEDULE_PRINT_MAX 4096

static void take(struct tally *t, const struct sweep *sw, const struct rec *r, FILE *out)
{
	if (r->rc == 2) {
		if (!t->errors++)
			snprintf(t->error, sizeof t->error, "seed %" PRIu64 ": %s", r->seed,
			         r->message);
		return;
	}
	uint64_t stop = __atomic_load_n(&sw->sh->stop_at, __ATOMIC_SEQ_CST);
	if (sw->stop_first && r->seed > stop)
		return; /* past the first failure: not part of the sweep */
	t->done++;
	t->schedules += (uint64_t)r->schedules;
	t->exhausted += r->exhausted;
	for (int i = 0; i < TR_NCOVERAGE; i++) {
		t->cov_events[i] += r->cov[i];
		t->cov_seeds[i] += (r->cov_reached >> i) & 1;
	}
	if (r->rc != 1)
		return;
	struct failure f = {.seed = r->seed,
	                    .hash = r->hash,
	                    .rerun_hash = r->rerun_hash,
	                    .status = r->status,
	                    .kept = r->kept,
	                    .same_hash = r->same_hash,
	                    .steps = r->steps,
	                    .decisions = r->decisions,
	                    .oracle = (char *)r->oracle,
	                    .message = (char *)r->message};
	if (add_failure(t, &f) != 0 && !t->errors++)
		snprintf(t->error, sizeof t->error, "out of memory");
	/* Every failure is in the summary; the terminal gets the first few
	 * of each oracle, and the schedule of the first. */
	size_t same = 0;
	for (size_t i = 0; i + 1 < t->nf; i++)
		same += strcmp(t->f[i].oracle, r->oracle) == 0;
	if (out && same == SHOWN_PER_ORACLE)
		fprintf(out, "(more failures of %s: see the summary)\n", r->oracle), fflush(out);
	if (out && same < SHOWN_PER_ORACLE) {
		fprintf(out, "FAIL seed %" PRIu64 ": %s (hash %016" PRIx64 ")", r->seed, r->oracle,
		        r->hash);
		if (r->kept)
			fprintf(out, " -> %s/%" PRIu64 "/%s", sw->out, r->seed,
			        r->same_hash ? "" : "  RE-RUN GAVE A DIFFERENT HASH");
		fputc('\n', out);
		if (r->kept && same == 0) {
			char path[4200];
			snprintf(path, sizeof path, "%s/%" PRIu64 "/schedule", sw->out, r->seed);
			char *s = slurp(path);
			size_t len = s ? strcspn(s, "\n") : 0;
			if (s && len <= SCHEDULE_PRINT_MAX)
				fprintf(out, "  schedule %s", s);
			else if (s)
				fprintf(out,
				        "  schedule %s (%" PRIu64
				        " decisions, %zu characters: too long to "
				        "print; `gsched shrink %s/%" PRIu64 "` makes it shorter)\n",
				        path, (uint64_t)r->decisions, len, sw->out, r->seed);
			free(s);
		}
		fflush(out);
	}
}

static int cmd_explore(struct cli_opts *o)
{
	struct sweep sw = {.o = o};
	struct tally t = {0};
	struct sc_scenario *sc = NULL;
	struct slot *slots = NULL;
	char err[512], policy_json[1024];
	int rc = parse_sweep(o, &sw);
	if (rc >= 0)
		return rc;
	rc = 2;
	o->scenario = o->args[0];
	if (sc_load(o->scenario, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "gsched explore: %s\n", err);
		return 2;
	}
	o->scenario_text = sc_text(sc); /* parsed once here, not read again per seed */
	sw.bounded = o->strategy->value == SIM_STRATEGY_NONPREEMPTIVE;
	if (o->strategy->value == SIM_STRATEGY_PCT)
		o->pct_steps = cli_pct_steps(o, sc); /* once, the same for every seed */
	cli_policy_json(&o->rt, policy_json, sizeof policy_json);
	if (mkdir_p(sw.out, err, sizeof err) != 0) {
		fprintf(stderr, "gsched explore: %s\n", err);
		goto out;
	}
	sw.sh = mmap(NULL, sizeof *sw.sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
	             0);
	if (sw.sh == MAP_FAILED) {
		fprintf(stderr, "gsched explore: mmap: %s\n", strerror(errno));
		sw.sh = NULL;
		goto out;
	}
	sw.sh->next = sw.lo;
	sw.sh->stop_at = UINT64_MAX;
	uint64_t total = sw.hi >= sw.lo ? sw.hi - sw.lo + 1 : 0;
	if ((uint64_t)sw.jobs > total)
		sw.jobs = total ? (int)total : 1;
	char window[32];
	cli_format_window(window, sizeof window, o->window_ns);
	printf("explore       %s (gomaxprocs %d), strategy %s, window %s\n", sc_name(sc),
	       sc_gomaxprocs(sc), o->strategy->name, window);
	if (o->rt.bugs) {
		char bugs[512];
		cli_bugs_json(&o->rt, bugs, sizeof bugs);
		printf("bugs          %s\n", bugs);
	}
	if (o->strategy->value == SIM_STRATEGY_PCT && o->window_ns == 0)
		printf("pct           depth %" PRId64 ": %" PRId64
		       " change point(s) over the first "
		       "%" PRId64 " hold points (writes to shared memory with another thread "
		       "within %d ns; a run of seed 0 without change points has that many), each "
		       "holding the writer back %d ns\n",
		       o->depth, o->depth - 1, o->pct_steps, SIM_PCT_HOLD_NS, SIM_PCT_HOLD_NS);
	else if (o->strategy->value == SIM_STRATEGY_PCT)
		printf("pct           depth %" PRId64 ": %" PRId64
		       " change point(s) over the first "
		       "%" PRId64 " decisions (a random run of seed 0 takes that many)\n",
		       o->depth, o->depth - 1, o->pct_steps);
	if (sw.bounded)
		printf("bounded       every schedule of each seed with at most %" PRId64
		       " preemption(s), at most %" PRId64 " runs per seed\n",
		       o->preemptions, o->max_schedules);
	if (sw.shard_n > 1)
		printf("seeds         %" PRIu64 "..%" PRIu64 ", shard %d/%d: %" PRIu64 "..%" PRIu64
		       " (%" PRIu64 " seeds)\n",
		       sw.a, sw.b, sw.shard_i, sw.shard_n, sw.lo, sw.hi, total);
	else
		printf("seeds         %" PRIu64 "..%" PRIu64 " (%" PRIu64 " seeds), %d worker%s\n",
		       sw.a, sw.b, total, sw.jobs, sw.jobs == 1 ? "" : "s");
	fflush(stdout);

	slots = calloc((size_t)sw.jobs, sizeof *slots);
	if (!slots)
		goto out;
	for (int i = 0; i < sw.jobs; i++)
		slots[i].fd = -1;
	bool tty = isatty(STDERR_FILENO);
	double t0 = now_s(), last = t0;
	int live = 0;
	for (int i = 0; i < sw.jobs && total; i++) {
		if (spawn(&sw, &slots[i], slots, sw.jobs) != 0) {
			fprintf(stderr, "gsched explore: fork: %s\n", strerror(errno));
			break;
		}
		live++;
	}
	struct pollfd *pfd = calloc((size_t)sw.jobs, sizeof *pfd);
	while (live > 0 && pfd) {
		int np = 0;
		for (int i = 0; i < sw.jobs; i++)
			if (slots[i].fd >= 0)
				pfd[np++] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
		int pr = poll(pfd, (nfds_t)np, tty ? 200 : 1000);
		if (pr < 0 && errno != EINTR)
			break;
		for (int i = 0; i < sw.jobs; i++) {
			struct slot *sl = &slots[i];
			bool ready = false;
			for (int k = 0; k < np; k++)
				if (pfd[k].fd == sl->fd && pfd[k].revents)
					ready = true;
			if (sl->fd < 0 || !ready)
				continue;
			ssize_t k = read(sl->fd, (char *)&sl->r + sl->got, sizeof sl->r - sl->got);
			if (k > 0) {
				sl->got += (size_t)k;
				if (sl->got < sizeof sl->r)
					continue;
				sl->got = 0;
				if (sl->r.type == REC_START) {
					sl->busy = true;
					sl->seed = sl->r.seed;
				} else {
					sl->busy = false;
					take(&t, &sw, &sl->r, stdout);
					if (tty)
						last = 0; /* redraw after a FAIL line */
				}
				continue;
			}
			if (k < 0 && errno == EINTR)
				continue;
			/* End of the pipe: the worker is done, or died. */
			int st = 0;
			close(sl->fd);
			sl->fd = -1;
			waitpid(sl->pid, &st, 0);
			live--;
			if (sl->busy && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
				struct rec r = {.type = REC_DONE,
				                .rc = 1,
				                .seed = sl->seed,
				                .status = TR_VIOLATION};
				snprintf(r.oracle, sizeof r.oracle, "crash: %s",
				         WIFSIGNALED(st) ? strsignal(WTERMSIG(st))
				                         : "worker exited");
				snprintf(r.message, sizeof r.message,
				         "the worker running this seed died; run `gsched run %s "
				         "--seed "
				         "%" PRIu64 "` to see it",
				         o->scenario, sl->seed);
				take(&t, &sw, &r, stdout);
				if (sw.stop_first) {
					uint64_t cur = sw.sh->stop_at;
					if (sl->seed < cur)
						sw.sh->stop_at = sl->seed;
				}
				if (spawn(&sw, sl, slots, sw.jobs) == 0)
					live++;
			}
		}
		double now = now_s();
		if (t.errors)
			break;
		if (tty && now - last >= 0.2) {
			progress(stderr, true, &sw, &t, now - t0, false);
			last = now;
		} else if (!tty && now - last >= 10) {
			progress(stderr, false, &sw, &t, now - t0, false);
			last = now;
		}
	}
	free(pfd);
	for (int i = 0; i < sw.jobs; i++) {
		if (slots[i].fd < 0)
			continue;
		kill(slots[i].pid, SIGTERM); /* only after an error: stop the others */
		close(slots[i].fd);
		waitpid(slots[i].pid, NULL, 0);
	}
	double elapsed = now_s() - t0;
	progress(stderr, tty, &sw, &t, elapsed, true);
	if (t.errors) {
		fprintf(stderr, "gsched explore: %s\n", t.error);
		goto out;
	}
	if (t.nf)
		qsort(t.f, t.nf, sizeof *t.f, cmp_failure);
	size_t kept = 0, nondet = 0;
	for (size_t i = 0; i < t.nf; i++) {
		kept += t.f[i].kept;
		nondet += t.f[i].kept && !t.f[i].same_hash;
	}
	printf("%-13s %" PRIu64 " in %.2f s (%.0f seeds/s, %.0f per worker)\n", "seeds run", t.done,
	       elapsed, elapsed > 0 ? t.done / elapsed : 0,
	       elapsed > 0 ? t.done / elapsed / sw.jobs : 0);
	if (sw.bounded)
		printf("%-13s %" PRIu64 " distinct schedules run; %" PRIu64 " of %" PRIu64
		       " seeds searched to the end within %" PRId64 " preemption(s)\n",
		       "schedules", t.schedules, t.exhausted, t.done, o->preemptions);
	if (sw.stop_first && t.nf)
		printf("%-13s seed %" PRIu64 " (stopped there: --stop-at-first)\n", "first failure",
		       t.f[0].seed);
	print_report(stdout, &t, t.done, kept, nondet);
	char path[4200];
	if (sw.shard_n > 1)
		snprintf(path, sizeof path, "%s/summary-%d-of-%d.json", sw.out, sw.shard_i,
		         sw.shard_n);
	else
		snprintf(path, sizeof path, "%s/summary.json", sw.out);
	cJSON *j = summary_json(&sw, &t, o->scenario, o->scenario_text, policy_json, elapsed);
	if (!j || write_json(path, j, err, sizeof err) != 0) {
		cJSON_Delete(j);
		fprintf(stderr, "gsched explore: %s\n", j ? err : "out of memory");
		goto out;
	}
	cJSON_Delete(j);
	printf("%-13s %s\n", "summary", path);
	rc = t.nf ? 1 : 0;
out:
	if (sw.sh)
		munmap(sw.sh, sizeof *sw.sh);
	free(slots);
	tally_free(&t);
	sc_free(sc);
	o->scenario_text = NULL;
	return rc;
}

const struct cli_command cli_cmd_explore = {
        .name = "explore",
        .fn = cmd_explore,
        .args = "SCENARIO",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing SCENARIO (a bundled name or a file)",
        .flags = (CLI_RUN_FLAGS & ~CLI_F(CLI_SEED)) | CLI_EXPLORE_FLAGS,
        .required = CLI_F(CLI_SEEDS),
        .summary = "run a scenario over a range of seeds on every core, keep each failure "
                   "with its schedule and story, report failures by oracle and coverage",
        .about = "Runs SCENARIO once per seed of --seeds A..B in -j worker processes (each runs\n"
                 "many seeds through the same run function as `gsched run`).  A seed fails\n"
                 "when `gsched run` would exit 1: a violation (a throw or an oracle), a\n"
                 "deadlock the scenario does not expect, a panic, or a failed assertion.\n"
                 "Each failure is re-run into DIR/SEED/ - run.db (the run, its events and\n"
                 "schedule), schedule (a gs1: string, also printed) and story (the last\n"
                 "transitions of each M, in sentences) - and must give the same trace hash.\n"
                 "The summary groups failures by oracle and counts how many seeds reached\n"
                 "each rare scheduler state; it is also written to DIR/summary.json\n"
                 "(DIR/summary-I-of-N.json with --shard), which `gsched merge` reads.\n",
        .after = "On a terminal a progress line is redrawn (seeds done, seeds/s, failures by\n"
                 "oracle, ETA); otherwise a plain line every 10 s.  docs/exploration.md has a\n"
                 "recipe for spreading a sweep over machines with --shard.\n"
                 "\n"
                 "Exit status: 0 no seed failed, 1 some seed failed, 2 bad usage or bad input.\n",
};

/* ---- merge ---- */

static const char *jstr(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *j, const char *k, bool *ok)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
	if (!cJSON_IsNumber(v)) {
		*ok = false;
		return 0;
	}
	return v->valuedouble;
}

static int cmd_merge(struct cli_opts *o)
{
	static const char *const same[] = {"scenario_hash", "strategy", "window", "noise",
	                                   "cost",          "seeds",    "build"};
	struct tally t = {0};
	cJSON *first = NULL, *merged = NULL;
	int rc = 2, nshards = 0;
	bool *seen = NULL;
	double elapsed = 0;
	uint64_t seeds_run = 0;
	size_t kept = 0, nondet = 0;

	for (int i = 0; i < o->nargs; i++) {
		const char *path = o->args[i];
		char *text = slurp(path);
		cJSON *j = text ? cJSON_Parse(text) : NULL;
		free(text);
		bool ok = true;
		if (!text) {
			fprintf(stderr, "gsched merge: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (!cJSON_IsObject(j) ||
		    jnum(j, "gsched_explore_summary", &ok) != SUMMARY_VERSION || !ok) {
			fprintf(stderr,
			        "gsched merge: %s: expected a summary of `gsched explore` (version "
			        "%d)\n",
			        path, SUMMARY_VERSION);
			cJSON_Delete(j);
			goto out;
		}
		const char *shard = jstr(j, "shard");
		int si = 0, sn = 0;
		if (!shard || sscanf(shard, "%d/%d", &si, &sn) != 2 || si < 1 || si > sn) {
			fprintf(stderr, "gsched merge: %s: $.shard: expected I/N\n", path);
			cJSON_Delete(j);
			goto out;
		}
		if (!first) {
			first = j;
			nshards = sn;
			seen = calloc((size_t)sn + 1, 1);
			if (!seen)
				goto out;
		} else {
			for (size_t k = 0; k < sizeof same / sizeof same[0]; k++) {
				const char *a = jstr(first, same[k]), *b = jstr(j, same[k]);
				if (!a || !b || strcmp(a, b) != 0) {
					fprintf(stderr,
					        "gsched merge: %s: $.%s: '%s' is not the '%s' of "
					        "%s: not "
					        "a shard of the same sweep\n",
					        path, same[k], b ? b : "(missing)",
					        a ? a : "(missing)", o->args[0]);
					cJSON_Delete(j);
					goto out;
				}
			}
			static const char *const same_value[] = {
			        "policies",    "bugs",          "oracle_bounds",
			        "max_steps",   "max_time_ns",   "depth",
			        "preemptions", "max_schedules", "stop_at_first"};
			for (size_t k = 0; k < sizeof same_value / sizeof same_value[0]; k++) {
				const cJSON *a =
				        cJSON_GetObjectItemCaseSensitive(first, same_value[k]);
				const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, same_value[k]);
				if ((a || b) && !cJSON_Compare(a, b, true)) {
					fprintf(stderr,
					        "gsched merge: %s: $.%s differs from %s's: not a "
					        "shard of "
					        "the same sweep\n",
					        path, same_value[k], o->args[0]);
					cJSON_Delete(j);
					goto out;
				}
			}
			if (sn != nshards) {
				fprintf(stderr,
				        "gsched merge: %s: $.shard: %s, but %s was split in %d\n",
				        path, shard, o->args[0], nshards);
				cJSON_Delete(j);
				goto out;
			}
		}
		if (seen[si]) {
			fprintf(stderr, "gsched merge: %s: shard %d/%d given twice\n", path, si,
			        sn);
			if (j != first)
				cJSON_Delete(j);
			goto out;
		}
		seen[si] = true;
		seeds_run += (uint64_t)jnum(j, "seeds_run", &ok);
		bool sok = true;
		t.schedules += (uint64_t)jnum(j, "schedules", &sok);
		t.exhausted += (uint64_t)jnum(j, "exhausted_seeds", &sok);
		double e = jnum(j, "elapsed_s", &ok);
		if (e > elapsed)
			elapsed = e;
		const cJSON *fa = cJSON_GetObjectItemCaseSensitive(j, "failures"), *x;
		cJSON_ArrayForEach(x, fa)
		{
			bool fok = true;
			struct failure f = {.seed = (uint64_t)jnum(x, "seed", &fok),
			                    .oracle = (char *)jstr(x, "oracle"),
			                    .message = (char *)jstr(x, "message")};
			const char *st = jstr(x, "status"), *h = jstr(x, "hash");
			enum tr_status es = TR_VIOLATION;
			if (st)
				tr_status_parse(st, &es);
			f.status = (int32_t)es;
			if (h)
				f.hash = strtoull(h, NULL, 16);
			const cJSON *det = cJSON_GetObjectItemCaseSensitive(x, "deterministic");
			f.kept = cJSON_IsBool(det);
			f.same_hash = cJSON_IsTrue(det);
			f.steps = (int64_t)jnum(x, "steps", &fok);
			f.decisions = (int64_t)jnum(x, "decisions", &fok);
			kept += f.kept;
			nondet += f.kept && !f.same_hash;
			if (add_failure(&t, &f) != 0) {
				fprintf(stderr, "gsched merge: out of memory\n");
				goto out;
			}
		}
		const cJSON *cov = cJSON_GetObjectItemCaseSensitive(j, "coverage");
		for (int k = 0; k < TR_NCOVERAGE; k++) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(cov, tr_coverage[k].name);
			bool cok = true;
			t.cov_seeds[k] += (uint64_t)jnum(c, "seeds", &cok);
			t.cov_events[k] += (uint64_t)jnum(c, "events", &cok);
		}
		if (!ok) {
			fprintf(stderr,
			        "gsched merge: %s: expected numbers in seeds_run and elapsed_s\n",
			        path);
			if (j != first)
				cJSON_Delete(j);
			goto out;
		}
		if (j != first)
			cJSON_Delete(j);
	}
	t.done = seeds_run;
	if (t.nf)
		qsort(t.f, t.nf, sizeof *t.f, cmp_failure);
	printf("merge         %s, seeds %s, strategy %s, window %s\n", jstr(first, "scenario"),
	       jstr(first, "seeds"), jstr(first, "strategy"), jstr(first, "window"));
	const cJSON *mbugs = cJSON_GetObjectItemCaseSensitive(first, "bugs");
	if (cJSON_GetArraySize(mbugs) > 0) {
		char *b = cJSON_PrintUnformatted(mbugs);
		printf("%-13s %s\n", "bugs", b ? b : "?");
		free(b);
	}
	int missing = 0;
	for (int i = 1; i <= nshards; i++)
		missing += !seen[i];
	printf("%-13s %d of %d%s", "shards", nshards - missing, nshards,
	       missing ? ", MISSING:" : "\n");
	for (int i = 1; i <= nshards && missing; i++)
		if (!seen[i])
			printf(" %d", i);
	if (missing)
		printf(" (the merged figures cover only the shards given)\n");
	printf("%-13s %" PRIu64 " (the slowest shard took %.2f s)\n", "seeds run", seeds_run,
	       elapsed);
	print_report(stdout, &t, seeds_run, kept, nondet);
	if (o->out) {
		/* The merged summary has the shape of one sweep's: shard 1/1. */
		struct cli_opts mo;
		cli_opts_init(&mo);
		merged = cJSON_Duplicate(first, true);
		cJSON_ReplaceItemInObject(merged, "shard", cJSON_CreateString("1/1"));
		cJSON_ReplaceItemInObject(merged, "seeds_run",
		                          cJSON_CreateNumber((double)seeds_run));
		cJSON_ReplaceItemInObject(merged, "elapsed_s", cJSON_CreateNumber(elapsed));
		cJSON_ReplaceItemInObject(merged, "schedules",
		                          cJSON_CreateNumber((double)t.schedules));
		cJSON_ReplaceItemInObject(merged, "exhausted_seeds",
		                          cJSON_CreateNumber((double)t.exhausted));
		cJSON *fa = cJSON_CreateArray();
		for (size_t i = 0; i < t.nf; i++) {
			char buf[32];
			cJSON *x = cJSON_CreateObject();
			cJSON_AddNumberToObject(x, "seed", (double)t.f[i].seed);
			cJSON_AddStringToObject(x, "status",
			                        tr_status_name((enum tr_status)t.f[i].status));
			cJSON_AddStringToObject(x, "oracle", t.f[i].oracle);
			cJSON_AddStringToObject(x, "message", t.f[i].message);
			snprintf(buf, sizeof buf, "%016" PRIx64, t.f[i].hash);
			cJSON_AddStringToObject(x, "hash", buf);
			cJSON_AddNumberToObject(x, "steps", (double)t.f[i].steps);
			cJSON_AddNumberToObject(x, "decisions", (double)t.f[i].decisions);
			if (t.f[i].kept) {
				snprintf(buf, sizeof buf, "%" PRIu64, t.f[i].seed);
				cJSON_AddStringToObject(x, "dir", buf);
				cJSON_AddBoolToObject(x, "deterministic", t.f[i].same_hash);
			}
			cJSON_AddItemToArray(fa, x);
		}
		cJSON_ReplaceItemInObject(merged, "failures", fa);
		cJSON *cov = cJSON_CreateObject();
		for (int k = 0; k < TR_NCOVERAGE; k++) {
			cJSON *c = cJSON_AddObjectToObject(cov, tr_coverage[k].name);
			cJSON_AddNumberToObject(c, "seeds", (double)t.cov_seeds[k]);
			cJSON_AddNumberToObject(c, "events", (double)t.cov_events[k]);
		}
		cJSON_ReplaceItemInObject(merged, "coverage", cov);
		char err[512], path[4200];
		if (mkdir_p(o->out, err, sizeof err) != 0) {
			fprintf(stderr, "gsched merge: %s\n", err);
			goto out;
		}
		snprintf(path, sizeof path, "%s/summary.json", o->out);
		if (write_json(path, merged, err, sizeof err) != 0) {
			fprintf(stderr, "gsched merge: %s\n", err);
			goto out;
		}
		printf("%-13s %s\n", "summary", path);
	}
	rc = t.nf ? 1 : 0;
out:
	cJSON_Delete(merged);
	cJSON_Delete(first);
	free(seen);
	tally_free(&t);
	return rc;
}

const struct cli_command cli_cmd_merge = {
        .name = "merge",
        .fn = cmd_merge,
        .args = "SUMMARY...",
        .min_args = 1,
        .max_args = -1,
        .missing = "missing SUMMARY (the summary-I-of-N.json files of a sweep's shards)",
        .flags = CLI_F(CLI_OUT),
        .summary = "add up the summaries of a sweep's shards (explore --shard I/N)",
        .about = "Reads the summary files that `gsched explore --shard I/N` wrote, checks that\n"
                 "they are shards of one sweep (the same scenario text, strategy and its\n"
                 "parameters, window, policies, limits, seeds and build, each shard once), and "
                 "prints the sweep's failures by oracle\n"
                 "and its coverage, as explore prints them; shards not given are named.  With\n"
                 "--out DIR, writes the merged summary to DIR/summary.json.\n",
        .after = "Exit status: 0 no seed failed, 1 some seed failed, 2 bad usage or a file that\n"
                 "is not such a summary.\n",
};
