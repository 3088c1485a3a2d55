// SPDX-License-Identifier: GPL-2.0
/*
 * The nsima policy file (docs/policy.md): a line at a time, a token at a
 * time, every bound checked; the first error ends the parse with its
 * line and byte column.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hash.h"
#include "policy.h"

/* Keys a statement may carry. */
enum pkey {
	K_PATH,
	K_PREFIX,
	K_NAME,
	K_FSTYPE,
	K_SOURCE,
	K_TARGET,
	K_ALLOW,
	K_MODE,
	K_RISK,
	K_ACTION,
	K_SCOPE,
	K_COUNT,
};

static const char *const key_names[K_COUNT] = {
	[K_PATH] = "path",	[K_PREFIX] = "prefix", [K_NAME] = "name",
	[K_FSTYPE] = "fstype",	[K_SOURCE] = "source", [K_TARGET] = "target",
	[K_ALLOW] = "allow",	[K_MODE] = "mode",     [K_RISK] = "risk",
	[K_ACTION] = "action",	[K_SCOPE] = "scope",
};

#define KB(k)	(1U << (k))
#define RULE_KEYS	(KB(K_RISK) | KB(K_ACTION) | KB(K_SCOPE))

/* Per kind: its name, the keys of its rules and of its measure lines. */
static const struct {
	const char *name;
	unsigned int rule_keys;
	unsigned int match_keys;	/* a rule needs one of these */
	unsigned int measure_keys;	/* 0: cannot be measured */
	bool can_deny;			/* the LSM hook can refuse */
} kinds[NSIMA_PKIND_MAX + 1] = {
	[NSIMA_PKIND_EXEC] = {
		"exec", KB(K_PATH) | KB(K_PREFIX) | KB(K_NAME) | RULE_KEYS,
		KB(K_PATH) | KB(K_PREFIX) | KB(K_NAME),
		KB(K_PATH) | KB(K_PREFIX) | KB(K_SCOPE), true },
	[NSIMA_PKIND_MMAP_EXEC] = {
		"mmap_exec", KB(K_PATH) | KB(K_PREFIX) | RULE_KEYS,
		KB(K_PATH) | KB(K_PREFIX),
		KB(K_PATH) | KB(K_PREFIX) | KB(K_SCOPE), true },
	[NSIMA_PKIND_OPEN] = {
		"open", KB(K_PATH) | KB(K_PREFIX) | KB(K_MODE) | RULE_KEYS,
		KB(K_PATH) | KB(K_PREFIX),
		KB(K_PATH) | KB(K_PREFIX) | KB(K_MODE) | KB(K_SCOPE), true },
	[NSIMA_PKIND_MOUNT] = {
		"mount", KB(K_FSTYPE) | KB(K_SOURCE) | KB(K_TARGET) | RULE_KEYS,
		KB(K_FSTYPE) | KB(K_SOURCE) | KB(K_TARGET), 0, true },
	[NSIMA_PKIND_CONNECT] = {
		"connect", KB(K_ALLOW) | RULE_KEYS, KB(K_ALLOW), 0, true },
	[NSIMA_PKIND_CAPABLE] = {
		"capable", KB(K_ALLOW) | RULE_KEYS, KB(K_ALLOW), 0, true },
};

/* Keys whose value is a list of items of this field (0: one value). */
static const uint8_t key_field[K_COUNT] = {
	[K_PATH] = NSIMA_PFIELD_PATH,	  [K_PREFIX] = NSIMA_PFIELD_PREFIX,
	[K_NAME] = NSIMA_PFIELD_NAME,	  [K_FSTYPE] = NSIMA_PFIELD_FSTYPE,
	[K_SOURCE] = NSIMA_PFIELD_SOURCE, [K_TARGET] = NSIMA_PFIELD_TARGET,
};

static const char *const risk_names[] = { "", "low", "medium", "high",
					   "critical" };
static const char *const action_names[] = { "", "alert", "deny" };
static const char *const mode_names[] = { "", "read", "write", "any" };
static const char *const type_names[] = { "", "measure", "dont_measure",
					  "rule" };
static const char *const field_names[] = {
	"", "path", "prefix", "name", "fstype", "source", "target", "allow",
};

/* include/uapi/linux/capability.h of Linux 6.1 */
static const char *const cap_names[NSIMA_CAP_LAST + 1] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

#define NAME_OF(tab, i) \
	((i) > 0 && (i) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[i] : "?")

const char *nsima_policy_kind_name(unsigned int kind)
{
	return kind >= 1 && kind <= NSIMA_PKIND_MAX ? kinds[kind].name : "?";
}

const char *nsima_policy_risk_name(unsigned int risk)
{
	return NAME_OF(risk_names, risk);
}

const char *nsima_policy_action_name(unsigned int action)
{
	return NAME_OF(action_names, action);
}

const char *nsima_policy_mode_name(unsigned int mode)
{
	return NAME_OF(mode_names, mode);
}

const char *nsima_policy_field_name(unsigned int field)
{
	return NAME_OF(field_names, field);
}

const char *nsima_policy_type_name(unsigned int type)
{
	return NAME_OF(type_names, type);
}

