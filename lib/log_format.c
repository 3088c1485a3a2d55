// SPDX-License-Identifier: GPL-2.0
/*
 * Measurement list format selection.
 */
#include <string.h>

#include "cel.h"
#include "log_format.h"

static const char *const names[] = {
	[NSIMA_FORMAT_AUTO] = "auto",
	[NSIMA_FORMAT_BINARY] = "binary",
	[NSIMA_FORMAT_ASCII] = "ascii",
	[NSIMA_FORMAT_CEL] = "cel",
};

int nsima_log_format_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *nsima_log_format_name(enum nsima_log_format fmt)
{
	if ((size_t)fmt >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[fmt];
}

enum nsima_log_format nsima_log_sniff(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (!len)
		return NSIMA_FORMAT_BINARY;	/* an empty list is a list */
	if (buf[0] == 0x1e || buf[0] == '[' || buf[0] == '{')
		return NSIMA_FORMAT_CEL;
	if (buf[0] < NSIMA_PCR_COUNT)
		return NSIMA_FORMAT_BINARY;
	/* JSON may start with white space */
	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' ||
			   buf[i] == '\r'))
		i++;
	if (i < len && (buf[i] == '[' || buf[i] == '{'))
		return NSIMA_FORMAT_CEL;
	return NSIMA_FORMAT_ASCII;
}

int nsima_log_parse(const uint8_t *buf, size_t len, enum nsima_log_format fmt,
		    int hdr_bank, struct nsima_log *log, struct nsima_err *err)
{
	if (fmt == NSIMA_FORMAT_AUTO)
		fmt = nsima_log_sniff(buf, len);
	switch (fmt) {
	case NSIMA_FORMAT_BINARY:
		return nsima_log_parse_binary(buf, len, hdr_bank, log, err);
	case NSIMA_FORMAT_ASCII:
		return nsima_log_parse_ascii((const char *)buf, len, hdr_bank,
					     log, err);
	case NSIMA_FORMAT_CEL:
		return nsima_cel_parse(buf, len, log, err);
	case NSIMA_FORMAT_AUTO:
		break;
	}
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
			     "bad log format %d", fmt);
}

struct walk {
	nsima_walk_fn fn;
	void *ctx;
	bool numbered, first_given, started, gaps;
	uint64_t first, next;
};

static int walk_one(struct walk *w, const struct nsima_entry *e,
		    uint64_t index, struct nsima_err *err)
{
	if (!w->numbered)
		index += w->first;
	else if (w->started && index != w->next && !w->gaps)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "records %llu..%llu are missing (the list jumps from %llu to %llu)",
				     (unsigned long long)w->next,
				     (unsigned long long)(index - 1),
				     (unsigned long long)(w->next - 1),
				     (unsigned long long)index);
	else if (!w->started && w->first_given && index != w->first)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "the list's records start at %llu, not %llu",
				     (unsigned long long)index,
				     (unsigned long long)w->first);
	w->started = true;
	w->next = index + 1;
	return w->fn(e, index, w->ctx, err);
}

static int walk_borrowed(const struct nsima_entry *e, size_t n, size_t off,
			 void *ctx, struct nsima_err *err)
{
	(void)off;
	return walk_one(ctx, e, n, err);
}

static int walk_taken(struct nsima_entry *e, uint64_t index, void *ctx,
		      struct nsima_err *err)
{
	int rc = walk_one(ctx, e, index, err);

	nsima_entry_free(e);
	return rc;
}

static int walk(const uint8_t *buf, size_t len, enum nsima_log_format fmt,
		int hdr_bank, struct walk *w, struct nsima_err *err)
{
	if (fmt == NSIMA_FORMAT_AUTO)
		fmt = nsima_log_sniff(buf, len);
	switch (fmt) {
	case NSIMA_FORMAT_BINARY:
		return nsima_log_foreach_binary(buf, len, hdr_bank,
						walk_borrowed, w, err);
	case NSIMA_FORMAT_ASCII:
		return nsima_log_each_ascii((const char *)buf, len, hdr_bank,
					    walk_taken, w, err);
	case NSIMA_FORMAT_CEL:
		w->numbered = true;
		return nsima_cel_each(buf, len, walk_taken, w, err);
	case NSIMA_FORMAT_AUTO:
		break;
	}
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
			     "bad log format %d", fmt);
}

