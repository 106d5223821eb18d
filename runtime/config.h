/*
 * config.h - what a program's runtime reads once at start-up, as a Go
 * program reads GODEBUG: the scheduling policies.
 *
 * The backend hands one struct rt_config to rt_rt0_go; the runtime
 * copies it into rt_cfg and reads only that copy, so nothing outside
 * runtime/ ever writes a runtime global.
 *
 * Every policy is one row of rt_policies[]: its name, the kind of its
 * value, Go's default, and a help line.  The command line's --policy
 * parser, `gsched list policies`, the help text, the runs table's
 * policy_json column and the tests all read that table; adding a policy
 * is one field here and one row in config.c.  Every default is Go
 * 1.21's behaviour: a run with all defaults is a run with no --policy.
 */
#ifndef GSCHED_RUNTIME_CONFIG_H
#define GSCHED_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every policy's value is an int64_t field; booleans are 0 or 1, enums
 * an index into the row's names. */
struct rt_config {
	int64_t randomize;        /* Go's randomizeScheduler (-race builds) */
	int64_t asyncpreemptoff;  /* GODEBUG=asyncpreemptoff=1 */
	int64_t nosysmon;         /* no sysmon thread (as on wasm) */
	int64_t injectglistwakep; /* Go 1.22: injectglist ends with wakep (golang/go#63555) */
};

enum rt_policy_type {
	RT_POLICY_BOOL, /* on | off */
	RT_POLICY_INT,  /* an integer in [min, max] */
	RT_POLICY_ENUM, /* one of names[] */
	RT_POLICY_NS,   /* a duration in [min, max] ns: 500, 20us, 10ms, 2s */
};

struct rt_policy {
	const char *name;
	enum rt_policy_type type;
	size_t offset;            /* of the int64_t field in struct rt_config */
	int64_t go_default;       /* Go 1.21's behaviour */
	int64_t min, max;         /* RT_POLICY_INT, RT_POLICY_NS */
	const char *const *names; /* RT_POLICY_ENUM, NULL-terminated */
	const char *help;         /* one line: what it changes, and where Go has it */
};

extern const struct rt_policy rt_policies[];
extern const size_t rt_npolicies;

/* Every policy at Go's default. */
void rt_config_default(struct rt_config *cfg);

/* The row named name (the first len bytes), or NULL. */
const struct rt_policy *rt_policy_find(const char *name, size_t len);
int64_t rt_policy_get(const struct rt_config *cfg, const struct rt_policy *p);
void rt_policy_set(struct rt_config *cfg, const struct rt_policy *p, int64_t v);

/* Parse a value as the command line writes it ("on", "12", "half",
 * "10ms").  Returns false if text is not a value of p. */
bool rt_policy_parse(const struct rt_policy *p, const char *text, int64_t *out);
/* The command-line text of a value, as rt_policy_parse reads it. */
void rt_policy_format(const struct rt_policy *p, int64_t v, char *buf, size_t len);
/* The values p takes, for help and messages: "on|off", "1..256",
 * "half|one|all", "a duration, 1us..1s". */
void rt_policy_values(const struct rt_policy *p, char *buf, size_t len);

#endif
