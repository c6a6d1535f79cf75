// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the state file (user/state.c): round trip, every truncation
 * and every single-bit flip rejected, bodies with a valid checksum but bad
 * contents rejected, unknown versions rejected, and the file replaced
 * atomically even when the writer is killed with SIGKILL mid-way. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "l2tp_peer.h"
#include "ppp.h"
#include "state.h"

static void fill_ep(struct udp_ep *ep, uint8_t last, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	ep->addr.a8[10] = 0xff;
	ep->addr.a8[11] = 0xff;
	ep->addr.a8[12] = 192;
	ep->addr.a8[13] = 0;
	ep->addr.a8[14] = 2;
	ep->addr.a8[15] = last;
	ep->port = port;
}

/* Two tunnels: one with two calls (PPP on both, one with an IPv6 prefix)
 * and two messages waiting for acknowledgement; one LAC tunnel with one
 * call and nothing queued.  nsess_extra adds calls to make files bigger. */
static void sample(struct state *s, unsigned int nsess_extra)
{
	struct state_tunnel *t;

	memset(s, 0, sizeof(*s));
	s->ntunnels = 2;
	s->tunnels = calloc(2, sizeof(*s->tunnels));
	t = &s->tunnels[0];
	t->id = 0x1234;
	t->peer_id = 7;
	t->lac_index = -1;
	fill_ep(&t->local, 2, 1701);
	fill_ep(&t->peer, 1, 40000);
	snprintf(t->peer_host, sizeof(t->peer_host), "lac-one");
	snprintf(t->peer_vendor, sizeof(t->peer_vendor), "vendor");
	t->ns = 0xfffe;	/* wraps while the queue is resent */
	t->nr = 42;
	t->peer_rws = 8;
	t->nmsgs = 2;
	t->msgs = calloc(2, sizeof(*t->msgs));
	for (int m = 0; m < 2; m++) {
		t->msgs[m].len = 20 + m;
		t->msgs[m].buf = malloc(t->msgs[m].len);
		for (int i = 0; i < t->msgs[m].len; i++)
			t->msgs[m].buf[i] = (uint8_t)(i * 7 + m);
	}
	t->nsessions = 2 + nsess_extra;
	t->sessions = calloc(t->nsessions, sizeof(*t->sessions));
	for (uint32_t k = 0; k < t->nsessions; k++) {
		struct state_session *ss = &t->sessions[k];
		struct state_ppp *p = &ss->ppp;

		ss->id = 100 + k;
		ss->peer_id = 200 + k;
		ss->seq_required = k & 1;
		ss->call_serial = 0xdeadbeef + k;
		ss->tx_speed = 100000000;
		ss->framing = 1;
		ss->has_ppp = 1;
		p->phase = 2;
		p->lcp = 9;
		p->ipcp = 9;
		p->ipv6cp = k ? 9 : 3;
		p->magic = 0x11223344 + k;
		p->peer_magic = 0x55667788;
		p->mru = 1460;
		p->peer_mru = 1500;
		p->auth_proto = 0xc223;
		p->auth_alg = 5;
		p->peer_acfc = 1;
		p->ip_from_pool = 1;
		p->in_dp = 1;
		p->v4_up = 1;
		p->our_ip = htonl(0xc6336401);
		p->peer_ip = htonl(0xc633640a + k);
		p->dns[0] = htonl(0xcb007135);
		for (int i = 0; i < 8; i++)
			p->our_ifid[i] = i + 1, p->peer_ifid[i] = 0x80 + i;
		p->has_prefix6 = k == 1;
		p->prefix6[0] = 0x20;
		p->prefix6[1] = 0x01;
		p->prefix6[2] = 0x0d;
		p->prefix6[3] = 0xb8;
		p->prefix6_index = k;
		snprintf(p->user, sizeof(p->user), "alice%u", k);
	}
	t = &s->tunnels[1];
	t->id = 9;
	t->peer_id = 0xffff;
	t->lac = 1;
	t->lac_index = 3;
	fill_ep(&t->local, 1, 1701);
	fill_ep(&t->peer, 2, 1701);
	t->ns = 5;
	t->nr = 0;
	t->peer_rws = 4;
	t->nsessions = 1;
	t->sessions = calloc(1, sizeof(*t->sessions));
	t->sessions[0].id = 1;
	t->sessions[0].peer_id = 2;
	t->sessions[0].lac = 1;
	t->sessions[0].has_ppp = 1;
	t->sessions[0].ppp.client = 1;
	t->sessions[0].ppp.peer_auth_proto = 0xc023;
	snprintf(t->sessions[0].ppp.user, sizeof(t->sessions[0].ppp.user), "bob");
}

