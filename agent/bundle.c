// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's evidence (agent/evidence.h): the attestation key, created once
 * under the EK and kept in the AK directory (attest/tpm.c, the same code
 * as nsima-attest quote), loaded at start and kept loaded; one quote at a
 * time; the journal's slice that goes with a quote.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_mu.h>

#include "evidence.h"
#include "fileio.h"
#include "hash.h"
#include "log_format.h"
#include "nsstate.h"
#include "nsview.h"

#include "../attest/cmds.h"
#include "../attest/tpm.h"
#include "bundle.h"

/* attest/tpm.c reports through these: attest_msg() is nsimad's say(). */
void attest_error(const char *input, const struct nsima_err *err)
{
	attest_msg("%s: %s", input, err->msg);
}

struct nsimad_tpm {
	struct attest_tpm t;
	ESYS_TR ak;
	TPM2B_PUBLIC *akpub;
	uint8_t ak_bytes[sizeof(TPM2B_PUBLIC)];
	size_t ak_len;
	struct nsima_pcr_select sel;
	pthread_mutex_t lock;	/* one TPM command sequence at a time */
	uint8_t *ek_cert;	/* from NV; NULL: none there */
	size_t ek_cert_len;
	/*
	 * Quotes take half the TPM's time at most: they queue on gate (not
	 * on lock: an activation, a stats read never wait for the queue).
	 */
	pthread_mutex_t gate;
	struct timespec free_at;	/* under gate; CLOCK_MONOTONIC */
	uint64_t quotes, wait_ms;	/* atomics */
};

#define QUOTE_GAP_MIN_NS	50000000ULL	/* 50 ms */
#define QUOTE_GAP_MAX_NS	1000000000ULL	/* 1 s: a hung TPM adds no more */

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
}

int nsimad_tpm_open(struct nsimad_tpm **tp, const char *tcti,
		    const char *ak_dir, const char *ak_alg, const char *sel,
		    char *why, size_t why_len)
{
	struct nsima_err err = { 0 };
	struct nsimad_tpm *t;
	int alg = ATTEST_AK_RSA;
	bool created;

	*tp = NULL;
	if (ak_alg && (alg = attest_ak_alg_parse(ak_alg)) < 0) {
		snprintf(why, why_len, "--ak-alg %s: rsa, rsapss or ecc", ak_alg);
		return -1;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	t->ak = ESYS_TR_NONE;
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_init(&t->gate, NULL);
	if (nsima_pcr_select_parse(sel, &t->sel, &err)) {
		snprintf(why, why_len, "PCR selection %s: %s", sel, err.msg);
		free(t);
		return -1;
	}
	/* tpm2-tss logs each failure itself; ours is the one line */
	setenv("TSS2_LOG", "all+none", 0);
	if (attest_tpm_open(&t->t, tcti)) {
		snprintf(why, why_len, "cannot open the TPM (the line above says why)");
		free(t);
		return -1;
	}
	if (attest_tpm_ek(&t->t) ||
	    attest_tpm_ak_dir(&t->t, ak_dir, (enum attest_ak_alg)alg,
			      ak_alg != NULL, &t->ak, &t->akpub, &created)) {
		snprintf(why, why_len, "no attestation key in %s (the line above says why)",
			 ak_dir);
		nsimad_tpm_close(t);
		return -1;
	}
	/* for enrollment (GET /v1/enroll); a TPM without one cannot be
	 * enrolled through the agent, but quotes */
	if (attest_tpm_ek_cert(&t->t, &t->ek_cert, &t->ek_cert_len)) {
		t->ek_cert = NULL;
		attest_msg("no EK certificate in the TPM's NV: enrollment through nsimad is not possible");
	}
	/* the EK is only the AK's parent: free its slot */
	Esys_FlushContext(t->t.esys, t->t.ek);
	t->t.ek = ESYS_TR_NONE;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(t->akpub, t->ak_bytes,
					 sizeof(t->ak_bytes), &t->ak_len)) {
		snprintf(why, why_len, "cannot marshal the AK");
		nsimad_tpm_close(t);
		return -1;
	}
	if (created)
		attest_msg("created an attestation key in %s", ak_dir);
	*tp = t;
	return 0;
}

