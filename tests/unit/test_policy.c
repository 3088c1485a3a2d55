// SPDX-License-Identifier: GPL-2.0
/*
 * lib/policy.c: the policy file (docs/policy.md). Each kind of statement
 * parsed into the values the BPF maps get, the canonical form parsed back
 * to the same policy, the shipped policies (run from the repository's
 * top), and malformed files refused at the exact line and column.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "hex.h"
#include "policy.h"

static int parse(const char *in, struct nsima_policy *p, struct nsima_err *err)
{
	return nsima_policy_parse((const uint8_t *)in, strlen(in), "t", p, err);
}

/* @in parses; its canonical form parses to the same policy */
static void good(const char *in, struct nsima_policy *p)
{
	struct nsima_err err = { 0 };
	struct nsima_policy back;
	struct nsima_buf out;

	if (parse(in, p, &err))
		fail_msg("'%s' refused: %s", in, err.msg);
	nsima_buf_init(&out);
	assert_int_equal(nsima_policy_format(p, &out), 0);
	assert_int_equal(nsima_policy_parse(out.data, out.len, "fmt", &back,
					    &err),
			 0);
	assert_true(nsima_policy_equal(p, &back));
	nsima_policy_free(&back);
	nsima_buf_free(&out);
}

/* @len bytes at @in are refused at @line:@col with @msg in the message */
static void bad_n(const char *in, size_t len, uint32_t line, uint32_t col,
		  const char *msg)
{
	struct nsima_err err = { 0 };
	struct nsima_policy p;
	char want[64];

	if (nsima_policy_parse((const uint8_t *)in, len, "t", &p, &err) !=
	    NSIMA_EMALFORMED)
		fail_msg("'%.60s' not refused", in);
	snprintf(want, sizeof(want), "t:%u:%u: ", line, col);
	if (strncmp(err.msg, want, strlen(want)) || !strstr(err.msg, msg))
		fail_msg("'%.60s': got '%s', want '%s...%s'", in, err.msg, want,
			 msg);
	assert_int_equal(err.code, NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_LINE);
	assert_int_equal(err.pos, line);
	assert_int_equal(p.err_line, line);
	assert_int_equal(p.err_col, col);
	assert_null(p.stmts);
	assert_null(p.items);
	nsima_policy_free(&p);
	/* without an err: the same code, nothing written */
	assert_int_equal(nsima_policy_parse((const uint8_t *)in, len, NULL, &p,
					    NULL),
			 NSIMA_EMALFORMED);
	assert_int_equal(p.err_col, col);
	nsima_policy_free(&p);
}

static void bad(const char *in, uint32_t line, uint32_t col, const char *msg)
{
	bad_n(in, strlen(in), line, col, msg);
}

static const struct nsima_policy_item *item(const struct nsima_policy *p,
					    size_t stmt, uint32_t k)
{
	assert_true(stmt < p->nstmts);
	assert_true(k < p->stmts[stmt].count);
	return &p->items[p->stmts[stmt].first + k];
}

static void test_exec(void **state)
{
	struct nsima_policy p;
	const struct nsima_policy_stmt *s;

	(void)state;
	good("rule shells exec name=sh,bash,dash,ash,zsh risk=medium "
	     "scope=container\n"
	     "rule wget exec path=/usr/bin/wget prefix=/tmp/ risk=high "
	     "action=deny scope=host\n",
	     &p);
	assert_int_equal(p.nstmts, 2);
	assert_int_equal(p.nrules, 2);
	s = &p.stmts[0];
	assert_int_equal(s->type, NSIMA_PSTMT_RULE);
	assert_int_equal(s->kind, NSIMA_PKIND_EXEC);
	assert_string_equal(s->id, "shells");
	assert_int_equal(s->risk, NSIMA_PRISK_MEDIUM);
	assert_int_equal(s->action, NSIMA_PACTION_ALERT);
	assert_int_equal(s->scope, NSIMA_PSCOPE_CONTAINER);
	assert_int_equal(s->line, 1);
	assert_int_equal(s->count, 5);
	assert_int_equal(item(&p, 0, 0)->field, NSIMA_PFIELD_NAME);
	assert_string_equal(item(&p, 0, 0)->str, "sh");
	assert_int_equal(item(&p, 0, 0)->len, 2);
	assert_string_equal(item(&p, 0, 4)->str, "zsh");
	s = &p.stmts[1];
	assert_int_equal(s->line, 2);
	assert_int_equal(s->action, NSIMA_PACTION_DENY);
	assert_int_equal(s->scope, NSIMA_PSCOPE_HOST);
	assert_int_equal(s->count, 2);
	assert_int_equal(item(&p, 1, 0)->field, NSIMA_PFIELD_PATH);
	assert_string_equal(item(&p, 1, 0)->str, "/usr/bin/wget");
	assert_int_equal(item(&p, 1, 1)->field, NSIMA_PFIELD_PREFIX);
	assert_string_equal(item(&p, 1, 1)->str, "/tmp/");
	nsima_policy_free(&p);

	/* items are kept in field order, whatever the key order */
	good("rule a exec name=x prefix=/p path=/q risk=low\n", &p);
	assert_int_equal(item(&p, 0, 0)->field, NSIMA_PFIELD_PATH);
	assert_int_equal(item(&p, 0, 1)->field, NSIMA_PFIELD_PREFIX);
	assert_int_equal(item(&p, 0, 2)->field, NSIMA_PFIELD_NAME);
	nsima_policy_free(&p);
}

static void test_open_mmap(void **state)
{
	struct nsima_policy p;

	(void)state;
	good("rule tok open prefix=/run/secrets/,/var/run/secrets/ mode=read "
	     "risk=high\n"
	     "rule pw open path=/etc/passwd mode=write risk=critical\n"
	     "rule any open path=/etc/x risk=low\n"
	     "rule lib mmap_exec prefix=/tmp/ path=/opt/x.so risk=high "
	     "action=deny\n",
	     &p);
	assert_int_equal(p.stmts[0].mode, NSIMA_PMODE_READ);
	assert_int_equal(p.stmts[0].count, 2);
	assert_string_equal(item(&p, 0, 1)->str, "/var/run/secrets/");
	assert_int_equal(p.stmts[1].mode, NSIMA_PMODE_WRITE);
	assert_int_equal(p.stmts[1].risk, NSIMA_PRISK_CRITICAL);
	/* mode defaults to any */
	assert_int_equal(p.stmts[2].mode, NSIMA_PMODE_ANY);
	assert_int_equal(p.stmts[3].kind, NSIMA_PKIND_MMAP_EXEC);
	assert_int_equal(p.stmts[3].mode, 0);
	assert_int_equal(p.stmts[3].action, NSIMA_PACTION_DENY);
	nsima_policy_free(&p);
}

