#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb (issue 16): README's "Install on a node" commands, run as
# written; debhelper builds nsima and nsima-dkms from this tree; lintian finds no error, and every warning it gives is explained
# in docs/install.md; `apt install ./*.deb` installs both on this
# machine, nsima-dkms's postinst building, signing and installing the
# module through dkms for the kernel whose headers are installed (the
# test VM's); every file dpkg -L lists is there, the tools run from
# /usr, the unit is installed but not enabled; `apt purge` leaves none
# of those files, no source tree, no dkms state, no module. TAP output.
# Needs root and Debian's archive (apt).
# test-timeout: 600
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
need_kver
need_built "$B/bin/nsima-attest" "$B/bin/nsimad"
need_tools dpkg-buildpackage dh_dkms lintian dkms
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/integration/apt.inc
apt_need "linux-headers-$KVER" ||
	{ echo "not ok 1 - apt could not install linux-headers-$KVER"; echo "1..1"; exit 1; }
D=$(realpath "$B")/deb
V=$(cat VERSION)
KO=/lib/modules/$KVER/updates/dkms/nsima.ko

# no nsima of an earlier run (or make dkms)
old=$(dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' nsima nsima-dkms 2>/dev/null |
	awk '$2 != "un" { print $1 }')
[ -z "$old" ] ||
	apt-get purge -y -q -o DPkg::Lock::Timeout=300 $old >"$T/purge0.log" 2>&1 ||
	{ echo "not ok 1 - apt purge of an earlier nsima failed: $(tail -n 2 "$T/purge0.log")"; echo "1..1"; exit 1; }
mk dkms-remove >/dev/null 2>&1

