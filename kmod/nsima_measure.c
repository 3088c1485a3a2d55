// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement pipeline and its violations.
 *
 * Once a program asks for a file to be measured, every path ends in
 * exactly one of: a cache hit, a measurement entry, or a violation entry
 * (IMA's convention: zero template digest in the list, all-0xFF extended)
 * that names the file as well as it can and gives the reason:
 *
 *   open_writers  executed or mapped while open for write (then measured)
 *   tomtou        a measured file opened for write while it is read
 *   read_error    the file could not be read (errno in the entry)
 *   too_large     larger than hash_max bytes: not hashed
 *   interrupted   fatal signal while hashing or waiting for another hash
 *   no_memory     an allocation failed while hashing
 *   hash_error    the crypto API failed
 *   untracked     measured, but the ToMToU table is full
 *   quota         a per-namespace bound was reached (nsima_ns.c)
 *   render_error  an event could not be rendered (nsima_event.c)
 *
 * When even the violation entry cannot be allocated, the namespace's
 * "lost" count grows and a worker logs it as a "lost" violation as soon
 * as memory allows: a gap is never silent.
 *
 * Concurrency: two tasks measuring the same file in the same namespace
 * measure it once; the second waits, killably, for the first. Nothing
 * else waits: there is no lock shared between files or tenants, and no
 * lock is held across hashing. The one waiting is keyed by (namespace,
 * inode), so a slow file (FUSE, a huge sparse file) stalls only the tasks
 * that measure that very file in that namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/jhash.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/seqlock.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <crypto/sha2.h>
#include "nsima.h"

static const char * const nsima_reasons[NSIMA_V_MAX] = NSIMA_VIOLATION_REASONS;
static const char * const nsima_hook_names[] = NSIMA_HOOK_NAMES;

/* ---- measurements in progress ---- */

/* On the measuring task's stack while it hashes; found under the lock. */
struct nsima_inflight {
	struct hlist_node node;
	struct nsima_cache_key key;
	struct task_struct *owner;
};

#define NSIMA_INFLIGHT_BITS	6
static struct hlist_head nsima_inflight[1 << NSIMA_INFLIGHT_BITS];
static wait_queue_head_t nsima_inflight_wq[1 << NSIMA_INFLIGHT_BITS];
static DEFINE_SPINLOCK(nsima_inflight_lock);

static u32 nsima_inflight_bucket(const struct nsima_cache_key *k)
{
	return jhash(k, sizeof(*k), 0) & ((1 << NSIMA_INFLIGHT_BITS) - 1);
}

/* The owner of @k's measurement, or NULL. Under nsima_inflight_lock. */
static struct task_struct *nsima_inflight_owner(const struct nsima_cache_key *k,
						u32 b)
{
	struct nsima_inflight *f;

	hlist_for_each_entry(f, &nsima_inflight[b], node)
		if (!memcmp(&f->key, k, sizeof(*k)))
			return f->owner;
	return NULL;
}

static bool nsima_inflight_done(const struct nsima_cache_key *k, u32 b)
{
	bool busy;

	spin_lock(&nsima_inflight_lock);
	busy = nsima_inflight_owner(k, b);
	spin_unlock(&nsima_inflight_lock);
	return !busy;
}

/*
 * Register @me as measuring @me->key. 0: registered. 1: another task was
 * measuring it and is done (look at the cache again). -EDEADLK: current
 * already measures it (re-entered through its own reopen of the file).
 * -ERESTARTSYS: fatal signal while waiting.
 */
static int nsima_inflight_begin(struct nsima_inflight *me)
{
	u32 b = nsima_inflight_bucket(&me->key);
	struct task_struct *owner;

	spin_lock(&nsima_inflight_lock);
	owner = nsima_inflight_owner(&me->key, b);
	if (!owner) {
		me->owner = current;
		hlist_add_head(&me->node, &nsima_inflight[b]);
	}
	spin_unlock(&nsima_inflight_lock);
	if (!owner)
		return 0;
	if (owner == current)
		return -EDEADLK;
	return wait_event_killable(nsima_inflight_wq[b],
				   nsima_inflight_done(&me->key, b)) ?: 1;
}

static void nsima_inflight_end(struct nsima_inflight *me)
{
	u32 b = nsima_inflight_bucket(&me->key);

	spin_lock(&nsima_inflight_lock);
	hlist_del(&me->node);
	spin_unlock(&nsima_inflight_lock);
	wake_up_all(&nsima_inflight_wq[b]);
}

/* ---- lost entries ---- */

static void nsima_lost_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(nsima_lost_work_item, nsima_lost_work);

/*
 * Nothing could be appended for @ns, not even a violation: count it; a
 * worker logs the count as a "lost" violation entry of @ns.
 */
void nsima_lost(struct nsima_ns *ns)
{
	if (READ_ONCE(ns->closed))
		ns = nsima_ns_unknown();
	atomic_long_inc(&ns->lost);
	atomic_long_inc(&nsima_stats.lost);
	mod_delayed_work(system_wq, &nsima_lost_work_item, 0);
}

static bool nsima_lost_flush(struct nsima_ns *ns)
{
	return nsima_log_count(ns, &ns->lost, NSIMA_EVENT_LOST);
}

static void nsima_lost_work(struct work_struct *work)
{
	if (nsima_ns_for_each(nsima_lost_flush))
		schedule_delayed_work(&nsima_lost_work_item, HZ / 10);
}

void nsima_measure_exit(void)
{
	cancel_delayed_work_sync(&nsima_lost_work_item);
}

/* ---- per-namespace bounds ---- */

static int nsima_violation_forced(struct nsima_ns *ns, const char *name,
				  u32 hook, enum nsima_violation reason,
				  int err);

unsigned int nsima_ns_entries_max = 65536;
module_param_named(ns_entries_max, nsima_ns_entries_max, uint, 0644);
MODULE_PARM_DESC(ns_entries_max, "entries one namespace may have in the list between trims (beyond: a quota violation, then its entries are refused)");

/*
 * A bound of @ns was reached: log its quota violation, once until the
 * bound frees up again (@bit in quota_flags), named after the bound.
 */
static void nsima_quota(struct nsima_ns *ns, int bit, const char *bound)
{
	char what[64], *name;

	if (test_and_set_bit(bit, &ns->quota_flags))
		return;
	snprintf(what, sizeof(what), "%s%s", NSIMA_EVENT_PREFIX, bound);
	name = nsima_name_alloc(ns, what, strlen(what), false);
	if (!name) {
		nsima_lost(ns);
		return;
	}
	nsima_violation_forced(ns, name, 0, NSIMA_V_QUOTA, -EDQUOT);
	kfree(name);
}

/*
 * May @ns append another entry? Not beyond ns_entries_max entries in the
 * list: the first refusal logs a quota violation (so the verifier knows
 * the namespace is not measured from there on), the rest are counted.
 */
bool nsima_ns_admit(struct nsima_ns *ns)
{
	if (atomic_long_read(&ns->in_list) < READ_ONCE(nsima_ns_entries_max)) {
		/* Room again (trim, a raised bound): the next refusal logs. */
		if (test_bit(NSIMA_Q_ENTRIES, &ns->quota_flags))
			clear_bit(NSIMA_Q_ENTRIES, &ns->quota_flags);
		return true;
	}
	atomic_long_inc(&ns->quota_dropped);
	atomic_long_inc(&nsima_stats.quota_dropped);
	nsima_quota(ns, NSIMA_Q_ENTRIES, "ns_entries_max");
	return false;
}

/* ---- violations ---- */

/*
 * Append a violation entry named @name (taken as is) with @reason for
 * @ns, within the namespace's bound. Returns 0 when the entry is in the
 * list; when it cannot be, the loss is counted (nsima_lost, or the quota)
 * and an error returned.
 */
int nsima_violation(struct nsima_ns *ns, const char *name, u32 hook,
		    enum nsima_violation reason, int err)
{
	if (!nsima_ns_admit(ns))
		return -EDQUOT;
	return nsima_violation_forced(ns, name, hook, reason, err);
}

/* The same, past the bound (the quota violation itself). */
static int nsima_violation_forced(struct nsima_ns *ns, const char *name,
				  u32 hook, enum nsima_violation reason,
				  int err)
{
	u8 zero[SHA256_DIGEST_SIZE] = { 0 };
	char buf[NSIMA_VIOLATION_JSON_MAX];
	struct nsima_json j = { .buf = buf, .size = sizeof(buf) };
	void *data;
	u32 len;
	int rc;

	nsima_json_begin(&j);
	nsima_json_s64(&j, "errno", err);
	nsima_json_str(&j, "hook", hook < ARRAY_SIZE(nsima_hook_names) ?
		       nsima_hook_names[hook] : "", 32);
	nsima_json_str(&j, "reason", nsima_reasons[reason], 32);
	rc = nsima_json_end(&j);
	if (WARN_ON_ONCE(rc))
		goto lost;
	data = nsima_build_entry_data(NSIMA_T_BUF, zero, name, j.buf, j.len,
				      &len);
	if (!data)
		goto lost;
	rc = nsima_add_entry(ns, NSIMA_T_BUF, data, len, true);
	if (!rc)
		return 0;
lost:
	nsima_lost(ns);
	return -ENOMEM;
}

/* ---- names ---- */

/* The topmost mount above @p (p is taken over and replaced). */
static void nsima_path_top(struct path *p)
{
	while (follow_up(p))
		;
}

/* The topmost mount of @t's root (task_lock, so that fs stays). */
static bool nsima_task_top(struct task_struct *t, struct path *top)
{
	bool ok = false;

	task_lock(t);
	if (t->fs) {
		get_fs_root(t->fs, top);
		ok = true;
	}
	task_unlock(t);
	if (ok)
		nsima_path_top(top);
	return ok;
}

/*
 * Is @mnt (a topmost mount) the root of current's mount namespace, or of
 * the initial one (PID 1's)? A file reached through /proc/<pid>/exe or a
 * passed descriptor lives in another namespace's tree; a detached mount's
 * tree has a top of its own.
 */
static bool nsima_known_top(struct vfsmount *mnt)
{
	struct task_struct *init;
	struct path top;
	bool known = false;

	if (nsima_task_top(current, &top)) {
		known = top.mnt == mnt;
		path_put(&top);
	}
	if (known)
		return true;
	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return false;
	if (nsima_task_top(init, &top)) {
		known = top.mnt == mnt;
		path_put(&top);
	}
	put_task_struct(init);
	return known;
}

/*
 * The absolute path of @path in its mount namespace, built backwards at
 * the end of @buf (IMA's ima_d_path() uses d_absolute_path(), which 6.1
 * does not export; this is the same walk over exported helpers): the
 * dentries up to each mount's root, then follow_up() to the mount below,
 * up to the namespace's topmost mount. A chroot does not shorten it.
 * -EXDEV when that topmost mount is neither current's namespace root nor
 * the initial namespace's (a detached mount, another container's file),
 * -ENAMETOOLONG beyond @len, -EAGAIN when renames kept racing.
 */
static char *nsima_abs_path(const struct path *path, char *buf, int len)
{
	unsigned int seq, tries = 0;
	struct path p;
	char *s;

again:
	seq = read_seqbegin(&rename_lock);
	s = buf + len;
	*--s = '\0';
	p = *path;
	path_get(&p);
	for (;;) {
		struct name_snapshot snap;
		struct dentry *parent;

		if (p.dentry == p.mnt->mnt_root) {
			if (follow_up(&p))
				continue;
			break;
		}
		if (IS_ROOT(p.dentry)) {	/* unlinked subtree */
			s = ERR_PTR(-EXDEV);
			break;
		}
		take_dentry_name_snapshot(&snap, p.dentry);
		if (s - buf < snap.name.len + 1) {
			release_dentry_name_snapshot(&snap);
			s = ERR_PTR(-ENAMETOOLONG);
			break;
		}
		s -= snap.name.len;
		memcpy(s, snap.name.name, snap.name.len);
		*--s = '/';
		release_dentry_name_snapshot(&snap);
		parent = dget_parent(p.dentry);
		dput(p.dentry);
		p.dentry = parent;
	}
	if (!IS_ERR(s) && !nsima_known_top(p.mnt))
		s = ERR_PTR(-EXDEV);
	path_put(&p);
	if (!IS_ERR(s) && read_seqretry(&rename_lock, seq))
		s = ++tries < 4 ? NULL : ERR_PTR(-EAGAIN);
	if (!s)
		goto again;
	if (!IS_ERR(s) && !*s)
		*--s = '/';	/* the root itself */
	return s;
}

/*
 * @path's absolute path in its mount namespace (nsima_abs_path: not
 * shortened by a chroot) into @buf, NUL-terminated, raw (not escaped):
 * its length, or -ENAMETOOLONG (beyond @size or PATH_MAX), -EXDEV (no
 * such path), -EAGAIN, -ENOMEM.
 */
int nsima_path_text(const struct path *path, char *buf, u32 size)
{
	char *tmp, *p;
	int rc;

	tmp = __getname();
	if (!tmp)
		return -ENOMEM;
	p = nsima_abs_path(path, tmp, PATH_MAX);
	if (IS_ERR(p)) {
		rc = PTR_ERR(p);
	} else {
		rc = strlen(p);
		if (rc < size)
			memcpy(buf, p, rc + 1);
		else
			rc = -ENAMETOOLONG;
	}
	__putname(tmp);
	return rc;
}

/*
 * The name of @path in @ns: absolute in the mount namespace (as IMA's
 * ima_d_path), else the dentry's own name, which does not start with
 * '/'. Escaped (nsima_name_alloc). NULL: no memory.
 */
char *nsima_path_name(struct nsima_ns *ns, const struct path *path)
{
	struct name_snapshot snap;
	char *buf, *p, *name;

	buf = __getname();
	if (buf) {
		p = nsima_abs_path(path, buf, PATH_MAX);
		if (!IS_ERR(p)) {
			name = nsima_name_alloc(ns, p, strlen(p), true);
			__putname(buf);
			return name;
		}
		__putname(buf);
	}
	take_dentry_name_snapshot(&snap, path->dentry);
	name = nsima_name_alloc(ns, snap.name.name, snap.name.len,
				true);
	release_dentry_name_snapshot(&snap);
	return name;
}

static enum nsima_violation nsima_hash_reason(int rc)
{
	switch (rc) {
	case -EFBIG:
		return NSIMA_V_TOO_LARGE;
	case -EINTR:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		return NSIMA_V_INTERRUPTED;
	case -ENOMEM:
		return NSIMA_V_NO_MEMORY;
	case -ENOKEY:
		return NSIMA_V_HASH_ERROR;
	default:
		return NSIMA_V_READ_ERROR;
	}
}

/*
 * Hash @file and append its entry to @ns's list, or the violation that
 * says why not. @writers: open for write now (an open_writers violation
 * first). Returns 0 when the file was measured.
 */
static int nsima_measure_now(struct nsima_ns *ns, struct file *file,
			     struct inode *inode, u32 hook, bool writers,
			     bool untracked)
{
	u8 digest[SHA256_DIGEST_SIZE];
	char *name;
	void *data;
	u32 len;
	int rc;

	if (!nsima_ns_admit(ns))
		return -EDQUOT;
	name = nsima_path_name(ns, &file->f_path);
	if (!name) {
		nsima_lost(ns);
		return -ENOMEM;
	}
	if (writers)
		nsima_violation(ns, name, hook, NSIMA_V_OPEN_WRITERS, 0);
	if (untracked)
		nsima_violation(ns, name, hook, NSIMA_V_UNTRACKED, 0);
	rc = nsima_hash_file(file, digest);
	if (rc) {
		nsima_violation(ns, name, hook, nsima_hash_reason(rc), rc);
		goto out;
	}
	data = nsima_build_entry_data(NSIMA_T_NG, digest, name, NULL, 0, &len);
	rc = data ? nsima_add_entry(ns, NSIMA_T_NG, data, len, false) : -ENOMEM;
	if (rc) {
		nsima_lost(ns);
		goto out;
	}
	/* Opened for write while we hashed: what runs may differ. */
	if (!writers && atomic_read(&inode->i_writecount) > 0)
		nsima_violation(ns, name, hook, NSIMA_V_OPEN_WRITERS, 0);
out:
	kfree(name);
	return rc;
}

/*
 * May a measurement of @inode be remembered? Not where the contents can
 * change without a local write the module sees: FUSE and other file
 * systems IMA calls unverifiable, and file systems mounted in a user
 * namespace (their server or owner is a tenant).
 */
static bool nsima_cacheable(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	return !(sb->s_iflags & SB_I_IMA_UNVERIFIABLE_SIGNATURE) &&
	       sb->s_user_ns == &init_user_ns;
}

int nsima_measure_file(struct file *file, u32 hook)
{
	/*
	 * The real inode (overlayfs: the upper or lower file): the one that
	 * writes through any path reach, and whose state the cache keeps.
	 */
	struct inode *inode = d_real_inode(file->f_path.dentry);
	struct nsima_cache_state before, after;
	struct nsima_inflight me;
	struct nsima_ns *ns;
	bool writers, cache, untracked;
	char *name;
	int rc;

	if (hook == 0 || hook > NSIMA_HOOK_MAX)
		return -EINVAL;
	if (!S_ISREG(file_inode(file)->i_mode))
		return 0;	/* only regular files have contents to measure */
	ns = nsima_current_ns();
	nsima_cache_key(ns, inode, &me.key);

	for (;;) {
		nsima_cache_state(inode, &before);
		writers = atomic_read(&inode->i_writecount) > 0;
		cache = nsima_cache_enabled() && !writers &&
			nsima_cacheable(inode);
		if (cache && nsima_cache_hit(&me.key, &before)) {
			atomic_long_inc(&nsima_stats.cache_hits);
			return 0;
		}
		rc = nsima_inflight_begin(&me);
		if (rc <= 0)
			break;
	}
	if (rc == -EDEADLK)
		return 0;	/* our own reopen: the outer call logs the file */
	if (rc) {
		name = nsima_path_name(ns, &file->f_path);
		if (!name) {
			nsima_lost(ns);
			return -ENOMEM;
		}
		nsima_violation(ns, name, hook, NSIMA_V_INTERRUPTED, -EINTR);
		kfree(name);
		return -EINTR;
	}

	/*
	 * Tracked before hashing (as IMA's IMA_MUST_MEASURE): a write open
	 * while we read is a ToMToU violation and makes the state we keep
	 * stale, never a silent change.
	 */
	untracked = nsima_mark_measured(inode) != 0;
	nsima_cache_state(inode, &before);
	writers = atomic_read(&inode->i_writecount) > 0;
	cache = cache && !writers;
	rc = nsima_measure_now(ns, file, inode, hook, writers, untracked);
	/* Cache only if the file did not change while it was hashed. */
	if (!rc && cache) {
		nsima_cache_state(inode, &after);
		if (!memcmp(&before, &after, sizeof(before)) &&
		    atomic_read(&inode->i_writecount) <= 0 &&
		    nsima_cache_store(ns, &me.key, &before) == -EDQUOT)
			nsima_quota(ns, NSIMA_Q_CACHE, "ns_cache_max");
	}
	nsima_inflight_end(&me);
	return rc;
}

/*
 * @file is being opened for write: if its inode was measured and is open
 * read-only elsewhere, record a ToMToU violation named after the file.
 */
int nsima_check_write(struct file *file)
{
	struct inode *inode = d_real_inode(file->f_path.dentry);
	struct nsima_ns *ns;
	char *name;
	int rc;

	if (!S_ISREG(inode->i_mode) || !(file->f_mode & FMODE_WRITE))
		return 0;
	/* Every write open of a measured file makes its cache entries stale. */
	if (!nsima_write_opened(inode))
		return 0;
#if defined(CONFIG_IMA) || defined(CONFIG_FILE_LOCKING)
	if (atomic_read(&inode->i_readcount) <= 0)
		return 0;
#else
	return 0;	/* the kernel does not count read-only opens */
#endif
	ns = nsima_current_ns();
	name = nsima_path_name(ns, &file->f_path);
	if (!name) {
		nsima_lost(ns);
		return -ENOMEM;
	}
	rc = nsima_violation(ns, name, NSIMA_HOOK_FILE_WRITE, NSIMA_V_TOMTOU, 0);
	kfree(name);
	return rc;
}

int nsima_measure_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(nsima_inflight_wq); i++) {
		INIT_HLIST_HEAD(&nsima_inflight[i]);
		init_waitqueue_head(&nsima_inflight_wq[i]);
	}
	return 0;
}
