// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/label.c's parsers of untrusted text. Every input is
 * given to both:
 *   - nsima_ns_info_parse(): whatever parses has every required key and a
 *     comm of at most 15 escaped bytes, all printable;
 *   - nsima_label_from_cgroup(), on the bytes as they are and behind a
 *     '/': a recognised container has a runtime and a valid id, an
 *     unrecognised path neither; the same path gives the same label; the
 *     printed label and every string of it are printable, and its JSON
 *     form dumps and loads back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, bool space)
{
	for (; *s; s++)
		if ((unsigned char)*s > 0x7e ||
		    (unsigned char)*s < (space ? 0x20 : 0x21))
			abort();
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id), i;
	bool hex = n == 64;

	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'f')))
			hex = false;
	if (hex)
		return true;
	if (n == 0 || n > NSIMA_LABEL_ID_MAX || id[0] == '.')
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789_+.-") == n;
}

static void classify(const char *path)
{
	struct nsima_label a, b;
	char text[NSIMA_LABEL_FORMAT_MAX], *dump;
	bool found = nsima_label_from_cgroup(path, &a);
	json_t *j, *back;

	if (nsima_label_from_cgroup(path, &b) != found ||
	    memcmp(&a, &b, sizeof(a)))
		abort();
	if (found) {
		if (a.runtime == NSIMA_RT_UNKNOWN)
			abort();
		if (a.id[0] ? !valid_id(a.id) : !a.conmon)
			abort();
	} else if (a.runtime != NSIMA_RT_UNKNOWN || a.id[0] || a.conmon) {
		abort();
	}
	printable(a.id, false);
	printable(a.pod_uid, false);
	if (a.qos > NSIMA_QOS_BESTEFFORT || a.driver > NSIMA_DRIVER_CGROUPFS)
		abort();
	if (nsima_label_format(&a, text, sizeof(text)) < 0)
		abort();
	printable(text, true);
	j = nsima_label_json(&a);
	if (!j)
		abort();
	dump = json_dumps(j, JSON_COMPACT);
	if (!dump)
		abort();
	back = json_loads(dump, 0, NULL);
	if (!back || !json_equal(j, back))
		abort();
	json_decref(back);
	free(dump);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_ns_info in;
	char *s = malloc(size + 2);

	if (!s)
		abort();
	if (!nsima_ns_info_parse((const char *)data, size, &in, NULL)) {
		if ((in.have & NSIMA_INFO_REQUIRED) != NSIMA_INFO_REQUIRED ||
		    strlen(in.creator_comm) > 60)
			abort();
		printable(in.creator_comm, false);
	}
	memcpy(s, data, size);
	s[size] = '\0';
	classify(s);
	s[0] = '/';
	memcpy(s + 1, data, size);
	s[size + 1] = '\0';
	classify(s);
	free(s);
	return 0;
}
