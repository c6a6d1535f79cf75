/* SPDX-License-Identifier: GPL-2.0 */
/* L2TPv2 control messages (RFC 2661 §3.1, §4, §6): header codec, a bounded
 * AVP iterator, hidden AVPs (§4.3), tunnel authentication (§4.4.3/§5.1.1), a
 * message decoder that fills one struct, and a builder over a caller buffer. */
#ifndef L2TPX_L2TP_AVP_H
#define L2TPX_L2TP_AVP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- wire constants ------------------------------------------------------ */

#define L2TP_CTRL_HDR_LEN	12	/* T,L,S header: flags, Length, ids, Ns, Nr */
#define L2TP_CTRL_FLAGS		0xc802	/* T=1 L=1 S=1 O=0 P=0 Ver=2 */
#define L2TP_AVP_HDR_LEN	6
#define L2TP_AVP_MAX_LEN	0x3ff	/* 10-bit Length field */
#define L2TP_AVP_MAX_VALUE	(L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)

/* First word of an AVP: M, H, 4 reserved bits, 10-bit Length. */
#define L2TP_AVP_F_M		0x8000
#define L2TP_AVP_F_H		0x4000
#define L2TP_AVP_F_RSVD		0x3c00
#define L2TP_AVP_LEN_MASK	0x03ff

#define L2TP_VENDOR_IETF	0

/* Message Type AVP values (§3.2).  0 is reserved on the wire; here it also
 * names the ZLB (a control message with no AVPs at all). */
enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0,
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
	L2TP_MSG_MAX = 17,
};

/* Attribute types of the IETF vendor (§4.4). */
enum l2tp_avp_type {
	L2TP_AVP_MSG_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTO_VERSION = 2,
	L2TP_AVP_FRAMING_CAP = 3,
	L2TP_AVP_BEARER_CAP = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REV = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TUNNEL_ID = 9,
	L2TP_AVP_RX_WINDOW_SIZE = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE = 12,
	L2TP_AVP_CHALLENGE_RESPONSE = 13,
	L2TP_AVP_ASSIGNED_SESSION_ID = 14,
	L2TP_AVP_CALL_SERIAL = 15,
	L2TP_AVP_MIN_BPS = 16,
	L2TP_AVP_MAX_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	/* 20 is reserved */
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_CONNECT_SPEED = 24,
	L2TP_AVP_PHYS_CHANNEL_ID = 25,
	L2TP_AVP_INIT_RX_LCP_CONFREQ = 26,
	L2TP_AVP_LAST_TX_LCP_CONFREQ = 27,
	L2TP_AVP_LAST_RX_LCP_CONFREQ = 28,
	L2TP_AVP_PROXY_AUTH_TYPE = 29,
	L2TP_AVP_PROXY_AUTH_NAME = 30,
	L2TP_AVP_PROXY_AUTH_CHALLENGE = 31,
	L2TP_AVP_PROXY_AUTH_ID = 32,
	L2TP_AVP_PROXY_AUTH_RESPONSE = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP_ID = 37,
	L2TP_AVP_RX_CONNECT_SPEED = 38,
	L2TP_AVP_SEQ_REQUIRED = 39,
	L2TP_AVP_MAX = 40,
};

/* Result Code values in StopCCN (§4.4.2). */
enum l2tp_stopccn_result {
	L2TP_STOPCCN_CLEAR = 1,		/* general request to clear */
	L2TP_STOPCCN_GENERAL_ERROR = 2,	/* Error Code indicates the problem */
	L2TP_STOPCCN_ALREADY_EXISTS = 3,
	L2TP_STOPCCN_NOT_AUTHORIZED = 4,
	L2TP_STOPCCN_BAD_VERSION = 5,	/* Error Code: highest version supported */
	L2TP_STOPCCN_SHUTTING_DOWN = 6,
	L2TP_STOPCCN_FSM_ERROR = 7,
};

