// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-probe: a small static program for the VM tests and benchmarks.
 * Its executions are certainly real execve()s of a known file (busybox may
 * run its applets without one).
 *
 *   nsima-probe                    print the mount namespace (mnt:[N])
 *   nsima-probe mmap FILE          map FILE PROT_EXEC (mmap_file hook)
 *   nsima-probe mmap-direct FILE   the same through an O_DIRECT descriptor
 *   nsima-probe mprotect FILE      map FILE PROT_READ, then mprotect it
 *                                  PROT_READ|PROT_EXEC (file_mprotect hook)
 *   nsima-probe sethostname N      N sethostname() calls (CAP_SYS_ADMIN checks)
 *   nsima-probe exec-loop N FILE   fork+exec FILE N times; print ns per exec
 *   nsima-probe open-loop N FILE   open+close FILE N times; print ns per open
 *   nsima-probe deep-exec N FILE   from the cwd, N nested 200-byte directories
 *                                  (mkdir+chdir, so beyond PATH_MAX), copy
 *                                  FILE there as ./cc and execute it
 *   nsima-probe ns-loop N FILE     N children, each in a new mount namespace
 *                                  maps FILE PROT_EXEC and exits; prints
 *                                  how many succeeded
 *   nsima-probe cgroupns PROG ARG...  run PROG in a new cgroup namespace
 *                                  (busybox unshare has no -C)
 *   nsima-probe fsmount FSTYPE DIR  mount a new FSTYPE on DIR through the new
 *                                  mount API (fsopen, fsconfig, fsmount,
 *                                  move_mount), not mount(2)
 *   nsima-probe chroot-cat DIR FILE  chroot(DIR), then read FILE (a path in
 *                                  DIR) to stdout
 *   nsima-probe pin-map PATH       pin a new small array map at PATH (bpffs)
 *   nsima-probe kfunc-errors       the pinned kfunc_errors map: one line per
 *                                  program (enum nsima_prog): "N COUNT"
 *   nsima-probe caps CAP,... PROG ARG...  run PROG with only these
 *                                  capabilities in the bounding set (so
 *                                  root gets only these: a systemd unit's
 *                                  CapabilityBoundingSet=) and no new
 *                                  privileges; CAP names as capabilities(7)
 *                                  without CAP_, lower case
 *   nsima-probe connect ADDR PORT  one TCP connect() to ADDR (IPv4 or IPv6)
 *                                  with a 1 s timeout; prints "ok" or the
 *                                  error's name (the tests aim at addresses
 *                                  no interface routes: nothing is sent)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/mount.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <nsima/abi.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Map the first page of @path with @prot; MAP_FAILED (said) on error. */
static void *map_page(const char *path, int prot, int flags)
{
	int fd = open(path, O_RDONLY | flags);
	void *p;

	if (fd < 0) {
		fprintf(stderr, "nsima-probe: %s: %s\n", path, strerror(errno));
		return MAP_FAILED;
	}
	p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		fprintf(stderr, "nsima-probe: mmap %s: %s\n", path, strerror(errno));
	return p;
}

static int do_mmap(const char *path, int flags)
{
	void *p = map_page(path, PROT_READ | PROT_EXEC, flags);

	if (p == MAP_FAILED)
		return 1;
	munmap(p, 4096);
	return 0;
}

static int do_mprotect(const char *path)
{
	void *p = map_page(path, PROT_READ, 0);

	if (p == MAP_FAILED)
		return 1;
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC)) {
		fprintf(stderr, "nsima-probe: mprotect %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	munmap(p, 4096);
	return 0;
}

static int do_sethostname(long n)
{
	long i, fail = 0;

	for (i = 0; i < n; i++)
		if (sethostname("nsima", 5))
			fail++;
	printf("%ld\n", n - fail);
	return fail ? 1 : 0;
}

static int do_exec_loop(long n, const char *path)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return 1;
		if (!pid) {
			execl(path, path, "noop", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0)
			return 1;
	}
	printf("%lld\n", (now_ns() - t0) / n);
	return 0;
}

static int do_open_loop(long n, const char *path)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			return 1;
		close(fd);
	}
	printf("%lld\n", (now_ns() - t0) / n);
	return 0;
}

static int do_ns_loop(long n, const char *path)
{
	long i, good = 0;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return 1;
		if (!pid) {
			if (unshare(CLONE_NEWNS))
				_exit(1);
			_exit(do_mmap(path, 0));
		}
		if (waitpid(pid, &st, 0) < 0)
			return 1;
		if (WIFEXITED(st) && !WEXITSTATUS(st))
			good++;
	}
	printf("%ld\n", good);
	return good == n ? 0 : 1;
}

static int do_deep_exec(long n, const char *src)
{
	char dir[201], buf[65536];
	int in, out, st;
	ssize_t r;
	pid_t pid;
	long i;

	memset(dir, 'd', 200);
	dir[200] = '\0';
	in = open(src, O_RDONLY);
	if (in < 0)
		return 1;
	for (i = 0; i < n; i++)
		if ((mkdir(dir, 0755) && errno != EEXIST) || chdir(dir))
			return 1;
	out = open("cc", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0)
		return 1;
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, r) != r)
			return 1;
	close(in);
	close(out);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		execl("./cc", "./cc", "noop", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int do_fsmount(const char *fstype, const char *dir)
{
	int fs, mnt;

	fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
	if (fs < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		perror("nsima-probe: fsopen/fsconfig");
		return 1;
	}
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, dir,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		perror("nsima-probe: fsmount/move_mount");
		return 1;
	}
	return 0;
}

