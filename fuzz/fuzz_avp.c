// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: one L2TP control message through the AVP codec
 * (user/l2tp_avp.c): the header parser, the AVP iterator, the message
 * decoder with and without a tunnel secret (hidden AVPs), the string copy
 * of every byte field, and the unhide primitive on the raw value.
 * Input: one flag octet (bit 0: a secret is configured), then the message. */
#include <string.h>

#include "fuzz.h"
#include "l2tp_avp.h"

static struct l2tp_msg m;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet_logs();
	return 0;
}

static void strs(const struct l2tp_msg *msg)
{
	const struct l2tp_bytes *b[] = {
		&msg->host_name, &msg->vendor_name, &msg->challenge, &msg->called_number,
		&msg->calling_number, &msg->sub_address, &msg->init_rx_lcp_confreq,
		&msg->last_tx_lcp_confreq, &msg->last_rx_lcp_confreq, &msg->proxy_auth_name,
		&msg->proxy_auth_challenge, &msg->proxy_auth_response, &msg->random_vector,
		&msg->private_group_id, &msg->result.msg, &msg->q931.advisory,
	};
	char s[300];

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		l2tp_bytes_str(b[i], s, sizeof(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[] = "fuzz-secret";
	struct l2tp_secret sec = { key, sizeof(key) - 1 };
	struct fz z = { data, size };
	uint8_t flags = fz_u8(&z);
	const struct l2tp_secret *s = flags & 1 ? &sec : NULL;
	struct l2tp_parse_err err;
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	struct l2tp_hdr h;
	uint8_t out[L2TP_AVP_MAX_LEN];
	size_t out_len;
	uint8_t *copy;

	/* An exact-size copy, so a read past the datagram is caught. */
	copy = malloc(z.n ? z.n : 1);
	memcpy(copy, z.p, z.n);

	if (!l2tp_hdr_parse(copy, z.n, &h, &err)) {
		l2tp_avp_iter_init(&it, copy + L2TP_CTRL_HDR_LEN, h.length - L2TP_CTRL_HDR_LEN,
				   L2TP_CTRL_HDR_LEN);
		while (l2tp_avp_next(&it, &a) == 1) {
			l2tp_avp_type_str(a.type);
			if (a.hidden)
				l2tp_avp_unhide(a.type, &sec, key, 4, a.value, a.value_len, out,
						sizeof(out), &out_len);
		}
	}
	if (!l2tp_msg_parse(copy, z.n, s, &m, &err)) {
		strs(&m);
		l2tp_msg_type_str(m.type);
		l2tp_result_str(m.type, m.result.result);
		l2tp_error_code_str(m.result.error);
	} else {
		l2tp_perr_str(err.code);
		l2tp_scope_str(err.scope);
		if (err.code == L2TP_PERR_UNKNOWN_MANDATORY || err.code == L2TP_PERR_MISSING)
			strs(&m);
	}
	free(copy);
	return 0;
}
