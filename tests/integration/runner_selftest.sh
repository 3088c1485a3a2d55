#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/run itself: fake suites in a temporary directory, run through it,
# must be reported as failures with their names and counted in the final
# "N passed, N failed": a suite that planned 5 and ran 1, one that prints
# no plan, one that hangs (killed at its own or its kind's time limit,
# with what it started), a skipped one, one that exits non-zero without a
# failure; and a run given no suite at all. Nothing here boots a VM: the
# e2e limits are checked with --dry-run.
# test-timeout: 120
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.inc
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset NSIMA_TIMEOUT_UNIT NSIMA_TIMEOUT_FUZZ NSIMA_TIMEOUT_INTEGRATION NSIMA_TIMEOUT_E2E

# fake NAME: a suite script $T/NAME from stdin
fake() {
	cat >"$T/$1"
	chmod +x "$T/$1"
}
fake good.sh <<'EOF'
#!/bin/sh
echo "ok 1 - a"
echo "ok 2 - b"
echo "1..2"
EOF
fake lead.sh <<'EOF'
#!/bin/sh
echo "1..1"
echo "ok 1 - a"
EOF
fake short.sh <<'EOF'
#!/bin/sh
echo "1..5"
echo "ok 1 - the only one run"
EOF
fake noplan.sh <<'EOF'
#!/bin/sh
echo "ok 1 - a"
echo "ok 2 - b"
EOF
fake hang.sh <<EOF
#!/bin/sh
# test-timeout: 2
echo "ok 1 - before the hang"
sleep 30 &
echo \$! >$T/hang.child
sleep 30
echo "1..1"
EOF
fake skip.sh <<'EOF'
#!/bin/sh
echo "1..0 # SKIP frobnicator not installed"
EOF
fake exit3.sh <<'EOF'
#!/bin/sh
echo "ok 1 - a"
echo "1..1"
exit 3
EOF
fake fail.sh <<'EOF'
#!/bin/sh
echo "1..3"
echo "ok 1 - a"
echo "not ok 2 - b"
exit 1
EOF
fake hang_unit <<'EOF'
#!/bin/sh
echo "1..1"
sleep 30
EOF

# run_runner OUT ARGS...: tests/run with its logs under $T; status in $T/rc
run_runner() {
	local out=$1
	shift
	B=$T/b tests/run "$@" >"$T/$out" 2>&1
	echo $? >"$T/rc"
}
# has <desc> <out> <fixed string>
has() {
	if grep -qF -- "$3" "$T/$2"; then
		ok "$1"
	else
		not_ok "$1: no '$3' in the output" "$(tail -n 30 "$T/$2")"
	fi
}

s=$SECONDS
run_runner all.out --integration "$T/good.sh $T/lead.sh $T/short.sh $T/noplan.sh $T/hang.sh $T/skip.sh $T/exit3.sh $T/fail.sh"
took=$((SECONDS - s))
has "a suite that planned 5 and ran 1 fails, named, with the counts" all.out \
	"not ok - integration/short.sh: planned 5, ran 1"
has "a suite without a plan fails, named" all.out \
	"not ok - integration/noplan.sh: no plan"
has "a hung suite is killed at its declared limit and fails, named" all.out \
	"not ok - integration/hang.sh: timed out after 2 s"
check_dead() {
	local pid st
	pid=$(cat "$T/hang.child" 2>/dev/null)
	st=$(sed -n 's/^[0-9]* ([^)]*) \(.\).*/\1/p' "/proc/$pid/stat" 2>/dev/null)
	[ -n "$pid" ] && { [ -z "$st" ] || [ "$st" = Z ]; }
}
for _ in $(seq 20); do check_dead && break; sleep 0.1; done
if check_dead; then
	ok "what the hung suite started in the background is killed too"
else
	not_ok "the hung suite's background child $(cat "$T/hang.child" 2>/dev/null) survived"
	kill "$(cat "$T/hang.child")" 2>/dev/null
