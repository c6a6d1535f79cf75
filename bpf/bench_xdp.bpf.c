// SPDX-License-Identifier: GPL-2.0
/* Benchmark-only entries: the shipped XDP workers of l2tp_xdp.bpf.c behind a
 * restore of the frame from a template, a counted twin of parse-only, a FIB
 * lookup reference and a TC baseline.  Never attached; bench/prog_cost.c
 * loads this object privately (with the l2tp_xdp object's maps) and times it
 * with BPF_PROG_TEST_RUN.
 *
 * Why the restore: a non-live test run with repeat runs the program again
 * and again on one xdp_buff and resets nothing between runs, neither the
 * bytes nor data/data_end after bpf_xdp_adjust_head.  After the first decap
 * the frame is no longer L2TP, after the first encap it is encapsulated
 * already, and TTLs walk down: without a restore, all runs but the first
 * time another path.  bench_restore_only times the restore by itself, so
 * that it can be subtracted. */
#include "l2tp_xdp.bpf.c"	/* the code under test, not a copy of it */
#include <linux/pkt_cls.h>

#define BENCH_RESTORE_MAX	256

/* The frame every run starts from: its length and its leading bytes, as far
 * as decap and encap write into them (headers, inner TTL).  Written by
 * bench/prog_cost.c before each measurement. */
struct bench_tmpl {
	__u32 len;		/* whole frame, as passed to the test run */
	__u32 restore;		/* leading bytes to rewrite, 1..BENCH_RESTORE_MAX */
	__u8 data[BENCH_RESTORE_MAX];
};

/* 0 -> the template of the current measurement; written by prog_cost. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_tmpl);
} bench_tmpl SEC(".maps");

/* Put the frame back as the template has it.  Decap and encap move the
 * head only: the templates carry no trailing bytes for them to trim, so
 * data_end never moves and the original start is len bytes before it. */
static __always_inline int bench_restore(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__s32 cur = end - data;
	struct bench_tmpl *t;
	__u32 k = 0, n;

	/* Without the barrier clang folds the length into 32-bit arithmetic
	 * on the packet pointer, which the verifier refuses. */
	barrier_var(cur);
	t = bpf_map_lookup_elem(&bench_tmpl, &k);
	if (!t)
		return -1;
	if (bpf_xdp_adjust_head(ctx, cur - (__s32)t->len))
		return -1;
	n = t->restore;
	if (n < 1 || n > BENCH_RESTORE_MAX)
		return -1;
	return bpf_xdp_store_bytes(ctx, 0, t->data, n) ? -1 : 0;
}

/* A failed restore is counted as "error", so the run cannot pass for a
 * valid measurement. */
#define BENCH_RESTORE_OR_ABORT(ctx)						\
	do {									\
		if (bench_restore(ctx)) {					\
			count_reason(L2TPX_R_ERROR, 0);				\
			return XDP_ABORTED;					\
		}								\
	} while (0)

SEC("xdp")
int bench_restore_only(struct xdp_md *ctx)
{
	BENCH_RESTORE_OR_ABORT(ctx);
	return XDP_PASS;
}

SEC("xdp")
int bench_uplink(struct xdp_md *ctx)
{
	BENCH_RESTORE_OR_ABORT(ctx);
	return l2tpx_xdp(ctx, 1, 0, 0);
}

SEC("xdp")
int bench_core(struct xdp_md *ctx)
{
	BENCH_RESTORE_OR_ABORT(ctx);
	return l2tpx_xdp(ctx, 0, 1, 0);
}

/* l2tpx_parse_only counts nothing (its cost is the point); this is the same
 * parse with its reason counted, run on the parse-only row's frame to prove
 * which way the timed parse went ("decap-local" is parse-only's success). */
SEC("xdp")
int bench_parse_probe(struct xdp_md *ctx)
{
	return l2tpx_xdp_counted(ctx, 1, 0, 1, 1, 0);
}

/* Reference: the FIB lookup toward the peer of the session bench_fib_key
 * names, built as l2tpx_encap_tail builds it, and nothing else: verdict
 * PASS when the lookup succeeds, DROP otherwise.  Set by prog_cost. */
struct l2tpx_sess_key bench_fib_key;

SEC("xdp")
int bench_fib_peer(struct xdp_md *ctx)
{
	struct bpf_fib_lookup fib = {};
	struct l2tpx_session *s;

	s = session_lookup(&bench_fib_key);
	if (!s)
		return XDP_ABORTED;
	fib_params_toward_peer(&fib, s, 100);
	fib.ifindex = ctx->ingress_ifindex;
	return bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) == BPF_FIB_LKUP_RET_SUCCESS ? XDP_PASS
										      : XDP_DROP;
}

/* The TC baseline.  A TC frame cannot be restored in BPF (skb->encapsulation
 * stays set after one encap), so TC is timed one call at a time, next to
 * this program timed the same way. */
SEC("tc")
int bench_tc_noop(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}
