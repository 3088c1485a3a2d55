// SPDX-License-Identifier: GPL-2.0
/*
 * securityfs interface: /sys/kernel/security/nsima/
 *   binary_runtime_measurements  IMA's binary format (little-endian)
 *   ascii_runtime_measurements   IMA's ascii format
 *   count                        entries in the list now
 *   violations                   violation entries ever added
 *   status                       TPM, banks, PCR, mode, errors, queues, memory
 *   checkpoint                   entries trimmed and the PCR values they give
 *   trim                         write N: free the first N entries (CAP_SYS_ADMIN)
 *   ns_state                     write an nsid: append that namespace's
 *                                ns_state entry (CAP_SYS_ADMIN)
 *   policy                       write "sha256:<hex> <statements>": a
 *                                policy load's entry (CAP_SYS_ADMIN)
 *   agent                        write "start" or "stop": the agent's
 *                                entry (CAP_SYS_ADMIN)
 *   ns/<nsid>/                   the same lists, count and violations for
 *                                one namespace, and its info (lineage,
 *                                state); removed when it ends. Opening
 *                                them needs being in that namespace or
 *                                CAP_SYS_ADMIN in the initial user ns.
 *
 * The lists are read under RCU (from ->start to ->stop). A reader whose
 * file was opened before a trim gets -ESTALE and reopens.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <crypto/hash_info.h>
#include <crypto/sha2.h>
#include <linux/random.h>
#include "nsima.h"
#include "nsima_compat.h"

static struct dentry *nsima_dir, *nsima_ns_dir;

/*
 * Random at each load: status "load_id". A list's indexes start again at
 * 0 with each load; an agent keeps one journal per load id, so that it
 * never continues an old list with a new one (the PCR values at load can
 * repeat, e.g. without a TPM).
 */
static u8 nsima_load_id[16];
static struct dentry *nsima_files[10];

/* Per open list file: which namespace (NULL: all) and a resume cursor. */
struct nsima_seq {
	struct nsima_ns *ns;
	unsigned long trim_gen;		/* at open */
	struct nsima_entry *last;	/* entry shown at position last_pos */
	loff_t last_pos;
};

static bool nsima_seq_match(struct nsima_seq *s, struct nsima_entry *e)
{
	return !s->ns || e->ns == s->ns;
}

/* First matching entry from @e on (inclusive), or NULL. Under RCU. */
static struct nsima_entry *nsima_seq_from(struct nsima_seq *s,
					  struct list_head *pos)
{
	struct nsima_entry *e;

	for (; pos != &nsima_list; pos = rcu_dereference(list_next_rcu(pos))) {
		e = list_entry(pos, struct nsima_entry, list);
		if (nsima_seq_match(s, e))
			return e;
	}
	return NULL;
}

static void *nsima_seq_start(struct seq_file *m, loff_t *pos)
{
	struct nsima_seq *s = m->private;
	struct nsima_entry *e;
	loff_t l;

	rcu_read_lock();
	if (nsima_trim_generation() != s->trim_gen)
		return ERR_PTR(-ESTALE);
	/* Sequential reads resume where the last read stopped. */
	if (s->last && *pos == s->last_pos)
		return s->last;
	if (s->last && *pos == s->last_pos + 1) {
		e = nsima_seq_from(s, rcu_dereference(list_next_rcu(&s->last->list)));
		goto found;
	}
	e = nsima_seq_from(s, rcu_dereference(list_next_rcu(&nsima_list)));
	for (l = *pos; e && l > 0; l--)
		e = nsima_seq_from(s, rcu_dereference(list_next_rcu(&e->list)));
found:
	if (e) {
		s->last = e;
		s->last_pos = *pos;
	}
	return e;
}

static void *nsima_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct nsima_seq *s = m->private;
	struct nsima_entry *e = v;

	(*pos)++;
	if (nsima_trim_generation() != s->trim_gen)
		return ERR_PTR(-ESTALE);	/* trimmed under us */
	e = nsima_seq_from(s, rcu_dereference(list_next_rcu(&e->list)));
	if (e) {
		s->last = e;
		s->last_pos = *pos;
	}
	return e;
}

static void nsima_seq_stop(struct seq_file *m, void *v)
{
	rcu_read_unlock();
}

