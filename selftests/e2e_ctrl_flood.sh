#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An SCCRQ flood against l2tpxd as LNS, with an established tunnel and call that
# must ride it out; TAP output.
#
# An l2tpxd LAC (namespace lac) brings up one tunnel and call to the l2tpxd LNS (lns)
# and keeps it, HELLO every second both ways.  Then the namespace flood, owning
# E2E_FLOOD_ADDRS (default 8) documentation addresses, sends E2E_FLOOD_COUNT (default
# 20000) valid SCCRQs (flags 0xc802, tunnel 0, session 0, Ns 0, Nr 0; Message Type,
# Protocol Version, Host Name, Framing Capabilities, Assigned Tunnel ID, all mandatory)
# from random source ports and tunnel ids over E2E_FLOOD_SECONDS (default 5) through a
# raw socket.  The LNS runs with max_pending_tunnels 64, tunnel_rate 100000.  Checks:
#   - the crafted SCCRQ is valid: the LNS answers the first ones with SCCRP, tshark
#     decodes both without complaint, the LNS counts no parse error;
#   - the cap holds: tunnels being set up never exceed 64 (sampled during the flood),
#     sccrq_dropped_pending > 0, and the drop warning is rate-limited in the log;
#   - memory: l2tpxd's VmRSS grows by less than E2E_RSS_BOUND_KIB (default 4096 KiB)
#     from before the flood to after it;
#   - the flood leaves nothing behind: once the unanswered tunnels time out, only
#     the established tunnel remains and nothing is pending;
#   - the established tunnel and call survive: still established on both sides, the
#     LAC's HELLOs kept being acknowledged during the flood (its Ns advanced, no
#     tunnel failed), and a new tunnel can be dialled right after.
#
# Environment: E2E_FLOOD_COUNT, E2E_FLOOD_SECONDS, E2E_FLOOD_ADDRS,
# E2E_RSS_BOUND_KIB, CTRL_KEEP=DIR keeps logs and the capture, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/ctrl-lib.sh
. "$REPO/scripts/ctrl-lib.sh"

COUNT=${E2E_FLOOD_COUNT:-20000}
SECS=${E2E_FLOOD_SECONDS:-5}
NADDR=${E2E_FLOOD_ADDRS:-8}
RSS_BOUND=${E2E_RSS_BOUND_KIB:-4096}
MAX_PENDING=64

ctrl_init e2e-ctrl-flood
"$L2TPX_PY" -c 'import socket' || { echo "Bail out! no $L2TPX_PY"; exit 1; }
ctrl_topo "$NADDR" || { echo "Bail out! namespace setup failed"; exit 1; }
W=$CTRL_WORK

