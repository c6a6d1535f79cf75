// SPDX-License-Identifier: GPL-2.0
/* Accelerator mode: the kernel's L2TP sessions (xl2tpd + pppd, kernel mode)
 * learned over generic netlink, /proc/net/pppol2tp and rtnetlink, and
 * reconciled into the data plane.  No L2TP or PPP is spoken here. */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/l2tp.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <json-c/json.h>

#include "accel.h"
#include "log.h"
#include "util.h"

#define ACCEL_RESCAN_MS	2000	/* safety net: pppol2tp sessions raise no L2TP event */
#define ACCEL_SETTLE_MS	50	/* let a burst of netlink events settle */
#define PPPOL2TP_PROC	"/proc/net/pppol2tp"

static const char *const why_str[] = {
#define ACCEL_WHY_STR(n, s, d) s,
	ACCEL_WHY(ACCEL_WHY_STR)
#undef ACCEL_WHY_STR
};
static const char *const why_desc[] = {
#define ACCEL_WHY_DESC(n, s, d) d,
	ACCEL_WHY(ACCEL_WHY_DESC)
#undef ACCEL_WHY_DESC
};

const char *accel_why_str(enum accel_why w)
{
	return w < ACCEL_WHY_MAX ? why_str[w] : "?";
}

const char *accel_why_desc(enum accel_why w)
{
	return w < ACCEL_WHY_MAX ? why_desc[w] : "?";
}

/* ---- translation ------------------------------------------------------- */

