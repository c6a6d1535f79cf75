#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make bench` runs: times the data-plane programs with bench/prog_cost (which
# make builds; this script builds nothing) and writes docs/BENCHMARKS.md with the
# machine, the exact command and the table.  Needs root: prog_cost makes a private
# network namespace and loads BPF.
#
# Environment:
#   L2TPX_BUILD        build directory (default <repo>/build)
#   L2TPX_BENCH_ARGS   prog_cost options (default "-r 1000000 -n 9 -s 10000")
#   L2TPX_BENCH_OUT    file to write (default <repo>/docs/BENCHMARKS.md; "-" for stdout)
#   L2TPX_BENCH_NET    0 skips the packet-rate runs on veths (scripts/bench-net.sh)
#   L2TPX_BENCH_CTRL   0 skips the control-plane runs (scripts/bench-ctrl.sh, which
#                      reads L2TPX_BENCH_CALLS and L2TPX_BENCH_TUNNELS)
#   (bench-net.sh reads L2TPX_BENCH_SECS, L2TPX_BENCH_RUNS, L2TPX_BENCH_SCALE)
#
# Exit status: prog_cost's.  When it printed its table but some row did not take its
# intended path (status 3), the file is still written, with those rows marked INVALID.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${L2TPX_BUILD:-$repo/build}
out=${L2TPX_BENCH_OUT:-$repo/docs/BENCHMARKS.md}
args=${L2TPX_BENCH_ARGS:--r 1000000 -n 9 -s 10000}
tool=$build/bench/prog_cost

if [ ! -x "$tool" ]; then
	echo "bench: $tool is missing: \`make bench\` builds it" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (a network namespace of its own, BPF)" >&2
	exit 1
fi

# The source as it is before this run writes its plots and page.
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit + uncommitted changes"
fi
table=$(mktemp)
doc=$(mktemp)
net=$(mktemp)
data=$(mktemp -d)
trap 'rm -rf "$table" "$doc" "$net" "$net.ctrl" "$data"' EXIT

# The command as run, relative to the repository when it lies inside it.
shown=${tool#"$repo"/}
echo "bench: $shown $args" >&2
start=$SECONDS
status=0
# shellcheck disable=SC2086 # args is a list of options
"$tool" $args >"$table" || status=$?
took=$((SECONDS - start))
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
	echo "bench: prog_cost failed (status $status); $out left as it was" >&2
	exit "$status"
fi

# Packet rates through real veths, and their plots next to the output file.
net_status=0
net_cmd="scripts/bench-net.sh DATADIR (L2TPX_BENCH_SECS=${L2TPX_BENCH_SECS:-3} L2TPX_BENCH_RUNS=${L2TPX_BENCH_RUNS:-3} L2TPX_BENCH_SCALE=\"${L2TPX_BENCH_SCALE:-1 1000 100000 1000000}\")"
net_start=$SECONDS
if [ "${L2TPX_BENCH_NET:-1}" != 0 ]; then
	echo "bench: $net_cmd" >&2
	L2TPX_BUILD=$build "$repo/scripts/bench-net.sh" "$data" >"$net" || net_status=$?
fi
net_took=$((SECONDS - net_start))
ctrl_status=0
ctrl_cmd="scripts/bench-ctrl.sh DATADIR (L2TPX_BENCH_CALLS=\"${L2TPX_BENCH_CALLS:-1000 10000}\" L2TPX_BENCH_TUNNELS=${L2TPX_BENCH_TUNNELS:-10})"
ctrl_start=$SECONDS
if [ "${L2TPX_BENCH_CTRL:-1}" != 0 ]; then
	echo "bench: $ctrl_cmd" >&2
	L2TPX_BUILD=$build "$repo/scripts/bench-ctrl.sh" "$data" >"$net.ctrl" || ctrl_status=$?
fi
ctrl_took=$((SECONDS - ctrl_start))
plots=
if [ -s "$data/fwd.dat" ] && command -v gnuplot >/dev/null && [ "$out" != - ]; then
	pdir=$(dirname "$out")
	gnuplot <<EOG && plots=yes
set terminal pngcairo size 900,500 noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "Mpps at the sink"
set key top right
set grid ytics
set output "$pdir/bench-forwarding.png"
set title "Forwarding, one session: l2tpx next to its baselines (same run)"
plot "$data/fwd.dat" using 2:xtic(1) title "generator ceiling", \\
     "" using 3 title "(a) XDP L3 forwarder", \\
     "" using 4 title "(c) kernel forwarding", \\
     "" using 5 title "l2tpx fast path"
set output "$pdir/bench-scale.png"
set title "Rate with N sessions installed, traffic spread over all (64 B)"
set style data linespoints
set logscale x
set xlabel "sessions installed"
set yrange [0:*]
plot "$data/scale.dat" using 1:2 title "decap + forward", "" using 1:3 title "encap + forward", \\
     "" using 1:5 title "decap + forward, bursts of 16"
EOG
fi

cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n1)
[ -n "$cpu_model" ] || cpu_model=$(uname -m)
vm=$(systemd-detect-virt --vm 2>/dev/null || true)
container=$(systemd-detect-virt --container 2>/dev/null || true)
virt=
[ -n "$vm" ] && [ "$vm" != none ] && virt="VM: $vm"
[ -n "$container" ] && [ "$container" != none ] && virt="${virt:+$virt, }container: $container"
clang_v=$(${CLANG:-clang} --version 2>/dev/null | head -n1 || true)
libbpf_v=$(pkg-config --modversion libbpf 2>/dev/null || echo unknown)

