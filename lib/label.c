// SPDX-License-Identifier: GPL-2.0
/*
 * Labels: namespace -> container (lib/label.h, docs/labels.md).
 *
 * The cgroup names recognised, and where each runtime makes them (read in
 * the runtimes' own sources):
 *
 * crun (containers/crun, src/libcrun/cgroup-systemd.c,
 *   get_systemd_scope_and_slice(), find_systemd_subgroup()):
 *   systemd manager, no cgroupsPath: "crun-<id>.scope" in system.slice
 *   (user.slice when rootless); "slice:prefix:name" gives
 *   "<prefix>-<name>.scope"; on cgroup v2 the processes live in the
 *   sub-cgroup "container" (annotation run.oci.systemd.subgroup).
 *   cgroupfs manager (crun's default, src/libcrun/cgroup-cgroupfs.c,
 *   make_cgroup_path()): "/<id>" or the cgroupsPath as given: no marker
 *   of crun in the name (nsima_label_state_scan() finds those).
 * runc (opencontainers/runc libcontainer/specconv/spec_linux.go
 *   CreateCgroupConfig(), opencontainers/cgroups systemd/common.go
 *   getUnitName()): systemd: "runc-<id>.scope" by default, else
 *   "<prefix>-<name>.scope"; cgroupfs (fs2/defaultpath.go): the
 *   cgroupsPath, or <parent of runc's own cgroup>/<id>: no marker.
 * docker (moby daemon/oci_linux.go WithCgroups()): systemd:
 *   "system.slice:docker:<id>" -> /system.slice/docker-<id>.scope
 *   (user.slice when rootless); cgroupfs: "/docker/<id>".
 * containerd, CRI plugin (internal/cri/server/podsandbox/helpers_linux.go
 *   getCgroupsPath()): "<pod slice>:cri-containerd:<id>" ->
 *   cri-containerd-<id>.scope; cgroupfs: <pod cgroup>/<id>.
 * cri-o (internal/config/cgmgr/systemd_linux.go, cgroupfs_linux.go):
 *   systemd: "<slice>:crio:<id>" -> crio-<id>.scope, conmon in
 *   crio-conmon-<id>.scope (crun puts the container one level down, in
 *   "container"); cgroupfs: <parent>/crio-<id> (parent /crio by default),
 *   conmon in <parent>/crio-conmon-<id>.
 * podman (libpod/container.go CgroupfsDefaultCgroupParent "/libpod_parent",
 *   SystemdDefaultCgroupParent "machine.slice", rootless "user.slice";
 *   cgroupsPath "<parent>:libpod:<id>" or <parent>/libpod-<id>): systemd:
 *   machine.slice/libpod-<id>.scope[/container], conmon in
 *   libpod-conmon-<id>.scope (test/e2e/logs_test.go journalctl -u);
 *   rootless under user@<uid>.service/user.slice; cgroupfs:
 *   /libpod_parent/libpod-<id>, conmon in /libpod_parent/conmon.
 * kubelet (kubernetes pkg/kubelet/cm/cgroup_manager_linux.go ToSystemd(),
 *   ToCgroupfs(), escapeSystemdCgroupName(); qos_container_manager_linux.go,
 *   pod_container_manager_linux.go GetPodCgroupNameSuffix() "pod"+UID):
 *   {kubepods, burstable|besteffort (none: guaranteed), pod<uid>} is
 *   /kubepods/burstable/pod<uid> with cgroupfs and, with systemd, '-' in
 *   each part turned into '_' and the parts joined by '-':
 *   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<u_i_d>.slice
 *   (a --cgroup-root adds leading parts: kubelet-kubepods-...).
 *
 * Runtime state (for the annotations): crun src/libcrun/status.c
 * libcrun_write_container_status() writes <root>/<id>/status (root
 * /run/crun, or $XDG_RUNTIME_DIR/crun) and libcrun_copy_config_file()
 * <root>/<id>/config.json; runc libcontainer/container_linux.go (State,
 * BaseState in container.go) writes <root>/<id>/state.json (root
 * /run/runc) with the annotations as "key=value" labels and
 * "bundle=<dir>" appended last (specconv/spec_linux.go).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "jsonscan.h"
#include "hex.h"
#include "label.h"

/* ---- small helpers ---- */

static bool is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * A crun or runc container id: [A-Za-z0-9_+.-], not starting with '.'
 * (crun src/libcrun/status.c validate_id(), runc
 * libcontainer/factory_linux.go validateID()).
 */
static bool is_runtime_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > NSIMA_LABEL_ID_MAX || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '+' ||
		      c == '.' || c == '-'))
			return false;
	}
	return true;
}

static bool is_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s, p, pl);
}

static bool has_suffix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s + n - pl, p, pl);
}

static bool eq(const char *s, size_t n, const char *p)
{
	return strlen(p) == n && !memcmp(s, p, n);
}

