// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-load: load nsima's BPF LSM programs with a policy, attach them
 * and pin their links under /sys/fs/bpf/nsima so they stay attached after
 * we exit.
 *
 *   nsima-load [-v] --policy FILE   load, fill the maps, attach, pin
 *   nsima-load --unpin              remove the pins (detaches the programs;
 *                                   measured: a policy entry with an
 *                                   all-zero digest)
 *
 * The policy (docs/policy.md) is parsed (lib/policy.c) and turned into
 * map entries (lib/pmaps.c) before anything is loaded; its load is
 * measured first (securityfs policy: its SHA-256 and statement count in
 * the list), and only then are the maps filled and the programs attached:
 * a policy that cannot be measured is not applied (agent/progs.c, which
 * nsimad --policy shares).
 *
 * Exit codes: 0 ok, 1 failure (one line on stderr says what), 2 usage,
 * 3 the policy does not parse or does not fit the maps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <nsima/abi.h>
#include "progs.h"

static int verbose;

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("nsima-load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int load(const char *policy)
{
	struct nsima_pmaps m = { 0 };
	struct nsima_policy p = { 0 };
	int rc;

	rc = nsima_progs_read_policy(policy, &p, &m, say);
	if (rc)
		return rc;
	rc = nsima_progs_load("/sys/kernel/security/" NSIMA_SECURITYFS_DIR, &p,
			      &m, false, verbose, say);
	nsima_pmaps_free(&m);
	nsima_policy_free(&p);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: nsima-load [-v [-v]] --policy FILE | nsima-load --unpin\n"
"Loads nsima's BPF LSM programs (built in) with a policy, attaches them\n"
"and pins them under /sys/fs/bpf/nsima, where they stay attached after\n"
"it exits (docs/policy.md). nsima.ko must be loaded: the policy's load\n"
"is measured first (an entry with its SHA-256), then applied.\n"
"  --policy FILE   load, fill the policy maps, attach, pin\n"
"  --unpin         remove the pins: the programs detach (measured: a\n"
"                  policy entry with an all-zero digest)\n"
"  -v              say each step (-v -v: libbpf's messages too)\n"
"  -h, --help      this text\n"
"nsimad --policy does the same and keeps the programs current (SIGHUP).\n"
"Exit status: 0 done, 1 failure (one line says what), 2 usage, 3 the\n"
"policy does not parse or does not fit the maps.\n");
}

int main(int argc, char **argv)
{
	const char *policy = NULL;
	int unpin = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-v")) {
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
		usage(stderr);
		return 2;
	}
	return unpin ? nsima_progs_unpin("/sys/kernel/security/" NSIMA_SECURITYFS_DIR,
					 say) : load(policy);
}
