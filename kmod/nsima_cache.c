// SPDX-License-Identifier: GPL-2.0
/*
 * File measurement with a measure-once cache.
 *
 * A file is measured once per namespace while it does not change. The
 * cache key is (namespace record, device, inode number, generation); the
 * value is the file's change state when it was measured: i_version where
 * the file system keeps one, else ctime, mtime and size. A write or a
 * truncate changes that state (the next exec misses); a rename over the
 * file brings another inode (a different key). A file with open writers is
 * never cached and its measurement records an open-writers violation, as
 * IMA does.
 *
 * The hit path is an RCU hash lookup: no global lock. Misses serialise on
 * one of NSIMA_CACHE_LOCKS hashed mutexes so that two tasks executing the
 * same new file measure it once.
 *
 * Time of measure, time of use (ToMToU): a file that was measured and is
 * open read-only somewhere (an interpreter reading a measured script, a
 * mapped library) and is then opened for write records a violation, as
 * IMA does: what runs may no longer be what was measured. Measured inodes
 * are remembered in a second table keyed by (dev, ino, generation).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/iversion.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/limits.h>
#include <crypto/sha2.h>
#include "nsima.h"

static bool nsima_cache_enabled = true;
module_param_named(cache, nsima_cache_enabled, bool, 0644);
MODULE_PARM_DESC(cache, "measure unchanged files once per namespace (default 1)");

static unsigned int nsima_cache_max = 1 << 16;
module_param_named(cache_max, nsima_cache_max, uint, 0644);
MODULE_PARM_DESC(cache_max, "cache entries kept before the cache is emptied");

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

struct nsima_cache_state {
	u64 iversion;
	struct timespec64 ctime, mtime;
	loff_t size;
};

struct nsima_cache_ent {
	struct rhash_head node;
	struct nsima_cache_key key;
	struct nsima_cache_state state;
	struct rcu_head rcu;
};

static const struct rhashtable_params nsima_cache_params = {
	.key_len = sizeof(struct nsima_cache_key),
	.key_offset = offsetof(struct nsima_cache_ent, key),
	.head_offset = offsetof(struct nsima_cache_ent, node),
	.automatic_shrinking = true,
};

static struct rhashtable nsima_cache;

/* Inodes measured at least once (any namespace), for ToMToU. */
struct nsima_measured {
	struct rhash_head node;
	struct nsima_inode_key key;
	struct rcu_head rcu;
};

static const struct rhashtable_params nsima_measured_params = {
	.key_len = sizeof(struct nsima_inode_key),
	.key_offset = offsetof(struct nsima_measured, key),
	.head_offset = offsetof(struct nsima_measured, node),
	.automatic_shrinking = true,
};

static struct rhashtable nsima_measured_table;

#define NSIMA_CACHE_LOCKS 64
static struct mutex nsima_cache_locks[NSIMA_CACHE_LOCKS];

int nsima_cache_init(void)
{
	int i, rc;

	for (i = 0; i < NSIMA_CACHE_LOCKS; i++)
		mutex_init(&nsima_cache_locks[i]);
	rc = rhashtable_init(&nsima_cache, &nsima_cache_params);
	if (rc)
		return rc;
	rc = rhashtable_init(&nsima_measured_table, &nsima_measured_params);
	if (rc)
		rhashtable_destroy(&nsima_cache);
	return rc;
}

static void nsima_cache_free(void *ptr, void *arg)
{
	kfree(ptr);
}

void nsima_cache_exit(void)
{
	rhashtable_free_and_destroy(&nsima_cache, nsima_cache_free, NULL);
	rhashtable_free_and_destroy(&nsima_measured_table, nsima_cache_free,
				    NULL);
}

/* Keys are hashed with their padding: zero it. */
static void nsima_inode_key(struct inode *inode, struct nsima_inode_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ino = inode->i_ino;
	k->dev = inode->i_sb->s_dev;
	k->gen = inode->i_generation;
}

