# SPDX-License-Identifier: GPL-2.0
# Sourceable bash library for the control-plane end-to-end tests: namespaces joined by
# veths, l2tpxd and xl2tpd started and stopped with bounded waits, configuration files
# in one temporary directory, l2tpxctl JSON queries and tshark captures.
#
#   lac                                   lns                                 flood
#   c-lns 192.0.2.1/24  ============  c-lac 192.0.2.2/24
#                                     c-fld 198.51.100.1/24  ====  f-lns 198.51.100.10../24
#
# Control plane only: no XDP, no TC, no bpffs.  TAP helpers, wait_until, nsx and nsip
# come from scripts/netns.sh (with a namespace prefix of our own, l2c<pid>-).
#
# Usage:
#   . scripts/ctrl-lib.sh
#   ctrl_init NAME              # root and tool checks, $CTRL_WORK, the EXIT trap
#   ctrl_topo [NFLOOD]          # lac and lns; with NFLOOD > 0 also flood with NFLOOD addrs
#   ctrl_l2tpxd_conf NAME <<EOF # $CTRL_WORK/NAME.conf: [global] + ctl_socket, then stdin
#   ctrl_l2tpxd NS NAME         # start l2tpxd -d -v, wait for its control socket
#   ctrl_xl2tpd NS NAME         # start xl2tpd -D with $CTRL_WORK/NAME.conf
#   ctrl_stop NAME              # SIGTERM, bounded wait, then SIGKILL
#   ctrl_q NAME EXPR ARGS...    # l2tpxctl -j ARGS, print the python EXPR over it as `d`
#   ctrl_cap_start NS IF NAME / ctrl_cap_stop NAME / ctrl_pcap_check FILE
#
# Every process started is recorded by its pid and killed by it on exit; the
# namespaces and the work directory go with them.

# shellcheck shell=bash

