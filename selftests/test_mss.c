// SPDX-License-Identifier: GPL-2.0
/* TCP MSS clamping in both XDP directions through BPF_PROG_TEST_RUN: the
 * expected SYN is built from scratch with the clamped MSS, so a byte-exact
 * match proves the option and the TCP checksum. */
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

enum { M_V4, M_V6, M_OFF, M_COUNT };

static const struct bt_sess sessions[M_COUNT] = {
	[M_V4] = { .tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
		   .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1, .mss = 1400 },
	[M_V6] = { .tunnel = 101, .session = 201, .peer_tunnel = 1101, .peer_session = 1201,
		   .local = BT_LOCAL6, .peer = BT_LAC6, .stats_idx = 2, .mss = 1380 },
	[M_OFF] = { .tunnel = 102, .session = 202, .peer_tunnel = 1102, .peer_session = 1202,
		    .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 3, .mss = 0 },
};

static const char *const sub4[M_COUNT] = { "192.0.2.130", "192.0.2.131", "192.0.2.132" };
static const char *const sub6[M_COUNT] = { "2001:db8:100::5", "2001:db8:100::6",
					   "2001:db8:100::7" };

static struct {
	struct l2tp_xdp_bpf *skel;
	struct bt_maps maps;
	struct bt_xdp up, core;
	struct bt_net net;
} F;

static int setup(void **state)
{
	int k;

	if (bt_net_setup(&F.net))
		return -1;
	F.skel = l2tp_xdp_bpf__open();
	if (!F.skel || bt_unpin(F.skel->obj) || l2tp_xdp_bpf__load(F.skel) ||
	    bt_maps_get(F.skel->obj, &F.maps) ||
	    bt_xdp_init(&F.up, bpf_program__fd(F.skel->progs.l2tpx_uplink)) ||
	    bt_xdp_init(&F.core, bpf_program__fd(F.skel->progs.l2tpx_core)))
		return -1;
	for (k = 0; k < M_COUNT; k++)
		if (bt_sess_put(&F.maps, &sessions[k]) ||
		    bt_sub_put(&F.maps, sub4[k], sessions[k].tunnel, sessions[k].session) ||
		    bt_sub_put(&F.maps, sub6[k], sessions[k].tunnel, sessions[k].session))
			return -1;
	return bt_txport_put(&F.maps, F.net.if_up) || bt_txport_put(&F.maps, F.net.if_core);
}

static int teardown(void **state)
{
	bt_xdp_fini(&F.up);
	bt_xdp_fini(&F.core);
	l2tp_xdp_bpf__destroy(F.skel);
	return 0;
}

enum dir { DECAP, ENCAP };

struct row {
	const char *what;
	enum dir dir;
	int sess;
	bool inner6;
	uint8_t flags;		/* TCP flags; 0: SYN */
	uint16_t mss_in;	/* 0: no options at all */
	enum mss_place place;
	uint16_t mss_out;	/* expected */
	const char *idst;	/* decap only: default the core host */
	uint8_t ttl;		/* 0: 64 */
	uint32_t verdict;	/* 0: the forwarding verdict */
	int reason;		/* with verdict */
	bool untouched;		/* passed without any change */
};

#define R(w, d, s, i6, fl, in, pl, out) .what = (w), .dir = (d), .sess = (s), .inner6 = (i6), \
	.flags = (fl), .mss_in = (in), .place = (pl), .mss_out = (out)

