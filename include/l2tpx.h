/* SPDX-License-Identifier: GPL-2.0 */
/* What the BPF data plane and userspace must agree on: map keys and values,
 * counter reasons, pin names and sizes, L2TPv2/PPP wire constants. */
#ifndef L2TPX_H
#define L2TPX_H

#include <linux/types.h>

/* ---- pinning and sizing ------------------------------------------------ */

#define L2TPX_PIN_DIR		"/sys/fs/bpf/l2tpx"
#define L2TPX_DEFAULT_PORT	1701
#define L2TPX_MAX_SESSIONS	65536	/* default; dp can raise it before load */
#define L2TPX_MAX_ROUTES	65536	/* framed routes / delegated prefixes */
#define L2TPX_MAX_TXPORTS	256	/* interfaces XDP may redirect to */
#define L2TPX_MAX_OFFSET	64	/* largest L2TP Offset Size the fast path skips */
#define L2TPX_MAX_VLANS		2
#define L2TPX_MAX_CPUS		256	/* largest CPU a spread uplink hands decap to */
#define L2TPX_SPREAD_QSIZE	2048	/* cpumap queue per CPU (frames) */

/* Map names as they appear pinned under L2TPX_PIN_DIR. */
#define L2TPX_MAP_SESSIONS	"l2tpx_sessions"
#define L2TPX_MAP_FAST		"l2tpx_fast"
#define L2TPX_MAP_FAST4		"l2tpx_fast4"
#define L2TPX_MAP_FAST6		"l2tpx_fast6"
#define L2TPX_MAP_DST4		"l2tpx_dst4"
#define L2TPX_MAP_DST6		"l2tpx_dst6"
#define L2TPX_MAP_LPM4		"l2tpx_lpm4"
#define L2TPX_MAP_LPM6		"l2tpx_lpm6"
#define L2TPX_MAP_REASONS	"l2tpx_reasons"
#define L2TPX_MAP_SSTATS	"l2tpx_sstats"
#define L2TPX_MAP_TXPORTS	"l2tpx_txports"
#define L2TPX_MAP_CPUS		"l2tpx_cpus"

/* ---- wire constants ---------------------------------------------------- */

#define L2TP_F_TYPE	0x8000	/* T: control message */
#define L2TP_F_LENGTH	0x4000	/* L: Length field present */
#define L2TP_F_SEQ	0x0800	/* S: Ns and Nr present */
#define L2TP_F_OFFSET	0x0200	/* O: Offset Size present */
#define L2TP_F_PRIO	0x0100	/* P: priority */
#define L2TP_VER_MASK	0x000f
#define L2TP_VERSION	2

#define PPP_ADDRESS	0xff
#define PPP_CONTROL	0x03
#define PPP_IP		0x0021
#define PPP_IPV6	0x0057
#define PPP_LCP		0xc021
#define PPP_PAP		0xc023
#define PPP_CHAP	0xc223
#define PPP_IPCP	0x8021
#define PPP_IPV6CP	0x8057

/* ---- maps -------------------------------------------------------------- */

/* An address of either family; IPv4 is stored v4-mapped (::ffff:a.b.c.d). */
struct l2tpx_addr {
	union {
		__u8 a8[16];
		__be32 a32[4];
	};
};

/* l2tpx_sessions key: our own tunnel and session ids, as they arrive in the
 * header of data messages from the peer. */
struct l2tpx_sess_key {
	__be16 tunnel_id;
	__be16 session_id;
};

/* Session flags. */
#define L2TPX_SF_SEQ		0x01	/* send Ns/Nr in data messages */
#define L2TPX_SF_ACFC		0x02	/* peer accepts frames without FF 03 */
#define L2TPX_SF_PFC		0x04	/* peer accepts one-byte protocol fields */
#define L2TPX_SF_ANTISPOOF	0x08	/* inner source must be one of the session's */
#define L2TPX_SF_UDP_CSUM	0x10	/* UDP checksum over IPv4 too (IPv6 always) */
#define L2TPX_SF_IPV6		0x20	/* outer family is IPv6 */
#define L2TPX_SF_DAEMON		0x40	/* installed by l2tpxd (not a static session); BPF ignores it */

