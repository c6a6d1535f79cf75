// SPDX-License-Identifier: GPL-2.0
/* Frame builder, checksums, hex comparison and pcap/pcapng reader for the
 * data-plane selftests (see frames.h). */
#include "frames.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- packet buffer ---- */

static void pkt_die(const char *why)
{
	fprintf(stderr, "# frames: %s\n", why);
	abort();
}

void pkt_init(struct pkt *p)
{
	memset(p->buf, 0, sizeof(p->buf));
	p->off = PKT_HEADROOM;
	p->len = 0;
}

uint8_t *pkt_data(struct pkt *p)
{
	return p->buf + p->off;
}

const uint8_t *pkt_cdata(const struct pkt *p)
{
	return p->buf + p->off;
}

uint8_t *pkt_push(struct pkt *p, size_t n)
{
	if (n > p->off)
		pkt_die("push past headroom");
	p->off -= n;
	p->len += n;
	memset(p->buf + p->off, 0, n);
	return p->buf + p->off;
}

uint8_t *pkt_put(struct pkt *p, size_t n)
{
	uint8_t *t;

	if (p->off + p->len + n > sizeof(p->buf))
		pkt_die("put past end");
	t = p->buf + p->off + p->len;
	memset(t, 0, n);
	p->len += n;
	return t;
}

void pkt_append(struct pkt *p, const void *src, size_t n)
{
	memcpy(pkt_put(p, n), src, n);
}

void pkt_pull(struct pkt *p, size_t n)
{
	if (n > p->len)
		pkt_die("pull past end");
	p->off += n;
	p->len -= n;
}

void pkt_trim(struct pkt *p, size_t len)
{
	if (len > p->len)
		pkt_die("trim grows");
	p->len = len;
}

void pkt_set(struct pkt *p, const void *data, size_t len)
{
	pkt_init(p);
	pkt_append(p, data, len);
}

void pkt_copy(struct pkt *dst, const struct pkt *src)
{
	pkt_set(dst, pkt_cdata(src), src->len);
}

void pkt_fill(struct pkt *p, size_t n, uint8_t seed)
{
	uint8_t *t = pkt_put(p, n);
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = (uint8_t)(seed + i * 7);
}

uint16_t get_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

uint32_t get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void put_be16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

void put_be32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
}

/* ---- addresses ---- */

struct addr A(const char *text)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, a.a) == 1) {
		a.family = AF_INET;
		return a;
	}
	if (inet_pton(AF_INET6, text, a.a) == 1) {
		a.family = AF_INET6;
		return a;
	}
	fprintf(stderr, "# frames: bad address %s\n", text);
	abort();
}

size_t addr_len(const struct addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

void mac_parse(uint8_t mac[6], const char *text)
{
	unsigned int m[6];
	int i;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6)
		pkt_die("bad mac");
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
}

/* ---- checksums ---- */

/* The Internet checksum as RFC 1071 states it: add the data as 16-bit
 * big-endian words (an odd last byte is the high half of a word), fold the
 * carries, complement. */
uint32_t csum_partial_be(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *b = data;
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ip4_hdr_csum(const uint8_t *hdr, size_t hlen)
{
	uint8_t tmp[60];

	memcpy(tmp, hdr, hlen);
	tmp[10] = tmp[11] = 0;
	return csum_finish(csum_partial_be(tmp, hlen, 0));
}

bool ip4_hdr_csum_ok(const uint8_t *hdr)
{
	size_t hlen = (hdr[0] & 0x0f) * 4u;

	return csum_finish(csum_partial_be(hdr, hlen, 0)) == 0;
}

static uint32_t pseudo_sum(const struct addr *src, const struct addr *dst,
			   uint8_t proto, size_t len)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (src->family == AF_INET) {
		memcpy(ph, src->a, 4);
		memcpy(ph + 4, dst->a, 4);
		ph[9] = proto;
		put_be16(ph + 10, (uint16_t)len);
		n = 12;
	} else {
		memcpy(ph, src->a, 16);
		memcpy(ph + 16, dst->a, 16);
		put_be32(ph + 32, (uint32_t)len);
		ph[39] = proto;
		n = 40;
	}
	return csum_partial_be(ph, n, 0);
}