static void test_mount(void **state)
{
	struct nsima_policy p;

	(void)state;
	good("rule m mount fstype=proc,sysfs,cgroup,cgroup2,overlay,fuse.sshfs,"
	     "9p source=/ target=/host,/mnt/ risk=high scope=cgroup:4242\n",
	     &p);
	assert_int_equal(p.stmts[0].count, 10);
	assert_int_equal(item(&p, 0, 0)->field, NSIMA_PFIELD_FSTYPE);
	assert_string_equal(item(&p, 0, 5)->str, "fuse.sshfs");
	assert_int_equal(item(&p, 0, 7)->field, NSIMA_PFIELD_SOURCE);
	assert_int_equal(item(&p, 0, 8)->field, NSIMA_PFIELD_TARGET);
	assert_string_equal(item(&p, 0, 9)->str, "/mnt/");
	assert_int_equal(p.stmts[0].scope, NSIMA_PSCOPE_CGROUP);
	assert_int_equal(p.stmts[0].cgroup, 4242);
	nsima_policy_free(&p);
	good("rule m mount target=/x risk=low scope=cgroup:18446744073709551615\n",
	     &p);
	assert_true(p.stmts[0].cgroup == UINT64_MAX);
	nsima_policy_free(&p);
}

static void test_connect(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t lo6[16] = { [15] = 1 };
	struct nsima_policy p;
	const struct nsima_policy_item *it;

	(void)state;
	good("rule net connect allow=127.0.0.0/8,2001:db8::/32,::1/128,"
	     "0.0.0.0/0,::/0,10.1.2.3/32,::ffff:192.0.2.0/120 risk=medium\n",
	     &p);
	assert_int_equal(p.stmts[0].count, 7);
	it = item(&p, 0, 0);
	assert_int_equal(it->field, NSIMA_PFIELD_CIDR);
	assert_int_equal(it->family, AF_INET);
	assert_int_equal(it->prefixlen, 8);
	assert_memory_equal(it->addr, "\x7f\0\0\0", 4);
	it = item(&p, 0, 1);
	assert_int_equal(it->family, AF_INET6);
	assert_int_equal(it->prefixlen, 32);
	assert_memory_equal(it->addr, v6, 16);
	assert_memory_equal(item(&p, 0, 2)->addr, lo6, 16);
	assert_int_equal(item(&p, 0, 3)->prefixlen, 0);
	assert_int_equal(item(&p, 0, 4)->family, AF_INET6);
	assert_int_equal(item(&p, 0, 5)->prefixlen, 32);
	nsima_policy_free(&p);
}

static void test_capable(void **state)
{
	struct nsima_policy p;

	(void)state;
	/* "0x1" is no capability: refused; the table ends at 40 */
	bad("rule c capable allow=0x1 risk=high\n", 1, 22,
	    "unknown capability '0x1'");
	good("rule c capable allow=CAP_CHOWN,cap_dac_override,net_admin,"
	     "Sys_Admin,40,13 risk=high\n",
	     &p);
	assert_int_equal(p.stmts[0].caps, (1ULL << 0) | (1ULL << 1) |
						  (1ULL << 12) | (1ULL << 21) |
						  (1ULL << 40) | (1ULL << 13));
	assert_int_equal(p.stmts[0].count, 0);
	nsima_policy_free(&p);

	assert_int_equal(nsima_policy_cap_parse("CAP_NET_ADMIN", 13), 12);
	assert_int_equal(nsima_policy_cap_parse("net_admin", 9), 12);
	assert_int_equal(nsima_policy_cap_parse("12", 2), 12);
	assert_int_equal(nsima_policy_cap_parse("0", 1), 0);
	assert_int_equal(nsima_policy_cap_parse("40", 2), 40);
	assert_int_equal(nsima_policy_cap_parse("41", 2), -1);
	assert_int_equal(nsima_policy_cap_parse("012", 3), -1);
	assert_int_equal(nsima_policy_cap_parse("cap_", 4), -1);
	assert_int_equal(nsima_policy_cap_parse("", 0), -1);
	assert_int_equal(nsima_policy_cap_parse("checkpoint_restore", 18), 40);
	assert_int_equal(nsima_policy_cap_parse("CAP_PERFMON", 11), 38);
	assert_int_equal(nsima_policy_cap_parse("bpf", 3), 39);
	assert_int_equal(nsima_policy_cap_parse("sys_admin", 9), 21);
	assert_int_equal(nsima_policy_cap_parse("audit_read", 10), 37);
	assert_string_equal(nsima_policy_cap_name(7), "setuid");
	assert_string_equal(nsima_policy_cap_name(31), "setfcap");
	assert_null(nsima_policy_cap_name(41));
}

static void test_measure(void **state)
{
	struct nsima_policy p;

	(void)state;
	good("measure exec\n"
	     "  measure mmap_exec scope=any   # every mapping\n"
	     "\n"
	     "\t# a comment\n"
	     "dont_measure open prefix=/proc/\n"
	     "measure open prefix=/etc/ mode=read scope=container\n"
	     "measure exec path=/bin/x prefix=/opt/",
	     &p);
	assert_int_equal(p.nstmts, 5);
	assert_int_equal(p.nrules, 0);
	assert_int_equal(p.stmts[0].type, NSIMA_PSTMT_MEASURE);
	assert_int_equal(p.stmts[0].count, 0);
	assert_int_equal(p.stmts[0].risk, NSIMA_PRISK_NONE);
	assert_int_equal(p.stmts[0].action, NSIMA_PACTION_NONE);
	assert_string_equal(p.stmts[0].id, "");
	assert_int_equal(p.stmts[1].line, 2);
	assert_int_equal(p.stmts[2].type, NSIMA_PSTMT_DONT_MEASURE);
	assert_int_equal(p.stmts[2].line, 5);
	assert_int_equal(p.stmts[2].mode, NSIMA_PMODE_ANY);
	assert_int_equal(p.stmts[3].mode, NSIMA_PMODE_READ);
	assert_int_equal(p.stmts[3].scope, NSIMA_PSCOPE_CONTAINER);
	assert_int_equal(p.stmts[4].line, 7);	/* no final newline */
	assert_int_equal(p.stmts[4].count, 2);
	nsima_policy_free(&p);

	/* nothing at all is a policy too */
	good("", &p);
	assert_int_equal(p.nstmts, 0);
	nsima_policy_free(&p);
	good("# only comments\n\n   \n", &p);
	assert_int_equal(p.nstmts, 0);
	nsima_policy_free(&p);
}

