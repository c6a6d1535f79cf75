#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults, bounds and least privilege against an l2tpxd LNS with its XDP data plane;
# TAP output.
#
# Namespaces: cli (192.0.2.1, and 192.0.2.3 + 192.0.2.100-199 for the scripted peers)
# -- lns (192.0.2.2 | 203.0.113.1) -- srv (203.0.113.2).  The LNS runs as `nobody`
# with ctl_group nogroup.  A reference call (an l2tpxd client in cli) stays up the
# whole run; a ping through it must keep passing.  selftests/l2tp_fakelac.py, a
# scripted LAC + PPP client independent of l2tpx's codec, then:
#   - vanishes after SCCRQ, after ICRQ, during LCP, during CHAP, during IPCP and
#     mid-session (after it entered the maps);
#   - sends StopCCN in the middle of call setup;
#   - floods ICRQs on one tunnel (max_sessions_per_tunnel 20: CDN result 4);
#   - floods SCCRQs from 100 source addresses;
#   - floods LCP Echo-Requests (lcp_echo_rate 10).
# After every scenario `l2tpxctl check` must hold (the map sessions are exactly the
# daemon's handed-off calls, every pool address free or held by one call) with only
# the reference call left.  Memory: the LNS's VmRSS grows by less than
# E2E_FAULTS_RSS_KIB (default 2048) over the floods.  Privileges: CapEff, CapPrm and
# CapBnd of the running LNS are exactly CAP_NET_ADMIN, CapInh and CapAmb empty,
# NoNewPrivs 1, uid nobody; the control socket is 0660 group nogroup; a secrets file
# readable by others is refused.  `l2tpxctl check` is shown to report a foreign map
# session and a map entry deleted behind the daemon's back.  Last, the reference
# client is killed with -9 and must leave nothing behind.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
L2TPX_NS_PREFIX=l2xf$$-
# shellcheck source-path=SCRIPTDIR source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

RSS_BOUND=${E2E_FAULTS_RSS_KIB:-2048}
FAKE=$REPO/selftests/l2tp_fakelac.py
T=$(mktemp -d /tmp/l2tpx-faults.XXXXXX)
chmod 755 "$T"	# the LNS runs as nobody: its socket lives here
PIDS=""

cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	netns_down
	rm -rf "$T"
}
trap cleanup EXIT

netns_check || { echo "Bail out! netns"; exit 1; }
[ -x "$L2TPXD" ] && "$L2TPX_PY" -c 'import json' || { echo "Bail out! build or python"; exit 1; }
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	{ echo "Bail out! needs user nobody and group nogroup"; exit 1; }

# ---- topology -----------------------------------------------------------------
mkdir -p "$(ns_state)"
for n in cli lns srv; do
	ip netns add "$(ns_name $n)" && nsip $n link set lo up || { echo "Bail out! netns"; exit 1; }
done
ns_veth cli cli-lns lns lns-cli && ns_veth lns lns-srv srv srv-lns &&
	nsip cli addr add 192.0.2.1/24 dev cli-lns &&
	nsip cli addr add 192.0.2.3/24 dev cli-lns &&
	nsip lns addr add 192.0.2.2/24 dev lns-cli &&
	nsip lns addr add 203.0.113.1/24 dev lns-srv &&
	nsip srv addr add 203.0.113.2/24 dev srv-lns &&
	nsip srv route add 198.51.100.0/24 via 203.0.113.1 &&
	nsx lns sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 &&
	ns_xdp_noop cli cli-lns && ns_xdp_noop srv srv-lns || { echo "Bail out! topology"; exit 1; }
for h in $(seq 100 199); do echo "addr add 192.0.2.$h/24 dev cli-lns"; done >"$T/addrs"
nsip cli -batch "$T/addrs" || { echo "Bail out! flood addresses"; exit 1; }
PIN=$(ns_bpffs lns)/l2tpx

printf 'alice\tlns\t"wonder land"\t*\n' >"$T/chap-secrets"
chmod 600 "$T/chap-secrets"

lns_conf() {	# secrets file
	cat <<EOC
[global]
listen = 192.0.2.2
hostname = lns
ctl_socket = $T/lns.sock
ctl_group = nogroup
user = nobody
ip_range = 198.51.100.10-198.51.100.40
local_ip = 198.51.100.1
auth = chap
auth_name = lns
chap_secrets = $1
uplink = lns-cli
core = lns-srv
subscriber_dev = l2tpx0
ipv6cp = no
hello_interval = 1
retransmit_initial_ms = 200
retransmit_cap_ms = 1000
retransmit_retries = 3
lcp_echo_interval = 1
lcp_echo_failure = 3
lcp_echo_rate = 10
max_sessions_per_tunnel = 20
max_pending_tunnels = 64
EOC
}

