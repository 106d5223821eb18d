/*
 * ops.h - the vocabulary of the workload language, each word defined
 * once: the ops a body may hold, the two forms of a select case, the
 * assertions, the keys of a scenario document and of a channel.  The
 * loader takes from these tables the keys it allows, the fields it
 * requires, the type and range it checks, the default of an optional
 * field and the lists in its "unknown ... (expected ...)" messages;
 * tests/check_scenarios.c checks that docs/scenarios.md lists exactly
 * the ops, case forms, assertions and document keys they hold.
 *
 * A field's type says what it holds and, for the ops, where the loader
 * puts it in the compiled struct sc_op (an op has at most one field of
 * each slot, so the slot need not be spelled):
 *   a       BODY, CHAN, MUTEX, WG
 *   x/e     COUNT, INT, DURATION (DURATION also dist and y)
 *   dist, x/e, y/f   COND
 *   b       ARGS (the first of the spawn's sc->spawn_args)
 *   label   LABEL
 * BLOCK, LOOP and CASES are op arrays (or select cases) that the op's
 * layout (enum sc_layout) places around it; LOOP's ops are one repeat
 * deeper.  Assertion fields go to struct sc_assert the same way:
 * LABEL_REF label, LABEL_PAIR label and label2, NS ns, UINT n, FACTOR
 * within, EVKIND kind_name.
 *
 * Adding an op: a row of sc_opdefs (ops.c); if it needs a new compiled
 * kind, an SC_OP_ constant (sc_internal.h) and its case in interp.c's
 * exec; and its line in docs/scenarios.md, which the test demands.
 */
#ifndef GSCHED_SCENARIOS_OPS_H
#define GSCHED_SCENARIOS_OPS_H

#include <stdbool.h>
#include <stdint.h>

enum sc_ftype {
	/* op fields */
	SC_F_BODY,     /* the name of a body of $.bodies */
	SC_F_COUNT,    /* lo..hi: a literal, or an expression checked in every state */
	SC_F_INT,      /* any integer: a literal or an expression */
	SC_F_DURATION, /* ns in 0..hi, fixed (literal or expression) or drawn */
	SC_F_CHAN,     /* the name of one of $.channels */
	SC_F_MUTEX,    /* the name of one of $.mutexes */
	SC_F_WG,       /* the name of one of $.waitgroups */
	SC_F_LABEL,    /* a non-empty string naming the goroutines it creates */
	SC_F_ARGS,     /* values of the target body's params: {"n": 3} */
	SC_F_COND,     /* one comparison: {"gt": [x, y]} */
	SC_F_BLOCK,    /* an array of ops */
	SC_F_LOOP,     /* an array of ops run repeatedly: one repeat deeper */
	SC_F_CASES,    /* select's cases */
	/* assertion and channel fields: literals only */
	SC_F_LABEL_REF,  /* a label given by a spawn or by main-label */
	SC_F_LABEL_PAIR, /* two such labels */
	SC_F_NS,         /* a non-negative integer of ns up to hi */
	SC_F_UINT,       /* a non-negative integer up to hi */
	SC_F_FACTOR,     /* a number in lo..hi */
	SC_F_EVKIND,     /* an event kind name (traces/events.h) */
	/* a key of the document: compile() reads each its own way */
	SC_F_TOP,
};

struct sc_field {
	const char *name;
	uint8_t type; /* enum sc_ftype */
	bool required;
	int64_t lo, hi; /* COUNT, DURATION, NS, UINT, FACTOR */
	int64_t dflt;   /* COUNT, INT: the value when the field is left out */
	bool native;    /* an assertion's bound on a real machine (the native backend) */
};

/* How an op's blocks are laid out around it (see sc_internal.h); the
 * op's block fields are taken in table order. */
enum sc_layout {
	SC_L_PLAIN,  /* no blocks: the op alone */
	SC_L_REPEAT, /* REPEAT, the LOOP, END */
	SC_L_IF,     /* IF, the first BLOCK, JUMP, the second BLOCK */
	SC_L_SELECT, /* SELECT, a CASE per case, their BLOCKs, the default BLOCK */
	SC_L_CASE,   /* a CASE among its select's; its BLOCK after all of them */
};

#define SC_MAX_FIELDS 4 /* of one op */

struct sc_opdef {
	const char *name; /* as written in "op" */
	uint8_t kind;     /* enum sc_opkind it compiles to */
	uint8_t layout;   /* enum sc_layout */
	/* in the order of messages and docs; a NULL name ends them */
	struct sc_field fields[SC_MAX_FIELDS];
};

/* Ops, in the order "unknown op" lists them. */
extern const struct sc_opdef sc_opdefs[];
extern const int sc_nopdefs;
/* The forms of a select case, told apart by their first field; a case
 * compiles to SC_OP_CASE with dist = 1 + the index of its form. */
extern const struct sc_opdef sc_casedefs[];
extern const int sc_ncasedefs;

#define SC_MAX_ASSERT_FIELDS 3

struct sc_assertdef {
	const char *name;
	uint8_t kind;      /* enum sc_assert_kind */
	const char *shape; /* an example of its value for messages; NULL: it is true */
	struct sc_field fields[SC_MAX_ASSERT_FIELDS];
};

/* Assertions, in the order "unknown assertion" lists them. */
extern const struct sc_assertdef sc_assertdefs[];
extern const int sc_nassertdefs;

/* The keys of a scenario document, and of a channel of $.channels. */
extern const struct sc_field sc_docfields[];
extern const int sc_ndocfields;
extern const struct sc_field sc_chanfields[];
extern const int sc_nchanfields;

/* Fields of a row: the count before the first NULL name. */
int sc_nfields(const struct sc_field *f, int max);
/* The op called name, or NULL. */
const struct sc_opdef *sc_opdef_find(const char *name);

#endif
