/*
 * dict.c - prints a libFuzzer dictionary for a fuzz target, from the
 * tables that define the languages: the ops, case forms, assertions
 * and document keys of the scenario language (scenarios/ops.c), the
 * event kinds (runtime/events.c) and run statuses (traces/) of a golden
 * trace.  Usage: fuzz_dict scenario|golden|db > FILE.dict
 * (scripts/fuzz writes them into the build directory).
 */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "tr.h"

/* Print s as libFuzzer's dictionary syntax wants it: " and \ escaped,
 * anything not printable as \xHH. */
static void escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < ' ' || c >= 0x7f)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
}

/* One dictionary entry: prefix, w and suffix, quoted. */
static void word(const char *prefix, const char *w, const char *suffix)
{
	printf("\"");
	escaped(prefix);
	escaped(w);
	escaped(suffix);
	printf("\"\n");
}

static void fields(const struct sc_field *f, int max)
{
	for (int i = 0; i < max && f[i].name; i++)
		word("\"", f[i].name, "\":");
}

static void scenario(void)
{
	for (int i = 0; i < sc_nopdefs; i++) {
		word("\"op\": \"", sc_opdefs[i].name, "\"");
		fields(sc_opdefs[i].fields, SC_MAX_FIELDS);
	}
	for (int i = 0; i < sc_ncasedefs; i++)
		fields(sc_casedefs[i].fields, SC_MAX_FIELDS);
	for (int i = 0; i < sc_nassertdefs; i++) {
		word("\"", sc_assertdefs[i].name, "\":");
		fields(sc_assertdefs[i].fields, SC_MAX_ASSERT_FIELDS);
	}
	fields(sc_docfields, sc_ndocfields);
	fields(sc_chanfields, sc_nchanfields);
	/* expressions, conditions, distributions and parameter references */
	static const char *const extra[] = {"\"add\":",
	                                    "\"sub\":",
	                                    "\"mul\":",
	                                    "\"eq\":",
	                                    "\"ne\":",
	                                    "\"lt\":",
	                                    "\"le\":",
	                                    "\"gt\":",
	                                    "\"ge\":",
	                                    "\"exp\":",
	                                    "\"uniform\":",
	                                    "\"normal\":",
	                                    "\"$",
	                                    "true",
	                                    "false",
	                                    "null",
	                                    "1e308",
	                                    "-1",
	                                    "9223372036854775807"};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		word("", extra[i], "");
}

static void golden(void)
{
	/* the header's keys, in order (traces/golden.c, docs/golden.md) */
	static const char *const keys[] = {
	        "scenario", "scenario-json", "seed",       "window",   "strategy",   "backend",
	        "policies", "bugs",          "max-steps",  "max-time", "gomaxprocs", "status",
	        "message",  "n-events",      "trace-hash", "metrics",  "events"};
	char line[32];
	snprintf(line, sizeof line, "gsched-golden %d\n", TR_GOLDEN_VERSION);
	word("", line, "");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		word("\n", keys[i], ": ");
	for (int k = 0; k < RT_EV__COUNT; k++)
		if (rt_evkind_name[k])
			word(" ", rt_evkind_name[k], " ");
	enum tr_status st;
	for (int s = 0; s < 64; s++) {
		const char *name = tr_status_name((enum tr_status)s);
		if (name && tr_status_parse(name, &st) == 0 && (int)st == s)
			word("", name, "");
	}
	word("", "inf", "");
	word("", "kind_", "");
	word("", "-", "");
}

static void db(void)
{
	word("", "SQLite format 3", "");
	static const char *const names[] = {"runs",           "events",  "schedules", "meta",
	                                    "schema_version", "running", "complete"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		word("", names[i], "");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "scenario") == 0)
		scenario();
	else if (argc == 2 && strcmp(argv[1], "golden") == 0)
		golden();
	else if (argc == 2 && strcmp(argv[1], "db") == 0)
		db();
	else {
		fprintf(stderr, "usage: fuzz_dict scenario|golden|db\n");
		return 2;
	}
	return 0;
}
