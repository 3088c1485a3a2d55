#!/bin/sh
# vm-options: --timeout 400
# e2e (guest): nsimad keeps the list on disk, nothing lost.
# - Two namespaces execute new files and raise events (shells in a
#   container) while nsimad is killed with SIGKILL at random instants and
#   restarted, 12 times. Its journal (a tmpfs of 8 MiB) then holds every
#   entry the module produced: the node's binary log replays to the TPM's
#   PCR 11 in both banks (nsimad.host: any entry lost, doubled or moved
#   changes that), each namespace's log is exactly the node log's entries
#   of that namespace, and the kernel list was trimmed as it went.
# - Disk full: a filler takes the tmpfs' last blocks; new entries cannot
#   be committed: nsimad says so, keeps running, and the kernel list is
#   not trimmed past what is on disk; once the filler is gone nsimad
#   catches up by itself.
# test-timeout: 460
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
J=/var/lib/nsima
LOG=/tmp/nsimad.log
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
st() { sed -n "s/^$1: //p" $SFS/status; }
mkdir -p $J
mount -t tmpfs -o size=8m tmpfs $J || bail "tmpfs for the journal"

start() { nsimad --dir $J --interval 20 --batch 64 2>>$LOG & pid=$!; }
# committed: the journal's next index, from its last commit line
committed() { awk '$1 == "commit" { n = $2 } END { print n + 0 }' $J/commits; }

# Load: in each of two namespaces, ROUNDS new scripts executed (an entry
# each), each run by a shell (an exec event of rule shell_in_container).
ROUNDS=60
mkdir -p /tmp/load
load() {
	unshare -m sh -c '
		for i in $(seq '$ROUNDS'); do
			f=/tmp/load/'$1'-$i
			printf "#!/bin/sh\n# %s %s\n" '$1' $i >$f
			chmod +x $f
			sh $f
			$f
		done
		readlink /proc/self/ns/mnt >/tmp/load/'$1'.ns'
}

: >$LOG
start
load A &
la=$!
load B &
lb=$!
max=0
kills=0
while [ $kills -lt 12 ]; do
	sleep "0.$((RANDOM % 6 + 1))"
	kill -9 $pid
	wait $pid 2>/dev/null
	kills=$((kills + 1))
	c=$(cat $SFS/count)
	[ "$c" -gt "$max" ] && max=$c
	start
done
wait $la $lb
check "quiescent after the load (namespaces ended, nothing pending)" quiesce
sleep 1
kill -TERM $pid
wait $pid
is "nsimad stops on SIGTERM with status 0" $? 0
is "SIGKILLed and restarted 12 times under load" $kills 12

total=$(($(st trimmed) + $(cat $SFS/count)))
nsimad --dir $J --once 2>>$LOG
is "nsimad --once after the run: status 0" $? 0
is "the journal holds every entry the module produced ($total)" \
	"$(committed)" "$total"
is "the kernel list is trimmed to what the journal holds" "$(st trimmed)" \
	"$total"
check "the kernel list stayed bounded while it ran (at most $max of $total entries)" \
	test "$max" -lt "$total"
check "a single new journal (started once, from entry 0)" \
	grep -qx 'nsimad: new journal in /var/lib/nsima from entry 0' $LOG
check "no error in nsimad's log" \
	test "$(grep -v -c -e '^nsimad: following ' -e '^nsimad: stopped at ' \
		-e '^nsimad: new journal ' $LOG)" -eq 0

# Each namespace's logs (ns/<nsid>.<index of its first entry>): the node
# log's entries of that namespace.
cp $J/node/binary_runtime_measurements /out/node1.bin
for n in A B; do
	ns=$(cat /tmp/load/$n.ns)
	ns=${ns#mnt:[}
	ns=${ns%]}
	d=$(echo $J/ns/$ns.*)
	grep " $ns:" $J/node/ascii_runtime_measurements >/tmp/want-$n
	check "namespace $n: its ascii log ($d) is the node's entries of $ns, in order" \
		cmp -s /tmp/want-$n $d/ascii_runtime_measurements
	check "namespace $n: ended, its log ends with its ns_end" \
		test "$(tail -n 1 $d/ascii_runtime_measurements | cut -d' ' -f5)" = "$ns:nsima-event:ns_end"
	is "namespace $n: each of its ${ROUNDS} scripts once" \
		"$(grep -c " $ns:/tmp/load/$n-" /tmp/want-$n)" $ROUNDS
	check "namespace $n: its shell events (at least $ROUNDS)" \
		test "$(grep -c " $ns:nsima-event:exec " /tmp/want-$n)" -ge $ROUNDS
	echo "$ns" >/out/ns$n
	cp $d/binary_runtime_measurements /out/ns$n.bin
done

# ---- disk full ----
start
sleep 1
dd if=/dev/zero of=$J/filler bs=4096 2>/dev/null
unshare -m sh -c 'for i in $(seq 60); do
	printf "#!/bin/sh\n# full %s\n" $i >/tmp/load/full-$i
	chmod +x /tmp/load/full-$i; /tmp/load/full-$i; done'
quiesce >/dev/null
sleep 2
check "disk full: nsimad says the commit failed and why" \
	grep -q 'failed: write .*: No space left on device (nothing trimmed; retrying)' $LOG
is "disk full: nothing trimmed that is not on disk" "$(st trimmed)" "$(committed)"
check "disk full: entries wait in the kernel list ($(cat $SFS/count))" \
	test "$(cat $SFS/count)" -gt 0
check "disk full: nsimad keeps running" kill -0 $pid
rm -f $J/filler
i=0
while [ $i -lt 100 ] && [ "$(cat $SFS/count)" != 0 ]; do
	sleep 0.1
	i=$((i + 1))
done
total=$(($(st trimmed) + $(cat $SFS/count)))
kill -TERM $pid
wait $pid
is "space back: nsimad caught up by itself (journal = kernel total $total)" \
	"$(committed)" "$total"

# For nsimad.host: the node's logs and the PCRs, read with builtins.
cp $J/node/binary_runtime_measurements /out/binary_runtime_measurements
cp $J/node/cel.json /out/cel.json
cp $J/start /out/start
for b in sha1 sha256; do
	read -r v </sys/class/tpm/tpm0/pcr-$b/11
	echo "$v" >/out/pcr-$b-11
done
tap_done