static int do_chroot_cat(const char *dir, const char *file)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (chroot(dir) || chdir("/")) {
		perror("nsima-probe: chroot");
		return 1;
	}
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		perror("nsima-probe: open");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	close(fd);
	return n < 0;
}

static int do_connect(const char *addr, const char *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 1 };
	struct sockaddr *sa;
	socklen_t len;
	int fd, v6 = !!strchr(addr, ':');

	if (v6) {
		if (inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1)
			return 2;
		a6.sin6_port = htons((unsigned short)atoi(port));
		sa = (struct sockaddr *)&a6;
		len = sizeof(a6);
	} else {
		if (inet_pton(AF_INET, addr, &a4.sin_addr) != 1)
			return 2;
		a4.sin_port = htons((unsigned short)atoi(port));
		sa = (struct sockaddr *)&a4;
		len = sizeof(a4);
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, sa, len)) {
		printf("%s\n", strerror(errno));
		close(fd);
		return 1;
	}
	printf("ok\n");
	close(fd);
	return 0;
}

/* The pinned kfunc_errors map, by the bpf(2) syscall (no libbpf here). */
/* pin-map PATH: a new 1-entry array map pinned at PATH (a stray pin) */
static int pin_map(const char *path)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0) {
		perror("nsima-probe: BPF_MAP_CREATE");
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.pathname = (__u64)(unsigned long)path;
	a.bpf_fd = (__u32)fd;
	if (syscall(__NR_bpf, BPF_OBJ_PIN, &a, sizeof(a))) {
		perror("nsima-probe: BPF_OBJ_PIN");
		return 1;
	}
	return 0;
}

static int kfunc_errors(void)
{
	union bpf_attr a;
	__u64 v;
	__u32 k;
	int fd;

	memset(&a, 0, sizeof(a));
	a.pathname = (__u64)(unsigned long)(NSIMA_BPFFS_DIR "/"
					    NSIMA_KFUNC_ERRORS_MAP);
	fd = (int)syscall(__NR_bpf, BPF_OBJ_GET, &a, sizeof(a));
	if (fd < 0) {
		perror("nsima-probe: " NSIMA_BPFFS_DIR "/" NSIMA_KFUNC_ERRORS_MAP);
		return 1;
	}
	for (k = 0; k < NSIMA_PROG_MAX; k++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (__u32)fd;
		a.key = (__u64)(unsigned long)&k;
		a.value = (__u64)(unsigned long)&v;
		if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof(a))) {
			perror("nsima-probe: lookup");
			return 1;
		}
		printf("%u %llu\n", k, (unsigned long long)v);
	}
	close(fd);
	return 0;
}

/* The capabilities caps_exec knows by name (those nsimad's unit keeps
 * and a few it drops). */
static const struct { const char *name; int cap; } cap_names[] = {
	{ "sys_admin", 21 }, { "bpf", 39 }, { "dac_read_search", 2 },
	{ "sys_ptrace", 19 }, { "perfmon", 38 }, { "net_admin", 12 },
	{ "dac_override", 1 }, { "sys_resource", 24 },
};

static int caps_exec(const char *list, char **argv)
{
	int keep[64] = { 0 }, cap;
	char copy[256], *tok, *save;
	unsigned int i;

	if (strlen(list) >= sizeof(copy)) {
		fprintf(stderr, "nsima-probe: %s: too long\n", list);
		return 2;
	}
	strcpy(copy, list);
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
			if (!strcmp(tok, cap_names[i].name))
				break;
		if (i == sizeof(cap_names) / sizeof(cap_names[0])) {
			fprintf(stderr, "nsima-probe: unknown capability %s\n", tok);
			return 2;
		}
		keep[cap_names[i].cap] = 1;
	}
	for (cap = 0; cap < 64; cap++) {
		if (keep[cap])
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL) {
			perror("nsima-probe: PR_CAPBSET_DROP");
			return 1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("nsima-probe: PR_SET_NO_NEW_PRIVS");
		return 1;
	}
	execvp(argv[0], argv);
	perror("nsima-probe: exec");
	return 127;
}

int main(int argc, char **argv)
{
	char buf[64];
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "mmap"))
		return do_mmap(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "mmap-direct"))
		return do_mmap(argv[2], O_DIRECT);
	if (argc == 3 && !strcmp(argv[1], "mprotect"))
		return do_mprotect(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "sethostname"))
		return do_sethostname(atol(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "exec-loop") && atol(argv[2]) > 0)
		return do_exec_loop(atol(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "open-loop") && atol(argv[2]) > 0)
		return do_open_loop(atol(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "ns-loop") && atol(argv[2]) > 0)
		return do_ns_loop(atol(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "deep-exec") && atol(argv[2]) > 0)
		return do_deep_exec(atol(argv[2]), argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "caps"))
		return caps_exec(argv[2], argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "cgroupns")) {
		if (unshare(CLONE_NEWCGROUP)) {
			perror("nsima-probe: unshare(CLONE_NEWCGROUP)");
			return 1;
		}
		execvp(argv[2], argv + 2);
		perror("nsima-probe: exec");
		return 127;
	}
	if (argc == 3 && !strcmp(argv[1], "pin-map"))
		return pin_map(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "kfunc-errors"))
		return kfunc_errors();
	if (argc == 2 && !strcmp(argv[1], "noop"))
		return 0;
	if (argc == 4 && !strcmp(argv[1], "fsmount"))
		return do_fsmount(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "chroot-cat"))
		return do_chroot_cat(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: see tests/e2e/probe.c\n");
		return 2;
	}
	n = readlink("/proc/self/ns/mnt", buf, sizeof(buf) - 1);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}
