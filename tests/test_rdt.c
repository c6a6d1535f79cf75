// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the control-connection reliable delivery engine
 * (user/l2tp_rdt.c) under an injectable clock: Ns/Nr and their wrap, the
 * window, retransmission and backoff, failure, duplicates, reordering and
 * delayed ZLBs (RFC 2661 5.8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "event.h"
#include "l2tp_rdt.h"

#define MAXW	64

struct fixture {
	struct ev_loop *loop;
	uint64_t now;
	struct l2tp_rdt r;
	/* what went on the wire */
	struct { uint16_t ns, nr, len; uint8_t tag; uint64_t t; } wire[MAXW];
	int nwire;
	/* what was delivered, by tag */
	uint8_t got[MAXW];
	int ngot;
	int failed;
	int destroy_on;		/* deliver() returns 1 for this tag */
};

static uint64_t fake_now(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static int f_xmit(void *ctx, const uint8_t *b, size_t len)
{
	struct fixture *f = ctx;

	assert_true(f->nwire < MAXW);
	f->wire[f->nwire].ns = b[8] << 8 | b[9];
	f->wire[f->nwire].nr = b[10] << 8 | b[11];
	f->wire[f->nwire].len = len;
	f->wire[f->nwire].tag = len > 12 ? b[12] : 0;
	f->wire[f->nwire].t = f->now;
	f->nwire++;
	return 0;
}

static int f_deliver(void *ctx, const uint8_t *b, size_t len)
{
	struct fixture *f = ctx;

	f->got[f->ngot++] = b[12];
	return f->destroy_on && b[12] == f->destroy_on;
}

static void f_failed(void *ctx)
{
	((struct fixture *)ctx)->failed++;
}

static const struct l2tp_rdt_ops ops = { f_xmit, f_deliver, f_failed };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->loop = ev_loop_new();
	f->now = 1000000;
	ev_set_clock(f->loop, fake_now, f);
	l2tp_rdt_init(&f->r, f->loop, NULL, &ops, f);
	l2tp_rdt_set_peer(&f->r, 77, 4);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	l2tp_rdt_fini(&f->r);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

static void advance(struct fixture *f, uint64_t ms)
{
	f->now += ms;
	ev_run_timers(f->loop);
}

/* A 13-byte "message" whose first AVP byte is a tag we can follow. */
static void send_tag(struct fixture *f, uint8_t tag)
{
	uint8_t m[13] = { 0xc8, 0x02, 0, 13, 0, 77 };

	m[12] = tag;
	assert_int_equal(l2tp_rdt_send(&f->r, m, sizeof(m)), 0);
}

static void recv_tag(struct fixture *f, uint16_t ns, uint16_t nr, uint8_t tag)
{
	uint8_t m[13] = { 0xc8, 0x02, 0, 13 };

	m[12] = tag;
	l2tp_rdt_recv(&f->r, ns, nr, m, sizeof(m), 0);
}

static void test_ns_assigned_and_window(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 1; i <= 6; i++)
		send_tag(f, i);
	/* peer window 4: four on the wire, Ns 0..3, Nr 0 */
	assert_int_equal(f->nwire, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(f->wire[i].ns, i);
		assert_int_equal(f->wire[i].nr, 0);
		assert_int_equal(f->wire[i].tag, i + 1);
	}
	/* a ZLB acknowledging two opens the window for two more */
	l2tp_rdt_recv(&f->r, 0, 2, NULL, 12, 1);
	assert_int_equal(f->nwire, 6);
	assert_int_equal(f->wire[4].ns, 4);
	assert_int_equal(f->wire[5].ns, 5);
	assert_false(l2tp_rdt_idle(&f->r));
	l2tp_rdt_recv(&f->r, 0, 6, NULL, 12, 1);
	assert_true(l2tp_rdt_idle(&f->r));
}

static void test_wrap(void **state)
{
	struct fixture *f = *state;

	f->r.ns = 0xfffe;
	f->r.nr = 0xffff;
	send_tag(f, 1);
	send_tag(f, 2);
	send_tag(f, 3);
	assert_int_equal(f->wire[0].ns, 0xfffe);
	assert_int_equal(f->wire[1].ns, 0xffff);
	assert_int_equal(f->wire[2].ns, 0x0000);
	assert_int_equal(f->wire[0].nr, 0xffff);
	/* the peer's message 0xffff then 0x0000: both delivered, in order */
	recv_tag(f, 0xffff, 0xffff, 10);
	recv_tag(f, 0x0000, 0x0001, 11);
	assert_int_equal(f->ngot, 2);
	assert_int_equal(f->r.nr, 1);
	/* Nr 1 acknowledged 0xfffe, 0xffff and 0x0000 across the wrap */
	assert_true(l2tp_rdt_idle(&f->r));
	/* a duplicate of 0xffff after the wrap is recognised as old */
	recv_tag(f, 0xffff, 0x0001, 10);
	assert_int_equal(f->ngot, 2);
	assert_int_equal(f->r.n_duplicates, 1);
}

static void test_retransmit_backoff_and_fail(void **state)
{
	struct fixture *f = *state;
	static const uint64_t gaps[] = { 1000, 2000, 4000, 8000, 8000 };
	int i;

	send_tag(f, 1);
	assert_int_equal(f->nwire, 1);
	for (i = 0; i < 5; i++) {
		advance(f, gaps[i] - 1);
		assert_int_equal(f->nwire, i + 1);	/* not yet */
		advance(f, 1);
		assert_int_equal(f->nwire, i + 2);	/* retransmitted, same Ns */
		assert_int_equal(f->wire[i + 1].ns, 0);
	}
	assert_int_equal(f->failed, 0);
	advance(f, 8000);
	assert_int_equal(f->failed, 1);
	assert_int_equal(f->r.n_retransmitted, 5);
}

static void test_ack_resets_backoff(void **state)
{
	struct fixture *f = *state;

	send_tag(f, 1);
	advance(f, 1000);
	advance(f, 2000);
	assert_int_equal(f->nwire, 3);
	l2tp_rdt_recv(&f->r, 0, 1, NULL, 12, 1);
	send_tag(f, 2);
	assert_int_equal(f->nwire, 4);
	advance(f, 1000);	/* back to the initial timeout */
	assert_int_equal(f->nwire, 5);
	assert_int_equal(f->wire[4].ns, 1);
}

static void test_retransmission_carries_current_nr(void **state)
{
	struct fixture *f = *state;

	send_tag(f, 1);
	recv_tag(f, 0, 0, 9);	/* peer's message 0 arrives, not acking ours */
	advance(f, 100);	/* delayed ZLB: Nr 1 */
	assert_int_equal(f->r.n_zlb_sent, 1);
	advance(f, 900);
	/* the retransmission carries the current Nr too */
	assert_int_equal(f->wire[f->nwire - 1].nr, 1);
	assert_int_equal(f->wire[f->nwire - 1].tag, 1);
	assert_int_equal(f->wire[f->nwire - 1].ns, 0);
}

static void test_duplicate_reacked_not_redelivered(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 0, 0, 1);
	assert_int_equal(f->ngot, 1);
	recv_tag(f, 0, 0, 1);
	assert_int_equal(f->ngot, 1);
	/* duplicate answered at once with a ZLB carrying Nr 1 */
	assert_int_equal(f->nwire, 1);
	assert_int_equal(f->wire[0].len, 12);
	assert_int_equal(f->wire[0].nr, 1);
}

