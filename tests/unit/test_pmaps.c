// SPDX-License-Identifier: GPL-2.0
/*
 * The policy as BPF map entries (lib/pmaps.c): what the programs decide
 * from the entries (nsima_pmaps_decide, the same lookups as
 * bpf/nsima.bpf.c) must be what the policy says (nsima_policy_match, the
 * reference of docs/policy.md), for the default policy, the examples and
 * policies written here, over a grid of events: every kind, scope, path,
 * name, fstype, source, destination and capability below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "fileio.h"
#include "pmaps.h"
#include "policy.h"

static const char *const paths[] = {
	"/usr/bin/wget", "/bin/busybox", "/bin/sh", "/tmp/x", "/tmp/",
	"/tmp", "/dev/shm/a b", "/etc/shadow", "/etc/passwd", "/etc/group",
	"/etc/ssl/certs/ca.pem", "/etc/hosts", "/etcetera", "/run/secrets/k",
	"/var/run/secrets/kubernetes.io/serviceaccount/token",
	"/app/config/x", "/app/secrets dir/key", "/usr/local/bin/tool",
	"/", "/host", "/host/etc", "/proc", "/sys/fs/cgroup", NULL,
};
static const char *const names[] = {
	"/bin/sh", "sh", "./wget", "/usr/bin/curl", "nc", "/bin/bash", "x",
	NULL,
};
static const char *const fstypes[] = { "proc", "sysfs", "cgroup2", "tmpfs",
				       "overlay", NULL };
static const char *const sources[] = { "/dev/sda1", "/host", "proc",
				       "nsimatest", NULL };
static const char *const addrs[] = { "127.0.0.1", "8.8.8.8", "192.0.2.7",
				     "10.20.3.4", "::1", "2001:db8::1",
				     "2606:4700::1111", "fd00:20::5",
				     "::ffff:127.0.0.1", NULL };
/* A task's cgroup and its ancestors (the root, id 1, last). */
static const uint64_t chains[][3] = {
	{ 1, 0, 0 }, { 4242, 1, 0 }, { 99, 1, 0 }, { 77, 4242, 1 },
	{ 78, 99, 1 },
};

static void load(const char *file, struct nsima_policy *p,
		 struct nsima_pmaps *m)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;

	memset(p, 0, sizeof(*p));
	assert_int_equal(nsima_read_file(file, NSIMA_POLICY_FILE_MAX, &buf,
					 &len, &err), 0);
	assert_int_equal(nsima_policy_parse(buf, len, file, p, &err), 0);
	free(buf);
	assert_int_equal(nsima_pmaps_build(p, m, &err), 0);
}

static void parse_text(const char *text, struct nsima_policy *p)
{
	struct nsima_err err = { 0 };

	memset(p, 0, sizeof(*p));
	if (nsima_policy_parse((const uint8_t *)text, strlen(text), "t", p,
			       &err))
		fail_msg("%s", err.msg);
}

static unsigned long checked;

/* Both decisions for @ev, in every scope the grid has. */
static void same(const struct nsima_policy *p, const struct nsima_pmaps *m,
		 struct nsima_policy_event *ev)
{
	unsigned int h, c, t;
	static const unsigned int types[] = { NSIMA_PSTMT_RULE,
					      NSIMA_PSTMT_MEASURE };

	for (h = 0; h < 2; h++)
		for (c = 0; c < sizeof(chains) / sizeof(chains[0]); c++)
			for (t = 0; t < 2; t++) {
				long want, got;

				ev->host = h;
				ev->cgroup = chains[c][0];
				ev->ancestors = &chains[c][1];
				ev->nancestors = chains[c][1] ?
					(chains[c][2] ? 2 : 1) : 0;
				want = nsima_policy_match(p, types[t], ev);
				got = nsima_pmaps_decide(m, types[t], ev);
				if (want != got)
					fail_msg("kind %u path %s name %s: policy says %ld, maps %ld",
						 ev->kind, ev->path ? ev->path : "-",
						 ev->name ? ev->name : "-", want,
						 got);
				checked++;
			}
}

static void grid(const struct nsima_policy *p, const struct nsima_pmaps *m)
{
	struct nsima_policy_event ev;
	unsigned int i, j, k;

	for (k = NSIMA_PKIND_EXEC; k <= NSIMA_PKIND_OPEN; k++)
		for (i = 0; paths[i]; i++)
			for (j = 0; j < 4; j++) {
				memset(&ev, 0, sizeof(ev));
				ev.kind = (uint8_t)k;
				ev.path = paths[i];
				ev.mode = (uint8_t)j;
				if (k == NSIMA_PKIND_OPEN && !j)
					continue;
				if (k != NSIMA_PKIND_OPEN && j)
					continue;
				same(p, m, &ev);
			}
	for (i = 0; paths[i]; i++)
		for (j = 0; names[j]; j++) {
			memset(&ev, 0, sizeof(ev));
			ev.kind = NSIMA_PKIND_EXEC;
			ev.path = paths[i];
			ev.name = names[j];
			same(p, m, &ev);
		}
	for (i = 0; fstypes[i]; i++)
		for (j = 0; sources[j]; j++)
			for (k = 0; paths[k]; k++) {
				memset(&ev, 0, sizeof(ev));
				ev.kind = NSIMA_PKIND_MOUNT;
				ev.fstype = fstypes[i];
				ev.source = sources[j];
				ev.path = paths[k];
				same(p, m, &ev);
			}
	for (i = 0; addrs[i]; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = NSIMA_PKIND_CONNECT;
		ev.family = strchr(addrs[i], ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(ev.family, addrs[i], ev.addr), 1);
		same(p, m, &ev);
	}
	for (i = 0; i <= 40; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = NSIMA_PKIND_CAPABLE;
		ev.cap = (int)i;
		same(p, m, &ev);
	}
}

