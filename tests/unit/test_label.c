// SPDX-License-Identifier: GPL-2.0
/*
 * lib/label.c: the module's ns/<nsid>/info file, cgroup path -> runtime
 * and container, cgroup id -> path, the runtimes' state directories and
 * the printed label.
 *
 * The cgroup paths are the runtimes' own: taken from their docs and tests
 * where they print one, else built by hand from the naming code cited in
 * lib/label.c (the source is noted beside each).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "label.h"

#define ID1 "3f2a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
#define ID2 "fa7f0ec4fbcbb70c69565a5b2d269926e04ec5601dff59235199d6e60198e95c"
#define ID3 "1207db63eaeb133a85d2b614d12d95d4dff3f29af60d7a7b3c7d39abdf4bd119"
#define CHAIN "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/* ---- ns/<nsid>/info ---- */

/* what nsima_info_show() prints (kmod/nsima_fs.c), key for key */
static const char info_full[] = "nsid: 4026532999\n"
				"parent_nsid: 0\n"
				"cgroup_id: 4294967302\n"
				"creator_pid: 1234\n"
				"creator_comm: crun\n"
				"entries: 17\n"
				"entries_total: 20\n"
				"violations: 1\n"
				"quota_dropped: 0\n"
				"cache_entries: 5\n"
				"state_count: 3\n"
				"state_chain: " CHAIN "\n";

static void test_info_good(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_ns_info in;

	(void)state;
	assert_int_equal(nsima_ns_info_parse(info_full, strlen(info_full), &in,
					     &err),
			 0);
	assert_int_equal(in.have, (1u << 12) - 1);
	assert_true(in.nsid == 4026532999ULL);
	assert_true(in.parent_nsid == 0);
	assert_true(in.cgroup_id == 4294967302ULL);
	assert_int_equal(in.creator_pid, 1234);
	assert_string_equal(in.creator_comm, "crun");
	assert_int_equal(in.entries, 17);
	assert_int_equal(in.entries_total, 20);
	assert_int_equal(in.violations, 1);
	assert_int_equal(in.quota_dropped, 0);
	assert_int_equal(in.cache_entries, 5);
	assert_int_equal(in.state_count, 3);
	assert_int_equal(in.state_chain[0], 0x00);
	assert_int_equal(in.state_chain[1], 0x11);
	assert_int_equal(in.state_chain[31], 0xff);
	assert_false(in.state_broken);
}

static void test_info_variants(void **state)
{
	/* a kernel worker's record: pid 0, empty comm, parent unknown */
	static const char kthread[] = "nsid: 4026532001\n"
				      "parent_nsid: 4294967296\n"
				      "cgroup_id: 0\n"
				      "creator_pid: 0\n"
				      "creator_comm: \n"
				      "state_count: 0\n"
				      "state_chain: " CHAIN " (broken)\n";
	/* odd comm bytes are kept, escaped; unknown keys skipped */
	static const char odd[] = "nsid: 1\n"
				  "new_key: anything: at all \x01\n"
				  "parent_nsid: 18446744073709551615\n"
				  "cgroup_id: 1\n"
				  "creator_pid: 2147483647\n"
				  "creator_comm: a b\\c\x1b[1m:\xff\n"
				  "entries: -3\n";
	struct nsima_err err = { 0 };
	struct nsima_ns_info in;

	(void)state;
	assert_int_equal(
		nsima_ns_info_parse(kthread, strlen(kthread), &in, &err), 0);
	assert_true(in.parent_nsid == 1ULL << 32);
	assert_true(in.cgroup_id == 0);
	assert_string_equal(in.creator_comm, "");
	assert_true(in.state_broken);
	assert_false(in.have & NSIMA_INFO_ENTRIES);

	assert_int_equal(nsima_ns_info_parse(odd, strlen(odd), &in, &err), 0);
	assert_true(in.parent_nsid == UINT64_MAX);
	assert_int_equal(in.creator_pid, 2147483647);
	assert_string_equal(in.creator_comm, "a\\x20b\\x5cc\\x1b[1m:\\xff");
	assert_int_equal(in.entries, -3);
}

struct bad_info {
	const char *text;
	unsigned int line;
	const char *msg;
};

#define REQ "parent_nsid: 0\ncgroup_id: 1\ncreator_pid: 1\ncreator_comm: x\n"

