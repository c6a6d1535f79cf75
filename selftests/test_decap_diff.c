// SPDX-License-Identifier: GPL-2.0
/* Differential test of the uplink decap (l2tpx_uplink): random and mutated
 * frames (Ethernet, 0-3 VLAN tags, IPv4 with options / fragments, IPv6 with
 * extension headers, UDP, L2TPv2 with every T/L/S/O/P mix, versions, Offset
 * Sizes, Lengths, PPP with and without FF 03 and PFC, IPv4/IPv6 inner of
 * every TTL, then bit flips, cuts and trailers) through BPF_PROG_TEST_RUN,
 * compared with a reference parser written here from RFC 2661 3.1, RFC 1661
 * 6.5/6.6 and the rules of docs/REASONS.md: the same verdict, the same
 * reason counted, the same output bytes.  The FIB of the test network
 * (selftests/lib/bpftest.h) is modelled address by address; an inner
 * destination the model does not know accepts any decapsulated-and-passed
 * outcome, still with the bytes checked.
 *
 * Deterministic: DECAP_DIFF_SEED (default 1), DECAP_DIFF_N frames (default
 * 200000).  Prints TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"

/* ---- the sessions the program knows ---- */

enum { S_V4, S_V6, S_ANTI, S_NAT, S_COUNT };

static const struct bt_sess sess[S_COUNT] = {
	[S_V4] = { .tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
		   .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1 },
	[S_V6] = { .tunnel = 101, .session = 201, .peer_tunnel = 1101, .peer_session = 1201,
		   .local = BT_LOCAL6, .peer = BT_LAC6, .stats_idx = 2 },
	[S_ANTI] = { .tunnel = 102, .session = 202, .peer_tunnel = 1102, .peer_session = 1202,
		     .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 3,
		     .flags = L2TPX_SF_ANTISPOOF },
	[S_NAT] = { .tunnel = 105, .session = 205, .peer_tunnel = 1105, .peer_session = 1205,
		    .local = BT_LOCAL4, .peer = BT_LAC4, .peer_port = 40123, .stats_idx = 4 },
};

/* The anti-spoofing session's own addresses (exact entries). */
static const char *const anti_src[] = { "192.0.2.130", "2001:db8:100::5" };

static struct l2tp_xdp_bpf *skel;
static struct bt_maps maps;
static struct bt_xdp xdp;
static struct bt_net net;

/* ---- deterministic random ---- */

static uint64_t rs;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 16);
}

static uint32_t rn(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return rn(100) < pct;
}

/* ---- the reference's FIB of the test network ---- */

enum fib_kind { FIB_UNKNOWN, FIB_LOCAL, FIB_FWD, FIB_NO_NEIGH, FIB_NO_TXPORT, FIB_OTHER };

struct fib_res {
	enum fib_kind kind;
	const uint8_t *dmac, *smac;	/* FIB_FWD */
};

struct fib_row {
	const char *dst;	/* exact, or a prefix with /len */
	enum fib_kind kind;
	int via;		/* FIB_FWD: 0 uplink (LAC), 1 core (core host) */
};

/* From the network bt_net_setup() builds (bpftest.h). */
static const struct fib_row fib_rows[] = {
	{ "192.0.2.1", FIB_LOCAL, 0 }, { "192.0.2.33", FIB_LOCAL, 0 }, { "192.0.2.65", FIB_LOCAL, 0 },
	{ "192.0.2.2", FIB_FWD, 0 }, { "192.0.2.40", FIB_FWD, 1 },
	{ "192.0.2.3", FIB_NO_NEIGH, 0 }, { "192.0.2.41", FIB_NO_NEIGH, 0 },
	{ "192.0.2.70", FIB_NO_TXPORT, 0 },
	{ "192.0.2.192/27", FIB_OTHER, 0 },	/* unreachable route */
	{ "192.0.2.224/27", FIB_LOCAL, 0 },	/* no route: "not forwarded" */
	{ "2001:db8:1::1", FIB_LOCAL, 0 }, { "2001:db8:2::1", FIB_LOCAL, 0 },
	{ "2001:db8:1::2", FIB_FWD, 0 }, { "2001:db8:2::40", FIB_FWD, 1 },
	{ "2001:db8:1::3", FIB_NO_NEIGH, 0 }, { "2001:db8:2::41", FIB_NO_NEIGH, 0 },
	{ "2001:db8:3::70", FIB_NO_TXPORT, 0 },
	{ "2001:db8:dead::/48", FIB_OTHER, 0 },
	{ "2001:db8:ffff::/48", FIB_LOCAL, 0 },
};

