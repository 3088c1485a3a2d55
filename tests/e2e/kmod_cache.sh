#!/bin/sh
# e2e (guest): measure-once cache and open-writers violations.
# - a second exec of an unchanged file adds no entry;
# - after the file is modified, its next exec adds an entry with the new
#   digest (checked against sha256sum);
# - mapping a file PROT_EXEC while it is open for write records a
#   violation (zero digest) and the file is measured anyway;
# - opening a measured script for write while its interpreter reads it
#   records a ToMToU violation;
# - measured inodes that are freed leave the ToMToU table (its size follows
#   the inode cache), and a full table gives 'untracked' violations.
# kmod_cache.host replays the list against the TPM (violations extend 0xFF).
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
A=$SFS/ascii_runtime_measurements

# Copy of the probe, executed inside a namespace.
cp /usr/bin/nsima-probe /tmp/prog
chmod +x /tmp/prog
mkfifo /tmp/hold
unshare -m sh -c 'nsima-probe >/tmp/ns; read -r x </tmp/hold' &
while [ ! -s /tmp/ns ]; do :; done
read -r ns </tmp/ns
ns=${ns#mnt:[}; ns=${ns%]}
echo go >/tmp/hold
wait
quiesce >/dev/null	# its ns_end is in the list before we count

count() { grep -c " $1\$" $A; }
/tmp/prog >/dev/null
is "first exec of /tmp/prog measured once" "$(count /tmp/prog)" 1
n1=$(cat $SFS/count)
/tmp/prog >/dev/null
/tmp/prog >/dev/null
n2=$(cat $SFS/count)
# The two cats and the two execs of /tmp/prog are cache hits: no entry.
is "unchanged file: two more execs add no entry" "$n2" "$n1"
hits=$(sed -n 's/^cache_hits: //p' $SFS/status)
check "status counts cache hits ($hits)" test "$hits" -gt 2

echo modified >>/tmp/prog
want=$(sha256sum /tmp/prog | cut -d' ' -f1)
/tmp/prog >/dev/null
is "modified file: a new entry" "$(count /tmp/prog)" 2
got=$(grep " /tmp/prog\$" $A | tail -n1 | cut -d' ' -f4)
is "new entry carries the new digest" "$got" "sha256:$want"
: >/tmp/prog.trunc; cp /tmp/prog /tmp/prog.trunc; chmod +x /tmp/prog.trunc
/tmp/prog.trunc >/dev/null
truncate_to() { dd if=/dev/null of="$1" bs=1 seek="$2" 2>/dev/null; }
size=$(wc -c </tmp/prog.trunc)
truncate_to /tmp/prog.trunc $((size - 9))
/tmp/prog.trunc >/dev/null
is "truncated file: a new entry" "$(count /tmp/prog.trunc)" 2
cp /usr/bin/nsima-probe /tmp/other; chmod +x /tmp/other
echo other >>/tmp/other
/tmp/prog >/dev/null
mv /tmp/other /tmp/prog
/tmp/prog >/dev/null
is "renamed-over file: a new entry" "$(count /tmp/prog)" 3
want=$(sha256sum /tmp/prog | cut -d' ' -f1)
got=$(grep " /tmp/prog\$" $A | tail -n1 | cut -d' ' -f4)
is "renamed-over entry carries the new file's digest" "$got" "sha256:$want"

# Same file, other namespace: measured again, tagged.
unshare -m sh -c '/tmp/prog >/dev/null; /tmp/prog >/dev/null'
nsB=$(grep -c ":/tmp/prog\$" $A)
is "another namespace measures the file once, tagged" "$nsB" 1

# Open-writers violation: /tmp/lib is open for write while mapped PROT_EXEC.
v0=$(cat $SFS/violations)
echo library >/tmp/lib
exec 3>>/tmp/lib
nsima-probe mmap /tmp/lib
exec 3>&-
v1=$(cat $SFS/violations)
is "open-writers violation counted" "$((v1 - v0))" 1
# The same inside a namespace: counted in its view.
echo library2 >/tmp/lib2
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}; n=${n%]}
	exec 3>>/tmp/lib2; nsima-probe mmap /tmp/lib2; exec 3>&-
	cat '$SFS'/ns/$n/violations >/tmp/nsviol'
is "a namespace's violation is counted in its view" "$(cat /tmp/nsviol)" 1
check "violation entry: zero digests, names the file, says why" \
	grep -qxF "$(vline /tmp/lib mmap_exec open_writers)" $A
want=$(sha256sum /tmp/lib | cut -d' ' -f1)
check "file measured as well after the violation" \
	grep -q " ima-ng sha256:$want /tmp/lib\$" $A
nsima-probe mmap /tmp/lib
is "file with writers was not cached: measured again" "$(grep -c " sha256:$want /tmp/lib\$" $A)" 2

# ToMToU: a measured script is being read by its interpreter when
# another process opens it for write.
printf '#!/bin/sh\n: >/tmp/tready\nread -r x </tmp/tgo\n' >/tmp/script
chmod +x /tmp/script
mkfifo /tmp/tgo
/tmp/script &
while [ ! -e /tmp/tready ]; do :; done
v0=$(cat $SFS/violations)
echo "# appended" >>/tmp/script
v1=$(cat $SFS/violations)
echo go >/tmp/tgo
wait
is "ToMToU violation: measured script opened for write while read" "$((v1 - v0))" 1
check "ToMToU entry names the script, zero digest, says why" \
	grep -qxF "$(vline /tmp/script file_write tomtou)" $A
v2=$(cat $SFS/violations)
echo "# again" >>/tmp/script
is "no violation when nobody reads the file" "$(cat $SFS/violations)" "$v2"

# The ToMToU table forgets freed inodes: with room for 5 more, 40 files
# measured and deleted one after the other all fit.
st() { sed -n "s/^$1: //p" $SFS/status; }
P=/sys/module/nsima/parameters/tomtou_max
max0=$(cat $P)
f0=$(st tomtou_forgotten)
t0=$(st tomtou_tracked)
echo $((t0 + 5)) >$P
U=$(printf '"reason":"untracked"}' | od -An -v -tx1 | tr -d ' \n')
untracked() { grep -c "$U\$" $A || :; }
u0=$(untracked)
i=0
while [ $i -lt 40 ]; do
	cp /usr/bin/nsima-probe /tmp/gone; /tmp/gone >/dev/null; rm /tmp/gone
	i=$((i + 1))
done
f1=$(st tomtou_forgotten)
check "40 measured, deleted files forgotten ($((f1 - f0)))" test $((f1 - f0)) -ge 40
is "none of them found the table full" "$(untracked)" "$u0"
check "table size back near where it was ($(st tomtou_tracked) vs $t0)" \
	test "$(st tomtou_tracked)" -le $((t0 + 5))
# Kept alive, they do not fit: the files beyond the bound say so.
i=0
while [ $i -lt 10 ]; do
	cp /usr/bin/nsima-probe /tmp/kept$i; /tmp/kept$i >/dev/null
	i=$((i + 1))
done
echo "$max0" >$P
check "a full table: 'untracked' violations for the files beyond it" \
	test "$(untracked)" -ge $((u0 + 5))
check "the untracked violation names the file" \
	grep -qxF "$(vline /tmp/kept9 bprm_check untracked)" $A

check "quiescent (namespaces ended, nothing pending)" quiesce
save_snapshot
tap_done