int nsima_log_walk(const uint8_t *buf, size_t len, enum nsima_log_format fmt,
		   int hdr_bank, uint64_t first, bool first_given,
		   nsima_walk_fn fn, void *ctx, struct nsima_err *err)
{
	struct walk w = { .fn = fn, .ctx = ctx, .first = first,
			  .first_given = first_given };

	return walk(buf, len, fmt, hdr_bank, &w, err);
}

int nsima_log_walk_view(const uint8_t *buf, size_t len,
			enum nsima_log_format fmt, int hdr_bank,
			nsima_walk_fn fn, void *ctx, struct nsima_err *err)
{
	struct walk w = { .fn = fn, .ctx = ctx, .gaps = true };

	return walk(buf, len, fmt, hdr_bank, &w, err);
}

int nsima_log_writer_begin(struct nsima_log_writer *w,
			   enum nsima_log_format fmt, int hdr_bank,
			   unsigned int banks, unsigned int flags,
			   struct nsima_buf *out, struct nsima_err *err)
{
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->hdr_bank = hdr_bank;
	switch (fmt) {
	case NSIMA_FORMAT_BINARY:
	case NSIMA_FORMAT_ASCII:
		return nsima_log_check_bank(hdr_bank, err);
	case NSIMA_FORMAT_CEL:
		return nsima_cel_write_begin(&w->cel, banks, flags, out, err);
	case NSIMA_FORMAT_AUTO:
		break;
	}
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
			     "bad log format %d", fmt);
}

int nsima_log_writer_entry(struct nsima_log_writer *w,
			   const struct nsima_entry *e, uint64_t index,
			   struct nsima_buf *out, struct nsima_err *err)
{
	uint64_t at = w->count++;
	int rc;

	if (w->fmt == NSIMA_FORMAT_CEL) {
		rc = nsima_cel_write_entry(&w->cel, e, index, out, err);
		at = index;
	} else if (w->fmt == NSIMA_FORMAT_ASCII) {
		rc = nsima_log_write_ascii_entry(e, w->hdr_bank, out, err);
	} else {
		rc = nsima_log_write_binary_entry(e, w->hdr_bank, out, err);
	}
	return rc ? nsima_err_move(err, rc, NSIMA_AT_ENTRY, at) : 0;
}

int nsima_log_writer_end(struct nsima_log_writer *w, struct nsima_buf *out,
			 struct nsima_err *err)
{
	if (w->fmt == NSIMA_FORMAT_CEL)
		return nsima_cel_write_end(&w->cel, out, err);
	return 0;
}

int nsima_log_write_all(const struct nsima_log *log, enum nsima_log_format fmt,
			int hdr_bank, unsigned int banks, unsigned int flags,
			struct nsima_buf *out, struct nsima_err *err)
{
	struct nsima_log_writer w;
	size_t i;
	int rc = nsima_log_writer_begin(&w, fmt, hdr_bank, banks, flags, out,
					err);

	for (i = 0; !rc && i < log->count; i++)
		rc = nsima_log_writer_entry(&w, &log->entries[i],
					    nsima_log_index(log, i), out, err);
	return rc ? rc : nsima_log_writer_end(&w, out, err);
}

int nsima_log_write(const struct nsima_log *log, enum nsima_log_format fmt,
		    int hdr_bank, struct nsima_buf *out, struct nsima_err *err)
{
	return nsima_log_write_all(log, fmt, hdr_bank,
				   NSIMA_BANK_BIT(hdr_bank) | NSIMA_BANKS_DEFAULT,
				   0, out, err);
}
