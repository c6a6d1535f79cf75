// SPDX-License-Identifier: GPL-2.0
/* The dataplane module (user/dp.c) on a private bpffs: load and pin,
 * reopen from the pins, sessions with their addresses all or nothing, an
 * address never owned twice, prefixes added and removed, the NAT
 * rebinding update, counters, and unload. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "bpftest.h"
#include "dp.h"
#include "util.h"

static char root[] = "/tmp/l2tpx-dp-XXXXXX";
static char pins[64];

static int setup(void **state)
{
	return bt_bpffs_setup(root, pins, sizeof(pins));
}

static int teardown(void **state)
{
	bt_bpffs_done(root);
	return 0;
}

static struct l2tpx_sess_key key(uint16_t t, uint16_t s)
{
	return (struct l2tpx_sess_key){ htons(t), htons(s) };
}

static struct l2tpx_session sess(void)
{
	struct l2tpx_session v = { 0 };

	addr_parse("192.0.2.2", &v.local);
	addr_parse("192.0.2.1", &v.peer);
	v.local_port = v.peer_port = htons(1701);
	v.peer_tunnel_id = htons(100);
	v.peer_session_id = htons(200);
	v.mtu = 1500;
	return v;
}

static int count_cb(const struct dp_session_info *si, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_dp_lifecycle(void **state)
{
	struct dp_opts o = { .pin_dir = pins, .max_sessions = 1024 };
	struct l2tpx_sess_key k1 = key(300, 400), k2 = key(301, 401);
	struct l2tpx_session v = sess(), got;
	struct dp_prefix p[3];
	struct l2tpx_counter c[L2TPX_R_MAX];
	struct dp *dp, *dp2;
	int n;

	assert_false(dp_pinned(&o));
	assert_int_equal(dp_open(&dp, &o, false), -ENOENT);	/* nothing pinned, no load */
	assert_int_equal(dp_open(&dp, &o, true), 0);
	assert_true(dp_pinned(&o));

	assert_int_equal(prefix_parse("198.51.100.10", &p[0]), 0);
	assert_int_equal(prefix_parse("198.51.100.128/25", &p[1]), 0);
	assert_int_equal(prefix_parse("2001:db8:100::/64", &p[2]), 0);
	assert_int_equal(dp_session_add(dp, &k1, &v, p, 3), 0);
	assert_int_equal(dp_session_add(dp, &k1, &v, p, 0), -EEXIST);
	/* an address another session owns: refused, and nothing of the
	 * second session is left behind */
	v = sess();
	assert_int_equal(dp_session_add(dp, &k2, &v, &p[0], 1), -EEXIST);
	assert_int_equal(dp_session_get(dp, &k2, &got), -ENOENT);

	/* a second opener (another process) sees the same maps */
	assert_int_equal(dp_open(&dp2, &o, false), 0);
	assert_int_equal(dp_session_get(dp2, &k1, &got), 0);
	assert_int_equal(got.peer_tunnel_id, htons(100));

	/* NAT rebinding: only the port changes */
	assert_int_equal(dp_session_set_peer_port(dp2, &k1, htons(4500)), 0);
	assert_int_equal(dp_session_get(dp, &k1, &got), 0);
	assert_int_equal(got.peer_port, htons(4500));
	assert_int_equal(got.peer_session_id, htons(200));
	assert_int_equal(dp_session_set_peer_port(dp, &k2, htons(1)), -ENOENT);

	/* prefixes come and go on an installed session */
	struct dp_prefix extra;

	assert_int_equal(prefix_parse("203.0.113.0/24", &extra), 0);
	assert_int_equal(dp_prefix_add(dp, &k1, &extra), 0);
	assert_int_equal(dp_prefix_add(dp, &k1, &extra), -EEXIST);
	assert_int_equal(dp_prefix_add(dp, &k2, &extra), -ENOENT);	/* no such session */
	assert_int_equal(dp_prefix_del(dp, &extra), 0);
	assert_int_equal(dp_prefix_del(dp, &extra), -ENOENT);

	n = 0;
	assert_int_equal(dp_session_foreach(dp, count_cb, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(dp_reason_stats(dp, c), 0);
	assert_int_equal(c[L2TPX_R_DECAP_FWD].packets, 0);
	assert_string_equal(dp_reason_name(L2TPX_R_SPOOFED), "spoofed");

	/* deleting the session takes its addresses with it */
	assert_int_equal(dp_session_del(dp, &k1), 0);
	v = sess();
	assert_int_equal(dp_session_add(dp, &k2, &v, p, 3), 0);
	assert_int_equal(dp_session_del(dp, &k2), 0);
	assert_int_equal(dp_session_del(dp, &k2), -ENOENT);

	dp_close(dp2);
	assert_int_equal(dp_unload(dp), 0);
	dp_close(dp);
	assert_false(dp_pinned(&o));
}

/* Deleting a session removes its addresses whichever handle installed it:
 * the one that did knows them, another walks the maps; an address that has
 * moved to another session since is left alone; batched installs too. */
static void test_dp_delete_paths(void **state)
{
	struct dp_opts o = { .pin_dir = pins, .max_sessions = 1024 };
	struct l2tpx_sess_key k1 = key(310, 410), k2 = key(311, 411), k3 = key(312, 412);
	struct l2tpx_sess_key bk[3] = { key(320, 1), key(320, 2), key(320, 3) };
	struct l2tpx_session v = sess(), bv[3] = { sess(), sess(), sess() };
	struct dp_prefix a, b, bp[3];
	struct dp *dp, *other;
	__u32 done;

	assert_int_equal(dp_open(&dp, &o, true), 0);
	assert_int_equal(dp_open(&other, &o, false), 0);
	assert_int_equal(prefix_parse("198.51.100.20", &a), 0);
	assert_int_equal(prefix_parse("2001:db8:100:1::/64", &b), 0);

	/* installed by this handle: it deletes what it gave */
	assert_int_equal(dp_session_add(dp, &k1, &v, &a, 1), 0);
	assert_int_equal(dp_prefix_add(dp, &k1, &b), 0);
	assert_int_equal(dp_session_del(dp, &k1), 0);
	v = sess();
	assert_int_equal(dp_session_add(other, &k2, &v, &a, 1), 0);	/* a is free again */
	assert_int_equal(dp_prefix_add(other, &k2, &b), 0);		/* so is b */

	/* installed by another handle: the delete walks the maps */
	assert_int_equal(dp_session_del(dp, &k2), 0);
	v = sess();
	assert_int_equal(dp_session_add(dp, &k3, &v, &a, 1), 0);
	assert_int_equal(dp_prefix_add(dp, &k3, &b), 0);

	/* b moves from k3 to k1 behind this handle's back: deleting k3
	 * removes a but not k1's b */
	assert_int_equal(dp_prefix_del(other, &b), 0);
	v = sess();
	assert_int_equal(dp_session_add(other, &k1, &v, &b, 1), 0);
	assert_int_equal(dp_session_del(dp, &k3), 0);
	assert_int_equal(dp_prefix_add(other, &k1, &b), -EEXIST);	/* still k1's */
	assert_int_equal(dp_prefix_add(other, &k1, &a), 0);		/* a was removed */
	assert_int_equal(dp_session_del(other, &k1), 0);

	/* batched install: each session gets its address; ids or addresses
	 * already present refuse the whole batch before anything is written */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(prefix_parse(i == 0 ? "198.51.100.30" : i == 1 ? "198.51.100.31"
						      : "2001:db8:100::31", &bp[i]), 0);
	}
	assert_int_equal(dp_session_add_batch(dp, bk, bv, bp, 3, &done), 0);
	assert_int_equal(done, 3);
	assert_int_equal(dp_prefix_add(dp, &bk[0], &bp[2]), -EEXIST);	/* owned */
	assert_int_equal(dp_session_add_batch(dp, bk, bv, bp, 1, &done), -EEXIST);
	v = sess();
	assert_int_equal(dp_session_add_batch(dp, &k2, &v, &bp[1], 1, &done), -EEXIST);
	assert_int_equal(dp_session_get(dp, &k2, &v), -ENOENT);	/* nothing written */
	for (int i = 0; i < 3; i++)
		assert_int_equal(dp_session_del(dp, &bk[i]), 0);
	assert_int_equal(dp_prefix_add(dp, &k2, &bp[2]), -ENOENT);	/* no session k2 */
	v = sess();
	assert_int_equal(dp_session_add(dp, &k2, &v, bp, 3), 0);	/* all three free */
	assert_int_equal(dp_session_del(dp, &k2), 0);

	dp_close(other);
	assert_int_equal(dp_unload(dp), 0);
	dp_close(dp);
}

