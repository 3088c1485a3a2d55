// SPDX-License-Identifier: GPL-2.0
/*
 * mklog: build and tamper with nsima measurement lists for the tests and
 * the benchmark, through libnsima's builders (no hand-made hex).
 *
 *   mklog build SPEC OUT [EXTEND]
 *       SPEC, one entry a line ('#' comments):
 *         aggregate SEED            nsima_aggregate, d-ng sha256(SEED)
 *         file NAME CONTENT...      ima-ng, d-ng sha256(CONTENT)
 *         event NS TYPE JSON...     ima-buf "[NS:]nsima-event:TYPE" (NS host
 *                                   or an nsid), buf JSON
 *         violation NAME            ima-ng, zero template digest
 *         ns_state NS [COUNT:HEX]   the ns_state entry of NS (host or an
 *                                   nsid) over NS's entries before it
 *                                   (libnsima's nsima_log_ns_state), or
 *                                   saying COUNT:HEX (a forged one)
 *       OUT is a binary list (PCR 11, sha1 header digests); EXTEND gets one
 *       "sha1=<hex>,sha256=<hex>" line per entry: what the kernel extends
 *       (all 0xFF for a violation), for tpm2_pcrextend 11:<line>.
 *
 *   mklog edit IN OUT [--to binary|cel] OP ARGS [OP ARGS]...
 *       IN any format (sniffed); entries are numbered from 0 as they are
 *       when the op runs:
 *         content N TEXT   new file digest sha256(TEXT), old template
 *                          digests kept (the data no longer matches them)
 *         rename N NAME    new name, template digests recomputed
 *         delete N | swap I J | head N (drop the first N) | tail N (keep
 *         the first N) | insert N SPECLINE (one SPEC line, as one arg)
 *         redact N         keep only the sha1+sha256 template digests
 *         unredact N FILE  entry N replaced by entry N of FILE (in full)
 *         pcr N P          entry N extends PCR P (its digests unchanged)
 *         buf N TEXT       new buf (an event's JSON), d-ng sha256(TEXT),
 *                          template digests recomputed
 *
 *   mklog gen N OUT [FINAL]
 *       a realistic N-entry binary list (aggregate, then container and
 *       host files), streamed; FINAL gets "sha1:<hex>" and "sha256:<hex>"
 *       lines, the PCR 11 values the list replays to.
 *
 *   mklog extends LOG
 *       prints "PCR:sha1=<hex>,sha256=<hex>" per entry: what a replay of
 *       LOG extends (for tpm2_pcrextend, to make a TPM match a public log).
 *
 *   mklog nsstate LOG NS [END]
 *       prints "COUNT:HEX", what an ns_state of NS logged before entry END
 *       (default: after the last) says (for verify --ns-chain).
 *
 *   mklog feed LIST SFS RATE SECS
 *       appends LIST's entries (mklog gen's) to SFS, a fake securityfs,
 *       RATE a second for SECS seconds (bench/agent.sh's paced run).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cel.h"
#include "fileio.h"
#include "hex.h"
#include "log.h"
#include "log_format.h"
#include "nsstate.h"
#include "replay.h"

#define PCR	11
#define SPEC_MAX	((size_t)1 << 24)

static void die(const char *what, const struct nsima_err *err)
{
	char line[NSIMA_ERR_MSG_MAX + 128];

	if (err)
		fprintf(stderr, "mklog: %s\n",
			nsima_err_format(err, what, line, sizeof(line)));
	else
		fprintf(stderr, "mklog: %s\n", what);
	exit(1);
}

/* Template data of an ima-ng/ima-buf entry: d-ng sha256, n-ng, [buf]. */
static void put_data(struct nsima_buf *b, const uint8_t *fdigest,
		     const char *name, const char *buf)
{
	if (nsima_template_put_dng(b, NSIMA_BANK_SHA256, fdigest) ||
	    nsima_template_put_name(b, name) ||
	    (buf && nsima_template_put_field(b, buf, (uint32_t)strlen(buf))))
		die("out of memory", NULL);
}

