#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make interop-accel` (boot.sh runs it in netns $NETNS): when
# the guest's xl2tpd LNS is ready, l2tpxd's client dials it (a LAC on the
# host, slow path through its TUN ppp0), then runs each command the guest
# scenario asks for ($SHARE/req-N.sh -> req-N.out, req-N.done) until it
# asks for "exit" or the guest is gone.  Bounded: 600 s.
set -u
# shellcheck source=lac-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lac-lib.sh"
lab_lac_start || exit 0
export LAC_PID
# boot.sh kills this hook when the guest is gone: the client goes with it.
trap 'kill "$LAC_PID" 2>/dev/null; exit 0' TERM INT
n=1
end=$((SECONDS + 600))
while [ $SECONDS -lt $end ] && [ ! -e "$SHARE/out/rc" ]; do
	if [ -e "$SHARE/req-$n.sh" ]; then
		if [ "$(cat "$SHARE/req-$n.sh")" = exit ]; then
			touch "$SHARE/req-$n.done"
			break
		fi
		timeout 100 bash "$SHARE/req-$n.sh" >"$SHARE/req-$n.out" 2>&1
		chmod a+r "$SHARE/req-$n.out"
		touch "$SHARE/req-$n.done"
		n=$((n + 1))
		continue
	fi
	sleep 0.1
done
kill "$LAC_PID" 2>/dev/null
exit 0
