// SPDX-License-Identifier: GPL-2.0
/* PPP authentication: the CHAP-MD5 and MS-CHAPv2 primitives, and the
 * authenticator and peer automata of PAP, CHAP-MD5 and MS-CHAPv2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <nettle/des.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/sha1.h>

#include "log.h"
#include "ppp_auth.h"

enum pap_code {
	PAP_AUTH_REQ = 1,
	PAP_AUTH_ACK = 2,
	PAP_AUTH_NAK = 3,
};

enum chap_code {
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

#define HDR_LEN		4	/* Code, Identifier, Length */
#define CHAL_LEN	16	/* the Challenge we send, and MS-CHAPv2's */
#define MD5_VALUE_LEN	16
/* MS-CHAPv2 Response Value: Peer-Challenge, Reserved, NT-Response, Flags */
#define MSV2_PEER_CHAL	0
#define MSV2_NT_RESP	24
#define MSV2_FLAGS	48
#define MSV2_VALUE_LEN	49
#define MSV2_AUTH_RESP_LEN 42	/* "S=" + 40 hex digits */

#define DEFAULT_RETRY_MS	3000
#define DEFAULT_MAX_TRIES	10

static const char MSG_PAP_ACK[] = "Login ok";
static const char MSG_PAP_NAK[] = "Login incorrect";
static const char MSG_DENIED[] = "Access denied";
static const char MSG_GRANTED[] = "Access granted";

/* ---- primitives ---------------------------------------------------------- */

void chap_md5_response(uint8_t id, const uint8_t *secret, size_t slen, const uint8_t *chal,
		       size_t clen, uint8_t out[16])
{
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, 1, &id);
	if (slen)
		md5_update(&ctx, slen, secret);
	if (clen)
		md5_update(&ctx, clen, chal);
	md5_digest(&ctx, MD5_DIGEST_SIZE, out);
}

/* One UTF-8 sequence at p (NUL-terminated): its length, or 0 when it is not
 * a valid, shortest-form encoding of a non-surrogate code point. */
static int utf8_decode(const uint8_t *p, uint32_t *cp)
{
	uint32_t c;
	int n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	/* The terminating NUL is not a continuation octet: no overrun. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* RFC 2759 8.3: the password in UTF-16LE, at most 256 characters.  UTF-8 is
 * decoded; an octet that starts no valid sequence stands for itself
 * (Latin-1), which is what pppd does with every octet. */
static int utf16le(const char *s, uint8_t *out, size_t cap, size_t *outlen)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0;
	uint32_t c;
	int k;

	while (*p) {
		k = utf8_decode(p, &c);
		if (!k) {
			c = *p;
			k = 1;
		}
		p += k;
		if (c >= 0x10000) {
			if (n + 4 > cap)
				return -1;
			c -= 0x10000;
			out[n++] = (0xd800 | c >> 10) & 0xff;
			out[n++] = (0xd800 | c >> 10) >> 8;
			out[n++] = (0xdc00 | (c & 0x3ff)) & 0xff;
			out[n++] = (0xdc00 | (c & 0x3ff)) >> 8;
		} else {
			if (n + 2 > cap)
				return -1;
			out[n++] = c & 0xff;
			out[n++] = c >> 8;
		}
	}
	*outlen = n;
	return 0;
}

/* RFC 2759 8.3 NtPasswordHash = MD4(UTF-16LE password). */
static int nt_password_hash(const char *password, uint8_t hash[MD4_DIGEST_SIZE])
{
	uint8_t uni[2 * 256];
	struct md4_ctx ctx;
	size_t n;

	if (utf16le(password, uni, sizeof(uni), &n) < 0)
		return -1;
	md4_init(&ctx);
	md4_update(&ctx, n, uni);
	md4_digest(&ctx, MD4_DIGEST_SIZE, hash);
	explicit_bzero(uni, sizeof(uni));
	return 0;
}

/* RFC 2759 8.2 ChallengeHash: SHA1(PeerChallenge ‖ AuthenticatorChallenge ‖
 * UserName)[0:8], the user name without any "DOMAIN\" prefix (as pppd). */
static void challenge_hash(const uint8_t peer_chal[16], const uint8_t auth_chal[16],
			   const char *user, uint8_t out[8])
{
	const char *bs = strrchr(user, '\\');
	struct sha1_ctx ctx;

	if (bs)
		user = bs + 1;
	sha1_init(&ctx);
	sha1_update(&ctx, 16, peer_chal);
	sha1_update(&ctx, 16, auth_chal);
	sha1_update(&ctx, strlen(user), (const uint8_t *)user);
	sha1_digest(&ctx, 8, out);	/* nettle truncates to the leading octets */
}