static void assert_same(const struct state *a, const struct state *b)
{
	assert_int_equal(a->ntunnels, b->ntunnels);
	for (uint32_t i = 0; i < a->ntunnels; i++) {
		const struct state_tunnel *x = &a->tunnels[i], *y = &b->tunnels[i];

		assert_int_equal(x->id, y->id);
		assert_int_equal(x->peer_id, y->peer_id);
		assert_int_equal(x->lac, y->lac);
		assert_int_equal(x->lac_index, y->lac_index);
		assert_memory_equal(&x->local, &y->local, sizeof(x->local));
		assert_memory_equal(&x->peer, &y->peer, sizeof(x->peer));
		assert_string_equal(x->peer_host, y->peer_host);
		assert_string_equal(x->peer_vendor, y->peer_vendor);
		assert_int_equal(x->ns, y->ns);
		assert_int_equal(x->nr, y->nr);
		assert_int_equal(x->peer_rws, y->peer_rws);
		assert_int_equal(x->nmsgs, y->nmsgs);
		for (uint16_t m = 0; m < x->nmsgs; m++) {
			assert_int_equal(x->msgs[m].len, y->msgs[m].len);
			assert_memory_equal(x->msgs[m].buf, y->msgs[m].buf, x->msgs[m].len);
		}
		assert_int_equal(x->nsessions, y->nsessions);
		for (uint32_t k = 0; k < x->nsessions; k++) {
			const struct state_session *p = &x->sessions[k], *q = &y->sessions[k];

			assert_int_equal(p->id, q->id);
			assert_int_equal(p->peer_id, q->peer_id);
			assert_int_equal(p->lac, q->lac);
			assert_int_equal(p->seq_required, q->seq_required);
			assert_int_equal(p->call_serial, q->call_serial);
			assert_int_equal(p->tx_speed, q->tx_speed);
			assert_int_equal(p->framing, q->framing);
			assert_int_equal(p->has_ppp, q->has_ppp);
			/* The whole record: every field, padding zeroed by calloc
			 * on both sides. */
			assert_memory_equal(&p->ppp, &q->ppp, sizeof(p->ppp));
		}
	}
}

static void test_round_trip(void **st)
{
	struct state s, d;
	uint8_t *buf, *buf2;
	size_t len, len2;
	char err[160];

	sample(&s, 0);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), 0);
	assert_same(&s, &d);
	/* Encoding what was decoded gives the same bytes. */
	assert_int_equal(state_encode(&d, &buf2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	state_free(&s);
	state_free(&d);
}

static void test_empty(void **st)
{
	struct state s = { 0 }, d;
	uint8_t *buf;
	size_t len;
	char err[160];

	assert_int_equal(state_encode(&s, &buf, &len), 0);
	assert_int_equal(len, STATE_HDR_LEN + 4);
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), 0);
	assert_int_equal(d.ntunnels, 0);
	free(buf);
}

static void test_truncation_every_byte(void **st)
{
	struct state s, d;
	uint8_t *buf;
	size_t len;
	char err[160];

	sample(&s, 0);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	for (size_t n = 0; n < len; n++) {
		uint8_t *cut = malloc(n ? n : 1);

		memcpy(cut, buf, n);
		err[0] = '\0';
		assert_int_equal(state_decode(cut, n, &d, err, sizeof(err)), -1);
		assert_true(err[0]);
		assert_int_equal(d.ntunnels, 0);
		assert_null(d.tunnels);
		free(cut);
	}
	/* One byte too many, too. */
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(state_decode(buf, len + 1, &d, err, sizeof(err)), -1);
	free(buf);
	state_free(&s);
}

