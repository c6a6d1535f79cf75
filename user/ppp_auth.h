/* SPDX-License-Identifier: GPL-2.0 */
/* PPP authentication, as authenticator (server) and as peer (client):
 * PAP (RFC 1334), CHAP-MD5 (RFC 1994, with optional periodic
 * re-challenge) and MS-CHAPv2 (RFC 2759, with the authenticator response).
 * Crypto from nettle (MD4, MD5, SHA-1, DES). */
#ifndef L2TPX_PPP_AUTH_H
#define L2TPX_PPP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define PPP_PROTO_PAP	0xc023
#define PPP_PROTO_CHAP	0xc223
#define CHAP_MD5	5
#define CHAP_MSCHAPV2	0x81

enum ppp_auth_method {
	AUTH_NONE,
	AUTH_PAP,
	AUTH_CHAP_MD5,
	AUTH_MSCHAPV2,
};

#define AUTH_NAME_MAX	256
#define AUTH_SECRET_MAX	256
#define AUTH_PKT_MAX	512	/* the longest packet we send */

/* ---- the primitives, pure functions (tested against the RFC vectors) ---- */

/* CHAP-MD5 Response Value = MD5(Identifier ‖ secret ‖ Challenge). */
void chap_md5_response(uint8_t id, const uint8_t *secret, size_t slen, const uint8_t *chal,
		       size_t clen, uint8_t out[16]);
/* RFC 2759 8.1-8.5: NT-Response from the challenges, user name and password
 * (the password as given, converted to UTF-16LE inside; ASCII/UTF-8 input). */
int mschapv2_nt_response(const uint8_t auth_chal[16], const uint8_t peer_chal[16],
			 const char *user, const char *password, uint8_t out[24]);
/* RFC 2759 8.6: the 7-octet slice of the password hash as an 8-octet DES
 * key, 7 bits per octet, low bit = odd parity (9.3: FC156AF7EDCD6C ->
 * FD0B5B5E7F6E34D9). */
void mschapv2_des_key(const uint8_t key7[7], uint8_t key8[8]);
/* RFC 2759 8.7: "S=" + 40 upper-case hex digits + NUL. */
int mschapv2_auth_response(const char *password, const uint8_t nt_resp[24],
			   const uint8_t peer_chal[16], const uint8_t auth_chal[16],
			   const char *user, char out[43]);

/* ---- secrets lookup, supplied by the caller (the secrets file) ---- */

/* Find the secret for (client, server); copy it to secret (NUL-terminated,
 * cap bytes) and return 0, or -1 when there is none. */
typedef int (*ppp_auth_lookup_fn)(void *arg, const char *client, const char *server,
				  char *secret, size_t cap);

/* Server: INITIAL -> CHALLENGE_SENT (CHAP) or WAIT_REQUEST (PAP) -> OPEN
 * or FAILED; OPEN -> CHALLENGE_SENT again on a CHAP re-challenge.
 * Client: INITIAL -> WAIT_CHALLENGE -> RESPONSE_SENT (CHAP), or INITIAL ->
 * REQUEST_SENT (PAP), -> OPEN or FAILED; a re-challenge in OPEN goes back
 * to RESPONSE_SENT.  FAILED is final until the next start. */
enum ppp_auth_state {
	AUTH_ST_INITIAL,
	AUTH_ST_WAIT_REQUEST,
	AUTH_ST_CHALLENGE_SENT,
	AUTH_ST_WAIT_CHALLENGE,
	AUTH_ST_RESPONSE_SENT,
	AUTH_ST_REQUEST_SENT,
	AUTH_ST_OPEN,
	AUTH_ST_FAILED,
};

const char *ppp_auth_state_str(enum ppp_auth_state s);
const char *ppp_auth_method_str(enum ppp_auth_method m);

struct ppp_auth;

struct ppp_auth_cb {
	/* Send a whole packet (code, id, length, data) of proto. */
	void (*send)(struct ppp_auth *a, uint16_t proto, const uint8_t *pkt, size_t len);
	/* Server: the peer authenticated as `user` (ok) or failed.  Client:
	 * the authenticator accepted us (ok) or refused / we refused it (an
	 * MS-CHAPv2 authenticator response that does not verify).  ok comes
	 * once, for the first success (a passed re-challenge is silent); a
	 * failure, a failed re-challenge included, comes once and is final.
	 * Called last: the callback may fini or free the object. */
	void (*done)(struct ppp_auth *a, bool ok, const char *user);
};

struct ppp_auth_conf {
	unsigned int retry_ms;		/* retransmit Challenge / Auth-Request /
					 * Response (3000); PAP server: waits
					 * retry_ms * max_tries for a request */
	unsigned int max_tries;		/* then fail (10) */
	unsigned int rechallenge_s;	/* CHAP: periodic re-challenge, 0 = off */
};

struct ppp_auth {
	bool server;
	enum ppp_auth_method method;
	enum ppp_auth_state state;
	const struct ppp_auth_cb *cb;
	struct ppp_auth_conf conf;
	struct ev_loop *loop;
	struct ev_timer timer;
	ppp_auth_lookup_fn lookup;	/* server */
	void *lookup_arg;
	/* Per-call memory is kept small (many thousand calls): what is the
	 * same for every call is the caller's, pointed at, not copied. */
	const char *name;		/* our name (CHAP Name as authenticator):
					 * the caller's, outlives the run */
	char *user;			/* client: our user; server: the peer's.
					 * Allocated, NULL when none */
	const char *password;		/* client only: the caller's */
	uint8_t id;
	uint8_t challenge[16];
	unsigned int tries;
	bool done_ok;			/* authenticated at least once */
	uint8_t *last;			/* last packet sent, allocated to its size,
					 * for retransmission and for a repeated
					 * request after the verdict; NULL when none */
	size_t last_len;
	void *arg;			/* the session's */
};

void ppp_auth_init(struct ppp_auth *a, const struct ppp_auth_cb *cb,
		   const struct ppp_auth_conf *conf, struct ev_loop *loop, void *arg);
/* Everything released: timers, the packet kept, the user name. */
void ppp_auth_fini(struct ppp_auth *a);
/* The run ends (the link went down): timers off, the packet kept and our
 * password forgotten, back to INITIAL; the user name stays. */
void ppp_auth_stop(struct ppp_auth *a);
/* Authenticator: challenge the peer (CHAP) or wait for its request (PAP).
 * our_name is not copied: it must outlive the run (the configuration). */
void ppp_auth_start_server(struct ppp_auth *a, enum ppp_auth_method m, const char *our_name,
			   ppp_auth_lookup_fn lookup, void *lookup_arg);
/* Peer: answer challenges (CHAP) or send Authenticate-Request (PAP).  The
 * user name is copied, the password is not: it must outlive the run. */
void ppp_auth_start_client(struct ppp_auth *a, enum ppp_auth_method m, const char *user,
			   const char *password);
/* The user name ("" when none), and setting it outside a run (a session
 * authenticated by the LAC's proxy, or restored after a restart): 0, or -1
 * when it is too long or memory is short. */
const char *ppp_auth_user(const struct ppp_auth *a);
int ppp_auth_set_user(struct ppp_auth *a, const char *user);
/* A PAP or CHAP packet from the other side. */
void ppp_auth_input(struct ppp_auth *a, uint16_t proto, const uint8_t *pkt, size_t len);

#endif
