/*
 * bench.c - the command line, clock, RSS and report of the C benchmark
 * programs (bench.h).  Uses gs.h's gs_main and the C library only.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "gs.h"

static _Noreturn void usage(const char *prog, const char *why, const char *what)
{
	fprintf(stderr, "%s: %s '%s'\nusage: %s [-n N] [-procs P] [-work NS]\n", prog, why, what,
	        prog);
	exit(2);
}

/* A non-negative integer that fits max, or a usage error. */
static int64_t number(const char *prog, const char *flag, const char *v, int64_t max)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (*v == 0 || *end != 0 || errno != 0 || x < 0 || x > max) {
		char what[128];
		snprintf(what, sizeof what, "%s %s", flag, v);
		usage(prog, "expected a non-negative integer in range:", what);
	}
	return x;
}

void bench_parse(int argc, char **argv, struct bench_args *a)
{
	const char *prog = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		if (f[0] == '-' && f[1] == '-')
			f++; /* --n is -n, as Go's flag package has it */
		if (strcmp(f, "-n") != 0 && strcmp(f, "-procs") != 0 && strcmp(f, "-work") != 0)
			usage(prog, "unknown option", argv[i]);
		if (i + 1 == argc)
			usage(prog, "missing value after", argv[i]);
		const char *v = argv[++i];
		int64_t x;
		if (strcmp(f, "-n") == 0 && (x = number(prog, f, v, INT32_MAX)) != 0)
			a->n = x;
		else if (strcmp(f, "-procs") == 0 && (x = number(prog, f, v, 1024)) != 0)
			a->procs = (int32_t)x;
		else if (strcmp(f, "-work") == 0 && (x = number(prog, f, v, INT64_MAX)) != 0)
			a->work = x;
	}
}

int32_t bench_ncpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int32_t)n : 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The workload's clock: written by the program's main goroutine, read
 * after gs_main has returned (the backend joined every thread). */
static int64_t mark_start = -1, mark_stop = -1;

void bench_start(void)
{
	mark_start = now_ns();
}

void bench_stop(void)
{
	mark_stop = now_ns();
}

int64_t bench_run(int32_t procs, void (*fn)(void *), void *arg)
{
	int64_t t0 = now_ns();
	int rc = gs_main(procs, fn, arg);
	int64_t t = now_ns() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench: the program ended with status %d\n", rc);
		exit(rc);
	}
	if (mark_start >= 0 && mark_stop >= mark_start)
		t = mark_stop - mark_start;
	return t;
}

int64_t bench_rss(void)
{
	long long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL || fscanf(f, "%lld %lld", &size, &resident) != 2) {
		fprintf(stderr, "bench: cannot read /proc/self/statm\n");
		exit(1);
	}
	fclose(f);
	return (int64_t)resident * sysconf(_SC_PAGESIZE);
}

void bench_report(const char *name, double value, const char *unit)
{
	printf("%s %.2f %s\n", name, value, unit);
}

void bench_metric(const char *workload, const char *metric, double value, const char *unit)
{
	printf("%s.%s %.6g %s\n", workload, metric, value, unit);
}
