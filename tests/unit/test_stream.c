// SPDX-License-Identifier: GPL-2.0
/*
 * A list handled an entry at a time (what show, export and replay do on a
 * node's whole list): the per-entry writers give the bytes of the
 * whole-list ones, a namespace's view is walked with its record numbers,
 * a list in any format replays as a binary one does, and an output file
 * written in pieces appears only when committed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cel.h"
#include "fileio.h"
#include "log_format.h"
#include "nsview.h"
#include "replay.h"
#include "testdata.h"

#define VM_BIN		"vm-events/binary_runtime_measurements"
#define VM_ASCII	"vm-events/ascii_runtime_measurements"
/* PCR 11 after the first 20 of the 50 entries, and after all */
#define VM20_SHA1	"948a25f764f9ed710549cc82e886bbc541aafb7b"
#define VM20_SHA256	"3c0fa1892e666a23e2ceee2b9b090080b34f7cb38e7926624e05898f51578074"
#define VM_SHA1		"ba44a71ffbf216979bcda2bb30caf1ee6a6fc112"
#define VM_SHA256	"45b88d64532bb992f7144b75ea2529873175dfbe0c19cdd60092f70749624321"

/* @log written an entry at a time with nsima_log_writer. */
static int write_each(const struct nsima_log *log, enum nsima_log_format fmt,
		      unsigned int banks, unsigned int flags,
		      struct nsima_buf *out, struct nsima_err *err)
{
	struct nsima_log_writer w;
	size_t i;
	int rc = nsima_log_writer_begin(&w, fmt, NSIMA_BANK_SHA1, banks, flags,
					out, err);

	for (i = 0; !rc && i < log->count; i++)
		rc = nsima_log_writer_entry(&w, &log->entries[i],
					    nsima_log_index(log, i), out, err);
	return rc ? rc : nsima_log_writer_end(&w, out, err);
}

static void assert_buf_file(const struct nsima_buf *b, const char *file)
{
	uint8_t *want;
	size_t len;

	want = test_load(file, &len);
	assert_non_null(want);
	assert_int_equal(b->len, len);
	assert_memory_equal(b->data, want, len);
	free(want);
}

