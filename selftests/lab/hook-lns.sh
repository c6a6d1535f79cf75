#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lab host hook (boot.sh runs it inside netns $NETNS, where the tap to the
# guest is): l2tpxd as the LNS at 192.0.2.1, XDP on the tap, CHAP with the
# lab's credentials, for the guest's xl2tpd + pppd (kernel mode) to dial.
# Writes what the checks need into $RUN.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$REPO/build
D=$RUN/l2tpx-lns
mkdir -p "$D/bpf"
mount -t bpf bpf "$D/bpf"
printf 'labuser lns labpass *\n' >"$D/chap-secrets"
chmod 600 "$D/chap-secrets"
cat >"$D/lns.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = lns
ctl_socket = $D/ctl.sock
auth = chap
auth_name = lns
chap_secrets = $D/chap-secrets
ip_range = 203.0.113.10-203.0.113.20
local_ip = 203.0.113.1
uplink = $TAP
subscriber_dev = l2tpx0
EOC
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
"$B/l2tpxd" -d -v -p "$D/bpf/l2tpx" -c "$D/lns.conf" >"$RUN/l2tpxd-lns.log" 2>&1 &
PID=$!
dump() {
	"$B/l2tpxctl" -j -d "$D/bpf/l2tpx" stats >"$RUN/l2tpx-stats.json" 2>&1
	"$B/l2tpxctl" -j -s "$D/ctl.sock" -d "$D/bpf/l2tpx" session show >"$RUN/l2tpx-sessions.json" 2>&1
}
finish() {
	dump
	kill "$PID" 2>/dev/null
	sleep 1
	"$B/l2tpxctl" -d "$D/bpf/l2tpx" unload >/dev/null 2>&1
	umount "$D/bpf"
	exit 0
}
trap finish TERM INT
# While the guest's call is up, take the session table once.
for _ in $(seq 600); do
	[ -e "$SHARE/out/rc" ] && break
	grep -q "in the data plane" "$RUN/l2tpxd-lns.log" 2>/dev/null && [ ! -e "$RUN/l2tpx-during.json" ] &&
		sleep 2 && "$B/l2tpxctl" -j -s "$D/ctl.sock" -d "$D/bpf/l2tpx" session show >"$RUN/l2tpx-during.json" 2>&1
	sleep 1
done
finish
