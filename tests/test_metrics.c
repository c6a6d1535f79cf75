// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/metrics.c: the Prometheus text exposition, exact for
 * given counters, label escaping, the control counters' JSON round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp.h"
#include "metrics.h"

static char *render(const struct metrics_input *in)
{
	struct mbuf b = { 0 };

	assert_int_equal(metrics_format(in, &b), 0);
	assert_false(b.oom);
	assert_int_equal(strlen(b.p), b.len);
	return b.p;
}

/* The lines of one family: from its HELP line to the next HELP line. */
static char *family_block(const char *text, const char *name)
{
	char help[128];
	const char *s, *e;

	snprintf(help, sizeof(help), "# HELP %s ", name);
	s = strstr(text, help);
	assert_non_null(s);
	e = strstr(s + 1, "# HELP ");
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

static void test_nothing_answered(void **state)
{
	struct metrics_input in = { 0 };
	char *t = render(&in);

	assert_string_equal(t,
		"# HELP l2tpx_up 1 for each source that answered: the data plane (maps) and the daemon\n"
		"# TYPE l2tpx_up gauge\n"
		"l2tpx_up{source=\"dataplane\"} 0\n"
		"l2tpx_up{source=\"daemon\"} 0\n");
	free(t);
}

static void test_escape(void **state)
{
	struct mbuf b = { 0 };

	metrics_label_escape(&b, "a\"b\\c\nd");
	assert_string_equal(b.p, "a\\\"b\\\\c\\nd");
	mbuf_free(&b);
	metrics_label_escape(&b, "");
	assert_null(b.p);	/* nothing written, nothing allocated */
}

static void test_static_session(void **state)
{
	struct l2tpx_counter r[L2TPX_R_MAX] = { 0 };
	struct metrics_input in = { 0 };
	struct metrics_session *s;
	char *t, *blk;

	r[L2TPX_R_DECAP_FWD] = (struct l2tpx_counter){ 5, 500 };
	r[L2TPX_R_SPOOFED] = (struct l2tpx_counter){ 2, 120 };
	in.reasons = r;
	in.dp_sessions = 1;
	s = metrics_session_add(&in);
	s->tunnel_id = 300;
	s->session_id = 400;
	snprintf(s->peer, sizeof(s->peer), "192.0.2.1:1701");
	s->fast = true;
	s->st = (struct l2tpx_sess_stats){ .rx_packets = 10, .rx_bytes = 840, .tx_packets = 11,
					   .tx_bytes = 924, .rx_drops = 1, .tx_punts = 2 };
	t = render(&in);

	assert_non_null(strstr(t, "l2tpx_up{source=\"dataplane\"} 1\nl2tpx_up{source=\"daemon\"} 0\n"));
	assert_non_null(strstr(t, "\nl2tpx_dp_packets_total{reason=\"decap-fwd\"} 5\n"));
	assert_non_null(strstr(t, "\nl2tpx_dp_bytes_total{reason=\"decap-fwd\"} 500\n"));
	assert_non_null(strstr(t, "\nl2tpx_dp_packets_total{reason=\"spoofed\"} 2\n"));
	assert_non_null(strstr(t, "\nl2tpx_dp_packets_total{reason=\"error\"} 0\n"));
	assert_non_null(strstr(t, "# TYPE l2tpx_dp_sessions gauge\nl2tpx_dp_sessions 1\n"));
	/* No daemon: no control-plane families, no slow-path counters. */
	assert_null(strstr(t, "l2tpx_tunnels"));
	assert_null(strstr(t, "l2tpx_session_slow_packets_total"));

	blk = family_block(t, "l2tpx_session_fast_packets_total");
	assert_string_equal(blk,
		"# HELP l2tpx_session_fast_packets_total inner packets of each session through the fast path\n"
		"# TYPE l2tpx_session_fast_packets_total counter\n"
		"l2tpx_session_fast_packets_total{tunnel_id=\"300\",session_id=\"400\",peer=\"192.0.2.1:1701\",user=\"\",direction=\"rx\"} 10\n"
		"l2tpx_session_fast_packets_total{tunnel_id=\"300\",session_id=\"400\",peer=\"192.0.2.1:1701\",user=\"\",direction=\"tx\"} 11\n");
	free(blk);
	blk = family_block(t, "l2tpx_session_fast_bytes_total");
	assert_non_null(strstr(blk, "direction=\"rx\"} 840\n"));
	assert_non_null(strstr(blk, "direction=\"tx\"} 924\n"));
	free(blk);
	blk = family_block(t, "l2tpx_session_fast_drops_total");
	assert_string_equal(strchr(blk, '\n') + 1,
		"# TYPE l2tpx_session_fast_drops_total counter\n"
		"l2tpx_session_fast_drops_total{tunnel_id=\"300\",session_id=\"400\",peer=\"192.0.2.1:1701\",user=\"\"} 1\n");
	free(blk);
	blk = family_block(t, "l2tpx_session_fast_punts_total");
	assert_non_null(strstr(blk, "user=\"\"} 2\n"));
	free(blk);
	free(t);
	/* metrics_sessions = no: the totals stay, the per-session series go. */
	in.no_sessions = true;
	t = render(&in);
	assert_non_null(strstr(t, "\nl2tpx_dp_packets_total{reason=\"decap-fwd\"} 5\n"));
	assert_null(strstr(t, "l2tpx_session_"));
	free(t);
	metrics_input_free(&in);
}

static void test_daemon_user_escaped(void **state)
{
	struct metrics_tunnel tun = { .tunnel_id = 7, .peer = "[2001:db8::1]:1701", .sessions = 1,
				      .retransmissions = 4, .duplicates = 1 };
	struct metrics_input in = { 0 };
	struct metrics_ctl c = { 0 };
	struct metrics_session *s;
	char *t, *blk;

	c.v[MC_RX_PARSE_ERRORS] = 7;
	c.v[MC_TUNNELS] = 1;
	c.v[MC_POOL_SIZE] = 241;
	c.v[MC_POOL_USED] = 1;
	c.v[MC_AUTH_FAILURES] = 3;
	c.result[MR_STOPCCN_SENT][2] = 3;
	c.result[MR_CDN_RECEIVED][METRICS_RESULT_SLOTS - 1] = 1;
	in.ctl = &c;
	in.tunnels = &tun;
	in.ntunnels = 1;
	s = metrics_session_add(&in);
	s->tunnel_id = 7;
	s->session_id = 9;
	snprintf(s->peer, sizeof(s->peer), "[2001:db8::1]:1701");
	snprintf(s->user, sizeof(s->user), "ev\"il\\user\nx");
	s->daemon = true;
	s->slow_rx_packets = 12;
	s->slow_tx_packets = 13;
	t = render(&in);

	assert_non_null(strstr(t, "l2tpx_up{source=\"daemon\"} 1\n"));
	assert_non_null(strstr(t, "\nl2tpx_rx_errors_total{error=\"parse\"} 7\n"));
	assert_non_null(strstr(t, "# TYPE l2tpx_tunnels gauge\nl2tpx_tunnels 1\n"));
	assert_non_null(strstr(t, "\nl2tpx_pool_addresses{state=\"total\"} 241\n"
				  "l2tpx_pool_addresses{state=\"used\"} 1\n"));
	assert_non_null(strstr(t, "\nl2tpx_ppp_auth_total{result=\"fail\"} 3\n"));
	/* One HELP/TYPE per family, whatever the number of labelled samples. */
	assert_non_null(strstr(t, "# TYPE l2tpx_rx_errors_total counter\n"));
	assert_null(strstr(strstr(t, "# TYPE l2tpx_rx_errors_total") + 1,
			   "# TYPE l2tpx_rx_errors_total"));
	blk = family_block(t, "l2tpx_stopccn_total");
	assert_string_equal(strchr(blk, '\n') + 1,
			    "# TYPE l2tpx_stopccn_total counter\n"
			    "l2tpx_stopccn_total{direction=\"sent\",result=\"2\"} 3\n");
	free(blk);
	assert_non_null(strstr(t, "\nl2tpx_cdn_total{direction=\"received\",result=\"15\"} 1\n"));
	assert_non_null(strstr(t, "\nl2tpx_tunnel_retransmits_total{tunnel_id=\"7\","
				  "peer=\"[2001:db8::1]:1701\"} 4\n"));
	blk = family_block(t, "l2tpx_session_slow_packets_total");
	assert_string_equal(strchr(blk, '\n') + 1,
		"# TYPE l2tpx_session_slow_packets_total counter\n"
		"l2tpx_session_slow_packets_total{tunnel_id=\"7\",session_id=\"9\",peer=\"[2001:db8::1]:1701\",user=\"ev\\\"il\\\\user\\nx\",direction=\"rx\"} 12\n"
		"l2tpx_session_slow_packets_total{tunnel_id=\"7\",session_id=\"9\",peer=\"[2001:db8::1]:1701\",user=\"ev\\\"il\\\\user\\nx\",direction=\"tx\"} 13\n");
	free(blk);
	/* No data plane: no fast-path families. */
	assert_null(strstr(t, "l2tpx_session_fast"));
	assert_null(strstr(t, "l2tpx_dp_"));
	free(t);
	in.tunnels = NULL;
	metrics_input_free(&in);
}

/* Every sample belongs to a family declared above it; counters end in
 * _total; no raw newline hides inside a label. */
static void test_well_formed(void **state)
{
	struct l2tpx_counter r[L2TPX_R_MAX] = { 0 };
	struct metrics_input in = { 0 };
	struct metrics_ctl c = { 0 };
	char *t, *line, *save, type[64] = "", fam[128] = "";
	int samples = 0;

	in.ctl = &c;
	in.reasons = r;
	for (int i = 0; i < 300; i++) {	/* well past the buffer's first 4 KiB */
		struct metrics_session *s = metrics_session_add(&in);

		assert_non_null(s);
		s->tunnel_id = 1 + i / 100;
		s->session_id = 1 + i;
		snprintf(s->user, sizeof(s->user), "user\n%d", i);
		s->daemon = s->fast = true;
	}
	t = render(&in);
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];

		if (!strncmp(line, "# HELP ", 7))
			continue;
		if (sscanf(line, "# TYPE %127s %63s", fam, type) == 2)
			continue;
		assert_int_equal(sscanf(line, "%127[a-z_0-9]", name), 1);
		assert_string_equal(name, fam);
		if (!strcmp(type, "counter"))
			assert_string_equal(name + strlen(name) - 6, "_total");
		else
			assert_string_equal(type, "gauge");
		samples++;
	}
	/* 300 sessions x (2 slow + 2 + 2 fast + drops + punts) at least. */
	assert_true(samples > 300 * 8);
	free(t);
	metrics_input_free(&in);
}

static void test_ctl_json_round_trip(void **state)
{
	struct metrics_ctl a = { 0 }, b;
	json_object *o;

	for (int i = 0; i < MC_MAX; i++)
		a.v[i] = 1000 + i;
	a.result[MR_STOPCCN_RECEIVED][6] = 2;
	a.result[MR_CDN_SENT][3] = 5;
	o = metrics_ctl_to_json(&a);
	assert_string_equal(metrics_ctl_key(MC_RX_CONTROL), "rx_control");
	assert_int_equal(json_object_get_int64(json_object_object_get(o, "tunnels")),
			 1000 + MC_TUNNELS);
	metrics_ctl_from_json(o, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	json_object_put(o);
	/* Missing keys and a results member of the wrong type read as zero. */
	o = json_tokener_parse("{\"tunnels\": 3, \"results\": {\"cdn_sent\": 5}}");
	metrics_ctl_from_json(o, &b);
	assert_int_equal(b.v[MC_TUNNELS], 3);
	assert_int_equal(b.v[MC_SESSIONS], 0);
	assert_int_equal(b.result[MR_CDN_SENT][0], 0);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_answered),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_static_session),
		cmocka_unit_test(test_daemon_user_escaped),
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_ctl_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
