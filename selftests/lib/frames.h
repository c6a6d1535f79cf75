/* SPDX-License-Identifier: GPL-2.0 */
/* Frame builder for the data-plane selftests: Ethernet/VLAN, IPv4 (with
 * options) and IPv6 (with extension headers), UDP, L2TPv2 with any flag mix,
 * PPP, inner ICMP/TCP/UDP; checksums written independently of the BPF code;
 * a pcap/pcapng reader for the reference captures. */
#ifndef SELFTEST_FRAMES_H
#define SELFTEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A packet is built inside out: payload first, then each header is pushed in
 * front of it, so lengths and checksums are known when a header is written. */
#define PKT_MAX		8192
#define PKT_HEADROOM	2048

struct pkt {
	uint8_t buf[PKT_MAX];
	size_t off;	/* first byte of data in buf */
	size_t len;
};

void pkt_init(struct pkt *p);
uint8_t *pkt_data(struct pkt *p);
const uint8_t *pkt_cdata(const struct pkt *p);
uint8_t *pkt_push(struct pkt *p, size_t n);	/* prepend n zero bytes */
uint8_t *pkt_put(struct pkt *p, size_t n);	/* append n zero bytes */
void pkt_append(struct pkt *p, const void *src, size_t n);
void pkt_pull(struct pkt *p, size_t n);		/* drop n bytes in front */
void pkt_trim(struct pkt *p, size_t len);	/* keep the first len bytes */
void pkt_set(struct pkt *p, const void *data, size_t len);
void pkt_copy(struct pkt *dst, const struct pkt *src);
void pkt_fill(struct pkt *p, size_t n, uint8_t seed);	/* append a byte pattern */

/* Big-endian accessors on raw bytes. */
uint16_t get_be16(const uint8_t *b);
uint32_t get_be32(const uint8_t *b);
void put_be16(uint8_t *b, uint16_t v);
void put_be32(uint8_t *b, uint32_t v);

/* An address of either family; IPv4 uses a[0..3]. */
struct addr {
	int family;	/* AF_INET or AF_INET6 */
	uint8_t a[16];
};

struct addr A(const char *text);	/* parse or abort */
size_t addr_len(const struct addr *a);
void mac_parse(uint8_t mac[6], const char *text);

/* ---- checksums (RFC 1071), independent of bpf/lib/csum.h ---- */

uint32_t csum_partial_be(const void *data, size_t len, uint32_t sum);
uint16_t csum_finish(uint32_t sum);	/* fold and complement */
uint16_t ip4_hdr_csum(const uint8_t *hdr, size_t hlen);	/* over hdr with csum 0 */
bool ip4_hdr_csum_ok(const uint8_t *hdr);
/* Transport checksum (UDP, TCP, ICMPv6) over a segment whose checksum field
 * is treated as zero, with the pseudo header of src/dst. */
uint16_t l4_csum(const struct addr *src, const struct addr *dst, uint8_t proto,
		 const uint8_t *seg, size_t len, size_t csum_off);
bool l4_csum_ok(const struct addr *src, const struct addr *dst, uint8_t proto,
		const uint8_t *seg, size_t len);

/* ---- inner payloads and transport headers (prepended to p) ---- */

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58

void icmp_echo_push(struct pkt *p, const struct addr *src, const struct addr *dst,
		    uint16_t id, uint16_t seq);
void udp_push(struct pkt *p, const struct addr *src, const struct addr *dst,
	      uint16_t sport, uint16_t dport, bool csum);

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

void tcp_push(struct pkt *p, const struct addr *src, const struct addr *dst,
	      uint16_t sport, uint16_t dport, uint8_t flags,
	      const uint8_t *opts, size_t optlen);
/* Where tcp_opts_mss() puts the MSS option among SACK-permitted, window
 * scale and timestamps: first; last with its value at an even offset; after
 * SACK-permitted and window scale, its value at an odd offset. */
enum mss_place { MSS_FIRST, MSS_LAST_EVEN, MSS_ODD };
/* Writes TCP options into opts (at most 40 bytes); returns the 4-aligned
 * length.  *mss_at gets the offset of the MSS value within the options. */
size_t tcp_opts_mss(uint8_t *opts, uint16_t mss, enum mss_place where,
		    size_t *mss_at);

/* ---- network headers ---- */

struct ip4_spec {
	struct addr src, dst;
	uint8_t proto;
	uint8_t ttl;
	uint8_t tos;
	uint16_t id;
	uint16_t frag;		/* flags (DF 0x4000, MF 0x2000) | offset/8 */
	const uint8_t *opts;	/* multiple of 4, at most 40 */
	size_t optlen;
};
void ip4_push(struct pkt *p, const struct ip4_spec *s);

