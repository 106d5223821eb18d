/*
 * story.c - a failing run told in sentences: the last transitions each M
 * made before the run ended, one readable line per event, then the
 * G/M/P state the events leave behind (state.c).  `gsched explore`
 * writes it beside every failure it keeps (docs/exploration.md).
 *
 * It reads events only, like state.c: what it tells is what the trace
 * says.  Each kind's sentence spells out obj/a/b as events.h defines
 * them; a kind without a sentence here (one added later) is told in the
 * golden line form, so nothing is ever left out.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tr.h"

static const char *gst(int64_t v)
{
	return v >= 0 && v < RT_GSTATUS_COUNT ? rt_gstatus_names[v] : "?";
}

static const char *pst(int64_t v)
{
	return v >= 0 && v < RT_PSTATUS_COUNT ? rt_pstatus_names[v] : "?";
}

static const char *pname(int64_t p, char *buf, size_t len)
{
	if (p < 0)
		return "no P";
	snprintf(buf, len, "P%" PRId64, p);
	return buf;
}

void tr_event_sentence(char *buf, size_t len, const struct rt_event *ev)
{
	const char *d = ev->detail;
	char pb[24];
	int64_t o = ev->obj, a = ev->a, b = ev->b;

	switch (ev->kind) {
	case RT_EV_GSTATUS:
		snprintf(buf, len, "g%" PRId64 " %s -> %s%s%s", o, gst(a), gst(b), d ? " (" : "",
		         d ? d : "");
		if (d)
			strncat(buf, ")", len - strlen(buf) - 1);
		return;
	case RT_EV_PSTATUS:
		snprintf(buf, len, "P%" PRId64 " %s -> %s", o, pst(a), pst(b));
		return;
	case RT_EV_MSTART:
		snprintf(buf, len, "starts M%" PRId64 " with %s%s", o, pname(a, pb, sizeof pb),
		         b ? ", spinning" : "");
		return;
	case RT_EV_MPARK:
		snprintf(buf, len, "M%" PRId64 " parks (stopm)", o);
		return;
	case RT_EV_MUNPARK:
		snprintf(buf, len, "wakes M%" PRId64 ", handing it %s", o, pname(a, pb, sizeof pb));
		return;
	case RT_EV_SPINNING:
		snprintf(buf, len, "M%" PRId64 " %s spinning", o, a ? "starts" : "stops");
		return;
	case RT_EV_RUNQPUT:
		snprintf(buf, len, "puts g%" PRId64 " on P%" PRId64 "'s %s", o, a,
		         b ? "runnext" : "run queue");
		return;
	case RT_EV_RUNQPUTSLOW:
		snprintf(buf, len,
		         "P%" PRId64 "'s run queue is full: moves %" PRId64
		         " goroutines to the global queue (runqputslow)",
		         o, a);
		return;
	case RT_EV_RUNQGET:
		snprintf(buf, len, "takes g%" PRId64 " from P%" PRId64 "'s %s", o, a,
		         b ? "runnext" : "run queue");
		return;
	case RT_EV_GLOBRUNQPUT:
		snprintf(buf, len,
		         "puts %" PRId64 " goroutine(s) from g%" PRId64
		         " on the global queue (now %" PRId64 ")",
		         a, o, b);
		return;
	case RT_EV_GLOBRUNQGET:
		snprintf(buf, len,
		         "takes %" PRId64 " goroutine(s) from the global queue, g%" PRId64
		         " first%s",
		         a, o, b == 1 ? " (the schedtick%61 fairness check)" : "");
		return;
	case RT_EV_STEAL:
		snprintf(buf, len, "steals %" PRId64 " goroutine(s) from P%" PRId64 "%s", a, o,
		         b ? ", its runnext" : "");
		return;
	case RT_EV_WAKEP:
		if (o < 0)
			snprintf(buf, len, "wakep: no idle P to start");
		else
			snprintf(buf, len, "wakep: starts a spinning M for P%" PRId64, o);
		return;
	case RT_EV_STARTM:
		snprintf(buf, len, "startm: M%" PRId64 " gets P%" PRId64 "%s", o, a,
		         b ? ", spinning" : "");
		return;
	case RT_EV_HANDOFFP:
		snprintf(buf, len, "hands off P%" PRId64 ": %s%s%s%s", o,
		         a ? "starts an M for it" : "puts it idle", d ? " (" : "", d ? d : "",
		         d ? ")" : "");
		return;
	case RT_EV_NEEDSPINNING:
		snprintf(buf, len, "%s sched.needspinning", o ? "sets" : "clears");
		return;
	case RT_EV_NEWPROC:
		snprintf(buf, len, "g%" PRId64 " creates g%" PRId64 "%s", a, o,
		         b ? " (reused from gFree)" : "");
		return;
	case RT_EV_GOEXIT:
		snprintf(buf, len, "g%" PRId64 " exits", o);
		return;
	case RT_EV_PIDLEPUT:
		snprintf(buf, len, "P%" PRId64 " goes idle (%" PRId64 " idle)", o, a);
		return;
	case RT_EV_PIDLEGET:
		snprintf(buf, len, "takes idle P%" PRId64 " (%" PRId64 " idle left)", o, a);
		return;
	case RT_EV_VIOLATION:
		snprintf(buf, len, "VIOLATION: %s", d ? d : "(no message)");
		return;
	case RT_EV_LABEL:
		snprintf(buf, len, "g%" PRId64 " is labelled %s", o, d ? d : "-");
		return;
	case RT_EV_PREEMPT_REQ:
		snprintf(buf, len, "asks g%" PRId64 " on %s to stop (%s)", o,
		         pname(b, pb, sizeof pb), a ? "async" : "cooperative only");
		return;
	case RT_EV_PREEMPT:
		snprintf(buf, len, "g%" PRId64 " is preempted (%s)", o,
		         a ? "async" : "cooperative");
		return;
	case RT_EV_RETAKE:
		snprintf(buf, len, "sysmon retakes P%" PRId64 " from a syscall", o);
		return;
	case RT_EV_SYSCALL_ENTER:
		snprintf(buf, len, "g%" PRId64 " enters a syscall, leaving P%" PRId64, o, a);
		return;
	case RT_EV_SYSCALL_EXIT:
		snprintf(buf, len, "g%" PRId64 " leaves its syscall (%s path), %s", o,
		         a ? "fast" : "slow", b >= 0 ? "with a P" : "without a P");
		return;
	case RT_EV_TIMER_ADD:
		snprintf(buf, len,
		         "adds a timer at %" PRId64 " ns to P%" PRId64 " (%" PRId64 " timers)", a,
		         o, b);
		return;
	case RT_EV_TIMER_FIRE:
		if (b)
			snprintf(buf, len,
			         "P%" PRId64 "'s timer at %" PRId64 " ns fires, readying g%" PRId64,
			         o, a, b);
		else
			snprintf(buf, len, "P%" PRId64 "'s timer at %" PRId64 " ns fires", o, a);
		return;
	case RT_EV_TIMER_STEAL:
		snprintf(buf, len, "runs P%" PRId64 "'s timers (timer steal)", o);
		return;
	case RT_EV_NETPOLL:
		snprintf(buf, len, "netpoll readies %" PRId64 " goroutine(s)", o);
		return;
	case RT_EV_INJECTGLIST:
		snprintf(buf, len,
		         "injectglist: %" PRId64 " goroutine(s), starts %" PRId64 " idle P(s)", o,
		         a);
		return;
	case RT_EV_STW:
		if (o)
			snprintf(buf, len, "stops the world%s%s", d ? ": " : "", d ? d : "");
		else
			snprintf(buf, len, "starts the world (gomaxprocs %" PRId64 ")", a);
		return;
	case RT_EV_PROCRESIZE:
		snprintf(buf, len, "procresize: gomaxprocs %" PRId64 " -> %" PRId64, o, a);
		return;
	case RT_EV_SYSMON:
		snprintf(buf, len, "sysmon waits (%" PRId64 " us)", o);
		return;
	case RT_EV_TIMER_NEXT:
		if (a == 0)
			snprintf(buf, len, "P%" PRId64 " has no %s timer", o,
			         b ? "modified" : "pending");
		else
			snprintf(buf, len, "P%" PRId64 "'s %s timer is now at %" PRId64 " ns", o,
			         b ? "earliest modified" : "first", a);
		return;
	case RT_EV_POLL_UNTIL:
		if (a == 0)
			snprintf(buf, len, "sleeps in the network poller (no timer)");
		else
			snprintf(buf, len,
			         "sleeps in the network poller until the timer at %" PRId64 " ns",
			         a);
		return;
	default:
		tr_event_render(buf, len, 0, ev);
		return;
	}
}

/* The events an M made, newest last: a ring of at most per_m. */
struct ring {
	size_t *idx;
	size_t n, head;
};

