// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs called by nsima's BPF LSM programs.
 *
 * The caller passes only the object to measure (a file, or an event
 * struct) and the hook or event type; the namespace is derived from
 * current in nsima_ns.c. Registered for BPF_PROG_TYPE_LSM (whose kfunc
 * hook TRACING programs share, on 6.1 and 6.12 alike).
 *
 * What the verifier enforces differs by kernel line (docs/kmod.md):
 * - 6.1: KF_TRUSTED_ARGS rejects the struct file * an LSM hook receives
 *   ("R1 must be referenced"), so the kfuncs check their arguments
 *   themselves, and any LSM program may call any of them.
 * - 6.12: LSM hook arguments (and bprm->file) are trusted pointers, so
 *   the kfuncs taking a file, path or inode carry KF_TRUSTED_ARGS: the
 *   verifier refuses a pointer it does not trust (reached through fields
 *   it does not vouch for, or cast). And a filter
 *   (btf_kfunc_id_set.filter) lets each kfunc be called only by a
 *   BPF_LSM_MAC program attached to a hook nsima's programs call it from
 *   (not a tracing or cgroup LSM program, not another hook). A root
 *   BPF_LSM_MAC program at those hooks can still call them, with
 *   arguments of its choosing: the kfuncs are no boundary against root.
 * The kfuncs still check their arguments on both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <nsima/kfuncs.h>
#include "nsima.h"
#include "nsima_compat.h"

/**
 * bpf_nsima_measure_file - measure a file into the caller's namespace list
 * @file: the file (from the LSM hook's arguments)
 * @hook: enum nsima_hook
 *
 * Sleepable: hashes the file unless the measure-once cache has it.
 * Returns 0 or a negative errno.
 */
noinline int bpf_nsima_measure_file(struct file *file, u32 hook)
{
	int rc;

	if (!file)
		return -EINVAL;
	rc = nsima_measure_file(file, hook);
	if (rc)
		atomic_long_inc(&nsima_stats.measure_errors);
	return rc;
}

/**
 * bpf_nsima_file_write - a file is being opened for write
 * @file: the file (lsm.s/file_open)
 *
 * Sleepable. Records a ToMToU violation when the file was measured and is
 * open read-only elsewhere. Returns 0 or a negative errno.
 */
noinline int bpf_nsima_file_write(struct file *file)
{
	int rc;

	if (!file)
		return -EINVAL;
	rc = nsima_check_write(file);
	if (rc)
		atomic_long_inc(&nsima_stats.measure_errors);
	return rc;
}

/**
 * bpf_nsima_measure_event - measure an event now
 * @buf: the event struct of @type (include/nsima/abi.h)
 * @buf__sz: its size, exactly sizeof the struct
 * @type: enum nsima_event_type (caller-visible types only)
 *
 * Sleepable. Returns 0 or a negative errno.
 */
noinline int bpf_nsima_measure_event(const void *buf, u32 buf__sz, u32 type)
{
	int rc = nsima_measure_event(buf, buf__sz, type);

	if (rc)
		atomic_long_inc(&nsima_stats.measure_errors);
	return rc;
}

/**
 * bpf_nsima_queue_event - queue an event, from any context
 * @buf: the event struct of @type
 * @buf__sz: its size
 * @type: enum nsima_event_type
 *
 * Does not sleep. -ENOSPC when the queue is full: the drop is counted and
 * logged as an overflow violation entry.
 */
noinline int bpf_nsima_queue_event(const void *buf, u32 buf__sz, u32 type)
{
	return nsima_queue_event(buf, buf__sz, type);
}

/**
 * bpf_nsima_inode_free - an inode is being freed
 * @inode: the inode (lsm/inode_free_security)
 *
 * Does not sleep. Forgets that @inode was measured, so that the ToMToU
 * table holds only inodes the kernel still has.
 */
noinline void bpf_nsima_inode_free(struct inode *inode)
{
	if (inode)
		nsima_inode_forget(inode);
}

