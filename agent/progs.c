// SPDX-License-Identifier: GPL-2.0
/*
 * Load, attach and pin nsima's BPF LSM programs with a policy (progs.h):
 * nsima-load's and nsimad --policy's code.
 *
 * Pins under NSIMA_BPFFS_DIR: a link per program (named after it; the
 * pin keeps it attached after the loader exits), the policy maps
 * (frozen, include/nsima/policy_maps.h, pm_info saying which policy
 * they hold), and two maps of state a new set takes over: kfunc_errors
 * (the agent's counters) and workload (which tasks are containers').
 *
 * A reload is a new set: frozen maps cannot be refilled, and 6.1's
 * tracing links (LSM programs) have no BPF_LINK_UPDATE. The new set is
 * attached beside the old one and its pins ("NAME_new") renamed over
 * the old pins: the last reference to an old link goes with its pin and
 * the old program detaches, after its successor runs.
 *
 * A load holds an exclusive flock() on the pin directory (one loader at
 * a time: two would mix their maps and links). Before it measures
 * anything it makes the directory RELOADING, removed once every pin is
 * in place: a loader that dies half way leaves it, and the next load
 * (nsimad's start, a SIGHUP) does the whole load again instead of
 * trusting pm_info. A policy entry with an all-zero digest says that no
 * programs are attached (a first load that failed after its
 * measurement, an unpin).
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/file.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <inttypes.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <nsima/abi.h>
#include "fileio.h"
#include "hex.h"
#include "progs.h"
#include "nsima.skel.h"

/* The policy maps, replaced by a reload (pm_info last: it says which). */
static const char *const policy_maps[] = {
	NSIMA_PM_KEYS, NSIMA_PM_LENS, NSIMA_PM_CONNECT, NSIMA_PM_NETS,
	NSIMA_PM_CAPABLE, NSIMA_PM_CGROUPS, NSIMA_PM_INFO,
};
/* State a reload takes over (the same maps, shared). */
static const char *const state_maps[] = {
	NSIMA_KFUNC_ERRORS_MAP, NSIMA_WORKLOAD_MAP,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define RELOADING "reloading"	/* a load under way, or one that died */

static nsima_progs_say cur_say;
static int cur_verbose;

/* libbpf's messages, a line each through the caller's say. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[1024];
	size_t n;

	if (level == LIBBPF_DEBUG && !cur_verbose)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n && cur_say)
		cur_say("%s", line);
	return 0;
}

static void setup(int verbose, nsima_progs_say say)
{
	cur_say = say;
	cur_verbose = verbose;
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(libbpf_print);
}

static int pin_path(char *buf, size_t len, const char *name,
		    const char *suffix)
{
	int n = snprintf(buf, len, "%s/%s%s", NSIMA_BPFFS_DIR, name, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * The pin directory, made, opened and locked (flock: one loader at a
 * time; 10 s at most for another to finish): its fd, or -1 (said).
 */
static int lock_pins(nsima_progs_say say)
{
	unsigned int i;
	int fd;

	if (mkdir(NSIMA_BPFFS_DIR, 0700) && errno != EEXIST) {
		say("%s: %s (is bpffs mounted?)", NSIMA_BPFFS_DIR,
		    strerror(errno));
		return -1;
	}
	fd = open(NSIMA_BPFFS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		say("%s: %s", NSIMA_BPFFS_DIR, strerror(errno));
		return -1;
	}
	for (i = 0; i < 100; i++) {
		struct timespec ts = { 0, 100000000L };

		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		if (errno != EWOULDBLOCK)
			break;
		nanosleep(&ts, NULL);
	}
	say("%s: %s", NSIMA_BPFFS_DIR, errno == EWOULDBLOCK ?
	    "another loader holds it (10 s)" : strerror(errno));
	close(fd);
	return -1;
}

static void unlock_pins(int fd)
{
	if (fd >= 0)
		close(fd);	/* the flock goes with it */
}

/*
 * The initial mount namespace's inode (the programs tell the host's
 * tasks by it): the module's status says it (host_mntns); else
 * /proc/1/ns/mnt (which takes ptrace access to PID 1). 0, or -1 (said).
 */
static int host_mntns(const char *sfs, uint64_t *ino, nsima_progs_say say)
{
	char path[4096], line[128];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/status", sfs);
	f = fopen(path, "re");
	*ino = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "host_mntns: %" SCNu64, ino) == 1)
			break;
	if (f)
		fclose(f);
	if (*ino)
		return 0;
	if (stat("/proc/1/ns/mnt", &st)) {
		say("the host's mount namespace: neither %s nor /proc/1/ns/mnt (%s) says it",
		    path, strerror(errno));
		return -1;
	}
	*ino = st.st_ino;
	return 0;
}

