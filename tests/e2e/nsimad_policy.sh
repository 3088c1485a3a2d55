#!/bin/sh
# vm-options: --timeout 300
# e2e (guest): nsimad loads the BPF programs itself (--policy), keeps
# them across its restarts, replaces them on SIGHUP with no moment
# without programs, and measures its own start and stop.
# - nsimad --once with the policy vm/init's nsima-load applied: nothing
#   loaded again (no new policy entry), its start and stop in the list.
# - nsima-load --unpin: measured (a policy entry, all-zero digest).
# - nsimad --policy A, with only the capabilities its systemd unit keeps:
#   loads and pins the programs (a policy entry naming the BPF object),
#   a restart keeps them; a second nsimad is refused (EBUSY).
# - SIGHUP with policy B: a new policy entry; the programs are B's (a
#   rule only B has fires, one only A has no longer); a shell marked as a
#   workload under A, which executes nothing since, is still one under B
#   (its open of /etc/shadow raises B's shadow_read event: the marks are
#   shared); a workload executing new files all through the reload has
#   every file measured; no pin left behind.
# - SIGHUP with B unchanged: nothing loaded; with a file that does not
#   parse: said, counted in /metrics, B stays; with a reload that fails
#   after its measurement (a pin in the way): B stays and its policy
#   entry is the list's last again.
# - kill -9: the module logs the agent's death (its pid, the host's).
# - A load that did not finish (the RELOADING mark left): the next start
#   loads again, whatever pm_info says.
# - SIGTERM: the stop entry is in the journal, after the start.
# test-timeout: 360
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
PIN=/sys/fs/bpf/nsima
D=/var/lib/nsima
J=$D/current
LOG=/tmp/nsimad.log
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed (see console)"
mkdir -p $D /tmp/w
echo "root:*:19000:0:99999:7:::" >/etc/shadow
# nsimad as its systemd unit runs it: these capabilities only
UNIT_CAPS=sys_admin,bpf,dac_read_search
ip link set lo up	# /metrics on 127.0.0.1
policy=/policy
[ -f $policy ] || policy=/nsima/default.policy

