// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/l2tp_avp.c: header and AVP framing, every RFC 2661 AVP
 * both ways, malformed lengths, unknown/vendor/reserved AVPs, hidden AVPs and
 * tunnel authentication against ../shared/testdata/vectors.json, and the
 * control messages of the public captures against what tshark shows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "frames.h"
#include "l2tp_avp.h"
#include "vectors.h"

#define check(c, name)                                                   \
	do {                                                             \
		if (!(c))                                                \
			fail_msg("%s: %s (line %d)", (name), #c, __LINE__); \
	} while (0)

/* ---- test data ----------------------------------------------------------- */

static int group_setup(void **state)
{
	return vectors_load();
}

static int group_teardown(void **state)
{
	vectors_free();
	return 0;
}

static void load_capture(const char *name, struct capture *c)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/captures/%s", testdata_dir(), name);
	assert_int_equal(capture_read(path, c), 0);
}

/* The UDP payload of an Ethernet (optionally 802.1Q) / IPv4 / UDP frame,
 * bounded by both the captured octets and the UDP length. */
static bool udp_payload(const struct cap_frame *f, const uint8_t **p, size_t *len,
			uint16_t *sport, uint16_t *dport)
{
	const uint8_t *d = f->data;
	size_t n = f->len, off = 12, ihl, ulen;
	uint16_t et;

	if ((f->linktype & 0xffff) != 1 || n < 14)
		return false;
	et = get_be16(d + off);
	while (et == 0x8100 && off + 6 <= n) {
		off += 4;
		et = get_be16(d + off);
	}
	off += 2;
	if (et != 0x0800 || off + 20 > n || (d[off] >> 4) != 4)
		return false;
	ihl = (d[off] & 0xf) * 4u;
	if (ihl < 20 || d[off + 9] != 17 || off + ihl + 8 > n)
		return false;
	off += ihl;
	*sport = get_be16(d + off);
	*dport = get_be16(d + off + 2);
	ulen = get_be16(d + off + 4);
	if (ulen < 8)
		return false;
	*p = d + off + 8;
	*len = n - off - 8;
	if (*len > ulen - 8)
		*len = ulen - 8;
	return true;
}

/* Parses an exact-size heap copy, so valgrind sees any read past the end. */
static int parse_exact(const uint8_t *p, size_t n, const struct l2tp_secret *sec,
		       struct l2tp_msg *m, struct l2tp_parse_err *err)
{
	uint8_t *copy = malloc(n ? n : 1);
	int r;

	assert_non_null(copy);
	if (n)
		memcpy(copy, p, n);
	r = l2tp_msg_parse(copy, n, sec, m, err);
	free(copy);
	return r;
}

static const uint8_t secret_bytes[] = "tunnelsecret";
static const struct l2tp_secret tunnel_secret = { secret_bytes, 12 };
static const uint8_t rv16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* A raw message under construction, for malformed input the builder refuses
 * to write. */
struct raw {
	uint8_t b[2048];
	size_t len;
};

static void raw_start(struct raw *r, uint16_t type)
{
	l2tp_hdr_build(r->b, sizeof(r->b), 0, 7, 0, 1, 2);
	r->len = L2TP_CTRL_HDR_LEN;
	if (type != L2TP_MSG_ZLB) {
		put_be16(r->b + r->len, 0x8008);
		put_be16(r->b + r->len + 2, 0);
		put_be16(r->b + r->len + 4, 0);
		put_be16(r->b + r->len + 6, type);
		r->len += 8;
	}
}

/* An AVP with the first word exactly as given (so it can lie). */
static void raw_avp(struct raw *r, uint16_t word, uint16_t vendor, uint16_t type,
		    const void *v, size_t n)
{
	assert_true(r->len + 6 + n <= sizeof(r->b));
	put_be16(r->b + r->len, word);
	put_be16(r->b + r->len + 2, vendor);
	put_be16(r->b + r->len + 4, type);
	if (n)
		memcpy(r->b + r->len + 6, v, n);
	r->len += 6 + n;
}

static void raw_bytes(struct raw *r, const void *v, size_t n)
{
	assert_true(r->len + n <= sizeof(r->b));
	memcpy(r->b + r->len, v, n);
	r->len += n;
}

static size_t raw_end(struct raw *r)
{
	put_be16(r->b + 2, (uint16_t)r->len);
	return r->len;
}

/* Re-encodes the decoded field of AVP `type` the way it came off the wire
 * (reserved octets as zero), for byte-exact round trips. */
static size_t field_bytes(const struct l2tp_msg *m, uint16_t type, uint8_t *o)
{
	const struct l2tp_bytes *b = NULL;

	switch (type) {
	case L2TP_AVP_MSG_TYPE:
		put_be16(o, m->type);
		return 2;
	case L2TP_AVP_RESULT_CODE:
		put_be16(o, m->result.result);
		if (!m->result.has_error)
			return 2;
		put_be16(o + 2, m->result.error);
		memcpy(o + 4, m->result.msg.p, m->result.msg.len);
		return 4 + m->result.msg.len;
	case L2TP_AVP_PROTO_VERSION:
		o[0] = m->proto_ver;
		o[1] = m->proto_rev;
		return 2;
	case L2TP_AVP_FRAMING_CAP:
		put_be32(o, m->framing_cap);
		return 4;
	case L2TP_AVP_BEARER_CAP:
		put_be32(o, m->bearer_cap);
		return 4;
	case L2TP_AVP_TIE_BREAKER:
		put_be32(o, (uint32_t)(m->tie_breaker >> 32));
		put_be32(o + 4, (uint32_t)m->tie_breaker);
		return 8;
	case L2TP_AVP_FIRMWARE_REV:
		put_be16(o, m->firmware_rev);
		return 2;
	case L2TP_AVP_HOST_NAME:
		b = &m->host_name;
		break;
	case L2TP_AVP_VENDOR_NAME:
		b = &m->vendor_name;
		break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		put_be16(o, m->assigned_tunnel_id);
		return 2;
	case L2TP_AVP_RX_WINDOW_SIZE:
		put_be16(o, m->rx_window_size);
		return 2;
	case L2TP_AVP_CHALLENGE:
		b = &m->challenge;
		break;
	case L2TP_AVP_Q931_CAUSE:
		put_be16(o, m->q931.cause);
		o[2] = m->q931.msg;
		memcpy(o + 3, m->q931.advisory.p, m->q931.advisory.len);
		return 3 + m->q931.advisory.len;
	case L2TP_AVP_CHALLENGE_RESPONSE:
		memcpy(o, m->challenge_response, 16);
		return 16;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		put_be16(o, m->assigned_session_id);
		return 2;
	case L2TP_AVP_CALL_SERIAL:
		put_be32(o, m->call_serial);
		return 4;
	case L2TP_AVP_MIN_BPS:
		put_be32(o, m->min_bps);
		return 4;
	case L2TP_AVP_MAX_BPS:
		put_be32(o, m->max_bps);
		return 4;
	case L2TP_AVP_BEARER_TYPE:
		put_be32(o, m->bearer_type);
		return 4;
	case L2TP_AVP_FRAMING_TYPE:
		put_be32(o, m->framing_type);
		return 4;
	case L2TP_AVP_CALLED_NUMBER:
		b = &m->called_number;
		break;
	case L2TP_AVP_CALLING_NUMBER:
		b = &m->calling_number;
		break;
	case L2TP_AVP_SUB_ADDRESS:
		b = &m->sub_address;
		break;
	case L2TP_AVP_TX_CONNECT_SPEED:
		put_be32(o, m->tx_connect_speed);
		return 4;
	case L2TP_AVP_PHYS_CHANNEL_ID:
		put_be32(o, m->phys_channel_id);
		return 4;
	case L2TP_AVP_INIT_RX_LCP_CONFREQ:
		b = &m->init_rx_lcp_confreq;
		break;
	case L2TP_AVP_LAST_TX_LCP_CONFREQ:
		b = &m->last_tx_lcp_confreq;
		break;
	case L2TP_AVP_LAST_RX_LCP_CONFREQ:
		b = &m->last_rx_lcp_confreq;
		break;
	case L2TP_AVP_PROXY_AUTH_TYPE:
		put_be16(o, m->proxy_auth_type);
		return 2;
	case L2TP_AVP_PROXY_AUTH_NAME:
		b = &m->proxy_auth_name;
		break;
	case L2TP_AVP_PROXY_AUTH_CHALLENGE:
		b = &m->proxy_auth_challenge;
		break;
	case L2TP_AVP_PROXY_AUTH_ID:
		o[0] = 0;
		o[1] = m->proxy_auth_id;
		return 2;
	case L2TP_AVP_PROXY_AUTH_RESPONSE:
		b = &m->proxy_auth_response;
		break;
	case L2TP_AVP_CALL_ERRORS:
		o[0] = o[1] = 0;
		put_be32(o + 2, m->call_errors.crc);
		put_be32(o + 6, m->call_errors.framing);
		put_be32(o + 10, m->call_errors.hw_overruns);
		put_be32(o + 14, m->call_errors.buf_overruns);
		put_be32(o + 18, m->call_errors.timeouts);
		put_be32(o + 22, m->call_errors.alignment);
		return 26;
	case L2TP_AVP_ACCM:
		o[0] = o[1] = 0;
		put_be32(o + 2, m->accm_send);
		put_be32(o + 6, m->accm_recv);
		return 10;
	case L2TP_AVP_RANDOM_VECTOR:
		b = &m->random_vector;
		break;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		b = &m->private_group_id;
		break;
	case L2TP_AVP_RX_CONNECT_SPEED:
		put_be32(o, m->rx_connect_speed);
		return 4;
	case L2TP_AVP_SEQ_REQUIRED:
		return 0;
	}
	if (!b)
		fail_msg("field_bytes: type %u", type);
	if (b->len)
		memcpy(o, b->p, b->len);
	return b->len;
}

/* ---- header -------------------------------------------------------------- */

static void test_zlb_build_parse(void **state)
{
	struct l2tp_builder b;
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	uint8_t buf[64];
	static const uint8_t want[] = { 0xc8, 0x02, 0x00, 0x0c, 0x12, 0x34,
					0x00, 0x00, 0xff, 0xff, 0x00, 0x01 };

	assert_int_equal(l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_ZLB), 0);
	assert_int_equal(l2tp_msg_finish(&b, 0x1234, 0, 0xffff, 1), 12);
	assert_memory_equal(buf, want, sizeof(want));

	assert_int_equal(l2tp_msg_parse(buf, 12, NULL, &m, &err), 0);
	assert_true(m.zlb);
	assert_int_equal(m.type, L2TP_MSG_ZLB);
	assert_int_equal(m.n_avps, 0);
	assert_int_equal(m.hdr.tunnel_id, 0x1234);
	assert_int_equal(m.hdr.session_id, 0);
	assert_int_equal(m.hdr.ns, 0xffff);
	assert_int_equal(m.hdr.nr, 1);
	assert_int_equal(m.hdr.length, 12);
	assert_int_equal(err.code, L2TP_PERR_OK);
}

