// SPDX-License-Identifier: GPL-2.0
/*
 * lib/log*.c: binary and ascii parsers and writers on real IMA lists
 * (tests/data, see its README), round trips, namespace attribution and
 * corrupted inputs with the exact offset or line of the error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "le.h"
#include "log.h"
#include "log_format.h"
#include "testdata.h"

struct fixture {
	uint8_t *buf;
	size_t len;
	struct nsima_log log;
	struct nsima_err err;
};

static int load(void **state, const char *name)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->buf = test_load(name, &f->len);
	if (!f->buf) {
		free(f);
		return -1;
	}
	nsima_log_init(&f->log);
	*state = f;
	return 0;
}

static int setup_sha1(void **state)
{
	return load(state, "ibmtss/sha1.log");
}

static int setup_zoo(void **state)
{
	return load(state, "ibmtss/imatest.log");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsima_log_free(&f->log);
	free(f->buf);
	free(f);
	return 0;
}

static void test_binary_sha1_log(void **state)
{
	struct fixture *f = *state;
	const struct nsima_entry *e;
	struct nsima_nsref ref;
	const char *name;
	size_t len;

	assert_int_equal(nsima_log_parse_binary(f->buf, f->len, NSIMA_BANK_SHA1,
						&f->log, &f->err),
			 0);
	assert_int_equal(f->log.count, 362);
	e = &f->log.entries[0];
	assert_int_equal(e->pcr, 10);
	assert_string_equal(e->tmpl.name, "ima-sig");
	assert_int_equal(e->data_len, 67);
	assert_int_equal(e->digest_mask, NSIMA_BANK_BIT(NSIMA_BANK_SHA1));
	assert_string_equal(test_hex(nsima_entry_carried(e, NSIMA_BANK_SHA1), 20),
			    "06685e8b1f967c606ea19e87c0d360877410bbf5");
	name = nsima_entry_name(e, &len);
	assert_int_equal(len, 14);
	assert_memory_equal(name, "boot_aggregate", 14);
	/* d-ng field: "sha256:" NUL digest */
	assert_int_equal(e->fields[0].off, 4);
	assert_int_equal(e->fields[0].len, 40);
	assert_int_equal(e->fields[2].len, 0);	/* empty sig */
	e = &f->log.entries[361];
	name = nsima_entry_name(e, &len);
	assert_int_equal(len, 19);
	assert_memory_equal(name, "/etc/ima/ima-policy", 19);
	assert_string_equal(test_hex(nsima_entry_carried(e, NSIMA_BANK_SHA1), 20),
			    "898d03c08d3551a0a15dffc82f23d4ddd72f2654");
	assert_int_equal(nsima_entry_ns(e, &ref, NULL), 0);
	assert_true(ref.host);
	assert_false(ref.event);
}

static void test_binary_round_trip(void **state)
{
	struct fixture *f = *state;
	struct nsima_buf out;

	nsima_buf_init(&out);
	assert_int_equal(nsima_log_parse_binary(f->buf, f->len, NSIMA_BANK_SHA1,
						&f->log, &f->err),
			 0);
	assert_int_equal(nsima_log_write_binary(&f->log, NSIMA_BANK_SHA1, &out,
						&f->err),
			 0);
	assert_int_equal(out.len, f->len);
	assert_memory_equal(out.data, f->buf, f->len);
	nsima_buf_free(&out);
}

/* The ibmtss template zoo: every IMA template, custom formats, legacy ima. */
static void test_binary_template_zoo(void **state)
{
	struct fixture *f = *state;
	const struct nsima_entry *e;
	size_t len;

	assert_int_equal(nsima_log_parse_binary(f->buf, f->len, NSIMA_BANK_SHA1,
						&f->log, &f->err),
			 0);
	assert_int_equal(f->log.count, 17);
	assert_string_equal(f->log.entries[0].tmpl.name, "d-ng|sig");
	assert_int_equal(f->log.entries[0].name_field, -1);
	assert_string_equal(f->log.entries[4].tmpl.name, "n");
	e = &f->log.entries[6];
	assert_string_equal(e->tmpl.name, "ima");
	assert_true(e->tmpl.legacy);
	assert_true(nsima_entry_is_violation(e));
	assert_int_equal(e->data_len, 38);
	assert_memory_equal(nsima_entry_name(e, &len), "boot_aggregate", 14);
	assert_int_equal(len, 14);
	assert_false(nsima_entry_is_violation(&f->log.entries[7]));
	assert_string_equal(f->log.entries[13].tmpl.name, "ima-buf");
	assert_string_equal(f->log.entries[14].tmpl.name, "evm-sig");
	assert_int_equal(f->log.entries[14].tmpl.nfields, 9);
	assert_string_equal(f->log.entries[15].tmpl.name, "ima-ngv2");
}

