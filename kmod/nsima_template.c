// SPDX-License-Identifier: GPL-2.0
/*
 * Template data, as IMA lays it out: a sequence of fields, each a u32
 * little-endian length followed by the bytes.
 *   ima-ng:  d-ng ("sha256:" '\0' digest) | n-ng (name '\0')
 *   ima-buf: d-ng (digest of buf)         | n-ng            | buf
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/sha2.h>
#include "nsima_compat.h"
#include "nsima.h"

static u8 *put_field(u8 *p, const void *src, u32 len)
{
	put_unaligned_le32(len, p);
	memcpy(p + sizeof(u32), src, len);
	return p + sizeof(u32) + len;
}

/*
 * Build the template data of an entry. @digest: SHA-256 (of the file or of
 * @buf). @name: NUL-terminated. Returns a kmalloc'ed buffer (length in
 * *@len) or NULL.
 */
void *nsima_build_entry_data(enum nsima_template t, const u8 *digest,
			     const char *name, const void *buf, u32 buf_len,
			     u32 *len)
{
	u8 dng[sizeof(NSIMA_DNG_SHA256) + SHA256_DIGEST_SIZE];
	u32 name_len = strlen(name) + 1;
	u32 total;
	u8 *data, *p;

	if (name_len > NSIMA_NAME_MAX)
		return NULL;
	memcpy(dng, NSIMA_DNG_SHA256, sizeof(NSIMA_DNG_SHA256));
	memcpy(dng + sizeof(NSIMA_DNG_SHA256), digest, SHA256_DIGEST_SIZE);

	total = 2 * sizeof(u32) + sizeof(dng) + name_len;
	if (t == NSIMA_T_BUF)
		total += sizeof(u32) + buf_len;
	data = kmalloc(total, GFP_KERNEL);
	if (!data)
		return NULL;
	p = put_field(data, dng, sizeof(dng));
	p = put_field(p, name, name_len);
	if (t == NSIMA_T_BUF)
		p = put_field(p, buf, buf_len);
	*len = p - data;
	return data;
}

/* Field @idx of an entry's template data; -EINVAL if malformed or absent. */
int nsima_entry_field(const struct nsima_entry *e, int idx, const u8 **field,
		      u32 *len)
{
	u32 off = 0, l;

	for (;;) {
		if (e->data_len - off < sizeof(u32))
			return -EINVAL;
		l = get_unaligned_le32(e->data + off);
		off += sizeof(u32);
		if (l > e->data_len - off)
			return -EINVAL;
		if (!idx--) {
			*field = e->data + off;
			*len = l;
			return 0;
		}
		off += l;
	}
}

/* Bytes that stand for themselves in a name (abi.h, "Names"). */
static bool nsima_name_plain(unsigned char c, bool path)
{
	return c > ' ' && c < 0x7f && c != NSIMA_NAME_ESCAPE &&
	       !(path && c == NSIMA_NS_SEPARATOR);
}

/*
 * Entry name for @len bytes of @what (a path, or "nsima-event:<type>")
 * measured in @ns: "<nsid>:" outside the host namespace, then @what with
 * spaces as '_' and every other byte outside 0x21..0x7e, and the escape
 * character, as "\xNN"; in a @path, ':' too, so that no file name reads
 * as a namespace prefix or an event. Returns a kmalloc'ed NUL-terminated
 * string, or NULL (no memory, or longer than NSIMA_NAME_MAX).
 */
char *nsima_name_alloc(struct nsima_ns *ns, const char *what, size_t len,
		       bool path)
{
	size_t i, n, size;
	char *out;

	size = len + 1 + (ns->nsid ? 21 : 0);
	for (i = 0; i < len; i++)
		if (what[i] != ' ' && !nsima_name_plain(what[i], path))
			size += 3;
	if (size > NSIMA_NAME_MAX)
		return NULL;
	out = kmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!out)
		return NULL;
	n = ns->nsid ? scnprintf(out, size, "%llu%c", ns->nsid,
				 NSIMA_NS_SEPARATOR) : 0;
	for (i = 0; i < len; i++) {
		unsigned char c = what[i];

		if (c == ' ')
			out[n++] = '_';
		else if (nsima_name_plain(c, path))
			out[n++] = c;
		else
			n += scnprintf(out + n, size - n, "%c%c%02x",
				       NSIMA_NAME_ESCAPE, 'x', c);
	}
	out[n] = '\0';
	return out;
}
