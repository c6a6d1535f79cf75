// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/ppp_auth.c: the CHAP-MD5 and MS-CHAPv2 primitives
 * against ../shared/testdata/vectors.json (RFC 2759 9.2 and 9.3, the
 * MikroTik MS-CHAPv2 and Cisco CHAP-MD5 captures, constructed CHAP-MD5),
 * and the PAP, CHAP-MD5 and MS-CHAPv2 authenticator and peer wired back to
 * back under a fake clock: success, wrong secrets, retransmission, give-up,
 * lost verdicts, re-challenge, mutual authentication, malformed packets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "event.h"
#include "log.h"
#include "ppp_auth.h"
#include "vectors.h"

/* ---- test data ----------------------------------------------------------- */

static int group_setup(void **state)
{
	/* Malformed input is logged by design; L2TPX_TEST_LOG=1 shows it. */
	log_set_level(getenv("L2TPX_TEST_LOG") ? LOG_DEBUG : LOG_CRIT);
	return vectors_load();
}

static int group_teardown(void **state)
{
	vectors_free();
	return 0;
}

/* ---- fixture: two ends, a wire, a fake clock ------------------------------ */

#define MAX_PKT 600
#define LOG_MAX 128

struct sent {
	uint16_t proto;
	size_t len;
	uint8_t data[MAX_PKT];
};

struct side {
	struct ppp_auth a;
	struct side *peer;
	/* what it sent, in order */
	struct sent log[LOG_MAX];
	unsigned int nsent;
	/* done() */
	int ndone;
	bool ok;
	char done_user[AUTH_NAME_MAX];
	unsigned int done_at_sent;	/* nsent when done() came */
	/* the wire from this side: drop the next `drop` packets, or all */
	unsigned int drop;
	bool cut;
	/* rewrite a packet in flight; return false to drop it */
	bool (*mangle)(struct side *from, uint8_t *pkt, size_t *len);
};

static struct side srv, cli;
static struct ev_loop *loop;
static uint64_t clk;

struct pkt {
	struct side *to;
	uint16_t proto;
	size_t len;
	uint8_t data[MAX_PKT];
};

#define QLEN 64
static struct pkt queue[QLEN];
static unsigned int qhead, qtail;

static uint64_t fake_now(void *arg)
{
	return clk;
}

static void on_send(struct ppp_auth *a, uint16_t proto, const uint8_t *p, size_t len)
{
	struct side *s = a->arg;
	struct pkt *q;
	struct sent *l = &s->log[s->nsent++ % LOG_MAX];	/* a ring, for the fuzzer */

	assert_true(len <= MAX_PKT);
	l->proto = proto;
	l->len = len;
	memcpy(l->data, p, len);
	if (s->cut || !s->peer)
		return;
	if (s->drop) {
		s->drop--;
		return;
	}
	assert_true(qtail - qhead < QLEN);
	q = &queue[qtail++ % QLEN];
	q->to = s->peer;
	q->proto = proto;
	q->len = len;
	memcpy(q->data, p, len);
	if (s->mangle && !s->mangle(s, q->data, &q->len))
		qtail--;
}

static void on_done(struct ppp_auth *a, bool ok, const char *user)
{
	struct side *s = a->arg;

	s->ndone++;
	s->ok = ok;
	s->done_at_sent = s->nsent;
	snprintf(s->done_user, sizeof(s->done_user), "%s", user);
}

static const struct ppp_auth_cb cbs = { .send = on_send, .done = on_done };

/* Hand a packet to a side as an exact-size heap copy, so that valgrind sees
 * any read past its end. */
static void inject(struct side *to, uint16_t proto, const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	ppp_auth_input(&to->a, proto, len ? copy : NULL, len);
	free(copy);
}

/* Deliver the oldest packet in flight. */
static void step(void)
{
	struct pkt p;

	assert_true(qhead != qtail);
	p = queue[qhead++ % QLEN];
	inject(p.to, p.proto, p.data, p.len);
}

static void drop_queue(void)
{
	qhead = qtail;
}

/* Deliver everything in flight, and what that provokes. */
static void pump(void)
{
	struct pkt p;
	int n = 0;

	while (qhead != qtail) {
		p = queue[qhead++ % QLEN];
		inject(p.to, p.proto, p.data, p.len);
		assert_true(++n < 1000);
	}
}

static void advance(uint64_t ms)
{
	clk += ms;
	ev_run_timers(loop);
	pump();
}

/* The secrets the authenticator knows: (client, server) -> secret. */
static const struct cred {
	const char *client, *server, *secret;
} creds[] = {
	{ "alice", "lns", "alice-secret" },
	{ "bob", "lns", "bob secret" },
	{ "CUSTOMER", "Server", "CISCO" },
	{ "l2tp", "MikroTik", "l2tp" },
	{ "empty", "lns", "" },
	{ "DOM\\carol", "lns", "carol-secret" },
	{ "carol", "lns", "not-this-one" },
	{ "\xc3\xa9milie", "lns", "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac \xf0\x9f\x94\x91" },
};
static int nlookups;

static int lookup(void *arg, const char *client, const char *server, char *secret, size_t cap)
{
	size_t i;

	assert_ptr_equal(arg, &srv);
	nlookups++;
	for (i = 0; i < sizeof(creds) / sizeof(creds[0]); i++) {
		if (!strcmp(creds[i].client, client) && !strcmp(creds[i].server, server)) {
			assert_true(strlen(creds[i].secret) < cap);
			strcpy(secret, creds[i].secret);
			return 0;
		}
	}
	return -1;
}

static const struct ppp_auth_conf conf = { .retry_ms = 3000, .max_tries = 10 };

static void fixture(const struct ppp_auth_conf *c)
{
	if (loop)
		ev_loop_free(loop);
	loop = ev_loop_new();
	assert_non_null(loop);
	ev_set_clock(loop, fake_now, NULL);
	clk = 1000000;
	memset(&srv, 0, sizeof(srv));
	memset(&cli, 0, sizeof(cli));
	qhead = qtail = 0;
	nlookups = 0;
	ppp_auth_init(&srv.a, &cbs, c, loop, &srv);
	ppp_auth_init(&cli.a, &cbs, c, loop, &cli);
	srv.peer = &cli;
	cli.peer = &srv;
}

static int teardown(void **state)
{
	if (!loop)
		return 0;
	ppp_auth_fini(&srv.a);
	ppp_auth_fini(&cli.a);
	if (loop)
		ev_loop_free(loop);
	loop = NULL;
	return 0;
}

/* Both ends started, nothing delivered yet. */
static void pair(enum ppp_auth_method m, const struct ppp_auth_conf *c, const char *user,
		 const char *password)
{
	fixture(c);
	ppp_auth_start_client(&cli.a, m, user, password);
	ppp_auth_start_server(&srv.a, m, "lns", lookup, &srv);
}

static const enum ppp_auth_method methods[] = { AUTH_PAP, AUTH_CHAP_MD5, AUTH_MSCHAPV2 };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static uint16_t proto_of(enum ppp_auth_method m)
{
	return m == AUTH_PAP ? PPP_PROTO_PAP : PPP_PROTO_CHAP;
}

/* The side that speaks first and retransmits: the PAP peer, the CHAP
 * authenticator. */
static struct side *initiator(enum ppp_auth_method m)
{
	return m == AUTH_PAP ? &cli : &srv;
}

