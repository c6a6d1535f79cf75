#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end too-big handling between network namespaces; TAP output.
#
# The tunnel link has MTU 1500 and the sessions mtu 1500, so a 1480-byte inner packet
# cannot be encapsulated (IPv4 outer adds 38 bytes, IPv6 outer 58).  The XDP program
# must pass it to the kernel (counter too-big), which routes it to l2tpx0 (mtu 1400):
#   - IPv4 without DF: the kernel fragments it, the TC program encapsulates the
#     fragments, and the far side delivers them (ping -M dont -s 1452 succeeds);
#   - IPv4 with DF: the kernel answers ICMP fragmentation-needed, mtu 1400, and the
#     sender caches that path MTU;
#   - IPv6: the kernel answers Packet Too Big, mtu 1400; the sender then fragments
#     at the source and the fragments go through the XDP fast path.
# Each in both directions (srv->sub through lns, sub->srv through cli), for outer
# IPv4 and IPv6.
#
# Environment: E2E_OUTERS (default "4 6"), L2TPX_NS_PREFIX, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

OUTERS=${E2E_OUTERS:-4 6}
PINGS=5
SIZE=1452	# ICMP payload: 1480-byte IPv4 packet, 1500-byte IPv6 packet
WORK=

cleanup() {
	netns_down
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { echo "Bail out! must run as root"; exit 1; }
for t in ping ethtool timeout; do
	command -v "$t" >/dev/null || { echo "Bail out! $t not installed (scripts/deps.sh)"; exit 1; }
done
WORK=$(mktemp -d /tmp/l2tpx-e2e-mtu.XXXXXX) || exit 1

delta() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 - $2)); }

# snap NAME: remember every reason counter of namespace NAME.
snap() { nsctl "$1" -j stats >"$WORK/$1.before" 2>/dev/null; }

# grew NAME REASON: how much REASON grew in NAME since snap.
grew() {
	nsctl "$1" -j stats 2>/dev/null | "$L2TPX_PY" -c '
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(sys.stdin)
r = sys.argv[2]
print(int(b.get(r, {}).get("packets", 0)) - int(a.get(r, {}).get("packets", 0)))' \
		"$WORK/$1.before" "$2"
}

# ping_out NAME COUNT ADDR [options]: ping's whole output (bounded), status ignored.
ping_out() {
	local n=$1 c=$2 a=$3
	shift 3
	nsx "$n" timeout $((c + 10)) ping -n -c "$c" -i 0.2 -W 1 "$@" "$a" 2>&1
}

# route_mtu NAME ADDR: the MTU `ip route get` reports (cached path MTU), or nothing.
route_mtu() {
	nsip "$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p' | head -1
}

# too_big_answer DESC NAME ADDR ROUTER FAMILY: with DF (-M do) the sender gets the
# ICMP error from ROUTER naming mtu 1400 and caches it.
too_big_answer() {
	local desc=$1 n=$2 a=$3 router=$4 fam=$5 out re
	out=$(ping_out "$n" 3 "$a" "-$fam" -M "do" -s $SIZE)
	if [ "$fam" = 4 ]; then
		re="From $router .*Frag needed.*mtu = 1400"
	else
		re="From $router .*Packet too big.*mtu=1400"
	fi
	if echo "$out" | grep -Eq "$re"; then
		tap_ok "$desc: $router answers with mtu 1400"
	else
		tap_not_ok "$desc: $router answers with mtu 1400"
		tap_diag "$out"
	fi
	tap_cmp "$desc: $n caches path MTU 1400 (ip route get)" "$(route_mtu "$n" "$a")" -eq 1400
}

