// SPDX-License-Identifier: GPL-2.0
/* The uplink decap reference and its harness: see decapref.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>

#include "l2tp_xdp.skel.h"
#include "decapref.h"

/* ---- the sessions the program knows ---- */

const struct bt_sess decapref_sess[DR_S_COUNT] = {
	[DR_S_V4] = { .tunnel = 100, .session = 200, .peer_tunnel = 1100, .peer_session = 1200,
		   .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 1 },
	[DR_S_V6] = { .tunnel = 101, .session = 201, .peer_tunnel = 1101, .peer_session = 1201,
		   .local = BT_LOCAL6, .peer = BT_LAC6, .stats_idx = 2 },
	[DR_S_ANTI] = { .tunnel = 102, .session = 202, .peer_tunnel = 1102, .peer_session = 1202,
		     .local = BT_LOCAL4, .peer = BT_LAC4, .stats_idx = 3,
		     .flags = L2TPX_SF_ANTISPOOF },
	[DR_S_NAT] = { .tunnel = 105, .session = 205, .peer_tunnel = 1105, .peer_session = 1205,
		    .local = BT_LOCAL4, .peer = BT_LAC4, .peer_port = 40123, .stats_idx = 4 },
};

/* The anti-spoofing session's own addresses (exact entries). */
const char *const decapref_anti_src[2] = { "192.0.2.130", "2001:db8:100::5" };

static struct l2tp_xdp_bpf *skel;
static struct bt_maps maps;
static struct bt_xdp xdp;
struct bt_net decapref_net;

/* ---- the reference's FIB of the test network ---- */

enum fib_kind { FIB_UNKNOWN, FIB_LOCAL, FIB_FWD, FIB_NO_NEIGH, FIB_NO_TXPORT, FIB_OTHER };

struct fib_res {
	enum fib_kind kind;
	const uint8_t *dmac, *smac;	/* FIB_FWD */
};

struct fib_row {
	const char *dst;	/* exact, or a prefix with /len */
	enum fib_kind kind;
	int via;		/* FIB_FWD: 0 uplink (LAC), 1 core (core host) */
};

/* From the network bt_net_setup() builds (bpftest.h). */
static const struct fib_row fib_rows[] = {
	{ "192.0.2.1", FIB_LOCAL, 0 }, { "192.0.2.33", FIB_LOCAL, 0 }, { "192.0.2.65", FIB_LOCAL, 0 },
	{ "192.0.2.2", FIB_FWD, 0 }, { "192.0.2.40", FIB_FWD, 1 },
	{ "192.0.2.3", FIB_NO_NEIGH, 0 }, { "192.0.2.41", FIB_NO_NEIGH, 0 },
	{ "192.0.2.70", FIB_NO_TXPORT, 0 },
	{ "192.0.2.192/27", FIB_OTHER, 0 },	/* unreachable route */
	{ "192.0.2.224/27", FIB_LOCAL, 0 },	/* no route: "not forwarded" */
	{ "2001:db8:1::1", FIB_LOCAL, 0 }, { "2001:db8:2::1", FIB_LOCAL, 0 },
	{ "2001:db8:1::2", FIB_FWD, 0 }, { "2001:db8:2::40", FIB_FWD, 1 },
	{ "2001:db8:1::3", FIB_NO_NEIGH, 0 }, { "2001:db8:2::41", FIB_NO_NEIGH, 0 },
	{ "2001:db8:3::70", FIB_NO_TXPORT, 0 },
	{ "2001:db8:dead::/48", FIB_OTHER, 0 },
	{ "2001:db8:ffff::/48", FIB_LOCAL, 0 },
};

static bool prefix_match(const uint8_t *a, const uint8_t *p, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits / 8; i++)
		if (a[i] != p[i])
			return false;
	return !(bits % 8) || !((a[i] ^ p[i]) & (0xff00 >> (bits % 8)));
}

/* IPv6 multicast, link-local or loopback (RFC 4291 2.5.3, 2.5.6, 2.7). */
static bool v6_scoped(const uint8_t *a)
{
	static const uint8_t lo[16] = { [15] = 1 };

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, lo, 16);
}

/* src, dst: the inner packet's addresses. */
static struct fib_res fib_model(bool v6, const uint8_t *src, const uint8_t *dst)
{
	struct fib_res r = { FIB_UNKNOWN, NULL, NULL };

	/* Never forwarded (RFC 4291 2.5.6: a router must not forward a
	 * packet with a link-local source); the kernel's FIB lookup says
	 * "not forwarded" for such a source or destination. */
	if (v6 && (v6_scoped(src) || v6_scoped(dst))) {
		r.kind = FIB_LOCAL;
		return r;
	}

