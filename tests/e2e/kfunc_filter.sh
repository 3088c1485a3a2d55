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
	for p in other_hook cgroup_lsm untrusted_arg; do
		is "$p loads on 6.1 (no kfunc filter, no trusted arguments there)" "$(try $p)" 0
	done ;;
*)
	# refused: its exit status 1 and, in the verifier's words, why
	refused() { grep -m1 "$2" /tmp/$1.out | sed 's/^ *//'; }
	is "other_hook (measure_file from bprm_committed_creds) refused on $kv" "$(try other_hook)" 1
	why=$(refused other_hook "calling kernel function bpf_nsima_measure_file is not allowed")
	check "... by the kfunc filter: ${why:-(another reason)}" test -n "$why"
	is "cgroup_lsm (a BPF_LSM_CGROUP program queueing an event) refused on $kv" "$(try cgroup_lsm)" 1
	why=$(refused cgroup_lsm "calling kernel function bpf_nsima_queue_event is not allowed")
	check "... by the kfunc filter: ${why:-(another reason)}" test -n "$why"
	is "untrusted_arg (an inode the verifier does not trust) refused on $kv" "$(try untrusted_arg)" 1
	why=$(refused untrusted_arg "must be referenced or trusted")
	check "... as not trusted (KF_TRUSTED_ARGS): ${why:-(another reason)}" test -n "$why"
	;;
esac
for p in control other_hook cgroup_lsm untrusted_arg; do
	sed "s/^/# $p: /" /tmp/$p.out
done
tap_done