static const char *nsima_template_name(const struct nsima_entry *e)
{
	return e->template == NSIMA_T_BUF ? NSIMA_TEMPLATE_BUF :
					    NSIMA_TEMPLATE_NG;
}

static int nsima_binary_show(struct seq_file *m, void *v)
{
	struct nsima_entry *e = v;
	const char *tname = nsima_template_name(e);
	__le32 pcr = cpu_to_le32(e->pcr);
	__le32 name_len = cpu_to_le32(strlen(tname));
	__le32 data_len = cpu_to_le32(e->data_len);

	seq_write(m, &pcr, sizeof(pcr));
	seq_write(m, e->sha1, sizeof(e->sha1));
	seq_write(m, &name_len, sizeof(name_len));
	seq_write(m, tname, strlen(tname));
	seq_write(m, &data_len, sizeof(data_len));
	seq_write(m, e->data, e->data_len);
	return 0;
}

/*
 * ascii: "PCR sha1 template algo:hexdigest name[ hexbuf]", as IMA prints
 * d-ng (algo prefix, then hex), n-ng (the string) and buf (hex).
 */
static int nsima_ascii_show(struct seq_file *m, void *v)
{
	struct nsima_entry *e = v;
	const u8 *d, *n, *b, *colon;
	u32 dlen, nlen, blen, alen, i;

	if (nsima_entry_field(e, 0, &d, &dlen) ||
	    nsima_entry_field(e, 1, &n, &nlen) || !nlen)
		return -EINVAL;
	colon = memchr(d, '\0', dlen);
	if (!colon)
		return -EINVAL;
	alen = colon - d;		/* "sha256:" */

	seq_printf(m, "%2d %*phN %s %.*s", e->pcr, NSIMA_SHA1_SIZE, e->sha1,
		   nsima_template_name(e), alen, d);
	for (i = alen + 1; i < dlen; i++)
		seq_printf(m, "%02x", d[i]);
	seq_printf(m, " %.*s", nlen - 1, n);
	if (e->template == NSIMA_T_BUF) {
		if (nsima_entry_field(e, 2, &b, &blen))
			return -EINVAL;
		seq_putc(m, ' ');
		for (i = 0; i < blen; i++)
			seq_printf(m, "%02x", b[i]);
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations nsima_binary_seqops = {
	.start = nsima_seq_start,
	.next = nsima_seq_next,
	.stop = nsima_seq_stop,
	.show = nsima_binary_show,
};

static const struct seq_operations nsima_ascii_seqops = {
	.start = nsima_seq_start,
	.next = nsima_seq_next,
	.stop = nsima_seq_stop,
	.show = nsima_ascii_show,
};

/*
 * A namespace's files: for tasks in that namespace, and for a privileged
 * caller of the initial user namespace; not for other tenants.
 */
static int nsima_view_allowed(struct nsima_ns *ns)
{
	if (!ns || (ns->ns && nsima_current_ns_common() == ns->ns))
		return 0;
	return capable(CAP_SYS_ADMIN) ? 0 : -EACCES;
}

/*
 * The namespace of a view file (NULL: a global file), with a use taken:
 * the record stays while the file is open. A removed view's inode holds
 * an error pointer (nsima_fs_remove_ns(), under the same lock).
 */
static int nsima_view_get(struct inode *inode, struct nsima_ns **nsp)
{
	struct nsima_ns *ns;
	int rc;

	nsima_ns_lock();
	ns = inode->i_private;
	rc = IS_ERR(ns) ? PTR_ERR(ns) : nsima_view_allowed(ns);
	if (!rc && ns)
		nsima_ns_get(ns);
	nsima_ns_unlock();
	*nsp = rc ? NULL : ns;
	return rc;
}

static void nsima_view_put(struct nsima_ns *ns)
{
	if (ns)
		nsima_ns_put(ns);
}

static int nsima_view_open(struct inode *inode, struct file *file)
{
	struct nsima_ns *ns;
	int rc = nsima_view_get(inode, &ns);

	file->private_data = ns;
	return rc;
}

static int nsima_view_release(struct inode *inode, struct file *file)
{
	nsima_view_put(file->private_data);
	return 0;
}

static int nsima_list_open(struct file *file, const struct seq_operations *ops)
{
	struct nsima_seq *s;
	struct nsima_ns *ns;
	int rc;

	rc = nsima_view_get(file_inode(file), &ns);
	if (rc)
		return rc;

	s = __seq_open_private(file, ops, sizeof(*s));
	if (!s) {
		nsima_view_put(ns);
		return -ENOMEM;
	}
	s->ns = ns;
	s->trim_gen = nsima_trim_generation();
	return 0;
}

static int nsima_binary_open(struct inode *inode, struct file *file)
{
	return nsima_list_open(file, &nsima_binary_seqops);
}

static int nsima_ascii_open(struct inode *inode, struct file *file)
{
	return nsima_list_open(file, &nsima_ascii_seqops);
}

static int nsima_list_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct nsima_seq *s = m->private;

	nsima_view_put(s->ns);
	return seq_release_private(inode, file);
}

static const struct file_operations nsima_binary_fops = {
	.owner = THIS_MODULE,
	.open = nsima_binary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = nsima_list_release,
};

static const struct file_operations nsima_ascii_fops = {
	.owner = THIS_MODULE,
	.open = nsima_ascii_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = nsima_list_release,
};

/* count / violations: of the namespace in i_private, or global */
static ssize_t nsima_number_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos, bool violations)
{
	struct nsima_ns *ns = file->private_data;
	char tmp[32];
	long v;
	int len;

	if (ns)
		v = atomic_long_read(violations ? &ns->violations : &ns->in_list);
	else
		v = atomic_long_read(violations ? &nsima_stats.violations :
						  &nsima_stats.entries);
	len = scnprintf(tmp, sizeof(tmp), "%ld\n", v);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static ssize_t nsima_count_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	return nsima_number_read(file, buf, count, ppos, false);
}