# the node log (the journal's); an event's JSON is its line's last
# field, in hex: hexof TEXT is what to look for
node() { cat $J/node/ascii_runtime_measurements; }
hexof() { printf %s "$1" | od -An -v -tx1 | tr -d ' \n'; }
events() { node | grep -c "nsima-event:$1 "; }
# exec events of rule $1
fired() { node | grep "nsima-event:exec " | grep -c "$(hexof "\"rule\":\"$1\"")"; }
# the last policy entry names digest $1: 1, else 0
last_policy_is() {
	node | grep "nsima-event:policy " | tail -n 1 |
		grep -c "$(hexof "\"digest\":\"sha256:$1\"")"
}
# the agent entries' states, in order
agent_states() {
	for h in $(node | grep "nsima-event:agent " | awk '{ print $NF }'); do
		case $h in
		*"$(hexof '"state":"start"')"*) printf 'start ' ;;
		*"$(hexof '"state":"stop"')"*) printf 'stop ' ;;
		*"$(hexof '"state":"died"')"*) printf 'died ' ;;
		*) printf '? ' ;;
		esac
	done
}
# until the journal holds the kernel list's end (nsimad committed it)
synced() {
	i=0
	while [ $i -lt 200 ]; do
		e=$(sed -n 's/^entries: //p' $SFS/status)
		t=$(sed -n 's/^trimmed: //p' $SFS/status)
		c=$(awk '$1 == "commit" { n = $2 } END { print n + 0 }' $J/commits)
		[ "$c" -ge $((e + t)) ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
waitlog() {
	i=0
	while [ $i -lt 300 ]; do
		[ "$(grep -c "$1" $LOG)" -ge "${2:-1}" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- 1. programs pinned by nsima-load: nsimad --policy leaves them ----
check "nsima-load pinned the policy's digest (pm_info)" test -e $PIN/pm_info
nsimad --once --dir $D --policy $policy 2>>$LOG
check "nsimad --once --policy (same policy): exit 0" test $? = 0
check "it says the policy is in force already" grep -q "in force already" $LOG
is "no policy loaded again: one policy entry (nsima-load's)" \
	"$(events policy)" 1
is "its start and stop are in the journal" "$(agent_states)" "start stop "
h=$(node | grep "nsima-event:agent " | head -n 1 | awk '{ print $NF }')
case $h in
"$(hexof '{"comm":"nsimad","pid":')"*"$(hexof ',"state":"start","uid":0}')") ok "the agent entry names nsimad, its pid and uid 0" ;;
*) not_ok "the agent entry names nsimad, its pid and uid 0 (got $h)" ;;
esac

# ---- 2. unpinned; nsimad loads A ----
nsima-load --unpin
check "nsima-load --unpin removed the pins" test ! -e $PIN/nsima_bprm_check
check "... measured: a policy entry with an all-zero digest, in the kernel list" \
	grep -q "nsima-event:policy $(hexof '{"comm":"nsima-load","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"')" \
	$SFS/ascii_runtime_measurements
{ cat $policy; echo "rule old_only exec name=probe-x risk=low scope=container"; } >/tmp/A.policy
{ cat $policy; echo "rule new_only exec name=probe-x risk=low scope=container"; } >/tmp/B.policy
cp /tmp/A.policy /tmp/p.policy
printf '#!/bin/sh\ntrue\n' >/tmp/w/probe-x
chmod +x /tmp/w/probe-x
nsima-probe caps $UNIT_CAPS nsimad --dir $D --interval 20 \
	--policy /tmp/p.policy --listen 127.0.0.1:9464 2>>$LOG &
pid=$!
check "nsimad --policy A (the unit's capabilities only): loaded" \
	waitlog "loaded, programs attached"
check "the programs are pinned again" test -e $PIN/nsima_bprm_check
check "and their policy maps and state" \
	sh -c "test -e $PIN/pm_keys && test -e $PIN/pm_info && test -e $PIN/workload && test -e $PIN/kfunc_errors"
check "status: host_mntns is PID 1's mount namespace" \
	test "$(sed -n 's/^host_mntns: //p' $SFS/status)" = "$(stat -Lc %i /proc/1/ns/mnt)"
/tmp/w/probe-x	# on the host: no workload, scope=container does not fire
unshare -m sh -c '/tmp/w/probe-x'
synced
is "A's rule fires in a workload, not on the host" "$(fired old_only)" 1
is "the unpin and A's load are policy entries (three now)" "$(events policy)" 3
digest_a=$(sha256sum /tmp/A.policy | cut -d' ' -f1)
is "the last policy entry is A's digest" "$(last_policy_is $digest_a)" 1
check "... and names the BPF object (programs)" sh -c \
	"grep 'nsima-event:policy ' $J/node/ascii_runtime_measurements | tail -n 1 | grep -q '$(hexof '"programs":"sha256:')'"
fails_with "a second nsimad: refused, the agent file is held" \
	"another nsimad runs on this node" nsimad --once --dir /tmp/other
kill -TERM $pid; wait $pid
check "SIGTERM: exit 0" test $? = 0
nsima-probe caps $UNIT_CAPS nsimad --dir $D --interval 20 \
	--policy /tmp/p.policy --listen 127.0.0.1:9464 2>>$LOG &
pid=$!
check "restarted with A: in force already, not loaded again" \
	waitlog "in force already" 2
synced
is "still three policy entries" "$(events policy)" 3

# ---- 3. SIGHUP: B replaces A ----
# a workload from before the reload, waiting (its exec of sh marks it
# under A); then it opens /etc/shadow itself (a builtin read: no exec
# that would mark it again), and executes probe-x
unshare -m sh -c 'while [ ! -e /tmp/w/go ]; do sleep 0.05; done
	read l </etc/shadow; /tmp/w/probe-x' &
waiter=$!
# a workload executing a new file every few ms through the reload
unshare -m sh -c 'i=0; while [ ! -e /tmp/w/stop ]; do i=$((i + 1));
	printf "#!/bin/sh\n# %s\n" $i >/tmp/w/g-$i; chmod +x /tmp/w/g-$i;
	/tmp/w/g-$i; echo $i >/tmp/w/gen.count; done' &
gen=$!
sleep 0.5
cp /tmp/B.policy /tmp/p.policy
# a pin this build has not (an older build's program or map): the new
# set replaces the whole directory
nsima-probe pin-map $PIN/nsima_old_hook
kill -HUP $pid
check "SIGHUP with B: B replaces A" waitlog "replaces the programs in force"
sleep 0.5
touch /tmp/w/stop /tmp/w/go
wait $gen $waiter
unshare -m sh -c '/tmp/w/probe-x'
synced
is "four policy entries" "$(events policy)" 4
digest_b=$(sha256sum /tmp/B.policy | cut -d' ' -f1)
is "the last one is B's digest" "$(last_policy_is $digest_b)" 1
is "A's rule no longer fires (A's programs detached)" "$(fired old_only)" 1
is "B's fires, for the waiting workload and the new one" \
	"$(fired new_only)" 2
is "the shell marked under A is a workload under B (shadow_read, no exec since)" \
	"$(node | grep "nsima-event:open " | grep -c "$(hexof '"rule":"shadow_read"')")" 1
n=$(cat /tmp/w/gen.count)
node | sed -n 's|.*[ :]/tmp/w/g-\([0-9]*\)$|\1|p' | sort -un >/tmp/w/seen
miss=$(seq 1 "$n" | grep -cvxFf /tmp/w/seen)
check "the workload executed files all through the reload ($n)" test "$n" -gt 20
is "every one of them is measured" "$miss" 0
is "no _new pin left" "$(ls $PIN | grep -c '_new$')" 0
check "an older build's pin is gone with the old set" test ! -e $PIN/nsima_old_hook

# ---- 4. SIGHUP: unchanged, broken, failed after measuring ----
kill -HUP $pid
check "SIGHUP, B unchanged: in force already" waitlog "in force already" 3
echo "rule broken exec nothing=1" >/tmp/p.policy
kill -HUP $pid
check "SIGHUP, a policy that does not parse: said" waitlog "p.policy:1"
check "counted in /metrics" sh -c \
	"wget -q -O - http://127.0.0.1:9464/metrics | grep -qx 'nsima_agent_policy_errors_total 1'"
cp /tmp/A.policy /tmp/p.policy
mkdir $PIN/pm_keys_new
kill -HUP $pid
check "SIGHUP, a reload that fails after its measurement: said" \
	waitlog "pin $PIN/pm_keys_new"
# the pin error is said mid-load; the load has undone itself (B measured
# again, the mark gone) once nsimad says so, the second time this run
check "... and undone: the programs in force stay" \
	waitlog "the programs in force stay" 2
check "... no mark left: B is in force and the list names it" \
	test ! -e $PIN/reloading
rmdir $PIN/pm_keys_new
cp /tmp/B.policy /tmp/p.policy
unshare -m sh -c '/tmp/w/probe-x'
synced
is "its policy entry and B's again: six policy entries" \
	"$(events policy)" 6
is "the last one is B's, which is in force" "$(last_policy_is $digest_b)" 1
is "B's rule still fires" "$(fired new_only)" 3
is "A's does not" "$(fired old_only)" 1
check "counted: 2 errors in /metrics" sh -c \
	"wget -q -O - http://127.0.0.1:9464/metrics | grep -qx 'nsima_agent_policy_errors_total 2'"
is "no _new pin left" "$(ls $PIN | grep -c '_new$')" 0

# ---- 5. kill -9, an unfinished load, SIGTERM ----
kill -9 $pid; wait $pid
pid2=$pid
# a loader that died half way leaves its mark; the policy now does not
# parse: no set the list can name is in force, nsimad says so and stops
check "a mark as a loader that died half way leaves it" mkdir $PIN/reloading
echo "rule broken exec nothing=1" >/tmp/p.policy
nsimad --dir $D --interval 20 --policy /tmp/p.policy 2>>$LOG
is "... then a policy that does not parse: nsimad exits 2" $? 2
ff=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
check "... and the list's last policy entry says the programs in force are not known" sh -c \
	"grep 'nsima-event:policy ' $SFS/ascii_runtime_measurements | tail -n 1 | grep -q '$(hexof "\"digest\":\"sha256:$ff\"")'"
check "... the mark stays" test -d $PIN/reloading
cp /tmp/B.policy /tmp/p.policy
nsimad --dir $D --interval 20 --policy /tmp/p.policy 2>>$LOG &
pid=$!
check "after a load that did not finish: B loaded again" \
	waitlog "loaded again (a load had not finished)"
check "... the mark is gone" test ! -e $PIN/reloading
synced
is "eight policy entries (the unknown one and B's)" "$(events policy)" 8
is "the last one is B's" "$(last_policy_is $digest_b)" 1
kill -TERM $pid; wait $pid
check "SIGTERM: exit 0" test $? = 0
is "the journal's agent entries: start/stop for each run, died for the killed one" \
	"$(agent_states)" "start stop start stop start died start stop start stop "
check "the death is the module's (the host's entry) and names the killed nsimad" \
	grep -q "^11 [0-9a-f]* ima-buf sha256:[0-9a-f]* nsima-event:agent $(hexof "{\"comm\":\"nsimad\",\"pid\":$pid2,\"state\":\"died\"")" \
	$J/node/ascii_runtime_measurements
check "no error in nsimad's log" sh -c "! grep -v -e 'p.policy:1' -e 'pm_keys_new' -e 'failed to pin map: File exists' -e 'stopped at entry' $LOG | grep -qi 'error\|fail\|cannot'"
sed 's/^/# /' $LOG
tap_done
