// SPDX-License-Identifier: GPL-2.0
/* The state file: codec, atomic file replacement, and the daemon's export
 * (collect) and import (restore, reconcile with the pinned maps). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp.h"
#include "l2tp.h"
#include "log.h"
#include "ppp.h"
#include "state.h"

/* ---- CRC-32 (IEEE 802.3, reflected 0xEDB88320) ---- */

uint32_t state_crc32(const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffffu;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- writer ---- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void w_bytes(struct wbuf *w, const void *v, size_t n)
{
	if (w->err)
		return;
	if (w->len + n > w->cap) {
		size_t ncap = w->cap ? w->cap : 4096;
		uint8_t *np;

		while (ncap < w->len + n)
			ncap *= 2;
		np = realloc(w->p, ncap);
		if (!np) {
			w->err = -ENOMEM;
			return;
		}
		w->p = np;
		w->cap = ncap;
	}
	memcpy(w->p + w->len, v, n);
	w->len += n;
}

static void w_u8(struct wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void w_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	w_bytes(w, b, 2);
}

static void w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v & 0xff };

	w_bytes(w, b, 4);
}

/* A NUL-terminated string as a 16-bit length and its bytes. */
static void w_str(struct wbuf *w, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);

	w_u16(w, n);
	w_bytes(w, s, n);
}

static void w_ep(struct wbuf *w, const struct udp_ep *ep)
{
	w_bytes(w, ep->addr.a8, 16);
	w_u16(w, ep->port);
}

static void w_ppp(struct wbuf *w, const struct state_ppp *p)
{
	w_u8(w, p->client);
	w_u8(w, p->phase);
	w_u8(w, p->lcp);
	w_u8(w, p->ipcp);
	w_u8(w, p->ipv6cp);
	w_u32(w, p->magic);
	w_u32(w, p->peer_magic);
	w_u16(w, p->mru);
	w_u16(w, p->peer_mru);
	w_u16(w, p->auth_proto);
	w_u16(w, p->peer_auth_proto);
	w_u8(w, p->auth_alg);
	w_u8(w, p->peer_auth_alg);
	w_u8(w, p->peer_acfc);
	w_u8(w, p->peer_pfc);
	w_u8(w, p->no_addr_opt);
	w_u8(w, p->no_ifid_opt);
	w_u8(w, p->ip_from_pool);
	w_u8(w, p->has_prefix6);
	w_u8(w, p->in_dp);
	w_u8(w, p->v4_up);
	/* Addresses stay in network order: copied as bytes. */
	w_bytes(w, &p->our_ip, 4);
	w_bytes(w, &p->peer_ip, 4);
	w_bytes(w, p->dns, 8);
	w_bytes(w, p->our_ifid, 8);
	w_bytes(w, p->peer_ifid, 8);
	w_bytes(w, p->prefix6, 16);
	w_u32(w, p->prefix6_index);
	w_str(w, p->user, sizeof(p->user));
}

int state_encode(const struct state *s, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };
	uint32_t body, crc;

	w_bytes(&w, STATE_MAGIC, 8);
	w_u32(&w, STATE_VERSION);
	w_u32(&w, 0);	/* body length, filled below */
	w_u32(&w, 0);	/* CRC-32 of the body */
	w_u32(&w, s->ntunnels);
	for (uint32_t i = 0; i < s->ntunnels; i++) {
		const struct state_tunnel *t = &s->tunnels[i];

		w_u16(&w, t->id);
		w_u16(&w, t->peer_id);
		w_u8(&w, t->lac);
		w_u16(&w, (uint16_t)t->lac_index);
		w_ep(&w, &t->local);
		w_ep(&w, &t->peer);
		w_str(&w, t->peer_host, sizeof(t->peer_host));
		w_str(&w, t->peer_vendor, sizeof(t->peer_vendor));
		w_u16(&w, t->ns);
		w_u16(&w, t->nr);
		w_u16(&w, t->peer_rws);
		w_u16(&w, t->nmsgs);
		for (uint16_t m = 0; m < t->nmsgs; m++) {
			w_u16(&w, t->msgs[m].len);
			w_bytes(&w, t->msgs[m].buf, t->msgs[m].len);
		}
		w_u32(&w, t->nsessions);
		for (uint32_t k = 0; k < t->nsessions; k++) {
			const struct state_session *ss = &t->sessions[k];

			w_u16(&w, ss->id);
			w_u16(&w, ss->peer_id);
			w_u8(&w, ss->lac);
			w_u8(&w, ss->seq_required);
			w_u32(&w, ss->call_serial);
			w_u32(&w, ss->tx_speed);
			w_u32(&w, ss->framing);
			w_u8(&w, ss->has_ppp);
			if (ss->has_ppp)
				w_ppp(&w, &ss->ppp);
		}
	}
	if (w.err) {
		free(w.p);
		return w.err;
	}
	body = w.len - STATE_HDR_LEN;
	crc = state_crc32(w.p + STATE_HDR_LEN, body);
	for (int i = 0; i < 4; i++) {
		w.p[12 + i] = body >> (24 - 8 * i);
		w.p[16 + i] = crc >> (24 - 8 * i);
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

/* ---- reader: every read checked against what is left ---- */

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	const char *bad;	/* first problem, NULL = fine */
};

