// SPDX-License-Identifier: GPL-2.0
/* L2TPv2 control-message codec: header, AVP iterator, hidden AVPs, tunnel
 * authentication, the message decoder and the message builder. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <nettle/md5.h>
#include <nettle/memops.h>

#include "l2tpx.h"
#include "l2tp_avp.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* ---- tables -------------------------------------------------------------- */

#define VAR L2TP_AVP_MAX_VALUE

/* Value sizes from RFC 2661 §4.4: fixed-size AVPs have min == max. */
static const struct {
	const char *name;
	uint16_t min, max;
} avp_info[L2TP_AVP_MAX] = {
	[L2TP_AVP_MSG_TYPE]		= { "Message Type", 2, 2 },
	/* result (2), [error (2), [message]]: 3 is refused below */
	[L2TP_AVP_RESULT_CODE]		= { "Result Code", 2, VAR },
	[L2TP_AVP_PROTO_VERSION]	= { "Protocol Version", 2, 2 },
	[L2TP_AVP_FRAMING_CAP]		= { "Framing Capabilities", 4, 4 },
	[L2TP_AVP_BEARER_CAP]		= { "Bearer Capabilities", 4, 4 },
	[L2TP_AVP_TIE_BREAKER]		= { "Tie Breaker", 8, 8 },
	[L2TP_AVP_FIRMWARE_REV]		= { "Firmware Revision", 2, 2 },
	[L2TP_AVP_HOST_NAME]		= { "Host Name", 1, VAR },
	[L2TP_AVP_VENDOR_NAME]		= { "Vendor Name", 0, VAR },
	[L2TP_AVP_ASSIGNED_TUNNEL_ID]	= { "Assigned Tunnel ID", 2, 2 },
	[L2TP_AVP_RX_WINDOW_SIZE]	= { "Receive Window Size", 2, 2 },
	[L2TP_AVP_CHALLENGE]		= { "Challenge", 1, VAR },
	/* cause code (2), cause msg (1), [advisory] */
	[L2TP_AVP_Q931_CAUSE]		= { "Q.931 Cause Code", 3, VAR },
	[L2TP_AVP_CHALLENGE_RESPONSE]	= { "Challenge Response", 16, 16 },
	[L2TP_AVP_ASSIGNED_SESSION_ID]	= { "Assigned Session ID", 2, 2 },
	[L2TP_AVP_CALL_SERIAL]		= { "Call Serial Number", 4, 4 },
	[L2TP_AVP_MIN_BPS]		= { "Minimum BPS", 4, 4 },
	[L2TP_AVP_MAX_BPS]		= { "Maximum BPS", 4, 4 },
	[L2TP_AVP_BEARER_TYPE]		= { "Bearer Type", 4, 4 },
	[L2TP_AVP_FRAMING_TYPE]		= { "Framing Type", 4, 4 },
	[L2TP_AVP_CALLED_NUMBER]	= { "Called Number", 0, VAR },
	[L2TP_AVP_CALLING_NUMBER]	= { "Calling Number", 0, VAR },
	[L2TP_AVP_SUB_ADDRESS]		= { "Sub-Address", 0, VAR },
	[L2TP_AVP_TX_CONNECT_SPEED]	= { "Tx Connect Speed", 4, 4 },
	[L2TP_AVP_PHYS_CHANNEL_ID]	= { "Physical Channel ID", 4, 4 },
	[L2TP_AVP_INIT_RX_LCP_CONFREQ]	= { "Initial Received LCP CONFREQ", 0, VAR },
	[L2TP_AVP_LAST_TX_LCP_CONFREQ]	= { "Last Sent LCP CONFREQ", 0, VAR },
	[L2TP_AVP_LAST_RX_LCP_CONFREQ]	= { "Last Received LCP CONFREQ", 0, VAR },
	[L2TP_AVP_PROXY_AUTH_TYPE]	= { "Proxy Authen Type", 2, 2 },
	[L2TP_AVP_PROXY_AUTH_NAME]	= { "Proxy Authen Name", 0, VAR },
	[L2TP_AVP_PROXY_AUTH_CHALLENGE]	= { "Proxy Authen Challenge", 1, VAR },
	/* reserved (1), ID (1) */
	[L2TP_AVP_PROXY_AUTH_ID]	= { "Proxy Authen ID", 2, 2 },
	[L2TP_AVP_PROXY_AUTH_RESPONSE]	= { "Proxy Authen Response", 0, VAR },
	/* reserved (2), six 4-octet counters */
	[L2TP_AVP_CALL_ERRORS]		= { "Call Errors", 26, 26 },
	/* reserved (2), send ACCM (4), receive ACCM (4) */
	[L2TP_AVP_ACCM]			= { "ACCM", 10, 10 },
	[L2TP_AVP_RANDOM_VECTOR]	= { "Random Vector", 1, VAR },
	[L2TP_AVP_PRIVATE_GROUP_ID]	= { "Private Group ID", 0, VAR },
	[L2TP_AVP_RX_CONNECT_SPEED]	= { "Rx Connect Speed", 4, 4 },
	[L2TP_AVP_SEQ_REQUIRED]		= { "Sequencing Required", 0, 0 },
};

#define B(t) (UINT64_C(1) << L2TP_AVP_##t)

