#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, in two acts; about 5 seconds, needs root and a built tree.
#
# Act 1, the daemon: an l2tpxd client dials an l2tpxd LNS whose uplink and core
# carry the XDP data plane, authenticates with CHAP, gets an address from the
# pool and reaches a server behind the LNS.  While a ping and a TCP transfer run
# from the client to the server, the LNS's tunnel and session tables and its
# data-plane counters are shown.
#
#   cli 192.0.2.1 ====== L2TP/UDP ====== 192.0.2.2 lns 203.0.113.1 ------ 203.0.113.2 srv
#   l2tpxd client, ppp0 (TUN)        l2tpxd LNS: XDP on lns-cli (uplink) and lns-srv (core)
#
# Act 2, no daemon: the same data plane driven by static sessions from
# `l2tpxctl session add`, XDP at both tunnel ends (scripts/netns.sh's topology,
# sub - cli ==L2TP== lns - srv), a ping and a TCP transfer from srv to sub.
#
# Everything (processes, namespaces, bpffs mounts, the temp dir) is removed on
# exit, also on Ctrl-C or failure.
# Environment: DEMO_BYTES (TCP transfer size, default 64 MiB), DEMO_ACT2=0 (skip act 2).
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$REPO/build
BYTES=${DEMO_BYTES:-67108864}
export L2TPX_NS_PREFIX=l2xdemo$$-	# every namespace of this run, both acts
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$REPO/scripts/netns.sh"		# nsx, nsctl, netns_up/down, ns_listening, ...

T=		# temp dir: configs, logs, sockets, payload, act 1's bpffs
PIN=		# act 1's pin dir (l2tpxd -p, l2tpxctl -d)
PIDS=""		# what act 1 started in the background, by pid

if [ -t 1 ]; then H=$'\033[1m' N=$'\033[0m'; else H='' N=''; fi
say() { printf '\n%s== %s%s\n' "$H" "$*" "$N"; }
act() { printf '\n%s######## %s%s\n' "$H" "$*" "$N"; }
ctl() { nsx lns "$B/l2tpxctl" -s "$T/lns.sock" -d "$PIN" "$@"; }
now() { date +%s.%N; }
nonzero() { awk 'NR == 1 || $2 != 0'; }	# `l2tpxctl stats`: header and counted reasons

# xdp_summary FILE: the headline from a saved `l2tpxctl stats`.
xdp_summary() {
	awk 'NR == 1 || $2 == 0 { next }
	{ all += $2 }
	$1 == "decap-fwd" { d = $2; next }
	$1 == "encap-fwd" { e = $2; next }
	$1 == "tc-encap-fwd" { t = $2; next }
	{ rest = rest sprintf("%s %s %d", sep, $1, $2); sep = ","; n += $2 }
	END {
		printf "\nXDP carried %d of the %d packets that entered the LNS'\''s programs (%.2f%%):\n",
		       d + e, all, all ? int(10000 * (d + e) / all) / 100 : 0
		printf "  %d decapsulated toward the core, %d encapsulated toward the tunnel, in the driver\n", d, e
		if (t) printf "  %d encapsulated by TC on the subscriber netdev\n", t
		if (n) printf "  the other %d were not XDP'\''s to carry:%s\n", n, rest
	}' "$1"
}

# rate START END: the transfer's line.
rate() {
	awk -v b="$BYTES" -v s="$1" -v e="$2" 'BEGIN {
		printf "TCP: %d MiB in %.2f s = %.0f Mbit/s, contents identical\n",
		       b / 1048576, e - s, b * 8 / (e - s) / 1e6 }'
}

