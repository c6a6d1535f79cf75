#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end forwarding through the XDP/TC data plane between network namespaces, with
# tshark decoding what crossed the tunnel link; TAP output.
#
# Passes: each outer family (4, 6) over each tunnel link (a direct veth pair, and
# through the `wire` bridge namespace where tshark sees the XDP-redirected packets
# too), then the wire again with session options (seq, udp-csum, acfc, pfc).  In each:
#   - pings sub<->srv, inner IPv4 and IPv6 (XDP encap in cli and lns, XDP decap);
#   - pings from cli itself to srv (locally originated: TC encap on l2tpx0);
#   - the inner TTL is decremented once per router, and a packet whose TTL expires
#     at cli or at lns is answered with Time Exceeded by that router;
#   - 2 MiB TCP transfers both ways, inner IPv4 and IPv6, compared by sha256;
#   - the reason and per-session counters account for at least what was sent, and
#     nothing was dropped;
#   - every L2TP packet on the tunnel link is L2TPv2 data carrying PPP IPv4/IPv6 with
#     the expected ids, nothing is malformed or has a bad checksum, and no subscriber
#     traffic crossed the link unencapsulated; with seq no Ns repeats, with udp-csum
#     every outer UDP checksum is set, and one that computes to zero goes out as
#     0xffff (a crafted probe); with mss=N every SYN's MSS is at most N;
#   - negative checks with scapy-crafted frames from cli: an inner source outside the
#     session's prefixes is counted `spoofed` and not delivered, a wrong outer source
#     is `wrong-peer`, an unknown session is `no-session`; the same frame with an
#     allowed source is delivered (so the negatives mean something).
#
# Environment: E2E_PASSES, a list of OUTER:LINK[:OPT,OPT...] (default below; an
# option with a value is written mss=N),
# E2E_XFER_BYTES (default 2097152), E2E_KEEP=DIR keeps the captures there,
# L2TPX_NS_PREFIX, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

PASSES=${E2E_PASSES:-4:direct 4:wire 6:direct 6:wire 4:wire:udp-csum,acfc,pfc 4:wire:seq 6:wire:seq,acfc,pfc,mss=1200}
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
# The test's own TCP and UDP ports decode as plain data: random payload must not
# trip a heuristic dissector (Thrift did) into calling itself malformed.
# shellcheck disable=SC2054 # the commas belong to tshark
TSHARK_DEC=(-n -d udp.port==1701,l2tp -d tcp.port==5001,data -d udp.port==9999,data
	-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)

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
	for _ in $(seq 50); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	return 0
}

# capture_ids FILE OUTER LNSADDR CLIADDR: prints "toward-lns toward-cli bad",
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

# From sub: one inner IPv4/UDP packet (UDP checksum 0) to srv:9999 whose last two
# payload bytes are chosen so that cli's outer UDP checksum computes to zero (the
# inner IPv4 header sums to zero whatever its TTL, so cli's decrement cannot move it).
ZERO_CSUM_PROBE='
import socket, struct, sys
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
conf.verb = 0
outer, ifc, smac, dmac, cl, ln = sys.argv[1:7]
tun, sess = int(sys.argv[7]), int(sys.argv[8])
sub4, srv4, opts = sys.argv[9:12]

def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def wsum(b):
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))

def inner(x):
    return bytes(IP(src=sub4, dst=srv4, ttl=64, id=0x1701) /
                 UDP(sport=40001, dport=9999, chksum=0) / Raw(b"zero-csum!" + x))

ppp = (b"" if ",acfc," in opts else b"\xff\x03") + \
      (b"\x21" if ",pfc," in opts else b"\x00\x21")
hdr = struct.pack("!HHH", 0x0002, tun, sess) + ppp
fam = socket.AF_INET if outer == "4" else socket.AF_INET6
a, b = socket.inet_pton(fam, cl), socket.inet_pton(fam, ln)

def outer_sum(x):
    body = hdr + inner(x)
    ulen = 8 + len(body)
    pseudo = a + b + (struct.pack("!HH", 17, ulen) if outer == "4"
                      else struct.pack("!II", ulen, 17))
    return fold(wsum(pseudo + struct.pack("!HHHH", 1701, 1701, ulen, 0) + body))

for v in range(65536):
    x = struct.pack("!H", v)
    if outer_sum(x) == 0xffff:
        break
else:
    sys.exit("no payload gives a zero checksum")
pkt = Ether(src=smac, dst=dmac) / IP(inner(x))
sendp(pkt, iface=ifc)
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

# word_in LIST WORD...: every WORD is in the space-separated LIST.
word_in() {
	local l=" $1 " w
	shift
	for w; do
		case $l in *" $w "*) ;; *) return 1 ;; esac
	done
}

# none_in LIST WORD...: no WORD is in LIST.
none_in() {
	local l=$1 w
	shift
	for w; do
		! word_in "$l" "$w" || return 1
	done
}

