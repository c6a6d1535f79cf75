// SPDX-License-Identifier: GPL-2.0
/* Reliable delivery engine for the L2TP control connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_rdt.h"
#include "log.h"

#define HDR_LEN	12
#define OFF_NS	8
#define OFF_NR	10

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void rtx_fire(struct ev_loop *loop, struct ev_timer *t, void *arg);
static void ack_fire(struct ev_loop *loop, struct ev_timer *t, void *arg);

void l2tp_rdt_init(struct l2tp_rdt *r, struct ev_loop *loop, const struct l2tp_rdt_conf *conf,
		   const struct l2tp_rdt_ops *ops, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->ops = ops;
	r->ctx = ctx;
	if (conf)
		r->conf = *conf;
	if (!r->conf.rtx_initial_ms)
		r->conf.rtx_initial_ms = 1000;
	if (!r->conf.rtx_cap_ms)
		r->conf.rtx_cap_ms = 8000;
	if (!r->conf.max_retries)
		r->conf.max_retries = 5;
	if (!r->conf.ack_delay_ms)
		r->conf.ack_delay_ms = 100;
	if (!r->conf.rws || r->conf.rws > RDT_MAX_RWS)
		r->conf.rws = 8;
	r->peer_rws = 4;	/* RFC 2661 4.4.3: 4 when the peer sends none */
	r->rtx_ms = r->conf.rtx_initial_ms;
	ev_timer_init(&r->rtx_timer, rtx_fire, r);
	ev_timer_init(&r->ack_timer, ack_fire, r);
}

void l2tp_rdt_fini(struct l2tp_rdt *r)
{
	unsigned int i;

	ev_timer_disarm(r->loop, &r->rtx_timer);
	ev_timer_disarm(r->loop, &r->ack_timer);
	for (i = 0; i < r->qlen; i++)
		free(r->q[(r->qhead + i) % r->qcap].buf);
	free(r->q);
	r->q = NULL;
	r->qcap = r->qhead = r->qlen = r->inflight = 0;
	for (i = 0; i < RDT_MAX_RWS; i++) {
		free(r->ooo[i].buf);
		r->ooo[i].buf = NULL;
	}
}

void l2tp_rdt_set_peer(struct l2tp_rdt *r, uint16_t peer_tunnel_id, uint16_t peer_rws)
{
	r->peer_tunnel_id = peer_tunnel_id;
	if (peer_rws)
		r->peer_rws = peer_rws;
}

int l2tp_rdt_idle(const struct l2tp_rdt *r)
{
	return r->qlen == 0;
}

static struct rdt_msg *qat(struct l2tp_rdt *r, unsigned int i)
{
	return &r->q[(r->qhead + i) % r->qcap];
}

/* Every transmission carries our current Nr, so it also acknowledges. */
static void xmit(struct l2tp_rdt *r, struct rdt_msg *m)
{
	put16(m->buf + OFF_NR, r->nr);
	r->nr_sent = r->nr;
	r->ops->xmit(r->ctx, m->buf, m->len);
	ev_timer_disarm(r->loop, &r->ack_timer);
}

/* Send what the window allows. */
static void pump(struct l2tp_rdt *r)
{
	while (r->inflight < r->qlen && r->inflight < r->peer_rws) {
		xmit(r, qat(r, r->inflight));
		r->inflight++;
		r->n_sent++;
	}
	if (r->inflight && !ev_timer_armed(&r->rtx_timer))
		ev_timer_arm(r->loop, &r->rtx_timer, r->rtx_ms);
}

int l2tp_rdt_send(struct l2tp_rdt *r, const uint8_t *buf, size_t len)
{
	struct rdt_msg *m;

	if (len < HDR_LEN)
		return -EINVAL;
	if (r->qlen == RDT_MAX_QUEUE)
		return -ENOBUFS;
	if (r->qlen == r->qcap) {
		/* Grow the ring, oldest first at 0.  Most tunnels never need
		 * more than a few slots. */
		unsigned int ncap = r->qcap ? r->qcap * 2 : 8;
		struct rdt_msg *nq = malloc(ncap * sizeof(*nq));

		if (!nq)
			return -ENOMEM;
		for (unsigned int i = 0; i < r->qlen; i++)
			nq[i] = *qat(r, i);
		free(r->q);
		r->q = nq;
		r->qcap = ncap;
		r->qhead = 0;
	}
	m = qat(r, r->qlen);
	m->buf = malloc(len);
	if (!m->buf)
		return -ENOMEM;
	memcpy(m->buf, buf, len);
	m->len = len;
	m->ns = r->ns++;
	put16(m->buf + OFF_NS, m->ns);
	r->qlen++;
	pump(r);
	return 0;
}

