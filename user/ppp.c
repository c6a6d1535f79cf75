// SPDX-License-Identifier: GPL-2.0
/* PPP sessions over L2TP calls: LCP, authentication, IPCP, IPv6CP, the
 * hand-off to the data plane and the TUN slow path. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ppp.h"
#include "state.h"
#include "tun.h"
#include "util.h"

#define PPP_MAX_FRAME	2048
#define PPP_MIN_MRU	128

/* LCP options (RFC 1661 6), IPCP (RFC 1332, 1877), IPv6CP (RFC 5072). */
#define LCP_MRU		1
#define LCP_ACCM	2
#define LCP_AUTH	3
#define LCP_MAGIC	5
#define LCP_PFC		7
#define LCP_ACFC	8
#define IPCP_ADDR	3
#define IPCP_DNS1	129
#define IPCP_DNS2	131
#define IPV6CP_IFID	1

/* Tunnel/session ids, the peer's address:port and the user on every line. */
#define plog(pri, ps, fmt, ...)                                                         \
	do {                                                                            \
		char _ep[64];                                                           \
		log_msg(pri, "ppp %u/%u %s%s%s: " fmt, (ps)->ls->t->id, (ps)->ls->id,   \
			udp_ep_str(&(ps)->ls->t->peer, _ep, sizeof(_ep)),               \
			ppp_user(ps)[0] ? " user " : "", ppp_user(ps), ##__VA_ARGS__);  \
	} while (0)

static const char *const phase_names[] = { "establish", "authenticate", "network", "terminate" };

const char *ppp_phase_str(enum ppp_phase p)
{
	return p <= PHASE_TERMINATE ? phase_names[p] : "?";
}

static uint32_t addr_bucket(uint32_t a)
{
	return (ntohl(a) * 2654435761u) >> 16;
}

/* Sessions by address: the subscriber's (LNS), or our own (client, where
 * several calls share one TUN device and a packet's source picks its call). */
static uint32_t addr_key(const struct ppp_session *ps)
{
	return ps->client ? ps->our_ip : ps->peer_ip;
}

static void addr_link(struct ppp_session *ps)
{
	uint32_t b = addr_bucket(addr_key(ps));

	ps->anext = ps->ctx->by_addr[b];
	ps->ctx->by_addr[b] = ps;
}

static void addr_unlink(struct ppp_session *ps)
{
	struct ppp_session **pp = &ps->ctx->by_addr[addr_bucket(addr_key(ps))];

	for (; *pp; pp = &(*pp)->anext)
		if (*pp == ps) {
			*pp = ps->anext;
			return;
		}
}

/* ---- delegated IPv6 prefixes: one /64 per session from ipv6_pool ---- */

static uint32_t pfx6_bucket(const uint8_t *p)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 8; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % PPP_ADDR_BUCKETS;
}

static int pfx6_take(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	unsigned int len = c->conf->ipv6_pool_len, shift = 64 - len;

	for (uint32_t n = 0; n < c->pfx6_count; n++) {
		uint32_t i = (c->pfx6_next + n) % c->pfx6_count;
		uint64_t net = 0;

		if (c->pfx6_used[i / 8] & (1 << (i % 8)))
			continue;
		c->pfx6_used[i / 8] |= 1 << (i % 8);
		c->pfx6_next = i + 1;
		memcpy(ps->prefix6, c->conf->ipv6_pool, 16);
		for (int b = 0; b < 8; b++)
			net = net << 8 | ps->prefix6[b];
		net |= shift ? (uint64_t)i : 0;	/* the /64 index below the pool's length */
		for (int b = 7; b >= 0; b--, net >>= 8)
			ps->prefix6[b] = net & 0xff;
		memset(ps->prefix6 + 8, 0, 8);
		ps->prefix6_index = i;
		ps->has_prefix6 = true;
		return 0;
	}
	return -1;
}

static void pfx6_put(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	struct ppp_session **pp;

	if (!ps->has_prefix6)
		return;
	for (pp = &c->by_pfx6[pfx6_bucket(ps->prefix6)]; *pp; pp = &(*pp)->pnext)
		if (*pp == ps) {
			*pp = ps->pnext;
			break;
		}
	c->pfx6_used[ps->prefix6_index / 8] &= ~(1 << (ps->prefix6_index % 8));
	ps->has_prefix6 = false;
}

/* ---- sending ---- */

static void send_frame(struct ppp_session *ps, uint16_t proto, const uint8_t *pkt, size_t len)
{
	uint8_t buf[PPP_MAX_FRAME];

	/* Always FF 03 and two protocol octets: a peer that allows
	 * compression must still accept the uncompressed form. */
	if (len + 4 > sizeof(buf))
		return;
	buf[0] = 0xff;
	buf[1] = 0x03;
	buf[2] = proto >> 8;
	buf[3] = proto & 0xff;
	memcpy(buf + 4, pkt, len);
	l2tp_session_send_data(ps->ls, buf, len + 4);
}

static void fsm_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	send_frame(f->arg, f->proto, pkt, len);
}

static void auth_send(struct ppp_auth *a, uint16_t proto, const uint8_t *pkt, size_t len)
{
	send_frame(a->arg, proto, pkt, len);
}

static size_t opt_put(uint8_t *b, size_t off, size_t cap, uint8_t type, const void *v, size_t vlen)
{
	if (off + 2 + vlen > cap)
		return off;
	b[off] = type;
	b[off + 1] = 2 + vlen;
	memcpy(b + off + 2, v, vlen);
	return off + 2 + vlen;
}

/* Walk the options of a Configure packet; only after opts_valid() said
 * every option length fits (>= 2, within len). */
#define FOR_OPTS(p, len, o)                                                             \
	for (const uint8_t *o = (p); o < (p) + (len); o += o[1])

/* Option lengths: 0 ok, -1 malformed (the packet is discarded). */
static int opts_valid(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		if (off + 2 > len || p[off + 1] < 2 || off + p[off + 1] > len)
			return -1;
		off += p[off + 1];
	}
	return 0;
}

/* The answer to a Configure-Request from what a protocol collected: Reject
 * when anything was rejected, else Nak (a Reject under Max-Failure), else
 * Ack with the request as it came (RFC 1661 5.2-5.4). */
static int conf_verdict(const uint8_t *req, size_t len, const uint8_t *nakb, size_t nak,
			const uint8_t *rejb, size_t rej, int reject_only, uint8_t *out,
			size_t cap, size_t *out_len)
{
	const uint8_t *body = req;
	size_t n = len;
	int code = PPP_CONF_ACK;

	if (rej)
		body = rejb, n = rej, code = PPP_CONF_REJ;
	else if (nak)
		body = nakb, n = nak, code = reject_only ? PPP_CONF_REJ : PPP_CONF_NAK;
	if (n > cap)
		return -1;
	memcpy(out, body, n);
	*out_len = n;
	return code;
}

/* ---- LCP ---- */

/* What an LCP option list (already validated) asks for. */
struct lcp_opts {
	uint16_t mru;		/* 0 when absent */
	uint32_t magic;
	bool acfc, pfc;
	uint16_t auth;		/* 0 when absent */
	uint8_t alg;
};

static void lcp_opts_read(const uint8_t *p, size_t len, struct lcp_opts *lo)
{
	memset(lo, 0, sizeof(*lo));
	FOR_OPTS(p, len, o) {
		if (o[0] == LCP_MRU && o[1] == 4)
			lo->mru = o[2] << 8 | o[3];
		else if (o[0] == LCP_MAGIC && o[1] == 6)
			lo->magic = (uint32_t)o[2] << 24 | o[3] << 16 | o[4] << 8 | o[5];
		else if (o[0] == LCP_ACFC)
			lo->acfc = true;
		else if (o[0] == LCP_PFC)
			lo->pfc = true;
		else if (o[0] == LCP_AUTH && o[1] >= 4) {
			lo->auth = o[2] << 8 | o[3];
			lo->alg = o[1] > 4 ? o[4] : 0;
		}
	}
}

