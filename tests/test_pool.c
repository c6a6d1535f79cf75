// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the address pool (user/pool.c): ranges, static addresses,
 * exhaustion, no address given twice, addresses coming back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "pool.h"

static uint32_t a(const char *s)
{
	struct in_addr x;

	inet_pton(AF_INET, s, &x);
	return x.s_addr;
}

static void test_exhaustion_and_reuse(void **state)
{
	struct pool p;
	uint32_t got[4], x;

	pool_init(&p);
	assert_int_equal(pool_add_range(&p, "198.51.100.10-198.51.100.12"), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pool_take(&p, 0, &got[i]), 0);
	assert_true(got[0] != got[1] && got[1] != got[2] && got[0] != got[2]);
	/* exhausted: the fourth session gets nothing */
	assert_int_equal(pool_take(&p, 0, &got[3]), -1);
	pool_put(&p, got[1]);
	assert_false(pool_is_used(&p, got[1]));
	assert_int_equal(pool_take(&p, 0, &x), 0);
	assert_int_equal(x, got[1]);
	assert_int_equal(p.in_use, 3);
	pool_fini(&p);
}

static void test_static_addresses(void **state)
{
	struct pool p;
	uint32_t x;

	pool_init(&p);
	assert_int_equal(pool_add_range(&p, "198.51.100.0/29"), 0);	/* .1-.6 */
	assert_int_equal(p.size, 6);
	/* a static address inside the range, then the range avoids it */
	assert_int_equal(pool_take(&p, a("198.51.100.1"), &x), 0);
	assert_int_equal(pool_take(&p, a("198.51.100.1"), &x), -1);	/* never twice */
	assert_int_equal(pool_take(&p, 0, &x), 0);
	assert_true(x != a("198.51.100.1"));
	/* a static address outside every range */
	assert_int_equal(pool_take(&p, a("203.0.113.5"), &x), 0);
	assert_true(pool_is_used(&p, a("203.0.113.5")));
	assert_int_equal(pool_take(&p, a("203.0.113.5"), &x), -1);
	pool_put(&p, a("203.0.113.5"));
	assert_false(pool_is_used(&p, a("203.0.113.5")));
	pool_fini(&p);
}

static void test_ranges_bad(void **state)
{
	struct pool p;

	pool_init(&p);
	assert_int_equal(pool_add_range(&p, "198.51.100.20-198.51.100.10"), -1);
	assert_int_equal(pool_add_range(&p, "198.51.100.0/33"), -1);
	assert_int_equal(pool_add_range(&p, "nonsense"), -1);
	assert_int_equal(pool_add_range(&p, "198.51.100.0/24"), 0);
	assert_int_equal(pool_add_range(&p, "198.51.100.128/25"), -1);	/* overlap */
	assert_int_equal(pool_add_range(&p, "203.0.113.7"), 0);
	assert_int_equal(p.size, 254 + 1);
	pool_fini(&p);
}

static void test_round_robin(void **state)
{
	struct pool p;
	uint32_t x, y;

	pool_init(&p);
	pool_add_range(&p, "198.51.100.10-198.51.100.19");
	pool_take(&p, 0, &x);
	pool_put(&p, x);
	pool_take(&p, 0, &y);
	/* a freed address rests while others are free */
	assert_true(x != y);
	pool_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustion_and_reuse),
		cmocka_unit_test(test_static_addresses),
		cmocka_unit_test(test_ranges_bad),
		cmocka_unit_test(test_round_robin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
