// SPDX-License-Identifier: GPL-2.0
/*
 * lib/log_ascii.c against names: no line of an ascii list holds a control
 * byte but its final newline. The parser refuses one with its line, the
 * writer refuses a string field holding one with its entry, IMA's own
 * lists (names with bytes >= 0x80) still read, and every list in
 * tests/data survives binary -> ascii -> entries -> ascii unchanged (the
 * ascii nsima.ko wrote byte for byte).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "log.h"
#include "log_format.h"
#include "name.h"
#include "testdata.h"

#define TD "cf41b43c4031672fcc2bd358b309ad33b977424f"
#define DNG "sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14"
#define L1 "10 " TD " ima-ng " DNG " boot_aggregate\n"

static void check_ascii_error(const char *text, size_t len, uint64_t line,
			      const char *msg)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;

	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii(text, len, NSIMA_BANK_SHA1, &log,
					       &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_LINE);
	assert_int_equal(err.pos, line);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	nsima_log_free(&log);
}

#define BAD(text, line, msg) check_ascii_error(text, sizeof(text) - 1, line, msg)

/* A raw control byte anywhere in a line is refused, with its line. */
static void test_parse_control_bytes(void **state)
{
	unsigned int c;

	(void)state;
	BAD(L1 "10 " TD " ima-ng " DNG " /a\rb\n", 2,
	    "control byte 0x0d at column 126");
	BAD(L1 L1 "10 " TD " ima-ng " DNG " /a\tb\n", 3, "control byte 0x09");
	BAD(L1 "10 " TD " ima-ng " DNG " /\x1b[31mred\n", 2, "control byte 0x1b");
	BAD(L1 "10 " TD " ima-ng " DNG " /del\x7f\n", 2, "control byte 0x7f");
	BAD(L1 "10 " TD " ima-ng " DNG " /a\0b\n", 2, "control byte 0x00");
	/* a CRLF list: the '\r' ends the first line already */
	BAD("10 " TD " ima-ng " DNG " boot_aggregate\r\n", 1,
	    "but its final newline");
	/* in other fields too */
	BAD("10\t" TD " ima-ng " DNG " /a\n", 1, "control byte 0x09 at column 3");
	BAD("10 " TD " ima-sig " DNG " /a \x0b\n", 1, "control byte 0x0b");
	/* the last line, without newline */
	BAD(L1 "10 " TD " ima-ng " DNG " /a\x1f", 2, "control byte 0x1f");
	for (c = 1; c < 0x20; c++) {
		char line[] = "10 " TD " ima-ng " DNG " /a?b\n";

		if (c == '\n')
			continue;
		*strchr(line, '?') = (char)c;
		check_ascii_error(line, strlen(line), 1, "control byte");
	}
}

/* What IMA prints for UTF-8 names, and nsima's escaped names, still read. */
static void test_parse_accepts(void **state)
{
	const char *text = L1 "10 " TD " ima-ng " DNG " /tmp/caf\xc3\xa9\n"
			   "10 " TD " ima-ng " DNG " 4026532114:/tmp/a\\x0ab_c\\x5c\n";
	struct nsima_log log;
	const char *name;
	size_t len;

	(void)state;
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii(text, strlen(text),
					       NSIMA_BANK_SHA1, &log, NULL),
			 0);
	assert_int_equal(log.count, 3);
	name = nsima_entry_name(&log.entries[1], &len);
	assert_int_equal(len, 10);
	assert_memory_equal(name, "/tmp/caf\xc3\xa9", 10);
	name = nsima_entry_name(&log.entries[2], &len);
	assert_int_equal(len, 28);
	assert_memory_equal(name, "4026532114:/tmp/a\\x0ab_c\\x5c", 28);
	nsima_log_free(&log);
}

