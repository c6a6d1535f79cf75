// SPDX-License-Identifier: GPL-2.0
/* Encapsulation (l2tpx_core, and l2tpx_both) through BPF_PROG_TEST_RUN:
 * every session flag combination, both families inside and outside, VLANs
 * on input, the pass reasons, and every pushed byte checked against a frame
 * built independently (headroom poisoned so an unwritten byte shows). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"

/* ---- sessions: each owns one IPv4 and one IPv6 subscriber address ---- */

enum {
	E_V4, E_V6, E_SEQ, E_ACFC, E_PFC, E_ACFC_PFC, E_CSUM, E_ALL, E_V6ALL, E_NAT,
	E_NONEIGH, E_NOROUTE, E_NOTXPORT, E_UNREACH, E_V6NONEIGH, E_V6NOTXPORT,
	E_MTU, E_MTU_1, E_MTU6, E_MTU6_1, E_GONE, E_SEQWRAP, E_COUNT
};

struct esess {
	struct bt_sess s;
	const char *sub4, *sub6;
};

#define SS(i, loc, pr, fl, ...) { .s = { .tunnel = 100 + (i), .session = 200 + (i), \
	.peer_tunnel = 1100 + (i), .peer_session = 1200 + (i), .local = (loc), .peer = (pr), \
	.flags = (fl), .stats_idx = 1 + (i), __VA_ARGS__ } }

/* Subscriber addresses are filled in by setup(): 192.0.2.128+i and
 * 2001:db8:100::100+i. */
static struct esess S[E_COUNT] = {
	[E_V4] = SS(0, BT_LOCAL4, BT_LAC4, 0),
	[E_V6] = SS(1, BT_LOCAL6, BT_LAC6, 0),
	[E_SEQ] = SS(2, BT_LOCAL4, BT_LAC4, L2TPX_SF_SEQ, .tx_ns = 7),
	[E_ACFC] = SS(3, BT_LOCAL4, BT_LAC4, L2TPX_SF_ACFC),
	[E_PFC] = SS(4, BT_LOCAL4, BT_LAC4, L2TPX_SF_PFC),
	[E_ACFC_PFC] = SS(5, BT_LOCAL4, BT_LAC4, L2TPX_SF_ACFC | L2TPX_SF_PFC),
	[E_CSUM] = SS(6, BT_LOCAL4, BT_LAC4, L2TPX_SF_UDP_CSUM),
	[E_ALL] = SS(7, BT_LOCAL4, BT_LAC4,
		     L2TPX_SF_SEQ | L2TPX_SF_ACFC | L2TPX_SF_PFC | L2TPX_SF_UDP_CSUM,
		     .tx_ns = 0x1234),
	[E_V6ALL] = SS(8, BT_LOCAL6, BT_LAC6, L2TPX_SF_SEQ | L2TPX_SF_ACFC | L2TPX_SF_PFC,
		       .tx_ns = 0xabcd),
	[E_NAT] = SS(9, BT_LOCAL4, BT_LAC4, 0, .peer_port = 40123),
	[E_NONEIGH] = SS(10, BT_LOCAL4, BT_LAC4_NONEIGH, 0),
	[E_NOROUTE] = SS(11, BT_LOCAL4, BT_NOROUTE4, 0),
	[E_NOTXPORT] = SS(12, BT_LOCAL4, BT_OTHERHOST4, 0),
	[E_UNREACH] = SS(13, BT_LOCAL4, BT_UNREACH4, 0),
	[E_V6NONEIGH] = SS(14, BT_LOCAL6, BT_LAC6_NONEIGH, 0),
	[E_V6NOTXPORT] = SS(15, BT_LOCAL6, BT_OTHERHOST6, 0),
	/* inner 68 bytes (IPv4 ICMP, 40 payload) + 38 = 106 outer */
	[E_MTU] = SS(16, BT_LOCAL4, BT_LAC4, 0, .mtu = 106),
	[E_MTU_1] = SS(17, BT_LOCAL4, BT_LAC4, 0, .mtu = 105),
	/* inner 88 bytes (IPv6 ICMPv6, 40 payload) + 58 = 146 outer */
	[E_MTU6] = SS(18, BT_LOCAL6, BT_LAC6, 0, .mtu = 146),
	[E_MTU6_1] = SS(19, BT_LOCAL6, BT_LAC6, 0, .mtu = 145),
	[E_GONE] = SS(20, BT_LOCAL4, BT_LAC4, 0),
	[E_SEQWRAP] = SS(21, BT_LOCAL4, BT_LAC4, L2TPX_SF_SEQ, .tx_ns = 0xffff),
};