static void test_quoting(void **state)
{
	struct nsima_policy p;
	struct nsima_buf out;

	(void)state;
	good("rule q open path=\"/my dir/a \\\"b\\\" \\\\ c\",\"/x,y\",/ok "
	     "prefix=\"/h#ash/\",\"/caf\xc3\xa9/\" risk=low\n",
	     &p);
	assert_string_equal(item(&p, 0, 0)->str, "/my dir/a \"b\" \\ c");
	assert_string_equal(item(&p, 0, 1)->str, "/x,y");
	assert_string_equal(item(&p, 0, 2)->str, "/ok");
	assert_string_equal(item(&p, 0, 3)->str, "/h#ash/");
	assert_string_equal(item(&p, 0, 4)->str, "/caf\xc3\xa9/");
	/* quoted only where needed; UTF-8 stays bare */
	nsima_buf_init(&out);
	assert_int_equal(nsima_policy_format(&p, &out), 0);
	assert_int_equal(nsima_buf_append(&out, "", 1), 0);
	assert_string_equal((char *)out.data,
			    "rule q open path=\"/my dir/a \\\"b\\\" \\\\ c\","
			    "\"/x,y\",/ok prefix=\"/h#ash/\",/caf\xc3\xa9/ "
			    "mode=any risk=low action=alert scope=any\n");
	nsima_buf_free(&out);
	nsima_policy_free(&p);

	/* a tab is white space, and a byte of a quoted value */
	good("rule\tq\topen\tpath=\"/a\tb\"\trisk=low\t\n", &p);
	assert_string_equal(item(&p, 0, 0)->str, "/a\tb");
	nsima_buf_init(&out);
	assert_int_equal(nsima_policy_format(&p, &out), 0);
	assert_int_equal(nsima_buf_append(&out, "", 1), 0);
	assert_string_equal((char *)out.data,
			    "rule q open path=\"/a\tb\" mode=any risk=low "
			    "action=alert scope=any\n");
	nsima_buf_free(&out);
	nsima_policy_free(&p);

	/* a quoted keyword value is the same value */
	good("rule q exec name=\"wget\" risk=\"high\" scope=\"container\"\n",
	     &p);
	assert_int_equal(p.stmts[0].risk, NSIMA_PRISK_HIGH);
	nsima_policy_free(&p);
}

/* The exact canonical text of one policy, every default written out. */
static void test_canonical(void **state)
{
	struct nsima_policy p;
	struct nsima_buf out;

	(void)state;
	good("measure exec\n"
	     "rule  b\tmount target=/t fstype=proc risk=low # x\n"
	     "rule c capable allow=sys_admin,chown risk=critical "
	     "action=deny scope=cgroup:7\n"
	     "rule d connect allow=2001:0db8:0:0::0/32 risk=low\n",
	     &p);
	nsima_buf_init(&out);
	assert_int_equal(nsima_policy_format(&p, &out), 0);
	assert_int_equal(nsima_buf_append(&out, "", 1), 0);
	assert_string_equal(
		(char *)out.data,
		"measure exec scope=any\n"
		"rule b mount fstype=proc target=/t risk=low action=alert "
		"scope=any\n"
		"rule c capable allow=chown,sys_admin risk=critical "
		"action=deny scope=cgroup:7\n"
		"rule d connect allow=2001:db8::/32 risk=low action=alert "
		"scope=any\n");
	nsima_buf_free(&out);
	nsima_policy_free(&p);
}

