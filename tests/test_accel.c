// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/accel.c's translation: L2TP generic netlink messages,
 * /proc/net/pppol2tp text and rtnetlink addresses/routes (all crafted with
 * libnl, no kernel) into the session model, and the verdict on each
 * session: its data-plane entry, or why it stays on the kernel path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/l2tp.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <cmocka.h>

#include "accel.h"
#include "util.h"

#define FAM	0x1d	/* any generic netlink family id */

static struct nl_msg *genl(int cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, FAM, 0, 0, cmd, L2TP_GENL_VERSION));
	return m;
}

/* What the 6.1 kernel dumps for xl2tpd's fd-based IPv4 tunnel. */
static struct nl_msg *tunnel_v4(void)
{
	struct nl_msg *m = genl(L2TP_CMD_TUNNEL_GET);

	nla_put_u32(m, L2TP_ATTR_CONN_ID, 4711);
	nla_put_u32(m, L2TP_ATTR_PEER_CONN_ID, 815);
	nla_put_u8(m, L2TP_ATTR_PROTO_VERSION, 2);
	nla_put_u16(m, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	nla_put_u8(m, L2TP_ATTR_UDP_CSUM, 1);
	nla_put_u16(m, L2TP_ATTR_UDP_SPORT, 1701);
	nla_put_u16(m, L2TP_ATTR_UDP_DPORT, 40000);
	nla_put_u32(m, L2TP_ATTR_IP_SADDR, inet_addr("192.0.2.2"));
	nla_put_u32(m, L2TP_ATTR_IP_DADDR, inet_addr("192.0.2.1"));
	return m;
}

static struct nl_msg *session_ppp(void)
{
	struct nl_msg *m = genl(L2TP_CMD_SESSION_GET);

	nla_put_u32(m, L2TP_ATTR_CONN_ID, 4711);
	nla_put_u32(m, L2TP_ATTR_SESSION_ID, 33);
	nla_put_u32(m, L2TP_ATTR_PEER_CONN_ID, 815);
	nla_put_u32(m, L2TP_ATTR_PEER_SESSION_ID, 77);
	nla_put_u16(m, L2TP_ATTR_PW_TYPE, L2TP_PWTYPE_PPP);
	nla_put_u8(m, L2TP_ATTR_RECV_SEQ, 0);
	nla_put_u8(m, L2TP_ATTR_SEND_SEQ, 0);
	nla_put_u8(m, L2TP_ATTR_LNS_MODE, 1);
	return m;
}

static void test_tunnel_v4(void **state)
{
	struct nl_msg *m = tunnel_v4();
	struct accel_tunnel t;
	struct l2tpx_addr a;

	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(m), &t), 0);
	assert_int_equal(t.id, 4711);
	assert_int_equal(t.peer_id, 815);
	assert_int_equal(t.version, 2);
	assert_int_equal(t.encap, L2TP_ENCAPTYPE_UDP);
	assert_int_equal(t.family, AF_INET);
	addr_parse("192.0.2.2", &a);
	assert_memory_equal(&t.local, &a, sizeof(a));
	addr_parse("192.0.2.1", &a);
	assert_memory_equal(&t.peer, &a, sizeof(a));
	assert_int_equal(t.local_port, 1701);
	assert_int_equal(t.peer_port, 40000);
	assert_true(t.udp_csum);
	nlmsg_free(m);
}

static void test_tunnel_v6(void **state)
{
	struct nl_msg *m = genl(L2TP_CMD_TUNNEL_GET);
	struct accel_tunnel t;
	struct l2tpx_addr l, p;

	addr_parse("2001:db8::2", &l);
	addr_parse("2001:db8::1", &p);
	nla_put_u32(m, L2TP_ATTR_CONN_ID, 9);
	nla_put_u8(m, L2TP_ATTR_PROTO_VERSION, 2);
	nla_put_u16(m, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	nla_put(m, L2TP_ATTR_IP6_SADDR, 16, l.a8);
	nla_put(m, L2TP_ATTR_IP6_DADDR, 16, p.a8);
	nla_put_u16(m, L2TP_ATTR_UDP_SPORT, 1701);
	nla_put_u16(m, L2TP_ATTR_UDP_DPORT, 1701);
	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(m), &t), 0);
	assert_int_equal(t.family, AF_INET6);
	assert_memory_equal(&t.local, &l, sizeof(l));
	assert_memory_equal(&t.peer, &p, sizeof(p));
	assert_true(t.udp_csum);	/* IPv6 checksums unless told otherwise */
	nlmsg_free(m);
}