static uint16_t max_mru(const struct ppp_ctx *c)
{
	/* What fits in one outer packet: IPv6 outer, L2TP with sequence
	 * numbers, FF 03 and a two-octet protocol. */
	return c->conf->mtu - 40 - 8 - 10 - 4;
}

static int lcp_build_req(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	struct ppp_session *ps = f->arg;
	size_t n = 0;
	uint8_t v[4];

	if (ps->mru) {
		v[0] = ps->mru >> 8, v[1] = ps->mru & 0xff;
		n = opt_put(b, n, cap, LCP_MRU, v, 2);
	}
	if (ps->auth_proto) {
		uint8_t a[3] = { ps->auth_proto >> 8, ps->auth_proto & 0xff, ps->auth_alg };

		n = opt_put(b, n, cap, LCP_AUTH, a, ps->auth_proto == PPP_PROTO_CHAP ? 3 : 2);
	}
	if (ps->magic) {
		uint32_t m = htonl(ps->magic);

		n = opt_put(b, n, cap, LCP_MAGIC, &m, 4);
	}
	return n;
}

static bool auth_supported(uint16_t proto, const uint8_t *v, size_t vlen)
{
	if (proto == PPP_PROTO_PAP)
		return vlen == 2;
	if (proto == PPP_PROTO_CHAP)
		return vlen == 3 && (v[2] == CHAP_MD5 || v[2] == CHAP_MSCHAPV2);
	return false;
}

#define LOOPBACK_MAX	5

static int lcp_recv_req(struct ppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out, size_t cap,
			size_t *out_len, int reject_only)
{
	struct ppp_session *ps = f->arg;
	size_t nak = 0, rej = 0;
	uint8_t nakb[256], rejb[256];
	struct lcp_opts lo;
	int verdict;

	if (opts_valid(p, len))
		return -1;
	if (ps->loopback_naks >= LOOPBACK_MAX) {
		plog(LOG_WARNING, ps, "our own magic number came back %u times: link looped back",
		     ps->loopback_naks);
		ev_timer_arm(ps->ctx->loop, &ps->close_timer, 0);
		return -1;
	}
	FOR_OPTS(p, len, o) {
		size_t vlen = o[1] - 2;
		const uint8_t *v = o + 2;

		switch (o[0]) {
		case LCP_MRU:
			if (vlen != 2)
				goto reject;
			if ((v[0] << 8 | v[1]) < PPP_MIN_MRU) {
				uint8_t m[2] = { PPP_MIN_MRU >> 8, PPP_MIN_MRU & 0xff };

				nak = opt_put(nakb, nak, sizeof(nakb), LCP_MRU, m, 2);
			}
			break;
		case LCP_ACCM:
			if (vlen != 4)
				goto reject;
			break;	/* meaningless on a synchronous link: accepted, ignored */
		case LCP_AUTH:
			/* The peer wants us to authenticate: only as a client,
			 * and only with what we can do. */
			if (!ps->client)
				goto reject;
			if (vlen < 2)
				goto reject;
			if (!auth_supported(v[0] << 8 | v[1], v, vlen)) {
				uint8_t a[3] = { PPP_PROTO_CHAP >> 8, PPP_PROTO_CHAP & 0xff,
						 CHAP_MSCHAPV2 };

				nak = opt_put(nakb, nak, sizeof(nakb), LCP_AUTH, a, 3);
			}
			break;
		case LCP_MAGIC: {
			uint32_t mv;

			if (vlen != 4)
				goto reject;
			mv = load_be32(v);
			/* Zero MUST be Nak'ed; our own number means the link may
			 * be looped back (RFC 1661 6.4).  Suggest another, never
			 * ours; ours stays, so the Ack of our pending request
			 * still matches it. */
			if (!mv || (ps->magic && mv == ps->magic)) {
				uint32_t m;

				if (mv)
					ps->loopback_naks++;
				do
					ps->ctx->l2tp->random(&m, sizeof(m));
				while (!m || ntohl(m) == ps->magic);
				nak = opt_put(nakb, nak, sizeof(nakb), LCP_MAGIC, &m, 4);
			}
			break;
		}
		case LCP_PFC:
		case LCP_ACFC:
			if (vlen)
				goto reject;
			break;
		default:
reject:
			rej = opt_put(rejb, rej, sizeof(rejb), o[0], o + 2, o[1] - 2);
			break;
		}
	}
	verdict = conf_verdict(p, len, nakb, nak, rejb, rej, reject_only, out, cap, out_len);
	if (verdict != PPP_CONF_ACK)
		return verdict;
	/* Acked: take what the peer asked for. */
	lcp_opts_read(p, len, &lo);
	if (lo.mru)
		ps->peer_mru = lo.mru;
	ps->peer_magic = lo.magic;
	ps->peer_acfc = lo.acfc;
	ps->peer_pfc = lo.pfc;
	if (lo.auth) {
		ps->peer_auth_proto = lo.auth;
		ps->peer_auth_alg = lo.alg;
	}
	return PPP_CONF_ACK;
}

static int lcp_recv_ack(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	return opts_valid(p, len);
}

static int lcp_recv_nak(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		if (o[0] == LCP_MRU && o[1] == 4) {
			uint16_t m = o[2] << 8 | o[3];

			ps->mru = m < ps->mru && m >= PPP_MIN_MRU ? m : ps->mru;
		} else if (o[0] == LCP_MAGIC && o[1] == 6) {
			uint32_t m;

			ps->ctx->l2tp->random(&m, sizeof(m));
			ps->magic = m | 1;
		} else if (o[0] == LCP_AUTH && !ps->client) {
			/* The peer prefers another method; only what we were
			 * configured for is acceptable, so keep asking. */
			plog(LOG_INFO, ps, "peer nak'ed authentication, wants 0x%04x",
			     o[1] >= 4 ? o[2] << 8 | o[3] : 0);
		}
	}
	return 0;
}

static int lcp_recv_rej(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		if (o[0] == LCP_MRU)
			ps->mru = 0;
		else if (o[0] == LCP_MAGIC)
			ps->magic = 0;
		else if (o[0] == LCP_AUTH && !ps->client) {
			/* Authentication is not optional here. */
			plog(LOG_WARNING, ps, "peer refuses to authenticate: closing");
			ppp_fsm_close(f);
			return 0;
		}
	}
	return 0;
}

static void echo_fire(struct ev_loop *loop, struct ev_timer *t, void *arg);

static void start_ncps(struct ppp_session *ps);
static void auth_done(struct ppp_auth *a, bool ok, const char *user);

static enum ppp_auth_method method_of(uint16_t proto, uint8_t alg)
{
	if (proto == PPP_PROTO_PAP)
		return AUTH_PAP;
	if (proto == PPP_PROTO_CHAP)
		return alg == CHAP_MSCHAPV2 ? AUTH_MSCHAPV2 : AUTH_CHAP_MD5;
	return AUTH_NONE;
}

static void lcp_up(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;
	const struct conf *c = ps->ctx->conf;

	plog(LOG_INFO, ps, "LCP up (mru %u, peer mru %u%s%s)", ps->mru, ps->peer_mru,
	     ps->peer_acfc ? ", acfc" : "", ps->peer_pfc ? ", pfc" : "");
	if (c->lcp_echo_interval)
		ev_timer_arm(ps->ctx->loop, &ps->echo_timer, c->lcp_echo_interval * 1000ULL);
	if (ps->client) {
		const struct conf_lac *lac = ps->ls->t->lac_index >= 0 ?
						     &c->lacs[ps->ls->t->lac_index] : NULL;

		if (ps->peer_auth_proto) {
			ps->phase = PHASE_AUTHENTICATE;
			ppp_auth_start_client(&ps->auth, method_of(ps->peer_auth_proto, ps->peer_auth_alg),
					      lac ? lac->user : "", lac ? lac->password : "");
		} else {
			start_ncps(ps);
		}
		return;
	}
	if (ps->proxy_auth > 0) {
		ps->ctx->auth_ok++;
		plog(LOG_NOTICE, ps, "authenticated by the LAC's proxied exchange");
		start_ncps(ps);
		return;
	}
	if (ps->proxy_auth < 0) {
		ps->ctx->auth_failures++;
		plog(LOG_WARNING, ps, "proxied authentication failed");
		ppp_fsm_close(f);
		return;
	}
	if (ps->auth_proto) {
		ps->phase = PHASE_AUTHENTICATE;
		ppp_auth_start_server(&ps->auth, method_of(ps->auth_proto, ps->auth_alg),
				      c->auth_name[0] ? c->auth_name : c->hostname,
				      ps->ctx->lookup, ps->ctx->lookup_arg);
	} else {
		start_ncps(ps);
	}
}

