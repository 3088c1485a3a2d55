#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nsima-attest verify as a drop-in verifier for evidence made the ordinary
# tpm2-tools way: tpm2_createek/tpm2_createak (RSA and ECC AKs),
# tpm2_quote with its default serialized PCR file (-o), with -F values,
# and with no PCR file at all; quotes of PCR 10 (a public IMA list,
# tests/data/ibmtss/sha1.log, extended into a real swtpm) and PCR 11 (an
# nsima list), and of both with the two lists in one. No --select, no
# --pcr: the quote says what it covers, and every quoted PCR of IMA's 10
# and nsima's 11 must replay (--pcr is the verifier's requirement; a PCR
# outside them is never taken unless it says so). The verdicts
# equal tpm2_checkquote's; tampered variants fail with their categories
# (docs/nsima-attest.md). swtpm on loopback only, killed on exit.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
attest=$B/bin/nsima-attest
mklog=$B/tests/bin/mklog
. tests/integration/tap.inc

need_tools swtpm swtpm_setup tpm2_createek tpm2_createak tpm2_quote tpm2_checkquote tpm2_pcrextend tpm2_flushcontext
need_built "$attest" "$mklog"

. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP
export TPM2TOOLS_TCTI

# swtpm has no resource manager: drop transient objects and sessions
flush() { tpm2_flushcontext -t >/dev/null 2>&1; tpm2_flushcontext -s >/dev/null 2>&1; }

# extend_file <file of "PCR:sha1=..,sha256=.." lines>, 16 per call
extend_file() {
	local args=() line
	while read -r line; do
		args+=("$line")
		if [ ${#args[@]} -eq 16 ]; then
			tpm2_pcrextend "${args[@]}" >/dev/null || return 1
			args=()
		fi
	done <"$1"
	[ ${#args[@]} -eq 0 ] || tpm2_pcrextend "${args[@]}" >/dev/null
}

start=$SECONDS
swtpm_ca ca && swtpm_new A ca && swtpm_start A || {
	echo "not ok 1 - cannot set up swtpm"
	echo "1..1"
	exit 1
}
TPM2TOOLS_TCTI=$A_tcti
ok "swtpm on 127.0.0.1:$A_port ($((SECONDS - start))s)"

# The AKs, as tpm2-tools makes them (ak.pub: TPM2B_PUBLIC)
tpm2_createek -c "$T/ek.ctx" -G rsa -u "$T/ek.pub" >/dev/null; flush
for alg in rsa ecc; do
	case $alg in rsa) s=rsassa ;; ecc) s=ecdsa ;; esac
	tpm2_createak -C "$T/ek.ctx" -c "$T/ak-$alg.ctx" -G $alg -g sha256 -s $s \
		-u "$T/ak-$alg.pub" -n "$T/ak-$alg.name" >/dev/null
	rc=$?
	flush
	if [ $rc = 0 ]; then ok "tpm2_createak -G $alg"; else not_ok "tpm2_createak -G $alg"; fi
done

# PCR 10: a public IMA list (362 entries); PCR 11: an nsima list
"$mklog" extends tests/data/ibmtss/sha1.log >"$T/ima.ext"
cp tests/data/ibmtss/sha1.log "$T/ima.log"
"$mklog" gen 40 "$T/nsima.log" >/dev/null
"$mklog" extends "$T/nsima.log" >"$T/nsima.ext"
if extend_file "$T/ima.ext" && extend_file "$T/nsima.ext"; then
	ok "PCR 10 extended with the IMA list's $(wc -l <"$T/ima.ext") entries, PCR 11 with nsima's $(wc -l <"$T/nsima.ext")"
else
	not_ok "extend PCRs 10 and 11"
fi
flush

N=$(head -c 20 /dev/urandom | xxd -p)
N2=$(head -c 20 /dev/urandom | xxd -p)

# quote_sel <dir> <ak> <selection> [tpm2_quote options]: quote.msg,
# quote.sig (and what the options add) in <dir>, with the nonce $N
quote_sel() {
	local d=$1 ak=$2 sel=$3 rc
	shift 3
	mkdir -p "$d"
	tpm2_quote -c "$T/ak-$ak.ctx" -l "$sel" -q "$N" -g sha256 \
		-m "$d/quote.msg" -s "$d/quote.sig" "$@" >/dev/null
	rc=$?
	flush
	return $rc
}

# quote <dir> <alg> <pcr> <serialized|values|none>: sha1 and sha256 banks
quote() {
	local d=$1 o=()
	case $4 in
	serialized) o=(-o "$d/pcrs") ;;
	values) o=(-o "$d/pcrs" -F values) ;;
	esac
	quote_sel "$d" "$2" "sha1:$3+sha256:$3" "${o[@]}"
}

