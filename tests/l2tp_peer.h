/* SPDX-License-Identifier: GPL-2.0 */
/* A fake L2TP peer for the unit tests, header-only: l2tpx under a fake
 * clock with a capturing xmit hook and a replaceable random source (struct
 * fx), and a peer (struct peer) that builds its control messages with the
 * codec, keeps its own Ns/Nr, feeds them to l2tp_input() and parses what
 * l2tpx sent.  Flows set up LNS tunnels and calls and LAC dials.  Shared
 * by tests/test_tunnel.c and tests/test_ppp.c; everything is static inline
 * so a test uses what it needs. */
#ifndef L2TPX_TESTS_L2TP_PEER_H
#define L2TPX_TESTS_L2TP_PEER_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "event.h"
#include "l2tp.h"
#include "log.h"

#define WIRE_MAX	512
#define T0		1000000		/* ms; a whole second, for tunnel_rate */

/* ---- fixture: l2tpx with a fake clock, a capturing xmit, fake random ---- */

struct sent {
	uint8_t buf[1500];
	size_t len;
	struct udp_ep peer;
	uint64_t t;
};

struct fx {
	struct ev_loop *loop;
	uint64_t now;
	struct conf conf;
	struct l2tp l;
	int fd;
	struct udp_ep local;
	struct sent *wire;
	int nwire, rd;
	struct l2tp_msg m;	/* the last message expect() parsed */
	uint32_t rng;
	int rnd_fixed;		/* -1: pseudo-random; else every byte is this */
	int ups, downs, tdowns, moves;
	uint16_t up_sid, down_sid, tdown_tid;
	const char *ctx;	/* table row, for failure messages */
};

static struct fx *cur;		/* l->random has no argument */

static inline uint64_t fake_now(void *arg)
{
	return ((struct fx *)arg)->now;
}

static inline int fake_xmit(struct l2tp *l, int fd, const uint8_t *buf, size_t len,
			    const struct udp_ep *local, const struct udp_ep *peer)
{
	struct fx *f = (struct fx *)((char *)l - offsetof(struct fx, l));
	struct sent *w;

	if (f->nwire >= WIRE_MAX)
		fail_msg("more than %d datagrams sent", WIRE_MAX);
	assert_true(len <= sizeof(w->buf));
	w = &f->wire[f->nwire++];
	memcpy(w->buf, buf, len);
	w->len = len;
	w->peer = *peer;
	w->t = f->now;
	return 0;
}

static inline void fake_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (cur->rnd_fixed >= 0) {
			p[i] = (uint8_t)cur->rnd_fixed;
			continue;
		}
		cur->rng ^= cur->rng << 13;
		cur->rng ^= cur->rng >> 17;
		cur->rng ^= cur->rng << 5;
		p[i] = (uint8_t)cur->rng;
	}
}

static inline void on_up(struct l2tp_session *s, void *arg)
{
	struct fx *f = arg;

	f->ups++;
	f->up_sid = s->id;
}

static inline void on_down(struct l2tp_session *s, void *arg)
{
	struct fx *f = arg;

	f->downs++;
	f->down_sid = s->id;
}

static inline void on_tunnel_down(struct l2tp_tunnel *t, void *arg)
{
	struct fx *f = arg;

	f->tdowns++;
	f->tdown_tid = t->id;
}

static inline void on_tunnel_moved(struct l2tp_tunnel *t, void *arg)
{
	struct fx *f = arg;

	f->moves++;
}

static const struct l2tp_session_ops sops = {
	.up = on_up,
	.down = on_down,
	.tunnel_down = on_tunnel_down,
	.tunnel_moved = on_tunnel_moved,
};

static inline struct udp_ep ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct udp_ep e;

	memset(&e, 0, sizeof(e));
	e.addr.a8[10] = 0xff;
	e.addr.a8[11] = 0xff;
	e.addr.a8[12] = a;
	e.addr.a8[13] = b;
	e.addr.a8[14] = c;
	e.addr.a8[15] = d;
	e.port = port;
	return e;
}

static inline struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct sockaddr_in sin = { .sin_family = AF_INET };

	assert_non_null(f);
	cur = f;
	f->wire = calloc(WIRE_MAX, sizeof(*f->wire));
	assert_non_null(f->wire);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->now = T0;
	ev_set_clock(f->loop, fake_now, f);
	f->rng = 0x2545f491;
	f->rnd_fixed = -1;
	conf_defaults(&f->conf);
	assert_int_equal(l2tp_init(&f->l, f->loop, &f->conf), 0);
	f->l.xmit = fake_xmit;
	f->l.random = fake_random;
	f->l.sops = &sops;
	f->l.sops_arg = f;
	/* l2tp_dial looks for a socket of the LNS's family: a real one,
	 * never read or written (xmit is ours). */
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(f->fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	f->l.fds[0] = f->fd;
	f->l.nfds = 1;
	f->local = ep4(198, 51, 100, 1, 1701);
	return f;
}

