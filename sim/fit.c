/*
 * fit.c - the figures scripts/calibrate fits (cost.h's SIM_FIT_PARAMS):
 * their defaults, and a run's overrides, given as "key=ns,key=ns", as a
 * cost file of such lines, or as both ("host.cost,os-away=0": `gsched run
 * --cost`, GSCHED_COST).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "sim.h"

_Static_assert(SIM_FIT_N <= SIM_FIT_MAX, "SIM_FIT_MAX too small for cost.h's SIM_FIT_PARAMS");

static const struct {
	const char *key;
	int64_t def, min;
} params[SIM_FIT_N] = {
#define SIM_FIT_ROW(id, k, d, m) [SIM_FIT_##id] = {k, d, m},
        SIM_FIT_PARAMS(SIM_FIT_ROW)
#undef SIM_FIT_ROW
};

void sim_fit_defaults(int64_t fit[SIM_FIT_MAX])
{
	for (int i = 0; i < SIM_FIT_MAX; i++)
		fit[i] = i < SIM_FIT_N ? params[i].def : 0;
}

/* "expected key=ns[,key=ns...] with keys a b c (got 'TEXT')" */
static void expected_keys(char *err, size_t errlen, const char *where, const char *text)
{
	int n = snprintf(err, errlen, "%sexpected key=ns[,key=ns...] with keys", where);
	for (int j = 0; j < SIM_FIT_N && n > 0 && (size_t)n < errlen; j++)
		n += snprintf(err + n, errlen - (size_t)n, " %s", params[j].key);
	if (n > 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, " (got '%.80s')", text);
}

/* Apply text[0..len), "key=ns[,key=ns...]" (spaces around each item
 * allowed), on top of fit.  where prefixes every message ("" or
 * "FILE:LINE: "); given[] marks the keys set, and a key set twice is an
 * error. */
static bool apply(const char *text, size_t len, int64_t fit[SIM_FIT_MAX], bool given[SIM_FIT_N],
                  const char *where, char *err, size_t errlen)
{
	char buf[512];
	if (len >= sizeof buf) {
		snprintf(err, errlen, "%sexpected at most %zu characters (got %zu)", where,
		         sizeof buf - 1, len);
		return false;
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item += strspn(item, " \t");
		char *eq = strchr(item, '=');
		size_t klen = eq ? (size_t)(eq - item) : strlen(item);
		while (klen > 0 && (item[klen - 1] == ' ' || item[klen - 1] == '\t'))
			klen--;
		int i = 0;
		while (i < SIM_FIT_N &&
		       !(strlen(params[i].key) == klen && strncmp(params[i].key, item, klen) == 0))
			i++;
		if (i == SIM_FIT_N || !eq) {
			expected_keys(err, errlen, where, item);
			return false;
		}
		const char *v = eq + 1 + strspn(eq + 1, " \t");
		char *end;
		errno = 0;
		long long x = strtoll(v, &end, 10);
		end += strspn(end, " \t");
		if (end == v || *end != 0 || *v == '-' || *v == '+' || errno == ERANGE) {
			snprintf(err, errlen, "%s%s: expected a number of ns (got '%.40s')", where,
			         params[i].key, v);
			return false;
		}
		if (x < params[i].min) {
			snprintf(err, errlen, "%s%s: expected at least %" PRId64 " ns (got %lld)",
			         where, params[i].key, params[i].min, x);
			return false;
		}
		if (given[i]) {
			snprintf(err, errlen, "%s%s: given twice", where, params[i].key);
			return false;
		}
		given[i] = true;
		fit[i] = x;
	}
	return true;
}

bool sim_fit_parse(const char *spec, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen)
{
	bool given[SIM_FIT_N] = {false};
	sim_fit_defaults(fit);
	if (!spec || !*spec)
		return true;
	if (strspn(spec, " \t,") == strlen(spec)) {
		expected_keys(err, errlen, "", spec);
		return false;
	}
	return apply(spec, strlen(spec), fit, given, "", err, errlen);
}

/* Apply the cost file at path on top of fit; a key given twice in the
 * file is an error. */
static bool load_file(const char *path, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%.200s: %s (expected a cost file, or key=ns[,key=ns...])",
		         path, strerror(errno));
		return false;
	}
	bool given[SIM_FIT_N] = {false}, ok = true;
	char line[1024], where[256];
	for (int lineno = 1; ok && fgets(line, sizeof line, f); lineno++) {
		size_t len = strlen(line);
		snprintf(where, sizeof where, "%.200s:%d: ", path, lineno);
		if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%sline too long (expected key=ns)", where);
			ok = false;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		len = strcspn(line, "\r\n");
		line[len] = 0;
		if (strspn(line, " \t") == len)
			continue;
		ok = apply(line, len, fit, given, where, err, errlen);
	}
	if (ok && ferror(f)) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		ok = false;
	}
	fclose(f);
	return ok;
}

bool sim_fit_load(const char *arg, int64_t fit[SIM_FIT_MAX], char *err, size_t errlen)
{
	sim_fit_defaults(fit);
	if (!arg || strspn(arg, " \t,") == strlen(arg)) {
		snprintf(err, errlen, "expected a cost file or key=ns[,key=ns...] (got '%.80s')",
		         arg ? arg : "");
		return false;
	}
	/* Items left to right, each on top of those before it: a file name,
	 * or a key=ns pair.  A key given twice among the pairs, or twice in
	 * one file, is a mistake, not an override. */
	bool given[SIM_FIT_N] = {false};
	for (const char *item = arg; item;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		const char *next = comma ? comma + 1 : NULL;
		size_t lead = strspn(item, " \t");
		item += lead < len ? lead : len;
		len -= lead < len ? lead : len;
		while (len > 0 && (item[len - 1] == ' ' || item[len - 1] == '\t'))
			len--;
		if (len > 0 && memchr(item, '=', len)) {
			if (!apply(item, len, fit, given, "", err, errlen))
				return false;
		} else if (len > 0) {
			char path[1024];
			if (len >= sizeof path) {
				snprintf(err, errlen,
				         "expected a cost file name of at most %zu "
				         "characters (got %zu)",
				         sizeof path - 1, len);
				return false;
			}
			memcpy(path, item, len);
			path[len] = 0;
			if (!load_file(path, fit, err, errlen))
				return false;
		}
		item = next;
	}
	return true;
}

void sim_fit_format(const int64_t fit[SIM_FIT_MAX], char *buf, size_t len)
{
	size_t n = 0;
	if (len)
		buf[0] = 0;
	for (int i = 0; i < SIM_FIT_N && n < len; i++) {
		int w = snprintf(buf + n, len - n, "%s%s=%" PRId64, i ? "," : "", params[i].key,
		                 fit[i]);
		if (w < 0)
			return;
		n += (size_t)w;
	}
}