/* What the generator picks inner destinations from. */
static const char *const inner_dst4[] = {
	"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.40", "192.0.2.41", "192.0.2.70",
	"192.0.2.200", "192.0.2.250", "192.0.2.33",
};
static const char *const inner_dst6[] = {
	"2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3", "2001:db8:2::40",
	"2001:db8:2::41", "2001:db8:3::70", "2001:db8:dead::1", "2001:db8:ffff::1",
	"fe80::1", "ff02::2", "2001:db8:2::1",
};

static bool prefix_match(const uint8_t *a, const uint8_t *p, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits / 8; i++)
		if (a[i] != p[i])
			return false;
	return !(bits % 8) || !((a[i] ^ p[i]) & (0xff00 >> (bits % 8)));
}

static struct fib_res fib_model(bool v6, const uint8_t *dst)
{
	struct fib_res r = { FIB_UNKNOWN, NULL, NULL };

	for (size_t i = 0; i < sizeof(fib_rows) / sizeof(fib_rows[0]); i++) {
		char buf[64];
		const char *slash = strchr(fib_rows[i].dst, '/');
		unsigned int bits;
		struct addr a;

		snprintf(buf, sizeof(buf), "%.*s",
			 (int)(slash ? slash - fib_rows[i].dst : (long)strlen(fib_rows[i].dst)),
			 fib_rows[i].dst);
		a = A(buf);
		if ((a.family == AF_INET6) != v6)
			continue;
		bits = slash ? (unsigned int)atoi(slash + 1) : (v6 ? 128 : 32);
		if (!prefix_match(dst, a.a, bits))
			continue;
		r.kind = fib_rows[i].kind;
		if (r.kind == FIB_FWD) {
			r.dmac = fib_rows[i].via ? net.mac_corehost : net.mac_lac;
			r.smac = fib_rows[i].via ? net.mac_core : net.mac_up;
		}
		return r;
	}
	return r;
}

/* ---- the reference parser ---- */

/* What a router does to a packet it forwards: TTL or hop limit minus one,
 * the IPv4 header checksum updated as RFC 1624 eqn. 3 says, so a packet
 * that arrived with a wrong checksum still has a wrong one (recomputing it
 * would launder the error). */
static void dec_ttl(uint8_t *ip, bool v6)
{
	uint32_t sum;
	uint16_t old, new;

	if (v6) {
		ip[7]--;
		return;
	}
	old = get_be16(ip + 8);
	ip[8]--;
	new = get_be16(ip + 8);
	sum = (uint16_t)~get_be16(ip + 10) + (uint16_t)~old + new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	put_be16(ip + 10, (uint16_t)~sum);
}

struct verdict {
	uint32_t act;		/* XDP_* */
	int reason;		/* L2TPX_R_* */
	bool any_decap;		/* FIB unknown: any decapsulated PASS reason */
	bool same;		/* output = input */
	bool check_out;
	uint8_t out[PKT_MAX];
	size_t out_len;
};

static int find_session(const uint8_t *k)
{
	uint16_t t = get_be16(k), s = get_be16(k + 2);

	for (int i = 0; i < S_COUNT; i++)
		if (sess[i].tunnel == t && sess[i].session == s)
			return i;
	return -1;
}

static uint16_t port_or(uint16_t p)
{
	return p ? p : 1701;
}

static void pass(struct verdict *v, int reason)
{
	v->act = XDP_PASS;
	v->reason = reason;
	v->same = true;
	v->check_out = true;
}

static void drop(struct verdict *v, int reason)
{
	v->act = XDP_DROP;
	v->reason = reason;
}

