// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: datagrams through l2tpx's receive path, l2tp_input()
 * (user/l2tp_tunnel.c, l2tp_session.c, l2tp_rdt.c, l2tp_avp.c), with the
 * fake transport and clock of tests/l2tp_peer.h.
 * Input: a config octet (bit 0 HELLOs on, bits 1-2 the prelude of
 * fuzz_world.h, bit 3 a tunnel secret when there is no prelude), then
 * records, each an op octet:
 *   1ttttttt       the clock moves t * 50 ms (timers fire: retransmits,
 *                  acknowledgements, HELLO, the pending-tunnel timeout);
 *   0 f s x xxxx   a datagram: a 16-bit length (low 11 bits), then its
 *                  octets; f = fix the header up (T/L/S, Length, the
 *                  peer's tunnel id, its Ns and Nr in sequence), s = from a
 *                  second peer address instead of the first. */
#include "fuzz_world.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet_logs();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	uint8_t cf = fz_u8(&z);
	unsigned int level = (cf >> 1) & 3;
	struct udp_ep other = ep4(203, 0, 113, 9, 4500);
	struct fw *w = calloc(1, sizeof(*w));
	unsigned int n = 0;

	fw_init(w, false, cf & 1);
	if (!level && (cf & 0x08))
		fw_secret(w);
	fw_prelude(w, level);
	while (z.n && n++ < 64) {
		uint8_t op = fz_u8(&z);
		size_t len;
		const uint8_t *b;

		if (op & 0x80) {
			advance(w->f, (op & 0x7f) * 50);
		} else {
			b = fz_take(&z, fz_u16(&z) & 0x7ff, &len);
			fw_send_ctrl(w, b, len, op & 0x40, op & 0x20 ? &other : &w->p.ep);
		}
		fw_drain(w);
	}
	fw_fini(w);
	free(w);
	return 0;
}
