/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's checkpoint file (/sys/kernel/security/nsima/checkpoint):
 *   entries: N
 *   <bank>: <hex PCR value>      one line per bank
 * It says how many entries were trimmed from the head of the list and the
 * PCR values they produce: the state a replay of the rest starts from.
 */
#ifndef NSIMA_CHECKPOINT_H
#define NSIMA_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "replay.h"

/*
 * Parse @buf into @r (r->pcr is kept; next and the banks found are set).
 * Unknown bank names are skipped (the module may know more banks than we
 * replay); a bank given twice, a bad number or bad hex is NSIMA_EMALFORMED
 * at NSIMA_AT_LINE.
 */
int nsima_checkpoint_parse(const char *buf, size_t len, struct nsima_replay *r,
			   struct nsima_err *err);

/*
 * Either kind of checkpoint file, told apart by its first character: the
 * verifier's own JSON (verify --save-checkpoint; *json true, its PCRs;
 * @view as nsima_checkpoint_parse_json) or the module's text (one PCR,
 * @text_pcr; @view untouched).
 */
int nsima_checkpoint_load(const uint8_t *buf, size_t len, uint32_t text_pcr,
			  struct nsima_replay_set *cp, bool *json, char *view,
			  struct nsima_err *err);

#endif /* NSIMA_CHECKPOINT_H */
