/*
 * loader.c - sc_load and sc_parse: read a scenario document, validate
 * all of it, and compile it to the flat op array of sc_internal.h.
 *
 * Validation is complete at load: once sc_parse returns 0 a run cannot
 * meet bad input (every body named by a spawn exists, every number is in
 * range, repeats nest at most SC_MAX_DEPTH deep, and the spawn graph
 * reachable from main is finite).  The first problem found is reported
 * as one line, "FILE: $.json.path: expected WHAT (got WHAT)", and the
 * function returns 2; nothing is kept.
 *
 * The document is walked once, in document order, with the JSON path of
 * the node being looked at kept in struct ld so that every message can
 * name it.  Costs: O(size of the document) plus O(B log B) for B bodies
 * (names are sorted once so that spawn targets resolve by binary search).
 *
 * Rejected: validating lazily while interpreting (a typo deep in a body
 * would surface minutes into a run), and keeping cJSON trees at run time
 * (a pointer chase and a string compare per op executed).
 */
#define _GNU_SOURCE /* qsort_r */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_internal.h"

#define PATH_MAX_LEN 512 /* longer JSON paths are cut in messages */

/* The loader's state while it walks one document. */
struct ld {
	const char *file; /* as named in messages */
	char *err;
	size_t errlen;
	char path[PATH_MAX_LEN]; /* JSON path of the node being checked */
	size_t plen;
	struct sc_scenario *sc;
	size_t cap;                /* allocated sc->ops */
	const cJSON **src;         /* the JSON node each op came from (load only) */
	const char **names;        /* body names, document order */
	uint32_t *sorted;          /* body indices sorted by name */
	const cJSON **bodies_json; /* each body's op array */
};

/* ---- messages ---- */

/* Write s as a JSON string literal into dst (at most max bytes of s). */
static void quote(char *dst, size_t cap, const char *s, size_t max)
{
	size_t n = 0;
	if (cap < 8)
		return;
	dst[n++] = '"';
	for (size_t i = 0; s[i] && n + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == max) {
			memcpy(dst + n, "...", 3);
			n += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			dst[n++] = '\\';
			dst[n++] = (char)c;
		} else if (c < 0x20) {
			n += (size_t)snprintf(dst + n, cap - n, "\\u%04x", c);
		} else {
			dst[n++] = (char)c;
		}
	}
	dst[n++] = '"';
	dst[n] = '\0';
}

/* A short one-line rendering of a JSON value for "(got ...)". */
static const char *show(const cJSON *v, char *buf, size_t cap)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d))
			snprintf(buf, cap, "a number out of range");
		else if (d == trunc(d) && fabs(d) < 1e18)
			snprintf(buf, cap, "%.0f", d);
		else
			snprintf(buf, cap, "%.15g", d);
	} else if (cJSON_IsString(v)) {
		quote(buf, cap, v->valuestring, 40);
	} else if (cJSON_IsBool(v)) {
		snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNull(v)) {
		snprintf(buf, cap, "null");
	} else {
		char *s = cJSON_PrintUnformatted(v);
		const char *kind = cJSON_IsArray(v) ? "an array" : "an object";
		if (!s)
			snprintf(buf, cap, "%s", kind);
		else if (strlen(s) <= 40)
			snprintf(buf, cap, "%s", s);
		else
			snprintf(buf, cap, "%.37s...", s);
		free(s);
	}
	return buf;
}

/* "FILE: $.path: message"; returns 2 so callers can `return fail(...)`. */
static int __attribute__((format(printf, 2, 3))) fail(struct ld *l, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (l->errlen)
		snprintf(l->err, l->errlen, "%s: %s: %s", l->file, l->path, msg);
	return 2;
}

/* "FILE: message", for problems that have no JSON path. */
static int __attribute__((format(printf, 4, 5)))
fail_file(char *err, size_t errlen, const char *file, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (errlen)
		snprintf(err, errlen, "%s: %s", file, msg);
	return 2;
}

/* ---- the JSON path ---- */

static void path_put(struct ld *l, const char *s)
{
	size_t n = strlen(s);
	if (l->plen + n >= sizeof l->path)
		n = sizeof l->path - 1 - l->plen;
	memcpy(l->path + l->plen, s, n);
	l->plen += n;
	l->path[l->plen] = '\0';
}

