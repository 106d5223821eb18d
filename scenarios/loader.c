/*
 * loader.c - sc_load and sc_parse: read a scenario document, validate
 * all of it, and compile it to the flat op array of sc_internal.h.
 *
 * Validation is complete at load: once sc_parse returns 0 a run cannot
 * meet bad input (every body, channel, mutex, wait group and argument
 * named exists, every literal is in range, repeats nest at most
 * SC_MAX_DEPTH deep, every expression value a run can meet is in range,
 * and spawning ends).  The first problem found is reported as one line,
 * "FILE: $.json.path: expected WHAT (got WHAT)", and the function returns
 * 2; nothing is kept.
 *
 * What an op's fields are comes from one row of the op table (ops.h):
 * the keys an op allows, the ones it requires, the type, range and
 * default of each, and where its value goes in the compiled op.  The
 * code below knows field types and layouts (repeat, if, select), not
 * ops: compile_op checks an op object against its row, reads its fields
 * in row order, and hands the op to its layout, which compiles the
 * blocks around it.  The same row gives the range that check_spawns
 * holds an expression to in every state.
 *
 * The document is walked once, in document order, with the JSON path of
 * the node being looked at kept in struct ld so that every message can
 * name it.  Then the goroutine states a run can reach are evaluated
 * (check_spawns): a state is a body with concrete argument values, and
 * since arguments are immutable and computed only from literals and the
 * parent's arguments, each state's spawns, if-branches, counts and
 * durations are known at load (only which select case runs is not: every
 * case is followed, so the goroutine count is an upper bound there).
 * A spawn that reaches a state already on the DFS stack is an endless
 * cycle; more than SC_MAX_STATES distinct states is refused too (an
 * argument that never reaches its bound).  Costs: O(size of the
 * document) to compile, plus O(states x body size) to evaluate.
 *
 * Rejected: validating lazily while interpreting (a typo deep in a body
 * would surface minutes into a run); keeping cJSON trees at run time (a
 * pointer chase and a string compare per op executed); requiring a
 * syntactically decreasing argument for recursion (it would refuse
 * correct programs such as one that spawns n-1 behind an if, and accept
 * nothing the state evaluation refuses).
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

#include "events.h" /* event kind names, for min-events (not the runtime) */
#include "ops.h"
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
	size_t cap;                         /* allocated sc->ops */
	char **paths;                       /* JSON path of each op (load only) */
	size_t npaths;                      /* paths allocated (sc may be gone at cleanup) */
	const char **names;                 /* body names, document order */
	uint32_t *sorted;                   /* body indices sorted by name */
	const cJSON **bodies_json;          /* each body's op array */
	const char *(*pnames)[SC_MAX_ARGS]; /* param names per body */
	uint32_t body;                      /* the body being compiled */
	size_t xcap, acap, lcap;            /* allocated exprs, spawn_args, labels */
	/* per compiled kind, its field in x/e with a range (ops.h), or NULL */
	const struct sc_field *ranged[SC_OP__COUNT];
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

/* names[0..n) as "a, b, c" into buf. */
static void join(char *buf, size_t cap, const char *const *names, int n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && k < cap; i++)
		k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", names[i]);
}

