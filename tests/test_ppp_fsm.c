// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the RFC 1661 automaton (user/ppp_fsm.c) under an injectable
 * clock: every cell of the state transition table (4.1), restart counters,
 * Max-Failure, Identifier and length checks, Code-Reject, and two automata
 * negotiating back to back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "event.h"
#include "log.h"
#include "ppp_fsm.h"

#define RESTART_MS	1000
#define MAX_CONF	10
#define MAX_TERM	3
#define MAX_FAIL	4
#define SENTINEL	7	/* restart count planted before an event */
#define PKT_MAX		2048
#define SENT_MAX	128
#define QUEUE_MAX	256

#define LCP		0xc021
#define IPCP		0x8021

struct world;

/* A protocol whose callbacks record what the automaton made them do. */
struct fake {
	struct ppp_fsm f;
	struct world *w;
	struct fake *peer;
	char trace[1024];		/* "tld,scr,sca": callbacks and packets sent */
	/* recv_req: a fixed answer (table mode) or a small negotiation */
	int answer;			/* PPP_CONF_ACK/_NAK/_REJ, 0 = negotiate */
	int req_ret;			/* non-zero: recv_req returns this */
	int nak_ignores_flag;		/* keep Nak'ing under reject_only */
	int last_reject_only;
	uint8_t want;			/* value we want for the peer's option 1 */
	int stubborn;			/* ignore the peer's Naks */
	uint8_t req[64];		/* our options */
	size_t req_len;
	int ack_ret, nak_ret, rej_ret, other_ret;
	int tls_brings_up;		/* tls re-enters: the lower layer comes up */
	int n_req, n_ack, n_nak, n_rej, n_other;
	int n_tlu, n_tld, n_tls, n_tlf;
	int ncode[256];			/* packets sent, by code */
	struct {
		uint8_t b[PKT_MAX];
		size_t len;
	} sent[SENT_MAX];
	int nsent;
};

struct world {
	struct ev_loop *loop;
	uint64_t now;
	struct fake a, b;
	/* the wire between a and b, when wired */
	struct {
		struct fake *to;
		uint8_t b[PKT_MAX];
		size_t len;
	} q[QUEUE_MAX];
	unsigned int qh, qt;
	int wired;
	int drop;			/* drop this many packets from a */
};

static uint64_t fake_now(void *arg)
{
	return ((struct world *)arg)->now;
}

static void advance(struct world *w, uint64_t ms)
{
	w->now += ms;
	ev_run_timers(w->loop);
}

/* n restart periods, one at a time (each may re-arm the timer) */
static void periods(struct world *w, int n)
{
	while (n--)
		advance(w, RESTART_MS);
}

static void trace(struct fake *x, const char *tok)
{
	size_t n = strlen(x->trace);

	snprintf(x->trace + n, sizeof(x->trace) - n, "%s%s", n ? "," : "", tok);
}

static const char *send_token(uint8_t code)
{
	switch (code) {
	case PPP_CONF_REQ: return "scr";
	case PPP_CONF_ACK: return "sca";
	case PPP_CONF_NAK:
	case PPP_CONF_REJ: return "scn";
	case PPP_TERM_REQ: return "str";
	case PPP_TERM_ACK: return "sta";
	case PPP_CODE_REJ: return "scj";
	case PPP_ECHO_REP: return "ser";
	default: return "snd?";
	}
}

/* ---- options, type-length-value ---- */

static const uint8_t *opt_find(const uint8_t *p, size_t len, uint8_t type)
{
	size_t off;

	for (off = 0; off + 2 <= len && p[off + 1] >= 2; off += p[off + 1])
		if (p[off] == type)
			return p + off;
	return NULL;
}

static void opt_remove(uint8_t *p, size_t *len, uint8_t type)
{
	size_t off = 0;

	while (off + 2 <= *len) {
		size_t ol = p[off + 1];

		if (p[off] == type) {
			memmove(p + off, p + off + ol, *len - off - ol);
			*len -= ol;
		} else {
			off += ol;
		}
	}
}

static size_t opt_put(uint8_t *p, size_t len, const uint8_t *o)
{
	memcpy(p + len, o, o[1]);
	return len + o[1];
}

/* ---- the callbacks ---- */

static struct fake *FX(struct ppp_fsm *f)
{
	return f->arg;
}

static void cb_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	struct fake *x = FX(f);
	struct world *w = x->w;

	assert_true(len >= 4 && len <= PKT_MAX);
	assert_int_equal(pkt[2] << 8 | pkt[3], len);
	trace(x, send_token(pkt[0]));
	x->ncode[pkt[0]]++;
	if (x->nsent < SENT_MAX) {
		memcpy(x->sent[x->nsent].b, pkt, len);
		x->sent[x->nsent].len = len;
	}
	x->nsent++;
	if (!w->wired)
		return;
	if (x == &w->a && w->drop) {
		w->drop--;
		return;
	}
	assert_true(w->qt - w->qh < QUEUE_MAX);
	w->q[w->qt % QUEUE_MAX].to = x->peer;
	memcpy(w->q[w->qt % QUEUE_MAX].b, pkt, len);
	w->q[w->qt % QUEUE_MAX].len = len;
	w->qt++;
}

static int cb_build_req(struct ppp_fsm *f, uint8_t *buf, size_t cap)
{
	struct fake *x = FX(f);

	assert_true(x->req_len <= cap);
	memcpy(buf, x->req, x->req_len);
	return x->req_len;
}

static int cb_recv_req(struct ppp_fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
		       size_t cap, size_t *out_len, int reject_only)
{
	struct fake *x = FX(f);
	uint8_t nak[64], rej[64];
	size_t nn = 0, nr = 0, off;

	x->n_req++;
	x->last_reject_only = reject_only;
	if (x->req_ret)
		return x->req_ret;
	if (x->answer) {
		int code = x->answer;

		if (code == PPP_CONF_NAK && reject_only && !x->nak_ignores_flag)
			code = PPP_CONF_REJ;
		if (code == PPP_CONF_NAK) {
			const uint8_t o[] = { 1, 3, 0x99 };

			*out_len = opt_put(out, 0, o);
		} else {
			memcpy(out, opts, len);
			*out_len = len;
		}
		return code;
	}
	for (off = 0; off < len; off += opts[off + 1]) {
		const uint8_t *o = opts + off;

		if (o[0] == 1 && x->want && (o[1] != 3 || o[2] != x->want)) {
			const uint8_t s[] = { 1, 3, x->want };

			if (reject_only)
				nr = opt_put(rej, nr, o);
			else
				nn = opt_put(nak, nn, s);
		} else if (o[0] >= 0x70) {
			nr = opt_put(rej, nr, o);
		}
	}
	assert_true(nr <= cap && nn <= cap);
	if (nr) {
		memcpy(out, rej, nr);
		*out_len = nr;
		return PPP_CONF_REJ;
	}
	if (nn) {
		memcpy(out, nak, nn);
		*out_len = nn;
		return PPP_CONF_NAK;
	}
	memcpy(out, opts, len);
	*out_len = len;
	return PPP_CONF_ACK;
}

static int cb_recv_ack(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	struct fake *x = FX(f);

	x->n_ack++;
	return x->ack_ret;
}

