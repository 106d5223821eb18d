/*
 * noise.c - the noise model's draws (noise.h says what each stands for;
 * cost.h holds the figures, docs/simulator.md their sources).
 *
 * The stream is xorshift64* seeded from the run's noise stream, separate
 * from the strategy's, fastrand's and the workload's, so that turning the
 * model on or off moves no other stream's draws.  Draws happen in the
 * order the engine asks for them, which is a function of the program and
 * the seed: the model adds no nondeterminism, only variation across
 * seeds.
 *
 * Alternatives not taken: a normal or log-normal jitter (needs libm's
 * exp/log, whose last bits are not promised equal across libraries and
 * compilers - the trace hash would depend on the build).  A run's speed
 * factor alone would vary the total, not the interleaving (what a
 * fairness study samples), so it comes on top of the per-operation
 * draws, not instead of them.
 */
#include "noise.h"

#include "cost.h"
#include "sim.h"

/* x, saturated at SIM_TIME_MAX like every clock (the engine's tadd). */
static int64_t sat(unsigned __int128 x)
{
	return x > (unsigned __int128)SIM_TIME_MAX ? SIM_TIME_MAX : (int64_t)x;
}

void sim_noise_init(struct sim_noise *n, uint64_t seed, bool on, int64_t os_gap, int64_t os_away)
{
	n->on = on;
	n->os = on && os_away > 0;
	n->os_gap = os_gap;
	n->os_away = os_away;
	n->rng = sim_stream_seed(seed, SIM_STREAM_NOISE, 0) | 1; /* xorshift: never 0 */
	n->speed = INT64_C(1) << 20;
	if (on) {
		/* The machine a process gets differs from run to run (where its
		 * memory lands, the host's other guests, the core's clock):
		 * Laplace-shaped, mean deviation NOISE_RUN_SPEED_PPM. */
		struct sim_noise run = {.rng = sim_stream_seed(seed, SIM_STREAM_NOISE, 1) | 1};
		int64_t mean = ((int64_t)NOISE_RUN_SPEED_PPM << 20) / 1000000;
		int64_t dev = sim_noise_exp(&run, mean);
		if (dev > (INT64_C(1) << 19))
			dev = INT64_C(1) << 19; /* at most 1.5x or 0.5x: a tail cut, not a fit */
		n->speed += (sim_noise_next(&run) & 1) ? dev : -dev;
	}
}

int64_t sim_noise_exp_large(uint64_t k, uint64_t u, int64_t mean)
{
	unsigned __int128 x = (unsigned __int128)(k * 65536 + u) * (uint64_t)mean * 2;
	return sat(x / (3 * 65536));
}

int64_t sim_noise_spend(struct sim_noise *n, int64_t ns)
{
	if (!n->on || ns <= 0)
		return ns;
	/* uniform in [-NOISE_SPEND_PCT, +NOISE_SPEND_PCT] percent, in 1/1024ths */
	int64_t span = 2 * NOISE_SPEND_PCT * 1024 / 100;
	int64_t f = 1024 - span / 2 + (int64_t)(sim_noise_next(n) % (uint64_t)(span + 1));
	unsigned __int128 x = (unsigned __int128)(uint64_t)ns * (uint64_t)f * (uint64_t)n->speed;
	return sat(x >> 30);
}

int64_t sim_noise_wake(struct sim_noise *n, int64_t base)
{
	if (!n->on)
		return base;
	/* a floor (the IPI and the context switch), the rest drawn */
	return base * NOISE_WAKE_FLOOR_PCT / 100 +
	       sim_noise_exp(n, base * (100 - NOISE_WAKE_FLOOR_PCT) / 100);
}

int64_t sim_noise_slack(struct sim_noise *n)
{
	if (!n->on)
		return 0;
	return NOISE_TIMER_SLACK_MIN +
	       (int64_t)(sim_noise_next(n) % (uint64_t)(NOISE_TIMER_SLACK + 1));
}

int64_t sim_noise_os_gap(struct sim_noise *n)
{
	if (!n->os)
		return SIM_TIME_MAX;
	return 1 + sim_noise_exp(n, n->os_gap);
}

int64_t sim_noise_os_away(struct sim_noise *n)
{
	if (!n->os)
		return 0;
	return sim_noise_exp(n, n->os_away);
}
