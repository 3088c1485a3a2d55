#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nsima-policy check|show (docs/policy.md): the shipped policies pass,
# every output line and exit code is the documented one, malformed files
# are refused with "FILE:line:col: message", and no input (binary, huge,
# endless, unreadable) crashes it or makes it read without bound.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
pol=$B/bin/nsima-policy
. tests/integration/tap.inc

need_built "$pol"
need_tools jq sha256sum timeout
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# out_is <desc> <text>: the last command's output is exactly <text>
out_is() {
	if [ "$(cat "$T/out")" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $2" "got:  $(head -c 800 "$T/out")"
	fi
}

# jq_out <desc> <jq boolean expression> over the last (JSON) output
jq_out() {
	if jq -e "$2" "$T/out" >/dev/null 2>&1; then
		ok "$1"
	else
		not_ok "$1: jq '$2' is false" "$(head -c 800 "$T/out")"
	fi
}

# usage
expect "--help" 0 "$pol" --help
grep_out "... prints the usage" '^usage: nsima-policy check FILE'
expect "no command" 2 "$pol"
expect "unknown command" 2 "$pol" verify policy/default.policy
grep_out "... says so" "unknown command 'verify'"
expect "check without a file" 2 "$pol" check
expect "show without a file" 2 "$pol" show --json
expect "show with two files" 2 "$pol" show policy/default.policy policy/default.policy
expect "show with an unknown option" 2 "$pol" show --yaml policy/default.policy

# the shipped policies, each with its rule count and its file's SHA-256
for f in policy/default.policy policy/examples/*.policy; do
	case $f in
	*/default.policy) r=14 ;;
	*/deny-downloads.policy) r=5 ;;
	*/one-cgroup.policy) r=3 ;;
	*/measure-only.policy) r=0 ;;
	*) r='[0-9]+' ;;
	esac
	expect "check $f" 0 "$pol" check "$f"
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	if grep -qxE "$f: ok, $r rules, sha256:$sum" "$T/out" &&
		[ "$(wc -l <"$T/out")" -eq 1 ]; then
		ok "... one line: ok, $r rules, the file's sha256"
	else
		not_ok "... wrong line" "$(cat "$T/out")" "sha256: $sum"
	fi
	# the canonical form is a fixed point and says the same
	expect "show $f" 0 "$pol" show "$f"
	cp "$T/out" "$T/canon.policy"
	expect "... its canonical form checks" 0 "$pol" check "$T/canon.policy"
	grep_out "... with as many rules" "^$T/canon.policy: ok, $r rules, "
	expect "... and shows as itself" 0 "$pol" show "$T/canon.policy"
	if cmp -s "$T/out" "$T/canon.policy"; then
		ok "... byte for byte"
	else
		not_ok "... canonical form changed" "$(diff "$T/canon.policy" "$T/out" | head -20)"
	fi