/**
 * bpf_nsima_file_path - a file's absolute path, for rules
 * @file: the file (from the LSM hook's arguments)
 * @buf: where the path goes, NUL-terminated, not escaped
 * @buf__sz: its size
 *
 * Sleepable. The path in the file's mount namespace, as its entry is
 * named: a chroot does not shorten it (bpf_d_path's would stop at the
 * task's root, and a tenant could rename what it opens). Returns the
 * length, or a negative errno (-ENAMETOOLONG, -EXDEV: no such path).
 */
noinline int bpf_nsima_file_path(struct file *file, char *buf, u32 buf__sz)
{
	if (!file || !buf || !buf__sz)
		return -EINVAL;
	return nsima_path_text(&file->f_path, buf, buf__sz);
}

/**
 * bpf_nsima_path - a path's absolute path (lsm.s/sb_mount's target)
 * @path: the path
 * @buf: where it goes, NUL-terminated, not escaped
 * @buf__sz: its size
 *
 * Sleepable. As bpf_nsima_file_path().
 */
noinline int bpf_nsima_path(const struct path *path, char *buf, u32 buf__sz)
{
	if (!path || !buf || !buf__sz)
		return -EINVAL;
	return nsima_path_text(path, buf, buf__sz);
}

#if NSIMA_KFUNC_FILTER
/* 6.12: trusted pointers only, for the kfuncs taking the kernel's objects */
#define NSIMA_KF_OBJ KF_TRUSTED_ARGS
#else
#define NSIMA_KF_OBJ 0
#endif

/* (the order of nsima_kfunc_hooks[] below) */
BTF_KFUNCS_START(nsima_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nsima_measure_file, KF_SLEEPABLE | NSIMA_KF_OBJ)
BTF_ID_FLAGS(func, bpf_nsima_file_write, KF_SLEEPABLE | NSIMA_KF_OBJ)
BTF_ID_FLAGS(func, bpf_nsima_measure_event, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nsima_queue_event)
BTF_ID_FLAGS(func, bpf_nsima_inode_free, NSIMA_KF_OBJ)
BTF_ID_FLAGS(func, bpf_nsima_file_path, KF_SLEEPABLE | NSIMA_KF_OBJ)
BTF_ID_FLAGS(func, bpf_nsima_path, KF_SLEEPABLE | NSIMA_KF_OBJ)
BTF_KFUNCS_END(nsima_kfunc_ids)

#if NSIMA_KFUNC_FILTER
/*
 * The LSM hooks nsima's programs (bpf/nsima.bpf.c) call kfuncs from, by
 * the name the verifier gives the attach point (prog->aux->attach_func_name):
 * a name does not depend on how the module's BTF ids are numbered.
 */
static const char *const nsima_hooks[] = {
#define NSIMA_H_BPRM_CHECK	0
	"bpf_lsm_bprm_check_security",
#define NSIMA_H_MMAP_FILE	1
	"bpf_lsm_mmap_file",
#define NSIMA_H_FILE_OPEN	2
	"bpf_lsm_file_open",
#define NSIMA_H_FILE_MPROTECT	3
	"bpf_lsm_file_mprotect",
#define NSIMA_H_INODE_FREE	4
	"bpf_lsm_inode_free_security",
#define NSIMA_H_SB_MOUNT	5
	"bpf_lsm_sb_mount",
#define NSIMA_H_MOVE_MOUNT	6
	"bpf_lsm_move_mount",
#define NSIMA_H_CONNECT		7
	"bpf_lsm_socket_connect",
#define NSIMA_H_SENDMSG		8
	"bpf_lsm_socket_sendmsg",
#define NSIMA_H_CAPABLE		9
	"bpf_lsm_capable",
};

