// SPDX-License-Identifier: GPL-2.0
/*
 * libnsima error reporting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int nsima_err_set(struct nsima_err *err, int code, enum nsima_where where,
		  uint64_t pos, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->where = where;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int nsima_err_move(struct nsima_err *err, int code, enum nsima_where where,
		   uint64_t pos)
{
	if (err) {
		err->code = code;
		err->where = where;
		err->pos = pos;
	}
	return code;
}

void nsima_err_clear(struct nsima_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *nsima_strerror(int code)
{
	switch (code) {
	case NSIMA_OK:
		return "success";
	case NSIMA_ENOMEM:
		return "out of memory";
	case NSIMA_EINVAL:
		return "invalid argument";
	case NSIMA_EMALFORMED:
		return "malformed input";
	case NSIMA_EUNSUPPORTED:
		return "unsupported";
	case NSIMA_ECRYPTO:
		return "cryptographic library failure";
	case NSIMA_EIO:
		return "I/O error";
	case NSIMA_EDIGEST:
		return "template digest mismatch";
	case NSIMA_EUNREACHABLE:
		return "replay does not reach the quoted PCR value";
	case NSIMA_EGAP:
		return "log does not continue from the checkpoint";
	case NSIMA_ENAMESPACE:
		return "namespace attribution failure";
	case NSIMA_ESIGNATURE:
		return "bad signature";
	case NSIMA_ENONCE:
		return "nonce mismatch";
	case NSIMA_EPCRDIGEST:
		return "PCR digest mismatch";
	case NSIMA_EROLLBACK:
		return "reset or rollback";
	case NSIMA_EPOLICY:
		return "policy violation";
	case NSIMA_ENSINCOMPLETE:
		return "namespace view incomplete";
	case NSIMA_ENSUNPROVEN:
		return "namespace view completeness unproven";
	case NSIMA_ENOTVOUCHED:
		return "entry not vouched for by the quote";
	}
	return "unknown error";
}

char *nsima_err_format(const struct nsima_err *err, const char *input,
		       char *buf, size_t size)
{
	const char *msg = err->msg[0] ? err->msg : nsima_strerror(err->code);
	char where[48] = "";

	switch (err->where) {
	case NSIMA_AT_OFFSET:
		snprintf(where, sizeof(where), "offset %llu: ",
			 (unsigned long long)err->pos);
		break;
	case NSIMA_AT_LINE:
		snprintf(where, sizeof(where), "line %llu: ",
			 (unsigned long long)err->pos);
		break;
	case NSIMA_AT_ENTRY:
		snprintf(where, sizeof(where), "entry %llu: ",
			 (unsigned long long)err->pos);
		break;
	case NSIMA_AT_NONE:
		break;
	}
	snprintf(buf, size, "%s%s%s%s", input ? input : "", input ? ": " : "",
		 where, msg);
	return buf;
}
