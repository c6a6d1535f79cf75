#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Decap spread over CPUs, end to end; TAP output.
#
# The LNS data plane is loaded with `spread-cpus 2` (all CPUs when fewer).  From
# cli, 16 sessions of one tunnel (one outer 5-tuple) send interleaved bursts of
# numbered UDP datagrams to srv through lns; the uplink hands each session's
# frames to the CPU the session hashes to (cpumap), where they are decapsulated and
# forwarded.  srv must receive every datagram, each session's in the order sent;
# lns must count every frame as cpu-spread and as decap-fwd, and with two CPUs
# the decap must have run on both.
#
# Environment: L2TPX_NS_PREFIX, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

NSESS=16
PER=200	# datagrams per session
PORT=5301
WORK=
RCV=

cleanup() {
	[ -n "$RCV" ] && kill "$RCV" 2>/dev/null
	netns_down
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { echo "Bail out! must run as root"; exit 1; }
for t in ethtool timeout bpftool; do
	command -v "$t" >/dev/null || { echo "Bail out! $t not installed (scripts/deps.sh)"; exit 1; }
done
"$L2TPX_PY" -c 'import scapy' 2>/dev/null || { echo "Bail out! python3-scapy missing"; exit 1; }
WORK=$(mktemp -d /tmp/l2tpx-e2e-spread.XXXXXX) || exit 1
NCPU=$(nproc)
SPREAD=$((NCPU < 2 ? NCPU : 2))

L2TPX_NS_NODP=1 netns_up || { echo "Bail out! topology setup failed"; exit 1; }
ns_xdp_noop srv "$NS_IF_SRV" || { echo "Bail out! xdp_noop on srv"; exit 1; }
# shellcheck disable=SC2016 # expanded by the inner shell
tap_check "lns: data plane loaded with spread-cpus $SPREAD, uplink and core attached" \
	nsbpf lns sh -ec '"$0" load spread-cpus "$1"; "$0" attach "$2" uplink; "$0" attach "$3" core' \
	"$L2TPXCTL" "$SPREAD" "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE"
for ((s = 1; s <= NSESS; s++)); do
	nsctl lns session add tunnel 300 session "$s" peer-tunnel 100 peer-session "$s" \
		local "$NS_LNS_UP4" peer "$NS_CLI_UP4" >/dev/null ||
		{ echo "Bail out! session add $s"; exit 1; }
done
tap_cmp "cpumap l2tpx_cpus has one entry per spread CPU" \
	"$(nsbpf lns bpftool -j map dump pinned /sys/fs/bpf/l2tpx/l2tpx_cpus 2>/dev/null |
		"$L2TPX_PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')" -eq "$SPREAD"

# The receiver: every datagram's payload "session seq", one line each.
nsx srv timeout 90 "$L2TPX_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 1 << 24)	# SO_RCVBUFFORCE: past rmem_max
s.bind((sys.argv[1], int(sys.argv[2])))
want, got = int(sys.argv[3]), []
s.settimeout(50)	# the sender builds its frames first
while len(got) < want:
    try:
        got.append(s.recv(2048).decode())
    except socket.timeout:
        break
    s.settimeout(5)
open(sys.argv[4], "w").write("".join(g + "\n" for g in got))
' "$NS_SRV4" "$PORT" $((NSESS * PER)) "$WORK/got" &
RCV=$!
sleep 0.5

# The sender: bursts of 8 datagrams per session, sessions interleaved; scapy
# builds every frame first, then one packet socket sends them, 64 at a time.
nsx cli timeout 90 "$L2TPX_PY" -c '
import sys, time
from scapy.all import Ether, IP, UDP, Raw, conf
from scapy.layers.l2tp import L2TP
from scapy.layers.ppp import HDLC, PPP
ifc, smac, dmac, src, dst, isrc, idst, port, n, per = sys.argv[1:11]
n, per, port = int(n), int(per), int(port)
sock = conf.L2socket(iface=ifc)
frames = []
for base in range(0, per, 8):
    for s in range(1, n + 1):
        for q in range(base, min(base + 8, per)):
            inner = IP(src=isrc, dst=idst, ttl=64) / UDP(sport=40000 + s, dport=port) / Raw(b"%d %d" % (s, q))
            frames.append(bytes(Ether(src=smac, dst=dmac) / IP(src=src, dst=dst) /
                                UDP(sport=1701, dport=1701, chksum=0) /
                                L2TP(tunnel_id=300, session_id=s) / b"\xff\x03\x00\x21" / inner))
for i, f in enumerate(frames):
    sock.send(f)
    if i % 64 == 63:
        time.sleep(0.002)	# veth rings hold 256 frames: no loss on a busy host
' "$NS_IF_CLI_UP" "$(ns_mac cli "$NS_IF_CLI_UP")" "$(ns_mac lns "$NS_IF_LNS_UP")" \
	"$NS_CLI_UP4" "$NS_LNS_UP4" "$NS_SUB4" "$NS_SRV4" "$PORT" "$NSESS" "$PER" 2>"$WORK/send.err"
rc=$?
tap_cmp "sender sent $((NSESS * PER)) L2TP data frames" "$rc" -eq 0
[ "$rc" -eq 0 ] || tap_diag "$(tail -n 5 "$WORK/send.err")"
wait "$RCV"
RCV=

verdict=$("$L2TPX_PY" -c '
import sys
n, per = int(sys.argv[2]), int(sys.argv[3])
last, got, bad = {}, 0, []
for line in open(sys.argv[1]):
    s, q = map(int, line.split())
    got += 1
    if q <= last.get(s, -1):
        bad.append("session %d: %d after %d" % (s, q, last[s]))
    last[s] = q
print(got, len(bad), "; ".join(bad[:5]))' "$WORK/got" "$NSESS" "$PER")
read -r got nbad why <<<"$verdict"
tap_cmp "srv received every datagram ($((NSESS * PER)))" "$got" -eq $((NSESS * PER))
[ "$got" = $((NSESS * PER)) ] || tap_diag "srv: $(nsx srv grep Udp: /proc/net/snmp | tail -n 1)" \
	"srv: $(nsip srv -s link show dev "$NS_IF_SRV" | tr -s ' ' | tr '\n' ' ')"
tap_cmp "every session's datagrams arrived in the order sent${why:+ ($why)}" "$nbad" -eq 0

stat() { ns_stat lns "$1"; }
tap_cmp "lns: every frame handed to its CPU (cpu-spread)" "$(stat cpu-spread)" -eq $((NSESS * PER))
tap_cmp "lns: every frame decapsulated and forwarded there (decap-fwd)" "$(stat decap-fwd)" -eq $((NSESS * PER))

# decap-fwd per CPU: with two CPUs the sessions' hash must have used both.
percpu=$(nsbpf lns bpftool -j map lookup pinned /sys/fs/bpf/l2tpx/l2tpx_reasons key 0 0 0 0 2>/dev/null |
	"$L2TPX_PY" -c '
import json, sys
d = json.load(sys.stdin)
vals = d.get("values") or d.get("formatted", {}).get("values", [])
out = []
for v in vals:
    val = v.get("value")
    if isinstance(val, dict):
        out.append(int(val.get("packets", 0)))
    else:
        out.append(int.from_bytes(bytes(int(x, 16) for x in val[:8]), "little"))
print(" ".join(map(str, out)))')
busy=0
for c in $percpu; do [ "$c" -gt 0 ] && busy=$((busy + 1)); done
if [ "$SPREAD" -ge 2 ]; then
	tap_cmp "decap ran on $SPREAD CPUs (decap-fwd per CPU: $percpu)" "$busy" -eq "$SPREAD"
else
	tap_cmp "decap ran on the one CPU there is (decap-fwd per CPU: $percpu)" "$busy" -eq 1
fi

tap_end