/* Framed prefixes, to exercise the LPM maps and their precedence. */
static const struct {
	const char *cidr;
	int sess;
} prefixes[] = {
	{ "192.0.2.160/28", E_V4 },
	{ "192.0.2.160/30", E_V6 },	/* longer prefix, other session */
	{ "2001:db8:200::/56", E_V4 },
	{ "2001:db8:200::/64", E_V6 },
};

struct fixture {
	struct l2tp_xdp_bpf *skel;
	struct bt_maps maps;
	struct bt_xdp core, both;
	struct bt_net net;
};

static struct fixture F;
static char sub4[E_COUNT][32], sub6[E_COUNT][48];

static int put_all_sessions(void)
{
	int k;

	for (k = 0; k < E_COUNT; k++)
		if (bt_sess_put(&F.maps, &S[k].s))
			return -1;
	return 0;
}

static int setup(void **state)
{
	size_t i;
	int k;

	if (bt_net_setup(&F.net))
		return -1;
	F.skel = l2tp_xdp_bpf__open();
	if (!F.skel || bt_unpin(F.skel->obj) || l2tp_xdp_bpf__load(F.skel) ||
	    bt_maps_get(F.skel->obj, &F.maps) ||
	    bt_xdp_init(&F.core, bpf_program__fd(F.skel->progs.l2tpx_core)) ||
	    bt_xdp_init(&F.both, bpf_program__fd(F.skel->progs.l2tpx_both)))
		return -1;
	for (k = 0; k < E_COUNT; k++) {
		/* 192.0.2.128 + k: inside the subscriber /26. */
		snprintf(sub4[k], sizeof(sub4[k]), "192.0.2.%d", 128 + k);
		snprintf(sub6[k], sizeof(sub6[k]), "2001:db8:100::%x", 0x100 + k);
		S[k].sub4 = sub4[k];
		S[k].sub6 = sub6[k];
		if (bt_sub_put(&F.maps, sub4[k], S[k].s.tunnel, S[k].s.session) ||
		    bt_sub_put(&F.maps, sub6[k], S[k].s.tunnel, S[k].s.session))
			return -1;
	}
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (bt_sub_put(&F.maps, prefixes[i].cidr, S[prefixes[i].sess].s.tunnel,
			       S[prefixes[i].sess].s.session))
			return -1;
	if (put_all_sessions())
		return -1;
	/* A subscriber address left behind by a session that is gone. */
	if (bt_sess_del(&F.maps, S[E_GONE].s.tunnel, S[E_GONE].s.session))
		return -1;
	return bt_txport_put(&F.maps, F.net.if_up) || bt_txport_put(&F.maps, F.net.if_core);
}

static int teardown(void **state)
{
	bt_xdp_fini(&F.core);
	bt_xdp_fini(&F.both);
	l2tp_xdp_bpf__destroy(F.skel);
	return 0;
}

/* ---- frames ---- */

enum out_kind { OUT_NONE, OUT_SAME, OUT_ENCAP };
enum sst_kind { SST_NONE, SST_TX, SST_PUNT };

struct row {
	const char *what;
	bool both;		/* run l2tpx_both instead of l2tpx_core */
	int sess;		/* the session that should carry it */
	int nvlan;
	uint16_t tpid[2];
	bool inner6;
	const char *idst;	/* default: the session's subscriber address */
	uint8_t ttl;		/* 0: 64 */
	uint8_t l4;
	size_t payload;		/* 0: 40 */
	size_t trailer;		/* bytes after the IP packet (Ethernet padding) */
	void (*custom)(struct pkt *f);
	uint32_t verdict;
	int reason;
	enum out_kind out;
	enum sst_kind sst;
};

