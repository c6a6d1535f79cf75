// SPDX-License-Identifier: GPL-2.0
/* XDP programs: uplink decapsulation of L2TPv2 data messages and core-side
 * encapsulation of traffic to subscribers, plus a parse-only variant that
 * benchmarks measure against.  Entries are thin; workers are inline. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "l2tpx.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/stats.h"
#include "lib/mss.h"
#include "lib/encap.h"
#include "lib/fib.h"

#ifndef AF_INET
#define AF_INET		2
#define AF_INET6	10
#endif
#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_FRAG	44
#define NEXTHDR_DEST	60
#define IP_MF_OFFSET	0x3fff

/* Runtime knobs, set through the skeleton before load. */
const volatile __u16 l2tp_port = L2TPX_DEFAULT_PORT;
/* Spread decap over this many CPUs (0: off).  All sessions of a tunnel share
 * one outer 5-tuple, so RSS puts a whole tunnel on one RX queue and one CPU;
 * with spreading, the uplink program only parses and looks the session up,
 * then hands the frame through the l2tpx_cpus cpumap to the CPU its session
 * hashes to, where l2tpx_uplink_cpu decapsulates and forwards it.  One
 * session always lands on one CPU, so its packets stay in order. */
const volatile __u32 spread_cpus;
const volatile __u32 spread_first;	/* the first of those CPUs */

/* Returned by a worker when the frame is not its business. */
#define NOT_MINE	(-1)

/* The outer headers of a data message, as far as decap needs them. */
struct decap_pkt {
	void *inner;		/* inner IP header */
	void *pend;		/* end of the L2TP payload */
	__u32 inner_len;	/* inner IP total length */
	int v6;			/* inner family */
	struct l2tpx_sess_key key;
	struct l2tpx_session *s;
};

/* Outer IP/UDP/L2TP/PPP parse and validation.  Returns NOT_MINE, or an XDP
 * action with *reason set, or 0 when pkt describes a decapsulable packet. */
static __always_inline int decap_parse(struct cursor *c, __be16 proto,
				       struct decap_pkt *pkt, __u32 *reason)
{
	void *end = c->end;
	struct udphdr *udp;
	__u32 ulen, ip_payload;
	__be16 *w;
	__u16 flags, ppp;
	__u8 *b;
	int ok;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = c->pos;
		__u32 tot, ihl;

		if ((void *)(iph + 1) > end)
			goto malformed;
		if (iph->protocol != IPPROTO_UDP)
			return NOT_MINE;
		/* A fragment of anything UDP may be ours: the kernel
		 * reassembles it and the daemon's socket gets it. */
		if (iph->frag_off & bpf_htons(IP_MF_OFFSET)) {
			*reason = L2TPX_R_OUTER_FRAG;
			return XDP_PASS;
		}
		ihl = (iph->ihl * 4) & 0x3c;
		if (ihl < sizeof(*iph))
			goto malformed;
		udp = (void *)iph + ihl;
		if ((void *)(udp + 1) > end)
			goto malformed;
		if (udp->dest != bpf_htons(l2tp_port))
			return NOT_MINE;
		tot = ipv4_check(iph, end);
		if (!tot)
			goto malformed;
		ip_payload = tot - ihl;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = c->pos;

