// SPDX-License-Identifier: GPL-2.0
/* TC egress on the subscriber netdev (an L3 TUN device: skb data starts at
 * the IP header): encapsulate what the kernel routes to subscribers and
 * redirect it toward the session's peer; what it cannot do stays on the
 * device, whose reader (the daemon's slow path) handles it. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
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

#define ENCAP_PULL	64	/* enough for the inner IPv4/IPv6 header */

static __always_inline int tc_encap(struct __sk_buff *skb, __u32 *reason)
{
	struct bpf_fib_lookup fib = {};
	struct l2tpx_sess_stats *st;
	struct l2tpx_sess_key key;
	struct l2tpx_session *s;
	void *data, *end;
	__u32 tot, hlen, len = skb->len;
	__u64 flags;
	__u16 ppp;
	__u8 l4;
	int v6, rc;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		v6 = 0;
		ppp = PPP_IP;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		v6 = 1;
		ppp = PPP_IPV6;
	} else {
		*reason = L2TPX_R_NOT_IP;
		return TC_ACT_OK;
	}
	/* Linear data for the headers; all of it when a checksum must cover it. */
	if (bpf_skb_pull_data(skb, len < ENCAP_PULL ? len : ENCAP_PULL))
		goto error;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if ((void *)((struct iphdr *)data + 1) > end ||
	    (v6 && (void *)((struct ipv6hdr *)data + 1) > end)) {
		*reason = L2TPX_R_INNER_MALFORMED;
		return TC_ACT_SHOT;
	}
	s = subscriber_session(data, v6, &key);
	if (!s) {
		*reason = L2TPX_R_NO_SUBSCRIBER;
		return TC_ACT_OK;
	}
	st = sess_stats(s);
	hlen = encap_len(s, ppp);
	l4 = v6 ? ((struct ipv6hdr *)data)->nexthdr : ((struct iphdr *)data)->protocol;

	/* GSO packets are segmented after this hook; a locally generated
	 * TCP/UDP packet may still carry a partial inner checksum, which an
	 * outer UDP checksum cannot cover.  Both go to the slow path. */
	if (skb->gso_size ||
	    (((s->flags & (L2TPX_SF_IPV6 | L2TPX_SF_UDP_CSUM)) && skb->sk &&
	      (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP)))) {
		*reason = L2TPX_R_TC_SLOW;
		goto punt;
	}
	if (len + hlen > s->mtu) {
		*reason = L2TPX_R_TOO_BIG;
		goto punt;
	}
	if (bpf_skb_pull_data(skb, len))
		goto error;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	tot = v6 ? ipv6_check(data, end) : ipv4_check(data, end);
	if (!tot || tot != len) {
		*reason = L2TPX_R_INNER_MALFORMED;
		return TC_ACT_SHOT;
	}
	mss_clamp(data, end, v6, s->mss);

	/* An input-style lookup "arriving" on the subscriber netdev: the
	 * helper needs a device (ifindex 0 is -ENODEV), and an output lookup
	 * would pin the route to that device. */
	fib_params_toward_peer(&fib, s, tot + hlen);
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH) {
		*reason = rc == BPF_FIB_LKUP_RET_FRAG_NEEDED ? L2TPX_R_TOO_BIG
							     : L2TPX_R_ENCAP_NO_ROUTE;
		goto punt;
	}

	/* The encap flags make the kernel set the outer protocol, network
	 * and transport headers, which bpf_redirect_neigh routes by. */
	flags = BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
		BPF_F_ADJ_ROOM_ENCAP_L2(hlen - sizeof(struct udphdr) -
					((s->flags & L2TPX_SF_IPV6) ? sizeof(struct ipv6hdr)
								    : sizeof(struct iphdr)));
	flags |= (s->flags & L2TPX_SF_IPV6) ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV6
					    : BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
	if (bpf_skb_adjust_room(skb, hlen, BPF_ADJ_ROOM_MAC, flags))
		goto error;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if (encap_write(data, end, s, tot, ppp))
		goto error;
	/* bpf_redirect_neigh drops an skb without a MAC header (an L3
	 * device's): give it room for one; the neighbour code fills it. */
	if (bpf_skb_change_head(skb, sizeof(struct ethhdr), 0))
		goto error;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if (data + sizeof(struct ethhdr) > end)
		goto error;
	((struct ethhdr *)data)->h_proto =
		bpf_htons((s->flags & L2TPX_SF_IPV6) ? ETH_P_IPV6 : ETH_P_IP);
	if (st) {
		st->tx_packets++;
		st->tx_bytes += tot;
	}
	*reason = L2TPX_R_TC_ENCAP_FWD;
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);

punt:
	if (st)
		st->tx_punts++;
	return TC_ACT_OK;
error:
	*reason = L2TPX_R_ERROR;
	return TC_ACT_SHOT;
}

SEC("tc")
int l2tpx_tc_encap(struct __sk_buff *skb)
{
	__u32 reason = L2TPX_R_NOT_IP;
	__u64 bytes = skb->len;
	int act;

	act = tc_encap(skb, &reason);
	count_reason(reason, bytes);
	return act;
}

char LICENSE[] SEC("license") = "GPL";