CTRL_REPO=${CTRL_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
L2TPX_NS_PREFIX=${L2TPX_NS_PREFIX:-l2c$$-}
L2TPX_NS_TXCSUM=${L2TPX_NS_TXCSUM:-0}	# checksums finished on the wire, for tshark
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$CTRL_REPO/scripts/netns.sh"

CTRL_LAC4=192.0.2.1	CTRL_LNS4=192.0.2.2
CTRL_LNS_FLOOD4=198.51.100.1	CTRL_FLOOD_BASE=198.51.100.	CTRL_FLOOD_FIRST=10

# PPP on an l2tpxd LNS, for tests about the control plane: no authentication (no
# secrets file to depend on), and a pool so that IPCP can open and the call stays.
# Subscriber addresses from 203.0.113.0/24, which no link here uses.
# shellcheck disable=SC2034 # used by the tests
CTRL_LNS_PPP="auth = none
local_ip = 203.0.113.1
ip_range = 203.0.113.10-203.0.113.250"

CTRL_WORK=
CTRL_NS=""		# namespaces made (short names)
CTRL_PIDS=""		# background processes started and not yet reaped
CTRL_KEEP=${CTRL_KEEP:-}	# a directory: keep logs and captures there on exit

# tshark decode options: L2TP on 1701, names not resolved.
# shellcheck disable=SC2034,SC2054 # used by the tests; the comma belongs to tshark
CTRL_TSHARK=(-n -d udp.port==1701,l2tp)
# What an independent decoder must never say about our packets.  _ws.expert.severity
# compares against the names of tshark 4.0's severity values (chat < note < warn <
# error): an error-level expert item is a protocol violation the dissector noticed.
CTRL_BAD_FILTER='_ws.malformed || _ws.expert.severity >= error'

ctrl_cleanup() {
	local p n ns
	for p in $CTRL_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $CTRL_PIDS; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in $CTRL_NS; do
		ns=$(ns_name "$n")
		[ -e "/run/netns/$ns" ] || continue
		# Anything still inside was started by this run (xl2tpd's pppd children).
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$CTRL_WORK" ] && [ -d "$CTRL_WORK" ]; then
		if [ -n "$CTRL_KEEP" ]; then
			mkdir -p "$CTRL_KEEP" && cp -a "$CTRL_WORK"/. "$CTRL_KEEP"/ 2>/dev/null
		fi
		rm -rf "$CTRL_WORK"
	fi
}

# ctrl_init NAME: checks, the work directory, the traps.  Bails out (TAP) on failure.
ctrl_init() {
	local t
	[ "$(id -u)" = 0 ] || { echo "Bail out! must run as root"; exit 1; }
	for t in ip ethtool tshark timeout iptables xl2tpd; do
		command -v "$t" >/dev/null || { echo "Bail out! $t not installed"; exit 1; }
	done
	for t in "$L2TPXD" "$L2TPXCTL"; do
		[ -x "$t" ] || { echo "Bail out! $t missing: run make"; exit 1; }
	done
	trap ctrl_cleanup EXIT
	trap 'exit 130' INT TERM HUP PIPE
	CTRL_WORK=$(mktemp -d "/tmp/l2tpx-$1.XXXXXX") || exit 1
	chmod 755 "$CTRL_WORK"
}

ctrl_ns_add() {
	ip netns add "$(ns_name "$1")" || return 1
	CTRL_NS="$CTRL_NS $1"
	nsip "$1" link set lo up
}

# ctrl_topo [NFLOOD]: lac <-> lns; with NFLOOD, also flood <-> lns where flood owns
# NFLOOD addresses from 198.51.100.10 up.
ctrl_topo() {
	local nf=${1:-0} i
	ctrl_ns_add lac && ctrl_ns_add lns || return 1
	ns_veth lac c-lns lns c-lac &&
		nsip lac addr add "$CTRL_LAC4/24" dev c-lns &&
		nsip lns addr add "$CTRL_LNS4/24" dev c-lac || return 1
	[ "$nf" -gt 0 ] || return 0
	ctrl_ns_add flood && ns_veth flood f-lns lns c-fld &&
		nsip lns addr add "$CTRL_LNS_FLOOD4/24" dev c-fld || return 1
	for ((i = 0; i < nf; i++)); do
		nsip flood addr add "$CTRL_FLOOD_BASE$((CTRL_FLOOD_FIRST + i))/24" dev f-lns ||
			return 1
	done
}

# ctrl_bg NAME cmd...: a background process whose pid is kept in $CTRL_WORK/NAME.pid.
ctrl_bg() {
	local name=$1 pid
	shift
	"$@" &
	pid=$!
	CTRL_PIDS="$CTRL_PIDS $pid"
	echo "$pid" >"$CTRL_WORK/$name.pid"
}

ctrl_pid() { cat "$CTRL_WORK/$1.pid" 2>/dev/null; }

# ctrl_reap NAME: wait for the process NAME (already ended or told to end) and forget
# it, so that the exit trap never signals a pid the system may have handed on.
ctrl_reap() {
	local pid p keep=""
	pid=$(ctrl_pid "$1") || return 0
	[ -n "$pid" ] || return 0
	wait "$pid" 2>/dev/null
	for p in $CTRL_PIDS; do
		[ "$p" = "$pid" ] || keep="$keep $p"
	done
	CTRL_PIDS=$keep
	rm -f "$CTRL_WORK/$1.pid"
}

# ctrl_stop NAME: SIGTERM (l2tpxd and xl2tpd both send StopCCN then), up to 5 s for it
# to exit, then SIGKILL.
ctrl_stop() {
	local pid
	pid=$(ctrl_pid "$1") || return 0
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	ctrl_reap "$1"
	return 0
}

# ctrl_l2tpxd_conf NAME: write $CTRL_WORK/NAME.conf: [global], its control socket,
# then stdin (more [global] keys first, then any sections).
ctrl_l2tpxd_conf() {
	{
		echo "[global]"
		echo "ctl_socket = $CTRL_WORK/$1.sock"
		cat
	} >"$CTRL_WORK/$1.conf"
}

# ctrl_l2tpxd NS NAME: l2tpxd in the foreground with debug logs, NAME.log; returns once
# its control socket answers (5 s at most).
ctrl_l2tpxd() {
	local ns=$1 name=$2
	"$L2TPXD" -n -c "$CTRL_WORK/$name.conf" >/dev/null || return 1
	ctrl_bg "$name" ip netns exec "$(ns_name "$ns")" "$L2TPXD" -d -v \
		-c "$CTRL_WORK/$name.conf" >"$CTRL_WORK/$name.log" 2>&1
	wait_until 5 ctrl_req "$name" stats daemon
}

# ctrl_req NAME args...: l2tpxctl against daemon NAME's control socket.
ctrl_req() {
	local name=$1
	shift
	"$L2TPXCTL" -s "$CTRL_WORK/$name.sock" "$@"
}

# ctrl_q NAME EXPR args...: `l2tpxctl -j args` of daemon NAME, parsed as d; prints the
# python expression EXPR (a list is printed space-separated).  Fails if either fails.
ctrl_q() {
	local name=$1 expr=$2 out
	shift 2
	out=$(ctrl_req "$name" -j "$@") || return 1
	printf '%s' "$out" | "$L2TPX_PY" -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict) and len(d) == 1 and isinstance(next(iter(d.values())), list):
    d = next(iter(d.values()))
v = eval(sys.argv[1])
print(" ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)' "$expr"
}

# ctrl_stat NAME FIELD: one counter of `stats daemon`.
ctrl_stat() { ctrl_q "$1" "d.get('$2', '')" stats daemon; }

# ctrl_xl2tpd NS NAME: xl2tpd -D with $CTRL_WORK/NAME.conf, control file NAME.ctl,
# log NAME.log; returns once it listens (5 s at most).
ctrl_xl2tpd() {
	local ns=$1 name=$2
	ctrl_bg "$name" ip netns exec "$(ns_name "$ns")" xl2tpd -D -c "$CTRL_WORK/$name.conf" \
		-C "$CTRL_WORK/$name.ctl" -p "$CTRL_WORK/$name.xpid" >"$CTRL_WORK/$name.log" 2>&1
	wait_until 5 grep -q "Listening on IP address" "$CTRL_WORK/$name.log"
}

# ctrl_xl2tpd_ctl NAME CMD: a command into xl2tpd's control FIFO ("d test"), bounded.
ctrl_xl2tpd_ctl() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 5 sh -c 'echo "$1" >"$0"' "$CTRL_WORK/$1.ctl" "$2"
}