/* l2tpx_sessions value: everything needed to check a decap and build an encap. */
struct l2tpx_session {
	struct l2tpx_addr local;	/* our address the peer sends to */
	struct l2tpx_addr peer;		/* the peer's address */
	__be16 local_port;
	__be16 peer_port;
	__be16 peer_tunnel_id;		/* ids the peer gave: go into our headers */
	__be16 peer_session_id;
	__u32 flags;			/* L2TPX_SF_* */
	__u32 stats_idx;		/* first of its l2tpx_sstats entries */
	__u16 mtu;			/* largest outer IP packet toward the peer */
	__u16 mss;			/* TCP MSS clamp, 0 = off */
	__u32 tx_ns;			/* next Ns for sequenced sessions (atomic) */
};
_Static_assert(sizeof(struct l2tpx_session) == 56, "l2tpx_session layout");

/* l2tpx_fast value: a copy of a session in the slot its ids index
 * (l2tpx_fast_slot), so that the fast path finds it with one array read
 * instead of a hash lookup (hash, bucket walk and key compare, the largest
 * item of a decap after the FIB lookup).  l2tpx_sessions stays the one
 * authoritative map; dp keeps the copy equal to it.  A session whose slot
 * another session holds lives in l2tpx_sessions only, and is found there.
 * key {0, 0} (no data session has tunnel id 0) marks a slot empty. */
struct l2tpx_fast {
	struct l2tpx_sess_key key;
	__u32 pad;
	struct l2tpx_session s;
};
_Static_assert(sizeof(struct l2tpx_fast) == 64, "l2tpx_fast: one cache line");

/* The slot of our {tunnel id, session id} (host order) in an l2tpx_fast of
 * mask + 1 entries, a power of two of at least 65536: the session id and
 * the low bits of the tunnel id.  l2tpxd gives every session a session id
 * no other session has, so its sessions never share a slot. */
static inline __u32 l2tpx_fast_slot(__u16 tunnel_id, __u16 session_id, __u32 mask)
{
	return (((__u32)tunnel_id << 16) | session_id) & mask;
}

/* Entries of l2tpx_fast for max_sessions: the power of two at or above it,
 * and at least 65536 (every session id a slot of its own). */
static inline __u32 l2tpx_fast_entries(__u32 max_sessions)
{
	__u32 n = 65536;

	while (n < max_sessions && n < (1u << 31))
		n <<= 1;
	return n;
}

/* l2tpx_dst4 / l2tpx_dst6 / l2tpx_lpm4 / l2tpx_lpm6 value: the session that
 * owns a subscriber address or framed prefix. */
struct l2tpx_dst {
	struct l2tpx_sess_key key;
};

/* l2tpx_fast4 / l2tpx_fast6 value: a copy of an l2tpx_dst4 / l2tpx_dst6
 * entry in the slot the address's last 32 bits index (l2tpx_fast_addr_slot,
 * l2tpx_fast's mask), as l2tpx_fast is for sessions: encap's subscriber
 * lookup becomes an array read; an address whose slot another holds is found
 * in the hash.  A pool's addresses are consecutive, so they never share a
 * slot.  d.key {0, 0} marks a slot empty. */
struct l2tpx_fast4 {
	struct l2tpx_dst d;
	__be32 addr;
};
_Static_assert(sizeof(struct l2tpx_fast4) == 8, "l2tpx_fast4 layout");

struct l2tpx_fast6 {
	struct l2tpx_dst d;
	__u32 pad[3];
	struct l2tpx_addr addr;
};
_Static_assert(sizeof(struct l2tpx_fast6) == 32, "l2tpx_fast6: half a cache line");

/* The slot of an address whose last 32 bits are low32 (host order). */
static inline __u32 l2tpx_fast_addr_slot(__u32 low32, __u32 mask)
{
	return low32 & mask;
}

struct l2tpx_lpm4_key {
	__u32 prefixlen;
	__be32 addr;
};

struct l2tpx_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* l2tpx_sstats value: a session's counters on one CPU, at entry
 * stats_idx + CPU (dp gives each session possible-CPUs entries in a row).
 * A plain array, not a per-CPU one: its entry is one address computed from
 * the session, where a per-CPU array first loads a pointer per entry, a
 * second memory access per packet once sessions outgrow the caches. */
