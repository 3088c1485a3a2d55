// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-load: load nsima's BPF LSM programs with a policy, attach them
 * and pin their links under /sys/fs/bpf/nsima so they stay attached after
 * we exit.
 *
 *   nsima-load [-v] --policy FILE   load, fill the maps, attach, pin
 *   nsima-load --unpin              remove the pins (detaches the programs)
 *
 * The policy (docs/policy.md) is parsed (lib/policy.c) and turned into
 * map entries (lib/pmaps.c) before anything is loaded; its load is
 * measured first (securityfs policy: its SHA-256 and statement count in
 * the list), and only then are the maps filled and the programs attached:
 * a policy that cannot be measured is not applied.
 *
 * Exit codes: 0 ok, 1 failure (one line on stderr says what), 2 usage,
 * 3 the policy does not parse or does not fit the maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <nsima/abi.h>
#include "fileio.h"
#include "hex.h"
#include "pmaps.h"
#include "policy.h"
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

/* Maps pinned beside the links (names: include/nsima/policy_maps.h). */
static const char *const pinned_maps[] = {
	NSIMA_PM_KEYS, NSIMA_PM_LENS, NSIMA_PM_CONNECT, NSIMA_PM_NETS,
	NSIMA_PM_CAPABLE, NSIMA_PM_CGROUPS,
};
/* and NSIMA_KFUNC_ERRORS_MAP, pinned on its own (the agent's counters) */

static int unpin_all(void)
{
	struct bpf_program *prog;
	struct nsima_bpf *skel;
	char path[256];
	unsigned int i;
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
	for (i = 0; i <= sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		const char *name = i < sizeof(pinned_maps) / sizeof(pinned_maps[0]) ?
					   pinned_maps[i] : NSIMA_KFUNC_ERRORS_MAP;

		if (!pin_path(path, sizeof(path), name) &&
		    unlink(path) && errno != ENOENT) {
			fprintf(stderr, "nsima-load: %s: %s\n", path,
				strerror(errno));
			rc = 1;
		}
	}
	nsima_bpf__destroy(skel);
	return rc;
}

/*
 * Measure the policy load (securityfs policy) before it takes effect;
 * 0 once its entry is in the list.
 */
