# TAP helpers for guest scripts (busybox sh). Source it:
#   . /tests/e2e/lib/tap.sh
# Tests print "ok N - ..." / "not ok N - ..."; tap_done prints the plan
# ("1..N", trailing: a script that stops before tap_done has none, and
# tests/run fails it) and exits with the status.
# Builtins only (echo, test, read): an exec would be measured and change
# the list under test.
# (sourced twice, by a script and a scenario it runs, the count goes on)
tap_n=${tap_n:-0}
tap_failed=${tap_failed:-0}
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
# fails_with "description" TEXT command...: ok if the command fails and its
# error output holds TEXT, the reason it must fail for: the errno's text as
# busybox prints it ("Invalid argument", "Stale file handle", ...).
fails_with() {
	_d=$1 _t=$2
	shift 2
	_e=$("$@" 2>&1 >/dev/null)
	_r=$?
	case $_r:$_e in
	0:*) not_ok "$_d (succeeded; expected a failure with '$_t')" ;;
	*"$_t"*) ok "$_d ($_t)" ;;
	*) not_ok "$_d (exit $_r, '$_e'; expected '$_t')" ;;
	esac
}
# write_to FILE VALUE: echo VALUE >FILE with a builtin (nothing executed, so
# nothing measured); a failed write says "sh: write error: <errno text>"
write_to() { echo "$2" >"$1"; }
# load_ko NAME [ARG...]: insmod /nsima/NAME.ko; when the kernel has it
# built in (vm/mkinitramfs then copies no file: 6.12's fuse), that it
# shows in /sys/module
load_ko() {
	_m=$1
	shift
	if [ -f /nsima/$_m.ko ]; then
		insmod /nsima/$_m.ko "$@"
	else
		# built in: the kernel lists it (a module with parameters)
		test -d /sys/module/$_m
	fi
}
# bail "reason": fatal, nothing after it can be tested
bail() {
	not_ok "$*"
	echo "# FATAL: $*"
	exit 1
}
tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

# save_snapshot [BANK...]: the binary list and PCR 11 of each bank (default
# sha1 sha256) into /out for the host-side replay (lib/replay-check). cp is
# the last exec: the PCRs are read with builtins, so nothing is measured
# between the copy and the reads.
save_snapshot() {
	_banks=${*:-sha1 sha256}
	cp /sys/kernel/security/nsima/binary_runtime_measurements \
		/out/binary_runtime_measurements
	for _b in $_banks; do
		read -r _v </sys/class/tpm/tpm0/pcr-$_b/11
		echo "$_v" >/out/pcr-$_b-11
	done
}

# quiesce [LIVE]: wait (at most 30 s) until no namespace is live (or LIVE
# that the test keeps alive), no queued event is unmeasured and no extend
# is pending, so that the list and the PCRs describe the same moment (with
# extend=async the list runs ahead).
quiesce() {
	_s=/sys/kernel/security/nsima/status
	for _i in $(seq 150); do
		[ "$(sed -n 's/^namespaces_live: //p' $_s)" = "${1:-0}" ] &&
			[ "$(sed -n 's/^event_queue: \([0-9]*\).*/\1/p' $_s)" = 0 ] &&
			[ "$(sed -n 's/^pending_extends: //p' $_s)" = 0 ] && return 0
		sleep 0.2
	done
	echo "# quiesce: still busy after 30 s"
	sed 's/^/# /' $_s
	return 1
}

# vhex HOOK REASON [ERRNO]: hex of a violation entry's JSON buf
# (kmod/nsima_measure.c: {"errno":E,"hook":"H","reason":"R"}).
vhex() {
	printf '{"errno":%s,"hook":"%s","reason":"%s"}' "${3:-0}" "$1" "$2" |
		od -An -v -tx1 | tr -d ' \n'
}
ZERO40=0000000000000000000000000000000000000000
ZERO64=$ZERO40$ZERO40
ZERO64=${ZERO64%????????????????}
# vline NAME HOOK REASON [ERRNO]: the ascii line of that violation (PCR 11)
vline() {
	echo "11 $ZERO40 ima-buf sha256:$ZERO64 $1 $(vhex "$2" "$3" "$4")"
}
