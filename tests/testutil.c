/*
 * testutil.c - shared test helpers (testutil.h).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "runtime.h"
#include "testutil.h"

static void mem_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct memsink *m = (struct memsink *)s;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 4096;
		m->ev = realloc(m->ev, m->cap * sizeof *m->ev);
		ck_assert_ptr_nonnull(m->ev);
	}
	m->ev[m->n++] = *ev;
}

void memsink_init(struct memsink *m)
{
	memset(m, 0, sizeof *m);
	m->base.event = mem_event;
}

void memsink_free(struct memsink *m)
{
	free(m->ev);
	memset(m, 0, sizeof *m);
}

int run_gsched(char *out, size_t outlen, const char *args)
{
	char cmd[2400];
	snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", GSCHED_BINARY, args);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(out, 1, outlen - 1, f);
	out[n] = 0;
	char sink[4096]; /* drain the rest: a closed pipe would kill gsched */
	while (fread(sink, 1, sizeof sink, f) > 0)
		;
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int run_gschedf(char *out, size_t outlen, const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return run_gsched(out, outlen, args);
}

void test_mkdtemp(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/tmp/gsched-%s-XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void test_rmtree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

void test_dbdir_open(struct test_dbdir *d, const char *tag)
{
	test_mkdtemp(d->dir, sizeof d->dir, tag);
	snprintf(d->db, sizeof d->db, "%s/t.db", d->dir);
}

void test_dbdir_close(const struct test_dbdir *d)
{
	test_rmtree(d->dir);
}

void test_p_init(struct p *pp)
{
	rt_config_default(&rt_cfg);
	pp->runqcap = RT_RUNQ_SIZE;
	pp->runq = calloc(RT_RUNQ_SIZE, sizeof *pp->runq);
	pp->runqbatch = calloc(RT_RUNQ_SIZE + 1, sizeof *pp->runqbatch);
	ck_assert_ptr_nonnull(pp->runq);
	ck_assert_ptr_nonnull(pp->runqbatch);
}

void test_p_fini(struct p *pp)
{
	free(pp->runq);
	free(pp->runqbatch);
	pp->runq = pp->runqbatch = NULL;
}

struct p *test_newp(void)
{
	struct p *pp = calloc(1, sizeof *pp);
	ck_assert_ptr_nonnull(pp);
	test_p_init(pp);
	return pp;
}

void test_freep(struct p *pp)
{
	test_p_fini(pp);
	free(pp);
}

char *test_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}
