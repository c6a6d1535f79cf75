// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the L2TPv2 control plane (user/l2tp_tunnel.c and
 * user/l2tp_session.c) against a fake peer under an injectable clock: both
 * roles' setup, tie breaker, calls, CDN and StopCCN, tunnel authentication
 * and hidden AVPs, every illegal (state, message) pair of RFC 2661 section 7,
 * malformed messages, retransmission failure, limits, ids and NAT rebinding.
 *
 * The fake peer builds its messages with the codec (l2tp_msg_init,
 * l2tp_avp_put_*, l2tp_msg_finish), keeps its own Ns/Nr, feeds them to
 * l2tp_input(), and parses what l2tpx sent (captured by the xmit hook) with
 * l2tp_msg_parse().  The clock moves only when a test says so.  The fixture
 * and the peer live in l2tp_peer.h, shared with test_ppp.c. */
#include <nettle/md5.h>

#include "l2tp_peer.h"

#define SECRET		"tunnelsecret"

/* shared/testdata/VECTORS.md section 3: the constructed tunnel
 * authentication vectors (secret "tunnelsecret"), written out here so the
 * check does not go through l2tp_challenge_response(). */
static const uint8_t vec_challenge[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};
static const uint8_t vec_resp_sccrp[16] = {	/* MD5(2 ‖ secret ‖ challenge) */
	0x84, 0x15, 0xde, 0x96, 0xaa, 0xaa, 0xee, 0x8a,
	0x7e, 0x3c, 0x57, 0xc9, 0x51, 0x0e, 0x1f, 0xf0,
};
static const uint8_t vec_resp_scccn[16] = {	/* MD5(3 ‖ secret ‖ challenge) */
	0x6b, 0xf1, 0xaf, 0xb9, 0xdc, 0xaa, 0x3b, 0xf7,
	0xe9, 0x51, 0x0b, 0xa2, 0x17, 0x2e, 0x5b, 0xfb,
};
/* VECTORS.md section 4, l2tp_hidden_avp_full_icrq_two_random_vectors: an
 * ICRQ with hidden Assigned Session ID 0x1234, Calling Number and Proxy
 * Authen Response under two Random Vectors; Call Serial 7. */
static const char vec_hidden_icrq[] =
	"c802009c10e1000000030002800800000000000a801600000024000102030405060708090a0b0c0d0e0f"
	"c00a0000000ec2a63203c0180000001653390299220469488380e6da663044e382ba801600000024f0e0"
	"d0c0b0a090807060504030201000c0260000002191910c01c2d117840e8a2c313123e5d2c892d4859738"
	"bbf7970adb9df133cb62800a0000000f00000007800a0000001200000002";

/* ---- fixture ------------------------------------------------------------- */

static int setup(void **state)
{
	*state = fx_new();
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* ---- LNS: control connection --------------------------------------------- */

static void test_lns_establish(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRQ);
	put_setup(&p);
	send_msg(f, &p, 0);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.npending, 1);

	m = expect(f, &p, L2TP_MSG_SCCRP);
	assert_int_equal(m->hdr.tunnel_id, 100);
	assert_int_equal(m->hdr.session_id, 0);
	assert_int_equal(m->hdr.ns, 0);
	assert_int_equal(m->hdr.nr, 1);		/* acknowledges the SCCRQ */
	/* §6.2: the AVPs an SCCRP must carry, with our values */
	assert_true((l2tp_msg_required(L2TP_MSG_SCCRP) & ~m->present) == 0);
	assert_int_equal(m->proto_ver, 1);
	assert_int_equal(m->proto_rev, 0);
	assert_int_equal(m->host_name.len, strlen("l2tpx"));
	assert_memory_equal(m->host_name.p, "l2tpx", 5);
	assert_true(m->framing_cap & (L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC));
	assert_true(l2tp_msg_has(m, L2TP_AVP_RX_WINDOW_SIZE));
	assert_int_equal(m->rx_window_size, f->conf.rdt.rws);
	assert_false(l2tp_msg_has(m, L2TP_AVP_CHALLENGE));	/* no secret */
	assert_false(l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE));
	p.ltid = m->assigned_tunnel_id;
	assert_int_not_equal(p.ltid, 0);
	t = l2tp_tunnel_find(&f->l, p.ltid);
	assert_non_null(t);
	assert_int_equal(t->id, p.ltid);
	assert_int_equal(t->peer_id, 100);
	assert_int_equal(t->state, TUNNEL_WAIT_CTL_CONN);
	assert_string_equal(t->peer_host, "fakepeer");

	advance(f, 500);
	skip_zlbs(f);	/* see test_reply_carries_the_ack */
	send_type(f, &p, L2TP_MSG_SCCCN, 0, 0);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->l.npending, 0);
	assert_int_equal(f->l.stats.tunnels_established, 1);
	/* nothing answers an SCCCN but the acknowledgement, after the delay */
	expect_none(f);
	advance(f, f->conf.rdt.ack_delay_ms - 1);
	expect_none(f);
	advance(f, 1);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.ns, 1);
	assert_int_equal(m->hdr.nr, 2);
	advance(f, 5000);
	expect_none(f);		/* the SCCRP was acknowledged by the SCCCN */
}

/* docs/CONTROL.md: "ZLB acknowledgements delayed by ack_delay_ms unless a
 * reply carries the Nr first".  A reply sent while the message is being
 * handled carries the Nr too. */
static void test_reply_carries_the_ack(void **state)
{
	struct fx *f = *state;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_sccrq(f, &p);
	advance(f, 999);
	expect_none(f);		/* the SCCRP already said Nr 1 */
	send_type(f, &p, L2TP_MSG_SCCCN, 0, 0);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 7);
	expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(f->m.hdr.nr, 3);
	advance(f, 999);
	expect_none(f);		/* the ICRP already said Nr 3 */
}

static void test_sccrq_retransmitted(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_sccrq(f, &p);
	/* the same SCCRQ again (our SCCRP was lost): same tunnel, re-acked */
	msg(&p, L2TP_MSG_SCCRQ);
	put_setup(&p);
	p.ltid = 0;
	send_raw(f, &p, &p.ep, 0, 0, 0);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.stats.tunnels_created, 1);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, 1);
	expect_none(f);
}

static void test_bad_version(void **state)
{
	struct fx *f = *state;
	static const uint8_t ver[2] = { 2, 0 };
	const struct l2tp_msg *m;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRQ);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_PROTO_VERSION, true, ver, 2);
	l2tp_avp_put_str(&p.b, L2TP_AVP_HOST_NAME, true, "fakepeer");
	l2tp_avp_put_u32(&p.b, L2TP_AVP_FRAMING_CAP, true, 1);
	l2tp_avp_put_u16(&p.b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, p.tid);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	/* §4.4.2: result 5, Error Code = highest version supported (1.0) */
	assert_int_equal(m->result.result, L2TP_STOPCCN_BAD_VERSION);
	assert_true(m->result.has_error);
	assert_int_equal(m->result.error, 0x0100);
	assert_int_equal(f->l.stats.tunnels_established, 0);
	/* counted by result code, for the metrics */
	assert_int_equal(f->l.stats.stopccn_sent[L2TP_STOPCCN_BAD_VERSION], 1);
}

static void test_hello(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;
	uint64_t up;

	f->conf.hello_interval = 60;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	up = f->now;
	advance(f, 60000 - 1);
	skip_zlbs(f);		/* the SCCCN's acknowledgement */
	expect_none(f);
	advance(f, 1);
	m = expect(f, &p, L2TP_MSG_HELLO);
	assert_int_equal(m->hdr.ns, 1);
	assert_int_equal(f->wire[f->rd - 1].t, up + 60000);
	send_ack(f, &p);

	/* the peer's HELLO at +90 s is acknowledged after the ack delay and
	 * makes the line busy: our next HELLO is 60 s after it, not at
	 * +120 s */
	advance(f, 30000);
	send_type(f, &p, L2TP_MSG_HELLO, 0, 0);
	advance(f, f->conf.rdt.ack_delay_ms);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, 3);		/* SCCRQ, SCCCN, HELLO */
	advance(f, 60000 - f->conf.rdt.ack_delay_ms - 1);
	expect_none(f);
	advance(f, 1);
	m = expect(f, &p, L2TP_MSG_HELLO);
	assert_int_equal(m->hdr.ns, 2);
	send_ack(f, &p);
	advance(f, 10000);
	expect_none(f);
}

/* ---- LAC ---------------------------------------------------------------- */

static void test_lac_dial(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	struct l2tp_tunnel *t;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	t = l2tp_dial(&f->l, &p.ep, -1);
	assert_non_null(t);
	assert_int_equal(t->state, TUNNEL_WAIT_CTL_REPLY);
	assert_true(t->lac);
	m = expect(f, &p, L2TP_MSG_SCCRQ);
	assert_int_equal(m->hdr.tunnel_id, 0);
	assert_int_equal(m->hdr.session_id, 0);
	assert_int_equal(m->hdr.ns, 0);
	assert_int_equal(m->hdr.nr, 0);
	assert_true((l2tp_msg_required(L2TP_MSG_SCCRQ) & ~m->present) == 0);
	assert_int_equal(m->assigned_tunnel_id, t->id);
	assert_int_not_equal(t->id, 0);
	assert_true(l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER));
	assert_true(m->tie_breaker == t->tie_breaker);
	assert_true(l2tp_msg_has(m, L2TP_AVP_RX_WINDOW_SIZE));
	p.ltid = m->assigned_tunnel_id;
	/* the call waits for the tunnel */
	assert_non_null(t->sessions);
	assert_int_equal(t->sessions->state, SESSION_WAIT_TUNNEL);
	expect_none(f);

	p.known = true;
	send_type(f, &p, L2TP_MSG_SCCRP, 0, 0);
	assert_int_equal(t->peer_id, 300);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	m = expect(f, &p, L2TP_MSG_SCCCN);
	assert_int_equal(m->hdr.ns, 1);
	assert_int_equal(m->hdr.nr, 1);
	m = expect(f, &p, L2TP_MSG_ICRQ);
	assert_int_equal(m->hdr.ns, 2);
	assert_int_equal(m->hdr.session_id, 0);
	assert_true((l2tp_msg_required(L2TP_MSG_ICRQ) & ~m->present) == 0);
	sid = m->assigned_session_id;
	assert_int_not_equal(sid, 0);
	s = l2tp_session_find(&f->l, t->id, sid);
	assert_non_null(s);
	assert_int_equal(s->state, SESSION_WAIT_REPLY);
	assert_int_equal(f->ups, 0);

	send_type(f, &p, L2TP_MSG_ICRP, sid, 555);
	m = expect(f, &p, L2TP_MSG_ICCN);
	assert_int_equal(m->hdr.ns, 3);
	assert_int_equal(m->hdr.session_id, 555);
	assert_true((l2tp_msg_required(L2TP_MSG_ICCN) & ~m->present) == 0);
	assert_int_equal(s->state, SESSION_ESTABLISHED);
	assert_int_equal(s->peer_id, 555);
	assert_int_equal(f->ups, 1);
	assert_int_equal(f->up_sid, sid);

	send_ack(f, &p);
	advance(f, 20000);
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->ups, 1);
	assert_int_equal(f->downs, 0);
}

