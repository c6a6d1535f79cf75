/* SPDX-License-Identifier: GPL-2.0 */
/* bpf_fib_lookup parameters for both directions, and the TTL decrement a
 * router owes every packet it forwards. */
#ifndef L2TPX_BPF_FIB_H
#define L2TPX_BPF_FIB_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include "parse.h"
#include "csum.h"

#define L2TPX_AF_INET	2
#define L2TPX_AF_INET6	10
#define IPV6_FLOWINFO_MASK_ bpf_htonl(0x0fffffff)

/* Fill fib from an inner IP header (already checked); returns its TTL. */
static __always_inline __u8 fib_params_from_ip(struct bpf_fib_lookup *fib, void *ip,
					       void *end, int v6)
{
	if (v6) {
		struct ipv6hdr *ip6h = ip;

		if ((void *)(ip6h + 1) > end)
			return 0;
		fib->family = L2TPX_AF_INET6;
		fib->flowinfo = *(__be32 *)ip6h & IPV6_FLOWINFO_MASK_;
		fib->l4_protocol = ip6h->nexthdr;
		fib->tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(fib->ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(fib->ipv6_dst, &ip6h->daddr, 16);
		return ip6h->hop_limit;
	} else {
		struct iphdr *iph = ip;

		if ((void *)(iph + 1) > end)
			return 0;
		fib->family = L2TPX_AF_INET;
		fib->tos = iph->tos;
		fib->l4_protocol = iph->protocol;
		fib->tot_len = bpf_ntohs(iph->tot_len);
		fib->ipv4_src = iph->saddr;
		fib->ipv4_dst = iph->daddr;
		return iph->ttl;
	}
}

/* Fill fib for the outer packet of session s, of outer length tot_len. */
static __always_inline void fib_params_toward_peer(struct bpf_fib_lookup *fib,
						   const struct l2tpx_session *s,
						   __u32 tot_len)
{
	fib->l4_protocol = IPPROTO_UDP;
	fib->sport = s->local_port;
	fib->dport = s->peer_port;
	fib->tot_len = tot_len;
	if (s->flags & L2TPX_SF_IPV6) {
		fib->family = L2TPX_AF_INET6;
		__builtin_memcpy(fib->ipv6_src, &s->local, 16);
		__builtin_memcpy(fib->ipv6_dst, &s->peer, 16);
	} else {
		fib->family = L2TPX_AF_INET;
		fib->ipv4_src = s->local.a32[3];
		fib->ipv4_dst = s->peer.a32[3];
	}
}

/* TTL / hop limit minus one; IPv4 header checksum fixed incrementally. */
static __always_inline int ip_decrease_ttl(void *ip, void *end, int v6)
{
	if (v6) {
		struct ipv6hdr *ip6h = ip;

		if ((void *)(ip6h + 1) > end)
			return -1;
		ip6h->hop_limit--;
	} else {
		struct iphdr *iph = ip;
		__be16 *w = (__be16 *)&iph->ttl;	/* ttl, protocol */
		__be16 old;

		if ((void *)(iph + 1) > end)
			return -1;
		old = *w;
		iph->ttl--;
		csum_replace2(&iph->check, old, *w);
	}
	return 0;
}

#endif
