#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make interop-accel`: l2tpxd --accel beside xl2tpd + pppd (kernel mode) in
# the lab guest (../shared/lab, kernel 6.1 with L2TP and PPP).  The image
# gets l2tpx's runtime libraries from guest-debs.sh (cached .debs, installed
# into the run's throw-away overlay); the host's l2tpxd client dials in.
# Checked: the session is learned and fast-pathed (XDP decap on eth0, TC
# encap on ppp0), traffic passes both ways through it, pppd's 1 s LCP echoes
# keep being answered, a restart rebuilds the entry from the kernel, the
# entry leaves when the call ends; and ping -f through kernel pppol2tp vs
# through the fast path is measured (figures in docs/ACCEL.md).
set -u
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
finish() { lab_finish /tmp/l2tpx-lab-accel.log; }
lab_ready
DEBS=$("$REPO/selftests/lab/guest-debs.sh") || { nok "l2tpx's runtime .debs fetched for the guest"; finish; }
ok "l2tpx's runtime .debs fetched for the guest ($DEBS)"

(cd "$LABDIR" && TIMEOUT=${TIMEOUT:-420} \
	EXTRA_FILES="$(echo "$DEBS"/*.deb) $REPO/build/l2tpxd $REPO/build/l2tpxctl $REPO/build/bpf/xdp_noop.bpf.o" \
	./boot.sh "$REPO/selftests/lab/guest-accel.sh" "$REPO/selftests/lab/hook-accel.sh") \
	>/tmp/l2tpx-lab-accel.log 2>&1
R=$(ls -td "$LAB"/runs/guest-accel-* 2>/dev/null | head -1)
OUT=$R/share/out
fact() { sed -n "s/^$1=//p" "$OUT/accel.txt" 2>/dev/null | tail -1; }
is() { [ "$(fact "$1")" = "$2" ]; }
ge() { local v; v=$(fact "$1"); [ -n "$v" ] && [ "$v" -ge "$2" ]; }
# jq_py FILE EXPR: EXPR over d (the JSON) must hold.
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s=d.get('sessions',d) if isinstance(d,dict) else d; $2" "$1" 2>/dev/null; }

check "the run finished (qemu and scenario)" test -e "$OUT/rc"
check "the runtime libraries installed in the guest" is dpkg_rc 0
check "l2tpxd runs in the guest" is l2tpxd_runs 0
check "the server netns behind the LNS has xdp_noop on its veth" is srv_xdp_noop 0
check "xl2tpd + pppd brought ppp0 up with the client's address" \
	grep -q '^ppp_peer=203\.0\.113\.' "$OUT/accel.txt"
check "accel learned the kernel session and put it in the fast path" is learned 0
check "accel show: tunnel/session ids, ppp0, outer endpoints from the kernel" \
	jq_py "$OUT/accel-learned.json" "e=s[0]; assert e['ifname']=='ppp0' and e['path']=='fast' and e['peer']=='192.0.2.1' and e['local']=='192.0.2.2' and e['peer_port']==1701 and e['local_port']==1701 and e['tunnel']>0 and e['session']>0 and any(a.startswith('203.0.113.') for a in e['addresses'])"
check "host -> guest pings over the session: no loss" grep -q " 0% packet loss" "$OUT/ping-from-host.txt"
check "guest -> host pings over the session: no loss" grep -q " 0% packet loss" "$OUT/ping-from-guest.txt"
check "XDP decapsulated them (fast rx >= 40: 20 requests + 20 replies)" \
	jq_py "$OUT/accel-traffic.json" "assert s[0]['fast_rx_packets'] >= 40"
check "TC on ppp0 encapsulated them (fast tx >= 40)" \
	jq_py "$OUT/accel-traffic.json" "assert s[0]['fast_tx_packets'] >= 40"
check "fast-pathed packets bypassed ppp0 (its rx counter grew by < 10 for 40 packets)" \
	bash -c "v=\$(sed -n 's/^ppp0_rx_during_fast=//p' '$OUT/accel.txt'); [ -n \"\$v\" ] && [ \"\$v\" -lt 10 ]"
check "PPP control was punted to the kernel (ppp-control counted)" \
	jq_py "$OUT/stats-traffic.json" "assert d['ppp-control']['packets'] > 0"
