# TAP helpers for guest scripts (busybox sh). Source it:
#   . /tests/e2e/lib/tap.sh
# Tests print "ok N - ..." / "not ok N - ..."; tap_done exits with the status.
# Builtins only (echo, test, read): an exec would be measured and change
# the list under test.
tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}
# check "description" command...: ok if the command succeeds
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}
# is "description" got expected
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', expected '$3')"; fi
}
# bail "reason": fatal, nothing after it can be tested
bail() {
	not_ok "$*"
	echo "# FATAL: $*"
	exit 1
}
tap_done() {
	[ "$tap_failed" -eq 0 ]
	exit $?
}
