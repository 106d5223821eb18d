/*
 * stats_add.h - tr_stats_add's body, inline: the trace hash and the
 * summary counters of one event.  The simulator folds every event it
 * emits (sim/engine.c, plat_trace), so it takes this inline rather than
 * through a call; everything else calls tr_stats_add (stats.c), which is
 * this function.  One definition: the hash's construction is described
 * in stats.c.
 */
#ifndef GSCHED_TRACES_STATS_ADD_H
#define GSCHED_TRACES_STATS_ADD_H

#include <string.h>

#include "tr.h"

#define TR_K1          UINT64_C(0x9e3779b97f4a7c15) /* odd: multiplication is a bijection */
#define TR_K2          UINT64_C(0xbf58476d1ce4e5b9)
#define TR_K3          UINT64_C(0x94d049bb133111eb)
#define TR_K4          UINT64_C(0xd6e8feb86659fd93)
#define TR_NULL_DETAIL UINT64_MAX /* stands for detail == NULL; no length is this big */

static inline uint64_t tr_fold(uint64_t h, uint64_t w)
{
	return (h ^ w) * TR_K1;
}

static inline uint64_t tr_rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t tr_load8_le(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t tr_load4_le(const char *p)
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
static inline uint64_t tr_fold_detail(uint64_t h, const char *detail)
{
	if (!detail)
		return tr_fold(h, TR_NULL_DETAIL);
	size_t n = strlen(detail);
	const char *p = detail;
	const unsigned char *u;
	uint64_t w = 0;

	h = tr_fold(h, n);
	for (; n > 8; n -= 8, p += 8)
		h = tr_fold(h, tr_load8_le(p));
	u = (const unsigned char *)p;
	if (n >= 4)
		w = tr_load4_le(p) << 32 | tr_load4_le(p + n - 4);
	else if (n > 0)
		w = (uint64_t)u[0] << 16 | (uint64_t)u[n >> 1] << 8 | u[n - 1];
	return tr_fold(h, w);
}

/* The kinds whose figures need more than a count (stats.c's
 * tr_stats_add_rare): a steal's size, a spinning event's direction. */
#define TR_RARE_KINDS (UINT64_C(1) << RT_EV_STEAL | UINT64_C(1) << RT_EV_SPINNING)
_Static_assert(RT_EV__COUNT < 64, "TR_RARE_KINDS is a 64-bit mask; slot 63 counts stray kinds");

/* The tally slot of a gstatus transition. */
#define TR_TALLY_GST(from, to) (TR_TALLY_GSTATUS + (from)*16 + (to))

/* The figures of the rare kinds (stats.c). */
void tr_stats_add_rare(struct tr_stats *st, const struct rt_event *ev);

static inline void tr_stats_add_inline(struct tr_stats *st, const struct rt_event *ev)
{
	/* Every field of the event is read once, into locals, before any
	 * store to *st: the compiler cannot know that the two do not
	 * overlap, and would otherwise read the event again after each
	 * counter it updates. */
	const int64_t t = ev->t_ns, g = ev->g, obj = ev->obj, a = ev->a, b = ev->b;
	const int32_t m = ev->m, p = ev->p;
	const uint32_t k = (uint32_t)ev->kind;
	const char *const detail = ev->detail;

	/* The event's digest: three lanes that do not depend on the running
	 * hash, so the CPU computes them while the previous event's step of
	 * the chain is still in flight. */
	uint64_t x = tr_fold(TR_K2, (uint64_t)t);
	uint64_t y = tr_fold(TR_K3, (uint64_t)(uint32_t)m | (uint64_t)(uint32_t)p << 32);
	uint64_t z = tr_fold_detail(TR_K4, detail);
	x = tr_fold(x, (uint64_t)g);
	y = tr_fold(y, (uint64_t)k);
	x = tr_fold(x, (uint64_t)obj);
	y = tr_fold(y, (uint64_t)a);
	x = tr_fold(x, (uint64_t)b);
	uint64_t e = x ^ tr_rotl(y, 21) ^ tr_rotl(z, 42);
	e ^= e >> 29;
	e *= TR_K2;
	e ^= e >> 32;
	/* The chain: one multiply per event. */
	uint64_t h = (st->hash ^ e) * TR_K1;
	h ^= h >> 32;

	/* The summary: one count per kind, or per transition for a gstatus
	 * event, in a slot chosen without a branch (the kinds follow no
	 * pattern a branch predictor learns); tr_stats_settle reads the
	 * figures off the tally.  A kind past the table (an event read from
	 * a damaged database) counts in slot 63, which no kind has; a
	 * gstatus event with a status past 15, as its kind.  What a count
	 * cannot give is kept as it goes: the end time, the largest M, and
	 * the most goroutines alive at once, which only a newproc raises,
	 * so that taking the maximum after every event gives the same
	 * figure.  The rare kinds take one well-predicted test. */
	uint64_t slot = k < 64 ? k : 63;
	if (k == RT_EV_GSTATUS && ((uint64_t)a | (uint64_t)b) < 16)
		slot = TR_TALLY_GST((uint64_t)a, (uint64_t)b);
	st->tally[slot]++;
	int64_t live =
	        (int64_t)(st->tally[RT_EV_NEWPROC] - st->tally[TR_TALLY_GST(_Grunning, _Gdead)]);
	int64_t end_ns = st->end_ns, max_ms = st->max_ms, max_live = st->max_live;
	st->hash = h;
	st->n_events++;
	st->end_ns = t > end_ns ? t : end_ns;
	st->max_ms = (int64_t)m + 1 > max_ms ? (int64_t)m + 1 : max_ms;
	st->max_live = live > max_live ? live : max_live;
	if (__builtin_expect(k < 64 && (TR_RARE_KINDS >> k & 1), 0))
		tr_stats_add_rare(st, ev);
}

#endif