fi
has "a skipped suite fails, named, with the reason" all.out \
	"not ok - integration/skip.sh: skipped (frobnicator not installed)"
has "a suite that exits non-zero without a failure fails, named" all.out \
	"not ok - integration/exit3.sh: exited 3 without reporting a failure"
has "a suite's own failure is reported with its name" all.out \
	"[integration/fail.sh] not ok 2 - b"
has "... its plan mismatch is shown but not counted again" all.out \
	"# integration/fail.sh: also planned 3, ran 2"
if grep -qE 'not ok - integration/(good|lead)\.sh' "$T/all.out"; then
	not_ok "a suite whose plan (leading or trailing) matches fails" "$(cat "$T/all.out")"
else
	ok "suites with a trailing or a leading plan that matches pass"
fi
# passed: good 2, lead 1, short 1, noplan 2, hang 1, exit3 1, fail 1 = 9
# failed: short, noplan, hang, skip, exit3 (one each), fail's "not ok 2" = 6
is_line=$(tail -n1 "$T/all.out")
if [ "$is_line" = "9 passed, 6 failed" ]; then
	ok "the final line counts every failure (9 passed, 6 failed)"
else
	not_ok "final line '$is_line', expected '9 passed, 6 failed'" "$(cat "$T/all.out")"
fi
if [ "$(cat "$T/rc")" = 1 ]; then ok "tests/run exits 1"; else not_ok "tests/run exited $(cat "$T/rc")"; fi
if [ "$took" -lt 60 ]; then ok "the hung suite did not hold the run (${took}s)"; else not_ok "the run took ${took}s"; fi

NSIMA_TIMEOUT_UNIT=1 run_runner unit.out --unit "$T/hang_unit"
has "a kind's limit from the environment (NSIMA_TIMEOUT_UNIT=1)" unit.out \
	"not ok - unit/hang_unit: timed out after 1 s"
has "... counted" unit.out "0 passed, 1 failed"

run_runner ok.out --integration "$T/good.sh $T/lead.sh"
if [ "$(tail -n1 "$T/ok.out")" = "3 passed, 0 failed" ] && [ "$(cat "$T/rc")" = 0 ]; then
	ok "a clean run: 3 passed, 0 failed, exit 0"
else
	not_ok "a clean run: $(tail -n1 "$T/ok.out"), exit $(cat "$T/rc")" "$(cat "$T/ok.out")"
fi

run_runner none.out --unit "" --e2e ""
has "a run that found no tests fails" none.out "not ok - tests/run: no tests found"
if [ "$(tail -n1 "$T/none.out")" = "0 passed, 1 failed" ] && [ "$(cat "$T/rc")" = 1 ]; then
	ok "... counted (0 passed, 1 failed), exit 1"
else
	not_ok "no tests: $(tail -n1 "$T/none.out"), exit $(cat "$T/rc")"
fi

# e2e limits: the script's VM limit + 60, vm/run's default + 60, the
# script's own test-timeout, the environment.
printf '#!/bin/sh\n# vm-options: --no-tpm --timeout 77\n' >"$T/vm77.sh"
printf '#!/bin/sh\n# e2e\n' >"$T/vmdef.sh"
printf '#!/bin/sh\n# vm-options: --timeout 77\n# test-timeout: 500\n' >"$T/own.sh"
run_runner dry.out --dry-run --e2e "$T/vm77.sh $T/vmdef.sh $T/own.sh"
has "e2e: the VM's --timeout from vm-options + 60" dry.out "e2e/vm77.sh 137s"
has "e2e: vm/run's default --timeout + 60" dry.out "e2e/vmdef.sh 240s"
has "e2e: a test's own test-timeout" dry.out "e2e/own.sh 500s"
NSIMA_TIMEOUT_E2E=999 run_runner dry.out --dry-run --e2e "$T/vm77.sh"
has "e2e: NSIMA_TIMEOUT_E2E wins" dry.out "e2e/vm77.sh 999s"
echo "1..$n"
exit $failed