/* Result Code values in CDN (§4.4.2). */
enum l2tp_cdn_result {
	L2TP_CDN_LOST_CARRIER = 1,
	L2TP_CDN_GENERAL_ERROR = 2,	/* Error Code indicates the problem */
	L2TP_CDN_ADMIN = 3,
	L2TP_CDN_NO_FACILITIES_TEMP = 4,
	L2TP_CDN_NO_FACILITIES_PERM = 5,
	L2TP_CDN_INVALID_DEST = 6,
	L2TP_CDN_NO_CARRIER = 7,
	L2TP_CDN_BUSY = 8,
	L2TP_CDN_NO_DIALTONE = 9,
	L2TP_CDN_TIMEOUT = 10,
	L2TP_CDN_NO_FRAMING = 11,
};

/* General Error Codes, carried with Result Code 2 (§4.4.2). */
enum l2tp_error_code {
	L2TP_ERR_NONE = 0,
	L2TP_ERR_NO_TUNNEL = 1,		/* no control connection yet */
	L2TP_ERR_LENGTH = 2,		/* Length is wrong */
	L2TP_ERR_BAD_VALUE = 3,		/* field out of range / reserved non-zero */
	L2TP_ERR_NO_RESOURCES = 4,
	L2TP_ERR_BAD_SESSION_ID = 5,
	L2TP_ERR_VENDOR = 6,
	L2TP_ERR_TRY_ANOTHER = 7,
	L2TP_ERR_UNKNOWN_MANDATORY = 8,	/* message names the AVP */
};

/* Framing and bearer bits (§4.4.3, §4.4.5). */
#define L2TP_FRAMING_SYNC	0x1
#define L2TP_FRAMING_ASYNC	0x2
#define L2TP_BEARER_DIGITAL	0x1
#define L2TP_BEARER_ANALOG	0x2

/* Proxy Authen Type values (§4.4.5). */
enum l2tp_proxy_auth_type {
	L2TP_PROXY_AUTH_TEXT = 1,
	L2TP_PROXY_AUTH_CHAP = 2,
	L2TP_PROXY_AUTH_PAP = 3,
	L2TP_PROXY_AUTH_NONE = 4,
	L2TP_PROXY_AUTH_MSCHAPV1 = 5,
};

/* ---- secrets, parse errors ---------------------------------------------- */

/* The tunnel secret.  A NULL `struct l2tp_secret *` means "no secret
 * configured"; a secret of length 0 is a configured, empty secret (Windows
 * answers challenges that way, see the jnetpcap capture). */
struct l2tp_secret {
	const uint8_t *data;
	size_t len;
};

enum l2tp_perr {
	L2TP_PERR_OK = 0,
	/* header: nothing in the message can be trusted */
	L2TP_PERR_HDR_SHORT,		/* fewer octets than the header */
	L2TP_PERR_HDR_NOT_CONTROL,	/* T=0 */
	L2TP_PERR_HDR_VERSION,		/* Ver != 2: MUST be discarded (§3.1) */
	L2TP_PERR_HDR_NO_LENGTH,	/* L=0 */
	L2TP_PERR_HDR_NO_SEQ,		/* S=0 */
	L2TP_PERR_HDR_OFFSET,		/* O=1 */
	L2TP_PERR_HDR_LENGTH,		/* Length < 12 or > octets received */
	/* AVP framing */
	L2TP_PERR_AVP_HDR_TRUNC,	/* 1..5 octets left: not an AVP header */
	L2TP_PERR_AVP_LEN_SHORT,	/* AVP Length < 6 */
	L2TP_PERR_AVP_LEN_OVERRUN,	/* AVP Length > octets left */
	/* AVP content */
	L2TP_PERR_AVP_SIZE,		/* known AVP, value of a size it cannot have */
	L2TP_PERR_FIRST_NOT_MSGTYPE,	/* first AVP is not Message Type */
	L2TP_PERR_UNKNOWN_MSG_TYPE,	/* Message Type value not in §3.2 */
	L2TP_PERR_UNKNOWN_MANDATORY,	/* unrecognised AVP with M=1 (§4.1) */
	L2TP_PERR_DUPLICATE,		/* a known AVP twice (Random Vector excepted) */
	L2TP_PERR_MISSING,		/* an AVP §6 requires for this message */
	L2TP_PERR_HIDDEN_NO_SECRET,	/* H=1 and no secret configured */
	L2TP_PERR_HIDDEN_NO_RV,		/* H=1 and no Random Vector before it */
	L2TP_PERR_HIDDEN_BAD,		/* unhidden length does not fit (wrong secret?) */
	L2TP_PERR_HIDDEN_FORBIDDEN,	/* H=1 on Message Type or Random Vector */
	L2TP_PERR_NO_SPACE,		/* unhidden values exceed L2TP_UNHIDE_MAX */
	L2TP_PERR_MAX,
};

