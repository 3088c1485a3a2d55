// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement list: one global, ordered list.
 *
 * extend=sync: an entry is appended and its digests extended into the PCR
 * under one mutex, so the order of the list is the order of the extends.
 * extend=async: the entry is appended and its digests queued, in the same
 * critical section, on a FIFO that one ordered worker drains into the TPM:
 * the extend order is still the list order, but a slow TPM no longer sits
 * in every measured exec. Quotes then lag the list (status shows the
 * pending count); verifiers replay until the quoted value.
 *
 * Readers walk the list under RCU. Entries are freed only by nsima_trim(),
 * after the agent has persisted them; the module then keeps the number of
 * trimmed entries and the PCR values they produce (the checkpoint).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/overflow.h>
#include <linux/workqueue.h>
#include <crypto/sha2.h>
#include "nsima.h"

LIST_HEAD(nsima_list);
static DEFINE_MUTEX(nsima_list_mutex);
struct nsima_stats nsima_stats;

/* Checkpoint: entries trimmed so far and the PCR values they produce. */
static u64 nsima_trimmed;
static u8 nsima_ckpt_pcr[NSIMA_MAX_BANKS][NSIMA_DIGEST_MAX];
static unsigned long nsima_trim_gen;
static DEFINE_MUTEX(nsima_trim_mutex);

/* extend=async: FIFO of digests waiting for the TPM. */
struct nsima_pending {
	struct list_head list;
	struct tpm_digest d[];
};

static LIST_HEAD(nsima_pending_list);
static DEFINE_SPINLOCK(nsima_pending_lock);
static struct workqueue_struct *nsima_extend_wq;
static void nsima_extend_work(struct work_struct *work);
static DECLARE_WORK(nsima_extend_work_item, nsima_extend_work);

static void nsima_tpm_extend(const struct tpm_digest *d)
{
	int rc;

	if (!nsima_chip)
		return;
	rc = tpm_pcr_extend(nsima_chip, nsima_pcr, (struct tpm_digest *)d);
	if (rc) {
		/* The entry stays: the list is the truth, the error is visible. */
		atomic_long_inc(&nsima_stats.tpm_errors);
		pr_err_ratelimited("PCR %d extend failed: %d\n", nsima_pcr, rc);
	}
}

static void nsima_extend_work(struct work_struct *work)
{
	struct nsima_pending *p;

	for (;;) {
		spin_lock(&nsima_pending_lock);
		p = list_first_entry_or_null(&nsima_pending_list,
					     struct nsima_pending, list);
		if (p)
			list_del(&p->list);
		spin_unlock(&nsima_pending_lock);
		if (!p)
			return;
		nsima_tpm_extend(p->d);
		kfree(p);
		atomic_long_dec(&nsima_stats.pending);
		cond_resched();
	}
}

/*
 * Append an entry with template data @data (taken over: freed here on
 * error, kept otherwise) for namespace @ns and extend its digests.
 */
int nsima_add_entry(struct nsima_ns *ns, enum nsima_template t, void *data,
		    u32 len, bool violation)
{
	struct nsima_pending *p;
	struct nsima_entry *e;
	int rc;

	e = kmalloc(struct_size(e, data, len), GFP_KERNEL);
	p = kmalloc(struct_size(p, d, nsima_nr_banks), GFP_KERNEL);
	if (!e || !p) {
		rc = -ENOMEM;
		goto out_free;
	}
	e->ns = ns;
	e->pcr = nsima_pcr;
	e->template = t;
	e->violation = violation;
	e->pad = 0;
	e->data_len = len;
	memcpy(e->data, data, len);
	if (violation) {
		memset(e->sha1, 0, sizeof(e->sha1));
		nsima_violation_digests(p->d);
	} else {
		rc = nsima_template_digests(e->data, len, e->sha1, p->d);
		if (rc)
			goto out_free;
	}

	mutex_lock(&nsima_list_mutex);
	list_add_tail_rcu(&e->list, &nsima_list);
	atomic_long_inc(&nsima_stats.entries);
	atomic_long_inc(&nsima_stats.total);
	atomic_long_add(ksize(e), &nsima_stats.bytes);
	if (nsima_extend_async) {
		spin_lock(&nsima_pending_lock);
		list_add_tail(&p->list, &nsima_pending_list);
		spin_unlock(&nsima_pending_lock);
		atomic_long_inc(&nsima_stats.pending);
		queue_work(nsima_extend_wq, &nsima_extend_work_item);
		p = NULL;
	} else {
		nsima_tpm_extend(p->d);
	}
	mutex_unlock(&nsima_list_mutex);

	atomic_long_inc(&ns->count);
	if (violation) {
		atomic_long_inc(&nsima_stats.violations);
		atomic_long_inc(&ns->violations);
	}
	kfree(p);
	kfree(data);
	return 0;

out_free:
	kfree(p);
	kfree(e);
	kfree(data);
	return rc;
}