/* RFC 2661 §6: the AVPs that MUST be present in each message. */
static const struct {
	const char *name;
	uint64_t required;
} msg_info[L2TP_MSG_MAX] = {
	[L2TP_MSG_SCCRQ]   = { "SCCRQ", B(MSG_TYPE) | B(PROTO_VERSION) | B(HOST_NAME) |
				    B(FRAMING_CAP) | B(ASSIGNED_TUNNEL_ID) },
	[L2TP_MSG_SCCRP]   = { "SCCRP", B(MSG_TYPE) | B(PROTO_VERSION) | B(HOST_NAME) |
				    B(FRAMING_CAP) | B(ASSIGNED_TUNNEL_ID) },
	[L2TP_MSG_SCCCN]   = { "SCCCN", B(MSG_TYPE) },
	[L2TP_MSG_STOPCCN] = { "StopCCN", B(MSG_TYPE) | B(ASSIGNED_TUNNEL_ID) | B(RESULT_CODE) },
	[L2TP_MSG_HELLO]   = { "HELLO", B(MSG_TYPE) },
	[L2TP_MSG_OCRQ]    = { "OCRQ", B(MSG_TYPE) | B(ASSIGNED_SESSION_ID) | B(CALL_SERIAL) |
				   B(MIN_BPS) | B(MAX_BPS) | B(BEARER_TYPE) |
				   B(FRAMING_TYPE) | B(CALLED_NUMBER) },
	[L2TP_MSG_OCRP]    = { "OCRP", B(MSG_TYPE) | B(ASSIGNED_SESSION_ID) },
	[L2TP_MSG_OCCN]    = { "OCCN", B(MSG_TYPE) | B(TX_CONNECT_SPEED) | B(FRAMING_TYPE) },
	[L2TP_MSG_ICRQ]    = { "ICRQ", B(MSG_TYPE) | B(ASSIGNED_SESSION_ID) | B(CALL_SERIAL) },
	[L2TP_MSG_ICRP]    = { "ICRP", B(MSG_TYPE) | B(ASSIGNED_SESSION_ID) },
	[L2TP_MSG_ICCN]    = { "ICCN", B(MSG_TYPE) | B(TX_CONNECT_SPEED) | B(FRAMING_TYPE) },
	[L2TP_MSG_CDN]     = { "CDN", B(MSG_TYPE) | B(RESULT_CODE) | B(ASSIGNED_SESSION_ID) },
	[L2TP_MSG_WEN]     = { "WEN", B(MSG_TYPE) | B(CALL_ERRORS) },
	[L2TP_MSG_SLI]     = { "SLI", B(MSG_TYPE) | B(ACCM) },
};

static bool msg_known(uint16_t type)
{
	return type < L2TP_MSG_MAX && msg_info[type].name;
}

uint64_t l2tp_msg_required(uint16_t type)
{
	return msg_known(type) ? msg_info[type].required : 0;
}

bool l2tp_msg_is_session(uint16_t type)
{
	return type >= L2TP_MSG_OCRQ && type <= L2TP_MSG_SLI && msg_known(type);
}

/* ---- names --------------------------------------------------------------- */

const char *l2tp_msg_type_str(uint16_t type)
{
	if (type == L2TP_MSG_ZLB)
		return "ZLB";
	return msg_known(type) ? msg_info[type].name : "unknown";
}

const char *l2tp_avp_type_str(uint16_t type)
{
	if (type < L2TP_AVP_MAX && avp_info[type].name)
		return avp_info[type].name;
	return "unknown";
}

const char *l2tp_result_str(uint16_t msg_type, uint16_t result)
{
	static const char *const stopccn[] = {
		[0] = "reserved",
		[L2TP_STOPCCN_CLEAR] = "general request to clear control connection",
		[L2TP_STOPCCN_GENERAL_ERROR] = "general error, see error code",
		[L2TP_STOPCCN_ALREADY_EXISTS] = "control channel already exists",
		[L2TP_STOPCCN_NOT_AUTHORIZED] = "requester is not authorized",
		[L2TP_STOPCCN_BAD_VERSION] = "protocol version not supported",
		[L2TP_STOPCCN_SHUTTING_DOWN] = "requester is being shut down",
		[L2TP_STOPCCN_FSM_ERROR] = "finite state machine error",
	};
	static const char *const cdn[] = {
		[0] = "reserved",
		[L2TP_CDN_LOST_CARRIER] = "loss of carrier",
		[L2TP_CDN_GENERAL_ERROR] = "general error, see error code",
		[L2TP_CDN_ADMIN] = "administrative reasons",
		[L2TP_CDN_NO_FACILITIES_TEMP] = "no appropriate facilities (temporary)",
		[L2TP_CDN_NO_FACILITIES_PERM] = "no appropriate facilities (permanent)",
		[L2TP_CDN_INVALID_DEST] = "invalid destination",
		[L2TP_CDN_NO_CARRIER] = "no carrier detected",
		[L2TP_CDN_BUSY] = "busy signal",
		[L2TP_CDN_NO_DIALTONE] = "no dial tone",
		[L2TP_CDN_TIMEOUT] = "not established within the time allotted",
		[L2TP_CDN_NO_FRAMING] = "no appropriate framing detected",
	};

	if (msg_type == L2TP_MSG_STOPCCN)
		return result < sizeof(stopccn) / sizeof(stopccn[0]) ? stopccn[result] : "unknown";
	return result < sizeof(cdn) / sizeof(cdn[0]) ? cdn[result] : "unknown";
}

