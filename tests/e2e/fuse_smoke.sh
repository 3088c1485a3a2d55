#!/bin/sh
# e2e (guest): the FUSE test server nsima-fusesrv (tests/e2e/fusesrv.c), on
# which later tests build failing and slow reads. fuse.ko loads; "ok" mode
# serves the source's bytes; "eio" mode fails reads with EIO; "slow" mode
# blocks a reader (counted in RELEASE.waiting) until the release file
# exists, then gives the right bytes; --size reports a 1 TiB file.
. /tests/e2e/lib/tap.sh
is "nsima setup succeeded" "$NSIMA_SETUP_RC" 0
check "fuse loads (or is built in)" load_ko fuse
[ -c /dev/fuse ] || bail "/dev/fuse missing after insmod fuse.ko"
SRC=/usr/bin/nsima-probe
size=$(stat -c %s $SRC)
mkdir -p /tmp/fok /tmp/feio /tmp/fslow /tmp/fbig

# Mount failure: non-zero, one line on stderr saying why.
err=$(nsima-fusesrv /tmp/no/such/dir $SRC 2>&1)
rc=$?
check "a failed mount exits non-zero with one line ($err)" \
	test $rc -ne 0 -a -n "$err" -a "$(echo "$err" | wc -l)" -eq 1
is "... naming the mount point and ENOENT" "$err" \
	"nsima-fusesrv: mount /tmp/no/such/dir: No such file or directory"

# ok: usable as soon as the server returns.
nsima-fusesrv --mode ok /tmp/fok $SRC || bail "nsima-fusesrv --mode ok failed"
check "ok: content equals the source" cmp /tmp/fok/bin $SRC
is "ok: size" "$(stat -c %s /tmp/fok/bin)" "$size"
is "ok: mode and owner" "$(stat -c '%A %u %g' /tmp/fok/bin)" "-rwxr-xr-x 0 0"
is "ok: the root holds only bin" "$(ls -a /tmp/fok | tr '\n' ' ')" ". .. bin "
check "ok: unmount" umount /tmp/fok

# eio: stat works, reads fail with EIO.
nsima-fusesrv --mode eio /tmp/feio $SRC || bail "nsima-fusesrv --mode eio failed"
is "eio: stat works" "$(stat -c %s /tmp/feio/bin)" "$size"
err=$(cat /tmp/feio/bin 2>&1 >/dev/null)
rc=$?
check "eio: cat fails" test $rc -ne 0
case $err in
*"Input/output error"*) ok "eio: the error is EIO" ;;
*) not_ok "eio: the error is EIO (got '$err')" ;;
esac
umount /tmp/feio

# slow: a reader blocks until the release file exists.
rel=/tmp/release
nsima-fusesrv --mode slow --release $rel /tmp/fslow $SRC ||
	bail "nsima-fusesrv --mode slow failed"
cat /tmp/fslow/bin >/tmp/slow.out &
cat_pid=$!
w=0
for _ in $(seq 200); do
	read -r w <$rel.waiting
	[ "$w" -ge 1 ] && break
	sleep 0.05
done
is "slow: one reader is waiting" "$w" 1
check "slow: the reader is still blocked" kill -0 $cat_pid
is "slow: stat is answered meanwhile" "$(stat -c %s /tmp/fslow/bin)" "$size"
: >$rel
wait $cat_pid
is "slow: the reader completes once released" $? 0
check "slow: the reader got the source's bytes" cmp /tmp/slow.out $SRC
umount /tmp/fslow

# --size: a 1 TiB file, zeros past the source.
nsima-fusesrv --size 1099511627776 /tmp/fbig $SRC || bail "nsima-fusesrv --size failed"
is "size: stat reports 1 TiB" "$(stat -c %s /tmp/fbig/bin)" 1099511627776
is "size: the last byte is a zero" \
	"$(dd if=/tmp/fbig/bin bs=1 skip=1099511627775 count=1 2>/dev/null | od -An -tx1 | tr -d ' ')" 00
umount /tmp/fbig
tap_done
