#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2015 # ok and nok always succeed: `test && ok || nok` is if-then-else
# Metrics and logs end to end, on the namespace line (scripts/netns.sh); TAP output.
#
#   1. Static sessions, no daemon: after N pings sub -> srv, `l2tpxctl metrics` in
#      lns shows exactly N packets (and N * 84 inner bytes) decapsulated and N
#      encapsulated for session 300/400, equal to `-j session show`; the reason
#      counters equal `-j stats`; python3-prometheus-client parses the output.
#   2. l2tpxd as LNS in lns (same data plane, metrics_listen = 9469, logging to
#      syslog through a /dev/log of the test's own), an l2tpxd client in cli dialling
#      it with PAP: GET /metrics returns the same families as `l2tpxctl metrics`, the
#      call with its user, auth ok 1, the session in the data plane.
#   3. Bad HTTP clients, each with what it gets: a wrong path 404, POST 405, a
#      request line of garbage 400, a 64 KiB header 431 (or the connection closed),
#      100 idle connections plus one half-sent request held open: none wedges the
#      daemon, which still answers /metrics and its control socket meanwhile.
#   4. Logs: the LNS's syslog lines (LOG_DAEMON, notice for events) for tunnel up,
#      auth ok, address assigned, session down carry the tunnel and session ids,
#      the peer's address:port and the user; the client's stderr lines carry the
#      ids and the LNS's address:port.  After the client leaves, the LNS counts the
#      StopCCN it received by result code.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
L2TPX_NS_PREFIX=${L2TPX_NS_PREFIX:-l2m$$-}
# shellcheck source-path=SCRIPTDIR source=../scripts/netns.sh
. "$REPO/scripts/netns.sh"

N=25		# pings through the static session
PORT=9469
T=
PIDS=""
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else nok "$what"; fi; }

cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	netns_down
	[ -n "$T" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { echo "Bail out! must run as root"; exit 1; }
for t in curl ethtool timeout; do
	command -v "$t" >/dev/null || { echo "Bail out! $t not installed (scripts/deps.sh)"; exit 1; }
done
"$L2TPX_PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	{ echo "Bail out! no python3-prometheus-client (scripts/deps.sh)"; exit 1; }
T=$(mktemp -d /tmp/l2tpx-e2e-metrics.XXXXXX) || exit 1
chmod 755 "$T"

# mval FILE REGEX: the value of the one sample line matching REGEX (empty if none).
mval() { grep -E "$2" "$1" | awk '{print $NF}' | head -n 1; }
# families FILE: the sorted family names declared by # TYPE lines.
families() { awk '$1 == "#" && $2 == "TYPE" {print $3}' "$1" | sort; }
# parses FILE: the independent parser reads every family and sample.
parses() {
	"$L2TPX_PY" -c '
import sys
from prometheus_client.parser import text_string_to_metric_families as p
fams = list(p(open(sys.argv[1]).read()))
assert len(fams) > 5 and sum(len(f.samples) for f in fams) > 10
' "$1"
}
js() {	# NS JSON-ARGS... | python expression over d
	local ns=$1 expr=$2
	shift 2
	nsctl "$ns" -j "$@" | "$L2TPX_PY" -c "import json,sys; d=json.load(sys.stdin); print($expr)"
}

echo "1..34"

# ---- 1. static sessions, no daemon -----------------------------------------------
if ! netns_up || ! netns_session_up 4; then
	echo "Bail out! namespace line or static sessions failed"
	exit 1
fi
nsctl lns metrics >"$T/m0.txt"
nsx sub ping -q -c "$N" -i 0.02 -W 1 "$NS_SRV4" >"$T/ping.txt" 2>&1
nsctl lns metrics >"$T/m1.txt"
rc=$?
SEL='tunnel_id="300",session_id="400",peer="192.0.2.1:1701",user=""'
rx=$(mval "$T/m1.txt" "^l2tpx_session_fast_packets_total\{$SEL,direction=\"rx\"\}")
tx=$(mval "$T/m1.txt" "^l2tpx_session_fast_packets_total\{$SEL,direction=\"tx\"\}")
rxb=$(mval "$T/m1.txt" "^l2tpx_session_fast_bytes_total\{$SEL,direction=\"rx\"\}")
rx0=$(mval "$T/m0.txt" "^l2tpx_session_fast_packets_total\{$SEL,direction=\"rx\"\}")
if [ "$rc" = 0 ] && [ "${rx0:-x}" = 0 ] && [ "${rx:-x}" = "$N" ] && [ "${tx:-x}" = "$N" ]; then
	ok "static session, no daemon: metrics count the $N pings each way (rx $rx tx $tx)"
else
	nok "static session, no daemon: metrics count the $N pings each way" \
		"rc $rc before $rx0 rx $rx tx $tx" "$(tail -n 2 "$T/ping.txt")"
fi
[ "${rxb:-x}" = $((N * 84)) ] && ok "inner bytes: $N x 84 = $rxb" ||
	nok "inner bytes: $N x 84" "got $rxb"
jrx=$(js lns 'sum(s["rx_packets"] for s in d if s["tunnel"] == 300)' session show)
jtx=$(js lns 'sum(s["tx_packets"] for s in d if s["tunnel"] == 300)' session show)
[ "$jrx $jtx" = "$rx $tx" ] && ok "metrics equal -j session show ($jrx $jtx)" ||
	nok "metrics equal -j session show" "json $jrx $jtx, metrics $rx $tx"
dfwd=$(mval "$T/m1.txt" '^l2tpx_dp_packets_total\{reason="decap-fwd"\}')
jfwd=$(ns_stat lns decap-fwd)
[ -n "$dfwd" ] && [ "$dfwd" = "$jfwd" ] && [ "$dfwd" -ge "$N" ] &&
	ok "reason counter decap-fwd $dfwd equals -j stats" ||
	nok "reason counter decap-fwd equals -j stats" "metrics $dfwd json $jfwd"
[ "$(mval "$T/m1.txt" '^l2tpx_up\{source="daemon"\}')" = 0 ] &&
	[ "$(mval "$T/m1.txt" '^l2tpx_up\{source="dataplane"\}')" = 1 ] &&
	ok "without a daemon: up{daemon} 0, up{dataplane} 1" || nok "up gauges without a daemon"
check "prometheus_client parses l2tpxctl metrics" parses "$T/m1.txt"
nsctl lns metrics no-sessions >"$T/m1n.txt"
[ "$(mval "$T/m1n.txt" '^l2tpx_dp_packets_total\{reason="decap-fwd"\}')" = "$dfwd" ] &&
	! grep -q '^l2tpx_session_' "$T/m1n.txt" &&
	ok "metrics no-sessions: the totals, no per-session series" ||
	nok "metrics no-sessions" "$(grep -c '^l2tpx_session_' "$T/m1n.txt") session lines"

# ---- 2. the daemon: LNS in lns with syslog and metrics_listen, client in cli -------
printf 'alice\tlns\t"wonder land"\t*\n' >"$T/pap-secrets"
chmod 600 "$T/pap-secrets"
cat >"$T/lns.conf" <<EOC
[global]
listen = $NS_LNS_UP4
hostname = lns
ctl_socket = $T/lns.sock
auth = pap
auth_name = lns
pap_secrets = $T/pap-secrets
local_ip = 203.0.113.199
ip_range = 203.0.113.200-203.0.113.210
uplink = $NS_IF_LNS_UP
core = $NS_IF_LNS_CORE
subscriber_dev = l2tpxm0
ipv6cp = no
metrics_listen = $PORT
log_level = notice
EOC
cat >"$T/cli.conf" <<EOC
[global]
listen = $NS_CLI_UP4
hostname = cli
lns = no
ctl_socket = $T/cli.sock
subscriber_dev = l2tpxm1
ipv6cp = no
[lac up]
lns = $NS_LNS_UP4
user = alice
password = wonder land
redial = no
EOC

# syslog: a datagram socket of ours, seen as /dev/log by the LNS only (a private
# /dev in its mount namespace, with the few device nodes it needs bound in).
"$L2TPX_PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1)
end = time.time() + 300
with open(sys.argv[2], "ab", buffering=0) as f:
    while time.time() < end:
        try:
            f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
        except socket.timeout:
            pass
' "$T/syslog.sock" "$T/syslog.txt" &
PIDS="$PIDS $!"
wait_until 5 test -S "$T/syslog.sock"
mkdir "$T/dev" "$T/dev2"
BPFFS=$(ns_bpffs lns) || { echo "Bail out! no bpffs for lns"; exit 1; }
# in_lns_syslog DEVDIR CMD...: CMD in lns with its bpffs and a private /dev whose
# log is our socket.  Everything execs on (the function's subshell too): with `&`,
# $! is CMD itself.
in_lns_syslog() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec ip netns exec "$(ns_name lns)" sh -ec 'b=$1; d=$2; s=$3; shift 3
	mount --bind "$b" /sys/fs/bpf
	mount -t tmpfs tmpfs "$d"; mkdir "$d/net"
	for f in null zero urandom random net/tun; do touch "$d/$f"; mount --bind "/dev/$f" "$d/$f"; done
	touch "$d/log"; mount --bind "$s" "$d/log"; mount --rbind "$d" /dev
	exec "$@"' sh "$BPFFS" "$@"
}
in_lns_syslog "$T/dev" "$T/syslog.sock" "$L2TPXD" -d -S -c "$T/lns.conf" >"$T/lns.stderr" 2>&1 &
LNS_PID=$!
PIDS="$PIDS $LNS_PID"
wait_until 10 test -S "$T/lns.sock" || echo "# LNS control socket did not appear"
ip netns exec "$(ns_name cli)" "$L2TPXD" -d -c "$T/cli.conf" >"$T/cli.log" 2>&1 &
CLI_PID=$!
PIDS="$PIDS $CLI_PID"
up() { grep -q "IPCP up" "$T/cli.log" && grep -q "IPCP up" "$T/syslog.txt"; }
if wait_until 20 up; then
	ok "PAP call from the client reached IPCP and the LNS's data plane"
