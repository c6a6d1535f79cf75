// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the control socket's access (user/ctl.c): mode 0600 with no
 * group, 0660 with ctl_group's group, a clear refusal of an unknown group,
 * and a request answered over it. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl.h"
#include "event.h"
#include "l2tp.h"

struct cx {
	char dir[64], path[128];
	struct ev_loop *loop;
	struct conf conf;
	struct l2tp l;
	struct ctl *c;
};

static int setup(void **state)
{
	struct cx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	strcpy(x->dir, "/tmp/l2tpx-ctl-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->path, sizeof(x->path), "%s/ctl.sock", x->dir);
	x->loop = ev_loop_new();
	assert_non_null(x->loop);
	conf_defaults(&x->conf);
	assert_int_equal(l2tp_init(&x->l, x->loop, &x->conf), 0);
	x->c = ctl_open(x->loop, x->path, &x->l);
	assert_non_null(x->c);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct cx *x = *state;

	ctl_close(x->c);
	l2tp_fini(&x->l);
	ev_loop_free(x->loop);
	rmdir(x->dir);
	free(x);
	return 0;
}

static mode_t mode_of(const char *path, gid_t *gid)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	*gid = st.st_gid;
	return st.st_mode & 07777;
}

static void test_no_group_is_0600(void **state)
{
	struct cx *x = *state;
	gid_t gid;

	assert_int_equal(ctl_set_group(x->c, ""), 0);
	assert_int_equal(mode_of(x->path, &gid), 0600);
	assert_int_equal(ctl_set_group(x->c, NULL), 0);
	assert_int_equal(mode_of(x->path, &gid), 0600);
}

static void test_group_is_0660(void **state)
{
	struct cx *x = *state;
	struct group *gr = getgrnam("nogroup");
	gid_t gid;

	if (!gr)
		fail_msg("needs the group nogroup (Debian has it)");
	assert_int_equal(ctl_set_group(x->c, "nogroup"), 0);
	assert_int_equal(mode_of(x->path, &gid), 0660);
	assert_int_equal(gid, gr->gr_gid);
}

/* An unknown group: refused, the socket stays root's 0600. */
static void test_unknown_group(void **state)
{
	struct cx *x = *state;
	gid_t gid;

	assert_int_equal(ctl_set_group(x->c, ""), 0);
	assert_int_equal(ctl_set_group(x->c, "no-such-group-l2tpx-test"), -ENOENT);
	assert_int_equal(mode_of(x->path, &gid), 0600);
}

/* `check` over the socket: a child asks, the loop answers. */
static void test_check_request(void **state)
{
	struct cx *x = *state;
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		char *r = ctl_request(x->path, "check");

		_exit(r && strstr(r, "\"ok\":true") && strstr(r, "\"sessions\":0") ? 0 : 1);
	}
	pid_t got = 0;

	for (int i = 0; i < 50 && !(got = waitpid(pid, &st, WNOHANG)); i++)
		ev_run_once(x->loop, 100);
	if (!got) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		fail_msg("no answer to check within 5 s");
	}
	assert_int_equal(got, pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_group_is_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_is_0660, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_request, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