/* Who the RFC says an error concerns: the caller decides what to do. */
enum l2tp_scope {
	L2TP_SCOPE_MESSAGE,	/* discard/ignore the message; nothing to answer */
	L2TP_SCOPE_TUNNEL,	/* clear the control connection (StopCCN) */
	L2TP_SCOPE_SESSION,	/* clear the session (CDN) */
};

/* A parse failure, precise enough to answer it.  scope/result/error follow:
 *   header errors                  MESSAGE (no answer)
 *   unknown Message Type, M=0      MESSAGE (§4.4.1: MAY be ignored)
 *   unknown Message Type, M=1      TUNNEL, result 2, error 3 (§4.4.1)
 *   unknown mandatory AVP          SESSION for call-management messages
 *                                  (OCRQ..SLI), TUNNEL otherwise; result 2,
 *                                  error 8 (§4.1, §4.4.2)
 *   AVP lengths, wrong sizes,      TUNNEL (§7.1: a malformed message clears
 *   hidden AVP that won't unhide   the control connection), result 2, error 2
 *   missing, duplicate, first not  TUNNEL, result 2, error 3
 *   Message Type, hidden problems
 *   out of unhide space            TUNNEL, result 2, error 4
 * `text` is a human-readable reason fit for the Result Code's Error Message.
 * For UNKNOWN_MANDATORY and MISSING the message is otherwise fully decoded
 * (so an ICRQ's Assigned Session ID is there to address the CDN). */
struct l2tp_parse_err {
	enum l2tp_perr code;
	enum l2tp_scope scope;
	uint16_t msg_type;	/* Message Type value when known, else 0 */
	uint16_t result;	/* Result Code to answer with, 0 = none */
	uint16_t error;		/* General Error Code to go with it */
	bool has_avp;		/* the error is about one AVP: */
	uint16_t avp_vendor;
	uint16_t avp_type;
	size_t offset;		/* octet offset of that AVP in the message */
	char text[96];
};

/* ---- header -------------------------------------------------------------- */

struct l2tp_hdr {
	uint16_t flags;		/* the whole first word, as received */
	uint16_t length;	/* Length field: octets of this message */
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns;
	uint16_t nr;
};

/* Parses the control header of buf[0..len).  Requires T=1, L=1, S=1, O=0,
 * Ver=2 and 12 <= Length <= len (octets beyond Length are ignored).  P and
 * the reserved bits are ignored on receipt (§3.1).  Returns 0 or -1. */
int l2tp_hdr_parse(const uint8_t *buf, size_t len, struct l2tp_hdr *h,
		   struct l2tp_parse_err *err);
/* Writes a 12-octet control header (flags 0xc802).  Returns 12, or -1 when
 * cap < 12. */
int l2tp_hdr_build(uint8_t *buf, size_t cap, uint16_t length, uint16_t tunnel_id,
		   uint16_t session_id, uint16_t ns, uint16_t nr);

/* ---- AVP iterator -------------------------------------------------------- */

struct l2tp_avp {
	bool mandatory;		/* M */
	bool hidden;		/* H */
	uint16_t rsvd;		/* the 4 reserved flag bits (0x3c00 mask), 0 normally */
	uint16_t len;		/* whole AVP, header included */
	uint16_t vendor;
	uint16_t type;
	const uint8_t *value;	/* into the message; hidden values still hidden */
	uint16_t value_len;
	size_t offset;		/* octet offset of the AVP in the message */
};

struct l2tp_avp_iter {
	const uint8_t *p;	/* next AVP */
	size_t left;		/* octets left after p */
	size_t offset;		/* offset of p in the message */
	enum l2tp_perr err;	/* why the last call returned -1 */
};

