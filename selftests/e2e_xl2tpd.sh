#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The L2TPv2 control plane against a real peer: Debian's xl2tpd, in both roles, with
# tshark decoding what crossed the link; TAP output.
#
# Passes: each direction (l2tpxd LNS <- xl2tpd LAC, l2tpxd LAC -> xl2tpd LNS), each
# mode (plain; tunnel authentication, Challenge both ways with the secret on each
# side; hidden AVPs from l2tpxd, which xl2tpd must decrypt), each teardown side
# (l2tpxd's `tunnel del`; xl2tpd's `d test` as LAC, SIGINT as LNS).  In each:
#   - the tunnel is established on both sides with the same pair of tunnel ids, and
#     with authentication l2tpxd says it authenticated the peer;
#   - the call is established on both sides with the same pair of session ids (with
#     hiding, l2tpxd's id reached xl2tpd only inside a hidden AVP);
#   - xl2tpd's CDN (its pppd cannot run here) clears the call and leaves the tunnel;
#   - HELLO from l2tpxd (hello_interval 1) is acknowledged: no retransmission at all;
#   - on the wire: Challenge and Challenge Response each way with authentication,
#     hidden AVPs from l2tpxd with a Random Vector only with hiding, none otherwise;
#   - teardown: the StopCCN goes out once and is acknowledged, the other side logs
#     the tunnel closed;
#   - every UDP/1701 packet decodes as L2TPv2 and nothing is malformed (the filter is
#     first shown to flag broken L2TP packets);
#   - l2tpxd logged no complaint about xl2tpd's messages.
# Then a wrong secret in each direction, caught by l2tpxd: no tunnel, StopCCN with
# result 4 (not authorized) on the wire, no call.
#
# xl2tpd 1.3.18 only decrypts hidden AVPs (it hides nothing it sends unless built
# with TEST_HIDDEN), and needs its own Challenge to know the secret to decrypt with:
# the hidden mode therefore runs with authentication on.  SIGTERM makes xl2tpd exit
# without a StopCCN; SIGINT sends one.
#
# Environment: E2E_DIRS (default "lns lac"), E2E_MODES (default "plain challenge
# hidden"), CTRL_KEEP=DIR keeps logs and captures, L2TPX_BUILD.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/ctrl-lib.sh
. "$REPO/scripts/ctrl-lib.sh"

DIRS=${E2E_DIRS:-lns lac}
MODES=${E2E_MODES:-plain challenge hidden}
SECRET=tunnel-s3cret
# What l2tpxd logs when a peer's control message is wrong or missing.
L2X_COMPLAINT="unexpected|bad |stopped acknowledging|not established after|ignored|refused"

ctrl_init e2e-xl2tpd
ctrl_topo 0 || { echo "Bail out! namespace setup failed"; exit 1; }
W=$CTRL_WORK
echo noauth >"$W/ppp.opts"

tap_check "tshark flags malformed L2TP (the capture checks below mean something)" \
	ctrl_filter_selftest

# xl2tpd's secrets file (us them secret): any host names.
xl_secrets() { printf '* * %s\n' "$1" >"$W/l2tp-secrets"; }

# conf_xl DIR CHALLENGE HIDDEN: xl2tpd as LAC `test` (DIR lns) or LNS (DIR lac).
conf_xl() {
	{
		printf '[global]\nport = 1701\nauth file = %s\n' "$W/l2tp-secrets"
		if [ "$1" = lns ]; then
			printf '[lac test]\nlns = %s\nautodial = yes\nredial = no\n' "$CTRL_LNS4"
		else
			printf '[lns default]\nip range = 198.51.100.100-198.51.100.150\n'
			printf 'local ip = 198.51.100.1\n'
		fi
		printf 'require authentication = no\npppoptfile = %s\n' "$W/ppp.opts"
		printf 'challenge = %s\nhidden bit = %s\n' "$2" "$3"
	} >"$W/xl.conf"
}

# conf_l2tpxd DIR MODE [SECRET]: l2tpxd as LNS (DIR lns) or LAC `up` (DIR lac).  The
# secret sits in a different place per mode, so each lookup path is exercised.
conf_l2tpxd() {
	local dir=$1 mode=$2 sec=${3:-$SECRET}
	{
		echo "hello_interval = 1"
		[ "$mode" = plain ] || echo "challenge = yes"
		if [ "$dir" = lac ]; then echo "lns = no"; else echo "$CTRL_LNS_PPP"; fi
		if [ "$mode" = hidden ]; then
			echo "secret = $sec"
			[ "$dir" = lns ] && echo "hide_avps = yes"
		fi
		if [ "$dir" = lns ]; then
			case $mode in
			challenge | badsecret) printf '[peer %s]\nsecret = %s\n' "$CTRL_LAC4" "$sec" ;;
			esac
		else
			printf '[lac up]\nlns = %s\nredial = no\n' "$CTRL_LNS4"
			case $mode in
			challenge | badsecret) echo "secret = $sec" ;;
			hidden) echo "hide_avps = yes" ;;
			esac
		fi
	} | ctrl_l2tpxd_conf l2x
}

