#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test program and script given, each printing TAP ("ok N - ...",
# "not ok N - ..."; cmocka with CMOCKA_MESSAGE_OUTPUT=TAP), and end with one
# summary line: "N passed, N failed".  A program that fails without printing
# a failing TAP line counts as one failure of its own.
set -u

export CMOCKA_MESSAGE_OUTPUT=TAP
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	name=$(basename "$t")
	echo "# ---- $name"
	# Bounded: a wedged test must not wedge the run.
	timeout -k 10 900 "$t" >"$log" 2>&1
	rc=$?
	sed 's/^/    /' "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $name exited with status $rc"
		f=1
	fi
	echo "# $name: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
