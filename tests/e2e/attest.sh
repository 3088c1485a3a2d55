#!/bin/sh
# e2e (guest): evidence from the guest's own TPM. Containers run, then
# nsima-attest quotes PCR 11 (sha1, sha256) with the host's fresh nonce
# through /dev/tpmrm0; the list is read after the quote, so it may run
# ahead of it. attest.host verifies the quote and replays the list until
# the quoted value, on the host.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
[ -c /dev/tpmrm0 ] || bail "no /dev/tpmrm0 in the guest"

unshare -m sh -c 'nsima-probe >/dev/null; ls / >/dev/null'
unshare -m sh -c 'nsima-probe >/dev/null'

# Tenant T, kept alive: its view is for it and for the host's root only.
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}
	nsima-probe >/dev/null; ls / >/dev/null; echo "${n%]}" >/tmp/T
	unshare -m sh -c "n=\$(readlink /proc/self/ns/mnt); n=\${n#mnt:[}
		echo \${n%]} >/tmp/U; cat '$SFS'/ns/\${n%]}/info >/tmp/U.info"
	while [ ! -e /tmp/T.done ]; do sleep 0.1; done' &
while [ ! -s /tmp/T ]; do sleep 0.1; done
T=$(cat /tmp/T)
V=$SFS/ns/$T
check "the host's root reads T's view" cat $V/count
err=$(unshare -Urm sh -c "cat $V/count 2>&1 >/dev/null; cat $V/ascii_runtime_measurements >/dev/null 2>&1 && echo readable")
case $err in
*"Permission denied"*) ok "another tenant (no CAP_SYS_ADMIN in the initial user ns) cannot open T's view" ;;
*) not_ok "another tenant cannot open T's view (got '$err')" ;;
esac
own=$(unshare -Urm sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}; n=${n%]}
	cat '$SFS'/ns/$n/count')
check "a tenant reads its own view ($own entries)" test "$own" -ge 1
is "info: T's parent is the host" "$(sed -n 's/^parent_nsid: //p' $V/info)" 0
check "info: T's cgroup id is recorded" \
	test "$(sed -n 's/^cgroup_id: //p' $V/info)" -gt 0
U=$(cat /tmp/U)
is "info: a namespace unshared inside T is linked to T" \
	"$(sed -n 's/^parent_nsid: //p' /tmp/U.info)" "$T"
is "... and to T's cgroup" "$(sed -n 's/^cgroup_id: //p' /tmp/U.info)" \
	"$(sed -n 's/^cgroup_id: //p' $V/info)"
n=$(cat $V/count)
is "info: T's state counts its entries" "$(sed -n 's/^state_count: //p' $V/info)" "$n"
echo "$T" >$SFS/ns_state
check "ns_state appended for T" \
	grep -q " $T:nsima-event:ns_state " $SFS/ascii_runtime_measurements
is "count: entries in the list now, the ns_state included" "$(cat $V/count)" $((n + 1))
echo "$T" >/out/T
mkdir -p /tmp/ak /out/quote
check "nsima-attest quote through the guest's TPM" \
	nsima-attest quote -T device:/dev/tpmrm0 --ak-dir /tmp/ak --ak-alg ecc \
		--nonce "$(cat /nonce)" -o /out/quote
: >/tmp/T.done
wait
# More executions after the quote: the list runs ahead of it.
unshare -m sh -c 'nsima-probe >/dev/null'
cp $SFS/binary_runtime_measurements /out/binary_runtime_measurements
check "evidence written" test -s /out/quote/evidence.json
tap_done
