/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima's kfuncs: what kmod/nsima_kfunc.c defines and the BPF programs
 * call, declared once.
 *
 * In a BPF program (clang -target bpf defines __bpf__) each one is a
 * declaration (extern: a function declared, not defined) marked __ksym,
 * resolved against the module's BTF when the program loads: include
 * <bpf/bpf_helpers.h> first. In the module each is a plain prototype of
 * the noinline global that BTF describes.
 */
#ifndef NSIMA_KFUNCS_H
#define NSIMA_KFUNCS_H

/* __u32 comes from vmlinux.h in BPF programs, from linux/types.h elsewhere. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#ifdef __bpf__
#ifndef __ksym
#error "include <bpf/bpf_helpers.h> before <nsima/kfuncs.h>"
#endif
#define NSIMA_KSYM	__ksym
#else
#define NSIMA_KSYM
#endif

struct file;
struct inode;
struct path;

/* Measure @file (hook: enum nsima_hook) into the caller's namespace list. */
int bpf_nsima_measure_file(struct file *file, __u32 hook) NSIMA_KSYM;
/* @file is being opened for write: ToMToU violation if measured and open. */
int bpf_nsima_file_write(struct file *file) NSIMA_KSYM;
/* Measure an event now (sleepable); @buf__sz is exactly its struct's size. */
int bpf_nsima_measure_event(const void *buf, __u32 buf__sz,
			    __u32 type) NSIMA_KSYM;
/* Queue an event from any context; -ENOSPC when the queue is full. */
int bpf_nsima_queue_event(const void *buf, __u32 buf__sz,
			  __u32 type) NSIMA_KSYM;
/* @inode is being freed: forget that it was measured. */
void bpf_nsima_inode_free(struct inode *inode) NSIMA_KSYM;
/*
 * The absolute path of @file (or @path) in its mount namespace, not
 * shortened by a chroot, into @buf: its length or a negative errno.
 */
int bpf_nsima_file_path(struct file *file, char *buf, __u32 buf__sz) NSIMA_KSYM;
int bpf_nsima_path(const struct path *path, char *buf,
		   __u32 buf__sz) NSIMA_KSYM;

#undef NSIMA_KSYM

#endif /* NSIMA_KFUNCS_H */
