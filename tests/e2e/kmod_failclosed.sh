#!/bin/sh
# e2e (guest): nsima.ko fails closed. Each attack a tenant can run from
# inside its own mount namespace yields the file's entry or a violation
# entry that names the file and says why; none leaves nothing:
# - a path of 4,088 bytes: measured under its full name (room for the
#   "<nsid>:" prefix); deeper than PATH_MAX: measured under its own name;
# - a directory name carrying a newline and a forged host entry, spaces,
#   an escape sequence: escaped, one line per entry, no forged line;
# - chroot: the name is the absolute path in the namespace, not the
#   chroot-relative one;
# - a 1 TiB sparse file mapped executable: with hash_max small a too_large
#   violation; without a limit, SIGKILL stops the hash (interrupted);
# - mprotect() adding PROT_EXEC to a file mapping (no sleepable hook on
#   6.1, the file cannot be hashed there): a violation naming the file;
# - FUSE answering EIO: a read_error violation (errno -5);
# - a file mapped through an O_DIRECT descriptor (ext4 on a RAM disk):
#   measured with its real digest (the module reopens it for reading);
# - two tenants: while tenant A's measurement of a slow FUSE file hangs,
#   tenant B's new executions complete, and a second task of A waiting
#   for the same file can be killed.
# The host side checks that the ascii list parses to the binary list's
# entries (libnsima and Keylime's rules) and replays the list to the TPM.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
A=$SFS/ascii_runtime_measurements
P=/sys/module/nsima/parameters
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
PROBE=/usr/bin/nsima-probe
want=$(sha256sum $PROBE | cut -d' ' -f1)

# in_ns SCRIPT: run SCRIPT in a new mount namespace; its id in /tmp/ns.id
in_ns() {
	unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}
		echo "${n%]}" >/tmp/ns.id; '"$1"
}
ns_id() { cat /tmp/ns.id; }
has_line() { grep -qxF "$1" $A; }
entry() { echo "11 [0-9a-f]\{40\} ima-ng sha256:$2 $1"; }

# ---- a path of 4,088 bytes ----
d200=$(printf '%0200d' 0 | tr 0 d)
deep=/tmp/deep
for _ in $(seq 20); do deep=$deep/$d200; done
deep=$deep/$(printf '%055d' 0 | tr 0 e)
mkdir -p "$deep"
cp $PROBE "$deep/bb"
long=$deep/bb
is "the path is 4,088 bytes" "${#long}" 4088
in_ns "'$deep/bb' >/dev/null"
ns=$(ns_id)
check "4,088-byte path: entry under the full name" \
	grep -q "^$(entry "$ns:$deep/bb" "$want")\$" $A
# Deeper than PATH_MAX (relative cd): no absolute name exists.
in_ns "cd '$deep' && nsima-probe deep-exec 3 $PROBE"
ns=$(ns_id)
check "path beyond PATH_MAX: entry under the file's own name" \
	grep -q "^$(entry "$ns:cc" "$want")\$" $A