#define FWD	.verdict = XDP_REDIRECT, .reason = L2TPX_R_ENCAP_FWD, .out = OUT_ENCAP, .sst = SST_TX
#define PUNT(r)	.verdict = XDP_PASS, .reason = L2TPX_R_##r, .out = OUT_SAME, .sst = SST_PUNT
#define PASS(r)	.verdict = XDP_PASS, .reason = L2TPX_R_##r, .out = OUT_SAME

static void core_frame(struct pkt *f, struct pkt *inner, int nvlan, const uint16_t *tpid,
		       const struct inner_spec *in, size_t trailer)
{
	struct eth_spec e = { .nvlan = nvlan, .vid = { 300, 400 } };

	if (nvlan) {
		e.tpid[0] = tpid[0];
		e.tpid[1] = tpid[1];
	}
	mac_parse(e.dst, BT_MAC_CORE);
	mac_parse(e.src, BT_MAC_COREHOST);
	inner_build(inner, in);
	pkt_copy(f, inner);
	pkt_fill(f, trailer, 0x00);
	eth_push(f, &e, in->src.family == AF_INET6 ? ETH_P_IPV6_ : ETH_P_IP_);
}

static void expect_encap(const struct bt_sess *s, const struct pkt *inner, uint16_t ns,
			 struct pkt *exp, int *ip4_id_at)
{
	bt_encap_expected(s, inner, ns, true, true, exp, ip4_id_at);
}

static void c_arp(struct pkt *f)
{
	struct eth_spec e = { 0 };

	mac_parse(e.dst, "ff:ff:ff:ff:ff:ff");
	mac_parse(e.src, BT_MAC_COREHOST);
	pkt_init(f);
	pkt_fill(f, 28, 0x01);
	eth_push(f, &e, ETH_P_ARP_);
}