		if ((void *)(ip6h + 1) > end)
			goto malformed;
		switch (ip6h->nexthdr) {
		case IPPROTO_UDP:
			break;
		case NEXTHDR_FRAG:
			*reason = L2TPX_R_OUTER_FRAG;
			return XDP_PASS;
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			*reason = L2TPX_R_IPV6_EXT;
			return XDP_PASS;
		default:
			return NOT_MINE;
		}
		udp = (void *)(ip6h + 1);
		if ((void *)(udp + 1) > end)
			goto malformed;
		if (udp->dest != bpf_htons(l2tp_port))
			return NOT_MINE;
		if (!ipv6_check(ip6h, end))
			goto malformed;
		ip_payload = len16(ip6h->payload_len);
	} else {
		return NOT_MINE;
	}

	ulen = len16(udp->len);
	if (ulen < sizeof(*udp) + 2 || ulen > ip_payload)
		goto malformed;
	pkt->pend = (void *)udp + ulen;

	/* L2TPv2 header (RFC 2661 3.1). */
	w = (__be16 *)(udp + 1);
	if ((void *)(w + 1) > end)
		goto malformed;
	flags = bpf_ntohs(w[0]);
	if ((flags & L2TP_VER_MASK) != L2TP_VERSION) {
		*reason = L2TPX_R_VERSION;
		return XDP_PASS;
	}
	if (flags & L2TP_F_TYPE) {
		*reason = L2TPX_R_CONTROL;
		return XDP_PASS;
	}
	w++;
	if (flags & L2TP_F_LENGTH) {
		__u32 len;

		if ((void *)(w + 1) > end)
			goto malformed;
		len = len16(w[0]);
		if (len > ulen - sizeof(*udp))
			goto malformed;
		pkt->pend = (void *)(udp + 1) + len;
		w++;
	}
	if ((void *)(w + 2) > end)
		goto malformed;
	pkt->key.tunnel_id = w[0];
	pkt->key.session_id = w[1];
	w += 2;
	if (flags & L2TP_F_SEQ)
		w += 2;		/* Ns, Nr: data is not reordered here */
	if (flags & L2TP_F_OFFSET) {
		__u32 off;

		if ((void *)(w + 1) > end)
			goto malformed;
		off = len16(w[0]);
		if (off > L2TPX_MAX_OFFSET) {
			*reason = L2TPX_R_OFFSET_BIG;
			return XDP_PASS;
		}
		w = (void *)(w + 1) + (off & 0x7f);	/* padding skipped */
	}
	b = (__u8 *)w;
	if ((void *)b > pkt->pend)
		goto malformed;

	pkt->s = session_lookup(&pkt->key);
	if (!pkt->s) {
		*reason = L2TPX_R_NO_SESSION;
		return XDP_PASS;
	}

	/* The outer 4-tuple must be the session's own. */
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = c->pos;

		if ((void *)(iph + 1) > end)
			goto malformed;
		ok = !(pkt->s->flags & L2TPX_SF_IPV6) &&
		     addr4_eq(&pkt->s->peer, iph->saddr) &&
		     addr4_eq(&pkt->s->local, iph->daddr);
	} else {
		struct ipv6hdr *ip6h = c->pos;

		/* Checked above, but the compiler may merge the branches'
		 * pointers: the verifier needs to see the bound here. */
		if ((void *)(ip6h + 1) > end)
			goto malformed;
		ok = (pkt->s->flags & L2TPX_SF_IPV6) &&
		     addr_eq(&pkt->s->peer, ip6h->saddr.in6_u.u6_addr32) &&
		     addr_eq(&pkt->s->local, ip6h->daddr.in6_u.u6_addr32);
	}
	if (!ok || udp->source != pkt->s->peer_port || udp->dest != pkt->s->local_port) {
		*reason = L2TPX_R_WRONG_PEER;
		return XDP_DROP;
	}

	/* PPP: optional FF 03, then a one- or two-byte protocol (RFC 1661 6.5, 6.6). */
	if ((void *)(b + 2) <= end && (void *)(b + 2) <= pkt->pend &&
	    b[0] == PPP_ADDRESS && b[1] == PPP_CONTROL)
		b += 2;
	if ((void *)(b + 1) > end || (void *)(b + 1) > pkt->pend)
		goto inner_bad;
	if (b[0] & 1) {
		ppp = b[0];
		b++;
	} else {
		if ((void *)(b + 2) > end || (void *)(b + 2) > pkt->pend)
			goto inner_bad;
		ppp = (b[0] << 8) | b[1];
		b += 2;
	}
	if (ppp == PPP_IP) {
		pkt->v6 = 0;
		pkt->inner_len = ipv4_check((struct iphdr *)b, end);
	} else if (ppp == PPP_IPV6) {
		pkt->v6 = 1;
		pkt->inner_len = ipv6_check((struct ipv6hdr *)b, end);
	} else {
		*reason = ppp >= 0x8000 ? L2TPX_R_PPP_CONTROL : L2TPX_R_PPP_OTHER;
		return XDP_PASS;
	}
	if (!pkt->inner_len || (void *)b + pkt->inner_len > pkt->pend)
		goto inner_bad;
	if (pkt->v6) {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)b;
		__u8 d0, d1;

		if ((void *)(ip6h + 1) > end)
			goto inner_bad;
		/* Link-local and multicast (router solicitations, ...) belong
		 * to the PPP link, i.e. to the daemon: passed untouched. */
		d0 = ip6h->daddr.in6_u.u6_addr8[0];
		d1 = ip6h->daddr.in6_u.u6_addr8[1];
		if (d0 == 0xff || (d0 == 0xfe && (d1 & 0xc0) == 0x80)) {
			*reason = L2TPX_R_INNER_LINK;
			return XDP_PASS;
		}
	}
	pkt->inner = b;
	return 0;

