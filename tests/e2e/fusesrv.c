// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-fusesrv: a tiny FUSE file server for the VM tests, speaking the raw
 * protocol on /dev/fuse (no libfuse; linked statically). It serves one
 * directory holding one file, "bin", whose reads succeed, fail or block, so
 * that the module's behaviour on failing and slow reads can be tested.
 *
 *   nsima-fusesrv [--mode ok|eio|slow] [--release PATH] [--size N]
 *                 MOUNTPOINT SOURCE
 *
 * MOUNTPOINT/bin: a regular file, mode 0755, owned by root, with SOURCE's
 * bytes (read once at start). --size N reports N bytes instead; bytes past
 * SOURCE's end read as zeros (N smaller than SOURCE truncates it).
 *   --mode ok    reads are served (default)
 *   --mode eio   every READ fails with EIO; LOOKUP, GETATTR, OPEN succeed
 *   --mode slow  a READ is answered only once the file PATH of --release
 *                exists (checked every 50 ms); meanwhile other requests are
 *                answered at once. PATH.waiting holds the number of READs
 *                that had to wait so far (0 at start), so that a test can
 *                tell that a reader is stuck.
 *
 * The program mounts the file system, answers the kernel's INIT and only
 * then goes to the background: when it returns with status 0 the mount is
 * ready to use. On failure it prints one line on stderr and exits non-zero.
 * The server exits when the file system is unmounted. Requires fuse.ko
 * (/dev/fuse) and CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define ROOT_INO FUSE_ROOT_ID
#define FILE_INO 2
#define FILE_NAME "bin"
#define MAX_WRITE (128 * 1024)
/* Room for the largest request the kernel may send (see fuse_dev_do_read). */
#define REQ_BUF (MAX_WRITE + 4096 + FUSE_MIN_READ_BUFFER)
#define MAX_REPLY (1024 * 1024)
#define MAX_SOURCE (1024L * 1024 * 1024)
#define SLOW_POLL_MS 50

enum mode { MODE_OK, MODE_EIO, MODE_SLOW };

struct pending {
	uint64_t unique;
	uint64_t offset;
	uint32_t size;
};

static int fuse_fd = -1;
static enum mode mode = MODE_OK;
static const char *release_path;
static char waiting_path[PATH_MAX];
static char waiting_tmp[PATH_MAX];
static unsigned long waiting_count;
static int released;
static unsigned char *content;	/* SOURCE's bytes */
static uint64_t content_len;
static uint64_t file_size;
static time_t start_time;
static int initialized;
static int destroyed;
static struct pending *pending;
static size_t npending, pending_cap;
static unsigned char req_buf[REQ_BUF] __attribute__((aligned(8)));
static unsigned char reply_buf[MAX_REPLY] __attribute__((aligned(8)));

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("nsima-fusesrv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	fprintf(stderr, "usage: nsima-fusesrv [--mode ok|eio|slow] [--release PATH] [--size N] MOUNTPOINT SOURCE\n");
	exit(2);
}

/* Replies. A write error ENOENT means the request is gone (interrupted). */
static void reply(uint64_t unique, int error, const void *data, size_t len)
{
	struct fuse_out_header oh;
	struct iovec iov[2];

	if (error)
		len = 0;
	oh.len = (uint32_t)(sizeof(oh) + len);
	oh.error = error;
	oh.unique = unique;
	iov[0].iov_base = &oh;
	iov[0].iov_len = sizeof(oh);
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = len;
	if (writev(fuse_fd, iov, len ? 2 : 1) < 0 && errno != ENOENT)
		fprintf(stderr, "nsima-fusesrv: reply: %s\n", strerror(errno));
}

static void reply_err(uint64_t unique, int err)
{
	reply(unique, -err, NULL, 0);
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->atime = a->mtime = a->ctime = (uint64_t)start_time;
	a->uid = 0;
	a->gid = 0;
	a->blksize = 4096;
	if (ino == ROOT_INO) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
		a->size = 4096;
		a->blocks = 8;
	} else {
		a->mode = S_IFREG | 0755;
		a->nlink = 1;
		a->size = file_size;
		a->blocks = file_size / 512 + (file_size % 512 != 0);
	}
}