void nsimad_tpm_close(struct nsimad_tpm *t)
{
	if (!t)
		return;
	if (t->ak != ESYS_TR_NONE)
		Esys_FlushContext(t->t.esys, t->ak);
	free(t->akpub);
	free(t->ek_cert);
	attest_tpm_close(&t->t);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->gate);
	free(t);
}

const uint8_t *nsimad_tpm_ak(const struct nsimad_tpm *t, size_t *len)
{
	*len = t->ak_len;
	return t->ak_bytes;
}

const uint8_t *nsimad_tpm_ek_cert(const struct nsimad_tpm *t, size_t *len)
{
	*len = t->ek_cert_len;
	return t->ek_cert;
}

int nsimad_tpm_activate(struct nsimad_tpm *t, const uint8_t *id,
			size_t id_len, const uint8_t *sec, size_t sec_len,
			uint8_t *out, size_t *out_len)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	rc = attest_tpm_activate(&t->t, t->ak, id, id_len, sec, sec_len, out,
				 out_len);
	if (t->t.ek != ESYS_TR_NONE) {	/* free the EK's slot again */
		Esys_FlushContext(t->t.esys, t->t.ek);
		t->t.ek = ESYS_TR_NONE;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

unsigned int nsimad_tpm_banks(const struct nsimad_tpm *t)
{
	unsigned int i, banks = 0;
	int bank;

	for (i = 0; i < t->sel.count; i++) {
		bank = nsima_bank_by_alg(t->sel.bank[i].alg);
		if (bank >= 0)
			banks |= NSIMA_BANK_BIT(bank);
	}
	return banks;
}

void nsimad_tpm_stats(struct nsimad_tpm *t, uint64_t *quotes,
		      uint64_t *wait_ms)
{
	*quotes = __atomic_load_n(&t->quotes, __ATOMIC_RELAXED);
	*wait_ms = __atomic_load_n(&t->wait_ms, __ATOMIC_RELAXED);
}

void nsimad_quote_free(struct nsimad_quote *q)
{
	attest_quote_free(&q->r);
}

int nsimad_tpm_quote(struct nsimad_tpm *t, const uint8_t *nonce,
		     size_t nonce_len, struct nsimad_quote *out,
		     struct nsima_evidence *ev, char *why, size_t why_len)
{
	struct nsima_err err = { 0 };
	struct timespec start, end;
	uint64_t d;
	int rc;

	memset(out, 0, sizeof(*out));
	/*
	 * The module extends every entry into the same TPM: a client that
	 * polls hard must not take its time. After a quote of d ms, the
	 * next waits d ms (50 ms at least, 1 s at most; the requests queue
	 * on the gate), so quotes use at most half the TPM and come 20 a
	 * second at most, whoever asks.
	 */
	pthread_mutex_lock(&t->gate);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (ts_ns(&start) < ts_ns(&t->free_at)) {
		__atomic_add_fetch(&t->wait_ms,
				   (ts_ns(&t->free_at) - ts_ns(&start)) / 1000000,
				   __ATOMIC_RELAXED);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
				       &t->free_at, NULL) == EINTR)
			;
	}
	pthread_mutex_lock(&t->lock);
	/* the quote's own time: not an activation's it waited for */
	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = attest_tpm_quote(&t->t, t->ak, &t->sel, nonce, nonce_len,
			      &out->r);
	pthread_mutex_unlock(&t->lock);
	clock_gettime(CLOCK_MONOTONIC, &end);
	d = ts_ns(&end) - ts_ns(&start);
	d = d < QUOTE_GAP_MIN_NS ? QUOTE_GAP_MIN_NS :
	    d > QUOTE_GAP_MAX_NS ? QUOTE_GAP_MAX_NS : d;
	d += ts_ns(&end);
	t->free_at.tv_sec = (time_t)(d / 1000000000ULL);
	t->free_at.tv_nsec = (long)(d % 1000000000ULL);
	__atomic_add_fetch(&t->quotes, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&t->gate);
	if (rc) {
		snprintf(why, why_len, "the TPM did not quote");
		return -1;
	}
	if (nsima_quote_parse(out->r.attest->attestationData,
			      out->r.attest->size, &out->q, &err)) {
		snprintf(why, why_len, "the TPM's quote: %s", err.msg);
		return -1;
	}
	if (attest_quote_evidence(&out->r, t->akpub, &out->q, nonce,
				  nonce_len, ev)) {
		snprintf(why, why_len, "cannot marshal the quote");
		return -1;
	}
	return 0;
}

