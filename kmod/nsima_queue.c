// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement list: one global, ordered list. An entry is appended and
 * its template digests extended into the PCR under one mutex, so the order
 * of the list is the order of the extends. Readers walk it under RCU.
 * Entries are never freed while the module is loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/overflow.h>
#include "nsima.h"

LIST_HEAD(nsima_list);
static DEFINE_MUTEX(nsima_list_mutex);
static atomic_long_t nsima_count = ATOMIC_LONG_INIT(0);
static atomic_long_t nsima_tpm_errors = ATOMIC_LONG_INIT(0);

unsigned long nsima_entry_count(void)
{
	return atomic_long_read(&nsima_count);
}

unsigned long nsima_tpm_error_count(void)
{
	return atomic_long_read(&nsima_tpm_errors);
}

/*
 * Append an entry with template data @data (copied) for namespace @nsid
 * and extend its digests into the PCR of every bank.
 */
int nsima_add_entry(u64 nsid, const u8 *data, u32 len)
{
	struct tpm_digest *digests;
	struct nsima_entry *e;
	int rc;

	e = kmalloc(struct_size(e, data, len), GFP_KERNEL);
	digests = kcalloc(max(nsima_nr_banks, 1), sizeof(*digests), GFP_KERNEL);
	if (!e || !digests) {
		rc = -ENOMEM;
		goto out_free;
	}
	e->nsid = nsid;
	e->pcr = nsima_pcr;
	e->data_len = len;
	memcpy(e->data, data, len);
	rc = nsima_template_digests(e->data, len, e->sha1, digests);
	if (rc)
		goto out_free;

	mutex_lock(&nsima_list_mutex);
	list_add_tail_rcu(&e->list, &nsima_list);
	atomic_long_inc(&nsima_count);
	if (nsima_chip) {
		rc = tpm_pcr_extend(nsima_chip, nsima_pcr, digests);
		if (rc) {
			/* The entry stays: the list is the truth, the error is visible. */
			atomic_long_inc(&nsima_tpm_errors);
			pr_err_ratelimited("PCR %d extend failed: %d\n", nsima_pcr, rc);
			rc = 0;
		}
	}
	mutex_unlock(&nsima_list_mutex);
	kfree(digests);
	return 0;

out_free:
	kfree(digests);
	kfree(e);
	return rc;
}
