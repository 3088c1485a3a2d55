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
 * The hit path is an RCU hash lookup: no global lock. Two tasks missing on
 * the same key measure once (nsima_measure.c waits on the key only).
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
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/limits.h>
#include <crypto/sha2.h>
#include "nsima.h"
#include "nsima_compat.h"

static bool nsima_cache_on = true;
module_param_named(cache, nsima_cache_on, bool, 0644);
MODULE_PARM_DESC(cache, "measure unchanged files once per namespace (default 1)");

static unsigned int nsima_cache_max = 1 << 17;
module_param_named(cache_max, nsima_cache_max, uint, 0644);
MODULE_PARM_DESC(cache_max, "cache entries kept at most (then files are measured, not cached)");

unsigned int nsima_ns_cache_max = 1 << 14;
module_param_named(ns_cache_max, nsima_ns_cache_max, uint, 0644);
MODULE_PARM_DESC(ns_cache_max, "cache entries one container namespace may hold (beyond: a quota violation, then measured uncached); the host is not bound");

static unsigned int nsima_tomtou_max = 1 << 18;
module_param_named(tomtou_max, nsima_tomtou_max, uint, 0644);
MODULE_PARM_DESC(tomtou_max, "measured inodes tracked for ToMToU (beyond: 'untracked' violations)");

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
	u64 seq;			/* this record's; never reused */
	atomic_t writes;		/* opens for write since measured */
	struct rcu_head rcu;
};

/*
 * Records are numbered: a record that was forgotten (its inode freed) and
 * made again for the same key has another number, so cache entries taken
 * under the old record miss even if no write was counted in between.
 */
static atomic64_t nsima_measured_seq = ATOMIC64_INIT(0);

static const struct rhashtable_params nsima_measured_params = {
	.key_len = sizeof(struct nsima_inode_key),
	.key_offset = offsetof(struct nsima_measured, key),
	.head_offset = offsetof(struct nsima_measured, node),
	.automatic_shrinking = true,
};

static struct rhashtable nsima_measured_table;

bool nsima_cache_enabled(void)
{
	return READ_ONCE(nsima_cache_on);
}