/* Keys of obj must be among allowed (at most 32), each at most once. */
static int check_keys(struct ld *l, const cJSON *obj, const char *const *allowed, int nallowed)
{
	unsigned seen = 0;
	for (const cJSON *k = obj->child; k; k = k->next) {
		int i = 0;
		while (i < nallowed && strcmp(k->string, allowed[i]) != 0)
			i++;
		char q[160];
		quote(q, sizeof q, k->string, 64);
		if (i == nallowed) {
			char expected[512];
			join(expected, sizeof expected, allowed, nallowed);
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

static int missing(struct ld *l, const cJSON *obj, const char *key)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return 0;
	return fail(l, "missing field \"%s\"", key);
}

/* The keys of obj: lead (NULL, or "op" for an op) and the fields
 * f[0..n) of ops.h; then the required ones, in order. */
static int check_fields(struct ld *l, const cJSON *obj, const char *lead, const struct sc_field *f,
                        int n)
{
	const char *names[32];
	int k = 0;
	if (lead)
		names[k++] = lead;
	for (int i = 0; i < n && k < 32; i++)
		names[k++] = f[i].name;
	if (check_keys(l, obj, names, k))
		return 2;
	for (int i = 0; i < n; i++)
		if (f[i].required && missing(l, obj, f[i].name))
			return 2;
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

/* ---- growing arrays ---- */

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/* ---- compiling ops ---- */

static int emit(struct ld *l, struct sc_op op, size_t *at)
{
	struct sc_scenario *sc = l->sc;
	if (sc->nops == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct sc_op *ops = realloc(sc->ops, cap * sizeof *ops);
		if (ops)
			sc->ops = ops;
		char **paths = realloc(l->paths, cap * sizeof *paths);
		if (paths)
			l->paths = paths;
		if (!ops || !paths || cap > UINT32_MAX)
			return fail(l, "out of memory compiling the scenario");
		l->cap = cap;
	}
	if (!(l->paths[sc->nops] = strdup(l->path)))
		return fail(l, "out of memory compiling the scenario");
	l->npaths = sc->nops + 1;
	if (at)
		*at = sc->nops;
	sc->ops[sc->nops++] = op;
	return 0;
}

/* The label string s, stored once per distinct value. */
static const char *intern_label(struct ld *l, const char *s)
{
	struct sc_scenario *sc = l->sc;
	for (size_t i = 0; i < sc->nlabels; i++)
		if (strcmp(sc->labels[i], s) == 0)
			return sc->labels[i];
	if (!grow((void **)&sc->labels, &l->lcap, sc->nlabels + 1, sizeof *sc->labels))
		return NULL;
	char *c = strdup(s);
	if (c)
		sc->labels[sc->nlabels++] = c;
	return c;
}

static bool has_label(const struct sc_scenario *sc, const char *s)
{
	for (size_t i = 0; i < sc->nlabels; i++)
		if (strcmp(sc->labels[i], s) == 0)
			return true;
	return false;
}

/* ---- expressions ---- */

static const char *const expr_help =
        "expected an integer, a \"$param\" of the body, or {\"add\"|\"sub\"|\"mul\": [x, y]}";

static uint32_t new_expr(struct ld *l, struct sc_expr x)
{
	struct sc_scenario *sc = l->sc;
	if (sc->nexprs == 0)
		sc->nexprs = 1; /* index 0 means "none" */
	if (!grow((void **)&sc->exprs, &l->xcap, sc->nexprs + 1, sizeof *sc->exprs))
		return 0;
	sc->exprs[sc->nexprs] = x;
	return (uint32_t)sc->nexprs++;
}

static bool is_expr_form(const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring[0] == '$';
	return cJSON_IsObject(v) && v->child && !v->child->next &&
	       (strcmp(v->child->string, "add") == 0 || strcmp(v->child->string, "sub") == 0 ||
	        strcmp(v->child->string, "mul") == 0);
}

/* An integer expression at the current path: a literal goes to *lit with
 * *e = 0, anything else is compiled to *e. */
static int get_expr(struct ld *l, const cJSON *v, int depth, int64_t *lit, uint32_t *e)
{
	char got[96];
	*e = 0;
	*lit = 0;
	if (cJSON_IsNumber(v)) {
		if (!is_integer(v) || fabs(v->valuedouble) > 9007199254740992.0)
			return fail(l, "%s (got %s)", expr_help, show(v, got, sizeof got));
		*lit = (int64_t)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0] == '$') {
		const char *name = v->valuestring + 1;
		uint8_t np = l->sc->nparams[l->body];
		for (uint8_t i = 0; i < np; i++) {
			if (strcmp(l->pnames[l->body][i], name) != 0)
				continue;
			if (!(*e = new_expr(l, (struct sc_expr){.kind = SC_X_ARG, .v = i})))
				return fail(l, "out of memory");
			return 0;
		}
		char params[256];
		size_t n = 0;
		params[0] = '\0';
		for (uint8_t i = 0; i < np && n < sizeof params; i++)
			n += (size_t)snprintf(params + n, sizeof params - n, "%s$%s", i ? ", " : "",
			                      l->pnames[l->body][i]);
		return fail(l, "expected a param of body %s (%s) (got %s)", l->names[l->body],
		            np ? params : "it has none: declare them in $.params",
		            show(v, got, sizeof got));
	}
	if (!is_expr_form(v))
		return fail(l, "%s (got %s)", expr_help, show(v, got, sizeof got));
	const cJSON *d = v->child;
	size_t old = path_key(l, d->string);
	if (depth + 1 > SC_MAX_EXPR_DEPTH)
		return fail(l, "expected expressions nested at most %d deep", SC_MAX_EXPR_DEPTH);
	if (!cJSON_IsArray(d) || cJSON_GetArraySize(d) != 2)
		return fail(l, "expected two operands [x, y] (got %s)", show(d, got, sizeof got));
	struct sc_expr x = {.kind = d->string[0] == 'a'   ? SC_X_ADD
	                            : d->string[0] == 's' ? SC_X_SUB
	                                                  : SC_X_MUL};
	int i = 0;
	for (const cJSON *o = d->child; o; o = o->next, i++) {
		int64_t ol;
		uint32_t oe;
		size_t o2 = path_index(l, i);
		if (get_expr(l, o, depth + 1, &ol, &oe))
			return 2;
		path_pop(l, o2);
		if (!oe && !(oe = new_expr(l, (struct sc_expr){.kind = SC_X_LIT, .v = ol})))
			return fail(l, "out of memory");
		if (i == 0)
			x.l = oe;
		else
			x.r = oe;
	}
	path_pop(l, old);
	if (!(*e = new_expr(l, x)))
		return fail(l, "out of memory");
	return 0;
}

/* A count-like field: a literal non-negative integer up to max (the
 * message of the first language version), or an expression, checked for
 * range when the states are evaluated. */
static int get_count(struct ld *l, const cJSON *v, int64_t max, int64_t *x, uint32_t *e)
{
	if (is_expr_form(v))
		return get_expr(l, v, 0, x, e);
	*e = 0;
	return get_uint(l, v, max, x);
}

static const char *const cmp_names[] = {"eq", "ne", "lt", "le", "gt", "ge"};

/* {"gt": [x, y]} at the current path, into op (dist, x/e, y/f). */
static int get_cond(struct ld *l, const cJSON *v, struct sc_op *op)
{
	char got[96];
	const char *help = "expected one comparison {\"eq\"|\"ne\"|\"lt\"|\"le\"|\"gt\"|\"ge\": "
	                   "[x, y]}";
	if (!cJSON_IsObject(v) || !v->child || v->child->next)
		return fail(l, "%s (got %s)", help, show(v, got, sizeof got));
	const cJSON *d = v->child;
	int k = 0;
	while (k < 6 && strcmp(d->string, cmp_names[k]) != 0)
		k++;
	size_t old = path_key(l, d->string);
	if (k == 6) {
		char q[160];
		quote(q, sizeof q, d->string, 64);
		return fail(l, "unknown comparison %s (expected eq, ne, lt, le, gt, ge)", q);
	}
	if (!cJSON_IsArray(d) || cJSON_GetArraySize(d) != 2)
		return fail(l, "expected two operands [x, y] (got %s)", show(d, got, sizeof got));
	op->dist = (uint8_t)k;
	size_t o2 = path_index(l, 0);
	if (get_expr(l, d->child, 0, &op->x, &op->e))
		return 2;
	path_pop(l, o2);
	path_index(l, 1);
	if (get_expr(l, d->child->next, 0, &op->y, &op->f))
		return 2;
	path_pop(l, old);
	return 0;
}

/* ---- durations ---- */

static const char *const spend_help =
        "expected a non-negative integer or one distribution: {\"uniform\":[lo,hi]}, "
        "{\"exp\":mean} or {\"normal\":[mean,stddev]}";

/* A pair [p, q] of ns values up to max at the current path. */
static int get_pair(struct ld *l, const cJSON *v, const char *what, int64_t max, int64_t *p,
                    int64_t *q)
{
	char got[96];
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
		return fail(l, "expected %s (got %s)", what, show(v, got, sizeof got));
	size_t old = path_index(l, 0);
	if (get_uint(l, v->child, max, p))
		return 2;
	path_pop(l, old);
	path_index(l, 1);
	if (get_uint(l, v->child->next, max, q))
		return 2;
	path_pop(l, old);
	return 0;
}

/* The "ns" of a spend (sleep, syscall, io-wait), at the current path: a
 * number, an expression or a distribution, each parameter up to max. */
static int get_spend(struct ld *l, const cJSON *v, int64_t max, struct sc_op *op)
{
	char got[96];
	if (cJSON_IsNumber(v) || is_expr_form(v)) {
		op->dist = SC_DIST_FIXED;
		return get_count(l, v, max, &op->x, &op->e);
	}
	if (!cJSON_IsObject(v) || !v->child || v->child->next)
		return fail(l, "%s (got %s)", spend_help, show(v, got, sizeof got));
	const cJSON *d = v->child;
	size_t old = path_key(l, d->string);
	if (strcmp(d->string, "uniform") == 0) {
		op->dist = SC_DIST_UNIFORM;
		int64_t lo, hi;
		if (get_pair(l, d, "[lo, hi] in ns", max, &lo, &hi))
			return 2;
		if (lo > hi)
			return fail(l, "expected [lo, hi] with lo <= hi (got %s)",
			            show(d, got, sizeof got));
		op->x = lo;
		op->y = hi - lo + 1;
	} else if (strcmp(d->string, "exp") == 0) {
		op->dist = SC_DIST_EXP;
		if (get_uint(l, d, max, &op->x))
			return 2;
	} else if (strcmp(d->string, "normal") == 0) {
		op->dist = SC_DIST_NORMAL;
		if (get_pair(l, d, "[mean, stddev] in ns", max, &op->x, &op->y))
			return 2;
	} else {
		char q[160];
		quote(q, sizeof q, d->string, 64);
		return fail(l, "unknown distribution %s (expected uniform, exp, normal)", q);
	}
	path_pop(l, old);
	return 0;
}

/* ---- named objects ---- */

/* Index of name in names[0..n), or -1. */
static int64_t find_name(char **names, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* v, at the current path, names one of names (declared in $.decl). */
static int get_obj_ref(struct ld *l, const cJSON *v, char **names, uint32_t n, const char *decl,
                       uint32_t *out)
{
	char got[96];
	int64_t i = cJSON_IsString(v) ? find_name(names, n, v->valuestring) : -1;
	if (i < 0)
		return fail(l, "expected the name of one of $.%s (got %s)", decl,
		            show(v, got, sizeof got));
	*out = (uint32_t)i;
	return 0;
}

/* ---- op fields, as ops.h types them ---- */

/* spawn's args at the current path, v NULL when none are given: every
 * param of body op->a gets a value, its default unless given, in
 * sc->spawn_args from op->b on. */
static int get_args(struct ld *l, const cJSON *v, struct sc_op *op)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	uint8_t np = sc->nparams[op->a];
	op->b = (uint32_t)sc->nspawn_args;
	if (!grow((void **)&sc->spawn_args, &l->acap, sc->nspawn_args + np + 1,
	          sizeof *sc->spawn_args))
		return fail(l, "out of memory");
	for (uint8_t i = 0; i < np; i++)
		sc->spawn_args[op->b + i] = (struct sc_arg){.x = sc->param_default[op->a][i]};
	sc->nspawn_args += np;
	if (!v)
		return 0;
	if (!cJSON_IsObject(v))
		return fail(l, "expected an object of named arguments like {\"n\": 3} (got %s)",
		            show(v, got, sizeof got));
	unsigned seen = 0;
	for (const cJSON *a = v->child; a; a = a->next) {
		size_t old = path_key(l, a->string);
		uint8_t i = 0;
		while (i < np && strcmp(l->pnames[op->a][i], a->string) != 0)
			i++;
		char q[160];
		quote(q, sizeof q, a->string, 64);
		if (i == np) {
			char params[256];
			size_t n = 0;
			params[0] = '\0';
			for (uint8_t j = 0; j < np && n < sizeof params; j++)
				n += (size_t)snprintf(params + n, sizeof params - n, "%s%s",
				                      j ? ", " : "", l->pnames[op->a][j]);
			return fail(l, "unknown argument %s (body %s takes %s)", q, l->names[op->a],
			            np ? params : "none");
		}
		if (seen & (1u << i))
			return fail(l, "duplicate key %s", q);
		seen |= 1u << i;
		struct sc_arg *sa = &sc->spawn_args[op->b + i];
		if (get_expr(l, a, 0, &sa->x, &sa->e))
			return 2;
		path_pop(l, old);
	}
	return 0;
}

static bool is_block(uint8_t type)
{
	return type == SC_F_BLOCK || type == SC_F_LOOP || type == SC_F_CASES;
}

/* Field f, given as v, at its path, into op (blocks are left to the
 * op's layout). */
static int get_field(struct ld *l, const struct sc_field *f, const cJSON *v, struct sc_op *op)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	switch (f->type) {
	case SC_F_BODY:
		return get_body_ref(l, v, &op->a);
	case SC_F_COUNT:
		if (get_count(l, v, f->hi, &op->x, &op->e))
			return 2;
		if (!op->e && op->x < f->lo)
			return fail(l, "expected an integer in %lld..%lld (got %lld)",
			            (long long)f->lo, (long long)f->hi, (long long)op->x);
		return 0;
	case SC_F_INT:
		return get_expr(l, v, 0, &op->x, &op->e);
	case SC_F_DURATION:
		return get_spend(l, v, f->hi, op);
	case SC_F_CHAN:
		return get_obj_ref(l, v, sc->chan_name, sc->nchans, "channels", &op->a);
	case SC_F_MUTEX:
		return get_obj_ref(l, v, sc->mutex_name, sc->nmutexes, "mutexes", &op->a);
	case SC_F_WG:
		return get_obj_ref(l, v, sc->wg_name, sc->nwgs, "waitgroups", &op->a);
	case SC_F_LABEL:
		if (!cJSON_IsString(v) || !v->valuestring[0])
			return fail(l, "expected a non-empty string (got %s)",
			            show(v, got, sizeof got));
		if (!(op->label = intern_label(l, v->valuestring)))
			return fail(l, "out of memory");
		return 0;
	case SC_F_ARGS:
		return get_args(l, v, op);
	case SC_F_COND:
		return get_cond(l, v, op);
	default:
		return 0;
	}
}

/* The fields f[0..n) of op object v but its blocks, in table order; an
 * optional field left out takes its default. */
static int get_fields(struct ld *l, const cJSON *v, const struct sc_field *f, int n,
                      struct sc_op *op)
{
	for (int i = 0; i < n; i++) {
		const cJSON *fv = cJSON_GetObjectItemCaseSensitive(v, f[i].name);
		if (!fv && f[i].type == SC_F_ARGS) {
			if (get_args(l, NULL, op))
				return 2;
		} else if (!fv) {
			if (f[i].type == SC_F_COUNT || f[i].type == SC_F_INT)
				op->x = f[i].dflt;
		} else if (!is_block(f[i].type)) {
			size_t old = path_key(l, f[i].name);
			if (get_field(l, &f[i], fv, op))
				return 2;
			path_pop(l, old);
		}
	}
	return 0;
}

/* ---- ops ---- */

static int compile_ops(struct ld *l, const cJSON *arr, int depth);

/* Compile the op array at key of v (at the current path). */
static int compile_block(struct ld *l, const cJSON *v, const char *key, int depth)
{
	size_t old = path_key(l, key);
	if (compile_ops(l, cJSON_GetObjectItemCaseSensitive(v, key), depth))
		return 2;
	path_pop(l, old);
	return 0;
}

/* The form of select case c: the one whose first field c has, if c has
 * exactly one such field; else NULL. */
static const struct sc_opdef *case_form(const cJSON *c)
{
	const struct sc_opdef *form = NULL;
	if (!cJSON_IsObject(c))
		return NULL;
	for (int i = 0; i < sc_ncasedefs; i++) {
		if (!cJSON_GetObjectItemCaseSensitive(c, sc_casedefs[i].fields[0].name))
			continue;
		if (form)
			return NULL;
		form = &sc_casedefs[i];
	}
	return form;
}

/* The name of the first block field of form. */
static const char *case_block(const struct sc_opdef *form)
{
	const struct sc_field *f = form->fields;
	while (!is_block(f->type))
		f++;
	return f->name;
}

/* A select: op, its cases at blocks[0] of v, its default at blocks[1]. */
static int compile_select(struct ld *l, const cJSON *v, struct sc_op op, const char *const *blocks,
                          int depth)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	const cJSON *cases = cJSON_GetObjectItemCaseSensitive(v, blocks[0]);
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(v, blocks[1]);
	size_t old = path_key(l, blocks[0]);
	int n = cJSON_IsArray(cases) ? cJSON_GetArraySize(cases) : -1;
	if (n < 0 || n > SC_MAX_CASES || (n == 0 && !def))
		return fail(l, "expected an array of 1..%d cases like {\"recv\": \"c\"} (got %s)",
		            SC_MAX_CASES, show(cases, got, sizeof got));
	path_pop(l, old);
	size_t at, first;
	op.x = n;
	op.y = def != NULL;
	if (emit(l, op, &at))
		return 2;
	first = sc->nops;
	sc->ops[at].b = (uint32_t)first;
	/* the CASE ops first, so the interpreter builds its gs_case array in one pass */
	int i = 0;
	for (const cJSON *c = cases->child; c; c = c->next, i++) {
		size_t o2 = path_key(l, blocks[0]);
		path_index(l, i);
		const struct sc_opdef *form = case_form(c);
		if (!form)
			return fail(l,
			            "expected a case {\"send\": \"c\", \"value\": 1} or "
			            "{\"recv\": \"c\"}, with an optional \"then\" (got %s)",
			            show(c, got, sizeof got));
		int nf = sc_nfields(form->fields, SC_MAX_FIELDS);
		struct sc_op cop = {.kind = form->kind,
		                    .dist = (uint8_t)(1 + (form - sc_casedefs))};
		if (check_fields(l, c, NULL, form->fields, nf) ||
		    get_fields(l, c, form->fields, nf, &cop))
			return 2;
		cop.y = cop.a; /* the channel: a and b are the case's jumps */
		cop.a = 0;
		if (emit(l, cop, NULL))
			return 2;
		path_pop(l, o2);
	}
	/* then the bodies, each ending with a jump past the select */
	size_t *jumps = malloc(((size_t)n + 1) * sizeof *jumps);
	if (!jumps)
		return fail(l, "out of memory");
	i = 0;
	for (const cJSON *c = cases->child; c; c = c->next, i++) {
		size_t o2 = path_key(l, blocks[0]);
		path_index(l, i);
		const char *then = case_block(case_form(c));
		sc->ops[first + (size_t)i].a = (uint32_t)sc->nops;
		if ((cJSON_GetObjectItemCaseSensitive(c, then) &&
		     compile_block(l, c, then, depth)) ||
		    emit(l, (struct sc_op){.kind = SC_OP_JUMP}, &jumps[i])) {
			free(jumps);
			return 2;
		}
		sc->ops[first + (size_t)i].b = (uint32_t)jumps[i];
		path_pop(l, o2);
	}
	if (def && compile_block(l, v, blocks[1], depth)) {
		free(jumps);
		return 2;
	}
	for (i = 0; i < n; i++)
		sc->ops[jumps[i]].a = (uint32_t)sc->nops;
	sc->ops[at].a = (uint32_t)sc->nops;
	free(jumps);
	return 0;
}

