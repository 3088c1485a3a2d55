/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Labels: which container a namespace belongs to, for people reading a
 * verdict. From the module's lineage record (ns/<nsid>/info: the cgroup
 * v2 id of the task that created the namespace's record), the cgroup's
 * path (found by its id under /sys/fs/cgroup), the runtime and container
 * id its name encodes, and what the runtime's state directory adds (OCI
 * bundle, Kubernetes annotations).
 *
 * A label is a hint the node gives, never evidence: nothing of it is in
 * the TPM-anchored list (docs/labels.md, "Trust"). What the quote vouches
 * for is the nsid.
 *
 * Every string a label holds is printable ASCII (0x21..0x7e) and checked
 * against the character set its source allows; a value that is not is
 * refused (left empty and counted in nsima_label.refused), never cut or
 * passed on.
 */
#ifndef NSIMA_LABEL_H
#define NSIMA_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct json_t;

/* ns/<nsid>/info (kmod/nsima_fs.c, nsima_info_show()) */

/* TASK_COMM_LEN - 1 raw bytes, each at worst "\xNN", and a NUL */
#define NSIMA_COMM_ESCAPED_MAX (15 * 4 + 1)

/* nsima_ns_info.have: which keys the file held */
#define NSIMA_INFO_NSID (1u << 0)
#define NSIMA_INFO_PARENT_NSID (1u << 1)
#define NSIMA_INFO_CGROUP_ID (1u << 2)
#define NSIMA_INFO_CREATOR_PID (1u << 3)
#define NSIMA_INFO_CREATOR_COMM (1u << 4)
#define NSIMA_INFO_ENTRIES (1u << 5)
#define NSIMA_INFO_ENTRIES_TOTAL (1u << 6)
#define NSIMA_INFO_VIOLATIONS (1u << 7)
#define NSIMA_INFO_QUOTA_DROPPED (1u << 8)
#define NSIMA_INFO_CACHE_ENTRIES (1u << 9)
#define NSIMA_INFO_STATE_COUNT (1u << 10)
#define NSIMA_INFO_STATE_CHAIN (1u << 11)
/* what every info file has had since the lineage record exists */
#define NSIMA_INFO_REQUIRED                                                \
	(NSIMA_INFO_NSID | NSIMA_INFO_PARENT_NSID | NSIMA_INFO_CGROUP_ID | \
	 NSIMA_INFO_CREATOR_PID | NSIMA_INFO_CREATOR_COMM)

struct nsima_ns_info {
	unsigned int have; /* NSIMA_INFO_* */
	uint64_t nsid;
	uint64_t parent_nsid; /* NSIMA_NSID_UNKNOWN: none */
	uint64_t cgroup_id; /* 0: none (a kernel worker's record) */
	int32_t creator_pid;
	/*
	 * The creating task's comm as the module printed it (raw bytes),
	 * escaped like an nsima name: bytes outside 0x21..0x7e and '\' as
	 * "\xNN" (a space too), so it prints on one line.
	 */
	char creator_comm[NSIMA_COMM_ESCAPED_MAX];
	int64_t entries;
	int64_t entries_total;
	int64_t violations;
	int64_t quota_dropped;
	int64_t cache_entries;
	uint64_t state_count;
	uint8_t state_chain[32];
	bool state_broken; /* " (broken)" after the chain */
};

/*
 * Parse @len bytes of an info file: lines "<key>: <value>\n" (keys
 * [a-z_]+; the last line too ends in '\n'); unknown keys are skipped. A
 * duplicate key, a number that is not plain decimal (no sign unless the
 * field is signed, no leading zero, no overflow), a bad chain or a
 * missing NSIMA_INFO_REQUIRED key is NSIMA_EMALFORMED at NSIMA_AT_LINE.
 * Note: the module prints the comm raw, so a comm holding '\n' makes the
 * file unparseable (malformed, or a duplicate key): refused, never
 * misread.
 */
int nsima_ns_info_parse(const char *text, size_t len, struct nsima_ns_info *out,
			struct nsima_err *err);

/* Labels */

enum nsima_runtime {
	NSIMA_RT_UNKNOWN = 0,
	NSIMA_RT_CRUN,
	NSIMA_RT_RUNC,
	NSIMA_RT_CONTAINERD, /* containerd's CRI plugin */
	NSIMA_RT_CRIO,
	NSIMA_RT_DOCKER,
	NSIMA_RT_PODMAN,
	/*
	 * A container of a Kubernetes pod whose cgroup name does not say
	 * which CRI runtime made it (cgroupfs driver: .../pod<uid>/<id>).
	 */
	NSIMA_RT_CRI,
};

