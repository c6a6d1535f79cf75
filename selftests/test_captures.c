// SPDX-License-Identifier: GPL-2.0
/* Real L2TPv2 traffic from public captures through l2tpx_uplink: for every
 * L2TP frame a session matching its ids, addresses and ports is installed;
 * data frames must come out as Ethernet + exactly the inner IP bytes that
 * tshark (an independent decoder, via captures_extract.py) finds in the
 * frame; control and PPP control frames must pass untouched.
 *
 * The captures are read where they live, ../shared/testdata/captures from
 * the repository (or $L2TPX_TESTDATA/captures); they are reference material
 * and are not copied into the repository.
 *
 * xdp2__l7_l2tp.pcap and packetnet__l2tp.pcap carry the L2TP tunnel inside
 * a PPPoE session (Ethernet / PPPoE / PPP / IPv4 / UDP / L2TP).  The data
 * plane does not parse PPPoE, so this test strips the 6-byte PPPoE header and
 * the 2-byte PPP protocol field first, leaving Ethernet / IPv4 / UDP / L2TP
 * with ethertype 0800: the frame a plain Ethernet uplink would carry. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "l2tp_xdp.skel.h"
#include "bpftest.h"
#include "frames.h"
#include "testdata.h"

static struct {
	struct l2tp_xdp_bpf *skel[2];	/* l2tp_port 1701, 6666 */
	struct bt_maps maps[2];
	struct bt_xdp xdp[2];
	struct bt_net net;
	char root[PATH_MAX / 2];	/* the repository */
	char data[PATH_MAX];		/* the captures folder */
} F;

static int load_one(int i, uint16_t port)
{
	struct l2tp_xdp_bpf *s = l2tp_xdp_bpf__open();

	if (!s)
		return -1;
	F.skel[i] = s;
	s->rodata->l2tp_port = port;
	if (bt_unpin(s->obj) || l2tp_xdp_bpf__load(s) || bt_maps_get(s->obj, &F.maps[i]))
		return -1;
	return bt_xdp_init(&F.xdp[i], bpf_program__fd(s->progs.l2tpx_uplink));
}

static int setup(void **state)
{
	if (!testdata_dir() || !repo_dir()) {
		fprintf(stderr, "# ../shared/testdata not found (L2TPX_TESTDATA names it)\n");
		return -1;
	}
	snprintf(F.root, sizeof(F.root), "%.2000s", repo_dir());
	snprintf(F.data, sizeof(F.data), "%.2000s/captures", testdata_dir());
	if (bt_net_setup(&F.net) || load_one(0, 1701) || load_one(1, 6666))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	int i;

	for (i = 0; i < 2; i++) {
		bt_xdp_fini(&F.xdp[i]);
		l2tp_xdp_bpf__destroy(F.skel[i]);
	}
	return 0;
}

struct seen {
	char kind[16];
	unsigned int frame, tunnel, session, sport, dport;
	char src[64], dst[64], proto[8], off[8], len[8];
};

