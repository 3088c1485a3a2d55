/* SPDX-License-Identifier: GPL-2.0 */
/* Evidence from an nsimad (attest/fetch.c). */
#ifndef NSIMA_ATTEST_FETCH_H
#define NSIMA_ATTEST_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"

/*
 * GET @o->agent + @path (--cacert, --cert, --key for https) into *@buf,
 * at most 1 GiB: 0, or an exit code after one line (12: network, an HTTP
 * error status with the agent's message, printable and cut).
 */
int attest_http_get(const struct attest_args *o, const char *path,
		    uint8_t **buf, size_t *len);
/* A fresh random nonce into @o unless --nonce gave one: 0 or exit code. */
int attest_nonce_draw(struct attest_args *o);
/* Where to ask from: --log-first, or --checkpoint's next entry. */
int attest_fetch_from(const struct attest_args *o, uint64_t *from);
/*
 * GET @o->agent/v1/evidence over @o->nonce (--ns or --container, from
 * entry @from): the body (at most 1 GiB) in *@buf. 0, or an exit code
 * after one line (12 for a network error or an HTTP error status).
 */
int attest_fetch(const struct attest_args *o, uint64_t from, uint8_t **buf,
		 size_t *len);

#endif /* NSIMA_ATTEST_FETCH_H */
