// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/priv.c: after priv_drop() a process holds exactly
 * CAP_NET_ADMIN in its effective, permitted and bounding sets, nothing
 * inheritable or ambient, no_new_privs, and (with a user) that user's ids.
 * Each drop runs in a forked child, which reports through its exit status.
 * Run as root, like the whole suite. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "priv.h"

/* Reads one "Key:\tvalue" of /proc/self/status as hex (Cap*) or decimal. */
static uint64_t status_field(const char *key, int base)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtoull(line + n + 1, NULL, base);
			break;
		}
	fclose(f);
	return v;
}

/* In a child: drop, then check; the exit status is the first failed step. */
static int drop_in_child(const char *user, uid_t want_uid)
{
	char err[256];
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		uint64_t keep = geteuid() == 0 ? PRIV_KEEP_CAPS : 0;

		if (priv_drop(user, err, sizeof(err))) {
			fprintf(stderr, "priv_drop: %s\n", err);
			_exit(1);
		}
		if (status_field("CapEff", 16) != keep || status_field("CapPrm", 16) != keep)
			_exit(2);
		if (status_field("CapInh", 16) != 0 || status_field("CapAmb", 16) != 0)
			_exit(3);
		if (keep && status_field("CapBnd", 16) != keep)
			_exit(4);
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			_exit(5);
		if (user && (getuid() != want_uid || geteuid() != want_uid))
			_exit(6);
		/* no way back */
		if (user && !setuid(0))
			_exit(7);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_drop_stay_root(void **state)
{
	assert_int_equal(drop_in_child(NULL, 0), 0);
}

static void test_drop_to_nobody(void **state)
{
	struct passwd *pw = getpwnam("nobody");

	if (!pw || geteuid() != 0)
		fail_msg("needs root and the user nobody (make check runs as root)");
	assert_int_equal(drop_in_child("nobody", pw->pw_uid), 0);
}

/* An unknown user: -1 and a message that says what to do; nothing changed. */
static void test_unknown_user(void **state)
{
	char err[256] = "";
	uint64_t eff0, prm0, eff1, prm1;

	assert_int_equal(priv_caps(&eff0, &prm0), 0);
	assert_int_equal(priv_drop("no-such-user-l2tpx-test", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-user-l2tpx-test"));
	assert_non_null(strstr(err, "useradd"));
	assert_int_equal(priv_caps(&eff1, &prm1), 0);
	assert_int_equal(eff0, eff1);
	assert_int_equal(prm0, prm1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_stay_root),
		cmocka_unit_test(test_drop_to_nobody),
		cmocka_unit_test(test_unknown_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