uint16_t l4_csum(const struct addr *src, const struct addr *dst, uint8_t proto,
		 const uint8_t *seg, size_t len, size_t csum_off)
{
	uint32_t sum = pseudo_sum(src, dst, proto, len);

	/* The segment with its checksum field read as zero. */
	sum = csum_partial_be(seg, csum_off, sum);
	if (csum_off + 2 < len) {
		/* Keep word alignment: csum_off is even in every header. */
		sum = csum_partial_be(seg + csum_off + 2, len - csum_off - 2, sum);
	}
	return csum_finish(sum);
}

bool l4_csum_ok(const struct addr *src, const struct addr *dst, uint8_t proto,
		const uint8_t *seg, size_t len)
{
	uint32_t sum = pseudo_sum(src, dst, proto, len);

	return csum_finish(csum_partial_be(seg, len, sum)) == 0;
}

/* ---- transport ---- */

void icmp_echo_push(struct pkt *p, const struct addr *src, const struct addr *dst,
		    uint16_t id, uint16_t seq)
{
	uint8_t *h = pkt_push(p, 8);
	uint16_t c;

	h[0] = src->family == AF_INET ? 8 : 128;
	h[1] = 0;
	put_be16(h + 4, id);
	put_be16(h + 6, seq);
	if (src->family == AF_INET)
		c = csum_finish(csum_partial_be(h, p->len, 0));
	else
		c = l4_csum(src, dst, IPPROTO_ICMPV6_, h, p->len, 2);
	put_be16(h + 2, c);
}

void udp_push(struct pkt *p, const struct addr *src, const struct addr *dst,
	      uint16_t sport, uint16_t dport, bool csum)
{
	uint8_t *h = pkt_push(p, 8);
	uint16_t c;

	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be16(h + 4, (uint16_t)p->len);
	if (csum || src->family == AF_INET6) {
		c = l4_csum(src, dst, IPPROTO_UDP_, h, p->len, 6);
		put_be16(h + 6, c ? c : 0xffff);	/* RFC 768: 0 is sent as ones */
	}
}

void tcp_push(struct pkt *p, const struct addr *src, const struct addr *dst,
	      uint16_t sport, uint16_t dport, uint8_t flags,
	      const uint8_t *opts, size_t optlen)
{
	size_t hlen = 20 + optlen;
	uint8_t *h;

	if (optlen % 4 || optlen > 40)
		pkt_die("tcp options");
	h = pkt_push(p, hlen);
	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be32(h + 4, 0x11223344);
	put_be32(h + 8, (flags & TCPF_ACK) ? 0x55667788 : 0);
	h[12] = (uint8_t)(hlen / 4) << 4;
	h[13] = flags;
	put_be16(h + 14, 64240);
	if (optlen)
		memcpy(h + 20, opts, optlen);
	put_be16(h + 16, l4_csum(src, dst, IPPROTO_TCP_, h, p->len, 16));
}

size_t tcp_opts_mss(uint8_t *o, uint16_t mss, enum mss_place where, size_t *mss_at)
{
	static const uint8_t sackp[] = { 4, 2 };
	static const uint8_t wscale[] = { 3, 3, 7 };
	static const uint8_t ts[] = { 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0 };
	uint8_t mssopt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	size_t n = 0;

#define ADD(x) (memcpy(o + n, x, sizeof(x)), n += sizeof(x))
	switch (where) {
	case MSS_FIRST:
		*mss_at = n + 2;
		ADD(mssopt);
		ADD(sackp);
		ADD(ts);
		o[n++] = 1;	/* NOP */
		ADD(wscale);
		break;
	case MSS_LAST_EVEN:
		o[n++] = 1;
		o[n++] = 1;
		ADD(ts);
		ADD(sackp);
		ADD(wscale);
		o[n++] = 1;
		*mss_at = n + 2;
		ADD(mssopt);
		break;
	case MSS_ODD:
		ADD(sackp);
		ADD(wscale);
		*mss_at = n + 2;	/* 7: odd */
		ADD(mssopt);
		ADD(ts);
		break;
	}
#undef ADD
	while (n % 4)
		o[n++] = 0;	/* EOL */
	return n;
}

/* ---- network ---- */

void ip4_push(struct pkt *p, const struct ip4_spec *s)
{
	size_t hlen = 20 + s->optlen;
	uint8_t *h;

	if (s->optlen % 4 || s->optlen > 40)
		pkt_die("ipv4 options");
	h = pkt_push(p, hlen);
	h[0] = 0x40 | (uint8_t)(hlen / 4);
	h[1] = s->tos;
	put_be16(h + 2, (uint16_t)p->len);
	put_be16(h + 4, s->id);
	put_be16(h + 6, s->frag);
	h[8] = s->ttl;
	h[9] = s->proto;
	memcpy(h + 12, s->src.a, 4);
	memcpy(h + 16, s->dst.a, 4);
	if (s->optlen)
		memcpy(h + 20, s->opts, s->optlen);
	put_be16(h + 10, ip4_hdr_csum(h, hlen));
}

