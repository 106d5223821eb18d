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

#include "tr.h"

#define K1          UINT64_C(0x9e3779b97f4a7c15) /* odd: multiplication is a bijection */
#define K2          UINT64_C(0xbf58476d1ce4e5b9)
#define K3          UINT64_C(0x94d049bb133111eb)
#define K4          UINT64_C(0xd6e8feb86659fd93)
#define NULL_DETAIL UINT64_MAX /* stands for detail == NULL; no length is this big */

static inline uint64_t fold(uint64_t h, uint64_t w)
{
	return (h ^ w) * K1;
}

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t load8_le(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t load4_le(const char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap32(w);
#endif
	return w;
}

/* The length, then 8-byte little-endian words; the last 1..8 bytes are
 * read as two overlapping 4-byte words (or three single bytes when fewer
 * than 4), which given the length determine every byte, without a
 * byte-by-byte loop or a store-forwarding stall. */
static uint64_t fold_detail(uint64_t h, const char *detail)
{
	if (!detail)
		return fold(h, NULL_DETAIL);
	size_t n = strlen(detail);
	const char *p = detail;
	const unsigned char *u;
	uint64_t w = 0;

	h = fold(h, n);
	for (; n > 8; n -= 8, p += 8)
		h = fold(h, load8_le(p));
	u = (const unsigned char *)p;
	if (n >= 4)
		w = load4_le(p) << 32 | load4_le(p + n - 4);
	else if (n > 0)
		w = (uint64_t)u[0] << 16 | (uint64_t)u[n >> 1] << 8 | u[n - 1];
	return fold(h, w);
}

/* The kinds whose counters tr_stats_add leaves to add_rare. */
#define RARE_KINDS                                                                                 \
	(UINT64_C(1) << RT_EV_STEAL | UINT64_C(1) << RT_EV_SPINNING |                              \
	 UINT64_C(1) << RT_EV_RUNQPUTSLOW | UINT64_C(1) << RT_EV_GLOBRUNQGET |                     \
	 UINT64_C(1) << RT_EV_MPARK | UINT64_C(1) << RT_EV_VIOLATION)
_Static_assert(RT_EV__COUNT <= 64, "RARE_KINDS is a 64-bit mask of kinds");

static __attribute__((noinline)) void add_rare(struct tr_stats *st, const struct rt_event *ev)
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
	/* The event's digest: three lanes that do not depend on the running
	 * hash, so the CPU computes them while the previous event's step of
	 * the chain is still in flight. */
	uint64_t x = fold(K2, (uint64_t)ev->t_ns);
	uint64_t y = fold(K3, (uint64_t)(uint32_t)ev->m | (uint64_t)(uint32_t)ev->p << 32);
	uint64_t z = fold_detail(K4, ev->detail);
	x = fold(x, (uint64_t)ev->g);
	y = fold(y, (uint64_t)(uint32_t)ev->kind);
	x = fold(x, (uint64_t)ev->obj);
	y = fold(y, (uint64_t)ev->a);
	x = fold(x, (uint64_t)ev->b);
	uint64_t e = x ^ rotl(y, 21) ^ rotl(z, 42);
	e ^= e >> 29;
	e *= K2;
	e ^= e >> 32;
	/* The chain: one multiply per event. */
	uint64_t h = (st->hash ^ e) * K1;
	st->hash = h ^ h >> 32;

	/* The summary.  The common kinds (gstatus, runqput, newproc, runqget
	 * and goexit are nine events in ten) follow no pattern a branch
	 * predictor learns, so their counters are bumped by comparisons,
	 * without a branch; the kinds that count for something else are
	 * rare, and one well-predicted test of a mask sends them to the
	 * switch.  (A switch on every event mispredicted on two in three.)
	 * max_live only grows at a newproc, so taking the maximum at every
	 * event gives the same figure. */
	uint32_t k = (uint32_t)ev->kind;
	int64_t gstatus = k == RT_EV_GSTATUS;
	st->n_events++;
	st->end_ns = ev->t_ns > st->end_ns ? ev->t_ns : st->end_ns;
	st->max_ms = (int64_t)ev->m + 1 > st->max_ms ? (int64_t)ev->m + 1 : st->max_ms;
	st->g_created += k == RT_EV_NEWPROC;
	st->g_finished += gstatus & (ev->a == _Grunning) & (ev->b == _Gdead);
	st->ctx_switches += gstatus & (ev->a == _Grunnable) & (ev->b == _Grunning);
	int64_t live = st->g_created - st->g_finished;
	st->max_live = live > st->max_live ? live : st->max_live;
	if (__builtin_expect(k < 64 && (RARE_KINDS >> k & 1), 0))
		add_rare(st, ev);
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
