# SPDX-License-Identifier: GPL-2.0
# Sourceable bash library: the line of network namespaces (sub - cli - lns - srv) that
# the end-to-end tests, `make demo` and the benchmarks share, plus their small helpers.
#
#   sub                cli                           lns                          srv
#   sub-cli ------- cli-sub   cli-lns ============ lns-cli   lns-srv ------- srv-lns
#   198.51.100.2    198.51.100.1  192.0.2.1        192.0.2.2   203.0.113.1     203.0.113.2
#   2001:db8:100::2 ...100::1     2001:db8:1::1    ...1::2     2001:db8:203::1 ...203::2
#                   l2tpx0 (TUN, mtu 1400)                     l2tpx0 (TUN, mtu 1400)
#
# cli is tunnel endpoint A (a LAC router with the subscriber host sub behind it), lns
# is endpoint B (with the server srv on its core side).  XDP: cli-sub core, cli-lns
# uplink, lns-cli uplink, lns-srv core; TC egress encap on l2tpx0 in cli and lns;
# xdp_noop on sub-cli and srv-lns so that XDP redirects into those veths are received.
#
# With L2TPX_NS_WIRE=1 the tunnel link runs through a fifth namespace, `wire`, which
# bridges wire-cli and wire-lns (both with xdp_noop) like a hub.  Packets that XDP
# redirects from veth to veth never meet a packet socket, so tshark on cli-lns or
# lns-cli sees only what the kernel stack sends or receives; on wire-cli it sees the
# whole tunnel, both directions, as on a real cable.
#
# Usage:
#   . scripts/netns.sh
#   netns_up                    # namespaces, links, addresses, routes, XDP/TC attach
#   netns_session_up 4|6        # the static session pair, outer IPv4 or IPv6
#   nsx lns ping ...            # a command in a namespace (sub cli lns srv wire)
#   nsctl lns -j stats          # l2tpxctl in a namespace, with its bpffs mounted
#   netns_down                  # idempotent; removes everything netns_up made
#
# Environment:
#   L2TPX_NS_PREFIX      namespace name prefix (default l2x<pid>-), unique per run
#   L2TPX_NS_STATE       where the bpffs instances are mounted
#                        (default /run/l2tpx-netns/<prefix>)
#   L2TPX_BUILD          build directory (default <repo>/build)
#   L2TPX_NS_WIRE=1      put the `wire` bridge namespace into the tunnel link
#   L2TPX_NS_NODP=1      plain topology only (no XDP, no TC, no l2tpxctl)
#   L2TPX_NS_DYN_NEIGH=1 leave neighbours to ARP/ND (default: static entries, so the
#                        fast path forwards from the first packet)
#   L2TPX_NS_TXCSUM=1    keep veth TX checksum offload (default off; see netns_veth)
#   L2TPX_SESS_OPTS      extra `session add` options on both sides ("seq udp-csum")
#
# Pinning: `ip netns exec` gives every command a fresh /sys, and every `mount -t bpf`
# makes a new, empty bpffs instance, so pins made in one exec would be gone in the
# next.  Each namespace therefore owns one bpffs instance, mounted once under the
# state directory; every exec that touches BPF bind-mounts it on /sys/fs/bpf in that
# same exec (nsbpf), so l2tpxctl and l2tpxd find their pins at the default path.

# shellcheck shell=bash

