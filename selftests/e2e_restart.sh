#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hitless restart of l2tpxd: an l2tpxd client with two calls reaches a
# server through an l2tpxd LNS whose uplink and core run XDP.  A ping flow
# runs through the fast path while the LNS is killed with SIGKILL and
# started again from its state file: not one packet lost, the tunnel's
# Ns/Nr continue (HELLO acknowledged, both ends agree), LCP echo keeps the
# client up, the pool still holds the addresses; the same across SIGTERM;
# the LAC side resumes too; then `l2tpxctl flush` clears everything,
# `--fresh` starts clean (static sessions stay), a corrupt state file is
# ignored with a log line, and a state file whose peer is gone ends with the
# tunnel torn down by HELLO and the maps empty.
# Namespaces: cli (192.0.2.1) -- lns (192.0.2.2 | 203.0.113.1) -- srv (203.0.113.2)
set -u
PPP_LIB_PREFIX=l2xr$$- PPP_LIB_TAG=restart
# shellcheck source=../scripts/ppp-lib.sh
. "$(dirname "$0")/../scripts/ppp-lib.sh"
py() { /usr/bin/python3 -c "$@"; }

# ppp-lib's cleanup, but every daemon killed hard (a SIGTERM would write a
# state file on its way out) and E2E_KEEP=DIR keeps the logs,
# configurations and state files.
cleanup() {
	[ -n "${E2E_KEEP:-}" ] && mkdir -p "$E2E_KEEP" && cp "$T"/*.log "$T"/*.conf "$T"/*.state* "$E2E_KEEP"/ 2>/dev/null
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in cli lns srv; do ip netns del "$P$ns" 2>/dev/null; done
	umount "$T/bpf" 2>/dev/null
	rm -rf "$T"
}
ppp_topo
# Neighbours known both ways before the flow: a restart must not be
# confused with the first ARP exchange.
nsx srv ping -c 1 -W 1 203.0.113.1 >/dev/null
nsx cli ping -c 1 -W 1 192.0.2.2 >/dev/null

printf 'alice\tlns\t"wonder land"\t*\n' >"$T/chap-secrets"
chmod 600 "$T/chap-secrets"
cat >"$T/lns.conf" <<EOC
[global]
listen = 192.0.2.2
hostname = lns
ctl_socket = $T/lns.sock
state_file = $T/lns.state
ip_range = 198.51.100.10-198.51.100.250
local_ip = 198.51.100.1
auth = chap
auth_name = lns
chap_secrets = $T/chap-secrets
uplink = l0
core = l1
subscriber_dev = l2tpx0
ipv6_pool = 2001:db8:100::/48
hello_interval = 2
retransmit_initial_ms = 300
retransmit_cap_ms = 1000
retransmit_retries = 4
lcp_echo_interval = 2
lcp_echo_failure = 4
chap_interval = 3
EOC
cat >"$T/cli.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = cli
lns = no
ctl_socket = $T/cli.sock
state_file = $T/cli.state
subscriber_dev = ppp0
hello_interval = 2
lcp_echo_interval = 1
lcp_echo_failure = 3
[lac up]
lns = 192.0.2.2
user = alice
password = wonder land
redial = no
sessions = 2
default_route = yes
EOC

LOGN=0
start_lns() {	# extra flags...
	LOGN=$((LOGN + 1))
	LNS_LOG=$T/lns-$LOGN.log
	rm -f "$T/lns.sock"
	ip netns exec "${P}lns" "$B/l2tpxd" -d -v -p "$PIN" -c "$T/lns.conf" "$@" >"$LNS_LOG" 2>&1 &
	LNS_PID=$!
	PIDS="$PIDS $!"
	for _ in $(seq 50); do [ -S "$T/lns.sock" ] && break; sleep 0.1; done
}

start_cli() {
	LOGN=$((LOGN + 1))
	CLI_LOG=$T/cli-$LOGN.log
	rm -f "$T/cli.sock"
	ip netns exec "${P}cli" "$B/l2tpxd" -d -v -c "$T/cli.conf" "$@" >"$CLI_LOG" 2>&1 &
	CLI_PID=$!
	PIDS="$PIDS $!"
	for _ in $(seq 50); do [ -S "$T/cli.sock" ] && break; sleep 0.1; done
}

wait_for() {	# cmd...: true within 3 s
	for _ in $(seq 30); do "$@" && return 0; sleep 0.1; done
	return 1
}

# Both ends of the tunnel agree on the sequence numbers (a HELLO in flight
# is looked at again a moment later) and the LNS sent something past ns0.
seq_agree() {
	local a b c d
	a=$(tun lnsctl ns); b=$(tun lnsctl nr); c=$(tun clictl nr); d=$(tun clictl ns)
	echo "# LNS Ns/Nr $a/$b, client Nr/Ns $c/$d"
	[ "$a" = "$c" ] && [ "$b" = "$d" ] && [ "$a" -gt "$1" ]
}

gone() {	# pid: wait until it exited
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}

lnsctl() { nsx lns "$B/l2tpxctl" -j -s "$T/lns.sock" -d "$PIN" "$@"; }
clictl() { nsx cli "$B/l2tpxctl" -j -s "$T/cli.sock" "$@"; }
stat() { lnsctl stats | py "import json,sys; print(json.load(sys.stdin)['$1']['packets'])"; }
# Sessions in the maps that the daemon installed / static ones.
maps() { nsx lns "$B/l2tpxctl" -j -s /nonexistent -d "$PIN" session show | py "import json,sys
s=json.load(sys.stdin); print(sum(1 for x in s if ('daemon' in x.get('flags', [])) == ('$1' == 'daemon')))"; }
# One field of the (only) tunnel of a daemon.
tun() { "$1" tunnel show | py "import json,sys; t=json.load(sys.stdin); print(t[0]['$2'] if len(t) == 1 else 'n/a')"; }
dstat() { "$1" stats daemon | py "import json,sys; print(json.load(sys.stdin)['$2'])"; }
naddr() { nsx cli ip -4 -o addr show dev ppp0 2>/dev/null | wc -l; }
wait_addrs() { for _ in $(seq 100); do [ "$(naddr)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
cli_addrs6() { nsx cli ip -6 -o addr show dev ppp0 scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | sort; }
wait_addrs6() { for _ in $(seq 100); do [ "$(cli_addrs6 | wc -l)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
# The client's SLAAC addresses that answer ping6 from srv.  (The client
# sends all its IPv6 on its last call, so only the address in that call's
# /64 passes the LNS's anti-spoofing.)
reach6() { for a in $(cli_addrs6); do nsx srv ping -6 -c 2 -i 0.2 -W 1 "$a" >/dev/null 2>&1 && echo "$a"; done; }
cli_addr() { nsx cli ip -4 -o addr show dev ppp0 | awk '{print $4}' | cut -d/ -f1 | sort | head -1; }
# ping from srv to the client through XDP (encap on l1, decap on l0):
# count sent, prints "sent received".
flow() {	# count interval outfile
	nsx srv ping -n -q -c "$1" -i "$2" -W 2 "$ADDR" >"$3" 2>&1
}
flow_result() { sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$1"; }

# ---- up ----
start_lns
start_cli
check "client up with two calls, an address each" wait_addrs 2
ADDR=$(cli_addr)
check "LNS installed both sessions in the maps as the daemon's" test "$(maps daemon)" -eq 2
check "LNS wrote its state file" test -s "$T/lns.state"
check "the pool holds two addresses" test "$(dstat lnsctl pool_used)" -eq 2
check "the client got an IPv6 address by SLAAC from each delegated /64" wait_addrs6 2
REACH6=$(reach6)
check "srv reaches the client over IPv6 (${REACH6:-none})" test -n "$REACH6"

# ---- kill -9 under a flow ----
restart_under_flow() {	# how: kill9 | term
	local what=$1 d0 e0 d1 e1 r ns0 nr0
	d0=$(stat decap-fwd); e0=$(stat encap-fwd)
	flow 800 0.01 "$T/flow-$what" &
	local fp=$!
	sleep 2
	ns0=$(tun lnsctl ns); nr0=$(tun lnsctl nr)
	if [ "$what" = kill9 ]; then kill -9 "$LNS_PID"; else kill -TERM "$LNS_PID"; fi
	gone "$LNS_PID"
	check "$what: the daemon's sessions stay in the maps while it is down" test "$(maps daemon)" -eq 2
	sleep 1
	start_lns
	wait "$fp"
	r=$(flow_result "$T/flow-$what")
	check "$what: no packet of the flow lost across the restart ($r)" test "${r% *}" = 800 -a "${r#* }" = 800
	d1=$(stat decap-fwd); e1=$(stat encap-fwd)
	check "$what: the flow went through XDP ($((d1 - d0)) decap, $((e1 - e0)) encap)" \
		test $((d1 - d0)) -ge 800 -a $((e1 - e0)) -ge 800
	check "$what: tunnel and both calls resumed from the state file" \
		grep -q "1 of 1 tunnels and 2 calls resumed" "$LNS_LOG"
	check "$what: PPP resumed in the data plane with its IPv6 prefix, not installed again" \
		test "$(grep -c "PPP resumed from the state file (in the data plane, IPv6 prefix)" "$LNS_LOG")" -eq 2 -a \
		"$(grep -c "not in the maps any more" "$LNS_LOG")" -eq 0
	check "$what: Ns/Nr continue (before $ns0/$nr0, now $(tun lnsctl ns)/$(tun lnsctl nr))" \
		test "$(tun lnsctl ns)" -ge "$ns0" -a "$(tun lnsctl nr)" -ge "$nr0" -a "$ns0" -gt 0
	# HELLOs both ways (2 s): both ends agree on the sequence numbers and
	# nothing waits for an acknowledgement.
	sleep 5
	check "$what: HELLO/ZLB exchange works: LNS Ns/Nr = client Nr/Ns, past $ns0" \
		wait_for seq_agree "$ns0"
	check "$what: LNS sent HELLOs after the restart and they were acknowledged" \
		test "$(lnsctl tunnel show | py "import json,sys; print(json.load(sys.stdin)[0]['retransmissions'])")" -le 2
	check "$what: LCP echo kept the client up (> interval x failures since)" \
		bash -c "! grep -q 'no echo reply' '$CLI_LOG' '$LNS_LOG'"
	check "$what: both calls still up on the client" test "$(naddr)" -eq 2
	check "$what: the resumed sessions passed their CHAP re-challenges (every 3 s)" \
		bash -c "grep -q 're-challenging alice' '$LNS_LOG' && ! grep -q 'failed to authenticate' '$LNS_LOG'"
	check "$what: the pool holds the two addresses again" test "$(dstat lnsctl pool_used)" -eq 2
	check "$what: ping after the restart" nsx srv ping -c 3 -i 0.2 -W 1 "$ADDR"
	check "$what: IPv6 to the client through the resumed /64s as before ($(reach6 | tr '\n' ' '))" \
		test "$(reach6)" = "$REACH6"
	if [ -n "${DEBUG:-}" ]; then nsx lns "$B/l2tpxctl" -d "$PIN" stats; nsx lns "$B/l2tpxctl" -s "$T/lns.sock" -d "$PIN" session show; tail -30 "$LNS_LOG"; tail -20 "$CLI_LOG"; nsx cli ip addr; nsx cli ip route; exit 1; fi
}
restart_under_flow kill9
# The client's LCP echoes (1 s) were answered by the resumed LNS: a slow
# path check that its PPP answers.
check "kill9: the resumed LNS answers LCP echo (client echoes every 1 s)" \
	bash -c "sleep 4; ! grep -q 'no echo reply' '$CLI_LOG'"
restart_under_flow term

# ---- the LAC resumes too ----
nr0=$(tun lnsctl nr)
kill -9 "$CLI_PID"; gone "$CLI_PID"
start_cli
check "LAC: the client took back its tunnel and both calls" \
	bash -c "for _ in \$(seq 30); do grep -q '1 of 1 tunnels and 2 calls resumed' '$CLI_LOG' && exit 0; sleep 0.1; done; exit 1"
check "LAC: no new tunnel was dialled" bash -c "! grep -q dialling '$CLI_LOG'"
check "LAC: addresses back on ppp0" wait_addrs 2
check "LAC: ping through the resumed call" nsx srv ping -c 3 -i 0.2 -W 1 "$ADDR"
sleep 4
check "LAC: the LNS still has one tunnel, control continues (Nr $nr0 -> $(tun lnsctl nr))" \
	test "$(tun lnsctl nr)" -gt "$nr0"
check "LAC: both ends agree on Ns/Nr" wait_for seq_agree 0
sleep 4
check "LAC: the resumed client answered the LNS's CHAP re-challenges (every 3 s)" \
	bash -c "grep -q 'Challenge .* from lns' '$CLI_LOG' && ! grep -q 'authentication failed' '$CLI_LOG'"
check "LAC: both calls still in the LNS's maps" test "$(maps daemon)" -eq 2

# ---- a map entry gone while the daemon was down: installed again ----
kill -9 "$LNS_PID"; gone "$LNS_PID"
key=$(nsx lns "$B/l2tpxctl" -j -s /nonexistent -d "$PIN" session show | py "import json,sys
s=[x for x in json.load(sys.stdin) if 'daemon' in x.get('flags', [])]; print(s[0]['tunnel'], s[0]['session'])")
nsx lns "$B/l2tpxctl" -s /nonexistent -d "$PIN" session del tunnel "${key% *}" session "${key#* }"
check "one of the daemon's sessions deleted by hand while it is down" test "$(maps daemon)" -eq 1
start_lns
check "missing entry: noticed" grep -q "not in the maps any more: installing it again" "$LNS_LOG"
check "missing entry: both sessions in the maps again" test "$(maps daemon)" -eq 2
for a in $(nsx cli ip -4 -o addr show dev ppp0 | awk '{print $4}' | cut -d/ -f1); do
	check "missing entry: $a reachable through XDP again" nsx srv ping -c 3 -i 0.2 -W 1 "$a"
done

# ---- flush: the real teardown ----
r=$(lnsctl flush)
check "flush: one tunnel cleared ($r)" bash -c "echo '$r' | grep -q '\"tunnels_cleared\":1'"
for _ in $(seq 30); do [ "$(maps daemon)" -eq 0 ] && break; sleep 0.1; done
check "flush: the maps are empty" test "$(maps daemon)" -eq 0 -a "$(maps static)" -eq 0
check "flush: the pool is empty" test "$(dstat lnsctl pool_used)" -eq 0
cli_calls() { [ "$(dstat clictl sessions)" -eq 0 ]; }
check "flush: the client saw the StopCCN and let go of its calls" wait_for cli_calls
sleep 0.3
check "flush: the state file lists no tunnel" \
	test "$(command stat -c %s "$T/lns.state")" -eq 24

# ---- --fresh: a clean slate; static sessions are the operator's ----
kill -9 "$CLI_PID"; gone "$CLI_PID"
rm -f "$T/cli.state"
start_cli
check "again: client up with two calls" wait_addrs 2
nsx lns "$B/l2tpxctl" -d "$PIN" session add tunnel 300 session 400 peer-tunnel 100 \
	peer-session 200 local 192.0.2.2 peer 192.0.2.1 addr 198.51.100.200/32
check "a static session added beside the daemon's" test "$(maps static)" -eq 1 -a "$(maps daemon)" -eq 2
kill -9 "$LNS_PID"; gone "$LNS_PID"
start_lns --fresh
check "--fresh: logged" grep -q -- "--fresh: clean slate; 2 daemon sessions removed from the maps" "$LNS_LOG"
check "--fresh: the daemon's sessions are gone from the maps" test "$(maps daemon)" -eq 0
check "--fresh: the static session stayed" test "$(maps static)" -eq 1
check "--fresh: no tunnel resumed, nothing in the pool" \
	test "$(dstat lnsctl tunnels)" -eq 0 -a "$(dstat lnsctl pool_used)" -eq 0
check "--fresh: the old state file is gone" \
	bash -c "[ ! -e '$T/lns.state' ] || [ \$(stat -c %s '$T/lns.state') -eq 24 ]"
nsx lns "$B/l2tpxctl" -d "$PIN" session del tunnel 300 session 400

# ---- a corrupt state file: ignored with a log line, fresh start ----
kill -9 "$CLI_PID"; gone "$CLI_PID"
rm -f "$T/cli.state"
start_cli
check "again: client up with two calls" wait_addrs 2
kill -9 "$LNS_PID"; gone "$LNS_PID"
sz=$(command stat -c %s "$T/lns.state")
# One bit flipped in the middle of the file.
py "f=open('$T/lns.state','r+b'); f.seek($sz // 2); b=f.read(1); f.seek($sz // 2); f.write(bytes([b[0] ^ 0x10]))"
start_lns
check "corrupt: logged and ignored" grep -q "state file $T/lns.state ignored: checksum mismatch: corrupt; fresh start" "$LNS_LOG"
check "corrupt: the file is kept aside as .bad" test -s "$T/lns.state.bad"
check "corrupt: the daemon runs, nothing resumed" test "$(dstat lnsctl tunnels)" -eq 0
check "corrupt: map entries nothing owns were removed" test "$(maps daemon)" -eq 0
check "corrupt: reconcile logged them" test "$(grep -c "reconcile: session .* has no state: removed" "$LNS_LOG")" -eq 2
kill -9 "$LNS_PID"; gone "$LNS_PID"
printf 'L2TPXST\n\0\0\0\x63\0\0\0\0\0\0\0\0' >"$T/lns.state"
start_lns
check "unknown version: logged and ignored" grep -q "ignored: unknown version 99" "$LNS_LOG"
check "unknown version: the daemon answers" test "$(dstat lnsctl tunnels)" -eq 0

# ---- flush with no daemon running: what a stopped one left ----
kill -9 "$CLI_PID"; gone "$CLI_PID"
rm -f "$T/cli.state"
start_cli
check "again: client up with two calls" wait_addrs 2
nsx lns "$B/l2tpxctl" -d "$PIN" session add tunnel 300 session 400 peer-tunnel 100 \
	peer-session 200 local 192.0.2.2 peer 192.0.2.1 addr 198.51.100.200/32
kill -TERM "$LNS_PID"; gone "$LNS_PID"
check "stopped: the daemon's two sessions stay in the maps" test "$(maps daemon)" -eq 2
r=$(nsx lns "$B/l2tpxctl" -s "$T/lns.sock" -d "$PIN" flush state "$T/lns.state")
check "offline flush: reported ($r)" bash -c "echo '$r' | grep -q '2 of its sessions removed from the maps'"
check "offline flush: the daemon's sessions are gone, the static one stays" \
	test "$(maps daemon)" -eq 0 -a "$(maps static)" -eq 1
check "offline flush: the state file is gone" test ! -e "$T/lns.state"
nsx lns "$B/l2tpxctl" -d "$PIN" session del tunnel 300 session 400
start_lns
check "after an offline flush the daemon starts fresh" grep -q "no state file" "$LNS_LOG"

# ---- a state file whose peer is gone: HELLO fails, all cleaned ----
kill -9 "$CLI_PID"; gone "$CLI_PID"
rm -f "$T/cli.state"
start_cli
check "again: client up with two calls" wait_addrs 2
kill -9 "$LNS_PID"; gone "$LNS_PID"
kill -9 "$CLI_PID"; gone "$CLI_PID"
start_lns
check "peer gone: the tunnel and its calls resumed first" grep -q "1 of 1 tunnels and 2 calls resumed" "$LNS_LOG"
check "peer gone: the pool holds their addresses" test "$(dstat lnsctl pool_used)" -eq 2
# HELLO 1 s after the resume, 4 retries from 300 ms capped at 1 s.
peer_gone() { grep -q "peer stopped acknowledging: tunnel down" "$LNS_LOG"; }
for _ in $(seq 100); do peer_gone && break; sleep 0.1; done
check "peer gone: HELLO unanswered, tunnel torn down" peer_gone
check "peer gone: the maps are empty" wait_for bash -c "[ \$(ip netns exec '${P}lns' '$B/l2tpxctl' -j -s /nonexistent -d '$PIN' session show | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 0 ]"
check "peer gone: the pool is empty, no tunnel left" \
	test "$(dstat lnsctl pool_used)" -eq 0 -a "$(dstat lnsctl tunnels)" -eq 0
echo "1..$N"; [ $FAILED = 0 ]