static const struct sent *last_sent(const struct side *s)
{
	assert_true(s->nsent > 0);
	return &s->log[(s->nsent - 1) % LOG_MAX];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The message of a CHAP Success/Failure or PAP Ack/Nak, NUL-terminated. */
static const char *verdict_msg(enum ppp_auth_method m, const struct sent *s, char *buf,
			       size_t cap)
{
	size_t off = m == AUTH_PAP ? 5 : 4, n;

	assert_true(s->len >= off);
	n = s->len - off;
	if (m == AUTH_PAP)
		assert_int_equal(s->data[4], n);
	assert_true(n < cap);
	memcpy(buf, s->data + off, n);
	buf[n] = '\0';
	return buf;
}

#define check(c, m)                                                                      \
	do {                                                                             \
		if (!(c))                                                                \
			fail_msg("%s: %s (line %d)", ppp_auth_method_str(m), #c, __LINE__); \
	} while (0)

/* ---- primitives against the vectors --------------------------------------- */

static void test_mschapv2_rfc2759(void **state)
{
	json_object *e = vec("mschapv2_rfc2759_9_2");
	uint8_t ac[16], pc[16], want[24], nt[24], k7[7], k8[8], want8[8];
	char auth[43];

	vhex(e, "authenticator_challenge", ac, sizeof(ac));
	vhex(e, "peer_challenge", pc, sizeof(pc));
	vhex(e, "nt_response", want, sizeof(want));
	assert_int_equal(mschapv2_nt_response(ac, pc, vstr(e, "username"), vstr(e, "password"), nt),
			 0);
	assert_memory_equal(nt, want, 24);
	assert_int_equal(mschapv2_auth_response(vstr(e, "password"), nt, pc, ac,
						vstr(e, "username"), auth),
			 0);
	assert_string_equal(auth, vstr(e, "authenticator_response"));
	assert_string_equal(auth, "S=407A5589115FD0D6209F510FE9C04566932CDA56");

	/* 8.2: a "DOMAIN\" prefix is not part of the challenge hash */
	assert_int_equal(mschapv2_nt_response(ac, pc, "EXAMPLE\\User", "clientPass", nt), 0);
	assert_memory_equal(nt, want, 24);
	assert_int_equal(mschapv2_nt_response(ac, pc, "user", "clientPass", nt), 0);
	assert_memory_not_equal(nt, want, 24);

	/* 9.3: the DES key expansion with odd parity */
	e = vec("mschapv2_rfc2759_9_3_des_key");
	vhex(e, "key_7_octets", k7, sizeof(k7));
	vhex(e, "des_key_8_octets_with_odd_parity", want8, sizeof(want8));
	mschapv2_des_key(k7, k8);
	assert_memory_equal(k8, want8, 8);
}

static void test_mschapv2_mikrotik_primitives(void **state)
{
	json_object *e = vec("mschapv2_capture_mikrotik_l2tp");
	uint8_t ac[16], pc[16], want[24], nt[24];
	char auth[43];

	vhex(e, "authenticator_challenge", ac, sizeof(ac));
	vhex(e, "peer_challenge", pc, sizeof(pc));
	vhex(e, "nt_response", want, sizeof(want));
	assert_string_equal(vstr(e, "password"), "l2tp");
	assert_int_equal(mschapv2_nt_response(ac, pc, vstr(e, "username"), "l2tp", nt), 0);
	assert_memory_equal(nt, want, 24);
	assert_int_equal(mschapv2_auth_response("l2tp", nt, pc, ac, vstr(e, "username"), auth), 0);
	assert_string_equal(auth, vstr(e, "authenticator_response"));
	assert_string_equal(auth, "S=CBE163D925FB11353064BC473055B82EB08BFBBB");
}

/* UTF-8 is decoded before UTF-16LE: "é" as UTF-8 and as Latin-1 are the
 * same character; more than 256 UTF-16 units is refused. */
static void test_mschapv2_password_encoding(void **state)
{
	uint8_t ac[16] = { 1 }, pc[16] = { 2 }, a[24], b[24];
	char longpw[300], auth[43];

	assert_int_equal(mschapv2_nt_response(ac, pc, "u", "caf\xc3\xa9", a), 0);
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", "caf\xe9", b), 0);
	assert_memory_equal(a, b, 24);
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", "cafe", b), 0);
	assert_memory_not_equal(a, b, 24);
	/* a 4-octet sequence is a surrogate pair, not two Latin-1 guesses */
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", "\xf0\x9f\x94\x91", a), 0);
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", "\xf0\x9f\x94", b), 0);
	assert_memory_not_equal(a, b, 24);

	memset(longpw, 'x', 256);
	longpw[256] = '\0';
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", longpw, a), 0);
	longpw[256] = 'x';
	longpw[257] = '\0';
	assert_int_equal(mschapv2_nt_response(ac, pc, "u", longpw, a), -1);
	assert_int_equal(mschapv2_auth_response(longpw, a, pc, ac, "u", auth), -1);
}

static void test_chap_md5_vectors(void **state)
{
	static const char *const ids[] = { "chap_md5_constructed_1", "chap_md5_constructed_2",
					   "chap_md5_constructed_3",
					   "chap_md5_capture_cisco_pppoe" };
	uint8_t chal[64], want[16], got[16];
	const char *secret;
	json_object *e;
	size_t i, clen;

	for (i = 0; i < 4; i++) {
		e = vec(ids[i]);
		secret = vstr(e, "secret");
		clen = vhex(e, "challenge", chal, sizeof(chal));
		vhex(e, "response", want, sizeof(want));
		chap_md5_response((uint8_t)vint(e, "identifier"), (const uint8_t *)secret,
				  strlen(secret), chal, clen, got);
		if (memcmp(got, want, 16))
			fail_msg("%s: CHAP-MD5 response differs", ids[i]);
	}
	assert_string_equal(vstr(vec("chap_md5_capture_cisco_pppoe"), "secret"), "CISCO");
}

/* ---- the automata against the vectors' packets ----------------------------- */

/* The CHAP-MD5 peer answers a Challenge with exactly the vectors' Response
 * packets (Name "peer"). */
static void test_md5_client_vector_packets(void **state)
{
	static const char *const ids[] = { "chap_md5_constructed_1", "chap_md5_constructed_2",
					   "chap_md5_constructed_3" };
	uint8_t pkt[128], want[128];
	size_t i, clen, wlen;
	json_object *e;

	for (i = 0; i < 3; i++) {
		e = vec(ids[i]);
		fixture(&conf);
		cli.peer = NULL;
		ppp_auth_start_client(&cli.a, AUTH_CHAP_MD5, "peer", vstr(e, "secret"));
		clen = vhex(e, "challenge", pkt + 5, sizeof(pkt) - 16);
		memcpy(pkt + 5 + clen, "lns", 3);
		pkt[0] = 1;
		pkt[1] = (uint8_t)vint(e, "identifier");
		pkt[2] = 0;
		pkt[3] = (uint8_t)(5 + clen + 3);
		pkt[4] = (uint8_t)clen;
		inject(&cli, PPP_PROTO_CHAP, pkt, 5 + clen + 3);
		wlen = vhex(e, "example_response_packet_hex", want, sizeof(want));
		assert_int_equal(cli.nsent, 1);
		assert_int_equal(cli.log[0].proto, PPP_PROTO_CHAP);
		assert_int_equal(cli.log[0].len, wlen);
		if (memcmp(cli.log[0].data, want, wlen))
			fail_msg("%s: Response packet differs", ids[i]);
		assert_int_equal(cli.a.state, AUTH_ST_RESPONSE_SENT);
		teardown(NULL);
	}
}

/* Cisco IOS: our peer (CUSTOMER/CISCO) sends the very Response IOS sent,
 * and takes IOS's bare Success; our authenticator ("Server") takes IOS's
 * Response and sends IOS's Success, byte for byte. */
static void test_md5_cisco_capture(void **state)
{
	json_object *e = vec("chap_md5_capture_cisco_pppoe");
	uint8_t chal_pkt[64], resp_pkt[64], succ_pkt[16], chal[16];
	size_t clen, rlen, slen;

	clen = vhex(e, "chap_challenge_packet_hex", chal_pkt, sizeof(chal_pkt));
	rlen = vhex(e, "chap_response_packet_hex", resp_pkt, sizeof(resp_pkt));
	slen = vhex(e, "chap_success_packet_hex", succ_pkt, sizeof(succ_pkt));

	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_CHAP_MD5, vstr(e, "peer_name"), vstr(e, "secret"));
	inject(&cli, PPP_PROTO_CHAP, chal_pkt, clen);
	assert_int_equal(cli.nsent, 1);
	assert_int_equal(cli.log[0].len, rlen);
	assert_memory_equal(cli.log[0].data, resp_pkt, rlen);
	inject(&cli, PPP_PROTO_CHAP, succ_pkt, slen);
	assert_int_equal(cli.ndone, 1);
	assert_true(cli.ok);
	assert_int_equal(cli.a.state, AUTH_ST_OPEN);
	assert_int_equal(ev_timer_count(loop), 0);
	teardown(NULL);

	fixture(&conf);
	srv.peer = NULL;
	ppp_auth_start_server(&srv.a, AUTH_CHAP_MD5, vstr(e, "authenticator_name"), lookup, &srv);
	/* our Challenge goes out with our own random value: replay IOS's */
	vhex(e, "challenge", chal, sizeof(chal));
	memcpy(srv.a.challenge, chal, 16);
	srv.a.id = (uint8_t)vint(e, "identifier");
	inject(&srv, PPP_PROTO_CHAP, resp_pkt, rlen);
	assert_int_equal(srv.nsent, 2);
	assert_int_equal(srv.log[1].len, slen);
	assert_memory_equal(srv.log[1].data, succ_pkt, slen);
	assert_int_equal(srv.ndone, 1);
	assert_true(srv.ok);
	assert_string_equal(srv.done_user, "CUSTOMER");
	teardown(NULL);
}

static void test_mschapv2_mikrotik_server(void **state)
{
	json_object *e = vec("mschapv2_capture_mikrotik_l2tp");
	uint8_t resp_pkt[128], succ_pkt[128], chal[16];
	size_t rlen, slen;
	char msg[128];

	rlen = vhex(e, "chap_response_packet_hex", resp_pkt, sizeof(resp_pkt));
	slen = vhex(e, "chap_success_packet_hex", succ_pkt, sizeof(succ_pkt));
	fixture(&conf);
	srv.peer = NULL;
	ppp_auth_start_server(&srv.a, AUTH_MSCHAPV2, vstr(e, "authenticator_name"), lookup, &srv);
	vhex(e, "authenticator_challenge", chal, sizeof(chal));
	memcpy(srv.a.challenge, chal, 16);
	srv.a.id = (uint8_t)vint(e, "chap_identifier");
	inject(&srv, PPP_PROTO_CHAP, resp_pkt, rlen);
	assert_int_equal(srv.nsent, 2);
	assert_int_equal(srv.ndone, 1);
	assert_true(srv.ok);
	assert_string_equal(srv.done_user, "l2tp");
	/* MikroTik's Success is the bare "S=..."; ours adds " M=..." */
	assert_int_equal(srv.log[1].data[0], 3);
	assert_int_equal(srv.log[1].data[1], 1);
	assert_int_equal(be16(srv.log[1].data + 2), srv.log[1].len);
	assert_memory_equal(srv.log[1].data + 4, succ_pkt + 4, slen - 4);
	assert_string_equal(verdict_msg(AUTH_MSCHAPV2, &srv.log[1], msg, sizeof(msg)),
			    "S=CBE163D925FB11353064BC473055B82EB08BFBBB M=Access granted");
	teardown(NULL);
}

static void test_mschapv2_mikrotik_client(void **state)
{
	json_object *e = vec("mschapv2_capture_mikrotik_l2tp");
	uint8_t chal_pkt[64], resp_pkt[128], succ_pkt[128], nt[24];
	size_t clen, rlen, slen;
	const uint8_t *r;

	clen = vhex(e, "chap_challenge_packet_hex", chal_pkt, sizeof(chal_pkt));
	rlen = vhex(e, "chap_response_packet_hex", resp_pkt, sizeof(resp_pkt));
	slen = vhex(e, "chap_success_packet_hex", succ_pkt, sizeof(succ_pkt));

	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_MSCHAPV2, "l2tp", "l2tp");
	inject(&cli, PPP_PROTO_CHAP, chal_pkt, clen);
	assert_int_equal(cli.nsent, 1);
	r = cli.log[0].data;
	/* the capture's layout: same length, id, Value-Size, Name */
	assert_int_equal(cli.log[0].len, rlen);
	assert_memory_equal(r, resp_pkt, 5);
	assert_memory_equal(r + 5 + 16, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(r[5 + 48], 0);
	assert_memory_equal(r + 54, "l2tp", 4);
	/* a fresh Peer-Challenge, and the NT-Response that goes with it */
	assert_memory_not_equal(r + 5, resp_pkt + 5, 16);
	assert_int_equal(mschapv2_nt_response(chal_pkt + 5, r + 5, "l2tp", "l2tp", nt), 0);
	assert_memory_equal(r + 5 + 24, nt, 24);
	/* MikroTik's Success answers the capture's Peer-Challenge, not ours:
	 * the authenticator response does not verify and we refuse. */
	inject(&cli, PPP_PROTO_CHAP, succ_pkt, slen);
	assert_int_equal(cli.ndone, 1);
	assert_false(cli.ok);
	assert_int_equal(cli.a.state, AUTH_ST_FAILED);
	teardown(NULL);

	/* Had we sent the capture's Response, the Success verifies. */
	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_MSCHAPV2, "l2tp", "l2tp");
	inject(&cli, PPP_PROTO_CHAP, chal_pkt, clen);
	memcpy(cli.a.last, resp_pkt, rlen);
	inject(&cli, PPP_PROTO_CHAP, succ_pkt, slen);
	assert_int_equal(cli.ndone, 1);
	assert_true(cli.ok);
	assert_int_equal(cli.a.state, AUTH_ST_OPEN);
	teardown(NULL);
}

