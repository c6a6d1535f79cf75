// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the PPP session layer (user/ppp.c) on LNS calls: LCP option
 * handling (RFC 1661 6), magic numbers and loopback, Echo, Discard,
 * Code-Reject and Protocol-Reject, the echo timeout, CHAP-MD5 after LCP,
 * IPCP addresses and DNS (RFC 1332, RFC 1877), the address pool, IPv6CP
 * interface identifiers (RFC 5072) and the router advertisements of a
 * delegated /64 (RFC 4861).
 *
 * l2tpx runs under the fake clock of l2tp_peer.h; the fake peer sets up a
 * tunnel and a call, then speaks PPP in data messages (T=0, flags 0x0002,
 * tunnel id, session id, FF 03, protocol) fed to l2tp_input().  What l2tpx
 * sends is read back in order from the xmit hook: every expected frame is
 * named, and anything unexpected fails the test.  Nothing is checked
 * through ppp.c's own encoders: option bytes, the CHAP response and the
 * ICMPv6 checksum are computed here. */
#include <nettle/md5.h>

#include "l2tp_peer.h"
#include "pool.h"
#include "ppp.h"
#include "state.h"

#define PSID		0x4242		/* the peer's session id */
#define USER		"alice"
#define PASSWORD	"wonderland"
#define PEER_MAGIC	0x0a, 0x0b, 0x0c, 0x0d	/* the peer's magic number, as sent */
#define PEER_MRU	1400

/* PPP packet codes and options, written out (RFC 1661 5, 6; RFC 1332;
 * RFC 1877; RFC 5072; RFC 1994). */
enum { CONF_REQ = 1, CONF_ACK, CONF_NAK, CONF_REJ, TERM_REQ, TERM_ACK, CODE_REJ,
       PROTO_REJ, ECHO_REQ, ECHO_REP, DISC_REQ, IDENTIFICATION };
enum { CHAP_CHALLENGE = 1, CHAP_RESPONSE, CHAP_SUCCESS, CHAP_FAILURE };
#define OPT_MRU		1
#define OPT_ACCM	2
#define OPT_AUTH	3
#define OPT_QUALITY	4
#define OPT_MAGIC	5
#define OPT_PFC		7
#define OPT_ACFC	8
#define OPT_CALLBACK	13
#define IPCP_COMP	2
#define IPCP_ADDR	3
#define IPCP_DNS1	129
#define IPCP_NBNS1	130
#define IPCP_DNS2	131
#define IPCP_NBNS2	132
#define IFID		1
#define PROTO_CCP	0x80fd

/* ---- fixture: a call with a PPP session -------------------------------- */

struct pt {
	struct fx *f;
	struct ppp_ctx *ctx;
	bool ctx_up;
	struct peer p;
	struct l2tp_session *s;		/* l2tpx's end of the call */
	uint16_t sid;			/* its id */
	uint8_t id;			/* Identifier of the peer's next packet */
	/* l2tpx's last LCP Configure-Request */
	uint8_t req[256];
	size_t req_len;
	/* the frame next_frame() read: protocol and packet after it */
	uint16_t proto;
	uint8_t pkt[1500];
	size_t len;
	/* the static address ctx.static_ip gives, and whom it was asked for */
	uint32_t static_addr;		/* network order, 0 = none */
	char static_user[64];
	/* random octets to hand out before the pseudo-random ones */
	uint8_t script[16];
	size_t nscript, script_rd;
	uint8_t v6req_id;		/* l2tpx's IPv6CP Configure-Request */
};

static struct pt *pcur;

static void scripted_random(void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t i = 0;

	for (; i < len && pcur->script_rd < pcur->nscript; i++)
		b[i] = pcur->script[pcur->script_rd++];
	if (i < len)
		fake_random(b + i, len - i);
}

static int lookup(void *arg, const char *client, const char *server, char *secret, size_t cap)
{
	if (strcmp(client, USER))
		return -1;
	snprintf(secret, cap, "%s", PASSWORD);
	return 0;
}

static int static_ip(void *arg, const char *user, uint32_t *addr)
{
	struct pt *t = arg;

	snprintf(t->static_user, sizeof(t->static_user), "%s", user);
	if (!t->static_addr)
		return -1;
	*addr = t->static_addr;
	return 0;
}

