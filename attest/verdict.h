/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima-attest verify's report (attest/verdict.c): one verdict line on
 * stdout, or one JSON object with --json (docs/nsima-attest.md "verify").
 */
#ifndef NSIMA_ATTEST_VERDICT_H
#define NSIMA_ATTEST_VERDICT_H

#include "opts.h"
#include "verify.h"
#include "vinput.h"

/* "" for a whole-list verify, "host" or the nsid for a --ns view. */
void verdict_view_name(const struct attest_args *o, char *buf);

/* A failure of @input: "<category>: <input>: <why>"; returns its code. */
int verdict_fail(const struct attest_args *o, const char *input, int rc,
		 const struct nsima_err *err);

/*
 * The list failed its pass (@rc from nsima_verify_walk): at an entry
 * (named: index, namespace, path), unreachable (what was reached, what
 * was quoted), or otherwise.
 */
int verdict_list_fail(const struct attest_args *o, const char *input, int rc,
		      const struct nsima_err *err, const struct nsima_verify *v);

/*
 * A --ns view that passed the list: ns-incomplete (13) at its ns_state
 * entry or ns-state-missing (14); 0 when proven or accepted unproven.
 */
int verdict_ns(const struct attest_args *o, const char *input,
	       const struct nsima_verify *v);

/* trusted: the quote, and with a list what it covers (@ms: time taken). */
void verdict_trusted(const struct attest_args *o, const struct nsima_vinput *in,
		     const struct nsima_verify *v, double ms);

#endif /* NSIMA_ATTEST_VERDICT_H */