static void copy(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * Store @n bytes of @s into @dst (room for @max and a NUL) if they are
 * printable and fit; else leave @dst empty and count a refusal.
 */
static void put(struct nsima_label *l, char *dst, size_t max, const char *s,
		size_t n)
{
	if (n == 0)
		return;
	if (n > max || !is_printable(s, n)) {
		dst[0] = '\0';
		l->refused++;
		return;
	}
	copy(dst, s, n);
}

/* Decimal without sign or leading zero, at most @max. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned int)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

const char *nsima_runtime_name(enum nsima_runtime rt)
{
	switch (rt) {
	case NSIMA_RT_CRUN:
		return "crun";
	case NSIMA_RT_RUNC:
		return "runc";
	case NSIMA_RT_CONTAINERD:
		return "containerd";
	case NSIMA_RT_CRIO:
		return "cri-o";
	case NSIMA_RT_DOCKER:
		return "docker";
	case NSIMA_RT_PODMAN:
		return "podman";
	case NSIMA_RT_CRI:
		return "cri";
	case NSIMA_RT_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *nsima_qos_name(enum nsima_qos qos)
{
	switch (qos) {
	case NSIMA_QOS_GUARANTEED:
		return "guaranteed";
	case NSIMA_QOS_BURSTABLE:
		return "burstable";
	case NSIMA_QOS_BESTEFFORT:
		return "besteffort";
	case NSIMA_QOS_NONE:
		break;
	}
	return "";
}

/* ---- ns/<nsid>/info ---- */

enum info_type { I_U64, I_I32, I_I64, I_COMM, I_CHAIN };

static const struct info_key {
	const char *name;
	unsigned int bit;
	enum info_type type;
	size_t off;
} info_keys[] = {
#define OFF(f) offsetof(struct nsima_ns_info, f)
	{ "nsid", NSIMA_INFO_NSID, I_U64, OFF(nsid) },
	{ "parent_nsid", NSIMA_INFO_PARENT_NSID, I_U64, OFF(parent_nsid) },
	{ "cgroup_id", NSIMA_INFO_CGROUP_ID, I_U64, OFF(cgroup_id) },
	{ "creator_pid", NSIMA_INFO_CREATOR_PID, I_I32, OFF(creator_pid) },
	{ "creator_comm", NSIMA_INFO_CREATOR_COMM, I_COMM, OFF(creator_comm) },
	{ "entries", NSIMA_INFO_ENTRIES, I_I64, OFF(entries) },
	{ "entries_total", NSIMA_INFO_ENTRIES_TOTAL, I_I64,
	  OFF(entries_total) },
	{ "violations", NSIMA_INFO_VIOLATIONS, I_I64, OFF(violations) },
	{ "quota_dropped", NSIMA_INFO_QUOTA_DROPPED, I_I64,
	  OFF(quota_dropped) },
	{ "cache_entries", NSIMA_INFO_CACHE_ENTRIES, I_I64,
	  OFF(cache_entries) },
	{ "state_count", NSIMA_INFO_STATE_COUNT, I_U64, OFF(state_count) },
	{ "state_chain", NSIMA_INFO_STATE_CHAIN, I_CHAIN, OFF(state_chain) },
#undef OFF
};

/* A signed decimal ("%d", "%ld"): optional '-', no "-0". */
static bool parse_signed(const char *s, size_t n, int64_t min, int64_t max,
			 int64_t *out)
{
	uint64_t v;

	if (n && s[0] == '-') {
		if (!parse_dec(s + 1, n - 1, (uint64_t)max + 1, &v) || v == 0 ||
		    -(int64_t)(v - 1) - 1 < min)
			return false;
		*out = -(int64_t)(v - 1) - 1;
		return true;
	}
	if (!parse_dec(s, n, (uint64_t)max, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static bool parse_chain(const char *s, size_t n, struct nsima_ns_info *out)
{
	if (n == 64 + 9 && !memcmp(s + 64, " (broken)", 9))
		out->state_broken = true;
	else if (n != 64)
		return false;
	/* the module prints lower case */
	return strspn(s, "0123456789abcdef") >= 64 &&
	       nsima_hex_decode(s, 64, out->state_chain) == 32;
}

/* The comm's raw bytes, escaped (see struct nsima_ns_info). */
static bool parse_comm(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (n > 15) /* TASK_COMM_LEN - 1 */
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return true;
}

int nsima_ns_info_parse(const char *text, size_t len, struct nsima_ns_info *out,
			struct nsima_err *err)
{
	size_t pos = 0, line = 0, i;

	memset(out, 0, sizeof(*out));
	if (!text && len)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "no input");
	while (pos < len) {
		const char *l = text + pos, *nl, *key, *val;
		size_t ll, kl, vl;
		const struct info_key *k = NULL;
		bool ok = false;

		line++;
		nl = memchr(l, '\n', len - pos);
		if (!nl)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_LINE, line,
					     "line does not end in a newline");
		ll = (size_t)(nl - l);
		pos += ll + 1;
		key = l;
		for (kl = 0; kl < ll &&
			     ((l[kl] >= 'a' && l[kl] <= 'z') || l[kl] == '_');
		     kl++)
			;
		if (kl == 0 || kl + 2 > ll || l[kl] != ':' || l[kl + 1] != ' ')
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_LINE, line,
					     "not \"<key>: <value>\"");
		val = l + kl + 2;
		vl = ll - kl - 2;
		for (i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++)
			if (eq(key, kl, info_keys[i].name))
				k = &info_keys[i];
		if (!k)
			continue; /* a newer module's key */
		if (out->have & k->bit)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_LINE, line,
					     "duplicate key %s", k->name);
		switch (k->type) {
		case I_U64:
			ok = parse_dec(val, vl, UINT64_MAX,
				       (uint64_t *)((char *)out + k->off));
			break;
		case I_I32: {
			int64_t v;

			ok = parse_signed(val, vl, INT32_MIN, INT32_MAX, &v);
			if (ok)
				*(int32_t *)((char *)out + k->off) = (int32_t)v;
			break;
		}
		case I_I64:
			ok = parse_signed(val, vl, INT64_MIN, INT64_MAX,
					  (int64_t *)((char *)out + k->off));
			break;
		case I_COMM:
			ok = parse_comm(val, vl, out->creator_comm);
			break;
		case I_CHAIN:
			ok = parse_chain(val, vl, out);
			break;
		}
		if (!ok)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_LINE, line,
					     "bad value for %s", k->name);
		out->have |= k->bit;
	}
	if ((out->have & NSIMA_INFO_REQUIRED) != NSIMA_INFO_REQUIRED) {
		for (i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++)
			if ((NSIMA_INFO_REQUIRED & info_keys[i].bit) &&
			    !(out->have & info_keys[i].bit))
				break;
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE,
				     line + 1, "no %s", info_keys[i].name);
	}
	return 0;
}

