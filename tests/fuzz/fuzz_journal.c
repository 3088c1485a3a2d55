// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/journal.c's recovery from its commit log, the one
 * file of the journal that is parsed. Each input gives a journal
 * directory's "commits" file: every whole line of it gets its SHA-256
 * appended, as the journal writes it (so that the fuzzer reaches the
 * parser behind the sum), unless it starts with '!' (taken as it is, the
 * '!' removed); a last line without a newline is a torn one, as it is.
 * The node's three logs are 64 bytes long each. Opening
 * it either fails with a message (damaged, a file shorter than committed:
 * NSIMA_EMALFORMED or NSIMA_EIO) or recovers a state that holds:
 * first <= next, nothing without a start; the commit log left behind is a
 * prefix of the input ending at a line's end; opening again gives the same
 * state (recovery is idempotent); and, once started, the next entry
 * commits and is counted, and a reopen replays that commit.
 */
#include <errno.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "fileio.h"
#include "hex.h"
#include "journal.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void fresh(char *dir, size_t len)
{
	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/nsima-fuzz-journal-XXXXXX");
		if (!mkdtemp(root))
			abort();
	}
	snprintf(dir, len, "%s/j", root);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *dir, const char *rel, const void *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
		abort();
}

/* The commits file of input @data (above). */
static void commits_of(const uint8_t *data, size_t size, struct nsima_buf *b)
{
	size_t pos = 0;

	nsima_buf_init(b);
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
		unsigned char md[32];
		char sum[65];

		if (!nl || data[pos] == '!') {
			size_t skip = data[pos] == '!';

			if (nsima_buf_append(b, data + pos + skip, n - skip) ||
			    (nl && nsima_buf_append(b, "\n", 1)))
				abort();
		} else {
			EVP_Digest(data + pos, n, md, NULL, EVP_sha256(), NULL);
			nsima_hex_encode(md, sizeof(md), sum);
			if (nsima_buf_append(b, data + pos, n) ||
			    nsima_buf_printf(b, " %s\n", sum))
				abort();
		}
		pos += n + (nl ? 1 : 0);
	}
}

static void same(const struct nsima_journal_info *a,
		 const struct nsima_journal_info *b)
{
	if (a->started != b->started || a->first != b->first ||
	    a->next != b->next || a->commits != b->commits ||
	    a->namespaces != b->namespaces || a->bytes != b->bytes)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_journal_info info, again;
	struct nsima_journal *j;
	char dir[128], path[160];
	uint8_t pad[64], *left;
	struct nsima_err err;
	struct nsima_entry e;
	struct nsima_buf d, in;
	size_t len;
	int rc;

	commits_of(data, size, &in);
	data = in.data;
	size = in.len;
	fresh(dir, sizeof(dir));
	memset(pad, 0, sizeof(pad));
	if (mkdir(dir, 0700) || mkdir(strcat(strcpy(path, dir), "/node"), 0700))
		abort();
	put(dir, "commits", data, size);
	put(dir, "node/binary_runtime_measurements", pad, sizeof(pad));
	put(dir, "node/ascii_runtime_measurements", pad, sizeof(pad));
	put(dir, "node/cel.json", pad, sizeof(pad));

	rc = nsima_journal_open(&j, dir, &err);
	if (rc) {
		if ((rc != NSIMA_EMALFORMED && rc != NSIMA_EIO &&
		     rc != NSIMA_ENOMEM) || !err.msg[0])
			abort();
		nsima_buf_free(&in);
		return 0;
	}
	nsima_journal_info(j, &info);
	if (info.next < info.first || (!info.started && (info.next ||
							  info.commits)))
		abort();
	nsima_journal_close(j);
	snprintf(path, sizeof(path), "%s/commits", dir);
	if (nsima_read_file(path, NSIMA_INPUT_MAX, &left, &len, NULL))
		abort();
	if (len > size || (len && (memcmp(left, data, len) ||
				   left[len - 1] != '\n')))
		abort();
	free(left);
	if (nsima_journal_open(&j, dir, &err))
		abort();
	nsima_journal_info(j, &again);
	same(&info, &again);
	if (info.started) {
		uint8_t digest[32] = { 0 };

		nsima_buf_init(&d);
		if (nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest) ||
		    nsima_template_put_name(&d, "1:/x") ||
		    nsima_entry_init(&e, 11, "ima-ng", d.data, d.len, NULL))
			abort();
		nsima_buf_free(&d);
		if (nsima_journal_add(j, &e, info.next, &err) ||
		    nsima_journal_commit(j, &err) ||
		    nsima_journal_next(j) != info.next + 1)
			abort();
		nsima_entry_free(&e);
		/* what a commit wrote replays */
		nsima_journal_close(j);
		if (nsima_journal_open(&j, dir, &err) ||
		    nsima_journal_next(j) != info.next + 1)
			abort();
	}
	nsima_journal_close(j);
	nsima_buf_free(&in);
	return 0;
}
