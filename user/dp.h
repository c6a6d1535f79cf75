/* SPDX-License-Identifier: GPL-2.0 */
/* The dataplane module: the only code that touches BPF objects.  It loads
 * and pins the programs and maps, attaches them, and offers sessions,
 * subscriber addresses and counters to the rest of l2tpx. */
#ifndef L2TPX_DP_H
#define L2TPX_DP_H

#include <stdbool.h>
#include <stddef.h>
#include "l2tpx.h"

struct dp;

struct dp_opts {
	const char *pin_dir;	/* default L2TPX_PIN_DIR */
	__u16 port;		/* L2TP UDP port, used when loading; default 1701 */
	__u32 max_sessions;	/* used when loading; default L2TPX_MAX_SESSIONS */
	__u32 spread_cpus;	/* used when loading: spread uplink decap over this
				 * many CPUs by session (cpumap); 0 = off */
	__u32 spread_first;	/* ... starting at this CPU (default 0) */
};

enum dp_role { DP_UPLINK, DP_CORE, DP_BOTH };

/* Open the pinned data plane, loading and pinning it first if it is not
 * there yet (load = true) or failing with -ENOENT (load = false). */
int dp_open(struct dp **dpp, const struct dp_opts *opts, bool load);
void dp_close(struct dp *dp);
/* Is a data plane pinned there? */
bool dp_pinned(const struct dp_opts *opts);
/* Detach from every interface in the port map and remove the pins. */
int dp_unload(struct dp *dp);

int dp_attach_xdp(struct dp *dp, const char *ifname, enum dp_role role, bool skb_mode);
int dp_detach_xdp(struct dp *dp, const char *ifname);
int dp_attach_tc(struct dp *dp, const char *ifname);
int dp_detach_tc(struct dp *dp, const char *ifname);

/* A subscriber address or framed prefix of a session. */
struct dp_prefix {
	int family;		/* AF_INET or AF_INET6 */
	__u8 addr[16];		/* IPv4 in the first four bytes */
	__u8 len;		/* prefix length; host length means exact */
};

/* Install a session (its stats slot is chosen and zeroed here) and its
 * addresses; all or nothing. */
int dp_session_add(struct dp *dp, const struct l2tpx_sess_key *key,
		   struct l2tpx_session *val, const struct dp_prefix *pfx, int npfx);
/* Install n new sessions at once with batched map writes (bulk loads and
 * benchmarks): vals[i] under keys[i], with the one host address pfx[i] when
 * pfx is not NULL.  Keys already present are refused (-EEXIST) before
 * anything is written.  Not atomic across sessions: *done says how many are
 * fully installed when it fails. */
int dp_session_add_batch(struct dp *dp, const struct l2tpx_sess_key *keys,
			 struct l2tpx_session *vals, const struct dp_prefix *pfx, __u32 n,
			 __u32 *done);
/* One more address or prefix for an installed session, or one less. */
int dp_prefix_add(struct dp *dp, const struct l2tpx_sess_key *key, const struct dp_prefix *pfx);
int dp_prefix_del(struct dp *dp, const struct dp_prefix *pfx);
/* Remove a session and every address that points at it. */
int dp_session_del(struct dp *dp, const struct l2tpx_sess_key *key);
/* The fast copy (struct l2tpx_fast) of a session already in l2tpx_sessions,
 * on the map fd of an l2tpx_fast of mask + 1 entries: put or refreshed
 * (-EBUSY: another session holds the slot; this one is found in
 * l2tpx_sessions), or dropped before the session leaves l2tpx_sessions.
 * dp_session_* do this themselves; these are for loaders other than dp. */
int dp_fast_put(int fd, __u32 mask, const struct l2tpx_sess_key *key,
		const struct l2tpx_session *val);
int dp_fast_drop(int fd, __u32 mask, const struct l2tpx_sess_key *key);
/* The fast copy of session key: 0, or -ENOENT when its slot holds none. */
int dp_fast_get(int fd, __u32 mask, const struct l2tpx_sess_key *key, struct l2tpx_session *val);
/* The fast copy of a subscriber host address (addr: 4 or 16 bytes by
 * family) on the map fd of l2tpx_fast4 / l2tpx_fast6, as dp_fast_put and
 * dp_fast_drop are for sessions (-EBUSY: another address holds the slot). */
int dp_fast_addr_put(int fd, __u32 mask, int family, const void *addr,
		     const struct l2tpx_sess_key *key);
int dp_fast_addr_drop(int fd, __u32 mask, int family, const void *addr);
/* Fast copies (l2tpx_fast, _fast4, _fast6) that disagree with the maps
 * they copy: cb gets a sentence saying which; a non-zero return stops. */
int dp_fast_audit(struct dp *dp, int (*cb)(const char *problem, void *arg), void *arg);
int dp_session_get(struct dp *dp, const struct l2tpx_sess_key *key, struct l2tpx_session *val);
/* Rewrite an installed session's peer port (NAT rebinding); its counters,
 * stats slot and addresses stay. */
int dp_session_set_peer_port(struct dp *dp, const struct l2tpx_sess_key *key, __be16 port);

struct dp_session_info {
	struct l2tpx_sess_key key;
	struct l2tpx_session val;
	struct l2tpx_sess_stats stats;	/* summed over CPUs */
	struct dp_prefix *pfx;
	int npfx;
};
/* Call cb for every session; cb's info is valid during the call only. */
int dp_session_foreach(struct dp *dp, int (*cb)(const struct dp_session_info *, void *),
		       void *arg);

/* Per-reason counters summed over CPUs: out[L2TPX_R_MAX]. */
int dp_reason_stats(struct dp *dp, struct l2tpx_counter *out);
const char *dp_reason_name(unsigned int reason);
const char *dp_reason_desc(unsigned int reason);

#endif
