// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the policy file (lib/policy.c). Whatever parses has a
 * canonical form that parses to the same policy and formats to the same
 * bytes again; whatever is refused is refused with one line
 * "f:<line>:<col>: <message>" naming a line of the input, nothing kept.
 * What parses and fits the BPF maps (lib/pmaps.c) is decided from the
 * maps' entries as by the reference matcher.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmaps.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t lines_of(const uint8_t *data, size_t size)
{
	size_t n = 1, i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

/*
 * First match wins: an event that statement @k matches (made from its
 * first value) is decided by statement @k or an earlier one.
 */
static void check_match(const struct nsima_policy *p,
			const struct nsima_pmaps *m, size_t k)
{
	const struct nsima_policy_stmt *s = &p->stmts[k];
	const struct nsima_policy_item *it = s->count ? &p->items[s->first] :
							NULL;
	struct nsima_policy_event ev = {
		.kind = s->kind, .mode = s->mode,
		.host = s->scope == NSIMA_PSCOPE_HOST, .cgroup = s->cgroup,
		.path = "/", .cap = -1,
	};
	unsigned int type = s->type == NSIMA_PSTMT_RULE ? NSIMA_PSTMT_RULE :
							   NSIMA_PSTMT_MEASURE;
	long got;

	if (s->kind == NSIMA_PKIND_CONNECT)
		return;
	if (s->kind == NSIMA_PKIND_CAPABLE) {
		while (++ev.cap <= NSIMA_CAP_LAST &&
		       (s->caps & (1ULL << ev.cap)))
			;
	} else if (it) {
		switch (it->field) {
		case NSIMA_PFIELD_NAME:
			ev.name = it->str;
			break;
		case NSIMA_PFIELD_FSTYPE:
			ev.fstype = it->str;
			break;
		case NSIMA_PFIELD_SOURCE:
			ev.source = it->str;
			break;
		default:
			ev.path = it->str;
		}
	}
	got = nsima_policy_match(p, type, &ev);
	if (got < 0 || (size_t)got > k)
		abort();
	if (m && nsima_pmaps_decide(m, type, &ev) != got)
		abort();
	if ((p->stmts[got].type == NSIMA_PSTMT_RULE) !=
	    (type == NSIMA_PSTMT_RULE))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_err err = { 0 };
	struct nsima_policy p, back, again;
	struct nsima_buf out, out2;
	struct nsima_pmaps m;
	bool fits;
	uint8_t d[32];
	char want[64];
	size_t k;
	int rc = nsima_policy_parse(data, size, "f", &p, &err);

	if (nsima_policy_parse(data, size, "f", &again, NULL) != rc)
		abort();
	nsima_policy_free(&again);
	if (rc) {
		if (rc != NSIMA_EMALFORMED || p.stmts || p.items ||
		    err.where != NSIMA_AT_LINE || err.pos != p.err_line ||
		    !p.err_line || !p.err_col || p.err_line > lines_of(data, size) ||
		    strchr(err.msg, '\n'))
			abort();
		snprintf(want, sizeof(want), "f:%u:%u: ", p.err_line, p.err_col);
		if (strncmp(err.msg, want, strlen(want)))
			abort();
		nsima_policy_free(&p);
		return 0;
	}
	if (nsima_policy_digest(data, size, d, NULL) ||
	    memcmp(d, p.digest, sizeof(d)) || p.err_line || p.err_col)
		abort();
	fits = !nsima_pmaps_build(&p, &m, NULL);
	for (k = 0; k < p.nstmts; k++)
		check_match(&p, fits ? &m : NULL, k);
	nsima_pmaps_free(&m);
	nsima_buf_init(&out);
	nsima_buf_init(&out2);
	if (nsima_policy_format(&p, &out))
		abort();
	if (nsima_policy_parse(out.data, out.len, "fmt", &back, &err)) {
		fprintf(stderr, "canonical form refused: %s\n%.*s", err.msg,
			(int)out.len, (const char *)out.data);
		abort();
	}
	if (!nsima_policy_equal(&p, &back) || nsima_policy_format(&back, &out2) ||
	    out.len != out2.len || (out.len && memcmp(out.data, out2.data, out.len)))
		abort();
	nsima_buf_free(&out2);
	nsima_buf_free(&out);
	nsima_policy_free(&back);
	nsima_policy_free(&p);
	return 0;
}
