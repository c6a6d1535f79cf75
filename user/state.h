/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's state file: what a restarted l2tpxd needs to take its
 * tunnels, calls and PPP sessions back while the pinned data plane keeps
 * forwarding.  A versioned, checksummed binary file, replaced atomically
 * (write a temporary, fsync, rename). */
#ifndef L2TPX_STATE_H
#define L2TPX_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ppp_auth.h"
#include "udp.h"

#define STATE_MAGIC	"L2TPXST\n"
#define STATE_VERSION	1
#define STATE_HDR_LEN	20	/* magic 8, version 4, body length 4, CRC-32 4 */
#define STATE_MAX_BODY	(256u << 20)
#define STATE_HOST_MAX	64
#define STATE_MSG_MAX	4096	/* one queued control message */
#define STATE_MSGS_MAX	4096	/* the engine's queue bound (RDT_MAX_QUEUE) */

/* An established PPP session: what was negotiated. */
struct state_ppp {
	uint8_t client;
	uint8_t phase;			/* enum ppp_phase */
	uint8_t lcp, ipcp, ipv6cp;	/* enum ppp_state */
	uint32_t magic, peer_magic;
	uint16_t mru, peer_mru;
	uint16_t auth_proto, peer_auth_proto;
	uint8_t auth_alg, peer_auth_alg;
	uint8_t peer_acfc, peer_pfc, no_addr_opt, no_ifid_opt;
	uint8_t ip_from_pool, has_prefix6, in_dp, v4_up;
	uint32_t our_ip, peer_ip, dns[2];	/* network order */
	uint8_t our_ifid[8], peer_ifid[8];
	uint8_t prefix6[16];
	uint32_t prefix6_index;
	char user[AUTH_NAME_MAX];
};

struct state_session {
	uint16_t id, peer_id;
	uint8_t lac, seq_required, has_ppp;
	uint32_t call_serial, tx_speed, framing;
	struct state_ppp ppp;
};

/* A control message sent and not yet acknowledged: sent again on resume,
 * under the same Ns. */
struct state_msg {
	uint16_t len;
	uint8_t *buf;
};

struct state_tunnel {
	uint16_t id, peer_id;
	uint8_t lac;
	int16_t lac_index;		/* -1 = none */
	struct udp_ep local, peer;
	char peer_host[STATE_HOST_MAX], peer_vendor[STATE_HOST_MAX];
	uint16_t ns;			/* Ns of msgs[0]; the next Ns if none */
	uint16_t nr;			/* next Ns we expect from the peer */
	uint16_t peer_rws;
	uint16_t nmsgs;
	struct state_msg *msgs;
	uint32_t nsessions;
	struct state_session *sessions;
};

struct state {
	uint32_t ntunnels;
	struct state_tunnel *tunnels;
};

/* ---- the codec (pure) ---- */

/* Encode s into a new buffer (*buf, freed by the caller).  0 or -errno. */
int state_encode(const struct state *s, uint8_t **buf, size_t *len);
/* Decode a whole file; every length, count and enum is checked, the CRC
 * covers the body, the body must end exactly at its length.  0, or -1 with
 * the reason in err; s is empty then. */
int state_decode(const uint8_t *buf, size_t len, struct state *s, char *err, size_t errlen);
void state_free(struct state *s);
uint32_t state_crc32(const uint8_t *p, size_t len);

/* ---- the file ---- */

/* Replace path atomically: path.tmp written, fsync'd, renamed over path,
 * the directory fsync'd.  A crash leaves the old file or the new, never a
 * torn one.  0 or -errno. */
int state_write_file(const char *path, const uint8_t *buf, size_t len);
/* Read a whole file (at most STATE_HDR_LEN + STATE_MAX_BODY).  0 or -errno. */
int state_read_file(const char *path, uint8_t **buf, size_t *len);

/* ---- the daemon's side ---- */

struct l2tp;
struct ppp_ctx;
struct dp;

/* Snapshot of the established tunnels and calls (with their PPP). */
int state_collect(struct l2tp *l, struct state *s);
/* Collect, encode, write.  0 or -errno (logged). */
int state_save(const char *path, struct l2tp *l);
/* Take back what path holds: tunnels, calls, PPP sessions, pool addresses,
 * routes, map entries that went missing; then remove the daemon's map
 * entries that nothing owns.  A missing, corrupt or unknown-version file is
 * logged and means a fresh start.  Returns the number of tunnels resumed. */
int state_restore(const char *path, struct l2tp *l, struct ppp_ctx *ppp);
/* Remove every map entry the daemon installed (L2TPX_SF_DAEMON) that no
 * live session of l owns (l NULL: every one); static sessions stay.
 * Returns how many. */
int state_reconcile_maps(struct dp *dp, struct l2tp *l);

#endif