/* binary -> ascii -> binary gives back the same bytes */
static void test_zoo_ascii_round_trip(void **state)
{
	struct fixture *f = *state;
	struct nsima_log back;
	struct nsima_buf text, bin;

	nsima_buf_init(&text);
	nsima_buf_init(&bin);
	nsima_log_init(&back);
	assert_int_equal(nsima_log_parse_binary(f->buf, f->len, NSIMA_BANK_SHA1,
						&f->log, &f->err),
			 0);
	assert_int_equal(nsima_log_write_ascii(&f->log, NSIMA_BANK_SHA1, &text,
					       &f->err),
			 0);
	assert_int_equal(nsima_log_parse_ascii((char *)text.data, text.len,
					       NSIMA_BANK_SHA1, &back, &f->err),
			 0);
	assert_int_equal(back.count, 17);
	assert_int_equal(nsima_log_write_binary(&back, NSIMA_BANK_SHA1, &bin,
						&f->err),
			 0);
	assert_int_equal(bin.len, f->len);
	assert_memory_equal(bin.data, f->buf, f->len);
	/* the legacy entry prints as "<pcr> <zero digest> ima <hex> <name>" */
	assert_non_null(strstr((char *)text.data,
			       "10 0000000000000000000000000000000000000000 ima 0000000000000000000000000000000000000000 boot_aggregate\n"));
	assert_non_null(strstr((char *)text.data,
			       " ima-sigv2 ima:sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 /tmp/lower/"));
	nsima_buf_free(&text);
	nsima_buf_free(&bin);
	nsima_log_free(&back);
}

/* ascii -> log -> ascii gives back the same text, trailing spaces and all */
static void check_ascii_round_trip(const char *file, size_t count)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_buf out;
	uint8_t *buf;
	size_t len;

	buf = test_load(file, &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	nsima_buf_init(&out);
	assert_int_equal(nsima_log_parse_ascii((char *)buf, len, NSIMA_BANK_SHA1,
					       &log, &err),
			 0);
	assert_int_equal(log.count, count);
	assert_int_equal(nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &out, &err),
			 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, buf, len);
	nsima_buf_free(&out);
	nsima_log_free(&log);
	free(buf);
}

static void test_ascii_round_trips(void **state)
{
	(void)state;
	check_ascii_round_trip("ima-evm-utils/test_ascii_runtime_measurements", 3);
	check_ascii_round_trip("keylime/measurements.ascii", 3);
	check_ascii_round_trip("keylime/keyrings.ascii", 1);
	check_ascii_round_trip("keylime/bad_signatures.ascii", 1);
}

static void test_ascii_fields(void **state)
{
	const char *text =
		"10 983dcd8e6f7c84a1a5f10e762d1850623966ceab ima-ng sha256:ae06e032a65fed8102aff5f8f31c678dcf2eb25b826f77ecb699faa0411f89e0 /init\n";
	struct nsima_err err = { 0 };
	const struct nsima_entry *e;
	struct nsima_log log;
	size_t len;

	(void)state;
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii(text, strlen(text),
					       NSIMA_BANK_SHA1, &log, &err),
			 0);
	assert_int_equal(log.count, 1);
	e = &log.entries[0];
	/* u32 40 | "sha256:" NUL | 32 bytes | u32 6 | "/init" NUL */
	assert_int_equal(e->data_len, 4 + 40 + 4 + 6);
	assert_int_equal(nsima_get_le32(e->data), 40);
	assert_memory_equal(e->data + 4, "sha256:\0\xae\x06", 10);
	assert_memory_equal(nsima_entry_name(e, &len), "/init", 5);
	nsima_log_free(&log);
}