static void test_info_malformed(void **state)
{
	static const struct bad_info bad[] = {
		{ "nsid: 1\nnsid: 1\n" REQ, 2, "duplicate key nsid" },
		{ "nsid: 1\n" REQ "creator_pid: 2\n", 6,
		  "duplicate key creator_pid" },
		/* a comm with a newline cannot smuggle a key in: duplicate */
		{ "nsid: 1\n" REQ "entries: 1\nentries: 2\n", 7,
		  "duplicate key entries" },
		{ "nsid: 1\nparent_nsid: 0\ncgroup_id: 1\ncreator_pid: 1\n"
		  "creator_comm: a\nb\n",
		  6, "not \"<key>: <value>\"" },
		{ "nsid: 1\n" REQ "entries: 1", 6,
		  "line does not end in a newline" },
		{ "nsid: -1\n" REQ, 1, "bad value for nsid" },
		{ "nsid: +1\n" REQ, 1, "bad value for nsid" },
		{ "nsid: 01\n" REQ, 1, "bad value for nsid" },
		{ "nsid: 1x\n" REQ, 1, "bad value for nsid" },
		{ "nsid: \n" REQ, 1, "bad value for nsid" },
		{ "nsid:  1\n" REQ, 1, "bad value for nsid" },
		{ "nsid: 1 \n" REQ, 1, "bad value for nsid" },
		{ "nsid: 18446744073709551616\n" REQ, 1, "bad value for nsid" },
		{ "nsid: 1\n" REQ "entries: -0\n", 6, "bad value for entries" },
		{ "nsid: 1\n" REQ "entries: 9223372036854775808\n", 6,
		  "bad value for entries" },
		{ "nsid: 1\nparent_nsid: 0\ncgroup_id: 1\ncreator_pid: 2147483648\n",
		  4, "bad value for creator_pid" },
		{ "nsid: 1\nparent_nsid: 0\ncgroup_id: 1\ncreator_pid: -2147483649\n",
		  4, "bad value for creator_pid" },
		{ "nsid: 1\n" REQ "creator_comm: 0123456789abcdef\n", 6,
		  "duplicate key creator_comm" },
		{ "nsid: 1\nparent_nsid: 0\ncgroup_id: 1\ncreator_pid: 1\n"
		  "creator_comm: 0123456789abcdef\n",
		  5, "bad value for creator_comm" },
		{ "nsid: 1\n" REQ "state_chain: " CHAIN "0\n", 6,
		  "bad value for state_chain" },
		{ "nsid: 1\n" REQ "state_chain: " CHAIN " (Broken)\n", 6,
		  "bad value for state_chain" },
		{ "nsid: 1\n" REQ
		  "state_chain: 0011223344556677889900AABBCCDDEEFF"
		  "112233445566778899aabbccddeeff\n",
		  6, "bad value for state_chain" },
		{ "nsid 1\n" REQ, 1, "not \"<key>: <value>\"" },
		{ "nsid:1\n" REQ, 1, "not \"<key>: <value>\"" },
		{ "NSID: 1\n" REQ, 1, "not \"<key>: <value>\"" },
		{ ": 1\n" REQ, 1, "not \"<key>: <value>\"" },
		{ "\n", 1, "not \"<key>: <value>\"" },
		{ "", 1, "no nsid" },
		{ REQ, 5, "no nsid" },
		{ "nsid: 1\nparent_nsid: 0\ncgroup_id: 1\ncreator_pid: 1\n", 5,
		  "no creator_comm" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nsima_err err = { 0 };
		struct nsima_ns_info in;

		print_message("bad info %zu\n", i);
		assert_int_equal(nsima_ns_info_parse(bad[i].text,
						     strlen(bad[i].text), &in,
						     &err),
				 NSIMA_EMALFORMED);
		assert_int_equal(err.code, NSIMA_EMALFORMED);
		assert_int_equal(err.where, NSIMA_AT_LINE);
		assert_int_equal(err.pos, bad[i].line);
		assert_string_equal(err.msg, bad[i].msg);
	}
	/* a NUL inside a line is just a byte of an unknown key's value */
	{
		static const char nul[] = "nsid: 1\nx: a\0b\n" REQ;
		struct nsima_ns_info in;

		assert_int_equal(nsima_ns_info_parse(nul, sizeof(nul) - 1, &in,
						     NULL),
				 0);
		assert_int_equal(nsima_ns_info_parse("nsid: 1\0\n" REQ,
						     9 + strlen(REQ), &in,
						     NULL),
				 NSIMA_EMALFORMED);
	}
}

/* ---- cgroup paths ---- */

struct cg_case {
	const char *path;
	enum nsima_runtime rt;
	const char *id;
	enum nsima_cg_driver driver;
	bool conmon;
	enum nsima_qos qos;
	const char *pod_uid;
	int uid; /* rootless user, -1: none */
	const char *text; /* nsima_label_format() */
};

#define SD NSIMA_DRIVER_SYSTEMD
#define FS NSIMA_DRIVER_CGROUPFS
#define UID_D "05b3ee07-a2bd-47e7-9599-7961201f20dd"
#define UID_U "05b3ee07_a2bd_47e7_9599_7961201f20dd"

static const struct cg_case cg_cases[] = {
	/* crun --systemd-cgroup, no cgroupsPath: crun-<id>.scope, processes in
	 * "container" (libcrun/cgroup-systemd.c; tests/test_start.py uses
	 * cgroupsPath ":crun:NNNNN" -> crun-NNNNN.scope) */
	{ "/system.slice/crun-mycontainer.scope/container", NSIMA_RT_CRUN,
	  "mycontainer", SD, false, 0, "", -1, "crun:mycontainer" },
	{ "/system.slice/crun-12345.scope", NSIMA_RT_CRUN, "12345", SD, false,
	  0, "", -1, "crun:12345" },
	/* rootless crun: user.slice under the user's manager */
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/crun-" ID1
	  ".scope/container",
	  NSIMA_RT_CRUN, ID1, SD, false, 0, "", 1000,
	  "crun:3f2a1b2c3d4e (rootless)" },
	/* runc --systemd-cgroup: runc-<id>.scope (runc docs/systemd.md); the
	 * rootless example of runc docs/cgroup-v2.md */
	{ "/system.slice/runc-foo.scope", NSIMA_RT_RUNC, "foo", SD, false, 0,
	  "", -1, "runc:foo" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/runc-foo.scope",
	  NSIMA_RT_RUNC, "foo", SD, false, 0, "", 1000, "runc:foo (rootless)" },
	/* docker, systemd and cgroupfs (moby daemon/oci_linux.go); the first
	 * as read from a node's /proc/<pid>/cgroup */
	{ "/system.slice/docker-" ID2 ".scope", NSIMA_RT_DOCKER, ID2, SD, false,
	  0, "", -1, "docker:fa7f0ec4fbcb" },
	{ "/docker/" ID2, NSIMA_RT_DOCKER, ID2, FS, false, 0, "", -1,
	  "docker:fa7f0ec4fbcb" },
	/* rootless docker (dockerd-rootless: user.slice, systemd driver) */
	{ "/user.slice/user-1001.slice/user@1001.service/user.slice/docker-" ID2
	  ".scope",
	  NSIMA_RT_DOCKER, ID2, SD, false, 0, "", 1001,
	  "docker:fa7f0ec4fbcb (rootless)" },
	/* podman (libpod): machine.slice/libpod-<id>.scope, crun's
	 * "container" below it, conmon beside it; cgroupfs libpod_parent */
	{ "/machine.slice/libpod-" ID1 ".scope/container", NSIMA_RT_PODMAN, ID1,
	  SD, false, 0, "", -1, "podman:3f2a1b2c3d4e" },
	{ "/machine.slice/libpod-conmon-" ID1 ".scope", NSIMA_RT_PODMAN, ID1,
	  SD, true, 0, "", -1, "podman:3f2a1b2c3d4e (conmon)" },
	{ "/machine.slice/machine-libpod_pod_" ID2 ".slice/libpod-" ID1
	  ".scope/container",
	  NSIMA_RT_PODMAN, ID1, SD, false, 0, "", -1, "podman:3f2a1b2c3d4e" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID1
	  ".scope/container",
	  NSIMA_RT_PODMAN, ID1, SD, false, 0, "", 1000,
	  "podman:3f2a1b2c3d4e (rootless)" },
	{ "/libpod_parent/libpod-" ID1, NSIMA_RT_PODMAN, ID1, FS, false, 0, "",
	  -1, "podman:3f2a1b2c3d4e" },
	{ "/libpod_parent/conmon", NSIMA_RT_PODMAN, "", FS, true, 0, "", -1,
	  "podman:? (conmon)" },
	/* containerd CRI + kubelet, systemd: the kubelet's own example
	 * (cgroup_manager_linux.go ToSystemd() comment) and a kind node's
	 * --cgroup-root=/kubelet */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_U
	  ".slice/cri-containerd-" ID3 ".scope",
	  NSIMA_RT_CONTAINERD, ID3, SD, false, NSIMA_QOS_BURSTABLE, UID_D, -1,
	  "k8s:pod=" UID_D " (containerd 1207db63eaeb)" },
	{ "/kubepods.slice/kubepods-pod" UID_U ".slice/cri-containerd-" ID3
	  ".scope",
	  NSIMA_RT_CONTAINERD, ID3, SD, false, NSIMA_QOS_GUARANTEED, UID_D, -1,
	  "k8s:pod=" UID_D " (containerd 1207db63eaeb)" },
	{ "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	  "kubelet-kubepods-besteffort-pod26a1a59b_8013_459b_9a20_a611facb1888"
	  ".slice/cri-containerd-" ID3 ".scope",
	  NSIMA_RT_CONTAINERD, ID3, SD, false, NSIMA_QOS_BESTEFFORT,
	  "26a1a59b-8013-459b-9a20-a611facb1888", -1,
	  "k8s:pod=26a1a59b-8013-459b-9a20-a611facb1888 (containerd 1207db63eaeb)" },
	/* kubelet cgroupfs: /kubepods/<qos>/pod<uid>/<id> (ToCgroupfs()) */
	{ "/kubepods/besteffort/pod" UID_D "/" ID3, NSIMA_RT_CRI, ID3, FS,
	  false, NSIMA_QOS_BESTEFFORT, UID_D, -1,
	  "k8s:pod=" UID_D " (cri 1207db63eaeb)" },
	{ "/kubepods/pod" UID_D "/" ID3, NSIMA_RT_CRI, ID3, FS, false,
	  NSIMA_QOS_GUARANTEED, UID_D, -1,
	  "k8s:pod=" UID_D " (cri 1207db63eaeb)" },
	/* cri-o systemd: crio-<id>.scope (crun puts the processes in
	 * "container"), conmon in crio-conmon-<id>.scope
	 * (internal/config/cgmgr/systemd_linux.go) */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
	  ".slice/crio-" ID1 ".scope/container",
	  NSIMA_RT_CRIO, ID1, SD, false, NSIMA_QOS_BESTEFFORT, UID_D, -1,
	  "k8s:pod=" UID_D " (cri-o 3f2a1b2c3d4e)" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
	  ".slice/crio-conmon-" ID1 ".scope",
	  NSIMA_RT_CRIO, ID1, SD, true, NSIMA_QOS_BESTEFFORT, UID_D, -1,
	  "k8s:pod=" UID_D " (cri-o 3f2a1b2c3d4e conmon)" },
	/* cri-o cgroupfs (cgroupfs_linux.go): <parent>/crio-<id>, default
	 * parent /crio; conmon in <parent>/crio-conmon-<id> */
	{ "/kubepods/burstable/pod" UID_D "/crio-" ID1, NSIMA_RT_CRIO, ID1, FS,
	  false, NSIMA_QOS_BURSTABLE, UID_D, -1,
	  "k8s:pod=" UID_D " (cri-o 3f2a1b2c3d4e)" },
	{ "/kubepods/burstable/pod" UID_D "/crio-conmon-" ID1, NSIMA_RT_CRIO,
	  ID1, FS, true, NSIMA_QOS_BURSTABLE, UID_D, -1,
	  "k8s:pod=" UID_D " (cri-o 3f2a1b2c3d4e conmon)" },
	{ "/crio/crio-" ID1, NSIMA_RT_CRIO, ID1, FS, false, 0, "", -1,
	  "cri-o:3f2a1b2c3d4e" },
	/* docker under kubelet (cri-dockerd, systemd): as read on a node */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poddc380811_8168_4a9e_9b4a_56ded1b6fe9c.slice/docker-" ID2
	  ".scope",
	  NSIMA_RT_DOCKER, ID2, SD, false, NSIMA_QOS_BESTEFFORT,
	  "dc380811-8168-4a9e-9b4a-56ded1b6fe9c", -1,
	  "k8s:pod=dc380811-8168-4a9e-9b4a-56ded1b6fe9c (docker fa7f0ec4fbcb)" },
	/* a trailing '/' is tolerated */
	{ "/docker/" ID2 "/", NSIMA_RT_DOCKER, ID2, FS, false, 0, "", -1,
	  "docker:fa7f0ec4fbcb" },
	/* the outermost name decides: a container's own sub-cgroups are its
	 * own invention (here one naming a docker container) */
	{ "/machine.slice/libpod-" ID1 ".scope/container/docker-" ID2 ".scope",
	  NSIMA_RT_PODMAN, ID1, SD, false, 0, "", -1, "podman:3f2a1b2c3d4e" },
	{ "/docker/" ID2 "/docker/" ID1, NSIMA_RT_DOCKER, ID2, FS, false, 0, "",
	  -1, "docker:fa7f0ec4fbcb" },
	/* a pod slice alone: pod known, no container */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_U
	  ".slice",
	  NSIMA_RT_UNKNOWN, "", 0, false, NSIMA_QOS_BURSTABLE, UID_D, -1,
	  "k8s:pod=" UID_D },
	/* under a pod, an unknown name: not a container, nor what is below */
	{ "/kubepods.slice/kubepods-pod" UID_U ".slice/foo.scope/docker-" ID2
	  ".scope",
	  NSIMA_RT_UNKNOWN, "", 0, false, NSIMA_QOS_GUARANTEED, UID_D, -1,
	  "k8s:pod=" UID_D },
	{ "/kubepods/burstable/pod" UID_D "/something/" ID3, NSIMA_RT_UNKNOWN,
	  "", 0, false, NSIMA_QOS_BURSTABLE, UID_D, -1, "k8s:pod=" UID_D },
};

