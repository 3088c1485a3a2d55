// SPDX-License-Identifier: GPL-2.0
/*
 * Trim and checkpoint.
 *
 * nsima_trim() frees the head of the list once the agent has persisted
 * it; the module keeps the number of trimmed entries and the PCR values
 * they produce (the checkpoint), starting from the PCR's value when the
 * module loaded. A trim never passes the extend position (extend=async):
 * the checkpoint is never ahead of the TPM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include "nsima.h"

/* Checkpoint: entries trimmed so far and the PCR values they produce. */
static u64 nsima_trimmed;
static u8 nsima_ckpt_pcr[NSIMA_MAX_BANKS][NSIMA_DIGEST_MAX];
static unsigned long nsima_trim_gen;
static DEFINE_MUTEX(nsima_trim_mutex);

/* The checkpoint's start: our PCR's values when the module loaded. */
void nsima_checkpoint_start(u8 pcr[][NSIMA_DIGEST_MAX])
{
	mutex_lock(&nsima_trim_mutex);
	memcpy(nsima_ckpt_pcr, pcr, sizeof(nsima_ckpt_pcr));
	mutex_unlock(&nsima_trim_mutex);
}

u64 nsima_first_index(void)
{
	return READ_ONCE(nsima_trimmed);
}

unsigned long nsima_trim_generation(void)
{
	return READ_ONCE(nsima_trim_gen);
}

void nsima_checkpoint(u64 *index, u8 pcr[][NSIMA_DIGEST_MAX])
{
	mutex_lock(&nsima_trim_mutex);
	*index = nsima_trimmed;
	memcpy(pcr, nsima_ckpt_pcr, sizeof(nsima_ckpt_pcr));
	mutex_unlock(&nsima_trim_mutex);
}

/*
 * Free the first @n entries of the list (indexes below nsima_trimmed + n).
 * The checkpoint advances over them: replaying the rest of the list from
 * the checkpoint gives the PCR values. Readers that opened a list file
 * before the trim get -ESTALE and reopen.
 */
int nsima_trim(u64 n)
{
	return nsima_trim_to(n, false);
}

/*
 * Free the entries below whole-list index @n when @absolute (the agent's
 * form: it names what it persisted, so a trim by anyone else meanwhile
 * cannot make it free more; entries already trimmed are no error), else
 * the first @n entries.
 */
int nsima_trim_to(u64 n, bool absolute)
{
	u8 (*ckpt)[NSIMA_DIGEST_MAX];
	struct nsima_entry *e, *first;
	u8 sha1[NSIMA_SHA1_SIZE];
	struct tpm_digest *d;
	u64 i;
	int rc = 0;

	if (!n)
		return 0;
	d = kcalloc(nsima_nr_banks, sizeof(*d), GFP_KERNEL);
	ckpt = kmalloc(sizeof(nsima_ckpt_pcr), GFP_KERNEL);
	if (!d || !ckpt) {
		rc = -ENOMEM;
		goto out_free;
	}

	/*
	 * Only trim removes entries and it is serialised by the trim mutex,
	 * so the head of the list is stable here while measurements go on
	 * appending at its tail: the new checkpoint is computed without
	 * holding up the measuring tasks.
	 */
	mutex_lock(&nsima_trim_mutex);
	if (absolute)
		n = n > nsima_trimmed ? n - nsima_trimmed : 0;
	if (!n)
		goto out_unlock;
	if (n > (u64)atomic_long_read(&nsima_stats.entries)) {
		rc = -ERANGE;
		goto out_unlock;
	}
	/*
	 * extend=async: never trim an entry whose extend is still queued,
	 * or the checkpoint would run ahead of the TPM.
	 */
	rc = nsima_wait_extended(nsima_trimmed + n);
	if (rc)
		goto out_unlock;
	memcpy(ckpt, nsima_ckpt_pcr, sizeof(nsima_ckpt_pcr));
	first = list_first_entry(&nsima_list, struct nsima_entry, list);
	for (i = 0, e = first; i < n && !rc; i++) {
		if (e->violation)
			nsima_violation_digests(d);
		else
			rc = nsima_template_digests(e->data, e->data_len, sha1, d);
		if (!rc)
			rc = nsima_extend_soft(ckpt, d);
		e = list_entry(READ_ONCE(e->list.next), struct nsima_entry, list);
		cond_resched();
	}
	if (rc)
		goto out_unlock;

	/*
	 * Unlink; list_del_rcu() keeps ->next, so the victims stay chained.
	 * Readers see the new generation (ESTALE) before any entry goes.
	 */
	nsima_list_lock();
	WRITE_ONCE(nsima_trim_gen, nsima_trim_gen + 1);
	for (i = 0, e = first; i < n; i++) {
		struct nsima_entry *next = list_entry(e->list.next,
						      struct nsima_entry, list);

		list_del_rcu(&e->list);
		e = next;
	}
	memcpy(nsima_ckpt_pcr, ckpt, sizeof(nsima_ckpt_pcr));
	WRITE_ONCE(nsima_trimmed, nsima_trimmed + n);
	atomic_long_sub(n, &nsima_stats.entries);
	nsima_list_unlock();

	/* No reader can reach a victim after the grace period. */
	synchronize_rcu();
	for (i = 0, e = first; i < n; i++) {
		struct nsima_entry *next = list_entry(e->list.next,
						      struct nsima_entry, list);

		atomic_long_sub(ksize(e), &nsima_stats.bytes);
		/* The record may be reaped once in_list drops: bit first. */
		if (atomic_long_read(&e->ns->in_list) <=
		    READ_ONCE(nsima_ns_entries_max))
			clear_bit(NSIMA_Q_ENTRIES, &e->ns->quota_flags);
		atomic_long_dec(&e->ns->in_list);
		kfree(e);
		e = next;
	}
out_unlock:
	mutex_unlock(&nsima_trim_mutex);
	if (!rc)
		nsima_ns_reap();	/* ended namespaces with no entry left */
out_free:
	kfree(ckpt);
	kfree(d);
	return rc;
}
