/*
 * interp.c - running a compiled scenario: the goroutine bodies and the
 * workload PRNG.
 *
 * Every goroutine of a run executes body_fn.  A body without params gets
 * a pointer into the run's own table (struct sc_run.bodies), so spawning
 * it allocates nothing: gs_go(body_fn, &run->bodies[i]).  A body with
 * params gets a frame holding its argument values, bump-allocated from
 * the run's arena (freed with the run, so a goroutine that never ran
 * leaks nothing); the goroutine copies them to its stack.  The
 * interpreter walks the op array of sc_internal.h with a program counter
 * and a loop stack of at most SC_MAX_DEPTH counters (128 bytes); a
 * select builds its case array (SC_MAX_CASES, 384 bytes) on the stack.
 * Goroutine stacks are small, so there is no recursion over ops and no
 * big local; expressions recurse at most SC_MAX_EXPR_DEPTH deep.
 *
 * Channels, mutexes and wait groups are the run's: gs_chan_make must be
 * called from a goroutine, so sc_main creates the channels before main's
 * body runs; mutexes and wait groups are zeroed memory.  sc_run_free
 * frees them after the run (no goroutine uses them any more).
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
 *
 * Control ops (repeat, end, if, jump) call nothing in the runtime, so
 * they are no yield point: a loop made of them alone (an empty repeat of
 * 10^7 inside another) would run 10^14 iterations that no step or time
 * limit sees.  So the interpreter counts the control ops a goroutine
 * runs in a row, and every CONTROL_RUN of them it spends CONTROL_RUN *
 * CONTROL_NS of CPU (gs_spend): a yield point that counts towards
 * --max-steps, advances virtual time towards --max-time, and lets the
 * scheduler preempt the goroutine, as Go preempts a loop without calls.
 * Any other op resets the count.  A body that calls the runtime at least
 * once every CONTROL_RUN control ops (every bundled scenario) is charged
 * nothing, so its trace is what it was; the cost of the count is one
 * increment and compare per op.
 * Rejected: charging every control op (changes every trace and costs a
 * yield point per loop iteration); bounding nested counts in the loader
 * (counts are expressions of arguments, and a bound low enough to stop
 * a hang would refuse legitimate long loops).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "gs.h"
#include "sc_internal.h"

/* What a goroutine's arg points at: its run, its body and, for a body
 * with params, their values. */
struct body {
	struct sc_run *run;
	uint32_t start;
	uint32_t index;
	int64_t args[];
};

#define ARENA_CHUNK 65536

struct chunk {
	struct chunk *next;
	size_t used;
	_Alignas(16) char mem[ARENA_CHUNK];
};

struct sc_run {
	const struct sc_scenario *sc;
	/* Shared by every goroutine of the run: gs_shared_add. */
	uint64_t rng;  /* splitmix64 counter */
	uint64_t live; /* see sc_run_live */
	uint64_t created;
	int arena_lock; /* spin lock (atomic) over chunks: native Ms may spawn at once */
	struct chunk *chunks;
	struct gs_chan **chans;
	struct gs_mutex *mutexes;
	struct gs_waitgroup *wgs;
	struct body *bodies[]; /* one per body of sc (params: only a template) */
};

#define CONTROL_RUN 1024 /* control ops in a row before the interpreter spends */
#define CONTROL_NS  1    /* virtual ns charged per control op in such a run */

#define GAMMA   0x9e3779b97f4a7c15ULL
#define LN2_Q64 0xb17217f7d1cf79abULL /* ln 2 * 2^64 */