done
expect "check of the default and every example at once" 0 "$pol" check \
	policy/default.policy policy/examples/*.policy
if [ "$(wc -l <"$T/out")" -eq $((1 + $(ls policy/examples/*.policy | wc -l))) ]; then
	ok "... one line per file"
else
	not_ok "... not one line per file" "$(cat "$T/out")"
fi

# canonical form of a policy with every default left out
cat >"$T/short.policy" <<'POLICY'
# comments and blank lines go away

measure exec
  rule t open path="/run/my secrets/token" mode=read risk=high   # c
rule c capable allow=CAP_SYS_ADMIN,chown risk=critical action=deny scope=cgroup:42
rule n connect allow=2001:DB8:0::/32,127.0.0.0/8 risk=low
POLICY
expect "show fills in every default" 0 "$pol" show "$T/short.policy"
out_is "... in canonical form" 'measure exec scope=any
rule t open path="/run/my secrets/token" mode=read risk=high action=alert scope=any
rule c capable allow=chown,sys_admin risk=critical action=deny scope=cgroup:42
rule n connect allow=2001:db8::/32,127.0.0.0/8 risk=low action=alert scope=any'
expect "show --json" 0 "$pol" show --json "$T/short.policy"
jq_out "... file, digest, rule count" \
	'.file == "'"$T"'/short.policy" and .rules == 3 and (.sha256 | test("^[0-9a-f]{64}$"))'
jq_out "... the measure line" \
	'.statements[0] == {"type":"measure","kind":"exec","match":{},"scope":"any","line":3}'
jq_out "... the open rule" \
	'.statements[1] == {"type":"rule","id":"t","kind":"open","match":{"path":["/run/my secrets/token"]},"mode":"read","risk":"high","action":"alert","scope":"any","line":4}'
jq_out "... the capable rule" \
	'.statements[2].match.allow == ["chown","sys_admin"] and .statements[2].scope == "cgroup:42" and .statements[2].action == "deny"'
jq_out "... the connect rule" \
	'.statements[3].match.allow == ["2001:db8::/32","127.0.0.0/8"]'
expect "show --json of the default policy" 0 "$pol" show --json policy/default.policy
jq_out "... 16 statements, every rule scoped to containers" \
	'(.statements | length) == 16 and ([.statements[] | select(.type == "rule") | .scope] | unique) == ["container"]'
expect "check of standard input" 0 "$pol" check - <policy/default.policy
grep_out "... named <stdin>" '^<stdin>: ok, 14 rules, sha256:'

# malformed files: exit 3, one line FILE:line:col: message
bad() { # <desc> <line:col: message> <printf format of the file>
	printf "$3" >"$T/bad.policy"
	expect "$1" 3 "$pol" check "$T/bad.policy"
	out_is "... $2" "$T/bad.policy:$2"
}
bad "an unknown keyword" "2:1: unknown keyword 'match' (measure, dont_measure or rule)" \
	'measure exec\nmatch exec\n'
bad "a duplicate rule id" "3:6: duplicate rule id 'a' (line 1)" \
	'rule a exec name=x risk=low\n\nrule a exec name=y risk=low\n'
bad "a duplicate key" "1:29: duplicate key 'risk'" \
	'rule a exec name=x risk=low risk=high\n'
bad "a relative path" "1:18: path is not absolute (must start with '/')" \
	'rule a exec path=bin/sh risk=low\n'
bad "an unterminated quote" "1:18: unterminated quoted value" \
	'rule a exec path="/a b risk=low\n'
bad "host bits in a CIDR" "1:22: host bits set in '10.1.0.0/8' (the network is 10.0.0.0/8)" \
	'rule a connect allow=10.1.0.0/8 risk=low\n'
bad "an unknown capability" "1:28: unknown capability 'net_admn'" \
	'rule a capable allow=chown,net_admn risk=low\n'
bad "a NUL byte" "1:3: NUL byte" '# \0\n'
bad "a CR LF line end" "1:13: carriage return (lines end with LF only)" 'measure exec\r\n'
bad "bytes that are not UTF-8" "1:6: invalid UTF-8 (byte 0xc3)" '# caf\xc3\xe9\n'
bad "trailing garbage" "1:33: expected key=value, not 'please'" \
	'rule a exec name=wget risk=high please\n'
bad "a missing risk" "1:22: rule 'a' needs risk=" 'rule a exec name=wget\n'
bad "measuring a mount" "1:9: measure applies to exec, mmap_exec and open, not mount" \
	'measure mount\n'
expect "show of a malformed file" 3 "$pol" show "$T/bad.policy"
out_is "... the same error line, nothing else" "$T/bad.policy:1:9: measure applies to exec, mmap_exec and open, not mount"

# several files: every one is checked, the first failure's code is kept
expect "check of a good, a bad and a missing file" 3 "$pol" check \
	policy/default.policy "$T/bad.policy" "$T/missing.policy"
grep_out "... the good one passes" '^policy/default.policy: ok, 14 rules'
grep_out "... the bad one fails" "^$T/bad.policy:1:9: "
grep_out "... the missing one cannot be read" "^$T/missing.policy: cannot read: No such file or directory"

# files that cannot be read: 12
expect "check of a missing file" 12 "$pol" check "$T/missing.policy"
expect "check of a directory" 12 "$pol" check "$T"
grep_out "... cannot read" "^$T: cannot read: Is a directory"

# bounds: nothing is read past 1 MiB + 1 byte; no crash on any bytes
head -c 3000000 /dev/zero | tr '\0' '#' | fold -w 99 >"$T/big.policy"
expect "a 3 MB policy" 3 "$pol" check "$T/big.policy"
out_is "... refused where it passes 1 MiB" "$T/big.policy:10486:77: policy larger than 1048576 bytes"
expect "an endless policy (/dev/zero)" 3 timeout 20 "$pol" check /dev/zero
out_is "... refused at its bound" "/dev/zero:1:1048577: policy larger than 1048576 bytes"
awk 'BEGIN { printf "#"; for (i = 0; i < 5000; i++) printf "x"; print "" }' >"$T/long.policy"
expect "a line of 5001 bytes" 3 "$pol" check "$T/long.policy"
out_is "... refused at column 4097" "$T/long.policy:1:4097: line longer than 4096 bytes"
head -c 65536 /dev/urandom >"$T/random.policy"
expect "random bytes" 3 "$pol" check "$T/random.policy"
if [ "$(wc -l <"$T/out")" -eq 1 ] && grep -qE "^$T/random.policy:[0-9]+:[0-9]+: " "$T/out"; then
	ok "... one error line with a position"
else
	not_ok "... not one error line" "$(head -c 400 "$T/out" | cat -v)"
fi

echo "1..$n"
exit $failed
