#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tampering detection, named. A realistic nsima list (host and container
# ima-ng entries, an ima-buf event, a violation) is built with libnsima
# (build/tests/bin/mklog), its template digests extended into PCR 11 of a
# real swtpm, quoted with nsima-attest quote; then every kind of tampering
# must be rejected by nsima-attest verify with its own exit code and a
# verdict line naming what is known (docs/nsima-attest.md):
#   8 template digest mismatch at entry N (ns, path)
#   7 replay cannot reach the quoted PCR (deleted, inserted, swapped,
#     head/tail truncated, another boot or machine)
#   5 nonce, 4 signature (another TPM's AK), 6 PCR digest,
#   11 namespace attribution (redacted views, --ns), 10 TPM reset,
#   13 a namespace's view contradicts its ns_state (an own entry withheld),
#   14 no ns_state proves the view complete,
#   15 an entry the quote cannot vouch for (another PCR's, or redacted in
#     a whole-list verify);
#   and what the node writes cannot start a replay (its checkpoint file),
#   nor can a quote of a PCR's initial value vouch for a list.
# TAP output; swtpm on loopback only, killed on exit.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
attest=$B/bin/nsima-attest
mklog=$B/tests/bin/mklog
. tests/integration/tap.inc

need_tools swtpm swtpm_setup tpm2_pcrextend tpm2_flushcontext jq
need_built "$attest" "$mklog"

. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP

# jq_out <desc> <jq boolean expression> over the last (JSON) output
jq_out() {
	if jq -e "$2" "$T/out" >/dev/null 2>&1; then
		ok "$1"
	else
		not_ok "$1: jq '$2' is false" "$(head -c 800 "$T/out")"
	fi
}

# extend <tpm tcti> <file of "sha1=..,sha256=.." lines>: PCR 11, in order
extend() {
	local line
	while read -r line; do
		TPM2TOOLS_TCTI=$1 tpm2_pcrextend "11:$line" >/dev/null || return 1
		TPM2TOOLS_TCTI=$1 tpm2_flushcontext -t >/dev/null 2>&1
	done <"$2"
}

v() { # v <quote dir> <nonce> [options]: verify against TPM A's AK
	local d=$1 nonce=$2
	shift 2
	"$attest" verify --quote "$d/quote.bin" --sig "$d/sig.bin" \
		--pcrs "$d/pcrs" --ak "$T/akA/ak.pub" --nonce "$nonce" "$@"
}

start=$SECONDS
swtpm_ca caA && swtpm_ca caB && swtpm_new A caA && swtpm_new B caB &&
	swtpm_start A && swtpm_start B || {
	echo "not ok 1 - cannot set up swtpm"
	exit 1
}
ok "two swtpm TPMs on 127.0.0.1:$A_port and :$B_port ($((SECONDS - start))s)"

# The node's list: boot aggregate, host files, two containers, an event
# and a violation (ToMToU on /etc/passwd in 4026532114).
cat >"$T/spec" <<'EOF'
aggregate boot-1-machine-A
file /usr/lib/systemd/systemd systemd 252
file /usr/bin/containerd-shim-runc-v2 shim 1.7
file 4026532114:/usr/bin/curl curl 8.5.0
event 4026532114 exec {"argv":["curl","-s","http://203.0.113.7/x"],"path":"/usr/bin/curl","uid":0}
file 4026532200:/bin/sh dash 0.5.12
violation 4026532114:/etc/passwd
file 4026532114:/usr/lib/x86_64-linux-gnu/libssl.so.3 libssl 3.0.11
file 4026532200:/usr/sbin/nginx nginx 1.24
EOF
sed 's/boot-1-machine-A/boot-2-machine-A/' "$T/spec" >"$T/spec2"
expect "build the list with libnsima (9 entries)" 0 "$mklog" build "$T/spec" "$T/log" "$T/ext"
expect "same list, another boot (other nsima_aggregate)" 0 "$mklog" build "$T/spec2" "$T/log2" "$T/ext2"
if extend "$A_tcti" "$T/ext" && extend "$B_tcti" "$T/ext2"; then
	ok "PCR 11 of A extended with the list's 9 template digests, B with the other boot's"
else
	not_ok "extend PCR 11"
fi
N1=$(head -c 20 /dev/urandom | xxd -p)
N2=$(head -c 20 /dev/urandom | xxd -p)
expect "quote TPM A" 0 "$attest" quote -T "$A_tcti" --ak-dir "$T/akA" --nonce "$N1" -o "$T/qA"
expect "quote TPM B" 0 "$attest" quote -T "$B_tcti" --ak-dir "$T/akB" --nonce "$N1" -o "$T/qB"