static bool r_need(struct rbuf *r, size_t n, const char *what)
{
	if (r->bad)
		return false;
	if (r->len - r->off < n) {
		r->bad = what;
		return false;
	}
	return true;
}

static void r_bytes(struct rbuf *r, void *v, size_t n, const char *what)
{
	if (!r_need(r, n, what)) {
		memset(v, 0, n);
		return;
	}
	memcpy(v, r->p + r->off, n);
	r->off += n;
}

static uint8_t r_u8(struct rbuf *r, const char *what)
{
	uint8_t v;

	r_bytes(r, &v, 1, what);
	return v;
}

static uint16_t r_u16(struct rbuf *r, const char *what)
{
	uint8_t b[2];

	r_bytes(r, b, 2, what);
	return b[0] << 8 | b[1];
}

static uint32_t r_u32(struct rbuf *r, const char *what)
{
	uint8_t b[4];

	r_bytes(r, b, 4, what);
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static uint8_t r_bool(struct rbuf *r, const char *what)
{
	uint8_t v = r_u8(r, what);

	if (v > 1 && !r->bad)
		r->bad = what;
	return v;
}

static void r_str(struct rbuf *r, char *out, size_t cap, const char *what)
{
	uint16_t n = r_u16(r, what);

	out[0] = '\0';
	if (r->bad)
		return;
	if (n >= cap || memchr(r->p + r->off, 0, n < r->len - r->off ? n : r->len - r->off)) {
		r->bad = what;
		return;
	}
	r_bytes(r, out, n, what);
	out[r->bad ? 0 : n] = '\0';
}

static void r_ep(struct rbuf *r, struct udp_ep *ep, const char *what)
{
	r_bytes(r, ep->addr.a8, 16, what);
	ep->port = r_u16(r, what);
	if (!r->bad && !ep->port)
		r->bad = what;
}

static void r_ppp(struct rbuf *r, struct state_ppp *p)
{
	p->client = r_bool(r, "ppp role");
	p->phase = r_u8(r, "ppp phase");
	p->lcp = r_u8(r, "LCP state");
	p->ipcp = r_u8(r, "IPCP state");
	p->ipv6cp = r_u8(r, "IPv6CP state");
	if (!r->bad && (p->phase > PHASE_TERMINATE || p->lcp > PPP_OPENED || p->ipcp > PPP_OPENED ||
			p->ipv6cp > PPP_OPENED))
		r->bad = "ppp state out of range";
	p->magic = r_u32(r, "magic");
	p->peer_magic = r_u32(r, "peer magic");
	p->mru = r_u16(r, "mru");
	p->peer_mru = r_u16(r, "peer mru");
	p->auth_proto = r_u16(r, "auth proto");
	p->peer_auth_proto = r_u16(r, "peer auth proto");
	p->auth_alg = r_u8(r, "auth alg");
	p->peer_auth_alg = r_u8(r, "peer auth alg");
	p->peer_acfc = r_bool(r, "acfc");
	p->peer_pfc = r_bool(r, "pfc");
	p->no_addr_opt = r_bool(r, "no addr opt");
	p->no_ifid_opt = r_bool(r, "no ifid opt");
	p->ip_from_pool = r_bool(r, "ip from pool");
	p->has_prefix6 = r_bool(r, "has prefix6");
	p->in_dp = r_bool(r, "in dp");
	p->v4_up = r_bool(r, "v4 up");
	r_bytes(r, &p->our_ip, 4, "our ip");
	r_bytes(r, &p->peer_ip, 4, "peer ip");
	r_bytes(r, p->dns, 8, "dns");
	r_bytes(r, p->our_ifid, 8, "our ifid");
	r_bytes(r, p->peer_ifid, 8, "peer ifid");
	r_bytes(r, p->prefix6, 16, "prefix6");
	p->prefix6_index = r_u32(r, "prefix6 index");
	r_str(r, p->user, sizeof(p->user), "user");
}

/* The least a tunnel and a session take in the body: counts are checked
 * against the bytes left before anything is allocated. */
#define MIN_TUNNEL	(2 + 2 + 1 + 2 + 18 + 18 + 2 + 2 + 2 + 2 + 2 + 2 + 4)
#define MIN_SESSION	(2 + 2 + 1 + 1 + 4 + 4 + 4 + 1)

static void r_tunnel(struct rbuf *r, struct state_tunnel *t)
{
	t->id = r_u16(r, "tunnel id");
	t->peer_id = r_u16(r, "peer tunnel id");
	if (!r->bad && (!t->id || !t->peer_id))
		r->bad = "tunnel id 0";
	t->lac = r_bool(r, "tunnel role");
	t->lac_index = (int16_t)r_u16(r, "lac index");
	if (!r->bad && (t->lac_index < -1 || t->lac_index >= CONF_MAX_LACS))
		r->bad = "lac index out of range";
	r_ep(r, &t->local, "local endpoint");
	r_ep(r, &t->peer, "peer endpoint");
	r_str(r, t->peer_host, sizeof(t->peer_host), "peer host");
	r_str(r, t->peer_vendor, sizeof(t->peer_vendor), "peer vendor");
	t->ns = r_u16(r, "Ns");
	t->nr = r_u16(r, "Nr");
	t->peer_rws = r_u16(r, "peer rws");
	t->nmsgs = r_u16(r, "queued messages");
	if (r->bad)
		return;
	if (t->nmsgs > STATE_MSGS_MAX || (size_t)t->nmsgs * 14 > r->len - r->off) {
		r->bad = "queued message count";
		return;
	}
	if (t->nmsgs && !(t->msgs = calloc(t->nmsgs, sizeof(*t->msgs)))) {
		r->bad = "out of memory";
		return;
	}
	for (uint16_t m = 0; m < t->nmsgs && !r->bad; m++) {
		uint16_t n = r_u16(r, "message length");

		if (r->bad)
			break;
		if (n < 12 || n > STATE_MSG_MAX || !r_need(r, n, "message")) {
			r->bad = r->bad ? r->bad : "message length";
			break;
		}
		if (!(t->msgs[m].buf = malloc(n))) {
			r->bad = "out of memory";
			break;
		}
		r_bytes(r, t->msgs[m].buf, n, "message");
		t->msgs[m].len = n;
	}
	t->nsessions = r_u32(r, "session count");
	if (r->bad)
		return;
	if (t->nsessions > 65535 || (size_t)t->nsessions * MIN_SESSION > r->len - r->off) {
		r->bad = "session count";
		return;
	}
	if (t->nsessions && !(t->sessions = calloc(t->nsessions, sizeof(*t->sessions)))) {
		r->bad = "out of memory";
		return;
	}
	for (uint32_t k = 0; k < t->nsessions && !r->bad; k++) {
		struct state_session *ss = &t->sessions[k];

		ss->id = r_u16(r, "session id");
		ss->peer_id = r_u16(r, "peer session id");
		if (!r->bad && (!ss->id || !ss->peer_id))
			r->bad = "session id 0";
		ss->lac = r_bool(r, "session role");
		ss->seq_required = r_bool(r, "sequencing");
		ss->call_serial = r_u32(r, "call serial");
		ss->tx_speed = r_u32(r, "tx speed");
		ss->framing = r_u32(r, "framing");
		ss->has_ppp = r_bool(r, "has ppp");
		if (ss->has_ppp)
			r_ppp(r, &ss->ppp);
	}
}

int state_decode(const uint8_t *buf, size_t len, struct state *s, char *err, size_t errlen)
{
	struct rbuf r = { .p = buf, .len = len };
	uint32_t version, body, crc;
	char magic[8];

	memset(s, 0, sizeof(*s));
	r_bytes(&r, magic, 8, "header");
	version = r_u32(&r, "header");
	body = r_u32(&r, "header");
	crc = r_u32(&r, "header");
	if (r.bad) {
		snprintf(err, errlen, "truncated header (%zu bytes)", len);
		return -1;
	}
	if (memcmp(magic, STATE_MAGIC, 8)) {
		snprintf(err, errlen, "not an l2tpx state file (bad magic)");
		return -1;
	}
	if (version != STATE_VERSION) {
		snprintf(err, errlen, "unknown version %u (this l2tpxd reads %u)", version,
			 STATE_VERSION);
		return -1;
	}
	if (body != len - STATE_HDR_LEN) {
		snprintf(err, errlen, "length %u does not match the file's %zu bytes: truncated?",
			 body, len - STATE_HDR_LEN);
		return -1;
	}
	if (state_crc32(buf + STATE_HDR_LEN, body) != crc) {
		snprintf(err, errlen, "checksum mismatch: corrupt");
		return -1;
	}
	s->ntunnels = r_u32(&r, "tunnel count");
	if (!r.bad && (s->ntunnels > 65535 || (size_t)s->ntunnels * MIN_TUNNEL > len - r.off))
		r.bad = "tunnel count";
	if (!r.bad && s->ntunnels && !(s->tunnels = calloc(s->ntunnels, sizeof(*s->tunnels))))
		r.bad = "out of memory";
	for (uint32_t i = 0; i < s->ntunnels && !r.bad; i++)
		r_tunnel(&r, &s->tunnels[i]);
	if (!r.bad && r.off != len)
		r.bad = "trailing bytes";
	if (r.bad) {
		snprintf(err, errlen, "bad record at byte %zu: %s", r.off, r.bad);
		state_free(s);
		return -1;
	}
	return 0;
}

void state_free(struct state *s)
{
	for (uint32_t i = 0; s->tunnels && i < s->ntunnels; i++) {
		struct state_tunnel *t = &s->tunnels[i];

		for (uint16_t m = 0; t->msgs && m < t->nmsgs; m++)
			free(t->msgs[m].buf);
		free(t->msgs);
		free(t->sessions);
	}
	free(s->tunnels);
	memset(s, 0, sizeof(*s));
}

/* ---- the file ---- */

int state_write_file(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	size_t off = 0;
	int fd, dfd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* A temporary left by a crash goes first: a fresh file, mode 0600,
	 * never through a link someone put there. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* First run: the directory (/var/lib/l2tpx), one level. */
		snprintf(dir, sizeof(dir), "%s", path);
		if (!mkdir(dirname(dir), 0700))
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += n;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	/* The rename itself must reach the disk. */
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int state_read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	uint8_t *p;
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > STATE_HDR_LEN + (uint64_t)STATE_MAX_BODY) {
		err = -EFBIG;
		goto out;
	}
	p = malloc(st.st_size ? st.st_size : 1);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, p + off, st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	*buf = p;
	*len = off;
out:
	close(fd);
	return err;
}