static void test_hdr_errors(void **state)
{
	static const struct {
		const char *name;
		uint8_t b[16];
		size_t len;
		enum l2tp_perr code;
	} cases[] = {
		{ "empty", { 0 }, 0, L2TP_PERR_HDR_SHORT },
		{ "one octet", { 0xc8 }, 1, L2TP_PERR_HDR_SHORT },
		{ "T=0 (data)", { 0x48, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_NOT_CONTROL },
		{ "version 3", { 0xc8, 0x03, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_VERSION },
		{ "version 1 (L2F)", { 0xc8, 0x01, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_VERSION },
		{ "L=0", { 0x88, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_NO_LENGTH },
		{ "S=0", { 0xc0, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_NO_SEQ },
		{ "O=1", { 0xca, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_OFFSET },
		{ "11 octets", { 0xc8, 0x02, 0, 11, 0, 1, 0, 0, 0, 0, 0 }, 11,
		  L2TP_PERR_HDR_SHORT },
		{ "Length 0", { 0xc8, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_LENGTH },
		{ "Length 11", { 0xc8, 0x02, 0, 11, 0, 1, 0, 0, 0, 0, 0, 0 }, 12,
		  L2TP_PERR_HDR_LENGTH },
		{ "Length 13 > 12 received", { 0xc8, 0x02, 0, 13, 0, 1, 0, 0, 0, 0, 0, 0 },
		  12, L2TP_PERR_HDR_LENGTH },
		{ "Length 514 > 16 received (tcpdump CVE-2017-13006 shape)",
		  { 0xc8, 0x02, 0x02, 0x02, 0x02, 0x30, 0x08, 0x08, 0x08, 0x08, 0, 0,
		    0xee, 0x23, 0x05, 0x30 }, 16, L2TP_PERR_HDR_LENGTH },
	};
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check(parse_exact(cases[i].b, cases[i].len, NULL, &m, &err) == -1,
		      cases[i].name);
		check(err.code == cases[i].code, cases[i].name);
		check(err.scope == L2TP_SCOPE_MESSAGE, cases[i].name);
		check(err.result == 0, cases[i].name);
		check(l2tp_hdr_parse(cases[i].b, cases[i].len, &h, NULL) == -1,
		      cases[i].name);
	}
}

static void test_hdr_truncated_everywhere(void **state)
{
	uint8_t zlb[12];
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	size_t n;

	l2tp_hdr_build(zlb, sizeof(zlb), 12, 1, 2, 3, 4);
	for (n = 0; n < 12; n++) {
		assert_int_equal(parse_exact(zlb, n, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_HDR_SHORT);
	}
	assert_int_equal(parse_exact(zlb, 12, NULL, &m, &err), 0);
	assert_int_equal(l2tp_hdr_build(zlb, 11, 12, 0, 0, 0, 0), -1);
}

/* P and the x bits are ignored on receipt (§3.1); Length < received: the
 * rest is ignored. */
static void test_hdr_tolerated(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;
	static const uint8_t junk[] = { 0xde, 0xad, 0xbe, 0xef, 0x00 };

	raw_start(&r, L2TP_MSG_HELLO);
	raw_end(&r);
	r.b[0] |= 0x35; /* x bits and P */
	r.b[1] |= 0xf0; /* x bits */
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.type, L2TP_MSG_HELLO);

	raw_start(&r, L2TP_MSG_HELLO);
	raw_end(&r);
	raw_bytes(&r, junk, sizeof(junk));
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.hdr.length, 20);
	assert_int_equal(m.n_avps, 1);

	raw_start(&r, L2TP_MSG_ZLB);
	raw_end(&r);
	raw_bytes(&r, junk, sizeof(junk));
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_true(m.zlb);
}

/* ---- AVP framing --------------------------------------------------------- */

static void test_avp_lengths(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;
	uint8_t v[8] = { 0 };
	unsigned alen, tail;
	char name[64];

	/* AVP Length 0..5: less than its own header */
	for (alen = 0; alen < 6; alen++) {
		snprintf(name, sizeof(name), "AVP length %u", alen);
		raw_start(&r, L2TP_MSG_HELLO);
		raw_avp(&r, 0x8000 | alen, 0, L2TP_AVP_HOST_NAME, "abcd", 4);
		raw_end(&r);
		check(parse_exact(r.b, r.len, NULL, &m, &err) == -1, name);
		check(err.code == L2TP_PERR_AVP_LEN_SHORT, name);
		check(err.offset == 20, name);
		check(err.scope == L2TP_SCOPE_TUNNEL, name);
		check(err.result == L2TP_STOPCCN_GENERAL_ERROR, name);
		check(err.error == L2TP_ERR_LENGTH, name);
	}
	/* AVP Length one past the end of the message */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 11, 0, L2TP_AVP_HOST_NAME, "abcd", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_LEN_OVERRUN);
	assert_int_equal(err.offset, 20);
	/* ... and 1023, the largest the field holds */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 0x3ff, 0, L2TP_AVP_HOST_NAME, "abcd", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_LEN_OVERRUN);
	/* Message Type AVP itself overrunning */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0x8000 | 9, 0, 0, v, 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_LEN_OVERRUN);
	assert_int_equal(err.offset, 12);
	/* 1..5 octets after the last AVP: not even an AVP header */
	for (tail = 1; tail < 6; tail++) {
		snprintf(name, sizeof(name), "%u trailing octets", tail);
		raw_start(&r, L2TP_MSG_HELLO);
		raw_bytes(&r, v, tail);
		raw_end(&r);
		check(parse_exact(r.b, r.len, NULL, &m, &err) == -1, name);
		check(err.code == L2TP_PERR_AVP_HDR_TRUNC, name);
		check(err.offset == 20, name);
		/* Length excludes them: fine */
		put_be16(r.b + 2, 20);
		check(parse_exact(r.b, r.len, NULL, &m, &err) == 0, name);
	}
	/* fewer than 6 octets of body: no Message Type AVP header */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_bytes(&r, v, 5);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_HDR_TRUNC);
}

static void test_iterator(void **state)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	struct raw r;

	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0xc000 | 0x0400 | 10, 9, 0x1234, "wxyz", 4); /* M H rsvd */
	raw_avp(&r, 0x0000 | 6, 0, L2TP_AVP_SEQ_REQUIRED, NULL, 0);
	raw_avp(&r, 0x8000 | 5, 0, 0, NULL, 0); /* bad */
	raw_end(&r);

	l2tp_avp_iter_init(&it, r.b + 12, r.len - 12, 12);
	assert_int_equal(l2tp_avp_next(&it, &a), 1);
	assert_true(a.mandatory);
	assert_false(a.hidden);
	assert_int_equal(a.type, L2TP_AVP_MSG_TYPE);
	assert_int_equal(a.value_len, 2);
	assert_int_equal(a.offset, 12);

	assert_int_equal(l2tp_avp_next(&it, &a), 1);
	assert_true(a.mandatory);
	assert_true(a.hidden);
	assert_int_equal(a.rsvd, 0x0400);
	assert_int_equal(a.vendor, 9);
	assert_int_equal(a.type, 0x1234);
	assert_int_equal(a.len, 10);
	assert_int_equal(a.value_len, 4);
	assert_memory_equal(a.value, "wxyz", 4);
	assert_int_equal(a.offset, 20);

	assert_int_equal(l2tp_avp_next(&it, &a), 1);
	assert_false(a.mandatory);
	assert_int_equal(a.type, L2TP_AVP_SEQ_REQUIRED);
	assert_int_equal(a.value_len, 0);

	assert_int_equal(l2tp_avp_next(&it, &a), -1);
	assert_int_equal(it.err, L2TP_PERR_AVP_LEN_SHORT);
	assert_int_equal(it.offset, 36);
	assert_int_equal(l2tp_avp_next(&it, &a), -1); /* stays failed */

	l2tp_avp_iter_init(&it, r.b + 12, 0, 12);
	assert_int_equal(l2tp_avp_next(&it, &a), 0);
}

/* ---- every AVP, both ways ------------------------------------------------ */

struct avp_case {
	const char *name;
	uint16_t type;
	bool m;
	const uint8_t *v;
	size_t len;
};

#define AV(t, mand, ...)                                                         \
	{ #t, L2TP_AVP_##t, mand, (const uint8_t[]){ __VA_ARGS__ },              \
	  sizeof((const uint8_t[]){ __VA_ARGS__ }) }
#define AS(t, mand, s) { #t, L2TP_AVP_##t, mand, (const uint8_t *)(s), sizeof(s) - 1 }

#define CHAL16 0xb6, 0x64, 0x98, 0x77, 0xb0, 0x9c, 0x81, 0xbf, \
	       0x59, 0xf1, 0x2f, 0x80, 0xd3, 0x79, 0x3d, 0x8c
#define LCPREQ 0x01, 0x01, 0x00, 0x0e, 0x01, 0x04, 0x05, 0x78, \
	       0x05, 0x06, 0x12, 0x34, 0x56, 0x78

static void roundtrip(const struct avp_case *c, bool hide)
{
	static const uint8_t pad[5] = { 0x55, 0x66, 0x77, 0x88, 0x99 };
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[1200], got[1100];
	size_t n;
	int len;

	assert_int_equal(l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO), 0);
	if (hide) {
		assert_int_equal(l2tp_avp_put_rv(&b, rv16, sizeof(rv16)), 0);
		assert_int_equal(l2tp_avp_put_hidden(&b, &tunnel_secret, c->type, c->m,
						     c->v, c->len, pad, c->len % 6),
				 0);
	} else {
		assert_int_equal(l2tp_avp_put_bytes(&b, c->type, c->m, c->v, c->len), 0);
	}
	len = l2tp_msg_finish(&b, 10, 0, 1, 1);
	check(len > 0, c->name);

	check(l2tp_msg_parse(buf, (size_t)len, hide ? &tunnel_secret : NULL, &m, &err) == 0,
	      c->name);
	check(m.type == L2TP_MSG_HELLO, c->name);
	check(l2tp_msg_has(&m, c->type), c->name);
	check(((m.hidden >> c->type) & 1) == hide, c->name);
	check(m.n_avps == (hide ? 3u : 2u), c->name);
	check(m.n_ignored == 0, c->name);
	n = field_bytes(&m, c->type, got);
	check(n == c->len, c->name);
	check(n == 0 || memcmp(got, c->v, n) == 0, c->name);	/* v is NULL when empty */
}

static void test_every_avp_roundtrip(void **state)
{
	const struct avp_case cases[] = {
		AV(RESULT_CODE, true, 0x00, 0x02),
		AV(RESULT_CODE, true, 0x00, 0x03, 0x00, 0x00),
		AV(RESULT_CODE, true, 0x00, 0x02, 0x00, 0x06, 'o', 'o', 'p', 's'),
		AV(PROTO_VERSION, true, 0x01, 0x00),
		AV(FRAMING_CAP, true, 0x00, 0x00, 0x00, 0x03),
		AV(BEARER_CAP, true, 0x00, 0x00, 0x00, 0x02),
		AV(TIE_BREAKER, false, 0x81, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08),
		AV(FIRMWARE_REV, false, 0x06, 0x90),
		AS(HOST_NAME, true, "lns.example.net"),
		AS(VENDOR_NAME, false, "l2tpx"),
		AS(VENDOR_NAME, false, ""),
		AV(ASSIGNED_TUNNEL_ID, true, 0xc1, 0x26),
		AV(RX_WINDOW_SIZE, true, 0x00, 0x04),
		AV(CHALLENGE, true, CHAL16),
		AV(CHALLENGE, true, 0x42),
		AV(Q931_CAUSE, true, 0x00, 0x10, 0x05),
		AV(Q931_CAUSE, true, 0x00, 0x10, 0x05, 'a', 'd', 'v'),
		AV(CHALLENGE_RESPONSE, true, CHAL16),
		AV(ASSIGNED_SESSION_ID, true, 0x2a, 0xc9),
		AV(CALL_SERIAL, true, 0x00, 0x00, 0x00, 0x07),
		AV(MIN_BPS, true, 0x00, 0x00, 0x25, 0x80),
		AV(MAX_BPS, true, 0x05, 0xf5, 0xe1, 0x00),
		AV(BEARER_TYPE, true, 0x00, 0x00, 0x00, 0x02),
		AV(FRAMING_TYPE, true, 0x00, 0x00, 0x00, 0x01),
		AS(CALLED_NUMBER, true, "5551234"),
		AS(CALLING_NUMBER, true, "5550000"),
		AS(SUB_ADDRESS, true, "12"),
		AV(TX_CONNECT_SPEED, true, 0x05, 0xf5, 0xe1, 0x00),
		AV(PHYS_CHANNEL_ID, false, 0x00, 0x00, 0x00, 0x09),
		AV(INIT_RX_LCP_CONFREQ, false, LCPREQ),
		AV(LAST_TX_LCP_CONFREQ, false, LCPREQ, 0x07, 0x02),
		AV(LAST_RX_LCP_CONFREQ, false, LCPREQ, 0x08, 0x02),
		AV(PROXY_AUTH_TYPE, false, 0x00, 0x02),
		AS(PROXY_AUTH_NAME, false, "alice"),
		AV(PROXY_AUTH_CHALLENGE, false, CHAL16),
		AV(PROXY_AUTH_ID, false, 0x00, 0x2a),
		AV(PROXY_AUTH_RESPONSE, false, CHAL16),
		AV(CALL_ERRORS, true, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		   0, 0, 0, 5, 0, 0, 0, 6),
		AV(ACCM, true, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0a, 0x00, 0x00),
		AV(RANDOM_VECTOR, true, CHAL16),
		AS(PRIVATE_GROUP_ID, false, "grp1"),
		AV(RX_CONNECT_SPEED, false, 0x00, 0x00, 0x27, 0x10),
		{ "SEQ_REQUIRED", L2TP_AVP_SEQ_REQUIRED, true, NULL, 0 },
	};
	uint64_t seen = 1; /* Message Type: every message carries it */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		roundtrip(&cases[i], false);
		/* hidden too, except the two that cannot be */
		if (cases[i].type != L2TP_AVP_RANDOM_VECTOR)
			roundtrip(&cases[i], true);
		seen |= UINT64_C(1) << cases[i].type;
	}
	/* every RFC 2661 AVP type (20 is reserved) */
	assert_int_equal(seen, (UINT64_C(1) << 40) - 1 - (UINT64_C(1) << 20));
}

