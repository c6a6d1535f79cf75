// SPDX-License-Identifier: GPL-2.0
/* prog_cost: per-packet cost of the l2tpx XDP and TC programs, timed with
 * BPF_PROG_TEST_RUN in a private network namespace next to a no-op XDP
 * program, with the path every timed run took proven by the reason
 * counters.  Prints Markdown for scripts/bench.sh.
 *
 * Three ways of timing, each against an empty program timed the same way:
 *   direct   repeat R on one buffer, for programs that leave the frame as
 *            they found it (no-op, parse-only);
 *   restore  repeat R of a bench_xdp.bpf.c wrapper that restores the frame
 *            from a template and then runs the shipped worker; the wrapper
 *            is timed next to bench_restore_only on the same template and
 *            the difference is the worker's cost;
 *   single   repeat 1, S calls, median of the kernel's per-call figure: for
 *            TC, whose frame cannot be restored in BPF (see tc_note below),
 *            and as a cross-check of every XDP row through the shipped
 *            program itself. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "l2tpx.h"
#include "dp.h"
#include "xdp_noop.skel.h"
#include "l2tp_xdp.skel.h"
#include "l2tp_tc.skel.h"
#include "bench_xdp.skel.h"

#define FRAME_MAX	2048
#define MAX_RUNS	31
#define MAX_ROWS	24
#define RESTORE_MAX	256	/* BENCH_RESTORE_MAX in bpf/bench_xdp.bpf.c */

/* bench_tmpl's value; its size is checked against the map at run time. */
struct bench_tmpl {
	__u32 len;
	__u32 restore;
	__u8 data[RESTORE_MAX];
};

/* ---- the namespace: what the FIB lookups of the timed programs see ----
 *
 *   bx0 (uplink, XDP port) 192.0.2.1/24 2001:db8:1::1/64
 *       LAC 192.0.2.2 / 2001:db8:1::2, permanent neighbour
 *   bx1 (core, XDP port)   203.0.113.1/24 2001:db8:203::1/64
 *       server 203.0.113.2 / 2001:db8:203::2, permanent neighbour
 *   l2tpx0 (TUN)           subscribers 198.51.100.0/24, 2001:db8:100::/48
 */
#define IF_UP		"bx0"
#define IF_CORE		"bx1"
#define IF_TUN		"l2tpx0"
static const uint8_t mac_up[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac_lac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t mac_core[6] = { 2, 0, 0, 0, 1, 1 };
static const uint8_t mac_server[6] = { 2, 0, 0, 0, 1, 2 };
#define LOCAL4		"192.0.2.1"
#define LAC4		"192.0.2.2"
#define LOCAL6		"2001:db8:1::1"
#define LAC6		"2001:db8:1::2"
#define SERVER4		"203.0.113.2"
/* The TC frame is an IPv6 packet from here: see tc_note. */
#define SERVER6_TC	"2001:db8:86dd::2"

static const char *const net_cmds[] = {
	"ip link set lo up",
	"ip link add " IF_UP " address 02:00:00:00:00:01 type veth peer name " IF_UP
	"p address 02:00:00:00:00:02",
	"ip link add " IF_CORE " address 02:00:00:00:01:01 type veth peer name " IF_CORE
	"p address 02:00:00:00:01:02",
	"ip tuntap add dev " IF_TUN " mode tun",
	"ip link set " IF_UP " up", "ip link set " IF_UP "p up",
	"ip link set " IF_CORE " up", "ip link set " IF_CORE "p up",
	"ip link set " IF_TUN " up",
	"ip addr add " LOCAL4 "/24 dev " IF_UP,
	"ip -6 addr add " LOCAL6 "/64 dev " IF_UP " nodad",
	"ip addr add 203.0.113.1/24 dev " IF_CORE,
	"ip -6 addr add 2001:db8:203::1/64 dev " IF_CORE " nodad",
	"ip neigh replace " LAC4 " lladdr 02:00:00:00:00:02 dev " IF_UP " nud permanent",
	"ip -6 neigh replace " LAC6 " lladdr 02:00:00:00:00:02 dev " IF_UP " nud permanent",
	"ip neigh replace " SERVER4 " lladdr 02:00:00:00:01:02 dev " IF_CORE " nud permanent",
	"ip -6 neigh replace 2001:db8:203::2 lladdr 02:00:00:00:01:02 dev " IF_CORE
	" nud permanent",
	"ip route add 198.51.100.0/24 dev " IF_TUN,
	"ip -6 route add 2001:db8:100::/48 dev " IF_TUN,
};

/* ---- sessions ---- */

struct bsess {
	__u16 tunnel, session;		/* ours: in the frames from the LAC */
	int v6;				/* outer family */
	__u32 flags;
	const char *sub;		/* subscriber address (dst4 or dst6) */
};

enum { S_V4, S_V6, S_V4_CSUM, S_V4_SPOOF };
static const struct bsess sessions[] = {
	[S_V4] = { 100, 200, 0, 0, "198.51.100.2" },
	[S_V6] = { 101, 201, 1, L2TPX_SF_IPV6, "198.51.100.3" },
	[S_V4_CSUM] = { 102, 202, 0, L2TPX_SF_UDP_CSUM, "198.51.100.4" },
	[S_V4_SPOOF] = { 103, 203, 0, L2TPX_SF_ANTISPOOF, "198.51.100.5" },
};
#define SUB6_TC		"2001:db8:100::2"	/* second address of S_V4, for TC */

/* ---- output helpers ---- */

static int quiet, verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "prog_cost: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static const char *reason_name(int r)
{
	static const char *const names[] = {
#define L2TPX_REASON_STR(name, str, desc) str,
		L2TPX_REASONS(L2TPX_REASON_STR)
#undef L2TPX_REASON_STR
	};

	return r >= 0 && r < L2TPX_R_MAX ? names[r] : "?";
}

static const char *xdp_act(__u32 a)
{
	static const char *const n[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };

	return a < 5 ? n[a] : "?";
}

static const char *tc_act(__u32 a)
{
	switch ((int)a) {
	case TC_ACT_OK: return "TC_ACT_OK";
	case TC_ACT_SHOT: return "TC_ACT_SHOT";
	case TC_ACT_REDIRECT: return "TC_ACT_REDIRECT";
	default: return "?";
	}
}

/* ---- frames: byte by byte, network order ---- */

struct frame {
	uint8_t b[FRAME_MAX];
	__u32 len;
	__u32 restore;		/* leading bytes the programs may write */
	int ifindex;		/* ingress (XDP) or skb->ifindex (TC) */
	int tc;			/* an skb frame for the TC program */
	int inner;		/* inner IP length, for the labels */
};

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void addr(int af, const char *s, void *out)
{
	if (inet_pton(af, s, out) != 1)
		die("bad address %s", s);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static size_t put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	wr16(p + 12, proto);
	return 14;
}

static size_t put_ip4(uint8_t *p, const char *src, const char *dst, uint8_t proto,
		      uint16_t tot, uint8_t ttl)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	wr16(p + 2, tot);
	wr16(p + 4, 0x1234);
	p[8] = ttl;
	p[9] = proto;
	addr(AF_INET, src, p + 12);
	addr(AF_INET, dst, p + 16);
	wr16(p + 10, fold(sum16(p, 20, 0)));
	return 20;
}