int tr_story_print(FILE *f, const struct tr_trace *t, int per_m)
{
	int32_t maxm = -1;
	for (size_t i = 0; i < t->n; i++)
		if (t->ev[i].m > maxm && t->ev[i].m < (1 << 16))
			maxm = t->ev[i].m;
	size_t nm = (size_t)(maxm + 1), k = per_m > 0 ? (size_t)per_m : 1;
	struct ring *r = calloc(nm ? nm : 1, sizeof *r);
	size_t *slots = calloc(nm * k + 1, sizeof *slots);
	struct tr_state *st = tr_state_new();
	int rc = -1;
	if (!r || !slots || !st)
		goto out;
	for (size_t m = 0; m < nm; m++)
		r[m].idx = slots + m * k;
	for (size_t i = 0; i < t->n; i++) {
		const struct rt_event *ev = &t->ev[i];
		if (ev->m < 0 || (size_t)ev->m >= nm)
			continue;
		struct ring *q = &r[ev->m];
		q->idx[q->head] = i;
		q->head = (q->head + 1) % k;
		if (q->n < k)
			q->n++;
	}
	fprintf(f,
	        "The last %zu transitions of each M (event number, virtual time, the P and G it "
	        "held):\n",
	        k);
	for (size_t m = 0; m < nm; m++) {
		struct ring *q = &r[m];
		if (!q->n)
			continue;
		fprintf(f, "\nM%zu:\n", m);
		for (size_t j = 0; j < q->n; j++) {
			size_t i = q->idx[(q->head + k - q->n + j) % k];
			const struct rt_event *ev = &t->ev[i];
			char sentence[300], who[48];
			tr_event_sentence(sentence, sizeof sentence, ev);
			if (ev->p >= 0)
				snprintf(who, sizeof who, "P%d g%" PRId64, ev->p, ev->g);
			else
				snprintf(who, sizeof who, "no P");
			fprintf(f, "  #%-7zu %12.3f us  %-10s %s\n", i, ev->t_ns / 1e3, who,
			        sentence);
		}
	}
	for (size_t i = 0; i < t->n; i++)
		tr_state_apply(st, &t->ev[i]);
	fprintf(f, "\nG/M/P state after the last event (rebuilt from the events):\n");
	tr_state_print(st, f, "  ");
	rc = ferror(f) ? -1 : 0;
out:
	tr_state_free(st);
	free(slots);
	free(r);
	return rc;
}
