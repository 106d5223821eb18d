/*
 * stats.c - the trace hash and the run summary, computed from the event
 * stream one event at a time (tr_stats_add), plus the small fixed facts
 * every sink shares: status names and the build string.
 *
 * The hash is the run's identity for the determinism contract: equal
 * event streams give equal hashes on any machine, compiler or
 * optimisation level, so it is defined over values, never over
 * addresses (detail is hashed by its bytes), and byte order is fixed
 * (little-endian words) rather than taken from the host.
 *
 * Construction: an event's fields are folded in a fixed order into
 * three lanes, x = (x ^ w) * K1 per 64-bit word (t_ns, g, obj, b; m|p,
 * kind, a; the length and bytes of detail or a NULL marker), which are
 * joined as x ^ rotl(y) ^ rotl(z) and avalanched into the event digest
 * e; then the running hash steps h = mix((h ^ e) * K1).  The lanes do
 * not depend on h, so the CPU overlaps them with the previous event and
 * the serial chain is one multiply per event.  Every step is a bijection
 * of its state for a fixed word and of the word for a fixed state, so
 * two streams that differ in exactly one field of one event always hash
 * differently; the per-event step is nonlinear, so reordering changes
 * the hash too (collisions of multi-field changes: ~2^-64).  Cost,
 * counters included, on the 2-core dev VM: ~9 ns per event without a
 * detail, ~16 ns with a short one (strlen is a third of that): under
 * a tenth of the simulator's 200 ns/event budget at 5 M events/s.
 *
 * The summary is a tally: one count per event kind, and for gstatus
 * events one per transition (from, to), bumped in a slot chosen by
 * arithmetic; the figures that are counts of a kind or a transition are
 * read off it once, by tr_stats_settle, rather than kept up to date at
 * every event.  Only the end time, the largest M, the most goroutines
 * alive at once and the two figures that need an event's argument (a
 * steal's size, a spinning start) are kept as they go.  Measured with
 * cachegrind: `bench_sim spawn-tree 20` took 3.0% fewer instructions
 * than with a counter per figure bumped by comparisons at every event
 * (200.78 M to 194.70 M), the C spawn tree 3.3% fewer, and no more
 * mispredicted branches.  (Earlier still, a switch on every event's
 * kind mispredicted on two events in three.)  Most of tr_stats_add's
 * cost is the hash itself, which is fixed by the determinism contract.
 *
 * Rejected: a cryptographic hash (SHA-256 costs
 * ~100 ns/event, a fifth of the simulator's budget at 5 M events/s) and
 * hashing the struct's raw bytes (padding and the detail pointer would
 * enter the hash).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats_add.h"
#include "tr.h"

void tr_stats_add_rare(struct tr_stats *st, const struct rt_event *ev)
{
	if (ev->kind == RT_EV_STEAL && ev->a > 0) {
		st->steals++;
		st->stolen_gs += ev->a;
	} else if (ev->kind == RT_EV_SPINNING && ev->a == 1) {
		st->spinning_periods++;
	}
}

void tr_stats_init(struct tr_stats *st)
{
	memset(st, 0, sizeof *st);
	st->hash = TR_HASH_INIT;
}

void tr_stats_settle(struct tr_stats *st)
{
	const uint64_t *n = st->tally;
	st->g_created = (int64_t)n[RT_EV_NEWPROC];
	st->g_finished = (int64_t)n[TR_TALLY_GST(_Grunning, _Gdead)];
	st->ctx_switches = (int64_t)n[TR_TALLY_GST(_Grunnable, _Grunning)];
	st->runqputslow = (int64_t)n[RT_EV_RUNQPUTSLOW];
	st->globrunqget = (int64_t)n[RT_EV_GLOBRUNQGET];
	st->mparks = (int64_t)n[RT_EV_MPARK];
	st->violations = (int64_t)n[RT_EV_VIOLATION];
}

void tr_stats_add(struct tr_stats *st, const struct rt_event *ev)
{
	tr_stats_add_inline(st, ev);
	tr_stats_settle(st);
}

const char *tr_status_name(enum tr_status s)
{
	static const char *const names[] = {
#define TR_STATUS_NAME(e, name, failed, what) [TR_##e] = name,
	        TR_STATUSES(TR_STATUS_NAME)
#undef TR_STATUS_NAME
	};
	return (unsigned)s < TR_STATUS__COUNT ? names[s] : "unknown";
}

bool tr_status_failed(enum tr_status s)
{
	static const bool failed[] = {
#define TR_STATUS_FAILED(e, name, f, what) [TR_##e] = f,
	        TR_STATUSES(TR_STATUS_FAILED)
#undef TR_STATUS_FAILED
	};
	return (unsigned)s < TR_STATUS__COUNT && failed[s];
}

#ifndef GSCHED_BUILD_STRING
#define GSCHED_BUILD_STRING "gsched (build string not set)"
#endif

const char *tr_build_string(void)
{
	return GSCHED_BUILD_STRING;
}

const char *tr_fmt_ns(char *buf, size_t len, int64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
	else if (ns >= 1000)
		snprintf(buf, len, "%.3f us", (double)ns / 1e3);
	else
		snprintf(buf, len, "%" PRId64 " ns", ns);
	return buf;
}
