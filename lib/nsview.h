/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-namespace views of a measurement list.
 *
 * filter: only one namespace's entries (a sparse log keeping whole-list
 * indexes; for display and policy, not for replay).
 *
 * redact: every entry, but those of other namespaces reduced to their
 * per-bank template digests (NSIMA_ENTRY_REDACTED, no template data, no
 * name): what a tenant may see, and still enough to replay the PCR.
 */
#ifndef NSIMA_NSVIEW_H
#define NSIMA_NSVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

/* Does @e belong to the namespace (host, or nsid)? */
bool nsima_entry_in_ns(const struct nsima_entry *e, bool host, uint64_t nsid);

int nsima_log_filter_ns(const struct nsima_log *in, bool host, uint64_t nsid,
			struct nsima_log *out, struct nsima_err *err);

/*
 * Redacted copy of @in for the namespace; other entries carry the template
 * digests of @banks (a violation's stay all zero). @in must be contiguous.
 */
int nsima_log_redact(const struct nsima_log *in, bool host, uint64_t nsid,
		     unsigned int banks, struct nsima_log *out,
		     struct nsima_err *err);

#endif /* NSIMA_NSVIEW_H */