const char *l2tp_error_code_str(uint16_t error)
{
	static const char *const s[] = {
		[L2TP_ERR_NONE] = "no general error",
		[L2TP_ERR_NO_TUNNEL] = "no control connection exists yet",
		[L2TP_ERR_LENGTH] = "length is wrong",
		[L2TP_ERR_BAD_VALUE] = "field value out of range or reserved field non-zero",
		[L2TP_ERR_NO_RESOURCES] = "insufficient resources",
		[L2TP_ERR_BAD_SESSION_ID] = "session id invalid in this context",
		[L2TP_ERR_VENDOR] = "vendor-specific error",
		[L2TP_ERR_TRY_ANOTHER] = "try another",
		[L2TP_ERR_UNKNOWN_MANDATORY] = "unknown mandatory AVP",
	};

	return error < sizeof(s) / sizeof(s[0]) ? s[error] : "unknown";
}

const char *l2tp_perr_str(enum l2tp_perr code)
{
	static const char *const s[L2TP_PERR_MAX] = {
		[L2TP_PERR_OK] = "ok",
		[L2TP_PERR_HDR_SHORT] = "truncated header",
		[L2TP_PERR_HDR_NOT_CONTROL] = "not a control message",
		[L2TP_PERR_HDR_VERSION] = "not L2TP version 2",
		[L2TP_PERR_HDR_NO_LENGTH] = "control message without Length",
		[L2TP_PERR_HDR_NO_SEQ] = "control message without Ns/Nr",
		[L2TP_PERR_HDR_OFFSET] = "control message with Offset",
		[L2TP_PERR_HDR_LENGTH] = "bad message Length",
		[L2TP_PERR_AVP_HDR_TRUNC] = "truncated AVP header",
		[L2TP_PERR_AVP_LEN_SHORT] = "AVP length below 6",
		[L2TP_PERR_AVP_LEN_OVERRUN] = "AVP longer than the message",
		[L2TP_PERR_AVP_SIZE] = "AVP value of the wrong size",
		[L2TP_PERR_FIRST_NOT_MSGTYPE] = "first AVP is not Message Type",
		[L2TP_PERR_UNKNOWN_MSG_TYPE] = "unknown message type",
		[L2TP_PERR_UNKNOWN_MANDATORY] = "unknown mandatory AVP",
		[L2TP_PERR_DUPLICATE] = "duplicate AVP",
		[L2TP_PERR_MISSING] = "missing required AVP",
		[L2TP_PERR_HIDDEN_NO_SECRET] = "hidden AVP without a tunnel secret",
		[L2TP_PERR_HIDDEN_NO_RV] = "hidden AVP without a preceding Random Vector",
		[L2TP_PERR_HIDDEN_BAD] = "hidden AVP does not unhide",
		[L2TP_PERR_HIDDEN_FORBIDDEN] = "AVP that must not be hidden is hidden",
		[L2TP_PERR_NO_SPACE] = "hidden AVPs too large",
	};

	return (unsigned)code < L2TP_PERR_MAX ? s[code] : "unknown";
}

const char *l2tp_scope_str(enum l2tp_scope scope)
{
	switch (scope) {
	case L2TP_SCOPE_MESSAGE:
		return "message";
	case L2TP_SCOPE_TUNNEL:
		return "tunnel";
	case L2TP_SCOPE_SESSION:
		return "session";
	}
	return "unknown";
}

char *l2tp_bytes_str(const struct l2tp_bytes *b, char *dst, size_t cap)
{
	size_t i, n;

	if (!cap)
		return dst;
	n = b->p ? b->len : 0;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = (b->p[i] >= 0x20 && b->p[i] < 0x7f) ? (char)b->p[i] : '?';
	dst[n] = '\0';
	return dst;
}

/* ---- parse errors -------------------------------------------------------- */

/* What RFC 2661 says an error concerns and how it is answered; see the table
 * at struct l2tp_parse_err. */
static void perr_answer(struct l2tp_parse_err *err, bool type_mandatory)
{
	err->scope = L2TP_SCOPE_TUNNEL;
	err->result = L2TP_STOPCCN_GENERAL_ERROR; /* == L2TP_CDN_GENERAL_ERROR */

	switch (err->code) {
	case L2TP_PERR_OK:
	case L2TP_PERR_MAX:
	case L2TP_PERR_HDR_SHORT:
	case L2TP_PERR_HDR_NOT_CONTROL:
	case L2TP_PERR_HDR_VERSION:
	case L2TP_PERR_HDR_NO_LENGTH:
	case L2TP_PERR_HDR_NO_SEQ:
	case L2TP_PERR_HDR_OFFSET:
	case L2TP_PERR_HDR_LENGTH:
		err->scope = L2TP_SCOPE_MESSAGE;
		err->result = 0;
		err->error = L2TP_ERR_NONE;
		break;
	case L2TP_PERR_UNKNOWN_MSG_TYPE:
		if (!type_mandatory) {
			err->scope = L2TP_SCOPE_MESSAGE;
			err->result = 0;
			err->error = L2TP_ERR_NONE;
		} else {
			err->error = L2TP_ERR_BAD_VALUE;
		}
		break;
	case L2TP_PERR_UNKNOWN_MANDATORY:
		if (l2tp_msg_is_session(err->msg_type))
			err->scope = L2TP_SCOPE_SESSION;
		err->error = L2TP_ERR_UNKNOWN_MANDATORY;
		break;
	case L2TP_PERR_AVP_HDR_TRUNC:
	case L2TP_PERR_AVP_LEN_SHORT:
	case L2TP_PERR_AVP_LEN_OVERRUN:
	case L2TP_PERR_AVP_SIZE:
	case L2TP_PERR_HIDDEN_BAD:
		err->error = L2TP_ERR_LENGTH;
		break;
	case L2TP_PERR_FIRST_NOT_MSGTYPE:
	case L2TP_PERR_DUPLICATE:
	case L2TP_PERR_MISSING:
	case L2TP_PERR_HIDDEN_NO_SECRET:
	case L2TP_PERR_HIDDEN_NO_RV:
	case L2TP_PERR_HIDDEN_FORBIDDEN:
		err->error = L2TP_ERR_BAD_VALUE;
		break;
	case L2TP_PERR_NO_SPACE:
		err->error = L2TP_ERR_NO_RESOURCES;
		break;
	}
}

