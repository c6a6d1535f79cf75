/* SPDX-License-Identifier: GPL-2.0 */
/* Build the outer IPv4/IPv6 + UDP + L2TPv2 + PPP headers of a session in
 * front of an inner packet.  Takes header pointers, not contexts, so the XDP
 * and TC programs share it. */
#ifndef L2TPX_BPF_ENCAP_H
#define L2TPX_BPF_ENCAP_H

#include <linux/in.h>
#include <linux/udp.h>
#include "parse.h"
#include "csum.h"

#define OUTER_TTL	64

/* Length of everything between the outer link header and the inner packet. */
static __always_inline __u32 encap_len(const struct l2tpx_session *s, __u16 ppp_proto)
{
	__u32 len = (s->flags & L2TPX_SF_IPV6) ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);

	len += sizeof(struct udphdr) + 6;		/* flags, tunnel, session */
	if (s->flags & L2TPX_SF_SEQ)
		len += 4;				/* Ns, Nr */
	if (!(s->flags & L2TPX_SF_ACFC))
		len += 2;				/* FF 03 */
	len += ((s->flags & L2TPX_SF_PFC) && ppp_proto < 0x100) ? 1 : 2;
	return len;
}

/* UDP + L2TP + PPP from udp on; returns 0 or -1 when the frame is short. */
static __always_inline int encap_write_udp(struct udphdr *udp, void *end,
					   struct l2tpx_session *s, __u32 udp_len,
					   __u16 ppp_proto)
{
	__be16 *w = (__be16 *)(udp + 1);
	__u8 *b;

	if ((void *)(udp + 1) > end)
		return -1;
	udp->source = s->local_port;
	udp->dest = s->peer_port;
	udp->len = bpf_htons(udp_len);
	udp->check = 0;

	if ((void *)(w + 5) > end)
		return -1;
	if (s->flags & L2TPX_SF_SEQ) {
		__u32 ns = __sync_fetch_and_add(&s->tx_ns, 1);

		w[0] = bpf_htons(L2TP_F_SEQ | L2TP_VERSION);
		w[1] = s->peer_tunnel_id;
		w[2] = s->peer_session_id;
		w[3] = bpf_htons(ns & 0xffff);
		w[4] = 0;	/* Nr is reserved in data messages */
		b = (__u8 *)(w + 5);
	} else {
		w[0] = bpf_htons(L2TP_VERSION);
		w[1] = s->peer_tunnel_id;
		w[2] = s->peer_session_id;
		b = (__u8 *)(w + 3);
	}
	if ((void *)(b + 4) > end)
		return -1;
	if (!(s->flags & L2TPX_SF_ACFC)) {
		b[0] = PPP_ADDRESS;
		b[1] = PPP_CONTROL;
		b += 2;
	}
	if ((s->flags & L2TPX_SF_PFC) && ppp_proto < 0x100) {
		b[0] = ppp_proto;
	} else {
		b[0] = ppp_proto >> 8;
		b[1] = ppp_proto & 0xff;
	}
	return 0;
}

/* Outer IP + UDP + L2TP + PPP at ip; inner_len is the inner packet's length.
 * end must be the true end of the packet: the UDP checksum covers it all. */
