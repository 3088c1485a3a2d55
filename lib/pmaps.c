// SPDX-License-Identifier: GPL-2.0
/*
 * A parsed policy as BPF map entries (lib/pmaps.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmaps.h"

/* The policy's numbers are the maps' and the module's. */
_Static_assert((int)NSIMA_PKIND_EXEC == (int)NSIMA_PM_EXEC &&
	       (int)NSIMA_PKIND_MMAP_EXEC == (int)NSIMA_PM_MMAP_EXEC &&
	       (int)NSIMA_PKIND_OPEN == (int)NSIMA_PM_OPEN &&
	       (int)NSIMA_PKIND_MOUNT == (int)NSIMA_PM_MOUNT &&
	       (int)NSIMA_PKIND_CONNECT == (int)NSIMA_PM_CONNECT_K &&
	       (int)NSIMA_PKIND_CAPABLE == (int)NSIMA_PM_CAPABLE_K, "kinds");
_Static_assert((int)NSIMA_PSCOPE_ANY == (int)NSIMA_PM_ANY &&
	       (int)NSIMA_PSCOPE_HOST == (int)NSIMA_PM_HOST &&
	       (int)NSIMA_PSCOPE_CONTAINER == (int)NSIMA_PM_CONTAINER &&
	       (int)NSIMA_PSCOPE_CGROUP == (int)NSIMA_PM_CGROUP, "scopes");
_Static_assert((int)NSIMA_PRISK_LOW == (int)NSIMA_RISK_LOW &&
	       (int)NSIMA_PRISK_CRITICAL == (int)NSIMA_RISK_CRITICAL &&
	       (int)NSIMA_PACTION_ALERT == (int)NSIMA_ACTION_ALERT &&
	       (int)NSIMA_PACTION_DENY == (int)NSIMA_ACTION_DENY, "risks, actions");
_Static_assert((int)NSIMA_PMODE_READ == (int)NSIMA_OPEN_READ &&
	       (int)NSIMA_PMODE_WRITE == (int)NSIMA_OPEN_WRITE, "modes");
_Static_assert(NSIMA_POLICY_STR_MAX <= NSIMA_PM_STR &&
	       (int)NSIMA_POLICY_ID_MAX < NSIMA_RULE_ID_MAX, "sizes");

static int too_many(const struct nsima_policy_stmt *s, const char *what,
		    unsigned int max, struct nsima_err *err)
{
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_LINE, s->line,
			     "the policy does not fit the BPF maps: more than %u %s",
			     max, what);
}

/* The key's index, or where it goes (m->nkeys: new). Linear: load time. */
static size_t find_key(const struct nsima_pmaps *m,
		       const struct nsima_pm_key *k)
{
	size_t i;

	for (i = 0; i < m->nkeys; i++)
		if (!memcmp(&m->keys[i], k, sizeof(*k)))
			return i;
	return m->nkeys;
}

/* Record prefix length @len for (type, kind, field), ascending, once. */
static int add_len(struct nsima_pmaps *m, const struct nsima_policy_stmt *s,
		   unsigned int type, unsigned int field, unsigned int len,
		   struct nsima_err *err)
{
	struct nsima_pm_lens *l =
		&m->lens[NSIMA_PM_LENS_INDEX(type, s->kind, field)];
	unsigned int i;

	for (i = 0; i < l->count && l->len[i] < len; i++)
		;
	if (i < l->count && l->len[i] == len)
		return 0;
	if (l->count == NSIMA_PM_LENS_MAX)
		return too_many(s, "prefix lengths for one kind and key",
				NSIMA_PM_LENS_MAX, err);
	memmove(&l->len[i + 1], &l->len[i], (l->count - i) * sizeof(l->len[0]));
	l->len[i] = (uint16_t)len;
	l->count++;
	return 0;
}

/* One key of statement @idx; the first statement of a key keeps it. */
static int add_key(struct nsima_pmaps *m, const struct nsima_policy_stmt *s,
		   uint32_t idx, unsigned int type, unsigned int field,
		   unsigned int mode, const char *str, unsigned int len,
		   struct nsima_err *err)
{
	struct nsima_pm_key k;
	struct nsima_pm_val *v;
	size_t i;

