/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A parsed policy (lib/policy.h) as the entries of the BPF maps the
 * programs read (include/nsima/policy_maps.h), built in memory so that
 * nsima-load only copies them, and a unit test can check them: the
 * decision the programs make from these entries (nsima_pmaps_decide,
 * the same lookups in the same order) must be nsima_policy_match's.
 */
#ifndef NSIMA_PMAPS_H
#define NSIMA_PMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nsima/policy_maps.h>

#include "err.h"
#include "policy.h"

struct nsima_pmaps {
	struct nsima_pm_key *keys;	/* pm_keys: unique keys */
	struct nsima_pm_val *vals;
	size_t nkeys;
	struct nsima_pm_lens lens[NSIMA_PM_LENS_ENTRIES];	/* pm_lens */
	struct nsima_pm_rule connect[NSIMA_PM_LIST_MAX];	/* pm_connect */
	struct nsima_pm_rule capable[NSIMA_PM_LIST_MAX];	/* pm_capable */
	struct nsima_pm_net *nets;	/* pm_nets */
	size_t nnets;
	uint64_t cgroups[NSIMA_PM_CGROUPS_MAX];	/* pm_cgroups: scope ids */
	size_t ncgroups;
	size_t statements;		/* of the policy */
};

/*
 * Build the entries of @p. NSIMA_EINVAL (with the statement's line) when
 * the policy does not fit the maps: more than NSIMA_PM_KEYS_MAX keys,
 * NSIMA_PM_LENS_MAX prefix lengths of one kind and field, NSIMA_PM_LIST_MAX
 * connect or capable rules or NSIMA_PM_NETS_MAX networks.
 */
int nsima_pmaps_build(const struct nsima_policy *p, struct nsima_pmaps *m,
		      struct nsima_err *err);
void nsima_pmaps_free(struct nsima_pmaps *m);

/*
 * What the programs decide from @m for what a hook saw (@type
 * NSIMA_PSTMT_RULE: the rule that fires; NSIMA_PSTMT_MEASURE: the measure
 * or dont_measure line that decides): its statement index, or -1.
 */
long nsima_pmaps_decide(const struct nsima_pmaps *m, unsigned int type,
			const struct nsima_policy_event *ev);

#endif /* NSIMA_PMAPS_H */
