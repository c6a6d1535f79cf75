// SPDX-License-Identifier: GPL-2.0
/* The RFC 1661 section 4 option-negotiation automaton shared by LCP, IPCP
 * and IPv6CP: one handler per event of the state transition table (4.1),
 * each a switch on the state, with the actions of 4.4 and the restart
 * timer and counters of 4.6.
 *
 * Contracts with the protocol (struct ppp_fsm_cb):
 *  - build_req must be a pure function of the protocol's state: it is
 *    called again to check that a Configure-Ack carries exactly the
 *    options of our outstanding request (RFC 1661 5.2);
 *  - send must not feed a packet back into ppp_fsm_input() of the same
 *    automaton before returning (the event loop delivers replies);
 *  - this_layer_started / _finished / _up are the last thing a handler
 *    does, after the new state is set, so they may re-enter the automaton
 *    (tls may bring the lower layer Up at once, tlf may take it Down). */
#include <stdbool.h>
#include <string.h>

#include "l2tpx.h"
#include "log.h"
#include "ppp_fsm.h"

/* The largest packet we build or answer: the default MRU (RFC 1661 6.1),
 * which is all the peer may send before LCP has agreed on another. */
#define FSM_MRU		1500
#define FSM_HDR		4
#define FSM_BODY_MAX	(FSM_MRU - FSM_HDR)

#define DEF_RESTART_MS	3000
#define DEF_MAX_CONF	10
#define DEF_MAX_TERM	2
#define DEF_MAX_FAIL	5

#define flog(pri, f, fmt, ...) log_msg(pri, "%s: " fmt, (f)->name, ##__VA_ARGS__)

/* RFC 1661 4.1, for the log. */
enum fsm_event {
	EV_UP,
	EV_DOWN,
	EV_OPEN,
	EV_CLOSE,
	EV_TO_PLUS,
	EV_TO_MINUS,
	EV_RCR,
	EV_RCA,
	EV_RCN,
	EV_RTR,
	EV_RTA,
	EV_RUC,
	EV_RXJ_PLUS,
	EV_RXJ_MINUS,
	EV_RXR,
};

static const char *const event_names[] = {
	[EV_UP] = "Up",	     [EV_DOWN] = "Down",	 [EV_OPEN] = "Open",
	[EV_CLOSE] = "Close", [EV_TO_PLUS] = "TO+",	 [EV_TO_MINUS] = "TO-",
	[EV_RCR] = "RCR",    [EV_RCA] = "RCA",		 [EV_RCN] = "RCN",
	[EV_RTR] = "RTR",    [EV_RTA] = "RTA",		 [EV_RUC] = "RUC",
	[EV_RXJ_PLUS] = "RXJ+", [EV_RXJ_MINUS] = "RXJ-", [EV_RXR] = "RXR",
};

static const char *const state_names[] = {
	[PPP_INITIAL] = "initial",   [PPP_STARTING] = "starting", [PPP_CLOSED] = "closed",
	[PPP_STOPPED] = "stopped",   [PPP_CLOSING] = "closing",	  [PPP_STOPPING] = "stopping",
	[PPP_REQ_SENT] = "req-sent", [PPP_ACK_RCVD] = "ack-rcvd", [PPP_ACK_SENT] = "ack-sent",
	[PPP_OPENED] = "opened",
};

static const char *const code_names[] = {
	[PPP_CONF_REQ] = "Configure-Request",
	[PPP_CONF_ACK] = "Configure-Ack",
	[PPP_CONF_NAK] = "Configure-Nak",
	[PPP_CONF_REJ] = "Configure-Reject",
	[PPP_TERM_REQ] = "Terminate-Request",
	[PPP_TERM_ACK] = "Terminate-Ack",
	[PPP_CODE_REJ] = "Code-Reject",
	[PPP_PROTO_REJ] = "Protocol-Reject",
	[PPP_ECHO_REQ] = "Echo-Request",
	[PPP_ECHO_REP] = "Echo-Reply",
	[PPP_DISC_REQ] = "Discard-Request",
	[PPP_IDENTIFICATION] = "Identification",
	[PPP_TIME_REMAINING] = "Time-Remaining",
};

const char *ppp_state_str(enum ppp_state s)
{
	return s <= PPP_OPENED ? state_names[s] : "?";
}

const char *ppp_code_str(uint8_t code)
{
	return code >= PPP_CONF_REQ && code <= PPP_TIME_REMAINING ? code_names[code] : "unknown";
}

