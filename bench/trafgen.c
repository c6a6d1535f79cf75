// SPDX-License-Identifier: GPL-2.0
/* trafgen: the benchmarks' traffic generator, sink and reference forwarder.
 *
 *   trafgen gen IF [options]   blast frames out of veth IF as fast as the CPU
 *                              allows: one BPF_PROG_TEST_RUN in live-frames
 *                              mode with a huge repeat count, running
 *                              bpf/bench_trafgen.bpf.c's generator (XDP_TX),
 *                              ended by SIGALRM after -t seconds
 *   trafgen sink IF            attach the counting sink (XDP_DROP) to IF
 *   trafgen count IF           print the frames IF's sink has counted
 *   trafgen fwd IF...          attach the plain L3 XDP forwarder to every IF
 *   trafgen detach IF...       remove the XDP program of every IF
 *   trafgen install [options]  install N sessions into the pinned l2tpx data
 *                              plane with batched map writes (dp.c), with the
 *                              ids and addresses the generator varies
 *
 * Every subcommand acts in the network namespace it runs in (ip netns exec).
 * Attachments made by sink and fwd stay after trafgen exits.
 *
 * Session i (0-based) is tunnel 1 + i / 65535, session 1 + i % 65535, owns
 * the subscriber address <prefix6>::(i + 1), and is reached from --peer;
 * session 0 also owns --addr4. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "l2tpx.h"
#include "dp.h"
#include "frames.h"
#include "bench_trafgen.skel.h"

#define SESS_PER_TUNNEL 65535	/* ids as l2tpxd gives them: unique session ids, one fast slot each */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("trafgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int ifindex_or_die(const char *ifname)
{
	int i = if_nametoindex(ifname);

	if (!i)
		die("no interface %s in this namespace: check `ip link`", ifname);
	return i;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: trafgen gen IF -m ip4|ip6|l2tp [-s INNER_BYTES] [-n SESSIONS] [-b BURST]\n"
		"               [-t SECONDS]\n"
		"               [-c CPU] --smac MAC --dmac MAC --src A --dst A [--isrc A --idst A]\n"
		"               [--tunnel T --session S]\n"
		"       trafgen sink IF | count IF | fwd IF... | detach IF...\n"
		"       trafgen install -n SESSIONS --local A --peer A [--prefix6 P] [--addr4 A]\n");
	exit(2);
}

/* ---- gen ---------------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
}

static __u64 percpu_sum(int fd)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 k = 0;

	if (ncpu <= 0 || bpf_map_lookup_elem(fd, &k, v))
		die("reading the frame counter: %s", strerror(errno));
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

struct gen_opts {
	const char *mode;
	size_t size;
	__u32 nsess, burst;
	double secs;
	int cpu;
	const char *smac, *dmac, *src, *dst, *isrc, *idst;
	__u16 tunnel, session;	/* l2tp: the ids of session 0 (default 1, 1) */
};

/* The frame for session 0: plain IPv4/IPv6 UDP of `size` bytes, or that
 * IPv4 packet inside IPv4/UDP/L2TP/PPP. */
