// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest export: convert a measurement list, or cut one
 * namespace's view out of it.
 *
 *   nsima-attest export --log FILE --to binary|ascii|cel|cel-seq --out FILE
 *                       [--format FMT] [--log-alg BANK] [--banks LIST]
 *                       [--ns NSID|host [--redacted]]
 *
 * The output is written to a temporary file, fsynced and renamed. A
 * redacted view (--redacted) has entries without template data, so only
 * cel and cel-seq can hold it.
 */
#include <stdio.h>
#include <string.h>

#include "cel.h"
#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "nsview.h"
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

static int write_out(const struct attest_args *o, const struct nsima_log *log)
{
	struct nsima_err err = { 0 };
	struct nsima_buf out;
	int rc;

	nsima_buf_init(&out);
	if (o->to == NSIMA_FORMAT_CEL)
		rc = nsima_cel_write(log, o->banks, o->to_seq ? NSIMA_CEL_SEQ : 0,
				     &out, &err);
	else
		rc = nsima_log_write(log, o->to, o->log_alg, &out, &err);
	if (!rc)
		rc = nsima_write_file(o->out, out.data, out.len, &err);
	nsima_buf_free(&out);
	if (rc)
		return attest_report(rc == NSIMA_EIO ? o->out : o->log, rc,
				     &err, false);
	return NSIMA_EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, view;
	struct attest_args o;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	nsima_log_init(&log);
	nsima_log_init(&view);
	rc = attest_load_log(o.log, o.fmt, o.log_alg, false, &log);
	if (rc)
		goto out;
	if (o.given[OPT_NS] && o.given[OPT_REDACTED])
		rc = nsima_log_redact(&log, o.host, o.nsid, o.banks, &view, &err);
	else if (o.given[OPT_NS])
		rc = nsima_log_filter_ns(&log, o.host, o.nsid, &view, &err);
	if (rc) {
		rc = attest_report(o.log, rc, &err, false);
		goto out;
	}
	rc = write_out(&o, o.given[OPT_NS] ? &view : &log);
out:
	nsima_log_free(&view);
	nsima_log_free(&log);
	return rc;
}