/* ---- the daemon's export ---- */

static void collect_ppp(const struct ppp_session *ps, struct state_ppp *p)
{
	p->client = ps->client;
	p->phase = ps->phase;
	p->lcp = ps->lcp.state;
	p->ipcp = ps->ipcp.state;
	p->ipv6cp = ps->ipv6cp.state;
	p->magic = ps->magic;
	p->peer_magic = ps->peer_magic;
	p->mru = ps->mru;
	p->peer_mru = ps->peer_mru;
	p->auth_proto = ps->auth_proto;
	p->peer_auth_proto = ps->peer_auth_proto;
	p->auth_alg = ps->auth_alg;
	p->peer_auth_alg = ps->peer_auth_alg;
	p->peer_acfc = ps->peer_acfc;
	p->peer_pfc = ps->peer_pfc;
	p->no_addr_opt = ps->no_addr_opt;
	p->no_ifid_opt = ps->no_ifid_opt;
	p->ip_from_pool = ps->ip_from_pool;
	p->has_prefix6 = ps->has_prefix6;
	p->in_dp = ps->in_dp;
	p->v4_up = ps->v4_up;
	p->our_ip = ps->our_ip;
	p->peer_ip = ps->peer_ip;
	memcpy(p->dns, ps->dns, sizeof(p->dns));
	memcpy(p->our_ifid, ps->our_ifid, 8);
	memcpy(p->peer_ifid, ps->peer_ifid, 8);
	memcpy(p->prefix6, ps->prefix6, 16);
	p->prefix6_index = ps->prefix6_index;
	snprintf(p->user, sizeof(p->user), "%s", ppp_user(ps));
}