static void check_case(const struct cg_case *c)
{
	struct nsima_label l;
	char text[NSIMA_LABEL_FORMAT_MAX];
	bool found;

	print_message("cgroup %s\n", c->path);
	found = nsima_label_from_cgroup(c->path, &l);
	assert_int_equal(found, c->rt != NSIMA_RT_UNKNOWN);
	assert_int_equal(l.runtime, c->rt);
	assert_string_equal(l.id, c->id);
	assert_int_equal(l.driver, c->driver);
	assert_int_equal(l.conmon, c->conmon);
	assert_int_equal(l.qos, c->qos);
	assert_string_equal(l.pod_uid, c->pod_uid);
	assert_int_equal(l.rootless, c->uid >= 0);
	if (c->uid >= 0)
		assert_int_equal(l.user_uid, c->uid);
	assert_int_equal(nsima_label_format(&l, text, sizeof(text)),
			 strlen(c->text));
	assert_string_equal(text, c->text);
}

static void test_cgroup_runtimes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cg_cases) / sizeof(cg_cases[0]); i++)
		check_case(&cg_cases[i]);
}

static void test_cgroup_unknown(void **state)
{
	static const char *const unknown[] = {
		"/",
		"",
		"docker/" ID2, /* not from the root */
		"/init.scope",
		"/system.slice/sshd.service",
		"/user.slice/user-1000.slice/session-3.scope",
		"/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
		/* crun and runc cgroupfs defaults: "/<id>", no marker */
		"/mycontainer",
		"/" ID1,
		"/system.slice/" ID1,
		"/default/" ID1, /* ctr: /<namespace>/<id> */
		/* a runtime's prefix but no valid id: refused, not guessed */
		"/docker/" ID2 "0",
		"/docker/3F2A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8",
		"/system.slice/docker-" ID2 "0.scope",
		"/system.slice/docker-abc.scope",
		"/system.slice/docker-.scope",
		"/system.slice/crun-.scope",
		"/system.slice/crun-.hidden.scope",
		"/system.slice/crun-a b.scope",
		"/system.slice/crun-a\nb.scope",
		"/system.slice/crun-a\x1b[31mb.scope",
		"/system.slice/runc-a/b.scope",
		"/system.slice/crun-\xc3\xa9.scope",
		"/machine.slice/libpod-" ID1 "\n.scope",
		/* a refused name stops the walk: nothing below it is believed */
		"/system.slice/docker-bad.scope/docker-" ID2 ".scope",
		/* not what the kernel writes */
		"//docker/" ID2,
		"/docker//" ID2,
		"/./docker/" ID2,
		"/docker/../docker/" ID2,
		/* docker's cgroupfs parent only at the top */
		"/x/docker/" ID2,
	};
	struct nsima_label l;
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		print_message("unknown %zu\n", i);
		assert_false(nsima_label_from_cgroup(unknown[i], &l));
		assert_int_equal(l.runtime, NSIMA_RT_UNKNOWN);
		assert_string_equal(l.id, "");
		assert_false(l.conmon);
		assert_int_equal(nsima_label_format(&l, text, sizeof(text)), 7);
		assert_string_equal(text, "unknown");
	}
	assert_false(nsima_label_from_cgroup(NULL, &l));
}