static int known_ino(uint64_t ino)
{
	return ino == ROOT_INO || ino == FILE_INO;
}

static void do_init(uint64_t unique, const unsigned char *in, size_t inlen)
{
	struct fuse_init_in ii;
	struct fuse_init_out io;

	memset(&ii, 0, sizeof(ii));
	/* major, minor, max_readahead, flags: present in every version */
	if (inlen < 16) {
		reply_err(unique, EINVAL);
		return;
	}
	memcpy(&ii, in, inlen < sizeof(ii) ? inlen : sizeof(ii));
	memset(&io, 0, sizeof(io));
	io.major = FUSE_KERNEL_VERSION;
	io.minor = FUSE_KERNEL_MINOR_VERSION;
	if (ii.major < 7) {
		reply_err(unique, EPROTO);
		return;
	}
	if (ii.major > FUSE_KERNEL_VERSION) {
		/* The kernel retries with our major version. */
		reply(unique, 0, &io, 8);
		return;
	}
	if (ii.minor < io.minor)
		io.minor = ii.minor;
	io.max_readahead = ii.max_readahead;
	io.flags = 0;		/* synchronous reads, no extras */
	io.max_background = 16;
	io.congestion_threshold = 12;
	io.max_write = MAX_WRITE;
	io.time_gran = 1;
	reply(unique, 0, &io, sizeof(io));
	initialized = 1;
}

static void do_lookup(uint64_t unique, uint64_t nodeid,
		      const unsigned char *in, size_t inlen)
{
	struct fuse_entry_out eo;

	if (!inlen || !memchr(in, '\0', inlen)) {
		reply_err(unique, EINVAL);
		return;
	}
	if (nodeid != ROOT_INO) {
		reply_err(unique, nodeid == FILE_INO ? ENOTDIR : ENOENT);
		return;
	}
	if (strcmp((const char *)in, FILE_NAME)) {
		reply_err(unique, ENOENT);
		return;
	}
	memset(&eo, 0, sizeof(eo));
	eo.nodeid = FILE_INO;
	eo.generation = 1;
	fill_attr(&eo.attr, FILE_INO);
	reply(unique, 0, &eo, sizeof(eo));
}

static void do_getattr(uint64_t unique, uint64_t nodeid)
{
	struct fuse_attr_out ao;

	if (!known_ino(nodeid)) {
		reply_err(unique, ENOENT);
		return;
	}
	memset(&ao, 0, sizeof(ao));
	fill_attr(&ao.attr, nodeid);
	reply(unique, 0, &ao, sizeof(ao));
}

static void do_open(uint64_t unique, uint64_t nodeid,
		    const unsigned char *in, size_t inlen, int dir)
{
	struct fuse_open_in oi;
	struct fuse_open_out oo;

	if (inlen < sizeof(oi)) {
		reply_err(unique, EINVAL);
		return;
	}
	memcpy(&oi, in, sizeof(oi));
	if (!known_ino(nodeid)) {
		reply_err(unique, ENOENT);
		return;
	}
	if (dir && nodeid != ROOT_INO) {
		reply_err(unique, ENOTDIR);
		return;
	}
	if (!dir && nodeid == ROOT_INO) {
		reply_err(unique, EISDIR);
		return;
	}
	if ((oi.flags & O_ACCMODE) != O_RDONLY || (oi.flags & O_TRUNC)) {
		reply_err(unique, EROFS);
		return;
	}
	memset(&oo, 0, sizeof(oo));
	/*
	 * Direct I/O: every read reaches the server, and no read holds a
	 * page lock while it waits. Keep cache: an open does not wait to
	 * invalidate the pages of a read in progress (a second opener would
	 * sleep uninterruptibly in FUSE, not in what is being tested).
	 */
	if (!dir)
		oo.open_flags = FOPEN_DIRECT_IO | FOPEN_KEEP_CACHE;
	reply(unique, 0, &oo, sizeof(oo));
}

