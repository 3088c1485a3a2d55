// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-load: load nsima's BPF LSM programs, attach them and pin their
 * links under /sys/fs/bpf/nsima so they stay attached after we exit.
 *
 *   nsima-load [-v]        load, attach, pin
 *   nsima-load --unpin     remove the pins (detaches the programs)
 *
 * Exit codes: 0 ok, 1 failure (one line on stderr says what), 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>
#include <nsima/abi.h>
#include "nsima.skel.h"

static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int pin_path(char *buf, size_t len, const char *prog)
{
	int n = snprintf(buf, len, "%s/%s", NSIMA_BPFFS_DIR, prog);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int unpin_all(void)
{
	struct bpf_program *prog;
	struct nsima_bpf *skel;
	char path[256];
	int rc = 0;

	skel = nsima_bpf__open();
	if (!skel) {
		fprintf(stderr, "nsima-load: cannot open BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (pin_path(path, sizeof(path), bpf_program__name(prog)))
			continue;
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "nsima-load: %s: %s\n", path, strerror(errno));
			rc = 1;
		}
	}
	if (!pin_path(path, sizeof(path), NSIMA_KFUNC_ERRORS_MAP) &&
	    unlink(path) && errno != ENOENT) {
		fprintf(stderr, "nsima-load: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	nsima_bpf__destroy(skel);
	return rc;
}

/* Capabilities whose use inside a container is logged as an event. */
static const int watched_caps[] = {
	CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_MODULE,
	CAP_SYS_RAWIO, CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_SYS_BOOT,
	CAP_SYS_TIME, CAP_MKNOD, CAP_BPF, CAP_PERFMON,
};

static int load_and_pin(void)
{
	struct bpf_program *prog;
	struct nsima_bpf *skel;
	struct bpf_link *link;
	char path[256];
	struct stat st;
	unsigned int i;
	int err;

	/* The host is the namespace of PID 1, not necessarily ours. */
	if (stat("/proc/1/ns/mnt", &st)) {
		fprintf(stderr, "nsima-load: /proc/1/ns/mnt: %s\n", strerror(errno));
		return 1;
	}
	skel = nsima_bpf__open();
	if (!skel) {
		fprintf(stderr, "nsima-load: cannot open BPF object: %s\n",
			strerror(errno));
		return 1;
	}
	skel->rodata->host_mntns = st.st_ino;
	for (i = 0; i < sizeof(watched_caps) / sizeof(watched_caps[0]); i++)
		skel->rodata->watched_caps |= 1ULL << watched_caps[i];
	if (nsima_bpf__load(skel)) {
		nsima_bpf__destroy(skel);
		skel = NULL;
	}
	if (!skel) {
		fprintf(stderr, "nsima-load: loading BPF programs failed: %s "
			"(is nsima.ko loaded and 'bpf' in the LSM list? -v for the verifier log)\n",
			strerror(errno));
		return 1;
	}
	if (mkdir(NSIMA_BPFFS_DIR, 0700) && errno != EEXIST) {
		fprintf(stderr, "nsima-load: %s: %s (is bpffs mounted?)\n",
			NSIMA_BPFFS_DIR, strerror(errno));
		goto fail;
	}
	/* Failed kfunc calls per program, for the agent. */
	if (pin_path(path, sizeof(path), NSIMA_KFUNC_ERRORS_MAP))
		goto fail;
	unlink(path);	/* a previous load's counters */
	err = bpf_map__pin(skel->maps.kfunc_errors, path);
	if (err) {
		fprintf(stderr, "nsima-load: pin %s: %s\n", path, strerror(-err));
		goto fail;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		link = bpf_program__attach(prog);
		err = libbpf_get_error(link);
		if (err) {
			fprintf(stderr, "nsima-load: attach %s: %s\n",
				bpf_program__name(prog), strerror(-err));
			goto fail;
		}
		if (pin_path(path, sizeof(path), bpf_program__name(prog)))
			goto fail;
		err = bpf_link__pin(link, path);
		if (err) {
			fprintf(stderr, "nsima-load: pin %s: %s\n", path,
				strerror(-err));
			bpf_link__destroy(link);
			goto fail;
		}
		/* The pin keeps the link; our reference goes with the process. */
		if (verbose)
			fprintf(stderr, "nsima-load: %s attached, pinned at %s\n",
				bpf_program__name(prog), path);
	}
	nsima_bpf__destroy(skel);
	return 0;
fail:
	nsima_bpf__destroy(skel);
	unpin_all();
	return 1;
}

int main(int argc, char **argv)
{
	int unpin = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "--unpin")) {
			unpin = 1;
		} else {
			fprintf(stderr, "usage: nsima-load [-v] [--unpin]\n");
			return 2;
		}
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(libbpf_print);
	return unpin ? unpin_all() : load_and_pin();
}
