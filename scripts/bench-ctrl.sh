#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control-plane benchmark (part of `make bench`): session setup and teardown rate
# of l2tpxd as LNS, with l2tpxd as client (LAC) for the load, and the LNS's memory
# per session.  Prints Markdown on stdout; writes gnuplot data to $1/ctrl.dat.
#
# Topology: scripts/netns.sh's line without its data plane (L2TPX_NS_NODP=1); the
# LNS in lns attaches XDP to its uplink and core itself.  Each run: start the LNS,
# note its RSS, start a client placing N calls (T tunnels of N/T calls: [lac]
# sections with `sessions`), each call ICRQ -> ICRP -> ICCN -> LCP -> CHAP-MD5 ->
# IPCP (rejected: no IPv4 pool, documentation prefixes are too small for 10,000)
# and IPv6CP (a /64 from 2001:db8:100::/48) -> in the data plane's maps.  Setup
# time: client start to N sessions in the LNS's maps (polled).  Teardown: SIGTERM
# to the client (StopCCN for every tunnel) to no session left in the maps.
#
# Environment: L2TPX_BENCH_CALLS (default "1000 10000"), L2TPX_BENCH_TUNNELS
# (default 10; 1 for counts below 1000), L2TPX_BUILD.
set -uo pipefail

outdir=${1:?usage: bench-ctrl.sh DATADIR}
mkdir -p "$outdir"
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
L2TPX_NS_NODP=1
L2TPX_NS_PREFIX=l2xc$$-
CALLS=${L2TPX_BENCH_CALLS:-"1000 10000"}
TUNNELS=${L2TPX_BENCH_TUNNELS:-10}
W=$(mktemp -d /tmp/l2tpx-bench-ctrl.XXXXXX)
LNS= CLI=

stop_daemons() {
	local p
	for p in $CLI $LNS; do kill "$p" 2>/dev/null; done
	for p in $CLI $LNS; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	CLI= LNS=
}
trap 'stop_daemons; netns_down; rm -rf "$W"' EXIT
netns_up >&2 || { echo "bench-ctrl: topology setup failed" >&2; exit 1; }
ns_xdp_noop cli "$NS_IF_CLI_UP" && ns_xdp_noop srv "$NS_IF_SRV" || exit 1
printf 'bench * "bench-pw" *\n' >"$W/chap"
chmod 600 "$W/chap"

now() { date +%s.%N; }
insess() {	# sessions in the LNS's maps
	nsctl lns -j session show 2>/dev/null |
		"$L2TPX_PY" -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null ||
		echo 0
}
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# run N: one setup + teardown; prints "N tunnels setup_s teardown_s rss_delta_kib".
run() {
	local n=$1 t=$TUNNELS i per t0 t1 t2 r0 r1 got deadline bpffs
	[ "$n" -lt 1000 ] && t=1
	per=$(((n + t - 1) / t))
	cat >"$W/lns.conf" <<EOC
[global]
listen = $NS_LNS_UP4
hostname = lns
ctl_socket = $W/lns.sock
ipv6_pool = 2001:db8:100::/48
auth = chap
auth_name = lns
chap_secrets = $W/chap
uplink = $NS_IF_LNS_UP
core = $NS_IF_LNS_CORE
subscriber_dev = l2tpxb0
max_sessions = $((n + 1000))
EOC
	{
		cat <<EOC
[global]
listen = $NS_CLI_UP4
hostname = cli
lns = no
ctl_socket = $W/cli.sock
subscriber_dev = ppp0
EOC
		for ((i = 0; i < t; i++)); do
			printf '[lac t%d]\nlns = %s\nuser = bench\npassword = bench-pw\nredial = no\nsessions = %d\n' \
				"$i" "$NS_LNS_UP4" "$per"
		done
	} >"$W/cli.conf"
	# Not through the nsbpf/nsx functions: $! must be the daemon itself.
	bpffs=$(ns_bpffs lns) || return 1
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$(ns_name lns)" sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' \
		"$bpffs" "$L2TPXD" -d -c "$W/lns.conf" >"$W/lns.log" 2>&1 &
	LNS=$!
	wait_until 10 test -S "$W/lns.sock" || { echo "bench-ctrl: LNS did not start" >&2; return 1; }
	sleep 0.5
	r0=$(rss_kib "$LNS")
	t0=$(now)
	ip netns exec "$(ns_name cli)" "$L2TPXD" -d -c "$W/cli.conf" >"$W/cli.log" 2>&1 &
	CLI=$!
	deadline=$((SECONDS + 120))
	while got=$(insess) && [ "$got" -lt $((per * t)) ] && [ $SECONDS -lt $deadline ]; do
		sleep 0.05
	done
	t1=$(now)
	r1=$(rss_kib "$LNS")
	[ "$got" -ge $((per * t)) ] || echo "bench-ctrl: only $got of $((per * t)) sessions came up" >&2
	kill "$CLI"
	deadline=$((SECONDS + 120))
	while got=$(insess) && [ "$got" -gt 0 ] && [ $SECONDS -lt $deadline ]; do
		sleep 0.05
	done
	t2=$(now)
	stop_daemons
	nsbpf lns "$L2TPXCTL" unload >/dev/null 2>&1
	rm -f "$W/lns.sock" "$W/cli.sock"
	echo "$((per * t)) $t $(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.3f %.3f", b - a, c - b }') $((r1 - r0))"
}

echo "### Control plane: session setup and teardown (l2tpxd LNS, l2tpxd client as load)"
echo
echo "| calls | tunnels | setup s | **sessions/s up** (target ≥ 2000) | teardown s | sessions/s down | LNS RSS growth KiB | **bytes / session** (target ≤ 2048) |"
echo "|---|---|---|---|---|---|---|---|"
: >"$outdir/ctrl.dat"
for n in $CALLS; do
	res=$(run "$n") || continue
	read -r got t su td dr <<<"$res"
	echo "$got $su $td $dr" >>"$outdir/ctrl.dat"
	echo "bench-ctrl: $got calls on $t tunnels: up ${su}s down ${td}s rss +${dr} KiB" >&2
	echo "| $got | $t | $su | **$(awk -v n="$got" -v s="$su" 'BEGIN { printf "%.0f", n / s }')** | $td | $(awk -v n="$got" -v s="$td" 'BEGIN { printf "%.0f", n / s }') | $dr | **$(awk -v n="$got" -v r="$dr" 'BEGIN { printf "%.0f", r * 1024 / n }')** |"
done
echo
echo "Setup s: from the client's start (its tunnels' SCCRQ included) until the LNS's"
echo "maps hold every session (\`l2tpxctl -j session show\`, polled every 50 ms, so"
echo "the figures include up to one poll). Teardown s: from SIGTERM to the client"
echo "until the maps are empty. Both daemons and the poller share the machine's CPUs."
echo "RSS: VmRSS of l2tpxd (LNS) with all sessions up, minus before the client started."
echo