static const struct row rows[] = {
	{ R("decap v4 SYN 1460 -> 1400", DECAP, M_V4, false, 0, 1460, MSS_FIRST, 1400) },
	{ R("decap v4 SYN 65535 -> 1400", DECAP, M_V4, false, 0, 65535, MSS_FIRST, 1400) },
	{ R("decap v4 SYN 1460 -> 1400, MSS at an odd offset", DECAP, M_V4, false, 0, 1460, MSS_ODD, 1400) },
	{ R("decap v4 SYN 1460 -> 1400, MSS after 6 other options", DECAP, M_V4, false, 0, 1460, MSS_LAST_EVEN, 1400) },
	{ R("decap v4 SYN-ACK 1460 -> 1400", DECAP, M_V4, false, TCPF_SYN | TCPF_ACK, 1460, MSS_FIRST, 1400) },
	{ R("decap v4 SYN 1300 untouched", DECAP, M_V4, false, 0, 1300, MSS_FIRST, 1300) },
	{ R("decap v4 SYN 1400 (equal) untouched", DECAP, M_V4, false, 0, 1400, MSS_FIRST, 1400) },
	{ R("decap v4 ACK with an MSS option untouched", DECAP, M_V4, false, TCPF_ACK, 1460, MSS_FIRST, 1460) },
	{ R("decap v4 SYN without options untouched", DECAP, M_V4, false, 0, 0, MSS_FIRST, 0) },
	{ R("decap v6 SYN 1440 -> 1400", DECAP, M_V4, true, 0, 1440, MSS_FIRST, 1400) },
	{ R("decap v6 SYN 1440 -> 1400, odd offset", DECAP, M_V4, true, 0, 1440, MSS_ODD, 1400) },
	{ R("decap v6 SYN-ACK 1440 -> 1400", DECAP, M_V4, true, TCPF_SYN | TCPF_ACK, 1440, MSS_FIRST, 1400) },
	{ R("decap v6 SYN 1220 untouched", DECAP, M_V4, true, 0, 1220, MSS_FIRST, 1220) },
	{ R("decap, outer v6, v4 SYN 1460 -> 1380", DECAP, M_V6, false, 0, 1460, MSS_FIRST, 1380) },
	{ R("decap, outer v6, v6 SYN 1440 -> 1380", DECAP, M_V6, true, 0, 1440, MSS_FIRST, 1380) },
	{ R("decap, clamp off (mss 0): SYN 1460 untouched", DECAP, M_OFF, false, 0, 1460, MSS_FIRST, 1460) },
	{ R("decap passed up (local destination) is clamped too", DECAP, M_V4, false, 0, 1460, MSS_FIRST, 1400), .idst = BT_CORE_LOCAL4, .verdict = XDP_PASS,
	  .reason = L2TPX_R_DECAP_LOCAL },
	{ R("encap v4 SYN 1460 -> 1400", ENCAP, M_V4, false, 0, 1460, MSS_FIRST, 1400) },
	{ R("encap v4 SYN 1460 -> 1400, odd offset", ENCAP, M_V4, false, 0, 1460, MSS_ODD, 1400) },
	{ R("encap v4 SYN 1460 -> 1400, MSS after 6 other options", ENCAP, M_V4, false, 0, 1460, MSS_LAST_EVEN, 1400) },
	{ R("encap v4 SYN-ACK 1460 -> 1400", ENCAP, M_V4, false, TCPF_SYN | TCPF_ACK, 1460, MSS_FIRST, 1400) },
	{ R("encap v4 SYN 536 untouched", ENCAP, M_V4, false, 0, 536, MSS_FIRST, 536) },
	{ R("encap v4 ACK with an MSS option untouched", ENCAP, M_V4, false, TCPF_ACK, 1460, MSS_FIRST, 1460) },
	{ R("encap v6 SYN 1440 -> 1400", ENCAP, M_V4, true, 0, 1440, MSS_FIRST, 1400) },
	{ R("encap v6 SYN-ACK 1440 -> 1400, odd offset", ENCAP, M_V4, true, TCPF_SYN | TCPF_ACK, 1440, MSS_ODD, 1400) },
	{ R("encap v6 SYN 1400 (equal) untouched", ENCAP, M_V4, true, 0, 1400, MSS_FIRST, 1400) },
	{ R("encap, outer v6, v4 SYN 1460 -> 1380", ENCAP, M_V6, false, 0, 1460, MSS_FIRST, 1380) },
	{ R("encap, outer v6, v6 SYN 1440 -> 1380", ENCAP, M_V6, true, 0, 1440, MSS_FIRST, 1380) },
	{ R("encap, clamp off (mss 0): SYN 1460 untouched", ENCAP, M_OFF, true, 0, 1460, MSS_FIRST, 1460) },
	{ R("encap TTL 1: punted SYN untouched", ENCAP, M_V4, false, 0, 1460, MSS_FIRST, 1460),
	  .ttl = 1, .verdict = XDP_PASS, .reason = L2TPX_R_TTL, .untouched = true },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void syn(struct pkt *p, const struct row *r, uint16_t mss, bool to_sub)
{
	const char *s4 = sub4[r->sess], *s6 = sub6[r->sess];
	const char *h4 = r->idst ? r->idst : BT_COREHOST4, *h6 = BT_COREHOST6;
	struct inner_spec in = {
		.src = A(r->inner6 ? (to_sub ? h6 : s6) : (to_sub ? h4 : s4)),
		.dst = A(r->inner6 ? (to_sub ? s6 : h6) : (to_sub ? s4 : h4)),
		.l4 = IPPROTO_TCP_,
		.ttl = r->ttl ? r->ttl : 64,
		.payload_len = 0,
		.mss = mss,
		.mss_place = r->place,
		.tcp_flags = r->flags ? r->flags : TCPF_SYN,
	};

	inner_build(p, &in);
}

static void run_row(void **state)
{
	const struct row *r = *state;
	const struct bt_sess *s = &sessions[r->sess];
	static struct pkt inner, f, want_inner, exp;
	struct eth_spec e = { 0 };
	struct bt_expect ex = {
		.verdict = r->verdict ? r->verdict : XDP_REDIRECT,
		.reason = r->verdict ? r->reason
				     : r->dir == DECAP ? L2TPX_R_DECAP_FWD : L2TPX_R_ENCAP_FWD,
		.reason_alt = -1,
		.ip4_id_at = -1,
		.out = &exp,
	};
	bool ok = true, fwd = !r->verdict;
	int poison;

	syn(&inner, r, r->mss_in, r->dir == ENCAP);
	syn(&want_inner, r, r->mss_out, r->dir == ENCAP);
	if (r->dir == DECAP) {
		bt_uplink_frame(s, &inner, &f);
		pkt_copy(&exp, &want_inner);
		if (fwd) {
			ip_dec_ttl(pkt_data(&exp));
			memcpy(e.dst, F.net.mac_corehost, 6);
			memcpy(e.src, F.net.mac_core, 6);
		} else {
			memcpy(e.dst, F.net.mac_up, 6);
			memcpy(e.src, F.net.mac_lac, 6);
		}
		eth_push(&exp, &e, r->inner6 ? ETH_P_IPV6_ : ETH_P_IP_);
	} else {
		mac_parse(e.dst, BT_MAC_CORE);
		mac_parse(e.src, BT_MAC_COREHOST);
		pkt_copy(&f, &inner);
		eth_push(&f, &e, r->inner6 ? ETH_P_IPV6_ : ETH_P_IP_);
		if (r->untouched)
			pkt_copy(&exp, &f);
		else
			bt_encap_expected(s, &want_inner, 0, true, true, &exp, &ex.ip4_id_at);
	}
	/* Independent check of the expectation itself. */
	{
		const uint8_t *ip = pkt_cdata(&want_inner);
		struct addr src, dst;
		size_t off = r->inner6 ? 40 : 20;

		memset(&src, 0, sizeof(src));
		memset(&dst, 0, sizeof(dst));
		src.family = dst.family = r->inner6 ? AF_INET6 : AF_INET;
		memcpy(src.a, ip + (r->inner6 ? 8 : 12), r->inner6 ? 16 : 4);
		memcpy(dst.a, ip + (r->inner6 ? 24 : 16), r->inner6 ? 16 : 4);
		assert_true(l4_csum_ok(&src, &dst, IPPROTO_TCP_, ip + off, want_inner.len - off));
	}
	for (poison = -1; poison < 2; poison++)
		ok &= bt_xdp_check(r->dir == DECAP ? &F.up : &F.core, poison, &F.maps,
				   pkt_data(&f), f.len,
				   (uint32_t)(r->dir == DECAP ? F.net.if_up : F.net.if_core),
				   &ex, NULL);
	if (!ok)
		hexdump("input", pkt_data(&f), f.len);
	assert_true(ok);
}

int main(void)
{
	static struct CMUnitTest tests[NROWS];
	size_t i;

	for (i = 0; i < NROWS; i++)
		tests[i] = (struct CMUnitTest){ .name = rows[i].what, .test_func = run_row,
						.initial_state = (void *)&rows[i] };
	return _cmocka_run_group_tests("mss", tests, NROWS, setup, teardown);
}