/* Data of the file at [offset, offset + size), clamped to the file. */
static void send_data(uint64_t unique, uint64_t offset, uint32_t size)
{
	uint64_t n = 0, from_src = 0;

	if (offset < file_size) {
		n = file_size - offset;
		if (n > size)
			n = size;
		if (n > MAX_REPLY)
			n = MAX_REPLY;
	}
	if (offset < content_len) {
		from_src = content_len - offset;
		if (from_src > n)
			from_src = n;
		memcpy(reply_buf, content + offset, from_src);
	}
	memset(reply_buf + from_src, 0, n - from_src);
	reply(unique, 0, reply_buf, n);
}

static void write_waiting(void)
{
	char num[32];
	int fd, len;

	len = snprintf(num, sizeof(num), "%lu\n", waiting_count);
	fd = open(waiting_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "nsima-fusesrv: %s: %s\n", waiting_tmp, strerror(errno));
		return;
	}
	if (write(fd, num, len) != len)
		fprintf(stderr, "nsima-fusesrv: %s: write failed\n", waiting_tmp);
	close(fd);
	if (rename(waiting_tmp, waiting_path))
		fprintf(stderr, "nsima-fusesrv: %s: %s\n", waiting_path, strerror(errno));
}

static int check_released(void)
{
	if (!released && !access(release_path, F_OK))
		released = 1;
	return released;
}

static void flush_pending(void)
{
	size_t i;

	for (i = 0; i < npending; i++)
		send_data(pending[i].unique, pending[i].offset, pending[i].size);
	npending = 0;
}

static void do_read(uint64_t unique, uint64_t nodeid,
		    const unsigned char *in, size_t inlen)
{
	struct fuse_read_in ri;

	if (inlen < sizeof(ri)) {
		reply_err(unique, EINVAL);
		return;
	}
	memcpy(&ri, in, sizeof(ri));
	if (nodeid != FILE_INO) {
		reply_err(unique, nodeid == ROOT_INO ? EISDIR : ENOENT);
		return;
	}
	if (mode == MODE_EIO) {
		reply_err(unique, EIO);
		return;
	}
	if (mode == MODE_SLOW && !check_released()) {
		if (npending == pending_cap) {
			size_t cap = pending_cap ? pending_cap * 2 : 16;
			struct pending *p = realloc(pending, cap * sizeof(*p));

			if (!p) {
				reply_err(unique, ENOMEM);
				return;
			}
			pending = p;
			pending_cap = cap;
		}
		pending[npending].unique = unique;
		pending[npending].offset = ri.offset;
		pending[npending].size = ri.size;
		npending++;
		waiting_count++;
		write_waiting();
		return;
	}
	send_data(unique, ri.offset, ri.size);
}

/* An interrupted READ that is still waiting is ended with EINTR. */
static void do_interrupt(const unsigned char *in, size_t inlen)
{
	struct fuse_interrupt_in ii;
	size_t i;

	if (inlen < sizeof(ii))
		return;
	memcpy(&ii, in, sizeof(ii));
	for (i = 0; i < npending; i++) {
		if (pending[i].unique != ii.unique)
			continue;
		reply_err(ii.unique, EINTR);
		memmove(&pending[i], &pending[i + 1],
			(npending - i - 1) * sizeof(*pending));
		npending--;
		return;
	}
	/* Not waiting here: already answered; an interrupt needs no reply. */
}

static size_t add_dirent(unsigned char *buf, size_t room, uint64_t ino,
			 uint64_t off, uint32_t type, const char *name)
{
	struct fuse_dirent d;
	size_t namelen = strlen(name);
	size_t len = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);

	if (len > room)
		return 0;
	memset(buf, 0, len);
	d.ino = ino;
	d.off = off;
	d.namelen = (uint32_t)namelen;
	d.type = type;
	memcpy(buf, &d, FUSE_NAME_OFFSET);
	memcpy(buf + FUSE_NAME_OFFSET, name, namelen);
	return len;
}