struct l2tpx_sess_stats {
	__u64 rx_packets;	/* decapsulated (peer -> us) */
	__u64 rx_bytes;		/* inner IP bytes */
	__u64 tx_packets;	/* encapsulated (us -> peer) */
	__u64 tx_bytes;		/* inner IP bytes */
	__u64 rx_drops;		/* wrong peer, spoofed source, malformed inner */
	__u64 tx_punts;		/* handed to the kernel/slow path instead of encap */
	__u64 reserved[2];	/* one cache line per entry */
};
_Static_assert(sizeof(struct l2tpx_sess_stats) == 64, "l2tpx_sess_stats: one cache line");

/* l2tpx_reasons value (per CPU, indexed by enum l2tpx_reason). */
struct l2tpx_counter {
	__u64 packets;
	__u64 bytes;
};

/* Why a packet left the fast path the way it did.  Each program ends with
 * exactly one of these counted; see docs/REASONS.md for the table. */
#define L2TPX_REASONS(X)							\
	/* fast path */								\
	X(DECAP_FWD,		"decap-fwd",		"decapsulated, FIB hit, redirected")	\
	X(DECAP_LOCAL,		"decap-local",		"decapsulated, for this host: passed up")	\
	X(DECAP_NO_NEIGH,	"decap-no-neigh",	"decapsulated, neighbour unknown: passed up")	\
	X(DECAP_NO_TXPORT,	"decap-no-txport",	"decapsulated, egress not an XDP port: passed up")	\
	X(DECAP_FIB_OTHER,	"decap-fib-other",	"decapsulated, FIB said unreachable/frag-needed: passed up")	\
	X(ENCAP_FWD,		"encap-fwd",		"encapsulated and redirected (XDP)")	\
	X(TC_ENCAP_FWD,		"tc-encap-fwd",		"encapsulated and redirected (TC)")	\
	X(CPU_SPREAD,		"cpu-spread",		"data of a known session handed to its CPU (cpumap); counted again there")	\
	/* passed untouched */							\
	X(NOT_IP,		"not-ip",		"not IPv4/IPv6: passed")		\
	X(NOT_L2TP,		"not-l2tp",		"not UDP to the L2TP port: passed")	\
	X(OUTER_FRAG,		"outer-frag",		"outer IP fragment: passed for reassembly")	\
	X(IPV6_EXT,		"ipv6-ext",		"outer IPv6 extension header: passed")	\
	X(CONTROL,		"control",		"L2TP control message: passed")		\
	X(VERSION,		"version",		"not L2TPv2: passed")			\
	X(NO_SESSION,		"no-session",		"unknown tunnel/session: passed")	\
	X(PPP_CONTROL,		"ppp-control",		"PPP control protocol: passed")		\
	X(PPP_OTHER,		"ppp-other",		"PPP data other than IPv4/IPv6: passed")	\
	X(INNER_LINK,		"inner-link",		"IPv6 to a link-local or multicast address: passed to the daemon")	\
	X(OFFSET_BIG,		"offset-big",		"L2TP offset larger than the fast path skips: passed")	\
	X(TTL,			"ttl",			"inner TTL/hop limit exhausted: passed for ICMP")	\
	X(NO_SUBSCRIBER,	"no-subscriber",	"destination is no session's: passed")	\
	X(TOO_BIG,		"too-big",		"encap would exceed the path MTU: passed to kernel")	\
	X(ENCAP_NO_ROUTE,	"encap-no-route",	"no FIB/neighbour/XDP port toward the peer: passed")	\
	X(TC_SLOW,		"tc-slow",		"TC: GSO or unresolved checksum: left to the slow path")	\
	/* dropped */								\
	X(MALFORMED,		"malformed",		"truncated or inconsistent outer headers: dropped")	\
	X(INNER_MALFORMED,	"inner-malformed",	"truncated or inconsistent inner packet: dropped")	\
	X(WRONG_PEER,		"wrong-peer",		"outer source or destination not the session's: dropped")	\
	X(SPOOFED,		"spoofed",		"inner source not the session's: dropped")	\
	X(ERROR,		"error",		"helper failed (adjust head/room): dropped")

enum l2tpx_reason {
#define L2TPX_REASON_ENUM(name, str, desc) L2TPX_R_##name,
	L2TPX_REASONS(L2TPX_REASON_ENUM)
#undef L2TPX_REASON_ENUM
	L2TPX_R_MAX
};

#endif /* L2TPX_H */
