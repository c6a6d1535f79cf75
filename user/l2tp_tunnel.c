// SPDX-License-Identifier: GPL-2.0
/* L2TP control connections (RFC 2661 7.2): SCCRQ/SCCRP/SCCCN with tie
 * breaker and tunnel authentication, StopCCN with its hold period, HELLO,
 * limits against floods, and the socket input that feeds tunnels and
 * sessions. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "l2tp.h"
#include "log.h"
#include "state.h"
#include "util.h"

#define FIRMWARE_REV	0x0100
#define MSG_MAX		1024
#define SETUP_DEADLINE_MS 60000

static const char *const tstate_names[] = {
	[TUNNEL_IDLE] = "idle",
	[TUNNEL_WAIT_CTL_REPLY] = "wait-ctl-reply",
	[TUNNEL_WAIT_CTL_CONN] = "wait-ctl-conn",
	[TUNNEL_ESTABLISHED] = "established",
	[TUNNEL_CLOSING] = "closing",
};

const char *tunnel_state_str(enum tunnel_state s)
{
	return s <= TUNNEL_CLOSING ? tstate_names[s] : "?";
}

#define tlog(pri, t, fmt, ...)                                                          \
	do {                                                                            \
		char _ep[64];                                                           \
		log_msg(pri, "tunnel %u/%u %s: " fmt, (t)->id, (t)->peer_id,            \
			udp_ep_str(&(t)->peer, _ep, sizeof(_ep)), ##__VA_ARGS__);       \
	} while (0)

static void sys_random(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) != (ssize_t)len)
		fatal("getrandom");
}

static int sys_xmit(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
		    const struct udp_ep *local, const struct udp_ep *peer)
{
	ssize_t n = udp_send(fd, buf, len, local, peer);

	if (n < 0) {
		errno = -n;
		log_warn("send to port %u", peer->port);
	}
	return n < 0 ? (int)n : 0;
}

int l2tp_init(struct l2tp *l, struct ev_loop *loop, const struct conf *conf)
{
	memset(l, 0, sizeof(*l));
	l->loop = loop;
	l->conf = conf;
	l->tunnels = calloc(65536, sizeof(*l->tunnels));
	l->sess = calloc(L2TP_SESS_BUCKETS, sizeof(*l->sess));
	l->by_peer = calloc(L2TP_PEER_BUCKETS, sizeof(*l->by_peer));
	if (!l->tunnels || !l->sess || !l->by_peer)
		return -ENOMEM;
	l->xmit = sys_xmit;
	l->random = sys_random;
	for (int i = 0; i < L2TP_MAX_SOCKS; i++)
		l->fds[i] = -1;
	return 0;
}

static void tunnel_free(struct l2tp_tunnel *t, bool notify);

void l2tp_fini(struct l2tp *l)
{
	/* tunnel_free counts ntunnels down: stop at the last one. */
	for (int i = 1; l->tunnels && l->ntunnels && i < 65536; i++)
		if (l->tunnels[i])
			tunnel_free(l->tunnels[i], false);
	for (int i = 0; i < CONF_MAX_LACS; i++)
		if (l->loop)
			ev_timer_disarm(l->loop, &l->lac_timer[i]);
	for (int i = 0; i < l->nfds; i++) {
		ev_fd_del(l->loop, l->fds[i]);
		close(l->fds[i]);
	}
	free(l->tunnels);
	free(l->sess);
	free(l->by_peer);
	l->by_peer = NULL;
	l->tunnels = NULL;
	l->sess = NULL;
}

/* ---- sockets ---- */

static void sock_readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct l2tp *l = arg;
	uint8_t buf[4096];
	struct udp_ep from, to;
	int i;

	/* Bounded: other sockets and timers get their turn. */
	for (i = 0; i < 64; i++) {
		ssize_t n = udp_recv(fd, buf, sizeof(buf), &from, &to);

		if (n < 0)
			break;
		l2tp_input(l, fd, buf, n, &from, &to);
	}
}

static int add_sock(struct l2tp *l, int family, const struct l2tpx_addr *a)
{
	char s[64];
	int fd = udp_open(family, a, l->conf->port);

	if (fd < 0) {
		log_warnx("cannot listen on %s port %u: %s",
			  a ? addr_str(a, s, sizeof(s)) : family == AF_INET ? "0.0.0.0" : "::",
			  l->conf->port, strerror(-fd));
		return fd;
	}
	l->fds[l->nfds++] = fd;
	return ev_fd_add(l->loop, fd, 1 /* EPOLLIN */, sock_readable, l);
}

int l2tp_listen(struct l2tp *l)
{
	int i, err = 0;

	if (!l->conf->nlisten) {
		err = add_sock(l, AF_INET, NULL);
		if (add_sock(l, AF_INET6, NULL) && err)
			return err;
		return 0;
	}
	for (i = 0; i < l->conf->nlisten && !err; i++) {
		struct udp_ep ep = { .addr = l->conf->listen[i] };

		err = add_sock(l, udp_ep_is_v4(&ep) ? AF_INET : AF_INET6, &l->conf->listen[i]);
	}
	return err;
}

static int sock_for(struct l2tp *l, const struct udp_ep *peer)
{
	for (int i = 0; i < l->nfds; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (!getsockname(l->fds[i], (struct sockaddr *)&ss, &sl) &&
		    (ss.ss_family == AF_INET) == !!udp_ep_is_v4(peer))
			return l->fds[i];
	}
	return -1;
}

/* ---- tunnel objects ---- */

struct l2tp_tunnel *l2tp_tunnel_find(struct l2tp *l, uint16_t id)
{
	return id ? l->tunnels[id] : NULL;
}