static void make_entry(struct nsima_entry *e, const char *name,
		       const char *content, const char *buf, bool violation)
{
	struct nsima_err err = { 0 };
	uint8_t d[NSIMA_DIGEST_MAX] = { 0 };
	struct nsima_buf b;
	int bank;

	nsima_buf_init(&b);
	if (!violation && nsima_hash(NSIMA_BANK_SHA256, content,
				     strlen(content), d, &err))
		die("hash", &err);
	put_data(&b, d, name, buf);
	if (nsima_entry_init(e, PCR, buf ? "ima-buf" : "ima-ng", b.data,
			     b.len, &err))
		die(name, &err);
	nsima_buf_free(&b);
	if (violation) {
		memset(d, 0, sizeof(d));
		for (bank = 0; bank < NSIMA_BANK_COUNT; bank++)
			nsima_entry_set_digest(e, bank, d);
	}
}

static char *next_tok(char **s)
{
	char *t = *s, *end;

	while (*t == ' ' || *t == '\t')
		t++;
	if (!*t)
		return NULL;
	end = t + strcspn(t, " \t");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return t;
}

static char *rest(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* ns_state NS [COUNT:HEX], over @log's entries before @at. */
static void make_ns_state(struct nsima_entry *e, const char *ns,
			  const char *said, const struct nsima_log *log,
			  size_t at)
{
	struct nsima_err err = { 0 };
	struct nsima_ns_state s;
	uint64_t nsid;
	bool host;

	if (nsima_nsid_parse(ns, &host, &nsid, &err))
		die("ns_state", &err);
	if (said && *said) {
		if (nsima_ns_state_parse_text(said, &s, &err))
			die("ns_state", &err);
	} else if (nsima_log_ns_state(log, host, nsid,
				      log->first_index + at, &s, &err)) {
		die("ns_state", &err);
	}
	if (nsima_ns_state_entry(e, PCR, host, nsid, &s, &err))
		die("ns_state", &err);
}

/*
 * One SPEC line into @e (at position @at of @log, for ns_state); false for
 * a blank line or a comment.
 */
static bool spec_entry(char *line, struct nsima_entry *e,
		       const struct nsima_log *log, size_t at)
{
	char name[4096], *kind, *a, *b;

	line[strcspn(line, "\r\n")] = '\0';
	kind = next_tok(&line);
	if (!kind || kind[0] == '#')
		return false;
	if (!strcmp(kind, "aggregate") && (a = next_tok(&line))) {
		make_entry(e, "nsima_aggregate", a, NULL, false);
	} else if (!strcmp(kind, "file") && (a = next_tok(&line))) {
		make_entry(e, a, rest(line), NULL, false);
	} else if (!strcmp(kind, "violation") && (a = next_tok(&line))) {
		make_entry(e, a, "", NULL, true);
	} else if (!strcmp(kind, "ns_state") && (a = next_tok(&line))) {
		make_ns_state(e, a, next_tok(&line), log, at);
	} else if (!strcmp(kind, "event") && (a = next_tok(&line)) &&
		   (b = next_tok(&line))) {
		if (!strcmp(a, "host"))
			snprintf(name, sizeof(name), "nsima-event:%s", b);
		else
			snprintf(name, sizeof(name), "%s:nsima-event:%s", a, b);
		line = rest(line);
		make_entry(e, name, line, line, false);
	} else {
		fprintf(stderr, "mklog: bad spec line '%s %s'\n", kind, line);
		exit(1);
	}
	return true;
}

static void write_log(const struct nsima_log *log, const char *path,
		      enum nsima_log_format fmt)
{
	struct nsima_err err = { 0 };
	struct nsima_buf out;

	nsima_buf_init(&out);
	if (fmt == NSIMA_FORMAT_CEL) {
		if (nsima_cel_write(log, NSIMA_BANKS_DEFAULT, 0, &out, &err))
			die(path, &err);
	} else if (nsima_log_write(log, fmt, NSIMA_BANK_SHA1, &out, &err)) {
		die(path, &err);
	}
	if (nsima_write_file(path, out.data, out.len, &err))
		die(path, &err);
	nsima_buf_free(&out);
}

static void write_extends(const struct nsima_log *log, const char *path)
{
	char hex[2][2 * NSIMA_DIGEST_MAX + 1];
	struct nsima_err err = { 0 };
	uint8_t d[NSIMA_DIGEST_MAX];
	int banks[2] = { NSIMA_BANK_SHA1, NSIMA_BANK_SHA256 };
	size_t i;
	FILE *f;
	int j;

	f = fopen(path, "w");
	if (!f)
		die(path, NULL);
	for (i = 0; i < log->count; i++) {
		const struct nsima_entry *e = &log->entries[i];

		for (j = 0; j < 2; j++) {
			if (nsima_entry_is_violation(e))
				nsima_violation_digest(banks[j], d);
			else if (nsima_entry_digest(e, banks[j], d, &err))
				die(path, &err);
			nsima_hex_encode(d, nsima_bank_size(banks[j]), hex[j]);
		}
		fprintf(f, "sha1=%s,sha256=%s\n", hex[0], hex[1]);
	}
	if (fclose(f))
		die(path, NULL);
}

static int cmd_build(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct nsima_entry e;
	struct nsima_log log;
	char line[8192];
	FILE *f;

	if (argc < 4)
		die("usage: mklog build SPEC OUT [EXTEND]", NULL);
	f = fopen(argv[2], "r");
	if (!f)
		die(argv[2], NULL);
	nsima_log_init(&log);
	while (fgets(line, sizeof(line), f)) {
		if (!spec_entry(line, &e, &log, log.count))
			continue;
		if (nsima_log_append(&log, &e, &err))
			die(argv[2], &err);
	}
	fclose(f);
	write_log(&log, argv[3], NSIMA_FORMAT_BINARY);
	if (argc > 4)
		write_extends(&log, argv[4]);
	nsima_log_free(&log);
	return 0;
}

static void load(const char *path, struct nsima_log *log)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;

	nsima_log_init(log);
	if (nsima_read_file(path, NSIMA_INPUT_MAX, &buf, &len, &err) ||
	    nsima_log_parse(buf, len, NSIMA_FORMAT_AUTO, NSIMA_BANK_SHA1, log,
			    &err))
		die(path, &err);
	free(buf);
}