/* Bad input gets -EINVAL, never a half-filled model or a crash. */
static void test_tunnel_bad(void **state)
{
	struct accel_tunnel t;
	struct nl_msg *m = genl(L2TP_CMD_TUNNEL_GET);
	struct nlmsghdr *h;
	static const uint8_t junk[4] = { 1, 2, 3, 4 };

	/* no CONN_ID */
	nla_put_u16(m, L2TP_ATTR_UDP_SPORT, 1701);
	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(m), &t), -EINVAL);
	nlmsg_free(m);
	/* a 2-byte IPv4 address */
	m = genl(L2TP_CMD_TUNNEL_GET);
	nla_put_u32(m, L2TP_ATTR_CONN_ID, 1);
	nla_put(m, L2TP_ATTR_IP_SADDR, 2, junk);
	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(m), &t), -EINVAL);
	nlmsg_free(m);
	/* a 3-byte IPv6 address */
	m = genl(L2TP_CMD_TUNNEL_GET);
	nla_put_u32(m, L2TP_ATTR_CONN_ID, 1);
	nla_put(m, L2TP_ATTR_IP6_DADDR, 3, junk);
	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(m), &t), -EINVAL);
	nlmsg_free(m);
	/* a header shorter than the generic netlink header */
	m = tunnel_v4();
	h = nlmsg_hdr(m);
	h->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(accel_parse_tunnel(h, &t), -EINVAL);
	nlmsg_free(m);
	assert_int_equal(accel_parse_tunnel(NULL, &t), -EINVAL);
}

static void test_session(void **state)
{
	struct nl_msg *m = session_ppp();
	struct accel_ksess s;
	uint8_t cookie[4] = { 1, 2, 3, 4 };

	nla_put_string(m, L2TP_ATTR_IFNAME, "ppp3");
	nla_put(m, L2TP_ATTR_COOKIE, 4, cookie);
	assert_int_equal(accel_parse_session(nlmsg_hdr(m), &s), 0);
	assert_int_equal(s.tunnel_id, 4711);
	assert_int_equal(s.session_id, 33);
	assert_int_equal(s.peer_tunnel_id, 815);
	assert_int_equal(s.peer_session_id, 77);
	assert_int_equal(s.pw_type, L2TP_PWTYPE_PPP);
	assert_false(s.send_seq);
	assert_false(s.recv_seq);
	assert_true(s.lns_mode);
	assert_int_equal(s.cookie_len, 4);
	assert_string_equal(s.ifname, "ppp3");
	nlmsg_free(m);
}

static void test_session_bad(void **state)
{
	struct nl_msg *m = genl(L2TP_CMD_SESSION_GET);
	struct accel_ksess s;

	/* no SESSION_ID */
	nla_put_u32(m, L2TP_ATTR_CONN_ID, 1);
	assert_int_equal(accel_parse_session(nlmsg_hdr(m), &s), -EINVAL);
	nlmsg_free(m);
	/* an interface name longer than any interface's */
	m = session_ppp();
	nla_put_string(m, L2TP_ATTR_IFNAME, "ppp0123456789abcdef");
	assert_int_equal(accel_parse_session(nlmsg_hdr(m), &s), -EINVAL);
	nlmsg_free(m);
	/* a 9-byte cookie */
	m = session_ppp();
	nla_put(m, L2TP_ATTR_PEER_COOKIE, 9, "123456789");
	assert_int_equal(accel_parse_session(nlmsg_hdr(m), &s), -EINVAL);
	nlmsg_free(m);
}

struct seen {
	uint32_t tid[4], sid[4];
	char ifname[4][IF_NAMESIZE];
	int n;
};

static void seen_cb(uint32_t tid, uint32_t sid, const char *ifname, void *arg)
{
	struct seen *s = arg;

	if (s->n < 4) {
		s->tid[s->n] = tid;
		s->sid[s->n] = sid;
		snprintf(s->ifname[s->n], IF_NAMESIZE, "%s", ifname);
	}
	s->n++;
}

