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
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cel.h"
#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "nsview.h"

struct export_opts {
	const char *log;
	const char *out;
	enum nsima_log_format fmt;
	enum nsima_log_format to;
	bool seq;
	int hdr_bank;
	unsigned int banks;
	bool ns_set;
	bool host;
	uint64_t nsid;
	bool redacted;
};

static void export_usage(FILE *f)
{
	fprintf(f,
		"usage: nsima-attest export --log FILE --to FMT --out FILE [options]\n"
		"  --to FMT           binary, ascii, cel (JSON array) or cel-seq (JSON-seq)\n"
		"  --out FILE         output (\"-\" = stdout)\n"
		"  --format FMT       input format (default: detect)\n"
		"  --log-alg BANK     header digest bank, input and output (default sha1)\n"
		"  --banks LIST       CEL digests to write (default sha1,sha256)\n"
		"  --ns NSID|host     only this namespace's entries\n"
		"  --redacted         with --ns: other entries as template digests only\n");
}

static int parse_to(struct export_opts *o, const char *arg)
{
	int v;

	o->seq = !strcmp(arg, "cel-seq");
	v = o->seq ? NSIMA_FORMAT_CEL : nsima_log_format_by_name(arg);
	if (v <= NSIMA_FORMAT_AUTO)
		return -1;
	o->to = (enum nsima_log_format)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct export_opts *o)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "log-alg", required_argument, NULL, 'a' },
		{ "banks", required_argument, NULL, 'b' },
		{ "ns", required_argument, NULL, 'n' },
		{ "redacted", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsima_err err = { 0 };
	int c, v;

	memset(o, 0, sizeof(*o));
	o->hdr_bank = NSIMA_BANK_SHA1;
	o->banks = NSIMA_BANKS_DEFAULT;
	while ((c = getopt_long(argc, argv, "l:o:t:f:a:b:n:rh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'l':
			o->log = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 't':
			if (parse_to(o, optarg)) {
				attest_msg("export: bad --to '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'f':
			v = nsima_log_format_by_name(optarg);
			if (v < 0) {
				attest_msg("export: bad --format '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			o->fmt = (enum nsima_log_format)v;
			break;
		case 'a':
			o->hdr_bank = nsima_bank_by_name(optarg, strlen(optarg));
			if (o->hdr_bank < 0) {
				attest_msg("export: bad --log-alg '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'b':
			if (nsima_banks_parse(optarg, &o->banks, &err)) {
				attest_error("export: --banks", &err);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'n':
			if (nsima_nsid_parse(optarg, &o->host, &o->nsid, &err)) {
				attest_error("export: --ns", &err);
				return NSIMA_EXIT_USAGE;
			}
			o->ns_set = true;
			break;
		case 'r':
			o->redacted = true;
			break;
		case 'h':
			export_usage(stdout);
			return -1;
		default:
			export_usage(stderr);
			return NSIMA_EXIT_USAGE;
		}
	}
	if (optind != argc || !o->log || !o->out || !o->to) {
		attest_msg("export: --log, --to and --out are required");
		return NSIMA_EXIT_USAGE;
	}
	if (o->redacted && (!o->ns_set || o->to != NSIMA_FORMAT_CEL)) {
		attest_msg("export: --redacted needs --ns and --to cel or cel-seq");
		return NSIMA_EXIT_USAGE;
	}
	return NSIMA_EXIT_OK;
}

static int write_out(const struct export_opts *o, const struct nsima_log *log)
{
	struct nsima_err err = { 0 };
	struct nsima_buf out;
	int rc;

	nsima_buf_init(&out);
	if (o->to == NSIMA_FORMAT_CEL)
		rc = nsima_cel_write(log, o->banks, o->seq ? NSIMA_CEL_SEQ : 0,
				     &out, &err);
	else
		rc = nsima_log_write(log, o->to, o->hdr_bank, &out, &err);
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
	struct export_opts o;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	nsima_log_init(&log);
	nsima_log_init(&view);
	rc = attest_load_log(o.log, o.fmt, o.hdr_bank, false, &log);
	if (rc)
		goto out;
	if (o.ns_set && o.redacted)
		rc = nsima_log_redact(&log, o.host, o.nsid, o.banks, &view, &err);
	else if (o.ns_set)
		rc = nsima_log_filter_ns(&log, o.host, o.nsid, &view, &err);
	if (rc) {
		rc = attest_report(o.log, rc, &err, false);
		goto out;
	}
	rc = write_out(&o, o.ns_set ? &view : &log);
out:
	nsima_log_free(&view);
	nsima_log_free(&log);
	return rc;
}
