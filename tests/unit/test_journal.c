// SPDX-License-Identifier: GPL-2.0
/*
 * lib/journal.c: the agent's persistent logs. Each test works in its own
 * directory under $TMPDIR; interruptions are simulated by what they leave
 * behind (bytes appended after a commit, a torn commit line, a directory
 * of a lost batch) and write failures by RLIMIT_FSIZE (EFBIG, as ENOSPC
 * would be handled).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "buf.h"
#include "fileio.h"
#include "hex.h"
#include "journal.h"
#include "log_format.h"
#include "template.h"
#include "testdata.h"

#define NS_A 4026532114ULL
#define NS_B 4026532115ULL

static char dir[256];

/* An ima-ng entry: d-ng sha256 of @fill bytes, n-ng @name. */
static void ng_entry(struct nsima_entry *e, int fill, const char *name)
{
	uint8_t digest[32];
	struct nsima_buf d;

	nsima_buf_init(&d);
	memset(digest, fill, sizeof(digest));
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-ng", d.data, d.len, NULL),
			 0);
	nsima_buf_free(&d);
}

/* NS_A's ns_end event entry (ima-buf). */
static void ns_end_entry(struct nsima_entry *e)
{
	static const char json[] = "{\"entries\":1}";
	uint8_t digest[32];
	struct nsima_buf d;
	char name[64];

	nsima_buf_init(&d);
	memset(digest, 0x55, sizeof(digest));
	snprintf(name, sizeof(name), "%llu:nsima-event:ns_end", NS_A);
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	assert_int_equal(nsima_template_put_field(&d, json, sizeof(json) - 1),
			 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-buf", d.data, d.len,
					  NULL), 0);
	nsima_buf_free(&d);
}

/* Entry @i of the test's list: host, A and B names in turn. */
static void nth(struct nsima_entry *e, unsigned int i)
{
	char name[64];

	switch (i % 3) {
	case 0:
		snprintf(name, sizeof(name), "/usr/bin/host-%u", i);
		break;
	case 1:
		snprintf(name, sizeof(name), "%llu:/bin/a-%u", NS_A, i);
		break;
	default:
		snprintf(name, sizeof(name), "%llu:nsima-event:exec", NS_B);
		break;
	}
	ng_entry(e, (int)i, name);
}

static void add_range(struct nsima_journal *j, unsigned int from,
		      unsigned int to)
{
	struct nsima_err err;
	struct nsima_entry e;
	unsigned int i;

	for (i = from; i < to; i++) {
		nth(&e, i);
		assert_int_equal(nsima_journal_add(j, &e, i, &err), 0);
		nsima_entry_free(&e);
	}
}

/* The expected bytes of entries [from, to) that @keep selects, in @fmt. */
static void expect(struct nsima_buf *out, enum nsima_log_format fmt,
		   unsigned int from, unsigned int to, int keep)
{
	struct nsima_log_writer w;
	struct nsima_entry e;
	unsigned int i;

	nsima_buf_init(out);
	assert_int_equal(nsima_log_writer_begin(&w, fmt, NSIMA_BANK_SHA1,
						NSIMA_BANKS_DEFAULT,
						NSIMA_CEL_SEQ, out, NULL), 0);
	for (i = from; i < to; i++) {
		if (keep >= 0 && (int)(i % 3) != keep)
			continue;
		nth(&e, i);
		assert_int_equal(nsima_log_writer_entry(&w, &e, i, out, NULL), 0);
		nsima_entry_free(&e);
	}
}

static void read_rel(const char *rel, uint8_t **buf, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	*buf = NULL;
	*len = 0;
	assert_int_equal(nsima_read_file(path, NSIMA_INPUT_MAX, buf, len, NULL),
			 0);
}

static void assert_file(const char *rel, enum nsima_log_format fmt,
			unsigned int from, unsigned int to, int keep)
{
	struct nsima_buf want;
	uint8_t *got;
	size_t len;

	expect(&want, fmt, from, to, keep);
	read_rel(rel, &got, &len);
	assert_int_equal(len, want.len);
	if (len)
		assert_memory_equal(got, want.data, len);
	free(got);
	nsima_buf_free(&want);
}

static void append_rel(const char *rel, const char *bytes)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(bytes, f);
	fclose(f);
}

static int lines_of(const char *rel);

