// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: evidence bundles (and checkpoint / clock files). A
 * bundle that parses must write, re-parse and write again to the same
 * bytes, and its quote parts go through the quote parsers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TSS2_LOG", "all+none", 1);
	return 0;
}

static void check_err(int rc, const struct nsima_err *err, size_t len)
{
	if (rc > 0 || (rc && err->code != rc))
		abort();
	if (rc && err->where == NSIMA_AT_OFFSET && err->pos > len)
		abort();
}

static void round_trip(const struct nsima_evidence *ev)
{
	struct nsima_evidence back;
	struct nsima_buf x, y;

	nsima_buf_init(&x);
	nsima_buf_init(&y);
	if (nsima_evidence_write(ev, &x, NULL) ||
	    nsima_evidence_parse(x.data, x.len, &back, NULL))
		abort();
	if (nsima_evidence_write(&back, &y, NULL) || x.len != y.len ||
	    memcmp(x.data, y.data, x.len) || back.attest_len != ev->attest_len ||
	    back.pcrs.count != ev->pcrs.count ||
	    back.has_checkpoint != ev->has_checkpoint ||
	    back.log_len != ev->log_len)
		abort();
	nsima_evidence_free(&back);
	nsima_buf_free(&x);
	nsima_buf_free(&y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nsima_quote q;
	struct nsima_err err = { 0 };
	struct nsima_evidence ev;
	struct nsima_replay_set cp, back;
	struct nsima_buf out;
	struct nsima_clock clk;
	struct nsima_akpub ak;
	struct nsima_sig sig;
	int rc;

	rc = nsima_evidence_parse(data, size, &ev, &err);
	check_err(rc, &err, size);
	if (!rc) {
		round_trip(&ev);
		check_err(nsima_quote_parse(ev.attest, ev.attest_len, &q, &err),
			  &err, ev.attest_len);
		check_err(nsima_sig_parse(ev.sig, ev.sig_len, &sig, &err),
			  &err, ev.sig_len);
		rc = nsima_akpub_parse(ev.ak, ev.ak_len, &ak, &err);
		check_err(rc, &err, ev.ak_len);
		if (!rc)
			nsima_akpub_free(&ak);
		nsima_evidence_free(&ev);
	}
	rc = nsima_checkpoint_parse_json(data, size, &cp, NULL, &err);
	check_err(rc, &err, size);
	if (!rc) {	/* written back, it reads the same */
		nsima_buf_init(&out);
		if (nsima_checkpoint_write_json(&cp, NULL, &out, NULL) ||
		    nsima_checkpoint_parse_json(out.data, out.len, &back, NULL,
						NULL) ||
		    !nsima_replay_set_equal(&cp, &back))
			abort();
		nsima_buf_free(&out);
	}
	check_err(nsima_clock_parse_json(data, size, &clk, &err), &err, size);
	return 0;
}
