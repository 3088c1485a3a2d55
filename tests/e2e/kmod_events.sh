#!/bin/sh
# vm-options: --modparams "event_queue=16" --policy tests/e2e/kmod_events.policy
# e2e (guest): event entries, raised by the rules of kmod_events.policy.
# A mount inside a container is an ima-buf entry (sleepable kfunc);
# CAP_SYS_ADMIN checks are queued events (non-sleepable kfunc) and a
# flood of them overflows the 16-slot queue: the
# drops are counted and logged as violation entries of the flooding
# namespace (not the host's), never lost silently.
# kmod_events.host checks every event's JSON (canonical, valid, digest)
# and replays the list against the TPM.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"

mkdir -p /tmp/mnt
unshare -m sh -c 'readlink /proc/self/ns/mnt >/tmp/ns; mount -t tmpfs nsimatest /tmp/mnt'
read -r ns </tmp/ns
ns=${ns#mnt:[}; ns=${ns%]}
echo "$ns" >/out/ns
A=$SFS/ascii_runtime_measurements
check "mount event entry tagged with the namespace" \
	grep -q " ima-buf sha256:[0-9a-f]\{64\} $ns:nsima-event:mount " $A

calls=3000
unshare -m -u nsima-probe sethostname $calls >/tmp/done || not_ok "sethostname loop failed"
is "sethostname calls made" "$(cat /tmp/done)" $calls
# Wait until the queue is drained.
for i in $(seq 100); do
	[ "$(sed -n 's/^event_queue: //p' $SFS/status)" = 0/16 ] && break
	sleep 0.2
done
sleep 1
queued=$(sed -n 's/^events_queued: //p' $SFS/status)
dropped=$(sed -n 's/^events_dropped: //p' $SFS/status)
echo "# capability events: $queued queued, $dropped dropped"
check "the queue overflowed ($dropped dropped)" test "$dropped" -gt 0
cp $A /out/ascii_runtime_measurements
check "quiescent (namespaces ended, nothing pending)" quiesce
save_snapshot
echo "$queued" >/out/queued
echo "$dropped" >/out/dropped
is "every queued event is in the list" \
	"$(grep -c ':nsima-event:capable ' /out/ascii_runtime_measurements)" "$queued"
check "overflow entries are violations (zero template digest)" \
	test "$(grep ':nsima-event:overflow ' /out/ascii_runtime_measurements |
		cut -d' ' -f2 | sort -u)" = 0000000000000000000000000000000000000000
is "the overflow is the flooding namespace's, not the host's" \
	"$(grep -c ' nsima-event:overflow ' /out/ascii_runtime_measurements)" 0
is "status counts the overflow violations" \
	"$(cat $SFS/violations)" \
	"$(grep -c ':nsima-event:overflow ' /out/ascii_runtime_measurements)"
tap_done
