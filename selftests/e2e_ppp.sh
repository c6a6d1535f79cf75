#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PPP end to end: an l2tpxd client dials an l2tpxd LNS whose uplink and core
# carry the XDP data plane, authenticates with PAP, CHAP-MD5 and MS-CHAPv2
# in turn, gets an address from the pool, and reaches a server behind the
# LNS: ping and a TCP transfer both ways, counters showing that XDP carried
# the bulk; a wrong password is refused (auth failure, CDN, no address).
# Namespaces: cli (192.0.2.1) -- lns (192.0.2.2 | 203.0.113.1) -- srv (203.0.113.2)
set -u
. "$(dirname "$0")/../scripts/ppp-lib.sh"
ppp_topo

printf 'alice\tlns\t"wonder land"\t*\n# comment\nbob * "builder" 198.51.100.99\n' >"$T/chap-secrets"
printf 'alice\tlns\t"wonder land"\t*\n' >"$T/pap-secrets"
chmod 600 "$T/chap-secrets" "$T/pap-secrets"

start_lns() {	# auth [slow: no data plane]
	local dpconf="uplink = l0
core = l1"
	[ "${2:-}" = slow ] && dpconf=""
	cat >"$T/lns.conf" <<EOC
[global]
listen = 192.0.2.2
hostname = lns
ctl_socket = $T/lns.sock
ip_range = 198.51.100.10-198.51.100.250
local_ip = 198.51.100.1
dns1 = 203.0.113.53
auth = $1
auth_name = lns
chap_secrets = $T/chap-secrets
pap_secrets = $T/pap-secrets
$dpconf
subscriber_dev = l2tpx0
lcp_echo_interval = 2
ipv6_pool = 2001:db8:100::/48
EOC
	# ip netns exec execs the daemon: $! is the daemon itself.
	ip netns exec "${P}lns" "$B/l2tpxd" -d -v -p "$PIN" -c "$T/lns.conf" >"$T/lns-$1.log" 2>&1 &
	PIDS="$PIDS $!"
	LNS_PID=$!
	for _ in $(seq 50); do [ -S "$T/lns.sock" ] && break; sleep 0.1; done
}

xfer() {	# direction: up (cli->srv) or down (srv->cli); 1 MiB, compared; SRV=address
	head -c 1048576 /dev/urandom >"$T/data"
	local want got
	want=$(sha256sum <"$T/data" | cut -d' ' -f1)
	local srv
	rm -f "$T/got"
	if [ "$1" = up ]; then
		nsx srv timeout 20 socat -u "TCP${SRV:+6}-LISTEN:5001,reuseaddr" OPEN:"$T/got",creat,trunc &
		srv=$!
		sleep 0.3
		nsx cli timeout 20 socat -u OPEN:"$T/data" "TCP:${SRV:-203.0.113.2}:5001"
	else
		nsx srv timeout 20 socat -u OPEN:"$T/data" "TCP${SRV:+6}-LISTEN:5001,reuseaddr" &
		srv=$!
		sleep 0.3
		nsx cli timeout 20 socat -u "TCP:${SRV:-203.0.113.2}:5001" OPEN:"$T/got",creat,trunc
	fi
	wait "$srv" 2>/dev/null
	[ -f "$T/got" ] || return 1
	got=$(sha256sum <"$T/got" | cut -d' ' -f1)
	[ "$want" = "$got" ]
}

xfer6() { SRV="[2001:db8:203::2]" xfer "$1"; }

