#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate the known-answer quotes in tests/data/quote-{rsa,rsapss,ecc}/
# with a fresh swtpm (see tests/data/README.md). Run from anywhere:
#   tests/data/quote-gen.sh [build dir]
# The new captures differ from the committed ones (new keys, clock,
# signatures); tests/unit/test_quote.c pins clock/resetCount/AK-name values
# from the committed capture and must be updated with them.
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
attest=$B/bin/nsima-attest
. tests/integration/swtpm.inc

NONCE=6e73696d612d6b6e6f776e2d616e7377	# "nsima-known-answ"
swtpm_init
swtpm_ca ca
swtpm_new tpm ca
swtpm_start tpm
export TPM2TOOLS_TCTI=$tpm_tcti
# PCR 11: one extend of 0x11.. (sha1) and 0x22.. (sha256)
tpm2_pcrextend "11:sha1=$(printf '11%.0s' $(seq 20)),sha256=$(printf '22%.0s' $(seq 32))"
for alg in rsa rsapss ecc; do
	rm -rf "tests/data/quote-$alg"
	"$attest" quote -T "$tpm_tcti" --ak-dir "$SWTPM_TMP/ak-$alg" \
		--ak-alg "$alg" --select sha1:11,sha256:11 --nonce "$NONCE" \
		-o "tests/data/quote-$alg"
	echo "$NONCE" >"tests/data/quote-$alg/nonce"
	chmod 644 tests/data/quote-$alg/*
done
