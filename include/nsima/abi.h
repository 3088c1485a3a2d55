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

/*
 * Failed kfunc calls, counted per program in an array map pinned at
 * NSIMA_BPFFS_DIR "/" NSIMA_KFUNC_ERRORS_MAP (u32 key: enum nsima_prog,
 * u64 value). The module logs a violation for each failure that loses a
 * measurement; the count lets the agent report them.
 */
#define NSIMA_KFUNC_ERRORS_MAP	"kfunc_errors"
/* The workload marks (bpf/nsima.bpf.c), pinned so that a new program set
 * (a policy reload) keeps them. */
#define NSIMA_WORKLOAD_MAP	"workload"
enum nsima_prog {
	NSIMA_PROG_BPRM_CHECK = 0,
	NSIMA_PROG_MMAP_EXEC = 1,
	NSIMA_PROG_FILE_OPEN = 2,
	NSIMA_PROG_SB_MOUNT = 3,
	NSIMA_PROG_CAPABLE = 4,
	NSIMA_PROG_MPROTECT = 5,
	NSIMA_PROG_CONNECT = 6,
	NSIMA_PROG_TASK_ALLOC = 7,	/* a workload mark not inherited */
	NSIMA_PROG_MAX = 8,
};

/* Templates (IMA names) */
#define NSIMA_TEMPLATE_NG	"ima-ng"
#define NSIMA_TEMPLATE_BUF	"ima-buf"

/* Entry names */
#define NSIMA_AGGREGATE_NAME	"nsima_aggregate"
/* Names of entries from a non-host namespace are "<nsid>:<path>". */
#define NSIMA_NS_SEPARATOR	':'

/* Limits */
/*
 * Bytes in an n-ng field, NUL included: a path of up to PATH_MAX - 1
 * bytes, every byte escaped (4 bytes each, see "Names" below), plus the
 * "<nsid>:" prefix.
 */
#define NSIMA_PATH_MAX		4096
#define NSIMA_NAME_MAX		(4 * NSIMA_PATH_MAX + 32)
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

/*
 * Names. nsima.ko writes every name into the template data already
 * escaped, so the binary and the ascii list carry the same bytes and no
 * name can add a line or a field to the ascii list:
 *   - a space becomes '_' (IMA's convention);
 *   - every byte outside 0x21..0x7e, and the backslash itself, becomes
 *     "\xNN" (a backslash, 'x', two lowercase hex digits); in a file's
 *     path ':' too ("\x3a"), so that no file name reads as a "<nsid>:"
 *     prefix or an event name;
 *   - file names are absolute in the mount namespace (d_absolute_path:
 *     a chroot does not shorten them); when no absolute path exists
 *     (detached mount, longer than PATH_MAX) the name is the file's own
 *     dentry name, which does not start with '/'.
 * A name therefore holds only bytes 0x21..0x7e.
 */
#define NSIMA_NAME_ESCAPE	'\\'

/*
 * Entries from a task whose namespace cannot be known (a task past
 * exit_task_namespaces()) are attributed to this id: above every inode
 * number, so it names no real namespace.
 */
#define NSIMA_NSID_UNKNOWN	(1ULL << 32)

/*
 * Violations (zero template digest in the list, all-0xFF extended, as
 * IMA) are ima-buf entries: n-ng names the file (or the event), buf is
 * canonical JSON {"errno":E,"hook":"<hook>","reason":"<reason>"}.
 */
#define NSIMA_VIOLATION_REASONS { \
	"open_writers",	/* executed/mapped while open for write */ \
	"tomtou",	/* measured file opened for write while read */ \
	"read_error",	/* the file could not be read (errno) */ \
	"too_large",	/* larger than hash_max: not hashed */ \
	"interrupted",	/* fatal signal while waiting or hashing */ \
	"no_memory",	/* allocation failure: file not hashed */ \
	"hash_error",	/* the crypto API failed (errno) */ \
	"render_error",	/* an event could not be rendered */ \
	"quota",	/* a per-namespace bound was reached */ \
	"untracked",	/* measured, but not tracked for ToMToU */ \
}

