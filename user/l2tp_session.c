// SPDX-License-Identifier: GPL-2.0
/* L2TP calls (RFC 2661 7.4): incoming calls as LNS and as LAC, outgoing
 * calls refused correctly, CDN both ways (crossing CDNs included), WEN and
 * SLI, Proxy LCP / Proxy Authen kept for PPP, and the slow data path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp.h"
#include "log.h"
#include "state.h"

#define MSG_MAX		1024
#define TX_SPEED	100000000	/* what we report: 100 Mbit/s */

static const char *const sstate_names[] = {
	[SESSION_IDLE] = "idle",
	[SESSION_WAIT_TUNNEL] = "wait-tunnel",
	[SESSION_WAIT_REPLY] = "wait-reply",
	[SESSION_WAIT_CONNECT] = "wait-connect",
	[SESSION_ESTABLISHED] = "established",
};

const char *session_state_str(enum session_state s)
{
	return s <= SESSION_ESTABLISHED ? sstate_names[s] : "?";
}

#define slog(pri, s, fmt, ...)                                                          \
	do {                                                                            \
		char _ep[64];                                                           \
		log_msg(pri, "session %u/%u tunnel %u/%u %s: " fmt, (s)->id, (s)->peer_id, \
			(s)->t->id, (s)->t->peer_id,                                    \
			udp_ep_str(&(s)->t->peer, _ep, sizeof(_ep)), ##__VA_ARGS__);    \
	} while (0)

static uint32_t bucket(uint16_t tid, uint16_t sid)
{
	return ((uint32_t)tid * 40503u ^ sid) % L2TP_SESS_BUCKETS;
}

struct l2tp_session *l2tp_session_find(struct l2tp *l, uint16_t tid, uint16_t sid)
{
	struct l2tp_session *s;

	for (s = l->sess[bucket(tid, sid)]; s; s = s->hnext)
		if (s->id == sid && s->t->id == tid)
			return s;
	return NULL;
}

static bool sid_taken(const struct l2tp *l, uint16_t id)
{
	return l->sid_used[id / 8] & (1u << (id % 8));
}

uint16_t l2tp_alloc_session_id(struct l2tp *l, uint16_t tid)
{
	uint16_t id;
	int i;

	/* Random (a blind injector must guess it) and unused on every tunnel;
	 * failing that, unused on this one (RFC 2661 asks no more). */
	for (i = 0; i < 64; i++) {
		l->random(&id, sizeof(id));
		if (id && !sid_taken(l, id) && !l2tp_session_find(l, tid, id))
			return id;
	}
	for (id = 1; id; id++)
		if (!sid_taken(l, id) && !l2tp_session_find(l, tid, id))
			return id;
	for (id = 1; id; id++)
		if (!l2tp_session_find(l, tid, id))
			return id;
	return 0;
}

static void setup_fire(struct ev_loop *loop, struct ev_timer *tm, void *arg)
{
	struct l2tp_session *s = arg;

	/* A peer that opened a call and went quiet (or a flood of ICRQs
	 * never followed by ICCN) must not hold a session for ever. */
	l2tp_session_close(s, s->lac ? L2TP_CDN_TIMEOUT : L2TP_CDN_GENERAL_ERROR, 0,
			   "call not established in time");
}
static struct l2tp_session *session_new_id(struct l2tp_tunnel *t, bool lac, uint16_t id);

static struct l2tp_session *session_new(struct l2tp_tunnel *t, bool lac)
{
	return session_new_id(t, lac, l2tp_alloc_session_id(t->l, t->id));
}

static struct l2tp_session *session_new_id(struct l2tp_tunnel *t, bool lac, uint16_t id)
{
	struct l2tp *l = t->l;
	struct l2tp_session *s;
	uint32_t b;

	if (!id || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->t = t;
	s->id = id;
	s->lac = lac;
	b = bucket(t->id, id);
	s->hnext = l->sess[b];
	l->sess[b] = s;
	s->tnext = t->sessions;
	t->sessions = s;
	t->nsessions++;
	l->nsessions++;
	l->sid_used[id / 8] |= 1u << (id % 8);
	l->stats.sessions_created++;
	ev_timer_init(&s->setup_timer, setup_fire, s);
	ev_timer_arm(l->loop, &s->setup_timer, L2TP_CALL_SETUP_MS);
	l2tp_changed(l);
	return s;
}

void session_destroy(struct l2tp_session *s, bool notify)
{
	struct l2tp_tunnel *t = s->t;
	struct l2tp *l = t->l;
	struct l2tp_session **pp;

	if (notify && s->state == SESSION_ESTABLISHED && l->sops && l->sops->down)
		l->sops->down(s, l->sops_arg);
	for (pp = &l->sess[bucket(t->id, s->id)]; *pp; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	for (pp = &t->sessions; *pp; pp = &(*pp)->tnext)
		if (*pp == s) {
			*pp = s->tnext;
			break;
		}
	t->nsessions--;
	l->nsessions--;
	l->sid_used[s->id / 8] &= ~(1u << (s->id % 8));
	free(s->early);
	ev_timer_disarm(l->loop, &s->setup_timer);
	l2tp_changed(l);
	free(s->proxy);
	free(s);
}

static void set_state(struct l2tp_session *s, enum session_state st)
{
	slog(LOG_DEBUG, s, "%s -> %s", session_state_str(s->state), session_state_str(st));
	s->state = st;
	l2tp_changed(s->t->l);
}

struct l2tp_session *l2tp_session_resume(struct l2tp_tunnel *t, const struct state_session *ss)
{
	struct l2tp_session *s;

	if (!ss->id || l2tp_session_find(t->l, t->id, ss->id) ||
	    t->nsessions >= t->l->conf->max_sessions_per_tunnel)
		return NULL;
	s = session_new_id(t, ss->lac, ss->id);
	if (!s)
		return NULL;
	s->peer_id = ss->peer_id;
	s->seq_required = ss->seq_required;
	s->call_serial = ss->call_serial;
	s->tx_speed = ss->tx_speed;
	s->framing = ss->framing;
	s->state = SESSION_ESTABLISHED;
	/* Established before the restart: no setup deadline. */
	ev_timer_disarm(t->l->loop, &s->setup_timer);
	slog(LOG_INFO, s, "call resumed from the state file");
	return s;
}

static void established(struct l2tp_session *s)
{
	struct l2tp *l = s->t->l;
	uint16_t tid = s->t->id, sid = s->id;
	uint8_t *early = s->early;

	set_state(s, SESSION_ESTABLISHED);
	ev_timer_disarm(l->loop, &s->setup_timer);
	l->stats.sessions_established++;
	slog(LOG_NOTICE, s, "call established%s", s->seq_required ? " (sequencing required)" : "");
	s->early = NULL;
	if (l->sops && l->sops->up)
		l->sops->up(s, l->sops_arg);
	/* Data that overtook the ICCN, now that the PPP layer is there (and
	 * unless up() closed the call). */
	if (early && l2tp_session_find(l, tid, sid) == s) {
		s->rx_data++;
		if (l->sops && l->sops->data)
			l->sops->data(s, early, s->early_len, l->sops_arg);
	}
	free(early);
}

static void send_cdn(struct l2tp_tunnel *t, uint16_t our_id, uint16_t peer_id, uint16_t result,
		     uint16_t error, const char *msg)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_CDN);
	l2tp_avp_put_result(&b, result, error || msg, error, msg);
	tunnel_put_hidden_or_plain(t, &b, L2TP_AVP_ASSIGNED_SESSION_ID,
				   (uint8_t[]){ our_id >> 8, our_id & 0xff }, 2);
	tunnel_send(t, &b, peer_id);
	l2tp_count_result(t->l->stats.cdn_sent, result);
}

void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error, const char *msg)
{
	slog(LOG_NOTICE, s, "clearing: CDN result %u (%s)%s%s", result,
	     l2tp_result_str(L2TP_MSG_CDN, result), msg ? ": " : "", msg ? msg : "");
	/* Before the peer knows our session (LAC, no ICRQ sent yet) there is
	 * nobody to tell. */
	if (s->state != SESSION_WAIT_TUNNEL && s->state != SESSION_IDLE)
		send_cdn(s->t, s->id, s->peer_id, result, error, msg);
	/* Gone at once: a CDN crossing ours finds nothing and is just acked. */
	session_destroy(s, true);
}

