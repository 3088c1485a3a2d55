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
 * the checkpoint gives. Every format is replayed as it is walked, in
 * constant memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "opts.h"
#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "hex.h"
#include "log_format.h"
#include "replay.h"

static const struct attest_cmd replay_cmd = {
	"replay", "--log FILE [options]",
	(const enum attest_opt[]){ OPT_LOG, OPT_FORMAT, OPT_PCR, OPT_BANKS,
				   OPT_LOG_ALG, OPT_QUOTED, OPT_CHECKPOINT,
				   OPT_NO_VERIFY, OPT_JSON, OPT_END },
	(const enum attest_opt[]){ OPT_LOG, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	return attest_parse(argc, argv, &replay_cmd, o);
}

static void print_result(const struct attest_args *o,
			 const struct nsima_replay *r, uint64_t total)
{
	char hex[2 * NSIMA_DIGEST_MAX + 1];
	bool first = true;
	int b;

	if (o->given[OPT_JSON])
		printf("{\"result\":\"ok\",\"exit\":0,\"pcr\":%u,\"entries\":%llu,\"pcrs\":{",
		       o->pcr, (unsigned long long)total);
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(o->banks & NSIMA_BANK_BIT(b)))
			continue;
		nsima_hex_encode(r->pcrs.val[b], nsima_bank_size(b), hex);
		if (o->given[OPT_JSON])
			printf("%s\"%s\":\"%s\"", first ? "" : ",",
			       nsima_bank_name(b), hex);
		else
			printf("%s:%s\n", nsima_bank_name(b), hex);
		first = false;
	}
	if (o->given[OPT_JSON])
		printf("}");
	if (o->quoted.banks) {
		if (o->given[OPT_JSON])
			printf(",\"covered\":%llu,\"pending\":%llu",
			       (unsigned long long)r->next,
			       (unsigned long long)(total - r->next));
		else
			printf("covered: %llu\npending: %llu\n",
			       (unsigned long long)r->next,
			       (unsigned long long)(total - r->next));
	}
	if (o->given[OPT_JSON])
		printf("}\n");
}

/* Start @r from the checkpoint file; the log is what follows it. */
static int load_checkpoint(const struct attest_args *o, struct nsima_replay *r)
{
	unsigned int want = o->banks | o->quoted.banks;
	struct nsima_err err = { 0 };
	struct nsima_replay_set cp;
	struct nsima_replay *mine;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool json;
	int rc;

	rc = nsima_read_file(o->checkpoint, NSIMA_SMALL_FILE_MAX, &buf, &len, &err);
	if (!rc)
		rc = nsima_checkpoint_load(buf, len, o->pcr, &cp, &json, NULL,
					   &err);
	free(buf);
	mine = rc ? NULL : nsima_replay_set_get(&cp, o->pcr);
	if (!rc && !mine)
		rc = nsima_err_set(&err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "the checkpoint is not for PCR %u", o->pcr);
	if (rc)
		return attest_report(o->checkpoint, rc, &err, o->given[OPT_JSON]);
	*r = *mine;
	if ((r->pcrs.banks & want) != want) {
		attest_msg("replay: %s: the checkpoint lacks a bank of --banks",
			   o->checkpoint);
		return NSIMA_EXIT_MALFORMED;
	}
	r->pcrs.banks = want;
	return NSIMA_EXIT_OK;
}

/*
 * The list is replayed as it is walked, in constant memory whatever its
 * format: a binary list's records where they lie, an ascii line or a CEL
 * record at a time. Without a checkpoint a CEL list's records must start
 * at 0; after one, they follow on from wherever they start.
 */
static int run(const struct attest_args *o, const uint8_t *buf, size_t len)
{
	unsigned int flags = !o->given[OPT_NO_VERIFY] ? NSIMA_REPLAY_VERIFY : 0;
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	uint64_t total;
	int rc;

	rc = nsima_replay_init(&r, o->pcr, o->banks | o->quoted.banks, &err);
	if (rc)
		return attest_report(o->log, rc, &err, o->given[OPT_JSON]);
	if (o->checkpoint) {
		rc = load_checkpoint(o, &r);
		if (rc)
			return rc;
	}
	rc = nsima_replay_walk(&r, buf, len, o->fmt, o->log_alg,
			       !o->checkpoint,
			       o->quoted.banks ? &o->quoted : NULL, flags,
			       &total, &err);
	if (rc)
		return attest_report(o->log, rc, &err, o->given[OPT_JSON]);
	print_result(o, &r, total);
	return NSIMA_EXIT_OK;
}

int cmd_replay(int argc, char **argv)
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
		return attest_report(o.log, rc, &err, o.given[OPT_JSON]);
	rc = run(&o, buf, len);
	attest_unmap_file(buf, len, mapped);
	return rc;
}