/* ---- cgroup path -> label ---- */

/* Longest cgroup path looked at (the kernel's cgroup paths fit PATH_MAX). */
#define CG_PATH_MAX 4096
#define CG_DEPTH_MAX 64

struct comp {
	const char *s;
	size_t n;
};

/* The pod UID of a kubelet name: systemd form has '_' for '-'. */
static bool put_pod_uid(struct nsima_label *l, const char *s, size_t n,
			bool systemd)
{
	size_t i;

	if (n == 0 || n > NSIMA_LABEL_UID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (systemd && c == '-')
			return false; /* the separator: not in a part */
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' ||
		      (systemd && c == '_')))
			return false;
	}
	for (i = 0; i < n; i++)
		l->pod_uid[i] = s[i] == '_' ? '-' : s[i];
	l->pod_uid[n] = '\0';
	return true;
}

static enum nsima_qos qos_of(const char *s, size_t n)
{
	if (eq(s, n, "burstable"))
		return NSIMA_QOS_BURSTABLE;
	if (eq(s, n, "besteffort"))
		return NSIMA_QOS_BESTEFFORT;
	return NSIMA_QOS_NONE;
}

/*
 * A kubelet pod slice, "[<root>-]kubepods[-<qos>]-pod<uid>.slice" (the
 * parts of a systemd slice name are joined by '-').
 */
static bool pod_slice(struct nsima_label *l, const char *s, size_t n)
{
	const char *p, *end;
	enum nsima_qos q = NSIMA_QOS_GUARANTEED;

	if (!has_suffix(s, n, ".slice"))
		return false;
	end = s + n - 6;
	/* find the part "kubepods" */
	for (p = s; p < end;) {
		const char *dash = memchr(p, '-', (size_t)(end - p));
		size_t pl = dash ? (size_t)(dash - p) : (size_t)(end - p);

		if (eq(p, pl, "kubepods") && dash) {
			p = dash + 1;
			break;
		}
		if (!dash)
			return false;
		p = dash + 1;
	}
	if (p >= end)
		return false;
	/* optional QoS part */
	{
		const char *dash = memchr(p, '-', (size_t)(end - p));

		if (dash && qos_of(p, (size_t)(dash - p)) != NSIMA_QOS_NONE) {
			q = qos_of(p, (size_t)(dash - p));
			p = dash + 1;
		}
	}
	if (!has_prefix(p, (size_t)(end - p), "pod") ||
	    !put_pod_uid(l, p + 3, (size_t)(end - p) - 3, true))
		return false;
	l->qos = q;
	return true;
}

struct pattern {
	const char *prefix;
	enum nsima_runtime rt;
	bool conmon;
	bool hex; /* the id is 64 hex digits, else a runtime id */
};

/* Transient scopes: "<prefix><id>.scope". Longer prefixes first. */
static const struct pattern scopes[] = {
	{ "crio-conmon-", NSIMA_RT_CRIO, true, true },
	{ "crio-", NSIMA_RT_CRIO, false, true },
	{ "libpod-conmon-", NSIMA_RT_PODMAN, true, true },
	{ "libpod-", NSIMA_RT_PODMAN, false, true },
	{ "cri-containerd-", NSIMA_RT_CONTAINERD, false, true },
	{ "docker-", NSIMA_RT_DOCKER, false, true },
	{ "crun-", NSIMA_RT_CRUN, false, false },
	{ "runc-", NSIMA_RT_RUNC, false, false },
};

/* cgroupfs directories: "<prefix><id>". */
static const struct pattern dirs[] = {
	{ "crio-conmon-", NSIMA_RT_CRIO, true, true },
	{ "crio-", NSIMA_RT_CRIO, false, true },
	{ "libpod-", NSIMA_RT_PODMAN, false, true },
};

/*
 * Does @c name a container? 1: yes (filled in), 0: no, -1: it has a
 * runtime's prefix but not a valid id (refused: the walk stops).
 */
static int match(struct nsima_label *l, const struct comp *c,
		 const struct pattern *pats, size_t npats, size_t suffix,
		 enum nsima_cg_driver driver)
{
	size_t i;

	for (i = 0; i < npats; i++) {
		const struct pattern *p = &pats[i];
		size_t pl = strlen(p->prefix), idl;
		const char *id;

		if (!has_prefix(c->s, c->n, p->prefix) || c->n < pl + suffix)
			continue;
		id = c->s + pl;
		idl = c->n - pl - suffix;
		if (p->hex ? !is_hex64(id, idl) : !is_runtime_id(id, idl))
			return -1;
		l->runtime = p->rt;
		l->conmon = p->conmon;
		l->driver = driver;
		copy(l->id, id, idl);
		return 1;
	}
	return 0;
}

