// SPDX-License-Identifier: GPL-2.0
/* The fast copies of sessions (l2tpx_fast, struct l2tpx_fast) through
 * BPF_PROG_TEST_RUN, with an l2tpx_fast of 2^17 slots, so that the tunnel
 * id's low bit takes part in the slot:
 *   - a session's copy sits in the slot its ids give (l2tpx_fast_slot);
 *   - decap and encap use the copy: with the session gone from
 *     l2tpx_sessions behind dp's back, its frames are still forwarded;
 *   - a session whose slot another holds is found in l2tpx_sessions
 *     instead, and decap and encap stay correct for both;
 *   - a dropped copy is no longer used (no-session), and its slot is
 *     free for the session again;
 *   - a refreshed copy (new peer port) takes effect at once: the old port
 *     is dropped as wrong-peer;
 *   - subscriber addresses have copies too (l2tpx_fast4/6, slot by the
 *     address's last 32 bits): encap uses them, an address whose slot
 *     another holds is found in the hash, a dropped copy is not used. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"
#include "dp.h"

#define FAST_ENTRIES	(1u << 17)

/* SA: slot 200.  SB: the same slot (tunnel ids differ in bit 1 only): found
 * in l2tpx_sessions.  SC: tunnel 101 puts it 65536 further, its own slot. */
static const struct bt_sess SA = {
	.tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
	.local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1,
};
static const struct bt_sess SB = {
	.tunnel = 102, .session = 200, .peer_tunnel = 1102, .peer_session = 1202,
	.local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 2,
};
static const struct bt_sess SC = {
	.tunnel = 101, .session = 200, .peer_tunnel = 1101, .peer_session = 1201,
	.local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 3,
};

struct fixture {
	struct l2tp_xdp_bpf *skel;
	struct bt_maps maps;
	struct bt_xdp up, core;
	struct bt_net net;
};

static struct fixture F;

static int setup(void **state)
{
	if (bt_net_setup(&F.net))
		return -1;
	F.skel = l2tp_xdp_bpf__open();
	if (!F.skel)
		return -1;
	bpf_map__set_max_entries(F.skel->maps.l2tpx_fast, FAST_ENTRIES);
	bpf_map__set_max_entries(F.skel->maps.l2tpx_fast4, FAST_ENTRIES);
	bpf_map__set_max_entries(F.skel->maps.l2tpx_fast6, FAST_ENTRIES);
	F.skel->rodata->fast_mask = FAST_ENTRIES - 1;
	if (bt_unpin(F.skel->obj) || l2tp_xdp_bpf__load(F.skel) ||
	    bt_maps_get(F.skel->obj, &F.maps))
		return -1;
	if (F.maps.fast_mask != FAST_ENTRIES - 1)
		return -1;
	if (bt_sess_put(&F.maps, &SA) || bt_sess_put(&F.maps, &SB) || bt_sess_put(&F.maps, &SC) ||
	    bt_txport_put(&F.maps, F.net.if_up) || bt_txport_put(&F.maps, F.net.if_core))
		return -1;
	if (bt_sub_put(&F.maps, "198.51.100.71", SA.tunnel, SA.session) ||
	    bt_sub_put(&F.maps, "198.51.100.72", SB.tunnel, SB.session) ||
	    bt_sub_put(&F.maps, "2001:db8:71::5", SA.tunnel, SA.session) ||
	    bt_sub_put(&F.maps, "2001:db8:72::5", SB.tunnel, SB.session))
		return -1;
	if (bt_xdp_init(&F.up, bpf_program__fd(F.skel->progs.l2tpx_uplink)) ||
	    bt_xdp_init(&F.core, bpf_program__fd(F.skel->progs.l2tpx_core)))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	bt_xdp_fini(&F.core);
	bt_xdp_fini(&F.up);
	l2tp_xdp_bpf__destroy(F.skel);
	return 0;
}

