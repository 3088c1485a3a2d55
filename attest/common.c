// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the log subcommands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "common.h"
#include "fileio.h"

int attest_load_log(const char *path, enum nsima_log_format fmt, int hdr_bank,
		    bool json, struct nsima_log *log)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;
	int rc;

	rc = nsima_read_file(path, ATTEST_LOG_MAX, &buf, &len, &err);
	if (rc)
		return attest_report(path, rc, &err, json);
	rc = nsima_log_parse(buf, len, fmt, hdr_bank, log, &err);
	free(buf);
	if (rc)
		return attest_report(path, rc, &err, json);
	return NSIMA_EXIT_OK;
}

int attest_report(const char *input, int rc, const struct nsima_err *err,
		  bool json)
{
	int code = attest_exit_code(rc);

	if (json)
		attest_json_error(code, input, err);
	else
		attest_error(input, err);
	return code;
}

void attest_json_string(const char *s, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void attest_json_error(int code, const char *input, const struct nsima_err *err)
{
	char line[NSIMA_ERR_MSG_MAX + 512];

	nsima_err_format(err, input, line, sizeof(line));
	printf("{\"result\":\"%s\",\"exit\":%d,\"error\":",
	       attest_exit_name(code), code);
	attest_json_string(line, strlen(line));
	if (err->where == NSIMA_AT_ENTRY)
		printf(",\"entry\":%llu", (unsigned long long)err->pos);
	printf("}\n");
}
