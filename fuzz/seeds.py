#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpora for the libFuzzer targets, made at run time.

usage: seeds.py CAPTURES_DIR OUT_DIR

Writes OUT_DIR/<target>/<name> for avp, tunnel, ppp, secrets and conf, in
each target's input format (see the comment at the top of fuzz/fuzz_*.c):
the L2TP datagrams and PPP frames of the public captures in CAPTURES_DIR
(never copied into the repository: read from ../shared/testdata), and a few
hand-written seeds.  Needs python3-scapy.
"""
import hashlib
import os
import struct
import sys

from scapy.all import ICMP, IP, PPP, TCP, UDP, Ether, IPv6, Raw, rdpcap  # noqa: E402

MAX_RECORDS = 60


def records_tunnel(msgs, fix):
    out = b""
    for m in msgs[:MAX_RECORDS]:
        out += bytes([0x40 if fix else 0x00]) + struct.pack(">H", len(m)) + m
    return out


def ppp_frames(pkt):
    """(protocol, payload after it) of a PPP frame in an L2TP data message
    or a PPPoE session, else None."""
    if UDP in pkt and 1701 in (pkt[UDP].sport, pkt[UDP].dport):
        p = bytes(pkt[UDP].payload)
        if len(p) < 6 or p[0] & 0x80:
            return None
        off = 6
        if p[0] & 0x40:
            off += 2
        if p[0] & 0x08:
            off += 4
        if p[0] & 0x02 and len(p) >= off + 2:
            off += 2 + struct.unpack(">H", p[off:off + 2])[0]
        if p[off:off + 2] == b"\xff\x03":
            off += 2
        if len(p) < off + 2:
            return None
        return struct.unpack(">H", p[off:off + 2])[0], p[off + 2:]
    if PPP in pkt:
        p = bytes(pkt[PPP])
        if len(p) >= 2:
            return struct.unpack(">H", p[:2])[0], p[2:]
    return None


PROTOS = {0xc021: 0, 0xc023: 1, 0xc223: 2, 0x8021: 3, 0x8057: 4, 0x0021: 5, 0x0057: 6,
          0x80fd: 7}


def ppp_record(proto, body):
    body = body[:1400]
    if proto in PROTOS:
        return bytes([PROTOS[proto]]) + struct.pack(">H", len(body)) + body
    return bytes([15]) + struct.pack(">HH", proto, len(body)) + body


def cp(code, ident, data):
    return bytes([code, ident]) + struct.pack(">H", 4 + len(data)) + data


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    corp = {t: {} for t in ("avp", "tunnel", "ppp", "secrets", "conf", "decap")}

    for name in sorted(os.listdir(src)):
        if not name.endswith((".pcap", ".pcapng")):
            continue
        try:
            pkts = rdpcap(os.path.join(src, name))
        except Exception as e:  # a capture scapy cannot read is skipped
            print("seeds: %s: %s" % (name, e), file=sys.stderr)
            continue
        ctrl, frames = [], []
        for i, pkt in enumerate(pkts):
            if Ether in pkt and len(bytes(pkt)) >= 14:
                corp["decap"]["%s-%d" % (name, i)] = bytes(pkt)
            if UDP in pkt and 1701 in (pkt[UDP].sport, pkt[UDP].dport):
                p = bytes(pkt[UDP].payload)
                if p and p[0] & 0x80:
                    ctrl.append(p)
                    corp["avp"]["%s-%d" % (name, i)] = b"\x00" + p
                    corp["avp"]["%s-%d-s" % (name, i)] = b"\x01" + p
            f = ppp_frames(pkt)
            if f:
                frames.append(ppp_record(*f))
        if ctrl:
            # the whole conversation from l2tpx's first state, and with
            # headers fixed up on an established tunnel
            corp["tunnel"][name + "-raw"] = b"\x00" + records_tunnel(ctrl, False)
            corp["tunnel"][name + "-fix"] = b"\x02" + records_tunnel(ctrl[2:], True)
            for i, m in enumerate(ctrl[:20]):
                corp["tunnel"]["%s-%d" % (name, i)] = b"\x04" + records_tunnel([m], True)
        if frames:
            for cf in (0x08, 0x02, 0x04, 0x0c):
                corp["ppp"]["%s-%02x" % (name, cf)] = bytes([cf, 0]) + b"".join(
                    frames[:MAX_RECORDS])

    # PPP by hand: an LNS call through LCP, CHAP (answered right), IPCP,
    # IPv6CP; PAP; a client call; echo and terminate.
    lcp_req = cp(1, 1, b"\x01\x04\x05\x78\x05\x06\x0a\x0b\x0c\x0d")
    ipcp_req = cp(1, 2, b"\x03\x06\x00\x00\x00\x00\x81\x06\x00\x00\x00\x00")
    v6_req = cp(1, 3, b"\x01\x0a\x02\x11\x22\xff\xfe\x33\x44\x55")
    chap = bytes([14])
    ack = lambda i: bytes([13, i])  # noqa: E731
    data4 = bytes(IP(src="192.0.2.10", dst="198.51.100.7") / ICMP())
    data6 = bytes(IPv6(src="2001:db8::1", dst="2001:db8::2") / ICMP())
    corp["ppp"]["chap"] = bytes([0x0a, 2]) + chap + ack(1) + \
        ppp_record(0x8021, ipcp_req) + ack(2) + ppp_record(0x8057, v6_req) + \
        ppp_record(0x0021, data4) + ppp_record(0x0057, data6) + \
        ppp_record(0xc021, cp(9, 5, b"\x0a\x0b\x0c\x0d")) + b"\xff" + \
        ppp_record(0xc021, cp(5, 9, b""))
    corp["ppp"]["chap-raw"] = bytes([0x0a, 0]) + ack(0) + ppp_record(0xc021, lcp_req) + chap
    corp["ppp"]["pap"] = bytes([0x46, 2]) + ppp_record(
        0xc023, cp(1, 7, b"\x05alice\x0awonderland")) + ack(1) + ppp_record(0x8021, ipcp_req) + \
        ack(2) + ppp_record(0x8057, v6_req) + b"\xc0"
    corp["ppp"]["none"] = bytes([0x22, 2]) + ack(1) + ppp_record(0x8021, ipcp_req) + \
        ppp_record(0x8021, cp(1, 3, b"\x03\x06\xc0\x00\x02\x0a")) + b"\xff"
    corp["ppp"]["mschap"] = bytes([0x0c, 2]) + ppp_record(0xc223, cp(2, 0, bytes([49]) +
                                                                    bytes(49) + b"alice"))
    corp["ppp"]["mschap-ok"] = bytes([0x0e, 2]) + bytes([12]) + ack(1) + \
        ppp_record(0x8021, ipcp_req) + ack(2) + ppp_record(0x8057, v6_req)
    corp["ppp"]["client"] = bytes([0x00, 7]) + ppp_record(
        0xc223, cp(1, 1, b"\x10" + bytes(16) + b"lns")) + ppp_record(0xc223, cp(3, 1, b"")) + \
        ack(1) + ppp_record(0x8021, cp(1, 2, b"\x03\x06\xc0\x00\x02\x01")) + \
        ppp_record(0x8021, cp(3, 1, b"\x03\x06\xc0\x00\x02\x0b\x81\x06\xc0\x00\x02\x35"))
    corp["ppp"]["client-pap"] = bytes([0x00, 3]) + ppp_record(
        0xc021, cp(1, 1, b"\x03\x04\xc0\x23\x05\x06\x01\x02\x03\x04")) + ack(0) + \
        ppp_record(0xc023, cp(2, 1, b"\x00"))
    # Proxy LCP and a proxied CHAP-MD5 exchange in the ICCN (proxy_lcp on)
    chal16 = bytes(range(1, 17))
    resp = hashlib.md5(b"\x07" + b"wonderland" + chal16).digest()
    lac_req = b"\x01\x04\x05\x78\x03\x05\xc2\x23\x05\x05\x06\x11\x22\x33\x44"
    cli_req = b"\x01\x04\x05\x64\x05\x06\x0a\x0b\x0c\x0d\x07\x02\x08\x02"
    avps = [(27 - 26, lac_req), (28 - 26, cli_req), (29 - 26, b"\x00\x02"),
            (30 - 26, b"alice"), (31 - 26, chal16), (32 - 26, b"\x00\x07"), (33 - 26, resp)]
    corp["ppp"]["proxy"] = bytes([0x18, 8, len(avps)]) + b"".join(
        bytes([t, len(v)]) + v for t, v in avps) + ack(1) + ppp_record(0x8021, ipcp_req)
    corp["ppp"]["term"] = bytes([0x20, 2]) + b"\xff" + ppp_record(0xc021, cp(5, 9, b""))

    corp["tunnel"]["hello"] = b"\x03" + bytes([0x40, 0, 20]) + \
        b"\xc8\x02\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x80\x08\x00\x00\x00\x00\x00\x06" + \
        b"\xff\xff"

    # decap by hand: data for the sessions of selftests/lib/decapref.c
    # (100/200 over IPv4, 101/201 over IPv6) with L, S, O and PFC variants
    up, lac = "02:00:00:00:00:01", "02:00:00:00:00:02"
    in4 = bytes(IP(src="192.0.2.150", dst="192.0.2.40") / ICMP() / (b"x" * 20))
    in6 = bytes(IPv6(src="2001:db8:100::9", dst="2001:db8:2::40") / TCP())
    for name, hdr, ppp, inner, v6 in (
            ("plain4", b"\x00\x02\x00\x64\x00\xc8", b"\xff\x03\x00\x21", in4, False),
            ("lso4", b"\x4a\x02" + struct.pack(">H", 20 + len(in4)) +
             b"\x00\x64\x00\xc8\x00\x01\x00\x02\x00\x02\x00\x00", b"\xff\x03\x21", in4,
             False),
            ("pfc6", b"\x00\x02\x00\x65\x00\xc9", b"\x57", in6, True)):
        outer = (IPv6(src="2001:db8:1::2", dst="2001:db8:1::1") if v6 else
                 IP(src="192.0.2.2", dst="192.0.2.1"))
        corp["decap"]["hand-" + name] = bytes(
            Ether(dst=up, src=lac) / outer / UDP(sport=1701, dport=1701) /
            Raw(hdr + ppp + inner))

    corp["secrets"]["basic"] = b"# client server secret addresses\n" \
        b"alice * wonderland 192.0.2.10\nbob lns \"with space\" -\n" \
        b"* * 'q\\x41\\101\\n' *\ncarol\t\"lns 2\" \\\n  s3cret 192.0.2.11 192.0.2.12\n"
    corp["secrets"]["empty"] = b""
    corp["secrets"]["comment"] = b"a b c # d e\n\"unterminated\n"

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "etc", "l2tpxd.conf"), "rb") as f:
        corp["conf"]["example"] = f.read()
    corp["conf"]["full"] = b"[global]\nlisten = 192.0.2.1, 2001:db8::1\nport = 1701\n" \
        b"secret = s\nchallenge = yes\nhide_avps = yes\nip_range = 192.0.2.10-192.0.2.20\n" \
        b"local_ip = 192.0.2.1\ndns = 192.0.2.53\nauth = mschapv2\nipv6_pool = 2001:db8::/48\n" \
        b"[peer 192.0.2.10]\nsecret =\n[peer 2001:db8::2]\nsecret = x\n" \
        b"[lac home]\nlns = 198.51.100.1\nsecret = s3cret\nuser = alice\npassword = w\n" \
        b"redial = yes\nredial_timeout = 5\n"

    n = 0
    for t, seeds in corp.items():
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            n += 1
    print("seeds: %d files in %s" % (n, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
