// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: PPP frames on an L2TP call (user/ppp.c, ppp_fsm.c,
 * ppp_auth.c: LCP, PAP, CHAP-MD5, MS-CHAPv2, IPCP, IPv6CP, the slow data
 * path), LNS or client side, from several starting states, through
 * l2tp_input() with the fake peer of tests/l2tp_peer.h.
 * Input: a config octet (fuzz_world.h fw_init: HELLO, IPv6CP, auth method
 * in bits 2-3, proxy LCP, LCP echo, an IPv6 pool), a state octet (bit 0:
 * client side, l2tpx dialled; bit 1: LCP opened first with a plain
 * request; bit 2: that request asks l2tpx to authenticate with CHAP-MD5;
 * bit 3, LNS only: the ICCN carries proxy AVPs (RFC 2661 4.4.5) taken from
 * the input: a count, then per AVP a type octet (26 + n mod 8: Initial /
 * Last Sent / Last Received LCP CONFREQ, Proxy Authen Type / Name /
 * Challenge / ID / Response), a length octet and the value), then records,
 * each an op octet:
 *   1ttttttt       the clock moves t * 100 ms (restart, echo, CHAP timers);
 *   01xxxxxx       a control message, in sequence on the tunnel: 16-bit
 *                  length, octets (the header is fixed up);
 *   00 a c pppp    a PPP frame: 16-bit length (mod 1401) and octets
 *                  after the protocol; pppp picks the protocol (LCP, PAP,
 *                  CHAP, IPCP, IPv6CP, IPv4, IPv6, CCP, ..., 15 = the next
 *                  16 bits), c = protocol field compressed to one octet
 *                  where it fits, a = no FF 03.  pppp = 14 answers the last
 *                  CHAP Challenge right, as alice (no length follows);
 *                  pppp = 13 acks l2tpx's last Configure-Request of LCP,
 *                  IPCP or IPv6CP (the next octet mod 3 says which);
 *                  pppp = 12 answers the last Challenge with a right
 *                  MS-CHAPv2 Response (RFC 2759), as alice. */
#include <nettle/des.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "fuzz_world.h"

static const uint16_t protos[16] = {
	PPP_LCP, PPP_PAP, PPP_CHAP, PPP_IPCP, PPP_IPV6CP, PPP_IP, PPP_IPV6, 0x80fd,
	0xc025, 0x8023, 0x0031, 0x00fd, 0, 0, 0, 0,	/* 12, 13, 14: ops */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet_logs();
	return 0;
}

static void send_ppp(struct fw *w, uint16_t proto, bool no_acfc, bool pfc, const uint8_t *p,
		     size_t len)
{
	uint8_t b[2100];
	size_t o = 6;

	b[0] = 0x00;
	b[1] = 0x02;
	b[2] = w->p.ltid >> 8;
	b[3] = w->p.ltid & 0xff;
	b[4] = w->sid >> 8;
	b[5] = w->sid & 0xff;
	if (!no_acfc) {
		b[o++] = 0xff;
		b[o++] = 0x03;
	}
	if (pfc && proto < 0x100 && (proto & 1)) {
		b[o++] = proto;
	} else {
		b[o++] = proto >> 8;
		b[o++] = proto & 0xff;
	}
	memcpy(b + o, p, len);
	l2tp_input(&w->f->l, w->f->fd, b, o + len, &w->p.ep, &w->f->local);
}

/* CHAP-MD5 Response to the last Challenge: MD5(id ‖ secret ‖ challenge). */
static void chap_answer(struct fw *w)
{
	uint8_t r[4 + 1 + 16 + 5] = { 2, w->chal_id, 0, sizeof(r), 16 };
	struct md5_ctx md5;

	md5_init(&md5);
	md5_update(&md5, 1, &w->chal_id);
	md5_update(&md5, 10, (const uint8_t *)"wonderland");
	md5_update(&md5, w->chal_len, w->chal);
	md5_digest(&md5, 16, r + 5);
	memcpy(r + 21, "alice", 5);
	send_ppp(w, PPP_CHAP, false, false, r, sizeof(r));
}

/* DES with a 7-octet key spread over 8 with parity (RFC 2759 8.6). */
static void des7(const uint8_t k[7], const uint8_t in[8], uint8_t out[8])
{
	uint8_t key[8];
	struct des_ctx ctx;

	key[0] = k[0];
	for (int i = 1; i < 7; i++)
		key[i] = (uint8_t)(k[i - 1] << (8 - i) | k[i] >> i);
	key[7] = (uint8_t)(k[6] << 1);
	des_fix_parity(8, key, key);
	des_set_key(&ctx, key);
	des_encrypt(&ctx, 8, out, in);
}

/* MS-CHAPv2 Response to the last Challenge (RFC 2759 8.1-8.5), written out
 * here rather than taken from ppp_auth.c. */
