#!/bin/sh
# vm-options: --initrd-add "$B/initramfs/crun.cpio.gz" --timeout 300 --policy tests/e2e/rules-deny.policy --policy policy/default.policy
# e2e (guest): the event rules of policy/default.policy (and one deny rule,
# rules-deny.policy, first), raised into the list by the BPF programs, in
# a crun container (with CAP_SYS_ADMIN and CAP_SYS_NICE added, to mount
# and to use a capability outside the default set): wget, curl and nc
# executed, the container's shell, a service-account token read, an
# /etc/shadow read, an /etc/passwd write, proc, sysfs and a host path
# mounted, a connect outside the allowed networks (IPv4 and IPv6: addresses
# the test puts on the container's own lo, in its own network namespace:
# no packet leaves it) and one inside (loopback), a capability
# outside Docker's set (busybox-static's wget crashes resolving in the
# guest: the connects are nsima-probe's), an exec refused by a deny rule (EPERM). Programs
# run by a path whose last component is their name (symlinks to busybox):
# busybox sh runs an applet named bare through /proc/self/exe, and name=
# matches the name a program is executed by (docs/policy.md). Then the
# same actions on the host, which the container-scoped rules do not cover.
# A chroot does not rename a file for the rules: /etc/shadow read as
# /shadow from a chroot into /etc is still /etc/shadow. Mounts through the
# new mount API (fsmount + move_mount) and binds of a relative source are
# mount events too.
# rules.host counts the events per namespace and rule (exactly one each
# where one is expected, none on the host), checks every event's JSON and
# replays the list.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
A=$SFS/ascii_runtime_measurements
IMG=/oci/nsima-test
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed (see console)"
[ -x /usr/bin/crun ] || bail "no crun in the guest: the crun overlay is missing"
pin=$(cat $IMG.digest)

check "the policy load is the first event: its digest in the list" \
	grep -q " ima-buf sha256:[0-9a-f]\{64\} nsima-event:policy " $A

# ---- the container: every scenario once ----
oci-run run -d -m "$pin" -c /nsima/r1 -H r1 \
	-C CAP_SYS_ADMIN,CAP_SYS_NICE,CAP_NET_ADMIN,CAP_SYS_CHROOT \
	$IMG /run/oci/r1 r1 /bin/sh -c '
	readlink /proc/self/ns/mnt >/mnt.out
	stat -c %i /sys/fs/cgroup >/cgroup.out
	for p in wget nc curl telnet; do ln -s /bin/busybox /tmp/$p; done
	ip link set lo up; ip addr add 10.99.0.1/32 dev lo
	ip addr add 2001:4860::1/128 dev lo
	/tmp/wget -q -T 1 http://127.0.0.1:1/ >/dev/null 2>&1
	nsima-probe connect 10.99.0.1 80 >/connect4o.out
	/tmp/nc 127.0.0.1 1 </dev/null >/nc.out 2>&1
	/tmp/curl >/dev/null 2>&1
	nsima-probe connect 2001:4860::1 80 >/connect6.out
	nsima-probe connect 127.0.0.1 1 >/connect4.out
	mkdir -p /run/secrets/kubernetes.io/serviceaccount /etc /mnt/p /mnt/s /mnt/h \
		/mnt/p2 /mnt/h2
	echo tok >/run/secrets/kubernetes.io/serviceaccount/token
	cat /run/secrets/kubernetes.io/serviceaccount/token >/dev/null
	long=/run/secrets/$(printf "a%.0s" $(seq 250))
	mkdir -p $long; echo t >$long/tok; cat $long/tok >/dev/null
	echo secret >/etc/shadow; cat /etc/shadow >/dev/null
	nsima-probe chroot-cat /etc /shadow >/chroot.out
	echo "x:x:1:1::/:/bin/sh" >>/etc/passwd
	mount -t proc proc /mnt/p; mount -t sysfs sysfs /mnt/s
	mount --bind /etc /mnt/h
	nsima-probe fsmount proc /mnt/p2 >/fsmount.out 2>&1
	(cd / && mount --bind etc /mnt/h2)
	renice -n -5 -p $$ >/dev/null 2>&1
	/tmp/telnet 127.0.0.1 1 2>/telnet.err; echo $? >/telnet.rc
	printf "#!/tmp/telnet\n" >/tmp/viatelnet; chmod +x /tmp/viatelnet
	/tmp/viatelnet 2>/dev/null; echo $? >/interp.rc
	mkfifo /hold; : >/done; read -r x </hold' >/tmp/r1.log 2>&1 ||
	bail "oci-run run r1 failed: $(cat /tmp/r1.log)"
for _ in $(seq 300); do
	[ -e /run/oci/r1/rootfs/done ] && break
	sleep 0.2