static __always_inline int encap_write(void *ip, void *end, struct l2tpx_session *s,
				       __u32 inner_len, __u16 ppp_proto)
{
	__u32 hlen = encap_len(s, ppp_proto);
	struct udphdr *udp;
	__u64 sum;
	__s64 body;

	if (s->flags & L2TPX_SF_IPV6) {
		struct ipv6hdr *ip6h = ip;
		__u32 udp_len = hlen - sizeof(*ip6h) + inner_len;

		if ((void *)(ip6h + 1) > end)
			return -1;
		*(__be32 *)ip6h = bpf_htonl(0x60000000);
		ip6h->payload_len = bpf_htons(udp_len);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = OUTER_TTL;
		__builtin_memcpy(&ip6h->saddr, &s->local, 16);
		__builtin_memcpy(&ip6h->daddr, &s->peer, 16);
		udp = (struct udphdr *)(ip6h + 1);
		if (encap_write_udp(udp, end, s, udp_len, ppp_proto))
			return -1;
		/* IPv6 requires the UDP checksum (RFC 8200 8.1). */
		body = csum_span(udp, end);
		if (body < 0)
			return -1;
		sum = csum_words(&ip6h->saddr, 32) + bpf_htons(IPPROTO_UDP) +
		      bpf_htons(udp_len) + (__u64)body;
		udp->check = udp_csum_final(sum);
	} else {
		struct iphdr *iph = ip;
		__u32 udp_len = hlen - sizeof(*iph) + inner_len;

		if ((void *)(iph + 1) > end)
			return -1;
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = 0;
		iph->tot_len = bpf_htons(udp_len + sizeof(*iph));
		/* DF clear: a smaller link further on may fragment; so the id
		 * must vary. */
		iph->id = bpf_get_prandom_u32() & 0xffff;
		iph->frag_off = 0;
		iph->ttl = OUTER_TTL;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = s->local.a32[3];
		iph->daddr = s->peer.a32[3];
		iph->check = 0;
		iph->check = ~csum_fold(csum_words(iph, sizeof(*iph)));
		udp = (struct udphdr *)(iph + 1);
		if (encap_write_udp(udp, end, s, udp_len, ppp_proto))
			return -1;
		if (s->flags & L2TPX_SF_UDP_CSUM) {
			body = csum_span(udp, end);
			if (body < 0)
				return -1;
			sum = (__u64)iph->saddr + iph->daddr + bpf_htons(IPPROTO_UDP) +
			      bpf_htons(udp_len) + (__u64)body;
			udp->check = udp_csum_final(sum);
		}
	}
	return 0;
}

/* Subscriber lookup: the host address's fast copy, the host address, then
 * the framed prefixes. */
static __always_inline struct l2tpx_dst *dst_lookup4(__be32 addr)
{
	struct l2tpx_lpm4_key k = { .prefixlen = 32, .addr = addr };
	__u32 slot = l2tpx_fast_addr_slot(bpf_ntohl(addr), fast_mask);
	struct l2tpx_fast4 *f = bpf_map_lookup_elem(&l2tpx_fast4, &slot);
	struct l2tpx_dst *d;

	if (f && f->addr == addr && *(__u32 *)&f->d.key)
		return &f->d;
	d = bpf_map_lookup_elem(&l2tpx_dst4, &addr);
	return d ? d : bpf_map_lookup_elem(&l2tpx_lpm4, &k);
}

static __always_inline struct l2tpx_dst *dst_lookup6(const void *addr)
{
	struct l2tpx_lpm6_key k = { .prefixlen = 128 };
	struct l2tpx_addr a;
	struct l2tpx_fast6 *f;
	struct l2tpx_dst *d;
	__u32 slot;

	__builtin_memcpy(&a, addr, 16);
	slot = l2tpx_fast_addr_slot(bpf_ntohl(a.a32[3]), fast_mask);
	f = bpf_map_lookup_elem(&l2tpx_fast6, &slot);
	if (f && *(__u32 *)&f->d.key && f->addr.a32[0] == a.a32[0] &&
	    f->addr.a32[1] == a.a32[1] && f->addr.a32[2] == a.a32[2] &&
	    f->addr.a32[3] == a.a32[3])
		return &f->d;
	d = bpf_map_lookup_elem(&l2tpx_dst6, &a);
	if (d)
		return d;
	__builtin_memcpy(k.addr, addr, 16);
	return bpf_map_lookup_elem(&l2tpx_lpm6, &k);
}

/* The session a subscriber address belongs to, or NULL. */
static __always_inline struct l2tpx_session *subscriber_session(void *ip, int v6,
								struct l2tpx_sess_key *key)
{
	struct l2tpx_dst *d;

	if (v6)
		d = dst_lookup6(&((struct ipv6hdr *)ip)->daddr);
	else
		d = dst_lookup4(((struct iphdr *)ip)->daddr);
	if (!d)
		return NULL;
	*key = d->key;
	return session_lookup(key);
}

#endif
