#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# agent/systemd/nsimad.service: systemd's own checks. systemd-analyze
# verify finds nothing wrong with it (with ExecStart pointed at the built
# nsimad), its offline security score stays "OK" (at most 3.0 of 10; it
# is 2.8), and the hardening nsimad depends on is in it: securityfs
# writable (trim, ns_state), the TPM the only device, no new privileges,
# the capabilities it needs and no others. (No systemd runs as PID 1
# here: the unit is checked, not started.) TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
need_tools systemd-analyze
need_built "$B/bin/nsimad"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unit=agent/systemd/nsimad.service
sed "s|^ExecStart=/usr/sbin/nsimad|ExecStart=$PWD/$B/bin/nsimad|" "$unit" >"$T/nsimad.service"

expect "systemd-analyze verify: no complaint" 0 systemd-analyze verify "$T/nsimad.service"
if [ -s "$T/out" ]; then
	not_ok "systemd-analyze verify printed something" "$(head -c 600 "$T/out")"
else
	ok "... and printed nothing"
fi
systemd-analyze security --offline=true "$T/nsimad.service" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for nsimad.service: \([0-9.]*\) .*/\1/p' "$T/sec")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
	ok "offline security score $score (<= 3.0, OK)"
else
	not_ok "offline security score '$score'" "$(tail -n 3 "$T/sec")"
fi
for line in "ReadWritePaths=/sys/kernel/security/nsima" "DevicePolicy=closed" \
	"DeviceAllow=/dev/tpmrm0 rw" "NoNewPrivileges=yes" "ProtectSystem=strict" \
	"CapabilityBoundingSet=CAP_SYS_ADMIN CAP_BPF CAP_DAC_READ_SEARCH" \
	"StateDirectory=nsima nsima-ak" "StateDirectoryMode=0700" "KillSignal=SIGTERM" \
	"RestartPreventExitStatus=2 3" \
	"ExecStart=/usr/sbin/nsimad --config /etc/nsima/nsimad.conf"; do
	if grep -qxF "$line" "$unit"; then ok "$line"; else not_ok "missing: $line"; fi
done
# nsimad takes the unit's command line (its options exist)
expect "nsimad --help names --config" 0 "$B/bin/nsimad" --help
grep_out "... --config" "--config FILE"
echo "1..$n"
exit $failed