static void test_files(void **state)
{
	static const char *const files[] = {
		"policy/default.policy",
		"policy/examples/deny-downloads.policy",
		"policy/examples/measure-only.policy",
		"policy/examples/one-cgroup.policy",
	};
	struct nsima_policy p;
	struct nsima_pmaps m;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		load(files[i], &p, &m);
		grid(&p, &m);
		nsima_pmaps_free(&m);
		nsima_policy_free(&p);
	}
	assert_true(checked > 10000);
}

/* Overlaps where first-match order matters across maps and scopes. */
static void test_order(void **state)
{
	static const char *const texts[] = {
		"rule a exec prefix=/tmp/ risk=low scope=container\n"
		"rule b exec name=sh risk=high\n"
		"rule c exec prefix=/ risk=low scope=host\n"
		"rule d exec path=/bin/sh risk=medium scope=cgroup:4242\n",
		"dont_measure exec prefix=/tmp/ scope=cgroup:99\n"
		"measure exec prefix=/tmp scope=any\n"
		"dont_measure exec scope=host\n"
		"measure exec\n",
		"rule w open path=/etc/passwd mode=write risk=high\n"
		"rule r open prefix=/etc/ mode=read risk=low scope=container\n"
		"rule any open prefix=/ risk=low scope=cgroup:1\n",
		"rule m1 mount target=/host risk=high\n"
		"rule m2 mount fstype=proc,sysfs source=/dev/ risk=low scope=host\n"
		"rule m3 mount source=/ risk=medium\n",
		"rule c1 connect allow=10.20.0.0/16 risk=low scope=cgroup:4242\n"
		"rule c2 connect allow=0.0.0.0/0,::/0 risk=low\n"
		"rule c3 connect allow=127.0.0.0/8 risk=high scope=container\n",
		"rule k1 capable allow=chown risk=low scope=cgroup:99\n"
		"rule k2 capable allow=chown,kill,sys_admin risk=high scope=container\n",
	};
	struct nsima_err err = { 0 };
	struct nsima_policy p;
	struct nsima_pmaps m;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		parse_text(texts[i], &p);
		assert_int_equal(nsima_pmaps_build(&p, &m, &err), 0);
		grid(&p, &m);
		nsima_pmaps_free(&m);
		nsima_policy_free(&p);
	}
}

/* scope=cgroup:ID covers the cgroups below ID. */
static void test_cgroup_below(void **state)
{
	static const uint64_t up[] = { 4242, 1 };
	struct nsima_policy_event ev = {
		.kind = NSIMA_PKIND_OPEN, .mode = NSIMA_PMODE_READ,
		.path = "/etc/gshadow", .cgroup = 77, .ancestors = up,
		.nancestors = 2,
	};
	struct nsima_err err = { 0 };
	struct nsima_policy p;
	struct nsima_pmaps m;

	(void)state;
	parse_text("rule g open path=/etc/gshadow mode=read risk=low scope=cgroup:4242\n",
		   &p);
	assert_int_equal(nsima_pmaps_build(&p, &m, &err), 0);
	assert_int_equal(m.ncgroups, 1);
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_RULE, &ev), 0);
	assert_int_equal(nsima_pmaps_decide(&m, NSIMA_PSTMT_RULE, &ev), 0);
	ev.nancestors = 0;	/* not below it */
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_RULE, &ev), -1);
	assert_int_equal(nsima_pmaps_decide(&m, NSIMA_PSTMT_RULE, &ev), -1);
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
}

/* A policy the maps cannot hold is refused with its line, never cut. */
static void test_bounds(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_policy p;
	struct nsima_pmaps m;
	char text[8192];
	size_t off = 0;
	unsigned int i;

	(void)state;
	/* 17 prefix lengths of one kind and key */
	for (i = 1; i <= 17; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"rule r%u exec prefix=/%.*s risk=low\n",
					i, (int)i, "aaaaaaaaaaaaaaaaaaaa");
	parse_text(text, &p);
	assert_int_equal(nsima_pmaps_build(&p, &m, &err), NSIMA_EINVAL);
	assert_int_equal(err.pos, 17);
	assert_non_null(strstr(err.msg, "more than 16 prefix lengths"));
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
	/* 65 capable rules */
	off = 0;
	for (i = 1; i <= 65; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"rule k%u capable allow=chown risk=low\n",
					i);
	parse_text(text, &p);
	assert_int_equal(nsima_pmaps_build(&p, &m, &err), NSIMA_EINVAL);
	assert_int_equal(err.pos, 65);
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
	/* the same key twice: the first statement keeps it */
	parse_text("rule a exec name=sh risk=low\nrule b exec name=sh risk=high\n",
		   &p);
	assert_int_equal(nsima_pmaps_build(&p, &m, &err), 0);
	assert_int_equal(m.nkeys, 1);
	assert_int_equal(m.vals[0].stmt, 0);
	assert_string_equal(m.vals[0].id, "a");
	assert_int_equal(m.vals[0].risk, NSIMA_RISK_LOW);
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_cgroup_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
