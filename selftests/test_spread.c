// SPDX-License-Identifier: GPL-2.0
/* Decap spread over CPUs (spread_cpus, the l2tpx_cpus cpumap) through
 * BPF_PROG_TEST_RUN: the uplink hands a known session's data to the cpumap
 * untouched (XDP_REDIRECT, reason cpu-spread, no session counter yet); the
 * second stage l2tpx_uplink_cpu decapsulates and forwards it; a CPU without
 * a cpumap entry makes the uplink decapsulate by itself; what is not a known
 * session's data is never spread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"

static const struct bt_sess sess = {
	.tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
	.local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1,
};

struct fixture {
	struct l2tp_xdp_bpf *first;	/* spread on, cpumap filled */
	struct l2tp_xdp_bpf *second;	/* the same code, second stage test-runnable */
	struct bt_maps maps;
	struct bt_xdp up, cpu;
	struct bt_net net;
	int ncpus;
};

static struct fixture F;

static int setup(void **state)
{
	struct bpf_map *m;
	__u32 cpu;

	F.ncpus = libbpf_num_possible_cpus();
	if (F.ncpus <= 0 || bt_net_setup(&F.net))
		return -1;
	F.first = l2tp_xdp_bpf__open();
	if (!F.first)
		return -1;
	F.first->rodata->spread_cpus = F.ncpus;
	bpf_map__set_max_entries(F.first->maps.l2tpx_cpus, F.ncpus);
	if (bt_unpin(F.first->obj) || l2tp_xdp_bpf__load(F.first) ||
	    bt_maps_get(F.first->obj, &F.maps))
		return -1;
	for (cpu = 0; cpu < (__u32)F.ncpus; cpu++) {
		struct bpf_cpumap_val v = {
			.qsize = L2TPX_SPREAD_QSIZE,
			.bpf_prog.fd = bpf_program__fd(F.first->progs.l2tpx_uplink_cpu),
		};

		if (bpf_map_update_elem(bpf_map__fd(F.first->maps.l2tpx_cpus), &cpu, &v, 0))
			return -1;
	}

	/* BPF_PROG_TEST_RUN refuses programs of attach type BPF_XDP_CPUMAP:
	 * the second stage is loaded once more as plain XDP, on the same maps. */
	F.second = l2tp_xdp_bpf__open();
	if (!F.second)
		return -1;
	F.second->rodata->spread_cpus = F.ncpus;
	bpf_program__set_expected_attach_type(F.second->progs.l2tpx_uplink_cpu, BPF_XDP);
	bpf_object__for_each_map(m, F.second->obj) {
		struct bpf_map *fm;

		if (bpf_map__is_internal(m))
			continue;
		fm = bpf_object__find_map_by_name(F.first->obj, bpf_map__name(m));
		if (!fm || bpf_map__reuse_fd(m, bpf_map__fd(fm)))
			return -1;
	}
	if (bt_unpin(F.second->obj) || l2tp_xdp_bpf__load(F.second))
		return -1;

	if (bt_sess_put(&F.maps, &sess) || bt_txport_put(&F.maps, F.net.if_up) ||
	    bt_txport_put(&F.maps, F.net.if_core))
		return -1;
	if (bt_xdp_init(&F.up, bpf_program__fd(F.first->progs.l2tpx_uplink)) ||
	    bt_xdp_init(&F.cpu, bpf_program__fd(F.second->progs.l2tpx_uplink_cpu)))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	bt_xdp_fini(&F.cpu);
	bt_xdp_fini(&F.up);
	l2tp_xdp_bpf__destroy(F.second);
	l2tp_xdp_bpf__destroy(F.first);
	return 0;
}

