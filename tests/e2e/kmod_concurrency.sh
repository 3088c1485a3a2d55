#!/bin/sh
# vm-options: --banks sha1,sha256,sha384,sha512 --modparams "extend=async unloadable=1" --timeout 240
# e2e (guest): 4 workers in 3 namespaces execute new files in a loop for
# 20 s (extend=async, every bank of a 4-bank TPM). Afterwards each
# namespace's view holds exactly its own entries, as many as its workers
# executed files; kmod_concurrency.host replays the global list against
# the TPM in all four banks. Then the module is unloaded (unloadable=1)
# once the BPF programs are gone.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
is "status: extend mode" "$(sed -n 's/^extend: //p' $SFS/status)" async
is "status: four banks" "$(sed -n 's/^banks: //p' $SFS/status)" "sha1 sha256 sha384 sha512"

SECONDS_RUN=20
cat >/tmp/worker <<'W'
#!/bin/sh
# worker ID: until /tmp/stop exists, make a new executable script, run it
# (one measurement: the interpreter is cached) and remove it.
i=0 rc=0
while [ ! -e /tmp/stop ]; do
	f=/tmp/w$1.$i
	printf '#!/bin/sh\n: %s %s\n' $1 $i >$f && chmod +x $f && $f || { rc=1; break; }
	rm -f $f
	i=$((i + 1))
done
[ $rc = 0 ] && echo $i >/tmp/count.$1
readlink /proc/self/ns/mnt >/tmp/ns.$1
W
chmod +x /tmp/worker
# Each namespace stays alive until /tmp/release exists (views checked).
hold='while [ ! -e /tmp/release ]; do sleep 0.2; done'
unshare -m sh -c "/tmp/worker 1 & /tmp/worker 2 & wait; $hold" &
unshare -m sh -c "/tmp/worker 3; $hold" &
unshare -m sh -c "/tmp/worker 4; $hold" &
sleep $SECONDS_RUN
: >/tmp/stop
for i in $(seq 300); do
	[ -s /tmp/ns.1 ] && [ -s /tmp/ns.2 ] && [ -s /tmp/ns.3 ] &&
		[ -s /tmp/ns.4 ] && break
	sleep 0.1
done