static struct nla_policy l2tp_policy[L2TP_ATTR_MAX + 1] = {
	[L2TP_ATTR_PW_TYPE] = { .type = NLA_U16 },
	[L2TP_ATTR_ENCAP_TYPE] = { .type = NLA_U16 },
	[L2TP_ATTR_PROTO_VERSION] = { .type = NLA_U8 },
	[L2TP_ATTR_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[L2TP_ATTR_CONN_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_PEER_CONN_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_SESSION_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_PEER_SESSION_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_UDP_CSUM] = { .type = NLA_U8 },
	[L2TP_ATTR_COOKIE] = { .maxlen = 8 },
	[L2TP_ATTR_PEER_COOKIE] = { .maxlen = 8 },
	[L2TP_ATTR_RECV_SEQ] = { .type = NLA_U8 },
	[L2TP_ATTR_SEND_SEQ] = { .type = NLA_U8 },
	[L2TP_ATTR_LNS_MODE] = { .type = NLA_U8 },
	[L2TP_ATTR_IP_SADDR] = { .type = NLA_U32 },
	[L2TP_ATTR_IP_DADDR] = { .type = NLA_U32 },
	[L2TP_ATTR_UDP_SPORT] = { .type = NLA_U16 },
	[L2TP_ATTR_UDP_DPORT] = { .type = NLA_U16 },
	[L2TP_ATTR_IP6_SADDR] = { .minlen = 16, .maxlen = 16 },
	[L2TP_ATTR_IP6_DADDR] = { .minlen = 16, .maxlen = 16 },
	[L2TP_ATTR_STATS] = { .type = NLA_NESTED },
};

static int l2tp_attrs(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (!nlh || !genlmsg_valid_hdr(nlh, 0))
		return -EINVAL;
	return genlmsg_parse(nlh, 0, tb, L2TP_ATTR_MAX, l2tp_policy) ? -EINVAL : 0;
}

int accel_parse_tunnel(struct nlmsghdr *nlh, struct accel_tunnel *t)
{
	struct nlattr *tb[L2TP_ATTR_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (l2tp_attrs(nlh, tb) || !tb[L2TP_ATTR_CONN_ID])
		return -EINVAL;
	t->id = nla_get_u32(tb[L2TP_ATTR_CONN_ID]);
	if (tb[L2TP_ATTR_PEER_CONN_ID])
		t->peer_id = nla_get_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	if (tb[L2TP_ATTR_PROTO_VERSION])
		t->version = nla_get_u8(tb[L2TP_ATTR_PROTO_VERSION]);
	if (tb[L2TP_ATTR_ENCAP_TYPE])
		t->encap = nla_get_u16(tb[L2TP_ATTR_ENCAP_TYPE]);
	if (tb[L2TP_ATTR_IP_SADDR] && tb[L2TP_ATTR_IP_DADDR]) {
		t->family = AF_INET;
		addr_from_v4(&t->local, nla_get_u32(tb[L2TP_ATTR_IP_SADDR]));
		addr_from_v4(&t->peer, nla_get_u32(tb[L2TP_ATTR_IP_DADDR]));
	} else if (tb[L2TP_ATTR_IP6_SADDR] && tb[L2TP_ATTR_IP6_DADDR]) {
		t->family = AF_INET6;
		memcpy(t->local.a8, nla_data(tb[L2TP_ATTR_IP6_SADDR]), 16);
		memcpy(t->peer.a8, nla_data(tb[L2TP_ATTR_IP6_DADDR]), 16);
	}
	/* The kernel reports the ports in host order. */
	if (tb[L2TP_ATTR_UDP_SPORT])
		t->local_port = nla_get_u16(tb[L2TP_ATTR_UDP_SPORT]);
	if (tb[L2TP_ATTR_UDP_DPORT])
		t->peer_port = nla_get_u16(tb[L2TP_ATTR_UDP_DPORT]);
	/* IPv4 reports UDP_CSUM; IPv6 always checksums unless zero-csum6. */
	t->udp_csum = tb[L2TP_ATTR_UDP_CSUM] ? nla_get_u8(tb[L2TP_ATTR_UDP_CSUM]) != 0
					      : t->family == AF_INET6;
	return 0;
}

int accel_parse_session(struct nlmsghdr *nlh, struct accel_ksess *s)
{
	struct nlattr *tb[L2TP_ATTR_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (l2tp_attrs(nlh, tb) || !tb[L2TP_ATTR_CONN_ID] || !tb[L2TP_ATTR_SESSION_ID])
		return -EINVAL;
	s->tunnel_id = nla_get_u32(tb[L2TP_ATTR_CONN_ID]);
	s->session_id = nla_get_u32(tb[L2TP_ATTR_SESSION_ID]);
	if (tb[L2TP_ATTR_PEER_CONN_ID])
		s->peer_tunnel_id = nla_get_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	if (tb[L2TP_ATTR_PEER_SESSION_ID])
		s->peer_session_id = nla_get_u32(tb[L2TP_ATTR_PEER_SESSION_ID]);
	if (tb[L2TP_ATTR_PW_TYPE])
		s->pw_type = nla_get_u16(tb[L2TP_ATTR_PW_TYPE]);
	s->send_seq = tb[L2TP_ATTR_SEND_SEQ] && nla_get_u8(tb[L2TP_ATTR_SEND_SEQ]);
	s->recv_seq = tb[L2TP_ATTR_RECV_SEQ] && nla_get_u8(tb[L2TP_ATTR_RECV_SEQ]);
	s->lns_mode = tb[L2TP_ATTR_LNS_MODE] && nla_get_u8(tb[L2TP_ATTR_LNS_MODE]);
	if (tb[L2TP_ATTR_COOKIE])
		s->cookie_len = nla_len(tb[L2TP_ATTR_COOKIE]);
	if (tb[L2TP_ATTR_PEER_COOKIE])
		s->peer_cookie_len = nla_len(tb[L2TP_ATTR_PEER_COOKIE]);
	/* NLA_STRING's maxlen counts the NUL: a name that fits IF_NAMESIZE. */
	if (tb[L2TP_ATTR_IFNAME])
		nla_strlcpy(s->ifname, tb[L2TP_ATTR_IFNAME], sizeof(s->ifname));
	return 0;
}

/* The kernel's pppol2tp sessions carry no L2TP_ATTR_IFNAME; their pppN is
 * in /proc/net/pppol2tp:
 *   "  SESSION 'name' 0A000001/1701 0001/0002 -> 0003/0004 1 Y"
 *   "   interface ppp0"  (a few lines later) */
int accel_parse_pppol2tp(const char *text,
			 void (*cb)(uint32_t tid, uint32_t sid, const char *ifname, void *arg),
			 void *arg)
{
	unsigned int tid = 0, sid = 0;
	bool have = false;
	int n = 0;

	for (const char *l = text; l && *l;) {
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		char line[256], ifname[IF_NAMESIZE + 1];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, l, len);
		line[len] = 0;
		l = eol ? eol + 1 : NULL;
		if (!strncmp(line, "TUNNEL", 6) || !strncmp(line, "\nTUNNEL", 7)) {
			have = false;
		} else if (strstr(line, "SESSION '")) {
			const char *q = strrchr(line, '\'');

			have = q && sscanf(q + 1, " %*x/%*d %x/%x", &tid, &sid) == 2 &&
			       tid && tid <= 0xffff && sid && sid <= 0xffff;
		} else if (have && sscanf(line, " interface %16s", ifname) == 1 &&
			   strlen(ifname) < IF_NAMESIZE) {
			cb(tid, sid, ifname, arg);
			have = false;
			n++;
		}
	}
	return n;
}

static bool pfx_has(const struct accel_entry *e, const struct dp_prefix *p)
{
	for (int i = 0; i < e->npfx; i++)
		if (e->pfx[i].family == p->family && e->pfx[i].len == p->len &&
		    !memcmp(e->pfx[i].addr, p->addr, 16))
			return true;
	return false;
}

static void pfx_add(struct accel_entry *e, const struct nl_addr *a)
{
	struct dp_prefix p = { .family = nl_addr_get_family(a) };
	unsigned int blen = nl_addr_get_len(a);
	const uint8_t *b = nl_addr_get_binary_addr(a);

	if ((p.family == AF_INET && blen != 4) || (p.family == AF_INET6 && blen != 16))
		return;
	p.len = nl_addr_get_prefixlen(a);
	if (p.len == 0 || p.len > blen * 8)
		return;	/* a default route through pppN is not a subscriber's */
	/* IPv6 link-local and multicast stay with the kernel (pppd, RAs). */
	if (p.family == AF_INET6 && (b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)))
		return;
	memcpy(p.addr, b, blen);
	if (e->npfx < ACCEL_MAX_PFX && !pfx_has(e, &p))
		e->pfx[e->npfx++] = p;
}

void accel_collect(struct accel_entry *e, struct nl_cache *links, struct nl_cache *addrs,
		   struct nl_cache *routes)
{
	e->npfx = 0;
	if (links) {
		struct rtnl_link *l = e->ks.ifname[0] ? rtnl_link_get_by_name(links, e->ks.ifname)
						       : NULL;

		e->ifindex = l && (rtnl_link_get_flags(l) & IFF_UP) ? rtnl_link_get_ifindex(l) : 0;
		if (l)
			rtnl_link_put(l);
	}
	if (e->ifindex <= 0)
		return;
	/* pppd puts the peer's IPCP address on pppN as its partner. */
	for (struct nl_object *o = addrs ? nl_cache_get_first(addrs) : NULL; o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *peer = rtnl_addr_get_peer(a);

		if (rtnl_addr_get_ifindex(a) == e->ifindex && peer)
			pfx_add(e, peer);
	}
	/* Framed routes: main-table unicast routes whose only hop is pppN. */
	for (struct nl_object *o = routes ? nl_cache_get_first(routes) : NULL; o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;

		if (rtnl_route_get_table(r) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(r) != RTN_UNICAST || rtnl_route_get_nnexthops(r) != 1)
			continue;
		nh = rtnl_route_nexthop_n(r, 0);
		if (nh && rtnl_route_nh_get_ifindex(nh) == e->ifindex && rtnl_route_get_dst(r))
			pfx_add(e, rtnl_route_get_dst(r));
	}
}

static bool ifname_kept(const char *globs, const char *ifname)
{
	char buf[CONF_STR], *save;

	snprintf(buf, sizeof(buf), "%s", globs ? globs : "");
	for (char *g = strtok_r(buf, " ,\t", &save); g; g = strtok_r(NULL, " ,\t", &save))
		if (!fnmatch(g, ifname, 0))
			return true;
	return false;
}

enum accel_why accel_judge(struct accel_entry *e, const char *kernel_ifaces, unsigned int mtu,
			   struct l2tpx_sess_key *key, struct l2tpx_session *val)
{
	const struct accel_tunnel *t = &e->t;
	const struct accel_ksess *s = &e->ks;
	static const struct l2tpx_addr none;