static void build_frame(const struct gen_opts *g, struct pkt *f, __u32 *sid_off,
			__u32 *dst6_off)
{
	struct eth_spec eth = {};
	struct inner_spec in = { .l4 = IPPROTO_UDP_, .ttl = 64 };
	struct pkt inner;
	int l2tp = !strcmp(g->mode, "l2tp"), v6 = !strcmp(g->mode, "ip6");
	size_t hdr;

	if (!l2tp && !v6 && strcmp(g->mode, "ip4"))
		die("-m must be ip4, ip6 or l2tp");
	if (!g->smac || !g->dmac || !g->src || !g->dst || (l2tp && (!g->isrc || !g->idst)))
		die("gen needs --smac --dmac --src --dst (and --isrc --idst for l2tp)");
	mac_parse(eth.src, g->smac);
	mac_parse(eth.dst, g->dmac);
	in.src = A(l2tp ? g->isrc : g->src);
	in.dst = A(l2tp ? g->idst : g->dst);
	if ((in.src.family == AF_INET6) != v6)
		die("addresses do not match -m %s", g->mode);
	hdr = (v6 ? 40 : 20) + 8;
	if (g->size < hdr || g->size > 3000)
		die("-s must be %zu..3000", hdr);
	in.payload_len = g->size - hdr;
	inner_build(&inner, &in);
	*sid_off = *dst6_off = 0;
	if (l2tp) {
		struct outer_spec o = { .eth = eth, .src = A(g->src), .dst = A(g->dst),
					.sport = L2TPX_DEFAULT_PORT, .dport = L2TPX_DEFAULT_PORT };
		struct l2tp_spec l = { .tunnel = g->tunnel, .session = g->session };
		struct ppp_spec pp = { .proto = 0x0021 };
		struct frame_layout lay;

		frame_l2tp(f, &o, &l, &pp, &inner, &lay);
		*sid_off = lay.l2tp + 2;
	} else {
		pkt_copy(f, &inner);
		eth_push(f, &eth, v6 ? ETH_P_IPV6_ : ETH_P_IP_);
		if (v6) {
			*dst6_off = 14 + 24;
			/* session 0 owns <prefix>::1, as install puts it */
			put_be32(pkt_data(f) + *dst6_off + 12, 1);
		}
	}
}