static size_t put_ip6(uint8_t *p, const char *src, const char *dst, uint8_t nh,
		      uint16_t plen, uint8_t hlim)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	wr16(p + 4, plen);
	p[6] = nh;
	p[7] = hlim;
	addr(AF_INET6, src, p + 8);
	addr(AF_INET6, dst, p + 24);
	return 40;
}

/* Checksum of an L4 header + payload at l4 inside IPv6 header ip6. */
static void csum6(const uint8_t *ip6, uint8_t *l4, size_t len, int off)
{
	uint32_t sum = sum16(ip6 + 8, 32, 0) + len + ip6[6];
	uint16_t c;

	wr16(l4 + off, 0);
	c = fold(sum16(l4, len, sum));
	wr16(l4 + off, c ? c : 0xffff);
}

static void fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = i * 7 + 1;
}

/* An IPv4/UDP packet of tot bytes. */
static size_t put_inner4(uint8_t *p, const char *src, const char *dst, uint16_t tot)
{
	size_t n = put_ip4(p, src, dst, IPPROTO_UDP, tot, 64);

	wr16(p + n, 40000);
	wr16(p + n + 2, 9);
	wr16(p + n + 4, tot - 20);
	wr16(p + n + 6, 0);	/* IPv4 UDP: no checksum */
	fill(p + n + 8, tot - 28);
	return tot;
}

/* An ICMPv6 echo request of tot bytes. */
static size_t put_inner6_icmp(uint8_t *p, const char *src, const char *dst, uint16_t tot)
{
	size_t n = put_ip6(p, src, dst, IPPROTO_ICMPV6, tot - 40, 64);

	p[n] = 128;
	p[n + 1] = 0;
	wr16(p + n + 4, 1);
	wr16(p + n + 6, 1);
	fill(p + n + 8, tot - 48);
	csum6(p, p + n, tot - 40, 2);
	return tot;
}

/* From the LAC to us: Ethernet, outer IP, UDP 1701, L2TPv2 data (no L/S/O),
 * PPP FF 03 0021, inner IPv4/UDP of inner bytes to the server. */
static void frame_decap(struct frame *f, const struct bsess *s, uint16_t inner, int ifindex)
{
	uint8_t *p = f->b, *ip, *udp;
	uint16_t ulen = 8 + 6 + 4 + inner;
	size_t n, in_off;

	memset(f, 0, sizeof(*f));
	n = put_eth(p, mac_up, mac_lac, s->v6 ? ETH_P_IPV6 : ETH_P_IP);
	ip = p + n;
	if (s->v6)
		n += put_ip6(ip, LAC6, LOCAL6, IPPROTO_UDP, ulen, 64);
	else
		n += put_ip4(ip, LAC4, LOCAL4, IPPROTO_UDP, 20 + ulen, 64);
	udp = p + n;
	wr16(udp, L2TPX_DEFAULT_PORT);
	wr16(udp + 2, L2TPX_DEFAULT_PORT);
	wr16(udp + 4, ulen);
	wr16(udp + 6, 0);
	n += 8;
	wr16(p + n, L2TP_VERSION);
	wr16(p + n + 2, s->tunnel);
	wr16(p + n + 4, s->session);
	n += 6;
	p[n] = PPP_ADDRESS;
	p[n + 1] = PPP_CONTROL;
	wr16(p + n + 2, PPP_IP);
	n += 4;
	in_off = n;
	n += put_inner4(p + n, s->sub, SERVER4, inner);
	if (s->v6)
		csum6(ip, udp, ulen, 6);
	f->len = n;
	f->restore = in_off + 28 < n ? in_off + 28 : n;
	f->ifindex = ifindex;
	f->inner = inner;
}

/* From the server to a subscriber: Ethernet and inner IPv4/UDP. */
static void frame_encap(struct frame *f, const struct bsess *s, uint16_t inner, int ifindex)
{
	size_t n;

	memset(f, 0, sizeof(*f));
	n = put_eth(f->b, mac_core, mac_server, ETH_P_IP);
	n += put_inner4(f->b + n, SERVER4, s->sub, inner);
	f->len = n;
	f->restore = 14 + 28;
	f->ifindex = ifindex;
	f->inner = inner;
}