/* RFC 2661 §8.1: the LNS may answer the SCCRQ from another port. */
static void test_lac_sccrp_from_other_port(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	t = lac_dial(f, &p);
	p.ep.port = 40001;
	p.known = true;
	send_type(f, &p, L2TP_MSG_SCCRP, 0, 0);
	assert_int_equal(t->peer.port, 40001);
	expect(f, &p, L2TP_MSG_SCCCN);		/* to the new port */
	expect(f, &p, L2TP_MSG_ICRQ);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
}

/* RFC 2661 §4.4.3 Tie Breaker: both ends sent an SCCRQ; the lower value
 * wins and the loser drops its own. */
static void send_sccrq_tie(struct fx *f, struct peer *q, uint64_t tie)
{
	uint8_t tb[8];

	for (int i = 0; i < 8; i++)
		tb[i] = (uint8_t)(tie >> (56 - 8 * i));
	q->known = true;
	msg(q, L2TP_MSG_SCCRQ);
	put_setup(q);
	l2tp_avp_put_bytes(&q->b, L2TP_AVP_TIE_BREAKER, false, tb, 8);
	send_msg(f, q, 0);
}

static void test_tie_breaker_we_win(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p, q;

	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	t = lac_dial(f, &p);
	assert_true(t->tie_breaker != 0 && t->tie_breaker != UINT64_MAX);
	peer_init(&q, p.ep, 301);
	send_sccrq_tie(f, &q, t->tie_breaker + 1);
	expect_none(f);		/* theirs is ignored */
	assert_int_equal(f->l.ntunnels, 1);
	assert_ptr_equal(l2tp_tunnel_find(&f->l, p.ltid), t);
	assert_int_equal(t->state, TUNNEL_WAIT_CTL_REPLY);
	/* and ours goes on */
	lac_up(f, &p, t);
}

static void test_tie_breaker_we_lose(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p, q;
	uint16_t ours;

	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	t = lac_dial(f, &p);
	ours = t->id;
	assert_true(t->tie_breaker > 1);
	peer_init(&q, p.ep, 301);
	send_sccrq_tie(f, &q, t->tie_breaker - 1);
	assert_null(l2tp_tunnel_find(&f->l, ours));
	expect(f, &q, L2TP_MSG_SCCRP);		/* theirs is answered */
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.npending, 1);

	/* a tie breaker from another address concerns another tunnel */
	peer_init(&p, ep4(192, 0, 2, 10, 1701), 302);
	t = lac_dial(f, &p);
	peer_init(&q, ep4(192, 0, 2, 11, 1701), 303);
	send_sccrq_tie(f, &q, 0);
	expect(f, &q, L2TP_MSG_SCCRP);
	assert_ptr_equal(l2tp_tunnel_find(&f->l, p.ltid), t);
	assert_int_equal(f->l.ntunnels, 3);
}

static void test_lac_auth(void **state)
{
	struct fx *f = *state;
	struct l2tp_secret sec = { (const uint8_t *)SECRET, strlen(SECRET) };
	uint8_t resp[16], chal[16];
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	snprintf(f->conf.secret, sizeof(f->conf.secret), SECRET);
	f->conf.has_secret = true;
	f->conf.challenge = true;
	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	p.secret = SECRET;
	t = l2tp_dial(&f->l, &p.ep, -1);
	m = expect(f, &p, L2TP_MSG_SCCRQ);
	p.ltid = m->assigned_tunnel_id;
	assert_true(l2tp_msg_has(m, L2TP_AVP_CHALLENGE));
	assert_int_equal(m->challenge.len, 16);
	memcpy(chal, m->challenge.p, 16);

	/* the LNS answers our challenge and challenges us with the vector */
	assert_int_equal(l2tp_challenge_response(L2TP_MSG_SCCRP, &sec, chal, 16, resp), 0);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRP);
	put_setup(&p);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_CHALLENGE, true, vec_challenge, 16);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_CHALLENGE_RESPONSE, true, resp, 16);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_SCCCN);
	assert_true(l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE));
	assert_memory_equal(m->challenge_response, vec_resp_scccn, 16);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
}

static void test_lac_auth_wrong_response(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	snprintf(f->conf.secret, sizeof(f->conf.secret), SECRET);
	f->conf.has_secret = true;
	f->conf.challenge = true;
	peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
	t = lac_dial(f, &p);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRP);
	put_setup(&p);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_CHALLENGE_RESPONSE, true, vec_resp_sccrp, 16);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_NOT_AUTHORIZED);
	assert_int_equal(m->assigned_tunnel_id, t->id);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	assert_null(t->sessions);
	expect_none(f);		/* no SCCCN, no ICRQ */
	assert_int_equal(f->l.stats.tunnels_established, 0);
}

/* ---- LNS: calls ------------------------------------------------------------ */

static void test_lns_call(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 0x0bad);
	m = expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(m->hdr.session_id, 0x0bad);
	assert_int_equal(m->hdr.nr, 3);
	assert_true((l2tp_msg_required(L2TP_MSG_ICRP) & ~m->present) == 0);
	sid = m->assigned_session_id;
	assert_int_not_equal(sid, 0);
	s = l2tp_session_find(&f->l, p.ltid, sid);
	assert_non_null(s);
	assert_int_equal(s->peer_id, 0x0bad);
	assert_int_equal(s->call_serial, 42);
	assert_int_equal(f->ups, 0);

	msg(&p, L2TP_MSG_ICCN);
	put_required(&p, L2TP_MSG_ICCN, 0);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_SEQ_REQUIRED, true, NULL, 0);
	send_msg(f, &p, sid);
	assert_int_equal(s->state, SESSION_ESTABLISHED);
	assert_true(s->seq_required);
	assert_int_equal(s->tx_speed, 100000000);
	assert_int_equal(f->ups, 1);
	assert_int_equal(f->up_sid, sid);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->l.stats.sessions_established, 1);
	advance(f, 5000);
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->ups, 1);
}

/* A LAC starts PPP when it sends ICCN, and the ICCN may wait for the control
 * window: the first data message that arrives before it is kept and handed
 * up once the call is established; later ones, and data from elsewhere, are
 * not. */
static int early_seen;
static uint8_t early_byte;

static void on_data(struct l2tp_session *s, const uint8_t *ppp, size_t len, void *arg)
{
	early_seen++;
	early_byte = len ? ppp[len - 1] : 0;
}

static void test_lns_data_before_iccn(void **state)
{
	struct fx *f = *state;
	struct l2tp_session_ops ops = sops;
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	struct udp_ep other = ep4(192, 0, 2, 9, 1701);
	struct peer p;
	uint8_t d[12] = { 0x00, 0x02 };	/* data message, no L/S/O */
	uint16_t sid;

	ops.data = on_data;
	f->l.sops = &ops;
	early_seen = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 0x0bad);
	m = expect(f, &p, L2TP_MSG_ICRP);
	sid = m->assigned_session_id;
	s = l2tp_session_find(&f->l, p.ltid, sid);
	assert_non_null(s);
	d[2] = p.ltid >> 8, d[3] = p.ltid & 0xff, d[4] = sid >> 8, d[5] = sid & 0xff;
	d[6] = 0xff, d[7] = 0x03, d[8] = 0xc0, d[9] = 0x21, d[10] = 0x01;
	{
		uint8_t big[L2TP_EARLY_MAX + 7] = { 0 };	/* too big to keep: not kept */

		memcpy(big, d, 6);
		l2tp_input(&f->l, f->fd, big, sizeof(big), &p.ep, &f->local);
	}
	d[11] = 0xa1;				/* kept: the first that fits */
	l2tp_input(&f->l, f->fd, d, sizeof(d), &p.ep, &f->local);
	d[11] = 0xa2;				/* not kept: one is enough */
	l2tp_input(&f->l, f->fd, d, sizeof(d), &p.ep, &f->local);
	d[11] = 0xa3;				/* from another address: never */
	l2tp_input(&f->l, f->fd, d, sizeof(d), &other, &f->local);
	assert_int_equal(early_seen, 0);
	send_type(f, &p, L2TP_MSG_ICCN, sid, 0);
	assert_int_equal(s->state, SESSION_ESTABLISHED);
	assert_int_equal(early_seen, 1);
	assert_int_equal(early_byte, 0xa1);
	assert_null(s->early);
	d[11] = 0xa4;				/* established: straight up */
	l2tp_input(&f->l, f->fd, d, sizeof(d), &p.ep, &f->local);
	assert_int_equal(early_seen, 2);
	assert_int_equal(early_byte, 0xa4);
	f->l.sops = &sops;
}

static void test_cdn_from_peer(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	s = lns_call(f, &p, 5);
	sid = s->id;
	send_type(f, &p, L2TP_MSG_CDN, sid, 5);
	assert_int_equal(f->downs, 1);
	assert_int_equal(f->down_sid, sid);
	{
		uint64_t n = 0;

		for (int i = 0; i < L2TP_RESULT_SLOTS; i++)
			n += f->l.stats.cdn_received[i];
		assert_int_equal(n, 1);	/* one CDN received, under its result code */
	}
	assert_null(l2tp_session_find(&f->l, p.ltid, sid));
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(t->nsessions, 0);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	advance(f, f->conf.rdt.ack_delay_ms);
	expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(f->m.hdr.nr, p.ns);
	expect_none(f);
}