static size_t index_arg(const struct nsima_log *log, const char *s, bool end)
{
	char *p;
	unsigned long v = strtoul(s, &p, 10);

	if (*p || p == s || v > log->count || (!end && v == log->count)) {
		fprintf(stderr, "mklog: bad entry number '%s' (%zu entries)\n",
			s, log->count);
		exit(1);
	}
	return v;
}

/*
 * Rebuild @e's template data with a new file digest and/or name; the
 * template digests are kept when @keep, else recomputed from the data.
 */
static void rebuild(struct nsima_entry *e, const uint8_t *fdigest,
		    const char *name, const char *buf, bool keep)
{
	struct nsima_err err = { 0 };
	uint8_t digests[NSIMA_BANK_COUNT][NSIMA_DIGEST_MAX];
	unsigned int mask = e->digest_mask;
	char tname[sizeof(e->tmpl.name)];
	struct nsima_buf b;
	struct nsima_entry n;
	int i, bank;

	if (!e->data)
		die("cannot edit a redacted entry", NULL);
	memcpy(digests, e->digests, sizeof(digests));
	snprintf(tname, sizeof(tname), "%s", e->tmpl.name);
	nsima_buf_init(&b);
	for (i = 0; i < e->tmpl.nfields; i++) {
		const uint8_t *v = e->data + e->fields[i].off;
		uint32_t len = e->fields[i].len;
		char nm[4096];

		if (e->tmpl.field[i] == NSIMA_FIELD_D_NG && fdigest) {
			if (nsima_template_put_dng(&b, NSIMA_BANK_SHA256,
						   fdigest))
				die("out of memory", NULL);
		} else if (e->tmpl.field[i] == NSIMA_FIELD_BUF && buf) {
			if (nsima_template_put_field(&b, buf,
						     (uint32_t)strlen(buf)))
				die("out of memory", NULL);
		} else if (i == e->name_field && name) {
			if (nsima_template_put_name(&b, name))
				die("out of memory", NULL);
		} else if (i == e->name_field) {
			snprintf(nm, sizeof(nm), "%.*s", (int)len, (const char *)v);
			if (nsima_template_put_name(&b, nm))
				die("out of memory", NULL);
		} else if (nsima_template_put_field(&b, v, len)) {
			die("out of memory", NULL);
		}
	}
	if (nsima_entry_init(&n, e->pcr, tname, b.data, b.len, &err))
		die("rebuild", &err);
	nsima_buf_free(&b);
	if (keep)
		for (bank = 0; bank < NSIMA_BANK_COUNT; bank++)
			if (mask & NSIMA_BANK_BIT(bank))
				nsima_entry_set_digest(&n, bank, digests[bank]);
	nsima_entry_free(e);
	*e = n;
}

