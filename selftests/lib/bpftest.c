// SPDX-License-Identifier: GPL-2.0
/* BPF_PROG_TEST_RUN harness for the data-plane selftests (see bpftest.h). */
#define _GNU_SOURCE
#include "bpftest.h"
#include "dp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

/* ---- namespace ---- */

int bt_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc)) {
		fprintf(stderr, "# command failed (%d): %s\n", rc, cmd);
		return -1;
	}
	return 0;
}

static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "# open %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

int bt_bpffs_setup(char *root, char *pins, size_t pins_len)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	if (!mkdtemp(root) || mount("bpf", root, "bpf", 0, NULL))
		return -1;
	snprintf(pins, pins_len, "%s/l2tpx", root);
	return 0;
}

void bt_bpffs_done(const char *root)
{
	umount(root);
	rmdir(root);
}

int bt_net_setup(struct bt_net *n)
{
	static const char *const cmds[] = {
		"link set lo up",
		"link add " BT_IF_UP " address " BT_MAC_UP " type veth peer name "
			BT_IF_CORE " address " BT_MAC_CORE,
		"link add " BT_IF_OTHER " address " BT_MAC_OTHER " type veth peer name "
			BT_IF_OTHER_PEER " address " BT_MAC_OTHER_PEER,
		"link set " BT_IF_UP " up",
		"link set " BT_IF_CORE " up",
		"link set " BT_IF_OTHER " up",
		"link set " BT_IF_OTHER_PEER " up",
		"addr add " BT_LOCAL4 "/27 dev " BT_IF_UP,
		"addr add " BT_CORE_LOCAL4 "/27 dev " BT_IF_CORE,
		"addr add 192.0.2.65/27 dev " BT_IF_OTHER,
		"addr add " BT_LOCAL6 "/64 dev " BT_IF_UP " nodad",
		"addr add " BT_CORE_LOCAL6 "/64 dev " BT_IF_CORE " nodad",
		"addr add 2001:db8:3::1/64 dev " BT_IF_OTHER " nodad",
		"neigh replace " BT_LAC4 " lladdr " BT_MAC_LAC " nud permanent dev " BT_IF_UP,
		"neigh replace " BT_LAC6 " lladdr " BT_MAC_LAC " nud permanent dev " BT_IF_UP,
		"neigh replace " BT_COREHOST4 " lladdr " BT_MAC_COREHOST " nud permanent dev "
			BT_IF_CORE,
		"neigh replace " BT_COREHOST6 " lladdr " BT_MAC_COREHOST " nud permanent dev "
			BT_IF_CORE,
		"neigh replace " BT_OTHERHOST4 " lladdr " BT_MAC_OTHERHOST " nud permanent dev "
			BT_IF_OTHER,
		"neigh replace " BT_OTHERHOST6 " lladdr " BT_MAC_OTHERHOST " nud permanent dev "
			BT_IF_OTHER,
		"route add unreachable 192.0.2.192/27",
		"-6 route add unreachable 2001:db8:dead::/48",
	};
	size_t i;

	memset(n, 0, sizeof(*n));
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "# unshare(CLONE_NEWNET): %s (tests must run as root)\n",
			strerror(errno));
		return -1;
	}
	/* Forwarding on: bpf_fib_lookup answers FWD_DISABLED otherwise.
	 * Strict reverse-path filtering off (IPv4 inherits it from the host). */
	if (write_sysctl("/proc/sys/net/ipv4/ip_forward", "1") ||
	    write_sysctl("/proc/sys/net/ipv4/conf/all/forwarding", "1") ||
	    write_sysctl("/proc/sys/net/ipv4/conf/default/rp_filter", "0") ||
	    write_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter", "0") ||
	    write_sysctl("/proc/sys/net/ipv6/conf/default/forwarding", "1") ||
	    write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1") ||
	    write_sysctl("/proc/sys/net/ipv6/conf/default/accept_dad", "0"))
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (bt_sh("ip %s", cmds[i]))
			return -1;
	n->if_up = if_nametoindex(BT_IF_UP);
	n->if_core = if_nametoindex(BT_IF_CORE);
	n->if_other = if_nametoindex(BT_IF_OTHER);
	n->if_other_peer = if_nametoindex(BT_IF_OTHER_PEER);
	if (!n->if_up || !n->if_core || !n->if_other || !n->if_other_peer)
		return -1;
	mac_parse(n->mac_up, BT_MAC_UP);
	mac_parse(n->mac_core, BT_MAC_CORE);
	mac_parse(n->mac_other, BT_MAC_OTHER);
	mac_parse(n->mac_lac, BT_MAC_LAC);
	mac_parse(n->mac_corehost, BT_MAC_COREHOST);
	mac_parse(n->mac_otherhost, BT_MAC_OTHERHOST);
	return 0;
}