else
	nok "PAP call reached IPCP and the data plane" "$(tail -n 5 "$T/cli.log")" \
		"$(tail -n 5 "$T/syslog.txt")" "$(tail -n 3 "$T/lns.stderr")"
fi

lns_metrics() { nsctl lns -s "$T/lns.sock" metrics >"$1"; }
http_get() { nsx lns curl -s -m 5 -o "$2" -w '%{http_code}' "http://127.0.0.1:$PORT$1"; }
lns_metrics "$T/c.txt"
code=$(http_get /metrics "$T/h.txt")
[ "$code" = 200 ] && ok "GET /metrics answers 200" || nok "GET /metrics answers 200" "got $code"
if diff <(families "$T/c.txt") <(families "$T/h.txt") >"$T/fam.diff" &&
	[ "$(families "$T/h.txt" | wc -l)" -ge 30 ]; then
	ok "HTTP and l2tpxctl metrics show the same $(families "$T/h.txt" | wc -l) families"
else
	nok "HTTP and l2tpxctl metrics show the same families" "$(head -n 6 "$T/fam.diff")"
fi
check "prometheus_client parses the HTTP answer" parses "$T/h.txt"
CALL='[s for s in d if s["origin"] == "l2tpxd"]'
tid=$(js lns "${CALL}[0][\"tunnel\"]" -s "$T/lns.sock" session show)
sid=$(js lns "${CALL}[0][\"session\"]" -s "$T/lns.sock" session show)
US="tunnel_id=\"$tid\",session_id=\"$sid\",peer=\"$NS_CLI_UP4:1701\",user=\"alice\""
hs=$(mval "$T/h.txt" "^l2tpx_session_slow_packets_total\{$US,direction=\"rx\"\}")
hf=$(mval "$T/h.txt" "^l2tpx_session_fast_packets_total\{$US,direction=\"rx\"\}")
[ -n "$tid" ] && [ -n "$hs" ] && [ "$hs" -gt 0 ] && [ -n "$hf" ] &&
	ok "the call $tid/$sid of alice: slow-path frames $hs, in the fast path" ||
	nok "the call with its user in /metrics" "$tid/$sid slow '$hs' fast '$hf'" \
		"$(grep session_ "$T/h.txt" | head -n 4)"
