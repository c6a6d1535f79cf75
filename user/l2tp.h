/* SPDX-License-Identifier: GPL-2.0 */
/* The L2TPv2 control plane (RFC 2661): control connections (tunnels) and
 * calls (sessions) in the LNS and LAC roles, on top of the reliable delivery
 * engine and the message codec.  The PPP layer plugs in through
 * struct l2tp_session_ops. */
#ifndef L2TPX_L2TP_H
#define L2TPX_L2TP_H

#include <stdbool.h>
#include <stdint.h>
#include "conf.h"
#include "event.h"
#include "l2tp_avp.h"
#include "l2tp_rdt.h"
#include "udp.h"

#define L2TP_MAX_SOCKS		(CONF_MAX_LISTEN + 2)
#define L2TP_SESS_BUCKETS	65536
#define L2TP_RATE_SLOTS		1024
#define L2TP_PEER_BUCKETS	4096
#define L2TP_HOST_MAX		64
/* Largest data message kept for a call still waiting for its ICCN: room for
 * an LCP Configure-Request, little for a peer that opens calls to park data. */
#define L2TP_EARLY_MAX		256
#define L2TP_RESULT_SLOTS	16	/* == METRICS_RESULT_SLOTS */
#define L2TP_CALL_SETUP_MS	60000	/* ICRQ to ICCN, either role */

enum tunnel_state {
	TUNNEL_IDLE,
	TUNNEL_WAIT_CTL_REPLY,	/* LAC: SCCRQ sent */
	TUNNEL_WAIT_CTL_CONN,	/* LNS: SCCRP sent */
	TUNNEL_ESTABLISHED,
	TUNNEL_CLOSING,		/* StopCCN sent or received: holding to ack */
};

enum session_state {
	SESSION_IDLE,
	SESSION_WAIT_TUNNEL,	/* LAC: call placed before the tunnel is up */
	SESSION_WAIT_REPLY,	/* LAC: ICRQ sent */
	SESSION_WAIT_CONNECT,	/* LNS: ICRP sent */
	SESSION_ESTABLISHED,
};

struct l2tp;
struct l2tp_tunnel;

struct l2tp_session {
	struct l2tp_tunnel *t;
	struct l2tp_session *hnext;	/* hash chain */
	struct l2tp_session *tnext;	/* tunnel's list */
	uint16_t id;			/* ours */
	uint16_t peer_id;		/* the peer's */
	enum session_state state;
	bool lac;			/* we placed the call */
	bool seq_required;		/* the peer asked for sequenced data */
	uint32_t call_serial;
	uint32_t tx_speed, framing;
	/* Proxy LCP and Proxy Authen from ICCN, kept for the PPP layer. */
	uint8_t *proxy;			/* one allocation for all below */
	struct l2tp_bytes init_rx_confreq, last_tx_confreq, last_rx_confreq;
	uint16_t proxy_auth_type;
	struct l2tp_bytes proxy_auth_name, proxy_auth_challenge, proxy_auth_response;
	uint8_t proxy_auth_id;
	uint64_t rx_data, tx_data;	/* data messages through the slow path */
	/* LNS: the first data message that overtook the peer's ICCN (a LAC
	 * starts PPP when it sends ICCN, which may wait for the control
	 * window); handed up once the call is established. */
	uint8_t *early;
	size_t early_len;
	void *upper;			/* the PPP layer's state */
	struct ev_timer setup_timer;	/* a call not established in time is cleared */
};

struct l2tp_tunnel {
	struct l2tp *l;
	uint16_t id;			/* ours */
	uint16_t peer_id;		/* the peer's */
	enum tunnel_state state;
	bool lac;			/* we sent the SCCRQ */
	int fd;
	struct udp_ep local, peer;
	struct l2tp_rdt rdt;
	char peer_host[L2TP_HOST_MAX];
	char peer_vendor[L2TP_HOST_MAX];
	uint64_t tie_breaker;		/* ours, when we sent one */
	uint8_t challenge[16];		/* we sent it; the answer must match */
	bool challenged;
	char secret[CONF_STR];
	bool has_secret;
	int lac_index;			/* [lac] section for redial, -1 = none */
	struct l2tp_session *sessions;
	unsigned int nsessions;
	struct l2tp_tunnel *pnext;	/* by_peer chain (LNS tunnels) */
	bool peer_linked;
	bool down_notified;
	struct ev_timer hello_timer;
	struct ev_timer hold_timer;	/* CLOSING, and setup deadline */
	uint64_t last_rx;
};

/* Upper layer (PPP, issue 4).  All optional. */
struct l2tp_session_ops {
	void (*up)(struct l2tp_session *s, void *arg);
	void (*down)(struct l2tp_session *s, void *arg);
	void (*data)(struct l2tp_session *s, const uint8_t *ppp, size_t len, void *arg);
	/* Once per tunnel, when it stops carrying calls (StopCCN either way,
	 * peer unreachable, setup expired); after the calls' down(). */
	void (*tunnel_down)(struct l2tp_tunnel *t, void *arg);
	/* The peer's port changed (NAT rebinding, accepted in sequence): the
	 * fast path must follow. */
	void (*tunnel_moved)(struct l2tp_tunnel *t, void *arg);
};