static uint16_t alloc_tunnel_id(struct l2tp *l)
{
	uint16_t id;
	int i;

	/* Random, non-zero and unique: xl2tpd's random ids collide near a
	 * thousand tunnels. */
	for (i = 0; i < 64; i++) {
		l->random(&id, sizeof(id));
		if (id && !l->tunnels[id])
			return id;
	}
	for (id = 1; id; id++)
		if (!l->tunnels[id])
			return id;
	return 0;
}

static int rdt_xmit(void *ctx, const uint8_t *buf, size_t len);
static int rdt_deliver(void *ctx, const uint8_t *buf, size_t len);
static void rdt_failed(void *ctx);
static const struct l2tp_rdt_ops rdt_ops = { rdt_xmit, rdt_deliver, rdt_failed };

static void hello_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg);
static void hold_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg);

static struct l2tp_tunnel *tunnel_new(struct l2tp *l, bool lac, int fd, const struct udp_ep *local,
				      const struct udp_ep *peer)
{
	struct l2tp_tunnel *t;
	const char *sec;
	uint16_t id = alloc_tunnel_id(l);

	if (!id)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->l = l;
	t->id = id;
	t->lac = lac;
	t->fd = fd;
	t->local = *local;
	t->peer = *peer;
	t->lac_index = -1;
	sec = conf_peer_secret(l->conf, &peer->addr);
	if (sec) {
		snprintf(t->secret, sizeof(t->secret), "%s", sec);
		t->has_secret = true;
	}
	l2tp_rdt_init(&t->rdt, l->loop, &l->conf->rdt, &rdt_ops, t);
	ev_timer_init(&t->hello_timer, hello_fire, t);
	ev_timer_init(&t->hold_timer, hold_fire, t);
	l->tunnels[id] = t;
	l->ntunnels++;
	l->npending++;
	l->stats.tunnels_created++;
	l2tp_changed(l);
	ev_timer_arm(l->loop, &t->hold_timer, SETUP_DEADLINE_MS);
	return t;
}

static bool tunnel_pending(const struct l2tp_tunnel *t)
{
	return t->state != TUNNEL_ESTABLISHED && t->state != TUNNEL_CLOSING;
}

static void schedule_redial(struct l2tp *l, int lac_index);
static void notify_down(struct l2tp_tunnel *t);
static void peer_unlink(struct l2tp_tunnel *t);

static void tunnel_free(struct l2tp_tunnel *t, bool notify)
{
	struct l2tp *l = t->l;
	int lac_index = t->lac_index;

	while (t->sessions)
		session_destroy(t->sessions, notify);
	if (notify)
		notify_down(t);
	peer_unlink(t);
	if (tunnel_pending(t))
		l->npending--;
	if (t->state == TUNNEL_WAIT_CTL_REPLY)
		l->ndialling--;
	l->stats.retransmits_closed += t->rdt.n_retransmitted;
	l2tp_rdt_fini(&t->rdt);
	ev_timer_disarm(l->loop, &t->hello_timer);
	ev_timer_disarm(l->loop, &t->hold_timer);
	l->tunnels[t->id] = NULL;
	l->ntunnels--;
	l2tp_changed(l);
	free(t);
	if (notify && lac_index >= 0)
		schedule_redial(l, lac_index);
}

static void set_state(struct l2tp_tunnel *t, enum tunnel_state s)
{
	if (t->state == TUNNEL_WAIT_CTL_REPLY)
		t->l->ndialling--;
	if (s == TUNNEL_WAIT_CTL_REPLY)
		t->l->ndialling++;
	if (tunnel_pending(t) && !(s != TUNNEL_ESTABLISHED && s != TUNNEL_CLOSING))
		t->l->npending--;
	tlog(LOG_DEBUG, t, "%s -> %s", tunnel_state_str(t->state), tunnel_state_str(s));
	t->state = s;
	l2tp_changed(t->l);
}

static const struct l2tp_secret *tsecret(const struct l2tp_tunnel *t, struct l2tp_secret *s)
{
	if (!t->has_secret)
		return NULL;
	s->data = (const uint8_t *)t->secret;
	s->len = strlen(t->secret);
	return s;
}

/* ---- sending ---- */

static int rdt_xmit(void *ctx, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t = ctx;

	return t->l->xmit(t->l, t->fd, buf, len, &t->local, &t->peer);
}

int tunnel_send(struct l2tp_tunnel *t, struct l2tp_builder *b, uint16_t session_id)
{
	int n = l2tp_msg_finish(b, t->peer_id, session_id, 0, 0);

	if (n < 0) {
		tlog(LOG_WARNING, t, "message too large to build");
		return -EMSGSIZE;
	}
	l2tp_changed(t->l);	/* Ns moves */
	return l2tp_rdt_send(&t->rdt, b->buf, n);
}

/* Hidden when configured and a secret exists, else plain; mandatory. */
void tunnel_put_hidden_or_plain(struct l2tp_tunnel *t, struct l2tp_builder *b, uint16_t type,
				const void *v, size_t len)
{
	struct l2tp_secret s;
	bool hide = t->has_secret &&
		    (t->l->conf->hide_avps ||
		     (t->lac_index >= 0 && t->l->conf->lacs[t->lac_index].hide_avps));

	if (hide) {
		uint8_t rv[16];

		if (!b->rv) {
			t->l->random(rv, sizeof(rv));
			l2tp_avp_put_rv(b, rv, sizeof(rv));
		}
		l2tp_avp_put_hidden(b, tsecret(t, &s), type, true, v, len, NULL, 0);
	} else {
		l2tp_avp_put_bytes(b, type, true, v, len);
	}
}