# --- the good evidence --------------------------------------------------
expect "the untampered list verifies" 0 v "$T/qA" "$N1" --log "$T/log"
grep_out "... every entry covered" "^trusted: .*log: 9 entries covered, 0 pending"
expect "and as JSON" 0 v "$T/qA" "$N1" --log "$T/log" --json
jq_out "... covered 9, pending 0" '.result == "trusted" and .covered == 9 and .pending == 0'
"$mklog" edit "$T/log" "$T/log+1" insert 9 "file 4026532114:/usr/bin/wget wget 1.21" 2>"$T/out"
expect "an entry logged after the quote is pending, not an error" 0 v "$T/qA" "$N1" --log "$T/log+1"
grep_out "... 9 covered, 1 pending" "log: 9 entries covered, 1 pending"

# --- an entry's content changed: template digest mismatch, named ---------
"$mklog" edit "$T/log" "$T/t-content" content 3 "curl 8.5.0 with a backdoor"
expect "an entry's content changed" 8 v "$T/qA" "$N1" --log "$T/t-content"
grep_out "... named: entry 3, namespace, path, both digests" \
	"^template-digest-mismatch: .*: entry 3 \(ns 4026532114, /usr/bin/curl\): sha1 template digest mismatch: log says [0-9a-f]{40}, data gives [0-9a-f]{40}$"
expect "... --json" 8 v "$T/qA" "$N1" --log "$T/t-content" --json
jq_out "... JSON has entry 3, namespace, path" \
	'.result == "template-digest-mismatch" and .exit == 8 and .entry == 3 and .namespace == "4026532114" and .path == "/usr/bin/curl" and .template == "ima-ng"'
"$mklog" edit "$T/log" "$T/t-event" content 4 "x"
expect "the event's digest field changed" 8 v "$T/qA" "$N1" --log "$T/t-event"
grep_out "... names the event" "entry 4 \(ns 4026532114, nsima-event:exec\)"
"$mklog" edit "$T/log" "$T/t-rename" rename 3 4026532114:/usr/bin/true
expect "an entry rewritten with recomputed template digests" 7 v "$T/qA" "$N1" --log "$T/t-rename"
grep_out "... cannot reach the quote; says how far" \
	"^replay-unreachable: .*replay of 9 entries \(0\.\.8\) never reaches the quoted PCR 11: sha256 after the last is [0-9a-f]{64}, quoted [0-9a-f]{64}"

# --- entries missing, added, reordered: replay cannot reach the quote ----
"$mklog" edit "$T/log" "$T/t-del" delete 3
expect "an entry deleted" 7 v "$T/qA" "$N1" --log "$T/t-del"
grep_out "... 8 entries replayed" "^replay-unreachable: .*replay of 8 entries \(0\.\.7\)"
"$mklog" edit "$T/log" "$T/t-ins" insert 5 "file 4026532114:/tmp/.x/miner xmrig"
expect "an entry inserted" 7 v "$T/qA" "$N1" --log "$T/t-ins"
grep_out "... 10 entries replayed" "replay of 10 entries \(0\.\.9\)"
"$mklog" edit "$T/log" "$T/t-swap" swap 3 5
expect "two entries swapped" 7 v "$T/qA" "$N1" --log "$T/t-swap"
expect "... --json gives replayed, reached and quoted" 7 v "$T/qA" "$N1" --log "$T/t-swap" --json
jq_out "... reached != quoted, both banks" \
	'.result == "replay-unreachable" and .replayed == 9 and .from == 0 and (.reached.sha256 | length) == 64 and .reached.sha256 != .quoted.sha256 and (.quoted.sha1 | length) == 40'
"$mklog" edit "$T/log" "$T/t-head" head 2
expect "head truncated" 7 v "$T/qA" "$N1" --log "$T/t-head"
grep_out "... and entry 0 is not an aggregate" \
	"entry 0 \(host, /usr/bin/containerd-shim-runc-v2\) is not an aggregate \(head truncated\?\)"