/* The states in which the Restart timer runs (RFC 1661 4.2). */
static bool timer_state(enum ppp_state s)
{
	return s >= PPP_CLOSING && s <= PPP_ACK_SENT;
}

static bool negotiating(enum ppp_state s)
{
	return s >= PPP_REQ_SENT && s <= PPP_ACK_SENT;
}

/* "The Restart timer is stopped when transitioning from any state where
 * the timer is running to a state where the timer is not running." */
static void fsm_set_state(struct ppp_fsm *f, enum ppp_state s)
{
	if (!timer_state(s))
		ev_timer_disarm(f->loop, &f->timer);
	if (s != f->state)
		flog(LOG_DEBUG, f, "%s -> %s", ppp_state_str(f->state), ppp_state_str(s));
	f->state = s;
}

/* A '-' of the table: an event that cannot happen in this state. */
static void fsm_illegal(struct ppp_fsm *f, enum fsm_event ev)
{
	flog(LOG_WARNING, f, "illegal event %s in state %s", event_names[ev],
	     ppp_state_str(f->state));
}

static void fsm_discard(struct ppp_fsm *f, uint8_t code, uint8_t id, const char *why)
{
	f->n_bad++;
	flog(LOG_DEBUG, f, "%s id %u discarded in %s: %s", ppp_code_str(code), id,
	     ppp_state_str(f->state), why);
}

/* ---- actions (RFC 1661 4.4) ---- */

static void tlu(struct ppp_fsm *f)
{
	if (f->cb->this_layer_up)
		f->cb->this_layer_up(f);
}

static void tld(struct ppp_fsm *f)
{
	if (f->cb->this_layer_down)
		f->cb->this_layer_down(f);
}

static void tls(struct ppp_fsm *f)
{
	if (f->cb->this_layer_started)
		f->cb->this_layer_started(f);
}

static void tlf(struct ppp_fsm *f)
{
	if (f->cb->this_layer_finished)
		f->cb->this_layer_finished(f);
}

static void irc_conf(struct ppp_fsm *f)
{
	f->restart_count = f->conf.max_configure;
}

static void irc_term(struct ppp_fsm *f)
{
	f->restart_count = f->conf.max_terminate;
}

static void arm_restart(struct ppp_fsm *f)
{
	if (ev_timer_arm(f->loop, &f->timer, f->conf.restart_ms) < 0)
		flog(LOG_ERR, f, "cannot arm the restart timer");
}

/* The counter reaches zero and the timer still runs, so that the final
 * state is entered only after the peer has had time to see our
 * Terminate-Ack (RFC 1661 4.4 zrc). */
static void zrc(struct ppp_fsm *f)
{
	f->restart_count = 0;
	arm_restart(f);
}

/* pkt has FSM_MRU bytes with the body already at pkt + FSM_HDR. */
static void fsm_send(struct ppp_fsm *f, uint8_t *pkt, uint8_t code, uint8_t id, size_t blen)
{
	size_t len = FSM_HDR + blen;

	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = len >> 8;
	pkt[3] = len & 0xff;
	f->n_tx++;
	flog(LOG_DEBUG, f, "send %s id %u len %zu", ppp_code_str(code), id, len);
	if (f->cb->send)
		f->cb->send(f, pkt, len);
}

/* What build_req writes now; -1 when it fails. */
static int fsm_build_req(struct ppp_fsm *f, uint8_t *body)
{
	int n = f->cb->build_req ? f->cb->build_req(f, body, FSM_BODY_MAX) : 0;

	if (n < 0 || n > FSM_BODY_MAX) {
		flog(LOG_ERR, f, "cannot build a Configure-Request (%d)", n);
		return -1;
	}
	return n;
}

static void scr(struct ppp_fsm *f)
{
	uint8_t pkt[FSM_MRU];
	int n;

	if (!negotiating(f->state))
		f->nak_count = 0; /* a new negotiation starts */
	n = fsm_build_req(f, pkt + FSM_HDR);
	/* A new Identifier for every request, retransmissions included: an
	 * answer to an older one is then out of sequence and discarded. */
	f->reqid = ++f->id;
	if (n >= 0)
		fsm_send(f, pkt, PPP_CONF_REQ, f->reqid, n);
	if (f->restart_count)
		f->restart_count--;
	arm_restart(f);
}

static void str(struct ppp_fsm *f)
{
	uint8_t pkt[FSM_MRU];

	fsm_send(f, pkt, PPP_TERM_REQ, ++f->id, 0);
	if (f->restart_count)
		f->restart_count--;
	arm_restart(f);
}

