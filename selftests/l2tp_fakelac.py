#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A scripted L2TPv2 LAC + PPP client for fault tests (selftests/e2e_faults.sh).

It speaks just enough RFC 2661 (reliable delivery with Ns/Nr, SCCRQ/SCCCN,
ICRQ/ICCN, StopCCN, ZLB) and PPP (LCP, CHAP-MD5, IPCP) to reach a chosen
stage and then misbehave: vanish (exit without a word), send StopCCN in the
middle of call setup, flood ICRQs, or flood LCP Echo-Requests.  Written with
plain sockets and struct, independent of l2tpx's own codec.  Prints one JSON
line of what it saw on stdout; exits 0 when the stage was reached.
"""
import argparse
import hashlib
import json
import os
import select
import socket
import struct
import sys
import time

M = 0x8000  # mandatory AVP bit

# message types
SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
ICRQ, ICRP, ICCN, CDN = 10, 11, 12, 14
# PPP
LCP, CHAP, IPCP = 0xC021, 0xC223, 0x8021
CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ, TERM_REQ, TERM_ACK = 1, 2, 3, 4, 5, 6
ECHO_REQ, ECHO_REP = 9, 10


def avp(typ, val, mand=True):
    return struct.pack("!HHH", (M if mand else 0) | (6 + len(val)), 0, typ) + val


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


def parse_avps(b):
    out = {}
    while len(b) >= 6:
        fl, ven, typ = struct.unpack("!HHH", b[:6])
        ln = fl & 0x3FF
        if ln < 6 or ln > len(b):
            break
        if ven == 0 and typ not in out:
            out[typ] = b[6:ln]
        b = b[ln:]
    return out


class Lac:
    def __init__(self, lns, local, tid, secret_user, secret, deadline):
        self.lns = (lns, 1701)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((local, 1701))
        self.tid = tid
        self.ltid = 0  # the LNS's tunnel id
        self.ns = 0
        self.nr = 0
        self.user, self.secret = secret_user, secret
        self.deadline = time.time() + deadline
        self.ctrl = []  # (type, session id in header, avps) received in order
        self.ppp = []  # (session id, proto, packet) received
        self.answer_echo = True
        self.echo_replies = 0
        self.magic = 0x5A5A0001

    # ---- control ----
    def send_ctrl(self, typ, avps=b"", sid=0):
        body = avp(0, u16(typ)) + avps
        hdr = struct.pack("!HHHHHH", 0xC802, 12 + len(body), self.ltid, sid, self.ns, self.nr)
        self.s.sendto(hdr + body, self.lns)
        self.ns = (self.ns + 1) & 0xFFFF

    def send_zlb(self):
        self.s.sendto(struct.pack("!HHHHHH", 0xC802, 12, self.ltid, 0, self.ns, self.nr), self.lns)

    def send_data(self, sid, proto, pkt):
        self.s.sendto(struct.pack("!HHH", 0x0002, self.ltid, sid) + b"\xff\x03" +
                      u16(proto) + pkt, self.lns)

    def pump(self, timeout):
        """Read what arrives for up to timeout s; acknowledge control
        messages, answer HELLO and (unless told not to) LCP echo."""
        end = min(time.time() + timeout, self.deadline)
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return
            b, _ = self.s.recvfrom(4096)
            self.input(b)
            return

    def input(self, b):
        fl = struct.unpack("!H", b[:2])[0]
        if fl & 0x8000:
            _, ln, tid, sid, ns, nr = struct.unpack("!HHHHHH", b[:12])
            if ln == 12:
                return  # ZLB
            if ns == self.nr:
                self.nr = (self.nr + 1) & 0xFFFF
                a = parse_avps(b[12:ln])
                typ = struct.unpack("!H", a.get(0, b"\0\0"))[0]
                self.ctrl.append((typ, sid, a))
            self.send_zlb()
            return
        off = 2
        if fl & 0x4000:
            off += 2
        tid, sid = struct.unpack("!HH", b[off:off + 4])
        off += 4
        if fl & 0x0800:
            off += 4
        if fl & 0x0200:
            off += 2 + struct.unpack("!H", b[off:off + 2])[0]
        p = b[off:]
        if p[:2] == b"\xff\x03":
            p = p[2:]
        proto = struct.unpack("!H", p[:2])[0]
        pkt = p[2:]
        if proto == LCP and pkt[0] == ECHO_REQ and self.answer_echo:
            self.send_data(sid, LCP, bytes([ECHO_REP, pkt[1]]) + pkt[2:4] + u32(self.magic) +
                           pkt[8:])
            return
        if proto == LCP and pkt[0] == ECHO_REP:
            self.echo_replies += 1
            return
        self.ppp.append((sid, proto, pkt))

    def wait_ctrl(self, typ, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            for i, m in enumerate(self.ctrl):
                if m[0] == typ:
                    return self.ctrl.pop(i)
            self.pump(end - time.time())
        raise TimeoutError("no control message %d" % typ)

    def wait_ppp(self, proto, code, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            for i, m in enumerate(self.ppp):
                if m[1] == proto and m[2][0] == code:
                    return self.ppp.pop(i)
            self.pump(end - time.time())
        raise TimeoutError("no PPP %#x code %d" % (proto, code))

    # ---- steps ----
    def tunnel(self):
        self.send_ctrl(SCCRQ, avp(2, u16(0x0100)) + avp(7, b"fakelac") + avp(3, u32(3)) +
                       avp(9, u16(self.tid)) + avp(10, u16(64)))

    def tunnel_up(self):
        _, _, a = self.wait_ctrl(SCCRP)
        self.ltid = struct.unpack("!H", a[9])[0]
        self.send_ctrl(SCCCN)

    def icrq(self, psid):
        self.send_ctrl(ICRQ, avp(14, u16(psid)) + avp(15, u32(psid)))

    def icrp(self):
        typ_sid_avps = self.wait_ctrl_any((ICRP, CDN))
        return typ_sid_avps

    def wait_ctrl_any(self, types, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            for i, m in enumerate(self.ctrl):
                if m[0] in types:
                    return self.ctrl.pop(i)
            self.pump(end - time.time())
        raise TimeoutError("none of %s" % (types,))

    def iccn(self, sid):
        self.send_ctrl(ICCN, avp(24, u32(100000000)) + avp(19, u32(1)), sid=sid)

    def stopccn(self):
        self.send_ctrl(STOPCCN, avp(9, u16(self.tid)) + avp(1, u16(1)))

    def lcp(self, sid):
        _, _, req = self.wait_ppp(LCP, CONF_REQ)
        self.send_data(sid, LCP, bytes([CONF_ACK]) + req[1:])
        opts = bytes([5, 6]) + u32(self.magic)
        self.send_data(sid, LCP, bytes([CONF_REQ, 1, 0, 4 + len(opts)]) + opts)
        self.wait_ppp(LCP, CONF_ACK)

    def chap(self, sid):
        _, _, c = self.wait_ppp(CHAP, 1)
        ident, vlen = c[1], c[4]
        chal = c[5:5 + vlen]
        h = hashlib.md5(bytes([ident]) + self.secret.encode() + chal).digest()
        body = bytes([16]) + h + self.user.encode()
        self.send_data(sid, CHAP, bytes([2, ident]) + u16(4 + len(body)) + body)
        _, _, r = self.wait_ppp(CHAP, 3)  # Success

    def ipcp(self, sid):
        _, _, req = self.wait_ppp(IPCP, CONF_REQ)
        self.send_data(sid, IPCP, bytes([CONF_ACK]) + req[1:])
        self.send_data(sid, IPCP, bytes([CONF_REQ, 1, 0, 10, 3, 6, 0, 0, 0, 0]))
        _, _, nak = self.wait_ppp(IPCP, CONF_NAK)
        addr = nak[6:10]
        self.send_data(sid, IPCP, bytes([CONF_REQ, 2, 0, 10, 3, 6]) + addr)
        self.wait_ppp(IPCP, CONF_ACK)
        return socket.inet_ntoa(addr)


def sccrq_flood(o):
    """Valid SCCRQs from many source addresses, never followed up."""
    base, rng = o.sources.rsplit(".", 1)
    first, last = (int(x) for x in rng.split("-"))
    socks = []
    for h in range(first, last + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("%s.%d" % (base, h), 0))
        socks.append(s)
    sent = 0
    t0 = time.time()
    for i in range(o.sccrq_flood):
        for j, s in enumerate(socks):
            tid = 1 + (i * len(socks) + j) % 65535
            body = (avp(0, u16(SCCRQ)) + avp(2, u16(0x0100)) + avp(7, b"flood") +
                    avp(3, u32(3)) + avp(9, u16(tid)))
            s.sendto(struct.pack("!HHHHHH", 0xC802, 12 + len(body), 0, 0, 0, 0) + body,
                     (o.lns, 1701))
            sent += 1
    print(json.dumps({"sccrq": sent, "sources": len(socks),
                      "secs": round(time.time() - t0, 2)}))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lns", required=True)
    ap.add_argument("--local", required=True)
    ap.add_argument("--tid", type=int, default=4242)
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="wonder land")
    ap.add_argument("--stop-after", default="up",
                    choices=["sccrq", "icrq", "lcp", "chap", "ipcp", "up"])
    ap.add_argument("--stopccn-in-setup", action="store_true")
    ap.add_argument("--icrq-flood", type=int, default=0)
    ap.add_argument("--echo-flood", type=int, default=0)
    ap.add_argument("--echo-secs", type=float, default=2.0)
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("--sccrq-flood", type=int, default=0,
                    help="SCCRQs per address in --sources, then exit")
    ap.add_argument("--sources", default="", help="PREFIX.FIRST-LAST, e.g. 192.0.2.100-199")
    ap.add_argument("--timeout", type=float, default=60)
    o = ap.parse_args()
    if o.sccrq_flood:
        return sccrq_flood(o)
    lac = Lac(o.lns, o.local, o.tid, o.user, o.password, o.timeout)
    out = {"stage": None}
    psid = 77

    def done():
        print(json.dumps(out))
        sys.stdout.flush()
        os._exit(0)  # vanish: no StopCCN, no CDN, nothing more

    lac.tunnel()
    out["stage"] = "sccrq"
    if o.stop_after == "sccrq":
        lac.wait_ctrl(SCCRP)
        done()
    lac.tunnel_up()
    out["stage"] = "tunnel"
    out["ltid"] = lac.ltid
    if o.icrq_flood:
        icrp = cdn = 0
        results = {}
        t0 = time.time()
        for i in range(o.icrq_flood):
            lac.icrq(1000 + i)
            typ, _, a = lac.wait_ctrl_any((ICRP, CDN))
            if typ == ICRP:
                icrp += 1
            else:
                cdn += 1
                rc = struct.unpack("!H", a.get(1, b"\0\0")[:2])[0]
                results[rc] = results.get(rc, 0) + 1
        out.update(icrq=o.icrq_flood, icrp=icrp, cdn=cdn, cdn_results=results,
                   secs=round(time.time() - t0, 2))
        lac.pump(0.2)
        done()
    lac.icrq(psid)
    typ, _, a = lac.wait_ctrl_any((ICRP, CDN))
    if typ != ICRP:
        out["error"] = "call refused"
        print(json.dumps(out))
        return 1
    sid = struct.unpack("!H", a[14])[0]
    out.update(stage="icrq", sid=sid)
    if o.stopccn_in_setup:
        lac.stopccn()
        lac.pump(0.5)
        out["stage"] = "stopccn"
        done()
    if o.stop_after == "icrq":
        done()
    lac.iccn(sid)
    out["stage"] = "lcp"
    if o.stop_after == "lcp":
        lac.wait_ppp(LCP, CONF_REQ)
        done()
    lac.lcp(sid)
    out["stage"] = "chap"
    if o.stop_after == "chap":
        lac.wait_ppp(CHAP, 1)
        done()
    lac.chap(sid)
    out["stage"] = "ipcp"
    if o.stop_after == "ipcp":
        lac.wait_ppp(IPCP, CONF_REQ)
        done()
    out["addr"] = lac.ipcp(sid)
    out["stage"] = "up"
    if o.echo_flood:
        lac.answer_echo = True
        gap = o.echo_secs / o.echo_flood
        t0 = time.time()
        for i in range(o.echo_flood):
            lac.send_data(sid, LCP, bytes([ECHO_REQ, i & 0xFF, 0, 8]) + u32(lac.magic))
            if i % 50 == 0:
                # pace the flood and read the answers as they come
                while time.time() < t0 + (i + 1) * gap:
                    lac.pump(max(0, t0 + (i + 1) * gap - time.time()))
        end = time.time() + 0.5
        while time.time() < end:
            lac.pump(end - time.time())
        out.update(echo_sent=o.echo_flood, echo_replies=lac.echo_replies,
                   echo_secs=round(time.time() - t0, 2))
        print(json.dumps(out))  # now, while the call is still held
        sys.stdout.flush()
    end = time.time() + o.hold
    while time.time() < end:
        lac.pump(end - time.time())
    done()


if __name__ == "__main__":
    sys.exit(main())
