// SPDX-License-Identifier: GPL-2.0
/*
 * lib/metrics.c: nsimad's Prometheus exposition. Events are counted by
 * namespace, type and risk from real entry shapes; a file named like an
 * event is none; label values cannot be injected; the series are
 * bounded; the module's status lines become gauges when numeric.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "metrics.h"
#include "template.h"

static void entry(struct nsima_entry *e, const char *tmpl, const char *name,
		  const char *json)
{
	uint8_t digest[32];
	struct nsima_buf d;

	nsima_buf_init(&d);
	memset(digest, 0x42, sizeof(digest));
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	if (json)
		assert_int_equal(nsima_template_put_field(&d, json,
							  (uint32_t)strlen(json)),
				 0);
	assert_int_equal(nsima_entry_init(e, 11, tmpl, d.data, d.len, NULL),
			 0);
	nsima_buf_free(&d);
}

static void feed(struct nsima_metrics *m, const char *tmpl, const char *name,
		 const char *json, int times)
{
	struct nsima_entry e;

	entry(&e, tmpl, name, json);
	while (times-- > 0)
		nsima_metrics_entry(m, &e);
	nsima_entry_free(&e);
}

static char *render(struct nsima_metrics *m, const char *status,
		    const uint64_t *kerr)
{
	struct nsima_agent_counts a = {
		.entries = 7, .commits = 2, .journal_next = 40,
		.have_kernel = true, .kernel_total = 45, .rate_limited = 9,
	};
	struct nsima_buf out;

	nsima_buf_init(&out);
	assert_int_equal(nsima_metrics_render(m, &a, status, kerr, &out), 0);
	assert_int_equal(nsima_buf_append(&out, "", 1), 0);
	return (char *)out.data;
}

static void has(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want)) {
		fprintf(stderr, "missing line: %s\n--- in ---\n%s\n", line, text);
		fail();
	}
}

static void test_events(void **state)
{
	static const char ev[] = "{\"action\":\"alert\",\"risk\":\"high\",\"rule\":\"x\",\"type\":\"exec\"}";
	struct nsima_metrics *m = nsima_metrics_new(16);
	uint64_t kerr[NSIMA_PROG_MAX] = { 3, 0, 44 };
	char *t;

	(void)state;
	assert_non_null(m);
	feed(m, "ima-buf", "4026532114:nsima-event:exec", ev, 3);
	feed(m, "ima-buf", "4026532115:nsima-event:exec", ev, 1);
	feed(m, "ima-buf", "nsima-event:policy",
	     "{\"digest\":\"sha256:00\",\"statements\":3}", 1);
	/* a file named like an event (ima-ng) is no event */
	feed(m, "ima-ng", "4026532114:nsima-event:exec", NULL, 5);
	/* a risk that is not one: "none"; a type that is not a word: "other" */
	feed(m, "ima-buf", "4026532114:nsima-event:open",
	     "{\"risk\":\"high\\\"}\",\"type\":\"open\"}", 1);
	feed(m, "ima-buf", "4026532114:nsima-event:Ex\"ec", ev, 2);
	t = render(m, "tpm: present\nentries: 12\ntrimmed: 30\nbad key: 1\n"
		      "violations: 2\ntpm_error_first: -1\nbanks: sha1 sha256\n"
		      "pcr_at_load_sha1: 0000\nunknown_count: 5\n",
		   kerr);
	has(t, "nsima_agent_entries_total 7");
	has(t, "# TYPE nsima_agent_rate_limited_total counter");
	has(t, "nsima_agent_rate_limited_total 9");
	has(t, "nsima_persist_lag_entries 5");
	has(t, "nsima_events_total{ns=\"4026532114\",type=\"exec\",risk=\"high\"} 3");
	has(t, "nsima_events_total{ns=\"4026532115\",type=\"exec\",risk=\"high\"} 1");
	has(t, "nsima_events_total{ns=\"host\",type=\"policy\",risk=\"none\"} 1");
	has(t, "nsima_events_total{ns=\"4026532114\",type=\"open\",risk=\"none\"} 1");
	has(t, "nsima_events_total{ns=\"4026532114\",type=\"other\",risk=\"high\"} 2");
	has(t, "nsima_module_entries 12");
	has(t, "nsima_module_trimmed 30");
	has(t, "nsima_module_tpm_error_first -1");
	has(t, "nsima_kfunc_errors_total{program=\"file_open\"} 44");
	has(t, "nsima_kfunc_errors_readable 1");
	assert_null(strstr(t, "nsima_module_bad"));
	assert_null(strstr(t, "nsima_module_banks"));
	assert_null(strstr(t, "nsima_module_tpm "));
	assert_null(strstr(t, "nsima_module_pcr_at_load"));
	assert_null(strstr(t, "nsima_module_unknown_count"));
	free(t);
	nsima_metrics_free(m);
}

/* Series beyond the bound are counted apart; unreadable sources say so. */
static void test_bounds(void **state)
{
	static const char ev[] = "{\"risk\":\"low\"}";
	struct nsima_metrics *m = nsima_metrics_new(2);
	char name[64], *t;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "%d:nsima-event:exec", 100 + i);
		feed(m, "ima-buf", name, ev, 1);
	}
	/* a batch's counts merged once committed */
	{
		struct nsima_metrics *b = nsima_metrics_new(8);

		feed(b, "ima-buf", "100:nsima-event:exec", ev, 4);
		feed(b, "ima-buf", "999:nsima-event:exec", ev, 1);
		nsima_metrics_merge(m, b);
		nsima_metrics_merge(m, b);	/* cleared: adds nothing */
		nsima_metrics_free(b);
	}
	t = render(m, NULL, NULL);
	has(t, "nsima_events_total{ns=\"100\",type=\"exec\",risk=\"low\"} 5");
	has(t, "nsima_events_unlabelled_total 4");
	has(t, "nsima_module_status_readable 0");
	has(t, "nsima_kfunc_errors_readable 0");
	assert_null(strstr(t, "nsima_kfunc_errors_total{"));
	assert_null(strstr(t, "ns=\"102\""));
	free(t);
	nsima_metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