for auth in pap chap mschapv2; do
	start_lns "$auth"
	if [ "$auth" = chap ]; then
		# tshark as an independent decoder of the PPP negotiation on the
		# uplink (frames XDP redirects do not reach a packet socket; what
		# it passes up does: every PPP control frame).
		nsx lns timeout 25 tshark -q -i l0 -f "udp port 1701" -w "$T/ppp.pcap" >/dev/null 2>&1 &
		TSHARK=$!
		for _ in $(seq 50); do [ -s "$T/ppp.pcap" ] && break; sleep 0.1; done
	fi
	start_cli alice "wonder land"
	check "$auth: client authenticated and got an address from the pool" wait_addr
	addr=$(cli_addr)
	check "$auth: the address is the pool's first ($addr)" test "${addr%/*}" = 198.51.100.10
	check "$auth: LNS logged the user" grep -q "user alice: authenticated" "$T/lns-$auth.log"
	check "$auth: the session entered the data plane" grep -q "in the data plane" "$T/lns-$auth.log"
	nsx cli ip route add 203.0.113.0/24 dev ppp0 2>/dev/null
	d0=$(stat decap-fwd); e0=$(stat encap-fwd)
	check "$auth: ping cli -> srv" nsx cli ping -c 5 -i 0.2 -W 1 203.0.113.2
	check "$auth: ping srv -> cli" nsx srv ping -c 5 -i 0.2 -W 1 "${addr%/*}"
	check "$auth: TCP cli -> srv, 1 MiB intact" xfer up
	check "$auth: TCP srv -> cli, 1 MiB intact" xfer down
	d1=$(stat decap-fwd); e1=$(stat encap-fwd)
	# 1 MiB each way is ~750 full segments plus acks: XDP must have carried them.
	check "$auth: XDP decapsulated the bulk ($((d1 - d0)) packets)" test $((d1 - d0)) -ge 700
	check "$auth: XDP encapsulated the bulk ($((e1 - e0)) packets)" test $((e1 - e0)) -ge 700
	check "$auth: spoofed sources counted as none" test "$(stat spoofed)" -eq 0
	if [ "$auth" = chap ]; then
		kill "$TSHARK" 2>/dev/null
		wait "$TSHARK" 2>/dev/null
		dec() { tshark -r "$T/ppp.pcap" -d udp.port==1701,l2tp "$@" 2>/dev/null; }
		protos=$(dec -Y ppp -T fields -e ppp.protocol | sort -u | tr '\n' ' ')
		check "tshark decodes LCP, CHAP, IPCP and IPv6CP frames ($protos)" \
			bash -c "for p in 0xc021 0xc223 0x8021 0x8057; do echo '$protos' | grep -q \$p || exit 1; done"
		bad=$(dec -Y '_ws.malformed || _ws.expert.severity >= error' | wc -l)
		check "tshark flags no PPP or L2TP frame as malformed ($bad)" test "$bad" -eq 0
	fi
	# IPv6: a /64 from the pool announced by router advertisement, SLAAC
	# on the client, then the same traffic over IPv6.
	check "$auth: client got an IPv6 address by SLAAC from the delegated /64" wait_addr6
	a6=$(cli_addr6)
	check "$auth: it is in 2001:db8:100::/48 ($a6)" test "${a6#2001:db8:100:}" != "$a6"
	d0=$(stat decap-fwd); e0=$(stat encap-fwd)
	check "$auth: ping6 cli -> srv" nsx cli ping -6 -c 5 -i 0.2 -W 1 2001:db8:203::2
	check "$auth: ping6 srv -> cli" nsx srv ping -6 -c 5 -i 0.2 -W 1 "${a6%/*}"
	check "$auth: TCP over IPv6 cli -> srv, 1 MiB intact" xfer6 up
	check "$auth: TCP over IPv6 srv -> cli, 1 MiB intact" xfer6 down
	d1=$(stat decap-fwd); e1=$(stat encap-fwd)
	check "$auth: XDP carried IPv6 both ways ($((d1 - d0)) / $((e1 - e0)))" test $((d1 - d0)) -ge 700 -a $((e1 - e0)) -ge 700
	# The operator's view: one call, its user, address, PPP state, and the
	# fast path's counters next to the slow path's.
	check "$auth: session show has user, address, PPP state and fast-path counters" \
		bash -c "ip netns exec '${P}lns' '$B/l2tpxctl' -j -s '$T/lns.sock' -d '$PIN' session show |
		/usr/bin/python3 -c 'import json,sys
