#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install every build and test dependency of l2tpx from Debian's packages.
# Idempotent: when everything is present it only checks and returns.
set -eu

PKGS="build-essential clang llvm libbpf-dev libxdp-dev xdp-tools bpftool \
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcmocka-dev libjson-c-dev \
pkg-config iproute2 iptables tshark python3-scapy xl2tpd linux-libc-dev \
libelf-dev zlib1g-dev nettle-dev libinih-dev gnuplot-nox ethtool socat python3 iputils-ping \
qemu-system-x86 qemu-utils mmdebstrap e2fsprogs ppp tcpdump \
libmicrohttpd-dev curl groff-base man-db python3-prometheus-client \
libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, unattended.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# xl2tpd is a test peer only: never leave the packaged service running.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q xl2tpd 2>/dev/null; then
	systemctl stop xl2tpd || true
fi
pkill -x xl2tpd 2>/dev/null || true

# bpffs for pinning in the root namespace.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
echo "deps: all present"
