#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nsima-attest quote / verify / enroll against real swtpm TPMs (started
# here on free loopback ports, killed on exit), cross-checked with
# tpm2_checkquote. Every failure kind must give its own exit code:
#   4 bad signature (another TPM's AK, untrusted EK), 5 nonce (a replayed
#   quote), 6 PCR digest, 7 replay, 8 template digest, 10 reset, 12 I/O.
# TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
attest=$B/bin/nsima-attest
. tests/integration/tap.inc

need_tools swtpm swtpm_setup tpm2_checkquote tpm2_pcrextend python3
need_built "$attest"

. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP

# checkquote <dir> <ak.pub> <nonce>: tpm2_checkquote's verdict (0 = good)
checkquote() {
	TPM2TOOLS_TCTI=$A_tcti tpm2_flushcontext -t >/dev/null 2>&1
	tpm2_checkquote -u "$2" -m "$1/quote.bin" -s "$1/sig.bin" \
		-f "$1/pcrs" -l sha1:11+sha256:11 -g sha256 -q "$3" \
		>"$T/checkquote.out" 2>&1
}

# agree <desc> <want: 0 good / 1 bad> <dir> <ak.pub> <nonce>
agree() {
	local rc
	checkquote "$3" "$4" "$5"
	rc=$?
	if { [ "$2" -eq 0 ] && [ "$rc" -eq 0 ]; } ||
		{ [ "$2" -ne 0 ] && [ "$rc" -ne 0 ]; }; then
		ok "tpm2_checkquote agrees: $1"
	else
		not_ok "tpm2_checkquote disagrees: $1 (exit $rc)" \
			"$(tail -n 3 "$T/checkquote.out")"
	fi
}

verify() { # verify <dir> <trusted ak> <nonce> [more options]
	local d=$1 ak=$2 nonce=$3
	shift 3
	"$attest" verify --quote "$d/quote.bin" --sig "$d/sig.bin" \
		--pcrs "$d/pcrs" --ak "$ak" --nonce "$nonce" "$@"
}

start=$SECONDS
# Two TPMs with their own local CAs (not /var/lib/swtpm-localca).
swtpm_ca caA && swtpm_ca caB &&
	swtpm_new A caA && swtpm_new B caB && swtpm_start A && swtpm_start B || {
	echo "not ok 1 - cannot set up swtpm"
	exit 1
}
caA="--ca $T/caA/ca/swtpm-localca-rootca-cert.pem --chain $T/caA/ca/issuercert.pem"
caB="--ca $T/caB/ca/swtpm-localca-rootca-cert.pem --chain $T/caB/ca/issuercert.pem"
ok "two swtpm TPMs on 127.0.0.1:$A_port and :$B_port ($((SECONDS - start))s)"

# --- enroll -----------------------------------------------------------
# shellcheck disable=SC2086
expect "enroll RSA AK of TPM A (EK cert chains to CA A, credential activated)" 0 \
	"$attest" enroll -T "$A_tcti" --ak-dir "$T/akA-rsa" --ak-alg rsa $caA -o "$T/trustA-rsa.pub"
grep_out "enroll names the AK" "^enrolled: AK 000b[0-9a-f]{64} "
if cmp -s "$T/trustA-rsa.pub" "$T/akA-rsa/ak.pub"; then
	ok "trusted AK file is the AK public"
else
	not_ok "trusted AK file is the AK public"
fi
# shellcheck disable=SC2086
expect "enroll ECC AK of TPM A" 0 \
	"$attest" enroll -T "$A_tcti" --ak-dir "$T/akA-ecc" --ak-alg ecc $caA -o "$T/trustA-ecc.pub"
# shellcheck disable=SC2086
expect "enroll RSA AK of TPM B with CA B" 0 \
	"$attest" enroll -T "$B_tcti" --ak-dir "$T/akB-rsa" $caB -o "$T/trustB-rsa.pub"
# shellcheck disable=SC2086
expect "enroll refuses TPM A's EK certificate under CA B" 4 \
	"$attest" enroll -T "$A_tcti" --ak-dir "$T/akA-rsa" $caB -o "$T/x.pub"
