/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsimad's Prometheus metrics (text exposition format 0.0.4): what the
 * agent counted, the module's status figures and the BPF programs'
 * kfunc failures, rendered by nsima_metrics_render(); docs/nsimad.md
 * lists them.
 *
 * Events are counted by namespace, type and risk from the entries the
 * agent persists (nsima_metrics_entry). Label values come from fixed
 * sets (the module's event and risk names, "other" otherwise) or are
 * numbers (the nsid, or "host"): an entry cannot inject a label. The
 * number of series is bounded; entries beyond it are counted in
 * nsima_events_unlabelled_total.
 */
#ifndef NSIMA_METRICS_H
#define NSIMA_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "log.h"

struct nsima_metrics;

/* What the agent did since it started. */
struct nsima_agent_counts {
	uint64_t entries, commits, commit_errors, trims, trim_errors;
	uint64_t journal_next, journal_bytes, journal_namespaces;
	uint64_t policy_loads, policy_errors;	/* nsimad --policy */
	uint64_t quotes, quote_wait_ms;		/* evidence's TPM quotes */
	uint64_t rate_limited;			/* 429 by --rate */
	bool have_kernel;		/* kernel_total is known */
	uint64_t kernel_total;		/* trimmed + entries in the list */
};

/* At most @max_series (namespace, type, risk) series; NULL: no memory. */
struct nsima_metrics *nsima_metrics_new(size_t max_series);
void nsima_metrics_free(struct nsima_metrics *m);
/* Count @e if it is an event ("[<nsid>:]nsima-event:<type>"). */
void nsima_metrics_entry(struct nsima_metrics *m, const struct nsima_entry *e);
/*
 * Add @src's counts to @dst and clear @src (what a batch counted, once
 * it is committed); series beyond @dst's bound go to its unlabelled.
 */
void nsima_metrics_merge(struct nsima_metrics *dst, struct nsima_metrics *src);
/*
 * The whole exposition into @out: @a; the numeric lines of the module's
 * @status text (NULL: not readable; "key: N" lines become
 * nsima_module_<key>); @kfunc_errors[NSIMA_PROG_MAX] (NULL: the map is
 * not readable). 0, or -1 on no memory.
 */
int nsima_metrics_render(const struct nsima_metrics *m,
			 const struct nsima_agent_counts *a,
			 const char *status, const uint64_t *kfunc_errors,
			 struct nsima_buf *out);

#endif /* NSIMA_METRICS_H */