static void test_digest(void **state)
{
	static const char abc_hex[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct nsima_policy p;
	uint8_t d[32];
	char hex[65];

	(void)state;
	assert_int_equal(nsima_policy_digest((const uint8_t *)"abc", 3, d, NULL),
			 0);
	nsima_hex_encode(d, 32, hex);
	assert_string_equal(hex, abc_hex);
	/* the digest is of the bytes as loaded: comments and all */
	good("# abc\n", &p);
	assert_int_equal(nsima_policy_digest((const uint8_t *)"# abc\n", 6, d,
					     NULL),
			 0);
	assert_memory_equal(p.digest, d, 32);
	nsima_policy_free(&p);
	good("", &p);
	nsima_hex_encode(p.digest, 32, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	nsima_policy_free(&p);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(NSIMA_POLICY_FILE_MAX + 1);

	if (!f || !buf)
		fail_msg("%s: cannot read (run from the repository's top)",
			 path);
	*len = fread(buf, 1, NSIMA_POLICY_FILE_MAX + 1, f);
	fclose(f);
	return buf;
}

static void shipped(const char *path, size_t rules)
{
	struct nsima_err err = { 0 };
	struct nsima_policy p, back;
	struct nsima_buf out;
	size_t len;
	char *buf = slurp(path, &len);

	if (nsima_policy_parse((uint8_t *)buf, len, path, &p, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(p.nrules, rules);
	nsima_buf_init(&out);
	assert_int_equal(nsima_policy_format(&p, &out), 0);
	assert_int_equal(nsima_policy_parse(out.data, out.len, "fmt", &back,
					    &err),
			 0);
	assert_true(nsima_policy_equal(&p, &back));
	nsima_policy_free(&back);
	nsima_policy_free(&p);
	nsima_buf_free(&out);
	free(buf);
}

/* The first rule of @p matching an exec by @name (scope ignored). */
static const char *first_exec_by_name(const struct nsima_policy *p,
				      const char *name)
{
	size_t k;
	uint32_t j;

	for (k = 0; k < p->nstmts; k++) {
		const struct nsima_policy_stmt *s = &p->stmts[k];

		if (s->type != NSIMA_PSTMT_RULE || s->kind != NSIMA_PKIND_EXEC)
			continue;
		for (j = 0; j < s->count; j++) {
			const struct nsima_policy_item *it =
				&p->items[s->first + j];

			if (it->field == NSIMA_PFIELD_NAME &&
			    !strcmp(it->str, name))
				return s->id;
		}
	}
	return NULL;
}

static void test_shipped(void **state)
{
	struct nsima_policy p;
	struct nsima_err err = { 0 };
	size_t len, k;
	char *buf;
	uint64_t docker = 0;
	static const char *const dcaps[] = {
		"chown", "dac_override", "fowner", "fsetid", "kill", "setgid",
		"setuid", "setpcap", "net_bind_service", "net_raw",
		"sys_chroot", "mknod", "audit_write", "setfcap",
	};

	(void)state;
	shipped("policy/default.policy", 14);
	shipped("policy/examples/deny-downloads.policy", 5);
	shipped("policy/examples/one-cgroup.policy", 3);
	shipped("policy/examples/measure-only.policy", 0);

	/* what the default policy says about the scenarios */
	buf = slurp("policy/default.policy", &len);
	assert_int_equal(nsima_policy_parse((uint8_t *)buf, len, "d", &p, &err),
			 0);
	assert_string_equal(first_exec_by_name(&p, "wget"), "wget_in_container");
	assert_string_equal(first_exec_by_name(&p, "curl"), "curl_in_container");
	assert_string_equal(first_exec_by_name(&p, "nc"), "nc_in_container");
	assert_string_equal(first_exec_by_name(&p, "sh"), "shell_in_container");
	assert_string_equal(first_exec_by_name(&p, "bash"),
			    "shell_in_container");
	assert_null(first_exec_by_name(&p, "ls"));
	for (k = 0; k < sizeof(dcaps) / sizeof(dcaps[0]); k++)
		docker |= 1ULL << nsima_policy_cap_parse(dcaps[k],
							 strlen(dcaps[k]));
	for (k = 0; k < p.nstmts; k++) {
		const struct nsima_policy_stmt *s = &p.stmts[k];

		if (s->type == NSIMA_PSTMT_RULE)
			assert_int_equal(s->scope, NSIMA_PSCOPE_CONTAINER);
		if (s->kind == NSIMA_PKIND_CAPABLE)
			assert_true(s->caps == docker);
	}
	nsima_policy_free(&p);
	free(buf);
}

/* The id of the rule @ev makes fire in @p, or NULL. */
static const char *fires(const struct nsima_policy *p,
			 const struct nsima_policy_event *ev)
{
	long k = nsima_policy_match(p, NSIMA_PSTMT_RULE, ev);

	if (k < 0)
		return NULL;
	assert_int_equal(p->stmts[k].type, NSIMA_PSTMT_RULE);
	return p->stmts[k].id;
}

static void load(const char *path, struct nsima_policy *p)
{
	struct nsima_err err = { 0 };
	size_t len;
	char *buf = slurp(path, &len);

	if (nsima_policy_parse((uint8_t *)buf, len, path, p, &err))
		fail_msg("%s", err.msg);
	free(buf);
}

static struct nsima_policy_event ev_exec(const char *path, const char *name,
					 bool host)
{
	return (struct nsima_policy_event){ .kind = NSIMA_PKIND_EXEC,
					    .path = path, .name = name,
					    .host = host, .cgroup = 7 };
}

static struct nsima_policy_event ev_open(const char *path, uint8_t mode,
					 bool host)
{
	return (struct nsima_policy_event){ .kind = NSIMA_PKIND_OPEN,
					    .path = path, .mode = mode,
					    .host = host, .cgroup = 7 };
}

static struct nsima_policy_event ev_mount(const char *fstype,
					  const char *source, const char *target)
{
	return (struct nsima_policy_event){ .kind = NSIMA_PKIND_MOUNT,
					    .fstype = fstype, .source = source,
					    .path = target, .cgroup = 7 };
}

static struct nsima_policy_event ev_connect(const char *addr, bool host,
					    uint64_t cgroup)
{
	struct nsima_policy_event ev = { .kind = NSIMA_PKIND_CONNECT,
					 .host = host, .cgroup = cgroup };

	ev.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(ev.family, addr, ev.addr), 1);
	return ev;
}

static struct nsima_policy_event ev_cap(int cap, bool host)
{
	return (struct nsima_policy_event){ .kind = NSIMA_PKIND_CAPABLE,
					    .cap = cap, .host = host };
}

#define FIRES(p, ev, id) do { \
	struct nsima_policy_event e_ = (ev); \
	const char *got_ = fires(p, &e_); \
	if (!got_ || strcmp(got_, id)) \
		fail_msg("%s: fires '%s', want '%s'", #ev, \
			 got_ ? got_ : "(none)", id); \
} while (0)
#define QUIET(p, ev) do { \
	struct nsima_policy_event e_ = (ev); \
	const char *got_ = fires(p, &e_); \
	if (got_) \
		fail_msg("%s: fires '%s', want none", #ev, got_); \
} while (0)

/* The scenarios against the default policy: each fires its rule
 * in a container, and none on the host. */
static void test_match_default(void **state)
{
	struct nsima_policy p;
	struct nsima_policy_event ev;
	long k;

	(void)state;
	load("policy/default.policy", &p);
	FIRES(&p, ev_exec("/usr/bin/wget", NULL, false), "wget_in_container");
	QUIET(&p, ev_exec("/usr/bin/wget", NULL, true));
	FIRES(&p, ev_exec("/usr/bin/curl", "curl", false), "curl_in_container");
	FIRES(&p, ev_exec("/bin/busybox", "nc", false), "nc_in_container");
	/* a busybox shell: run as /bin/sh, the file is /bin/busybox */
	FIRES(&p, ev_exec("/bin/busybox", "/bin/sh", false),
	      "shell_in_container");
	FIRES(&p, ev_exec("/usr/bin/bash", "./bash", false),
	      "shell_in_container");
	QUIET(&p, ev_exec("/bin/busybox", "/bin/sh", true));
	QUIET(&p, ev_exec("/bin/busybox", "/bin/ls", false));
	QUIET(&p, ev_exec("/usr/bin/wgetx", NULL, false));

	FIRES(&p, ev_open("/run/secrets/kubernetes.io/serviceaccount/token",
			  NSIMA_PMODE_READ, false),
	      "sa_token_read");
	FIRES(&p, ev_open("/var/run/secrets/token", NSIMA_PMODE_ANY, false),
	      "sa_token_read");
	QUIET(&p, ev_open("/run/secrets/token", NSIMA_PMODE_READ, true));
	QUIET(&p, ev_open("/run/secretsx", NSIMA_PMODE_READ, false));
	FIRES(&p, ev_open("/etc/shadow", NSIMA_PMODE_READ, false),
	      "shadow_read");
	QUIET(&p, ev_open("/etc/shadow", NSIMA_PMODE_READ, true));
	QUIET(&p, ev_open("/etc/shadow-", NSIMA_PMODE_READ, false));
	FIRES(&p, ev_open("/etc/passwd", NSIMA_PMODE_WRITE, false),
	      "passwd_write");
	FIRES(&p, ev_open("/etc/passwd", NSIMA_PMODE_ANY, false),
	      "passwd_write");
	QUIET(&p, ev_open("/etc/passwd", NSIMA_PMODE_READ, false));
	QUIET(&p, ev_open("/etc/passwd", NSIMA_PMODE_WRITE, true));

	FIRES(&p, ev_mount("proc", "proc", "/proc"), "mount_proc");
	FIRES(&p, ev_mount("sysfs", "sysfs", "/sys"), "mount_sysfs");
	FIRES(&p, ev_mount("cgroup2", "cgroup", "/sys/fs/cgroup"),
	      "mount_cgroup");
	FIRES(&p, ev_mount(NULL, "/srv/data", "/mnt"), "mount_host_path");
	QUIET(&p, ev_mount("tmpfs", "tmpfs", "/tmp"));
	ev = ev_mount("proc", "proc", "/proc");
	ev.host = true;
	QUIET(&p, ev);

	FIRES(&p, ev_connect("10.0.2.2", false, 7), "connect_outside");
	FIRES(&p, ev_connect("2001:4860::1", false, 7), "connect_outside");
	FIRES(&p, ev_connect("192.0.3.1", false, 7), "connect_outside");
	FIRES(&p, ev_connect("::ffff:127.0.0.1", false, 7), "connect_outside");
	QUIET(&p, ev_connect("127.0.0.1", false, 7));
	QUIET(&p, ev_connect("127.255.0.9", false, 7));
	QUIET(&p, ev_connect("192.0.2.77", false, 7));
	QUIET(&p, ev_connect("203.0.113.255", false, 7));
	QUIET(&p, ev_connect("::1", false, 7));
	QUIET(&p, ev_connect("2001:db8:ffff::1", false, 7));
	QUIET(&p, ev_connect("10.0.2.2", true, 7));

	FIRES(&p, ev_cap(21, false), "cap_outside_default");	/* sys_admin */
	FIRES(&p, ev_cap(12, false), "cap_outside_default");	/* net_admin */
	QUIET(&p, ev_cap(0, false));				/* chown */
	QUIET(&p, ev_cap(13, false));				/* net_raw */
	QUIET(&p, ev_cap(21, true));

	/* measurement scope: every exec and mapping, no open */
	ev = ev_exec("/bin/ls", NULL, true);
	k = nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev);
	assert_int_equal(k, 0);
	assert_int_equal(p.stmts[k].type, NSIMA_PSTMT_MEASURE);
	ev.kind = NSIMA_PKIND_MMAP_EXEC;
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev), 1);
	ev = ev_open("/etc/passwd", NSIMA_PMODE_READ, false);
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev), -1);
	nsima_policy_free(&p);
}