/* An ima-ng entry named by @len raw bytes. */
static void make_entry(struct nsima_entry *e, const char *name, size_t len)
{
	uint8_t digest[32] = { 1, 2, 3 };
	struct nsima_buf d;

	nsima_buf_init(&d);
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest), 0);
	assert_int_equal(nsima_buf_le32(&d, (uint32_t)len + 1), 0);
	assert_int_equal(nsima_buf_append(&d, name, len), 0);
	assert_int_equal(nsima_buf_append(&d, "", 1), 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-ng", d.data, d.len, NULL), 0);
	nsima_buf_free(&d);
}

/* A log of "/ok" and the entry named @name; write it as ascii. */
static int write_two(const char *name, size_t len, struct nsima_buf *out,
		     struct nsima_err *err)
{
	struct nsima_entry e;
	struct nsima_log log;
	int rc;

	nsima_log_init(&log);
	make_entry(&e, "/ok", 3);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	make_entry(&e, name, len);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	rc = nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, out, err);
	nsima_log_free(&log);
	return rc;
}

static void test_write_refuses_control_bytes(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_buf out;
	char msg[NSIMA_ERR_MSG_MAX + 64];
	unsigned int c;

	(void)state;
	nsima_buf_init(&out);
	assert_int_equal(write_two("/a\nb", 4, &out, &err), NSIMA_EUNSUPPORTED);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 1);
	assert_string_equal(err.msg,
			    "field 'n-ng' contains control byte 0x0a at byte 2 (\"/a\\x0ab\" escaped): not representable in an ascii list");
	assert_string_equal(nsima_err_format(&err, "log", msg, sizeof(msg)),
			    "log: entry 1: field 'n-ng' contains control byte 0x0a at byte 2 (\"/a\\x0ab\" escaped): not representable in an ascii list");
	/* a long name is shown cut */
	out.len = 0;
	assert_int_equal(write_two("/0123456789012345678901234567890123456789\r",
				   42, &out, &err),
			 NSIMA_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "0x0d at byte 41 (\"/0123456789012345678901234567890...\" escaped)"));
	for (c = 1; c < 0x80; c++) {
		char name[] = "/a?b";
		int want = c < 0x20 || c == 0x7f ? NSIMA_EUNSUPPORTED : 0;

		name[2] = (char)c;
		out.len = 0;
		assert_int_equal(write_two(name, 4, &out, &err), want);
		if (want) {
			assert_int_equal(err.pos, 1);
			assert_non_null(strstr(err.msg, "control byte"));
		}
	}
	nsima_buf_free(&out);
}

/* evm-sig's xattrnames and the legacy "ima" name are string fields too. */
static void test_write_refuses_other_strings(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_buf out;
	struct nsima_entry *e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load("ibmtss/imatest.log", &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	nsima_buf_init(&out);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log,
						NULL),
			 0);
	e = &log.entries[14];
	assert_string_equal(e->tmpl.name, "evm-sig");
	assert_string_equal(nsima_field_name(e->tmpl.field[3]), "xattrnames");
	assert_true(e->fields[3].len > 1);
	e->data[e->fields[3].off] = '\t';
	assert_int_equal(nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &out, &err),
			 NSIMA_EUNSUPPORTED);
	assert_int_equal(err.pos, 14);
	assert_non_null(strstr(err.msg, "field 'xattrnames' contains control byte 0x09 at byte 0"));

	e = &log.entries[6];
	assert_string_equal(e->tmpl.name, "ima");
	e->data[e->fields[1].off + 4] = 0x1b;	/* boot_aggregate */
	out.len = 0;
	assert_int_equal(nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &out, &err),
			 NSIMA_EUNSUPPORTED);
	assert_int_equal(err.pos, 6);
	assert_non_null(strstr(err.msg, "field 'n' contains control byte 0x1b at byte 4 (\"boot\\x1baggregate\" escaped)"));
	nsima_buf_free(&out);
	nsima_log_free(&log);
	free(buf);
}