# ---- names with a newline, spaces, an escape sequence ----
z40=$ZERO40
z64=$ZERO64
nl=$(printf 'x\n11 %s ima-ng sha256:%s /usr/sbin/sshd' $z40 $z64)
mkdir -p "/tmp/$nl" "/tmp/a b" "/tmp/$(printf 'e\033[31mred')"
cp $PROBE "/tmp/$nl/y"
cp $PROBE "/tmp/a b/c d"
cp $PROBE "/tmp/$(printf 'e\033[31mred')/z"
in_ns "'/tmp/$nl/y' >/dev/null; '/tmp/a b/c d' >/dev/null
	'/tmp/$(printf 'e\033[31mred')/z' >/dev/null"
ns=$(ns_id)
esc="x\\\\x0a11_${z40}_ima-ng_sha256\\\\x3a${z64}_/usr/sbin/sshd"
check "newline name: escaped, one entry" \
	grep -q "^$(entry "$ns:/tmp/$esc/y" "$want")\$" $A
is "no line forges a host entry for /usr/sbin/sshd/y" \
	"$(grep -c ' /usr/sbin/sshd/y$' $A)" 0
check "spaces become '_'" grep -q "^$(entry "$ns:/tmp/a_b/c_d" "$want")\$" $A
check "an escape sequence is escaped" \
	grep -q "^$(entry "$ns:/tmp/e\\\\x1b\[31mred/z" "$want")\$" $A
quiesce >/dev/null	# no ns_end between the two reads
is "one ascii line per entry" "$(wc -l <$A)" "$(cat $SFS/count)"
is "no name holds a byte outside 0x21-0x7e" \
	"$(tr -d '\n' <$A | tr -d '\041-\176 ' | wc -c)" 0

# ---- chroot ----
mkdir -p /tmp/jail/bin
cp /bin/busybox /tmp/jail/bin/sh
in_ns "chroot /tmp/jail /bin/sh -c true"
ns=$(ns_id)
bb=$(sha256sum /bin/busybox | cut -d' ' -f1)
check "chroot: the jail's shell is named by its absolute path" \
	grep -q "^$(entry "$ns:/tmp/jail/bin/sh" "$bb")\$" $A
is "chroot: no entry names it /bin/sh" "$(grep -c " $ns:/bin/sh\$" $A)" 0

# ---- a 1 TiB sparse file mapped executable ----
truncate -s 1099511627776 /tmp/huge
echo 1048576 >$P/hash_max
in_ns "nsima-probe mmap /tmp/huge"
ns=$(ns_id)
check "hash_max: a too_large violation names the file" \
	has_line "$(vline "$ns:/tmp/huge" mmap_exec too_large -27)"
echo 0 >$P/hash_max
truncate -s 1099511627776 /tmp/huge2
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}
	echo "${n%]}" >/tmp/ns.id; exec nsima-probe mmap /tmp/huge2' &
pid=$!
sleep 1
ns=$(ns_id)
check "no limit: the 1 TiB hash is still running, nothing logged yet" \
	test -d /proc/$pid -a "$(grep -c " $ns:/tmp/huge2 " $A)" = 0
kill -9 $pid
wait $pid
check "SIGKILL stops the hash: an interrupted violation names the file" \
	has_line "$(vline "$ns:/tmp/huge2" mmap_exec interrupted -4)"
echo 4294967296 >$P/hash_max

# ---- mprotect: a mapping made executable later ----
cp $PROBE /tmp/mp
in_ns "nsima-probe mprotect /tmp/mp"
ns=$(ns_id)
quiesce >/dev/null
hex=$(grep "^11 $ZERO40 ima-buf sha256:$ZERO64 $ns:nsima-event:mprotect_exec " $A |
	cut -d' ' -f6)
json=$(printf "$(echo "$hex" | sed 's/\(..\)/\\x\1/g')")
case $json in
*'"name":"mp"'*) ok "mprotect(PROT_EXEC) of a file mapping: a violation naming it ($json)" ;;
*) not_ok "mprotect(PROT_EXEC) of a file mapping: a violation naming it (got '$json')" ;;
esac

# ---- FUSE: reads fail with EIO ----
load_ko fuse || bail "insmod fuse.ko failed"
mkdir -p /tmp/feio /tmp/fslow
nsima-fusesrv --mode eio /tmp/feio $PROBE || bail "nsima-fusesrv eio failed"
in_ns "nsima-probe mmap /tmp/feio/bin"
ns=$(ns_id)
check "EIO: a read_error violation names the file" \
	has_line "$(vline "$ns:/tmp/feio/bin" mmap_exec read_error -5)"
umount /tmp/feio
# A FUSE server can change what a file holds without a local write: its
# files are never cached, each mapping is measured.
mkdir -p /tmp/fok
nsima-fusesrv --mode ok /tmp/fok $PROBE || bail "nsima-fusesrv ok failed"
in_ns "nsima-probe mmap /tmp/fok/bin; nsima-probe mmap /tmp/fok/bin"
ns=$(ns_id)
is "FUSE: not cached, measured at each mapping" \
	"$(grep -c "^$(entry "$ns:/tmp/fok/bin" "$want")\$" $A)" 2
umount /tmp/fok