static int cb_recv_nak(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	struct fake *x = FX(f);
	const uint8_t *s = opt_find(opts, len, 1);
	uint8_t *mine = (uint8_t *)opt_find(x->req, x->req_len, 1);

	x->n_nak++;
	if (x->nak_ret)
		return x->nak_ret;
	if (s && s[1] == 3 && mine && mine[1] == 3 && !x->stubborn)
		mine[2] = s[2];
	return 0;
}

static int cb_recv_rej(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	struct fake *x = FX(f);
	size_t off;

	x->n_rej++;
	if (x->rej_ret)
		return x->rej_ret;
	for (off = 0; off + 2 <= len; off += opts[off + 1])
		opt_remove(x->req, &x->req_len, opts[off]);
	return 0;
}

static void cb_tlu(struct ppp_fsm *f)
{
	FX(f)->n_tlu++;
	trace(FX(f), "tlu");
}

static void cb_tld(struct ppp_fsm *f)
{
	FX(f)->n_tld++;
	trace(FX(f), "tld");
}

static void cb_tls(struct ppp_fsm *f)
{
	FX(f)->n_tls++;
	trace(FX(f), "tls");
	if (FX(f)->tls_brings_up)
		ppp_fsm_up(f);
}

static void cb_tlf(struct ppp_fsm *f)
{
	FX(f)->n_tlf++;
	trace(FX(f), "tlf");
}

/* Like LCP: answers Echo-Request, knows Discard, Identification, ... */
static int cb_recv_other(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
			 size_t len)
{
	struct fake *x = FX(f);

	x->n_other++;
	if (code == PPP_ECHO_REQ) {
		uint8_t rep[8] = { PPP_ECHO_REP, id, 0, 8, 0xde, 0xad, 0xbe, 0xef };

		cb_send(f, rep, sizeof(rep));
		return 0;
	}
	if (code >= PPP_PROTO_REJ && code <= PPP_TIME_REMAINING)
		return 0;
	return x->other_ret;
}

static const struct ppp_fsm_cb fake_cb = {
	.build_req = cb_build_req,
	.recv_req = cb_recv_req,
	.recv_ack = cb_recv_ack,
	.recv_nak = cb_recv_nak,
	.recv_rej = cb_recv_rej,
	.this_layer_up = cb_tlu,
	.this_layer_down = cb_tld,
	.this_layer_started = cb_tls,
	.this_layer_finished = cb_tlf,
	.recv_other = cb_recv_other,
	.send = cb_send,
};

/* An NCP-like protocol: no extra codes at all. */
static const struct ppp_fsm_cb ncp_cb = {
	.build_req = cb_build_req,
	.recv_req = cb_recv_req,
	.this_layer_up = cb_tlu,
	.this_layer_down = cb_tld,
	.this_layer_started = cb_tls,
	.this_layer_finished = cb_tlf,
	.send = cb_send,
};

static const struct ppp_fsm_conf conf = {
	.restart_ms = RESTART_MS,
	.max_configure = MAX_CONF,
	.max_terminate = MAX_TERM,
	.max_failure = MAX_FAIL,
};

static void fake_init(struct world *w, struct fake *x, const char *name, uint16_t proto,
		      const struct ppp_fsm_cb *cb)
{
	static const uint8_t opts[] = { 1, 3, 0x11, 2, 4, 0xaa, 0xbb };

	x->w = w;
	memcpy(x->req, opts, sizeof(opts));
	x->req_len = sizeof(opts);
	x->answer = PPP_CONF_ACK;
	x->other_ret = -1;
	ppp_fsm_init(&x->f, name, proto, cb, &conf, w->loop, x);
}

static void fake_clear(struct fake *x)
{
	x->trace[0] = 0;
	x->nsent = 0;
	memset(x->ncode, 0, sizeof(x->ncode));
	x->n_req = x->n_ack = x->n_nak = x->n_rej = x->n_other = 0;
	x->n_tlu = x->n_tld = x->n_tls = x->n_tlf = 0;
}

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->loop = ev_loop_new();
	assert_non_null(w->loop);
	w->now = 5000000;
	ev_set_clock(w->loop, fake_now, w);
	fake_init(w, &w->a, "A", LCP, &fake_cb);
	fake_init(w, &w->b, "B", LCP, &fake_cb);
	w->a.peer = &w->b;
	w->b.peer = &w->a;
	return w;
}

static void world_free(struct world *w)
{
	ppp_fsm_fini(&w->a.f);
	ppp_fsm_fini(&w->b.f);
	assert_int_equal(ev_timer_count(w->loop), 0);
	ev_loop_free(w->loop);
	free(w);
}

static int setup(void **state)
{
	*state = world_new();
	return 0;
}

static int teardown(void **state)
{
	world_free(*state);
	return 0;
}

/* Deliver what is on the wire until it is quiet; how many packets. */
static int pump(struct world *w)
{
	int n = 0;

	while (w->qh != w->qt) {
		unsigned int i = w->qh++ % QUEUE_MAX;

		assert_true(++n < 1000); /* a loop that does not end */
		ppp_fsm_input(&w->q[i].to->f, w->q[i].b, w->q[i].len);
	}
	return n;
}

static void in(struct fake *x, uint8_t code, uint8_t id, const void *body, size_t blen)
{
	uint8_t pkt[PKT_MAX];

	assert_true(blen + 4 <= sizeof(pkt));
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (blen + 4) >> 8;
	pkt[3] = (blen + 4) & 0xff;
	if (blen)
		memcpy(pkt + 4, body, blen);
	ppp_fsm_input(&x->f, pkt, blen + 4);
}

static const uint8_t peer_opts[] = { 1, 3, 0x22, 5, 6, 1, 2, 3, 4 };

static void in_req(struct fake *x, uint8_t id)
{
	in(x, PPP_CONF_REQ, id, peer_opts, sizeof(peer_opts));
}

static void in_ack(struct fake *x)
{
	in(x, PPP_CONF_ACK, x->f.reqid, x->req, x->req_len);
}

/* Drive one automaton into a state through real events only. */
static void reach(struct fake *x, enum ppp_state s)
{
	switch (s) {
	case PPP_INITIAL:
		break;
	case PPP_STARTING:
		ppp_fsm_open(&x->f);
		break;
	case PPP_CLOSED:
		ppp_fsm_up(&x->f);
		break;
	case PPP_STOPPED:
		reach(x, PPP_REQ_SENT);
		ppp_fsm_proto_rejected(&x->f);
		break;
	case PPP_CLOSING:
		reach(x, PPP_REQ_SENT);
		ppp_fsm_close(&x->f);
		break;
	case PPP_STOPPING:
		reach(x, PPP_CLOSING);
		ppp_fsm_open(&x->f);
		break;
	case PPP_REQ_SENT:
		ppp_fsm_up(&x->f);
		ppp_fsm_open(&x->f);
		break;
	case PPP_ACK_RCVD:
		reach(x, PPP_REQ_SENT);
		in_ack(x);
		break;
	case PPP_ACK_SENT:
		reach(x, PPP_REQ_SENT);
		in_req(x, 0x30);
		break;
	case PPP_OPENED:
		reach(x, PPP_ACK_RCVD);
		in_req(x, 0x31);
		break;
	}
	assert_int_equal(x->f.state, s);
}

