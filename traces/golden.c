/*
 * golden.c - the canonical text rendering of a run (golden traces,
 * `gsched show`) and its parser; comparing two traces and printing where
 * they diverge; the metrics that bless and diff report.
 *
 * The rendering (docs/golden.md): a header of "key: value" lines in a
 * fixed order, then one line per event, "seq t_ns m p g kind obj a b
 * detail", the kind by name and the detail as "-" (none) or a C-style
 * quoted string.  Invariants:
 *  - tr_golden_parse(tr_golden_write(h, t)) gives back h and t exactly
 *    (the build and run id excepted: a golden never holds them, so a
 *    rebuilt gsched does not change a golden).
 *  - One line per event, nothing that depends on the host: a changed
 *    scheduler shows up in `git diff` as the changed event lines.
 *  - The parser never trusts its input: every malformed line is
 *    "FILE:LINE: expected ..." and return value 2.
 *
 * Rejected: a binary or SQLite golden (not reviewable in git) and JSON
 * lines (three times the bytes per event for no reader's benefit).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tr.h"

#define CONTEXT 3 /* events shown before and after a divergence */

/* ---- rendering ---- */

static size_t put_quoted(char *buf, size_t len, const char *s)
{
	size_t k = 0;
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (k + 1 < len)                                                                   \
			buf[k] = (c);                                                              \
		k++;                                                                               \
	} while (0)
	PUT('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			PUT('\\');
			PUT((char)*p);
		} else if (*p < 0x20 || *p >= 0x7f) {
			static const char hex[] = "0123456789abcdef";
			PUT('\\');
			PUT('x');
			PUT(hex[*p >> 4]);
			PUT(hex[*p & 15]);
		} else {
			PUT((char)*p);
		}
	}
	PUT('"');
#undef PUT
	if (len)
		buf[k < len ? k : len - 1] = 0;
	return k;
}

static void kind_name(char *buf, size_t len, int32_t kind)
{
	if (kind >= 0 && kind < RT_EV__COUNT && rt_evkind_name[kind])
		snprintf(buf, len, "%s", rt_evkind_name[kind]);
	else
		snprintf(buf, len, "kind_%" PRId32, kind);
}

void tr_event_render(char *buf, size_t len, uint64_t seq, const struct rt_event *ev)
{
	char kind[32];
	kind_name(kind, sizeof kind, ev->kind);
	int n = snprintf(buf, len,
	                 "%" PRIu64 " %" PRId64 " %" PRId32 " %" PRId32 " %" PRId64 " %s %" PRId64
	                 " %" PRId64 " %" PRId64 " ",
	                 seq, ev->t_ns, ev->m, ev->p, ev->g, kind, ev->obj, ev->a, ev->b);
	if (n < 0 || (size_t)n >= len)
		return;
	if (ev->detail)
		put_quoted(buf + n, len - (size_t)n, ev->detail);
	else
		snprintf(buf + n, len - (size_t)n, "-");
}

static void fmt_limit(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%" PRId64, v);
}

/* A header value on one line: newlines and tabs (JSON whitespace outside
 * strings; never valid inside one) become spaces. */
static void put_line_value(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s, f);
	fputc('\n', f);
}