int nsima_cache_init(void)
{
	int rc;

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

static void nsima_cache_ent_free(void *ptr, void *arg)
{
	struct nsima_cache_ent *c = ptr;

	atomic_dec(&c->key.ns->cache_count);
	kfree(c);
}

void nsima_cache_exit(void)
{
	rhashtable_free_and_destroy(&nsima_cache, nsima_cache_ent_free, NULL);
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

/*
 * Remember that @inode was measured, for ToMToU. -ENOSPC when the table
 * is full (tomtou_max) or memory is short: the caller logs an "untracked"
 * violation, so a ToMToU that cannot be detected is not silent.
 */
int nsima_mark_measured(struct inode *inode)
{
	struct nsima_inode_key k;
	struct nsima_measured *m;
	int rc;

	nsima_inode_key(inode, &k);
	if (rhashtable_lookup_fast(&nsima_measured_table, &k,
				   nsima_measured_params))
		return 0;
	if (atomic_read(&nsima_measured_table.nelems) >= nsima_tomtou_max)
		return -ENOSPC;
	m = kmalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOSPC;
	m->key = k;
	m->seq = atomic64_inc_return(&nsima_measured_seq);
	atomic_set(&m->writes, 0);
	rc = rhashtable_lookup_insert_fast(&nsima_measured_table, &m->node,
					   nsima_measured_params);
	if (rc)
		kfree(m);
	return rc == -EEXIST ? 0 : rc ? -ENOSPC : 0;
}

/* The measured record of @inode, or NULL; under rcu_read_lock(). */
static struct nsima_measured *measured(struct inode *inode)
{
	struct nsima_inode_key k;

	nsima_inode_key(inode, &k);
	return rhashtable_lookup(&nsima_measured_table, &k,
				 nsima_measured_params);
}

/*
 * @inode is being opened for write: if it was measured, count the write
 * (every cache entry of it, in every namespace, is stale from now on)
 * and say so, for the ToMToU check.
 */
bool nsima_write_opened(struct inode *inode)
{
	struct nsima_measured *m;

	rcu_read_lock();
	m = measured(inode);
	if (m)
		atomic_inc(&m->writes);
	rcu_read_unlock();
	return m;
}

/*
 * @inode is being freed: forget that it was measured. Nothing can open it
 * any more, so there is no ToMToU left to detect, and the table holds
 * only inodes the kernel still has: it is bounded by the inode cache, as
 * IMA's integrity records are. Does not sleep (lsm/inode_free_security).
 */
void nsima_inode_forget(struct inode *inode)
{
	struct nsima_measured *m;

	rcu_read_lock();
	m = measured(inode);
	if (m && !rhashtable_remove_fast(&nsima_measured_table, &m->node,
					 nsima_measured_params)) {
		atomic_long_inc(&nsima_stats.tomtou_forgotten);
		kfree_rcu(m, rcu);
	}
	rcu_read_unlock();
}

unsigned long nsima_tomtou_size(void)
{
	return atomic_read(&nsima_measured_table.nelems);
}

/* The measured record of @inode into @s: unknown (-1, 0) if none. */
static void nsima_writes(struct inode *inode, struct nsima_cache_state *s)
{
	struct nsima_measured *m;

	rcu_read_lock();
	m = measured(inode);
	s->writes = m ? atomic_read(&m->writes) : -1;
	s->seq = m ? m->seq : 0;
	rcu_read_unlock();
}

unsigned long nsima_cache_size(void)
{
	return atomic_read(&nsima_cache.nelems);
}

void nsima_cache_key(struct nsima_ns *ns, struct inode *inode,
		     struct nsima_cache_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ns = ns;
	nsima_inode_key(inode, &k->inode);
}

void nsima_cache_state(struct inode *inode, struct nsima_cache_state *s)
{
	memset(s, 0, sizeof(*s));
	nsima_writes(inode, s);
	if (IS_I_VERSION(inode))
		s->iversion = inode_query_iversion(inode);
	s->ctime = nsima_inode_ctime(inode);
	s->mtime = nsima_inode_mtime(inode);
	s->size = i_size_read(inode);
}

bool nsima_cache_hit(const struct nsima_cache_key *k,
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
	if (!rhashtable_remove_fast(&nsima_cache, &c->node,
				    nsima_cache_params)) {
		atomic_dec(&c->key.ns->cache_count);
		kfree_rcu(c, rcu);
	}
}

/* Forget everything cached for namespaces that ended (one walk). */
void nsima_cache_forget_ended(void)
{
	struct rhashtable_iter it;
	struct nsima_cache_ent *c;

	rhashtable_walk_enter(&nsima_cache, &it);
	rhashtable_walk_start(&it);
	while ((c = rhashtable_walk_next(&it))) {
		if (IS_ERR(c))
			continue;	/* -EAGAIN: table resized, go on */
		if (c->key.ns->ended)
			nsima_cache_remove(c);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
}

/*
 * Remember that @k was measured in state @s. -EDQUOT when @ns holds
 * ns_cache_max entries already (the caller logs that once); a full global
 * cache (cache_max) or no memory only means measuring again next time.
 */
int nsima_cache_store(struct nsima_ns *ns, const struct nsima_cache_key *k,
		      const struct nsima_cache_state *s)
{
	struct nsima_cache_ent *c, *old;

	if (s->writes < 0)
		return 0;	/* writes not tracked: do not remember */
	if (atomic_read(&nsima_cache.nelems) >= nsima_cache_max)
		return 0;	/* full: measure, do not remember */
	/* A tenant's share; the host (nsid 0) is bound by cache_max only. */
	if (atomic_inc_return(&ns->cache_count) > READ_ONCE(nsima_ns_cache_max) &&
	    ns->nsid) {
		atomic_dec(&ns->cache_count);
		return -EDQUOT;
	}
	c = kmalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		goto undo;
	c->key = *k;
	c->state = *s;
	old = rhashtable_lookup_get_insert_fast(&nsima_cache, &c->node,
						nsima_cache_params);
	if (!old)
		return 0;
	if (IS_ERR(old) || rhashtable_replace_fast(&nsima_cache, &old->node,
						   &c->node,
						   nsima_cache_params)) {
		kfree(c);
		goto undo;
	}
	kfree_rcu(old, rcu);	/* replaced: one entry of @ns either way */
undo:
	atomic_dec(&ns->cache_count);
	return 0;
}