void ip6_push(struct pkt *p, const struct ip6_spec *s)
{
	size_t plen = p->len;
	uint8_t *h = pkt_push(p, 40);

	put_be32(h, 6u << 28 | (uint32_t)s->tclass << 20 | (s->flow & 0xfffff));
	put_be16(h + 4, (uint16_t)plen);
	h[6] = s->nexthdr;
	h[7] = s->hlim;
	memcpy(h + 8, s->src.a, 16);
	memcpy(h + 24, s->dst.a, 16);
}

void ip6_ext_push(struct pkt *p, uint8_t type, uint8_t next)
{
	uint8_t *h = pkt_push(p, 8);

	h[0] = next;
	switch (type) {
	case 44:	/* fragment: offset 0, more fragments */
		put_be16(h + 2, 0x0001);
		put_be32(h + 4, 0xdeadbeef);
		break;
	case 43:	/* routing: type 253 (experimental), segments left 0 */
		h[1] = 0;
		h[2] = 253;
		h[3] = 0;
		break;
	default:	/* hop-by-hop, destination options: PadN of 4 */
		h[1] = 0;
		h[2] = 1;
		h[3] = 4;
		break;
	}
}

void inner_build(struct pkt *p, const struct inner_spec *s)
{
	bool v4 = s->src.family == AF_INET;
	uint8_t opts[40];
	size_t optlen = 0, at;
	uint8_t proto = s->l4;

	pkt_init(p);
	pkt_fill(p, s->payload_len, 0x30);
	switch (s->l4) {
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		proto = v4 ? IPPROTO_ICMP_ : IPPROTO_ICMPV6_;
		icmp_echo_push(p, &s->src, &s->dst, 0x4242, 7);
		break;
	case IPPROTO_UDP_:
		udp_push(p, &s->src, &s->dst, 40000, 53, true);
		break;
	case IPPROTO_TCP_:
		if (s->mss)
			optlen = tcp_opts_mss(opts, s->mss, s->mss_place, &at);
		tcp_push(p, &s->src, &s->dst, 40001, 80,
			 s->tcp_flags ? s->tcp_flags : TCPF_SYN, opts, optlen);
		break;
	default:
		pkt_die("inner l4");
	}
	if (v4) {
		struct ip4_spec ip = {
			.src = s->src, .dst = s->dst, .proto = proto,
			.ttl = s->ttl, .id = 0x1234, .frag = 0x4000,
		};
		ip4_push(p, &ip);
	} else {
		struct ip6_spec ip = {
			.src = s->src, .dst = s->dst, .nexthdr = proto,
			.hlim = s->ttl, .flow = 0x12345,
		};
		ip6_push(p, &ip);
	}
}

void ip_dec_ttl(uint8_t *b)
{
	if ((b[0] >> 4) == 4) {
		b[8]--;
		put_be16(b + 10, ip4_hdr_csum(b, (b[0] & 0x0f) * 4u));
	} else {
		b[7]--;
	}
}

/* ---- L2TP, PPP, Ethernet ---- */

size_t l2tp_hdr_len(const struct l2tp_spec *s)
{
	size_t n = 6;

	if (s->flags & L2TPF_L)
		n += 2;
	if (s->flags & L2TPF_S)
		n += 4;
	if (s->flags & L2TPF_O)
		n += 2 + s->offset_size;
	return n;
}

void l2tp_push(struct pkt *p, const struct l2tp_spec *s)
{
	size_t hl = l2tp_hdr_len(s), i = 0, k;
	uint8_t *h = pkt_push(p, hl);

	put_be16(h, (uint16_t)(s->flags | (s->ver ? s->ver : 2)));
	i = 2;
	if (s->flags & L2TPF_L) {
		put_be16(h + i, (uint16_t)((int)p->len + s->length_adj));
		i += 2;
	}
	put_be16(h + i, s->tunnel);
	put_be16(h + i + 2, s->session);
	i += 4;
	if (s->flags & L2TPF_S) {
		put_be16(h + i, s->ns);
		put_be16(h + i + 2, s->nr);
		i += 4;
	}
	if (s->flags & L2TPF_O) {
		put_be16(h + i, s->offset_size);
		i += 2;
		/* Padding that must be skipped, not parsed: make it look like
		 * something (FF 03 00 21 45 ...) to catch an off-by-N. */
		for (k = 0; k < s->offset_size; k++)
			h[i + k] = (uint8_t[]){ 0xff, 0x03, 0x00, 0x21, 0x45 }[k % 5];
	}
}

