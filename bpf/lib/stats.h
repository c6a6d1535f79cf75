/* SPDX-License-Identifier: GPL-2.0 */
/* Per-reason and per-session counters: the one place packets are counted. */
#ifndef L2TPX_BPF_STATS_H
#define L2TPX_BPF_STATS_H

#include "maps.h"

static __always_inline void count_reason(__u32 reason, __u64 bytes)
{
	struct l2tpx_counter *c = bpf_map_lookup_elem(&l2tpx_reasons, &reason);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

static __always_inline struct l2tpx_sess_stats *sess_stats(const struct l2tpx_session *s)
{
	__u32 idx = s->stats_idx + bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&l2tpx_sstats, &idx);
}

#endif