/* Remember that @inode was measured (bounded like the cache). */
static void nsima_mark_measured(struct inode *inode)
{
	struct nsima_inode_key k;
	struct nsima_measured *m;

	nsima_inode_key(inode, &k);
	if (rhashtable_lookup_fast(&nsima_measured_table, &k,
				   nsima_measured_params))
		return;
	if (atomic_read(&nsima_measured_table.nelems) >= nsima_cache_max)
		return;
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->key = k;
	if (rhashtable_lookup_insert_fast(&nsima_measured_table, &m->node,
					  nsima_measured_params))
		kfree(m);	/* inserted meanwhile, or no memory */
}

unsigned long nsima_cache_size(void)
{
	return atomic_read(&nsima_cache.nelems);
}

static void nsima_cache_key(struct nsima_ns *ns, struct inode *inode,
			    struct nsima_cache_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ns = ns;
	nsima_inode_key(inode, &k->inode);
}

static void nsima_cache_state(struct inode *inode, struct nsima_cache_state *s)
{
	memset(s, 0, sizeof(*s));
	if (IS_I_VERSION(inode))
		s->iversion = inode_query_iversion(inode);
	s->ctime = inode->i_ctime;
	s->mtime = inode->i_mtime;
	s->size = i_size_read(inode);
}

static bool nsima_cache_hit(const struct nsima_cache_key *k,
			    const struct nsima_cache_state *s)
{
	struct nsima_cache_ent *c;
	bool hit;

	rcu_read_lock();
	c = rhashtable_lookup(&nsima_cache, k, nsima_cache_params);
	hit = c && !memcmp(&c->state, s, sizeof(*s));
	rcu_read_unlock();
	return hit;
}

static void nsima_cache_remove(struct nsima_cache_ent *c)
{
	if (!rhashtable_remove_fast(&nsima_cache, &c->node, nsima_cache_params))
		kfree_rcu(c, rcu);
}