static void put_common(struct l2tp_tunnel *t, struct l2tp_builder *b)
{
	const struct conf *c = t->l->conf;
	uint8_t ver[2] = { 1, 0 };

	l2tp_avp_put_bytes(b, L2TP_AVP_PROTO_VERSION, true, ver, 2);
	l2tp_avp_put_str(b, L2TP_AVP_HOST_NAME, true, c->hostname);
	l2tp_avp_put_u32(b, L2TP_AVP_FRAMING_CAP, true, L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
	l2tp_avp_put_u32(b, L2TP_AVP_BEARER_CAP, false, 0);
	l2tp_avp_put_u16(b, L2TP_AVP_FIRMWARE_REV, false, FIRMWARE_REV);
	l2tp_avp_put_str(b, L2TP_AVP_VENDOR_NAME, false, c->vendor);
	l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, t->id);
	l2tp_avp_put_u16(b, L2TP_AVP_RX_WINDOW_SIZE, true, c->rdt.rws);
}

static void put_challenge(struct l2tp_tunnel *t, struct l2tp_builder *b)
{
	if (!t->has_secret || !t->l->conf->challenge)
		return;
	t->l->random(t->challenge, sizeof(t->challenge));
	t->challenged = true;
	l2tp_avp_put_bytes(b, L2TP_AVP_CHALLENGE, true, t->challenge, sizeof(t->challenge));
}

/* Answer the peer's Challenge, if it sent one.  Returns -1 if we cannot. */
static int put_challenge_response(struct l2tp_tunnel *t, struct l2tp_builder *b,
				  const struct l2tp_msg *m, uint8_t type)
{
	uint8_t resp[L2TP_CHAL_RESP_LEN];
	struct l2tp_secret s;

	if (!l2tp_msg_has(m, L2TP_AVP_CHALLENGE))
		return 0;
	if (l2tp_challenge_response(type, tsecret(t, &s), m->challenge.p, m->challenge.len, resp))
		return -1;
	l2tp_avp_put_bytes(b, L2TP_AVP_CHALLENGE_RESPONSE, true, resp, sizeof(resp));
	return 0;
}

/* The peer's answer to our Challenge, in a message of the given type. */
static bool challenge_ok(struct l2tp_tunnel *t, const struct l2tp_msg *m, uint8_t type)
{
	struct l2tp_secret s;

	if (!t->challenged)
		return true;
	return l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE) &&
	       l2tp_challenge_verify(type, tsecret(t, &s), t->challenge, sizeof(t->challenge),
				     m->challenge_response);
}

static uint64_t hold_ms(const struct conf *c)
{
	uint64_t total = 0, rto = c->rdt.rtx_initial_ms;

	/* The peer's whole retransmission cycle, so we can ack its StopCCN. */
	for (unsigned int i = 0; i <= c->rdt.max_retries; i++) {
		total += rto;
		rto = rto * 2 > c->rdt.rtx_cap_ms ? c->rdt.rtx_cap_ms : rto * 2;
	}
	return total;
}

static void notify_down(struct l2tp_tunnel *t)
{
	if (!t->down_notified && t->l->sops && t->l->sops->tunnel_down)
		t->l->sops->tunnel_down(t, t->l->sops_arg);
	t->down_notified = true;
}

static void enter_closing(struct l2tp_tunnel *t)
{
	/* A new SCCRQ from the peer reusing its Assigned Tunnel ID is a new
	 * tunnel, not a retransmission to this one in its hold period. */
	peer_unlink(t);
	while (t->sessions)
		session_destroy(t->sessions, true);
	notify_down(t);
	set_state(t, TUNNEL_CLOSING);
	ev_timer_disarm(t->l->loop, &t->hello_timer);
	ev_timer_arm(t->l->loop, &t->hold_timer, hold_ms(t->l->conf));
}

static void send_stopccn(struct l2tp_tunnel *t, uint16_t result, uint16_t error, const char *msg)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_STOPCCN);
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, t->id);
	l2tp_avp_put_result(&b, result, error || msg, error, msg);
	tunnel_send(t, &b, 0);
	l2tp_count_result(t->l->stats.stopccn_sent, result);
}

void l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result, uint16_t error, const char *msg)
{
	if (t->state == TUNNEL_CLOSING)
		return;
	tlog(LOG_NOTICE, t, "clearing: StopCCN result %u (%s)%s%s", result,
	     l2tp_result_str(L2TP_MSG_STOPCCN, result), msg ? ": " : "", msg ? msg : "");
	send_stopccn(t, result, error, msg);
	enter_closing(t);
}

/* ---- timers ---- */

static void hello_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg)
{
	struct l2tp_tunnel *t = arg;
	uint8_t buf[64];
	struct l2tp_builder b;

	if (t->state != TUNNEL_ESTABLISHED || !t->l->conf->hello_interval)
		return;
	/* Only when the line has been quiet and nothing is in flight. */
	if (l2tp_rdt_idle(&t->rdt)) {
		l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
		tunnel_send(t, &b, 0);
	}
	ev_timer_arm(loop, &t->hello_timer, t->l->conf->hello_interval * 1000ULL);
}

static void hold_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg)
{
	struct l2tp_tunnel *t = arg;

	if (t->state == TUNNEL_CLOSING) {
		tlog(LOG_DEBUG, t, "hold period over");
		tunnel_free(t, false);
		return;
	}
	if (tunnel_pending(t)) {
		tlog(LOG_INFO, t, "not established after %u s: dropped", SETUP_DEADLINE_MS / 1000);
		t->l->stats.tunnels_failed++;
		tunnel_free(t, true);
	}
}

