#!/bin/sh
# vm-options: --modparams "ns_entries_max=30 ns_cache_max=16 ns_events_max=4" --timeout 400 --policy tests/e2e/kmod_tenants.policy
# e2e (guest): per-tenant bounds and the lifetime of namespace records.
# - ns_entries_max: a tenant executing more new files than its bound gets
#   one quota violation, then its entries are refused (counted);
# - ns_cache_max: beyond its cache share, a quota violation, then files
#   are measured uncached;
# - ns_events_max: a tenant flooding capability events loses the excess,
#   logged as its own overflow violation (not the host's);
# - 10,000 namespaces, each measuring a file, end; after trim their records
#   are freed (namespaces_freed) and the kernel's slab memory returns to
#   within a bound of where it started.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
A=$SFS/ascii_runtime_measurements
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
st() { sed -n "s/^$1: //p" $SFS/status; }

# ---- entries and cache bounds ----
mkdir -p /tmp/s
for i in $(seq 40); do printf '#!/bin/sh\n# %s\n' $i >/tmp/s/s$i; done
chmod +x /tmp/s/*
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}; n=${n%]}
	echo $n >/tmp/nsQ; for i in $(seq 40); do /tmp/s/s$i; done
	cat '$SFS'/ns/$n/info >/tmp/infoQ'
nsQ=$(cat /tmp/nsQ)
check "ns_cache_max: one quota violation names the bound" \
	grep -qxF "$(vline "$nsQ:nsima-event:ns_cache_max" "" quota -122)" $A
check "ns_entries_max: one quota violation names the bound" \
	grep -qxF "$(vline "$nsQ:nsima-event:ns_entries_max" "" quota -122)" $A
is "the tenant's entries stop at the bound (+ its quota violation)" \
	"$(grep " $nsQ:" $A | grep -c -v ':nsima-event:ns_end ')" 31
dropped=$(sed -n 's/^quota_dropped: //p' /tmp/infoQ)
check "the refused entries are counted ($dropped)" test "$dropped" -gt 0
check "status counts them too" test "$(st quota_dropped)" -ge "$dropped"
is "the tenant's cache holds its share" \
	"$(sed -n 's/^cache_entries: //p' /tmp/infoQ)" 16

# ---- event bound ----
unshare -m -u sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}; n=${n%]}
	echo $n >/tmp/nsE; nsima-probe sethostname 300 >/dev/null'
nsE=$(cat /tmp/nsE)
check "quiescent" quiesce
check "ns_events_max: the tenant's dropped events are its overflow violation" \
	grep -q "^11 $ZERO40 ima-buf sha256:$ZERO64 $nsE:nsima-event:overflow " $A
is "no host overflow" "$(grep -c ' nsima-event:overflow ' $A)" 0
dropped=$(st events_dropped)
check "events were dropped ($dropped)" test "$dropped" -gt 0

# ---- 10,000 namespaces come and go ----
printf 'x' >/tmp/tiny
n=$(cat $SFS/count); echo "$n" >$SFS/trim
nsima-probe ns-loop 200 /tmp/tiny >/dev/null	# warm the slab caches
quiesce >/dev/null; n=$(cat $SFS/count); echo "$n" >$SFS/trim
sleep 3
echo 3 >/proc/sys/vm/drop_caches
slab0=$(sed -n 's/^Slab: *\([0-9]*\).*/\1/p' /proc/meminfo)
freed0=$(st namespaces_freed)
is "10,000 namespaces each measure a file" \
	"$(nsima-probe ns-loop 10000 /tmp/tiny)" 10000
check "all of them ended" quiesce
echo 3 >/proc/sys/vm/drop_caches
slab1=$(sed -n 's/^Slab: *\([0-9]*\).*/\1/p' /proc/meminfo)
# A record is freed once its namespace's entries, ns_end included, are
# trimmed; the last ns_end entries may still be on their way (the end
# worker appends them in batches): trim what is there until none is left.
for _ in $(seq 40); do
	n=$(cat $SFS/count); echo "$n" >$SFS/trim
	[ "$(st namespaces_ended)" = 0 ] && break
	sleep 0.25
done
# kfree_rcu()'d records, RCU-freed inodes and mounts, table shrinking
sleep 3
echo 3 >/proc/sys/vm/drop_caches
slab2=$(sed -n 's/^Slab: *\([0-9]*\).*/\1/p' /proc/meminfo)
freed=$(( $(st namespaces_freed) - freed0 ))
echo "# slab: before $slab0 kB, all ended $slab1 kB, after trim $slab2 kB; freed $freed records"
check "their records were freed after trim ($freed)" test "$freed" -ge 10000
is "no ended record is left" "$(st namespaces_ended)" 0
check "slab memory returned to within 2 MiB ($((slab2 - slab0)) kB)" \
	test $((slab2 - slab0)) -lt 2048
check "no lost entries" test "$(st lost)" = 0
cp /usr/bin/nsima-probe /tmp/last && /tmp/last >/dev/null	# one entry
save_snapshot
cp $SFS/checkpoint /out/checkpoint
tap_done
