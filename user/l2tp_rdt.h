/* SPDX-License-Identifier: GPL-2.0 */
/* Reliable delivery of L2TP control messages (RFC 2661 5.8, Appendix A):
 * Ns/Nr with 16-bit wrap, a send window sized by the peer's Receive Window
 * Size, retransmission with exponential backoff and a cap, failure after the
 * last retry, duplicates re-acknowledged, out-of-order messages held within
 * our window, and delayed ZLB acknowledgements. */
#ifndef L2TPX_L2TP_RDT_H
#define L2TPX_L2TP_RDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define RDT_MAX_RWS	32	/* the most out-of-order messages we hold */
#define RDT_MAX_QUEUE	4096	/* messages waiting for the window, at most */

struct l2tp_rdt_ops {
	/* Put a datagram on the wire (already carrying its Ns/Nr). */
	int (*xmit)(void *ctx, const uint8_t *buf, size_t len);
	/* A message arrived in order: hand it to the state machine.  The
	 * state machine may destroy the tunnel; it returns nonzero then and
	 * the engine touches nothing more. */
	int (*deliver)(void *ctx, const uint8_t *buf, size_t len);
	/* The peer stopped acknowledging: the tunnel is dead. */
	void (*failed)(void *ctx);
};

struct l2tp_rdt_conf {
	unsigned int rtx_initial_ms;	/* first retransmission (default 1000) */
	unsigned int rtx_cap_ms;	/* backoff cap (default 8000, RFC: >= 8 s) */
	unsigned int max_retries;	/* then failed() (default 5) */
	unsigned int ack_delay_ms;	/* ZLB delay (default 100) */
	uint16_t rws;			/* our Receive Window Size (default 8) */
};

struct rdt_msg {
	uint8_t *buf;
	size_t len;
	uint16_t ns;
};

struct l2tp_rdt {
	struct ev_loop *loop;
	const struct l2tp_rdt_ops *ops;
	void *ctx;
	struct l2tp_rdt_conf conf;
	uint16_t peer_tunnel_id;	/* for ZLBs */
	uint16_t ns;			/* Ns of the next new message */
	uint16_t nr;			/* next Ns we expect = our Nr */
	uint16_t peer_rws;		/* send window */
	uint16_t nr_sent;		/* the Nr our last datagram carried */
	bool resync;			/* resumed from a state file: trust the peer's
					 * first Ns/Nr where they are ahead of ours */
	/* sent, not yet acknowledged (oldest first), then waiting for the window */
	struct rdt_msg *q;		/* ring of qcap, grown on demand */
	unsigned int qcap, qhead, qlen, inflight;
	unsigned int retries;
	unsigned int rtx_ms;
	/* received ahead of a gap: slot i holds Ns nr + 1 + i */
	struct rdt_msg ooo[RDT_MAX_RWS];
	struct ev_timer rtx_timer;
	struct ev_timer ack_timer;
	/* counters */
	uint64_t n_sent, n_retransmitted, n_received, n_duplicates, n_out_of_order,
		n_out_of_window, n_zlb_sent;
};

static inline int seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

void l2tp_rdt_init(struct l2tp_rdt *r, struct ev_loop *loop, const struct l2tp_rdt_conf *conf,
		   const struct l2tp_rdt_ops *ops, void *ctx);
/* Free queued messages and stop the timers. */
void l2tp_rdt_fini(struct l2tp_rdt *r);
void l2tp_rdt_set_peer(struct l2tp_rdt *r, uint16_t peer_tunnel_id, uint16_t peer_rws);

/* Queue a control message (a complete datagram with a 12-byte header whose
 * Ns and Nr this fills in); sent at once when the window allows.  The
 * engine copies buf. */
int l2tp_rdt_send(struct l2tp_rdt *r, const uint8_t *buf, size_t len);
/* A control message from the peer, header already parsed: its Ns, Nr and
 * whether it is a ZLB.  Returns nonzero when deliver() reported the tunnel
 * gone. */
int l2tp_rdt_recv(struct l2tp_rdt *r, uint16_t ns, uint16_t nr, const uint8_t *buf,
		  size_t len, int zlb);
/* Send the acknowledgement now (e.g. after a StopCCN, or re-ack). */
void l2tp_rdt_ack_now(struct l2tp_rdt *r);
/* Nothing sent is still waiting for acknowledgement. */
int l2tp_rdt_idle(const struct l2tp_rdt *r);

#endif
