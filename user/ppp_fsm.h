/* SPDX-License-Identifier: GPL-2.0 */
/* The PPP option-negotiation automaton of RFC 1661 section 4: all ten
 * states, every event, the restart timer and the Max-Configure,
 * Max-Terminate and Max-Failure counters, with a callback table per
 * protocol (LCP, IPCP, IPv6CP).  One automaton; protocols only supply
 * option handling. */
#ifndef L2TPX_PPP_FSM_H
#define L2TPX_PPP_FSM_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

enum ppp_state {
	PPP_INITIAL,
	PPP_STARTING,
	PPP_CLOSED,
	PPP_STOPPED,
	PPP_CLOSING,
	PPP_STOPPING,
	PPP_REQ_SENT,
	PPP_ACK_RCVD,
	PPP_ACK_SENT,
	PPP_OPENED,
};

/* Packet codes (RFC 1661 5; LCP-only codes 8-11 are handled by the
 * automaton as well: Protocol-Reject, Echo, Discard). */
enum ppp_code {
	PPP_CONF_REQ = 1,
	PPP_CONF_ACK = 2,
	PPP_CONF_NAK = 3,
	PPP_CONF_REJ = 4,
	PPP_TERM_REQ = 5,
	PPP_TERM_ACK = 6,
	PPP_CODE_REJ = 7,
	PPP_PROTO_REJ = 8,
	PPP_ECHO_REQ = 9,
	PPP_ECHO_REP = 10,
	PPP_DISC_REQ = 11,
	PPP_IDENTIFICATION = 12,	/* RFC 1570 */
	PPP_TIME_REMAINING = 13,	/* RFC 1570 */
};

struct ppp_fsm;

/* What a protocol supplies.  Option buffers are the Data field of a
 * Configure packet (a list of type-length-value options). */
struct ppp_fsm_cb {
	/* Write our Configure-Request options into buf; return their length. */
	int (*build_req)(struct ppp_fsm *f, uint8_t *buf, size_t cap);
	/* The peer's Configure-Request: decide.  Rewrite `opts` in place (or
	 * into out) to the Ack (same options), Nak (our suggestions) or Reject
	 * (the offending options) body; return PPP_CONF_ACK, _NAK or _REJ and
	 * the body length in *out_len.  Nak/Reject loops are bounded by the
	 * automaton (Max-Failure turns Naks into Rejects by calling again with
	 * reject_only set). */
	int (*recv_req)(struct ppp_fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
			size_t cap, size_t *out_len, int reject_only);
	/* The peer acked / nak'ed / rejected our request: update our wishes.
	 * Return 0, or -1 when the packet is malformed (discarded). */
	int (*recv_ack)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	int (*recv_nak)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	int (*recv_rej)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	/* Layer actions (RFC 1661 4.4). */
	void (*this_layer_up)(struct ppp_fsm *f);
	void (*this_layer_down)(struct ppp_fsm *f);
	void (*this_layer_started)(struct ppp_fsm *f);
	void (*this_layer_finished)(struct ppp_fsm *f);
	/* Codes beyond 1-7 (LCP's 8-13); return 0 if handled, -1 for a
	 * Code-Reject. */
	int (*recv_other)(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
			  size_t len);
	/* Send a whole PPP packet (code, id, length, data) of this protocol. */
	void (*send)(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
};

struct ppp_fsm_conf {
	unsigned int restart_ms;	/* Restart timer (default 3000) */
	unsigned int max_configure;	/* default 10 */
	unsigned int max_terminate;	/* default 2 */
	unsigned int max_failure;	/* default 5 */
};

struct ppp_fsm {
	const char *name;		/* "LCP", "IPCP", "IPv6CP" */
	uint16_t proto;			/* 0xc021, 0x8021, 0x8057 */
	enum ppp_state state;
	const struct ppp_fsm_cb *cb;
	struct ppp_fsm_conf conf;
	struct ev_loop *loop;
	struct ev_timer timer;
	unsigned int restart_count;
	unsigned int nak_count;		/* Naks sent in a row (Max-Failure) */
	uint8_t id;			/* of our last Configure/Terminate-Request */
	uint8_t reqid;			/* of the request we are waiting an answer to */
	void *arg;			/* the protocol's state */
	uint64_t n_rx, n_tx, n_bad;
};

void ppp_fsm_init(struct ppp_fsm *f, const char *name, uint16_t proto,
		  const struct ppp_fsm_cb *cb, const struct ppp_fsm_conf *conf,
		  struct ev_loop *loop, void *arg);
void ppp_fsm_fini(struct ppp_fsm *f);	/* stops the timer */

/* Events (RFC 1661 4.1). */
void ppp_fsm_up(struct ppp_fsm *f);
void ppp_fsm_down(struct ppp_fsm *f);
void ppp_fsm_open(struct ppp_fsm *f);
void ppp_fsm_close(struct ppp_fsm *f);
/* A packet of this protocol (code, id, length, data), as received. */
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
/* Proxy LCP (RFC 2661 4.4.5, 18): the LAC negotiated for us; from Closed,
 * enter Opened as if the exchange had happened here (tlu).  Returns -1 in
 * any other state. */
int ppp_fsm_proxy_open(struct ppp_fsm *f);
/* The peer rejected our protocol (LCP Protocol-Reject): RXJ-. */
void ppp_fsm_proto_rejected(struct ppp_fsm *f);

const char *ppp_state_str(enum ppp_state s);
const char *ppp_code_str(uint8_t code);

#endif