/* An IP header at b (avail octets) whose lengths are consistent: its total
 * length, else 0. */
static size_t ip_total(const uint8_t *b, size_t avail, bool v6)
{
	size_t tot;

	if (v6) {
		if (avail < 40 || b[0] >> 4 != 6)
			return 0;
		tot = 40 + get_be16(b + 4);
	} else {
		if (avail < 20 || b[0] >> 4 != 4 || (b[0] & 15) < 5)
			return 0;
		tot = get_be16(b + 2);
		if (tot < (b[0] & 15) * 4u)
			return 0;
	}
	return tot <= avail ? tot : 0;
}

static void reference(const uint8_t *f, size_t len, struct verdict *v)
{
	size_t o = 12, l3, l4, ihl = 40, ip_end, udp_end, l2tp_end, p, tot;
	uint16_t type, flags, proto;
	bool v6, inner6;
	const uint8_t *ip, *in;
	int si;

	memset(v, 0, offsetof(struct verdict, out));
	/* Ethernet and up to two 802.1Q / 802.1ad tags. */
	if (len < 14)
		return drop(v, L2TPX_R_MALFORMED);
	type = get_be16(f + 12);
	o = 14;
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
		if (len < o + 4)
			return drop(v, L2TPX_R_MALFORMED);
		type = get_be16(f + o + 2);
		o += 4;
	}
	if (type != 0x0800 && type != 0x86dd)
		return pass(v, L2TPX_R_NOT_IP);	/* a third tag included */
	v6 = type == 0x86dd;
	l3 = o;
	ip = f + l3;
	if (!v6) {
		if (len < l3 + 20)
			return drop(v, L2TPX_R_MALFORMED);
		if (ip[9] != 17)
			return pass(v, L2TPX_R_NOT_L2TP);
		if (get_be16(ip + 6) & 0x3fff)
			return pass(v, L2TPX_R_OUTER_FRAG);
		ihl = (ip[0] & 15) * 4u;
		if (ihl < 20 || len < l3 + ihl + 8)
			return drop(v, L2TPX_R_MALFORMED);
	} else {
		if (len < l3 + 40)
			return drop(v, L2TPX_R_MALFORMED);
		switch (ip[6]) {
		case 17:
			break;
		case 44:
			return pass(v, L2TPX_R_OUTER_FRAG);
		case 0:
		case 43:
		case 60:
			return pass(v, L2TPX_R_IPV6_EXT);
		default:
			return pass(v, L2TPX_R_NOT_L2TP);
		}
		if (len < l3 + 48)
			return drop(v, L2TPX_R_MALFORMED);
	}
	l4 = l3 + ihl;
	if (get_be16(f + l4 + 2) != 1701)
		return pass(v, L2TPX_R_NOT_L2TP);
	tot = ip_total(ip, len - l3, v6);
	if (!tot || (!v6 && tot < ihl))
		return drop(v, L2TPX_R_MALFORMED);
	ip_end = l3 + tot;
	/* UDP: room for the L2TP flags at least, inside the IP payload. */
	if (get_be16(f + l4 + 4) < 10 || l4 + get_be16(f + l4 + 4) > ip_end)
		return drop(v, L2TPX_R_MALFORMED);
	udp_end = l4 + get_be16(f + l4 + 4);
	/* L2TPv2 header (RFC 2661 3.1). */
	p = l4 + 8;
	flags = get_be16(f + p);
	if ((flags & 0x000f) != 2)
		return pass(v, L2TPX_R_VERSION);
	if (flags & 0x8000)
		return pass(v, L2TPX_R_CONTROL);
	p += 2;
	l2tp_end = udp_end;
	if (flags & 0x4000) {
		if (len < p + 2 || l4 + 8 + get_be16(f + p) > udp_end)
			return drop(v, L2TPX_R_MALFORMED);
		l2tp_end = l4 + 8 + get_be16(f + p);
		p += 2;
	}
	if (len < p + 4)
		return drop(v, L2TPX_R_MALFORMED);
	si = find_session(f + p);
	p += 4;
	if (flags & 0x0800)
		p += 4;
	if (flags & 0x0200) {
		if (len < p + 2)
			return drop(v, L2TPX_R_MALFORMED);
		if (get_be16(f + p) > 64)
			return pass(v, L2TPX_R_OFFSET_BIG);
		p += 2 + get_be16(f + p);
	}
	if (p > l2tp_end)
		return drop(v, L2TPX_R_MALFORMED);
	if (si < 0)
		return pass(v, L2TPX_R_NO_SESSION);
	/* The session's own outer addresses and ports. */
	{
		struct addr peer = A(sess[si].peer), local = A(sess[si].local);
		size_t alen = v6 ? 16 : 4;
		bool fam = (peer.family == AF_INET6) == v6;

		if (!fam || memcmp(ip + (v6 ? 8 : 12), peer.a, alen) ||
		    memcmp(ip + (v6 ? 24 : 16), local.a, alen) ||
		    get_be16(f + l4) != port_or(sess[si].peer_port) ||
		    get_be16(f + l4 + 2) != port_or(sess[si].local_port))
			return drop(v, L2TPX_R_WRONG_PEER);
	}
	/* PPP (RFC 1661 6.5, 6.6): the payload ends at the L2TP Length or the
	 * frame, whichever is first. */
	if (l2tp_end > len)
		l2tp_end = len;
	if (p + 2 <= l2tp_end && f[p] == 0xff && f[p + 1] == 0x03)
		p += 2;
	if (p + 1 > l2tp_end)
		return drop(v, L2TPX_R_INNER_MALFORMED);
	if (f[p] & 1) {
		proto = f[p];
		p += 1;
	} else {
		if (p + 2 > l2tp_end)
			return drop(v, L2TPX_R_INNER_MALFORMED);
		proto = get_be16(f + p);
		p += 2;
	}
	if (proto != 0x0021 && proto != 0x0057)
		return pass(v, proto >= 0x8000 ? L2TPX_R_PPP_CONTROL : L2TPX_R_PPP_OTHER);
	inner6 = proto == 0x0057;
	in = f + p;
	tot = ip_total(in, len - p, inner6);
	if (!tot || p + tot > l2tp_end)
		return drop(v, L2TPX_R_INNER_MALFORMED);
	if (inner6 && (in[24] == 0xff || (in[24] == 0xfe && (in[25] & 0xc0) == 0x80)))
		return pass(v, L2TPX_R_INNER_LINK);
	/* Anti-spoofing: the inner source must be one of the session's. */
	if (sess[si].flags & L2TPX_SF_ANTISPOOF) {
		bool mine = false;

		for (size_t i = 0; i < sizeof(anti_src) / sizeof(anti_src[0]); i++) {
			struct addr a = A(anti_src[i]);

			if ((a.family == AF_INET6) == inner6 &&
			    !memcmp(in + (inner6 ? 8 : 12), a.a, inner6 ? 16 : 4))
				mine = true;
		}
		if (!mine)
			return drop(v, L2TPX_R_SPOOFED);
	}
	/* Decapsulated: Ethernet + the inner packet, padding trimmed. */
	{
		struct fib_res fr = fib_model(inner6, in + (inner6 ? 24 : 16));
		uint8_t ttl = inner6 ? in[7] : in[8];

		memcpy(v->out, f, 12);
		put_be16(v->out + 12, inner6 ? 0x86dd : 0x0800);
		memcpy(v->out + 14, in, tot);
		v->out_len = 14 + tot;
		v->check_out = true;
		v->act = XDP_PASS;
		switch (fr.kind) {
		case FIB_UNKNOWN:
			v->any_decap = true;
			break;
		case FIB_LOCAL:
			v->reason = L2TPX_R_DECAP_LOCAL;
			break;
		case FIB_NO_NEIGH:
			v->reason = L2TPX_R_DECAP_NO_NEIGH;
			break;
		case FIB_OTHER:
			v->reason = L2TPX_R_DECAP_FIB_OTHER;
			break;
		case FIB_NO_TXPORT:
			v->reason = ttl <= 1 ? L2TPX_R_TTL : L2TPX_R_DECAP_NO_TXPORT;
			break;
		case FIB_FWD:
			if (ttl <= 1) {
				v->reason = L2TPX_R_TTL;
				break;
			}
			v->act = XDP_REDIRECT;
			v->reason = L2TPX_R_DECAP_FWD;
			memcpy(v->out, fr.dmac, 6);
			memcpy(v->out + 6, fr.smac, 6);
			dec_ttl(v->out + 14, inner6);
			break;
		}
	}
}