/* tc_note: a test run of a SCHED_CLS program reads the first 14 bytes of
 * the frame as Ethernet (eth_type_trans sets skb->protocol from bytes
 * 12-13) and hands the program skb->data at byte 0.  l2tpx_tc_encap runs on
 * an L3 TUN device and reads an IP header at skb->data.  An IPv6 packet
 * whose source address has 0x86dd in bytes 4-5 is both: the program sees
 * IPv6 at skb->data and skb->protocol is ETH_P_IPV6.  Two differences from
 * the TUN device stay: the skb's MAC header is 14 bytes long, so
 * bpf_skb_adjust_room(BPF_ADJ_ROOM_MAC) opens its room 14 bytes in, and a
 * test run attaches a dummy socket (skb->sk), which matters for sessions
 * with an outer UDP checksum and inner TCP/UDP only: ICMPv6 here.  After
 * one encap the skb keeps skb->encapsulation set, so a second
 * bpf_skb_adjust_room(ENCAP) in the same test run fails with -EALREADY: TC
 * is timed with repeat 1.  The verdict is bpf_redirect_neigh()'s
 * TC_ACT_REDIRECT; a test run does not transmit. */
static void frame_tc(struct frame *f, uint16_t inner, int ifindex)
{
	memset(f, 0, sizeof(*f));
	f->len = put_inner6_icmp(f->b, SERVER6_TC, SUB6_TC, inner);
	f->restore = 0;
	f->ifindex = ifindex;
	f->tc = 1;
	f->inner = inner;
}

/* ---- BPF objects and maps ---- */

struct objs {
	struct xdp_noop_bpf *noop;
	struct l2tp_xdp_bpf *xdp;
	struct l2tp_tc_bpf *tc;
	struct bench_xdp_bpf *bench;
	int reasons_fd, tmpl_fd;
	int ncpu;
};

/* Give every l2tpx_* map of obj the fd of the shipped XDP object's map. */
static void share_maps(struct bpf_object *obj, struct bpf_object *from)
{
	struct bpf_map *m, *src;

	bpf_object__for_each_map(m, obj) {
		if (strncmp(bpf_map__name(m), "l2tpx_", 6))
			continue;
		src = bpf_object__find_map_by_name(from, bpf_map__name(m));
		if (!src || bpf_map__reuse_fd(m, bpf_map__fd(src)))
			die("cannot share map %s", bpf_map__name(m));
	}
}

static void objs_load(struct objs *o)
{
	struct bpf_program *p;

	o->noop = xdp_noop_bpf__open_and_load();
	if (!o->noop)
		die("xdp_noop: load failed");
	o->xdp = l2tp_xdp_bpf__open_and_load();
	if (!o->xdp)
		die("l2tp_xdp: load failed");

	o->bench = bench_xdp_bpf__open();
	if (!o->bench)
		die("bench_xdp: open failed");
	/* Its copies of the shipped entries are not needed: the shipped
	 * object's own programs are timed. */
	bpf_object__for_each_program(p, o->bench->obj)
		if (!strncmp(bpf_program__name(p), "l2tpx_", 6))
			bpf_program__set_autoload(p, false);
	share_maps(o->bench->obj, o->xdp->obj);
	if (bench_xdp_bpf__load(o->bench))
		die("bench_xdp: load failed");

	o->tc = l2tp_tc_bpf__open();
	if (!o->tc)
		die("l2tp_tc: open failed");
	share_maps(o->tc->obj, o->xdp->obj);
	if (l2tp_tc_bpf__load(o->tc))
		die("l2tp_tc: load failed");

	o->reasons_fd = bpf_map__fd(o->xdp->maps.l2tpx_reasons);
	o->tmpl_fd = bpf_map__fd(o->bench->maps.bench_tmpl);
	if (bpf_map__value_size(o->bench->maps.bench_tmpl) != sizeof(struct bench_tmpl))
		die("bench_tmpl: value size %u, expected %zu",
		    bpf_map__value_size(o->bench->maps.bench_tmpl), sizeof(struct bench_tmpl));
	o->ncpu = libbpf_num_possible_cpus();
	if (o->ncpu < 1)
		die("cannot count CPUs");
}

static void objs_destroy(struct objs *o)
{
	l2tp_tc_bpf__destroy(o->tc);
	bench_xdp_bpf__destroy(o->bench);
	l2tp_xdp_bpf__destroy(o->xdp);
	xdp_noop_bpf__destroy(o->noop);
}

static void v4mapped(struct l2tpx_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->a32[2] = htonl(0xffff);
	addr(AF_INET, s, &a->a8[12]);
}