static void test_cgroup_bounds(void **state)
{
	char *p = malloc(8192);
	struct nsima_label l;
	size_t i, n;

	(void)state;
	assert_non_null(p);
	/* 63 levels and the docker scope: found; one level more: refused */
	for (n = 0, i = 0; i < 63; i++)
		n += (size_t)sprintf(p + n, "/a");
	sprintf(p + n, "/docker-" ID2 ".scope");
	assert_true(nsima_label_from_cgroup(p, &l));
	assert_string_equal(l.id, ID2);
	memmove(p + 2, p, strlen(p) + 1);
	memcpy(p, "/a", 2);
	assert_false(nsima_label_from_cgroup(p, &l));
	/* longer than 4096 bytes: refused */
	memset(p, 'a', 8191);
	p[0] = '/';
	p[8191] = '\0';
	memcpy(p + 8191 - 72, "/docker-" ID2 ".scope", 72);
	assert_false(nsima_label_from_cgroup(p, &l));
	/* a pod UID too long, or with a '-' in its systemd form */
	assert_true(
		nsima_label_from_cgroup("/kubepods.slice/kubepods-pod" ID1 ID1
					".slice/cri-containerd-" ID3 ".scope",
					&l));
	assert_true(l.runtime == NSIMA_RT_CONTAINERD && !l.pod_uid[0]);
	/* a user@ that is not a uid */
	assert_true(nsima_label_from_cgroup(
		"/user.slice/user@x.service/user.slice/runc-foo.scope", &l));
	assert_false(l.rootless);
	assert_true(nsima_label_from_cgroup(
		"/user.slice/user@4294967296.service/runc-foo.scope", &l));
	assert_false(l.rootless);
	free(p);
}

/* ---- the printed and the JSON label ---- */