static uint32_t ip4(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct pt *pt_new(void)
{
	struct pt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->f = fx_new();
	t->ctx = calloc(1, sizeof(*t->ctx));
	assert_non_null(t->ctx);
	pcur = t;
	t->f->l.random = scripted_random;
	/* No HELLOs: only PPP and acknowledgements cross the wire. */
	t->f->conf.hello_interval = 0;
	t->f->conf.ipv6cp = false;
	snprintf(t->f->conf.ip_range[0], sizeof(t->f->conf.ip_range[0]), "10.0.0.10-10.0.0.12");
	t->f->conf.nranges = 1;
	t->f->conf.local_ip = ip4("10.0.0.1");
	return t;
}

static void pt_free(struct pt *t)
{
	struct l2tp *l = &t->f->l;

	/* Calls still up go down through the PPP layer, which frees its
	 * sessions. */
	for (int i = 1; l->tunnels && i < 65536; i++)
		while (l->tunnels[i] && l->tunnels[i]->sessions)
			session_destroy(l->tunnels[i]->sessions, true);
	fx_free(t->f);
	if (t->ctx_up)
		ppp_ctx_fini(t->ctx);
	free(t->ctx);
	free(t);
	pcur = NULL;
}

static int setup(void **state)
{
	*state = pt_new();
	return 0;
}

static int teardown(void **state)
{
	pt_free(*state);
	return 0;
}

static struct ppp_session *ps_of(struct pt *t)
{
	assert_non_null(t->s);
	assert_non_null(t->s->upper);
	return t->s->upper;
}

/* ---- the wire ---------------------------------------------------------- */

/* The next thing l2tpx sent, past control acknowledgements, must be a PPP
 * frame of this call: read into t->proto, t->pkt, t->len. */
#define next_frame(t) next_frame_((t), __LINE__)
static void next_frame_(struct pt *t, int line)
{
	struct fx *f = t->f;
	const struct sent *w;
	const uint8_t *b;

	skip_zlbs(f);
	if (f->rd >= f->nwire)
		fail_msg("line %d: expected a PPP frame, nothing was sent", line);
	w = &f->wire[f->rd];
	b = w->buf;
	if (b[0] & 0x80)
		fail_msg("line %d: expected a PPP frame, got %s", line, wire_type(f, w));
	f->rd++;
	if (w->len < 10)
		fail_msg("line %d: data message of %zu octets", line, w->len);
	if ((b[0] << 8 | b[1]) != 0x0002)
		fail_msg("line %d: data message flags %#06x, expected 0x0002", line,
			 b[0] << 8 | b[1]);
	if ((b[2] << 8 | b[3]) != t->p.tid || (b[4] << 8 | b[5]) != PSID)
		fail_msg("line %d: data message for %u/%u, the peer's call is %u/%u", line,
			 b[2] << 8 | b[3], b[4] << 8 | b[5], t->p.tid, PSID);
	if (!udp_ep_eq(&w->peer, &t->p.ep))
		fail_msg("line %d: data message sent elsewhere than the peer", line);
	if (b[6] != 0xff || b[7] != 0x03)
		fail_msg("line %d: PPP frame without FF 03 (%02x %02x)", line, b[6], b[7]);
	t->proto = b[8] << 8 | b[9];
	t->len = w->len - 10;
	memcpy(t->pkt, b + 10, t->len);
}

/* The next frame must be a control packet (Code, Identifier, Length) of
 * proto with this code, and its Length the frame's. */
#define expect_cp(t, proto, code) expect_cp_((t), (proto), (code), __LINE__)
static const uint8_t *expect_cp_(struct pt *t, uint16_t proto, uint8_t code, int line)
{
	next_frame_(t, line);
	if (t->proto != proto || t->len < 4 || t->pkt[0] != code)
		fail_msg("line %d: expected protocol %#06x code %u, got protocol %#06x code %u",
			 line, proto, code, t->proto, t->len ? t->pkt[0] : 0);
	if ((size_t)(t->pkt[2] << 8 | t->pkt[3]) != t->len)
		fail_msg("line %d: Length %u in a packet of %zu octets", line,
			 t->pkt[2] << 8 | t->pkt[3], t->len);
	return t->pkt;
}

/* Nothing but acknowledgements left on the wire. */
#define expect_quiet(t) expect_quiet_((t), __LINE__)
static void expect_quiet_(struct pt *t, int line)
{
	struct fx *f = t->f;

	skip_zlbs(f);
	if (f->rd < f->nwire) {
		const struct sent *w = &f->wire[f->rd];

		if (w->buf[0] & 0x80)
			fail_msg("line %d: expected nothing, got %s", line, wire_type(f, w));
		fail_msg("line %d: expected nothing, got a PPP frame of protocol %#06x code %u",
			 line, w->len >= 10 ? w->buf[8] << 8 | w->buf[9] : 0,
			 w->len >= 11 ? w->buf[10] : 0);
	}
}

/* A PPP frame from the peer, in a data message to l2tpx's call. */
static void send_frame(struct pt *t, uint16_t proto, const void *pkt, size_t len)
{
	uint8_t b[1600];

	assert_true(len + 10 <= sizeof(b));
	b[0] = 0x00;
	b[1] = 0x02;
	b[2] = t->p.ltid >> 8;
	b[3] = t->p.ltid & 0xff;
	b[4] = t->sid >> 8;
	b[5] = t->sid & 0xff;
	b[6] = 0xff;
	b[7] = 0x03;
	b[8] = proto >> 8;
	b[9] = proto & 0xff;
	memcpy(b + 10, pkt, len);
	l2tp_input(&t->f->l, t->f->fd, b, len + 10, &t->p.ep, &t->f->local);
}

/* A control packet: code, id, Length, then data. */
static void send_cp(struct pt *t, uint16_t proto, uint8_t code, uint8_t id, const void *data,
		    size_t dlen)
{
	uint8_t b[1500];

	assert_true(dlen + 4 <= sizeof(b));
	b[0] = code;
	b[1] = id;
	b[2] = (dlen + 4) >> 8;
	b[3] = (dlen + 4) & 0xff;
	if (dlen)
		memcpy(b + 4, data, dlen);
	send_frame(t, proto, b, dlen + 4);
}

/* The peer's Configure-Request; returns its Identifier. */
static uint8_t send_req(struct pt *t, uint16_t proto, const void *opts, size_t olen)
{
	uint8_t id = t->id++;

	send_cp(t, proto, CONF_REQ, id, opts, olen);
	return id;
}

/* The answer to the peer's request `id` must be `code` with exactly this
 * body. */
#define expect_answer(t, proto, code, id, body, blen)                                 \
	expect_answer_((t), (proto), (code), (id), (body), (blen), __LINE__)
static void expect_answer_(struct pt *t, uint16_t proto, uint8_t code, uint8_t id,
			   const void *body, size_t blen, int line)
{
	expect_cp_(t, proto, code, line);
	if (t->pkt[1] != id)
		fail_msg("line %d: answer has Identifier %u, the request had %u", line,
			 t->pkt[1], id);
	if (t->len - 4 != blen || memcmp(t->pkt + 4, body, blen)) {
		char got[256] = "", want[256] = "";

		for (size_t i = 4; i < t->len && i < 80; i++)
			sprintf(got + strlen(got), "%02x", t->pkt[i]);
		for (size_t i = 0; i < blen && i < 76; i++)
			sprintf(want + strlen(want), "%02x", ((const uint8_t *)body)[i]);
		fail_msg("line %d: body %s, expected %s", line, got, want);
	}
}

/* An option of a Configure packet (whole packet from Code on), checking
 * the list is well formed; NULL if absent. */
static const uint8_t *opt_find(const uint8_t *pkt, size_t len, uint8_t type)
{
	const uint8_t *found = NULL;

	for (size_t off = 4; off < len; off += pkt[off + 1]) {
		assert_true(off + 2 <= len);
		assert_true(pkt[off + 1] >= 2 && off + pkt[off + 1] <= len);
		if (pkt[off] == type && !found)
			found = pkt + off;
	}
	return found;
}

static size_t opt_count(const uint8_t *pkt, size_t len)
{
	size_t n = 0;

	for (size_t off = 4; off < len; off += pkt[off + 1])
		n++;
	return n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* ---- flows ------------------------------------------------------------- */

/* The PPP layer on, a tunnel, a call: l2tpx's first LCP Configure-Request
 * is read into t->req. */
static void call_up(struct pt *t)
{
	struct fx *f = t->f;

	assert_int_equal(ppp_ctx_init(t->ctx, f->loop, &f->conf, &f->l, NULL, -1), 0);
	t->ctx_up = true;
	t->ctx->lookup = lookup;
	t->ctx->lookup_arg = t;
	t->ctx->static_ip = static_ip;
	peer_init(&t->p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &t->p);
	t->s = lns_call(f, &t->p, PSID);
	t->sid = t->s->id;
	assert_non_null(t->s->upper);
	assert_int_equal(t->ctx->nsessions, 1);
	expect_cp(t, PPP_LCP, CONF_REQ);
	memcpy(t->req, t->pkt, t->len);
	t->req_len = t->len;
	t->id = 0x40;
}

static const uint8_t peer_lcp_opts[] = {
	OPT_MRU, 4, PEER_MRU >> 8, PEER_MRU & 0xff,
	OPT_MAGIC, 6, PEER_MAGIC,
};

/* Acks l2tpx's request (as read last) and has the peer's own acked:
 * LCP opens. */
static void lcp_open_with(struct pt *t, const uint8_t *opts, size_t olen)
{
	uint8_t id;

	send_cp(t, PPP_LCP, CONF_ACK, t->req[1], t->req + 4, t->req_len - 4);
	assert_int_equal(ps_of(t)->lcp.state, PPP_ACK_RCVD);
	id = send_req(t, PPP_LCP, opts, olen);
	expect_answer(t, PPP_LCP, CONF_ACK, id, opts, olen);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
}

static void lcp_open(struct pt *t)
{
	lcp_open_with(t, peer_lcp_opts, sizeof(peer_lcp_opts));
}

/* CHAP-MD5 (RFC 1994): the peer's Response to the Challenge in t->pkt,
 * with MD5(Identifier ‖ secret ‖ Challenge) computed here.  Returns the
 * Challenge's Identifier. */
static uint8_t chap_answer(struct pt *t, const char *user, const char *secret)
{
	const uint8_t *c = t->pkt;
	uint8_t id = c[1], resp[4 + 1 + 16 + 64];
	size_t ulen = strlen(user), len = 4 + 1 + 16 + ulen;
	struct md5_ctx md5;

	assert_int_equal(t->proto, PPP_PROTO_CHAP);
	assert_int_equal(c[0], CHAP_CHALLENGE);
	assert_int_equal(c[4], 16);
	assert_true(t->len >= 5u + c[4]);
	assert_true(ulen <= 64);
	md5_init(&md5);
	md5_update(&md5, 1, &id);
	md5_update(&md5, strlen(secret), (const uint8_t *)secret);
	md5_update(&md5, c[4], c + 5);
	resp[0] = CHAP_RESPONSE;
	resp[1] = id;
	resp[2] = len >> 8;
	resp[3] = len & 0xff;
	resp[4] = 16;
	md5_digest(&md5, 16, resp + 5);
	memcpy(resp + 21, user, ulen);
	send_frame(t, PPP_PROTO_CHAP, resp, len);
	return id;
}

/* The Challenge l2tpx sends once LCP is open, answered. */
static uint8_t chap_respond(struct pt *t, const char *user, const char *secret)
{
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	return chap_answer(t, user, secret);
}

static void authenticate(struct pt *t)
{
	uint8_t id = chap_respond(t, USER, PASSWORD);

	expect_cp(t, PPP_PROTO_CHAP, CHAP_SUCCESS);
	assert_int_equal(t->pkt[1], id);
	assert_string_equal(ppp_user(ps_of(t)), USER);
}

/* After authentication: l2tpx's IPCP request (read and acked here). */
static void ipcp_ack_ours(struct pt *t)
{
	expect_cp(t, PPP_IPCP, CONF_REQ);
	send_cp(t, PPP_IPCP, CONF_ACK, t->pkt[1], t->pkt + 4, t->len - 4);
}

/* The peer asks 0.0.0.0, takes what is Nak'ed, IPCP opens (l2tpx's
 * request already acked); returns the address (network order). */
static uint32_t ipcp_peer_open(struct pt *t)
{
	uint8_t opts[6] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	const uint8_t *o;
	uint32_t a;
	uint8_t id;

	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_cp(t, PPP_IPCP, CONF_NAK);
	assert_int_equal(t->pkt[1], id);
	o = opt_find(t->pkt, t->len, IPCP_ADDR);
	assert_non_null(o);
	assert_int_equal(o[1], 6);
	memcpy(&a, o + 2, 4);
	memcpy(opts + 2, &a, 4);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_ACK, id, opts, sizeof(opts));
	assert_int_equal(ps_of(t)->ipcp.state, PPP_OPENED);
	return a;
}

static uint32_t ipcp_open(struct pt *t)
{
	ipcp_ack_ours(t);
	return ipcp_peer_open(t);
}

/* LCP open and CHAP done: l2tpx's IPCP request is next on the wire. */
static void up_to_network(struct pt *t)
{
	call_up(t);
	lcp_open(t);
	authenticate(t);
}

/* l2tpx clears the call: a CDN for it. */
#define expect_cdn(t) expect_cdn_((t), __LINE__)
static void expect_cdn_(struct pt *t, int line)
{
	const struct l2tp_msg *m;
	uint16_t sid = t->sid;

	skip_zlbs(t->f);
	m = expect_(t->f, &t->p, L2TP_MSG_CDN, line);
	if (m->hdr.session_id != PSID || m->assigned_session_id != sid)
		fail_msg("line %d: CDN for %u (ours %u), expected %u (ours %u)", line,
			 m->hdr.session_id, m->assigned_session_id, PSID, sid);
	assert_null(l2tp_session_find(&t->f->l, t->p.ltid, sid));
	assert_int_equal(t->ctx->nsessions, 0);
	t->s = NULL;
}

/* ---- LCP: our Configure-Request ----------------------------------------- */

static void test_lcp_request_options(void **state)
{
	static const struct {
		const char *what;
		enum conf_auth auth;
		unsigned int mtu;
		uint8_t opt[3];
		uint8_t optlen;		/* value length, 0 = no Auth-Protocol */
	} rows[] = {
		{ "PAP", CONF_AUTH_PAP, 1500, { 0xc0, 0x23 }, 2 },
		{ "CHAP-MD5", CONF_AUTH_CHAP, 1500, { 0xc2, 0x23, 0x05 }, 3 },
		{ "MS-CHAPv2", CONF_AUTH_MSCHAPV2, 1460, { 0xc2, 0x23, 0x81 }, 3 },
		{ "none", CONF_AUTH_NONE, 1400, { 0 }, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt *t = pt_new();
		struct fx *f = t->f;
		const uint8_t *o;

		f->ctx = rows[i].what;
		f->conf.auth = rows[i].auth;
		f->conf.mtu = rows[i].mtu;
		call_up(t);
		/* MRU: what fits in one outer packet of conf.mtu (IPv6, UDP,
		 * L2TP with sequence numbers, FF 03 and the protocol) */
		o = opt_find(t->req, t->req_len, OPT_MRU);
		CHECK(o != NULL);
		CHECK_EQ(o[1], 4);
		CHECK_EQ(o[2] << 8 | o[3], rows[i].mtu - 62);
		o = opt_find(t->req, t->req_len, OPT_AUTH);
		if (rows[i].optlen) {
			CHECK(o != NULL);
			CHECK_EQ(o[1], 2 + rows[i].optlen);
			CHECK(!memcmp(o + 2, rows[i].opt, rows[i].optlen));
		} else {
			CHECK(o == NULL);
		}
		o = opt_find(t->req, t->req_len, OPT_MAGIC);
		CHECK(o != NULL);
		CHECK_EQ(o[1], 6);
		CHECK(be32(o + 2) != 0);
		CHECK_EQ(be32(o + 2), ps_of(t)->magic);
		CHECK_EQ(opt_count(t->req, t->req_len), rows[i].optlen ? 3 : 2);
		pt_free(t);
	}
}

/* Without authentication the NCPs start when LCP opens. */
static void test_lcp_no_auth_starts_ipcp(void **state)
{
	struct pt *t = *state;

	t->f->conf.auth = CONF_AUTH_NONE;
	call_up(t);
	lcp_open(t);
	expect_cp(t, PPP_IPCP, CONF_REQ);
	assert_int_equal(ps_of(t)->phase, PHASE_NETWORK);
}

/* ---- LCP: the peer's Configure-Request (RFC 1661 5.3, 5.4, 6) ---------- */

static void test_lcp_peer_mru_below_128(void **state)
{
	static const uint8_t small[] = { OPT_MRU, 4, 0, 127, OPT_MAGIC, 6, PEER_MAGIC };
	static const uint8_t min[] = { OPT_MRU, 4, 0, 128, OPT_MAGIC, 6, PEER_MAGIC };
	static const uint8_t nak[] = { OPT_MRU, 4, 0, 128 };
	struct pt *t = *state;
	uint8_t id;

	call_up(t);
	id = send_req(t, PPP_LCP, small, sizeof(small));
	/* only the option not acceptable, with the value we would accept */
	expect_answer(t, PPP_LCP, CONF_NAK, id, nak, sizeof(nak));
	id = send_req(t, PPP_LCP, min, sizeof(min));
	expect_answer(t, PPP_LCP, CONF_ACK, id, min, sizeof(min));
	assert_int_equal(ps_of(t)->lcp.state, PPP_ACK_SENT);
	send_cp(t, PPP_LCP, CONF_ACK, t->req[1], t->req + 4, t->req_len - 4);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	assert_int_equal(ps_of(t)->peer_mru, 128);
}

static void test_lcp_accm_accepted(void **state)
{
	static const uint8_t opts[] = {
		OPT_MRU, 4, PEER_MRU >> 8, PEER_MRU & 0xff,
		OPT_ACCM, 6, 0x00, 0x0a, 0x00, 0x00,
		OPT_MAGIC, 6, PEER_MAGIC,
	};
	struct pt *t = *state;

	call_up(t);
	lcp_open_with(t, opts, sizeof(opts));
}

static void test_lcp_pfc_acfc_remembered(void **state)
{
	static const uint8_t pfc[] = { OPT_PFC, 2, OPT_MAGIC, 6, PEER_MAGIC };
	static const uint8_t acfc[] = { OPT_MAGIC, 6, PEER_MAGIC, OPT_ACFC, 2 };
	static const uint8_t both[] = { OPT_PFC, 2, OPT_ACFC, 2 };
	struct pt *t = *state;
	uint8_t id;

	call_up(t);
	assert_false(ps_of(t)->peer_pfc);
	assert_false(ps_of(t)->peer_acfc);
	/* each acked request replaces what the previous one said */
	id = send_req(t, PPP_LCP, pfc, sizeof(pfc));
	expect_answer(t, PPP_LCP, CONF_ACK, id, pfc, sizeof(pfc));
	assert_true(ps_of(t)->peer_pfc);
	assert_false(ps_of(t)->peer_acfc);
	id = send_req(t, PPP_LCP, acfc, sizeof(acfc));
	expect_answer(t, PPP_LCP, CONF_ACK, id, acfc, sizeof(acfc));
	assert_false(ps_of(t)->peer_pfc);
	assert_true(ps_of(t)->peer_acfc);
	id = send_req(t, PPP_LCP, pfc, sizeof(pfc));
	expect_answer(t, PPP_LCP, CONF_ACK, id, pfc, sizeof(pfc));
	assert_true(ps_of(t)->peer_pfc);
	assert_false(ps_of(t)->peer_acfc);
	id = send_req(t, PPP_LCP, both, sizeof(both));
	expect_answer(t, PPP_LCP, CONF_ACK, id, both, sizeof(both));
	send_cp(t, PPP_LCP, CONF_ACK, t->req[1], t->req + 4, t->req_len - 4);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	assert_true(ps_of(t)->peer_pfc);
	assert_true(ps_of(t)->peer_acfc);
	/* LCP itself still goes out with FF 03 and two protocol octets
	 * (RFC 1661 6.5, 6.6): next_frame checks both */
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
}

/* An LNS authenticates its peer and never the other way round: the peer's
 * Authentication-Protocol is rejected, alone. */
static void test_lcp_peer_auth_rejected(void **state)
{
	static const uint8_t opts[] = {
		OPT_MRU, 4, PEER_MRU >> 8, PEER_MRU & 0xff,
		OPT_AUTH, 5, 0xc2, 0x23, 0x05,
		OPT_MAGIC, 6, PEER_MAGIC,
	};
	static const uint8_t rej[] = { OPT_AUTH, 5, 0xc2, 0x23, 0x05 };
	struct pt *t = *state;
	uint8_t id;

	call_up(t);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_answer(t, PPP_LCP, CONF_REJ, id, rej, sizeof(rej));
	lcp_open(t);
}

/* Options we do not know are rejected, all of them and only them, even
 * next to one we would Nak (a Reject goes first, RFC 1661 5.3). */
static void test_lcp_unknown_options_rejected(void **state)
{
	static const uint8_t opts[] = {
		OPT_MRU, 4, 0, 100,
		OPT_CALLBACK, 3, 6,
		OPT_MAGIC, 6, PEER_MAGIC,
		OPT_QUALITY, 8, 0xc0, 0x25, 0x00, 0x00, 0x27, 0x10,
	};
	static const uint8_t rej[] = {
		OPT_CALLBACK, 3, 6,
		OPT_QUALITY, 8, 0xc0, 0x25, 0x00, 0x00, 0x27, 0x10,
	};
	struct pt *t = *state;
	uint8_t id;

	call_up(t);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_answer(t, PPP_LCP, CONF_REJ, id, rej, sizeof(rej));
	assert_int_equal(ps_of(t)->lcp.state, PPP_REQ_SENT);
	lcp_open(t);
}

/* RFC 1661 6.4: a request with our own magic number may be our own,
 * looped back: Nak it with another number. */
static void test_lcp_loopback_magic(void **state)
{
	struct pt *t = *state;
	uint8_t opts[] = { OPT_MAGIC, 6, 0, 0, 0, 0 };
	const uint8_t *o;
	uint8_t id;

	call_up(t);
	memcpy(opts + 2, opt_find(t->req, t->req_len, OPT_MAGIC) + 2, 4);
	assert_int_equal(ps_of(t)->loopback_naks, 0);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_cp(t, PPP_LCP, CONF_NAK);
	assert_int_equal(t->pkt[1], id);
	assert_int_equal(opt_count(t->pkt, t->len), 1);
	o = opt_find(t->pkt, t->len, OPT_MAGIC);
	assert_non_null(o);
	assert_int_equal(o[1], 6);
	assert_memory_not_equal(o + 2, opts + 2, 4);
	assert_int_not_equal(be32(o + 2), 0);
	assert_int_equal(ps_of(t)->loopback_naks, 1);
	expect_quiet(t);
}

/* Not looped back after all: the peer takes the suggested number.  That
 * must not collide with ours, or the peer is Nak'ed again and again.  The
 * random source is scripted to make the suggestion odd (ppp.c makes its
 * own magic numbers odd); any suggestion must work. */
static void test_lcp_loopback_suggestion_taken(void **state)
{
	struct pt *t = *state;
	uint8_t opts[] = { OPT_MAGIC, 6, 0, 0, 0, 0 };
	const uint8_t *o;
	uint8_t id;

	call_up(t);
	memcpy(opts + 2, opt_find(t->req, t->req_len, OPT_MAGIC) + 2, 4);
	memcpy(t->script, (uint8_t[]){ 0x11, 0x22, 0x33, 0x45 }, 4);
	t->nscript = 4;
	send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_cp(t, PPP_LCP, CONF_NAK);
	o = opt_find(t->pkt, t->len, OPT_MAGIC);
	assert_non_null(o);
	memcpy(opts + 2, o + 2, 4);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_answer(t, PPP_LCP, CONF_ACK, id, opts, sizeof(opts));
	assert_int_equal(ps_of(t)->loopback_naks, 1);
}

/* RFC 1661 6.4 and 5.2: after the Nak no new Configure-Request goes out
 * until the Nak or the restart timer says so, and an Ack of the request
 * outstanding (with the magic number it carried) is valid. */
static void test_lcp_loopback_then_ack(void **state)
{
	struct pt *t = *state;
	uint8_t opts[] = { OPT_MAGIC, 6, 0, 0, 0, 0 };
	const uint8_t *o;
	uint8_t id;

	call_up(t);
	memcpy(opts + 2, opt_find(t->req, t->req_len, OPT_MAGIC) + 2, 4);
	send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_cp(t, PPP_LCP, CONF_NAK);
	o = opt_find(t->pkt, t->len, OPT_MAGIC);
	assert_non_null(o);
	memcpy(opts + 2, o + 2, 4);
	expect_quiet(t);
	/* the peer acks the request it has */
	send_cp(t, PPP_LCP, CONF_ACK, t->req[1], t->req + 4, t->req_len - 4);
	assert_int_equal(ps_of(t)->lcp.state, PPP_ACK_RCVD);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	expect_answer(t, PPP_LCP, CONF_ACK, id, opts, sizeof(opts));
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
}

/* RFC 1661 6.4: "A Magic-Number of zero is illegal and MUST always be
 * Nak'd, if it is not Rejected outright." */
static void test_lcp_magic_zero(void **state)
{
	static const uint8_t opts[] = { OPT_MAGIC, 6, 0, 0, 0, 0 };
	struct pt *t = *state;
	const uint8_t *o;
	uint8_t id;

	call_up(t);
	id = send_req(t, PPP_LCP, opts, sizeof(opts));
	next_frame(t);
	assert_int_equal(t->proto, PPP_LCP);
	assert_int_equal(t->pkt[1], id);
	if (t->pkt[0] == CONF_NAK) {
		o = opt_find(t->pkt, t->len, OPT_MAGIC);
		assert_non_null(o);
		assert_int_not_equal(be32(o + 2), 0);
	} else if (t->pkt[0] != CONF_REJ) {
		fail_msg("magic number 0 answered with code %u, not Nak or Reject", t->pkt[0]);
	}
}

/* RFC 1661 5.4: after a Configure-Reject, the next Configure-Request
 * "MUST NOT include any of the Configuration Options listed". */
static void test_lcp_reject_honoured(void **state)
{
	struct pt *t = *state;
	uint8_t rej[16];
	const uint8_t *mru, *magic;

	call_up(t);
	mru = opt_find(t->req, t->req_len, OPT_MRU);
	magic = opt_find(t->req, t->req_len, OPT_MAGIC);
	assert_non_null(mru);
	assert_non_null(magic);
	memcpy(rej, mru, mru[1]);
	memcpy(rej + mru[1], magic, magic[1]);
	send_cp(t, PPP_LCP, CONF_REJ, t->req[1], rej, mru[1] + magic[1]);
	expect_cp(t, PPP_LCP, CONF_REQ);
	assert_int_not_equal(t->pkt[1], t->req[1]);
	assert_null(opt_find(t->pkt, t->len, OPT_MRU));
	assert_null(opt_find(t->pkt, t->len, OPT_MAGIC));
	assert_non_null(opt_find(t->pkt, t->len, OPT_AUTH));
	memcpy(t->req, t->pkt, t->len);
	t->req_len = t->len;
	lcp_open(t);
	/* without a magic number, Echo carries zero (RFC 1661 5.8) */
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	send_cp(t, PPP_LCP, ECHO_REQ, 5, (uint8_t[]){ PEER_MAGIC }, 4);
	expect_cp(t, PPP_LCP, ECHO_REP);
	assert_int_equal(be32(t->pkt + 4), 0);
}

/* ---- LCP: Echo, Discard, Identification, Code-Reject, Protocol-Reject - */

static void test_lcp_echo_reply(void **state)
{
	static const uint8_t req[] = { PEER_MAGIC, 'p', 'i', 'n', 'g', '!' };
	struct pt *t = *state;

	call_up(t);
	/* before Opened: silently discarded (RFC 1661 5.8) */
	send_cp(t, PPP_LCP, ECHO_REQ, 0x77, req, sizeof(req));
	expect_quiet(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	send_cp(t, PPP_LCP, ECHO_REQ, 0x78, req, sizeof(req));
	expect_cp(t, PPP_LCP, ECHO_REP);
	assert_int_equal(t->pkt[1], 0x78);
	assert_int_equal(t->len, 4 + sizeof(req));
	assert_int_equal(be32(t->pkt + 4), ps_of(t)->magic);
	assert_int_equal(be32(t->pkt + 4), be32(opt_find(t->req, t->req_len, OPT_MAGIC) + 2));
	assert_memory_equal(t->pkt + 8, req + 4, sizeof(req) - 4);
	expect_quiet(t);
}

/* An Echo-Request flood: the burst (lcp_echo_rate) is answered at once,
 * then lcp_echo_rate per second; everything over the rate is dropped
 * without a reply and counted, and the link stays up. */
static void test_lcp_echo_flood_limited(void **state)
{
	static const uint8_t req[] = { PEER_MAGIC, 'f', 'l', 'o', 'o', 'd' };
	struct pt *t = *state;
	struct fx *f = t->f;
	unsigned int answered = 0, sent = 0;

	f->conf.lcp_echo_rate = 5;
	f->conf.lcp_echo_interval = 0;
	up_to_network(t);
	ipcp_open(t);
	expect_quiet(t);
	/* 2000 requests per second for two seconds: 4 every 2 ms */
	for (int ms = 0; ms < 2000; ms++) {
		for (int k = 0; k < 4; k++, sent++)
			send_cp(t, PPP_LCP, ECHO_REQ, (uint8_t)sent, req, sizeof(req));
		/* the wire is bounded: read the answers as they come */
		for (skip_zlbs(f); f->rd < f->nwire; skip_zlbs(f)) {
			expect_cp(t, PPP_LCP, ECHO_REP);
			answered++;
		}
		f->rd = f->nwire = 0;
		advance(f, 1);
	}
	/* burst 5 + 5/s over the 2 s that followed (one token per 200 ms) */
	assert_int_equal(sent, 8000);
	assert_in_range(answered, 5 + 9, 5 + 10);
	assert_int_equal(ps_of(t)->echo_dropped, sent - answered);
	assert_int_equal(t->ctx->echo_dropped, sent - answered);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	/* a quiet second later, one is answered again */
	advance(f, 1000);
	send_cp(t, PPP_LCP, ECHO_REQ, 0x99, req, sizeof(req));
	expect_cp(t, PPP_LCP, ECHO_REP);
	assert_int_equal(t->pkt[1], 0x99);
	expect_quiet(t);
}

/* lcp_echo_rate 0: every request is answered. */
static void test_lcp_echo_unlimited(void **state)
{
	static const uint8_t req[] = { PEER_MAGIC };
	struct pt *t = *state;

	t->f->conf.lcp_echo_rate = 0;
	call_up(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	for (int i = 0; i < 100; i++) {
		send_cp(t, PPP_LCP, ECHO_REQ, (uint8_t)i, req, sizeof(req));
		expect_cp(t, PPP_LCP, ECHO_REP);
		t->f->rd = t->f->nwire = 0;
	}
	assert_int_equal(ps_of(t)->echo_dropped, 0);
}

/* A call resumed after a restart (state file) keeps the Echo-Request limit:
 * a burst of 100 requests gets the burst of lcp_echo_rate answers, as on a
 * new call, the rest dropped and counted. */
static void test_lcp_echo_limited_after_resume(void **state)
{
	static const uint8_t req[] = { PEER_MAGIC };
	struct pt *t = *state;
	struct fx *f = t->f;
	struct state snap;
	unsigned int answered = 0;

	f->conf.lcp_echo_rate = 5;
	f->conf.lcp_echo_interval = 0;
	up_to_network(t);
	ipcp_open(t);
	expect_quiet(t);
	assert_int_equal(state_collect(&f->l, &snap), 0);
	assert_int_equal(snap.ntunnels, 1);
	assert_int_equal(snap.tunnels[0].nsessions, 1);
	/* The daemon restarts: its PPP state is gone, the call stays. */
	ppp_ctx_release(t->ctx, &f->l);
	ppp_ctx_fini(t->ctx);
	assert_int_equal(ppp_ctx_init(t->ctx, f->loop, &f->conf, &f->l, NULL, -1), 0);
	ppp_session_resume(t->ctx, t->s, &snap.tunnels[0].sessions[0].ppp);
	state_free(&snap);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	expect_quiet(t);
	for (int i = 0; i < 100; i++)
		send_cp(t, PPP_LCP, ECHO_REQ, (uint8_t)i, req, sizeof(req));
	for (skip_zlbs(f); f->rd < f->nwire; skip_zlbs(f)) {
		expect_cp(t, PPP_LCP, ECHO_REP);
		answered++;
	}
	assert_int_equal(answered, 5);
	assert_int_equal(ps_of(t)->echo_dropped, 95);
}

static void test_lcp_discard_identification(void **state)
{
	static const uint8_t disc[] = { PEER_MAGIC, 0xde, 0xad };
	static const uint8_t ident[] = { PEER_MAGIC, 'p', 'e', 'e', 'r', ' ', '1' };
	struct pt *t = *state;

	call_up(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	send_cp(t, PPP_LCP, DISC_REQ, 1, disc, sizeof(disc));
	send_cp(t, PPP_LCP, IDENTIFICATION, 2, ident, sizeof(ident));
	expect_quiet(t);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
}

static void test_lcp_unknown_code(void **state)
{
	static const uint8_t pkt[] = { 14, 0x33, 0, 7, 1, 2, 3 };
	struct pt *t = *state;

	call_up(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	send_frame(t, PPP_LCP, pkt, sizeof(pkt));
	/* RFC 1661 5.6: the rejected packet from its Code on */
	expect_cp(t, PPP_LCP, CODE_REJ);
	assert_int_equal(t->len, 4 + sizeof(pkt));
	assert_memory_equal(t->pkt + 4, pkt, sizeof(pkt));
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	expect_quiet(t);
}

static void test_lcp_protocol_reject(void **state)
{
	static const uint8_t ccp[] = { CONF_REQ, 1, 0, 8, 0x1a, 4, 0x78, 0x00 };
	struct pt *t = *state;
	uint8_t id1;

	call_up(t);
	/* RFC 1661 5.7: Protocol-Reject only in the Opened state */
	send_frame(t, PROTO_CCP, ccp, sizeof(ccp));
	expect_quiet(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	send_frame(t, PROTO_CCP, ccp, sizeof(ccp));
	expect_cp(t, PPP_LCP, PROTO_REJ);
	assert_int_equal(t->len, 4 + 2 + sizeof(ccp));
	assert_int_equal(t->pkt[4] << 8 | t->pkt[5], PROTO_CCP);
	assert_memory_equal(t->pkt + 6, ccp, sizeof(ccp));
	id1 = t->pkt[1];
	/* "The Identifier field MUST be changed for each Protocol-Reject" */
	send_frame(t, PROTO_CCP, ccp, sizeof(ccp));
	expect_cp(t, PPP_LCP, PROTO_REJ);
	assert_int_not_equal(t->pkt[1], id1);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
}

/* Authentication is not optional: the peer rejecting our
 * Authentication-Protocol ends LCP and the call. */
static void test_lcp_auth_rejected_closes(void **state)
{
	struct pt *t = *state;
	const uint8_t *a;
	uint8_t id;

	call_up(t);
	a = opt_find(t->req, t->req_len, OPT_AUTH);
	assert_non_null(a);
	send_cp(t, PPP_LCP, CONF_REJ, t->req[1], a, a[1]);
	expect_cp(t, PPP_LCP, TERM_REQ);
	id = t->pkt[1];
	assert_int_equal(ps_of(t)->lcp.state, PPP_CLOSING);
	send_cp(t, PPP_LCP, TERM_ACK, id, NULL, 0);
	advance(t->f, 1);
	expect_cdn(t);
	expect_quiet(t);
}

/* ---- LCP: echo keepalive -------------------------------------------------- */

static void test_lcp_echo_timeout(void **state)
{
	struct pt *t = *state;
	struct fx *f = t->f;
	uint64_t period;
	uint8_t ids[8];

	f->conf.lcp_echo_interval = 20;
	f->conf.lcp_echo_failure = 4;
	period = 20000;
	call_up(t);
	lcp_open(t);
	authenticate(t);
	ipcp_open(t);
	for (unsigned int i = 0; i < f->conf.lcp_echo_failure; i++) {
		advance(f, period - 1);
		expect_quiet(t);
		advance(f, 1);
		expect_cp(t, PPP_LCP, ECHO_REQ);
		assert_int_equal(t->len, 8);
		assert_int_equal(be32(t->pkt + 4), ps_of(t)->magic);
		ids[i] = t->pkt[1];
		for (unsigned int j = 0; j < i; j++)
			assert_int_not_equal(ids[i], ids[j]);
	}
	/* lcp_echo_failure requests unanswered: the next tick ends LCP */
	advance(f, period - 1);
	expect_quiet(t);
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	advance(f, 1);
	expect_cp(t, PPP_LCP, TERM_REQ);
	/* no Terminate-Ack either: Max-Terminate (2) requests, then the call
	 * is cleared */
	advance(f, 3000);
	expect_cp(t, PPP_LCP, TERM_REQ);
	advance(f, 3000);
	expect_cdn(t);
	expect_quiet(t);
}

static void test_lcp_echo_answered(void **state)
{
	struct pt *t = *state;
	struct fx *f = t->f;
	uint8_t rep[4] = { PEER_MAGIC };

	f->conf.lcp_echo_interval = 20;
	f->conf.lcp_echo_failure = 2;
	call_up(t);
	lcp_open(t);
	authenticate(t);
	ipcp_open(t);
	for (int i = 0; i < 6; i++) {
		advance(f, 20000);
		expect_cp(t, PPP_LCP, ECHO_REQ);
		send_cp(t, PPP_LCP, ECHO_REP, t->pkt[1], rep, sizeof(rep));
	}
	assert_int_equal(ps_of(t)->lcp.state, PPP_OPENED);
	expect_quiet(t);
}

/* ---- Proxy LCP and Proxy Authen (RFC 2661 4.4.5) ------------------------ */

/* An LNS call whose ICCN carries the LAC's LCP negotiation and a proxied
 * CHAP-MD5 exchange answered with `secret`. */
static void proxy_call(struct pt *t, const char *secret)
{
	struct fx *f = t->f;
	static const uint8_t lac_req[] = { OPT_MRU, 4, 0x05, 0x78,		/* 1400 */
					   OPT_AUTH, 5, 0xc2, 0x23, 5,		/* CHAP-MD5 */
					   OPT_MAGIC, 6, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t client_req[] = { OPT_MRU, 4, 0x05, 0x64,		/* 1380 */
					      OPT_MAGIC, 6, PEER_MAGIC, OPT_PFC, 2, OPT_ACFC, 2 };
	static const uint8_t chal[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t resp[16], id = 7;
	const struct l2tp_msg *m;
	struct md5_ctx md5;
	struct l2tp_builder *b;
	uint16_t sid;

	f->conf.proxy_lcp = true;
	f->conf.auth = CONF_AUTH_CHAP;
	assert_int_equal(ppp_ctx_init(t->ctx, f->loop, &f->conf, &f->l, NULL, -1), 0);
	t->ctx_up = true;
	t->ctx->lookup = lookup;
	t->ctx->lookup_arg = t;
	peer_init(&t->p, ep4(192, 0, 2, 1, 1701), 100);
	lns_establish(f, &t->p);
	send_type(f, &t->p, L2TP_MSG_ICRQ, 0, PSID);
	m = expect(f, &t->p, L2TP_MSG_ICRP);
	sid = m->assigned_session_id;
	md5_init(&md5);
	md5_update(&md5, 1, &id);
	md5_update(&md5, strlen(secret), (const uint8_t *)secret);
	md5_update(&md5, sizeof(chal), chal);
	md5_digest(&md5, sizeof(resp), resp);
	b = msg(&t->p, L2TP_MSG_ICCN);
	put_required(&t->p, L2TP_MSG_ICCN, sid);
	l2tp_avp_put_bytes(b, L2TP_AVP_LAST_TX_LCP_CONFREQ, false, lac_req, sizeof(lac_req));
	l2tp_avp_put_bytes(b, L2TP_AVP_LAST_RX_LCP_CONFREQ, false, client_req, sizeof(client_req));
	l2tp_avp_put_u16(b, L2TP_AVP_PROXY_AUTH_TYPE, false, L2TP_PROXY_AUTH_CHAP);
	l2tp_avp_put_str(b, L2TP_AVP_PROXY_AUTH_NAME, false, USER);
	l2tp_avp_put_bytes(b, L2TP_AVP_PROXY_AUTH_CHALLENGE, false, chal, sizeof(chal));
	l2tp_avp_put_u16(b, L2TP_AVP_PROXY_AUTH_ID, false, id);
	l2tp_avp_put_bytes(b, L2TP_AVP_PROXY_AUTH_RESPONSE, false, resp, sizeof(resp));
	send_msg(f, &t->p, sid);
	t->s = l2tp_session_find(&f->l, t->p.ltid, sid);
	assert_non_null(t->s);
	t->sid = sid;
}

static void test_proxy_lcp_and_authen(void **state)
{
	struct pt *t = *state;
	struct ppp_session *ps;

	proxy_call(t, PASSWORD);
	ps = ps_of(t);
	/* No LCP negotiation and no Challenge of our own: IPCP at once. */
	expect_cp(t, PPP_IPCP, CONF_REQ);
	assert_int_equal(ps->lcp.state, PPP_OPENED);
	assert_true(ps->proxied);
	assert_int_equal(ps->proxy_auth, 1);
	assert_string_equal(ppp_user(ps), USER);
	/* The LAC's numbers are ours now, the client's are the peer's. */
	assert_int_equal(ps->mru, 1400);
	assert_int_equal(ps->magic, 0x11223344);
	assert_int_equal(ps->peer_mru, 1380);
	assert_true(ps->peer_acfc && ps->peer_pfc);
}

static void test_proxy_authen_wrong(void **state)
{
	struct pt *t = *state;

	proxy_call(t, "not the password");
	/* A proxied exchange that does not verify closes the link. */
	expect_cp(t, PPP_LCP, TERM_REQ);
	assert_int_equal(ps_of(t)->proxy_auth, -1);
}

/* ---- authentication (RFC 1994) ------------------------------------------- */

static void test_chap_after_lcp(void **state)
{
	static const uint8_t ipcp[] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	struct pt *t = *state;
	const uint8_t *o;
	uint8_t id;

	snprintf(t->f->conf.auth_name, sizeof(t->f->conf.auth_name), "lns-7");
	call_up(t);
	send_cp(t, PPP_LCP, CONF_ACK, t->req[1], t->req + 4, t->req_len - 4);
	expect_quiet(t);	/* not before LCP is open both ways */
	id = send_req(t, PPP_LCP, peer_lcp_opts, sizeof(peer_lcp_opts));
	expect_answer(t, PPP_LCP, CONF_ACK, id, peer_lcp_opts, sizeof(peer_lcp_opts));
	assert_int_equal(ps_of(t)->phase, PHASE_AUTHENTICATE);
	/* the Challenge: 16 octets of value and our name */
	next_frame(t);
	assert_int_equal(t->proto, PPP_PROTO_CHAP);
	assert_int_equal(t->pkt[0], CHAP_CHALLENGE);
	assert_int_equal(t->pkt[4], 16);
	assert_int_equal(t->len, 4 + 1 + 16 + 5);
	assert_memory_equal(t->pkt + 21, "lns-7", 5);
	/* an NCP packet before authentication is over: discarded */
	send_req(t, PPP_IPCP, ipcp, sizeof(ipcp));
	expect_quiet(t);
	id = chap_answer(t, USER, PASSWORD);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_SUCCESS);
	assert_int_equal(t->pkt[1], id);
	assert_string_equal(ppp_user(ps_of(t)), USER);
	assert_int_equal(ps_of(t)->phase, PHASE_NETWORK);
	/* IPCP starts: our address, nothing else from a server */
	expect_cp(t, PPP_IPCP, CONF_REQ);
	assert_int_equal(opt_count(t->pkt, t->len), 1);
	o = opt_find(t->pkt, t->len, IPCP_ADDR);
	assert_non_null(o);
	assert_int_equal(o[1], 6);
	assert_memory_equal(o + 2, &t->f->conf.local_ip, 4);
	expect_quiet(t);
}

static void test_chap_wrong_response(void **state)
{
	struct pt *t = *state;
	uint8_t id;

	call_up(t);
	lcp_open(t);
	id = chap_respond(t, USER, "not" PASSWORD);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_FAILURE);
	assert_int_equal(t->pkt[1], id);
	expect_cp(t, PPP_LCP, TERM_REQ);
	id = t->pkt[1];
	send_cp(t, PPP_LCP, TERM_ACK, id, NULL, 0);
	advance(t->f, 1);
	expect_cdn(t);
	expect_quiet(t);
	assert_int_equal(t->ctx->pool.in_use, 0);
}

/* ---- IPCP (RFC 1332, RFC 1877) -------------------------------------------- */

static bool in_pool(uint32_t a)
{
	uint32_t h = ntohl(a);

	return h >= ntohl(ip4("10.0.0.10")) && h <= ntohl(ip4("10.0.0.12"));
}

static void test_ipcp_address(void **state)
{
	struct pt *t = *state;
	uint8_t opts[6] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	uint8_t nak[6] = { IPCP_ADDR, 6 };
	const uint8_t *o;
	uint32_t a, other = ip4("10.9.9.9");
	uint8_t id;

	up_to_network(t);
	ipcp_ack_ours(t);
	/* 0.0.0.0: "assign me one" */
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_cp(t, PPP_IPCP, CONF_NAK);
	assert_int_equal(t->pkt[1], id);
	assert_int_equal(opt_count(t->pkt, t->len), 1);
	o = opt_find(t->pkt, t->len, IPCP_ADDR);
	assert_non_null(o);
	assert_int_equal(o[1], 6);
	memcpy(&a, o + 2, 4);
	assert_true(in_pool(a));
	assert_true(pool_is_used(&t->ctx->pool, a));
	assert_int_equal(t->ctx->pool.in_use, 1);
	/* an address of its choosing: Nak'ed with the same one */
	memcpy(opts + 2, &other, 4);
	memcpy(nak + 2, &a, 4);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_NAK, id, nak, sizeof(nak));
	assert_false(pool_is_used(&t->ctx->pool, other));
	/* the pool's: acked */
	id = send_req(t, PPP_IPCP, nak, sizeof(nak));
	expect_answer(t, PPP_IPCP, CONF_ACK, id, nak, sizeof(nak));
	assert_int_equal(ps_of(t)->ipcp.state, PPP_OPENED);
	assert_int_equal(ps_of(t)->peer_ip, a);
	assert_int_equal(t->ctx->pool.in_use, 1);
	expect_quiet(t);
}

/* RFC 1332 3.3: "If negotiation about the remote IP-address is required,
 * and the peer did not provide the option in its Configure-Request, the
 * option SHOULD be appended to a Configure-Nak." */
static void test_ipcp_address_omitted(void **state)
{
	struct pt *t = *state;
	const uint8_t *o;
	uint32_t a;
	uint8_t id;

	up_to_network(t);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, NULL, 0);
	expect_cp(t, PPP_IPCP, CONF_NAK);
	assert_int_equal(t->pkt[1], id);
	o = opt_find(t->pkt, t->len, IPCP_ADDR);
	assert_non_null(o);
	memcpy(&a, o + 2, 4);
	assert_true(in_pool(a));
}

static void test_ipcp_dns(void **state)
{
	struct pt *t = *state;
	uint32_t d1 = ip4("10.0.0.53"), d2 = ip4("10.0.0.54");
	uint8_t opts[18] = { IPCP_ADDR, 6, 0, 0, 0, 0, IPCP_DNS1, 6, 0, 0, 0, 0,
			     IPCP_DNS2, 6, 0, 0, 0, 0 };
	uint8_t nak[18];
	uint32_t a;
	uint8_t id;

	t->f->conf.dns[0] = d1;
	t->f->conf.dns[1] = d2;
	up_to_network(t);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_cp(t, PPP_IPCP, CONF_NAK);
	assert_int_equal(t->pkt[1], id);
	assert_int_equal(t->len, 4 + sizeof(nak));
	memcpy(&a, opt_find(t->pkt, t->len, IPCP_ADDR) + 2, 4);
	assert_true(in_pool(a));
	memcpy(nak, opts, sizeof(nak));
	memcpy(nak + 2, &a, 4);
	memcpy(nak + 8, &d1, 4);
	memcpy(nak + 14, &d2, 4);
	assert_memory_equal(t->pkt + 4, nak, sizeof(nak));
	id = send_req(t, PPP_IPCP, nak, sizeof(nak));
	expect_answer(t, PPP_IPCP, CONF_ACK, id, nak, sizeof(nak));
	assert_int_equal(ps_of(t)->ipcp.state, PPP_OPENED);
}

static void test_ipcp_dns_unconfigured(void **state)
{
	static const uint8_t opts[] = { IPCP_ADDR, 6, 0, 0, 0, 0, IPCP_DNS1, 6, 0, 0, 0, 0,
					IPCP_DNS2, 6, 0, 0, 0, 0 };
	static const uint8_t rej[] = { IPCP_DNS1, 6, 0, 0, 0, 0, IPCP_DNS2, 6, 0, 0, 0, 0 };
	struct pt *t = *state;
	uint8_t id;

	up_to_network(t);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_REJ, id, rej, sizeof(rej));
}

static void test_ipcp_nbns_compression_rejected(void **state)
{
	static const uint8_t opts[] = {
		IPCP_ADDR, 6, 0, 0, 0, 0,
		IPCP_COMP, 6, 0x00, 0x2d, 0x0f, 0x01,	/* Van Jacobson */
		IPCP_DNS1, 6, 0, 0, 0, 0,
		IPCP_NBNS1, 6, 0, 0, 0, 0,
		IPCP_NBNS2, 6, 0, 0, 0, 0,
	};
	static const uint8_t rej[] = {
		IPCP_COMP, 6, 0x00, 0x2d, 0x0f, 0x01,
		IPCP_NBNS1, 6, 0, 0, 0, 0,
		IPCP_NBNS2, 6, 0, 0, 0, 0,
	};
	struct pt *t = *state;
	uint8_t id;

	t->f->conf.dns[0] = ip4("10.0.0.53");
	up_to_network(t);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_REJ, id, rej, sizeof(rej));
}

/* RFC 1661 5.4 for IPCP: the peer rejects our IP-Address (it has no use
 * for it); the next request must leave it out. */
static void test_ipcp_reject_honoured(void **state)
{
	struct pt *t = *state;
	const uint8_t *o;

	up_to_network(t);
	expect_cp(t, PPP_IPCP, CONF_REQ);
	o = opt_find(t->pkt, t->len, IPCP_ADDR);
	assert_non_null(o);
	send_cp(t, PPP_IPCP, CONF_REJ, t->pkt[1], o, o[1]);
	expect_cp(t, PPP_IPCP, CONF_REQ);
	assert_null(opt_find(t->pkt, t->len, IPCP_ADDR));
}

/* Every address taken: IP-Address is rejected, the pool untouched. */
static void test_ipcp_pool_exhausted(void **state)
{
	static const uint8_t opts[] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	struct pt *t = *state;
	uint32_t a;
	uint8_t id;

	up_to_network(t);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pool_take(&t->ctx->pool, 0, &a), 0);
	assert_int_not_equal(pool_take(&t->ctx->pool, 0, &a), 0);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_REJ, id, opts, sizeof(opts));
	assert_int_equal(t->ctx->pool.in_use, 3);
	assert_int_equal(ps_of(t)->peer_ip, 0);
}

/* A session without an address is no subscriber's route: it must not
 * become where the TUN device sends what it cannot place (the client
 * role's catch-all, ctx->client_ps). */
static void test_ipcp_no_address_not_catch_all(void **state)
{
	static const uint8_t opts[] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	struct pt *t = *state;
	uint32_t a;
	uint8_t id;

	up_to_network(t);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pool_take(&t->ctx->pool, 0, &a), 0);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	expect_answer(t, PPP_IPCP, CONF_REJ, id, opts, sizeof(opts));
	/* the peer does without; if IPCP opens so, the session is still
	 * not the catch-all */
	id = send_req(t, PPP_IPCP, NULL, 0);
	next_frame(t);
	assert_int_equal(t->proto, PPP_IPCP);
	assert_int_equal(t->pkt[1], id);
	if (t->pkt[0] == CONF_ACK) {
		assert_int_equal(ps_of(t)->ipcp.state, PPP_OPENED);
		assert_null(t->ctx->client_ps);
	}
}