/* A LAC that clears its call before it has our ICRP does not know our
 * session id: its CDN carries 0 in the header and names the call by its
 * own Assigned Session ID (§6.13 requires that AVP in every CDN; l2tpx's
 * own LAC sends exactly this, see the wait-reply rows of test_fsm_calls).
 * The call must go: nothing else would ever remove it. */
static void test_cdn_before_icrp(void **state)
{
	struct fx *f = *state;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	sid = expect(f, &p, L2TP_MSG_ICRP)->assigned_session_id;
	send_type(f, &p, L2TP_MSG_CDN, 0, 5);
	assert_null(l2tp_session_find(&f->l, p.ltid, sid));
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->downs, 0);		/* it never came up */
}

static void test_local_cdn(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;
	char text[32];

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	s = lns_call(f, &p, 5);
	sid = s->id;
	l2tp_session_close(s, L2TP_CDN_ADMIN, 0, NULL);
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 5);
	assert_int_equal(m->result.result, L2TP_CDN_ADMIN);
	assert_false(m->result.has_error);
	assert_int_equal(m->assigned_session_id, sid);
	assert_null(l2tp_session_find(&f->l, p.ltid, sid));
	assert_int_equal(f->downs, 1);

	/* with an error code and message */
	s = lns_call(f, &p, 6);
	l2tp_session_close(s, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_VENDOR, "ppp failed");
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 6);
	assert_int_equal(m->result.result, L2TP_CDN_GENERAL_ERROR);
	assert_true(m->result.has_error);
	assert_int_equal(m->result.error, L2TP_ERR_VENDOR);
	assert_int_equal(f->l.stats.cdn_sent[L2TP_CDN_ADMIN], 1);
	assert_int_equal(f->l.stats.cdn_sent[L2TP_CDN_GENERAL_ERROR], 1);
	assert_string_equal(l2tp_bytes_str(&m->result.msg, text, sizeof(text)), "ppp failed");
	assert_int_equal(f->downs, 2);

	/* the peer acknowledges; nothing is retransmitted */
	send_ack(f, &p);
	advance(f, 20000);
	skip_zlbs(f);
	expect_none(f);
}

/* Both ends clear the call at once: the late CDN finds no call and is only
 * acknowledged, no error, no StopCCN. */
static void test_crossing_cdns(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	s = lns_call(f, &p, 5);
	sid = s->id;
	l2tp_session_close(s, L2TP_CDN_ADMIN, 0, NULL);
	/* the peer's CDN left before ours arrived: its Nr does not
	 * acknowledge ours (the peer has not read it yet) */
	send_type(f, &p, L2TP_MSG_CDN, sid, 5);
	expect(f, &p, L2TP_MSG_CDN);	/* ours, sent before theirs came */
	expect_none(f);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->downs, 1);
	assert_int_equal(f->l.nsessions, 0);
	advance(f, f->conf.rdt.ack_delay_ms);
	expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(f->m.hdr.nr, p.ns);
	/* the peer acknowledges ours: nothing more */
	send_ack(f, &p);
	advance(f, 20000);
	expect_none(f);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->l.stats.rx_parse_errors, 0);
}

static void test_redial_after_cdn(void **state)
{
	struct fx *f = *state;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid1;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	s = lns_call(f, &p, 5);
	sid1 = s->id;
	send_type(f, &p, L2TP_MSG_CDN, sid1, 5);
	assert_int_equal(f->downs, 1);
	/* at once, a new call with a new session id */
	s = lns_call(f, &p, 6);
	assert_non_null(s);
	assert_int_equal(s->peer_id, 6);
	assert_int_equal(f->ups, 2);
	assert_int_equal(f->up_sid, s->id);
	assert_int_equal(f->l.nsessions, 1);
	expect_none(f);
}

static void test_duplicate_icrq(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;
	uint16_t ns;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	ns = p.ns;
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	expect(f, &p, L2TP_MSG_ICRP);
	/* the very same ICRQ again: a retransmission */
	send_raw(f, &p, &p.ep, 0, ns, p.nr - 1);
	m = expect(f, &p, L2TP_MSG_ZLB);	/* re-acknowledged at once */
	assert_int_equal(m->hdr.nr, ns + 1);
	expect_none(f);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->l.stats.sessions_created, 1);
}

static void test_ocrq_refused(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_OCRQ, 0, 9);
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 9);
	assert_int_equal(m->result.result, L2TP_CDN_NO_FACILITIES_PERM);
	assert_true(l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID));
	assert_int_not_equal(m->assigned_session_id, 0);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->l.stats.sessions_refused, 1);
	assert_int_equal(f->l.stats.cdn_sent[L2TP_CDN_NO_FACILITIES_PERM], 1);
}

/* An ICRQ whose Assigned Session ID is 0 (§4.4.3: non-zero) is dropped:
 * no call, no answer but the acknowledgement. */
static void test_icrq_session_id_zero(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 0);
	advance(f, 500);
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
}

/* §5.8: no more unacknowledged messages in flight than the peer's Receive
 * Window Size (from its SCCRQ). */
static void test_peer_window(void **state)
{
	struct fx *f = *state;
	struct l2tp_session *s[3];
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.rws = 2;
	lns_establish(f, &p);
	for (int i = 0; i < 3; i++)
		s[i] = lns_call(f, &p, 10 + i);
	/* three CDNs at once: two go, the third waits for an acknowledgement */
	for (int i = 0; i < 3; i++)
		l2tp_session_close(s[i], L2TP_CDN_ADMIN, 0, NULL);
	assert_int_equal(expect(f, &p, L2TP_MSG_CDN)->hdr.session_id, 10);
	assert_int_equal(expect(f, &p, L2TP_MSG_CDN)->hdr.session_id, 11);
	expect_none(f);
	p.nr--;		/* acknowledge the first only */
	send_ack(f, &p);
	p.nr++;
	assert_int_equal(expect(f, &p, L2TP_MSG_CDN)->hdr.session_id, 12);
	expect_none(f);
}

/* ---- tunnel authentication (§4.4.3, §5.1.1) ------------------------------- */

static void md5_response(uint8_t type, const char *secret, const uint8_t *chal, size_t len,
			 uint8_t out[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, 1, &type);
	md5_update(&c, strlen(secret), (const uint8_t *)secret);
	md5_update(&c, len, chal);
	md5_digest(&c, MD5_DIGEST_SIZE, out);
}

static void set_secret(struct fx *f, bool challenge)
{
	snprintf(f->conf.secret, sizeof(f->conf.secret), SECRET);
	f->conf.has_secret = true;
	f->conf.challenge = challenge;
}

/* The peer's SCCRQ challenging us with the vector's challenge. */
static void send_sccrq_challenge(struct fx *f, struct peer *p)
{
	p->known = true;
	msg(p, L2TP_MSG_SCCRQ);
	put_setup(p);
	l2tp_avp_put_bytes(&p->b, L2TP_AVP_CHALLENGE, true, vec_challenge, 16);
	send_msg(f, p, 0);
}

static void test_auth_lns(void **state)
{
	struct fx *f = *state;
	struct l2tp_secret sec = { (const uint8_t *)SECRET, strlen(SECRET) };
	uint8_t ours[16], resp[16], md5[16];
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	set_secret(f, true);
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	send_sccrq_challenge(f, &p);
	m = expect(f, &p, L2TP_MSG_SCCRP);
	p.ltid = m->assigned_tunnel_id;
	assert_true(l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE));
	assert_memory_equal(m->challenge_response, vec_resp_sccrp, 16);
	md5_response(L2TP_MSG_SCCRP, SECRET, vec_challenge, 16, md5);
	assert_memory_equal(m->challenge_response, md5, 16);
	assert_true(l2tp_msg_has(m, L2TP_AVP_CHALLENGE));
	assert_int_equal(m->challenge.len, 16);
	memcpy(ours, m->challenge.p, 16);

	assert_int_equal(l2tp_challenge_response(L2TP_MSG_SCCCN, &sec, ours, 16, resp), 0);
	msg(&p, L2TP_MSG_SCCCN);
	l2tp_avp_put_bytes(&p.b, L2TP_AVP_CHALLENGE_RESPONSE, true, resp, 16);
	send_msg(f, &p, 0);
	t = l2tp_tunnel_find(&f->l, p.ltid);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	advance(f, 1000);
	skip_zlbs(f);
	expect_none(f);

	/* a peer that does not challenge us gets no Challenge Response */
	peer_init(&p, ep4(192, 0, 2, 2, 1701), 101);
	lns_sccrq(f, &p);
	assert_true(l2tp_msg_has(&f->m, L2TP_AVP_CHALLENGE));
	assert_false(l2tp_msg_has(&f->m, L2TP_AVP_CHALLENGE_RESPONSE));
}

static void test_auth_lns_wrong_response(void **state)
{
	static const struct {
		const char *what;
		bool put;
		uint8_t type;		/* message type the response is made for */
		const char *secret;
	} rows[] = {
		{ "wrong secret", true, L2TP_MSG_SCCCN, "not" SECRET },
		{ "made for an SCCRP", true, L2TP_MSG_SCCRP, SECRET },
		{ "no Challenge Response", false, 0, NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fx *f = fx_new();
		const struct l2tp_msg *m;
		struct l2tp_tunnel *t;
		uint8_t resp[16];
		struct peer p;

		f->ctx = rows[i].what;
		set_secret(f, true);
		peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
		t = lns_sccrq(f, &p);
		msg(&p, L2TP_MSG_SCCCN);
		if (rows[i].put) {
			md5_response(rows[i].type, rows[i].secret, t->challenge, 16, resp);
			l2tp_avp_put_bytes(&p.b, L2TP_AVP_CHALLENGE_RESPONSE, true, resp, 16);
		}
		send_msg(f, &p, 0);
		m = expect(f, &p, L2TP_MSG_STOPCCN);
		CHECK_EQ(m->result.result, L2TP_STOPCCN_NOT_AUTHORIZED);
		CHECK_EQ(m->assigned_tunnel_id, p.ltid);
		CHECK_EQ(m->hdr.nr, 2);
		CHECK_EQ(t->state, TUNNEL_CLOSING);
		CHECK_EQ(f->l.stats.tunnels_established, 0);
		/* a call on it is not accepted */
		send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
		advance(f, 200);
		skip_zlbs(f);
		expect_none(f);
		CHECK_EQ(f->l.nsessions, 0);
		fx_free(f);
	}
}

static void test_auth_no_secret(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;

	/* the peer challenges us and we have no secret for it */
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	send_sccrq_challenge(f, &p);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_NOT_AUTHORIZED);
	assert_false(l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE));
	expect_none(f);

	/* we require authentication and have no secret for this peer */
	f->conf.challenge = true;
	peer_init(&p, ep4(192, 0, 2, 2, 1701), 101);
	p.known = true;
	send_type(f, &p, L2TP_MSG_SCCRQ, 0, 0);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_NOT_AUTHORIZED);
	assert_int_equal(f->l.stats.tunnels_established, 0);
}

