// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest show: print a measurement list, all of it or one
 * namespace's view.
 *
 *   nsima-attest show --log FILE [--format FMT] [--log-alg BANK]
 *                     [--ns NSID|host [--redacted]] [--labels DIR] [--json]
 *
 * One line per entry: index, PCR, namespace, kind (file, event,
 * violation, redacted), name and file digest (an event's buffer when it is
 * text). --ns keeps that namespace's entries; with --redacted every entry
 * stays but other namespaces' entries show only their template digests.
 * Each entry is printed as the list is walked: constant memory.
 *
 * --labels (on the node) prints each namespace's container beside its
 * nsid (lib/label.c: its ns/<nsid>/info, cgroup and runtime state): the
 * node's word, not the TPM's (docs/labels.md); "-" when the namespace
 * has ended or nothing is known.
 *
 * Names are printed as nsima.ko writes them (name.h): a name that is not
 * already in that escaped form (a plain IMA list's raw bytes, a forged
 * entry) is escaped, so no byte outside 0x21..0x7e of a name reaches the
 * output: a newline cannot forge a line, nor an ESC drive the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmds.h"
#include "common.h"
#include "fileio.h"
#include "hex.h"
#include "label.h"
#include "name.h"
#include "opts.h"

static const struct attest_cmd show_cmd = {
	"show", "--log FILE [options]",
	(const enum attest_opt[]){ OPT_LOG, OPT_FORMAT, OPT_LOG_ALG, OPT_NS,
				   OPT_REDACTED, OPT_LABELS, OPT_JSON, OPT_END },
	(const enum attest_opt[]){ OPT_LOG, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	int rc = attest_parse(argc, argv, &show_cmd, o);

	if (!rc && o->given[OPT_REDACTED] && !o->given[OPT_NS])
		rc = attest_usage_error(&show_cmd, "--redacted needs --ns");
	return rc;
}

/* The text of a field value for display: d-ng as algo:hex, strings as is. */
static char *field_text(const struct nsima_entry *e, int id)
{
	int i = nsima_template_find(&e->tmpl, id);
	struct nsima_buf b;
	size_t len;

	if (i < 0 || !e->data)
		return NULL;
	nsima_buf_init(&b);
	if (nsima_field_print(&b, id, e->data + e->fields[i].off,
			      e->fields[i].len) || !b.data) {
		nsima_buf_free(&b);
		return NULL;
	}
	return (char *)nsima_buf_take(&b, &len);
}

/*
 * A name on stdout as name.h writes it: as it is when it already is an
 * escaped name (what nsima.ko writes), else escaped.
 */
static void print_name(const char *name, size_t len)
{
	char *esc;

	if (nsima_name_unescape(name, len, NULL, 0, NULL) >= 0) {
		fwrite(name, 1, len, stdout);
		return;
	}
	esc = attest_escaped(name, len);
	fputs(esc ? esc : "?", stdout);
	free(esc);
}

/* ima-buf contents as text when printable (our events are JSON). */
static char *buf_text(const struct nsima_entry *e)
{
	int i = nsima_template_find(&e->tmpl, NSIMA_FIELD_BUF);
	const uint8_t *p;
	size_t k, len;
	char *s;

	if (i < 0 || !e->data)
		return NULL;
	p = e->data + e->fields[i].off;
	len = e->fields[i].len;
	for (k = 0; k < len; k++)
		if (p[k] < 0x20 || p[k] > 0x7e)	/* isprint() in any locale */
			return field_text(e, NSIMA_FIELD_BUF);
	s = malloc(len + 1);
	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

static const char *kind_of(const struct nsima_entry *e,
			   const struct nsima_nsref *ref, bool named)
{
	if (e->flags & NSIMA_ENTRY_REDACTED)
		return "redacted";
	if (nsima_entry_is_violation(e))
		return "violation";
	if (named && ref->event)
		return "event";
	return "file";
}

/* Template digests the entry carries, as "bank:hex" in @b. */
static void template_digest_text(const struct nsima_entry *e, char *out,
				 size_t size)
{
	int b = e->digest_mask & NSIMA_BANK_BIT(NSIMA_BANK_SHA256) ?
			NSIMA_BANK_SHA256 : NSIMA_BANK_SHA1;
	char hex[2 * NSIMA_DIGEST_MAX + 1];
	uint8_t d[NSIMA_DIGEST_MAX];

	if (nsima_entry_digest(e, b, d, NULL)) {
		snprintf(out, size, "-");
		return;
	}
	nsima_hex_encode(d, nsima_bank_size(b), hex);
	snprintf(out, size, "%s:%s", nsima_bank_name(b), hex);
}

/* Labels of the namespaces met so far (a list has few namespaces live). */
#define LABELS_MAX	1024
struct labels {
	const char *dir;		/* securityfs dir, NULL: no labels */
	size_t n;
	struct {
		uint64_t nsid;
		char text[NSIMA_LABEL_FORMAT_MAX];
	} l[LABELS_MAX];
};

/* @nsid's label ("-": ended or unknown), computed once. */
static const char *label_of(struct labels *L, uint64_t nsid)
{
	struct nsima_ns_info info;
	struct nsima_label label;
	uint8_t *buf = NULL;
	char path[256], *t;
	size_t i, len;

	for (i = 0; i < L->n; i++)
		if (L->l[i].nsid == nsid)
			return L->l[i].text;
	i = L->n < LABELS_MAX ? L->n++ : LABELS_MAX - 1;	/* last reused */
	L->l[i].nsid = nsid;
	t = L->l[i].text;
	snprintf(t, NSIMA_LABEL_FORMAT_MAX, "-");
	snprintf(path, sizeof(path), "%s/ns/%llu/info", L->dir,
		 (unsigned long long)nsid);
	if (nsima_read_file(path, NSIMA_SMALL_FILE_MAX, &buf, &len, NULL))
		return t;
	if (!nsima_ns_info_parse((const char *)buf, len, &info, NULL) &&
	    !nsima_label_namespace(&info, "/sys/fs/cgroup",
				   nsima_label_state_roots, &label, NULL) &&
	    nsima_label_format(&label, t, NSIMA_LABEL_FORMAT_MAX) < 0)
		snprintf(t, NSIMA_LABEL_FORMAT_MAX, "-");
	free(buf);
	return t;
}

static json_t *entry_json(const struct nsima_entry *e, uint64_t index,
			  struct labels *L)
{
	struct nsima_nsref ref;
	bool named = !nsima_entry_ns(e, &ref, NULL);
	json_t *j = json_object(), *digests = json_object();
	char hex[2 * NSIMA_DIGEST_MAX + 1], nsid[24];
	uint8_t d[NSIMA_DIGEST_MAX];
	char *text;
	int b;

	json_object_set_new(j, "index", json_integer((json_int_t)index));
	json_object_set_new(j, "pcr", json_integer(e->pcr));
	json_object_set_new(j, "kind", json_string(kind_of(e, &ref, named)));
	if (e->data)
		json_object_set_new(j, "template",
				    attest_jstr(e->tmpl.name, strlen(e->tmpl.name)));
	if (named) {
		snprintf(nsid, sizeof(nsid), "%llu", (unsigned long long)ref.nsid);
		json_object_set_new(j, "namespace",
				    json_string(ref.host ? "host" : nsid));
		if (L->dir && !ref.host)
			json_object_set_new(j, "label",
					    json_string(label_of(L, ref.nsid)));
		json_object_set_new(j, ref.event ? "event" : "path",
				    attest_jstr(ref.event ? ref.event_type : ref.path,
					      ref.event ? ref.event_type_len :
							  ref.path_len));
	}
	text = field_text(e, NSIMA_FIELD_D_NG);
	if (!text)
		text = field_text(e, NSIMA_FIELD_D_NGV2);
	if (text)
		json_object_set_new(j, "digest", json_string(text));
	free(text);
	text = buf_text(e);
	if (text)
		json_object_set_new(j, "buf", json_string(text));
	free(text);
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(e->digest_mask & NSIMA_BANK_BIT(b)) ||
		    nsima_entry_digest(e, b, d, NULL))
			continue;
		nsima_hex_encode(d, nsima_bank_size(b), hex);
		json_object_set_new(digests, nsima_bank_name(b), json_string(hex));
	}
	json_object_set_new(j, "template_digests", digests);
	return j;
}

