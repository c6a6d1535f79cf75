#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packet-rate benchmarks on real veths (part of `make bench`): forwarding through
# l2tpx next to baselines measured in the same run, session scale, and decap
# spread over CPUs.  Prints Markdown on stdout; writes gnuplot data to $1.
#
# Topology: scripts/netns.sh's line without its data plane (L2TPX_NS_NODP=1):
#   cli (generator for decap, sink for encap) -- lns (the forwarder under test)
#   -- srv (sink for decap, generator for encap); sub is unused.
# Generator: build/bench/trafgen gen (live-frames BPF_PROG_TEST_RUN, XDP_TX)
# pinned to CPU 0; sink: trafgen's counting XDP_DROP program on the far veth.
# The rate is what the sink counted, divided by the generator's run time.
#
# Environment: L2TPX_BENCH_SECS (per run, default 3), L2TPX_BENCH_RUNS (median
# of, default 3), L2TPX_BENCH_SCALE (session counts, default
# "1 1000 100000 1000000"), L2TPX_BUILD.
set -uo pipefail

outdir=${1:?usage: bench-net.sh DATADIR}
mkdir -p "$outdir"
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
L2TPX_NS_NODP=1
L2TPX_NS_PREFIX=l2xb$$-
TG=$L2TPX_BUILD/bench/trafgen
SECS=${L2TPX_BENCH_SECS:-3}
RUNS=${L2TPX_BENCH_RUNS:-3}
SCALE=${L2TPX_BENCH_SCALE:-"1 1000 100000 1000000"}
BURST=16	# frames per session in a row, for the second traffic pattern of the scale table
GEN_CPU=0

trap netns_down EXIT
netns_up >&2 || { echo "bench-net: topology setup failed" >&2; exit 1; }
for n in cli lns srv; do nsx "$n" ethtool -K "$(
	case $n in cli) echo "$NS_IF_CLI_UP" ;; lns) echo "$NS_IF_LNS_UP" ;; srv) echo "$NS_IF_SRV" ;; esac
)" gro off >/dev/null 2>&1; done

MAC_CLI=$(ns_mac cli "$NS_IF_CLI_UP")
MAC_LNS_UP=$(ns_mac lns "$NS_IF_LNS_UP")
MAC_LNS_CORE=$(ns_mac lns "$NS_IF_LNS_CORE")
MAC_SRV=$(ns_mac srv "$NS_IF_SRV")

# Frames of each direction (trafgen gen options after -s/-n).
# decap: L2TP from the LAC (cli) to the LNS, inner sub -> srv; plain: the same
# inner packet without the tunnel.  encap: srv -> subscriber; plain: srv -> cli.
gen_decap() { echo "cli $NS_IF_CLI_UP -m l2tp --smac $MAC_CLI --dmac $MAC_LNS_UP --src $NS_CLI_UP4 --dst $NS_LNS_UP4 --isrc $NS_SUB4 --idst $NS_SRV4"; }
gen_plain_up() { echo "cli $NS_IF_CLI_UP -m ip4 --smac $MAC_CLI --dmac $MAC_LNS_UP --src $NS_SUB4 --dst $NS_SRV4"; }
gen_encap4() { echo "srv $NS_IF_SRV -m ip4 --smac $MAC_SRV --dmac $MAC_LNS_CORE --src $NS_SRV4 --dst $NS_SUB4"; }
gen_encap6() { echo "srv $NS_IF_SRV -m ip6 --smac $MAC_SRV --dmac $MAC_LNS_CORE --src $NS_SRV6 --dst 2001:db8:100::1"; }
gen_plain_down() { echo "srv $NS_IF_SRV -m ip4 --smac $MAC_SRV --dmac $MAC_LNS_CORE --src $NS_SRV4 --dst $NS_CLI_UP4"; }

# The forwarder's configurations.
lns_clear() {
	nsx lns "$TG" detach "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE"
	nsbpf lns "$L2TPXCTL" unload >/dev/null 2>&1
	nsbpf lns sh -c 'rm -rf /sys/fs/bpf/l2tpx' 2>/dev/null
	return 0
}
lns_noop() { ns_xdp_noop lns "$NS_IF_LNS_UP" && ns_xdp_noop lns "$NS_IF_LNS_CORE"; }
lns_l3fwd() { nsx lns "$TG" fwd "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE"; }
lns_sinks() { nsx lns "$TG" sink "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE"; }
# lns_l2tpx SESSIONS [load options]: the data plane with SESSIONS bench sessions.
lns_l2tpx() {
	local n=$1
	shift
	# shellcheck disable=SC2016
	nsbpf lns sh -ec '"$0" load max-sessions "$1" $2 >/dev/null 2>&1
		"$0" attach "$3" uplink >/dev/null 2>&1; "$0" attach "$4" core >/dev/null 2>&1
		"$5" install -n "$6" --local "$7" --peer "$8" --addr4 "$9"' \
		"$L2TPXCTL" "$((n < 65536 ? 65536 : n))" "$*" "$NS_IF_LNS_UP" "$NS_IF_LNS_CORE" \
		"$TG" "$n" "$NS_LNS_UP4" "$NS_CLI_UP4" "$NS_SUB4"
}