/* A data message of the session carrying ICMP to the core host. */
static void frame(struct pkt *f, struct pkt *inner, uint16_t session, uint16_t proto)
{
	struct inner_spec in = {
		.src = A("192.0.2.130"), .dst = A(BT_COREHOST4),
		.l4 = IPPROTO_ICMP_, .ttl = 64, .payload_len = 40,
	};
	struct bt_sess s = sess;

	inner_build(inner, &in);
	s.session = session;
	bt_uplink_frame(&s, inner, f);
	if (proto) {
		/* PPP protocol after FF 03: Ethernet 14 + IPv4 20 + UDP 8 + L2TP 6 + 2 */
		put_be16(pkt_data(f) + 14 + 20 + 8 + 6 + 2, proto);
	}
}

static void decap_expected(const struct pkt *inner, struct pkt *exp)
{
	struct eth_spec e = { 0 };

	pkt_copy(exp, inner);
	ip_dec_ttl(pkt_data(exp));
	memcpy(e.dst, F.net.mac_corehost, 6);
	memcpy(e.src, F.net.mac_core, 6);
	eth_push(exp, &e, ETH_P_IP_);
}

/* First stage: the frame goes to the cpumap as it came, nothing decapsulated
 * or counted for the session yet. */
static void first_stage_redirects(void **state)
{
	static struct pkt f, inner;
	struct l2tpx_sess_stats none = { 0 };
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_CPU_SPREAD, .reason_alt = -1,
		.out = &f, .ip4_id_at = -1, .sst = &none, .sst_idx = sess.stats_idx,
	};

	frame(&f, &inner, sess.session, 0);
	assert_true(bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len,
				 (uint32_t)F.net.if_up, &e, NULL));
}

/* Second stage: decap and forward, counted as decap-fwd on the session. */
static void second_stage_decaps(void **state)
{
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { 0 };
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_DECAP_FWD, .reason_alt = -1,
		.out = &exp, .ip4_id_at = -1, .sst = &d, .sst_idx = sess.stats_idx,
	};

	frame(&f, &inner, sess.session, 0);
	decap_expected(&inner, &exp);
	d.rx_packets = 1;
	d.rx_bytes = inner.len;
	assert_true(bt_xdp_check(&F.cpu, -1, &F.maps, pkt_data(&f), f.len,
				 (uint32_t)F.net.if_up, &e, NULL));
}

/* The session's CPU has no cpumap entry (offline, or removed): the uplink
 * decapsulates the frame itself instead of losing it. */
static void missing_cpu_decaps_inline(void **state)
{
	static struct pkt f, inner, exp;
	struct l2tpx_sess_stats d = { 0 };
	struct bt_expect e = {
		.verdict = XDP_REDIRECT, .reason = L2TPX_R_DECAP_FWD, .reason_alt = -1,
		.out = &exp, .ip4_id_at = -1, .sst = &d, .sst_idx = sess.stats_idx,
	};
	int fd = bpf_map__fd(F.first->maps.l2tpx_cpus);
	__u32 cpu;

	for (cpu = 0; cpu < (__u32)F.ncpus; cpu++)
		bpf_map_delete_elem(fd, &cpu);
	frame(&f, &inner, sess.session, 0);
	decap_expected(&inner, &exp);
	d.rx_packets = 1;
	d.rx_bytes = inner.len;
	assert_true(bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len,
				 (uint32_t)F.net.if_up, &e, NULL));
}

/* Unknown sessions and PPP control stay with the first stage: passed up. */
static void not_spread(void **state)
{
	static struct pkt f, inner;
	struct bt_expect e = {
		.verdict = XDP_PASS, .reason = L2TPX_R_NO_SESSION, .reason_alt = -1,
		.out = &f, .ip4_id_at = -1,
	};

	frame(&f, &inner, 999, 0);
	assert_true(bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len,
				 (uint32_t)F.net.if_up, &e, NULL));
	frame(&f, &inner, sess.session, 0xc021);	/* LCP */
	e.reason = L2TPX_R_PPP_CONTROL;
	assert_true(bt_xdp_check(&F.up, -1, &F.maps, pkt_data(&f), f.len,
				 (uint32_t)F.net.if_up, &e, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_stage_redirects),
		cmocka_unit_test(not_spread),
		cmocka_unit_test(second_stage_decaps),
		cmocka_unit_test(missing_cpu_decaps_inline),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