static int collect_tunnel(struct l2tp_tunnel *t, struct state_tunnel *st)
{
	const struct l2tp_rdt *r = &t->rdt;
	struct l2tp_session *s;
	uint32_t n = 0;

	st->id = t->id;
	st->peer_id = t->peer_id;
	st->lac = t->lac;
	st->lac_index = t->lac_index;
	st->local = t->local;
	st->peer = t->peer;
	snprintf(st->peer_host, sizeof(st->peer_host), "%s", t->peer_host);
	snprintf(st->peer_vendor, sizeof(st->peer_vendor), "%s", t->peer_vendor);
	st->nr = r->nr;
	st->peer_rws = r->peer_rws;
	/* What is queued (sent or waiting for the window) goes again after a
	 * restart under the same Ns: the peer drops what it already had. */
	st->ns = r->qlen ? r->q[r->qhead].ns : r->ns;
	st->nmsgs = r->qlen;
	if (r->qlen && !(st->msgs = calloc(r->qlen, sizeof(*st->msgs))))
		return -ENOMEM;
	for (unsigned int i = 0; i < r->qlen; i++) {
		const struct rdt_msg *m = &r->q[(r->qhead + i) % r->qcap];

		st->msgs[i].len = m->len;
		st->msgs[i].buf = malloc(m->len);
		if (!st->msgs[i].buf)
			return -ENOMEM;
		memcpy(st->msgs[i].buf, m->buf, m->len);
	}
	for (s = t->sessions; s; s = s->tnext)
		n += s->state == SESSION_ESTABLISHED;
	if (n && !(st->sessions = calloc(n, sizeof(*st->sessions))))
		return -ENOMEM;
	for (s = t->sessions; s; s = s->tnext) {
		struct state_session *ss;

		if (s->state != SESSION_ESTABLISHED)
			continue;
		ss = &st->sessions[st->nsessions++];
		ss->id = s->id;
		ss->peer_id = s->peer_id;
		ss->lac = s->lac;
		ss->seq_required = s->seq_required;
		ss->call_serial = s->call_serial;
		ss->tx_speed = s->tx_speed;
		ss->framing = s->framing;
		if (s->upper) {
			ss->has_ppp = 1;
			collect_ppp(s->upper, &ss->ppp);
		}
	}
	return 0;
}