static ssize_t nsima_violations_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	return nsima_number_read(file, buf, count, ppos, true);
}

static const struct file_operations nsima_count_fops = {
	.owner = THIS_MODULE,
	.open = nsima_view_open,
	.read = nsima_count_read,
	.release = nsima_view_release,
	.llseek = generic_file_llseek,
};

static const struct file_operations nsima_violations_fops = {
	.owner = THIS_MODULE,
	.open = nsima_view_open,
	.read = nsima_violations_read,
	.release = nsima_view_release,
	.llseek = generic_file_llseek,
};

/* The kernel's name of a bank's hash ("sha256"), as IMA names its lists. */
static const char *nsima_bank_name(const struct nsima_bank *b)
{
	return b->crypto_id < HASH_ALGO__LAST ? hash_algo_name[b->crypto_id] :
						"unknown";
}

static int nsima_status_show(struct seq_file *m, void *v)
{
	const struct nsima_bank *agg;
	unsigned long live, ended, freed;
	u8 (*load)[NSIMA_DIGEST_MAX];
	unsigned int depth, size;
	s64 first, last;
	int i;

	nsima_ns_counts(&live, &ended, &freed);
	nsima_event_queue_depth(&depth, &size);
	seq_printf(m, "tpm: %s\n", nsima_chip ? "present" : "none");
	seq_puts(m, "banks:");
	for (i = 0; i < nsima_nr_banks; i++)
		seq_printf(m, " %s%s", nsima_bank_name(&nsima_banks[i]),
			   nsima_banks[i].tfm ? "" : "(padded-sha1)");
	seq_printf(m, "\npcr: %d\n", nsima_pcr);
	seq_printf(m, "ns: %s\n", nsima_ns_kind_name());
	seq_printf(m, "host_mntns: %u\n", nsima_host_mntns());
	seq_printf(m, "extend: %s\n", nsima_extend_async ? "async" : "sync");
	seq_printf(m, "entries: %ld\n", atomic_long_read(&nsima_stats.entries));
	seq_printf(m, "entries_total: %ld\n", atomic_long_read(&nsima_stats.total));
	seq_printf(m, "trimmed: %llu\n", nsima_first_index());
	seq_printf(m, "extended: %llu\n", nsima_extended_count());
	seq_printf(m, "violations: %ld\n", atomic_long_read(&nsima_stats.violations));
	seq_printf(m, "tpm_errors: %ld\n", atomic_long_read(&nsima_stats.tpm_errors));
	nsima_tpm_error_range(&first, &last);
	seq_printf(m, "tpm_error_first: %lld\n", first);
	seq_printf(m, "tpm_error_last: %lld\n", last);
	seq_printf(m, "measure_errors: %ld\n",
		   atomic_long_read(&nsima_stats.measure_errors));
	seq_printf(m, "lost: %ld\n", atomic_long_read(&nsima_stats.lost));
	seq_printf(m, "hash_max: %llu\n", READ_ONCE(nsima_hash_max));
	seq_printf(m, "pending_extends: %ld\n",
		   atomic_long_read(&nsima_stats.pending));
	seq_printf(m, "cache_entries: %lu\n", nsima_cache_size());
	seq_printf(m, "cache_hits: %ld\n", atomic_long_read(&nsima_stats.cache_hits));
	seq_printf(m, "tomtou_tracked: %lu\n", nsima_tomtou_size());
	seq_printf(m, "tomtou_forgotten: %ld\n",
		   atomic_long_read(&nsima_stats.tomtou_forgotten));
	seq_printf(m, "event_queue: %u/%u\n", depth, size);
	seq_printf(m, "events_queued: %ld\n",
		   atomic_long_read(&nsima_stats.events_queued));
	seq_printf(m, "events_dropped: %ld\n",
		   atomic_long_read(&nsima_stats.events_dropped));
	seq_printf(m, "namespaces_live: %lu\n", live);
	seq_printf(m, "namespaces_ended: %lu\n", ended);
	seq_printf(m, "namespaces_freed: %lu\n", freed);
	seq_printf(m, "ns_entries_max: %u\n", READ_ONCE(nsima_ns_entries_max));
	seq_printf(m, "ns_cache_max: %u\n", READ_ONCE(nsima_ns_cache_max));
	seq_printf(m, "quota_dropped: %ld\n",
		   atomic_long_read(&nsima_stats.quota_dropped));
	seq_printf(m, "memory_bytes: %ld\n", atomic_long_read(&nsima_stats.bytes));
	agg = nsima_aggregate_tpm_bank();
	seq_printf(m, "aggregate_bank: %s\n", agg ? nsima_bank_name(agg) : "none");
	load = kmalloc_array(NSIMA_MAX_BANKS, NSIMA_DIGEST_MAX, GFP_KERNEL);
	if (!load)
		return -ENOMEM;
	nsima_pcr_at_load(load);
	for (i = 0; i < nsima_nr_banks; i++)
		seq_printf(m, "pcr_at_load_%s: %*phN\n",
			   nsima_bank_name(&nsima_banks[i]),
			   nsima_banks[i].digest_size, load[i]);
	kfree(load);
	seq_printf(m, "load_id: %*phN\n", (int)sizeof(nsima_load_id),
		   nsima_load_id);
	return 0;
}

