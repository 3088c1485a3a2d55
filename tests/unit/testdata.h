/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the unit tests: load files from tests/data (the tests run
 * from the repository root; NSIMA_TEST_DATA overrides the directory).
 */
#ifndef NSIMA_TESTDATA_H
#define NSIMA_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hex.h"
#include "log.h"
#include "log_format.h"

static inline uint8_t *test_load(const char *name, size_t *len)
{
	const char *dir = getenv("NSIMA_TEST_DATA");
	struct nsima_err err = { 0 };
	char path[4096];
	uint8_t *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	if (nsima_read_file(path, 1 << 24, &buf, len, &err)) {
		fprintf(stderr, "cannot read %s: %s\n", path, err.msg);
		return NULL;
	}
	return buf;
}

/* Parse test data file @name (any format, sniffed) into @log; 0 or -1. */
static inline int test_load_log(const char *name, struct nsima_log *log)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;
	int rc;

	buf = test_load(name, &len);
	if (!buf)
		return -1;
	nsima_log_init(log);
	rc = nsima_log_parse(buf, len, NSIMA_FORMAT_AUTO, NSIMA_BANK_SHA1, log,
			     &err);
	if (rc)
		fprintf(stderr, "%s: %s\n", name, err.msg);
	free(buf);
	return rc ? -1 : 0;
}

/* A CEL record: boot_aggregate (ima-ng, sha1 digest), record 7 on PCR 11. */
#define TEST_CEL_REC7 "{\"recnum\":7,\"pcr\":11,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"cf41b43c4031672fcc2bd358b309ad33b977424f\"}],\"content_type\":\"ima_template\",\"content\":{\"template_name\":\"ima-ng\",\"template_data\":\"280000007368613235363a00f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d140f000000626f6f745f61676772656761746500\"}}"

/* Hex of @len bytes into a static buffer (one use per statement). */
static inline const char *test_hex(const uint8_t *p, size_t len)
{
	static char out[2 * 1024 + 1];

	nsima_hex_encode(p, len, out);
	return out;
}

#endif /* NSIMA_TESTDATA_H */