__attribute__((format(printf, 6, 7)))
static int perr(struct l2tp_parse_err *err, enum l2tp_perr code, uint16_t msg_type,
		bool type_mandatory, const struct l2tp_avp *a, const char *fmt, ...)
{
	va_list ap;

	memset(err, 0, sizeof(*err));
	err->code = code;
	err->msg_type = msg_type;
	if (a) {
		err->has_avp = true;
		err->avp_vendor = a->vendor;
		err->avp_type = a->type;
		err->offset = a->offset;
	}
	perr_answer(err, type_mandatory);
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- header -------------------------------------------------------------- */

int l2tp_hdr_parse(const uint8_t *buf, size_t len, struct l2tp_hdr *h,
		   struct l2tp_parse_err *err)
{
	struct l2tp_parse_err dummy;
	uint16_t flags;

	if (!err)
		err = &dummy;
	memset(h, 0, sizeof(*h));
	if (len < 2)
		return perr(err, L2TP_PERR_HDR_SHORT, 0, false, NULL,
			    "header: %zu octets", len);
	flags = rd16(buf);
	if (!(flags & L2TP_F_TYPE))
		return perr(err, L2TP_PERR_HDR_NOT_CONTROL, 0, false, NULL,
			    "T bit clear (flags 0x%04x)", flags);
	if ((flags & L2TP_VER_MASK) != L2TP_VERSION)
		return perr(err, L2TP_PERR_HDR_VERSION, 0, false, NULL,
			    "version %u", flags & L2TP_VER_MASK);
	if (!(flags & L2TP_F_LENGTH))
		return perr(err, L2TP_PERR_HDR_NO_LENGTH, 0, false, NULL,
			    "L bit clear (flags 0x%04x)", flags);
	if (!(flags & L2TP_F_SEQ))
		return perr(err, L2TP_PERR_HDR_NO_SEQ, 0, false, NULL,
			    "S bit clear (flags 0x%04x)", flags);
	if (flags & L2TP_F_OFFSET)
		return perr(err, L2TP_PERR_HDR_OFFSET, 0, false, NULL,
			    "O bit set (flags 0x%04x)", flags);
	if (len < L2TP_CTRL_HDR_LEN)
		return perr(err, L2TP_PERR_HDR_SHORT, 0, false, NULL,
			    "header: %zu octets, expected 12", len);
	h->flags = flags;
	h->length = rd16(buf + 2);
	h->tunnel_id = rd16(buf + 4);
	h->session_id = rd16(buf + 6);
	h->ns = rd16(buf + 8);
	h->nr = rd16(buf + 10);
	if (h->length < L2TP_CTRL_HDR_LEN || h->length > len)
		return perr(err, L2TP_PERR_HDR_LENGTH, 0, false, NULL,
			    "Length %u, received %zu", h->length, len);
	return 0;
}

int l2tp_hdr_build(uint8_t *buf, size_t cap, uint16_t length, uint16_t tunnel_id,
		   uint16_t session_id, uint16_t ns, uint16_t nr)
{
	if (cap < L2TP_CTRL_HDR_LEN)
		return -1;
	wr16(buf, L2TP_CTRL_FLAGS);
	wr16(buf + 2, length);
	wr16(buf + 4, tunnel_id);
	wr16(buf + 6, session_id);
	wr16(buf + 8, ns);
	wr16(buf + 10, nr);
	return L2TP_CTRL_HDR_LEN;
}

/* ---- AVP iterator -------------------------------------------------------- */

void l2tp_avp_iter_init(struct l2tp_avp_iter *it, const uint8_t *body, size_t len,
			size_t base)
{
	it->p = body;
	it->left = len;
	it->offset = base;
	it->err = L2TP_PERR_OK;
}

int l2tp_avp_next(struct l2tp_avp_iter *it, struct l2tp_avp *a)
{
	uint16_t w, alen;

	if (it->err != L2TP_PERR_OK)
		return -1;
	if (it->left == 0)
		return 0;
	if (it->left < L2TP_AVP_HDR_LEN) {
		it->err = L2TP_PERR_AVP_HDR_TRUNC;
		return -1;
	}
	w = rd16(it->p);
	alen = w & L2TP_AVP_LEN_MASK;
	if (alen < L2TP_AVP_HDR_LEN) {
		it->err = L2TP_PERR_AVP_LEN_SHORT;
		return -1;
	}
	if (alen > it->left) {
		it->err = L2TP_PERR_AVP_LEN_OVERRUN;
		return -1;
	}
	a->mandatory = w & L2TP_AVP_F_M;
	a->hidden = w & L2TP_AVP_F_H;
	a->rsvd = w & L2TP_AVP_F_RSVD;
	a->len = alen;
	a->vendor = rd16(it->p + 2);
	a->type = rd16(it->p + 4);
	a->value = it->p + L2TP_AVP_HDR_LEN;
	a->value_len = alen - L2TP_AVP_HDR_LEN;
	a->offset = it->offset;
	it->p += alen;
	it->left -= alen;
	it->offset += alen;
	return 1;
}

/* ---- hiding and tunnel authentication ------------------------------------ */

static void md5_add(struct md5_ctx *ctx, const uint8_t *p, size_t n)
{
	if (n)
		md5_update(ctx, n, p);
}

/* RFC 2661 §4.3: b1 = MD5(type ‖ secret ‖ RV), bi = MD5(secret ‖ c(i-1)),
 * c(i) = p(i) xor b(i), 16 octets at a time, in place. */
static void hide_xor(uint16_t type, const struct l2tp_secret *sec, const uint8_t *rv,
		     size_t rv_len, uint8_t *d, size_t n, bool encrypt)
{
	uint8_t prev[MD5_DIGEST_SIZE], b[MD5_DIGEST_SIZE], t[2];
	struct md5_ctx ctx;
	size_t i, j, k;

	wr16(t, type);
	for (i = 0; i < n; i += MD5_DIGEST_SIZE) {
		k = n - i < MD5_DIGEST_SIZE ? n - i : MD5_DIGEST_SIZE;
		md5_init(&ctx);
		if (i == 0) {
			md5_add(&ctx, t, 2);
			md5_add(&ctx, sec->data, sec->len);
			md5_add(&ctx, rv, rv_len);
		} else {
			md5_add(&ctx, sec->data, sec->len);
			md5_add(&ctx, prev, MD5_DIGEST_SIZE);
		}
		md5_digest(&ctx, MD5_DIGEST_SIZE, b);
		if (!encrypt)
			memcpy(prev, d + i, k);
		for (j = 0; j < k; j++)
			d[i + j] ^= b[j];
		if (encrypt)
			memcpy(prev, d + i, k);
	}
}

int l2tp_avp_hide(uint16_t type, const struct l2tp_secret *sec, const uint8_t *rv,
		  size_t rv_len, const uint8_t *value, size_t len, const uint8_t *pad,
		  size_t pad_len, uint8_t *out, size_t out_cap)
{
	size_t n = 2 + len + pad_len;

	if (!sec || len > 0xffff || n > L2TP_AVP_MAX_VALUE || n > out_cap)
		return -1;
	wr16(out, (uint16_t)len);
	if (len)
		memcpy(out + 2, value, len);
	if (pad_len)
		memcpy(out + 2 + len, pad, pad_len);
	hide_xor(type, sec, rv, rv_len, out, n, true);
	return (int)n;
}

int l2tp_avp_unhide(uint16_t type, const struct l2tp_secret *sec, const uint8_t *rv,
		    size_t rv_len, const uint8_t *hidden, size_t hlen, uint8_t *out,
		    size_t out_cap, size_t *out_len)
{
	size_t orig;

	if (!sec || hlen < 2 || hlen > out_cap)
		return -1;
	memcpy(out, hidden, hlen);
	hide_xor(type, sec, rv, rv_len, out, hlen, false);
	orig = rd16(out);
	if (orig > hlen - 2)
		return -1;
	memmove(out, out + 2, orig);
	*out_len = orig;
	return 0;
}

int l2tp_challenge_response(uint8_t msg_type, const struct l2tp_secret *sec,
			    const uint8_t *chal, size_t chal_len,
			    uint8_t out[L2TP_CHAL_RESP_LEN])
{
	struct md5_ctx ctx;

	if (!sec)
		return -1;
	md5_init(&ctx);
	md5_add(&ctx, &msg_type, 1);
	md5_add(&ctx, sec->data, sec->len);
	md5_add(&ctx, chal, chal_len);
	md5_digest(&ctx, MD5_DIGEST_SIZE, out);
	return 0;
}

bool l2tp_challenge_verify(uint8_t msg_type, const struct l2tp_secret *sec,
			   const uint8_t *chal, size_t chal_len,
			   const uint8_t resp[L2TP_CHAL_RESP_LEN])
{
	uint8_t want[L2TP_CHAL_RESP_LEN];

	if (l2tp_challenge_response(msg_type, sec, chal, chal_len, want) < 0)
		return false;
	return memeql_sec(want, resp, L2TP_CHAL_RESP_LEN);
}

/* ---- message decoder ----------------------------------------------------- */

static struct l2tp_bytes bytes(const uint8_t *p, size_t n)
{
	return (struct l2tp_bytes){ .p = p, .len = (uint16_t)n };
}

/* Stores one known AVP whose value size has been checked. */
static void avp_store(struct l2tp_msg *m, uint16_t type, const uint8_t *v, size_t n)
{
	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		m->result.result = rd16(v);
		if (n >= 4) {
			m->result.has_error = true;
			m->result.error = rd16(v + 2);
			m->result.msg = bytes(v + 4, n - 4);
		}
		break;
	case L2TP_AVP_PROTO_VERSION:
		m->proto_ver = v[0];
		m->proto_rev = v[1];
		break;
	case L2TP_AVP_FRAMING_CAP:
		m->framing_cap = rd32(v);
		break;
	case L2TP_AVP_BEARER_CAP:
		m->bearer_cap = rd32(v);
		break;
	case L2TP_AVP_TIE_BREAKER:
		m->tie_breaker = (uint64_t)rd32(v) << 32 | rd32(v + 4);
		break;
	case L2TP_AVP_FIRMWARE_REV:
		m->firmware_rev = rd16(v);
		break;
	case L2TP_AVP_HOST_NAME:
		m->host_name = bytes(v, n);
		break;
	case L2TP_AVP_VENDOR_NAME:
		m->vendor_name = bytes(v, n);
		break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		m->assigned_tunnel_id = rd16(v);
		break;
	case L2TP_AVP_RX_WINDOW_SIZE:
		m->rx_window_size = rd16(v);
		break;
	case L2TP_AVP_CHALLENGE:
		m->challenge = bytes(v, n);
		break;
	case L2TP_AVP_Q931_CAUSE:
		m->q931.cause = rd16(v);
		m->q931.msg = v[2];
		m->q931.advisory = bytes(v + 3, n - 3);
		break;
	case L2TP_AVP_CHALLENGE_RESPONSE:
		memcpy(m->challenge_response, v, sizeof(m->challenge_response));
		break;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		m->assigned_session_id = rd16(v);
		break;
	case L2TP_AVP_CALL_SERIAL:
		m->call_serial = rd32(v);
		break;
	case L2TP_AVP_MIN_BPS:
		m->min_bps = rd32(v);
		break;
	case L2TP_AVP_MAX_BPS:
		m->max_bps = rd32(v);
		break;
	case L2TP_AVP_BEARER_TYPE:
		m->bearer_type = rd32(v);
		break;
	case L2TP_AVP_FRAMING_TYPE:
		m->framing_type = rd32(v);
		break;
	case L2TP_AVP_CALLED_NUMBER:
		m->called_number = bytes(v, n);
		break;
	case L2TP_AVP_CALLING_NUMBER:
		m->calling_number = bytes(v, n);
		break;
	case L2TP_AVP_SUB_ADDRESS:
		m->sub_address = bytes(v, n);
		break;
	case L2TP_AVP_TX_CONNECT_SPEED:
		m->tx_connect_speed = rd32(v);
		break;
	case L2TP_AVP_PHYS_CHANNEL_ID:
		m->phys_channel_id = rd32(v);
		break;
	case L2TP_AVP_INIT_RX_LCP_CONFREQ:
		m->init_rx_lcp_confreq = bytes(v, n);
		break;
	case L2TP_AVP_LAST_TX_LCP_CONFREQ:
		m->last_tx_lcp_confreq = bytes(v, n);
		break;
	case L2TP_AVP_LAST_RX_LCP_CONFREQ:
		m->last_rx_lcp_confreq = bytes(v, n);
		break;
	case L2TP_AVP_PROXY_AUTH_TYPE:
		m->proxy_auth_type = rd16(v);
		break;
	case L2TP_AVP_PROXY_AUTH_NAME:
		m->proxy_auth_name = bytes(v, n);
		break;
	case L2TP_AVP_PROXY_AUTH_CHALLENGE:
		m->proxy_auth_challenge = bytes(v, n);
		break;
	case L2TP_AVP_PROXY_AUTH_ID:
		m->proxy_auth_id = v[1];
		break;
	case L2TP_AVP_PROXY_AUTH_RESPONSE:
		m->proxy_auth_response = bytes(v, n);
		break;
	case L2TP_AVP_CALL_ERRORS:
		m->call_errors.crc = rd32(v + 2);
		m->call_errors.framing = rd32(v + 6);
		m->call_errors.hw_overruns = rd32(v + 10);
		m->call_errors.buf_overruns = rd32(v + 14);
		m->call_errors.timeouts = rd32(v + 18);
		m->call_errors.alignment = rd32(v + 22);
		break;
	case L2TP_AVP_ACCM:
		m->accm_send = rd32(v + 2);
		m->accm_recv = rd32(v + 6);
		break;
	case L2TP_AVP_RANDOM_VECTOR:
		m->random_vector = bytes(v, n);
		break;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		m->private_group_id = bytes(v, n);
		break;
	case L2TP_AVP_RX_CONNECT_SPEED:
		m->rx_connect_speed = rd32(v);
		break;
	default: /* Message Type is handled first; Sequencing Required is presence */
		break;
	}
}

