/*
 * commands.h - gsched's commands defined outside gsched.c, as rows that
 * gsched.c lists in its table of commands (struct cli_command,
 * options.h: the function, its arguments, its flags and its help).
 */
#ifndef GSCHED_CLI_COMMANDS_H
#define GSCHED_CLI_COMMANDS_H

#include "options.h"

/* Golden traces and recorded runs (cli/golden.c, docs/golden.md). */
extern const struct cli_command cli_cmd_record;
extern const struct cli_command cli_cmd_check;
extern const struct cli_command cli_cmd_bless;
extern const struct cli_command cli_cmd_show;
extern const struct cli_command cli_cmd_diff;
extern const struct cli_command cli_cmd_replay;

/* Bug hunting (cli/explore.c, docs/exploration.md). */
extern const struct cli_command cli_cmd_explore;
extern const struct cli_command cli_cmd_merge;
extern const struct cli_command cli_cmd_shrink; /* cli/shrink.c */

/* Measuring and seeing runs (cli/report.c, cli/export.c,
 * docs/analysis.md). */
extern const struct cli_command cli_cmd_report;
extern const struct cli_command cli_cmd_compare;
extern const struct cli_command cli_cmd_export;
extern const struct cli_command cli_cmd_plot; /* cli/plot.c: runs scripts/plot */

/* Run `run` (0: the last) of a database, or the run of a golden file, into
 * *h and *t: 0, or 2 after a one-line "gsched CMD: FILE: ..." on stderr
 * (cli/golden.c). */
int cli_load_run(const char *cmd, const char *path, int64_t run, struct tr_header *h,
                 struct tr_trace *t);

#endif