{
	cat <<EOF
# Benchmarks

Per-packet cost of the l2tpx data-plane programs, timed with \`BPF_PROG_TEST_RUN\`, next
to a no-op XDP program timed in the same run. Absolute figures drift from machine to
machine and from run to run; compare the **× no-op** column, and between rows of one
run. This file is written by \`make bench\` (\`scripts/bench.sh\`); do not edit it by hand.

## This run

- Command: \`make bench\` (as root), which ran \`$shown $args\` (${took} s),
  \`$net_cmd\` (${net_took} s) and \`$ctrl_cmd\` (${ctrl_took} s)
- Machine: $(nproc) CPUs, ${cpu_model}${virt:+ ($virt)}; kernel $(uname -r)
- Toolchain: ${clang_v:-clang unknown}; libbpf ${libbpf_v}
- Source: commit ${commit}; $(date -u '+%Y-%m-%d %H:%M UTC')

EOF
	if [ "$status" -eq 3 ]; then
		cat <<'EOF'
**Rows marked INVALID did not take the path they are meant to time** (the reason
counters or the verdict say which path they took): their figures are the cost of that
other path, and `make bench` exits non-zero until they do.

EOF
	fi
	if [ -s "$net" ] || [ -s "$net.ctrl" ]; then
		echo "## Targets"
		echo
		echo "Each target is a ratio to a baseline of this run (or a rate); a missed one says"
		echo "what limits it. Taken on a shared machine, the figures carry its noise."
		echo
		"${L2TPX_PY:-/usr/bin/python3}" "$repo/scripts/bench-targets.py" "$data"
		echo
	fi
	if [ -s "$net" ]; then
		echo "## Packet rates through veths"
		echo
		cat <<'EOF'
Measured with `bench/trafgen` (a live-frames `BPF_PROG_TEST_RUN` generator) in the
namespaces of `scripts/netns.sh`: generator → forwarder under test → counting sink,
all on veths; see "How the packet rates are made" below. Compare the ratios: they
are to baselines measured in the same run.

EOF
		cat "$net"
		[ "$net_status" -eq 0 ] || echo "**bench-net.sh exited with status $net_status: some figures are missing.**"
		echo
		if [ -n "$plots" ]; then
			echo "![forwarding](bench-forwarding.png)"
			echo
			echo "![scale](bench-scale.png)"
			echo
		fi
	fi
	if [ -s "$net.ctrl" ]; then
		echo "## Control plane"
		echo
		cat "$net.ctrl"
		[ "$ctrl_status" -eq 0 ] || echo "**bench-ctrl.sh exited with status $ctrl_status: some figures are missing.**"
		echo
	fi
	echo "## Per-program cost (BPF_PROG_TEST_RUN)"
	echo
	cat "$table"
	cat <<'EOF'

## How the packet rates are made

- **Generator.** `trafgen gen` loads `trafgen_tx` (`bpf/bench_trafgen.bpf.c`) and
  makes one `BPF_PROG_TEST_RUN` call with `BPF_F_TEST_XDP_LIVE_FRAMES`, repeat
  2^32 − 1 and batch 64, on the generator's veth; `SIGALRM` ends it after the run
  time. The program rewrites the header bytes from a template on every frame (pages
  are recycled with what the receiver wrote into them) and returns `XDP_TX`, which
  the test run turns into a transmit on that veth. Frame i of a run belongs to
  session i mod N: the L2TP tunnel/session ids (decap) or the inner IPv6
  destination (encap) are rewritten for it, so every session lookup is real and
  traffic is spread evenly over all N sessions (the worst case for caches). One
  call per run: each test-run call attaches the program to the XDP dispatcher,
  which takes milliseconds. The generator is pinned to CPU 0; veth receive work
  runs as softirq on the same CPU.
- **Sink.** `trafgen sink` attaches `trafgen_sink` (count, `XDP_DROP`) to the far
  veth; the rate is the sink's count over the generator's run time, the median of
  the runs. "generator ceiling" is the same sink attached on the forwarder's
  receiving veth itself (nothing forwarded).
- **Topology.** `scripts/netns.sh` with `L2TPX_NS_NODP=1`: cli (192.0.2.1, the LAC)
  — lns (192.0.2.2 | 203.0.113.1, the forwarder) — srv (203.0.113.2), static
  neighbours, veth TX checksum offload and GRO off. Decap frames: cli → lns, L2TP
  data (IPv4 outer, no L/S/O bits, FF 03 0021) carrying IPv4/UDP 198.51.100.2 →
  203.0.113.2; encap frames: srv → lns, IPv4/UDP to 198.51.100.2 (forwarding
  table) or IPv6/UDP to 2001:db8:100::(i + 1) (scale table). The plain baselines
  forward the same inner packet without the tunnel (cli → srv, srv → cli).
- **(a) XDP L3 forwarder**: `trafgen_l3fwd` on both lns veths: `bpf_fib_lookup`,
  TTL − 1, MAC rewrite, `bpf_redirect_map` into a devmap — what l2tpx does after
  its decap or before its encap, without the tunnel: the limit. **(c) kernel
  forwarding**: `xdp_noop` (`XDP_PASS`) on the lns veths, so that the veth accepts
  the generator's XDP frames, then the kernel's IPv4 forwarding. **l2tpx**:
  `l2tpxctl load`, `attach` uplink and core, sessions installed by `trafgen
  install` through `dp_session_add_batch()` (batched map writes).
- **Scale.** For N sessions the data plane is loaded with max-sessions
  max(N, 65536) and N sessions installed (tunnel 1 + i / 65535, session
  1 + i % 65535, address 2001:db8:100::(i + 1)); 64 B inner, traffic round-robin
  over all N, so each frame touches another session's map entries. The ids are
  as l2tpxd gives them (a session id no other session has), so every session and
  address has its fast copy (docs/MAPS.md, "Fast copies").
- **Spread.** 1000 sessions of one tunnel (one outer 5-tuple, one RX queue), loaded
  without and with `spread-cpus 2`; the generator and the first stage share CPU 0,
  the second stage (decap, FIB, redirect) runs on the CPU each session hashes to.
  Loss is offered − delivered.

## What changed these figures

Before the fast copies (hash maps only, per-CPU counters), the same `make bench`
(2026-11-29 23:28 UTC, commit 732f75a) gave, at a million sessions, decap 0.32 and
encap 0.18 × the rate at one session and decap in bursts of 16 0.83; forwarding
0.69-0.78 × the XDP L3 forwarder. Compare the tables above. Profiles (`perf record
-a` during a run) had shown the session hash lookup at 8 % of a decap's cycles with
one session, and the address hash's chain walk at 62 % of an encap's cycles with a
million.

## How the per-program figures are made

- **One buffer, many runs.** A non-live `BPF_PROG_TEST_RUN` with `repeat` R runs the
  program R times on one buffer and resets nothing in between, neither the bytes nor
  `data`/`data_end` after `bpf_xdp_adjust_head`. After the first decap the frame is no
  longer L2TP, after the first encap it is already encapsulated, and TTLs walk down: the
  last table shows the shipped programs under a plain repeat, where all runs but the
  first time the pass-up path.
- **Restore.** Decap and encap are therefore timed through `bpf/bench_xdp.bpf.c`, which
  `#include`s `bpf/l2tp_xdp.bpf.c` (the code under test, not a copy) and adds entries
  that first put the frame back from a template (`bpf_xdp_adjust_head` to the template's
  length, `bpf_xdp_store_bytes` of the leading bytes the programs write) and then call
  the shipped worker `l2tpx_xdp()`. `bench_restore_only` does the restore alone; it is
  timed right after each wrapper, on the same template, and shown as the baseline.
  **ns/packet** = wrapper − restore-only + no-op: the program's cost as if it ran alone.
- **Direct rows** (no-op, parse-only, the FIB reference rows) leave the frame as they
  found it and are timed as they are; prog_cost checks that the frame came back unchanged.
- **Timing.** ns per run is the thread CPU time of one test-run call divided by R (the
  kernel's own figure is whole nanoseconds, too coarse next to a 6 ns no-op; the two
  agree within a nanosecond, see `prog_cost -v`). Every row is timed once per round,
  rounds over all rows, so drift touches every row alike; the table shows medians.
  prog_cost pins itself to one CPU.
- **Proof of path.** Every timed call reads `l2tpx_reasons` before and after: the
  intended reason must have moved by exactly R and no other reason at all, and the
  verdict must be the intended one. For decap and encap, the frame left by the last of
  R wrapped runs must equal what one run of the shipped program leaves on a fresh frame
  (outer IPv4 id and header checksum aside: the id is random). `l2tpx_parse_only`
  counts nothing, so `bench_parse_probe` (the same parse, with its reason counted) runs
  R times on the same frame and must count `decap-local` (parse-only's success) R times.
- **FIB success.** prog_cost runs in a network namespace of its own: veths `bx0`
  (uplink, 192.0.2.1/24, 2001:db8:1::1/64, LAC 192.0.2.2 / 2001:db8:1::2) and `bx1`
  (core, 203.0.113.1/24, 2001:db8:203::1/64, server 203.0.113.2 / 2001:db8:203::2) with
  permanent neighbours, a TUN `l2tpx0` routing the subscribers 198.51.100.0/24 and
  2001:db8:100::/48, forwarding on, both veths in `l2tpx_txports`, `xdp_noop` attached
  to them (a test run with an ingress ifindex needs the veth's XDP receive queue) and
  the ingress ifindex passed in the `xdp_md` context. Decap frames go LAC → server,
  encap frames server → subscriber. The verdict `REDIRECT` is what the program
  returned; a non-live test run does not redirect.
- **Frames.** "inner IP" is the length of the subscriber's IP packet (IPv4/UDP), "frame"
  the whole test-run input. L2TPv2 data messages carry no Length, Sequence or Offset
  fields and PPP `FF 03 0021`. Sessions are installed as `l2tpxctl session add` would
  with default options (MTU 1500); the rows name the options that differ.
- **TC.** A test run of a `SCHED_CLS` program parses the first 14 bytes as Ethernet and
  gives the program `skb->data` at byte 0, while `l2tpx_tc_encap` expects an IP header
  there (TUN device). An IPv6 packet whose source address carries 0x86dd in bytes 4–5
  (2001:db8:86dd::2) is both, so the TC rows use inner IPv6 (ICMPv6). Two differences
  remain: the skb has a 14-byte MAC header, so `bpf_skb_adjust_room(BPF_ADJ_ROOM_MAC)`
  opens its room 14 bytes in (same work, different bytes), and the test run's dummy
  socket makes sessions with an outer UDP checksum punt inner TCP/UDP (ICMPv6 is not
  affected). The verdict `TC_ACT_REDIRECT` is what `bpf_redirect_neigh` returned; the
  test run transmits nothing. After one encap `skb->encapsulation` stays set, and a
  second `bpf_skb_adjust_room` with encap flags fails with `-EALREADY`, so TC cannot be
  restored in BPF: it is timed one call at a time (repeat 1, median of S calls, kernel
  figure) next to `bench_tc_noop` timed the same way, and ns/packet = TC − TC no-op +
  no-op. Like the check column below, this way of timing reads higher than the restore
  rows by some tens of nanoseconds.
- **Check column.** The same one-call-at-a-time timing of the shipped XDP programs,
  without any wrapper, minus `xdp_noop` timed alike: an independent figure for the work
  above the no-op. It runs higher than ns/packet − no-op, because each call starts with
  caches disturbed by the system call around it; it should rank the rows alike.
- **Ratios.** The no-op is a few nanoseconds, so a few tenths of a nanosecond of drift
  in it moves every ratio by some percent; the ns columns of one run compare directly.
- **Mpps** is 1000 / ns/packet: a ceiling for the program alone on one core, not a
  forwarding rate; a real hop adds the driver, the redirect and the transmit.
EOF
} >"$doc"

# The accelerator-mode section is measured by `make interop-accel` in the lab
# guest, not here: keep it from its marker on.
if [ "$out" != - ] && [ -f "$out" ] && grep -q '^<!-- Section below: accelerator' "$out"; then
	{ echo; sed -n '/^<!-- Section below: accelerator/,$p' "$out"; } >>"$doc"
fi

if [ "$out" = - ]; then
	cat "$doc"
else
	mkdir -p "$(dirname "$out")"
	cp "$doc" "$out"
	echo "bench: wrote ${out#"$repo"/}" >&2
fi
if [ "$status" -eq 3 ]; then
	echo "bench: some rows did not take their intended path (INVALID); see the table" >&2
fi
exit "$status"