/* Iterates the AVPs of a message body: body points at the first AVP (header
 * skipped), len octets of AVPs, base = offset of body in the message (12). */
void l2tp_avp_iter_init(struct l2tp_avp_iter *it, const uint8_t *body, size_t len,
			size_t base);
/* 1: *a holds the next AVP.  0: end of message.  -1: malformed (it->err is
 * AVP_HDR_TRUNC, AVP_LEN_SHORT or AVP_LEN_OVERRUN, it->offset where); the
 * iterator then stays at -1.  Reserved bits are reported in a->rsvd, not
 * refused here: RFC 2661 §4.1 says such an AVP is treated as unrecognised,
 * which the message decoder does. */
int l2tp_avp_next(struct l2tp_avp_iter *it, struct l2tp_avp *a);

/* ---- hidden AVPs (§4.3) and tunnel authentication (§4.4.3) ---------------- */

/* Hides one attribute value: out gets the hidden subformat
 * (Original Length ‖ value ‖ pad) encrypted with MD5(type ‖ secret ‖ RV) and
 * the chained MD5(secret ‖ c(i-1)) blocks.  pad may be NULL when pad_len is 0
 * (in real use it should be random).  Returns the hidden length
 * (2 + len + pad_len) or -1 if it would exceed out_cap or an AVP. */
int l2tp_avp_hide(uint16_t type, const struct l2tp_secret *sec, const uint8_t *rv,
		  size_t rv_len, const uint8_t *value, size_t len, const uint8_t *pad,
		  size_t pad_len, uint8_t *out, size_t out_cap);
/* Reverses it: out (out_cap >= hlen) gets the original value, *out_len its
 * length.  Returns 0, or -1 if hlen < 2 or the recovered Original Length is
 * longer than what follows it (which usually means a wrong secret). */
int l2tp_avp_unhide(uint16_t type, const struct l2tp_secret *sec, const uint8_t *rv,
		    size_t rv_len, const uint8_t *hidden, size_t hlen, uint8_t *out,
		    size_t out_cap, size_t *out_len);

#define L2TP_CHAL_RESP_LEN 16

/* Challenge Response = MD5(msg type octet ‖ secret ‖ challenge), where msg
 * type is the Message Type of the message that carries the response (2 in
 * SCCRP, 3 in SCCCN).  Returns 0, or -1 when sec is NULL. */
int l2tp_challenge_response(uint8_t msg_type, const struct l2tp_secret *sec,
			    const uint8_t *chal, size_t chal_len,
			    uint8_t out[L2TP_CHAL_RESP_LEN]);
/* Constant-time check of a received response. */
bool l2tp_challenge_verify(uint8_t msg_type, const struct l2tp_secret *sec,
			   const uint8_t *chal, size_t chal_len,
			   const uint8_t resp[L2TP_CHAL_RESP_LEN]);

/* ---- message decoder ----------------------------------------------------- */

/* Unhidden values live in struct l2tp_msg; this bounds their total size. */
#define L2TP_UNHIDE_MAX 4096

/* A variable-length value: points into the caller's buffer, or into
 * m->unhidden when the AVP was hidden.  Not NUL-terminated: copy it out with
 * l2tp_bytes_str() or memcpy bounded by len. */
struct l2tp_bytes {
	const uint8_t *p;
	uint16_t len;
};

struct l2tp_result_code {
	uint16_t result;
	bool has_error;		/* Error Code present (AVP length >= 10) */
	uint16_t error;
	struct l2tp_bytes msg;	/* optional Error Message */
};

struct l2tp_q931 {
	uint16_t cause;
	uint8_t msg;
	struct l2tp_bytes advisory;
};

struct l2tp_call_errors {
	uint32_t crc, framing, hw_overruns, buf_overruns, timeouts, alignment;
};

/* One decoded control message.  Every AVP of RFC 2661 §4.4 has a field; a
 * field is meaningful only when l2tp_msg_has(m, type).  Strings and opaque
 * values are l2tp_bytes pointing into the parsed buffer or into m->unhidden,
 * so m is valid only as long as that buffer and m itself are (do not copy m
 * by value and keep the copy).  Nothing is allocated. */
