#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The L2TPv2 control connection over a lossy link: 20% random loss of L2TP control
# messages each way (iptables u32 on the T bit and statistic, in the lac namespace,
# INPUT and OUTPUT; this kernel has no netem), short retransmission timers in l2tpxd;
# TAP output.
#
# Part 1, l2tpxd LAC -> l2tpxd LNS, E2E_TUNNELS (default 16) tunnels dialled at once
# with `l2tpxctl tunnel add`, one call each:
#   - the loss was real (both rules dropped packets) and retransmissions happened;
#   - every tunnel and every call comes up on both sides, with matching ids;
#   - nothing is processed twice: the LNS created exactly one tunnel per SCCRQ
#     sequence and one call per ICRQ (stats and logs), although retransmitted
#     messages reached it and it counted them as duplicates;
#   - HELLO keeps every tunnel up for a few seconds of loss: no tunnel fails;
#   - the LAC clears every tunnel: each StopCCN gets through and is processed once
#     ("peer cleared the tunnel" once per tunnel), and no tunnel times out;
#   - every UDP/1701 packet on the link decodes as L2TPv2, nothing malformed.
# Part 2, l2tpxd LAC -> xl2tpd LNS (xl2tpd's own timers), E2E_XL_TUNNELS (default 8):
#   - every tunnel and call comes up on both sides (l2tpxd stats, xl2tpd's log), each
#     created once; xl2tpd's CDNs (its pppd cannot run here) are each processed once;
#   - l2tpxd clears the tunnels and xl2tpd logs each closed once;
#   - the capture decodes as L2TPv2, nothing malformed.
#
# Environment: E2E_TUNNELS, E2E_XL_TUNNELS, E2E_LOSS (default 0.2), CTRL_KEEP=DIR
# keeps logs and captures, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/ctrl-lib.sh
. "$REPO/scripts/ctrl-lib.sh"

N=${E2E_TUNNELS:-16}
NX=${E2E_XL_TUNNELS:-8}
LOSS=${E2E_LOSS:-0.2}

ctrl_init e2e-ctrl-loss
ctrl_topo 0 || { echo "Bail out! namespace setup failed"; exit 1; }
W=$CTRL_WORK

TIMERS="retransmit_initial_ms = 200
retransmit_cap_ms = 1000
retransmit_retries = 8
hello_interval = 1"

# loss_on: control messages only (T bit set: the first byte of the UDP payload has
# 0x80), so PPP, which runs over data messages and has its own timers, is not what
# is measured.
loss_on() {
	local c
	for c in INPUT OUTPUT; do
		nsx lac iptables -A "$c" -p udp --dport 1701 \
			-m u32 --u32 "0>>22&0x3C@8>>24&0x80=0x80" \
			-m statistic --mode random --probability "$LOSS" -j DROP || return 1
	done
}

# dropped CHAIN: packets the loss rule of CHAIN dropped so far.
dropped() {
	nsx lac iptables -L "$1" -v -x -n | awk '/statistic/ { print $1; exit }'
}

# count NAME ERE: matching lines in a daemon's log.
count() { grep -Ec -- "$2" "$W/$1.log"; }

# established NAME KIND: tunnels or calls of daemon NAME in state established.
established() {
	if [ "$2" = tunnels ]; then
		ctrl_q "$1" 'sum(t["state"] == "established" for t in d)' tunnel show
	else
		ctrl_q "$1" 'sum(s["state"] == "established" for s in d)' session show
	fi
}

all_up() {
	local n=$1
	shift
	for d in "$@"; do
		[ "$(established "$d" tunnels)" = "$n" ] && [ "$(established "$d" calls)" = "$n" ] ||
			return 1
	done
}

# dial N: N tunnels from the LAC to the LNS at once.
dial() {
	local i
	for ((i = 0; i < $1; i++)); do
		ctrl_req lac tunnel add "$CTRL_LNS4" >/dev/null || return 1
	done
}

# clear_all: `tunnel del` every tunnel of the LAC.
clear_all() {
	local t
	for t in $(ctrl_q lac '[t["tunnel"] for t in d]' tunnel show); do
		ctrl_req lac tunnel del "$t" >/dev/null
	done
}

# wire_rtx FILE: control messages (not ZLBs) that crossed the link more than once.
wire_rtx() {
	ctrl_msgs_q "$1" "(lambda c: sum(v - 1 for v in c.values()))(__import__('collections')
		.Counter((x['src'], x['tid'], x['ns']) for x in m if x['type'] is not None))"
}

# ---------------------------------------------------------------- part 1
# tunnel_rate: all the SCCRQs come from one address within a second; the rate limit
# is not what this test is about.
printf '%s\nlisten = %s\ntunnel_rate = 1000\n%s\n' "$TIMERS" "$CTRL_LNS4" "$CTRL_LNS_PPP" |
	ctrl_l2tpxd_conf lns