const char *nsima_policy_cap_name(unsigned int cap)
{
	return cap <= NSIMA_CAP_LAST ? cap_names[cap] : NULL;
}

char *nsima_policy_scope_str(const struct nsima_policy_stmt *s, char *buf,
			     size_t size)
{
	switch (s->scope) {
	case NSIMA_PSCOPE_ANY:
		snprintf(buf, size, "any");
		break;
	case NSIMA_PSCOPE_HOST:
		snprintf(buf, size, "host");
		break;
	case NSIMA_PSCOPE_CONTAINER:
		snprintf(buf, size, "container");
		break;
	case NSIMA_PSCOPE_CGROUP:
		snprintf(buf, size, "cgroup:%llu",
			 (unsigned long long)s->cgroup);
		break;
	default:
		snprintf(buf, size, "?");
	}
	return buf;
}

/* @s of @len bytes is @word exactly */
static bool is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

static int lookup(const char *const *tab, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (is(s, len, tab[i]))
			return (int)i;
	return -1;
}

int nsima_policy_cap_parse(const char *s, size_t len)
{
	char low[32], *name = low;
	size_t i;
	unsigned int v = 0;

	if (!len || len >= sizeof(low))
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		if (len > 2 || (len == 2 && s[0] == '0'))
			return -1;
		for (i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v = v * 10 + (unsigned int)(s[i] - '0');
		}
		return v <= NSIMA_CAP_LAST ? (int)v : -1;
	}
	for (i = 0; i < len; i++)
		low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) :
							 s[i];
	low[len] = '\0';
	if (!strncmp(low, "cap_", 4)) {
		name += 4;
		len -= 4;
	}
	for (i = 0; i <= NSIMA_CAP_LAST; i++)
		if (is(name, len, cap_names[i]))
			return (int)i;
	return -1;
}

int nsima_policy_digest(const uint8_t *buf, size_t len, uint8_t out[32],
			struct nsima_err *err)
{
	return nsima_hash(NSIMA_BANK_SHA256, buf, len, out, err);
}

void nsima_policy_free(struct nsima_policy *p)
{
	if (!p)
		return;
	free(p->stmts);
	free(p->items);
	p->stmts = NULL;
	p->items = NULL;
	p->nstmts = p->nitems = p->nrules = 0;
}

/* The parser's state: the file, the line being read, the output. */
struct pctx {
	const char *name;
	struct nsima_policy *p;
	struct nsima_err *err;
	uint32_t line;
	const char *l;			/* the line, without its newline */
	size_t llen;
	size_t cap_stmts;
	size_t cap_items;
	char val[NSIMA_POLICY_LINE_MAX + 1];	/* one decoded value */
	size_t vlen;
};

/* Copy @s for a message: printable ASCII kept, at most @max bytes. */
static void shown(char *out, size_t size, const char *s, size_t len,
		  size_t max)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 4 < size; i++) {
		if (i == max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	out[o] = '\0';
}

/* Fail at byte @off of the current line. */
static int __attribute__((format(printf, 3, 4)))
perr(struct pctx *c, size_t off, const char *fmt, ...)
{
	char name[128], msg[NSIMA_ERR_MSG_MAX];
	const char *n = c->name ? c->name : "<policy>";
	va_list ap;

	c->p->err_line = c->line;
	c->p->err_col = (uint32_t)off + 1;
	if (!c->err)
		return NSIMA_EMALFORMED;
	shown(name, sizeof(name), n, strlen(n), 100);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nsima_err_set(c->err, NSIMA_EMALFORMED, NSIMA_AT_LINE, c->line,
			     "%s:%u:%zu: %s", name, c->line, off + 1, msg);
}

static int nomem(struct pctx *c)
{
	c->p->err_line = c->line;
	c->p->err_col = 0;
	return nsima_err_set(c->err, NSIMA_ENOMEM, NSIMA_AT_LINE, c->line,
			     "%s: out of memory",
			     c->name ? c->name : "<policy>");
}

/*
 * Length of the UTF-8 sequence at @s (at most @n bytes), 0 if it is not
 * one (overlong forms, surrogates and code points above U+10FFFF too).
 */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Only text: UTF-8, no control byte but the tab. */
static int check_bytes(struct pctx *c)
{
	const uint8_t *s = (const uint8_t *)c->l;
	size_t i = 0, n;

	while (i < c->llen) {
		if (s[i] == '\0')
			return perr(c, i, "NUL byte");
		if (s[i] == '\r')
			return perr(c, i,
				    "carriage return (lines end with LF only)");
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return perr(c, i, "control byte 0x%02x", s[i]);
		n = utf8_len(s + i, c->llen - i);
		if (!n)
			return perr(c, i, "invalid UTF-8 (byte 0x%02x)", s[i]);
		i += n;
	}
	return 0;
}

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t';
}

static size_t skip_ws(const struct pctx *c, size_t i)
{
	while (i < c->llen && is_ws(c->l[i]))
		i++;
	return i;
}

/* End of the word at @i: up to white space or the end of the line. */
static size_t word_end(const struct pctx *c, size_t i)
{
	while (i < c->llen && !is_ws(c->l[i]))
		i++;
	return i;
}

