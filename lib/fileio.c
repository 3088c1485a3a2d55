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

static int sync_dir(const char *path)
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

int nsima_write_file(const char *path, const void *buf, size_t len,
		     struct nsima_err *err)
{
	char *tmp;
	int fd, saved;

	if (!strcmp(path, "-")) {
		if (write_all(1, buf, len))
			return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0,
					     "%s", strerror(errno));
		return 0;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (write_all(fd, buf, len) || fsync(fd)) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail_unlink;
	}
	if (close(fd) || rename(tmp, path) || sync_dir(path))
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	return nsima_err_set(err, NSIMA_EIO, NSIMA_AT_NONE, 0, "%s",
			     strerror(saved));
}
