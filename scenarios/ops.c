/*
 * ops.c - the tables of ops.h: every op of the workload language, the
 * forms of a select case, the assertions and the keys of a document,
 * one row each.  What a row says is all the loader knows of their
 * fields; docs/scenarios.md describes them to users, and
 * tests/check_scenarios.c holds the two to the same lists.
 *
 * The order of sc_opdefs is the order of the "unknown op" message: the
 * ops of the first language version first, as that message always was.
 */
#include <string.h>

#include "ops.h"
#include "sc_internal.h"

#define REQ .required = true
#define OPT .required = false

/* The tables read best aligned, so clang-format keeps off them. */
/* clang-format off */

/* The ns of spend, sleep, syscall and io-wait. */
#define NS {"ns", SC_F_DURATION, REQ, .hi = SC_MAX_NS}

const struct sc_opdef sc_opdefs[] = {
	{"spawn", SC_OP_SPAWN, SC_L_PLAIN, {
		{"body",  SC_F_BODY,  REQ},
		{"count", SC_F_COUNT, OPT, .hi = SC_MAX_COUNT, .dflt = 1},
		{"args",  SC_F_ARGS,  OPT},
		{"label", SC_F_LABEL, OPT}}},
	{"spend",   SC_OP_SPEND,   SC_L_PLAIN, {NS}},
	{"gosched", SC_OP_GOSCHED, SC_L_PLAIN, {{0}}},
	{"repeat", SC_OP_REPEAT, SC_L_REPEAT, {
		{"count", SC_F_COUNT, REQ, .hi = SC_MAX_COUNT},
		{"body",  SC_F_LOOP,  REQ}}},
	{"exit",    SC_OP_EXIT,    SC_L_PLAIN, {{0}}},
	{"sleep",   SC_OP_SLEEP,   SC_L_PLAIN, {NS}},
	{"syscall", SC_OP_SYSCALL, SC_L_PLAIN, {NS}},
	{"io-wait", SC_OP_IOWAIT,  SC_L_PLAIN, {NS}},
	{"set-gomaxprocs", SC_OP_GOMAXPROCS, SC_L_PLAIN, {
		{"n", SC_F_COUNT, REQ, .lo = 1, .hi = SC_MAX_GOMAXPROCS}}},
	{"send", SC_OP_SEND, SC_L_PLAIN, {
		{"chan",  SC_F_CHAN, REQ},
		{"value", SC_F_INT,  OPT}}},
	{"recv",   SC_OP_RECV,   SC_L_PLAIN, {{"chan", SC_F_CHAN, REQ}}},
	{"close",  SC_OP_CLOSE,  SC_L_PLAIN, {{"chan", SC_F_CHAN, REQ}}},
	{"select", SC_OP_SELECT, SC_L_SELECT, {
		{"cases",   SC_F_CASES, REQ},
		{"default", SC_F_BLOCK, OPT}}},
	{"lock",   SC_OP_LOCK,   SC_L_PLAIN, {{"mutex", SC_F_MUTEX, REQ}}},
	{"unlock", SC_OP_UNLOCK, SC_L_PLAIN, {{"mutex", SC_F_MUTEX, REQ}}},
	{"add", SC_OP_ADD, SC_L_PLAIN, {
		{"wg", SC_F_WG,  REQ},
		{"n",  SC_F_INT, REQ}}},
	{"done", SC_OP_DONE, SC_L_PLAIN, {{"wg", SC_F_WG, REQ}}},
	{"wait", SC_OP_WAIT, SC_L_PLAIN, {{"wg", SC_F_WG, REQ}}},
	{"if", SC_OP_IF, SC_L_IF, {
		{"cond", SC_F_COND,  REQ},
		{"then", SC_F_BLOCK, REQ},
		{"else", SC_F_BLOCK, OPT}}},
	{"syscall-block", SC_OP_SYSBLOCK, SC_L_PLAIN, {NS}},
};

/* The channel of a case is in its op's y (a and b are its jumps). */
const struct sc_opdef sc_casedefs[] = {
	{"send", SC_OP_CASE, SC_L_CASE, {
		{"send",  SC_F_CHAN,  REQ},
		{"value", SC_F_INT,   OPT},
		{"then",  SC_F_BLOCK, OPT}}},
	{"recv", SC_OP_CASE, SC_L_CASE, {
		{"recv", SC_F_CHAN,  REQ},
		{"then", SC_F_BLOCK, OPT}}},
};

