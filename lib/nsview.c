// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace views of a measurement list: filter and redact.
 */
#include <stdio.h>
#include <string.h>

#include "nsview.h"

bool nsima_entry_in_ns(const struct nsima_entry *e, bool host, uint64_t nsid)
{
	struct nsima_nsref ref;

	if (nsima_entry_ns(e, &ref, NULL))
		return false;
	return ref.host ? host : (!host && ref.nsid == nsid);
}

int nsima_view_check_entry(const struct nsima_entry *e, uint64_t index,
			   bool host, uint64_t nsid, struct nsima_err *err)
{
	struct nsima_nsref ref;
	char want[24];

	if (!e->data)
		return 0;
	if (host)
		snprintf(want, sizeof(want), "host");
	else
		snprintf(want, sizeof(want), "ns %llu", (unsigned long long)nsid);
	if (nsima_entry_ns(e, &ref, NULL))
		return nsima_err_set(err, NSIMA_ENAMESPACE, NSIMA_AT_ENTRY,
				     index,
				     "shown in full in the view of %s but has no name to attribute it",
				     want);
	if (!nsima_entry_in_ns(e, host, nsid))
		return nsima_err_set(err, NSIMA_ENAMESPACE, NSIMA_AT_ENTRY,
				     index,
				     "shown in full in the view of %s but attributed to another namespace",
				     want);
	return 0;
}

void nsima_entry_describe(const struct nsima_entry *e,
			  struct nsima_entry_desc *d)
{
	struct nsima_nsref ref;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!e)
		return;
	d->known = true;
	d->redacted = !e->data;
	d->violation = nsima_entry_is_violation(e);
	if (e->data)
		snprintf(d->tmpl, sizeof(d->tmpl), "%s", e->tmpl.name);
	if (nsima_entry_ns(e, &ref, NULL))
		return;
	d->named = true;
	if (ref.host)
		snprintf(d->ns, sizeof(d->ns), "host");
	else
		snprintf(d->ns, sizeof(d->ns), "%llu",
			 (unsigned long long)ref.nsid);
	d->path_len = ref.path_len < sizeof(d->path) - 1 ? ref.path_len :
							   sizeof(d->path) - 1;
	for (i = 0; i < d->path_len; i++) {
		unsigned char c = (unsigned char)ref.path[i];

		d->path[i] = c < 0x20 || c > 0x7e ? '?' : (char)c;
	}
	d->path[d->path_len] = '\0';
}

int nsima_entry_redact(const struct nsima_entry *e, unsigned int banks,
		       struct nsima_entry *r, struct nsima_err *err)
{
	bool violation = nsima_entry_is_violation(e);
	uint8_t digest[NSIMA_DIGEST_MAX];
	int b, rc;

	memset(r, 0, sizeof(*r));
	r->pcr = e->pcr;
	r->flags = NSIMA_ENTRY_REDACTED;
	r->name_field = -1;
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(banks & NSIMA_BANK_BIT(b)))
			continue;
		if (violation) {
			memset(digest, 0, sizeof(digest));
		} else {
			rc = nsima_entry_digest(e, b, digest, err);
			if (rc)
				return rc;
		}
		nsima_entry_set_digest(r, b, digest);
	}
	return 0;
}

int nsima_view_init(struct nsima_view *v, bool host, uint64_t nsid,
		    bool redact, unsigned int banks, struct nsima_err *err)
{
	memset(v, 0, sizeof(*v));
	if (redact && (!banks || (banks & ~NSIMA_BANKS_ALL)))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad bank mask 0x%x", banks);
	v->host = host;
	v->nsid = nsid;
	v->redact = redact;
	v->banks = banks;
	return 0;
}

int nsima_view_entry(struct nsima_view *v, const struct nsima_entry *e,
		     uint64_t index, const struct nsima_entry **shown,
		     struct nsima_err *err)
{
	bool gap = v->started && index != v->next;
	int rc;

	*shown = NULL;
	v->started = true;
	v->next = index + 1;
	if (v->redact && gap)	/* the entries left out cannot be */
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "cannot redact a namespace's view");
	if (nsima_entry_in_ns(e, v->host, v->nsid)) {
		*shown = e;
		return 0;
	}
	if (!v->redact)
		return 0;
	rc = nsima_entry_redact(e, v->banks, &v->redacted, err);
	if (rc)
		return nsima_err_move(err, rc, NSIMA_AT_ENTRY, index);
	*shown = &v->redacted;
	return 0;
}

struct view_walk {
	struct nsima_view *v;
	nsima_walk_fn fn;
	void *ctx;
};

static int view_walk_entry(const struct nsima_entry *e, uint64_t index,
			   void *ctx, struct nsima_err *err)
{
	struct view_walk *w = ctx;
	const struct nsima_entry *shown = e;
	int rc = w->v ? nsima_view_entry(w->v, e, index, &shown, err) : 0;

	if (rc || !shown)
		return rc;
	return w->fn(shown, index, w->ctx, err);
}

int nsima_view_walk(struct nsima_view *v, const uint8_t *buf, size_t len,
		    enum nsima_log_format fmt, int hdr_bank, nsima_walk_fn fn,
		    void *ctx, struct nsima_err *err)
{
	struct view_walk w = { .v = v, .fn = fn, .ctx = ctx };

	return nsima_log_walk_view(buf, len, fmt, hdr_bank, view_walk_entry,
				   &w, err);
}

/* @in as @v shows it, into @out (untouched on failure). */
static int view_log(struct nsima_view *v, const struct nsima_log *in,
		    struct nsima_log *out, struct nsima_err *err)
{
	const struct nsima_entry *shown;
	struct nsima_log view;
	size_t i;
	int rc = 0;

	nsima_log_init(&view);
	if (v->redact)	/* every entry: the view starts where @in does */
		view.first_index = in->first_index;
	for (i = 0; i < in->count && !rc; i++) {
		uint64_t index = nsima_log_index(in, i);

		rc = nsima_view_entry(v, &in->entries[i], index, &shown, err);
		if (!rc && shown)
			rc = nsima_log_append_copy_at(&view, shown, index, err);
	}
	if (rc) {
		nsima_log_free(&view);
		return rc;
	}
	*out = view;
	return 0;
}

int nsima_log_filter_ns(const struct nsima_log *in, bool host, uint64_t nsid,
			struct nsima_log *out, struct nsima_err *err)
{
	struct nsima_view v;

	nsima_view_init(&v, host, nsid, false, 0, err);
	return view_log(&v, in, out, err);
}

int nsima_log_redact(const struct nsima_log *in, bool host, uint64_t nsid,
		     unsigned int banks, struct nsima_log *out,
		     struct nsima_err *err)
{
	struct nsima_view v;
	int rc = nsima_view_init(&v, host, nsid, true, banks, err);

	return rc ? rc : view_log(&v, in, out, err);
}