static void handoff_remove(struct ppp_session *ps);

static void lcp_down(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;

	plog(LOG_INFO, ps, "LCP down");
	ev_timer_disarm(ps->ctx->loop, &ps->echo_timer);
	ppp_auth_stop(&ps->auth);	/* no Challenge while LCP is not open */
	/* The NCPs go down with it, those that were ever up. */
	if (ps->ipcp.state != PPP_INITIAL && ps->ipcp.state != PPP_STARTING)
		ppp_fsm_down(&ps->ipcp);
	if (ps->ipv6cp.state != PPP_INITIAL && ps->ipv6cp.state != PPP_STARTING)
		ppp_fsm_down(&ps->ipv6cp);
	handoff_remove(ps);
	ps->phase = PHASE_TERMINATE;
}

static void close_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct ppp_session *ps = arg;

	/* Clearing the call frees ps (ppp_l2tp_down): never from inside an
	 * automaton callback, always from here. */
	if (ps->ls)
		l2tp_session_close(ps->ls, L2TP_CDN_ADMIN, 0, "PPP terminated");
}

static void lcp_finished(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;

	ev_timer_arm(ps->ctx->loop, &ps->close_timer, 0);
}

static int lcp_recv_other(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *d, size_t len)
{
	struct ppp_session *ps = f->arg;
	uint8_t rep[PPP_MAX_FRAME];

	switch (code) {
	case PPP_ECHO_REQ:
		if (f->state != PPP_OPENED || len < 4 || len + 4 > sizeof(rep))
			return 0;
		if (!tbucket_take(&ps->echo_rx, ev_now(ps->ctx->loop))) {
			/* An echo flood costs a counter, not a reply each. */
			if (!(ps->echo_dropped++ % 1000))
				plog(LOG_WARNING, ps, "Echo-Requests over lcp_echo_rate %u/s: "
				     "dropping (%llu so far)", ps->ctx->conf->lcp_echo_rate,
				     (unsigned long long)ps->echo_dropped);
			ps->ctx->echo_dropped++;
			return 0;
		}
		rep[0] = PPP_ECHO_REP;
		rep[1] = id;
		rep[2] = (len + 4) >> 8;
		rep[3] = (len + 4) & 0xff;
		store_be32(rep + 4, ps->magic);
		memcpy(rep + 8, d + 4, len - 4);
		send_frame(ps, PPP_LCP, rep, len + 4);
		return 0;
	case PPP_ECHO_REP:
		if (len >= 4 && ps->magic && load_be32(d) == ps->magic) {
			plog(LOG_WARNING, ps, "echo reply with our own magic: looped back?");
			return 0;
		}
		ps->echo_pending = 0;
		return 0;
	case PPP_PROTO_REJ:
		if (len >= 2) {
			uint16_t proto = d[0] << 8 | d[1];

			if (proto == PPP_IPV6CP)
				ppp_fsm_proto_rejected(&ps->ipv6cp);
			else if (proto == PPP_IPCP)
				ppp_fsm_proto_rejected(&ps->ipcp);
		}
		return 0;
	case PPP_DISC_REQ:
	case PPP_IDENTIFICATION:
	case PPP_TIME_REMAINING:
		return 0;	/* accepted, nothing to do */
	default:
		return -1;
	}
}

static void echo_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct ppp_session *ps = arg;
	const struct conf *c = ps->ctx->conf;
	uint8_t req[8];

	if (ps->lcp.state != PPP_OPENED)
		return;
	if (ps->echo_pending >= c->lcp_echo_failure) {
		plog(LOG_WARNING, ps, "no echo reply to %u requests: peer gone", ps->echo_pending);
		ppp_fsm_close(&ps->lcp);
		return;
	}
	req[0] = PPP_ECHO_REQ;
	req[1] = ++ps->echo_id;
	req[2] = 0;
	req[3] = 8;
	store_be32(req + 4, ps->magic);
	send_frame(ps, PPP_LCP, req, sizeof(req));
	ps->echo_pending++;
	ev_timer_arm(loop, t, c->lcp_echo_interval * 1000ULL);
}

static const struct ppp_fsm_cb lcp_cb = {
	.build_req = lcp_build_req,
	.recv_req = lcp_recv_req,
	.recv_ack = lcp_recv_ack,
	.recv_nak = lcp_recv_nak,
	.recv_rej = lcp_recv_rej,
	.this_layer_up = lcp_up,
	.this_layer_down = lcp_down,
	.this_layer_finished = lcp_finished,
	.recv_other = lcp_recv_other,
	.send = fsm_send,
};

/* ---- authentication ---- */

static void auth_done(struct ppp_auth *a, bool ok, const char *user)
{
	struct ppp_session *ps = a->arg;

	(void)user;	/* the auth's own, ppp_user(ps) */
	if (!ps->client && ok)
		ps->ctx->auth_ok++;
	else if (!ps->client)
		ps->ctx->auth_failures++;
	if (!ok) {
		plog(LOG_WARNING, ps, "authentication failed");
		ppp_fsm_close(&ps->lcp);
		return;
	}
	plog(LOG_NOTICE, ps, "authenticated");
	if (ps->phase == PHASE_AUTHENTICATE)
		start_ncps(ps);
}

static const struct ppp_auth_cb auth_cb = { auth_send, auth_done };

/* ---- IPCP ---- */

static int ipcp_build_req(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	struct ppp_session *ps = f->arg;
	size_t n = ps->no_addr_opt ? 0 : opt_put(b, 0, cap, IPCP_ADDR, &ps->our_ip, 4);

	if (ps->client) {
		if (ps->dns[0] != 0xffffffff)
			n = opt_put(b, n, cap, IPCP_DNS1, &ps->dns[0], 4);
		if (ps->dns[1] != 0xffffffff)
			n = opt_put(b, n, cap, IPCP_DNS2, &ps->dns[1], 4);
	}
	return n;
}

/* An address for the peer, from its static entry or the pool; only now,
 * after authentication. */
static int assign_peer_ip(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	uint32_t want = 0;

	if (ps->peer_ip)
		return 0;
	if (c->static_ip)
		c->static_ip(c->lookup_arg, ppp_user(ps), &want);
	if (pool_take(&c->pool, want, &ps->peer_ip)) {
		char a[INET_ADDRSTRLEN];

		if (want)
			plog(LOG_WARNING, ps, "static address %s is in use",
			     inet_ntop(AF_INET, &want, a, sizeof(a)));
		else
			plog(LOG_WARNING, ps, "address pool exhausted");
		return -1;
	}
	ps->ip_from_pool = true;
	return 0;
}