static void sta(struct ppp_fsm *f, uint8_t id)
{
	uint8_t pkt[FSM_MRU];

	fsm_send(f, pkt, PPP_TERM_ACK, id, 0);
}

/* The rejected packet, cut to fit our MRU (RFC 1661 5.6). */
static void scj(struct ppp_fsm *f, const uint8_t *rej, size_t len)
{
	uint8_t pkt[FSM_MRU];

	if (len > FSM_BODY_MAX)
		len = FSM_BODY_MAX;
	memcpy(pkt + FSM_HDR, rej, len);
	fsm_send(f, pkt, PPP_CODE_REJ, ++f->id, len);
}

/* ---- events from above and below, and the timer ---- */

void ppp_fsm_up(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_INITIAL:
		fsm_set_state(f, PPP_CLOSED);
		break;
	case PPP_STARTING:
		irc_conf(f);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	default:
		fsm_illegal(f, EV_UP);
		break;
	}
}

void ppp_fsm_down(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_CLOSED:
	case PPP_CLOSING:
		fsm_set_state(f, PPP_INITIAL);
		break;
	case PPP_STOPPED:
		fsm_set_state(f, PPP_STARTING);
		tls(f);
		break;
	case PPP_STOPPING:
	case PPP_REQ_SENT:
	case PPP_ACK_RCVD:
	case PPP_ACK_SENT:
		fsm_set_state(f, PPP_STARTING);
		break;
	case PPP_OPENED:
		tld(f);
		fsm_set_state(f, PPP_STARTING);
		break;
	default:
		fsm_illegal(f, EV_DOWN);
		break;
	}
}

/* Without the Restart option ([r] of 4.1): an Open in Stopped, Stopping
 * or Opened keeps the link as it is. */
void ppp_fsm_open(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_INITIAL:
		fsm_set_state(f, PPP_STARTING);
		tls(f);
		break;
	case PPP_CLOSED:
		irc_conf(f);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_CLOSING:
		fsm_set_state(f, PPP_STOPPING);
		break;
	default: /* Starting, Stopped, Stopping, Req-Sent, Ack-Rcvd, Ack-Sent, Opened */
		break;
	}
}

void ppp_fsm_close(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_STARTING:
		fsm_set_state(f, PPP_INITIAL);
		tlf(f);
		break;
	case PPP_STOPPED:
		fsm_set_state(f, PPP_CLOSED);
		break;
	case PPP_STOPPING:
		fsm_set_state(f, PPP_CLOSING);
		break;
	case PPP_REQ_SENT:
	case PPP_ACK_RCVD:
	case PPP_ACK_SENT:
		irc_term(f);
		str(f);
		fsm_set_state(f, PPP_CLOSING);
		break;
	case PPP_OPENED:
		tld(f);
		irc_term(f);
		str(f);
		fsm_set_state(f, PPP_CLOSING);
		break;
	default: /* Initial, Closed, Closing */
		break;
	}
}

static void fsm_to_plus(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_CLOSING:
	case PPP_STOPPING:
		str(f);
		break;
	case PPP_REQ_SENT:
	case PPP_ACK_RCVD:
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_ACK_SENT:
		scr(f);
		break;
	default:
		fsm_illegal(f, EV_TO_PLUS);
		break;
	}
}

/* Without the Passive option ([p] of 4.1): give up and tell the layer. */
static void fsm_to_minus(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_CLOSING:
		fsm_set_state(f, PPP_CLOSED);
		tlf(f);
		break;
	case PPP_STOPPING:
	case PPP_REQ_SENT:
	case PPP_ACK_RCVD:
	case PPP_ACK_SENT:
		if (f->state != PPP_STOPPING)
			flog(LOG_INFO, f, "negotiation gave up after %u Configure-Requests",
			     f->conf.max_configure);
		fsm_set_state(f, PPP_STOPPED);
		tlf(f);
		break;
	default:
		fsm_illegal(f, EV_TO_MINUS);
		break;
	}
}

static void fsm_timeout(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct ppp_fsm *f = arg;

	if (f->restart_count > 0)
		fsm_to_plus(f);
	else
		fsm_to_minus(f);
}

/* ---- received packets ---- */

/* Configure packets carry type-length-value options (RFC 1661 6). */
static bool opts_valid(const uint8_t *p, size_t len)
{
	while (len) {
		if (len < 2 || p[1] < 2 || p[1] > len)
			return false;
		len -= p[1];
		p += p[1];
	}
	return true;
}