static void test_match_examples(void **state)
{
	struct nsima_policy p;
	struct nsima_policy_event ev;
	long k;

	(void)state;
	load("policy/examples/deny-downloads.policy", &p);
	FIRES(&p, ev_exec("/usr/bin/wget", NULL, false), "deny_wget");
	k = nsima_policy_match(&p, NSIMA_PSTMT_RULE,
			       &(struct nsima_policy_event){
				       .kind = NSIMA_PKIND_EXEC,
				       .path = "/tmp/x" });
	assert_int_equal(p.stmts[k].action, NSIMA_PACTION_DENY);
	assert_string_equal(p.stmts[k].id, "deny_tmp_exec");
	/* first match wins: /usr/local/bin/curl is denied as curl */
	FIRES(&p, ev_exec("/usr/local/bin/curl", NULL, false), "deny_curl");
	FIRES(&p, ev_exec("/usr/local/bin/app", NULL, false), "local_exec");
	ev = ev_exec("/dev/shm/lib.so", NULL, false);
	ev.kind = NSIMA_PKIND_MMAP_EXEC;
	FIRES(&p, ev, "deny_tmp_mmap");
	QUIET(&p, ev_exec("/tmp/x", NULL, true));
	nsima_policy_free(&p);

	load("policy/examples/one-cgroup.policy", &p);
	FIRES(&p, ev_connect("8.8.8.8", false, 4242), "db_only");
	FIRES(&p, ev_connect("fd00:21::1", false, 4242), "db_only");
	QUIET(&p, ev_connect("10.20.3.4", false, 4242));
	QUIET(&p, ev_connect("fd00:20::99", false, 4242));
	QUIET(&p, ev_connect("8.8.8.8", false, 4243));
	QUIET(&p, ev_connect("8.8.8.8", true, 0));
	ev = ev_cap(10, false);
	ev.cgroup = 4242;
	QUIET(&p, ev);
	ev.cap = 0;
	FIRES(&p, ev, "web_caps");
	ev = ev_open("/app/secrets dir/key", NSIMA_PMODE_WRITE, false);
	ev.cgroup = 4242;
	FIRES(&p, ev, "secret_write");
	ev.mode = NSIMA_PMODE_READ;
	QUIET(&p, ev);
	nsima_policy_free(&p);

	load("policy/examples/measure-only.policy", &p);
	ev = ev_open("/etc/ssl/certs/ca.pem", NSIMA_PMODE_READ, false);
	k = nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev);
	assert_int_equal(k, 2);
	assert_int_equal(p.stmts[k].type, NSIMA_PSTMT_DONT_MEASURE);
	ev.path = "/etc/hosts";
	k = nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev);
	assert_int_equal(k, 3);
	assert_int_equal(p.stmts[k].type, NSIMA_PSTMT_MEASURE);
	ev.host = true;
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev), -1);
	ev.host = false;
	ev.mode = NSIMA_PMODE_WRITE;
	assert_int_equal(nsima_policy_match(&p, NSIMA_PSTMT_MEASURE, &ev), -1);
	QUIET(&p, ev);
	nsima_policy_free(&p);

	/* first match wins over a more specific later rule */
	good("rule a exec prefix=/usr/ risk=low\n"
	     "rule b exec path=/usr/bin/wget risk=high\n"
	     "rule c connect allow=10.0.0.0/8 risk=low scope=cgroup:5\n"
	     "rule d connect allow=0.0.0.0/0 risk=high\n",
	     &p);
	FIRES(&p, ev_exec("/usr/bin/wget", NULL, false), "a");
	FIRES(&p, ev_connect("11.0.0.1", false, 5), "c");
	/* an IPv6 destination is outside an IPv4-only set */
	FIRES(&p, ev_connect("::1", false, 6), "d");
	QUIET(&p, ev_connect("11.0.0.1", false, 6));
	nsima_policy_free(&p);
}

