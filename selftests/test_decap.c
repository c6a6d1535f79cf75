// SPDX-License-Identifier: GPL-2.0
/* Decapsulation (l2tpx_uplink) through BPF_PROG_TEST_RUN: every outer header
 * variant, every pass and drop reason, the FIB outcomes and the redirect,
 * with output bytes and counters checked after each row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"

/* ---- fixtures ---- */

enum { S_V4, S_V6, S_SPOOF, S_OTHER, S_V6SPOOF, S_PORT, S_P6666, S_COUNT };

static const struct bt_sess sessions[S_COUNT] = {
	[S_V4] = { .tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
		   .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1 },
	[S_V6] = { .tunnel = 101, .session = 201, .peer_tunnel = 1101, .peer_session = 1201,
		   .local = BT_LOCAL6, .peer = BT_LAC6, .stats_idx = 2 },
	[S_SPOOF] = { .tunnel = 102, .session = 202, .peer_tunnel = 1102, .peer_session = 1202,
		      .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 3,
		      .flags = L2TPX_SF_ANTISPOOF },
	[S_OTHER] = { .tunnel = 103, .session = 203, .peer_tunnel = 1103, .peer_session = 1203,
		      .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 4,
		      .flags = L2TPX_SF_ANTISPOOF },
	[S_V6SPOOF] = { .tunnel = 104, .session = 204, .peer_tunnel = 1104, .peer_session = 1204,
			.local = BT_LOCAL6, .peer = BT_LAC6, .stats_idx = 5,
			.flags = L2TPX_SF_ANTISPOOF },
	/* A LAC behind NAT: its source port is not 1701. */
	[S_PORT] = { .tunnel = 105, .session = 205, .peer_tunnel = 1105, .peer_session = 1205,
		     .local = BT_LOCAL4, .peer = BT_LAC4, .peer_port = 40123, .stats_idx = 6 },
	/* We listen on 6666 (the l2tp_port knob), the LAC uses 1701. */
	[S_P6666] = { .tunnel = 106, .session = 206, .peer_tunnel = 1106, .peer_session = 1206,
		      .local = BT_LOCAL4, .peer = BT_LAC4, .local_port = 6666, .stats_idx = 7 },
};

/* Subscriber addresses: the session they belong to. */
static const struct {
	const char *cidr;
	int sess;
} subs[] = {
	{ "192.0.2.130", S_SPOOF },
	{ "192.0.2.160/28", S_SPOOF },
	{ "2001:db8:100::5", S_SPOOF },
	{ "2001:db8:200::/56", S_SPOOF },
	{ "192.0.2.131", S_OTHER },
	{ "2001:db8:100::6", S_OTHER },
	{ "2001:db8:100::7", S_V6SPOOF },
	{ "2001:db8:300::/48", S_V6SPOOF },
};

struct fixture {
	struct l2tp_xdp_bpf *skel[2];	/* l2tp_port 1701, 6666 */
	struct bt_maps maps[2];
	struct bt_xdp xdp[2];
	struct bt_net net;
};

static struct fixture F;

static int load_one(int i, uint16_t port)
{
	struct l2tp_xdp_bpf *s = l2tp_xdp_bpf__open();

	if (!s)
		return -1;
	F.skel[i] = s;
	s->rodata->l2tp_port = port;
	if (bt_unpin(s->obj) || l2tp_xdp_bpf__load(s) || bt_maps_get(s->obj, &F.maps[i]))
		return -1;
	return bt_xdp_init(&F.xdp[i], bpf_program__fd(s->progs.l2tpx_uplink));
}

