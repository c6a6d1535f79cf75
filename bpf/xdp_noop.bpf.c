// SPDX-License-Identifier: GPL-2.0
/* A program that passes every frame: the benchmark floor, and what the far
 * ends of test veths run so that XDP redirects into them are received. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_noop(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