"$mklog" edit "$T/log" "$T/t-tail" tail 6
expect "tail truncated (a valid prefix, but the quote covers more)" 7 v "$T/qA" "$N1" --log "$T/t-tail"
grep_out "... 6 entries replayed" "replay of 6 entries \(0\.\.5\)"
: >"$T/t-empty"
expect "an empty log file is malformed" 3 v "$T/qA" "$N1" --log "$T/t-empty"
grep_out "... named, says empty" "^malformed: .*/t-empty: empty: no entries$"
printf ' \n\n' >"$T/t-blank"
expect "a whitespace-only log file is malformed" 3 v "$T/qA" "$N1" --log "$T/t-blank"

# --- entries the quote cannot vouch for: another PCR's, redacted ---------
for at in 0 4 9; do
	"$mklog" edit "$T/log" "$T/t-pcr$at" insert $at "file 4026532114:/usr/bin/nc nc" pcr $at 12
	expect "a self-consistent entry for PCR 12 inserted at $at: not vouched for" 15 v "$T/qA" "$N1" --log "$T/t-pcr$at"
	grep_out "... named" "^not-vouched: .*: entry $at \(ns 4026532114, /usr/bin/nc\): extends PCR 12, which the replay does not cover \(PCR 11\)"
done
for p in 0 10 23; do
	"$mklog" edit "$T/log" "$T/t-pcrx" --to cel insert 5 "file /usr/sbin/sshd sshd" pcr 5 $p
	expect "... as a CEL list, PCR $p" 15 v "$T/qA" "$N1" --log "$T/t-pcrx"
done
"$mklog" edit "$T/log" "$T/t-pcrr" pcr 3 12
expect "an existing entry moved to PCR 12 (the replay then misses it)" 15 v "$T/qA" "$N1" --log "$T/t-pcrr"
"$mklog" edit "$T/log" "$T/t-red" --to cel redact 3
expect "a redacted entry in a whole-list verify (no --ns)" 15 v "$T/qA" "$N1" --log "$T/t-red"
grep_out "... named" "^not-vouched: .*: entry 3 \(redacted: template digests only\): redacted"
"$mklog" edit "$T/log" "$T/t-redall" --to cel redact 0 redact 1 redact 2 redact 3 redact 4 \
	redact 5 redact 6 redact 7 redact 8
expect "... every entry redacted" 15 v "$T/qA" "$N1" --log "$T/t-redall" --json
jq_out "... JSON: not-vouched at entry 0" '.result == "not-vouched" and .exit == 15 and .entry == 0 and .redacted == true'

# binary lists are checked streamed, others in memory: the same verdicts
"$attest" export --log "$T/t-content" --to ascii --out "$T/t-content.ascii"
expect "content changed, as an ascii list (checked in memory)" 8 v "$T/qA" "$N1" --log "$T/t-content.ascii"
grep_out "... the same entry named" "^template-digest-mismatch: .*: entry 3 \(ns 4026532114, /usr/bin/curl\): sha1 template digest mismatch"
"$attest" export --log "$T/t-del" --to cel --out "$T/t-del.cel"
expect "an entry deleted, as a CEL list" 7 v "$T/qA" "$N1" --log "$T/t-del.cel"
grep_out "... 8 entries replayed" "^replay-unreachable: .*replay of 8 entries \(0\.\.7\)"
# a CEL record removed without renumbering the others
"$attest" export --log "$T/log" --to cel --out "$T/log.cel"
if head -c1 "$T/log.cel" | grep -q '\['; then
	jq -c 'del(.[3])' "$T/log.cel" >"$T/t-gap.cel"
else
	sed 4d "$T/log.cel" >"$T/t-gap.cel"	# JSON-seq / lines
fi
expect "a CEL record removed (the others keep their numbers)" 3 v "$T/qA" "$N1" --log "$T/t-gap.cel"
grep_out "... the missing record named" "^malformed: .*t-gap.cel: records 3\.\.3 are missing \(the list jumps from 2 to 4\)$"
expect "a CEL list's numbers against --log-first" 3 v "$T/qA" "$N1" --log "$T/log.cel" --log-first 2
grep_out "... says both" "^malformed: .*log.cel: the list's records start at 0, not 2$"

# --- a list cut inside a record: never a valid-looking shorter list ------
head -c $(($(wc -c <"$T/log") - 7)) "$T/log" >"$T/t-cut"
"$attest" export --log "$T/t-cut" --to cel-seq --out - >"$T/out" 2>/dev/null
rc=$?
if [ $rc = 3 ] && [ ! -s "$T/out" ]; then
	ok "export --out - of a cut list: exit 3, nothing on stdout"
else
	not_ok "export --out - of a cut list: exit $rc, $(wc -c <"$T/out") bytes on stdout"