L2TPX_REPO=${L2TPX_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
L2TPX_BUILD=${L2TPX_BUILD:-$L2TPX_REPO/build}
L2TPXCTL=${L2TPXCTL:-$L2TPX_BUILD/l2tpxctl}
L2TPXD=${L2TPXD:-$L2TPX_BUILD/l2tpxd}
L2TPX_XDP_NOOP=${L2TPX_XDP_NOOP:-$L2TPX_BUILD/bpf/xdp_noop.bpf.o}
L2TPX_NS_PREFIX=${L2TPX_NS_PREFIX:-l2x$$-}
L2TPX_PY=${L2TPX_PY:-/usr/bin/python3}	# Debian's, with scapy

# Interface names (each lives in its own namespace).
NS_IF_SUB=sub-cli	# sub, toward cli
NS_IF_CLI_LAN=cli-sub	# cli, LAN side (core role)
NS_IF_CLI_UP=cli-lns	# cli, tunnel link (uplink role)
NS_IF_LNS_UP=lns-cli	# lns, tunnel link (uplink role)
NS_IF_LNS_CORE=lns-srv	# lns, core side (core role)
NS_IF_SRV=srv-lns	# srv, toward lns
NS_IF_WIRE_CLI=wire-cli	# wire, toward cli (bridge port)
NS_IF_WIRE_LNS=wire-lns	# wire, toward lns (bridge port)
NS_TUN=l2tpx0		# subscriber netdev (TUN) in cli and lns
NS_TUN_MTU=1400

# Addresses.
NS_SUB4=198.51.100.2	NS_SUB6=2001:db8:100::2
NS_CLI_LAN4=198.51.100.1	NS_CLI_LAN6=2001:db8:100::1
NS_CLI_UP4=192.0.2.1	NS_CLI_UP6=2001:db8:1::1
NS_LNS_UP4=192.0.2.2	NS_LNS_UP6=2001:db8:1::2
NS_LNS_CORE4=203.0.113.1	NS_LNS_CORE6=2001:db8:203::1
NS_SRV4=203.0.113.2	NS_SRV6=2001:db8:203::2
NS_SUB_NET4=198.51.100.0/24	NS_SUB_NET6=2001:db8:100::/64
NS_SRV_NET4=203.0.113.0/24	NS_SRV_NET6=2001:db8:203::/64

# Session ids: each side's own ids are the ones in the packets it receives.
NS_CLI_TUNNEL=100	NS_CLI_SESSION=200
NS_LNS_TUNNEL=300	NS_LNS_SESSION=400

# Every namespace this library may create, in teardown order.
NS_EVERY="sub cli wire lns srv"

ns_name() { printf '%s%s' "$L2TPX_NS_PREFIX" "$1"; }

# Where this run keeps its bpffs instances; follows L2TPX_NS_PREFIX even when that
# is set after sourcing.
ns_state() { printf '%s' "${L2TPX_NS_STATE:-/run/l2tpx-netns/${L2TPX_NS_PREFIX%-}}"; }

# nsx NAME cmd...: run a command in namespace NAME.
nsx() {
	local n=$1
	shift
	ip netns exec "$(ns_name "$n")" "$@"
}

# nsip NAME args...: `ip -n` for namespace NAME.
nsip() {
	local n=$1
	shift
	ip -n "$(ns_name "$n")" "$@"
}

# ns_bpffs NAME: path of the bpffs instance of namespace NAME (mounted on first use).
ns_bpffs() {
	local d
	d="$(ns_state)/$1.bpf"
	if ! mountpoint -q "$d" 2>/dev/null; then
		mkdir -p "$d" && mount -t bpf bpf "$d" || return 1
	fi
	printf '%s' "$d"
}

# nsbpf NAME cmd...: run a command in namespace NAME with its bpffs on /sys/fs/bpf.
nsbpf() {
	local n=$1 d
	shift
	d=$(ns_bpffs "$n") || return 1
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$(ns_name "$n")" sh -c \
		'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$d" "$@"
}

# nsctl NAME args...: l2tpxctl in namespace NAME.
nsctl() {
	local n=$1
	shift
	nsbpf "$n" "$L2TPXCTL" "$@"
}

# wait_until SECONDS cmd...: poll cmd every 0.1 s until it succeeds or time runs out.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

ns_mac() {
	nsip "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# ns_veth A IFA B IFB: a veth pair straight between two namespaces, up.  TX checksum
# offload is switched off on both ends: a local sender's CHECKSUM_PARTIAL skb would
# otherwise reach the peer's XDP program with its checksum unfinished, which no real
# NIC delivers, and be redirected that way (L2TPX_NS_TXCSUM=1 keeps it).
ns_veth() {
	nsip "$1" link add "$2" type veth peer name "$4" netns "$(ns_name "$3")" ||
		return 1
	if [ "${L2TPX_NS_TXCSUM:-0}" != 1 ]; then
		if ! nsx "$1" ethtool -K "$2" tx off >/dev/null 2>&1 ||
			! nsx "$3" ethtool -K "$4" tx off >/dev/null 2>&1; then
			echo "netns: ethtool -K tx off failed" >&2
			return 1
		fi
	fi
	nsip "$1" link set "$2" up && nsip "$3" link set "$4" up
}

# ns_addr NAME IF ADDR4/LEN ADDR6/LEN
ns_addr() {
	nsip "$1" addr add "$3" dev "$2" &&
		nsip "$1" -6 addr add "$4" dev "$2" nodad
}

# ns_neigh A IFA ADDR4 ADDR6 B IFB: in A, permanent neighbours for B's addresses.
ns_neigh() {
	local mac
	mac=$(ns_mac "$5" "$6")
	[ -n "$mac" ] || return 1
	nsip "$1" neigh replace "$3" lladdr "$mac" dev "$2" nud permanent &&
		nsip "$1" -6 neigh replace "$4" lladdr "$mac" dev "$2" nud permanent
}

# ns_xdp_noop NAME IF: the XDP_PASS program, so XDP redirects into the peer arrive.
ns_xdp_noop() {
	nsip "$1" link set dev "$2" xdpdrv obj "$L2TPX_XDP_NOOP" sec xdp || {
		echo "netns: xdp_noop attach on $1/$2 failed" >&2
		return 1
	}
}

netns_check() {
	local f
	[ "$(id -u)" = 0 ] || { echo "netns: must run as root" >&2; return 1; }
	for f in ip ethtool; do
		command -v "$f" >/dev/null || { echo "netns: $f not found" >&2; return 1; }
	done
	if [ "${L2TPX_NS_NODP:-0}" != 1 ]; then
		for f in "$L2TPXCTL" "$L2TPX_XDP_NOOP"; do
			[ -e "$f" ] || { echo "netns: $f missing: run make" >&2; return 1; }
		done
	fi
}

# netns_up: build the topology; unless L2TPX_NS_NODP=1, attach the data plane.
# On failure it removes what it made and returns 1.
netns_up() {
	netns_check || return 1
	netns_down
	mkdir -p "$(ns_state)" || return 1
	if ! netns_build; then
		echo "netns: topology setup failed" >&2
		netns_down
		return 1
	fi
	[ "${L2TPX_NS_NODP:-0}" = 1 ] && return 0
	netns_dp_up || { netns_down; return 1; }
}

netns_build() {
	local n all="sub cli lns srv"
	[ "${L2TPX_NS_WIRE:-0}" = 1 ] && all="$all wire"
	for n in $all; do
		ip netns add "$(ns_name "$n")" || return 1
		nsip "$n" link set lo up || return 1
		# No DAD anywhere, link-local included: addresses usable at once.
		nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
	for n in cli lns; do
		nsx "$n" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 || return 1
	done

	ns_veth sub "$NS_IF_SUB" cli "$NS_IF_CLI_LAN" || return 1
	if [ "${L2TPX_NS_WIRE:-0}" = 1 ]; then
		ns_veth cli "$NS_IF_CLI_UP" wire "$NS_IF_WIRE_CLI" &&
			ns_veth wire "$NS_IF_WIRE_LNS" lns "$NS_IF_LNS_UP" &&
			nsip wire link add br0 type bridge stp_state 0 &&
			nsip wire link set "$NS_IF_WIRE_CLI" master br0 &&
			nsip wire link set "$NS_IF_WIRE_LNS" master br0 &&
			nsip wire link set br0 up || return 1
	else
		ns_veth cli "$NS_IF_CLI_UP" lns "$NS_IF_LNS_UP" || return 1
	fi
	ns_veth lns "$NS_IF_LNS_CORE" srv "$NS_IF_SRV" &&
		ns_addr sub "$NS_IF_SUB" "$NS_SUB4/24" "$NS_SUB6/64" &&
		ns_addr cli "$NS_IF_CLI_LAN" "$NS_CLI_LAN4/24" "$NS_CLI_LAN6/64" &&
		ns_addr cli "$NS_IF_CLI_UP" "$NS_CLI_UP4/24" "$NS_CLI_UP6/64" &&
		ns_addr lns "$NS_IF_LNS_UP" "$NS_LNS_UP4/24" "$NS_LNS_UP6/64" &&
		ns_addr lns "$NS_IF_LNS_CORE" "$NS_LNS_CORE4/24" "$NS_LNS_CORE6/64" &&
		ns_addr srv "$NS_IF_SRV" "$NS_SRV4/24" "$NS_SRV6/64" &&
		nsip sub route add default via "$NS_CLI_LAN4" &&
		nsip sub -6 route add default via "$NS_CLI_LAN6" &&
		nsip srv route add "$NS_SUB_NET4" via "$NS_LNS_CORE4" &&
		nsip srv -6 route add "$NS_SUB_NET6" via "$NS_LNS_CORE6" &&
		netns_tun cli "$NS_SRV_NET4" "$NS_SRV_NET6" "$NS_CLI_LAN4" "$NS_CLI_LAN6" &&
		netns_tun lns "$NS_SUB_NET4" "$NS_SUB_NET6" "$NS_LNS_CORE4" "$NS_LNS_CORE6" &&
		nsx cli sysctl -qw "net.ipv4.conf.$NS_IF_CLI_LAN.rp_filter=0" \
			"net.ipv4.conf.$NS_IF_CLI_UP.rp_filter=0" \
			"net.ipv4.conf.$NS_TUN.rp_filter=0" &&
		nsx lns sysctl -qw "net.ipv4.conf.$NS_IF_LNS_UP.rp_filter=0" \
			"net.ipv4.conf.$NS_IF_LNS_CORE.rp_filter=0" \
			"net.ipv4.conf.$NS_TUN.rp_filter=0" || return 1

	if [ "${L2TPX_NS_DYN_NEIGH:-0}" != 1 ]; then
		ns_neigh sub "$NS_IF_SUB" "$NS_CLI_LAN4" "$NS_CLI_LAN6" cli "$NS_IF_CLI_LAN" &&
			ns_neigh cli "$NS_IF_CLI_LAN" "$NS_SUB4" "$NS_SUB6" sub "$NS_IF_SUB" &&
			ns_neigh cli "$NS_IF_CLI_UP" "$NS_LNS_UP4" "$NS_LNS_UP6" lns "$NS_IF_LNS_UP" &&
			ns_neigh lns "$NS_IF_LNS_UP" "$NS_CLI_UP4" "$NS_CLI_UP6" cli "$NS_IF_CLI_UP" &&
			ns_neigh lns "$NS_IF_LNS_CORE" "$NS_SRV4" "$NS_SRV6" srv "$NS_IF_SRV" &&
			ns_neigh srv "$NS_IF_SRV" "$NS_LNS_CORE4" "$NS_LNS_CORE6" lns "$NS_IF_LNS_CORE" ||
			return 1
	fi
}

# netns_tun NAME ROUTE4 ROUTE6 SRC4 SRC6: the TUN subscriber netdev and its routes.
# Nobody reads the TUN here: it only carries kernel-routed packets to the TC program.
# The routes name a source address so locally originated packets get one the far
# side can answer (the TUN has none of its own).
netns_tun() {
	nsip "$1" tuntap add dev "$NS_TUN" mode tun &&
		nsip "$1" link set "$NS_TUN" mtu "$NS_TUN_MTU" up &&
		nsip "$1" route add "$2" dev "$NS_TUN" src "$4" &&
		nsip "$1" -6 route add "$3" dev "$NS_TUN" src "$5"
}

# netns_dp_up: XDP and TC everywhere the topology needs them.
netns_dp_up() {
	ns_xdp_noop sub "$NS_IF_SUB" && ns_xdp_noop srv "$NS_IF_SRV" || return 1
	if [ "${L2TPX_NS_WIRE:-0}" = 1 ]; then
		ns_xdp_noop wire "$NS_IF_WIRE_CLI" && ns_xdp_noop wire "$NS_IF_WIRE_LNS" ||
			return 1
	fi
	# All BPF setup of one namespace inside one exec.
	# shellcheck disable=SC2016 # expanded by the inner shell
	nsbpf cli sh -ec '"$0" attach "$1" core; "$0" attach "$2" uplink; "$0" attach-tc "$3"' \
		"$L2TPXCTL" "$NS_IF_CLI_LAN" "$NS_IF_CLI_UP" "$NS_TUN" || {
		echo "netns: data-plane attach in cli failed" >&2
		return 1
	}
	# shellcheck disable=SC2016
	nsbpf lns sh -ec '"$0" attach "$1" uplink; "$0" attach "$2" core; "$0" attach-tc "$3"' \
		"$L2TPXCTL" "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE" "$NS_TUN" || {
		echo "netns: data-plane attach in lns failed" >&2
		return 1
	}
}

# netns_session_up OUTER: the static session pair over outer IPv4 (4) or IPv6 (6).
netns_session_up() {
	local outer=${1:-4} cl ln
	case $outer in
	4) cl=$NS_CLI_UP4 ln=$NS_LNS_UP4 ;;
	6) cl=$NS_CLI_UP6 ln=$NS_LNS_UP6 ;;
	*) echo "netns_session_up: OUTER must be 4 or 6" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086 # L2TPX_SESS_OPTS is a word list
	nsctl cli session add tunnel "$NS_CLI_TUNNEL" session "$NS_CLI_SESSION" \
		peer-tunnel "$NS_LNS_TUNNEL" peer-session "$NS_LNS_SESSION" \
		local "$cl" peer "$ln" addr "$NS_SRV_NET4" addr "$NS_SRV_NET6" \
		${L2TPX_SESS_OPTS:-} || { echo "netns: session add in cli failed" >&2; return 1; }
	# shellcheck disable=SC2086
	nsctl lns session add tunnel "$NS_LNS_TUNNEL" session "$NS_LNS_SESSION" \
		peer-tunnel "$NS_CLI_TUNNEL" peer-session "$NS_CLI_SESSION" \
		local "$ln" peer "$cl" addr "$NS_SUB_NET4" addr "$NS_SUB_NET6" \
		antispoof ${L2TPX_SESS_OPTS:-} ||
		{ echo "netns: session add in lns failed" >&2; return 1; }
}