/* ---- the state transition table, RFC 1661 4.1 ---- */

enum tev {
	T_UP, T_DOWN, T_OPEN, T_CLOSE, T_TO_PLUS, T_TO_MINUS, T_RCR_PLUS, T_RCR_MINUS,
	T_RCA, T_RCN, T_RTR, T_RTA, T_RUC, T_RXJ_PLUS, T_RXJ_MINUS, T_RXR, T_NEV,
};

static const char *const tev_names[] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-",
	"RCA", "RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR",
};

/* How many ways each event is produced. */
static const int tev_variants[T_NEV] = {
	[T_UP] = 1, [T_DOWN] = 1, [T_OPEN] = 1, [T_CLOSE] = 1, [T_TO_PLUS] = 1,
	[T_TO_MINUS] = 1, [T_RCR_PLUS] = 1,
	[T_RCR_MINUS] = 2,	/* answered with Nak, with Reject */
	[T_RCA] = 1,
	[T_RCN] = 2,		/* Configure-Nak, Configure-Reject */
	[T_RTR] = 1, [T_RTA] = 1,
	[T_RUC] = 2,		/* recv_other says no; code 0 */
	[T_RXJ_PLUS] = 2,	/* Code-Reject of an unknown code, of Echo-Request */
	[T_RXJ_MINUS] = 3,	/* Code-Reject of Configure-Request, of Code-Reject;
				 * Protocol-Reject of us */
	[T_RXR] = 1,
};

struct cell {
	enum ppp_state to;
	const char *act;	/* NULL: illegal ('-'), nothing happens */
};

#define I PPP_INITIAL
#define S PPP_STARTING
#define C PPP_CLOSED
#define P PPP_STOPPED
#define G PPP_CLOSING
#define T PPP_STOPPING
#define R PPP_REQ_SENT
#define K PPP_ACK_RCVD
#define A PPP_ACK_SENT
#define O PPP_OPENED
#define X { 0, NULL }

/* [event][state], transcribed from the RFC's table. */
static const struct cell table[T_NEV][10] = {
	/*            Initial      Starting        Closed          Stopped              Closing       Stopping      Req-Sent         Ack-Rcvd         Ack-Sent          Opened */
	[T_UP] =      { { C, "" }, { R, "irc,scr" }, X, X, X, X, X, X, X, X },
	[T_DOWN] =    { X, X, { I, "" }, { S, "tls" }, { I, "" }, { S, "" }, { S, "" }, { S, "" }, { S, "" }, { S, "tld" } },
	[T_OPEN] =    { { S, "tls" }, { S, "" }, { R, "irc,scr" }, { P, "" }, { T, "" }, { T, "" }, { R, "" }, { K, "" }, { A, "" }, { O, "" } },
	[T_CLOSE] =   { { I, "" }, { I, "tlf" }, { C, "" }, { C, "" }, { G, "" }, { G, "" }, { G, "irc,str" }, { G, "irc,str" }, { G, "irc,str" }, { G, "tld,irc,str" } },
	[T_TO_PLUS] = { X, X, X, X, { G, "str" }, { T, "str" }, { R, "scr" }, { R, "scr" }, { A, "scr" }, X },
	[T_TO_MINUS] = { X, X, X, X, { C, "tlf" }, { P, "tlf" }, { P, "tlf" }, { P, "tlf" }, { P, "tlf" }, X },
	[T_RCR_PLUS] = { X, X, { C, "sta" }, { A, "irc,scr,sca" }, { G, "" }, { T, "" }, { A, "sca" }, { O, "sca,tlu" }, { A, "sca" }, { A, "tld,scr,sca" } },
	[T_RCR_MINUS] = { X, X, { C, "sta" }, { R, "irc,scr,scn" }, { G, "" }, { T, "" }, { R, "scn" }, { K, "scn" }, { R, "scn" }, { R, "tld,scr,scn" } },
	[T_RCA] =     { X, X, { C, "sta" }, { P, "sta" }, { G, "" }, { T, "" }, { K, "irc" }, { R, "scr" }, { O, "irc,tlu" }, { R, "tld,scr" } },
	[T_RCN] =     { X, X, { C, "sta" }, { P, "sta" }, { G, "" }, { T, "" }, { R, "irc,scr" }, { R, "scr" }, { A, "irc,scr" }, { R, "tld,scr" } },
	[T_RTR] =     { X, X, { C, "sta" }, { P, "sta" }, { G, "sta" }, { T, "sta" }, { R, "sta" }, { R, "sta" }, { R, "sta" }, { T, "tld,zrc,sta" } },
	[T_RTA] =     { X, X, { C, "" }, { P, "" }, { C, "tlf" }, { P, "tlf" }, { R, "" }, { R, "" }, { A, "" }, { R, "tld,scr" } },
	[T_RUC] =     { X, X, { C, "scj" }, { P, "scj" }, { G, "scj" }, { T, "scj" }, { R, "scj" }, { K, "scj" }, { A, "scj" }, { O, "scj" } },
	[T_RXJ_PLUS] = { X, X, { C, "" }, { P, "" }, { G, "" }, { T, "" }, { R, "" }, { R, "" }, { A, "" }, { O, "" } },
	[T_RXJ_MINUS] = { X, X, { C, "tlf" }, { P, "tlf" }, { C, "tlf" }, { P, "tlf" }, { P, "tlf" }, { P, "tlf" }, { P, "tlf" }, { T, "tld,irc,str" } },
	[T_RXR] =     { X, X, { C, "" }, { P, "" }, { G, "" }, { T, "" }, { R, "" }, { K, "" }, { A, "" }, { O, "ser" } },
};

#undef I
#undef S
#undef C
#undef P
#undef G
#undef T
#undef R
#undef K
#undef A
#undef O
#undef X

static bool is_packet(enum tev ev, int variant)
{
	if (ev == T_RXJ_MINUS && variant == 2)
		return false;
	return ev >= T_RCR_PLUS;
}

static void fire(struct world *w, struct fake *x, enum tev ev, int variant)
{
	static const uint8_t junk[] = { 0xde, 0xad };
	uint8_t rej[8] = { 0, 0x10, 0, 8, 1, 2, 3, 4 };

	switch (ev) {
	case T_UP: ppp_fsm_up(&x->f); break;
	case T_DOWN: ppp_fsm_down(&x->f); break;
	case T_OPEN: ppp_fsm_open(&x->f); break;
	case T_CLOSE: ppp_fsm_close(&x->f); break;
	case T_TO_PLUS:
	case T_TO_MINUS: advance(w, RESTART_MS); break;
	case T_RCR_PLUS:
		x->answer = PPP_CONF_ACK;
		in_req(x, 0x42);
		break;
	case T_RCR_MINUS:
		x->answer = variant ? PPP_CONF_REJ : PPP_CONF_NAK;
		in_req(x, 0x42);
		break;
	case T_RCA: in_ack(x); break;
	case T_RCN:
		in(x, variant ? PPP_CONF_REJ : PPP_CONF_NAK, x->f.reqid, x->req, 3);
		break;
	case T_RTR: in(x, PPP_TERM_REQ, 0x43, NULL, 0); break;
	case T_RTA: in(x, PPP_TERM_ACK, x->f.id, NULL, 0); break;
	case T_RUC: in(x, variant ? 0 : 0x42, 0x44, junk, sizeof(junk)); break;
	case T_RXJ_PLUS:
		rej[0] = variant ? PPP_ECHO_REQ : 0x42;
		in(x, PPP_CODE_REJ, 0x45, rej, sizeof(rej));
		break;
	case T_RXJ_MINUS:
		if (variant == 2) {
			ppp_fsm_proto_rejected(&x->f);
			break;
		}
		rej[0] = variant ? PPP_CODE_REJ : PPP_CONF_REQ;
		in(x, PPP_CODE_REJ, 0x46, rej, sizeof(rej));
		break;
	case T_RXR: in(x, PPP_ECHO_REQ, 0x47, "\0\0\0\0", 4); break;
	case T_NEV: break;
	}
}

