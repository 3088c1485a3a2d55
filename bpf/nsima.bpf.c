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

#define PROT_EXEC	0x4
#define FMODE_WRITE	0x2
#define CAP_OPT_NOAUDIT	(1 << 1)

extern int bpf_nsima_measure_file(struct file *file, __u32 hook) __ksym;
extern int bpf_nsima_file_write(struct file *file) __ksym;
extern int bpf_nsima_measure_event(const void *buf, __u32 buf__sz,
				   __u32 type) __ksym;
extern int bpf_nsima_queue_event(const void *buf, __u32 buf__sz,
				 __u32 type) __ksym;

/* Set by the loader before load. */
const volatile __u64 host_mntns = 0;	/* events from the host are not logged */
const volatile __u64 watched_caps = 0;	/* bit n: capability n is an event */

/*
 * Events are per-CPU scratch, not stack: the mount struct is larger than
 * the BPF stack allows.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsima_ev_mount);
} mount_scratch SEC(".maps");

static __always_inline bool in_host_mntns(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == host_mntns;
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
	bpf_nsima_measure_file(bprm->file, NSIMA_HOOK_BPRM_CHECK);
	return 0;
}

/* Shared libraries and anything else mapped executable. */
SEC("lsm.s/mmap_file")
int BPF_PROG(nsima_mmap_exec, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags)
{
	if (file && (prot & PROT_EXEC))
		bpf_nsima_measure_file(file, NSIMA_HOOK_MMAP_EXEC);
	return 0;
}

/* Opens for write: the module checks for time-of-measure/time-of-use. */
SEC("lsm.s/file_open")
int BPF_PROG(nsima_file_open, struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		bpf_nsima_file_write(file);
	return 0;
}

/* Mounts inside containers. */
SEC("lsm.s/sb_mount")
int BPF_PROG(nsima_sb_mount, const char *dev_name, const struct path *path,
	     const char *type, unsigned long flags, void *data)
{
	struct nsima_ev_mount *m;
	__u32 zero = 0;

	if (in_host_mntns())
		return 0;
	m = bpf_map_lookup_elem(&mount_scratch, &zero);
	if (!m)
		return 0;
	m->dev[0] = m->fstype[0] = 0;
	if (dev_name)
		bpf_probe_read_kernel_str(m->dev, sizeof(m->dev), dev_name);
	if (type)
		bpf_probe_read_kernel_str(m->fstype, sizeof(m->fstype), type);
	if (bpf_d_path((struct path *)path, m->path, sizeof(m->path)) < 0)
		m->path[0] = 0;
	m->flags = flags;
	bpf_nsima_measure_event(m, sizeof(*m), NSIMA_EVENT_MOUNT);
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
	if ((opts & CAP_OPT_NOAUDIT) || in_host_mntns())
		return 0;
	c.cap = cap;
	c.opts = opts;
	bpf_nsima_queue_event(&c, sizeof(c), NSIMA_EVENT_CAPABLE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