/* Recognised: an IETF AVP of a type RFC 2661 defines, reserved bits clear
 * (§4.1: an AVP with a reserved bit set is treated as unrecognised). */
static bool avp_recognised(const struct l2tp_avp *a)
{
	return a->vendor == L2TP_VENDOR_IETF && !a->rsvd && a->type < L2TP_AVP_MAX &&
	       avp_info[a->type].name;
}

static int iter_fail(struct l2tp_parse_err *err, const struct l2tp_avp_iter *it,
		     const struct l2tp_msg *m)
{
	perr(err, it->err, m->type, m->type_mandatory, NULL, "%s at offset %zu",
	     l2tp_perr_str(it->err), it->offset);
	err->offset = it->offset;
	return -1;
}

int l2tp_msg_parse(const uint8_t *buf, size_t len, const struct l2tp_secret *sec,
		   struct l2tp_msg *m, struct l2tp_parse_err *err)
{
	struct l2tp_parse_err dummy;
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	const uint8_t *rv = NULL, *v;
	size_t rv_len = 0, n;
	bool unknown_m = false;
	uint64_t bit, missing;
	unsigned t;
	int r;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	/* the unhide area is written before it is read: leave it alone */
	memset(m, 0, offsetof(struct l2tp_msg, unhidden));

	if (l2tp_hdr_parse(buf, len, &m->hdr, err) < 0)
		return -1;
	if (m->hdr.length == L2TP_CTRL_HDR_LEN) {
		m->zlb = true;
		return 0;
	}
	l2tp_avp_iter_init(&it, buf + L2TP_CTRL_HDR_LEN,
			   m->hdr.length - L2TP_CTRL_HDR_LEN, L2TP_CTRL_HDR_LEN);