static bool timer_state(enum ppp_state s)
{
	return s >= PPP_CLOSING && s <= PPP_ACK_SENT;
}

static bool has(const char *act, const char *tok)
{
	size_t n = strlen(tok);
	const char *p;

	for (p = act; (p = strstr(p, tok)); p += n)
		if ((p == act || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static int count_tok(const char *act, const char *tok)
{
	return has(act, tok) ? 1 : 0; /* no cell sends the same code twice */
}

/* What the callbacks see: the table's actions less irc/zrc. */
static void observable(const char *act, char *out, size_t cap)
{
	char buf[128];
	char *tok, *save = NULL;

	out[0] = 0;
	snprintf(buf, sizeof(buf), "%s", act);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(out);

		if (!strcmp(tok, "irc") || !strcmp(tok, "zrc"))
			continue;
		snprintf(out + n, cap - n, "%s%s", n ? "," : "", tok);
	}
}

static void run_cell(enum ppp_state from, enum tev ev, int variant)
{
	const struct cell *c = &table[ev][from];
	struct world *w = world_new();
	struct fake *x = &w->a;
	enum ppp_state to = c->act ? c->to : from;
	const char *act = c->act ? c->act : "";
	char want[128];
	uint64_t bad0;
	unsigned int rc;
	int sends;

	reach(x, from);
	fake_clear(x);
	x->f.restart_count = ev == T_TO_MINUS ? 0 : SENTINEL;
	bad0 = x->f.n_bad;

	fire(w, x, ev, variant);

	observable(act, want, sizeof(want));
	if (x->f.state != to || strcmp(x->trace, want))
		fail_msg("%s x %s (variant %d): got %s \"%s\", want %s \"%s\"",
			 ppp_state_str(from), tev_names[ev], variant, ppp_state_str(x->f.state),
			 x->trace, ppp_state_str(to), want);

	/* A '-' on a packet: the lower layer is down, counted as bad. */
	assert_int_equal(x->f.n_bad - bad0, !c->act && is_packet(ev, variant) ? 1 : 0);
	/* The peer's request is only judged where the table says sca/scn. */
	assert_int_equal(x->n_req, has(act, "sca") || has(act, "scn") ? 1 : 0);

	/* Restart counter: irc / zrc, then one down per scr or str. */
	sends = count_tok(act, "scr") + count_tok(act, "str");
	if (has(act, "zrc"))
		rc = 0;
	else if (has(act, "irc"))
		rc = (has(act, "str") ? MAX_TERM : MAX_CONF) - sends;
	else
		rc = (ev == T_TO_MINUS ? 0 : SENTINEL) - sends;
	if (x->f.restart_count != rc)
		fail_msg("%s x %s: restart count %u, want %u", ppp_state_str(from),
			 tev_names[ev], x->f.restart_count, rc);

	/* The timer runs in exactly the timer states, restarted by each
	 * scr, str and zrc. */
	assert_int_equal(ev_timer_armed(&x->f.timer), timer_state(to));
	if (sends || has(act, "zrc"))
		assert_int_equal(x->f.timer.deadline, w->now + RESTART_MS);

	world_free(w);
}

static void test_state_table(void **state)
{
	enum ppp_state from = *(enum ppp_state *)*state;
	int ev, v;

	for (ev = 0; ev < T_NEV; ev++)
		for (v = 0; v < tev_variants[ev]; v++)
			run_cell(from, ev, v);
}

static enum ppp_state st[10] = {
	PPP_INITIAL, PPP_STARTING, PPP_CLOSED,	 PPP_STOPPED,  PPP_CLOSING,
	PPP_STOPPING, PPP_REQ_SENT, PPP_ACK_RCVD, PPP_ACK_SENT, PPP_OPENED,
};

/* ---- details of the actions ---- */

static void test_answers_carry_request_id(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	in_req(x, 0x99);
	assert_string_equal(x->trace, "sca");
	/* sca: the request's Identifier and exactly its options */
	assert_int_equal(x->sent[0].b[1], 0x99);
	assert_int_equal(x->sent[0].len, 4 + sizeof(peer_opts));
	assert_memory_equal(x->sent[0].b + 4, peer_opts, sizeof(peer_opts));
	/* scn */
	x->answer = PPP_CONF_NAK;
	in_req(x, 0x9a);
	assert_int_equal(x->sent[1].b[0], PPP_CONF_NAK);
	assert_int_equal(x->sent[1].b[1], 0x9a);
	assert_int_equal(x->sent[1].len, 7);
	/* sta in answer to a Terminate-Request */
	in(x, PPP_TERM_REQ, 0x9b, "why", 3);
	assert_int_equal(x->sent[2].b[0], PPP_TERM_ACK);
	assert_int_equal(x->sent[2].b[1], 0x9b);
	/* Closed answers a request with Terminate-Ack, without judging it */
	ppp_fsm_close(&x->f);
	periods(w, MAX_TERM);
	assert_int_equal(x->f.state, PPP_CLOSED);
	fake_clear(x);
	in_req(x, 0x9c);
	assert_string_equal(x->trace, "sta");
	assert_int_equal(x->sent[0].b[1], 0x9c);
	assert_int_equal(x->n_req, 0);
}

static void test_ack_is_the_request_whatever_the_protocol_wrote(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	x->f.cb = &ncp_cb; /* recv_req writes nothing for an Ack here either */
	x->answer = PPP_CONF_ACK;
	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	in_req(x, 7);
	assert_int_equal(x->sent[0].b[0], PPP_CONF_ACK);
	assert_memory_equal(x->sent[0].b + 4, peer_opts, sizeof(peer_opts));
}

static void test_new_id_per_request(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_REQ_SENT);
	for (i = 0; i < 3; i++)
		advance(w, RESTART_MS);
	assert_int_equal(x->ncode[PPP_CONF_REQ], 4);
	for (i = 1; i < 4; i++)
		assert_int_not_equal(x->sent[i].b[1], x->sent[i - 1].b[1]);
	assert_int_equal(x->f.reqid, x->sent[3].b[1]);
	/* the Ack of an earlier transmission is out of sequence */
	fake_clear(x);
	in(x, PPP_CONF_ACK, x->sent[0].b[1], x->req, x->req_len);
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	assert_int_equal(x->f.n_bad, 1);
	assert_int_equal(x->n_ack, 0);
}

/* ---- restart timer and counters ---- */

static void test_max_configure(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint64_t t0 = w->now;
	int i;

	reach(x, PPP_REQ_SENT);
	assert_int_equal(x->f.restart_count, MAX_CONF - 1);
	for (i = 1; i < MAX_CONF; i++) {
		w->now += RESTART_MS - 1;
		ev_run_timers(w->loop);
		assert_int_equal(x->ncode[PPP_CONF_REQ], i); /* not yet */
		advance(w, 1);
		assert_int_equal(x->ncode[PPP_CONF_REQ], i + 1); /* TO+ */
		assert_int_equal(x->f.state, PPP_REQ_SENT);
	}
	assert_int_equal(x->f.restart_count, 0);
	assert_int_equal(x->n_tlf, 0);
	advance(w, RESTART_MS); /* TO- */
	assert_int_equal(x->ncode[PPP_CONF_REQ], MAX_CONF);
	assert_int_equal(x->f.state, PPP_STOPPED);
	assert_int_equal(x->n_tlf, 1);
	assert_false(ev_timer_armed(&x->f.timer));
	assert_int_equal(w->now - t0, (uint64_t)MAX_CONF * RESTART_MS);
	advance(w, 10 * RESTART_MS);
	assert_int_equal(x->nsent, MAX_CONF);
}

static void test_ack_sent_retransmits_and_gives_up(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_ACK_SENT);
	fake_clear(x);
	for (i = 1; i < MAX_CONF; i++)
		advance(w, RESTART_MS);
	assert_int_equal(x->ncode[PPP_CONF_REQ], MAX_CONF - 1);
	assert_int_equal(x->f.state, PPP_ACK_SENT);
	advance(w, RESTART_MS);
	assert_int_equal(x->f.state, PPP_STOPPED);
	assert_int_equal(x->n_tlf, 1);
}

