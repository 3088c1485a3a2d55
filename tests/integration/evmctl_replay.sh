#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cross-check nsima-attest replay against ima-evm-utils: evmctl
# ima_measurement replays a binary list itself and compares its PCRs with
# the values we give it (--pcrs <bank>,FILE, "PCR-NN <hex>" lines). It
# must accept our values and reject a value with one bit flipped.
# Then the cases where the two disagree, each asserted both ways
# (docs/nsima-attest.md, "evmctl"):
#   - a sha256 PCR built from zero-padded SHA-1 template digests: evmctl
#     accepts it ("SHA1 padded"), nsima-attest wants each bank's own hash
#     of the template data (7);
#   - entries after the quoted value: both stop at the first match, but
#     evmctl does not look at the rest, so a tampered entry there passes;
#     nsima-attest checks every template digest it is given (8).
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

echo "1..19"
check "ibmtss sha1.log" tests/data/ibmtss/sha1.log 10

# our binary writer: ima-evm-utils' ascii sample converted by nsima-attest
"$attest" export --log tests/data/ima-evm-utils/test_ascii_runtime_measurements \
	--to binary --out "$tmp/evm.bin"
check "ima-evm-utils ascii sample written as binary" "$tmp/evm.bin" 10

# nsima-style names on PCR 11, from the fuzz seed
"$attest" export --log tests/fuzz/corpus/ascii/ns.ascii --to binary \
	--out "$tmp/ns.bin"
check "nsima namespace entries on PCR 11" "$tmp/ns.bin" 11

# --- where evmctl and nsima-attest disagree -------------------------------
mklog=$B/tests/bin/mklog
cat >"$tmp/spec" <<'EOF'
aggregate boot-1
file /usr/lib/systemd/systemd systemd 252
file 4026532114:/usr/bin/curl curl 8.5.0
event 4026532114 exec {"argv":["curl"],"path":"/usr/bin/curl"}
file 4026532200:/bin/sh dash 0.5.12
file 4026532114:/usr/lib/x86_64-linux-gnu/libssl.so.3 libssl 3.0.11
EOF
"$mklog" build "$tmp/spec" "$tmp/six.bin"
# the sha256 bank extended with each entry's SHA-1 template digest + 12
# zero bytes, as kernels without a sha256 template hash did
padded=$(python3 - "$tmp/six.bin" <<'EOF'
import hashlib, struct, sys
b = open(sys.argv[1], "rb").read()
off, pcr = 0, bytes(32)
while off < len(b):
    digest = b[off + 4:off + 24]
    off += 24
    off += 4 + struct.unpack_from("<I", b, off)[0]
    off += 4 + struct.unpack_from("<I", b, off)[0]
    pcr = hashlib.sha256(pcr + digest + bytes(12)).digest()
print(pcr.hex())
EOF
)
pcr_file "$tmp/pcrs" 11 "$padded"
if evmctl_ok sha256 "$tmp/pcrs" "$tmp/six.bin" && grep -q "SHA1 padded" "$tmp/evmctl.log"; then
	ok "evmctl accepts a sha256 PCR of zero-padded SHA-1 template digests"
else
	not_ok "evmctl accepts a sha256 PCR of zero-padded SHA-1 template digests"
fi
"$attest" replay --log "$tmp/six.bin" --quoted "sha256:$padded" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 7 ]; then
	ok "nsima-attest rejects it: replay cannot reach the quoted value (exit 7)"
else
	not_ok "nsima-attest rejects the padded SHA-1 sha256 PCR: exit $rc, want 7"
fi
full=$("$attest" replay --log "$tmp/six.bin" | sed -n 's/^sha256://p')
"$attest" replay --log "$tmp/six.bin" --quoted "sha256:$full" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^covered: 6" "$tmp/out"; then
	ok "... and accepts the real sha256 value of the same list"
else
	not_ok "nsima-attest accepts the real sha256 value: exit $rc"
fi

# the quote was taken before the last entry was extended: both replay
# until the quoted value (evmctl: "succeed at entry 5")
"$mklog" edit "$tmp/six.bin" "$tmp/five.bin" tail 5
five=$("$attest" replay --log "$tmp/five.bin" | sed -n 's/^sha256://p')
pcr_file "$tmp/pcrs" 11 "$five"
if evmctl_ok sha256 "$tmp/pcrs" "$tmp/six.bin"; then
	ok "evmctl accepts a list with an entry after the quoted value"
else
	not_ok "evmctl accepts a list with an entry after the quoted value"
fi
"$attest" replay --log "$tmp/six.bin" --quoted "sha256:$five" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^covered: 5" "$tmp/out" && grep -q "^pending: 1" "$tmp/out"; then
	ok "nsima-attest accepts it: 5 entries covered, 1 pending"
else
	not_ok "nsima-attest: covered 5, pending 1: exit $rc"
fi
# ... but evmctl stops reading there: a pending entry whose template data
# was changed still passes. nsima-attest checks every entry it is given.
"$mklog" edit "$tmp/six.bin" "$tmp/six-bad.bin" content 5 "libssl with a backdoor"
if evmctl_ok sha256 "$tmp/pcrs" "$tmp/six-bad.bin"; then
	ok "evmctl accepts a tampered entry after the quoted value"
else
	not_ok "evmctl accepts a tampered entry after the quoted value"
fi
"$attest" replay --log "$tmp/six-bad.bin" --quoted "sha256:$five" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 8 ] && grep -q "entry 5: sha1 template digest mismatch" "$tmp/out"; then
	ok "nsima-attest rejects it: template digest mismatch at entry 5 (exit 8)"
else
	not_ok "nsima-attest rejects the tampered pending entry: exit $rc, want 8"
	sed 's/^/# /' "$tmp/out"
fi
exit $failed