static void test_out_of_order_held_and_delivered(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 2, 0, 3);
	recv_tag(f, 1, 0, 2);
	assert_int_equal(f->ngot, 0);
	recv_tag(f, 3, 0, 4);
	recv_tag(f, 0, 0, 1);
	assert_int_equal(f->ngot, 4);
	assert_memory_equal(f->got, ((uint8_t[]){ 1, 2, 3, 4 }), 4);
	assert_int_equal(f->r.nr, 4);
	/* the held copy of 2 arriving again is a duplicate now */
	recv_tag(f, 2, 0, 3);
	assert_int_equal(f->ngot, 4);
}

static void test_gap_then_fill_in_middle(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 0, 0, 1);
	recv_tag(f, 3, 0, 4);	/* 1 and 2 missing */
	recv_tag(f, 1, 0, 2);	/* delivers 1; 3 still waits for 2 */
	assert_int_equal(f->ngot, 2);
	recv_tag(f, 2, 0, 3);
	assert_int_equal(f->ngot, 4);
	assert_memory_equal(f->got, ((uint8_t[]){ 1, 2, 3, 4 }), 4);
}

static void test_out_of_window_dropped(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 9, 0, 9);	/* our window is 8: Ns 9 is beyond it */
	assert_int_equal(f->r.n_out_of_window, 1);
	recv_tag(f, 0x8000, 0, 9);
	assert_int_equal(f->r.n_out_of_window, 1);	/* 0x8000 is "old" */
	assert_int_equal(f->ngot, 0);
}