grep_out "... because it does not chain" "does not chain to --ca"
TPM2TOOLS_TCTI=$B_tcti tpm2_nvread 0x1c00002 -o "$T/ekB.der" >/dev/null 2>&1
# shellcheck disable=SC2086
expect "enroll refuses TPM B's (valid) EK certificate presented by TPM A" 4 \
	"$attest" enroll -T "$A_tcti" --ak-dir "$T/akA-rsa" --ek-cert "$T/ekB.der" $caB -o "$T/x.pub"
grep_out "... because TPM A's EK is not the certified key" "not the certified key"
if [ -e "$T/x.pub" ]; then not_ok "no trusted AK written on failure"; else ok "no trusted AK written on failure"; fi

# --- quotes -----------------------------------------------------------
TPM2TOOLS_TCTI=$A_tcti tpm2_pcrextend \
	"11:sha1=$(printf 'ab%.0s' $(seq 20)),sha256=$(printf 'cd%.0s' $(seq 32))" >/dev/null
N1=$(head -c 20 /dev/urandom | xxd -p)
N2=$(head -c 20 /dev/urandom | xxd -p)
for alg in rsa ecc; do
	t0=$(date +%s%N)
	expect "quote PCR 11 (sha1+sha256) with $alg AK" 0 \
		"$attest" quote -T "$A_tcti" --ak-dir "$T/akA-$alg" --nonce "$N1" -o "$T/qA-$alg"
	t1=$(date +%s%N)
	expect "verify $alg quote with the enrolled AK" 0 verify "$T/qA-$alg" "$T/trustA-$alg.pub" "$N1"
	t2=$(date +%s%N)
	grep_out "verdict line says trusted" "^trusted: sha1:11,sha256:11 signed by "
	echo "# $alg: quote command $(((t1 - t0) / 1000000)) ms, verify command $(((t2 - t1) / 1000000)) ms"
	agree "$alg quote is good" 0 "$T/qA-$alg" "$T/trustA-$alg.pub" "$N1"
	expect "verify $alg bundle (--evidence)" 0 "$attest" verify --evidence "$T/qA-$alg/evidence.json" \
		--ak "$T/trustA-$alg.pub" --nonce "$N1" --json
	grep_out "--json says trusted" '^\{"result":"trusted","exit":0,'
done
expect "quote with a new RSA-PSS AK" 0 \
	"$attest" quote -T "$A_tcti" --ak-dir "$T/akA-pss" --ak-alg rsapss --nonce "$N1" -o "$T/qA-pss"
expect "verify the RSA-PSS quote" 0 verify "$T/qA-pss" "$T/qA-pss/ak.pub" "$N1"
expect "an existing AK directory keeps its algorithm" 2 \
	"$attest" quote -T "$A_tcti" --ak-dir "$T/akA-ecc" --ak-alg rsa --nonce "$N1" -o "$T/x"

# Old quote replayed against a new nonce.
expect "replayed quote (old nonce) is rejected" 5 verify "$T/qA-rsa" "$T/trustA-rsa.pub" "$N2"
grep_out "... as nonce-mismatch" "^nonce-mismatch: "
agree "replayed quote is bad" 1 "$T/qA-rsa" "$T/trustA-rsa.pub" "$N2"

# A quote from TPM B presented as TPM A's.
expect "quote by TPM B" 0 "$attest" quote -T "$B_tcti" --ak-dir "$T/akB-rsa" --nonce "$N1" -o "$T/qB"
expect "TPM B's quote against TPM A's AK is rejected" 4 verify "$T/qB" "$T/trustA-rsa.pub" "$N1"
grep_out "... as bad-signature" "^bad-signature: .*does not verify"
agree "TPM B's quote under TPM A's AK is bad" 1 "$T/qB" "$T/trustA-rsa.pub" "$N1"
cp -r "$T/qA-rsa" "$T/qA-swap" && cp "$T/qB/ak.pub" "$T/qA-swap/ak.pub" &&
	python3 - "$T/qA-swap/evidence.json" "$T/qB/ak.pub" <<-'EOF'
	import base64, json, sys
	ev = json.load(open(sys.argv[1]))
	ev["quote"]["ak_public"] = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
	json.dump(ev, open(sys.argv[1], "w"))
	EOF