malformed:
	*reason = L2TPX_R_MALFORMED;
	return XDP_DROP;
inner_bad:
	*reason = L2TPX_R_INNER_MALFORMED;
	return XDP_DROP;
}

/* The workers after a successful parse are global functions: the verifier
 * checks each once with its offsets unknown, instead of once for every
 * combination of VLAN tags, L/S/O bits and PPP framing that leads to them.
 * They return (reason << 8) | XDP action. */
#define VERDICT(reason, act)	(((reason) << 8) | (act))

/* Decap of a parsed data message whose inner packet starts at inner_off;
 * len_v6 is the inner length, with bit 31 set for IPv6 (five args at most). */
__attribute__((noinline))
int l2tpx_decap_tail(struct xdp_md *ctx, struct l2tpx_session *s, __u32 key,
		     __u32 inner_off, __u32 len_v6)
{
	__u32 inner_len = len_v6 & 0xffff, v6 = len_v6 >> 31;
	struct bpf_fib_lookup fib = {};
	struct l2tpx_sess_stats *st;
	struct l2tpx_dst *d;
	struct ethhdr *eth, orig;
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	void *inner;
	__u32 reason;
	__s64 trim;
	int rc, fwd = 0;
	__u8 ttl;

	if (!s || inner_off > 512)
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	inner = data + inner_off;
	if ((void *)((struct ipv6hdr *)inner + 1) > end &&
	    (v6 || (void *)((struct iphdr *)inner + 1) > end))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	st = sess_stats(s);

	/* Anti-spoofing: the inner source must be one of the session's. */
	if (s->flags & L2TPX_SF_ANTISPOOF) {
		if (v6) {
			struct ipv6hdr *ip6h = inner;

			if ((void *)(ip6h + 1) > end)
				return VERDICT(L2TPX_R_ERROR, XDP_DROP);
			d = dst_lookup6(&ip6h->saddr);
		} else {
			struct iphdr *iph = inner;

			if ((void *)(iph + 1) > end)
				return VERDICT(L2TPX_R_ERROR, XDP_DROP);
			d = dst_lookup4(iph->saddr);
		}
		if (!d || *(__u32 *)&d->key != key) {
			if (st)
				st->rx_drops++;
			return VERDICT(L2TPX_R_SPOOFED, XDP_DROP);
		}
	}
	mss_clamp(inner, end, v6, s->mss);

	ttl = fib_params_from_ip(&fib, inner, end, v6);
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		/* The redirect target is chosen now, before the frame changes:
		 * XDP_PASS back means the egress is not an XDP port (one helper
		 * call instead of a devmap lookup and then the redirect). */
		if (ttl <= 1)
			reason = L2TPX_R_TTL;	/* the kernel sends Time Exceeded */
		else if (bpf_redirect_map(&l2tpx_txports, fib.ifindex, XDP_PASS) != XDP_REDIRECT)
			reason = L2TPX_R_DECAP_NO_TXPORT;
		else
			fwd = 1, reason = L2TPX_R_DECAP_FWD;
		break;
	case BPF_FIB_LKUP_RET_NOT_FWDED:	/* local destination */
		reason = L2TPX_R_DECAP_LOCAL;
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:		/* the kernel resolves it */
		reason = L2TPX_R_DECAP_NO_NEIGH;
		break;
	default:	/* unreachable, prohibited, frag needed: the kernel answers */
		reason = L2TPX_R_DECAP_FIB_OTHER;
		break;
	}
	if (st) {
		st->rx_packets++;
		st->rx_bytes += inner_len;
	}

	/* Strip everything before the inner packet but room for Ethernet, and
	 * any bytes after it (Ethernet padding, L2TP Length < UDP payload). */
	eth = data;
	if ((void *)(eth + 1) > end)
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	if (!fwd)	/* the MACs it goes up with */
		__builtin_memcpy(&orig, eth, 2 * ETH_ALEN);
	trim = (__s64)(end - data) - (__s64)(inner_off + inner_len);
	if (trim > 0 && bpf_xdp_adjust_tail(ctx, -trim))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	if (bpf_xdp_adjust_head(ctx, (__s32)inner_off - (__s32)sizeof(struct ethhdr)))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);

	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	eth->h_proto = bpf_htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (!fwd) {
		/* Up the stack as if it had arrived unencapsulated. */
		__builtin_memcpy(eth->h_dest, orig.h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_source, orig.h_source, ETH_ALEN);
		return VERDICT(reason, XDP_PASS);
	}
	if (ip_decrease_ttl(eth + 1, end, v6))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return VERDICT(reason, XDP_REDIRECT);
}