enum nsima_violation {
	NSIMA_V_OPEN_WRITERS = 0,
	NSIMA_V_TOMTOU,
	NSIMA_V_READ_ERROR,
	NSIMA_V_TOO_LARGE,
	NSIMA_V_INTERRUPTED,
	NSIMA_V_NO_MEMORY,
	NSIMA_V_HASH_ERROR,
	NSIMA_V_RENDER_ERROR,
	NSIMA_V_QUOTA,
	NSIMA_V_UNTRACKED,
	NSIMA_V_MAX,
};

/* Hook names in violation JSON, indexed by enum nsima_hook (0: none). */
#define NSIMA_HOOK_NAMES { "", "bprm_check", "mmap_exec", "file_open", \
			   "file_write" }
#define NSIMA_HOOK_FILE_WRITE	4	/* bpf_nsima_file_write(), not a caller id */

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
	NSIMA_EVENT_EXEC = 3,		/* struct nsima_ev_file: an exec */
	NSIMA_EVENT_CONNECT = 4,	/* struct nsima_ev_connect */
	NSIMA_EVENT_MPROTECT = 5,	/* struct nsima_ev_mprotect: violation */
	NSIMA_EVENT_OPEN = 6,		/* struct nsima_ev_file: an open */
	NSIMA_EVENT_MMAP_EXEC = 7,	/* struct nsima_ev_file: PROT_EXEC map */
	NSIMA_EVENT_TYPE_MAX = 7,
	/* Written by the module itself, never accepted from a caller: */
	NSIMA_EVENT_OVERFLOW = 100,	/* queued events dropped: violation */
	NSIMA_EVENT_NS_END = 101,	/* a namespace ended */
	NSIMA_EVENT_LOST = 102,		/* entries not appended: violation */
	NSIMA_EVENT_NS_STATE = 103,	/* a namespace's count and chain */
	NSIMA_EVENT_POLICY = 104,	/* a policy loaded (securityfs policy) */
	NSIMA_EVENT_AGENT = 105,	/* the agent started or stopped */
};

#define NSIMA_EVENT_NAMES { \
	[NSIMA_EVENT_MOUNT] = "mount", [NSIMA_EVENT_CAPABLE] = "capable", \
	[NSIMA_EVENT_EXEC] = "exec", [NSIMA_EVENT_CONNECT] = "connect", \
	[NSIMA_EVENT_MPROTECT] = "mprotect_exec", \
	[NSIMA_EVENT_OPEN] = "open", [NSIMA_EVENT_MMAP_EXEC] = "mmap_exec" }
#define NSIMA_EVENT_OVERFLOW_NAME "overflow"
#define NSIMA_EVENT_NS_END_NAME	"ns_end"
#define NSIMA_EVENT_LOST_NAME	"lost"
#define NSIMA_EVENT_NS_STATE_NAME "ns_state"
#define NSIMA_EVENT_POLICY_NAME	"policy"
#define NSIMA_EVENT_AGENT_NAME	"agent"
/*
 * policy: the loader writes "sha256:<hex of the policy file> <statements>
 * [sha256:<hex of the BPF object>]" to securityfs policy before it fills
 * the maps; the module appends {"comm":..,"digest":"sha256:<hex>",
 * "pid":N,["programs":"sha256:<hex>",]"statements":N,"uid":N} attributed
 * to the writer's namespace. An all-zero digest with 0 statements: no
 * programs attached (a failed first load, an unpin). Privileged
 * (CAP_SYS_ADMIN).
 */
#define NSIMA_POLICY_FILE	"policy"
/*
 * agent: the agent opens it once, writes "start" when it starts
 * following the list and "stop" before its last read, and keeps it open
 * until it exits; the module appends
 * {"comm":..,"pid":N,"state":"start"|"stop","uid":N} attributed to the
 * writer's namespace, and, when the file is closed after a start with no
 * stop (the agent was killed or crashed), "state":"died" with the
 * start's comm, pid and uid, as the host's. One opener at a time (EBUSY).
 * Privileged (CAP_SYS_ADMIN).
 */