ns_of() { read -r x </tmp/ns.$1; x=${x#mnt:[}; echo "${x%]}"; }
for w in 1 2 3 4; do
	[ -s /tmp/count.$w ] || { : >/tmp/release; bail "worker $w failed"; }
done
ns1=$(ns_of 1); ns2=$(ns_of 2); ns3=$(ns_of 3); ns4=$(ns_of 4)
is "workers 1 and 2 share a namespace" "$ns1" "$ns2"
check "three distinct namespaces ($ns1 $ns3 $ns4)" \
	test "$ns1" != "$ns3" -a "$ns1" != "$ns4" -a "$ns3" != "$ns4"
c1=$(cat /tmp/count.1); c2=$(cat /tmp/count.2)
c3=$(cat /tmp/count.3); c4=$(cat /tmp/count.4)
echo "# executions: w1=$c1 w2=$c2 w3=$c3 w4=$c4"
check "every worker ran (w1=$c1 w2=$c2 w3=$c3 w4=$c4)" \
	test "$c1" -gt 10 -a "$c2" -gt 10 -a "$c3" -gt 10 -a "$c4" -gt 10

# Let the async worker drain, then snapshot (builtins only from here).
while [ "$(sed -n 's/^pending_extends: //p' $SFS/status)" != 0 ]; do sleep 0.2; done
save_snapshot sha1 sha256 sha384 sha512

cp $SFS/ascii_runtime_measurements /tmp/all
for n in "$ns1:$((c1 + c2))" "$ns3:$c3" "$ns4:$c4"; do
	id=${n%%:*}
	want=${n#*:}
	V=$SFS/ns/$id/ascii_runtime_measurements
	check "view ns/$id exists" test -r $V
	cp $V /tmp/view
	total=$(wc -l </tmp/view)
	is "ns/$id: view has every entry of the global list tagged $id" \
		"$total" "$(grep -c " $id:" /tmp/all)"
	is "ns/$id: no foreign entry in the view" "$(grep -v -c " $id:" /tmp/view)" 0
	is "ns/$id: one entry per executed file" \
		"$(grep -c " $id:/tmp/w[0-9]*\.[0-9]*\$" /tmp/view)" "$want"
	is "ns/$id/count agrees" "$(cat $SFS/ns/$id/count)" "$total"
	cmp -s /tmp/view /dev/null && not_ok "ns/$id: empty view"
done
is "no measurement errors" "$(sed -n 's/^measure_errors: //p' $SFS/status)" 0
is "no TPM errors" "$(sed -n 's/^tpm_errors: //p' $SFS/status)" 0
mem=$(sed -n 's/^memory_bytes: //p' $SFS/status)
ent=$(sed -n 's/^entries: //p' $SFS/status)
echo "# kernel memory: $mem bytes for $ent entries ($((mem / ent)) per entry)"

# The namespaces end: their views go, their entries stay in the list.
: >/tmp/release
wait
n_before=$(wc -l </tmp/all)
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -d $SFS/ns/$ns1 ] || [ -d $SFS/ns/$ns3 ] || [ -d $SFS/ns/$ns4 ] || break
	sleep 0.5
done
check "views removed when the namespaces ended" \
	test ! -d $SFS/ns/$ns1 -a ! -d $SFS/ns/$ns3 -a ! -d $SFS/ns/$ns4
cp $SFS/ascii_runtime_measurements /tmp/all2
is "their entries are still in the global list" \
	"$(head -n "$n_before" /tmp/all2 | cmp - /tmp/all && echo same)" same
for id in $ns1 $ns3 $ns4; do
	is "ns_end event logged for $id" \
		"$(grep -c " $id:nsima-event:ns_end " /tmp/all2)" 1
done
is "status: namespaces ended" \
	"$(sed -n 's/^namespaces_ended: //p' $SFS/status)" 3

# Unload: refused while BPF programs use the kfuncs (the module's
# reference count: EAGAIN), allowed afterwards.
fails_with "rmmod refused while BPF programs use the kfuncs" \
	"Resource temporarily unavailable" rmmod nsima
/nsima/nsima-load --unpin
load1=$(sed -n 's/^load_id: //p' $SFS/status)
check "status: a load_id of 16 random bytes ($load1)" \
	test "$(echo "$load1" | grep -cx '[0-9a-f]\{32\}')" = 1
read -r before </sys/class/tpm/tpm0/pcr-sha256/11
gone=no
for i in 1 2 3 4 5 6 7 8 9 10; do
	if rmmod nsima 2>/dev/null; then gone=yes; break; fi
	sleep 0.5
done
is "rmmod with unloadable=1 once the programs are gone" "$gone" yes
# Unload caps PCR 11 with 0xFF: no later list replays from zero.
ff=''
for _ in $(seq 32); do ff="$ff\\xff"; done
want=$(printf "$(echo "$before" | sed 's/\(..\)/\\x\1/g')$ff" | sha256sum | cut -d' ' -f1)
read -r after </sys/class/tpm/tpm0/pcr-sha256/11
is "unload extended 0xFF into PCR 11" "$(echo "$after" | tr 'A-F' 'a-f')" "$want"

# Parameters: resettable PCRs and unknown values are refused, each because
# of the parameter: EINVAL, and the module's (or the kernel's parameter
# parser's) line naming it in the kernel log.
KO=/nsima/nsima.ko
# refused PARAM LOG: insmod with PARAM fails with EINVAL and logs LOG
refused() {
	dmesg -c >/dev/null
	_e=$(insmod $KO "$1" 2>&1)
	_r=$?
	[ $_r = 0 ] && rmmod nsima
	_log=$(dmesg | grep -F "nsima: $2" | head -n1)
	case $_r:$_e in
	0:*) not_ok "$1 refused (it loaded)" ;;
	*"Invalid argument"*)
		if [ -n "$_log" ]; then
			ok "$1 refused: EINVAL, '${_log#*] }'"
		else
			not_ok "$1 refused: EINVAL, but no 'nsima: $2' in the kernel log:" \
				"$(dmesg | tail -n 3 | tr '\n' '|')"
		fi ;;
	*) not_ok "$1 refused: exit $_r, '$_e' (expected EINVAL)" ;;
	esac
}
refused pcr=16 "pcr=16 refused (0-23, not the resettable 16 or 23)"
refused pcr=23 "pcr=23 refused (0-23, not the resettable 16 or 23)"
refused pcr=24 "pcr=24 refused (0-23, not the resettable 16 or 23)"
refused ns=bogus "ns=bogus refused (mnt, uts, pid or cgroup)"
refused extend=maybe "extend=maybe refused (sync or async)"
refused event_queue=100 "event_queue=100 refused (a power of two, 1-65536)"
refused pcr=abc "\`abc' invalid for parameter \`pcr'"
check "pcr=16 accepted with allow_resettable_pcr=1" \
	insmod $KO pcr=16 allow_resettable_pcr=1 unloadable=1
