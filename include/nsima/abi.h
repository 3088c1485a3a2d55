/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima ABI shared by the kernel module, the BPF programs and userspace.
 *
 * One definition of every number that crosses a boundary: hook ids passed
 * to the kfuncs, securityfs names, template names and limits. Include it
 * rather than repeating a value.
 */
#ifndef NSIMA_ABI_H
#define NSIMA_ABI_H

/* __u8.. come from vmlinux.h in BPF programs, from linux/types.h elsewhere. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Hook ids: the second argument of bpf_nsima_measure_file(). */
enum nsima_hook {
	NSIMA_HOOK_BPRM_CHECK = 1,	/* lsm.s/bprm_check_security */
	NSIMA_HOOK_MMAP_EXEC = 2,	/* lsm.s/mmap_file, PROT_EXEC */
	NSIMA_HOOK_FILE_OPEN = 3,	/* lsm.s/file_open */
	NSIMA_HOOK_MAX = 3,
};

/* Default PCR; IMA owns 10. Resettable PCRs are refused. */
#define NSIMA_DEFAULT_PCR	11
#define NSIMA_PCR_RESETTABLE(p)	((p) == 16 || (p) == 23)
#define NSIMA_PCR_COUNT		24	/* PCR indexes 0..23 */

/* securityfs: /sys/kernel/security/<dir>/<file> */
#define NSIMA_SECURITYFS_DIR	"nsima"
#define NSIMA_ASCII_LIST	"ascii_runtime_measurements"
#define NSIMA_BINARY_LIST	"binary_runtime_measurements"
#define NSIMA_COUNT_FILE	"count"

/* bpffs location where the loader pins its links */
#define NSIMA_BPFFS_DIR		"/sys/fs/bpf/nsima"

/* Templates (IMA names) */
#define NSIMA_TEMPLATE_NG	"ima-ng"
#define NSIMA_TEMPLATE_BUF	"ima-buf"

/* Entry names */
#define NSIMA_AGGREGATE_NAME	"nsima_aggregate"
/* Names of entries from a non-host namespace are "<nsid>:<path>". */
#define NSIMA_NS_SEPARATOR	':'

/* Limits */
#define NSIMA_NAME_MAX		4096	/* bytes in an n-ng field incl. NUL */
#define NSIMA_TEMPLATE_NAME_MAX	16	/* IMA's IMA_TEMPLATE_NAME_LEN_MAX */
#define NSIMA_DIGEST_MAX	64	/* sha512 */
#define NSIMA_SHA1_SIZE		20

/*
 * Measurement list limits (userspace parsers enforce them on every length
 * field; the module never produces more).
 */
/* Longest template name or custom format, as the kernel's MAX_TEMPLATE_NAME_LEN - 1. */
#define NSIMA_TEMPLATE_FMT_MAX	71
#define NSIMA_TEMPLATE_FIELDS_MAX 15	/* IMA_TEMPLATE_NUM_FIELDS_MAX */
#define NSIMA_TEMPLATE_DATA_MAX	(1U << 20)	/* bytes of template data */
#define NSIMA_EVENT_NAME_LEN_MAX 255	/* legacy "ima" template name field */
#define NSIMA_TEMPLATE_IMA	"ima"	/* legacy template: d|n, no data_len */
#define NSIMA_TEMPLATE_SIG	"ima-sig"

/* Name of an event entry: "<nsid>:nsima-event:<type>". */
#define NSIMA_EVENT_PREFIX	"nsima-event:"

/* securityfs files beside the lists (see kmod/nsima_fs.c) */
#define NSIMA_STATUS_FILE	"status"
#define NSIMA_VIOLATIONS_FILE	"violations"
#define NSIMA_TRIM_FILE		"trim"
#define NSIMA_CHECKPOINT_FILE	"checkpoint"
#define NSIMA_NS_DIR		"ns"	/* ns/<nsid>/{ascii,binary}_runtime_measurements */

/*
 * Events: bpf_nsima_measure_event(buf, size, type) (sleepable) and
 * bpf_nsima_queue_event(buf, size, type) (any context). buf is the struct
 * of the type, exactly; the module renders it as canonical JSON (sorted
 * keys, no spaces) into an ima-buf entry named
 * "[<nsid>:]nsima-event:<type name>".
 */
enum nsima_event_type {
	NSIMA_EVENT_MOUNT = 1,		/* struct nsima_ev_mount */
	NSIMA_EVENT_CAPABLE = 2,	/* struct nsima_ev_capable */
	NSIMA_EVENT_EXEC = 3,		/* struct nsima_ev_exec: risky exec */
	NSIMA_EVENT_CONNECT = 4,	/* struct nsima_ev_connect */
	NSIMA_EVENT_TYPE_MAX = 4,
	/* Written by the module itself, never accepted from a caller: */
	NSIMA_EVENT_OVERFLOW = 100,	/* queued events dropped: violation */
	NSIMA_EVENT_NS_END = 101,	/* a namespace ended */
};

#define NSIMA_EVENT_NAMES { \
	[NSIMA_EVENT_MOUNT] = "mount", [NSIMA_EVENT_CAPABLE] = "capable", \
	[NSIMA_EVENT_EXEC] = "exec", [NSIMA_EVENT_CONNECT] = "connect" }
#define NSIMA_EVENT_OVERFLOW_NAME "overflow"
#define NSIMA_EVENT_NS_END_NAME	"ns_end"

#define NSIMA_EV_STR_MAX	256	/* string members, NUL included */

struct nsima_ev_mount {
	char dev[NSIMA_EV_STR_MAX];
	char path[NSIMA_EV_STR_MAX];
	char fstype[32];
	__u64 flags;
};

struct nsima_ev_capable {
	__s32 cap;
	__u32 opts;
};

struct nsima_ev_exec {
	char path[NSIMA_EV_STR_MAX];
	__u32 reason;		/* policy rule id */
	__u32 pad;
};

struct nsima_ev_connect {
	__u16 family;		/* AF_INET / AF_INET6 */
	__u16 port;		/* host order */
	__u32 pad;
	__u8 addr[16];
};

/* Largest event struct; the event queue's slot size. */
#define NSIMA_EVENT_SIZE_MAX	(2 * NSIMA_EV_STR_MAX + 32 + 8)

#endif /* NSIMA_ABI_H */