static void test_bit_flips(void **st)
{
	struct state s, d;
	uint8_t *buf;
	size_t len;
	char err[160];

	sample(&s, 0);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	for (size_t i = 0; i < len; i++)
		for (int b = 0; b < 8; b++) {
			buf[i] ^= 1 << b;
			assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), -1);
			assert_null(d.tunnels);
			buf[i] ^= 1 << b;
		}
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), 0);
	state_free(&d);
	free(buf);
	state_free(&s);
}

/* Rewrite the header's CRC after changing the body: only the record checks
 * stand between such a file and the daemon. */
static void fix_crc(uint8_t *buf, size_t len)
{
	uint32_t crc = state_crc32(buf + STATE_HDR_LEN, len - STATE_HDR_LEN);

	for (int i = 0; i < 4; i++)
		buf[16 + i] = crc >> (24 - 8 * i);
}

static void test_valid_crc_bad_body(void **st)
{
	struct state s, d;
	uint8_t *buf, huge[STATE_HDR_LEN + 4];
	size_t len;
	char err[160];

	/* A tunnel count far beyond the bytes that follow: refused before
	 * anything is allocated for it. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	memcpy(huge, buf, sizeof(huge));
	free(buf);
	huge[STATE_HDR_LEN + 2] = 0xff;
	huge[STATE_HDR_LEN + 3] = 0xff;
	fix_crc(huge, sizeof(huge));
	assert_int_equal(state_decode(huge, sizeof(huge), &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tunnel count"));

	/* The first tunnel's id (body offset 4) set to 0. */
	sample(&s, 0);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	buf[STATE_HDR_LEN + 4] = 0;
	buf[STATE_HDR_LEN + 5] = 0;
	fix_crc(buf, len);
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tunnel id 0"));
	free(buf);

	/* The role byte (body offset 8) neither 0 nor 1. */
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	buf[STATE_HDR_LEN + 8] = 2;
	fix_crc(buf, len);
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), -1);
	free(buf);

	/* Any single byte set to 0xff across the body, CRC fixed: either
	 * rejected or decoded to something that encodes back to exactly those
	 * bytes (a value field), never a crash or a leak (ASan/valgrind). */
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	for (size_t i = STATE_HDR_LEN; i < len; i++) {
		uint8_t save = buf[i], *again;
		size_t alen;

		buf[i] = 0xff;
		fix_crc(buf, len);
		if (!state_decode(buf, len, &d, err, sizeof(err))) {
			assert_int_equal(state_encode(&d, &again, &alen), 0);
			assert_int_equal(alen, len);
			assert_memory_equal(again, buf, len);
			free(again);
			state_free(&d);
		}
		buf[i] = save;
	}
	free(buf);
	state_free(&s);
}

static char dir[] = "/tmp/l2tpx-state-test.XXXXXX";

/* Random damage behind a valid checksum, many times: every file is either
 * refused or decodes to what encodes back to the same bytes. */
static void test_random_mutations(void **st)
{
	struct state s, d;
	uint8_t *buf, *m, *again;
	size_t len, alen;
	char err[160];
	unsigned int accepted = 0;

	srand(12345);
	sample(&s, 3);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	m = malloc(len);
	for (int round = 0; round < 20000; round++) {
		memcpy(m, buf, len);
		for (int k = 1 + rand() % 8; k; k--)
			m[STATE_HDR_LEN + rand() % (len - STATE_HDR_LEN)] = rand();
		fix_crc(m, len);
		if (state_decode(m, len, &d, err, sizeof(err)))
			continue;
		accepted++;
		assert_int_equal(state_encode(&d, &again, &alen), 0);
		assert_int_equal(alen, len);
		assert_memory_equal(again, m, len);
		free(again);
		state_free(&d);
	}
	print_message("# 20000 damaged files: %u decoded (changed values only), the rest refused\n",
		      accepted);
	free(m);
	free(buf);
	state_free(&s);
}

/* Damaged files that still decode, taken back by a daemon (PPP layer,
 * pool, no data plane): whatever they say, nothing crashes or leaks
 * (ASan), every resumed call has its PPP session, the pool holds at most
 * one address per call (an address outside today's ranges is kept as
 * taken), and clearing everything gives every address back. */
