/*
 * interp.c - running a compiled scenario: the goroutine bodies and the
 * workload PRNG.
 *
 * Every goroutine of a run executes body_fn with a pointer into the
 * run's own table (struct sc_run.bodies), so spawning allocates nothing:
 * gs_go(body_fn, &run->bodies[i]).  The interpreter walks the op array
 * of sc_internal.h with a program counter and a loop stack of at most
 * SC_MAX_DEPTH counters (64 bytes): goroutine stacks are small, so there
 * is no recursion and no big local.  Nothing here mallocs, and no cJSON
 * is left at run time.
 *
 * The workload PRNG is splitmix64 used as a counter generator: draw k is
 * mix(seed + k * gamma).  Its one word of state advances with an atomic
 * add, so goroutines on real threads (native backend) may draw
 * concurrently without a lock, and in the simulator, where one thread
 * runs at a time in an order fixed by the seed, the draws come in
 * execution order and are the same on every run.  Distributions use
 * integer arithmetic only (no libm, no floating point whose rounding or
 * fused multiply-adds could differ between compilers and machines), so
 * the determinism contract holds for workloads too:
 *   uniform  lo + floor(u * span / 2^64)             (bias < span / 2^64)
 *   exp      mean * -ln(u / 2^64), ln by a 32-bit fixed-point log2
 *   normal   mean + stddev * (sum of 12 uniforms - 6): the Irwin-Hall
 *            approximation, tails cut at 6 sigma; clamped at 0
 * Every draw is clamped to 0..SC_MAX_NS.
 */
#include <stdlib.h>

#include "gs.h"
#include "sc_internal.h"

/* What a goroutine's arg points at: its run and its first op. */
struct body {
	struct sc_run *run;
	uint32_t start;
};

struct sc_run {
	const struct sc_scenario *sc;
	uint64_t rng;         /* splitmix64 counter; atomic */
	int64_t live;         /* atomic; see sc_run_live */
	int64_t created;      /* atomic */
	struct body bodies[]; /* one per body of sc */
};

#define GAMMA   0x9e3779b97f4a7c15ULL
#define LN2_Q64 0xb17217f7d1cf79abULL /* ln 2 * 2^64 */

static uint64_t next64(struct sc_run *r)
{
	uint64_t z = __atomic_add_fetch(&r->rng, GAMMA, __ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* -ln(u / 2^64) in Q32.32, for u >= 1: log2 bit by bit (square the
 * mantissa; each time it reaches 2, that fractional bit is 1), then times
 * ln 2.  Truncation error below 2^-31. */
static uint64_t neg_ln(uint64_t u)
{
	int lz = __builtin_clzll(u);
	uint64_t m = u << lz; /* m / 2^63 in [1, 2) */
	uint64_t frac = 0;    /* log2(m / 2^63) in Q0.32 */
	for (int i = 0; i < 32; i++) {
		unsigned __int128 p = (unsigned __int128)m * m; /* Q2.126 */
		frac <<= 1;
		if (p >> 127) {
			frac |= 1;
			m = (uint64_t)(p >> 64);
		} else {
			m = (uint64_t)(p >> 63);
		}
	}
	/* log2(u / 2^64) = (63 - lz) + frac - 64 */
	uint64_t nl2 = ((uint64_t)(lz + 1) << 32) - frac;
	return (uint64_t)(((unsigned __int128)nl2 * LN2_Q64) >> 64);
}

static int64_t clamp_ns(__int128 v)
{
	return v < 0 ? 0 : v > SC_MAX_NS ? SC_MAX_NS : (int64_t)v;
}

static int64_t draw(struct sc_run *r, const struct sc_op *op)
{
	switch (op->dist) {
	case SC_DIST_UNIFORM:
		return op->x + (int64_t)(((unsigned __int128)next64(r) * (uint64_t)op->y) >> 64);
	case SC_DIST_EXP: {
		uint64_t u = next64(r);
		unsigned __int128 v = (unsigned __int128)op->x * neg_ln(u ? u : 1);
		return clamp_ns((__int128)((v + (1u << 31)) >> 32));
	}
	case SC_DIST_NORMAL: {
		int64_t z = -(INT64_C(6) << 32); /* Q32.32 */
		for (int i = 0; i < 6; i++) {
			uint64_t u = next64(r);
			z += (int64_t)(u >> 32) + (int64_t)(u & 0xffffffffu);
		}
		__int128 d = (__int128)op->y * z + ((__int128)1 << 31);
		return clamp_ns(op->x + (d >> 32));
	}
	default:
		return op->x;
	}
}

static void body_fn(void *arg);

/* Run the ops from pc until an exit (every body ends with one). */
static void exec(struct sc_run *r, uint32_t pc)
{
	const struct sc_op *ops = r->sc->ops;
	uint32_t left[SC_MAX_DEPTH]; /* iterations still to start, per open repeat */
	int depth = 0;
	for (;;) {
		const struct sc_op *op = &ops[pc];
		switch (op->kind) {
		case SC_OP_SPAWN:
			for (int64_t i = 0; i < op->x; i++) {
				__atomic_add_fetch(&r->live, 1, __ATOMIC_RELAXED);
				__atomic_add_fetch(&r->created, 1, __ATOMIC_RELAXED);
				gs_go(body_fn, &r->bodies[op->a]);
			}
			pc++;
			break;
		case SC_OP_SPEND:
			gs_spend(draw(r, op));
			pc++;
			break;
		case SC_OP_GOSCHED:
			gs_gosched();
			pc++;
			break;
		case SC_OP_REPEAT:
			if (op->x == 0) {
				pc = op->a + 1;
			} else {
				left[depth++] = (uint32_t)op->x - 1;
				pc++;
			}
			break;
		case SC_OP_END:
			if (left[depth - 1] > 0) {
				left[depth - 1]--;
				pc = op->a + 1;
			} else {
				depth--;
				pc++;
			}
			break;
		case SC_OP_EXIT:
			return;
		default:
			abort(); /* sc_parse emits no other kind */
		}
	}
}

/* Every goroutine of the run, main included, runs this. */
static void body_fn(void *arg)
{
	struct body *b = arg;
	exec(b->run, b->start);
	__atomic_sub_fetch(&b->run->live, 1, __ATOMIC_RELEASE);
}

struct sc_run *sc_run_new(const struct sc_scenario *sc, uint64_t workload_seed)
{
	struct sc_run *r = malloc(sizeof *r + sc->nbodies * sizeof r->bodies[0]);
	if (!r)
		return NULL;
	r->sc = sc;
	r->rng = workload_seed;
	r->live = 1; /* main, from now until sc_main returns */
	r->created = 1;
	for (uint32_t i = 0; i < sc->nbodies; i++)
		r->bodies[i] = (struct body){.run = r, .start = sc->body_start[i]};
	return r;
}

void sc_run_free(struct sc_run *r)
{
	free(r);
}

void sc_main(void *run)
{
	struct sc_run *r = run;
	body_fn(&r->bodies[r->sc->main]);
}

int64_t sc_run_live(const struct sc_run *r)
{
	return __atomic_load_n(&r->live, __ATOMIC_ACQUIRE);
}

int64_t sc_run_created(const struct sc_run *r)
{
	return __atomic_load_n(&r->created, __ATOMIC_RELAXED);
}