# Where each daemon runs and what it calls the other.
setup_dir() {
	if [ "$1" = lns ]; then
		NS_X=lns NS_XL=lac ME=$CTRL_LNS4 PEER=$CTRL_LAC4
	else
		NS_X=lac NS_XL=lns ME=$CTRL_LAC4 PEER=$CTRL_LNS4
	fi
}

# start_pair DIR: the listener first, then the dialler; the capture before both.
start_pair() {
	ctrl_cap_start lns c-lac run || return 1
	if [ "$1" = lns ]; then
		ctrl_l2tpxd "$NS_X" l2x && ctrl_xl2tpd "$NS_XL" xl
	else
		ctrl_xl2tpd "$NS_XL" xl && ctrl_l2tpxd "$NS_X" l2x
	fi
}

stop_pair() {
	ctrl_cap_stop run
	ctrl_stop l2x
	ctrl_stop xl
}

# xl_ids WHAT: "LOCAL REMOTE" from xl2tpd's last "WHAT established with/to ME, ...
# Local: X, Remote: Y" line.
xl_ids() {
	grep -E "$1 established (with|to) $ME," "$W/xl.log" | tail -n 1 |
		sed -n 's/.*Local: \([0-9]*\), Remote: \([0-9]*\).*/\1 \2/p'
}

l2x_tunnel_established() {
	[ "$(ctrl_q l2x 'sum(t["state"] == "established" for t in d)' tunnel show)" = 1 ]
}