static struct l2tpx_sess_key key_of(const struct bt_sess *s)
{
	return (struct l2tpx_sess_key){ htons(s->tunnel), htons(s->session) };
}

/* Session s's data message carrying ICMP to the core host; exp is what
 * decap and forward must make of it. */
static void uplink(const struct bt_sess *s, struct pkt *f, struct pkt *inner, struct pkt *exp)
{
	struct inner_spec in = {
		.src = A("192.0.2.130"), .dst = A(BT_COREHOST4),
		.l4 = IPPROTO_ICMP_, .ttl = 64, .payload_len = 40,
	};
	struct eth_spec e = { 0 };

	inner_build(inner, &in);
	bt_uplink_frame(s, inner, f);
	pkt_copy(exp, inner);
	ip_dec_ttl(pkt_data(exp));
	memcpy(e.dst, F.net.mac_corehost, 6);
	memcpy(e.src, F.net.mac_core, 6);
	eth_push(exp, &e, ETH_P_IP_);
}

/* Decap of s's frame is forwarded and counted on s's own counters. */
static bool decap_fwd(const struct bt_sess *s)
{
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { 0 };
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_DECAP_FWD, .reason_alt = -1,
		.out = &exp, .ip4_id_at = -1, .sst = &d, .sst_idx = s->stats_idx,
	};

	uplink(s, &f, &inner, &exp);
	d.rx_packets = 1;
	d.rx_bytes = inner.len;
	return bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len, (uint32_t)F.net.if_up, &e,
			    NULL);
}

/* s's frame takes verdict/reason and leaves the frame as it came. */
static bool decap_not(const struct bt_sess *s, uint32_t verdict, int reason)
{
	static struct pkt f, inner, exp;
	struct bt_expect e = {
		.verdict = verdict, .reason = reason, .reason_alt = -1,
		.out = verdict == XDP_PASS ? &f : NULL, .ip4_id_at = -1,
	};

	uplink(s, &f, &inner, &exp);
	return bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len, (uint32_t)F.net.if_up, &e,
			    NULL);
}

/* Encap of a packet to subscriber address dst, owned by s. */
static bool encap_fwd(const struct bt_sess *s, const char *dst)
{
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { 0 };
	struct inner_spec in = {
		.dst = A(dst), .l4 = IPPROTO_UDP_, .ttl = 64, .payload_len = 32,
	};
	struct eth_spec eth = { 0 };
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_ENCAP_FWD, .reason_alt = -1,
		.out = &exp, .sst = &d, .sst_idx = s->stats_idx,
	};

	in.src = A(in.dst.family == AF_INET6 ? BT_COREHOST6 : BT_COREHOST4);
	mac_parse(eth.dst, BT_MAC_CORE);
	mac_parse(eth.src, BT_MAC_COREHOST);
	inner_build(&inner, &in);
	pkt_copy(&f, &inner);
	eth_push(&f, &eth, in.dst.family == AF_INET6 ? ETH_P_IPV6_ : ETH_P_IP_);
	bt_encap_expected(s, &inner, 0, true, true, &exp, &e.ip4_id_at);
	d.tx_packets = 1;
	d.tx_bytes = inner.len;
	return bt_xdp_check(&F.core, -1, &F.maps, pkt_data(&f), f.len, (uint32_t)F.net.if_core,
			    &e, NULL);
}

