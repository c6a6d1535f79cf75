// SPDX-License-Identifier: GPL-2.0
/* The accelerator's reconcile (accel_sync) against a real data plane on a
 * private bpffs: the kernel's picture in, the maps made to match it.  An
 * entry that is still right stays with its counters slot (a restart changes
 * nothing), framed routes come and go without re-adding the session, a
 * changed tunnel endpoint replaces the entry, a session that turns to
 * sequencing or leaves the kernel leaves the maps, stale entries left by a
 * previous run go, and an address clash is refused and reported. */
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
#include <linux/l2tp.h>
#include <cmocka.h>

#include "accel.h"
#include "bpftest.h"
#include "dp.h"
#include "util.h"

static char root[] = "/tmp/l2tpx-accel-XXXXXX";
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

/* A kernel session as accel_collect would leave it: pppN up, addresses. */
static void entry(struct accel_entry *e, uint16_t tid, uint16_t sid, uint16_t peer_port,
		  const char *pfx1, const char *pfx2)
{
	memset(e, 0, sizeof(*e));
	e->t.id = tid;
	e->t.peer_id = 100;
	e->t.version = 2;
	e->t.encap = L2TP_ENCAPTYPE_UDP;
	e->t.family = AF_INET;
	addr_parse("192.0.2.2", &e->t.local);
	addr_parse("192.0.2.1", &e->t.peer);
	e->t.local_port = 1701;
	e->t.peer_port = peer_port;
	e->ks.tunnel_id = tid;
	e->ks.session_id = sid;
	e->ks.peer_tunnel_id = 100;
	e->ks.peer_session_id = 200 + sid;
	e->ks.pw_type = L2TP_PWTYPE_PPP;
	e->ks.lns_mode = true;
	snprintf(e->ks.ifname, sizeof(e->ks.ifname), "ppp%u", sid);
	e->ifindex = 10 + sid;
	if (pfx1)
		assert_int_equal(prefix_parse(pfx1, &e->pfx[e->npfx++]), 0);
	if (pfx2)
		assert_int_equal(prefix_parse(pfx2, &e->pfx[e->npfx++]), 0);
}

struct seen {
	int n;
	int npfx[8];
	uint16_t peer_port[8];
};

static int seen_cb(const struct dp_session_info *si, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->npfx[s->n] = si->npfx;
		s->peer_port[s->n] = ntohs(si->val.peer_port);
	}
	s->n++;
	return 0;
}

static struct seen seen(struct dp *dp)
{
	struct seen s = { 0 };

	assert_int_equal(dp_session_foreach(dp, seen_cb, &s), 0);
	return s;
}

static void sync_expect(struct dp *dp, struct accel_entry *e, int n, int kept, int added,
			int removed)
{
	struct accel_sync_counts c;

	assert_int_equal(accel_sync(dp, e, n, "", 1500, NULL, NULL, &c), 0);
	assert_int_equal(c.kept, kept);
	assert_int_equal(c.added, added);
	assert_int_equal(c.removed, removed);
}

static void test_reconcile(void **state)
{
	struct dp_opts o = { .pin_dir = pins };
	struct l2tpx_sess_key k1 = { htons(4711), htons(1) };
	struct l2tpx_session v, v2;
	struct accel_entry e[2];
	struct dp *dp;
	struct seen s;

	assert_int_equal(dp_open(&dp, &o, true), 0);

	/* A new session enters. */
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 0, 1, 0);
	assert_true(e[0].in_dp);
	assert_int_equal(dp_session_get(dp, &k1, &v), 0);
	assert_int_equal(v.peer_session_id, htons(201));
	assert_int_equal(v.flags, L2TPX_SF_ANTISPOOF);

	/* The same picture again (as after a restart): nothing changes, the
	 * counters' slot stays. */
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 1, 0, 0);
	assert_true(e[0].in_dp);
	assert_int_equal(dp_session_get(dp, &k1, &v2), 0);
	assert_int_equal(v2.stats_idx, v.stats_idx);

	/* A framed route appears, then goes: the session stays. */
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", "198.51.100.0/24");
	sync_expect(dp, e, 1, 1, 0, 0);
	s = seen(dp);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.npfx[0], 2);
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 1, 0, 0);
	assert_int_equal(seen(dp).npfx[0], 1);

	/* The tunnel's peer port changed: the entry is replaced. */
	entry(&e[0], 4711, 1, 40000, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 0, 1, 1);
	s = seen(dp);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.peer_port[0], 40000);

	/* Sequencing turned on: back to the kernel path, out of the maps. */
	entry(&e[0], 4711, 1, 40000, "203.0.113.10", NULL);
	e[0].ks.send_seq = true;
	sync_expect(dp, e, 1, 0, 0, 1);
	assert_int_equal(e[0].why, ACCEL_SEQ);
	assert_false(e[0].in_dp);
	assert_int_equal(seen(dp).n, 0);

	/* IPCP went down (no address): out of the maps, with the reason. */
	entry(&e[0], 4711, 1, 40000, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 0, 1, 0);
	entry(&e[0], 4711, 1, 40000, NULL, NULL);
	sync_expect(dp, e, 1, 0, 0, 1);
	assert_int_equal(e[0].why, ACCEL_NO_ADDR);
	assert_int_equal(seen(dp).n, 0);

	/* Two sessions claiming one address: the second is refused. */
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", NULL);
	entry(&e[1], 4711, 2, 1701, "203.0.113.10", NULL);
	sync_expect(dp, e, 2, 0, 1, 0);
	assert_true(e[0].in_dp);
	assert_false(e[1].in_dp);
	assert_int_equal(e[1].why, ACCEL_DP_REFUSED);
	assert_int_equal(seen(dp).n, 1);

	/* The call ended: the kernel has no session, the maps none either. */
	sync_expect(dp, e, 0, 0, 0, 1);
	assert_int_equal(seen(dp).n, 0);

	/* A stale entry from an earlier run, for a session the kernel no
	 * longer has, goes at the first reconcile. */
	entry(&e[0], 4711, 1, 1701, "203.0.113.10", NULL);
	sync_expect(dp, e, 1, 0, 1, 0);
	entry(&e[1], 4711, 2, 1701, "203.0.113.11", NULL);
	sync_expect(dp, &e[1], 1, 0, 1, 1);
	s = seen(dp);
	assert_int_equal(s.n, 1);

	/* Kept on the kernel path by accel_kernel_ifaces: it leaves. */
	entry(&e[1], 4711, 2, 1701, "203.0.113.11", NULL);
	assert_int_equal(accel_sync(dp, &e[1], 1, "ppp2", 1500, NULL, NULL, NULL), 0);
	assert_int_equal(e[1].why, ACCEL_KEPT);
	assert_int_equal(seen(dp).n, 0);

	dp_unload(dp);
	dp_close(dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reconcile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