static int nsima_checkpoint_show(struct seq_file *m, void *v)
{
	u8 (*pcr)[NSIMA_DIGEST_MAX];
	u64 index;
	int i;

	pcr = kmalloc_array(NSIMA_MAX_BANKS, NSIMA_DIGEST_MAX, GFP_KERNEL);
	if (!pcr)
		return -ENOMEM;
	nsima_checkpoint(&index, pcr);
	seq_printf(m, "entries: %llu\n", index);
	for (i = 0; i < nsima_nr_banks; i++)
		seq_printf(m, "%s: %*phN\n", nsima_bank_name(&nsima_banks[i]),
			   nsima_banks[i].digest_size, pcr[i]);
	kfree(pcr);
	return 0;
}

static int nsima_status_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsima_status_show, NULL);
}

static int nsima_checkpoint_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsima_checkpoint_show, NULL);
}

static const struct file_operations nsima_status_fops = {
	.owner = THIS_MODULE,
	.open = nsima_status_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations nsima_checkpoint_fops = {
	.owner = THIS_MODULE,
	.open = nsima_checkpoint_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ns/<nsid>/info: identity, lineage and state of one namespace. */
static int nsima_info_show(struct seq_file *m, void *v)
{
	struct nsima_ns *ns = m->private;
	u8 chain[SHA256_DIGEST_SIZE];
	bool broken;
	u64 count;

	nsima_ns_state(ns, &count, chain, &broken);
	seq_printf(m, "nsid: %llu\n", ns->nsid);
	seq_printf(m, "parent_nsid: %llu\n", ns->parent_nsid);
	seq_printf(m, "cgroup_id: %llu\n", ns->cgroup_id);
	seq_printf(m, "creator_pid: %d\n", ns->creator_pid);
	seq_printf(m, "creator_comm: %s\n", ns->creator_comm);
	seq_printf(m, "entries: %ld\n", atomic_long_read(&ns->in_list));
	seq_printf(m, "entries_total: %ld\n", atomic_long_read(&ns->count));
	seq_printf(m, "violations: %ld\n", atomic_long_read(&ns->violations));
	seq_printf(m, "quota_dropped: %ld\n",
		   atomic_long_read(&ns->quota_dropped));
	seq_printf(m, "cache_entries: %d\n", atomic_read(&ns->cache_count));
	seq_printf(m, "state_count: %llu\n", count);
	seq_printf(m, "state_chain: %*phN%s\n", SHA256_DIGEST_SIZE, chain,
		   broken ? " (broken)" : "");
	return 0;
}

static int nsima_info_open(struct inode *inode, struct file *file)
{
	struct nsima_ns *ns;
	int rc = nsima_view_get(inode, &ns);

	if (rc)
		return rc;
	rc = single_open(file, nsima_info_show, ns);
	if (rc)
		nsima_view_put(ns);
	return rc;
}

static int nsima_info_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	nsima_view_put(m->private);
	return single_release(inode, file);
}

static const struct file_operations nsima_info_fops = {
	.owner = THIS_MODULE,
	.open = nsima_info_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = nsima_info_release,
};

/* Write an nsid: append its ns_state entry. Privileged, like trim. */
static ssize_t nsima_ns_state_write(struct file *file, const char __user *buf,
				    size_t count, loff_t *ppos)
{
	struct nsima_ns *ns;
	u64 nsid;
	int rc;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	rc = kstrtou64_from_user(buf, count, 10, &nsid);
	if (rc)
		return rc;
	ns = nsima_ns_find(nsid);
	if (!ns)
		return -ENOENT;
	rc = nsima_log_ns_state(ns);
	nsima_ns_put(ns);
	return rc ? rc : count;
}

static const struct file_operations nsima_ns_state_fops = {
	.owner = THIS_MODULE,
	.write = nsima_ns_state_write,
	.llseek = generic_file_llseek,
};

/*
 * A privileged writer's one line (CAP_SYS_ADMIN in the initial user
 * namespace, one write from offset 0) into @in, NUL-terminated, without
 * its newline: 0 or -errno.
 */
static int nsima_priv_line(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos, char *in, size_t size)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (count >= size || *ppos)
		return -EINVAL;
	if (copy_from_user(in, buf, count))
		return -EFAULT;
	in[count] = '\0';
	if (count && in[count - 1] == '\n')
		in[count - 1] = '\0';
	return 0;
}