static inline void fx_free(struct fx *f)
{
	l2tp_fini(&f->l);	/* closes f->fd */
	ev_loop_free(f->loop);
	free(f->wire);
	free(f);
	cur = NULL;
}

/* The clock moves 1 ms at a time so every timer fires at its deadline and
 * re-arms from there, as on the real clock. */
static inline void advance(struct fx *f, uint64_t ms)
{
	while (ms--) {
		f->now++;
		ev_run_timers(f->loop);
	}
}

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond))                                                        \
			fail_msg("%s%s%s (line %d)", f->ctx ? f->ctx : "",          \
				 f->ctx ? ": " : "", #cond, __LINE__);              \
	} while (0)
#define CHECK_EQ(a, b)                                                              \
	do {                                                                        \
		long long _a = (long long)(a), _b = (long long)(b);                 \
		if (_a != _b)                                                       \
			fail_msg("%s%s%s is %lld, expected %lld (line %d)",         \
				 f->ctx ? f->ctx : "", f->ctx ? ": " : "", #a, _a,  \
				 _b, __LINE__);                                     \
	} while (0)

/* The invariant after every fault (check.h): the calls, the PPP sessions
 * and the address pool agree; with no data plane here, nothing is in the
 * fast path.  Returns the counts for the test's own assertions. */
static inline void invariant_problem(void *arg, const char *msg)
{
	print_error("invariant: %s\n", msg);
}

#define invariant(f) invariant_((f), __LINE__)
static inline struct check_counts invariant_(struct fx *f, int line)
{
	struct check_counts n;

	if (l2tpx_check(&f->l, &n, invariant_problem, NULL))
		fail_msg("%s%sline %d: the invariant does not hold (above)", f->ctx ? f->ctx : "",
			 f->ctx ? ": " : "", line);
	if (n.fast_path)
		fail_msg("line %d: %u calls in the fast path without a data plane", line,
			 n.fast_path);
	return n;
}

/* ---- the fake peer ---------------------------------------------------- */

struct peer {
	struct udp_ep ep;
	uint16_t tid;		/* its tunnel id */
	uint16_t ltid;		/* l2tpx's tunnel id, once learned (0: header says 0) */
	bool known;		/* l2tpx has learned tid: its headers carry it */
	uint16_t ns, nr;	/* its Ns of the next message; Nr = next it expects */
	uint16_t rws;		/* the Receive Window Size it announces */
	const char *secret;	/* to parse hidden AVPs l2tpx sends */
	uint8_t buf[1024];
	struct l2tp_builder b;
};

static inline void peer_init(struct peer *p, struct udp_ep ep, uint16_t tid)
{
	memset(p, 0, sizeof(*p));
	p->ep = ep;
	p->tid = tid;
	p->rws = 4;
}

static inline struct l2tp_builder *msg(struct peer *p, uint16_t type)
{
	l2tp_msg_init(&p->b, p->buf, sizeof(p->buf), type);
	return &p->b;
}

static inline const struct l2tp_secret *secret_of(const char *s, struct l2tp_secret *sec)
{
	if (!s)
		return NULL;
	sec->data = (const uint8_t *)s;
	sec->len = strlen(s);
	return sec;
}

/* SCCRQ / SCCRP body: every AVP §6.1/§6.2 requires, and a window. */
static inline void put_setup(struct peer *p)
{
	static const uint8_t ver[2] = { 1, 0 };

	l2tp_avp_put_bytes(&p->b, L2TP_AVP_PROTO_VERSION, true, ver, 2);
	l2tp_avp_put_str(&p->b, L2TP_AVP_HOST_NAME, true, "fakepeer");
	l2tp_avp_put_u32(&p->b, L2TP_AVP_FRAMING_CAP, true, L2TP_FRAMING_SYNC);
	l2tp_avp_put_u16(&p->b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, p->tid);
	l2tp_avp_put_u16(&p->b, L2TP_AVP_RX_WINDOW_SIZE, true, p->rws);
}

/* The AVPs RFC 2661 §6 requires in a message of this type; sid goes into
 * the Assigned Session ID where there is one. */
