// SPDX-License-Identifier: GPL-2.0
/* state_cost: what the state file costs per write for N calls (100 per
 * tunnel, PPP on each): encode, atomic write (tmp + fsync + rename +
 * directory fsync), decode; mean of 10 runs.
 * usage: state_cost N FILE   (FILE on the file system that will hold it) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct state s = { 0 }, d;
	unsigned int n, runs = 10;
	double t0, t1, t2, t3;
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[160];

	if (argc != 3 || (n = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: state_cost CALLS FILE\n");
		return 1;
	}
	s.ntunnels = (n + 99) / 100;
	s.tunnels = calloc(s.ntunnels, sizeof(*s.tunnels));
	for (unsigned int i = 0; i < s.ntunnels; i++) {
		struct state_tunnel *t = &s.tunnels[i];

		t->id = t->peer_id = i + 1;
		t->lac_index = -1;
		t->local.port = t->peer.port = 1701;
		snprintf(t->peer_host, sizeof(t->peer_host), "lac%u", i);
		t->nsessions = i + 1 < s.ntunnels ? 100 : n - 100 * i;
		t->sessions = calloc(t->nsessions, sizeof(*t->sessions));
		for (unsigned int k = 0; k < t->nsessions; k++) {
			t->sessions[k].id = t->sessions[k].peer_id = k + 1;
			t->sessions[k].has_ppp = 1;
			snprintf(t->sessions[k].ppp.user, sizeof(t->sessions[k].ppp.user),
				 "user%05u@isp.example", k);
		}
	}
	t0 = now_ms();
	for (unsigned int i = 0; i < runs; i++) {
		free(buf);
		if (state_encode(&s, &buf, &len))
			return 1;
	}
	t1 = now_ms();
	for (unsigned int i = 0; i < runs; i++)
		if (state_write_file(argv[2], buf, len))
			return 1;
	t2 = now_ms();
	for (unsigned int i = 0; i < runs; i++) {
		if (state_decode(buf, len, &d, err, sizeof(err)))
			return 1;
		state_free(&d);
	}
	t3 = now_ms();
	printf("| %u | %zu bytes (%.0f B/call) | %.2f ms | %.2f ms | %.2f ms |\n", n, len,
	       (double)len / n, (t1 - t0) / runs, (t2 - t1) / runs, (t3 - t2) / runs);
	unlink(argv[2]);
	free(buf);
	state_free(&s);
	return 0;
}