run_case() {
	local dir=$1 mode=$2 td=$3 tag="$1/$2/teardown-$3" chal=no hid=no
	local tid ptid auth xl_ids sid psid xl_call n out
	setup_dir "$dir"
	# xl2tpd read our StopCCN, its Result Code message included.
	XL_CLOSED="Connection closed to $ME, port 1701 \\(cleared by the operator\\)"
	[ "$mode" = plain ] || chal=yes
	[ "$mode" = hidden ] && hid=yes
	xl_secrets "$SECRET"
	conf_xl "$dir" "$chal" "$hid"
	conf_l2tpxd "$dir" "$mode"
	if ! start_pair "$dir"; then
		tap_not_ok "$tag: daemons start"
		tap_diag "$(tail -n 5 "$W/l2x.log" "$W/xl.log" 2>&1)"
		stop_pair
		return
	fi

	# ---- establishment, both sides, same ids
	wait_until 15 l2x_tunnel_established
	wait_until 15 grep -q "Call established" "$W/xl.log"
	ctrl_wait_log 10 l2x "call established"
	read -r tid ptid auth <<<"$(ctrl_q l2x \
		'[d[0]["tunnel"], d[0]["peer_tunnel"], d[0]["authenticated"]] if d else ""' \
		tunnel show)"
	if l2x_tunnel_established && [ "$auth" = "$([ "$chal" = yes ] && echo True ||
		echo False)" ]; then
		tap_ok "$tag: l2tpxd tunnel $tid/$ptid established (authenticated: $auth)"
	else
		tap_not_ok "$tag: l2tpxd tunnel established (authenticated when challenged)"
		tap_diag "$(ctrl_req l2x -j tunnel show 2>&1)" "$(tail -n 8 "$W/l2x.log")"
	fi
	# xl2tpd: "Connection established to ADDR, 1701.  Local: X, Remote: Y"
	xl_ids=$(xl_ids Connection)
	if [ -n "$tid" ] && [ "$xl_ids" = "$ptid $tid" ]; then
		tap_ok "$tag: xl2tpd logs the connection established, ids $ptid/$tid"
	else
		tap_not_ok "$tag: xl2tpd logs the connection established with the same ids"
		tap_diag "xl2tpd: '$xl_ids', l2tpxd: $tid/$ptid" "$(tail -n 8 "$W/xl.log")"
	fi
	# l2tpxd: "session S/PS tunnel ...: call established"; xl2tpd: "Call established
	# with ADDR, [PID: P, ]Local: PS, Remote: S"
	read -r sid psid <<<"$(grep ': call established' "$W/l2x.log" | tail -n 1 |
		sed -n 's/^session \([0-9]*\)\/\([0-9]*\) .*/\1 \2/p')"
	xl_call=$(xl_ids Call)
	if [ -n "${sid:-}" ] && [ "$xl_call" = "$psid $sid" ] &&
		[ "$(ctrl_stat l2x sessions_established)" = 1 ]; then
		tap_ok "$tag: call established on both sides, ids $sid/$psid"
	else
		tap_not_ok "$tag: call established on both sides with the same ids"
		tap_diag "l2tpxd: ${sid:-}/${psid:-}, xl2tpd (local remote): '$xl_call'" \
			"$(grep -i call "$W/l2x.log" | tail -n 4)"
	fi
	# xl2tpd's pppd exits at once here, and xl2tpd clears the call with a CDN.
	ctrl_wait_log 10 l2x "peer cleared the call: CDN"
	out=$(ctrl_q l2x '[len(d), d[0]["state"] if d else "", d[0]["sessions"] if d else ""]' \
		tunnel show)
	if ctrl_log_has l2x "peer cleared the call: CDN" && [ "$out" = "1 established 0" ]; then
		tap_ok "$tag: xl2tpd's CDN clears the call, the tunnel stays"
	else
		tap_not_ok "$tag: xl2tpd's CDN clears the call, the tunnel stays"
		tap_diag "tunnels, state, sessions: $out" "$(tail -n 4 "$W/l2x.log")"
	fi
	sleep 2	# at least one HELLO
	out=$(ctrl_q l2x '[d[0]["ns"], d[0]["retransmissions"]] if d else ""' tunnel show)

	# ---- teardown
	if [ "$td" = l2tpxd ]; then
		ctrl_req l2x tunnel del "$tid" >/dev/null
		ctrl_wait_log 10 xl "$XL_CLOSED"
	else
		if [ "$dir" = lns ]; then
			ctrl_xl2tpd_ctl xl "d test"
		else
			kill -INT "$(ctrl_pid xl)"
		fi
		ctrl_wait_log 10 l2x "peer cleared the tunnel"
	fi
	sleep 0.5	# the last acknowledgement
	stop_pair
	local f="$W/run.pcapng"

	# ---- HELLO, acknowledged without a retransmission (read before the teardown)
	n=$(ctrl_msgs_q "$f" "sum(x['type'] == T['HELLO'] and x['src'] == '$ME' and acked(x)
		for x in m)")
	if [ "${n:-0}" -ge 1 ] && [ "$(echo "$out" | cut -d' ' -f2)" = 0 ]; then
		tap_ok "$tag: $n HELLO from l2tpxd acknowledged by xl2tpd, no retransmission"
	else
		tap_not_ok "$tag: HELLO from l2tpxd acknowledged, no retransmission"
		tap_diag "acked HELLOs: '$n', ns and retransmissions before teardown: '$out'"
	fi

	# ---- what the wire says about authentication and hiding
	case $mode in
	plain)
		n=$(ctrl_msgs_q "$f" "[sum(len(x['hidden']) for x in m),
			sum(11 in x['avps'] or 13 in x['avps'] for x in m)]")
		tap_cmp "$tag: no hidden AVP, no Challenge on the wire (hidden, challenge: $n)" \
			"$(echo "$n" | tr ' ' +)" = "0+0"
		;;
	challenge | hidden)
		# Challenge (11) from each side, Challenge Response (13) from each side.
		n=$(ctrl_msgs_q "$f" "[s for s in ('$ME', '$PEER')
			if any(11 in x['avps'] for x in m if x['src'] == s)
			and any(13 in x['avps'] for x in m if x['src'] == s)]")
		tap_cmp "$tag: Challenge and Challenge Response from both sides on the wire" \
			"$(echo "$n" | wc -w)" -eq 2
		;;
	esac
	case $mode in
	challenge)
		n=$(ctrl_msgs_q "$f" "sum(len(x['hidden']) for x in m)")
		tap_cmp "$tag: no hidden AVP without hide_avps" "$n" -eq 0
		;;
	hidden)
		# l2tpxd hides Assigned Session ID (14) in ICRQ/ICRP and CDN, each with a
		# Random Vector (36) in clear before it.
		n=$(ctrl_msgs_q "$f" "[x['type'] for x in m if x['src'] == '$ME' and
			14 in x['hidden'] and 36 in x['avps'] and 36 not in x['hidden']]")
		if echo " $n " | grep -Eq " (10|11) "; then
			tap_ok "$tag: l2tpxd's Assigned Session ID went hidden, with a Random Vector (in types: $n)"
		else
			tap_not_ok "$tag: l2tpxd's Assigned Session ID went hidden, with a Random Vector"
			tap_diag "message types with a hidden session id: '$n'"
		fi
		;;
	esac

	# ---- teardown on the wire and in the logs
	if [ "$td" = l2tpxd ]; then
		n=$(ctrl_msgs_q "$f" "[(x['result'], acked(x)) for x in m
			if x['type'] == T['StopCCN'] and x['src'] == '$ME']")
		if [ "$n" = "(1, True)" ] &&
			ctrl_log_has xl "$XL_CLOSED"; then
			tap_ok "$tag: l2tpxd's StopCCN (result 1) sent once, acknowledged; xl2tpd closed the tunnel"
		else
			tap_not_ok "$tag: l2tpxd's StopCCN sent once, acknowledged; xl2tpd closed the tunnel"
			tap_diag "StopCCNs from l2tpxd (result, acked): '$n'" \
				"$(grep -i -E 'clos|stop' "$W/xl.log" | tail -n 3)"
		fi
	else
		n=$(ctrl_msgs_q "$f" "[acked(x) for x in m
			if x['type'] == T['StopCCN'] and x['src'] == '$PEER']")
		if [ "$n" = True ] && ctrl_log_has l2x "peer cleared the tunnel: StopCCN"; then
			tap_ok "$tag: xl2tpd's StopCCN acknowledged by l2tpxd, which cleared the tunnel"
		else
			tap_not_ok "$tag: xl2tpd's StopCCN acknowledged by l2tpxd, which cleared the tunnel"
			tap_diag "StopCCNs from xl2tpd (acked): '$n'" "$(tail -n 4 "$W/l2x.log")"
		fi
	fi
	tap_check "$tag: capture decodes as L2TPv2, nothing malformed" ctrl_pcap_check "$f"
	n=$(grep -E "$L2X_COMPLAINT" "$W/l2x.log")
	if [ -z "$n" ]; then
		tap_ok "$tag: l2tpxd found nothing wrong with xl2tpd's messages"
	else
		tap_not_ok "$tag: l2tpxd found nothing wrong with xl2tpd's messages"
		tap_diag "$(echo "$n" | head -n 5)"
	fi
	save_logs "$tag"
}