	/* §4.4.1: Message Type MUST be the first AVP */
	r = l2tp_avp_next(&it, &a);
	if (r <= 0)
		return iter_fail(err, &it, m);
	if (a.vendor != L2TP_VENDOR_IETF || a.type != L2TP_AVP_MSG_TYPE || a.rsvd)
		return perr(err, L2TP_PERR_FIRST_NOT_MSGTYPE, 0, false, &a,
			    "first AVP is vendor %u type %u, not Message Type",
			    a.vendor, a.type);
	if (a.hidden)
		return perr(err, L2TP_PERR_HIDDEN_FORBIDDEN, 0, false, &a,
			    "Message Type AVP is hidden");
	if (a.value_len != 2)
		return perr(err, L2TP_PERR_AVP_SIZE, 0, false, &a,
			    "Message Type: %u octets, expected 2", a.value_len);
	m->type = rd16(a.value);
	m->type_mandatory = a.mandatory;
	m->present = B(MSG_TYPE);
	m->n_avps = 1;
	if (!msg_known(m->type))
		return perr(err, L2TP_PERR_UNKNOWN_MSG_TYPE, m->type, a.mandatory, &a,
			    "unknown message type %u%s", m->type,
			    a.mandatory ? "" : " (M=0, ignored)");

	while ((r = l2tp_avp_next(&it, &a)) > 0) {
		m->n_avps++;
		if (!avp_recognised(&a)) {
			if (!a.mandatory) {
				m->n_ignored++;
				continue;
			}
			/* §4.1: report the first, keep decoding so the answer
			 * can be addressed (an ICRQ's Assigned Session ID) */
			if (!unknown_m)
				perr(err, L2TP_PERR_UNKNOWN_MANDATORY, m->type, true, &a,
				     "unknown mandatory AVP %u (vendor %u%s)", a.type,
				     a.vendor, a.rsvd ? ", reserved bits set" : "");
			unknown_m = true;
			continue;
		}
		t = a.type;
		bit = UINT64_C(1) << t;
		v = a.value;
		n = a.value_len;

		if (a.hidden) {
			uint8_t *out = m->unhidden + m->unhidden_len;

			if (t == L2TP_AVP_MSG_TYPE || t == L2TP_AVP_RANDOM_VECTOR)
				return perr(err, L2TP_PERR_HIDDEN_FORBIDDEN, m->type,
					    m->type_mandatory, &a, "%s AVP is hidden",
					    avp_info[t].name);
			if (!sec)
				return perr(err, L2TP_PERR_HIDDEN_NO_SECRET, m->type,
					    m->type_mandatory, &a,
					    "hidden %s AVP and no tunnel secret",
					    avp_info[t].name);
			if (!rv)
				return perr(err, L2TP_PERR_HIDDEN_NO_RV, m->type,
					    m->type_mandatory, &a,
					    "hidden %s AVP before any Random Vector",
					    avp_info[t].name);
			if (n > sizeof(m->unhidden) - m->unhidden_len)
				return perr(err, L2TP_PERR_NO_SPACE, m->type,
					    m->type_mandatory, &a,
					    "hidden AVPs exceed %d octets", L2TP_UNHIDE_MAX);
			if (l2tp_avp_unhide(t, sec, rv, rv_len, v, n, out,
					    sizeof(m->unhidden) - m->unhidden_len, &n) < 0)
				return perr(err, L2TP_PERR_HIDDEN_BAD, m->type,
					    m->type_mandatory, &a,
					    "hidden %s AVP does not unhide (wrong secret?)",
					    avp_info[t].name);
			m->unhidden_len += n;
			v = out;
			m->hidden |= bit;
		}
		if ((m->present & bit) && t != L2TP_AVP_RANDOM_VECTOR)
			return perr(err, L2TP_PERR_DUPLICATE, m->type, m->type_mandatory,
				    &a, "duplicate %s AVP", avp_info[t].name);
		if (n < avp_info[t].min || n > avp_info[t].max ||
		    (t == L2TP_AVP_RESULT_CODE && n == 3)) {
			if (avp_info[t].min == avp_info[t].max)
				return perr(err, L2TP_PERR_AVP_SIZE, m->type,
					    m->type_mandatory, &a,
					    "%s: %zu octets, expected %u",
					    avp_info[t].name, n, avp_info[t].min);
			return perr(err, L2TP_PERR_AVP_SIZE, m->type, m->type_mandatory,
				    &a, "%s: %zu octets, expected at least %u%s",
				    avp_info[t].name, n, avp_info[t].min,
				    t == L2TP_AVP_RESULT_CODE ? ", not 3" : "");
		}
		avp_store(m, t, v, n);
		m->present |= bit;
		if (t == L2TP_AVP_RANDOM_VECTOR) {
			rv = v;
			rv_len = n;
		}
	}
	if (r < 0)
		return iter_fail(err, &it, m);
	if (unknown_m)
		return -1;

