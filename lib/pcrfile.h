/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCR value files of tpm2-tools (tpm2_quote -o, tpm2_pcrread -o): the
 * "values" and the default "serialized" layout (lib/pcrfile.c).
 */
#ifndef NSIMA_PCRFILE_H
#define NSIMA_PCRFILE_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "quote.h"

/*
 * The quoted PCR values for selection @sel (the quote's) from @buf in
 * either layout, detected by its length; a serialized file's own
 * selection must equal @sel. NSIMA_EMALFORMED with the offset otherwise.
 */
int nsima_pcr_file_parse(const struct nsima_pcr_select *sel,
			 const uint8_t *buf, size_t len,
			 struct nsima_pcr_values *vals, struct nsima_err *err);

#endif /* NSIMA_PCRFILE_H */