/* A few decoded values spelled out, so the round trip is not only
 * symmetric but right. */
static void test_decoded_values(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[512];
	static const uint8_t tb[8] = { 0x81, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t ce[26] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
					0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6 };
	static const uint8_t accm[10] = { 0, 0, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 1 };
	static const uint8_t q931[5] = { 0x01, 0x02, 0x03, 'h', 'i' };
	static const uint8_t pid[2] = { 0x00, 0x2a };
	int len;

	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_WEN);
	l2tp_avp_put_bytes(&b, L2TP_AVP_TIE_BREAKER, false, tb, 8);
	l2tp_avp_put_bytes(&b, L2TP_AVP_CALL_ERRORS, true, ce, 26);
	l2tp_avp_put_bytes(&b, L2TP_AVP_ACCM, true, accm, 10);
	l2tp_avp_put_bytes(&b, L2TP_AVP_Q931_CAUSE, true, q931, 5);
	l2tp_avp_put_bytes(&b, L2TP_AVP_PROXY_AUTH_ID, false, pid, 2);
	l2tp_avp_put_u32(&b, L2TP_AVP_FRAMING_CAP, true, 3);
	l2tp_avp_put_u16(&b, L2TP_AVP_RX_WINDOW_SIZE, true, 300);
	l2tp_avp_put_str(&b, L2TP_AVP_HOST_NAME, true, "lac@test2");
	l2tp_avp_put_bytes(&b, L2TP_AVP_SEQ_REQUIRED, true, NULL, 0);
	len = l2tp_msg_finish(&b, 1, 2, 3, 4);
	assert_true(len > 0);

	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, NULL, &m, &err), 0);
	assert_int_equal(m.type, L2TP_MSG_WEN);
	assert_true(m.tie_breaker == UINT64_C(0x8102030405060708));
	assert_int_equal(m.call_errors.crc, 1);
	assert_int_equal(m.call_errors.framing, 2);
	assert_int_equal(m.call_errors.hw_overruns, 3);
	assert_int_equal(m.call_errors.buf_overruns, 4);
	assert_int_equal(m.call_errors.timeouts, 5);
	assert_int_equal(m.call_errors.alignment, 6);
	assert_int_equal(m.accm_send, 0xfffffffe);
	assert_int_equal(m.accm_recv, 1);
	assert_int_equal(m.q931.cause, 0x0102);
	assert_int_equal(m.q931.msg, 3);
	assert_int_equal(m.q931.advisory.len, 2);
	assert_memory_equal(m.q931.advisory.p, "hi", 2);
	assert_int_equal(m.proxy_auth_id, 0x2a);
	assert_int_equal(m.framing_cap, L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
	assert_int_equal(m.rx_window_size, 300);
	assert_int_equal(m.host_name.len, 9);
	assert_memory_equal(m.host_name.p, "lac@test2", 9);
	assert_true(l2tp_msg_has(&m, L2TP_AVP_SEQ_REQUIRED));
	assert_false(l2tp_msg_has(&m, L2TP_AVP_VENDOR_NAME));
	assert_false(l2tp_msg_has(&m, 63));
	assert_false(l2tp_msg_has(&m, 64));
	assert_int_equal(m.n_avps, 10);
	/* strings point into the buffer: no copy */
	assert_true(m.host_name.p > buf && m.host_name.p < buf + len);
}

/* RFC 2661 §4.4 value sizes, written out independently of the code. */
#define V 0xffff
static const struct {
	uint16_t type;
	uint16_t min, max; /* max V: variable */
} sizes[] = {
	{ L2TP_AVP_RESULT_CODE, 2, V },	   { L2TP_AVP_PROTO_VERSION, 2, 2 },
	{ L2TP_AVP_FRAMING_CAP, 4, 4 },	   { L2TP_AVP_BEARER_CAP, 4, 4 },
	{ L2TP_AVP_TIE_BREAKER, 8, 8 },	   { L2TP_AVP_FIRMWARE_REV, 2, 2 },
	{ L2TP_AVP_HOST_NAME, 1, V },	   { L2TP_AVP_VENDOR_NAME, 0, V },
	{ L2TP_AVP_ASSIGNED_TUNNEL_ID, 2, 2 }, { L2TP_AVP_RX_WINDOW_SIZE, 2, 2 },
	{ L2TP_AVP_CHALLENGE, 1, V },	   { L2TP_AVP_Q931_CAUSE, 3, V },
	{ L2TP_AVP_CHALLENGE_RESPONSE, 16, 16 }, { L2TP_AVP_ASSIGNED_SESSION_ID, 2, 2 },
	{ L2TP_AVP_CALL_SERIAL, 4, 4 },	   { L2TP_AVP_MIN_BPS, 4, 4 },
	{ L2TP_AVP_MAX_BPS, 4, 4 },	   { L2TP_AVP_BEARER_TYPE, 4, 4 },
	{ L2TP_AVP_FRAMING_TYPE, 4, 4 },   { L2TP_AVP_CALLED_NUMBER, 0, V },
	{ L2TP_AVP_CALLING_NUMBER, 0, V }, { L2TP_AVP_SUB_ADDRESS, 0, V },
	{ L2TP_AVP_TX_CONNECT_SPEED, 4, 4 }, { L2TP_AVP_PHYS_CHANNEL_ID, 4, 4 },
	{ L2TP_AVP_INIT_RX_LCP_CONFREQ, 0, V }, { L2TP_AVP_LAST_TX_LCP_CONFREQ, 0, V },
	{ L2TP_AVP_LAST_RX_LCP_CONFREQ, 0, V }, { L2TP_AVP_PROXY_AUTH_TYPE, 2, 2 },
	{ L2TP_AVP_PROXY_AUTH_NAME, 0, V }, { L2TP_AVP_PROXY_AUTH_CHALLENGE, 1, V },
	{ L2TP_AVP_PROXY_AUTH_ID, 2, 2 },  { L2TP_AVP_PROXY_AUTH_RESPONSE, 0, V },
	{ L2TP_AVP_CALL_ERRORS, 26, 26 },  { L2TP_AVP_ACCM, 10, 10 },
	{ L2TP_AVP_RANDOM_VECTOR, 1, V },  { L2TP_AVP_PRIVATE_GROUP_ID, 0, V },
	{ L2TP_AVP_RX_CONNECT_SPEED, 4, 4 }, { L2TP_AVP_SEQ_REQUIRED, 0, 0 },
};

static int parse_one_avp(uint16_t type, size_t n, bool hide, struct l2tp_msg *m,
			 struct l2tp_parse_err *err)
{
	static uint8_t zero[1100];
	struct l2tp_builder b;
	uint8_t buf[1200];
	int len;

	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	if (hide) {
		l2tp_avp_put_rv(&b, rv16, sizeof(rv16));
		l2tp_avp_put_hidden(&b, &tunnel_secret, type, true, zero, n, NULL, 0);
	} else {
		l2tp_avp_put_bytes(&b, type, true, zero, n);
	}
	len = l2tp_msg_finish(&b, 1, 0, 0, 0);
	assert_true(len > 0);
	return parse_exact(buf, (size_t)len, &tunnel_secret, m, err);
}

static void test_avp_wrong_sizes(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	char name[96];
	size_t i;
	int hide;

	for (hide = 0; hide < 2; hide++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint16_t t = sizes[i].type;
			const char *tn = l2tp_avp_type_str(t);

			if (hide && t == L2TP_AVP_RANDOM_VECTOR)
				continue;
			snprintf(name, sizeof(name), "%s%s, %u octets", hide ? "hidden " : "",
				 tn, sizes[i].min);
			check(parse_one_avp(t, sizes[i].min, hide, &m, &err) == 0, name);
			if (sizes[i].min > 0) {
				snprintf(name, sizeof(name), "%s%s, %u octets",
					 hide ? "hidden " : "", tn, sizes[i].min - 1);
				check(parse_one_avp(t, sizes[i].min - 1, hide, &m, &err) == -1,
				      name);
				check(err.code == L2TP_PERR_AVP_SIZE, name);
				check(err.has_avp && err.avp_type == t, name);
				check(err.error == L2TP_ERR_LENGTH, name);
				check(strstr(err.text, tn) != NULL, name);
			}
			if (sizes[i].max != V) {
				snprintf(name, sizeof(name), "%s%s, %u octets",
					 hide ? "hidden " : "", tn, sizes[i].max + 1);
				check(parse_one_avp(t, sizes[i].max + 1, hide, &m, &err) == -1,
				      name);
				check(err.code == L2TP_PERR_AVP_SIZE, name);
				check(err.avp_type == t, name);
			} else {
				snprintf(name, sizeof(name), "%s%s, 1000 octets",
					 hide ? "hidden " : "", tn);
				check(parse_one_avp(t, 1000, hide, &m, &err) == 0, name);
			}
		}
	}
	/* Result Code: 8 (result only), 10, 10+message are legal, 9 is not */
	assert_int_equal(parse_one_avp(L2TP_AVP_RESULT_CODE, 3, false, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_SIZE);
	assert_int_equal(parse_one_avp(L2TP_AVP_RESULT_CODE, 4, false, &m, &err), 0);
	assert_true(m.result.has_error);
	assert_int_equal(m.result.msg.len, 0);
	assert_int_equal(parse_one_avp(L2TP_AVP_RESULT_CODE, 2, false, &m, &err), 0);
	assert_false(m.result.has_error);
	/* the Message Type AVP of wrong size */
	{
		struct raw r;

		raw_start(&r, L2TP_MSG_ZLB);
		raw_avp(&r, 0x8009, 0, 0, "\0\6\0", 3);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_AVP_SIZE);
		assert_int_equal(err.avp_type, L2TP_AVP_MSG_TYPE);
	}
}

/* ---- Result Code: the MikroTik / xl2tpd disagreement --------------------- */

