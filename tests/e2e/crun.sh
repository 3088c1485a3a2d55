#!/bin/sh
# vm-options: --initrd-add "$B/initramfs/crun.cpio.gz" --timeout 240
# e2e (guest): real containers. crun runs two containers from the OCI image
# the build made (vm/mkoci, carried by the crun overlay, vm/mkcrunfs),
# unpacked and verified by oci-run (vm/oci-run), beside a plain `unshare -m`
# namespace:
# - an image with one byte flipped in a blob, or not the pinned manifest,
#   is refused before anything is unpacked or run;
# - each container has its own mount, pid, uts, ipc, net and cgroup
#   namespaces and the cgroup crun was told; crun list/state show it
#   running with its bundle;
# - nsima records what runs inside each container under that container's
#   mount namespace id (the exec of /bin/sh and of nsima-probe, an
#   executable mapping of a file whose content names the container, its
#   shell as the default policy's event; crun's own setup mounts are no
#   events), in the global list and in the container's
#   ns/<nsid>/ view, and nothing of one container under another's id;
# - after the containers are deleted the list replays to the TPM
#   (crun.host, which also rebuilds the image and compares digests).
# Each crun call costs about a second under TCG (crun copies itself into a
# memfd and loads its libraries), hence one `crun state` per container and
# containers that end by themselves.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
A=$SFS/ascii_runtime_measurements
IMG=/oci/nsima-test
read -r t0 _ </proc/uptime
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed (see console)"
[ -x /usr/bin/crun ] || bail "no crun in the guest: the crun overlay (--initrd-add \$B/initramfs/crun.cpio.gz) is missing"
[ -f $IMG/index.json ] || bail "no OCI image at $IMG (crun overlay)"
grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts ||
	bail "cgroup2 is not mounted on /sys/fs/cgroup (vm/init)"
grep -q '^tmpfs /run tmpfs ' /proc/mounts || bail "no tmpfs on /run (vm/init)"
pin=$(cat $IMG.digest)
echo "$pin" >/out/pin

