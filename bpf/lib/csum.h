/* SPDX-License-Identifier: GPL-2.0 */
/* Internet checksums: folding, incremental updates (RFC 1624) and a full sum
 * over packet bytes for the outer UDP checksum. */
#ifndef L2TPX_BPF_CSUM_H
#define L2TPX_BPF_CSUM_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define CSUM_CHUNK	256
#define CSUM_MAX_CHUNKS	36	/* 9216 bytes: jumbo frames */

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The UDP checksum field from a full sum: a result of zero is sent as
 * 0xffff, zero meaning "no checksum" (RFC 768).  (~ promotes to int: fold
 * into a __u16 before testing it.) */
static __always_inline __u16 udp_csum_final(__u64 sum)
{
	__u16 c = ~csum_fold(sum);

	return c ? c : 0xffff;
}

/* Replace one 16-bit word covered by *check (RFC 1624 eqn. 3). */
static __always_inline void csum_replace2(__sum16 *check, __be16 old, __be16 new)
{
	__u32 sum = (__u16)~*check + (__u16)~old + (__u16)new;

	*check = ~csum_fold(sum);
}

/* Sum of 16-bit words of a header of known constant length. */
static __always_inline __u64 csum_words(const void *p, int len)
{
	const __u16 *w = p;
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < len / 2; i++)
		sum += w[i];
	return sum;
}

/* One's complement sum (unfolded) of [p, end): 256-byte chunks through
 * bpf_csum_diff, then the remainder (< 256) as a binary decomposition.  The
 * second stage starts at an offset derived from the length, not from the
 * loop, so the verifier sees one state after the loop, not one per exit.
 * Returns -1 when the span is longer than the loop bound. */
static __always_inline __s64 csum_span(void *p, void *end)
{
	__u32 len = end - p;
	__u64 sum = 0;
	__s64 r;
	int i;

	if (len > CSUM_MAX_CHUNKS * CSUM_CHUNK)
		return -1;
	for (i = 0; i < CSUM_MAX_CHUNKS; i++) {
		void *q = p + i * CSUM_CHUNK;

		if (q + CSUM_CHUNK > end)
			break;
		r = bpf_csum_diff(0, 0, q, CSUM_CHUNK, 0);
		if (r < 0)
			return -1;
		sum += (__u32)r;
	}
	p += len & ~(CSUM_CHUNK - 1) & 0x3fff;
#define CSUM_STEP(n)							\
	if (p + (n) <= end) {						\
		r = bpf_csum_diff(0, 0, p, (n), 0);			\
		if (r < 0)						\
			return -1;					\
		sum += (__u32)r;					\
		p += (n);						\
	}
	CSUM_STEP(128)
	CSUM_STEP(64)
	CSUM_STEP(32)
	CSUM_STEP(16)
	CSUM_STEP(8)
	CSUM_STEP(4)
#undef CSUM_STEP
	if (p + 2 <= end) {
		sum += *(__u16 *)p;
		p += 2;
	}
	if (p + 1 <= end)
		sum += *(__u8 *)p;	/* odd byte, zero-padded: low byte on little endian */
	return sum;
}

#endif
