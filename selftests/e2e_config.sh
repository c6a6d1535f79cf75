#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `l2tpxd -n`: a configuration is checked without touching the network;
# errors name the file and line and stop the daemon, unknown keys warn.
set -u
B=$(cd "$(dirname "$0")/.." && pwd)/build
T=$(mktemp -d /tmp/l2tpx-conf.XXXXXX)
trap 'rm -rf "$T"' EXIT
N=0
F=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); F=$((F + 1)); echo "not ok $N - $*"; }

run() {	# file -> $out, $rc
	out=$("$B/l2tpxd" -n -c "$1" 2>&1)
	rc=$?
}

cat >"$T/good.conf" <<'EOC'
[global]
listen = 192.0.2.1
hostname = lns1
ip_range = 198.51.100.10-198.51.100.200
auth = mschapv2
ipv6_pool = 2001:db8:100::/48
[peer 192.0.2.10]
secret = s
[lac home]
lns = 203.0.113.1
user = alice
password = x
EOC
run "$T/good.conf"
[ $rc -eq 0 ] && [ "${out#*OK}" != "$out" ] && ok "a valid file is accepted" || nok "a valid file is accepted: $out"

printf '[global]\nport = 1701\nauth = kerberos\n' >"$T/bad.conf"
run "$T/bad.conf"
[ $rc -eq 1 ] && [ "${out#*bad.conf:3: auth}" != "$out" ] && ok "an invalid value stops it, naming file:line ($out)" ||
	nok "an invalid value stops it, naming file:line: rc $rc, $out"

printf '[global]\nfrobnicate = 1\n' >"$T/unknown.conf"
run "$T/unknown.conf"
[ $rc -eq 0 ] && [ "${out#*unknown.conf:2: unknown key}" != "$out" ] && ok "an unknown key warns with file:line and is not fatal" ||
	nok "an unknown key warns with file:line: rc $rc, $out"

printf '[lac x]\nredial = yes\n' >"$T/nolns.conf"
run "$T/nolns.conf"
[ $rc -eq 1 ] && [ "${out#*needs lns}" != "$out" ] && ok "a [lac] without lns is refused" || nok "a [lac] without lns: rc $rc, $out"

run "$T/missing.conf"
[ $rc -eq 1 ] && [ "${out#*No such file}" != "$out" ] && ok "a missing file is an error that says so" || nok "missing file: rc $rc, $out"

echo "1..$N"
[ $F -eq 0 ]
