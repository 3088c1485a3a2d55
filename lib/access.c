// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's client rules (lib/access.h).
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "log.h"

static int bad(struct nsima_err *err, const char *msg)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0, "%s",
			     msg);
}

static bool in_set(const char *s, size_t len, const char *set)
{
	return len && strspn(s, set) >= len;
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

bool nsima_access_cn_ok(const char *cn)
{
	size_t n = strlen(cn);

	return n && n <= NSIMA_ACCESS_CN_MAX && in_set(cn, n, ALNUM "_.@-");
}

/* One SCOPE of @len bytes at @s into @r. */
static int scope(struct nsima_access_rule *r, const char *s, size_t len,
		 struct nsima_err *err)
{
	if (len == 4 && !memcmp(s, "node", 4)) {
		r->node = true;
		return 0;
	}
	if (r->n == NSIMA_ACCESS_SCOPES)
		return bad(err, "more than 16 scopes in one rule");
	if (len > 3 && !memcmp(s, "ns:", 3)) {
		struct nsima_err e2;
		char ns[24];
		bool host;

		/* an nsid as entries' names carry it (lib/log.c) */
		if (len - 3 >= sizeof(ns))
			return bad(err, "ns:NSID: a namespace id (decimal)");
		memcpy(ns, s + 3, len - 3);
		ns[len - 3] = '\0';
		if (nsima_nsid_parse(ns, &host, &r->scope[r->n].nsid, &e2) ||
		    host)
			return bad(err, "ns:NSID: a namespace id (decimal)");
		r->scope[r->n++].is_ns = true;
		return 0;
	}
	if (len > 10 && !memcmp(s, "container:", 10)) {
		if (len - 10 > NSIMA_ACCESS_NAME_MAX ||
		    !in_set(s + 10, len - 10, ALNUM "_.-"))
			return bad(err, "container:NAME: 1 to 128 bytes of [A-Za-z0-9_.-]");
		memcpy(r->scope[r->n].container, s + 10, len - 10);
		r->scope[r->n].container[len - 10] = '\0';
		r->n++;
		return 0;
	}
	return bad(err, "a scope is node, ns:NSID or container:NAME");
}

int nsima_access_add(struct nsima_access *a, const char *line,
		     struct nsima_err *err)
{
	struct nsima_access_rule r;
	const char *sp = strchr(line, ' '), *p;
	size_t cl;
	int rc;

	memset(&r, 0, sizeof(r));
	if (!sp)
		return bad(err, "not 'CN SCOPE[,SCOPE]...'");
	cl = (size_t)(sp - line);
	if (!cl || cl > NSIMA_ACCESS_CN_MAX || !in_set(line, cl, ALNUM "_.@-"))
		return bad(err, "CN: 1 to 64 bytes of [A-Za-z0-9_.@-]");
	memcpy(r.cn, line, cl);
	r.cn[cl] = '\0';
	for (p = sp + 1; *p == ' '; p++)
		;
	if (!*p)
		return bad(err, "no scope");
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len)
			return bad(err, "an empty scope");
		rc = scope(&r, p, len, err);
		if (rc)
			return rc;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (nsima_access_find(a, r.cn))
		return bad(err, "a second rule for the same CN");
	if (a->n == NSIMA_ACCESS_RULES_MAX)
		return bad(err, "more than 1024 client rules");
	if (!a->r) {
		a->r = calloc(NSIMA_ACCESS_RULES_MAX, sizeof(*a->r));
		if (!a->r)
			return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
					     "out of memory");
	}
	a->r[a->n++] = r;
	return 0;
}

void nsima_access_free(struct nsima_access *a)
{
	free(a->r);
	a->r = NULL;
	a->n = 0;
}

const struct nsima_access_rule *nsima_access_find(const struct nsima_access *a,
						  const char *cn)
{
	unsigned int i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->r[i].cn, cn))
			return &a->r[i];
	return NULL;
}

bool nsima_access_container(const struct nsima_access_rule *r,
			    const char *container)
{
	unsigned int i;

	if (r->node)
		return true;
	for (i = 0; container && container[0] && i < r->n; i++)
		if (!r->scope[i].is_ns &&
		    !strcmp(r->scope[i].container, container))
			return true;
	return false;
}

bool nsima_access_ns(const struct nsima_access_rule *r, uint64_t nsid,
		     const char *container)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->scope[i].is_ns && r->scope[i].nsid == nsid)
			return true;
	return nsima_access_container(r, container);
}
