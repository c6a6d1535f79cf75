// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the configuration parser (user/conf.c): values, defaults,
 * and errors that name the file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "conf.h"
#include "log.h"
#include "util.h"

static char path[64];

static void write_conf(const char *text)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/l2tpx-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static int load(const char *text, struct conf *c, char *err)
{
	int rc;

	write_conf(text);
	rc = conf_load(path, c, err, 256);
	unlink(path);
	return rc;
}

static void test_full(void **state)
{
	struct conf c;
	char err[256] = "";
	struct l2tpx_addr a;

	assert_int_equal(load("; comment\n"
			      "[global]\n"
			      "listen = 192.0.2.1, 2001:db8::1\n"
			      "port = 1702\n"
			      "hostname = lns1\n"
			      "hello_interval = 30\n"
			      "retransmit_retries = 7\n"
			      "max_tunnels = 100\n"
			      "challenge = yes\n"
			      "secret = s3cret\n"
			      "rws = 16\n"
			      "[peer 192.0.2.10]\n"
			      "secret = peersecret\n"
			      "[lac home]\n"
			      "lns = 198.51.100.1\n"
			      "redial_timeout = 3\n"
			      "hide_avps = yes\n",
			      &c, err),
			 0);
	assert_int_equal(c.nlisten, 2);
	assert_int_equal(c.port, 1702);
	assert_string_equal(c.hostname, "lns1");
	assert_int_equal(c.hello_interval, 30);
	assert_int_equal(c.rdt.max_retries, 7);
	assert_int_equal(c.rdt.rws, 16);
	assert_int_equal(c.max_tunnels, 100);
	assert_true(c.challenge);
	assert_int_equal(c.nlacs, 1);
	assert_string_equal(c.lacs[0].name, "home");
	assert_int_equal(c.lacs[0].redial_timeout, 3);
	assert_true(c.lacs[0].hide_avps);
	assert_true(c.lacs[0].redial);	/* default */
	addr_parse("192.0.2.10", &a);
	assert_string_equal(conf_peer_secret(&c, &a), "peersecret");
	addr_parse("192.0.2.11", &a);
	assert_string_equal(conf_peer_secret(&c, &a), "s3cret");
}

static void test_defaults(void **state)
{
	struct conf c;
	char err[256];
	struct l2tpx_addr a;

	assert_int_equal(load("[global]\n", &c, err), 0);
	assert_int_equal(c.port, 1701);
	assert_int_equal(c.hello_interval, 60);
	assert_int_equal(c.rdt.rtx_cap_ms, 8000);
	assert_true(c.lns);
	addr_parse("192.0.2.11", &a);
	assert_null(conf_peer_secret(&c, &a));
}

static void test_errors_name_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "[global]\nport = 70000\n", ":2: port" },
		{ "[global]\n\nchallenge = maybe\n", ":3: challenge: expected yes or no" },
		{ "[global]\nlisten = 192.0.2.300\n", ":2: listen: not an address" },
		{ "[global]\nmax_tunnels = -1\n", ":2: max_tunnels" },
		{ "[peer nonsense]\nsecret = x\n", ":2: [peer nonsense]" },
		{ "[lac x]\nredial = yes\n", "[lac x] needs lns" },
		{ "[global]\nthis line is not ini\n", ":2: syntax error" },
		{ "[global]\nmode = fast\n", ":2: mode: expected daemon or accel" },
	};
	struct conf c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(load(bad[i].text, &c, err), -1);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].want);
		assert_non_null(strstr(err, "/tmp/l2tpx-conf-"));
	}
}

/* Accelerator mode and its interface globs (docs/ACCEL.md). */
static void test_accel_mode(void **state)
{
	struct conf c;
	char err[256];

	assert_int_equal(load("[global]\nuplink = eth0\n", &c, err), 0);
	assert_false(c.accel);
	assert_int_equal(load("[global]\nmode = accel\naccel_kernel_ifaces = ppp1* ppp7\n", &c,
			      err), 0);
	assert_true(c.accel);
	assert_string_equal(c.accel_kernel_ifaces, "ppp1* ppp7");
	assert_int_equal(load("[global]\nmode = daemon\n", &c, err), 0);
	assert_false(c.accel);
}