ctl() { nsx lns "$L2TPXCTL" -s "$T/lns.sock" -d "$PIN" "$@"; }
jq_() { "$L2TPX_PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$LNS_PID/status"; }
status_field() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$LNS_PID/status"; }

# ---- secrets readable by others are refused ------------------------------------
printf 'alice\tlns\t"wonder land"\t*\n' >"$T/open-secrets"
chmod 644 "$T/open-secrets"
lns_conf "$T/open-secrets" >"$T/open.conf"
nsx lns timeout 10 "$L2TPXD" -d -c "$T/open.conf" >"$T/open.log" 2>&1
rc=$?
tap_check "a secrets file readable by others is refused (exit $rc, message names it)" \
	bash -c "[ $rc -ne 0 ] && grep -q 'open-secrets: readable by group or others (mode 0644): refused' '$T/open.log'"
rm -f "$T/lns.sock"

# ---- the LNS -------------------------------------------------------------------
lns_conf "$T/chap-secrets" >"$T/lns.conf"
ip netns exec "$(ns_name lns)" "$L2TPXD" -d -v -p "$PIN" -c "$T/lns.conf" >"$T/lns.log" 2>&1 &
LNS_PID=$!
PIDS="$PIDS $LNS_PID"
wait_until 10 grep -q "privileges dropped" "$T/lns.log" || { echo "Bail out! LNS did not start"; tail "$T/lns.log"; exit 1; }

# Exactly CAP_NET_ADMIN (bit 12) everywhere it may be, nothing inheritable.
tap_cmp "LNS CapEff is CAP_NET_ADMIN only" "$(status_field CapEff)" = 0000000000001000
tap_cmp "LNS CapPrm is CAP_NET_ADMIN only" "$(status_field CapPrm)" = 0000000000001000
tap_cmp "LNS CapBnd is CAP_NET_ADMIN only" "$(status_field CapBnd)" = 0000000000001000
tap_cmp "LNS CapInh is empty" "$(status_field CapInh)" = 0000000000000000
tap_cmp "LNS CapAmb is empty" "$(status_field CapAmb)" = 0000000000000000
tap_cmp "LNS NoNewPrivs is set" "$(status_field NoNewPrivs)" = 1
tap_cmp "LNS runs as nobody (uid)" "$(status_field Uid)" = "$(id -u nobody)"
tap_cmp "control socket is 0660 group nogroup" "$(stat -c '%a %G' "$T/lns.sock")" = "660 nogroup"

# ---- the reference call --------------------------------------------------------
cat >"$T/cli.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = cli
lns = no
ctl_socket = $T/cli.sock
subscriber_dev = ppp0
hello_interval = 1
[lac up]
lns = 192.0.2.2
user = alice
password = wonder land
redial = no
EOC
ip netns exec "$(ns_name cli)" "$L2TPXD" -d -v -c "$T/cli.conf" >"$T/cli.log" 2>&1 &
CLI_PID=$!
PIDS="$PIDS $CLI_PID"
wait_until 20 bash -c "ip -n $(ns_name cli) -4 -o addr show dev ppp0 | grep -q inet"
nsip cli route add 203.0.113.0/24 dev ppp0 2>/dev/null
tap_check "reference call: up after the drop, ping cli -> srv through it" \
	ns_ping cli 3 203.0.113.2
# the drop kept what installing a session needs: it is in the maps
wait_until 10 bash -c "ip netns exec $(ns_name lns) $L2TPXCTL -s $T/lns.sock -j check | grep -q '\"fast_path\":1'"
tap_check "reference call: in the data plane; l2tpxctl check holds (1 call, 1 map session, pool 1/1)" \
	bash -c "ip netns exec $(ns_name lns) $L2TPXCTL -s $T/lns.sock -j check | $L2TPX_PY -c '