static uint64_t next64(struct sc_run *r)
{
	uint64_t z = gs_shared_add(&r->rng, (int64_t)GAMMA);
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

int64_t sc_eval(const struct sc_scenario *sc, uint32_t e, const int64_t *args)
{
	const struct sc_expr *x = &sc->exprs[e];
	int64_t a, b, r;
	switch (x->kind) {
	case SC_X_LIT:
		return x->v;
	case SC_X_ARG:
		return args[x->v];
	default:
		break;
	}
	a = sc_eval_inline(sc, x->l, args);
	b = sc_eval_inline(sc, x->r, args);
	bool ovf = x->kind == SC_X_ADD   ? __builtin_add_overflow(a, b, &r)
	           : x->kind == SC_X_SUB ? __builtin_sub_overflow(a, b, &r)
	                                 : __builtin_mul_overflow(a, b, &r);
	if (ovf) /* saturate: deterministic, and no undefined behaviour */
		r = (x->kind == SC_X_MUL   ? (a < 0) != (b < 0)
		     : x->kind == SC_X_ADD ? a < 0
		                           : a < b)
		            ? INT64_MIN
		            : INT64_MAX;
	return r;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int64_t duration(struct sc_run *r, const struct sc_op *op, const int64_t *args)
{
	if (op->dist == SC_DIST_FIXED && op->e)
		return clamp(sc_eval_inline(r->sc, op->e, args), 0, SC_MAX_NS);
	return draw(r, op);
}

/* An if op's condition under the goroutine's arguments (the loader's
 * walk evaluates conditions with this too). */
bool sc_cond_true(const struct sc_scenario *sc, const struct sc_op *op, const int64_t *args)
{
	int64_t x = sc_val(sc, op->x, op->e, args), y = sc_val(sc, op->y, op->f, args);
	switch (op->dist) {
	case SC_EQ:
		return x == y;
	case SC_NE:
		return x != y;
	case SC_LT:
		return x < y;
	case SC_LE:
		return x <= y;
	case SC_GT:
		return x > y;
	default:
		return x >= y;
	}
}

static void arena_lock(struct sc_run *r)
{
	while (__atomic_exchange_n(&r->arena_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void arena_unlock(struct sc_run *r)
{
	__atomic_store_n(&r->arena_lock, 0, __ATOMIC_RELEASE);
}

/* size bytes (a multiple of 8, at most ARENA_CHUNK) from the run's
 * arena.  A new chunk is allocated outside the lock: out of memory ends
 * the program (gs_alloc), and must not leave the lock held. */
static void *arena_alloc(struct sc_run *r, size_t size)
{
	arena_lock(r);
	struct chunk *c = r->chunks;
	if (!c || c->used + size > ARENA_CHUNK) {
		arena_unlock(r);
		c = gs_alloc("a goroutine's arguments", sizeof *c);
		arena_lock(r);
		c->next = r->chunks;
		r->chunks = c;
	}
	void *p = c->mem + c->used;
	c->used += size;
	arena_unlock(r);
	return p;
}

static void body_fn(void *arg);

/* Returns how many goroutines it created. */
static int64_t spawn(struct sc_run *r, const struct sc_op *op, const int64_t *args)
{
	const struct sc_scenario *sc = r->sc;
	int64_t n = clamp(sc_val(sc, op->x, op->e, args), 0, SC_MAX_COUNT);
	uint8_t np = sc->nparams[op->a];
	for (int64_t i = 0; i < n; i++) {
		struct body *b = r->bodies[op->a];
		if (np) {
			b = arena_alloc(r, sizeof *b + np * sizeof b->args[0]);
			*b = (struct body){
			        .run = r, .start = sc->body_start[op->a], .index = op->a};
			for (uint8_t k = 0; k < np; k++)
				b->args[k] = sc_val(sc, sc->spawn_args[op->b + k].x,
				                    sc->spawn_args[op->b + k].e, args);
		}
		gs_shared_add(&r->live, 1);
		gs_shared_add(&r->created, 1);
		if (op->label)
			gs_go_labelled(body_fn, b, op->label);
		else
			gs_go(body_fn, b);
	}
	return n;
}

/* Run the ops from pc until an exit (every body ends with one). */
static void exec(struct sc_run *r, uint32_t pc, const int64_t *args)
{
	const struct sc_scenario *sc = r->sc;
	const struct sc_op *ops = sc->ops;
	int64_t left[SC_MAX_DEPTH]; /* iterations still to start, per open repeat */
	int depth = 0;
	int control = 0; /* ops run since the last yield point (see the top of the file) */
	for (;;) {
		const struct sc_op *op = &ops[pc];
		int64_t d;
		if (++control == CONTROL_RUN) {
			control = 0;
			gs_spend((int64_t)CONTROL_RUN * CONTROL_NS);
		}
		switch (op->kind) {
		case SC_OP_SPAWN:
			if (spawn(r, op, args))
				control = 0;
			pc++;
			break;
		case SC_OP_SPEND: /* 0 ns and 0 counts return at once: no yield point */
			if ((d = duration(r, op, args)) > 0)
				control = 0;
			gs_spend(d);
			pc++;
			break;
		case SC_OP_SLEEP:
			if ((d = duration(r, op, args)) > 0)
				control = 0;
			gs_sleep(d);
			pc++;
			break;
		case SC_OP_SYSCALL:
			gs_syscall(duration(r, op, args));
			control = 0;
			pc++;
			break;
		case SC_OP_SYSBLOCK:
			gs_syscall_block(duration(r, op, args));
			control = 0;
			pc++;
			break;
		case SC_OP_IOWAIT:
			if ((d = duration(r, op, args)) > 0)
				control = 0;
			gs_iowait(d);
			pc++;
			break;
		case SC_OP_GOSCHED:
			gs_gosched();
			control = 0;
			pc++;
			break;
		case SC_OP_REPEAT: {
			int64_t n = clamp(sc_val(sc, op->x, op->e, args), 0, SC_MAX_COUNT);
			if (n == 0) {
				pc = op->a + 1;
			} else {
				left[depth++] = n - 1;
				pc++;
			}
			break;
		}
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
		case SC_OP_IF:
			pc = sc_cond_true(sc, op, args) ? pc + 1 : op->a;
			break;
		case SC_OP_JUMP:
			pc = op->a;
			break;
		case SC_OP_SEND:
			gs_chan_send(r->chans[op->a], sc_val(sc, op->x, op->e, args));
			control = 0;
			pc++;
			break;
		case SC_OP_RECV: {
			int64_t v;
			gs_chan_recv(r->chans[op->a], &v);
			control = 0;
			pc++;
			break;
		}
		case SC_OP_CLOSE:
			gs_chan_close(r->chans[op->a]);
			control = 0;
			pc++;
			break;
		case SC_OP_SELECT: {
			struct gs_case cases[SC_MAX_CASES];
			int n = (int)op->x;
			for (int k = 0; k < n; k++) {
				const struct sc_op *c = &ops[op->b + (uint32_t)k];
				cases[k] = (struct gs_case){
				        .c = r->chans[c->y],
				        .dir = c->dist == 1 ? GS_SEND : GS_RECV,
				        .value = c->dist == 1 ? sc_val(sc, c->x, c->e, args) : 0,
				};
			}
			int k = gs_select(cases, n, !op->y);
			if (k >= 0 || !op->y) /* a default taken may have run no yield point */
				control = 0;
			if (k >= 0)
				pc = ops[op->b + (uint32_t)k].a;
			else
				pc = n ? ops[op->b + (uint32_t)n - 1].b + 1 : op->b;
			break;
		}
		case SC_OP_LOCK:
			gs_mutex_lock(&r->mutexes[op->a]);
			control = 0;
			pc++;
			break;
		case SC_OP_UNLOCK:
			gs_mutex_unlock(&r->mutexes[op->a]);
			control = 0;
			pc++;
			break;
		case SC_OP_ADD:
			gs_wg_add(&r->wgs[op->a], sc_val(sc, op->x, op->e, args));
			control = 0;
			pc++;
			break;
		case SC_OP_DONE:
			gs_wg_done(&r->wgs[op->a]);
			control = 0;
			pc++;
			break;
		case SC_OP_WAIT:
			gs_wg_wait(&r->wgs[op->a]);
			control = 0;
			pc++;
			break;
		case SC_OP_GOMAXPROCS:
			gs_gomaxprocs((int32_t)clamp(sc_val(sc, op->x, op->e, args), 1,
			                             SC_MAX_GOMAXPROCS));
			control = 0;
			pc++;
			break;
		default:
			abort(); /* sc_parse emits no other kind */
		}
	}
}

/* Every goroutine of the run, main included, runs this. */
static void body_fn(void *arg)
{
	struct body *b = arg;
	struct sc_run *r = b->run;
	int64_t args[SC_MAX_ARGS];
	uint8_t np = r->sc->nparams[b->index];
	for (uint8_t k = 0; k < np; k++)
		args[k] = b->args[k];
	exec(r, b->start, args);
	gs_shared_add(&r->live, -1); /* publishes the run's work to sc_run_live */
}

struct sc_run *sc_run_new(const struct sc_scenario *sc, uint64_t workload_seed)
{
	struct sc_run *r = calloc(1, sizeof *r + sc->nbodies * sizeof r->bodies[0]);
	if (!r)
		return NULL;
	r->sc = sc;
	r->rng = workload_seed;
	r->live = 1; /* main, from now until sc_main returns */
	r->created = 1;
	r->chans = calloc(sc->nchans + 1, sizeof *r->chans);
	r->mutexes = calloc(sc->nmutexes + 1, sizeof *r->mutexes);
	r->wgs = calloc(sc->nwgs + 1, sizeof *r->wgs);
	if (!r->chans || !r->mutexes || !r->wgs)
		goto fail;
	for (uint32_t i = 0; i < sc->nbodies; i++) {
		/* the template: what a param-less spawn passes; main's defaults */
		uint8_t np = sc->nparams[i];
		struct body *b = malloc(sizeof *b + np * sizeof b->args[0]);
		if (!b)
			goto fail;
		*b = (struct body){.run = r, .start = sc->body_start[i], .index = i};
		for (uint8_t k = 0; k < np; k++)
			b->args[k] = sc->param_default[i][k];
		r->bodies[i] = b;
	}
	return r;
fail:
	sc_run_free(r);
	return NULL;
}

void sc_run_free(struct sc_run *r)
{
	if (!r)
		return;
	const struct sc_scenario *sc = r->sc;
	if (r->chans)
		for (uint32_t i = 0; i < sc->nchans; i++)
			if (r->chans[i])
				gs_chan_free(r->chans[i]);
	if (r->mutexes)
		for (uint32_t i = 0; i < sc->nmutexes; i++)
			gs_mutex_destroy(&r->mutexes[i]);
	if (r->wgs)
		for (uint32_t i = 0; i < sc->nwgs; i++)
			gs_wg_destroy(&r->wgs[i]);
	free(r->chans);
	free(r->mutexes);
	free(r->wgs);
	for (uint32_t i = 0; i < sc->nbodies; i++)
		free(r->bodies[i]);
	while (r->chunks) {
		struct chunk *c = r->chunks;
		r->chunks = c->next;
		gs_free(c, sizeof *c);
	}
	free(r);
}

void sc_main(void *run)
{
	struct sc_run *r = run;
	for (uint32_t i = 0; i < r->sc->nchans; i++)
		r->chans[i] = gs_chan_make(r->sc->chan_cap[i]);
	body_fn(r->bodies[r->sc->main]);
}

int64_t sc_run_live(const struct sc_run *r)
{
	return (int64_t)__atomic_load_n(&r->live, __ATOMIC_ACQUIRE);
}

int64_t sc_run_created(const struct sc_run *r)
{
	return (int64_t)__atomic_load_n(&r->created, __ATOMIC_RELAXED);
}