static void same_entries(const struct nsima_log *a, const struct nsima_log *b)
{
	size_t i;
	int k;

	assert_int_equal(a->count, b->count);
	for (i = 0; i < a->count; i++) {
		const struct nsima_entry *x = &a->entries[i], *y = &b->entries[i];

		assert_int_equal(x->pcr, y->pcr);
		assert_int_equal(x->flags, y->flags);
		assert_string_equal(x->tmpl.name, y->tmpl.name);
		assert_int_equal(x->tmpl.nfields, y->tmpl.nfields);
		assert_memory_equal(x->tmpl.field, y->tmpl.field, x->tmpl.nfields);
		assert_int_equal(x->data_len, y->data_len);
		assert_memory_equal(x->data, y->data, x->data_len);
		assert_int_equal(x->name_field, y->name_field);
		for (k = 0; k < x->tmpl.nfields; k++) {
			assert_int_equal(x->fields[k].off, y->fields[k].off);
			assert_int_equal(x->fields[k].len, y->fields[k].len);
		}
		assert_int_equal(x->digest_mask, y->digest_mask);
		for (k = 0; k < NSIMA_BANK_COUNT; k++)
			if (x->digest_mask & NSIMA_BANK_BIT(k))
				assert_memory_equal(nsima_entry_carried(x, k),
						    nsima_entry_carried(y, k),
						    nsima_bank_size(k));
	}
}

#define SEEN_MAX	64

struct seen {
	unsigned int binary, ascii, kernel;
	char list[SEEN_MAX][128];	/* "binary:<path>", "ascii:<path>" */
	unsigned int n;
};

static void saw(struct seen *seen, const char *kind, const char *path)
{
	if (seen->n < SEEN_MAX)
		snprintf(seen->list[seen->n++], sizeof(seen->list[0]), "%s:%.100s",
			 kind, path);
}

static bool seen_has(const struct seen *seen, const char *what)
{
	unsigned int i;

	for (i = 0; i < seen->n; i++)
		if (!strcmp(seen->list[i], what))
			return true;
	return false;
}

/* A binary list: -> ascii -> entries -> ascii and binary, all unchanged. */
static void round_trip_binary(const char *path, const uint8_t *buf,
			      size_t len, struct seen *seen)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, back;
	struct nsima_buf text, again, bin;
	char sibling[1024];
	const char *slash;
	uint8_t *kernel;
	size_t klen;

	nsima_log_init(&log);
	if (nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log, NULL)) {
		nsima_log_free(&log);	/* a fuzz input: not a list */
		return;
	}
	nsima_log_init(&back);
	nsima_buf_init(&text);
	nsima_buf_init(&again);
	nsima_buf_init(&bin);
	if (nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &text, &err))
		fail_msg("%s: write ascii: %s", path, err.msg);
	if (nsima_log_parse_ascii((char *)text.data, text.len, NSIMA_BANK_SHA1,
				  &back, &err))
		fail_msg("%s: re-parse ascii: line %llu: %s", path,
			 (unsigned long long)err.pos, err.msg);
	same_entries(&log, &back);
	assert_int_equal(nsima_log_write_ascii(&back, NSIMA_BANK_SHA1, &again,
					       &err),
			 0);
	assert_int_equal(again.len, text.len);
	assert_memory_equal(again.data, text.data, text.len);
	assert_int_equal(nsima_log_write_binary(&back, NSIMA_BANK_SHA1, &bin,
						&err),
			 0);
	assert_int_equal(bin.len, len);
	assert_memory_equal(bin.data, buf, len);
	seen->binary++;
	saw(seen, "binary", path);

	/* the kernel's ascii list beside it: ours is the same bytes */
	slash = strrchr(path, '/');
	if (slash && !strcmp(slash, "/binary_runtime_measurements")) {
		if (snprintf(sibling, sizeof(sibling),
			     "%.*s/ascii_runtime_measurements",
			     (int)(slash - path), path) >= (int)sizeof(sibling))
			fail_msg("path too long");
		kernel = test_load(sibling, &klen);
		if (kernel) {
			assert_int_equal(text.len, klen);
			assert_memory_equal(text.data, kernel, klen);
			seen->kernel++;
			free(kernel);
		}
	}
	nsima_buf_free(&bin);
	nsima_buf_free(&again);
	nsima_buf_free(&text);
	nsima_log_free(&back);
	nsima_log_free(&log);
}

