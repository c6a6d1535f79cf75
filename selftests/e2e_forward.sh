#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end forwarding through the XDP/TC data plane between network namespaces, with
# tshark decoding what crossed the tunnel link; TAP output.
#
# For each outer family (4, 6) and each tunnel link (direct veth pair, and through the
# `wire` bridge namespace where tshark sees the XDP-redirected packets too):
#   - pings sub<->srv, inner IPv4 and IPv6 (XDP encap in cli and lns, XDP decap);
#   - pings from cli itself to srv (locally originated: TC encap on l2tpx0);
#   - 2 MiB TCP transfers both ways, inner IPv4 and IPv6, compared by sha256;
#   - the reason and per-session counters account for at least what was sent, and
#     nothing was dropped;
#   - every L2TP packet on the tunnel link is L2TPv2 data carrying PPP IPv4/IPv6 with
#     the expected ids, nothing is malformed or has a bad checksum, and no subscriber
#     traffic crossed the link unencapsulated;
#   - negative checks with scapy-crafted frames from cli: an inner source outside the
#     session's prefixes is counted `spoofed` and not delivered, a wrong outer source
#     is `wrong-peer`, an unknown session is `no-session`; the same frame with an
#     allowed source is delivered (so the negatives mean something).
#
# Environment: E2E_OUTERS (default "4 6"), E2E_LINKS (default "direct wire"),
# E2E_XFER_BYTES (default 2097152), L2TPX_NS_PREFIX, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

OUTERS=${E2E_OUTERS:-4 6}
LINKS=${E2E_LINKS:-direct wire}
XFER_BYTES=${E2E_XFER_BYTES:-2097152}
PINGS=5
WORK=
BGPIDS=""

