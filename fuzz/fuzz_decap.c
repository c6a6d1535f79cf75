// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: one Ethernet frame through the uplink XDP program
 * (BPF_PROG_TEST_RUN, in a network namespace of its own) and through the
 * reference of selftests/lib/decapref.c; any difference in verdict, reason
 * or output bytes is a crash (with the frame and both outputs printed).
 * Coverage guides through the reference only: the program runs in the
 * kernel.  Needs root.  Input: the frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decapref.h"

static struct decapref_verdict v;
static uint8_t out[PKT_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (decapref_setup()) {
		fprintf(stderr, "fuzz_decap: cannot set up the namespace or load l2tp_xdp "
				"(root needed)\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t out_len = sizeof(out);
	uint32_t act;
	int reason;

	/* BPF_PROG_TEST_RUN takes an Ethernet header at least, and a page. */
	if (size < 14 || size > 3000)
		return 0;
	decapref_reference(data, size, &v);
	if (decapref_run(data, size, &act, &reason, out, &out_len))
		abort();
	if (!decapref_compare(data, size, &v, act, reason, out, out_len)) {
		decapref_report(1, data, size, &v, act, reason, out, out_len);
		abort();
	}
	return 0;
}