/* ---- objects and maps ---- */

int bt_unpin(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__set_pin_path(map, NULL))
			return -1;
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (!m) {
		fprintf(stderr, "# map %s not found\n", name);
		return -1;
	}
	return bpf_map__fd(m);
}

int bt_maps_get(struct bpf_object *obj, struct bt_maps *m)
{
	m->sessions = map_fd(obj, L2TPX_MAP_SESSIONS);
	m->dst4 = map_fd(obj, L2TPX_MAP_DST4);
	m->dst6 = map_fd(obj, L2TPX_MAP_DST6);
	m->lpm4 = map_fd(obj, L2TPX_MAP_LPM4);
	m->lpm6 = map_fd(obj, L2TPX_MAP_LPM6);
	m->reasons = map_fd(obj, L2TPX_MAP_REASONS);
	m->sstats = map_fd(obj, L2TPX_MAP_SSTATS);
	m->txports = map_fd(obj, L2TPX_MAP_TXPORTS);
	m->fast = map_fd(obj, L2TPX_MAP_FAST);
	m->fast4 = map_fd(obj, L2TPX_MAP_FAST4);
	m->fast6 = map_fd(obj, L2TPX_MAP_FAST6);
	m->fast_mask = m->fast < 0 ? 0 : bpf_map__max_entries(
		bpf_object__find_map_by_name(obj, L2TPX_MAP_FAST)) - 1;
	return (m->sessions < 0 || m->dst4 < 0 || m->dst6 < 0 || m->lpm4 < 0 ||
		m->lpm6 < 0 || m->reasons < 0 || m->sstats < 0 || m->txports < 0 ||
		m->fast < 0 || m->fast4 < 0 || m->fast6 < 0) ? -1 : 0;
}

/* ---- the poisoning trampoline, in raw instructions ---- */

const uint8_t bt_poison_byte[2] = { 0xa5, 0x5a };

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s)		I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i)		I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o)		I(BPF_LDX | BPF_W | BPF_MEM, d, s, o, 0)
#define STX_DW(d, s, o)		I(BPF_STX | BPF_DW | BPF_MEM, d, s, o, 0)
#define JNE_IMM(d, i, o)	I(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JGT_REG(d, s, o)	I(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define JA(o)			I(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL(f)			I(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int load_xdp(const struct bpf_insn *insns, size_t n, const char *name)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_XDP);
	char log[4096] = "";
	int fd;

	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, n, &o);
	if (fd < 0) {
		o.log_level = 1;
		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, n, &o);
		fprintf(stderr, "# loading %s failed: %s\n%s\n", name, strerror(errno), log);
	}
	return fd;
}

/* push POISON_LEN; fill; pop; tail_call(jmp, 0); return XDP_ABORTED when
 * any step fails, so a broken trampoline is never mistaken for a verdict.
 * With jmp_fd < 0 (the self-test probe) it pushes probe bytes and passes. */