	if (t->id != s->tunnel_id)
		return e->why = ACCEL_NO_TUNNEL;
	if (t->version != 2 || t->encap != L2TP_ENCAPTYPE_UDP || s->tunnel_id > 0xffff ||
	    s->session_id > 0xffff || s->peer_tunnel_id > 0xffff || s->peer_session_id > 0xffff)
		return e->why = ACCEL_NOT_V2;
	if (s->pw_type != L2TP_PWTYPE_PPP)
		return e->why = ACCEL_NOT_PPP;
	if (!t->family || !t->local_port || !t->peer_port || !memcmp(&t->peer, &none, sizeof(none)))
		return e->why = ACCEL_NO_ENDPOINTS;
	if (s->send_seq || s->recv_seq)
		return e->why = ACCEL_SEQ;
	if (s->cookie_len || s->peer_cookie_len)
		return e->why = ACCEL_COOKIE;
	if (!s->ifname[0] || e->ifindex <= 0)
		return e->why = ACCEL_NO_IFACE;
	if (ifname_kept(kernel_ifaces, s->ifname))
		return e->why = ACCEL_KEPT;
	if (!e->npfx)
		return e->why = ACCEL_NO_ADDR;

	key->tunnel_id = htons(s->tunnel_id);
	key->session_id = htons(s->session_id);
	memset(val, 0, sizeof(*val));
	val->local = t->local;
	val->peer = t->peer;
	val->local_port = htons(t->local_port);
	val->peer_port = htons(t->peer_port);
	val->peer_tunnel_id = htons(s->peer_tunnel_id);
	val->peer_session_id = htons(s->peer_session_id);
	/* FF 03 and two-byte protocols are always acceptable to pppd, so no
	 * ACFC/PFC: pppd's negotiation is not visible from here. */
	val->flags = L2TPX_SF_ANTISPOOF | (t->family == AF_INET6 ? L2TPX_SF_IPV6 : 0) |
		     (t->udp_csum ? L2TPX_SF_UDP_CSUM : 0);
	val->mtu = mtu;
	return e->why = ACCEL_FAST;
}

/* ---- the running mode --------------------------------------------------- */

struct accel {
	struct ev_loop *loop;
	const struct conf *conf;
	struct dp *dp;
	struct nl_sock *gq, *gev, *rq, *rev;
	int family;
	struct ev_timer timer;
	struct accel_tunnel *tun;
	int ntun, captun;
	struct accel_entry *ent, *old;
	int nent, capent, nold;
	int *tc_if;		/* ifindexes given the TC program */
	int ntc;
	unsigned long reconciles;
};

static void *grow(void *p, int *cap, int need, size_t sz)
{
	void *n;
	int c = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	n = realloc(p, (size_t)c * sz);
	if (n)
		*cap = c;
	return n;
}

static int tunnel_cb(struct nl_msg *m, void *arg)
{
	struct accel *a = arg;
	struct accel_tunnel t, *n;

	if (accel_parse_tunnel(nlmsg_hdr(m), &t))
		return NL_SKIP;
	n = grow(a->tun, &a->captun, a->ntun + 1, sizeof(*n));
	if (!n)
		return NL_STOP;
	a->tun = n;
	a->tun[a->ntun++] = t;
	return NL_OK;
}

static int session_cb(struct nl_msg *m, void *arg)
{
	struct accel *a = arg;
	struct accel_entry *n;
	struct accel_ksess s;

	/* Session 0 is pppol2tp's tunnel-management socket, not a call. */
	if (accel_parse_session(nlmsg_hdr(m), &s) || !s.session_id)
		return NL_SKIP;
	n = grow(a->ent, &a->capent, a->nent + 1, sizeof(*n));
	if (!n)
		return NL_STOP;
	a->ent = n;
	memset(&a->ent[a->nent], 0, sizeof(*n));
	a->ent[a->nent].why = ACCEL_NO_IFACE;	/* until judged */
	a->ent[a->nent++].ks = s;
	return NL_OK;
}

static int l2tp_dump(struct accel *a, int cmd, int (*cb)(struct nl_msg *, void *))
{
	struct nl_msg *m = nlmsg_alloc();
	int err;

	if (!m)
		return -ENOMEM;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, a->family, 0, NLM_F_DUMP, cmd,
			 L2TP_GENL_VERSION)) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	err = nl_send_auto(a->gq, m);
	nlmsg_free(m);
	if (err < 0)
		return err;
	nl_socket_modify_cb(a->gq, NL_CB_VALID, NL_CB_CUSTOM, cb, a);
	err = nl_recvmsgs_default(a->gq);
	return err < 0 ? err : 0;
}