/* ---- hidden AVPs (§4.3) -------------------------------------------------- */

static void test_hidden_icrq(void **state)
{
	struct fx *f = *state;
	struct l2tp_secret sec = { (const uint8_t *)SECRET, strlen(SECRET) };
	static const uint8_t rv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t psid[2] = { 0x43, 0x21 };
	uint8_t vec[sizeof(vec_hidden_icrq) / 2];
	const struct l2tp_msg *m;
	struct l2tp_session *s;
	struct peer p;

	set_secret(f, false);
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.secret = SECRET;
	lns_establish(f, &p);

	/* built here: Random Vector, hidden Assigned Session ID 0x4321 */
	msg(&p, L2TP_MSG_ICRQ);
	l2tp_avp_put_rv(&p.b, rv, sizeof(rv));
	l2tp_avp_put_hidden(&p.b, &sec, L2TP_AVP_ASSIGNED_SESSION_ID, true, psid, 2, NULL, 0);
	l2tp_avp_put_u32(&p.b, L2TP_AVP_CALL_SERIAL, true, 1);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(m->hdr.session_id, 0x4321);
	s = l2tp_session_find(&f->l, p.ltid, m->assigned_session_id);
	assert_non_null(s);
	assert_int_equal(s->peer_id, 0x4321);
	/* hide_avps is off: ours goes in the clear */
	assert_false(m->hidden & (UINT64_C(1) << L2TP_AVP_ASSIGNED_SESSION_ID));

	/* the published-style vector: two Random Vectors, three hidden AVPs */
	for (size_t i = 0; i < sizeof(vec); i++)
		assert_int_equal(sscanf(vec_hidden_icrq + 2 * i, "%2hhx", &vec[i]), 1);
	vec[4] = p.ltid >> 8;
	vec[5] = p.ltid & 0xff;
	vec[8] = p.ns >> 8;
	vec[9] = p.ns & 0xff;
	vec[10] = p.nr >> 8;
	vec[11] = p.nr & 0xff;
	p.ns++;
	f->conf.hide_avps = true;
	l2tp_input(&f->l, f->fd, vec, sizeof(vec), &p.ep, &f->local);
	m = expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(m->hdr.session_id, 0x1234);
	/* hide_avps on: our Assigned Session ID is hidden, and unhides right */
	assert_true(m->hidden & (UINT64_C(1) << L2TP_AVP_ASSIGNED_SESSION_ID));
	assert_true(l2tp_msg_has(m, L2TP_AVP_RANDOM_VECTOR));
	s = l2tp_session_find(&f->l, p.ltid, m->assigned_session_id);
	assert_non_null(s);
	assert_int_equal(s->peer_id, 0x1234);
	assert_int_equal(s->call_serial, 7);
	assert_int_equal(f->l.stats.rx_parse_errors, 0);
}

/* ---- illegal (state, message) pairs: tunnels ----------------------------- */

static const uint16_t all_types[] = {
	L2TP_MSG_SCCRQ, L2TP_MSG_SCCRP, L2TP_MSG_SCCCN, L2TP_MSG_STOPCCN, L2TP_MSG_HELLO,
	L2TP_MSG_OCRQ,	L2TP_MSG_OCRP,	L2TP_MSG_OCCN,	L2TP_MSG_ICRQ,	  L2TP_MSG_ICRP,
	L2TP_MSG_ICCN,	L2TP_MSG_CDN,	L2TP_MSG_WEN,	L2TP_MSG_SLI,
};
#define NTYPES (sizeof(all_types) / sizeof(all_types[0]))

/* "idle": no tunnel yet.  On tunnel 0 only an SCCRQ opens one; anything
 * else is dropped without an answer.  To a tunnel id we do not have:
 * dropped too. */
static void test_fsm_idle(void **state)
{
	for (size_t i = 0; i < NTYPES; i++) {
		uint16_t type = all_types[i];
		struct fx *f;
		struct peer p;
		char ctx[64];

		if (type == L2TP_MSG_SCCRQ)
			continue;
		for (int tid = 0; tid < 2; tid++) {
			f = fx_new();
			snprintf(ctx, sizeof(ctx), "%s to tunnel %s", l2tp_msg_type_str(type),
				 tid ? "1234 (none)" : "0");
			f->ctx = ctx;
			peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
			p.ltid = tid ? 1234 : 0;
			send_type(f, &p, type, type == L2TP_MSG_ICRQ ? 0 : 5, 5);
			advance(f, 2000);
			expect_none(f);
			CHECK_EQ(f->l.ntunnels, 0);
			CHECK_EQ(f->l.stats.tunnels_created, 0);
			fx_free(f);
		}
	}
}

static void expect_fsm_stopccn(struct fx *f, struct peer *p, struct l2tp_tunnel *t)
{
	const struct l2tp_msg *m = expect(f, p, L2TP_MSG_STOPCCN);

	CHECK_EQ(m->result.result, L2TP_STOPCCN_FSM_ERROR);
	CHECK_EQ(m->assigned_tunnel_id, t->id);
	CHECK_EQ(m->hdr.nr, p->ns);	/* acknowledges the offending message */
	CHECK_EQ(t->state, TUNNEL_CLOSING);
	CHECK(t->sessions == NULL);
	CHECK_EQ(f->l.nsessions, 0);
	expect_none(f);
}

/* LNS, SCCRP sent: only SCCCN (or StopCCN) may come.  §7.2.1: "wait-ctl-conn
 * Receive SCCRQ, SCCRP: send StopCCN"; the rest is not in the table and is
 * answered the same way. */
static void test_fsm_wait_ctl_conn(void **state)
{
	for (size_t i = 0; i < NTYPES + 1; i++) {
		uint16_t type = i < NTYPES ? all_types[i] : L2TP_MSG_SCCRQ;
		struct l2tp_tunnel *t;
		struct fx *f;
		struct peer p;
		char ctx[64];

		if (type == L2TP_MSG_SCCCN || type == L2TP_MSG_STOPCCN)
			continue;
		f = fx_new();
		snprintf(ctx, sizeof(ctx), "wait-ctl-conn, %s%s", l2tp_msg_type_str(type),
			 i < NTYPES ? "" : " on tunnel 0 with the next Ns");
		f->ctx = ctx;
		peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
		t = lns_sccrq(f, &p);
		CHECK_EQ(t->state, TUNNEL_WAIT_CTL_CONN);
		if (i == NTYPES)
			p.ltid = 0;
		send_type(f, &p, type, type == L2TP_MSG_ICRQ || type == L2TP_MSG_OCRQ ? 0 : 5, 5);
		p.ltid = t->id;
		expect_fsm_stopccn(f, &p, t);
		CHECK_EQ(f->l.stats.tunnels_established, 0);
		CHECK_EQ(f->ups, 0);
		fx_free(f);
	}
}

/* LAC, SCCRQ sent: only SCCRP (or StopCCN) may come.  The peer's tunnel id
 * is not known yet, so the StopCCN goes to tunnel 0. */
static void test_fsm_wait_ctl_reply(void **state)
{
	for (size_t i = 0; i < NTYPES; i++) {
		uint16_t type = all_types[i];
		struct l2tp_tunnel *t;
		struct fx *f;
		struct peer p;
		char ctx[64];

		if (type == L2TP_MSG_SCCRP || type == L2TP_MSG_STOPCCN)
			continue;
		f = fx_new();
		snprintf(ctx, sizeof(ctx), "wait-ctl-reply, %s", l2tp_msg_type_str(type));
		f->ctx = ctx;
		peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
		t = lac_dial(f, &p);
		send_type(f, &p, type, type == L2TP_MSG_ICRQ || type == L2TP_MSG_OCRQ ? 0 : 5, 5);
		expect_fsm_stopccn(f, &p, t);
		CHECK_EQ(f->m.hdr.tunnel_id, 0);
		CHECK_EQ(f->l.stats.tunnels_established, 0);
		fx_free(f);
	}
}

/* §7.2.1: "established Receive SCCRQ, SCCRP, SCCCN: send StopCCN".  A HELLO
 * is only acknowledged. */
static void test_fsm_established(void **state)
{
	static const uint16_t bad[] = { L2TP_MSG_SCCRQ, L2TP_MSG_SCCRP, L2TP_MSG_SCCCN };

	for (int lac = 0; lac < 2; lac++) {
		for (size_t i = 0; i < 3; i++) {
			struct l2tp_tunnel *t;
			struct fx *f = fx_new();
			struct peer p;
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "established (%s), %s", lac ? "LAC" : "LNS",
				 l2tp_msg_type_str(bad[i]));
			f->ctx = ctx;
			if (lac) {
				peer_init(&p, ep4(192, 0, 2, 9, 1701), 300);
				t = lac_dial(f, &p);
				CHECK(lac_up(f, &p, t) != NULL);
				send_type(f, &p, L2TP_MSG_ICRP, t->sessions->id, 77);
				expect(f, &p, L2TP_MSG_ICCN);
				CHECK_EQ(f->ups, 1);
			} else {
				peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
				t = lns_establish(f, &p);
				lns_call(f, &p, 5);
			}
			send_type(f, &p, bad[i], 0, 0);
			expect_fsm_stopccn(f, &p, t);
			CHECK_EQ(f->downs, 1);
			fx_free(f);
		}
	}
}