static void session_send_icrq(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->t;
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	t->l->random(&s->call_serial, sizeof(s->call_serial));
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_ICRQ);
	tunnel_put_hidden_or_plain(t, &b, L2TP_AVP_ASSIGNED_SESSION_ID,
				   (uint8_t[]){ s->id >> 8, s->id & 0xff }, 2);
	l2tp_avp_put_u32(&b, L2TP_AVP_CALL_SERIAL, true, s->call_serial);
	l2tp_avp_put_u32(&b, L2TP_AVP_BEARER_TYPE, false, 0);
	set_state(s, SESSION_WAIT_REPLY);
	tunnel_send(t, &b, 0);
}

struct l2tp_session *l2tp_session_open(struct l2tp_tunnel *t)
{
	struct l2tp_session *s = session_new(t, true);

	if (!s)
		return NULL;
	if (t->state == TUNNEL_ESTABLISHED)
		session_send_icrq(s);
	else
		set_state(s, SESSION_WAIT_TUNNEL);
	return s;
}

void session_tunnel_up(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;

	for (s = t->sessions; s; s = s->tnext)
		if (s->state == SESSION_WAIT_TUNNEL)
			session_send_icrq(s);
}

static void keep_proxy(struct l2tp_session *s, const struct l2tp_msg *m)
{
	const struct l2tp_bytes *src[] = {
		&m->init_rx_lcp_confreq, &m->last_tx_lcp_confreq, &m->last_rx_lcp_confreq,
		&m->proxy_auth_name, &m->proxy_auth_challenge, &m->proxy_auth_response,
	};
	struct l2tp_bytes *dst[] = {
		&s->init_rx_confreq, &s->last_tx_confreq, &s->last_rx_confreq,
		&s->proxy_auth_name, &s->proxy_auth_challenge, &s->proxy_auth_response,
	};
	static const int type[] = {
		L2TP_AVP_INIT_RX_LCP_CONFREQ, L2TP_AVP_LAST_TX_LCP_CONFREQ,
		L2TP_AVP_LAST_RX_LCP_CONFREQ, L2TP_AVP_PROXY_AUTH_NAME,
		L2TP_AVP_PROXY_AUTH_CHALLENGE, L2TP_AVP_PROXY_AUTH_RESPONSE,
	};
	size_t total = 0, off = 0, i;

	/* Copied out: the message buffer is gone when PPP starts. */
	for (i = 0; i < 6; i++)
		if (l2tp_msg_has(m, type[i]))
			total += src[i]->len;
	if (l2tp_msg_has(m, L2TP_AVP_PROXY_AUTH_TYPE))
		s->proxy_auth_type = m->proxy_auth_type;
	if (l2tp_msg_has(m, L2TP_AVP_PROXY_AUTH_ID))
		s->proxy_auth_id = m->proxy_auth_id;
	if (!total || !(s->proxy = malloc(total)))
		return;
	for (i = 0; i < 6; i++) {
		if (!l2tp_msg_has(m, type[i]))
			continue;
		memcpy(s->proxy + off, src[i]->p, src[i]->len);
		dst[i]->p = s->proxy + off;
		dst[i]->len = src[i]->len;
		off += src[i]->len;
	}
}