done
echo "# r1 nc: $(cat /run/oci/r1/rootfs/nc.out)"
R=/run/oci/r1/rootfs
check "the container ran to its end" test -e $R/done
n=$(cat $R/mnt.out)
n=${n#mnt:[}; n=${n%]}
echo "$n" >/out/r1.nsid
# its cgroup namespace's root is its cgroup: that directory's inode is
# the cgroup id (kernfs)
cp $R/cgroup.out /out/r1.cgroup
is "a connect inside the allowed networks (loopback) is not refused" \
	"$(cat $R/connect4.out)" "Connection refused"
is "a connect outside them (IPv4: an address of the container's own lo)" \
	"$(cat $R/connect4o.out)" "Connection refused"
is "... (IPv6: the same)" "$(cat $R/connect6.out)" "Connection refused"
is "a read of /etc/shadow from a chroot into /etc works" "$(cat $R/chroot.out)" secret
is "proc mounted through the new mount API (fsmount, move_mount)" "$(cat $R/fsmount.out)" ""
is "an exec refused by deny_telnet: exit 126" "$(cat $R/telnet.rc)" 126
check "... with EPERM" grep -q "Operation not permitted" $R/telnet.err
is "... and as a script's #! interpreter: exit 126" "$(cat $R/interp.rc)" 126
# its label, while it runs: nsima-attest show --labels (the node's word)
nsima-attest show --log $A --ns "$n" --labels $SFS >/tmp/show.out 2>&1
sed -n '1,3s/^/# show: /p' /tmp/show.out
is "show --labels names the container of each of its entries (crun:r1)" \
	"$(grep -c " $n  *crun:r1 " /tmp/show.out)" "$(grep -c " $n:" $A)"
nsima-attest show --log $A --ns "$n" --labels $SFS --json >/tmp/show.json 2>&1
check "... and --json has it (\"label\": \"crun:r1\")" grep -q '"label": "crun:r1"' /tmp/show.json
echo end >$R/hold
crun delete -f r1 >/dev/null 2>&1

# ---- the same on the host: no rule covers it ----
mkdir -p /tmp/hp /tmp/hb /run/secrets/kubernetes.io/serviceaccount
ip link set lo up; ip addr add 10.99.0.1/32 dev lo
ip addr add 2001:4860::1/128 dev lo
for p in wget nc curl telnet; do ln -s /bin/busybox /tmp/$p; done
/tmp/wget -q -T 1 http://127.0.0.1:1/ >/dev/null 2>&1
nsima-probe connect 10.99.0.1 80 >/dev/null
/tmp/nc 127.0.0.1 1 </dev/null >/dev/null 2>&1
/tmp/curl >/dev/null 2>&1
nsima-probe connect 2001:4860::1 80 >/dev/null
echo tok >/run/secrets/kubernetes.io/serviceaccount/token
cat /run/secrets/kubernetes.io/serviceaccount/token >/dev/null
echo secret >/etc/shadow; cat /etc/shadow >/dev/null
echo "y:x:2:2::/:/bin/sh" >>/etc/passwd
mount -t proc proc /tmp/hp; mount --bind /etc /tmp/hb
renice -n -5 -p $$ >/dev/null 2>&1
/tmp/telnet 127.0.0.1 1 >/dev/null 2>&1
isnt_eperm=$?
check "on the host telnet is not refused (exit $isnt_eperm)" test "$isnt_eperm" != 126
umount /tmp/hp /tmp/hb
fails_with "a second nsima-load is refused (no second set, no detach)" \
	"loaded already" /nsima/nsima-load --policy /nsima/default.policy
check "... the programs stay attached" test -e /sys/fs/bpf/nsima/nsima_bprm_check

# ---- scope=cgroup: covers the cgroups below it too ----
mkdir -p /sys/fs/cgroup/scopetest/child
cg=$(stat -c %i /sys/fs/cgroup/scopetest)
printf 'measure exec\nmeasure mmap_exec\nrule cg_gshadow open path=/etc/gshadow mode=read risk=low action=deny scope=cgroup:%s\n' "$cg" >/tmp/cg.policy
check "a new policy: unpinned" /nsima/nsima-load --unpin
check "... and loaded" /nsima/nsima-load --policy /tmp/cg.policy
echo g >/etc/gshadow
sh -c 'echo $$ >/sys/fs/cgroup/scopetest/child/cgroup.procs; cat /etc/gshadow' \
	>/tmp/cg.out 2>&1
check "a read of /etc/gshadow from a cgroup below cgroup:$cg is refused" \
	grep -q "Permission denied\|Operation not permitted" /tmp/cg.out
is "... from outside it, not" "$(cat /etc/gshadow)" g
check "quiescent (the container's namespace ended, nothing pending)" quiesce
cp $A /out/ascii_runtime_measurements
save_snapshot
tap_done
