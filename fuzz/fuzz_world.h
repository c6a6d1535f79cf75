/* SPDX-License-Identifier: GPL-2.0 */
/* The stateful fuzz targets' world: l2tpx under the fake peer of
 * tests/l2tp_peer.h (fake clock, capturing xmit, deterministic random), a
 * prelude that brings it to a chosen state, then the input's records fed
 * through l2tp_input().  What l2tpx sends is checked after every record:
 * each control message must parse with our own codec, and each PPP control
 * packet's Length must be the frame's.  Either failing is a crash. */
#ifndef L2TPX_FUZZ_WORLD_H
#define L2TPX_FUZZ_WORLD_H

#include "fuzz.h"
#include "l2tp_peer.h"
#include "ppp.h"

#define FW_PSID 0x4242		/* the peer's session id */

struct fw {
	struct fx *f;
	struct peer p;
	struct ppp_ctx *ctx;	/* NULL: the fixture's own session ops */
	struct l2tp_session *s;	/* l2tpx's end of the call, once there is one */
	uint16_t sid;
	uint8_t chal[256];	/* the last CHAP-MD5 Challenge l2tpx sent */
	size_t chal_len;
	uint8_t chal_id;
	/* l2tpx's last Configure-Request of LCP, IPCP, IPv6CP (from Code) */
	uint8_t req[3][256];
	size_t req_len[3];
	struct l2tp_msg m;
};

static inline int fw_lookup(void *arg, const char *client, const char *server, char *secret,
			    size_t cap)
{
	if (strcmp(client, "alice"))
		return -1;
	snprintf(secret, cap, "wonderland");
	return 0;
}

static inline void fw_check_ppp(struct fw *w, const uint8_t *b, size_t len)
{
	size_t off = 6;
	uint16_t proto;

	if (len >= off + 2 && b[off] == 0xff && b[off + 1] == 0x03)
		off += 2;
	if (len < off + 2)
		abort();	/* a data message with no PPP protocol */
	proto = b[off] << 8 | b[off + 1];
	off += 2;
	if (proto == PPP_LCP || proto == PPP_IPCP || proto == PPP_IPV6CP || proto == PPP_PAP ||
	    proto == PPP_CHAP) {
		if (len - off < 4 || (size_t)(b[off + 2] << 8 | b[off + 3]) != len - off)
			abort();	/* Length is not the packet's */
	}
	if (b[off] == 1 && len - off < sizeof(w->req[0])) {
		int i = proto == PPP_LCP ? 0 : proto == PPP_IPCP ? 1 : proto == PPP_IPV6CP ? 2 : -1;

		if (i >= 0) {
			memcpy(w->req[i], b + off, len - off);
			w->req_len[i] = len - off;
		}
	}
	if (proto == PPP_CHAP && b[off] == 1 && len - off >= 5 &&
	    (size_t)b[off + 4] + 5 <= len - off) {
		w->chal_id = b[off + 1];
		w->chal_len = b[off + 4];
		memcpy(w->chal, b + off + 5, w->chal_len);
	}
}

/* Checks and forgets what l2tpx sent; the peer's Nr follows it. */
static inline void fw_drain(struct fw *w)
{
	struct l2tp_secret sec;
	struct l2tp_parse_err e;

	for (int i = w->f->rd; i < w->f->nwire; i++) {
		const struct sent *s = &w->f->wire[i];

		if (s->len < 6)
			abort();
		if (!(s->buf[0] & 0x80)) {
			fw_check_ppp(w, s->buf, s->len);
			continue;
		}
		if (l2tp_msg_parse(s->buf, s->len, secret_of(w->p.secret, &sec), &w->m, &e) &&
		    e.code != L2TP_PERR_UNKNOWN_MANDATORY)
			abort();	/* l2tpx sent what it cannot parse itself */
		if (!w->m.zlb && w->m.hdr.ns == w->p.nr)
			w->p.nr++;
	}
	w->f->nwire = w->f->rd = 0;
}