/* An ascii list: -> entries -> ascii unchanged -> the same entries. */
static void round_trip_ascii(const char *path, const uint8_t *buf, size_t len,
			     struct seen *seen)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, back;
	struct nsima_buf text;

	nsima_log_init(&log);
	nsima_log_init(&back);
	nsima_buf_init(&text);
	if (nsima_log_parse_ascii((const char *)buf, len, NSIMA_BANK_SHA1, &log,
				  &err)) {
		/* not a list (pcr-sha1-11); test_data_round_trips checks
		 * that every known list was read */
		nsima_log_free(&log);
		return;
	}
	assert_int_equal(nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &text,
					       &err),
			 0);
	assert_int_equal(text.len, len);
	assert_memory_equal(text.data, buf, len);
	assert_int_equal(nsima_log_parse_ascii((char *)text.data, text.len,
					       NSIMA_BANK_SHA1, &back, &err),
			 0);
	same_entries(&log, &back);
	seen->ascii++;
	saw(seen, "ascii", path);
	nsima_buf_free(&text);
	nsima_log_free(&back);
	nsima_log_free(&log);
}

/* Every file under tests/data (@rel below it) that sniffs as a list. */
static void walk(const char *top, const char *rel, struct seen *seen)
{
	char path[4096], sub[1024];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (snprintf(path, sizeof(path), "%s%s%s", top, *rel ? "/" : "",
		     rel) >= (int)sizeof(path))
		fail_msg("path too long");
	dir = opendir(path);
	assert_non_null(dir);
	while ((d = readdir(dir))) {
		uint8_t *buf;
		size_t len;

		if (d->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			     d->d_name) >= (int)sizeof(sub) ||
		    snprintf(path, sizeof(path), "%s/%s", top, sub) >=
			    (int)sizeof(path))
			fail_msg("path too long");
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk(top, sub, seen);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !st.st_size)
			continue;
		buf = test_load(sub, &len);
		assert_non_null(buf);
		switch (nsima_log_sniff(buf, len)) {
		case NSIMA_FORMAT_BINARY:
			round_trip_binary(sub, buf, len, seen);
			break;
		case NSIMA_FORMAT_ASCII:
			round_trip_ascii(sub, buf, len, seen);
			break;
		default:
			break;
		}
		free(buf);
	}
	closedir(dir);
}

static void test_data_round_trips(void **state)
{
	const char *top = getenv("NSIMA_TEST_DATA");
	static const char *const known[] = {
		"binary:ibmtss/sha1.log",
		"binary:ibmtss/imatest.log",
		"binary:vm-events/binary_runtime_measurements",
		"ascii:ima-evm-utils/test_ascii_runtime_measurements",
		"ascii:keylime/measurements.ascii",
		"ascii:keylime/keyrings.ascii",
		"ascii:keylime/bad_signatures.ascii",
		"ascii:vm-events/ascii_runtime_measurements",
	};
	struct seen seen = { 0 };
	size_t i;

	(void)state;
	walk(top ? top : "tests/data", "", &seen);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!seen_has(&seen, known[i]))
			fail_msg("%s did not round trip", known[i]);
	/* vm-events: the ascii nsima.ko wrote, byte for byte */
	assert_true(seen.kernel >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_control_bytes),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_write_refuses_control_bytes),
		cmocka_unit_test(test_write_refuses_other_strings),
		cmocka_unit_test(test_data_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