static void test_max_terminate(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_OPENED);
	fake_clear(x);
	ppp_fsm_close(&x->f);
	assert_string_equal(x->trace, "tld,str");
	assert_int_equal(x->f.restart_count, MAX_TERM - 1);
	for (i = 1; i < MAX_TERM; i++)
		advance(w, RESTART_MS);
	assert_int_equal(x->ncode[PPP_TERM_REQ], MAX_TERM);
	assert_int_equal(x->f.state, PPP_CLOSING);
	advance(w, RESTART_MS);
	assert_int_equal(x->f.state, PPP_CLOSED);
	assert_int_equal(x->ncode[PPP_TERM_REQ], MAX_TERM);
	assert_string_equal(x->trace, "tld,str,str,str,tlf");
	assert_false(ev_timer_armed(&x->f.timer));
}

static void test_terminate_request_when_opened(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_OPENED);
	fake_clear(x);
	in(x, PPP_TERM_REQ, 0x61, NULL, 0);
	assert_string_equal(x->trace, "tld,sta");
	assert_int_equal(x->sent[0].b[1], 0x61);
	assert_int_equal(x->f.state, PPP_STOPPING);
	assert_int_equal(x->f.restart_count, 0);
	/* zrc: one restart period to let the Ack reach the peer, then TO- */
	assert_true(ev_timer_armed(&x->f.timer));
	advance(w, RESTART_MS - 1);
	assert_int_equal(x->f.state, PPP_STOPPING);
	advance(w, 1);
	assert_int_equal(x->f.state, PPP_STOPPED);
	assert_string_equal(x->trace, "tld,sta,tlf");
	assert_int_equal(x->nsent, 1); /* no Terminate-Request of ours */
}

static void test_defaults(void **state)
{
	struct world *w = *state;
	struct ppp_fsm f;
	const struct ppp_fsm_conf half = { .max_configure = 3 };

	ppp_fsm_init(&f, "LCP", LCP, &fake_cb, NULL, w->loop, &w->a);
	assert_int_equal(f.conf.restart_ms, 3000);
	assert_int_equal(f.conf.max_configure, 10);
	assert_int_equal(f.conf.max_terminate, 2);
	assert_int_equal(f.conf.max_failure, 5);
	assert_int_equal(f.state, PPP_INITIAL);
	ppp_fsm_fini(&f);
	ppp_fsm_init(&f, "LCP", LCP, &fake_cb, &half, w->loop, &w->a);
	assert_int_equal(f.conf.max_configure, 3);
	assert_int_equal(f.conf.max_terminate, 2);
	ppp_fsm_fini(&f);
}

static void test_fini_stops_timer(void **state)
{
	struct world *w = *state;

	reach(&w->a, PPP_REQ_SENT);
	assert_int_equal(ev_timer_count(w->loop), 1);
	ppp_fsm_fini(&w->a.f);
	assert_int_equal(ev_timer_count(w->loop), 0);
}

/* ---- Max-Failure ---- */

static void test_max_failure_turns_naks_into_rejects(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	x->answer = PPP_CONF_NAK;
	for (i = 0; i < MAX_FAIL; i++) {
		in_req(x, i);
		assert_int_equal(x->last_reject_only, 0);
		assert_int_equal(x->sent[x->nsent - 1].b[0], PPP_CONF_NAK);
	}
	assert_int_equal(x->f.nak_count, MAX_FAIL);
	in_req(x, 0x50);
	assert_int_equal(x->last_reject_only, 1);
	assert_int_equal(x->sent[x->nsent - 1].b[0], PPP_CONF_REJ);
	assert_int_equal(x->ncode[PPP_CONF_NAK], MAX_FAIL);
	/* an Ack ends the run of failures */
	x->answer = PPP_CONF_ACK;
	in_req(x, 0x51);
	assert_int_equal(x->f.nak_count, 0);
	assert_int_equal(x->f.state, PPP_ACK_SENT);
	x->answer = PPP_CONF_NAK;
	in_req(x, 0x52);
	assert_int_equal(x->last_reject_only, 0);
	assert_int_equal(x->sent[x->nsent - 1].b[0], PPP_CONF_NAK);
}

static void test_max_failure_holds_if_protocol_keeps_naking(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	x->answer = PPP_CONF_NAK;
	x->nak_ignores_flag = 1;
	for (i = 0; i < MAX_FAIL + 3; i++)
		in_req(x, i);
	assert_int_equal(x->ncode[PPP_CONF_NAK], MAX_FAIL);
	assert_int_equal(x->ncode[PPP_CONF_REJ], 3);
	/* rejecting the whole request, as it came */
	assert_int_equal(x->sent[x->nsent - 1].len, 4 + sizeof(peer_opts));
	assert_memory_equal(x->sent[x->nsent - 1].b + 4, peer_opts, sizeof(peer_opts));
}

static void test_new_negotiation_resets_failures(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	int i;

	reach(x, PPP_OPENED);
	x->answer = PPP_CONF_NAK;
	for (i = 0; i < MAX_FAIL; i++)
		in_req(x, i); /* Opened -> Req-Sent, then Naks */
	assert_int_equal(x->f.nak_count, MAX_FAIL);
	ppp_fsm_close(&x->f);
	periods(w, MAX_TERM);
	assert_int_equal(x->f.state, PPP_CLOSED);
	ppp_fsm_open(&x->f);
	assert_int_equal(x->f.nak_count, 0);
	in_req(x, 9);
	assert_int_equal(x->last_reject_only, 0);
}

