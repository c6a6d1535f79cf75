// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/util.c: address, prefix and number parsing that the
 * CLI and the daemon feed to the data plane. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "util.h"

static void test_addr_v4_is_mapped(void **state)
{
	struct l2tpx_addr a;
	char buf[64];

	assert_int_equal(addr_parse("192.0.2.1", &a), AF_INET);
	assert_int_equal(a.a32[0], 0);
	assert_int_equal(a.a32[1], 0);
	assert_int_equal(a.a32[2], htonl(0xffff));
	assert_int_equal(a.a32[3], htonl(0xc0000201));
	assert_string_equal(addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
}

static void test_addr_v6(void **state)
{
	struct l2tpx_addr a;
	char buf[64];

	assert_int_equal(addr_parse("2001:db8::1", &a), AF_INET6);
	assert_int_equal(a.a8[0], 0x20);
	assert_int_equal(a.a8[15], 1);
	assert_string_equal(addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
}

static void test_addr_bad(void **state)
{
	struct l2tpx_addr a;

	assert_int_equal(addr_parse("192.0.2", &a), -1);
	assert_int_equal(addr_parse("", &a), -1);
	assert_int_equal(addr_parse("2001:db8:::1", &a), -1);
	assert_int_equal(addr_parse("192.0.2.1/24", &a), -1);
}

static void test_prefix(void **state)
{
	struct dp_prefix p;
	char buf[64];

	assert_int_equal(prefix_parse("198.51.100.0/24", &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.len, 24);
	assert_string_equal(prefix_str(&p, buf, sizeof(buf)), "198.51.100.0/24");

	assert_int_equal(prefix_parse("198.51.100.7", &p), 0);
	assert_int_equal(p.len, 32);

	assert_int_equal(prefix_parse("2001:db8:100::/56", &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.len, 56);
	assert_string_equal(prefix_str(&p, buf, sizeof(buf)), "2001:db8:100::/56");

	assert_int_equal(prefix_parse("2001:db8::5", &p), 0);
	assert_int_equal(p.len, 128);
}

static void test_prefix_bad(void **state)
{
	struct dp_prefix p;

	/* host bits set, as `ip route` refuses too */
	assert_int_equal(prefix_parse("198.51.100.1/24", &p), -1);
	assert_int_equal(prefix_parse("2001:db8::1/64", &p), -1);
	assert_int_equal(prefix_parse("198.51.100.0/33", &p), -1);
	assert_int_equal(prefix_parse("2001:db8::/129", &p), -1);
	assert_int_equal(prefix_parse("198.51.100.0/", &p), -1);
	assert_int_equal(prefix_parse("198.51.100.0/-1", &p), -1);
	assert_int_equal(prefix_parse("nonsense", &p), -1);
	/* longer than any address: refused, not overflowed */
	assert_int_equal(prefix_parse("2001:0db8:0000:0000:0000:0000:0000:0000:0000/64", &p), -1);
}

static void test_num(void **state)
{
	unsigned long v;

	assert_int_equal(num_parse("1701", 1, 65535, &v), 0);
	assert_int_equal(v, 1701);
	assert_int_equal(num_parse("0x6a5", 1, 65535, &v), 0);
	assert_int_equal(v, 1701);
	assert_int_equal(num_parse("0", 1, 65535, &v), -1);
	assert_int_equal(num_parse("65536", 1, 65535, &v), -1);
	assert_int_equal(num_parse("-1", 0, 65535, &v), -1);
	assert_int_equal(num_parse("12x", 0, 65535, &v), -1);
	assert_int_equal(num_parse("", 0, 65535, &v), -1);
	assert_int_equal(num_parse(NULL, 0, 65535, &v), -1);
}

/* The token bucket: a full burst at once, then `rate` per second, never
 * more than the burst after idling, nothing from a clock going back. */
static void test_tbucket(void **state)
{
	struct tbucket b;
	int n;

	tbucket_init(&b, 10, 5, 1000);
	for (n = 0; n < 100 && tbucket_take(&b, 1000); n++)
		;
	assert_int_equal(n, 5);			/* the burst */
	assert_false(tbucket_take(&b, 1099));	/* 0.99 token */
	assert_true(tbucket_take(&b, 1100));	/* 100 ms at 10/s = one */
	assert_false(tbucket_take(&b, 1100));
	/* over one second at a steady offered load of 1000/s: rate + nothing more */
	n = 0;
	for (uint64_t t = 1101; t <= 2100; t++)
		n += tbucket_take(&b, t);
	assert_int_equal(n, 10);
	/* an hour idle refills only up to the burst */
	for (n = 0; n < 100 && tbucket_take(&b, 2100 + 3600000); n++)
		;
	assert_int_equal(n, 5);
	/* the clock going back gives nothing */
	assert_false(tbucket_take(&b, 1000));
	/* huge rate and burst do not overflow */
	tbucket_init(&b, UINT32_MAX, UINT32_MAX, 0);
	assert_true(tbucket_take(&b, UINT64_MAX / 2));
	/* rate 0: unlimited */
	tbucket_init(&b, 0, 0, 0);
	for (n = 0; n < 10000 && tbucket_take(&b, 0); n++)
		;
	assert_int_equal(n, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_v4_is_mapped),
		cmocka_unit_test(test_addr_v6),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_bad),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_tbucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