static const struct row rows[] = {
	/* -- encapsulated and redirected -- */
	{ "inner v4 to a host address, outer v4", .sess = E_V4, FWD },
	{ "inner v6 to a host address, outer v4", .sess = E_V4, .inner6 = true, FWD },
	{ "inner v4, outer v6", .sess = E_V6, FWD },
	{ "inner v6, outer v6", .sess = E_V6, .inner6 = true, FWD },
	{ "input with one 802.1Q tag", .sess = E_V4, .nvlan = 1, .tpid = { ETH_P_8021Q_ }, FWD },
	{ "input with one 802.1ad tag", .sess = E_V4, .nvlan = 1, .tpid = { ETH_P_8021AD_ },
	  .inner6 = true, FWD },
	{ "input with two tags (QinQ)", .sess = E_V6, .nvlan = 2,
	  .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, FWD },
	{ "input with two tags, inner v6", .sess = E_V4, .nvlan = 2,
	  .tpid = { ETH_P_8021Q_, ETH_P_8021Q_ }, .inner6 = true, FWD },
	{ "framed IPv4 prefix (lpm4)", .sess = E_V4, .idst = "192.0.2.175", FWD },
	{ "longer framed prefix wins (lpm4 /30 over /28)", .sess = E_V6, .idst = "192.0.2.161",
	  FWD },
	{ "delegated IPv6 prefix (lpm6)", .sess = E_V4, .inner6 = true,
	  .idst = "2001:db8:200:1::1", FWD },
	{ "inside the /56 but outside the /64", .sess = E_V4, .inner6 = true,
	  .idst = "2001:db8:200:ff::1", FWD },
	{ "longer delegated prefix wins (lpm6 /64 over /56)", .sess = E_V6, .inner6 = true,
	  .idst = "2001:db8:200::99", FWD },
	{ "seq: Ns from tx_ns, Nr 0", .sess = E_SEQ, FWD },
	{ "ACFC: no FF 03", .sess = E_ACFC, FWD },
	{ "ACFC, inner v6", .sess = E_ACFC, .inner6 = true, FWD },
	{ "PFC: one-byte 21", .sess = E_PFC, FWD },
	{ "PFC: one-byte 57", .sess = E_PFC, .inner6 = true, FWD },
	{ "ACFC+PFC", .sess = E_ACFC_PFC, FWD },
	{ "ACFC+PFC, inner v6", .sess = E_ACFC_PFC, .inner6 = true, FWD },
	{ "UDP checksum over IPv4", .sess = E_CSUM, FWD },
	{ "UDP checksum over IPv4, odd inner length", .sess = E_CSUM, .payload = 41, FWD },
	{ "UDP checksum over IPv4, 1400-byte inner", .sess = E_CSUM, .inner6 = true,
	  .payload = 1400, FWD },
	{ "seq+ACFC+PFC+UDP checksum", .sess = E_ALL, FWD },
	{ "seq+ACFC+PFC+UDP checksum, inner v6", .sess = E_ALL, .inner6 = true, FWD },
	{ "outer v6 seq+ACFC+PFC", .sess = E_V6ALL, FWD },
	{ "outer v6, odd inner length (checksum)", .sess = E_V6, .payload = 41, FWD },
	{ "outer v6, 1400-byte inner (checksum)", .sess = E_V6, .payload = 1400, FWD },
	{ "outer v6, 3-byte inner payload", .sess = E_V6, .inner6 = true, .payload = 3, FWD },
	{ "NATed peer: its own port", .sess = E_NAT, FWD },
	{ "inner TCP", .sess = E_V4, .l4 = IPPROTO_TCP_, FWD },
	{ "inner UDP, outer v6", .sess = E_V6, .l4 = IPPROTO_UDP_, .inner6 = true, FWD },
	{ "TTL 2 goes out with TTL 1", .sess = E_V4, .ttl = 2, FWD },
	{ "hop limit 2 goes out with 1", .sess = E_V6, .ttl = 2, .inner6 = true, FWD },
	{ "Ethernet padding on input is not carried", .sess = E_V4, .payload = 1, .trailer = 12,
	  FWD },
	{ "exactly the session MTU (v4 outer)", .sess = E_MTU, FWD },
	{ "exactly the session MTU (v6 outer)", .sess = E_MTU6, .inner6 = true, FWD },
	{ "l2tpx_both: subscriber traffic is encapsulated", .both = true, .sess = E_V4, FWD },
	{ "l2tpx_both: v6 subscriber traffic", .both = true, .sess = E_V6, .inner6 = true, FWD },

	/* -- passed untouched -- */
	{ "one byte over the session MTU: TOO_BIG", .sess = E_MTU_1, PUNT(TOO_BIG) },
	{ "one byte over the session MTU (v6): TOO_BIG", .sess = E_MTU6_1, .inner6 = true,
	  PUNT(TOO_BIG) },
	{ "3000-byte inner over a 1500 MTU: TOO_BIG", .sess = E_V4, .payload = 3000,
	  PUNT(TOO_BIG) },
	{ "TTL 1: TTL", .sess = E_V4, .ttl = 1, PUNT(TTL) },
	{ "hop limit 1: TTL", .sess = E_V6, .ttl = 1, .inner6 = true, PUNT(TTL) },
	{ "TTL 1 with VLAN tags: TTL", .sess = E_V4, .ttl = 1, .nvlan = 2,
	  .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, PUNT(TTL) },
	{ "peer without neighbour: ENCAP_NO_ROUTE", .sess = E_NONEIGH, PUNT(ENCAP_NO_ROUTE) },
	{ "peer without route: ENCAP_NO_ROUTE", .sess = E_NOROUTE, PUNT(ENCAP_NO_ROUTE) },
	{ "peer behind an unreachable route: ENCAP_NO_ROUTE", .sess = E_UNREACH,
	  PUNT(ENCAP_NO_ROUTE) },
	{ "peer via a non-XDP port: ENCAP_NO_ROUTE", .sess = E_NOTXPORT, PUNT(ENCAP_NO_ROUTE) },
	{ "v6 peer without neighbour: ENCAP_NO_ROUTE", .sess = E_V6NONEIGH, .inner6 = true,
	  PUNT(ENCAP_NO_ROUTE) },
	{ "v6 peer via a non-XDP port: ENCAP_NO_ROUTE", .sess = E_V6NOTXPORT,
	  PUNT(ENCAP_NO_ROUTE) },
	{ "nobody's v4 address: NO_SUBSCRIBER", .sess = E_V4, .idst = "192.0.2.190",
	  PASS(NO_SUBSCRIBER) },
	{ "nobody's v6 address: NO_SUBSCRIBER", .sess = E_V4, .inner6 = true,
	  .idst = "2001:db8:400::1", PASS(NO_SUBSCRIBER) },
	{ "just outside a framed /28: NO_SUBSCRIBER", .sess = E_V4, .idst = "192.0.2.176",
	  PASS(NO_SUBSCRIBER) },
	{ "core host itself: NO_SUBSCRIBER", .sess = E_V4, .idst = BT_CORE_LOCAL4,
	  PASS(NO_SUBSCRIBER) },
	{ "address of a deleted session: NO_SUBSCRIBER", .sess = E_GONE, PASS(NO_SUBSCRIBER) },
	{ "ARP: NOT_IP", .sess = E_V4, .custom = c_arp, PASS(NOT_IP) },
	{ "l2tpx_both: nobody's address: NO_SUBSCRIBER", .both = true, .sess = E_V4,
	  .idst = "192.0.2.190", PASS(NO_SUBSCRIBER) },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void build(const struct row *r, struct pkt *f, struct pkt *inner)
{
	const struct esess *s = &S[r->sess];
	struct inner_spec in = {
		.src = A(r->inner6 ? BT_COREHOST6 : BT_COREHOST4),
		.dst = A(r->idst ? r->idst : r->inner6 ? s->sub6 : s->sub4),
		.l4 = r->l4 ? r->l4 : IPPROTO_ICMP_,
		.ttl = r->ttl ? r->ttl : 64,
		.payload_len = r->payload ? r->payload : 40,
	};

	if (r->custom) {
		r->custom(f);
		pkt_init(inner);
		return;
	}
	core_frame(f, inner, r->nvlan, r->tpid, &in, r->trailer);
}

static void run_row(void **state)
{
	const struct row *r = *state;
	const struct bt_sess *s = &S[r->sess].s;
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { 0 };
	struct bt_expect e = {
		.verdict = r->verdict,
		.reason = r->reason,
		.reason_alt = -1,
		.ip4_id_at = -1,
		.sst = &d,
		.sst_idx = s->stats_idx,
	};
	bool ok = true;
	int poison;

	build(r, &f, &inner);
	if (r->out == OUT_ENCAP) {
		expect_encap(s, &inner, (uint16_t)s->tx_ns, &exp, &e.ip4_id_at);
		e.out = &exp;
		d.tx_packets = 1;
		d.tx_bytes = inner.len;
	} else if (r->out == OUT_SAME) {
		pkt_copy(&exp, &f);
		e.out = &exp;
	}
	if (r->sst == SST_PUNT)
		d.tx_punts = 1;
	for (poison = -1; poison < 2; poison++) {
		/* Fresh session state for each run: tx_ns back to its start. */
		if (r->sess != E_GONE)
			assert_int_equal(bt_sess_put(&F.maps, s), 0);
		ok &= bt_xdp_check(r->both ? &F.both : &F.core, poison, &F.maps, pkt_data(&f),
				   f.len, (uint32_t)F.net.if_core, &e, NULL);
	}
	if (!ok)
		hexdump("input", pkt_data(&f), f.len);
	assert_true(ok);
}

/* ---- sequence numbers and the IPv4 ID across packets ---- */

static bool run_seq(int sess, int n, uint32_t first_ns)
{
	const struct bt_sess *s = &S[sess].s;
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { .tx_packets = 1 };
	struct l2tpx_session v;
	struct inner_spec in = {
		.src = A(BT_COREHOST4), .dst = A(S[sess].sub4), .l4 = IPPROTO_ICMP_,
		.ttl = 64, .payload_len = 40,
	};
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_ENCAP_FWD, .reason_alt = -1,
		.out = &exp, .sst = &d, .sst_idx = s->stats_idx,
	};
	bool ok = true;
	int i;

	if (bt_sess_put(&F.maps, s))
		return false;
	core_frame(&f, &inner, 0, NULL, &in, 0);
	d.tx_bytes = inner.len;
	for (i = 0; i < n; i++) {
		expect_encap(s, &inner, (uint16_t)(first_ns + (uint32_t)i), &exp, &e.ip4_id_at);
		if (!bt_xdp_check(&F.core, i % 2, &F.maps, pkt_data(&f), f.len,
				  (uint32_t)F.net.if_core, &e, NULL)) {
			fprintf(stderr, "# packet %d of %d\n", i + 1, n);
			ok = false;
		}
	}
	if (bt_sess_get(&F.maps, s->tunnel, s->session, &v))
		return false;
	if (v.tx_ns != first_ns + (uint32_t)n) {
		fprintf(stderr, "# session tx_ns %u after %d packets, expected %u\n", v.tx_ns, n,
			first_ns + (uint32_t)n);
		ok = false;
	}
	return ok;
}

