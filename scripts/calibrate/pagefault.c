/*
 * pagefault.c - what a first touch of fresh anonymous memory costs on
 * this host (scripts/calibrate/host): map N pages, write one byte to
 * each, time the loop with the monotonic clock and count the minor
 * faults it took (getrusage), then touch them again (no fault) for
 * comparison.  Prints, per repetition, "pagefault FIRST_NS SECOND_NS
 * FAULTS" (ns per page).
 *
 * Usage: pagefault [PAGES [REPETITIONS]]   (default 2000 5)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static long count(const char *arg, long def)
{
	if (!arg)
		return def;
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end != 0 || v < 1 || v > 1000000) {
		fprintf(stderr, "pagefault: expected a count 1..1000000 (got '%s')\n", arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long pages = count(argc > 1 ? argv[1] : NULL, 2000);
	long reps = count(argc > 2 ? argv[2] : NULL, 5);
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	for (long r = 0; r < reps; r++) {
		size_t len = (size_t)pages * ps;
		volatile char *p =
		        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("pagefault: mmap");
			return 1;
		}
		struct rusage a, b;
		getrusage(RUSAGE_SELF, &a);
		double t0 = now_ns();
		for (long i = 0; i < pages; i++)
			p[(size_t)i * ps] = 1;
		double t1 = now_ns();
		getrusage(RUSAGE_SELF, &b);
		for (long i = 0; i < pages; i++)
			p[(size_t)i * ps] = 2;
		double t2 = now_ns();
		printf("pagefault %.0f %.0f %ld\n", (t1 - t0) / (double)pages,
		       (t2 - t1) / (double)pages, b.ru_minflt - a.ru_minflt);
		munmap((void *)p, len);
	}
	return 0;
}