static struct accel_entry *find_ent(struct accel_entry *v, int n, uint32_t tid, uint32_t sid)
{
	for (int i = 0; i < n; i++)
		if (v[i].ks.tunnel_id == tid && v[i].ks.session_id == sid)
			return &v[i];
	return NULL;
}

static void proc_ifname(uint32_t tid, uint32_t sid, const char *ifname, void *arg)
{
	struct accel *a = arg;
	struct accel_entry *e = find_ent(a->ent, a->nent, tid, sid);

	if (e && !e->ks.ifname[0])
		snprintf(e->ks.ifname, sizeof(e->ks.ifname), "%s", ifname);
}

static void read_pppol2tp(struct accel *a)
{
	FILE *f = fopen(PPPOL2TP_PROC, "r");
	char *buf;
	size_t n;

	if (!f)
		return;	/* l2tp_ppp not loaded: no PPP sessions either */
	buf = malloc(1 << 20);
	if (buf) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		buf[n] = 0;
		accel_parse_pppol2tp(buf, proc_ifname, a);
		free(buf);
	}
	fclose(f);
}

static bool same_val(const struct l2tpx_session *x, const struct l2tpx_session *y)
{
	return !memcmp(&x->local, &y->local, sizeof(x->local)) &&
	       !memcmp(&x->peer, &y->peer, sizeof(x->peer)) && x->local_port == y->local_port &&
	       x->peer_port == y->peer_port && x->peer_tunnel_id == y->peer_tunnel_id &&
	       x->peer_session_id == y->peer_session_id && x->flags == y->flags &&
	       x->mtu == y->mtu && x->mss == y->mss;
}

