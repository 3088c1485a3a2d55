/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole-file reads with a size cap, and atomic writes (temporary file,
 * fsync, rename) so that no partial output file is ever left behind.
 */
#ifndef NSIMA_FILEIO_H
#define NSIMA_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The biggest input read whole: a list, a bundle (and a list's memory). */
#define NSIMA_INPUT_MAX		((size_t)1 << 30)
/* A quote, signature, key, PCR values, checkpoint or clock file. */
#define NSIMA_SMALL_FILE_MAX	((size_t)1 << 20)

/* Read @path ("-" = stdin) into a malloc()ed buffer, NUL-terminated. */
int nsima_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
		    struct nsima_err *err);
/*
 * Write @len bytes to @path atomically ("-" = stdout, not atomic). A new
 * file is created mode 0600: logs may name other tenants' files.
 */
int nsima_write_file(const char *path, const void *buf, size_t len,
		     struct nsima_err *err);
/*
 * fsync the directory that holds @path (its dirname), so that a new or
 * renamed entry there is durable: 0, or -1 with errno set.
 */
int nsima_sync_parent(const char *path);

/*
 * The same written a piece at a time: open (a temporary file beside
 * @path), write..., then commit (fsync, rename over @path) or abort
 * (remove it: @path is untouched). "-" is stdout, written as it comes.
 */
struct nsima_wfile {
	const char *path;
	char *tmp;		/* NULL for stdout */
	int fd;
};

int nsima_wfile_open(struct nsima_wfile *f, const char *path,
		     struct nsima_err *err);
int nsima_wfile_write(struct nsima_wfile *f, const void *buf, size_t len,
		      struct nsima_err *err);
int nsima_wfile_commit(struct nsima_wfile *f, struct nsima_err *err);
void nsima_wfile_abort(struct nsima_wfile *f);
/*
 * From a signal handler: unlink the temporary file being written, if
 * any (the process is about to die: no partial file is left behind).
 */
void nsima_wfile_unlink_on_signal(void);

#endif /* NSIMA_FILEIO_H */