void ppp_push(struct pkt *p, const struct ppp_spec *s)
{
	size_t n = (s->no_acf ? 0 : 2) + (s->pfc ? 1 : 2);
	uint8_t *h = pkt_push(p, n);

	if (!s->no_acf) {
		*h++ = 0xff;
		*h++ = 0x03;
	}
	if (s->pfc)
		*h = (uint8_t)s->proto;
	else
		put_be16(h, s->proto);
}

size_t eth_hdr_len(const struct eth_spec *s)
{
	return 14 + 4 * (size_t)s->nvlan;
}

void eth_push(struct pkt *p, const struct eth_spec *s, uint16_t type)
{
	uint8_t *h = pkt_push(p, eth_hdr_len(s));
	int i;

	memcpy(h, s->dst, 6);
	memcpy(h + 6, s->src, 6);
	for (i = 0; i < s->nvlan; i++) {
		put_be16(h + 12 + 4 * i, s->tpid[i]);
		put_be16(h + 14 + 4 * i, s->vid[i]);
	}
	put_be16(h + 12 + 4 * s->nvlan, type);
}

void frame_l2tp(struct pkt *out, const struct outer_spec *o,
		const struct l2tp_spec *l, const struct ppp_spec *pp,
		const struct pkt *inner, struct frame_layout *lay)
{
	size_t n_inner, n_ppp, n_l2tp, n_l4, n_l3;
	bool v4 = o->src.family == AF_INET;
	uint8_t ttl = o->ttl ? o->ttl : 64;

	pkt_copy(out, inner);
	n_inner = out->len;
	if (pp)
		ppp_push(out, pp);
	n_ppp = out->len;
	l2tp_push(out, l);
	n_l2tp = out->len;
	udp_push(out, &o->src, &o->dst, o->sport, o->dport, o->udp_csum);
	n_l4 = out->len;
	if (v4) {
		struct ip4_spec ip = {
			.src = o->src, .dst = o->dst, .proto = IPPROTO_UDP_,
			.ttl = ttl, .id = o->ip4_id, .frag = o->ip4_frag,
			.opts = o->ip4opts, .optlen = o->ip4optlen,
		};
		ip4_push(out, &ip);
	} else {
		struct ip6_spec ip = {
			.src = o->src, .dst = o->dst, .nexthdr = IPPROTO_UDP_,
			.hlim = ttl,
		};
		if (o->ip6_nexthdr_ext) {
			ip6_ext_push(out, o->ip6_nexthdr_ext, IPPROTO_UDP_);
			ip.nexthdr = o->ip6_nexthdr_ext;
		}
		ip6_push(out, &ip);
	}
	n_l3 = out->len;
	eth_push(out, &o->eth, v4 ? ETH_P_IP_ : ETH_P_IPV6_);
	if (lay) {
		lay->end = out->len;
		lay->l3 = out->len - n_l3;
		lay->l4 = out->len - n_l4;
		lay->l2tp = out->len - n_l2tp;
		lay->ppp = out->len - n_ppp;
		lay->inner = out->len - n_inner;
	}
}

/* ---- comparison ---- */

void hexdump(const char *prefix, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(stderr, "# %s %04zx:", prefix, i);
		fprintf(stderr, " %02x", b[i]);
		if (i % 16 == 15 || i + 1 == len)
			fprintf(stderr, "\n");
	}
	if (!len)
		fprintf(stderr, "# %s (empty)\n", prefix);
}

bool bytes_match(const char *what, const uint8_t *exp, size_t elen,
		 const uint8_t *got, size_t glen)
{
	size_t i, n = elen < glen ? elen : glen;

	for (i = 0; i < n; i++)
		if (exp[i] != got[i])
			break;
	if (i == n && elen == glen)
		return true;
	fprintf(stderr, "# %s: output differs: expected %zu bytes, got %zu", what,
		elen, glen);
	if (i < n)
		fprintf(stderr, "; first difference at offset %zu (0x%zx): "
			"expected %02x, got %02x", i, i, exp[i], got[i]);
	fprintf(stderr, "\n");
	hexdump("expected", exp, elen);
	hexdump("got     ", got, glen);
	return false;
}