static void do_readdir(uint64_t unique, uint64_t nodeid,
		       const unsigned char *in, size_t inlen)
{
	static const struct {
		uint64_t ino;
		uint32_t type;
		const char *name;
	} ents[] = {
		{ ROOT_INO, 4 /* DT_DIR */, "." },
		{ ROOT_INO, 4, ".." },
		{ FILE_INO, 8 /* DT_REG */, FILE_NAME },
	};
	struct fuse_read_in ri;
	size_t used = 0, room, len;
	uint64_t i;

	if (inlen < sizeof(ri)) {
		reply_err(unique, EINVAL);
		return;
	}
	memcpy(&ri, in, sizeof(ri));
	if (nodeid != ROOT_INO) {
		reply_err(unique, known_ino(nodeid) ? ENOTDIR : ENOENT);
		return;
	}
	room = ri.size < MAX_REPLY ? ri.size : MAX_REPLY;
	for (i = ri.offset; i < sizeof(ents) / sizeof(ents[0]); i++) {
		len = add_dirent(reply_buf + used, room - used, ents[i].ino,
				 i + 1, ents[i].type, ents[i].name);
		if (!len)
			break;
		used += len;
	}
	reply(unique, 0, reply_buf, used);
}

static void do_statfs(uint64_t unique)
{
	struct fuse_statfs_out so;

	memset(&so, 0, sizeof(so));
	so.st.bsize = 4096;
	so.st.frsize = 4096;
	so.st.blocks = file_size / 4096 + 1;
	so.st.files = 2;
	so.st.namelen = 255;
	reply(unique, 0, &so, sizeof(so));
}

static void handle(const unsigned char *buf, size_t n)
{
	struct fuse_in_header h;
	const unsigned char *in;
	size_t inlen;

	if (n < sizeof(h))
		return;		/* nothing to answer to */
	memcpy(&h, buf, sizeof(h));
	if (h.len != n || h.len < sizeof(h)) {
		reply_err(h.unique, EINVAL);
		return;
	}
	in = buf + sizeof(h);
	inlen = n - sizeof(h);
	if (!initialized && h.opcode != FUSE_INIT) {
		reply_err(h.unique, EIO);
		return;
	}
	switch (h.opcode) {
	case FUSE_INIT:
		do_init(h.unique, in, inlen);
		break;
	case FUSE_LOOKUP:
		do_lookup(h.unique, h.nodeid, in, inlen);
		break;
	case FUSE_GETATTR:
		do_getattr(h.unique, h.nodeid);
		break;
	case FUSE_OPEN:
		do_open(h.unique, h.nodeid, in, inlen, 0);
		break;
	case FUSE_OPENDIR:
		do_open(h.unique, h.nodeid, in, inlen, 1);
		break;
	case FUSE_READ:
		do_read(h.unique, h.nodeid, in, inlen);
		break;
	case FUSE_READDIR:
		do_readdir(h.unique, h.nodeid, in, inlen);
		break;
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
		reply(h.unique, 0, NULL, 0);
		break;
	case FUSE_ACCESS:
		if (known_ino(h.nodeid))
			reply(h.unique, 0, NULL, 0);
		else
			reply_err(h.unique, ENOENT);
		break;
	case FUSE_STATFS:
		do_statfs(h.unique);
		break;
	case FUSE_INTERRUPT:
		do_interrupt(in, inlen);
		break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_NOTIFY_REPLY:
		break;		/* no reply */
	case FUSE_DESTROY:
		reply(h.unique, 0, NULL, 0);
		destroyed = 1;
		break;
	case FUSE_GETXATTR:
	case FUSE_LISTXATTR:
	default:
		reply_err(h.unique, ENOSYS);
		break;
	}
}

/*
 * Read and handle one request, waiting at most timeout_ms (-1: forever).
 * Returns 1 when one was handled or none came, 0 when the file system is
 * gone (unmounted), -1 on an error (errno set).
 */
static int serve_one(int timeout_ms)
{
	struct pollfd p = { .fd = fuse_fd, .events = POLLIN };
	ssize_t n;
	int r;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 1 : -1;
	if (!r)
		return 1;
	n = read(fuse_fd, req_buf, sizeof(req_buf));
	if (n < 0) {
		if (errno == ENOENT || errno == EINTR || errno == EAGAIN)
			return 1;
		if (errno == ENODEV)
			return 0;
		return -1;
	}
	handle(req_buf, (size_t)n);
	return destroyed ? 0 : 1;
}