	for (size_t i = 0; i < sizeof(fib_rows) / sizeof(fib_rows[0]); i++) {
		char buf[64];
		const char *slash = strchr(fib_rows[i].dst, '/');
		unsigned int bits;
		struct addr a;

		snprintf(buf, sizeof(buf), "%.*s",
			 (int)(slash ? slash - fib_rows[i].dst : (long)strlen(fib_rows[i].dst)),
			 fib_rows[i].dst);
		a = A(buf);
		if ((a.family == AF_INET6) != v6)
			continue;
		bits = slash ? (unsigned int)atoi(slash + 1) : (v6 ? 128 : 32);
		if (!prefix_match(dst, a.a, bits))
			continue;
		r.kind = fib_rows[i].kind;
		if (r.kind == FIB_FWD) {
			r.dmac = fib_rows[i].via ? decapref_net.mac_corehost : decapref_net.mac_lac;
			r.smac = fib_rows[i].via ? decapref_net.mac_core : decapref_net.mac_up;
		}
		return r;
	}
	return r;
}

/* ---- the reference parser ---- */

/* What a router does to a packet it forwards: TTL or hop limit minus one,
 * the IPv4 header checksum updated as RFC 1624 eqn. 3 says, so a packet
 * that arrived with a wrong checksum still has a wrong one (recomputing it
 * would launder the error). */
static void dec_ttl(uint8_t *ip, bool v6)
{
	uint32_t sum;
	uint16_t old, new;

	if (v6) {
		ip[7]--;
		return;
	}
	old = get_be16(ip + 8);
	ip[8]--;
	new = get_be16(ip + 8);
	sum = (uint16_t)~get_be16(ip + 10) + (uint16_t)~old + new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	put_be16(ip + 10, (uint16_t)~sum);
}


static int find_session(const uint8_t *k)
{
	uint16_t t = get_be16(k), s = get_be16(k + 2);

	for (int i = 0; i < DR_S_COUNT; i++)
		if (decapref_sess[i].tunnel == t && decapref_sess[i].session == s)
			return i;
	return -1;
}

static uint16_t port_or(uint16_t p)
{
	return p ? p : 1701;
}

static void pass(struct decapref_verdict *v, int reason)
{
	v->act = XDP_PASS;
	v->reason = reason;
	v->same = true;
	v->check_out = true;
}

static void drop(struct decapref_verdict *v, int reason)
{
	v->act = XDP_DROP;
	v->reason = reason;
}

/* An IP header at b (avail octets) whose lengths are consistent: its total
 * length, else 0. */
static size_t ip_total(const uint8_t *b, size_t avail, bool v6)
{
	size_t tot;

	if (v6) {
		if (avail < 40 || b[0] >> 4 != 6)
			return 0;
		tot = 40 + get_be16(b + 4);
	} else {
		if (avail < 20 || b[0] >> 4 != 4 || (b[0] & 15) < 5)
			return 0;
		tot = get_be16(b + 2);
		if (tot < (b[0] & 15) * 4u)
			return 0;
	}
	return tot <= avail ? tot : 0;
}

