#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Names and the ascii list (docs/nsima-attest.md, "Names"). Lists made with
# libnsima's tools (nsima-attest export, mklog) from tests/data must pass the
# host check e2e tests run on a guest's lists (tests/e2e/lib/ascii-check:
# libnsima and Keylime's rules, tests/e2e/lib/keylime-ascii, read the ascii
# list as the binary one). A name holding a raw newline (as IMA prints it)
# forges a second line that Keylime's rules read as an entry of its own;
# libnsima refuses to write it, its replay rejects the forged list at that
# entry, and ascii-check flags it. A raw '\r' or ESC in a line, which Keylime's rules
# pass, is refused by libnsima's parser with its line.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
export B
attest=$B/bin/nsima-attest
mklog=$B/tests/bin/mklog
keylime=tests/e2e/lib/keylime-ascii
check=tests/e2e/lib/ascii-check
. tests/integration/tap.inc

need_tools python3 jq
need_built "$attest" "$mklog"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ascii_check <desc> <dir>: every TAP line of ascii-check, renumbered
ascii_check() {
	local desc=$1 dir=$2 line
	"$check" "$dir" "$desc" >"$T/check" 2>&1
	if ! grep -q '^ok ' "$T/check"; then
		not_ok "$desc: ascii-check gave no result" "$(head -c 800 "$T/check")"
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) not_ok "${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$T/check"
}

# list_dir <dir> <binary list>: the binary list and libnsima's ascii of it
list_dir() {
	mkdir -p "$1" &&
		cp "$2" "$1/binary_runtime_measurements" &&
		"$attest" export --log "$2" --to ascii \
			--out "$1/ascii_runtime_measurements" >"$T/out" 2>&1
}

# 1. nsima.ko's own list (tests/data/vm-events): files and events, two
#    namespaces, violations.
if list_dir "$T/vm" tests/data/vm-events/binary_runtime_measurements; then
	ascii_check "vm-events" "$T/vm"
else
	not_ok "export vm-events to ascii" "$(cat "$T/out")"
fi

# 2. IMA's own list (ibmtss sha1.log: ima-sig, PCR 10)
if list_dir "$T/ima" tests/data/ibmtss/sha1.log; then
	ascii_check "ibmtss/sha1.log" "$T/ima"
else
	not_ok "export ibmtss/sha1.log to ascii" "$(cat "$T/out")"
fi

