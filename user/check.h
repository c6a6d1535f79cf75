/* SPDX-License-Identifier: GPL-2.0 */
/* The consistency check between what the daemon believes and what the data
 * plane holds: the sessions in the BPF maps are exactly the daemon's
 * handed-off sessions, with their addresses, and every pool address is
 * free or held by exactly one session.  `l2tpxctl check` runs it. */
#ifndef L2TPX_CHECK_H
#define L2TPX_CHECK_H

#include "l2tp.h"

struct check_counts {
	unsigned int sessions;		/* the daemon's calls, any state */
	unsigned int established;	/* ... established */
	unsigned int fast_path;		/* ... handed off to the data plane */
	unsigned int dp_sessions;	/* sessions in the maps (-1: no data plane) */
	unsigned int pool_in_use;	/* what the pool counts */
	unsigned int pool_held;		/* what the sessions hold */
	bool have_dp;
};

typedef void (*check_problem_fn)(void *arg, const char *msg);

/* Calls fn once per inconsistency found; returns how many. */
int l2tpx_check(struct l2tp *l, struct check_counts *cnt, check_problem_fn fn, void *arg);

#endif