/* What the maps hold now, copied out of the foreach callback. */
struct held {
	struct l2tpx_sess_key key;
	struct l2tpx_session val;
	struct dp_prefix pfx[ACCEL_MAX_PFX];
	int npfx;
};

struct held_list {
	struct held *v;
	int n, cap;
};

static int held_cb(const struct dp_session_info *si, void *arg)
{
	struct held_list *h = arg;
	struct held *n = grow(h->v, &h->cap, h->n + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	h->v = n;
	memset(&h->v[h->n], 0, sizeof(*n));
	h->v[h->n].key = si->key;
	h->v[h->n].val = si->val;
	for (int i = 0; i < si->npfx && i < ACCEL_MAX_PFX; i++)
		h->v[h->n].pfx[h->v[h->n].npfx++] = si->pfx[i];
	h->n++;
	return 0;
}

static void tc_attach(struct accel *a, const struct accel_entry *e)
{
	int *n;

	for (int i = 0; i < a->ntc; i++)
		if (a->tc_if[i] == e->ifindex)
			return;
	if (dp_attach_tc(a->dp, e->ks.ifname))
		return;
	n = realloc(a->tc_if, (a->ntc + 1) * sizeof(*n));
	if (n) {
		a->tc_if = n;
		a->tc_if[a->ntc++] = e->ifindex;
	}
}

int accel_sync(struct dp *dp, struct accel_entry *ent, int nent, const char *kernel_ifaces,
	       unsigned int mtu, void (*installed)(const struct accel_entry *, void *), void *arg,
	       struct accel_sync_counts *cnt)
{
	struct held_list h = { 0 };
	struct accel_sync_counts c = { 0 };

	if (dp_session_foreach(dp, held_cb, &h)) {
		log_warnx("accel: cannot read the session map; next try in %u ms", ACCEL_RESCAN_MS);
		free(h.v);
		return -EIO;
	}
	for (int i = 0; i < h.n; i++) {
		struct held *d = &h.v[i];
		struct accel_entry *e = find_ent(ent, nent, ntohs(d->key.tunnel_id),
						 ntohs(d->key.session_id));
		struct l2tpx_sess_key k;
		struct l2tpx_session v;

		if (e && accel_judge(e, kernel_ifaces, mtu, &k, &v) ==
				 ACCEL_FAST &&
		    same_val(&v, &d->val)) {
			/* Same session: bring its addresses in line. */
			for (int j = 0; j < d->npfx; j++)
				if (!pfx_has(e, &d->pfx[j]))
					dp_prefix_del(dp, &d->pfx[j]);
			for (int j = 0; j < e->npfx; j++) {
				bool had = false;

				for (int m = 0; m < d->npfx; m++)
					had |= d->pfx[m].family == e->pfx[j].family &&
					       d->pfx[m].len == e->pfx[j].len &&
					       !memcmp(d->pfx[m].addr, e->pfx[j].addr, 16);
				if (!had && dp_prefix_add(dp, &d->key, &e->pfx[j]) == -EEXIST)
					log_warnx("accel: %s: an address is another session's",
						  e->ks.ifname);
			}
			e->in_dp = true;
			c.kept++;
			continue;
		}
		dp_session_del(dp, &d->key);
		c.removed++;
		log_info("accel: session %u/%u left the data plane (%s)", ntohs(d->key.tunnel_id),
			 ntohs(d->key.session_id),
			 e ? accel_why_desc(e->why) : "gone from the kernel");
	}
	for (int i = 0; i < nent; i++) {
		struct accel_entry *e = &ent[i];
		struct l2tpx_sess_key k;
		struct l2tpx_session v;
		int err;

		if (e->in_dp) {
			if (installed)
				installed(e, arg);
			continue;
		}
		if (accel_judge(e, kernel_ifaces, mtu, &k, &v) != ACCEL_FAST)
			continue;
		err = dp_session_add(dp, &k, &v, e->pfx, e->npfx);
		if (err) {
			e->why = ACCEL_DP_REFUSED;
			log_warnx("accel: session %u/%u (%s): data plane refused it: %s",
				  e->ks.tunnel_id, e->ks.session_id, e->ks.ifname, strerror(-err));
			continue;
		}
		c.added++;
		e->in_dp = true;
		if (installed)
			installed(e, arg);
		log_info("accel: session %u/%u (%s) in the data plane", e->ks.tunnel_id,
			 e->ks.session_id, e->ks.ifname);
	}
	if (c.added || c.removed)
		log_debug("accel: %d kept, %d added, %d removed", c.kept, c.added, c.removed);
	free(h.v);
	if (cnt)
		*cnt = c;
	return 0;
}

static void installed_cb(const struct accel_entry *e, void *arg)
{
	tc_attach(arg, e);
}

static void forget_tc(struct accel *a, struct nl_cache *links)
{
	for (int i = 0; i < a->ntc;) {
		struct rtnl_link *l = rtnl_link_get(links, a->tc_if[i]);

		if (l) {
			rtnl_link_put(l);
			i++;
		} else {
			a->tc_if[i] = a->tc_if[--a->ntc];	/* the device went with it */
		}
	}
}

static int reconcile(struct accel *a)
{
	struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
	int err;

	/* Keep the previous picture to log only what changed. */
	free(a->old);
	a->old = a->ent;
	a->nold = a->nent;
	a->ent = NULL;
	a->capent = 0;
	a->nent = 0;
	a->ntun = 0;

	if ((err = l2tp_dump(a, L2TP_CMD_TUNNEL_GET, tunnel_cb)) ||
	    (err = l2tp_dump(a, L2TP_CMD_SESSION_GET, session_cb))) {
		log_warnx("accel: L2TP netlink dump failed: %s", nl_geterror(err));
		return err;
	}
	read_pppol2tp(a);
	if ((err = rtnl_link_alloc_cache(a->rq, AF_UNSPEC, &links)) ||
	    (err = rtnl_addr_alloc_cache(a->rq, &addrs)) ||
	    (err = rtnl_route_alloc_cache(a->rq, AF_UNSPEC, 0, &routes))) {
		log_warnx("accel: rtnetlink dump failed: %s", nl_geterror(err));
		goto out;
	}
	for (int i = 0; i < a->nent; i++) {
		struct accel_entry *e = &a->ent[i], *o;
		struct l2tpx_sess_key k;
		struct l2tpx_session v;

		for (int j = 0; j < a->ntun; j++)
			if (a->tun[j].id == e->ks.tunnel_id)
				e->t = a->tun[j];
		accel_collect(e, links, addrs, routes);
		accel_judge(e, a->conf->accel_kernel_ifaces, a->conf->mtu, &k, &v);
		o = find_ent(a->old, a->nold, e->ks.tunnel_id, e->ks.session_id);
		if (e->why != ACCEL_FAST && (!o || o->why != e->why))
			log_info("accel: session %u/%u (%s) stays on the kernel path: %s",
				 e->ks.tunnel_id, e->ks.session_id,
				 e->ks.ifname[0] ? e->ks.ifname : "-", accel_why_desc(e->why));
	}
	forget_tc(a, links);
	accel_sync(a->dp, a->ent, a->nent, a->conf->accel_kernel_ifaces, a->conf->mtu, installed_cb,
		   a, NULL);
	a->reconciles++;
out:
	nl_cache_free(links);
	nl_cache_free(addrs);
	nl_cache_free(routes);
	return err;
}

static void on_timer(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	struct accel *a = arg;

	reconcile(a);
	ev_timer_arm(loop, &a->timer, ACCEL_RESCAN_MS);
}

/* Any L2TP or link/address/route event: drain it and reconcile soon. */
static void on_event(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct accel *a = arg;
	char buf[16384];

	for (int i = 0; i < 256; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0 && !(n < 0 && errno == ENOBUFS))
			break;	/* ENOBUFS: events were lost; the reconcile covers them */
	}
	if (!ev_timer_armed(&a->timer) || a->timer.deadline > ev_now(loop) + ACCEL_SETTLE_MS)
		ev_timer_arm(loop, &a->timer, ACCEL_SETTLE_MS);
}

