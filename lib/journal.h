/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's persistent copy of the kernel list (nsimad): append-only
 * logs of the whole node and of each namespace, each in three formats,
 * made durable in batches, crash safe.
 *
 * Layout of the journal directory (docs/nsimad.md):
 *   node/{binary_runtime_measurements,ascii_runtime_measurements,cel.json}
 *   ns/<nsid>/{the same three}       entries of namespace <nsid>
 *   start                            the first entry's whole-list index and
 *                                    the module's checkpoint at that point
 *   commits                          the commit log
 * cel.json is CEL-JSON as a JSON sequence (RFC 7464), each record's recnum
 * its whole-list index. The binary and ascii logs carry the SHA-1 header
 * digest, as the kernel's.
 *
 * A batch (nsima_journal_add ...) is held in memory until
 * nsima_journal_commit(): it appends to every file it touches, fsyncs
 * them (and new directories), then appends one commit line (the next
 * whole-list index and the new size of each file touched, checksummed)
 * and fsyncs that. On open, the last whole commit line is the journal's
 * state: every file is cut back to its committed size, and files no
 * commit names are removed; a torn line is cut off. So an interruption at
 * any instant loses nothing committed and leaves no partial record, and
 * the caller (which trims the kernel list only up to nsima_journal_next()
 * after a commit) re-reads whatever was not committed.
 */
#ifndef NSIMA_JOURNAL_H
#define NSIMA_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "err.h"
#include "log.h"

struct nsima_journal;

struct nsima_journal_info {
	bool started;		/* a start index was recorded */
	uint64_t first;		/* whole-list index of its first entry */
	uint64_t next;		/* index of the next entry to add */
	uint64_t commits;	/* commit lines */
	uint64_t pending;	/* entries added, not committed */
	uint64_t namespaces;	/* namespaces with a log */
	uint64_t bytes;		/* committed bytes, all logs */
};

/*
 * Open (creating it, mode 0700) the journal in @dir and recover it to its
 * last commit. NSIMA_EIO for a file that cannot be read or cut,
 * NSIMA_EMALFORMED for a journal whose files are shorter than committed
 * (damaged: nothing is changed then).
 */
int nsima_journal_open(struct nsima_journal **jp, const char *dir,
		       struct nsima_err *err);
void nsima_journal_close(struct nsima_journal *j);
void nsima_journal_info(const struct nsima_journal *j,
			struct nsima_journal_info *info);
/*
 * A new journal's first entry is whole-list index @first; @checkpoint
 * (may be NULL) is the module's checkpoint text for it, kept in "start".
 * Durable when it returns. NSIMA_EINVAL once started.
 */
int nsima_journal_start(struct nsima_journal *j, uint64_t first,
			const char *checkpoint, struct nsima_err *err);
/*
 * Entry @e, whole-list index @index (must be the next: NSIMA_EGAP
 * otherwise), into the pending batch: the node's logs and, for an entry
 * named "<nsid>:...", namespace nsid's.
 */
int nsima_journal_add(struct nsima_journal *j, const struct nsima_entry *e,
		      uint64_t index, struct nsima_err *err);
/*
 * Make the pending batch durable (no-op without one). On failure
 * (NSIMA_EIO: ENOSPC, EIO, ...) every file is cut back to its committed
 * size and the batch is dropped: nsima_journal_next() is where to resume.
 */
int nsima_journal_commit(struct nsima_journal *j, struct nsima_err *err);
/* Drop the pending batch. */
void nsima_journal_rollback(struct nsima_journal *j);
/* Whole-list index after the last committed entry. */
uint64_t nsima_journal_next(const struct nsima_journal *j);
/* The index nsima_journal_add() expects: after the pending batch. */
uint64_t nsima_journal_expect(const struct nsima_journal *j);

#endif /* NSIMA_JOURNAL_H */