# v <dir> <alg> <log> [options]: no --pcr, no --select
v() {
	local d=$1 alg=$2 log=$3 p=()
	shift 3
	[ -f "$d/pcrs" ] && p=(--pcrs "$d/pcrs")
	"$attest" verify --quote "$d/quote.msg" --sig "$d/quote.sig" "${p[@]}" \
		--ak "$T/ak-$alg.pub" --nonce "$N" --log "$log" "$@"
}

# checkquote <dir> <alg> <pcr> <fmt> [nonce]: tpm2_checkquote's verdict
# (a values file needs the selection, a serialized one has it)
checkquote() {
	local f=()
	case $4 in
	serialized) f=(-f "$1/pcrs") ;;
	values) f=(-f "$1/pcrs" -F values -l "sha1:$3+sha256:$3") ;;
	esac
	tpm2_checkquote -u "$T/ak-$2.pub" -m "$1/quote.msg" -s "$1/quote.sig" \
		"${f[@]}" -g sha256 -q "${5:-$N}" >"$T/checkquote.out" 2>&1
}

agree() { # agree <desc> <nsima exit> <checkquote exit>
	if { [ "$2" = 0 ] && [ "$3" = 0 ]; } || { [ "$2" != 0 ] && [ "$3" != 0 ]; }; then
		ok "tpm2_checkquote agrees: $1"
	else
		not_ok "tpm2_checkquote disagrees: $1 (nsima $2, tpm2_checkquote $3)" \
			"$(tail -n 3 "$T/checkquote.out")"
	fi
}

for alg in rsa ecc; do
	for pcr in 10 11; do
		[ $pcr = 10 ] && log=$T/ima.log want=362 || log=$T/nsima.log want=40
		for fmt in serialized values none; do
			d=$T/q-$alg-$pcr-$fmt
			expect "tpm2_quote $alg PCR $pcr, PCR file $fmt" 0 quote "$d" $alg $pcr $fmt
			expect "... verify, no --select, no --pcr" 0 v "$d" $alg "$log"
			grep_out "... all $want entries covered" \
				"^trusted: sha1:$pcr,sha256:$pcr signed by (rsassa|ecdsa)/sha256 AK; .*PCR $pcr log( \(not nsima's PCR 11: --pcr 11 requires it\))?: $want entries covered, 0 pending$"
			checkquote "$d" $alg $pcr $fmt
			agree "$alg PCR $pcr $fmt: trusted" 0 $?
		done
	done
done

# --- the same evidence, tampered: the same categories -------------------
d=$T/q-rsa-10-serialized
expect "another nonce" 5 "$attest" verify --quote "$d/quote.msg" --sig "$d/quote.sig" \
	--pcrs "$d/pcrs" --ak "$T/ak-rsa.pub" --nonce "$N2" --log "$T/ima.log" --pcr 10