fi
"$attest" show --log "$T/t-cut" --json >"$T/out"
jq_out "show --json of a cut list: one JSON document, the error its last element" \
	'(.[-1].result == "malformed") and (.[-1].exit == 3) and (length == 9)'

# --- another boot, another machine --------------------------------------
expect "a log from another boot (other nsima_aggregate)" 7 v "$T/qA" "$N1" --log "$T/log2"
expect "TPM B's own log verifies against TPM B's quote" 0 \
	"$attest" verify --quote "$T/qB/quote.bin" --sig "$T/qB/sig.bin" --pcrs "$T/qB/pcrs" \
	--ak "$T/akB/ak.pub" --nonce "$N1" --log "$T/log2"
expect "TPM A's log against TPM B's quote (another machine)" 7 \
	"$attest" verify --quote "$T/qB/quote.bin" --sig "$T/qB/sig.bin" --pcrs "$T/qB/pcrs" \
	--ak "$T/akB/ak.pub" --nonce "$N1" --log "$T/log"

# --- incremental: only from the verifier's own checkpoint ---------------
"$mklog" edit "$T/log" "$T/first4" tail 4
"$mklog" edit "$T/log" "$T/after4" head 4
expect "verify and save the checkpoint" 0 v "$T/qA" "$N1" --log "$T/log" --save-checkpoint "$T/cp9.json"
jq -e '.pcr == 11 and .next == 9 and (.pcrs.sha256 | length) == 64 and (.pcrs.sha1 | length) == 40' \
	"$T/cp9.json" >/dev/null && ok "... at entry 9, PCR 11, both banks" || not_ok "... checkpoint" "$(cat "$T/cp9.json")"
expect "the same list from that checkpoint" 0 v "$T/qA" "$N1" --log "$T/log" --checkpoint "$T/cp9.json"
grep_out "... entries 0..8 replayed to it" "log: 9 entries covered \(0\.\.8 by the verifier's checkpoint\), 0 pending$"
expect "... an entry after it, logged after the quote" 0 v "$T/qA" "$N1" --log "$T/log+1" --checkpoint "$T/cp9.json"
grep_out "... pending" "log: 9 entries covered \(0\.\.8 by the verifier's checkpoint\), 1 pending$"
expect "an entry before the checkpoint rewritten (digests recomputed)" 7 \
	v "$T/qA" "$N1" --log "$T/t-rename" --checkpoint "$T/cp9.json"
grep_out "... caught: the entries do not replay to the checkpoint" \
	"^replay-unreachable: .*: entries 0\.\.8 do not replay to the verifier's checkpoint at entry 9"
"$attest" export --log "$T/t-rename" --to cel --out "$T/t-rename.cel"
expect "... in a CEL list too" 7 v "$T/qA" "$N1" --log "$T/t-rename.cel" --checkpoint "$T/cp9.json"
expect "a list shorter than the checkpoint" 3 v "$T/qA" "$N1" --log "$T/t-del.cel" --checkpoint "$T/cp9.json"
expect "a trimmed list (from entry 4) and the checkpoint at 9" 0 \
	v "$T/qA" "$N1" --log "$T/after4" --log-first 4 --checkpoint "$T/cp9.json"
grep_out "... the 5 entries before it not replayed, said so" \
	"log: 9 entries covered \(0\.\.8 by the verifier's checkpoint\), 0 pending, 5 before the checkpoint not replayed$"
{ echo "entries: 4"; "$attest" replay --log "$T/first4" | sed 's/:/: /'; } >"$T/cp.txt"
expect "the module's text checkpoint (the node's word): refused" 3 \
	v "$T/qA" "$N1" --log "$T/after4" --log-first 4 --checkpoint "$T/cp.txt"
grep_out "... says why" "^malformed: .*cp.txt: not a verifier checkpoint"
{ echo "entries: 200"; "$attest" replay --log "$T/log" | sed 's/:/: /'; } >"$T/cp-forged.txt"
expect "... a forged one (an empty slice, the quoted values) too" 3 \
	v "$T/qA" "$N1" --log "$T/t-blank" --checkpoint "$T/cp-forged.txt"
# The verifier's state after entry 4 (as an earlier poll saved it)
python3 - "$T/cp.txt" "$T/cp.json" <<-'PY'
	import json, sys
	v = dict(l.split(": ") for l in open(sys.argv[1]).read().split("\n") if l)
	json.dump({"pcr": 11, "next": int(v["entries"]),
	           "pcrs": {"sha1": v["sha1"], "sha256": v["sha256"]}}, open(sys.argv[2], "w"))
	PY