static int load_trampoline(uint8_t pattern, int jmp_fd, int probe)
{
	struct bpf_insn p[80];
	uint64_t pat = 0x0101010101010101ull * pattern;
	int n = 0, k, fail_jumps[4], nf = 0;

	p[n++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[n++] = MOV64_IMM(BPF_REG_2, -BT_POISON_LEN);
	p[n++] = CALL(BPF_FUNC_xdp_adjust_head);
	fail_jumps[nf++] = n;
	p[n++] = JNE_IMM(BPF_REG_0, 0, 0);
	p[n++] = LDX_W(BPF_REG_2, BPF_REG_6, offsetof(struct xdp_md, data));
	p[n++] = LDX_W(BPF_REG_3, BPF_REG_6, offsetof(struct xdp_md, data_end));
	p[n++] = MOV64_REG(BPF_REG_4, BPF_REG_2);
	p[n++] = ADD64_IMM(BPF_REG_4, BT_POISON_LEN);
	fail_jumps[nf++] = n;
	p[n++] = JGT_REG(BPF_REG_4, BPF_REG_3, 0);
	/* r5 = pattern (ld_imm64) */
	p[n++] = I(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_5, 0, 0, (int32_t)(uint32_t)pat);
	p[n++] = I(0, 0, 0, 0, (int32_t)(uint32_t)(pat >> 32));
	for (k = 0; k < BT_POISON_LEN / 8; k++)
		p[n++] = STX_DW(BPF_REG_2, BPF_REG_5, k * 8);
	p[n++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
	p[n++] = MOV64_IMM(BPF_REG_2, probe ? BT_POISON_LEN - 32 : BT_POISON_LEN);
	p[n++] = CALL(BPF_FUNC_xdp_adjust_head);
	fail_jumps[nf++] = n;
	p[n++] = JNE_IMM(BPF_REG_0, 0, 0);
	if (probe) {
		p[n++] = MOV64_IMM(BPF_REG_0, XDP_PASS);
		p[n++] = EXIT();
	} else {
		p[n++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
		p[n++] = I(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, jmp_fd);
		p[n++] = I(0, 0, 0, 0, 0);
		p[n++] = MOV64_IMM(BPF_REG_3, 0);
		p[n++] = CALL(BPF_FUNC_tail_call);
	}
	/* fail: */
	for (k = 0; k < nf; k++)
		p[fail_jumps[k]].off = (int16_t)(n - fail_jumps[k] - 1);
	p[n++] = MOV64_IMM(BPF_REG_0, XDP_ABORTED);
	p[n++] = EXIT();
	return load_xdp(p, (size_t)n, probe ? "bt_probe" : "bt_poison");
}

int bt_xdp_init(struct bt_xdp *x, int prog_fd)
{
	uint32_t key = 0;
	int i;

	memset(x, 0, sizeof(*x));
	x->prog_fd = prog_fd;
	x->jmp_fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "bt_jmp", 4, 4, 1, NULL);
	if (x->jmp_fd < 0) {
		fprintf(stderr, "# prog array: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		x->tramp_fd[i] = load_trampoline(bt_poison_byte[i], x->jmp_fd, 0);
		if (x->tramp_fd[i] < 0)
			return -1;
	}
	if (bpf_map_update_elem(x->jmp_fd, &key, &prog_fd, BPF_ANY)) {
		fprintf(stderr, "# tail-call target: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

void bt_xdp_fini(struct bt_xdp *x)
{
	int i;

	for (i = 0; i < 2; i++)
		if (x->tramp_fd[i] > 0)
			close(x->tramp_fd[i]);
	if (x->jmp_fd > 0)
		close(x->jmp_fd);
}

int bt_xdp_run(const struct bt_xdp *x, int poison, const uint8_t *in, size_t len,
	       uint32_t ingress_ifindex, uint32_t *retval, uint8_t *out, size_t *out_len)
{
	struct xdp_md md = {
		.data = 0,
		.data_end = (uint32_t)len,
		.ingress_ifindex = ingress_ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in,
		.data_size_in = (uint32_t)len,
		.data_out = out,
		.data_size_out = (uint32_t)*out_len,
		.ctx_in = &md,
		.ctx_size_in = sizeof(md),
		.repeat = 1,
	);
	int fd = poison < 0 ? x->prog_fd : x->tramp_fd[poison];
	int err;

	err = bpf_prog_test_run_opts(fd, &o);
	if (err) {
		err = -errno;
		fprintf(stderr, "# bpf_prog_test_run_opts: %s\n", strerror(errno));
		return err;
	}
	*retval = o.retval;
	*out_len = o.data_size_out;
	return 0;
}

int bt_poison_selftest(int poison)
{
	uint8_t in[64], out[256];
	size_t out_len = sizeof(out), i;
	struct bt_xdp x = { .jmp_fd = -1 };
	uint32_t ret = 0;
	int fd, bad = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	fd = load_trampoline(bt_poison_byte[poison], -1, 1);
	if (fd < 0)
		return -1;
	x.prog_fd = fd;
	if (bt_xdp_run(&x, -1, in, sizeof(in), 1, &ret, out, &out_len)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (ret != XDP_PASS || out_len != 32 + sizeof(in))
		bad = 1;
	for (i = 0; !bad && i < 32; i++)
		bad = out[i] != bt_poison_byte[poison];
	if (!bad)
		bad = memcmp(out + 32, in, sizeof(in)) != 0;
	if (bad) {
		fprintf(stderr, "# poison probe: verdict %u, %zu bytes\n", ret, out_len);
		hexdump("probe", out, out_len);
		return -1;
	}
	return 0;
}

const char *bt_xdp_act(uint32_t act)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					 "XDP_REDIRECT" };

	return act < 5 ? n[act] : "XDP_?";
}

const char *bt_tc_act(uint32_t act)
{
	switch ((int)act) {
	case -1: return "TC_ACT_UNSPEC";
	case 0: return "TC_ACT_OK";
	case 2: return "TC_ACT_SHOT";
	case 7: return "TC_ACT_REDIRECT";
	default: return "TC_ACT_?";
	}
}

const char *bt_reason(int r)
{
	static const char *const names[] = {
#define NAME(name, str, desc) str,
		L2TPX_REASONS(NAME)
#undef NAME
	};

	return r >= 0 && r < L2TPX_R_MAX ? names[r] : "?";
}

/* ---- counters ---- */

static int percpu_sum(int fd, uint32_t key, size_t vsize, uint64_t *sum, size_t nwords)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	size_t stride = (vsize + 7) & ~(size_t)7, w;
	uint8_t *buf;

	if (ncpu <= 0)
		return -1;
	buf = calloc((size_t)ncpu, stride);
	if (!buf)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, buf)) {
		free(buf);
		return -1;
	}
	memset(sum, 0, nwords * 8);
	for (c = 0; c < ncpu; c++)
		for (w = 0; w < nwords; w++) {
			uint64_t v;

			memcpy(&v, buf + (size_t)c * stride + w * 8, 8);
			sum[w] += v;
		}
	free(buf);
	return 0;
}

int bt_reasons_read(int fd, struct bt_counts *c)
{
	uint32_t r;

	for (r = 0; r < L2TPX_R_MAX; r++)
		if (percpu_sum(fd, r, sizeof(c->r[r]), (uint64_t *)&c->r[r], 2))
			return -1;
	return 0;
}

bool bt_reasons_moved(const struct bt_counts *b, const struct bt_counts *a,
		      int reason, uint64_t packets, uint64_t bytes)
{
	bool ok = true;
	int r;

	for (r = 0; r < L2TPX_R_MAX; r++) {
		uint64_t dp = a->r[r].packets - b->r[r].packets;
		uint64_t db = a->r[r].bytes - b->r[r].bytes;
		uint64_t ep = r == reason ? packets : 0, eb = r == reason ? bytes : 0;

		if (dp != ep || db != eb) {
			fprintf(stderr, "# counter %s: +%llu packets +%llu bytes, expected "
				"+%llu +%llu\n", bt_reason(r), (unsigned long long)dp,
				(unsigned long long)db, (unsigned long long)ep,
				(unsigned long long)eb);
			ok = false;
		}
	}
	return ok;
}

int bt_reasons_which(const struct bt_counts *b, const struct bt_counts *a)
{
	int r, which = -1;

	for (r = 0; r < L2TPX_R_MAX; r++)
		if (a->r[r].packets != b->r[r].packets) {
			if (which >= 0)
				return -2;
			which = r;
		}
	return which;
}

/* Session idx's entries: idx x CPUs and the CPUs' after it (dp's layout). */
int bt_sstats_read(int fd, uint32_t idx, struct l2tpx_sess_stats *s)
{
	uint32_t ncpu = libbpf_num_possible_cpus(), k;
	struct l2tpx_sess_stats c;

	memset(s, 0, sizeof(*s));
	for (k = idx * ncpu; k < (idx + 1) * ncpu; k++) {
		if (bpf_map_lookup_elem(fd, &k, &c))
			return -1;
		s->rx_packets += c.rx_packets;
		s->rx_bytes += c.rx_bytes;
		s->tx_packets += c.tx_packets;
		s->tx_bytes += c.tx_bytes;
		s->rx_drops += c.rx_drops;
		s->tx_punts += c.tx_punts;
	}
	return 0;
}

int bt_sstats_zero(int fd, uint32_t idx)
{
	uint32_t ncpu = libbpf_num_possible_cpus(), k;
	struct l2tpx_sess_stats zero = { 0 };

	for (k = idx * ncpu; k < (idx + 1) * ncpu; k++)
		if (bpf_map_update_elem(fd, &k, &zero, BPF_ANY))
			return -1;
	return 0;
}

bool bt_sstats_moved(const struct l2tpx_sess_stats *b, const struct l2tpx_sess_stats *a,
		     const struct l2tpx_sess_stats *d)
{
	static const char *const names[] = { "rx_packets", "rx_bytes", "tx_packets",
					     "tx_bytes", "rx_drops", "tx_punts" };
	const uint64_t *pb = (const uint64_t *)b, *pa = (const uint64_t *)a;
	const uint64_t *pd = (const uint64_t *)d;
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)	/* not the reserved words */
		if (pa[i] - pb[i] != pd[i]) {
			fprintf(stderr, "# session %s: +%llu, expected +%llu\n", names[i],
				(unsigned long long)(pa[i] - pb[i]),
				(unsigned long long)pd[i]);
			ok = false;
		}
	return ok;
}

/* ---- sessions ---- */

void bt_l2tpx_addr(struct l2tpx_addr *o, const struct addr *a)
{
	memset(o, 0, sizeof(*o));
	if (a->family == AF_INET) {
		o->a8[10] = 0xff;
		o->a8[11] = 0xff;
		memcpy(o->a8 + 12, a->a, 4);
	} else {
		memcpy(o->a8, a->a, 16);
	}
}

void bt_sess_value(const struct bt_sess *b, struct l2tpx_session *v)
{
	struct addr local = A(b->local), peer = A(b->peer);

	memset(v, 0, sizeof(*v));
	bt_l2tpx_addr(&v->local, &local);
	bt_l2tpx_addr(&v->peer, &peer);
	v->local_port = htons(b->local_port ? b->local_port : 1701);
	v->peer_port = htons(b->peer_port ? b->peer_port : 1701);
	v->peer_tunnel_id = htons(b->peer_tunnel);
	v->peer_session_id = htons(b->peer_session);
	v->flags = b->flags | (local.family == AF_INET6 ? L2TPX_SF_IPV6 : 0);
	v->stats_idx = b->stats_idx * libbpf_num_possible_cpus();	/* as dp gives it */
	v->mtu = b->mtu ? b->mtu : 1500;
	v->mss = b->mss;
	v->tx_ns = b->tx_ns;
}

static struct l2tpx_sess_key sess_key(uint16_t tunnel, uint16_t session)
{
	struct l2tpx_sess_key k;

	memset(&k, 0, sizeof(k));
	k.tunnel_id = htons(tunnel);
	k.session_id = htons(session);
	return k;
}

int bt_sess_put_hash(const struct bt_maps *m, const struct bt_sess *b)
{
	struct l2tpx_sess_key k = sess_key(b->tunnel, b->session);
	struct l2tpx_session v;

	bt_sess_value(b, &v);
	if (bpf_map_update_elem(m->sessions, &k, &v, BPF_ANY)) {
		fprintf(stderr, "# session %u/%u: %s\n", b->tunnel, b->session, strerror(errno));
		return -1;
	}
	return bt_sstats_zero(m->sstats, b->stats_idx);
}

int bt_sess_put(const struct bt_maps *m, const struct bt_sess *b)
{
	struct l2tpx_sess_key k = sess_key(b->tunnel, b->session);
	struct l2tpx_session v;
	int err;

	if (bt_sess_put_hash(m, b))
		return -1;
	bt_sess_value(b, &v);
	err = dp_fast_put(m->fast, m->fast_mask, &k, &v);
	if (err && err != -EBUSY) {
		fprintf(stderr, "# session %u/%u fast copy: %s\n", b->tunnel, b->session,
			strerror(-err));
		return -1;
	}
	return 0;
}

int bt_sess_del(const struct bt_maps *m, uint16_t tunnel, uint16_t session)
{
	struct l2tpx_sess_key k = sess_key(tunnel, session);

	if (dp_fast_drop(m->fast, m->fast_mask, &k))
		return -1;
	return bpf_map_delete_elem(m->sessions, &k);
}

int bt_sess_get(const struct bt_maps *m, uint16_t tunnel, uint16_t session,
		struct l2tpx_session *v)
{
	struct l2tpx_sess_key k = sess_key(tunnel, session);

	/* The copy the programs use when there is one (Ns advances there). */
	if (!dp_fast_get(m->fast, m->fast_mask, &k, v))
		return 0;
	return bpf_map_lookup_elem(m->sessions, &k, v);
}

static int parse_cidr(const char *cidr, struct addr *a, int *plen)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	*plen = -1;
	if (slash) {
		*slash = 0;
		*plen = atoi(slash + 1);
	}
	*a = A(buf);
	return 0;
}

