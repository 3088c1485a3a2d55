// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace attribution. The namespace of an entry is derived here, from
 * current, never taken from the caller: a BPF program cannot attribute a
 * measurement to another tenant. Module parameter ns= picks the kind.
 *
 * Each namespace with entries has a record (struct nsima_ns) found by a
 * lock-free RCU hash lookup on the namespace object. The record holds a
 * reference on the namespace while it lives, so its inode number cannot
 * be reused meanwhile; a periodic scan of the live records notices when
 * that reference is the last one and hands the ended records, in one
 * batch (at most NSIMA_NS_END_BATCH) and after one RCU grace period, to
 * ops->unview (under the mutex) and ops->ended (without it: it logs
 * "ns_end" and forgets the cache), then drops the references. An ended
 * record stays, for its entries, until trim has freed them all and
 * nothing else uses it (nsima_ns_reap()); the scan
 * never walks ended records: it costs O(live).
 *
 * A leaf: this file calls nothing of the module's but through the ops
 * given to nsima_ns_init().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/nsproxy.h>
#include <linux/ns_common.h>
#include <linux/proc_ns.h>
#include <linux/pid_namespace.h>
#include <linux/utsname.h>
#include <linux/cgroup.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/moduleparam.h>
#include "nsima.h"

static unsigned int nsima_ns_scan_ms = 1000;
module_param_named(ns_scan_ms, nsima_ns_scan_ms, uint, 0644);
MODULE_PARM_DESC(ns_scan_ms, "how often ended namespaces are looked for (ms)");

enum nsima_ns_kind { NS_MNT, NS_UTS, NS_PID, NS_CGROUP };
static enum nsima_ns_kind nsima_kind;

static struct nsima_ns nsima_host = {
	.nsid = 0,
	.all = LIST_HEAD_INIT(nsima_host.all),
};

/*
 * Tasks whose namespace cannot be known (past exit_task_namespaces(), or
 * when a record cannot be allocated): never the host's record.
 */
static struct nsima_ns nsima_unknown = {
	.nsid = NSIMA_NSID_UNKNOWN,
	.all = LIST_HEAD_INIT(nsima_unknown.all),
};

static struct ns_common *nsima_host_ns;

static const struct rhashtable_params nsima_ns_params = {
	.key_len = sizeof(struct ns_common *),
	.key_offset = offsetof(struct nsima_ns, ns),
	.head_offset = offsetof(struct nsima_ns, node),
	.automatic_shrinking = true,
};

static struct rhashtable nsima_ns_table;
static LIST_HEAD(nsima_ns_list);		/* live records: scanned */
static LIST_HEAD(nsima_ns_ended_list);		/* ended, entries not trimmed */
static DEFINE_MUTEX(nsima_ns_mutex);		/* record creation and end */
static unsigned long nsima_ns_live, nsima_ns_ended, nsima_ns_freed;
static const struct nsima_ns_ops *nsima_ns_ops;

static void nsima_ns_scan(struct work_struct *work);
static DECLARE_DELAYED_WORK(nsima_ns_scan_work, nsima_ns_scan);

/*
 * struct mnt_namespace is private to fs/; its first member is the
 * struct ns_common (fs/mount.h, unchanged since v3.19). nsima_ns_init()
 * checks that assumption on the running kernel: the ns_common found there
 * must describe a mount namespace.
 */
static struct ns_common *task_ns(struct task_struct *t)
{
	struct nsproxy *nsp;

	if (nsima_kind == NS_PID) {
		struct pid_namespace *pns = task_active_pid_ns(t);

		return pns ? &pns->ns : NULL;	/* NULL: reaped */
	}
	nsp = t->nsproxy;
	if (!nsp)
		return NULL;
	switch (nsima_kind) {
	case NS_MNT:
		return (struct ns_common *)nsp->mnt_ns;
	case NS_UTS:
		return &nsp->uts_ns->ns;
	case NS_CGROUP:
		return &nsp->cgroup_ns->ns;
	default:
		return NULL;
	}
}