bool nsima_label_from_cgroup(const char *cgroup_path, struct nsima_label *out)
{
	struct comp c[CG_DEPTH_MAX];
	size_t n = 0, i, len, pod = 0;
	bool in_pod = false;
	const char *p;

	memset(out, 0, sizeof(*out));
	if (!cgroup_path || cgroup_path[0] != '/')
		return false;
	len = strnlen(cgroup_path, CG_PATH_MAX + 1);
	if (len > CG_PATH_MAX)
		return false;
	/* split; "//", "." and ".." never come from the kernel: refused */
	for (p = cgroup_path + 1; p < cgroup_path + len;) {
		const char *slash =
			memchr(p, '/', (size_t)(cgroup_path + len - p));
		size_t cl = slash ? (size_t)(slash - p) :
				    (size_t)(cgroup_path + len - p);

		if (cl == 0) {
			if (!slash)
				break; /* one trailing '/' */
			return false;
		}
		if (n == CG_DEPTH_MAX || eq(p, cl, ".") || eq(p, cl, ".."))
			return false;
		c[n].s = p;
		c[n].n = cl;
		n++;
		if (!slash)
			break;
		p = slash + 1;
	}

	for (i = 0; i < n; i++) {
		const struct comp *k = &c[i];
		int m;

		/* rootless: systemd's user@<uid>.service, delegated to <uid> */
		if (k->n > 13 && has_prefix(k->s, k->n, "user@") &&
		    has_suffix(k->s, k->n, ".service") && !out->rootless) {
			uint64_t uid;

			if (parse_dec(k->s + 5, k->n - 5 - 8, UINT32_MAX,
				      &uid)) {
				out->rootless = true;
				out->user_uid = (uint32_t)uid;
			}
			continue;
		}
		/* kubelet pods: systemd slice or cgroupfs kubepods/[qos/]pod<uid> */
		if (!in_pod && pod_slice(out, k->s, k->n)) {
			in_pod = true;
			pod = i;
			continue;
		}
		if (!in_pod && has_prefix(k->s, k->n, "pod") && i > 0) {
			enum nsima_qos q = NSIMA_QOS_GUARANTEED;
			size_t up = i - 1;

			if (qos_of(c[up].s, c[up].n) != NSIMA_QOS_NONE &&
			    up > 0) {
				q = qos_of(c[up].s, c[up].n);
				up--;
			}
			if (eq(c[up].s, c[up].n, "kubepods") &&
			    put_pod_uid(out, k->s + 3, k->n - 3, false)) {
				out->qos = q;
				in_pod = true;
				pod = i;
				continue;
			}
		}
		/* systemd scopes */
		if (has_suffix(k->s, k->n, ".scope")) {
			m = match(out, k, scopes,
				  sizeof(scopes) / sizeof(*scopes), 6,
				  NSIMA_DRIVER_SYSTEMD);
			if (m > 0)
				return true;
			if (m < 0)
				goto refuse;
			if (in_pod && i > pod)
				break; /* something else under a pod */
			continue;
		}
		/* cgroupfs */
		m = match(out, k, dirs, sizeof(dirs) / sizeof(*dirs), 0,
			  NSIMA_DRIVER_CGROUPFS);
		if (m > 0)
			return true;
		if (m < 0)
			goto refuse;
		/* docker cgroupfs: "/docker/<id>" */
		if (i == 1 && eq(c[0].s, c[0].n, "docker") &&
		    is_hex64(k->s, k->n)) {
			out->runtime = NSIMA_RT_DOCKER;
			out->driver = NSIMA_DRIVER_CGROUPFS;
			copy(out->id, k->s, k->n);
			return true;
		}
		/* podman cgroupfs conmon: "/libpod_parent/conmon" */
		if (i == 1 && eq(c[0].s, c[0].n, "libpod_parent") &&
		    eq(k->s, k->n, "conmon")) {
			out->runtime = NSIMA_RT_PODMAN;
			out->driver = NSIMA_DRIVER_CGROUPFS;
			out->conmon = true;
			return true;
		}
		/* a bare id right under a pod: some CRI runtime's container */
		if (in_pod && i == pod + 1 && is_hex64(k->s, k->n)) {
			out->runtime = NSIMA_RT_CRI;
			out->driver = NSIMA_DRIVER_CGROUPFS;
			copy(out->id, k->s, k->n);
			return true;
		}
		if (in_pod && i > pod)
			break; /* something else under a pod: not ours */
	}
	return false;
refuse:
	out->runtime = NSIMA_RT_UNKNOWN;
	out->driver = NSIMA_DRIVER_UNKNOWN;
	out->conmon = false;
	out->id[0] = '\0';
	return false;
}

/* ---- cgroup id -> path ---- */

struct walk {
	uint64_t id;
	dev_t dev;
	size_t dirs;
	char *buf;
	size_t size;
	bool bounded; /* a bound was hit */
};

/*
 * Look under the directory @fd (its path, @len bytes, in w->buf; when
 * @over, it did not fit and only the search goes on) at @depth.
 * 1: found (w->buf holds it), 0: not here, <0: error. Closes @fd.
 */
