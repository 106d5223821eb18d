/*
 * commands.h - gsched subcommands implemented outside gsched.c.  Each
 * takes the arguments after its name and returns the exit status
 * (0 ok, 1 a difference or failure found, 2 bad usage or bad input).
 */
#ifndef GSCHED_CLI_COMMANDS_H
#define GSCHED_CLI_COMMANDS_H

/* Golden traces and recorded runs (cli/golden.c, docs/golden.md). */
int cmd_record(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bless(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_replay(int argc, char **argv);

/* One line each, for gsched's main help text. */
extern const char cli_golden_help_lines[];

#endif