import json,sys; d=json.load(sys.stdin)
assert d[\"ok\"] and d[\"fast_path\"]==1 and d[\"dp_sessions\"]==1, d
assert d[\"pool_in_use\"]==1 and d[\"pool_held\"]==1, d'"
D0=$(ns_stat lns decap-fwd 2>/dev/null)

# Only the reference call left, consistent: the invariant after a scenario.
clean() {
	ip netns exec "$(ns_name lns)" "$L2TPXCTL" -s "$T/lns.sock" -j check | "$L2TPX_PY" -c '
import json,sys; d=json.load(sys.stdin)
assert d["ok"], d["problems"]
assert d["sessions"]==1 and d["fast_path"]==1 and d["dp_sessions"]==1, d
assert d["pool_in_use"]==1 and d["pool_held"]==1, d' &&
	[ "$(ctl -j tunnel show | jq_ 'len(d)')" = 1 ]
}

fake() { nsx cli timeout 60 "$L2TPX_PY" "$FAKE" --lns 192.0.2.2 --local 192.0.2.3 "$@"; }

# ---- the peer vanishes at each stage --------------------------------------------
for stage in sccrq icrq lcp chap ipcp; do
	out=$(fake --stop-after $stage --tid $((4000 + RANDOM % 1000)))
	got=$(echo "$out" | jq_ 'd["stage"]' 2>/dev/null)
	tap_cmp "vanish after $stage: the peer reached the stage" "$got" = "$stage"
	tap_check "vanish after $stage: cleared, l2tpxctl check holds, only the reference call left" \
		wait_until 20 clean
	tap_check "vanish after $stage: the reference call still passes traffic" ns_ping cli 2 203.0.113.2
done

# Mid-session: the peer's call enters the maps, then the peer is gone.
fake --stop-after up --hold 3 --tid 4999 >"$T/mid.out" &
FPID=$!
tap_check "vanish mid-session: the peer's call entered the maps (2 map sessions, pool 2/2)" \
	wait_until 10 bash -c "ip netns exec $(ns_name lns) $L2TPXCTL -s $T/lns.sock -j check | $L2TPX_PY -c '
import json,sys; d=json.load(sys.stdin)
assert d[\"ok\"] and d[\"dp_sessions\"]==2 and d[\"pool_held\"]==2, d'"
wait "$FPID"
tap_check "vanish mid-session: cleared from daemon and maps, address back, check holds" \
	wait_until 20 clean
tap_check "vanish mid-session: LNS logged the session leaving the data plane" \
	grep -q "out of the data plane" "$T/lns.log"

# StopCCN between ICRP and ICCN.
out=$(fake --stopccn-in-setup --tid 5001)
tap_cmp "StopCCN during call setup: sent after ICRP" "$(echo "$out" | jq_ 'd["stage"]')" = stopccn
tap_check "StopCCN during call setup: nothing left, check holds" wait_until 20 clean

# ---- bounds: an ICRQ flood on one tunnel, an SCCRQ flood from 100 addresses -----
RSS0=$(rss)
nsx cli ping -n -q -c 40 -i 0.1 -W 1 203.0.113.2 >"$T/ping-icrq.out" 2>&1 &
PING=$!
out=$(fake --icrq-flood 2000 --tid 5002)
wait "$PING"
ping_rc=$?
tap_diag "ICRQ flood: $out"
tap_check "ICRQ flood: 20 calls accepted, 1980 refused with CDN result 4" \
	bash -c "echo '$out' | $L2TPX_PY -c '
import json,sys; d=json.load(sys.stdin)
assert d[\"icrp\"]==20 and d[\"cdn\"]==1980 and d[\"cdn_results\"]=={\"4\": 1980}, d'"
tap_check "ICRQ flood: a ping through the reference call kept passing (40/40)" \
	bash -c "[ $ping_rc -eq 0 ] && grep -q ' 40 received' '$T/ping-icrq.out'"
tap_check "ICRQ flood: the flooder's calls cleared with its tunnel, check holds" wait_until 20 clean

nsx cli ping -n -q -c 40 -i 0.1 -W 1 203.0.113.2 >"$T/ping-sccrq.out" 2>&1 &
PING=$!
out=$(nsx cli timeout 60 "$L2TPX_PY" "$FAKE" --lns 192.0.2.2 --local 192.0.2.3 \
	--sccrq-flood 50 --sources 192.0.2.100-199)
pend=0
for _ in $(seq 20); do
	p=$(ctl -j stats daemon | jq_ 'd["tunnels_pending"]')
	[ "${p:-0}" -gt "$pend" ] && pend=$p
	sleep 0.1
done
wait "$PING"
ping_rc=$?
tap_diag "SCCRQ flood: $out; most pending seen $pend"
tap_cmp "SCCRQ flood from 100 addresses: pending tunnels capped (<= 64)" "$pend" -le 64
tap_check "SCCRQ flood: a ping through the reference call kept passing (40/40)" \
	bash -c "[ $ping_rc -eq 0 ] && grep -q ' 40 received' '$T/ping-sccrq.out'"
tap_check "SCCRQ flood: unanswered tunnels gone, check holds" wait_until 30 clean
RSS1=$(rss)
tap_diag "LNS VmRSS $RSS0 KiB before the floods, $RSS1 KiB after"
tap_cmp "floods: LNS VmRSS grew by less than $RSS_BOUND KiB ($((RSS1 - RSS0)))" \
	$((RSS1 - RSS0)) -lt "$RSS_BOUND"

# ---- an LCP echo flood ------------------------------------------------------------
fake --stop-after up --echo-flood 5000 --echo-secs 2 --hold 4 --tid 5003 >"$T/echo.out" &
FPID=$!
wait_until 15 test -s "$T/echo.out"
out=$(head -1 "$T/echo.out")
tap_diag "echo flood: $out"
# burst 10, then 10/s over ~2.5 s: at most ~40 answered, leave room for timing
tap_check "echo flood: 5000 Echo-Requests in 2 s, between 5 and 60 answered" \
	bash -c "echo '$out' | $L2TPX_PY -c '
import json,sys; d=json.load(sys.stdin)
assert d[\"echo_sent\"]==5000 and 5 <= d[\"echo_replies\"] <= 60, d'"
dropped=$(ctl -j session show | jq_ 'max([s.get("echo_dropped", 0) for s in d if s.get("origin") == "l2tpxd"] or [0])')
tap_cmp "echo flood: the LNS counted the dropped requests ($dropped)" "${dropped:-0}" -ge 4900
tap_cmp "echo flood: counted in stats daemon too" \
	"$(ctl -j stats daemon | jq_ 'd["lcp_echo_dropped"]')" -eq "${dropped:-x}"
tap_check "echo flood: the LNS logged the limit once per 1000, not per request" \
	bash -c "n=\$(grep -c 'over lcp_echo_rate' '$T/lns.log'); [ \$n -ge 1 ] && [ \$n -le 6 ]"
wait "$FPID"
tap_check "echo flood: the call stayed up through it, then cleared; check holds" \
	bash -c "grep -q '\"stage\": \"up\"' '$T/echo.out'"
wait_until 20 clean
tap_check "after everything: only the reference call, consistent" clean
D1=$(ns_stat lns decap-fwd 2>/dev/null)
# 92 echo requests crossed the reference call since D0; the first of a burst may
# be handed to the kernel for neighbour resolution, the rest XDP forwards.
tap_cmp "the reference call's traffic went through XDP ($((D1 - D0)) of 92 decapsulated)" \
	$((D1 - D0)) -ge 80

# The check is not blind: a static session beside the daemon's calls, and the
# reference call's map entry deleted behind the daemon's back, are both reported.
ctl session add tunnel 7 session 8 peer-tunnel 9 peer-session 10 local 192.0.2.2 \
	peer 192.0.2.99 addr 198.51.100.200/32 >/dev/null
ctl check >"$T/check.out"
rc=$?
tap_check "check reports a map session that is not the daemon's (exit $rc)" \
	bash -c "[ $rc -eq 1 ] && grep -q 'map session 7/8 is not one of the daemon' '$T/check.out'"
ctl session del tunnel 7 session 8 >/dev/null 2>&1
tap_check "check holds again once it is deleted" clean
read -r tid sid <<<"$(ctl -j session show | jq_ '"%d %d" % next((s["tunnel"], s["session"]) for s in d if s.get("origin") == "l2tpxd")')"
nsx lns bpftool map delete pinned "$PIN/l2tpx_sessions" \
	key $((tid >> 8)) $((tid & 255)) $((sid >> 8)) $((sid & 255))
ctl check >"$T/check.out"
rc=$?
tap_check "check reports the call whose map entry vanished (exit $rc)" \
	bash -c "[ $rc -eq 1 ] && grep -q 'session $tid/$sid is handed off but missing from the maps' '$T/check.out'"
# Its fast copy (l2tpx_fast), which XDP would go on using, is reported too.
tap_check "check reports the fast copy left of that entry" \
	grep -q "fast slot [0-9]* holds session $tid/$sid, which is not in the maps" "$T/check.out"

# Last, the reference client itself dies (kill -9): nothing of it may stay.
kill -9 "$CLI_PID"
wait "$CLI_PID" 2>/dev/null
tap_check "client killed with -9: its call leaves daemon, maps and pool; check holds" \
	wait_until 20 bash -c "ip netns exec $(ns_name lns) $L2TPXCTL -s $T/lns.sock -j check | $L2TPX_PY -c '
import json,sys; d=json.load(sys.stdin)
assert d[\"ok\"] and d[\"sessions\"]==0 and d[\"dp_sessions\"]==0 and d[\"pool_in_use\"]==0, d'"

if [ "$TAP_FAILED" != 0 ]; then
	tap_diag "--- lns.log (tail)"
	tail -30 "$T/lns.log" | sed 's/^/# /'
fi
tap_end
