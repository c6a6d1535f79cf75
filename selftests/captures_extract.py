#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What tshark (an independent decoder) sees in each L2TPv2 frame of a capture.

Prints one tab-separated line per frame that tshark decodes as L2TP:
  frame kind tunnel session outer_src outer_dst sport dport ppp_proto inner_off inner_len
kind is control, data-ip (inner IPv4/IPv6), ppp-control (protocol >= 0x8000)
or ppp-other; ppp_proto is hex or '-'; inner_off/inner_len give the inner IP
packet's bytes in the original frame ('-' when there is none): the inner
ip/ipv6 layer's offset and its total length (ip.len, or 40 + ipv6.plen).
Frames that are not L2TP print nothing.  Exit status 1 when tshark fails.
"""
import json
import subprocess
import sys


def pairs(p):
    return p  # keep duplicate keys: layers repeat (ip ... ip, ppp ... ppp)


def find(obj, key):
    """First value of key anywhere inside a decoded layer."""
    if isinstance(obj, list):
        for k, v in obj:
            if k == key:
                return v
            if isinstance(v, list) and v and isinstance(v[0], tuple):
                r = find(v, key)
                if r is not None:
                    return r
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: captures_extract.py CAPTURE", file=sys.stderr)
        return 2
    try:
        out = subprocess.run(["tshark", "-r", sys.argv[1], "-T", "json", "-x"],
                             check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print("tshark failed: %s" % e, file=sys.stderr)
        return 1
    for pkt in json.loads(out, object_pairs_hook=pairs):
        layers = dict(dict(pkt)["_source"])["layers"]
        names = [k for k, _ in layers]
        if "l2tp" not in names:
            continue
        frame = int(find(dict(layers)["frame"], "frame.number"))
        li = names.index("l2tp")
        l2tp = layers[li][1]
        # The outer IP layer is the last ip/ipv6 layer before udp/l2tp.
        outer = None
        for k, v in layers[:li]:
            if k in ("ip", "ipv6"):
                outer = (k, v)
        udp = dict(layers[:li]).get("udp")
        if outer is None or udp is None:
            continue
        fam, ov = outer
        osrc = find(ov, "ip.src" if fam == "ip" else "ipv6.src")
        odst = find(ov, "ip.dst" if fam == "ip" else "ipv6.dst")
        sport = find(udp, "udp.srcport")
        dport = find(udp, "udp.dstport")
        ltype = find(l2tp, "l2tp.type")
        tunnel = find(l2tp, "l2tp.tunnel")
        session = find(l2tp, "l2tp.session")
        kind, proto, ioff, ilen = "control", "-", "-", "-"
        if ltype is not None and int(ltype) == 0:
            after = layers[li + 1:]
            ppp = next((v for k, v in after if k == "ppp"), None)
            p = find(ppp, "ppp.protocol") if ppp is not None else None
            if p is None:
                continue
            pv = int(p, 0)
            proto = "%04x" % pv
            inner = None
            for idx, (k, v) in enumerate(after):
                if k in ("ip", "ipv6"):
                    raw = after[idx - 1][1] if after[idx - 1][0] == k + "_raw" else None
                    inner = (k, v, raw)
                    break
            if pv in (0x21, 0x57) and inner is not None:
                k, v, raw = inner
                kind = "data-ip"
                ioff = raw[1]
                if k == "ip":
                    ilen = int(find(v, "ip.len"))
                else:
                    ilen = 40 + int(find(v, "ipv6.plen"))
            elif pv >= 0x8000:
                kind = "ppp-control"
            else:
                kind = "ppp-other"
        print("\t".join(str(x) for x in (frame, kind, tunnel, session, osrc, odst, sport,
                                          dport, proto, ioff, ilen)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