void l2tp_rdt_ack_now(struct l2tp_rdt *r)
{
	uint8_t zlb[HDR_LEN];

	/* T, L, S, version 2; Length 12; session 0; Ns is the next to send. */
	put16(zlb, 0xc802);
	put16(zlb + 2, HDR_LEN);
	put16(zlb + 4, r->peer_tunnel_id);
	put16(zlb + 6, 0);
	put16(zlb + OFF_NS, r->ns);
	put16(zlb + OFF_NR, r->nr);
	r->nr_sent = r->nr;
	r->ops->xmit(r->ctx, zlb, sizeof(zlb));
	r->n_zlb_sent++;
	ev_timer_disarm(r->loop, &r->ack_timer);
}

static void ack_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	l2tp_rdt_ack_now(arg);
}

static void rtx_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct l2tp_rdt *r = arg;
	unsigned int i;

	if (!r->inflight)
		return;
	if (++r->retries > r->conf.max_retries) {
		log_debug("rdt: no acknowledgement after %u retries", r->conf.max_retries);
		r->ops->failed(r->ctx);
		return;
	}
	for (i = 0; i < r->inflight; i++) {
		xmit(r, qat(r, i));
		r->n_retransmitted++;
	}
	r->rtx_ms *= 2;
	if (r->rtx_ms > r->conf.rtx_cap_ms)
		r->rtx_ms = r->conf.rtx_cap_ms;
	ev_timer_arm(r->loop, &r->rtx_timer, r->rtx_ms);
}

/* The peer's Nr acknowledges everything we sent below it. */
static void acked(struct l2tp_rdt *r, uint16_t nr)
{
	int progress = 0;

	/* An Nr ahead of what we have sent is bogus: ignore it. */
	if (seq_lt(r->ns, nr))
		return;
	while (r->inflight && seq_lt(qat(r, 0)->ns, nr)) {
		free(qat(r, 0)->buf);
		qat(r, 0)->buf = NULL;
		r->qhead = (r->qhead + 1) % r->qcap;
		r->qlen--;
		r->inflight--;
		progress = 1;
	}
	if (progress) {
		r->retries = 0;
		r->rtx_ms = r->conf.rtx_initial_ms;
		ev_timer_disarm(r->loop, &r->rtx_timer);
	}
	pump(r);
}

static int deliver(struct l2tp_rdt *r, const uint8_t *buf, size_t len)
{
	r->nr++;
	r->n_received++;
	return r->ops->deliver(r->ctx, buf, len);
}

int l2tp_rdt_recv(struct l2tp_rdt *r, uint16_t ns, uint16_t nr, const uint8_t *buf,
		  size_t len, int zlb)
{
	int16_t d;

	if (r->resync) {
		/* The first message after a restart.  A state file written a
		 * moment before a crash may lag what the peer has seen: what we
		 * had acknowledged it never sends again, and what we had sent
		 * it already holds.  Take its numbers where they are ahead. */
		r->resync = false;
		if (seq_lt(r->nr, ns))
			r->nr = ns;
		if (seq_lt(r->ns, nr) && r->inflight == r->qlen)
			r->ns = nr;	/* and acked() below drops what it had */
	}
	acked(r, nr);
	if (zlb)
		return 0;
	d = (int16_t)(ns - r->nr);
	if (d < 0) {
		/* Seen before: our acknowledgement was lost.  Say it again. */
		r->n_duplicates++;
		l2tp_rdt_ack_now(r);
		return 0;
	}
	if (d > 0) {
		struct rdt_msg *slot;

		if (d > r->conf.rws || d > RDT_MAX_RWS) {
			r->n_out_of_window++;
			return 0;
		}
		slot = &r->ooo[d - 1];
		if (!slot->buf) {
			slot->buf = malloc(len);
			if (!slot->buf)
				return 0;
			memcpy(slot->buf, buf, len);
			slot->len = len;
			slot->ns = ns;
			r->n_out_of_order++;
		}
		return 0;
	}
	if (deliver(r, buf, len))
		return 1;
	/* Each delivery moves the window by one: the slots shift with it, and
	 * what waited behind the gap goes up in order. */
	for (;;) {
		struct rdt_msg m = r->ooo[0];

		memmove(&r->ooo[0], &r->ooo[1], (RDT_MAX_RWS - 1) * sizeof(r->ooo[0]));
		r->ooo[RDT_MAX_RWS - 1].buf = NULL;
		if (!m.buf)
			break;
		if (deliver(r, m.buf, m.len)) {
			free(m.buf);
			return 1;
		}
		free(m.buf);
	}
	/* Half our window unacknowledged: acknowledge now, or a peer with a
	 * backlog (many calls being placed) idles for the ack delay each time
	 * it fills the window. */
	if ((uint16_t)(r->nr - r->nr_sent) >= (r->conf.rws + 1) / 2) {
		l2tp_rdt_ack_now(r);
		return 0;
	}
	/* Acknowledge later, unless a reply carried (or carries) the Nr first. */
	if (r->nr_sent != r->nr && !ev_timer_armed(&r->ack_timer))
		ev_timer_arm(r->loop, &r->ack_timer, r->conf.ack_delay_ms);
	return 0;
}