/* Unlink a pin: 0, or 1 (said). Nothing there, or a directory (no pin
 * of ours: we could not pin there), is no failure. */
static int unpin_one(const char *path, nsima_progs_say say)
{
	if (!unlink(path) || errno == ENOENT || errno == EISDIR)
		return 0;
	say("%s: %s", path, strerror(errno));
	return 1;
}

/* Unlink the pins of every program and map, with @suffix; 0 or 1. */
static int unpin_suffix(struct nsima_bpf *skel, const char *suffix,
			bool state_too, nsima_progs_say say)
{
	struct bpf_program *prog;
	char path[256];
	unsigned int i;
	int rc = 0;

	bpf_object__for_each_program(prog, skel->obj)
		if (!pin_path(path, sizeof(path), bpf_program__name(prog),
			      suffix))
			rc |= unpin_one(path, say);
	for (i = 0; i < N(policy_maps) + (state_too ? N(state_maps) : 0); i++) {
		const char *name = i < N(policy_maps) ?
					   policy_maps[i] :
					   state_maps[i - N(policy_maps)];

		if (!pin_path(path, sizeof(path), name, suffix))
			rc |= unpin_one(path, say);
	}
	return rc;
}

int nsima_progs_read_policy(const char *file, struct nsima_policy *p,
			    struct nsima_pmaps *m, nsima_progs_say say)
{
	struct nsima_err err = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = nsima_read_file(file, NSIMA_POLICY_FILE_MAX, &buf, &len, &err);
	if (rc) {
		say("%s: %s", file, err.msg);
		return 1;
	}
	rc = nsima_policy_parse(buf, len, file, p, &err);
	free(buf);
	if (!rc)
		rc = nsima_pmaps_build(p, m, &err);
	if (rc) {
		say("%s%s", err.where == NSIMA_AT_LINE &&
			    !strncmp(err.msg, file, strlen(file)) ? "" : "policy: ",
		    err.msg);
		nsima_pmaps_free(m);
		nsima_policy_free(p);
		return 3;
	}
	return 0;
}

/* The pinned object @name's fd, or -1 (errno). */
static int pinned_fd(const char *name)
{
	char path[256];

	if (pin_path(path, sizeof(path), name, "")) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return bpf_obj_get(path);
}

/* What the pin directory holds (pinned_state). */
struct pins {
	unsigned int entries;	/* pins and the mark (not other directories) */
	bool mark, new_left, bprm, state;
};

/* 0, or -1 (said): the directory cannot be read, nothing is assumed. */
static int pins_scan(struct pins *ps, nsima_progs_say say)
{
	DIR *d = opendir(NSIMA_BPFFS_DIR);
	struct dirent *e;
	struct stat st;
	size_t n;

	memset(ps, 0, sizeof(*ps));
	if (!d) {
		say("%s: %s", NSIMA_BPFFS_DIR, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n = strlen(e->d_name);
		ps->mark |= !strcmp(e->d_name, RELOADING);
		/* a directory is no pin: not the state of any set */
		if (e->d_type == DT_DIR && strcmp(e->d_name, RELOADING))
			continue;
		ps->entries++;
		/* a pin a dead loader left */
		ps->new_left |= n > 4 && !strcmp(e->d_name + n - 4, "_new");
		ps->bprm |= !strcmp(e->d_name, "nsima_bprm_check");
	}
	closedir(d);
	ps->state = true;
	for (n = 0; n < N(state_maps); n++) {
		char path[256];

		if (pin_path(path, sizeof(path), state_maps[n], ""))
			return -1;
		if (!stat(path, &st))
			continue;
		if (errno != ENOENT) {
			say("%s: %s", path, strerror(errno));
			return -1;
		}
		ps->state = false;
	}
	return 0;
}

/* pm_info's entry, if the pinned map is one (type and sizes): 0 or -1. */
static int read_pm_info(struct nsima_pm_info *info)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	uint32_t key = 0;
	int fd = pinned_fd(NSIMA_PM_INFO), rc = -1;

	if (fd < 0)
		return -1;
	memset(&mi, 0, sizeof(mi));
	if (!bpf_obj_get_info_by_fd(fd, &mi, &len) &&
	    mi.type == BPF_MAP_TYPE_ARRAY && mi.key_size == sizeof(key) &&
	    mi.value_size == sizeof(*info) && mi.max_entries == 1 &&
	    !bpf_map_lookup_elem(fd, &key, info))
		rc = 0;
	close(fd);
	return rc;
}