/* Exactly "sha256:<64 hex>" in the @len bytes at @s, into @out. */
static int nsima_parse_sha256(const char *s, size_t len, u8 *out)
{
	if (len != 7 + 2 * SHA256_DIGEST_SIZE || strncmp(s, "sha256:", 7) ||
	    hex2bin(out, s + 7, SHA256_DIGEST_SIZE))
		return -EINVAL;
	return 0;
}

/*
 * "sha256:<64 hex> <statements>[ sha256:<64 hex>][\n]": the policy the
 * loader is about to apply (and the BPF object it applies it with),
 * measured first. Privileged, like trim.
 */
static ssize_t nsima_policy_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct nsima_policy_load p = { 0 };
	char in[192], *sp, *prog;
	int rc;

	rc = nsima_priv_line(file, buf, count, ppos, in, sizeof(in));
	if (rc)
		return rc;
	sp = strchr(in, ' ');
	prog = sp ? strchr(sp + 1, ' ') : NULL;
	if (prog) {
		*prog++ = '\0';
		if (nsima_parse_sha256(prog, strlen(prog), p.programs))
			return -EINVAL;
		p.has_programs = true;
	}
	if (!sp || nsima_parse_sha256(in, sp - in, p.digest) ||
	    kstrtou64(sp + 1, 10, &p.statements))
		return -EINVAL;
	rc = nsima_log_policy(&p);
	return rc ? rc : count;
}

static const struct file_operations nsima_policy_fops = {
	.owner = THIS_MODULE,
	.write = nsima_policy_write,
	.llseek = generic_file_llseek,
};