int state_collect(struct l2tp *l, struct state *s)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	/* Only established tunnels: one being set up is dialled or answered
	 * again by its peer; one closing is done. */
	for (int i = 1; i < 65536; i++)
		s->ntunnels += l->tunnels[i] && l->tunnels[i]->state == TUNNEL_ESTABLISHED;
	if (s->ntunnels && !(s->tunnels = calloc(s->ntunnels, sizeof(*s->tunnels))))
		return -ENOMEM;
	s->ntunnels = 0;
	for (int i = 1; i < 65536 && !err; i++)
		if (l->tunnels[i] && l->tunnels[i]->state == TUNNEL_ESTABLISHED)
			err = collect_tunnel(l->tunnels[i], &s->tunnels[s->ntunnels++]);
	if (err)
		state_free(s);
	return err;
}

int state_save(const char *path, struct l2tp *l)
{
	struct state s;
	uint8_t *buf = NULL;
	size_t len;
	int err = state_collect(l, &s);

	if (!err) {
		err = state_encode(&s, &buf, &len);
		state_free(&s);
	}
	if (!err)
		err = state_write_file(path, buf, len);
	static int last_err;

	free(buf);
	/* Once per kind of failure, not once per loop round. */
	if (err && err != last_err)
		log_warnx("state file %s not written: %s (a restart now would drop the "
			  "sessions; check the directory exists and is writable)", path,
			  strerror(-err));
	else if (!err && last_err)
		log_info("state file %s written again", path);
	last_err = err;
	return err;
}

