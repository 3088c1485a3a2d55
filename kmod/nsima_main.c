// SPDX-License-Identifier: GPL-2.0
/*
 * nsima: per-namespace, TPM-anchored measurement lists for BPF LSM programs.
 *
 * Module set-up: parameters, TPM chip and banks, then the list, securityfs
 * and the kfuncs. Without a TPM the list is kept in software only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include "nsima.h"

int nsima_pcr = NSIMA_DEFAULT_PCR;
module_param_named(pcr, nsima_pcr, int, 0444);
MODULE_PARM_DESC(pcr, "PCR extended with every measurement (default 11)");

static bool nsima_allow_resettable;
module_param_named(allow_resettable_pcr, nsima_allow_resettable, bool, 0444);
MODULE_PARM_DESC(allow_resettable_pcr, "testing only: accept PCR 16 or 23");

static char *nsima_ns_kind = "mnt";
module_param_named(ns, nsima_ns_kind, charp, 0444);
MODULE_PARM_DESC(ns, "namespace entries are attributed to: mnt (default), uts, pid, cgroup");

static char *nsima_extend_mode = "sync";
module_param_named(extend, nsima_extend_mode, charp, 0444);
MODULE_PARM_DESC(extend, "sync: extend in the measuring task (default); async: ordered worker");
bool nsima_extend_async;

static bool nsima_unloadable;
module_param_named(unloadable, nsima_unloadable, bool, 0444);
MODULE_PARM_DESC(unloadable, "allow rmmod when no BPF program uses the kfuncs (default: never)");

static bool nsima_use_tpm = true;
module_param_named(tpm, nsima_use_tpm, bool, 0444);
MODULE_PARM_DESC(tpm, "use the TPM if there is one (default 1); 0: software-only list");

struct tpm_chip *nsima_chip;
struct nsima_bank nsima_banks[NSIMA_MAX_BANKS];
int nsima_nr_banks;

const char *nsima_ns_kind_name(void)
{
	return nsima_ns_kind;
}

/* Without a TPM keep the two banks every verifier replays. */
static const struct nsima_bank nsima_soft_banks[] = {
	{ .alg_id = TPM_ALG_SHA1, .digest_size = 20, .crypto_id = HASH_ALGO_SHA1 },
	{ .alg_id = TPM_ALG_SHA256, .digest_size = 32, .crypto_id = HASH_ALGO_SHA256 },
};

static int nsima_banks_init(void)
{
	int i;

	nsima_chip = nsima_use_tpm ? tpm_default_chip() : NULL;
	if (!nsima_chip) {
		pr_info("no TPM: software-only measurement list\n");
		nsima_nr_banks = ARRAY_SIZE(nsima_soft_banks);
		memcpy(nsima_banks, nsima_soft_banks, sizeof(nsima_soft_banks));
		return 0;
	}
	if (nsima_chip->nr_allocated_banks > NSIMA_MAX_BANKS) {
		pr_err("TPM has %u banks, at most %d supported\n",
		       nsima_chip->nr_allocated_banks, NSIMA_MAX_BANKS);
		return -EOPNOTSUPP;
	}
	nsima_nr_banks = nsima_chip->nr_allocated_banks;
	for (i = 0; i < nsima_nr_banks; i++) {
		nsima_banks[i].alg_id = nsima_chip->allocated_banks[i].alg_id;
		nsima_banks[i].digest_size =
			nsima_chip->allocated_banks[i].digest_size;
		nsima_banks[i].crypto_id =
			nsima_chip->allocated_banks[i].crypto_id;
	}
	return 0;
}

static void nsima_banks_exit(void)
{
	if (nsima_chip)
		put_device(&nsima_chip->dev);
	nsima_chip = NULL;
}

static int nsima_check_params(void)
{
	if (nsima_pcr < 0 || nsima_pcr >= NSIMA_PCR_COUNT ||
	    (NSIMA_PCR_RESETTABLE(nsima_pcr) && !nsima_allow_resettable)) {
		pr_err("pcr=%d refused (0-23, not the resettable 16 or 23)\n",
		       nsima_pcr);
		return -EINVAL;
	}
	if (!strcmp(nsima_extend_mode, "async")) {
		nsima_extend_async = true;
	} else if (strcmp(nsima_extend_mode, "sync")) {
		pr_err("extend=%s refused (sync or async)\n", nsima_extend_mode);
		return -EINVAL;
	}
	return 0;
}