/*
 * The agent's file: one opener at a time, write-only. "start", then
 * "stop"[\n], on the same open file: the agent's own start and stop,
 * measured; the release of the file after a start with no stop (a kill,
 * a crash: the kernel closes it) is measured as the agent's death. The
 * release is the last reference's: a descriptor passed on (fork,
 * SCM_RIGHTS, pidfd_getfd) keeps the slot and defers the entry.
 */
static atomic_t nsima_agent_open = ATOMIC_INIT(0);

struct nsima_agent_file {
	struct mutex lock;	/* one write at a time */
	void *who;		/* the starter (nsima_agent_who), once started */
	bool stopped;
};

static int nsima_agent_fopen(struct inode *inode, struct file *file)
{
	struct nsima_agent_file *a;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* write-only: a reader (root may read a 0200 file) takes no slot */
	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) != FMODE_WRITE)
		return -EACCES;
	if (atomic_cmpxchg(&nsima_agent_open, 0, 1))
		return -EBUSY;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a) {
		atomic_set(&nsima_agent_open, 0);
		return -ENOMEM;
	}
	mutex_init(&a->lock);
	file->private_data = a;
	return 0;
}

static ssize_t nsima_agent_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct nsima_agent_file *a = file->private_data;
	loff_t pos = 0;
	char in[8];
	int rc;

	/* each write is one line: the offset is not the protocol's */
	rc = nsima_priv_line(file, buf, count, &pos, in, sizeof(in));
	if (rc)
		return rc;
	mutex_lock(&a->lock);
	if (!strcmp(in, "start") && !a->who) {
		a->who = nsima_agent_who();
		rc = a->who ? nsima_log_agent(NSIMA_AGENT_START) : -ENOMEM;
		if (rc) {
			kfree(a->who);
			a->who = NULL;
		}
	} else if (!strcmp(in, "stop") && a->who && !a->stopped) {
		rc = nsima_log_agent(NSIMA_AGENT_STOP);
		a->stopped = !rc;
	} else {
		rc = -EINVAL;	/* unknown, or out of order */
	}
	mutex_unlock(&a->lock);
	return rc ? rc : count;
}

static int nsima_agent_release(struct inode *inode, struct file *file)
{
	struct nsima_agent_file *a = file->private_data;

	if (a->who && !a->stopped) {
		/* takes it; the slot is free once the death is logged */
		nsima_log_agent_died(a->who, &nsima_agent_open);
	} else {
		kfree(a->who);
		atomic_set(&nsima_agent_open, 0);
	}
	kfree(a);
	return 0;
}

static const struct file_operations nsima_agent_fops = {
	.owner = THIS_MODULE,
	.open = nsima_agent_fopen,
	.write = nsima_agent_write,
	.release = nsima_agent_release,
	/*
	 * no .llseek: lseek fails with ESPIPE (6.1 then uses no_llseek;
	 * 6.12 removed it, a NULL .llseek meaning the same)
	 */
};

/*
 * Only a privileged caller of the initial user namespace may trim.
 * "N": free the first N entries; "to I": free every entry below
 * whole-list index I (what an agent persisted; idempotent).
 */
static ssize_t nsima_trim_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	bool absolute = false;
	char in[32], *p;
	u64 n;
	int rc;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!count || count >= sizeof(in))
		return -EINVAL;
	if (copy_from_user(in, buf, count))
		return -EFAULT;
	in[count] = '\0';
	p = in;
	if (!strncmp(p, "to ", 3)) {
		absolute = true;
		p += 3;
	}
	rc = kstrtou64(strim(p), 10, &n);
	if (rc)
		return rc;
	rc = nsima_trim_to(n, absolute);
	return rc ? rc : count;
}

static const struct file_operations nsima_trim_fops = {
	.owner = THIS_MODULE,
	.write = nsima_trim_write,
	.llseek = generic_file_llseek,
};

