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
static u8 nsima_pcr_load[NSIMA_MAX_BANKS][NSIMA_DIGEST_MAX];
static unsigned long nsima_trim_gen;
static DEFINE_MUTEX(nsima_trim_mutex);

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
	if (flags & NSIMA_E_NS_STATE) {
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

/* The bank the aggregate reads: sha256 if allocated, else the first. */
static const struct nsima_bank *nsima_aggregate_bank(void)
{
	int i;

	for (i = 0; i < nsima_nr_banks; i++)
		if (nsima_banks[i].alg_id == TPM_ALG_SHA256)
			return &nsima_banks[i];
	return nsima_nr_banks ? &nsima_banks[0] : NULL;
}

/* The aggregate's bank (TPM_ALG_*), 0 without a TPM. */
u16 nsima_aggregate_alg(void)
{
	const struct nsima_bank *b = nsima_aggregate_bank();

	return nsima_chip && b ? b->alg_id : 0;
}

/*
 * First entry: "nsima_aggregate", SHA-256 over PCR 0-9 of the sha256
 * bank (of the first bank where there is none, e.g. a TPM 1.2's sha1:
 * each PCR value read at that bank's size), binding the list to this
 * boot (like IMA's boot_aggregate). All zero without a TPM. Also records
 * the value of our PCR at load (non-zero where systemd-stub extended it
 * already): the checkpoint starts there, so replay from entry 0 is
 * replay from that value.
 */
int nsima_add_aggregate(void)
{
	const struct nsima_bank *b = nsima_aggregate_bank();
	u8 pcrs[10 * NSIMA_DIGEST_MAX];
	u8 digest[SHA256_DIGEST_SIZE];
	struct tpm_digest d;
	void *data;
	u32 len;
	int i, rc = 0;

	memset(digest, 0, sizeof(digest));
	if (nsima_chip && b) {
		for (i = 0; i < 10 && !rc; i++) {
			d.alg_id = b->alg_id;
			rc = tpm_pcr_read(nsima_chip, i, &d);
			memcpy(pcrs + i * b->digest_size, d.digest,
			       b->digest_size);
		}
		if (!rc)
			rc = nsima_sha256(pcrs, 10 * b->digest_size, digest);
		if (rc)
			pr_warn("PCR 0-9 unreadable (%d): zero aggregate\n", rc);
		for (i = 0; i < nsima_nr_banks; i++) {
			d.alg_id = nsima_banks[i].alg_id;
			if (tpm_pcr_read(nsima_chip, nsima_pcr, &d))
				pr_warn("PCR %d (0x%04x) unreadable at load\n",
					nsima_pcr, d.alg_id);
			else
				memcpy(nsima_ckpt_pcr[i], d.digest,
				       nsima_banks[i].digest_size);
			memcpy(nsima_pcr_load[i], nsima_ckpt_pcr[i],
			       NSIMA_DIGEST_MAX);
		}
	}
	data = nsima_build_entry_data(NSIMA_T_NG, digest, NSIMA_AGGREGATE_NAME,
				      NULL, 0, &len);
	if (!data)
		return -ENOMEM;
	/* The host's, whoever loads the module. */
	return nsima_add_entry(nsima_ns_get_record(NULL), NSIMA_T_NG, data, len,
			       false);
}

/* Our PCR's values when the module loaded (the checkpoint's start). */
void nsima_pcr_at_load(u8 pcr[][NSIMA_DIGEST_MAX])
{
	memcpy(pcr, nsima_pcr_load, sizeof(nsima_pcr_load));
}

/*
 * Unload (unloadable=1, or rmmod -f): extend all-0xFF into the PCR, so
 * that no list started after this, by a reloaded module, replays from
 * zero: a verifier sees that the PCR went through an unload.
 */
void nsima_cap_pcr(void)
{
	struct tpm_digest *d;

	if (!nsima_chip)
		return;
	d = kcalloc(nsima_nr_banks, sizeof(*d), GFP_KERNEL);
	if (!d)
		return;
	nsima_violation_digests(d);
	if (tpm_pcr_extend(nsima_chip, nsima_pcr, d))
		pr_err("PCR %d: unload cap not extended\n", nsima_pcr);
	kfree(d);
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
	/*
	 * extend=async: never trim an entry whose extend is still queued,
	 * or the checkpoint would run ahead of the TPM.
	 */
	rc = wait_event_killable(nsima_extended_wq,
				 (u64)atomic64_read(&nsima_extended) >=
				 nsima_trimmed + n);
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
		if (atomic_long_dec_return(&e->ns->in_list) <
		    READ_ONCE(nsima_ns_entries_max))
			clear_bit(NSIMA_Q_ENTRIES, &e->ns->quota_flags);
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