/* A byte an unquoted value may hold: not space, '"', ',', '#', '\'. */
static bool bare_ok(char ch)
{
	return !is_ws(ch) && ch != '"' && ch != ',' && ch != '#' &&
	       ch != '\\';
}

/*
 * Read one value at *i into c->val (c->vlen): unquoted, or "..." with
 * \" and \\. *i ends after it.
 */
static int read_item(struct pctx *c, size_t *i)
{
	size_t j = *i;

	c->vlen = 0;
	if (j < c->llen && c->l[j] == '"') {
		for (j++;; j++) {
			if (j >= c->llen)
				return perr(c, *i, "unterminated quoted value");
			if (c->l[j] == '"')
				break;
			if (c->l[j] == '\\') {
				if (j + 1 >= c->llen ||
				    (c->l[j + 1] != '"' && c->l[j + 1] != '\\'))
					return perr(c, j,
						    "bad escape in a quoted value (only \\\" and \\\\)");
				j++;
			}
			c->val[c->vlen++] = c->l[j];
		}
		j++;
		if (j < c->llen && c->l[j] != ',' && !is_ws(c->l[j]))
			return perr(c, j, "unexpected '%c' after a quoted value",
				    c->l[j] >= 0x20 && c->l[j] < 0x7f ?
					    c->l[j] : '?');
		if (!c->vlen)
			return perr(c, *i, "empty value");
	} else {
		while (j < c->llen && bare_ok(c->l[j]))
			c->val[c->vlen++] = c->l[j++];
		if (j < c->llen && (c->l[j] == '"' || c->l[j] == '\\' ||
				    c->l[j] == '#'))
			return perr(c, j,
				    "'%c' in an unquoted value (quote the value)",
				    c->l[j]);
		if (!c->vlen)
			return perr(c, j, "empty value");
	}
	c->val[c->vlen] = '\0';
	*i = j;
	return 0;
}

static int new_item(struct pctx *c, size_t off,
		    struct nsima_policy_item **out)
{
	struct nsima_policy *p = c->p;
	struct nsima_policy_item *it = NULL;

	if (p->nitems >= NSIMA_POLICY_ITEMS_MAX)
		return perr(c, off, "more than %u values in the policy",
			    NSIMA_POLICY_ITEMS_MAX);
	if (p->nitems == c->cap_items) {
		size_t cap = c->cap_items ? 2 * c->cap_items : 64;

		it = realloc(p->items, cap * sizeof(*it));
		if (!it)
			return nomem(c);
		p->items = it;
		c->cap_items = cap;
	}
	it = &p->items[p->nitems++];
	memset(it, 0, sizeof(*it));
	*out = it;
	return 0;
}

/*
 * A path as the kernel prints one: absolute, no empty, "." or ".."
 * component. A prefix's last component may be partial (anything goes).
 */