static void test_ipcp_static_address(void **state)
{
	struct pt *t = *state;
	uint32_t st = ip4("10.1.2.3");
	uint8_t opts[6] = { IPCP_ADDR, 6, 0, 0, 0, 0 };
	uint8_t nak[6] = { IPCP_ADDR, 6 };
	uint8_t id;

	t->static_addr = st;
	up_to_network(t);
	ipcp_ack_ours(t);
	id = send_req(t, PPP_IPCP, opts, sizeof(opts));
	memcpy(nak + 2, &st, 4);
	expect_answer(t, PPP_IPCP, CONF_NAK, id, nak, sizeof(nak));
	assert_string_equal(t->static_user, USER);
	assert_true(pool_is_used(&t->ctx->pool, st));
	id = send_req(t, PPP_IPCP, nak, sizeof(nak));
	expect_answer(t, PPP_IPCP, CONF_ACK, id, nak, sizeof(nak));
	assert_int_equal(ps_of(t)->peer_ip, st);
	/* the ranges untouched */
	assert_false(pool_is_used(&t->ctx->pool, ip4("10.0.0.10")));
	assert_false(pool_is_used(&t->ctx->pool, ip4("10.0.0.11")));
	assert_false(pool_is_used(&t->ctx->pool, ip4("10.0.0.12")));
}