static bool check_frame(const struct cap_frame *cf, const struct seen *t, int *stripped)
{
	static struct pkt f, exp, out;
	struct bt_sess s = {
		.tunnel = (uint16_t)t->tunnel, .session = (uint16_t)t->session,
		.peer_tunnel = 1, .peer_session = 1,
		.local = t->dst, .peer = t->src,
		.local_port = (uint16_t)t->dport, .peer_port = (uint16_t)t->sport,
		.stats_idx = 9,
	};
	static const int decap_reasons[] = { L2TPX_R_DECAP_LOCAL, L2TPX_R_DECAP_NO_NEIGH,
					     L2TPX_R_DECAP_FIB_OTHER };
	struct bt_counts cb, ca;
	size_t inner_off = 0, inner_len = 0, out_len;
	int o, which, want, poison;
	uint32_t ret;
	bool ok = true;

	if (cf->linktype != 1 || cf->len < 14) {
		fprintf(stderr, "# frame %u: link type %u, not Ethernet\n", t->frame, cf->linktype);
		return false;
	}
	pkt_set(&f, cf->data, cf->len);
	if (strcmp(t->kind, "data-ip") == 0) {
		inner_off = strtoul(t->off, NULL, 10);
		inner_len = strtoul(t->len, NULL, 10);
	}
	if (get_be16(pkt_data(&f) + 12) == ETH_P_PPPOES_) {
		/* Ethernet / PPPoE (6) / PPP protocol (2) / IP: keep the MACs,
		 * take the ethertype from the PPP protocol, drop the 8 bytes. */
		uint16_t pp = get_be16(pkt_data(&f) + 20);
		uint8_t macs[12];

		if (pp != 0x0021 && pp != 0x0057) {
			fprintf(stderr, "# frame %u: PPPoE carries %04x, not IP\n", t->frame, pp);
			return false;
		}
		memcpy(macs, pkt_data(&f), 12);
		pkt_pull(&f, 22);
		memcpy(pkt_push(&f, 14), macs, 12);
		put_be16(pkt_data(&f) + 12, pp == 0x0021 ? ETH_P_IP_ : ETH_P_IPV6_);
		if (inner_off)
			inner_off -= 8;
		(*stripped)++;
	}
	if (t->dport == 1701)
		o = 0;
	else if (t->dport == 6666)
		o = 1;
	else {
		fprintf(stderr, "# frame %u: destination port %u\n", t->frame, t->dport);
		return false;
	}

	if (strcmp(t->kind, "data-ip") == 0) {
		const uint8_t *ip = pkt_data(&f) + inner_off;

		if (inner_off + inner_len > f.len) {
			fprintf(stderr, "# frame %u: tshark's inner packet is past the frame\n",
				t->frame);
			return false;
		}
		pkt_set(&exp, ip, inner_len);
		memcpy(pkt_push(&exp, 14), pkt_data(&f), 12);
		put_be16(pkt_data(&exp) + 12, (ip[0] >> 4) == 6 ? ETH_P_IPV6_ : ETH_P_IP_);
		want = -1;
	} else {
		pkt_copy(&exp, &f);
		want = strcmp(t->kind, "control") == 0 ? L2TPX_R_CONTROL
			: strcmp(t->kind, "ppp-control") == 0 ? L2TPX_R_PPP_CONTROL
			: L2TPX_R_PPP_OTHER;
	}
	if (bt_sess_put(&F.maps[o], &s))
		return false;
	for (poison = -1; poison < 1; poison++) {
		if (bt_reasons_read(F.maps[o].reasons, &cb))
			return false;
		pkt_init(&out);
		out_len = PKT_MAX - out.off;
		if (bt_xdp_run(&F.xdp[o], poison, pkt_data(&f), f.len, (uint32_t)F.net.if_up, &ret,
			       pkt_data(&out), &out_len))
			return false;
		out.len = out_len;
		if (bt_reasons_read(F.maps[o].reasons, &ca))
			return false;
		which = bt_reasons_which(&cb, &ca);
		if (ret != XDP_PASS) {
			fprintf(stderr, "# frame %u (%s): verdict %s, expected XDP_PASS\n", t->frame,
				t->kind, bt_xdp_act(ret));
			ok = false;
		}
		if (want >= 0) {
			if (which != want) {
				fprintf(stderr, "# frame %u (%s): reason %s, expected %s\n", t->frame,
					t->kind, which >= 0 ? bt_reason(which) : "(none/several)",
					bt_reason(want));
				ok = false;
			}
		} else if (which != decap_reasons[0] && which != decap_reasons[1] &&
			   which != decap_reasons[2]) {
			fprintf(stderr, "# frame %u (%s): reason %s, expected a decap pass reason\n",
				t->frame, t->kind, which >= 0 ? bt_reason(which) : "(none/several)");
			ok = false;
		}
		if (which >= 0)
			ok &= bt_reasons_moved(&cb, &ca, which, 1, f.len);
		if (!bytes_match(t->kind, pkt_data(&exp), exp.len, pkt_data(&out), out.len)) {
			fprintf(stderr, "# frame %u\n", t->frame);
			ok = false;
		}
	}
	bt_sess_del(&F.maps[o], s.tunnel, s.session);
	return ok;
}

static void run_capture(void **state)
{
	const char *name = *state;
	char path[PATH_MAX + 64], cmd[2 * PATH_MAX + 128], line[512];
	struct capture cap;
	unsigned int n = 0, data = 0, ctl = 0, pppc = 0, other = 0, bad = 0;
	int stripped = 0, err;
	FILE *p;

	snprintf(path, sizeof(path), "%s/%s", F.data, name);
	err = capture_read(path, &cap);
	if (err) {
		fprintf(stderr, "# %s: %s\n", path, strerror(-err));
		fail();
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/selftests/captures_extract.py '%s'",
		 F.root, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		struct seen t;

		memset(&t, 0, sizeof(t));
		if (sscanf(line, "%u %15s %u %u %63s %63s %u %u %7s %7s %7s", &t.frame, t.kind,
			   &t.tunnel, &t.session, t.src, t.dst, &t.sport, &t.dport, t.proto,
			   t.off, t.len) != 11 || t.frame < 1 || t.frame > cap.n) {
			fprintf(stderr, "# cannot read helper line: %s", line);
			bad++;
			continue;
		}
		n++;
		if (!strcmp(t.kind, "data-ip"))
			data++;
		else if (!strcmp(t.kind, "control"))
			ctl++;
		else if (!strcmp(t.kind, "ppp-control"))
			pppc++;
		else
			other++;
		if (!check_frame(&cap.f[t.frame - 1], &t, &stripped))
			bad++;
	}
	err = pclose(p);
	fprintf(stderr, "# %s: %zu frames, %u L2TP (%u data decapsulated and compared, %u control, "
		"%u PPP control, %u other), %d PPPoE-stripped, %u failed\n", name, cap.n, n, data,
		ctl, pppc, other, stripped, bad);
	capture_free(&cap);
	assert_int_equal(err, 0);
	assert_true(n > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	static const char *const files[] = {
		"Protocol-Analysis__L2TP.pcapng",
		"jnetpcap__test-l2tp.pcap",
		"xdp2__l7_l2tp.pcap",
		"packetnet__l2tp.pcap",
	};
	static struct CMUnitTest tests[4];
	size_t i;

	for (i = 0; i < 4; i++)
		tests[i] = (struct CMUnitTest){ .name = files[i], .test_func = run_capture,
						.initial_state = (void *)files[i] };
	return _cmocka_run_group_tests("captures", tests, 4, setup, teardown);
}
