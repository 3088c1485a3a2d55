/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small configuration file (nsimad --config): one "key = value" per
 * line; blank lines and lines starting with '#' (after spaces) are
 * ignored. Keys are [a-z_], 1 to 31 bytes; the value is the rest of the
 * line without the spaces around it (no quotes, no escapes; may be
 * empty). A line holds at most 4,095 bytes; NUL and CR bytes are refused.
 * Errors are "NAME:LINE: message" in err->msg (NSIMA_EMALFORMED).
 */
#ifndef NSIMA_CONF_H
#define NSIMA_CONF_H

#include <stddef.h>
#include "err.h"

#define NSIMA_CONF_KEY_MAX	32
#define NSIMA_CONF_LINE_MAX	4096

/*
 * Each setting, in file order. @fn returns 0, or an error it set in @err
 * (its message is then prefixed "NAME:LINE: ").
 */
typedef int (*nsima_conf_fn)(void *ctx, const char *key, const char *value,
			     struct nsima_err *err);
int nsima_conf_parse(const char *text, size_t len, const char *name,
		     nsima_conf_fn fn, void *ctx, struct nsima_err *err);

#endif /* NSIMA_CONF_H */