static void maps_fill(struct objs *o, int if_up, int if_core)
{
	int sess_fd = bpf_map__fd(o->xdp->maps.l2tpx_sessions);
	int dst4_fd = bpf_map__fd(o->xdp->maps.l2tpx_dst4);
	int dst6_fd = bpf_map__fd(o->xdp->maps.l2tpx_dst6);
	int tx_fd = bpf_map__fd(o->xdp->maps.l2tpx_txports);
	int fast_fd = bpf_map__fd(o->xdp->maps.l2tpx_fast);
	int fast4_fd = bpf_map__fd(o->xdp->maps.l2tpx_fast4);
	int fast6_fd = bpf_map__fd(o->xdp->maps.l2tpx_fast6);
	__u32 fast_mask = bpf_map__max_entries(o->xdp->maps.l2tpx_fast) - 1;
	int ports[2] = { if_up, if_core };
	size_t i;

	for (i = 0; i < 2; i++)
		if (bpf_map_update_elem(tx_fd, &ports[i], &ports[i], 0))
			die("txports: %s", strerror(errno));

	for (i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++) {
		const struct bsess *b = &sessions[i];
		struct l2tpx_sess_key k = { htons(b->tunnel), htons(b->session) };
		struct l2tpx_session v;
		struct l2tpx_dst d = { k };
		__be32 a4;

		memset(&v, 0, sizeof(v));
		if (b->v6) {
			addr(AF_INET6, LOCAL6, v.local.a8);
			addr(AF_INET6, LAC6, v.peer.a8);
		} else {
			v4mapped(&v.local, LOCAL4);
			v4mapped(&v.peer, LAC4);
		}
		v.local_port = htons(L2TPX_DEFAULT_PORT);
		v.peer_port = htons(L2TPX_DEFAULT_PORT);
		v.peer_tunnel_id = htons(10 + i);
		v.peer_session_id = htons(20 + i);
		v.flags = b->flags;
		v.stats_idx = i * libbpf_num_possible_cpus();	/* as dp gives it */
		v.mtu = 1500;
		/* The map and the fast copy, as dp installs a session. */
		if (bpf_map_update_elem(sess_fd, &k, &v, 0))
			die("sessions: %s", strerror(errno));
		if (dp_fast_put(fast_fd, fast_mask, &k, &v))
			die("fast copy of session %zu", i);
		addr(AF_INET, b->sub, &a4);
		if (bpf_map_update_elem(dst4_fd, &a4, &d, 0) ||
		    dp_fast_addr_put(fast4_fd, fast_mask, AF_INET, &a4, &k))
			die("dst4: %s", strerror(errno));
		if (i == S_V4) {
			struct l2tpx_addr a6;

			addr(AF_INET6, SUB6_TC, a6.a8);
			if (bpf_map_update_elem(dst6_fd, &a6, &d, 0) ||
			    dp_fast_addr_put(fast6_fd, fast_mask, AF_INET6, &a6, &k))
				die("dst6: %s", strerror(errno));
		}
	}
}

/* Per-reason packet counts summed over CPUs. */
static void reasons_read(const struct objs *o, __u64 *out)
{
	struct l2tpx_counter v[o->ncpu];
	__u32 r;
	int c;

	for (r = 0; r < L2TPX_R_MAX; r++) {
		out[r] = 0;
		if (bpf_map_lookup_elem(o->reasons_fd, &r, v))
			die("reasons: %s", strerror(errno));
		for (c = 0; c < o->ncpu; c++)
			out[r] += v[c].packets;
	}
}

static void tmpl_set(const struct objs *o, const struct frame *f)
{
	struct bench_tmpl t;
	__u32 k = 0;

	memset(&t, 0, sizeof(t));
	t.len = f->len;
	t.restore = f->restore;
	if (!t.restore || t.restore > RESTORE_MAX)
		die("restore length %u out of range", t.restore);
	memcpy(t.data, f->b, t.restore);
	if (bpf_map_update_elem(o->tmpl_fd, &k, &t, 0))
		die("bench_tmpl: %s", strerror(errno));
}

/* ---- test runs ---- */

struct result {
	__u32 retval;
	__u32 duration;		/* kernel's figure: ns per run, integer */
	double cpu_ns;		/* thread CPU time of the call / repeat */
	__u32 out_len;
	uint8_t out[4096];
};

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int test_run(int fd, const struct frame *f, __u32 repeat, struct result *r)
{
	struct xdp_md xctx = { .data = 0, .data_end = f->len, .ingress_ifindex = f->ifindex };
	struct __sk_buff sctx = { .ifindex = f->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
		    .data_out = r->out, .data_size_out = sizeof(r->out), .repeat = repeat);
	double t0;
	int err;

	if (f->tc) {
		o.ctx_in = &sctx;
		o.ctx_size_in = sizeof(sctx);
	} else {
		o.ctx_in = &xctx;
		o.ctx_size_in = sizeof(xctx);
	}
	t0 = thread_ns();
	err = bpf_prog_test_run_opts(fd, &o);
	r->cpu_ns = (thread_ns() - t0) / repeat;
	if (err)
		return -errno;
	r->retval = o.retval;
	r->duration = o.duration;
	r->out_len = o.data_size_out;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double s[n > 0 ? n : 1];

	if (n <= 0)
		return 0;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ---- rows ---- */

enum kind { K_DIRECT, K_RESTORE, K_TC };

struct row {
	const char *prog;
	const char *what;
	enum kind kind;
	int fd;			/* timed program */
	int base_fd;		/* its empty twin: restore-only or TC no-op, or -1 */
	int probe_fd;		/* counted twin for the path proof, or -1 */
	int ship_fd;		/* the shipped program: single-shot check, output reference */
	struct frame f;
	__u32 want_ret;
	int want_reason;	/* -1: the timed program counts nothing */
	int fib_sess;		/* bench_fib_peer rows: 1 + index in sessions[] */

	double t[MAX_RUNS], base[MAX_RUNS];	/* ns per run */
	double single, single_base;		/* single-shot medians */
	__u64 moved[L2TPX_R_MAX];		/* one timed call (or the probe) */
	__u64 calls;				/* packets that call should count */
	__u32 ret;
	int bad;				/* path or output not the intended */
	char note[160];
	double meas, base_ns, cost;		/* the table's columns */
};

static const char *act_name(const struct row *w, __u32 act)
{
	return w->f.tc ? tc_act(act) : xdp_act(act);
}

static const struct row *find_row(const struct row *rows, int n, const char *what, int inner)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].what, what) && rows[i].f.inner == inner)
			return &rows[i];
	return NULL;
}

