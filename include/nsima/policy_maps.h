/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy as BPF maps: what the loader writes from a parsed policy
 * (lib/policy.c; docs/policy.md "BPF maps") and bpf/nsima.bpf.c reads.
 *
 * The file, exec, mmap_exec, open and mount hooks run sleepable programs,
 * which on 6.1 may use hash and array maps but no LPM trie: an exact path,
 * a name or an fstype is a key of the hash map NSIMA_PM_KEYS, and so is a
 * prefix, with prefixlen = its length; the hook looks its path up cut at
 * each prefix length in use (NSIMA_PM_LENS, at most NSIMA_PM_LENS_MAX per
 * type, kind and field). Each key is looked up for each scope that can
 * cover the task: any, host or container, and cgroup:<its cgroup>; among
 * the values found the lowest statement index wins (first match). The
 * connect and capable rules are few and checked in order from arrays.
 */
#ifndef NSIMA_POLICY_MAPS_H
#define NSIMA_POLICY_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include <nsima/abi.h>

#define NSIMA_PM_KEYS		"pm_keys"
#define NSIMA_PM_LENS		"pm_lens"
#define NSIMA_PM_CONNECT	"pm_connect"
#define NSIMA_PM_NETS		"pm_nets"
#define NSIMA_PM_CAPABLE	"pm_capable"
#define NSIMA_PM_CGROUPS	"pm_cgroups"	/* ids of scope=cgroup: (u64 -> u8) */
#define NSIMA_PM_INFO		"pm_info"	/* the policy they hold (u32 0 -> below) */

#define NSIMA_PM_KEYS_MAX	8192	/* keys of all statements */
#define NSIMA_PM_STR		240	/* a path, name or fstype, NUL-padded */
#define NSIMA_PM_LENS_MAX	16	/* prefix lengths per type/kind/field */
#define NSIMA_PM_LIST_MAX	64	/* connect rules; capable rules */
#define NSIMA_PM_NETS_MAX	4096	/* allowed networks of all connects */
/* Workload tasks tracked at once (bpf/nsima.bpf.c; beyond: counted) */
#define NSIMA_WORKLOADS_MAX	65536

/*
 * pm_info's one entry: the SHA-256 of the policy file the maps were
 * built from, its statements, and the SHA-256 of the BPF object loaded,
 * as measured at load (the programs do not read it; the agent tells a
 * changed policy or a new build of the programs by it).
 */
struct nsima_pm_info {
	__u8 digest[32];
	__u64 statements;
	__u8 programs[32];
};

/* Statement types as keys tell them: the two decisions are separate. */
enum nsima_pm_type {
	NSIMA_PM_MEASURE = 1,		/* measure and dont_measure lines */
	NSIMA_PM_RULE = 2,		/* rule lines */
};

/* Kinds and fields: lib/policy.h's numbers (enum nsima_policy_kind). */
enum nsima_pm_kind {
	NSIMA_PM_EXEC = 1,
	NSIMA_PM_MMAP_EXEC = 2,
	NSIMA_PM_OPEN = 3,
	NSIMA_PM_MOUNT = 4,
	NSIMA_PM_CONNECT_K = 5,
	NSIMA_PM_CAPABLE_K = 6,
};
enum nsima_pm_field {
	NSIMA_PM_PATH = 1,		/* exact path */
	NSIMA_PM_PREFIX = 2,		/* path prefix */
	NSIMA_PM_NAME = 3,		/* exec: the name run by */
	NSIMA_PM_FSTYPE = 4,		/* mount */
	NSIMA_PM_SOURCE = 5,		/* mount: source prefix */
	NSIMA_PM_TARGET = 6,		/* mount: target prefix */
	NSIMA_PM_FIELD_MAX = 6,
};
enum nsima_pm_scope {
	NSIMA_PM_ANY = 0,
	NSIMA_PM_HOST = 1,
	NSIMA_PM_CONTAINER = 2,
	NSIMA_PM_CGROUP = 3,
};

struct nsima_pm_key {
	__u8 type;			/* enum nsima_pm_type */
	__u8 kind;			/* enum nsima_pm_kind */
	__u8 field;			/* enum nsima_pm_field */
	__u8 scope;			/* enum nsima_pm_scope */
	__u8 mode;			/* open: NSIMA_OPEN_READ or _WRITE */
	__u8 pad;
	__u16 len;			/* bytes of str (a prefix's length) */
	__u64 cgroup;			/* NSIMA_PM_CGROUP: its id, else 0 */
	char str[NSIMA_PM_STR];		/* NUL-padded */
};

struct nsima_pm_val {
	__u32 stmt;			/* index in the file: the lowest wins */
	__u8 measure;			/* NSIMA_PM_MEASURE: 1 measure, 0 not */
	__u8 risk;			/* rules: enum nsima_risk */
	__u8 action;			/* rules: enum nsima_action */
	__u8 pad;
	char id[NSIMA_RULE_ID_MAX];	/* rules */
};

/* The prefix lengths in use, per type, kind and field (array index). */
#define NSIMA_PM_LENS_INDEX(type, kind, field) \
	(((type) * 8 + (kind)) * 8 + (field))
#define NSIMA_PM_LENS_ENTRIES	(3 * 8 * 8)
/* Its count: how many statements have scope=cgroup: (ancestors walked). */
#define NSIMA_PM_CGROUP_INDEX	NSIMA_PM_LENS_INDEX(0, 0, 1)
/* Ancestors of a task's cgroup a hook looks at (deeper: counted) */
#define NSIMA_PM_CGROUP_DEPTH	16
/* The policy's cgroups a task may be below at once (more: counted) */
#define NSIMA_PM_CGROUP_MATCH	4
#define NSIMA_PM_CGROUPS_MAX	1024	/* distinct cgroup ids in a policy */
struct nsima_pm_lens {
	__u32 count;
	__u16 len[NSIMA_PM_LENS_MAX];	/* ascending */
};

/* A connect or capable rule, in file order (array; used = 0 ends it). */
struct nsima_pm_rule {
	__u32 stmt;
	__u8 used;
	__u8 scope;			/* enum nsima_pm_scope */
	__u8 risk;
	__u8 action;
	__u64 cgroup;
	__u64 caps;			/* capable: bit n: n allowed */
	char id[NSIMA_RULE_ID_MAX];
};

/* An allowed network of connect rule @rule (LPM trie; non-sleepable). */
struct nsima_pm_net {
	__u32 prefixlen;		/* 32 (rule, family) + the CIDR's */
	__u16 rule;			/* index in NSIMA_PM_CONNECT */
	__u16 family;			/* AF_INET / AF_INET6 */
	__u8 addr[16];
};

#endif /* NSIMA_POLICY_MAPS_H */
