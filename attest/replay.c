// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest replay: replay a measurement list to PCR values.
 *
 *   nsima-attest replay --log FILE [--format binary|ascii|cel]
 *                       [--pcr N] [--banks sha1,sha256,...] [--log-alg BANK]
 *                       [--quoted BANK:HEX]... [--checkpoint FILE]
 *                       [--no-verify] [--json]
 *
 * Prints "<bank>:<hex>" per bank. Every template digest the list carries is
 * checked against its data first (exit 8 at the first mismatch). With
 * --quoted, replays only until the quoted value(s) are reached and adds
 * "covered: N" and "pending: M" (exit 7 if never reached). With
 * --checkpoint (the module's checkpoint file after a trim), the list is the
 * rest after the trimmed entries and the replay starts from the PCR values
 * the checkpoint gives.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "hex.h"
#include "log_format.h"
#include "replay.h"

struct replay_opts {
	const char *log;
	enum nsima_log_format fmt;
	uint32_t pcr;
	unsigned int banks;
	int hdr_bank;
	struct nsima_pcrs quoted;
	const char *checkpoint;
	bool verify;
	bool json;
};

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: nsima-attest replay --log FILE [options]\n"
		"  --log FILE          measurement list (\"-\" = stdin)\n"
		"  --format FMT        binary, ascii or cel (default: detect)\n"
		"  --pcr N             PCR index to replay (default %d)\n"
		"  --banks LIST        banks to print (default sha1,sha256)\n"
		"  --log-alg BANK      bank of the list's header digests (default sha1;\n"
		"                      sha256 etc. for binary_runtime_measurements_sha256)\n"
		"  --quoted BANK:HEX   stop at the first entry giving this PCR value\n"
		"  --checkpoint FILE   the list starts after a trim: start from the\n"
		"                      module's checkpoint (entries: N, bank: hex)\n"
		"  --no-verify         do not check template digests against the data\n"
		"  --json              one JSON object on stdout\n",
		NSIMA_DEFAULT_PCR);
}

static int parse_quoted(struct nsima_pcrs *q, const char *arg)
{
	const char *colon = strchr(arg, ':');
	int bank = colon ? nsima_bank_by_name(arg, (size_t)(colon - arg)) : -1;
	size_t hexlen;

	if (bank < 0)
		return -1;
	hexlen = strlen(colon + 1);
	if (hexlen != 2 * nsima_bank_size(bank) ||
	    nsima_hex_decode(colon + 1, hexlen, q->val[bank]) < 0)
		return -1;
	q->banks |= NSIMA_BANK_BIT(bank);
	return 0;
}