#define NSIMA_AGENT_FILE	"agent"
#define NSIMA_AGENT_START	1
#define NSIMA_AGENT_STOP	2
#define NSIMA_AGENT_DIED	3
/*
 * ns_state: {"chain":"<hex>","count":N}. count: the namespace's entries
 * before this one (ns_state entries excluded); chain: c0 = 32 zero bytes,
 * c_i = SHA-256(c_{i-1} || SHA-256(template data of entry i)). Appended
 * on request: write the nsid (decimal) to securityfs ns_state.
 */
#define NSIMA_NS_STATE_FILE	"ns_state"
#define NSIMA_INFO_FILE		"info"

#define NSIMA_EV_STR_MAX	256	/* string members, NUL included */

/*
 * A policy rule's event (docs/policy.md) starts with the rule that
 * raised it; the module adds who did it (pid, tgid, uid, comm, cgroup:
 * from current, never from the program) and renders canonical JSON:
 * {"action":"alert|deny","cgroup":N,"comm":"..","pid":N,"risk":"..",
 * "rule":"<id>","tgid":N,"type":"<type>","uid":N, <the type's members>}.
 */
#define NSIMA_RULE_ID_MAX	32	/* bytes of a rule id, NUL included */
enum nsima_risk {
	NSIMA_RISK_NONE = 0,
	NSIMA_RISK_LOW = 1,
	NSIMA_RISK_MEDIUM = 2,
	NSIMA_RISK_HIGH = 3,
	NSIMA_RISK_CRITICAL = 4,
	NSIMA_RISK_MAX = 4,
};
#define NSIMA_RISK_NAMES { "none", "low", "medium", "high", "critical" }
enum nsima_action {
	NSIMA_ACTION_NONE = 0,
	NSIMA_ACTION_ALERT = 1,		/* an event entry */
	NSIMA_ACTION_DENY = 2,		/* the hook returned -EPERM; the entry */
	NSIMA_ACTION_MAX = 2,
};
#define NSIMA_ACTION_NAMES { "none", "alert", "deny" }

struct nsima_ev_rule {
	char id[NSIMA_RULE_ID_MAX];	/* NUL-terminated */
	__u8 risk;			/* enum nsima_risk, not NONE */
	__u8 action;			/* enum nsima_action, not NONE */
	__u8 pad[6];
};

/* ev_flags of a rule event: its path was cut at NSIMA_EV_STR_MAX - 1 */
#define NSIMA_EV_TRUNCATED	0x1

struct nsima_ev_mount {
	struct nsima_ev_rule rule;
	char dev[NSIMA_EV_STR_MAX];	/* source */
	char path[NSIMA_EV_STR_MAX];	/* target */
	char fstype[32];
	__u64 flags;
	__u32 ev_flags;			/* NSIMA_EV_TRUNCATED */
	__u32 pad;
};

struct nsima_ev_capable {
	struct nsima_ev_rule rule;
	__s32 cap;
	__u32 opts;
};

/* exec, open, mmap_exec: the file's path (d_path, the task's view). */
#define NSIMA_OPEN_READ		0x1	/* open: mode bits */
#define NSIMA_OPEN_WRITE	0x2
struct nsima_ev_file {
	struct nsima_ev_rule rule;
	char path[NSIMA_EV_STR_MAX];
	__u32 mode;			/* open: NSIMA_OPEN_* bits; else 0 */
	__u32 ev_flags;			/* NSIMA_EV_TRUNCATED */
};

struct nsima_ev_connect {
	struct nsima_ev_rule rule;
	__u16 family;		/* AF_INET / AF_INET6 */
	__u16 port;		/* host order */
	__u32 pad;
	__u8 addr[16];
};

/*
 * A file mapping made executable by mprotect(): 6.1 has no sleepable
 * file_mprotect hook, so the file cannot be hashed there. The event is
 * logged as a violation (zero digest, 0xFF extended) naming the file.
 */
struct nsima_ev_mprotect {
	char name[NSIMA_EV_STR_MAX];	/* the dentry's name */
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

/* Largest event struct (the mount); the event queue's slot size. */
#define NSIMA_EVENT_SIZE_MAX	(NSIMA_RULE_ID_MAX + 8 + 2 * NSIMA_EV_STR_MAX + \
				 32 + 8 + 8)

#endif /* NSIMA_ABI_H */
