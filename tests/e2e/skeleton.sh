#!/bin/sh
# e2e (guest side): the walking skeleton. bpf is an active LSM, nsima.ko and
# its BPF program are loaded, executions inside new mount namespaces produce
# entries tagged with that namespace, host executions are untagged. The
# list and the TPM's PCR 11 (sha1, sha256) go to /out for the host-side
# replay in skeleton.host.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima

read -r lsm </sys/kernel/security/lsm
case ",$lsm," in
*,bpf,*) ok "bpf is an active LSM ($lsm)" ;;
*) bail "bpf is not in the active LSM list: '$lsm' (kernel command line lsm=...)" ;;
esac
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed (see console)"
check "nsima securityfs directory exists" test -r $SFS/binary_runtime_measurements
check "BPF link pinned" test -e /sys/fs/bpf/nsima/nsima_bprm_check
[ -c /dev/tpm0 ] || bail "no TPM device in the guest"

# Host namespace: two executions of the probe (the second is a cache hit).
host_ns=$(nsima-probe)
nsima-probe >/dev/null
# Namespace A: three, namespace B: one. Each namespace writes its id. A is
# kept alive until B exists: the kernel reuses a dead namespace's inode
# number, and this test wants two distinct ids.
mkfifo /tmp/holdA
unshare -m sh -c 'nsima-probe >/tmp/nsA; nsima-probe >/dev/null
	nsima-probe >/dev/null; : >/tmp/readyA; read -r x </tmp/holdA' &
while [ ! -e /tmp/readyA ]; do :; done
unshare -m sh -c 'nsima-probe >/tmp/nsB'
echo done >/tmp/holdA
wait
read -r nsA </tmp/nsA
read -r nsB </tmp/nsB
nsA=${nsA#mnt:[}; nsA=${nsA%]}
nsB=${nsB#mnt:[}; nsB=${nsB%]}
host_ns=${host_ns#mnt:[}; host_ns=${host_ns%]}
check "namespaces differ (host $host_ns, A $nsA, B $nsB)" \
	test "$nsA" != "$nsB" -a "$nsA" != "$host_ns" -a "$nsB" != "$host_ns"

# Snapshot: the copy is the last exec; the PCRs are read with builtins only.
cat $SFS/binary_runtime_measurements $SFS/ascii_runtime_measurements >/dev/null
check "quiescent (namespaces ended, nothing pending)" quiesce
save_snapshot
read -r count <$SFS/count
echo "$count" >/out/count
echo "$nsA" >/out/nsA
echo "$nsB" >/out/nsB

cp $SFS/ascii_runtime_measurements /out/ascii_runtime_measurements
A=/out/ascii_runtime_measurements
# An unchanged file is measured once per namespace.
is "host probe execution is untagged, measured once" \
	"$(grep -c ' /usr/bin/nsima-probe$' $A)" 1
is "namespace A has its probe execution, measured once" \
	"$(grep -c " $nsA:/usr/bin/nsima-probe\$" $A)" 1
is "namespace B has its probe execution" \
	"$(grep -c " $nsB:/usr/bin/nsima-probe\$" $A)" 1
is "no entry carries the host namespace id" "$(grep -c " $host_ns:" $A)" 0
is "tagged entries belong to A or B only" \
	"$(grep ' [0-9]*:/' $A | grep -v -c -e " $nsA:/" -e " $nsB:/")" 0
check "host busybox executions (unshare, cat) are untagged" \
	test "$(grep -c ' ima-ng sha256:[0-9a-f]\{64\} /bin/busybox$' $A)" -gt 0

# The verifier's work per program (vm/init loads with -v -v). A hook whose
# verification explodes (open-coded loops over the policy's prefix lengths
# and the cgroup's ancestors took 558k of the kernel's 1M instructions and
# 15 s of boot under TCG; as bpf_loop callbacks: 18k) nears the limit
# where a larger policy map or kernel refuses it.
L=/run/nsima-load.log
is "the verifier's statistics for each of the 12 programs" \
	"$(grep -c '^processed [0-9]* insns' $L)" 12
worst=$(awk '/BEGIN PROG LOAD LOG/ { p = $3; gsub(/[\047:]/, "", p) }
	/^processed [0-9]+ insns/ { print $2, p }' $L | sort -n | tail -n 1)
# 6.12's verifier walks the same programs further (65k for the worst)
case $(uname -r) in
6.1.*) budget=50000 ;;
*) budget=100000 ;;
esac
check "every program verifies in under $budget instructions on $(uname -r) (most: $worst)" \
	test "${worst%% *}" -lt $budget
tap_done