/* ---- back to back --------------------------------------------------------- */

static void test_success(void **state)
{
	const struct sent *s;
	char msg[128];
	size_t i, k;

	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &conf, "alice", "alice-secret");
		pump();
		check(srv.ndone == 1 && srv.ok, m);
		check(cli.ndone == 1 && cli.ok, m);
		check(!strcmp(srv.done_user, "alice"), m);
		check(!strcmp(cli.done_user, "alice"), m);
		check(srv.a.state == AUTH_ST_OPEN && cli.a.state == AUTH_ST_OPEN, m);
		check(srv.a.done_ok && cli.a.done_ok, m);
		check(ev_timer_count(loop) == 0, m);
		check(srv.nsent == (m == AUTH_PAP ? 1u : 2u) && cli.nsent == 1, m);
		check(nlookups == 1, m);
		for (k = 0; k < srv.nsent; k++)
			check(srv.log[k].proto == proto_of(m), m);
		check(cli.log[0].proto == proto_of(m), m);

		s = last_sent(&srv);
		verdict_msg(m, s, msg, sizeof(msg));
		if (m == AUTH_PAP) {
			check(s->data[0] == 2 && s->data[1] == cli.log[0].data[1], m);
			check(!strcmp(msg, "Login ok"), m);
		} else {
			/* our Challenge: 16 octets, Name "lns" */
			const struct sent *c = &srv.log[0];

			check(c->data[0] == 1 && c->len == 4 + 1 + 16 + 3, m);
			check(be16(c->data + 2) == c->len && c->data[4] == 16, m);
			check(!memcmp(c->data + 5, srv.a.challenge, 16), m);
			check(!memcmp(c->data + 21, "lns", 3), m);
			check(s->data[0] == 3 && s->data[1] == c->data[1], m);
			check(cli.log[0].data[1] == c->data[1], m);
			if (m == AUTH_CHAP_MD5) {
				check(s->len == 4, m);
			} else {
				check(strlen(msg) == 42 + 17, m);
				check(!strncmp(msg, "S=", 2), m);
				check(!strcmp(msg + 42, " M=Access granted"), m);
				for (k = 2; k < 42; k++)
					check(strchr("0123456789ABCDEF", msg[k]), m);
			}
		}
		teardown(NULL);
	}

	/* an empty secret is a secret like any other */
	for (i = 0; i < NMETHODS; i++) {
		pair(methods[i], &conf, "empty", "");
		pump();
		check(srv.ok && cli.ok, methods[i]);
		teardown(NULL);
	}
	/* MS-CHAPv2: "DOMAIN\user" is looked up whole, hashed without DOMAIN */
	pair(AUTH_MSCHAPV2, &conf, "DOM\\carol", "carol-secret");
	pump();
	assert_true(srv.ok && cli.ok);
	assert_string_equal(srv.done_user, "DOM\\carol");
	teardown(NULL);
	/* non-ASCII names and secrets, every method */
	for (i = 0; i < NMETHODS; i++) {
		pair(methods[i], &conf, creds[7].client, creds[7].secret);
		pump();
		check(srv.ok && cli.ok, methods[i]);
		teardown(NULL);
	}
	/* defaults: NULL conf */
	pair(AUTH_CHAP_MD5, NULL, "alice", "alice-secret");
	assert_int_equal(srv.a.conf.retry_ms, 3000);
	assert_int_equal(srv.a.conf.max_tries, 10);
	assert_int_equal(srv.a.conf.rechallenge_s, 0);
	pump();
	assert_true(srv.ok && cli.ok);
	teardown(NULL);
}

