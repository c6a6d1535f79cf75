// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the event loop (user/event.c): timer heap order, re-arm,
 * disarm from callbacks, the real timerfd, and descriptor dispatch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "event.h"

static uint64_t clk;
static uint64_t fake(void *arg)
{
	return clk;
}

static int order[64], norder;

static void rec(struct ev_loop *l, struct ev_timer *t, void *arg)
{
	order[norder++] = (int)(intptr_t)arg;
}

static void test_heap_order(void **state)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer t[40];
	int i;

	ev_set_clock(l, fake, NULL);
	clk = 1000;
	norder = 0;
	/* deadlines in a scrambled order: (i * 17) % 40 */
	for (i = 0; i < 40; i++) {
		ev_timer_init(&t[i], rec, (void *)(intptr_t)((i * 17) % 40));
		ev_timer_arm(l, &t[i], 10 + (i * 17) % 40);
	}
	/* re-arm one later, disarm another */
	ev_timer_arm(l, &t[0], 1000);	/* was the 0 deadline */
	ev_timer_disarm(l, &t[1]);	/* value 17 */
	assert_int_equal(ev_timer_count(l), 39);
	clk += 100;
	assert_int_equal(ev_run_timers(l), 38);
	for (i = 1; i < 38; i++)
		assert_true(order[i - 1] < order[i]);
	assert_int_equal(order[0], 1);
	clk += 1000;
	assert_int_equal(ev_run_timers(l), 1);
	assert_int_equal(order[38], 0);
	assert_int_equal(ev_timer_count(l), 0);
	ev_loop_free(l);
}

static struct ev_timer *victim;
static void killer(struct ev_loop *l, struct ev_timer *t, void *arg)
{
	ev_timer_disarm(l, victim);
	ev_timer_arm(l, t, 5);	/* re-arm itself once */
	if (++norder > 1)
		ev_timer_disarm(l, t);
}

static void test_callbacks_may_rearm_and_disarm(void **state)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer a, b;

	ev_set_clock(l, fake, NULL);
	clk = 50;
	norder = 0;
	ev_timer_init(&a, killer, NULL);
	ev_timer_init(&b, rec, NULL);
	victim = &b;
	ev_timer_arm(l, &a, 1);
	ev_timer_arm(l, &b, 2);
	clk += 2;
	ev_run_timers(l);
	assert_false(ev_timer_armed(&b));	/* killed before it was due to run */
	assert_true(ev_timer_armed(&a));
	clk += 5;
	ev_run_timers(l);
	assert_int_equal(norder, 2);
	assert_false(ev_timer_armed(&a));
	ev_loop_free(l);
}

static int fired;
static void fire(struct ev_loop *l, struct ev_timer *t, void *arg)
{
	fired++;
	ev_break(l);
}

static void test_real_timerfd(void **state)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer t;
	uint64_t t0 = ev_now(l);

	fired = 0;
	ev_timer_init(&t, fire, NULL);
	ev_timer_arm(l, &t, 30);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(fired, 1);
	assert_true(ev_now(l) - t0 >= 30);
	assert_true(ev_now(l) - t0 < 1000);
	ev_loop_free(l);
}

static int got_fd;
static void on_fd(struct ev_loop *l, int fd, uint32_t ev, void *arg)
{
	char c;

	got_fd = read(fd, &c, 1) == 1 ? c : -1;
}

static void test_fd_dispatch(void **state)
{
	struct ev_loop *l = ev_loop_new();
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(ev_fd_add(l, p[0], 1 /* EPOLLIN */, on_fd, NULL), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_run_once(l, 1000), 0);
	assert_int_equal(got_fd, 'x');
	assert_int_equal(ev_fd_del(l, p[0]), 0);
	assert_int_equal(ev_fd_del(l, p[0]), -2);
	close(p[0]);
	close(p[1]);
	ev_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_order),
		cmocka_unit_test(test_callbacks_may_rearm_and_disarm),
		cmocka_unit_test(test_real_timerfd),
		cmocka_unit_test(test_fd_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