	memset(&k, 0, sizeof(k));
	k.type = (uint8_t)type;
	k.kind = s->kind;
	k.field = (uint8_t)field;
	k.scope = s->scope;
	k.mode = (uint8_t)mode;
	k.len = (uint16_t)len;
	k.cgroup = s->scope == NSIMA_PSCOPE_CGROUP ? s->cgroup : 0;
	if (len >= NSIMA_PM_STR)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_LINE, s->line,
				     "a value longer than %d bytes",
				     NSIMA_PM_STR - 1);
	memcpy(k.str, str, len);
	i = find_key(m, &k);
	if (i < m->nkeys)
		return 0;	/* an earlier statement has it: first wins */
	if (m->nkeys == NSIMA_PM_KEYS_MAX)
		return too_many(s, "keys", NSIMA_PM_KEYS_MAX, err);
	m->keys[i] = k;
	v = &m->vals[i];
	memset(v, 0, sizeof(*v));
	v->stmt = idx;
	v->measure = s->type == NSIMA_PSTMT_MEASURE;
	v->risk = s->risk;
	v->action = s->action;
	memcpy(v->id, s->id, sizeof(v->id) < sizeof(s->id) ?
				    sizeof(v->id) - 1 : sizeof(s->id));
	m->nkeys++;
	if (field == NSIMA_PM_PREFIX || field == NSIMA_PM_SOURCE ||
	    field == NSIMA_PM_TARGET)
		return add_len(m, s, type, field, len, err);
	return 0;
}

/* The rule at @list[*n] for statement @idx (connect, capable). */
static int add_listed(struct nsima_pm_rule *list, size_t *n,
		      const struct nsima_policy_stmt *s, uint32_t idx,
		      struct nsima_err *err)
{
	struct nsima_pm_rule *r;

	if (*n == NSIMA_PM_LIST_MAX)
		return too_many(s, "rules of one kind (connect, capable)",
				NSIMA_PM_LIST_MAX, err);
	r = &list[(*n)++];
	r->stmt = idx;
	r->used = 1;
	r->scope = s->scope;
	r->risk = s->risk;
	r->action = s->action;
	r->cgroup = s->scope == NSIMA_PSCOPE_CGROUP ? s->cgroup : 0;
	r->caps = s->caps;
	memcpy(r->id, s->id, sizeof(r->id) - 1);
	return 0;
}

/* A cgroup a statement is scoped to, once. */
static int add_cgroup(struct nsima_pmaps *m, const struct nsima_policy_stmt *s,
		      struct nsima_err *err)
{
	size_t i;

	for (i = 0; i < m->ncgroups; i++)
		if (m->cgroups[i] == s->cgroup)
			return 0;
	if (m->ncgroups == NSIMA_PM_CGROUPS_MAX)
		return too_many(s, "cgroups in scopes", NSIMA_PM_CGROUPS_MAX,
				err);
	m->cgroups[m->ncgroups++] = s->cgroup;
	return 0;
}

/* The field a value goes to in the maps. */
static unsigned int pm_field(unsigned int field)
{
	switch (field) {
	case NSIMA_PFIELD_PATH:
		return NSIMA_PM_PATH;
	case NSIMA_PFIELD_PREFIX:
		return NSIMA_PM_PREFIX;
	case NSIMA_PFIELD_NAME:
		return NSIMA_PM_NAME;
	case NSIMA_PFIELD_FSTYPE:
		return NSIMA_PM_FSTYPE;
	case NSIMA_PFIELD_SOURCE:
		return NSIMA_PM_SOURCE;
	case NSIMA_PFIELD_TARGET:
		return NSIMA_PM_TARGET;
	}
	return 0;
}