static void redact(struct nsima_entry *e)
{
	struct nsima_err err = { 0 };
	uint8_t d[2][NSIMA_DIGEST_MAX];
	int banks[2] = { NSIMA_BANK_SHA1, NSIMA_BANK_SHA256 };
	uint32_t pcr = e->pcr;
	int j;

	for (j = 0; j < 2; j++) {
		if (nsima_entry_is_violation(e))
			memset(d[j], 0, sizeof(d[j]));
		else if (nsima_entry_digest(e, banks[j], d[j], &err))
			die("redact", &err);
	}
	nsima_entry_free(e);
	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->flags = NSIMA_ENTRY_REDACTED;
	e->name_field = -1;
	for (j = 0; j < 2; j++)
		nsima_entry_set_digest(e, banks[j], d[j]);
}

static void remove_at(struct nsima_log *log, size_t i)
{
	nsima_entry_free(&log->entries[i]);
	memmove(&log->entries[i], &log->entries[i + 1],
		(log->count - i - 1) * sizeof(log->entries[0]));
	log->count--;
}

static void copy_in(struct nsima_log *log, size_t i, const char *path)
{
	struct nsima_err err = { 0 };
	struct nsima_log other, one;

	load(path, &other);
	if (i >= other.count)
		die("unredact: entry not in the other log", NULL);
	nsima_log_init(&one);
	if (nsima_log_append_copy(&one, &other.entries[i], &err))
		die(path, &err);
	nsima_entry_free(&log->entries[i]);
	log->entries[i] = one.entries[0];
	one.count = 0;
	nsima_log_free(&one);
	nsima_log_free(&other);
}