	missing = l2tp_msg_required(m->type) & ~m->present;
	if (missing) {
		t = (unsigned)__builtin_ctzll(missing);
		r = perr(err, L2TP_PERR_MISSING, m->type, m->type_mandatory, NULL,
			 "%s without %s AVP", l2tp_msg_type_str(m->type),
			 avp_info[t].name);
		err->has_avp = true;
		err->avp_type = (uint16_t)t;
		return r;
	}
	return 0;
}

/* ---- builder ------------------------------------------------------------- */

static uint8_t *builder_reserve(struct l2tp_builder *b, size_t value_len)
{
	size_t n = L2TP_AVP_HDR_LEN + value_len;
	uint8_t *p;

	if (b->failed || value_len > L2TP_AVP_MAX_VALUE || n > b->cap - b->len ||
	    b->len + n > 0xffff) {
		b->failed = true;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += n;
	return p;
}

static void avp_hdr(uint8_t *p, uint16_t flags, uint16_t vendor, uint16_t type,
		    size_t value_len)
{
	wr16(p, (flags & ~L2TP_AVP_LEN_MASK) | (uint16_t)(L2TP_AVP_HDR_LEN + value_len));
	wr16(p + 2, vendor);
	wr16(p + 4, type);
}

int l2tp_msg_init(struct l2tp_builder *b, uint8_t *buf, size_t cap, uint16_t type)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	if (cap < L2TP_CTRL_HDR_LEN) {
		b->failed = true;
		return -1;
	}
	b->len = L2TP_CTRL_HDR_LEN;
	if (type == L2TP_MSG_ZLB)
		return 0;
	return l2tp_avp_put_u16(b, L2TP_AVP_MSG_TYPE, true, type);
}

