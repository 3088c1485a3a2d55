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

/*
 * The attribution rule of a namespace's view (nsima-attest export --ns X
 * --redacted): an entry shown in full must be X's by its name; others may
 * only appear redacted. NSIMA_ENAMESPACE at NSIMA_AT_ENTRY @index for a
 * full entry of another namespace, of the host, or without a name.
 */
int nsima_view_check_entry(const struct nsima_entry *e, uint64_t index,
			   bool host, uint64_t nsid, struct nsima_err *err);

/* Who an entry is, printable, for verdicts. */
struct nsima_entry_desc {
	bool known;		/* described (the entry is in the list) */
	bool redacted;
	bool named;		/* ns and path are set */
	bool violation;
	char ns[24];		/* "host" or the nsid */
	char path[256];		/* bytes outside 0x20..0x7e as '?', cut */
	size_t path_len;
	char tmpl[NSIMA_TEMPLATE_FMT_MAX + 1];	/* "" when redacted */
};

/* Describe @e (NULL: not known). */
void nsima_entry_describe(const struct nsima_entry *e,
			  struct nsima_entry_desc *d);

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