/* Emit op with the blocks of v, named blocks[] in table order, laid out
 * around it as layout says (sc_internal.h). */
static int lay_out(struct ld *l, const cJSON *v, uint8_t layout, struct sc_op op,
                   const char *const *blocks, int depth)
{
	struct sc_scenario *sc = l->sc;
	size_t at, end;
	switch (layout) {
	case SC_L_REPEAT:
		if (emit(l, op, &at) || compile_block(l, v, blocks[0], depth + 1) ||
		    emit(l, (struct sc_op){.kind = SC_OP_END, .a = (uint32_t)at}, &end))
			return 2;
		sc->ops[at].a = (uint32_t)end;
		return 0;
	case SC_L_IF:
		if (emit(l, op, &at) || compile_block(l, v, blocks[0], depth) ||
		    emit(l, (struct sc_op){.kind = SC_OP_JUMP}, &end))
			return 2;
		sc->ops[at].a = (uint32_t)sc->nops;
		if (cJSON_GetObjectItemCaseSensitive(v, blocks[1]) &&
		    compile_block(l, v, blocks[1], depth))
			return 2;
		sc->ops[end].a = (uint32_t)sc->nops;
		return 0;
	case SC_L_SELECT:
		return compile_select(l, v, op, blocks, depth);
	default:
		return emit(l, op, NULL);
	}
}