/* nsima.ko's own lists, written back record by record: byte for byte. */
static void test_entry_writers_round_trip(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log bin, ascii;
	struct nsima_buf a, b, c;
	size_t i;

	(void)state;
	assert_int_equal(test_load_log(VM_BIN, &bin), 0);
	assert_int_equal(test_load_log(VM_ASCII, &ascii), 0);
	nsima_buf_init(&a);
	nsima_buf_init(&b);
	nsima_buf_init(&c);
	for (i = 0; i < bin.count; i++) {
		assert_int_equal(nsima_log_write_binary_entry(&bin.entries[i],
							      NSIMA_BANK_SHA1,
							      &a, &err), 0);
		assert_int_equal(nsima_log_write_ascii_entry(&ascii.entries[i],
							     NSIMA_BANK_SHA1,
							     &b, &err), 0);
	}
	assert_buf_file(&a, VM_BIN);
	assert_buf_file(&b, VM_ASCII);
	/* the generic writer: the same */
	nsima_buf_free(&a);
	nsima_buf_free(&b);
	assert_int_equal(write_each(&bin, NSIMA_FORMAT_BINARY, 0, 0, &a, &err),
			 0);
	assert_int_equal(write_each(&bin, NSIMA_FORMAT_ASCII, 0, 0, &b, &err),
			 0);
	assert_buf_file(&a, VM_BIN);
	assert_buf_file(&b, VM_ASCII);
	/* and CEL as the whole-list writer, array and JSON-seq */
	nsima_buf_free(&a);
	nsima_buf_free(&b);
	assert_int_equal(write_each(&bin, NSIMA_FORMAT_CEL, NSIMA_BANKS_ALL, 0,
				    &a, &err), 0);
	assert_int_equal(nsima_cel_write(&bin, NSIMA_BANKS_ALL, 0, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(write_each(&bin, NSIMA_FORMAT_CEL, NSIMA_BANKS_DEFAULT,
				    NSIMA_CEL_SEQ, &c, &err), 0);
	assert_int_equal(c.data[0], 0x1e);
	assert_int_equal(c.data[c.len - 1], '\n');
	nsima_buf_free(&a);
	nsima_buf_free(&b);
	nsima_buf_free(&c);
	nsima_log_free(&bin);
	nsima_log_free(&ascii);
}

#define REC7 TEST_CEL_REC7
#define RED9 "{\"recnum\":9,\"pcr\":11,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"0000000000000000000000000000000000000000000000000000000000000001\"}],\"content_type\":\"ima_template\",\"redacted\":true}"

/* REC7 and RED9 (recnum 8 left out) into @log. */
static void two_records(struct nsima_log *log)
{
	const char *text = "[" REC7 ",\n" RED9 "]";

	nsima_log_init(log);
	assert_int_equal(nsima_cel_parse((const uint8_t *)text, strlen(text),
					 log, NULL), 0);
}

/* The CEL writer's exact bytes: '[', records after "\n" or ",\n", "\n]\n". */
static void test_cel_writer_bytes(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_cel_writer w;
	struct nsima_log log;
	struct nsima_buf out;
	size_t i;

	(void)state;
	two_records(&log);
	nsima_buf_init(&out);
	assert_int_equal(nsima_cel_write_begin(&w, NSIMA_BANK_BIT(NSIMA_BANK_SHA1),
					       0, &out, &err), 0);
	for (i = 0; i < log.count; i++)
		assert_int_equal(nsima_cel_write_entry(&w, &log.entries[i],
						       nsima_log_index(&log, i),
						       &out, &err), 0);
	assert_int_equal(nsima_cel_write_end(&w, &out, &err), 0);
	assert_int_equal(out.len, strlen("[\n" REC7 ",\n" RED9 "\n]\n"));
	assert_memory_equal(out.data, "[\n" REC7 ",\n" RED9 "\n]\n", out.len);
	nsima_buf_free(&out);

	assert_int_equal(nsima_cel_write_begin(&w, NSIMA_BANK_BIT(NSIMA_BANK_SHA1),
					       NSIMA_CEL_SEQ, &out, &err), 0);
	assert_int_equal(nsima_cel_write_entry(&w, &log.entries[0], 7, &out,
					       &err), 0);
	assert_int_equal(nsima_cel_write_end(&w, &out, &err), 0);
	assert_int_equal(out.len, strlen("\x1e" REC7 "\n"));
	assert_memory_equal(out.data, "\x1e" REC7 "\n", out.len);
	nsima_buf_free(&out);

	/* an empty array; a bad bank mask */
	assert_int_equal(nsima_cel_write_begin(&w, NSIMA_BANKS_DEFAULT, 0, &out,
					       &err), 0);
	assert_int_equal(nsima_cel_write_end(&w, &out, &err), 0);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "[\n]\n", 4);
	nsima_buf_free(&out);
	assert_int_equal(nsima_cel_write_begin(&w, 0, 0, &out, &err),
			 NSIMA_EINVAL);
	nsima_buf_free(&out);
	nsima_log_free(&log);
}

/*
 * Errors name the entry: its position among those written (binary,
 * ascii); a per-entry writer alone leaves that to its caller.
 */
static void test_writer_errors(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log_writer w;
	struct nsima_log log;
	struct nsima_buf out;

	(void)state;
	two_records(&log);
	nsima_buf_init(&out);
	assert_int_equal(nsima_log_writer_begin(&w, NSIMA_FORMAT_BINARY,
						NSIMA_BANK_SHA1, 0, 0, &out,
						&err), 0);
	assert_int_equal(nsima_log_writer_entry(&w, &log.entries[0], 7, &out,
						&err), 0);
	assert_int_equal(nsima_log_writer_entry(&w, &log.entries[1], 9, &out,
						&err), NSIMA_EUNSUPPORTED);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 1);
	assert_int_equal(nsima_log_write_ascii_entry(&log.entries[1],
						     NSIMA_BANK_SHA1, &out,
						     &err), NSIMA_EUNSUPPORTED);
	assert_int_equal(err.where, NSIMA_AT_NONE);
	assert_int_equal(nsima_log_write_ascii(&log, NSIMA_BANK_SHA1, &out,
					       &err), NSIMA_EUNSUPPORTED);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 1);
	/* a CEL redacted record carries its own digests, whatever the banks */
	assert_int_equal(nsima_log_writer_begin(&w, NSIMA_FORMAT_CEL,
						NSIMA_BANK_SHA1,
						NSIMA_BANK_BIT(NSIMA_BANK_SHA1),
						0, &out, &err), 0);
	assert_int_equal(nsima_log_writer_entry(&w, &log.entries[1], 9, &out,
						&err), 0);
	/* a bad format or header bank */
	assert_int_equal(nsima_log_writer_begin(&w, NSIMA_FORMAT_AUTO,
						NSIMA_BANK_SHA1, 0, 0, &out,
						&err), NSIMA_EINVAL);
	assert_int_equal(nsima_log_writer_begin(&w, NSIMA_FORMAT_ASCII, 99, 0,
						0, &out, &err), NSIMA_EINVAL);
	assert_int_equal(nsima_log_write_binary_entry(&log.entries[0], -1, &out,
						      &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_log_write_all(&log, NSIMA_FORMAT_BINARY, 99, 0,
					     0, &out, &err), NSIMA_EINVAL);
	assert_int_equal(err.where, NSIMA_AT_NONE);
	assert_int_equal(nsima_log_check_bank(NSIMA_BANK_SHA256, &err), 0);
	nsima_buf_free(&out);
	nsima_log_free(&log);
}