s=json.load(sys.stdin); c=[x for x in s if x[\"origin\"]==\"l2tpxd\"]
assert len(c)==1 and len(s)==1, s
c=c[0]
assert c[\"user\"]==\"alice\" and c[\"peer_ip\"]==\"198.51.100.10\", c
assert c[\"lcp\"]==\"opened\" and c[\"ipcp\"]==\"opened\" and c[\"fast_path\"], c
assert c[\"fast_rx_packets\"]>=700 and c[\"fast_tx_packets\"]>=700, c'"
	if [ "$auth" = mschapv2 ]; then
		# The client freezes (a dead LAC, a cut line): LCP echo finds it
		# (interval 2 s, 4 failures) and the session leaves at once.
		kill -STOP "$CLI_PID"
		for _ in $(seq 200); do grep -q "no echo reply" "$T/lns-$auth.log" && break; sleep 0.1; done
		check "$auth: a silent peer is found by LCP echo" grep -q "no echo reply to 4 requests" "$T/lns-$auth.log"
		kill -CONT "$CLI_PID"
	fi
	stop "$CLI_PID"
	for _ in $(seq 150); do grep -q "out of the data plane" "$T/lns-$auth.log" && break; sleep 0.1; done
	check "$auth: session left the data plane when the client went" grep -q "out of the data plane" "$T/lns-$auth.log"
	n=$(nsx lns "$B/l2tpxctl" -j -d "$PIN" session show | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
	check "$auth: no session left in the maps ($n)" test "$n" -eq 0
	stop "$LNS_PID"
	nsx lns "$B/l2tpxctl" -d "$PIN" unload >/dev/null 2>&1
done

# The LNS without its data plane: the slow path (UDP socket <-> TUN) alone
# carries everything, both families, both ways.
start_lns chap slow
start_cli alice "wonder land"
check "slow path: client up" wait_addr
nsx cli ip route add 203.0.113.0/24 dev ppp0 2>/dev/null
check "slow path: ping cli -> srv" nsx cli ping -c 3 -i 0.2 -W 1 203.0.113.2
check "slow path: TCP cli -> srv, 1 MiB intact" xfer up
check "slow path: TCP srv -> cli, 1 MiB intact" xfer down
check "slow path: IPv6 by SLAAC" wait_addr6
check "slow path: ping6 srv -> cli" nsx srv ping -6 -c 3 -i 0.2 -W 1 "$(cli_addr6 | cut -d/ -f1)"
check "slow path: TCP over IPv6 srv -> cli, 1 MiB intact" xfer6 down
check "slow path: the daemon carried it (slow_rx, slow_tx >= 700)" \
	bash -c "ip netns exec '${P}lns' '$B/l2tpxctl' -j -s '$T/lns.sock' session show |
	/usr/bin/python3 -c 'import json,sys
c=json.load(sys.stdin)[0]
assert c[\"slow_rx_packets\"]>=700 and c[\"slow_tx_packets\"]>=700 and not c[\"fast_path\"], c'"
stop "$CLI_PID" "$LNS_PID"

# 200 calls in one tunnel, each its own PPP session, address and fast-path
# entry; every one passes traffic.
start_lns chap
start_cli alice "wonder land" 200
naddr() { nsx cli ip -4 -o addr show dev ppp0 2>/dev/null | wc -l; }
for _ in $(seq 300); do [ "$(naddr)" -ge 200 ] && break; sleep 0.2; done
check "200 calls: 200 addresses on the client ($(naddr))" test "$(naddr)" -eq 200
ntun=$(ip netns exec "${P}lns" "$B/l2tpxctl" -j -s "$T/lns.sock" tunnel show |
	/usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin); print(len(t), t[0]["sessions"] if t else 0)')
check "200 calls: one tunnel carrying 200 sessions ($ntun)" test "$ntun" = "1 200"
nsx cli ip route add 203.0.113.0/24 dev ppp0 2>/dev/null
# The client's IPCP can open a moment before the LNS's: wait until the LNS
# has put every session in its data plane.
nmaps() { nsx lns "$B/l2tpxctl" -j -d "$PIN" session show | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }
for _ in $(seq 100); do [ "$(nmaps)" -eq 200 ] && break; sleep 0.2; done
d0=$(stat decap-fwd); e0=$(stat encap-fwd)
bad=0
for a in $(nsx cli ip -4 -o addr show dev ppp0 | awk '{print $4}' | cut -d/ -f1); do
	nsx cli ping -c 1 -W 2 -I "$a" 203.0.113.2 >/dev/null 2>&1 && continue
	echo "# $a: no answer"
	bad=$((bad + 1))
done
check "200 calls: every session's address reaches the server ($bad failed)" test "$bad" -eq 0
d1=$(stat decap-fwd); e1=$(stat encap-fwd)
check "200 calls: XDP carried them ($((d1 - d0)) / $((e1 - e0)))" test $((d1 - d0)) -ge 200 -a $((e1 - e0)) -ge 200
n=$(nsx lns "$B/l2tpxctl" -j -d "$PIN" session show | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
check "200 calls: 200 sessions in the maps ($n)" test "$n" -eq 200
stop "$CLI_PID"
for _ in $(seq 100); do
	n=$(nsx lns "$B/l2tpxctl" -j -d "$PIN" session show | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
	[ "$n" -eq 0 ] && break
	sleep 0.2
done
check "200 calls: all gone from the maps when the client left ($n)" test "$n" -eq 0
stop "$LNS_PID"
nsx lns "$B/l2tpxctl" -d "$PIN" unload >/dev/null 2>&1

# A wrong password: authentication fails, the call is cleared, no address.
start_lns chap
start_cli alice "not the password"
for _ in $(seq 100); do grep -q "authentication failed" "$T/lns-chap.log" && break; sleep 0.1; done
check "wrong password: the LNS refused it" grep -q "authentication failed" "$T/lns-chap.log"
for _ in $(seq 100); do grep -q "peer cleared the call: CDN" "$T/cli-alice.log" && break; sleep 0.1; done
check "wrong password: the call was cleared with a CDN" grep -q "peer cleared the call: CDN\|clearing: CDN" "$T/cli-alice.log"
check "wrong password: no address given" test -z "$(cli_addr)"
check "wrong password: nothing entered the data plane" bash -c "! grep -q 'in the data plane' '$T/lns-chap.log'"
stop "$CLI_PID" "$LNS_PID"
nsx lns "$B/l2tpxctl" -d "$PIN" unload >/dev/null 2>&1

echo "1..$N"
if [ "$FAILED" -ne 0 ]; then
	for f in "$T"/*.log; do echo "# --- $f"; tail -20 "$f" | sed 's/^/# /'; done
	exit 1
fi