static void row_note(struct row *w, const char *fmt, ...)
{
	va_list ap;

	if (w->note[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->note, sizeof(w->note), fmt, ap);
	va_end(ap);
	w->bad = 1;
}

/* Run fd with repeat and record which reasons moved; the row is bad unless
 * its reason moved by exactly the number of runs and no other did. */
static void run_counted(const struct objs *o, struct row *w, int fd, __u32 repeat,
			struct result *r)
{
	__u64 before[L2TPX_R_MAX], after[L2TPX_R_MAX];
	int i, err;

	reasons_read(o, before);
	err = test_run(fd, &w->f, repeat, r);
	if (err)
		die("%s (%s): test run failed: %s", w->prog, w->what, strerror(-err));
	reasons_read(o, after);
	for (i = 0; i < L2TPX_R_MAX; i++)
		w->moved[i] = after[i] - before[i];
	w->calls = repeat;
	w->ret = r->retval;
	if (r->retval != w->want_ret)
		row_note(w, "verdict %s, expected %s", act_name(w, r->retval),
			 act_name(w, w->want_ret));
	for (i = 0; i < L2TPX_R_MAX; i++) {
		__u64 want = i == w->want_reason ? repeat : 0;

		if (w->moved[i] != want)
			row_note(w, "%s moved by %llu, expected %llu", reason_name(i),
				 (unsigned long long)w->moved[i], (unsigned long long)want);
	}
}

/* Bytes that differ between two outputs, outside a mask of the outer IPv4
 * id and header checksum (random id per encap). */
static int out_differs(const struct result *a, const struct result *b, int mask_ip4_id)
{
	__u32 i;

	if (a->out_len != b->out_len)
		return 1;
	for (i = 0; i < a->out_len; i++) {
		if (mask_ip4_id && (i == 18 || i == 19 || i == 24 || i == 25))
			continue;
		if (a->out[i] != b->out[i])
			return 1;
	}
	return 0;
}

static struct result res_a, res_b;	/* large: not on the stack */

/* What a row's programs read besides the frame. */
static void row_prepare(const struct objs *o, const struct row *w)
{
	if (w->kind == K_RESTORE)
		tmpl_set(o, &w->f);
	if (w->fib_sess) {
		const struct bsess *b = &sessions[w->fib_sess - 1];

		o->bench->bss->bench_fib_key.tunnel_id = htons(b->tunnel);
		o->bench->bss->bench_fib_key.session_id = htons(b->session);
	}
}

/* One timed measurement of a row: R runs of the program and of its
 * baseline, back to back. */
static void row_measure(const struct objs *o, struct row *w, int round, __u32 repeat)
{
	struct result *r = &res_a;
	int err;

	if (w->kind == K_TC)
		return;
	row_prepare(o, w);
	if (w->want_reason >= 0) {
		run_counted(o, w, w->fd, repeat, r);
	} else {
		err = test_run(w->fd, &w->f, repeat, r);
		if (err)
			die("%s: test run failed: %s", w->prog, strerror(-err));
		w->ret = r->retval;
		if (r->retval != w->want_ret)
			row_note(w, "verdict %s, expected %s", act_name(w, r->retval),
				 act_name(w, w->want_ret));
	}
	w->t[round] = r->cpu_ns;
	if (verbose)
		fprintf(stderr, "  %-16s %-42s %4d B: %7.2f ns (kernel %u)", w->prog, w->what,
			w->f.inner, r->cpu_ns, r->duration);
	if (w->kind == K_RESTORE) {
		/* The last of R wrapped runs must leave what one run of the
		 * shipped program leaves on a fresh frame. */
		err = test_run(w->ship_fd, &w->f, 1, &res_b);
		if (err)
			die("%s: test run failed: %s", w->prog, strerror(-err));
		if (out_differs(r, &res_b, res_b.out_len > w->f.len && res_b.out[12] == 0x08 &&
				       res_b.out[13] == 0))
			row_note(w, "output after %u runs differs from one fresh run", repeat);
	}
	if (w->kind == K_DIRECT && (r->out_len != w->f.len || memcmp(r->out, w->f.b, w->f.len)))
		row_note(w, "program changed the frame: a direct repeat is invalid");
	if (w->base_fd >= 0) {
		err = test_run(w->base_fd, &w->f, repeat, r);
		if (err || r->retval != XDP_PASS)
			die("%s: baseline run failed", w->prog);
		w->base[round] = r->cpu_ns;
		if (verbose)
			fprintf(stderr, ", baseline %7.2f ns (kernel %u)", r->cpu_ns, r->duration);
	}
	if (verbose)
		fprintf(stderr, "\n");
}

/* Single-shot: S calls of repeat 1, alternating the program and its empty
 * twin; medians of the kernel's per-call durations. */
static void row_single(const struct objs *o, struct row *w, int fd, int base_fd, int samples)
{
	double *a = calloc(samples, sizeof(double)), *b = calloc(samples, sizeof(double));
	__u64 before[L2TPX_R_MAX], after[L2TPX_R_MAX];
	int i, err, wrong_ret = 0;

	if (!a || !b)
		die("out of memory");
	row_prepare(o, w);
	reasons_read(o, before);
	for (i = 0; i < samples; i++) {
		err = test_run(fd, &w->f, 1, &res_a);
		if (err)
			die("%s: test run failed: %s", w->prog, strerror(-err));
		a[i] = res_a.duration;
		wrong_ret += res_a.retval != w->want_ret;
		err = test_run(base_fd, &w->f, 1, &res_b);
		if (err)
			die("%s: baseline test run failed: %s", w->prog, strerror(-err));
		b[i] = res_b.duration;
	}
	reasons_read(o, after);
	if (w->kind == K_TC) {
		/* The timed calls are the proof. */
		w->calls = samples;
		w->ret = res_a.retval;
		for (i = 0; i < L2TPX_R_MAX; i++) {
			__u64 want = i == w->want_reason ? (__u64)samples : 0;

			w->moved[i] = after[i] - before[i];
			if (w->moved[i] != want)
				row_note(w, "%s moved by %llu, expected %llu", reason_name(i),
					 (unsigned long long)w->moved[i],
					 (unsigned long long)want);
		}
	}
	if (wrong_ret)
		row_note(w, "single-shot verdict %s in %d calls, expected %s",
			 act_name(w, res_a.retval), wrong_ret, act_name(w, w->want_ret));
	w->single = median(a, samples);
	w->single_base = median(b, samples);
	free(a);
	free(b);
}

/* ---- naive repeat: what the shipped programs time without the restore ---- */

struct naive {
	const char *prog, *what;
	int fd;
	struct frame f;
	__u32 ret;
	__u64 moved[L2TPX_R_MAX];
};

static void naive_run(const struct objs *o, struct naive *n, __u32 repeat)
{
	__u64 before[L2TPX_R_MAX], after[L2TPX_R_MAX];
	int i, err;

	reasons_read(o, before);
	err = test_run(n->fd, &n->f, repeat, &res_a);
	if (err)
		die("%s: test run failed: %s", n->prog, strerror(-err));
	reasons_read(o, after);
	n->ret = res_a.retval;
	for (i = 0; i < L2TPX_R_MAX; i++)
		n->moved[i] = after[i] - before[i];
}

static void print_moved(const __u64 *moved, __u64 calls)
{
	int i, first = 1;

	for (i = 0; i < L2TPX_R_MAX; i++) {
		if (!moved[i])
			continue;
		if (moved[i] == calls)
			printf("%s%s ×%llu (all)", first ? "" : ", ", reason_name(i),
			       (unsigned long long)moved[i]);
		else
			printf("%s%s ×%llu", first ? "" : ", ", reason_name(i),
			       (unsigned long long)moved[i]);
		first = 0;
	}
	if (first)
		printf("none counted");
}

/* ---- the report: Markdown on stdout ---- */

static int report(struct row *rows, int nrows, const struct naive *naive, int nnaive, int runs,
		  __u32 repeat, int singles, int cpu)
{
	int i, bad = 0;
	double noop;

	noop = median(rows[0].t, runs);
	for (i = 0; i < nrows; i++) {
		struct row *x = &rows[i];

		if (x->kind == K_TC) {
			x->meas = x->single;
			x->base_ns = x->single_base;
		} else {
			x->meas = median(x->t, runs);
			x->base_ns = x->kind == K_RESTORE ? median(x->base, runs) : 0;
		}
		x->cost = x->kind == K_DIRECT ? x->meas : x->meas - x->base_ns + noop;
		bad |= x->bad;
	}
	printf("| # | program | path | inner IP | frame | verdict | reasons counted (timed calls) "
	       "| measured ns | baseline ns | **ns/packet** | Mpps | × no-op "
	       "| check: 1-shot ns over no-op |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nrows; i++) {
		struct row *x = &rows[i];

		printf("| %d | `%s` | %s | %d B | %u B | %s | ", i + 1, x->prog, x->what,
		       x->f.inner, x->f.len, act_name(x, x->ret));
		if (x->fib_sess)
			printf("none; PASS = lookup succeeded");
		else if (x->want_reason < 0 && x->probe_fd < 0)
			printf("none (counts nothing)");
		else {
			if (x->probe_fd >= 0)
				printf("probe: ");
			print_moved(x->moved, x->calls);
		}
		if (x->bad)
			printf(" **INVALID: %s**", x->note);
		if (x->kind == K_DIRECT)
			printf(" | %.1f | – ", x->meas);
		else
			printf(" | %.1f%s | %.1f %s ", x->meas, x->kind == K_TC ? " (1-shot)" : "",
			       x->base_ns, x->kind == K_TC ? "(TC no-op, 1-shot)" : "(restore)");
		printf("| **%.1f** | %.1f | %.2f | %.0f%s |\n", x->cost, 1000.0 / x->cost,
		       x->cost / noop, x->single - x->single_base,
		       x->kind == K_TC ? " (vs TC no-op)" : "");
	}

	printf("\n### Differences of the ns/packet column\n\n");
	{
		static const struct {
			const char *label;
			const char *a; int alen;
			const char *b; int blen;
		} d[] = {
			{ "decap beyond its parse (IPv4 outer, 64 B)",
			  "decap, IPv4 outer", 64, "parse-only, IPv4 outer", 64 },
			{ "antispoof check on decap (64 B)",
			  "decap, IPv4 outer, antispoof", 64, "decap, IPv4 outer", 64 },
			{ "decap, 1400 B inner over 64 B (IPv4 outer)",
			  "decap, IPv4 outer", 1400, "decap, IPv4 outer", 64 },
			{ "outer UDP checksum over IPv4, 64 B inner",
			  "encap, IPv4 outer, udp-csum", 64, "encap, IPv4 outer", 64 },
			{ "outer UDP checksum over IPv4, 1400 B inner",
			  "encap, IPv4 outer, udp-csum", 1400, "encap, IPv4 outer", 1400 },
			{ "IPv6 outer encap, 1400 B over 64 B inner (the checksum's length)",
			  "encap, IPv6 outer (UDP checksum)", 1400,
			  "encap, IPv6 outer (UDP checksum)", 64 },
			{ "IPv6 outer encap over IPv4 outer with udp-csum (64 B)",
			  "encap, IPv6 outer (UDP checksum)", 64,
			  "encap, IPv4 outer, udp-csum", 64 },
			{ "FIB lookup toward an IPv6 peer over one toward an IPv4 peer",
			  "reference: FIB lookup toward an IPv6 peer", 64,
			  "reference: FIB lookup toward an IPv4 peer", 64 },
		};
		size_t k;

		for (k = 0; k < sizeof(d) / sizeof(d[0]); k++) {
			const struct row *a = find_row(rows, nrows, d[k].a, d[k].alen);
			const struct row *b = find_row(rows, nrows, d[k].b, d[k].blen);

			if (a && b)
				printf("- %s: %+.1f ns, %+.1f × no-op (row %d − row %d)\n",
				       d[k].label, a->cost - b->cost, (a->cost - b->cost) / noop,
				       (int)(a - rows) + 1, (int)(b - rows) + 1);
		}
	}

	printf("\n### Plain repeat, no restore: %u runs of the shipped program on one buffer\n\n",
	       repeat);
	printf("| program | path | last verdict | reasons counted |\n|---|---|---|---|\n");
	for (i = 0; i < nnaive; i++) {
		printf("| `%s` | %s, %d B | %s | ", naive[i].prog, naive[i].what, naive[i].f.inner,
		       naive[i].f.tc ? tc_act(naive[i].ret) : xdp_act(naive[i].ret));
		print_moved(naive[i].moved, repeat);
		printf(" |\n");
	}
	printf("\nParameters: repeat %u, %d timed calls per row (medians), %d single-shot calls "
	       "per row, pinned to CPU %d.\n", repeat, runs, singles, cpu);
	return bad;
}

/* ---- setup ---- */

static void write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f))
		die("%s: %s", path, strerror(errno));
}

