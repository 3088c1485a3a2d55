/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nsima policy file: which files are measured (measure / dont_measure
 * lines) and which events raise an alert or are denied (rule lines). A
 * line-oriented text format, specified in docs/policy.md; first match
 * wins, in file order. The parser checks every bound and reports the first
 * error as "<file>:<line>:<col>: <message>".
 *
 * The strings are sized for the BPF maps the loader fills from a parsed
 * policy (lib/pmaps.h, include/nsima/policy_maps.h: a path, name or fstype
 * in NSIMA_PM_STR bytes); the kind, field, scope, risk, action and mode
 * numbers are the maps' (checked in lib/pmaps.c).
 */
#ifndef NSIMA_POLICY_H
#define NSIMA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "buf.h"
#include "err.h"

/* Bounds: every one is an error with a position, never a truncation. */
#define NSIMA_POLICY_FILE_MAX	(1U << 20)	/* bytes in a policy file */
#define NSIMA_POLICY_LINE_MAX	4096	/* bytes in a line, newline excluded */
#define NSIMA_POLICY_STMT_MAX	1024	/* measure, dont_measure, rule lines */
#define NSIMA_POLICY_LIST_MAX	64	/* values in one key's list */
#define NSIMA_POLICY_ITEMS_MAX	4096	/* values of all lines (map entries) */
#define NSIMA_POLICY_STR_MAX	240	/* a path, name, fstype and its NUL */
#define NSIMA_POLICY_PATH_MAX	(NSIMA_POLICY_STR_MAX - 1)	/* bytes */
#define NSIMA_POLICY_FSTYPE_MAX	31	/* bytes, as struct nsima_ev_mount */
#define NSIMA_POLICY_ID_MAX	31	/* bytes of a rule id */

/* What a statement is. */
enum nsima_policy_type {
	NSIMA_PSTMT_MEASURE = 1,	/* measure <kind> ... */
	NSIMA_PSTMT_DONT_MEASURE,	/* dont_measure <kind> ... */
	NSIMA_PSTMT_RULE,		/* rule <id> <kind> ... */
};

/* The hook a statement is about. */
enum nsima_policy_kind {
	NSIMA_PKIND_EXEC = 1,		/* bprm_check_security */
	NSIMA_PKIND_MMAP_EXEC,		/* mmap_file, PROT_EXEC */
	NSIMA_PKIND_OPEN,		/* file_open */
	NSIMA_PKIND_MOUNT,		/* sb_mount */
	NSIMA_PKIND_CONNECT,		/* socket_connect */
	NSIMA_PKIND_CAPABLE,		/* capable */
	NSIMA_PKIND_MAX = NSIMA_PKIND_CAPABLE,
};

enum nsima_policy_scope {
	NSIMA_PSCOPE_ANY = 0,		/* every task */
	NSIMA_PSCOPE_HOST,		/* tasks in the initial namespace */
	NSIMA_PSCOPE_CONTAINER,		/* tasks in any other namespace */
	NSIMA_PSCOPE_CGROUP,		/* tasks of a cgroup (v2 id) or below */
};

enum nsima_policy_risk {
	NSIMA_PRISK_NONE = 0,		/* measure lines */
	NSIMA_PRISK_LOW,
	NSIMA_PRISK_MEDIUM,
	NSIMA_PRISK_HIGH,
	NSIMA_PRISK_CRITICAL,
};

enum nsima_policy_action {
	NSIMA_PACTION_NONE = 0,		/* measure lines */
	NSIMA_PACTION_ALERT,		/* an event entry in the list */
	NSIMA_PACTION_DENY,		/* -EPERM from the hook, and the event */
};

/* Access modes of open (a bit mask; any = both). */
#define NSIMA_PMODE_READ	0x1
#define NSIMA_PMODE_WRITE	0x2
#define NSIMA_PMODE_ANY		(NSIMA_PMODE_READ | NSIMA_PMODE_WRITE)

/* What one value of a statement matches. */
enum nsima_policy_field {
	NSIMA_PFIELD_PATH = 1,		/* exact path */
	NSIMA_PFIELD_PREFIX,		/* path prefix (bytes) */
	NSIMA_PFIELD_NAME,		/* exec: the file's basename */
	NSIMA_PFIELD_FSTYPE,		/* mount: file system type */
	NSIMA_PFIELD_SOURCE,		/* mount: source (dev_name) prefix */
	NSIMA_PFIELD_TARGET,		/* mount: target path prefix */
	NSIMA_PFIELD_CIDR,		/* connect: an allowed network */
	NSIMA_PFIELD_MAX = NSIMA_PFIELD_CIDR,
};

/* One value: a string (path, prefix, name, fstype...) or a network. */
struct nsima_policy_item {
	uint8_t field;			/* enum nsima_policy_field */
	uint8_t family;			/* CIDR: AF_INET or AF_INET6 */
	uint8_t prefixlen;		/* CIDR: bits */
	uint8_t pad;
	uint16_t len;			/* string: bytes, NUL excluded */
	uint8_t addr[16];		/* CIDR: network, host bits zero */
	char str[NSIMA_POLICY_STR_MAX];	/* string, NUL-padded */
};

