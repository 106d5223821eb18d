/*
 * check_audit.c - docs/port-audit.md covers every function of runtime/.
 *
 * The audit is a table with one row per Go function the port covers (its
 * C column names the C functions that port it) and a table of gsched's own
 * functions.  This suite parses the C sources of runtime/ (*.c and the
 * static inline functions of *.h) for function definitions and the audit
 * for the names in those columns, and fails if a function is in neither,
 * if the audit names a function runtime/ does not define, or if a row's
 * status is not one of the audit's five or says something other than
 * "same" without notes.  So a function cannot be added to runtime/
 * without saying which Go function it ports, or that it ports none.
 *
 * The parser is deliberately small: comments, string and character
 * literals and preprocessor lines are blanked out, and at file scope a
 * '{' whose preceding text (since the last ';' or '}') has a '(' and no
 * '=' opens a function body; the name is the identifier before the first
 * '('.  runtime/ declares no function returning a function pointer and
 * uses no attributes with parentheses, which is all this relies on; the
 * test below that counts proc.c's definitions would notice if it broke.
 *
 * Alternatives rejected: a hand-kept list of runtime/'s functions (it
 * would go stale exactly when the audit does); nm on the built objects
 * (static functions the compiler inlines vanish, and the test would
 * depend on the optimisation level).
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"

#define AUDIT_DOC   GSCHED_SOURCE_DIR "/docs/port-audit.md"
#define RUNTIME_DIR GSCHED_SOURCE_DIR "/runtime"

/* A set of names, each with where it was found (a file, or a doc line). */
struct names {
	char **name;
	char **where;
	size_t n, cap;
};

static void names_add(struct names *s, const char *name, size_t len, const char *where)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->name = realloc(s->name, s->cap * sizeof *s->name);
		s->where = realloc(s->where, s->cap * sizeof *s->where);
		ck_assert_ptr_nonnull(s->name);
		ck_assert_ptr_nonnull(s->where);
	}
	s->name[s->n] = strndup(name, len);
	s->where[s->n] = strdup(where);
	s->n++;
}

static int names_find(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return (int)i;
	return -1;
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->name[i]);
		free(s->where[i]);
	}
	free(s->name);
	free(s->where);
	memset(s, 0, sizeof *s);
}

/* Blank out comments, string and character literals, and preprocessor
 * lines (with their continuations), keeping newlines. */
static void strip_c(char *s)
{
	size_t n = strlen(s);
	int bol = 1; /* only blanks since the start of the line */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '/' && s[i + 1] == '*') {
			for (; i < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
				if (s[i] != '\n')
					s[i] = ' ';
			if (i < n)
				s[i] = s[i + 1] = ' ', i++;
		} else if (s[i] == '/' && s[i + 1] == '/') {
			for (; i < n && s[i] != '\n'; i++)
				s[i] = ' ';
			bol = 1;
		} else if (s[i] == '"' || s[i] == '\'') {
			char q = s[i];
			for (i++; i < n && s[i] != q; i++) {
				if (s[i] == '\\')
					s[i++] = ' ';
				s[i] = ' ';
			}
			bol = 0;
		} else if (s[i] == '#' && bol) {
			for (; i < n && s[i] != '\n'; i++) {
				if (s[i] == '\\' && s[i + 1] == '\n')
					i++; /* a continuation: keep its newline, go on */
				else
					s[i] = ' ';
			}
			bol = 1;
		} else if (s[i] == '\n') {
			bol = 1;
		} else if (!isspace((unsigned char)s[i])) {
			bol = 0;
		}
	}
}

static int is_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Add every function defined at file scope in the stripped source s. */
static void collect_defs(const char *s, const char *file, struct names *defs)
{
	int depth = 0;
	size_t start = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '{') {
			if (depth++ != 0)
				continue;
			const char *hdr = s + start;
			size_t len = i - start;
			const char *paren = memchr(hdr, '(', len);
			if (!paren || memchr(hdr, '=', len))
				continue;
			const char *e = paren;
			while (e > hdr && isspace((unsigned char)e[-1]))
				e--;
			const char *b = e;
			while (b > hdr && is_ident_char((unsigned char)b[-1]))
				b--;
			if (b < e && !isdigit((unsigned char)*b))
				names_add(defs, b, (size_t)(e - b), file);
		} else if (s[i] == '}') {
			if (--depth == 0)
				start = i + 1;
		} else if (s[i] == ';' && depth == 0) {
			start = i + 1;
		}
	}
}