static off_t size_rel(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (stat(path, &st))
		return -1;
	return st.st_size;
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/nsima-journal-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	strcat(dir, "/j");	/* the journal makes its own directory */
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	dir[strlen(dir) - 2] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct nsima_journal *open_ok(void)
{
	struct nsima_journal *j;
	struct nsima_err err;

	assert_int_equal(nsima_journal_open(&j, dir, &err), 0);
	return j;
}

/* Committed entries survive a reopen; each log holds its own, in order. */
static void test_commit_reopen(void **state)
{
	struct nsima_journal_info info;
	struct nsima_journal *j = open_ok();
	struct nsima_err err;
	uint8_t *buf;
	size_t len;

	(void)state;
	nsima_journal_info(j, &info);
	assert_false(info.started);
	assert_int_equal(nsima_journal_start(j, 5, "entries: 5\n", &err), 0);
	add_range(j, 5, 12);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	add_range(j, 12, 20);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 20);
	assert_int_equal(info.namespaces, 2);
	assert_int_equal(info.commits, 2);
	nsima_journal_close(j);

	j = open_ok();
	nsima_journal_info(j, &info);
	assert_true(info.started);
	assert_int_equal(info.first, 5);
	assert_int_equal(info.next, 20);
	assert_int_equal(info.commits, 2);
	assert_int_equal(info.namespaces, 2);
	nsima_journal_close(j);

	assert_file("node/binary_runtime_measurements", NSIMA_FORMAT_BINARY, 5,
		    20, -1);
	assert_file("node/ascii_runtime_measurements", NSIMA_FORMAT_ASCII, 5,
		    20, -1);
	assert_file("node/cel.json", NSIMA_FORMAT_CEL, 5, 20, -1);
	assert_file("ns/4026532114.7/binary_runtime_measurements",
		    NSIMA_FORMAT_BINARY, 5, 20, 1);
	assert_file("ns/4026532114.7/cel.json", NSIMA_FORMAT_CEL, 5, 20, 1);
	assert_file("ns/4026532115.5/ascii_runtime_measurements",
		    NSIMA_FORMAT_ASCII, 5, 20, 2);
	assert_int_equal(size_rel("ns/0"), -1);	/* host entries: node only */
	read_rel("start", &buf, &len);
	assert_int_equal(len, strlen("first: 5\nentries: 5\n"));
	assert_memory_equal(buf, "first: 5\nentries: 5\n", len);
	free(buf);
}

/* What an interruption leaves after the last commit is cut off. */
static void test_interrupted_batch(void **state)
{
	struct nsima_journal_info info;
	struct nsima_journal *j = open_ok();
	struct nsima_err err;

	(void)state;
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_range(j, 0, 6);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	/* a batch written but not committed, a new namespace's directory,
	 * and a torn commit line */
	append_rel("node/binary_runtime_measurements", "\x0b\0\0\0partial");
	append_rel("node/cel.json", "\x1e{\"recnum\":6");
	append_rel("ns/4026532114.1/ascii_runtime_measurements", "11 00 ima-ng");
	assert_int_equal(mkdir(strcat(strcpy((char[512]){ 0 }, dir),
				      "/ns/4026532199.6"), 0700), 0);
	append_rel("ns/4026532199.6/binary_runtime_measurements", "x");
	/* a directory that is not the journal's stays */
	assert_int_equal(mkdir(strcat(strcpy((char[512]){ 0 }, dir),
				      "/ns/keep.me"), 0700), 0);
	append_rel("commits", "commit 9 node=1,2,3 00");

	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 6);
	assert_int_equal(info.namespaces, 2);
	/* the next batch continues where the last commit ended */
	add_range(j, 6, 9);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	assert_file("node/binary_runtime_measurements", NSIMA_FORMAT_BINARY, 0,
		    9, -1);
	assert_file("node/cel.json", NSIMA_FORMAT_CEL, 0, 9, -1);
	assert_file("ns/4026532114.1/ascii_runtime_measurements",
		    NSIMA_FORMAT_ASCII, 0, 9, 1);
	assert_int_equal(size_rel("ns/4026532199.6"), -1);
	assert_true(size_rel("ns/keep.me") > 0);
	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 9);
	nsima_journal_close(j);
}