expect "bundle naming another AK than the enrolled one is rejected" 4 \
	"$attest" verify --evidence "$T/qA-swap/evidence.json" --ak "$T/trustA-rsa.pub" --nonce "$N1"
# The same key, its TPM attributes changed: a key that is not restricted
# could sign a forged TPMS_ATTEST.
cp -r "$T/qA-rsa" "$T/qA-attr" &&
	python3 - "$T/qA-attr/evidence.json" <<-'EOF'
	import base64, json, sys
	ev = json.load(open(sys.argv[1]))
	pub = bytearray(base64.b64decode(ev["quote"]["ak_public"]))
	pub[7] &= ~0x01		# TPMA_OBJECT restricted (bit 16)
	ev["quote"]["ak_public"] = base64.b64encode(bytes(pub)).decode()
	json.dump(ev, open(sys.argv[1], "w"))
	EOF
expect "bundle naming the AK with other attributes (not restricted) is rejected" 4 \
	"$attest" verify --evidence "$T/qA-attr/evidence.json" --ak "$T/trustA-rsa.pub" --nonce "$N1"
grep_out "... as bad-signature" "^bad-signature: .*is not the trusted AK"
# A PEM key cannot say it is a restricted TPM key: refused.
tpm2_print -t TPM2B_PUBLIC -f pem "$T/trustA-rsa.pub" >"$T/trustA-rsa.pem" 2>/dev/null
expect "a PEM AK (the same key) is refused" 4 verify "$T/qA-rsa" "$T/trustA-rsa.pem" "$N1"
grep_out "... says why" "^bad-signature: .*bare public key"
# Values beside the quoted ones, shown as if quoted: refused.
cp -r "$T/qA-rsa" "$T/qA-extra" &&
	python3 - "$T/qA-extra/evidence.json" <<-'EOF'
	import json, sys
	ev = json.load(open(sys.argv[1]))
	ev["pcrs"]["sha256"]["12"] = "00" * 32
	json.dump(ev, open(sys.argv[1], "w"))
	EOF
expect "bundle with a value the quote does not select" 6 \
	"$attest" verify --evidence "$T/qA-extra/evidence.json" --ak "$T/trustA-rsa.pub" --nonce "$N1"
grep_out "... named" "^pcr-digest-mismatch: .*sha256 PCR 12 is given, but the quote does not select it"

# PCR values that do not hash to pcrDigest: extended after the quote.
TPM2TOOLS_TCTI=$A_tcti tpm2_pcrextend "11:sha1=$(printf '01%.0s' $(seq 20)),sha256=$(printf '02%.0s' $(seq 32))" >/dev/null
cp -r "$T/qA-rsa" "$T/qA-later"
TPM2TOOLS_TCTI=$A_tcti tpm2_flushcontext -t >/dev/null 2>&1
TPM2TOOLS_TCTI=$A_tcti tpm2_pcrread sha1:11+sha256:11 -o "$T/qA-later/pcrs" >/dev/null
expect "PCR values read after a later extend are rejected" 6 verify "$T/qA-later" "$T/trustA-rsa.pub" "$N1"
grep_out "... as pcr-digest-mismatch" "^pcr-digest-mismatch: .*quote says"
agree "later PCR values are bad" 1 "$T/qA-later" "$T/trustA-rsa.pub" "$N1"
expect "a quote that does not select what the verifier asked" 6 \
	verify "$T/qA-rsa" "$T/trustA-rsa.pub" "$N1" --select sha256:10,sha256:11

