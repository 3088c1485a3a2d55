#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nsima-attest show prints one line per entry, whatever the names hold.
# A name with a raw newline followed by fake fields (what a forged list, or
# IMA's own binary list, can carry) must not forge a line, and an ESC
# sequence must not reach the terminal: show prints names as nsima.ko
# writes them (lib/name.h), escaping a name that is not already in that
# form, and leaves a name nsima.ko escaped as it is.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
attest=$B/bin/nsima-attest
mklog=$B/tests/bin/mklog
. tests/integration/tap.inc

need_built "$attest" "$mklog"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# only_text <desc> <file> [<more bytes allowed>]: no byte but 0x20..0x7e
# and the line ends
only_text() {
	local bad
	bad=$(LC_ALL=C tr -d '\n\040-\176'"${3:-}" <"$2" | od -An -tx1 | head -c 200)
	if [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1: bytes$bad" "$(head -c 800 "$2" | cat -v)"
	fi
}

# lines <desc> <file> <n>: exactly n lines, each one ending in a newline
lines() {
	local got
	got=$(LC_ALL=C tr -cd '\n' <"$2" | wc -c)
	if [ "$got" -eq "$3" ] && [ "$(tail -c 1 "$2" | od -An -tx1)" = " 0a" ]; then
		ok "$1"
	else
		not_ok "$1: $got lines, want $3" "$(head -c 800 "$2" | cat -v)"
	fi
}

# show_fixed <desc> <entries> <show args...>: show's output, one line per
# entry and nothing but text; output in $T/out
show_fixed() {
	local desc=$1 entries=$2
	shift 2
	expect "show $desc" 0 "$attest" show "$@"
	cp "$T/out" "$T/show.out"
	lines "... one line per entry ($entries)" "$T/show.out" "$entries"
	only_text "... no control byte, no byte above 0x7e" "$T/show.out"
}

cat >"$T/spec" <<'EOF'
aggregate boot-1
file /usr/bin/ls ls
file 4026532114:/tmp/victim victim
file 4026532114:/tmp/new\x0aline escaped-by-the-module
event 4026532114 exec {"argv":["sh","-c","x"],"path":"/bin/sh","uid":0}
EOF
entries=5
# entry 2 renamed raw: a newline, a whole fake line (show's and the ascii
# list's), ESC sequences, CR, DEL, a backslash and a non-ASCII byte
fake="     9 11 4026532114 file      /usr/bin/forged sha256:$(printf '%064d' 0)"
name=$'4026532114:/tmp/x\n11 '"$(printf '%040d' 0)"$' ima-ng sha256:00 /usr/bin/forged\n'"$fake"$'\e[2J\e]0;owned\a\r\x7f\\\xff'
if "$mklog" build "$T/spec" "$T/base.bin" >"$T/out" 2>&1 &&
	"$mklog" edit "$T/base.bin" "$T/forged.bin" rename 2 "$name" \
		>>"$T/out" 2>&1 &&
	"$mklog" edit "$T/forged.bin" "$T/forged.cel" --to cel \
		>>"$T/out" 2>&1; then
	ok "a list whose entry 2 is named with a newline, fake lines and ESC"
else
	not_ok "build the forged list" "$(cat "$T/out")"
fi

show_fixed "of the binary list" "$entries" --log "$T/forged.bin"
if grep -qF '/tmp/x\x0a11_0000000000000000000000000000000000000000_ima-ng_sha256\x3a00_/usr/bin/forged\x0a_____9_11_4026532114_file' "$T/show.out" &&
	grep -qF '\x1b[2J\x1b]0;owned\x07\x0d\x7f\x5c\xff' "$T/show.out"; then
	ok "... entry 2's name escaped as nsima.ko escapes names"
else
	not_ok "... entry 2's name is not escaped as name.h says" "$(cat -v "$T/show.out")"
fi
if grep -qE '^ +2 11 4026532114 file +/tmp/x' "$T/show.out" &&
	! grep -q 'forged sha256' "$T/show.out"; then
	ok "... on entry 2's own line, no fake line"
else
	not_ok "... entry 2 is not one line of its own" "$(cat -v "$T/show.out")"
fi
if grep -qE '^ +3 11 4026532114 file +/tmp/new\\x0aline sha256:' "$T/show.out"; then
	ok "... a name nsima.ko escaped is shown as it is (not escaped twice)"
else
	not_ok "... the module-escaped name changed" "$(cat -v "$T/show.out")"
fi

show_fixed "of the same list as CEL" "$entries" --log "$T/forged.cel"
show_fixed "--ns 4026532114 (its 3 entries)" 3 --log "$T/forged.bin" \
	--ns 4026532114
show_fixed "--ns 4026532114 --redacted" "$entries" --log "$T/forged.bin" \
	--ns 4026532114 --redacted

# --json: names are JSON strings (UTF-8; jansson escapes control bytes)
expect "show --json of the binary list" 0 "$attest" show --log "$T/forged.bin" --json
only_text "... no control byte" "$T/out" '\200-\377'

echo "1..$n"
exit $failed
