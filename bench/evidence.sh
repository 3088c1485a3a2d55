#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-evidence: nsimad's evidence requests on the host, no VM. A
# list of BENCH_EVIDENCE_ENTRIES (100000) entries over 200 namespaces
# (mklog gen) in a directory laid out as the module's securityfs; nsimad
# journals it, with its AK in a swtpm (loopback) and --listen on
# loopback (HTTP: the TLS cost is not the question here); then, timed by
# curl, BENCH_EVIDENCE_RUNS (5) of each: the whole list (from 0), an
# incremental poll (the last 100 entries), a namespace's redacted view
# (from 0). Reports the median and the largest time, the answer's size,
# and nsimad's peak RSS after all requests. The swtpm's PCR 11 does not
# hold this list (a verify would say 7): the agent's side is what is
# measured. Not a test. Results: $B/bench/evidence.json, evidence.md.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
nsimad=$B/bin/nsimad
mklog=$B/tests/bin/mklog
out=$B/bench
n=${BENCH_EVIDENCE_ENTRIES:-100000}
runs=${BENCH_EVIDENCE_RUNS:-5}
die() { echo "bench-evidence: $*" >&2; exit 1; }
[ -x "$nsimad" ] && [ -x "$mklog" ] || die "build first (make bench-evidence)"
for t in jq curl swtpm swtpm_setup; do
	command -v $t >/dev/null || die "$t not installed (make deps)"
done
mkdir -p "$out"
. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP
swtpm_ca ca >/dev/null && swtpm_new A ca && swtpm_start A || die "swtpm"
sfs=$T/sfs
. tests/integration/fakesfs.inc
"$mklog" gen "$n" "$T/list" >/dev/null || die "mklog gen"
fakesfs_init "$sfs" "$T/list" "$n" || die "fake securityfs"
port=$(swtpm_free_port) || die "no port"
"$nsimad" --dir "$T/journal" --securityfs "$sfs" --no-trim --rate 0 \
	--listen "127.0.0.1:$port" --ak-dir "$T/ak" --tcti "$A_tcti" \
	>"$T/nsimad.log" 2>&1 &
agent=$!
SWTPM_PIDS+=("$agent")
url=http://127.0.0.1:$port
for _ in $(seq 600); do
	next=$(curl -fsS "$url/metrics" 2>/dev/null | sed -n 's/^nsima_journal_next \([0-9]*\)$/\1/p')
	[ "${next:-0}" = "$n" ] && break
	sleep 0.2
done
[ "${next:-0}" = "$n" ] || die "nsimad did not journal the list ($(tail -n 2 "$T/nsimad.log"))"
# a namespace of the list, from the journal's namespace logs
ns=$(ls "$T/journal/current/ns" | sed 's/\..*//' | head -n1)
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time KIND QUERY: "ms bytes" per run into $T/KIND
measure() {
	local kind=$1 q=$2 r
	: >"$T/$kind"
	for r in $(seq "$runs"); do
		curl -sS -o "$T/body" -w '%{time_total} %{size_download} %{http_code}\n' \
			"$url/v1/evidence?nonce=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')$q" >"$T/w" ||
			die "curl $kind failed"
		read -r t s code <"$T/w"
		[ "$code" = 200 ] || die "$kind: HTTP $code: $(head -c 200 "$T/body")"
		echo "$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }') $s" >>"$T/$kind"
	done
	cp "$T/body" "$T/$kind.json"
}
measure full ""
measure incremental "&from=$((n - 100))"
measure view "&ns=$ns"
# the incremental answer (walked from the journal's offset index) is the
# whole list's tail, byte for byte
jq -r .log.data "$T/full.json" | base64 -d >"$T/full.bin"
jq -r .log.data "$T/incremental.json" | base64 -d >"$T/inc.bin"
"$mklog" edit "$T/full.bin" "$T/tail.bin" head $((n - 100)) >/dev/null ||
	die "mklog edit"
cmp -s "$T/tail.bin" "$T/inc.bin" || die "the incremental answer is not the whole list's tail"
rss=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$agent/status")
kill -TERM "$agent"
wait "$agent" 2>/dev/null
stat_of() { # KIND: median ms, max ms, bytes
	echo "$(cut -d' ' -f1 "$T/$1" | median) $(cut -d' ' -f1 "$T/$1" | sort -n | tail -n1) $(cut -d' ' -f2 "$T/$1" | head -n1)"
}
read -r fm fx fb <<<"$(stat_of full)"
read -r im ix ib <<<"$(stat_of incremental)"
read -r vm vx vb <<<"$(stat_of view)"
jq -n --argjson n "$n" --argjson runs "$runs" --arg ns "$ns" \
	--argjson fm "$fm" --argjson fx "$fx" --argjson fb "$fb" \
	--argjson im "$im" --argjson ix "$ix" --argjson ib "$ib" \
	--argjson vm "$vm" --argjson vx "$vx" --argjson vb "$vb" \
	--argjson rss "$rss" --arg date "$(date -u +%F)" \
	--arg commit "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
	'{date: $date, commit: $commit, entries: $n, runs: $runs,
	  full: {ms_median: $fm, ms_max: $fx, bytes: $fb},
	  incremental_last_100: {ms_median: $im, ms_max: $ix, bytes: $ib},
	  view: {ns: $ns, ms_median: $vm, ms_max: $vx, bytes: $vb},
	  nsimad_peak_rss_kib: $rss}' >"$out/evidence.json" || die "jq failed"
jq -r '"# nsimad evidence requests (\(.date), \(.commit))",
  "",
  "\(.entries) entries journaled, AK in a swtpm on loopback, HTTP on loopback, \(.runs) requests each (each: a quote, then the journal slice).",
  "",
  "| request | median | max | answer |", "|---|---:|---:|---:|",
  "| whole list (from 0) | \(.full.ms_median) ms | \(.full.ms_max) ms | \(.full.bytes) B |",
  "| incremental (last 100 entries) | \(.incremental_last_100.ms_median) ms | \(.incremental_last_100.ms_max) ms | \(.incremental_last_100.bytes) B |",
  "| a namespace'"'"'s redacted view (from 0) | \(.view.ms_median) ms | \(.view.ms_max) ms | \(.view.bytes) B |",
  "",
  "nsimad peak RSS after all requests: \(.nsimad_peak_rss_kib) KiB."' \
	"$out/evidence.json" >"$out/evidence.md" || die "jq failed"
cat "$out/evidence.md"
echo "(results: $out/evidence.json, $out/evidence.md)"
