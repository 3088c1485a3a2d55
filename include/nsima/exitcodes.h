/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima-attest exit codes: a fixed, documented set. Scripts and the
 * verifier depend on these numbers; add new ones at the end, never renumber.
 */
#ifndef NSIMA_EXITCODES_H
#define NSIMA_EXITCODES_H

enum nsima_exit {
	NSIMA_EXIT_OK = 0,		/* trusted / success */
	NSIMA_EXIT_INTERNAL = 1,	/* out of memory, crypto library error */
	NSIMA_EXIT_USAGE = 2,		/* bad command line */
	NSIMA_EXIT_MALFORMED = 3,	/* evidence or log does not parse */
	NSIMA_EXIT_BAD_SIGNATURE = 4,	/* quote signature does not verify */
	NSIMA_EXIT_NONCE = 5,		/* quote nonce is not ours */
	NSIMA_EXIT_PCR_DIGEST = 6,	/* PCR values do not hash to pcrDigest */
	NSIMA_EXIT_REPLAY = 7,		/* replay cannot reach the quoted PCR */
	NSIMA_EXIT_TEMPLATE_DIGEST = 8,	/* template digest mismatch at entry N */
	NSIMA_EXIT_POLICY = 9,		/* runtime policy violation */
	NSIMA_EXIT_ROLLBACK = 10,	/* TPM reset/restart count or boot went back */
	NSIMA_EXIT_NAMESPACE = 11,	/* entry attributed to the wrong namespace */
	NSIMA_EXIT_IO = 12,		/* cannot read or write a file */
	NSIMA_EXIT_NS_INCOMPLETE = 13,	/* a namespace's view contradicts its ns_state */
	NSIMA_EXIT_NS_STATE_MISSING = 14, /* no ns_state proves the view complete */
	NSIMA_EXIT_NOT_VOUCHED = 15,	/* an entry the quote cannot vouch for */
	NSIMA_EXIT_MAX = 15,
};

#endif /* NSIMA_EXITCODES_H */
