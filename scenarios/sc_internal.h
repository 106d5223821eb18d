/*
 * sc_internal.h - what loader.c, interp.c and the generated bundled.c
 * share: the compiled form of a scenario.
 *
 * A scenario compiles to one flat array of struct sc_op holding every
 * body back to back; each body ends with an SC_OP_EXIT, so the
 * interpreter never tests for "end of body".  Structured ops are laid out
 * as jumps:
 *   repeat   REPEAT(a = its END), inline ops, END(a = its REPEAT)
 *   if       IF(a = first op of the else part), then-ops, JUMP(a = after
 *            the else part), else-ops
 *   select   SELECT(a = after the select, b = first CASE, x = cases,
 *            y = 1 with a default), CASE x n (a = first op of its then,
 *            b = the JUMP that ends it), each case's then-ops + JUMP(a =
 *            after the select), then the default's ops
 * Only repeats use the interpreter's loop stack, so only they count
 * towards SC_MAX_DEPTH.
 *
 * Integer operands are a literal (x or y) unless the op's expression
 * index (e or f) is non-zero: then the value is sc->exprs[e] evaluated
 * over the goroutine's arguments (params of its body, at most SC_MAX_ARGS).
 *
 * Invariants once sc_parse returned 0: every body, channel, mutex and
 * wait group index is in range, every literal is in range, every
 * expression value an op can meet in a run was checked at load (the
 * loader evaluates every goroutine state a run can reach), and the spawn
 * graph is finite.  Nothing here points into cJSON.
 */
#ifndef GSCHED_SCENARIOS_SC_INTERNAL_H
#define GSCHED_SCENARIOS_SC_INTERNAL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "sc.h"

#define SC_MAX_DEPTH      16              /* repeats nested in one another */
#define SC_MAX_COUNT      10000000        /* spawn and repeat counts */
#define SC_MAX_NS         1000000000000LL /* one spend: 1000 s of virtual CPU */
#define SC_MAX_GOMAXPROCS 256
#define SC_MAX_FILE       (64 * 1024 * 1024) /* sc_load refuses bigger files */
#define SC_MAX_ARGS       8                  /* params of one body */
#define SC_MAX_CASES      16                 /* cases of one select */
#define SC_MAX_EXPR_DEPTH 8                  /* nesting of add/sub/mul */
#define SC_MAX_OBJECTS    256                /* channels, mutexes, wait groups (each) */
#define SC_MAX_CAP        1000000            /* channel capacity */
/* Distinct (body, args) a run may reach.  The bundled scenarios reach
 * 1,002 at most; refusing a program that passes the bound costs
 * evaluating that many states (0.06 s, 0.25 s under ASan at 2^16). */
#define SC_MAX_STATES (1 << 16)

enum sc_opkind {
	SC_OP_SPAWN,      /* a body, x count (e), b first of sc->spawn_args, label */
	SC_OP_SPEND,      /* dist, x and y its parameters (e: fixed ns) */
	SC_OP_SLEEP,      /* like SPEND */
	SC_OP_SYSCALL,    /* like SPEND */
	SC_OP_IOWAIT,     /* like SPEND */
	SC_OP_GOSCHED,    /* - */
	SC_OP_REPEAT,     /* a index of the matching END, x count (e) */
	SC_OP_END,        /* a index of the matching REPEAT */
	SC_OP_EXIT,       /* - */
	SC_OP_IF,         /* dist comparison, x (e) left, y (f) right; a else part */
	SC_OP_JUMP,       /* a target */
	SC_OP_SEND,       /* a channel, x value (e) */
	SC_OP_RECV,       /* a channel */
	SC_OP_CLOSE,      /* a channel */
	SC_OP_SELECT,     /* see above */
	SC_OP_CASE,       /* dist 1 send / 2 recv, y channel, x value (e); a, b see above */
	SC_OP_LOCK,       /* a mutex */
	SC_OP_UNLOCK,     /* a mutex */
	SC_OP_ADD,        /* a wait group, x delta (e) */
	SC_OP_DONE,       /* a wait group */
	SC_OP_WAIT,       /* a wait group */
	SC_OP_GOMAXPROCS, /* x n (e) */
	SC_OP_SYSBLOCK,   /* like SPEND: a syscall known to block */
	SC_OP__COUNT      /* not a kind: how many there are */
};