/* Forget everything cached for an ended namespace. */
void nsima_cache_forget_ns(struct nsima_ns *ns)
{
	struct rhashtable_iter it;
	struct nsima_cache_ent *c;

	rhashtable_walk_enter(&nsima_cache, &it);
	rhashtable_walk_start(&it);
	while ((c = rhashtable_walk_next(&it))) {
		if (IS_ERR(c))
			continue;	/* -EAGAIN: table resized, go on */
		if (c->key.ns == ns)
			nsima_cache_remove(c);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
}

static void nsima_cache_store(const struct nsima_cache_key *k,
			      const struct nsima_cache_state *s)
{
	struct nsima_cache_ent *c, *old;

	if (atomic_read(&nsima_cache.nelems) >= nsima_cache_max)
		return;		/* full: measure, do not remember */
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return;
	c->key = *k;
	c->state = *s;
	old = rhashtable_lookup_get_insert_fast(&nsima_cache, &c->node,
						nsima_cache_params);
	if (!old)
		return;
	if (IS_ERR(old) || rhashtable_replace_fast(&nsima_cache, &old->node,
						   &c->node,
						   nsima_cache_params)) {
		kfree(c);
		return;
	}
	kfree_rcu(old, rcu);
}

/* A violation: zero digest logged, 0xFF extended. */
static int nsima_add_violation(struct nsima_ns *ns, const char *name)
{
	u8 zero[SHA256_DIGEST_SIZE] = { 0 };
	void *data;
	u32 len;

	data = nsima_build_entry_data(NSIMA_T_NG, zero, name, NULL, 0, &len);
	if (!data)
		return -ENOMEM;
	return nsima_add_entry(ns, NSIMA_T_NG, data, len, true);
}

static int nsima_measure_uncached(struct nsima_ns *ns, struct file *file,
				  bool writers)
{
	u8 digest[SHA256_DIGEST_SIZE];
	char *pathbuf, *path, *name;
	void *data;
	u32 len;
	int rc;

	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = kmalloc(NSIMA_NAME_MAX, GFP_KERNEL);
	if (!pathbuf || !name) {
		rc = -ENOMEM;
		goto out;
	}
	path = d_path(&file->f_path, pathbuf, PATH_MAX);
	if (IS_ERR(path)) {
		rc = PTR_ERR(path);
		goto out;
	}
	rc = nsima_entry_name(ns, path, name, NSIMA_NAME_MAX);
	if (rc)
		goto out;
	if (writers) {
		rc = nsima_add_violation(ns, name);
		if (rc)
			goto out;
	}
	rc = nsima_hash_file(file, digest);
	if (rc)
		goto out;
	rc = -ENOMEM;
	data = nsima_build_entry_data(NSIMA_T_NG, digest, name, NULL, 0, &len);
	if (data)
		rc = nsima_add_entry(ns, NSIMA_T_NG, data, len, false);
out:
	kfree(name);
	kfree(pathbuf);
	return rc;
}

int nsima_measure_file(struct file *file, u32 hook)
{
	struct inode *inode = file_inode(file);
	struct nsima_cache_state before, after;
	struct nsima_cache_key k;
	struct nsima_ns *ns;
	struct mutex *lock;	/* serialises misses on this key */
	bool writers;
	int rc;

	if (hook == 0 || hook > NSIMA_HOOK_MAX)
		return -EINVAL;
	if (!S_ISREG(inode->i_mode))
		return 0;	/* only regular files have contents to measure */
	ns = nsima_current_ns();
	if (!ns)
		return -ENOMEM;

	nsima_cache_key(ns, inode, &k);
	nsima_cache_state(inode, &before);
	writers = atomic_read(&inode->i_writecount) > 0;
	if (!nsima_cache_enabled || writers) {
		rc = nsima_measure_uncached(ns, file, writers);
		if (!rc)
			nsima_mark_measured(inode);
		return rc;
	}
	if (nsima_cache_hit(&k, &before)) {
		atomic_long_inc(&nsima_stats.cache_hits);
		return 0;
	}

	lock = &nsima_cache_locks[jhash(&k, sizeof(k), 0) % NSIMA_CACHE_LOCKS];
	mutex_lock(lock);
	if (nsima_cache_hit(&k, &before)) {	/* measured meanwhile */
		atomic_long_inc(&nsima_stats.cache_hits);
		rc = 0;
		goto out;
	}
	rc = nsima_measure_uncached(ns, file, false);
	if (rc)
		goto out;
	nsima_mark_measured(inode);
	/* Cache only if the file did not change while it was hashed. */
	nsima_cache_state(inode, &after);
	if (!memcmp(&before, &after, sizeof(before)) &&
	    atomic_read(&inode->i_writecount) <= 0)
		nsima_cache_store(&k, &before);
out:
	mutex_unlock(lock);
	return rc;
}

/*
 * @file is being opened for write: if its inode was measured and is open
 * read-only elsewhere, record a ToMToU violation named after the file.
 */
int nsima_check_write(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct nsima_inode_key k;
	char *pathbuf, *path, *name;
	struct nsima_ns *ns;
	bool measured;
	int rc;

	if (!S_ISREG(inode->i_mode) || !(file->f_mode & FMODE_WRITE))
		return 0;
#if defined(CONFIG_IMA) || defined(CONFIG_FILE_LOCKING)
	if (atomic_read(&inode->i_readcount) <= 0)
		return 0;
#else
	return 0;	/* the kernel does not count read-only opens */
#endif
	nsima_inode_key(inode, &k);
	rcu_read_lock();
	measured = rhashtable_lookup(&nsima_measured_table, &k,
				     nsima_measured_params);
	rcu_read_unlock();
	if (!measured)
		return 0;
	ns = nsima_current_ns();
	if (!ns)
		return -ENOMEM;

	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = kmalloc(NSIMA_NAME_MAX, GFP_KERNEL);
	rc = -ENOMEM;
	if (!pathbuf || !name)
		goto out;
	path = d_path(&file->f_path, pathbuf, PATH_MAX);
	rc = IS_ERR(path) ? PTR_ERR(path) :
			    nsima_entry_name(ns, path, name, NSIMA_NAME_MAX);
	if (!rc)
		rc = nsima_add_violation(ns, name);
out:
	kfree(name);
	kfree(pathbuf);
	return rc;
}
