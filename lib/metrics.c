// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's Prometheus metrics: lib/metrics.h.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsima/abi.h>
#include "metrics.h"
#include "template.h"

#define TYPE_MAX	32

struct series {
	bool host;
	uint64_t nsid;
	char type[TYPE_MAX];
	uint8_t risk;
	uint64_t count;
};

struct nsima_metrics {
	struct series *s;
	size_t n, max;
	uint64_t unlabelled;
};

static const char *const risk_names[] = NSIMA_RISK_NAMES;
static const char *const prog_names[NSIMA_PROG_MAX] = {
	[NSIMA_PROG_BPRM_CHECK] = "bprm_check",
	[NSIMA_PROG_MMAP_EXEC] = "mmap_exec",
	[NSIMA_PROG_FILE_OPEN] = "file_open",
	[NSIMA_PROG_SB_MOUNT] = "mount",
	[NSIMA_PROG_CAPABLE] = "capable",
	[NSIMA_PROG_MPROTECT] = "mprotect",
	[NSIMA_PROG_CONNECT] = "connect",
	[NSIMA_PROG_TASK_ALLOC] = "task_alloc",
};

struct nsima_metrics *nsima_metrics_new(size_t max_series)
{
	struct nsima_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->s = calloc(max_series ? max_series : 1, sizeof(*m->s));
	if (!m->s) {
		free(m);
		return NULL;
	}
	m->max = max_series;
	return m;
}

void nsima_metrics_free(struct nsima_metrics *m)
{
	if (!m)
		return;
	free(m->s);
	free(m);
}

/* [a-z0-9_], 1 to @max - 1 bytes: a safe label value or name part. */
static bool word(const char *p, size_t len, size_t max)
{
	size_t i;

	if (!len || len >= max)
		return false;
	for (i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

/* The "risk" of an event's canonical JSON, or NSIMA_RISK_NONE. */
static uint8_t risk_of(const struct nsima_entry *e)
{
	static const char key[] = "\"risk\":\"";
	const struct nsima_span *buf;
	const char *p, *end, *q;
	unsigned int r;

	if (e->tmpl.nfields < 3)
		return NSIMA_RISK_NONE;
	buf = &e->fields[e->tmpl.nfields - 1];
	p = (const char *)e->data + buf->off;
	end = p + buf->len;
	for (; end - p >= (long)sizeof(key) - 1; p++) {
		if (memcmp(p, key, sizeof(key) - 1))
			continue;
		p += sizeof(key) - 1;
		q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			break;
		for (r = 0; r <= NSIMA_RISK_MAX; r++)
			if (strlen(risk_names[r]) == (size_t)(q - p) &&
			    !memcmp(risk_names[r], p, (size_t)(q - p)))
				return (uint8_t)r;
		break;
	}
	return NSIMA_RISK_NONE;
}

/* Add @n to series (@host, @nsid, @type, @risk). */
static void count(struct nsima_metrics *m, bool host, uint64_t nsid,
		  const char *type, uint8_t risk, uint64_t n)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct series *s = &m->s[i];

		if (s->host == host && s->nsid == nsid && s->risk == risk &&
		    !strcmp(s->type, type)) {
			s->count += n;
			return;
		}
	}
	if (m->n == m->max) {
		m->unlabelled += n;
		return;
	}
	m->s[m->n].host = host;
	m->s[m->n].nsid = nsid;
	strcpy(m->s[m->n].type, type);
	m->s[m->n].risk = risk;
	m->s[m->n].count = n;
	m->n++;
}

void nsima_metrics_merge(struct nsima_metrics *dst, struct nsima_metrics *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		count(dst, src->s[i].host, src->s[i].nsid, src->s[i].type,
		      src->s[i].risk, src->s[i].count);
	dst->unlabelled += src->unlabelled;
	src->n = 0;
	src->unlabelled = 0;
}

void nsima_metrics_entry(struct nsima_metrics *m, const struct nsima_entry *e)
{
	struct nsima_nsref ref;
	char type[TYPE_MAX];

	/* events are ima-buf entries: a file (ima-ng) named so is no event */
	if (!e->data || strcmp(e->tmpl.name, NSIMA_TEMPLATE_BUF) ||
	    nsima_entry_ns(e, &ref, NULL) || !ref.event)
		return;
	if (word(ref.event_type, ref.event_type_len, sizeof(type))) {
		memcpy(type, ref.event_type, ref.event_type_len);
		type[ref.event_type_len] = '\0';
	} else {
		strcpy(type, "other");
	}
	count(m, ref.host, ref.host ? 0 : ref.nsid, type, risk_of(e), 1);
}

static int metric(struct nsima_buf *out, const char *name, const char *type,
		  const char *help, uint64_t v)
{
	return nsima_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n",
				name, help, name, type, name, v);
}

/* The module's status lines that are numbers (docs/kmod.md "securityfs"). */
static const char *const module_keys[] = {
	"pcr", "entries", "entries_total", "trimmed", "extended", "violations",
	"tpm_errors", "tpm_error_first", "tpm_error_last", "measure_errors",
	"lost", "hash_max", "pending_extends", "cache_entries", "cache_hits",
	"tomtou_tracked", "tomtou_forgotten", "events_queued", "events_dropped",
	"namespaces_live", "namespaces_ended", "namespaces_freed",
	"ns_entries_max", "ns_cache_max", "quota_dropped", "memory_bytes",
};