static void slots_follow_ids(void **state)
{
	struct l2tpx_sess_key ka = key_of(&SA), kb = key_of(&SB), kc = key_of(&SC);
	struct l2tpx_session v;

	assert_int_equal(l2tpx_fast_slot(SA.tunnel, SA.session, FAST_ENTRIES - 1), 200);
	assert_int_equal(l2tpx_fast_slot(SB.tunnel, SB.session, FAST_ENTRIES - 1), 200);
	assert_int_equal(l2tpx_fast_slot(SC.tunnel, SC.session, FAST_ENTRIES - 1), 65536 + 200);
	assert_int_equal(l2tpx_fast_slot(0xffff, 0xffff, 0xffff), 0xffff);
	assert_int_equal(l2tpx_fast_entries(1), 65536);
	assert_int_equal(l2tpx_fast_entries(65536), 65536);
	assert_int_equal(l2tpx_fast_entries(65537), 131072);
	assert_int_equal(l2tpx_fast_entries(1000000), 1u << 20);

	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &ka, &v), 0);
	assert_int_equal(ntohs(v.peer_tunnel_id), SA.peer_tunnel);
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &kb, &v), -ENOENT);
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &kc, &v), 0);
	assert_int_equal(ntohs(v.peer_tunnel_id), SC.peer_tunnel);
	/* SB's slot is SA's: putting SB again is refused, SA's copy untouched. */
	bt_sess_value(&SB, &v);
	assert_int_equal(dp_fast_put(F.maps.fast, F.maps.fast_mask, &kb, &v), -EBUSY);
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &ka, &v), 0);
	assert_int_equal(ntohs(v.peer_tunnel_id), SA.peer_tunnel);
}

/* All three decapsulate and forward, each on its own counters; the
 * subscriber addresses of SA (copy) and SB (hash) encapsulate. */
static void every_session_forwards(void **state)
{
	assert_true(decap_fwd(&SA));
	assert_true(decap_fwd(&SB));
	assert_true(decap_fwd(&SC));
	assert_true(encap_fwd(&SA, "198.51.100.71"));
	assert_true(encap_fwd(&SB, "198.51.100.72"));
}

/* With SA gone from l2tpx_sessions behind dp's back, its copy still serves
 * decap and encap: the programs really read the copy. */
static void copy_is_what_the_programs_use(void **state)
{
	struct l2tpx_sess_key ka = key_of(&SA);

	assert_int_equal(bpf_map_delete_elem(F.maps.sessions, &ka), 0);
	assert_true(decap_fwd(&SA));
	assert_true(encap_fwd(&SA, "198.51.100.71"));
	assert_int_equal(bt_sess_put_hash(&F.maps, &SA), 0);
}

/* Dropping SA's copy: SA is then whatever l2tpx_sessions says (gone: no
 * session), SB is unaffected; putting SA back takes its slot again. */
static void dropped_copy_is_not_used(void **state)
{
	struct l2tpx_sess_key ka = key_of(&SA);
	struct l2tpx_session v;

	assert_int_equal(bt_sess_del(&F.maps, SA.tunnel, SA.session), 0);
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &ka, &v), -ENOENT);
	assert_true(decap_not(&SA, XDP_PASS, L2TPX_R_NO_SESSION));
	assert_true(decap_fwd(&SB));
	assert_int_equal(bt_sess_put(&F.maps, &SA), 0);
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &ka, &v), 0);
	assert_true(decap_fwd(&SA));
}

/* SA refreshed copy is used at once: SA's peer moves to port 4500 (NAT
 * rebinding); frames from the old port are dropped as wrong-peer. */
static void refreshed_copy_takes_effect(void **state)
{
	struct bt_sess moved = SA;

	moved.peer_port = 4500;
	assert_int_equal(bt_sess_put(&F.maps, &moved), 0);
	assert_true(decap_not(&SA, XDP_DROP, L2TPX_R_WRONG_PEER));
	assert_true(decap_fwd(&moved));
	assert_int_equal(bt_sess_put(&F.maps, &SA), 0);
	assert_true(decap_fwd(&SA));
}

/* Ids {0, 0} are an empty slot's key: a data message carrying them finds
 * no session (passed up), not the empty copy (which would be dropped as
 * wrong-peer: what the differential fuzzer found). */
static void empty_slot_is_no_session(void **state)
{
	struct bt_sess zero = SA;
	struct l2tpx_sess_key kz = { 0, 0 };
	struct l2tpx_session v;

	zero.tunnel = zero.session = 0;
	assert_true(decap_not(&zero, XDP_PASS, L2TPX_R_NO_SESSION));
	assert_int_equal(dp_fast_get(F.maps.fast, F.maps.fast_mask, &kz, &v), -ENOENT);
}

