#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An xl2tpd + pppd installation run by l2tpxd as is: the LNS is configured
# only by an xl2tpd.conf, the pppd options file it names, xl2tpd's
# l2tp-secrets and pppd's chap-secrets (l2tpxd -x; -o only for what xl2tpd
# has no key for: the XDP interfaces, the control socket, and the path of
# chap-secrets, fixed in pppd).  l2tpxd's own client dials it (the kernel
# here has no PPP): the CHAP user from chap-secrets logs in, its address is
# the first of `ip range` less `no ip range`, `local ip` is the peer address,
# both ms-dns reach the client, the tunnel is authenticated with the
# l2tp-secrets entry for the client's host name, and ping passes through
# XDP.  Then `access control` with a `lac =` range that leaves the client
# out: its tunnel is refused.
# Namespaces (scripts/ppp-lib.sh): cli 192.0.2.1 -- lns 192.0.2.2 | 203.0.113.1 -- srv 203.0.113.2
set -u
PPP_LIB_TAG=xl2tpd-conf
. "$(dirname "$0")/../scripts/ppp-lib.sh"
ppp_topo

# The operator's files, as xl2tpd + pppd would read them.
cat >"$T/options.xl2tpd" <<'EOF'
# /etc/ppp/options.xl2tpd of a road-warrior server
ipcp-accept-local
ipcp-accept-remote
ms-dns 203.0.113.53
ms-dns 203.0.113.54
noccp
auth
mtu 1280
mru 1280
lcp-echo-interval 5
lcp-echo-failure 3
proxyarp
lock
hide-password
EOF
printf '# client server secret IP\nalice\tlns\t"wonder land"\t*\nbob * builder 198.51.100.99\n' \
	>"$T/chap-secrets"
printf '# us them secret\n*\tcli\t"tunnel pw"\n' >"$T/l2tp-secrets"
chmod 600 "$T/chap-secrets" "$T/l2tp-secrets"

write_conf() {	# lac range allowed to connect
	cat >"$T/xl2tpd.conf" <<EOF
; an xl2tpd.conf, as for xl2tpd 1.3
[global]
listen-addr = 192.0.2.2
port = 1701
auth file = $T/l2tp-secrets
access control = yes

[lns default]
ip range = 198.51.100.20-198.51.100.30
no ip range = 198.51.100.20-198.51.100.24
local ip = 198.51.100.1
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
challenge = yes
lac = $1
ppp debug = no
pppoptfile = $T/options.xl2tpd
length bit = yes
EOF
}

LNS_ARGS=""
start_lns_xl() {	# log name
	ip netns exec "${P}lns" "$B/l2tpxd" -d -v -p "$PIN" $LNS_ARGS >"$T/$1.log" 2>&1 &
	PIDS="$PIDS $!"
	LNS_PID=$!
	for _ in $(seq 50); do [ -S "$T/lns.sock" ] && break; sleep 0.1; done
}
LNS_ARGS="-x $T/xl2tpd.conf -o uplink=l0 -o core=l1 -o subscriber_dev=l2tpx0 \
-o ctl_socket=$T/lns.sock -o chap_secrets=$T/chap-secrets"

write_conf 192.0.2.1-192.0.2.9
# shellcheck disable=SC2086
out=$("$B/l2tpxd" -n $LNS_ARGS 2>&1)
check "l2tpxd -n -x accepts the xl2tpd files" test "${out#*OK}" != "$out"
warned() { grep -qF "$1" <<<"$out"; }
check "unknown to l2tpxd: length bit warns with file:line" warned 'xl2tpd.conf:21: "length bit"'
check "unknown to l2tpxd: proxyarp warns with file:line" \
	warned 'options.xl2tpd:12: pppd option "proxyarp" ignored'
check "unknown to l2tpxd: lock warns with file:line" warned 'options.xl2tpd:13: pppd option "lock" ignored'

out=$("$B/l2tpxd" -n -x "$T/xl2tpd.conf" -o port=abc 2>&1)
check "-o with a bad value is an error naming it" grep -qF -- '-o: port: expected a port, got "abc"' <<<"$out"
out=$("$B/l2tpxd" -n -x "$T/xl2tpd.conf" -o frobnicate=1 2>&1)
check "-o with an unknown key is an error" grep -qF -- '-o: unknown key "frobnicate"' <<<"$out"
# No -c, no -x: /etc/l2tpx/l2tpxd.conf if it exists, else xl2tpd's file.
out=$("$B/l2tpxd" -n 2>&1)
if [ -e /etc/l2tpx/l2tpxd.conf ]; then
	check "no -c/-x: /etc/l2tpx/l2tpxd.conf is read" grep -qF "configuration /etc/l2tpx/l2tpxd.conf" <<<"$out"