static void test_wrong_secret(void **state)
{
	static const char *const users[] = { "alice", "nobody" };
	char msg[128], want[128], hex[33];
	const struct sent *s;
	size_t i, u, k;

	for (u = 0; u < 2; u++) {
		for (i = 0; i < NMETHODS; i++) {
			enum ppp_auth_method m = methods[i];

			pair(m, &conf, users[u], "wrong");
			pump();
			check(srv.ndone == 1 && !srv.ok, m);
			check(cli.ndone == 1 && !cli.ok, m);
			check(!strcmp(srv.done_user, users[u]), m);
			check(srv.a.state == AUTH_ST_FAILED && cli.a.state == AUTH_ST_FAILED, m);
			check(!srv.a.done_ok && !cli.a.done_ok, m);
			check(ev_timer_count(loop) == 0, m);
			s = last_sent(&srv);
			verdict_msg(m, s, msg, sizeof(msg));
			if (m == AUTH_PAP) {
				check(s->data[0] == 3, m);
				check(!strcmp(msg, "Login incorrect"), m);
			} else if (m == AUTH_CHAP_MD5) {
				check(s->data[0] == 4, m);
				check(!strcmp(msg, "Access denied"), m);
			} else {
				check(s->data[0] == 4, m);
				for (k = 0; k < 16; k++)
					sprintf(hex + 2 * k, "%02X", srv.a.challenge[k]);
				snprintf(want, sizeof(want), "E=691 R=0 C=%s V=3 M=Access denied",
					 hex);
				check(!strcmp(msg, want), m);
			}
			/* the end: time passes, nothing more happens */
			advance(3600 * 1000);
			check(srv.ndone == 1 && cli.ndone == 1, m);
			check(srv.nsent == (m == AUTH_PAP ? 1u : 2u) && cli.nsent == 1, m);
			teardown(NULL);
		}
	}

	/* DOM\carol's password under the name carol, who has another */
	pair(AUTH_MSCHAPV2, &conf, "carol", "carol-secret");
	pump();
	assert_false(srv.ok);
	assert_false(cli.ok);
	teardown(NULL);
}

/* The first packets are lost: the initiator repeats the very same packet
 * every retry_ms, and the exchange completes. */
static void test_retransmit(void **state)
{
	struct side *ini;
	size_t i;

	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &conf, "alice", "alice-secret");
		ini = initiator(m);
		drop_queue();	/* the first, sent by the start */
		ini->drop = 1;	/* and the second */
		pump();
		check(ini->nsent == 1 && srv.ndone == 0 && cli.ndone == 0, m);
		advance(2999);
		check(ini->nsent == 1, m);
		advance(1);
		check(ini->nsent == 2 && srv.ndone == 0, m);
		check(ini->log[1].len == ini->log[0].len, m);
		check(!memcmp(ini->log[1].data, ini->log[0].data, ini->log[0].len), m);
		advance(3000);
		check(ini->nsent >= 3, m);
		check(!memcmp(ini->log[2].data, ini->log[0].data, ini->log[0].len), m);
		check(srv.ndone == 1 && srv.ok && cli.ndone == 1 && cli.ok, m);
		check(ev_timer_count(loop) == 0, m);
		teardown(NULL);
	}
}

/* Nobody answers: max_tries packets, retry_ms apart, then done(false) one
 * retry_ms after the last. */
static void test_give_up(void **state)
{
	const struct ppp_auth_conf c = { .retry_ms = 1000, .max_tries = 4 };
	struct side *ini;
	unsigned int t;
	size_t i;

	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &c, "alice", "alice-secret");
		ini = initiator(m);
		ini->cut = true;
		drop_queue();
		pump();
		for (t = 1; t < 4; t++) {
			advance(1000);
			check(ini->nsent == t + 1, m);
			check(ini->ndone == 0, m);
		}
		advance(999);
		check(ini->ndone == 0, m);
		advance(1);
		check(ini->nsent == 4, m);
		check(ini->ndone == 1 && !ini->ok, m);
		check(ini->a.state == AUTH_ST_FAILED, m);
		/* the PAP authenticator waited as long, for nothing */
		if (m == AUTH_PAP)
			check(srv.ndone == 1 && !srv.ok && srv.nsent == 0, m);
		else
			check(cli.ndone == 0 && cli.nsent == 0, m);
		advance(60000);
		check(ini->nsent == 4 && ini->ndone == 1, m);
		check(ev_timer_count(loop) == 0, m);
		teardown(NULL);
	}
}

static bool drop_verdicts(struct side *from, uint8_t *p, size_t *len)
{
	return !(p[0] == 3 || p[0] == 4) || from != &srv;
}

/* A lost Success / Ack: the peer repeats its Response / Request, the
 * authenticator repeats its verdict, done() still comes once a side. */
static void test_lost_verdict(void **state)
{
	const struct ppp_auth_conf c = { .retry_ms = 1000, .max_tries = 4 };
	size_t i;

	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &c, "alice", "alice-secret");
		if (m != AUTH_PAP)
			step();		/* the Challenge */
		srv.drop = 1;		/* the Ack, the Success */
		pump();
		check(srv.ndone == 1 && srv.ok, m);
		check(cli.ndone == 0 && cli.nsent == 1, m);
		advance(1000);
		check(cli.nsent == 2, m);
		check(!memcmp(cli.log[1].data, cli.log[0].data, cli.log[0].len), m);
		check(cli.ndone == 1 && cli.ok, m);
		check(srv.ndone == 1, m);
		check(srv.log[srv.nsent - 1].len == srv.log[srv.nsent - 2].len, m);
		check(!memcmp(srv.log[srv.nsent - 1].data, srv.log[srv.nsent - 2].data,
			      srv.log[srv.nsent - 1].len),
		      m);
		check(ev_timer_count(loop) == 0, m);
		teardown(NULL);
	}

	/* The same for a Failure: the repeat gets a Failure again. */
	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &c, "alice", "wrong");
		if (m != AUTH_PAP)
			step();
		srv.drop = 1;
		pump();
		check(srv.ndone == 1 && !srv.ok && cli.ndone == 0, m);
		advance(1000);
		check(cli.ndone == 1 && !cli.ok, m);
		check(srv.log[srv.nsent - 1].data[0] == (m == AUTH_PAP ? 3 : 4), m);
		teardown(NULL);
	}

	/* Every verdict lost: the CHAP peer gives up after max_tries. */
	for (i = 1; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &c, "alice", "alice-secret");
		srv.mangle = drop_verdicts;
		pump();
		check(srv.ndone == 1 && srv.ok, m);
		advance(1000);
		advance(1000);
		advance(1000);
		check(cli.nsent == 4 && cli.ndone == 0, m);
		check(srv.nsent == 5, m);	/* Challenge, 4 Successes */
		advance(1000);
		check(cli.ndone == 1 && !cli.ok && cli.a.state == AUTH_ST_FAILED, m);
		check(srv.ndone == 1, m);
		teardown(NULL);
	}
}