# nsid PID: the mount namespace id of PID (the number in mnt:[N])
nsid() {
	_n=$(readlink "/proc/$1/ns/mnt")
	_n=${_n#mnt:[}
	echo "${_n%]}"
}
# flip FILE OFFSET: invert the lowest bit of one byte of FILE
flip() {
	_b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %03o $((_b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}
# wait_for FILE: at most 60 s
wait_for() {
	for _ in $(seq 300); do
		[ -e "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
# field FILE KEY: a string or number member of a `crun state` output
field() {
	sed -n "s/^[[:space:]]*\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$1"
}
# gone PID: PID has ended (a zombie not yet reaped by init counts)
gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
tick() {
	read -r _t _ </proc/uptime
	echo "# t=$_t s: $*"
}
host=$(nsid self)

# ---- a tampered image is refused before anything runs ----
# The largest blob is the layer; the manifest names the config.
cp -r $IMG /tmp/bad
layer=$(find /tmp/bad/blobs/sha256 -type f -size +100k)
layer=${layer##*/}
flip "/tmp/bad/blobs/sha256/$layer" 4096
fails_with "a layer with one byte flipped is refused" \
	"layer 0: blob sha256:$layer: digest mismatch" \
	oci-run run -d -m "$pin" /tmp/bad /run/oci/bad bad /bin/sh -c ': >/ran'
check "... before anything was unpacked" test ! -e /run/oci/bad/rootfs
rm -rf /tmp/bad /run/oci/bad
cp -r $IMG /tmp/bad
cfg=$(sed 's/.*"config":{[^}]*"digest":"sha256:\([0-9a-f]*\)".*/\1/' \
	"/tmp/bad/blobs/sha256/${pin#sha256:}")
flip "/tmp/bad/blobs/sha256/$cfg" 20
fails_with "a config with one byte flipped is refused" \
	"config: blob sha256:$cfg: digest mismatch" \
	oci-run run -d -m "$pin" /tmp/bad /run/oci/bad bad /bin/sh -c ': >/ran'
check "... before anything was unpacked" test ! -e /run/oci/bad/rootfs
rm -rf /tmp/bad /run/oci/bad
fails_with "an image whose manifest is not the pinned digest is refused" \
	"no manifest matches digest sha256:$ZERO64" \
	oci-run unpack -m "sha256:$ZERO64" $IMG /run/oci/bad
check "... before anything was unpacked" test ! -e /run/oci/bad/rootfs
rm -rf /run/oci/bad
tick "tampered images refused"

# ---- two containers and a plain namespace ----
# Each container writes its name into /tmp/mark and maps it executable
# (mmap_file hook), runs nsima-probe (bprm_check), records what it sees,
# then, as PID 1 of its pid namespace, waits on a FIFO for the end. Both
# are unpacked and started at once (the VM has two CPUs).
for c in c1 c2; do
	oci-run run -d -m "$pin" -c /nsima/$c -H host-$c $IMG /run/oci/$c $c \
		/bin/sh -c 'echo $$ >/pid; hostname >/hostname.out
		readlink /proc/self/ns/mnt >/mnt.out
		echo '$c' >/tmp/mark; nsima-probe mmap /tmp/mark
		nsima-probe >/probe.out; mkfifo /hold; : >/ready; read -r x </hold' \
		>/tmp/$c.log 2>&1 &
	eval "start_$c=\$!"
done
mkfifo /tmp/u.hold
unshare -m sh -c 'echo u >/tmp/u.mark; nsima-probe mmap /tmp/u.mark
	: >/tmp/u.ready; read -r x </tmp/u.hold' &
upid=$!
for c in c1 c2; do
	eval "wait \$start_$c" || { cat /tmp/$c.log; bail "oci-run run $c failed"; }
done
for f in /run/oci/c1/rootfs/ready /run/oci/c2/rootfs/ready /tmp/u.ready; do
	wait_for $f || bail "$f did not appear in 60 s"
done
tick "containers ready"
n_u=$(nsid $upid)
crun list >/tmp/list 2>&1
sed 's/^/# crun list: /' /tmp/list
is "no container of the refused images exists" "$(grep -c '^bad ' /tmp/list)" 0
n_c1="" n_c2=""
for c in c1 c2; do
	R=/run/oci/$c/rootfs
	crun state $c >/tmp/state.$c 2>&1
	pid=$(field /tmp/state.$c pid)
	is "$c: crun state: running" "$(field /tmp/state.$c status)" running
	is "$c: crun state: its bundle" "$(field /tmp/state.$c bundle)" /run/oci/$c
	check "$c: crun list: '$c $pid running /run/oci/$c'" \
		grep -q "^$c  *$pid  *running  */run/oci/$c " /tmp/list
	n=$(nsid "$pid")
	eval "n_$c=\$n"
	is "$c: the container sees its own mount namespace" "$(cat $R/mnt.out)" "mnt:[$n]"
	is "$c: nsima-probe in it reports the same" "$(cat $R/probe.out)" "mnt:[$n]"
	is "$c: its process is PID 1 of its own pid namespace" "$(cat $R/pid)" 1
	is "$c: its hostname (own uts namespace)" "$(cat $R/hostname.out)" host-$c
	for k in pid uts ipc net cgroup; do
		check "$c: own $k namespace" \
			test "$(readlink "/proc/$pid/ns/$k")" != "$(readlink /proc/self/ns/$k)"
	done
	is "$c: /proc/<pid>/cgroup is the cgroup crun was told" \
		"$(cat "/proc/$pid/cgroup")" "0::/nsima/$c"
	check "$c: /sys/fs/cgroup/nsima/$c/cgroup.procs holds it" \
		grep -qx "$pid" /sys/fs/cgroup/nsima/$c/cgroup.procs
done
echo "# mount namespaces: host $host, c1 $n_c1, c2 $n_c2, unshare $n_u"
check "four distinct mount namespaces (host, c1, c2, unshare)" \
	test "$(printf '%s\n' "$host" "$n_c1" "$n_c2" "$n_u" | sort -u | wc -l)" = 4
tick "state checked"

# ---- what nsima recorded ----
h_c1="" h_c2=""
for c in c1 c2; do
	eval "n=\$n_$c"
	h=$(sha256sum /run/oci/$c/rootfs/tmp/mark | cut -c1-64)
	eval "h_$c=\$h"
	is "$c: its /tmp/mark mapping is one entry under its nsid, with the file's digest" \
		"$(grep -c " ima-ng sha256:$h $n:/tmp/mark\$" $A)" 1
	is "$c: the exec of its /bin/sh (busybox) is one entry under its nsid" \
		"$(grep -c " $n:/bin/busybox\$" $A)" 1
	is "$c: the exec of nsima-probe is one entry under its nsid" \
		"$(grep -c " $n:/usr/bin/nsima-probe\$" $A)" 1
	is "$c: crun's setup mounts in it are no events (the runtime's, not the container's)" \
		"$(grep -c " $n:nsima-event:mount " $A)" 0
	is "$c: its shell is one event (default policy: shell_in_container)" \
		"$(grep -c " $n:nsima-event:exec " $A)" 1
	V=$SFS/ns/$n
	check "$c: ns/$n/ exists" test -d "$V"
	is "$c: its view holds its /tmp/mark entry" \
		"$(grep -c " ima-ng sha256:$h $n:/tmp/mark\$" "$V/ascii_runtime_measurements")" 1
	is "$c: its view's count is its entries in the global list" \
		"$(cat "$V/count")" "$(grep -c " $n:" $A)"
	sed "s/^/# $c info: /" "$V/info"
done
check "the two marks differ" test "$h_c1" != "$h_c2"
is "c1's mark is not under c2's nsid" "$(grep -c "$h_c1 $n_c2:" $A)" 0
is "c2's mark is not under c1's nsid" "$(grep -c "$h_c2 $n_c1:" $A)" 0
is "c2's view does not show c1's names" \
	"$(grep -c " $n_c1:" "$SFS/ns/$n_c2/ascii_runtime_measurements")" 0
h=$(sha256sum /tmp/u.mark | cut -c1-64)
is "unshare: its mapping is one entry under its nsid" \
	"$(grep -c " ima-ng sha256:$h $n_u:/tmp/u.mark\$" $A)" 1
is "unshare: the exec of nsima-probe is one entry under its nsid" \
	"$(grep -c " $n_u:/usr/bin/nsima-probe\$" $A)" 1
is "no entry carries the host's id" "$(grep -c " $host:" $A)" 0
tick "list checked"

# ---- the end: each container's PID 1 returns, crun deletes them ----
echo end >/tmp/u.hold
for c in c1 c2; do
	eval "pid=\$(field /tmp/state.$c pid)"
	echo end >/run/oci/$c/rootfs/hold
	for _ in $(seq 100); do
		gone "$pid" && break
		sleep 0.1
	done
	check "$c: its process ended" gone "$pid"
	check "$c: crun delete (a stopped container)" crun delete $c
	check "$c: its cgroup is gone" test ! -d /sys/fs/cgroup/nsima/$c
done
wait
is "crun list is empty" "$(crun list 2>/dev/null | grep -c -v '^NAME ')" 0
tick "deleted"
check "quiescent (namespaces ended, nothing pending)" quiesce
# shellcheck disable=SC2119
save_snapshot
cp $A /out/ascii_runtime_measurements
read -r t1 _ </proc/uptime
echo "# crun test: $t0 s to $t1 s of guest uptime"
tap_done