/* Decide on the peer's request: the answer's code with its body written
 * at pkt + FSM_HDR, or -1 when the protocol finds the request malformed
 * (discarded, like an invalid answer).  Max-Failure (RFC 1661 4.6): once
 * max_failure Naks went out without an Ack, the protocol may only Reject. */
static int fsm_decide(struct ppp_fsm *f, const uint8_t *opts, size_t len, uint8_t *pkt,
		      size_t *blen)
{
	int reject_only = f->nak_count >= f->conf.max_failure;
	bool whole = false; /* answer with the request's own options */
	int code;

	*blen = 0;
	if (!f->cb->recv_req) {
		code = len ? PPP_CONF_REJ : PPP_CONF_ACK; /* we know no option */
		whole = true;
	} else {
		code = f->cb->recv_req(f, opts, len, pkt + FSM_HDR, FSM_BODY_MAX, blen,
				       reject_only);
		if (code == PPP_CONF_ACK) {
			/* An Ack repeats the request exactly (RFC 1661 5.2),
			 * whatever the protocol wrote. */
			whole = true;
		} else if (code == PPP_CONF_NAK && reject_only) {
			/* The bound must hold even if the protocol forgets. */
			flog(LOG_WARNING, f, "Nak after Max-Failure: rejecting the request");
			code = PPP_CONF_REJ;
			whole = true;
		} else if ((code != PPP_CONF_NAK && code != PPP_CONF_REJ) ||
			   *blen > FSM_BODY_MAX) {
			return -1;
		}
	}
	if (whole) {
		memcpy(pkt + FSM_HDR, opts, len);
		*blen = len;
	}
	if (code == PPP_CONF_ACK)
		f->nak_count = 0;
	else if (code == PPP_CONF_NAK)
		f->nak_count++;
	return code;
}

static void fsm_rcr(struct ppp_fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	uint8_t pkt[FSM_MRU];
	size_t blen;
	bool good;
	int code;

	switch (f->state) {
	case PPP_CLOSED:
		sta(f, id);
		return;
	case PPP_CLOSING:
	case PPP_STOPPING:
		return;
	case PPP_STOPPED:
		irc_conf(f);
		scr(f);
		break;
	case PPP_OPENED:
		/* Down first, while the protocol still holds the options the
		 * layer was up with; then the new round. */
		tld(f);
		scr(f);
		break;
	default:
		break;
	}

	code = fsm_decide(f, opts, len, pkt, &blen);
	if (code < 0) {
		fsm_discard(f, PPP_CONF_REQ, id, "refused by the protocol");
		/* A new round has started all the same. */
		if (f->state == PPP_STOPPED || f->state == PPP_OPENED)
			fsm_set_state(f, PPP_REQ_SENT);
		return;
	}
	good = code == PPP_CONF_ACK;
	fsm_send(f, pkt, code, id, blen); /* sca or scn */

	switch (f->state) {
	case PPP_STOPPED:
	case PPP_REQ_SENT:
	case PPP_ACK_SENT:
	case PPP_OPENED:
		fsm_set_state(f, good ? PPP_ACK_SENT : PPP_REQ_SENT);
		break;
	case PPP_ACK_RCVD:
		if (good) {
			fsm_set_state(f, PPP_OPENED);
			tlu(f);
		}
		break;
	default:
		break;
	}
}

static void fsm_rca(struct ppp_fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	uint8_t mine[FSM_BODY_MAX];
	int n;

	switch (f->state) {
	case PPP_CLOSED:
	case PPP_STOPPED:
		sta(f, id);
		return;
	case PPP_CLOSING:
	case PPP_STOPPING:
		return;
	default:
		break;
	}

	n = fsm_build_req(f, mine);
	if (n < 0 || (size_t)n != len || memcmp(mine, opts, len)) {
		fsm_discard(f, PPP_CONF_ACK, id, "not the options we asked for");
		return;
	}
	if (f->cb->recv_ack && f->cb->recv_ack(f, opts, len) < 0) {
		fsm_discard(f, PPP_CONF_ACK, id, "refused by the protocol");
		return;
	}

	switch (f->state) {
	case PPP_REQ_SENT:
		irc_conf(f);
		fsm_set_state(f, PPP_ACK_RCVD);
		break;
	case PPP_ACK_RCVD:
		flog(LOG_INFO, f, "second Configure-Ack id %u: crossed connection?", id);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_ACK_SENT:
		irc_conf(f);
		fsm_set_state(f, PPP_OPENED);
		tlu(f);
		break;
	case PPP_OPENED:
		flog(LOG_INFO, f, "Configure-Ack id %u while opened: crossed connection?", id);
		tld(f);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	default:
		break;
	}
}