static int ipcp_recv_req(struct ppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out,
			 size_t cap, size_t *out_len, int reject_only)
{
	struct ppp_session *ps = f->arg;
	const struct conf *c = ps->ctx->conf;
	size_t nak = 0, rej = 0;
	uint8_t nakb[128], rejb[256];

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		uint32_t v = 0;

		if ((o[0] == IPCP_ADDR || o[0] == IPCP_DNS1 || o[0] == IPCP_DNS2) && o[1] != 6)
			goto reject;
		memcpy(&v, o + 2, o[1] >= 6 ? 4 : 0);
		switch (o[0]) {
		case IPCP_ADDR:
			if (ps->client) {
				if (!v)
					goto reject;	/* the server must have one */
				ps->peer_ip = v;
				break;
			}
			if (assign_peer_ip(ps)) {
				/* Nothing to give: reject the option, and the
				 * peer gives up on IPCP. */
				goto reject;
			}
			if (v != ps->peer_ip)
				nak = opt_put(nakb, nak, sizeof(nakb), IPCP_ADDR, &ps->peer_ip, 4);
			break;
		case IPCP_DNS1:
		case IPCP_DNS2: {
			uint32_t dns = c->dns[o[0] == IPCP_DNS2];

			if (ps->client || !dns)
				goto reject;
			if (v != dns)
				nak = opt_put(nakb, nak, sizeof(nakb), o[0], &dns, 4);
			break;
		}
		default:
reject:
			rej = opt_put(rejb, rej, sizeof(rejb), o[0], o + 2, o[1] - 2);
			break;
		}
	}
	if (!ps->client && !rej && !reject_only) {
		bool has_addr = false;

		FOR_OPTS(p, len, o)
			has_addr |= o[0] == IPCP_ADDR;
		/* No IP-Address asked: tell the peer its address (RFC 1332 3.3). */
		if (!has_addr && !assign_peer_ip(ps))
			nak = opt_put(nakb, nak, sizeof(nakb), IPCP_ADDR, &ps->peer_ip, 4);
	}
	return conf_verdict(p, len, nakb, nak, rejb, rej, reject_only, out, cap, out_len);
}

static int ipcp_recv_ack(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	return opts_valid(p, len);
}

static int ipcp_recv_nak(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		if (o[1] != 6)
			continue;
		if (o[0] == IPCP_ADDR && ps->client)
			memcpy(&ps->our_ip, o + 2, 4);
		else if (o[0] == IPCP_DNS1 && ps->client)
			memcpy(&ps->dns[0], o + 2, 4);
		else if (o[0] == IPCP_DNS2 && ps->client)
			memcpy(&ps->dns[1], o + 2, 4);
	}
	return 0;
}

static int ipcp_recv_rej(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		if (o[0] == IPCP_ADDR)
			ps->no_addr_opt = true;	/* a rejected option is not sent again */
		else if (o[0] == IPCP_DNS1)
			ps->dns[0] = 0xffffffff;	/* stop asking */
		else if (o[0] == IPCP_DNS2)
			ps->dns[1] = 0xffffffff;
	}
	return 0;
}

static int handoff(struct ppp_session *ps);
static void handoff_remove_v4(struct ppp_session *ps);

static void ipcp_up(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	plog(LOG_NOTICE, ps, "IPCP up: local %s, peer %s", inet_ntop(AF_INET, &ps->our_ip, a, sizeof(a)),
	     inet_ntop(AF_INET, &ps->peer_ip, b, sizeof(b)));
	if (ps->client && ps->dns[0] && ps->dns[0] != 0xffffffff)
		plog(LOG_INFO, ps, "DNS from the LNS: %s%s%s",
		     inet_ntop(AF_INET, &ps->dns[0], a, sizeof(a)),
		     ps->dns[1] && ps->dns[1] != 0xffffffff ? " " : "",
		     ps->dns[1] && ps->dns[1] != 0xffffffff
			     ? inet_ntop(AF_INET, &ps->dns[1], b, sizeof(b)) : "");
	ps->phase = PHASE_NETWORK;
	if (handoff(ps)) {
		/* Never half-installed: a session that cannot be installed
		 * is torn down. */
		ps->ctx->handoff_failures++;
		ppp_fsm_close(&ps->lcp);
	}
}

static void ipcp_down(struct ppp_fsm *f)
{
	handoff_remove_v4(f->arg);
}

static bool ncp_alive(const struct ppp_fsm *f)
{
	return f->state >= PPP_REQ_SENT && f->state <= PPP_OPENED;
}

/* An NCP gave up (Max-Configure, Max-Failure, the peer terminated it):
 * with no network protocol left the link has no use, and an address
 * taken for it must not stay held; LCP closes, then the call (as pppd). */
static void ncp_finished(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;

	if (ncp_alive(&ps->ipcp) || ncp_alive(&ps->ipv6cp) || ps->lcp.state != PPP_OPENED)
		return;
	plog(LOG_INFO, ps, "%s finished and no network protocol is up: closing", f->name);
	ppp_fsm_close(&ps->lcp);
}

static const struct ppp_fsm_cb ipcp_cb = {
	.build_req = ipcp_build_req,
	.recv_req = ipcp_recv_req,
	.recv_ack = ipcp_recv_ack,
	.recv_nak = ipcp_recv_nak,
	.recv_rej = ipcp_recv_rej,
	.this_layer_up = ipcp_up,
	.this_layer_down = ipcp_down,
	.this_layer_finished = ncp_finished,
	.send = fsm_send,
};

/* ---- router advertisements (RFC 4861 4.2) on the PPP link ---- */

static void send_ra(struct ppp_session *ps)
{
	uint8_t p[40 + 16 + 32 + 8] = { 0 };
	uint8_t *ra = p + 40, *pi = ra + 16, *mtu = pi + 32;
	size_t plen = sizeof(p) - 40;
	uint32_t sum = 0;
	uint32_t m = ps->ctx->conf->mtu - 62;

	p[0] = 0x60;
	p[4] = plen >> 8;
	p[5] = plen & 0xff;
	p[6] = 58;		/* ICMPv6 */
	p[7] = 255;		/* hop limit 255: a link-local message */
	p[8] = 0xfe;
	p[9] = 0x80;
	memcpy(p + 16, ps->our_ifid, 8);
	p[24] = 0xff;
	p[25] = 0x02;
	p[39] = 1;		/* ff02::1 */
	ra[0] = 134;
	ra[4] = 64;		/* cur hop limit */
	ra[6] = 1800 >> 8;	/* router lifetime: 1800 s, a default router */
	ra[7] = 1800 & 0xff;
	pi[0] = 3;		/* Prefix Information */
	pi[1] = 4;
	pi[2] = 64;
	pi[3] = 0xc0;		/* on-link, autonomous */
	store_be32(pi + 4, 86400);
	store_be32(pi + 8, 14400);
	memcpy(pi + 16, ps->prefix6, 16);
	mtu[0] = 5;		/* MTU */
	mtu[1] = 1;
	store_be32(mtu + 4, m);
	/* ICMPv6 checksum over the pseudo header and the message. */
	for (int i = 8; i < 40; i += 2)
		sum += p[i] << 8 | p[i + 1];
	sum += plen + 58;
	for (size_t i = 40; i < sizeof(p); i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ra[2] = sum >> 8;
	ra[3] = sum & 0xff;
	send_frame(ps, PPP_IPV6, p, sizeof(p));
	ps->ra_sent++;
}

static void ra_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct ppp_session *ps = arg;

	if (!ps->has_prefix6 || ps->ipv6cp.state != PPP_OPENED)
		return;
	send_ra(ps);
	/* A few quickly at first (RFC 4861 6.2.4: no closer than 3 s), then
	 * now and then. */
	ev_timer_arm(loop, t, ps->ra_sent < 3 ? 3000 : 300000);
}

/* ---- IPv6CP ---- */

static int ipv6cp_build_req(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	struct ppp_session *ps = f->arg;

	return ps->no_ifid_opt ? 0 : opt_put(b, 0, cap, IPV6CP_IFID, ps->our_ifid, 8);
}

static int ipv6cp_recv_rej(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o)
		if (o[0] == IPV6CP_IFID)
			ps->no_ifid_opt = true;
	return 0;
}

static bool ifid_zero(const uint8_t *id)
{
	static const uint8_t z[8];

	return !memcmp(id, z, 8);
}