static int walk_dir(struct walk *w, int fd, size_t len, unsigned int depth,
		    bool over)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		close(fd);
		return 0; /* vanished or unreadable: not here */
	}
	while (rc == 0 && (de = readdir(d))) {
		struct stat st;
		bool sub_over = over;
		size_t nl;
		int sub;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_dev != w->dev)
			continue;
		if (++w->dirs > NSIMA_CGROUP_DIRS_MAX) {
			w->bounded = true;
			rc = -1;
			break;
		}
		nl = strlen(de->d_name);
		if (over || len + 1 + nl + 1 > w->size) {
			sub_over = true;
		} else {
			w->buf[len] = '/';
			memcpy(w->buf + len + 1, de->d_name, nl + 1);
		}
		if ((uint64_t)st.st_ino == w->id) {
			rc = sub_over ? -2 : 1; /* -2: found, does not fit */
			break;
		}
		if (depth + 1 >= NSIMA_CGROUP_DEPTH_MAX) {
			w->bounded = true;
			continue;
		}
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		rc = walk_dir(w, sub, sub_over ? len : len + 1 + nl, depth + 1,
			      sub_over);
	}
	closedir(d);
	if (rc == 0 && !over)
		w->buf[len] = '\0';
	return rc;
}

int nsima_cgroup_path_by_id(const char *root, uint64_t cgroup_id, char *buf,
			    size_t size, struct nsima_err *err)
{
	struct walk w = { .id = cgroup_id, .buf = buf, .size = size };
	struct stat st;
	int fd, rc;

	if (!root || !buf || size < 2 || !cgroup_id) {
		if (buf && size)
			buf[0] = '\0';
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad argument");
	}
	buf[0] = '\0';
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s",
				     root, strerror(errno));
	if (fstat(fd, &st)) {
		close(fd);
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s",
				     root, strerror(errno));
	}
	if ((uint64_t)st.st_ino == cgroup_id) {
		close(fd);
		strcpy(buf, "/");
		return 0;
	}
	w.dev = st.st_dev;
	rc = walk_dir(&w, fd, 0, 0, false);
	if (rc == 1)
		return 0;
	buf[0] = '\0';
	if (rc == -2)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "cgroup %" PRIu64
				     ": path longer than %zu bytes",
				     cgroup_id, size - 1);
	if (w.bounded)
		return nsima_err_set(
			err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
			"cgroup %" PRIu64
			" not found within %d levels and %d directories",
			cgroup_id, NSIMA_CGROUP_DEPTH_MAX,
			NSIMA_CGROUP_DIRS_MAX);
	return NSIMA_LABEL_NOTFOUND;
}

/* ---- runtime state ---- */

/* JSON values in a state or config file (a config with a seccomp profile
 * holds some thousands) */
#define STATE_VALUES (1 << 16)
/* where runc and the kernel mount cgroup v2 (fs2/defaultpath.go) */
#define UNIFIED_MOUNT "/sys/fs/cgroup"

/*
 * Read @name under @dirfd: a regular file (no final symlink, no FIFO), at
 * most NSIMA_SMALL_FILE_MAX bytes. NSIMA_LABEL_NOTFOUND if it is absent.
 */
static int read_small(int dirfd, const char *name, char **buf, size_t *len,
		      struct nsima_err *err)
{
	struct stat st;
	size_t n = 0;
	char *p;
	int fd;

	fd = openat(dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return NSIMA_LABEL_NOTFOUND;
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s",
				     name, strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > NSIMA_SMALL_FILE_MAX) {
		close(fd);
		return nsima_err_set(
			err, NSIMA_EIO, NSIMA_AT_NONE, 0,
			"%s: not a regular file of at most %zu bytes", name,
			NSIMA_SMALL_FILE_MAX);
	}
	p = malloc(NSIMA_SMALL_FILE_MAX + 1);
	if (!p) {
		close(fd);
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	}
	for (;;) {
		ssize_t r = read(fd, p + n, NSIMA_SMALL_FILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(p);
			return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
					     "%s: %s", name, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > NSIMA_SMALL_FILE_MAX) {
			close(fd);
			free(p);
			return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
					     "%s: larger than %zu bytes", name,
					     NSIMA_SMALL_FILE_MAX);
		}
	}
	close(fd);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

static json_t *load_json(int dirfd, const char *name, int *rc,
			 struct nsima_err *err)
{
	struct nsima_err scan = { 0 };
	json_error_t jerr;
	json_t *root;
	size_t len = 0, end;
	char *buf = NULL;

	*rc = read_small(dirfd, name, &buf, &len, err);
	if (*rc)
		return NULL;
	if (nsima_json_scan((const uint8_t *)buf, len, STATE_VALUES, &end,
			    &scan)) {
		free(buf);
		*rc = nsima_err_set(err, NSIMA_EMALFORMED, scan.where, scan.pos,
				    "%s: %s", name, scan.msg);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		*rc = nsima_err_set(
			err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
			root ? 0 :
			       (uint64_t)(jerr.position > 0 ? jerr.position :
							      0),
			"%s: %s", name, root ? "not a JSON object" : jerr.text);
		return NULL;
	}
	*rc = 0;
	return root;
}

/* Annotation keys, in order of preference, for each field. */
static const char *const k_pod_name[] = {
	"io.kubernetes.pod.name", /* kubelet, cri-o */
	"io.kubernetes.cri.sandbox-name", /* containerd CRI */
	NULL,
};
static const char *const k_pod_ns[] = {
	"io.kubernetes.pod.namespace",
	"io.kubernetes.cri.sandbox-namespace",
	NULL,
};
static const char *const k_ctr_name[] = {
	"io.kubernetes.container.name",
	"io.kubernetes.cri.container-name",
	NULL,
};
static const char *const k_pod_uid[] = {
	"io.kubernetes.pod.uid",
	"io.kubernetes.cri.sandbox-uid",
	NULL,
};
static const char *const k_image[] = {
	"io.kubernetes.cri.image-name",
	"io.kubernetes.cri-o.ImageName",
	"org.opencontainers.image.ref.name",
	NULL,
};