static struct nl_sock *sock_open(int proto)
{
	struct nl_sock *s = nl_socket_alloc();

	if (s && nl_connect(s, proto)) {
		nl_socket_free(s);
		return NULL;
	}
	return s;
}

int accel_probe(void)
{
	struct nl_sock *s = sock_open(NETLINK_GENERIC);
	int fam;

	if (!s)
		return -ENOMEM;
	fam = genl_ctrl_resolve(s, L2TP_GENL_NAME);
	nl_socket_free(s);
	if (fam < 0) {
		log_warnx("accel: the kernel has no L2TP netlink family: "
			  "modprobe l2tp_netlink l2tp_ppp (needs CONFIG_L2TP)");
		return -ENOENT;
	}
	return 0;
}

int accel_start(struct accel **ap, struct ev_loop *loop, const struct conf *conf, struct dp *dp)
{
	struct accel *a = calloc(1, sizeof(*a));
	int grp, err;

	if (!a)
		return -ENOMEM;
	a->loop = loop;
	a->conf = conf;
	a->dp = dp;
	ev_timer_init(&a->timer, on_timer, a);
	a->gq = sock_open(NETLINK_GENERIC);
	a->gev = sock_open(NETLINK_GENERIC);
	a->rq = sock_open(NETLINK_ROUTE);
	a->rev = sock_open(NETLINK_ROUTE);
	if (!a->gq || !a->gev || !a->rq || !a->rev) {
		log_warnx("accel: cannot open netlink sockets");
		err = -ENOMEM;
		goto fail;
	}
	a->family = genl_ctrl_resolve(a->gq, L2TP_GENL_NAME);
	if (a->family < 0) {
		log_warnx("accel: the kernel has no L2TP netlink family: "
			  "modprobe l2tp_netlink l2tp_ppp (CONFIG_L2TP)");
		err = -ENOENT;
		goto fail;
	}
	grp = genl_ctrl_resolve_grp(a->gq, L2TP_GENL_NAME, L2TP_GENL_MCGROUP);
	if (grp < 0 || nl_socket_add_membership(a->gev, grp))
		log_warnx("accel: no L2TP multicast group; relying on rtnetlink and rescans");
	if ((err = nl_socket_add_memberships(a->rev, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
					     RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE,
					     RTNLGRP_IPV6_ROUTE, 0))) {
		log_warnx("accel: rtnetlink groups: %s", nl_geterror(err));
		err = -EINVAL;
		goto fail;
	}
	nl_socket_set_nonblocking(a->gev);
	nl_socket_set_nonblocking(a->rev);
	if (ev_fd_add(loop, nl_socket_get_fd(a->gev), EPOLLIN, on_event, a) ||
	    ev_fd_add(loop, nl_socket_get_fd(a->rev), EPOLLIN, on_event, a)) {
		err = -ENOMEM;
		goto fail;
	}
	/* The first picture: rebuilt from the kernel alone. */
	err = reconcile(a);
	if (err)
		log_warnx("accel: first scan failed; retrying every %u ms", ACCEL_RESCAN_MS);
	else
		log_info("accel: %d kernel session(s) found", a->nent);
	ev_timer_arm(loop, &a->timer, ACCEL_RESCAN_MS);
	*ap = a;
	return 0;
fail:
	accel_stop(a);
	return err;
}

