// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest: verify nsima evidence. One subcommand per file, over
 * libnsima; this file only dispatches and maps errors to exit codes.
 */
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "fileio.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* One line per command. */
static const struct command commands[] = {
	{ "replay", cmd_replay, "replay a measurement list to PCR values" },
	{ "show", cmd_show, "print a measurement list, or one namespace of it" },
	{ "export", cmd_export, "convert a list, or redact it for one namespace" },
	{ "quote", cmd_quote, "quote PCRs with an attestation key (TPM)" },
	{ "verify", cmd_verify, "check a quote (and a log) against a nonce and an AK" },
	{ "enroll", cmd_enroll, "trust an AK: EK certificate + credential activation" },
	{ "fetch", cmd_fetch, "ask an nsimad for evidence over a fresh nonce" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *const exit_names[NSIMA_EXIT_MAX + 1] = {
	[NSIMA_EXIT_OK] = "ok",
	[NSIMA_EXIT_INTERNAL] = "internal-error",
	[NSIMA_EXIT_USAGE] = "usage",
	[NSIMA_EXIT_MALFORMED] = "malformed",
	[NSIMA_EXIT_BAD_SIGNATURE] = "bad-signature",
	[NSIMA_EXIT_NONCE] = "nonce-mismatch",
	[NSIMA_EXIT_PCR_DIGEST] = "pcr-digest-mismatch",
	[NSIMA_EXIT_REPLAY] = "replay-unreachable",
	[NSIMA_EXIT_TEMPLATE_DIGEST] = "template-digest-mismatch",
	[NSIMA_EXIT_POLICY] = "policy-violation",
	[NSIMA_EXIT_ROLLBACK] = "reset-or-rollback",
	[NSIMA_EXIT_NAMESPACE] = "namespace-attribution",
	[NSIMA_EXIT_IO] = "io-error",
	[NSIMA_EXIT_NS_INCOMPLETE] = "ns-incomplete",
	[NSIMA_EXIT_NS_STATE_MISSING] = "ns-state-missing",
	[NSIMA_EXIT_NOT_VOUCHED] = "not-vouched",
};

const char *attest_exit_name(int code)
{
	if (code < 0 || code > NSIMA_EXIT_MAX)
		return "unknown";
	return exit_names[code];
}

int attest_exit_code(int errcode)
{
	switch (errcode) {
	case NSIMA_OK:
		return NSIMA_EXIT_OK;
	case NSIMA_EINVAL:
		return NSIMA_EXIT_USAGE;
	case NSIMA_EMALFORMED:
	case NSIMA_EUNSUPPORTED:
	case NSIMA_EGAP:
		return NSIMA_EXIT_MALFORMED;
	case NSIMA_EIO:
		return NSIMA_EXIT_IO;
	case NSIMA_EDIGEST:
		return NSIMA_EXIT_TEMPLATE_DIGEST;
	case NSIMA_EUNREACHABLE:
		return NSIMA_EXIT_REPLAY;
	case NSIMA_ENAMESPACE:
		return NSIMA_EXIT_NAMESPACE;
	case NSIMA_ESIGNATURE:
		return NSIMA_EXIT_BAD_SIGNATURE;
	case NSIMA_ENONCE:
		return NSIMA_EXIT_NONCE;
	case NSIMA_EPCRDIGEST:
		return NSIMA_EXIT_PCR_DIGEST;
	case NSIMA_EROLLBACK:
		return NSIMA_EXIT_ROLLBACK;
	case NSIMA_EPOLICY:
		return NSIMA_EXIT_POLICY;
	case NSIMA_ENSINCOMPLETE:
		return NSIMA_EXIT_NS_INCOMPLETE;
	case NSIMA_ENSUNPROVEN:
		return NSIMA_EXIT_NS_STATE_MISSING;
	case NSIMA_ENOTVOUCHED:
		return NSIMA_EXIT_NOT_VOUCHED;
	}
	return NSIMA_EXIT_INTERNAL;
}

void attest_error(const char *input, const struct nsima_err *err)
{
	char line[NSIMA_ERR_MSG_MAX + 512];

	fprintf(stderr, "nsima-attest: %s\n",
		nsima_err_format(err, input, line, sizeof(line)));
}

void attest_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("nsima-attest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	size_t i;
	int c;

	fprintf(f, "usage: nsima-attest <command> [options]\n"
		   "       nsima-attest <command> --help\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\nexit codes:\n");
	for (c = 0; c <= NSIMA_EXIT_MAX; c++)
		fprintf(f, "  %2d %s\n", c, exit_names[c]);
}

/*
 * A signal that ends the process leaves no temporary output behind; a
 * mapped input that shrinks under us (SIGBUS) is an I/O error, not a
 * crash.
 */
static void on_signal(int sig)
{
	static const char msg[] =
		"nsima-attest: an input file shrank while it was read\n";

	nsima_wfile_unlink_on_signal();
	if (sig == SIGBUS) {
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(NSIMA_EXIT_IO);
		_exit(NSIMA_EXIT_IO);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGBUS };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int main(int argc, char **argv)
{
	size_t i;

	catch_signals();
	if (argc < 2) {
		usage(stderr);
		return NSIMA_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return NSIMA_EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	attest_msg("unknown command '%s' (try --help)", argv[1]);
	return NSIMA_EXIT_USAGE;
}
