#!/bin/sh
# vm-options: --initrd-add "$B/tests/rogue/rogue.cpio.gz"
# e2e (guest): who may call nsima's kfuncs, on each kernel line (make
# check runs this on 6.1 and, as kfunc_filter.sh@6.12, on 6.12). With
# nsima.ko and its programs loaded, nsima-rogue loads, alone and never
# attached, each program of tests/e2e/rogue.bpf.c:
# - control: nsima's own use (file_path from file_open): loads on both;
# - other_hook: measure_file from bprm_committed_creds, a hook nsima's
#   programs do not call it from;
# - cgroup_lsm: a cgroup LSM program (BPF_LSM_CGROUP) at file_open,
#   queueing an event;
# - tracing: an fentry program on bpf_lsm_file_open, queueing an event
#   (the kernel keeps TRACING and LSM kfuncs in one table);
# - untrusted_arg: inode_free with an inode reached through pointers the
#   verifier does not trust (the superblock's root), not the hook's.
# On 6.12 the last three are refused at load (kmod/nsima_kfunc.c: the
# kfunc filter, KF_TRUSTED_ARGS), with the verifier's reason; 6.1 has
# neither, and they load there (docs/kmod.md: what each line guarantees).
. /tests/e2e/lib/tap.sh
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
O=/nsima/rogue.bpf.o
[ -x /usr/bin/nsima-rogue ] && [ -f $O ] || bail "no nsima-rogue / $O (rogue.cpio.gz)"
kv=$(uname -r)
try() { nsima-rogue $O "$1" >/tmp/$1.out 2>&1; echo $?; }
rc=$(try control)
is "control (nsima's own call) loads on $kv: $(head -n1 /tmp/control.out)" "$rc" 0
case $kv in
6.1.*)
	for p in other_hook cgroup_lsm tracing untrusted_arg; do
		is "$p loads on 6.1 (no kfunc filter, no trusted arguments there)" "$(try $p)" 0
	done ;;
*)
	# refused PROG WHAT BY REASON: PROG's load fails (status 1) and the
	# verifier says REASON
	refused() {
		is "$1 ($2) refused on $kv" "$(try $1)" 1
		why=$(grep -m1 "$4" /tmp/$1.out | sed 's/^ *//')
		check "... $3: ${why:-(another reason)}" test -n "$why"
	}
	refused other_hook "measure_file from bprm_committed_creds" "by the kfunc filter" \
		"calling kernel function bpf_nsima_measure_file is not allowed"
	refused cgroup_lsm "a BPF_LSM_CGROUP program queueing an event" "by the kfunc filter" \
		"calling kernel function bpf_nsima_queue_event is not allowed"
	refused tracing "fentry on bpf_lsm_file_open queueing an event" "by the kfunc filter" \
		"calling kernel function bpf_nsima_queue_event is not allowed"
	refused untrusted_arg "an inode the verifier does not trust" "as not trusted (KF_TRUSTED_ARGS)" \
		"must be referenced or trusted"
	;;
esac
for p in control other_hook cgroup_lsm tracing untrusted_arg; do
	sed "s/^/# $p: /" /tmp/$p.out
done
tap_done
