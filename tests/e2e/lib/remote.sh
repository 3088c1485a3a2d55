# Guest side of a live host script (vm/run: SCRIPT.remote runs on the host
# while SCRIPT runs here). Source it, then:
#   host_step NAME    ask the host to run its step NAME (a line "STEP NAME"
#                     on ttyS2) and wait for "DONE NAME RC" (at most
#                     REMOTE_WAIT seconds, default 600); returns RC (124 on
#                     timeout, 125 without the channel)
# Lines of the channel carry no data: what the host learns, it learns
# over the network, and what it finds it prints as TAP itself.
# The tty stays open (fd 9) for the whole script: a serial tty that no
# one holds open drops what arrives, and the host may answer at once.
REMOTE_TTY=/dev/ttyS2
remote_ok=no
if [ -c $REMOTE_TTY ] && exec 9<>$REMOTE_TTY; then
	stty -F $REMOTE_TTY raw -echo 2>/dev/null
	remote_ok=yes
fi
host_step() {
	[ $remote_ok = yes ] || return 125
	echo "STEP $1" >&9
	while read -r -t "${REMOTE_WAIT:-600}" _w _n _rc <&9; do
		[ "$_w" = DONE ] && [ "$_n" = "$1" ] && return "$_rc"
	done
	return 124
}