int bt_sub_put(const struct bt_maps *m, const char *cidr, uint16_t tunnel, uint16_t session)
{
	struct l2tpx_dst d;
	struct addr a;
	int plen, err;

	memset(&d, 0, sizeof(d));
	d.key = sess_key(tunnel, session);
	parse_cidr(cidr, &a, &plen);
	if (a.family == AF_INET && plen < 0) {
		err = bpf_map_update_elem(m->dst4, a.a, &d, BPF_ANY);
		if (!err && (err = dp_fast_addr_put(m->fast4, m->fast_mask, AF_INET, a.a, &d.key)) ==
				    -EBUSY)
			err = 0;
	} else if (a.family == AF_INET6 && plen < 0) {
		err = bpf_map_update_elem(m->dst6, a.a, &d, BPF_ANY);
		if (!err && (err = dp_fast_addr_put(m->fast6, m->fast_mask, AF_INET6, a.a, &d.key)) ==
				    -EBUSY)
			err = 0;
	} else if (a.family == AF_INET) {
		struct l2tpx_lpm4_key k = { .prefixlen = (uint32_t)plen };

		memcpy(&k.addr, a.a, 4);
		err = bpf_map_update_elem(m->lpm4, &k, &d, BPF_ANY);
	} else {
		struct l2tpx_lpm6_key k = { .prefixlen = (uint32_t)plen };

		memcpy(k.addr, a.a, 16);
		err = bpf_map_update_elem(m->lpm6, &k, &d, BPF_ANY);
	}
	if (err)
		fprintf(stderr, "# subscriber %s: %s\n", cidr, strerror(errno));
	return err;
}