# Short retransmission so that the flood's unanswered tunnels give up within seconds
# (200 + 400 + 800 + 1000 ms), not the 31 s of the defaults.
ctrl_l2tpxd_conf lns <<EOF
hello_interval = 1
max_pending_tunnels = $MAX_PENDING
tunnel_rate = 100000
retransmit_initial_ms = 200
retransmit_cap_ms = 1000
retransmit_retries = 3
$CTRL_LNS_PPP
EOF
ctrl_l2tpxd_conf lac <<EOF
hello_interval = 1
lns = no
[lac up]
lns = $CTRL_LNS4
redial = no
EOF
if ! ctrl_l2tpxd lns lns || ! ctrl_l2tpxd lac lac; then
	echo "Bail out! l2tpxd did not start"
	tail -n 5 "$W"/*.log
	exit 1
fi
LNS_PID=$(ctrl_pid lns)
[ "$(cat "/proc/$LNS_PID/comm" 2>/dev/null)" = l2tpxd ] ||
	{ echo "Bail out! pid $LNS_PID is not l2tpxd"; exit 1; }

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$LNS_PID/status"; }

# up NAME: the LAC's first tunnel and its call, established, as daemon NAME sees them
# (the LNS lists the flood's tunnels too).
up() {
	[ "$(ctrl_q "$1" "[t['state'] for t in d if t['$2'] == $KEEP]" tunnel show)" = established ] &&
		[ "$(ctrl_q "$1" "[s['state'] for s in d if s['$2'] == $KEEP]" session show)" = established ]
}
up_lac() { up lac tunnel; }
up_lns() { up lns peer_tunnel; }
# field NAME KEY FIELD: FIELD of the kept tunnel as daemon NAME lists it.
field() { ctrl_q "$1" "[t['$3'] for t in d if t['$2'] == $KEEP]" tunnel show; }

KEEP=0
first_tunnel() { KEEP=$(ctrl_q lac 'd[0]["tunnel"] if d else ""' tunnel show) && [ -n "$KEEP" ]; }
wait_until 5 first_tunnel
wait_until 15 up_lac
wait_until 5 up_lns
if up_lac && up_lns; then
	tap_ok "before the flood: one tunnel and one call established on both sides"
else
	tap_not_ok "before the flood: one tunnel and one call established on both sides"
	tap_diag "$(ctrl_req lac tunnel show 2>&1)" "$(tail -n 5 "$W/lac.log")"
fi
sleep 2	# a couple of HELLOs, so the steady state is what we measure from

# The flood sender: valid SCCRQs over a raw socket, from random source ports of the
# given addresses, paced to COUNT in SECS.  Prints how many it sent.
cat >"$W/flood.py" <<'EOF'
import random, socket, struct, sys, time

srcs, dst, count, secs = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

def avp(typ, val):
    return struct.pack("!HHH", 0x8000 | (6 + len(val)), 0, typ) + val

def sccrq(tid):
    body = (avp(0, struct.pack("!H", 1)) + avp(2, b"\x01\x00") + avp(7, b"flood") +
            avp(3, struct.pack("!I", 3)) + avp(9, struct.pack("!H", tid)))
    return struct.pack("!HHHHHH", 0xc802, 12 + len(body), 0, 0, 0, 0) + body

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
d = socket.inet_aton(dst)
start, sent = time.monotonic(), 0
while sent < count:
    src = socket.inet_aton(random.choice(srcs))
    sport = random.randint(1024, 65535)
    pl = sccrq(random.randint(1, 65535))
    ulen = 8 + len(pl)
    u = struct.pack("!HHHH", sport, 1701, ulen, 0) + pl
    c = csum(src + d + struct.pack("!BBH", 0, 17, ulen) + u) or 0xffff
    u = u[:6] + struct.pack("!H", c) + u[8:]
    # IP header: the kernel fills in the total length, the id and the checksum.
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 64, 17, 0, src, d)
    try:
        s.sendto(ip + u, (dst, 0))
        sent += 1
    except (BlockingIOError, OSError):
        time.sleep(0.001)
        continue
    # Pace: never ahead of count/secs.
    ahead = sent / count * secs - (time.monotonic() - start)
    if ahead > 0.005:
        time.sleep(ahead)
print(sent, round(time.monotonic() - start, 2))
EOF

srcs=$(for ((i = 0; i < NADDR; i++)); do printf '%s%d,' "$CTRL_FLOOD_BASE" \
	$((CTRL_FLOOD_FIRST + i)); done)
srcs=${srcs%,}

# The kernel's UDP InErrors in the LNS's namespace (a full receive buffer, mostly):
# what never reached the daemon.
udp_drops() {
	# shellcheck disable=SC2016 # awk's fields
	nsx lns awk '/^Udp:/ && $2 ~ /^[0-9]/ { print $4 }' /proc/net/snmp
}
before_stats=$(ctrl_req lns -j stats daemon)
kdrop0=$(udp_drops)
lac_ns0=$(field lac tunnel ns) lns_ns0=$(field lns peer_tunnel ns)
rss0=$(rss)
cpu0=$(awk '{ print $14 + $15 }' "/proc/$LNS_PID/stat")
# The first packets of the flood and the answers, for tshark.
ctrl_bg cap-flood ip netns exec "$(ns_name lns)" tshark -q -n -i c-fld -c 400 \
	-w "$W/flood.pcapng" -f "udp port 1701" -a duration:60 >"$W/flood.pcapng.log" 2>&1
wait_until 10 grep -q "Capturing on" "$W/flood.pcapng.log"
sleep 0.3

ctrl_bg flood ip netns exec "$(ns_name flood)" timeout $((SECS + 30)) \
	"$L2TPX_PY" "$W/flood.py" "$srcs" "$CTRL_LNS_FLOOD4" "$COUNT" "$SECS" >"$W/flood.out" 2>&1
# Sample the pending count while the flood runs (bounded by the sender's timeout).
max_pend=0
while kill -0 "$(ctrl_pid flood)" 2>/dev/null; do
	p=$(ctrl_stat lns tunnels_pending)
	[ -n "$p" ] && [ "$p" -gt "$max_pend" ] && max_pend=$p
	sleep 0.2
done
ctrl_reap flood
read -r sent took <<<"$(cat "$W/flood.out")"

delta() {
	"$L2TPX_PY" -c 'import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(b[sys.argv[3]] - a[sys.argv[3]])' "$before_stats" "$st" "$1"
}
# settled: every SCCRQ sent has been dealt with, by the daemon or by the kernel.  Sets
# st, kdrop1, dropped_all and acc.
settled() {
	st=$(ctrl_req lns -j stats daemon) || return 1
	kdrop1=$(udp_drops)
	dropped_all=$(($(delta sccrq_dropped_pending) + $(delta sccrq_dropped_rate) +
		$(delta sccrq_refused_limit)))
	acc=$(($(delta tunnels_created) + dropped_all + kdrop1 - kdrop0))
	[ "$acc" -ge "${sent:-0}" ]
}
wait_until 10 settled	# the daemon may still be reading its socket's backlog
settled
rss1=$(rss)
cpu1=$(awk '{ print $14 + $15 }' "/proc/$LNS_PID/stat")
lac_ns1=$(field lac tunnel ns) lns_ns1=$(field lns peer_tunnel ns)
ctrl_cap_stop flood
tap_diag "flood: ${sent:-?} SCCRQs in ${took:-?} s from $NADDR addresses;" \
	"l2tpxd CPU during it: $(((cpu1 - cpu0) * 10)) ms; VmRSS ${rss0} -> ${rss1} KiB"

tap_diag "LNS stats: $st"

# ---- the SCCRQs were valid
created=$(delta tunnels_created)
n=$(ctrl_msgs_q "$W/flood.pcapng" "[sum(x['type'] == T['SCCRQ'] for x in m),
	sum(x['type'] == T['SCCRP'] for x in m)]")
if [ "${created:-0}" -gt 0 ] && [ "$(delta rx_parse_errors)" = 0 ] &&
	[ "$(echo "$n" | cut -d' ' -f2)" -gt 0 ] 2>/dev/null; then
	tap_ok "the flood's SCCRQs are valid: $created tunnels started, SCCRPs sent, no parse error"
	tap_diag "captured SCCRQs, SCCRPs: $n"
else
	tap_not_ok "the flood's SCCRQs are valid: tunnels started, SCCRPs sent, no parse error"
	tap_diag "created: '$created', parse errors: $(delta rx_parse_errors), captured SCCRQ SCCRP: '$n'"
fi
tap_check "the flood and the answers decode as L2TPv2, nothing malformed" \
	ctrl_pcap_check "$W/flood.pcapng"

# Every SCCRQ is accounted for: a tunnel started, a counted drop, or a drop in the
# kernel's socket buffer (none of the flood's SCCRQs is a retransmission).
tap_diag "SCCRQs: $(delta tunnels_created) started, $dropped_all counted drops," \
	"$((kdrop1 - kdrop0)) socket-buffer drops, ${sent:-?} sent"
tap_cmp "every SCCRQ accounted for: started, or a counted drop, or a socket-buffer drop" \
	"$acc" -eq "${sent:-0}"

# ---- the cap
tap_cmp "tunnels being set up never exceeded max_pending_tunnels $MAX_PENDING (max seen $max_pend)" \
	"$max_pend" -le "$MAX_PENDING"
dropped=$(delta sccrq_dropped_pending)
tap_cmp "sccrq_dropped_pending counts the SCCRQs over the cap ($dropped)" "${dropped:-0}" -gt 0
warns=$(grep -c "SCCRQ dropped:" "$W/lns.log")
tap_cmp "the drop warning is rate-limited: $warns log lines for $dropped drops" \
	"$warns" -le $((dropped / 1000 + 1))

# ---- memory
tap_cmp "VmRSS grew by less than $RSS_BOUND KiB during the flood ($((rss1 - rss0)) KiB)" \
	$((rss1 - rss0)) -lt "$RSS_BOUND"

# ---- the established tunnel rode it out
if up_lac && up_lns; then
	tap_ok "after the flood: the tunnel and the call are still established on both sides"
else
	tap_not_ok "after the flood: the tunnel and the call are still established on both sides"
	tap_diag "$(ctrl_req lac -j tunnel show 2>&1)" "$(ctrl_req lns -j session show 2>&1)"
fi
# HELLO every second of quiet from whichever side's timer fires first (each resets
# the other's), and only with nothing in flight: the HELLOs sent during the flood,
# both sides together, count the ones acknowledged.  At least one per two seconds.
adv=$(((lac_ns1 - lac_ns0 + 65536) % 65536 + (lns_ns1 - lns_ns0 + 65536) % 65536))
if [ "$adv" -ge $((${took%.*} / 2)) ] && [ "$adv" -ge 1 ] &&
	[ "$(ctrl_stat lac tunnels_failed)" = 0 ]; then
	tap_ok "HELLOs kept being acknowledged during the flood ($adv)"
	tap_diag "LAC Ns $lac_ns0 -> $lac_ns1, LNS Ns $lns_ns0 -> $lns_ns1"
else
	tap_not_ok "HELLOs kept being acknowledged during the flood"
	tap_diag "LAC Ns $lac_ns0 -> $lac_ns1, LNS Ns $lns_ns0 -> $lns_ns1, flood ${took:-?} s," \
		"LAC tunnels_failed $(ctrl_stat lac tunnels_failed)"
fi
tap_diag "kept tunnel's retransmissions: LAC $(field lac tunnel retransmissions)," \
	"LNS $(field lns peer_tunnel retransmissions)"

# ---- nothing left behind
drained() {
	[ "$(ctrl_q lns '[d["tunnels"], d["tunnels_pending"]]' stats daemon)" = "1 0" ]
}
t0=$SECONDS
wait_until 20 drained
n=$(ctrl_q lns '[d["tunnels"], d["tunnels_pending"]]' stats daemon)
tap_cmp "the flood's tunnels are gone after $((SECONDS - t0)) s: one tunnel left, none pending ($n)" \
	"$n" = "1 0"
rss2=$(rss)
tap_cmp "VmRSS after the flood drained stays within $RSS_BOUND KiB of before ($rss0 -> $rss2 KiB)" \
	$((rss2 - rss0)) -lt "$RSS_BOUND"

# ---- and the LNS still takes new tunnels
ctrl_req lac tunnel add "$CTRL_LNS4" >/dev/null
two_up() {
	[ "$(ctrl_q lac 'sum(t["state"] == "established" for t in d)' tunnel show)" = 2 ] &&
		[ "$(ctrl_q lns 'sum(s["state"] == "established" for s in d)' session show)" = 2 ]
}
wait_until 10 two_up
tap_check "a new tunnel and call come up right after the flood" two_up
tap_end