static const struct {
	const char *name;
	int clone_flag;
} nsima_kinds[] = {
	[NS_MNT] = { "mnt", CLONE_NEWNS },
	[NS_UTS] = { "uts", CLONE_NEWUTS },
	[NS_PID] = { "pid", CLONE_NEWPID },
	[NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
};

int nsima_ns_init(const char *kind, const struct nsima_ns_ops *ops)
{
	struct ns_common *ns;
	int i, rc;

	for (i = 0; i < ARRAY_SIZE(nsima_kinds); i++)
		if (!strcmp(kind, nsima_kinds[i].name))
			break;
	if (i == ARRAY_SIZE(nsima_kinds)) {
		pr_err("ns=%s refused (mnt, uts, pid or cgroup)\n", kind);
		return -EINVAL;
	}
	nsima_kind = i;
	ns = task_ns(&init_task);
	if (!ns || !ns->ops || ns->ops->type != nsima_kinds[i].clone_flag) {
		pr_err("%s namespace layout not recognised; refusing to load\n",
		       kind);
		return -EOPNOTSUPP;
	}
	nsima_host_ns = ns;
	nsima_ns_ops = ops;
	refcount_set(&nsima_host.users, 1);
	refcount_set(&nsima_unknown.users, 1);
	atomic_long_set(&nsima_host.count, 0);
	atomic_long_set(&nsima_host.violations, 0);
	atomic_long_set(&nsima_host.lost, 0);
	atomic_long_set(&nsima_unknown.count, 0);
	atomic_long_set(&nsima_unknown.violations, 0);
	atomic_long_set(&nsima_unknown.lost, 0);
	atomic_long_set(&nsima_host.in_list, 0);
	atomic_long_set(&nsima_unknown.in_list, 0);
	rc = rhashtable_init(&nsima_ns_table, &nsima_ns_params);
	if (rc)
		return rc;
	schedule_delayed_work(&nsima_ns_scan_work,
			      msecs_to_jiffies(nsima_ns_scan_ms));
	return 0;
}

/* Unload, first step: no more scans; @fn on every live record. */
void nsima_ns_stop(void (*fn)(struct nsima_ns *r))
{
	struct nsima_ns *r;

	cancel_delayed_work_sync(&nsima_ns_scan_work);
	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry(r, &nsima_ns_list, all)
		fn(r);
	mutex_unlock(&nsima_ns_mutex);
}

/* Unload, last step (no entry refers to a record any more). */
void nsima_ns_exit(void)
{
	struct nsima_ns *r, *tmp;

	cancel_delayed_work_sync(&nsima_ns_scan_work);
	list_splice_init(&nsima_ns_ended_list, &nsima_ns_list);
	list_for_each_entry_safe(r, tmp, &nsima_ns_list, all) {
		if (r->ns)
			r->ns->ops->put(r->ns);
		kfree(r);
	}
	rhashtable_destroy(&nsima_ns_table);
}

/* Records are used under this mutex (views, nsima_ns_find()). */
void nsima_ns_lock(void)
{
	mutex_lock(&nsima_ns_mutex);
}

void nsima_ns_unlock(void)
{
	mutex_unlock(&nsima_ns_mutex);
}

/* A use of @r (an open view, a writer); under nsima_ns_lock(). */
void nsima_ns_get(struct nsima_ns *r)
{
	refcount_inc(&r->users);
}

void nsima_ns_put(struct nsima_ns *r)
{
	refcount_dec(&r->users);	/* freed by nsima_ns_reap() */
}

/* Can an ended record go? Its entries, losses, drops and users are gone. */
static bool nsima_ns_idle(struct nsima_ns *r)
{
	return !atomic_long_read(&r->in_list) && !atomic_long_read(&r->lost) &&
	       !atomic_long_read(&r->ev_dropped) &&
	       !atomic_read(&r->ev_queued) && refcount_read(&r->users) == 1;
}

/*
 * Free the ended records nothing refers to any more: called after trim
 * has freed entries (and an RCU grace period passed since they were
 * unlinked). Readers that still hold a pointer are RCU readers.
 */
void nsima_ns_reap(void)
{
	struct nsima_ns *r, *tmp;

	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry_safe(r, tmp, &nsima_ns_ended_list, all) {
		if (!nsima_ns_idle(r))
			continue;
		list_del(&r->all);
		nsima_ns_ended--;
		nsima_ns_freed++;
		kfree_rcu(r, rcu);
	}
	mutex_unlock(&nsima_ns_mutex);
}

/* current's namespace object, no reference taken (stable for current). */
struct ns_common *nsima_current_ns_common(void)
{
	return task_ns(current);
}

/*
 * Take a reference on current's namespace, from any context: current's
 * own nsproxy keeps the count above zero, and every kind's get() is a
 * plain refcount_inc() on ns_common.count. NULL for the host namespace
 * (never referenced) and for a task without namespaces.
 */
struct ns_common *nsima_ns_hold_current(void)
{
	struct ns_common *ns = task_ns(current);

	if (!ns || ns == nsima_host_ns)
		return NULL;
	refcount_inc(&ns->count);
	return ns;
}

void nsima_ns_put_common(struct ns_common *ns)
{
	if (ns)
		ns->ops->put(ns);
}

/*
 * Lineage of a new record: who created the namespace's first entry, that
 * task's cgroup and its parent's namespace. A container that unshares a
 * new namespace thus stays linked to the container (the agent follows
 * parent_nsid and cgroup_id).
 */
static void nsima_ns_lineage(struct nsima_ns *r)
{
	struct task_struct *parent;
	struct ns_common *pns;

	if (current->flags & PF_KTHREAD) {	/* a queued event's worker */
		/* filled by the namespace's first task to come by */
		r->parent_nsid = NSIMA_NSID_UNKNOWN;
		WRITE_ONCE(r->lineage_pending, true);
		return;
	}
	r->creator_pid = task_tgid_nr(current);
	get_task_comm(r->creator_comm, current);
	rcu_read_lock();
	r->cgroup_id = cgroup_id(task_dfl_cgroup(current));
	parent = rcu_dereference(current->real_parent);
	task_lock(parent);
	pns = task_ns(parent);
	r->parent_nsid = pns ? (pns == nsima_host_ns ? 0 : pns->inum) :
			       NSIMA_NSID_UNKNOWN;
	task_unlock(parent);
	rcu_read_unlock();
}

/*
 * The live record of @nsid (0: host), with a use taken (nsima_ns_put());
 * NULL if none.
 */
struct nsima_ns *nsima_ns_find(u64 nsid)
{
	struct nsima_ns *r, *found = NULL;

	if (!nsid)
		found = &nsima_host;
	else if (nsid == NSIMA_NSID_UNKNOWN)
		found = &nsima_unknown;
	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry(r, &nsima_ns_list, all)
		if (!found && r->nsid == nsid)
			found = r;
	if (found)
		refcount_inc(&found->users);
	mutex_unlock(&nsima_ns_mutex);
	return found;
}

/* The record of namespace @ns if it exists, from any context (RCU). */
struct nsima_ns *nsima_ns_lookup_rcu(struct ns_common *ns)
{
	if (!ns || ns == nsima_host_ns)
		return &nsima_host;
	return rhashtable_lookup(&nsima_ns_table, &ns, nsima_ns_params);
}

/*
 * Record of namespace @ns (NULL: host); created on first use, which may
 * sleep. The caller holds a reference on @ns or runs inside it.
 */
struct nsima_ns *nsima_ns_get_record(struct ns_common *ns)
{
	struct nsima_ns *r;

	if (!ns || ns == nsima_host_ns)
		return &nsima_host;
	r = rhashtable_lookup_fast(&nsima_ns_table, &ns, nsima_ns_params);
	if (r)
		return r;

	mutex_lock(&nsima_ns_mutex);
	r = rhashtable_lookup_fast(&nsima_ns_table, &ns, nsima_ns_params);
	if (r)
		goto out;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		goto out;
	refcount_inc(&ns->count);
	refcount_set(&r->users, 1);
	r->ns = ns;
	r->nsid = ns->inum;
	nsima_ns_lineage(r);
	if (rhashtable_insert_fast(&nsima_ns_table, &r->node, nsima_ns_params)) {
		ns->ops->put(ns);
		kfree(r);
		r = NULL;
		goto out;
	}
	list_add_tail(&r->all, &nsima_ns_list);
	nsima_ns_live++;
	nsima_ns_ops->created(r);	/* its view: a failure is logged */
out:
	mutex_unlock(&nsima_ns_mutex);
	return r;
}

/*
 * Record of current's namespace; the "unknown" record for an exiting task
 * whose namespaces are gone, or when no record can be allocated. Never
 * NULL, never the host's record for a task outside the host namespace.
 */
struct nsima_ns *nsima_current_ns(void)
{
	struct ns_common *ns = task_ns(current);
	struct nsima_ns *r;

	r = ns ? nsima_ns_get_record(ns) ?: &nsima_unknown : &nsima_unknown;
	/*
	 * A record a queued event's worker created has no lineage: the
	 * first of its tasks to come here gives it (the queueing context
	 * could not take the locks its parent's namespace needs).
	 */
	if (READ_ONCE(r->lineage_pending)) {
		mutex_lock(&nsima_ns_mutex);
		if (r->lineage_pending) {
			nsima_ns_lineage(r);
			r->lineage_pending = false;
		}
		mutex_unlock(&nsima_ns_mutex);
	}
	return r;
}

/* The record of tasks whose namespace cannot be known. */
struct nsima_ns *nsima_ns_unknown(void)
{
	return &nsima_unknown;
}

/* The host's record (the module's own entries about the node). */
struct nsima_ns *nsima_ns_host(void)
{
	return &nsima_host;
}

/*
 * The initial mount namespace's inode number, for the loader (the BPF
 * programs tell the host's tasks by it): what /proc/1/ns/mnt names,
 * without the ptrace access to PID 1 that reading it takes. The same
 * layout assumption as task_ns(), checked.
 */
unsigned int nsima_host_mntns(void)
{
	struct ns_common *ns;

	if (!init_task.nsproxy || !init_task.nsproxy->mnt_ns)
		return 0;
	ns = (struct ns_common *)init_task.nsproxy->mnt_ns;
	return ns->ops && ns->ops->type == CLONE_NEWNS ? ns->inum : 0;
}

/* Record for a queued event: its held namespace (NULL: host) or unknown. */
struct nsima_ns *nsima_ns_slot_record(struct ns_common *ns, bool unknown)
{
	if (unknown)
		return &nsima_unknown;
	return nsima_ns_get_record(ns) ?: &nsima_unknown;
}

/*
 * Call @fn on every record (host, unknown, each namespace) under the
 * records' mutex; true if any call returned true.
 */
bool nsima_ns_for_each(bool (*fn)(struct nsima_ns *ns))
{
	struct nsima_ns *r;
	bool any;

	any = fn(&nsima_host);
	any |= fn(&nsima_unknown);
	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry(r, &nsima_ns_list, all)
		any |= fn(r);
	list_for_each_entry(r, &nsima_ns_ended_list, all)
		any |= fn(r);
	mutex_unlock(&nsima_ns_mutex);
	return any;
}

void nsima_ns_counts(unsigned long *live, unsigned long *ended,
		     unsigned long *freed)
{
	mutex_lock(&nsima_ns_mutex);
	*live = nsima_ns_live;
	*ended = nsima_ns_ended;
	*freed = nsima_ns_freed;
	mutex_unlock(&nsima_ns_mutex);
}

/*
 * Records whose reference is their namespace's last one: nothing can
 * enter the namespace any more (an nsfs bind mount or an open ns file
 * would hold a reference of its own). They leave the lookup table; after
 * one grace period no lookup returns them; ops->ended() handles the batch
 * (under the mutex: views go before anyone can open them again); then the
 * namespace references are dropped, so the inode numbers can be reused
 * only after the ns_end entries are in the list.
 */
#define NSIMA_NS_END_BATCH	256

static void nsima_ns_scan(struct work_struct *work)
{
	struct nsima_ns *r, *tmp;
	unsigned int n = 0;
	LIST_HEAD(ended);

	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry_safe(r, tmp, &nsima_ns_list, all) {
		if (n == NSIMA_NS_END_BATCH)
			break;
		if (refcount_read(&r->ns->count) != 1)
			continue;
		rhashtable_remove_fast(&nsima_ns_table, &r->node,
				       nsima_ns_params);
		r->ended = true;
		list_move_tail(&r->all, &ended);
		nsima_ns_live--;
		nsima_ns_ended++;
		n++;
	}
	mutex_unlock(&nsima_ns_mutex);
	if (n) {
		synchronize_rcu();
		/* Views go under the lock that their opens take. */
		mutex_lock(&nsima_ns_mutex);
		nsima_ns_ops->unview(&ended);
		mutex_unlock(&nsima_ns_mutex);
		/*
		 * The slow part (cache walk, ns_end extends, namespace puts)
		 * without the lock: new namespaces' first measurements, view
		 * opens and flushes do not wait for it.
		 */
		nsima_ns_ops->ended(&ended);
		list_for_each_entry(r, &ended, all) {
			r->ns->ops->put(r->ns);
			r->ns = NULL;
		}
		mutex_lock(&nsima_ns_mutex);
		list_splice_tail(&ended, &nsima_ns_ended_list);
		mutex_unlock(&nsima_ns_mutex);
	}
	/* A full batch: more may have ended; go on at once. */
	schedule_delayed_work(&nsima_ns_scan_work,
			      n == NSIMA_NS_END_BATCH ? 0 :
			      msecs_to_jiffies(max(nsima_ns_scan_ms, 10U)));
}