struct l2tp_msg {
	struct l2tp_hdr hdr;
	bool zlb;			/* no AVPs: an acknowledgement only */
	uint16_t type;			/* Message Type value */
	bool type_mandatory;		/* M bit of the Message Type AVP */
	uint64_t present;		/* bit t: AVP type t (IETF) was seen */
	uint64_t hidden;		/* bit t: it was hidden */
	unsigned n_avps;		/* AVPs in the message */
	unsigned n_ignored;		/* unrecognised M=0 AVPs skipped (vendor too) */

	struct l2tp_result_code result;		/* 1 */
	uint8_t proto_ver, proto_rev;		/* 2: 1, 0 */
	uint32_t framing_cap;			/* 3 */
	uint32_t bearer_cap;			/* 4 */
	uint64_t tie_breaker;			/* 5: 8 octets, big-endian */
	uint16_t firmware_rev;			/* 6 */
	struct l2tp_bytes host_name;		/* 7 (at least 1 octet) */
	struct l2tp_bytes vendor_name;		/* 8 */
	uint16_t assigned_tunnel_id;		/* 9 */
	uint16_t rx_window_size;		/* 10 */
	struct l2tp_bytes challenge;		/* 11 (at least 1 octet) */
	struct l2tp_q931 q931;			/* 12 */
	uint8_t challenge_response[16];		/* 13 */
	uint16_t assigned_session_id;		/* 14 */
	uint32_t call_serial;			/* 15 */
	uint32_t min_bps;			/* 16 */
	uint32_t max_bps;			/* 17 */
	uint32_t bearer_type;			/* 18 */
	uint32_t framing_type;			/* 19 */
	struct l2tp_bytes called_number;	/* 21 */
	struct l2tp_bytes calling_number;	/* 22 */
	struct l2tp_bytes sub_address;		/* 23 */
	uint32_t tx_connect_speed;		/* 24 */
	uint32_t phys_channel_id;		/* 25 */
	struct l2tp_bytes init_rx_lcp_confreq;	/* 26 */
	struct l2tp_bytes last_tx_lcp_confreq;	/* 27 */
	struct l2tp_bytes last_rx_lcp_confreq;	/* 28 */
	uint16_t proxy_auth_type;		/* 29 */
	struct l2tp_bytes proxy_auth_name;	/* 30 */
	struct l2tp_bytes proxy_auth_challenge;	/* 31 (at least 1 octet) */
	uint8_t proxy_auth_id;			/* 32: the ID octet */
	struct l2tp_bytes proxy_auth_response;	/* 33 */
	struct l2tp_call_errors call_errors;	/* 34 */
	uint32_t accm_send, accm_recv;		/* 35 */
	struct l2tp_bytes random_vector;	/* 36: the last one in the message */
	struct l2tp_bytes private_group_id;	/* 37 */
	uint32_t rx_connect_speed;		/* 38 */
	/* 39 Sequencing Required: presence only */

	size_t unhidden_len;
	uint8_t unhidden[L2TP_UNHIDE_MAX];
};

static inline bool l2tp_msg_has(const struct l2tp_msg *m, unsigned type)
{
	return type < 64 && (m->present >> type) & 1;
}

/* Decodes buf[0..len) (one UDP payload) into *m.  sec is the tunnel secret
 * for hidden AVPs, NULL when none is configured.  The rules:
 *  - header as l2tp_hdr_parse(); Length == 12 is a ZLB (m->zlb, type 0);
 *  - the first AVP must be an IETF Message Type, not hidden, 8 octets;
 *  - every length is checked against what is left; each known AVP against
 *    its defined size (fixed-size ones exactly);
 *  - an unrecognised AVP (unknown type, a vendor's, or reserved bits set) is
 *    skipped and counted when M=0, and reported as UNKNOWN_MANDATORY when
 *    M=1 (decoding goes on so the rest of m is filled; first one reported);
 *  - hidden AVPs are unhidden with sec and the last Random Vector before
 *    them; unrecognised M=0 ones are skipped without unhiding;
 *  - a known AVP twice is an error (Random Vector may repeat);
 *  - then the AVPs §6 requires for the message type must all be there.
 * Known AVPs are accepted in any message type.  Returns 0, or -1 with *err
 * filled (err may be NULL).  m->hdr is valid whenever the header parsed. */