static void collect_runtime(struct names *defs)
{
	DIR *d = opendir(RUNTIME_DIR);
	ck_assert_msg(d != NULL, "cannot open %s", RUNTIME_DIR);
	struct dirent *de;
	char path[4096];
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 3 || de->d_name[0] == '.' ||
		    (strcmp(de->d_name + len - 2, ".c") != 0 &&
		     strcmp(de->d_name + len - 2, ".h") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", RUNTIME_DIR, de->d_name);
		char *src = test_read_file(path);
		strip_c(src);
		collect_defs(src, de->d_name, defs);
		free(src);
	}
	closedir(d);
}

/* The audit's tables.  A table is a header row, a |---| row and data
 * rows; cells are split at '|' (the audit keeps '|' out of its cells). */
#define MAXCELLS 8

struct audit {
	struct names listed; /* backticked names of the C columns */
	size_t gorows;       /* rows of tables with a C column */
	size_t ownrows;      /* rows of the gsched-only table */
	char bad[2048];      /* rows with a bad status or no notes */
};

static int split_cells(char *line, char **cells)
{
	int n = 0;
	char *p = line + 1; /* after the leading '|' */
	while (n < MAXCELLS) {
		char *bar = strchr(p, '|');
		if (!bar)
			break;
		*bar = 0;
		while (isspace((unsigned char)*p))
			p++;
		char *e = bar;
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = 0;
		cells[n++] = p;
		p = bar + 1;
	}
	return n;
}

static void add_backticked(struct names *listed, const char *cell, const char *where)
{
	const char *p = cell;
	while ((p = strchr(p, '`')) != NULL) {
		const char *q = strchr(p + 1, '`');
		if (!q)
			break;
		const char *b = p + 1;
		size_t len = 0;
		while (b + len < q && is_ident_char((unsigned char)b[len]))
			len++;
		if (len > 0 && b + len == q && !isdigit((unsigned char)*b))
			names_add(listed, b, len, where);
		p = q + 1;
	}
}

static int status_ok(const char *status)
{
	static const char *const allowed[] = {"same", "differs", "missing", "later release"};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strncmp(status, allowed[i], strlen(allowed[i])) == 0)
			return 1;
	return 0;
}

static void parse_audit(const char *doc, struct audit *a)
{
	char *text = strdup(doc);
	char *save = NULL;
	int ccol = -1, scol = -1, ncol = -1, own = 0, in_table = 0, lineno = 0;
	char *prev = NULL;
	memset(a, 0, sizeof *a);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] != '|') {
			in_table = 0;
			prev = NULL;
			continue;
		}
		if (strncmp(line, "|---", 4) == 0 && prev) {
			/* prev was the header. */
			char *cells[MAXCELLS];
			char *hdr = strdup(prev);
			int n = split_cells(hdr, cells);
			ccol = scol = ncol = -1;
			own = 0;
			for (int i = 0; i < n; i++) {
				if (strcmp(cells[i], "C") == 0)
					ccol = i;
				else if (strcmp(cells[i], "C (gsched only)") == 0)
					ccol = i, own = 1;
				else if (strcmp(cells[i], "status") == 0)
					scol = i;
				else if (strcmp(cells[i], "notes") == 0)
					ncol = i;
			}
			free(hdr);
			in_table = 1;
			continue;
		}
		prev = line;
		if (!in_table || ccol < 0)
			continue;
		char *cells[MAXCELLS], where[64];
		char *row = strdup(line);
		int n = split_cells(row, cells);
		snprintf(where, sizeof where, "port-audit.md row %.40s", n > 0 ? cells[0] : "?");
		if (ccol < n)
			add_backticked(&a->listed, cells[ccol], where);
		if (own) {
			a->ownrows++;
		} else {
			a->gorows++;
			const char *status = scol >= 0 && scol < n ? cells[scol] : "";
			const char *notes = ncol >= 0 && ncol < n ? cells[ncol] : "";
			if (!status_ok(status) || (strcmp(status, "same") != 0 && notes[0] == 0)) {
				size_t used = strlen(a->bad);
				snprintf(a->bad + used, sizeof a->bad - used,
				         " %.40s (status '%s')", n > 0 ? cells[0] : "?", status);
			}
		}
		free(row);
	}
	free(text);
}