/* Corrupt a copy of sha1.log; expect @code at byte @offset. */
static void check_binary_error(const uint8_t *buf, size_t len, int code,
			       uint64_t offset, const char *msg)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;

	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log,
						&err),
			 code);
	assert_int_equal(err.code, code);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, offset);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	nsima_log_free(&log);
}

/*
 * First entry of sha1.log: pcr@0 digest@4 name_len@24 name@28 ("ima-sig")
 * data_len@35 data@39: d-ng len@39 value@43, n-ng len@83 value@87,
 * sig len@102; the second entry starts at 106.
 */
static void test_binary_corrupt(void **state)
{
	struct fixture *f = *state;
	uint8_t *c = malloc(f->len);

	assert_non_null(c);
#define RESET() memcpy(c, f->buf, f->len)
	RESET();
	check_binary_error(c, 10, NSIMA_EMALFORMED, 4,
			   "truncated: template digest needs 20 bytes, 6 left");
	check_binary_error(c, 2, NSIMA_EMALFORMED, 0, "pcr needs 4 bytes");
	check_binary_error(c, 100, NSIMA_EMALFORMED, 39,
			   "template data needs 67 bytes, 61 left");
	/* a whole first entry and a truncated second one */
	check_binary_error(c, 108, NSIMA_EMALFORMED, 106, "pcr needs 4 bytes");
	nsima_put_le32(c + 24, 99999);
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 24,
			   "template name_len 99999 not in 1..71");
	RESET();
	nsima_put_le32(c + 24, 0);
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 24, "not in 1..71");
	RESET();
	memcpy(c + 28, "ima-xyz", 7);
	check_binary_error(c, f->len, NSIMA_EUNSUPPORTED, 28,
			   "unknown template 'ima-xyz'");
	RESET();
	c[30] = '\n';
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 28, "not printable");
	RESET();
	nsima_put_le32(c + 35, 0xfffffff0);
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 35,
			   "data_len 4294967280 exceeds 1048576");
	RESET();
	nsima_put_le32(c + 39, 1000);
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 39,
			   "field 'd-ng' length 1000 exceeds the 63 bytes left");
	RESET();
	c[49] = 'x';	/* the ':' of "sha256:" */
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 43,
			   "lacks an \"<algo>:\" prefix");
	RESET();
	c[101] = 'X';	/* the NUL ending "boot_aggregate" */
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 87,
			   "not one NUL-terminated string");
	RESET();
	c[90] = '\0';	/* a NUL inside the name */
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 87,
			   "not one NUL-terminated string");
	RESET();
	nsima_put_le32(c + 35, 66);	/* data ends inside the sig length */
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 39 + 63,
			   "template data ends before field 'sig'");
	RESET();
	nsima_put_le32(c + 106, 99);	/* second entry's pcr */
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 106,
			   "pcr 99 out of range");
	RESET();
	/* sha256 header digests read as sha1: the name_len is garbage */
	free(c);
#undef RESET
}

static void test_binary_legacy_corrupt(void **state)
{
	struct fixture *f = *state;
	/* zoo entry 6 ("ima") starts at 416: name@444, data@447, name_len@467 */
	uint8_t *c = malloc(f->len);

	assert_non_null(c);
	memcpy(c, f->buf, f->len);
	assert_memory_equal(c + 444, "ima", 3);
	nsima_put_le32(c + 467, 256);
	check_binary_error(c, f->len, NSIMA_EMALFORMED, 467,
			   "ima name_len 256 exceeds 255");
	free(c);
}

/* Every prefix of the zoo fails cleanly or parses whole entries. */
static void test_binary_every_prefix(void **state)
{
	struct fixture *f = *state;
	size_t cut, good = 0;

	for (cut = 0; cut <= f->len; cut++) {
		struct nsima_err err = { 0 };
		struct nsima_log log;
		int rc;

		nsima_log_init(&log);
		rc = nsima_log_parse_binary(f->buf, cut, NSIMA_BANK_SHA1, &log,
					    &err);
		if (!rc)
			good++;
		else
			assert_true(err.pos <= cut);
		nsima_log_free(&log);
	}
	/* the empty prefix and the 17 entry boundaries */
	assert_int_equal(good, 18);
}

static void check_ascii_error(const char *text, int code, uint64_t line,
			      const char *msg)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;

	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii(text, strlen(text),
					       NSIMA_BANK_SHA1, &log, &err),
			 code);
	assert_int_equal(err.where, NSIMA_AT_LINE);
	assert_int_equal(err.pos, line);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	nsima_log_free(&log);
}