static int ipv6cp_recv_req(struct ppp_fsm *f, const uint8_t *p, size_t len, uint8_t *out,
			   size_t cap, size_t *out_len, int reject_only)
{
	struct ppp_session *ps = f->arg;
	size_t nak = 0, rej = 0;
	uint8_t nakb[64], rejb[256];

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o) {
		if (o[0] == IPV6CP_IFID && o[1] == 10) {
			if (ifid_zero(o + 2) || !memcmp(o + 2, ps->our_ifid, 8)) {
				/* RFC 5072 4.1: suggest a unique, non-zero one. */
				uint8_t id[8];

				do {
					ps->ctx->l2tp->random(id, 8);
					id[0] &= ~0x02;	/* not universal/local-scoped */
				} while (ifid_zero(id) || !memcmp(id, ps->our_ifid, 8));
				nak = opt_put(nakb, nak, sizeof(nakb), IPV6CP_IFID, id, 8);
			} else {
				memcpy(ps->peer_ifid, o + 2, 8);
			}
		} else {
			rej = opt_put(rejb, rej, sizeof(rejb), o[0], o + 2, o[1] - 2);
		}
	}
	return conf_verdict(p, len, nakb, nak, rejb, rej, reject_only, out, cap, out_len);
}

static int ipv6cp_recv_nak(struct ppp_fsm *f, const uint8_t *p, size_t len)
{
	struct ppp_session *ps = f->arg;

	if (opts_valid(p, len))
		return -1;
	FOR_OPTS(p, len, o)
		if (o[0] == IPV6CP_IFID && o[1] == 10 && !ifid_zero(o + 2))
			memcpy(ps->our_ifid, o + 2, 8);
	return 0;
}

static int handoff(struct ppp_session *ps);
static int prefix6_install(struct ppp_session *ps);

static void ipv6cp_up(struct ppp_fsm *f)
{
	struct ppp_session *ps = f->arg;
	struct ppp_ctx *c = ps->ctx;

	plog(LOG_INFO, ps, "IPv6CP up: link-local interface ids agreed");
	ps->phase = PHASE_NETWORK;
	if (ps->client || !c->conf->ipv6_pool_len)
		return;
	if (!ps->has_prefix6 && pfx6_take(ps)) {
		plog(LOG_WARNING, ps, "IPv6 prefix pool exhausted: link-local only");
		return;
	}
	if (prefix6_install(ps)) {
		c->handoff_failures++;
		ppp_fsm_close(&ps->lcp);
		return;
	}
	ev_timer_arm(c->loop, &ps->ra_timer, 0);
}

static const struct ppp_fsm_cb ipv6cp_cb = {
	.build_req = ipv6cp_build_req,
	.recv_req = ipv6cp_recv_req,
	.recv_ack = ipcp_recv_ack,
	.recv_nak = ipv6cp_recv_nak,
	.recv_rej = ipv6cp_recv_rej,
	.this_layer_up = ipv6cp_up,
	.this_layer_finished = ncp_finished,
	.send = fsm_send,
};

static void start_ncps(struct ppp_session *ps)
{
	ps->phase = PHASE_NETWORK;
	ppp_fsm_up(&ps->ipcp);
	ppp_fsm_open(&ps->ipcp);
	if (ps->ctx->conf->ipv6cp) {
		ppp_fsm_up(&ps->ipv6cp);
		ppp_fsm_open(&ps->ipv6cp);
	}
}

/* ---- hand-off to the data plane, and the kernel route ---- */

/* The session into the data plane, and its IPv4 side into the kernel and
 * the TUN path's hash.  Called when either NCP opens: what the other one
 * installed stays, what this one brings is added. */
static int handoff(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	struct l2tp_session *ls = ps->ls;
	struct l2tp_tunnel *t = ls->t;
	struct l2tpx_sess_key key = { htons(t->id), htons(ls->id) };
	struct l2tpx_session v = { 0 };
	struct dp_prefix pfx = { .family = AF_INET, .len = 32 };
	bool v4 = ps->ipcp.state == PPP_OPENED && !ps->v4_up && (ps->peer_ip || ps->client);
	int err;

	if (v4 && !ps->client) {
		addr_link(ps);
		if (c->tun_ifindex > 0 && !nl_route_add(AF_INET, &ps->peer_ip, 32, c->tun_ifindex))
			ps->routed = true;
	} else if (v4) {
		const struct conf_lac *lac =
			t->lac_index >= 0 ? &c->conf->lacs[t->lac_index] : NULL;
		static const uint32_t any;

		/* What pppd does: our address on the interface, the peer's
		 * as its point-to-point partner, a default route if asked. */
		c->client_ps = ps;
		addr_link(ps);
		if (c->tun_ifindex > 0) {
			nl_addr_add(AF_INET, &ps->our_ip, 32, &ps->peer_ip, c->tun_ifindex);
			if (lac && lac->default_route)
				nl_route_add(AF_INET, &any, 0, c->tun_ifindex);
		}
	}
	memcpy(pfx.addr, ps->client ? &ps->our_ip : &ps->peer_ip, 4);
	if (ps->client) {
		/* A client's session carries everything routed into it. */
		pfx.len = 0;
		memset(pfx.addr, 0, 4);
	}
	if (!c->dp || !conf_peer_fast_path(c->conf, &t->peer.addr)) {
		ps->v4_up |= v4;
		return 0;	/* slow path only */
	}
	if (ps->in_dp) {
		/* IPv6CP opened first: IPv4 joins the installed session. */
		if (v4 && (err = dp_prefix_add(c->dp, &key, &pfx)) && err != -EEXIST) {
			plog(LOG_WARNING, ps, "data plane refused the address: %s", strerror(-err));
			return err;
		}
		ps->v4_up |= v4;
		return 0;
	}
	v.local = t->local.addr;
	v.peer = t->peer.addr;
	v.local_port = htons(t->local.port);
	v.peer_port = htons(t->peer.port);
	v.peer_tunnel_id = htons(t->peer_id);
	v.peer_session_id = htons(ls->peer_id);
	v.flags = (ps->peer_acfc ? L2TPX_SF_ACFC : 0) | (ps->peer_pfc ? L2TPX_SF_PFC : 0) |
		  (ls->seq_required ? L2TPX_SF_SEQ : 0) |
		  (udp_ep_is_v4(&t->peer) ? 0 : L2TPX_SF_IPV6) |
		  (ps->client ? 0 : L2TPX_SF_ANTISPOOF) | L2TPX_SF_DAEMON;
	v.mtu = c->conf->mtu;
	v.mss = c->conf->mss;
	err = dp_session_add(c->dp, &key, &v, &pfx, v4 ? 1 : 0);
	if (err) {
		plog(LOG_WARNING, ps, "data plane refused the session: %s", strerror(-err));
		return err;
	}
	ps->in_dp = true;
	ps->v4_up |= v4;
	c->handoffs++;
	plog(LOG_INFO, ps, "in the data plane");
	if (ps->has_prefix6 && ps->ipv6cp.state == PPP_OPENED) {
		struct dp_prefix p6 = { .family = AF_INET6, .len = 64 };

		memcpy(p6.addr, ps->prefix6, 16);
		dp_prefix_add(c->dp, &key, &p6);
	}
	return 0;
}

/* IPCP went down (renegotiation): only its IPv4 side leaves. */
static void handoff_remove_v4(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	struct dp_prefix pfx = { .family = AF_INET, .len = 32 };

	if (!ps->v4_up)
		return;
	if (ps->in_dp && c->dp && !ps->client) {
		memcpy(pfx.addr, &ps->peer_ip, 4);
		dp_prefix_del(c->dp, &pfx);
	}
	if (ps->routed) {
		nl_route_del(AF_INET, &ps->peer_ip, 32, c->tun_ifindex);
		ps->routed = false;
	}
	if (c->client_ps == ps)
		c->client_ps = NULL;
	addr_unlink(ps);
	ps->v4_up = false;
}

/* The session's /64: its route, the data plane's LPM entry (the session
 * enters the data plane here if IPCP did not put it there), the hash the
 * TUN path looks it up in. */