# Keep each case's logs and capture apart when CTRL_KEEP asks for them.
save_logs() {
	local d
	[ -n "$CTRL_KEEP" ] || return 0
	d="$W/$(echo "$1" | tr / _)"
	mkdir -p "$d" && cp "$W"/l2x.log "$W"/xl.log "$W"/*.conf "$W"/run.pcapng "$d"/ 2>/dev/null
}

# A wrong secret: xl2tpd answers l2tpxd's Challenge with another secret (and does not
# challenge itself, so the verdict is l2tpxd's).
run_badsecret() {
	local dir=$1 tag="$1/wrong-secret" n
	setup_dir "$dir"
	xl_secrets "not-the-secret"
	conf_xl "$dir" no no
	conf_l2tpxd "$dir" badsecret
	if ! start_pair "$dir"; then
		tap_not_ok "$tag: daemons start"
		stop_pair
		return
	fi
	ctrl_wait_log 10 l2x "clearing: StopCCN result 4"
	sleep 1.5	# anything that would follow
	n=$(ctrl_q l2x "[d.get('tunnels_established'), d.get('sessions_established')]" stats daemon)
	if [ "$n" = "0 0" ] && ctrl_log_has l2x "challenge response missing or wrong" &&
		! grep -q "Call established" "$W/xl.log" &&
		ctrl_log_has xl "Connection closed to $ME, .*challenge response missing or wrong"; then
		tap_ok "$tag: no tunnel and no call; xl2tpd read why (challenge response wrong)"
	else
		tap_not_ok "$tag: no tunnel and no call"
		tap_diag "tunnels, sessions established: '$n'" "$(tail -n 4 "$W/l2x.log")" \
			"$(grep -E 'established|closed' "$W/xl.log" | tail -n 3)"
	fi
	stop_pair
	n=$(ctrl_msgs_q "$W/run.pcapng" "[x['result'] for x in m
		if x['type'] == T['StopCCN'] and x['src'] == '$ME']")
	tap_cmp "$tag: StopCCN from l2tpxd with result 4 (not authorized) on the wire" "$n" = 4
	tap_check "$tag: capture decodes as L2TPv2, nothing malformed" \
		ctrl_pcap_check "$W/run.pcapng"
	save_logs "$tag"
}

for dir in $DIRS; do
	for mode in $MODES; do
		for td in l2tpxd xl2tpd; do
			run_case "$dir" "$mode" "$td"
		done
	done
	run_badsecret "$dir"
done
tap_end