static void test_result_code_forms(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[256];
	int len;
	static const uint8_t short_rc[] = { 0x80, 0x08, 0, 0, 0, 1, 0, 1 };
	static const char xl2tpd_msg[] = "Result Code: expected at least 10, got 8";

	/* 8-octet Result Code: legal (§4.4.2), xl2tpd refuses it, we do not */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_STOPCCN);
	assert_int_equal(l2tp_avp_put_result(&b, L2TP_STOPCCN_CLEAR, false, 0, NULL), 0);
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, 410);
	len = l2tp_msg_finish(&b, 1502, 0, 66, 69);
	assert_int_equal(len, 36);
	assert_memory_equal(buf + 20, short_rc, sizeof(short_rc));
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, NULL, &m, &err), 0);
	assert_int_equal(m.result.result, L2TP_STOPCCN_CLEAR);
	assert_false(m.result.has_error);

	/* with error code and message */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_STOPCCN);
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, 1502);
	l2tp_avp_put_result(&b, L2TP_STOPCCN_GENERAL_ERROR, true, L2TP_ERR_LENGTH,
			    xl2tpd_msg);
	len = l2tp_msg_finish(&b, 410, 0, 69, 67);
	assert_int_equal(len, 78);
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, NULL, &m, &err), 0);
	assert_int_equal(m.result.result, 2);
	assert_true(m.result.has_error);
	assert_int_equal(m.result.error, 2);
	assert_int_equal(m.result.msg.len, strlen(xl2tpd_msg));
	assert_memory_equal(m.result.msg.p, xl2tpd_msg, strlen(xl2tpd_msg));

	/* error code, no message */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_CDN);
	l2tp_avp_put_result(&b, L2TP_CDN_ADMIN, true, 0, NULL);
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_SESSION_ID, true, 1);
	len = l2tp_msg_finish(&b, 56152, 24, 4, 2);
	assert_int_equal(len, 38);
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, NULL, &m, &err), 0);
	assert_int_equal(m.result.result, 3);
	assert_true(m.result.has_error);
	assert_int_equal(m.result.error, 0);
}

/* ---- unrecognised AVPs --------------------------------------------------- */

static void test_reserved_bits(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;
	uint16_t bit;

	for (bit = 0x0400; bit <= 0x2000; bit <<= 1) {
		/* §4.1: treated as unrecognised; M=1 → unknown mandatory */
		raw_start(&r, L2TP_MSG_HELLO);
		raw_avp(&r, 0x8000 | bit | 10, 0, L2TP_AVP_HOST_NAME, "host", 4);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MANDATORY);
		assert_int_equal(err.avp_type, L2TP_AVP_HOST_NAME);
		assert_int_equal(err.offset, 20);
		assert_non_null(strstr(err.text, "reserved"));
		/* M=0 → ignored, not stored */
		raw_start(&r, L2TP_MSG_HELLO);
		raw_avp(&r, bit | 10, 0, L2TP_AVP_HOST_NAME, "host", 4);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
		assert_int_equal(m.n_ignored, 1);
		assert_false(l2tp_msg_has(&m, L2TP_AVP_HOST_NAME));
	}
	/* on the Message Type AVP: it is not a recognisable Message Type */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0x8000 | 0x0800 | 8, 0, 0, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_FIRST_NOT_MSGTYPE);
}

static void test_unknown_avps(void **state)
{
	static const uint16_t unknown_types[] = { 20, 40, 46, 0x7fff, 0xffff };
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;
	size_t i;

	/* M=0: ignored and counted, whatever the type, hidden or not */
	raw_start(&r, L2TP_MSG_HELLO);
	for (i = 0; i < sizeof(unknown_types) / sizeof(unknown_types[0]); i++)
		raw_avp(&r, 10, 0, unknown_types[i], "abcd", 4);
	raw_avp(&r, L2TP_AVP_F_H | 10, 0, 41, "abcd", 4); /* no secret, no RV */
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.n_ignored, 6);
	assert_int_equal(m.n_avps, 7);
	assert_int_equal(m.present, 1);

	/* M=1 in a control-connection message: the tunnel (§4.1), StopCCN
	 * result 2 error 8, the Error Message naming the attribute */
	for (i = 0; i < sizeof(unknown_types) / sizeof(unknown_types[0]); i++) {
		char want[32];

		raw_start(&r, L2TP_MSG_HELLO);
		raw_avp(&r, 0x8000 | 10, 0, unknown_types[i], "abcd", 4);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MANDATORY);
		assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
		assert_int_equal(err.msg_type, L2TP_MSG_HELLO);
		assert_int_equal(err.result, L2TP_STOPCCN_GENERAL_ERROR);
		assert_int_equal(err.error, L2TP_ERR_UNKNOWN_MANDATORY);
		assert_true(err.has_avp);
		assert_int_equal(err.avp_vendor, 0);
		assert_int_equal(err.avp_type, unknown_types[i]);
		assert_int_equal(err.offset, 20);
		snprintf(want, sizeof(want), "AVP %u ", unknown_types[i]);
		assert_non_null(strstr(err.text, want));
	}

	/* M=1 in ICRQ: the session (CDN result 2 error 8), and the ICRQ's
	 * Assigned Session ID, which comes after, is there to address it */
	raw_start(&r, L2TP_MSG_ICRQ);
	raw_avp(&r, 0x8000 | 8, 0, 40, "\0\1", 2);
	raw_avp(&r, 0x8000 | 8, 0, 77, "\0\1", 2); /* second one: first reported */
	raw_avp(&r, 0x8000 | 8, 0, L2TP_AVP_ASSIGNED_SESSION_ID, "\x2a\xc9", 2);
	raw_avp(&r, 0x8000 | 10, 0, L2TP_AVP_CALL_SERIAL, "\0\0\0\1", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MANDATORY);
	assert_int_equal(err.scope, L2TP_SCOPE_SESSION);
	assert_int_equal(err.msg_type, L2TP_MSG_ICRQ);
	assert_int_equal(err.result, L2TP_CDN_GENERAL_ERROR);
	assert_int_equal(err.error, L2TP_ERR_UNKNOWN_MANDATORY);
	assert_int_equal(err.avp_type, 40);
	assert_true(l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_SESSION_ID));
	assert_int_equal(m.assigned_session_id, 0x2ac9);
	assert_int_equal(m.call_serial, 1);

	/* ... but a malformed AVP after it is the harder error */
	raw_start(&r, L2TP_MSG_ICRQ);
	raw_avp(&r, 0x8000 | 8, 0, 40, "\0\1", 2);
	raw_avp(&r, 0x8000 | 9, 0, L2TP_AVP_ASSIGNED_SESSION_ID, "\x2a\xc9\0", 3);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_AVP_SIZE);
	assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
}

static void test_vendor_avps(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;

	/* Cisco (9) and Microsoft (311) AVPs with M=0, even ones that share an
	 * IETF type number: ignored, never stored as the IETF AVP */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 10, 9, 1, "\0\0\0\1", 4);
	raw_avp(&r, 10, 311, L2TP_AVP_HOST_NAME, "evil", 4);
	raw_avp(&r, L2TP_AVP_F_H | 10, 9, 7, "abcd", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.n_ignored, 3);
	assert_false(l2tp_msg_has(&m, L2TP_AVP_HOST_NAME));

	/* M=1 vendor AVP: unknown mandatory, vendor reported */
	raw_start(&r, L2TP_MSG_SCCCN);
	raw_avp(&r, 10, 9, 1, "\0\0\0\1", 4);
	raw_avp(&r, 0x8000 | 10, 311, 2, "\0\0\0\1", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MANDATORY);
	assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
	assert_int_equal(err.avp_vendor, 311);
	assert_int_equal(err.avp_type, 2);
	assert_int_equal(err.offset, 30);
	assert_non_null(strstr(err.text, "vendor 311"));
}

/* ---- message-level rules ------------------------------------------------- */

static void test_message_type_rules(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;
	static const uint16_t bad_types[] = { 0, 5, 13, 17, 100, 0xffff };
	size_t i;

	/* first AVP is not Message Type */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0x8008, 0, L2TP_AVP_ASSIGNED_TUNNEL_ID, "\0\1", 2);
	raw_avp(&r, 0x8008, 0, L2TP_AVP_MSG_TYPE, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_FIRST_NOT_MSGTYPE);
	assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
	assert_int_equal(err.avp_type, L2TP_AVP_ASSIGNED_TUNNEL_ID);

	/* a vendor's type 0 is not Message Type */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0x8008, 9, 0, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_FIRST_NOT_MSGTYPE);

	/* Message Type hidden */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0xc008, 0, 0, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_FORBIDDEN);

	/* unknown message types: M=1 clears the tunnel (§4.4.1), M=0 is ignored */
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		uint8_t v[2];

		put_be16(v, bad_types[i]);
		raw_start(&r, L2TP_MSG_ZLB);
		raw_avp(&r, 0x8008, 0, 0, v, 2);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MSG_TYPE);
		assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
		assert_int_equal(err.msg_type, bad_types[i]);
		assert_int_equal(err.result, 2);

		raw_start(&r, L2TP_MSG_ZLB);
		raw_avp(&r, 0x0008, 0, 0, v, 2);
		raw_end(&r);
		assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
		assert_int_equal(err.code, L2TP_PERR_UNKNOWN_MSG_TYPE);
		assert_int_equal(err.scope, L2TP_SCOPE_MESSAGE);
		assert_int_equal(err.result, 0);
	}

	/* known type with M=0 is still that message */
	raw_start(&r, L2TP_MSG_ZLB);
	raw_avp(&r, 0x0008, 0, 0, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.type, L2TP_MSG_HELLO);
	assert_false(m.type_mandatory);

	/* Message Type twice */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8008, 0, 0, "\0\6", 2);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_DUPLICATE);
	assert_int_equal(err.avp_type, L2TP_AVP_MSG_TYPE);
}

static void test_duplicates(void **state)
{
	struct l2tp_parse_err err;
	struct l2tp_msg m;
	struct raw r;

	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x800a, 0, L2TP_AVP_HOST_NAME, "aaaa", 4);
	raw_avp(&r, 0x800a, 0, L2TP_AVP_HOST_NAME, "bbbb", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_DUPLICATE);
	assert_int_equal(err.avp_type, L2TP_AVP_HOST_NAME);
	assert_int_equal(err.offset, 30);
	assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);
	assert_int_equal(err.error, L2TP_ERR_BAD_VALUE);
	assert_non_null(strstr(err.text, "Host Name"));

	/* Random Vector may repeat; the last one is kept */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x800a, 0, L2TP_AVP_RANDOM_VECTOR, "aaaa", 4);
	raw_avp(&r, 0x800a, 0, L2TP_AVP_RANDOM_VECTOR, "bbbb", 4);
	raw_end(&r);
	assert_int_equal(l2tp_msg_parse(r.b, r.len, NULL, &m, &err), 0);
	assert_int_equal(m.random_vector.len, 4);
	assert_int_equal(m.random_vector.p[0], 'b');
}

/* §6, written out independently of the code. */
static const struct {
	uint16_t type;
	uint16_t req[8];
	size_t n;
} required[] = {
	{ L2TP_MSG_SCCRQ, { 2, 7, 3, 9 }, 4 },
	{ L2TP_MSG_SCCRP, { 2, 7, 3, 9 }, 4 },
	{ L2TP_MSG_SCCCN, { 0 }, 0 },
	{ L2TP_MSG_STOPCCN, { 9, 1 }, 2 },
	{ L2TP_MSG_HELLO, { 0 }, 0 },
	{ L2TP_MSG_OCRQ, { 14, 15, 16, 17, 18, 19, 21 }, 7 },
	{ L2TP_MSG_OCRP, { 14 }, 1 },
	{ L2TP_MSG_OCCN, { 24, 19 }, 2 },
	{ L2TP_MSG_ICRQ, { 14, 15 }, 2 },
	{ L2TP_MSG_ICRP, { 14 }, 1 },
	{ L2TP_MSG_ICCN, { 24, 19 }, 2 },
	{ L2TP_MSG_CDN, { 1, 14 }, 2 },
	{ L2TP_MSG_WEN, { 34 }, 1 },
	{ L2TP_MSG_SLI, { 35 }, 1 },
};