/* nsima_kfunc_ids' kfuncs again, in its order, as a plain id list */
BTF_ID_LIST(nsima_kfunc_btf)
BTF_ID(func, bpf_nsima_measure_file)
BTF_ID(func, bpf_nsima_file_write)
BTF_ID(func, bpf_nsima_measure_event)
BTF_ID(func, bpf_nsima_queue_event)
BTF_ID(func, bpf_nsima_inode_free)
BTF_ID(func, bpf_nsima_file_path)
BTF_ID(func, bpf_nsima_path)

#define H(x) BIT(NSIMA_H_##x)
#define FILE_HOOKS (H(BPRM_CHECK) | H(MMAP_FILE) | H(FILE_OPEN))
#define MOUNT_HOOKS (H(SB_MOUNT) | H(MOVE_MOUNT))
/* per kfunc (nsima_kfunc_btf's order): the hooks it may be called from */
static const u32 nsima_kfunc_hooks[] = {
	FILE_HOOKS,				/* measure_file */
	H(FILE_OPEN),				/* file_write */
	FILE_HOOKS | MOUNT_HOOKS,		/* measure_event */
	H(FILE_MPROTECT) | MOUNT_HOOKS | H(CONNECT) | H(SENDMSG) |
		H(CAPABLE),			/* queue_event */
	H(INODE_FREE),				/* inode_free */
	FILE_HOOKS,				/* file_path */
	MOUNT_HOOKS,				/* path */
};

#undef H

/*
 * The kernel asks this for each call of one of nsima's kfuncs it verifies:
 * 0 lets @prog call @kfunc_id; anything else refuses it (the verifier
 * says "calling kernel function ... is not allowed"). Only a BPF_LSM_MAC
 * program (not a tracing or cgroup LSM one: on 6.12 they share the LSM
 * kfunc hook) attached to one of the hooks its kfunc is called from.
 * An id this module does not know (its lists and the kernel's numbering
 * disagree) is refused: nothing loads rather than everything.
 */
static int nsima_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	const char *hook = prog->aux->attach_func_name;
	int k, h;

	if (prog->type != BPF_PROG_TYPE_LSM ||
	    prog->expected_attach_type != BPF_LSM_MAC || !hook)
		return -EACCES;
	for (k = 0; k < ARRAY_SIZE(nsima_kfunc_hooks); k++)
		if (nsima_kfunc_btf[k] == kfunc_id)
			break;
	if (k == ARRAY_SIZE(nsima_kfunc_hooks))
		return -EACCES;
	for (h = 0; h < ARRAY_SIZE(nsima_hooks); h++)
		if (!strcmp(nsima_hooks[h], hook))
			return nsima_kfunc_hooks[k] & BIT(h) ? 0 : -EACCES;
	return -EACCES;
}

/*
 * The lists agree with the set (resolve_btfids sorts the set by id, so
 * each id is looked for), and every id was resolved at build time.
 */
static int nsima_kfunc_filter_check(void)
{
	int k, i;

	if (nsima_kfunc_ids.cnt != ARRAY_SIZE(nsima_kfunc_hooks))
		return -EINVAL;
	for (k = 0; k < ARRAY_SIZE(nsima_kfunc_hooks); k++) {
		if (!nsima_kfunc_btf[k])
			return -EINVAL;
		for (i = 0; i < nsima_kfunc_ids.cnt; i++)
			if (nsima_kfunc_ids.pairs[i].id == nsima_kfunc_btf[k])
				break;
		if (i == nsima_kfunc_ids.cnt)
			return -EINVAL;
	}
	return 0;
}
#endif

static const struct btf_kfunc_id_set nsima_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nsima_kfunc_ids,
#if NSIMA_KFUNC_FILTER
	.filter = nsima_kfunc_filter,
#endif
};

int nsima_kfunc_init(void)
{
#if NSIMA_KFUNC_FILTER
	if (nsima_kfunc_filter_check()) {
		pr_err("kfunc filter: its lists disagree with the kfunc set (build)\n");
		return -EINVAL;
	}
#endif
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &nsima_kfunc_set);
}