static void test_malformed(void **state)
{
	(void)state;
	/* keywords, kinds, keys */
	bad("foo exec\n", 1, 1, "unknown keyword 'foo'");
	bad("\n\n  Rule x exec name=a risk=low\n", 3, 3, "unknown keyword 'Rule'");
	bad("rule\n", 1, 5, "a rule needs an id");
	bad("rule # c\n", 1, 6, "a rule needs an id");
	bad("rule x\n", 1, 7, "expected a kind");
	bad("rule x execs name=a risk=low\n", 1, 8, "unknown kind 'execs'");
	bad("measure mount\n", 1, 9, "measure applies to exec, mmap_exec and open");
	bad("dont_measure capable\n", 1, 14, "not capable");
	bad("rule x exec name=a risk=low colour=red\n", 1, 29,
	    "unknown key 'colour'");
	bad("rule x exec fstype=proc risk=low\n", 1, 13,
	    "rule exec takes no 'fstype'");
	bad("rule x connect allow=10.0.0.0/8 mode=read risk=low\n", 1, 33,
	    "rule connect takes no 'mode'");
	bad("measure exec risk=low\n", 1, 14, "measure exec takes no 'risk'");
	bad("measure exec name=sh\n", 1, 14, "measure exec takes no 'name'");
	bad("rule x exec name=a risk=low risk=high\n", 1, 29,
	    "duplicate key 'risk'");
	bad("rule x exec name=a name=b risk=low\n", 1, 20, "duplicate key 'name'");
	bad("rule x exec name=a risk=low garbage\n", 1, 29,
	    "expected key=value, not 'garbage'");
	bad("rule x exec name=a risk=low =x\n", 1, 29, "expected key=value");
	bad("rule x exec name=a risk =low\n", 1, 20, "expected key=value, not 'risk'");
	bad("rule x exec Name=a risk=low\n", 1, 13, "expected key=value");
	/* required keys: at the end of the statement */
	bad("rule x exec\n", 1, 12, "rule 'x' needs path= or prefix= or name=");
	bad("rule x exec risk=low   # c\n", 1, 21, "needs path= or prefix=");
	bad("rule x mount risk=low\n", 1, 22,
	    "needs fstype= or source= or target=");
	bad("rule x connect risk=low\n", 1, 24, "needs allow=");
	bad("rule x capable risk=low\n", 1, 24, "needs allow=");
	bad("rule x exec name=a\n", 1, 19, "rule 'x' needs risk=");
	/* single-valued keys */
	bad("rule x exec name=a risk=severe\n", 1, 25, "unknown risk");
	bad("rule x exec name=a risk=low action=block\n", 1, 36,
	    "unknown action (alert or deny)");
	bad("rule x exec name=a risk=low scope=pod\n", 1, 35, "unknown scope");
	bad("rule x exec name=a risk=low scope=cgroup:\n", 1, 42, "bad cgroup id");
	bad("rule x exec name=a risk=low scope=cgroup:0\n", 1, 42, "bad cgroup id");
	bad("rule x exec name=a risk=low scope=cgroup:012\n", 1, 42,
	    "bad cgroup id");
	bad("rule x exec name=a risk=low scope=cgroup:-1\n", 1, 42,
	    "bad cgroup id");
	bad("rule x exec name=a risk=low scope=cgroup:18446744073709551616\n",
	    1, 42, "bad cgroup id");
	bad("rule x exec name=a risk=low scope=cgroup:1x\n", 1, 42,
	    "bad cgroup id");
	bad("rule x open path=/a mode=rw risk=low\n", 1, 26, "unknown mode");
	bad("rule x open path=/a mode=read,write risk=low\n", 1, 30,
	    "'mode' takes one value");
	bad("rule x exec name=a risk=low,high\n", 1, 28, "'risk' takes one value");
	/* ids */
	bad("rule 1x exec name=a risk=low\n", 1, 6, "starts with a letter");
	bad("rule a/b exec name=a risk=low\n", 1, 7, "bad byte in a rule id");
	bad("rule abcdefghijabcdefghijabcdefghijab exec name=a risk=low\n", 1, 6,
	    "rule id longer than 31 bytes");
	bad("rule x exec name=a risk=low\n\nrule x exec name=b risk=low\n", 3, 6,
	    "duplicate rule id 'x' (line 1)");
	/* values, quoting */
	bad("rule x exec name= risk=low\n", 1, 18, "empty value");
	bad("rule x exec name=a, risk=low\n", 1, 20, "empty value");
	bad("rule x exec name=,a risk=low\n", 1, 18, "empty value");
	bad("rule x exec name=\"\" risk=low\n", 1, 18, "empty value");
	bad("rule x exec name=a,a risk=low\n", 1, 20, "'a' given twice");
	bad("rule x exec path=\"/a b risk=low\n", 1, 18,
	    "unterminated quoted value");
	bad("rule x exec path=\"/a\\\n", 1, 21, "bad escape");
	bad("rule x exec path=\"/a\\qb\" risk=low\n", 1, 21,
	    "bad escape in a quoted value");
	bad("rule x exec path=\"/a\"b risk=low\n", 1, 22,
	    "unexpected 'b' after a quoted value");
	bad("rule x exec path=\"/a\"# c\n", 1, 22, "unexpected '#'");
	bad("rule x exec path=/a#b risk=low\n", 1, 20,
	    "'#' in an unquoted value");
	bad("rule x exec path=/a\"b\" risk=low\n", 1, 20,
	    "'\"' in an unquoted value");
	bad("rule x exec path=/a\\b risk=low\n", 1, 20,
	    "'\\' in an unquoted value");
	/* paths */
	bad("rule x exec path=etc risk=low\n", 1, 18, "path is not absolute");
	bad("rule x exec prefix=tmp/ risk=low\n", 1, 20, "prefix is not absolute");
	bad("rule x exec name=a path=/a,b risk=low\n", 1, 28,
	    "path is not absolute");
	bad("rule x exec path=/a/../b risk=low\n", 1, 18, "a '..' component");
	bad("rule x exec path=/a/./b risk=low\n", 1, 18, "a '.' component");
	bad("rule x exec path=/a/. risk=low\n", 1, 18, "a '.' component");
	bad("rule x exec path=/a/ risk=low\n", 1, 18, "ends with '/'");
	bad("rule x exec prefix=/a//b risk=low\n", 1, 20, "empty component");
	bad("rule x exec prefix=/../ risk=low\n", 1, 20, "a '..' component");
	bad("rule x mount source=proc risk=low\n", 1, 21, "source is not absolute");
	bad("rule x mount target=mnt risk=low\n", 1, 21, "target is not absolute");
	bad("rule x exec name=bin/sh risk=low\n", 1, 18, "a name holds no '/'");
	bad("rule x exec name=.. risk=low\n", 1, 18, "'..' is not a file name");
	bad("rule x mount fstype=Proc risk=low\n", 1, 21, "bad fstype");
	bad("rule x mount fstype=ext4,fu:se risk=low\n", 1, 28, "bad fstype");
	/* CIDRs */
	bad("rule x connect allow=10.0.0.1/8 risk=low\n", 1, 22,
	    "host bits set in '10.0.0.1/8' (the network is 10.0.0.0/8)");
	bad("rule x connect allow=fe80::1/64 risk=low\n", 1, 22,
	    "the network is fe80::/64");
	bad("rule x connect allow=10.0.0.0/33 risk=low\n", 1, 31,
	    "prefix length 33 out of range 0..32");
	bad("rule x connect allow=::/129 risk=low\n", 1, 25,
	    "prefix length 129 out of range 0..128");
	bad("rule x connect allow=10.0.0.0 risk=low\n", 1, 22,
	    "lacks a /prefix length");
	bad("rule x connect allow=10.0.0.0/ risk=low\n", 1, 31,
	    "bad prefix length");
	bad("rule x connect allow=10.0.0.0/08 risk=low\n", 1, 31,
	    "bad prefix length");
	bad("rule x connect allow=10.0.0.0/8x risk=low\n", 1, 31,
	    "bad prefix length");
	bad("rule x connect allow=10.0.0.0/-8 risk=low\n", 1, 31,
	    "bad prefix length");
	bad("rule x connect allow=10.0.0/24 risk=low\n", 1, 22,
	    "bad IPv4 address '10.0.0'");
	bad("rule x connect allow=010.0.0.0/8 risk=low\n", 1, 22,
	    "bad IPv4 address");
	bad("rule x connect allow=256.0.0.0/8 risk=low\n", 1, 22,
	    "bad IPv4 address");
	bad("rule x connect allow=/8 risk=low\n", 1, 22, "bad address");
	bad("rule x connect allow=fe80::1%eth0/128 risk=low\n", 1, 22,
	    "bad IPv6 address");
	bad("rule x connect allow=1:2:3:4:5:6:7:8:9/128 risk=low\n", 1, 22,
	    "bad IPv6 address");
	bad("rule x connect allow=10.0.0.0/8,10.0.0.0/8 risk=low\n", 1, 33,
	    "'10.0.0.0/8' given twice");
	bad("rule x connect allow=2001:db8::/32,2001:DB8:0::/32 risk=low\n", 1,
	    36, "given twice");
	/* capabilities */
	bad("rule x capable allow=cap_foo risk=low\n", 1, 22,
	    "unknown capability 'cap_foo'");
	bad("rule x capable allow=41 risk=low\n", 1, 22, "unknown capability");
	bad("rule x capable allow=chown,CAP_CHOWN risk=low\n", 1, 28,
	    "capability chown given twice");
	bad("rule x capable allow=,chown risk=low\n", 1, 22, "empty value");
}