struct seen {
	uint64_t index[64];
	size_t n;
};

static int see(const struct nsima_entry *e, uint64_t index, void *ctx,
	       struct nsima_err *err)
{
	struct seen *s = ctx;

	(void)e;
	(void)err;
	if (s->n < 64)
		s->index[s->n] = index;
	s->n++;
	return 0;
}

/* A view's CEL records keep their whole-list numbers, gaps and all. */
static void test_walk_view(void **state)
{
	const char *text = "[" REC7 ",\n" RED9 "]";
	const uint8_t *p = (const uint8_t *)text;
	struct nsima_err err = { 0 };
	struct seen s = { 0 };
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(nsima_log_walk_view(p, strlen(text), NSIMA_FORMAT_AUTO,
					     NSIMA_BANK_SHA1, see, &s, &err),
			 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.index[0], 7);
	assert_int_equal(s.index[1], 9);
	/* a whole list's walk refuses the gap */
	memset(&s, 0, sizeof(s));
	assert_int_equal(nsima_log_walk(p, strlen(text), NSIMA_FORMAT_CEL,
					NSIMA_BANK_SHA1, 0, false, see, &s,
					&err), NSIMA_EMALFORMED);
	assert_int_equal(s.n, 1);
	/* binary and ascii entries count from 0 */
	buf = test_load(VM_ASCII, &len);
	assert_non_null(buf);
	memset(&s, 0, sizeof(s));
	assert_int_equal(nsima_log_walk_view(buf, len, NSIMA_FORMAT_AUTO,
					     NSIMA_BANK_SHA1, see, &s, &err),
			 0);
	assert_int_equal(s.n, 50);
	assert_int_equal(s.index[0], 0);
	assert_int_equal(s.index[49], 49);
	free(buf);
}

static int count_redacted(const struct nsima_entry *e, uint64_t index,
			  void *ctx, struct nsima_err *err)
{
	size_t *n = ctx;

	(void)index;
	(void)err;
	n[0]++;
	n[1] += !e->data;
	return 0;
}

/* The list through a namespace's view, as show and export walk it. */
static void test_view_walk(void **state)
{
	struct nsima_err err = { 0 };
	struct seen s = { 0 };
	struct nsima_view v;
	size_t n[2] = { 0 };
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load(VM_BIN, &len);
	assert_non_null(buf);
	assert_int_equal(nsima_view_walk(NULL, buf, len, NSIMA_FORMAT_AUTO,
					 NSIMA_BANK_SHA1, see, &s, &err), 0);
	assert_int_equal(s.n, 50);
	memset(&s, 0, sizeof(s));
	assert_int_equal(nsima_view_init(&v, false, 4026532114ULL, false, 0,
					 &err), 0);
	assert_int_equal(nsima_view_walk(&v, buf, len, NSIMA_FORMAT_AUTO,
					 NSIMA_BANK_SHA1, see, &s, &err), 0);
	assert_int_equal(s.n, 8);
	assert_true(s.index[0] > 0 && s.index[7] < 50);
	assert_int_equal(nsima_view_init(&v, false, 4026532114ULL, true,
					 NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_view_walk(&v, buf, len, NSIMA_FORMAT_AUTO,
					 NSIMA_BANK_SHA1, count_redacted, n,
					 &err), 0);
	assert_int_equal(n[0], 50);
	assert_int_equal(n[1], 42);
	free(buf);
}

static void check_replay(const uint8_t *buf, size_t len,
			 enum nsima_log_format fmt)
{
	struct nsima_err err = { 0 };
	struct nsima_pcrs q = { .banks = NSIMA_BANKS_DEFAULT };
	struct nsima_replay r;
	uint64_t total = 0;

	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_walk(&r, buf, len, fmt, NSIMA_BANK_SHA1,
					   true, NULL, NSIMA_REPLAY_VERIFY,
					   &total, &err), 0);
	assert_int_equal(total, 50);
	assert_int_equal(r.next, 50);
	assert_string_equal(test_hex(r.pcrs.val[NSIMA_BANK_SHA1], 20), VM_SHA1);
	assert_string_equal(test_hex(r.pcrs.val[NSIMA_BANK_SHA256], 32),
			    VM_SHA256);
	/* --quoted: the shortest prefix, the rest pending */
	nsima_hex_decode(VM20_SHA1, 40, q.val[NSIMA_BANK_SHA1]);
	nsima_hex_decode(VM20_SHA256, 64, q.val[NSIMA_BANK_SHA256]);
	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_walk(&r, buf, len, fmt, NSIMA_BANK_SHA1,
					   true, &q, NSIMA_REPLAY_VERIFY,
					   &total, &err), 0);
	assert_int_equal(r.next, 20);
	assert_int_equal(total, 50);
	/* from a checkpoint at 20, the same list counts from there */
	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err), 0);
	r.next = 20;
	assert_int_equal(nsima_replay_walk(&r, buf, len, fmt, NSIMA_BANK_SHA1,
					   false, NULL, 0, &total, &err), 0);
	assert_int_equal(total, 70);
	q.val[NSIMA_BANK_SHA1][0] ^= 1;
	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_walk(&r, buf, len, fmt, NSIMA_BANK_SHA1,
					   true, &q, 0, &total, &err),
			 NSIMA_EUNREACHABLE);
	assert_int_equal(err.pos, 50);
	assert_int_equal(r.next, 0);
}