act1_down() {
	local p alive ns
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for _ in $(seq 20); do
		alive=0
		for p in $PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	PIDS=""
	# Whatever else still runs in this run's namespaces (a socat, a ping).
	for ns in cli lns srv; do
		for p in $(ip netns pids "$(ns_name "$ns")" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	wait 2>/dev/null
	for ns in cli lns srv; do ip netns del "$(ns_name "$ns")" 2>/dev/null; done
	if [ -n "$T" ] && mountpoint -q "$T/bpf"; then
		umount "$T/bpf" 2>/dev/null || umount -l "$T/bpf"
	fi
}

cleanup() {
	trap '' INT TERM HUP	# a second Ctrl-C must not cut the teardown short
	act1_down
	netns_down >/dev/null 2>&1
	[ -n "$T" ] && rm -rf "$T"
}

fail() {
	local f
	echo "demo: $*" >&2
	for f in "$T"/*.log; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/}, last lines" >&2
		tail -n 12 "$f" >&2
	done
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
for f in "$B/l2tpxd" "$B/l2tpxctl" "$B/bpf/xdp_noop.bpf.o"; do
	[ -e "$f" ] || { echo "demo: $f missing: run make" >&2; exit 1; }
done
for c in socat ethtool ss; do
	command -v "$c" >/dev/null || { echo "demo: $c missing: run scripts/deps.sh" >&2; exit 1; }
done

T0=$(now)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
T=$(mktemp -d /tmp/l2tpx-demo.XXXXXX) || exit 1
head -c "$BYTES" /dev/urandom >"$T/payload"
want=$(sha256sum <"$T/payload" | cut -d' ' -f1)

act "act 1: l2tpxd client -> l2tpxd LNS with XDP -> server"

say "topology: cli 192.0.2.1 ==L2TP== 192.0.2.2 lns 203.0.113.1 -- 203.0.113.2 srv"
for ns in cli lns srv; do
	ip netns add "$(ns_name "$ns")" || fail "ip netns add"
	nsx "$ns" ip link set lo up
done
nsip cli link add cli-lns type veth peer name lns-cli netns "$(ns_name lns)" || fail "veth"
nsip lns link add lns-srv type veth peer name srv-lns netns "$(ns_name srv)" || fail "veth"
nsip cli addr add 192.0.2.1/24 dev cli-lns
nsip lns addr add 192.0.2.2/24 dev lns-cli
nsip lns addr add 203.0.113.1/24 dev lns-srv
nsip srv addr add 203.0.113.2/24 dev srv-lns
nsx lns sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
for l in cli/cli-lns lns/lns-cli lns/lns-srv srv/srv-lns; do
	nsip "${l%/*}" link set "${l#*/}" up
	# A veth hands locally made packets on with the checksum still to fill in,
	# which no real NIC gives to XDP: compute it.
	nsx "${l%/*}" ethtool -K "${l#*/}" tx off >/dev/null
done
# XDP redirects into a veth need an XDP program on its far end.
nsip cli link set dev cli-lns xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp || fail "xdp_noop"
nsip srv link set dev srv-lns xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp || fail "xdp_noop"
nsip srv route add 198.51.100.0/24 via 203.0.113.1 || fail "route on srv"
echo "namespaces ${L2TPX_NS_PREFIX}{cli,lns,srv}; srv routes the pool 198.51.100.0/24 via lns"

say "lns: l2tpxd as LNS: CHAP (alice), pool 198.51.100.10-20, XDP on lns-cli and lns-srv"
# The LNS pins its maps in a bpffs of its own, reachable from every namespace
# (ip netns exec remounts /sys, not /tmp).
mkdir "$T/bpf" || fail "mkdir"
mount -t bpf bpf "$T/bpf" || fail "cannot mount a bpffs"
PIN=$T/bpf/l2tpx
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
ip netns exec "$(ns_name lns)" "$B/l2tpxd" -d -v -p "$PIN" -c "$T/lns.conf" >"$T/lns.log" 2>&1 &
PIDS="$PIDS $!"
lns_pid=$!
for _ in $(seq 50); do
	[ -S "$T/lns.sock" ] && break
	kill -0 "$lns_pid" 2>/dev/null || fail "the LNS exited"
	sleep 0.1
done
[ -S "$T/lns.sock" ] || fail "the LNS did not start within 5 s"
for d in lns-cli lns-srv; do
	echo "  $d: $(nsip lns link show dev "$d" | grep -o 'prog/xdp[a-z]* id [0-9]*')"
done
echo "  l2tpx0: TUN for what the fast path passes up, TC encap on its egress"

say "cli: l2tpxd as client dials 192.0.2.2 as alice; PPP on ppp0"
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
ip netns exec "$(ns_name cli)" "$B/l2tpxd" -d -v -c "$T/cli.conf" >"$T/cli.log" 2>&1 &
PIDS="$PIDS $!"
cli_addr() { nsip cli -4 -o addr show dev ppp0 2>/dev/null | awk '{ print $4; exit }'; }
for _ in $(seq 100); do [ -n "$(cli_addr)" ] && break; sleep 0.1; done
addr=$(cli_addr)
[ -n "$addr" ] || fail "the client got no address within 10 s"
nsip cli route add 203.0.113.0/24 dev ppp0 || fail "route via ppp0"
grep -h "authenticated\|in the data plane" "$T/lns.log" | sed 's/^/  lns log: /'
echo "  cli: ppp0 $addr, from the LNS's pool; 203.0.113.0/24 via ppp0"

say "l2tpxctl -s SOCK tunnel show, on lns and on cli   (the control plane's tunnels)"
ctl tunnel show | sed 's/^/lns: /'
nsx cli "$B/l2tpxctl" -s "$T/cli.sock" tunnel show | sed 's/^/cli: /'
say "lns: l2tpxctl -s SOCK -d PIN session show   (the call, its PPP state, both paths' counters)"
ctl session show

say "traffic: ping cli -> srv and a $((BYTES >> 20)) MiB TCP transfer cli -> srv (socat)"
nsx srv timeout 25 socat -u TCP-LISTEN:5001,reuseaddr STDOUT 2>"$T/socat-srv.log" |
	sha256sum >"$T/got.sum" &
rx=$!
PIDS="$PIDS $rx"
wait_until 5 ns_listening srv 5001 || fail "socat did not listen on srv"
nsx cli timeout 15 ping -n -c 10 -i 0.2 -w 14 203.0.113.2 >"$T/ping.log" 2>&1 &
ping_pid=$!
PIDS="$PIDS $ping_pid"
start=$(now)
nsx cli timeout 25 socat -u OPEN:"$T/payload" TCP:203.0.113.2:5001 2>"$T/socat-cli.log" &
tx=$!
PIDS="$PIDS $tx"
# Look once the bulk is flowing: a tenth of the segments (at most 3000) decapsulated.
thr=$((BYTES / 14480)); [ $thr -gt 3000 ] && thr=3000
flowing() {
	! kill -0 "$tx" 2>/dev/null ||
		[ "$(ctl stats | awk '$1 == "decap-fwd" { print $2 }')" -ge "$thr" ]
}
wait_until 5 flowing
if kill -0 "$tx" 2>/dev/null; then when="while the transfer runs"; else when="(the transfer already ended)"; fi
say "lns: l2tpxctl -d PIN stats $when   (nonzero reasons only)"
ctl stats | nonzero
say "lns: l2tpxctl session show $when"
ctl session show

wait "$tx"; txrc=$?
wait "$rx"
end=$(now)
wait "$ping_pid"
got=$(cut -d' ' -f1 <"$T/got.sum")
if [ "$txrc" != 0 ] || [ "$got" != "$want" ]; then
	fail "TCP transfer failed (socat exit $txrc, sha256 ${got:0:12} instead of ${want:0:12})"
fi
say "results"
rate "$start" "$end"
grep -E 'transmitted|rtt' "$T/ping.log" | sed 's/^/ping: /'
grep -q ' 0% packet loss' "$T/ping.log" || fail "ping lost packets"

say "lns: l2tpxctl -d PIN stats after the traffic   (nonzero reasons only)"
ctl stats >"$T/stats.out" || fail "l2tpxctl stats"
nonzero <"$T/stats.out"
xdp_summary "$T/stats.out"
say "lns: l2tpxctl session show after the traffic"
ctl session show
say "lns: l2tpxctl stats daemon   (control plane, nonzero)"
ctl stats daemon | awk '$2 != 0'

say "act 1 down: daemons stopped, namespaces and bpffs removed"
act1_down

if [ "${DEMO_ACT2:-1}" != 0 ]; then
	act "act 2: no daemon: static sessions, XDP at both tunnel ends"

	say "topology: sub 198.51.100.2 - cli ==L2TP 192.0.2.1 <-> 192.0.2.2== lns - srv 203.0.113.2"
	netns_up || fail "netns_up"
	netns_session_up 4 || fail "netns_session_up"
	say "static sessions from l2tpxctl session add on cli and lns; lns: l2tpxctl session show"
	nsctl lns session show

	say "traffic: ping sub -> srv and a $((BYTES >> 20)) MiB TCP transfer srv -> sub"
	nsx sub timeout 10 ping -n -c 5 -i 0.2 -w 8 "$NS_SRV4" >"$T/ping2.log" 2>&1 &
	ping_pid=$!
	start=$(now)
	ns_xfer srv sub "$NS_SUB4" "$T/payload" "$T/rx2" || fail "TCP transfer srv -> sub failed"
	end=$(now)
	wait "$ping_pid"
	cmp -s "$T/payload" "$T/rx2" || fail "TCP transfer srv -> sub: contents differ"
	rm -f "$T/rx2"
	rate "$start" "$end"
	grep -E 'transmitted' "$T/ping2.log" | sed 's/^/ping: /'
	grep -q ' 0% packet loss' "$T/ping2.log" || fail "ping sub -> srv lost packets"

	say "lns: l2tpxctl stats after the traffic   (nonzero reasons only)"
	nsctl lns stats >"$T/stats2.out" || fail "l2tpxctl stats"
	nonzero <"$T/stats2.out"
	xdp_summary "$T/stats2.out"
	say "lns: l2tpxctl session show after the traffic"
	nsctl lns session show
fi

say "tearing down"
cleanup
trap - EXIT
left=$( { ip netns list | grep -F "$L2TPX_NS_PREFIX"; mount | grep -F -e "$T" -e "/run/l2tpx-netns/${L2TPX_NS_PREFIX%-}/"; ls -d "$T" 2>/dev/null; } )
[ -z "$left" ] || { printf 'demo: left behind:\n%s\n' "$left" >&2; exit 1; }
awk -v s="$T0" -v e="$(now)" 'BEGIN { printf "nothing left behind; demo took %.1f s\n", e - s }'
