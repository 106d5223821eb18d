/*
 * noise.h - the simulator's noise model: what makes two runs of the same
 * program on a real machine differ, drawn from the run's seed.
 *
 * A real run varies because no operation costs the same twice, because
 * the OS takes a thread's core away now and then, because sleeps and
 * timed waits end late (timer slack), and because a thread woken from a
 * futex starts after a variable delay.  With none of that, a
 * discrete-event run at window 0 has nothing to vary but tie-breaks, and
 * a sweep of seeds explores one schedule.  This model draws each of them
 * from the noise stream of the seed (SIM_STREAM_NOISE): a run stays a
 * function of its seed, and its database replays it.  With the model off
 * (sim_config.noise_off, `--noise off`) every cost is sim/cost.h's
 * figure, exactly, as before the model existed.
 *
 * Every draw is integer arithmetic, so that every compiler and
 * optimisation level draws the same values (the determinism contract);
 * an "exponential" here is a geometric number of halvings plus a
 * uniform fraction, scaled to the exact mean: close enough in shape for
 * a noise source, and reproducible bit for bit.  The figures are in
 * cost.h (NOISE_*) and docs/simulator.md.
 */
#ifndef GSCHED_SIM_NOISE_H
#define GSCHED_SIM_NOISE_H

#include <stdbool.h>
#include <stdint.h>

struct sim_noise {
	bool on;
	bool os;                 /* the OS takes cores away (on, or the swarm strategy's draw) */
	int64_t os_gap, os_away; /* their means: cost.h's os-gap and os-away, or the swarm's draw */
	int64_t speed;           /* this run's machine: a spend takes ns * speed / 2^20 */
	uint64_t rng;            /* xorshift64* state, from the noise stream */
};

/* Start the model for a run of this seed (on: draw; off: every function
 * below returns the exact figure, and draws nothing), the OS taking a
 * core every os_gap ns of running for os_away ns (means; 0: never).  On,
 * it draws the run's machine speed (NOISE_RUN_SPEED_PPM) from a stream of
 * its own, so that the per-operation draws keep their sequence. */
void sim_noise_init(struct sim_noise *n, uint64_t seed, bool on, int64_t os_gap, int64_t os_away);

static inline uint64_t sim_noise_next(struct sim_noise *n)
{
	uint64_t x = n->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	n->rng = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* sim_noise_exp's draw for a mean of 2^40 ns or more (noise.c). */
int64_t sim_noise_exp_large(uint64_t k, uint64_t u, int64_t mean);

/* A draw of mean `mean` (>= 0), about exponentially distributed.  Inline:
 * every costed operation of a simulated run draws one. */
static inline int64_t sim_noise_exp(struct sim_noise *n, int64_t mean)
{
	if (mean <= 0)
		return 0;
	uint64_t r = sim_noise_next(n);
	/* Leading zeros of a uniform word: k with probability 2^-(k+1), mean
	 * 1; plus a uniform fraction u in [0,1): k + u has mean 1.5. */
	uint64_t k = (uint64_t)__builtin_clzll(r | 1);
	uint64_t u = r & 0xffff;
	/* k * 65536 + u < 2^23: under a mean of 2^40 the product fits in 64
	 * bits, and a 64-bit division by a constant is a multiply (the
	 * 128-bit one was most of a draw's time); the same value either way. */
	if (__builtin_expect(mean < (INT64_C(1) << 40), 1))
		return (int64_t)((k * 65536 + u) * (uint64_t)mean * 2 / (3 * 65536));
	return sim_noise_exp_large(k, u, mean);
}

/* The cost of one operation whose nominal cost is `cost`: half of it
 * fixed, half drawn (so the mean is cost, the spread right-skewed, as
 * cache misses and branch mispredictions make it).  Costs under 4 ns
 * (plain loads and stores) are charged as they are. */
static inline int64_t sim_noise_cost(struct sim_noise *n, int64_t cost)
{
	if (!n->on || cost < 4)
		return cost;
	int64_t c = cost - cost / 2 + sim_noise_exp(n, cost / 2);
	return c < 0 ? INT64_MAX : c; /* overflow: the engine's tadd saturates the clock */
}

/* The CPU time a workload's spend of ns takes: ns at the run's speed,
 * within +-NOISE_SPEND_PCT percent (the core's speed is not constant:
 * frequency, the cache, the other hyperthread). */
int64_t sim_noise_spend(struct sim_noise *n, int64_t ns);

/* The latency from a futex wake to the woken thread running. */
int64_t sim_noise_wake(struct sim_noise *n, int64_t base);

/* How late a timed sleep (usleep, a futex wait with a timeout) ends
 * after its deadline: the kernel's timer slack. */
int64_t sim_noise_slack(struct sim_noise *n);

/* The OS taking a running thread's core away: the virtual time until
 * it next happens, and for how long the thread is off its core (means
 * os_gap and os_away; never when os is false). */
int64_t sim_noise_os_gap(struct sim_noise *n);
int64_t sim_noise_os_away(struct sim_noise *n);

#endif