void mschapv2_des_key(const uint8_t k[7], uint8_t key[8])
{
	key[0] = k[0];
	key[1] = (uint8_t)(k[0] << 7 | k[1] >> 1);
	key[2] = (uint8_t)(k[1] << 6 | k[2] >> 2);
	key[3] = (uint8_t)(k[2] << 5 | k[3] >> 3);
	key[4] = (uint8_t)(k[3] << 4 | k[4] >> 4);
	key[5] = (uint8_t)(k[4] << 3 | k[5] >> 5);
	key[6] = (uint8_t)(k[5] << 2 | k[6] >> 6);
	key[7] = (uint8_t)(k[6] << 1);
	des_fix_parity(8, key, key);
}

/* RFC 2759 8.6 DesEncrypt. */
static void des_encrypt_7(const uint8_t k7[7], const uint8_t in[8], uint8_t out[8])
{
	struct des_ctx ctx;
	uint8_t key[8];

	mschapv2_des_key(k7, key);
	/* 0 means a weak or semi-weak key, but the schedule is set all the
	 * same; a slice of a password hash may be one, and MS-CHAPv2 uses it
	 * regardless (the parity is right: des_fix_parity above). */
	(void)des_set_key(&ctx, key);
	des_encrypt(&ctx, 8, out, in);
	explicit_bzero(&ctx, sizeof(ctx));
	explicit_bzero(key, sizeof(key));
}

int mschapv2_nt_response(const uint8_t auth_chal[16], const uint8_t peer_chal[16],
			 const char *user, const char *password, uint8_t out[24])
{
	uint8_t ph[21] = { 0 };	/* PasswordHash, zero-padded to 3 x 7 */
	uint8_t ch[8];

	if (nt_password_hash(password, ph) < 0)
		return -1;
	challenge_hash(peer_chal, auth_chal, user, ch);
	des_encrypt_7(ph, ch, out);
	des_encrypt_7(ph + 7, ch, out + 8);
	des_encrypt_7(ph + 14, ch, out + 16);
	explicit_bzero(ph, sizeof(ph));
	return 0;
}