static int prefix6_install(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;
	struct dp_prefix pfx = { .family = AF_INET6, .len = 64 };
	char a[INET6_ADDRSTRLEN];
	int err;

	memcpy(pfx.addr, ps->prefix6, 16);
	uint32_t b = pfx6_bucket(ps->prefix6);

	ps->pnext = c->by_pfx6[b];
	c->by_pfx6[b] = ps;
	if (c->tun_ifindex > 0)
		nl_route_add(AF_INET6, ps->prefix6, 64, c->tun_ifindex);
	if (c->dp) {
		if (!ps->in_dp && (err = handoff(ps)))
			return err;
		if (ps->in_dp) {
			struct l2tpx_sess_key key = { htons(ps->ls->t->id), htons(ps->ls->id) };

			err = dp_prefix_add(c->dp, &key, &pfx);
			if (err && err != -EEXIST) {
				plog(LOG_WARNING, ps, "data plane refused the prefix: %s", strerror(-err));
				return err;
			}
		}
	}
	plog(LOG_NOTICE, ps, "IPv6 prefix %s/64", inet_ntop(AF_INET6, ps->prefix6, a, sizeof(a)));
	return 0;
}

static void handoff_remove(struct ppp_session *ps)
{
	struct ppp_ctx *c = ps->ctx;

	if (ps->has_prefix6 && c->tun_ifindex > 0)
		nl_route_del(AF_INET6, ps->prefix6, 64, c->tun_ifindex);
	pfx6_put(ps);
	ev_timer_disarm(c->loop, &ps->ra_timer);

	if (ps->in_dp && c->dp) {
		struct l2tpx_sess_key key = { htons(ps->ls->t->id), htons(ps->ls->id) };

		dp_session_del(c->dp, &key);
		plog(LOG_INFO, ps, "out of the data plane");
	}
	ps->in_dp = false;
	handoff_remove_v4(ps);
}

/* ---- Proxy LCP and Proxy Authen (RFC 2661 4.4.5): the LAC talked to the
 * client first; with proxy_lcp on we take its result instead of starting
 * over. ---- */

/* The proxied CHAP-MD5 or PAP exchange, checked against our secrets. */
static int proxy_authen(struct ppp_session *ps)
{
	const struct l2tp_session *s = ps->ls;
	struct ppp_ctx *c = ps->ctx;
	const char *server = c->conf->auth_name[0] ? c->conf->auth_name : c->conf->hostname;
	char user[AUTH_NAME_MAX], secret[AUTH_SECRET_MAX];
	size_t n = s->proxy_auth_name.len < sizeof(user) - 1 ? s->proxy_auth_name.len
							      : sizeof(user) - 1;

	if (s->proxy_auth_type != L2TP_PROXY_AUTH_CHAP && s->proxy_auth_type != L2TP_PROXY_AUTH_PAP)
		return 0;	/* none, or a kind we do not check: authenticate here */
	memcpy(user, s->proxy_auth_name.p, n);
	user[n] = '\0';
	if (!c->lookup || c->lookup(c->lookup_arg, user, server, secret, sizeof(secret)))
		return -1;
	if (ppp_auth_set_user(&ps->auth, user) < 0)
		return -1;
	if (s->proxy_auth_type == L2TP_PROXY_AUTH_PAP)
		return s->proxy_auth_response.len == strlen(secret) &&
				       !memcmp(s->proxy_auth_response.p, secret, strlen(secret))
			       ? 1 : -1;
	{
		uint8_t want[16];

		chap_md5_response(s->proxy_auth_id, (const uint8_t *)secret, strlen(secret),
				  s->proxy_auth_challenge.p, s->proxy_auth_challenge.len, want);
		return s->proxy_auth_response.len == 16 &&
				       !memcmp(s->proxy_auth_response.p, want, 16) ? 1 : -1;
	}
}

static bool proxy_lcp(struct ppp_session *ps)
{
	const struct l2tp_session *s = ps->ls;
	struct lcp_opts ours, theirs;

	if (!ps->ctx->conf->proxy_lcp || ps->client || !s->last_tx_confreq.len ||
	    !s->last_rx_confreq.len)
		return false;
	if (opts_valid(s->last_tx_confreq.p, s->last_tx_confreq.len) ||
	    opts_valid(s->last_rx_confreq.p, s->last_rx_confreq.len)) {
		plog(LOG_WARNING, ps, "Proxy LCP malformed: negotiating LCP ourselves");
		return false;
	}
	/* Ours: what the LAC asked the client, in our name; the peer's: what
	 * the client asked the LAC. */
	lcp_opts_read(s->last_tx_confreq.p, s->last_tx_confreq.len, &ours);
	lcp_opts_read(s->last_rx_confreq.p, s->last_rx_confreq.len, &theirs);
	ps->mru = ours.mru;
	ps->magic = ours.magic;
	ps->auth_proto = ours.auth;
	ps->auth_alg = ours.alg;
	ps->peer_mru = theirs.mru ? theirs.mru : 1500;
	ps->peer_magic = theirs.magic;
	ps->peer_acfc = theirs.acfc;
	ps->peer_pfc = theirs.pfc;
	ps->proxied = true;
	ps->proxy_auth = proxy_authen(ps);
	plog(LOG_INFO, ps, "LCP from the LAC's proxy (mru %u, auth 0x%04x)", ours.mru, ours.auth);
	return true;
}

/* ---- the session's life, called by the L2TP layer ---- */

/* The timers, the Echo-Request limit, the three automata and
 * authentication of a session: the same for a new call and for one resumed
 * after a restart. */
static void ps_init_machines(struct ppp_ctx *c, struct ppp_session *ps)
{
	struct ppp_auth_conf ac = { .retry_ms = 3000, .max_tries = 10,
				    .rechallenge_s = c->conf->chap_interval };

	ev_timer_init(&ps->echo_timer, echo_fire, ps);
	/* A burst of one second's worth, then lcp_echo_rate per second. */
	tbucket_init(&ps->echo_rx, c->conf->lcp_echo_rate, c->conf->lcp_echo_rate, ev_now(c->loop));
	ev_timer_init(&ps->close_timer, close_fire, ps);
	ev_timer_init(&ps->ra_timer, ra_fire, ps);
	ppp_fsm_init(&ps->lcp, "LCP", PPP_LCP, &lcp_cb, NULL, c->loop, ps);
	ppp_fsm_init(&ps->ipcp, "IPCP", PPP_IPCP, &ipcp_cb, NULL, c->loop, ps);
	ppp_fsm_init(&ps->ipv6cp, "IPv6CP", PPP_IPV6CP, &ipv6cp_cb, NULL, c->loop, ps);
	ppp_auth_init(&ps->auth, &auth_cb, &ac, c->loop, ps);
}

static void ppp_l2tp_up(struct l2tp_session *ls, void *arg)
{
	struct ppp_ctx *c = arg;
	struct ppp_session *ps = calloc(1, sizeof(*ps));
	uint32_t m;

	if (!ps) {
		l2tp_session_close(ls, L2TP_CDN_NO_FACILITIES_TEMP, 0, "out of memory");
		return;
	}
	ps->ctx = c;
	ps->ls = ls;
	ls->upper = ps;
	ps->client = ls->lac;
	ps->mru = max_mru(c);
	c->l2tp->random(&m, sizeof(m));
	ps->magic = m | 1;
	c->l2tp->random(ps->our_ifid, 8);
	ps->our_ifid[0] &= ~0x02;
	ps->our_ifid[7] |= 1;
	if (!ps->client) {
		ps->our_ip = c->conf->local_ip;
		switch (c->conf->auth) {
		case CONF_AUTH_PAP:
			ps->auth_proto = PPP_PROTO_PAP;
			break;
		case CONF_AUTH_CHAP:
			ps->auth_proto = PPP_PROTO_CHAP, ps->auth_alg = CHAP_MD5;
			break;
		case CONF_AUTH_MSCHAPV2:
			ps->auth_proto = PPP_PROTO_CHAP, ps->auth_alg = CHAP_MSCHAPV2;
			break;
		default:
			break;
		}
	}
	ps_init_machines(c, ps);
	c->nsessions++;
	ppp_fsm_up(&ps->lcp);
	if (proxy_lcp(ps) && !ppp_fsm_proxy_open(&ps->lcp))
		return;
	ppp_fsm_open(&ps->lcp);
}

