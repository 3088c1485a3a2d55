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
 * Readers walk the list under RCU. Entries are freed only by nsima_trim()
 * (nsima_trim.c), after the agent has persisted them.
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

/* extend=async: FIFO of digests waiting for the TPM. */
struct nsima_pending {
	struct list_head list;
	u64 index;			/* of the entry */
	struct tpm_digest d[];
};

/* Entries whose extend is done (in list order): trim stays behind it. */
static atomic64_t nsima_extended = ATOMIC64_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(nsima_extended_wq);
/* First and last entry whose extend failed (-1: none). */
static atomic64_t nsima_tpm_error_first = ATOMIC64_INIT(-1);
static atomic64_t nsima_tpm_error_last = ATOMIC64_INIT(-1);

void nsima_list_lock(void)
{
	mutex_lock(&nsima_list_mutex);
}

void nsima_list_unlock(void)
{
	mutex_unlock(&nsima_list_mutex);
}

/* Wait (killably) until the first @n entries ever added are extended. */
int nsima_wait_extended(u64 n)
{
	return wait_event_killable(nsima_extended_wq,
				   (u64)atomic64_read(&nsima_extended) >= n);
}

/* Entries extended so far (all of them, with extend=sync). */
u64 nsima_extended_count(void)
{
	return atomic64_read(&nsima_extended);
}

void nsima_tpm_error_range(s64 *first, s64 *last)
{
	*first = atomic64_read(&nsima_tpm_error_first);
	*last = atomic64_read(&nsima_tpm_error_last);
}

static LIST_HEAD(nsima_pending_list);
static DEFINE_SPINLOCK(nsima_pending_lock);
static struct workqueue_struct *nsima_extend_wq;
static void nsima_extend_work(struct work_struct *work);
static DECLARE_WORK(nsima_extend_work_item, nsima_extend_work);

/*
 * Extend entry @index's digests. A failure keeps the entry (the list is
 * the truth) and is visible: counted, and the first and last failed
 * entry indexes are in status, so a verifier's replay mismatch can be
 * placed.
 */
static void nsima_tpm_extend(const struct tpm_digest *d, u64 index)
{
	int rc = 0;

	if (nsima_chip)
		rc = tpm_pcr_extend(nsima_chip, nsima_pcr,
				    (struct tpm_digest *)d);
	if (rc) {
		atomic_long_inc(&nsima_stats.tpm_errors);
		atomic64_cmpxchg(&nsima_tpm_error_first, -1, index);
		atomic64_set(&nsima_tpm_error_last, index);
		pr_err_ratelimited("PCR %d extend of entry %llu failed: %d\n",
				   nsima_pcr, index, rc);
	}
	atomic64_inc(&nsima_extended);
	wake_up_all(&nsima_extended_wq);
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
		nsima_tpm_extend(p->d, p->index);
		kfree(p);
		atomic_long_dec(&nsima_stats.pending);
		cond_resched();
	}
}

/*
 * The namespace's state: count and chain over its entries in list order
 * (ns_state entries excluded): chain = SHA-256(chain || SHA-256(data)).
 * Under nsima_list_mutex.
 */
static void nsima_ns_state_update(struct nsima_ns *ns, const u8 *dsum)
{
	u8 buf[2 * SHA256_DIGEST_SIZE];

	memcpy(buf, ns->st_chain, SHA256_DIGEST_SIZE);
	memcpy(buf + SHA256_DIGEST_SIZE, dsum, SHA256_DIGEST_SIZE);
	if (nsima_sha256(buf, sizeof(buf), ns->st_chain))
		ns->st_broken = true;	/* shown in info; ns_state refused */
	ns->st_count++;
}

/* A copy of @ns's state (count, chain) as of now. */
void nsima_ns_state(struct nsima_ns *ns, u64 *count, u8 *chain, bool *broken)
{
	mutex_lock(&nsima_list_mutex);
	*count = ns->st_count;
	memcpy(chain, ns->st_chain, SHA256_DIGEST_SIZE);
	*broken = ns->st_broken;
	mutex_unlock(&nsima_list_mutex);
}

/*
 * Append an entry with template data @data (taken over: freed here on
 * error, kept otherwise) for namespace @ns and extend its digests.
 * @flags: NSIMA_E_VIOLATION (zero digest logged, 0xFF extended),
 * NSIMA_E_NS_STATE (an ns_state entry: appended only if @ns's count is
 * still @expect, else -EAGAIN; not part of the state itself).
 */
int nsima_add_entry_state(struct nsima_ns *ns, enum nsima_template t,
			  void *data, u32 len, unsigned int flags, u64 expect)
{
	bool violation = flags & NSIMA_E_VIOLATION;
	u8 dsum[SHA256_DIGEST_SIZE];
	struct nsima_pending *p;
	struct nsima_entry *e;
	int rc;

	rc = nsima_sha256(data, len, dsum);
	if (rc) {
		kfree(data);
		return rc;
	}
	/* Charged to the measuring task's memory cgroup. */
	e = kmalloc(struct_size(e, data, len), GFP_KERNEL_ACCOUNT);
	p = kmalloc(struct_size(p, d, nsima_nr_banks), GFP_KERNEL_ACCOUNT);
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
	if (flags & NSIMA_E_NS_STATE) {
		if (ns->ended) {	/* its ns_end may be in the list */
			mutex_unlock(&nsima_list_mutex);
			rc = -ENOENT;
			goto out_free;
		}
		if (ns->st_count != expect || ns->st_broken) {
			mutex_unlock(&nsima_list_mutex);
			rc = -EAGAIN;
			goto out_free;
		}
	} else {
		nsima_ns_state_update(ns, dsum);
	}
	list_add_tail_rcu(&e->list, &nsima_list);
	atomic_long_inc(&ns->in_list);
	atomic_long_inc(&nsima_stats.entries);
	p->index = atomic_long_inc_return(&nsima_stats.total) - 1;
	atomic_long_add(ksize(e), &nsima_stats.bytes);
	if (nsima_extend_async) {
		spin_lock(&nsima_pending_lock);
		list_add_tail(&p->list, &nsima_pending_list);
		spin_unlock(&nsima_pending_lock);
		atomic_long_inc(&nsima_stats.pending);
		queue_work(nsima_extend_wq, &nsima_extend_work_item);
		p = NULL;
	} else {
		nsima_tpm_extend(p->d, p->index);
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

int nsima_add_entry(struct nsima_ns *ns, enum nsima_template t, void *data,
		    u32 len, bool violation)
{
	return nsima_add_entry_state(ns, t, data, len,
				     violation ? NSIMA_E_VIOLATION : 0, 0);
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