# ctrl_log_has NAME PATTERN: the daemon's log has a line matching the ERE.
ctrl_log_has() { grep -Eq -- "$2" "$CTRL_WORK/$1.log"; }

# ctrl_wait_log SECONDS NAME PATTERN
ctrl_wait_log() { wait_until "$1" grep -Eq -- "$3" "$CTRL_WORK/$2.log"; }

# ctrl_cap_start NS IF NAME: tshark on IF into $CTRL_WORK/NAME.pcapng, bounded by
# -a duration; returns once it captures.
ctrl_cap_start() {
	local f="$CTRL_WORK/$3.pcapng"
	ctrl_bg "cap-$3" ip netns exec "$(ns_name "$1")" tshark -q -n -i "$2" -w "$f" \
		-a duration:170 >"$f.log" 2>&1
	wait_until 10 grep -q "Capturing on" "$f.log" || return 1
	sleep 0.3	# dumpcap is up; give it a moment to have the socket bound
}

# ctrl_cap_stop NAME: stop the capture (SIGINT lets it finish the file).
ctrl_cap_stop() {
	local pid
	pid=$(ctrl_pid "cap-$1") || return 0
	kill -INT "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	ctrl_reap "cap-$1"
	return 0
}

# ctrl_tshark FILE args...: read a capture with the shared decode options.
ctrl_tshark() {
	local f=$1
	shift
	tshark -r "$f" "${CTRL_TSHARK[@]}" "$@" 2>/dev/null
}

# ctrl_count FILE FILTER: packets matching a display filter (empty if tshark fails).
ctrl_count() {
	local out
	out=$(tshark -r "$1" "${CTRL_TSHARK[@]}" -Y "$2" -T fields -e frame.number 2>&1) ||
		{ echo "tshark: $out" >&2; return 1; }
	printf '%s\n' "$out" | grep -c '^[0-9]' || true
}