/* ---- the generator ---- */

static void gen_inner(struct pkt *in, bool v6, int si)
{
	struct inner_spec s;
	static const uint8_t ttls[] = { 0, 1, 2, 64, 255 };
	static const uint8_t l4s[] = { IPPROTO_ICMP_, IPPROTO_UDP_, IPPROTO_TCP_ };

	memset(&s, 0, sizeof(s));
	if (v6) {
		s.src = (si == S_ANTI && chance(60)) ? A(anti_src[1]) : A("2001:db8:100::9");
		s.dst = A(inner_dst6[rn(sizeof(inner_dst6) / sizeof(inner_dst6[0]))]);
		s.l4 = chance(30) ? IPPROTO_ICMPV6_ : l4s[1 + rn(2)];
	} else {
		s.src = (si == S_ANTI && chance(60)) ? A(anti_src[0]) : A("192.0.2.150");
		s.dst = A(inner_dst4[rn(sizeof(inner_dst4) / sizeof(inner_dst4[0]))]);
		s.l4 = l4s[rn(3)];
	}
	if (chance(10))	/* a destination the FIB model does not know */
		s.dst.a[s.dst.family == AF_INET6 ? 15 : 3] ^= (uint8_t)(1 + rn(255));
	s.ttl = chance(25) ? ttls[rn(sizeof(ttls))] : 64;
	s.payload_len = chance(10) ? 0 : rn(300);
	inner_build(in, &s);
}

