/* SPDX-License-Identifier: GPL-2.0 */
/* Every map of the data plane, defined once.  The dataplane module pins
 * them under L2TPX_PIN_DIR and hands the same maps to the XDP and the TC
 * object (reuse by fd), so one set of maps serves every program. */
#ifndef L2TPX_BPF_MAPS_H
#define L2TPX_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "l2tpx.h"

/* {our tunnel id, our session id} -> session; written by dp; sized by
 * max sessions (dp raises max_entries before load). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__type(key, struct l2tpx_sess_key);
	__type(value, struct l2tpx_session);
} l2tpx_sessions SEC(".maps");

/* slot -> copy of the session whose ids index it (see struct l2tpx_fast);
 * written by dp, which sizes it with l2tpx_fast_entries(max sessions). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	/* Mmapable arrays start their values on a page: each 64-byte copy is
	 * then one cache line, where the plain header offset splits it in two. */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct l2tpx_fast);
} l2tpx_fast SEC(".maps");

/* address slot -> copy of the l2tpx_dst4 / l2tpx_dst6 entry of the address
 * (see struct l2tpx_fast4); written and sized like l2tpx_fast. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct l2tpx_fast4);
} l2tpx_fast4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__uint(map_flags, BPF_F_MMAPABLE);	/* 32-byte entries never straddle a line */
	__type(key, __u32);
	__type(value, struct l2tpx_fast6);
} l2tpx_fast6 SEC(".maps");

/* l2tpx_fast's entries - 1, set by dp before load (the array's size); the
 * address copies use it too. */
const volatile __u32 fast_mask = L2TPX_MAX_SESSIONS - 1;

/* subscriber IPv4 host address -> owning session; written by dp. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__type(key, __be32);
	__type(value, struct l2tpx_dst);
} l2tpx_dst4 SEC(".maps");

/* subscriber IPv6 host address (/128) -> owning session; written by dp. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__type(key, struct l2tpx_addr);
	__type(value, struct l2tpx_dst);
} l2tpx_dst6 SEC(".maps");

/* framed IPv4 route -> owning session; written by dp; longest prefix wins. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, L2TPX_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct l2tpx_lpm4_key);
	__type(value, struct l2tpx_dst);
} l2tpx_lpm4 SEC(".maps");

/* delegated / framed IPv6 prefix -> owning session; written by dp. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, L2TPX_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct l2tpx_lpm6_key);
	__type(value, struct l2tpx_dst);
} l2tpx_lpm6 SEC(".maps");

/* reason -> packets/bytes, per CPU; written by every program, read by dp. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, L2TPX_R_MAX);
	__type(key, __u32);
	__type(value, struct l2tpx_counter);
} l2tpx_reasons SEC(".maps");

/* stats_idx + CPU -> a session's counters on that CPU (see struct
 * l2tpx_sess_stats); sized (l2tpx_fast entries x possible CPUs), handed out
 * and zeroed by dp, which reads them through a mapping of its own. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, L2TPX_MAX_SESSIONS);
	__uint(map_flags, BPF_F_MMAPABLE);	/* entries start on a page */
	__type(key, __u32);
	__type(value, struct l2tpx_sess_stats);
} l2tpx_sstats SEC(".maps");

/* ifindex -> ifindex of every interface XDP may redirect to; written by dp
 * on attach.  A FIB result outside this map is passed to the kernel.  (The
 * kernel adds BPF_F_RDONLY_PROG to devmaps, so libbpf's pin-by-name reuse
 * check would refuse this map: dp reuses maps by fd instead.) */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, L2TPX_MAX_TXPORTS);
	__type(key, __u32);
	__type(value, __u32);
} l2tpx_txports SEC(".maps");

/* CPU -> {queue size, second-stage program l2tpx_uplink_cpu}; written by
 * dp at load when the uplink spreads decap over CPUs (dp_opts.spread_cpus),
 * empty otherwise; dp sizes it to the possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, L2TPX_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} l2tpx_cpus SEC(".maps");

/* Possible CPUs, set by dp before load: the stride of l2tpx_sstats. */
const volatile __u32 stats_cpus = 1;

/* The session of our {tunnel id, session id}: its slot in l2tpx_fast when
 * the slot holds it (an inlined array read), else l2tpx_sessions.
 *
 * dp gives a session with a fast copy the counters of the same slot
 * (stats_idx = slot x stats_cpus) when it can, so their address is known
 * before the copy is read: they are touched here, and once sessions outgrow
 * the caches the two memory accesses overlap instead of one waiting for
 * the other's stats_idx.  Only a hint: counting uses the copy's stats_idx. */
static __always_inline struct l2tpx_session *session_lookup(const struct l2tpx_sess_key *key)
{
	__u32 slot = l2tpx_fast_slot(bpf_ntohs(key->tunnel_id), bpf_ntohs(key->session_id),
				     fast_mask);
	__u32 ci = slot * stats_cpus + bpf_get_smp_processor_id();
	struct l2tpx_sess_stats *st = bpf_map_lookup_elem(&l2tpx_sstats, &ci);
	struct l2tpx_fast *f = bpf_map_lookup_elem(&l2tpx_fast, &slot);

	if (st) {
		__u64 v = *(volatile __u64 *)&st->rx_packets;

		asm volatile("" : : "r"(v));
	}
	/* {0, 0} is an empty slot's key, never a session's. */
	if (f && f->key.tunnel_id == key->tunnel_id && f->key.session_id == key->session_id &&
	    (key->tunnel_id | key->session_id))
		return &f->s;
	return bpf_map_lookup_elem(&l2tpx_sessions, key);
}

#endif