int tr_golden_write(FILE *f, const struct tr_header *h, const struct tr_trace *t)
{
	char a[64], b[64], line[4096];
	struct tr_metrics m;

	tr_metrics_compute(t, &m);
	fprintf(f, "gsched-golden %d\n", TR_GOLDEN_VERSION);
	fprintf(f, "scenario: ");
	put_line_value(f, h->scenario ? h->scenario : "");
	fprintf(f, "scenario-json: ");
	put_line_value(f, h->scenario_json ? h->scenario_json : "");
	fprintf(f, "seed: %" PRIu64 "\n", h->seed);
	if (h->window_ns < 0)
		fprintf(f, "window: inf\n");
	else
		fprintf(f, "window: %" PRId64 "\n", h->window_ns);
	fprintf(f, "noise: %s\n", h->noise ? h->noise : "off");
	if (h->cost && *h->cost) /* only a run given --cost: the table's runs keep their text */
		fprintf(f, "cost: %s\n", h->cost);
	fprintf(f, "strategy: %s\n", h->strategy ? h->strategy : "random");
	fprintf(f, "backend: %s\n", h->backend ? h->backend : "sim");
	fprintf(f, "policies: ");
	put_line_value(f, h->policy_json ? h->policy_json : "{}");
	fprintf(f, "bugs: ");
	put_line_value(f, h->bugs_json ? h->bugs_json : "[]");
	if (h->idle_bound_ns >= 0 && h->starve_bound_ns >= 0 && h->progress_bound >= 0) {
		fprintf(f,
		        "oracle-bounds: idle-ns %" PRId64 " starve-ns %" PRId64
		        " progress-steps %" PRId64,
		        h->idle_bound_ns, h->starve_bound_ns, h->progress_bound);
		if (h->timer_bound_ns >= 0) /* recorded since the timer-lateness oracle */
			fprintf(f, " timer-ns %" PRId64, h->timer_bound_ns);
		fputc('\n', f);
	}
	fmt_limit(a, sizeof a, h->max_steps);
	fmt_limit(b, sizeof b, h->max_time_ns);
	fprintf(f, "max-steps: %s\nmax-time: %s\n", a, b);
	fprintf(f, "gomaxprocs: %d\n", h->gomaxprocs);
	fprintf(f, "status: %s\n", tr_status_name(h->status));
	if (h->message && h->message[0]) {
		put_quoted(line, sizeof line, h->message);
		fprintf(f, "message: %s\n", line);
	} else {
		fprintf(f, "message: -\n");
	}
	fprintf(f, "n-events: %" PRIu64 "\n", h->n_events);
	fprintf(f, "trace-hash: %016" PRIx64 "\n", h->hash);
	fprintf(f,
	        "metrics: events %" PRId64 " time_ns %" PRId64 " switches %" PRId64
	        " steals %" PRId64 " spinning %" PRId64 " waits %" PRId64 " lat_p50 %" PRId64
	        " lat_p90 %" PRId64 " lat_p99 %" PRId64 "\n",
	        m.events, m.end_ns, m.switches, m.steals, m.spinning, m.waits, m.lat_p50, m.lat_p90,
	        m.lat_p99);
	fprintf(f, "events: seq t_ns m p g kind obj a b detail\n");
	for (size_t i = 0; i < t->n; i++) {
		tr_event_render(line, sizeof line, i, &t->ev[i]);
		fputs(line, f);
		fputc('\n', f);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* ---- parsing ---- */

struct parser {
	const char *file;
	const char *p; /* next line */
	int line;
	char *cur; /* the current line, NUL-terminated copy */
	size_t curcap;
	char *err;
	size_t errlen;
};

static int perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->file, ps->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return 2;
}

/* The next line into ps->cur; 0, 1 at the end of the text, -1 no memory. */
static int next_line(struct parser *ps)
{
	if (!*ps->p)
		return 1;
	const char *nl = strchr(ps->p, '\n');
	size_t n = nl ? (size_t)(nl - ps->p) : strlen(ps->p);
	if (n + 1 > ps->curcap) {
		char *c = realloc(ps->cur, n + 1);
		if (!c)
			return -1;
		ps->cur = c;
		ps->curcap = n + 1;
	}
	memcpy(ps->cur, ps->p, n);
	ps->cur[n] = 0;
	if (n && ps->cur[n - 1] == '\r')
		ps->cur[n - 1] = 0;
	ps->p += n + (nl != NULL);
	ps->line++;
	return 0;
}

/* The value of "key: value" on the next line, or NULL after an error. */
static const char *keyed(struct parser *ps, const char *key, const char *what)
{
	int rc = next_line(ps);
	if (rc < 0) {
		perr(ps, "out of memory");
		return NULL;
	}
	size_t k = strlen(key);
	if (rc > 0) {
		perr(ps, "expected '%s: %s' (the file ends early)", key, what);
		return NULL;
	}
	if (strncmp(ps->cur, key, k) != 0 || ps->cur[k] != ':' || ps->cur[k + 1] != ' ') {
		perr(ps, "expected '%s: %s'", key, what);
		return NULL;
	}
	return ps->cur + k + 2;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

/* A quoted string from put_quoted at s; *end past its closing quote.
 * Returns a malloc'd string, or NULL (malformed). */
static char *unquote(const char *s, const char **end)
{
	if (*s != '"')
		return NULL;
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (s++; *s && *s != '"'; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		s++;
		if (*s == '"' || *s == '\\') {
			*o++ = *s;
		} else if (*s == 'x' && s[1] && s[2] && strchr("0123456789abcdef", s[1]) &&
		           strchr("0123456789abcdef", s[2])) {
			char hex[3] = {s[1], s[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			free(out);
			return NULL;
		}
	}
	if (*s != '"') {
		free(out);
		return NULL;
	}
	*o = 0;
	*end = s + 1;
	return out;
}

static int dup_value(struct parser *ps, char **dst, const char *v)
{
	if (!(*dst = strdup(v)))
		return perr(ps, "out of memory");
	return 0;
}

/* Split the next n space-separated fields of s into f[]; returns the rest
 * (after the n-th field's space), or NULL. */
static char *fields(char *s, char **f, int n)
{
	for (int i = 0; i < n; i++) {
		f[i] = s;
		char *sp = strchr(s, ' ');
		if (!sp)
			return NULL;
		*sp = 0;
		s = sp + 1;
	}
	return s;
}

static int parse_event(struct parser *ps, uint64_t index, struct rt_event *ev, char **detail)
{
	static const char want[] = "an event line 'seq t_ns m p g kind obj a b detail'";
	char *f[9];
	char *rest = fields(ps->cur, f, 9);
	int64_t v[9];

	*detail = NULL;
	if (!rest)
		return perr(ps, "expected %s", want);
	for (int i = 0; i < 9; i++) {
		if (i == 5)
			continue;
		if (parse_i64(f[i], &v[i]) < 0)
			return perr(ps, "expected %s: field %d ('%.40s') is not an integer", want,
			            i + 1, f[i]);
	}
	if (v[0] != (int64_t)index)
		return perr(ps, "expected event %" PRIu64 " (seq %" PRIu64 "), got seq %" PRId64,
		            index, index, v[0]);
	if (v[2] < INT32_MIN || v[2] > INT32_MAX || v[3] < INT32_MIN || v[3] > INT32_MAX)
		return perr(ps, "expected m and p to be 32-bit integers");
	if (tr_evkind_parse(f[5], &ev->kind) < 0)
		return perr(ps, "expected an event kind (gstatus, runqput, ...), got '%.40s'",
		            f[5]);
	ev->t_ns = v[1];
	ev->m = (int32_t)v[2];
	ev->p = (int32_t)v[3];
	ev->g = v[4];
	ev->obj = v[6];
	ev->a = v[7];
	ev->b = v[8];
	ev->detail = NULL;
	if (strcmp(rest, "-") == 0)
		return 0;
	const char *end;
	if (!(*detail = unquote(rest, &end)) || *end)
		return free(*detail),
		       *detail = NULL,
		       perr(ps, "expected the detail as - or a quoted string, got '%.60s'", rest);
	ev->detail = *detail;
	return 0;
}

static int parse_limit(struct parser *ps, const char *key, int64_t *out)
{
	const char *v = keyed(ps, key, "N or unknown");
	if (!v)
		return 2;
	if (strcmp(v, "unknown") == 0) {
		*out = -1;
		return 0;
	}
	if (parse_i64(v, out) < 0 || *out < 0)
		return perr(ps, "expected '%s: N' (a non-negative integer) or 'unknown'", key);
	return 0;
}

int tr_golden_parse(const char *file, const char *text, struct tr_header *h, struct tr_trace *t,
                    char *err, size_t errlen)
{
	struct parser ps = {.file = file, .p = text, .err = err, .errlen = errlen};
	const char *v;
	char want[32];
	int rc = 2;
	int64_t i64;

	memset(h, 0, sizeof *h);
	tr_trace_init(t);
	snprintf(want, sizeof want, "gsched-golden %d", TR_GOLDEN_VERSION);
	if (next_line(&ps) != 0 || strcmp(ps.cur, want) != 0) {
		perr(&ps, "expected '%s' (the first line of a golden trace)", want);
		goto fail;
	}
	if (!(v = keyed(&ps, "scenario", "NAME")) || dup_value(&ps, &h->scenario, v))
		goto fail;
	if (!(v = keyed(&ps, "scenario-json", "the scenario's JSON on one line")) ||
	    dup_value(&ps, &h->scenario_json, v))
		goto fail;
	if (!(v = keyed(&ps, "seed", "N")))
		goto fail;
	if (parse_u64(v, &h->seed) < 0) {
		perr(&ps, "expected 'seed: N' (a non-negative integer)");
		goto fail;
	}
	if (!(v = keyed(&ps, "window", "NS or inf")))
		goto fail;
	if (strcmp(v, "inf") == 0)
		h->window_ns = -1;
	else if (parse_i64(v, &h->window_ns) < 0 || h->window_ns < 0) {
		perr(&ps, "expected 'window: NS' (a non-negative integer) or 'window: inf'");
		goto fail;
	}
	/* Written since the noise model existed: a golden without the line
	 * was recorded without noise. */
	if (strncmp(ps.p, "noise: ", 7) == 0) {
		if (!(v = keyed(&ps, "noise", "on or off")))
			goto fail;
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
			perr(&ps, "expected 'noise: on' or 'noise: off'");
			goto fail;
		}
		if (dup_value(&ps, &h->noise, v))
			goto fail;
	} else if (!(h->noise = strdup("off"))) {
		perr(&ps, "out of memory");
		goto fail;
	}
	/* Only a run given --cost has the line (its figures, checked when
	 * the run is re-run); without it, the table's. */
	if (strncmp(ps.p, "cost: ", 6) == 0) {
		if (!(v = keyed(&ps, "cost", "key=ns[,key=ns...]")) || dup_value(&ps, &h->cost, v))
			goto fail;
	} else if (!(h->cost = strdup(""))) {
		perr(&ps, "out of memory");
		goto fail;
	}
	if (!(v = keyed(&ps, "strategy", "NAME")) || dup_value(&ps, &h->strategy, v))
		goto fail;
	if (!(v = keyed(&ps, "backend", "sim")) || dup_value(&ps, &h->backend, v))
		goto fail;
	if (!(v = keyed(&ps, "policies", "a JSON object")) || dup_value(&ps, &h->policy_json, v))
		goto fail;
	if (!(v = keyed(&ps, "bugs", "a JSON array")) || dup_value(&ps, &h->bugs_json, v))
		goto fail;
	/* Written since runs record their oracles' bounds: a golden without
	 * the line ran with the defaults. */
	h->idle_bound_ns = h->starve_bound_ns = h->progress_bound = h->timer_bound_ns = -1;
	if (strncmp(ps.p, "oracle-bounds: ", 15) == 0) {
		if (!(v = keyed(&ps, "oracle-bounds",
		                "idle-ns N starve-ns N progress-steps N [timer-ns N]")))
			goto fail;
		int64_t b[4] = {0, 0, 0, -1};
		int used = 0, more = 0;
		if (sscanf(v,
		           "idle-ns %" SCNd64 " starve-ns %" SCNd64 " progress-steps %" SCNd64 "%n",
		           &b[0], &b[1], &b[2], &used) != 3 ||
		    (v[used] != 0 &&
		     (sscanf(v + used, " timer-ns %" SCNd64 "%n", &b[3], &more) != 1 ||
		      v[used + more] != 0 || b[3] < 0)) ||
		    b[0] < 0 || b[1] < 0 || b[2] < 0) {
			perr(&ps, "expected 'oracle-bounds: idle-ns N starve-ns N progress-steps N "
			          "[timer-ns N]' (non-negative integers; 0: that oracle off)");
			goto fail;
		}
		h->timer_bound_ns = b[3];
		h->idle_bound_ns = b[0];
		h->starve_bound_ns = b[1];
		h->progress_bound = b[2];
	}
	if (parse_limit(&ps, "max-steps", &h->max_steps) ||
	    parse_limit(&ps, "max-time", &h->max_time_ns))
		goto fail;
	if (!(v = keyed(&ps, "gomaxprocs", "N")))
		goto fail;
	if (parse_i64(v, &i64) < 0 || i64 < 1 || i64 > 1 << 20) {
		perr(&ps, "expected 'gomaxprocs: N' (a positive integer)");
		goto fail;
	}
	h->gomaxprocs = (int)i64;
	if (!(v = keyed(&ps, "status", "complete, deadlock, ...")))
		goto fail;
	if (tr_status_parse(v, &h->status) < 0) {
		perr(&ps,
		     "expected 'status: S' with S one of complete, deadlock, violation, "
		     "step_limit, time_limit, panic, departed, running; got '%.40s'",
		     v);
		goto fail;
	}
	if (!(v = keyed(&ps, "message", "- or a quoted string")))
		goto fail;
	if (strcmp(v, "-") != 0) {
		const char *end;
		if (!(h->message = unquote(v, &end)) || *end) {
			perr(&ps, "expected 'message: -' or 'message: \"...\"'");
			goto fail;
		}
	}
	if (!(v = keyed(&ps, "n-events", "N")))
		goto fail;
	if (parse_u64(v, &h->n_events) < 0) {
		perr(&ps, "expected 'n-events: N' (a non-negative integer)");
		goto fail;
	}
	if (!(v = keyed(&ps, "trace-hash", "16 hex digits")))
		goto fail;
	if (strlen(v) != 16 || strspn(v, "0123456789abcdef") != 16) {
		perr(&ps, "expected 'trace-hash: H' (16 lowercase hex digits)");
		goto fail;
	}
	h->hash = strtoull(v, NULL, 16);
	/* Derived figures: recomputed from the events wherever they are used. */
	if (!keyed(&ps, "metrics", "events N time_ns N ..."))
		goto fail;
	if (!(v = keyed(&ps, "events", "seq t_ns m p g kind obj a b detail")))
		goto fail;
	for (;;) {
		int r = next_line(&ps);
		if (r < 0) {
			perr(&ps, "out of memory");
			goto fail;
		}
		if (r > 0)
			break;
		struct rt_event ev;
		char *detail;
		if (parse_event(&ps, t->n, &ev, &detail))
			goto fail;
		int pushed = tr_trace_push(t, &ev);
		free(detail);
		if (pushed < 0) {
			perr(&ps, "out of memory");
			goto fail;
		}
	}
	if (t->n != h->n_events) {
		perr(&ps, "expected %" PRIu64 " event lines (n-events), found %zu", h->n_events,
		     t->n);
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	tr_header_free(h);
	tr_trace_free(t);
out:
	free(ps.cur);
	return rc;
}

int tr_golden_load(const char *path, struct tr_header *h, struct tr_trace *t, char *err,
                   size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 2;

	memset(h, 0, sizeof *h);
	tr_trace_init(t);
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return 2;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *n = realloc(text, cap = cap ? cap * 2 : 1 << 18);
			if (!n) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			text = n;
		}
		size_t r = fread(text + len, 1, cap - len - 1, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	text[len] = 0;
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s:1: expected a text file (it holds a NUL byte)", path);
		goto out;
	}
	rc = tr_golden_parse(path, text, h, t, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

/* ---- metrics ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(const int64_t *w, size_t n, int p)
{
	if (n == 0)
		return 0;
	size_t rank = (n * (size_t)p + 99) / 100; /* nearest rank, 1-based */
	return w[rank ? rank - 1 : 0];
}

void tr_metrics_compute(const struct tr_trace *t, struct tr_metrics *m)
{
	/* since[goid]: when it last became runnable (-1: not runnable).
	 * Goids are small and dense (the runtime hands them out in order);
	 * larger ones are simply not measured. */
	enum { MAXG = 1 << 24 };
	int64_t *since = NULL, *waits = NULL;
	size_t nsince = 0, nwaits = 0, capw = 0;
	struct tr_stats st;

	memset(m, 0, sizeof *m);
	tr_stats_init(&st);
	for (size_t i = 0; i < t->n; i++) {
		const struct rt_event *ev = &t->ev[i];
		tr_stats_add(&st, ev);
		if (ev->kind != RT_EV_GSTATUS || ev->obj < 0 || ev->obj >= MAXG)
			continue;
		size_t g = (size_t)ev->obj;
		if (g >= nsince) {
			size_t n = nsince ? nsince : 256;
			while (n <= g)
				n *= 2;
			int64_t *s = realloc(since, n * sizeof *s);
			if (!s)
				continue; /* out of memory: this wait goes unmeasured */
			for (size_t k = nsince; k < n; k++)
				s[k] = -1;
			since = s;
			nsince = n;
		}
		if (ev->b == 1) {
			since[g] = ev->t_ns;
		} else if (ev->a == 1 && ev->b == 2 && since[g] >= 0) {
			if (nwaits == capw) {
				int64_t *w =
				        realloc(waits, (capw = capw ? capw * 2 : 1024) * sizeof *w);
				if (!w) {
					capw = nwaits;
					continue;
				}
				waits = w;
			}
			/* Each time is the clock of the M that made the transition:
			 * a wait that spans two Ms' clocks (a window wider than 0)
			 * can read negative, and counts as 0, as in analysis/. */
			int64_t d = ev->t_ns - since[g];
			waits[nwaits++] = d > 0 ? d : 0;
			since[g] = -1;
		} else {
			since[g] = -1;
		}
	}
	if (nwaits)
		qsort(waits, nwaits, sizeof *waits, cmp_i64);
	m->events = (int64_t)st.n_events;
	m->end_ns = st.end_ns;
	m->switches = st.ctx_switches;
	m->steals = st.steals;
	m->spinning = st.spinning_periods;
	m->waits = (int64_t)nwaits;
	m->lat_p50 = pct(waits, nwaits, 50);
	m->lat_p90 = pct(waits, nwaits, 90);
	m->lat_p99 = pct(waits, nwaits, 99);
	free(since);
	free(waits);
}

int tr_metrics_print_delta(FILE *f, const char *indent, const struct tr_metrics *a,
                           const struct tr_metrics *b)
{
	const struct {
		const char *name, *unit;
		int64_t x, y;
	} rows[] = {
	        {"events", "", a->events, b->events},
	        {"virtual time", " ns", a->end_ns, b->end_ns},
	        {"switches", "", a->switches, b->switches},
	        {"steals", "", a->steals, b->steals},
	        {"spinning periods", "", a->spinning, b->spinning},
	        {"latency p50", " ns", a->lat_p50, b->lat_p50},
	        {"latency p90", " ns", a->lat_p90, b->lat_p90},
	        {"latency p99", " ns", a->lat_p99, b->lat_p99},
	};
	int ndiff = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (rows[i].x == rows[i].y) {
			fprintf(f, "%s%-17s %" PRId64 "%s\n", indent, rows[i].name, rows[i].x,
			        rows[i].unit);
			continue;
		}
		ndiff++;
		fprintf(f, "%s%-17s %" PRId64 " -> %" PRId64 "%s (%+" PRId64 ")\n", indent,
		        rows[i].name, rows[i].x, rows[i].y, rows[i].unit, rows[i].y - rows[i].x);
	}
	return ndiff;
}

/* ---- comparing ---- */

static bool same_event(const struct rt_event *x, const struct rt_event *y)
{
	if (x->t_ns != y->t_ns || x->m != y->m || x->p != y->p || x->g != y->g ||
	    x->kind != y->kind || x->obj != y->obj || x->a != y->a || x->b != y->b)
		return false;
	if (!x->detail || !y->detail)
		return x->detail == y->detail;
	return strcmp(x->detail, y->detail) == 0;
}

int64_t tr_trace_first_diff(const struct tr_trace *a, const struct tr_trace *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++)
		if (!same_event(&a->ev[i], &b->ev[i]))
			return (int64_t)i;
	return a->n == b->n ? -1 : (int64_t)n;
}

static void print_side(FILE *f, const struct tr_trace *t, const char *label, uint64_t k)
{
	char line[4096];
	uint64_t lo = k > CONTEXT ? k - CONTEXT : 0;

	fprintf(f, "  %s:\n", label);
	for (uint64_t i = lo; i <= k + CONTEXT; i++) {
		if (i >= t->n) {
			if (i == k || i == t->n)
				fprintf(f, "  %s (end of trace: %zu events)\n", i == k ? ">" : " ",
				        t->n);
			break;
		}
		tr_event_render(line, sizeof line, i, &t->ev[i]);
		fprintf(f, "  %s %s\n", i == k ? ">" : " ", line);
	}
}

void tr_print_divergence(FILE *f, const struct tr_trace *a, const char *label_a,
                         const struct tr_trace *b, const char *label_b, uint64_t k)
{
	fprintf(f, "first difference at event %" PRIu64 " (> marks it):\n", k);
	print_side(f, a, label_a, k);
	print_side(f, b, label_b, k);
	struct tr_state *s = tr_state_new();
	if (!s)
		return;
	for (uint64_t i = 0; i < k && i < a->n; i++)
		tr_state_apply(s, &a->ev[i]);
	fprintf(f,
	        "  G/M/P state before event %" PRIu64 " (rebuilt from events 0..%" PRId64
	        ", the same on both sides):\n",
	        k, (int64_t)k - 1);
	tr_state_print(s, f, "    ");
	tr_state_free(s);
}
