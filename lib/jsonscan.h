/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounds for what jansson is given. jansson builds a node of some 50-80
 * bytes for every value of a document before any check of ours can run,
 * so a hostile input of small values ({"x":[{},{},...]}) costs ~77 times
 * its size. A scan first finds where one JSON object or array ends and
 * counts its values, building nothing; over the caller's bound it is
 * refused, and jansson only ever sees bounded documents.
 */
#ifndef NSIMA_JSONSCAN_H
#define NSIMA_JSONSCAN_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

/*
 * The object or array at @buf (after white space): *end gets the offset
 * after it. NSIMA_EMALFORMED at NSIMA_AT_OFFSET when it is not one, is not
 * closed within @len, nests deeper than 64, or holds more than @max_values
 * values (objects, arrays, strings, numbers, literals, its own included).
 */
int nsima_json_scan(const uint8_t *buf, size_t len, size_t max_values,
		    size_t *end, struct nsima_err *err);

/* The offset of the first byte at or after @pos that is not JSON white space. */
size_t nsima_json_skip_ws(const uint8_t *buf, size_t len, size_t pos);

#endif /* NSIMA_JSONSCAN_H */