/* ---- restart: a PPP session from the state file ---- */

/* An NCP as it was: Opened, or at rest (Closed, Stopped: the peer rejected
 * it), or negotiated again from the start. */
static void ncp_resume(struct ppp_fsm *f, uint8_t st)
{
	if (st == PPP_OPENED || st == PPP_INITIAL || st == PPP_CLOSED || st == PPP_STOPPED) {
		f->state = st;
		return;
	}
	ppp_fsm_up(f);
	ppp_fsm_open(f);
}

void ppp_session_resume(struct ppp_ctx *c, struct l2tp_session *ls, const struct state_ppp *sp)
{
	struct l2tpx_sess_key key = { htons(ls->t->id), htons(ls->id) };
	struct l2tpx_session cur;
	struct ppp_session *ps;
	uint32_t a;

	if (sp->lcp != PPP_OPENED || sp->phase != PHASE_NETWORK || sp->client != ls->lac) {
		/* Caught while negotiating: negotiate again from the start. */
		ppp_l2tp_up(ls, c);
		return;
	}
	if (!sp->client && sp->peer_ip && pool_is_used(&c->pool, sp->peer_ip)) {
		/* Another resumed call has this address: never two. */
		l2tp_session_close(ls, L2TP_CDN_GENERAL_ERROR, 0, "address taken twice in the state file");
		return;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps) {
		l2tp_session_close(ls, L2TP_CDN_NO_FACILITIES_TEMP, 0, "out of memory");
		return;
	}
	ps->ctx = c;
	ps->ls = ls;
	ls->upper = ps;
	ps->client = sp->client;
	ps->phase = PHASE_NETWORK;
	ps->magic = sp->magic;
	ps->peer_magic = sp->peer_magic;
	ps->mru = sp->mru;
	ps->peer_mru = sp->peer_mru;
	ps->auth_proto = sp->auth_proto;
	ps->auth_alg = sp->auth_alg;
	ps->peer_auth_proto = sp->peer_auth_proto;
	ps->peer_auth_alg = sp->peer_auth_alg;
	ps->peer_acfc = sp->peer_acfc;
	ps->peer_pfc = sp->peer_pfc;
	ps->no_addr_opt = sp->no_addr_opt;
	ps->no_ifid_opt = sp->no_ifid_opt;
	ps->our_ip = sp->our_ip;
	ps->peer_ip = sp->peer_ip;
	memcpy(ps->dns, sp->dns, sizeof(ps->dns));
	memcpy(ps->our_ifid, sp->our_ifid, 8);
	memcpy(ps->peer_ifid, sp->peer_ifid, 8);
	ps_init_machines(c, ps);
	/* Authenticated before the restart. */
	ps->auth.server = !ps->client;
	ps->auth.method = method_of(ps->client ? ps->peer_auth_proto : ps->auth_proto,
				    ps->client ? ps->peer_auth_alg : ps->auth_alg);
	ps->auth.state = AUTH_ST_OPEN;
	ps->auth.done_ok = true;
	(void)ppp_auth_set_user(&ps->auth, sp->user);	/* too long: none, and said */
	if (ps->client && ls->t->lac_index >= 0) {
		/* Our credentials, for the authenticator's re-challenges. */
		const struct conf_lac *lac = &c->conf->lacs[ls->t->lac_index];

		(void)ppp_auth_set_user(&ps->auth, lac->user);
		ps->auth.password = lac->password;
	}
	if (!ps->client && ps->auth.method != AUTH_NONE) {
		/* What a periodic CHAP re-challenge needs, and its timer. */
		ps->auth.name = c->conf->auth_name[0] ? c->conf->auth_name : c->conf->hostname;
		ps->auth.lookup = c->lookup;
		ps->auth.lookup_arg = c->lookup_arg;
		if (ps->auth.method != AUTH_PAP && c->conf->chap_interval)
			ev_timer_arm(c->loop, &ps->auth.timer, c->conf->chap_interval * 1000ULL);
	}
	c->nsessions++;
	ps->lcp.state = PPP_OPENED;
	/* The pool and the prefix bitmap learn again what is taken. */
	if (sp->ip_from_pool && !ps->client && ps->peer_ip && !pool_take(&c->pool, ps->peer_ip, &a))
		ps->ip_from_pool = true;
	if (sp->has_prefix6 && !ps->client && c->pfx6_used && sp->prefix6_index < c->pfx6_count &&
	    !(c->pfx6_used[sp->prefix6_index / 8] & (1 << (sp->prefix6_index % 8)))) {
		c->pfx6_used[sp->prefix6_index / 8] |= 1 << (sp->prefix6_index % 8);
		memcpy(ps->prefix6, sp->prefix6, 16);
		ps->prefix6_index = sp->prefix6_index;
		ps->has_prefix6 = true;
	}
	ncp_resume(&ps->ipcp, sp->ipcp);
	ncp_resume(&ps->ipv6cp, c->conf->ipv6cp ? sp->ipv6cp : PPP_INITIAL);
	/* The maps kept the session: take it as ours.  Missing (removed by
	 * hand, or a new pin directory): installed again. */
	ps->in_dp = sp->in_dp && c->dp && !dp_session_get(c->dp, &key, &cur);
	if (sp->in_dp && c->dp && !ps->in_dp)
		plog(LOG_NOTICE, ps, "not in the maps any more: installing it again");
	if ((ps->ipcp.state == PPP_OPENED && handoff(ps)) ||
	    (ps->ipv6cp.state == PPP_OPENED && ps->has_prefix6 && prefix6_install(ps))) {
		c->handoff_failures++;
		ppp_fsm_close(&ps->lcp);
		return;
	}
	if (ps->has_prefix6 && ps->ipv6cp.state == PPP_OPENED) {
		ps->ra_sent = 3;	/* the quick ones went out before */
		ev_timer_arm(c->loop, &ps->ra_timer, 3000);
	}
	if (c->conf->lcp_echo_interval)
		ev_timer_arm(c->loop, &ps->echo_timer, c->conf->lcp_echo_interval * 1000ULL);
	plog(LOG_INFO, ps, "PPP resumed from the state file (%s%s)",
	     ps->in_dp ? "in the data plane" : "slow path", ps->has_prefix6 ? ", IPv6 prefix" : "");
}

/* The session's PPP state and memory; the maps and the pool are the
 * caller's business. */
static void ps_free(struct ppp_ctx *c, struct l2tp_session *ls, struct ppp_session *ps)
{
	ev_timer_disarm(c->loop, &ps->echo_timer);
	ev_timer_disarm(c->loop, &ps->close_timer);
	ev_timer_disarm(c->loop, &ps->ra_timer);
	ppp_auth_fini(&ps->auth);
	ppp_fsm_fini(&ps->lcp);
	ppp_fsm_fini(&ps->ipcp);
	ppp_fsm_fini(&ps->ipv6cp);
	ls->upper = NULL;
	ps->ls = NULL;
	c->nsessions--;
	free(ps);
}

static void ppp_l2tp_down(struct l2tp_session *ls, void *arg)
{
	struct ppp_session *ps = ls->upper;
	struct ppp_ctx *c = arg;

	if (!ps)
		return;
	plog(LOG_NOTICE, ps, "session down (slow path rx %llu tx %llu frames)",
	     (unsigned long long)ls->rx_data, (unsigned long long)ls->tx_data);
	/* Out of the data plane at once, the address back to the pool. */
	handoff_remove(ps);
	if (ps->ip_from_pool)
		pool_put(&c->pool, ps->peer_ip);
	ps_free(c, ls, ps);
}

