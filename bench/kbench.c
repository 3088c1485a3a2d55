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
 *   nsima-kbench exec-probe R DIR N  fork+exec DIR/0..N-1 (copies), R per
 *                                    second on a fixed schedule; prints
 *                                    "x K T0 T1" per exec: the wall clock
 *                                    (CLOCK_REALTIME, ns) before its fork
 *                                    and once it exited (its entry is in
 *                                    the kernel list by then)
 *   nsima-kbench persist-watch J N S watch nsimad's journal J (its commits
 *                                    and node ascii log, every ms) for
 *                                    the entries of files ".../K" (K <
 *                                    N), up to S seconds; prints "p K T"
 *                                    per entry: T the wall clock when a
 *                                    commit covering it was seen
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

static long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long due)
{
	struct timespec ts = { due / 1000000000LL, due % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int exec_probe(long rate, const char *dir, long n)
{
	char path[PATH_MAX];
	long long t0 = now_ns(), *at = calloc(2 * n, sizeof(*at));
	long i;

	if (!at)
		return fail("calloc", dir);
	for (i = 0; i < n; i++) {
		sleep_until(t0 + i * 1000000000LL / rate);
		name(path, sizeof(path), dir, i);
		at[2 * i] = wall_ns();
		if (run(path))
			return 1;
		at[2 * i + 1] = wall_ns();
	}
	for (i = 0; i < n; i++)
		printf("x %ld %lld %lld\n", i, at[2 * i], at[2 * i + 1]);
	free(at);
	return 0;
}

/*
 * The journal's commit log: "start F ..." and "commit N ..." lines (the
 * rest of a line: sizes and a checksum). Entries F..N-1 are committed:
 * the node ascii log's first N - F lines.
 */
static int persist_watch(const char *jdir, long n, long secs)
{
	char path[PATH_MAX], line[8192];
	long long end = now_ns() + secs * 1000000000LL, *at;
	unsigned long long first = 0, committed = 0, read_lines = 0;
	long seen = 0, k, i;
	FILE *commits = NULL, *ascii = NULL;
	long cpos = 0;

	at = calloc(n, sizeof(*at));
	if (!at)
		return fail("calloc", jdir);
	while (seen < n && now_ns() < end) {
		if (!commits) {
			snprintf(path, sizeof(path), "%s/commits", jdir);
			commits = fopen(path, "r");
		}
		if (!ascii) {
			snprintf(path, sizeof(path),
				 "%s/node/ascii_runtime_measurements", jdir);
			ascii = fopen(path, "r");
		}
		if (commits) {
			struct stat st;

			/* rewritten (compacted): from its start again */
			if (!fstat(fileno(commits), &st) && st.st_size < cpos) {
				fclose(commits);
				commits = NULL;
				cpos = 0;
				continue;
			}
			clearerr(commits);
			fseek(commits, cpos, SEEK_SET);
			while (fgets(line, sizeof(line), commits) &&
			       strchr(line, '\n')) {
				cpos = ftell(commits);
				sscanf(line, "start %llu", &first);
				sscanf(line, "commit %llu", &committed);
			}
		}
		while (ascii && read_lines + first < committed) {
			long long t = wall_ns();
			char *p;

			clearerr(ascii);
			if (!fgets(line, sizeof(line), ascii) ||
			    !strchr(line, '\n'))
				break;	/* not there yet */
			read_lines++;
			line[strcspn(line, "\n")] = '\0';
			p = strstr(line, "/probe/");
			if (!p || sscanf(p + 7, "%ld", &k) != 1 || k < 0 ||
			    k >= n || at[k])
				continue;
			at[k] = t;
			seen++;
		}
		if (seen < n)
			sleep_until(now_ns() + 1000000LL);
	}
	for (i = 0; i < n; i++)
		if (at[i])
			printf("p %ld %lld\n", i, at[i]);
	free(at);
	return seen == n ? 0 : (fprintf(stderr, "nsima-kbench: %ld of %ld entries persisted in %ld s\n", seen, n, secs), 1);
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
	if (argc == 5 && !strcmp(argv[1], "exec-probe") &&
	    atol(argv[2]) > 0 && atol(argv[4]) > 0)
		return exec_probe(atol(argv[2]), argv[3], atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "persist-watch") &&
	    atol(argv[3]) > 0 && atol(argv[4]) > 0)
		return persist_watch(argv[2], atol(argv[3]), atol(argv[4]));
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