struct l2tp_rate {
	struct l2tpx_addr addr;
	uint64_t window;		/* second it counts */
	unsigned int count;
};

struct l2tp_stats {
	uint64_t rx_control, rx_data, rx_bad_header, rx_unknown_tunnel;
	uint64_t rx_data_unknown_session, rx_parse_errors;
	uint64_t sccrq_refused_limit, sccrq_dropped_pending, sccrq_dropped_rate;
	uint64_t tunnels_created, tunnels_established, tunnels_failed;
	uint64_t sessions_created, sessions_established, sessions_refused;
	uint64_t retransmits_closed;	/* of tunnels already freed */
	/* StopCCN and CDN by result code (codes >= L2TP_RESULT_SLOTS - 1 share the last). */
	uint64_t stopccn_sent[L2TP_RESULT_SLOTS], stopccn_received[L2TP_RESULT_SLOTS];
	uint64_t cdn_sent[L2TP_RESULT_SLOTS], cdn_received[L2TP_RESULT_SLOTS];
};

static inline void l2tp_count_result(uint64_t *slots, uint16_t result)
{
	slots[result < L2TP_RESULT_SLOTS ? result : L2TP_RESULT_SLOTS - 1]++;
}

struct l2tp {
	struct ev_loop *loop;
	const struct conf *conf;
	int fds[L2TP_MAX_SOCKS];
	int nfds;
	struct l2tp_tunnel **tunnels;	/* [65536] by our id */
	unsigned int ntunnels, npending, nsessions;
	struct l2tp_session **sess;	/* [L2TP_SESS_BUCKETS] */
	/* Session ids in use on any tunnel: new calls get one no other call
	 * has, so each has a slot of its own in the data plane's fast array
	 * (struct l2tpx_fast).  A bit may be clear while a second call that
	 * had to share an id still uses it: that call is only slower. */
	uint8_t sid_used[65536 / 8];
	struct l2tp_tunnel **by_peer;	/* [L2TP_PEER_BUCKETS] */
	unsigned int ndialling;		/* LAC tunnels waiting for SCCRP */
	const struct l2tp_session_ops *sops;
	void *sops_arg;
	struct l2tp_rate rate[L2TP_RATE_SLOTS];
	struct l2tp_stats stats;
	/* Tests replace these. */
	int (*xmit)(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
		    const struct udp_ep *local, const struct udp_ep *peer);
	void (*random)(void *buf, size_t len);
	unsigned int lac_redials[CONF_MAX_LACS];
	struct ev_timer lac_timer[CONF_MAX_LACS];
	/* Bumped on every change the state file records (tunnels, calls,
	 * Ns/Nr, PPP): the daemon saves when it moved (user/state.c). */
	uint64_t gen;
};

static inline void l2tp_changed(struct l2tp *l)
{
	l->gen++;
}

int l2tp_init(struct l2tp *l, struct ev_loop *loop, const struct conf *conf);
void l2tp_fini(struct l2tp *l);
/* Open the configured listening sockets and add them to the loop. */
int l2tp_listen(struct l2tp *l);
/* One datagram from the socket fd. */
void l2tp_input(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
		const struct udp_ep *from, const struct udp_ep *to);

/* LAC role: open a tunnel to an LNS and place one call on it. */
struct l2tp_tunnel *l2tp_dial(struct l2tp *l, const struct udp_ep *lns, int lac_index);
/* Clear a tunnel (StopCCN result 1, or the given result) or a call (CDN). */
void l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result, uint16_t error,
		       const char *msg);
struct l2tp_session *l2tp_session_open(struct l2tp_tunnel *t);
void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error,
			const char *msg);
/* A PPP frame toward the peer over the control plane's socket (slow path). */
int l2tp_session_send_data(struct l2tp_session *s, const uint8_t *ppp, size_t len);

struct l2tp_tunnel *l2tp_tunnel_find(struct l2tp *l, uint16_t id);
struct l2tp_session *l2tp_session_find(struct l2tp *l, uint16_t tid, uint16_t sid);

const char *tunnel_state_str(enum tunnel_state s);
const char *session_state_str(enum session_state s);

/* Restart (user/state.c): take back an established tunnel with its ids,
 * endpoints and Ns/Nr, and an established call on it; NULL when the id is
 * taken, no socket fits, or out of memory. */
struct state_tunnel;
struct state_session;
struct l2tp_tunnel *l2tp_tunnel_resume(struct l2tp *l, const struct state_tunnel *st);
struct l2tp_session *l2tp_session_resume(struct l2tp_tunnel *t, const struct state_session *ss);

/* Internal between l2tp_tunnel.c and l2tp_session.c. */
void session_recv(struct l2tp_tunnel *t, const struct l2tp_msg *m);
void session_tunnel_up(struct l2tp_tunnel *t);
void session_destroy(struct l2tp_session *s, bool notify);
int tunnel_send(struct l2tp_tunnel *t, struct l2tp_builder *b, uint16_t session_id);
void tunnel_put_hidden_or_plain(struct l2tp_tunnel *t, struct l2tp_builder *b,
				uint16_t type, const void *v, size_t len);
uint16_t l2tp_alloc_session_id(struct l2tp *l, uint16_t tid);

#endif
