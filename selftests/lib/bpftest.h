/* SPDX-License-Identifier: GPL-2.0 */
/* BPF_PROG_TEST_RUN harness for the data-plane selftests: a private network
 * namespace with veths, routes and permanent neighbours; unpinned skeleton
 * maps; XDP runs behind a trampoline that poisons the headroom; per-CPU
 * counters summed; session and subscriber map helpers. */
#ifndef SELFTEST_BPFTEST_H
#define SELFTEST_BPFTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>

#include "l2tpx.h"
#include "frames.h"

/* ---- the test network (all inside a namespace of our own) ----
 *
 *   l2tx0 (uplink, XDP port)  <-veth->  l2tx1 (core, XDP port)
 *   l2tx2 (routed, NOT an XDP port) <-veth-> l2tx3
 *
 * 192.0.2.0/27    l2tx0  .1 us, .2 LAC (permanent neighbour), .3 LAC (none)
 * 192.0.2.32/27   l2tx1  .33 us, .40 core host (permanent), .41 (none)
 * 192.0.2.64/27   l2tx2  .65 us, .70 host (permanent)
 * 192.0.2.128/26  subscribers (not routed by the kernel)
 * 192.0.2.192/27  unreachable route
 * 192.0.2.224/27  no route at all
 * IPv6 the same way: 2001:db8:1::/64 l2tx0, 2001:db8:2::/64 l2tx1,
 * 2001:db8:3::/64 l2tx2, subscribers 2001:db8:100::/40,
 * 2001:db8:dead::/48 unreachable, 2001:db8:ffff::/48 no route.
 */
#define BT_IF_UP	"l2tx0"
#define BT_IF_CORE	"l2tx1"
#define BT_IF_OTHER	"l2tx2"
#define BT_IF_OTHER_PEER "l2tx3"

#define BT_MAC_UP	"02:00:00:00:00:01"
#define BT_MAC_CORE	"02:00:00:00:00:21"
#define BT_MAC_OTHER	"02:00:00:00:00:41"
#define BT_MAC_OTHER_PEER "02:00:00:00:00:42"
#define BT_MAC_LAC	"02:00:00:00:00:02"
#define BT_MAC_COREHOST	"02:00:00:00:00:40"
#define BT_MAC_OTHERHOST "02:00:00:00:00:70"

#define BT_LOCAL4	"192.0.2.1"
#define BT_LAC4		"192.0.2.2"
#define BT_LAC4_NONEIGH	"192.0.2.3"
#define BT_CORE_LOCAL4	"192.0.2.33"
#define BT_COREHOST4	"192.0.2.40"
#define BT_COREHOST4_NONEIGH "192.0.2.41"
#define BT_OTHERHOST4	"192.0.2.70"
#define BT_UNREACH4	"192.0.2.200"
#define BT_NOROUTE4	"192.0.2.250"

#define BT_LOCAL6	"2001:db8:1::1"
#define BT_LAC6		"2001:db8:1::2"
#define BT_LAC6_NONEIGH	"2001:db8:1::3"
#define BT_CORE_LOCAL6	"2001:db8:2::1"
#define BT_COREHOST6	"2001:db8:2::40"
#define BT_COREHOST6_NONEIGH "2001:db8:2::41"
#define BT_OTHERHOST6	"2001:db8:3::70"
#define BT_UNREACH6	"2001:db8:dead::1"
#define BT_NOROUTE6	"2001:db8:ffff::1"

struct bt_net {
	int if_up, if_core, if_other, if_other_peer;
	uint8_t mac_up[6], mac_core[6], mac_other[6];
	uint8_t mac_lac[6], mac_corehost[6], mac_otherhost[6];
};

/* unshare(CLONE_NEWNET) and build the network above; the namespace and all
 * in it vanish with the process, also when a test fails.  0 or -1. */
int bt_net_setup(struct bt_net *n);
/* Mount and network namespaces of our own, a bpffs mounted on root (a
 * mkdtemp template) in them: nothing leaks out, and dp's unload looks at no
 * interface but ours.  pins gets root/l2tpx, dp's pin directory.  0 or -1;
 * bt_bpffs_done unmounts and removes root. */
int bt_bpffs_setup(char *root, char *pins, size_t pins_len);
void bt_bpffs_done(const char *root);

/* Runs a shell command (inside our namespace); 0 when it exited 0. */
int bt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- objects and maps ---- */

struct bt_maps {
	int sessions, dst4, dst6, lpm4, lpm6, reasons, sstats, txports;
	int fast, fast4, fast6;
	uint32_t fast_mask;	/* l2tpx_fast entries - 1 (the objects' default) */
};

/* Call between __open() and __load(): nothing gets pinned. */
int bt_unpin(struct bpf_object *obj);
int bt_maps_get(struct bpf_object *obj, struct bt_maps *m);

/* ---- running XDP ---- */

#define BT_POISON_LEN	192
extern const uint8_t bt_poison_byte[2];

/* An XDP program under test, reachable directly and through two
 * trampolines that first push BT_POISON_LEN bytes, fill them with
 * bt_poison_byte[i], pop them again and tail-call the program: whatever the
 * program later pushes and does not write shows as poison, not as the zeros
 * BPF_PROG_TEST_RUN would leave there. */
struct bt_xdp {
	int prog_fd;
	int jmp_fd;
	int tramp_fd[2];
};

int bt_xdp_init(struct bt_xdp *x, int prog_fd);
void bt_xdp_fini(struct bt_xdp *x);
/* poison: -1 to run the program directly, 0 or 1 for a trampoline.
 * *out_len is the capacity on entry.  Returns 0 or -errno. */
