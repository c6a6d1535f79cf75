# SPDX-License-Identifier: GPL-2.0
# Sourceable bash library: the PPP line of the end-to-end tests that run
# l2tpxd as LNS and as client (e2e_ppp.sh, e2e_xl2tpd_conf.sh).
#
#   cli 192.0.2.1 (c0) ==L2TP== (l0) 192.0.2.2 lns 203.0.113.1 (l1) -- (s0) 203.0.113.2 srv
#
# Sourcing sets B, P (namespace prefix, PPP_LIB_PREFIX or l2xp<pid>-), T (temp
# dir), PIN (the LNS's pin dir in a bpffs of its own under T), the TAP
# counters, and an EXIT trap that kills $PIDS and removes everything;
# ppp_topo builds the namespaces.  The LNS is each test's own (its
# configuration is what the test is about); start_cli dials it.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${L2TPX_BUILD:-$REPO/build}
P=${PPP_LIB_PREFIX:-l2xp$$-}
T=$(mktemp -d "/tmp/l2tpx-${PPP_LIB_TAG:-ppp}.XXXXXX")
N=0
FAILED=0
PIDS=""

ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
nsx() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in cli lns srv; do ip netns del "$P$ns" 2>/dev/null; done
	umount "$T/bpf" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# ppp_topo: namespaces, veths, addresses, routes (srv reaches the pool
# 198.51.100.0/24 and 2001:db8:100::/48 via lns), xdp_noop where XDP
# redirects land.
ppp_topo() {
	# bpffs for the LNS's pins, reachable from any namespace (ip netns exec
	# remounts /sys, not /tmp).
	mkdir -p "$T/bpf" && mount -t bpf bpf "$T/bpf"
	PIN=$T/bpf/l2tpx

	for ns in cli lns srv; do ip netns add "$P$ns"; nsx "$ns" ip link set lo up; done
	ip link add name c0 netns "${P}cli" type veth peer name l0 netns "${P}lns"
	ip link add name l1 netns "${P}lns" type veth peer name s0 netns "${P}srv"
	nsx cli ip addr add 192.0.2.1/24 dev c0
	nsx lns ip addr add 192.0.2.2/24 dev l0
	nsx lns ip addr add 203.0.113.1/24 dev l1
	nsx srv ip addr add 203.0.113.2/24 dev s0
	for l in "cli c0" "lns l0" "lns l1" "srv s0"; do set -- $l; nsx "$1" ip link set "$2" up; done
	nsx lns ip addr add 2001:db8:203::1/64 dev l1 nodad
	nsx srv ip addr add 2001:db8:203::2/64 dev s0 nodad
	nsx srv ip route add 198.51.100.0/24 via 203.0.113.1
	# The on-link route of a new IPv6 address appears a moment after link up.
	for _ in $(seq 50); do
		nsx srv ip -6 route add 2001:db8:100::/48 via 2001:db8:203::1 2>/dev/null && break
		sleep 0.1
	done
	nsx lns sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	nsx lns sysctl -qw net.ipv6.conf.all.forwarding=1
	# A veth hands a locally generated packet on with its checksum still to be
	# filled in (offload), which no real NIC delivers to XDP: compute it.
	for l in "cli c0" "lns l0" "lns l1" "srv s0"; do set -- $l; nsx "$1" ethtool -K "$2" tx off >/dev/null; done
	# XDP redirects into a veth need a program on its far end.
	nsx cli ip link set dev c0 xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp
	nsx srv ip link set dev s0 xdpdrv obj "$B/bpf/xdp_noop.bpf.o" sec xdp
}

start_cli() {	# user password [sessions] [more [lac up] lines]
	cat >"$T/cli.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = cli
lns = no
ctl_socket = $T/cli.sock
subscriber_dev = ppp0
[lac up]
lns = 192.0.2.2
user = $1
password = $2
redial = no
sessions = ${3:-1}
${4:-}
EOC
	ip netns exec "${P}cli" "$B/l2tpxd" -d -v -c "$T/cli.conf" >"$T/cli-$1.log" 2>&1 &
	PIDS="$PIDS $!"
	CLI_PID=$!
}

stop() {	# pid...
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for _ in $(seq 30); do
		local alive=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	rm -f "$T/lns.sock" "$T/cli.sock"
}

cli_addr6() { nsx cli ip -6 -o addr show dev ppp0 scope global 2>/dev/null | awk '{print $4}' | head -1; }
wait_addr6() { for _ in $(seq 100); do [ -n "$(cli_addr6)" ] && return 0; sleep 0.1; done; return 1; }
cli_addr() { nsx cli ip -4 -o addr show dev ppp0 2>/dev/null | awk '{print $4}'; }
wait_addr() { for _ in $(seq 100); do [ -n "$(cli_addr)" ] && return 0; sleep 0.1; done; return 1; }
stat() { nsx lns "$B/l2tpxctl" -j -d "$PIN" stats | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$1']['packets'])"; }