#define L1 "10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14 boot_aggregate\n"

static void test_ascii_corrupt(void **state)
{
	(void)state;
	check_ascii_error(L1 "x0 00 ima-ng\n", NSIMA_EMALFORMED, 2,
			  "expected a PCR index");
	check_ascii_error(L1 "99 cf41 ima-ng\n", NSIMA_EMALFORMED, 2,
			  "expected a PCR index");
	check_ascii_error(L1 "10 cf41 ima-ng a b\n", NSIMA_EMALFORMED, 2,
			  "40-digit hex template digest");
	check_ascii_error(L1 L1 "10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-foo a b\n",
			  NSIMA_EUNSUPPORTED, 3, "unknown template 'ima-foo'");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng sha256:f1b4\n",
			  NSIMA_EMALFORMED, 1, "has 2 fields, line has 1");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng sha256:f1b4 /a\n",
			  NSIMA_EMALFORMED, 1, "2-byte digest for sha256");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng sha256:f1bx /a\n",
			  NSIMA_EMALFORMED, 1, "bad hex value");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng f1b4 /a\n",
			  NSIMA_EMALFORMED, 1, "lacks an \"<algo>:\" prefix");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-sig sha256:f1b4 /a 0g\n",
			  NSIMA_EMALFORMED, 1, "bad hex value");
	check_ascii_error("10 cf41b43c4031672fcc2bd358b309ad33b977424f ima-ng\n",
			  NSIMA_EMALFORMED, 1, "no template fields");
}

/* A name with spaces (not from the kernel) stays one field. */
static void test_ascii_name_with_spaces(void **state)
{
	const char *text =
		"11 cf41b43c4031672fcc2bd358b309ad33b977424f ima-sig sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14 /a b c 0102\n";
	struct nsima_err err = { 0 };
	struct nsima_log log;
	size_t len;
	const char *name;

	(void)state;
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii(text, strlen(text),
					       NSIMA_BANK_SHA1, &log, &err),
			 0);
	name = nsima_entry_name(&log.entries[0], &len);
	assert_int_equal(len, 6);
	assert_memory_equal(name, "/a b c", 6);
	assert_int_equal(log.entries[0].fields[2].len, 2);
	nsima_log_free(&log);
}

/* evm-sig has two string fields: a space in either cannot be read back */
static void test_ascii_write_refuses_ambiguity(void **state)
{
	struct fixture *f = *state;
	struct nsima_buf out;
	struct nsima_entry *e;

	nsima_buf_init(&out);
	assert_int_equal(nsima_log_parse_binary(f->buf, f->len, NSIMA_BANK_SHA1,
						&f->log, &f->err),
			 0);
	e = &f->log.entries[14];
	assert_string_equal(e->tmpl.name, "evm-sig");
	e->data[e->fields[1].off + 4] = ' ';	/* "/tmp/lower..." */
	assert_int_equal(nsima_log_write_ascii(&f->log, NSIMA_BANK_SHA1, &out,
					       &f->err),
			 NSIMA_EUNSUPPORTED);
	assert_int_equal(f->err.where, NSIMA_AT_ENTRY);
	assert_int_equal(f->err.pos, 14);
	assert_string_equal(f->err.msg, "field 'n-ng' contains a space");
	nsima_buf_free(&out);
}

static void make_entry(struct nsima_entry *e, const char *name)
{
	uint8_t digest[32] = { 1, 2, 3 };
	struct nsima_buf d;

	nsima_buf_init(&d);
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest), 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-ng", d.data, d.len, NULL), 0);
	nsima_buf_free(&d);
}

static void check_ns(const char *name, bool host, uint64_t nsid,
		     const char *path, const char *event)
{
	struct nsima_entry e;
	struct nsima_nsref ref;

	make_entry(&e, name);
	assert_int_equal(nsima_entry_ns(&e, &ref, NULL), 0);
	assert_int_equal(ref.host, host);
	assert_int_equal(ref.nsid, nsid);
	assert_int_equal(ref.path_len, strlen(path));
	assert_memory_equal(ref.path, path, ref.path_len);
	assert_int_equal(ref.event, event != NULL);
	if (event) {
		assert_int_equal(ref.event_type_len, strlen(event));
		assert_memory_equal(ref.event_type, event, ref.event_type_len);
	}
	nsima_entry_free(&e);
}

