#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install honours PREFIX and DESTDIR: binaries, BPF objects, the
# example configuration (an existing one is kept), the systemd unit with
# its paths filled in, and the docs; the installed daemon checks the
# installed configuration.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d /tmp/l2tpx-install.XXXXXX)
trap 'rm -rf "$D"' EXIT
N=0
F=0
check() { local w=$1; shift; N=$((N + 1)); if "$@"; then echo "ok $N - $w"; else F=$((F + 1)); echo "not ok $N - $w"; fi; }

make -s -C "$REPO" install DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1
check "make install succeeded" test $? -eq 0
check "binaries in PREFIX/sbin" test -x "$D/usr/sbin/l2tpxd" -a -x "$D/usr/sbin/l2tpxctl"
check "BPF objects in PREFIX/lib/l2tpx, without the bench object" \
	bash -c "test -e '$D/usr/lib/l2tpx/l2tp_xdp.bpf.o' && ! test -e '$D/usr/lib/l2tpx/bench_xdp.bpf.o'"
check "configuration in /etc/l2tpx, mode 600" test "$(stat -c %a "$D/etc/l2tpx/l2tpxd.conf")" = 600
check "the unit names the installed paths" \
	grep -q "ExecStart=/usr/sbin/l2tpxd -d -c /etc/l2tpx/l2tpxd.conf" "$D/usr/lib/systemd/system/l2tpxd.service"
check "no placeholder left in the unit" bash -c "! grep -q @ '$D/usr/lib/systemd/system/l2tpxd.service'"
check "the installed daemon accepts the installed configuration" \
	"$D/usr/sbin/l2tpxd" -n -c "$D/etc/l2tpx/l2tpxd.conf"
echo "# changed" >>"$D/etc/l2tpx/l2tpxd.conf"
make -s -C "$REPO" install DESTDIR="$D" PREFIX=/usr >>"$D.log" 2>&1
check "a second install keeps the operator's configuration" grep -q "# changed" "$D/etc/l2tpx/l2tpxd.conf"
check "docs installed" test -e "$D/usr/share/doc/l2tpx/CONFIG.md"
# Every page in docs/man, in its section's directory, rendering without a warning.
for src in "$REPO"/docs/man/*.[58]; do
	[ -e "$src" ] || continue
	page=$(basename "$src")
	dst="$D/usr/share/man/man${page##*.}/$page"
	check "man page $page installed in man${page##*.}" cmp -s "$src" "$dst"
	check "man page $page: groff -man -ww -z says nothing" \
		bash -c "out=\$(LC_ALL=C.UTF-8 groff -man -ww -z '$dst' 2>&1) && [ -z \"\$out\" ]"
	check "man page $page: man -l renders it, no warnings, with a NAME section" \
		bash -c "out=\$(MANWIDTH=80 man --warnings -E UTF-8 -l '$dst' 2>&1 >/dev/null) && [ -z \"\$out\" ] &&
			MANWIDTH=80 man -E UTF-8 -l '$dst' 2>/dev/null | grep -q '^NAME'"
done
check "l2tpxd(8) and l2tpxctl(8) installed" \
	test -e "$D/usr/share/man/man8/l2tpxd.8" -a -e "$D/usr/share/man/man8/l2tpxctl.8"
rm -f "$D.log"
echo "1..$N"
[ "$F" -eq 0 ]