/* A namespace's first entry: its securityfs view. */
static void nsima_ns_created(struct nsima_ns *r)
{
	nsima_fs_add_ns(r);	/* a missing view is logged, not fatal */
}

/* Namespaces that ended (a batch, under the records' lock): no views. */
static void nsima_ns_unview(struct list_head *records)
{
	struct nsima_ns *r;

	list_for_each_entry(r, records, all)
		nsima_fs_remove_ns(r);
}

/*
 * The same batch, without the lock: cache forgotten in one walk, then
 * each gets its ns_end entry, before its inode number can be reused.
 */
static void nsima_ns_ended(struct list_head *records)
{
	struct nsima_ns *r;

	nsima_cache_forget_ended();
	list_for_each_entry(r, records, all) {
		/* Its own losses first, then its end: nothing of it after. */
		nsima_log_count(r, &r->lost, NSIMA_EVENT_LOST);
		nsima_log_count(r, &r->ev_dropped, NSIMA_EVENT_OVERFLOW);
		nsima_log_internal_event(r, NSIMA_EVENT_NS_END,
					 atomic_long_read(&r->count), 0);
		WRITE_ONCE(r->closed, true);
	}
}

static const struct nsima_ns_ops nsima_ns_ops = {
	.created = nsima_ns_created,
	.unview = nsima_ns_unview,
	.ended = nsima_ns_ended,
};

static int __init nsima_init(void)
{
	int rc;

	rc = nsima_check_params();
	if (rc)
		return rc;
	rc = nsima_ns_init(nsima_ns_kind, &nsima_ns_ops);
	if (rc)
		return rc;
	rc = nsima_banks_init();
	if (rc)
		goto err_ns;
	rc = nsima_crypto_init();
	if (rc)
		goto err_banks;
	rc = nsima_queue_init();
	if (rc)
		goto err_crypto;
	rc = nsima_cache_init();
	if (rc)
		goto err_queue;
	nsima_measure_init();
	rc = nsima_event_init();
	if (rc)
		goto err_cache;
	rc = nsima_fs_init();
	if (rc)
		goto err_event;
	rc = nsima_add_aggregate();
	if (rc)
		goto err_fs;
	rc = nsima_kfunc_init();
	if (rc)
		goto err_fs;
	/*
	 * Production default: never unloadable. A loaded BPF program that
	 * uses the kfuncs pins the module in any case.
	 */
	if (!nsima_unloadable)
		__module_get(THIS_MODULE);
	pr_info("PCR %d, %d bank(s)%s, ns=%s, extend=%s%s\n", nsima_pcr,
		nsima_nr_banks, nsima_chip ? "" : " (no TPM)", nsima_ns_kind,
		nsima_extend_async ? "async" : "sync",
		nsima_unloadable ? ", unloadable" : "");
	return 0;

err_fs:
	nsima_event_exit();
	nsima_ns_stop(nsima_fs_remove_ns);
	nsima_measure_exit();
	nsima_fs_exit();
	goto err_cache;
err_event:
	nsima_event_exit();
err_cache:
	nsima_measure_exit();
	nsima_cache_exit();
err_queue:
	nsima_queue_exit();
err_crypto:
	nsima_crypto_exit();
err_banks:
	nsima_banks_exit();
err_ns:
	nsima_ns_exit();
	return rc;
}

static void __exit nsima_exit(void)
{
	nsima_event_exit();	/* drains queued events */
	nsima_ns_stop(nsima_fs_remove_ns);	/* no ns_end, no views */
	nsima_measure_exit();	/* no more lost entries logged */
	nsima_fs_exit();
	nsima_cache_exit();
	nsima_queue_exit();	/* pending extends done */
	nsima_cap_pcr();	/* no later list replays from zero */
	nsima_ns_exit();
	nsima_crypto_exit();
	nsima_banks_exit();
}

module_init(nsima_init);
module_exit(nsima_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-namespace TPM-anchored measurement lists");
MODULE_AUTHOR("nsima developers");
