/* SPDX-License-Identifier: GPL-2.0 */
/* Counters in the Prometheus text exposition format (version 0.0.4): the one
 * formatter behind `l2tpxctl metrics` and l2tpxd's metrics_listen.  Callers
 * fill a struct metrics_input (from the daemon's own objects, or from its
 * control socket's JSON) and add the data plane's counters. */
#ifndef L2TPX_METRICS_H
#define L2TPX_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "l2tpx.h"

struct dp;
struct l2tp;
struct ppp_ctx;

/* A growing text buffer; on allocation failure it stops growing and says so. */
struct mbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void mbuf_free(struct mbuf *b);
void mbuf_printf(struct mbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The control plane's counters and gauges, one value each.  The order and
 * names (JSON keys of `l2tpxctl -j stats daemon`) are in metrics.c's table. */
enum metrics_ctl_id {
	MC_RX_CONTROL,
	MC_RX_DATA,
	MC_RX_BAD_HEADER,
	MC_RX_UNKNOWN_TUNNEL,
	MC_RX_DATA_UNKNOWN_SESSION,
	MC_RX_PARSE_ERRORS,
	MC_SCCRQ_REFUSED_LIMIT,
	MC_SCCRQ_DROPPED_PENDING,
	MC_SCCRQ_DROPPED_RATE,
	MC_TUNNELS_CREATED,
	MC_TUNNELS_ESTABLISHED,
	MC_TUNNELS_FAILED,
	MC_SESSIONS_CREATED,
	MC_SESSIONS_ESTABLISHED,
	MC_SESSIONS_REFUSED,
	MC_RETRANSMISSIONS,
	MC_AUTH_OK,
	MC_AUTH_FAILURES,
	MC_HANDOFFS,
	MC_HANDOFF_FAILURES,
	MC_LCP_ECHO_DROPPED,
	MC_TUNNELS,
	MC_TUNNELS_PENDING,
	MC_SESSIONS,
	MC_POOL_SIZE,
	MC_POOL_USED,
	MC_MAX
};

/* Result codes of StopCCN and CDN, counted by code; codes at or above the
 * last slot share it. */
#define METRICS_RESULT_SLOTS 16
enum metrics_result_kind { MR_STOPCCN_SENT, MR_STOPCCN_RECEIVED, MR_CDN_SENT, MR_CDN_RECEIVED,
			   MR_MAX };

struct metrics_ctl {
	uint64_t v[MC_MAX];
	uint64_t result[MR_MAX][METRICS_RESULT_SLOTS];
};

struct metrics_tunnel {
	uint16_t tunnel_id;
	char peer[64];		/* address:port */
	uint64_t sessions, retransmissions, duplicates;
};

struct metrics_session {
	uint16_t tunnel_id, session_id;
	char peer[64];		/* address:port */
	char user[256];
	bool daemon;		/* a call of l2tpxd (slow counters valid) */
	bool fast;		/* in the data plane (fast counters valid) */
	uint64_t slow_rx_packets, slow_tx_packets;
	struct l2tpx_sess_stats st;
};

struct metrics_input {
	const struct metrics_ctl *ctl;		/* NULL: no daemon */
	const struct l2tpx_counter *reasons;	/* [L2TPX_R_MAX]; NULL: no data plane */
	unsigned int dp_sessions;		/* sessions in the maps */
	struct metrics_tunnel *tunnels;
	size_t ntunnels;
	struct metrics_session *sessions;
	size_t nsessions, capsessions;
	bool no_sessions;			/* leave out the per-session families */
};

/* Label value escaped as the format asks: \\ \" \n. */
void metrics_label_escape(struct mbuf *b, const char *s);
/* The whole exposition; returns 0 or -ENOMEM. */
int metrics_format(const struct metrics_input *in, struct mbuf *out);

/* The control-plane counters as the daemon's `stats` JSON object, and back. */
json_object *metrics_ctl_to_json(const struct metrics_ctl *c);
void metrics_ctl_from_json(json_object *o, struct metrics_ctl *c);
const char *metrics_ctl_key(enum metrics_ctl_id id);

/* Daemon side: its counters only; and with its tunnels and calls (ppp may
 * be NULL); and the whole exposition, with the data plane when dp is set. */
void metrics_collect_ctl(struct metrics_ctl *c, struct l2tp *l, const struct ppp_ctx *ppp);
int metrics_collect_daemon(struct metrics_input *in, struct metrics_ctl *c, struct l2tp *l,
			   const struct ppp_ctx *ppp);
/* Both sides: the data plane's reason counters (into reasons[L2TPX_R_MAX])
 * and per-session counters, merged into the calls by tunnel and session id;
 * sessions nobody owns are added as static ones. */
int metrics_collect_dp(struct metrics_input *in, struct l2tpx_counter *reasons, struct dp *dp);
struct metrics_session *metrics_session_add(struct metrics_input *in);
void metrics_input_free(struct metrics_input *in);
int metrics_render_daemon(struct mbuf *out, struct l2tp *l, const struct ppp_ctx *ppp,
			  struct dp *dp);

#endif