one_pass() {
	local outer=$1 tag="[outer$1]" out
	if ! netns_up >"$WORK/up.log" 2>&1 || ! netns_session_up "$outer" >>"$WORK/up.log" 2>&1; then
		tap_not_ok "$tag topology and sessions up"
		tap_diag "$(cat "$WORK/up.log")"
		netns_down
		return
	fi
	tap_ok "$tag topology and sessions up"
	tap_cmp "$tag lns uplink $NS_IF_LNS_UP has MTU 1500" \
		"$(nsip lns -o link show dev "$NS_IF_LNS_UP" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')" -eq 1500

	# ---- IPv4 without DF: fragmented by the router's kernel, fragments via TC.
	# First, before any sender has learned a smaller path MTU.
	tap_cmp "$tag srv has no cached path MTU toward sub yet" \
		"$(route_mtu srv "$NS_SUB4" | wc -w)" -eq 0
	snap lns
	snap cli
	tap_check "$tag IPv4 1480 bytes without DF srv->sub is delivered (ping -M dont -s $SIZE)" \
		ns_ping srv $PINGS "$NS_SUB4" -M dont -s $SIZE
	tap_cmp "$tag lns: too-big passed the 1480-byte requests to the kernel" \
		"$(grew lns too-big)" -ge $PINGS
	tap_cmp "$tag lns: tc-encap-fwd carried their fragments" \
		"$(grew lns tc-encap-fwd)" -ge $((2 * PINGS))
	tap_cmp "$tag cli: decap-fwd delivered the fragments to sub" \
		"$(grew cli decap-fwd)" -ge $((2 * PINGS))
	tap_cmp "$tag cli: too-big passed the 1480-byte replies to the kernel" \
		"$(grew cli too-big)" -ge $PINGS
	tap_cmp "$tag cli: tc-encap-fwd carried the replies' fragments" \
		"$(grew cli tc-encap-fwd)" -ge $((2 * PINGS))

	snap cli
	tap_check "$tag IPv4 1480 bytes without DF sub->srv is delivered (ping -M dont -s $SIZE)" \
		ns_ping sub $PINGS "$NS_SRV4" -M dont -s $SIZE
	tap_cmp "$tag cli: too-big passed sub's 1480-byte requests to the kernel" \
		"$(grew cli too-big)" -ge $PINGS

	# ---- IPv4 with DF: fragmentation needed.
	snap lns
	too_big_answer "$tag IPv4 DF srv->sub" srv "$NS_SUB4" "$NS_LNS_CORE4" 4
	tap_cmp "$tag lns: too-big counted the DF packet" "$(grew lns too-big)" -ge 1
	snap cli
	too_big_answer "$tag IPv4 DF sub->srv" sub "$NS_SRV4" "$NS_CLI_LAN4" 4
	tap_cmp "$tag cli: too-big counted the DF packet" "$(grew cli too-big)" -ge 1

	# ---- IPv6: Packet Too Big, then source fragmentation over the fast path.
	snap lns
	too_big_answer "$tag IPv6 srv->sub" srv "$NS_SUB6" "$NS_LNS_CORE6" 6
	tap_cmp "$tag lns: too-big counted the 1500-byte IPv6 packet" "$(grew lns too-big)" -ge 1
	snap cli
	too_big_answer "$tag IPv6 sub->srv" sub "$NS_SRV6" "$NS_CLI_LAN6" 6
	tap_cmp "$tag cli: too-big counted the 1500-byte IPv6 packet" "$(grew cli too-big)" -ge 1

	snap lns
	snap cli
	tap_check "$tag IPv6 1500 bytes srv->sub, fragmented by srv, is delivered" \
		ns_ping srv $PINGS "$NS_SUB6" -M want -s $SIZE
	tap_cmp "$tag lns: encap-fwd carried the IPv6 fragments" \
		"$(grew lns encap-fwd)" -ge $((2 * PINGS))
	tap_cmp "$tag cli: decap-fwd delivered them" "$(grew cli decap-fwd)" -ge $((2 * PINGS))
	tap_cmp "$tag lns: no more too-big once the sender fragments" "$(grew lns too-big)" -eq 0
	tap_check "$tag IPv6 1500 bytes sub->srv, fragmented by sub, is delivered" \
		ns_ping sub $PINGS "$NS_SRV6" -M want -s $SIZE

	out=$(for n in cli lns; do
		for r in malformed inner-malformed wrong-peer spoofed error; do
			echo "$n $r $(ns_stat "$n" "$r")"
		done
	done | awk '$3 != 0')
	tap_check "$tag no drops counted in cli or lns" test -z "$out"
	[ -n "$out" ] && tap_diag "$out"
	tap_diag "cli: $(ns_stats_brief cli 2>&1)" "lns: $(ns_stats_brief lns 2>&1)"
	netns_down
}

for o in $OUTERS; do
	one_pass "$o"
done
tap_end