static int cmd_edit(int argc, char **argv)
{
	enum nsima_log_format to = NSIMA_FORMAT_BINARY;
	struct nsima_err err = { 0 };
	uint8_t d[NSIMA_DIGEST_MAX];
	struct nsima_log log;
	struct nsima_entry e, t;
	int a = 4;
	size_t i, j;

	if (argc < 5)
		die("usage: mklog edit IN OUT [--to FMT] OP ARGS...", NULL);
	load(argv[2], &log);
	if (!strcmp(argv[a], "--to") && a + 1 < argc) {
		to = (enum nsima_log_format)nsima_log_format_by_name(argv[a + 1]);
		a += 2;
	}
	while (a < argc) {
		const char *op = argv[a];

		if (a + 1 >= argc)
			die("missing argument", NULL);
		if (!strcmp(op, "delete")) {
			remove_at(&log, index_arg(&log, argv[a + 1], false));
		} else if (!strcmp(op, "head")) {
			j = index_arg(&log, argv[a + 1], true);
			while (j--)
				remove_at(&log, 0);
		} else if (!strcmp(op, "tail")) {
			j = index_arg(&log, argv[a + 1], true);
			while (log.count > j)
				remove_at(&log, log.count - 1);
		} else if (!strcmp(op, "redact")) {
			redact(&log.entries[index_arg(&log, argv[a + 1], false)]);
		} else if (a + 2 >= argc) {
			die("missing argument", NULL);
		} else if (!strcmp(op, "content")) {
			i = index_arg(&log, argv[a + 1], false);
			if (nsima_hash(NSIMA_BANK_SHA256, argv[a + 2],
				       strlen(argv[a + 2]), d, &err))
				die("hash", &err);
			rebuild(&log.entries[i], d, NULL, NULL, true);
			a++;
		} else if (!strcmp(op, "pcr")) {
			i = index_arg(&log, argv[a + 1], false);
			log.entries[i].pcr = (uint32_t)strtoul(argv[a + 2], NULL, 10);
			a++;
		} else if (!strcmp(op, "rename")) {
			i = index_arg(&log, argv[a + 1], false);
			rebuild(&log.entries[i], NULL, argv[a + 2], NULL, false);
			a++;
		} else if (!strcmp(op, "buf")) {
			i = index_arg(&log, argv[a + 1], false);
			if (nsima_hash(NSIMA_BANK_SHA256, argv[a + 2],
				       strlen(argv[a + 2]), d, &err))
				die("hash", &err);
			rebuild(&log.entries[i], d, NULL, argv[a + 2], false);
			a++;
		} else if (!strcmp(op, "swap")) {
			i = index_arg(&log, argv[a + 1], false);
			j = index_arg(&log, argv[a + 2], false);
			t = log.entries[i];
			log.entries[i] = log.entries[j];
			log.entries[j] = t;
			a++;
		} else if (!strcmp(op, "insert")) {
			char line[8192];

			i = index_arg(&log, argv[a + 1], true);
			snprintf(line, sizeof(line), "%s", argv[a + 2]);
			if (!spec_entry(line, &e, &log, i) ||
			    nsima_log_append(&log, &e, &err))
				die("insert", &err);
			t = log.entries[log.count - 1];
			memmove(&log.entries[i + 1], &log.entries[i],
				(log.count - 1 - i) * sizeof(t));
			log.entries[i] = t;
			a++;
		} else if (!strcmp(op, "unredact")) {
			copy_in(&log, index_arg(&log, argv[a + 1], false),
				argv[a + 2]);
			a++;
		} else {
			fprintf(stderr, "mklog: unknown op '%s'\n", op);
			return 1;
		}
		a += 2;
	}
	write_log(&log, argv[3], to);
	nsima_log_free(&log);
	return 0;
}

/* Realistic names: container libraries and binaries, host daemons. */
static const char *const dirs[] = {
	"/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/sbin", "/bin",
	"/usr/local/lib/python3.11/site-packages", "/opt/app/node_modules",
	"/usr/libexec", "/lib/systemd",
};
static const char *const stems[] = {
	"libssl", "libcrypto", "libz", "python3", "node", "curl", "bash",
	"libpthread", "systemd-journald", "containerd-shim", "runc", "nginx",
};

static void gen_put(struct nsima_buf *out, const struct nsima_buf *data,
		    struct nsima_pcrs *pcrs)
{
	struct nsima_err err = { 0 };
	uint8_t d1[NSIMA_DIGEST_MAX], d2[NSIMA_DIGEST_MAX];

	if (nsima_hash(NSIMA_BANK_SHA1, data->data, data->len, d1, &err) ||
	    nsima_hash(NSIMA_BANK_SHA256, data->data, data->len, d2, &err) ||
	    nsima_pcr_extend(NSIMA_BANK_SHA1, pcrs->val[NSIMA_BANK_SHA1], d1,
			     &err) ||
	    nsima_pcr_extend(NSIMA_BANK_SHA256, pcrs->val[NSIMA_BANK_SHA256],
			     d2, &err))
		die("gen", &err);
	if (nsima_buf_le32(out, PCR) || nsima_buf_append(out, d1, 20) ||
	    nsima_buf_le32(out, 6) || nsima_buf_append(out, "ima-ng", 6) ||
	    nsima_buf_le32(out, (uint32_t)data->len) ||
	    nsima_buf_append(out, data->data, data->len))
		die("out of memory", NULL);
}

