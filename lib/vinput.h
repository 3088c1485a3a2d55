/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inputs of one verification, taken from buffers (files read by
 * nsima-attest verify, a bundle fetched from an agent): the AK the
 * verifier trusts, the quote and its signature with the PCR values (files
 * or an evidence bundle), the list, the verifier's checkpoint and its
 * previous clock. Each loader parses and checks what can be checked
 * without the quote's signature; on failure it names the input that
 * failed in in->input (the report says "<category>: <input>: <why>").
 * The verification itself: nsima_quote_verify (lib/quote.h) then
 * nsima_verify_walk (lib/verify.h).
 */
#ifndef NSIMA_VINPUT_H
#define NSIMA_VINPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "evidence.h"
#include "log_format.h"
#include "quote.h"
#include "replay.h"

struct nsima_vinput {
	const char *input;		/* the input that failed */
	struct nsima_akpub ak;		/* trusted (enrolled) */
	struct nsima_quote q;
	struct nsima_sig sig;
	struct nsima_pcr_values vals;
	bool derive;			/* no values: from the replay */
	struct nsima_evidence ev;
	bool have_ev;
	/* the list: walked later, in place (not copied) */
	bool have_log;
	const uint8_t *list;
	size_t list_len;
	enum nsima_log_format fmt;
	int bank;			/* header digests' bank (-1: default) */
	uint64_t first;
	bool first_given;
	/* the verifier's checkpoint */
	bool have_cp;
	struct nsima_replay_set cp;
};

/* Release what the loaders allocated (the list is the caller's). */
void nsima_vinput_free(struct nsima_vinput *in);

/* The AK the verifier trusts: a TPM2B_PUBLIC (from enroll). */
int nsima_vinput_ak(struct nsima_vinput *in, const uint8_t *buf, size_t len,
		    const char *name, struct nsima_err *err);

/*
 * A quote and its signature as tpm2_quote writes them (-m, -s), and the
 * PCR values (-o, either layout: lib/pcrfile.h) or none (@pcrs NULL:
 * derived from the list's replay).
 */
int nsima_vinput_quote(struct nsima_vinput *in, const uint8_t *quote,
		       size_t quote_len, const char *quote_name,
		       const uint8_t *sig, size_t sig_len, const char *sig_name,
		       const uint8_t *pcrs, size_t pcrs_len,
		       const char *pcrs_name, struct nsima_err *err);

/*
 * An evidence bundle (docs/evidence.md): its quote, signature and values;
 * its AK must be the trusted one (nsima_vinput_ak first), the same TPM
 * public area. Its list, if any, is taken as nsima_vinput_log does, in
 * @fmt (0: the bundle's) and @bank (-1: the bundle's).
 */
int nsima_vinput_bundle(struct nsima_vinput *in, const uint8_t *buf,
			size_t len, const char *name, enum nsima_log_format fmt,
			int bank, struct nsima_err *err);

/*
 * The list in @buf (kept, not copied) of format @fmt (AUTO: sniffed),
 * starting at entry @first (a CEL list numbers its records: they must
 * agree when @first_given). An empty or blank list is malformed unless
 * @after_checkpoint (nothing new since the verifier's checkpoint).
 */
int nsima_vinput_log(struct nsima_vinput *in, const uint8_t *buf, size_t len,
		     const char *name, enum nsima_log_format fmt, int bank,
		     uint64_t first, bool first_given, bool after_checkpoint,
		     struct nsima_err *err);

/*
 * The verifier's own checkpoint (verify --save-checkpoint JSON): nothing
 * the node writes may start a replay, so the module's text checkpoint is
 * refused; one saved by a verify of a namespace's view serves only that
 * view (@view: "" for the whole list, "host" or the nsid).
 */
int nsima_vinput_checkpoint(struct nsima_vinput *in, const uint8_t *buf,
			    size_t len, const char *name, const char *view,
			    struct nsima_err *err);

/*
 * A bundle's checkpoint must be the verifier's own: NSIMA_EGAP when the
 * bundle continues from one and the verifier gave another or none.
 */
int nsima_vinput_check_bundle_cp(struct nsima_vinput *in, const char *name,
				 struct nsima_err *err);

/*
 * The previous quote's clock (a TPMS_ATTEST, or verify --save-clock
 * JSON) against this quote's: no reset, restart or rollback unless
 * @flags allow (NSIMA_CLOCK_ALLOW_RESUME).
 */
int nsima_vinput_clock(struct nsima_vinput *in, const uint8_t *buf,
		       size_t len, const char *name, const char *quote_name,
		       unsigned int flags, struct nsima_err *err);

#endif /* NSIMA_VINPUT_H */