static void test_unknown_key_is_warning(void **state)
{
	struct conf c;
	char err[256];

	assert_int_equal(load("[global]\nfrobnicate = 1\n[weird]\nx = 1\n", &c, err), 0);
}

static void test_missing_file(void **state)
{
	struct conf c;
	char err[256];

	assert_int_equal(conf_load("/nonexistent/l2tpxd.conf", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

/* metrics_listen, log_level, syslog: the operations keys. */
static void test_operations_keys(void **state)
{
	static const struct {
		const char *value, *addr;
		unsigned int port;
	} good[] = {
		{ "9469", "127.0.0.1", 9469 },	/* a port alone stays on localhost */
		{ "192.0.2.1:9100", "192.0.2.1", 9100 },
		{ "0.0.0.0:9469", "0.0.0.0", 9469 },
		{ "[2001:db8::1]:9469", "2001:db8::1", 9469 },
		{ "off", NULL, 0 },
	};
	static const char *const bad[] = { "0", "65536", "192.0.2.1", "192.0.2.1:", ":9469",
					   "[2001:db8::1]", "host.example:9469", "[]:1" };
	struct l2tpx_addr a;
	struct conf c;
	char err[256], text[128];

	assert_int_equal(load("[global]\n", &c, err), 0);
	assert_int_equal(c.metrics_port, 0);	/* off by default */
	assert_int_equal(c.log_level, -1);
	assert_false(c.syslog);
	assert_true(c.metrics_sessions);
	assert_int_equal(load("[global]\nmetrics_sessions = no\n", &c, err), 0);
	assert_false(c.metrics_sessions);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[global]\nmetrics_listen = %s\n", good[i].value);
		assert_int_equal(load(text, &c, err), 0);
		assert_int_equal(c.metrics_port, good[i].port);
		if (good[i].addr) {
			addr_parse(good[i].addr, &a);
			assert_memory_equal(&a, &c.metrics_addr, sizeof(a));
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[global]\nmetrics_listen = %s\n", bad[i]);
		assert_int_equal(load(text, &c, err), -1);
		assert_non_null(strstr(err, ":2: metrics_listen: expected PORT"));
	}
	assert_int_equal(load("[global]\nlog_level = notice\nsyslog = yes\n", &c, err), 0);
	assert_int_equal(c.log_level, LOG_NOTICE);
	assert_true(c.syslog);
	assert_int_equal(load("[global]\nlog_level = DEBUG\n", &c, err), 0);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_int_equal(load("[global]\nlog_level = loud\n", &c, err), -1);
	assert_non_null(strstr(err, ":2: log_level: expected err, warning, notice"));
	assert_int_equal(load("[peer 192.0.2.9]\nfast_path = no\n[peer 192.0.2.10]\nsecret = x\n",
			      &c, err), 0);
	addr_parse("192.0.2.9", &a);
	assert_false(conf_peer_fast_path(&c, &a));
	addr_parse("192.0.2.10", &a);
	assert_true(conf_peer_fast_path(&c, &a));
	addr_parse("192.0.2.11", &a);
	assert_true(conf_peer_fast_path(&c, &a));
	assert_int_equal(load("[peer 192.0.2.9]\nfast_path = maybe\n", &c, err), -1);
}

/* The least-privilege and echo-limit keys: defaults, values, range. */
static void test_security_keys(void **state)
{
	struct conf c;
	char err[256] = "";

	assert_int_equal(load("[global]\n", &c, err), 0);
	assert_string_equal(c.user, "");
	assert_string_equal(c.ctl_group, "");
	assert_int_equal(c.lcp_echo_rate, 10);
	assert_int_equal(load("[global]\nuser = l2tpx\nctl_group = l2tpx-ops\n"
			      "lcp_echo_rate = 0\n", &c, err), 0);
	assert_string_equal(c.user, "l2tpx");
	assert_string_equal(c.ctl_group, "l2tpx-ops");
	assert_int_equal(c.lcp_echo_rate, 0);
	assert_int_equal(load("[global]\nlcp_echo_rate = 100001\n", &c, err), -1);
	assert_non_null(strstr(err, "lcp_echo_rate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors_name_line),
		cmocka_unit_test(test_accel_mode),
		cmocka_unit_test(test_unknown_key_is_warning),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_operations_keys),
		cmocka_unit_test(test_security_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
