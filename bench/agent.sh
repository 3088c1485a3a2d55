#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-agent: nsimad's persistence on the host, no VM. A list of
# BENCH_AGENT_ENTRIES (100000) entries over 200 namespaces (mklog gen) in
# a directory laid out as the module's securityfs (status, checkpoint,
# binary_runtime_measurements); nsimad --once --no-trim journals it into
# $B/bench/agent-journal (on the build directory's file system: its fsyncs
# are real) with --batch BENCH_AGENT_BATCH (4096). Per run: wall time,
# entries/s, nsimad's own CPU time and peak RSS (its "stopped at" line),
# commits, and the bytes on disk per entry of each log. Median of
# BENCH_AGENT_RUNS (3). Results: $B/bench/agent.json, $B/bench/agent.md.
# Not a test. The exec -> persisted latency and the agent at 1,000
# events/s in the VM are issue 15's remaining benchmark.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
nsimad=$B/bin/nsimad
mklog=$B/tests/bin/mklog
out=$B/bench
n=${BENCH_AGENT_ENTRIES:-100000}
runs=${BENCH_AGENT_RUNS:-3}
batch=${BENCH_AGENT_BATCH:-4096}
die() { echo "bench-agent: $*" >&2; exit 1; }
[ -x "$nsimad" ] && [ -x "$mklog" ] || die "build first (make bench-agent)"
command -v jq >/dev/null || die "jq not installed"
mkdir -p "$out"
sfs=$out/agent-sfs
jdir=$out/agent-journal
rm -rf "$sfs" "$jdir"
. tests/integration/fakesfs.inc
"$mklog" gen "$n" "$out/agent-list" >/dev/null || die "mklog gen failed"
fakesfs_init "$sfs" "$out/agent-list" "$n" || die "fake securityfs"
rm -f "$out/agent-list"
list_bytes=$(stat -c %s "$sfs/binary_runtime_measurements")

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$out/agent-runs.txt"
for r in $(seq "$runs"); do
	rm -rf "$jdir"
	sync
	t0=$(date +%s%N)
	"$nsimad" --dir "$jdir" --securityfs "$sfs" --once --no-trim \
		--batch "$batch" 2>"$out/agent-run$r.log" ||
		die "run $r failed: $(tail -n 1 "$out/agent-run$r.log")"
	t1=$(date +%s%N)
	line=$(grep '^nsimad: stopped at ' "$out/agent-run$r.log")
	rss=$(echo "$line" | sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p')
	cpu=$(echo "$line" | sed -n 's/.*CPU \([0-9.]*\) s.*/\1/p')
	commits=$(echo "$line" | sed -n 's/.* entries in \([0-9]*\) commits.*/\1/p')
	echo "$(( (t1 - t0) / 1000000 )) $rss $cpu $commits" >>"$out/agent-runs.txt"
done
j=$jdir/current
node=$j/node
bytes() { stat -c %s "$1"; }
ns_bytes=$(find "$j/ns" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
ms=$(cut -d' ' -f1 "$out/agent-runs.txt" | median)
rss=$(cut -d' ' -f2 "$out/agent-runs.txt" | median)
cpu=$(cut -d' ' -f3 "$out/agent-runs.txt" | median)
commits=$(cut -d' ' -f4 "$out/agent-runs.txt" | median)
jq -n --argjson n "$n" --argjson runs "$runs" --argjson batch "$batch" \
	--argjson ms "$ms" --argjson rss "$rss" --argjson cpu "$cpu" \
	--argjson commits "$commits" --argjson list "$list_bytes" \
	--argjson bin "$(bytes "$node/binary_runtime_measurements")" \
	--argjson asc "$(bytes "$node/ascii_runtime_measurements")" \
	--argjson cel "$(bytes "$node/cel.json")" --argjson nsb "$ns_bytes" \
	--arg date "$(date -u +%F)" \
	--arg commit "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
	'{date: $date, commit: $commit, entries: $n, runs: $runs, batch: $batch,
	  wall_ms_median: $ms, entries_per_s: ($n * 1000 / $ms | round),
	  cpu_s_median: $cpu, peak_rss_kib_median: $rss, commits: $commits,
	  list_bytes: $list,
	  bytes_per_entry: {node_binary: ($bin / $n), node_ascii: ($asc / $n),
	    node_cel: ($cel / $n), namespaces_all: ($nsb / $n),
	    total: (($bin + $asc + $cel + $nsb) / $n)}}' >"$out/agent.json" ||
	die "jq failed"
jq -r '"# nsimad persistence (\(.date), \(.commit))",
  "",
  "\(.entries) entries over 200 namespaces, --batch \(.batch), median of \(.runs) runs, on the build directory'"'"'s file system (fsyncs real).",
  "",
  "| | |", "|---|---:|",
  "| wall time | \(.wall_ms_median) ms |",
  "| entries/s | \(.entries_per_s) |",
  "| nsimad CPU time | \(.cpu_s_median) s |",
  "| nsimad peak RSS | \(.peak_rss_kib_median) KiB |",
  "| commits | \(.commits) |",
  "| bytes on disk per entry: node binary / ascii / CEL | \(.bytes_per_entry.node_binary | . * 10 | round / 10) / \(.bytes_per_entry.node_ascii | . * 10 | round / 10) / \(.bytes_per_entry.node_cel | . * 10 | round / 10) |",
  "| bytes on disk per entry: the namespaces'"'"' logs (all three) | \(.bytes_per_entry.namespaces_all | . * 10 | round / 10) |",
  "| bytes on disk per entry, everything | \(.bytes_per_entry.total | . * 10 | round / 10) |"' \
	"$out/agent.json" >"$out/agent.md" || die "jq failed"
cat "$out/agent.md"
echo "(results: $out/agent.json, $out/agent.md)"
