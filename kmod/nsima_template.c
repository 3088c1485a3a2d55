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
#include <asm/unaligned.h>
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

/*
 * Entry name for @what (a path, or "nsima-event:<type>") measured in @ns:
 * plain for the host, "<nsid>:<what>" for any other namespace.
 */
int nsima_entry_name(struct nsima_ns *ns, const char *what, char *out,
		     size_t size)
{
	int n;

	if (ns->nsid)
		n = snprintf(out, size, "%llu%c%s", ns->nsid,
			     NSIMA_NS_SEPARATOR, what);
	else
		n = snprintf(out, size, "%s", what);
	return n < size ? 0 : -ENAMETOOLONG;
}