static void net_setup(void)
{
	size_t i;
	char cmd[512];

	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET): %s (run as root)", strerror(errno));
	for (i = 0; i < sizeof(net_cmds) / sizeof(net_cmds[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s", net_cmds[i]);
		if (system(cmd))
			die("failed: %s", cmd);
	}
	write_file("/proc/sys/net/ipv4/ip_forward", "1");
	write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1");
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(%d): %s", cpu, strerror(errno));
}

/* The table: one row per program and frame. */
#define ROW(...) (rows[nrows++] = (struct row){ __VA_ARGS__ }, &rows[nrows - 1])
static int rows_build(struct row *rows, const struct objs *o, int if_up, int if_core, int if_tun)
{
	/* Row 0 is the no-op: the baseline of every ratio. */
	int nrows = 0, i;
	struct row *w;

	int noop_fd = bpf_program__fd(o->noop->progs.xdp_noop);
	int restore_fd = bpf_program__fd(o->bench->progs.bench_restore_only);
	int uplink_w = bpf_program__fd(o->bench->progs.bench_uplink);
	int core_w = bpf_program__fd(o->bench->progs.bench_core);
	int probe_fd = bpf_program__fd(o->bench->progs.bench_parse_probe);
	int fib_fd = bpf_program__fd(o->bench->progs.bench_fib_peer);
	int tcnoop_fd = bpf_program__fd(o->bench->progs.bench_tc_noop);
	int uplink_fd = bpf_program__fd(o->xdp->progs.l2tpx_uplink);
	int core_fd = bpf_program__fd(o->xdp->progs.l2tpx_core);
	int parse_fd = bpf_program__fd(o->xdp->progs.l2tpx_parse_only);
	int tc_fd = bpf_program__fd(o->tc->progs.l2tpx_tc_encap);

	w = ROW(.prog = "xdp_noop", .what = "no-op, XDP_PASS", .kind = K_DIRECT, .fd = noop_fd,
		.base_fd = -1, .probe_fd = -1, .ship_fd = noop_fd, .want_ret = XDP_PASS,
		.want_reason = -1);
	frame_decap(&w->f, &sessions[S_V4], 64, if_up);
	w = ROW(.prog = "l2tpx_parse_only", .what = "parse-only, IPv4 outer", .kind = K_DIRECT,
		.fd = parse_fd, .base_fd = -1, .probe_fd = probe_fd, .ship_fd = parse_fd,
		.want_ret = XDP_PASS, .want_reason = -1);
	frame_decap(&w->f, &sessions[S_V4], 64, if_up);
	{
		static const struct { int s, len; const char *what; } dec[] = {
			{ S_V4, 64, "decap, IPv4 outer" },
			{ S_V4, 1400, "decap, IPv4 outer" },
			{ S_V4_SPOOF, 64, "decap, IPv4 outer, antispoof" },
			{ S_V6, 64, "decap, IPv6 outer" },
			{ S_V6, 1400, "decap, IPv6 outer" },
		}, enc[] = {
			{ S_V4, 64, "encap, IPv4 outer" },
			{ S_V4, 1400, "encap, IPv4 outer" },
			{ S_V4_CSUM, 64, "encap, IPv4 outer, udp-csum" },
			{ S_V4_CSUM, 1400, "encap, IPv4 outer, udp-csum" },
			{ S_V6, 64, "encap, IPv6 outer (UDP checksum)" },
			{ S_V6, 1400, "encap, IPv6 outer (UDP checksum)" },
		};

		for (i = 0; i < (int)(sizeof(dec) / sizeof(dec[0])); i++) {
			w = ROW(.prog = "l2tpx_uplink", .what = dec[i].what, .kind = K_RESTORE,
				.fd = uplink_w, .base_fd = restore_fd, .probe_fd = -1,
				.ship_fd = uplink_fd, .want_ret = XDP_REDIRECT,
				.want_reason = L2TPX_R_DECAP_FWD);
			frame_decap(&w->f, &sessions[dec[i].s], dec[i].len, if_up);
		}
		for (i = 0; i < (int)(sizeof(enc) / sizeof(enc[0])); i++) {
			w = ROW(.prog = "l2tpx_core", .what = enc[i].what, .kind = K_RESTORE,
				.fd = core_w, .base_fd = restore_fd, .probe_fd = -1,
				.ship_fd = core_fd, .want_ret = XDP_REDIRECT,
				.want_reason = L2TPX_R_ENCAP_FWD);
			frame_encap(&w->f, &sessions[enc[i].s], enc[i].len, if_core);
		}
	}
	for (i = 0; i < 2; i++) {
		int si = i ? S_V6 : S_V4;

		w = ROW(.prog = "bench_fib_peer",
			.what = i ? "reference: FIB lookup toward an IPv6 peer"
				  : "reference: FIB lookup toward an IPv4 peer",
			.kind = K_DIRECT, .fd = fib_fd, .base_fd = -1, .probe_fd = -1,
			.ship_fd = fib_fd, .want_ret = XDP_PASS, .want_reason = -1,
			.fib_sess = si + 1);
		frame_encap(&w->f, &sessions[si], 64, if_core);
	}
	for (i = 0; i < 2; i++) {
		w = ROW(.prog = "l2tpx_tc_encap", .what = "TC encap, IPv4 outer, inner IPv6",
			.kind = K_TC, .fd = tc_fd, .base_fd = tcnoop_fd, .probe_fd = -1,
			.ship_fd = tc_fd, .want_ret = TC_ACT_REDIRECT,
			.want_reason = L2TPX_R_TC_ENCAP_FWD);
		frame_tc(&w->f, i ? 1400 : 64, if_tun);
	}
	return nrows;

}
#undef ROW

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: prog_cost [-r REPEAT] [-n RUNS] [-s SINGLES] [-c CPU] [-q] [-v]\n"
		"  -r  runs per timed test-run call (default 1000000)\n"
		"  -n  timed calls per row; the table shows medians (default 9, max %d)\n"
		"  -s  repeat-1 calls per row for the single-shot figures (default 10000)\n"
		"  -c  CPU to pin to (default: the last one)\n"
		"  -q  no progress on stderr\n"
		"  -v  every timed call on stderr (ns per run: thread CPU time, kernel figure)\n"
		"Exit status: 0, 1 on errors, 3 when the table was printed but a row did not\n"
		"take its intended path (marked INVALID).\n",
		MAX_RUNS);
	exit(2);
}