static void test_ipcp_address_released_on_cdn(void **state)
{
	struct pt *t = *state;
	uint32_t a;

	up_to_network(t);
	a = ipcp_open(t);
	assert_int_equal(t->ctx->pool.in_use, 1);
	assert_true(pool_is_used(&t->ctx->pool, a));
	send_type(t->f, &t->p, L2TP_MSG_CDN, t->sid, PSID);
	t->s = NULL;
	assert_int_equal(t->ctx->nsessions, 0);
	assert_int_equal(t->ctx->pool.in_use, 0);
	assert_false(pool_is_used(&t->ctx->pool, a));
}

static void test_ipcp_address_released_on_lcp_terminate(void **state)
{
	struct pt *t = *state;
	uint32_t a;

	up_to_network(t);
	a = ipcp_open(t);
	send_cp(t, PPP_LCP, TERM_REQ, 0x99, NULL, 0);
	expect_cp(t, PPP_LCP, TERM_ACK);
	assert_int_equal(t->pkt[1], 0x99);
	assert_int_equal(ps_of(t)->lcp.state, PPP_STOPPING);
	/* RFC 1661 4.4 zrc: one restart period for the peer to see the
	 * Terminate-Ack, then the call is cleared */
	advance(t->f, 3000);
	expect_cdn(t);
	assert_int_equal(t->ctx->pool.in_use, 0);
	assert_false(pool_is_used(&t->ctx->pool, a));
}

