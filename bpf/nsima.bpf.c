// SPDX-License-Identifier: GPL-2.0
/*
 * nsima BPF LSM programs. They only say *what* to measure; the module's
 * kfuncs hash, attribute (namespace from current) and extend.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <nsima/abi.h>

extern int bpf_nsima_measure_file(struct file *file, __u32 hook) __ksym;

/* Every executed binary, before it runs. Measurement never blocks exec. */
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

char LICENSE[] SEC("license") = "GPL";
