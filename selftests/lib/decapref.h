/* SPDX-License-Identifier: GPL-2.0 */
/* A reference for the uplink decap (l2tpx_uplink), written from RFC 2661
 * 3.1, RFC 1661 6.5/6.6 and the rules of docs/REASONS.md, independent of
 * bpf/: the verdict, the reason and the output bytes a frame should get in
 * the test network of bpftest.h with the sessions below; and the program
 * itself, loaded with those sessions, to run a frame through.  Used by
 * selftests/test_decap_diff.c and fuzz/fuzz_decap.c. */
#ifndef SELFTEST_DECAPREF_H
#define SELFTEST_DECAPREF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpftest.h"
#include "frames.h"

enum { DR_S_V4, DR_S_V6, DR_S_ANTI, DR_S_NAT, DR_S_COUNT };

extern const struct bt_sess decapref_sess[DR_S_COUNT];
/* The anti-spoofing session's own addresses (exact entries): v4, v6. */
extern const char *const decapref_anti_src[2];
extern struct bt_net decapref_net;

struct decapref_verdict {
	uint32_t act;		/* XDP_* */
	int reason;		/* L2TPX_R_* */
	bool any_decap;		/* FIB unknown: any decapsulated PASS reason */
	bool same;		/* output = input */
	bool check_out;
	uint8_t out[PKT_MAX];
	size_t out_len;
};

/* The namespace, the program loaded, the sessions in its maps.  0 or -1. */
int decapref_setup(void);
void decapref_fini(void);
/* What the reference says frame f should get. */
void decapref_reference(const uint8_t *f, size_t len, struct decapref_verdict *v);
/* Runs f through the program: its action, the one reason counted (-1 none,
 * -2 several), the output (*out_len: capacity in, length out).  0 or -1. */
int decapref_run(const uint8_t *f, size_t len, uint32_t *act, int *reason, uint8_t *out,
		 size_t *out_len);
/* Whether the program's outcome is what the reference said. */
bool decapref_compare(const uint8_t *f, size_t len, const struct decapref_verdict *v,
		      uint32_t act, int reason, const uint8_t *out, size_t out_len);
/* A TAP diagnostic of a disagreement (number n). */
void decapref_report(int n, const uint8_t *f, size_t len, const struct decapref_verdict *v,
		     uint32_t act, int reason, const uint8_t *out, size_t out_len);

#endif