static void test_format(void **state)
{
	struct nsima_label l;
	char buf[NSIMA_LABEL_FORMAT_MAX], *s;
	json_t *j;

	(void)state;
	assert_true(nsima_label_from_cgroup(
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_U
		".slice/cri-containerd-" ID3 ".scope",
		&l));
	strcpy(l.pod_namespace, "default");
	strcpy(l.pod_name, "nginx-5d9c");
	strcpy(l.container_name, "nginx");
	strcpy(l.image, "docker.io/library/nginx:1.25");
	assert_int_equal(
		nsima_label_format(&l, buf, sizeof(buf)),
		strlen("k8s:default/nginx-5d9c/nginx (containerd 1207db63eaeb)"));
	assert_string_equal(
		buf, "k8s:default/nginx-5d9c/nginx (containerd 1207db63eaeb)");
	/* exactly its length and a NUL fit; one less is refused, not cut */
	assert_int_equal(nsima_label_format(&l, buf, 55), 54);
	assert_int_equal(nsima_label_format(&l, buf, 54), NSIMA_EINVAL);
	assert_string_equal(buf, "");

	j = nsima_label_json(&l);
	assert_non_null(j);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(s);
	assert_string_equal(
		s,
		"{\"driver\":\"systemd\",\"id\":\"" ID3 "\","
		"\"image\":\"docker.io/library/nginx:1.25\","
		"\"kubernetes\":{\"container\":\"nginx\",\"namespace\":\"default\","
		"\"pod\":\"nginx-5d9c\",\"pod_uid\":\"" UID_D
		"\",\"qos\":\"burstable\"},"
		"\"runtime\":\"containerd\","
		"\"text\":\"k8s:default/nginx-5d9c/nginx (containerd 1207db63eaeb)\"}");
	free(s);
	json_decref(j);

	/* a differing pod UID in the state: no pod shown */
	l.uid_conflict = true;
	assert_true(nsima_label_format(&l, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "k8s:? (containerd 1207db63eaeb)");

	nsima_label_from_cgroup("/", &l);
	j = nsima_label_json(&l);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s,
			    "{\"runtime\":\"unknown\",\"text\":\"unknown\"}");
	free(s);
	json_decref(j);
	assert_string_equal(nsima_runtime_name((enum nsima_runtime)99),
			    "unknown");
}

/* ---- cgroup id -> path ---- */

static char tmpl_root[64];

static void mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", tmpl_root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

static uint64_t ino(const char *rel)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", tmpl_root, rel);
	assert_int_equal(lstat(p, &st), 0);
	return (uint64_t)st.st_ino;
}

static void rm_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_path_by_id(void **state)
{
	struct nsima_err err = { 0 };
	char buf[256], p[512], outside[64] = "/tmp/nsima-label-outXXXXXX";
	char deep[1024];
	size_t i, n;

	(void)state;
	strcpy(tmpl_root, "/tmp/nsima-label-cgXXXXXX");
	assert_non_null(mkdtemp(tmpl_root));
	mk("/system.slice");
	mk("/system.slice/docker-" ID2 ".scope");
	mk("/machine.slice");
	mk("/machine.slice/libpod-" ID1 ".scope");
	mk("/machine.slice/libpod-" ID1 ".scope/container");
	mk("/odd\nname");

	assert_int_equal(
		nsima_cgroup_path_by_id(tmpl_root,
					ino("/machine.slice/libpod-" ID1
					    ".scope/container"),
					buf, sizeof(buf), &err),
		0);
	assert_string_equal(buf,
			    "/machine.slice/libpod-" ID1 ".scope/container");
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root,
						 ino("/system.slice/docker-" ID2
						     ".scope"),
						 buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/system.slice/docker-" ID2 ".scope");
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, ino(""), buf,
						 sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/");
	/* a name with a newline is found (and then refused by the labeller) */
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, ino("/odd\nname"),
						 buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/odd\nname");

	/* too small for the path: refused, buffer empty */
	assert_int_equal(
		nsima_cgroup_path_by_id(tmpl_root,
					ino("/machine.slice/libpod-" ID1
					    ".scope/container"),
					buf, 40, &err),
		NSIMA_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, 0, buf, sizeof(buf),
						 &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_cgroup_path_by_id("/nonexistent-nsima", 1, buf,
						 sizeof(buf), &err),
			 NSIMA_EIO);

	/* a directory reached only through a symlink is not found */
	assert_non_null(mkdtemp(outside));
	snprintf(p, sizeof(p), "%s/link", tmpl_root);
	assert_int_equal(symlink(outside, p), 0);
	{
		struct stat st;

		assert_int_equal(stat(outside, &st), 0);
		assert_int_equal(
			nsima_cgroup_path_by_id(tmpl_root, (uint64_t)st.st_ino,
						buf, sizeof(buf), &err),
			NSIMA_LABEL_NOTFOUND);
		assert_string_equal(buf, "");
	}
	/* nor is a symlink's own inode */
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, ino("/link"), buf,
						 sizeof(buf), &err),
			 NSIMA_LABEL_NOTFOUND);

	/* deeper than NSIMA_CGROUP_DEPTH_MAX: the bound is reported */
	for (n = 0, i = 0; i < NSIMA_CGROUP_DEPTH_MAX + 2; i++) {
		n += (size_t)sprintf(deep + n, "/d");
		mk(deep);
	}
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, ino(deep), buf,
						 sizeof(buf), &err),
			 NSIMA_EUNSUPPORTED);
	/* what is within it is still found */
	deep[2 * (NSIMA_CGROUP_DEPTH_MAX - 1)] = '\0';
	assert_int_equal(nsima_cgroup_path_by_id(tmpl_root, ino(deep), buf,
						 sizeof(buf), &err),
			 0);
	assert_string_equal(buf, deep);

	rm_tree(outside);
	rm_tree(tmpl_root);
}

/* ---- runtime state ---- */

static void write_at(const char *dir, const char *rel, const char *text)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void mkdir_at(const char *dir, const char *rel)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

/*
 * crun's status file as libcrun_write_container_status() writes it
 * (json_gen_beautify; keys in its order).
 */
static void crun_status(const char *root, const char *id, const char *bundle,
			const char *cgroup, const char *scope)
{
	char rel[300], text[2048];

	snprintf(rel, sizeof(rel), "%s/status", id);
	snprintf(
		text, sizeof(text),
		"{\n"
		"    \"pid\": 4242,\n"
		"    \"process-start-time\": 123456,\n"
		"    \"cgroup-path\": \"%s\",\n"
		"    \"scope\": \"%s\",\n"
		"    \"rootfs\": \"%s/rootfs\",\n"
		"    \"systemd-cgroup\": %s,\n"
		"    \"bundle\": \"%s\",\n"
		"    \"created\": \"2026-11-27T22:00:00.000000000Z\",\n"
		"    \"detached\": true,\n"
		"    \"external_descriptors\": \"[\\\"/dev/null\\\",\\\"pipe:[1]\\\",\\\"pipe:[2]\\\"]\"\n"
		"}",
		cgroup, scope, bundle, scope[0] ? "true" : "false", bundle);
	write_at(root, rel, text);
}

