#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A short smoke of every libFuzzer target (make check): each runs
# FUZZ_SMOKE_TIME seconds (default 7; fuzz_decap needs root) from the seed corpora under ASan and
# UBSan; a crash, a sanitizer report or a leak is "not ok" with the input
# saved in build/fuzz/out.  `make fuzz` runs them longer.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${L2TPX_BUILD:-$repo/build}
FUZZ_TIME=${FUZZ_SMOKE_TIME:-7} FUZZ_OUT=$build/fuzz/out exec "$repo/scripts/fuzz.sh" \
	"$build"/fuzz/fuzz_avp "$build"/fuzz/fuzz_tunnel "$build"/fuzz/fuzz_ppp \
	"$build"/fuzz/fuzz_secrets "$build"/fuzz/fuzz_conf "$build"/fuzz/fuzz_decap
