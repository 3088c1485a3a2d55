// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-kbench: the guest-side loops of `make bench-kmod`
 * (vm/bench-kmod.guest). Every loop prints nanoseconds per operation.
 *
 *   nsima-kbench copies SRC DIR N    write DIR/0 .. DIR/N-1: SRC followed by
 *                                    a trailer unique to the file (a new
 *                                    file content never measured before)
 *   nsima-kbench exec-each DIR N     fork+exec each of DIR/0..N-1 once
 *   nsima-kbench exec-loop N FILE    fork+exec FILE N times
 *   nsima-kbench mmap-each DIR N     open, mmap PROT_EXEC, munmap, close each
 *                                    of DIR/0..N-1 once
 *   nsima-kbench mmap-loop N FILE    open FILE once; N x (mmap PROT_EXEC of
 *                                    its first page, munmap)
 *   nsima-kbench open-each DIR N     open O_RDONLY + close each file once
 *   nsima-kbench open-loop N FILE    open O_RDONLY + close FILE N times
 *   nsima-kbench mprotect-rate R N FILE
 *                                    map FILE's first page PROT_READ; N x
 *                                    (mprotect PROT_READ|PROT_EXEC, back to
 *                                    PROT_READ): each a queued mprotect
 *                                    event of nsima; R per second on a
 *                                    fixed schedule (0: as fast as it can)
 *
 * Exit status 0, or 1 with one line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "nsima-kbench: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static void name(char *buf, size_t len, const char *dir, long i)
{
	snprintf(buf, len, "%s/%ld", dir, i);
}

static int copies(const char *src, const char *dir, long n)
{
	char path[PATH_MAX], trailer[128];
	unsigned long long seed = 0;
	struct stat st;
	char *data;
	long i;
	int fd;

	fd = open(src, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return fail("open", src);
	data = malloc(st.st_size ? st.st_size : 1);
	if (!data || read(fd, data, st.st_size) != st.st_size)
		return fail("read", src);
	close(fd);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (unsigned long long)now_ns();
	if (mkdir(dir, 0755) && errno != EEXIST)
		return fail("mkdir", dir);
	for (i = 0; i < n; i++) {
		int tl = snprintf(trailer, sizeof(trailer),
				  "\nnsima-kbench %016llx %s %ld\n", seed, dir, i);

		name(path, sizeof(path), dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
		if (fd < 0)
			return fail("create", path);
		if (write(fd, data, st.st_size) != st.st_size ||
		    write(fd, trailer, tl) != tl)
			return fail("write", path);
		if (close(fd))
			return fail("close", path);
	}
	free(data);
	return 0;
}

static int run(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return fail("fork", path);
	if (!pid) {
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return fail("waitpid", path);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "nsima-kbench: %s: exit status %#x\n", path, st);
		return 1;
	}
	return 0;
}

static int map(int fd, const char *path)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return fail("mmap", path);
	munmap(p, 4096);
	return 0;
}

enum op { EXEC, MMAP, OPEN };

static int one(enum op op, const char *path)
{
	int fd, rc;

	if (op == EXEC)
		return run(path);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	rc = op == MMAP ? map(fd, path) : 0;
	close(fd);
	return rc;
}

static int each(enum op op, const char *dir, long n)
{
	char path[PATH_MAX];
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		name(path, sizeof(path), dir, i);
		if (one(op, path))
			return 1;
	}
	printf("%lld\n", (now_ns() - t0) / n);
	return 0;
}

static int loop(enum op op, long n, const char *path)
{
	long long t0;
	long i;
	int fd;

	if (op != MMAP) {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (one(op, path))
				return 1;
	} else {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail("open", path);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (map(fd, path))
				return 1;
		close(fd);
	}
	printf("%lld\n", (now_ns() - t0) / n);
	return 0;
}

/* mprotect-rate: @n events at @rate per second (0: unpaced). */
static int mprotect_rate(long rate, long n, const char *path)
{
	long long t0, due;
	struct timespec ts;
	void *p;
	long i;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap", path);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (rate > 0) {
			due = t0 + i * 1000000000LL / rate;
			ts.tv_sec = due / 1000000000LL;
			ts.tv_nsec = due % 1000000000LL;
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &ts, NULL) == EINTR)
				;
		}
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC) ||
		    mprotect(p, 4096, PROT_READ))
			return fail("mprotect", path);
	}
	printf("%lld\n", (now_ns() - t0) / n);
	munmap(p, 4096);
	close(fd);
	return 0;
}

static const struct {
	const char *cmd;
	enum op op;
	int each;
} cmds[] = {
	{ "exec-each", EXEC, 1 }, { "exec-loop", EXEC, 0 },
	{ "mmap-each", MMAP, 1 }, { "mmap-loop", MMAP, 0 },
	{ "open-each", OPEN, 1 }, { "open-loop", OPEN, 0 },
};

int main(int argc, char **argv)
{
	unsigned int i;
	long n;

	if (argc == 5 && !strcmp(argv[1], "copies") && atol(argv[4]) > 0)
		return copies(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "mprotect-rate") &&
	    atol(argv[2]) >= 0 && atol(argv[3]) > 0)
		return mprotect_rate(atol(argv[2]), atol(argv[3]), argv[4]);
	for (i = 0; argc == 4 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].cmd))
			continue;
		n = atol(argv[cmds[i].each ? 3 : 2]);
		if (n <= 0)
			break;
		return cmds[i].each ? each(cmds[i].op, argv[2], n) :
				      loop(cmds[i].op, n, argv[3]);
	}
	fprintf(stderr, "usage: see bench/kbench.c\n");
	return 2;
}
