/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading nsima's BPF programs with a policy, measured, attached and
 * pinned under NSIMA_BPFFS_DIR: what nsima-load and nsimad --policy do
 * (agent/progs.c).
 */
#ifndef NSIMA_PROGS_H
#define NSIMA_PROGS_H

#include <stdbool.h>
#include <stdint.h>
#include <nsima/policy_maps.h>

#include "pmaps.h"
#include "policy.h"

/* Where messages go: one line each, no newline (the caller's prefix). */
typedef void (*nsima_progs_say)(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Parse policy @file into @p and its map entries @m: 0, 1 (cannot read
 * it) or 3 (it does not parse or does not fit the maps), said.
 */
int nsima_progs_read_policy(const char *file, struct nsima_policy *p,
			    struct nsima_pmaps *m, nsima_progs_say say);

/*
 * Programs pinned? 1 (with the policy they hold in @info, all zero when
 * its map is not pinned), 2 the same but a load did not finish (the
 * RELOADING mark or NAME_new pins are left: @info may not say what is in
 * force), 0 none, -1 cannot tell (said).
 */
int nsima_progs_pinned(struct nsima_pm_info *info, nsima_progs_say say);

/*
 * Load the programs with @p/@m: the policy load is measured first
 * (@sfs/policy, with the BPF object's SHA-256: a policy that cannot be
 * measured is not applied), then the maps are filled and frozen, the
 * programs attached and pinned. One loader at a time (flock on the pin
 * directory); a first load that fails after its measurement measures
 * "no programs" (an all-zero digest).
 *
 * With programs pinned already: refused unless @replace. Replacing, the
 * new set shares the old one's workload marks and kfunc error counts,
 * is attached before the old one is detached (renamed over its pins: no
 * moment without programs, a moment with both), and a failure leaves
 * the old set attached and measures its policy again, so that the
 * list's last policy entry is the one in force.
 *
 * 0, or 1 (said). @verbose: a line per program; > 1, the verifier's
 * statistics.
 */
int nsima_progs_load(const char *sfs, const struct nsima_policy *p,
		     const struct nsima_pmaps *m, bool replace, int verbose,
		     nsima_progs_say say);

/*
 * Measure "the programs in force are not known" (a policy entry whose
 * digest is all 0xff): for a loader that leaves a set it cannot name.
 */
int nsima_progs_unknown(const char *sfs, nsima_progs_say say);

/* The SHA-256 of the BPF object this build loads: 0, or -1 (said). */
int nsima_progs_digest(uint8_t out[32], nsima_progs_say say);

/*
 * Remove every pin (detaches the programs), measured first (@sfs/policy:
 * "no programs"): 0, or 1 (said).
 */
int nsima_progs_unpin(const char *sfs, nsima_progs_say say);

#endif /* NSIMA_PROGS_H */