/* Per-call memory (issue 6: the LNS grows by at most 2 KiB per call, as
 * scripts/bench-ctrl.sh measures its RSS): the two structures of a call stay
 * within CALL_STRUCTS_MAX, which leaves the rest of the 2 KiB to the user
 * name, the kept CHAP verdict, the L2TP layer's allocations, malloc's
 * overhead and the hash tables.  Nothing per call is the same for every
 * call: our CHAP name is the configuration's. */
#define CALL_STRUCTS_MAX 1280

static void test_call_memory(void **state)
{
	struct pt *t = *state;
	const struct conf *c = &t->f->conf;
	struct ppp_session *ps;

	assert_true(sizeof(struct ppp_session) + sizeof(struct l2tp_session) <= CALL_STRUCTS_MAX);
	up_to_network(t);
	ps = ps_of(t);
	/* authenticated: only the Success is kept (CHAP-MD5: no message) */
	assert_non_null(ps->auth.last);
	assert_int_equal(ps->auth.last_len, 4);
	assert_int_equal(ps->auth.last[0], CHAP_SUCCESS);
	assert_ptr_equal(ps->auth.name, c->auth_name[0] ? c->auth_name : c->hostname);
	expect_cp(t, PPP_IPCP, CONF_REQ);
	/* LCP goes down: the verdict goes, the user name stays for the logs */
	send_cp(t, PPP_LCP, TERM_REQ, 0x99, NULL, 0);
	expect_cp(t, PPP_LCP, TERM_ACK);
	assert_null(ps->auth.last);
	assert_string_equal(ppp_user(ps), USER);
	advance(t->f, 3000);
	expect_cdn(t);
}