# ctrl_pcap_check FILE: every UDP/1701 packet decodes as L2TPv2, there is at least one,
# and nothing is malformed or carries an error-level expert item.
ctrl_pcap_check() {
	local f=$1 all l2 bad
	# ICMP errors quoting our packets (a peer gone) are not ours to judge.
	all=$(ctrl_count "$f" 'udp.port == 1701 && !icmp') || return 1
	l2=$(ctrl_count "$f" 'udp.port == 1701 && !icmp && l2tp.version == 2') || return 1
	bad=$(ctrl_count "$f" "($CTRL_BAD_FILTER) && !icmp") || return 1
	echo "udp/1701 $all, L2TPv2 $l2, malformed or error $bad"
	if [ "$bad" != 0 ]; then
		ctrl_tshark "$f" -Y "($CTRL_BAD_FILTER) && !icmp" -T fields -e frame.number -e ip.src \
			-e l2tp.avp.message_type -e _ws.expert.message | head -n 10
	fi
	[ "$all" -gt 0 ] && [ "$all" = "$l2" ] && [ "$bad" = 0 ]
}

# ctrl_filter_selftest: the bad-packet filter is valid and does match a broken L2TP
# packet (a control message whose Length runs past the datagram, and an AVP whose
# length runs past the message), so a clean capture means something.
ctrl_filter_selftest() {
	local f="$CTRL_WORK/broken.pcap" n
	"$L2TPX_PY" - "$f" <<'EOF' || return 1
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
# T L S, ver 2; Length 200 but 20 bytes present.
hdr = bytes.fromhex("c802" "00c8" "0000" "0000" "0000" "0000")
# A proper header, then an AVP claiming 60 bytes of which 8 are present.
avp = bytes.fromhex("c802" "0014" "0000" "0000" "0000" "0000" "803c0000" "00000001")
pk = [Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1701, dport=1701) / Raw(p)
      for p in (hdr, avp)]
wrpcap(sys.argv[1], pk)
EOF
	n=$(ctrl_count "$f" "$CTRL_BAD_FILTER") || return 1
	echo "broken packets flagged: $n of 2"
	[ "$n" = 2 ]
}

# ctrl_msgs_q FILE EXPR: evaluate a python expression over the L2TP control messages
# of a capture, as tshark dissects them, and print it.  In scope: `m`, a list of
# messages in capture order, each a dict {n (frame), src, dst, tid, sid, ns, nr, type
# (AVP message type, None for a ZLB), result (StopCCN/CDN result code or None), avps
# (attribute types), hidden (attribute types of hidden AVPs)}; `T`, message type
# numbers by name; `acked(x)`, whether a later message from x's receiver acknowledges
# x (Nr past x's Ns).  PDML, because tshark does not dissect a hidden AVP's type
# field: the type comes from the AVP's bytes.
ctrl_msgs_q() {
	tshark -r "$1" "${CTRL_TSHARK[@]}" -Y 'l2tp.type == 1 && !icmp' -T pdml 2>/dev/null |
		"$L2TPX_PY" -c '
import sys
import xml.etree.ElementTree as ET
T = dict(SCCRQ=1, SCCRP=2, SCCCN=3, StopCCN=4, HELLO=6, ICRQ=10, ICRP=11, ICCN=12, CDN=14)
m = []
for _, pkt in ET.iterparse(sys.stdin, events=("end",)):
    if pkt.tag != "packet":
        continue
    top = {}
    for f in pkt.iter("field"):
        top.setdefault(f.get("name"), f.get("show"))
    l2 = next(p for p in pkt.iter("proto") if p.get("name") == "l2tp")
    avps, hid = [], []
    for f in l2.findall("field"):
        kids = {k.get("name"): k.get("show") for k in f}
        if f.get("name") == "" and "l2tp.avp.hidden" in kids:
            t = int(f.get("value")[8:12], 16)
            avps.append(t)
            if kids["l2tp.avp.hidden"] == "1":
                hid.append(t)
    mt, rc = top.get("l2tp.avp.message_type"), top.get("l2tp.result_code")
    m.append(dict(n=int(top["frame.number"]), src=top.get("ip.src"), dst=top.get("ip.dst"),
                  tid=int(top["l2tp.tunnel"]), sid=int(top["l2tp.session"]),
                  ns=int(top["l2tp.Ns"]), nr=int(top["l2tp.Nr"]),
                  type=int(mt) if mt else None, result=int(rc) if rc else None,
                  avps=avps, hidden=hid))
    pkt.clear()
def acked(x):
    return any(y["n"] > x["n"] and y["src"] == x["dst"] and
               0 < (y["nr"] - x["ns"]) % 65536 < 32768 for y in m)
v = eval(sys.argv[1])
print(" ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)' "$2"
}