int nsima_fs_add_ns(struct nsima_ns *ns)
{
	char name[24];

	snprintf(name, sizeof(name), "%llu", ns->nsid);
	ns->dir = securityfs_create_dir(name, nsima_ns_dir);
	if (IS_ERR(ns->dir))
		goto err;
	ns->binary = securityfs_create_file(NSIMA_BINARY_LIST, 0440, ns->dir,
					    ns, &nsima_binary_fops);
	ns->ascii = securityfs_create_file(NSIMA_ASCII_LIST, 0440, ns->dir, ns,
					   &nsima_ascii_fops);
	ns->count_file = securityfs_create_file(NSIMA_COUNT_FILE, 0440, ns->dir,
						ns, &nsima_count_fops);
	ns->violations_file = securityfs_create_file(NSIMA_VIOLATIONS_FILE, 0440,
						     ns->dir, ns,
						     &nsima_violations_fops);
	ns->info_file = securityfs_create_file(NSIMA_INFO_FILE, 0440, ns->dir,
					       ns, &nsima_info_fops);
	if (IS_ERR(ns->binary) || IS_ERR(ns->ascii) || IS_ERR(ns->count_file) ||
	    IS_ERR(ns->violations_file) || IS_ERR(ns->info_file))
		goto err;
	return 0;
err:
	pr_err_ratelimited("no securityfs view for namespace %llu\n", ns->nsid);
	nsima_fs_remove_ns(ns);
	return -EIO;
}

/* An open of a removed view fails: its inode no longer names @ns. */
static void nsima_fs_poison(struct dentry *d)
{
	if (!IS_ERR_OR_NULL(d) && d_inode(d))
		d_inode(d)->i_private = ERR_PTR(-ENOENT);
}

/* Remove @ns's view; under nsima_ns_lock(). */
void nsima_fs_remove_ns(struct nsima_ns *ns)
{
	nsima_fs_poison(ns->binary);
	nsima_fs_poison(ns->ascii);
	nsima_fs_poison(ns->count_file);
	nsima_fs_poison(ns->violations_file);
	nsima_fs_poison(ns->info_file);
	/* securityfs_remove() ignores NULL and error pointers. */
	securityfs_remove(ns->info_file);
	securityfs_remove(ns->violations_file);
	securityfs_remove(ns->count_file);
	securityfs_remove(ns->ascii);
	securityfs_remove(ns->binary);
	securityfs_remove(ns->dir);
	ns->dir = NULL;
	ns->ascii = NULL;
	ns->binary = NULL;
	ns->count_file = NULL;
	ns->violations_file = NULL;
	ns->info_file = NULL;
}

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} nsima_global_files[] = {
	{ NSIMA_BINARY_LIST, 0440, &nsima_binary_fops },
	{ NSIMA_ASCII_LIST, 0440, &nsima_ascii_fops },
	{ NSIMA_COUNT_FILE, 0440, &nsima_count_fops },
	{ NSIMA_VIOLATIONS_FILE, 0440, &nsima_violations_fops },
	{ NSIMA_STATUS_FILE, 0440, &nsima_status_fops },
	{ NSIMA_CHECKPOINT_FILE, 0440, &nsima_checkpoint_fops },
	{ NSIMA_TRIM_FILE, 0200, &nsima_trim_fops },
	{ NSIMA_NS_STATE_FILE, 0200, &nsima_ns_state_fops },
	{ NSIMA_POLICY_FILE, 0200, &nsima_policy_fops },
	{ NSIMA_AGENT_FILE, 0200, &nsima_agent_fops },
};

int nsima_fs_init(void)
{
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(nsima_global_files) > ARRAY_SIZE(nsima_files));
	get_random_bytes(nsima_load_id, sizeof(nsima_load_id));
	nsima_dir = securityfs_create_dir(NSIMA_SECURITYFS_DIR, NULL);
	if (IS_ERR(nsima_dir))
		return PTR_ERR(nsima_dir);
	for (i = 0; i < ARRAY_SIZE(nsima_global_files); i++) {
		nsima_files[i] = securityfs_create_file(nsima_global_files[i].name,
							nsima_global_files[i].mode,
							nsima_dir, NULL,
							nsima_global_files[i].fops);
		if (IS_ERR(nsima_files[i]))
			goto err;
	}
	nsima_ns_dir = securityfs_create_dir(NSIMA_NS_DIR, nsima_dir);
	if (IS_ERR(nsima_ns_dir))
		goto err;
	return 0;
err:
	nsima_fs_exit();
	return -EIO;
}

void nsima_fs_exit(void)
{
	int i;

	/* The namespace views are gone already (nsima_ns_stop()). */
	securityfs_remove(nsima_ns_dir);
	for (i = ARRAY_SIZE(nsima_files) - 1; i >= 0; i--)
		securityfs_remove(nsima_files[i]);
	securityfs_remove(nsima_dir);
}