static void read_source(const char *path)
{
	struct stat st;
	size_t have = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", path);
	if (st.st_size > MAX_SOURCE)
		die("%s: larger than %ld bytes", path, MAX_SOURCE);
	content = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!content)
		die("out of memory");
	while (have < (size_t)st.st_size) {
		n = read(fd, content + have, (size_t)st.st_size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s", path, strerror(errno));
		if (!n)
			break;
		have += (size_t)n;
	}
	close(fd);
	content_len = have;
}

static uint64_t parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		die("--size %s: not a number", s);
	v = strtoull(s, &end, 10);
	if (errno || *end || v > (unsigned long long)INT64_MAX)
		die("--size %s: not a size in bytes", s);
	return v;
}

static void setup_release(const char *path)
{
	static char absbuf[PATH_MAX];
	char cwd[PATH_MAX];
	int r;

	if (path[0] == '/') {
		release_path = path;
	} else {
		/* The server leaves its working directory: make it absolute. */
		if (!getcwd(cwd, sizeof(cwd)))
			die("getcwd: %s", strerror(errno));
		r = snprintf(absbuf, sizeof(absbuf), "%s/%s", cwd, path);
		if (r < 0 || (size_t)r >= sizeof(absbuf))
			die("--release %s: path too long", path);
		release_path = absbuf;
	}
	r = snprintf(waiting_path, sizeof(waiting_path), "%s.waiting", release_path);
	if (r < 0 || (size_t)r >= sizeof(waiting_path))
		die("--release %s: path too long", path);
	r = snprintf(waiting_tmp, sizeof(waiting_tmp), "%s.waiting.tmp", release_path);
	if (r < 0 || (size_t)r >= sizeof(waiting_tmp))
		die("--release %s: path too long", path);
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid)
		_exit(0);
	setsid();
	if (chdir("/"))
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "release", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mnt, *release = NULL;
	uint64_t size = 0;
	int have_size = 0, c, r;
	char data[128];
	time_t deadline;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "ok"))
				mode = MODE_OK;
			else if (!strcmp(optarg, "eio"))
				mode = MODE_EIO;
			else if (!strcmp(optarg, "slow"))
				mode = MODE_SLOW;
			else
				die("--mode %s: expected ok, eio or slow", optarg);
			break;
		case 'r':
			release = optarg;
			break;
		case 's':
			size = parse_size(optarg);
			have_size = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	mnt = argv[optind];
	if (mode == MODE_SLOW && !release)
		die("--mode slow needs --release PATH");
	if (release)
		setup_release(release);
	read_source(argv[optind + 1]);
	file_size = have_size ? size : content_len;
	if (content_len > file_size)
		content_len = file_size;
	start_time = time(NULL);
	if (mode == MODE_SLOW) {
		write_waiting();
		if (access(waiting_path, F_OK))
			die("%s: cannot be written", waiting_path);
	}

	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0)
		die("/dev/fuse: %s%s", strerror(errno),
		    errno == ENOENT || errno == ENODEV ? " (insmod fuse.ko first)" : "");
	snprintf(data, sizeof(data),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fuse_fd);
	if (mount("nsima-fusesrv", mnt, "fuse", MS_NOSUID | MS_NODEV, data))
		die("mount %s: %s", mnt, strerror(errno));

	/* The kernel sent INIT during mount: answer it before returning. */
	deadline = time(NULL) + 10;
	while (!initialized) {
		r = serve_one(1000);
		if (r <= 0 || time(NULL) > deadline) {
			int e = r < 0 ? errno : ETIMEDOUT;

			umount2(mnt, MNT_DETACH);
			die("%s: no FUSE INIT exchange: %s", mnt, strerror(e));
		}
	}
	daemonize();

	for (;;) {
		int timeout = -1;

		if (npending) {
			if (check_released())
				flush_pending();
			else
				timeout = SLOW_POLL_MS;
		}
		r = serve_one(timeout);
		if (r == 0)
			break;
		if (r < 0) {
			fprintf(stderr, "nsima-fusesrv: /dev/fuse: %s\n", strerror(errno));
			return 1;
		}
	}
	return 0;
}
