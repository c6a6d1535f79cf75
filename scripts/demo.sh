#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: an l2tpxd client dials an l2tpxd LNS whose uplink and core carry
# the XDP data plane, authenticates with CHAP, gets an address from the pool and
# reaches a server behind the LNS.  While a ping and a TCP transfer run from the
# client to the server, the LNS's tunnel and session tables and its data-plane
# counters are shown; then everything is torn down (also on Ctrl-C or failure).
# About 10 seconds; needs root and a built tree (`make demo` builds it).
#
#   cli 192.0.2.1 ==== L2TP/UDP ==== 192.0.2.2 lns 203.0.113.1 ---- 203.0.113.2 srv
#   l2tpxd (client, ppp0)        l2tpxd (LNS), XDP on lns-cli (uplink) and lns-srv (core)
#
# Environment: DEMO_BYTES (TCP transfer size, default 64 MiB).
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$REPO/build
BYTES=${DEMO_BYTES:-67108864}
P=l2xdemo$$-		# namespace prefix, unique per run
T=			# temp dir: configs, logs, socket, payload, bpffs
PIN=
PIDS=""			# everything started in the background, by pid

if [ -t 1 ]; then H=$'\033[1m' N=$'\033[0m'; else H='' N=''; fi
say() { printf '\n%s== %s%s\n' "$H" "$*" "$N"; }
nsx() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }
ctl() { nsx lns "$B/l2tpxctl" -s "$T/lns.sock" -d "$PIN" "$@"; }
now() { date +%s.%N; }

