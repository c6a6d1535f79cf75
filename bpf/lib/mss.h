/* SPDX-License-Identifier: GPL-2.0 */
/* TCP MSS clamping on the inner packet of a session (both directions). */
#ifndef L2TPX_BPF_MSS_H
#define L2TPX_BPF_MSS_H

#include <linux/in.h>
#include <linux/tcp.h>
#include "parse.h"
#include "csum.h"

#define TCPOPT_EOL_	0
#define TCPOPT_NOP_	1
#define TCPOPT_MSS_	2
#define TCP_MAX_OPTLEN	40
/* Options scanned for MSS: every common stack sends it first, after at most
 * a few NOPs; a bounded scan keeps the verifier's work small. */
#define MSS_SCAN_OPTS	10

/* Rewrite the MSS option of a SYN if it exceeds mss; the TCP checksum is
 * fixed incrementally.  Anything unusual is left alone. */
static __always_inline void mss_clamp_tcp(struct tcphdr *th, void *end, __u16 mss)
{
	__u8 *opt = (__u8 *)(th + 1);
	__u32 optlen, off = 0;
	int i;

	if ((void *)(th + 1) > end || !th->syn)
		return;
	optlen = th->doff * 4;
	if (optlen <= sizeof(*th))
		return;
	optlen -= sizeof(*th);

	for (i = 0; i < MSS_SCAN_OPTS; i++) {
		__u8 *p;
		__u8 kind, len;

		if (off >= optlen || off >= TCP_MAX_OPTLEN)
			return;
		p = opt + (off & 0x3f);
		if ((void *)(p + 1) > end)
			return;
		kind = p[0];
		if (kind == TCPOPT_EOL_)
			return;
		if (kind == TCPOPT_NOP_) {
			off++;
			continue;
		}
		if ((void *)(p + 2) > end)
			return;
		len = p[1];
		if (len < 2)
			return;
		if (kind == TCPOPT_MSS_ && len == 4) {
			__be16 *mp = (__be16 *)(p + 2);
			__be16 old;

			if ((void *)(mp + 1) > end || off + 4 > optlen)
				return;
			old = *mp;
			if (bpf_ntohs(old) > mss) {
				__be16 new = bpf_htons(mss);

				*mp = new;
				/* At an odd offset from the TCP header the value
				 * straddles two checksum words: its contribution
				 * to the sum is byte-swapped. */
				if (off & 1) {
					old = (old >> 8) | (old << 8);
					new = (new >> 8) | (new << 8);
				}
				csum_replace2(&th->check, old, new);
			}
			return;
		}
		off += len;
	}
}

/* ip points at an inner IPv4 (v6 == 0) or IPv6 header already checked. */
static __always_inline void mss_clamp(void *ip, void *end, int v6, __u16 mss)
{
	if (!mss)
		return;
	if (!v6) {
		struct iphdr *iph = ip;

		if ((void *)(iph + 1) > end || iph->protocol != IPPROTO_TCP ||
		    (iph->frag_off & bpf_htons(0x1fff)))
			return;
		mss_clamp_tcp(ip + ((iph->ihl * 4) & 0x3c), end, mss);
	} else {
		struct ipv6hdr *ip6h = ip;

		if ((void *)(ip6h + 1) > end || ip6h->nexthdr != IPPROTO_TCP)
			return;
		mss_clamp_tcp((void *)(ip6h + 1), end, mss);
	}
}

#endif