/* ---- IPv6CP (RFC 5072) and router advertisements (RFC 4861) ------------ */

static const uint8_t peer_ifid[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };

/* After authentication l2tpx's IPCP and IPv6CP requests; the IPv6CP one is
 * read into ifid, IPCP opened. */
static void ipv6_up_to_network(struct pt *t, uint8_t ifid[8])
{
	const uint8_t *o;

	t->f->conf.ipv6cp = true;
	up_to_network(t);
	ipcp_ack_ours(t);
	expect_cp(t, PPP_IPV6CP, CONF_REQ);
	t->v6req_id = t->pkt[1];
	assert_int_equal(opt_count(t->pkt, t->len), 1);
	o = opt_find(t->pkt, t->len, IFID);
	assert_non_null(o);
	assert_int_equal(o[1], 10);
	memcpy(ifid, o + 2, 8);
	assert_false(!memcmp(ifid, (uint8_t[8]){ 0 }, 8));
	assert_memory_equal(ifid, ps_of(t)->our_ifid, 8);
	ipcp_peer_open(t);
}

static void test_ipv6cp_ifid_nak(void **state)
{
	struct pt *t = *state;
	static const uint8_t zero[8];
	uint8_t ours[8], opts[10] = { IFID, 10 };
	const uint8_t *o;
	uint8_t id;

	ipv6_up_to_network(t, ours);
	for (int i = 0; i < 2; i++) {
		memcpy(opts + 2, i ? ours : zero, 8);
		id = send_req(t, PPP_IPV6CP, opts, sizeof(opts));
		expect_cp(t, PPP_IPV6CP, CONF_NAK);
		assert_int_equal(t->pkt[1], id);
		assert_int_equal(opt_count(t->pkt, t->len), 1);
		o = opt_find(t->pkt, t->len, IFID);
		assert_non_null(o);
		assert_int_equal(o[1], 10);
		assert_memory_not_equal(o + 2, zero, 8);
		assert_memory_not_equal(o + 2, ours, 8);
		assert_memory_not_equal(o + 2, ps_of(t)->our_ifid, 8);
	}
	/* the suggestion taken: acked */
	memcpy(opts + 2, o + 2, 8);
	id = send_req(t, PPP_IPV6CP, opts, sizeof(opts));
	expect_answer(t, PPP_IPV6CP, CONF_ACK, id, opts, sizeof(opts));
	/* a unique one of its own: acked */
	memcpy(opts + 2, peer_ifid, 8);
	id = send_req(t, PPP_IPV6CP, opts, sizeof(opts));
	expect_answer(t, PPP_IPV6CP, CONF_ACK, id, opts, sizeof(opts));
}