/* Configure-Nak and Configure-Reject: the same transitions, different
 * effects on our next request (the protocol's business). */
static void fsm_rcn(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *opts,
		    size_t len)
{
	int (*recv)(struct ppp_fsm *, const uint8_t *, size_t);

	switch (f->state) {
	case PPP_CLOSED:
	case PPP_STOPPED:
		sta(f, id);
		return;
	case PPP_CLOSING:
	case PPP_STOPPING:
		return;
	default:
		break;
	}

	recv = code == PPP_CONF_NAK ? f->cb->recv_nak : f->cb->recv_rej;
	if (recv && recv(f, opts, len) < 0) {
		fsm_discard(f, code, id, "refused by the protocol");
		return;
	}

	switch (f->state) {
	case PPP_REQ_SENT:
		irc_conf(f);
		scr(f);
		break;
	case PPP_ACK_RCVD:
		flog(LOG_INFO, f, "%s id %u after an Ack: crossed connection?",
		     ppp_code_str(code), id);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_ACK_SENT:
		irc_conf(f);
		scr(f);
		break;
	case PPP_OPENED:
		flog(LOG_INFO, f, "%s id %u while opened: crossed connection?",
		     ppp_code_str(code), id);
		tld(f);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	default:
		break;
	}
}

static void fsm_rtr(struct ppp_fsm *f, uint8_t id)
{
	switch (f->state) {
	case PPP_CLOSED:
	case PPP_STOPPED:
	case PPP_CLOSING:
	case PPP_STOPPING:
	case PPP_REQ_SENT:
		sta(f, id);
		break;
	case PPP_ACK_RCVD:
	case PPP_ACK_SENT:
		sta(f, id);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_OPENED:
		flog(LOG_INFO, f, "peer terminates");
		tld(f);
		zrc(f);
		sta(f, id);
		fsm_set_state(f, PPP_STOPPING);
		break;
	default:
		break;
	}
}

static void fsm_rta(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_CLOSING:
		fsm_set_state(f, PPP_CLOSED);
		tlf(f);
		break;
	case PPP_STOPPING:
		fsm_set_state(f, PPP_STOPPED);
		tlf(f);
		break;
	case PPP_ACK_RCVD:
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	case PPP_OPENED:
		tld(f);
		scr(f);
		fsm_set_state(f, PPP_REQ_SENT);
		break;
	default: /* Closed, Stopped, Req-Sent, Ack-Sent */
		break;
	}
}

static void fsm_rxj_plus(struct ppp_fsm *f)
{
	if (f->state == PPP_ACK_RCVD)
		fsm_set_state(f, PPP_REQ_SENT);
}

static void fsm_rxj_minus(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_CLOSED:
	case PPP_CLOSING:
		fsm_set_state(f, PPP_CLOSED);
		tlf(f);
		break;
	case PPP_STOPPED:
	case PPP_STOPPING:
	case PPP_REQ_SENT:
	case PPP_ACK_RCVD:
	case PPP_ACK_SENT:
		fsm_set_state(f, PPP_STOPPED);
		tlf(f);
		break;
	case PPP_OPENED:
		tld(f);
		irc_term(f);
		str(f);
		fsm_set_state(f, PPP_STOPPING);
		break;
	default:
		fsm_illegal(f, EV_RXJ_MINUS);
		break;
	}
}

static void fsm_rcj(struct ppp_fsm *f, uint8_t code)
{
	/* Codes 1-7 are what the automaton runs on: without them it cannot
	 * go on (RFC 1661 5.6). */
	if (code >= PPP_CONF_REQ && code <= PPP_CODE_REJ) {
		flog(LOG_WARNING, f, "peer rejects %s", ppp_code_str(code));
		fsm_rxj_minus(f);
	} else {
		flog(LOG_DEBUG, f, "peer rejects code %u (%s)", code, ppp_code_str(code));
		fsm_rxj_plus(f);
	}
}

/* Codes outside 1-7.  For LCP, Protocol-Reject (RXJ) and Echo/Discard
 * (RXR) mean something only in the Opened state and are silently
 * discarded elsewhere (RFC 1661 5.7, 5.8); ser is LCP's (magic number). */
