#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs libFuzzer targets (build/fuzz/fuzz_*) for a bounded time each and
# prints TAP: "ok" when the target ran its time without a crash, a
# sanitizer report or a leak, "not ok" with the report's summary and the
# input that caused it otherwise.  Figures (execs/s, coverage) go in "#"
# lines.
#
# usage: scripts/fuzz.sh FUZZ_BIN...
# Environment:
#   FUZZ_TIME     seconds per target (default 60)
#   FUZZ_CORPUS   corpus root: <root>/<target> grows across runs
#                 (default: a fresh temporary one, seeds only)
#   FUZZ_OUT      where crash inputs and logs go (default build/fuzz/out)
#   FUZZ_SEED     libFuzzer -seed (default 1: the same run each time)
# fuzz/regress/<target>/ holds inputs that found bugs (written by hand,
# minimal); every run replays them first.
# Seeds are made from ../shared/testdata/captures by fuzz/seeds.py at each
# run; the captures are read in place, never copied into the repository.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
time=${FUZZ_TIME:-60}
out=${FUZZ_OUT:-$repo/build/fuzz/out}
seed=${FUZZ_SEED:-1}
captures=$repo/../shared/testdata/captures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$out"
corpus=${FUZZ_CORPUS:-$tmp/corpus}
if ! /usr/bin/python3 "$repo/fuzz/seeds.py" "$captures" "$tmp/seeds" >"$tmp/seeds.log" 2>&1; then
	echo "not ok 1 - seed corpora from $captures (fuzz/seeds.py failed)"
	sed 's/^/# /' "$tmp/seeds.log"
	exit 1
fi

n=0
fail=0
for bin in "$@"; do
	n=$((n + 1))
	t=$(basename "$bin")
	t=${t#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz $t: $bin missing (make fuzz-bins)"
		fail=1
		continue
	fi
	mkdir -p "$corpus/$t"
	# fuzz/regress/<target>: inputs that once crashed, run first every time
	regress=$repo/fuzz/regress/$t
	[ -d "$regress" ] || regress=
	log=$out/$t.log
	rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*
	# -timeout: one input taking longer is a hang; -rss_limit_mb: bounded;
	# -close_fd_mask=2: the daemon's logs (formatted, thrown away) off the log.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		timeout -k 10 $((time + 60)) "$bin" -max_total_time="$time" -seed="$seed" \
		-timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix="$out/$t-" "$corpus/$t" "$tmp/seeds/$t" $regress >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1)
	art=$(ls "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-* \
		2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$art" ] && ! grep -q 'ERROR: \|runtime error' "$log"; then
		echo "ok $n - fuzz $t: ${time}s, ${execs:-?} inputs, no crash, leak or report"
		echo "# $t: ${rate:-?} execs/s, ${cov:-cov: ?} edges, ${ft:-ft: ?} features"
	else
		echo "not ok $n - fuzz $t: exit $rc, input ${art:-(none saved)}, log $log"
		grep -m 3 'ERROR: \|SUMMARY\|runtime error' "$log" | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$n"
exit "$fail"
