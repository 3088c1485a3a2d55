// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace attribution. The namespace of an entry is derived here, from
 * current, never taken from the caller: a BPF program cannot attribute a
 * measurement to another tenant.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/nsproxy.h>
#include <linux/ns_common.h>
#include <linux/proc_ns.h>
#include "nsima.h"

/*
 * struct mnt_namespace is private to fs/; its first member is the
 * struct ns_common (fs/mount.h, unchanged since v3.19). nsima_ns_init()
 * checks that assumption on the running kernel: the ns_common found there
 * must describe a mount namespace.
 */
static struct ns_common *mnt_ns_common(struct nsproxy *nsp)
{
	return (struct ns_common *)nsp->mnt_ns;
}

static struct ns_common *nsima_host_ns;

int nsima_ns_init(void)
{
	struct ns_common *ns = mnt_ns_common(init_task.nsproxy);

	if (!ns || !ns->ops || ns->ops->type != CLONE_NEWNS) {
		pr_err("mount namespace layout not recognised; refusing to load\n");
		return -EOPNOTSUPP;
	}
	nsima_host_ns = ns;
	return 0;
}

/*
 * Namespace id of current: 0 for the host namespace, else the namespace's
 * inode number (as in /proc/PID/ns/mnt). -ESRCH for a task that has
 * already dropped its namespaces (exiting): it is not attributed at all.
 */
int nsima_current_nsid(u64 *nsid)
{
	struct nsproxy *nsp = current->nsproxy;
	struct ns_common *ns;

	if (!nsp)
		return -ESRCH;
	ns = mnt_ns_common(nsp);
	*nsid = ns == nsima_host_ns ? 0 : ns->inum;
	return 0;
}
