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
# BENCH_AGENT_RUNS (3).
# Then nsimad at a steady rate: the same kind of list fed to a fake
# securityfs BENCH_AGENT_RATE (1000) entries a second for
# BENCH_AGENT_SECS (30) seconds (mklog feed: every 10 ms the entries due)
# while nsimad follows it (not --once) with --interval 200 (its default)
# and 20 ms (BENCH_AGENT_INTERVALS): its CPU over the feed (/proc/PID/stat),
# RSS at the end and peak, commits, and how long after the last entry
# was fed the journal held it. Results: $B/bench/agent.json,
# $B/bench/agent.md. Not a test. The module's own rate in the VM:
# make bench-agent-vm.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
nsimad=$B/bin/nsimad
mklog=$B/tests/bin/mklog
out=$B/bench
n=${BENCH_AGENT_ENTRIES:-100000}
runs=${BENCH_AGENT_RUNS:-3}
rate=${BENCH_AGENT_RATE:-1000}
secs=${BENCH_AGENT_SECS:-30}
intervals=${BENCH_AGENT_INTERVALS:-200 20}
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

# ---- at a steady rate ----
# CPU over the whole window, from just before the first entry is fed to
# the journal holding the last one (the commits after the feed included);
# RSS when the journal holds the last entry.
hz=$(getconf CLK_TCK)
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
journal_next() { awk '$1 == "commit" { c = $2 } END { print c + 0 }' "$1/current/commits"; }
"$mklog" gen "$((rate * secs))" "$out/agent-paced-list" >/dev/null || die "mklog gen failed"
: >"$out/agent-empty"
: >"$out/agent-paced.txt"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null' EXIT
for iv in $intervals; do
	psfs=$out/agent-paced-sfs
	pj=$out/agent-paced-journal
	rm -rf "$psfs" "$pj"
	fakesfs_init "$psfs" "$out/agent-empty" 0 || die "fake securityfs"
	"$nsimad" --dir "$pj" --securityfs "$psfs" --no-trim --interval "$iv" \
		2>"$out/agent-paced-$iv.log" &
	pid=$!
	for _ in $(seq 100); do
		grep -q '^nsimad: following ' "$out/agent-paced-$iv.log" && break
		sleep 0.1
	done
	grep -q '^nsimad: following ' "$out/agent-paced-$iv.log" ||
		die "nsimad did not start: $(tail -n 1 "$out/agent-paced-$iv.log")"
	c0=$(cputicks $pid)
	t0=$(date +%s%N)
	fed=$("$mklog" feed "$out/agent-paced-list" "$psfs" "$rate" "$secs") ||
		die "mklog feed failed"
	t1=$(date +%s%N)
	deadline=$((t1 + 10000000000))
	while [ "$(journal_next "$pj")" != "$fed" ] && [ "$(date +%s%N)" -lt $deadline ]; do
		sleep 0.01
	done
	t2=$(date +%s%N)
	c1=$(cputicks $pid)
	prss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
	phwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status")
	[ "$(journal_next "$pj")" = "$fed" ] ||
		die "interval $iv: the journal holds $(journal_next "$pj") of $fed entries 10 s after the feed"
	kill -TERM $pid
	wait $pid || die "interval $iv: nsimad failed: $(tail -n 1 "$out/agent-paced-$iv.log")"
	pid=""
	pcommits=$(sed -n 's/.* entries in \([0-9]*\) commits.*/\1/p' "$out/agent-paced-$iv.log")
	echo "$iv $fed $(( (t2 - t0) / 1000000 )) $((c1 - c0)) $prss $phwm $pcommits $(( (t2 - t1) / 1000000 ))" \
		>>"$out/agent-paced.txt"
done
rm -f "$out/agent-paced-list" "$out/agent-empty"
paced=$(awk -v hz="$hz" '{ printf "%s{\"interval_ms\":%d,\"entries\":%d,\"window_ms\":%d,\"entries_per_s\":%.0f,\"cpu_percent\":%.1f,\"cpu_us_per_entry\":%.0f,\"rss_kib\":%d,\"peak_rss_kib\":%d,\"commits\":%d,\"catch_up_ms\":%d}", \
	(NR > 1 ? "," : ""), $1, $2, $3, $2 * 1000 / $3, 100 * $4 / hz / ($3 / 1000), 1e6 * $4 / hz / $2, $5, $6, $7, $8 }
	END { print "" }' "$out/agent-paced.txt")

jq -n --argjson n "$n" --argjson runs "$runs" --argjson batch "$batch" \
	--argjson ms "$ms" --argjson rss "$rss" --argjson cpu "$cpu" \
	--argjson commits "$commits" --argjson list "$list_bytes" \
	--argjson bin "$(bytes "$node/binary_runtime_measurements")" \
	--argjson asc "$(bytes "$node/ascii_runtime_measurements")" \
	--argjson cel "$(bytes "$node/cel.json")" --argjson nsb "$ns_bytes" \
	--argjson paced "[$paced]" --argjson rate "$rate" \
	--arg date "$(date -u +%F)" \
	--arg commit "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
	'{date: $date, commit: $commit, entries: $n, runs: $runs, batch: $batch,
	  wall_ms_median: $ms, entries_per_s: ($n * 1000 / $ms | round),
	  cpu_s_median: $cpu, peak_rss_kib_median: $rss, commits: $commits,
	  list_bytes: $list,
	  bytes_per_entry: {node_binary: ($bin / $n), node_ascii: ($asc / $n),
	    node_cel: ($cel / $n), namespaces_all: ($nsb / $n),
	    total: (($bin + $asc + $cel + $nsb) / $n)},
	  paced_rate: $rate, paced: $paced}' >"$out/agent.json" ||
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
  "| bytes on disk per entry, everything | \(.bytes_per_entry.total | . * 10 | round / 10) |",
  "",
  "At \(.paced_rate) entries a second (mklog feed), nsimad following:",
  "",
  "| --interval | entries | entries/s | nsimad CPU | CPU µs/entry | RSS / peak KiB | commits | journal caught up after the feed |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|",
  (.paced[] | "| \(.interval_ms) ms | \(.entries) | \(.entries_per_s) | \(.cpu_percent)% | \(.cpu_us_per_entry) | \(.rss_kib) / \(.peak_rss_kib) | \(.commits) | \(.catch_up_ms) ms |")' \
	"$out/agent.json" >"$out/agent.md" || die "jq failed"
cat "$out/agent.md"
echo "(results: $out/agent.json, $out/agent.md)"