static void rdt_failed(void *ctx)
{
	struct l2tp_tunnel *t = ctx;

	if (t->state != TUNNEL_CLOSING) {
		tlog(LOG_WARNING, t, "peer stopped acknowledging: tunnel down");
		t->l->stats.tunnels_failed++;
	}
	tunnel_free(t, t->state != TUNNEL_CLOSING);
}

/* ---- receiving ---- */

static void tunnel_established(struct l2tp_tunnel *t)
{
	set_state(t, TUNNEL_ESTABLISHED);
	ev_timer_disarm(t->l->loop, &t->hold_timer);
	t->l->stats.tunnels_established++;
	if (t->lac_index >= 0)
		t->l->lac_redials[t->lac_index] = 0;
	if (t->l->conf->hello_interval)
		ev_timer_arm(t->l->loop, &t->hello_timer, t->l->conf->hello_interval * 1000ULL);
	tlog(LOG_NOTICE, t, "established (peer host \"%s\", vendor \"%s\")", t->peer_host,
	     t->peer_vendor);
	session_tunnel_up(t);
}

static void note_peer(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	if (l2tp_msg_has(m, L2TP_AVP_HOST_NAME))
		l2tp_bytes_str(&m->host_name, t->peer_host, sizeof(t->peer_host));
	if (l2tp_msg_has(m, L2TP_AVP_VENDOR_NAME))
		l2tp_bytes_str(&m->vendor_name, t->peer_vendor, sizeof(t->peer_vendor));
	t->peer_id = m->assigned_tunnel_id;
	l2tp_rdt_set_peer(&t->rdt, t->peer_id,
			  l2tp_msg_has(m, L2TP_AVP_RX_WINDOW_SIZE) ? m->rx_window_size : 4);
}

static int version_ok(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	if (m->proto_ver == 1 && m->proto_rev == 0)
		return 1;
	l2tp_tunnel_close(t, L2TP_STOPCCN_BAD_VERSION, 0x0100, "only version 1.0");
	return 0;
}

static void tunnel_recv_sccrq(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	note_peer(t, m);
	if (!version_ok(t, m))
		return;
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE) && !t->has_secret) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
				  "challenged, but no secret is configured for this peer");
		return;
	}
	if (t->l->conf->challenge && !t->has_secret) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
				  "authentication required and no secret for this peer");
		return;
	}
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_SCCRP);
	put_common(t, &b);
	put_challenge(t, &b);
	if (put_challenge_response(t, &b, m, L2TP_MSG_SCCRP)) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "cannot answer challenge");
		return;
	}
	set_state(t, TUNNEL_WAIT_CTL_CONN);
	tunnel_send(t, &b, 0);
}

static void tunnel_recv_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	note_peer(t, m);
	if (!version_ok(t, m))
		return;
	if (!challenge_ok(t, m, L2TP_MSG_SCCRP)) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
				  "challenge response missing or wrong");
		return;
	}
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_SCCCN);
	if (put_challenge_response(t, &b, m, L2TP_MSG_SCCCN)) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
				  "challenged, but no secret is configured for this peer");
		return;
	}
	tunnel_send(t, &b, 0);
	tunnel_established(t);
}

static void tunnel_recv_scccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	if (!challenge_ok(t, m, L2TP_MSG_SCCCN)) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
				  "challenge response missing or wrong");
		return;
	}
	tunnel_established(t);
}

static void tunnel_recv_stopccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	char text[96] = "";

	if (m->result.msg.len)
		l2tp_bytes_str(&m->result.msg, text, sizeof(text));
	tlog(LOG_NOTICE, t, "peer cleared the tunnel: StopCCN result %u (%s)%s%s%s%s", m->result.result,
	     l2tp_result_str(L2TP_MSG_STOPCCN, m->result.result),
	     m->result.has_error ? ", error " : "",
	     m->result.has_error ? l2tp_error_code_str(m->result.error) : "", text[0] ? ": " : "",
	     text);
	l2tp_count_result(t->l->stats.stopccn_received, m->result.result);
	/* Acknowledge now: the peer is waiting for it to finish. */
	l2tp_rdt_ack_now(&t->rdt);
	enter_closing(t);
	if (t->lac_index >= 0)
		schedule_redial(t->l, t->lac_index);
}

static void unexpected(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	char why[96];

	snprintf(why, sizeof(why), "unexpected %s in state %s", l2tp_msg_type_str(m->type),
		 tunnel_state_str(t->state));
	tlog(LOG_WARNING, t, "%s", why);
	l2tp_tunnel_close(t, L2TP_STOPCCN_FSM_ERROR, 0, why);
}

static bool is_session_msg(uint16_t type)
{
	return l2tp_msg_is_session(type);
}

static void tunnel_dispatch(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	if (t->state == TUNNEL_CLOSING)
		return;	/* acknowledged by the engine, nothing else */
	if (m->type == L2TP_MSG_STOPCCN) {
		tunnel_recv_stopccn(t, m);
		return;
	}
	if (is_session_msg(m->type)) {
		if (t->state != TUNNEL_ESTABLISHED)
			unexpected(t, m);
		else
			session_recv(t, m);
		return;
	}
	switch (t->state) {
	case TUNNEL_IDLE:
		if (m->type == L2TP_MSG_SCCRQ)
			return tunnel_recv_sccrq(t, m);
		break;
	case TUNNEL_WAIT_CTL_REPLY:
		if (m->type == L2TP_MSG_SCCRP)
			return tunnel_recv_sccrp(t, m);
		break;
	case TUNNEL_WAIT_CTL_CONN:
		if (m->type == L2TP_MSG_SCCCN)
			return tunnel_recv_scccn(t, m);
		break;
	case TUNNEL_ESTABLISHED:
		if (m->type == L2TP_MSG_HELLO)
			return;	/* the engine acknowledges it */
		break;
	case TUNNEL_CLOSING:
		return;
	}
	unexpected(t, m);
}

