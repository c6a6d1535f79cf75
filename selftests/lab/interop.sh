#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make interop`: l2tpxd against a real PPP peer.  ../shared/lab boots a
# Debian guest whose kernel has L2TP and PPP, running xl2tpd + pppd in
# kernel mode: (1) the guest's LAC dials l2tpxd's LNS with CHAP; (2)
# l2tpxd's client dials the guest's LNS.  PPP must open, addresses be
# assigned, pings pass, and on the l2tpxd LNS the data plane carry them.
# The guest image is built once (LAB, default /var/tmp/l2tp-lab) and reused.
set -u
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
lab_ready

last_run() { ls -td "$LAB"/runs/"$1"-* 2>/dev/null | head -1; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $1" "$2" 2>/dev/null; }

# 1. guest LAC (xl2tpd + kernel pppd) -> l2tpxd LNS with XDP on the tap
(cd "$LABDIR" && TIMEOUT=240 APPEND=lab.dial=60 ./boot.sh scenarios/guest-lac-to-host.sh \
	"$REPO/selftests/lab/hook-lns.sh") >/tmp/l2tpx-lab-1.log 2>&1
R=$(last_run guest-lac-to-host)
OUT=$R/share/out
check "guest LAC: the run finished (qemu and scenario)" test -e "$OUT/rc"
check "guest LAC: CHAP authenticated at l2tpxd" grep -q "user labuser: authenticated" "$R/l2tpxd-lns.log"
check "guest LAC: IPCP gave the guest an address from l2tpxd's pool" \
	grep -q "peer 203.0.113.1[0-9]" "$R/l2tpxd-lns.log"
check "guest LAC: the guest's ppp0 came up with it" grep -q "inet 203.0.113.1[0-9]" "$OUT/scenario.log"
check "guest LAC: the guest's pings to l2tpxd were answered" grep -q " 0% packet loss" "$OUT/scenario.log"
check "guest LAC: the session was in l2tpxd's data plane" grep -q "in the data plane" "$R/l2tpxd-lns.log"
check "guest LAC: XDP decapsulated the guest's packets" \
	jq_py "assert d['decap-local']['packets'] + d['decap-fwd']['packets'] >= 3" "$R/l2tpx-stats.json"
check "guest LAC: TC encapsulated l2tpxd's replies" \
	jq_py "assert d['tc-encap-fwd']['packets'] + d['encap-fwd']['packets'] >= 3" "$R/l2tpx-stats.json"
check "guest LAC: pppd's LCP echoes / control went to the daemon" \
	jq_py "assert d['ppp-control']['packets'] + d['no-session']['packets'] > 0" "$R/l2tpx-stats.json"

# 2. l2tpxd client -> guest LNS (xl2tpd + kernel pppd, CHAP required)
(cd "$LABDIR" && TIMEOUT=240 ./boot.sh scenarios/guest-lns-for-host.sh \
	"$REPO/selftests/lab/hook-lac.sh") >/tmp/l2tpx-lab-2.log 2>&1
R=$(last_run guest-lns-for-host)
check "guest LNS: l2tpxd's tunnel and call came up" grep -q "call established" "$R/l2tpxd-lac.log"
check "guest LNS: l2tpxd authenticated to pppd" grep -q "authenticated" "$R/l2tpxd-lac.log"
check "guest LNS: l2tpxd's client got an address from the guest's pool" \
	grep -q "inet 203.0.113.1[0-9]" "$R/l2tpx-lac-addr.txt"
check "guest LNS: pings over the PPP link passed" grep -q " 0% packet loss" "$R/l2tpx-lac-ping.txt"

lab_finish /tmp/l2tpx-lab-1.log /tmp/l2tpx-lab-2.log
