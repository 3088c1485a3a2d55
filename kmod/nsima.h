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

/*
 * A namespace that has entries. Freed once it ended and trim freed its
 * entries (nsima_ns_reap()).
 */
struct nsima_ns {
	struct rhash_head node;		/* nsima_ns_table, key: ns */
	struct ns_common *ns;		/* held while live; NULL for the host */
	u64 nsid;			/* inode number; 0: host */
	struct list_head all;		/* live or ended list (nsima_ns.c) */
	refcount_t users;		/* 1 + open views and writers */
	struct rcu_head rcu;
	atomic_long_t count;		/* entries ever added */
	atomic_long_t violations;
	atomic_t ev_queued;		/* slots in the event queue */
	atomic_long_t ev_dropped;	/* over ns_events_max, not yet logged */
	atomic_long_t quota_dropped;	/* entries refused by ns_entries_max */
	atomic_t cache_count;		/* cache entries (ns_cache_max) */
	unsigned long quota_flags;	/* NSIMA_Q_*: violation logged */
	atomic_long_t lost;		/* not appended (no memory), not yet logged */
	atomic_long_t in_list;		/* entries in the list now */
	/* ns_state: under nsima_list_mutex (nsima_queue.c) */
	u64 st_count;
	u8 st_chain[32];
	bool st_broken;
	/* lineage, set at creation */
	u64 parent_nsid;		/* namespace of the creating task's parent */
	bool lineage_pending;		/* created by the event worker */
	u64 cgroup_id;			/* creating task's cgroup (v2) */
	pid_t creator_pid;
	char creator_comm[16];
	struct dentry *info_file;
	bool ended;
	bool closed;			/* its ns_end is in the list */
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

/* quota_flags bits: a bound was reached and its violation logged */
#define NSIMA_Q_ENTRIES		0
#define NSIMA_Q_CACHE		1

/* What nsima_ns.c calls when records are created and end (nsima_main.c). */
struct nsima_ns_ops {
	void (*created)(struct nsima_ns *r);
	void (*unview)(struct list_head *records);	/* under the mutex */
	void (*ended)(struct list_head *records);
};

/* A file's identity: stable across renames, new for a replaced file. */
struct nsima_inode_key {
	unsigned long ino;
	dev_t dev;
	u32 gen;
};

struct nsima_cache_key {
	struct nsima_ns *ns;
	struct nsima_inode_key inode;
};

/* A file's change state when it was measured. */
struct nsima_cache_state {
	u64 seq;			/* the measured record's number */
	int writes;			/* write opens since measured, -1: unknown */
	u64 iversion;
	struct timespec64 ctime, mtime;
	loff_t size;
};

/* Canonical JSON being built into a caller's buffer (nsima_json.c). */
struct nsima_json {
	char *buf;
	size_t len, size;
	bool overflow;
};

/* Worst case of a string of @n bytes: every byte as \u00XX, quotes. */
#define NSIMA_JSON_STR_MAX(n)	(6 * (n) + 2)
/* {"errno":-E,"hook":"<=32","reason":"<=32"} */
#define NSIMA_VIOLATION_JSON_MAX	(64 + 2 * NSIMA_JSON_STR_MAX(32))

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
extern unsigned long long nsima_hash_max;
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
char *nsima_name_alloc(struct nsima_ns *ns, const char *what, size_t len,
		       bool path);

/* A policy load (securityfs policy): the file's SHA-256, its statements. */
struct nsima_policy_load {
	u8 digest[SHA256_DIGEST_SIZE];
	u64 statements;
	bool has_programs;
	u8 programs[SHA256_DIGEST_SIZE];	/* the BPF object's SHA-256 */
};

int nsima_log_policy(const struct nsima_policy_load *p);
/*
 * The agent (securityfs agent): its start or stop, current's; its death
 * (a start with no stop, at close), with what nsima_agent_who() kept of
 * the task that started: nsima_log_agent_died() takes it (the entry is
 * written by a worker: the closing task may be dying, a pending SIGKILL
 * would cut a synchronous TPM extend short) and sets *@held to 0 once
 * the entry is in, else kfree() it.
 */
int nsima_log_agent(u32 state);
void *nsima_agent_who(void);
void nsima_log_agent_died(void *who, atomic_t *held);

/* nsima_json.c */
void nsima_json_begin(struct nsima_json *j);
int nsima_json_end(struct nsima_json *j);
void nsima_json_raw(struct nsima_json *j, const char *s, size_t n);
void nsima_json_str(struct nsima_json *j, const char *key, const char *s,
		    size_t max);
void nsima_json_u64(struct nsima_json *j, const char *key, u64 v);
void nsima_json_s64(struct nsima_json *j, const char *key, s64 v);
void nsima_json_value(struct nsima_json *j, const char *key, const char *v);

/* nsima_queue.c: the list and its extends */
void nsima_list_lock(void);
void nsima_list_unlock(void);
int nsima_wait_extended(u64 n);
extern struct list_head nsima_list;
int nsima_queue_init(void);
void nsima_queue_exit(void);
int nsima_add_entry(struct nsima_ns *ns, enum nsima_template t, void *data,
		    u32 len, bool violation);
#define NSIMA_E_VIOLATION	1
#define NSIMA_E_NS_STATE	2
int nsima_add_entry_state(struct nsima_ns *ns, enum nsima_template t,
			  void *data, u32 len, unsigned int flags, u64 expect);
void nsima_ns_state(struct nsima_ns *ns, u64 *count, u8 *chain, bool *broken);
/* nsima_aggregate.c */
int nsima_add_aggregate(void);
const struct nsima_bank *nsima_aggregate_tpm_bank(void);
void nsima_pcr_at_load(u8 pcr[][NSIMA_DIGEST_MAX]);
void nsima_cap_pcr(void);
void nsima_tpm_error_range(s64 *first, s64 *last);
u64 nsima_extended_count(void);
/* nsima_trim.c */
int nsima_trim(u64 n);
int nsima_trim_to(u64 n, bool absolute);
void nsima_checkpoint_start(u8 pcr[][NSIMA_DIGEST_MAX]);
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
	atomic_long_t lost;		/* entries that could not be appended */
	atomic_long_t quota_dropped;	/* refused by a per-namespace bound */
	atomic_long_t cache_hits;
	atomic_long_t events_queued;
	atomic_long_t events_dropped;
	atomic_long_t bytes;		/* kernel memory held by entries */
	atomic_long_t tomtou_forgotten;	/* measured inodes freed */
};