static bool is_ident(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Append .key (or ["key"] when key is not a plain name); returns the old
 * length for path_pop. */
static size_t path_key(struct ld *l, const char *key)
{
	size_t old = l->plen;
	char buf[160];
	if (is_ident(key) && strlen(key) < 64) {
		path_put(l, ".");
		path_put(l, key);
	} else {
		quote(buf, sizeof buf, key, 64);
		path_put(l, "[");
		path_put(l, buf);
		path_put(l, "]");
	}
	return old;
}

static size_t path_index(struct ld *l, int i)
{
	size_t old = l->plen;
	char buf[24];
	snprintf(buf, sizeof buf, "[%d]", i);
	path_put(l, buf);
	return old;
}

static void path_pop(struct ld *l, size_t old)
{
	l->plen = old;
	l->path[old] = '\0';
}

/* ---- value checks ---- */

/* Keys of obj must be among allowed (at most 8), each at most once. */
static int check_keys(struct ld *l, const cJSON *obj, const char *const *allowed, int nallowed,
                      const char *expected)
{
	unsigned seen = 0;
	for (const cJSON *k = obj->child; k; k = k->next) {
		int i = 0;
		while (i < nallowed && strcmp(k->string, allowed[i]) != 0)
			i++;
		char q[160];
		quote(q, sizeof q, k->string, 64);
		if (i == nallowed) {
			path_key(l, k->string);
			return fail(l, "unknown key %s (expected %s)", q, expected);
		}
		if (seen & (1u << i)) {
			path_key(l, k->string);
			return fail(l, "duplicate key %s", q);
		}
		seen |= 1u << i;
	}
	return 0;
}

static bool is_integer(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	       v->valuedouble == trunc(v->valuedouble);
}

/* A non-negative integer up to max, at the current path. */
static int get_uint(struct ld *l, const cJSON *v, int64_t max, int64_t *out)
{
	char got[96];
	if (!is_integer(v) || v->valuedouble < 0)
		return fail(l, "expected a non-negative integer (got %s)",
		            show(v, got, sizeof got));
	if (v->valuedouble > (double)max)
		return fail(l, "expected a non-negative integer up to %lld (got %s)",
		            (long long)max, show(v, got, sizeof got));
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* The field key of obj as a non-negative integer up to max. */
static int get_uint_field(struct ld *l, const cJSON *obj, const char *key, int64_t max,
                          int64_t *out)
{
	size_t old = path_key(l, key);
	int rc = get_uint(l, cJSON_GetObjectItemCaseSensitive(obj, key), max, out);
	if (rc == 0)
		path_pop(l, old);
	return rc;
}

static int missing(struct ld *l, const cJSON *obj, const char *key)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return 0;
	return fail(l, "missing field \"%s\"", key);
}

/* ---- bodies ---- */

static int by_name(const void *a, const void *b, void *names)
{
	const char **n = names;
	return strcmp(n[*(const uint32_t *)a], n[*(const uint32_t *)b]);
}

/* Index of the body called name, or -1. */
static int64_t find_body(const struct ld *l, const char *name)
{
	size_t lo = 0, hi = l->sc->nbodies;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, l->names[l->sorted[mid]]);
		if (c == 0)
			return l->sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* A string field naming a body, at the current path. */
static int get_body_ref(struct ld *l, const cJSON *v, uint32_t *out)
{
	char got[96];
	int64_t b = cJSON_IsString(v) ? find_body(l, v->valuestring) : -1;
	if (b < 0)
		return fail(l, "expected the name of a body in $.bodies (got %s)",
		            show(v, got, sizeof got));
	*out = (uint32_t)b;
	return 0;
}

/* ---- compiling ops ---- */

static int emit(struct ld *l, const cJSON *src, struct sc_op op, size_t *at)
{
	struct sc_scenario *sc = l->sc;
	if (sc->nops == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct sc_op *ops = realloc(sc->ops, cap * sizeof *ops);
		const cJSON **srcs = realloc(l->src, cap * sizeof *srcs);
		if (ops)
			sc->ops = ops;
		if (srcs)
			l->src = srcs;
		if (!ops || !srcs || cap > UINT32_MAX)
			return fail(l, "out of memory compiling the scenario");
		l->cap = cap;
	}
	if (at)
		*at = sc->nops;
	l->src[sc->nops] = src;
	sc->ops[sc->nops++] = op;
	return 0;
}

static const char *const spend_help =
        "expected a non-negative integer or one distribution: {\"uniform\":[lo,hi]}, "
        "{\"exp\":mean} or {\"normal\":[mean,stddev]}";

/* A pair [p, q] of ns values at the current path. */
static int get_pair(struct ld *l, const cJSON *v, const char *what, int64_t *p, int64_t *q)
{
	char got[96];
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
		return fail(l, "expected %s (got %s)", what, show(v, got, sizeof got));
	size_t old = path_index(l, 0);
	if (get_uint(l, v->child, SC_MAX_NS, p))
		return 2;
	path_pop(l, old);
	path_index(l, 1);
	if (get_uint(l, v->child->next, SC_MAX_NS, q))
		return 2;
	path_pop(l, old);
	return 0;
}

/* The "ns" of a spend, at the current path: a number or a distribution. */
static int get_spend(struct ld *l, const cJSON *v, struct sc_op *op)
{
	char got[96];
	if (cJSON_IsNumber(v)) {
		op->dist = SC_DIST_FIXED;
		return get_uint(l, v, SC_MAX_NS, &op->x);
	}
	if (!cJSON_IsObject(v) || !v->child || v->child->next)
		return fail(l, "%s (got %s)", spend_help, show(v, got, sizeof got));
	const cJSON *d = v->child;
	size_t old = path_key(l, d->string);
	if (strcmp(d->string, "uniform") == 0) {
		op->dist = SC_DIST_UNIFORM;
		int64_t lo, hi;
		if (get_pair(l, d, "[lo, hi] in ns", &lo, &hi))
			return 2;
		if (lo > hi)
			return fail(l, "expected [lo, hi] with lo <= hi (got %s)",
			            show(d, got, sizeof got));
		op->x = lo;
		op->y = hi - lo + 1;
	} else if (strcmp(d->string, "exp") == 0) {
		op->dist = SC_DIST_EXP;
		if (get_uint(l, d, SC_MAX_NS, &op->x))
			return 2;
	} else if (strcmp(d->string, "normal") == 0) {
		op->dist = SC_DIST_NORMAL;
		if (get_pair(l, d, "[mean, stddev] in ns", &op->x, &op->y))
			return 2;
	} else {
		char q[160];
		quote(q, sizeof q, d->string, 64);
		return fail(l, "unknown distribution %s (expected uniform, exp, normal)", q);
	}
	path_pop(l, old);
	return 0;
}

static int compile_ops(struct ld *l, const cJSON *arr, int depth);

static const char *const op_names[] = {"spawn", "spend", "gosched", "repeat", "exit"};
static const char *const spawn_keys[] = {"op", "body", "count"};
static const char *const spend_keys[] = {"op", "ns"};
static const char *const bare_keys[] = {"op"};
static const char *const repeat_keys[] = {"op", "count", "body"};

/* One op object at the current path; depth = repeats around it. */
static int compile_op(struct ld *l, const cJSON *v, int depth)
{
	char got[96];
	struct sc_op op = {0};
	size_t old;
	if (!cJSON_IsObject(v))
		return fail(l, "expected an op object like {\"op\":\"spend\",\"ns\":100} (got %s)",
		            show(v, got, sizeof got));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "op");
	if (missing(l, v, "op"))
		return 2;
	int kind = 0;
	while (kind < 5 &&
	       !(cJSON_IsString(name) && strcmp(name->valuestring, op_names[kind]) == 0))
		kind++;
	if (kind == 5) {
		path_key(l, "op");
		if (!cJSON_IsString(name))
			return fail(l, "expected an op name (got %s)", show(name, got, sizeof got));
		return fail(l, "unknown op %s (expected spawn, spend, gosched, repeat, exit)",
		            show(name, got, sizeof got));
	}
	switch (kind) {
	case 0: /* spawn */
		if (check_keys(l, v, spawn_keys, 3, "op, body, count") || missing(l, v, "body"))
			return 2;
		op.kind = SC_OP_SPAWN;
		old = path_key(l, "body");
		if (get_body_ref(l, cJSON_GetObjectItemCaseSensitive(v, "body"), &op.a))
			return 2;
		path_pop(l, old);
		op.x = 1;
		if (cJSON_GetObjectItemCaseSensitive(v, "count") &&
		    get_uint_field(l, v, "count", SC_MAX_COUNT, &op.x))
			return 2;
		return emit(l, v, op, NULL);
	case 1: /* spend */
		if (check_keys(l, v, spend_keys, 2, "op, ns") || missing(l, v, "ns"))
			return 2;
		op.kind = SC_OP_SPEND;
		old = path_key(l, "ns");
		if (get_spend(l, cJSON_GetObjectItemCaseSensitive(v, "ns"), &op))
			return 2;
		path_pop(l, old);
		return emit(l, v, op, NULL);
	case 2: /* gosched */
		if (check_keys(l, v, bare_keys, 1, "op"))
			return 2;
		op.kind = SC_OP_GOSCHED;
		return emit(l, v, op, NULL);
	case 4: /* exit */
		if (check_keys(l, v, bare_keys, 1, "op"))
			return 2;
		op.kind = SC_OP_EXIT;
		return emit(l, v, op, NULL);
	}
	/* repeat */
	if (check_keys(l, v, repeat_keys, 3, "op, count, body") || missing(l, v, "count") ||
	    missing(l, v, "body"))
		return 2;
	if (depth + 1 > SC_MAX_DEPTH)
		return fail(l, "expected repeats nested at most %d deep (got %d)", SC_MAX_DEPTH,
		            depth + 1);
	op.kind = SC_OP_REPEAT;
	if (get_uint_field(l, v, "count", SC_MAX_COUNT, &op.x))
		return 2;
	size_t at, end;
	if (emit(l, v, op, &at))
		return 2;
	old = path_key(l, "body");
	if (compile_ops(l, cJSON_GetObjectItemCaseSensitive(v, "body"), depth + 1))
		return 2;
	path_pop(l, old);
	if (emit(l, v, (struct sc_op){.kind = SC_OP_END, .a = (uint32_t)at}, &end))
		return 2;
	l->sc->ops[at].a = (uint32_t)end;
	return 0;
}

