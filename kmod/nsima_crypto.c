// SPDX-License-Identifier: GPL-2.0
/*
 * File digests and template digests.
 *
 * Files are hashed with SHA-256 through the kernel crypto API. Template
 * digests follow IMA's rule: every bank gets its own hash of the template
 * data; a bank whose hash the kernel cannot compute gets the SHA-1 digest
 * zero-padded to the bank size (as IMA does).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/err.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include "nsima.h"

#define NSIMA_READ_CHUNK	(32 * 1024)

unsigned long long nsima_hash_max = 4ULL << 30;
module_param_named(hash_max, nsima_hash_max, ullong, 0644);
MODULE_PARM_DESC(hash_max, "files larger than this many bytes get a too_large violation, not a digest (default 4 GiB; 0: no limit)");

struct crypto_shash *nsima_file_tfm;
static struct crypto_shash *nsima_sha1_tfm;

int nsima_crypto_init(void)
{
	int i;

	nsima_file_tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(nsima_file_tfm))
		goto err_file;
	nsima_sha1_tfm = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(nsima_sha1_tfm))
		goto err_sha1;

	for (i = 0; i < nsima_nr_banks; i++) {
		struct nsima_bank *b = &nsima_banks[i];

		b->tfm = NULL;
		if (b->crypto_id == HASH_ALGO__LAST)
			continue;
		b->tfm = crypto_alloc_shash(hash_algo_name[b->crypto_id], 0, 0);
		if (IS_ERR(b->tfm)) {
			pr_warn("no %s in this kernel: bank 0x%04x gets padded SHA-1\n",
				hash_algo_name[b->crypto_id], b->alg_id);
			b->tfm = NULL;
			b->crypto_id = HASH_ALGO__LAST;
		}
	}
	return 0;

err_sha1:
	crypto_free_shash(nsima_file_tfm);
	nsima_file_tfm = NULL;
	return PTR_ERR(nsima_sha1_tfm);
err_file:
	return PTR_ERR(nsima_file_tfm);
}

void nsima_crypto_exit(void)
{
	int i;

	for (i = 0; i < nsima_nr_banks; i++)
		crypto_free_shash(nsima_banks[i].tfm);
	crypto_free_shash(nsima_sha1_tfm);
	crypto_free_shash(nsima_file_tfm);
}

/*
 * SHA-256 of the whole file. A file not opened for reading, or opened
 * O_DIRECT (kernel_read() would need aligned buffers), is reopened
 * read-only on the same path: the measured object, not a name lookup.
 * -EFBIG beyond hash_max bytes (checked before and while reading),
 * -EINTR on a fatal signal, -ENOKEY when the crypto API fails, else the
 * read error.
 */
int nsima_hash_file(struct file *file, u8 *digest)
{
	unsigned long long max = READ_ONCE(nsima_hash_max);
	size_t chunk = NSIMA_READ_CHUNK;
	struct file *f = file;
	loff_t pos = 0;
	ssize_t n;
	void *buf;
	int rc;
	SHASH_DESC_ON_STACK(desc, nsima_file_tfm);

	if (max && i_size_read(file_inode(file)) > max)
		return -EFBIG;
	if (!(file->f_mode & FMODE_READ) || !(file->f_mode & FMODE_CAN_READ) ||
	    (file->f_flags & O_DIRECT)) {
		f = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE,
				current_cred());
		if (IS_ERR(f))
			return PTR_ERR(f);
	}

	buf = kmalloc(chunk, GFP_KERNEL | __GFP_NOWARN);
	if (!buf) {
		chunk = PAGE_SIZE;
		buf = kmalloc(chunk, GFP_KERNEL);
	}
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}

	desc->tfm = nsima_file_tfm;
	rc = crypto_shash_init(desc) ? -ENOKEY : 0;
	while (!rc) {
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			break;
		}
		n = kernel_read(f, buf, chunk, &pos);
		if (n < 0) {
			rc = n;
			break;
		}
		if (n == 0) {
			rc = crypto_shash_final(desc, digest) ? -ENOKEY : 0;
			break;
		}
		if (max && pos > max) {
			rc = -EFBIG;	/* grew while we read it */
			break;
		}
		rc = crypto_shash_update(desc, buf, n) ? -ENOKEY : 0;
		cond_resched();
	}
	kfree(buf);
out:
	if (f != file)
		fput(f);
	return rc;
}

int nsima_sha256(const void *data, size_t len, u8 *digest)
{
	return crypto_shash_tfm_digest(nsima_file_tfm, data, len, digest);
}

/*
 * Template digests of @data for SHA-1 (@sha1) and every bank (@out, one per
 * nsima_banks[] entry, alg_id filled in).
 */
int nsima_template_digests(const u8 *data, u32 len, u8 *sha1,
			   struct tpm_digest *out)
{
	int i, rc;

	rc = crypto_shash_tfm_digest(nsima_sha1_tfm, data, len, sha1);
	if (rc)
		return rc;
	for (i = 0; i < nsima_nr_banks; i++) {
		struct nsima_bank *b = &nsima_banks[i];

		out[i].alg_id = b->alg_id;
		memset(out[i].digest, 0, sizeof(out[i].digest));
		if (!b->tfm) {
			memcpy(out[i].digest, sha1, SHA1_DIGEST_SIZE);
			continue;
		}
		rc = crypto_shash_tfm_digest(b->tfm, data, len, out[i].digest);
		if (rc)
			return rc;
	}
	return 0;
}

/* A violation extends all-0xFF in every bank (IMA's convention). */
void nsima_violation_digests(struct tpm_digest *out)
{
	int i;

	for (i = 0; i < nsima_nr_banks; i++) {
		out[i].alg_id = nsima_banks[i].alg_id;
		memset(out[i].digest, 0xff, sizeof(out[i].digest));
	}
}

/*
 * Software PCR extend, every bank: pcr[i] = H_i(pcr[i] || d[i]). Used for
 * the trim checkpoint; a bank whose hash is missing keeps its value.
 */
int nsima_extend_soft(u8 pcr[][NSIMA_DIGEST_MAX], const struct tpm_digest *d)
{
	u8 buf[2 * NSIMA_DIGEST_MAX];
	int i, rc;

	for (i = 0; i < nsima_nr_banks; i++) {
		struct nsima_bank *b = &nsima_banks[i];

		if (!b->tfm)
			continue;
		memcpy(buf, pcr[i], b->digest_size);
		memcpy(buf + b->digest_size, d[i].digest, b->digest_size);
		rc = crypto_shash_tfm_digest(b->tfm, buf, 2 * b->digest_size,
					     pcr[i]);
		if (rc)
			return rc;
	}
	return 0;
}
