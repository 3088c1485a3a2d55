#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: replay rate of nsima-attest vs evmctl ima_measurement on the
# same 1,000,000-entry list in the same run, and quote verification time
# on a real swtpm quote. Results: $B/bench/results.json and results.md.
#
#   BENCH_ENTRIES (1000000)  list length
#   BENCH_RUNS    (5)        replay runs per tool (median)
#   BENCH_VERIFY  (21)       verify runs (median)
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
attest=$B/bin/nsima-attest
mklog=$B/tests/bin/mklog
out=$B/bench
entries=${BENCH_ENTRIES:-1000000}
runs=${BENCH_RUNS:-5}
vruns=${BENCH_VERIFY:-21}
mkdir -p "$out"

for tool in evmctl swtpm swtpm_setup tpm2_pcrextend jq python3; do
	command -v $tool >/dev/null || { echo "bench: $tool not installed"; exit 1; }
done

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# seconds a command takes (wall clock, ns resolution), output discarded
secs() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
	t1=$(date +%s%N)
	awk -v d="$((t1 - t0))" 'BEGIN { printf "%.4f\n", d / 1e9 }'
}

log=$out/list-$entries.bin
echo "bench: generating a $entries-entry ima-ng list ($log)"
"$mklog" gen "$entries" "$log" "$out/final" || exit 1
sha1=$(sed -n 's/^sha1://p' "$out/final")
sha256=$(sed -n 's/^sha256://p' "$out/final")
# evmctl's PCR files: "PCR-NN <hex>" for 0..23, ours on PCR 11
for bank in sha1 sha256; do
	v=$(eval echo "\$$bank")
	for i in $(seq 0 23); do
		if [ "$i" -eq 11 ]; then printf 'PCR-11 %s\n' "$v"
		else printf 'PCR-%02d %s\n' "$i" "$(printf '%*s' ${#v} '' | tr ' ' 0)"; fi
	done >"$out/pcrs-$bank"
done

# both must accept the list (full replay, every template digest checked)
"$attest" replay --log "$log" --quoted "sha1:$sha1" --quoted "sha256:$sha256" \
	>"$out/ours.out" 2>&1 || { echo "bench: nsima-attest rejects the list"; cat "$out/ours.out"; exit 1; }
grep -q "^covered: $entries" "$out/ours.out" || { echo "bench: not every entry covered"; exit 1; }
evmctl ima_measurement --pcrs "sha1,$out/pcrs-sha1" --pcrs "sha256,$out/pcrs-sha256" "$log" \
	>"$out/evmctl.out" 2>&1 || { echo "bench: evmctl rejects the list"; cat "$out/evmctl.out"; exit 1; }

ours=() theirs=() ours256=() theirs256=()
for i in $(seq "$runs"); do
	echo "bench: replay run $i/$runs"
	ours+=("$(secs "$attest" replay --log "$log" --quoted "sha1:$sha1" --quoted "sha256:$sha256")") || exit 1
	theirs+=("$(secs evmctl ima_measurement --pcrs "sha1,$out/pcrs-sha1" --pcrs "sha256,$out/pcrs-sha256" "$log")") || exit 1
	ours256+=("$(secs "$attest" replay --log "$log" --banks sha256 --quoted "sha256:$sha256")") || exit 1
	theirs256+=("$(secs evmctl ima_measurement --pcrs "sha256,$out/pcrs-sha256" "$log")") || exit 1
done
t_ours=$(printf '%s\n' "${ours[@]}" | median)
t_theirs=$(printf '%s\n' "${theirs[@]}" | median)
t_ours256=$(printf '%s\n' "${ours256[@]}" | median)
t_theirs256=$(printf '%s\n' "${theirs256[@]}" | median)
# peak memory of one run each
mem_ours=$(/usr/bin/time -f %M "$attest" replay --log "$log" 2>&1 >/dev/null | tail -n 1)
mem_theirs=$(/usr/bin/time -f %M evmctl ima_measurement --pcrs "sha256,$out/pcrs-sha256" "$log" 2>&1 >/dev/null | tail -n 1)

# --- quote verification on a real swtpm -----------------------------------
. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP
swtpm_ca ca && swtpm_new A ca && swtpm_start A || { echo "bench: swtpm"; exit 1; }
printf 'aggregate bench\nfile /usr/bin/true x\nfile 4026532114:/bin/sh y\n' >"$T/spec"
"$mklog" build "$T/spec" "$T/log" "$T/ext"
while read -r line; do
	TPM2TOOLS_TCTI=$A_tcti tpm2_pcrextend "11:$line" >/dev/null
	TPM2TOOLS_TCTI=$A_tcti tpm2_flushcontext -t >/dev/null 2>&1