/* An array of ops at the current path. */
static int compile_ops(struct ld *l, const cJSON *arr, int depth)
{
	char got[96];
	if (!cJSON_IsArray(arr))
		return fail(l, "expected an array of ops (got %s)", show(arr, got, sizeof got));
	int i = 0;
	for (const cJSON *v = arr->child; v; v = v->next, i++) {
		size_t old = path_index(l, i);
		if (compile_op(l, v, depth))
			return 2;
		path_pop(l, old);
	}
	return 0;
}

/* ---- the spawn graph ---- */

static int64_t sat_mul(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

/* Does running ops [i, end) once reach an exit? */
static bool reaches_exit(const struct sc_op *ops, size_t i, size_t end)
{
	while (i < end) {
		if (ops[i].kind == SC_OP_EXIT)
			return true;
		if (ops[i].kind == SC_OP_REPEAT) {
			if (ops[i].x > 0 && reaches_exit(ops, i + 1, ops[i].a))
				return true;
			i = ops[i].a + 1;
		} else {
			i++;
		}
	}
	return false;
}

/* execs[k] = how often op k runs when ops [i, end) start m times.
 * Recursion depth is bounded by SC_MAX_DEPTH.  Returns m, or 0 once an
 * exit ended the sequence. */
static int64_t count_execs(const struct sc_op *ops, int64_t *execs, size_t i, size_t end, int64_t m)
{
	while (i < end) {
		const struct sc_op *op = &ops[i];
		execs[i] = m;
		if (op->kind == SC_OP_EXIT) {
			m = 0; /* what follows is dead */
			i++;
		} else if (op->kind == SC_OP_REPEAT) {
			size_t j = op->a;
			if (op->x > 0 && reaches_exit(ops, i + 1, j)) {
				/* the first iteration exits: its prefix runs once per start */
				count_execs(ops, execs, i + 1, j, m);
				m = 0;
			} else {
				count_execs(ops, execs, i + 1, j, sat_mul(m, op->x));
			}
			execs[j] = m;
			i = j + 1;
		} else {
			i++;
		}
	}
	return m;
}

/* Append the path of op node target inside the op array arr. */
static bool path_to(struct ld *l, const cJSON *arr, const cJSON *target)
{
	int i = 0;
	for (const cJSON *v = arr->child; v; v = v->next, i++) {
		size_t old = path_index(l, i);
		if (v == target)
			return true;
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(v, "body");
		if (cJSON_IsArray(inner)) {
			path_key(l, "body");
			if (path_to(l, inner, target))
				return true;
		}
		path_pop(l, old);
	}
	return false;
}

/* Count the goroutines a run creates and refuse a reachable spawn cycle
 * (it would never end).  Iterative DFS: a chain of many bodies must not
 * exhaust the C stack. */
static int check_spawns(struct ld *l)
{
	struct sc_scenario *sc = l->sc;
	uint32_t nb = sc->nbodies;
	int64_t *execs = malloc((sc->nops ? sc->nops : 1) * sizeof *execs);
	int64_t *total = calloc(nb, sizeof *total);
	unsigned char *state = calloc(nb, 1); /* 0 new, 1 on the stack, 2 done */
	uint32_t *stk = malloc(nb * sizeof *stk);
	size_t *pcs = malloc(nb * sizeof *pcs);
	int64_t *acc = malloc(nb * sizeof *acc);
	int rc = 2;
	if (!execs || !total || !state || !stk || !pcs || !acc) {
		fail(l, "out of memory checking spawns");
		goto fail;
	}
	for (uint32_t b = 0; b < nb; b++)
		count_execs(sc->ops, execs, sc->body_start[b],
		            b + 1 < nb ? sc->body_start[b + 1] : sc->nops, 1);

	size_t top = 0;
	stk[0] = sc->main;
	pcs[0] = sc->body_start[sc->main];
	acc[0] = 1; /* the goroutine itself */
	state[sc->main] = 1;
	for (;;) {
		uint32_t b = stk[top];
		size_t end = b + 1 < nb ? sc->body_start[b + 1] : sc->nops;
		size_t pc = pcs[top];
		for (; pc < end; pc++) {
			const struct sc_op *op = &sc->ops[pc];
			if (op->kind != SC_OP_SPAWN || execs[pc] == 0 || op->x == 0)
				continue;
			if (state[op->a] == 2) {
				int64_t n = sat_mul(sat_mul(execs[pc], op->x), total[op->a]);
				acc[top] = sat_add(acc[top], n);
				continue;
			}
			if (state[op->a] == 1) {
				char cyc[400];
				size_t n = 0, k = top;
				while (stk[k] != op->a)
					k--;
				cyc[0] = '\0';
				for (; k <= top && n < sizeof cyc; k++)
					n += (size_t)snprintf(cyc + n, sizeof cyc - n, "%s -> ",
					                      l->names[stk[k]]);
				if (n < sizeof cyc)
					snprintf(cyc + n, sizeof cyc - n, "%s", l->names[op->a]);
				/* name the spawn that closes the cycle */
				path_key(l, "bodies");
				path_key(l, l->names[b]);
				if (path_to(l, l->bodies_json[b], l->src[pc]))
					path_key(l, "body");
				fail(l, "expected spawns that end (got the endless cycle %s)", cyc);
				goto fail;
			}
			break; /* descend into op->a, then look at this op again */
		}
		if (pc < end) {
			uint32_t c = sc->ops[pc].a;
			pcs[top++] = pc;
			stk[top] = c;
			pcs[top] = sc->body_start[c];
			acc[top] = 1;
			state[c] = 1;
			continue;
		}
		total[b] = acc[top];
		state[b] = 2;
		if (top == 0)
			break;
		top--;
	}
	sc->goroutines = total[sc->main];
	rc = 0;
fail:
	free(execs);
	free(total);
	free(state);
	free(stk);
	free(pcs);
	free(acc);
	return rc;
}

/* ---- the document ---- */

static const char *const top_keys[] = {"name", "description", "gomaxprocs", "main", "bodies"};

static int compile(struct ld *l, const cJSON *root)
{
	struct sc_scenario *sc = l->sc;
	char got[96];
	size_t old;
	if (!cJSON_IsObject(root))
		return fail(l, "expected a scenario object (got %s)", show(root, got, sizeof got));
	if (check_keys(l, root, top_keys, 5, "name, description, gomaxprocs, main, bodies") ||
	    missing(l, root, "gomaxprocs") || missing(l, root, "main") ||
	    missing(l, root, "bodies"))
		return 2;

	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (v && (!cJSON_IsString(v) || !v->valuestring[0])) {
		path_key(l, "name");
		return fail(l, "expected a non-empty string (got %s)", show(v, got, sizeof got));
	}
	if (v && !(sc->name = strdup(v->valuestring)))
		return fail(l, "out of memory");
	v = cJSON_GetObjectItemCaseSensitive(root, "description");
	if (v && !cJSON_IsString(v)) {
		path_key(l, "description");
		return fail(l, "expected a string (got %s)", show(v, got, sizeof got));
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "gomaxprocs");
	if (!is_integer(v) || v->valuedouble < 1 || v->valuedouble > SC_MAX_GOMAXPROCS) {
		path_key(l, "gomaxprocs");
		return fail(l, "expected an integer in 1..%d (got %s)", SC_MAX_GOMAXPROCS,
		            show(v, got, sizeof got));
	}
	sc->gomaxprocs = (int)v->valuedouble;

	const cJSON *bodies = cJSON_GetObjectItemCaseSensitive(root, "bodies");
	int nb = cJSON_IsObject(bodies) ? cJSON_GetArraySize(bodies) : 0;
	if (nb == 0) {
		path_key(l, "bodies");
		return fail(l, "expected an object of named bodies like {\"main\":[...]} (got %s)",
		            show(bodies, got, sizeof got));
	}
	sc->nbodies = (uint32_t)nb;
	l->names = malloc((size_t)nb * sizeof *l->names);
	l->sorted = malloc((size_t)nb * sizeof *l->sorted);
	l->bodies_json = malloc((size_t)nb * sizeof *l->bodies_json);
	sc->body_start = malloc((size_t)nb * sizeof *sc->body_start);
	if (!l->names || !l->sorted || !l->bodies_json || !sc->body_start)
		return fail(l, "out of memory");
	int i = 0;
	for (const cJSON *b = bodies->child; b; b = b->next, i++) {
		l->names[i] = b->string;
		l->bodies_json[i] = b;
		l->sorted[i] = (uint32_t)i;
	}
	qsort_r(l->sorted, (size_t)nb, sizeof *l->sorted, by_name, l->names);
	for (i = 1; i < nb; i++) {
		if (strcmp(l->names[l->sorted[i - 1]], l->names[l->sorted[i]]) != 0)
			continue;
		char q[160];
		quote(q, sizeof q, l->names[l->sorted[i]], 64);
		path_key(l, "bodies");
		path_key(l, l->names[l->sorted[i]]);
		return fail(l, "duplicate key %s", q);
	}

	old = path_key(l, "main");
	if (get_body_ref(l, cJSON_GetObjectItemCaseSensitive(root, "main"), &sc->main))
		return 2;
	path_pop(l, old);

	for (i = 0; i < nb; i++) {
		size_t o1 = path_key(l, "bodies");
		path_key(l, l->names[i]);
		sc->body_start[i] = (uint32_t)sc->nops;
		if (compile_ops(l, l->bodies_json[i], 0) ||
		    emit(l, NULL, (struct sc_op){.kind = SC_OP_EXIT}, NULL))
			return 2;
		path_pop(l, o1);
	}
	return check_spawns(l);
}

/* "dir/foo.json" -> "foo" */
static char *file_stem(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	return strndup(base, n);
}

/* Line and column (from 1) of byte pos in text. */
static void line_col(const char *text, const char *pos, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < pos && *p; p++) {
		if (*p == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

int sc_parse(const char *file, const char *text, struct sc_scenario **out, char *err, size_t errlen)
{
	struct ld l = {.file = file, .err = err, .errlen = errlen, .path = "$", .plen = 1};
	cJSON *root = NULL;
	int rc = 2;
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (text[strspn(text, " \t\r\n")] == '\0') {
		fail_file(err, errlen, file, "not JSON: the document is empty");
		goto fail;
	}
	const char *end = NULL;
	root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		int line, col;
		const char *at = end ? end : text;
		bool early = at[strspn(at, " \t\r\n")] == '\0';
		if (early) /* point just past the last token, not at the final newline */
			for (at += strlen(at); at > text && strchr(" \t\r\n", at[-1]); at--)
				;
		line_col(text, at, &line, &col);
		fail_file(err, errlen, file, "not JSON: parse error near line %d, column %d%s",
		          line, col, early ? " (the document ends early)" : "");
		goto fail;
	}
	l.sc = calloc(1, sizeof *l.sc);
	if (!l.sc || !(l.sc->text = strdup(text))) {
		fail_file(err, errlen, file, "out of memory");
		goto fail;
	}
	if (compile(&l, root))
		goto fail;
	if (!l.sc->name && !(l.sc->name = file_stem(file))) {
		fail_file(err, errlen, file, "out of memory");
		goto fail;
	}
	*out = l.sc;
	l.sc = NULL;
	rc = 0;
fail:
	cJSON_Delete(root);
	sc_free(l.sc);
	free(l.src);
	free(l.names);
	free(l.sorted);
	free(l.bodies_json);
	return rc;
}

/* ---- files and bundled scenarios ---- */

/* Read all of path into a NUL-terminated buffer. */
static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 2;
	if (!f) {
		fail_file(err, errlen, path, "cannot read: %s", strerror(errno));
		goto fail;
	}
	for (;;) {
		if (cap - n < 4096 + 1) {
			cap = cap ? 2 * cap : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				fail_file(err, errlen, path, "cannot read: out of memory");
				goto fail;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n > SC_MAX_FILE) {
			fail_file(err, errlen, path, "cannot read: larger than %d MiB",
			          SC_MAX_FILE >> 20);
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fail_file(err, errlen, path, "cannot read: %s", strerror(errno));
		goto fail;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
fail:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

int sc_load(const char *name_or_path, struct sc_scenario **out, char *err, size_t errlen)
{
	size_t n = strlen(name_or_path);
	*out = NULL;
	if (strchr(name_or_path, '/') || (n >= 5 && strcmp(name_or_path + n - 5, ".json") == 0)) {
		char *text = NULL;
		size_t len;
		if (read_file(name_or_path, &text, &len, err, errlen))
			return 2;
		const char *nul = memchr(text, '\0', len);
		int rc;
		if (nul) {
			int line, col;
			line_col(text, nul, &line, &col);
			rc = fail_file(err, errlen, name_or_path,
			               "not JSON: a NUL byte at line %d, column %d", line, col);
		} else {
			rc = sc_parse(name_or_path, text, out, err, errlen);
		}
		free(text);
		return rc;
	}
	for (int i = 0; i < sc_bundled_nfiles; i++) {
		if (strcmp(sc_bundled_files[i].name, name_or_path) != 0)
			continue;
		char file[256];
		snprintf(file, sizeof file, "<bundled>/%s.json", name_or_path);
		return sc_parse(file, sc_bundled_files[i].text, out, err, errlen);
	}
	char list[512];
	size_t k = 0;
	list[0] = '\0';
	for (int i = 0; i < sc_bundled_nfiles && k < sizeof list; i++)
		k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
		                      sc_bundled_files[i].name);
	return fail_file(err, errlen, name_or_path,
	                 "no bundled scenario of that name (bundled: %s; a path needs a '/' or "
	                 "a .json suffix)",
	                 list);
}

void sc_free(struct sc_scenario *sc)
{
	if (!sc)
		return;
	free(sc->text);
	free(sc->name);
	free(sc->body_start);
	free(sc->ops);
	free(sc);
}

const char *sc_name(const struct sc_scenario *sc)
{
	return sc->name;
}

const char *sc_text(const struct sc_scenario *sc)
{
	return sc->text;
}

int sc_gomaxprocs(const struct sc_scenario *sc)
{
	return sc->gomaxprocs;
}

size_t sc_op_count(const struct sc_scenario *sc)
{
	return sc->nops;
}

int64_t sc_goroutines(const struct sc_scenario *sc)
{
	return sc->goroutines;
}

const char *sc_bundled_name(int i)
{
	return i >= 0 && i < sc_bundled_nfiles ? sc_bundled_files[i].name : NULL;
}

const char *sc_bundled_summary(int i)
{
	return i >= 0 && i < sc_bundled_nfiles ? sc_bundled_files[i].summary : NULL;
}