static void session_recv_icrq(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp *l = t->l;
	struct l2tp_session *s;
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;
	uint16_t result = 0;
	const char *why = NULL;

	if (!m->assigned_session_id) {
		log_warnx("tunnel %u: ICRQ with Assigned Session ID 0 ignored", t->id);
		return;
	}
	/* A second ICRQ (new Ns, not a retransmission) for a peer session we
	 * already have a call for: answered once, one session. */
	for (s = t->sessions; s; s = s->tnext)
		if (s->peer_id == m->assigned_session_id) {
			slog(LOG_WARNING, s, "another ICRQ for the same peer session: ignored");
			return;
		}
	if (l->nsessions >= l->conf->max_sessions)
		result = L2TP_CDN_NO_FACILITIES_TEMP, why = "session limit (max_sessions)";
	else if (t->nsessions >= l->conf->max_sessions_per_tunnel)
		result = L2TP_CDN_NO_FACILITIES_TEMP, why = "tunnel's session limit";
	else if (!l->conf->lns || t->lac)
		result = L2TP_CDN_NO_FACILITIES_PERM,
		why = t->lac ? "we are the LAC on this tunnel" : "not accepting calls";
	if (result) {
		uint16_t our = l2tp_alloc_session_id(l, t->id);

		log_warnx("tunnel %u: ICRQ for peer session %u refused: %s", t->id,
			  m->assigned_session_id, why);
		l->stats.sessions_refused++;
		send_cdn(t, our, m->assigned_session_id, result, 0, why);
		return;
	}
	s = session_new(t, false);
	if (!s)
		return;
	s->peer_id = m->assigned_session_id;
	s->call_serial = m->call_serial;
	slog(LOG_INFO, s, "ICRQ (call serial %u)", s->call_serial);
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_ICRP);
	tunnel_put_hidden_or_plain(t, &b, L2TP_AVP_ASSIGNED_SESSION_ID,
				   (uint8_t[]){ s->id >> 8, s->id & 0xff }, 2);
	set_state(s, SESSION_WAIT_CONNECT);
	tunnel_send(t, &b, s->peer_id);
}

