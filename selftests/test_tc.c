// SPDX-License-Identifier: GPL-2.0
/* TC egress encapsulation (l2tpx_tc_encap) on a real L3 TUN device.
 *
 * Why not BPF_PROG_TEST_RUN here: for SCHED_CLS programs the kernel's test
 * run always treats data_in as Ethernet -- skb->protocol comes from
 * eth_type_trans() on its first 14 bytes, and the MAC header is 14 bytes
 * long, so bpf_skb_adjust_room(BPF_ADJ_ROOM_MAC) inserts after byte 14.  On
 * a TUN device the skb starts at the IP header with a zero-length MAC
 * header and skb->protocol set by the sender.  A test run would therefore
 * test the harness, not the program.  Instead the program is attached with
 * bpf_tc_attach to the egress of a TUN device in our private namespace and
 * fed real packets, two ways:
 *   - "local": an AF_PACKET socket sends the IP packet on the TUN device
 *     (skb->sk set, as for locally generated traffic);
 *   - "fwd": the packet is written into a second TUN device and the kernel
 *     forwards it to the first (skb->sk NULL, TTL decremented by the kernel).
 * Verdicts are observed: TC_ACT_REDIRECT = the encapsulated frame leaves
 * l2tx0 and is captured on its veth peer l2tx1; TC_ACT_OK = the packet
 * reaches the TUN reader unchanged; TC_ACT_SHOT = it shows up nowhere.
 * Counters are read from the maps after each row. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "l2tp_tc.skel.h"
#include "bpftest.h"
#include "frames.h"

#define TUN_SUB	"l2tun0"	/* subscriber netdev: TC egress attached */
#define TUN_IN	"l2tun1"	/* where "fwd" packets enter the stack */

enum {
	T_V4, T_V6, T_SEQ, T_ACFC_PFC, T_CSUM, T_ALL, T_V6ALL, T_MSS, T_MTU, T_MTU_1,
	T_NOROUTE, T_NAT, T_COUNT
};

static struct bt_sess S[T_COUNT] = {
#define TS(i, loc, pr, fl, ...) { .tunnel = 100 + (i), .session = 200 + (i), \
	.peer_tunnel = 1100 + (i), .peer_session = 1200 + (i), .local = (loc), .peer = (pr), \
	.flags = (fl), .stats_idx = 1 + (i), __VA_ARGS__ }
	[T_V4] = TS(0, BT_LOCAL4, BT_LAC4, 0),
	[T_V6] = TS(1, BT_LOCAL6, BT_LAC6, 0),
	[T_SEQ] = TS(2, BT_LOCAL4, BT_LAC4, L2TPX_SF_SEQ, .tx_ns = 0x0102),
	[T_ACFC_PFC] = TS(3, BT_LOCAL4, BT_LAC4, L2TPX_SF_ACFC | L2TPX_SF_PFC),
	[T_CSUM] = TS(4, BT_LOCAL4, BT_LAC4, L2TPX_SF_UDP_CSUM),
	[T_ALL] = TS(5, BT_LOCAL4, BT_LAC4,
		     L2TPX_SF_SEQ | L2TPX_SF_ACFC | L2TPX_SF_PFC | L2TPX_SF_UDP_CSUM),
	[T_V6ALL] = TS(6, BT_LOCAL6, BT_LAC6, L2TPX_SF_SEQ | L2TPX_SF_ACFC | L2TPX_SF_PFC,
		       .tx_ns = 0xfffe),
	[T_MSS] = TS(7, BT_LOCAL6, BT_LAC6, 0, .mss = 1360),
	/* inner 68 (IPv4 ICMP, 40 payload) + 38 */
	[T_MTU] = TS(8, BT_LOCAL4, BT_LAC4, 0, .mtu = 106),
	[T_MTU_1] = TS(9, BT_LOCAL4, BT_LAC4, 0, .mtu = 105),
	[T_NOROUTE] = TS(10, BT_LOCAL4, BT_NOROUTE4, 0),
	[T_NAT] = TS(11, BT_LOCAL4, BT_LAC4, 0, .peer_port = 40123),
#undef TS
};

static char sub4[T_COUNT][32], sub6[T_COUNT][48];