static int setup(void **state)
{
	size_t i;
	int k, o;

	if (bt_net_setup(&F.net) || load_one(0, 1701) || load_one(1, 6666))
		return -1;
	for (o = 0; o < 2; o++) {
		for (k = 0; k < S_COUNT; k++)
			if (bt_sess_put(&F.maps[o], &sessions[k]))
				return -1;
		for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			if (bt_sub_put(&F.maps[o], subs[i].cidr, sessions[subs[i].sess].tunnel,
				       sessions[subs[i].sess].session))
				return -1;
		/* l2tx2 stays out: routes through it give DECAP_NO_TXPORT. */
		if (bt_txport_put(&F.maps[o], F.net.if_up) ||
		    bt_txport_put(&F.maps[o], F.net.if_core))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	int i;

	for (i = 0; i < 2; i++) {
		bt_xdp_fini(&F.xdp[i]);
		l2tp_xdp_bpf__destroy(F.skel[i]);
	}
	return 0;
}

/* ---- rows ---- */

enum out_kind {
	OUT_NONE,	/* dropped: output not looked at */
	OUT_SAME,	/* passed untouched */
	OUT_DECAP,	/* Ethernet with the frame's MACs + the inner packet */
	OUT_FWD,	/* Ethernet from the neighbour + inner with TTL - 1 */
};

enum sst_kind { SST_NONE, SST_RX, SST_DROP };

enum { EXT_NONE, EXT_HOP, EXT_ROUTING, EXT_DEST, EXT_FRAG };

struct row {
	const char *what;
	int obj;		/* 0: l2tp_port 1701, 1: 6666 */
	int sess;
	/* outer */
	int nvlan;
	uint16_t tpid[2];
	int ip4optlen;
	int ip6ext;
	uint16_t ip4frag;
	uint16_t sport, dport;	/* 0: the session's */
	const char *osrc, *odst;	/* 0: the session's */
	bool udp_csum;
	/* L2TP */
	uint16_t flags;
	uint8_t ver;
	uint16_t offset;
	int length_adj;
	uint16_t tunnel, session;	/* 0: the session's */
	/* PPP */
	bool no_acf, pfc;
	uint16_t proto;		/* 0: by the inner family */
	/* inner */
	bool inner6;
	const char *isrc, *idst;
	uint8_t ttl;		/* 0: 64 */
	uint8_t l4;		/* 0: ICMP */
	size_t payload;		/* 0: 40 */
	bool tiny;		/* payload 0 */
	/* the frame after building, or a frame of its own */
	void (*mutate)(struct pkt *f, struct frame_layout *l, struct pkt *inner);
	void (*custom)(struct pkt *f);
	/* expected */
	uint32_t verdict;
	int reason;
	int reason_alt;		/* 0: none (L2TPX_R_DECAP_FWD is never an alternative) */
	enum out_kind out;
	enum sst_kind sst;
};

#define FWD	.verdict = XDP_REDIRECT, .reason = L2TPX_R_DECAP_FWD, .out = OUT_FWD, .sst = SST_RX
#define PASS_DECAP(r)	.verdict = XDP_PASS, .reason = L2TPX_R_##r, .out = OUT_DECAP, .sst = SST_RX
#define PASS(r)	.verdict = XDP_PASS, .reason = L2TPX_R_##r, .out = OUT_SAME
#define DROP(r, s)	.verdict = XDP_DROP, .reason = L2TPX_R_##r, .out = OUT_NONE, .sst = (s)

/* ---- mutators: keep every other length consistent ---- */

static void fix_ip(struct pkt *f, const struct frame_layout *l, size_t ip_end)
{
	uint8_t *ip = pkt_data(f) + l->l3;

	if ((ip[0] >> 4) == 4) {
		put_be16(ip + 2, (uint16_t)(ip_end - l->l3));
		put_be16(ip + 10, ip4_hdr_csum(ip, (ip[0] & 0x0f) * 4u));
	} else {
		put_be16(ip + 4, (uint16_t)(ip_end - l->l3 - 40));
	}
}

static void fix_udp(struct pkt *f, const struct frame_layout *l, size_t udp_end)
{
	put_be16(pkt_data(f) + l->l4 + 4, (uint16_t)(udp_end - l->l4));
	put_be16(pkt_data(f) + l->l4 + 6, 0);	/* IPv4: none; IPv6: not checked */
}

static void fix_ip4_csum(uint8_t *ip)
{
	put_be16(ip + 10, ip4_hdr_csum(ip, (ip[0] & 0x0f) * 4u));
}

static void m_ip4_tot_long(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	fix_ip(f, l, f->len + 1);
}

static void m_ip4_tot_short(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	fix_ip(f, l, l->l3 + 20 + 4);	/* shorter than its own UDP header */
}

static void m_ip4_ihl4(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	uint8_t *ip = pkt_data(f) + l->l3;

	ip[0] = 0x44;
	fix_ip4_csum(ip);
}

static void m_ip6_plen_long(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	fix_ip(f, l, f->len + 1);
}

static void m_udp_long(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	fix_udp(f, l, f->len + 1);
}

static void m_udp_tiny(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	fix_udp(f, l, l->l4 + 4);
}

/* UDP shorter than the IP payload: bytes after the datagram inside IP. */
static void m_ip_trailer(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_fill(f, 9, 0xe0);
	fix_ip(f, l, f->len);
}

/* L2TP Length shorter than the UDP payload: bytes after the L2TP payload. */
static void m_l2tp_trailer(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_fill(f, 7, 0xd0);
	fix_udp(f, l, f->len);
	fix_ip(f, l, f->len);
}

/* Ethernet padding after the IP packet. */
static void m_eth_trailer(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_put(f, 60 > f->len ? 60 - f->len : 0);
	pkt_fill(f, 4, 0x00);	/* and an FCS-sized tail */
}

static void cut_at(struct pkt *f, struct frame_layout *l, size_t at)
{
	pkt_trim(f, at);
	if (at >= l->l4 + 8)
		fix_udp(f, l, at);
	if (at >= l->l3 + 20)
		fix_ip(f, l, at);
}

static void m_cut_l2tp(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->l2tp + 8);	/* S bit: Nr missing */
}

static void m_cut_l2tp_flags(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->l2tp + 1);
}

static void m_cut_offset(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->l2tp + 8);	/* O bit: Offset Size present, pad cut */
}

static void m_cut_ppp(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->ppp + 3);	/* FF 03 and half a two-byte protocol */
}

static void m_no_ppp(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->ppp);	/* the L2TP header ends the datagram */
}

static void m_ppp_ff(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->ppp + 1);	/* FF alone: a one-byte protocol 00ff */
}

static void m_cut_udp(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	/* The IP header says 4 bytes of UDP follow; the frame agrees. */
	pkt_trim(f, l->l4 + 4);
	fix_ip(f, l, f->len);
}

static void m_cut_ip4(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_trim(f, l->l3 + 12);
}

static void m_cut_ip6(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_trim(f, l->l3 + 30);
}

static void m_cut_vlan(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_trim(f, 16);	/* Ethernet + half a tag */
}

static void m_inner_ver5(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_data(f)[l->inner] = 0x55;
}

static void m_inner_ver4_in_v6(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	pkt_data(f)[l->inner] = 0x40 | (pkt_data(f)[l->inner] & 0x0f);
}

/* Inner IPv6 destination rewritten (the inner checksum no longer matters:
 * the packet is passed untouched). */
