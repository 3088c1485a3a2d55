// SPDX-License-Identifier: GPL-2.0
/*
 * File helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

int nsima_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
		    struct nsima_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t cap = 4096, n = 0;
	uint8_t *p = NULL, *q;
	ssize_t r;

	if (fd < 0)
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s",
				     strerror(errno));
	for (;;) {
		if (!p || n == cap) {
			if (p)
				cap *= 2;
			q = realloc(p, cap + 1);
			if (!q) {
				r = -1;
				errno = ENOMEM;
				break;
			}
			p = q;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n > max) {
			r = -1;
			errno = EFBIG;
			break;
		}
	}
	if (fd)
		close(fd);
	if (r < 0) {
		free(p);
		if (errno == EFBIG)
			return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
					     "larger than %zu bytes", max);
		return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s",
				     strerror(errno));
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int nsima_sync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

static int io_err(struct nsima_err *err, int e)
{
	return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s",
			     strerror(e));
}

/* The temporary file being written, for nsima_wfile_unlink_on_signal(). */
static char *volatile wfile_active;

void nsima_wfile_unlink_on_signal(void)
{
	char *tmp = wfile_active;

	if (tmp)
		unlink(tmp);	/* async-signal-safe */
}

int nsima_wfile_open(struct nsima_wfile *f, const char *path,
		     struct nsima_err *err)
{
	int saved;

	f->tmp = NULL;
	f->fd = 1;
	f->path = path;
	if (!strcmp(path, "-"))
		return 0;
	if (asprintf(&f->tmp, "%s.tmpXXXXXX", path) < 0) {
		f->tmp = NULL;
		f->fd = -1;
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	}
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0) {
		saved = errno;
		free(f->tmp);
		f->tmp = NULL;
		return io_err(err, saved);
	}
	wfile_active = f->tmp;
	return 0;
}

int nsima_wfile_write(struct nsima_wfile *f, const void *buf, size_t len,
		      struct nsima_err *err)
{
	if (write_all(f->fd, buf, len))
		return io_err(err, errno);
	return 0;
}

void nsima_wfile_abort(struct nsima_wfile *f)
{
	int saved = errno;

	wfile_active = NULL;
	if (f->tmp) {
		if (f->fd >= 0)
			close(f->fd);
		unlink(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
	}
	f->fd = -1;
	errno = saved;
}

int nsima_wfile_commit(struct nsima_wfile *f, struct nsima_err *err)
{
	int fd = f->fd, rc = 0;

	if (!f->tmp)	/* stdout */
		return 0;
	f->fd = -1;
	wfile_active = NULL;	/* renamed or unlinked below, not by a signal */
	if (fsync(fd)) {
		rc = errno;
		close(fd);
	} else if (close(fd) || rename(f->tmp, f->path) ||
		   nsima_sync_parent(f->path)) {
		rc = errno;
	}
	if (rc) {
		nsima_wfile_abort(f);
		return io_err(err, rc);
	}
	free(f->tmp);
	f->tmp = NULL;
	return 0;
}

int nsima_write_file(const char *path, const void *buf, size_t len,
		     struct nsima_err *err)
{
	struct nsima_wfile f;
	int rc = nsima_wfile_open(&f, path, err);

	if (!rc)
		rc = nsima_wfile_write(&f, buf, len, err);
	if (!rc)
		return nsima_wfile_commit(&f, err);
	nsima_wfile_abort(&f);
	return rc;
}
