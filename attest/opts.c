// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest's option table (attest/opts.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "evreq.h"
#include "hex.h"
#include "opts.h"
#include "replay.h"
#include "tpm.h"

struct attest_option {
	const char *name;
	int short_opt;		/* 0: long only */
	const char *arg;	/* NULL: takes no value */
	const char *help;
};

static const struct attest_option options[OPT_COUNT] = {
	[OPT_TCTI] = { "tcti", 'T', "TCTI",
		"TPM to use (default: $NSIMA_TCTI, then the TCTI loader's\n"
		"default), e.g. swtpm:host=127.0.0.1,port=2321, device:/dev/tpmrm0" },
	[OPT_LOG] = { "log", 'l', "FILE",
		"a measurement list: binary, ascii or CEL (\"-\" = stdin)" },
	[OPT_FORMAT] = { "format", 'f', "FMT",
		"the list's format: binary, ascii or cel (default: detect)" },
	[OPT_LOG_ALG] = { "log-alg", 'a', "BANK",
		"bank of a binary list's header digests (default sha1; sha256\n"
		"for binary_runtime_measurements_sha256)" },
	[OPT_NS] = { "ns", 'n', "NSID|host",
		"the namespace whose entries (or view) the list is about" },
	[OPT_REDACTED] = { "redacted", 'r', NULL,
		"with --ns: the other entries as template digests only" },
	[OPT_JSON] = { "json", 'j', NULL, "one JSON document on stdout" },
	[OPT_OUT] = { "out", 'o', "PATH", "where to write (\"-\" = stdout for a file)" },
	[OPT_TO] = { "to", 't', "FMT",
		"output format: binary, ascii, cel (JSON array) or cel-seq" },
	[OPT_BANKS] = { "banks", 'b', "LIST",
		"PCR banks to compute or write (default sha1,sha256)" },
	[OPT_PCR] = { "pcr", 'p', "N",
		"the PCR the list extends (default 11, nsima's; IMA's is 10);\n"
		"verify: the PCRs the list must replay to (N or N,M; default\n"
		"the quoted ones of 10 and 11)" },
	[OPT_QUOTED] = { "quoted", 'q', "BANK:HEX",
		"a quoted PCR value: stop at the first entry giving it (repeatable)" },
	[OPT_CHECKPOINT] = { "checkpoint", 'c', "FILE",
		"the replay state the list continues from: the verifier's own\n"
		"(verify --save-checkpoint); replay also takes the module's\n"
		"checkpoint file (entries: N, <bank>: <hex>), verify does not" },
	[OPT_NO_VERIFY] = { "no-verify", 0, NULL,
		"do not check template digests against the data" },
	[OPT_AK_DIR] = { "ak-dir", 0, "DIR",
		"the AK's key directory (ak.pub, ak.priv); created if empty" },
	[OPT_AK_ALG] = { "ak-alg", 0, "ALG",
		"rsa (RSASSA), rsapss or ecc (P-256 ECDSA) for a new AK (default rsa)" },
	[OPT_AK] = { "ak", 0, "FILE",
		"the trusted AK public key: TPM2B_PUBLIC (enroll -o, tpm2_createak -u)" },
	[OPT_SELECT] = { "select", 0, "LIST",
		"a PCR selection, e.g. sha1:11,sha256:11 (quote: what to quote,\n"
		"default that; verify: what the quote must select)" },
	[OPT_NONCE] = { "nonce", 0, "HEX", "the verifier's nonce, 1 to 64 bytes" },
	[OPT_CA] = { "ca", 0, "CERT",
		"a trusted EK CA certificate, PEM (repeatable)" },
	[OPT_CHAIN] = { "chain", 0, "CERT",
		"an intermediate certificate, PEM (repeatable)" },
	[OPT_EK_CERT] = { "ek-cert", 0, "FILE",
		"the EK certificate (PEM or DER) instead of the TPM's NV copy" },
	[OPT_QUOTE] = { "quote", 0, "FILE",
		"TPMS_ATTEST (or TPM2B_ATTEST), as tpm2_quote -m writes it" },
	[OPT_SIG] = { "sig", 0, "FILE", "TPMT_SIGNATURE, as tpm2_quote -s writes it" },
	[OPT_PCRS] = { "pcrs", 0, "FILE",
		"the quoted PCR values, as tpm2_quote -o writes them (serialized,\n"
		"its default, or -F values); none: from the list's replay" },
	[OPT_EVIDENCE] = { "evidence", 0, "FILE",
		"an evidence bundle (docs/evidence.md) instead of the files" },
	[OPT_PREV_CLOCK] = { "prev-clock", 0, "FILE",
		"the previous quote (TPMS_ATTEST) or clock JSON from this TPM" },
	[OPT_SAVE_CLOCK] = { "save-clock", 0, "FILE",
		"write this quote's clock JSON when trusted" },
	[OPT_SAVE_CHECKPOINT] = { "save-checkpoint", 0, "FILE",
		"write the replay state the quote covers when trusted" },
	[OPT_LOG_FIRST] = { "log-first", 0, "N",
		"index of the list's first entry (a list trimmed on the node;\n"
		"default 0)" },
	[OPT_ALLOW_RESUME] = { "allow-resume", 0, NULL,
		"accept a restartCount increase (TPM Resume)" },
	[OPT_ALLOW_UNPROVEN_NS] = { "allow-unproven-ns", 0, NULL,
		"accept a --ns view no ns_state proves complete (reported)" },
	[OPT_NS_CHAIN] = { "ns-chain", 0, "COUNT:HEX",
		"the namespace's ns_state count and chain at --checkpoint,\n"
		"from a previous verify" },
	[OPT_LABELS] = { "labels", 0, "DIR",
		"on the node: each namespace's container label (runtime and\n"
		"id, from DIR/ns/<nsid>/info, its cgroup and the runtime's\n"
		"state: docs/labels.md); DIR is /sys/kernel/security/nsima" },
	[OPT_AGENT] = { "agent", 0, "URL",
		"an nsimad (http://HOST:PORT or https://HOST:PORT): ask it for\n"
		"evidence over a fresh nonce (docs/nsimad.md, \"Evidence\")" },
	[OPT_CONTAINER] = { "container", 0, "NAME",
		"with --agent: the view of the namespace the agent labels with\n"
		"this container id or name (the label is the node's word;\n"
		"the verdict names the nsid)" },
	[OPT_CACERT] = { "cacert", 0, "FILE",
		"https: the CA certificate (PEM) the agent's must chain to" },
	[OPT_CERT] = { "cert", 0, "FILE",
		"https: our client certificate (PEM), for agents that ask" },
	[OPT_KEY] = { "key", 0, "FILE", "https: the client certificate's key (PEM)" },
};

