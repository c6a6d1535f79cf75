# SPDX-License-Identifier: GPL-2.0
# Sourceable by the lab host hooks (hook-lac.sh, hook-accel.sh): l2tpxd's
# client as the LAC that dials the guest's xl2tpd LNS (192.0.2.2) as
# labuser, slow path through its TUN ppp0.  Needs RUN and SHARE (boot.sh).
#
#   lab_lac_start   waits (300 s at most) for the guest's "ready", then starts
#                   the client; sets LAC_PID; returns 1 if the guest finished
#                   (out/rc) without ever being ready

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$LAB_REPO/build

lab_lac_start() {
	local d=$RUN/l2tpx-lac

	mkdir -p "$d"
	for _ in $(seq 300); do
		[ -e "$SHARE/out/ready" ] && break
		[ -e "$SHARE/out/rc" ] && return 1
		sleep 1
	done
	cat >"$d/lac.conf" <<EOC
[global]
listen = 192.0.2.1
hostname = l2tpx-client
lns = no
ctl_socket = $d/ctl.sock
subscriber_dev = ppp0
[lac lab]
lns = 192.0.2.2
user = labuser
password = labpass
redial = no
EOC
	"$B/l2tpxd" -d -v -c "$d/lac.conf" >"$RUN/l2tpxd-lac.log" 2>&1 &
	LAC_PID=$!
}