static void test_restore_damaged_files(void **st)
{
	struct state s;
	uint8_t *buf, *m;
	size_t len;
	char path[128], err[160];
	unsigned int restored = 0, calls = 0;

	snprintf(path, sizeof(path), "%s/state", dir);
	srand(777);
	sample(&s, 3);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	m = malloc(len);
	for (int round = 0; round < 400; round++) {
		struct state d;
		struct fx *f;
		struct ppp_ctx *pc;
		FILE *fp;

		memcpy(m, buf, len);
		for (int k = round ? 1 + rand() % 4 : 0; k; k--)
			m[STATE_HDR_LEN + rand() % (len - STATE_HDR_LEN)] = rand();
		fix_crc(m, len);
		if (state_decode(m, len, &d, err, sizeof(err)))
			continue;
		state_free(&d);
		fp = fopen(path, "w");
		assert_int_equal(fwrite(m, 1, len, fp), len);
		fclose(fp);
		f = fx_new();
		snprintf(f->conf.ip_range[0], sizeof(f->conf.ip_range[0]), "198.51.100.10-198.51.100.13");
		f->conf.nranges = 1;
		memcpy(f->conf.ipv6_pool, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		f->conf.ipv6_pool_len = 48;
		pc = calloc(1, sizeof(*pc));
		assert_int_equal(ppp_ctx_init(pc, f->loop, &f->conf, &f->l, NULL, -1), 0);
		restored += state_restore(path, &f->l, pc) > 0;
		calls += f->l.nsessions;
		assert_true(pc->pool.in_use <= f->l.nsessions);
		/* Every call has its PPP session; never one address for two. */
		{
			const struct ppp_session *ps[64];
			int n = 0;

			for (int i = 1; i < 65536; i++)
				for (struct l2tp_session *ls = f->l.tunnels[i] ? f->l.tunnels[i]->sessions
									: NULL; ls; ls = ls->tnext) {
					assert_non_null(ls->upper);
					assert_true(n < 64);
					ps[n++] = ls->upper;
				}
			for (int i = 0; i < n; i++)
				for (int j = 0; j < i; j++)
					assert_false(!ps[i]->client && !ps[j]->client && ps[i]->peer_ip &&
						     ps[i]->peer_ip == ps[j]->peer_ip);
		}
		advance(f, 10);
		for (int i = 1; i < 65536; i++)
			if (f->l.tunnels[i])
				l2tp_tunnel_close(f->l.tunnels[i], L2TP_STOPCCN_CLEAR, 0, NULL);
		assert_int_equal(pc->pool.in_use, 0);
		assert_int_equal(pc->nsessions, 0);
		fx_free(f);
		ppp_ctx_fini(pc);
		free(pc);
	}
	print_message("# %u damaged files taken back, %u calls resumed\n", restored, calls);
	assert_true(restored > 0);
	free(m);
	free(buf);
	state_free(&s);
}

static void test_version_and_magic(void **st)
{
	struct state s = { 0 }, d;
	uint8_t *buf;
	size_t len;
	char err[160];

	assert_int_equal(state_encode(&s, &buf, &len), 0);
	buf[11] = STATE_VERSION + 1;
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown version"));
	buf[11] = STATE_VERSION;
	buf[0] = 'X';
	assert_int_equal(state_decode(buf, len, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "magic"));
	free(buf);
}

static void test_atomic_write(void **st)
{
	struct state s, d;
	uint8_t *buf, *rd;
	size_t len, rlen;
	char path[128], tmp[140], err[160];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	sample(&s, 0);
	assert_int_equal(state_encode(&s, &buf, &len), 0);
	/* A torn temporary left by an earlier crash does not matter. */
	FILE *f = fopen(tmp, "w");

	fputs("torn", f);
	fclose(f);
	assert_int_equal(state_write_file(path, buf, len), 0);
	assert_int_equal(stat(tmp, &sb), -1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(state_read_file(path, &rd, &rlen), 0);
	assert_int_equal(rlen, len);
	assert_memory_equal(rd, buf, len);
	assert_int_equal(state_decode(rd, rlen, &d, err, sizeof(err)), 0);
	assert_same(&s, &d);
	state_free(&d);
	free(rd);
	free(buf);
	state_free(&s);
	/* A directory that does not exist yet is made (one level). */
	snprintf(path, sizeof(path), "%s/sub/state", dir);
	assert_int_equal(state_write_file(path, (const uint8_t *)"x", 1), 0);
	assert_int_equal(stat(path, &sb), 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/no/such/dir/state", dir);
	assert_int_equal(state_write_file(path, (const uint8_t *)"x", 1), -ENOENT);
	assert_int_equal(state_read_file(path, &rd, &rlen), -ENOENT);
}

/* A writer killed with SIGKILL at random moments, alternating between two
 * large files: what is on disk always decodes, to one or the other. */
static void test_kill9_never_torn(void **st)
{
	struct state a, b, d;
	uint8_t *ba, *bb;
	size_t la, lb;
	char path[128], err[160];
	unsigned int seen_a = 0, seen_b = 0;

	snprintf(path, sizeof(path), "%s/state", dir);
	sample(&a, 2000);
	sample(&b, 2500);
	assert_int_equal(state_encode(&a, &ba, &la), 0);
	assert_int_equal(state_encode(&b, &bb, &lb), 0);
	assert_int_equal(state_write_file(path, ba, la), 0);
	srand(time(NULL));
	for (int round = 0; round < 30; round++) {
		pid_t pid = fork();
		uint8_t *rd;
		size_t rlen;

		assert_true(pid >= 0);
		if (!pid) {
			for (int i = 0;; i++)
				state_write_file(path, i & 1 ? ba : bb, i & 1 ? la : lb);
		}
		usleep(1000 + rand() % 20000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		assert_int_equal(state_read_file(path, &rd, &rlen), 0);
		assert_int_equal(state_decode(rd, rlen, &d, err, sizeof(err)), 0);
		if (rlen == la) {
			assert_memory_equal(rd, ba, la);
			seen_a++;
		} else {
			assert_int_equal(rlen, lb);
			assert_memory_equal(rd, bb, lb);
			seen_b++;
		}
		state_free(&d);
		free(rd);
	}
	print_message("# after 30 kills: %u times the first file, %u the second (%zu, %zu bytes)\n",
		      seen_a, seen_b, la, lb);
	assert_true(seen_a + seen_b == 30);
	free(ba);
	free(bb);
	state_free(&a);
	state_free(&b);
}

/* A tunnel and a call taken from one l2tpx, through the codec, into a new
 * one: the same ids, the call alive, the HELLO the peer never got sent
 * again under its Ns, and the peer's next message (a new call) accepted in
 * sequence. */
static void test_resume_continues_sequence(void **st)
{
	struct fx *f = fx_new();
	struct peer p, other;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct state snap, back;
	uint16_t tid, sid, hello_ns;
	uint8_t *buf;
	size_t len;
	char err[160];

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 77);
	t = lns_establish(f, &p);
	s = lns_call(f, &p, 500);
	tid = t->id;
	sid = s->id;
	/* The HELLO after 60 quiet seconds is lost on the wire. */
	advance(f, 60000);
	skip_zlbs(f);
	CHECK(f->rd < f->nwire);
	assert_string_equal(wire_type(f, &f->wire[f->rd]), l2tp_msg_type_str(L2TP_MSG_HELLO));
	f->rd = f->nwire;
	CHECK_EQ(t->rdt.qlen, 1);
	hello_ns = t->rdt.ns - 1;
	/* Another peer half-way through its setup: not in the state file. */
	peer_init(&other, ep4(192, 0, 2, 9, 1701), 88);
	lns_sccrq(f, &other);
	CHECK_EQ(f->l.ntunnels, 2);

	assert_int_equal(state_collect(&f->l, &snap), 0);
	assert_int_equal(snap.ntunnels, 1);
	assert_int_equal(snap.tunnels[0].id, tid);
	assert_int_equal(snap.tunnels[0].nsessions, 1);
	assert_int_equal(snap.tunnels[0].nmsgs, 1);
	assert_int_equal(snap.tunnels[0].ns, hello_ns);
	assert_int_equal(snap.tunnels[0].nr, p.ns);
	assert_int_equal(state_encode(&snap, &buf, &len), 0);
	assert_int_equal(state_decode(buf, len, &back, err, sizeof(err)), 0);
	free(buf);
	state_free(&snap);
	fx_free(f);	/* the daemon is gone: nothing told to anyone */

	f = fx_new();
	t = l2tp_tunnel_resume(&f->l, &back.tunnels[0]);
	assert_non_null(t);
	CHECK_EQ(t->id, tid);
	CHECK_EQ(t->state, TUNNEL_ESTABLISHED);
	assert_null(l2tp_tunnel_resume(&f->l, &back.tunnels[0]));	/* id taken */
	s = l2tp_session_resume(t, &back.tunnels[0].sessions[0]);
	assert_non_null(s);
	assert_null(l2tp_session_resume(t, &back.tunnels[0].sessions[0]));
	CHECK(l2tp_session_find(&f->l, tid, sid) == s);
	CHECK_EQ(s->peer_id, 500);
	CHECK_EQ(s->state, SESSION_ESTABLISHED);
	/* Established before the restart: the 60 s call-setup deadline must
	 * not clear it. */
	CHECK(!ev_timer_armed(&s->setup_timer));
	state_free(&back);
	/* The lost HELLO again, same Ns, acknowledging what the peer sent. */
	expect(f, &p, L2TP_MSG_HELLO);
	CHECK_EQ(f->m.hdr.ns, hello_ns);
	CHECK_EQ(f->m.hdr.nr, p.ns);
	/* The peer's next message is in sequence for the new daemon. */
	s = lns_call(f, &p, 501);
	CHECK_EQ(f->m.hdr.ns, (uint16_t)(hello_ns + 1));
	CHECK_EQ(f->l.nsessions, 2);
	/* The resumed call clears like any other. */
	send_type(f, &p, L2TP_MSG_CDN, sid, 500);
	CHECK_EQ(f->downs, 1);
	CHECK_EQ(f->down_sid, sid);
	fx_free(f);
}

/* A snapshot that lags: after it the peer sent a message l2tpx
 * acknowledged, and l2tpx sent one the peer got.  After the resume the
 * peer's next message is still accepted (its Ns taken as our Nr), and our
 * next message does not reuse an Ns the peer already holds. */
static void test_resume_stale_snapshot(void **st)
{
	struct fx *f = fx_new();
	struct peer p;
	struct l2tp_tunnel *t;
	struct state snap;
	const struct l2tp_msg *m;
	uint16_t tid;

	peer_init(&p, ep4(192, 0, 2, 1, 1701), 77);
	t = lns_establish(f, &p);
	lns_call(f, &p, 500);
	tid = t->id;
	assert_int_equal(state_collect(&f->l, &snap), 0);
	/* After the snapshot: the peer's HELLO (acknowledged), our HELLO
	 * (received by the peer). */
	send_type(f, &p, L2TP_MSG_HELLO, 0, 0);
	advance(f, 60000);
	skip_zlbs(f);
	expect(f, &p, L2TP_MSG_HELLO);
	send_ack(f, &p);
	CHECK_EQ(t->rdt.nr, p.ns);
	CHECK_EQ(t->rdt.ns, p.nr);
	CHECK(snap.tunnels[0].nr != p.ns && snap.tunnels[0].ns != p.nr);
	fx_free(f);

	f = fx_new();
	t = l2tp_tunnel_resume(&f->l, &snap.tunnels[0]);
	assert_non_null(t);
	assert_non_null(l2tp_session_resume(t, &snap.tunnels[0].sessions[0]));
	state_free(&snap);
	/* A new call from the peer, in its sequence: answered. */
	send_type(f, &p, L2TP_MSG_ICRQ, 0, 501);
	m = expect(f, &p, L2TP_MSG_ICRP);
	CHECK_EQ(m->hdr.ns, (uint16_t)(p.nr - 1));
	CHECK_EQ(m->hdr.nr, p.ns);
	CHECK(l2tp_tunnel_find(&f->l, tid) == t);
	CHECK_EQ(f->l.nsessions, 2);
	fx_free(f);
}

static int setup(void **st)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_valid_crc_bad_body),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_restore_damaged_files),
		cmocka_unit_test(test_version_and_magic),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_kill9_never_torn),
		cmocka_unit_test(test_resume_continues_sequence),
		cmocka_unit_test(test_resume_stale_snapshot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