static void gen_frame(struct pkt *f)
{
	static const uint16_t protos[] = { 0xc021, 0x8021, 0x8057, 0xc223, 0x0031, 0x002b,
					   0x00fd, 0x0021, 0x0057 };
	static const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100 };
	static const uint8_t exts[] = { 0, 43, 44, 60 };
	static uint8_t opts[40];
	int si = chance(90) ? (int)rn(S_COUNT) : -1;
	const struct bt_sess *s = si >= 0 ? &sess[si] : &sess[S_V4];
	bool v6 = strchr(s->peer, ':') != NULL, inner6 = chance(40);
	struct outer_spec o;
	struct l2tp_spec l;
	struct ppp_spec pp;
	struct pkt in;
	struct frame_layout lay;

	if (chance(3))
		v6 = !v6;	/* the other family: wrong peer */
	pkt_init(&in);
	gen_inner(&in, inner6, si);

	memset(&o, 0, sizeof(o));
	memcpy(o.eth.dst, net.mac_up, 6);
	memcpy(o.eth.src, net.mac_lac, 6);
	o.eth.nvlan = chance(70) ? 0 : (int)rn(3);
	for (int i = 0; i < o.eth.nvlan; i++) {
		o.eth.tpid[i] = tpids[chance(90) ? rn(2) : 2];
		o.eth.vid[i] = (uint16_t)(1 + rn(4094));
	}
	o.src = A(v6 ? BT_LAC6 : BT_LAC4);
	o.dst = A(v6 ? BT_LOCAL6 : BT_LOCAL4);
	if (chance(3))
		o.src.a[v6 ? 15 : 3] ^= 0x10;
	if (chance(2))
		o.dst.a[v6 ? 15 : 3] ^= 0x20;
	if (!v6 && chance(15)) {
		o.ip4optlen = 4 * (1 + rn(10));
		memset(opts, 1, sizeof(opts));	/* NOPs */
		o.ip4opts = opts;
	}
	if (!v6 && chance(3))
		o.ip4_frag = chance(50) ? 0x2000 : (uint16_t)(1 + rn(100));
	if (v6 && chance(4))
		o.ip6_nexthdr_ext = exts[1 + rn(3)];
	o.sport = port_or(s->peer_port);
	o.dport = 1701;
	if (chance(3))
		o.sport = (uint16_t)rnd();
	if (chance(3))
		o.dport = chance(50) ? 1702 : (uint16_t)rnd();
	o.udp_csum = chance(50);

	memset(&l, 0, sizeof(l));
	l.flags = (uint16_t)(rnd() & (L2TPF_L | L2TPF_S | L2TPF_O | L2TPF_P));
	if (chance(4))
		l.flags |= L2TPF_T;
	l.ver = chance(96) ? 2 : (uint8_t)rn(16);
	l.tunnel = si >= 0 ? s->tunnel : (uint16_t)rnd();
	l.session = si >= 0 ? s->session : (uint16_t)rnd();
	if (si >= 0 && chance(3))
		l.session ^= 1;
	l.ns = (uint16_t)rnd();
	l.nr = (uint16_t)rnd();
	l.offset_size = (uint16_t)(chance(80) ? rn(9) : rn(100));
	l.length_adj = chance(90) ? 0 : (int)rn(21) - 10;

	memset(&pp, 0, sizeof(pp));
	pp.no_acf = chance(30);
	pp.pfc = chance(30);
	pp.proto = chance(85) ? (inner6 ? 0x0057 : 0x0021) : protos[rn(sizeof(protos) / 2)];

	frame_l2tp(f, &o, &l, &pp, &in, &lay);

	/* Mutations: trailers, cuts, bit flips. */
	if (chance(10))
		pkt_fill(f, rn(40), (uint8_t)rnd());
	/* BPF_PROG_TEST_RUN wants an Ethernet header at least. */
	if (chance(10))
		pkt_trim(f, 14 + rn((uint32_t)f->len - 13));
	if (chance(15)) {
		int n = 1 + (int)rn(4);

		for (int i = 0; i < n && f->len; i++)
			pkt_data(f)[rn((uint32_t)f->len)] ^= (uint8_t)(1 << rn(8));
	}
}