static void m_inner6_mcast(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	static const uint8_t ff02_2[16] = { 0xff, 0x02, [15] = 2 };

	memcpy(pkt_data(f) + l->inner + 24, ff02_2, 16);
}

static void m_inner6_linklocal(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	static const uint8_t fe80_1[16] = { 0xfe, 0x80, [15] = 1 };

	memcpy(pkt_data(f) + l->inner + 24, fe80_1, 16);
}

static void m_inner_ihl4(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	uint8_t *ip = pkt_data(f) + l->inner;

	ip[0] = 0x44;
	fix_ip4_csum(ip);
}

static void m_inner_long(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	uint8_t *ip = pkt_data(f) + l->inner;

	if ((ip[0] >> 4) == 4) {
		put_be16(ip + 2, (uint16_t)(get_be16(ip + 2) + 1));
		fix_ip4_csum(ip);
	} else {
		put_be16(ip + 4, (uint16_t)(get_be16(ip + 4) + 1));
	}
}

static void m_inner_short(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	cut_at(f, l, l->inner + 10);	/* ten bytes of IP header */
}

static void m_ttl(struct pkt *f, struct frame_layout *l, struct pkt *in, uint8_t ttl)
{
	uint8_t *ip = pkt_data(f) + l->inner;

	if ((ip[0] >> 4) == 4) {
		ip[8] = ttl;
		fix_ip4_csum(ip);
		pkt_data(in)[8] = ttl;
		fix_ip4_csum(pkt_data(in));
	} else {
		ip[7] = ttl;
		pkt_data(in)[7] = ttl;
	}
}

static void m_ttl0(struct pkt *f, struct frame_layout *l, struct pkt *in)
{
	m_ttl(f, l, in, 0);
}

/* ---- frames of their own ---- */

static void c_arp(struct pkt *f)
{
	struct eth_spec e = { .nvlan = 0 };

	mac_parse(e.dst, "ff:ff:ff:ff:ff:ff");
	mac_parse(e.src, BT_MAC_LAC);
	pkt_init(f);
	pkt_fill(f, 28, 0x01);
	eth_push(f, &e, ETH_P_ARP_);
}

/* An 802.3 frame whose length field is 0 (and one behind a VLAN tag whose
 * inner type is 0): not IP, passed; it once counted as a runt. */
static void c_len0(struct pkt *f)
{
	struct eth_spec e = { .nvlan = 0 };

	mac_parse(e.dst, BT_MAC_UP);
	mac_parse(e.src, BT_MAC_LAC);
	pkt_init(f);
	pkt_fill(f, 46, 0x42);
	eth_push(f, &e, 0x0000);
}

static void c_vlan_type0(struct pkt *f)
{
	struct eth_spec e = { .nvlan = 1, .tpid = { ETH_P_8021Q_ }, .vid = { 10 } };

	mac_parse(e.dst, BT_MAC_UP);
	mac_parse(e.src, BT_MAC_LAC);
	pkt_init(f);
	pkt_fill(f, 3, 0x42);
	eth_push(f, &e, 0x0000);
}

static void c_3vlan(struct pkt *f)
{
	struct eth_spec e = { .nvlan = 2, .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ },
			      .vid = { 10, 20 } };
	uint8_t *t;

	mac_parse(e.dst, BT_MAC_UP);
	mac_parse(e.src, BT_MAC_LAC);
	pkt_init(f);
	pkt_fill(f, 60, 0x45);
	t = pkt_push(f, 4);	/* a third tag */
	put_be16(t, 30);
	put_be16(t + 2, ETH_P_IP_);
	eth_push(f, &e, ETH_P_8021Q_);
}

static void outer_ip_frame(struct pkt *f, bool v6, uint8_t proto, uint16_t dport)
{
	struct eth_spec e = { 0 };
	struct addr src = A(v6 ? BT_LAC6 : BT_LAC4), dst = A(v6 ? BT_LOCAL6 : BT_LOCAL4);

	mac_parse(e.dst, BT_MAC_UP);
	mac_parse(e.src, BT_MAC_LAC);
	pkt_init(f);
	pkt_fill(f, 32, 0x11);
	if (proto == IPPROTO_UDP_)
		udp_push(f, &src, &dst, 1701, dport, true);
	else if (proto == IPPROTO_TCP_)
		tcp_push(f, &src, &dst, 1701, dport, TCPF_SYN, NULL, 0);
	else
		icmp_echo_push(f, &src, &dst, 1, 1);
	if (v6) {
		struct ip6_spec ip = { .src = src, .dst = dst, .nexthdr = proto, .hlim = 64 };

		ip6_push(f, &ip);
	} else {
		struct ip4_spec ip = { .src = src, .dst = dst, .proto = proto, .ttl = 64 };

		ip4_push(f, &ip);
	}
	eth_push(f, &e, v6 ? ETH_P_IPV6_ : ETH_P_IP_);
}

static void c_tcp1701(struct pkt *f) { outer_ip_frame(f, false, IPPROTO_TCP_, 1701); }
static void c_udp1702(struct pkt *f) { outer_ip_frame(f, false, IPPROTO_UDP_, 1702); }
static void c_udp6_53(struct pkt *f) { outer_ip_frame(f, true, IPPROTO_UDP_, 53); }
static void c_icmp6(struct pkt *f) { outer_ip_frame(f, true, IPPROTO_ICMPV6_, 0); }