static int cmd_gen(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "smac", 1, 0, 'S' }, { "dmac", 1, 0, 'D' }, { "src", 1, 0, 'a' },
		{ "dst", 1, 0, 'd' }, { "isrc", 1, 0, 'A' }, { "idst", 1, 0, 'B' },
		{ "tunnel", 1, 0, 'T' }, { "session", 1, 0, 'U' }, { 0 } };
	struct gen_opts g = { .mode = "ip4", .size = 64, .nsess = 1, .burst = 1, .secs = 3,
			      .cpu = -1,
			      .tunnel = 1, .session = 1 };
	struct bench_trafgen_bpf *sk;
	struct pkt f;
	struct timespec t0, t1;
	struct sigaction sa = { .sa_handler = on_alarm };
	__u32 sid_off, dst6_off;
	__u64 frames;
	double el;
	int ifindex, c, err;

	if (argc < 2)
		usage();
	ifindex = ifindex_or_die(argv[1]);
	optind = 2;
	while ((c = getopt_long(argc, argv, "m:s:n:b:t:c:", lo, NULL)) != -1) {
		switch (c) {
		case 'm': g.mode = optarg; break;
		case 's': g.size = strtoul(optarg, NULL, 0); break;
		case 'n': g.nsess = strtoul(optarg, NULL, 0); break;
		case 'b': g.burst = strtoul(optarg, NULL, 0); break;
		case 't': g.secs = strtod(optarg, NULL); break;
		case 'c': g.cpu = atoi(optarg); break;
		case 'S': g.smac = optarg; break;
		case 'D': g.dmac = optarg; break;
		case 'a': g.src = optarg; break;
		case 'd': g.dst = optarg; break;
		case 'A': g.isrc = optarg; break;
		case 'B': g.idst = optarg; break;
		case 'T': g.tunnel = strtoul(optarg, NULL, 0); break;
		case 'U': g.session = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!g.nsess || !g.burst || g.secs <= 0 || g.secs > 600)
		die("-n and -b must be > 0 and -t 0..600 seconds");
	build_frame(&g, &f, &sid_off, &dst6_off);
	if (g.nsess > 1 && !sid_off && !dst6_off)
		die("-n > 1 needs -m l2tp or -m ip6 (what varies per session)");
	if (g.nsess > 1 && (g.tunnel != 1 || g.session != 1))
		die("--tunnel/--session name one session: -n must be 1");

	if (g.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(g.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity(%d): %s", g.cpu, strerror(errno));
	}
	sk = bench_trafgen_bpf__open();
	if (!sk)
		die("opening the BPF object: %s", strerror(errno));
	/* The template: the headers, rewritten on every frame (the payload
	 * bytes after them are only ever read). */
	sk->rodata->tmpl_len = f.len < 96 ? f.len : 96;
	memcpy((void *)sk->rodata->tmpl, pkt_cdata(&f), sk->rodata->tmpl_len);
	sk->rodata->nsess = g.nsess;
	sk->rodata->burst = g.burst;
	sk->rodata->sess_per_tunnel = SESS_PER_TUNNEL;
	sk->rodata->sid_off = sid_off;
	sk->rodata->dst6_off = dst6_off;
	bpf_program__set_autoload(sk->progs.trafgen_sink, false);
	bpf_program__set_autoload(sk->progs.trafgen_l3fwd, false);
	err = bench_trafgen_bpf__load(sk);
	if (err)
		die("loading the generator: %s", strerror(-err));

	struct xdp_md ctx = { .data_end = f.len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt_cdata(&f), .data_size_in = f.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .repeat = 0xffffffffu,
		    .batch_size = 64);

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: the run ends with EINTR */
	struct itimerval it = { .it_value = { .tv_sec = (time_t)g.secs,
					      .tv_usec = (suseconds_t)((g.secs - (time_t)g.secs) * 1e6) } };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	setitimer(ITIMER_REAL, &it, NULL);
	err = bpf_prog_test_run_opts(bpf_program__fd(sk->progs.trafgen_tx), &o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err && errno != EINTR)
		die("live test run on %s: %s (is an XDP program on its peer?)", argv[1],
		    strerror(errno));
	el = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	frames = percpu_sum(bpf_map__fd(sk->maps.trafgen_count));
	printf("frames %llu seconds %.3f mpps %.3f frame_bytes %zu\n",
	       (unsigned long long)frames, el, frames / el / 1e6, f.len);
	bench_trafgen_bpf__destroy(sk);
	return 0;
}

/* ---- sink, count, fwd, detach -------------------------------------------- */

static int attach(int ifindex, int prog_fd, const char *ifname)
{
	int err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		die("attaching XDP to %s: %s (remove what is there: `ip link set %s xdp off`)",
		    ifname, strerror(-err), ifname);
	return 0;
}

static int cmd_sink_fwd(int argc, char **argv, int fwd)
{
	struct bench_trafgen_bpf *sk;
	int i, err;

	if (argc < 2)
		usage();
	sk = bench_trafgen_bpf__open();
	if (!sk)
		die("opening the BPF object: %s", strerror(errno));
	bpf_program__set_autoload(sk->progs.trafgen_tx, false);
	bpf_program__set_autoload(fwd ? sk->progs.trafgen_sink : sk->progs.trafgen_l3fwd, false);
	err = bench_trafgen_bpf__load(sk);
	if (err)
		die("loading: %s", strerror(-err));
	for (i = 1; i < argc; i++) {
		__u32 ifi = ifindex_or_die(argv[i]);

		if (fwd && bpf_map_update_elem(bpf_map__fd(sk->maps.trafgen_ports), &ifi, &ifi, 0))
			die("port map: %s", strerror(errno));
		attach(ifi, bpf_program__fd(fwd ? sk->progs.trafgen_l3fwd
						: sk->progs.trafgen_sink), argv[i]);
	}
	bench_trafgen_bpf__destroy(sk);
	return 0;
}

static int cmd_count(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), prog_id = 0, map_ids[8], i;
	int ifindex, fd;

	if (argc != 2)
		usage();
	ifindex = ifindex_or_die(argv[1]);
	if (bpf_xdp_query_id(ifindex, 0, &prog_id) || !prog_id)
		die("no XDP program on %s: run `trafgen sink %s` first", argv[1], argv[1]);
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		die("program %u: %s", prog_id, strerror(errno));
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("program info: %s", strerror(errno));
	close(fd);
	for (i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		__u32 ml = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &ml) && !strcmp(mi.name, "trafgen_count")) {
			printf("%llu\n", (unsigned long long)percpu_sum(mfd));
			close(mfd);
			return 0;
		}
		close(mfd);
	}
	die("the XDP program on %s is not trafgen's sink", argv[1]);
}