static const struct ann_field {
	const char *const *keys;
	size_t off, max;
} ann_fields[] = {
#define OFF(f) offsetof(struct nsima_label, f)
#define MAX(f) (sizeof(((struct nsima_label *)0)->f) - 1)
	{ k_pod_name, OFF(pod_name), MAX(pod_name) },
	{ k_pod_ns, OFF(pod_namespace), MAX(pod_namespace) },
	{ k_ctr_name, OFF(container_name), MAX(container_name) },
	{ k_image, OFF(image), MAX(image) },
#undef MAX
#undef OFF
};

/* The pod UID of the state: kept only if it agrees with the cgroup's. */
static void state_pod_uid(struct nsima_label *l, const char *v, size_t n)
{
	char uid[NSIMA_LABEL_UID_MAX + 1];

	if (n > NSIMA_LABEL_UID_MAX || !is_printable(v, n)) {
		l->refused++;
		return;
	}
	copy(uid, v, n);
	if (!l->pod_uid[0]) {
		struct nsima_label tmp = { 0 };

		if (put_pod_uid(&tmp, v, n, false))
			memcpy(l->pod_uid, tmp.pod_uid, sizeof(l->pod_uid));
		else
			l->refused++;
	} else if (strcmp(uid, l->pod_uid)) {
		l->uid_conflict = true;
	}
}

/*
 * The annotations seen, the most preferred key's value for each field:
 * ann_fields[0..3], then the pod UID.
 */
#define ANN_UID 4
struct picks {
	const char *v[ANN_UID + 1];
	size_t n[ANN_UID + 1];
	unsigned int rank[ANN_UID + 1]; /* 1 + index of the key; 0: none */
};

static void pick(struct picks *pk, unsigned int f, const char *const *keys,
		 const char *key, const char *v, size_t n)
{
	unsigned int j;

	for (j = 0; keys[j]; j++)
		if (!strcmp(key, keys[j]) &&
		    (!pk->rank[f] || j + 1 < pk->rank[f])) {
			pk->rank[f] = j + 1;
			pk->v[f] = v;
			pk->n[f] = n;
		}
}

/* One annotation @key = @v (@n bytes). */
static void annotation(struct picks *pk, const char *key, const char *v,
		       size_t n)
{
	unsigned int f;

	for (f = 0; f < ANN_UID; f++)
		pick(pk, f, ann_fields[f].keys, key, v, n);
	pick(pk, ANN_UID, k_pod_uid, key, v, n);
}

static void apply(struct nsima_label *l, const struct picks *pk)
{
	unsigned int f;

	for (f = 0; f < ANN_UID; f++)
		if (pk->rank[f])
			put(l, (char *)l + ann_fields[f].off, ann_fields[f].max,
			    pk->v[f], pk->n[f]);
	if (pk->rank[ANN_UID])
		state_pod_uid(l, pk->v[ANN_UID], pk->n[ANN_UID]);
}

static void annotations_object(struct nsima_label *l, json_t *ann)
{
	struct picks pk = { 0 };
	const char *key;
	json_t *v;

	if (!json_is_object(ann))
		return;
	json_object_foreach(ann, key, v)
	{
		if (json_is_string(v))
			annotation(&pk, key, json_string_value(v),
				   json_string_length(v));
	}
	apply(l, &pk);
}

/* The "annotations" of an OCI config.json under @dirfd; absent is fine. */
static int config_annotations(struct nsima_label *l, int dirfd,
			      struct nsima_err *err)
{
	json_t *root;
	int rc;

	root = load_json(dirfd, "config.json", &rc, err);
	if (!root)
		return rc;
	annotations_object(l, json_object_get(root, "annotations"));
	json_decref(root);
	return 0;
}

static void put_state_cgroup(struct nsima_label *l, const char *s, size_t n)
{
	put(l, l->state_cgroup, NSIMA_LABEL_PATH_MAX, s, n);
}

static int crun_state(struct nsima_label *l, int iddir, json_t *st,
		      struct nsima_err *err)
{
	json_t *b = json_object_get(st, "bundle"),
	       *cg = json_object_get(st, "cgroup-path");
	int rc, bfd;

	if (json_is_string(b))
		put(l, l->bundle, NSIMA_LABEL_PATH_MAX, json_string_value(b),
		    json_string_length(b));
	if (json_is_string(cg))
		put_state_cgroup(l, json_string_value(cg),
				 json_string_length(cg));
	/* crun's own copy of config.json, else the bundle's */
	rc = config_annotations(l, iddir, err);
	if (rc != NSIMA_LABEL_NOTFOUND || !l->bundle[0] || l->bundle[0] != '/')
		return rc == NSIMA_LABEL_NOTFOUND ? 0 : rc;
	bfd = open(l->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return 0; /* the bundle is gone: the label is what we have */
	rc = config_annotations(l, bfd, err);
	close(bfd);
	return rc == NSIMA_LABEL_NOTFOUND ? 0 : rc;
}

static int runc_state(struct nsima_label *l, const char *id, json_t *st)
{
	json_t *cfg = json_object_get(st, "config"), *labels, *v, *paths;
	json_t *sid = json_object_get(st, "id");
	struct picks pk = { 0 };
	const char *bundle = NULL;
	size_t i, blen = 0;

	if (!json_is_string(sid) || strcmp(json_string_value(sid), id))
		return NSIMA_EMALFORMED;
	labels = json_object_get(cfg, "labels");
	json_array_foreach(labels, i, v)
	{
		const char *s = json_string_value(v), *eqs;
		char key[256];

		if (!s)
			continue;
		eqs = memchr(s, '=', json_string_length(v));
		if (!eqs || (size_t)(eqs - s) >= sizeof(key))
			continue;
		copy(key, s, (size_t)(eqs - s));
		/* runc appends "bundle=<cwd>" last: the last one is runc's */
		if (!strcmp(key, "bundle")) {
			bundle = eqs + 1;
			blen = json_string_length(v) - (size_t)(eqs + 1 - s);
			continue;
		}
		annotation(&pk, key, eqs + 1,
			   json_string_length(v) - (size_t)(eqs + 1 - s));
	}
	apply(l, &pk);
	if (bundle)
		put(l, l->bundle, NSIMA_LABEL_PATH_MAX, bundle, blen);
	paths = json_object_get(st, "cgroup_paths");
	v = json_object_get(paths, ""); /* cgroup v2: the unified path */
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), ml = strlen(UNIFIED_MOUNT);