# ---- O_DIRECT: kernel_read() cannot read it; reopened, measured ----
for m in crc32c_generic crc16 mbcache jbd2 ext4 brd; do
	[ "$m" = brd ] && set -- rd_nr=1 rd_size=16384 || set --
	load_ko $m "$@" || bail "insmod $m.ko failed"
done
mke2fs -q /dev/ram0 >/dev/null || bail "mke2fs /dev/ram0 failed"
mkdir -p /tmp/ext && mount -t ext4 /dev/ram0 /tmp/ext || bail "mount ext4 failed"
cp $PROBE /tmp/ext/direct
# A 4,100-byte tail: not a multiple of the block size either.
head -c 4100 /dev/urandom >>/tmp/ext/direct
dwant=$(sha256sum /tmp/ext/direct | cut -d' ' -f1)
in_ns "nsima-probe mmap-direct /tmp/ext/direct"
rc=$?
ns=$(ns_id)
is "O_DIRECT mapping succeeded" "$rc" 0
is "O_DIRECT: measured with the file's digest" \
	"$(grep -c "^$(entry "$ns:/tmp/ext/direct" "$dwant")\$" $A)" 1
is "O_DIRECT: no violation for it" "$(grep -c " $ns:/tmp/ext/direct [0-9a-f]*\$" $A)" 0
umount /tmp/ext

# ---- two tenants: a slow file stalls only its own measurement ----
rel=/tmp/release
nsima-fusesrv --mode slow --release $rel /tmp/fslow $PROBE ||
	bail "nsima-fusesrv slow failed"
# Tenant A: one task measures the slow file; once it is stuck a second
# task of A asks for the same file (and waits for the first).
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}
	echo "${n%]}" >/tmp/nsA
	(nsima-probe mmap /tmp/fslow/bin; echo $? >/tmp/doneA) &
	echo $! >/tmp/pidA1
	for _ in $(seq 200); do
		read -r w <'$rel'.waiting; [ "$w" -ge 1 ] && break; sleep 0.05
	done
	nsima-probe mmap /tmp/fslow/bin &
	echo $! >/tmp/pidA2
	while [ ! -e /tmp/goA ]; do sleep 0.05; done; wait' &
pidA=$!
w=0
for _ in $(seq 200); do
	[ -s /tmp/pidA2 ] && break
	sleep 0.05
done
read -r w <$rel.waiting
is "tenant A's measurement is stuck in a FUSE read" "$w" 1
nsA=$(cat /tmp/nsA)
pidA2=$(cat /tmp/pidA2)
for i in 1 2 3 4 5 6 7 8; do
	cp $PROBE /tmp/b$i
done
in_ns 'for i in 1 2 3 4 5 6 7 8; do /tmp/b$i >/dev/null || exit 1; done
	: >/tmp/doneB'
nsB=$(ns_id)
check "tenant B's eight new executions completed meanwhile" test -e /tmp/doneB
is "... each measured" "$(grep -c " $nsB:/tmp/b[1-8]\$" $A)" 8
check "tenant A is still stuck" test ! -e /tmp/doneA
check "A's second task waits for the same file" kill -0 $pidA2
kill -9 $pidA2
for _ in $(seq 100); do kill -0 $pidA2 2>/dev/null || break; sleep 0.05; done
check "... and SIGKILL ends its wait" test ! -e /proc/$pidA2
check "... with an interrupted violation naming the file" \
	has_line "$(vline "$nsA:/tmp/fslow/bin" mmap_exec interrupted -4)"
: >$rel
for _ in $(seq 200); do [ -e /tmp/doneA ] && break; sleep 0.05; done
is "tenant A completes once the read is released" "$(cat /tmp/doneA)" 0
check "tenant A's file is measured" \
	grep -q "^$(entry "$nsA:/tmp/fslow/bin" "$want")\$" $A
: >/tmp/goA
wait $pidA
umount /tmp/fslow

check "no lost entries" test "$(sed -n 's/^lost: //p' $SFS/status)" = 0
check "kfunc failures are counted in the pinned map" \
	test -e /sys/fs/bpf/nsima/kfunc_errors
check "quiescent (namespaces ended, nothing pending)" quiesce
cat $SFS/binary_runtime_measurements >/dev/null
save_snapshot
cp $A /out/ascii_runtime_measurements
tap_done