static void test_fsm_hello_established(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	advance(f, 1000);
	skip_zlbs(f);
	send_type(f, &p, L2TP_MSG_HELLO, 0, 0);
	expect_none(f);
	advance(f, f->conf.rdt.ack_delay_ms);
	expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(f->m.hdr.nr, 3);
	expect_none(f);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
}

/* ---- illegal (state, message) pairs: calls -------------------------------- */

enum call_setup {
	CALL_LNS_WAIT_CONNECT,	/* ICRQ in, ICRP out */
	CALL_LNS_ESTABLISHED,
	CALL_LAC_WAIT_REPLY,	/* ICRQ out */
	CALL_LAC_ESTABLISHED,
};

static const char *const call_setup_names[] = {
	"LNS wait-connect", "LNS established", "LAC wait-reply", "LAC established",
};

/* Puts a call in the given state; returns it. */
static struct l2tp_session *make_call(struct fx *f, struct peer *p, enum call_setup how)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	uint16_t sid;

	if (how == CALL_LNS_WAIT_CONNECT || how == CALL_LNS_ESTABLISHED) {
		peer_init(p, ep4(192, 0, 2, 1, 1701), 100);
		t = lns_establish(f, p);
		if (how == CALL_LNS_ESTABLISHED)
			return lns_call(f, p, 5);
		send_type(f, p, L2TP_MSG_ICRQ, 0, 5);
		sid = expect(f, p, L2TP_MSG_ICRP)->assigned_session_id;
		return l2tp_session_find(&f->l, t->id, sid);
	}
	peer_init(p, ep4(192, 0, 2, 9, 1701), 300);
	t = lac_dial(f, p);
	s = lac_up(f, p, t);
	CHECK(s != NULL);
	if (how == CALL_LAC_ESTABLISHED) {
		send_type(f, p, L2TP_MSG_ICRP, s->id, 5);
		expect(f, p, L2TP_MSG_ICCN);
		CHECK_EQ(s->state, SESSION_ESTABLISHED);
	}
	return s;
}

/* Each call state × each call message that is not its next step: the call
 * is cleared with a CDN (result 2), the tunnel stays up.  §7.4.1 (LNS):
 * "wait-connect Receive ICRQ, ICRP: send CDN"; §7.4.2 (LAC): "established
 * Receive ICRQ, ICRP, ICCN: send CDN".  Established calls ignore WEN and
 * SLI (they carry line information, not state). */
static void test_fsm_calls(void **state)
{
	static const struct {
		enum call_setup how;
		uint16_t type;
		bool cleared;
	} rows[] = {
		{ CALL_LNS_WAIT_CONNECT, L2TP_MSG_ICRP, true },
		{ CALL_LNS_WAIT_CONNECT, L2TP_MSG_OCRP, true },
		{ CALL_LNS_WAIT_CONNECT, L2TP_MSG_OCCN, true },
		{ CALL_LNS_WAIT_CONNECT, L2TP_MSG_WEN, true },
		{ CALL_LNS_WAIT_CONNECT, L2TP_MSG_SLI, true },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_ICRP, true },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_ICCN, true },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_OCRP, true },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_OCCN, true },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_WEN, false },
		{ CALL_LNS_ESTABLISHED, L2TP_MSG_SLI, false },
		{ CALL_LAC_WAIT_REPLY, L2TP_MSG_ICCN, true },
		{ CALL_LAC_WAIT_REPLY, L2TP_MSG_OCRP, true },
		{ CALL_LAC_WAIT_REPLY, L2TP_MSG_OCCN, true },
		{ CALL_LAC_WAIT_REPLY, L2TP_MSG_WEN, true },
		{ CALL_LAC_ESTABLISHED, L2TP_MSG_ICRP, true },
		{ CALL_LAC_ESTABLISHED, L2TP_MSG_ICCN, true },
		{ CALL_LAC_ESTABLISHED, L2TP_MSG_OCCN, true },
		{ CALL_LAC_ESTABLISHED, L2TP_MSG_WEN, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fx *f = fx_new();
		const struct l2tp_msg *m;
		struct l2tp_session *s;
		struct l2tp_tunnel *t;
		uint16_t sid, psid;
		bool was_up;
		struct peer p;
		char ctx[64];

		snprintf(ctx, sizeof(ctx), "%s, %s", call_setup_names[rows[i].how],
			 l2tp_msg_type_str(rows[i].type));
		f->ctx = ctx;
		s = make_call(f, &p, rows[i].how);
		CHECK(s != NULL);
		t = s->t;
		sid = s->id;
		psid = s->peer_id;
		was_up = s->state == SESSION_ESTABLISHED;
		send_type(f, &p, rows[i].type, sid, 5);
		if (rows[i].cleared) {
			m = expect(f, &p, L2TP_MSG_CDN);
			CHECK_EQ(m->hdr.session_id, psid);
			CHECK_EQ(m->assigned_session_id, sid);
			CHECK_EQ(m->result.result, L2TP_CDN_GENERAL_ERROR);
			CHECK(m->result.has_error);
			CHECK_EQ(m->result.error, L2TP_ERR_BAD_VALUE);
			CHECK(l2tp_session_find(&f->l, t->id, sid) == NULL);
			CHECK_EQ(f->downs, was_up ? 1 : 0);
		} else {
			CHECK(l2tp_session_find(&f->l, t->id, sid) == s);
			CHECK_EQ(s->state, SESSION_ESTABLISHED);
			CHECK_EQ(f->downs, 0);
		}
		advance(f, 500);
		skip_zlbs(f);
		expect_none(f);		/* no StopCCN */
		CHECK_EQ(t->state, TUNNEL_ESTABLISHED);
		fx_free(f);
	}
}

/* Call messages for a session id we do not have (gone, or never was):
 * acknowledged, nothing else (§7.4.1 "idle Receive ICCN / CDN: clean up"). */
static void test_fsm_unknown_session(void **state)
{
	static const uint16_t types[] = {
		L2TP_MSG_ICRP, L2TP_MSG_ICCN, L2TP_MSG_CDN, L2TP_MSG_OCRP,
		L2TP_MSG_OCCN, L2TP_MSG_WEN,  L2TP_MSG_SLI,
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct fx *f = fx_new();
		struct l2tp_tunnel *t;
		struct peer p;
		char ctx[64];

		snprintf(ctx, sizeof(ctx), "%s for no session", l2tp_msg_type_str(types[i]));
		f->ctx = ctx;
		peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
		t = lns_establish(f, &p);
		lns_call(f, &p, 5);
		send_type(f, &p, types[i], 0x7777, 6);
		advance(f, f->conf.rdt.ack_delay_ms);
		expect(f, &p, L2TP_MSG_ZLB);
		expect_none(f);
		CHECK_EQ(t->state, TUNNEL_ESTABLISHED);
		CHECK_EQ(f->l.nsessions, 1);
		CHECK_EQ(f->downs, 0);
		fx_free(f);
	}
}

/* ---- malformed messages ------------------------------------------------- */

static void test_unknown_mandatory_icrq(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[4] = { 1, 2, 3, 4 };
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;
	int vendor;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	for (vendor = 0; vendor < 2; vendor++) {
		msg(&p, L2TP_MSG_ICRQ);
		put_required(&p, L2TP_MSG_ICRQ, 5 + vendor);
		l2tp_avp_put_raw(&p.b, L2TP_AVP_F_M, vendor ? 9 : 0, vendor ? 1 : 200, junk, 4);
		send_msg(f, &p, 0);
		/* §4.1: the call is refused, result 2 error 8 */
		m = expect(f, &p, L2TP_MSG_CDN);
		assert_int_equal(m->hdr.session_id, 5 + vendor);
		assert_int_equal(m->result.result, L2TP_CDN_GENERAL_ERROR);
		assert_true(m->result.has_error);
		assert_int_equal(m->result.error, L2TP_ERR_UNKNOWN_MANDATORY);
		assert_int_not_equal(m->assigned_session_id, 0);
		expect_none(f);
		assert_int_equal(f->l.nsessions, 0);
		/* the tunnel survives (xl2tpd tears it down here) */
		assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	}
	assert_int_equal(f->l.stats.sessions_refused, 2);
	lns_call(f, &p, 7);
	assert_int_equal(f->ups, 1);
}

static void test_unknown_mandatory_iccn(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[2] = { 0 };
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	sid = expect(f, &p, L2TP_MSG_ICRP)->assigned_session_id;
	msg(&p, L2TP_MSG_ICCN);
	put_required(&p, L2TP_MSG_ICCN, 0);
	l2tp_avp_put_raw(&p.b, L2TP_AVP_F_M, 0, 222, junk, 2);
	send_msg(f, &p, sid);
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 5);
	assert_int_equal(m->assigned_session_id, sid);
	assert_int_equal(m->result.result, L2TP_CDN_GENERAL_ERROR);
	assert_int_equal(m->result.error, L2TP_ERR_UNKNOWN_MANDATORY);
	assert_null(l2tp_session_find(&f->l, p.ltid, sid));
	assert_int_equal(f->ups, 0);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	expect_none(f);
}

static void test_unknown_mandatory_scccn(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[2] = { 0 };
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_sccrq(f, &p);
	msg(&p, L2TP_MSG_SCCCN);
	l2tp_avp_put_raw(&p.b, L2TP_AVP_F_M, 0, 222, junk, 2);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_GENERAL_ERROR);
	assert_true(m->result.has_error);
	assert_int_equal(m->result.error, L2TP_ERR_UNKNOWN_MANDATORY);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	assert_int_equal(f->l.stats.tunnels_established, 0);
}

/* In an SCCRQ: a tunnel is made only to be cleared, so the StopCCN can be
 * addressed (§4.1). */
static void test_unknown_mandatory_sccrq(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[2] = { 0 };
	const struct l2tp_msg *m;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRQ);
	put_setup(&p);
	l2tp_avp_put_raw(&p.b, L2TP_AVP_F_M, 0, 222, junk, 2);
	send_msg(f, &p, 0);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->hdr.nr, 1);
	assert_int_equal(m->result.result, L2TP_STOPCCN_GENERAL_ERROR);
	assert_int_equal(m->result.error, L2TP_ERR_UNKNOWN_MANDATORY);
	assert_int_equal(f->l.npending, 0);
	expect_none(f);
}