expect "a trimmed list from the verifier's checkpoint at 4" 0 \
	v "$T/qA" "$N1" --log "$T/after4" --log-first 4 --checkpoint "$T/cp.json"
grep_out "... 5 new entries take it to 9" "log: 9 entries covered \(0\.\.3 by the verifier's checkpoint\), 0 pending$"
expect "... the whole list with it (0..3 replay to it)" 0 v "$T/qA" "$N1" --log "$T/log" --checkpoint "$T/cp.json"
jq ".pcrs.sha256 = \"$(printf '11%.0s' $(seq 32))\"" "$T/cp.json" >"$T/cp-bad.json"
expect "a checkpoint with another sha256 value" 7 \
	v "$T/qA" "$N1" --log "$T/after4" --log-first 4 --checkpoint "$T/cp-bad.json"
grep_out "... replay starts at entry 4" "replay of 5 entries \(4\.\.8\)"
expect "... the whole list: entries 0..3 do not reach it" 7 v "$T/qA" "$N1" --log "$T/log" --checkpoint "$T/cp-bad.json"
expect "a trimmed list starting after the checkpoint" 3 \
	v "$T/qA" "$N1" --log "$T/after4" --log-first 5 --checkpoint "$T/cp.json"
printf '{"pcr":11,"next":4,"pcrs":{"sha1":"00"}}' >"$T/cp-mal.json"
expect "a malformed checkpoint" 3 v "$T/qA" "$N1" --log "$T/after4" --log-first 4 --checkpoint "$T/cp-mal.json"

# --- the quote itself ---------------------------------------------------
expect "an old quote replayed with a new nonce" 5 v "$T/qA" "$N2" --log "$T/log"
grep_out "... as nonce-mismatch" "^nonce-mismatch: "
expect "TPM B's quote presented under TPM A's AK" 4 v "$T/qB" "$N1" --log "$T/log2"
grep_out "... as bad-signature" "^bad-signature: "
cp -r "$T/qA" "$T/qA-pcrs" && cp "$T/qB/pcrs" "$T/qA-pcrs/pcrs"
expect "PCR values that do not hash to pcrDigest" 6 v "$T/qA-pcrs" "$N1" --log "$T/log"
grep_out "... as pcr-digest-mismatch" "^pcr-digest-mismatch: "

# --- one namespace's redacted view: namespace attribution ----------------
expect "export ns 4026532114's redacted view" 0 "$attest" export --log "$T/log" \
	--ns 4026532114 --redacted --to cel --out "$T/view"
expect "a view no ns_state covers: completeness unproven" 14 v "$T/qA" "$N1" --log "$T/view" --ns 4026532114
grep_out "... says so, with the namespace's entries and the redacted ones" \
	"^ns-state-missing: .*: no ns_state of ns 4026532114 is covered: completeness of the view unproven; ns 4026532114: completeness unproven: 4 entries of it shown; 5 of 9 covered entries redacted \(--allow-unproven-ns accepts it\)$"
expect "... accepted with --allow-unproven-ns" 0 v "$T/qA" "$N1" --log "$T/view" --ns 4026532114 --allow-unproven-ns
grep_out "... all 9 entries covered, reported unproven" \
	"^trusted: .*log: 9 entries covered, 0 pending; ns 4026532114: completeness unproven: 4 entries of it shown; 5 of 9 covered entries redacted$"
expect "... --json" 0 v "$T/qA" "$N1" --log "$T/view" --ns 4026532114 --allow-unproven-ns --json
jq_out "... JSON: not proven, no ns_state, 5 redacted" \
	'.result == "trusted" and .view.proven == false and .view.state_entry == null and .view.entries == 4 and .view.redacted == 5 and .view.after == 4'
expect "the view is not ns 4026532200's" 11 v "$T/qA" "$N1" --log "$T/view" --ns 4026532200
"$mklog" edit "$T/view" "$T/v-other" --to cel unredact 5 "$T/log"
expect "... without --ns: the redacted entries are not vouched for" 15 v "$T/qA" "$N1" --log "$T/v-other"
expect "another tenant's entry shown in full in the view" 11 v "$T/qA" "$N1" --log "$T/v-other" --ns 4026532114
grep_out "... named: entry 5, its namespace and path" \
	"^namespace-attribution: .*: entry 5 \(ns 4026532200, /bin/sh\): shown in full in the view of ns 4026532114 but attributed to another namespace"