/* The authenticator answers a repeated Response with the current id with
 * the same Code whatever its value (RFC 1994 4.1), and nothing else. */
static void test_repeated_response(void **state)
{
	struct sent r;
	size_t i;

	for (i = 1; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &conf, "alice", "alice-secret");
		pump();
		srv.cut = true;
		r = cli.log[0];
		inject(&srv, r.proto, r.data, r.len);
		check(srv.nsent == 3 && srv.log[2].data[0] == 3, m);
		r.data[10] ^= 0xff;	/* a wrong value now: same answer */
		inject(&srv, r.proto, r.data, r.len);
		check(srv.nsent == 4 && srv.log[3].data[0] == 3, m);
		r.data[1]++;		/* another id: silence */
		inject(&srv, r.proto, r.data, r.len);
		check(srv.nsent == 4, m);
		check(srv.ndone == 1 && srv.ok, m);
		/* a repeated Challenge to the open peer gets a Response */
		srv.cut = false;
		inject(&cli, srv.log[0].proto, srv.log[0].data, srv.log[0].len);
		check(cli.nsent == 2, m);
		if (m == AUTH_CHAP_MD5) {
			check(cli.a.state == AUTH_ST_RESPONSE_SENT, m);
		} else {
			/* the same Response, not a new Peer-Challenge that the
			 * repeated Success could not verify */
			check(cli.a.state == AUTH_ST_OPEN, m);
			check(!memcmp(cli.log[1].data, cli.log[0].data, cli.log[0].len), m);
		}
		pump();
		check(cli.a.state == AUTH_ST_OPEN && cli.ndone == 1, m);
		teardown(NULL);
	}

	/* The MS-CHAPv2 peer answers a retransmitted Challenge with the same
	 * Response (same Peer-Challenge), a new Challenge with a new one. */
	pair(AUTH_MSCHAPV2, &conf, "alice", "alice-secret");
	drop_queue();
	srv.cut = true;
	advance(3000);
	assert_int_equal(srv.nsent, 2);
	inject(&cli, srv.log[0].proto, srv.log[0].data, srv.log[0].len);
	inject(&cli, srv.log[1].proto, srv.log[1].data, srv.log[1].len);
	assert_int_equal(cli.nsent, 2);
	assert_memory_equal(cli.log[0].data, cli.log[1].data, cli.log[0].len);
	r = srv.log[0];
	r.data[6] ^= 1;
	inject(&cli, r.proto, r.data, r.len);
	assert_int_equal(cli.nsent, 3);
	assert_memory_not_equal(cli.log[2].data + 5, cli.log[0].data + 5, 16);
	teardown(NULL);
}

static void test_rechallenge(void **state)
{
	struct ppp_auth_conf c = { .retry_ms = 1000, .max_tries = 3, .rechallenge_s = 60 };
	uint8_t id0;
	size_t i;
	int k;

	for (i = 1; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &c, "alice", "alice-secret");
		pump();
		check(srv.ok && cli.ok && srv.nsent == 2, m);
		id0 = srv.log[0].data[1];
		check(ev_timer_count(loop) == 1, m);
		for (k = 1; k <= 3; k++) {
			advance(59999);
			check(srv.nsent == 2u * k, m);
			advance(1);
			/* a new Challenge: new id, new value; answered, Success */
			check(srv.nsent == 2u * k + 2, m);
			check(srv.log[2 * k].data[0] == 1, m);
			check(srv.log[2 * k].data[1] == (uint8_t)(id0 + k), m);
			check(memcmp(srv.log[2 * k].data + 5, srv.log[2 * k - 2].data + 5, 16), m);
			check(srv.log[2 * k + 1].data[0] == 3, m);
			check(srv.a.state == AUTH_ST_OPEN && cli.a.state == AUTH_ST_OPEN, m);
			/* done() only for the first success */
			check(srv.ndone == 1 && cli.ndone == 1, m);
		}
		/* the peer's secret changes under it: the next one fails */
		cli.a.password = "changed";
		advance(60000);
		check(srv.ndone == 2 && !srv.ok && srv.a.state == AUTH_ST_FAILED, m);
		check(cli.ndone == 2 && !cli.ok && cli.a.state == AUTH_ST_FAILED, m);
		advance(600000);
		check(srv.nsent == 10, m);
		check(ev_timer_count(loop) == 0, m);
		teardown(NULL);

		/* the peer goes silent: max_tries Challenges, then failure */
		pair(m, &c, "alice", "alice-secret");
		pump();
		cli.cut = true;
		advance(60000);
		advance(1000);
		advance(1000);
		check(srv.nsent == 5 && srv.ndone == 1, m);
		advance(1000);
		check(srv.ndone == 2 && !srv.ok, m);
		teardown(NULL);

		/* a re-challenge answered under another, valid, name fails */
		pair(m, &c, "alice", "alice-secret");
		pump();
		assert_int_equal(ppp_auth_set_user(&cli.a, "bob"), 0);
		cli.a.password = "bob secret";
		advance(60000);
		check(srv.ndone == 2 && !srv.ok, m);
		check(!strcmp(srv.done_user, "alice"), m);
		check(cli.ndone == 2 && !cli.ok, m);
		teardown(NULL);
	}

	/* re-challenge off: nothing after success */
	c.rechallenge_s = 0;
	pair(AUTH_CHAP_MD5, &c, "alice", "alice-secret");
	pump();
	advance(3600 * 1000);
	assert_int_equal(srv.nsent, 2);
	teardown(NULL);
}

/* ---- mutual authentication (MS-CHAPv2) ------------------------------------ */

static int mangle_kind;

static bool mangle_success(struct side *from, uint8_t *p, size_t *len)
{
	size_t k;

	if (from != &srv || p[0] != 3)
		return true;
	switch (mangle_kind) {
	case 0:	/* one hex digit off */
		p[4 + 2 + 17] = p[4 + 2 + 17] == '0' ? '1' : '0';
		break;
	case 1:	/* no "S=" at all */
		memcpy(p + 4, "X=", 2);
		break;
	case 2:	/* cut inside the authenticator response */
		*len = 4 + 30;
		p[2] = 0;
		p[3] = (uint8_t)*len;
		break;
	case 3:	/* lower case: the same number */
		for (k = 6; k < 46; k++)
			if (p[k] >= 'A' && p[k] <= 'F')
				p[k] = (uint8_t)(p[k] - 'A' + 'a');
		break;
	case 4:	/* bare "S=...", as MikroTik sends it */
		*len = 4 + 42;
		p[2] = 0;
		p[3] = (uint8_t)*len;
		break;
	case 5:	/* glued to more hex */
		p[4 + 42] = 'A';
		break;
	case 6:	/* empty message */
		*len = 4;
		p[2] = 0;
		p[3] = 4;
		break;
	}
	return true;
}

static void test_mschapv2_mutual(void **state)
{
	static const bool accept[] = { false, false, false, true, true, false, false };
	size_t k;

	for (k = 0; k < sizeof(accept) / sizeof(accept[0]); k++) {
		mangle_kind = (int)k;
		pair(AUTH_MSCHAPV2, &conf, "alice", "alice-secret");
		srv.mangle = mangle_success;
		pump();
		/* the authenticator was satisfied either way */
		assert_int_equal(srv.ndone, 1);
		assert_true(srv.ok);
		if (cli.ndone != 1 || cli.ok != accept[k])
			fail_msg("mangle %zu: peer done %d ok %d", k, cli.ndone, cli.ok);
		assert_int_equal(cli.a.state, accept[k] ? AUTH_ST_OPEN : AUTH_ST_FAILED);
		assert_int_equal(ev_timer_count(loop), 0);
		teardown(NULL);
	}

	/* An authenticator that does not know our password cannot forge a
	 * Success: a Success made with another password is refused. */
	pair(AUTH_MSCHAPV2, &conf, "alice", "alice-secret");
	srv.cut = true;
	pump();
	{
		uint8_t ok_pkt[64];
		char s[43];
		const uint8_t *r = cli.log[0].data + 5;

		assert_int_equal(mschapv2_auth_response("guess", r + 24, r, srv.a.challenge,
							"alice", s),
				 0);
		ok_pkt[0] = 3;
		ok_pkt[1] = cli.log[0].data[1];
		ok_pkt[2] = 0;
		ok_pkt[3] = 4 + 42;
		memcpy(ok_pkt + 4, s, 42);
		inject(&cli, PPP_PROTO_CHAP, ok_pkt, 4 + 42);
		assert_int_equal(cli.ndone, 1);
		assert_false(cli.ok);
	}
	teardown(NULL);
}