static void test_missing_required(void **state)
{
	static uint8_t zero[32];
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[512];
	char name[64];
	size_t i, j, k;
	int len;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		uint64_t mask = 1;

		for (j = 0; j < required[i].n; j++)
			mask |= UINT64_C(1) << required[i].req[j];
		check(l2tp_msg_required(required[i].type) == mask,
		      l2tp_msg_type_str(required[i].type));

		/* leave out each required AVP in turn (k == n: none left out) */
		for (k = 0; k <= required[i].n; k++) {
			snprintf(name, sizeof(name), "%s without %s",
				 l2tp_msg_type_str(required[i].type),
				 k < required[i].n ? l2tp_avp_type_str(required[i].req[k])
						   : "nothing");
			l2tp_msg_init(&b, buf, sizeof(buf), required[i].type);
			for (j = 0; j < required[i].n; j++) {
				uint16_t t = required[i].req[j];
				size_t n = 2;

				if (j == k)
					continue;
				for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
					if (sizes[s].type == t)
						n = sizes[s].min ? sizes[s].min : 3;
				l2tp_avp_put_bytes(&b, t, true, zero, n);
			}
			len = l2tp_msg_finish(&b, 1, 1, 0, 0);
			assert_true(len > 0);
			if (k == required[i].n) {
				check(parse_exact(buf, (size_t)len, NULL, &m, &err) == 0, name);
				check(m.type == required[i].type, name);
				continue;
			}
			check(parse_exact(buf, (size_t)len, NULL, &m, &err) == -1, name);
			check(err.code == L2TP_PERR_MISSING, name);
			check(err.has_avp && err.avp_type == required[i].req[k], name);
			check(err.msg_type == required[i].type, name);
			check(err.scope == L2TP_SCOPE_TUNNEL, name);
			check(err.result == 2 && err.error == L2TP_ERR_BAD_VALUE, name);
			check(strstr(err.text, l2tp_avp_type_str(required[i].req[k])) != NULL,
			      name);
			/* the message is otherwise decoded */
			check(m.type == required[i].type, name);
		}
	}
	assert_int_equal(l2tp_msg_required(5), 0);
	assert_int_equal(l2tp_msg_required(0xffff), 0);
	assert_false(l2tp_msg_is_session(L2TP_MSG_SCCRQ));
	assert_false(l2tp_msg_is_session(L2TP_MSG_HELLO));
	assert_false(l2tp_msg_is_session(L2TP_MSG_STOPCCN));
	assert_true(l2tp_msg_is_session(L2TP_MSG_OCRQ));
	assert_true(l2tp_msg_is_session(L2TP_MSG_ICRQ));
	assert_true(l2tp_msg_is_session(L2TP_MSG_CDN));
	assert_true(l2tp_msg_is_session(L2TP_MSG_SLI));
	assert_false(l2tp_msg_is_session(13));
}

/* ---- hidden AVPs (§4.3) -------------------------------------------------- */

static void hidden_vector(const char *id)
{
	json_object *e = vec(id);
	uint8_t sec_b[64], rv[32], val[64], pad[32], hv[128], avp[160], out[160];
	uint8_t buf[256];
	struct l2tp_secret sec;
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	json_object *t;
	size_t rv_len, vlen, pad_len, hlen, alen, olen;
	uint16_t type;
	int len;

	assert_true(json_object_object_get_ex(e, "attribute_type", &t));
	type = (uint16_t)json_object_get_int(t);
	sec.len = strlen(vstr(e, "shared_secret"));
	memcpy(sec_b, vstr(e, "shared_secret"), sec.len);
	sec.data = sec_b;
	rv_len = vhex(e, "random_vector", rv, sizeof(rv));
	vlen = vhex(e, "original_value", val, sizeof(val));
	pad_len = vhex(e, "padding", pad, sizeof(pad));
	hlen = vhex(e, "hidden_value", hv, sizeof(hv));
	alen = vhex(e, "hidden_avp_hex", avp, sizeof(avp));

	/* hide: byte-exact */
	assert_int_equal(l2tp_avp_hide(type, &sec, rv, rv_len, val, vlen, pad, pad_len,
				       out, sizeof(out)), (int)hlen);
	assert_memory_equal(out, hv, hlen);
	/* too small an output */
	assert_int_equal(l2tp_avp_hide(type, &sec, rv, rv_len, val, vlen, pad, pad_len,
				       out, hlen - 1), -1);
	/* unhide: back to the value, padding dropped */
	assert_int_equal(l2tp_avp_unhide(type, &sec, rv, rv_len, hv, hlen, out,
					 sizeof(out), &olen), 0);
	assert_int_equal(olen, vlen);
	assert_memory_equal(out, val, vlen);

	/* through the builder: the whole AVP (M=1, H=1) byte-exact */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	l2tp_avp_put_rv(&b, rv, rv_len);
	assert_int_equal(l2tp_avp_put_hidden(&b, &sec, type, true, val, vlen, pad, pad_len),
			 0);
	len = l2tp_msg_finish(&b, 1, 0, 0, 0);
	assert_int_equal(len, (int)(20 + 6 + rv_len + alen));
	assert_memory_equal(buf + 20 + 6 + rv_len, avp, alen);
	assert_int_equal(get_be16(buf + 20 + 6 + rv_len),
			 strtol(vstr(e, "hidden_avp_flags_length_word"), NULL, 16));

	/* through the parser: unhidden value in its field */
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, &sec, &m, &err), 0);
	assert_true(l2tp_msg_has(&m, type));
	assert_true((m.hidden >> type) & 1);
	olen = field_bytes(&m, type, out);
	assert_int_equal(olen, vlen);
	assert_memory_equal(out, val, vlen);
	assert_memory_equal(m.random_vector.p, rv, rv_len);
}

static void test_hidden_vectors(void **state)
{
	hidden_vector("l2tp_hidden_avp_assigned_session_id");
	hidden_vector("l2tp_hidden_avp_calling_number_16");
	hidden_vector("l2tp_hidden_avp_proxy_authen_name_3_blocks");
	hidden_vector("l2tp_hidden_avp_proxy_authen_response_padded");
}

static void test_hidden_full_icrq(void **state)
{
	json_object *e = vec("l2tp_hidden_avp_full_icrq_two_random_vectors");
	static const uint8_t rv2[16] = { 0xf0, 0xe0, 0xd0, 0xc0, 0xb0, 0xa0, 0x90, 0x80,
					 0x70, 0x60, 0x50, 0x40, 0x30, 0x20, 0x10, 0x00 };
	static const uint8_t sid[2] = { 0x12, 0x34 };
	static const char calling[] = "5551234567890123";
	static const uint8_t resp[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t pad[14], want[256], buf[256];
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	json_object *exp;
	size_t wlen;
	int len;

	wlen = vhex(e, "l2tp_message_hex", want, sizeof(want));
	assert_string_equal(vstr(e, "shared_secret"), "tunnelsecret");

	/* build it */
	memset(pad, 0xaa, sizeof(pad));
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_ICRQ);
	l2tp_avp_put_rv(&b, rv16, 16);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_ASSIGNED_SESSION_ID, true, sid, 2,
			    NULL, 0);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_CALLING_NUMBER, true, calling, 16,
			    NULL, 0);
	l2tp_avp_put_rv(&b, rv2, 16);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_PROXY_AUTH_RESPONSE, true, resp,
			    16, pad, sizeof(pad));
	l2tp_avp_put_u32(&b, L2TP_AVP_CALL_SERIAL, true, 7);
	l2tp_avp_put_u32(&b, L2TP_AVP_BEARER_TYPE, true, 2);
	len = l2tp_msg_finish(&b, 4321, 0, 3, 2);
	assert_int_equal(len, (int)wlen);
	assert_true(bytes_match("full ICRQ", want, wlen, buf, (size_t)len));

	/* parse the vector's bytes */
	assert_int_equal(parse_exact(want, wlen, &tunnel_secret, &m, &err), 0);
	assert_int_equal(l2tp_msg_parse(want, wlen, &tunnel_secret, &m, &err), 0);
	assert_int_equal(m.type, L2TP_MSG_ICRQ);
	assert_int_equal(m.hdr.tunnel_id, 4321);
	assert_int_equal(m.hdr.ns, 3);
	assert_int_equal(m.hdr.nr, 2);
	assert_int_equal(m.n_avps, 8);
	assert_true(json_object_object_get_ex(e, "expected_unhidden", &exp));
	assert_int_equal(m.assigned_session_id, 0x1234);
	assert_int_equal(m.calling_number.len, 16);
	assert_memory_equal(m.calling_number.p, calling, 16);
	assert_int_equal(m.proxy_auth_response.len, 16);
	assert_memory_equal(m.proxy_auth_response.p, resp, 16);
	{
		uint8_t x[32];
		size_t n;

		n = unhex(json_object_get_string(json_object_object_get(exp, "14")), x,
			  sizeof(x));
		assert_int_equal(field_bytes(&m, 14, buf), n);
		assert_memory_equal(buf, x, n);
		n = unhex(json_object_get_string(json_object_object_get(exp, "22")), x,
			  sizeof(x));
		assert_int_equal(field_bytes(&m, 22, buf), n);
		assert_memory_equal(buf, x, n);
		n = unhex(json_object_get_string(json_object_object_get(exp, "33")), x,
			  sizeof(x));
		assert_int_equal(field_bytes(&m, 33, buf), n);
		assert_memory_equal(buf, x, n);
	}
	assert_int_equal(m.call_serial, 7);
	assert_int_equal(m.bearer_type, 2);
	assert_int_equal(m.hidden, (UINT64_C(1) << 14) | (UINT64_C(1) << 22) |
				   (UINT64_C(1) << 33));
	/* the last Random Vector is the one kept */
	assert_memory_equal(m.random_vector.p, rv2, 16);
	/* unhidden values are in m, not in the buffer */
	assert_true(m.calling_number.p >= m.unhidden &&
		    m.calling_number.p < m.unhidden + sizeof(m.unhidden));
}

static void test_hidden_errors(void **state)
{
	static const uint8_t zero[1000];
	const struct l2tp_secret wrong = { (const uint8_t *)"tunnelsecreT", 12 };
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[8192];
	struct raw r;
	int len;

	/* hidden AVP, no Random Vector before it (one after does not count) */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0xc000 | 10, 0, L2TP_AVP_ASSIGNED_SESSION_ID, "\xc2\xa6\x32\x03", 4);
	raw_avp(&r, 0x8000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_NO_RV);
	assert_int_equal(err.avp_type, L2TP_AVP_ASSIGNED_SESSION_ID);
	assert_int_equal(err.offset, 20);
	assert_int_equal(err.scope, L2TP_SCOPE_TUNNEL);

	/* hidden AVP, no secret configured */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_avp(&r, 0xc000 | 10, 0, L2TP_AVP_ASSIGNED_SESSION_ID, "\xc2\xa6\x32\x03", 4);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_NO_SECRET);
	assert_int_equal(err.avp_type, L2TP_AVP_ASSIGNED_SESSION_ID);
	/* ... and with it: the vector's value */
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), 0);
	assert_int_equal(m.assigned_session_id, 0x1234);
	/* a wrong secret: Original Length comes out too large here */
	assert_int_equal(parse_exact(r.b, r.len, &wrong, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_BAD);
	assert_int_equal(err.error, L2TP_ERR_LENGTH);

	/* hidden value of 0 or 1 octets: no room for Original Length */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_avp(&r, 0xc000 | 7, 0, L2TP_AVP_HOST_NAME, "x", 1);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_BAD);
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_avp(&r, 0xc000 | 6, 0, L2TP_AVP_HOST_NAME, NULL, 0);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_BAD);

	/* a hidden Random Vector cannot be unhidden */
	raw_start(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0x8000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_avp(&r, 0xc000 | 22, 0, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	raw_end(&r);
	assert_int_equal(parse_exact(r.b, r.len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_FORBIDDEN);

	/* unhidden values beyond L2TP_UNHIDE_MAX: refused, not overflowed */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	l2tp_avp_put_rv(&b, rv16, 16);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_CALLED_NUMBER, true, zero, 1000,
			    NULL, 0);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_CALLING_NUMBER, true, zero, 1000,
			    NULL, 0);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_SUB_ADDRESS, true, zero, 1000,
			    NULL, 0);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_PROXY_AUTH_NAME, true, zero,
			    1000, NULL, 0);
	l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_PROXY_AUTH_RESPONSE, true, zero,
			    1000, NULL, 0);
	len = l2tp_msg_finish(&b, 1, 0, 0, 0);
	assert_true(len > 5000);
	assert_int_equal(parse_exact(buf, (size_t)len, &tunnel_secret, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_NO_SPACE);
	assert_int_equal(err.avp_type, L2TP_AVP_PROXY_AUTH_RESPONSE);
	assert_int_equal(err.error, L2TP_ERR_NO_RESOURCES);

	/* the builder refuses to hide without a Random Vector or a secret */
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	assert_int_equal(l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_HOST_NAME, true,
					     "h", 1, NULL, 0), -1);
	assert_int_equal(l2tp_msg_finish(&b, 1, 0, 0, 0), -1);
	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	l2tp_avp_put_rv(&b, rv16, 16);
	assert_int_equal(l2tp_avp_put_hidden(&b, NULL, L2TP_AVP_HOST_NAME, true, "h", 1,
					     NULL, 0), -1);
	assert_int_equal(l2tp_msg_finish(&b, 1, 0, 0, 0), -1);
	/* and the bare functions without a secret */
	assert_int_equal(l2tp_avp_hide(1, NULL, rv16, 16, zero, 2, NULL, 0, buf, 64), -1);
	{
		size_t ol;

		assert_int_equal(l2tp_avp_unhide(1, NULL, rv16, 16, zero, 4, buf, 64, &ol),
				 -1);
	}
}

