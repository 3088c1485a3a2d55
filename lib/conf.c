// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's configuration file: lib/conf.h.
 */
#include <stdbool.h>
#include <string.h>

#include "conf.h"

static int line_err(struct nsima_err *err, const char *name, unsigned int line,
		    const char *msg)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, line,
			     "%s:%u: %s", name, line, msg);
}

static bool space(char c)
{
	return c == ' ' || c == '\t';
}

int nsima_conf_parse(const char *text, size_t len, const char *name,
		     nsima_conf_fn fn, void *ctx, struct nsima_err *err)
{
	char key[NSIMA_CONF_KEY_MAX], value[NSIMA_CONF_LINE_MAX];
	unsigned int line = 0;
	size_t pos = 0;

	nsima_err_clear(err);
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, i = 0, k, v;
		int rc;

		line++;
		pos += n + (nl ? 1 : 0);
		if (n >= NSIMA_CONF_LINE_MAX)
			return line_err(err, name, line, "line too long");
		if (memchr(s, '\0', n) || memchr(s, '\r', n))
			return line_err(err, name, line,
					"NUL or CR byte in the line");
		while (i < n && space(s[i]))
			i++;
		if (i == n || s[i] == '#')
			continue;
		for (k = 0; i < n && ((s[i] >= 'a' && s[i] <= 'z') ||
				      s[i] == '_'); i++, k++)
			if (k + 1 < sizeof(key))
				key[k] = s[i];
		if (!k)
			return line_err(err, name, line,
					"expected a key ([a-z_]) at the start");
		if (k >= sizeof(key))
			return line_err(err, name, line, "key too long");
		key[k] = '\0';
		while (i < n && space(s[i]))
			i++;
		if (i == n || s[i] != '=')
			return line_err(err, name, line,
					"expected '=' after the key");
		i++;
		while (i < n && space(s[i]))
			i++;
		while (n > i && space(s[n - 1]))
			n--;
		v = n - i;
		memcpy(value, s + i, v);
		value[v] = '\0';
		rc = fn(ctx, key, value, err);
		if (rc) {
			char msg[NSIMA_ERR_MSG_MAX];

			memcpy(msg, err->msg, sizeof(msg));
			msg[sizeof(msg) - 1] = '\0';
			return line_err(err, name, line, msg);
		}
	}
	return 0;
}