# 3. names as nsima.ko now writes them: spaces as '_', other bytes outside
#    0x21..0x7e and '\' as \xNN
cat >"$T/spec" <<'EOF'
aggregate boot-1
file /usr/bin/ls ls
file /tmp/new\x0aline forged?
file 4026532114:/tmp/my_file spaces
file 4026532114:/tmp/caf\xc3\xa9 utf-8
file 4026532114:/tmp/back\x5cslash\x1b[31m escape
event 4026532114 exec {"argv":["sh","-c","x"],"path":"/bin/sh","uid":0}
EOF
if "$mklog" build "$T/spec" "$T/escaped.bin" >"$T/out" 2>&1 &&
	list_dir "$T/escaped" "$T/escaped.bin"; then
	ascii_check "escaped names" "$T/escaped"
	expect "Keylime's rules give the escaped names as they are" 0 \
		"$keylime" "$T/escaped/ascii_runtime_measurements"
	grep_out "... e.g. 4026532114:/tmp/back\\x5cslash\\x1b[31m" \
		'^11 ima-ng 4026532114:/tmp/back\\x5cslash\\x1b\[31m$'
else
	not_ok "build and export the escaped list" "$(cat "$T/out")"
fi

# 4. A raw newline in a name (what IMA would print: it escapes only
#    spaces) forges a second line.
cat >"$T/forged.spec" <<'EOF'
file /usr/bin/forged not-what-ran
EOF
"$mklog" build "$T/forged.spec" "$T/forged.bin" >"$T/out" 2>&1 &&
	"$attest" export --log "$T/forged.bin" --to ascii --out "$T/forged.ascii" \
		>>"$T/out" 2>&1
forged=$(head -n 1 "$T/forged.ascii" 2>/dev/null)
name=$'/tmp/x\n'"$forged"
if [ -n "$forged" ] && "$mklog" build "$T/spec" "$T/base.bin" >>"$T/out" 2>&1 &&
	"$mklog" edit "$T/base.bin" "$T/nl.bin" rename 2 "$name" >>"$T/out" 2>&1; then
	ok "a binary list whose entry 2 is named \"/tmp/x<newline>$forged\""
else
	not_ok "build the newline list" "$(cat "$T/out")"
fi
expect "libnsima refuses to write it as an ascii list" 3 \
	"$attest" export --log "$T/nl.bin" --to ascii --out "$T/nl.ascii"
grep_out "... naming the entry and the byte" \
	"entry 2: field 'n-ng' contains control byte 0x0a at byte 6 \(\"/tmp/x\\\\x0a11_"

# The ascii list as IMA's ascii_runtime_measurements would print it: the
# entries before, then entry 2 with its raw name.
"$attest" export --log "$T/base.bin" --to ascii --out "$T/base.ascii" >/dev/null 2>&1
"$attest" show --log "$T/nl.bin" --json >"$T/nl.json" 2>/dev/null
mkdir -p "$T/nl"
cp "$T/nl.bin" "$T/nl/binary_runtime_measurements"
{
	head -n 2 "$T/base.ascii"
	printf '11 %s ima-ng %s %s\n' "$(jq -r '.[2].template_digests.sha1' "$T/nl.json")" \
		"$(jq -r '.[2].digest' "$T/nl.json")" "$name"
	tail -n +4 "$T/base.ascii"
} >"$T/nl/ascii_runtime_measurements"
entries=$(jq length "$T/nl.json")
expect "Keylime's rules accept the forged ascii list" 0 \
	"$keylime" "$T/nl/ascii_runtime_measurements"
if [ "$(wc -l <"$T/out")" -eq $((entries + 1)) ] &&
	grep -qx '11 ima-ng /tmp/x' "$T/out" &&
	grep -qx '11 ima-ng /usr/bin/forged' "$T/out"; then
	ok "... and read $((entries + 1)) entries for $entries: /tmp/x and a forged /usr/bin/forged"
else
	not_ok "Keylime's rules did not read the forged line as an entry" "$(cat "$T/out")"
fi
expect "libnsima's replay rejects the forged ascii list" 8 \
	"$attest" replay --log "$T/nl/ascii_runtime_measurements" --format ascii
grep_out "... at entry 2 (its template digest covers the whole name)" \
	'entry 2: sha1 template digest mismatch'
expect "ascii-check flags the forged list" 1 "$check" "$T/nl" forged
grep_out "... (a) the replays differ" '^not ok 202 - forged: replay'
grep_out "... (b) the ascii list has one entry more" \
	"^not ok 203 - forged: the ascii list's entries differ"
grep_out "... (b) libnsima cannot write the binary list as ascii" '^not ok 204 '
grep_out "... (c) Keylime's entries differ from the binary list's" \
	"^not ok 206 - forged: Keylime's entries differ"
grep_out "... (d) entry 2's name holds a newline" \
	'^# entry 2: "/tmp/x\\n11 '

# 5. Raw control bytes that do not end a line: Keylime's rules take them
#    into the name, libnsima refuses the line.
dng=sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14
td=cf41b43c4031672fcc2bd358b309ad33b977424f
for c in $'\r' $'\t' $'\033'; do
	printf '10 %s ima-ng %s boot_aggregate\n10 %s ima-ng %s /tmp/a%sb\n' \
		"$td" "$dng" "$td" "$dng" "$c" >"$T/ctl.ascii"
	hex=$(printf '%s' "$c" | od -An -tx1 | tr -d ' ')
	expect "a name with a raw 0x$hex: Keylime's rules pass it" 0 \
		"$keylime" "$T/ctl.ascii"
	expect "... libnsima refuses it" 3 \
		"$attest" show --log "$T/ctl.ascii" --format ascii
	grep_out "... with its line" "line 2: control byte 0x$hex at column 130"
done

echo "1..$n"
exit "$failed"