/*
 * Where a slice may start walking the node log: a sparse index of the
 * byte offsets of every HINT_EVERY-th entry, and of the last entry, that
 * walks have passed (committed entries never move), so a poll walks from
 * the nearest indexed entry at or before its `from`, not from the
 * journal's first entry. One journal file (another path starts over).
 */
#define HINT_EVERY	4096
static struct {
	pthread_mutex_t lock;
	char path[4200];
	uint64_t first;		/* index of marks[0] */
	size_t *marks;		/* offset of first + i * HINT_EVERY */
	size_t n, cap;
	uint64_t last;		/* the last entry a walk saw, and its offset */
	size_t last_off;
} hint = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The walk's start for @s: *@index and *@off (under hint.lock). */
static void hint_find(const struct nsimad_slice *s, size_t len,
		      uint64_t *index, size_t *off)
{
	uint64_t k;

	*index = s->first;
	*off = 0;
	if (strcmp(hint.path, s->path) || hint.first != s->first)
		return;
	if (hint.last_off < len && hint.last <= s->from &&
	    hint.last >= s->first) {
		*index = hint.last;
		*off = hint.last_off;
		return;
	}
	k = (s->from - s->first) / HINT_EVERY;
	if (k >= hint.n)
		k = hint.n ? hint.n - 1 : 0;
	if (hint.n && hint.marks[k] < len) {
		*index = s->first + k * HINT_EVERY;
		*off = hint.marks[k];
	}
}

/* Remember entry @index at @off (under hint.lock). */
static void hint_mark(const struct nsimad_slice *s, uint64_t index, size_t off)
{
	size_t *m;

	if (strcmp(hint.path, s->path) || hint.first != s->first) {
		snprintf(hint.path, sizeof(hint.path), "%s", s->path);
		hint.first = s->first;
		hint.n = 0;
		hint.last = s->first;
		hint.last_off = 0;
	}
	if ((index - s->first) % HINT_EVERY ||
	    (index - s->first) / HINT_EVERY != hint.n)
		return;
	if (hint.n == hint.cap) {
		m = realloc(hint.marks, (hint.cap ? 2 * hint.cap : 64) *
					sizeof(*m));
		if (!m)
			return;	/* a slower walk next time */
		hint.marks = m;
		hint.cap = hint.cap ? 2 * hint.cap : 64;
	}
	hint.marks[hint.n++] = off;
}

#define SLICE_DONE	1	/* the walk reached @end: stop */

struct slice_ctx {
	const struct nsimad_slice *s;
	struct nsima_view v;
	uint64_t ns_from;	/* the view's incarnation of its nsid: from */
	struct nsima_entry other;	/* an earlier incarnation's, redacted */
	struct nsima_log_writer w;
	struct nsima_buf *out;
	uint64_t base;		/* index of the walk's first record */
	size_t base_off;	/* its offset in the file */
	bool have_last;		/* saw entry end - 1 */
	uint64_t seen;		/* the last index seen, and its offset */
	size_t seen_off;
};

static int slice_entry(const struct nsima_entry *e, size_t n, size_t off,
		       void *p, struct nsima_err *err)
{
	struct slice_ctx *c = p;
	const struct nsima_entry *shown = e;
	uint64_t index = c->base + n;
	int rc;

	if (index >= c->s->end)
		return SLICE_DONE;	/* committed later, or being written */
	c->seen = index;
	c->seen_off = c->base_off + off;
	c->have_last = index == c->s->end - 1;
	if (!((index - c->s->first) % HINT_EVERY)) {
		pthread_mutex_lock(&hint.lock);
		hint_mark(c->s, index, c->seen_off);
		pthread_mutex_unlock(&hint.lock);
	}
	if (index < c->s->from)
		return 0;
	if (c->s->view) {
		rc = nsima_view_entry(&c->v, e, index, &shown, err);
		if (rc)
			return rc;
		if (!shown)
			return 0;
		/* the nsid's earlier incarnations are other tenants: an id is
		 * reused once its namespace ended (ns_end) */
		if (shown == e && index < c->ns_from) {
			rc = nsima_entry_redact(e, c->s->banks, &c->other, err);
			if (rc)
				return nsima_err_move(err, rc, NSIMA_AT_ENTRY,
						      index);
			shown = &c->other;
		}
	}
	return nsima_log_writer_entry(&c->w, shown, index, c->out, err);
}