void accel_stop(struct accel *a)
{
	if (!a)
		return;
	ev_timer_disarm(a->loop, &a->timer);
	if (a->gev) {
		ev_fd_del(a->loop, nl_socket_get_fd(a->gev));
		nl_socket_free(a->gev);
	}
	if (a->rev) {
		ev_fd_del(a->loop, nl_socket_get_fd(a->rev));
		nl_socket_free(a->rev);
	}
	nl_socket_free(a->gq);
	nl_socket_free(a->rq);
	free(a->tun);
	free(a->ent);
	free(a->old);
	free(a->tc_if);
	free(a);
}

struct show_ctx {
	struct accel *a;
	json_object *arr;
};

static int show_stats_cb(const struct dp_session_info *si, void *arg)
{
	struct show_ctx *c = arg;

	for (size_t i = 0; i < json_object_array_length(c->arr); i++) {
		json_object *o = json_object_array_get_idx(c->arr, i), *t, *s;

		if (!json_object_object_get_ex(o, "tunnel", &t) ||
		    !json_object_object_get_ex(o, "session", &s) ||
		    json_object_get_int(t) != ntohs(si->key.tunnel_id) ||
		    json_object_get_int(s) != ntohs(si->key.session_id))
			continue;
		json_object_object_add(o, "fast_rx_packets",
				       json_object_new_int64(si->stats.rx_packets));
		json_object_object_add(o, "fast_rx_bytes", json_object_new_int64(si->stats.rx_bytes));
		json_object_object_add(o, "fast_tx_packets",
				       json_object_new_int64(si->stats.tx_packets));
		json_object_object_add(o, "fast_tx_bytes", json_object_new_int64(si->stats.tx_bytes));
		json_object_object_add(o, "fast_rx_drops", json_object_new_int64(si->stats.rx_drops));
		json_object_object_add(o, "fast_tx_punts", json_object_new_int64(si->stats.tx_punts));
	}
	return 0;
}

