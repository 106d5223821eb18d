/*
 * sc_internal.h - what loader.c, interp.c and the generated bundled.c
 * share: the compiled form of a scenario.
 *
 * A scenario compiles to one flat array of struct sc_op holding every
 * body back to back; each body ends with an SC_OP_EXIT, so the
 * interpreter never tests for "end of body".  A repeat is an
 * SC_OP_REPEAT, its inline ops, then an SC_OP_END: REPEAT.a is the index
 * of its END and END.a the index of its REPEAT.  Nesting is at most
 * SC_MAX_DEPTH deep, which bounds the interpreter's loop stack.
 *
 * Invariants once sc_parse returned 0: every SPAWN.a is a body index,
 * every count and ns is in range (SC_MAX_COUNT, SC_MAX_NS), and the
 * spawn graph reachable from main is finite (goroutines < INT64_MAX
 * unless it saturated).  Nothing here points into cJSON.
 */
#ifndef GSCHED_SCENARIOS_SC_INTERNAL_H
#define GSCHED_SCENARIOS_SC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sc.h"

#define SC_MAX_DEPTH      16              /* repeats nested in one another */
#define SC_MAX_COUNT      10000000        /* spawn and repeat counts */
#define SC_MAX_NS         1000000000000LL /* one spend: 1000 s of virtual CPU */
#define SC_MAX_GOMAXPROCS 256
#define SC_MAX_FILE       (64 * 1024 * 1024) /* sc_load refuses bigger files */

enum sc_opkind {
	SC_OP_SPAWN,   /* a body index, x count */
	SC_OP_SPEND,   /* dist, x and y its parameters */
	SC_OP_GOSCHED, /* - */
	SC_OP_REPEAT,  /* a index of the matching END, x count */
	SC_OP_END,     /* a index of the matching REPEAT */
	SC_OP_EXIT,    /* - */
};

enum sc_dist {
	SC_DIST_FIXED,   /* x ns */
	SC_DIST_UNIFORM, /* x lo, y hi - lo + 1: lo..hi inclusive */
	SC_DIST_EXP,     /* x mean */
	SC_DIST_NORMAL,  /* x mean, y stddev; draws clamped to 0 */
};

struct sc_op {
	uint8_t kind; /* enum sc_opkind */
	uint8_t dist; /* enum sc_dist, SPEND only */
	uint32_t a;
	int64_t x, y;
};

struct sc_scenario {
	char *text; /* the document as given */
	char *name; /* "name", or the file stem */
	int gomaxprocs;
	uint32_t main;        /* body index main runs */
	uint32_t nbodies;     /* in document order */
	uint32_t *body_start; /* index of each body's first op */
	struct sc_op *ops;
	size_t nops;
	int64_t goroutines; /* a run creates this many, main included */
};

/* The files of scenarios/bundled/, embedded by CMakeLists.txt, sorted by name. */
struct sc_bundled_file {
	const char *name;    /* file stem: "spawn-tree" */
	const char *summary; /* its "description" */
	const char *text;    /* NUL-terminated document */
};
extern const struct sc_bundled_file sc_bundled_files[];
extern const int sc_bundled_nfiles;

#endif