is "status shows pcr 16" "$(sed -n 's/^pcr: //p' $SFS/status)" 16
load2=$(sed -n 's/^load_id: //p' $SFS/status)
check "a new load has another load_id ($load2)" \
	test -n "$load2" -a "$load2" != "$load1"
rmmod nsima
# Other namespace kinds: entries are tagged with that kind's namespace.
# pcr=12: the file entries go to PCR 12 (their PCR field, and the list from
# the load's checkpoint replays to the TPM's PCR 12: kmod_concurrency.host).
for kind in uts pid cgroup; do
	new=/tmp/p12-$kind	# a file no load has measured yet
	cp /usr/bin/nsima-probe $new && echo "$kind" >>$new
	nwant=$(sha256sum $new | cut -d' ' -f1)
	check "ns=$kind accepted" insmod $KO ns=$kind pcr=12 unloadable=1
	is "status shows ns $kind" "$(sed -n 's/^ns: //p' $SFS/status)" $kind
	/nsima/nsima-load --policy /nsima/default.policy || not_ok "nsima-load with ns=$kind"
	$new >/dev/null
	is "pcr=12: a new file executed is an entry for PCR 12 with its digest" \
		"$(grep -c "^12 [0-9a-f]\{40\} ima-ng sha256:$nwant $new\$" $SFS/ascii_runtime_measurements)" 1
	case $kind in
	uts) run="unshare -u" ;; pid) run="unshare -p -f" ;;
	cgroup) run="nsima-probe cgroupns" ;;
	esac
	rm -f /tmp/kns
	$run sh -c "readlink /proc/self/ns/$kind >/tmp/kns; nsima-probe >/dev/null"
	read -r kns </tmp/kns
	kns=${kns#$kind:[}; kns=${kns%]}
	is "ns=$kind: the probe run in a new $kind namespace is tagged $kns" \
		"$(grep -c " $kns:/usr/bin/nsima-probe\$" $SFS/ascii_runtime_measurements)" 1
	check "ns=$kind: host executions untagged" \
		grep -q ' ima-ng sha256:[0-9a-f]* /bin/busybox$' $SFS/ascii_runtime_measurements
	check "ns=$kind: quiescent" quiesce
	cp $SFS/ascii_runtime_measurements /tmp/p12.ascii
	is "pcr=12: every entry is for PCR 12 ($(wc -l </tmp/p12.ascii) entries)" \
		"$(cut -c1-2 /tmp/p12.ascii | sort -u)" 12
	nf=$(grep -c '^12 [0-9a-f]\{40\} ima-ng sha256:[0-9a-f]\{64\} \([0-9]*:\)\{0,1\}/' /tmp/p12.ascii)
	check "pcr=12: file entries besides the aggregate ($nf)" test "$nf" -ge 3
	# The list and PCR 12 of every bank, from the load's checkpoint (the
	# value PCR 12 had at load: earlier loads extended it, and capped it).
	d=/out/pcr12-$kind
	mkdir -p $d
	cp $SFS/checkpoint $d/checkpoint
	cp $SFS/binary_runtime_measurements $d/binary_runtime_measurements
	for b in sha1 sha256 sha384 sha512; do
		read -r v </sys/class/tpm/tpm0/pcr-$b/12
		echo "$v" >$d/pcr-$b-12
	done
	/nsima/nsima-load --unpin
	for i in 1 2 3 4 5 6 7 8 9 10; do rmmod nsima 2>/dev/null && break; sleep 0.5; done
done
read -r p12 </sys/class/tpm/tpm0/pcr-sha256/12
check "PCR 12 was extended ($p12)" test "$p12" != "$(printf '0%.0s' $(seq 64))"
check "default parameters" insmod $KO
fails_with "rmmod refused with the production default, even without programs" \
	"Resource temporarily unavailable" rmmod nsima
tap_done