static void test_pppol2tp_proc(void **state)
{
	/* The 6.1 layout; the second session has no pppN yet, the third
	 * line set is garbage, the last session's ids are out of range. */
	static const char text[] =
		"TUNNEL name, user-data-ok session-count\n"
		" debug tx-pkts/bytes/errs rx-pkts/bytes/errs\n"
		"  SESSION name, addr/port src-tid/sid dest-tid/sid state user-data-ok\n"
		"   mtu/mru/rcvseq/sendseq/lns debug reorderto\n"
		"   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs\n"
		"\n"
		"TUNNEL 'tunl 4711', Y 2\n"
		" 00000000 10/600/0 12/700/0\n"
		"  SESSION 'sess 4711/33' C0000202/1701 1267/0021 -> 032F/004D 3 Y\n"
		"   1400/1400/-/-/LNS 00000000 0\n"
		"   0/0 10/600/0 12/700/0\n"
		"   interface ppp0\n"
		"  SESSION 'sess 4711/34' C0000202/1701 1267/0022 -> 032F/004E 1 Y\n"
		"   1400/1400/-/-/LNS 00000000 0\n"
		"  SESSION 'odd name' with junk\n"
		"   interface pppX\n"
		"  SESSION 'sess x' C0000202/1701 12345/0023 -> 032F/004E 1 Y\n"
		"   interface ppp9\n"
		"TUNNEL 'tunl 5', Y 1\n"
		"  SESSION 'sess 5/1' C0000202/1701 0005/0001 -> 0001/0001 3 Y\n"
		"   interface ppp12";
	struct seen s = { 0 };

	assert_int_equal(accel_parse_pppol2tp(text, seen_cb, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.tid[0], 4711);
	assert_int_equal(s.sid[0], 33);
	assert_string_equal(s.ifname[0], "ppp0");
	assert_int_equal(s.tid[1], 5);
	assert_int_equal(s.sid[1], 1);
	assert_string_equal(s.ifname[1], "ppp12");
	/* empty and truncated text */
	s.n = 0;
	assert_int_equal(accel_parse_pppol2tp("", seen_cb, &s), 0);
	assert_int_equal(accel_parse_pppol2tp("  SESSION 'a", seen_cb, &s), 0);
	assert_int_equal(s.n, 0);
}

/* A session model from the crafted messages, ready for accel_judge. */
static void entry(struct accel_entry *e)
{
	struct nl_msg *t = tunnel_v4(), *s = session_ppp();

	memset(e, 0, sizeof(*e));
	assert_int_equal(accel_parse_tunnel(nlmsg_hdr(t), &e->t), 0);
	assert_int_equal(accel_parse_session(nlmsg_hdr(s), &e->ks), 0);
	snprintf(e->ks.ifname, sizeof(e->ks.ifname), "ppp0");
	e->ifindex = 7;
	e->npfx = 1;
	e->pfx[0].family = AF_INET;
	e->pfx[0].len = 32;
	inet_pton(AF_INET, "203.0.113.10", e->pfx[0].addr);
	nlmsg_free(t);
	nlmsg_free(s);
}

static void test_judge_fast(void **state)
{
	struct accel_entry e;
	struct l2tpx_sess_key k;
	struct l2tpx_session v;
	struct l2tpx_addr a;

	entry(&e);
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_FAST);
	assert_int_equal(k.tunnel_id, htons(4711));
	assert_int_equal(k.session_id, htons(33));
	assert_int_equal(v.peer_tunnel_id, htons(815));
	assert_int_equal(v.peer_session_id, htons(77));
	assert_int_equal(v.local_port, htons(1701));
	assert_int_equal(v.peer_port, htons(40000));
	addr_parse("192.0.2.1", &a);
	assert_memory_equal(&v.peer, &a, sizeof(a));
	addr_parse("192.0.2.2", &a);
	assert_memory_equal(&v.local, &a, sizeof(a));
	assert_int_equal(v.flags, L2TPX_SF_ANTISPOOF | L2TPX_SF_UDP_CSUM);
	assert_int_equal(v.mtu, 1500);
	assert_string_equal(accel_why_str(e.why), "fast-path");
}

static void test_judge_kernel_path(void **state)
{
	struct accel_entry e;
	struct l2tpx_sess_key k;
	struct l2tpx_session v;

	entry(&e);
	e.ks.send_seq = true;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_SEQ);
	entry(&e);
	e.ks.recv_seq = true;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_SEQ);
	entry(&e);
	e.ks.peer_cookie_len = 4;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_COOKIE);
	entry(&e);
	e.t.id = 0;	/* the session's tunnel was not in the dump */
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_TUNNEL);
	entry(&e);
	e.t.version = 3;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NOT_V2);
	entry(&e);
	e.ks.session_id = 0x10000;	/* not a v2 id */
	e.t.id = e.ks.tunnel_id;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NOT_V2);
	entry(&e);
	e.ks.pw_type = L2TP_PWTYPE_ETH;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NOT_PPP);
	entry(&e);
	e.t.peer_port = 0;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_ENDPOINTS);
	entry(&e);
	e.t.family = 0;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_ENDPOINTS);
	entry(&e);
	e.ks.ifname[0] = 0;
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_IFACE);
	entry(&e);
	e.ifindex = 0;	/* pppN gone or down */
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_IFACE);
	entry(&e);
	e.npfx = 0;	/* IPCP not open yet */
	assert_int_equal(accel_judge(&e, "", 1500, &k, &v), ACCEL_NO_ADDR);
	entry(&e);
	assert_int_equal(accel_judge(&e, "eth9 ppp*", 1500, &k, &v), ACCEL_KEPT);
	entry(&e);
	assert_int_equal(accel_judge(&e, "ppp1?,ppp2", 1500, &k, &v), ACCEL_FAST);
	assert_string_equal(accel_why_str(ACCEL_SEQ), "sequencing");
	assert_string_equal(accel_why_str(ACCEL_WHY_MAX), "?");
}