/* The CPU a session's decap runs on: its ids (in wire order, so the session
 * id's low byte is the key's high byte) mixed by murmur3's finalizer, every
 * bit reaching every bit, then scaled to spread_first + 0..spread_cpus-1. */
static __always_inline __u32 spread_cpu(__u32 key)
{
	__u32 h = key;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return spread_first + (__u32)(((__u64)h * spread_cpus) >> 32);
}

static __always_inline int xdp_decap(struct xdp_md *ctx, struct cursor *c, __be16 proto,
				     __u32 *reason, int parse_only, int spread)
{
	struct decap_pkt pkt = {};
	struct l2tpx_sess_stats *st;
	void *data = (void *)(long)ctx->data;
	int act, v;

	act = decap_parse(c, proto, &pkt, reason);
	if (act != 0) {
		if (pkt.s && act == XDP_DROP && (st = sess_stats(pkt.s)))
			st->rx_drops++;
		return act;
	}
	if (parse_only) {
		*reason = L2TPX_R_DECAP_LOCAL;
		return XDP_PASS;
	}
	if (spread && spread_cpus) {
		/* XDP_PASS when the CPU has no entry: decap here instead. */
		act = bpf_redirect_map(&l2tpx_cpus, spread_cpu(*(__u32 *)&pkt.key), XDP_PASS);
		if (act == XDP_REDIRECT) {
			*reason = L2TPX_R_CPU_SPREAD;
			return act;
		}
	}
	v = l2tpx_decap_tail(ctx, pkt.s, *(__u32 *)&pkt.key, pkt.inner - data,
			     pkt.inner_len | ((__u32)pkt.v6 << 31));
	*reason = (v >> 8) & 0xff;
	return v & 0xff;
}

/* Encap of the inner packet at ip_off for session s. */
__attribute__((noinline))
int l2tpx_encap_tail(struct xdp_md *ctx, struct l2tpx_session *s, __u32 ip_off, __u32 v6)
{
	struct bpf_fib_lookup fib = {};
	struct l2tpx_sess_stats *st;
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	void *ip;
	struct ethhdr *eth;
	__u32 tot, hlen, reason;
	__s32 delta;
	__s64 trim;
	__u16 ppp = v6 ? PPP_IPV6 : PPP_IP;
	int rc;
	__u8 ttl;

	if (!s || ip_off > 64)
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	ip = data + ip_off;
	tot = v6 ? ipv6_check(ip, end) : ipv4_check(ip, end);
	if (!tot)
		return VERDICT(L2TPX_R_INNER_MALFORMED, XDP_DROP);
	st = sess_stats(s);
	if (v6) {
		if ((void *)((struct ipv6hdr *)ip + 1) > end)
			return VERDICT(L2TPX_R_ERROR, XDP_DROP);
		ttl = ((struct ipv6hdr *)ip)->hop_limit;
	} else {
		if ((void *)((struct iphdr *)ip + 1) > end)
			return VERDICT(L2TPX_R_ERROR, XDP_DROP);
		ttl = ((struct iphdr *)ip)->ttl;
	}
	if (ttl <= 1) {
		reason = L2TPX_R_TTL;
		goto punt;
	}
	hlen = encap_len(s, ppp);
	if (tot + hlen > s->mtu) {
		/* The kernel routes it to the subscriber netdev, whose MTU
		 * makes it send ICMP or fragment, as for any tunnel. */
		reason = L2TPX_R_TOO_BIG;
		goto punt;
	}

	fib_params_toward_peer(&fib, s, tot + hlen);
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED) {
		reason = L2TPX_R_TOO_BIG;
		goto punt;
	}
	/* As in decap: the redirect is set up before the frame changes. */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS ||
	    bpf_redirect_map(&l2tpx_txports, fib.ifindex, XDP_PASS) != XDP_REDIRECT) {
		/* The kernel path (TC on the subscriber netdev) resolves the
		 * neighbour; later packets come back here. */
		reason = L2TPX_R_ENCAP_NO_ROUTE;
		goto punt;
	}

	mss_clamp(ip, end, v6, s->mss);
	if (ip_decrease_ttl(ip, end, v6))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);

	trim = (__s64)(end - data) - (__s64)(ip_off + tot);
	delta = (__s32)ip_off - (__s32)(sizeof(struct ethhdr) + hlen);
	if (trim > 0 && bpf_xdp_adjust_tail(ctx, -trim))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	if (bpf_xdp_adjust_head(ctx, delta))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	if (encap_write(eth + 1, end, s, tot, ppp))
		return VERDICT(L2TPX_R_ERROR, XDP_DROP);
	eth->h_proto = bpf_htons((s->flags & L2TPX_SF_IPV6) ? ETH_P_IPV6 : ETH_P_IP);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	if (st) {
		st->tx_packets++;
		st->tx_bytes += tot;
	}
	return VERDICT(L2TPX_R_ENCAP_FWD, XDP_REDIRECT);

