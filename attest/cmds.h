/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima-attest subcommands: one file per command (attest/<name>.c), each
 * exporting one entry point, listed in the table in attest/main.c.
 *
 * An entry point gets argv with argv[0] = the command name and returns an
 * enum nsima_exit code. Shared helpers for the commands live here too.
 */
#ifndef NSIMA_ATTEST_CMDS_H
#define NSIMA_ATTEST_CMDS_H

#include <nsima/exitcodes.h>

#include "err.h"

int cmd_replay(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_quote(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_fetch(int argc, char **argv);

/* Print "nsima-attest: <input>: <where>: <msg>" to stderr. */
void attest_error(const char *input, const struct nsima_err *err);
/* Print "nsima-attest: <printf message>" to stderr. */
void attest_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit code for a libnsima error code. */
int attest_exit_code(int nsima_errcode);
/* Name of an exit code ("template-digest-mismatch") for --json output. */
const char *attest_exit_name(int code);

#endif /* NSIMA_ATTEST_CMDS_H */