cleanup() {
	local p
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
	done
	netns_down
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for t in tshark socat ethtool ss timeout; do
	command -v "$t" >/dev/null || { echo "Bail out! $t not installed (scripts/deps.sh)"; exit 1; }
done
"$L2TPX_PY" -c 'import scapy' 2>/dev/null ||
	{ echo "Bail out! $L2TPX_PY has no scapy (python3-scapy)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "Bail out! must run as root"; exit 1; }
WORK=$(mktemp -d /tmp/l2tpx-e2e-fwd.XXXXXX) || exit 1
chmod 755 "$WORK"
head -c "$XFER_BYTES" /dev/urandom >"$WORK/payload"
PAYLOAD_SHA=$(sha256sum <"$WORK/payload" | cut -d' ' -f1)
# A lower bound on data segments per transfer: no segment carries more than 1460.
SEGS=$((XFER_BYTES / 1460))

# Decode options shared by every tshark read: L2TP on 1701, checksums verified.
TSHARK_DEC=(-n -d udp.port==1701,l2tp -o ip.check_checksum:TRUE
	-o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)

# capture_start NAME IF FILE: tshark in the background, bounded by -a duration.
capture_start() {
	ip netns exec "$(ns_name "$1")" tshark -q -n -i "$2" -w "$3" \
		-a duration:180 >"$3.log" 2>&1 &
	CAP_PID=$!
	BGPIDS="$BGPIDS $CAP_PID"
	wait_until 10 grep -q "Capturing on" "$3.log" || return 1
	sleep 0.5	# dumpcap is up; give it a moment to have the socket bound
}

capture_stop() {
	kill -INT "$CAP_PID" 2>/dev/null
	local i
	for i in $(seq 50); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	return 0
}

# check_capture FILE OUTER LNSADDR CLIADDR: prints "toward-lns toward-cli bad",
# then diagnostics for bad packets.
capture_ids() {
	local outer_proto=ip
	[ "$2" = 6 ] && outer_proto=ipv6
	tshark -r "$1" "${TSHARK_DEC[@]}" -Y 'udp.port==1701' -T fields -E occurrence=f \
		-e ip.dst -e ipv6.dst -e l2tp.type -e l2tp.tunnel -e l2tp.session \
		-e frame.protocols 2>/dev/null |
		awk -F'\t' -v o="$2" -v op="$outer_proto" -v lns="$3" -v cli="$4" \
			-v lt="$NS_LNS_TUNNEL" -v ls="$NS_LNS_SESSION" \
			-v ct="$NS_CLI_TUNNEL" -v cs="$NS_CLI_SESSION" '
		{
			d = (o == 4) ? $1 : $2
			if (d == lns) { want = lt "/" ls; tl++ }
			else if (d == cli) { want = ct "/" cs; tc++ }
			else { bad++; if (nb++ < 10) diag = diag "\n# outer dst? " $0; next }
			re = "^eth:ethertype:" op ":udp:l2tp:ppp:(ip|ipv6)(:|$)"
			if ($4 "/" $5 != want || $3 != "0" || $6 !~ re) {
				bad++
				if (nb++ < 10) diag = diag "\n# want " want ": " $0
			}
		}
		END { printf "%d %d %d%s\n", tl, tc, bad, diag }'
}

count_frames() {
	tshark -r "$1" "${TSHARK_DEC[@]}" -Y "$2" 2>/dev/null | wc -l
}

# The scapy side of the negative checks: crafted L2TP frames sent from cli on its
# tunnel veth.  Each inner packet is UDP to srv:9999 carrying a tag.
SCAPY_SEND='
import struct, sys, time
from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp, conf
conf.verb = 0
outer, ifc, smac, dmac, cl, ln, bogus = sys.argv[1:8]
tun, sess = int(sys.argv[8]), int(sys.argv[9])
srv4, srv6, sub4, sub6, spoof4, spoof6 = sys.argv[10:16]

def frame(inner, proto, src=cl, s=sess):
    l2tp = struct.pack("!HHH", 0x0002, tun, s) + b"\xff\x03" + struct.pack("!H", proto)
    o = IP(src=src, dst=ln) if outer == "4" else IPv6(src=src, dst=ln)
    return Ether(src=smac, dst=dmac) / o / UDP(sport=1701, dport=1701) / Raw(l2tp + bytes(inner))

def in4(src, tag):
    return IP(src=src, dst=srv4) / UDP(sport=40000, dport=9999) / Raw(tag.encode())

def in6(src, tag):
    return IPv6(src=src, dst=srv6) / UDP(sport=40000, dport=9999) / Raw(tag.encode())

neg = [frame(in4(spoof4, "spoof4"), 0x0021), frame(in6(spoof6, "spoof6"), 0x0057),
       frame(in4(sub4, "wrongpeer"), 0x0021, src=bogus),
       frame(in4(sub4, "nosession"), 0x0021, s=sess + 599)]
pos = [frame(in4(sub4, "ok4"), 0x0021), frame(in6(sub6, "ok6"), 0x0057)]
sendp(neg, iface=ifc)
time.sleep(0.3)
sendp(pos, iface=ifc)
'

# The srv side: print every tag received on 9999 until ok4 and ok6 are in (+0.5 s),
# at most 8 s.
UDP_SINK='
import select, socket, sys, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.bind((sys.argv[1], 9999))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind((sys.argv[2], 9999))
open(sys.argv[3], "w").close()
seen, end = [], time.time() + 8
while time.time() < end:
    r, _, _ = select.select([s4, s6], [], [], 0.1)
    for s in r:
        seen.append(s.recv(2048).decode(errors="replace"))
    if "ok4" in seen and "ok6" in seen:
        end = min(end, time.time() + 0.5)
print(" ".join(seen))
'

# delta A B: A - B, or nothing when either is missing (a failed read).
delta() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 - $2)); }
add() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 + $2)); }

