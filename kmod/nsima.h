/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima: per-namespace, TPM-anchored measurement lists.
 *
 * One global ordered list of IMA-style entries, each tagged with the
 * namespace it was measured in; the order of the list is the order of the
 * PCR extends.
 */
#ifndef _NSIMA_H
#define _NSIMA_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/tpm.h>
#include <linux/hash_info.h>
#include <crypto/hash.h>
#include <nsima/abi.h>

/* One allocated TPM bank (or, with no TPM, the banks we keep anyway). */
struct nsima_bank {
	u16 alg_id;			/* TPM_ALG_* */
	u16 digest_size;
	enum hash_algo crypto_id;	/* HASH_ALGO__LAST: hash not available */
	struct crypto_shash *tfm;
};

/*
 * A measurement. Only the SHA-1 template digest is kept (it heads the
 * binary list record, like IMA); the other banks' digests are recomputed
 * from @data by whoever needs them.
 */
struct nsima_entry {
	struct list_head list;		/* RCU list, nsima_list_mutex for writers */
	u64 nsid;			/* 0: host (initial) namespace */
	u32 pcr;
	u32 data_len;
	u8 sha1[NSIMA_SHA1_SIZE];	/* all zero: violation */
	u8 data[];			/* template data (ima-ng fields) */
};

/* nsima_main.c */
extern int nsima_pcr;
extern struct tpm_chip *nsima_chip;
extern struct nsima_bank *nsima_banks;
extern int nsima_nr_banks;
extern struct crypto_shash *nsima_file_tfm;	/* sha256: file digests */

/* nsima_crypto.c */
int nsima_crypto_init(void);
void nsima_crypto_exit(void);
int nsima_hash_file(struct file *file, u8 *digest);
int nsima_template_digests(const u8 *data, u32 len, u8 *sha1,
			   struct tpm_digest *out);

/* nsima_queue.c */
extern struct list_head nsima_list;
int nsima_add_entry(u64 nsid, const u8 *data, u32 len);
unsigned long nsima_entry_count(void);
unsigned long nsima_tpm_error_count(void);

/* nsima_fs.c */
int nsima_fs_init(void);
void nsima_fs_exit(void);

/* nsima_kfunc.c */
int nsima_kfunc_init(void);

/* nsima_ns.c */
int nsima_ns_init(void);
int nsima_current_nsid(u64 *nsid);

#endif /* _NSIMA_H */
