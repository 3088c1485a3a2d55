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

#endif /* NSIMA_ABI_H */