static void session_recv_iccn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	s->tx_speed = m->tx_connect_speed;
	s->framing = m->framing_type;
	s->seq_required = l2tp_msg_has(m, L2TP_AVP_SEQ_REQUIRED);
	keep_proxy(s, m);
	established(s);
}

static void session_recv_icrp(struct l2tp_session *s, const struct l2tp_msg *m)
{
	uint8_t buf[MSG_MAX];
	struct l2tp_builder b;

	s->peer_id = m->assigned_session_id;
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_ICCN);
	l2tp_avp_put_u32(&b, L2TP_AVP_TX_CONNECT_SPEED, true, TX_SPEED);
	l2tp_avp_put_u32(&b, L2TP_AVP_FRAMING_TYPE, true, L2TP_FRAMING_SYNC);
	tunnel_send(s->t, &b, s->peer_id);
	established(s);
}

static void session_recv_cdn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	char text[96] = "";

	if (m->result.msg.len)
		l2tp_bytes_str(&m->result.msg, text, sizeof(text));
	slog(LOG_NOTICE, s, "peer cleared the call: CDN result %u (%s)%s%s", m->result.result,
	     l2tp_result_str(L2TP_MSG_CDN, m->result.result), text[0] ? ": " : "", text);
	l2tp_count_result(s->t->l->stats.cdn_received, m->result.result);
	session_destroy(s, true);
}

/* An outgoing call: we have no dial-out facility (our Bearer Capabilities
 * say so), so the answer is a CDN with "no appropriate facilities". */
static void session_recv_ocrq(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	log_info("tunnel %u: OCRQ for peer session %u refused: no dial-out facility", t->id,
		 m->assigned_session_id);
	t->l->stats.sessions_refused++;
	send_cdn(t, l2tp_alloc_session_id(t->l, t->id), m->assigned_session_id,
		 L2TP_CDN_NO_FACILITIES_PERM, 0, "no outgoing calls here");
}

void session_recv(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_session *s = NULL;
	char why[96];

	switch (m->type) {
	case L2TP_MSG_ICRQ:
		return session_recv_icrq(t, m);
	case L2TP_MSG_OCRQ:
		return session_recv_ocrq(t, m);
	default:
		break;
	}
	s = l2tp_session_find(t->l, t->id, m->hdr.session_id);
	if (!s && m->type == L2TP_MSG_CDN && !m->hdr.session_id &&
	    l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID)) {
		/* A CDN sent before the peer learnt our id (it cleared the
		 * call before our ICRP arrived): find the call by the peer's
		 * Assigned Session ID, which every CDN carries (RFC 2661 6.13). */
		for (s = t->sessions; s; s = s->tnext)
			if (s->peer_id == m->assigned_session_id)
				break;
	}
	if (!s) {
		/* A CDN crossing ours, or a message for a call already gone:
		 * acknowledged by the engine, nothing else to do. */
		log_debug("tunnel %u: %s for unknown session %u ignored", t->id,
			  l2tp_msg_type_str(m->type), m->hdr.session_id);
		return;
	}
	if (m->type == L2TP_MSG_CDN)
		return session_recv_cdn(s, m);
	switch (s->state) {
	case SESSION_WAIT_CONNECT:
		if (m->type == L2TP_MSG_ICCN)
			return session_recv_iccn(s, m);
		break;
	case SESSION_WAIT_REPLY:
		if (m->type == L2TP_MSG_ICRP)
			return session_recv_icrp(s, m);
		break;
	case SESSION_ESTABLISHED:
		if (m->type == L2TP_MSG_WEN)
			return;	/* call errors: counted by the LAC, nothing to do */
		if (m->type == L2TP_MSG_SLI)
			return;	/* ACCM: meaningless on a synchronous link */
		break;
	default:
		break;
	}
	snprintf(why, sizeof(why), "unexpected %s in call state %s", l2tp_msg_type_str(m->type),
		 session_state_str(s->state));
	slog(LOG_WARNING, s, "%s", why);
	l2tp_session_close(s, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE, why);
}

int l2tp_session_send_data(struct l2tp_session *s, const uint8_t *ppp, size_t len)
{
	struct l2tp_tunnel *t = s->t;
	uint8_t buf[2048];

	if (s->state != SESSION_ESTABLISHED || len + 6 > sizeof(buf))
		return -EINVAL;
	buf[0] = 0x00;
	buf[1] = 0x02;
	buf[2] = t->peer_id >> 8;
	buf[3] = t->peer_id & 0xff;
	buf[4] = s->peer_id >> 8;
	buf[5] = s->peer_id & 0xff;
	memcpy(buf + 6, ppp, len);
	s->tx_data++;
	return t->l->xmit(t->l, t->fd, buf, len + 6, &t->local, &t->peer);
}
