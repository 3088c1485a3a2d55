// SPDX-License-Identifier: GPL-2.0
/*
 * nsima BPF LSM programs. They only say *what* to measure; the module's
 * kfuncs hash, attribute (namespace from current) and extend. Measurement
 * never denies an operation: every program returns 0.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <nsima/abi.h>
#include <nsima/kfuncs.h>

#define PROT_EXEC	0x4
#define FMODE_WRITE	0x2
#define CAP_OPT_NOAUDIT	(1 << 1)
#define PF_KTHREAD	0x00200000
#define VM_EXEC		0x00000004

/* Set by the loader before load. */
const volatile __u64 host_mntns = 0;	/* events from the host are not logged */
const volatile __u64 watched_caps = 0;	/* bit n: capability n is an event */

/*
 * The mount event is larger than the BPF stack allows. Not per-CPU
 * scratch: a sleepable program can be preempted on its CPU and another
 * task's program would overwrite the event. Task storage is the task's
 * own, and a task runs one hook at a time.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nsima_ev_mount);
} mount_scratch SEC(".maps");

/* Failed kfunc calls per program (enum nsima_prog), read by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSIMA_PROG_MAX);
	__type(key, __u32);
	__type(value, __u64);
} kfunc_errors SEC(".maps");

static __always_inline void count_error(int rc, __u32 prog)
{
	__u64 *n;

	if (rc >= 0)
		return;
	n = bpf_map_lookup_elem(&kfunc_errors, &prog);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/*
 * Events come from tasks of containers: not from the host's mount
 * namespace, and not from kernel threads (kdevtmpfs keeps a private
 * mount namespace of its own).
 */
static __always_inline bool not_a_tenant(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return (t->flags & PF_KTHREAD) ||
	       BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == host_mntns;
}

/* Every executed binary, before it runs. */
SEC("lsm.s/bprm_check_security")
int BPF_PROG(nsima_bprm_check, struct linux_binprm *bprm)
{
	/*
	 * Makes clang emit the full struct file into this object's BTF; with
	 * only a forward declaration libbpf 1.1 finds the kfunc prototype
	 * incompatible with the module's.
	 */
	if (!bpf_core_type_exists(struct file))
		return 0;
	count_error(bpf_nsima_measure_file(bprm->file, NSIMA_HOOK_BPRM_CHECK),
		    NSIMA_PROG_BPRM_CHECK);
	return 0;
}

/* Shared libraries and anything else mapped executable. */
SEC("lsm.s/mmap_file")
int BPF_PROG(nsima_mmap_exec, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags)
{
	if (file && (prot & PROT_EXEC))
		count_error(bpf_nsima_measure_file(file, NSIMA_HOOK_MMAP_EXEC),
			    NSIMA_PROG_MMAP_EXEC);
	return 0;
}

/*
 * A file mapping made executable later, by mprotect(): this hook may not
 * sleep on 6.1, so the file cannot be hashed; a queued violation names
 * it (IMA denies this case when it appraises; measurement never denies).
 */
SEC("lsm/file_mprotect")
int BPF_PROG(nsima_mprotect_exec, struct vm_area_struct *vma,
	     unsigned long reqprot, unsigned long prot)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct nsima_ev_mprotect m = {};
	struct file *file = vma->vm_file;

	if (!file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC) ||
	    (t->flags & PF_KTHREAD))
		return 0;
	bpf_probe_read_kernel_str(m.name, sizeof(m.name),
				  BPF_CORE_READ(file, f_path.dentry, d_name.name));
	m.ino = BPF_CORE_READ(file, f_inode, i_ino);
	m.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	count_error(bpf_nsima_queue_event(&m, sizeof(m), NSIMA_EVENT_MPROTECT),
		    NSIMA_PROG_MPROTECT);
	return 0;
}

/* Opens for write: the module checks for time-of-measure/time-of-use. */
SEC("lsm.s/file_open")
int BPF_PROG(nsima_file_open, struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		count_error(bpf_nsima_file_write(file), NSIMA_PROG_FILE_OPEN);
	return 0;
}

/*
 * Inodes being freed: the module forgets those it measured, so that its
 * ToMToU table stays the size of the inode cache (IMA frees its integrity
 * records here too).
 */
SEC("lsm/inode_free_security")
int BPF_PROG(nsima_inode_free, struct inode *inode)
{
	bpf_nsima_inode_free(inode);
	return 0;
}

/* Mounts inside containers. */
SEC("lsm.s/sb_mount")
int BPF_PROG(nsima_sb_mount, const char *dev_name, const struct path *path,
	     const char *type, unsigned long flags, void *data)
{
	struct nsima_ev_mount *m;

	if (not_a_tenant())
		return 0;
	m = bpf_task_storage_get(&mount_scratch, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!m) {
		count_error(-1, NSIMA_PROG_SB_MOUNT);
		return 0;
	}
	m->dev[0] = m->fstype[0] = 0;
	if (dev_name)
		bpf_probe_read_kernel_str(m->dev, sizeof(m->dev), dev_name);
	if (type)
		bpf_probe_read_kernel_str(m->fstype, sizeof(m->fstype), type);
	if (bpf_d_path((struct path *)path, m->path, sizeof(m->path)) < 0)
		m->path[0] = 0;
	m->flags = flags;
	count_error(bpf_nsima_measure_event(m, sizeof(*m), NSIMA_EVENT_MOUNT),
		    NSIMA_PROG_SB_MOUNT);
	return 0;
}

/* Capability checks may not sleep: the event is queued. */
SEC("lsm/capable")
int BPF_PROG(nsima_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts)
{
	struct nsima_ev_capable c;

	if (cap < 0 || cap >= 64 || !(watched_caps & (1ULL << cap)))
		return 0;
	if ((opts & CAP_OPT_NOAUDIT) || not_a_tenant())
		return 0;
	c.cap = cap;
	c.opts = opts;
	count_error(bpf_nsima_queue_event(&c, sizeof(c), NSIMA_EVENT_CAPABLE),
		    NSIMA_PROG_CAPABLE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