# netns_session_down: remove the static session pair.
netns_session_down() {
	nsctl cli session del tunnel "$NS_CLI_TUNNEL" session "$NS_CLI_SESSION"
	nsctl lns session del tunnel "$NS_LNS_TUNNEL" session "$NS_LNS_SESSION"
}

# netns_capture_at: "NAMESPACE IFACE" where tshark sees the tunnel link.
netns_capture_at() {
	if [ "${L2TPX_NS_WIRE:-0}" = 1 ]; then
		echo "wire $NS_IF_WIRE_CLI"
	else
		echo "lns $NS_IF_LNS_UP"
	fi
}

# netns_down: remove everything netns_up made; idempotent, never fails.  Deleting a
# namespace removes its veths, XDP/TC attachments and TUN with it; unmounting its
# bpffs instance drops the pins.
netns_down() {
	local n ns pid d
	for n in $NS_EVERY; do
		ns=$(ns_name "$n")
		[ -e "/run/netns/$ns" ] || continue
		# Processes still inside were started by this run (the name is ours).
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -d "$(ns_state)" ]; then
		for d in "$(ns_state)"/*.bpf; do
			[ -d "$d" ] || continue
			mountpoint -q "$d" && umount "$d" 2>/dev/null
			rmdir "$d" 2>/dev/null
		done
		rmdir "$(ns_state)" 2>/dev/null
	fi
	return 0
}

# ---- counters ---------------------------------------------------------------

# ns_stat NAME REASON [packets|bytes]: a reason counter of namespace NAME (0 if the
# reason is absent; empty output if l2tpxctl fails).
ns_stat() {
	nsctl "$1" -j stats | "$L2TPX_PY" -c '
import json, sys
d = json.load(sys.stdin)
print(int(d.get(sys.argv[1], {}).get(sys.argv[2], 0)))' "$2" "${3:-packets}"
}

# ns_stats_brief NAME: the nonzero reason counters of namespace NAME on one line.
ns_stats_brief() {
	nsctl "$1" -j stats | "$L2TPX_PY" -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%d" % (k, v.get("packets", 0)) for k, v in d.items()
               if v.get("packets", 0)) or "(all zero)")'
}

# ns_sess NAME TUNNEL SESSION FIELD: one field of a session from `-j session show`.
ns_sess() {
	nsctl "$1" -j session show | "$L2TPX_PY" -c '
import json, sys
t, s, f = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for e in json.load(sys.stdin):
    if int(e.get("tunnel", -1)) == t and int(e.get("session", -1)) == s:
        v = e.get(f)
        print(v if not isinstance(v, list) else " ".join(map(str, v)))
        break' "$2" "$3" "$4"
}

# ---- traffic ------------------------------------------------------------------

# ns_ping NAME COUNT ADDR [ping options]: true when all COUNT replies came back.
# Bounded: -W 1 per reply, and `timeout` around it all.
ns_ping() {
	local n=$1 c=$2 a=$3 out
	shift 3
	out=$(nsx "$n" timeout $((c + 10)) ping -n -q -c "$c" -i 0.2 -W 1 "$@" "$a" 2>&1)
	echo "$out" | grep -E 'transmitted|rror|long|needed|Too big'
	echo "$out" | grep -q " $c received"
}

ns_listening() {
	nsx "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# ns_xfer FROM TO ADDR FILE OUT [PORT]: TCP transfer of FILE from namespace FROM to a
# listener at ADDR in namespace TO, written to OUT.  Bounded to 30 s each side.
ns_xfer() {
	local from=$1 to=$2 addr=$3 src=$4 dst=$5 port=${6:-5001} lpid l c rc=0
	case $addr in
	*:*) l="TCP6-LISTEN:$port,bind=[$addr],reuseaddr" c="TCP6:[$addr]:$port" ;;
	*) l="TCP4-LISTEN:$port,bind=$addr,reuseaddr" c="TCP4:$addr:$port" ;;
	esac
	rm -f "$dst"
	ip netns exec "$(ns_name "$to")" timeout 30 socat -u "$l" "OPEN:$dst,creat,trunc" &
	lpid=$!
	if ! wait_until 5 ns_listening "$to" "$port"; then
		kill "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		return 1
	fi
	nsx "$from" timeout 30 socat -u "OPEN:$src" "$c" || rc=1
	[ $rc = 0 ] || kill "$lpid" 2>/dev/null
	wait "$lpid" || rc=1
	return $rc
}

# ---- TAP output -------------------------------------------------------------

TAP_N=0
TAP_FAILED=0

tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# tap_check DESC cmd...: one check; the command's output shows as diagnostics if
# it fails.
tap_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		[ -n "$out" ] && tap_diag "$out" | tail -n 20
	fi
	return 0
}

# tap_cmp DESC GOT OP WANT: numeric comparison (OP: -eq -ge -gt -le ...).
tap_cmp() {
	if [ -n "$2" ] && test "$2" "$3" "$4" 2>/dev/null; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "got '${2}', want $3 $4"
	fi
}

# tap_end: the plan line; the exit status says whether everything passed.
tap_end() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
