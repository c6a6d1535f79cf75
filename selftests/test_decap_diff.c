// SPDX-License-Identifier: GPL-2.0
/* Differential test of the uplink decap (l2tpx_uplink): random and mutated
 * frames (Ethernet, 0-3 VLAN tags, IPv4 with options / fragments, IPv6 with
 * extension headers, UDP, L2TPv2 with every T/L/S/O/P mix, versions, Offset
 * Sizes, Lengths, PPP with and without FF 03 and PFC, IPv4/IPv6 inner of
 * every TTL, then bit flips, cuts and trailers) through BPF_PROG_TEST_RUN,
 * compared with the reference of selftests/lib/decapref.c (written from RFC
 * 2661 3.1, RFC 1661 6.5/6.6 and the rules of docs/REASONS.md): the same
 * verdict, the same reason counted, the same output bytes.  The FIB of the
 * test network (selftests/lib/bpftest.h) is modelled address by address; an
 * inner destination the model does not know accepts any decapsulated-and-
 * passed outcome, still with the bytes checked.
 *
 * Deterministic: DECAP_DIFF_SEED (default 1), DECAP_DIFF_N frames (default
 * 200000).  Prints TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>

#include "decapref.h"

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

/* ---- the generator ---- */

static void gen_inner(struct pkt *in, bool v6, int si)
{
	struct inner_spec s;
	static const uint8_t ttls[] = { 0, 1, 2, 64, 255 };
	static const uint8_t l4s[] = { IPPROTO_ICMP_, IPPROTO_UDP_, IPPROTO_TCP_ };

	memset(&s, 0, sizeof(s));
	if (v6) {
		s.src = (si == DR_S_ANTI && chance(60)) ? A(decapref_anti_src[1]) : A("2001:db8:100::9");
		s.dst = A(inner_dst6[rn(sizeof(inner_dst6) / sizeof(inner_dst6[0]))]);
		s.l4 = chance(30) ? IPPROTO_ICMPV6_ : l4s[1 + rn(2)];
	} else {
		s.src = (si == DR_S_ANTI && chance(60)) ? A(decapref_anti_src[0]) : A("192.0.2.150");
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
	int si = chance(90) ? (int)rn(DR_S_COUNT) : -1;
	const struct bt_sess *s = si >= 0 ? &decapref_sess[si] : &decapref_sess[DR_S_V4];
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
	memcpy(o.eth.dst, decapref_net.mac_up, 6);
	memcpy(o.eth.src, decapref_net.mac_lac, 6);
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
	o.sport = s->peer_port ? s->peer_port : 1701;
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

int main(void)
{
	const char *e = getenv("DECAP_DIFF_N");
	long n = e ? atol(e) : 200000, bad = 0, seen[L2TPX_R_MAX] = { 0 };
	static struct pkt f, out;
	static struct decapref_verdict v;
	int t = 0, missing = 0;

	e = getenv("DECAP_DIFF_SEED");
	rs = 0x9e3779b97f4a7c15ULL * (uint64_t)(e ? atol(e) : 1) + 1;
	if (decapref_setup()) {
		printf("Bail out! cannot set up the test network or load l2tp_xdp\n");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		uint32_t act;
		size_t out_len;
		int reason;

		pkt_init(&f);
		gen_frame(&f);
		decapref_reference(pkt_cdata(&f), f.len, &v);
		pkt_init(&out);
		out_len = PKT_MAX - out.off;
		if (decapref_run(pkt_cdata(&f), f.len, &act, &reason, pkt_data(&out), &out_len)) {
			printf("Bail out! BPF_PROG_TEST_RUN failed at frame %ld\n", i);
			return 1;
		}
		if (reason >= 0)
			seen[reason]++;
		if (!decapref_compare(pkt_cdata(&f), f.len, &v, act, reason, pkt_cdata(&out), out_len)) {
			if (bad < 10)
				decapref_report((int)bad + 1, pkt_cdata(&f), f.len, &v, act, reason,
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
	decapref_fini();
	return bad || missing;
}
