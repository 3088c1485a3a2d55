// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the log subcommands.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "name.h"
#include "nsview.h"
#include "opts.h"

int attest_walk(const struct attest_args *o, const uint8_t *buf, size_t len,
		unsigned int banks, nsima_walk_fn fn, void *ctx,
		struct nsima_err *err)
{
	struct nsima_view view;
	int rc = 0;

	if (o->given[OPT_NS])
		rc = nsima_view_init(&view, o->host, o->nsid,
				     o->given[OPT_REDACTED], banks, err);
	if (rc)
		return rc;
	return nsima_view_walk(o->given[OPT_NS] ? &view : NULL, buf, len,
			       o->fmt, o->log_alg, fn, ctx, err);
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

char *attest_escaped(const char *name, size_t len)
{
	const uint8_t *raw = (const uint8_t *)name;
	ssize_t n = nsima_name_escape(raw, len, NULL, 0, NULL);
	char *esc = n < 0 ? NULL : malloc((size_t)n + 1);

	if (esc && nsima_name_escape(raw, len, esc, (size_t)n + 1, NULL) < 0) {
		free(esc);
		esc = NULL;
	}
	return esc;
}

json_t *attest_jstr(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	char *esc;

	if (j)
		return j;
	/* not UTF-8, which is all jansson takes: escaped as names are */
	esc = attest_escaped(s, len);
	j = esc ? json_string(esc) : NULL;
	free(esc);
	return j;
}

json_t *attest_verdict(int code, const char *line)
{
	return json_pack("{s:s,s:i,s:o}", "result", attest_exit_name(code),
			 "exit", code, "error", attest_jstr(line, strlen(line)));
}

int attest_emit(bool json, json_t *j, int code, const char *line)
{
	if (!json || !j) {
		printf("%s: %s\n", attest_exit_name(code), line);
	} else {
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER |
			   JSON_ENSURE_ASCII);
		putchar('\n');
	}
	json_decref(j);
	return code;
}

void attest_json_error(int code, const char *input, const struct nsima_err *err)
{
	char line[NSIMA_ERR_MSG_MAX + 512];
	json_t *j;

	nsima_err_format(err, input, line, sizeof(line));
	j = attest_verdict(code, line);
	if (err->where == NSIMA_AT_ENTRY)
		json_object_set_new(j, "entry", json_integer((json_int_t)err->pos));
	attest_emit(true, j, code, line);
}

int attest_map_file(const char *path, uint8_t **buf, size_t *len,
		    bool *mapped, struct nsima_err *err)
{
	struct stat st;
	void *p;
	int fd;

	*mapped = false;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p != MAP_FAILED) {
			close(fd);
			madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			*buf = p;
			*len = (size_t)st.st_size;
			*mapped = true;
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	return nsima_read_file(path, NSIMA_INPUT_MAX, buf, len, err);
}

void attest_unmap_file(uint8_t *buf, size_t len, bool mapped)
{
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
}
