// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest export: convert a measurement list, or cut one
 * namespace's view out of it.
 *
 *   nsima-attest export --log FILE --to binary|ascii|cel|cel-seq --out FILE
 *                       [--format FMT] [--log-alg BANK] [--banks LIST]
 *                       [--ns NSID|host [--redacted]]
 *
 * Each entry is written as the list is walked (constant memory), to a
 * temporary file that is fsynced and renamed once all is written; to
 * standard output (--out -) only once all is read. A
 * redacted view (--redacted) has entries without template data, so only
 * cel and cel-seq can hold it.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "opts.h"

static const struct attest_cmd export_cmd = {
	"export", "--log FILE --to FMT --out FILE [options]",
	(const enum attest_opt[]){ OPT_LOG, OPT_TO, OPT_OUT, OPT_FORMAT,
				   OPT_LOG_ALG, OPT_BANKS, OPT_NS, OPT_REDACTED,
				   OPT_END },
	(const enum attest_opt[]){ OPT_LOG, OPT_TO, OPT_OUT, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	int rc = attest_parse(argc, argv, &export_cmd, o);

	if (!rc && o->given[OPT_REDACTED] &&
	    (!o->given[OPT_NS] || o->to != NSIMA_FORMAT_CEL))
		rc = attest_usage_error(&export_cmd,
					"--redacted needs --ns and --to cel or cel-seq");
	return rc;
}

/* Output buffered up to this, then written: memory stays constant. */
#define FLUSH_AT	(1U << 20)

struct export {
	const char *path;	/* --out */
	struct nsima_log_writer w;
	struct nsima_buf buf;
	struct nsima_wfile out;
	bool opened;		/* out is open (on the first flush) */
};

static int flush(struct export *x, struct nsima_err *err)
{
	int rc = 0;

	if (!x->opened) {
		rc = nsima_wfile_open(&x->out, x->path, err);
		x->opened = !rc;
	}
	if (!rc)
		rc = nsima_wfile_write(&x->out, x->buf.data, x->buf.len, err);
	x->buf.len = 0;
	return rc;
}

static int export_entry(const struct nsima_entry *e, uint64_t index,
			void *ctx, struct nsima_err *err)
{
	struct export *x = ctx;
	int rc = nsima_log_writer_entry(&x->w, e, index, &x->buf, err);

	/*
	 * Standard output cannot be taken back: it gets the whole list or
	 * nothing (held in memory), never a valid-looking shorter list.
	 */
	if (!rc && x->buf.len >= FLUSH_AT && strcmp(x->path, "-"))
		rc = flush(x, err);
	return rc;
}

/*
 * Each entry written as the list is walked, so memory does not grow with
 * the list; the output file is only renamed into place when all is.
 */
static int export_log(const struct attest_args *o, const uint8_t *buf,
		      size_t len)
{
	struct export x = { .path = o->out };
	struct nsima_err err = { 0 };
	int rc;

	nsima_buf_init(&x.buf);
	rc = nsima_log_writer_begin(&x.w, o->to, o->log_alg, o->banks,
				    o->to_seq ? NSIMA_CEL_SEQ : 0, &x.buf, &err);
	if (!rc)
		rc = attest_walk(o, buf, len, o->banks, export_entry, &x, &err);
	if (!rc)
		rc = nsima_log_writer_end(&x.w, &x.buf, &err);
	if (!rc)
		rc = flush(&x, &err);
	if (!rc)
		rc = nsima_wfile_commit(&x.out, &err);
	else if (x.opened)
		nsima_wfile_abort(&x.out);
	nsima_buf_free(&x.buf);
	if (rc)
		return attest_report(rc == NSIMA_EIO ? o->out : o->log, rc,
				     &err, false);
	return NSIMA_EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct attest_args o;
	uint8_t *buf;
	size_t len;
	bool mapped;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	rc = attest_map_file(o.log, &buf, &len, &mapped, &err);
	if (rc)
		return attest_report(o.log, rc, &err, false);
	rc = export_log(&o, buf, len);
	attest_unmap_file(buf, len, mapped);
	return rc;
}