enum nsima_cg_driver {
	NSIMA_DRIVER_UNKNOWN = 0,
	NSIMA_DRIVER_SYSTEMD, /* a transient <prefix>-<id>.scope */
	NSIMA_DRIVER_CGROUPFS, /* a plain directory */
};

enum nsima_qos {
	NSIMA_QOS_NONE = 0, /* not under kubepods */
	NSIMA_QOS_GUARANTEED,
	NSIMA_QOS_BURSTABLE,
	NSIMA_QOS_BESTEFFORT,
};

/* ids: 64 hex digits for most runtimes; crun and runc take names */
#define NSIMA_LABEL_ID_MAX 128
#define NSIMA_LABEL_UID_MAX 64 /* a pod UID */
#define NSIMA_LABEL_NAME_MAX 253 /* a Kubernetes name (DNS subdomain) */
#define NSIMA_LABEL_IMAGE_MAX 255
#define NSIMA_LABEL_PATH_MAX 1024 /* bundle, cgroup path in the state */

struct nsima_label {
	enum nsima_runtime runtime;
	enum nsima_cg_driver driver;
	/*
	 * The cgroup is the runtime's monitor (conmon of cri-o or podman),
	 * not the container: @id names the container it watches.
	 */
	bool conmon;
	char id[NSIMA_LABEL_ID_MAX + 1];
	/*
	 * Under user@<uid>.service: a rootless container, in a subtree that
	 * user may name as it likes (its label is only that user's word).
	 */
	bool rootless;
	uint32_t user_uid;
	/* Kubernetes, from the kubelet's pod cgroup */
	enum nsima_qos qos;
	char pod_uid[NSIMA_LABEL_UID_MAX + 1];
	/* From the runtime's state (nsima_label_runtime_state()) */
	/* nsima_label_namespace(): the cgroup it found (printable only) */
	char cgroup[NSIMA_LABEL_PATH_MAX + 1];
	bool from_state;
	char state_cgroup[NSIMA_LABEL_PATH_MAX + 1]; /* as the state says */
	char bundle[NSIMA_LABEL_PATH_MAX + 1];
	char pod_name[NSIMA_LABEL_NAME_MAX + 1];
	char pod_namespace[NSIMA_LABEL_NAME_MAX + 1];
	char container_name[NSIMA_LABEL_NAME_MAX + 1];
	char image[NSIMA_LABEL_IMAGE_MAX + 1];
	/* the state's pod UID differs from the cgroup's: neither is shown */
	bool uid_conflict;
	unsigned int refused; /* values dropped as unprintable or too long */
};

/* "crun", "runc", "containerd", "cri-o", "docker", "podman", "cri", "unknown" */
const char *nsima_runtime_name(enum nsima_runtime rt);
/* "guaranteed", "burstable", "besteffort", "" */
const char *nsima_qos_name(enum nsima_qos qos);

/*
 * Classify a cgroup v2 path relative to the cgroup root ("/system.slice/
 * docker-<id>.scope", as in /proc/<pid>/cgroup after "0::"). Fills @out
 * (cleared first) with the runtime, driver, id, conmon, rootless and pod
 * UID and QoS that the names say, walking from the root: the first
 * component that names a container decides, what lies below it is the
 * container's own (a container may name its sub-cgroups as it likes, so
 * they are never believed). Returns true when a container was
 * recognised; false leaves runtime NSIMA_RT_UNKNOWN and id empty (pod
 * UID and QoS may still be set). Never fails: odd bytes anywhere only
 * make a component unrecognised.
 */
bool nsima_label_from_cgroup(const char *cgroup_path, struct nsima_label *out);

/* nsima_cgroup_path_by_id(): nothing has that id (not an error) */
#define NSIMA_LABEL_NOTFOUND 1
/* bounds of the walk */
#define NSIMA_CGROUP_DEPTH_MAX 32
#define NSIMA_CGROUP_DIRS_MAX 65536

/*
 * Find the cgroup v2 directory under @root (e.g. "/sys/fs/cgroup") whose
 * id is @cgroup_id: the kernel's cgroup_id() is the kernfs node id, and
 * kernfs makes that the inode number (kernfs_ino(): the id itself where
 * ino_t is 64 bits, its low 32 bits otherwise), so the directory whose
 * st_ino matches is the one (on 64-bit kernels; a 32-bit kernel's ids
 * carry a generation above the inode number and are not found).
 * Depth-first, at most NSIMA_CGROUP_DEPTH_MAX levels and
 * NSIMA_CGROUP_DIRS_MAX directories, never following a symlink nor
 * leaving @root's file system. Writes the path relative to
 * @root ("/" for @root itself, else "/a/b") into @buf. Returns 0, or
 * NSIMA_LABEL_NOTFOUND, or NSIMA_EIO (@root unreadable), NSIMA_EINVAL
 * (@buf too small, @cgroup_id 0) or NSIMA_EUNSUPPORTED (a bound was hit
 * before it was found).
 */