/* One op object at the current path; depth = repeats around it. */
static int compile_op(struct ld *l, const cJSON *v, int depth)
{
	char got[96];
	if (!cJSON_IsObject(v))
		return fail(l, "expected an op object like {\"op\":\"spend\",\"ns\":100} (got %s)",
		            show(v, got, sizeof got));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "op");
	if (missing(l, v, "op"))
		return 2;
	const struct sc_opdef *d = cJSON_IsString(name) ? sc_opdef_find(name->valuestring) : NULL;
	if (!d) {
		path_key(l, "op");
		if (!cJSON_IsString(name))
			return fail(l, "expected an op name (got %s)", show(name, got, sizeof got));
		const char *names[64];
		char list[512];
		int n = 0;
		for (; n < sc_nopdefs && n < 64; n++)
			names[n] = sc_opdefs[n].name;
		join(list, sizeof list, names, n);
		return fail(l, "unknown op %s (expected %s)", show(name, got, sizeof got), list);
	}
	int n = sc_nfields(d->fields, SC_MAX_FIELDS), nb = 0;
	const char *blocks[SC_MAX_FIELDS];
	if (check_fields(l, v, "op", d->fields, n))
		return 2;
	for (int i = 0; i < n; i++) {
		if (d->fields[i].type == SC_F_LOOP && depth + 1 > SC_MAX_DEPTH)
			return fail(l, "expected repeats nested at most %d deep (got %d)",
			            SC_MAX_DEPTH, depth + 1);
		if (is_block(d->fields[i].type))
			blocks[nb++] = d->fields[i].name;
	}
	struct sc_op op = {.kind = d->kind};
	if (get_fields(l, v, d->fields, n, &op))
		return 2;
	return lay_out(l, v, d->layout, op, blocks, depth);
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