static int measure_policy(const struct nsima_policy *p)
{
	char line[128], hex[65];
	ssize_t n;
	int fd, len;

	nsima_hex_encode(p->digest, sizeof(p->digest), hex);
	len = snprintf(line, sizeof(line), "sha256:%s %zu\n", hex, p->nstmts);
	fd = open("/sys/kernel/security/" NSIMA_SECURITYFS_DIR "/"
		  NSIMA_POLICY_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nsima-load: cannot measure the policy load: securityfs %s: %s (is nsima.ko loaded?)\n",
			NSIMA_POLICY_FILE, strerror(errno));
		return -1;
	}
	n = write(fd, line, (size_t)len);
	if (n != len) {
		fprintf(stderr, "nsima-load: cannot measure the policy load: %s\n",
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	return close(fd);
}

/* One map's entries; 0 or -errno (said on stderr). */
static int fill(struct bpf_map *map, const void *keys, size_t key_size,
		const void *vals, size_t val_size, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = bpf_map__update_elem(map, (const char *)keys + i * key_size,
					   key_size,
					   (const char *)vals + i * val_size,
					   val_size, BPF_ANY);
		if (err) {
			fprintf(stderr, "nsima-load: map %s, entry %zu: %s\n",
				bpf_map__name(map), i, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The policy's entries into the loaded programs' maps. */
static int fill_maps(struct nsima_bpf *skel, const struct nsima_pmaps *m)
{
	static const uint8_t one = 1;
	uint32_t idx[NSIMA_PM_LENS_ENTRIES];
	size_t i;
	int err;

	for (i = 0; i < NSIMA_PM_LENS_ENTRIES; i++)
		idx[i] = (uint32_t)i;
	err = fill(skel->maps.pm_keys, m->keys, sizeof(m->keys[0]), m->vals,
		   sizeof(m->vals[0]), m->nkeys);
	if (!err)
		err = fill(skel->maps.pm_lens, idx, sizeof(idx[0]), m->lens,
			   sizeof(m->lens[0]), NSIMA_PM_LENS_ENTRIES);
	if (!err)
		err = fill(skel->maps.pm_connect, idx, sizeof(idx[0]),
			   m->connect, sizeof(m->connect[0]),
			   NSIMA_PM_LIST_MAX);
	if (!err)
		err = fill(skel->maps.pm_capable, idx, sizeof(idx[0]),
			   m->capable, sizeof(m->capable[0]),
			   NSIMA_PM_LIST_MAX);
	for (i = 0; !err && i < m->nnets; i++)
		err = fill(skel->maps.pm_nets, &m->nets[i], sizeof(m->nets[0]),
			   &one, sizeof(one), 1);
	for (i = 0; !err && i < m->ncgroups; i++)
		err = fill(skel->maps.pm_cgroups, &m->cgroups[i],
			   sizeof(m->cgroups[0]), &one, sizeof(one), 1);
	return err;
}

/* Parse @file and build its map entries; 0, or the exit code. */
static int read_policy(const char *file, struct nsima_policy *p,
		       struct nsima_pmaps *m)
{
	struct nsima_err err = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = nsima_read_file(file, NSIMA_POLICY_FILE_MAX, &buf, &len, &err);
	if (rc) {
		fprintf(stderr, "nsima-load: %s: %s\n", file, err.msg);
		return 1;
	}
	rc = nsima_policy_parse(buf, len, file, p, &err);
	free(buf);
	if (!rc)
		rc = nsima_pmaps_build(p, m, &err);
	if (rc) {
		fprintf(stderr, "nsima-load: %s%s\n",
			err.where == NSIMA_AT_LINE && !strncmp(err.msg, file, strlen(file)) ?
				"" : "policy: ", err.msg);
		return 3;
	}
	return 0;
}

/*
 * Programs already pinned: a second load would attach a second set (or
 * fail on the pins and, undoing itself, detach the first). A new policy
 * is a new load: --unpin first (measured again when loaded).
 */
static bool already_loaded(void)
{
	char path[256];
	struct stat st;

	return !pin_path(path, sizeof(path), "nsima_bprm_check") &&
	       !stat(path, &st);
}

/*
 * The policy maps, filled: frozen, so that nothing (the node's root
 * included) changes what the measured policy load said; a new policy is
 * a new load.
 */
static int freeze_maps(struct nsima_bpf *skel)
{
	struct bpf_map *maps[] = { skel->maps.pm_keys, skel->maps.pm_lens,
				   skel->maps.pm_connect, skel->maps.pm_capable,
				   skel->maps.pm_nets, skel->maps.pm_cgroups };
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (bpf_map_freeze(bpf_map__fd(maps[i]))) {
			fprintf(stderr, "nsima-load: freeze map %s: %s\n",
				bpf_map__name(maps[i]), strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int load_and_pin(const char *policy)
{
	struct nsima_pmaps m = { 0 };
	struct nsima_policy p = { 0 };
	struct bpf_program *prog;
	struct nsima_bpf *skel;
	struct bpf_link *link;
	char path[256];
	struct stat st;
	unsigned int i;
	int err;

	err = read_policy(policy, &p, &m);
	if (err)
		goto out;
	err = 1;
	if (already_loaded()) {
		fprintf(stderr, "nsima-load: the programs are loaded already (pinned under %s): nsima-load --unpin first\n",
			NSIMA_BPFFS_DIR);
		goto out;
	}
	/* The host is the namespace of PID 1, not necessarily ours. */
	if (stat("/proc/1/ns/mnt", &st)) {
		fprintf(stderr, "nsima-load: /proc/1/ns/mnt: %s\n", strerror(errno));
		goto out;
	}
	skel = nsima_bpf__open();
	if (!skel) {
		fprintf(stderr, "nsima-load: cannot open BPF object: %s\n",
			strerror(errno));
		goto out;
	}
	skel->rodata->host_mntns = st.st_ino;
	/* -v -v: the verifier's statistics (time, instructions) per program */
	if (verbose > 1)
		bpf_object__for_each_program(prog, skel->obj)
			bpf_program__set_log_level(prog, 4);
	if (nsima_bpf__load(skel)) {
		fprintf(stderr, "nsima-load: loading BPF programs failed: %s "
			"(is nsima.ko loaded and 'bpf' in the LSM list? -v for the verifier log)\n",
			strerror(errno));
		nsima_bpf__destroy(skel);
		goto out;
	}
	if (measure_policy(&p) || fill_maps(skel, &m) || freeze_maps(skel)) {
		nsima_bpf__destroy(skel);
		goto out;
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
	/* The policy's maps (frozen), for the agent to read. */
	for (i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(skel->obj, pinned_maps[i]);

		if (!map || pin_path(path, sizeof(path), pinned_maps[i]))
			goto fail;
		unlink(path);
		err = bpf_map__pin(map, path);
		if (err) {
			fprintf(stderr, "nsima-load: pin %s: %s\n", path,
				strerror(-err));
			goto fail;
		}
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
	err = 0;
	goto out;
fail:
	nsima_bpf__destroy(skel);
	unpin_all();
	err = 1;
out:
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
	return err;
}

int main(int argc, char **argv)
{
	const char *policy = NULL;
	int unpin = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose++;
		} else if (!strcmp(argv[i], "--unpin")) {
			unpin = 1;
		} else if (!strcmp(argv[i], "--policy") && i + 1 < argc) {
			policy = argv[++i];
		} else {
			policy = NULL;
			unpin = 0;
			break;
		}
	}
	if (i < argc || (!unpin && !policy) || (unpin && policy)) {
		fprintf(stderr, "usage: nsima-load [-v [-v]] --policy FILE | nsima-load --unpin\n");
		return 2;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(libbpf_print);
	return unpin ? unpin_all() : load_and_pin(policy);
}