# README.md's "Install on a node" block, as written: each of its lines
# run by bash in the checkout's root (apt's question answered); only the
# environment says what this machine is not (below)
mapfile -t readme < <(awk '/^## Install on a node/ { s = 1; next } s && /^## / { exit }
	s && /^```/ { if (b) exit; b = 1; next } b && NF' README.md)
if [ "${#readme[@]}" = 2 ] && [ "${readme[0]}" = "make deb" ] &&
	[[ ${readme[1]} == "apt install ./build/deb/"* ]] && [ "$(realpath "$B")" = "$(realpath build)" ]; then
	ok "README's Install on a node: '${readme[0]}', '${readme[1]}'"
else
	not_ok "README's Install on a node is not the two lines this test runs (make deb; apt install ./build/deb/...), or B is not ./build" "${readme[*]:-}"
	echo "1..$n"
	exit 1
fi
expect "${readme[0]} (README)" 0 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS bash -c "${readme[0]}"
debs=$(ls "$D/nsima_${V}_amd64.deb" "$D/nsima-dkms_${V}_all.deb" 2>/dev/null | wc -l)
[ "$debs" = 2 ] && ok "two packages: nsima_${V}_amd64.deb, nsima-dkms_${V}_all.deb" ||
	not_ok "packages in $D: $(ls "$D" 2>&1 | tr '\n' ' ')"
# lintian: no error; each warning's tag explained in docs/install.md
lint=$D/lintian.txt
[ -f "$lint" ] && ! grep -q '^E: ' "$lint" &&
	ok "lintian: no error ($(grep -c '^W: ' "$lint") warnings, $(grep -c '^[IP]: ' "$lint") infos)" ||
	not_ok "lintian: errors" "$(grep '^E: ' "$lint" 2>/dev/null | head -5)"
unexplained=""
for tag in $(sed -n 's/^W: [^ ]*: \([a-z0-9-]*\).*/\1/p' "$lint" 2>/dev/null | sort -u); do
	grep -q "\`$tag\`" docs/install.md || unexplained="$unexplained $tag"
done
[ -z "$unexplained" ] && ok "every lintian warning is explained in docs/install.md" ||
	not_ok "lintian warnings not explained in docs/install.md:$unexplained"

# install: the host does not run $KVER (dkms's postinst builds for the
# running kernel and the newest with an image in /boot: neither here, so
# every kernel in /lib/modules is asked for), and the postinst's build
# takes $KVER's BTF from the VM's image (see docs/install.md), and the
# tree's resolve_btfids (dkms.sh builds one from linux-source-6.1)
# apt's settings for a script (APT_CONFIG, read after /etc/apt): yes to
# its question, no recommended packages (linux-headers-amd64 would bring
# the archive's newest headers, for which the postinst would build too),
# and a wait for the dpkg lock, as the other apt calls of the tests
cat >"$T/apt.conf" <<'EOF'
APT::Get::Assume-Yes "true";
APT::Install-Recommends "false";
DPkg::Lock::Timeout "300";
EOF
APT_CONFIG=$T/apt.conf DEBIAN_FRONTEND=noninteractive autoinstall_all_kernels=1 \
	NSIMA_BTF_BASE=$(realpath "$B/kernel/vmlinuz") \
	NSIMA_RESOLVE_BTFIDS=$(realpath "$B/kernel/headers/tools/bpf/resolve_btfids/resolve_btfids") \
	bash -c "${readme[1]}" </dev/null >"$T/apt.log" 2>&1
rc=$?
[ $rc = 0 ] && ok "${readme[1]} (README)" ||
	not_ok "${readme[1]}: exit $rc" "$(tail -n 8 "$T/apt.log")"
grep -q "Building initial module for $KVER" "$T/apt.log" &&
	ok "nsima-dkms's postinst built the module for $KVER" ||
	not_ok "the postinst did not build for $KVER" "$(grep -i -e dkms -e build "$T/apt.log" | tail -n 5)"
st=$(dkms status "nsima/$V" -k "$KVER" 2>&1)
[[ $st == "nsima/$V, $KVER, x86_64: installed"* ]] && [ -f "$KO" ] &&
	[ "$(modinfo -F signer "$KO" 2>/dev/null)" = "DKMS module signing key" ] &&
	ok "dkms status: installed for $KVER, $KO signed by the DKMS key" ||
	not_ok "dkms: $st"
dpkg -L nsima nsima-dkms >"$T/files" 2>&1
missing=0 files=0
while read -r f; do
	[ -n "$f" ] || continue	# dpkg -L: a blank line between packages
	[ -d "$f" ] && continue
	files=$((files + 1))
	[ -e "$f" ] || { missing=$((missing + 1)); echo "# missing: $f"; }
done <"$T/files"
[ $missing = 0 ] && [ $files -ge 20 ] && ok "dpkg -L: all $files files are there" ||
	not_ok "dpkg -L: $missing of $files files missing"
for f in /usr/bin/nsima-attest /usr/bin/nsima-policy /usr/sbin/nsimad /usr/sbin/nsima-load \
	/lib/systemd/system/nsimad.service /usr/share/nsima/default.policy \
	"/usr/src/nsima-$V/dkms.conf" "/usr/src/nsima-$V/dkms-make"; do
	grep -qx "$f" "$T/files" || unlisted="${unlisted:-} $f"
done
[ -z "${unlisted:-}" ] && ok "dpkg -L lists the tools, the agent, the unit, the policy, the dkms tree" ||
	not_ok "dpkg -L does not list:$unlisted"
expect "/usr/sbin/nsimad --help runs" 0 /usr/sbin/nsimad --help
expect "/usr/bin/nsima-attest --help runs" 0 /usr/bin/nsima-attest --help
expect "nsima-policy check /usr/share/nsima/default.policy" 0 \
	/usr/bin/nsima-policy check /usr/share/nsima/default.policy
grep -q '^ExecStart=/usr/sbin/nsimad' /lib/systemd/system/nsimad.service &&
	[ ! -e /etc/systemd/system/multi-user.target.wants/nsimad.service ] &&
	ok "the unit runs /usr/sbin/nsimad and is not enabled (it needs a configuration)" ||
	not_ok "the unit: $(grep ExecStart /lib/systemd/system/nsimad.service 2>&1), enabled: $(ls /etc/systemd/system/multi-user.target.wants/ 2>&1 | tr '\n' ' ')"

# purge: nothing of either left
apt-get purge -y -q -o DPkg::Lock::Timeout=300 nsima nsima-dkms >"$T/purge.log" 2>&1
rc=$?
[ $rc = 0 ] && ok "apt purge nsima nsima-dkms" || not_ok "apt purge: exit $rc" "$(tail -n 5 "$T/purge.log")"
left=""
while read -r f; do
	[ -d "$f" ] && continue
	[ -e "$f" ] && left="$left $f"
done <"$T/files"
for f in "/usr/src/nsima-$V" /var/lib/dkms/nsima "$KO" /usr/share/doc/nsima /usr/share/nsima; do
	[ -e "$f" ] && left="$left $f"
done
[ -z "$left" ] && ok "nothing left: no listed file, no source tree, no dkms state, no module" ||
	not_ok "left behind:$left"
echo "1..$n"
exit $failed
