// SPDX-License-Identifier: GPL-2.0
/*
 * Canonical JSON for event and violation entries: keys in byte order (the
 * callers emit them sorted), no spaces, strings escaped so that no input
 * can add a member or end the document: '"' and '\' are backslashed,
 * bytes outside printable ASCII become \u00XX. A string of n bytes thus
 * takes at most NSIMA_JSON_STR_MAX(n) bytes; buffers are sized for the
 * worst case and an overflow is reported, never truncated silently.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include "nsima.h"

void nsima_json_raw(struct nsima_json *j, const char *s, size_t n)
{
	if (j->overflow || j->len + n > j->size) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void nsima_json_fmt(struct nsima_json *j, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= sizeof(tmp)) {
		j->overflow = true;
		return;
	}
	nsima_json_raw(j, tmp, n);
}

void nsima_json_begin(struct nsima_json *j)
{
	nsima_json_raw(j, "{", 1);
}

int nsima_json_end(struct nsima_json *j)
{
	nsima_json_raw(j, "}", 1);
	return j->overflow ? -E2BIG : 0;
}

/* "key": a comma before every member but the first */
static void nsima_json_key(struct nsima_json *j, const char *key)
{
	if (j->len > 1)
		nsima_json_raw(j, ",", 1);
	nsima_json_fmt(j, "\"%s\":", key);
}

/* A string of at most @max bytes (stops at NUL), escaped. */
void nsima_json_str(struct nsima_json *j, const char *key, const char *s,
		    size_t max)
{
	size_t i;

	nsima_json_key(j, key);
	nsima_json_raw(j, "\"", 1);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			nsima_json_fmt(j, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			nsima_json_fmt(j, "\\u%04x", c);
		else
			nsima_json_raw(j, &s[i], 1);
	}
	nsima_json_raw(j, "\"", 1);
}

void nsima_json_u64(struct nsima_json *j, const char *key, u64 v)
{
	nsima_json_key(j, key);
	nsima_json_fmt(j, "%llu", v);
}

void nsima_json_s64(struct nsima_json *j, const char *key, s64 v)
{
	nsima_json_key(j, key);
	nsima_json_fmt(j, "%lld", v);
}

/* A member whose value the caller has formatted (an address). */
void nsima_json_value(struct nsima_json *j, const char *key, const char *v)
{
	nsima_json_key(j, key);
	nsima_json_raw(j, v, strlen(v));
}
