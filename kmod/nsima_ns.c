// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace attribution. The namespace of an entry is derived here, from
 * current, never taken from the caller: a BPF program cannot attribute a
 * measurement to another tenant. Module parameter ns= picks the kind.
 *
 * Each namespace with entries has a record (struct nsima_ns) found by a
 * lock-free RCU hash lookup on the namespace object. The record holds a
 * reference on the namespace while it lives, so its inode number cannot
 * be reused meanwhile; a periodic scan notices when that reference is the
 * last one, logs an "ns_end" event, removes the namespace's securityfs
 * view and drops the reference. Its entries stay in the global list.
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

static struct ns_common *nsima_host_ns;

static const struct rhashtable_params nsima_ns_params = {
	.key_len = sizeof(struct ns_common *),
	.key_offset = offsetof(struct nsima_ns, ns),
	.head_offset = offsetof(struct nsima_ns, node),
	.automatic_shrinking = true,
};

static struct rhashtable nsima_ns_table;
static LIST_HEAD(nsima_ns_list);		/* every record, live or ended */
static DEFINE_MUTEX(nsima_ns_mutex);		/* record creation and end */
static unsigned long nsima_ns_live, nsima_ns_ended;

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

	if (nsima_kind == NS_PID)
		return &task_active_pid_ns(t)->ns;
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

int nsima_ns_init(const char *kind)
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
	atomic_long_set(&nsima_host.count, 0);
	atomic_long_set(&nsima_host.violations, 0);
	rc = rhashtable_init(&nsima_ns_table, &nsima_ns_params);
	if (rc)
		return rc;
	schedule_delayed_work(&nsima_ns_scan_work,
			      msecs_to_jiffies(nsima_ns_scan_ms));
	return 0;
}

/* Unload, first step: no more scans, no more views. */
void nsima_ns_stop(void)
{
	struct nsima_ns *r;

	cancel_delayed_work_sync(&nsima_ns_scan_work);
	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry(r, &nsima_ns_list, all)
		nsima_fs_remove_ns(r);
	mutex_unlock(&nsima_ns_mutex);
}

/* Unload, last step (no entry refers to a record any more). */
void nsima_ns_exit(void)
{
	struct nsima_ns *r, *tmp;

	cancel_delayed_work_sync(&nsima_ns_scan_work);
	list_for_each_entry_safe(r, tmp, &nsima_ns_list, all) {
		if (r->ns)
			r->ns->ops->put(r->ns);
		kfree(r);
	}
	rhashtable_destroy(&nsima_ns_table);
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
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		goto out;
	refcount_inc(&ns->count);
	r->ns = ns;
	r->nsid = ns->inum;
	if (rhashtable_insert_fast(&nsima_ns_table, &r->node, nsima_ns_params)) {
		ns->ops->put(ns);
		kfree(r);
		r = NULL;
		goto out;
	}
	list_add_tail(&r->all, &nsima_ns_list);
	nsima_ns_live++;
	nsima_fs_add_ns(r);	/* a missing view is logged, not fatal */
out:
	mutex_unlock(&nsima_ns_mutex);
	return r;
}

/* Record of current's namespace (NULL only on allocation failure). */
struct nsima_ns *nsima_current_ns(void)
{
	struct ns_common *ns = task_ns(current);

	if (!ns)		/* exiting task: its namespaces are gone */
		return NULL;
	return nsima_ns_get_record(ns);
}

void nsima_ns_counts(unsigned long *live, unsigned long *ended)
{
	mutex_lock(&nsima_ns_mutex);
	*live = nsima_ns_live;
	*ended = nsima_ns_ended;
	mutex_unlock(&nsima_ns_mutex);
}

/*
 * A record whose reference is the namespace's last one: nothing can enter
 * the namespace any more (an nsfs bind mount or an open ns file would hold
 * a reference of its own). End it.
 */
static void nsima_ns_end(struct nsima_ns *r)
{
	struct ns_common *ns = r->ns;

	rhashtable_remove_fast(&nsima_ns_table, &r->node, nsima_ns_params);
	r->ended = true;
	nsima_ns_live--;
	nsima_ns_ended++;
	nsima_fs_remove_ns(r);
	nsima_cache_forget_ns(r);
	nsima_log_internal_event(r, NSIMA_EVENT_NS_END,
				 atomic_long_read(&r->count), 0);
	/* After the grace period no hash lookup can return r with r->ns. */
	synchronize_rcu();
	r->ns = NULL;
	ns->ops->put(ns);
}

static void nsima_ns_scan(struct work_struct *work)
{
	struct nsima_ns *r;

	mutex_lock(&nsima_ns_mutex);
	list_for_each_entry(r, &nsima_ns_list, all)
		if (!r->ended && refcount_read(&r->ns->count) == 1)
			nsima_ns_end(r);
	mutex_unlock(&nsima_ns_mutex);
	schedule_delayed_work(&nsima_ns_scan_work,
			      msecs_to_jiffies(max(nsima_ns_scan_ms, 10U)));
}