/* The keys of a file or mount statement: per value, per access bit. */
static int add_stmt_keys(struct nsima_pmaps *m, const struct nsima_policy *p,
			 const struct nsima_policy_stmt *s, uint32_t idx,
			 unsigned int type, struct nsima_err *err)
{
	unsigned int modes[2] = { 0 }, nmodes = 1, i;
	uint32_t k;
	int rc;

	if (s->kind == NSIMA_PKIND_OPEN) {
		nmodes = 0;
		if (s->mode & NSIMA_PMODE_READ)
			modes[nmodes++] = NSIMA_OPEN_READ;
		if (s->mode & NSIMA_PMODE_WRITE)
			modes[nmodes++] = NSIMA_OPEN_WRITE;
	}
	for (i = 0; i < nmodes; i++) {
		if (!s->count) {	/* a measure line for every file */
			rc = add_key(m, s, idx, type, NSIMA_PM_PREFIX, modes[i],
				     "", 0, err);
			if (rc)
				return rc;
		}
		for (k = 0; k < s->count; k++) {
			const struct nsima_policy_item *it =
				&p->items[s->first + k];

			rc = add_key(m, s, idx, type, pm_field(it->field),
				     modes[i], it->str, it->len, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int nsima_pmaps_build(const struct nsima_policy *p, struct nsima_pmaps *m,
		      struct nsima_err *err)
{
	size_t nconnect = 0, ncapable = 0, i;
	unsigned int type;
	uint32_t k;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	m->statements = p->nstmts;
	m->keys = calloc(NSIMA_PM_KEYS_MAX, sizeof(*m->keys));
	m->vals = calloc(NSIMA_PM_KEYS_MAX, sizeof(*m->vals));
	m->nets = calloc(NSIMA_PM_NETS_MAX, sizeof(*m->nets));
	if (!m->keys || !m->vals || !m->nets)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	for (i = 0; !rc && i < p->nstmts; i++) {
		const struct nsima_policy_stmt *s = &p->stmts[i];

		type = s->type == NSIMA_PSTMT_RULE ? NSIMA_PM_RULE :
						     NSIMA_PM_MEASURE;
		m->lens[NSIMA_PM_LENS_INDEX(type, s->kind, 0)].count++;
		if (s->scope == NSIMA_PSCOPE_CGROUP) {
			m->lens[NSIMA_PM_CGROUP_INDEX].count++;
			rc = add_cgroup(m, s, err);
			if (rc)
				break;
		}
		if (s->kind == NSIMA_PKIND_CAPABLE) {
			rc = add_listed(m->capable, &ncapable, s, (uint32_t)i,
					err);
		} else if (s->kind == NSIMA_PKIND_CONNECT) {
			rc = add_listed(m->connect, &nconnect, s, (uint32_t)i,
					err);
			for (k = 0; !rc && k < s->count; k++) {
				const struct nsima_policy_item *it =
					&p->items[s->first + k];
				struct nsima_pm_net *n = &m->nets[m->nnets];

				if (m->nnets == NSIMA_PM_NETS_MAX) {
					rc = too_many(s, "allowed networks",
						      NSIMA_PM_NETS_MAX, err);
					break;
				}
				n->prefixlen = 32 + it->prefixlen;
				n->rule = (uint16_t)(nconnect - 1);
				n->family = it->family;
				memcpy(n->addr, it->addr, sizeof(n->addr));
				m->nnets++;
			}
		} else {
			rc = add_stmt_keys(m, p, s, (uint32_t)i, type, err);
		}
	}
	return rc;
}

void nsima_pmaps_free(struct nsima_pmaps *m)
{
	free(m->keys);
	free(m->vals);
	free(m->nets);
	m->keys = NULL;
	m->vals = NULL;
	m->nets = NULL;
}

/* ---- the programs' decision, emulated (bpf/nsima.bpf.c) ---- */

struct best {
	bool found;
	uint32_t stmt;
};

static void lookup_one(const struct nsima_pmaps *m,
		       const struct nsima_pm_key *k, struct best *b)
{
	size_t i = find_key(m, k);

	if (i < m->nkeys && (!b->found || m->vals[i].stmt < b->stmt)) {
		b->found = true;
		b->stmt = m->vals[i].stmt;
	}
}

/* @k in every scope that covers the task: its cgroup and each ancestor. */
static void lookup(const struct nsima_pmaps *m, struct nsima_pm_key *k,
		   const struct nsima_policy_event *ev, struct best *b)
{
	size_t a;

	k->cgroup = 0;
	k->scope = NSIMA_PM_ANY;
	lookup_one(m, k, b);
	k->scope = ev->host ? NSIMA_PM_HOST : NSIMA_PM_CONTAINER;
	lookup_one(m, k, b);
	k->scope = NSIMA_PM_CGROUP;
	k->cgroup = ev->cgroup;
	lookup_one(m, k, b);
	for (a = 0; ev->ancestors && a < ev->nancestors; a++) {
		k->cgroup = ev->ancestors[a];
		lookup_one(m, k, b);
	}
}

static void key_init(struct nsima_pm_key *k, unsigned int type,
		     unsigned int kind, unsigned int field, unsigned int mode)
{
	memset(k, 0, sizeof(*k));
	k->type = (uint8_t)type;
	k->kind = (uint8_t)kind;
	k->field = (uint8_t)field;
	k->mode = (uint8_t)mode;
}

static void exact(const struct nsima_pmaps *m, const char *str,
		  unsigned int type, unsigned int kind, unsigned int field,
		  unsigned int mode, const struct nsima_policy_event *ev,
		  struct best *b)
{
	struct nsima_pm_key k;
	size_t n = str ? strlen(str) : 0;

	if (!n || n >= NSIMA_PM_STR)
		return;
	key_init(&k, type, kind, field, mode);
	k.len = (uint16_t)n;
	memcpy(k.str, str, n);
	lookup(m, &k, ev, b);
}

static void prefixes(const struct nsima_pmaps *m, const char *str,
		     unsigned int type, unsigned int kind, unsigned int field,
		     unsigned int mode, const struct nsima_policy_event *ev,
		     struct best *b)
{
	const struct nsima_pm_lens *l =
		&m->lens[NSIMA_PM_LENS_INDEX(type, kind, field)];
	size_t n = str ? strlen(str) : 0;
	struct nsima_pm_key k;
	unsigned int i;

	if (!str)
		return;
	key_init(&k, type, kind, field, mode);
	for (i = 0; i < l->count && l->len[i] <= n; i++) {
		memcpy(k.str, str, l->len[i]);
		k.len = l->len[i];
		lookup(m, &k, ev, b);
	}
}

static void file_match(const struct nsima_pmaps *m, unsigned int type,
		       unsigned int mode, const struct nsima_policy_event *ev,
		       struct best *b)
{
	exact(m, ev->path, type, ev->kind, NSIMA_PM_PATH, mode, ev, b);
	prefixes(m, ev->path, type, ev->kind, NSIMA_PM_PREFIX, mode, ev, b);
}

static bool listed_scope(const struct nsima_pm_rule *r,
			 const struct nsima_policy_event *ev)
{
	switch (r->scope) {
	case NSIMA_PM_ANY:
		return true;
	case NSIMA_PM_HOST:
		return ev->host;
	case NSIMA_PM_CONTAINER:
		return !ev->host;
	case NSIMA_PM_CGROUP:
		return nsima_policy_in_cgroup(ev, r->cgroup);
	}
	return false;
}

/* The LPM trie's answer: a network of rule @rule holds the address. */
static bool allowed(const struct nsima_pmaps *m, unsigned int rule,
		    const struct nsima_policy_event *ev)
{
	size_t i;
	unsigned int bits, full, rest;

	for (i = 0; i < m->nnets; i++) {
		const struct nsima_pm_net *n = &m->nets[i];

		if (n->rule != rule || n->family != ev->family)
			continue;
		bits = n->prefixlen - 32;
		full = bits / 8;
		rest = bits % 8;
		if (!memcmp(n->addr, ev->addr, full) &&
		    (!rest || !((n->addr[full] ^ ev->addr[full]) &
				(uint8_t)(0xff00 >> rest))))
			return true;
	}
	return false;
}

static long listed(const struct nsima_pm_rule *list,
		   const struct nsima_pmaps *m,
		   const struct nsima_policy_event *ev)
{
	unsigned int i;

	for (i = 0; i < NSIMA_PM_LIST_MAX && list[i].used; i++) {
		if (!listed_scope(&list[i], ev))
			continue;
		if (ev->kind == NSIMA_PKIND_CAPABLE &&
		    !(list[i].caps & (1ULL << ev->cap)))
			return list[i].stmt;
		if (ev->kind == NSIMA_PKIND_CONNECT && !allowed(m, i, ev))
			return list[i].stmt;
	}
	return -1;
}

long nsima_pmaps_decide(const struct nsima_pmaps *m, unsigned int type,
			const struct nsima_policy_event *ev)
{
	unsigned int t = type == NSIMA_PSTMT_RULE ? NSIMA_PM_RULE :
						    NSIMA_PM_MEASURE;
	struct best b = { 0 };

	switch (ev->kind) {
	case NSIMA_PKIND_CAPABLE:
		if (ev->cap < 0 || ev->cap >= 64)
			return -1;
		return t == NSIMA_PM_RULE ? listed(m->capable, m, ev) : -1;
	case NSIMA_PKIND_CONNECT:
		if (ev->family != AF_INET && ev->family != AF_INET6)
			return -1;
		return t == NSIMA_PM_RULE ? listed(m->connect, m, ev) : -1;
	case NSIMA_PKIND_MOUNT:
		exact(m, ev->fstype, t, ev->kind, NSIMA_PM_FSTYPE, 0, ev, &b);
		prefixes(m, ev->source, t, ev->kind, NSIMA_PM_SOURCE, 0, ev,
			 &b);
		prefixes(m, ev->path, t, ev->kind, NSIMA_PM_TARGET, 0, ev, &b);
		break;
	case NSIMA_PKIND_OPEN:
		if (ev->mode & NSIMA_PMODE_READ)
			file_match(m, t, NSIMA_OPEN_READ, ev, &b);
		if (ev->mode & NSIMA_PMODE_WRITE)
			file_match(m, t, NSIMA_OPEN_WRITE, ev, &b);
		break;
	case NSIMA_PKIND_EXEC:
		file_match(m, t, 0, ev, &b);
		if (t == NSIMA_PM_RULE) {
			const char *name = ev->name ? ev->name : ev->path;
			const char *slash = name ? strrchr(name, '/') : NULL;

			exact(m, slash ? slash + 1 : name, t, ev->kind,
			      NSIMA_PM_NAME, 0, ev, &b);
		}
		break;
	default:
		file_match(m, t, 0, ev, &b);
	}
	return b.found ? (long)b.stmt : -1;
}
