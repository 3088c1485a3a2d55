/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may see what of nsimad's endpoints over HTTPS with client
 * certificates (nsimad.conf "client = ..." lines, docs/nsimad.md
 * "Client certificates"). One rule a line:
 *   CN SCOPE[,SCOPE]...
 * CN: the client certificate's subject common name, 1 to 64 bytes of
 * [A-Za-z0-9_.@-]; SCOPE: "node" (the whole list, every namespace,
 * /metrics and /v1/containers), "ns:NSID" (that namespace's view) or
 * "container:NAME" (the view of the namespace nsimad labels NAME), at
 * most NSIMA_ACCESS_SCOPES. A CN has one rule. Errors: NSIMA_EMALFORMED.
 */
#ifndef NSIMA_ACCESS_H
#define NSIMA_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define NSIMA_ACCESS_CN_MAX	64
#define NSIMA_ACCESS_SCOPES	16
#define NSIMA_ACCESS_RULES_MAX	1024
#define NSIMA_ACCESS_NAME_MAX	128

struct nsima_access_rule {
	char cn[NSIMA_ACCESS_CN_MAX + 1];
	bool node;
	unsigned int n;
	struct {
		bool is_ns;
		uint64_t nsid;
		char container[NSIMA_ACCESS_NAME_MAX + 1];
	} scope[NSIMA_ACCESS_SCOPES];
};

struct nsima_access {
	unsigned int n;
	struct nsima_access_rule *r;	/* NSIMA_ACCESS_RULES_MAX, on add */
};

/* Add the rule @line (NUL-terminated) to @a. */
int nsima_access_add(struct nsima_access *a, const char *line,
		     struct nsima_err *err);
void nsima_access_free(struct nsima_access *a);
/* The rule of @cn, or NULL. */
const struct nsima_access_rule *nsima_access_find(const struct nsima_access *a,
						  const char *cn);
/* A CN as certificates may carry it here (the charset and length). */
bool nsima_access_cn_ok(const char *cn);
/*
 * May @r see the view of namespace @nsid, which nsimad labels with the
 * container @container (NULL or "": none)? The whole node: node only.
 */
bool nsima_access_ns(const struct nsima_access_rule *r, uint64_t nsid,
		     const char *container);
/* May @r see the view of the namespace labelled @container (by name)? */
bool nsima_access_container(const struct nsima_access_rule *r,
			    const char *container);

#endif /* NSIMA_ACCESS_H */