static void add_addr(struct nl_cache *c, int ifindex, const char *local, const char *peer)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l, *p = NULL;
	struct nl_msg *m;

	assert_int_equal(nl_addr_parse(local, AF_UNSPEC, &l), 0);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, l);
	if (peer) {
		assert_int_equal(nl_addr_parse(peer, AF_UNSPEC, &p), 0);
		rtnl_addr_set_peer(a, p);
	}
	assert_int_equal(rtnl_addr_build_add_request(a, 0, &m), 0);
	assert_int_equal(nl_cache_parse_and_add(c, m), 0);
	nlmsg_free(m);
	nl_addr_put(l);
	nl_addr_put(p);
	rtnl_addr_put(a);
}

static void add_route(struct nl_cache *c, const char *dst, int ifindex, int table)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d;
	struct nl_msg *m;

	assert_int_equal(nl_addr_parse(dst, AF_UNSPEC, &d), 0);
	rtnl_route_set_family(r, nl_addr_get_family(d));
	rtnl_route_set_dst(r, d);
	rtnl_route_set_table(r, table);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(r, nh);
	assert_int_equal(rtnl_route_build_add_request(r, 0, &m), 0);
	assert_int_equal(nl_cache_parse_and_add(c, m), 0);
	nlmsg_free(m);
	nl_addr_put(d);
	rtnl_route_put(r);
}

static bool has_pfx(const struct accel_entry *e, const char *s)
{
	char buf[64];

	for (int i = 0; i < e->npfx; i++)
		if (!strcmp(prefix_str(&e->pfx[i], buf, sizeof(buf)), s))
			return true;
	return false;
}

/* pppd's address pair and the framed routes via pppN; nothing else. */
static void test_collect(void **state)
{
	struct nl_cache *addrs, *routes;
	struct accel_entry e;
	char buf[64];

	assert_int_equal(nl_cache_alloc_name("route/addr", &addrs), 0);
	assert_int_equal(nl_cache_alloc_name("route/route", &routes), 0);
	add_addr(addrs, 7, "203.0.113.1", "203.0.113.10/32");
	add_addr(addrs, 7, "fe80::1/64", NULL);			/* no peer: not a subscriber's */
	add_addr(addrs, 8, "203.0.113.1", "203.0.113.11/32");	/* another pppN */
	add_addr(addrs, 7, "203.0.113.1", "203.0.113.10/32");	/* duplicate */
	add_route(routes, "203.0.113.10/32", 7, RT_TABLE_MAIN);	/* the peer route: same */
	add_route(routes, "198.51.100.0/24", 7, RT_TABLE_MAIN);	/* framed route */
	add_route(routes, "2001:db8:1::/48", 7, RT_TABLE_MAIN);	/* delegated prefix */
	add_route(routes, "0.0.0.0/0", 7, RT_TABLE_MAIN);	/* default: not framed */
	add_route(routes, "fe80::/64", 7, RT_TABLE_MAIN);	/* link-local */
	add_route(routes, "ff00::/8", 7, RT_TABLE_MAIN);	/* multicast */
	add_route(routes, "198.51.100.128/25", 7, 100);		/* other table */
	add_route(routes, "192.0.2.128/25", 8, RT_TABLE_MAIN);	/* other pppN */

	memset(&e, 0, sizeof(e));
	e.ifindex = 7;
	accel_collect(&e, NULL, addrs, routes);
	for (int i = 0; i < e.npfx; i++)
		print_message("# pfx %s\n", prefix_str(&e.pfx[i], buf, sizeof(buf)));
	assert_int_equal(e.npfx, 3);
	assert_true(has_pfx(&e, "203.0.113.10/32"));
	assert_true(has_pfx(&e, "198.51.100.0/24"));
	assert_true(has_pfx(&e, "2001:db8:1::/48"));

	/* No interface: nothing collected. */
	memset(&e, 0, sizeof(e));
	accel_collect(&e, NULL, addrs, routes);
	assert_int_equal(e.npfx, 0);
	nl_cache_free(addrs);
	nl_cache_free(routes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_v4),
		cmocka_unit_test(test_tunnel_v6),
		cmocka_unit_test(test_tunnel_bad),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_session_bad),
		cmocka_unit_test(test_pppol2tp_proc),
		cmocka_unit_test(test_judge_fast),
		cmocka_unit_test(test_judge_kernel_path),
		cmocka_unit_test(test_collect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