/* Uncommitted entries are dropped by rollback; indexes must follow on. */
static void test_rollback_and_gap(void **state)
{
	struct nsima_journal *j = open_ok();
	struct nsima_entry e;
	struct nsima_err err;

	(void)state;
	nth(&e, 3);
	assert_int_equal(nsima_journal_add(j, &e, 3, &err), NSIMA_EGAP);
	assert_int_equal(nsima_journal_start(j, 3, NULL, &err), 0);
	assert_int_equal(nsima_journal_start(j, 3, NULL, &err), NSIMA_EINVAL);
	assert_int_equal(nsima_journal_add(j, &e, 4, &err), NSIMA_EGAP);
	assert_non_null(strstr(err.msg, "entry 4 does not follow 3"));
	assert_int_equal(nsima_journal_add(j, &e, 3, &err), 0);
	nsima_entry_free(&e);
	nsima_journal_rollback(j);
	assert_int_equal(nsima_journal_next(j), 3);
	assert_int_equal(nsima_journal_commit(j, &err), 0);	/* empty */
	add_range(j, 3, 7);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	assert_int_equal(nsima_journal_next(j), 7);
	nsima_journal_close(j);
	assert_file("node/ascii_runtime_measurements", NSIMA_FORMAT_ASCII, 3, 7,
		    -1);
}

/*
 * A batch that cannot be written (RLIMIT_FSIZE: EFBIG, handled as ENOSPC
 * is) leaves every file at its committed size; the same entries commit
 * once there is room.
 */
static void test_write_failure(void **state)
{
	struct nsima_journal *j = open_ok();
	struct rlimit old, small;
	struct nsima_err err;
	off_t node_size;

	(void)state;
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_range(j, 0, 3);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	node_size = size_rel("node/cel.json");
	assert_true(node_size > 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = (rlim_t)node_size + 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	add_range(j, 3, 40);
	assert_int_equal(nsima_journal_commit(j, &err), NSIMA_EIO);
	assert_non_null(strstr(err.msg, "File too large"));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(nsima_journal_next(j), 3);
	assert_int_equal(size_rel("node/cel.json"), node_size);
	add_range(j, 3, 40);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	assert_file("node/cel.json", NSIMA_FORMAT_CEL, 0, 40, -1);
	assert_file("ns/4026532115.2/binary_runtime_measurements",
		    NSIMA_FORMAT_BINARY, 0, 40, 2);
	j = open_ok();
	assert_int_equal(nsima_journal_next(j), 40);
	nsima_journal_close(j);
}

/* A committed file shorter than its commit, or a bad line before the
 * last: damage, refused without changing anything. */
static void test_damage(void **state)
{
	struct nsima_journal *j = open_ok();
	struct nsima_err err;
	char path[512];
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_range(j, 0, 4);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	snprintf(path, sizeof(path), "%s/ns/4026532114.1/cel.json", dir);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "the journal is damaged"));
	assert_int_equal(size_rel("node/cel.json") > 0, 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EIO);

	/* a commit line with a wrong sum in the middle */
	teardown(state);
	setup(state);
	j = open_ok();
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_range(j, 0, 2);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	add_range(j, 2, 4);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	read_rel("commits", &buf, &len);
	buf[strchr((char *)buf, '\n') + 5 - (char *)buf] ^= 1;
	snprintf(path, sizeof(path), "%s/commits", dir);
	assert_int_equal(nsima_write_file(path, buf, len, NULL), 0);
	free(buf);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "damaged commit line"));
}

/*
 * What a writer must not be able to do through the journal directory: a
 * second writer (the lock), links leading out of it, a directory others
 * may write to, and a forged last commit line that checks out but does
 * not parse as a whole.
 */