checkquote "$d" rsa 10 serialized "$N2"
agree "another nonce: bad" 5 $?
expect "ECC AK for an RSA quote" 4 v "$d" ecc "$T/ima.log" --pcr 10
checkquote "$d" ecc 10 serialized
agree "another AK: bad" 4 $?
cp -r "$d" "$T/q-flip" && printf '\x00' | dd of="$T/q-flip/pcrs" bs=1 seek=$((136 + 4 + 2)) conv=notrunc 2>/dev/null
expect "a PCR value changed in the serialized file" 6 v "$T/q-flip" rsa "$T/ima.log" --pcr 10
checkquote "$T/q-flip" rsa 10 serialized
agree "changed PCR value: bad" 6 $?
"$mklog" edit "$T/ima.log" "$T/ima-del" delete 100
expect "an IMA entry deleted (serialized PCR file)" 7 v "$d" rsa "$T/ima-del" --pcr 10
expect "... (values PCR file)" 7 v "$T/q-rsa-10-values" rsa "$T/ima-del" --pcr 10
expect "... (no PCR file: no prefix hashes to pcrDigest)" 7 v "$T/q-rsa-10-none" rsa "$T/ima-del" --pcr 10
grep_out "... says so" "never reaches the quoted PCR 10: .*no prefix hashes to the quote's pcrDigest [0-9a-f]{64}"
"$mklog" edit "$T/ima.log" "$T/ima-cont" content 5 "another file"
expect "an IMA entry's content changed" 8 v "$T/q-rsa-10-none" rsa "$T/ima-cont" --pcr 10
expect "a PCR 10 quote, no --pcr: IMA's PCR 10 replayed" 0 v "$d" rsa "$T/ima.log"
grep_out "... named in the verdict, not nsima's" "; PCR 10 log \(not nsima's PCR 11: --pcr 11 requires it\): 362 entries covered, 0 pending$"
expect "... a namespace's view is of nsima's entries: PCR 11 required" 7 v "$d" rsa "$T/ima.log" --ns 4026532114
grep_out "... says so" "the quote does not cover PCR 11"
expect "... a verifier that requires nsima's PCR 11 (--pcr 11): not covered" 7 v "$d" rsa "$T/ima.log" --pcr 11
grep_out "... says so" "the quote does not cover PCR 11"
"$mklog" edit "$T/nsima.log" "$T/nsima-as10" pcr 0 10 pcr 1 10 pcr 2 10
expect "... a list whose entries 0-2 were moved to PCR 10: the rest not vouched for" 15 \
	v "$d" rsa "$T/nsima-as10"
expect "the nsima list against the PCR 10 quote" 15 v "$d" rsa "$T/nsima.log"
grep_out "... its entries extend PCR 11" "^not-vouched: .*entry 0 .*extends PCR 11, which the replay does not cover \(PCR 10\)"
expect "--select as policy: the quote selects PCR 10, 11 is required" 6 \
	v "$d" rsa "$T/ima.log" --select sha1:11,sha256:11
expect "--select as policy: what it selects" 0 v "$d" rsa "$T/ima.log" --select sha1:10,sha256:10 --pcr 10

# A quote of PCRs 10 and 11: both must replay, whichever list comes; one
# list carrying both (IMA's and nsima's entries) is replayed per PCR.
d=$T/q-both
quote_sel "$d" rsa "sha1:10,11+sha256:10,11" -o "$d/pcrs"
expect "a quote of PCRs 10 and 11, the nsima list alone" 7 v "$d" rsa "$T/nsima.log"
grep_out "... PCR 10 misses: says no entry extends it" "never reaches the quoted PCRs 10\+11: PCR 10 sha256 after the last is 0{64}, quoted [0-9a-f]{64}.*; no entry extends PCR 10"
expect "... the IMA list alone" 7 v "$d" rsa "$T/ima.log"
grep_out "... PCR 11 misses" "never reaches the quoted PCRs 10\+11: PCR 11 sha256"
cat "$T/ima.log" "$T/nsima.log" >"$T/both.log"
cat "$T/nsima.log" "$T/ima.log" >"$T/both2.log"
expect "... both lists in one (IMA's first), no flag" 0 v "$d" rsa "$T/both.log"
grep_out "... 402 covered" "^trusted: sha1:10,11,sha256:10,11 .*; PCRs 10\+11 log: 402 entries covered, 0 pending$"
expect "... nsima's first" 0 v "$d" rsa "$T/both2.log"
"$attest" export --log "$T/both.log" --to cel -o "$T/both.cel" >/dev/null
expect "... as a CEL list" 0 v "$d" rsa "$T/both.cel"
expect "... --json names both" 0 v "$d" rsa "$T/both.log" --json
grep_out "... log_pcrs [10,11]" '"log_pcrs":\[10,11\],"covered":402'
"$mklog" edit "$T/both.log" "$T/both-del" delete 380
expect "... an nsima entry deleted" 7 v "$d" rsa "$T/both-del"
"$mklog" edit "$T/both.log" "$T/both-move" pcr 5 11
expect "... an IMA entry moved to PCR 11" 7 v "$d" rsa "$T/both-move"
expect "... --pcr 11, the nsima list" 0 v "$d" rsa "$T/nsima.log" --pcr 11
grep_out "... 40 covered" "^trusted: sha1:10,11,sha256:10,11 .*PCR 11 log: 40 entries covered, 0 pending$"
expect "... --pcr 10, the IMA list" 0 v "$d" rsa "$T/ima.log" --pcr 10
expect "... --pcr 11, the IMA list: its entries are PCR 10's" 15 v "$d" rsa "$T/ima.log" --pcr 11
expect "... --pcr 11, both lists: IMA's entries not vouched for" 15 v "$d" rsa "$T/both.log" --pcr 11
mv "$d/pcrs" "$d/pcrs.saved"
expect "... without the PCR file, both lists: derived from the replay" 0 v "$d" rsa "$T/both.log"
expect "... without the PCR file: PCR 10 cannot come from the nsima list" 6 v "$d" rsa "$T/nsima.log" --pcr 11
grep_out "... says what to give" "the quote selects other PCRs than those replayed, whose values the list cannot give: give them \(--pcrs\)"