int bt_sub_del(const struct bt_maps *m, const char *cidr)
{
	struct addr a;
	int plen;

	parse_cidr(cidr, &a, &plen);
	if (a.family == AF_INET && plen < 0)
		return dp_fast_addr_drop(m->fast4, m->fast_mask, AF_INET, a.a) ?:
		       bpf_map_delete_elem(m->dst4, a.a);
	if (a.family == AF_INET6 && plen < 0)
		return dp_fast_addr_drop(m->fast6, m->fast_mask, AF_INET6, a.a) ?:
		       bpf_map_delete_elem(m->dst6, a.a);
	if (a.family == AF_INET) {
		struct l2tpx_lpm4_key k = { .prefixlen = (uint32_t)plen };

		memcpy(&k.addr, a.a, 4);
		return bpf_map_delete_elem(m->lpm4, &k);
	} else {
		struct l2tpx_lpm6_key k = { .prefixlen = (uint32_t)plen };

		memcpy(k.addr, a.a, 16);
		return bpf_map_delete_elem(m->lpm6, &k);
	}
}

int bt_txport_put(const struct bt_maps *m, int ifindex)
{
	uint32_t k = (uint32_t)ifindex, v = (uint32_t)ifindex;

	if (bpf_map_update_elem(m->txports, &k, &v, BPF_ANY)) {
		fprintf(stderr, "# txport %d: %s\n", ifindex, strerror(errno));
		return -1;
	}
	return 0;
}