done <"$T/ext"
nonce=$(head -c 20 /dev/urandom | xxd -p)
vq=() vqlog=() vms=()
for alg in rsa ecc; do
	"$attest" quote -T "$A_tcti" --ak-dir "$T/ak-$alg" --ak-alg $alg --nonce "$nonce" -o "$T/q-$alg" >/dev/null || exit 1
done
for i in $(seq "$vruns"); do
	for alg in rsa ecc; do
		d=$T/q-$alg
		v=$(secs "$attest" verify --quote "$d/quote.bin" --sig "$d/sig.bin" --pcrs "$d/pcrs" \
			--ak "$d/ak.pub" --nonce "$nonce" --log "$T/log") || exit 1
		eval "v_$alg+=(\"\$v\")"
	done
	ms=$("$attest" verify --quote "$T/q-rsa/quote.bin" --sig "$T/q-rsa/sig.bin" --pcrs "$T/q-rsa/pcrs" \
		--ak "$T/q-rsa/ak.pub" --nonce "$nonce" --log "$T/log" --json | jq .ms)
	vms+=("$ms")
done
v_rsa_ms=$(printf '%s\n' "${v_rsa[@]}" | median | awk '{ printf "%.2f", $1 * 1000 }')
v_ecc_ms=$(printf '%s\n' "${v_ecc[@]}" | median | awk '{ printf "%.2f", $1 * 1000 }')
v_int_ms=$(printf '%s\n' "${vms[@]}" | median | awk '{ printf "%.3f", $1 }')

rate() { awk -v n="$entries" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
r_ours=$(rate "$t_ours"); r_theirs=$(rate "$t_theirs")
r_ours256=$(rate "$t_ours256"); r_theirs256=$(rate "$t_theirs256")
x=$(ratio "$t_ours" "$t_theirs"); x256=$(ratio "$t_ours256" "$t_theirs256")
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
evmv=$(evmctl --version 2>&1 | head -n 1)
size=$(stat -c %s "$log")

cat >"$out/results.json" <<EOF
{"date":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","cpu":"$cpu","nproc":$(nproc),"evmctl":"$evmv",
 "list":{"entries":$entries,"bytes":$size,"template":"ima-ng","header":"sha1","file_digest":"sha256"},
 "replay_sha1_sha256":{"nsima_s":$t_ours,"evmctl_s":$t_theirs,"nsima_entries_per_s":$r_ours,"evmctl_entries_per_s":$r_theirs,"ratio":$x},
 "replay_sha256":{"nsima_s":$t_ours256,"evmctl_s":$t_theirs256,"nsima_entries_per_s":$r_ours256,"evmctl_entries_per_s":$r_theirs256,"ratio":$x256},
 "peak_rss_kb":{"nsima":$mem_ours,"evmctl":$mem_theirs},
 "verify":{"runs":$vruns,"rsa_command_ms":$v_rsa_ms,"ecc_command_ms":$v_ecc_ms,"rsa_internal_ms":$v_int_ms,"log_entries":3},
 "runs":$runs}
EOF
cat >"$out/results.md" <<EOF
| measurement ($entries entries, $((size / 1048576)) MiB, median of $runs) | nsima-attest replay | evmctl ima_measurement | ratio |
|---|---:|---:|---:|
| full replay, sha1+sha256 banks, digests checked | $r_ours entries/s ($t_ours s) | $r_theirs entries/s ($t_theirs s) | ${x}x |
| full replay, sha256 bank | $r_ours256 entries/s ($t_ours256 s) | $r_theirs256 entries/s ($t_theirs256 s) | ${x256}x |
| peak RSS (ours: the mapped list's page cache, no heap per entry) | $mem_ours KB | $mem_theirs KB | |

| quote verification (swtpm, median of $vruns) | ms |
|---|---:|
| \`nsima-attest verify\` command, RSA-2048 AK, 3-entry log | $v_rsa_ms |
| \`nsima-attest verify\` command, ECC P-256 AK, 3-entry log | $v_ecc_ms |
| inside verify (parse, signature, nonce, pcrDigest, replay; \`--json\` ms), RSA | $v_int_ms |

$cpu, $(nproc) CPUs; $evmv.
EOF
cat "$out/results.md"
echo "bench: $out/results.json"