static void test_unknown_optional_ignored(void **state)
{
	struct fx *f = *state;
	static const uint8_t junk[3] = { 7, 7, 7 };
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.known = true;
	msg(&p, L2TP_MSG_SCCRQ);
	put_setup(&p);
	l2tp_avp_put_raw(&p.b, 0, 0, 250, junk, 3);	/* M=0, unknown type */
	l2tp_avp_put_raw(&p.b, 0, 311, 1, junk, 3);	/* M=0, a vendor's */
	send_msg(f, &p, 0);
	p.ltid = expect(f, &p, L2TP_MSG_SCCRP)->assigned_tunnel_id;
	msg(&p, L2TP_MSG_SCCCN);
	l2tp_avp_put_raw(&p.b, 0, 0, 250, junk, 3);
	send_msg(f, &p, 0);
	t = l2tp_tunnel_find(&f->l, p.ltid);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	msg(&p, L2TP_MSG_ICRQ);
	put_required(&p, L2TP_MSG_ICRQ, 5);
	l2tp_avp_put_raw(&p.b, 0, 0, 250, junk, 3);
	send_msg(f, &p, 0);
	expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->l.stats.rx_parse_errors, 0);
}

/* ---- StopCCN, retransmission failure ------------------------------------ */

static uint64_t hold_period(const struct conf *c)
{
	uint64_t total = 0, rto = c->rdt.rtx_initial_ms;

	for (unsigned int i = 0; i <= c->rdt.max_retries; i++) {
		total += rto;
		rto = rto * 2 > c->rdt.rtx_cap_ms ? c->rdt.rtx_cap_ms : rto * 2;
	}
	return total;
}

static void test_stopccn_from_peer(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;
	uint16_t ns;
	uint64_t hold = hold_period(&f->conf);

	assert_int_equal(hold, 31000);		/* 1 + 2 + 4 + 8 + 8 + 8 s */
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	lns_call(f, &p, 5);
	lns_call(f, &p, 6);
	ns = p.ns;
	send_type(f, &p, L2TP_MSG_STOPCCN, 0, 0);
	/* acknowledged at once, not after the ack delay */
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, ns + 1);
	assert_int_equal(f->downs, 2);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	assert_int_equal(f->l.ntunnels, 1);

	/* our ZLB was lost: the retransmitted StopCCN is acknowledged again */
	advance(f, 1000);
	skip_zlbs(f);
	send_raw(f, &p, &p.ep, 0, ns, p.nr);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, ns + 1);
	/* a call on a closing tunnel is not accepted */
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 9);
	advance(f, 200);
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->l.nsessions, 0);

	advance(f, hold - 1200 - 1);
	assert_int_equal(f->l.ntunnels, 1);
	advance(f, 1);
	assert_int_equal(f->l.ntunnels, 0);
	assert_null(l2tp_tunnel_find(&f->l, p.ltid));
	skip_zlbs(f);
	expect_none(f);
}

static void test_local_tunnel_close(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	lns_call(f, &p, 5);
	l2tp_tunnel_close(t, L2TP_STOPCCN_SHUTTING_DOWN, 0, NULL);
	m = expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_SHUTTING_DOWN);
	assert_int_equal(m->assigned_tunnel_id, p.ltid);
	assert_int_equal(f->downs, 1);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	send_ack(f, &p);
	advance(f, hold_period(&f->conf) - 1);
	skip_zlbs(f);
	expect_none(f);		/* acknowledged: not retransmitted */
	assert_int_equal(f->l.ntunnels, 1);
	advance(f, 1);
	assert_int_equal(f->l.ntunnels, 0);
}

/* Both ends send StopCCN at once: theirs is acknowledged, nothing else is
 * said, and the tunnel goes after the hold period. */
static void test_crossing_stopccns(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	l2tp_tunnel_close(t, L2TP_STOPCCN_CLEAR, 0, NULL);
	send_type(f, &p, L2TP_MSG_STOPCCN, 0, 0);	/* its Nr misses ours */
	expect(f, &p, L2TP_MSG_STOPCCN);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	send_ack(f, &p);
	/* acknowledged, at once or after the ack delay; nothing but ZLBs */
	advance(f, f->conf.rdt.ack_delay_ms);
	do
		expect(f, &p, L2TP_MSG_ZLB);
	while (f->rd < f->nwire);
	assert_int_equal(f->m.hdr.nr, p.ns);
	advance(f, 2 * hold_period(&f->conf));
	assert_int_equal(f->l.ntunnels, 0);
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->l.stats.rx_parse_errors, 0);
}

/* The SCCRP is never acknowledged: retransmitted with backoff 1, 2, 4, 8,
 * 8 s, then the tunnel is freed and the upper layer told. */
static void test_retransmit_failure_setup(void **state)
{
	static const uint64_t at[] = { 0, 1000, 3000, 7000, 15000, 23000 };
	struct fx *f = *state;
	struct peer p;
	uint64_t start;
	uint16_t tid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	start = f->now;
	tid = lns_sccrq(f, &p)->id;
	advance(f, 31000 - 1);
	for (size_t i = 1; i < sizeof(at) / sizeof(at[0]); i++) {
		skip_zlbs(f);
		expect(f, &p, L2TP_MSG_SCCRP);
		assert_int_equal(f->m.hdr.ns, 0);
		assert_int_equal(f->wire[f->rd - 1].t, start + at[i]);
	}
	skip_zlbs(f);
	expect_none(f);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->tdowns, 0);
	advance(f, 1);
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->l.npending, 0);
	assert_int_equal(f->tdowns, 1);
	assert_int_equal(f->tdown_tid, tid);
	assert_int_equal(f->l.stats.tunnels_failed, 1);
	expect_none(f);
}

static void test_retransmit_failure_established(void **state)
{
	struct fx *f = *state;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;

	f->conf.hello_interval = 10;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	s = lns_call(f, &p, 5);
	sid = s->id;
	/* the peer goes silent: HELLO at 10 s, then 31 s of retries */
	advance(f, 10000 + 31000 - 1);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->downs, 0);
	advance(f, 1);
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->downs, 1);
	assert_int_equal(f->down_sid, sid);
	assert_int_equal(f->tdowns, 1);
}

/* ---- limits --------------------------------------------------------------- */

static void test_limit_max_tunnels(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer a, b;

	f->conf.max_tunnels = 1;
	peer_init(&a, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &a);
	peer_init(&b, ep4(192, 0, 2, 2, 1701), 200);
	b.known = true;
	send_type(f, &b, L2TP_MSG_SCCRQ, 0, 0);
	m = expect(f, &b, L2TP_MSG_STOPCCN);
	assert_int_equal(m->result.result, L2TP_STOPCCN_GENERAL_ERROR);
	assert_true(m->result.has_error);
	assert_int_equal(m->result.error, L2TP_ERR_NO_RESOURCES);
	assert_int_equal(m->hdr.nr, 1);
	assert_int_not_equal(m->assigned_tunnel_id, 0);
	expect_none(f);
	assert_int_equal(f->l.stats.sccrq_refused_limit, 1);
	assert_int_equal(f->l.stats.tunnels_established, 1);
	/* Refused without a tunnel object: nothing is kept for b, so a flood
	 * of refused SCCRQs costs no memory. */
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.stats.tunnels_created, 1);
	/* its retransmitted SCCRQ is refused again, statelessly */
	msg(&b, L2TP_MSG_SCCRQ);
	put_setup(&b);
	send_raw(f, &b, &b.ep, 0, 0, 0);
	m = expect(f, &b, L2TP_MSG_STOPCCN);
	assert_int_equal(m->hdr.nr, 1);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.stats.sccrq_refused_limit, 2);
}

static void test_limit_sessions_per_tunnel(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;

	f->conf.max_sessions_per_tunnel = 1;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	lns_call(f, &p, 5);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 6);
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 6);
	assert_int_equal(m->result.result, L2TP_CDN_NO_FACILITIES_TEMP);
	assert_int_not_equal(m->assigned_session_id, 0);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->l.stats.sessions_refused, 1);
}

static void test_limit_max_sessions(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer a, b;

	f->conf.max_sessions = 1;
	peer_init(&a, ep4(192, 0, 2, 1, 1701), 100);
	peer_init(&b, ep4(192, 0, 2, 2, 1701), 200);
	lns_establish(f, &a);
	lns_establish(f, &b);
	lns_call(f, &a, 5);
	send_type(f, &b, L2TP_MSG_ICRQ, 0, 6);
	m = expect(f, &b, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 6);
	assert_int_equal(m->result.result, L2TP_CDN_NO_FACILITIES_TEMP);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->ups, 1);
}

static void test_limit_pending(void **state)
{
	struct fx *f = *state;
	struct peer a, b;

	f->conf.max_pending_tunnels = 1;
	peer_init(&a, ep4(192, 0, 2, 1, 1701), 100);
	peer_init(&b, ep4(192, 0, 2, 2, 1701), 200);
	lns_sccrq(f, &a);
	b.known = true;
	send_type(f, &b, L2TP_MSG_SCCRQ, 0, 0);
	expect_none(f);		/* dropped silently */
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.stats.sccrq_dropped_pending, 1);
	/* once a's tunnel is established, b's retransmission gets in */
	send_type(f, &a, L2TP_MSG_SCCCN, 0, 0);
	assert_int_equal(f->l.npending, 0);
	msg(&b, L2TP_MSG_SCCRQ);
	put_setup(&b);
	send_raw(f, &b, &b.ep, 0, 0, 0);
	expect(f, &b, L2TP_MSG_SCCRP);
	assert_int_equal(f->l.ntunnels, 2);
	assert_int_equal(f->l.npending, 1);
}