static const char oci_config[] =
	"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]},"
	"\"root\":{\"path\":\"rootfs\"},"
	"\"annotations\":{"
	"\"io.kubernetes.cri.container-type\":\"container\","
	"\"io.kubernetes.cri.sandbox-name\":\"nginx-5d9c\","
	"\"io.kubernetes.cri.sandbox-namespace\":\"default\","
	"\"io.kubernetes.cri.sandbox-uid\":\"" UID_D "\","
	"\"io.kubernetes.cri.container-name\":\"nginx\","
	"\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
	"\"org.opencontainers.image.ref.name\":\"1.25\"},"
	"\"linux\":{\"cgroupsPath\":\"/test1\"}}";

static void test_state_crun(void **state)
{
	char root[64] = "/tmp/nsima-label-stXXXXXX", bundle[128];
	char text[NSIMA_LABEL_FORMAT_MAX];
	struct nsima_err err = { 0 };
	struct nsima_label l;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(bundle, sizeof(bundle), "%s/bundle1", root);
	mkdir_at(root, "bundle1");
	mkdir_at(root, "run");

	/* crun's default cgroupfs path "/<id>": the path says nothing ... */
	assert_false(nsima_label_from_cgroup("/test1", &l));
	/* ... its state does; crun's copy of config.json */
	{
		char run[128];

		snprintf(run, sizeof(run), "%s/run", root);
		mkdir_at(run, "test1");
		crun_status(run, "test1", bundle, "/test1", "");
		write_at(run, "test1/config.json", oci_config);
		assert_int_equal(
			nsima_label_runtime_state(run, "test1", &l, &err), 0);
		assert_int_equal(l.runtime, NSIMA_RT_CRUN);
		assert_true(l.from_state);
		assert_string_equal(l.id, "test1");
		assert_string_equal(l.bundle, bundle);
		assert_string_equal(l.state_cgroup, "/test1");
		assert_string_equal(l.pod_name, "nginx-5d9c");
		assert_string_equal(l.pod_namespace, "default");
		assert_string_equal(l.container_name, "nginx");
		assert_string_equal(l.pod_uid, UID_D);
		assert_string_equal(l.image, "docker.io/library/nginx:1.25");
		assert_int_equal(l.refused, 0);
		nsima_label_format(&l, text, sizeof(text));
		assert_string_equal(
			text, "k8s:default/nginx-5d9c/nginx (crun test1)");

		/* without crun's copy: the bundle's config.json */
		mkdir_at(run, "test2");
		crun_status(run, "test2", bundle,
			    "/system.slice/crun-test2.scope/container",
			    "crun-test2.scope");
		write_at(
			root, "bundle1/config.json",
			"{\"annotations\":{\"io.kubernetes.pod.name\":\"web\","
			"\"io.kubernetes.pod.namespace\":\"shop\","
			"\"io.kubernetes.container.name\":\"app\","
			"\"io.kubernetes.pod.uid\":\"11111111-2222-3333-4444-555555555555\","
			"\"io.kubernetes.cri.sandbox-name\":\"not-preferred\"}}");
		assert_true(nsima_label_from_cgroup(
			"/system.slice/crun-test2.scope/container", &l));
		assert_int_equal(
			nsima_label_runtime_state(run, "test2", &l, &err), 0);
		nsima_label_format(&l, text, sizeof(text));
		assert_string_equal(text, "k8s:shop/web/app (crun test2)");
		assert_string_equal(l.state_cgroup,
				    "/system.slice/crun-test2.scope/container");

		/* the scan finds test1 for its cgroup and one below it */
		memset(&l, 0, sizeof(l));
		assert_int_equal(
			nsima_label_state_scan(run, "/test1/sub", &l, &err), 0);
		assert_string_equal(l.id, "test1");
		assert_int_equal(l.runtime, NSIMA_RT_CRUN);
		memset(&l, 0, sizeof(l));
		assert_int_equal(nsima_label_state_scan(run, "/test10", &l,
							&err),
				 NSIMA_LABEL_NOTFOUND);
		/* a path naming another container than the state's: no */
		assert_true(nsima_label_from_cgroup(
			"/system.slice/crun-test2.scope/container", &l));
		assert_int_equal(nsima_label_runtime_state(run, "test1", &l,
							   &err),
				 NSIMA_EINVAL);
		/* two containers claiming one cgroup: no guess */
		mkdir_at(run, "test3");
		crun_status(run, "test3", bundle, "/test1", "");
		memset(&l, 0, sizeof(l));
		assert_int_equal(nsima_label_state_scan(run, "/test1", &l,
							&err),
				 NSIMA_LABEL_NOTFOUND);
		assert_string_equal(l.id, "");
	}
	rm_tree(root);
}

/*
 * runc's state.json (libcontainer State/BaseState, configs.Config), cut to
 * the members read plus a few around them.
 */
static const char runc_state_json[] =
	"{\"id\":\"" ID1 "\",\"init_process_pid\":4242,"
	"\"init_process_start\":123456,\"created\":\"2026-11-27T22:00:00.0Z\","
	"\"config\":{\"no_pivot_root\":false,\"rootfs\":\"/run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID1
	"/rootfs\","
	"\"readonlyfs\":false,\"hostname\":\"nginx-5d9c\","
	"\"labels\":[\"io.kubernetes.cri.sandbox-name=nginx-5d9c\","
	"\"io.kubernetes.cri.sandbox-namespace=default\","
	"\"io.kubernetes.cri.container-name=nginx\","
	"\"io.kubernetes.cri.sandbox-uid=" UID_D "\","
	"\"bundle=/not/this/one\","
	"\"io.kubernetes.cri.image-name=docker.io/library/nginx:1.25\","
	"\"bundle=/run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID1
	"\"],"
	"\"cgroups\":{\"path\":\"\",\"scope_prefix\":\"cri-containerd\","
	"\"name\":\"" ID1 "\",\"parent\":\"kubepods-besteffort-pod" UID_U
	".slice\","
	"\"Resources\":{\"devices\":[]}}},"
	"\"rootless\":false,"
	"\"cgroup_paths\":{\"\":\"/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
	".slice/cri-containerd-" ID1 ".scope\"},"
	"\"namespace_paths\":{\"NEWNS\":\"/proc/4242/ns/mnt\"},"
	"\"external_descriptors\":[\"/dev/null\",\"pipe:[1]\",\"pipe:[2]\"]}";

