#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build the namespace topology (outer IPv4), run a ping and a TCP transfer
# through the XDP data plane, show lns's sessions and counters while they run, then
# tear everything down.  About 15 seconds; needs root and a built tree.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$REPO/scripts/netns.sh"

BYTES=${DEMO_BYTES:-67108864}	# 64 MiB
WORK=
BGPIDS=""

cleanup() {
	local p
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	netns_down
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B='' N=''; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }

# lns's counters, only the reasons that counted something.
lns_stats() { nsctl lns stats | awk 'NR == 1 || $2 != 0'; }

[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/l2tpx-demo.XXXXXX) || exit 1

say "topology: sub (198.51.100.2) - cli ==L2TP/UDP 192.0.2.1 <-> 192.0.2.2== lns - srv (203.0.113.2)"
netns_up || exit 1
netns_session_up 4 || exit 1

say "lns: l2tpxctl session show"
nsctl lns session show

say "ping sub -> srv and a $((BYTES >> 20)) MiB TCP transfer srv -> sub, both through the tunnel"
head -c "$BYTES" /dev/urandom >"$WORK/payload"
ip netns exec "$(ns_name sub)" timeout 20 ping -n -c 20 -i 0.2 -W 1 "$NS_SRV4" \
	>"$WORK/ping.out" 2>&1 &
BGPIDS="$BGPIDS $!"
start=$(date +%s.%N)
ns_xfer srv sub "$NS_SUB4" "$WORK/payload" "$WORK/rx" &
xfer=$!
BGPIDS="$BGPIDS $xfer"

sleep 1
say "lns while traffic flows: l2tpxctl stats (nonzero reasons)"
lns_stats
say "lns: l2tpxctl session show"
nsctl lns session show

wait "$xfer"
rc=$?
end=$(date +%s.%N)
if [ $rc = 0 ] && cmp -s "$WORK/payload" "$WORK/rx"; then
	awk -v b="$BYTES" -v s="$start" -v e="$end" \
		'BEGIN { printf "TCP: %d bytes in %.2f s (%.0f Mbit/s), contents identical\n", b, e - s, b * 8 / (e - s) / 1e6 }'
else
	echo "TCP transfer FAILED"
fi
wait
tail -n 2 "$WORK/ping.out"

say "lns after the traffic: l2tpxctl stats (nonzero reasons)"
lns_stats
say "lns: l2tpxctl session show"
nsctl lns session show

say "tearing down"