/* ---- the daemon's import ---- */

struct reconcile {
	struct l2tp *l;
	struct l2tpx_sess_key *keys;
	int n, cap;
};

static int reconcile_one(const struct dp_session_info *si, void *arg)
{
	struct reconcile *rc = arg;
	struct l2tp_session *s;
	const struct ppp_session *ps;

	if (!(si->val.flags & L2TPX_SF_DAEMON))
		return 0;	/* a static session: the operator's */
	s = rc->l ? l2tp_session_find(rc->l, ntohs(si->key.tunnel_id), ntohs(si->key.session_id))
		  : NULL;
	ps = s ? s->upper : NULL;
	if (ps && ps->in_dp)
		return 0;
	if (rc->n == rc->cap) {
		int ncap = rc->cap ? rc->cap * 2 : 64;
		struct l2tpx_sess_key *nk = realloc(rc->keys, ncap * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		rc->keys = nk;
		rc->cap = ncap;
	}
	rc->keys[rc->n++] = si->key;
	return 0;
}

int state_reconcile_maps(struct dp *dp, struct l2tp *l)
{
	struct reconcile rc = { .l = l };
	int err, removed = 0;

	if (!dp)
		return 0;
	/* Keys first, deletes after: deleting while walking a hash map
	 * restarts the walk. */
	err = dp_session_foreach(dp, reconcile_one, &rc);
	if (err)
		log_warnx("reconcile: reading the session map: %s", strerror(-err));
	for (int i = 0; i < rc.n; i++) {
		if (dp_session_del(dp, &rc.keys[i]))
			continue;
		removed++;
		log_info("reconcile: session %u/%u in the maps has no state: removed",
			 ntohs(rc.keys[i].tunnel_id), ntohs(rc.keys[i].session_id));
	}
	free(rc.keys);
	return removed;
}

int state_restore(const char *path, struct l2tp *l, struct ppp_ctx *ppp)
{
	struct state s = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[160], bad[PATH_MAX + 8];
	int e, resumed = 0, calls = 0;

	e = state_read_file(path, &buf, &len);
	if (e == -ENOENT) {
		log_info("no state file %s: fresh start", path);
	} else if (e) {
		log_warnx("state file %s unreadable: %s: ignored, fresh start", path, strerror(-e));
	} else if (state_decode(buf, len, &s, err, sizeof(err))) {
		/* Kept aside for a look, never read again. */
		snprintf(bad, sizeof(bad), "%s.bad", path);
		rename(path, bad);
		log_warnx("state file %s ignored: %s; fresh start (moved to %s)", path, err, bad);
	}
	free(buf);
	for (uint32_t i = 0; i < s.ntunnels; i++) {
		struct state_tunnel *st = &s.tunnels[i];
		struct l2tp_tunnel *t = l2tp_tunnel_resume(l, st);

		if (!t) {
			log_warnx("state: tunnel %u/%u not resumed (id taken, no socket for %s, or "
				  "out of memory): its calls' map entries are removed", st->id,
				  st->peer_id, st->lac ? "the LNS" : "the LAC");
			continue;
		}
		resumed++;
		for (uint32_t k = 0; k < st->nsessions; k++) {
			struct state_session *ss = &st->sessions[k];
			struct l2tp_session *ls = l2tp_session_resume(t, ss);

			if (!ls)
				continue;
			calls++;
			if (ss->has_ppp)
				ppp_session_resume(ppp, ls, &ss->ppp);
			else if (l->sops && l->sops->up)
				l->sops->up(ls, l->sops_arg);
		}
	}
	if (s.ntunnels)
		log_info("state: %d of %u tunnels and %d calls resumed from %s", resumed,
			 s.ntunnels, calls, path);
	state_free(&s);
	state_reconcile_maps(ppp ? ppp->dp : NULL, l);
	l2tp_changed(l);
	return resumed;
}