expect "... --json" 11 v "$T/qA" "$N1" --log "$T/v-other" --ns 4026532114 --json
jq_out "... JSON has entry 5, namespace 4026532200" \
	'.result == "namespace-attribution" and .exit == 11 and .entry == 5 and .namespace == "4026532200" and .path == "/bin/sh"'
"$mklog" edit "$T/view" "$T/v-moved" --to cel rename 3 4026532200:/usr/bin/curl
expect "an entry moved to another namespace (renamed, digests recomputed)" 11 \
	v "$T/qA" "$N1" --log "$T/v-moved" --ns 4026532114
grep_out "... named: entry 3 now in ns 4026532200" "entry 3 \(ns 4026532200, /usr/bin/curl\): shown in full"
"$mklog" edit "$T/view" "$T/v-hidden" --to cel rename 3 4026532200:/usr/bin/curl redact 3
expect "... and then redacted (its new digests do not replay)" 7 \
	v "$T/qA" "$N1" --log "$T/v-hidden" --ns 4026532114 --allow-unproven-ns
"$mklog" edit "$T/view" "$T/v-own" --to cel redact 3
expect "no ns_state covered: the tenant's own entry redacted with its true digests leaves the view unproven" 14 \
	v "$T/qA" "$N1" --log "$T/v-own" --ns 4026532114
expect "... only --allow-unproven-ns accepts it (a redacted entry cannot be attributed)" 0 \
	v "$T/qA" "$N1" --log "$T/v-own" --ns 4026532114 --allow-unproven-ns
grep_out "... reported unproven, 3 entries of it shown" "ns 4026532114: completeness unproven: 3 entries of it shown; 6 of 9 covered entries redacted$"

# --- ns_state: the namespace's count and chain, PCR-bound ----------------
# The module logs "<nsid>:nsima-event:ns_state" entries on request: an
# ima-buf {"chain":..,"count":..} over the namespace's entries before it
# (mklog computes it with libnsima). TPM A's PCR 11 goes on with three
# more entries, extended like any other: 9 an ns_state of 4026532200
# (count 2), 10 one of 4026532114 (count 4: entries 3, 4, 6, 7), 11 an
# entry of 4026532114 after it; then a new quote.
cp "$T/spec" "$T/specS"
printf '%s\n' "ns_state 4026532200" "ns_state 4026532114" \
	"file 4026532114:/usr/bin/python3 python 3.11" >>"$T/specS"
expect "build the list with ns_state entries (12 entries)" 0 \
	"$mklog" build "$T/specS" "$T/logS" "$T/extS"
tail -n +10 "$T/extS" >"$T/extS.new"
if cmp -s <(head -n 9 "$T/extS") "$T/ext" && extend "$A_tcti" "$T/extS.new"; then
	ok "PCR 11 of A extended with the 3 new entries' template digests"
else
	not_ok "extend PCR 11 with the ns_state entries"
fi
N3=$(head -c 20 /dev/urandom | xxd -p)
expect "quote TPM A again" 0 "$attest" quote -T "$A_tcti" --ak-dir "$T/akA" --nonce "$N3" -o "$T/qS"
expect "the list with ns_state entries verifies" 0 v "$T/qS" "$N3" --log "$T/logS"
grep_out "... 12 covered" "log: 12 entries covered, 0 pending$"
"$attest" show --log "$T/logS" >"$T/out"
grep_out "... entry 10 is 4026532114's ns_state, count 4" \
	'^ +10 11 4026532114 event +ns_state \{"chain":"[0-9a-f]{64}","count":4\}$'
expect "export ns 4026532114's view of it" 0 "$attest" export --log "$T/logS" \
	--ns 4026532114 --redacted --to cel --out "$T/viewS"
expect "the view agrees with its ns_state" 0 v "$T/qS" "$N3" --log "$T/viewS" --ns 4026532114
grep_out "... complete up to entry 10; the entry after it reported; 6 redacted" \
	"^trusted: .*log: 12 entries covered, 0 pending; ns 4026532114: complete up to its ns_state at entry 10 \(4 entries\); 1 entries after the last ns_state: completeness not proven for them; 6 of 12 covered entries redacted$"