/* The parser finds the definitions this suite relies on seeing. */
START_TEST(test_parser_finds_definitions)
{
	struct names defs = {0};
	collect_runtime(&defs);
	static const char *const expect[] = {
	        "findRunnable", "rt_handoffp", "schedloop",     "rt_rt0_go", /* multi-line params */
	        "rt_throw",     "rt_runqput",  "gQueue_empty",  "pMask_read",
	        "doaddtimer",   "rt_selectgo", "rt_semacquire1"};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
		ck_assert_msg(names_find(&defs, expect[i]) >= 0, "parser missed %s", expect[i]);
	/* A struct, an initialised table and a prototype are not definitions. */
	ck_assert_int_lt(names_find(&defs, "schedt"), 0);
	ck_assert_int_lt(names_find(&defs, "rt_policies"), 0);
	ck_assert_int_lt(names_find(&defs, "plat_lock"), 0); /* only declared in platform.h */
	size_t inproc = 0;
	for (size_t i = 0; i < defs.n; i++)
		inproc += strcmp(defs.where[i], "proc.c") == 0;
	ck_assert_msg(inproc > 100, "only %zu functions found in proc.c", inproc);
	names_free(&defs);
}
END_TEST

/* Every function runtime/ defines is in a Go row's C column or in the
 * gsched-only table. */
START_TEST(test_every_function_is_audited)
{
	struct names defs = {0};
	struct audit a;
	collect_runtime(&defs);
	char *doc = test_read_file(AUDIT_DOC);
	parse_audit(doc, &a);
	free(doc);
	ck_assert_msg(a.gorows > 150, "only %zu Go rows in %s", a.gorows, AUDIT_DOC);
	ck_assert_msg(a.ownrows > 10, "only %zu gsched-only rows in %s", a.ownrows, AUDIT_DOC);

	char missing[2048] = "";
	size_t nmissing = 0;
	for (size_t i = 0; i < defs.n; i++) {
		if (names_find(&a.listed, defs.name[i]) >= 0)
			continue;
		size_t used = strlen(missing);
		snprintf(missing + used, sizeof missing - used, " %s (%s)", defs.name[i],
		         defs.where[i]);
		nmissing++;
	}
	ck_assert_msg(nmissing == 0,
	              "%zu function(s) of runtime/ are in no row of docs/port-audit.md (add a Go "
	              "row, or a row of the gsched-only table):%s",
	              nmissing, missing);
	names_free(&defs);
	names_free(&a.listed);
}
END_TEST

/* Every C name the audit cites exists (no stale rows); platform
 * operations live in the backends, not in runtime/. */
START_TEST(test_every_cited_function_exists)
{
	struct names defs = {0};
	struct audit a;
	collect_runtime(&defs);
	char *doc = test_read_file(AUDIT_DOC);
	parse_audit(doc, &a);
	free(doc);
	char stale[2048] = "";
	size_t nstale = 0;
	for (size_t i = 0; i < a.listed.n; i++) {
		if (strncmp(a.listed.name[i], "plat_", 5) == 0 ||
		    names_find(&defs, a.listed.name[i]) >= 0)
			continue;
		size_t used = strlen(stale);
		snprintf(stale + used, sizeof stale - used, " %s (%s)", a.listed.name[i],
		         a.listed.where[i]);
		nstale++;
	}
	ck_assert_msg(nstale == 0,
	              "%zu name(s) in docs/port-audit.md are not defined in runtime/:%s", nstale,
	              stale);
	names_free(&defs);
	names_free(&a.listed);
}
END_TEST

/* Every Go row has one of the five statuses, and notes unless "same". */
START_TEST(test_every_row_has_a_status)
{
	struct audit a;
	char *doc = test_read_file(AUDIT_DOC);
	parse_audit(doc, &a);
	free(doc);
	ck_assert_msg(a.bad[0] == 0, "rows of docs/port-audit.md with a bad status or no notes:%s",
	              a.bad);
	names_free(&a.listed);
}
END_TEST

Suite *make_audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("audit");
	tcase_add_test(tc, test_parser_finds_definitions);
	tcase_add_test(tc, test_every_function_is_audited);
	tcase_add_test(tc, test_every_cited_function_exists);
	tcase_add_test(tc, test_every_row_has_a_status);
	suite_add_tcase(s, tc);
	return s;
}
