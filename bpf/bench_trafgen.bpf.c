// SPDX-License-Identifier: GPL-2.0
/* Benchmark-only XDP programs for bench/trafgen.c: a live-frames traffic
 * generator, a counting sink, and a plain L3 forwarder (FIB lookup, TTL,
 * MAC rewrite, redirect; no tunnel) that l2tpx is measured against. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "l2tpx.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/fib.h"

#define TRAFGEN_TMPL_MAX 128

/* Generator knobs, set through the skeleton before load.  Frame i of the
 * run belongs to session (i / burst) mod nsess: the L2TP ids at sid_off
 * (decap frames) or the low 32 bits of the inner IPv6 destination at
 * dst6_off (encap frames, index + 1) are rewritten from the session index,
 * the same mapping trafgen uses to install the sessions. */
const volatile __u32 tmpl_len = 64;
const volatile __u8 tmpl[TRAFGEN_TMPL_MAX];
const volatile __u32 nsess = 1;
const volatile __u32 burst = 1;	/* consecutive frames of one session */
const volatile __u32 sess_per_tunnel = 65535;
const volatile __u32 sid_off;	/* 0: no L2TP ids to vary */
const volatile __u32 dst6_off;	/* 0: no IPv6 destination to vary */

/* Frames the generator produced / the sink received, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} trafgen_count SEC(".maps");

/* ifindex -> ifindex the forwarder may redirect to; filled by trafgen. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} trafgen_ports SEC(".maps");

static __always_inline __u64 *counter(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&trafgen_count, &k);
}

/* Run in BPF_F_TEST_XDP_LIVE_FRAMES mode: every page is recycled with what
 * the receiver left in it (decap/encap rewrote the headers), so the header
 * bytes are written from the template on every frame; XDP_TX is turned by
 * the test run into a transmit on the ingress veth. */
SEC("xdp")
int trafgen_tx(struct xdp_md *ctx)
{
	__u64 *cnt = counter(), n;
	__u32 idx, tid, sid;
	void *data, *end;

	if (!cnt)
		return XDP_ABORTED;
	n = (*cnt)++;
	idx = nsess > 1 ? (__u32)((burst > 1 ? n / burst : n) % nsess) : 0;
	if (bpf_xdp_store_bytes(ctx, 0, (void *)tmpl, tmpl_len & (TRAFGEN_TMPL_MAX - 1)))
		return XDP_ABORTED;
	if (!idx)
		return XDP_TX;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (sid_off) {
		__be16 *w = data + (sid_off & 0x7f);

		if ((void *)(w + 2) > end)
			return XDP_ABORTED;
		tid = 1 + idx / sess_per_tunnel;
		sid = 1 + idx % sess_per_tunnel;
		w[0] = bpf_htons(tid);
		w[1] = bpf_htons(sid);
	}
	if (dst6_off) {
		__be32 *a = data + (dst6_off & 0x7f);

		if ((void *)(a + 4) > end)
			return XDP_ABORTED;
		a[3] = bpf_htonl(idx + 1);
	}
	return XDP_TX;
}

/* The sink: count and drop. */
SEC("xdp")
int trafgen_sink(struct xdp_md *ctx)
{
	__u64 *cnt = counter();

	if (cnt)
		(*cnt)++;
	return XDP_DROP;
}

/* The limit l2tpx is compared with: the same FIB lookup, TTL decrement and
 * redirect a decap or encap ends with, on a plain IP packet.  What it cannot
 * forward goes to the kernel. */
SEC("xdp")
int trafgen_l3fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct cursor c = { .pos = data, .end = end };
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth;
	__be16 proto;
	__u8 ttl;
	int v6;

	if (parse_eth(&c, &eth, &proto) < 0)
		return XDP_PASS;
	if (proto == bpf_htons(ETH_P_IP))
		v6 = 0;
	else if (proto == bpf_htons(ETH_P_IPV6))
		v6 = 1;
	else
		return XDP_PASS;
	ttl = fib_params_from_ip(&fib, c.pos, end, v6);
	if (ttl <= 1)
		return XDP_PASS;
	fib.ifindex = ctx->ingress_ifindex;
	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	if (ip_decrease_ttl(c.pos, end, v6))
		return XDP_PASS;
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return bpf_redirect_map(&trafgen_ports, fib.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