elif [ -e /etc/xl2tpd/xl2tpd.conf ]; then
	check "no -c/-x and no /etc/l2tpx/l2tpxd.conf: /etc/xl2tpd/xl2tpd.conf is read" \
		grep -qF "reading xl2tpd's /etc/xl2tpd/xl2tpd.conf" <<<"$out"
else
	nok "/etc/xl2tpd/xl2tpd.conf missing: install xl2tpd (scripts/deps.sh does)"
fi

start_lns_xl lns
check "the LNS runs on the xl2tpd files" test -S "$T/lns.sock"
tun_mtu() { nsx lns ip link show l2tpx0 | grep -q 'mtu 1280 '; }
check "its subscriber netdev has pppd's mtu 1280" tun_mtu
start_cli alice "wonder land" 1 "secret = tunnel pw"
check "alice (chap-secrets) logs in and gets an address" wait_addr
addr=$(cli_addr)
check "the address is ip range's first outside no ip range: 198.51.100.25 ($addr)" \
	test "${addr%/*}" = 198.51.100.25
check "the LNS authenticated alice with CHAP-MD5 (require chap)" grep -q "CHAP-MD5 authenticator: alice authenticated" "$T/lns.log"
check "local ip is the client's peer address" \
	grep -q "IPCP up: local 198.51.100.25, peer 198.51.100.1" "$T/cli-alice.log"
check "both ms-dns reach the client" grep -q "DNS from the LNS: 203.0.113.53 203.0.113.54" "$T/cli-alice.log"
tun=$(nsx lns "$B/l2tpxctl" -j -s "$T/lns.sock" tunnel show |
	/usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin); print(t[0]["peer_host"], t[0]["authenticated"])')
check "the tunnel is authenticated with l2tp-secrets' entry for host cli ($tun)" test "$tun" = "cli True"
check "the session entered the data plane" grep -q "in the data plane" "$T/lns.log"
nsx cli ip route add 203.0.113.0/24 dev ppp0 2>/dev/null
# One ping first: the LNS resolves srv's neighbour entry (the fast path
# hands packets to the kernel until the neighbour is known).
nsx cli ping -c 1 -W 1 203.0.113.2 >/dev/null
d0=$(stat decap-fwd); e0=$(stat encap-fwd)
check "ping cli -> srv" nsx cli ping -c 5 -i 0.2 -W 1 203.0.113.2
check "ping srv -> cli" nsx srv ping -c 5 -i 0.2 -W 1 198.51.100.25
d1=$(stat decap-fwd); e1=$(stat encap-fwd)
check "XDP decapsulated the pings ($((d1 - d0)))" test $((d1 - d0)) -ge 10
check "XDP encapsulated the replies ($((e1 - e0)))" test $((e1 - e0)) -ge 10
sess=$(nsx lns "$B/l2tpxctl" -j -s "$T/lns.sock" -d "$PIN" session show |
	/usr/bin/python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin) if x.get("origin")=="l2tpxd"]; print(s[0]["user"], s[0]["peer_ip"], s[0]["local_ip"])')
check "session show: alice 198.51.100.25 198.51.100.1 ($sess)" test "$sess" = "alice 198.51.100.25 198.51.100.1"
stop "$CLI_PID" "$LNS_PID"
nsx lns "$B/l2tpxctl" -d "$PIN" unload >/dev/null 2>&1

# access control = yes, and the client's address is in no `lac =` range.
write_conf 192.0.2.100-192.0.2.200
start_lns_xl lns-acl
start_cli alice "wonder land" 1 "secret = tunnel pw"
for _ in $(seq 50); do grep -q "SCCRQ refused" "$T/lns-acl.log" && break; sleep 0.1; done
check "access control: the tunnel from 192.0.2.1 is refused" \
	grep -q "192.0.2.1.*SCCRQ refused: address not in any .lac =. range" "$T/lns-acl.log"
sleep 1
check "access control: no address for the client" test -z "$(cli_addr)"
n=$(nsx lns "$B/l2tpxctl" -j -s "$T/lns.sock" tunnel show | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "access control: no tunnel on the LNS ($n)" test "$n" -eq 0
stop "$CLI_PID" "$LNS_PID"
nsx lns "$B/l2tpxctl" -d "$PIN" unload >/dev/null 2>&1

echo "1..$N"
if [ "$FAILED" -ne 0 ]; then
	for f in "$T"/*.log; do echo "# --- $f"; tail -20 "$f" | sed 's/^/# /'; done
	exit 1
fi