struct ip6_spec {
	struct addr src, dst;
	uint8_t nexthdr;
	uint8_t hlim;
	uint8_t tclass;
	uint32_t flow;
};
void ip6_push(struct pkt *p, const struct ip6_spec *s);
/* A generic 8-byte IPv6 extension header (hop-by-hop, routing, dstopts:
 * padded with PadN; fragment: offset 0, M=1). */
void ip6_ext_push(struct pkt *p, uint8_t type, uint8_t next);

/* A plain IP packet: proto-specific transport over payload_len pattern bytes.
 * l4: IPPROTO_ICMP_/IPPROTO_ICMPV6_ (echo), IPPROTO_UDP_, IPPROTO_TCP_ (SYN
 * with MSS option mss, or no options when mss == 0). */
struct inner_spec {
	struct addr src, dst;
	uint8_t l4;
	uint8_t ttl;		/* TTL or hop limit */
	size_t payload_len;
	uint16_t mss;		/* TCP: MSS option value, 0 = none */
	enum mss_place mss_place;	/* TCP: where the MSS option goes */
	uint8_t tcp_flags;	/* TCP: default SYN */
};
void inner_build(struct pkt *p, const struct inner_spec *s);

/* ---- L2TP and PPP ---- */

#define L2TPF_T	0x8000
#define L2TPF_L	0x4000
#define L2TPF_S	0x0800
#define L2TPF_O	0x0200
#define L2TPF_P	0x0100

struct l2tp_spec {
	uint16_t flags;		/* T/L/S/O/P bits; version added from ver */
	uint8_t ver;		/* 0 means 2 */
	uint16_t tunnel, session;
	uint16_t ns, nr;
	uint16_t offset_size;	/* with O: Offset Size, and that many pad bytes */
	int length_adj;		/* with L: added to the true length */
};
void l2tp_push(struct pkt *p, const struct l2tp_spec *s);
size_t l2tp_hdr_len(const struct l2tp_spec *s);

struct ppp_spec {
	bool no_acf;		/* omit FF 03 */
	bool pfc;		/* one-byte protocol field */
	uint16_t proto;
};
void ppp_push(struct pkt *p, const struct ppp_spec *s);

/* ---- link layer ---- */

#define ETH_P_IP_	0x0800
#define ETH_P_IPV6_	0x86dd
#define ETH_P_ARP_	0x0806
#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8
#define ETH_P_PPPOES_	0x8864

struct eth_spec {
	uint8_t dst[6], src[6];
	int nvlan;
	uint16_t tpid[2];	/* outer first */
	uint16_t vid[2];
};
void eth_push(struct pkt *p, const struct eth_spec *s, uint16_t type);
size_t eth_hdr_len(const struct eth_spec *s);

/* ---- a whole uplink frame: Ethernet / IP / UDP / L2TP / PPP / inner ---- */

struct outer_spec {
	struct eth_spec eth;
	struct addr src, dst;	/* outer family follows src */
	const uint8_t *ip4opts;
	size_t ip4optlen;
	uint16_t ip4_id;
	uint16_t ip4_frag;
	uint8_t ttl;		/* 0 means 64 */
	uint8_t ip6_nexthdr_ext;	/* IPv6: insert this extension header */
	uint16_t sport, dport;
	bool udp_csum;		/* IPv4: compute a checksum (IPv6 always) */
};

/* Offsets of each layer in the built frame. */
struct frame_layout {
	size_t l3, l4, l2tp, ppp, inner, end;
};

void frame_l2tp(struct pkt *out, const struct outer_spec *o,
		const struct l2tp_spec *l, const struct ppp_spec *pp,
		const struct pkt *inner, struct frame_layout *lay);

/* Decrement TTL / hop limit of the IP packet at b, recomputing the IPv4
 * header checksum from scratch. */
void ip_dec_ttl(uint8_t *b);

/* ---- comparison ---- */

/* Compares and, on a difference, prints a TAP diagnostic (lines starting with
 * '#') with the first differing offset and both hex dumps. */
bool bytes_match(const char *what, const uint8_t *exp, size_t elen,
		 const uint8_t *got, size_t glen);
void hexdump(const char *prefix, const uint8_t *b, size_t len);

/* ---- captures ---- */

struct cap_frame {
	uint32_t linktype;
	size_t len;
	uint8_t *data;
};

struct capture {
	size_t n;
	struct cap_frame *f;	/* f[0] is frame number 1 */
};

/* Reads classic pcap (either byte order, µs or ns) and pcapng (SHB, IDB,
 * EPB, SPB, obsolete PB).  Returns 0 or -errno. */
int capture_read(const char *path, struct capture *c);
void capture_free(struct capture *c);

#endif