/* One line: measure, dont_measure or rule. */
struct nsima_policy_stmt {
	uint8_t type;			/* enum nsima_policy_type */
	uint8_t kind;			/* enum nsima_policy_kind */
	uint8_t scope;			/* enum nsima_policy_scope */
	uint8_t risk;			/* enum nsima_policy_risk (rules) */
	uint8_t action;			/* enum nsima_policy_action (rules) */
	uint8_t mode;			/* NSIMA_PMODE_* (open), else 0 */
	uint64_t cgroup;		/* NSIMA_PSCOPE_CGROUP: the id */
	uint64_t caps;			/* capable: bit n: capability n allowed */
	char id[NSIMA_POLICY_ID_MAX + 1];	/* rules; "" for measure */
	uint32_t first;			/* items[first..first + count) */
	uint32_t count;
	uint32_t line;			/* where it was (not compared) */
};

struct nsima_policy {
	struct nsima_policy_stmt *stmts;	/* in file order */
	size_t nstmts;
	struct nsima_policy_item *items;
	size_t nitems;
	size_t nrules;			/* rule lines among stmts */
	uint8_t digest[32];		/* SHA-256 of the bytes parsed */
	/* set when parsing fails (err->pos is err_line too); 0 otherwise */
	uint32_t err_line;
	uint32_t err_col;
};

/*
 * Parse @len bytes at @buf (need not be NUL-terminated) named @name (for
 * messages; NULL: "<policy>") into @out, which the caller frees with
 * nsima_policy_free() whether this succeeds or not. The file's SHA-256
 * is kept in out->digest. On failure: NSIMA_EMALFORMED (or NSIMA_ENOMEM,
 * NSIMA_ECRYPTO) with err->where NSIMA_AT_LINE, err->pos the line (from 1),
 * out->err_line/err_col the line and byte column (from 1), and err->msg
 * the whole line for the user: "<name>:<line>:<col>: <message>".
 */
int nsima_policy_parse(const uint8_t *buf, size_t len, const char *name,
		       struct nsima_policy *out, struct nsima_err *err);
void nsima_policy_free(struct nsima_policy *p);

/*
 * Append the canonical form of @p to @out: one statement per line, keys in
 * a fixed order, every default written out, no comment. Parsing it gives a
 * policy nsima_policy_equal() to @p.
 */
int nsima_policy_format(const struct nsima_policy *p, struct nsima_buf *out);

/* Same statements and values (line numbers and digests are not compared). */
bool nsima_policy_equal(const struct nsima_policy *a,
			const struct nsima_policy *b);

/* out = SHA-256 of @len bytes at @buf: the digest a policy load measures. */
int nsima_policy_digest(const uint8_t *buf, size_t len, uint8_t out[32],
			struct nsima_err *err);

/* Names, for printing: "exec", "high", "deny", "read"...; "?" if unknown. */
const char *nsima_policy_kind_name(unsigned int kind);
const char *nsima_policy_risk_name(unsigned int risk);
const char *nsima_policy_action_name(unsigned int action);
const char *nsima_policy_mode_name(unsigned int mode);
const char *nsima_policy_field_name(unsigned int field);
const char *nsima_policy_type_name(unsigned int type);
/* Scope as written: "any", "host", "container", "cgroup:<id>". */
char *nsima_policy_scope_str(const struct nsima_policy_stmt *s, char *buf,
			     size_t size);

/*
 * What a hook saw, for nsima_policy_match(): the reference of the
 * matching the BPF programs do (docs/policy.md, "Statements").
 */
struct nsima_policy_event {
	uint8_t kind;			/* enum nsima_policy_kind */
	uint8_t mode;			/* open: NSIMA_PMODE_ bits of the access */
	bool host;			/* the task is in the initial namespace */
	uint64_t cgroup;		/* the task's cgroup (v2) id */
	const uint64_t *ancestors;	/* its ancestors' ids (may be NULL) */
	size_t nancestors;
	const char *path;		/* exec, mmap_exec, open: the file's
					 * resolved path; mount: the target */
	const char *name;		/* exec: the name it was run by (NULL:
					 * path's); its last component counts */
	const char *fstype;		/* mount */
	const char *source;		/* mount: dev_name, may be NULL */
	uint16_t family;		/* connect: AF_INET or AF_INET6 */
	uint8_t addr[16];		/* connect: the destination */
	int cap;			/* capable: the capability */
};

/*
 * The index in p->stmts of the first statement that matches @ev: among
 * the rules (@type NSIMA_PSTMT_RULE: the rule that fires), or among the
 * measure and dont_measure lines (@type NSIMA_PSTMT_MEASURE: look at the
 * type of the one returned); -1 when none does.
 */
long nsima_policy_match(const struct nsima_policy *p, unsigned int type,
			const struct nsima_policy_event *ev);

/* The task of @ev is in cgroup @id or below it (scope=cgroup:ID). */
bool nsima_policy_in_cgroup(const struct nsima_policy_event *ev, uint64_t id);

/*
 * Capabilities of Linux 6.1: CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40).
 * Name of capability @cap in lower case without "cap_" ("net_admin"), or
 * NULL.
 */
#define NSIMA_CAP_LAST		40
const char *nsima_policy_cap_name(unsigned int cap);
/* "CAP_NET_ADMIN", "cap_net_admin", "net_admin" (any case) or "12": 0..40. */
int nsima_policy_cap_parse(const char *s, size_t len);

#endif /* NSIMA_POLICY_H */