# Reset: clock of a good quote, then a reboot (swtpm restart, Startup CLEAR).
expect "quote before the reset" 0 "$attest" quote -T "$A_tcti" --ak-dir "$T/akA-rsa" --nonce "$N1" -o "$T/r1"
expect "verify it and save its clock" 0 verify "$T/r1" "$T/trustA-rsa.pub" "$N1" --save-clock "$T/clock.json"
expect "next quote, same boot" 0 "$attest" quote -T "$A_tcti" --ak-dir "$T/akA-rsa" --nonce "$N2" -o "$T/r2"
expect "same boot passes --prev-clock" 0 verify "$T/r2" "$T/trustA-rsa.pub" "$N2" --prev-clock "$T/clock.json"
swtpm_stop A
swtpm_start A || not_ok "restart swtpm A"
expect "quote after the reset (AK reloaded under the EK)" 0 \
	"$attest" quote -T "$A_tcti" --ak-dir "$T/akA-rsa" --nonce "$N2" -o "$T/r3"
expect "reset TPM is reported" 10 verify "$T/r3" "$T/trustA-rsa.pub" "$N2" --prev-clock "$T/clock.json"
grep_out "... as reset-or-rollback with the counts" "^reset-or-rollback: .*resetCount [0-9]+ -> [0-9]+"
expect "the previous quote itself serves as --prev-clock" 10 \
	verify "$T/r3" "$T/trustA-rsa.pub" "$N2" --prev-clock "$T/r1/quote.bin"
expect "rollback: an older-boot quote after a newer one" 10 \
	verify "$T/r1" "$T/trustA-rsa.pub" "$N1" --prev-clock "$T/r3/quote.bin"
grep_out "... names the rollback" "went back"

# --- a measurement list against the quote (TPM B, PCR 11 still zero) --
python3 - "$T" <<-'EOF'
	# Two ima-ng entries for PCR 11, binary list (little-endian), and the
	# template digests each bank extends with.
	import hashlib, struct, sys
	t = sys.argv[1]
	def entry(path, content):
	    d = b"sha256:\0" + hashlib.sha256(content).digest()
	    name = path.encode() + b"\0"
	    data = struct.pack("<I", len(d)) + d + struct.pack("<I", len(name)) + name
	    rec = struct.pack("<I", 11) + hashlib.sha1(data).digest() + \
	        struct.pack("<I", 6) + b"ima-ng" + struct.pack("<I", len(data)) + data
	    return rec, hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()
	e1 = entry("/usr/bin/true", b"one")
	e2 = entry("4026532123:/bin/sh", b"two")
	open(t + "/log1", "wb").write(e1[0])
	open(t + "/log2", "wb").write(e1[0] + e2[0])
	bad = bytearray(e1[0]); bad[-3] ^= 1
	open(t + "/logbad", "wb").write(bytes(bad))
	open(t + "/logother", "wb").write(e2[0])
	open(t + "/ext1", "w").write("11:sha1=%s,sha256=%s" % (e1[1], e1[2]))
	EOF
TPM2TOOLS_TCTI=$B_tcti tpm2_pcrextend "$(cat "$T/ext1")" >/dev/null
expect "quote TPM B after one logged extend" 0 \
	"$attest" quote -T "$B_tcti" --ak-dir "$T/akB-rsa" --nonce "$N1" -o "$T/qL"
expect "log replays to the quoted PCR" 0 verify "$T/qL" "$T/trustB-rsa.pub" "$N1" --log "$T/log1"
grep_out "... covering its one entry" "log: 1 entries covered, 0 pending"
expect "an entry logged but not yet extended is pending, not an error" 0 \
	verify "$T/qL" "$T/trustB-rsa.pub" "$N1" --log "$T/log2" --json
grep_out "... and counted" '"covered":1,"pending":1'
expect "tampered template data is a template digest mismatch" 8 \
	verify "$T/qL" "$T/trustB-rsa.pub" "$N1" --log "$T/logbad"
grep_out "... at entry 0" "^template-digest-mismatch: .*entry 0"
expect "a log that never reaches the quoted PCR" 7 \
	verify "$T/qL" "$T/trustB-rsa.pub" "$N1" --log "$T/logother"