int l2tp_avp_put_raw(struct l2tp_builder *b, uint16_t flags, uint16_t vendor,
		     uint16_t type, const void *value, size_t len)
{
	uint8_t *p = builder_reserve(b, len);

	if (!p)
		return -1;
	avp_hdr(p, flags, vendor, type, len);
	if (len)
		memcpy(p + L2TP_AVP_HDR_LEN, value, len);
	return 0;
}

static uint16_t mflag(bool mandatory)
{
	return mandatory ? L2TP_AVP_F_M : 0;
}

int l2tp_avp_put_u16(struct l2tp_builder *b, uint16_t type, bool mandatory, uint16_t v)
{
	uint8_t d[2];

	wr16(d, v);
	return l2tp_avp_put_raw(b, mflag(mandatory), L2TP_VENDOR_IETF, type, d, 2);
}

int l2tp_avp_put_u32(struct l2tp_builder *b, uint16_t type, bool mandatory, uint32_t v)
{
	uint8_t d[4];

	wr32(d, v);
	return l2tp_avp_put_raw(b, mflag(mandatory), L2TP_VENDOR_IETF, type, d, 4);
}

int l2tp_avp_put_bytes(struct l2tp_builder *b, uint16_t type, bool mandatory,
		       const void *value, size_t len)
{
	return l2tp_avp_put_raw(b, mflag(mandatory), L2TP_VENDOR_IETF, type, value, len);
}

int l2tp_avp_put_str(struct l2tp_builder *b, uint16_t type, bool mandatory,
		     const char *s)
{
	return l2tp_avp_put_bytes(b, type, mandatory, s, strlen(s));
}

int l2tp_avp_put_result(struct l2tp_builder *b, uint16_t result, bool with_error,
			uint16_t error, const char *msg)
{
	size_t mlen = msg && with_error ? strlen(msg) : 0;
	size_t n = (with_error ? 4 : 2) + mlen;
	uint8_t *p = builder_reserve(b, n);

	if (!p)
		return -1;
	avp_hdr(p, L2TP_AVP_F_M, L2TP_VENDOR_IETF, L2TP_AVP_RESULT_CODE, n);
	wr16(p + 6, result);
	if (with_error)
		wr16(p + 8, error);
	if (mlen)
		memcpy(p + 10, msg, mlen);
	return 0;
}

int l2tp_avp_put_rv(struct l2tp_builder *b, const uint8_t *rv, size_t len)
{
	uint8_t *p = builder_reserve(b, len);

	if (!p)
		return -1;
	avp_hdr(p, L2TP_AVP_F_M, L2TP_VENDOR_IETF, L2TP_AVP_RANDOM_VECTOR, len);
	if (len)
		memcpy(p + L2TP_AVP_HDR_LEN, rv, len);
	b->rv = p + L2TP_AVP_HDR_LEN;
	b->rv_len = len;
	return 0;
}

int l2tp_avp_put_hidden(struct l2tp_builder *b, const struct l2tp_secret *sec,
			uint16_t type, bool mandatory, const void *value, size_t len,
			const uint8_t *pad, size_t pad_len)
{
	size_t n = 2 + len + pad_len;
	uint8_t *p;

	if (!b->failed && (!sec || !b->rv))
		b->failed = true;
	p = builder_reserve(b, n);
	if (!p)
		return -1;
	avp_hdr(p, mflag(mandatory) | L2TP_AVP_F_H, L2TP_VENDOR_IETF, type, n);
	if (l2tp_avp_hide(type, sec, b->rv, b->rv_len, value, len, pad, pad_len,
			  p + L2TP_AVP_HDR_LEN, n) < 0) {
		b->failed = true;
		return -1;
	}
	return 0;
}

int l2tp_msg_finish(struct l2tp_builder *b, uint16_t tunnel_id, uint16_t session_id,
		    uint16_t ns, uint16_t nr)
{
	if (b->failed)
		return -1;
	l2tp_hdr_build(b->buf, b->cap, (uint16_t)b->len, tunnel_id, session_id, ns, nr);
	return (int)b->len;
}