sha_is() { [ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$2" ]; }

xfer_check() {
	local desc=$1
	shift
	if ns_xfer "$@" && sha_is "$5" "$PAYLOAD_SHA"; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag "received $(stat -c %s "$5" 2>/dev/null || echo no) bytes of $XFER_BYTES"
	fi
}

# one_pass OUTER LINK
one_pass() {
	local outer=$1 link=$2 tag="[outer$1/$2]" cap cl ln bogus
	local before after e_up e_down r lns_tl lns_tc bad leak mal v
	if [ "$outer" = 4 ]; then
		cl=$NS_CLI_UP4 ln=$NS_LNS_UP4 bogus=192.0.2.99
	else
		cl=$NS_CLI_UP6 ln=$NS_LNS_UP6 bogus=2001:db8:1::99
	fi
	export L2TPX_NS_WIRE=0
	[ "$link" = wire ] && L2TPX_NS_WIRE=1

	if ! netns_up >"$WORK/up.log" 2>&1 || ! netns_session_up "$outer" >>"$WORK/up.log" 2>&1; then
		tap_not_ok "$tag topology and sessions up"
		tap_diag "$(cat "$WORK/up.log")"
		netns_down
		return
	fi
	tap_ok "$tag topology and sessions up"
	tap_diag "$(grep -i 'xdp:' "$WORK/up.log")"

	# shellcheck disable=SC2046 # two words: namespace and interface
	set -- $(netns_capture_at)
	cap="$WORK/tunnel-$outer-$link.pcapng"
	if ! capture_start "$1" "$2" "$cap"; then
		tap_diag "tshark did not start: $(cat "$cap.log")"
	fi

	tap_check "$tag ping sub->srv inner IPv4" ns_ping sub $PINGS "$NS_SRV4"
	tap_check "$tag ping sub->srv inner IPv6" ns_ping sub $PINGS "$NS_SRV6"
	tap_check "$tag ping srv->sub inner IPv4" ns_ping srv $PINGS "$NS_SUB4"
	tap_check "$tag ping srv->sub inner IPv6" ns_ping srv $PINGS "$NS_SUB6"

	for v in 4 6; do
		local dst=$NS_SRV4
		[ $v = 6 ] && dst=$NS_SRV6
		before=$(ns_stat cli tc-encap-fwd)
		tap_check "$tag ping cli->srv inner IPv$v (locally originated)" \
			ns_ping cli $PINGS "$dst"
		after=$(ns_stat cli tc-encap-fwd)
		tap_cmp "$tag cli tc-encap-fwd counted cli's IPv$v pings" \
			"$(delta "$after" "$before")" -ge $PINGS
	done

	xfer_check "$tag TCP sub->srv inner IPv4, $XFER_BYTES bytes, sha256 equal" \
		sub srv "$NS_SRV4" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP srv->sub inner IPv4, $XFER_BYTES bytes, sha256 equal" \
		srv sub "$NS_SUB4" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP sub->srv inner IPv6, $XFER_BYTES bytes, sha256 equal" \
		sub srv "$NS_SRV6" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP srv->sub inner IPv6, $XFER_BYTES bytes, sha256 equal" \
		srv sub "$NS_SUB6" "$WORK/payload" "$WORK/rx"

	capture_stop

	# ---- counters: at least what was sent, nothing dropped
	tap_diag "cli: $(ns_stats_brief cli 2>&1)" "lns: $(ns_stats_brief lns 2>&1)"
	# sub->srv: echo requests and replies of both families, data segments of two
	# transfers; srv->sub the same.  cli's own pings add to lns's side only.
	e_up=$((4 * PINGS + 2 * SEGS))
	e_down=$((4 * PINGS + 2 * SEGS))
	tap_cmp "$tag cli encap-fwd >= packets sent sub->srv" "$(ns_stat cli encap-fwd)" -ge $e_up
	tap_cmp "$tag lns decap-fwd >= packets sent sub->srv + cli's pings" \
		"$(ns_stat lns decap-fwd)" -ge $((e_up + 2 * PINGS))
	tap_cmp "$tag lns encap-fwd >= packets sent srv->sub + replies to cli" \
		"$(ns_stat lns encap-fwd)" -ge $((e_down + 2 * PINGS))
	tap_cmp "$tag cli decap-fwd >= packets sent srv->sub" "$(ns_stat cli decap-fwd)" -ge $e_down
	tap_cmp "$tag cli decap-local >= replies to cli's pings" \
		"$(ns_stat cli decap-local)" -ge $((2 * PINGS))
	for r in malformed inner-malformed wrong-peer spoofed error; do
		tap_cmp "$tag no $r drops (cli, lns)" \
			"$(add "$(ns_stat cli $r)" "$(ns_stat lns $r)")" -eq 0
	done
	tap_diag "lns session: $(nsctl lns -j session show 2>&1)"
	tap_cmp "$tag lns session rx_packets >= sent sub->srv" \
		"$(ns_sess lns $NS_LNS_TUNNEL $NS_LNS_SESSION rx_packets)" -ge $e_up
	tap_cmp "$tag lns session tx_packets >= sent srv->sub" \
		"$(ns_sess lns $NS_LNS_TUNNEL $NS_LNS_SESSION tx_packets)" -ge $e_down
	tap_cmp "$tag cli session tx_packets >= sent sub->srv" \
		"$(ns_sess cli $NS_CLI_TUNNEL $NS_CLI_SESSION tx_packets)" -ge $e_up
	tap_cmp "$tag cli session rx_packets >= sent srv->sub" \
		"$(ns_sess cli $NS_CLI_TUNNEL $NS_CLI_SESSION rx_packets)" -ge $e_down
	tap_cmp "$tag lns session rx_bytes nonzero" \
		"$(ns_sess lns $NS_LNS_TUNNEL $NS_LNS_SESSION rx_bytes)" -gt 0
	tap_cmp "$tag cli session tx_bytes nonzero" \
		"$(ns_sess cli $NS_CLI_TUNNEL $NS_CLI_SESSION tx_bytes)" -gt 0

	# ---- what crossed the tunnel link, decoded by tshark
	if [ -s "$cap" ]; then
		read -r lns_tl lns_tc bad < <(capture_ids "$cap" "$outer" "$ln" "$cl" | head -1)
		tap_diag "$link capture: $lns_tl L2TP packets toward lns, $lns_tc toward cli"
		tap_cmp "$tag capture: every L2TP packet is data/PPP/IP with the expected ids" \
			"$bad" -eq 0
		[ "${bad:-1}" != 0 ] && tap_diag "$(capture_ids "$cap" "$outer" "$ln" "$cl" | tail -n +2)"
		if [ "$link" = wire ]; then
			tap_cmp "$tag capture: L2TP toward lns (300/400) >= sent sub->srv" \
				"$lns_tl" -ge $e_up
			tap_cmp "$tag capture: L2TP toward cli (100/200) >= sent srv->sub" \
				"$lns_tc" -ge $e_down
		fi
		mal=$(count_frames "$cap" '_ws.malformed || _ws.expert.severity >= error')
		tap_cmp "$tag capture: nothing malformed, no bad checksum" "$mal" -eq 0
		[ "$mal" != 0 ] && tap_diag "$(tshark -r "$cap" "${TSHARK_DEC[@]}" \
			-Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | head -5)"
		leak=$(count_frames "$cap" '!(udp.port==1701) && (ip.addr==198.51.100.0/24 ||
			ip.addr==203.0.113.0/24 || ipv6.addr==2001:db8:100::/64 ||
			ipv6.addr==2001:db8:203::/64)')
		tap_cmp "$tag capture: no subscriber traffic unencapsulated on the tunnel link" \
			"$leak" -eq 0
	else
		tap_not_ok "$tag capture on the tunnel link"
		tap_diag "$(cat "$cap.log" 2>/dev/null)"
	fi

	# ---- negative checks: crafted frames from cli
	local sp wp ns dr seen sinkpid
	sp=$(ns_stat lns spoofed)
	wp=$(ns_stat lns wrong-peer)
	ns=$(ns_stat lns no-session)
	dr=$(ns_sess lns $NS_LNS_TUNNEL $NS_LNS_SESSION rx_drops)
	rm -f "$WORK/sink.ready"
	ip netns exec "$(ns_name srv)" timeout 15 "$L2TPX_PY" -c "$UDP_SINK" \
		"$NS_SRV4" "$NS_SRV6" "$WORK/sink.ready" >"$WORK/sink.out" 2>&1 &
	sinkpid=$!
	BGPIDS="$BGPIDS $sinkpid"
	wait_until 10 test -e "$WORK/sink.ready"
	nsx cli timeout 30 "$L2TPX_PY" -c "$SCAPY_SEND" "$outer" "$NS_IF_CLI_UP" \
		"$(ns_mac cli "$NS_IF_CLI_UP")" "$(ns_mac lns "$NS_IF_LNS_UP")" \
		"$cl" "$ln" "$bogus" "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" \
		"$NS_SRV4" "$NS_SRV6" "$NS_SUB4" "$NS_SUB6" 203.0.113.77 2001:db8:203::77 \
		>"$WORK/scapy.out" 2>&1 || tap_diag "scapy: $(cat "$WORK/scapy.out")"
	wait "$sinkpid"
	seen=$(cat "$WORK/sink.out")
	tap_diag "srv received: ${seen:-nothing}"
	tap_check "$tag crafted frames with allowed inner source are delivered" \
		sh -c 'case " $0 " in *" ok4 "*" ok6 "*|*" ok6 "*" ok4 "*) ;; *) exit 1;; esac' "$seen"
	tap_check "$tag spoofed, wrong-peer and no-session frames are not delivered" \
		sh -c 'case " $0 " in *spoof*|*wrongpeer*|*nosession*) exit 1;; esac' "$seen"
	tap_cmp "$tag lns counts inner 203.0.113.77 and 2001:db8:203::77 as spoofed" \
		"$(delta "$(ns_stat lns spoofed)" "$sp")" -eq 2
	tap_cmp "$tag lns counts outer source $bogus as wrong-peer" \
		"$(delta "$(ns_stat lns wrong-peer)" "$wp")" -eq 1
	tap_cmp "$tag lns passes an unknown session up as no-session" \
		"$(delta "$(ns_stat lns no-session)" "$ns")" -ge 1
	tap_cmp "$tag lns session rx_drops counts the spoofed and wrong-peer frames" \
		"$(delta "$(ns_sess lns $NS_LNS_TUNNEL $NS_LNS_SESSION rx_drops)" "$dr")" -ge 2

	netns_down
}

for o in $OUTERS; do
	for l in $LINKS; do
		one_pass "$o" "$l"
	done
done
tap_end