# delta A B: A - B, or nothing when either is missing (a failed read).
delta() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 - $2)); }
add() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 + $2)); }

# ping_has NAME ADDR REGEX [ping options]: one ping whose output matches REGEX.
ping_has() {
	local n=$1 a=$2 re=$3 out
	shift 3
	out=$(nsx "$n" timeout 5 ping -n -c 1 -W 1 "$@" "$a" 2>&1)
	echo "$out"
	echo "$out" | grep -Eq "$re"
}

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

# one_pass OUTER LINK [OPTS]: OPTS are `session add` options, comma-separated.
one_pass() {
	local outer=$1 link=$2 opts=${3:-} tag="[outer$1/$2${3:+/$3}]" cap cl ln bogus
	local before after e_up e_down r lns_tl lns_tc bad leak mal v
	if [ "$outer" = 4 ]; then
		cl=$NS_CLI_UP4 ln=$NS_LNS_UP4 bogus=192.0.2.99
	else
		cl=$NS_CLI_UP6 ln=$NS_LNS_UP6 bogus=2001:db8:1::99
	fi
	export L2TPX_NS_WIRE=0 L2TPX_SESS_OPTS=${opts//[,=]/ }
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
	cap="$WORK/tunnel-$outer-$link${opts:+-${opts//,/-}}.pcapng"
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

	# Each router on the way decrements the inner TTL once; an expiring packet is
	# passed to the kernel (reason ttl), which answers Time Exceeded.
	for v in 4 6; do
		local dst=$NS_SRV4 r1=$NS_CLI_LAN4 r2=$NS_LNS_CORE4
		[ $v = 6 ] && dst=$NS_SRV6 r1=$NS_CLI_LAN6 r2=$NS_LNS_CORE6
		tap_check "$tag IPv$v sub->srv arrives with ttl 62 (decremented by cli and lns)" \
			ping_has sub "$dst" "ttl=62"
		before=$(ns_stat cli ttl)
		tap_check "$tag IPv$v hop limit 1 from sub: cli answers Time Exceeded" \
			ping_has sub "$dst" "From $r1 .*[Tt]ime.*exceeded" -t 1
		tap_cmp "$tag cli counted it as ttl" "$(delta "$(ns_stat cli ttl)" "$before")" -ge 1
		before=$(ns_stat lns ttl)
		tap_check "$tag IPv$v hop limit 2 from sub: lns answers Time Exceeded (via TC)" \
			ping_has sub "$dst" "From $r2 .*[Tt]ime.*exceeded" -t 2
		tap_cmp "$tag lns counted it as ttl" "$(delta "$(ns_stat lns ttl)" "$before")" -ge 1
	done

	xfer_check "$tag TCP sub->srv inner IPv4, $XFER_BYTES bytes, sha256 equal" \
		sub srv "$NS_SRV4" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP srv->sub inner IPv4, $XFER_BYTES bytes, sha256 equal" \
		srv sub "$NS_SUB4" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP sub->srv inner IPv6, $XFER_BYTES bytes, sha256 equal" \
		sub srv "$NS_SRV6" "$WORK/payload" "$WORK/rx"
	xfer_check "$tag TCP srv->sub inner IPv6, $XFER_BYTES bytes, sha256 equal" \
		srv sub "$NS_SUB6" "$WORK/payload" "$WORK/rx"

	# An inner packet whose outer UDP checksum computes to zero, where the outer
	# checksum is on and predictable (no seq): it must go out as 0xffff.
	local probe=0
	case ,$opts, in *,seq,*) ;; *)
		{ [ "$outer" = 6 ] || [[ ,$opts, = *,udp-csum,* ]]; } && [ "$link" = wire ] && probe=1 ;;
	esac
	if [ $probe = 1 ]; then
		nsx sub timeout 30 "$L2TPX_PY" -c "$ZERO_CSUM_PROBE" "$outer" "$NS_IF_SUB" \
			"$(ns_mac sub "$NS_IF_SUB")" "$(ns_mac cli "$NS_IF_CLI_LAN")" "$cl" "$ln" \
			"$NS_LNS_TUNNEL" "$NS_LNS_SESSION" "$NS_SUB4" "$NS_SRV4" ",$opts," \
			>"$WORK/probe.out" 2>&1 || tap_diag "probe: $(cat "$WORK/probe.out")"
		sleep 0.3
	fi

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
		"$(ns_sess lns "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" rx_packets)" -ge $e_up
	tap_cmp "$tag lns session tx_packets >= sent srv->sub" \
		"$(ns_sess lns "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" tx_packets)" -ge $e_down
	tap_cmp "$tag cli session tx_packets >= sent sub->srv" \
		"$(ns_sess cli "$NS_CLI_TUNNEL" "$NS_CLI_SESSION" tx_packets)" -ge $e_up
	tap_cmp "$tag cli session rx_packets >= sent srv->sub" \
		"$(ns_sess cli "$NS_CLI_TUNNEL" "$NS_CLI_SESSION" rx_packets)" -ge $e_down
	tap_cmp "$tag lns session rx_bytes nonzero" \
		"$(ns_sess lns "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" rx_bytes)" -gt 0
	tap_cmp "$tag cli session tx_bytes nonzero" \
		"$(ns_sess cli "$NS_CLI_TUNNEL" "$NS_CLI_SESSION" tx_bytes)" -gt 0

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
		case ,$opts, in
		*,seq,*)
			tap_cmp "$tag capture: with seq, no Ns repeats in either direction" \
				"$(tshark -r "$cap" "${TSHARK_DEC[@]}" -Y l2tp -T fields -E occurrence=f \
					-e l2tp.tunnel -e l2tp.Ns 2>/dev/null |
					awk '$2 == "" { miss++ } seen[$0]++ { dup++ }
					     END { print miss + dup + 0 }')" -eq 0 ;;
		esac
		case ,$opts, in
		*,mss=*)
			local mss=${opts#*mss=}
			mss=${mss%%,*}
			tap_cmp "$tag capture: with mss $mss, every SYN's MSS option is clamped" \
				"$(tshark -r "$cap" "${TSHARK_DEC[@]}" -Y 'tcp.flags.syn == 1' -T fields \
					-e tcp.options.mss_val 2>/dev/null |
					awk -v m="$mss" '$1 == "" || $1 > m { bad++ } END { print NR ? bad + 0 : -1 }')" \
				-eq 0 ;;
		esac
		case ,$opts, in
		*,udp-csum,*)
			# The outer UDP header is the first one in each frame.
			tap_cmp "$tag capture: with udp-csum, every outer UDP checksum is set" \
				"$(tshark -r "$cap" "${TSHARK_DEC[@]}" -Y l2tp -T fields -E occurrence=f \
					-e udp.checksum 2>/dev/null | grep -c '^0x0000$')" -eq 0 ;;
		esac
		if [ $probe = 1 ]; then
			v=$(tshark -r "$cap" "${TSHARK_DEC[@]}" -Y 'udp.dstport == 9999 && !icmp' -T fields \
				-E occurrence=f -e udp.checksum 2>/dev/null | head -1)
			tap_check "$tag capture: an outer UDP checksum computing to zero is sent as 0xffff" \
				test "${v:-not captured}" = 0xffff
			[ "${v:-}" = 0xffff ] || tap_diag "outer UDP checksum on the wire: ${v:-probe not captured}"
		fi
		# On the wire only: in the direct capture lns-cli shows what XDP passed up
		# after decapsulation (TTL-expired packets), which never crossed the link.
		if [ "$link" = wire ]; then
			local leakf='!(udp.port==1701) && (ip.addr==198.51.100.0/24 ||
				ip.addr==203.0.113.0/24 || ipv6.addr==2001:db8:100::/64 ||
				ipv6.addr==2001:db8:203::/64)'
			leak=$(count_frames "$cap" "$leakf")
			tap_cmp "$tag capture: no subscriber traffic unencapsulated on the tunnel link" \
				"$leak" -eq 0
			[ "$leak" != 0 ] && tap_diag "$(tshark -r "$cap" "${TSHARK_DEC[@]}" \
				-Y "$leakf" 2>/dev/null | head -5)"
		fi
	else
		tap_not_ok "$tag capture on the tunnel link"
		tap_diag "$(cat "$cap.log" 2>/dev/null)"
	fi

	# ---- negative checks: crafted frames from cli
	local sp wp ns dr seen sinkpid
	sp=$(ns_stat lns spoofed)
	wp=$(ns_stat lns wrong-peer)
	ns=$(ns_stat lns no-session)
	dr=$(ns_sess lns "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" rx_drops)
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
		word_in "$seen" ok4 ok6
	tap_check "$tag spoofed, wrong-peer and no-session frames are not delivered" \
		none_in "$seen" spoof4 spoof6 wrongpeer nosession
	tap_cmp "$tag lns counts inner 203.0.113.77 and 2001:db8:203::77 as spoofed" \
		"$(delta "$(ns_stat lns spoofed)" "$sp")" -eq 2
	tap_cmp "$tag lns counts outer source $bogus as wrong-peer" \
		"$(delta "$(ns_stat lns wrong-peer)" "$wp")" -eq 1
	tap_cmp "$tag lns passes an unknown session up as no-session" \
		"$(delta "$(ns_stat lns no-session)" "$ns")" -ge 1
	tap_cmp "$tag lns session rx_drops counts the spoofed and wrong-peer frames" \
		"$(delta "$(ns_sess lns "$NS_LNS_TUNNEL" "$NS_LNS_SESSION" rx_drops)" "$dr")" -ge 2

	[ -n "${E2E_KEEP:-}" ] && mkdir -p "$E2E_KEEP" && cp "$cap" "$E2E_KEEP/"
	netns_down
}

for p in $PASSES; do
	IFS=: read -r o l opts <<<"$p"
	one_pass "$o" "$l" "$opts"
done
tap_end