/* RFC 1661 5.4 for IPv6CP: a rejected Interface-Identifier is not asked
 * again. */
static void test_ipv6cp_reject_honoured(void **state)
{
	struct pt *t = *state;
	uint8_t ours[8], rej[10] = { IFID, 10 };

	ipv6_up_to_network(t, ours);
	memcpy(rej + 2, ours, 8);
	send_cp(t, PPP_IPV6CP, CONF_REJ, t->v6req_id, rej, sizeof(rej));
	expect_cp(t, PPP_IPV6CP, CONF_REQ);
	assert_null(opt_find(t->pkt, t->len, IFID));
}

/* The ICMPv6 checksum (RFC 4443 2.3) of the IPv6 packet p: 0 when valid. */
static uint16_t icmp6_csum(const uint8_t *p, size_t len)
{
	size_t plen = (size_t)(p[4] << 8 | p[5]);
	uint32_t sum = 0;

	assert_true(40 + plen <= len);
	for (size_t i = 8; i < 40; i += 2)	/* source and destination */
		sum += p[i] << 8 | p[i + 1];
	sum += (uint32_t)(plen >> 16) + (plen & 0xffff);	/* upper-layer length */
	sum += 58;					/* next header */
	for (size_t i = 0; i < plen; i++)
		sum += i & 1 ? p[40 + i] : p[40 + i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv6 frame must be a Router Advertisement from fe80::ifid to ff02::1
 * announcing one /64 of the pool; returns that prefix. */
#define check_ra(t, ifid, pfx) check_ra_((t), (ifid), (pfx), __LINE__)
static void check_ra_(struct pt *t, const uint8_t ifid[8], uint8_t pfx[16], int line)
{
	static const uint8_t allnodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *p, *ra, *pi = NULL;
	size_t plen;

	next_frame_(t, line);
	if (t->proto != PPP_IPV6)
		fail_msg("line %d: expected an IPv6 frame, got protocol %#06x", line, t->proto);
	p = t->pkt;
	assert_true(t->len >= 40 + 16);
	plen = p[4] << 8 | p[5];
	assert_int_equal(p[0] >> 4, 6);
	assert_int_equal(40 + plen, t->len);
	assert_int_equal(p[6], 58);			/* ICMPv6 */
	assert_int_equal(p[7], 255);			/* hop limit */
	assert_int_equal(p[8], 0xfe);			/* fe80::/64 */
	assert_int_equal(p[9], 0x80);
	assert_memory_equal(p + 10, (uint8_t[6]){ 0 }, 6);
	assert_memory_equal(p + 16, ifid, 8);
	assert_memory_equal(p + 24, allnodes, 16);
	ra = p + 40;
	assert_int_equal(ra[0], 134);			/* Router Advertisement */
	assert_int_equal(ra[1], 0);
	assert_int_equal(icmp6_csum(p, t->len), 0);
	/* options after the 16-octet header: one Prefix Information */
	for (size_t off = 16; off < plen; off += ra[off + 1] * 8) {
		assert_true(off + 8 <= plen);
		assert_true(ra[off + 1] != 0 && off + ra[off + 1] * 8 <= plen);
		if (ra[off] == 3) {
			assert_null(pi);
			pi = ra + off;
		}
	}
	if (!pi)
		fail_msg("line %d: Router Advertisement without Prefix Information", line);
	assert_int_equal(pi[1], 4);
	assert_int_equal(pi[2], 64);			/* prefix length */
	assert_true(pi[3] & 0x80);			/* on-link */
	assert_true(pi[3] & 0x40);			/* autonomous */
	assert_true(be32(pi + 4) >= be32(pi + 8));	/* valid >= preferred */
	assert_int_not_equal(be32(pi + 8), 0);
	memcpy(pfx, pi + 16, 16);
	assert_memory_equal(pfx, t->f->conf.ipv6_pool, t->f->conf.ipv6_pool_len / 8);
	assert_memory_equal(pfx + 8, (uint8_t[8]){ 0 }, 8);
}

/* A Router Solicitation from fe80::ifid to ff02::2, hop limit `hops`,
 * with its checksum. */
static void send_rs(struct pt *t, const uint8_t ifid[8], uint8_t hops)
{
	uint8_t p[48] = { 0x60, 0, 0, 0, 0, 8, 58, hops, 0xfe, 0x80 };
	uint16_t c;

	memcpy(p + 16, ifid, 8);
	p[24] = 0xff;
	p[25] = 0x02;
	p[39] = 2;			/* all-routers */
	p[40] = 133;
	c = icmp6_csum(p, sizeof(p));
	p[42] = c >> 8;
	p[43] = c & 0xff;
	assert_int_equal(icmp6_csum(p, sizeof(p)), 0);
	send_frame(t, PPP_IPV6, p, sizeof(p));
}

/* IPv6CP open with the peer's peer_ifid. */
static void ipv6cp_open(struct pt *t, const uint8_t ours[8])
{
	uint8_t opts[10] = { IFID, 10 }, mine[10] = { IFID, 10 };
	uint8_t id;

	memcpy(opts + 2, peer_ifid, 8);
	id = send_req(t, PPP_IPV6CP, opts, sizeof(opts));
	expect_answer(t, PPP_IPV6CP, CONF_ACK, id, opts, sizeof(opts));
	memcpy(mine + 2, ours, 8);
	send_cp(t, PPP_IPV6CP, CONF_ACK, t->v6req_id, mine, sizeof(mine));
	assert_int_equal(ps_of(t)->ipv6cp.state, PPP_OPENED);
}

static void set_ipv6_pool(struct pt *t)
{
	static const uint8_t pool[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x00 };

	memcpy(t->f->conf.ipv6_pool, pool, 16);
	t->f->conf.ipv6_pool_len = 48;
}

/* IPv6CP up: an RA at once, then the rest of the initial ones (RFC 4861
 * 6.2.4) at whatever pace, all for the same /64, drained over 20 s so that
 * a solicited one is due within MAX_RA_DELAY_TIME (6.2.6: more than
 * MIN_DELAY_BETWEEN_RAS since the last multicast RA). */
static void ra_settle(struct pt *t, const uint8_t ours[8], uint8_t pfx[16])
{
	uint8_t again[16];

	advance(t->f, 1);
	check_ra(t, ours, pfx);
	assert_memory_equal(pfx, ps_of(t)->prefix6, 16);
	advance(t->f, 20000);
	for (skip_zlbs(t->f); t->f->rd < t->f->nwire; skip_zlbs(t->f)) {
		check_ra(t, ours, again);
		assert_memory_equal(again, pfx, 16);
	}
}

static void test_ipv6cp_router_advertisement(void **state)
{
	struct pt *t = *state;
	uint8_t ours[8], pfx[16], pfx2[16];

	set_ipv6_pool(t);
	ipv6_up_to_network(t, ours);
	ipv6cp_open(t, ours);
	ra_settle(t, ours, pfx);
	/* a Router Solicitation is answered within MAX_RA_DELAY_TIME */
	send_rs(t, peer_ifid, 255);
	advance(t->f, 500);
	check_ra(t, ours, pfx2);
	assert_memory_equal(pfx2, pfx, 16);
}

/* RFC 4861 6.1.1: a Router Solicitation whose hop limit is not 255 came
 * from off the link and MUST be silently discarded. */
static void test_ra_ignores_offlink_rs(void **state)
{
	struct pt *t = *state;
	uint8_t ours[8], pfx[16];

	set_ipv6_pool(t);
	ipv6_up_to_network(t, ours);
	ipv6cp_open(t, ours);
	ra_settle(t, ours, pfx);
	send_rs(t, peer_ifid, 64);
	advance(t->f, 500);
	expect_quiet(t);
}

/* ---- faults: the peer vanishes at each PPP stage ------------------------ */

/* Advances until l2tpx clears the call (a CDN), at most `limit` ms; every
 * frame on the way must be a retry of `proto`.  Returns the time taken. */
static uint64_t until_cdn(struct pt *t, uint16_t proto, uint64_t limit)
{
	struct fx *f = t->f;
	uint64_t start = f->now;

	while (f->now - start < limit) {
		advance(f, 100);
		for (skip_zlbs(f); f->rd < f->nwire; skip_zlbs(f)) {
			const struct sent *w = &f->wire[f->rd];

			if (w->buf[0] & 0x80) {
				expect_cdn(t);
				return f->now - start;
			}
			next_frame(t);
			if (t->proto != proto && t->proto != PPP_LCP)
				fail_msg("protocol %#06x retried, expected %#06x", t->proto, proto);
		}
	}
	fail_msg("the call was not cleared within %llu ms", (unsigned long long)limit);
	return 0;
}

/* After each: no call, no PPP session, the pool whole again. */
static void fault_gone(struct pt *t, uint16_t proto, uint64_t limit)
{
	struct check_counts n;

	until_cdn(t, proto, limit);
	n = invariant(t->f);
	assert_int_equal(n.sessions, 0);
	assert_int_equal(t->ctx->nsessions, 0);
	assert_int_equal(t->ctx->pool.in_use, 0);
	assert_int_equal(n.pool_held, 0);
}

static void test_fault_gone_during_lcp(void **state)
{
	struct pt *t = *state;

	call_up(t);
	invariant(t->f);
	/* Max-Configure (10) requests 3 s apart, then the call goes */
	fault_gone(t, PPP_LCP, 40000);
}

static void test_fault_gone_during_chap(void **state)
{
	struct pt *t = *state;

	t->f->conf.lcp_echo_interval = 0;
	call_up(t);
	lcp_open(t);
	expect_cp(t, PPP_PROTO_CHAP, CHAP_CHALLENGE);
	invariant(t->f);
	fault_gone(t, PPP_PROTO_CHAP, 60000);
}

/* The address is taken once authenticated: it must come back. */
static void test_fault_gone_during_ipcp(void **state)
{
	struct pt *t = *state;

	t->f->conf.lcp_echo_interval = 0;
	up_to_network(t);
	expect_cp(t, PPP_IPCP, CONF_REQ);
	invariant(t->f);
	fault_gone(t, PPP_IPCP, 60000);
}

/* Mid-session, with an address from the pool: the echo keepalive ends
 * the call and the address is free again. */
static void test_fault_gone_mid_session(void **state)
{
	struct pt *t = *state;
	struct check_counts n;

	t->f->conf.lcp_echo_interval = 5;
	t->f->conf.lcp_echo_failure = 3;
	up_to_network(t);
	ipcp_open(t);
	n = invariant(t->f);
	assert_int_equal(n.established, 1);
	assert_int_equal(n.pool_in_use, 1);
	assert_int_equal(n.pool_held, 1);
	fault_gone(t, PPP_LCP, 60000);
}

static void collect_problem(void *arg, const char *msg)
{
	char *buf = arg;

	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", msg);
}

/* The check is not blind: an address the pool lost track of, and one
 * taken in the pool by nobody, are both reported, then fixed back. */
static void test_check_finds_pool_mismatch(void **state)
{
	struct pt *t = *state;
	struct check_counts n;
	char probs[1024] = "";
	uint32_t a, stray;

	t->f->conf.lcp_echo_interval = 0;
	up_to_network(t);
	a = ipcp_open(t);
	invariant(t->f);
	pool_put(&t->ctx->pool, a);		/* the pool forgets the call's address */
	assert_int_equal(l2tpx_check(&t->f->l, &n, collect_problem, probs), 2);
	assert_non_null(strstr(probs, "holds 10.0.0.10, which the pool counts as free"));
	assert_non_null(strstr(probs, "the pool counts 0 addresses in use, the sessions hold 1"));
	assert_int_equal(pool_take(&t->ctx->pool, a, &a), 0);
	invariant(t->f);
	assert_int_equal(pool_take(&t->ctx->pool, 0, &stray), 0);	/* leaked */
	probs[0] = '\0';
	assert_int_equal(l2tpx_check(&t->f->l, &n, collect_problem, probs), 2);
	assert_non_null(strstr(probs, "is taken in the pool but held by no session"));
	pool_put(&t->ctx->pool, stray);
	assert_int_equal(invariant(t->f).pool_held, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lcp_request_options),
		cmocka_unit_test_setup_teardown(test_proxy_lcp_and_authen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_authen_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_no_auth_starts_ipcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_peer_mru_below_128, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_accm_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_pfc_acfc_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_peer_auth_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_unknown_options_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_loopback_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_loopback_suggestion_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lcp_loopback_then_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_magic_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_reject_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_flood_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_unlimited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_limited_after_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_discard_identification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_unknown_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_protocol_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_auth_rejected_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lcp_echo_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chap_after_lcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chap_wrong_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_address_omitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_dns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_dns_unconfigured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_nbns_compression_rejected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_reject_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_pool_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_no_address_not_catch_all, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_static_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_address_released_on_cdn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipcp_address_released_on_lcp_terminate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_call_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6cp_ifid_nak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6cp_reject_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6cp_router_advertisement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ra_ignores_offlink_rs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_during_lcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_during_chap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_during_ipcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_gone_mid_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_pool_mismatch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