static void test_bytes(void **state)
{
	(void)state;
	bad_n("rule x exec name=a risk=low\0\n", 29, 1, 28, "NUL byte");
	bad_n("\0", 1, 1, 1, "NUL byte");
	bad("measure exec\r\n", 1, 13, "carriage return");
	bad("measure exec\n\x1b[31m\n", 2, 1, "control byte 0x1b");
	bad("# \x7f\n", 1, 3, "control byte 0x7f");
	bad("rule x exec name=\xff risk=low\n", 1, 18, "invalid UTF-8");
	bad("# caf\xc3\n", 1, 6, "invalid UTF-8 (byte 0xc3)");
	bad("# \xc0\xaf overlong\n", 1, 3, "invalid UTF-8");
	bad("# \xed\xa0\x80 surrogate\n", 1, 3, "invalid UTF-8");
	bad("# \xf4\x90\x80\x80 above U+10FFFF\n", 1, 3, "invalid UTF-8");
	bad("#\xe2\x82 cut\n", 1, 2, "invalid UTF-8");
	/* a comment may hold any text; a tab is white space */
	bad("\tmeasure\texec\tfoo\n", 1, 15, "expected key=value, not 'foo'");
}

static void test_bounds(void **state)
{
	struct nsima_policy p;
	size_t n = 2 * NSIMA_POLICY_FILE_MAX, i, off;
	char *buf = malloc(n + 1), *q;

	(void)state;
	assert_non_null(buf);
	/* a line of 4096 bytes is fine, 4097 is not */
	memset(buf, '#', NSIMA_POLICY_LINE_MAX);
	buf[NSIMA_POLICY_LINE_MAX] = '\n';
	buf[NSIMA_POLICY_LINE_MAX + 1] = '\0';
	good(buf, &p);
	nsima_policy_free(&p);
	memcpy(buf, "measure exec\n", 13);
	memset(buf + 13, '#', NSIMA_POLICY_LINE_MAX + 1);
	buf[13 + NSIMA_POLICY_LINE_MAX + 1] = '\0';
	bad(buf, 2, NSIMA_POLICY_LINE_MAX + 1, "line longer than 4096 bytes");

	/* a file of FILE_MAX bytes is fine (comments), one more is not */
	for (i = 0; i < NSIMA_POLICY_FILE_MAX; i += 1024) {
		memset(buf + i, '#', 1023);
		buf[i + 1023] = '\n';
	}
	bad_n(buf, NSIMA_POLICY_FILE_MAX + 1, 1025, 1,
	      "policy larger than 1048576 bytes");
	bad_n(buf, n, 1025, 1, "policy larger than");
	buf[NSIMA_POLICY_FILE_MAX] = '\0';
	good(buf, &p);
	nsima_policy_free(&p);

	/* 1024 statements, then one too many */
	for (q = buf, i = 0; i < NSIMA_POLICY_STMT_MAX; i++)
		q += sprintf(q, "measure exec\n");
	good(buf, &p);
	assert_int_equal(p.nstmts, NSIMA_POLICY_STMT_MAX);
	nsima_policy_free(&p);
	strcpy(q, "  measure exec\n");
	bad(buf, NSIMA_POLICY_STMT_MAX + 1, 3, "more than 1024 statements");

	/* 64 values in a line, then 65 */
	q = buf + sprintf(buf, "rule x exec risk=low name=n0");
	for (i = 1; i < NSIMA_POLICY_LIST_MAX; i++)
		q += sprintf(q, ",n%zu", i);
	strcpy(q, "\n");
	good(buf, &p);
	assert_int_equal(p.stmts[0].count, NSIMA_POLICY_LIST_MAX);
	nsima_policy_free(&p);
	off = (size_t)(q - buf) + 2;
	strcpy(q, ",n64\n");
	bad(buf, 1, (uint32_t)off, "more than 64 values in one line");

	/* 4096 values in the file, then one more */
	for (q = buf, i = 0; i < NSIMA_POLICY_ITEMS_MAX / 64; i++) {
		size_t k;

		q += sprintf(q, "rule r%zu exec risk=low name=a", i);
		for (k = 1; k < 64; k++)
			q += sprintf(q, ",a%zu", k);
		*q++ = '\n';
	}
	*q = '\0';
	good(buf, &p);
	assert_int_equal(p.nitems, NSIMA_POLICY_ITEMS_MAX);
	nsima_policy_free(&p);
	strcpy(q, "rule last exec risk=low name=x\n");
	bad(buf, NSIMA_POLICY_ITEMS_MAX / 64 + 1, 30,
	    "more than 4096 values in the policy");

	/* paths of 239 bytes, then 240 */
	q = buf + sprintf(buf, "rule x exec risk=low path=/");
	memset(q, 'a', NSIMA_POLICY_PATH_MAX - 1);
	strcpy(q + NSIMA_POLICY_PATH_MAX - 1, "\n");
	good(buf, &p);
	assert_int_equal(p.items[0].len, NSIMA_POLICY_PATH_MAX);
	assert_int_equal(p.items[0].str[NSIMA_POLICY_PATH_MAX], '\0');
	nsima_policy_free(&p);
	strcpy(q + NSIMA_POLICY_PATH_MAX - 1, "a\n");
	bad(buf, 1, 27, "path longer than 239 bytes");
	q = buf + sprintf(buf, "rule x exec risk=low name=");
	memset(q, 'n', NSIMA_POLICY_PATH_MAX + 1);
	strcpy(q + NSIMA_POLICY_PATH_MAX + 1, "\n");
	bad(buf, 1, 27, "name longer than 239 bytes");
	/* the escapes count once: 239 bytes quoted in 240+ */
	q = buf + sprintf(buf, "rule x exec risk=low path=\"/\\\\");
	memset(q, 'a', NSIMA_POLICY_PATH_MAX - 2);
	strcpy(q + NSIMA_POLICY_PATH_MAX - 2, "\"\n");
	good(buf, &p);
	assert_int_equal(p.items[0].len, NSIMA_POLICY_PATH_MAX);
	nsima_policy_free(&p);
	good("rule x mount fstype=abcdefghijabcdefghijabcdefghij1 risk=low\n",
	     &p);
	nsima_policy_free(&p);
	bad("rule x mount fstype=abcdefghijabcdefghijabcdefghij12 risk=low\n", 1,
	    21, "fstype longer than 31 bytes");
	good("rule abcdefghijabcdefghijabcdefghij1 exec name=a risk=low\n", &p);
	nsima_policy_free(&p);
	free(buf);
}

static void test_layout(void **state)
{
	char scope[32];
	struct nsima_policy_stmt s = { .scope = NSIMA_PSCOPE_CGROUP,
				       .cgroup = 99 };

	(void)state;
	assert_string_equal(nsima_policy_scope_str(&s, scope, sizeof(scope)),
			    "cgroup:99");
	assert_string_equal(nsima_policy_kind_name(NSIMA_PKIND_MMAP_EXEC),
			    "mmap_exec");
	assert_string_equal(nsima_policy_kind_name(0), "?");
	assert_string_equal(nsima_policy_risk_name(NSIMA_PRISK_CRITICAL),
			    "critical");
	assert_string_equal(nsima_policy_mode_name(NSIMA_PMODE_ANY), "any");
	assert_string_equal(nsima_policy_action_name(9), "?");
	assert_string_equal(nsima_policy_field_name(NSIMA_PFIELD_CIDR), "allow");
	assert_int_equal(nsima_policy_parse(NULL, 1, "t", NULL, NULL),
			 NSIMA_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_open_mmap),
		cmocka_unit_test(test_mount),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_capable),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_match_default),
		cmocka_unit_test(test_match_examples),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
