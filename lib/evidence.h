/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evidence bundle: one JSON object carrying a quote, its signature,
 * the AK public key, the PCR values per bank, the nonce, a measurement
 * list (slice) and the checkpoint it continues from. Schema and rules:
 * docs/evidence.md.
 */
#ifndef NSIMA_EVIDENCE_H
#define NSIMA_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "quote.h"
#include "replay.h"

#define NSIMA_EVIDENCE_VERSION	1
#define NSIMA_BOOT_ID_MAX	64

struct nsima_evidence {
	uint8_t *attest;	/* TPMS_ATTEST */
	size_t attest_len;
	uint8_t *sig;		/* TPMT_SIGNATURE */
	size_t sig_len;
	uint8_t *ak;		/* TPM2B_PUBLIC, or PEM text */
	size_t ak_len;
	uint8_t nonce[NSIMA_QUOTE_NONCE_MAX];
	size_t nonce_len;
	struct nsima_pcr_values pcrs;
	/* measurement list, optional */
	uint8_t *log;
	size_t log_len;
	int log_format;		/* enum nsima_log_format */
	int log_alg;		/* bank of the binary/ascii header digests */
	uint64_t log_first;	/* whole-list index of its first entry */
	/* checkpoint the log continues from, optional */
	bool has_checkpoint;
	struct nsima_replay_set checkpoint;
	char boot_id[NSIMA_BOOT_ID_MAX + 1];	/* optional, "" if absent */
	/*
	 * optional: the namespace whose view the log is ("<nsid>"|"host",
	 * "" if absent): what nsimad resolved a container name to. The
	 * node's word: it names what the verifier checks the view for.
	 */
	char view[24];
	bool view_host;
	uint64_t view_nsid;
};

/*
 * Parse a bundle. JSON syntax errors carry the byte offset; a bad member
 * names its path ("quote.signature: not base64").
 */
int nsima_evidence_parse(const uint8_t *buf, size_t len,
			 struct nsima_evidence *ev, struct nsima_err *err);
/* Write @ev as one JSON object (sorted keys, no spaces) and a newline. */
int nsima_evidence_write(const struct nsima_evidence *ev,
			 struct nsima_buf *out, struct nsima_err *err);
void nsima_evidence_free(struct nsima_evidence *ev);

/*
 * A checkpoint file: the "checkpoint" member of a bundle on its own,
 * {"pcr":11,"next":N,"pcrs":{"sha256":"<hex>",...}} (several PCRs:
 * "pcr":[10,11],"pcrs":{"10":{<banks>},"11":{<banks>}}), and "view":
 * "<nsid>"|"host" when a verify of that namespace's view saved it (its
 * entries before it were seen redacted but for the namespace's): @view
 * (NSIMA_VIEW_MAX bytes, may be NULL) gets it, "" for a whole list.
 */
#define NSIMA_VIEW_MAX	24
int nsima_checkpoint_parse_json(const uint8_t *buf, size_t len,
				struct nsima_replay_set *cp, char *view,
				struct nsima_err *err);

/* Write @cp as a checkpoint file (verify --save-checkpoint). */
int nsima_checkpoint_write_json(const struct nsima_replay_set *cp,
				const char *view, struct nsima_buf *out,
				struct nsima_err *err);

/*
 * A clock file: {"clock":N,"resetCount":N,"restartCount":N,"safe":true}
 * as nsima-attest verify --save-clock writes it.
 */
int nsima_clock_parse_json(const uint8_t *buf, size_t len,
			   struct nsima_clock *clk, struct nsima_err *err);
int nsima_clock_write_json(const struct nsima_clock *clk,
			   struct nsima_buf *out, struct nsima_err *err);

/* Strict base64 (RFC 4648, padded, no whitespace). */
int nsima_base64_decode(const char *in, size_t len, uint8_t **out,
			size_t *out_len);
int nsima_base64_encode(const uint8_t *in, size_t len, struct nsima_buf *out);

#endif /* NSIMA_EVIDENCE_H */