cleanup() {
	local p ns i alive
	trap '' INT TERM HUP	# a second Ctrl-C must not stop the teardown
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for i in $(seq 20); do
		alive=0
		for p in $PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	# Anything else still running inside our namespaces (a socat, a ping).
	for ns in cli lns srv; do
		for p in $(ip netns pids "$P$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	wait 2>/dev/null
	for ns in cli lns srv; do ip netns del "$P$ns" 2>/dev/null; done
	if [ -n "$T" ]; then
		mountpoint -q "$T/bpf" && { umount "$T/bpf" 2>/dev/null || umount -l "$T/bpf"; }
		rm -rf "$T"
	fi
}

fail() {
	local f
	echo "demo: $*" >&2
	for f in "$T"/*.log; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/} (last lines)" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
for f in "$B/l2tpxd" "$B/l2tpxctl" "$B/bpf/xdp_noop.bpf.o"; do
	[ -e "$f" ] || { echo "demo: $f missing; run make first" >&2; exit 1; }
done
for c in socat ethtool; do
	command -v "$c" >/dev/null || { echo "demo: $c missing; run scripts/deps.sh" >&2; exit 1; }
done

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
T=$(mktemp -d /tmp/l2tpx-demo.XXXXXX) || exit 1
# The LNS pins its maps in a bpffs of its own, reachable from every namespace
# (ip netns exec remounts /sys, not /tmp).
mkdir "$T/bpf" && mount -t bpf bpf "$T/bpf" || fail "cannot mount a bpffs"
PIN=$T/bpf/l2tpx
T0=$(now)

say "topology: cli 192.0.2.1 ==L2TP== 192.0.2.2 lns 203.0.113.1 -- 203.0.113.2 srv"
for ns in cli lns srv; do
	ip netns add "$P$ns" || fail "ip netns add"
	nsx "$ns" ip link set lo up
done
ip link add name cli-lns netns "${P}cli" type veth peer name lns-cli netns "${P}lns" || fail "veth"
ip link add name lns-srv netns "${P}lns" type veth peer name srv-lns netns "${P}srv" || fail "veth"
nsx cli ip addr add 192.0.2.1/24 dev cli-lns
nsx lns ip addr add 192.0.2.2/24 dev lns-cli
nsx lns ip addr add 203.0.113.1/24 dev lns-srv
nsx srv ip addr add 203.0.113.2/24 dev srv-lns
nsx lns sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
for l in "cli cli-lns" "lns lns-cli" "lns lns-srv" "srv srv-lns"; do
	set -- $l
	nsx "$1" ip link set "$2" up
	# veths hand locally made packets on with the checksum still to fill in,
	# which no real NIC gives to XDP: compute it.
	nsx "$1" ethtool -K "$2" tx off >/dev/null
done
# XDP redirects into a veth need an XDP program on its far end.
nsx cli ip link set dev cli-lns xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp || fail "xdp_noop"
nsx srv ip link set dev srv-lns xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp || fail "xdp_noop"
nsx srv ip route add 198.51.100.0/24 via 203.0.113.1 || fail "route on srv"
echo "namespaces ${P}{cli,lns,srv}; veths cli-lns/lns-cli and lns-srv/srv-lns"

say "lns: l2tpxd as LNS, XDP on lns-cli (uplink, decap) and lns-srv (core, encap), CHAP, pool 198.51.100.10-20"
printf 'alice\tlns\t"wonder land"\t*\n' >"$T/chap-secrets"
chmod 600 "$T/chap-secrets"
cat >"$T/lns.conf" <<EOC
[global]
listen = 192.0.2.2
hostname = lns
ctl_socket = $T/lns.sock
ip_range = 198.51.100.10-198.51.100.20
local_ip = 198.51.100.1
dns1 = 203.0.113.53
auth = chap
auth_name = lns
chap_secrets = $T/chap-secrets
uplink = lns-cli
core = lns-srv
subscriber_dev = l2tpx0
EOC
# ip netns exec execs the daemon: $! is the daemon itself.
ip netns exec "${P}lns" "$B/l2tpxd" -d -v -p "$PIN" -c "$T/lns.conf" >"$T/lns.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S "$T/lns.sock" ] && break; sleep 0.1; done
[ -S "$T/lns.sock" ] || fail "the LNS did not start"
for d in lns-cli lns-srv; do
	echo "  $d: $(nsx lns ip link show dev "$d" | grep -o 'prog/xdp[a-z]* id [0-9]*')"
done
echo "  l2tpx0: TUN for the slow path, TC encap on egress"

say "cli: l2tpxd as client dials 192.0.2.2 as user alice (CHAP), PPP on ppp0"
cat >"$T/cli.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = cli
lns = no
ctl_socket = $T/cli.sock
subscriber_dev = ppp0
[lac demo]
lns = 192.0.2.2
user = alice
password = wonder land
redial = no
EOC
ip netns exec "${P}cli" "$B/l2tpxd" -d -v -c "$T/cli.conf" >"$T/cli.log" 2>&1 &
PIDS="$PIDS $!"
addr=
for _ in $(seq 100); do
	addr=$(nsx cli ip -4 -o addr show dev ppp0 2>/dev/null | awk '{ print $4; exit }')
	[ -n "$addr" ] && break
	sleep 0.1
done
[ -n "$addr" ] || fail "the client got no address within 10 s"
nsx cli ip route add 203.0.113.0/24 dev ppp0 || fail "route via ppp0"
grep -h "authenticated\|in the data plane" "$T/lns.log" | sed 's/^/  lns log: /'
echo "  cli ppp0: $addr (from the LNS's pool); route 203.0.113.0/24 via ppp0"

say "lns: l2tpxctl -s lns.sock tunnel show   (the control plane's tunnels)"
ctl tunnel show
say "lns: l2tpxctl -s lns.sock -d PIN session show   (the call, then its data-plane entry)"
ctl session show

say "traffic: ping cli -> srv and a $((BYTES >> 20)) MiB TCP transfer cli -> srv (socat)"
head -c "$BYTES" /dev/urandom >"$T/payload"
want=$(sha256sum <"$T/payload" | cut -d' ' -f1)
nsx srv timeout 25 socat -u TCP-LISTEN:5001,reuseaddr STDOUT 2>"$T/socat-srv.log" |
	sha256sum >"$T/got.sum" &
PIDS="$PIDS $!"
rx=$!
for _ in $(seq 50); do
	nsx srv ss -Hltn 'sport = :5001' 2>/dev/null | grep -q . && break
	sleep 0.1
done
nsx cli timeout 15 ping -n -c 10 -i 0.2 -w 14 203.0.113.2 >"$T/ping.log" 2>&1 &
PIDS="$PIDS $!"
ping_pid=$!
start=$(now)
nsx cli timeout 25 socat -u OPEN:"$T/payload" TCP:203.0.113.2:5001 2>"$T/socat-cli.log" &
PIDS="$PIDS $!"
tx=$!
sleep 1
if kill -0 "$tx" 2>/dev/null; then when="during the transfer"; else when="(the transfer already ended)"; fi
say "lns: l2tpxctl -d PIN stats $when   (nonzero reasons only)"
ctl stats | awk 'NR == 1 || $2 != 0'
say "lns: l2tpxctl session show $when   (per-session counters)"
ctl session show | grep -v '^call'

wait "$tx"; txrc=$?
wait "$rx"
end=$(now)
wait "$ping_pid"
got=$(cut -d' ' -f1 <"$T/got.sum")
[ "$txrc" = 0 ] && [ "$got" = "$want" ] || fail "TCP transfer failed (socat $txrc, checksum ${got:0:12} vs ${want:0:12})"
say "results"
awk -v b="$BYTES" -v s="$start" -v e="$end" 'BEGIN {
	printf "TCP cli -> srv: %d MiB in %.2f s = %.0f Mbit/s, sha256 identical\n",
	       b / 1048576, e - s, b * 8 / (e - s) / 1e6 }'
grep -E 'packets transmitted|rtt' "$T/ping.log" | sed 's/^/ping: /'
grep -q ' 0% packet loss' "$T/ping.log" || fail "ping lost packets"

say "lns: l2tpxctl -d PIN stats after the traffic   (nonzero reasons only)"
ctl stats | tee "$T/stats.out" | awk 'NR == 1 || $2 != 0'
awk 'NR > 1 { all += $2 }
     $1 == "decap-fwd" { d = $2 } $1 == "encap-fwd" { e = $2 } $1 == "tc-encap-fwd" { t = $2 }
     END {
	printf "\nXDP carried %d of the %d packets the LNS data plane saw (%.1f%%):\n", d + e, all, all ? 100 * (d + e) / all : 0
	printf "  %d decapsulated cli -> srv and %d encapsulated srv -> cli without touching the kernel stack;\n", d, e
	printf "  the other %d (L2TP and PPP control, ARP, ...) were passed to the kernel and l2tpxd.\n", all - d - e - t
	if (t) printf "  %d more were encapsulated by TC on l2tpx0.\n", t
     }' "$T/stats.out"
say "lns: l2tpxctl -s lns.sock session show after the traffic"
ctl session show
say "lns: l2tpxctl -s lns.sock stats daemon   (control plane, nonzero)"
ctl stats daemon | awk '$2 != 0'

say "tearing down: daemons, namespaces, bpffs, $T"
cleanup
trap - EXIT
awk -v s="$T0" -v e="$(now)" 'BEGIN { printf "done in %.1f s; nothing left behind\n", e - s }'