static void fsm_recv_other(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	uint8_t code = pkt[0];

	if (f->proto == PPP_LCP && code >= PPP_PROTO_REJ && code <= PPP_DISC_REQ &&
	    f->state != PPP_OPENED) {
		flog(LOG_DEBUG, f, "%s ignored in %s", ppp_code_str(code),
		     ppp_state_str(f->state));
		return;
	}
	if (f->cb->recv_other &&
	    f->cb->recv_other(f, code, pkt[1], pkt + FSM_HDR, len - FSM_HDR) == 0)
		return;
	flog(LOG_DEBUG, f, "unknown code %u: Code-Reject", code);
	scj(f, pkt, len); /* RUC: scj, no state change */
}

void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	const uint8_t *data;
	size_t plen, dlen;
	uint8_t code, id;

	f->n_rx++;
	if (len < FSM_HDR) {
		f->n_bad++;
		flog(LOG_DEBUG, f, "short packet (%zu bytes) discarded", len);
		return;
	}
	code = pkt[0];
	id = pkt[1];
	plen = (size_t)pkt[2] << 8 | pkt[3];
	if (plen < FSM_HDR || plen > len) {
		fsm_discard(f, code, id, "bad Length");
		return;
	}
	len = plen; /* octets beyond Length are padding */
	data = pkt + FSM_HDR;
	dlen = len - FSM_HDR;
	flog(LOG_DEBUG, f, "recv %s id %u len %zu in %s", ppp_code_str(code), id, len,
	     ppp_state_str(f->state));

	/* The lower layer is down: nothing can arrive (the '-' of 4.1). */
	if (f->state == PPP_INITIAL || f->state == PPP_STARTING) {
		fsm_discard(f, code, id, "lower layer down");
		return;
	}

	switch (code) {
	case PPP_CONF_REQ:
	case PPP_CONF_ACK:
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		if (!opts_valid(data, dlen)) {
			fsm_discard(f, code, id, "malformed options");
			return;
		}
		if (code == PPP_CONF_REQ) {
			if (dlen > FSM_BODY_MAX) {
				fsm_discard(f, code, id, "longer than our MRU");
				return;
			}
			fsm_rcr(f, id, data, dlen);
			return;
		}
		if (id != f->reqid) {
			fsm_discard(f, code, id, "not our request's Identifier");
			return;
		}
		if (code == PPP_CONF_ACK)
			fsm_rca(f, id, data, dlen);
		else
			fsm_rcn(f, code, id, data, dlen);
		return;
	case PPP_TERM_REQ:
		fsm_rtr(f, id);
		return;
	case PPP_TERM_ACK:
		fsm_rta(f);
		return;
	case PPP_CODE_REJ:
		if (dlen < 1) {
			fsm_discard(f, code, id, "no rejected packet");
			return;
		}
		fsm_rcj(f, data[0]);
		return;
	default:
		fsm_recv_other(f, pkt, len);
		return;
	}
}

int ppp_fsm_proxy_open(struct ppp_fsm *f)
{
	if (f->state != PPP_CLOSED)
		return -1;
	fsm_set_state(f, PPP_OPENED);
	tlu(f);
	return 0;
}

void ppp_fsm_proto_rejected(struct ppp_fsm *f)
{
	flog(LOG_WARNING, f, "protocol rejected by the peer");
	fsm_rxj_minus(f);
}

void ppp_fsm_init(struct ppp_fsm *f, const char *name, uint16_t proto,
		  const struct ppp_fsm_cb *cb, const struct ppp_fsm_conf *conf,
		  struct ev_loop *loop, void *arg)
{
	memset(f, 0, sizeof(*f));
	f->name = name ? name : "PPP";
	f->proto = proto;
	f->cb = cb;
	f->loop = loop;
	f->arg = arg;
	if (conf)
		f->conf = *conf;
	if (!f->conf.restart_ms)
		f->conf.restart_ms = DEF_RESTART_MS;
	if (!f->conf.max_configure)
		f->conf.max_configure = DEF_MAX_CONF;
	if (!f->conf.max_terminate)
		f->conf.max_terminate = DEF_MAX_TERM;
	if (!f->conf.max_failure)
		f->conf.max_failure = DEF_MAX_FAIL;
	f->state = PPP_INITIAL;
	ev_timer_init(&f->timer, fsm_timeout, f);
}

void ppp_fsm_fini(struct ppp_fsm *f)
{
	ev_timer_disarm(f->loop, &f->timer);
}
