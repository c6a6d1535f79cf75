/* SPDX-License-Identifier: GPL-2.0 */
/* PPP over the L2TP calls: LCP, authentication, IPCP and IPv6CP on the one
 * RFC 1661 automaton, the address pool, the hand-off of an opened session
 * to the data plane, and the slow data path through the TUN device.  Both
 * roles: LNS (authenticator) and client (what pppd does for a VPN). */
#ifndef L2TPX_PPP_H
#define L2TPX_PPP_H

#include <stdbool.h>
#include <stdint.h>
#include "conf.h"
#include "dp.h"
#include "event.h"
#include "l2tp.h"
#include "pool.h"
#include "ppp_auth.h"
#include "ppp_fsm.h"
#include "util.h"

#define PPP_ADDR_BUCKETS 65536

enum ppp_phase { PHASE_ESTABLISH, PHASE_AUTHENTICATE, PHASE_NETWORK, PHASE_TERMINATE };

struct ppp_ctx;

struct ppp_session {
	struct ppp_ctx *ctx;
	struct l2tp_session *ls;
	struct ppp_session *anext;	/* address hash chain */
	enum ppp_phase phase;
	bool client;
	struct ppp_fsm lcp, ipcp, ipv6cp;
	struct ppp_auth auth;
	/* LCP */
	uint32_t magic, peer_magic;
	uint16_t mru, peer_mru;
	uint16_t auth_proto;		/* server: what we ask the peer to do */
	uint8_t auth_alg;
	uint16_t peer_auth_proto;	/* client: what the peer asked us to do */
	uint8_t peer_auth_alg;
	bool peer_acfc, peer_pfc;	/* the peer accepts compressed frames */
	unsigned int loopback_naks;
	bool no_addr_opt;		/* the peer rejected our IPCP IP-Address */
	bool no_ifid_opt;		/* ... our IPv6CP Interface-Identifier */
	struct ev_timer echo_timer;
	struct ev_timer close_timer;	/* clears the call outside FSM callbacks */
	unsigned int echo_pending;
	uint8_t echo_id;
	struct tbucket echo_rx;		/* the peer's Echo-Requests answered */
	uint64_t echo_dropped;		/* ... and those over lcp_echo_rate */
	/* IPCP */
	uint32_t our_ip, peer_ip;	/* network order */
	uint32_t dns[2];
	bool ip_from_pool;
	/* IPv6CP */
	uint8_t our_ifid[8], peer_ifid[8];
	/* a delegated /64, announced by router advertisements */
	uint8_t prefix6[16];
	bool has_prefix6;
	uint32_t prefix6_index;
	struct ppp_session *pnext;	/* prefix hash chain */
	struct ev_timer ra_timer;
	unsigned int ra_sent;
	/* hand-off */
	bool in_dp;			/* the session is in the maps */
	bool v4_up;			/* IPv4 installed: hash, route, map entry */
	bool routed;
	uint64_t slow_rx, slow_tx;
	bool proxied;			/* LCP taken from the LAC's Proxy LCP */
	int proxy_auth;			/* 1 verified, -1 refused, 0 none */
};

struct ppp_ctx {
	struct ev_loop *loop;
	const struct conf *conf;
	struct l2tp *l2tp;
	struct dp *dp;			/* NULL: slow path only */
	struct pool pool;
	ppp_auth_lookup_fn lookup;	/* secrets */
	void *lookup_arg;
	int (*static_ip)(void *arg, const char *user, uint32_t *addr);
	int tun_fd;
	int tun_ifindex;
	struct ppp_session *by_addr[PPP_ADDR_BUCKETS];
	struct ppp_session *client_ps;	/* client role: where the TUN's traffic goes */
	struct ppp_session *by_pfx6[PPP_ADDR_BUCKETS];
	uint8_t *pfx6_used;		/* bitmap of /64s taken from ipv6_pool */
	uint32_t pfx6_count, pfx6_next;
	unsigned int nsessions;
	uint64_t handoffs, handoff_failures;
	uint64_t auth_ok, auth_failures;	/* peers we authenticated (LNS) */
	uint64_t echo_dropped;		/* Echo-Requests over lcp_echo_rate, all sessions */
};

int ppp_ctx_init(struct ppp_ctx *c, struct ev_loop *loop, const struct conf *conf,
		 struct l2tp *l2tp, struct dp *dp, int tun_fd);
/* At exit: free the PPP state of the calls still up, leaving their map
 * entries and pool addresses alone (the next l2tpxd takes them back from
 * the state file).  Before l2tp_fini. */
void ppp_ctx_release(struct ppp_ctx *c, struct l2tp *l);
void ppp_ctx_fini(struct ppp_ctx *c);
/* The callbacks the L2TP layer calls (l2tp->sops). */
extern const struct l2tp_session_ops ppp_l2tp_ops;

const char *ppp_phase_str(enum ppp_phase p);
/* The session's user name, "" when none: the one copy, kept by its auth. */
static inline const char *ppp_user(const struct ppp_session *ps)
{
	return ppp_auth_user(&ps->auth);
}

/* Restart: an established call's PPP session as the state file had it
 * (LCP Opened, authenticated, NCPs, addresses, prefix), with the pool, the
 * routes and the maps brought in line; a session caught negotiating starts
 * over. */
struct state_ppp;
void ppp_session_resume(struct ppp_ctx *c, struct l2tp_session *ls, const struct state_ppp *sp);

#endif