/* Answer a message that failed to parse, as RFC 2661 4.1 / 7.1 ask. */
static void parse_failed(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			 const struct l2tp_parse_err *e)
{
	t->l->stats.rx_parse_errors++;
	tlog(LOG_WARNING, t, "bad %s: %s (%s)", l2tp_msg_type_str(e->msg_type),
	     l2tp_perr_str(e->code), e->text);
	/* A call message missing an AVP concerns that call only: clear the
	 * call, not every call of the tunnel. */
	if (e->code == L2TP_PERR_MISSING && l2tp_msg_is_session(e->msg_type)) {
		struct l2tp_parse_err ce = *e;

		ce.scope = L2TP_SCOPE_SESSION;
		ce.result = L2TP_CDN_GENERAL_ERROR;
		if (t->state == TUNNEL_ESTABLISHED) {
			struct l2tp_session *s = l2tp_session_find(t->l, t->id, m->hdr.session_id);

			if (s) {
				l2tp_session_close(s, ce.result, ce.error, ce.text);
				return;
			}
			if (l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID)) {
				uint8_t buf[MSG_MAX];
				struct l2tp_builder b;

				l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_CDN);
				l2tp_avp_put_result(&b, ce.result, true, ce.error, ce.text);
				l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_SESSION_ID, true,
						 l2tp_alloc_session_id(t->l, t->id));
				tunnel_send(t, &b, m->assigned_session_id);
				t->l->stats.sessions_refused++;
				l2tp_count_result(t->l->stats.cdn_sent, ce.result);
			}
			return;
		}
	}
	if (e->scope == L2TP_SCOPE_SESSION && t->state == TUNNEL_ESTABLISHED) {
		struct l2tp_session *s = l2tp_session_find(t->l, t->id, m->hdr.session_id);
		uint8_t buf[MSG_MAX];
		struct l2tp_builder b;

		if (s) {
			l2tp_session_close(s, e->result, e->error, e->text);
			return;
		}
		/* A call we do not have yet (ICRQ, OCRQ): refuse it by the
		 * peer's id, with a session id of our own for the AVP. */
		if (l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID)) {
			l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_CDN);
			l2tp_avp_put_result(&b, e->result, true, e->error, e->text);
			l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_SESSION_ID, true,
					 l2tp_alloc_session_id(t->l, t->id));
			tunnel_send(t, &b, m->assigned_session_id);
			t->l->stats.sessions_refused++;
			l2tp_count_result(t->l->stats.cdn_sent, e->result);
		}
		return;
	}
	if (e->scope == L2TP_SCOPE_MESSAGE)
		return;
	if (e->msg_type == L2TP_MSG_STOPCCN) {
		/* Even a malformed StopCCN means the peer is going. */
		l2tp_rdt_ack_now(&t->rdt);
		enter_closing(t);
		return;
	}
	l2tp_tunnel_close(t, e->result ? e->result : L2TP_STOPCCN_GENERAL_ERROR, e->error, e->text);
}

static int rdt_deliver(void *ctx, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t = ctx;
	struct l2tp_parse_err e;
	struct l2tp_secret s;
	struct l2tp_msg *m = malloc(sizeof(*m));

	if (!m)
		return 0;
	if (l2tp_msg_parse(buf, len, tsecret(t, &s), m, &e))
		parse_failed(t, m, &e);
	else
		tunnel_dispatch(t, m);
	free(m);
	return 0;
}

/* ---- input from the socket ---- */

static bool rate_ok(struct l2tp *l, const struct l2tpx_addr *a)
{
	uint64_t sec = ev_now(l->loop) / 1000;
	uint32_t h = 2166136261u;
	struct l2tp_rate *r;

	for (int i = 0; i < 16; i++)
		h = (h ^ a->a8[i]) * 16777619u;
	r = &l->rate[h % L2TP_RATE_SLOTS];
	if (memcmp(&r->addr, a, sizeof(*a)) || r->window != sec) {
		r->addr = *a;
		r->window = sec;
		r->count = 0;
	}
	return ++r->count <= l->conf->tunnel_rate;
}

static void stopccn_oneshot(struct l2tp *l, int fd, const struct udp_ep *local,
			    const struct udp_ep *peer, uint16_t peer_tid, uint16_t peer_ns,
			    uint16_t result, uint16_t error, const char *msg)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;
	uint16_t id = 0;
	int n;

	/* An id of ours is required in the AVP; none is kept behind it. */
	while (!id)
		l->random(&id, sizeof(id));
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_STOPCCN);
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, id);
	l2tp_avp_put_result(&b, result, true, error, msg);
	n = l2tp_msg_finish(&b, peer_tid, 0, 0, peer_ns + 1);
	if (n > 0)
		l->xmit(l, fd, buf, n, local, peer);
	l2tp_count_result(l->stats.stopccn_sent, result);
}

/* LNS tunnels by (peer endpoint, the peer's tunnel id): retransmitted
 * SCCRQs find their tunnel without a scan.  Keyed on the full endpoint,
 * so two LACs behind one NAT that both chose the same id are two tunnels. */
static uint32_t peer_bucket(const struct udp_ep *ep, uint16_t peer_id)
{
	uint32_t h = 2166136261u ^ peer_id ^ ((uint32_t)ep->port << 16);

	for (int i = 0; i < 16; i++)
		h = (h ^ ep->addr.a8[i]) * 16777619u;
	return h % L2TP_PEER_BUCKETS;
}

