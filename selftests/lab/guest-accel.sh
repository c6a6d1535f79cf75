# SPDX-License-Identifier: GPL-2.0
# Guest side of `make interop-accel` (runs in the lab guest as /lab/scenario.sh;
# selftests/lab/interop-accel.sh boots it with hook-accel.sh on the host).
# xl2tpd + pppd (kernel mode, lcp-echo-interval 1) are the LNS; l2tpxd --accel
# fast-paths their session with XDP on eth0 and TC on ppp0.  The host's
# l2tpxd client dials in and runs what the guest asks of it (req-N.sh).
# Facts go to /lab/out/accel.txt as key=value; the host script judges them.
. /lab/common.sh
RES=$OUT/accel.txt
SOCK=/run/l2tpx-accel.sock
CTL="/lab/l2tpxctl -s $SOCK"
fact() { echo "$1=$2" >>"$RES"; echo "FACT $1=$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
NREQ=0
# host CMD: the host hook runs CMD (bash) and writes its output; waits <= 120 s.
host() {
	NREQ=$((NREQ + 1))
	echo "$*" >/lab/req-$NREQ.tmp && mv /lab/req-$NREQ.tmp /lab/req-$NREQ.sh
	for _ in $(seq 1200); do [ -e /lab/req-$NREQ.done ] && break; sleep 0.1; done
	cat /lab/req-$NREQ.out 2>/dev/null
}
accel_json() { $CTL -j accel show 2>/dev/null; }
# jget EXPR: python-free JSON probing is fragile; the guest has no python,
# so the daemon's JSON is saved and the host evaluates it.  Here only greps.
fast_up() { accel_json | grep -q '"path":"fast"'; }
wait_fast() { for _ in $(seq 150); do fast_up && return 0; sleep 0.1; done; return 1; }
start_accel() {
	/lab/l2tpxd -d -v --accel -c /run/accel.conf >"$OUT/l2tpxd-accel-$1.log" 2>&1 &
	APID=$!
	for _ in $(seq 1800); do [ -S $SOCK ] && break; kill -0 "$APID" 2>/dev/null || break; sleep 0.1; done
}
stop_accel() { kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null; rm -f $SOCK; }
ppp_rx() { cat /sys/class/net/ppp0/statistics/rx_packets 2>/dev/null || echo 0; }
echoreps() { grep -c 'rcvd \[LCP EchoRep' /run/lns/pppd.log 2>/dev/null || echo 0; }

sec "runtime libraries for l2tpx (into this run's overlay)"
t0=$(now_ms)
dpkg -i /lab/*.deb >"$OUT/dpkg.log" 2>&1
fact dpkg_rc $?
fact dpkg_ms $(($(now_ms) - t0))
/lab/l2tpxd -h >/dev/null 2>&1
fact l2tpxd_runs $?

load_l2tp_mods
write_chap_secrets
setup_eth0
write_lns_conf /run/lns 192.0.2.2
sed -i 's/^lcp-echo-interval .*/lcp-echo-interval 1/' /run/lns/options.ppp
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.ip_forward=1
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
# A server behind the LNS (netns srv, 198.51.100.2) on a veth "core" link:
# forwarded traffic, where XDP redirects both ways.  An XDP redirect into a
# veth needs a program on its far end; XDP on veth wants TX csum offload off.
ip netns add srv
ip link add vcore type veth peer name vsrv netns srv
ip addr add 198.51.100.1/24 dev vcore
ip link set vcore up
ip -n srv addr add 198.51.100.2/24 dev vsrv
ip -n srv link set lo up
ip -n srv link set vsrv up
ip -n srv route add default via 198.51.100.1
ethtool -K vcore tx off >/dev/null
ip netns exec srv ethtool -K vsrv tx off >/dev/null
ip -n srv link set dev vsrv xdpdrv obj /lab/xdp_noop.bpf.o sec xdp
fact srv_xdp_noop $?
cat >/run/accel.conf <<EOC
[global]
mode = accel
uplink = eth0
core = vcore
ctl_socket = $SOCK
EOC

sec "l2tpxd --accel before any call, then xl2tpd"
start_accel 1
PID=$(start_xl2tpd - /run/lns "$OUT/xl2tpd-lns.log")
for _ in $(seq 50); do ss -ulpn | grep -q ':1701' && break; sleep 0.1; done
touch "$OUT/ready"
for _ in $(seq 600); do ip -4 addr show ppp0 2>/dev/null | grep -q peer && break; sleep 0.1; done
PEER=$(ip -4 -o addr show dev ppp0 2>/dev/null | sed -n 's/.*peer \([0-9.]*\).*/\1/p')
fact ppp_peer "${PEER:-none}"
run ip -d addr show ppp0
cat /proc/net/pppol2tp >"$OUT/pppol2tp.txt" 2>&1
ip l2tp show tunnel >"$OUT/ip-l2tp.txt" 2>&1
ip l2tp show session >>"$OUT/ip-l2tp.txt" 2>&1
wait_fast
fact learned $?
accel_json >"$OUT/accel-learned.json"
$CTL accel show

sec "traffic both ways"
host ip route replace 198.51.100.0/24 dev ppp0
RX0=$(ppp_rx)
host ping -c 20 -i 0.2 -W 2 203.0.113.1 >"$OUT/ping-from-host.txt"
ping -c 20 -i 0.2 -W 2 "$PEER" >"$OUT/ping-from-guest.txt" 2>&1
fact ppp0_rx_during_fast $(($(ppp_rx) - RX0))
accel_json >"$OUT/accel-traffic.json"
$CTL -j stats >"$OUT/stats-traffic.json"
$CTL accel show

sec "pppd keeps its LCP echoes with XDP attached"
E0=$(echoreps)
sleep 12
fact echoreps_in_12s $(($(echoreps) - E0))
pidof pppd >/dev/null
fact pppd_alive $?
ip link show ppp0 >/dev/null 2>&1
fact ppp0_alive $?
grep -E 'LCP EchoReq|LCP EchoRep' /run/lns/pppd.log | tail -4

sec "restart: entries rebuilt from the kernel alone"
stop_accel
$CTL -j session show >"$OUT/session-while-down.json" 2>&1
TID=$(sed -n 's/.*"tunnel":\([0-9]*\).*/\1/p' "$OUT/accel-traffic.json" | head -1)
SID=$(sed -n 's/.*"session":\([0-9]*\).*/\1/p' "$OUT/accel-traffic.json" | head -1)
$CTL session del tunnel "$TID" session "$SID"
$CTL -j session show >"$OUT/session-after-del.json" 2>&1
start_accel 2
wait_fast
fact rebuilt $?
$CTL -j session show >"$OUT/session-rebuilt.json" 2>&1
host ping -c 10 -i 0.2 -W 2 203.0.113.1 >"$OUT/ping-after-restart.txt"
accel_json >"$OUT/accel-restart.json"

sec "bench: kernel pppol2tp vs the fast path (ping -f from the host)"
COUNT=${BENCH_COUNT:-2000}
stop_accel
tc qdisc del dev ppp0 clsact 2>/dev/null
$CTL unload
RX0=$(ppp_rx)
host ping -f -q -c $COUNT -W 1 203.0.113.1 >"$OUT/bench-kernel.txt"
fact bench_kernel_ppp0_rx $(($(ppp_rx) - RX0))
host ping -f -q -c $COUNT -W 1 198.51.100.2 >"$OUT/bench-kernel-fwd.txt"
start_accel 3
wait_fast
fact bench_fast_ready $?
RX0=$(ppp_rx)
host ping -f -q -c $COUNT -W 1 203.0.113.1 >"$OUT/bench-fast.txt"
fact bench_fast_ppp0_rx $(($(ppp_rx) - RX0))
$CTL -j stats >"$OUT/stats-bench-local.json"
host ping -f -q -c $COUNT -W 1 198.51.100.2 >"$OUT/bench-fast-fwd.txt"
accel_json >"$OUT/accel-bench.json"
$CTL -j stats >"$OUT/stats-bench.json"
cat "$OUT"/bench-*.txt
# Throughput rounds (ping -f with 16 in flight, 4000 each), alternating: the kernel
# rounds keep the programs attached but the entry deleted (XDP parses and
# passes), the fast rounds restart l2tpxd --accel on the pinned maps.  The
# machine is shared and emulated: single figures drift, medians less.
bench_one() {
	for t in 203.0.113.1 198.51.100.2; do
		host ping -f -q -l 16 -c $((COUNT * 2)) -W 1 $t >/run/bench-one.txt
		sed -n 's/.*transmitted, \([0-9]*\) received.*time \([0-9]*\)ms.*/\1 \2/p' /run/bench-one.txt |
			while read -r rcv ms; do
				echo "round=$1 path=$2 to=$t received=$rcv ms=$ms pps=$((rcv * 1000 / (ms > 0 ? ms : 1)))"
			done >>"$OUT/bench.txt"
	done
}
for r in 1 2 3 4 5; do
	stop_accel
	$CTL session del tunnel "$TID" session "$SID"
	bench_one $r kernel
	start_accel b$r
	wait_fast
	bench_one $r fast
done
cat "$OUT/bench.txt"

sec "the call ends: entries leave"
host 'kill $LAC_PID; sleep 1' >/dev/null
for _ in $(seq 150); do ip link show ppp0 >/dev/null 2>&1 || break; sleep 0.1; done
for _ in $(seq 100); do fast_up || break; sleep 0.1; done
sleep 0.5
accel_json >"$OUT/accel-after-hangup.json"
$CTL -j session show >"$OUT/session-after-hangup.json" 2>&1
grep -h 'accel' "$OUT"/l2tpxd-accel-3.log | tail -5

sec "done"
host exit >/dev/null
stop_accel
$CTL unload
kill "$PID"
ip netns del srv
sleep 1
cp /run/lns/pppd.log "$OUT/pppd-lns.log" 2>/dev/null
touch /lab/host-done
exit 0
