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
#include "log_format.h"

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

/*
 * @e reduced to the template digests of @banks into @r (NSIMA_ENTRY_REDACTED,
 * no data, no name; a violation's digests stay all zero): how a view shows
 * another namespace's entry. NSIMA_EUNSUPPORTED when @e has no data and
 * lacks a bank.
 */
int nsima_entry_redact(const struct nsima_entry *e, unsigned int banks,
		       struct nsima_entry *r, struct nsima_err *err);

/*
 * A namespace's view built an entry at a time, as a list is walked: the
 * rule of nsima_log_filter_ns (@redact false: the namespace's entries
 * only) or nsima_log_redact (@redact true: every entry, the others
 * redacted to @banks), which are built on it.
 */
struct nsima_view {
	bool host;
	uint64_t nsid;
	bool redact;
	unsigned int banks;
	bool started;
	uint64_t next;		/* whole-list index expected next */
	struct nsima_entry redacted;	/* the last entry redacted */
};

/* NSIMA_EINVAL for a bad @banks when @redact. */
int nsima_view_init(struct nsima_view *v, bool host, uint64_t nsid,
		    bool redact, unsigned int banks, struct nsima_err *err);
/*
 * The entry at whole-list @index as the view shows it: *@shown is @e, its
 * redacted form (held in @v until the next call), or NULL (left out).
 * Redacting, the indexes must follow on (NSIMA_EINVAL: a namespace's view,
 * whose missing entries cannot be redacted); a redaction failure is at
 * NSIMA_AT_ENTRY @index.
 */
int nsima_view_entry(struct nsima_view *v, const struct nsima_entry *e,
		     uint64_t index, const struct nsima_entry **shown,
		     struct nsima_err *err);

/*
 * Walk a list (nsima_log_walk_view: any format, a view's CEL records
 * too) through @v, in constant memory: @fn gets each entry the view
 * shows, with its whole-list index. @v NULL: every entry.
 */
int nsima_view_walk(struct nsima_view *v, const uint8_t *buf, size_t len,
		    enum nsima_log_format fmt, int hdr_bank, nsima_walk_fn fn,
		    void *ctx, struct nsima_err *err);

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
