#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lab host hook for the guest's LNS (xl2tpd + pppd, kernel mode, CHAP
# required): l2tpxd's client dials it, authenticates as labuser, takes its
# address and pings the LNS's; results into $RUN.
set -u
# shellcheck source=lac-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lac-lib.sh"
lab_lac_start || exit 0
for _ in $(seq 60); do ip -4 -o addr show dev ppp0 2>/dev/null | grep -q inet && break; sleep 1; done
ip -4 -o addr show dev ppp0 >"$RUN/l2tpx-lac-addr.txt" 2>&1
peer=$(ip -4 -o addr show dev ppp0 2>/dev/null | sed -n 's/.*peer \([0-9.]*\).*/\1/p')
[ -n "$peer" ] && ping -c 3 -W 2 "$peer" >"$RUN/l2tpx-lac-ping.txt" 2>&1
touch "$SHARE/dump-now"
for _ in $(seq 30); do [ -e "$SHARE/out/dumped" ] && break; sleep 1; done
kill "$LAC_PID" 2>/dev/null
sleep 1
touch "$SHARE/host-done"