static void test_limit_tunnel_rate(void **state)
{
	struct fx *f = *state;
	struct peer p[4];

	f->conf.tunnel_rate = 2;
	for (int i = 0; i < 3; i++) {
		peer_init(&p[i], ep4(192, 0, 2, 1, 1701 + i), 100 + i);
		p[i].known = true;
		send_type(f, &p[i], L2TP_MSG_SCCRQ, 0, 0);
	}
	expect(f, &p[0], L2TP_MSG_SCCRP);
	expect(f, &p[1], L2TP_MSG_SCCRP);
	expect_none(f);
	assert_int_equal(f->l.stats.sccrq_dropped_rate, 1);
	assert_int_equal(f->l.ntunnels, 2);
	/* another address is not limited */
	peer_init(&p[3], ep4(192, 0, 2, 2, 1701), 200);
	lns_sccrq(f, &p[3]);
	/* next second: the third one's retransmission gets in */
	advance(f, 1000);
	f->rd = f->nwire;
	msg(&p[2], L2TP_MSG_SCCRQ);
	put_setup(&p[2]);
	send_raw(f, &p[2], &p[2].ep, 0, 0, 0);
	expect(f, &p[2], L2TP_MSG_SCCRP);
	assert_int_equal(f->l.ntunnels, 4);
}

/* A tunnel that never completes (the peer acknowledges the SCCRP and sends
 * no SCCCN) is dropped at the setup deadline. */
static void test_pending_expires(void **state)
{
	struct fx *f = *state;
	struct peer p;
	uint16_t tid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	tid = lns_sccrq(f, &p)->id;
	send_ack(f, &p);
	advance(f, 60000 - 1);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(f->l.npending, 1);
	advance(f, 1);
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->l.npending, 0);
	assert_null(l2tp_tunnel_find(&f->l, tid));
	assert_int_equal(f->tdowns, 1);
	assert_int_equal(f->l.stats.tunnels_failed, 1);
	skip_zlbs(f);
	expect_none(f);
}

/* ---- ids -------------------------------------------------------------------- */

static void check_unique_ids(struct fx *f, int fixed)
{
	uint16_t tids[4], sids[4];
	struct peer p[4];

	f->rnd_fixed = fixed;
	for (int i = 0; i < 4; i++) {
		peer_init(&p[i], ep4(192, 0, 2, 1 + i, 1701), 100);
		tids[i] = lns_establish(f, &p[i])->id;
		CHECK(tids[i] != 0);
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j]);
		CHECK(l2tp_tunnel_find(&f->l, tids[i])->peer.addr.a8[15] == 1 + i);
	}
	for (int i = 0; i < 4; i++) {
		sids[i] = lns_call(f, &p[0], 10 + i)->id;
		CHECK(sids[i] != 0);
		for (int j = 0; j < i; j++)
			CHECK(sids[i] != sids[j]);
		CHECK(l2tp_session_find(&f->l, tids[0], sids[i])->peer_id == 10 + i);
	}
	CHECK_EQ(f->l.nsessions, 4);
	CHECK_EQ(f->ups, 4);
}

static void test_ids_colliding_random(void **state)
{
	struct fx *f = *state;

	f->ctx = "random always 0x07";
	check_unique_ids(f, 0x07);
	assert_int_equal(l2tp_tunnel_find(&f->l, 0x0707)->peer.addr.a8[15], 1);
}

static void test_ids_zero_random(void **state)
{
	struct fx *f = *state;

	f->ctx = "random always 0";
	check_unique_ids(f, 0);
	assert_null(l2tp_tunnel_find(&f->l, 0));
}

/* Session ids are unique across tunnels, not only within one (RFC 2661
 * asks no more): each call then has a fast-path slot of its own in the data
 * plane (struct l2tpx_fast).  With every random draw the same, calls on two
 * tunnels still get six different ids; a call's id is free again after it
 * ends. */
static void test_session_ids_unique_across_tunnels(void **state)
{
	struct fx *f = *state;
	uint16_t sids[6];
	struct peer p[2];
	struct l2tp_session *s;

	for (int i = 0; i < 2; i++) {
		peer_init(&p[i], ep4(192, 0, 2, 1 + i, 1701), 100);
		lns_establish(f, &p[i]);
	}
	f->rnd_fixed = 0x07;
	for (int i = 0; i < 6; i++) {
		sids[i] = lns_call(f, &p[i % 2], 10 + i)->id;
		for (int j = 0; j < i; j++)
			assert_int_not_equal(sids[i], sids[j]);
	}
	assert_int_equal(sids[0], 0x0707);
	/* The call holding 0x0707 ends: the next call, on the other tunnel,
	 * gets the random draw again. */
	s = l2tp_session_find(&f->l, p[0].ltid, sids[0]);
	assert_non_null(s);
	l2tp_session_close(s, L2TP_CDN_ADMIN, 0, "test");
	expect(f, &p[0], L2TP_MSG_CDN);
	assert_null(l2tp_session_find(&f->l, p[0].ltid, sids[0]));
	assert_int_equal(lns_call(f, &p[1], 20)->id, 0x0707);
}

/* ---- NAT ------------------------------------------------------------------ */

static void test_nat_rebind(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct udp_ep old;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	advance(f, 1000);
	skip_zlbs(f);
	old = p.ep;

	/* out of sequence from a new port: ignored, nothing sent there */
	p.ep.port = 4500;
	msg(&p, L2TP_MSG_HELLO);
	send_raw(f, &p, &p.ep, 0, p.ns + 1, p.nr);	/* ahead */
	send_raw(f, &p, &p.ep, 0, p.ns - 1, p.nr);	/* a duplicate */
	send_raw(f, &p, &p.ep, 0, p.ns, p.nr + 5);	/* acks what we never sent */
	advance(f, 2000);
	expect_none(f);
	assert_int_equal(t->peer.port, 1701);
	assert_int_equal(f->l.stats.rx_unknown_tunnel, 3);
	assert_int_equal(f->moves, 0);

	/* the next message in sequence from a new port: followed, and the
	 * upper layer told so (the fast path follows it) */
	send_type(f, &p, L2TP_MSG_HELLO, 0, 0);
	assert_int_equal(t->peer.port, 4500);
	assert_int_equal(f->moves, 1);
	advance(f, f->conf.rdt.ack_delay_ms);
	expect(f, &p, L2TP_MSG_ZLB);	/* to the new port */
	assert_int_equal(f->m.hdr.nr, p.ns);
	/* and the old port is now the stranger */
	msg(&p, L2TP_MSG_HELLO);
	send_raw(f, &p, &old, 0, p.ns + 1, p.nr);
	assert_int_equal(t->peer.port, 4500);
	lns_call(f, &p, 5);
	assert_int_equal(f->ups, 1);
}

/* Two LACs behind one NAT: same address, different ports, and both chose
 * tunnel id 1. */
static void test_two_lacs_behind_nat(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *ta, *tb;
	struct peer a, b;

	peer_init(&a, ep4(203, 0, 113, 5, 1701), 1);
	peer_init(&b, ep4(203, 0, 113, 5, 1702), 1);
	ta = lns_sccrq(f, &a);
	tb = lns_sccrq(f, &b);
	assert_ptr_not_equal(ta, tb);
	assert_int_not_equal(ta->id, tb->id);
	assert_int_equal(f->l.ntunnels, 2);
	/* each one's SCCCN completes its own tunnel */
	send_type(f, &b, L2TP_MSG_SCCCN, 0, 0);
	assert_int_equal(tb->state, TUNNEL_ESTABLISHED);
	assert_int_equal(ta->state, TUNNEL_WAIT_CTL_CONN);
	send_type(f, &a, L2TP_MSG_SCCCN, 0, 0);
	assert_int_equal(ta->state, TUNNEL_ESTABLISHED);
	lns_call(f, &a, 5);
	lns_call(f, &b, 5);
	assert_int_equal(ta->nsessions, 1);
	assert_int_equal(tb->nsessions, 1);
	/* a's messages to b's tunnel id (wrong port) go nowhere */
	a.ltid = tb->id;
	msg(&a, L2TP_MSG_HELLO);
	send_raw(f, &a, &a.ep, 0, a.ns + 3, 0);
	assert_int_equal(tb->peer.port, 1702);
}

/* ---- faults: a peer that vanishes or misbehaves; after each, the
 * invariant (calls, PPP sessions, pool agree) holds ------------------------ */

/* The peer vanishes after its SCCRQ: the SCCRP is retried, then the
 * unfinished tunnel is freed and nothing is left. */
static void test_fault_gone_after_sccrq(void **state)
{
	struct fx *f = *state;
	struct peer p;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_sccrq(f, &p);
	assert_int_equal(f->l.npending, 1);
	invariant(f);
	advance(f, hold_period(&f->conf));
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->l.npending, 0);
	invariant(f);
}

/* The peer acknowledges our ICRP and never sends its ICCN: the call is
 * cleared with a CDN after L2TP_CALL_SETUP_MS; the tunnel stays. */
static void test_fault_no_iccn(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct l2tp_tunnel *t;
	struct peer p;
	uint16_t sid;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	sid = expect(f, &p, L2TP_MSG_ICRP)->assigned_session_id;
	send_ack(f, &p);
	assert_int_equal(invariant(f).sessions, 1);
	advance(f, L2TP_CALL_SETUP_MS - 1);
	skip_zlbs(f);
	expect_none(f);
	assert_non_null(l2tp_session_find(&f->l, t->id, sid));
	advance(f, 1);
	m = expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(m->hdr.session_id, 5);
	assert_int_equal(m->assigned_session_id, sid);
	assert_int_equal(m->result.result, L2TP_CDN_GENERAL_ERROR);
	assert_null(l2tp_session_find(&f->l, t->id, sid));
	assert_int_equal(f->downs, 0);		/* never up, so never down */
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(invariant(f).sessions, 0);
	/* an ICCN arriving late finds no call */
	send_type(f, &p, L2TP_MSG_ICCN, sid, 0);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->ups, 0);
	invariant(f);
}

/* The peer vanishes altogether after its ICRQ (our ICRP never acked):
 * the tunnel fails after the retries, its calls with it. */
static void test_fault_gone_after_icrq(void **state)
{
	struct fx *f = *state;
	struct peer p;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	lns_call(f, &p, 4);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	expect(f, &p, L2TP_MSG_ICRP);
	assert_int_equal(invariant(f).established, 1);
	advance(f, hold_period(&f->conf));
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->downs, 1);		/* the established call */
	assert_int_equal(f->l.stats.tunnels_failed, 1);
	invariant(f);
}

/* The peer vanishes mid-session: HELLO goes unanswered, the tunnel and
 * every call go down. */