static void print_line(const struct nsima_entry *e, uint64_t index,
		       struct labels *L)
{
	struct nsima_nsref ref;
	bool named = !nsima_entry_ns(e, &ref, NULL);
	char td[16 + 2 * NSIMA_DIGEST_MAX], nsid[24] = "-";
	char *digest, *buf;

	if (named)
		snprintf(nsid, sizeof(nsid), "%llu", (unsigned long long)ref.nsid);
	printf("%6llu %2u %-10s ", (unsigned long long)index, e->pcr,
	       named && ref.host ? "host" : nsid);
	if (L->dir)
		printf("%-24s ", named && !ref.host ? label_of(L, ref.nsid) :
						      "-");
	printf("%-9s ", kind_of(e, &ref, named));
	if (!e->data) {
		template_digest_text(e, td, sizeof(td));
		printf("%s\n", td);
		return;
	}
	if (named)
		print_name(ref.event ? ref.event_type : ref.path,
			   ref.event ? ref.event_type_len : ref.path_len);
	else
		printf("(%s)", e->tmpl.name);
	digest = field_text(e, NSIMA_FIELD_D_NG);
	if (!digest)
		digest = field_text(e, NSIMA_FIELD_D_NGV2);
	buf = buf_text(e);
	if (buf && strlen(buf) > 96)
		printf(" %.93s...", buf);
	else if (buf)
		printf(" %s", buf);
	else if (digest)
		printf(" %s", digest);
	printf("\n");
	free(digest);
	free(buf);
}