static int check_path(struct pctx *c, size_t off, const char *what,
		      bool prefix)
{
	const char *s = c->val;
	size_t i, start, n;

	if (c->vlen > NSIMA_POLICY_PATH_MAX)
		return perr(c, off, "%s longer than %u bytes", what,
			    NSIMA_POLICY_PATH_MAX);
	if (s[0] != '/')
		return perr(c, off, "%s is not absolute (must start with '/')",
			    what);
	for (start = 1, i = 1; i <= c->vlen; i++) {
		if (i < c->vlen && s[i] != '/')
			continue;
		if (i == c->vlen && prefix)
			break;
		n = i - start;
		if (i == c->vlen && n == 0 && c->vlen > 1)
			return perr(c, off,
				    "%s ends with '/' (it names a file; use prefix= for a directory)",
				    what);
		if (i < c->vlen && n == 0)
			return perr(c, off, "%s has an empty component ('//')",
				    what);
		if ((n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.'))
			return perr(c, off, "%s has a '%.*s' component", what,
				    (int)n, s + start);
		start = i + 1;
	}
	return 0;
}

static int check_string(struct pctx *c, size_t off, unsigned int field)
{
	size_t i;

	switch (field) {
	case NSIMA_PFIELD_PATH:
		return check_path(c, off, "path", false);
	case NSIMA_PFIELD_PREFIX:
		return check_path(c, off, "prefix", true);
	case NSIMA_PFIELD_SOURCE:
		return check_path(c, off, "source", true);
	case NSIMA_PFIELD_TARGET:
		return check_path(c, off, "target", true);
	case NSIMA_PFIELD_NAME:
		if (c->vlen > NSIMA_POLICY_PATH_MAX)
			return perr(c, off, "name longer than %u bytes",
				    NSIMA_POLICY_PATH_MAX);
		if (memchr(c->val, '/', c->vlen))
			return perr(c, off,
				    "a name holds no '/' (use path= or prefix=)");
		if (is(c->val, c->vlen, ".") || is(c->val, c->vlen, ".."))
			return perr(c, off, "'%s' is not a file name", c->val);
		return 0;
	case NSIMA_PFIELD_FSTYPE:
		if (c->vlen > NSIMA_POLICY_FSTYPE_MAX)
			return perr(c, off, "fstype longer than %u bytes",
				    NSIMA_POLICY_FSTYPE_MAX);
		for (i = 0; i < c->vlen; i++) {
			char ch = c->val[i];

			if (!((ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9') || ch == '_' ||
			      ch == '.' || ch == '-'))
				return perr(c, off + i,
					    "bad fstype (lower case letters, digits, '_', '.', '-')");
		}
		return 0;
	}
	return perr(c, off, "internal: field %u", field);
}

static int parse_cidr(struct pctx *c, size_t off,
		      struct nsima_policy_item *it)
{
	char addr[64], shown_v[64];
	uint8_t net[16];
	const char *slash = memchr(c->val, '/', c->vlen);
	size_t alen, i, plen;
	unsigned int bits = 0, max;
	int family;

	shown(shown_v, sizeof(shown_v), c->val, c->vlen, 50);
	if (!slash)
		return perr(c, off, "'%s' lacks a /prefix length", shown_v);
	alen = (size_t)(slash - c->val);
	plen = c->vlen - alen - 1;
	if (!alen || alen >= sizeof(addr))
		return perr(c, off, "bad address in '%s'", shown_v);
	memcpy(addr, c->val, alen);
	addr[alen] = '\0';
	family = memchr(addr, ':', alen) ? AF_INET6 : AF_INET;
	if (inet_pton(family, addr, it->addr) != 1)
		return perr(c, off, "bad %s address '%s'",
			    family == AF_INET ? "IPv4" : "IPv6", addr);
	max = family == AF_INET ? 32 : 128;
	if (!plen || plen > 3 || (plen > 1 && slash[1] == '0'))
		return perr(c, off + alen + 1, "bad prefix length in '%s'",
			    shown_v);
	for (i = 1; i <= plen; i++) {
		if (slash[i] < '0' || slash[i] > '9')
			return perr(c, off + alen + 1,
				    "bad prefix length in '%s'", shown_v);
		bits = bits * 10 + (unsigned int)(slash[i] - '0');
	}
	if (bits > max)
		return perr(c, off + alen + 1,
			    "prefix length %u out of range 0..%u", bits, max);
	memcpy(net, it->addr, sizeof(net));
	for (i = 0; i < max / 8; i++) {
		unsigned int have = 8 * (unsigned int)i;
		unsigned int keep = bits >= have + 8 ? 8 :
				    bits > have ? bits - have : 0;

		net[i] &= (uint8_t)(0xff00 >> keep);
	}
	if (memcmp(net, it->addr, max / 8)) {
		char ns[INET6_ADDRSTRLEN];

		inet_ntop(family, net, ns, sizeof(ns));
		return perr(c, off,
			    "host bits set in '%s' (the network is %s/%u)",
			    shown_v, ns, bits);
	}
	it->field = NSIMA_PFIELD_CIDR;
	it->family = (uint8_t)family;
	it->prefixlen = (uint8_t)bits;
	return 0;
}

static bool same_item(const struct nsima_policy_item *a,
		      const struct nsima_policy_item *b)
{
	if (a->field != b->field)
		return false;
	if (a->field == NSIMA_PFIELD_CIDR)
		return a->family == b->family && a->prefixlen == b->prefixlen &&
		       !memcmp(a->addr, b->addr, sizeof(a->addr));
	return a->len == b->len && !memcmp(a->str, b->str, a->len);
}

/* One value of a list key: check it, keep it. */
static int add_value(struct pctx *c, struct nsima_policy_stmt *s,
		     enum pkey key, size_t off)
{
	struct nsima_policy_item *it = NULL;
	size_t k;
	int rc, cap;

	if (key == K_ALLOW && s->kind == NSIMA_PKIND_CAPABLE) {
		cap = nsima_policy_cap_parse(c->val, c->vlen);
		if (cap < 0) {
			char v[64];

			shown(v, sizeof(v), c->val, c->vlen, 40);
			return perr(c, off, "unknown capability '%s'", v);
		}
		if (s->caps & (1ULL << cap))
			return perr(c, off, "capability %s given twice",
				    cap_names[cap]);
		s->caps |= 1ULL << cap;
		return 0;
	}
	rc = new_item(c, off, &it);
	if (rc)
		return rc;
	if (key == K_ALLOW) {
		rc = parse_cidr(c, off, it);
	} else {
		it->field = key_field[key];
		rc = check_string(c, off, it->field);
		if (!rc) {
			it->len = (uint16_t)c->vlen;
			memcpy(it->str, c->val, c->vlen);
		}
	}
	if (rc) {
		c->p->nitems--;
		return rc;
	}
	for (k = s->first; k < c->p->nitems - 1; k++) {
		if (same_item(&c->p->items[k], it)) {
			char v[64];

			c->p->nitems--;
			shown(v, sizeof(v), c->val, c->vlen, 40);
			return perr(c, off, "'%s' given twice", v);
		}
	}
	s->count++;
	return 0;
}

static int parse_scope(struct pctx *c, struct nsima_policy_stmt *s,
		       size_t off)
{
	uint64_t v = 0;
	size_t i;

	if (is(c->val, c->vlen, "any")) {
		s->scope = NSIMA_PSCOPE_ANY;
		return 0;
	}
	if (is(c->val, c->vlen, "host")) {
		s->scope = NSIMA_PSCOPE_HOST;
		return 0;
	}
	if (is(c->val, c->vlen, "container")) {
		s->scope = NSIMA_PSCOPE_CONTAINER;
		return 0;
	}
	if (c->vlen < 7 || memcmp(c->val, "cgroup:", 7))
		return perr(c, off,
			    "unknown scope (host, container, cgroup:<id> or any)");
	if (c->vlen == 7 || c->vlen > 7 + 20 || c->val[7] == '0')
		return perr(c, off + 7,
			    "bad cgroup id (a decimal number from 1)");
	for (i = 7; i < c->vlen; i++) {
		unsigned int d = (unsigned int)(c->val[i] - '0');

		if (c->val[i] < '0' || c->val[i] > '9' ||
		    v > (UINT64_MAX - d) / 10)
			return perr(c, off + 7,
				    "bad cgroup id (a decimal number from 1)");
		v = v * 10 + d;
	}
	s->scope = NSIMA_PSCOPE_CGROUP;
	s->cgroup = v;
	return 0;
}

/* A key that takes one word. */
static int set_single(struct pctx *c, struct nsima_policy_stmt *s,
		      enum pkey key, size_t off)
{
	int v;

	switch (key) {
	case K_MODE:
		v = lookup(mode_names, 4, c->val, c->vlen);
		if (v < 0)
			return perr(c, off, "unknown mode (read, write or any)");
		s->mode = (uint8_t)v;
		return 0;
	case K_RISK:
		v = lookup(risk_names, 5, c->val, c->vlen);
		if (v < 0)
			return perr(c, off,
				    "unknown risk (low, medium, high or critical)");
		s->risk = (uint8_t)v;
		return 0;
	case K_ACTION:
		v = lookup(action_names, 3, c->val, c->vlen);
		if (v < 0)
			return perr(c, off, "unknown action (alert or deny)");
		if (v == NSIMA_PACTION_DENY && !kinds[s->kind].can_deny)
			return perr(c, off, "%s cannot be denied",
				    kinds[s->kind].name);
		s->action = (uint8_t)v;
		return 0;
	case K_SCOPE:
		return parse_scope(c, s, off);
	default:
		return perr(c, off, "internal: key %d", key);
	}
}

static int key_lookup(const char *s, size_t len)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (is(s, len, key_names[k]))
			return k;
	return -1;
}

static bool is_list_key(enum pkey k)
{
	return k <= K_ALLOW;
}

/* Items of one statement in field order (stable): its canonical order. */
static void sort_items(struct nsima_policy *p, struct nsima_policy_stmt *s)
{
	struct nsima_policy_item tmp, *it;
	size_t i, j;

	if (s->count < 2)
		return;
	it = p->items + s->first;
	for (i = 1; i < s->count; i++) {
		if (it[i].field >= it[i - 1].field)
			continue;
		tmp = it[i];
		for (j = i; j > 0 && it[j - 1].field > tmp.field; j--)
			it[j] = it[j - 1];
		it[j] = tmp;
	}
}

static int parse_id(struct pctx *c, size_t i, size_t end,
		    struct nsima_policy_stmt *s)
{
	const char *id = c->l + i;
	size_t n = end - i, k;

	if (!n || id[0] == '#')
		return perr(c, i, "a rule needs an id after 'rule'");
	if (n > NSIMA_POLICY_ID_MAX)
		return perr(c, i, "rule id longer than %u bytes",
			    NSIMA_POLICY_ID_MAX);
	if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
		return perr(c, i, "a rule id starts with a letter");
	for (k = 1; k < n; k++) {
		char ch = id[k];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.'))
			return perr(c, i + k,
				    "bad byte in a rule id (letters, digits, '_', '-', '.')");
	}
	for (k = 0; k + 1 < c->p->nstmts; k++) {
		const struct nsima_policy_stmt *o = &c->p->stmts[k];

		if (o->type == NSIMA_PSTMT_RULE && is(id, n, o->id))
			return perr(c, i, "duplicate rule id '%s' (line %u)",
				    o->id, o->line);
	}
	memcpy(s->id, id, n);
	s->id[n] = '\0';
	return 0;
}

static int new_stmt(struct pctx *c, size_t off,
		    struct nsima_policy_stmt **out)
{
	struct nsima_policy *p = c->p;
	struct nsima_policy_stmt *s = NULL;

	if (p->nstmts >= NSIMA_POLICY_STMT_MAX)
		return perr(c, off, "more than %u statements",
			    NSIMA_POLICY_STMT_MAX);
	if (p->nstmts == c->cap_stmts) {
		size_t cap = c->cap_stmts ? 2 * c->cap_stmts : 16;

		s = realloc(p->stmts, cap * sizeof(*s));
		if (!s)
			return nomem(c);
		p->stmts = s;
		c->cap_stmts = cap;
	}
	s = &p->stmts[p->nstmts++];
	memset(s, 0, sizeof(*s));
	s->line = c->line;
	s->first = (uint32_t)p->nitems;
	*out = s;
	return 0;
}

static int parse_line(struct pctx *c)
{
	struct nsima_policy_stmt *s = NULL;
	unsigned int seen = 0, allowed;
	size_t i = skip_ws(c, 0), end, start = i, last;
	int t, kind, rc;

	if (i == c->llen || c->l[i] == '#')
		return 0;
	end = word_end(c, i);
	t = lookup(type_names, 4, c->l + i, end - i);
	if (t < 0) {
		char w[64];

		shown(w, sizeof(w), c->l + i, end - i, 40);
		return perr(c, i,
			    "unknown keyword '%s' (measure, dont_measure or rule)",
			    w);
	}
	rc = new_stmt(c, start, &s);
	if (rc)
		return rc;
	s->type = (uint8_t)t;
	i = skip_ws(c, end);
	if (t == NSIMA_PSTMT_RULE) {
		end = word_end(c, i);
		rc = parse_id(c, i, end, s);
		if (rc)
			return rc;
		i = skip_ws(c, end);
	}
	end = word_end(c, i);
	if (i == end || c->l[i] == '#')
		return perr(c, i,
			    "expected a kind (exec, mmap_exec, open, mount, connect or capable)");
	kind = lookup((const char *const[]){ "", "exec", "mmap_exec", "open",
					     "mount", "connect", "capable" },
		      NSIMA_PKIND_MAX + 1, c->l + i, end - i);
	if (kind < 0) {
		char w[64];

		shown(w, sizeof(w), c->l + i, end - i, 40);
		return perr(c, i,
			    "unknown kind '%s' (exec, mmap_exec, open, mount, connect or capable)",
			    w);
	}
	s->kind = (uint8_t)kind;
	if (t == NSIMA_PSTMT_RULE) {
		allowed = kinds[kind].rule_keys;
		s->action = NSIMA_PACTION_ALERT;
		c->p->nrules++;
	} else {
		allowed = kinds[kind].measure_keys;
		if (!allowed)
			return perr(c, i,
				    "%s applies to exec, mmap_exec and open, not %s",
				    type_names[t], kinds[kind].name);
	}
	if (kind == NSIMA_PKIND_OPEN)
		s->mode = NSIMA_PMODE_ANY;
	last = end;

	for (i = skip_ws(c, end); i < c->llen && c->l[i] != '#';
	     i = skip_ws(c, i)) {
		size_t kstart = i, eq;
		int key;

		if (i == last)
			return perr(c, i, "expected white space");
		while (i < c->llen && c->l[i] >= 'a' && c->l[i] <= 'z')
			i++;
		eq = i;
		if (eq == kstart || eq >= c->llen || c->l[eq] != '=') {
			char w[64];

			end = word_end(c, kstart);
			shown(w, sizeof(w), c->l + kstart, end - kstart, 40);
			return perr(c, kstart, "expected key=value, not '%s'",
				    w);
		}
		key = key_lookup(c->l + kstart, eq - kstart);
		if (key < 0 || !(allowed & KB(key))) {
			char w[64];

			shown(w, sizeof(w), c->l + kstart, eq - kstart, 40);
			if (key < 0)
				return perr(c, kstart, "unknown key '%s'", w);
			return perr(c, kstart, "%s %s takes no '%s'",
				    type_names[t], kinds[kind].name, w);
		}
		if (seen & KB(key))
			return perr(c, kstart, "duplicate key '%s'",
				    key_names[key]);
		seen |= KB(key);
		i = eq + 1;
		for (;;) {
			size_t voff = i;

			rc = read_item(c, &i);
			if (rc)
				return rc;
			if (is_list_key(key)) {
				if (s->count >= NSIMA_POLICY_LIST_MAX &&
				    !(key == K_ALLOW &&
				      kind == NSIMA_PKIND_CAPABLE))
					return perr(c, voff,
						    "more than %u values in one line",
						    NSIMA_POLICY_LIST_MAX);
				rc = add_value(c, s, key, voff);
			} else {
				if (voff != eq + 1)
					return perr(c, voff - 1,
						    "'%s' takes one value",
						    key_names[key]);
				rc = set_single(c, s, key, voff);
			}
			if (rc)
				return rc;
			if (i < c->llen && c->l[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		last = i;
	}
	if (t == NSIMA_PSTMT_RULE) {
		if (!(seen & kinds[kind].match_keys)) {
			unsigned int m = kinds[kind].match_keys, k, n = 0;
			char w[64] = "";

			for (k = 0; k < K_COUNT; k++) {
				if (!(m & KB(k)))
					continue;
				snprintf(w + strlen(w), sizeof(w) - strlen(w),
					 "%s%s=", n++ ? " or " : "",
					 key_names[k]);
			}
			return perr(c, last, "rule '%s' needs %s", s->id, w);
		}
		if (!(seen & KB(K_RISK)))
			return perr(c, last, "rule '%s' needs risk=", s->id);
	}
	sort_items(c->p, s);
	return 0;
}

int nsima_policy_parse(const uint8_t *buf, size_t len, const char *name,
		       struct nsima_policy *out, struct nsima_err *err)
{
	struct pctx *c;
	size_t off = 0;
	int rc;

	if (!out || (!buf && len))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "no policy");
	memset(out, 0, sizeof(*out));
	c = calloc(1, sizeof(*c));
	if (!c)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	c->name = name;
	c->p = out;
	c->err = err;
	c->line = 1;
	rc = nsima_policy_digest(buf ? buf : (const uint8_t *)"", len,
				 out->digest, err);
	if (rc)
		goto out;
	if (len > NSIMA_POLICY_FILE_MAX) {
		/* where the first byte past the bound is */
		const uint8_t *nl;

		while ((nl = memchr(buf + off, '\n',
				    NSIMA_POLICY_FILE_MAX - off))) {
			off = (size_t)(nl - buf) + 1;
			c->line++;
		}
		c->l = (const char *)buf + off;
		rc = perr(c, NSIMA_POLICY_FILE_MAX - off,
			  "policy larger than %u bytes", NSIMA_POLICY_FILE_MAX);
		goto out;
	}
	while (off < len) {
		const uint8_t *nl = memchr(buf + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - (buf + off)) : len - off;

		c->l = (const char *)buf + off;
		c->llen = llen;
		if (llen > NSIMA_POLICY_LINE_MAX) {
			rc = perr(c, NSIMA_POLICY_LINE_MAX,
				  "line longer than %u bytes",
				  NSIMA_POLICY_LINE_MAX);
			goto out;
		}
		rc = check_bytes(c);
		if (!rc)
			rc = parse_line(c);
		if (rc)
			goto out;
		off += llen + (nl ? 1 : 0);
		c->line++;
	}
	out->err_line = 0;
	out->err_col = 0;
out:
	if (rc) {
		uint32_t l = out->err_line, col = out->err_col;

		nsima_policy_free(out);
		out->err_line = l;
		out->err_col = col;
	}
	free(c);
	return rc;
}

/* A value as the parser reads it back: quoted when it must be. */
static int put_value(struct nsima_buf *out, const char *s, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && bare_ok(s[i]); i++)
		;
	if (i == len && len)
		return nsima_buf_append(out, s, len);
	rc = nsima_buf_append(out, "\"", 1);
	for (i = 0; !rc && i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			rc = nsima_buf_append(out, "\\", 1);
		if (!rc)
			rc = nsima_buf_append(out, s + i, 1);
	}
	return rc ? rc : nsima_buf_append(out, "\"", 1);
}

static int put_items(struct nsima_buf *out, const struct nsima_policy *p,
		     const struct nsima_policy_stmt *s, unsigned int field)
{
	const struct nsima_policy_item *it;
	char net[INET6_ADDRSTRLEN];
	uint32_t k;
	int rc = 0, n = 0;

	for (k = 0; !rc && k < s->count; k++) {
		it = &p->items[s->first + k];
		if (it->field != field)
			continue;
		rc = nsima_buf_printf(out, n++ ? "," : " %s=",
				      field_names[field]);
		if (rc)
			break;
		if (field == NSIMA_PFIELD_CIDR) {
			if (!inet_ntop(it->family, it->addr, net, sizeof(net)))
				return NSIMA_EINVAL;
			rc = nsima_buf_printf(out, "%s/%u", net, it->prefixlen);
		} else {
			rc = put_value(out, it->str, it->len);
		}
	}
	return rc;
}

int nsima_policy_format(const struct nsima_policy *p, struct nsima_buf *out)
{
	const struct nsima_policy_stmt *s;
	unsigned int f, cap;
	char scope[32];
	size_t k;
	int rc = 0, n;

	for (k = 0; !rc && k < p->nstmts; k++) {
		s = &p->stmts[k];
		if (s->kind < 1 || s->kind > NSIMA_PKIND_MAX)
			return NSIMA_EINVAL;
		if (s->type == NSIMA_PSTMT_RULE)
			rc = nsima_buf_printf(out, "rule %s %s", s->id,
					      kinds[s->kind].name);
		else
			rc = nsima_buf_printf(out, "%s %s",
					      nsima_policy_type_name(s->type),
					      kinds[s->kind].name);
		for (f = NSIMA_PFIELD_PATH; !rc && f <= NSIMA_PFIELD_MAX; f++)
			rc = put_items(out, p, s, f);
		if (!rc && s->kind == NSIMA_PKIND_CAPABLE) {
			n = 0;
			for (cap = 0; !rc && cap <= NSIMA_CAP_LAST; cap++) {
				if (!(s->caps & (1ULL << cap)))
					continue;
				rc = nsima_buf_printf(out, "%s%s",
						      n++ ? "," : " allow=",
						      cap_names[cap]);
			}
		}
		if (!rc && s->kind == NSIMA_PKIND_OPEN)
			rc = nsima_buf_printf(out, " mode=%s",
					      nsima_policy_mode_name(s->mode));
		if (!rc && s->type == NSIMA_PSTMT_RULE)
			rc = nsima_buf_printf(out, " risk=%s action=%s",
					      risk_names[s->risk % 5],
					      action_names[s->action % 3]);
		nsima_policy_scope_str(s, scope, sizeof(scope));
		if (!rc)
			rc = nsima_buf_printf(out, " scope=%s\n", scope);
	}
	return rc;
}

bool nsima_policy_equal(const struct nsima_policy *a,
			const struct nsima_policy *b)
{
	size_t k;
	uint32_t j;

	if (a->nstmts != b->nstmts || a->nitems != b->nitems ||
	    a->nrules != b->nrules)
		return false;
	for (k = 0; k < a->nstmts; k++) {
		const struct nsima_policy_stmt *x = &a->stmts[k];
		const struct nsima_policy_stmt *y = &b->stmts[k];

		if (x->type != y->type || x->kind != y->kind ||
		    x->scope != y->scope || x->risk != y->risk ||
		    x->action != y->action || x->mode != y->mode ||
		    x->cgroup != y->cgroup || x->caps != y->caps ||
		    strcmp(x->id, y->id) || x->count != y->count)
			return false;
		for (j = 0; j < x->count; j++) {
			const struct nsima_policy_item *u =
				&a->items[x->first + j];
			const struct nsima_policy_item *v =
				&b->items[y->first + j];

			if (!same_item(u, v))
				return false;
		}
	}
	return true;
}

bool nsima_policy_in_cgroup(const struct nsima_policy_event *ev, uint64_t id)
{
	size_t i;

	if (ev->cgroup == id)
		return true;
	for (i = 0; ev->ancestors && i < ev->nancestors; i++)
		if (ev->ancestors[i] == id)
			return true;
	return false;
}

static bool scope_covers(const struct nsima_policy_stmt *s,
			 const struct nsima_policy_event *ev)
{
	switch (s->scope) {
	case NSIMA_PSCOPE_ANY:
		return true;
	case NSIMA_PSCOPE_HOST:
		return ev->host;
	case NSIMA_PSCOPE_CONTAINER:
		return !ev->host;
	case NSIMA_PSCOPE_CGROUP:
		return nsima_policy_in_cgroup(ev, s->cgroup);
	}
	return false;
}

static bool has_prefix(const char *s, const struct nsima_policy_item *it)
{
	return s && !strncmp(s, it->str, it->len);
}

static const char *last_component(const char *s)
{
	const char *slash = s ? strrchr(s, '/') : NULL;

	return slash ? slash + 1 : s;
}

/* Whether the destination lies in the network @it. */
static bool in_cidr(const struct nsima_policy_event *ev,
		    const struct nsima_policy_item *it)
{
	unsigned int full = it->prefixlen / 8, rest = it->prefixlen % 8;

	if (ev->family != it->family)
		return false;
	if (memcmp(ev->addr, it->addr, full))
		return false;
	return !rest || !((ev->addr[full] ^ it->addr[full]) &
			  (uint8_t)(0xff00 >> rest));
}

/* One value of @s matches what the hook saw. */
static bool value_matches(const struct nsima_policy_item *it,
			  const struct nsima_policy_event *ev)
{
	const char *name;

	switch (it->field) {
	case NSIMA_PFIELD_PATH:
		return ev->path && !strcmp(ev->path, it->str);
	case NSIMA_PFIELD_PREFIX:
		return has_prefix(ev->path, it);
	case NSIMA_PFIELD_NAME:
		name = last_component(ev->name ? ev->name : ev->path);
		return name && !strcmp(name, it->str);
	case NSIMA_PFIELD_FSTYPE:
		return ev->fstype && !strcmp(ev->fstype, it->str);
	case NSIMA_PFIELD_SOURCE:
		return has_prefix(ev->source, it);
	case NSIMA_PFIELD_TARGET:
		return has_prefix(ev->path, it);
	}
	return false;
}

static bool stmt_matches(const struct nsima_policy *p,
			 const struct nsima_policy_stmt *s,
			 const struct nsima_policy_event *ev)
{
	uint32_t k;

	if (s->kind != ev->kind || !scope_covers(s, ev))
		return false;
	if (s->kind == NSIMA_PKIND_OPEN && !(s->mode & ev->mode))
		return false;
	if (s->kind == NSIMA_PKIND_CAPABLE)
		return ev->cap < 0 || ev->cap > NSIMA_CAP_LAST ||
		       !(s->caps & (1ULL << ev->cap));
	if (s->kind == NSIMA_PKIND_CONNECT) {
		for (k = 0; k < s->count; k++)
			if (in_cidr(ev, &p->items[s->first + k]))
				return false;
		return true;
	}
	if (!s->count)		/* a measure line without a path: all */
		return true;
	for (k = 0; k < s->count; k++)
		if (value_matches(&p->items[s->first + k], ev))
			return true;
	return false;
}

long nsima_policy_match(const struct nsima_policy *p, unsigned int type,
			const struct nsima_policy_event *ev)
{
	size_t k;

	for (k = 0; k < p->nstmts; k++) {
		const struct nsima_policy_stmt *s = &p->stmts[k];
		bool rule = s->type == NSIMA_PSTMT_RULE;

		if (rule != (type == NSIMA_PSTMT_RULE))
			continue;
		if (stmt_matches(p, s, ev))
			return (long)k;
	}
	return -1;
}