static void peer_link(struct l2tp_tunnel *t)
{
	uint32_t b = peer_bucket(&t->peer, t->peer_id);

	t->pnext = t->l->by_peer[b];
	t->l->by_peer[b] = t;
	t->peer_linked = true;
}

static void peer_unlink(struct l2tp_tunnel *t)
{
	struct l2tp_tunnel **pp;

	if (!t->peer_linked)
		return;
	for (pp = &t->l->by_peer[peer_bucket(&t->peer, t->peer_id)]; *pp; pp = &(*pp)->pnext)
		if (*pp == t) {
			*pp = t->pnext;
			break;
		}
	t->peer_linked = false;
}

static struct l2tp_tunnel *find_by_peer(struct l2tp *l, const struct udp_ep *peer, uint16_t peer_id)
{
	struct l2tp_tunnel *t;

	for (t = l->by_peer[peer_bucket(peer, peer_id)]; t; t = t->pnext)
		if (t->peer_id == peer_id && udp_ep_eq(&t->peer, peer))
			return t;
	return NULL;
}

/* Both ends sent an SCCRQ (RFC 2661 4.4.3, Tie Breaker): the lower value
 * wins, the loser discards its own.  Returns false when ours wins and the
 * peer's SCCRQ is to be ignored. */
static bool tie_break(struct l2tp *l, const struct udp_ep *from, uint64_t theirs)
{
	if (!l->ndialling)
		return true;
	for (int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = l->tunnels[i];

		if (!t || !t->lac || t->state != TUNNEL_WAIT_CTL_REPLY || !t->tie_breaker ||
		    memcmp(&t->peer.addr, &from->addr, sizeof(from->addr)))
			continue;
		if (t->tie_breaker < theirs) {
			tlog(LOG_INFO, t, "SCCRQs crossed: our tie breaker wins");
			return false;
		}
		tlog(LOG_INFO, t, "SCCRQs crossed: the peer's tie breaker wins, ours is dropped");
		tunnel_free(t, true);	/* LAC: redial (with backoff) */
	}
	return true;
}

static void input_sccrq(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
			const struct l2tp_hdr *h, const struct udp_ep *from, const struct udp_ep *to)
{
	struct l2tp_msg *m;
	struct l2tp_parse_err e;
	struct l2tp_secret s, *sp = NULL;
	struct l2tp_tunnel *t;
	const char *sec = conf_peer_secret(l->conf, &from->addr);
	char ep[64];

	m = malloc(sizeof(*m));
	if (!m)
		return;
	if (sec) {
		s.data = (const uint8_t *)sec;
		s.len = strlen(sec);
		sp = &s;
	}
	/* Parse before allocating anything: a flood of garbage costs nothing.
	 * Errors other than an unknown mandatory AVP have no tunnel to answer
	 * on: logged and dropped. */
	if (l2tp_msg_parse(buf, len, sp, m, &e) && e.code != L2TP_PERR_UNKNOWN_MANDATORY &&
	    !(l2tp_msg_has(m, L2TP_AVP_ASSIGNED_TUNNEL_ID) && e.scope == L2TP_SCOPE_TUNNEL)) {
		l->stats.rx_parse_errors++;
		log_warnx("from %s: bad message on tunnel 0: %s (%s)",
			  udp_ep_str(from, ep, sizeof(ep)), l2tp_perr_str(e.code), e.text);
		goto out;
	}
	if (m->type != L2TP_MSG_SCCRQ || !l2tp_msg_has(m, L2TP_AVP_ASSIGNED_TUNNEL_ID) ||
	    !m->assigned_tunnel_id) {
		log_debug("from %s: %s on tunnel 0 ignored", udp_ep_str(from, ep, sizeof(ep)),
			  l2tp_msg_type_str(m->type));
		goto out;
	}
	t = find_by_peer(l, from, m->assigned_tunnel_id);
	if (t) {
		l2tp_rdt_recv(&t->rdt, h->ns, h->nr, buf, len, 0);
		goto out;
	}
	if (l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER) && !tie_break(l, from, m->tie_breaker))
		goto out;
	if (!l->conf->lns) {
		log_info("from %s: SCCRQ refused: not an LNS (lns = no)", udp_ep_str(from, ep, sizeof(ep)));
		goto out;
	}
	if (!rate_ok(l, &from->addr)) {
		l->stats.sccrq_dropped_rate++;
		goto out;
	}
	if (!conf_peer_allowed(l->conf, &from->addr)) {
		/* xl2tpd's `access control = yes`: only the listed LACs.
		 * After the rate limit, so a flood cannot flood the log. */
		log_info("from %s: SCCRQ refused: address not in any `lac =` range (access control)",
			 udp_ep_str(from, ep, sizeof(ep)));
		goto out;
	}
	if (l->npending >= l->conf->max_pending_tunnels) {
		/* Unfinished tunnels are capped: the flood is dropped, not
		 * queued; established tunnels are not affected. */
		if (!(l->stats.sccrq_dropped_pending++ % 1000))
			log_warnx("SCCRQ dropped: %u tunnels being set up (max_pending_tunnels); "
				  "%llu dropped so far", l->npending,
				  (unsigned long long)l->stats.sccrq_dropped_pending);
		goto out;
	}
	if (l->ntunnels >= l->conf->max_tunnels) {
		/* Refused without keeping anything: one StopCCN, not retried. */
		l->stats.sccrq_refused_limit++;
		stopccn_oneshot(l, fd, to, from, m->assigned_tunnel_id, h->ns,
				L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES,
				"too many tunnels (max_tunnels)");
		goto out;
	}
	t = tunnel_new(l, false, fd, to, from);
	if (!t)
		goto out;
	{
		char host[L2TP_HOST_MAX];

		l2tp_bytes_str(&m->host_name, host, sizeof(host));
		tlog(LOG_INFO, t, "SCCRQ from host \"%s\"", host);
		/* l2tp-secrets names hosts: its entry wins over the address's. */
		sec = conf_host_secret(l->conf, host);
		if (sec) {
			snprintf(t->secret, sizeof(t->secret), "%s", sec);
			t->has_secret = true;
		}
	}
	t->peer_id = m->assigned_tunnel_id;
	peer_link(t);
	l2tp_rdt_set_peer(&t->rdt, t->peer_id,
			  l2tp_msg_has(m, L2TP_AVP_RX_WINDOW_SIZE) ? m->rx_window_size : 4);
	l2tp_rdt_recv(&t->rdt, h->ns, h->nr, buf, len, 0);