/* ---- running and comparing ---- */

static const char *act_str(uint32_t a)
{
	return bt_xdp_act(a);
}

static bool compare(const uint8_t *f, size_t len, const struct verdict *v, uint32_t act,
		    int reason, const uint8_t *out, size_t out_len)
{
	bool ok = act == v->act;

	if (v->any_decap)
		ok = ok && (reason == L2TPX_R_DECAP_LOCAL || reason == L2TPX_R_DECAP_NO_NEIGH ||
			    reason == L2TPX_R_DECAP_FIB_OTHER || reason == L2TPX_R_TTL ||
			    reason == L2TPX_R_DECAP_NO_TXPORT);
	else
		ok = ok && reason == v->reason;
	if (ok && v->check_out && act != XDP_DROP) {
		if (v->same)
			ok = out_len == len && !memcmp(out, f, len);
		else
			ok = out_len == v->out_len && !memcmp(out, v->out, out_len);
	}
	return ok;
}

static void report(int n, const uint8_t *f, size_t len, const struct verdict *v, uint32_t act,
		   int reason, const uint8_t *out, size_t out_len)
{
	printf("# disagreement %d: BPF %s/%s, reference %s/%s%s\n", n, act_str(act),
	       reason >= 0 ? bt_reason(reason) : "(none or several)", act_str(v->act),
	       v->any_decap ? "(any decap reason)" : bt_reason(v->reason),
	       v->same ? ", untouched" : "");
	hexdump("  frame ", f, len);
	if (act != XDP_DROP)
		hexdump("  bpf   ", out, out_len);
	if (v->check_out && !v->same)
		hexdump("  ref   ", v->out, v->out_len);
	fflush(stdout);
}

static int setup(void)
{
	skel = l2tp_xdp_bpf__open();
	if (!skel)
		return -1;
	if (bt_unpin(skel->obj) || l2tp_xdp_bpf__load(skel) || bt_maps_get(skel->obj, &maps) ||
	    bt_xdp_init(&xdp, bpf_program__fd(skel->progs.l2tpx_uplink)))
		return -1;
	for (int i = 0; i < S_COUNT; i++)
		if (bt_sess_put(&maps, &sess[i]))
			return -1;
	for (size_t i = 0; i < sizeof(anti_src) / sizeof(anti_src[0]); i++)
		if (bt_sub_put(&maps, anti_src[i], sess[S_ANTI].tunnel, sess[S_ANTI].session))
			return -1;
	if (bt_txport_put(&maps, net.if_up) || bt_txport_put(&maps, net.if_core))
		return -1;
	return 0;
}

