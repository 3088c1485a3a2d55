// SPDX-License-Identifier: GPL-2.0
/*
 * Measurement list entries: construction, digests, namespace attribution.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"

void nsima_log_init(struct nsima_log *log)
{
	memset(log, 0, sizeof(*log));
}

void nsima_entry_free(struct nsima_entry *e)
{
	free(e->data);
	e->data = NULL;
	e->data_len = 0;
}

void nsima_log_free(struct nsima_log *log)
{
	size_t i;

	for (i = 0; i < log->count; i++)
		nsima_entry_free(&log->entries[i]);
	free(log->entries);
	free(log->index);
	nsima_log_init(log);
}

uint64_t nsima_log_index(const struct nsima_log *log, size_t i)
{
	return log->index ? log->index[i] : log->first_index + i;
}

int nsima_log_check_bank(int hdr_bank, struct nsima_err *err)
{
	if (nsima_bank_info(hdr_bank))
		return 0;
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
			     "bad header bank %d", hdr_bank);
}

int nsima_entry_init(struct nsima_entry *e, uint32_t pcr,
		     const char *template_name, const uint8_t *data,
		     size_t len, struct nsima_err *err)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->name_field = -1;
	if (pcr >= NSIMA_PCR_COUNT)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "pcr %u out of range (0-%d)", pcr,
				     NSIMA_PCR_COUNT - 1);
	if (len > NSIMA_TEMPLATE_DATA_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "template data length %zu exceeds %u", len,
				     NSIMA_TEMPLATE_DATA_MAX);
	rc = nsima_template_lookup(template_name, strlen(template_name),
				   &e->tmpl, err);
	if (rc)
		return rc;
	rc = nsima_template_split(&e->tmpl, data, len, 0, e->fields, err);
	if (rc)
		return rc;
	return nsima_entry_set_data(e, data, len, err);
}

int nsima_entry_set_data(struct nsima_entry *e, const uint8_t *data,
			 size_t len, struct nsima_err *err)
{
	e->data = malloc(len ? len : 1);
	if (!e->data)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	memcpy(e->data, data, len);
	e->data_len = (uint32_t)len;
	e->name_field = nsima_template_name_field(&e->tmpl);
	return 0;
}

static const uint8_t packed_off[NSIMA_BANK_COUNT] = {
	[NSIMA_BANK_SHA1] = 0,
	[NSIMA_BANK_SHA256] = 20,
	[NSIMA_BANK_SHA384] = 20 + 32,
	[NSIMA_BANK_SHA512] = 20 + 32 + 48,
};

const uint8_t *nsima_entry_carried(const struct nsima_entry *e, int bank)
{
	return e->digests + packed_off[bank];
}

void nsima_entry_set_digest(struct nsima_entry *e, int bank,
			    const uint8_t *digest)
{
	memcpy(e->digests + packed_off[bank], digest, nsima_bank_size(bank));
	e->digest_mask |= NSIMA_BANK_BIT(bank);
}

static int grow(struct nsima_log *log, struct nsima_err *err)
{
	size_t cap = log->cap ? 2 * log->cap : 64;
	struct nsima_entry *p;
	uint64_t *idx;

	if (cap > SIZE_MAX / sizeof(*p))
		goto nomem;
	p = realloc(log->entries, cap * sizeof(*p));
	if (!p)
		goto nomem;
	log->entries = p;
	if (log->index) {
		idx = realloc(log->index, cap * sizeof(*idx));
		if (!idx)
			goto nomem;
		log->index = idx;
	}
	log->cap = cap;
	return 0;
nomem:
	return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
			     "out of memory");
}

/* Switch to an explicit index array (a sparse log). */
static int make_sparse(struct nsima_log *log, struct nsima_err *err)
{
	size_t i, cap = log->cap ? log->cap : 1;

	log->index = malloc(cap * sizeof(*log->index));
	if (!log->index)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	for (i = 0; i < log->count; i++)
		log->index[i] = log->first_index + i;
	return 0;
}