/* The table.  Defaults: session S_V4 (IPv4 outer 192.0.2.2:1701 ->
 * 192.0.2.1:1701, ids 100/200), no VLAN, L2TP flags 0, PPP FF 03 + 2-byte
 * protocol, inner ICMP echo 192.0.2.130 -> 192.0.2.40 (routed via l2tx1 with
 * a permanent neighbour) or 2001:db8:100::5 -> 2001:db8:2::40, TTL 64. */
static const struct row rows[] = {
	/* -- header variants, all forwarded -- */
	{ "v4 outer, plain L2TP, FF03 0021, inner v4", FWD },
	{ "v4 outer, inner v6 (0057)", .inner6 = true, FWD },
	{ "one 802.1Q tag", .nvlan = 1, .tpid = { ETH_P_8021Q_ }, FWD },
	{ "one 802.1ad tag", .nvlan = 1, .tpid = { ETH_P_8021AD_ }, FWD },
	{ "two tags 88a8+8100 (QinQ)", .nvlan = 2, .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, FWD },
	{ "two tags 8100+8100", .nvlan = 2, .tpid = { ETH_P_8021Q_, ETH_P_8021Q_ }, .inner6 = true,
	  FWD },
	{ "outer IPv4 with 8 bytes of options", .ip4optlen = 8, FWD },
	{ "outer IPv4 with 40 bytes of options (ihl 15)", .ip4optlen = 40, .inner6 = true, FWD },
	{ "outer IPv4 options + two tags", .ip4optlen = 12, .nvlan = 2,
	  .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, FWD },
	{ "outer IPv4 DF set", .ip4frag = 0x4000, FWD },
	{ "outer IPv4 UDP checksum present", .udp_csum = true, FWD },
	{ "outer IPv6, inner v4", .sess = S_V6, FWD },
	{ "outer IPv6, inner v6", .sess = S_V6, .inner6 = true, FWD },
	{ "outer IPv6 + two tags", .sess = S_V6, .nvlan = 2,
	  .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, FWD },
	{ "L bit", .flags = L2TPF_L, FWD },
	{ "S bit (Ns/Nr)", .flags = L2TPF_S, FWD },
	{ "O bit, offset 0", .flags = L2TPF_O, FWD },
	{ "O bit, offset 5 (odd) skipped", .flags = L2TPF_O, .offset = 5, FWD },
	{ "O bit, offset 64 (largest) skipped", .flags = L2TPF_O, .offset = 64, .inner6 = true,
	  FWD },
	{ "P bit", .flags = L2TPF_P, FWD },
	{ "L+S", .flags = L2TPF_L | L2TPF_S, FWD },
	{ "L+O(3)", .flags = L2TPF_L | L2TPF_O, .offset = 3, FWD },
	{ "S+P", .flags = L2TPF_S | L2TPF_P, .inner6 = true, FWD },
	{ "S+O(8)", .flags = L2TPF_S | L2TPF_O, .offset = 8, FWD },
	{ "L+S+O(8)+P", .flags = L2TPF_L | L2TPF_S | L2TPF_O | L2TPF_P, .offset = 8, FWD },
	{ "L+S+O(7)+P, outer IPv6, inner v6", .sess = S_V6,
	  .flags = L2TPF_L | L2TPF_S | L2TPF_O | L2TPF_P, .offset = 7, .inner6 = true, FWD },
	{ "L+S+O+P, outer v4 options, two tags, no ACF, PFC",
	  .flags = L2TPF_L | L2TPF_S | L2TPF_O | L2TPF_P, .offset = 2, .ip4optlen = 4,
	  .nvlan = 2, .tpid = { ETH_P_8021Q_, ETH_P_8021Q_ }, .no_acf = true, .pfc = true, FWD },
	{ "PPP without FF 03", .no_acf = true, FWD },
	{ "PPP one-byte protocol 21", .pfc = true, FWD },
	{ "PPP no FF 03, one-byte 21", .no_acf = true, .pfc = true, FWD },
	{ "PPP one-byte protocol 57", .pfc = true, .inner6 = true, FWD },
	{ "PPP no FF 03, one-byte 57", .no_acf = true, .pfc = true, .inner6 = true, FWD },
	{ "inner UDP", .l4 = IPPROTO_UDP_, FWD },
	{ "inner TCP", .l4 = IPPROTO_TCP_, FWD },
	{ "inner v6 UDP", .l4 = IPPROTO_UDP_, .inner6 = true, FWD },
	{ "inner v6 TCP", .l4 = IPPROTO_TCP_, .inner6 = true, FWD },
	{ "inner 1400 bytes", .payload = 1400, FWD },
	{ "inner v6 1400 bytes", .payload = 1400, .inner6 = true, FWD },
	{ "Ethernet padding after a small packet is trimmed", .tiny = true, .mutate = m_eth_trailer,
	  FWD },
	{ "bytes after the UDP datagram inside IP are trimmed", .mutate = m_ip_trailer, FWD },
	{ "bytes after the L2TP Length inside UDP are trimmed", .flags = L2TPF_L,
	  .length_adj = 0, .mutate = m_l2tp_trailer, FWD },
	{ "NATed LAC: its own source port", .sess = S_PORT, .sport = 40123, FWD },
	{ "TTL 2 is forwarded with TTL 1", .ttl = 2, FWD },
	{ "hop limit 2 is forwarded with 1", .ttl = 2, .inner6 = true, FWD },
	{ "l2tp_port 6666: decapsulated", .obj = 1, .sess = S_P6666, .dport = 6666, FWD },
	{ "l2tp_port 6666, session listening on 1701: WRONG_PEER", .obj = 1, .dport = 6666,
	  DROP(WRONG_PEER, SST_DROP) },

	/* -- FIB outcomes: decapsulated and passed up -- */
	{ "inner dst is ours: DECAP_LOCAL", .idst = BT_CORE_LOCAL4, PASS_DECAP(DECAP_LOCAL) },
	{ "inner v6 dst is ours: DECAP_LOCAL", .inner6 = true, .idst = BT_CORE_LOCAL6,
	  PASS_DECAP(DECAP_LOCAL) },
	{ "inner dst without neighbour: DECAP_NO_NEIGH", .idst = BT_COREHOST4_NONEIGH,
	  PASS_DECAP(DECAP_NO_NEIGH) },
	{ "inner v6 dst without neighbour", .inner6 = true, .idst = BT_COREHOST6_NONEIGH,
	  PASS_DECAP(DECAP_NO_NEIGH) },
	{ "inner dst unreachable route: DECAP_FIB_OTHER", .idst = BT_UNREACH4,
	  PASS_DECAP(DECAP_FIB_OTHER) },
	{ "inner v6 dst unreachable route", .inner6 = true, .idst = BT_UNREACH6,
	  PASS_DECAP(DECAP_FIB_OTHER) },
	{ "inner dst with no route", .idst = BT_NOROUTE4, PASS_DECAP(DECAP_FIB_OTHER),
	  .reason_alt = L2TPX_R_DECAP_LOCAL },
	{ "inner v6 dst with no route", .inner6 = true, .idst = BT_NOROUTE6,
	  PASS_DECAP(DECAP_FIB_OTHER), .reason_alt = L2TPX_R_DECAP_LOCAL },
	{ "egress not an XDP port: DECAP_NO_TXPORT", .idst = BT_OTHERHOST4,
	  PASS_DECAP(DECAP_NO_TXPORT) },
	{ "v6 egress not an XDP port", .inner6 = true, .idst = BT_OTHERHOST6,
	  PASS_DECAP(DECAP_NO_TXPORT) },
	{ "TTL 1 with a route: TTL", .ttl = 1, PASS_DECAP(TTL) },
	{ "TTL 0 with a route: TTL", .ttl = 64, .mutate = m_ttl0, PASS_DECAP(TTL) },
	{ "hop limit 1 with a route: TTL", .ttl = 1, .inner6 = true, PASS_DECAP(TTL) },
	{ "TTL 1 to our own address: DECAP_LOCAL", .ttl = 1, .idst = BT_CORE_LOCAL4,
	  PASS_DECAP(DECAP_LOCAL) },
	{ "VLAN-tagged, passed up: tags gone, MACs kept", .nvlan = 2,
	  .tpid = { ETH_P_8021AD_, ETH_P_8021Q_ }, .idst = BT_CORE_LOCAL4,
	  PASS_DECAP(DECAP_LOCAL) },

	/* -- passed untouched -- */
	{ "ARP: NOT_IP", .custom = c_arp, PASS(NOT_IP) },
	{ "three VLAN tags: NOT_IP", .custom = c_3vlan, PASS(NOT_IP) },
	{ "ethertype/length 0x0000: NOT_IP", .custom = c_len0, PASS(NOT_IP) },
	{ "VLAN tag, inner type 0x0000, 3 bytes: NOT_IP", .custom = c_vlan_type0, PASS(NOT_IP) },
	{ "TCP to 1701: NOT_L2TP", .custom = c_tcp1701, PASS(NOT_L2TP) },
	{ "UDP to 1702: NOT_L2TP", .custom = c_udp1702, PASS(NOT_L2TP) },
	{ "IPv6 UDP to 53: NOT_L2TP", .custom = c_udp6_53, PASS(NOT_L2TP) },
	{ "ICMPv6: NOT_L2TP", .custom = c_icmp6, PASS(NOT_L2TP) },
	{ "l2tp_port 6666: UDP to 1701 is NOT_L2TP", .obj = 1, PASS(NOT_L2TP) },
	{ "IPv4 first fragment (MF): OUTER_FRAG", .ip4frag = 0x2000, PASS(OUTER_FRAG) },
	{ "IPv4 later fragment (offset): OUTER_FRAG", .ip4frag = 0x00b9, PASS(OUTER_FRAG) },
	{ "IPv6 fragment header: OUTER_FRAG", .sess = S_V6, .ip6ext = EXT_FRAG, PASS(OUTER_FRAG) },
	{ "IPv6 hop-by-hop: IPV6_EXT", .sess = S_V6, .ip6ext = EXT_HOP, PASS(IPV6_EXT) },
	{ "IPv6 routing header: IPV6_EXT", .sess = S_V6, .ip6ext = EXT_ROUTING, PASS(IPV6_EXT) },
	{ "IPv6 destination options: IPV6_EXT", .sess = S_V6, .ip6ext = EXT_DEST, PASS(IPV6_EXT) },
	{ "inner IPv6 to ff02::2 (router solicitation): INNER_LINK", .inner6 = true,
	  .mutate = m_inner6_mcast, PASS(INNER_LINK) },
	{ "inner IPv6 to fe80::1: INNER_LINK", .inner6 = true,
	  .mutate = m_inner6_linklocal, PASS(INNER_LINK) },
	{ "L2TP version 3: VERSION", .ver = 3, PASS(VERSION) },
	{ "L2TP version 1 (L2F): VERSION", .ver = 1, PASS(VERSION) },
	{ "control message (T, L, S): CONTROL", .flags = L2TPF_T | L2TPF_L | L2TPF_S,
	  PASS(CONTROL) },
	{ "control message over IPv6: CONTROL", .sess = S_V6, .flags = L2TPF_T | L2TPF_L | L2TPF_S,
	  PASS(CONTROL) },
	{ "unknown tunnel: NO_SESSION", .tunnel = 999, PASS(NO_SESSION) },
	{ "known tunnel, unknown session: NO_SESSION", .session = 999, PASS(NO_SESSION) },
	{ "offset 65: OFFSET_BIG", .flags = L2TPF_O, .offset = 65, PASS(OFFSET_BIG) },
	{ "offset 1000: OFFSET_BIG", .flags = L2TPF_O | L2TPF_L, .offset = 1000,
	  PASS(OFFSET_BIG) },
	{ "LCP c021: PPP_CONTROL", .proto = 0xc021, PASS(PPP_CONTROL) },
	{ "LCP without FF 03: PPP_CONTROL", .proto = 0xc021, .no_acf = true, PASS(PPP_CONTROL) },
	{ "PAP c023: PPP_CONTROL", .proto = 0xc023, PASS(PPP_CONTROL) },
	{ "CHAP c223: PPP_CONTROL", .proto = 0xc223, PASS(PPP_CONTROL) },
	{ "IPCP 8021: PPP_CONTROL", .proto = 0x8021, PASS(PPP_CONTROL) },
	{ "IPv6CP 8057: PPP_CONTROL", .proto = 0x8057, PASS(PPP_CONTROL) },
	{ "CCP 80fd: PPP_CONTROL", .proto = 0x80fd, PASS(PPP_CONTROL) },
	{ "LCP with the P bit: PPP_CONTROL", .proto = 0xc021, .flags = L2TPF_P | L2TPF_L,
	  PASS(PPP_CONTROL) },
	{ "compressed datagram 00fd: PPP_OTHER", .proto = 0x00fd, PASS(PPP_OTHER) },
	{ "MPLS 0281: PPP_OTHER", .proto = 0x0281, PASS(PPP_OTHER) },
	{ "one-byte 3d (MP): PPP_OTHER", .proto = 0x3d, .pfc = true, PASS(PPP_OTHER) },
	{ "a lone FF is the one-byte protocol 00ff: PPP_OTHER", .mutate = m_ppp_ff,
	  PASS(PPP_OTHER) },

	/* -- dropped -- */
	{ "outer source address not the peer: WRONG_PEER", .osrc = BT_LAC4_NONEIGH,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "outer source port not the peer's: WRONG_PEER", .sport = 1702,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "NATed LAC session, 1701 as source: WRONG_PEER", .sess = S_PORT, .sport = 1701,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "outer destination not the session's local: WRONG_PEER", .odst = BT_CORE_LOCAL4,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "v6 outer source not the peer: WRONG_PEER", .sess = S_V6, .osrc = BT_LAC6_NONEIGH,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "v6 outer destination not local: WRONG_PEER", .sess = S_V6, .odst = BT_CORE_LOCAL6,
	  DROP(WRONG_PEER, SST_DROP) },
	{ "IPv4 outer to an IPv6 session: WRONG_PEER", .sess = S_V6, .osrc = BT_LAC4,
	  .odst = BT_LOCAL4, DROP(WRONG_PEER, SST_DROP) },
	{ "IPv4 total length > frame: MALFORMED", .mutate = m_ip4_tot_long,
	  DROP(MALFORMED, SST_NONE) },
	{ "IPv4 total length < headers: MALFORMED", .mutate = m_ip4_tot_short,
	  DROP(MALFORMED, SST_NONE) },
	{ "IPv4 ihl 4: MALFORMED", .mutate = m_ip4_ihl4, DROP(MALFORMED, SST_NONE) },
	{ "IPv6 payload length > frame: MALFORMED", .sess = S_V6, .mutate = m_ip6_plen_long,
	  DROP(MALFORMED, SST_NONE) },
	{ "UDP length > IP payload: MALFORMED", .mutate = m_udp_long, DROP(MALFORMED, SST_NONE) },
	{ "v6 UDP length > IP payload: MALFORMED", .sess = S_V6, .mutate = m_udp_long,
	  DROP(MALFORMED, SST_NONE) },
	{ "UDP length 4: MALFORMED", .mutate = m_udp_tiny, DROP(MALFORMED, SST_NONE) },
	{ "L2TP Length > UDP payload: MALFORMED", .flags = L2TPF_L, .length_adj = 1,
	  DROP(MALFORMED, SST_NONE) },
	{ "L2TP Length < its own header: MALFORMED", .flags = L2TPF_L | L2TPF_S,
	  .length_adj = -136, .payload = 100, DROP(MALFORMED, SST_NONE) },
	{ "Ethernet + half a VLAN tag: MALFORMED", .nvlan = 1, .tpid = { ETH_P_8021Q_ },
	  .mutate = m_cut_vlan, DROP(MALFORMED, SST_NONE) },
	{ "IPv4 header cut short: MALFORMED", .mutate = m_cut_ip4, DROP(MALFORMED, SST_NONE) },
	{ "IPv6 header cut short: MALFORMED", .sess = S_V6, .mutate = m_cut_ip6,
	  DROP(MALFORMED, SST_NONE) },
	{ "UDP header cut short: MALFORMED", .mutate = m_cut_udp, DROP(MALFORMED, SST_NONE) },
	{ "L2TP flags only: MALFORMED", .mutate = m_cut_l2tp_flags, DROP(MALFORMED, SST_NONE) },
	{ "L2TP header cut in Ns/Nr: MALFORMED", .flags = L2TPF_S, .mutate = m_cut_l2tp,
	  DROP(MALFORMED, SST_NONE) },
	{ "L2TP offset padding cut short: MALFORMED", .flags = L2TPF_O, .offset = 40,
	  .mutate = m_cut_offset, DROP(MALFORMED, SST_NONE) },
	/* The PPP frame is the session's payload: a broken one is counted
	 * against the session, like a broken inner packet. */
	{ "PPP protocol cut short (FF 03 00): INNER_MALFORMED", .mutate = m_cut_ppp,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "no PPP header at all: INNER_MALFORMED", .flags = L2TPF_S, .mutate = m_no_ppp,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner version 5 under 0021: INNER_MALFORMED", .mutate = m_inner_ver5,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner version 4 under 0057: INNER_MALFORMED", .inner6 = true,
	  .mutate = m_inner_ver4_in_v6, DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner IPv4 ihl 4: INNER_MALFORMED", .mutate = m_inner_ihl4,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner IPv4 cut to 10 bytes: INNER_MALFORMED", .mutate = m_inner_short,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner IPv6 cut to 10 bytes: INNER_MALFORMED", .inner6 = true, .mutate = m_inner_short,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner total length > payload: INNER_MALFORMED", .mutate = m_inner_long,
	  DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner v6 payload length > payload: INNER_MALFORMED", .inner6 = true,
	  .mutate = m_inner_long, DROP(INNER_MALFORMED, SST_DROP) },
	{ "inner total length > L2TP Length: INNER_MALFORMED", .flags = L2TPF_L,
	  .length_adj = -2, .mutate = m_l2tp_trailer, DROP(INNER_MALFORMED, SST_DROP) },

	/* -- anti-spoofing -- */
	{ "antispoof: own host address", .sess = S_SPOOF, .isrc = "192.0.2.130", FWD },
	{ "antispoof: inside own framed /28", .sess = S_SPOOF, .isrc = "192.0.2.175", FWD },
	{ "antispoof: own v6 host address", .sess = S_SPOOF, .inner6 = true,
	  .isrc = "2001:db8:100::5", FWD },
	{ "antispoof: inside own delegated /56", .sess = S_SPOOF, .inner6 = true,
	  .isrc = "2001:db8:200:ff::9", FWD },
	{ "antispoof, v6 outer: own /48", .sess = S_V6SPOOF, .inner6 = true,
	  .isrc = "2001:db8:300:1::1", FWD },
	{ "antispoof: nobody's source: SPOOFED", .sess = S_SPOOF, .isrc = "192.0.2.150",
	  DROP(SPOOFED, SST_DROP) },
	{ "antispoof: just outside own /28: SPOOFED", .sess = S_SPOOF, .isrc = "192.0.2.176",
	  DROP(SPOOFED, SST_DROP) },
	{ "antispoof: another session's address: SPOOFED", .sess = S_SPOOF, .isrc = "192.0.2.131",
	  DROP(SPOOFED, SST_DROP) },
	{ "antispoof: another session's v6 address: SPOOFED", .sess = S_SPOOF, .inner6 = true,
	  .isrc = "2001:db8:100::6", DROP(SPOOFED, SST_DROP) },
	{ "antispoof: another session's v6 prefix: SPOOFED", .sess = S_SPOOF, .inner6 = true,
	  .isrc = "2001:db8:300::1", DROP(SPOOFED, SST_DROP) },
	{ "antispoof: nobody's v6 source: SPOOFED", .sess = S_SPOOF, .inner6 = true,
	  .isrc = "2001:db8:201::1", DROP(SPOOFED, SST_DROP) },
	{ "antispoof, v6 outer: nobody's v4 source: SPOOFED", .sess = S_V6SPOOF,
	  .isrc = "192.0.2.150", DROP(SPOOFED, SST_DROP) },
	{ "no antispoof flag: any source goes", .isrc = "192.0.2.150", FWD },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* ---- building and running a row ---- */

static uint8_t ext_type(int e)
{
	switch (e) {
	case EXT_HOP: return 0;
	case EXT_ROUTING: return 43;
	case EXT_DEST: return 60;
	case EXT_FRAG: return 44;
	default: return 0;
	}
}

static void build(const struct row *r, struct pkt *f, struct pkt *inner,
		  struct frame_layout *lay)
{
	const struct bt_sess *s = &sessions[r->sess];
	static const uint8_t opts[40] = {
		0x94, 0x04, 0x00, 0x00,		/* router alert */
		0x01, 0x01, 0x01, 0x01,		/* NOPs */
		0x44, 0x0c, 0x05, 0x00,		/* timestamp, room for 2 */
		0, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
		0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
		0x01, 0x01, 0x01, 0x00,
	};
	struct inner_spec in = {
		.src = A(r->isrc ? r->isrc : r->inner6 ? "2001:db8:100::5" : "192.0.2.130"),
		.dst = A(r->idst ? r->idst : r->inner6 ? BT_COREHOST6 : BT_COREHOST4),
		.l4 = r->l4 ? r->l4 : IPPROTO_ICMP_,
		.ttl = r->ttl ? r->ttl : 64,
		.payload_len = r->tiny ? 0 : r->payload ? r->payload : 40,
		.mss = 1460,
	};
	struct outer_spec o = {
		.eth = { .nvlan = r->nvlan, .tpid = { r->tpid[0], r->tpid[1] },
			 .vid = { 100, 200 } },
		.src = A(r->osrc ? r->osrc : s->peer),
		.dst = A(r->odst ? r->odst : s->local),
		.ip4opts = opts,
		.ip4optlen = (size_t)r->ip4optlen,
		.ip4_id = 0x0101,
		.ip4_frag = r->ip4frag,
		.ip6_nexthdr_ext = r->ip6ext ? ext_type(r->ip6ext) : 0,
		.sport = r->sport ? r->sport : s->peer_port ? s->peer_port : 1701,
		.dport = r->dport ? r->dport : 1701,
		.udp_csum = r->udp_csum,
	};
	struct l2tp_spec l = {
		.flags = r->flags, .ver = r->ver,
		.tunnel = r->tunnel ? r->tunnel : s->tunnel,
		.session = r->session ? r->session : s->session,
		.ns = 0x1234, .nr = 0x5678,
		.offset_size = r->offset,
		.length_adj = r->length_adj,
	};
	struct ppp_spec pp = {
		.no_acf = r->no_acf, .pfc = r->pfc,
		.proto = r->proto ? r->proto : r->inner6 ? 0x0057 : 0x0021,
	};

	mac_parse(o.eth.dst, BT_MAC_UP);
	mac_parse(o.eth.src, BT_MAC_LAC);
	inner_build(inner, &in);
	if (r->ip6ext == EXT_HOP)
		o.ip6_nexthdr_ext = 0;	/* type 0 is hop-by-hop: see below */
	if (r->custom) {
		r->custom(f);
		memset(lay, 0, sizeof(*lay));
		return;
	}
	if (r->ip6ext == EXT_HOP) {
		/* outer_spec uses 0 for "none"; build hop-by-hop by hand. */
		struct addr src = o.src, dst = o.dst;
		struct ip6_spec ip = { .src = src, .dst = dst, .nexthdr = 0, .hlim = 64 };

		pkt_copy(f, inner);
		ppp_push(f, &pp);
		l2tp_push(f, &l);
		udp_push(f, &src, &dst, o.sport, o.dport, true);
		ip6_ext_push(f, 0, IPPROTO_UDP_);
		ip6_push(f, &ip);
		eth_push(f, &o.eth, ETH_P_IPV6_);
		memset(lay, 0, sizeof(*lay));
		return;
	}
	frame_l2tp(f, &o, &l, &pp, inner, lay);
	if (r->mutate)
		r->mutate(f, lay, inner);
}

static void expected(const struct row *r, const struct pkt *f, const struct pkt *inner,
		     struct pkt *exp)
{
	struct eth_spec e = { 0 };

	switch (r->out) {
	case OUT_NONE:
		pkt_init(exp);
		break;
	case OUT_SAME:
		pkt_copy(exp, f);
		break;
	case OUT_DECAP:
		pkt_copy(exp, inner);
		memcpy(e.dst, pkt_cdata(f), 6);
		memcpy(e.src, pkt_cdata(f) + 6, 6);
		eth_push(exp, &e, r->inner6 ? ETH_P_IPV6_ : ETH_P_IP_);
		break;
	case OUT_FWD:
		pkt_copy(exp, inner);
		ip_dec_ttl(pkt_data(exp));
		memcpy(e.dst, F.net.mac_corehost, 6);
		memcpy(e.src, F.net.mac_core, 6);
		eth_push(exp, &e, r->inner6 ? ETH_P_IPV6_ : ETH_P_IP_);
		break;
	}
}

static void run_row(void **state)
{
	const struct row *r = *state;
	const struct bt_sess *s = &sessions[r->sess];
	static struct pkt f, inner, exp;
	struct frame_layout lay;
	struct l2tpx_sess_stats d = { 0 };
	struct bt_expect e = {
		.verdict = r->verdict,
		.reason = r->reason,
		.reason_alt = r->reason_alt ? r->reason_alt : -1,
		.ip4_id_at = -1,
		.sst = &d,
		.sst_idx = s->stats_idx,
	};
	bool ok = true;
	int poison;

	build(r, &f, &inner, &lay);
	expected(r, &f, &inner, &exp);
	if (r->out != OUT_NONE)
		e.out = &exp;
	if (r->sst == SST_RX) {
		d.rx_packets = 1;
		d.rx_bytes = inner.len;
	} else if (r->sst == SST_DROP) {
		d.rx_drops = 1;
	}
	for (poison = -1; poison < 2; poison++)
		ok &= bt_xdp_check(&F.xdp[r->obj], poison, &F.maps[r->obj], pkt_data(&f), f.len,
				   (uint32_t)F.net.if_up, &e, NULL);
	if (!ok)
		hexdump("input", pkt_data(&f), f.len);
	assert_true(ok);
}

static void poison_works(void **state)
{
	assert_int_equal(bt_poison_selftest(0), 0);
	assert_int_equal(bt_poison_selftest(1), 0);
}

int main(void)
{
	static struct CMUnitTest tests[NROWS + 1];
	size_t i;

	tests[0] = (struct CMUnitTest){ .name = "headroom poison trampoline works",
					.test_func = poison_works };
	for (i = 0; i < NROWS; i++)
		tests[i + 1] = (struct CMUnitTest){ .name = rows[i].what, .test_func = run_row,
						    .initial_state = (void *)&rows[i] };
	return _cmocka_run_group_tests("decap", tests, NROWS + 1, setup, teardown);
}
