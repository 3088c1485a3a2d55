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
#include <linux/tpm.h>
#include "nsima.h"

int nsima_pcr = NSIMA_DEFAULT_PCR;
module_param_named(pcr, nsima_pcr, int, 0444);
MODULE_PARM_DESC(pcr, "PCR extended with every measurement (default 11)");

static bool nsima_allow_resettable;
module_param_named(allow_resettable_pcr, nsima_allow_resettable, bool, 0444);
MODULE_PARM_DESC(allow_resettable_pcr, "testing only: accept PCR 16 or 23");

struct tpm_chip *nsima_chip;
struct nsima_bank *nsima_banks;
int nsima_nr_banks;

/* Without a TPM keep the two banks every verifier replays. */
static const struct nsima_bank nsima_soft_banks[] = {
	{ .alg_id = TPM_ALG_SHA1, .digest_size = 20, .crypto_id = HASH_ALGO_SHA1 },
	{ .alg_id = TPM_ALG_SHA256, .digest_size = 32, .crypto_id = HASH_ALGO_SHA256 },
};

static int nsima_banks_init(void)
{
	int i;

	nsima_chip = tpm_default_chip();
	if (!nsima_chip) {
		pr_info("no TPM: software-only measurement list\n");
		nsima_nr_banks = ARRAY_SIZE(nsima_soft_banks);
		nsima_banks = kmemdup(nsima_soft_banks, sizeof(nsima_soft_banks),
				      GFP_KERNEL);
		return nsima_banks ? 0 : -ENOMEM;
	}

	nsima_nr_banks = nsima_chip->nr_allocated_banks;
	nsima_banks = kcalloc(nsima_nr_banks, sizeof(*nsima_banks), GFP_KERNEL);
	if (!nsima_banks)
		return -ENOMEM;
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
	kfree(nsima_banks);
	nsima_banks = NULL;
	if (nsima_chip)
		put_device(&nsima_chip->dev);
	nsima_chip = NULL;
}

static int __init nsima_init(void)
{
	int rc;

	if (nsima_pcr < 0 || nsima_pcr >= 24 ||
	    (NSIMA_PCR_RESETTABLE(nsima_pcr) && !nsima_allow_resettable)) {
		pr_err("pcr=%d refused (0-23, not resettable 16/23)\n", nsima_pcr);
		return -EINVAL;
	}
	rc = nsima_ns_init();
	if (rc)
		return rc;
	rc = nsima_banks_init();
	if (rc)
		goto err_banks;
	rc = nsima_crypto_init();
	if (rc)
		goto err_banks;
	rc = nsima_fs_init();
	if (rc)
		goto err_crypto;
	rc = nsima_kfunc_init();
	if (rc)
		goto err_fs;
	pr_info("measuring into PCR %d, %d bank(s)%s\n", nsima_pcr,
		nsima_nr_banks, nsima_chip ? "" : ", no TPM");
	return 0;

err_fs:
	nsima_fs_exit();
err_crypto:
	nsima_crypto_exit();
err_banks:
	nsima_banks_exit();
	return rc;
}

static void __exit nsima_exit(void)
{
	nsima_fs_exit();
	nsima_crypto_exit();
	nsima_banks_exit();
}

module_init(nsima_init);
module_exit(nsima_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-namespace TPM-anchored measurement lists");
MODULE_AUTHOR("nsima developers");
