// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ns_state entry's JSON buf (nsima_ns_state_parse).
 * Whatever parses is canonical: it writes back byte for byte, and its
 * "COUNT:HEX" text parses back to the same state. The input also goes
 * through an ns_state ima-buf entry (nsima_entry_ns_state must agree with
 * the parser) and the chain (nsima_ns_state_add).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nsstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void through_entry(const uint8_t *data, size_t size, bool parsed,
			  const struct nsima_ns_state *want)
{
	uint8_t digest[NSIMA_NS_STATE_CHAIN];
	struct nsima_ns_state s;
	struct nsima_entry e;
	struct nsima_buf d;
	int rc;

	if (size > 4096 ||
	    nsima_hash(NSIMA_BANK_SHA256, data, size, digest, NULL))
		return;
	nsima_buf_init(&d);
	if (nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest) ||
	    nsima_template_put_name(&d, "4026532114:nsima-event:ns_state") ||
	    nsima_template_put_field(&d, data, (uint32_t)size))
		abort();
	if (!nsima_entry_init(&e, 11, "ima-buf", d.data, d.len, NULL)) {
		if (!nsima_entry_is_ns_state(&e, NULL))
			abort();
		rc = nsima_entry_ns_state(&e, &s, NULL);
		if (!rc != parsed || (parsed && !nsima_ns_state_equal(&s, want)))
			abort();
		nsima_entry_free(&e);
	}
	nsima_buf_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[NSIMA_NS_STATE_TEXT_MAX];
	struct nsima_ns_state s, back;
	struct nsima_buf out;
	bool parsed;

	parsed = !nsima_ns_state_parse(data, size, &s, NULL);
	if (parsed) {
		nsima_buf_init(&out);
		if (nsima_ns_state_write(&s, &out) || out.len != size ||
		    memcmp(out.data, data, size) ||
		    size > NSIMA_NS_STATE_JSON_MAX)
			abort();
		nsima_buf_free(&out);
		nsima_ns_state_format(&s, text);
		if (nsima_ns_state_parse_text(text, &back, NULL) ||
		    !nsima_ns_state_equal(&s, &back))
			abort();
	}
	through_entry(data, size, parsed, &s);
	nsima_ns_state_init(&back);
	if (nsima_ns_state_add(&back, data, size, NULL) || back.count != 1)
		abort();
	return 0;
}