		if (n > ml && !memcmp(s, UNIFIED_MOUNT, ml) && s[ml] == '/')
			put_state_cgroup(l, s + ml, n - ml);
		else if (n == ml && !memcmp(s, UNIFIED_MOUNT, ml))
			put_state_cgroup(l, "/", 1);
		else
			l->refused++;
	}
	return 0;
}

int nsima_label_runtime_state(const char *state_root, const char *id,
			      struct nsima_label *label, struct nsima_err *err)
{
	struct nsima_label tmp = *label, *out = &tmp; /* all or nothing */
	int rootfd, iddir, rc;
	json_t *st;

	if (!state_root || !id || !is_runtime_id(id, strlen(id)))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "not a container id");
	if (out->id[0] && strcmp(out->id, id))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "label is of container %s, not %s",
				     out->id, id);
	rootfd = open(state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s",
				     state_root, strerror(errno));
	iddir = openat(rootfd, id,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(rootfd);
	if (iddir < 0)
		return errno == ENOENT ?
			       NSIMA_LABEL_NOTFOUND :
			       nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
					     "%s/%s: %s", state_root, id,
					     strerror(errno));

	st = load_json(iddir, "status", &rc, err); /* crun */
	if (st) {
		rc = crun_state(out, iddir, st, err);
		json_decref(st);
		if (!rc && out->runtime == NSIMA_RT_UNKNOWN)
			out->runtime = NSIMA_RT_CRUN;
	} else if (rc == NSIMA_LABEL_NOTFOUND) {
		st = load_json(iddir, "state.json", &rc, err); /* runc */
		if (st) {
			rc = runc_state(out, id, st);
			json_decref(st);
			if (rc)
				rc = nsima_err_set(err, rc, NSIMA_AT_NONE, 0,
						   "state.json: not of %s", id);
			else if (out->runtime == NSIMA_RT_UNKNOWN)
				out->runtime = NSIMA_RT_RUNC;
		}
	}
	close(iddir);
	if (rc)
		return rc;
	out->from_state = true;
	if (!out->id[0])
		copy(out->id, id, strlen(id));
	*label = tmp;
	return 0;
}

/* @cg is @state or under it */
static bool under(const char *cg, const char *state)
{
	size_t n = strlen(state);

	if (!n || !strcmp(state, "/"))
		return false; /* the root holds everything: says nothing */
	return !strncmp(cg, state, n) && (cg[n] == '\0' || cg[n] == '/');
}

int nsima_label_state_scan(const char *state_root, const char *cgroup_path,
			   struct nsima_label *out, struct nsima_err *err)
{
	char best[NSIMA_LABEL_ID_MAX + 1] = "";
	size_t best_len = 0, seen = 0;
	bool tie = false;
	struct dirent *de;
	DIR *d;

	if (!state_root || !cgroup_path)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad argument");
	d = opendir(state_root);
	if (!d)
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s",
				     state_root, strerror(errno));
	while ((de = readdir(d)) && seen < NSIMA_STATE_SCAN_MAX) {
		struct nsima_label tmp;
		size_t sl;

		if (!is_runtime_id(de->d_name, strlen(de->d_name)))
			continue;
		seen++;
		memset(&tmp, 0, sizeof(tmp));
		if (nsima_label_runtime_state(state_root, de->d_name, &tmp,
					      NULL) ||
		    !under(cgroup_path, tmp.state_cgroup))
			continue;
		sl = strlen(tmp.state_cgroup);
		if (sl > best_len) {
			best_len = sl;
			strcpy(best, de->d_name);
			tie = false;
		} else if (sl == best_len) {
			tie = true; /* two containers, one cgroup */
		}
	}
	closedir(d);
	if (!best[0] || tie)
		return NSIMA_LABEL_NOTFOUND;
	if (out->id[0] && strcmp(out->id, best))
		return NSIMA_LABEL_NOTFOUND; /* the path says another */
	return nsima_label_runtime_state(state_root, best, out, err);
}

/* ---- output ---- */

/* A hex id shows as its first 12 digits; a name whole. */
static int short_id(const char *id, char *out, size_t size)
{
	size_t n = strlen(id);

	if (is_hex64(id, n))
		n = 12;
	return snprintf(out, size, "%.*s", (int)n, id);
}

