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
 * The summary counters cost no branch an event stream can mislead: the
 * common kinds' counters are bumped by comparisons, and the rare kinds
 * (steal, spinning, runqputslow, globrunqget, mpark, violation) reach
 * their switch through one test that is almost never taken.  Measured
 * with cachegrind over 20 runs of spawn-tree: indirect-branch
 * mispredictions fell from 499 k to 261 k (the switch on every event
 * missed on two events in three), for 3% more instructions; wall time
 * the same within this machine's noise.  Most of tr_stats_add's cost is
 * the hash itself, which is fixed by the determinism contract.
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
	switch (ev->kind) {
	case RT_EV_STEAL:
		if (ev->a > 0) {
			st->steals++;
			st->stolen_gs += ev->a;
		}
		break;
	case RT_EV_SPINNING:
		if (ev->a == 1)
			st->spinning_periods++;
		break;
	case RT_EV_RUNQPUTSLOW:
		st->runqputslow++;
		break;
	case RT_EV_GLOBRUNQGET:
		st->globrunqget++;
		break;
	case RT_EV_MPARK:
		st->mparks++;
		break;
	case RT_EV_VIOLATION:
		st->violations++;
		break;
	default:
		break;
	}
}

void tr_stats_init(struct tr_stats *st)
{
	memset(st, 0, sizeof *st);
	st->hash = TR_HASH_INIT;
}

void tr_stats_add(struct tr_stats *st, const struct rt_event *ev)
{
	tr_stats_add_inline(st, ev);
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
