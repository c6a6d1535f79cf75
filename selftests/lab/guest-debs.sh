#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lab image (../shared/lab) has xl2tpd and pppd but not every library
# l2tpxd links against.  This fetches the runtime packages l2tpxd needs
# (the ones the image lacks plus those it has, so the set does not depend
# on the image's package list) with apt-get download into a cache under
# /var/tmp; the accelerator scenario installs them into its throw-away
# overlay with dpkg at boot.  Prints the cache directory.  Bounded: one
# apt-get run with a timeout, skipped when the cache is complete.
set -eu
CACHE=${DEBS:-/var/tmp/l2tpx-lab-debs}
PKGS="libbpf1 libxdp1 libnl-3-200 libnl-route-3-200 libnl-genl-3-200 libjson-c5 libnettle8 libinih1 libmicrohttpd12"
mkdir -p "$CACHE"
missing=
for p in $PKGS; do
	ls "$CACHE/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	(cd "$CACHE" && timeout 120 apt-get download -q $missing >&2) ||
		{ echo "apt-get download$missing failed: run apt-get update, check the mirror" >&2; exit 1; }
fi
echo "$CACHE"