static void test_fault_gone_mid_session(void **state)
{
	struct fx *f = *state;
	struct peer p;

	f->conf.hello_interval = 10;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	for (uint16_t psid = 1; psid <= 3; psid++)
		lns_call(f, &p, psid);
	assert_int_equal(invariant(f).established, 3);
	advance(f, 10000 + hold_period(&f->conf));
	assert_int_equal(f->l.ntunnels, 0);
	assert_int_equal(f->downs, 3);
	assert_int_equal(invariant(f).sessions, 0);
}

/* StopCCN while a call is being set up (ICRP sent, no ICCN): the call
 * goes with the tunnel, never reported up or down, and an ICCN that
 * follows in the hold period sets up nothing. */
static void test_fault_stopccn_during_call_setup(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;
	uint16_t sid;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	sid = expect(f, &p, L2TP_MSG_ICRP)->assigned_session_id;
	send_type(f, &p, L2TP_MSG_STOPCCN, 0, 0);
	expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->ups + f->downs, 0);
	invariant(f);
	send_type(f, &p, L2TP_MSG_ICCN, sid, 0);
	assert_int_equal(f->l.nsessions, 0);
	assert_int_equal(f->ups, 0);
	advance(f, hold_period(&f->conf));
	assert_int_equal(f->l.ntunnels, 0);
	invariant(f);
}

/* Crossing CDNs on one call of two: the other call and the tunnel carry
 * on, and the invariant holds. */
static void test_fault_crossing_cdns_invariant(void **state)
{
	struct fx *f = *state;
	struct l2tp_session *s;
	struct peer p;
	uint16_t sid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	lns_call(f, &p, 4);
	s = lns_call(f, &p, 5);
	sid = s->id;
	l2tp_session_close(s, L2TP_CDN_ADMIN, 0, NULL);
	send_type(f, &p, L2TP_MSG_CDN, sid, 5);
	expect(f, &p, L2TP_MSG_CDN);
	assert_int_equal(invariant(f).established, 1);
	/* the peer redials with the same session id at once */
	lns_call(f, &p, 5);
	assert_int_equal(invariant(f).established, 2);
}

/* A second ICRQ (new Ns) with the Assigned Session ID of a call we have,
 * set up or still setting up: acknowledged, never answered, one session. */
static void test_fault_duplicate_icrq_same_session_id(void **state)
{
	struct fx *f = *state;
	const struct l2tp_msg *m;
	struct peer p;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &p);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);
	expect(f, &p, L2TP_MSG_ICRP);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);		/* while waiting for ICCN */
	advance(f, f->conf.rdt.ack_delay_ms);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, p.ns);
	expect_none(f);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(f->l.stats.sessions_created, 1);
	send_type(f, &p, L2TP_MSG_ICCN, f->l.tunnels[p.ltid]->sessions->id, 0);
	assert_int_equal(f->ups, 1);
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 5);		/* and once established */
	advance(f, f->conf.rdt.ack_delay_ms);
	m = expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(m->hdr.nr, p.ns);
	expect_none(f);
	assert_int_equal(f->l.nsessions, 1);
	assert_int_equal(invariant(f).established, 1);
}

/* Messages with an Ns beyond the window are dropped: not delivered, never
 * acknowledged past what arrived in order, the tunnel lives on. */
static void test_fault_ns_out_of_window(void **state)
{
	static const uint16_t ahead[] = { 4, 100, 0x7fff, 0x8000, 0xffff };
	struct fx *f = *state;
	struct l2tp_tunnel *t;
	struct peer p;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	t = lns_establish(f, &p);
	for (size_t i = 0; i < sizeof(ahead) / sizeof(ahead[0]); i++) {
		msg(&p, L2TP_MSG_ICRQ);
		put_required(&p, L2TP_MSG_ICRQ, 50 + i);
		send_raw(f, &p, &p.ep, 0, (uint16_t)(p.ns + ahead[i]), p.nr);
		advance(f, f->conf.rdt.ack_delay_ms);
		while (f->rd < f->nwire) {
			expect(f, &p, L2TP_MSG_ZLB);
			assert_int_equal(f->m.hdr.nr, p.ns);	/* not beyond */
		}
		assert_int_equal(f->l.nsessions, 0);
		assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	}
	assert_true(t->rdt.n_out_of_window >= 1);
	/* in order again: served as usual */
	lns_call(f, &p, 5);
	assert_int_equal(invariant(f).established, 1);
}

/* Right after its StopCCN the peer opens a new tunnel reusing its old
 * Assigned Tunnel ID: a new tunnel with a new id of ours, not a
 * retransmission to the old one in its hold period; the old one goes at
 * the end of the hold period, the new one stays. */
static void test_fault_tunnel_id_reuse(void **state)
{
	struct fx *f = *state;
	struct l2tp_tunnel *old, *nt;
	struct peer p, q;
	uint16_t old_id;

	f->conf.hello_interval = 0;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	old = lns_establish(f, &p);
	old_id = old->id;
	lns_call(f, &p, 5);
	send_type(f, &p, L2TP_MSG_STOPCCN, 0, 0);
	expect(f, &p, L2TP_MSG_ZLB);
	assert_int_equal(old->state, TUNNEL_CLOSING);
	/* the same address, port and Assigned Tunnel ID, Ns 0 again */
	peer_init(&q, p.ep, 100);
	nt = lns_sccrq(f, &q);
	assert_int_not_equal(nt->id, old_id);
	assert_ptr_not_equal(nt, old);
	assert_int_equal(nt->state, TUNNEL_WAIT_CTL_CONN);
	assert_int_equal(old->state, TUNNEL_CLOSING);
	assert_int_equal(f->l.ntunnels, 2);
	send_type(f, &q, L2TP_MSG_SCCCN, 0, 0);
	assert_int_equal(nt->state, TUNNEL_ESTABLISHED);
	lns_call(f, &q, 5);
	/* the old tunnel's peer retransmits its StopCCN: acked there only */
	advance(f, 500);
	skip_zlbs(f);
	msg(&p, L2TP_MSG_STOPCCN);
	put_required(&p, L2TP_MSG_STOPCCN, 0);
	send_raw(f, &p, &p.ep, 0, p.ns - 1, p.nr);
	assert_int_equal(nt->state, TUNNEL_ESTABLISHED);
	assert_int_equal(nt->nsessions, 1);
	assert_int_equal(invariant(f).established, 1);
	advance(f, hold_period(&f->conf));
	assert_null(l2tp_tunnel_find(&f->l, old_id));
	assert_ptr_equal(l2tp_tunnel_find(&f->l, nt->id), nt);
	assert_int_equal(nt->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->l.ntunnels, 1);
	assert_int_equal(invariant(f).established, 1);
}

/* An ICRQ flood on one tunnel, never followed by ICCN: sessions stop at
 * max_sessions_per_tunnel (CDN result 4, temporary lack of resources),
 * an established call is untouched, and once the setup deadline passes
 * only the established call is left. */
static void test_fault_icrq_flood(void **state)
{
	struct fx *f = *state;
	struct l2tp_session *s;
	struct peer p;
	unsigned int refused = 0, answered = 0;

	f->conf.hello_interval = 0;
	f->conf.max_sessions_per_tunnel = 50;
	peer_init(&p, ep4(192, 0, 2, 1, 1701), 100);
	p.rws = 64;
	lns_establish(f, &p);
	s = lns_call(f, &p, 1);
	for (uint16_t psid = 2; psid < 302; psid++) {
		const struct l2tp_msg *m;

		send_type(f, &p, L2TP_MSG_ICRQ, 0, psid);
		skip_zlbs(f);
		m = expect(f, &p, f->l.nsessions < 50 || answered < 49 ? L2TP_MSG_ICRP :
								   L2TP_MSG_CDN);
		if (m->type == L2TP_MSG_ICRP) {
			answered++;
		} else {
			refused++;
			assert_int_equal(m->result.result, L2TP_CDN_NO_FACILITIES_TEMP);
		}
		send_ack(f, &p);
		f->rd = f->nwire = 0;
	}
	assert_int_equal(answered, 49);
	assert_int_equal(refused, 300 - 49);
	assert_int_equal(f->l.nsessions, 50);
	assert_int_equal(f->l.stats.sessions_refused, refused);
	assert_int_equal(s->state, SESSION_ESTABLISHED);
	assert_int_equal(invariant(f).established, 1);
	advance(f, L2TP_CALL_SETUP_MS);
	assert_int_equal(f->l.nsessions, 1);
	assert_ptr_equal(l2tp_session_find(&f->l, p.ltid, s->id), s);
	assert_int_equal(f->downs, 0);
	assert_int_equal(invariant(f).established, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lns_establish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_carries_the_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sccrq_retransmitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lac_dial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lac_sccrp_from_other_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie_breaker_we_win, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie_breaker_we_lose, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lac_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lac_auth_wrong_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lns_data_before_iccn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lns_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdn_from_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdn_before_icrp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_cdn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crossing_cdns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redial_after_cdn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_icrq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ocrq_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icrq_session_id_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_lns, setup, teardown),
		cmocka_unit_test(test_auth_lns_wrong_response),
		cmocka_unit_test_setup_teardown(test_auth_no_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden_icrq, setup, teardown),
		cmocka_unit_test(test_fsm_idle),
		cmocka_unit_test(test_fsm_wait_ctl_conn),
		cmocka_unit_test(test_fsm_wait_ctl_reply),
		cmocka_unit_test(test_fsm_established),
		cmocka_unit_test_setup_teardown(test_fsm_hello_established, setup, teardown),
		cmocka_unit_test(test_fsm_calls),
		cmocka_unit_test(test_fsm_unknown_session),
		cmocka_unit_test_setup_teardown(test_unknown_mandatory_icrq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_mandatory_iccn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_mandatory_scccn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_mandatory_sccrq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_optional_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopccn_from_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_tunnel_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crossing_stopccns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_failure_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_failure_established, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limit_max_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_sessions_per_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_max_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_tunnel_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_colliding_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_zero_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_ids_unique_across_tunnels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nat_rebind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_lacs_behind_nat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_after_sccrq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_no_iccn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_after_icrq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_mid_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_stopccn_during_call_setup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_crossing_cdns_invariant, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_duplicate_icrq_same_session_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_ns_out_of_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_tunnel_id_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_icrq_flood, setup, teardown),
	};

	log_set_level(getenv("TEST_LOG") ? LOG_DEBUG : -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