/* ---- identifiers, lengths, malformed packets ---- */

static void test_answers_with_wrong_id_discarded(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint8_t bad;

	reach(x, PPP_REQ_SENT);
	bad = x->f.reqid + 1;
	fake_clear(x);
	in(x, PPP_CONF_ACK, bad, x->req, x->req_len);
	in(x, PPP_CONF_NAK, bad, x->req, 3);
	in(x, PPP_CONF_REJ, bad, x->req, 3);
	assert_int_equal(x->f.n_bad, 3);
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	assert_int_equal(x->n_ack + x->n_nak + x->n_rej, 0);
	assert_string_equal(x->trace, "");
	/* and in Ack-Rcvd and Opened too */
	in_ack(x);
	assert_int_equal(x->f.state, PPP_ACK_RCVD);
	in(x, PPP_CONF_NAK, x->f.reqid - 1, x->req, 3);
	assert_int_equal(x->f.state, PPP_ACK_RCVD);
	in_req(x, 1);
	assert_int_equal(x->f.state, PPP_OPENED);
	in(x, PPP_CONF_ACK, x->f.reqid + 7, x->req, x->req_len);
	assert_int_equal(x->f.state, PPP_OPENED);
	assert_int_equal(x->f.n_bad, 5);
}

static void test_ack_must_carry_our_options(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint8_t other[16];

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	memcpy(other, x->req, x->req_len);
	other[2] ^= 1; /* a value changed */
	in(x, PPP_CONF_ACK, x->f.reqid, other, x->req_len);
	in(x, PPP_CONF_ACK, x->f.reqid, x->req, 3); /* fewer options */
	in(x, PPP_CONF_ACK, x->f.reqid, NULL, 0);   /* none */
	assert_int_equal(x->f.n_bad, 3);
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	assert_int_equal(x->n_ack, 0);
	/* the protocol may refuse one too */
	x->ack_ret = -1;
	in_ack(x);
	assert_int_equal(x->f.n_bad, 4);
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	x->ack_ret = 0;
	in_ack(x);
	assert_int_equal(x->f.state, PPP_ACK_RCVD);
}

static void test_nak_refused_by_protocol_discarded(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	x->nak_ret = -1;
	x->rej_ret = -1;
	in(x, PPP_CONF_NAK, x->f.reqid, x->req, 3);
	in(x, PPP_CONF_REJ, x->f.reqid, x->req, 3);
	assert_int_equal(x->f.n_bad, 2);
	assert_string_equal(x->trace, "");
	assert_int_equal(x->f.state, PPP_REQ_SENT);
}

static void test_malformed_lengths(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint8_t p[64];
	uint64_t bad;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);

	/* shorter than a header */
	ppp_fsm_input(&x->f, (const uint8_t *)"", 0);
	ppp_fsm_input(&x->f, (const uint8_t *)"\x05\x01\x00", 3);
	assert_int_equal(x->f.n_bad, 2);
	/* Length below the header, beyond the buffer */
	memcpy(p, "\x05\x01\x00\x03", 4);
	ppp_fsm_input(&x->f, p, 4);
	memcpy(p, "\x05\x01\x00\x09", 4);
	ppp_fsm_input(&x->f, p, 8);
	assert_int_equal(x->f.n_bad, 4);
	assert_int_equal(x->f.n_rx, 4);
	assert_string_equal(x->trace, "");

	/* octets beyond Length are padding */
	memcpy(p, "\x05\x01\x00\x04\xff\xff\xff", 7);
	ppp_fsm_input(&x->f, p, 7);
	assert_string_equal(x->trace, "sta");
	assert_int_equal(x->f.n_bad, 4);
	/* ... and not part of the options */
	fake_clear(x);
	memcpy(p, "\x01\x20\x00\x07\x01\x03\x22\x00\x10", 9);
	ppp_fsm_input(&x->f, p, 9);
	assert_string_equal(x->trace, "sca");
	assert_int_equal(x->sent[0].len, 7);
	assert_int_equal(x->f.state, PPP_ACK_SENT);

	/* options that do not add up */
	fake_clear(x);
	bad = x->f.n_bad;
	in(x, PPP_CONF_REQ, 1, "\x01\x01", 2);		/* option length 1 */
	in(x, PPP_CONF_REQ, 2, "\x01\x00", 2);		/* option length 0 */
	in(x, PPP_CONF_REQ, 3, "\x01\x05\x00", 3);	/* runs past the end */
	in(x, PPP_CONF_REQ, 4, "\x01\x03\x00\x02", 4);	/* a lone type octet */
	in(x, PPP_CONF_NAK, x->f.reqid, "\x01\x04\x00", 3);
	in(x, PPP_CONF_REJ, x->f.reqid, "\x01", 1);
	in(x, PPP_CONF_ACK, x->f.reqid, "\x01\x09", 2);
	/* a Code-Reject must carry the rejected packet */
	in(x, PPP_CODE_REJ, 5, NULL, 0);
	assert_int_equal(x->f.n_bad - bad, 8);
	assert_int_equal(x->n_req + x->n_nak + x->n_rej + x->n_ack, 0);
	assert_string_equal(x->trace, "");
	assert_int_equal(x->f.state, PPP_ACK_SENT);

	/* an empty request is well formed */
	x->answer = PPP_CONF_NAK;
	in(x, PPP_CONF_REQ, 6, NULL, 0);
	assert_string_equal(x->trace, "scn");
	assert_int_equal(x->f.state, PPP_REQ_SENT);
}

static void test_request_refused_by_protocol(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	x->req_ret = -1;
	in_req(x, 1);
	assert_int_equal(x->f.n_bad, 1);
	assert_string_equal(x->trace, "");
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	/* in Opened the new round has begun all the same */
	x->req_ret = 0;
	in_ack(x);
	in_req(x, 2);
	assert_int_equal(x->f.state, PPP_OPENED);
	fake_clear(x);
	x->req_ret = 7; /* not an answer at all */
	in_req(x, 3);
	assert_string_equal(x->trace, "tld,scr");
	assert_int_equal(x->f.state, PPP_REQ_SENT);
}

static void test_oversized_request_discarded(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint8_t big[1600];
	size_t i;

	for (i = 0; i + 100 <= sizeof(big); i += 100) {
		big[i] = 0x10;
		big[i + 1] = 100;
		memset(big + i + 2, 0, 98);
	}
	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	in(x, PPP_CONF_REQ, 1, big, 1600);
	assert_int_equal(x->f.n_bad, 1);
	assert_string_equal(x->trace, "");
}

/* ---- codes outside 1-7 ---- */