punt:
	if (st)
		st->tx_punts++;
	return VERDICT(reason, XDP_PASS);
}

static __always_inline int xdp_encap(struct xdp_md *ctx, struct cursor *c, __be16 proto,
				     __u32 *reason)
{
	void *data = (void *)(long)ctx->data;
	struct l2tpx_sess_key key;
	struct l2tpx_session *s;
	void *ip = c->pos;
	int v6, v;

	v6 = proto == bpf_htons(ETH_P_IPV6);
	if (v6 ? (void *)((struct ipv6hdr *)ip + 1) > c->end
	       : (void *)((struct iphdr *)ip + 1) > c->end) {
		*reason = L2TPX_R_NOT_IP;
		return XDP_PASS;
	}
	s = subscriber_session(ip, v6, &key);
	if (!s) {
		*reason = L2TPX_R_NO_SUBSCRIBER;
		return XDP_PASS;
	}
	v = l2tpx_encap_tail(ctx, s, ip - data, v6);
	*reason = (v >> 8) & 0xff;
	return v & 0xff;
}

/* count: add the outcome to l2tpx_reasons (the parse-only reference does
 * not, so that it times the parse alone; the bench probe does). */
static __always_inline int l2tpx_xdp_counted(struct xdp_md *ctx, int decap, int encap,
					     int parse_only, int count, int spread)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	__u64 bytes = data_end - data;
	__u32 reason = L2TPX_R_NOT_IP;
	struct ethhdr *eth;
	__be16 proto;
	int act = XDP_PASS;

	if (parse_eth(&c, &eth, &proto)) {
		reason = L2TPX_R_MALFORMED;	/* runt, or a tag cut short */
		act = XDP_DROP;
		goto out;
	}
	if (proto != bpf_htons(ETH_P_IP) && proto != bpf_htons(ETH_P_IPV6))
		goto out;
	if (decap) {
		act = xdp_decap(ctx, &c, proto, &reason, parse_only, spread);
		if (act != NOT_MINE)
			goto out;
		act = XDP_PASS;
		reason = L2TPX_R_NOT_L2TP;
	}
	if (encap)
		act = xdp_encap(ctx, &c, proto, &reason);
out:
	if (count)
		count_reason(reason, bytes);
	return act;
}

static __always_inline int l2tpx_xdp(struct xdp_md *ctx, int decap, int encap, int parse_only)
{
	return l2tpx_xdp_counted(ctx, decap, encap, parse_only, !parse_only, 1);
}

SEC("xdp")
int l2tpx_uplink(struct xdp_md *ctx)
{
	return l2tpx_xdp(ctx, 1, 0, 0);
}

SEC("xdp")
int l2tpx_core(struct xdp_md *ctx)
{
	return l2tpx_xdp(ctx, 0, 1, 0);
}

SEC("xdp")
int l2tpx_both(struct xdp_md *ctx)
{
	return l2tpx_xdp(ctx, 1, 1, 0);
}

/* The second stage of a spread uplink (see spread_cpus): runs on the CPU
 * the first stage chose, from the cpumap, and decapsulates there. */
SEC("xdp/cpumap")
int l2tpx_uplink_cpu(struct xdp_md *ctx)
{
	return l2tpx_xdp_counted(ctx, 1, 0, 0, 1, 0);
}

/* Benchmark reference: the decap parse and session lookup, nothing else. */
SEC("xdp")
int l2tpx_parse_only(struct xdp_md *ctx)
{
	return l2tpx_xdp(ctx, 1, 0, 1);
}

char LICENSE[] SEC("license") = "GPL";