[ "$(mval "$T/h.txt" '^l2tpx_ppp_auth_total\{result="ok"\}')" = 1 ] &&
	[ "$(mval "$T/h.txt" '^l2tpx_pool_addresses\{state="used"\}')" = 1 ] &&
	[ "$(mval "$T/h.txt" '^l2tpx_tunnels_established_total')" = 1 ] &&
	[ "$(mval "$T/h.txt" '^l2tpx_dp_sessions')" = 2 ] &&
	ok "auth ok 1, pool used 1, 1 tunnel established, 2 sessions in the maps" ||
	nok "control-plane counters" "$(grep -E '^l2tpx_(ppp_auth|pool|tunnels_est|dp_sess)' "$T/h.txt")"
# The static session is in the daemon's answer too, with the counts of part 1.
[ "$(mval "$T/h.txt" "^l2tpx_session_fast_packets_total\{$SEL,direction=\"rx\"\}")" = "$N" ] &&
	ok "the static session's count is in the daemon's answer too" ||
	nok "static session in the daemon's answer" "$(grep "$SEL" "$T/h.txt" | head -n 2)"

# docs/CLI.md's field tables are what -j prints: every documented field is there, and
# nothing undocumented (a tunnel, a call of the daemon in the fast path, stats daemon).
nsctl lns -j -s "$T/lns.sock" tunnel show >"$T/jt.json"
nsctl lns -j -s "$T/lns.sock" session show >"$T/js.json"
nsctl lns -j -s "$T/lns.sock" stats daemon >"$T/jd.json"
if "$L2TPX_PY" - "$REPO/docs/CLI.md" "$T" >"$T/jdoc.txt" 2>&1 <<'EOP'
import json, re, sys
doc, t = open(sys.argv[1]).read(), sys.argv[2]
def fields(head, stop="\n### "):
    sec = doc[doc.index(head):]
    sec = sec[:sec.index(stop, 1)] if stop in sec[1:] else sec
    out = set()
    for line in sec.splitlines():
        if line.startswith("| `"):
            out |= set(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return out
bad = []
tun = json.load(open(t + "/jt.json"))[0]
if set(tun) != fields("### `tunnel show`"):
    bad.append("tunnel show: %s" % (set(tun) ^ fields("### `tunnel show`")))
call = [c for c in json.load(open(t + "/js.json")) if c["origin"] == "l2tpxd"][0]
want = fields("### `session show`")
if set(call) != want:
    bad.append("session show (call): %s" % (set(call) ^ want))
st = json.load(open(t + "/jd.json"))
if set(st) != fields("### `stats daemon`"):
    bad.append("stats daemon: %s" % (set(st) ^ fields("### `stats daemon`")))
print("\n".join(bad) or "all documented")
sys.exit(1 if bad else 0)
EOP
then ok "docs/CLI.md documents exactly the fields of tunnel show, a call, stats daemon"
else nok "docs/CLI.md documents exactly the -j fields" "$(cat "$T/jdoc.txt")"; fi

# ---- 3. bad clients -----------------------------------------------------------------
c404=$(http_get /nope "$T/x")
c405=$(nsx lns curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$PORT/metrics")
[ "$c404 $c405" = "404 405" ] && ok "wrong path 404, POST 405" || nok "wrong path 404, POST 405" "got $c404 $c405"
# raw CLIENT-SCRIPT: python against the listener in lns; prints its verdict.
raw() {
	nsx lns "$L2TPX_PY" -c '
import socket, sys, time
port, what = int(sys.argv[1]), sys.argv[2]
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s
def status(s):
    try:
        b = s.recv(64)
    except (ConnectionResetError, socket.timeout):
        return "closed"
    return b.split(b" ")[1].decode() if b.startswith(b"HTTP/") else "closed"
if what == "garbage":
    s = conn(); s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n"); print(status(s))
elif what == "huge":
    s = conn()
    try:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    print(status(s))
elif what == "idle":
    held = [conn() for _ in range(100)]
    half = conn(); half.sendall(b"GET /metr")
    held.append(half)
    print("holding", len(held), flush=True)
    time.sleep(float(sys.argv[3]))
    for s in held: s.close()
' "$PORT" "$@"
}
g=$(raw garbage)
case $g in 400|closed) ok "a garbage request line gets $g" ;; *) nok "garbage request line gets 400" "got $g" ;; esac
h=$(raw huge)
case $h in 431|413|400|closed) ok "a 64 KiB header gets $h" ;; *) nok "a 64 KiB header is refused" "got $h" ;; esac
raw idle 8 >"$T/idle.txt" 2>&1 &
IDLE_PID=$!
PIDS="$PIDS $IDLE_PID"
wait_until 5 grep -q holding "$T/idle.txt"
t0=$SECONDS
code=$(http_get /metrics "$T/h2.txt")
[ "$code" = 200 ] && [ $((SECONDS - t0)) -le 2 ] &&
	ok "with 101 idle connections open, /metrics still answers at once" ||
	nok "/metrics with 101 idle connections" "code $code in $((SECONDS - t0)) s; $(cat "$T/idle.txt")"
