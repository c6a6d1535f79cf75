#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Accelerator mode where the kernel has no L2TP (this machine): `mode = accel`
# and `--accel` are accepted by `l2tpxd -n`, a bad mode names file:line, and
# the daemon refuses to start with the modprobe hint before it loads or pins
# anything.  (The mode at work is selftests/lab/interop-accel.sh.)
set -u
B=$(cd "$(dirname "$0")/.." && pwd)/build
T=$(mktemp -d /tmp/l2tpx-accel.XXXXXX)
NS=l2tpx-accel-$$
cleanup() {
	umount "$T/bpf" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
N=0
F=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); F=$((F + 1)); echo "not ok $N - $*"; }

printf '[global]\nmode = accel\naccel_kernel_ifaces = ppp1*\nctl_socket = %s/ctl.sock\n' "$T" >"$T/accel.conf"
out=$("$B/l2tpxd" -n -c "$T/accel.conf" 2>&1) && ok "mode = accel passes -n" || nok "mode = accel passes -n: $out"
out=$("$B/l2tpxd" -n --accel -c "$T/accel.conf" 2>&1) && ok "--accel passes -n" || nok "--accel passes -n: $out"
printf '[global]\n\nmode = turbo\n' >"$T/bad.conf"
out=$("$B/l2tpxd" -n -c "$T/bad.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] && [ "${out#*bad.conf:3: mode: expected daemon or accel}" != "$out" ] &&
	ok "mode = turbo is refused naming file:line" || nok "mode = turbo refused: rc $rc, $out"

if [ -d /sys/module/l2tp_netlink ]; then
	nok "this test expects a kernel without L2TP netlink (the lab covers one with it)"
else
	ip netns add "$NS"
	mkdir -p "$T/bpf"
	mount -t bpf bpf "$T/bpf"
	out=$(timeout 20 ip netns exec "$NS" "$B/l2tpxd" --accel -d -p "$T/bpf/l2tpx" -c "$T/accel.conf" 2>&1)
	rc=$?
	[ $rc -eq 1 ] && [ "${out#*modprobe l2tp_netlink}" != "$out" ] &&
		ok "without kernel L2TP it exits 1 and says what to load" ||
		nok "without kernel L2TP: rc $rc, $out"
	[ ! -e "$T/bpf/l2tpx" ] && ok "nothing was loaded or pinned" || nok "pins left in $T/bpf/l2tpx"
	[ ! -e "$T/ctl.sock" ] && ok "no control socket left behind" || nok "control socket left"
fi
echo "1..$N"
[ "$F" -eq 0 ]