/* ---- malformed and unexpected input --------------------------------------- */

struct bad {
	const char *what;
	uint16_t proto;
	size_t len;
	uint8_t data[300];
};

/* Each packet is discarded: nothing sent, no done(), no state change. */
static void expect_discarded(struct side *s, const struct bad *b, size_t n)
{
	enum ppp_auth_state st = s->a.state;
	unsigned int sent = s->nsent;
	size_t i;

	for (i = 0; i < n; i++) {
		inject(s, b[i].proto, b[i].data, b[i].len);
		if (s->nsent != sent || s->ndone || s->a.state != st)
			fail_msg("%s %s: \"%s\" was not discarded",
				 ppp_auth_method_str(s->a.method),
				 s->a.server ? "server" : "client", b[i].what);
	}
}

static void test_malformed_server(void **state)
{
	const uint16_t C = PPP_PROTO_CHAP, P = PPP_PROTO_PAP;
	/* MD5 authenticator, Challenge out, Response expected */
	const struct bad chap[] = {
		{ "nothing", C, 0, { 0 } },
		{ "3 octets", C, 3, { 2, 0, 0 } },
		{ "Length 3", C, 4, { 2, 0, 0, 3 } },
		{ "Length beyond the packet", C, 6, { 2, 0, 0, 7, 16, 0 } },
		{ "Length 0xffff", C, 6, { 2, 0, 0xff, 0xff, 16, 0 } },
		{ "no Value-Size", C, 4, { 2, 0, 0, 4 } },
		{ "Value-Size 0", C, 5, { 2, 0, 0, 5, 0 } },
		{ "Value-Size 15", C, 20, { 2, 0, 0, 20, 15 } },
		{ "Value-Size 255", C, 20, { 2, 0, 0, 20, 255 } },
		{ "Value-Size beyond Length", C, 30, { 2, 0, 0, 20, 16 } },
		{ "Challenge to the authenticator", C, 25, { 1, 0, 0, 25, 16, [21] = 'x' } },
		{ "Success to the authenticator", C, 4, { 3, 0, 0, 4 } },
		{ "code 0", C, 4, { 0, 0, 0, 4 } },
		{ "code 7", C, 4, { 7, 0, 0, 4 } },
		{ "code 255", C, 21, { 255, 0, 0, 21, 16 } },
		{ "PAP", P, 6, { 1, 0, 0, 6, 0, 0 } },
		{ "IPCP", 0x8021, 4, { 1, 0, 0, 4 } },
	};
	/* MS-CHAPv2 Value-Sizes: 49 only */
	const struct bad ms[] = {
		{ "Value-Size 16", C, 25, { 2, 0, 0, 25, 16 } },
		{ "Value-Size 48", C, 53, { 2, 0, 0, 53, 48 } },
		{ "Value-Size 50", C, 55, { 2, 0, 0, 55, 50 } },
		{ "Value-Size 49, 48 octets", C, 53, { 2, 0, 0, 53, 49 } },
	};
	const struct bad pap[] = {
		{ "nothing", P, 0, { 0 } },
		{ "no Peer-ID-Length", P, 4, { 1, 0, 0, 4 } },
		{ "Peer-ID-Length beyond", P, 8, { 1, 0, 0, 8, 5, 'a', 'b', 0 } },
		{ "no Passwd-Length", P, 7, { 1, 0, 0, 7, 2, 'a', 'b' } },
		{ "Passwd-Length beyond", P, 10, { 1, 0, 0, 10, 2, 'a', 'b', 3, 'x', 'y' } },
		{ "Passwd-Length 255", P, 10, { 1, 0, 0, 10, 2, 'a', 'b', 255, 'x', 'y' } },
		{ "Peer-ID with NUL", P, 9, { 1, 0, 0, 9, 2, 'a', 0, 1, 'x' } },
		{ "Length beyond", P, 9, { 1, 0, 0, 10, 2, 'a', 'b', 1, 'x' } },
		{ "Ack to the authenticator", P, 5, { 2, 0, 0, 5, 0 } },
		{ "code 9", P, 5, { 9, 0, 0, 5, 0 } },
		{ "CHAP", C, 21, { 2, 0, 0, 21, 16 } },
	};
	struct bad b[64];
	uint8_t id;
	size_t i, n;

	/* CHAP-MD5: every one with the current id */
	fixture(&conf);
	srv.peer = NULL;
	ppp_auth_start_server(&srv.a, AUTH_CHAP_MD5, "lns", lookup, &srv);
	srv.nsent = 0;
	id = srv.a.id;
	n = sizeof(chap) / sizeof(chap[0]);
	memcpy(b, chap, sizeof(chap));
	for (i = 0; i < n; i++)
		if (b[i].len > 1)
			b[i].data[1] = id;
	/* a Name that is too long, and one with a NUL */
	b[n] = (struct bad){ "Name of 256 octets", C, 4 + 1 + 16 + 256, { 2, id, 1, 21 } };
	b[n].data[4] = 16;
	memset(b[n].data + 21, 'n', 256);
	n++;
	b[n] = (struct bad){ "Name with NUL", C, 24, { 2, id, 0, 24, 16, [21] = 'a', 0, 'b' } };
	n++;
	expect_discarded(&srv, b, n);
	assert_int_equal(nlookups, 0);
	teardown(NULL);

	fixture(&conf);
	srv.peer = NULL;
	ppp_auth_start_server(&srv.a, AUTH_MSCHAPV2, "lns", lookup, &srv);
	srv.nsent = 0;
	memcpy(b, ms, sizeof(ms));
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		b[i].data[1] = srv.a.id;
	expect_discarded(&srv, b, sizeof(ms) / sizeof(ms[0]));
	expect_discarded(&srv, chap, sizeof(chap) / sizeof(chap[0]));
	assert_int_equal(nlookups, 0);
	teardown(NULL);

	fixture(&conf);
	srv.peer = NULL;
	ppp_auth_start_server(&srv.a, AUTH_PAP, "lns", lookup, &srv);
	expect_discarded(&srv, pap, sizeof(pap) / sizeof(pap[0]));
	assert_int_equal(nlookups, 0);
	teardown(NULL);

	/* after all that, a real exchange still works; link padding beyond
	 * Length is ignored */
	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];
		struct sent r;

		pair(m, &conf, "alice", "alice-secret");
		if (m == AUTH_PAP) {
			drop_queue();	/* the request: kept for later */
		} else {
			cli.cut = true;
			pump();
		}
		r = *last_sent(&cli);
		if (m == AUTH_PAP)
			expect_discarded(&srv, pap, sizeof(pap) / sizeof(pap[0]));
		else
			expect_discarded(&srv, chap, sizeof(chap) / sizeof(chap[0]));
		memset(r.data + r.len, 0xee, 7);
		inject(&srv, r.proto, r.data, r.len + 7);
		check(srv.ndone == 1 && srv.ok, m);
		teardown(NULL);
	}
}