/* An empty secret is a secret: hiding works with it (MD5 over type ‖ RV). */
static void test_hidden_empty_secret(void **state)
{
	const struct l2tp_secret empty = { NULL, 0 };
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	uint8_t buf[128];
	int len;

	l2tp_msg_init(&b, buf, sizeof(buf), L2TP_MSG_HELLO);
	l2tp_avp_put_rv(&b, rv16, 16);
	l2tp_avp_put_hidden(&b, &empty, L2TP_AVP_HOST_NAME, true, "albatross", 9, NULL, 0);
	len = l2tp_msg_finish(&b, 1, 0, 0, 0);
	assert_true(len > 0);
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, &empty, &m, &err), 0);
	assert_int_equal(m.host_name.len, 9);
	assert_memory_equal(m.host_name.p, "albatross", 9);
	assert_int_equal(l2tp_msg_parse(buf, (size_t)len, NULL, &m, &err), -1);
	assert_int_equal(err.code, L2TP_PERR_HIDDEN_NO_SECRET);
}

/* ---- tunnel authentication (§4.4.3, §5.1.1) ------------------------------ */

static void test_tunnel_auth_constructed(void **state)
{
	static const char *const ids[] = { "l2tp_tunnel_auth_constructed_sccrp",
					   "l2tp_tunnel_auth_constructed_scccn" };
	size_t i;

	for (i = 0; i < 2; i++) {
		json_object *e = vec(ids[i]), *t;
		uint8_t chal[64], want[16], avp[32], got[16], buf[64];
		struct l2tp_secret sec;
		struct l2tp_builder b;
		size_t clen, alen;
		uint8_t type;

		assert_true(json_object_object_get_ex(e, "message_type_of_response", &t));
		type = (uint8_t)json_object_get_int(t);
		sec.data = (const uint8_t *)vstr(e, "secret");
		sec.len = strlen(vstr(e, "secret"));
		clen = vhex(e, "challenge", chal, sizeof(chal));
		assert_int_equal(vhex(e, "challenge_response", want, sizeof(want)), 16);
		alen = vhex(e, "challenge_response_avp_hex", avp, sizeof(avp));

		assert_int_equal(l2tp_challenge_response(type, &sec, chal, clen, got), 0);
		check(memcmp(got, want, 16) == 0, ids[i]);
		check(l2tp_challenge_verify(type, &sec, chal, clen, want), ids[i]);
		/* wrong message type, wrong secret, flipped bit */
		check(!l2tp_challenge_verify(type ^ 1, &sec, chal, clen, want), ids[i]);
		sec.len--;
		check(!l2tp_challenge_verify(type, &sec, chal, clen, want), ids[i]);
		sec.len++;
		want[15] ^= 1;
		check(!l2tp_challenge_verify(type, &sec, chal, clen, want), ids[i]);

		l2tp_msg_init(&b, buf, sizeof(buf), type);
		l2tp_avp_put_bytes(&b, L2TP_AVP_CHALLENGE_RESPONSE, true, got, 16);
		check(l2tp_msg_finish(&b, 1, 0, 0, 0) == (int)(20 + alen), ids[i]);
		check(memcmp(buf + 20, avp, alen) == 0, ids[i]);
	}
	assert_int_equal(l2tp_challenge_response(2, NULL, (const uint8_t *)"x", 1,
						 (uint8_t[16]){ 0 }),
			 -1);
	assert_false(l2tp_challenge_verify(2, NULL, (const uint8_t *)"x", 1,
					   (uint8_t[16]){ 0 }));
}

/* Windows LAC answering a Cisco LNS's challenge with an empty secret: the
 * challenge from the parsed SCCRP, the response in the parsed SCCCN. */
static void test_tunnel_auth_windows_cisco(void **state)
{
	json_object *e = vec("l2tp_tunnel_auth_capture_windows_cisco");
	const struct l2tp_secret empty = { (const uint8_t *)"", 0 };
	uint8_t sccrp[256], scccn[128], chal[16], resp[16], got[16];
	struct l2tp_parse_err err;
	struct l2tp_msg rp, cn;
	size_t n1, n2;

	n1 = vhex(e, "sccrp_l2tp_message_hex", sccrp, sizeof(sccrp));
	n2 = vhex(e, "scccn_l2tp_message_hex", scccn, sizeof(scccn));
	vhex(e, "challenge", chal, sizeof(chal));
	vhex(e, "challenge_response", resp, sizeof(resp));
	assert_string_equal(vstr(e, "secret"), "");

	assert_int_equal(l2tp_msg_parse(sccrp, n1, NULL, &rp, &err), 0);
	assert_int_equal(rp.type, L2TP_MSG_SCCRP);
	assert_int_equal(rp.challenge.len, 16);
	assert_memory_equal(rp.challenge.p, chal, 16);
	assert_int_equal(l2tp_msg_parse(scccn, n2, NULL, &cn, &err), 0);
	assert_int_equal(cn.type, L2TP_MSG_SCCCN);
	assert_true(l2tp_msg_has(&cn, L2TP_AVP_CHALLENGE_RESPONSE));
	assert_memory_equal(cn.challenge_response, resp, 16);

	assert_int_equal(l2tp_challenge_response((uint8_t)cn.type, &empty, rp.challenge.p,
						 rp.challenge.len, got),
			 0);
	assert_memory_equal(got, resp, 16);
	assert_true(l2tp_challenge_verify(L2TP_MSG_SCCCN, &empty, rp.challenge.p,
					  rp.challenge.len, cn.challenge_response));
	/* "no secret configured" is not the empty secret */
	assert_false(l2tp_challenge_verify(L2TP_MSG_SCCCN, NULL, rp.challenge.p,
					   rp.challenge.len, cn.challenge_response));
	assert_false(l2tp_challenge_verify(L2TP_MSG_SCCCN, &tunnel_secret, rp.challenge.p,
					   rp.challenge.len, cn.challenge_response));
}

/* ---- the public captures, against tshark 4.0.17 -------------------------- */

#define A(t) (UINT64_C(1) << L2TP_AVP_##t)

struct cap_expect {
	unsigned frame;
	uint16_t type; /* 0: ZLB */
	uint16_t tunnel, session, ns, nr, length;
	uint64_t avps; /* exactly the AVP types present */
	uint64_t optional_m0; /* present with M=0 */
	const char *host, *vendor;
	uint16_t atid, asid, rws, firmware, proxy_auth_type;
	uint32_t framing_cap, bearer_cap, call_serial, bearer_type, framing_type;
	uint32_t tx_speed, rx_speed;
	int result, error; /* error -1: no Error Code field */
	const char *errmsg;
	const char *challenge, *chal_resp; /* hex */
};

#define SCCRx_AVPS (A(MSG_TYPE) | A(PROTO_VERSION) | A(FRAMING_CAP) | A(BEARER_CAP) | \
		    A(FIRMWARE_REV) | A(HOST_NAME) | A(VENDOR_NAME) |                 \
		    A(ASSIGNED_TUNNEL_ID) | A(RX_WINDOW_SIZE))

/* Protocol-Analysis__L2TP.pcapng: xl2tpd LAC (UDP 6666), MikroTik LNS. */
static const struct cap_expect pa_expect[] = {
	{ .frame = 3, .type = L2TP_MSG_CDN, .tunnel = 410, .session = 1, .ns = 68, .nr = 66,
	  .length = 38, .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_SESSION_ID),
	  .result = 1, .error = 0, .asid = 37266 },
	{ .frame = 4, .tunnel = 1502, .ns = 66, .nr = 69, .length = 12 },
	/* MikroTik's StopCCN: Result Code of 8 octets, no Error Code */
	{ .frame = 5, .type = L2TP_MSG_STOPCCN, .tunnel = 1502, .ns = 66, .nr = 69,
	  .length = 36, .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_TUNNEL_ID),
	  .result = 1, .error = -1, .atid = 410 },
	{ .frame = 6, .tunnel = 410, .ns = 69, .nr = 67, .length = 12 },
	/* xl2tpd's answer: result 2, error 2 and its complaint */
	{ .frame = 7, .type = L2TP_MSG_STOPCCN, .tunnel = 410, .ns = 69, .nr = 67,
	  .length = 78, .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_TUNNEL_ID),
	  .result = 2, .error = 2, .errmsg = "Result Code: expected at least 10, got 8",
	  .atid = 1502 },
	{ .frame = 8, .tunnel = 1502, .ns = 67, .nr = 70, .length = 12 },
	{ .frame = 9, .type = L2TP_MSG_SCCRQ, .length = 115, .avps = SCCRx_AVPS,
	  .optional_m0 = A(FIRMWARE_REV) | A(VENDOR_NAME), .host = "linux-8888884c9000",
	  .vendor = "xelerance.com", .atid = 49446, .rws = 4, .firmware = 0x0690,
	  .framing_cap = 3, .bearer_cap = 0 },
	{ .frame = 10, .type = L2TP_MSG_SCCRP, .tunnel = 49446, .nr = 1, .length = 100,
	  .avps = SCCRx_AVPS, .optional_m0 = A(FIRMWARE_REV) | A(VENDOR_NAME),
	  .host = "MikroTik", .vendor = "MikroTik", .atid = 411, .rws = 4, .firmware = 1,
	  .framing_cap = 1, .bearer_cap = 0 },
	{ .frame = 11, .type = L2TP_MSG_SCCCN, .tunnel = 411, .ns = 1, .nr = 1, .length = 20,
	  .avps = A(MSG_TYPE) },
	{ .frame = 12, .tunnel = 49446, .ns = 1, .nr = 2, .length = 12 },
	{ .frame = 13, .type = L2TP_MSG_ICRQ, .tunnel = 411, .ns = 2, .nr = 1, .length = 48,
	  .avps = A(MSG_TYPE) | A(ASSIGNED_SESSION_ID) | A(CALL_SERIAL) | A(BEARER_TYPE),
	  .asid = 10953, .call_serial = 1, .bearer_type = 0 },
	{ .frame = 14, .type = L2TP_MSG_ICRP, .tunnel = 49446, .session = 10953, .ns = 1,
	  .nr = 3, .length = 28, .avps = A(MSG_TYPE) | A(ASSIGNED_SESSION_ID), .asid = 1 },
	{ .frame = 15, .type = L2TP_MSG_ICCN, .tunnel = 411, .session = 1, .ns = 3, .nr = 2,
	  .length = 50,
	  .avps = A(MSG_TYPE) | A(TX_CONNECT_SPEED) | A(FRAMING_TYPE) | A(RX_CONNECT_SPEED),
	  .optional_m0 = A(RX_CONNECT_SPEED), .tx_speed = 0, .framing_type = 1,
	  .rx_speed = 0 },
	{ .frame = 16, .tunnel = 49446, .ns = 2, .nr = 4, .length = 12 },
};

