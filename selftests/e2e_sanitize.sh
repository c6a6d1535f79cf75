#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The daemon-heavy end-to-end tests again, on the sanitizer build (make
# SAN=1: ASan, UBSan, LeakSanitizer, in build/san): e2e_ppp.sh (PAP, CHAP,
# MS-CHAPv2, the slow path, IPv6), e2e_xl2tpd.sh (against xl2tpd, both
# directions, plain / challenge / hidden) and e2e_ctrl_flood.sh (SCCRQ
# flood).  Every l2tpxd and l2tpxctl they start writes any sanitizer report
# into a log directory; each script must pass and leave no report there,
# leaks at exit included (every daemon is stopped with SIGTERM and must free
# everything).  A deliberate leak first proves that a report would show.
#
# Also e2e_restart.sh (kill -9, resume, flush), e2e_faults.sh (faults, floods,
# the daemon running as nobody), e2e_metrics.sh (HTTP listener, bad clients)
# and e2e_xl2tpd_conf.sh (xl2tpd files, bad ones refused).
#
# Environment: E2E_SAN_TESTS (default: all seven above),
# E2E_SAN_KEEP=DIR keeps the reports and the scripts' output.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
SAN=$REPO/build/san
TESTS=${E2E_SAN_TESTS:-e2e_ppp e2e_xl2tpd e2e_ctrl_flood e2e_restart e2e_faults e2e_metrics e2e_xl2tpd_conf}
W=$(mktemp -d /tmp/l2tpx-san.XXXXXX)
N=0
FAILED=0

ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
cleanup() {
	if [ -n "${E2E_SAN_KEEP:-}" ]; then
		mkdir -p "$E2E_SAN_KEEP" && cp -a "$W"/. "$E2E_SAN_KEEP"/
	fi
	rm -rf "$W"
}
trap cleanup EXIT

# The sanitizer build, brought up to date here (bounded like any test; a
# few seconds when nothing changed).
timeout 600 make -C "$REPO" -j2 SAN=1 all >"$W/build.log" 2>&1 ||
	{ sed 's/^/# /' "$W/build.log" | tail -n 20; echo "Bail out! make SAN=1 failed"; exit 1; }
if nm -D "$SAN/l2tpxd" 2>/dev/null | grep -q __asan_init &&
	nm -D "$SAN/l2tpxd" 2>/dev/null | grep -q __ubsan_handle; then
	ok "build/san/l2tpxd is built with ASan and UBSan"
else
	nok "build/san/l2tpxd is built with ASan and UBSan"
fi

# Reports go to files (one per process: <prefix>.<pid>), never only to a
# log that a test script may not keep.  halt_on_error: the first error ends
# the process, so a test that goes on would fail too.
export L2TPX_BUILD=$SAN
san_env() {	# dir
	export ASAN_OPTIONS="log_path=$1/asan:detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0"
	export UBSAN_OPTIONS="log_path=$1/ubsan:print_stacktrace=1:halt_on_error=1"
	export LSAN_OPTIONS="log_path=$1/lsan:exitcode=23"
}
reports() { find "$1" -maxdepth 1 -name 'asan*' -o -maxdepth 1 -name 'ubsan*' -o -maxdepth 1 -name 'lsan*' | sort; }

# Control: a leaking program built the same way leaves a report there.
mkdir -p "$W/control"
printf '#include <stdlib.h>\nvoid *keep;\nint main(void){ keep = malloc(64); keep = 0; return 0; }\n' >"$W/leak.c"
if cc -fsanitize=address,undefined -o "$W/leak" "$W/leak.c" 2>"$W/leak.err"; then
	( san_env "$W/control"; "$W/leak" >/dev/null 2>&1 )
	if [ -n "$(reports "$W/control")" ] && grep -q 'detected memory leaks' $(reports "$W/control"); then
		ok "control: a deliberate leak leaves a LeakSanitizer report in the log directory"
	else
		nok "control: a deliberate leak leaves a LeakSanitizer report in the log directory"
	fi
else
	nok "control: cannot build the leaking program: $(head -n 1 "$W/leak.err")"
fi