static void test_malformed_client(void **state)
{
	const uint16_t C = PPP_PROTO_CHAP, P = PPP_PROTO_PAP;
	const struct bad chap[] = {
		{ "nothing", C, 0, { 0 } },
		{ "2 octets", C, 2, { 1, 0 } },
		{ "Length 2", C, 4, { 1, 0, 0, 2 } },
		{ "Length beyond", C, 21, { 1, 0, 0, 22, 16 } },
		{ "no Value-Size", C, 4, { 1, 0, 0, 4 } },
		{ "Value-Size 0", C, 8, { 1, 0, 0, 8, 0, 'l', 'n', 's' } },
		{ "Value-Size beyond", C, 20, { 1, 0, 0, 20, 16 } },
		{ "Value-Size 255", C, 20, { 1, 0, 0, 20, 255 } },
		{ "Response to the peer", C, 21, { 2, 0, 0, 21, 16 } },
		{ "Success before any Response", C, 4, { 3, 0, 0, 4 } },
		{ "Failure before any Response", C, 4, { 4, 0, 0, 4 } },
		{ "code 5", C, 4, { 5, 0, 0, 4 } },
		{ "PAP Ack", P, 5, { 2, 0, 0, 5, 0 } },
	};
	const struct bad ms[] = {
		{ "MS-CHAPv2 Value-Size 8", C, 16, { 1, 0, 0, 16, 8, [13] = 'l', 'n', 's' } },
		{ "MS-CHAPv2 Value-Size 17", C, 25, { 1, 0, 0, 25, 17, [22] = 'l', 'n', 's' } },
	};
	const struct bad pap[] = {
		{ "nothing", P, 0, { 0 } },
		{ "Length 3", P, 4, { 2, 0, 0, 3 } },
		{ "Msg-Length beyond", P, 8, { 2, 0, 0, 8, 4, 'o', 'k', '!' } },
		{ "Msg-Length 255", P, 6, { 3, 0, 0, 6, 255, 'x' } },
		{ "Authenticate-Request to the peer", P, 6, { 1, 0, 0, 6, 0, 0 } },
		{ "code 4", P, 4, { 4, 0, 0, 4 } },
		{ "CHAP Success", C, 4, { 3, 0, 0, 4 } },
	};
	struct bad b[16];
	uint8_t id;
	size_t i;

	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_CHAP_MD5, "alice", "alice-secret");
	expect_discarded(&cli, chap, sizeof(chap) / sizeof(chap[0]));
	teardown(NULL);

	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_MSCHAPV2, "alice", "alice-secret");
	expect_discarded(&cli, chap, sizeof(chap) / sizeof(chap[0]));
	expect_discarded(&cli, ms, sizeof(ms) / sizeof(ms[0]));
	teardown(NULL);

	/* a PAP peer waiting for Ack/Nak: with its id, and with another */
	fixture(&conf);
	cli.peer = NULL;
	ppp_auth_start_client(&cli.a, AUTH_PAP, "alice", "alice-secret");
	cli.nsent = 0;
	id = cli.a.id;
	memcpy(b, pap, sizeof(pap));
	for (i = 0; i < sizeof(pap) / sizeof(pap[0]); i++)
		if (b[i].len > 1)
			b[i].data[1] = id;
	expect_discarded(&cli, b, sizeof(pap) / sizeof(pap[0]));
	b[0] = (struct bad){ "Ack with another id", P, 5, { 2, (uint8_t)(id + 1), 0, 5, 0 } };
	b[1] = (struct bad){ "Nak with another id", P, 5, { 3, (uint8_t)(id + 1), 0, 5, 0 } };
	expect_discarded(&cli, b, 2);
	/* an Ack without Msg-Length is taken (pppd does) */
	b[0] = (struct bad){ "bare Ack", P, 4, { 2, id, 0, 4 } };
	inject(&cli, P, b[0].data, b[0].len);
	assert_int_equal(cli.ndone, 1);
	assert_true(cli.ok);
	teardown(NULL);

	/* a CHAP peer with a Response out: verdicts with another id */
	for (i = 1; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		pair(m, &conf, "alice", "alice-secret");
		cli.cut = true;
		pump();
		id = cli.a.id;
		b[0] = (struct bad){ "Success, other id", C, 4, { 3, (uint8_t)(id + 1), 0, 4 } };
		b[1] = (struct bad){ "Failure, other id", C, 4, { 4, (uint8_t)(id - 1), 0, 4 } };
		b[2] = (struct bad){ "Success, Length beyond", C, 4, { 3, id, 0, 5 } };
		expect_discarded(&cli, b, 3);
		teardown(NULL);
	}
}

/* Random packets into every end in every state: nothing may crash or read
 * out of bounds (valgrind). */
static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void fuzz_one(struct side *s, unsigned int rounds)
{
	uint8_t p[300];
	size_t len, k;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		len = rnd() % 80;
		if (rnd() % 8 == 0)
			len = rnd() % sizeof(p);
		for (k = 0; k < len; k++)
			p[k] = (uint8_t)rnd();
		if (len >= 4 && rnd() % 2) {
			/* plausible headers reach deeper */
			p[0] = (uint8_t)(1 + rnd() % 4);
			p[1] = rnd() % 2 ? s->a.id : p[1];
			p[2] = (uint8_t)(len >> 8);
			p[3] = (uint8_t)len;
			if (len > 4 && rnd() % 2)
				p[4] = (uint8_t)(rnd() % 2 ? 16 : 49);
		}
		inject(s, rnd() % 2 ? PPP_PROTO_CHAP : PPP_PROTO_PAP, p, len);
		if (rnd() % 64 == 0)
			advance(rnd() % 5000);
		drop_queue();
	}
}

static void test_fuzz(void **state)
{
	const struct ppp_auth_conf c = { .retry_ms = 1000, .max_tries = 3, .rechallenge_s = 5 };
	const char *env = getenv("L2TPX_FUZZ_ROUNDS");
	unsigned int rounds = env ? (unsigned int)atoi(env) : 3000;
	size_t i;
	int phase;

	for (i = 0; i < NMETHODS; i++) {
		for (phase = 0; phase < 3; phase++) {
			/* 0: fresh; 1: after success; 2: after failure */
			pair(methods[i], &c, "alice", phase == 2 ? "wrong" : "alice-secret");
			if (phase)
				pump();
			srv.peer = cli.peer = NULL;
			fuzz_one(&srv, rounds);
			fuzz_one(&cli, rounds);
			teardown(NULL);
		}
	}
}

/* ---- life cycle ------------------------------------------------------------ */