/* ns and n of assertions are literals: a run's figures are checked against them */
#define LABEL {"label", SC_F_LABEL_REF, REQ}
/* A run's figure depends on timing: on a real machine the scenario gives a
 * second bound for it (native-...), or the assertion is the simulator's only. */
#define NATIVE_NS {"native-ns", SC_F_NS, OPT, .hi = SC_MAX_NS, .native = true}

const struct sc_assertdef sc_assertdefs[] = {
	{"all-finish", SC_ASSERT_ALL_FINISH, NULL, {{0}}},
	{"deadlock",   SC_ASSERT_DEADLOCK,   NULL, {{0}}},
	{"max-runnable-wait", SC_ASSERT_MAX_RUNNABLE_WAIT, "{\"label\": \"x\", \"ns\": 1000}", {
		LABEL,
		{"ns", SC_F_NS, REQ, .hi = SC_MAX_NS},
		NATIVE_NS}},
	{"cpu-share", SC_ASSERT_CPU_SHARE, "{\"labels\": [\"a\", \"b\"], \"within\": 20}", {
		{"labels", SC_F_LABEL_PAIR, REQ},
		{"within", SC_F_FACTOR,     REQ, .lo = 1, .hi = 1000000000},
		{"native-within", SC_F_FACTOR, OPT, .lo = 1, .hi = 1000000000, .native = true}}},
	{"finish-before", SC_ASSERT_FINISH_BEFORE, "{\"label\": \"x\", \"ns\": 1000}", {
		LABEL,
		{"ns", SC_F_NS, REQ, .hi = SC_MAX_NS},
		NATIVE_NS}},
	{"min-parallelism", SC_ASSERT_MIN_PARALLELISM, "{\"label\": \"x\", \"n\": 4}", {
		LABEL,
		{"n", SC_F_UINT, REQ, .hi = SC_MAX_COUNT},
		{"native-n", SC_F_UINT, OPT, .hi = SC_MAX_COUNT, .native = true}}},
	{"min-events", SC_ASSERT_MIN_EVENTS, "{\"kind\": \"steal\", \"count\": 1}", {
		{"kind",  SC_F_EVKIND, REQ},
		{"count", SC_F_UINT,   REQ, .hi = INT64_MAX / 2},
		{"native-count", SC_F_UINT, OPT, .hi = INT64_MAX / 2, .native = true}}},
};

const struct sc_field sc_docfields[] = {
	{"name",        SC_F_TOP, OPT},
	{"description", SC_F_TOP, OPT},
	{"gomaxprocs",  SC_F_TOP, REQ},
	{"main",        SC_F_TOP, REQ},
	{"bodies",      SC_F_TOP, REQ},
	{"params",      SC_F_TOP, OPT},
	{"channels",    SC_F_TOP, OPT},
	{"mutexes",     SC_F_TOP, OPT},
	{"waitgroups",  SC_F_TOP, OPT},
	{"main-label",  SC_F_TOP, OPT},
	{"assert",      SC_F_TOP, OPT},
};

const struct sc_field sc_chanfields[] = {
	{"cap", SC_F_UINT, OPT, .hi = SC_MAX_CAP},
};

/* clang-format on */

const int sc_nopdefs = sizeof sc_opdefs / sizeof sc_opdefs[0];
const int sc_ncasedefs = sizeof sc_casedefs / sizeof sc_casedefs[0];
const int sc_nassertdefs = sizeof sc_assertdefs / sizeof sc_assertdefs[0];
const int sc_ndocfields = sizeof sc_docfields / sizeof sc_docfields[0];
const int sc_nchanfields = sizeof sc_chanfields / sizeof sc_chanfields[0];

int sc_nfields(const struct sc_field *f, int max)
{
	int n = 0;
	while (n < max && f[n].name)
		n++;
	return n;
}

const struct sc_opdef *sc_opdef_find(const char *name)
{
	for (int i = 0; i < sc_nopdefs; i++)
		if (strcmp(sc_opdefs[i].name, name) == 0)
			return &sc_opdefs[i];
	return NULL;
}
