/*
 * shrink.c - `gsched shrink DIR`: the failure `gsched explore` kept in DIR
 * made as small as it will go - fewest preemptions, then fewest steps -
 * while the same oracle still fires, kept in DIR/shrunk/.
 *
 * A schedule is the run's decision list (sim_result.schedule); a
 * preemption is a decision that switched away from the yielding thread
 * while it could have gone on.  Two moves, each one re-run of the
 * program through cli_run, replaying a list and finishing the run
 * without preemptions once the list runs out or stops applying - under
 * the run's own strategy, so that a swarm run keeps its seed's draw
 * (window, yield kinds, OS preemption; sim_config.replay_nonpreemptive):
 *
 *   cut at a preemption i: replay decisions 0..i-1, then run without
 *     preemptions (drops preemption i and every later one at once), or
 *     replay 0..i (keeps i, drops the later ones);
 *   flip a preemption i: replay the whole list with decision i made
 *     non-preemptive (drops that one, keeps the others where they still
 *     apply).
 *
 * A candidate is kept when its run fails with the same oracle (the key
 * explore groups by: status and what fired) and it has fewer preemptions,
 * or as many and fewer steps.  Cuts are tried first, earliest first (the
 * shortest prefix that still fails), then flips, latest first; the
 * search starts over from each schedule kept and ends when no move
 * helps or after --max-schedules runs.  Greedy, so a local minimum: each
 * preemption left is one that no single move could remove.
 *
 * Alternatives not taken: delta debugging over arbitrary subsets of
 * decisions (a decision's index means nothing once an earlier one
 * changed, so most subsets do not replay); picks by thread id instead of
 * index (the engine's records are indices, and the database keeps them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "explore.h"
#include "runner.h"

struct cand {
	struct sim_decision *d; /* the run's own record (cur set) */
	size_t n;
	int64_t preemptions, steps;
	uint64_t hash;
};

/* Run o replaying list (n decisions), finishing non-preemptively; keep
 * the result in *c if the run fails with oracle.  1 kept, 0 not, -1
 * error (message in err). */
static int try_run(const struct cli_opts *o, const struct sim_decision *list, size_t n,
                   const char *oracle, struct cand *c, char *err, size_t errlen)
{
	struct cli_opts run = *o;
	struct ex_run r;
	struct sim_result res;
	run.replay = list;
	run.nreplay = n;
	run.replay_continue = true;
	run.record = true;
	if (ex_run_one(&run, NULL, &r, &res, err, errlen) != 0)
		return -1;
	if (r.rc != 1 || strcmp(r.oracle, oracle) != 0) {
		free(res.schedule);
		return 0;
	}
	*c = (struct cand){res.schedule, res.nschedule, res.preemptions, res.steps, r.hash};
	return 1;
}

static bool better(const struct cand *a, const struct cand *b)
{
	return a->preemptions < b->preemptions ||
	       (a->preemptions == b->preemptions && a->steps < b->steps);
}

/* One candidate, list (n decisions): run it, and if it fails with
 * oracle and is better than *best, it becomes *best (the old record is
 * freed; list may be that record, which the run no longer needs).
 * 1 kept, 0 not, -1 error (message in err). */
static int try_keep(const struct cli_opts *o, const struct sim_decision *list, size_t n,
                    const char *oracle, struct cand *best, char *err, size_t errlen)
{
	struct cand c;
	int k = try_run(o, list, n, oracle, &c, err, errlen);
	if (k != 1)
		return k;
	if (!better(&c, best)) {
		free(c.d);
		return 0;
	}
	free(best->d);
	*best = c;
	return 1;
}

static bool is_preemption(const struct sim_decision *d)
{
	return d->cur >= 0 && d->pick != (uint32_t)d->cur;
}