static void test_hostile_dir(void **state)
{
	struct nsima_journal *j = open_ok(), *j2;
	struct nsima_journal_info info;
	struct nsima_err err;
	char path[600], victim[600];
	uint8_t *buf;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(nsima_journal_open(&j2, dir, &err), NSIMA_EIO);
	assert_non_null(strstr(err.msg, "in use by another process"));
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_range(j, 0, 4);
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);

	/* a file the journal would cut, a link elsewhere: refused, the
	 * victim untouched */
	snprintf(victim, sizeof(victim), "%s/../victim", dir);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/node/cel.json", dir);
	assert_int_equal(rename(path, strcat(strcpy((char[620]){ 0 }, path),
					     ".real")), 0);
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EIO);
	assert_int_equal(size_rel("../victim"), 9);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(strcat(strcpy((char[620]){ 0 }, path), ".real"),
				path), 0);

	/* an uncommitted namespace directory that is a link elsewhere: the
	 * link is not followed (the file it leads to stays) */
	snprintf(path, sizeof(path), "%s/../vdir", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	append_rel("../vdir/binary_runtime_measurements", "precious");
	snprintf(victim, sizeof(victim), "%s/ns/4026532199.50", dir);
	assert_int_equal(symlink(path, victim), 0);
	j = open_ok();
	nsima_journal_close(j);
	assert_int_equal(size_rel("../vdir/binary_runtime_measurements"), 8);

	/* a forged last line whose sum checks: applied whole or not at all */
	read_rel("commits", &buf, &len);
	free(buf);
	{
		static const char body[] =
			"commit 1000000 node=0,0,0 4026532114.1=0,0,0 junk";
		char sum[65], line[256];
		unsigned char md[32];
		unsigned int n;

		EVP_Digest(body, strlen(body), md, &n, EVP_sha256(), NULL);
		nsima_hex_encode(md, sizeof(md), sum);
		snprintf(line, sizeof(line), "%s %s\n", body, sum);
		append_rel("commits", line);
	}
	/* a whole line that does not apply is damage: refused, nothing
	 * cut on its account */
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "damaged commit line"));
	assert_file("node/binary_runtime_measurements", NSIMA_FORMAT_BINARY, 0,
		    4, -1);
	assert_true(size_rel("commits") > (off_t)len);
	snprintf(path, sizeof(path), "%s/commits", dir);
	assert_int_equal(truncate(path, (off_t)len), 0);
	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 4);
	nsima_journal_close(j);

	/* the commit log lost, the logs there: not a new journal */
	assert_int_equal(rename(path, strcat(strcpy((char[620]){ 0 }, path),
					     ".aside")), 0);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "refusing to start over"));
	assert_file("node/binary_runtime_measurements", NSIMA_FORMAT_BINARY, 0,
		    4, -1);
	assert_int_equal(rename(strcat(strcpy((char[620]){ 0 }, path),
				       ".aside"), path), 0);

	/* a directory others may write to is refused */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(nsima_journal_open(&j, dir, &err), NSIMA_EIO);
	assert_non_null(strstr(err.msg, "must be its owner's alone"));
	assert_int_equal(chmod(dir, 0700), 0);
}

/* Past 1 MiB the commit log is rewritten as its state. */
static void test_compaction(void **state)
{
	struct nsima_journal_info info;
	struct nsima_journal *j = open_ok();
	struct nsima_err err;
	unsigned int i;

	(void)state;
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	/* one entry per commit: ~ 140 bytes per commit line; 1 MiB is
	 * passed after some 7,500 commits */
	for (i = 0; i < 9000; i++) {
		add_range(j, i, i + 1);
		assert_int_equal(nsima_journal_commit(j, &err), 0);
	}
	assert_true(size_rel("commits") < 1 << 20);
	/* compacted: far fewer lines than commits */
	assert_true(lines_of("commits") < 2000);
	nsima_journal_close(j);
	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 9000);
	assert_int_equal(info.first, 0);
	assert_int_equal(info.namespaces, 2);
	nsima_journal_close(j);
	assert_file("ns/4026532114.1/binary_runtime_measurements",
		    NSIMA_FORMAT_BINARY, 0, 9000, 1);
}

/*
 * nsima_binary_whole, the agent's reader of a growing list: every prefix
 * of a real list (tests/data/vm-events) gives the whole records in it;
 * a malformed record is an error where a cut one is not.
 */
static void test_binary_whole(void **state)
{
	struct nsima_log log;
	struct nsima_err err;
	size_t len, cut, whole, count, last_whole = 0, last_count = 0;
	uint8_t *buf;

	(void)state;
	buf = test_load("vm-events/binary_runtime_measurements", &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log,
						&err), 0);
	assert_true(log.count > 10);
	for (cut = 0; cut <= len; cut++) {
		assert_int_equal(nsima_binary_whole(buf, cut, NSIMA_BANK_SHA1,
						    &whole, &count, &err), 0);
		assert_true(whole <= cut);
		assert_true(whole >= last_whole && count >= last_count);
		assert_true(count == last_count || whole > last_whole);
		last_whole = whole;
		last_count = count;
	}
	assert_int_equal(whole, len);
	assert_int_equal(count, log.count);
	/* a pcr index out of range in the second record: malformed */
	assert_int_equal(nsima_binary_whole(buf, len, NSIMA_BANK_SHA1, &whole,
					    &count, &err), 0);
	nsima_log_free(&log);
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log,
						&err), 0);
	{
		struct nsima_buf one;
		size_t first;

		nsima_buf_init(&one);
		assert_int_equal(nsima_log_write_binary_entry(&log.entries[0],
							      NSIMA_BANK_SHA1,
							      &one, NULL), 0);
		first = one.len;
		nsima_buf_free(&one);
		buf[first] = 99;	/* pcr 99 */
		assert_int_equal(nsima_binary_whole(buf, len, NSIMA_BANK_SHA1,
						    &whole, &count, &err),
				 NSIMA_EMALFORMED);
		assert_non_null(strstr(err.msg, "pcr 99 out of range"));
		/* ... also when only its first bytes have come */
		assert_int_equal(nsima_binary_whole(buf, first + 4,
						    NSIMA_BANK_SHA1, &whole,
						    &count, &err),
				 NSIMA_EMALFORMED);
	}
	nsima_log_free(&log);
	free(buf);
}