static void test_lifecycle(void **state)
{
	char longname[300];
	uint8_t pkt[] = { 1, 1, 0, 21, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	/* input before any start is ignored */
	fixture(&conf);
	inject(&cli, PPP_PROTO_CHAP, pkt, sizeof(pkt));
	inject(&srv, PPP_PROTO_CHAP, pkt, sizeof(pkt));
	assert_int_equal(cli.nsent + srv.nsent, 0);
	assert_int_equal(cli.a.state, AUTH_ST_INITIAL);

	/* no method, or a name that does not fit: failure at once */
	ppp_auth_start_server(&srv.a, AUTH_NONE, "lns", lookup, &srv);
	assert_int_equal(srv.ndone, 1);
	assert_false(srv.ok);
	memset(longname, 'n', 299);
	longname[299] = '\0';
	ppp_auth_start_client(&cli.a, AUTH_CHAP_MD5, longname, "x");
	assert_int_equal(cli.ndone, 1);
	assert_false(cli.ok);
	ppp_auth_start_server(&srv.a, AUTH_CHAP_MD5, longname, lookup, &srv);
	assert_int_equal(srv.ndone, 2);
	assert_int_equal(srv.nsent, 0);
	/* PAP: 255 + 255 does not fit one request buffer; 255 + 250 does */
	memset(longname, 'u', 255);
	longname[255] = '\0';
	ppp_auth_start_client(&cli.a, AUTH_PAP, longname, longname);
	assert_int_equal(cli.ndone, 2);
	longname[250] = '\0';
	ppp_auth_start_client(&cli.a, AUTH_PAP, longname + 5, longname);
	assert_int_equal(cli.ndone, 2);
	assert_int_equal(cli.nsent, 1);
	assert_int_equal(cli.log[0].len, 4 + 1 + 245 + 1 + 250);
	teardown(NULL);

	/* fini stops the timers; a restart starts over */
	pair(AUTH_CHAP_MD5, &conf, "alice", "alice-secret");
	assert_int_equal(ev_timer_count(loop), 1);
	ppp_auth_fini(&srv.a);
	assert_int_equal(ev_timer_count(loop), 0);
	assert_int_equal(srv.a.state, AUTH_ST_INITIAL);
	drop_queue();
	ppp_auth_start_server(&srv.a, AUTH_CHAP_MD5, "lns", lookup, &srv);
	pump();
	assert_true(srv.ok && cli.ok);
	teardown(NULL);

	/* done() may free or fini the object: do it from the callback */
	assert_string_equal(ppp_auth_state_str(AUTH_ST_RESPONSE_SENT), "response-sent");
	assert_string_equal(ppp_auth_state_str((enum ppp_auth_state)99), "?");
	assert_string_equal(ppp_auth_method_str(AUTH_MSCHAPV2), "MS-CHAPv2");
}

/* Per-call memory: our name and password are the caller's (pointed at, not
 * copied); the user name is one allocation of its size; the packet kept for
 * retransmission has its own size and, once the verdict is out, is that
 * verdict only (RFC 1994 4.1: a repeated Response gets it again); a failure,
 * stop and fini release it. */
static void test_memory(void **state)
{
	static const char our_name[] = "lns", password[] = "alice-secret";
	const struct sent *v;
	size_t i;

	for (i = 0; i < NMETHODS; i++) {
		enum ppp_auth_method m = methods[i];

		fixture(&conf);
		ppp_auth_start_client(&cli.a, m, "alice", password);
		ppp_auth_start_server(&srv.a, m, our_name, lookup, &srv);
		check(srv.a.name == our_name && cli.a.password == password, m);
		pump();
		check(srv.ok && cli.ok, m);
		check(!strcmp(ppp_auth_user(&srv.a), "alice"), m);
		check(!strcmp(ppp_auth_user(&cli.a), "alice"), m);
		/* the authenticator keeps its verdict, at its size, no more */
		v = &srv.log[srv.nsent - 1];
		check(srv.a.last && srv.a.last_len == v->len, m);
		check(!memcmp(srv.a.last, v->data, v->len), m);
		/* the longest, MS-CHAPv2's "S=<40 hex> M=Access granted" */
		check(srv.a.last_len <= 4 + 42 + 17, m);
		/* the link goes down: the packet goes, the user name stays */
		ppp_auth_stop(&srv.a);
		ppp_auth_stop(&cli.a);
		check(!srv.a.last && !srv.a.last_len && !cli.a.last && !cli.a.password, m);
		check(!strcmp(ppp_auth_user(&srv.a), "alice"), m);
		ppp_auth_fini(&srv.a);
		check(!srv.a.user && !strcmp(ppp_auth_user(&srv.a), ""), m);
		teardown(NULL);

		/* a refused peer: nothing kept on its side */
		fixture(&conf);
		ppp_auth_start_client(&cli.a, m, "alice", "wrong");
		ppp_auth_start_server(&srv.a, m, our_name, lookup, &srv);
		pump();
		check(srv.ndone == 1 && !srv.ok && cli.ndone == 1 && !cli.ok, m);
		check(!cli.a.last && !cli.a.last_len, m);
		teardown(NULL);
	}

	/* CHAP re-challenge: a Challenge is kept again while it runs, then the
	 * new verdict only */
	{
		struct ppp_auth_conf c = conf;

		c.rechallenge_s = 60;
		pair(AUTH_CHAP_MD5, &c, "alice", "alice-secret");
		pump();
		assert_int_equal(srv.a.last_len, 4);	/* Success, no message */
		cli.drop = 1;	/* the re-challenge is not answered at once */
		advance(60000);
		assert_int_equal(srv.a.state, AUTH_ST_CHALLENGE_SENT);
		assert_int_equal(srv.a.last[0], 1);	/* Challenge */
		assert_int_equal(srv.a.last_len, 4 + 1 + 16 + 3);
		advance(3000);
		assert_int_equal(srv.a.state, AUTH_ST_OPEN);
		assert_int_equal(srv.a.last[0], 3);
		assert_int_equal(srv.a.last_len, 4);
		teardown(NULL);
	}

	/* ppp_auth_set_user: the one copy; too long is refused */
	{
		char longname[AUTH_NAME_MAX + 1];

		fixture(&conf);
		assert_int_equal(ppp_auth_set_user(&srv.a, "bob"), 0);
		assert_string_equal(ppp_auth_user(&srv.a), "bob");
		assert_int_equal(ppp_auth_set_user(&srv.a, ""), 0);
		assert_null(srv.a.user);
		memset(longname, 'x', AUTH_NAME_MAX);
		longname[AUTH_NAME_MAX] = '\0';
		assert_int_equal(ppp_auth_set_user(&srv.a, longname), -1);
		longname[AUTH_NAME_MAX - 1] = '\0';
		assert_int_equal(ppp_auth_set_user(&srv.a, longname), 0);
		assert_int_equal(strlen(ppp_auth_user(&srv.a)), AUTH_NAME_MAX - 1);
		teardown(NULL);
	}
}

static void done_fini(struct ppp_auth *a, bool ok, const char *user)
{
	struct side *s = a->arg;

	s->ndone++;
	s->ok = ok;
	ppp_auth_fini(a);
	/* Nothing is left to use after: the name and the packet are freed
	 * (a use after would show under the sanitizers). */
	assert_null(a->user);
	assert_null(a->last);
	assert_int_equal(a->last_len, 0);
}

static void test_done_may_fini(void **state)
{
	static const struct ppp_auth_cb fini_cbs = { .send = on_send, .done = done_fini };
	size_t i;
	int wrong;

	for (wrong = 0; wrong < 2; wrong++) {
		for (i = 0; i < NMETHODS; i++) {
			enum ppp_auth_method m = methods[i];

			fixture(&conf);
			srv.a.cb = &fini_cbs;
			cli.a.cb = &fini_cbs;
			ppp_auth_start_client(&cli.a, m, "alice", wrong ? "x" : "alice-secret");
			ppp_auth_start_server(&srv.a, m, "lns", lookup, &srv);
			pump();
			check(srv.ndone == 1 && cli.ndone == 1, m);
			check(srv.ok == !wrong && cli.ok == !wrong, m);
			check(ev_timer_count(loop) == 0, m);
			teardown(NULL);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mschapv2_rfc2759),
		cmocka_unit_test(test_mschapv2_mikrotik_primitives),
		cmocka_unit_test(test_mschapv2_password_encoding),
		cmocka_unit_test(test_chap_md5_vectors),
		cmocka_unit_test_teardown(test_md5_client_vector_packets, teardown),
		cmocka_unit_test_teardown(test_md5_cisco_capture, teardown),
		cmocka_unit_test_teardown(test_mschapv2_mikrotik_server, teardown),
		cmocka_unit_test_teardown(test_mschapv2_mikrotik_client, teardown),
		cmocka_unit_test_teardown(test_success, teardown),
		cmocka_unit_test_teardown(test_wrong_secret, teardown),
		cmocka_unit_test_teardown(test_retransmit, teardown),
		cmocka_unit_test_teardown(test_give_up, teardown),
		cmocka_unit_test_teardown(test_lost_verdict, teardown),
		cmocka_unit_test_teardown(test_repeated_response, teardown),
		cmocka_unit_test_teardown(test_rechallenge, teardown),
		cmocka_unit_test_teardown(test_mschapv2_mutual, teardown),
		cmocka_unit_test_teardown(test_malformed_server, teardown),
		cmocka_unit_test_teardown(test_malformed_client, teardown),
		cmocka_unit_test_teardown(test_fuzz, teardown),
		cmocka_unit_test_teardown(test_lifecycle, teardown),
		cmocka_unit_test_teardown(test_done_may_fini, teardown),
		cmocka_unit_test_teardown(test_memory, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