int nsima_log_append_at(struct nsima_log *log, struct nsima_entry *e,
			uint64_t index, struct nsima_err *err)
{
	int rc;

	if (!log->count && !log->index)
		log->first_index = index;
	if (!log->index && index != log->first_index + log->count) {
		rc = make_sparse(log, err);
		if (rc)
			return rc;
	}
	if (log->mem + sizeof(*e) + sizeof(uint64_t) + e->data_len >
	    NSIMA_LOG_MEM_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_ENTRY,
				     index,
				     "list needs more than %zu MiB in memory (%zu entries so far); replay it streamed",
				     NSIMA_LOG_MEM_MAX >> 20, log->count);
	if (log->count == log->cap) {
		rc = grow(log, err);
		if (rc)
			return rc;
	}
	log->mem += sizeof(*e) + sizeof(uint64_t) + e->data_len;
	if (log->index)
		log->index[log->count] = index;
	log->entries[log->count++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

int nsima_log_append(struct nsima_log *log, struct nsima_entry *e,
		     struct nsima_err *err)
{
	uint64_t next = log->count ? nsima_log_index(log, log->count - 1) + 1 :
				     log->first_index;

	return nsima_log_append_at(log, e, next, err);
}

int nsima_log_append_copy_at(struct nsima_log *log,
			     const struct nsima_entry *e, uint64_t index,
			     struct nsima_err *err)
{
	struct nsima_entry c = *e;
	int rc;

	if (e->data) {
		c.data = malloc(e->data_len ? e->data_len : 1);
		if (!c.data)
			return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
					     "out of memory");
		memcpy(c.data, e->data, e->data_len);
	}
	rc = nsima_log_append_at(log, &c, index, err);
	if (rc)
		nsima_entry_free(&c);
	return rc;
}

int nsima_log_append_copy(struct nsima_log *log, const struct nsima_entry *e,
			  struct nsima_err *err)
{
	uint64_t next = log->count ? nsima_log_index(log, log->count - 1) + 1 :
				     log->first_index;

	return nsima_log_append_copy_at(log, e, next, err);
}

bool nsima_entry_is_violation(const struct nsima_entry *e)
{
	int b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++)
		if ((e->digest_mask & NSIMA_BANK_BIT(b)) &&
		    nsima_digest_is_zero(nsima_entry_carried(e, b),
					 nsima_bank_size(b)))
			return true;
	return false;
}

int nsima_entry_compute_digest(const struct nsima_entry *e, int bank,
			       uint8_t *out, struct nsima_err *err)
{
	if (!e->data)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "redacted entry has no template data");
	return nsima_template_digest(bank, e->tmpl.name, e->data, e->data_len,
				     out, err);
}

int nsima_entry_digest(const struct nsima_entry *e, int bank, uint8_t *out,
		       struct nsima_err *err)
{
	if (!nsima_bank_info(bank))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad bank %d", bank);
	if (e->digest_mask & NSIMA_BANK_BIT(bank)) {
		memcpy(out, nsima_entry_carried(e, bank),
		       nsima_bank_size(bank));
		return 0;
	}
	if (!e->data)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "redacted entry carries no %s digest",
				     nsima_bank_name(bank));
	return nsima_entry_compute_digest(e, bank, out, err);
}

const char *nsima_entry_name(const struct nsima_entry *e, size_t *len)
{
	const struct nsima_span *s;
	const char *p;

	if (!e->data || e->name_field < 0)
		return NULL;
	s = &e->fields[e->name_field];
	p = (const char *)e->data + s->off;
	/* n-ng includes its NUL; the legacy n does not */
	*len = s->len && !p[s->len - 1] ? s->len - 1 : s->len;
	return p;
}

/*
 * Decimal, no sign, no leading zero: an inode number (at most
 * UINT32_MAX), or NSIMA_NSID_UNKNOWN (the module's id for tasks whose
 * namespace could not be known: a namespace of its own, never the host).
 */
static bool parse_nsid(const char *s, size_t len, uint64_t *nsid)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 10 || (s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX && v != NSIMA_NSID_UNKNOWN)
		return false;
	*nsid = v;
	return true;
}

int nsima_entry_ns(const struct nsima_entry *e, struct nsima_nsref *ref,
		   struct nsima_err *err)
{
	size_t len, plen = strlen(NSIMA_EVENT_PREFIX);
	const char *name = nsima_entry_name(e, &len);
	const char *colon;

	memset(ref, 0, sizeof(*ref));
	if (!name)
		return nsima_err_set(err, NSIMA_ENAMESPACE, NSIMA_AT_NONE, 0,
				     "entry has no name to attribute");
	ref->host = true;
	ref->path = name;
	ref->path_len = len;
	colon = memchr(name, NSIMA_NS_SEPARATOR, len);
	if (colon && parse_nsid(name, (size_t)(colon - name), &ref->nsid)) {
		ref->host = false;
		ref->path = colon + 1;
		ref->path_len = len - (size_t)(colon + 1 - name);
	} else {
		ref->nsid = 0;
	}
	if (ref->path_len >= plen &&
	    !memcmp(ref->path, NSIMA_EVENT_PREFIX, plen)) {
		ref->event = true;
		ref->event_type = ref->path + plen;
		ref->event_type_len = ref->path_len - plen;
	}
	return 0;
}

int nsima_nsid_parse(const char *s, bool *host, uint64_t *nsid,
		     struct nsima_err *err)
{
	if (!strcmp(s, "host")) {
		*host = true;
		*nsid = 0;
		return 0;
	}
	*host = false;
	if (!parse_nsid(s, strlen(s), nsid))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad namespace '%s' (expected \"host\" or a decimal inode number)",
				     s);
	return 0;
}
