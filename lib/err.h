/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnsima error reporting: every function that can fail returns 0 or a
 * negative enum nsima_errcode and, when given a struct nsima_err, fills it
 * with the same code, where in the input it failed and a one-line message.
 */
#ifndef NSIMA_ERR_H
#define NSIMA_ERR_H

#include <stdint.h>
#include <stddef.h>

enum nsima_errcode {
	NSIMA_OK = 0,
	NSIMA_ENOMEM = -1,	/* allocation failed */
	NSIMA_EINVAL = -2,	/* bad argument from the caller */
	NSIMA_EMALFORMED = -3,	/* input does not parse or breaks a limit */
	NSIMA_EUNSUPPORTED = -4, /* well-formed but not handled (template, alg) */
	NSIMA_ECRYPTO = -5,	/* libcrypto failure */
	NSIMA_EIO = -6,		/* read/write failure */
	NSIMA_EDIGEST = -7,	/* template digest does not match the data */
	NSIMA_EUNREACHABLE = -8, /* replay never reaches the quoted PCR value */
	NSIMA_EGAP = -9,	/* log does not continue from the checkpoint */
	NSIMA_ENAMESPACE = -10,	/* entry cannot be attributed to a namespace */
	NSIMA_ESIGNATURE = -11,	/* signature does not verify */
	NSIMA_ENONCE = -12,	/* nonce does not match */
	NSIMA_EPCRDIGEST = -13,	/* quoted PCR digest does not match PCR values */
	NSIMA_EROLLBACK = -14,	/* reset/restart counter or boot went backwards */
	NSIMA_EPOLICY = -15,	/* runtime policy violation */
	NSIMA_ENSINCOMPLETE = -16, /* a namespace's view contradicts its ns_state */
	NSIMA_ENSUNPROVEN = -17, /* no ns_state proves a namespace's view */
	NSIMA_ENOTVOUCHED = -18, /* entry the quote cannot vouch for in full */
};

/* What nsima_err.pos counts. */
enum nsima_where {
	NSIMA_AT_NONE = 0,
	NSIMA_AT_OFFSET,	/* byte offset in a binary input, from 0 */
	NSIMA_AT_LINE,		/* line in a text input, from 1 */
	NSIMA_AT_ENTRY,		/* entry (record) index, from 0 */
};

#define NSIMA_ERR_MSG_MAX 256

struct nsima_err {
	int code;		/* enum nsima_errcode */
	enum nsima_where where;
	uint64_t pos;
	char msg[NSIMA_ERR_MSG_MAX];
};

/*
 * Record an error in @err (which may be NULL) and return @code, so that
 * callers write: return nsima_err_set(err, NSIMA_EMALFORMED, ...);
 */
int nsima_err_set(struct nsima_err *err, int code, enum nsima_where where,
		  uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * Re-anchor an error a callee recorded without knowing the position at
 * @where/@pos (err may be NULL); returns @code.
 */
int nsima_err_move(struct nsima_err *err, int code, enum nsima_where where,
		   uint64_t pos);
void nsima_err_clear(struct nsima_err *err);
const char *nsima_strerror(int code);

/*
 * One line for the user: "<input>: offset 1234: <msg>" (input may be NULL).
 * Returns @buf.
 */
char *nsima_err_format(const struct nsima_err *err, const char *input,
		       char *buf, size_t size);

#endif /* NSIMA_ERR_H */