out:
	free(m);
}

/* Data messages (T=0) that reached the socket: punted by XDP, or no XDP. */
static void input_data(struct l2tp *l, const uint8_t *buf, size_t len, const struct udp_ep *from)
{
	uint16_t flags = buf[0] << 8 | buf[1];
	size_t off = 2, end = len;
	struct l2tp_session *s;
	uint16_t tid, sid;

	if (flags & 0x4000) {
		if (len < 4)
			goto bad;
		end = buf[2] << 8 | buf[3];
		if (end > len)
			goto bad;
		off += 2;
	}
	if (off + 4 > end)
		goto bad;
	tid = buf[off] << 8 | buf[off + 1];
	sid = buf[off + 2] << 8 | buf[off + 3];
	off += 4;
	if (flags & 0x0800)
		off += 4;
	if (flags & 0x0200) {
		if (off + 2 > end)
			goto bad;
		off += 2 + (buf[off] << 8 | buf[off + 1]);
	}
	if (off > end)
		goto bad;
	s = l2tp_session_find(l, tid, sid);
	if (s && s->state == SESSION_WAIT_CONNECT && !s->early && end - off <= L2TP_EARLY_MAX &&
	    !memcmp(&s->t->peer.addr, &from->addr, sizeof(from->addr))) {
		s->early = malloc(end - off);
		if (s->early) {
			memcpy(s->early, buf + off, end - off);
			s->early_len = end - off;
			return;
		}
	}
	if (!s || s->state != SESSION_ESTABLISHED ||
	    memcmp(&s->t->peer.addr, &from->addr, sizeof(from->addr))) {
		l->stats.rx_data_unknown_session++;
		return;
	}
	s->rx_data++;
	if (l->sops && l->sops->data)
		l->sops->data(s, buf + off, end - off, l->sops_arg);
	return;
bad:
	l->stats.rx_bad_header++;
}

void l2tp_input(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
		const struct udp_ep *from, const struct udp_ep *to)
{
	struct l2tp_parse_err e;
	struct l2tp_tunnel *t;
	struct l2tp_hdr h;
	char ep[64];

	if (len < 2 || (buf[1] & 0x0f) != 2) {
		l->stats.rx_bad_header++;
		return;
	}
	if (!(buf[0] & 0x80)) {
		l->stats.rx_data++;
		input_data(l, buf, len, from);
		return;
	}
	l->stats.rx_control++;
	l2tp_changed(l);	/* Nr, acknowledgements, whatever it carries */
	if (l2tp_hdr_parse(buf, len, &h, &e)) {
		l->stats.rx_bad_header++;
		log_debug("from %s: %s", udp_ep_str(from, ep, sizeof(ep)), l2tp_perr_str(e.code));
		return;
	}
	if (h.tunnel_id == 0) {
		if (h.length > L2TP_CTRL_HDR_LEN)
			input_sccrq(l, fd, buf, h.length, &h, from, to);
		return;
	}
	t = l2tp_tunnel_find(l, h.tunnel_id);
	if (!t || memcmp(&t->peer.addr, &from->addr, sizeof(from->addr))) {
		l->stats.rx_unknown_tunnel++;
		log_debug("from %s: no tunnel %u", udp_ep_str(from, ep, sizeof(ep)), h.tunnel_id);
		return;
	}
	if (t->peer.port != from->port) {
		if (t->lac && t->state == TUNNEL_WAIT_CTL_REPLY) {
			/* RFC 2661 8.1: the LNS may answer from another port. */
			tlog(LOG_INFO, t, "peer answers from port %u: following it", from->port);
			t->peer.port = from->port;
		} else if (h.ns == t->rdt.nr && !seq_lt(t->rdt.ns, h.nr)) {
			/* A NAT rebinding: accepted only for the next message in
			 * sequence acknowledging nothing we did not send. */
			tlog(LOG_INFO, t, "peer moved to port %u", from->port);
			t->peer.port = from->port;
			if (l->sops && l->sops->tunnel_moved)
				l->sops->tunnel_moved(t, l->sops_arg);
		} else {
			l->stats.rx_unknown_tunnel++;
			return;
		}
	}
	t->last_rx = ev_now(l->loop);
	if (t->state == TUNNEL_ESTABLISHED && l->conf->hello_interval)
		ev_timer_arm(l->loop, &t->hello_timer, l->conf->hello_interval * 1000ULL);
	l2tp_rdt_recv(&t->rdt, h.ns, h.nr, buf, h.length, h.length == L2TP_CTRL_HDR_LEN);
}

/* ---- restart: a tunnel from the state file ---- */

struct l2tp_tunnel *l2tp_tunnel_resume(struct l2tp *l, const struct state_tunnel *st)
{
	struct l2tp_tunnel *t;
	const char *sec;
	int fd = sock_for(l, &st->peer);