expect "... --json" 0 v "$T/qS" "$N3" --log "$T/viewS" --ns 4026532114 --json
jq_out "... JSON: proven, entry 10, count 4 both ways, 1 after, 6 redacted, chain state 5" \
	'.result == "trusted" and .view.proven == true and .view.state_entry == 10 and .view.stated.count == 4 and .view.shown == .view.stated and (.view.stated.chain | length) == 64 and .view.after == 1 and .view.redacted == 6 and .view.entries == 5 and (.view.chain | test("^5:[0-9a-f]{64}$"))'
expect "a checkpoint saved by a verify of the view" 0 \
	v "$T/qS" "$N3" --log "$T/viewS" --ns 4026532114 --save-checkpoint "$T/cpv.json"
jq -e '.view == "4026532114" and .next == 12' "$T/cpv.json" >/dev/null &&
	ok "... says whose view" || not_ok "... says whose view" "$(cat "$T/cpv.json")"
expect "... continues a verify of that view" 0 \
	v "$T/qS" "$N3" --log "$T/viewS" --ns 4026532114 --checkpoint "$T/cpv.json"
expect "... not a whole-list verify (entries 0..11 were seen redacted)" 3 \
	v "$T/qS" "$N3" --log "$T/logS" --checkpoint "$T/cpv.json"
grep_out "... says why" "^malformed: .*cpv.json: saved by a verify of the view of 4026532114, not of the whole list"
expect "... nor one of another namespace's view" 3 \
	v "$T/qS" "$N3" --log "$T/viewS" --ns 4026532200 --checkpoint "$T/cpv.json"
expect "ns 4026532200's view" 0 "$attest" export --log "$T/logS" \
	--ns 4026532200 --redacted --to cel --out "$T/viewS2"
expect "... agrees with its own ns_state" 0 v "$T/qS" "$N3" --log "$T/viewS2" --ns 4026532200
grep_out "... at entry 9, count 2" "ns 4026532200: complete up to its ns_state at entry 9 \(2 entries\); 9 of 12 covered entries redacted$"

"$mklog" edit "$T/viewS" "$T/vS-own" --to cel redact 3
expect "the tenant's own entry redacted with its true digests: rejected" 13 \
	v "$T/qS" "$N3" --log "$T/vS-own" --ns 4026532114
grep_out "... ns-incomplete, naming the ns_state entry and both counts" \
	"^ns-incomplete: .*: entry 10 \(ns 4026532114, nsima-event:ns_state\): ns_state counts 4 entries of ns 4026532114 before it, the view shows 3: entries of the namespace are withheld \(redacted or deleted\); .*7 of 12 covered entries redacted$"
expect "... --json" 13 v "$T/qS" "$N3" --log "$T/vS-own" --ns 4026532114 --json
jq_out "... JSON: entry 10, stated 4, shown 3, 7 redacted" \
	'.result == "ns-incomplete" and .exit == 13 and .entry == 10 and .namespace == "4026532114" and .path == "nsima-event:ns_state" and .view.stated.count == 4 and .view.shown.count == 3 and .view.redacted == 7 and .view.proven == false'
expect "... --allow-unproven-ns does not accept it" 13 \
	v "$T/qS" "$N3" --log "$T/vS-own" --ns 4026532114 --allow-unproven-ns
"$mklog" edit "$T/viewS" "$T/vS-viol" --to cel redact 6
expect "the tenant's own violation redacted: rejected" 13 v "$T/qS" "$N3" --log "$T/vS-viol" --ns 4026532114
"$mklog" edit "$T/viewS" "$T/vS-both" --to cel redact 3 redact 10
expect "the own entry and its ns_state both redacted: nothing proves the view" 14 \
	v "$T/qS" "$N3" --log "$T/vS-both" --ns 4026532114
grep_out "... ns-state-missing" "^ns-state-missing: .*no ns_state of ns 4026532114 is covered"

# forged ns_state entries: the chain of the view without entry 3
"$mklog" edit "$T/logS" "$T/logS-del3" delete 3
forged=$("$mklog" nsstate "$T/logS-del3" 4026532114 9)
"$mklog" edit "$T/viewS" "$T/vS-forged" --to cel redact 3 buf 10 \
	"{\"chain\":\"${forged#*:}\",\"count\":${forged%%:*}}"
expect "an ns_state forged to fit the view without the entry (count 3): its digests do not replay" 7 \
	v "$T/qS" "$N3" --log "$T/vS-forged" --ns 4026532114