static void test_state_runc(void **state)
{
	char root[64] = "/tmp/nsima-label-rcXXXXXX";
	char text[NSIMA_LABEL_FORMAT_MAX];
	struct nsima_err err = { 0 };
	struct nsima_label l;

	(void)state;
	assert_non_null(mkdtemp(root));
	mkdir_at(root, ID1);
	write_at(root, ID1 "/state.json", runc_state_json);

	assert_true(nsima_label_from_cgroup(
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
		".slice/cri-containerd-" ID1 ".scope",
		&l));
	assert_int_equal(nsima_label_runtime_state(root, ID1, &l, &err), 0);
	assert_int_equal(l.runtime, NSIMA_RT_CONTAINERD); /* kept */
	assert_string_equal(
		l.bundle,
		"/run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID1);
	assert_string_equal(
		l.state_cgroup,
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
		".slice/cri-containerd-" ID1 ".scope");
	assert_false(l.uid_conflict);
	nsima_label_format(&l, text, sizeof(text));
	assert_string_equal(
		text, "k8s:default/nginx-5d9c/nginx (containerd 3f2a1b2c3d4e)");
	assert_string_equal(l.image, "docker.io/library/nginx:1.25");

	/* from the state alone (the scan): runtime runc */
	memset(&l, 0, sizeof(l));
	assert_int_equal(
		nsima_label_state_scan(
			root,
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U
			".slice/cri-containerd-" ID1 ".scope",
			&l, &err),
		0);
	assert_int_equal(l.runtime, NSIMA_RT_RUNC);
	assert_string_equal(l.id, ID1);

	/* a pod UID differing from the cgroup's is flagged, not shown */
	assert_true(nsima_label_from_cgroup(
		"/kubepods/besteffort/pod11111111-2222-3333-4444-555555555555/" ID1,
		&l));
	assert_int_equal(nsima_label_runtime_state(root, ID1, &l, &err), 0);
	assert_true(l.uid_conflict);
	assert_string_equal(l.pod_uid, "11111111-2222-3333-4444-555555555555");
	nsima_label_format(&l, text, sizeof(text));
	assert_string_equal(text, "k8s:? (cri 3f2a1b2c3d4e)");

	/* a state.json of another id */
	mkdir_at(root, "other");
	write_at(root, "other/state.json", runc_state_json);
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_runtime_state(root, "other", &l, &err),
			 NSIMA_EMALFORMED);
	rm_tree(root);
}

static void test_state_hostile(void **state)
{
	char root[64] = "/tmp/nsima-label-hoXXXXXX", p[256];
	struct nsima_err err = { 0 };
	struct nsima_label l;
	char *big;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(root));
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_runtime_state(root, "../x", &l, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_label_runtime_state(root, ".x", &l, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_label_runtime_state(root, "", &l, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_label_runtime_state(root, "absent", &l, &err),
			 NSIMA_LABEL_NOTFOUND);
	mkdir_at(root, "empty");
	assert_int_equal(nsima_label_runtime_state(root, "empty", &l, &err),
			 NSIMA_LABEL_NOTFOUND);

	/* malformed JSON */
	mkdir_at(root, "bad");
	write_at(root, "bad/status", "{\"bundle\": \"/x\",");
	assert_int_equal(nsima_label_runtime_state(root, "bad", &l, &err),
			 NSIMA_EMALFORMED);
	write_at(root, "bad/status", "[1]");
	assert_int_equal(nsima_label_runtime_state(root, "bad", &l, &err),
			 NSIMA_EMALFORMED);
	write_at(root, "bad/status", "{\"bundle\":\"/x\",\"bundle\":\"/y\"}");
	assert_int_equal(nsima_label_runtime_state(root, "bad", &l, &err),
			 NSIMA_EMALFORMED);

	/* a failure leaves the label as it was: no half-read state */
	mkdir_at(root, "half");
	write_at(root, "half/status",
		 "{\"bundle\":\"/x\",\"cgroup-path\":\"/half\"}");
	write_at(root, "half/config.json", "{\"annotations\":");
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_runtime_state(root, "half", &l, &err),
			 NSIMA_EMALFORMED);
	assert_string_equal(l.bundle, "");
	assert_string_equal(l.state_cgroup, "");
	assert_string_equal(l.id, "");
	assert_false(l.from_state);
	assert_non_null(strstr(err.msg, "config.json"));

	/* a FIFO is refused at once, never waited on */
	mkdir_at(root, "fifo");
	snprintf(p, sizeof(p), "%s/fifo/status", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(nsima_label_runtime_state(root, "fifo", &l, &err),
			 NSIMA_EIO);
	/* a symlinked status and a symlinked state dir are not followed */
	mkdir_at(root, "sym");
	snprintf(p, sizeof(p), "%s/sym/status", root);
	assert_int_equal(symlink("/etc/hostname", p), 0);
	assert_int_equal(nsima_label_runtime_state(root, "sym", &l, &err),
			 NSIMA_EIO);
	snprintf(p, sizeof(p), "%s/symdir", root);
	assert_int_equal(symlink("/etc", p), 0);
	assert_int_equal(nsima_label_runtime_state(root, "symdir", &l, &err),
			 NSIMA_EIO);

	/* over NSIMA_SMALL_FILE_MAX */
	mkdir_at(root, "big");
	big = malloc((1 << 20) + 16);
	assert_non_null(big);
	memset(big, ' ', (1 << 20) + 8);
	big[0] = '{';
	big[(1 << 20) + 6] = '}';
	big[(1 << 20) + 7] = '\0';
	write_at(root, "big/status", big);
	free(big);
	assert_int_equal(nsima_label_runtime_state(root, "big", &l, &err),
			 NSIMA_EIO);

	/* unprintable or overlong values are refused, one by one */
	mkdir_at(root, "odd");
	write_at(root, "odd/status",
		 "{\"bundle\":\"/b u n d l e\",\"cgroup-path\":\"/odd\"}");
	{
		char cfg[1024];

		snprintf(cfg, sizeof(cfg),
			 "{\"annotations\":{"
			 "\"io.kubernetes.pod.name\":\"evil\\u001b[2J\","
			 "\"io.kubernetes.pod.namespace\":\"ns\\nx\","
			 "\"io.kubernetes.container.name\":\"%0300d\","
			 "\"io.kubernetes.pod.uid\":\"not a uid\","
			 "\"io.kubernetes.cri.image-name\":\"ok:1\"}}",
			 0);
		write_at(root, "odd/config.json", cfg);
	}
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_runtime_state(root, "odd", &l, &err), 0);
	assert_string_equal(l.bundle, "");
	assert_string_equal(l.pod_name, "");
	assert_string_equal(l.pod_namespace, "");
	assert_string_equal(l.container_name, "");
	assert_string_equal(l.pod_uid, "");
	assert_string_equal(l.image, "ok:1");
	assert_int_equal(l.refused, 5);

	/* too many JSON values for the scan */
	mkdir_at(root, "many");
	big = malloc(4 * 70000 + 16);
	assert_non_null(big);
	{
		char *q = big + sprintf(big, "{\"x\":[{}");

		for (i = 1; i < 70000; i++)
			q += sprintf(q, ",{}");
		strcpy(q, "]}");
	}
	write_at(root, "many/status", big);
	free(big);
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_runtime_state(root, "many", &l, &err),
			 NSIMA_EMALFORMED);

	/* the scan survives all of the above */
	memset(&l, 0, sizeof(l));
	assert_int_equal(nsima_label_state_scan(root, "/odd", &l, &err), 0);
	assert_string_equal(l.id, "odd");
	rm_tree(root);
}