/*
 * The journal's log mapped read-only (it only grows while mapped: the
 * writer appends at its committed end and cuts back only what it wrote
 * beyond, past anything a slice reads). NULL for an empty file.
 */
static int map_log(const char *path, uint8_t **buf, size_t *len,
		   struct nsima_err *err)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*buf = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st)) {
		nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s: %s", path,
			      strerror(errno));
		if (fd >= 0)
			close(fd);
		return NSIMA_EIO;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
				      "%s: mmap: %s", path, strerror(errno));
			close(fd);
			return NSIMA_EIO;
		}
		*buf = p;
		*len = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

/* The last ns_end of the view's nsid below @end: its incarnation starts after. */
struct incarnation {
	const struct nsimad_slice *s;
	uint64_t from;
};

static int find_incarnation(const struct nsima_entry *e, size_t n, size_t off,
			    void *p, struct nsima_err *err)
{
	struct incarnation *in = p;
	uint64_t index = in->s->first + n;

	(void)off;
	(void)err;
	if (index >= in->s->end)
		return SLICE_DONE;
	if (nsima_entry_in_ns(e, false, in->s->nsid) &&
	    nsima_entry_is_ns_end(e))
		in->from = index + 1;
	return 0;
}

int nsimad_slice_log(const struct nsimad_slice *s, struct nsima_buf *out,
		     int *fmt, struct nsima_err *err)
{
	struct slice_ctx c = { .s = s, .out = out, .base = s->first };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	*fmt = s->view ? NSIMA_FORMAT_CEL : NSIMA_FORMAT_BINARY;
	if (s->view) {
		rc = nsima_view_init(&c.v, s->host, s->nsid, true, s->banks,
				     err);
		if (rc)
			return rc;
	}
	rc = nsima_log_writer_begin(&c.w, (enum nsima_log_format)*fmt,
				    NSIMA_BANK_SHA1, s->banks, 0, out, err);
	if (rc || s->end <= s->from)
		return rc ? rc : nsima_log_writer_end(&c.w, out, err);
	rc = map_log(s->path, &buf, &len, err);
	if (rc)
		return rc;
	if (s->view && !s->host) {
		/* which incarnation of the nsid: a whole walk (a view's cost
		 * is the journal's length anyway: it redacts every other) */
		struct incarnation in = { .s = s, .from = s->first };

		rc = nsima_log_foreach_binary(buf, len, NSIMA_BANK_SHA1,
					      find_incarnation, &in, err);
		if (rc && rc != SLICE_DONE) {
			/* a record being written past @end: not ours */
			nsima_err_clear(err);
		}
		c.ns_from = in.from;
	}
	pthread_mutex_lock(&hint.lock);
	hint_find(s, len, &c.base, &c.base_off);
	pthread_mutex_unlock(&hint.lock);
	/* whole entries below @end only: past them the file may end in a
	 * record being written (not committed): its error is not ours */
	rc = nsima_log_foreach_binary(buf ? buf + c.base_off : buf,
				      len - c.base_off,
				      NSIMA_BANK_SHA1, slice_entry, &c, err);
	if (rc == SLICE_DONE || (rc && c.have_last))
		rc = 0;
	if (!rc && !c.have_last)
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "the journal does not hold entries up to %llu",
				   (unsigned long long)(s->end - 1));
	if (!rc) {
		pthread_mutex_lock(&hint.lock);
		hint_mark(s, c.seen, c.seen_off);	/* same file, same first */
		if (c.seen > hint.last || !hint.last_off) {
			hint.last = c.seen;
			hint.last_off = c.seen_off;
		}
		pthread_mutex_unlock(&hint.lock);
		rc = nsima_log_writer_end(&c.w, out, err);
	}
	if (buf)
		munmap(buf, len);
	return rc;
}