static int cmd_gen(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	struct nsima_pcrs pcrs;
	struct nsima_buf out, data;
	char name[512], hex[2 * NSIMA_DIGEST_MAX + 1];
	uint8_t fd[NSIMA_DIGEST_MAX];
	unsigned long n, i;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	FILE *f;

	if (argc < 4)
		die("usage: mklog gen N OUT [FINAL]", NULL);
	n = strtoul(argv[2], NULL, 10);
	memset(&pcrs, 0, sizeof(pcrs));
	nsima_buf_init(&out);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (!i)
			snprintf(name, sizeof(name), "nsima_aggregate");
		else if (x % 5)
			snprintf(name, sizeof(name), "%u:%s/%s-%lu.so.%u",
				 4026532000u + (unsigned int)(x >> 40) % 200,
				 dirs[(x >> 8) % 8], stems[(x >> 16) % 12],
				 i, (unsigned int)(x >> 24) % 10);
		else
			snprintf(name, sizeof(name), "%s/%s-%lu",
				 dirs[(x >> 8) % 8], stems[(x >> 16) % 12], i);
		if (nsima_hash(NSIMA_BANK_SHA256, &x, sizeof(x), fd, &err))
			die("gen", &err);
		nsima_buf_init(&data);
		put_data(&data, fd, name, NULL);
		gen_put(&out, &data, &pcrs);
		nsima_buf_free(&data);
	}
	if (nsima_write_file(argv[3], out.data, out.len, &err))
		die(argv[3], &err);
	nsima_buf_free(&out);
	if (argc > 4) {
		f = fopen(argv[4], "w");
		if (!f)
			die(argv[4], NULL);
		nsima_hex_encode(pcrs.val[NSIMA_BANK_SHA1], 20, hex);
		fprintf(f, "sha1:%s\n", hex);
		nsima_hex_encode(pcrs.val[NSIMA_BANK_SHA256], 32, hex);
		fprintf(f, "sha256:%s\n", hex);
		fclose(f);
	}
	return 0;
}

static int cmd_nsstate(int argc, char **argv)
{
	char text[NSIMA_NS_STATE_TEXT_MAX];
	struct nsima_err err = { 0 };
	struct nsima_ns_state s;
	struct nsima_log log;
	uint64_t nsid, end = UINT64_MAX;
	bool host;

	if (argc < 4)
		die("usage: mklog nsstate LOG NS [END]", NULL);
	load(argv[2], &log);
	if (nsima_nsid_parse(argv[3], &host, &nsid, &err))
		die(argv[3], &err);
	if (argc > 4)
		end = strtoull(argv[4], NULL, 10);
	if (nsima_log_ns_state(&log, host, nsid, end, &s, &err))
		die(argv[2], &err);
	nsima_ns_state_format(&s, text);
	printf("%s\n", text);
	nsima_log_free(&log);
	return 0;
}

/* What the replay extends for each entry: "PCR:sha1=<hex>,sha256=<hex>". */
static int cmd_extends(int argc, char **argv)
{
	char h1[2 * NSIMA_DIGEST_MAX + 1], h2[2 * NSIMA_DIGEST_MAX + 1];
	uint8_t d1[NSIMA_DIGEST_MAX], d2[NSIMA_DIGEST_MAX];
	struct nsima_err err = { 0 };
	struct nsima_log log;
	size_t i;

	if (argc < 3)
		die("usage: mklog extends LOG", NULL);
	load(argv[2], &log);
	for (i = 0; i < log.count; i++) {
		const struct nsima_entry *e = &log.entries[i];

		if (nsima_entry_is_violation(e)) {
			nsima_violation_digest(NSIMA_BANK_SHA1, d1);
			nsima_violation_digest(NSIMA_BANK_SHA256, d2);
		} else if (nsima_entry_digest(e, NSIMA_BANK_SHA1, d1, &err) ||
			   nsima_entry_digest(e, NSIMA_BANK_SHA256, d2, &err)) {
			die(argv[2], &err);
		}
		nsima_hex_encode(d1, 20, h1);
		nsima_hex_encode(d2, 32, h2);
		printf("%u:sha1=%s,sha256=%s\n", e->pcr, h1, h2);
	}
	nsima_log_free(&log);
	return 0;
}