static void test_delayed_zlb(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 0, 0, 1);
	assert_int_equal(f->nwire, 0);
	advance(f, 99);
	assert_int_equal(f->nwire, 0);
	advance(f, 1);
	assert_int_equal(f->nwire, 1);
	assert_int_equal(f->wire[0].len, 12);
	assert_int_equal(f->wire[0].nr, 1);
	assert_int_equal(f->wire[0].ns, 0);
}

/* A peer with a backlog fills our window: with half of it unacknowledged
 * the ZLB goes at once, not after the ack delay, so the peer never idles. */
static void test_half_window_acked_at_once(void **state)
{
	struct fixture *f = *state;
	uint16_t i, half = (f->r.conf.rws + 1) / 2;

	assert_true(half >= 2);
	for (i = 0; i + 1 < half; i++)
		recv_tag(f, i, 0, (uint8_t)(10 + i));
	assert_int_equal(f->nwire, 0);		/* below half: still delayed */
	recv_tag(f, i, 0, (uint8_t)(10 + i));
	assert_int_equal(f->nwire, 1);		/* half: acknowledged now */
	assert_int_equal(f->wire[0].len, 12);
	assert_int_equal(f->wire[0].nr, half);
	advance(f, 500);
	assert_int_equal(f->nwire, 1);		/* and no second ZLB for the same */
}

static void test_reply_piggybacks_ack(void **state)
{
	struct fixture *f = *state;

	recv_tag(f, 0, 0, 1);
	send_tag(f, 2);
	advance(f, 500);
	assert_int_equal(f->nwire, 1);	/* only the reply, no ZLB */
	assert_int_equal(f->wire[0].nr, 1);
}

static void test_bogus_nr_ignored(void **state)
{
	struct fixture *f = *state;

	send_tag(f, 1);
	l2tp_rdt_recv(&f->r, 0, 5, NULL, 12, 1);	/* acks what we never sent */
	assert_false(l2tp_rdt_idle(&f->r));
}

static void test_deliver_destroys(void **state)
{
	struct fixture *f = *state;

	f->destroy_on = 2;
	recv_tag(f, 1, 0, 2);
	assert_int_equal(l2tp_rdt_recv(&f->r, 0, 0, (uint8_t[13]){ [12] = 1 }, 13, 0), 1);
	assert_int_equal(f->ngot, 2);
}

static void test_queue_bounded(void **state)
{
	struct fixture *f = *state;
	uint8_t m[13] = { 0xc8, 0x02, 0, 13 };
	int i;

	for (i = 0; i < RDT_MAX_QUEUE; i++)
		assert_int_equal(l2tp_rdt_send(&f->r, m, sizeof(m)), 0);
	assert_int_equal(l2tp_rdt_send(&f->r, m, sizeof(m)), -ENOBUFS);
	assert_int_equal(l2tp_rdt_send(&f->r, m, 11), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_ns_assigned_and_window),
		T(test_wrap),
		T(test_retransmit_backoff_and_fail),
		T(test_ack_resets_backoff),
		T(test_retransmission_carries_current_nr),
		T(test_duplicate_reacked_not_redelivered),
		T(test_out_of_order_held_and_delivered),
		T(test_gap_then_fill_in_middle),
		T(test_out_of_window_dropped),
		T(test_delayed_zlb),
		T(test_half_window_acked_at_once),
		T(test_reply_piggybacks_ack),
		T(test_bogus_nr_ignored),
		T(test_deliver_destroys),
		T(test_queue_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