static struct {
	struct l2tp_tc_bpf *skel;
	struct bt_maps maps;
	struct bt_net net;
	int tun_sub, tun_in;	/* TUN fds */
	int if_tun_sub;
	int inject;		/* AF_PACKET DGRAM on TUN_SUB */
	int capture;		/* AF_PACKET RAW on l2tx1 */
} F;

static int tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr, "# /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		fprintf(stderr, "# TUNSETIFF %s: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int setup(void **state)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts);
	struct sockaddr_ll ll;
	int k;

	if (bt_net_setup(&F.net))
		return -1;
	F.skel = l2tp_tc_bpf__open();
	if (!F.skel || bt_unpin(F.skel->obj) || l2tp_tc_bpf__load(F.skel) ||
	    bt_maps_get(F.skel->obj, &F.maps))
		return -1;
	F.tun_sub = tun_open(TUN_SUB);
	F.tun_in = tun_open(TUN_IN);
	if (F.tun_sub < 0 || F.tun_in < 0)
		return -1;
	if (bt_sh("ip link set " TUN_SUB " up") || bt_sh("ip link set " TUN_IN " up") ||
	    bt_sh("ip route add 192.0.2.128/26 dev " TUN_SUB) ||
	    bt_sh("ip -6 route add 2001:db8:100::/40 dev " TUN_SUB))
		return -1;
	F.if_tun_sub = (int)if_nametoindex(TUN_SUB);
	for (k = 0; k < T_COUNT; k++) {
		snprintf(sub4[k], sizeof(sub4[k]), "192.0.2.%d", 128 + k);
		snprintf(sub6[k], sizeof(sub6[k]), "2001:db8:100::%x", 0x100 + k);
		if (bt_sess_put(&F.maps, &S[k]) ||
		    bt_sub_put(&F.maps, sub4[k], S[k].tunnel, S[k].session) ||
		    bt_sub_put(&F.maps, sub6[k], S[k].tunnel, S[k].session))
			return -1;
	}
	if (bt_sub_put(&F.maps, "192.0.2.176/28", S[T_V4].tunnel, S[T_V4].session))
		return -1;

	hook.ifindex = F.if_tun_sub;
	if (bpf_tc_hook_create(&hook) && errno != EEXIST)
		return -1;
	opts.prog_fd = bpf_program__fd(F.skel->progs.l2tpx_tc_encap);
	if (bpf_tc_attach(&hook, &opts)) {
		fprintf(stderr, "# bpf_tc_attach: %s\n", strerror(errno));
		return -1;
	}

	/* The kernel's own IPv6 chatter on the new TUN (MLD reports for the
	 * all-routers group) crosses the program too: let it pass first. */
	for (;;) {
		struct pollfd p = { .fd = F.tun_sub, .events = POLLIN };
		uint8_t b[PKT_MAX];

		if (poll(&p, 1, 1500) <= 0)
			break;
		while (read(F.tun_sub, b, sizeof(b)) > 0)
			;
	}

	F.inject = socket(AF_PACKET, SOCK_DGRAM, 0);
	F.capture = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (F.inject < 0 || F.capture < 0)
		return -1;
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_ALL);
	ll.sll_ifindex = F.net.if_core;
	return bind(F.capture, (struct sockaddr *)&ll, sizeof(ll));
}

static int teardown(void **state)
{
	close(F.inject);
	close(F.capture);
	close(F.tun_sub);
	close(F.tun_in);
	l2tp_tc_bpf__destroy(F.skel);
	return 0;
}

/* ---- packets in and out ---- */

static void drain(void)
{
	uint8_t b[PKT_MAX];

	while (read(F.tun_sub, b, sizeof(b)) > 0)
		;
	while (recv(F.capture, b, sizeof(b), 0) > 0)
		;
}