grep_out "... replay-unreachable" "^replay-unreachable: .*replay of 12 entries \(0\.\.11\) never reaches the quoted PCR 11"
state10=$("$attest" show --log "$T/logS" | sed -n 's/^ *10 11 4026532114 event *ns_state //p')
"$mklog" edit "$T/viewS" "$T/vS-count" --to cel buf 10 "${state10/\"count\":4/\"count\":5}"
expect "an ns_state forged with a wrong count (5): its digests do not replay" 7 \
	v "$T/qS" "$N3" --log "$T/vS-count" --ns 4026532114

"$mklog" edit "$T/viewS" "$T/vS-after" --to cel redact 11
expect "limit: an own entry after the last ns_state, redacted, is not caught" 0 \
	v "$T/qS" "$N3" --log "$T/vS-after" --ns 4026532114
grep_out "... (docs/nsima-attest.md; no entry after it reported)" \
	"ns 4026532114: complete up to its ns_state at entry 10 \(4 entries\); 7 of 12 covered entries redacted$"
"$mklog" edit "$T/viewS" "$T/vS-pending" --to cel insert 12 "ns_state 4026532114"
expect "an ns_state logged after the quote (pending) is not used" 0 \
	v "$T/qS" "$N3" --log "$T/vS-pending" --ns 4026532114
grep_out "... still entry 10's, 1 pending" "12 entries covered, 1 pending; ns 4026532114: complete up to its ns_state at entry 10 "
expect "the view against the quote before the ns_state entries: unproven" 14 \
	v "$T/qA" "$N1" --log "$T/viewS" --ns 4026532114

# A trimmed list (a streamed binary list) continues from the verifier's
# checkpoint at entry 10; the namespace's count and chain before it come
# from the verifier too (--ns-chain, as a previous verify's JSON ns.chain).
"$mklog" edit "$T/logS" "$T/first10" tail 10
"$mklog" edit "$T/logS" "$T/after10" head 10
"$attest" replay --log "$T/first10" | python3 -c '
import json, sys
v = dict(l.split(":") for l in sys.stdin.read().split() if l)
json.dump({"pcr": 11, "next": 10, "pcrs": v}, sys.stdout)' >"$T/cp10.json"
chain10=$("$mklog" nsstate "$T/logS" 4026532114 10)
expect "a trimmed binary list of the namespace, with --ns-chain" 0 \
	v "$T/qS" "$N3" --log "$T/after10" --log-first 10 --checkpoint "$T/cp10.json" --ns 4026532114 --ns-chain "$chain10"
grep_out "... agrees with the ns_state at entry 10" \
	"log: 12 entries covered \(0\.\.9 by the verifier's checkpoint\), 0 pending; ns 4026532114: complete up to its ns_state at entry 10 \(4 entries\); 1 entries after the last ns_state"
expect "... without --ns-chain: unproven" 14 \
	v "$T/qS" "$N3" --log "$T/after10" --log-first 10 --checkpoint "$T/cp10.json" --ns 4026532114
grep_out "... the view starts at entry 10" "^ns-state-missing: .*the view starts at entry 10: "
expect "... with a --ns-chain that leaves entry 3 out: ns-incomplete" 13 \
	v "$T/qS" "$N3" --log "$T/after10" --log-first 10 --checkpoint "$T/cp10.json" --ns 4026532114 --ns-chain "$forged"
grep_out "... counts 4 vs 3" "entry 10 \(ns 4026532114, nsima-event:ns_state\): ns_state counts 4 entries of ns 4026532114 before it, the view shows 3"

# --- a reset TPM ----------------------------------------------------------
expect "verify and save the clock" 0 v "$T/qA" "$N1" --log "$T/log" --save-clock "$T/clock"
swtpm_stop A
swtpm_start A || not_ok "restart swtpm A"
expect "quote after the reset (PCR 11 zero again)" 0 "$attest" quote -T "$A_tcti" --ak-dir "$T/akA" --nonce "$N2" -o "$T/qR"
expect "a reset TPM (resetCount changed)" 10 v "$T/qR" "$N2" --log "$T/log" --prev-clock "$T/clock"
grep_out "... as reset-or-rollback with the counts" "^reset-or-rollback: .*resetCount [0-9]+ -> [0-9]+"
expect "a quote of PCR 11 never extended (all zero) vouches for no entry" 7 v "$T/qR" "$N2" --log "$T/log"
grep_out "... replay-unreachable" "^replay-unreachable: .*replay of 9 entries \(0\.\.8\) never reaches the quoted PCR 11"
expect "... as a CEL list" 7 v "$T/qR" "$N2" --log "$T/t-del.cel"


echo "# total $((SECONDS - start))s"
echo "1..$n"
exit $failed