static void add_named(struct nsima_journal *j, uint64_t index,
		      const char *path)
{
	struct nsima_err err;
	struct nsima_entry e;
	char name[64];

	if (path) {
		snprintf(name, sizeof(name), "%llu:%s", NS_A, path);
		ng_entry(&e, (int)index, name);
	} else {
		ns_end_entry(&e);
	}
	assert_int_equal(nsima_journal_add(j, &e, index, &err), 0);
	nsima_entry_free(&e);
}

static int lines_of(const char *rel)
{
	uint8_t *buf;
	size_t len, i;
	int n = 0;

	read_rel(rel, &buf, &len);
	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	free(buf);
	return n;
}

/*
 * A namespace's id is reused after its ns_end: the entries after it are
 * another namespace's, in ns/<nsid>.<first>. A batch that ended one and
 * started the next, rolled back, leaves the first one live.
 */
static void test_ns_reuse(void **state)
{
	struct nsima_journal_info info;
	struct nsima_journal *j = open_ok();
	struct nsima_err err;

	(void)state;
	assert_int_equal(nsima_journal_start(j, 0, NULL, &err), 0);
	add_named(j, 0, "/x");
	add_named(j, 1, NULL);		/* ns_end */
	add_named(j, 2, "/y");		/* the id again: another namespace */
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_info(j, &info);
	assert_int_equal(info.namespaces, 1);
	nsima_journal_close(j);
	assert_int_equal(lines_of("ns/4026532114.0/ascii_runtime_measurements"),
			 2);
	assert_int_equal(lines_of("ns/4026532114.2/ascii_runtime_measurements"),
			 1);

	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.namespaces, 1);
	add_named(j, 3, "/z");
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	/* ended and replaced in one batch, rolled back */
	add_named(j, 4, NULL);
	add_named(j, 5, "/w");
	nsima_journal_rollback(j);
	add_named(j, 4, "/v");
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	assert_int_equal(lines_of("ns/4026532114.2/ascii_runtime_measurements"),
			 3);
	assert_int_equal(size_rel("ns/4026532114.5"), -1);
	assert_int_equal(lines_of("ns/4026532114.0/ascii_runtime_measurements"),
			 2);
	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 5);
	assert_int_equal(info.namespaces, 1);
	/* the id in four namespaces of one batch (the kernel hands the
	 * lowest free number back): 5 ends 4026532114.2, 6..7 and 8..9
	 * come and go, 10 is the next; the commit line replays */
	add_named(j, 5, NULL);
	add_named(j, 6, "/a");
	add_named(j, 7, NULL);
	add_named(j, 8, "/b");
	add_named(j, 9, NULL);
	add_named(j, 10, "/c");
	assert_int_equal(nsima_journal_commit(j, &err), 0);
	nsima_journal_close(j);
	j = open_ok();
	nsima_journal_info(j, &info);
	assert_int_equal(info.next, 11);
	assert_int_equal(info.namespaces, 1);
	nsima_journal_close(j);
	assert_int_equal(lines_of("ns/4026532114.2/ascii_runtime_measurements"),
			 4);
	assert_int_equal(lines_of("ns/4026532114.6/ascii_runtime_measurements"),
			 2);
	assert_int_equal(lines_of("ns/4026532114.8/ascii_runtime_measurements"),
			 2);
	assert_int_equal(lines_of("ns/4026532114.10/ascii_runtime_measurements"),
			 1);
	assert_int_equal(lines_of("node/ascii_runtime_measurements"), 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_reopen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_batch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_gap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ns_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_dir, setup,
						teardown),
		cmocka_unit_test(test_binary_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
