#!/bin/sh
# vm-options: --net --ek-cert --initrd-add "$B/initramfs/crun.cpio.gz" --initrd-add "$B/tests/pki/pki.cpio.gz" --timeout 420
# e2e (guest + live host): a verifier host attests a node's containers
# through nsimad. Two crun containers (c1, c2) run the test image; nsimad
# follows the list into its journal, with its attestation key made in the
# guest's TPM, and serves evidence over HTTPS with client certificates
# (the test PKI of tests/e2e/mkpki: "verifier" may see the node,
# "tenant-c1" and "tenant-c2" their container's view) on 10.0.2.15:9464,
# which QEMU forwards to the host's loopback (vm/run --net: user network,
# restrict=on).
# agent.remote, on the host, runs nsima-attest verify --agent at each
# step: the node, each container's view (none of the other's names), a
# second poll from the verifier's checkpoint that replays only the new
# entries, and tampered or replayed evidence refused.
. /tests/e2e/lib/tap.sh
. /tests/e2e/lib/remote.sh
SFS=/sys/kernel/security/nsima
IMG=/oci/nsima-test
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed (see console)"
[ -x /usr/bin/crun ] || bail "no crun in the guest (crun overlay missing)"
ip addr show eth0 2>/dev/null | grep -q "inet 10.0.2.15/24" ||
	bail "no eth0 with 10.0.2.15 (vm/run --net)"
[ -c /dev/tpmrm0 ] || bail "no /dev/tpmrm0"
pin=$(cat $IMG.digest)
wait_for() { # wait_for FILE: at most 60 s
	for _ in $(seq 300); do
		[ -e "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# Two containers: each maps a file that names it (its "secret") and
# execs nsima-probe, then waits for rounds on its FIFO: each round maps
# one more file, named after the round.
for c in c1 c2; do
	oci-run run -d -m "$pin" -c /nsima/$c -H host-$c $IMG /run/oci/$c $c \
		/bin/sh -c 'echo '$c' >/tmp/secret-of-'$c'; nsima-probe mmap /tmp/secret-of-'$c'
		nsima-probe >/dev/null; mkfifo /hold; : >/ready
		while read -r r </hold; do
			[ "$r" = end ] && exit 0
			echo $r >/tmp/'$c'-$r; nsima-probe mmap /tmp/'$c'-$r; : >/done-$r
		done' >/tmp/$c.log 2>&1 &
	eval "start_$c=\$!"
done
for c in c1 c2; do
	eval "wait \$start_$c" || { cat /tmp/$c.log; bail "oci-run run $c failed"; }
	wait_for /run/oci/$c/rootfs/ready || bail "$c not ready in 60 s"
done
ok "two crun containers running"

mkdir -p /var/lib
[ -f /pki/server.pem ] || bail "no /pki (--initrd-add \$B/tests/pki/pki.cpio.gz)"
nsimad --dir /var/lib/nsima --listen 10.0.2.15:9464 --ak-dir /var/lib/nsima-ak \
	-T device:/dev/tpmrm0 --interval 100 \
	--tls-cert /pki/server.pem --tls-key /pki/server.key --client-ca /pki/ca.pem \
	--client "verifier node" --client "tenant-c1 container:c1" \
	--client "tenant-c2 container:c2" >/tmp/nsimad.log 2>&1 &
agent=$!
# listening: 10.0.2.15:9464 (0F02000A:24F8) in state LISTEN (0A)
up=no
for _ in $(seq 150); do
	if grep -q ' 0F02000A:24F8 00000000:0000 0A ' /proc/net/tcp; then
		up=yes
		break
	fi
	sleep 0.2
done
is "nsimad listens on 10.0.2.15:9464 (HTTPS)" "$up" yes
[ $up = yes ] || { cat /tmp/nsimad.log; bail "nsimad did not start"; }
cp /var/lib/nsima-ak/ak.pub /out/ak.pub

# The host's first round: the node and each container.
host_step first
is "host step 'first' ran" "$?" 0

# More work in both containers; then the host polls again.
for c in c1 c2; do
	echo second >/run/oci/$c/rootfs/hold
	wait_for /run/oci/$c/rootfs/done-second || not_ok "$c: round 'second' not done"
done
ok "both containers did their second round"
host_step second
is "host step 'second' ran" "$?" 0

for c in c1 c2; do
	echo end >/run/oci/$c/rootfs/hold
done
quiesce
echo "# quiesced"
host_step end
echo "# host done ($?)"
kill -TERM $agent
# a watchdog: nsimad must stop within 20 s of SIGTERM
( sleep 20; if kill -0 $agent 2>/dev/null; then
	echo "# nsimad still running 20 s after SIGTERM:"
	for t in /proc/$agent/task/*; do
		echo "# task ${t##*/}: $(cat $t/wchan) $(sed -n 's/^State://p' $t/status)"
	done
	kill -9 $agent
fi ) &
watchdog=$!
wait $agent
is "nsimad: SIGTERM, exit 0" "$?" 0
kill $watchdog 2>/dev/null
tail -n 3 /tmp/nsimad.log | sed 's/^/# nsimad: /'
# what the module logged after nsimad's last read (the containers'
# ends are queued events: they may land after quiesce saw no live
# namespace) goes into the journal too, then the list is complete
nsimad --dir /var/lib/nsima --once >>/tmp/nsimad.log 2>&1
is "nsimad --once after it: status 0" "$?" 0
# For agent.host: the journal's node log and the PCRs (read with builtins).
cp /var/lib/nsima/current/node/binary_runtime_measurements /out/
for b in sha1 sha256; do
	read -r v </sys/class/tpm/tpm0/pcr-$b/11
	echo "$v" >/out/pcr-$b-11
done
tap_done