/* jnetpcap__test-l2tp.pcap: Microsoft LAC, Cisco LNS. */
static const struct cap_expect jn_expect[] = {
	{ .frame = 41, .type = L2TP_MSG_CDN, .tunnel = 56152, .session = 24, .ns = 4,
	  .nr = 2, .length = 38,
	  .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_SESSION_ID), .result = 3,
	  .error = 0, .asid = 1 },
	{ .frame = 42, .tunnel = 1, .ns = 2, .nr = 5, .length = 12 },
	{ .frame = 43, .type = L2TP_MSG_STOPCCN, .tunnel = 56152, .ns = 5, .nr = 2,
	  .length = 38, .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_TUNNEL_ID),
	  .result = 6, .error = 0, .atid = 1 },
	{ .frame = 44, .tunnel = 1, .ns = 2, .nr = 6, .length = 12 },
	{ .frame = 45, .type = L2TP_MSG_SCCRQ, .length = 117, .avps = SCCRx_AVPS,
	  .optional_m0 = A(FIRMWARE_REV) | A(VENDOR_NAME),
	  .host = "albatross.dev.hsd.com.au", .vendor = "Microsoft", .atid = 2, .rws = 8,
	  .firmware = 0x0500, .framing_cap = 1, .bearer_cap = 0 },
	{ .frame = 46, .type = L2TP_MSG_SCCRP, .tunnel = 2, .nr = 1, .length = 145,
	  .avps = SCCRx_AVPS | A(CHALLENGE), .optional_m0 = A(FIRMWARE_REV) | A(VENDOR_NAME),
	  .host = "lac@test2.hsd.com.au", .vendor = "Cisco Systems, Inc.", .atid = 3257,
	  .rws = 300, .firmware = 0x1120, .framing_cap = 0, .bearer_cap = 0,
	  .challenge = "b6649877b09c81bf59f12f80d3793d8c" },
	{ .frame = 47, .type = L2TP_MSG_SCCCN, .tunnel = 3257, .ns = 1, .nr = 1,
	  .length = 42, .avps = A(MSG_TYPE) | A(CHALLENGE_RESPONSE),
	  .chal_resp = "c36008af9229c3ebe1df454feaa77e29" },
	{ .frame = 48, .type = L2TP_MSG_ICRQ, .tunnel = 3257, .ns = 2, .nr = 1, .length = 48,
	  .avps = A(MSG_TYPE) | A(ASSIGNED_SESSION_ID) | A(CALL_SERIAL) | A(BEARER_TYPE),
	  .asid = 1, .call_serial = 0, .bearer_type = L2TP_BEARER_ANALOG },
	{ .frame = 49, .tunnel = 3257, .ns = 3, .nr = 1, .length = 12 },
	{ .frame = 50, .tunnel = 2, .ns = 1, .nr = 2, .length = 12 },
	{ .frame = 51, .type = L2TP_MSG_ICRP, .tunnel = 2, .session = 1, .ns = 1, .nr = 3,
	  .length = 28, .avps = A(MSG_TYPE) | A(ASSIGNED_SESSION_ID), .asid = 25 },
	{ .frame = 52, .type = L2TP_MSG_ICCN, .tunnel = 3257, .session = 25, .ns = 3,
	  .nr = 2, .length = 48,
	  .avps = A(MSG_TYPE) | A(TX_CONNECT_SPEED) | A(FRAMING_TYPE) | A(PROXY_AUTH_TYPE),
	  .optional_m0 = A(PROXY_AUTH_TYPE), .tx_speed = 100000000,
	  .framing_type = L2TP_FRAMING_SYNC, .proxy_auth_type = L2TP_PROXY_AUTH_NONE },
	{ .frame = 53, .tunnel = 3257, .ns = 4, .nr = 2, .length = 12 },
	{ .frame = 55, .tunnel = 2, .ns = 2, .nr = 4, .length = 12 },
	{ .frame = 165, .type = L2TP_MSG_CDN, .tunnel = 3257, .session = 25, .ns = 4,
	  .nr = 2, .length = 38,
	  .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_SESSION_ID), .result = 3,
	  .error = 0, .asid = 1 },
	{ .frame = 166, .tunnel = 2, .ns = 2, .nr = 5, .length = 12 },
	{ .frame = 167, .type = L2TP_MSG_STOPCCN, .tunnel = 3257, .ns = 5, .nr = 2,
	  .length = 38, .avps = A(MSG_TYPE) | A(RESULT_CODE) | A(ASSIGNED_TUNNEL_ID),
	  .result = 6, .error = 0, .atid = 2 },
	{ .frame = 168, .tunnel = 2, .ns = 2, .nr = 6, .length = 12 },
};

static void str_is(const char *name, const struct l2tp_bytes *b, const char *s)
{
	check(b->len == strlen(s), name);
	check(memcmp(b->p, s, b->len) == 0, name);
}

static void check_capture_msg(const struct cap_expect *x, const struct l2tp_msg *m)
{
	char name[64];
	uint8_t h[16];
	unsigned t, n = 0;

	snprintf(name, sizeof(name), "frame %u (%s)", x->frame, l2tp_msg_type_str(x->type));
	check(m->zlb == (x->type == L2TP_MSG_ZLB), name);
	check(m->type == x->type, name);
	check(m->hdr.flags == 0xc802, name);
	check(m->hdr.tunnel_id == x->tunnel, name);
	check(m->hdr.session_id == x->session, name);
	check(m->hdr.ns == x->ns, name);
	check(m->hdr.nr == x->nr, name);
	check(m->hdr.length == x->length, name);
	check(m->present == x->avps, name);
	check(m->hidden == 0, name);
	check(m->n_ignored == 0, name);
	for (t = 0; t < 64; t++)
		n += (x->avps >> t) & 1;
	check(m->n_avps == n, name);
	if (x->type != L2TP_MSG_ZLB)
		check(m->type_mandatory, name);
	if (x->avps & A(HOST_NAME))
		str_is(name, &m->host_name, x->host);
	if (x->avps & A(VENDOR_NAME))
		str_is(name, &m->vendor_name, x->vendor);
	if (x->avps & A(PROTO_VERSION))
		check(m->proto_ver == 1 && m->proto_rev == 0, name);
	if (x->avps & A(FRAMING_CAP))
		check(m->framing_cap == x->framing_cap, name);
	if (x->avps & A(BEARER_CAP))
		check(m->bearer_cap == x->bearer_cap, name);
	if (x->avps & A(FIRMWARE_REV))
		check(m->firmware_rev == x->firmware, name);
	if (x->avps & A(ASSIGNED_TUNNEL_ID))
		check(m->assigned_tunnel_id == x->atid, name);
	if (x->avps & A(RX_WINDOW_SIZE))
		check(m->rx_window_size == x->rws, name);
	if (x->avps & A(ASSIGNED_SESSION_ID))
		check(m->assigned_session_id == x->asid, name);
	if (x->avps & A(CALL_SERIAL))
		check(m->call_serial == x->call_serial, name);
	if (x->avps & A(BEARER_TYPE))
		check(m->bearer_type == x->bearer_type, name);
	if (x->avps & A(FRAMING_TYPE))
		check(m->framing_type == x->framing_type, name);
	if (x->avps & A(TX_CONNECT_SPEED))
		check(m->tx_connect_speed == x->tx_speed, name);
	if (x->avps & A(RX_CONNECT_SPEED))
		check(m->rx_connect_speed == x->rx_speed, name);
	if (x->avps & A(PROXY_AUTH_TYPE))
		check(m->proxy_auth_type == x->proxy_auth_type, name);
	if (x->avps & A(RESULT_CODE)) {
		check(m->result.result == x->result, name);
		check(m->result.has_error == (x->error >= 0), name);
		if (x->error >= 0)
			check(m->result.error == x->error, name);
		if (x->errmsg)
			str_is(name, &m->result.msg, x->errmsg);
		else
			check(m->result.msg.len == 0, name);
	}
	if (x->challenge) {
		check(m->challenge.len == unhex(x->challenge, h, sizeof(h)), name);
		check(memcmp(m->challenge.p, h, 16) == 0, name);
	}
	if (x->chal_resp) {
		unhex(x->chal_resp, h, sizeof(h));
		check(memcmp(m->challenge_response, h, 16) == 0, name);
	}
}

/* The M bits tshark shows: every AVP M=1 except the listed optional ones. */
static void check_m_bits(const struct cap_expect *x, const uint8_t *p, size_t len)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	char name[48];

	snprintf(name, sizeof(name), "frame %u M bits", x->frame);
	l2tp_avp_iter_init(&it, p + 12, x->length - 12u, 12);
	while (l2tp_avp_next(&it, &a) > 0) {
		bool m0 = (x->optional_m0 >> a.type) & 1;

		check(a.mandatory == !m0, name);
		check(!a.hidden && a.vendor == 0, name);
	}
	check(it.err == L2TP_PERR_OK, name);
	(void)len;
}

static void run_capture(const char *file, const struct cap_expect *x, size_t nx)
{
	struct l2tp_parse_err err;
	struct capture c;
	struct l2tp_msg m;
	const uint8_t *p;
	uint16_t sport, dport;
	size_t i, len, seen = 0, k = 0;

	load_capture(file, &c);
	for (i = 0; i < c.n; i++) {
		if (!udp_payload(&c.f[i], &p, &len, &sport, &dport))
			continue;
		if (sport != 1701 && dport != 1701)
			continue;
		if (len < 1 || !(p[0] & 0x80)) /* data messages */
			continue;
		seen++;
		while (k < nx && x[k].frame < i + 1)
			k++;
		if (k == nx || x[k].frame != i + 1)
			fail_msg("%s: control message in frame %zu not expected", file, i + 1);
		assert_int_equal(parse_exact(p, len, NULL, &m, &err), 0);
		/* again in place, to check pointers and values against the frame */
		if (l2tp_msg_parse(p, len, NULL, &m, &err) < 0)
			fail_msg("%s frame %zu: %s (%s)", file, i + 1, l2tp_perr_str(err.code),
				 err.text);
		check_capture_msg(&x[k], &m);
		check_m_bits(&x[k], p, len);
	}
	assert_int_equal(seen, nx);
	capture_free(&c);
}

static void test_capture_mikrotik_xl2tpd(void **state)
{
	run_capture("Protocol-Analysis__L2TP.pcapng", pa_expect,
		    sizeof(pa_expect) / sizeof(pa_expect[0]));
}

static void test_capture_windows_cisco(void **state)
{
	run_capture("jnetpcap__test-l2tp.pcap", jn_expect,
		    sizeof(jn_expect) / sizeof(jn_expect[0]));
}

/* tcpdump's CVE-2017-13006 regression input: 16 truncated control messages
 * claiming Length 514.  Each must be refused cleanly; and every suffix of
 * every frame is thrown at the parser for good measure (valgrind-clean). */
static void test_capture_avp_overflow(void **state)
{
	struct l2tp_parse_err err;
	struct capture c;
	struct l2tp_msg m;
	const uint8_t *p;
	uint16_t sport, dport;
	size_t i, off, len, n = 0;

	load_capture("tcpdump__l2tp-avp-overflow.pcap", &c);
	assert_int_equal(c.n, 20);
	for (i = 0; i < c.n; i++) {
		for (off = 0; off <= c.f[i].len; off++)
			parse_exact(c.f[i].data + off, c.f[i].len - off, &tunnel_secret, &m,
				    &err);
		if (!udp_payload(&c.f[i], &p, &len, &sport, &dport))
			continue;
		if (sport != 1701 && dport != 1701)
			continue;
		n++;
		assert_int_equal(parse_exact(p, len, &tunnel_secret, &m, &err), -1);
		assert_int_not_equal(err.code, L2TP_PERR_OK);
		assert_int_equal(err.scope, L2TP_SCOPE_MESSAGE);
		assert_int_equal(parse_exact(p, len, NULL, &m, &err), -1);
	}
	assert_int_equal(n, 16);
	capture_free(&c);
}

