// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest show: print a measurement list, all of it or one
 * namespace's view.
 *
 *   nsima-attest show --log FILE [--format FMT] [--log-alg BANK]
 *                     [--ns NSID|host [--redacted]] [--json]
 *
 * One line per entry: index, PCR, namespace, kind (file, event,
 * violation, redacted), name and file digest (an event's buffer when it is
 * text). --ns keeps that namespace's entries; with --redacted every entry
 * stays but other namespaces' entries show only their template digests.
 *
 * Names are printed as nsima.ko writes them (name.h): a name that is not
 * already in that escaped form (a plain IMA list's raw bytes, a forged
 * entry) is escaped, so no byte outside 0x21..0x7e of a name reaches the
 * output: a newline cannot forge a line, nor an ESC drive the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmds.h"
#include "common.h"
#include "hex.h"
#include "name.h"
#include "nsview.h"

struct show_opts {
	const char *log;
	enum nsima_log_format fmt;
	int hdr_bank;
	bool ns_set;
	bool host;
	uint64_t nsid;
	bool redacted;
	bool json;
};

static void show_usage(FILE *f)
{
	fprintf(f,
		"usage: nsima-attest show --log FILE [options]\n"
		"  --log FILE         measurement list (\"-\" = stdin)\n"
		"  --format FMT       binary, ascii or cel (default: detect)\n"
		"  --log-alg BANK     bank of the list's header digests (default sha1)\n"
		"  --ns NSID|host     only this namespace's entries\n"
		"  --redacted         with --ns: keep other entries as digests only\n"
		"  --json             JSON array on stdout\n");
}

static int parse_opts(int argc, char **argv, struct show_opts *o)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "log-alg", required_argument, NULL, 'a' },
		{ "ns", required_argument, NULL, 'n' },
		{ "redacted", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsima_err err = { 0 };
	int c, v;

	memset(o, 0, sizeof(*o));
	o->hdr_bank = NSIMA_BANK_SHA1;
	while ((c = getopt_long(argc, argv, "l:f:a:n:rjh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->log = optarg;
			break;
		case 'f':
			v = nsima_log_format_by_name(optarg);
			if (v < 0) {
				attest_msg("show: bad --format '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			o->fmt = (enum nsima_log_format)v;
			break;
		case 'a':
			o->hdr_bank = nsima_bank_by_name(optarg, strlen(optarg));
			if (o->hdr_bank < 0) {
				attest_msg("show: bad --log-alg '%s'", optarg);
				return NSIMA_EXIT_USAGE;
			}
			break;
		case 'n':
			if (nsima_nsid_parse(optarg, &o->host, &o->nsid, &err)) {
				attest_error("show: --ns", &err);
				return NSIMA_EXIT_USAGE;
			}
			o->ns_set = true;
			break;
		case 'r':
			o->redacted = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			show_usage(stdout);
			return -1;
		default:
			show_usage(stderr);
			return NSIMA_EXIT_USAGE;
		}
	}
	if (optind != argc || !o->log || (o->redacted && !o->ns_set)) {
		attest_msg("show: %s", optind != argc ? "unexpected argument" :
			   !o->log ? "--log FILE is required" :
				     "--redacted needs --ns");
		return NSIMA_EXIT_USAGE;
	}
	return NSIMA_EXIT_OK;
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
	const uint8_t *raw = (const uint8_t *)name;
	ssize_t n;
	char *esc;

	if (nsima_name_unescape(name, len, NULL, 0, NULL) >= 0) {
		fwrite(name, 1, len, stdout);
		return;
	}
	n = nsima_name_escape(raw, len, NULL, 0, NULL);
	esc = n < 0 ? NULL : malloc((size_t)n + 1);
	if (esc && nsima_name_escape(raw, len, esc, (size_t)n + 1, NULL) >= 0)
		fputs(esc, stdout);
	else
		fputs("?", stdout);
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

static json_t *entry_json(const struct nsima_entry *e, uint64_t index)
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
		json_object_set_new(j, "template", json_string(e->tmpl.name));
	if (named) {
		snprintf(nsid, sizeof(nsid), "%llu", (unsigned long long)ref.nsid);
		json_object_set_new(j, "ns", json_string(ref.host ? "host" : nsid));
		json_object_set_new(j, ref.event ? "event" : "path",
				    json_stringn(ref.event ? ref.event_type : ref.path,
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

static void print_line(const struct nsima_entry *e, uint64_t index)
{
	struct nsima_nsref ref;
	bool named = !nsima_entry_ns(e, &ref, NULL);
	char td[16 + 2 * NSIMA_DIGEST_MAX], nsid[24] = "-";
	char *digest, *buf;

	if (named)
		snprintf(nsid, sizeof(nsid), "%llu", (unsigned long long)ref.nsid);
	printf("%6llu %2u %-10s %-9s ", (unsigned long long)index, e->pcr,
	       named && ref.host ? "host" : nsid, kind_of(e, &ref, named));
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

static int print_log(const struct show_opts *o, const struct nsima_log *log)
{
	json_t *arr = o->json ? json_array() : NULL;
	size_t i;

	if (o->json && !arr)
		return NSIMA_EXIT_INTERNAL;
	for (i = 0; i < log->count; i++) {
		if (arr)
			json_array_append_new(arr, entry_json(&log->entries[i],
							      nsima_log_index(log, i)));
		else
			print_line(&log->entries[i], nsima_log_index(log, i));
	}
	if (arr) {
		json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(arr);
	}
	return NSIMA_EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, view;
	struct show_opts o;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? NSIMA_EXIT_OK : rc;
	nsima_log_init(&log);
	nsima_log_init(&view);
	rc = attest_load_log(o.log, o.fmt, o.hdr_bank, o.json, &log);
	if (rc)
		goto out;
	if (o.ns_set && o.redacted)
		rc = nsima_log_redact(&log, o.host, o.nsid, NSIMA_BANKS_ALL,
				      &view, &err);
	else if (o.ns_set)
		rc = nsima_log_filter_ns(&log, o.host, o.nsid, &view, &err);
	if (rc) {
		rc = attest_report(o.log, rc, &err, o.json);
		goto out;
	}
	rc = print_log(&o, o.ns_set ? &view : &log);
out:
	nsima_log_free(&view);
	nsima_log_free(&log);
	return rc;
}
