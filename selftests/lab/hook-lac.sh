#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lab host hook for the guest's LNS (xl2tpd + pppd, kernel mode, CHAP
# required): l2tpxd's client dials it, authenticates as labuser, takes its
# address and pings the LNS's; results into $RUN.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$REPO/build
D=$RUN/l2tpx-lac
mkdir -p "$D"
for _ in $(seq 300); do [ -e "$SHARE/out/ready" ] && break; sleep 1; done
cat >"$D/lac.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = l2tpx-client
lns = no
ctl_socket = $D/ctl.sock
subscriber_dev = ppp0
[lac lab]
lns = 192.0.2.2
user = labuser
password = labpass
redial = no
EOC
"$B/l2tpxd" -d -v -c "$D/lac.conf" >"$RUN/l2tpxd-lac.log" 2>&1 &
PID=$!
for _ in $(seq 60); do ip -4 -o addr show dev ppp0 2>/dev/null | grep -q inet && break; sleep 1; done
ip -4 -o addr show dev ppp0 >"$RUN/l2tpx-lac-addr.txt" 2>&1
peer=$(ip -4 -o addr show dev ppp0 2>/dev/null | sed -n 's/.*peer \([0-9.]*\).*/\1/p')
[ -n "$peer" ] && ping -c 3 -W 2 "$peer" >"$RUN/l2tpx-lac-ping.txt" 2>&1
touch "$SHARE/dump-now"
for _ in $(seq 30); do [ -e "$SHARE/out/dumped" ] && break; sleep 1; done
kill "$PID" 2>/dev/null
sleep 1
touch "$SHARE/host-done"
