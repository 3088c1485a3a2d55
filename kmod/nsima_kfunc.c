// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs called by nsima's BPF LSM programs.
 *
 * The caller passes only the object to measure (a file, or an event
 * struct) and the hook or event type; the namespace is derived from
 * current in nsima_ns.c. Registered for BPF_PROG_TYPE_LSM only (on 6.1
 * LSM and TRACING share one kfunc hook).
 *
 * On 6.1 KF_TRUSTED_ARGS rejects the struct file * an LSM hook receives
 * ("R1 must be referenced"), so the kfuncs check their arguments.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/fs.h>
#include <nsima/kfuncs.h>
#include "nsima.h"

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

BTF_SET8_START(nsima_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nsima_measure_file, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nsima_file_write, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nsima_measure_event, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nsima_queue_event)
BTF_ID_FLAGS(func, bpf_nsima_inode_free)
BTF_ID_FLAGS(func, bpf_nsima_file_path, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nsima_path, KF_SLEEPABLE)
BTF_SET8_END(nsima_kfunc_ids)

static const struct btf_kfunc_id_set nsima_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nsima_kfunc_ids,
};

int nsima_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &nsima_kfunc_set);
}