static int cmd_shrink(struct cli_opts *o)
{
	const char *dir = o->args[0];
	char path[900], err[1200], why[256];
	struct tr_db *db = NULL;
	struct tr_header h = {0};
	uint32_t *pairs = NULL;
	uint64_t npairs = 0;
	struct sim_decision *list = NULL;
	struct cand best = {0}, first = {0};
	struct ex_run r;
	struct sim_result res = {0};
	int rc = 2;

	struct stat sb;
	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		snprintf(path, sizeof path, "%s/run.db", dir);
	else
		snprintf(path, sizeof path, "%s", dir);
	if (tr_db_open(path, &db, err, sizeof err) != 0 ||
	    tr_db_read_run(db, 0, &h, err, sizeof err) != 0)
		goto fail;
	int sr = tr_db_read_schedule(db, &h, &pairs, &npairs, err, sizeof err);
	if (sr == 2)
		goto fail;
	if (sr == 1) {
		snprintf(err, sizeof err,
		         "%s: the run has no stored schedule (an older gsched wrote it)", path);
		goto fail;
	}
	if (!(list = malloc(npairs * sizeof *list + 1))) {
		snprintf(err, sizeof err, "out of memory");
		goto fail;
	}
	for (uint64_t i = 0; i < npairs; i++)
		list[i] = (struct sim_decision){pairs[2 * i], pairs[2 * i + 1], -1};

	/* The run as stored: its own strategy (swarm draws its window from
	 * it), the whole list replayed. */
	struct cli_opts ro;
	cli_opts_init(&ro);
	if (cli_opts_from_header(&h, &ro, why, sizeof why) != 0) {
		snprintf(err, sizeof err, "%s: %s", path, why);
		goto fail;
	}
	ro.replay = list;
	ro.nreplay = (size_t)npairs;
	ro.record = true;
	if (ex_run_one(&ro, NULL, &r, &res, err, sizeof err) != 0)
		goto fail;
	if (r.rc != 1 || res.departed_decision >= 0) {
		fprintf(stderr,
		        "gsched shrink: %s: the run does not fail the same way when replayed "
		        "(%s%s%s); "
		        "`gsched replay %s` says where it departs\n",
		        path, tr_status_name(r.status), r.oracle[0] ? ": " : "", r.oracle, dir);
		free(res.schedule);
		goto out;
	}
	char oracle[sizeof r.oracle];
	snprintf(oracle, sizeof oracle, "%s", r.oracle);
	first = (struct cand){res.schedule, res.nschedule, res.preemptions, res.steps, r.hash};
	/* From here on, runs finish without preemptions once their list runs
	 * out, under the run's own strategy: a swarm run keeps what its seed
	 * drew (the window, the yield kinds that may switch, and how often
	 * the OS takes a core away), and the kept runs replay under it. */
	ro.replay_nonpreemptive = true;
	/* The stored run replayed non-preemptively past its end is the same
	 * run (it fails before the list ends); start from its record. */
	best = (struct cand){malloc(first.n * sizeof *first.d + 1), first.n, first.preemptions,
	                     first.steps, first.hash};
	if (!best.d) {
		snprintf(err, sizeof err, "out of memory");
		goto fail;
	}
	if (first.n) /* a run without choices (window 0) has no list */
		memcpy(best.d, first.d, first.n * sizeof *first.d);

	int64_t runs = 0;
	struct sim_decision *tmp = NULL;
	bool improved = true;
	while (improved && runs < o->max_schedules) {
		improved = false;
		/* Cuts: before preemption i (dropping it and every later one),
		 * then after it (keeping it, dropping the later ones). */
		for (size_t j = 0; j < 2 * best.n && !improved && runs < o->max_schedules; j++) {
			size_t i = j / 2;
			if (!is_preemption(&best.d[i]))
				continue;
			int k = try_keep(&ro, best.d, i + j % 2, oracle, &best, err, sizeof err);
			runs++;
			if (k < 0)
				goto fail;
			improved = k == 1;
		}
		for (size_t i = best.n; i-- > 0 && !improved && runs < o->max_schedules;) {
			if (!is_preemption(&best.d[i]))
				continue;
			free(tmp);
			if (!(tmp = malloc(best.n * sizeof *tmp))) {
				snprintf(err, sizeof err, "out of memory");
				goto fail;
			}
			memcpy(tmp, best.d, best.n * sizeof *tmp);
			tmp[i].pick = (uint32_t)tmp[i].cur;
			int k = try_keep(&ro, tmp, best.n, oracle, &best, err, sizeof err);
			runs++;
			if (k < 0)
				goto fail;
			improved = k == 1;
		}
	}
	free(tmp);

	char *before = ex_schedule_format(first.d, first.n);
	char *after = ex_schedule_format(best.d, best.n);
	printf("shrink        %s: %s, seed %" PRIu64 "\n", dir, oracle, h.seed);
	printf("%-13s %" PRId64 " preemptions, %" PRId64 " steps, %zu decisions\n", "before",
	       first.preemptions, first.steps, first.n);
	printf("%-13s %" PRId64 " preemptions, %" PRId64 " steps, %zu decisions (%" PRId64
	       " runs%s)\n",
	       "after", best.preemptions, best.steps, best.n, runs,
	       runs >= o->max_schedules ? ", stopped at --max-schedules" : "");
	printf("%-13s %s\n", "schedule", after ? after : "(out of memory)");
	free(before);
	free(after);
	char out[4200];
	snprintf(out, sizeof out, "%s/shrunk", S_ISDIR(sb.st_mode) ? dir : ".");
	struct cli_opts fo = ro;
	fo.replay = best.d;
	fo.nreplay = best.n;
	struct ex_run again;
	bool same = false;
	if (ex_write_failure(&fo, out, best.hash, &again, &same, err, sizeof err) != 0)
		goto fail;
	if (strcmp(again.oracle, oracle) != 0 || !same) {
		fprintf(stderr, "gsched shrink: the shrunk schedule did not fail again as %s\n",
		        oracle);
		goto out;
	}
	printf("%-13s %s/ (gsched replay %s)\n", "kept", out, out);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "gsched shrink: %s\n", err);
out:
	free(first.d);
	free(best.d);
	free(list);
	free(pairs);
	tr_header_free(&h);
	tr_db_close(db);
	return rc;
}

const struct cli_command cli_cmd_shrink = {
        .name = "shrink",
        .fn = cmd_shrink,
        .args = "DIR",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DIR (a failure's folder, as `gsched explore` leaves it)",
        .flags = CLI_F(CLI_MAX_SCHEDULES),
        .summary = "minimise a failure's schedule: fewest preemptions, then fewest steps, with "
                   "the same oracle firing",
        .about = "Re-runs the failure in DIR (DIR/run.db, or a database file), then tries\n"
                 "schedules with fewer preemptions - cutting the schedule at a preemption and\n"
                 "finishing without any, or undoing one preemption - keeping each that fails\n"
                 "with the same oracle and has fewer preemptions, or as many and fewer steps,\n"
                 "until no move helps.  Prints the preemptions, steps and decisions before and\n"
                 "after, and the shrunk schedule string; writes DIR/shrunk/ (run.db, schedule,\n"
                 "story) for `gsched replay`.\n",
        .after = "Exit status: 0 shrunk (possibly to where it began), 2 bad usage, bad input, or\n"
                 "a run that no longer fails when replayed.\n",
};
