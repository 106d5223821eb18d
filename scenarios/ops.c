/*
 * ops.c - the tables of ops.h: every op of the workload language and
 * the forms of a select case, one row each.  What a row says is all the
 * loader knows of an op's fields; docs/scenarios.md describes each op
 * to users, and tests/check_scenarios.c holds the two to the same list.
 *
 * The order of sc_opdefs is the order of the "unknown op" message: the
 * ops of the first language version first, as that message always was.
 */
#include <string.h>

#include "ops.h"
#include "sc_internal.h"

#define REQ .required = true
#define OPT .required = false

/* The ns of spend, sleep, syscall and io-wait. */
#define NS {"ns", SC_F_DURATION, REQ, .hi = SC_MAX_NS}

/* clang-format off: a table reads best aligned */
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
/* clang-format on */
const int sc_nopdefs = sizeof sc_opdefs / sizeof sc_opdefs[0];
const int sc_ncasedefs = sizeof sc_casedefs / sizeof sc_casedefs[0];

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