enum sc_dist {
	SC_DIST_FIXED,   /* x ns (or expression e) */
	SC_DIST_UNIFORM, /* x lo, y hi - lo + 1: lo..hi inclusive */
	SC_DIST_EXP,     /* x mean */
	SC_DIST_NORMAL,  /* x mean, y stddev; draws clamped to 0 */
};

enum sc_cmp { SC_EQ, SC_NE, SC_LT, SC_LE, SC_GT, SC_GE };

struct sc_op {
	uint8_t kind; /* enum sc_opkind */
	uint8_t dist; /* enum sc_dist; IF: enum sc_cmp; CASE: 1 send, 2 recv */
	uint32_t a, b;
	uint32_t e, f; /* expression indices; 0: the literal x / y */
	int64_t x, y;
	const char *label; /* SPAWN: the new goroutine's label, or NULL */
};

enum sc_exprkind { SC_X_LIT, SC_X_ARG, SC_X_ADD, SC_X_SUB, SC_X_MUL };

struct sc_expr {
	uint8_t kind;  /* enum sc_exprkind */
	uint32_t l, r; /* operands (expression indices) */
	int64_t v;     /* LIT: the value; ARG: the param slot */
};

/* One argument of a spawn: the value of param slot i of the target body
 * is spawn_args[op.b + i]. */
struct sc_arg {
	int64_t x;
	uint32_t e;
};

struct sc_scenario {
	char *text; /* the document as given */
	char *name; /* "name", or the file stem */
	int gomaxprocs;
	uint32_t main;        /* body index main runs */
	uint32_t nbodies;     /* in document order */
	uint32_t *body_start; /* index of each body's first op */
	uint8_t *nparams;     /* per body */
	int64_t (*param_default)[SC_MAX_ARGS];
	struct sc_op *ops;
	size_t nops;
	struct sc_expr *exprs; /* [0] unused */
	size_t nexprs;
	struct sc_arg *spawn_args;
	size_t nspawn_args;
	int64_t goroutines; /* a run creates at most this many, main included */
	char *main_label;

	uint32_t nchans, nmutexes, nwgs;
	char **chan_name, **mutex_name, **wg_name;
	int64_t *chan_cap;

	struct sc_assert *asserts;
	size_t nasserts;
	char **labels; /* every distinct label of the document */
	size_t nlabels;
};

/* Evaluate expression e (non-zero) over args; saturating arithmetic. */
int64_t sc_eval(const struct sc_scenario *sc, uint32_t e, const int64_t *args);

/* sc_eval with its leaves (a literal, an argument) inline: most
 * expressions are one, and the rest have them as operands. */
static inline int64_t sc_eval_inline(const struct sc_scenario *sc, uint32_t e, const int64_t *args)
{
	const struct sc_expr *x = &sc->exprs[e];
	if (x->kind == SC_X_LIT)
		return x->v;
	if (x->kind == SC_X_ARG)
		return args[x->v];
	return sc_eval(sc, e, args);
}

static inline int64_t sc_val(const struct sc_scenario *sc, int64_t lit, uint32_t e,
                             const int64_t *args)
{
	return e ? sc_eval_inline(sc, e, args) : lit;
}

/* An if op's condition under a goroutine's arguments (interp.c). */
bool sc_cond_true(const struct sc_scenario *sc, const struct sc_op *op, const int64_t *args);

/* The files of scenarios/bundled/, embedded by CMakeLists.txt, sorted by name. */
struct sc_bundled_file {
	const char *name;    /* file stem: "spawn-tree" */
	const char *summary; /* its "description" */
	const char *text;    /* NUL-terminated document */
};
extern const struct sc_bundled_file sc_bundled_files[];
extern const int sc_bundled_nfiles;

#endif