# The node chooses what it quotes: a PCR it can reset (16), extended with
# a clean-looking list, is not a measurement-list PCR.
"$mklog" gen 5 "$T/fake.log" >/dev/null
"$mklog" edit "$T/fake.log" "$T/fake16.log" pcr 0 16 pcr 1 16 pcr 2 16 pcr 3 16 pcr 4 16
"$mklog" extends "$T/fake16.log" >"$T/fake16.ext"
tpm2_pcrreset 16 >/dev/null && extend_file "$T/fake16.ext"; flush
d=$T/q-16
quote_sel "$d" rsa "sha1:16+sha256:16"
expect "a quote of PCR 16 (resettable) with a list made for it: refused" 7 v "$d" rsa "$T/fake16.log"
grep_out "... not a list PCR unless the verifier says" "the quote \(sha1:16,sha256:16\) covers neither IMA's PCR 10 nor nsima's PCR 11: --pcr says which PCR carries the list"
expect "... unless the verifier names it (--pcr 16)" 0 v "$d" rsa "$T/fake16.log" --pcr 16
# A SHA-1-only quote: only with the verifier's --select
d=$T/q-sha1
quote_sel "$d" rsa "sha1:11"
expect "a quote of PCR 11 in SHA-1 alone: refused" 6 v "$d" rsa "$T/nsima.log"
grep_out "... says so" "the quote covers PCR 11 in SHA-1 alone \(sha1:11\); --select accepts that"
expect "... accepted with --select sha1:11" 0 v "$d" rsa "$T/nsima.log" --select sha1:11
: >"$T/empty"
expect "an empty list" 3 v "$T/q-rsa-11-none" rsa "$T/empty"

# The other public IMA lists in tests/data (ascii, as Keylime and evmctl
# read them), each on a TPM of its own: PCR 10 quote, no PCR file, no flag.
i=0
for log in tests/data/keylime/measurements.ascii \
	tests/data/ima-evm-utils/test_ascii_runtime_measurements; do
	i=$((i + 1))
	swtpm_new P$i ca && swtpm_start P$i || { not_ok "swtpm P$i"; continue; }
	eval TPM2TOOLS_TCTI=\$P${i}_tcti
	tpm2_createek -c "$T/ek.ctx" -G rsa -u "$T/ek.pub" >/dev/null; flush
	tpm2_createak -C "$T/ek.ctx" -c "$T/ak-p$i.ctx" -G rsa -g sha256 -s rsassa \
		-u "$T/ak-p$i.pub" >/dev/null; flush
	"$mklog" extends "$log" >"$T/p$i.ext" && extend_file "$T/p$i.ext"; flush
	d=$T/q-p$i
	quote_sel "$d" p$i sha1:10+sha256:10
	expect "$(basename "$log") against a PCR 10 quote, no PCR file, no flag" 0 \
		v "$d" p$i "$log"
	grep_out "... its $(wc -l <"$T/p$i.ext") entries covered" \
		"PCR 10 log( \(.*\))?: $(wc -l <"$T/p$i.ext") entries covered, 0 pending$"
done

echo "# total $((SECONDS - start))s"
echo "1..$n"
exit $failed