check "with 101 idle connections open, the control socket still answers" \
	timeout 3 ip netns exec "$(ns_name lns)" "$L2TPXCTL" -s "$T/lns.sock" stats daemon
wait "$IDLE_PID" 2>/dev/null
check "after all bad clients the LNS is alive" kill -0 "$LNS_PID"
code=$(http_get /metrics "$T/h3.txt")
[ "$code" = 200 ] && ok "and answers /metrics (200)" || nok "and answers /metrics" "got $code"

# ---- 4. logs ------------------------------------------------------------------------
kill "$CLI_PID"
wait_until 10 grep -q "session down" "$T/syslog.txt"
PEER="$NS_CLI_UP4:1701"
ev() {	# WHAT REGEX: one syslog line of the LNS
	if grep -E "$2" "$T/syslog.txt" >/dev/null; then ok "syslog: $1"; else
		nok "syslog: $1" "/$2/ not in:" "$(grep -v -- '-> ' "$T/syslog.txt" | tail -n 8)"; fi
}
# <29> is LOG_DAEMON | LOG_NOTICE.
ev "tunnel up with ids and peer" "^<29>.*l2tpxd\[[0-9]+\]: tunnel $tid/[0-9]+ $PEER: established"
ev "auth ok with ids, peer and user" "^<29>.*ppp $tid/$sid $PEER user alice: authenticated"
ev "address assigned" "^<29>.*ppp $tid/$sid $PEER user alice: IPCP up: local 203\.0\.113\.199, peer 203\.0\.113\.2[01][0-9]"
ev "session down with ids, peer and user" "^<29>.*ppp $tid/$sid $PEER user alice: session down"
ev "the peer's StopCCN" "^<29>.*tunnel $tid/[0-9]+ $PEER: peer cleared the tunnel: StopCCN result 6"
if grep -q '^<31>' "$T/syslog.txt"; then nok "log_level = notice: no debug lines" "$(grep -m1 '^<31>' "$T/syslog.txt")"
else ok "log_level = notice: no debug or info lines reached syslog"; fi
check "the LNS's stderr stayed empty with -S" test ! -s "$T/lns.stderr"
if grep -Eq "^ppp [0-9]+/[0-9]+ $NS_LNS_UP4:1701 user alice: IPCP up: local 203\.0\.113\.2" "$T/cli.log" &&
	grep -Eq "^ppp [0-9]+/[0-9]+ $NS_LNS_UP4:1701 user alice: session down" "$T/cli.log"; then
	ok "client stderr: session up and down with ids and the LNS's address:port"
else
	nok "client stderr: session up and down lines" "$(grep -E 'ppp|tunnel' "$T/cli.log" | tail -n 4)"
fi
lns_metrics "$T/m2.txt"
[ "$(mval "$T/m2.txt" '^l2tpx_stopccn_total\{direction="received",result="6"\}')" = 1 ] &&
	[ "$(mval "$T/m2.txt" '^l2tpx_sessions ')" = 0 ] &&
	ok "after the client left: StopCCN result 6 received 1, no sessions" ||
	nok "StopCCN by result code" "$(grep -E 'stopccn|^l2tpx_sessions ' "$T/m2.txt")"