static void hex_upper(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int mschapv2_auth_response(const char *password, const uint8_t nt_resp[24],
			   const uint8_t peer_chal[16], const uint8_t auth_chal[16],
			   const char *user, char out[43])
{
	static const char magic1[] = "Magic server to client signing constant";
	static const char magic2[] = "Pad to make it do more than one iteration";
	uint8_t ph[MD4_DIGEST_SIZE], phh[MD4_DIGEST_SIZE], digest[SHA1_DIGEST_SIZE], ch[8];
	struct md4_ctx md4;
	struct sha1_ctx sha;

	if (nt_password_hash(password, ph) < 0)
		return -1;
	md4_init(&md4);
	md4_update(&md4, sizeof(ph), ph);
	md4_digest(&md4, sizeof(phh), phh);

	sha1_init(&sha);
	sha1_update(&sha, sizeof(phh), phh);
	sha1_update(&sha, 24, nt_resp);
	sha1_update(&sha, sizeof(magic1) - 1, (const uint8_t *)magic1);
	sha1_digest(&sha, sizeof(digest), digest);

	challenge_hash(peer_chal, auth_chal, user, ch);
	sha1_init(&sha);
	sha1_update(&sha, sizeof(digest), digest);
	sha1_update(&sha, sizeof(ch), ch);
	sha1_update(&sha, sizeof(magic2) - 1, (const uint8_t *)magic2);
	sha1_digest(&sha, sizeof(digest), digest);

	out[0] = 'S';
	out[1] = '=';
	hex_upper(digest, sizeof(digest), out + 2);
	explicit_bzero(ph, sizeof(ph));
	explicit_bzero(phh, sizeof(phh));
	return 0;
}

/* ---- the automata: helpers ----------------------------------------------- */

static const char *const state_names[] = {
	[AUTH_ST_INITIAL] = "initial",
	[AUTH_ST_WAIT_REQUEST] = "wait-request",
	[AUTH_ST_CHALLENGE_SENT] = "challenge-sent",
	[AUTH_ST_WAIT_CHALLENGE] = "wait-challenge",
	[AUTH_ST_RESPONSE_SENT] = "response-sent",
	[AUTH_ST_REQUEST_SENT] = "request-sent",
	[AUTH_ST_OPEN] = "open",
	[AUTH_ST_FAILED] = "failed",
};

const char *ppp_auth_state_str(enum ppp_auth_state s)
{
	return s <= AUTH_ST_FAILED ? state_names[s] : "?";
}

const char *ppp_auth_method_str(enum ppp_auth_method m)
{
	switch (m) {
	case AUTH_NONE:
		return "none";
	case AUTH_PAP:
		return "PAP";
	case AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	}
	return "?";
}

#define alog(pri, a, fmt, ...)                                                        \
	log_msg(pri, "%s %s: " fmt, ppp_auth_method_str((a)->method),                 \
		(a)->server ? "authenticator" : "peer", ##__VA_ARGS__)

/* Malformed input: discarded, and said so. */
#define bad(a, fmt, ...) alog(LOG_WARNING, a, "malformed packet discarded: " fmt, ##__VA_ARGS__)

static const char *code_str(const struct ppp_auth *a, uint8_t code)
{
	static const char *const pap[] = { "?", "Authenticate-Request", "Authenticate-Ack",
					   "Authenticate-Nak" };
	static const char *const chap[] = { "?", "Challenge", "Response", "Success", "Failure" };

	if (a->method == AUTH_PAP)
		return code <= PAP_AUTH_NAK ? pap[code] : "unknown code";
	return code <= CHAP_FAILURE ? chap[code] : "unknown code";
}

static void set_state(struct ppp_auth *a, enum ppp_auth_state st)
{
	if (a->state != st)
		alog(LOG_DEBUG, a, "%s -> %s", ppp_auth_state_str(a->state),
		     ppp_auth_state_str(st));
	a->state = st;
}

static void sys_random(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) != (ssize_t)len)
		fatal("getrandom");
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_hdr(uint8_t *p, uint8_t code, uint8_t id, size_t len)
{
	p[0] = code;
	p[1] = id;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
}

/* A peer-supplied string made safe for the log. */
static const char *printable(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t i, j = 0;

	for (i = 0; i < n && j + 1 < cap; i++)
		buf[j++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	buf[j] = '\0';
	return buf;
}

#define printable_str(s, buf) printable((const uint8_t *)(s), strlen(s), buf, sizeof(buf))

static uint16_t auth_proto(const struct ppp_auth *a)
{
	return a->method == AUTH_PAP ? PPP_PROTO_PAP : PPP_PROTO_CHAP;
}

static void arm(struct ppp_auth *a, uint64_t ms)
{
	if (a->loop)
		ev_timer_arm(a->loop, &a->timer, ms);
}

static void disarm(struct ppp_auth *a)
{
	if (a->loop && ev_timer_armed(&a->timer))
		ev_timer_disarm(a->loop, &a->timer);
}

/* (Re)send what is in a->last: callers finish their state changes first,
 * since send may feed the other side, which may answer at once. */
static void send_last(struct ppp_auth *a)
{
	if (a->last_len && a->cb && a->cb->send)
		a->cb->send(a, auth_proto(a), a->last, a->last_len);
}

static void forget_last(struct ppp_auth *a)
{
	if (a->last) {
		explicit_bzero(a->last, a->last_len);	/* PAP: the password */
		free(a->last);
	}
	a->last = NULL;
	a->last_len = 0;
}

static void report(struct ppp_auth *a, bool ok)
{
	if (a->cb && a->cb->done)
		a->cb->done(a, ok, ppp_auth_user(a));
}

/* Final failure: nothing more is sent, nothing is retransmitted. */
static void fail(struct ppp_auth *a)
{
	disarm(a);
	forget_last(a);
	set_state(a, AUTH_ST_FAILED);
	report(a, false);
}

/* The packet just built becomes a->last, in memory of its own size: a
 * call keeps no full-size buffer once it is authenticated.  false: out of
 * memory, and the run has failed. */
static bool keep(struct ppp_auth *a, const uint8_t *pkt, size_t len)
{
	uint8_t *p = malloc(len);

	forget_last(a);
	if (!p) {
		alog(LOG_ERR, a, "out of memory for a %zu-octet packet: giving up "
				 "(free memory, or lower the number of calls)", len);
		fail(a);
		return false;
	}
	memcpy(p, pkt, len);
	a->last = p;
	a->last_len = len;
	return true;
}

/* ---- authenticator ------------------------------------------------------- */

static void server_send_challenge(struct ppp_auth *a)
{
	size_t nlen = strlen(a->name), len = HDR_LEN + 1 + CHAL_LEN + nlen;
	uint8_t p[AUTH_PKT_MAX];

	a->id++;
	sys_random(a->challenge, CHAL_LEN);
	put_hdr(p, CHAP_CHALLENGE, a->id, len);
	p[4] = CHAL_LEN;
	memcpy(p + 5, a->challenge, CHAL_LEN);
	memcpy(p + 5 + CHAL_LEN, a->name, nlen);
	if (!keep(a, p, len))
		return;
	a->tries = 1;
	set_state(a, AUTH_ST_CHALLENGE_SENT);
	arm(a, a->conf.retry_ms);
	send_last(a);
}

/* Check a CHAP Response value against the secret; for MS-CHAPv2 also make
 * the authenticator response.  The secret never leaves this function. */
static bool server_verify_chap(struct ppp_auth *a, uint8_t id, const uint8_t *val,
			       const char *user, char auth_resp[MSV2_AUTH_RESP_LEN + 1])
{
	char secret[AUTH_SECRET_MAX], pbuf[64];
	uint8_t exp[24];
	bool ok = false;

	if (!a->lookup || a->lookup(a->lookup_arg, user, a->name, secret, sizeof(secret)) < 0) {
		alog(LOG_WARNING, a, "no secret for %s (server %s)", printable_str(user, pbuf),
		     a->name);
		return false;
	}
	secret[sizeof(secret) - 1] = '\0';
	if (a->method == AUTH_CHAP_MD5) {
		chap_md5_response(id, (const uint8_t *)secret, strlen(secret), a->challenge,
				  CHAL_LEN, exp);
		ok = memeql_sec(exp, val, MD5_VALUE_LEN);
	} else if (mschapv2_nt_response(a->challenge, val + MSV2_PEER_CHAL, user, secret, exp) <
		   0) {
		alog(LOG_WARNING, a, "secret of %s longer than 256 characters",
		     printable_str(user, pbuf));
	} else {
		ok = memeql_sec(exp, val + MSV2_NT_RESP, 24);
		if (ok && mschapv2_auth_response(secret, val + MSV2_NT_RESP, val + MSV2_PEER_CHAL,
						 a->challenge, user, auth_resp) < 0)
			ok = false;
	}
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(exp, sizeof(exp));
	return ok;
}

static void server_recv_response(struct ppp_auth *a, const uint8_t *p, size_t len)
{
	size_t want = a->method == AUTH_CHAP_MD5 ? MD5_VALUE_LEN : MSV2_VALUE_LEN;
	char user[AUTH_NAME_MAX], auth_resp[MSV2_AUTH_RESP_LEN + 1], pbuf[64];
	uint8_t id = p[1], out[AUTH_PKT_MAX];
	const uint8_t *val, *name;
	size_t vsize, nlen, mlen;
	bool ok, first;

	if (len < HDR_LEN + 1) {
		bad(a, "Response of %zu octets has no Value-Size", len);
		return;
	}
	vsize = p[4];
	if (vsize != want) {
		bad(a, "Response Value-Size %zu, expected %zu", vsize, want);
		return;
	}
	if (HDR_LEN + 1 + vsize > len) {
		bad(a, "Response Value-Size %zu beyond Length %zu", vsize, len);
		return;
	}
	val = p + HDR_LEN + 1;
	name = val + vsize;
	nlen = len - HDR_LEN - 1 - vsize;
	if (nlen >= AUTH_NAME_MAX || memchr(name, 0, nlen)) {
		bad(a, "Response Name of %zu octets (NUL or too long)", nlen);
		return;
	}

	switch (a->state) {
	case AUTH_ST_CHALLENGE_SENT:
		break;
	case AUTH_ST_OPEN:
	case AUTH_ST_FAILED:
		/* RFC 1994 4.1: our Success or Failure may have been lost; a
		 * Response with the current Identifier gets the same reply. */
		if (id == a->id && a->last_len) {
			alog(LOG_DEBUG, a, "repeated Response %u: %s again", id,
			     code_str(a, a->last[0]));
			send_last(a);
			return;
		}
		/* fall through */
	default:
		alog(LOG_DEBUG, a, "Response %u in state %s: discarded", id,
		     ppp_auth_state_str(a->state));
		return;
	}
	if (id != a->id) {
		alog(LOG_DEBUG, a, "Response %u to no current Challenge (%u): discarded", id,
		     a->id);
		return;
	}

	memcpy(user, name, nlen);
	user[nlen] = '\0';
	if (a->done_ok && strcmp(user, ppp_auth_user(a))) {
		/* A re-challenge answered under another name would swap the
		 * session's identity behind the owner's back. */
		char was[64];

		alog(LOG_WARNING, a, "re-challenge answered as %s, not %s",
		     printable(name, nlen, pbuf, sizeof(pbuf)),
		     printable_str(ppp_auth_user(a), was));
		ok = false;
	} else {
		if (a->method == AUTH_MSCHAPV2 && val[MSV2_FLAGS])
			alog(LOG_DEBUG, a, "Response Flags %#x (should be 0)", val[MSV2_FLAGS]);
		ok = server_verify_chap(a, id, val, user, auth_resp);
		if (ppp_auth_set_user(a, user) < 0) {
			fail(a);
			return;
		}
	}

	if (a->method == AUTH_CHAP_MD5) {
		/* Success without a message, as Cisco IOS sends it. */
		mlen = ok ? 0 : sizeof(MSG_DENIED) - 1;
		memcpy(out + HDR_LEN, MSG_DENIED, mlen);
	} else if (ok) {
		mlen = (size_t)snprintf((char *)out + HDR_LEN, sizeof(out) - HDR_LEN,
					"%s M=%s", auth_resp, MSG_GRANTED);
	} else {
		char chal[2 * CHAL_LEN + 1];

		/* RFC 2759 6: E=691 authentication failure, R=0 no retry. */
		hex_upper(a->challenge, CHAL_LEN, chal);
		mlen = (size_t)snprintf((char *)out + HDR_LEN, sizeof(out) - HDR_LEN,
					"E=691 R=0 C=%s V=3 M=%s", chal, MSG_DENIED);
	}
	put_hdr(out, ok ? CHAP_SUCCESS : CHAP_FAILURE, id, HDR_LEN + mlen);
	if (!keep(a, out, HDR_LEN + mlen))
		return;
	disarm(a);
	first = ok && !a->done_ok;
	if (ok) {
		a->done_ok = true;
		set_state(a, AUTH_ST_OPEN);
		if (a->conf.rechallenge_s)
			arm(a, (uint64_t)a->conf.rechallenge_s * 1000);
		alog(first ? LOG_INFO : LOG_DEBUG, a, "%s authenticated%s",
		     printable(name, nlen, pbuf, sizeof(pbuf)), first ? "" : " again");
	} else {
		set_state(a, AUTH_ST_FAILED);
		alog(LOG_WARNING, a, "%s failed to authenticate",
		     printable(name, nlen, pbuf, sizeof(pbuf)));
	}
	send_last(a);
	if (!ok || first)
		report(a, ok);
}

static void server_recv_auth_req(struct ppp_auth *a, const uint8_t *p, size_t len)
{
	char secret[AUTH_SECRET_MAX], pbuf[64];
	const uint8_t *peer, *pw;
	size_t ulen, plen, mlen;
	const char *msg;
	bool ok;

	if (len < HDR_LEN + 1) {
		bad(a, "Authenticate-Request of %zu octets has no Peer-ID-Length", len);
		return;
	}
	ulen = p[4];
	if (HDR_LEN + 1 + ulen + 1 > len) {
		bad(a, "Peer-ID-Length %zu beyond Length %zu", ulen, len);
		return;
	}
	peer = p + HDR_LEN + 1;
	plen = peer[ulen];
	pw = peer + ulen + 1;
	if (HDR_LEN + 2 + ulen + plen > len) {
		bad(a, "Passwd-Length %zu beyond Length %zu", plen, len);
		return;
	}
	if (memchr(peer, 0, ulen)) {
		bad(a, "Peer-ID with a NUL");
		return;
	}

	switch (a->state) {
	case AUTH_ST_WAIT_REQUEST:
		break;
	case AUTH_ST_OPEN:
	case AUTH_ST_FAILED:
		/* Our Ack or Nak was lost: the same answer, to this request. */
		if (a->last_len) {
			alog(LOG_DEBUG, a, "repeated Authenticate-Request %u: %s again", p[1],
			     code_str(a, a->last[0]));
			a->last[1] = p[1];
			send_last(a);
			return;
		}
		/* fall through */
	default:
		alog(LOG_DEBUG, a, "Authenticate-Request in state %s: discarded",
		     ppp_auth_state_str(a->state));
		return;
	}

	{
		char user[AUTH_NAME_MAX];

		memcpy(user, peer, ulen);	/* ulen < 256: one octet */
		user[ulen] = '\0';
		if (ppp_auth_set_user(a, user) < 0) {
			fail(a);
			return;
		}
	}
	if (!a->lookup ||
	    a->lookup(a->lookup_arg, ppp_auth_user(a), a->name, secret, sizeof(secret)) < 0) {
		alog(LOG_WARNING, a, "no secret for %s (server %s)",
		     printable(peer, ulen, pbuf, sizeof(pbuf)), a->name);
		ok = false;
	} else {
		secret[sizeof(secret) - 1] = '\0';
		/* An empty secret matches only an empty password (pppd would
		 * take any password without its `login` option). */
		ok = strlen(secret) == plen && memeql_sec(secret, pw, plen);
	}
	explicit_bzero(secret, sizeof(secret));

	msg = ok ? MSG_PAP_ACK : MSG_PAP_NAK;
	mlen = strlen(msg);
	{
		uint8_t out[HDR_LEN + 1 + sizeof(MSG_PAP_NAK)];

		put_hdr(out, ok ? PAP_AUTH_ACK : PAP_AUTH_NAK, p[1], HDR_LEN + 1 + mlen);
		out[HDR_LEN] = (uint8_t)mlen;
		memcpy(out + HDR_LEN + 1, msg, mlen);
		if (!keep(a, out, HDR_LEN + 1 + mlen))
			return;
	}
	disarm(a);
	if (ok) {
		a->done_ok = true;
		set_state(a, AUTH_ST_OPEN);
		alog(LOG_INFO, a, "%s authenticated", printable(peer, ulen, pbuf, sizeof(pbuf)));
	} else {
		set_state(a, AUTH_ST_FAILED);
		alog(LOG_WARNING, a, "%s failed to authenticate",
		     printable(peer, ulen, pbuf, sizeof(pbuf)));
	}
	send_last(a);
	report(a, ok);
}

/* ---- peer ---------------------------------------------------------------- */

static void client_recv_challenge(struct ppp_auth *a, const uint8_t *p, size_t len)
{
	size_t vsize, ulen = strlen(ppp_auth_user(a)), rlen;
	uint8_t id = p[1], out[AUTH_PKT_MAX];
	const uint8_t *chal;
	char pbuf[64];

	if (len < HDR_LEN + 1) {
		bad(a, "Challenge of %zu octets has no Value-Size", len);
		return;
	}
	vsize = p[4];
	if (vsize == 0 || (a->method == AUTH_MSCHAPV2 && vsize != CHAL_LEN)) {
		bad(a, "Challenge Value-Size %zu", vsize);
		return;
	}
	if (HDR_LEN + 1 + vsize > len) {
		bad(a, "Challenge Value-Size %zu beyond Length %zu", vsize, len);
		return;
	}
	chal = p + HDR_LEN + 1;

	switch (a->state) {
	case AUTH_ST_WAIT_CHALLENGE:
		break;
	case AUTH_ST_RESPONSE_SENT:
	case AUTH_ST_OPEN:
		/* A retransmitted Challenge, maybe arriving after the
		 * Success: the same Response.  A new MS-CHAPv2 Peer-Challenge
		 * would not match the Success the authenticator repeats for
		 * this id (CHAP-MD5 computes the same Response anyway). */
		if (id == a->id && a->method == AUTH_MSCHAPV2 &&
		    !memcmp(chal, a->challenge, CHAL_LEN)) {
			alog(LOG_DEBUG, a, "repeated Challenge %u: same Response", id);
			send_last(a);
			return;
		}
		break;
	default:
		alog(LOG_DEBUG, a, "Challenge in state %s: discarded",
		     ppp_auth_state_str(a->state));
		return;
	}
	alog(LOG_DEBUG, a, "Challenge %u from %s", id,
	     printable(chal + vsize, len - HDR_LEN - 1 - vsize, pbuf, sizeof(pbuf)));

	a->id = id;
	if (a->method == AUTH_CHAP_MD5) {
		rlen = MD5_VALUE_LEN;
		chap_md5_response(id, (const uint8_t *)a->password, strlen(a->password), chal,
				  vsize, out + HDR_LEN + 1);
	} else {
		uint8_t *val = out + HDR_LEN + 1;

		rlen = MSV2_VALUE_LEN;
		memcpy(a->challenge, chal, CHAL_LEN);
		sys_random(val + MSV2_PEER_CHAL, 16);
		memset(val + 16, 0, 8);	/* Reserved */
		if (mschapv2_nt_response(a->challenge, val + MSV2_PEER_CHAL, ppp_auth_user(a),
					 a->password, val + MSV2_NT_RESP) < 0) {
			alog(LOG_WARNING, a, "password longer than 256 characters");
			fail(a);
			return;
		}
		val[MSV2_FLAGS] = 0;
	}
	out[HDR_LEN] = (uint8_t)rlen;
	memcpy(out + HDR_LEN + 1 + rlen, ppp_auth_user(a), ulen);
	put_hdr(out, CHAP_RESPONSE, id, HDR_LEN + 1 + rlen + ulen);
	if (!keep(a, out, HDR_LEN + 1 + rlen + ulen))
		return;
	a->tries = 1;
	set_state(a, AUTH_ST_RESPONSE_SENT);
	arm(a, a->conf.retry_ms);
	send_last(a);
}

/* Success or Failure, to the Response we sent. */
static void client_recv_verdict(struct ppp_auth *a, const uint8_t *p, size_t len)
{
	const uint8_t *msg = p + HDR_LEN;
	size_t mlen = len - HDR_LEN;
	bool ok = p[0] == (a->method == AUTH_PAP ? PAP_AUTH_ACK : CHAP_SUCCESS), first;
	char pbuf[128];

	if (a->method == AUTH_PAP) {
		/* Msg-Length may be missing altogether (as pppd accepts). */
		if (mlen >= 1) {
			if ((size_t)msg[0] + 1 > mlen) {
				bad(a, "Msg-Length %u beyond Length %zu", msg[0], len);
				return;
			}
			mlen = msg[0];
			msg++;
		}
	}
	if (a->state != (a->method == AUTH_PAP ? AUTH_ST_REQUEST_SENT : AUTH_ST_RESPONSE_SENT) ||
	    p[1] != a->id) {
		alog(LOG_DEBUG, a, "%s %u in state %s (id %u): discarded", code_str(a, p[0]), p[1],
		     ppp_auth_state_str(a->state), a->id);
		return;
	}
	printable(msg, mlen, pbuf, sizeof(pbuf));

	if (ok && a->method == AUTH_MSCHAPV2) {
		const uint8_t *val = a->last + HDR_LEN + 1;	/* our Response */
		char exp[MSV2_AUTH_RESP_LEN + 1];

		/* RFC 2759 5: "S=<auth_string> M=<message>"; pppd also takes
		 * a bare "S=<auth_string>" (MikroTik sends that). */
		if (mschapv2_auth_response(a->password, val + MSV2_NT_RESP, val + MSV2_PEER_CHAL,
					   a->challenge, ppp_auth_user(a), exp) < 0 ||
		    mlen < MSV2_AUTH_RESP_LEN || memcmp(msg, "S=", 2) ||
		    strncasecmp((const char *)msg + 2, exp + 2, MSV2_AUTH_RESP_LEN - 2) ||
		    (mlen > MSV2_AUTH_RESP_LEN && msg[MSV2_AUTH_RESP_LEN] != ' ')) {
			alog(LOG_WARNING, a,
			     "authenticator response does not verify (\"%s\"): "
			     "refusing the authenticator",
			     pbuf);
			fail(a);
			return;
		}
	}
	if (!ok) {
		alog(LOG_WARNING, a, "authentication as %s refused: \"%s\"", ppp_auth_user(a),
		     pbuf);
		fail(a);
		return;
	}
	disarm(a);
	first = !a->done_ok;
	a->done_ok = true;
	set_state(a, AUTH_ST_OPEN);
	alog(first ? LOG_INFO : LOG_DEBUG, a, "authenticated as %s%s: \"%s\"", ppp_auth_user(a),
	     first ? "" : " again", pbuf);
	if (first)
		report(a, true);
}

static void client_send_auth_req(struct ppp_auth *a)
{
	size_t ulen = strlen(ppp_auth_user(a)), plen = strlen(a->password);
	size_t len = HDR_LEN + 2 + ulen + plen;
	uint8_t p[AUTH_PKT_MAX];
	bool kept;

	a->id++;
	put_hdr(p, PAP_AUTH_REQ, a->id, len);
	p[4] = (uint8_t)ulen;
	memcpy(p + 5, ppp_auth_user(a), ulen);
	p[5 + ulen] = (uint8_t)plen;
	memcpy(p + 6 + ulen, a->password, plen);
	kept = keep(a, p, len);
	explicit_bzero(p, len);
	if (!kept)
		return;
	a->tries = 1;
	set_state(a, AUTH_ST_REQUEST_SENT);
	arm(a, a->conf.retry_ms);
	send_last(a);
}

/* ---- timer, input, life cycle -------------------------------------------- */

static void auth_timeout(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct ppp_auth *a = arg;
	char pbuf[64];

	switch (a->state) {
	case AUTH_ST_CHALLENGE_SENT:
	case AUTH_ST_REQUEST_SENT:
	case AUTH_ST_RESPONSE_SENT:
		if (a->tries >= a->conf.max_tries) {
			alog(LOG_WARNING, a, "no answer to %u %ss: giving up", a->tries,
			     code_str(a, a->last[0]));
			fail(a);
			return;
		}
		a->tries++;
		alog(LOG_DEBUG, a, "%s %u again (%u/%u)", code_str(a, a->last[0]), a->id,
		     a->tries, a->conf.max_tries);
		arm(a, a->conf.retry_ms);
		send_last(a);
		break;
	case AUTH_ST_WAIT_REQUEST:
		alog(LOG_WARNING, a, "no Authenticate-Request in %llu ms: giving up",
		     (unsigned long long)a->conf.retry_ms * a->conf.max_tries);
		fail(a);
		break;
	case AUTH_ST_OPEN:
		if (a->server && a->method != AUTH_PAP) {
			alog(LOG_DEBUG, a, "re-challenging %s",
			     printable_str(ppp_auth_user(a), pbuf));
			server_send_challenge(a);
		}
		break;
	default:
		break;
	}
}

void ppp_auth_input(struct ppp_auth *a, uint16_t proto, const uint8_t *pkt, size_t len)
{
	size_t plen;
	uint8_t code;

	if (a->state == AUTH_ST_INITIAL) {
		log_debug("auth: protocol %#06x packet before start: discarded", proto);
		return;
	}
	if (proto != auth_proto(a)) {
		alog(LOG_DEBUG, a, "protocol %#06x packet: discarded", proto);
		return;
	}
	if (!pkt || len < HDR_LEN) {
		bad(a, "%zu octets, less than a header", len);
		return;
	}
	plen = rd16(pkt + 2);
	if (plen < HDR_LEN || plen > len) {
		bad(a, "Length %zu, %zu octets received", plen, len);
		return;
	}
	len = plen;	/* octets beyond Length are link padding */
	code = pkt[0];

	if (a->server) {
		if (a->method == AUTH_PAP && code == PAP_AUTH_REQ)
			server_recv_auth_req(a, pkt, len);
		else if (a->method != AUTH_PAP && code == CHAP_RESPONSE)
			server_recv_response(a, pkt, len);
		else
			alog(LOG_DEBUG, a, "%s (code %u) in state %s: discarded",
			     code_str(a, code), code, ppp_auth_state_str(a->state));
		return;
	}
	if (a->method == AUTH_PAP && (code == PAP_AUTH_ACK || code == PAP_AUTH_NAK))
		client_recv_verdict(a, pkt, len);
	else if (a->method != AUTH_PAP && code == CHAP_CHALLENGE)
		client_recv_challenge(a, pkt, len);
	else if (a->method != AUTH_PAP && (code == CHAP_SUCCESS || code == CHAP_FAILURE))
		client_recv_verdict(a, pkt, len);
	else
		alog(LOG_DEBUG, a, "%s (code %u) in state %s: discarded", code_str(a, code), code,
		     ppp_auth_state_str(a->state));
}

void ppp_auth_init(struct ppp_auth *a, const struct ppp_auth_cb *cb,
		   const struct ppp_auth_conf *conf, struct ev_loop *loop, void *arg)
{
	memset(a, 0, sizeof(*a));
	a->cb = cb;
	a->loop = loop;
	a->arg = arg;
	if (conf)
		a->conf = *conf;
	if (!a->conf.retry_ms)
		a->conf.retry_ms = DEFAULT_RETRY_MS;
	if (!a->conf.max_tries)
		a->conf.max_tries = DEFAULT_MAX_TRIES;
	ev_timer_init(&a->timer, auth_timeout, a);
	a->state = AUTH_ST_INITIAL;
}

void ppp_auth_stop(struct ppp_auth *a)
{
	disarm(a);
	a->password = NULL;
	explicit_bzero(a->challenge, sizeof(a->challenge));
	forget_last(a);
	a->state = AUTH_ST_INITIAL;
}

void ppp_auth_fini(struct ppp_auth *a)
{
	ppp_auth_stop(a);
	free(a->user);
	a->user = NULL;
}

const char *ppp_auth_user(const struct ppp_auth *a)
{
	return a->user ? a->user : "";
}

int ppp_auth_set_user(struct ppp_auth *a, const char *user)
{
	size_t n = user ? strlen(user) : 0;
	char *u;

	if (n >= AUTH_NAME_MAX) {
		alog(LOG_WARNING, a, "user name longer than %d octets", AUTH_NAME_MAX - 1);
		return -1;
	}
	if (a->user && !strcmp(a->user, user ? user : ""))
		return 0;
	u = n ? strdup(user) : NULL;
	if (n && !u) {
		alog(LOG_ERR, a, "out of memory for a user name: free memory, or lower the "
				 "number of calls");
		return -1;
	}
	free(a->user);
	a->user = u;
	return 0;
}

/* Common to both starts: forget the previous run. */
static void reset(struct ppp_auth *a, bool server, enum ppp_auth_method m)
{
	disarm(a);
	a->server = server;
	a->method = m;
	a->state = AUTH_ST_INITIAL;
	free(a->user);
	a->user = NULL;
	a->password = NULL;
	a->done_ok = false;
	a->tries = 0;
	forget_last(a);
	sys_random(&a->id, 1);
}

void ppp_auth_start_server(struct ppp_auth *a, enum ppp_auth_method m, const char *our_name,
			   ppp_auth_lookup_fn lookup, void *lookup_arg)
{
	reset(a, true, m);
	a->lookup = lookup;
	a->lookup_arg = lookup_arg;
	a->name = our_name ? our_name : "";
	if (strlen(a->name) >= AUTH_NAME_MAX) {
		alog(LOG_WARNING, a, "our name is longer than %d octets", AUTH_NAME_MAX - 1);
		fail(a);
		return;
	}
	switch (m) {
	case AUTH_PAP:
		set_state(a, AUTH_ST_WAIT_REQUEST);
		arm(a, (uint64_t)a->conf.retry_ms * a->conf.max_tries);
		break;
	case AUTH_CHAP_MD5:
	case AUTH_MSCHAPV2:
		server_send_challenge(a);
		break;
	default:
		alog(LOG_WARNING, a, "not an authentication protocol");
		fail(a);
		break;
	}
}

void ppp_auth_start_client(struct ppp_auth *a, enum ppp_auth_method m, const char *user,
			   const char *password)
{
	reset(a, false, m);
	a->password = password ? password : "";
	if (strlen(a->password) >= AUTH_SECRET_MAX || ppp_auth_set_user(a, user) < 0) {
		alog(LOG_WARNING, a, "user name or password longer than 255 octets");
		fail(a);
		return;
	}
	switch (m) {
	case AUTH_PAP:
		if (HDR_LEN + 2 + strlen(ppp_auth_user(a)) + strlen(a->password) > AUTH_PKT_MAX) {
			alog(LOG_WARNING, a, "user name and password too long for one request");
			fail(a);
			return;
		}
		client_send_auth_req(a);
		break;
	case AUTH_CHAP_MD5:
	case AUTH_MSCHAPV2:
		set_state(a, AUTH_ST_WAIT_CHALLENGE);
		break;
	default:
		alog(LOG_WARNING, a, "not an authentication protocol");
		fail(a);
		break;
	}
}
