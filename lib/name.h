/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima names: what nsima.ko writes into an entry's n-ng field, so that the
 * binary and the ascii list carry the same bytes and no name can break a
 * line of the ascii list.
 *
 *   - a space (0x20) becomes '_' (IMA's own rule, ima_template_lib.c);
 *   - every other byte outside 0x21..0x7e, the backslash itself and ':'
 *     become "\xNN" (two lower-case hex digits): 0x0a -> "\x0a",
 *     '\' -> "\x5c", ':' -> "\x3a", 0xc3 -> "\xc3" (':' only in the path:
 *     the "<nsid>:" prefix and event names keep theirs);
 *   - everything else is copied.
 *
 * An escaped name therefore holds only bytes 0x21..0x7e. Unescaping is
 * exact except that '_' may have been a space (as in IMA). The escaped
 * form is canonical: nsima_name_unescape() accepts exactly what
 * nsima_name_escape() can produce (docs/nsima-attest.md, "Names").
 */
#ifndef NSIMA_NAME_H
#define NSIMA_NAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Longest escaped form of @len raw bytes: every byte as "\xNN". */
#define NSIMA_NAME_ESCAPED_MAX(len)	(4 * (size_t)(len))

/*
 * Escape @len raw bytes of @in into @out, which holds @size bytes, and
 * NUL-terminate it. Returns the escaped length (without the NUL), or
 * NSIMA_EINVAL when it and its NUL do not fit in @size (then @out holds
 * the empty string if @size > 0: never a cut name). @out NULL and @size 0
 * only compute the length.
 */
ssize_t nsima_name_escape(const uint8_t *in, size_t len, char *out,
			  size_t size, struct nsima_err *err);

/*
 * The inverse: @len bytes of an escaped name into raw bytes in @out
 * (@size bytes; a NUL is appended, the raw name may contain NULs itself).
 * '_' stays '_'. Returns the raw length, NSIMA_EINVAL when the result and
 * its NUL do not fit, or NSIMA_EMALFORMED at NSIMA_AT_OFFSET (the byte of
 * @in) for anything nsima_name_escape() cannot produce: a byte outside
 * 0x21..0x7e, a backslash not followed by 'x' and two lower-case hex
 * digits ("\x4", "\xZZ", "\x4A", a trailing '\'), or an escape of a byte
 * that is copied or turned into '_' ("\x41", "\x20"). @out NULL and @size
 * 0 only check @in and compute the length.
 */
ssize_t nsima_name_unescape(const char *in, size_t len, uint8_t *out,
			    size_t size, struct nsima_err *err);

#endif /* NSIMA_NAME_H */
