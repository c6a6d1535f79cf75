// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/udp.c in a private network namespace: the receiver
 * learns which of its addresses a datagram came to, and a reply sent from
 * that address leaves from it (multi-homed LNS). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>
#include <poll.h>
#include <cmocka.h>

#include "udp.h"
#include "util.h"

static int setup_netns(void **state)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	/* Documentation prefixes on lo of a namespace nobody else sees. */
	return system("ip link set lo up && "
		      "ip addr add 192.0.2.1/32 dev lo && ip addr add 192.0.2.2/32 dev lo && "
		      "ip addr add 2001:db8::1/128 dev lo nodad && "
		      "ip addr add 2001:db8::2/128 dev lo nodad") ? -1 : 0;
}

static void ep(struct udp_ep *e, const char *a, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	assert_true(addr_parse(a, &e->addr) > 0);
	e->port = port;
}

static void roundtrip(int family, const char *srv_a1, const char *srv_a2, const char *cli_a)
{
	struct udp_ep from, to, dst, local;
	char buf[64], s[64];
	struct pollfd pfd;
	int srv, cli;
	ssize_t n;

	srv = udp_open(family, NULL, 17010);	/* any address */
	assert_true(srv >= 0);
	cli = udp_open(family, NULL, 17011);
	assert_true(cli >= 0);

	/* the client talks to the server's second address */
	ep(&dst, srv_a2, 17010);
	assert_int_equal(udp_send(cli, "hello", 5, NULL, &dst), 5);
	pfd = (struct pollfd){ .fd = srv, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	n = udp_recv(srv, buf, sizeof(buf), &from, &to);
	assert_int_equal(n, 5);
	assert_string_equal(udp_ep_str(&to, s, sizeof(s)),
			    family == AF_INET ? "192.0.2.2:17010" : "[2001:db8::2]:17010");
	assert_int_equal(from.port, 17011);

	/* the reply leaves from the address the request came to */
	local = to;
	assert_int_equal(udp_send(srv, "world", 5, &local, &from), 5);
	pfd.fd = cli;
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	n = udp_recv(cli, buf, sizeof(buf), &from, &to);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "world", 5);
	ep(&dst, srv_a2, 17010);
	assert_true(udp_ep_eq(&from, &dst));
	(void)srv_a1;
	(void)cli_a;
	close(srv);
	close(cli);
}

static void test_v4_reply_from_request_address(void **state)
{
	roundtrip(AF_INET, "192.0.2.1", "192.0.2.2", "192.0.2.1");
}

static void test_v6_reply_from_request_address(void **state)
{
	roundtrip(AF_INET6, "2001:db8::1", "2001:db8::2", "2001:db8::1");
}

static void test_bind_specific(void **state)
{
	struct l2tpx_addr a;
	int fd;

	addr_parse("192.0.2.1", &a);
	fd = udp_open(AF_INET, &a, 17020);
	assert_true(fd >= 0);
	close(fd);
	addr_parse("203.0.113.9", &a);	/* not ours */
	assert_int_equal(udp_open(AF_INET, &a, 17020), -99 /* EADDRNOTAVAIL */);
}

/* A burst the daemon has not read yet (many calls coming up at once) is
 * kept whole: the default receive buffer holds about a hundred of these. */
static void test_burst_kept(void **state)
{
	struct l2tpx_addr a;
	struct udp_ep to = { .port = 17030 }, from, dst;
	uint8_t buf[1000] = { 0 };
	int srv, cli, i, got = 0;

	addr_parse("192.0.2.1", &a);
	srv = udp_open(AF_INET, &a, 17030);
	addr_parse("192.0.2.2", &a);
	cli = udp_open(AF_INET, &a, 17031);
	assert_true(srv >= 0 && cli >= 0);
	addr_parse("192.0.2.1", &to.addr);
	for (i = 0; i < 1000; i++)
		assert_int_equal(udp_send(cli, buf, sizeof(buf), NULL, &to), sizeof(buf));
	while (udp_recv(srv, buf, sizeof(buf), &from, &dst) == sizeof(buf))
		got++;
	assert_int_equal(got, 1000);
	close(srv);
	close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_reply_from_request_address),
		cmocka_unit_test(test_v6_reply_from_request_address),
		cmocka_unit_test(test_bind_specific),
		cmocka_unit_test(test_burst_kept),
	};

	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