check "pppd's 1 s LCP echoes answered with XDP attached (>= 9 replies in 12 s)" ge echoreps_in_12s 9
check "pppd (lcp-echo-failure 3) still up after 12 s" is pppd_alive 0
check "ppp0 still up after 12 s" is ppp0_alive 0
check "while l2tpxd was down the data plane kept the entry" \
	jq_py "$OUT/session-while-down.json" "assert len(s) == 1"
check "the entry was deleted by hand while l2tpxd was down" \
	jq_py "$OUT/session-after-del.json" "assert len(s) == 0"
check "l2tpxd --accel restarted rebuilt it from the kernel" is rebuilt 0
check "the rebuilt entry is in the data plane" jq_py "$OUT/session-rebuilt.json" "assert len(s) == 1"
check "pings after the restart pass" grep -q " 0% packet loss" "$OUT/ping-after-restart.txt"
check "bench: ping -f through kernel pppol2tp lost nothing" grep -q " 0% packet loss" "$OUT/bench-kernel.txt"
check "bench: ping -f through the fast path lost nothing" grep -q " 0% packet loss" "$OUT/bench-fast.txt"
check "bench: the kernel path went through ppp0 (rx grew by the count)" ge bench_kernel_ppp0_rx 2000
check "bench: the fast path bypassed ppp0 (rx grew by < 20 during 2000)" \
	bash -c "v=\$(sed -n 's/^bench_fast_ppp0_rx=//p' '$OUT/accel.txt'); [ -n \"\$v\" ] && [ \"\$v\" -lt 20 ]"
check "bench: forwarded ping -f to the server behind the LNS, kernel path, no loss" \
	grep -q " 0% packet loss" "$OUT/bench-kernel-fwd.txt"
check "bench: forwarded ping -f, fast path, no loss" grep -q " 0% packet loss" "$OUT/bench-fast-fwd.txt"
check "bench: forwarded traffic went XDP both ways (decap-fwd and encap-fwd >= 1000 more)" \
	/usr/bin/python3 -c "import json; a=json.load(open('$OUT/stats-bench-local.json')); b=json.load(open('$OUT/stats-bench.json')); d=lambda k: b[k]['packets']-a[k]['packets']; assert d('decap-fwd') >= 1000 and d('encap-fwd') >= 1000, (d('decap-fwd'), d('encap-fwd'))"
check "bench: the fast path carried the flood (fast rx >= 2000)" \
	jq_py "$OUT/accel-bench.json" "assert s[0]['fast_rx_packets'] >= 2000 and s[0]['fast_tx_packets'] >= 2000"
check "after the call ended accel show lists no session" \
	jq_py "$OUT/accel-after-hangup.json" "assert len(s) == 0"
check "after the call ended the data plane holds no session" \
	jq_py "$OUT/session-after-hangup.json" "assert len(s) == 0"
rate() { sed -n 's/.*transmitted, \([0-9]*\) received.*time \([0-9]*\)ms.*/\1 \2/p' "$1" | awk '$2 > 0 { printf "%d", $1 * 1000 / $2 }'; }
echo "# ping -f -c 2000 round trips/s, kernel pppol2tp vs l2tpx fast path (run $R):"
echo "#   to the LNS itself:     $(rate "$OUT/bench-kernel.txt") vs $(rate "$OUT/bench-fast.txt")"
echo "#   forwarded to a server: $(rate "$OUT/bench-kernel-fwd.txt") vs $(rate "$OUT/bench-fast-fwd.txt")"
check "bench: five alternating throughput rounds per path and target" \
	test "$(grep -c 'received=' "$OUT/bench.txt" 2>/dev/null)" -eq 20
/usr/bin/python3 - "$OUT/bench.txt" <<'EOP' 2>/dev/null | sed 's/^/# /'
import re, statistics, sys
r = {}
for l in open(sys.argv[1]):
    d = dict(kv.split('=') for kv in l.split())
    r.setdefault((d['to'], d['path']), []).append(int(d['pps']))
print("ping -f -l 16, received/s, median of 5 (all):")
for to in ('203.0.113.1', '198.51.100.2'):
    k, f = r.get((to, 'kernel'), [0]), r.get((to, 'fast'), [0])
    mk, mf = statistics.median(k), statistics.median(f)
    print("  %-13s kernel %6d %-20s fast %6d %-20s fast/kernel %.2f" %
          (to, mk, k, mf, f, mf / mk if mk else 0))
EOP
finish