/* ---- all of it: info -> cgroup -> label -> state ---- */

static void test_namespace(void **state)
{
	char run[64] = "/tmp/nsima-label-nsXXXXXX", runc[128], r2[128];
	char text[NSIMA_LABEL_FORMAT_MAX];
	const char *roots[3];
	struct nsima_err err = { 0 };
	struct nsima_ns_info in = { 0 };
	struct nsima_label l;

	(void)state;
	strcpy(tmpl_root, "/tmp/nsima-label-cgXXXXXX");
	assert_non_null(mkdtemp(tmpl_root));
	assert_non_null(mkdtemp(run));
	mk("/test1");
	mk("/system.slice");
	mk("/system.slice/docker-" ID2 ".scope");
	/* crun run with its default cgroupfs path "/test1" */
	mkdir_at(run, "crun");
	snprintf(runc, sizeof(runc), "%s/crun", run);
	mkdir_at(runc, "test1");
	crun_status(runc, "test1", "/nonexistent/bundle", "/test1", "");
	write_at(runc, "test1/config.json", oci_config);
	/* a runc state of the docker id, but of another cgroup: ignored */
	mkdir_at(run, "runc");
	snprintf(runc, sizeof(runc), "%s/runc/" ID2, run);
	assert_int_equal(mkdir(runc, 0700), 0);
	{
		char *js = strdup(runc_state_json), *p;

		assert_non_null(js);
		while ((p = strstr(js, ID1)))
			memcpy(p, ID2, 64);
		write_at(runc, "state.json", js);
		free(js);
	}
	snprintf(runc, sizeof(runc), "%s/crun", run);
	snprintf(r2, sizeof(r2), "%s/runc", run);
	roots[0] = runc;
	roots[1] = r2;
	roots[2] = NULL;

	in.have = NSIMA_INFO_REQUIRED;
	in.cgroup_id = ino("/test1");
	assert_int_equal(nsima_label_namespace(&in, tmpl_root, roots, &l, &err),
			 0);
	assert_int_equal(l.runtime, NSIMA_RT_CRUN);
	assert_string_equal(l.id, "test1");
	assert_string_equal(l.cgroup, "/test1");
	nsima_label_format(&l, text, sizeof(text));
	assert_string_equal(text, "k8s:default/nginx-5d9c/nginx (crun test1)");

	in.cgroup_id = ino("/system.slice/docker-" ID2 ".scope");
	assert_int_equal(nsima_label_namespace(&in, tmpl_root, roots, &l, &err),
			 0);
	assert_int_equal(l.runtime, NSIMA_RT_DOCKER);
	assert_false(l.from_state); /* the runc state was of elsewhere */
	assert_string_equal(l.cgroup, "/system.slice/docker-" ID2 ".scope");
	nsima_label_format(&l, text, sizeof(text));
	assert_string_equal(text, "docker:fa7f0ec4fbcb");

	/* no cgroup (a kernel worker's record), or one that is gone */
	in.cgroup_id = 0;
	assert_int_equal(nsima_label_namespace(&in, tmpl_root, roots, &l, &err),
			 0);
	assert_int_equal(l.runtime, NSIMA_RT_UNKNOWN);
	in.cgroup_id = ino("/test1");
	rm_tree(tmpl_root);
	assert_int_equal(nsima_label_namespace(&in, "/nonexistent-nsima", roots,
					       &l, &err),
			 NSIMA_EIO);
	mkdir(tmpl_root, 0700);
	/* the file system may give the new root the gone cgroup's inode
	 * number (it did, once in a make check): then a held directory
	 * takes that number and the root gets another */
	if (ino("") == in.cgroup_id) {
		char hold[80];

		snprintf(hold, sizeof(hold), "%s.hold", tmpl_root);
		assert_int_equal(rmdir(tmpl_root), 0);
		assert_int_equal(mkdir(hold, 0700), 0);
		assert_int_equal(mkdir(tmpl_root, 0700), 0);
		assert_true(ino("") != in.cgroup_id);
		rmdir(hold);
	}
	assert_int_equal(nsima_label_namespace(&in, tmpl_root, roots, &l, &err),
			 0);
	assert_int_equal(l.runtime, NSIMA_RT_UNKNOWN);
	assert_string_equal(l.cgroup, "");
	assert_non_null(nsima_label_state_roots[0]);
	rm_tree(tmpl_root);
	rm_tree(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_good),
		cmocka_unit_test(test_info_variants),
		cmocka_unit_test(test_info_malformed),
		cmocka_unit_test(test_cgroup_runtimes),
		cmocka_unit_test(test_cgroup_unknown),
		cmocka_unit_test(test_cgroup_bounds),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_path_by_id),
		cmocka_unit_test(test_state_crun),
		cmocka_unit_test(test_state_runc),
		cmocka_unit_test(test_state_hostile),
		cmocka_unit_test(test_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