/* ---- captures ---- */

static int cap_add(struct capture *c, uint32_t linktype, const uint8_t *d, size_t n)
{
	struct cap_frame *f;

	f = realloc(c->f, (c->n + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	c->f = f;
	f = &c->f[c->n];
	f->data = malloc(n ? n : 1);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, d, n);
	f->len = n;
	f->linktype = linktype;
	c->n++;
	return 0;
}

static uint32_t rd32(const uint8_t *b, bool swap)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const uint8_t *b, bool swap)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return swap ? __builtin_bswap16(v) : v;
}

static int read_pcap(const uint8_t *b, size_t n, struct capture *c)
{
	uint32_t magic = rd32(b, false);
	bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	uint32_t linktype;
	size_t pos = 24;
	int err;

	if (n < 24)
		return -EINVAL;
	/* The top bits of the link-type field carry an FCS length. */
	linktype = rd32(b + 20, swap) & 0x03ffffff;
	while (pos + 16 <= n) {
		uint32_t incl = rd32(b + pos + 8, swap);

		if (pos + 16 + incl > n)
			return -EINVAL;
		err = cap_add(c, linktype, b + pos + 16, incl);
		if (err)
			return err;
		pos += 16 + incl;
	}
	return pos == n ? 0 : -EINVAL;
}

static int read_pcapng(const uint8_t *b, size_t n, struct capture *c)
{
	uint32_t linktypes[64];
	size_t nif = 0, pos = 0;
	bool swap = false;
	int err;

	while (pos + 12 <= n) {
		uint32_t type, blen;
		const uint8_t *body;

		type = rd32(b + pos, false);
		if (type == 0x0a0d0d0a) {	/* SHB: learn the byte order */
			uint32_t bom = rd32(b + pos + 8, false);

			if (bom == 0x1a2b3c4d)
				swap = false;
			else if (bom == 0x4d3c2b1a)
				swap = true;
			else
				return -EINVAL;
			nif = 0;
		}
		type = rd32(b + pos, swap);
		blen = rd32(b + pos + 4, swap);
		if (blen < 12 || blen % 4 || pos + blen > n)
			return -EINVAL;
		body = b + pos + 8;
		switch (type) {
		case 1:		/* IDB */
			if (nif < 64)
				linktypes[nif++] = rd16(body, swap);
			break;
		case 6: {	/* EPB */
			uint32_t ifid = rd32(body, swap), caplen = rd32(body + 12, swap);

			if (ifid >= nif || 20 + caplen > blen - 12)
				return -EINVAL;
			err = cap_add(c, linktypes[ifid], body + 20, caplen);
			if (err)
				return err;
			break;
		}
		case 3: {	/* SPB: interface 0 */
			uint32_t orig = rd32(body, swap), caplen = blen - 16;

			if (!nif)
				return -EINVAL;
			if (orig < caplen)
				caplen = orig;
			err = cap_add(c, linktypes[0], body + 4, caplen);
			if (err)
				return err;
			break;
		}
		case 2: {	/* obsolete Packet Block */
			uint16_t ifid = rd16(body, swap);
			uint32_t caplen = rd32(body + 12, swap);

			if (ifid >= nif || 20 + caplen > blen - 12)
				return -EINVAL;
			err = cap_add(c, linktypes[ifid], body + 20, caplen);
			if (err)
				return err;
			break;
		}
		default:
			break;
		}
		pos += blen;
	}
	return pos == n ? 0 : -EINVAL;
}

int capture_read(const char *path, struct capture *c)
{
	uint8_t *b = NULL;
	size_t n = 0, cap = 0;
	FILE *f;
	int err;

	memset(c, 0, sizeof(*c));
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	for (;;) {
		size_t r;

		if (n == cap) {
			uint8_t *nb = realloc(b, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				free(b);
				fclose(f);
				return -ENOMEM;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	if (n >= 4 && rd32(b, false) == 0x0a0d0d0a)
		err = read_pcapng(b, n, c);
	else if (n >= 4 && (rd32(b, false) == 0xa1b2c3d4 || rd32(b, false) == 0xd4c3b2a1 ||
			    rd32(b, false) == 0xa1b23c4d || rd32(b, false) == 0x4d3cb2a1))
		err = read_pcap(b, n, c);
	else
		err = -EINVAL;
	free(b);
	if (err)
		capture_free(c);
	return err;
}

void capture_free(struct capture *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->f[i].data);
	free(c->f);
	c->f = NULL;
	c->n = 0;
}