static int inject_local(const struct pkt *ip, uint16_t proto)
{
	struct sockaddr_ll ll;

	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(proto);
	ll.sll_ifindex = F.if_tun_sub;
	if (sendto(F.inject, pkt_cdata(ip), ip->len, 0, (struct sockaddr *)&ll,
		   sizeof(ll)) != (ssize_t)ip->len) {
		fprintf(stderr, "# AF_PACKET send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int inject_fwd(const struct pkt *ip)
{
	if (write(F.tun_in, pkt_cdata(ip), ip->len) != (ssize_t)ip->len) {
		fprintf(stderr, "# TUN write: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* What reached the TUN reader within timeout_ms (0 bytes: nothing). */
static void read_tun(struct pkt *out, int timeout_ms)
{
	struct pollfd p = { .fd = F.tun_sub, .events = POLLIN };
	ssize_t n;

	pkt_init(out);
	if (poll(&p, 1, timeout_ms) <= 0)
		return;
	n = read(F.tun_sub, pkt_data(out), PKT_MAX - out->off);
	if (n > 0)
		out->len = (size_t)n;
}

/* The first frame on l2tx1 carrying UDP from local_port to peer_port. */
static void read_wire(struct pkt *out, uint16_t sport, uint16_t dport, int timeout_ms)
{
	struct pollfd p = { .fd = F.capture, .events = POLLIN };
	uint8_t b[PKT_MAX];

	pkt_init(out);
	while (poll(&p, 1, timeout_ms) > 0) {
		ssize_t n = recv(F.capture, b, sizeof(b), 0);
		uint16_t type;
		size_t l4;

		if (n < 14 + 40 + 8)
			continue;
		type = get_be16(b + 12);
		if (type == ETH_P_IP_ && b[14 + 9] == IPPROTO_UDP_)
			l4 = 14 + (b[14] & 0x0f) * 4u;
		else if (type == ETH_P_IPV6_ && b[14 + 6] == IPPROTO_UDP_)
			l4 = 14 + 40;
		else
			continue;
		if (get_be16(b + l4) != sport || get_be16(b + l4 + 2) != dport)
			continue;
		pkt_set(out, b, (size_t)n);
		return;
	}
}

/* ---- rows ---- */

enum how { LOCAL, FWD_IN };
enum verdict { V_REDIRECT, V_OK, V_SHOT };

struct row {
	const char *what;
	int sess;
	enum how how;
	bool inner6;
	const char *idst;	/* default: the session's subscriber address */
	uint8_t l4;		/* 0: ICMP */
	size_t payload;		/* 0: 40 */
	uint16_t mss_in, mss_out;	/* TCP SYN */
	bool arp;		/* an ARP body sent as ETH_P_ARP */
	enum verdict verdict;
	int reason;
	enum { SST_NONE, SST_TX, SST_PUNT } sst;
};

#define REDIR	.verdict = V_REDIRECT, .reason = L2TPX_R_TC_ENCAP_FWD, .sst = SST_TX
#define OK(r, s)	.verdict = V_OK, .reason = L2TPX_R_##r, .sst = (s)

static const struct row rows[] = {
	{ "local v4 inner, v4 outer", .sess = T_V4, REDIR },
	{ "local v6 inner, v4 outer", .sess = T_V4, .inner6 = true, REDIR },
	{ "local v4 inner, v6 outer", .sess = T_V6, REDIR },
	{ "local v6 inner, v6 outer", .sess = T_V6, .inner6 = true, REDIR },
	{ "framed prefix (lpm4)", .sess = T_V4, .idst = "192.0.2.180", REDIR },
	{ "seq: Ns from tx_ns", .sess = T_SEQ, REDIR },
	{ "ACFC+PFC", .sess = T_ACFC_PFC, REDIR },
	{ "ACFC+PFC, inner v6", .sess = T_ACFC_PFC, .inner6 = true, REDIR },
	{ "UDP checksum over IPv4 (ICMP inner)", .sess = T_CSUM, .payload = 333, REDIR },
	{ "all flags, v4 outer", .sess = T_ALL, .inner6 = true, REDIR },
	{ "all flags, v6 outer", .sess = T_V6ALL, REDIR },
	{ "NATed peer port", .sess = T_NAT, REDIR },
	{ "exactly the session MTU", .sess = T_MTU, REDIR },
	{ "forwarded v4 UDP to a UDP-checksum session", .sess = T_CSUM, .how = FWD_IN,
	  .l4 = IPPROTO_UDP_, .payload = 101, REDIR },
	{ "forwarded v6 TCP over v6 outer", .sess = T_V6, .how = FWD_IN, .inner6 = true,
	  .l4 = IPPROTO_TCP_, REDIR },
	{ "forwarded v4 SYN 1460 clamped to 1360", .sess = T_MSS, .how = FWD_IN,
	  .l4 = IPPROTO_TCP_, .mss_in = 1460, .mss_out = 1360, REDIR },
	{ "forwarded v6 SYN 1440 clamped to 1360", .sess = T_MSS, .how = FWD_IN, .inner6 = true,
	  .l4 = IPPROTO_TCP_, .mss_in = 1440, .mss_out = 1360, REDIR },
	{ "forwarded v6 SYN 1200 untouched", .sess = T_MSS, .how = FWD_IN, .inner6 = true,
	  .l4 = IPPROTO_TCP_, .mss_in = 1200, .mss_out = 1200, REDIR },
	{ "nobody's v4 address: NO_SUBSCRIBER", .sess = T_V4, .idst = "192.0.2.170",
	  OK(NO_SUBSCRIBER, SST_NONE) },
	{ "nobody's v6 address: NO_SUBSCRIBER", .sess = T_V4, .inner6 = true,
	  .idst = "2001:db8:100::99:1", OK(NO_SUBSCRIBER, SST_NONE) },
	{ "one byte over the session MTU: TOO_BIG", .sess = T_MTU_1, OK(TOO_BIG, SST_PUNT) },
	{ "peer without route: ENCAP_NO_ROUTE", .sess = T_NOROUTE, OK(ENCAP_NO_ROUTE, SST_PUNT) },
	{ "local TCP on an IPv6-outer session: TC_SLOW", .sess = T_V6, .l4 = IPPROTO_TCP_,
	  OK(TC_SLOW, SST_PUNT) },
	{ "non-IP on the TUN: NOT_IP", .sess = T_V4, .arp = true, OK(NOT_IP, SST_NONE) },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void build(const struct row *r, struct pkt *ip)
{
	struct inner_spec in = {
		.src = A(r->inner6 ? BT_COREHOST6 : BT_COREHOST4),
		.dst = A(r->idst ? r->idst : r->inner6 ? sub6[r->sess] : sub4[r->sess]),
		.l4 = r->l4 ? r->l4 : IPPROTO_ICMP_,
		.ttl = 64,
		.payload_len = r->payload ? r->payload : r->mss_in ? 0 : 40,
		.mss = r->mss_in,
		.mss_place = MSS_FIRST,
	};

	if (r->arp) {
		pkt_init(ip);
		pkt_fill(ip, 28, 0x01);
		return;
	}
	inner_build(ip, &in);
}

static void run_row(void **state)
{
	const struct row *r = *state;
	const struct bt_sess *s = &S[r->sess];
	static struct pkt ip, want, wire, tun, exp;
	struct l2tpx_sess_stats sb, sa, d = { 0 };
	struct bt_counts cb, ca;
	bool ok = true;
	int id_at = -1, which;

	build(r, &ip);
	/* What the program sees: after the kernel's forwarding for FWD_IN. */
	pkt_copy(&want, &ip);
	if (r->how == FWD_IN)
		ip_dec_ttl(pkt_data(&want));

	assert_int_equal(bt_sess_put(&F.maps, s), 0);
	drain();
	assert_int_equal(bt_reasons_read(F.maps.reasons, &cb), 0);
	assert_int_equal(bt_sstats_read(F.maps.sstats, s->stats_idx, &sb), 0);
	if (r->how == FWD_IN)
		assert_int_equal(inject_fwd(&ip), 0);
	else
		assert_int_equal(inject_local(&ip, r->arp ? ETH_P_ARP
					     : r->inner6 ? ETH_P_IPV6 : ETH_P_IP), 0);
	read_wire(&wire, s->local_port ? s->local_port : 1701,
		  s->peer_port ? s->peer_port : 1701, r->verdict == V_REDIRECT ? 1000 : 200);
	read_tun(&tun, r->verdict == V_OK ? 1000 : 100);
	assert_int_equal(bt_reasons_read(F.maps.reasons, &ca), 0);
	assert_int_equal(bt_sstats_read(F.maps.sstats, s->stats_idx, &sa), 0);

	which = bt_reasons_which(&cb, &ca);
	if (which != r->reason)
		fprintf(stderr, "# reason %s, expected %s\n",
			which >= 0 ? bt_reason(which) : which == -1 ? "(none)" : "(several)",
			bt_reason(r->reason));
	ok &= bt_reasons_moved(&cb, &ca, r->reason, 1, want.len);
	if (r->sst == SST_TX) {
		d.tx_packets = 1;
		d.tx_bytes = want.len;
	} else if (r->sst == SST_PUNT) {
		d.tx_punts = 1;
	}
	ok &= bt_sstats_moved(&sb, &sa, &d);

	if (r->verdict == V_REDIRECT) {
		if (r->mss_in) {
			struct inner_spec in = {
				.src = A(r->inner6 ? BT_COREHOST6 : BT_COREHOST4),
				.dst = A(r->inner6 ? sub6[r->sess] : sub4[r->sess]),
				.l4 = IPPROTO_TCP_, .ttl = 63, .mss = r->mss_out,
				.mss_place = MSS_FIRST,
			};

			inner_build(&want, &in);
		}
		bt_encap_expected(s, &want, (uint16_t)s->tx_ns, true, false, &exp, &id_at);
		if (!wire.len) {
			fprintf(stderr, "# nothing encapsulated left l2tx0\n");
			ok = false;
		} else {
			if (id_at >= 0 && wire.len >= (size_t)id_at + 20) {
				uint8_t *h = pkt_data(&exp) + id_at;

				memcpy(h + 4, pkt_data(&wire) + id_at + 4, 2);
				put_be16(h + 10, ip4_hdr_csum(h, 20));
			}
			ok &= bytes_match("on the wire", pkt_data(&exp), exp.len,
					  pkt_data(&wire), wire.len);
		}
		if (tun.len) {
			fprintf(stderr, "# the packet also reached the TUN reader\n");
			ok = false;
		}
	} else if (r->verdict == V_OK) {
		if (!tun.len) {
			fprintf(stderr, "# the packet did not reach the TUN reader\n");
			ok = false;
		} else {
			ok &= bytes_match("at the TUN reader", pkt_data(&want), want.len,
					  pkt_data(&tun), tun.len);
		}
		if (wire.len) {
			fprintf(stderr, "# an encapsulated frame left l2tx0\n");
			ok = false;
		}
	}
	if (!ok)
		hexdump("input", pkt_data(&ip), ip.len);
	assert_true(ok);
}

static void seq_increments(void **state)
{
	const struct bt_sess *s = &S[T_V6ALL];
	static struct pkt ip, wire, exp;
	struct inner_spec in = {
		.src = A(BT_COREHOST4), .dst = A(sub4[T_V6ALL]), .l4 = IPPROTO_ICMP_,
		.ttl = 64, .payload_len = 40,
	};
	struct l2tpx_session v;
	bool ok = true;
	int i, id_at;

	inner_build(&ip, &in);
	assert_int_equal(bt_sess_put(&F.maps, s), 0);
	drain();
	for (i = 0; i < 4; i++) {
		assert_int_equal(inject_local(&ip, ETH_P_IP), 0);
		read_wire(&wire, 1701, 1701, 1000);
		bt_encap_expected(s, &ip, (uint16_t)(s->tx_ns + (uint32_t)i), true, false, &exp,
				  &id_at);
		if (!bytes_match("on the wire", pkt_data(&exp), exp.len, pkt_data(&wire),
				 wire.len)) {
			fprintf(stderr, "# packet %d\n", i + 1);
			ok = false;
		}
	}
	assert_int_equal(bt_sess_get(&F.maps, s->tunnel, s->session, &v), 0);
	if (v.tx_ns != s->tx_ns + 4) {
		fprintf(stderr, "# tx_ns %x, expected %x\n", v.tx_ns, s->tx_ns + 4);
		ok = false;
	}
	assert_true(ok);
}

int main(void)
{
	static struct CMUnitTest tests[NROWS + 1];
	size_t i, n = 0;

	for (i = 0; i < NROWS; i++)
		tests[n++] = (struct CMUnitTest){ .name = rows[i].what, .test_func = run_row,
						  .initial_state = (void *)&rows[i] };
	tests[n++] = (struct CMUnitTest){ .name = "seq: Ns fffe, ffff, 0000, 0001 (v6 outer)",
					  .test_func = seq_increments };
	return _cmocka_run_group_tests("tc", tests, n, setup, teardown);
}