/* l2tpx with the PPP layer (ppp) or the fixture's session ops. */
static inline void fw_init(struct fw *w, bool ppp, uint8_t cf)
{
	struct conf *c;

	memset(w, 0, sizeof(*w));
	w->f = fx_new();
	c = &w->f->conf;
	c->hello_interval = cf & 0x01 ? 60 : 0;
	c->ipv6cp = cf & 0x02;
	c->auth = (enum conf_auth)((cf >> 2) & 3);
	c->proxy_lcp = cf & 0x10;
	c->lcp_echo_interval = cf & 0x20 ? 5 : 0;
	snprintf(c->ip_range[0], sizeof(c->ip_range[0]), "192.0.2.10-192.0.2.12");
	c->nranges = 1;
	inet_pton(AF_INET, "192.0.2.1", &c->local_ip);
	if (cf & 0x40) {
		static const uint8_t pool[16] = { 0x20, 0x01, 0x0d, 0xb8 };

		memcpy(c->ipv6_pool, pool, 16);
		c->ipv6_pool_len = 48;
	}
	peer_init(&w->p, ep4(192, 0, 2, 2, 1701), 100);
	if (ppp) {
		w->ctx = calloc(1, sizeof(*w->ctx));
		if (!w->ctx || ppp_ctx_init(w->ctx, w->f->loop, c, &w->f->l, NULL, -1))
			abort();
		w->ctx->lookup = fw_lookup;
	}
}

/* A tunnel secret: only for the states reached without a prelude (the
 * fixture's flows do not answer challenges). */
static inline void fw_secret(struct fw *w)
{
	struct conf *c = &w->f->conf;

	snprintf(c->secret, sizeof(c->secret), "fuzz");
	c->has_secret = true;
	c->hide_avps = true;
	w->p.secret = "fuzz";
}

/* Preludes: 0 nothing, 1 an LNS tunnel, 2 an LNS call, 3 a LAC call
 * (l2tpx dialled, the fake LNS accepted it). */
static inline void fw_prelude(struct fw *w, unsigned int level)
{
	struct fx *f = w->f;

	switch (level) {
	case 1:
		lns_establish(f, &w->p);
		break;
	case 2:
		lns_establish(f, &w->p);
		w->s = lns_call(f, &w->p, FW_PSID);
		break;
	case 3: {
		struct l2tp_tunnel *t = lac_dial(f, &w->p);

		w->s = lac_up(f, &w->p, t);
		if (!w->s)
			abort();
		msg(&w->p, L2TP_MSG_ICRP);
		put_required(&w->p, L2TP_MSG_ICRP, FW_PSID);
		send_msg(f, &w->p, w->s->id);
		break;
	}
	default:
		break;
	}
	if (w->s)
		w->sid = w->s->id;
	fw_drain(w);
}

/* A control message from the peer: raw (header as given), or with the
 * header fixed up to be in sequence on the peer's tunnel. */
static inline void fw_send_ctrl(struct fw *w, const uint8_t *b, size_t len, bool fix,
				const struct udp_ep *from)
{
	uint8_t buf[2048];

	if (len > sizeof(buf))
		len = sizeof(buf);
	memcpy(buf, b, len);
	if (fix && len >= L2TP_CTRL_HDR_LEN) {
		buf[0] = 0xc8;
		buf[1] = 0x02;
		buf[2] = len >> 8;
		buf[3] = len & 0xff;
		buf[4] = w->p.ltid >> 8;
		buf[5] = w->p.ltid & 0xff;
		buf[8] = w->p.ns >> 8;
		buf[9] = w->p.ns & 0xff;
		buf[10] = w->p.nr >> 8;
		buf[11] = w->p.nr & 0xff;
		if (len > L2TP_CTRL_HDR_LEN)
			w->p.ns++;
	}
	l2tp_input(&w->f->l, w->f->fd, buf, len, from, &w->f->local);
}

static inline void fw_fini(struct fw *w)
{
	struct l2tp *l = &w->f->l;

	/* Calls still up go down through their upper layer, which frees
	 * what it holds. */
	for (unsigned int i = 1, seen = 0; seen < l->ntunnels && i < 65536; i++) {
		if (!l->tunnels[i])
			continue;
		seen++;
		while (l->tunnels[i]->sessions)
			session_destroy(l->tunnels[i]->sessions, true);
	}
	fx_free(w->f);
	if (w->ctx) {
		ppp_ctx_fini(w->ctx);
		free(w->ctx);
	}
}

#endif