static bool takes(const struct attest_cmd *cmd, enum attest_opt id)
{
	const enum attest_opt *p;

	for (p = cmd->opts; *p != OPT_END; p++)
		if (*p == id)
			return true;
	return false;
}

void attest_usage(FILE *f, const struct attest_cmd *cmd)
{
	const enum attest_opt *p;
	const char *h, *nl;
	char head[64];

	fprintf(f, "usage: nsima-attest %s %s\n", cmd->name, cmd->synopsis);
	for (p = cmd->opts; *p != OPT_END; p++) {
		const struct attest_option *o = &options[*p];

		if (o->short_opt)
			snprintf(head, sizeof(head), "-%c, --%s%s%s",
				 o->short_opt, o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(head, sizeof(head), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		for (h = o->help; h; h = nl ? nl + 1 : NULL) {
			nl = strchr(h, '\n');
			fprintf(f, "  %-24s %.*s\n", h == o->help ? head : "",
				nl ? (int)(nl - h) : (int)strlen(h), h);
		}
	}
	fprintf(f, "  %-24s %s\n", "-h, --help", "this text");
}

static int bad(const struct attest_cmd *cmd, enum attest_opt id,
	       const char *arg, const char *why, const struct nsima_err *err)
{
	attest_msg("%s: bad --%s '%s': %s", cmd->name, options[id].name, arg,
		   err && err->msg[0] ? err->msg : why);
	return NSIMA_EXIT_USAGE;
}

static int parse_u64(const char *arg, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 10);
	return errno || *end || end == arg || *arg == '-' || *v > max ? -1 : 0;
}

/* "11" or "10,11": each PCR once, 0 to 23, at most NSIMA_REPLAY_SET_MAX. */
static int parse_pcr_list(const char *arg, uint32_t *mask)
{
	unsigned int count = 0;
	char tok[8];
	size_t n;
	uint64_t u;

	*mask = 0;
	for (;;) {
		n = strcspn(arg, ",");
		if (!n || n >= sizeof(tok) || (n > 1 && arg[0] == '0') ||
		    ++count > NSIMA_REPLAY_SET_MAX)
			return -1;
		memcpy(tok, arg, n);
		tok[n] = '\0';
		if (strspn(tok, "0123456789") != n ||
		    parse_u64(tok, NSIMA_PCR_COUNT - 1, &u) ||
		    (*mask & (1u << u)))
			return -1;
		*mask |= 1u << u;
		if (!arg[n])
			return 0;
		arg += n + 1;
	}
}

static int parse_quoted(struct nsima_pcrs *q, const char *arg)
{
	const char *colon = strchr(arg, ':');
	int bank = colon ? nsima_bank_by_name(arg, (size_t)(colon - arg)) : -1;
	size_t hexlen;

	if (bank < 0)
		return -1;
	hexlen = strlen(colon + 1);
	if (hexlen != 2 * nsima_bank_size(bank) ||
	    nsima_hex_decode(colon + 1, hexlen, q->val[bank]) < 0)
		return -1;
	q->banks |= NSIMA_BANK_BIT(bank);
	return 0;
}

static int add_cert(const char **list, int *n, const char *arg)
{
	if (*n == ATTEST_CERTS_MAX)
		return -1;
	list[(*n)++] = arg;
	return 0;
}

/* The value of option @id into @a; 0 or NSIMA_EXIT_USAGE. */
static int set(const struct attest_cmd *cmd, enum attest_opt id,
	       const char *arg, struct attest_args *a)
{
	struct nsima_err err = { 0 };
	int v;

	switch (id) {
	case OPT_TCTI: a->tcti = arg; break;
	case OPT_LOG: a->log = arg; break;
	case OPT_OUT: a->out = arg; break;
	case OPT_AK_DIR: a->ak_dir = arg; break;
	case OPT_AK: a->ak = arg; break;
	case OPT_EK_CERT: a->ek_cert = arg; break;
	case OPT_QUOTE: a->quote = arg; break;
	case OPT_SIG: a->sig = arg; break;
	case OPT_PCRS: a->pcrs = arg; break;
	case OPT_EVIDENCE: a->evidence = arg; break;
	case OPT_CHECKPOINT: a->checkpoint = arg; break;
	case OPT_PREV_CLOCK: a->prev_clock = arg; break;
	case OPT_SAVE_CLOCK: a->save_clock = arg; break;
	case OPT_SAVE_CHECKPOINT: a->save_checkpoint = arg; break;
	case OPT_LABELS: a->labels = arg; break;
	case OPT_AGENT:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
			return bad(cmd, id, arg, "http://HOST:PORT or https://HOST:PORT",
				   NULL);
		a->agent = arg;
		break;
	case OPT_CONTAINER:
		if (!*arg || strlen(arg) > NSIMA_CONTAINER_NAME_MAX ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			    strlen(arg))
			return bad(cmd, id, arg, "1 to 128 bytes of [A-Za-z0-9_.-]",
				   NULL);
		a->container = arg;
		break;
	case OPT_CACERT: a->cacert = arg; break;
	case OPT_CERT: a->cert = arg; break;
	case OPT_KEY: a->key = arg; break;
	case OPT_REDACTED:
	case OPT_JSON:
	case OPT_NO_VERIFY:
	case OPT_ALLOW_RESUME:
	case OPT_ALLOW_UNPROVEN_NS:
		break;
	case OPT_FORMAT:
		v = nsima_log_format_by_name(arg);
		if (v < 0)
			return bad(cmd, id, arg, "binary, ascii or cel", NULL);
		a->fmt = (enum nsima_log_format)v;
		break;
	case OPT_TO:
		a->to_seq = !strcmp(arg, "cel-seq");
		v = a->to_seq ? NSIMA_FORMAT_CEL : nsima_log_format_by_name(arg);
		if (v <= NSIMA_FORMAT_AUTO)
			return bad(cmd, id, arg, "binary, ascii, cel or cel-seq",
				   NULL);
		a->to = (enum nsima_log_format)v;
		break;
	case OPT_LOG_ALG:
		a->log_alg = nsima_bank_by_name(arg, strlen(arg));
		if (a->log_alg < 0)
			return bad(cmd, id, arg, "sha1, sha256, sha384 or sha512",
				   NULL);
		break;
	case OPT_BANKS:
		if (nsima_banks_parse(arg, &a->banks, &err))
			return bad(cmd, id, arg, "", &err);
		break;
	case OPT_NS:
		if (nsima_nsid_parse(arg, &a->host, &a->nsid, &err))
			return bad(cmd, id, arg, "", &err);
		break;
	case OPT_PCR:
		if (parse_pcr_list(arg, &a->pcr_mask) ||
		    (strcmp(cmd->name, "verify") &&
		     __builtin_popcount(a->pcr_mask) != 1))
			return bad(cmd, id, arg,
				   strcmp(cmd->name, "verify") ? "0 to 23" :
				   "1 to 4 PCRs 0 to 23, as N or N,M", NULL);
		a->pcr = (uint32_t)__builtin_ctz(a->pcr_mask);
		break;
	case OPT_LOG_FIRST:
		if (parse_u64(arg, (uint64_t)INT64_MAX, &a->log_first))
			return bad(cmd, id, arg, "an entry index", NULL);
		break;
	case OPT_QUOTED:
		if (parse_quoted(&a->quoted, arg))
			return bad(cmd, id, arg, "BANK:HEX", NULL);
		break;
	case OPT_AK_ALG:
		a->ak_alg = attest_ak_alg_parse(arg);
		if (a->ak_alg < 0)
			return bad(cmd, id, arg, "rsa, rsapss or ecc", NULL);
		break;
	case OPT_SELECT:
		if (nsima_pcr_select_parse(arg, &a->sel, &err))
			return bad(cmd, id, arg, "", &err);
		break;
	case OPT_NONCE:
		if (nsima_nonce_parse(arg, a->nonce, &a->nonce_len))
			return bad(cmd, id, arg, "1 to 64 bytes of hex", NULL);
		break;
	case OPT_CA:
	case OPT_CHAIN:
		if (id == OPT_CA ? add_cert(a->ca, &a->nca, arg) :
				   add_cert(a->chain, &a->nchain, arg))
			return bad(cmd, id, arg, "at most 8", NULL);
		break;
	case OPT_NS_CHAIN:
		if (nsima_ns_state_parse_text(arg, &a->ns_chain, &err))
			return bad(cmd, id, arg, "", &err);
		break;
	case OPT_END:
	case OPT_COUNT:
		break;
	}
	a->given[id] = true;
	return 0;
}

static int require(const struct attest_cmd *cmd, const struct attest_args *a,
		   const enum attest_opt *need);

int attest_parse(int argc, char **argv, const struct attest_cmd *cmd,
		 struct attest_args *a)
{
	struct option longopts[OPT_COUNT + 1];
	char shorts[2 * OPT_COUNT + 2];
	size_t nl = 0, ns = 0;
	const enum attest_opt *p;
	int c, i, rc;

	memset(a, 0, sizeof(*a));
	a->log_alg = NSIMA_BANK_SHA1;
	a->banks = NSIMA_BANKS_DEFAULT;
	a->pcr = NSIMA_DEFAULT_PCR;
	a->pcr_mask = 1u << NSIMA_DEFAULT_PCR;
	a->ak_alg = ATTEST_AK_RSA;
	shorts[ns++] = ':';		/* report a missing value ourselves */
	shorts[ns++] = 'h';
	for (p = cmd->opts; *p != OPT_END; p++) {
		const struct attest_option *o = &options[*p];

		longopts[nl].name = o->name;
		longopts[nl].has_arg = o->arg ? required_argument : no_argument;
		longopts[nl].flag = NULL;
		longopts[nl].val = 256 + *p;
		nl++;
		if (o->short_opt) {
			shorts[ns++] = (char)o->short_opt;
			if (o->arg)
				shorts[ns++] = ':';
		}
	}
	longopts[nl].name = "help";
	longopts[nl].has_arg = no_argument;
	longopts[nl].flag = NULL;
	longopts[nl].val = 'h';
	memset(&longopts[nl + 1], 0, sizeof(longopts[0]));
	shorts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		if (c == 'h') {
			attest_usage(stdout, cmd);
			return -1;
		}
		if (c == '?' || c == ':') {
			attest_msg("%s: %s '%s' (see --help)", cmd->name,
				   c == ':' ? "missing value for" :
					      "unknown option",
				   argv[optind - 1]);
			return NSIMA_EXIT_USAGE;
		}
		for (i = 1; c < 256 && i < OPT_COUNT; i++)
			if (options[i].short_opt == c && takes(cmd, i)) {
				c = 256 + i;
				break;
			}
		rc = set(cmd, (enum attest_opt)(c - 256), optarg, a);
		if (rc)
			return rc;
	}
	if (optind != argc) {
		attest_msg("%s: unexpected argument '%s'", cmd->name,
			   argv[optind]);
		return NSIMA_EXIT_USAGE;
	}
	return cmd->need ? require(cmd, a, cmd->need) : 0;
}

int attest_usage_error(const struct attest_cmd *cmd, const char *why)
{
	attest_msg("%s: %s", cmd->name, why);
	return NSIMA_EXIT_USAGE;
}

static int require(const struct attest_cmd *cmd, const struct attest_args *a,
		   const enum attest_opt *need)
{
	const enum attest_opt *p;
	char list[256] = "";
	size_t len = 0;

	for (p = need; *p != OPT_END && len < sizeof(list); p++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s--%s",
					len ? ", " : "", options[*p].name);
	for (p = need; *p != OPT_END; p++)
		if (!a->given[*p]) {
			attest_msg("%s: %s %s required", cmd->name, list,
				   need[1] == OPT_END ? "is" : "are");
			return NSIMA_EXIT_USAGE;
		}
	return 0;
}