int main(void)
{
	const char *e = getenv("DECAP_DIFF_N");
	long n = e ? atol(e) : 200000, bad = 0, seen[L2TPX_R_MAX] = { 0 };
	static struct pkt f, out;
	static struct verdict v;
	struct bt_counts before, after;
	int t = 0, missing = 0;

	e = getenv("DECAP_DIFF_SEED");
	rs = 0x9e3779b97f4a7c15ULL * (uint64_t)(e ? atol(e) : 1) + 1;
	if (bt_net_setup(&net) || setup()) {
		printf("Bail out! cannot set up the test network or load l2tp_xdp\n");
		return 1;
	}
	if (bt_reasons_read(maps.reasons, &before)) {
		printf("Bail out! cannot read l2tpx_reasons\n");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		uint32_t act;
		size_t out_len;
		int reason;

		pkt_init(&f);
		gen_frame(&f);
		reference(pkt_cdata(&f), f.len, &v);
		pkt_init(&out);
		out_len = PKT_MAX - out.off;
		if (bt_xdp_run(&xdp, -1, pkt_cdata(&f), f.len, (uint32_t)net.if_up, &act,
			       pkt_data(&out), &out_len) ||
		    bt_reasons_read(maps.reasons, &after)) {
			printf("Bail out! BPF_PROG_TEST_RUN failed at frame %ld\n", i);
			return 1;
		}
		reason = bt_reasons_which(&before, &after);
		before = after;
		if (reason >= 0)
			seen[reason]++;
		if (!compare(pkt_cdata(&f), f.len, &v, act, reason, pkt_cdata(&out), out_len)) {
			if (bad < 10)
				report((int)bad + 1, pkt_cdata(&f), f.len, &v, act, reason,
				       pkt_cdata(&out), out_len);
			bad++;
		}
	}
	printf("%s %d - %ld frames (seed %s): BPF and the reference agree on verdict, reason "
	       "and bytes (%ld disagreements)\n",
	       bad ? "not ok" : "ok", ++t, n, e ? e : "1", bad);
	/* The frames reached every uplink outcome but the helper failure. */
	for (int r = 0; r < L2TPX_R_MAX; r++) {
		static const int uplink[] = {
			L2TPX_R_DECAP_FWD, L2TPX_R_DECAP_LOCAL, L2TPX_R_DECAP_NO_NEIGH,
			L2TPX_R_DECAP_NO_TXPORT, L2TPX_R_DECAP_FIB_OTHER, L2TPX_R_NOT_IP,
			L2TPX_R_NOT_L2TP, L2TPX_R_OUTER_FRAG, L2TPX_R_IPV6_EXT, L2TPX_R_CONTROL,
			L2TPX_R_VERSION, L2TPX_R_NO_SESSION, L2TPX_R_PPP_CONTROL,
			L2TPX_R_PPP_OTHER, L2TPX_R_INNER_LINK, L2TPX_R_OFFSET_BIG, L2TPX_R_TTL,
			L2TPX_R_MALFORMED, L2TPX_R_INNER_MALFORMED, L2TPX_R_WRONG_PEER,
			L2TPX_R_SPOOFED,
		};

		for (size_t k = 0; k < sizeof(uplink) / sizeof(uplink[0]); k++)
			if (uplink[k] == r) {
				printf("# %-16s %ld\n", bt_reason(r), seen[r]);
				if (!seen[r] && n >= 10000)
					missing++;
			}
	}
	printf("%s %d - every uplink reason but error was reached (%d missing)\n",
	       missing ? "not ok" : "ok", ++t, missing);
	printf("1..%d\n", t);
	bt_xdp_fini(&xdp);
	l2tp_xdp_bpf__destroy(skel);
	return bad || missing;
}
