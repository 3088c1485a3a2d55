/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsima-attest's one option table (attest/opts.c). An option name, and its
 * short form, means one thing in every subcommand, as in evmctl and
 * tpm2-tools: each command lists the options it takes, the table parses
 * and checks their values into one struct attest_args, and --help is
 * printed from the table.
 */
#ifndef NSIMA_ATTEST_OPTS_H
#define NSIMA_ATTEST_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "log_format.h"
#include "nsstate.h"
#include "quote.h"
#include "replay.h"

enum attest_opt {
	OPT_END = 0,
	OPT_TCTI,		/* -T TCTI */
	OPT_LOG,		/* -l FILE: a measurement list */
	OPT_FORMAT,		/* -f FMT: its format */
	OPT_LOG_ALG,		/* -a BANK: its header digests' bank */
	OPT_NS,			/* -n NSID|host */
	OPT_REDACTED,		/* -r */
	OPT_JSON,		/* -j */
	OPT_OUT,		/* -o PATH */
	OPT_TO,			/* -t FMT */
	OPT_BANKS,		/* -b LIST */
	OPT_PCR,		/* -p N */
	OPT_QUOTED,		/* -q BANK:HEX (repeatable) */
	OPT_CHECKPOINT,		/* -c FILE: a replay state to continue from */
	OPT_NO_VERIFY,
	OPT_AK_DIR,		/* an AK's key directory (quote, enroll) */
	OPT_AK_ALG,
	OPT_AK,			/* the trusted AK public key file (verify) */
	OPT_SELECT,		/* a PCR selection */
	OPT_NONCE,
	OPT_CA,			/* repeatable */
	OPT_CHAIN,		/* repeatable */
	OPT_EK_CERT,
	OPT_QUOTE,
	OPT_SIG,
	OPT_PCRS,		/* a file of quoted PCR values */
	OPT_EVIDENCE,
	OPT_PREV_CLOCK,
	OPT_SAVE_CLOCK,
	OPT_SAVE_CHECKPOINT,
	OPT_LOG_FIRST,
	OPT_ALLOW_RESUME,
	OPT_ALLOW_UNPROVEN_NS,
	OPT_NS_CHAIN,
	OPT_LABELS,		/* the node's securityfs dir: container labels */
	OPT_AGENT,		/* an nsimad's URL */
	OPT_CONTAINER,		/* a container, by its label at the agent */
	OPT_CACERT,		/* TLS: the CA the agent's certificate chains to */
	OPT_CERT,		/* TLS: our client certificate */
	OPT_KEY,		/* TLS: its key */
	OPT_COUNT
};

#define ATTEST_CERTS_MAX	8

/* Every option's value, checked; @given says which were on the line. */
struct attest_args {
	bool given[OPT_COUNT];
	const char *tcti, *log, *out, *ak_dir, *ak, *ek_cert, *quote, *sig;
	const char *pcrs, *evidence, *checkpoint, *prev_clock, *save_clock;
	const char *save_checkpoint, *labels;
	const char *agent, *container, *cacert, *cert, *key;
	const char *ca[ATTEST_CERTS_MAX], *chain[ATTEST_CERTS_MAX];
	int nca, nchain;
	enum nsima_log_format fmt, to;
	bool to_seq;			/* --to cel-seq */
	int log_alg;			/* default sha1 */
	unsigned int banks;		/* default sha1,sha256 */
	uint32_t pcr;			/* --pcr, the lowest if several */
	uint32_t pcr_mask;		/* --pcr, every one given */
	struct nsima_pcrs quoted;
	int ak_alg;
	struct nsima_pcr_select sel;
	uint8_t nonce[NSIMA_QUOTE_NONCE_MAX];
	size_t nonce_len;
	bool host;
	uint64_t nsid;
	struct nsima_ns_state ns_chain;
	uint64_t log_first;
};

struct attest_cmd {
	const char *name;
	const char *synopsis;		/* after "nsima-attest <name> " */
	const enum attest_opt *opts;	/* ends with OPT_END */
	const enum attest_opt *need;	/* required ones, ends with OPT_END */
};

/*
 * Parse @argv for @cmd into @a. Returns 0, -1 after --help (printed on
 * stdout: exit 0), or NSIMA_EXIT_USAGE after one line on stderr (an
 * option @cmd does not take, a bad value, an extra argument, a required
 * option missing).
 */
int attest_parse(int argc, char **argv, const struct attest_cmd *cmd,
		 struct attest_args *a);
/* "usage: ..." and one line per option of @cmd, from the table. */
void attest_usage(FILE *f, const struct attest_cmd *cmd);
/* One line "<cmd>: <why>" on stderr; NSIMA_EXIT_USAGE. */
int attest_usage_error(const struct attest_cmd *cmd, const char *why);

#endif /* NSIMA_ATTEST_OPTS_H */