printf '%s\nlns = no\n' "$TIMERS" | ctrl_l2tpxd_conf lac
if ! ctrl_l2tpxd lns lns || ! ctrl_l2tpxd lac lac; then
	echo "Bail out! l2tpxd did not start"
	tail -n 5 "$W"/*.log
	exit 1
fi
loss_on || { echo "Bail out! iptables loss rules failed"; exit 1; }
ctrl_cap_start lns c-lac part1 || { echo "Bail out! tshark did not start"; exit 1; }
t0=$SECONDS
dial "$N" || tap_diag "tunnel add failed"
wait_until 60 all_up "$N" lac lns
tap_diag "part 1: setup took $((SECONDS - t0)) s"
sleep 3	# HELLOs and their acknowledgements under loss

for d in lac lns; do
	tap_cmp "l2tpxd<->l2tpxd: $d has all $N tunnels established" \
		"$(established $d tunnels)" -eq "$N"
	tap_cmp "l2tpxd<->l2tpxd: $d has all $N calls established" \
		"$(established $d calls)" -eq "$N"
done
# Each LAC call has its mirror on the LNS: the same four ids, seen from each side.
ids_lac=$(ctrl_q lac 'sorted("%d/%d/%d/%d" % (s["tunnel"], s["session"], s["peer_tunnel"],
	s["peer_session"]) for s in d if s["state"] == "established")' session show)
ids_lns=$(ctrl_q lns 'sorted("%d/%d/%d/%d" % (s["peer_tunnel"], s["peer_session"],
	s["tunnel"], s["session"]) for s in d if s["state"] == "established")' session show)
if [ -n "$ids_lac" ] && [ "$ids_lac" = "$ids_lns" ]; then
	tap_ok "l2tpxd<->l2tpxd: both sides agree on every call's tunnel and session ids"
else
	tap_not_ok "l2tpxd<->l2tpxd: both sides agree on every call's tunnel and session ids"
	tap_diag "lac: $ids_lac" "lns (mirrored): $ids_lns"
fi
st=$(ctrl_q lns '[d[k] for k in ("tunnels_created", "sessions_created",
	"tunnels_established", "sessions_established", "tunnels_failed")]' stats daemon)
# created, created, established, established, failed
tap_cmp "l2tpxd<->l2tpxd: LNS created $N tunnels and $N calls, each once, none failed ($st)" \
	"$(echo "$st" | tr ' ' /)" = "$N/$N/$N/$N/0"
n="$(count lns 'SCCRQ from host') $(count lns 'ICRQ \(call serial')"
tap_cmp "l2tpxd<->l2tpxd: LNS log has one SCCRQ and one ICRQ per tunnel ($n)" "$n" = "$N $N"
st=$(ctrl_q lac '[d[k] for k in ("tunnels_created", "sessions_created",
	"tunnels_established", "sessions_established", "tunnels_failed")]' stats daemon)
tap_cmp "l2tpxd<->l2tpxd: LAC created $N tunnels and $N calls, each once, none failed ($st)" \
	"$(echo "$st" | tr ' ' /)" = "$N/$N/$N/$N/0"
rtx_lac=$(ctrl_q lac 'sum(t["retransmissions"] for t in d)' tunnel show)
rtx_lns=$(ctrl_q lns 'sum(t["retransmissions"] for t in d)' tunnel show)
dup_lac=$(ctrl_q lac 'sum(t["duplicates"] for t in d)' tunnel show)
dup_lns=$(ctrl_q lns 'sum(t["duplicates"] for t in d)' tunnel show)
drop_in=$(dropped INPUT)
drop_out=$(dropped OUTPUT)
tap_diag "dropped: into lac $drop_in, out of lac $drop_out;" \
	"retransmissions: lac $rtx_lac, lns $rtx_lns; duplicates: lac $dup_lac, lns $dup_lns"
if [ "${drop_in:-0}" -gt 0 ] && [ "${drop_out:-0}" -gt 0 ] &&
	[ "$((rtx_lac + rtx_lns))" -gt 0 ]; then
	tap_ok "l2tpxd<->l2tpxd: the loss was real and l2tpxd retransmitted"
else
	tap_not_ok "l2tpxd<->l2tpxd: the loss was real and l2tpxd retransmitted"
fi
tap_cmp "l2tpxd<->l2tpxd: duplicates were detected (lac $dup_lac, lns $dup_lns) and not processed again" \
	"$((dup_lac + dup_lns))" -gt 0

# ---- teardown under loss
clear_all
lns_cleared() { [ "$(count lns 'peer cleared the tunnel')" -ge "$N" ]; }
t0=$SECONDS
wait_until 30 lns_cleared
tap_diag "part 1: teardown took $((SECONDS - t0)) s"
sleep 2	# a retransmitted StopCCN that would be processed twice
tap_cmp "l2tpxd<->l2tpxd: every StopCCN processed once by the LNS" \
	"$(count lns 'peer cleared the tunnel')" -eq "$N"
n="$(count lac 'peer stopped acknowledging') $(count lns 'peer stopped acknowledging')"
tap_cmp "l2tpxd<->l2tpxd: no tunnel timed out on either side (lac, lns: $n)" "$n" = "0 0"
ctrl_cap_stop part1
n=$(wire_rtx "$W/part1.pcapng")
tap_diag "control messages that crossed the link more than once: $n"
tap_check "l2tpxd<->l2tpxd: capture decodes as L2TPv2, nothing malformed" \
	ctrl_pcap_check "$W/part1.pcapng"
ctrl_stop lac
ctrl_stop lns

# ---------------------------------------------------------------- part 2
echo noauth >"$W/ppp.opts"
cat >"$W/xl.conf" <<EOF
[global]
port = 1701
max retries = 10
[lns default]
ip range = 198.51.100.100-198.51.100.150
local ip = 198.51.100.1
require authentication = no
pppoptfile = $W/ppp.opts
EOF
mv "$W/lac.log" "$W/lac-part1.log"
if ! ctrl_xl2tpd lns xl || ! ctrl_l2tpxd lac lac; then
	echo "Bail out! xl2tpd or l2tpxd did not start"
	tail -n 5 "$W"/*.log
	exit 1
fi
ctrl_cap_start lns c-lac part2 || { echo "Bail out! tshark did not start"; exit 1; }
t0=$SECONDS
dial "$NX" || tap_diag "tunnel add failed"
xl_done() {
	[ "$(grep -c "Call established with $CTRL_LAC4" "$W/xl.log")" -ge "$NX" ] &&
		[ "$(count lac 'peer cleared the call')" -ge "$NX" ]
}
wait_until 90 xl_done
tap_diag "part 2: setup took $((SECONDS - t0)) s"
sleep 2	# anything processed twice would show now

st=$(ctrl_q lac '[d[k] for k in ("tunnels_created", "sessions_created",
	"tunnels_established", "sessions_established", "tunnels_failed")]' stats daemon)
tap_cmp "l2tpxd->xl2tpd: l2tpxd created and established $NX tunnels and $NX calls ($st)" \
	"$(echo "$st" | tr ' ' /)" = "$NX/$NX/$NX/$NX/0"
tap_cmp "l2tpxd->xl2tpd: $NX tunnels established, still up" "$(established lac tunnels)" -eq "$NX"
n="$(grep -c "Connection established to $CTRL_LAC4" "$W/xl.log")"
n="$n $(grep -c "Call established with $CTRL_LAC4" "$W/xl.log")"
tap_cmp "l2tpxd->xl2tpd: xl2tpd logs $NX connections and $NX calls established ($n)" \
	"$n" = "$NX $NX"
tap_cmp "l2tpxd->xl2tpd: each of xl2tpd's CDNs processed once" \
	"$(count lac 'peer cleared the call')" -eq "$NX"
rtx_lac=$(ctrl_q lac 'sum(t["retransmissions"] for t in d)' tunnel show)
dup_lac=$(ctrl_q lac 'sum(t["duplicates"] for t in d)' tunnel show)
tap_diag "l2tpxd: retransmissions $rtx_lac, duplicates $dup_lac;" \
	"dropped: into lac $(dropped INPUT), out of lac $(dropped OUTPUT) (both parts)"

clear_all
xl_closed() {
	[ "$(grep -c "Connection closed to $CTRL_LAC4, port 1701 (cleared by the operator)" \
		"$W/xl.log")" -ge "$NX" ]
}
t0=$SECONDS
wait_until 40 xl_closed
tap_diag "part 2: teardown took $((SECONDS - t0)) s"
sleep 1
n=$(grep -c "Connection closed to $CTRL_LAC4, port 1701 (cleared by the operator)" "$W/xl.log")
tap_cmp "l2tpxd->xl2tpd: xl2tpd closed each of the $NX tunnels on l2tpxd's StopCCN" "$n" -eq "$NX"
tap_cmp "l2tpxd->xl2tpd: no tunnel timed out in l2tpxd" \
	"$(count lac 'peer stopped acknowledging')" -eq 0
ctrl_cap_stop part2
tap_diag "control messages that crossed the link more than once: $(wire_rtx "$W/part2.pcapng")"
tap_check "l2tpxd->xl2tpd: capture decodes as L2TPv2, nothing malformed" \
	ctrl_pcap_check "$W/part2.pcapng"
ctrl_stop lac
ctrl_stop xl
tap_end
