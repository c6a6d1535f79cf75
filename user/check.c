// SPDX-License-Identifier: GPL-2.0
/* Daemon state against data-plane state and the address pool. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ppp.h"

#define POOL_WALK_MAX	(1u << 20)	/* walk bitmaps up to this many addresses */

struct check {
	struct l2tp *l;
	struct ppp_ctx *ppp;
	struct check_counts *cnt;
	check_problem_fn fn;
	void *arg;
	int problems;
	uint32_t *held;			/* host order, sorted after the walk */
	unsigned int nheld;
	unsigned int with_ppp;		/* calls carrying a PPP session */
};

static void problem(struct check *k, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->problems++;
	if (k->fn)
		k->fn(k->arg, msg);
}

static const char *ip_str(uint32_t be, char *b)
{
	return inet_ntop(AF_INET, &be, b, INET_ADDRSTRLEN);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static struct ppp_session *ps_of(struct check *k, struct l2tp_session *s)
{
	return k->ppp && s ? s->upper : NULL;
}

/* One daemon call: its state, its map entry, its address. */
static void check_session(struct check *k, struct l2tp_tunnel *t, struct l2tp_session *s)
{
	struct ppp_session *ps = ps_of(k, s);
	struct dp *dp = k->ppp ? k->ppp->dp : NULL;
	struct l2tpx_sess_key key = { htons(t->id), htons(s->id) };
	struct l2tpx_session v;
	char a[INET_ADDRSTRLEN];
	int in_map = -1;

	k->cnt->sessions++;
	if (s->state == SESSION_ESTABLISHED)
		k->cnt->established++;
	if (s->t != t)
		problem(k, "session %u/%u is on tunnel %u's list but points at another tunnel",
			t->id, s->id, t->id);
	if (l2tp_session_find(k->l, t->id, s->id) != s)
		problem(k, "session %u/%u is on its tunnel's list but not found by id", t->id,
			s->id);
	if (dp)
		in_map = dp_session_get(dp, &key, &v) == 0;
	if (ps)
		k->with_ppp++;
	if (!ps) {
		if (in_map == 1)
			problem(k, "session %u/%u is in the maps without PPP", t->id, s->id);
		return;
	}
	if (ps->in_dp) {
		k->cnt->fast_path++;
		if (s->state != SESSION_ESTABLISHED)
			problem(k, "session %u/%u is in the fast path but %s", t->id, s->id,
				session_state_str(s->state));
		if (in_map == 0)
			problem(k, "session %u/%u is handed off but missing from the maps", t->id,
				s->id);
		if (in_map == 1 &&
		    (memcmp(&v.peer, &t->peer.addr, sizeof(v.peer)) ||
		     v.peer_port != htons(t->peer.port) || v.peer_tunnel_id != htons(t->peer_id) ||
		     v.peer_session_id != htons(s->peer_id)))
			problem(k, "session %u/%u: the map entry's peer differs from the call's",
				t->id, s->id);
	} else if (in_map == 1) {
		problem(k, "session %u/%u is in the maps but not handed off", t->id, s->id);
	}
	if (ps->ip_from_pool && ps->peer_ip) {
		k->held[k->nheld++] = ntohl(ps->peer_ip);
		if (!pool_is_used(&k->ppp->pool, ps->peer_ip))
			problem(k, "session %u/%u holds %s, which the pool counts as free", t->id,
				s->id, ip_str(ps->peer_ip, a));
	}
}

/* One map session: a daemon call handed off, with the call's address. */
static int check_dp_session(const struct dp_session_info *i, void *arg)
{
	struct check *k = arg;
	uint16_t tid = ntohs(i->key.tunnel_id), sid = ntohs(i->key.session_id);
	struct ppp_session *ps = ps_of(k, l2tp_session_find(k->l, tid, sid));
	bool has_v4 = false;
	char a[INET_ADDRSTRLEN];

	k->cnt->dp_sessions++;
	if (!ps || !ps->in_dp) {
		problem(k, "map session %u/%u is not one of the daemon's handed-off calls", tid,
			sid);
		return 0;
	}
	for (int n = 0; n < i->npfx; n++) {
		const struct dp_prefix *p = &i->pfx[n];
		uint32_t v4;

		if (p->family != AF_INET)
			continue;
		memcpy(&v4, p->addr, 4);
		if (ps->client || (p->len == 32 && v4 == ps->peer_ip)) {
			has_v4 = true;
			continue;
		}
		problem(k, "map session %u/%u routes %s/%u, the call's address is %s", tid, sid,
			ip_str(v4, a), p->len, ip_str(ps->peer_ip, a));
	}
	if (ps->v4_up && !has_v4)
		problem(k, "map session %u/%u lacks the call's address %s", tid, sid,
			ip_str(ps->peer_ip, a));
	return 0;
}

/* A fast copy XDP would use instead of what the maps say. */
static int check_fast(const char *msg, void *arg)
{
	problem(arg, "%s", msg);
	return 0;
}

/* Every address the pool counts as used is held by exactly one call. */
static void check_pool(struct check *k)
{
	struct pool *p = &k->ppp->pool;
	char a[INET_ADDRSTRLEN];
	unsigned int leaked = 0;

	qsort(k->held, k->nheld, sizeof(*k->held), cmp_u32);
	for (unsigned int i = 1; i < k->nheld; i++)
		if (k->held[i] == k->held[i - 1])
			problem(k, "%s is held by two sessions", ip_str(htonl(k->held[i]), a));
	k->cnt->pool_in_use = p->in_use;
	k->cnt->pool_held = k->nheld;
	if (p->in_use != k->nheld)
		problem(k, "the pool counts %u addresses in use, the sessions hold %u", p->in_use,
			k->nheld);
	if (p->size > POOL_WALK_MAX)
		return;
	for (int r = 0; r < p->nranges; r++)
		for (uint64_t h = p->r[r].first; h <= p->r[r].last; h++)
			if (pool_is_used(p, htonl((uint32_t)h)) &&
			    !bsearch(&(uint32_t){ (uint32_t)h }, k->held, k->nheld,
				     sizeof(*k->held), cmp_u32) &&
			    leaked++ < 8)
				problem(k, "%s is taken in the pool but held by no session",
					ip_str(htonl((uint32_t)h), a));
}

int l2tpx_check(struct l2tp *l, struct check_counts *cnt, check_problem_fn fn, void *arg)
{
	struct check k = { .l = l, .cnt = cnt, .fn = fn, .arg = arg };
	unsigned int listed = 0;

	memset(cnt, 0, sizeof(*cnt));
	if (l->sops == &ppp_l2tp_ops)
		k.ppp = l->sops_arg;
	k.held = calloc(l->nsessions + 1, sizeof(*k.held));
	if (!k.held) {
		problem(&k, "out of memory");
		return k.problems;
	}
	for (int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = l->tunnels[i];

		for (struct l2tp_session *s = t ? t->sessions : NULL; s; s = s->tnext) {
			if (++listed > l->nsessions) {
				problem(&k, "more sessions on the tunnels' lists than the %u "
					"counted", l->nsessions);
				goto out;
			}
			check_session(&k, t, s);
		}
	}
	if (listed != l->nsessions)
		problem(&k, "%u sessions counted, %u on the tunnels' lists", l->nsessions, listed);
	if (k.ppp && k.ppp->nsessions != k.with_ppp)
		problem(&k, "PPP counts %u sessions, %u calls carry one", k.ppp->nsessions,
			k.with_ppp);
	if (k.ppp && k.ppp->dp) {
		cnt->have_dp = true;
		dp_session_foreach(k.ppp->dp, check_dp_session, &k);
		dp_fast_audit(k.ppp->dp, check_fast, &k);
	}
	if (k.ppp)
		check_pool(&k);
out:
	free(k.held);
	return k.problems;
}
