/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima: per-namespace, TPM-anchored measurement lists.
 *
 * One global ordered list of IMA-style entries, each tagged with the
 * namespace it was measured in; the order of the list is the order of the
 * PCR extends. Per-namespace files are views of it.
 */
#ifndef _NSIMA_H
#define _NSIMA_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/tpm.h>
#include <linux/hash_info.h>
#include <crypto/hash.h>
#include <nsima/abi.h>

#define NSIMA_MAX_BANKS		8
#define NSIMA_DNG_SHA256	"sha256:"

/* One allocated TPM bank (or, with no TPM, a bank kept in software). */
struct nsima_bank {
	u16 alg_id;			/* TPM_ALG_* */
	u16 digest_size;
	enum hash_algo crypto_id;	/* HASH_ALGO__LAST: hash not available */
	struct crypto_shash *tfm;
};

/* A namespace that has entries. Never freed while the module is loaded. */
struct nsima_ns {
	struct rhash_head node;		/* nsima_ns_table, key: ns */
	struct ns_common *ns;		/* held while live; NULL for the host */
	u64 nsid;			/* inode number; 0: host */
	struct list_head all;		/* nsima_ns_list */
	atomic_long_t count;		/* entries ever added */
	atomic_long_t violations;
	bool ended;
	struct dentry *dir, *ascii, *binary, *count_file, *violations_file;
};

enum nsima_template {
	NSIMA_T_NG = 0,			/* ima-ng: d-ng|n-ng */
	NSIMA_T_BUF = 1,		/* ima-buf: d-ng|n-ng|buf */
};

/* A measurement. */
struct nsima_entry {
	struct list_head list;		/* nsima_list: RCU readers, mutex writers */
	struct nsima_ns *ns;
	u32 data_len;
	u8 pcr;
	u8 template;			/* enum nsima_template */
	u8 violation;			/* sha1 all zero, 0xFF extended */
	u8 pad;
	u8 sha1[NSIMA_SHA1_SIZE];	/* SHA-1 template digest */
	u8 data[];			/* template data */
};

/* nsima_main.c: configuration (module parameters) and TPM */
extern int nsima_pcr;
extern bool nsima_extend_async;
extern struct tpm_chip *nsima_chip;
extern struct nsima_bank nsima_banks[NSIMA_MAX_BANKS];
extern int nsima_nr_banks;
const char *nsima_ns_kind_name(void);

/* nsima_crypto.c */
int nsima_crypto_init(void);
void nsima_crypto_exit(void);
int nsima_hash_file(struct file *file, u8 *digest);
int nsima_sha256(const void *data, size_t len, u8 *digest);
int nsima_template_digests(const u8 *data, u32 len, u8 *sha1,
			   struct tpm_digest *out);
void nsima_violation_digests(struct tpm_digest *out);
int nsima_extend_soft(u8 pcr[][NSIMA_DIGEST_MAX], const struct tpm_digest *d);

/* nsima_template.c */
void *nsima_build_entry_data(enum nsima_template t, const u8 *digest,
			     const char *name, const void *buf, u32 buf_len,
			     u32 *len);
int nsima_entry_field(const struct nsima_entry *e, int idx, const u8 **field,
		      u32 *len);
int nsima_entry_name(struct nsima_ns *ns, const char *what, char *out,
		     size_t size);

/* nsima_queue.c */
extern struct list_head nsima_list;
int nsima_queue_init(void);
void nsima_queue_exit(void);
int nsima_add_entry(struct nsima_ns *ns, enum nsima_template t, void *data,
		    u32 len, bool violation);
int nsima_add_aggregate(void);
int nsima_trim(u64 n);
u64 nsima_first_index(void);
unsigned long nsima_trim_generation(void);
void nsima_checkpoint(u64 *index, u8 pcr[][NSIMA_DIGEST_MAX]);

struct nsima_stats {
	atomic_long_t entries;		/* in the list now */
	atomic_long_t total;		/* ever added (== index of next) */
	atomic_long_t violations;
	atomic_long_t tpm_errors;
	atomic_long_t pending;		/* extends not yet done (async) */
	atomic_long_t measure_errors;
	atomic_long_t cache_hits;
	atomic_long_t events_queued;
	atomic_long_t events_dropped;
	atomic_long_t bytes;		/* kernel memory held by entries */
};

extern struct nsima_stats nsima_stats;

/* nsima_ns.c */
int nsima_ns_init(const char *kind);
void nsima_ns_stop(void);
void nsima_ns_exit(void);
struct nsima_ns *nsima_current_ns(void);
struct ns_common *nsima_current_ns_common(void);
struct nsima_ns *nsima_ns_get_record(struct ns_common *ns);
void nsima_ns_put_common(struct ns_common *ns);
struct ns_common *nsima_ns_hold_current(void);
void nsima_ns_counts(unsigned long *live, unsigned long *ended);

/* nsima_cache.c */
int nsima_cache_init(void);
void nsima_cache_exit(void);
int nsima_measure_file(struct file *file, u32 hook);
int nsima_check_write(struct file *file);
unsigned long nsima_cache_size(void);
void nsima_cache_forget_ns(struct nsima_ns *ns);

/* nsima_event.c */
int nsima_event_init(void);
void nsima_event_exit(void);
int nsima_measure_event(const void *buf, u32 size, u32 type);
int nsima_queue_event(const void *buf, u32 size, u32 type);
int nsima_log_internal_event(struct nsima_ns *ns, u32 type, u64 a, u64 b);
void nsima_event_queue_depth(unsigned int *depth, unsigned int *size);

/* nsima_fs.c */
int nsima_fs_init(void);
void nsima_fs_exit(void);
int nsima_fs_add_ns(struct nsima_ns *ns);
void nsima_fs_remove_ns(struct nsima_ns *ns);

/* nsima_kfunc.c */
int nsima_kfunc_init(void);

#endif /* _NSIMA_H */