/* ---- goroutine states: counting spawns, refusing endless ones ---- */

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

/* A goroutine state: a body and its argument values. */
struct state {
	uint32_t body;
	uint8_t mark; /* 0 new, 1 on the DFS stack, 2 done */
	int64_t args[SC_MAX_ARGS];
	int64_t total; /* goroutines a goroutine in this state creates, itself included */
};

struct kid {
	uint32_t st;
	uint32_t pc; /* the spawn */
	int64_t mult;
};

struct states {
	struct state *v;
	size_t n, cap;
	uint32_t *hash; /* open addressing: state index + 1, 0 empty */
	size_t hcap;    /* power of two */
	struct kid *kids;
	size_t nkids, kcap;
	const int64_t *args; /* of the state being walked */
	uint32_t body;
};

static uint64_t state_hash(uint32_t body, const int64_t *args, int np)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ body;
	for (int i = 0; i < np; i++) {
		h ^= (uint64_t)args[i];
		h *= 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	return h;
}

/* "node(depth=3)" or "node" */
static void state_name(const struct ld *l, const struct state *s, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "%s", l->names[s->body]);
	uint8_t np = l->sc->nparams[s->body];
	for (uint8_t i = 0; i < np && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s=%lld", i ? ", " : "(",
		                      l->pnames[s->body][i], (long long)s->args[i]);
	if (np && n < cap)
		snprintf(buf + n, cap - n, ")");
}

/* Set the path to op pc's, plus key. */
static void path_at(struct ld *l, size_t pc, const char *key)
{
	l->plen = 0;
	l->path[0] = '\0';
	path_put(l, l->paths[pc]);
	if (key)
		path_key(l, key);
}

/* The state (body, args), added if new; returns its index or -1 (full). */
static int64_t intern_state(struct states *S, uint8_t np, uint32_t body, const int64_t *args)
{
	if (S->n + 1 > S->hcap / 2) {
		size_t hcap = S->hcap ? 2 * S->hcap : 1024;
		uint32_t *h = calloc(hcap, sizeof *h);
		if (!h)
			return -1;
		for (size_t i = 0; i < S->n; i++) {
			size_t j = state_hash(S->v[i].body, S->v[i].args, SC_MAX_ARGS) & (hcap - 1);
			while (h[j])
				j = (j + 1) & (hcap - 1);
			h[j] = (uint32_t)i + 1;
		}
		free(S->hash);
		S->hash = h;
		S->hcap = hcap;
	}
	int64_t a[SC_MAX_ARGS] = {0};
	memcpy(a, args, np * sizeof *a);
	size_t j = state_hash(body, a, SC_MAX_ARGS) & (S->hcap - 1);
	for (; S->hash[j]; j = (j + 1) & (S->hcap - 1)) {
		struct state *s = &S->v[S->hash[j] - 1];
		if (s->body == body && memcmp(s->args, a, sizeof a) == 0)
			return S->hash[j] - 1;
	}
	if (S->n >= SC_MAX_STATES || !grow((void **)&S->v, &S->cap, S->n + 1, sizeof *S->v))
		return -1;
	S->v[S->n] = (struct state){.body = body};
	memcpy(S->v[S->n].args, a, sizeof a);
	S->hash[j] = (uint32_t)S->n + 1;
	return (int64_t)S->n++;
}

/* Check that an evaluated value is within lo..hi (at op pc's key). */
static int check_range(struct ld *l, struct states *S, size_t pc, const char *key, int64_t v,
                       int64_t lo, int64_t hi)
{
	if (v >= lo && v <= hi)
		return 0;
	char st[200];
	struct state tmp = {.body = S->body};
	memcpy(tmp.args, S->args, sizeof tmp.args);
	state_name(l, &tmp, st, sizeof st);
	path_at(l, pc, key);
	return fail(l, "expected an integer in %lld..%lld (got %lld in %s)", (long long)lo,
	            (long long)hi, (long long)v, st);
}

/* Run ops [pc, end) of the state being walked, started mult times:
 * collect its spawns (unless dry) and check evaluated values.  Returns 1
 * when every path through them ends at an exit, 0 when not, 2 on error.
 * Recursion depth is bounded by the document's nesting. */
static int walk(struct ld *l, struct states *S, size_t pc, size_t end, int64_t mult, bool dry)
{
	const struct sc_scenario *sc = l->sc;
	const int64_t *args = S->args;
	while (pc < end) {
		const struct sc_op *op = &sc->ops[pc];
		const struct sc_field *rf = l->ranged[op->kind];
		int64_t v;
		int r;
		/* a literal was checked when it was read */
		if (!dry && rf && op->e &&
		    check_range(l, S, pc, rf->name, sc_eval(sc, op->e, args), rf->lo, rf->hi))
			return 2;
		switch (op->kind) {
		case SC_OP_SPAWN: {
			if (dry) {
				pc++;
				break;
			}
			v = sc_val(sc, op->x, op->e, args);
			if (v > 0 && mult > 0) {
				int64_t a[SC_MAX_ARGS] = {0};
				uint8_t np = sc->nparams[op->a];
				for (uint8_t i = 0; i < np; i++)
					a[i] = sc_val(sc, sc->spawn_args[op->b + i].x,
					              sc->spawn_args[op->b + i].e, args);
				int64_t st = intern_state(S, np, op->a, a);
				if (st < 0) {
					path_at(l, pc, "body");
					return fail(l,
					            "expected spawns that end (got more than %d "
					            "distinct goroutine states: does an argument "
					            "approach a bound?)",
					            SC_MAX_STATES);
				}
				if (!grow((void **)&S->kids, &S->kcap, S->nkids + 1,
				          sizeof *S->kids))
					return fail(l, "out of memory");
				S->kids[S->nkids++] = (struct kid){.st = (uint32_t)st,
				                                   .pc = (uint32_t)pc,
				                                   .mult = sat_mul(mult, v)};
			}
			pc++;
			break;
		}
		case SC_OP_REPEAT:
			v = sc_val(sc, op->x, op->e, args);
			if (v <= 0) {
				pc = op->a + 1;
				break;
			}
			r = walk(l, S, pc + 1, op->a, mult, true);
			if (r == 2)
				return 2;
			/* an exit in the first pass ends the goroutine: one pass */
			if (!dry &&
			    walk(l, S, pc + 1, op->a, r ? mult : sat_mul(mult, v), false) == 2)
				return 2;
			if (r)
				return 1;
			pc = op->a + 1;
			break;
		case SC_OP_EXIT:
			return 1;
		case SC_OP_IF: {
			size_t jump = op->a - 1; /* ends the then part */
			r = sc_cond_true(sc, op, args)
			            ? walk(l, S, pc + 1, jump, mult, dry)
			            : walk(l, S, op->a, sc->ops[jump].a, mult, dry);
			if (r)
				return r;
			pc = sc->ops[jump].a;
			break;
		}
		case SC_OP_SELECT: {
			/* any case may run: follow each; none is a definite exit */
			for (int64_t k = 0; k < op->x; k++) {
				const struct sc_op *c = &sc->ops[op->b + k];
				if (walk(l, S, c->a, c->b, mult, dry) == 2)
					return 2;
			}
			size_t def = op->x ? sc->ops[op->b + op->x - 1].b + 1 : op->b;
			if (op->y && walk(l, S, def, op->a, mult, dry) == 2)
				return 2;
			pc = op->a;
			break;
		}
		default:
			pc++;
		}
	}
	return 0;
}