	if (!st->id || l->tunnels[st->id] || fd < 0 || l->ntunnels >= l->conf->max_tunnels)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->l = l;
	t->id = st->id;
	t->peer_id = st->peer_id;
	t->lac = st->lac;
	t->fd = fd;
	t->local = st->local;
	t->peer = st->peer;
	/* A [lac] section that is gone from the configuration: no redial. */
	t->lac_index = st->lac_index < l->conf->nlacs ? st->lac_index : -1;
	snprintf(t->peer_host, sizeof(t->peer_host), "%s", st->peer_host);
	snprintf(t->peer_vendor, sizeof(t->peer_vendor), "%s", st->peer_vendor);
	if (t->lac_index >= 0 && l->conf->lacs[t->lac_index].has_secret)
		sec = l->conf->lacs[t->lac_index].secret;
	else
		sec = conf_peer_secret(l->conf, &t->peer.addr);
	if (sec) {
		snprintf(t->secret, sizeof(t->secret), "%s", sec);
		t->has_secret = true;
	}
	l2tp_rdt_init(&t->rdt, l->loop, &l->conf->rdt, &rdt_ops, t);
	l2tp_rdt_set_peer(&t->rdt, t->peer_id, st->peer_rws);
	/* Ns and Nr continue: the peer retransmits what we had not
	 * acknowledged, and we send again what it had not. */
	t->rdt.ns = st->ns;
	t->rdt.nr = st->nr;
	t->rdt.nr_sent = st->nr;
	t->rdt.resync = true;
	ev_timer_init(&t->hello_timer, hello_fire, t);
	ev_timer_init(&t->hold_timer, hold_fire, t);
	t->state = TUNNEL_ESTABLISHED;
	t->last_rx = ev_now(l->loop);
	l->tunnels[t->id] = t;
	l->ntunnels++;
	if (!t->lac)
		peer_link(t);
	if (t->lac_index >= 0)
		l->lac_redials[t->lac_index] = 0;
	tlog(LOG_INFO, t, "resumed from the state file (Ns %u, Nr %u, %u to send again)", st->ns,
	     st->nr, st->nmsgs);
	for (uint16_t i = 0; i < st->nmsgs; i++)
		l2tp_rdt_send(&t->rdt, st->msgs[i].buf, st->msgs[i].len);
	/* A HELLO soon: a peer that went away meanwhile is found out within a
	 * retransmission cycle instead of an idle hello_interval. */
	if (l->conf->hello_interval)
		ev_timer_arm(l->loop, &t->hello_timer, 1000);
	l2tp_changed(l);
	return t;
}

/* ---- LAC role ---- */

struct l2tp_tunnel *l2tp_dial(struct l2tp *l, const struct udp_ep *lns, int lac_index)
{
	struct udp_ep local = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;
	struct l2tp_tunnel *t;
	int fd = sock_for(l, lns);

	if (fd < 0) {
		log_warnx("no socket of the LNS's address family to dial from");
		return NULL;
	}
	/* Our side is the socket's address (the kernel picks the source when
	 * it is a wildcard) and port. */
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			local.addr.a32[2] = htonl(0xffff);
			local.addr.a32[3] = sin->sin_addr.s_addr;
			local.port = ntohs(sin->sin_port);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			memcpy(local.addr.a8, &sin6->sin6_addr, 16);
			local.port = ntohs(sin6->sin6_port);
		}
	}
	t = tunnel_new(l, true, fd, &local, lns);
	if (!t)
		return NULL;
	t->lac_index = lac_index;
	if (lac_index >= 0 && l->conf->lacs[lac_index].has_secret) {
		snprintf(t->secret, sizeof(t->secret), "%s", l->conf->lacs[lac_index].secret);
		t->has_secret = true;
	}
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_SCCRQ);
	put_common(t, &b);
	l->random(&t->tie_breaker, sizeof(t->tie_breaker));
	{
		uint8_t tb[8];

		for (int i = 0; i < 8; i++)
			tb[i] = t->tie_breaker >> (56 - 8 * i);
		l2tp_avp_put_bytes(&b, L2TP_AVP_TIE_BREAKER, false, tb, sizeof(tb));
	}
	put_challenge(t, &b);
	set_state(t, TUNNEL_WAIT_CTL_REPLY);
	tlog(LOG_INFO, t, "dialling");
	tunnel_send(t, &b, 0);
	/* Its calls (one unless configured), placed when the tunnel is up. */
	for (unsigned int i = 0; i < (lac_index >= 0 && l->conf->lacs[lac_index].sessions
					      ? l->conf->lacs[lac_index].sessions : 1); i++)
		l2tp_session_open(t);
	return t;
}

static void redial_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg)
{
	struct l2tp *l = arg;
	int i = tm - l->lac_timer;
	const struct conf_lac *lac = &l->conf->lacs[i];
	struct udp_ep ep = { .addr = lac->lns, .port = lac->port };

	l2tp_dial(l, &ep, i);
}

static void schedule_redial(struct l2tp *l, int i)
{
	const struct conf_lac *lac = &l->conf->lacs[i];
	unsigned int n = ++l->lac_redials[i], shift = n > 4 ? 3 : n - 1;

	if (!lac->redial || (lac->max_redials && n > lac->max_redials)) {
		log_info("lac %s: not redialling (%u attempts)", lac->name, n - 1);
		return;
	}
	ev_timer_init(&l->lac_timer[i], redial_fire, l);
	/* Backoff: redial_timeout, doubling up to 8 times it. */
	ev_timer_arm(l->loop, &l->lac_timer[i], (uint64_t)lac->redial_timeout * 1000 << shift);
	log_info("lac %s: redial %u in %u s", lac->name, n, lac->redial_timeout << shift);
}
