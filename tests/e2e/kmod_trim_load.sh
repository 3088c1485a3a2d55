#!/bin/sh
# vm-options: --modparams "extend=async"
# e2e (guest): trims while two namespaces keep measuring (extend=async).
# After repeated trims of half the list, the rest of the list replayed from
# the checkpoint equals the TPM's PCR 11 (kmod_trim_load.host).
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"

cat >/tmp/worker <<'W'
#!/bin/sh
i=0
while [ ! -e /tmp/stop ]; do
	printf '#!/bin/sh\n: %s %s\n' $1 $i >/tmp/w$1.$i && chmod +x /tmp/w$1.$i &&
		/tmp/w$1.$i && rm -f /tmp/w$1.$i
	i=$((i + 1))
done
echo $i >/tmp/count.$1
W
chmod +x /tmp/worker
unshare -m /tmp/worker 1 &
unshare -m /tmp/worker 2 &
trims=0
total=0
behind=0
for round in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	n=$(( $(cat $SFS/count) / 2 ))
	if echo $n >$SFS/trim; then
		trims=$((trims + 1))
		total=$((total + n))
	fi
	# The checkpoint never runs ahead of the TPM: trimmed <= extended.
	t=$(sed -n 's/^trimmed: //p' $SFS/status)
	x=$(sed -n 's/^extended: //p' $SFS/status)
	[ "$t" -le "$x" ] || behind=$((behind + 1))
done
: >/tmp/stop
wait
is "10 trims accepted while measuring" "$trims" 10
is "no trim passed the extend position" "$behind" 0
is "status: trimmed = sum of the trims" "$(sed -n 's/^trimmed: //p' $SFS/status)" "$total"
echo "# trimmed $total entries in 10 rounds; workers ran $(cat /tmp/count.1) + $(cat /tmp/count.2)"
# The workers' namespaces end (ns_end entries), then the TPM catches up.
check "quiescent" quiesce
cp $SFS/checkpoint /out/checkpoint
save_snapshot
is "checkpoint: entries" "$(sed -n 's/^entries: //p' /out/checkpoint)" "$total"
tap_done