/* Evaluate every goroutine state reachable from main (iterative DFS: a
 * chain of many states must not exhaust the C stack), count the
 * goroutines a run creates, and refuse a spawn cycle. */
static int check_spawns(struct ld *l)
{
	struct sc_scenario *sc = l->sc;
	struct states S = {0};
	struct frame {
		uint32_t st;
		size_t kids, nkids, next;
		int64_t acc;
	} *stk = NULL;
	size_t top = 0, scap = 0;
	int rc = 2;
	int64_t root =
	        intern_state(&S, sc->nparams[sc->main], sc->main, sc->param_default[sc->main]);
	if (root < 0 || !grow((void **)&stk, &scap, 1, sizeof *stk)) {
		fail(l, "out of memory checking spawns");
		goto fail;
	}
	stk[0] = (struct frame){.st = (uint32_t)root};
	for (;;) {
		struct frame *f = &stk[top];
		struct state *s = &S.v[f->st];
		if (s->mark == 0) {                /* first visit: collect its spawns */
			int64_t args[SC_MAX_ARGS]; /* walk may grow S.v: not s->args */
			memcpy(args, s->args, sizeof args);
			s->mark = 1;
			f->acc = 1;
			f->kids = S.nkids;
			S.args = args;
			S.body = s->body;
			uint32_t b = s->body;
			size_t end = b + 1 < sc->nbodies ? sc->body_start[b + 1] : sc->nops;
			if (walk(l, &S, sc->body_start[b], end, 1, false) == 2)
				goto fail;
			f = &stk[top]; /* S.v may have moved; stk did not */
			f->nkids = S.nkids - f->kids;
			f->next = 0;
		}
		bool pushed = false;
		while (f->next < f->nkids) {
			struct kid k = S.kids[f->kids + f->next];
			struct state *c = &S.v[k.st];
			if (c->mark == 2) {
				f->acc = sat_add(f->acc, sat_mul(k.mult, c->total));
				f->next++;
				continue;
			}
			if (c->mark == 1) {
				char cyc[400], nm[200];
				size_t n = 0, j = top;
				while (stk[j].st != k.st)
					j--;
				cyc[0] = '\0';
				for (; j <= top && n < sizeof cyc; j++) {
					state_name(l, &S.v[stk[j].st], nm, sizeof nm);
					n += (size_t)snprintf(cyc + n, sizeof cyc - n, "%s -> ",
					                      nm);
				}
				state_name(l, c, nm, sizeof nm);
				if (n < sizeof cyc)
					snprintf(cyc + n, sizeof cyc - n, "%s", nm);
				path_at(l, k.pc, "body");
				fail(l, "expected spawns that end (got the endless cycle %s)", cyc);
				goto fail;
			}
			if (!grow((void **)&stk, &scap, top + 2, sizeof *stk)) {
				fail(l, "out of memory checking spawns");
				goto fail;
			}
			f = &stk[top];
			stk[++top] = (struct frame){.st = k.st};
			pushed = true;
			break;
		}
		if (pushed)
			continue;
		s = &S.v[f->st];
		s->total = f->acc;
		s->mark = 2;
		S.nkids = f->kids;
		if (top == 0)
			break;
		top--;
		/* the parent's kid is done: fold it in */
		struct frame *p = &stk[top];
		struct kid k = S.kids[p->kids + p->next];
		p->acc = sat_add(p->acc, sat_mul(k.mult, S.v[k.st].total));
		p->next++;
	}
	sc->goroutines = S.v[root].total;
	rc = 0;
fail:
	free(S.v);
	free(S.hash);
	free(S.kids);
	free(stk);
	return rc;
}

/* ---- declarations ---- */

/* A list of unique names ("mutexes": ["mu"]) at key of root. */
static int get_names(struct ld *l, const cJSON *root, const char *key, char ***out, uint32_t *n)
{
	char got[96];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	if (!v)
		return 0;
	size_t old = path_key(l, key);
	int cnt = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
	if (cnt < 0 || cnt > SC_MAX_OBJECTS)
		return fail(l, "expected an array of at most %d names like [\"mu\"] (got %s)",
		            SC_MAX_OBJECTS, show(v, got, sizeof got));
	if (!(*out = calloc((size_t)cnt + 1, sizeof **out)))
		return fail(l, "out of memory");
	int i = 0;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		size_t o2 = path_index(l, i);
		if (!cJSON_IsString(e) || !e->valuestring[0])
			return fail(l, "expected a non-empty string (got %s)",
			            show(e, got, sizeof got));
		if (find_name(*out, *n, e->valuestring) >= 0)
			return fail(l, "expected a name not given before (got %s)",
			            show(e, got, sizeof got));
		if (!((*out)[(*n)++] = strdup(e->valuestring)))
			return fail(l, "out of memory");
		path_pop(l, o2);
	}
	path_pop(l, old);
	return 0;
}