struct show {
	bool json;
	uint64_t shown;		/* entries printed */
	struct labels *labels;
};

/*
 * One element of the --json array, printed as json_dumpf prints the whole
 * array (JSON_INDENT(1)): the element is dumped inside an array of its
 * own, whose "[" and final "\n]" are left out.
 */
static int print_json(const struct nsima_entry *e, uint64_t index, bool first,
		      struct labels *L)
{
	json_t *arr = json_array();
	char *s = NULL;
	size_t len;

	if (arr && !json_array_append_new(arr, entry_json(e, index, L)))
		s = json_dumps(arr, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (!s)
		return NSIMA_ENOMEM;
	len = strlen(s);
	printf("%s%.*s", first ? "[" : ",", (int)(len - 3), s + 1);
	free(s);
	return 0;
}

static int show_entry(const struct nsima_entry *e, uint64_t index, void *ctx,
		      struct nsima_err *err)
{
	struct show *s = ctx;

	if (!s->json)
		print_line(e, index, s->labels);
	else if (print_json(e, index, !s->shown, s->labels))
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	s->shown++;
	return 0;
}

/*
 * Each entry printed as the list is walked (constant memory). A failure
 * after the first entry printed ends the --json array with the error's
 * object as its last element.
 */
static int show_log(const struct attest_args *o, const uint8_t *buf,
		    size_t len)
{
	struct show s = { .json = o->given[OPT_JSON] };
	char line[NSIMA_ERR_MSG_MAX + 512];
	struct nsima_err err = { 0 };
	json_t *j;
	int rc;

	s.labels = calloc(1, sizeof(*s.labels));
	if (!s.labels) {
		attest_msg("show: out of memory");
		return NSIMA_EXIT_INTERNAL;
	}
	s.labels->dir = o->labels;
	rc = attest_walk(o, buf, len, NSIMA_BANKS_ALL, show_entry, &s, &err);
	free(s.labels);

	if (rc && s.json && s.shown) {
		/* one JSON document: the error is the array's last element */
		nsima_err_format(&err, o->log, line, sizeof(line));
		j = attest_verdict(attest_exit_code(rc), line);
		if (err.where == NSIMA_AT_ENTRY)
			json_object_set_new(j, "entry",
					    json_integer((json_int_t)err.pos));
		fputs(",\n", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
		fputs("\n]\n", stdout);
		return attest_exit_code(rc);
	}
	if (s.json && !rc)
		fputs(s.shown ? "\n]\n" : "[]\n", stdout);
	if (rc)
		return attest_report(o->log, rc, &err, s.json);
	return NSIMA_EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct attest_args o;
	uint8_t *buf;
	size_t len;
	bool mapped;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	rc = attest_map_file(o.log, &buf, &len, &mapped, &err);
	if (rc)
		return attest_report(o.log, rc, &err, o.given[OPT_JSON]);
	rc = show_log(&o, buf, len);
	attest_unmap_file(buf, len, mapped);
	return rc;
}