extern struct nsima_stats nsima_stats;

/* nsima_ns.c */
int nsima_ns_init(const char *kind, const struct nsima_ns_ops *ops);
void nsima_ns_stop(void (*fn)(struct nsima_ns *r));
void nsima_ns_lock(void);
void nsima_ns_unlock(void);
void nsima_ns_get(struct nsima_ns *r);
void nsima_ns_put(struct nsima_ns *r);
void nsima_ns_reap(void);
struct nsima_ns *nsima_ns_lookup_rcu(struct ns_common *ns);
void nsima_ns_exit(void);
struct nsima_ns *nsima_current_ns(void);
bool nsima_ns_for_each(bool (*fn)(struct nsima_ns *ns));
struct nsima_ns *nsima_ns_slot_record(struct ns_common *ns, bool unknown);
struct nsima_ns *nsima_ns_find(u64 nsid);
struct nsima_ns *nsima_ns_unknown(void);
struct nsima_ns *nsima_ns_host(void);
/* The inode number of the initial mount namespace (0: layout unknown). */
unsigned int nsima_host_mntns(void);
struct ns_common *nsima_current_ns_common(void);
struct nsima_ns *nsima_ns_get_record(struct ns_common *ns);
void nsima_ns_put_common(struct ns_common *ns);
struct ns_common *nsima_ns_hold_current(void);
void nsima_ns_counts(unsigned long *live, unsigned long *ended,
		     unsigned long *freed);

/* nsima_cache.c */
int nsima_cache_init(void);
void nsima_cache_exit(void);
bool nsima_cache_enabled(void);
void nsima_cache_key(struct nsima_ns *ns, struct inode *inode,
		     struct nsima_cache_key *k);
void nsima_cache_state(struct inode *inode, struct nsima_cache_state *s);
bool nsima_cache_hit(const struct nsima_cache_key *k,
		     const struct nsima_cache_state *s);
int nsima_cache_store(struct nsima_ns *ns, const struct nsima_cache_key *k,
		      const struct nsima_cache_state *s);
int nsima_mark_measured(struct inode *inode);
bool nsima_write_opened(struct inode *inode);
void nsima_inode_forget(struct inode *inode);
unsigned long nsima_tomtou_size(void);
unsigned long nsima_cache_size(void);
void nsima_cache_forget_ended(void);
extern unsigned int nsima_ns_cache_max;

/* nsima_measure.c */
int nsima_measure_init(void);
void nsima_measure_exit(void);
int nsima_measure_file(struct file *file, u32 hook);
int nsima_check_write(struct file *file);
char *nsima_path_name(struct nsima_ns *ns, const struct path *path);
int nsima_path_text(const struct path *path, char *buf, u32 size);
int nsima_violation(struct nsima_ns *ns, const char *name, u32 hook,
		    enum nsima_violation reason, int err);
void nsima_lost(struct nsima_ns *ns);
bool nsima_ns_admit(struct nsima_ns *ns);
extern unsigned int nsima_ns_entries_max;

/* nsima_event.c */
int nsima_event_init(void);
void nsima_event_exit(void);
int nsima_measure_event(const void *buf, u32 size, u32 type);
int nsima_queue_event(const void *buf, u32 size, u32 type);
int nsima_log_internal_event(struct nsima_ns *ns, u32 type, u64 a, u64 b);
int nsima_log_ns_state(struct nsima_ns *ns);
bool nsima_log_count(struct nsima_ns *ns, atomic_long_t *n, u32 type);
void nsima_event_queue_depth(unsigned int *depth, unsigned int *size);

/* nsima_fs.c */
int nsima_fs_init(void);
void nsima_fs_exit(void);
int nsima_fs_add_ns(struct nsima_ns *ns);
void nsima_fs_remove_ns(struct nsima_ns *ns);

/* nsima_kfunc.c */
int nsima_kfunc_init(void);

#endif /* _NSIMA_H */
