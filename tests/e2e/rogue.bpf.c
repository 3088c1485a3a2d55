// SPDX-License-Identifier: GPL-2.0
/*
 * BPF programs that call nsima's kfuncs where nsima's own programs never
 * do (tests/e2e/kfunc_filter.sh loads each alone with nsima-rogue; none
 * is ever attached). On 6.12 the verifier must refuse every one but the
 * control (kmod/nsima_kfunc.c: KF_TRUSTED_ARGS and the kfunc filter); on
 * 6.1, which has neither, they load: docs/kmod.md says what each line
 * guarantees.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <nsima/abi.h>
#include <nsima/kfuncs.h>

char buf[256];

/* control: what nsima's own file_open program does (loads on both) */
SEC("lsm.s/file_open")
int BPF_PROG(control, struct file *file)
{
	return bpf_nsima_file_path(file, buf, sizeof(buf)) < 0 ? 0 : 0;
}

/* another (sleepable) hook: the new program's file measured again once
 * its credentials are committed */
SEC("lsm.s/bprm_committed_creds")
int BPF_PROG(other_hook, struct linux_binprm *bprm)
{
	bpf_nsima_measure_file(bprm->file, NSIMA_HOOK_BPRM_CHECK);
	return 0;
}

/* a cgroup LSM program (BPF_LSM_CGROUP: never sleepable) at nsima's own
 * hook, queueing an event */
SEC("lsm_cgroup/file_open")
int BPF_PROG(cgroup_lsm, struct file *file)
{
	bpf_nsima_queue_event(buf, 16, 0);
	return 1;
}

/* a tracing program on nsima's own hook (TRACING shares the LSM kfunc
 * hook in the kernel's tables) */
SEC("fentry/bpf_lsm_file_open")
int BPF_PROG(tracing, struct file *file)
{
	bpf_nsima_queue_event(buf, 16, 0);
	return 0;
}

/* an inode that is not the hook's: reached through two pointers the
 * verifier does not trust (the superblock's root) */
SEC("lsm/inode_free_security")
int BPF_PROG(untrusted_arg, struct inode *inode)
{
	struct dentry *root = inode->i_sb->s_root;

	if (root && root->d_inode)
		bpf_nsima_inode_free(root->d_inode);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
