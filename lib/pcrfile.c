// SPDX-License-Identifier: GPL-2.0
/*
 * PCR value files as tpm2-tools writes them (tpm2_quote -o, tpm2_pcrread
 * -o), in either of its two layouts, told apart by their length:
 *
 *   values      the digests concatenated in selection order (-F values);
 *   serialized  the default: tpm2-tools' C structures written as they are
 *               in memory (lib/pcr.c pcr_fwrite_serialized): a
 *               TPML_PCR_SELECTION of 16 TPMS_PCR_SELECTION slots (8 bytes
 *               each: hash, sizeofSelect, pcrSelect[4], one byte of
 *               padding), a UINT32 count of lists, then that many
 *               TPML_DIGEST (count, 8 TPM2B_DIGEST slots of 2 + 64 bytes).
 *               Integers are in the writer's byte order: little-endian on
 *               the machines tpm2-tools runs on (big-endian ones are
 *               recognised by the counts, which only fit one way).
 *
 * The serialized file names its own selection; it must be the quote's, and
 * the values go to (bank, PCR) pairs in that order, as tpm2_checkquote
 * reads them.
 */
#include <string.h>

#include "hash.h"
#include "pcrfile.h"

#define SEL_SLOTS	16			/* TPM2_NUM_PCR_BANKS */
#define SEL_SLOT	8			/* sizeof(TPMS_PCR_SELECTION) */
#define SEL_SIZE	(4 + SEL_SLOTS * SEL_SLOT)	/* TPML_PCR_SELECTION */
#define DIG_SLOTS	8			/* TPML_DIGEST: 8 digests */
#define DIG_SLOT	(2 + 64)		/* sizeof(TPM2B_DIGEST) */
#define DIG_SIZE	(4 + DIG_SLOTS * DIG_SLOT)	/* sizeof(TPML_DIGEST) */
#define HDR_SIZE	(SEL_SIZE + 4)

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			    (uint32_t)p[2] << 8 | p[3] :
		    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			    (uint32_t)p[1] << 8 | p[0];
}

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static int bad(struct nsima_err *err, size_t off, const char *what)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
			     "serialized PCR file: %s", what);
}

/* The file's TPML_PCR_SELECTION, which must be the quote's. */
static int file_selection(const uint8_t *buf, bool be,
			  const struct nsima_pcr_select *quoted,
			  struct nsima_pcr_select *sel, struct nsima_err *err)
{
	uint32_t n = get32(buf, be), i, j;
	const uint8_t *s;
	char a[256], b[256];

	memset(sel, 0, sizeof(*sel));
	for (i = 0; i < n; i++) {
		s = buf + 4 + i * SEL_SLOT;
		if (s[2] > 4)
			return bad(err, 4 + i * SEL_SLOT + 2,
				   "sizeofSelect above 4");
		sel->bank[i].alg = get16(s, be);
		for (j = 0; j < s[2]; j++)
			sel->bank[i].mask |= (uint32_t)s[3 + j] << (8 * j);
	}
	sel->count = n;
	if (!nsima_pcr_select_equal(sel, quoted))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 0,
				     "serialized PCR file selects %s, the quote %s",
				     nsima_pcr_select_format(sel, a, sizeof(a)),
				     nsima_pcr_select_format(quoted, b,
							     sizeof(b)));
	return 0;
}

static int parse_serialized(const uint8_t *buf, size_t len, bool be,
			    const struct nsima_pcr_select *quoted,
			    struct nsima_pcr_values *vals,
			    struct nsima_err *err)
{
	struct nsima_pcr_select sel;
	uint32_t lists = get32(buf + SEL_SIZE, be), list = 0, in_list = 0;
	unsigned int i, pcr;
	size_t off, size;
	uint16_t dsize;
	int rc;

	rc = file_selection(buf, be, quoted, &sel, err);
	if (rc)
		return rc;
	memset(vals, 0, sizeof(*vals));
	for (i = 0; i < sel.count; i++) {
		size = nsima_alg_size(sel.bank[i].alg);
		if (!size)
			return nsima_err_set(err, NSIMA_EUNSUPPORTED,
					     NSIMA_AT_OFFSET, 4 + i * SEL_SLOT,
					     "PCR bank 0x%04x", sel.bank[i].alg);
		for (pcr = 0; pcr < 32; pcr++) {
			if (!(sel.bank[i].mask & (1u << pcr)))
				continue;
			while (list < lists &&
			       in_list >= get32(buf + HDR_SIZE + list * DIG_SIZE,
						be)) {
				list++;
				in_list = 0;
			}
			if (list == lists)
				return bad(err, len, "fewer digests than the selection");
			off = HDR_SIZE + list * DIG_SIZE + 4 + in_list * DIG_SLOT;
			dsize = get16(buf + off, be);
			if (dsize != size)
				return bad(err, off, "a digest of the wrong size for its bank");
			rc = nsima_pcr_values_add(vals, sel.bank[i].alg, pcr,
						  buf + off + 2, size, err);
			if (rc)
				return nsima_err_move(err, rc, NSIMA_AT_OFFSET,
						      off);
			in_list++;
		}
	}
	/* every digest the lists count was used */
	for (; list < lists; list++, in_list = 0)
		if (in_list < get32(buf + HDR_SIZE + list * DIG_SIZE, be))
			return bad(err, HDR_SIZE + list * DIG_SIZE,
				   "more digests than the selection");
	return 0;
}

/* Do the counts fit the serialized layout read with this byte order? */
static bool serialized_fits(const uint8_t *buf, size_t len, bool be)
{
	uint32_t lists, i;

	if (len < HDR_SIZE || get32(buf, be) > SEL_SLOTS)
		return false;
	lists = get32(buf + SEL_SIZE, be);
	if (lists > (len - HDR_SIZE) / DIG_SIZE ||
	    len != HDR_SIZE + (size_t)lists * DIG_SIZE)
		return false;
	for (i = 0; i < lists; i++)
		if (get32(buf + HDR_SIZE + i * DIG_SIZE, be) > DIG_SLOTS)
			return false;
	return true;
}

int nsima_pcr_file_parse(const struct nsima_pcr_select *sel,
			 const uint8_t *buf, size_t len,
			 struct nsima_pcr_values *vals, struct nsima_err *err)
{
	size_t want = 0;
	unsigned int i;

	for (i = 0; i < sel->count; i++)
		want += nsima_alg_size(sel->bank[i].alg) *
			(size_t)__builtin_popcount(sel->bank[i].mask);
	if (len == want)
		return nsima_pcr_values_split(sel, buf, len, vals, err);
	if (serialized_fits(buf, len, false))
		return parse_serialized(buf, len, false, sel, vals, err);
	if (serialized_fits(buf, len, true))
		return parse_serialized(buf, len, true, sel, vals, err);
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
			     "%zu bytes are neither the quote's %zu bytes of PCR values (tpm2-tools -F values) nor a serialized PCR file (its default)",
			     len, want);
}
