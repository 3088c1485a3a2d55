// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs called by nsima's BPF LSM programs.
 *
 * The caller passes only the object to measure (a file, or an event
 * struct) and the hook or event type; the namespace is derived from
 * current in nsima_ns.c. Registered for BPF_PROG_TYPE_LSM only (on 6.1
 * LSM and TRACING share one kfunc hook).
 *
 * What the verifier enforces differs by kernel line (docs/kmod.md):
 * - 6.1: KF_TRUSTED_ARGS rejects the struct file * an LSM hook receives
 *   ("R1 must be referenced"), so the kfuncs check their arguments
 *   themselves, and any LSM program may call any of them.
 * - 6.12: LSM hook arguments (and bprm->file) are trusted pointers, so
 *   the kfuncs taking a file, path or inode carry KF_TRUSTED_ARGS: the
 *   verifier refuses a pointer that is not the kernel's own object. And
 *   a filter (btf_kfunc_id_set.filter) lets each kfunc be called only by
 *   a BPF_LSM_MAC program attached to the hooks nsima's programs use it
 *   from (not a cgroup LSM program, not another hook): the module cannot
 *   be fed measurements from elsewhere.
 * The kfuncs still check their arguments on both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/fs.h>
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
/* The LSM hooks nsima's programs (bpf/nsima.bpf.c) call kfuncs from. */
enum {
	NSIMA_H_BPRM_CHECK,
	NSIMA_H_MMAP_FILE,
	NSIMA_H_FILE_OPEN,
	NSIMA_H_FILE_MPROTECT,
	NSIMA_H_INODE_FREE,
	NSIMA_H_SB_MOUNT,
	NSIMA_H_MOVE_MOUNT,
	NSIMA_H_CONNECT,
	NSIMA_H_SENDMSG,
	NSIMA_H_CAPABLE,
	NSIMA_H_COUNT
};

BTF_ID_LIST(nsima_hook_btf)
BTF_ID(func, bpf_lsm_bprm_check_security)
BTF_ID(func, bpf_lsm_mmap_file)
BTF_ID(func, bpf_lsm_file_open)
BTF_ID(func, bpf_lsm_file_mprotect)
BTF_ID(func, bpf_lsm_inode_free_security)
BTF_ID(func, bpf_lsm_sb_mount)
BTF_ID(func, bpf_lsm_move_mount)
BTF_ID(func, bpf_lsm_socket_connect)
BTF_ID(func, bpf_lsm_socket_sendmsg)
BTF_ID(func, bpf_lsm_capable)

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
 * 0: @prog may call @kfunc_id; -EACCES otherwise (the verifier then says
 * "calling kernel function ... is not allowed").
 */
static int nsima_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	u32 hook = prog->aux->attach_btf_id;
	int k, h;

	for (k = 0; k < ARRAY_SIZE(nsima_kfunc_hooks); k++)
		if (nsima_kfunc_btf[k] == kfunc_id)
			break;
	if (k == ARRAY_SIZE(nsima_kfunc_hooks))
		return 0;	/* not one of ours: another set decides */
	if (prog->type != BPF_PROG_TYPE_LSM ||
	    prog->expected_attach_type != BPF_LSM_MAC)
		return -EACCES;
	for (h = 0; h < NSIMA_H_COUNT; h++)
		if (nsima_hook_btf[h] == hook)
			return nsima_kfunc_hooks[k] & BIT(h) ? 0 : -EACCES;
	return -EACCES;
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
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &nsima_kfunc_set);
}