/* 2001:db8:71::5 (SA) and 2001:db8:72::5 (SB) end alike: SA's copy holds
 * the slot, SB's address is found in l2tpx_dst6; both encapsulate. */
static void address_copies(void **state)
{
	struct addr a4 = A("198.51.100.71"), a6 = A("2001:db8:71::5"), b6 = A("2001:db8:72::5");
	struct l2tpx_sess_key ka = key_of(&SA), kb = key_of(&SB);
	struct l2tpx_fast6 f6;
	struct l2tpx_fast4 f4;
	__u32 slot;

	memcpy(&slot, &a4.a[0], 4);
	slot = l2tpx_fast_addr_slot(ntohl(slot), F.maps.fast_mask);
	assert_int_equal(bpf_map_lookup_elem(F.maps.fast4, &slot, &f4), 0);
	assert_memory_equal(&f4.addr, a4.a, 4);
	assert_memory_equal(&f4.d.key, &ka, sizeof(ka));
	memcpy(&slot, &a6.a[12], 4);
	slot = l2tpx_fast_addr_slot(ntohl(slot), F.maps.fast_mask);
	assert_int_equal(bpf_map_lookup_elem(F.maps.fast6, &slot, &f6), 0);
	assert_memory_equal(&f6.addr, a6.a, 16);
	assert_memory_equal(&f6.d.key, &ka, sizeof(ka));
	assert_int_equal(dp_fast_addr_put(F.maps.fast6, F.maps.fast_mask, AF_INET6, b6.a, &kb),
			 -EBUSY);
	assert_true(encap_fwd(&SA, "2001:db8:71::5"));
	assert_true(encap_fwd(&SB, "2001:db8:72::5"));

	/* Gone from l2tpx_dst4 behind dp's back: the copy still serves. */
	assert_int_equal(bpf_map_delete_elem(F.maps.dst4, a4.a), 0);
	assert_true(encap_fwd(&SA, "198.51.100.71"));
	/* Dropped (and gone): not a subscriber any more; back again. */
	assert_int_equal(dp_fast_addr_drop(F.maps.fast4, F.maps.fast_mask, AF_INET, a4.a), 0);
	{
		static struct pkt f, inner;
		struct inner_spec in = {
			.src = A(BT_COREHOST4), .dst = a4, .l4 = IPPROTO_UDP_, .ttl = 64,
			.payload_len = 32,
		};
		struct eth_spec eth = { 0 };
		struct bt_expect e = {
			.verdict = XDP_PASS, .reason = L2TPX_R_NO_SUBSCRIBER, .reason_alt = -1,
			.out = &f, .ip4_id_at = -1,
		};

		mac_parse(eth.dst, BT_MAC_CORE);
		mac_parse(eth.src, BT_MAC_COREHOST);
		inner_build(&inner, &in);
		pkt_copy(&f, &inner);
		eth_push(&f, &eth, ETH_P_IP_);
		assert_true(bt_xdp_check(&F.core, -1, &F.maps, pkt_data(&f), f.len,
					 (uint32_t)F.net.if_core, &e, NULL));
	}
	assert_int_equal(bt_sub_put(&F.maps, "198.51.100.71", SA.tunnel, SA.session), 0);
	assert_true(encap_fwd(&SA, "198.51.100.71"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slots_follow_ids),
		cmocka_unit_test(every_session_forwards),
		cmocka_unit_test(copy_is_what_the_programs_use),
		cmocka_unit_test(dropped_copy_is_not_used),
		cmocka_unit_test(refreshed_copy_takes_effect),
		cmocka_unit_test(address_copies),
		cmocka_unit_test(empty_slot_is_no_session),
	};

	return cmocka_run_group_tests_name("fast", tests, setup, teardown);
}