int bt_txport_del(const struct bt_maps *m, int ifindex)
{
	uint32_t k = (uint32_t)ifindex;

	return bpf_map_delete_elem(m->txports, &k);
}

/* ---- one checked run ---- */

bool bt_xdp_check(const struct bt_xdp *x, int poison, const struct bt_maps *m,
		  const uint8_t *in, size_t len, uint32_t ifindex,
		  const struct bt_expect *e, struct pkt *got)
{
	struct l2tpx_sess_stats sb, sa;
	struct bt_counts cb, ca;
	static struct pkt out, exp;
	uint32_t ret = 0;
	size_t out_len;
	char what[64];
	bool ok = true;
	int which;

	if (bt_reasons_read(m->reasons, &cb) ||
	    (e->sst && bt_sstats_read(m->sstats, e->sst_idx, &sb)))
		return false;
	pkt_init(&out);
	out_len = PKT_MAX - out.off;
	if (bt_xdp_run(x, poison, in, len, ifindex, &ret, pkt_data(&out), &out_len))
		return false;
	out.len = out_len;
	if (got)
		pkt_copy(got, &out);
	if (bt_reasons_read(m->reasons, &ca) ||
	    (e->sst && bt_sstats_read(m->sstats, e->sst_idx, &sa)))
		return false;
	snprintf(what, sizeof(what), "run %s", poison < 0 ? "direct" :
		 poison ? "poison 5a" : "poison a5");

	if (ret != e->verdict) {
		fprintf(stderr, "# %s: verdict %s, expected %s\n", what, bt_xdp_act(ret),
			bt_xdp_act(e->verdict));
		ok = false;
	}
	which = bt_reasons_which(&cb, &ca);
	if (e->reason_alt >= 0 && which == e->reason_alt) {
		ok &= bt_reasons_moved(&cb, &ca, e->reason_alt, 1, len);
	} else {
		if (which != e->reason)
			fprintf(stderr, "# %s: reason %s, expected %s%s%s\n", what,
				which >= 0 ? bt_reason(which) : which == -1 ? "(none)" : "(several)",
				bt_reason(e->reason), e->reason_alt >= 0 ? " or " : "",
				e->reason_alt >= 0 ? bt_reason(e->reason_alt) : "");
		ok &= bt_reasons_moved(&cb, &ca, e->reason, 1, len);
	}
	if (e->sst)
		ok &= bt_sstats_moved(&sb, &sa, e->sst);
	if (e->out) {
		pkt_copy(&exp, e->out);
		if (e->ip4_id_at >= 0 && out.len >= (size_t)e->ip4_id_at + 20) {
			uint8_t *h = pkt_data(&exp) + e->ip4_id_at;

			memcpy(h + 4, pkt_data(&out) + e->ip4_id_at + 4, 2);
			put_be16(h + 10, ip4_hdr_csum(h, (h[0] & 0x0f) * 4u));
		}
		ok &= bytes_match(what, pkt_data(&exp), exp.len, pkt_data(&out), out.len);
	}
	return ok;
}

