/* SPDX-License-Identifier: GPL-2.0 */
/* Bounds-checked header parsing with a cursor: Ethernet with up to two VLAN
 * tags, and the IPv4/IPv6 sanity checks both directions share. */
#ifndef L2TPX_BPF_PARSE_H
#define L2TPX_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "l2tpx.h"

struct cursor {
	void *pos;
	void *end;
};

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

static __always_inline int proto_is_vlan(__be16 p)
{
	return p == bpf_htons(ETH_P_8021Q) || p == bpf_htons(ETH_P_8021AD);
}

/* Ethernet plus up to L2TPX_MAX_VLANS tags: *proto gets the ethertype after
 * the tags (network order), or the tag's own ethertype when there are more
 * tags than we parse (not ours: passed).  Returns -1 when the frame is cut
 * short, else 0: any ethertype value, 0x0000 included (an 802.3 length), is
 * a frame to pass, not a runt. */
static __always_inline int parse_eth(struct cursor *c, struct ethhdr **ethp, __be16 *proto)
{
	struct ethhdr *eth = c->pos;
	struct vlan_hdr *vh;
	int i;

	if ((void *)(eth + 1) > c->end)
		return -1;
	*ethp = eth;
	c->pos = eth + 1;
	*proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < L2TPX_MAX_VLANS; i++) {
		if (!proto_is_vlan(*proto))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end)
			return -1;
		*proto = vh->proto;
		c->pos = vh + 1;
	}
	return 0;
}

/* A big-endian length field as a number the verifier can bound.  Kernels
 * before 6.3 or so (the lab's 6.1) forget a register's bounds at a byte
 * swap and then refuse "math between pkt pointer and register with
 * unbounded min value"; the mask, which the compiler cannot drop behind
 * the empty asm, bounds it again. */
static __always_inline __u32 len16(__be16 v)
{
	__u32 x = bpf_ntohs(v);

	asm volatile("" : "+r"(x));
	return x & 0xffff;
}

/* An IPv4 header whose lengths fit the frame; returns its total length or 0. */
static __always_inline __u32 ipv4_check(struct iphdr *iph, void *end)
{
	__u32 ihl, tot;

	if ((void *)(iph + 1) > end)
		return 0;
	if (iph->version != 4)
		return 0;
	ihl = iph->ihl * 4;
	tot = len16(iph->tot_len);
	if (ihl < sizeof(*iph) || tot < ihl || (void *)iph + tot > end)
		return 0;
	return tot;
}

/* An IPv6 header whose payload fits the frame; returns total length or 0. */
static __always_inline __u32 ipv6_check(struct ipv6hdr *ip6h, void *end)
{
	__u32 tot;

	if ((void *)(ip6h + 1) > end)
		return 0;
	if (ip6h->version != 6)
		return 0;
	tot = sizeof(*ip6h) + len16(ip6h->payload_len);
	if ((void *)ip6h + tot > end)
		return 0;
	return tot;
}

static __always_inline int addr_eq(const struct l2tpx_addr *a, const __be32 *b)
{
	return a->a32[0] == b[0] && a->a32[1] == b[1] && a->a32[2] == b[2] &&
	       a->a32[3] == b[3];
}

static __always_inline int addr4_eq(const struct l2tpx_addr *a, __be32 b)
{
	/* v4-mapped: ::ffff:a.b.c.d */
	return a->a32[0] == 0 && a->a32[1] == 0 &&
	       a->a32[2] == bpf_htonl(0xffff) && a->a32[3] == b;
}

#endif