void ppp_ctx_release(struct ppp_ctx *c, struct l2tp *l)
{
	for (int i = 1; l->tunnels && i < 65536; i++)
		for (struct l2tp_session *ls = l->tunnels[i] ? l->tunnels[i]->sessions : NULL; ls;
		     ls = ls->tnext)
			if (ls->upper)
				ps_free(c, ls, ls->upper);
}

static void ppp_l2tp_data(struct l2tp_session *ls, const uint8_t *p, size_t len, void *arg)
{
	struct ppp_session *ps = ls->upper;
	struct ppp_ctx *c = arg;
	uint16_t proto;

	if (!ps)
		return;
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03)
		p += 2, len -= 2;
	if (len < 1)
		return;
	if (p[0] & 1) {
		proto = p[0];
		p++, len--;
	} else {
		if (len < 2)
			return;
		proto = p[0] << 8 | p[1];
		p += 2, len -= 2;
	}
	/* Negotiation moves the state file; echoes and data do not. */
	if (proto != PPP_IP && proto != PPP_IPV6 &&
	    !(proto == PPP_LCP && len && (p[0] == PPP_ECHO_REQ || p[0] == PPP_ECHO_REP)))
		l2tp_changed(c->l2tp);
	switch (proto) {
	case PPP_LCP:
		ppp_fsm_input(&ps->lcp, p, len);
		return;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		if (ps->lcp.state == PPP_OPENED)
			ppp_auth_input(&ps->auth, proto, p, len);
		return;
	case PPP_IPCP:
		if (ps->phase == PHASE_NETWORK)
			ppp_fsm_input(&ps->ipcp, p, len);
		return;
	case PPP_IPV6CP:
		if (ps->phase == PHASE_NETWORK && c->conf->ipv6cp)
			ppp_fsm_input(&ps->ipv6cp, p, len);
		else
			goto reject;
		return;
	case PPP_IP:
	case PPP_IPV6:
		if ((proto == PPP_IP ? ps->ipcp.state : ps->ipv6cp.state) != PPP_OPENED)
			return;
		/* A router solicitation (hop limit 255, code 0: RFC 4861
		 * 6.1.1): answered with our RA after a random delay of up to
		 * half a second (6.2.6). */
		if (proto == PPP_IPV6 && len >= 48 && p[6] == 58 && p[40] == 133 && !ps->client) {
			uint16_t d;

			if (p[7] == 255 && p[41] == 0 && ps->has_prefix6) {
				c->l2tp->random(&d, sizeof(d));
				if (!ev_timer_armed(&ps->ra_timer) ||
				    ps->ra_timer.deadline > ev_now(c->loop) + 500)
					ev_timer_arm(c->loop, &ps->ra_timer, d % 500);
			}
			return;
		}
		ps->slow_rx++;
		if (c->tun_fd >= 0 && write(c->tun_fd, p, len) < 0)
			log_debug("tun write: %s", strerror(errno));
		return;
	default:
		break;
	}
reject:
	/* Anything else: LCP Protocol-Reject (RFC 1661 5.7). */
	if (ps->lcp.state == PPP_OPENED) {
		uint8_t rej[PPP_MAX_FRAME];
		size_t n = len + 2 > 1400 ? 1400 : len + 2;

		rej[0] = PPP_PROTO_REJ;
		rej[1] = ++ps->echo_id;
		rej[2] = (n + 4) >> 8;
		rej[3] = (n + 4) & 0xff;
		rej[4] = proto >> 8;
		rej[5] = proto & 0xff;
		memcpy(rej + 6, p, n - 2);
		send_frame(ps, PPP_LCP, rej, n + 4);
	}
}

static void ppp_tunnel_down(struct l2tp_tunnel *t, void *arg)
{
	/* Every call already went down on its own (ppp_l2tp_down). */
}

static void ppp_tunnel_moved(struct l2tp_tunnel *t, void *arg)
{
	struct ppp_ctx *c = arg;

	for (struct l2tp_session *s = t->sessions; s && c->dp; s = s->tnext) {
		struct ppp_session *ps = s->upper;
		struct l2tpx_sess_key key = { htons(t->id), htons(s->id) };

		if (ps && ps->in_dp && dp_session_set_peer_port(c->dp, &key, htons(t->peer.port)))
			plog(LOG_WARNING, ps, "data plane did not follow the peer's new port");
	}
}

const struct l2tp_session_ops ppp_l2tp_ops = {
	.up = ppp_l2tp_up,
	.down = ppp_l2tp_down,
	.data = ppp_l2tp_data,
	.tunnel_down = ppp_tunnel_down,
	.tunnel_moved = ppp_tunnel_moved,
};

/* ---- the TUN device: packets the kernel routes to subscribers ---- */

static void tun_readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ppp_ctx *c = arg;
	uint8_t buf[PPP_MAX_FRAME];

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, buf + 4, sizeof(buf) - 4);
		struct ppp_session *ps;
		uint32_t dst;

		if (n <= 0)
			return;
		uint16_t proto;

		if (n >= 40 && (buf[4] >> 4) == 6) {
			const uint8_t *d6 = buf + 4 + 24;

			proto = PPP_IPV6;
			for (ps = c->by_pfx6[pfx6_bucket(d6)]; ps; ps = ps->pnext)
				if (!memcmp(ps->prefix6, d6, 8))
					break;
		} else if (n >= 20 && (buf[4] >> 4) == 4) {
			uint32_t src;

			proto = PPP_IP;
			memcpy(&dst, buf + 4 + 16, 4);
			memcpy(&src, buf + 4 + 12, 4);
			for (ps = c->by_addr[addr_bucket(dst)]; ps; ps = ps->anext)
				if (!ps->client && ps->peer_ip == dst)
					break;
			if (!ps)
				for (ps = c->by_addr[addr_bucket(src)]; ps; ps = ps->anext)
					if (ps->client && ps->our_ip == src)
						break;
		} else {
			continue;
		}
		if (!ps && c->client_ps) {
			/* A client with one call sends everything into it; with
			 * several, the source address chose above. */
			ps = c->client_ps;
			if (proto == PPP_IP)
				log_debug("tun: no call owns source %u.%u.%u.%u: sent on the last one",
					  buf[16], buf[17], buf[18], buf[19]);
		}
		if (!ps || !ps->ls)
			continue;
		buf[0] = 0xff;
		buf[1] = 0x03;
		buf[2] = proto >> 8;
		buf[3] = proto & 0xff;
		ps->slow_tx++;
		l2tp_session_send_data(ps->ls, buf, n + 4);
	}
}

int ppp_ctx_init(struct ppp_ctx *c, struct ev_loop *loop, const struct conf *conf,
		 struct l2tp *l2tp, struct dp *dp, int tun_fd)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->conf = conf;
	c->l2tp = l2tp;
	c->dp = dp;
	c->tun_fd = tun_fd;
	c->tun_ifindex = conf->subscriber_dev[0] ? tun_ifindex(conf->subscriber_dev) : -1;
	pool_init(&c->pool);
	for (int i = 0; i < conf->nranges; i++)
		if (pool_add_range(&c->pool, conf->ip_range[i])) {
			log_warnx("ip_range %s: not a range, prefix or address", conf->ip_range[i]);
			return -EINVAL;
		}
	if (conf->ipv6_pool_len) {
		unsigned int bits = 64 - conf->ipv6_pool_len;

		c->pfx6_count = bits >= 16 ? 65536 : 1u << bits;
		c->pfx6_used = calloc(c->pfx6_count / 8 + 1, 1);
		if (!c->pfx6_used)
			return -ENOMEM;
	}
	if (tun_fd >= 0)
		ev_fd_add(loop, tun_fd, 1, tun_readable, c);
	l2tp->sops = &ppp_l2tp_ops;
	l2tp->sops_arg = c;
	return 0;
}

void ppp_ctx_fini(struct ppp_ctx *c)
{
	if (c->tun_fd >= 0) {
		ev_fd_del(c->loop, c->tun_fd);
		close(c->tun_fd);
	}
	pool_fini(&c->pool);
	free(c->pfx6_used);
}