static int audit_cb(const char *problem, void *arg)
{
	print_message("# %s\n", problem);
	(*(int *)arg)++;
	return 0;
}

/* The fast copies (l2tpx_fast, _fast4, _fast6) follow the maps through any
 * sequence of writes: 3,000 random adds (single and batched), deletes, port
 * changes and address moves from a fixed seed, on ids and addresses chosen
 * to collide (session ids 1-8 on tunnels 1-6 share 8 slots; 2001:db8:N::5
 * share one), and the audit finds no copy that disagrees with its map after
 * any of them. */
static void test_dp_fast_copies_follow_maps(void **state)
{
	struct dp_opts o = { .pin_dir = pins, .max_sessions = 1024 };
	static const char *const addrs[] = {
		"198.51.100.5", "198.51.100.6", "198.51.100.7", "2001:db8:1::5",
		"2001:db8:2::5", "2001:db8:3::6", "203.0.113.0/28", "2001:db8:9::/64",
	};
	struct dp_prefix pf[8];
	struct dp *dp;
	unsigned int seed = 12345, ops[5] = { 0 };
	int problems = 0;

	for (int i = 0; i < 8; i++)
		assert_int_equal(prefix_parse(addrs[i], &pf[i]), 0);
	assert_int_equal(dp_open(&dp, &o, true), 0);
	for (int i = 0; i < 3000; i++) {
		struct l2tpx_sess_key k = key(1 + rand_r(&seed) % 6, 1 + rand_r(&seed) % 8);
		struct l2tpx_session v = sess();
		struct dp_prefix *p = &pf[rand_r(&seed) % 8];
		int op = rand_r(&seed) % 5, err = 0;

		switch (op) {
		case 0:
			err = dp_session_add(dp, &k, &v, p, rand_r(&seed) % 2);
			break;
		case 1: {
			struct l2tpx_sess_key bk[2] = { k, key(k.tunnel_id == htons(6) ? 1 : 6, 7) };
			struct l2tpx_session bv[2] = { sess(), sess() };
			struct dp_prefix bp[2] = { pf[rand_r(&seed) % 6], pf[rand_r(&seed) % 6] };
			__u32 done;

			err = dp_session_add_batch(dp, bk, bv, rand_r(&seed) % 2 ? bp : NULL, 2,
						   &done);
			break;
		}
		case 2:
			err = dp_session_del(dp, &k);
			break;
		case 3:
			err = dp_session_set_peer_port(dp, &k, htons(1024 + rand_r(&seed) % 4));
			break;
		default:
			err = rand_r(&seed) % 2 ? dp_prefix_add(dp, &k, p) : dp_prefix_del(dp, p);
			break;
		}
		if (!err)
			ops[op]++;
		assert_int_equal(dp_fast_audit(dp, audit_cb, &problems), 0);
		if (problems)
			fail_msg("after operation %d (kind %d, error %d): %d problems", i, op, err,
				 problems);
	}
	/* Every kind of write happened, not only refusals. */
	print_message("# writes that took: add %u, batch %u, del %u, port %u, address %u\n",
		      ops[0], ops[1], ops[2], ops[3], ops[4]);
	for (int i = 0; i < 5; i++)
		assert_true(ops[i] > 10);
	assert_int_equal(dp_unload(dp), 0);
	dp_close(dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_lifecycle),
		cmocka_unit_test(test_dp_delete_paths),
		cmocka_unit_test(test_dp_fast_copies_follow_maps),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