static void seq_increments(void **state)
{
	assert_true(run_seq(E_SEQ, 5, 7));
}

static void seq_wraps(void **state)
{
	/* Ns is 16 bits on the wire: ffff, 0000, 0001. */
	assert_true(run_seq(E_SEQWRAP, 3, 0xffff));
}

static void ip4_id_varies(void **state)
{
	const struct bt_sess *s = &S[E_V4].s;
	static struct pkt f, inner, out;
	struct inner_spec in = {
		.src = A(BT_COREHOST4), .dst = A(S[E_V4].sub4), .l4 = IPPROTO_ICMP_,
		.ttl = 64, .payload_len = 40,
	};
	uint16_t ids[8];
	int i, distinct = 1;

	assert_int_equal(bt_sess_put(&F.maps, s), 0);
	core_frame(&f, &inner, 0, NULL, &in, 0);
	for (i = 0; i < 8; i++) {
		uint32_t ret = 0;
		size_t len;

		pkt_init(&out);
		len = PKT_MAX - out.off;
		assert_int_equal(bt_xdp_run(&F.core, -1, pkt_data(&f), f.len,
					    (uint32_t)F.net.if_core, &ret, pkt_data(&out), &len), 0);
		assert_int_equal(ret, XDP_REDIRECT);
		ids[i] = get_be16(pkt_data(&out) + 14 + 4);
		if (i && ids[i] != ids[0])
			distinct++;
	}
	/* DF is clear, so a router downstream may fragment: RFC 6864 wants
	 * the ID to differ between packets of a flow. */
	if (distinct < 2)
		fprintf(stderr, "# 8 packets all carried IPv4 ID %04x\n", ids[0]);
	assert_true(distinct >= 2);
}

static void poison_works(void **state)
{
	assert_int_equal(bt_poison_selftest(0), 0);
	assert_int_equal(bt_poison_selftest(1), 0);
}

int main(void)
{
	static struct CMUnitTest tests[NROWS + 4];
	size_t i, n = 0;

	tests[n++] = (struct CMUnitTest){ .name = "headroom poison trampoline works",
					  .test_func = poison_works };
	for (i = 0; i < NROWS; i++)
		tests[n++] = (struct CMUnitTest){ .name = rows[i].what, .test_func = run_row,
						  .initial_state = (void *)&rows[i] };
	tests[n++] = (struct CMUnitTest){ .name = "seq: Ns increments from tx_ns (7..11)",
					  .test_func = seq_increments };
	tests[n++] = (struct CMUnitTest){ .name = "seq: Ns wraps ffff -> 0000",
					  .test_func = seq_wraps };
	tests[n++] = (struct CMUnitTest){ .name = "outer IPv4 ID differs between packets",
					  .test_func = ip4_id_varies };
	return _cmocka_run_group_tests("encap", tests, n, setup, teardown);
}
