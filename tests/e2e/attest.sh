#!/bin/sh
# e2e (guest): evidence from the guest's own TPM. Containers run, then
# nsima-attest quotes PCR 11 (sha1, sha256) with the host's fresh nonce
# through /dev/tpmrm0; the list is read after the quote, so it may run
# ahead of it. attest.host verifies the quote and replays the list until
# the quoted value, on the host.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
[ -c /dev/tpmrm0 ] || bail "no /dev/tpmrm0 in the guest"

unshare -m sh -c 'nsima-probe >/dev/null; ls / >/dev/null'
unshare -m sh -c 'nsima-probe >/dev/null'
mkdir -p /tmp/ak /out/quote
check "nsima-attest quote through the guest's TPM" \
	nsima-attest quote -T device:/dev/tpmrm0 --ak /tmp/ak --ak-alg ecc \
		--nonce "$(cat /nonce)" -o /out/quote
# More executions after the quote: the list runs ahead of it.
unshare -m sh -c 'nsima-probe >/dev/null'
cp $SFS/binary_runtime_measurements /out/binary_runtime_measurements
check "evidence written" test -s /out/quote/evidence.json
tap_done