/*
 * feed LIST SFS RATE SECS: append LIST's entries (a list of mklog gen:
 * ima-ng, sha1) to SFS/binary_runtime_measurements, a directory laid out
 * as the module's securityfs (tests/integration/fakesfs.inc, holding none
 * of them yet), RATE entries a second for SECS seconds (every 10 ms the
 * entries due by then), SFS/status following; prints the entries fed.
 * A paced kernel list for bench/agent.sh.
 */
static int cmd_feed(int argc, char **argv)
{
	struct timespec t0, now;
	struct nsima_log log;
	unsigned long rate, secs;
	size_t i = 0, off = 0, due, end, n;
	char path[4096], tmp[4096 + 8];
	uint8_t *buf;
	size_t len;
	struct nsima_err err = { 0 };
	char *endp;
	FILE *f;
	int fd;

	if (argc < 6)
		die("usage: mklog feed LIST SFS RATE SECS", NULL);
	rate = strtoul(argv[4], &endp, 10);
	if (argv[4][0] < '1' || argv[4][0] > '9' || *endp || rate > 100000)
		die("feed: RATE is not 1..100000", NULL);
	secs = strtoul(argv[5], &endp, 10);
	if (argv[5][0] < '1' || argv[5][0] > '9' || *endp || secs > 3600)
		die("feed: SECS is not 1..3600", NULL);
	load(argv[2], &log);
	if (nsima_read_file(argv[2], NSIMA_INPUT_MAX, &buf, &len, &err))
		die(argv[2], &err);
	snprintf(path, sizeof(path), "%s/binary_runtime_measurements", argv[3]);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0)
		die(path, NULL);
	end = log.count < rate * secs ? log.count : rate * secs;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (i < end) {
		struct timespec d = { 0, 10 * 1000 * 1000 };

		nanosleep(&d, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* elapsed ns x rate: below 2^64 for hours at 10^5/s */
		due = (size_t)((uint64_t)((now.tv_sec - t0.tv_sec) * 1000000000LL +
					  (now.tv_nsec - t0.tv_nsec)) *
			       rate / 1000000000ULL);
		if (due > end)
			due = end;
		for (n = 0; i < due; i++)
			/* pcr, sha1 digest, "ima-ng" with its length, data */
			n += 4 + 20 + 4 + 6 + 4 + log.entries[i].data_len;
		if (!n)
			continue;
		if (off + n > len || write(fd, buf + off, n) != (ssize_t)n)
			die("feed: write (or LIST is not mklog gen's)", NULL);
		off += n;
		snprintf(tmp, sizeof(tmp), "%s/status.new", argv[3]);
		f = fopen(tmp, "w");
		if (!f)
			die(tmp, NULL);
		fprintf(f, "tpm: present\nbanks: sha1 sha256\npcr: 11\n"
			"entries: %zu\ntrimmed: 0\npcr_at_load_sha1: %040d\n"
			"pcr_at_load_sha256: %064d\nload_id: %032d\n",
			i, 0, 0, 0);
		snprintf(path, sizeof(path), "%s/status", argv[3]);
		if (fclose(f) || rename(tmp, path))
			die(path, NULL);
	}
	close(fd);
	printf("%zu\n", i);
	free(buf);
	nsima_log_free(&log);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "extends"))
		return cmd_extends(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "build"))
		return cmd_build(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "edit"))
		return cmd_edit(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "gen"))
		return cmd_gen(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "feed"))
		return cmd_feed(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "nsstate"))
		return cmd_nsstate(argc, argv);
	fprintf(stderr, "usage: mklog build|edit|gen|nsstate|extends|feed ... (see tests/integration/mklog.c)\n");
	return 2;
}