int bt_xdp_run(const struct bt_xdp *x, int poison, const uint8_t *in, size_t len,
	       uint32_t ingress_ifindex, uint32_t *retval, uint8_t *out, size_t *out_len);
/* Checks the trampoline itself: a probe that pushes 32 bytes must see
 * them poisoned.  0 or -1 with a diagnostic. */
int bt_poison_selftest(int poison);

const char *bt_xdp_act(uint32_t act);
const char *bt_tc_act(uint32_t act);
const char *bt_reason(int r);

/* ---- counters ---- */

struct bt_counts {
	struct l2tpx_counter r[L2TPX_R_MAX];
};

int bt_reasons_read(int fd, struct bt_counts *c);
/* Exactly one reason moved, by packets/bytes; prints what differs. */
bool bt_reasons_moved(const struct bt_counts *before, const struct bt_counts *after,
		      int reason, uint64_t packets, uint64_t bytes);
/* The one reason whose packet count moved; -1 none, -2 more than one. */
int bt_reasons_which(const struct bt_counts *before, const struct bt_counts *after);
int bt_sstats_read(int fd, uint32_t idx, struct l2tpx_sess_stats *s);
int bt_sstats_zero(int fd, uint32_t idx);
bool bt_sstats_moved(const struct l2tpx_sess_stats *before, const struct l2tpx_sess_stats *after,
		     const struct l2tpx_sess_stats *delta);

/* ---- one checked run ---- */

struct bt_expect {
	uint32_t verdict;
	int reason;
	int reason_alt;		/* another acceptable reason, or -1 */
	const struct pkt *out;	/* expected output bytes; NULL: not checked */
	/* Offset in out of an IPv4 header whose ID the program chooses: the
	 * ID is taken from the output and the expected header checksum
	 * recomputed over it; -1 when none. */
	int ip4_id_at;
	const struct l2tpx_sess_stats *sst;	/* expected session deltas, or NULL */
	uint32_t sst_idx;
};

/* Runs in through x (poison as in bt_xdp_run) and checks verdict, output,
 * reason counters (+1 packet, +len bytes on exactly one reason) and
 * session counters.  Prints a diagnostic for every difference.  got/got_len
 * (may be NULL) receive the output. */
bool bt_xdp_check(const struct bt_xdp *x, int poison, const struct bt_maps *m,
		  const uint8_t *in, size_t len, uint32_t ifindex,
		  const struct bt_expect *e, struct pkt *got);

/* ---- sessions and subscribers ---- */

void bt_l2tpx_addr(struct l2tpx_addr *o, const struct addr *a);

struct bt_sess {
	uint16_t tunnel, session;	/* ours: the header of packets from the peer */
	uint16_t peer_tunnel, peer_session;
	const char *local, *peer;
	uint16_t local_port, peer_port;	/* 0 = 1701 */
	uint32_t flags;
	uint32_t stats_idx;
	uint16_t mtu;			/* 0 = 1500 */
	uint16_t mss;
	uint32_t tx_ns;
};

void bt_sess_value(const struct bt_sess *b, struct l2tpx_session *v);
/* Into l2tpx_sessions and, as dp does, its fast copy (when its slot is
 * free or its own); bt_sess_put_hash leaves the copy out, so the
 * programs find the session by the hash lookup only. */
int bt_sess_put(const struct bt_maps *m, const struct bt_sess *b);
int bt_sess_put_hash(const struct bt_maps *m, const struct bt_sess *b);
int bt_sess_del(const struct bt_maps *m, uint16_t tunnel, uint16_t session);
int bt_sess_get(const struct bt_maps *m, uint16_t tunnel, uint16_t session,
		struct l2tpx_session *v);
/* "a.b.c.d" or "x::y" (exact, dst4/dst6, with its fast copy as dp puts
 * it) or with "/len" (lpm4/lpm6). */
int bt_sub_put(const struct bt_maps *m, const char *cidr, uint16_t tunnel, uint16_t session);
int bt_sub_del(const struct bt_maps *m, const char *cidr);
int bt_txport_put(const struct bt_maps *m, int ifindex);
int bt_txport_del(const struct bt_maps *m, int ifindex);

/* ---- expected frames, from the contract ---- */

/* What encapsulation of inner for session s must produce: Ethernet (peer's
 * neighbour MAC <- our uplink MAC; none when !with_eth), outer IPv4 (ihl 5,
 * tos 0, DF clear, TTL 64, ID 0 as a placeholder: see bt_expect.ip4_id_at)
 * or IPv6 (hop limit 64, no class or flow label), UDP local_port ->
 * peer_port (checksum: IPv6 always, IPv4 with L2TPX_SF_UDP_CSUM), L2TP
 * 0x0002 or 0x0802 with Ns/Nr 0, the peer's ids, PPP per ACFC/PFC, then
 * inner with TTL - 1 when dec_ttl.  *ip4_id_at: where the outer IPv4
 * header is, or -1. */
void bt_encap_expected(const struct bt_sess *s, const struct pkt *inner, uint16_t ns,
		       bool with_eth, bool dec_ttl, struct pkt *exp, int *ip4_id_at);

/* A plain data message from session s's peer carrying inner: Ethernet to
 * our uplink MAC, the session's outer addresses and ports, L2TP flags 0,
 * FF 03 and a two-byte protocol. */
void bt_uplink_frame(const struct bt_sess *s, const struct pkt *inner, struct pkt *f);

#endif