int l2tp_msg_parse(const uint8_t *buf, size_t len, const struct l2tp_secret *sec,
		   struct l2tp_msg *m, struct l2tp_parse_err *err);

/* Bitmask (1 << AVP type) of the AVPs RFC 2661 §6 requires in a message
 * type, Message Type included; 0 for unknown types. */
uint64_t l2tp_msg_required(uint16_t msg_type);
/* True for call-management messages (OCRQ..SLI), whose errors concern a
 * session; false for control-connection messages. */
bool l2tp_msg_is_session(uint16_t msg_type);

/* Copies b into dst as a NUL-terminated string of at most cap-1 octets,
 * non-printable octets replaced by '?'.  Returns dst. */
char *l2tp_bytes_str(const struct l2tp_bytes *b, char *dst, size_t cap);

/* ---- message builder ----------------------------------------------------- */

/* Writes into buf[0..cap) and never past it.  The first failure is sticky:
 * every later put fails and l2tp_msg_finish() returns -1. */
struct l2tp_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	const uint8_t *rv;	/* the last Random Vector put, for hiding */
	size_t rv_len;
	bool failed;
};

/* Starts a message of the given type: reserves the header and puts the
 * Message Type AVP (M=1).  type L2TP_MSG_ZLB starts a ZLB (no AVPs). */
int l2tp_msg_init(struct l2tp_builder *b, uint8_t *buf, size_t cap, uint16_t type);
/* Any AVP: flags is the top 6 bits of the first word (L2TP_AVP_F_*). */
int l2tp_avp_put_raw(struct l2tp_builder *b, uint16_t flags, uint16_t vendor,
		     uint16_t type, const void *value, size_t len);
int l2tp_avp_put_u16(struct l2tp_builder *b, uint16_t type, bool mandatory, uint16_t v);
int l2tp_avp_put_u32(struct l2tp_builder *b, uint16_t type, bool mandatory, uint32_t v);
int l2tp_avp_put_bytes(struct l2tp_builder *b, uint16_t type, bool mandatory,
		       const void *value, size_t len);
int l2tp_avp_put_str(struct l2tp_builder *b, uint16_t type, bool mandatory,
		     const char *s);
/* Result Code (M=1): with_error false writes the 8-octet form (result
 * only); msg (may be NULL) needs the error code and is put after it. */
int l2tp_avp_put_result(struct l2tp_builder *b, uint16_t result, bool with_error,
			uint16_t error, const char *msg);
/* Random Vector (M=1); later hidden AVPs use it. */
int l2tp_avp_put_rv(struct l2tp_builder *b, const uint8_t *rv, size_t len);
/* A hidden AVP (H=1) with the last Random Vector put; fails without one. */
int l2tp_avp_put_hidden(struct l2tp_builder *b, const struct l2tp_secret *sec,
			uint16_t type, bool mandatory, const void *value, size_t len,
			const uint8_t *pad, size_t pad_len);
/* Writes the header with Length.  Returns the message length, or -1. */
int l2tp_msg_finish(struct l2tp_builder *b, uint16_t tunnel_id, uint16_t session_id,
		    uint16_t ns, uint16_t nr);

/* ---- names --------------------------------------------------------------- */

const char *l2tp_msg_type_str(uint16_t type);	/* "SCCRQ", ..., "ZLB" */
const char *l2tp_avp_type_str(uint16_t type);	/* "Host Name", ... (IETF) */
/* Result Code text: the StopCCN table for StopCCN, the CDN table otherwise. */
const char *l2tp_result_str(uint16_t msg_type, uint16_t result);
const char *l2tp_error_code_str(uint16_t error);
const char *l2tp_perr_str(enum l2tp_perr code);
const char *l2tp_scope_str(enum l2tp_scope scope);

#endif