# ---- 5. fast_path = no for a peer (L2TP/IPsec): its call stays on the slow path -----
kill "$LNS_PID"
wait_until 10 bash -c "! kill -0 $LNS_PID"
printf '[peer %s]\nfast_path = no\n' "$NS_CLI_UP4" >>"$T/lns.conf"
sed -i "s/^metrics_listen = .*/metrics_listen = [::1]:$PORT/" "$T/lns.conf"
nsip lns -6 addr show dev lo | grep -q '::1' || nsip lns -6 addr add ::1/128 dev lo
rm -f "$T/lns.sock"
# shellcheck disable=SC2016 # expanded by the inner shell
ip netns exec "$(ns_name lns)" sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$BPFFS" \
	"$L2TPXD" -d -c "$T/lns.conf" >"$T/lns2.log" 2>&1 &
LNS_PID=$!
PIDS="$PIDS $LNS_PID"
wait_until 10 test -S "$T/lns.sock"
ip netns exec "$(ns_name cli)" "$L2TPXD" -d -c "$T/cli.conf" >"$T/cli2.log" 2>&1 &
CLI_PID=$!
PIDS="$PIDS $CLI_PID"
wait_until 20 grep -q "IPCP up" "$T/cli2.log"
nsx cli ping -q -c 5 -i 0.05 -W 1 203.0.113.199 >"$T/ping2.txt" 2>&1
prc=$?
fp=$(js lns "${CALL}[0][\"fast_path\"]" -s "$T/lns.sock" session show)
lns_metrics "$T/m3.txt"
c6=$(nsx lns curl -g -s -m 5 -o "$T/h6.txt" -w '%{http_code}' "http://[::1]:$PORT/metrics")
[ "$c6" = 200 ] && diff <(families "$T/m3.txt") <(families "$T/h6.txt") >/dev/null &&
	ok "metrics_listen = [::1]:$PORT answers over IPv6 with the same families" ||
	nok "metrics_listen over IPv6" "got $c6"
ssl=$(grep -E '^l2tpx_session_slow_packets_total\{.*user="alice",direction="rx"\}' "$T/m3.txt" | awk '{print $NF}')
if [ "$prc" = 0 ] && [ "$fp" = False ] && [ "$(mval "$T/m3.txt" '^l2tpx_dp_sessions')" = 1 ] &&
	[ "${ssl:-0}" -ge 5 ] && ! grep -q 'l2tpx_session_fast.*user="alice"' "$T/m3.txt"; then
	ok "fast_path = no: the call works (ping 5/5) on the slow path only ($ssl frames), not in the maps"
else
	nok "fast_path = no keeps the call on the slow path" "ping rc $prc fast_path $fp slow $ssl" \
		"$(grep -E 'dp_sessions|alice' "$T/m3.txt" | head -n 4)" "$(tail -n 3 "$T/lns2.log")"
fi

# ---- 6. without -d: l2tpxd detaches once set up, then logs to syslog ---------------
cat >"$T/bg.conf" <<EOC
[global]
listen = $NS_LNS_UP4
port = 1702
ctl_socket = $T/bg.sock
auth = none
subscriber_dev = l2tpxm2
ipv6cp = no
EOC
: >"$T/syslog.txt"
timeout 10 bash -c "$(declare -f in_lns_syslog); BPFFS='$BPFFS'; ns_name() { echo '$(ns_name lns)'; };
	in_lns_syslog '$T/dev2' '$T/syslog.sock' '$L2TPXD' -c '$T/bg.conf'" >"$T/bg.out" 2>&1
brc=$?
wait_until 5 grep -q "listening on port 1702" "$T/syslog.txt"
bgpid=$(sed -n 's/^<30>.*l2tpxd\[\([0-9]*\)\]: l2tpxd: listening on port 1702.*/\1/p' "$T/syslog.txt" | head -n 1)
if [ "$brc" = 0 ] && [ -n "$bgpid" ] && kill -0 "$bgpid" 2>/dev/null && ! grep -q "listening on port" "$T/bg.out" &&
	timeout 3 ip netns exec "$(ns_name lns)" "$L2TPXCTL" -s "$T/bg.sock" stats daemon >/dev/null; then
	ok "without -d: the starter returns 0, the detached daemon ($bgpid) logs to syslog (info), not stderr, and answers"
else
	nok "without -d: detaches and logs to syslog" "rc $brc pid '$bgpid' out $(head -c 300 "$T/bg.out")" \
		"$(tail -n 3 "$T/syslog.txt")"
fi
[ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null

[ "$failed" = 0 ]