static bool module_key(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(module_keys) / sizeof(module_keys[0]); i++)
		if (strlen(module_keys[i]) == len &&
		    !memcmp(module_keys[i], p, len))
			return true;
	return false;
}

/* The numeric "key: N" lines of the module's status, known keys only. */
static int module_lines(const char *status, struct nsima_buf *out)
{
	const char *p = status, *nl, *colon, *v;
	int rc = 0;

	while (!rc && p && *p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon && colon[1] == ' ' &&
		    module_key(p, (size_t)(colon - p))) {
			v = colon + 2;
			size_t n = (size_t)(nl - v), k = v[0] == '-';

			if (n > k && n < 24 && strspn(v + k, "0123456789") == n - k)
				rc = nsima_buf_printf(out,
					"# TYPE nsima_module_%.*s gauge\nnsima_module_%.*s %.*s\n",
					(int)(colon - p), p, (int)(colon - p), p,
					(int)n, v);
		}
		p = *nl ? nl + 1 : NULL;
	}
	return rc;
}

/* The agent's own figures: name, kind, help, member. */
static const struct {
	const char *name, *kind, *help;
	size_t off;
} agent_metrics[] = {
#define A(n, k, h, f) { n, k, h, offsetof(struct nsima_agent_counts, f) }
	A("nsima_agent_entries_total", "counter",
	  "Entries nsimad persisted since it started.", entries),
	A("nsima_agent_commits_total", "counter",
	  "Journal commits since nsimad started.", commits),
	A("nsima_agent_commit_errors_total", "counter",
	  "Commits that failed (disk full, I/O error): nothing was trimmed.",
	  commit_errors),
	A("nsima_agent_trims_total", "counter", "Trims of the kernel list.",
	  trims),
	A("nsima_agent_trim_errors_total", "counter",
	  "Trims of the kernel list that failed.", trim_errors),
	A("nsima_agent_policy_loads_total", "counter",
	  "Program sets this agent loaded with its policy (start, SIGHUP).",
	  policy_loads),
	A("nsima_agent_policy_errors_total", "counter",
	  "Policy loads that failed (the programs in force stay).",
	  policy_errors),
	A("nsima_agent_quotes_total", "counter",
	  "TPM quotes made for evidence requests.", quotes),
	A("nsima_agent_quote_wait_milliseconds_total", "counter",
	  "Time quotes waited: half the TPM, 20 a second at most.",
	  quote_wait_ms),
	A("nsima_agent_rate_limited_total", "counter",
	  "TPM requests (evidence, activation) refused by the per-client rate.",
	  rate_limited),
	A("nsima_journal_next", "gauge",
	  "Whole-list index of the next entry the journal expects.",
	  journal_next),
	A("nsima_journal_bytes", "gauge",
	  "Committed bytes of all the journal's logs.", journal_bytes),
	A("nsima_journal_namespaces", "gauge",
	  "Live namespaces with a log in the journal.", journal_namespaces),
#undef A
};

int nsima_metrics_render(const struct nsima_metrics *m,
			 const struct nsima_agent_counts *a,
			 const char *status, const uint64_t *kfunc_errors,
			 struct nsima_buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < sizeof(agent_metrics) / sizeof(agent_metrics[0]);
	     i++)
		rc = metric(out, agent_metrics[i].name, agent_metrics[i].kind,
			    agent_metrics[i].help,
			    *(const uint64_t *)((const char *)a +
						agent_metrics[i].off));
	if (!rc && a->have_kernel)
		rc = metric(out, "nsima_persist_lag_entries", "gauge",
			    "Entries in the kernel list not yet persisted.",
			    a->kernel_total > a->journal_next ?
			    a->kernel_total - a->journal_next : 0);
	rc = rc ? rc : metric(out, "nsima_module_status_readable", "gauge",
			      "1 when the module's status file could be read.",
			      status != NULL);
	if (!rc && status)
		rc = module_lines(status, out);
	rc = rc ? rc : metric(out, "nsima_kfunc_errors_readable", "gauge",
			      "1 when the BPF programs' kfunc_errors map could be read.",
			      kfunc_errors != NULL);
	if (!rc && kfunc_errors) {
		rc = nsima_buf_printf(out,
			"# HELP nsima_kfunc_errors_total Calls a BPF program could not complete (rules not evaluated, or a kfunc failed).\n"
			"# TYPE nsima_kfunc_errors_total counter\n");
		for (i = 0; !rc && i < NSIMA_PROG_MAX; i++)
			rc = nsima_buf_printf(out,
				"nsima_kfunc_errors_total{program=\"%s\"} %" PRIu64 "\n",
				prog_names[i], kfunc_errors[i]);
	}
	rc = rc ? rc : nsima_buf_printf(out,
		"# HELP nsima_events_total Event entries nsimad persisted since it started, by namespace, type and risk.\n"
		"# TYPE nsima_events_total counter\n");
	for (i = 0; !rc && i < m->n; i++) {
		const struct series *s = &m->s[i];
		char ns[24];

		if (s->host)
			strcpy(ns, "host");
		else
			snprintf(ns, sizeof(ns), "%" PRIu64, s->nsid);
		rc = nsima_buf_printf(out,
			"nsima_events_total{ns=\"%s\",type=\"%s\",risk=\"%s\"} %" PRIu64 "\n",
			ns, s->type, risk_names[s->risk], s->count);
	}
	rc = rc ? rc : metric(out, "nsima_events_unlabelled_total", "counter",
			      "Event entries beyond the bound on series, counted here only.",
			      m->unlabelled);
	return rc ? -1 : 0;
}