struct json_object *accel_show_json(struct accel *a)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct show_ctx c = { a, arr };
	char buf[64];

	for (int i = 0; i < a->nent; i++) {
		const struct accel_entry *e = &a->ent[i];
		json_object *s = json_object_new_object(), *p = json_object_new_array();

		json_object_object_add(s, "tunnel", json_object_new_int(e->ks.tunnel_id));
		json_object_object_add(s, "session", json_object_new_int(e->ks.session_id));
		json_object_object_add(s, "peer_tunnel", json_object_new_int(e->ks.peer_tunnel_id));
		json_object_object_add(s, "peer_session",
				       json_object_new_int(e->ks.peer_session_id));
		json_object_object_add(s, "ifname", json_object_new_string(e->ks.ifname));
		if (e->t.family) {
			json_object_object_add(s, "local",
					       json_object_new_string(addr_str(&e->t.local, buf,
									       sizeof(buf))));
			json_object_object_add(s, "local_port", json_object_new_int(e->t.local_port));
			json_object_object_add(s, "peer",
					       json_object_new_string(addr_str(&e->t.peer, buf,
									       sizeof(buf))));
			json_object_object_add(s, "peer_port", json_object_new_int(e->t.peer_port));
		}
		json_object_object_add(s, "path", json_object_new_string(e->why == ACCEL_FAST
										 ? "fast"
										 : "kernel"));
		json_object_object_add(s, "reason", json_object_new_string(accel_why_str(e->why)));
		json_object_object_add(s, "why", json_object_new_string(accel_why_desc(e->why)));
		for (int j = 0; j < e->npfx; j++)
			json_object_array_add(p, json_object_new_string(prefix_str(&e->pfx[j], buf,
										   sizeof(buf))));
		json_object_object_add(s, "addresses", p);
		json_object_object_add(s, "in_dp", json_object_new_boolean(e->in_dp));
		json_object_array_add(arr, s);
	}
	dp_session_foreach(a->dp, show_stats_cb, &c);
	json_object_object_add(o, "sessions", arr);
	json_object_object_add(o, "reconciles", json_object_new_int64(a->reconciles));
	return o;
}