static inline void put_required(struct peer *p, uint16_t type, uint16_t sid)
{
	static const uint8_t call_errors[26], accm[10];
	struct l2tp_builder *b = &p->b;

	switch (type) {
	case L2TP_MSG_SCCRQ:
	case L2TP_MSG_SCCRP:
		put_setup(p);
		break;
	case L2TP_MSG_STOPCCN:
		l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, p->tid);
		l2tp_avp_put_result(b, L2TP_STOPCCN_CLEAR, false, 0, NULL);
		break;
	case L2TP_MSG_OCRQ:
		l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_SESSION_ID, true, sid);
		l2tp_avp_put_u32(b, L2TP_AVP_CALL_SERIAL, true, 1);
		l2tp_avp_put_u32(b, L2TP_AVP_MIN_BPS, true, 0);
		l2tp_avp_put_u32(b, L2TP_AVP_MAX_BPS, true, 100000000);
		l2tp_avp_put_u32(b, L2TP_AVP_BEARER_TYPE, true, 0);
		l2tp_avp_put_u32(b, L2TP_AVP_FRAMING_TYPE, true, L2TP_FRAMING_SYNC);
		l2tp_avp_put_str(b, L2TP_AVP_CALLED_NUMBER, true, "5551234");
		break;
	case L2TP_MSG_OCRP:
	case L2TP_MSG_ICRP:
		l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_SESSION_ID, true, sid);
		break;
	case L2TP_MSG_OCCN:
	case L2TP_MSG_ICCN:
		l2tp_avp_put_u32(b, L2TP_AVP_TX_CONNECT_SPEED, true, 100000000);
		l2tp_avp_put_u32(b, L2TP_AVP_FRAMING_TYPE, true, L2TP_FRAMING_SYNC);
		break;
	case L2TP_MSG_ICRQ:
		l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_SESSION_ID, true, sid);
		l2tp_avp_put_u32(b, L2TP_AVP_CALL_SERIAL, true, 42);
		break;
	case L2TP_MSG_CDN:
		l2tp_avp_put_result(b, L2TP_CDN_LOST_CARRIER, false, 0, NULL);
		l2tp_avp_put_u16(b, L2TP_AVP_ASSIGNED_SESSION_ID, true, sid);
		break;
	case L2TP_MSG_WEN:
		l2tp_avp_put_bytes(b, L2TP_AVP_CALL_ERRORS, true, call_errors, sizeof(call_errors));
		break;
	case L2TP_MSG_SLI:
		l2tp_avp_put_bytes(b, L2TP_AVP_ACCM, true, accm, sizeof(accm));
		break;
	default:	/* SCCCN, HELLO: Message Type only */
		break;
	}
}

/* Puts the built message on the wire toward l2tpx, from `from`, with the
 * given header fields. */
static inline void send_raw(struct fx *f, struct peer *p, const struct udp_ep *from,
			    uint16_t sid, uint16_t ns, uint16_t nr)
{
	int n = l2tp_msg_finish(&p->b, p->ltid, sid, ns, nr);

	assert_true(n >= L2TP_CTRL_HDR_LEN);
	l2tp_input(&f->l, f->fd, p->buf, (size_t)n, from, &f->local);
}

/* In sequence: Ns is the peer's next, Nr acknowledges what it has. */
static inline void send_msg(struct fx *f, struct peer *p, uint16_t sid)
{
	bool zlb = p->b.len == L2TP_CTRL_HDR_LEN;

	send_raw(f, p, &p->ep, sid, p->ns, p->nr);
	if (!zlb)
		p->ns++;
}

static inline void send_type(struct fx *f, struct peer *p, uint16_t type,
			     uint16_t hdr_sid, uint16_t avp_sid)
{
	msg(p, type);
	put_required(p, type, avp_sid);
	send_msg(f, p, hdr_sid);
}

static inline void send_ack(struct fx *f, struct peer *p)
{
	msg(p, L2TP_MSG_ZLB);
	send_msg(f, p, 0);
}

static inline const char *wire_type(struct fx *f, const struct sent *w)
{
	struct l2tp_msg *m = malloc(sizeof(*m));
	const char *s;

	if (l2tp_msg_parse(w->buf, w->len, NULL, m, NULL) && !m->type)
		s = "(unparsable)";
	else
		s = l2tp_msg_type_str(m->type);
	free(m);
	return s;
}

/* The next datagram l2tpx sent must be a message of this type to this
 * peer; parsed into f->m, and the peer's Nr moves past it. */