static void test_code_reject_for_unknown_codes(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;
	uint8_t p[2000];
	uint8_t id;

	reach(x, PPP_OPENED);
	fake_clear(x);
	id = x->f.id;
	in(x, 0x42, 0x77, "abc", 3);
	assert_string_equal(x->trace, "scj");
	assert_int_equal(x->n_other, 1);
	assert_int_equal(x->sent[0].b[0], PPP_CODE_REJ);
	assert_int_equal(x->sent[0].b[1], (uint8_t)(id + 1)); /* a new Identifier */
	assert_int_equal(x->sent[0].len, 4 + 7);
	assert_memory_equal(x->sent[0].b + 4, "\x42\x77\x00\x07" "abc", 7);
	assert_int_equal(x->f.state, PPP_OPENED);

	/* the rejected packet, not its padding */
	memcpy(p, "\x42\x78\x00\x05Zpadding", 12);
	ppp_fsm_input(&x->f, p, 12);
	assert_int_equal(x->sent[1].len, 4 + 5);
	assert_int_not_equal(x->sent[1].b[1], x->sent[0].b[1]);

	/* cut to our MRU */
	memset(p, 0xee, sizeof(p));
	p[0] = 0x42;
	p[1] = 0x79;
	p[2] = sizeof(p) >> 8;
	p[3] = sizeof(p) & 0xff;
	ppp_fsm_input(&x->f, p, sizeof(p));
	assert_int_equal(x->sent[2].len, 1500);
	assert_int_equal(x->sent[2].b[2] << 8 | x->sent[2].b[3], 1500);
	assert_memory_equal(x->sent[2].b + 4, p, 1496);
	assert_int_equal(x->f.n_bad, 0);
}

static void test_code_reject_without_recv_other(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	ppp_fsm_fini(&x->f);
	fake_init(w, x, "IPCP", IPCP, &ncp_cb);
	reach(x, PPP_REQ_SENT);
	fake_clear(x);
	/* for an NCP even Echo-Request is an unknown code, in any state */
	in(x, PPP_ECHO_REQ, 1, "\0\0\0\0", 4);
	in(x, PPP_PROTO_REJ, 2, "\x80\x21", 2);
	assert_string_equal(x->trace, "scj,scj");
	assert_int_equal(x->f.state, PPP_REQ_SENT);
}

static void test_lcp_codes_outside_opened(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_ACK_SENT);
	fake_clear(x);
	/* RFC 1661 5.7, 5.8: silently discarded before Opened */
	in(x, PPP_PROTO_REJ, 1, "\x80\x21", 2);
	in(x, PPP_ECHO_REQ, 2, "\0\0\0\0", 4);
	in(x, PPP_ECHO_REP, 3, "\0\0\0\0", 4);
	in(x, PPP_DISC_REQ, 4, "\0\0\0\0", 4);
	assert_int_equal(x->n_other, 0);
	assert_string_equal(x->trace, "");
	assert_int_equal(x->f.n_bad, 0);
	/* RFC 1570's codes go to the protocol in any state */
	in(x, PPP_IDENTIFICATION, 5, "\0\0\0\0hi", 6);
	in(x, PPP_TIME_REMAINING, 6, "\0\0\0\0\0\0\0\x10", 8);
	assert_int_equal(x->n_other, 2);
	assert_string_equal(x->trace, "");
	/* in Opened they reach LCP, which answers Echo-Request (ser) */
	in_ack(x);
	assert_int_equal(x->f.state, PPP_OPENED);
	fake_clear(x);
	in(x, PPP_PROTO_REJ, 7, "\x80\x57", 2);
	in(x, PPP_ECHO_REQ, 8, "\0\0\0\0", 4);
	assert_int_equal(x->n_other, 2);
	assert_string_equal(x->trace, "ser");
	assert_int_equal(x->sent[0].b[1], 8);
}

static void test_code_reject_received(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	/* a rejected Echo-Request is no reason to stop */
	reach(x, PPP_OPENED);
	fake_clear(x);
	in(x, PPP_CODE_REJ, 1, "\x09\x01\x00\x08\0\0\0\0", 8);
	assert_int_equal(x->f.state, PPP_OPENED);
	assert_string_equal(x->trace, "");
	/* a rejected Terminate-Request is (RFC 1661 5.6: catastrophic) */
	in(x, PPP_CODE_REJ, 2, "\x05\x01\x00\x04", 4);
	assert_int_equal(x->f.state, PPP_STOPPING);
	assert_string_equal(x->trace, "tld,str");
	assert_int_equal(x->f.restart_count, MAX_TERM - 1);
	/* a truncated rejected packet still names its code */
	in(x, PPP_CODE_REJ, 3, "\x06", 1);
	assert_int_equal(x->f.state, PPP_STOPPED);
	assert_int_equal(x->n_tlf, 1);
	assert_int_equal(x->f.n_bad, 0);
}

/* ---- re-entrancy ---- */

static void test_tls_may_bring_the_layer_up(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	/* An NCP whose lower layer (LCP) is already open: tls says so at
	 * once, from inside the Open event. */
	x->tls_brings_up = 1;
	ppp_fsm_open(&x->f);
	assert_int_equal(x->f.state, PPP_REQ_SENT);
	assert_string_equal(x->trace, "tls,scr");
	assert_true(ev_timer_armed(&x->f.timer));
}

/* ---- two automata back to back ---- */

static void open_both(struct world *w)
{
	w->wired = 1;
	w->a.answer = w->b.answer = 0; /* negotiate */
	ppp_fsm_open(&w->a.f);
	ppp_fsm_open(&w->b.f);
	ppp_fsm_up(&w->a.f);
	ppp_fsm_up(&w->b.f);
}

static void test_back_to_back_open_and_close(void **state)
{
	struct world *w = *state;
	struct fake *a = &w->a, *b = &w->b;

	open_both(w);
	pump(w);
	assert_int_equal(a->f.state, PPP_OPENED);
	assert_int_equal(b->f.state, PPP_OPENED);
	assert_int_equal(a->n_tlu, 1);
	assert_int_equal(b->n_tlu, 1);
	assert_false(ev_timer_armed(&a->f.timer));
	assert_false(ev_timer_armed(&b->f.timer));
	assert_int_equal(a->f.n_bad + b->f.n_bad, 0);

	/* A closes: Terminate-Request, Terminate-Ack */
	fake_clear(a);
	fake_clear(b);
	ppp_fsm_close(&a->f);
	assert_int_equal(a->f.state, PPP_CLOSING);
	pump(w);
	assert_string_equal(a->trace, "tld,str,tlf");
	assert_string_equal(b->trace, "tld,sta");
	assert_int_equal(a->f.state, PPP_CLOSED);
	assert_int_equal(b->f.state, PPP_STOPPING);
	advance(w, RESTART_MS);
	assert_int_equal(b->f.state, PPP_STOPPED);
	assert_string_equal(b->trace, "tld,sta,tlf");
	assert_int_equal(ev_timer_count(w->loop), 0);

	/* the link goes down under both, and B starts over */
	ppp_fsm_down(&a->f);
	ppp_fsm_down(&b->f);
	assert_int_equal(a->f.state, PPP_INITIAL);
	assert_int_equal(b->f.state, PPP_STARTING);
	assert_int_equal(b->n_tls, 1);
}

static void test_back_to_back_lost_packet(void **state)
{
	struct world *w = *state;

	w->drop = 1; /* A's first Configure-Request */
	open_both(w);
	pump(w);
	assert_int_equal(w->a.f.state, PPP_ACK_SENT);
	assert_int_equal(w->b.f.state, PPP_ACK_RCVD);
	advance(w, RESTART_MS); /* both time out: A repeats, B too (TO+ in Ack-Rcvd) */
	pump(w);
	assert_int_equal(w->a.f.state, PPP_OPENED);
	assert_int_equal(w->b.f.state, PPP_OPENED);
	assert_int_equal(w->a.ncode[PPP_CONF_REQ], 2);
}