static int get_channels(struct ld *l, const cJSON *root)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "channels");
	if (!v)
		return 0;
	size_t old = path_key(l, "channels");
	int cnt = cJSON_IsObject(v) ? cJSON_GetArraySize(v) : -1;
	if (cnt < 0 || cnt > SC_MAX_OBJECTS)
		return fail(l,
		            "expected an object of at most %d channels like {\"jobs\": "
		            "{\"cap\": 16}} (got %s)",
		            SC_MAX_OBJECTS, show(v, got, sizeof got));
	sc->chan_name = calloc((size_t)cnt + 1, sizeof *sc->chan_name);
	sc->chan_cap = calloc((size_t)cnt + 1, sizeof *sc->chan_cap);
	if (!sc->chan_name || !sc->chan_cap)
		return fail(l, "out of memory");
	for (const cJSON *c = v->child; c; c = c->next) {
		size_t o2 = path_key(l, c->string);
		if (find_name(sc->chan_name, sc->nchans, c->string) >= 0) {
			char q[160];
			quote(q, sizeof q, c->string, 64);
			return fail(l, "duplicate key %s", q);
		}
		if (!cJSON_IsObject(c))
			return fail(l, "expected a channel like {} or {\"cap\": 16} (got %s)",
			            show(c, got, sizeof got));
		const struct sc_field *f = &sc_chanfields[0]; /* its only field: cap */
		const cJSON *fv = cJSON_GetObjectItemCaseSensitive(c, f->name);
		int64_t cap = 0;
		if (check_fields(l, c, NULL, sc_chanfields, sc_nchanfields))
			return 2;
		if (fv) {
			size_t o3 = path_key(l, f->name);
			if (get_uint(l, fv, f->hi, &cap))
				return 2;
			path_pop(l, o3);
		}
		if (!(sc->chan_name[sc->nchans] = strdup(c->string)))
			return fail(l, "out of memory");
		sc->chan_cap[sc->nchans++] = cap;
		path_pop(l, o2);
	}
	path_pop(l, old);
	return 0;
}

/* "params": {"node": {"depth": 10}} */
static int get_params(struct ld *l, const cJSON *root)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (!v)
		return 0;
	size_t old = path_key(l, "params");
	if (!cJSON_IsObject(v))
		return fail(l,
		            "expected an object of bodies' params like {\"node\": "
		            "{\"depth\": 10}} (got %s)",
		            show(v, got, sizeof got));
	for (const cJSON *b = v->child; b; b = b->next) {
		size_t o2 = path_key(l, b->string);
		int64_t bi = find_body(l, b->string);
		char q[160];
		quote(q, sizeof q, b->string, 64);
		if (bi < 0)
			return fail(l, "expected the name of a body in $.bodies (got %s)", q);
		if (sc->nparams[bi])
			return fail(l, "duplicate key %s", q);
		int np = cJSON_IsObject(b) ? cJSON_GetArraySize(b) : -1;
		if (np < 1 || np > SC_MAX_ARGS)
			return fail(l,
			            "expected an object of 1..%d params with default values "
			            "like {\"depth\": 10} (got %s)",
			            SC_MAX_ARGS, show(b, got, sizeof got));
		int i = 0;
		for (const cJSON *p = b->child; p; p = p->next, i++) {
			size_t o3 = path_key(l, p->string);
			quote(q, sizeof q, p->string, 64);
			if (!is_ident(p->string))
				return fail(l,
				            "expected a param name made of letters, digits, _ "
				            "and - (got %s)",
				            q);
			for (int j = 0; j < i; j++)
				if (strcmp(l->pnames[bi][j], p->string) == 0)
					return fail(l, "duplicate key %s", q);
			if (!is_integer(p) || fabs(p->valuedouble) > 9007199254740992.0)
				return fail(l, "expected an integer default value (got %s)",
				            show(p, got, sizeof got));
			l->pnames[bi][i] = p->string;
			sc->param_default[bi][i] = (int64_t)p->valuedouble;
			path_pop(l, o3);
		}
		sc->nparams[bi] = (uint8_t)np;
		path_pop(l, o2);
	}
	path_pop(l, old);
	return 0;
}

/* A label in use, at the current path. */
static int get_label_ref(struct ld *l, const cJSON *v, const char **out)
{
	char got[96];
	if (!cJSON_IsString(v) || !has_label(l->sc, v->valuestring))
		return fail(l, "expected a label given by a spawn or by main-label (got %s)",
		            show(v, got, sizeof got));
	*out = intern_label(l, v->valuestring);
	return 0;
}

/* Field f of an assertion, given as v, at its path, into as. */
static int get_assert_field(struct ld *l, const struct sc_field *f, const cJSON *v,
                            struct sc_assert *as)
{
	char got[96];
	switch (f->type) {
	case SC_F_LABEL_REF:
		return get_label_ref(l, v, &as->label);
	case SC_F_LABEL_PAIR: {
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
			return fail(l, "expected two labels [\"a\", \"b\"] (got %s)",
			            show(v, got, sizeof got));
		size_t old = path_index(l, 0);
		if (get_label_ref(l, v->child, &as->label))
			return 2;
		path_pop(l, old);
		path_index(l, 1);
		if (get_label_ref(l, v->child->next, &as->label2))
			return 2;
		path_pop(l, old);
		return 0;
	}
	case SC_F_NS:
		return get_uint(l, v, f->hi, &as->ns);
	case SC_F_UINT:
		return get_uint(l, v, f->hi, &as->n);
	case SC_F_FACTOR:
		if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)f->lo) ||
		    v->valuedouble > (double)f->hi)
			return fail(l, "expected a factor >= %lld (got %s)", (long long)f->lo,
			            show(v, got, sizeof got));
		as->within = v->valuedouble;
		return 0;
	case SC_F_EVKIND: {
		int e = 1;
		while (e < RT_EV__COUNT && !(cJSON_IsString(v) && rt_evkind_name[e] &&
		                             strcmp(v->valuestring, rt_evkind_name[e]) == 0))
			e++;
		if (e == RT_EV__COUNT)
			return fail(l,
			            "expected an event kind of docs/database.md such as steal, "
			            "preempt or gstatus (got %s)",
			            show(v, got, sizeof got));
		as->kind_name = rt_evkind_name[e];
		return 0;
	}
	default:
		return 0;
	}
}

/* The assertion called name, or NULL. */
static const struct sc_assertdef *find_assertdef(const char *name)
{
	for (int i = 0; i < sc_nassertdefs; i++)
		if (strcmp(sc_assertdefs[i].name, name) == 0)
			return &sc_assertdefs[i];
	return NULL;
}