#define expect(f, p, type) expect_((f), (p), (type), __LINE__)
static inline const struct l2tp_msg *expect_(struct fx *f, struct peer *p, uint16_t type,
					     int line)
{
	struct l2tp_parse_err e;
	struct l2tp_secret sec;
	const struct sent *w;
	char a[64], b[64];

	if (f->rd >= f->nwire)
		fail_msg("%s%sline %d: expected %s, nothing was sent", f->ctx ? f->ctx : "",
			 f->ctx ? ": " : "", line, l2tp_msg_type_str(type));
	w = &f->wire[f->rd++];
	if (l2tp_msg_parse(w->buf, w->len, secret_of(p->secret, &sec), &f->m, &e))
		fail_msg("line %d: l2tpx sent a %s that does not parse: %s (%s)", line,
			 l2tp_msg_type_str(e.msg_type), l2tp_perr_str(e.code), e.text);
	if (f->m.type != type)
		fail_msg("%s%sline %d: expected %s, got %s", f->ctx ? f->ctx : "",
			 f->ctx ? ": " : "", line, l2tp_msg_type_str(type),
			 l2tp_msg_type_str(f->m.type));
	if (!udp_ep_eq(&w->peer, &p->ep))
		fail_msg("line %d: %s sent to %s, expected %s", line, l2tp_msg_type_str(type),
			 udp_ep_str(&w->peer, a, sizeof(a)), udp_ep_str(&p->ep, b, sizeof(b)));
	if (p->known && f->m.hdr.tunnel_id != p->tid)
		fail_msg("line %d: %s carries tunnel id %u, the peer's is %u", line,
			 l2tp_msg_type_str(type), f->m.hdr.tunnel_id, p->tid);
	if (!f->m.zlb && f->m.hdr.ns == p->nr)
		p->nr++;
	return &f->m;
}

#define expect_none(f) expect_none_((f), __LINE__)
static inline void expect_none_(struct fx *f, int line)
{
	if (f->rd < f->nwire)
		fail_msg("%s%sline %d: expected nothing on the wire, got %s", f->ctx ? f->ctx : "",
			 f->ctx ? ": " : "", line, wire_type(f, &f->wire[f->rd]));
}

static inline void skip_zlbs(struct fx *f)
{
	while (f->rd < f->nwire && f->wire[f->rd].len == L2TP_CTRL_HDR_LEN)
		f->rd++;
}

/* ---- flows ------------------------------------------------------------ */

/* LNS: the peer's SCCRQ, l2tpx's SCCRP.  Returns l2tpx's tunnel. */
static inline struct l2tp_tunnel *lns_sccrq(struct fx *f, struct peer *p)
{
	const struct l2tp_msg *m;

	p->known = true;
	msg(p, L2TP_MSG_SCCRQ);
	put_setup(p);
	send_msg(f, p, 0);
	m = expect(f, p, L2TP_MSG_SCCRP);
	p->ltid = m->assigned_tunnel_id;
	CHECK(p->ltid != 0);
	CHECK(l2tp_tunnel_find(&f->l, p->ltid) != NULL);
	return l2tp_tunnel_find(&f->l, p->ltid);
}

static inline struct l2tp_tunnel *lns_establish(struct fx *f, struct peer *p)
{
	struct l2tp_tunnel *t = lns_sccrq(f, p);

	send_type(f, p, L2TP_MSG_SCCCN, 0, 0);
	CHECK_EQ(t->state, TUNNEL_ESTABLISHED);
	return t;
}

/* LNS: an incoming call, ICRQ / ICRP / ICCN.  Returns l2tpx's session. */
static inline struct l2tp_session *lns_call(struct fx *f, struct peer *p, uint16_t psid)
{
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	uint16_t sid;

	send_type(f, p, L2TP_MSG_ICRQ, 0, psid);
	m = expect(f, p, L2TP_MSG_ICRP);
	CHECK_EQ(m->hdr.session_id, psid);
	CHECK(l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID));
	sid = m->assigned_session_id;
	CHECK(sid != 0);
	s = l2tp_session_find(&f->l, p->ltid, sid);
	CHECK(s != NULL);
	CHECK_EQ(s->state, SESSION_WAIT_CONNECT);
	send_type(f, p, L2TP_MSG_ICCN, sid, 0);
	CHECK_EQ(s->state, SESSION_ESTABLISHED);
	return s;
}

/* LAC: l2tpx dials the fake LNS; returns the tunnel after its SCCRQ. */
static inline struct l2tp_tunnel *lac_dial(struct fx *f, struct peer *p)
{
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t = l2tp_dial(&f->l, &p->ep, -1);

	CHECK(t != NULL);
	p->known = false;
	m = expect(f, p, L2TP_MSG_SCCRQ);
	CHECK_EQ(m->hdr.tunnel_id, 0);
	p->ltid = m->assigned_tunnel_id;
	CHECK_EQ(p->ltid, t->id);
	return t;
}

/* LAC: the fake LNS's SCCRP; l2tpx answers SCCCN and places its call. */
static inline struct l2tp_session *lac_up(struct fx *f, struct peer *p, struct l2tp_tunnel *t)
{
	const struct l2tp_msg *m;

	p->known = true;
	send_type(f, p, L2TP_MSG_SCCRP, 0, 0);
	expect(f, p, L2TP_MSG_SCCCN);
	CHECK_EQ(t->state, TUNNEL_ESTABLISHED);
	m = expect(f, p, L2TP_MSG_ICRQ);
	CHECK_EQ(m->hdr.session_id, 0);
	return l2tp_session_find(&f->l, t->id, m->assigned_session_id);
}

#endif
