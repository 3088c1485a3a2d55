#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cross-check nsima-attest replay against ima-evm-utils: evmctl
# ima_measurement replays a binary list itself and compares its PCRs with
# the values we give it (--pcrs <bank>,FILE, "PCR-NN <hex>" lines). It
# must accept our values and reject a value with one bit flipped.
# TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
attest=$B/bin/nsima-attest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

if ! command -v evmctl >/dev/null; then
	echo "1..0 # SKIP evmctl (ima-evm-utils) not installed"
	exit 0
fi

# pcr_file <out> <pcr index> <hex>: PCR-00..PCR-23, zero except <pcr index>
pcr_file() {
	local i zero
	zero=$(printf '%*s' ${#3} '' | tr ' ' 0)
	for i in $(seq 0 23); do
		if [ "$i" -eq "$2" ]; then
			printf 'PCR-%02d %s\n' "$i" "$3"
		else
			printf 'PCR-%02d %s\n' "$i" "$zero"
		fi
	done >"$1"
}

# flip the last hex digit
flip() {
	local last=${1: -1}
	case $last in 0) last=1 ;; *) last=0 ;; esac
	echo "${1:0:${#1}-1}$last"
}

# evmctl_ok <bank> <pcr file> <log>: does evmctl's replay match the file?
evmctl_ok() {
	evmctl ima_measurement --ignore-violations --pcrs "$1,$2" "$3" \
		>"$tmp/evmctl.log" 2>&1
}

# check <desc> <binary list> <pcr>: each bank on its own
check() {
	local desc=$1 log=$2 pcr=$3 out bank value
	if ! out=$("$attest" replay --log "$log" --pcr "$pcr" --no-verify); then
		not_ok "$desc: nsima-attest replay failed"
		return
	fi
	for bank in sha1 sha256; do
		value=$(sed -n "s/^$bank://p" <<<"$out")
		pcr_file "$tmp/pcrs" "$pcr" "$value"
		if evmctl_ok "$bank" "$tmp/pcrs" "$log"; then
			ok "$desc: evmctl agrees with our PCR $pcr $bank $value"
		else
			not_ok "$desc: evmctl disagrees with our PCR $pcr $bank $value"
			tail -n 5 "$tmp/evmctl.log" | sed 's/^/# /'
		fi
		pcr_file "$tmp/pcrs" "$pcr" "$(flip "$value")"
		if evmctl_ok "$bank" "$tmp/pcrs" "$log"; then
			not_ok "$desc: evmctl accepts a wrong $bank value (test is blind)"
		else
			ok "$desc: evmctl rejects a wrong $bank value"
		fi
	done
}

echo "1..12"
check "ibmtss sha1.log" tests/data/ibmtss/sha1.log 10

# our binary writer: ima-evm-utils' ascii sample converted by nsima-attest
"$attest" export --log tests/data/ima-evm-utils/test_ascii_runtime_measurements \
	--to binary --out "$tmp/evm.bin"
check "ima-evm-utils ascii sample written as binary" "$tmp/evm.bin" 10

# nsima-style names on PCR 11, from the fuzz seed
"$attest" export --log tests/fuzz/corpus/ascii/ns.ascii --to binary \
	--out "$tmp/ns.bin"
check "nsima namespace entries on PCR 11" "$tmp/ns.bin" 11
exit $failed