static int cmd_detach(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		bpf_xdp_detach(ifindex_or_die(argv[i]), 0, NULL);
	return 0;
}

/* ---- install --------------------------------------------------------------- */

static int cmd_install(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "local", 1, 0, 'l' }, { "peer", 1, 0, 'p' }, { "prefix6", 1, 0, 'x' },
		{ "addr4", 1, 0, '4' }, { 0 } };
	const char *local = NULL, *peer = NULL, *prefix6 = "2001:db8:100::", *addr4 = NULL;
	struct l2tpx_sess_key *keys;
	struct l2tpx_session *vals;
	struct dp_prefix *pfx;
	struct timespec t0, t1;
	struct in6_addr p6;
	struct in_addr l4, p4;
	struct dp *dp;
	__u32 n = 1, i, done = 0;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'l': local = optarg; break;
		case 'p': peer = optarg; break;
		case 'x': prefix6 = optarg; break;
		case '4': addr4 = optarg; break;
		default: usage();
		}
	}
	if (!local || !peer || inet_pton(AF_INET, local, &l4) != 1 ||
	    inet_pton(AF_INET, peer, &p4) != 1 || inet_pton(AF_INET6, prefix6, &p6) != 1)
		die("install needs --local and --peer (IPv4) and a valid --prefix6");
	if (!n || n > 16 * 1000 * 1000)
		die("-n must be 1..16000000");
	keys = calloc(n, sizeof(*keys));
	vals = calloc(n, sizeof(*vals));
	pfx = calloc(n, sizeof(*pfx));
	if (!keys || !vals || !pfx)
		die("out of memory for %u sessions", n);
	for (i = 0; i < n; i++) {
		struct l2tpx_session *v = &vals[i];

		keys[i].tunnel_id = htons(1 + i / SESS_PER_TUNNEL);
		keys[i].session_id = htons(1 + i % SESS_PER_TUNNEL);
		v->local.a8[10] = v->local.a8[11] = 0xff;
		memcpy(&v->local.a32[3], &l4, 4);
		v->peer.a8[10] = v->peer.a8[11] = 0xff;
		memcpy(&v->peer.a32[3], &p4, 4);
		v->local_port = v->peer_port = htons(L2TPX_DEFAULT_PORT);
		v->peer_tunnel_id = keys[i].tunnel_id;
		v->peer_session_id = keys[i].session_id;
		v->mtu = 1500;
		pfx[i].family = AF_INET6;
		pfx[i].len = 128;
		memcpy(pfx[i].addr, &p6, 16);
		put_be32(pfx[i].addr + 12, i + 1);
	}
	err = dp_open(&dp, NULL, false);
	if (err)
		die("opening the pinned data plane: %s", strerror(-err));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = dp_session_add_batch(dp, keys, vals, pfx, n, &done);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!err && addr4) {
		struct dp_prefix a = { .family = AF_INET, .len = 32 };

		if (inet_pton(AF_INET, addr4, a.addr) != 1)
			die("--addr4 %s is not an IPv4 address", addr4);
		err = dp_prefix_add(dp, &keys[0], &a);
	}
	dp_close(dp);
	if (err)
		die("installed %u of %u sessions: %s", done, n, strerror(-err));
	printf("installed %u seconds %.3f\n", done,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(keys);
	free(vals);
	free(pfx);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "gen"))
		return cmd_gen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sink"))
		return cmd_sink_fwd(argc - 1, argv + 1, 0);
	if (!strcmp(argv[1], "fwd"))
		return cmd_sink_fwd(argc - 1, argv + 1, 1);
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "install"))
		return cmd_install(argc - 1, argv + 1);
	usage();
}