static void test_namespace_attribution(void **state)
{
	struct nsima_entry e;
	struct nsima_nsref ref;
	bool host;
	uint64_t nsid;

	(void)state;
	check_ns("/usr/bin/ls", true, 0, "/usr/bin/ls", NULL);
	check_ns("boot_aggregate", true, 0, "boot_aggregate", NULL);
	check_ns("4026532281:/usr/bin/curl", false, 4026532281ULL,
		 "/usr/bin/curl", NULL);
	check_ns("4026532281:nsima-event:exec", false, 4026532281ULL,
		 "nsima-event:exec", "exec");
	check_ns("nsima-event:agent-start", true, 0, "nsima-event:agent-start",
		 "agent-start");
	/* not a namespace prefix: leading zero, too big, not decimal */
	check_ns("0123:/x", true, 0, "0123:/x", NULL);
	/* NSIMA_NSID_UNKNOWN is a namespace of its own, never the host */
	check_ns("4294967296:/x", false, 4294967296ULL, "/x", NULL);
	check_ns("4294967297:/x", true, 0, "4294967297:/x", NULL);
	check_ns("12a:/x", true, 0, "12a:/x", NULL);
	check_ns("4294967295:", false, 4294967295ULL, "", NULL);

	/* no name field */
	memset(&e, 0, sizeof(e));
	e.name_field = -1;
	e.flags = NSIMA_ENTRY_REDACTED;
	assert_int_equal(nsima_entry_ns(&e, &ref, NULL), NSIMA_ENAMESPACE);

	assert_int_equal(nsima_nsid_parse("host", &host, &nsid, NULL), 0);
	assert_true(host);
	assert_int_equal(nsima_nsid_parse("4026531840", &host, &nsid, NULL), 0);
	assert_false(host);
	assert_int_equal(nsid, 4026531840ULL);
	assert_int_equal(nsima_nsid_parse("-1", &host, &nsid, NULL), NSIMA_EINVAL);
	assert_int_equal(nsima_nsid_parse("", &host, &nsid, NULL), NSIMA_EINVAL);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_int_equal(nsima_log_sniff((const uint8_t *)"\x0a\0\0\0", 4),
			 NSIMA_FORMAT_BINARY);
	assert_int_equal(nsima_log_sniff((const uint8_t *)"10 ab", 5),
			 NSIMA_FORMAT_ASCII);
	assert_int_equal(nsima_log_sniff((const uint8_t *)" 9 ab", 5),
			 NSIMA_FORMAT_ASCII);
	assert_int_equal(nsima_log_sniff((const uint8_t *)"\x1e{", 2),
			 NSIMA_FORMAT_CEL);
	assert_int_equal(nsima_log_sniff((const uint8_t *)"  [", 3),
			 NSIMA_FORMAT_CEL);
	assert_int_equal(nsima_log_format_by_name("ascii"), NSIMA_FORMAT_ASCII);
	assert_int_equal(nsima_log_format_by_name("xml"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_binary_sha1_log, setup_sha1, teardown),
		cmocka_unit_test_setup_teardown(test_binary_round_trip, setup_sha1, teardown),
		cmocka_unit_test_setup_teardown(test_binary_round_trip, setup_zoo, teardown),
		cmocka_unit_test_setup_teardown(test_binary_template_zoo, setup_zoo, teardown),
		cmocka_unit_test_setup_teardown(test_zoo_ascii_round_trip, setup_zoo, teardown),
		cmocka_unit_test(test_ascii_round_trips),
		cmocka_unit_test(test_ascii_fields),
		cmocka_unit_test_setup_teardown(test_binary_corrupt, setup_sha1, teardown),
		cmocka_unit_test_setup_teardown(test_binary_legacy_corrupt, setup_zoo, teardown),
		cmocka_unit_test_setup_teardown(test_binary_every_prefix, setup_zoo, teardown),
		cmocka_unit_test(test_ascii_corrupt),
		cmocka_unit_test(test_ascii_name_with_spaces),
		cmocka_unit_test_setup_teardown(test_ascii_write_refuses_ambiguity, setup_zoo, teardown),
		cmocka_unit_test(test_namespace_attribution),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