int nsima_progs_pinned(struct nsima_pm_info *info, nsima_progs_say say)
{
	struct pins ps;
	struct stat st;

	memset(info, 0, sizeof(*info));
	if (stat(NSIMA_BPFFS_DIR, &st)) {
		if (errno == ENOENT)
			return 0;
		say("%s: %s", NSIMA_BPFFS_DIR, strerror(errno));
		return -1;
	}
	if (pins_scan(&ps, say))
		return -1;
	if (!ps.entries)
		return 0;
	if (read_pm_info(info))
		memset(info, 0, sizeof(*info));
	/* a load that did not finish, or pins not all ours: unknown */
	return ps.mark || ps.new_left || !ps.bprm || !ps.state ? 2 : 1;
}

/*
 * Write "sha256:<hex> <statements>[ sha256:<programs hex>]" to
 * @sfs/policy (@programs NULL: none): 0 once measured.
 */
static int measure_policy(const char *sfs, const uint8_t digest[32],
			  uint64_t statements, const uint8_t *programs,
			  nsima_progs_say say)
{
	char line[256], hex[65], phex[65], path[4096];
	ssize_t n;
	int fd, len;

	nsima_hex_encode(digest, 32, hex);
	if (programs)
		nsima_hex_encode(programs, 32, phex);
	len = snprintf(line, sizeof(line), "sha256:%s %llu%s%s\n", hex,
		       (unsigned long long)statements,
		       programs ? " sha256:" : "", programs ? phex : "");
	snprintf(path, sizeof(path), "%s/%s", sfs, NSIMA_POLICY_FILE);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		say("cannot measure the policy load: %s: %s (is nsima.ko loaded?)",
		    path, strerror(errno));
		return -1;
	}
	n = write(fd, line, (size_t)len);
	if (n != len) {
		say("cannot measure the policy load: %s",
		    n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The policy entry that says no programs are attached. */
static int measure_none(const char *sfs, nsima_progs_say say)
{
	static const uint8_t zero[32];

	return measure_policy(sfs, zero, 0, NULL, say);
}

/* The policy entry that says the programs in force are not known. */
int nsima_progs_unknown(const char *sfs, nsima_progs_say say)
{
	uint8_t ff[32];

	memset(ff, 0xff, sizeof(ff));
	return measure_policy(sfs, ff, 0, NULL, say);
}

/*
 * Unlink every pin that is not one of this build's programs or maps
 * (@all: every pin), and NAME_new leftovers: a new build's set replaces
 * an old build's whole, hooks it no longer has included. 0, or 1.
 */
static int prune(struct nsima_bpf *skel, bool all, nsima_progs_say say)
{
	DIR *d = opendir(NSIMA_BPFFS_DIR);
	struct bpf_program *prog;
	struct dirent *e;
	char path[512];
	unsigned int i;
	bool ours;
	int rc = 0;

	if (!d) {
		say("%s: %s", NSIMA_BPFFS_DIR, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, RELOADING))
			continue;
		ours = false;
		bpf_object__for_each_program(prog, skel->obj)
			ours |= !strcmp(e->d_name, bpf_program__name(prog));
		for (i = 0; i < N(policy_maps); i++)
			ours |= !strcmp(e->d_name, policy_maps[i]);
		for (i = 0; i < N(state_maps); i++)
			ours |= !strcmp(e->d_name, state_maps[i]);
		if (ours && !all)
			continue;
		snprintf(path, sizeof(path), "%s/%s", NSIMA_BPFFS_DIR,
			 e->d_name);
		rc |= unpin_one(path, say);
	}
	closedir(d);
	return rc;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

int nsima_progs_unpin(const char *sfs, nsima_progs_say say)
{
	struct nsima_pm_info info;
	struct nsima_bpf *skel;
	char mark[256];
	int rc = 1, lock, pinned;
	bool made;

	setup(0, say);
	if (pin_path(mark, sizeof(mark), RELOADING, ""))
		return 1;
	lock = lock_pins(say);
	if (lock < 0)
		return 1;
	skel = nsima_bpf__open();
	if (!skel) {
		say("cannot open BPF object");
		goto out;
	}
	pinned = nsima_progs_pinned(&info, say);
	if (pinned < 0)
		goto out;
	if (!pinned) {
		rc = 0;
		goto out;
	}
	/* the list says that the programs go before they go; marked, so
	 * that an unpin that does not finish is no set "in force" */
	made = !mkdir(mark, 0700);
	if (!made && errno != EEXIST) {
		say("%s: %s", mark, strerror(errno));
		goto out;
	}
	if (measure_none(sfs, say)) {
		if (made)
			rmdir(mark);	/* nothing changed */
		goto out;
	}
	rc = prune(skel, true, say);
	if (rc) {
		/* some still attached, the list said none: now unknown */
		if (nsima_progs_unknown(sfs, say))
			say("the list names a policy that is not in force");
	} else if (rmdir(mark)) {
		say("%s: %s", mark, strerror(errno));
		rc = 1;
	}
out:
	nsima_bpf__destroy(skel);
	unlock_pins(lock);
	return rc;
}

/* One map's entries; 0 or -errno (said). */
static int fill(struct bpf_map *map, const void *keys, size_t key_size,
		const void *vals, size_t val_size, size_t n, nsima_progs_say say)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = bpf_map__update_elem(map, (const char *)keys + i * key_size,
					   key_size,
					   (const char *)vals + i * val_size,
					   val_size, BPF_ANY);
		if (err) {
			say("map %s, entry %zu: %s", bpf_map__name(map), i,
			    strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The policy's entries into the loaded programs' maps. */
static int fill_maps(struct nsima_bpf *skel, const struct nsima_pmaps *m,
		     const struct nsima_pm_info *info, nsima_progs_say say)
{
	static const uint8_t one = 1;
	uint32_t idx[NSIMA_PM_LENS_ENTRIES];
	size_t i;
	int err;

	for (i = 0; i < NSIMA_PM_LENS_ENTRIES; i++)
		idx[i] = (uint32_t)i;
	err = fill(skel->maps.pm_keys, m->keys, sizeof(m->keys[0]), m->vals,
		   sizeof(m->vals[0]), m->nkeys, say);
	if (!err)
		err = fill(skel->maps.pm_lens, idx, sizeof(idx[0]), m->lens,
			   sizeof(m->lens[0]), NSIMA_PM_LENS_ENTRIES, say);
	if (!err)
		err = fill(skel->maps.pm_connect, idx, sizeof(idx[0]),
			   m->connect, sizeof(m->connect[0]),
			   NSIMA_PM_LIST_MAX, say);
	if (!err)
		err = fill(skel->maps.pm_capable, idx, sizeof(idx[0]),
			   m->capable, sizeof(m->capable[0]),
			   NSIMA_PM_LIST_MAX, say);
	for (i = 0; !err && i < m->nnets; i++)
		err = fill(skel->maps.pm_nets, &m->nets[i], sizeof(m->nets[0]),
			   &one, sizeof(one), 1, say);
	for (i = 0; !err && i < m->ncgroups; i++)
		err = fill(skel->maps.pm_cgroups, &m->cgroups[i],
			   sizeof(m->cgroups[0]), &one, sizeof(one), 1, say);
	if (!err)
		err = fill(skel->maps.pm_info, idx, sizeof(idx[0]), info,
			   sizeof(*info), 1, say);
	return err;
}

/*
 * The policy maps, filled: frozen, so that nothing (the node's root
 * included) changes what the measured policy load said; a new policy is
 * a new set.
 */
static int freeze_maps(struct nsima_bpf *skel, nsima_progs_say say)
{
	unsigned int i;

	for (i = 0; i < N(policy_maps); i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(skel->obj, policy_maps[i]);

		if (!map || bpf_map_freeze(bpf_map__fd(map))) {
			say("freeze map %s: %s", policy_maps[i],
			    map ? strerror(errno) : "not in the object");
			return -1;
		}
	}
	return 0;
}

/*
 * Take over the pinned state maps: every set shares them (the workload
 * marks outlive a reload; libbpf checks that a pinned map is of the
 * same type and sizes). @made[i]: state_maps[i] was not pinned, this
 * set makes it. 0 or -1 (said).
 */
static int reuse_state(struct nsima_bpf *skel, bool made[], nsima_progs_say say)
{
	unsigned int i;

	for (i = 0; i < N(state_maps); i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(skel->obj, state_maps[i]);
		int fd = pinned_fd(state_maps[i]), err;

		made[i] = fd < 0 && errno == ENOENT;
		if (made[i])
			continue;
		if (fd < 0) {
			say("%s/%s: %s", NSIMA_BPFFS_DIR, state_maps[i],
			    strerror(errno));
			return -1;
		}
		err = map ? bpf_map__reuse_fd(map, fd) : -ENOENT;
		close(fd);
		if (err) {
			say("reuse map %s: %s", state_maps[i], strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* Pin @map as @name@suffix (an old pin of that name goes first). */
static int pin_map(struct nsima_bpf *skel, const char *name,
		   const char *suffix, nsima_progs_say say)
{
	struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, name);
	char path[256];
	int err;

	if (!map || pin_path(path, sizeof(path), name, suffix))
		return -1;
	unlink(path);
	err = bpf_map__pin(map, path);
	if (err)
		say("pin %s: %s", path, strerror(-err));
	return err;
}

/* Rename the new set's pins over the old ones; 0 or 1. */
static int swap_pins(struct nsima_bpf *skel, nsima_progs_say say)
{
	char from[256], to[256];
	struct bpf_program *prog;
	unsigned int i;
	int rc = 0;

	/* the programs first: each old one detaches as its pin goes */
	bpf_object__for_each_program(prog, skel->obj) {
		if (pin_path(from, sizeof(from), bpf_program__name(prog), "_new") ||
		    pin_path(to, sizeof(to), bpf_program__name(prog), "") ||
		    rename(from, to)) {
			say("rename %s: %s", from, strerror(errno));
			rc = 1;
		}
	}
	for (i = 0; i < N(policy_maps); i++) {
		if (pin_path(from, sizeof(from), policy_maps[i], "_new") ||
		    pin_path(to, sizeof(to), policy_maps[i], "") ||
		    rename(from, to)) {
			say("rename %s: %s", from, strerror(errno));
			rc = 1;
		}
	}
	return rc;
}

int nsima_progs_digest(uint8_t out[32], nsima_progs_say say)
{
	struct nsima_err err;
	const void *elf;
	size_t size;

	elf = nsima_bpf__elf_bytes(&size);
	if (nsima_policy_digest(elf, size, out, &err)) {
		say("the BPF object's digest: %s", err.msg);
		return -1;
	}
	return 0;
}

int nsima_progs_load(const char *sfs, const struct nsima_policy *p,
		     const struct nsima_pmaps *m, bool replace, int verbose,
		     nsima_progs_say say)
{
	struct nsima_pm_info old, info = { .statements = p->nstmts };
	struct bpf_program *prog;
	struct nsima_bpf *skel = NULL;
	struct bpf_link *link;
	bool measured = false, keep_mark = false, beside;
	bool made[N(state_maps)];
	char path[256], mark[256];
	const char *suffix;
	uint64_t mntns;
	unsigned int i;
	int pinned, err_no, lock;

	setup(verbose, say);
	memcpy(info.digest, p->digest, sizeof(info.digest));
	if (pin_path(mark, sizeof(mark), RELOADING, ""))
		return 1;
	lock = lock_pins(say);
	if (lock < 0)
		return 1;
	pinned = nsima_progs_pinned(&old, say);
	if (pinned < 0) {
		unlock_pins(lock);
		return 1;
	}
	if (pinned && !replace) {
		say("the programs are loaded already (pinned under %s): nsima-load --unpin first",
		    NSIMA_BPFFS_DIR);
		unlock_pins(lock);
		return 1;
	}
	/*
	 * Beside the pinned set, if any (NAME_new, then renamed over it);
	 * the state maps pinned are shared, those missing made.
	 */
	beside = pinned;
	suffix = beside ? "_new" : "";
	if (host_mntns(sfs, &mntns, say))
		goto fail;
	skel = nsima_bpf__open();
	if (!skel) {
		say("cannot open BPF object: %s", strerror(errno));
		goto fail;
	}
	/* which programs: measured with the policy, kept in pm_info */
	if (nsima_progs_digest(info.programs, say))
		goto fail;
	skel->rodata->host_mntns = mntns;
	/* -v -v: the verifier's statistics (time, instructions) per program */
	if (verbose > 1)
		bpf_object__for_each_program(prog, skel->obj)
			bpf_program__set_log_level(prog, 4);
	if (reuse_state(skel, made, say))
		goto fail;
	if (nsima_bpf__load(skel)) {
		say("loading BPF programs failed: %s (is nsima.ko loaded and 'bpf' in the LSM list? -v for the verifier log)",
		    strerror(errno));
		goto fail;
	}
	/* a loader that dies from here on leaves the mark: the next load
	 * is a whole one, whatever pm_info says */
	if (mkdir(mark, 0700) && errno != EEXIST) {
		say("%s: %s", mark, strerror(errno));
		goto fail;
	}
	if (measure_policy(sfs, info.digest, info.statements, info.programs,
			   say))
		goto fail;
	measured = true;
	if (fill_maps(skel, m, &info, say) || freeze_maps(skel, say))
		goto fail;
	/* the state maps nobody pinned yet */
	for (i = 0; i < N(state_maps); i++)
		if (made[i] && pin_map(skel, state_maps[i], "", say))
			goto fail;
	for (i = 0; i < N(policy_maps); i++)
		if (pin_map(skel, policy_maps[i], suffix, say))
			goto fail;
	bpf_object__for_each_program(prog, skel->obj) {
		link = bpf_program__attach(prog);
		err_no = libbpf_get_error(link);
		if (err_no) {
			say("attach %s: %s", bpf_program__name(prog),
			    strerror(-err_no));
			goto fail;
		}
		err_no = pin_path(path, sizeof(path), bpf_program__name(prog),
				  suffix);
		if (!err_no) {
			unlink(path);
			err_no = bpf_link__pin(link, path);
			if (err_no)
				say("pin %s: %s", path, strerror(-err_no));
		}
		/* The pin keeps the link attached; our fd goes (in nsimad
		 * it would keep a replaced set attached). Not pinned: the
		 * fd was its last reference, it detaches. */
		bpf_link__destroy(link);
		if (err_no)
			goto fail;
		if (verbose)
			say("%s attached, pinned at %s",
			    bpf_program__name(prog), path);
	}
	/* every old pin goes: renamed over, or an old build's extra */
	if ((beside && swap_pins(skel, say)) || prune(skel, false, say)) {
		/* part old, part new: the list cannot name what is in
		 * force; the mark stays, the next load replaces it all */
		say("the programs in force are part old, part new: the next load replaces them all");
		if (nsima_progs_unknown(sfs, say))
			say("the list names a policy that is not in force");
		nsima_bpf__destroy(skel);
		unlock_pins(lock);
		return 1;
	}
	if (rmdir(mark))
		say("%s: %s", mark, strerror(errno));	/* harmless */
	nsima_bpf__destroy(skel);
	unlock_pins(lock);
	return 0;
fail:
	/* this set goes; what was pinned before stays */
	if (skel && (beside ? unpin_suffix(skel, "_new", false, say) :
			      unpin_suffix(skel, "", true, say)))
		keep_mark = true;
	if (keep_mark) {
		/* some of this set may still be attached */
		if (nsima_progs_unknown(sfs, say))
			say("the list names a policy that is not in force");
	} else if (pinned == 1 && !measured) {
		/* nothing measured: the list still names the set in force */
	} else if (pinned == 1 && !all_zero(old.digest, sizeof(old.digest))) {
		/* the old set stays; the list's last policy is its own again */
		if (measure_policy(sfs, old.digest, old.statements,
				   all_zero(old.programs, 32) ? NULL : old.programs,
				   say)) {
			say("the list names a policy that is not in force");
			keep_mark = true;
		}
	} else if (pinned) {
		/* a set whose policy is not known (a load that did not
		 * finish, pins not all ours): the list says so */
		if (nsima_progs_unknown(sfs, say))
			say("the list names a policy that is not in force");
		keep_mark = true;
	} else if (measured && measure_none(sfs, say)) {
		/* nothing attached: the list says so */
		say("the list names a policy that is not in force");
		keep_mark = true;
	}
	if (!keep_mark)		/* pinned == 2 always keeps it */
		rmdir(mark);
	nsima_bpf__destroy(skel);
	unlock_pins(lock);
	return 1;
}