void decapref_reference(const uint8_t *f, size_t len, struct decapref_verdict *v)
{
	size_t o = 12, l3, l4, ihl = 40, ip_end, udp_end, l2tp_end, p, tot;
	uint16_t type, flags, proto;
	bool v6, inner6;
	const uint8_t *ip, *in;
	int si;

	memset(v, 0, offsetof(struct decapref_verdict, out));
	/* Ethernet and up to two 802.1Q / 802.1ad tags. */
	if (len < 14)
		return drop(v, L2TPX_R_MALFORMED);
	type = get_be16(f + 12);
	o = 14;
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
		if (len < o + 4)
			return drop(v, L2TPX_R_MALFORMED);
		type = get_be16(f + o + 2);
		o += 4;
	}
	if (type != 0x0800 && type != 0x86dd)
		return pass(v, L2TPX_R_NOT_IP);	/* a third tag included */
	v6 = type == 0x86dd;
	l3 = o;
	ip = f + l3;
	if (!v6) {
		if (len < l3 + 20)
			return drop(v, L2TPX_R_MALFORMED);
		if (ip[9] != 17)
			return pass(v, L2TPX_R_NOT_L2TP);
		if (get_be16(ip + 6) & 0x3fff)
			return pass(v, L2TPX_R_OUTER_FRAG);
		ihl = (ip[0] & 15) * 4u;
		if (ihl < 20 || len < l3 + ihl + 8)
			return drop(v, L2TPX_R_MALFORMED);
	} else {
		if (len < l3 + 40)
			return drop(v, L2TPX_R_MALFORMED);
		switch (ip[6]) {
		case 17:
			break;
		case 44:
			return pass(v, L2TPX_R_OUTER_FRAG);
		case 0:
		case 43:
		case 60:
			return pass(v, L2TPX_R_IPV6_EXT);
		default:
			return pass(v, L2TPX_R_NOT_L2TP);
		}
		if (len < l3 + 48)
			return drop(v, L2TPX_R_MALFORMED);
	}
	l4 = l3 + ihl;
	if (get_be16(f + l4 + 2) != 1701)
		return pass(v, L2TPX_R_NOT_L2TP);
	tot = ip_total(ip, len - l3, v6);
	if (!tot || (!v6 && tot < ihl))
		return drop(v, L2TPX_R_MALFORMED);
	ip_end = l3 + tot;
	/* UDP: room for the L2TP flags at least, inside the IP payload. */
	if (get_be16(f + l4 + 4) < 10 || l4 + get_be16(f + l4 + 4) > ip_end)
		return drop(v, L2TPX_R_MALFORMED);
	udp_end = l4 + get_be16(f + l4 + 4);
	/* L2TPv2 header (RFC 2661 3.1). */
	p = l4 + 8;
	flags = get_be16(f + p);
	if ((flags & 0x000f) != 2)
		return pass(v, L2TPX_R_VERSION);
	if (flags & 0x8000)
		return pass(v, L2TPX_R_CONTROL);
	p += 2;
	l2tp_end = udp_end;
	if (flags & 0x4000) {
		if (len < p + 2 || l4 + 8 + get_be16(f + p) > udp_end)
			return drop(v, L2TPX_R_MALFORMED);
		l2tp_end = l4 + 8 + get_be16(f + p);
		p += 2;
	}
	if (len < p + 4)
		return drop(v, L2TPX_R_MALFORMED);
	si = find_session(f + p);
	p += 4;
	if (flags & 0x0800)
		p += 4;
	if (flags & 0x0200) {
		if (len < p + 2)
			return drop(v, L2TPX_R_MALFORMED);
		if (get_be16(f + p) > 64)
			return pass(v, L2TPX_R_OFFSET_BIG);
		p += 2 + get_be16(f + p);
	}
	if (p > l2tp_end)
		return drop(v, L2TPX_R_MALFORMED);
	if (si < 0)
		return pass(v, L2TPX_R_NO_SESSION);
	/* The session's own outer addresses and ports. */
	{
		struct addr peer = A(decapref_sess[si].peer), local = A(decapref_sess[si].local);
		size_t alen = v6 ? 16 : 4;
		bool fam = (peer.family == AF_INET6) == v6;

		if (!fam || memcmp(ip + (v6 ? 8 : 12), peer.a, alen) ||
		    memcmp(ip + (v6 ? 24 : 16), local.a, alen) ||
		    get_be16(f + l4) != port_or(decapref_sess[si].peer_port) ||
		    get_be16(f + l4 + 2) != port_or(decapref_sess[si].local_port))
			return drop(v, L2TPX_R_WRONG_PEER);
	}
	/* PPP (RFC 1661 6.5, 6.6): the payload ends at the L2TP Length or the
	 * frame, whichever is first. */
	if (l2tp_end > len)
		l2tp_end = len;
	if (p + 2 <= l2tp_end && f[p] == 0xff && f[p + 1] == 0x03)
		p += 2;
	if (p + 1 > l2tp_end)
		return drop(v, L2TPX_R_INNER_MALFORMED);
	if (f[p] & 1) {
		proto = f[p];
		p += 1;
	} else {
		if (p + 2 > l2tp_end)
			return drop(v, L2TPX_R_INNER_MALFORMED);
		proto = get_be16(f + p);
		p += 2;
	}
	if (proto != 0x0021 && proto != 0x0057)
		return pass(v, proto >= 0x8000 ? L2TPX_R_PPP_CONTROL : L2TPX_R_PPP_OTHER);
	inner6 = proto == 0x0057;
	in = f + p;
	tot = ip_total(in, len - p, inner6);
	if (!tot || p + tot > l2tp_end)
		return drop(v, L2TPX_R_INNER_MALFORMED);
	if (inner6 && (in[24] == 0xff || (in[24] == 0xfe && (in[25] & 0xc0) == 0x80)))
		return pass(v, L2TPX_R_INNER_LINK);
	/* Anti-spoofing: the inner source must be one of the session's. */
	if (decapref_sess[si].flags & L2TPX_SF_ANTISPOOF) {
		bool mine = false;

		for (size_t i = 0; i < 2; i++) {
			struct addr a = A(decapref_anti_src[i]);

			if ((a.family == AF_INET6) == inner6 &&
			    !memcmp(in + (inner6 ? 8 : 12), a.a, inner6 ? 16 : 4))
				mine = true;
		}
		if (!mine)
			return drop(v, L2TPX_R_SPOOFED);
	}
	/* Decapsulated: Ethernet + the inner packet, padding trimmed. */
	{
		struct fib_res fr = fib_model(inner6, in + (inner6 ? 8 : 12), in + (inner6 ? 24 : 16));
		uint8_t ttl = inner6 ? in[7] : in[8];

		memcpy(v->out, f, 12);
		put_be16(v->out + 12, inner6 ? 0x86dd : 0x0800);
		memcpy(v->out + 14, in, tot);
		v->out_len = 14 + tot;
		v->check_out = true;
		v->act = XDP_PASS;
		switch (fr.kind) {
		case FIB_UNKNOWN:
			v->any_decap = true;
			break;
		case FIB_LOCAL:
			v->reason = L2TPX_R_DECAP_LOCAL;
			break;
		case FIB_NO_NEIGH:
			v->reason = L2TPX_R_DECAP_NO_NEIGH;
			break;
		case FIB_OTHER:
			v->reason = L2TPX_R_DECAP_FIB_OTHER;
			break;
		case FIB_NO_TXPORT:
			v->reason = ttl <= 1 ? L2TPX_R_TTL : L2TPX_R_DECAP_NO_TXPORT;
			break;
		case FIB_FWD:
			if (ttl <= 1) {
				v->reason = L2TPX_R_TTL;
				break;
			}
			v->act = XDP_REDIRECT;
			v->reason = L2TPX_R_DECAP_FWD;
			memcpy(v->out, fr.dmac, 6);
			memcpy(v->out + 6, fr.smac, 6);
			dec_ttl(v->out + 14, inner6);
			break;
		}
	}
}