sinks_up() {
	nsx cli "$TG" sink "$NS_IF_CLI_UP" && nsx srv "$TG" sink "$NS_IF_SRV"
}

offered() { cat "$outdir/.offered"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

# measure_at SINK_NS SINK_IF "GEN" SIZE NSESS: median Mpps the sink SINK_IF
# counted over RUNS runs of the generator GEN ("ns if options"), pinned to
# GEN_CPU; offered() then says the median generator Mpps.
measure_at() {
	local sns=$1 sif=$2 g=$3 size=$4 n=$5 gns r c0 c1 out rates="" offs=""
	gns=${g%% *}
	for ((r = 0; r < RUNS; r++)); do
		c0=$(nsx "$sns" "$TG" count "$sif") || return 1
		# shellcheck disable=SC2086 # g is a word list
		out=$(nsx "$gns" "$TG" gen ${g#"$gns "} -s "$size" -n "$n" -t "$SECS" -c "$GEN_CPU") ||
			return 1
		c1=$(nsx "$sns" "$TG" count "$sif") || return 1
		set -- $out	# frames F seconds S mpps M ...
		rates="$rates $(awk -v d=$((c1 - c0)) -v s="$4" 'BEGIN { printf "%.3f", d / s / 1e6 }')"
		offs="$offs $6"
	done
	tr ' ' '\n' <<<"$offs" | grep . | median >"$outdir/.offered"
	tr ' ' '\n' <<<"$rates" | grep . | median
}

# measure "GEN" SIZE NSESS: through lns, counted on the far side.
measure() {
	if [ "${1%% *}" = cli ]; then measure_at srv "$NS_IF_SRV" "$@"; else
		measure_at cli "$NS_IF_CLI_UP" "$@"; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "–" }'; }

# ---- 1. forwarding ------------------------------------------------------------

sinks_up || exit 1
declare -A R
for dir in decap encap; do
	for size in 64 1400; do
		if [ $dir = decap ]; then plain=$(gen_plain_up) tun=$(gen_decap); else
			plain=$(gen_plain_down) tun=$(gen_encap4); fi
		lns_clear; lns_sinks
		if [ $dir = decap ]; then lif=$NS_IF_LNS_UP; else lif=$NS_IF_LNS_CORE; fi
		R[$dir,$size,ceil]=$(measure_at lns "$lif" "$plain" "$size" 1)
		lns_clear; lns_l3fwd
		R[$dir,$size,l3fwd]=$(measure "$plain" "$size" 1)
		lns_clear; lns_noop
		R[$dir,$size,kernel]=$(measure "$plain" "$size" 1)
		lns_clear; lns_l2tpx 1 >/dev/null
		R[$dir,$size,l2tpx]=$(measure "$tun" "$size" 1)
		echo "bench-net: $dir $size B: ceiling ${R[$dir,$size,ceil]} l3fwd ${R[$dir,$size,l3fwd]}" \
			"kernel ${R[$dir,$size,kernel]} l2tpx ${R[$dir,$size,l2tpx]} Mpps" >&2
	done
done
lns_clear

# (b) l2tpx's slow path: l2tpxd as LNS without XDP (UDP socket and TUN), a call
# from l2tpxd as client in cli (CHAP, IPCP); the generator then sends that call's
# data (decap) or traffic to its address (encap).  xdp_noop on the lns veths
# only lets them accept the generator's XDP frames.
W=$(mktemp -d /tmp/l2tpx-bench-slow.XXXXXX)
SLOW_PIDS=
slow_down() {
	local p
	for p in $SLOW_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SLOW_PIDS; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	SLOW_PIDS=
	rm -rf "$W"
}
slow_up() {
	printf 'bench * "bench-pw" *\n' >"$W/chap"
	chmod 600 "$W/chap"
	printf '[global]\nlisten = %s\nhostname = lns\nctl_socket = %s\nip_range = 198.51.100.10-198.51.100.20\nlocal_ip = 198.51.100.1\nauth = chap\nauth_name = lns\nchap_secrets = %s\nsubscriber_dev = l2tpxs0\n' \
		"$NS_LNS_UP4" "$W/lns.sock" "$W/chap" >"$W/lns.conf"
	printf '[global]\nlisten = %s\nhostname = cli\nlns = no\nctl_socket = %s\nsubscriber_dev = ppp0\n[lac up]\nlns = %s\nuser = bench\npassword = bench-pw\nredial = no\n' \
		"$NS_CLI_UP4" "$W/cli.sock" "$NS_LNS_UP4" >"$W/cli.conf"
	lns_clear
	lns_noop || return 1
	nsx cli "$TG" detach "$NS_IF_CLI_UP"
	ns_xdp_noop cli "$NS_IF_CLI_UP" || return 1
	ip netns exec "$(ns_name lns)" "$L2TPXD" -d -c "$W/lns.conf" >"$W/lns.log" 2>&1 &
	SLOW_PIDS="$SLOW_PIDS $!"
	wait_until 10 test -S "$W/lns.sock" || return 1
	ip netns exec "$(ns_name cli)" "$L2TPXD" -d -c "$W/cli.conf" >"$W/cli.log" 2>&1 &
	SLOW_PIDS="$SLOW_PIDS $!"
	# shellcheck disable=SC2016
	wait_until 20 sh -c '"$0" -j -s "$1" session show 2>/dev/null | grep -q peer_ip' \
		"$L2TPXCTL" "$W/lns.sock" || return 1
	read -r SLOW_T SLOW_S SLOW_IP < <(nsx lns "$L2TPXCTL" -j -s "$W/lns.sock" session show |
		"$L2TPX_PY" -c '
import json, sys
for e in json.load(sys.stdin):
    if e.get("peer_ip"):
        print(e["tunnel"], e["session"], e["peer_ip"]); break')
	[ -n "${SLOW_IP:-}" ]
}
if slow_up; then
	for size in 64 1400; do
		g="cli $NS_IF_CLI_UP -m l2tp --smac $MAC_CLI --dmac $MAC_LNS_UP --src $NS_CLI_UP4 --dst $NS_LNS_UP4 --isrc $SLOW_IP --idst $NS_SRV4 --tunnel $SLOW_T --session $SLOW_S"
		R[decap,$size,slow]=$(measure "$g" "$size" 1)
	done
	# encap: the client's side of the link becomes the sink (its control
	# traffic is dropped too, for the few seconds of the runs)
	nsx cli "$TG" sink "$NS_IF_CLI_UP"
	for size in 64 1400; do
		g="srv $NS_IF_SRV -m ip4 --smac $MAC_SRV --dmac $MAC_LNS_CORE --src $NS_SRV4 --dst $SLOW_IP"
		R[encap,$size,slow]=$(measure "$g" "$size" 1)
	done
	echo "bench-net: slow path (call $SLOW_T/$SLOW_S, $SLOW_IP): decap ${R[decap,64,slow]}/${R[decap,1400,slow]}" \
		"encap ${R[encap,64,slow]}/${R[encap,1400,slow]} Mpps" >&2
else
	echo "bench-net: slow path: no call came up; see $W/*.log" >&2
	tail -n 20 "$W"/*.log >&2
fi
slow_down
lns_clear
sinks_up

{
	echo "# dir size ceiling l3fwd kernel l2tpx slow"
	for dir in decap encap; do for size in 64 1400; do
		echo "$dir-$size ${R[$dir,$size,ceil]} ${R[$dir,$size,l3fwd]} ${R[$dir,$size,kernel]} ${R[$dir,$size,l2tpx]} ${R[$dir,$size,slow]:-0}"
	done; done
} >"$outdir/fwd.dat"

echo "### Forwarding, one session (Mpps counted at the sink; ratios to baselines of this run)"
echo
echo "| direction | inner | generator ceiling | (a) XDP L3 forwarder | (c) kernel forwarding | (b) l2tpx slow path | **l2tpx fast path** | l2tpx ÷ (a) (target ≥ 0.9) | l2tpx ÷ (b) (target ≥ 10) | l2tpx ÷ (c) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for dir in decap encap; do for size in 64 1400; do
	l=${R[$dir,$size,l2tpx]}
	sl=${R[$dir,$size,slow]:-–}
	echo "| $dir + forward | $size B | ${R[$dir,$size,ceil]} | ${R[$dir,$size,l3fwd]} | ${R[$dir,$size,kernel]} | $sl | **$l** | $(ratio "$l" "${R[$dir,$size,l3fwd]}") | $(ratio "$l" "$sl") | $(ratio "$l" "${R[$dir,$size,kernel]}") |"
done; done
echo

# ---- 2. scale -------------------------------------------------------------------

echo "### Sessions installed (64 B inner, traffic spread over all of them)"
echo
echo "| sessions | install s (batched) | decap Mpps | × rate at 1 (target ≥ 0.95) | encap Mpps (inner IPv6) | × rate at 1 | decap, bursts of $BURST | × rate at 1 | max-sessions | map memlock MiB | bytes per session slot |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
: >"$outdir/scale.dat"
base_d= base_e= base_b=
for n in $SCALE; do
	lns_clear
	inst=$(lns_l2tpx "$n") || { echo "bench-net: install of $n sessions failed" >&2; continue; }
	d=$(measure "$(gen_decap)" 64 "$n")
	e=$(measure "$(gen_encap6)" 64 "$n")
	bd=$(measure "$(gen_decap) -b $BURST" 64 "$n")
	# The pinned maps of this data plane (bpftool map show alone lists every
	# map of the host, other namespaces' too).
	mem=0
	for m in l2tpx_sessions l2tpx_dst4 l2tpx_dst6 l2tpx_fast l2tpx_fast4 l2tpx_fast6 l2tpx_sstats; do
		mem=$((mem + $(nsbpf lns bpftool -j map show pinned "/sys/fs/bpf/l2tpx/$m" |
			"$L2TPX_PY" -c 'import json, sys; print(json.load(sys.stdin).get("bytes_memlock", 0))')))
	done
	: "${base_d:=$d}" "${base_e:=$e}" "${base_b:=$bd}"
	echo "$n $d $e $mem $bd" >>"$outdir/scale.dat"
	echo "bench-net: $n sessions: decap $d encap $e bursts $bd Mpps, memlock $mem" >&2
	max=$((n < 65536 ? 65536 : n))
	echo "| $n | $(awk '{print $4}' <<<"$inst") | $d | $(ratio "$d" "$base_d") | $e | $(ratio "$e" "$base_e") | $bd | $(ratio "$bd" "$base_b") | $max | $(awk -v m="$mem" 'BEGIN { printf "%.1f", m / 1048576 }') | $(awk -v m="$mem" -v n="$max" 'BEGIN { printf "%.0f", m / n }') |"
done
lns_clear
echo
echo "Memory: bytes_memlock of l2tpx_sessions, l2tpx_dst4, l2tpx_dst6, the fast copies"
echo "(l2tpx_fast, l2tpx_fast4, l2tpx_fast6) and l2tpx_sstats"
echo "(\`bpftool map show\`, the per-session maps; LPM tries are not preallocated and"
echo "hold no entries here), all sized by max-sessions (the bench loads with at least"
echo "65536): bytes per session slot = memlock / max-sessions, what each session of a"
echo "full data plane costs in kernel memory."
echo
echo "Traffic patterns: round-robin (frame i to session i mod N) makes every frame"
echo "touch another session's map entries: past what the CPU caches hold (about 1,000"
echo "sessions here), each frame waits on memory for its session's fast copy and its"
echo "counters and, for encap, its address's fast copy (one cache line each, see"
echo "docs/MAPS.md), with a page walk for each in a VM. \"bursts of $BURST\" sends $BURST"
echo "frames of a session in a row, as a NAPI batch holds several frames of one flow."
echo

# ---- 3. spread over CPUs ---------------------------------------------------------

# One tunnel, 1000 sessions: one outer 5-tuple, so one RX queue.  The generator and
# the uplink program (veth receive work runs where the generator sends) share
# CPU 0; with spreading, the second stage (decap, FIB, redirect) runs from the
# cpumap on the CPU each session hashes to.
echo "### One tunnel on two cores: decap spread by session (64 B inner, 1000 sessions of tunnel 1)"
echo
echo "| decap runs on | load options | offered Mpps | delivered Mpps | loss | × one core (target ≥ 1.7) |"
echo "|---|---|---|---|---|---|"
: >"$outdir/spread.dat"
base=
i=0
for cfg in "CPU 0 only, with the generator|" "CPU 1, fed by CPU 0|spread-cpus 1 spread-first 1" \
	"CPUs 0 and 1|spread-cpus 2"; do
	what=${cfg%%|*} opts=${cfg#*|}
	lns_clear
	# shellcheck disable=SC2086 # opts is a word list
	lns_l2tpx 1000 $opts >/dev/null || { echo "bench-net: load $opts failed" >&2; continue; }
	r=$(measure "$(gen_decap)" 64 1000)
	o=$(offered)
	: "${base:=$r}"
	i=$((i + 1))
	echo "$i \"$what\" $r $o" >>"$outdir/spread.dat"
	echo "bench-net: spread [$what]: offered $o delivered $r Mpps" >&2
	echo "| $what | ${opts:-(none)} | $o | $r | $(awk -v o="$o" -v s="$r" 'BEGIN { if (o > 0) printf "%.1f %%", 100 * (1 - s / o) }') | $(ratio "$r" "$base") |"
done
lns_clear
echo
echo "The generator needs a core of its own to offer more than one core can forward; on"
echo "a 2-CPU machine it shares CPU 0 with the uplink's first stage, so the rows show"
echo "what moving decap off the receiving CPU gains, and what CPU 0 has left for a"
echo "second stage beside the generator."
echo