/* ---- expected frames ---- */

void bt_encap_expected(const struct bt_sess *s, const struct pkt *inner, uint16_t ns,
		       bool with_eth, bool dec_ttl, struct pkt *exp, int *ip4_id_at)
{
	bool v6in = (pkt_cdata(inner)[0] >> 4) == 6;
	static struct pkt in2;
	struct outer_spec o = {
		.eth = { .nvlan = 0 },
		.src = A(s->local),
		.dst = A(s->peer),
		.ip4_id = 0,
		.ip4_frag = 0,		/* DF clear */
		.ttl = 64,
		.sport = s->local_port ? s->local_port : 1701,
		.dport = s->peer_port ? s->peer_port : 1701,
		.udp_csum = s->flags & L2TPX_SF_UDP_CSUM,
	};
	struct l2tp_spec l = {
		.flags = (s->flags & L2TPX_SF_SEQ) ? L2TPF_S : 0,
		.tunnel = s->peer_tunnel,
		.session = s->peer_session,
		.ns = ns,
		.nr = 0,
	};
	struct ppp_spec pp = {
		.no_acf = s->flags & L2TPX_SF_ACFC,
		.pfc = s->flags & L2TPX_SF_PFC,
		.proto = v6in ? 0x0057 : 0x0021,
	};

	mac_parse(o.eth.dst, BT_MAC_LAC);
	mac_parse(o.eth.src, BT_MAC_UP);
	pkt_copy(&in2, inner);
	if (dec_ttl)
		ip_dec_ttl(pkt_data(&in2));
	frame_l2tp(exp, &o, &l, &pp, &in2, NULL);
	if (!with_eth)
		pkt_pull(exp, 14);
	*ip4_id_at = o.src.family == AF_INET ? (with_eth ? 14 : 0) : -1;
}

void bt_uplink_frame(const struct bt_sess *s, const struct pkt *inner, struct pkt *f)
{
	bool v6in = (pkt_cdata(inner)[0] >> 4) == 6;
	struct outer_spec o = {
		.src = A(s->peer),
		.dst = A(s->local),
		.ip4_id = 0x0202,
		.sport = s->peer_port ? s->peer_port : 1701,
		.dport = s->local_port ? s->local_port : 1701,
	};
	struct l2tp_spec l = { .tunnel = s->tunnel, .session = s->session };
	struct ppp_spec pp = { .proto = v6in ? 0x0057 : 0x0021 };

	mac_parse(o.eth.dst, BT_MAC_UP);
	mac_parse(o.eth.src, BT_MAC_LAC);
	frame_l2tp(f, &o, &l, &pp, inner, NULL);
}