static int parse_opts(int argc, char **argv, struct replay_opts *o)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "pcr", required_argument, NULL, 'p' },
		{ "banks", required_argument, NULL, 'b' },
		{ "log-alg", required_argument, NULL, 'a' },
		{ "quoted", required_argument, NULL, 'q' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "no-verify", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsima_err err = { 0 };
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->pcr = NSIMA_DEFAULT_PCR;
	o->banks = NSIMA_BANKS_DEFAULT;
	o->hdr_bank = NSIMA_BANK_SHA1;
	o->verify = true;
	while ((c = getopt_long(argc, argv, "l:f:p:b:a:q:c:njh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'l':
			o->log = optarg;
			break;
		case 'f':
			v = nsima_log_format_by_name(optarg);
			if (v < 0) {
				attest_msg("replay: bad --format '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			o->fmt = (enum nsima_log_format)v;
			break;
		case 'p':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v >= NSIMA_PCR_COUNT) {
				attest_msg("replay: bad --pcr '%s' (0-%d)", optarg,
					   NSIMA_PCR_COUNT - 1);
				return NSIMA_EXIT_USAGE;
			}
			o->pcr = (uint32_t)v;
			break;
		case 'b':
			if (nsima_banks_parse(optarg, &o->banks, &err)) {
				attest_error("replay: --banks", &err);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'a':
			o->hdr_bank = nsima_bank_by_name(optarg, strlen(optarg));
			if (o->hdr_bank < 0) {
				attest_msg("replay: bad --log-alg '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'q':
			if (parse_quoted(&o->quoted, optarg)) {
				attest_msg("replay: bad --quoted '%s' (expected BANK:HEX)",
					   optarg);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'c':
			o->checkpoint = optarg;
			break;
		case 'n':
			o->verify = false;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			replay_usage(stdout);
			return -1;
		default:
			replay_usage(stderr);
			return NSIMA_EXIT_USAGE;
		}
	}
	if (optind != argc || !o->log) {
		attest_msg("replay: %s", optind != argc ? "unexpected argument" :
			   "--log FILE is required");
		return NSIMA_EXIT_USAGE;
	}
	return NSIMA_EXIT_OK;
}

static void print_result(const struct replay_opts *o,
			 const struct nsima_replay *r, uint64_t total)
{
	char hex[2 * NSIMA_DIGEST_MAX + 1];
	bool first = true;
	int b;

	if (o->json)
		printf("{\"result\":\"ok\",\"exit\":0,\"pcr\":%u,\"entries\":%llu,\"pcrs\":{",
		       o->pcr, (unsigned long long)total);
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(o->banks & NSIMA_BANK_BIT(b)))
			continue;
		nsima_hex_encode(r->pcrs.val[b], nsima_bank_size(b), hex);
		if (o->json)
			printf("%s\"%s\":\"%s\"", first ? "" : ",",
			       nsima_bank_name(b), hex);
		else
			printf("%s:%s\n", nsima_bank_name(b), hex);
		first = false;
	}
	if (o->json)
		printf("}");
	if (o->quoted.banks) {
		if (o->json)
			printf(",\"covered\":%llu,\"pending\":%llu",
			       (unsigned long long)r->next,
			       (unsigned long long)(total - r->next));
		else
			printf("covered: %llu\npending: %llu\n",
			       (unsigned long long)r->next,
			       (unsigned long long)(total - r->next));
	}
	if (o->json)
		printf("}\n");
}

/* Start @r from the checkpoint file; the log is what follows it. */
static int load_checkpoint(const struct replay_opts *o, struct nsima_replay *r,
			   struct nsima_log *log)
{
	unsigned int want = o->banks | o->quoted.banks;
	struct nsima_err err = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = nsima_read_file(o->checkpoint, 1 << 16, &buf, &len, &err);
	if (!rc)
		rc = nsima_checkpoint_parse((const char *)buf, len, r, &err);
	free(buf);
	if (rc)
		return attest_report(o->checkpoint, rc, &err, o->json);
	if ((r->pcrs.banks & want) != want) {
		attest_msg("replay: %s: the checkpoint lacks a bank of --banks",
			   o->checkpoint);
		return NSIMA_EXIT_MALFORMED;
	}
	r->pcrs.banks = want;
	log->first_index = r->next;
	return NSIMA_EXIT_OK;
}

static int run(const struct replay_opts *o, struct nsima_log *log)
{
	unsigned int flags = o->verify ? NSIMA_REPLAY_VERIFY : 0;
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	int rc;

	rc = nsima_replay_init(&r, o->pcr, o->banks | o->quoted.banks, &err);
	if (!rc && o->checkpoint) {
		rc = load_checkpoint(o, &r, log);
		if (rc)
			return rc;
	}
	if (!rc && o->quoted.banks && o->verify)
		rc = nsima_log_verify(log, NULL, &err);
	if (!rc && o->quoted.banks)
		rc = nsima_replay_until(&r, log, &o->quoted, 0, &err);
	else if (!rc)
		rc = nsima_replay_log(&r, log, flags, &err);
	if (rc)
		return attest_report(o->log, rc, &err, o->json);
	print_result(o, &r, log->first_index + log->count);
	return NSIMA_EXIT_OK;
}

/* A binary list is replayed as it is parsed: constant memory. */
static int run_stream(const struct replay_opts *o, const uint8_t *buf,
		      size_t len)
{
	unsigned int flags = o->verify ? NSIMA_REPLAY_VERIFY : 0;
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	struct nsima_log at;
	uint64_t total;
	int rc;

	rc = nsima_replay_init(&r, o->pcr, o->banks | o->quoted.banks, &err);
	if (rc)
		return attest_report(o->log, rc, &err, o->json);
	if (o->checkpoint) {
		nsima_log_init(&at);
		rc = load_checkpoint(o, &r, &at);
		if (rc)
			return rc;
	}
	rc = nsima_replay_binary(&r, buf, len, o->hdr_bank,
				 o->quoted.banks ? &o->quoted : NULL, flags,
				 &total, &err);
	if (rc)
		return attest_report(o->log, rc, &err, o->json);
	print_result(o, &r, total);
	return NSIMA_EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct replay_opts o;
	struct nsima_log log;
	uint8_t *buf;
	size_t len;
	bool mapped;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	rc = attest_map_file(o.log, &buf, &len, &mapped, &err);
	if (rc)
		return attest_report(o.log, rc, &err, o.json);
	if (o.fmt == NSIMA_FORMAT_BINARY ||
	    (o.fmt == NSIMA_FORMAT_AUTO &&
	     nsima_log_sniff(buf, len) == NSIMA_FORMAT_BINARY)) {
		rc = run_stream(&o, buf, len);
	} else {
		nsima_log_init(&log);
		rc = nsima_log_parse(buf, len, o.fmt, o.hdr_bank, &log, &err);
		rc = rc ? attest_report(o.log, rc, &err, o.json) :
			  run(&o, &log);
		nsima_log_free(&log);
	}
	attest_unmap_file(buf, len, mapped);
	return rc;
}