int nsima_cgroup_path_by_id(const char *root, uint64_t cgroup_id, char *buf,
			    size_t size, struct nsima_err *err);

/*
 * Read what the runtime's state directory says about container @id under
 * @state_root: crun's "<state_root>/<id>/status" (JSON, libcrun/status.c:
 * "bundle", "cgroup-path", ...; default root /run/crun) or runc's
 * "<state_root>/<id>/state.json" (libcontainer: "config"."labels" holds
 * the annotations as "key=value" and "bundle=<dir>", "cgroup_paths"."";
 * default root /run/runc; containerd's shim keeps one per namespace in
 * /run/containerd/runc/<ns>, docker's in /run/docker/runtime-runc/moby).
 * The annotations come from the runtime's own copy of config.json (crun:
 * <state_root>/<id>/config.json) or labels (runc), else from
 * <bundle>/config.json. Fills bundle, state_cgroup and the names of
 * @out, sets runtime when it was unknown and from_state; @out keeps what
 * the cgroup path said (a differing pod UID sets uid_conflict). Every
 * file is a regular file opened without following a final symlink, at
 * most NSIMA_SMALL_FILE_MAX bytes, its JSON scanned before jansson sees
 * it. Returns 0, NSIMA_LABEL_NOTFOUND (no state for @id), NSIMA_EINVAL
 * (@id not a runtime id), NSIMA_EIO or NSIMA_EMALFORMED.
 */
int nsima_label_runtime_state(const char *state_root, const char *id,
			      struct nsima_label *out, struct nsima_err *err);

/*
 * For a container whose cgroup name says nothing (crun's and runc's
 * default cgroupfs path is "/<id>" or the caller's cgroupsPath): look at
 * every container under @state_root (at most NSIMA_STATE_SCAN_MAX) and
 * take the one whose state's cgroup path is @cgroup_path or an ancestor
 * of it (the deepest such). Returns 0 (then @out is filled as by
 * nsima_label_runtime_state(), id included), NSIMA_LABEL_NOTFOUND or
 * NSIMA_EIO (@state_root unreadable).
 */
#define NSIMA_STATE_SCAN_MAX 4096
int nsima_label_state_scan(const char *state_root, const char *cgroup_path,
			   struct nsima_label *out, struct nsima_err *err);

/*
 * One short printable line: "crun:3f2a1b2c3d4e", "k8s:default/nginx-
 * 5d9c/nginx (containerd 3f2a1b2c3d4e)", "cri-o:3f2a1b2c3d4e (conmon)",
 * "unknown". Hex ids are cut to 12 digits, names are kept whole. Returns
 * the length, or NSIMA_EINVAL when it and its NUL do not fit in @size
 * (then @buf is "" if @size > 0: never a cut label).
 */
#define NSIMA_LABEL_FORMAT_MAX 1024
ssize_t nsima_label_format(const struct nsima_label *label, char *buf,
			   size_t size);

/* The label as a JSON object (jansson; NULL when out of memory). */
struct json_t *nsima_label_json(const struct nsima_label *label);

/*
 * Where the runtimes keep their state when run as root: crun, runc,
 * containerd's runc shim (namespaces k8s.io and default), docker's
 * (moby). NULL-terminated.
 */
extern const char *const nsima_label_state_roots[];

/*
 * All of the above for one namespace: @info's cgroup id -> its path
 * under @cgroup_root -> nsima_label_from_cgroup() -> the first of
 * @state_roots (NULL-terminated; NULL: none) that knows the container
 * (nsima_label_runtime_state() by id, or nsima_label_state_scan() by
 * path when the path named none). Returns 0 with @out filled, "unknown"
 * if nothing was recognised (no cgroup id, the cgroup is gone, an
 * unreadable state); negative only when @cgroup_root cannot be searched
 * (NSIMA_EIO, NSIMA_EUNSUPPORTED).
 */
int nsima_label_namespace(const struct nsima_ns_info *info,
			  const char *cgroup_root,
			  const char *const *state_roots,
			  struct nsima_label *out, struct nsima_err *err);

#endif /* NSIMA_LABEL_H */