# Shutdown: an LNS and a client, both sanitizer-built, with a tunnel and a
# PPP call up; SIGTERM must end each with status 0: LeakSanitizer runs at
# exit and turns any leak into status 23 (and a report).
# shellcheck source-path=SCRIPTDIR source=../scripts/ctrl-lib.sh
. "$REPO/scripts/ctrl-lib.sh"
ctrl_init san
trap 'ctrl_cleanup; cleanup' EXIT
mkdir -p "$W/shutdown"
(
	# ctrl_topo records its namespaces in this subshell's CTRL_NS: clean
	# them up from here, the parent's trap never sees them.
	trap ctrl_cleanup EXIT
	san_env "$W/shutdown"
	ctrl_topo || { nok "shutdown: namespace setup"; exit 1; }
	ctrl_l2tpxd_conf lns <<EOC
hello_interval = 1
$CTRL_LNS_PPP
EOC
	ctrl_l2tpxd_conf lac <<EOC
hello_interval = 1
lns = no
[lac up]
lns = $CTRL_LNS4
redial = no
EOC
	up() { [ "$(ctrl_q lac "[s['state'] for s in d]" session show)" = established ]; }
	if ctrl_l2tpxd lns lns && ctrl_l2tpxd lac lac && wait_until 20 up; then
		echo "ok - shutdown: a tunnel and a call up between two sanitizer-built daemons"
	else
		echo "not ok - shutdown: a tunnel and a call up between two sanitizer-built daemons"
		tail -n 5 "$CTRL_WORK"/*.log | sed 's/^/# /'
	fi
	for name in lac lns; do
		pid=$(ctrl_pid "$name")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		ctrl_reap "$name"
		if [ "$rc" -eq 0 ]; then
			echo "ok - shutdown: l2tpxd $name exits 0 on SIGTERM, nothing leaked"
		else
			echo "not ok - shutdown: l2tpxd $name exits 0 on SIGTERM (status $rc)"
			tail -n 5 "$CTRL_WORK/$name.log" | sed 's/^/# /'
		fi
	done
) >"$W/shutdown/out.log" 2>&1
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) nok "${line#not ok - }" ;;
	"# "*) echo "$line" ;;
	esac
done <"$W/shutdown/out.log"
left=$(ip netns list | awk -v p="$L2TPX_NS_PREFIX" 'index($1, p) == 1 { print $1 }')
if [ -z "$left" ]; then
	ok "shutdown: its namespaces are gone"
else
	nok "shutdown: namespaces left behind: $(echo $left)"
fi
r=$(reports "$W/shutdown")
if [ -z "$r" ]; then
	ok "shutdown: no sanitizer report"
else
	nok "shutdown: sanitizer reports: $(echo $r | wc -w)"
	for f in $r; do grep -m 4 'ERROR\|SUMMARY\|#[0-9] ' "$f" | sed 's/^/#   /'; done
fi

for t in $TESTS; do
	d=$W/$t
	mkdir -p "$d"
	# e2e_faults runs its LNS as nobody: its reports must land here too.
	chmod 755 "$W" && chmod 1777 "$d"
	start=$(date +%s)
	# The RSS bound of the flood test measures the product, not ASan's
	# shadow and quarantine: relaxed here.
	( san_env "$d"; E2E_RSS_BOUND_KIB=1048576 E2E_FAULTS_RSS_KIB=1048576 timeout -k 10 300 \
		"$REPO/selftests/$t.sh" >"$d/out.log" 2>&1 )
	rc=$?
	p=$(grep -c '^ok ' "$d/out.log")
	f=$(grep -c '^not ok ' "$d/out.log")
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ] && [ "$p" -gt 0 ]; then
		ok "$t passes on the sanitizer build ($p checks, ${secs}s)"
	else
		nok "$t passes on the sanitizer build (exit $rc, $p ok, $f not ok, ${secs}s)"
		# Each failed check with the diagnostics the test printed after it.
		awk '/^not ok / { n = 8 } n > 0 && (/^not ok / || /^#/) { print "# " $0; n-- }
		     /^ok / { n = 0 }' "$d/out.log" | head -n 40
	fi
	r=$(reports "$d")
	if [ -z "$r" ]; then
		ok "$t: no ASan, UBSan or LeakSanitizer report from any l2tpxd or l2tpxctl"
	else
		nok "$t: sanitizer reports: $(echo $r | wc -w)"
		for f in $r; do
			echo "# $(basename "$f"):"
			grep -m 4 'ERROR\|SUMMARY\|runtime error\|#[0-9] ' "$f" | sed 's/^/#   /'
		done
	fi
done
echo "1..$N"
[ "$FAILED" -eq 0 ]