/* Every truncation and many single-octet corruptions of real messages:
 * an error or a result, never a read out of bounds (run under valgrind). */
static void test_mutations(void **state)
{
	json_object *e = vec("l2tp_hidden_avp_full_icrq_two_random_vectors");
	json_object *a = vec("l2tp_tunnel_auth_capture_windows_cisco");
	static const uint8_t vals[] = { 0x00, 0x01, 0x05, 0x06, 0x07, 0x80, 0xc0, 0xff };
	uint8_t msgs[2][256], buf[256];
	size_t lens[2], j, k, v;
	struct l2tp_parse_err err;
	struct l2tp_msg m;

	lens[0] = vhex(e, "l2tp_message_hex", msgs[0], sizeof(msgs[0]));
	lens[1] = vhex(a, "sccrp_l2tp_message_hex", msgs[1], sizeof(msgs[1]));
	for (j = 0; j < 2; j++) {
		for (k = 0; k < lens[j]; k++) {
			/* truncated, Length left alone: header error */
			assert_int_equal(parse_exact(msgs[j], k, &tunnel_secret, &m, &err), -1);
			/* truncated, Length patched to match */
			if (k >= 12) {
				memcpy(buf, msgs[j], k);
				put_be16(buf + 2, (uint16_t)k);
				parse_exact(buf, k, &tunnel_secret, &m, &err);
			}
			for (v = 0; v < sizeof(vals); v++) {
				memcpy(buf, msgs[j], lens[j]);
				buf[k] = vals[v];
				parse_exact(buf, lens[j], &tunnel_secret, &m, &err);
			}
		}
		assert_int_equal(parse_exact(msgs[j], lens[j], &tunnel_secret, &m, &err), 0);
	}
}

/* ---- builder bounds ------------------------------------------------------ */

static int build_sccrq(uint8_t *buf, size_t cap)
{
	struct l2tp_builder b;

	l2tp_msg_init(&b, buf, cap, L2TP_MSG_SCCRQ);
	l2tp_avp_put_bytes(&b, L2TP_AVP_PROTO_VERSION, true, "\x01\x00", 2);
	l2tp_avp_put_u32(&b, L2TP_AVP_FRAMING_CAP, true, 3);
	l2tp_avp_put_u32(&b, L2TP_AVP_BEARER_CAP, true, 0);
	l2tp_avp_put_u16(&b, L2TP_AVP_FIRMWARE_REV, false, 0x0690);
	l2tp_avp_put_str(&b, L2TP_AVP_HOST_NAME, true, "linux-8888884c9000");
	l2tp_avp_put_str(&b, L2TP_AVP_VENDOR_NAME, false, "xelerance.com");
	l2tp_avp_put_u16(&b, L2TP_AVP_ASSIGNED_TUNNEL_ID, true, 49446);
	l2tp_avp_put_u16(&b, L2TP_AVP_RX_WINDOW_SIZE, true, 4);
	return l2tp_msg_finish(&b, 0, 0, 0, 0);
}

static void test_builder_bounds(void **state)
{
	uint8_t area[256 + 64], ref[256], big[1100], xs[1100];
	struct l2tp_parse_err err;
	struct l2tp_builder b;
	struct l2tp_msg m;
	struct capture c;
	const uint8_t *p;
	uint16_t sp, dp;
	size_t cap, len;
	int full, r;

	/* byte-exact against xl2tpd's SCCRQ (Protocol-Analysis frame 9) */
	full = build_sccrq(ref, sizeof(ref));
	assert_int_equal(full, 115);
	load_capture("Protocol-Analysis__L2TP.pcapng", &c);
	assert_true(udp_payload(&c.f[8], &p, &len, &sp, &dp));
	assert_int_equal(len, 115);
	assert_true(bytes_match("xl2tpd SCCRQ", p, len, ref, (size_t)full));
	capture_free(&c);
	assert_int_equal(l2tp_msg_parse(ref, (size_t)full, NULL, &m, &err), 0);

	/* every capacity below: -1 and not one octet written past cap */
	for (cap = 0; cap < (size_t)full; cap++) {
		memset(area, 0xa5, sizeof(area));
		r = build_sccrq(area, cap);
		check(r == -1, "short capacity");
		for (size_t i = cap; i < sizeof(area); i++)
			if (area[i] != 0xa5)
				fail_msg("cap %zu: octet %zu written", cap, i);
	}
	memset(area, 0xa5, sizeof(area));
	assert_int_equal(build_sccrq(area, (size_t)full), full);
	assert_memory_equal(area, ref, (size_t)full);
	assert_int_equal(area[full], 0xa5);

	/* sticky failure: a later put that would fit still fails */
	l2tp_msg_init(&b, area, 30, L2TP_MSG_HELLO);
	assert_int_equal(l2tp_avp_put_str(&b, L2TP_AVP_HOST_NAME, true, "0123456789"), -1);
	assert_int_equal(l2tp_avp_put_u16(&b, L2TP_AVP_RX_WINDOW_SIZE, true, 4), -1);
	assert_int_equal(l2tp_msg_finish(&b, 0, 0, 0, 0), -1);

	/* a value over the 10-bit AVP Length (from xs: the value must not
	 * overlap the message it goes into) */
	memset(xs, 'x', sizeof(xs));
	l2tp_msg_init(&b, big, sizeof(big), L2TP_MSG_HELLO);
	assert_int_equal(l2tp_avp_put_bytes(&b, L2TP_AVP_HOST_NAME, true, xs, 1018), -1);
	l2tp_msg_init(&b, big, sizeof(big), L2TP_MSG_HELLO);
	assert_int_equal(l2tp_avp_put_bytes(&b, L2TP_AVP_HOST_NAME, true, xs, 1017), 0);
	assert_int_equal(l2tp_msg_finish(&b, 0, 0, 0, 0), 20 + 1023);
	assert_int_equal(l2tp_msg_parse(big, 20 + 1023, NULL, &m, &err), 0);
	assert_int_equal(m.host_name.len, 1017);
	l2tp_msg_init(&b, big, sizeof(big), L2TP_MSG_HELLO);
	l2tp_avp_put_rv(&b, rv16, 16);
	assert_int_equal(l2tp_avp_put_hidden(&b, &tunnel_secret, L2TP_AVP_HOST_NAME, true,
					     xs, 1016, NULL, 0), -1);

	/* init with less than a header */
	assert_int_equal(l2tp_msg_init(&b, area, 11, L2TP_MSG_ZLB), -1);
	assert_int_equal(l2tp_msg_finish(&b, 0, 0, 0, 0), -1);
	assert_int_equal(l2tp_msg_init(&b, area, 19, L2TP_MSG_HELLO), -1);

	/* raw flags: reserved bits and vendor pass through as given */
	l2tp_msg_init(&b, area, sizeof(area), L2TP_MSG_HELLO);
	assert_int_equal(l2tp_avp_put_raw(&b, L2TP_AVP_F_M | 0x0400, 9, 300, "ab", 2), 0);
	assert_int_equal(l2tp_msg_finish(&b, 0, 0, 0, 0), 28);
	assert_int_equal(get_be16(area + 20), 0x8000 | 0x0400 | 8);
	assert_int_equal(get_be16(area + 22), 9);
	assert_int_equal(get_be16(area + 24), 300);
}

/* ---- names --------------------------------------------------------------- */

static void test_names(void **state)
{
	static const char *const msgs[] = {
		[1] = "SCCRQ", [2] = "SCCRP", [3] = "SCCCN", [4] = "StopCCN", [6] = "HELLO",
		[7] = "OCRQ", [8] = "OCRP", [9] = "OCCN", [10] = "ICRQ", [11] = "ICRP",
		[12] = "ICCN", [14] = "CDN", [15] = "WEN", [16] = "SLI",
	};
	char buf[8];
	unsigned i;
	struct l2tp_bytes b = { (const uint8_t *)"ab\x01\xff" "cdef", 8 };

	for (i = 1; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		assert_string_equal(l2tp_msg_type_str((uint16_t)i),
				    msgs[i] ? msgs[i] : "unknown");
	assert_string_equal(l2tp_msg_type_str(0), "ZLB");
	assert_string_equal(l2tp_msg_type_str(17), "unknown");
	assert_string_equal(l2tp_msg_type_str(0xffff), "unknown");

	for (i = 0; i < 40; i++)
		check((strcmp(l2tp_avp_type_str((uint16_t)i), "unknown") == 0) == (i == 20),
		      "avp names");
	assert_string_equal(l2tp_avp_type_str(0), "Message Type");
	assert_string_equal(l2tp_avp_type_str(7), "Host Name");
	assert_string_equal(l2tp_avp_type_str(39), "Sequencing Required");
	assert_string_equal(l2tp_avp_type_str(40), "unknown");

	assert_string_equal(l2tp_result_str(L2TP_MSG_STOPCCN, 1),
			    "general request to clear control connection");
	assert_string_equal(l2tp_result_str(L2TP_MSG_STOPCCN, 6), "requester is being shut down");
	assert_string_equal(l2tp_result_str(L2TP_MSG_STOPCCN, 8), "unknown");
	assert_string_equal(l2tp_result_str(L2TP_MSG_CDN, 1), "loss of carrier");
	assert_string_equal(l2tp_result_str(L2TP_MSG_CDN, 3), "administrative reasons");
	assert_string_equal(l2tp_result_str(L2TP_MSG_CDN, 11), "no appropriate framing detected");
	assert_string_equal(l2tp_result_str(L2TP_MSG_CDN, 12), "unknown");
	assert_string_equal(l2tp_error_code_str(2), "length is wrong");
	assert_string_equal(l2tp_error_code_str(8), "unknown mandatory AVP");
	assert_string_equal(l2tp_error_code_str(9), "unknown");
	for (i = 0; i < L2TP_PERR_MAX; i++) {
		assert_non_null(l2tp_perr_str((enum l2tp_perr)i));
		check(strcmp(l2tp_perr_str((enum l2tp_perr)i), "unknown") != 0, "perr names");
	}
	assert_string_equal(l2tp_perr_str(L2TP_PERR_MAX), "unknown");
	assert_string_equal(l2tp_scope_str(L2TP_SCOPE_TUNNEL), "tunnel");
	assert_string_equal(l2tp_scope_str(L2TP_SCOPE_SESSION), "session");
	assert_string_equal(l2tp_scope_str(L2TP_SCOPE_MESSAGE), "message");

	/* bounded, printable copies of wire strings */
	assert_string_equal(l2tp_bytes_str(&b, buf, sizeof(buf)), "ab??cde");
	assert_string_equal(l2tp_bytes_str(&b, buf, 3), "ab");
	assert_string_equal(l2tp_bytes_str(&(struct l2tp_bytes){ NULL, 0 }, buf, 8), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zlb_build_parse),
		cmocka_unit_test(test_hdr_errors),
		cmocka_unit_test(test_hdr_truncated_everywhere),
		cmocka_unit_test(test_hdr_tolerated),
		cmocka_unit_test(test_avp_lengths),
		cmocka_unit_test(test_iterator),
		cmocka_unit_test(test_every_avp_roundtrip),
		cmocka_unit_test(test_decoded_values),
		cmocka_unit_test(test_avp_wrong_sizes),
		cmocka_unit_test(test_result_code_forms),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_unknown_avps),
		cmocka_unit_test(test_vendor_avps),
		cmocka_unit_test(test_message_type_rules),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_hidden_vectors),
		cmocka_unit_test(test_hidden_full_icrq),
		cmocka_unit_test(test_hidden_errors),
		cmocka_unit_test(test_hidden_empty_secret),
		cmocka_unit_test(test_tunnel_auth_constructed),
		cmocka_unit_test(test_tunnel_auth_windows_cisco),
		cmocka_unit_test(test_capture_mikrotik_xl2tpd),
		cmocka_unit_test(test_capture_windows_cisco),
		cmocka_unit_test(test_capture_avp_overflow),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_builder_bounds),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