static void mschapv2_answer(struct fw *w)
{
	static const char user[] = "alice", pass[] = "wonderland";
	uint8_t r[4 + 1 + 49 + 5] = { 2, w->chal_id, 0, sizeof(r), 49 };
	uint8_t *peer = r + 5, *nt = r + 5 + 24, uni[20], hash[21] = { 0 }, ch[20];
	struct sha1_ctx sha;
	struct md4_ctx md4;

	if (w->chal_len != 16)
		return;
	for (int i = 0; i < 16; i++)
		peer[i] = (uint8_t)(0x30 + i);
	sha1_init(&sha);
	sha1_update(&sha, 16, peer);
	sha1_update(&sha, 16, w->chal);
	sha1_update(&sha, 5, (const uint8_t *)user);
	sha1_digest(&sha, 20, ch);
	for (int i = 0; i < 10; i++) {
		uni[2 * i] = (uint8_t)pass[i];
		uni[2 * i + 1] = 0;
	}
	md4_init(&md4);
	md4_update(&md4, 20, uni);
	md4_digest(&md4, 16, hash);
	des7(hash, ch, nt);
	des7(hash + 7, ch, nt + 8);
	des7(hash + 14, ch, nt + 16);
	memcpy(r + 54, user, 5);
	send_ppp(w, PPP_CHAP, false, false, r, sizeof(r));
}

/* LCP opened with a plain exchange: l2tpx's last Configure-Request acked,
 * the peer's (MRU 1400, a magic number) acked by l2tpx. */
static void ack_req(struct fw *w, unsigned int i)
{
	static const uint16_t p[3] = { PPP_LCP, PPP_IPCP, PPP_IPV6CP };
	uint8_t ack[256];

	if (!w->req_len[i])
		return;
	memcpy(ack, w->req[i], w->req_len[i]);
	ack[0] = 2;
	send_ppp(w, p[i], false, false, ack, w->req_len[i]);
}

static void lcp_open(struct fw *w, bool auth)
{
	static const uint8_t req[] = { 1, 0x40, 0, 14, 1, 4, 0x05, 0x78, 5, 6, 1, 2, 3, 4 };
	static const uint8_t req_auth[] = { 1, 0x40, 0, 19, 1, 4, 0x05, 0x78, 5, 6, 1, 2, 3, 4,
					    3, 5, 0xc2, 0x23, 5 };

	ack_req(w, 0);
	if (auth)
		send_ppp(w, PPP_LCP, false, false, req_auth, sizeof(req_auth));
	else
		send_ppp(w, PPP_LCP, false, false, req, sizeof(req));
}

/* An LNS call whose ICCN carries the proxy AVPs the input gives. */
static void proxy_call(struct fw *w, struct fz *z)
{
	struct fx *f = w->f;
	const struct l2tp_msg *m;
	struct l2tp_builder *b;
	unsigned int n = fz_u8(z) % 9;
	uint16_t sid;

	lns_establish(f, &w->p);
	send_type(f, &w->p, L2TP_MSG_ICRQ, 0, FW_PSID);
	m = expect(f, &w->p, L2TP_MSG_ICRP);
	sid = m->assigned_session_id;
	b = msg(&w->p, L2TP_MSG_ICCN);
	put_required(&w->p, L2TP_MSG_ICCN, sid);
	while (n--) {
		uint8_t type = (uint8_t)(L2TP_AVP_INIT_RX_LCP_CONFREQ + fz_u8(z) % 8);
		size_t len;
		const uint8_t *v = fz_take(z, fz_u8(z), &len);

		l2tp_avp_put_bytes(b, type, false, v, len);
	}
	send_msg(f, &w->p, sid);
	w->s = l2tp_session_find(&f->l, w->p.ltid, sid);
	w->sid = sid;
	fw_drain(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	uint8_t cf = fz_u8(&z), st = fz_u8(&z);
	struct fw *w = calloc(1, sizeof(*w));
	unsigned int n = 0;

	fw_init(w, true, cf);
	if ((st & 9) == 8)
		proxy_call(w, &z);
	else
		fw_prelude(w, st & 1 ? 3 : 2);
	if (st & 2) {
		lcp_open(w, st & 4);
		fw_drain(w);
	}
	while (z.n && n++ < 64 && w->s) {
		uint8_t op = fz_u8(&z);
		size_t len;
		const uint8_t *b;

		if (op & 0x80) {
			advance(w->f, (op & 0x7f) * 100);
		} else if (op & 0x40) {
			b = fz_take(&z, fz_u16(&z) & 0x7ff, &len);
			fw_send_ctrl(w, b, len, true, &w->p.ep);
		} else if ((op & 0x0f) == 14) {
			chap_answer(w);
		} else if ((op & 0x0f) == 12) {
			mschapv2_answer(w);
		} else if ((op & 0x0f) == 13) {
			ack_req(w, fz_u8(&z) % 3);
		} else {
			uint16_t proto = (op & 0x0f) == 15 ? fz_u16(&z) : protos[op & 0x0f];

			/* at most 1400: the fake xmit takes up to 1500 */
			b = fz_take(&z, fz_u16(&z) % 1401, &len);
			send_ppp(w, proto, op & 0x20, op & 0x10, b, len);
		}
		fw_drain(w);
		/* the call may be gone: stop feeding a freed session */
		if (!l2tp_session_find(&w->f->l, w->p.ltid, w->sid))
			break;
	}
	fw_fini(w);
	free(w);
	return 0;
}