/* ---- running and comparing ---- */

static const char *act_str(uint32_t a)
{
	return bt_xdp_act(a);
}

bool decapref_compare(const uint8_t *f, size_t len, const struct decapref_verdict *v, uint32_t act,
		    int reason, const uint8_t *out, size_t out_len)
{
	bool ok = act == v->act;

	if (v->any_decap)
		ok = ok && (reason == L2TPX_R_DECAP_LOCAL || reason == L2TPX_R_DECAP_NO_NEIGH ||
			    reason == L2TPX_R_DECAP_FIB_OTHER || reason == L2TPX_R_TTL ||
			    reason == L2TPX_R_DECAP_NO_TXPORT);
	else
		ok = ok && reason == v->reason;
	if (ok && v->check_out && act != XDP_DROP) {
		if (v->same)
			ok = out_len == len && !memcmp(out, f, len);
		else
			ok = out_len == v->out_len && !memcmp(out, v->out, out_len);
	}
	return ok;
}

void decapref_report(int n, const uint8_t *f, size_t len, const struct decapref_verdict *v, uint32_t act,
		   int reason, const uint8_t *out, size_t out_len)
{
	printf("# disagreement %d: BPF %s/%s, reference %s/%s%s\n", n, act_str(act),
	       reason >= 0 ? bt_reason(reason) : "(none or several)", act_str(v->act),
	       v->any_decap ? "(any decap reason)" : bt_reason(v->reason),
	       v->same ? ", untouched" : "");
	hexdump("  frame ", f, len);
	if (act != XDP_DROP)
		hexdump("  bpf   ", out, out_len);
	if (v->check_out && !v->same)
		hexdump("  ref   ", v->out, v->out_len);
	fflush(stdout);
}

int decapref_setup(void)
{
	if (bt_net_setup(&decapref_net))
		return -1;
	skel = l2tp_xdp_bpf__open();
	if (!skel)
		return -1;
	if (bt_unpin(skel->obj) || l2tp_xdp_bpf__load(skel) || bt_maps_get(skel->obj, &maps) ||
	    bt_xdp_init(&xdp, bpf_program__fd(skel->progs.l2tpx_uplink)))
		return -1;
	for (int i = 0; i < DR_S_COUNT; i++)
		if (bt_sess_put(&maps, &decapref_sess[i]))
			return -1;
	for (size_t i = 0; i < 2; i++)
		if (bt_sub_put(&maps, decapref_anti_src[i], decapref_sess[DR_S_ANTI].tunnel, decapref_sess[DR_S_ANTI].session))
			return -1;
	if (bt_txport_put(&maps, decapref_net.if_up) || bt_txport_put(&maps, decapref_net.if_core))
		return -1;
	return 0;
}


int decapref_run(const uint8_t *f, size_t len, uint32_t *act, int *reason, uint8_t *out,
		 size_t *out_len)
{
	static struct bt_counts before, after;
	static bool have;

	if (!have) {
		if (bt_reasons_read(maps.reasons, &before))
			return -1;
		have = true;
	}
	if (bt_xdp_run(&xdp, -1, f, len, (uint32_t)decapref_net.if_up, act, out, out_len) ||
	    bt_reasons_read(maps.reasons, &after))
		return -1;
	*reason = bt_reasons_which(&before, &after);
	before = after;
	return 0;
}

void decapref_fini(void)
{
	bt_xdp_fini(&xdp);
	l2tp_xdp_bpf__destroy(skel);
}

