// SPDX-License-Identifier: GPL-2.0
/*
 * The boot aggregate (the list's first entry), the PCR's value at load,
 * and the cap extended at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/sha2.h>
#include "nsima.h"

static u8 nsima_pcr_load[NSIMA_MAX_BANKS][NSIMA_DIGEST_MAX];

/* The bank the aggregate reads: sha256 if allocated, else the first. */
static const struct nsima_bank *nsima_aggregate_bank(void)
{
	int i;

	for (i = 0; i < nsima_nr_banks; i++)
		if (nsima_banks[i].alg_id == TPM_ALG_SHA256)
			return &nsima_banks[i];
	return nsima_nr_banks ? &nsima_banks[0] : NULL;
}

/* The bank the aggregate read, NULL without a TPM. */
const struct nsima_bank *nsima_aggregate_tpm_bank(void)
{
	return nsima_chip ? nsima_aggregate_bank() : NULL;
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
				memcpy(nsima_pcr_load[i], d.digest,
				       nsima_banks[i].digest_size);
		}
		nsima_checkpoint_start(nsima_pcr_load);
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