int main(int argc, char **argv)
{
	__u32 repeat = 1000000;
	int runs = 9, singles = 10000, cpu = -1, c, i, nrows = 0, bad = 0;
	int if_up, if_core, if_tun;
	struct objs o = { 0 };
	static struct row rows[MAX_ROWS];
	static struct naive naive[3];

	while ((c = getopt(argc, argv, "r:n:s:c:qv")) != -1) {
		switch (c) {
		case 'r': repeat = strtoul(optarg, NULL, 0); break;
		case 'n': runs = atoi(optarg); break;
		case 's': singles = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (repeat < 1 || runs < 1 || runs > MAX_RUNS || singles < 1 || optind != argc)
		usage();
	if (cpu < 0)
		cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	pin_cpu(cpu);
	libbpf_set_print(libbpf_quiet);

	net_setup();
	if_up = if_nametoindex(IF_UP);
	if_core = if_nametoindex(IF_CORE);
	if_tun = if_nametoindex(IF_TUN);
	if (!if_up || !if_core || !if_tun)
		die("interfaces missing");
	objs_load(&o);
	/* A test run with an ingress ifindex needs the device's XDP receive
	 * queue registered, which veth does once an XDP program is on it. */
	if (bpf_xdp_attach(if_up, bpf_program__fd(o.noop->progs.xdp_noop), XDP_FLAGS_DRV_MODE,
			   NULL) ||
	    bpf_xdp_attach(if_core, bpf_program__fd(o.noop->progs.xdp_noop), XDP_FLAGS_DRV_MODE,
			   NULL))
		die("xdp attach: %s", strerror(errno));
	maps_fill(&o, if_up, if_core);

	nrows = rows_build(rows, &o, if_up, if_core, if_tun);

	/* Warm-up: one untimed pass. */
	for (i = 0; i < nrows; i++)
		if (rows[i].kind != K_TC) {
			row_prepare(&o, &rows[i]);
			test_run(rows[i].fd, &rows[i].f, repeat / 10 + 1, &res_a);
		}

	/* Rounds over all rows, so drift spreads over every row alike. */
	for (int round = 0; round < runs; round++) {
		progress("round %d/%d\n", round + 1, runs);
		for (i = 0; i < nrows; i++)
			row_measure(&o, &rows[i], round, repeat);
	}
	for (i = 0; i < nrows; i++) {
		struct row *x = &rows[i];

		progress("single-shot %d/%d\n", i + 1, nrows);
		if (x->kind == K_TC)
			row_single(&o, x, x->fd, x->base_fd, singles);
		else
			row_single(&o, x, x->ship_fd, rows[0].fd, singles);
	}
	for (i = 0; i < nrows; i++) {
		struct row *x = &rows[i];

		/* parse-only counts nothing: its counted twin proves the path. */
		if (x->probe_fd >= 0) {
			struct row probe = *x;

			probe.want_reason = L2TPX_R_DECAP_LOCAL;
			probe.note[0] = 0;
			probe.bad = 0;
			run_counted(&o, &probe, x->probe_fd, repeat, &res_a);
			memcpy(x->moved, probe.moved, sizeof(x->moved));
			x->calls = probe.calls;
			if (probe.bad)
				row_note(x, "probe: %s", probe.note);
		}
	}

	/* The pitfall, measured: the shipped programs under a plain repeat. */
	naive[0] = (struct naive){ .prog = "l2tpx_uplink", .what = "decap, IPv4 outer",
				   .fd = bpf_program__fd(o.xdp->progs.l2tpx_uplink) };
	frame_decap(&naive[0].f, &sessions[S_V4], 64, if_up);
	naive[1] = (struct naive){ .prog = "l2tpx_core", .what = "encap, IPv4 outer",
				   .fd = bpf_program__fd(o.xdp->progs.l2tpx_core) };
	frame_encap(&naive[1].f, &sessions[S_V4], 64, if_core);
	naive[2] = (struct naive){ .prog = "l2tpx_tc_encap", .what = "TC encap, IPv4 outer",
				   .fd = bpf_program__fd(o.tc->progs.l2tpx_tc_encap) };
	frame_tc(&naive[2].f, 64, if_tun);
	for (i = 0; i < 3; i++)
		naive_run(&o, &naive[i], repeat);

	bad = report(rows, nrows, naive, 3, runs, repeat, singles, cpu);
	/* The namespace, its links and the XDP attachments go with the process. */
	objs_destroy(&o);
	if (bad)
		fprintf(stderr, "prog_cost: some rows did not take the intended path (INVALID)\n");
	return bad ? 3 : 0;
}