/* "assert": [{"all-finish": true}, {"cpu-share": {...}}, ...] */
static int get_asserts(struct ld *l, const cJSON *root)
{
	char got[96];
	struct sc_scenario *sc = l->sc;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "assert");
	if (!v)
		return 0;
	size_t old = path_key(l, "assert");
	int cnt = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
	if (cnt < 0)
		return fail(l,
		            "expected an array of assertions like [{\"all-finish\": true}] "
		            "(got %s)",
		            show(v, got, sizeof got));
	if (!(sc->asserts = calloc((size_t)cnt + 1, sizeof *sc->asserts)))
		return fail(l, "out of memory");
	bool finish = false, deadlock = false;
	int i = 0;
	for (const cJSON *a = v->child; a; a = a->next, i++) {
		size_t o2 = path_index(l, i);
		struct sc_assert *as = &sc->asserts[sc->nasserts];
		snprintf(as->path, sizeof as->path, "$.assert[%d]", i);
		if (!cJSON_IsObject(a) || !a->child || a->child->next)
			return fail(l,
			            "expected one assertion like {\"all-finish\": true} (got %s)",
			            show(a, got, sizeof got));
		const cJSON *x = a->child;
		const struct sc_assertdef *d = find_assertdef(x->string);
		path_key(l, x->string);
		if (!d) {
			const char *names[64];
			char q[160], list[512];
			int n = 0;
			for (; n < sc_nassertdefs && n < 64; n++)
				names[n] = sc_assertdefs[n].name;
			join(list, sizeof list, names, n);
			quote(q, sizeof q, x->string, 64);
			return fail(l, "unknown assertion %s (expected %s)", q, list);
		}
		as->kind = d->kind;
		int n = sc_nfields(d->fields, SC_MAX_ASSERT_FIELDS);
		if (!d->shape && !cJSON_IsTrue(x))
			return fail(l, "expected true (got %s)", show(x, got, sizeof got));
		if (d->shape && !cJSON_IsObject(x))
			return fail(l, "expected %s (got %s)", d->shape, show(x, got, sizeof got));
		if (d->shape && check_fields(l, x, NULL, d->fields, n))
			return 2;
		for (int j = 0; j < n; j++) {
			const cJSON *fv = cJSON_GetObjectItemCaseSensitive(x, d->fields[j].name);
			if (!fv && !d->fields[j].required)
				continue;
			size_t o3 = path_key(l, d->fields[j].name);
			if (d->fields[j].native) {
				/* the same field's type, into the native bounds */
				struct sc_assert nat = *as;
				if (get_assert_field(l, &d->fields[j], fv, &nat))
					return 2;
				as->native = true;
				as->native_ns = nat.ns;
				as->native_n = nat.n;
				as->native_within = nat.within;
			} else if (get_assert_field(l, &d->fields[j], fv, as)) {
				return 2;
			}
			path_pop(l, o3);
		}
		/* a run cannot both complete and deadlock */
		finish |= as->kind == SC_ASSERT_ALL_FINISH;
		deadlock |= as->kind == SC_ASSERT_DEADLOCK;
		if (finish && deadlock)
			return fail(l, "expected either all-finish or deadlock, not both");
		sc->nasserts++;
		path_pop(l, o2);
	}
	path_pop(l, old);
	return 0;
}

/* ---- the document ---- */

static int compile(struct ld *l, const cJSON *root)
{
	struct sc_scenario *sc = l->sc;
	char got[96];
	size_t old;
	if (!cJSON_IsObject(root))
		return fail(l, "expected a scenario object (got %s)", show(root, got, sizeof got));
	if (check_fields(l, root, NULL, sc_docfields, sc_ndocfields))
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
	l->pnames = calloc((size_t)nb, sizeof *l->pnames);
	sc->body_start = malloc((size_t)nb * sizeof *sc->body_start);
	sc->nparams = calloc((size_t)nb, sizeof *sc->nparams);
	sc->param_default = calloc((size_t)nb, sizeof *sc->param_default);
	if (!l->names || !l->sorted || !l->bodies_json || !l->pnames || !sc->body_start ||
	    !sc->nparams || !sc->param_default)
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

	if (get_params(l, root) || get_channels(l, root) ||
	    get_names(l, root, "mutexes", &sc->mutex_name, &sc->nmutexes) ||
	    get_names(l, root, "waitgroups", &sc->wg_name, &sc->nwgs))
		return 2;
	v = cJSON_GetObjectItemCaseSensitive(root, "main-label");
	if (v) {
		path_key(l, "main-label");
		if (!cJSON_IsString(v) || !v->valuestring[0])
			return fail(l, "expected a non-empty string (got %s)",
			            show(v, got, sizeof got));
		if (!(sc->main_label = (char *)intern_label(l, v->valuestring)))
			return fail(l, "out of memory");
		path_pop(l, 1);
	}

	for (i = 0; i < nb; i++) {
		size_t o1 = path_key(l, "bodies");
		path_key(l, l->names[i]);
		l->body = (uint32_t)i;
		sc->body_start[i] = (uint32_t)sc->nops;
		if (compile_ops(l, l->bodies_json[i], 0) ||
		    emit(l, (struct sc_op){.kind = SC_OP_EXIT}, NULL))
			return 2;
		path_pop(l, o1);
	}
	if (get_asserts(l, root))
		return 2;
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
	for (int i = 0; i < sc_nopdefs; i++)
		for (const struct sc_field *f = sc_opdefs[i].fields;
		     f < sc_opdefs[i].fields + SC_MAX_FIELDS && f->name; f++)
			if (f->type == SC_F_COUNT || f->type == SC_F_DURATION)
				l.ranged[sc_opdefs[i].kind] = f;
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
	for (size_t i = 0; i < l.npaths; i++)
		free(l.paths[i]);
	free(l.paths);
	sc_free(l.sc);
	free(l.pnames);
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
	char list[1024];
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
	free(sc->nparams);
	free(sc->param_default);
	free(sc->ops);
	free(sc->exprs);
	free(sc->spawn_args);
	for (uint32_t i = 0; i < sc->nchans; i++)
		free(sc->chan_name[i]);
	free(sc->chan_name);
	free(sc->chan_cap);
	for (uint32_t i = 0; i < sc->nmutexes; i++)
		free(sc->mutex_name[i]);
	free(sc->mutex_name);
	for (uint32_t i = 0; i < sc->nwgs; i++)
		free(sc->wg_name[i]);
	free(sc->wg_name);
	free(sc->asserts);
	for (size_t i = 0; i < sc->nlabels; i++)
		free(sc->labels[i]);
	free(sc->labels);
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

size_t sc_assert_count(const struct sc_scenario *sc)
{
	return sc->nasserts;
}

const struct sc_assert *sc_assert_get(const struct sc_scenario *sc, size_t i)
{
	return i < sc->nasserts ? &sc->asserts[i] : NULL;
}

const char *sc_main_label(const struct sc_scenario *sc)
{
	return sc->main_label;
}