ssize_t nsima_label_format(const struct nsima_label *l, char *buf, size_t size)
{
	char id[NSIMA_LABEL_ID_MAX + 1], rt[NSIMA_LABEL_ID_MAX + 64];
	const char *name = nsima_runtime_name(l->runtime);
	int n;

	short_id(l->id, id, sizeof(id));
	if (l->runtime == NSIMA_RT_UNKNOWN && !l->pod_uid[0]) {
		n = snprintf(buf, size, "unknown");
	} else if (l->pod_uid[0] || l->pod_name[0]) {
		/* k8s:<namespace>/<pod>/<container> (<runtime> <id>) */
		if (l->id[0])
			snprintf(rt, sizeof(rt), " (%s %s%s)", name, id,
				 l->conmon ? " conmon" : "");
		else
			rt[0] = '\0';
		if (l->pod_name[0] && !l->uid_conflict)
			n = snprintf(
				buf, size, "k8s:%s/%s/%s%s",
				l->pod_namespace[0] ? l->pod_namespace : "?",
				l->pod_name,
				l->container_name[0] ? l->container_name : "?",
				rt);
		else if (l->pod_uid[0] && !l->uid_conflict)
			n = snprintf(buf, size, "k8s:pod=%s%s", l->pod_uid, rt);
		else
			n = snprintf(buf, size, "k8s:?%s", rt);
	} else {
		n = snprintf(buf, size, "%s:%s%s%s", name, l->id[0] ? id : "?",
			     l->conmon ? " (conmon)" : "",
			     l->rootless ? " (rootless)" : "");
	}
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return NSIMA_EINVAL;
	}
	return n;
}

static int set_str(json_t *o, const char *key, const char *v)
{
	return v[0] ? json_object_set_new(o, key, json_string(v)) : 0;
}

json_t *nsima_label_json(const struct nsima_label *l)
{
	json_t *o = json_object();
	char text[NSIMA_LABEL_FORMAT_MAX];
	int rc = 0;

	if (!o)
		return NULL;
	rc |= json_object_set_new(o, "runtime",
				  json_string(nsima_runtime_name(l->runtime)));
	rc |= set_str(o, "id", l->id);
	if (l->driver != NSIMA_DRIVER_UNKNOWN)
		rc |= json_object_set_new(
			o, "driver",
			json_string(l->driver == NSIMA_DRIVER_SYSTEMD ?
					    "systemd" :
					    "cgroupfs"));
	if (l->conmon)
		rc |= json_object_set_new(o, "conmon", json_true());
	if (l->rootless)
		rc |= json_object_set_new(o, "user_uid",
					  json_integer(l->user_uid));
	if (l->pod_uid[0] || l->pod_name[0]) {
		json_t *k = json_object();

		rc |= json_object_set_new(o, "kubernetes", k);
		if (!k)
			rc = -1;
		else {
			rc |= set_str(k, "pod_uid", l->pod_uid);
			rc |= set_str(k, "qos", nsima_qos_name(l->qos));
			rc |= set_str(k, "namespace", l->pod_namespace);
			rc |= set_str(k, "pod", l->pod_name);
			rc |= set_str(k, "container", l->container_name);
			if (l->uid_conflict)
				rc |= json_object_set_new(k, "uid_conflict",
							  json_true());
		}
	}
	rc |= set_str(o, "image", l->image);
	rc |= set_str(o, "bundle", l->bundle);
	rc |= set_str(o, "cgroup", l->cgroup);
	rc |= set_str(o, "state_cgroup", l->state_cgroup);
	if (l->refused)
		rc |= json_object_set_new(o, "refused",
					  json_integer(l->refused));
	if (nsima_label_format(l, text, sizeof(text)) >= 0)
		rc |= set_str(o, "text", text);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- all of it ---- */

const char *const nsima_label_state_roots[] = {
	"/run/crun", /* crun src/libcrun/status.c */
	"/run/runc", /* runc main.go */
	"/run/containerd/runc/k8s.io", /* containerd runc shim: <root>/<ns> */
	"/run/containerd/runc/default",
	"/run/docker/runtime-runc/moby", /* dockerd's containerd shim */
	NULL,
};

int nsima_label_namespace(const struct nsima_ns_info *info,
			  const char *cgroup_root,
			  const char *const *state_roots,
			  struct nsima_label *out, struct nsima_err *err)
{
	char path[NSIMA_LABEL_PATH_MAX + 1];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!info || !cgroup_root)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad argument");
	if (!(info->have & NSIMA_INFO_CGROUP_ID) || !info->cgroup_id)
		return 0; /* a kernel worker's record: no cgroup */
	rc = nsima_cgroup_path_by_id(cgroup_root, info->cgroup_id, path,
				     sizeof(path), err);
	if (rc == NSIMA_LABEL_NOTFOUND || rc == NSIMA_EINVAL)
		return 0; /* gone, or a path too long to be one of ours */
	if (rc)
		return rc;
	nsima_label_from_cgroup(path, out);
	put(out, out->cgroup, NSIMA_LABEL_PATH_MAX, path, strlen(path));
	for (i = 0; state_roots && state_roots[i]; i++) {
		struct nsima_label l = *out;

		if (out->id[0] ? nsima_label_runtime_state(state_roots[i],
							   out->id, &l, NULL) :
				 nsima_label_state_scan(state_roots[i], path,
							&l, NULL))
			continue;
		/* a state whose cgroup is elsewhere is not this container's
		 * (conmon's cgroup is beside its container's, not in it) */
		if (!out->conmon && l.state_cgroup[0] &&
		    !under(path, l.state_cgroup))
			continue;
		*out = l;
		break;
	}
	return 0;
}