python3 - "$T/qL/evidence.json" "$T/log2" "$T/qL/evidence-log.json" <<-'EOF'
	import base64, json, sys
	ev = json.load(open(sys.argv[1]))
	ev["log"] = {"format": "binary", "alg": "sha1", "first_index": 0,
	             "data": base64.b64encode(open(sys.argv[2], "rb").read()).decode()}
	json.dump(ev, open(sys.argv[3], "w"))
	ev["checkpoint"] = {"pcr": 11, "next": 1, "pcrs": {"sha1": "00" * 20, "sha256": "00" * 32}}
	json.dump(ev, open(sys.argv[3] + ".cp", "w"))
	del ev["checkpoint"]
	ev["log"]["data"] = ""
	json.dump(ev, open(sys.argv[3] + ".empty", "w"))
	EOF
"$attest" export --log "$T/log2" --to cel --out "$T/log2.cel"
python3 - "$T/qL/evidence.json" "$T/log2.cel" "$T/qL/evidence-cel.json" <<-'EOF'
	import base64, json, sys
	ev = json.load(open(sys.argv[1]))
	ev["log"] = {"format": "cel", "alg": "sha1", "first_index": 0,
	             "data": base64.b64encode(open(sys.argv[2], "rb").read()).decode()}
	json.dump(ev, open(sys.argv[3], "w"))
	recs = json.load(open(sys.argv[2]))
	ev["log"]["data"] = base64.b64encode(json.dumps(recs[1:]).encode()).decode()
	json.dump(ev, open(sys.argv[3] + ".gap", "w"))
	ev["log"]["first_index"] = 1
	json.dump(ev, open(sys.argv[3] + ".from1", "w"))
	EOF
expect "bundle with its log" 0 "$attest" verify --evidence "$T/qL/evidence-log.json" \
	--ak "$T/trustB-rsa.pub" --nonce "$N1"
grep_out "... covered 1, pending 1" "log: 1 entries covered, 1 pending"
expect "bundle's own checkpoint is not trusted without the verifier's" 3 \
	"$attest" verify --evidence "$T/qL/evidence-log.json.cp" --ak "$T/trustB-rsa.pub" --nonce "$N1"
expect "bundle with an empty list" 3 "$attest" verify --evidence "$T/qL/evidence-log.json.empty" \
	--ak "$T/trustB-rsa.pub" --nonce "$N1"
grep_out "... says so" "^malformed: evidence log.data: empty: no entries$"
expect "bundle with a CEL list" 0 "$attest" verify --evidence "$T/qL/evidence-cel.json" \
	--ak "$T/trustB-rsa.pub" --nonce "$N1"
expect "... whose records start at 1 but the bundle says 0" 3 "$attest" verify \
	--evidence "$T/qL/evidence-cel.json.gap" --ak "$T/trustB-rsa.pub" --nonce "$N1"
grep_out "... says so" "the list's records start at 1, not 0"
expect "... and says 1 (no entry 0: the replay cannot start)" 3 "$attest" verify \
	--evidence "$T/qL/evidence-cel.json.from1" --ak "$T/trustB-rsa.pub" --nonce "$N1"
expect "--save-checkpoint with a bundle without a list" 2 "$attest" verify \
	--evidence "$T/qL/evidence.json" --ak "$T/trustB-rsa.pub" --nonce "$N1" --save-checkpoint "$T/x.cp"

# --- usage and I/O ----------------------------------------------------
expect "no TPM listening is an I/O error" 12 \
	"$attest" quote -T "swtpm:host=127.0.0.1,port=1" --ak-dir "$T/akA-rsa" --nonce "$N1" -o "$T/x"
expect "malformed quote file" 3 verify "$T/qA-rsa" "$T/trustA-rsa.pub" "$N1" --sig "$T/qA-rsa/quote.bin"
expect "missing --nonce is a usage error" 2 "$attest" verify --evidence "$T/qL/evidence.json" --ak "$T/trustB-rsa.pub"

echo "# total $((SECONDS - start))s"
echo "1..$n"
exit $failed
