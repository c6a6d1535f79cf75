# SPDX-License-Identifier: GPL-2.0
# Sourced by the lab runners (interop.sh, interop-accel.sh): where the lab is
# (../shared/lab; LAB, default /var/tmp/l2tp-lab, holds its image and runs),
# TAP output, the lab's cleanup on exit, and the guest image built once.
#
#   ok / nok / check WHAT CMD...   TAP lines, counted in N (F failed)
#   lab_finish [LOG...]            the plan line; on a failure the tails of
#                                  the LOGs, and exit 1; else exit 0
#   lab_ready                      the lab is there and its image built
#                                  (about 80 s the first time), or finishes
# shellcheck shell=bash

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LABDIR=${LABDIR:-$(cd "$REPO/../shared/lab" 2>/dev/null && pwd)}
export LAB=${LAB:-/var/tmp/l2tp-lab}
N=0
F=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); F=$((F + 1)); echo "not ok $N - $*"; }
check() { local w=$1; shift; if "$@"; then ok "$w"; else nok "$w"; fi; }
cleanup() { [ -n "$LABDIR" ] && "$LABDIR/cleanup.sh" >/dev/null 2>&1; }
trap cleanup EXIT

lab_finish() {
	local f
	echo "1..$N"
	[ "$F" -eq 0 ] && exit 0
	for f in "$@"; do tail -5 "$f" | sed 's/^/# /'; done
	exit 1
}

lab_ready() {
	if [ -z "$LABDIR" ] || [ ! -x "$LABDIR/boot.sh" ]; then
		nok "the lab (../shared/lab) is where the project expects it"
		lab_finish
	fi
	if [ ! -e "$LAB/guest.img" ]; then
		echo "# building the guest image once (about 80 s)"
		"$LABDIR/build-image.sh" >/tmp/l2tpx-lab-build.log 2>&1 ||
			{ nok "guest image built (see /tmp/l2tpx-lab-build.log)"; lab_finish; }
	fi
}