/* Binary, ascii and CEL forms of one list replay alike, a record at a time. */
static void test_replay_walk(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	struct nsima_log log;
	struct nsima_buf cel;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load(VM_BIN, &len);
	assert_non_null(buf);
	check_replay(buf, len, NSIMA_FORMAT_BINARY);
	free(buf);
	buf = test_load(VM_ASCII, &len);
	assert_non_null(buf);
	check_replay(buf, len, NSIMA_FORMAT_AUTO);
	free(buf);
	assert_int_equal(test_load_log(VM_BIN, &log), 0);
	nsima_buf_init(&cel);
	assert_int_equal(nsima_cel_write(&log, NSIMA_BANKS_DEFAULT, 0, &cel,
					 &err), 0);
	check_replay(cel.data, cel.len, NSIMA_FORMAT_CEL);
	/* a CEL list from record 5 is not the list from 0 */
	nsima_buf_free(&cel);
	log.first_index = 5;
	assert_int_equal(nsima_cel_write(&log, NSIMA_BANKS_DEFAULT, 0, &cel,
					 &err), 0);
	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_walk(&r, cel.data, cel.len,
					   NSIMA_FORMAT_AUTO, NSIMA_BANK_SHA1,
					   true, NULL, 0, NULL, &err),
			 NSIMA_EMALFORMED);
	nsima_buf_free(&cel);
	nsima_log_free(&log);
}

static void assert_file(const char *path, const char *want)
{
	uint8_t *buf;
	size_t len;

	assert_int_equal(nsima_read_file(path, 1 << 20, &buf, &len, NULL), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
	free(buf);
}

/* Written in pieces, the file appears whole on commit, never on abort. */
static void test_wfile(void **state)
{
	char dir[] = "/tmp/nsima-wfile-XXXXXX", path[64];
	struct nsima_err err = { 0 };
	struct nsima_wfile f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(nsima_wfile_open(&f, path, &err), 0);
	assert_int_equal(nsima_wfile_write(&f, "abc", 3, &err), 0);
	assert_int_equal(access(path, F_OK), -1);	/* not yet */
	assert_int_equal(nsima_wfile_write(&f, "def", 3, &err), 0);
	assert_int_equal(nsima_wfile_commit(&f, &err), 0);
	assert_file(path, "abcdef");
	/* an aborted rewrite leaves the old file, and no temporary one */
	assert_int_equal(nsima_wfile_open(&f, path, &err), 0);
	assert_int_equal(nsima_wfile_write(&f, "xyz", 3, &err), 0);
	nsima_wfile_abort(&f);
	assert_file(path, "abcdef");
	assert_int_equal(nsima_write_file(path, "whole", 5, &err), 0);
	assert_file(path, "whole");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);	/* empty: no temporary left */
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(nsima_wfile_open(&f, path, &err), NSIMA_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_writers_round_trip),
		cmocka_unit_test(test_cel_writer_bytes),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_walk_view),
		cmocka_unit_test(test_view_walk),
		cmocka_unit_test(test_replay_walk),
		cmocka_unit_test(test_wfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