/*
 * First entry: "nsima_aggregate", SHA-256 over PCR 0-9 of the sha256 bank,
 * binding the list to this boot (like IMA's boot_aggregate). All zero
 * without a TPM or without a sha256 bank.
 */
int nsima_add_aggregate(void)
{
	u8 pcrs[10 * SHA256_DIGEST_SIZE];
	u8 digest[SHA256_DIGEST_SIZE];
	struct tpm_digest d;
	void *data;
	u32 len;
	int i, rc;

	memset(digest, 0, sizeof(digest));
	if (nsima_chip) {
		for (i = 0; i < 10; i++) {
			d.alg_id = TPM_ALG_SHA256;
			rc = tpm_pcr_read(nsima_chip, i, &d);
			if (rc)
				break;
			memcpy(pcrs + i * SHA256_DIGEST_SIZE, d.digest,
			       SHA256_DIGEST_SIZE);
		}
		if (i == 10)
			rc = nsima_sha256(pcrs, sizeof(pcrs), digest);
		if (rc)
			pr_warn("PCR 0-9 unreadable (%d): zero aggregate\n", rc);
	}
	data = nsima_build_entry_data(NSIMA_T_NG, digest, NSIMA_AGGREGATE_NAME,
				      NULL, 0, &len);
	if (!data)
		return -ENOMEM;
	/* The host's, whoever loads the module. */
	return nsima_add_entry(nsima_ns_get_record(NULL), NSIMA_T_NG, data, len,
			       false);
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
	if (n > (u64)atomic_long_read(&nsima_stats.entries)) {
		rc = -ERANGE;
		goto out_unlock;
	}
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

	/* Unlink; list_del_rcu() keeps ->next, so the victims stay chained. */
	mutex_lock(&nsima_list_mutex);
	for (i = 0, e = first; i < n; i++) {
		struct nsima_entry *next = list_entry(e->list.next,
						      struct nsima_entry, list);

		list_del_rcu(&e->list);
		e = next;
	}
	memcpy(nsima_ckpt_pcr, ckpt, sizeof(nsima_ckpt_pcr));
	WRITE_ONCE(nsima_trimmed, nsima_trimmed + n);
	WRITE_ONCE(nsima_trim_gen, nsima_trim_gen + 1);
	atomic_long_sub(n, &nsima_stats.entries);
	mutex_unlock(&nsima_list_mutex);

	/* No reader can reach a victim after the grace period. */
	synchronize_rcu();
	for (i = 0, e = first; i < n; i++) {
		struct nsima_entry *next = list_entry(e->list.next,
						      struct nsima_entry, list);

		atomic_long_sub(ksize(e), &nsima_stats.bytes);
		kfree(e);
		e = next;
	}
out_unlock:
	mutex_unlock(&nsima_trim_mutex);
out_free:
	kfree(ckpt);
	kfree(d);
	return rc;
}

int nsima_queue_init(void)
{
	nsima_extend_wq = alloc_ordered_workqueue("nsima_extend", 0);
	return nsima_extend_wq ? 0 : -ENOMEM;
}

void nsima_queue_exit(void)
{
	struct nsima_entry *e, *tmp;

	destroy_workqueue(nsima_extend_wq);	/* drains pending extends */
	list_for_each_entry_safe(e, tmp, &nsima_list, list) {
		list_del(&e->list);
		kfree(e);
	}
}