static void test_back_to_back_renegotiation(void **state)
{
	struct world *w = *state;

	open_both(w);
	pump(w);
	/* B restarts negotiation from Opened (RCR in Opened on A) */
	fake_clear(&w->a);
	ppp_fsm_down(&w->b.f);
	ppp_fsm_up(&w->b.f);
	pump(w);
	assert_int_equal(w->a.f.state, PPP_OPENED);
	assert_int_equal(w->b.f.state, PPP_OPENED);
	assert_int_equal(w->a.n_tld, 1);
	assert_int_equal(w->a.n_tlu, 1);
}

/* A wants the peer's option 1 to be 5; B insists on 0x11 and ignores
 * Naks: A Naks Max-Failure times, then Rejects, and B drops it. */
static void test_back_to_back_nak_loop_bounded(void **state)
{
	struct world *w = *state;
	struct fake *a = &w->a, *b = &w->b;
	int n;

	a->want = 5;
	b->stubborn = 1;
	open_both(w);
	n = pump(w);
	assert_true(n < 40);
	assert_int_equal(a->f.state, PPP_OPENED);
	assert_int_equal(b->f.state, PPP_OPENED);
	assert_int_equal(a->ncode[PPP_CONF_NAK], MAX_FAIL);
	assert_int_equal(a->ncode[PPP_CONF_REJ], 1);
	assert_null(opt_find(b->req, b->req_len, 1));
}

/* Without stubbornness a Nak is followed and one round is enough. */
static void test_back_to_back_nak_followed(void **state)
{
	struct world *w = *state;
	struct fake *a = &w->a, *b = &w->b;

	a->want = 5;
	open_both(w);
	pump(w);
	assert_int_equal(a->f.state, PPP_OPENED);
	assert_int_equal(b->f.state, PPP_OPENED);
	assert_int_equal(a->ncode[PPP_CONF_NAK], 1);
	assert_int_equal(opt_find(b->req, b->req_len, 1)[2], 5);
}

/* B asks for options A does not know: rejected, dropped, done. */
static void test_back_to_back_reject_loop_bounded(void **state)
{
	struct world *w = *state;
	struct fake *a = &w->a, *b = &w->b;
	static const uint8_t odd[] = { 1, 3, 0x11, 0x70, 2, 0x71, 4, 0, 0, 2, 4, 0xaa, 0xbb };

	memcpy(b->req, odd, sizeof(odd));
	b->req_len = sizeof(odd);
	open_both(w);
	assert_true(pump(w) < 20);
	assert_int_equal(a->f.state, PPP_OPENED);
	assert_int_equal(b->f.state, PPP_OPENED);
	assert_int_equal(a->ncode[PPP_CONF_REJ], 1);
	assert_int_equal(b->req_len, 7);
}

/* A peer that never answers: Max-Configure, then both give up. */
static void test_back_to_back_silent_peer(void **state)
{
	struct world *w = *state;
	int i;

	w->wired = 1;
	ppp_fsm_open(&w->a.f);
	ppp_fsm_up(&w->a.f); /* B stays Initial and discards */
	for (i = 0; i < MAX_CONF; i++) {
		pump(w);
		advance(w, RESTART_MS);
	}
	assert_int_equal(w->a.f.state, PPP_STOPPED);
	assert_int_equal(w->a.ncode[PPP_CONF_REQ], MAX_CONF);
	assert_int_equal(w->b.f.n_bad, MAX_CONF);
}

static void test_strings(void **state)
{
	assert_string_equal(ppp_state_str(PPP_INITIAL), "initial");
	assert_string_equal(ppp_state_str(PPP_REQ_SENT), "req-sent");
	assert_string_equal(ppp_state_str(PPP_ACK_RCVD), "ack-rcvd");
	assert_string_equal(ppp_state_str(PPP_OPENED), "opened");
	assert_string_equal(ppp_state_str((enum ppp_state)42), "?");
	assert_string_equal(ppp_code_str(PPP_CONF_REQ), "Configure-Request");
	assert_string_equal(ppp_code_str(PPP_CODE_REJ), "Code-Reject");
	assert_string_equal(ppp_code_str(PPP_TIME_REMAINING), "Time-Remaining");
	assert_string_equal(ppp_code_str(0), "unknown");
	assert_string_equal(ppp_code_str(200), "unknown");
}

/* Proxy LCP: from Closed straight to Opened with tlu and nothing sent;
 * refused in any other state, which is left as it was. */
static void test_proxy_open(void **state)
{
	struct world *w = *state;
	struct fake *x = &w->a;

	reach(x, PPP_CLOSED);
	assert_int_equal(ppp_fsm_proxy_open(&x->f), 0);
	assert_int_equal(x->f.state, PPP_OPENED);
	assert_int_equal(x->n_tlu, 1);
	assert_int_equal(x->nsent, 0);
	/* the peer may still renegotiate: RCR in Opened is tld, scr, sca */
	in_req(x, 7);
	assert_int_equal(x->n_tld, 1);
	assert_int_not_equal(x->f.state, PPP_OPENED);
	/* not from another state */
	assert_int_equal(ppp_fsm_proxy_open(&x->f), -1);
	assert_int_equal(ppp_fsm_proxy_open(&w->b.f), -1);	/* Initial */
	assert_int_equal(w->b.f.state, PPP_INITIAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define ST(i) { "test_state_table_" #i, test_state_table, NULL, NULL, &st[i] }
	const struct CMUnitTest tests[] = {
		ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7), ST(8), ST(9),
		T(test_answers_carry_request_id),
		T(test_proxy_open),
		T(test_ack_is_the_request_whatever_the_protocol_wrote),
		T(test_new_id_per_request),
		T(test_max_configure),
		T(test_ack_sent_retransmits_and_gives_up),
		T(test_max_terminate),
		T(test_terminate_request_when_opened),
		T(test_defaults),
		T(test_fini_stops_timer),
		T(test_max_failure_turns_naks_into_rejects),
		T(test_max_failure_holds_if_protocol_keeps_naking),
		T(test_new_negotiation_resets_failures),
		T(test_answers_with_wrong_id_discarded),
		T(test_ack_must_carry_our_options),
		T(test_nak_refused_by_protocol_discarded),
		T(test_malformed_lengths),
		T(test_request_refused_by_protocol),
		T(test_oversized_request_discarded),
		T(test_code_reject_for_unknown_codes),
		T(test_code_reject_without_recv_other),
		T(test_lcp_codes_outside_opened),
		T(test_code_reject_received),
		T(test_tls_may_bring_the_layer_up),
		T(test_back_to_back_open_and_close),
		T(test_back_to_back_lost_packet),
		T(test_back_to_back_renegotiation),
		T(test_back_to_back_nak_loop_bounded),
		T(test_back_to_back_nak_followed),
		T(test_back_to_back_reject_loop_bounded),
		T(test_back_to_back_silent_peer),
		T(test_strings),
	};

	log_init("test_ppp_fsm", 1, getenv("PPP_FSM_DEBUG") ? LOG_DEBUG : LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
