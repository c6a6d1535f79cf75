// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/secrets.c: pppd's chap-secrets format (quoting and
 * escapes, comments, wildcards, pppd's precedence, address lists), errors
 * with file:line, the mode check, and the ppp_auth lookup adapter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "log.h"
#include "ppp_auth.h"
#include "secrets.h"

static struct secrets *parse_ok(const char *text)
{
	struct secrets *s = NULL;
	char err[512] = "";

	if (secrets_parse(text, strlen(text), "t", &s, err, sizeof(err)) < 0)
		fail_msg("parse failed: %s\n--\n%s", err, text);
	assert_non_null(s);
	return s;
}

/* The secret for (client, server), or NULL; a static buffer. */
static const char *sec(const struct secrets *s, const char *client, const char *server)
{
	static char buf[AUTH_SECRET_MAX];

	if (secrets_lookup(s, client, server, buf, sizeof(buf), NULL) < 0)
		return NULL;
	return buf;
}

static void test_basic(void **state)
{
	struct secrets *s = parse_ok("# chap-secrets\n"
				     "\n"
				     "alice   lns   alice-secret\n"
				     "   # indented comment\n"
				     "bob\tlns\tbobpw  # trailing comment\n"
				     "carol lns pass#word\r\n"
				     "dave lns last-line-without-newline");
	struct in_addr a;
	char buf[64];

	assert_int_equal(s->n, 4);
	assert_string_equal(s->path, "t");
	assert_string_equal(s->v[0].client, "alice");
	assert_string_equal(s->v[0].server, "lns");
	assert_string_equal(s->v[0].secret, "alice-secret");
	assert_int_equal(s->v[0].line, 3);
	assert_int_equal(s->v[1].line, 5);
	assert_int_equal(s->v[3].line, 7);
	assert_string_equal(sec(s, "bob", "lns"), "bobpw");
	/* # inside a word is no comment; CR before LF is blank */
	assert_string_equal(sec(s, "carol", "lns"), "pass#word");
	assert_string_equal(sec(s, "dave", "lns"), "last-line-without-newline");
	assert_null(sec(s, "alice", "other"));
	assert_null(sec(s, "eve", "lns"));
	assert_null(sec(s, "Alice", "lns"));	/* case matters, as in pppd */

	a.s_addr = 0x12345678;
	assert_int_equal(secrets_lookup(s, "alice", "lns", buf, sizeof(buf), &a), 0);
	assert_int_equal(a.s_addr, htonl(INADDR_ANY));
	/* too small a buffer is no truncated secret */
	assert_int_equal(secrets_lookup(s, "alice", "lns", buf, 12, NULL), -1);
	assert_int_equal(secrets_lookup(s, "alice", "lns", buf, 13, NULL), 0);
	assert_string_equal(buf, "alice-secret");
	secrets_free(s);

	s = parse_ok("");
	assert_int_equal(s->n, 0);
	assert_null(sec(s, "a", "b"));
	secrets_free(s);
	s = parse_ok("\n\n# only comments\n   \n");
	assert_int_equal(s->n, 0);
	secrets_free(s);
	secrets_free(NULL);
}

static void test_quoting(void **state)
{
	struct secrets *s = parse_ok("a lns \"two words\"\n"
				     "b lns 'single quoted'\n"
				     "c lns \"with \\\"escaped\\\" quotes\"\n"
				     "d lns \"tab\\there\\nnl\\\\bs\"\n"
				     "e lns ab\"c d\"'e f'g\n"
				     "f lns \"\"\n"
				     "g lns \"# not a comment\"\n"
				     "h lns \\x41\\101\\s\\q\n"
				     "\"i j\" \"l n s\" pw\n"
				     "k lns 'it\"s'\n"
				     "l lns \"it's\"\n"
				     "m lns con\\\ntinued 10.0.0.1\n"
				     "n \\\n lns pw\n"
				     "\"*\" lns quoted-star\n");

	assert_string_equal(sec(s, "a", "lns"), "two words");
	assert_string_equal(sec(s, "b", "lns"), "single quoted");
	assert_string_equal(sec(s, "c", "lns"), "with \"escaped\" quotes");
	assert_string_equal(sec(s, "d", "lns"), "tab\there\nnl\\bs");
	assert_string_equal(sec(s, "e", "lns"), "abc de fg");
	assert_string_equal(sec(s, "f", "lns"), "");
	assert_string_equal(sec(s, "g", "lns"), "# not a comment");
	assert_string_equal(sec(s, "h", "lns"), "AA q");
	assert_string_equal(sec(s, "i j", "l n s"), "pw");
	assert_string_equal(sec(s, "k", "lns"), "it\"s");
	assert_string_equal(sec(s, "l", "lns"), "it's");
	/* backslash-newline continues the line: one entry */
	assert_string_equal(sec(s, "m", "lns"), "continued");
	assert_int_equal(s->v[11].naddr, 1);
	assert_int_equal(s->v[11].line, 12);
	assert_string_equal(sec(s, "n", "lns"), "pw");
	assert_int_equal(s->v[12].line, 14);
	assert_int_equal(s->v[13].line, 16);
	/* a quoted * is still the wildcard, as in pppd */
	assert_string_equal(sec(s, "zed", "lns"), "quoted-star");
	assert_int_equal(s->n, 14);
	secrets_free(s);
}

static void test_precedence(void **state)
{
	struct secrets *s;

	/* exact client (2) beats exact server (1) beats wildcards (0),
	 * whatever the order in the file */
	s = parse_ok("*     *    any-any\n"
		     "*     lns  any-lns\n"
		     "alice *    alice-any\n"
		     "alice lns  alice-lns\n");
	assert_string_equal(sec(s, "alice", "lns"), "alice-lns");
	assert_string_equal(sec(s, "alice", "other"), "alice-any");
	assert_string_equal(sec(s, "bob", "lns"), "any-lns");
	assert_string_equal(sec(s, "bob", "other"), "any-any");
	secrets_free(s);

	s = parse_ok("alice lns  alice-lns\n"
		     "*     lns  any-lns\n"
		     "alice *    alice-any\n"
		     "*     *    any-any\n");
	assert_string_equal(sec(s, "alice", "lns"), "alice-lns");
	assert_string_equal(sec(s, "alice", "other"), "alice-any");
	assert_string_equal(sec(s, "bob", "lns"), "any-lns");
	assert_string_equal(sec(s, "bob", "other"), "any-any");
	secrets_free(s);

	/* exact client with wildcard server beats wildcard client with exact
	 * server, in either order */
	s = parse_ok("* lns by-server\nalice * by-client\n");
	assert_string_equal(sec(s, "alice", "lns"), "by-client");
	secrets_free(s);
	s = parse_ok("alice * by-client\n* lns by-server\n");
	assert_string_equal(sec(s, "alice", "lns"), "by-client");
	secrets_free(s);

	/* among equals the first wins */
	s = parse_ok("alice lns first\nalice lns second\n* * w1\n* * w2\n");
	assert_string_equal(sec(s, "alice", "lns"), "first");
	assert_string_equal(sec(s, "x", "y"), "w1");
	assert_ptr_equal(secrets_find(s, "alice", "lns"), &s->v[0]);
	/* NULL names match any entry (pppd's NULL client / server) */
	assert_ptr_equal(secrets_find(s, NULL, "lns"), &s->v[0]);
	assert_ptr_equal(secrets_find(s, NULL, NULL), &s->v[0]);
	secrets_free(s);
	assert_null(secrets_find(NULL, "a", "b"));
}

static void test_addresses(void **state)
{
	struct secrets *s = parse_ok("a lns pw 10.0.0.1 10.0.0.2\n"
				     "b lns pw *\n"
				     "c lns pw -\n"
				     "d lns pw\n"
				     "e lns pw * 192.0.2.7 # any, or this one\n"
				     "f lns pw 203.0.113.9 *\n"
				     "g lns pw 192.0.2.200/25 198.51.100.7\n");
	const struct secret *e;
	struct in_addr a;
	char buf[16];

	e = secrets_find(s, "a", "lns");
	assert_int_equal(e->naddr, 2);
	assert_false(e->addr_any);
	assert_false(e->addr_none);
	assert_int_equal(e->addr[0].s_addr, inet_addr("10.0.0.1"));
	assert_int_equal(e->addr[1].s_addr, inet_addr("10.0.0.2"));
	assert_int_equal(secrets_lookup(s, "a", "lns", buf, sizeof(buf), &a), 0);
	assert_int_equal(a.s_addr, inet_addr("10.0.0.1"));

	/* pppd's prefix form (chapsecrets.sample: 192.168.1.128/25): allowed
	 * addresses, host bits cleared; not a static address */
	e = secrets_find(s, "g", "lns");
	assert_int_equal(e->nnet, 1);
	assert_int_equal(e->net[0].net.s_addr, inet_addr("192.0.2.128"));
	assert_int_equal(e->net[0].len, 25);
	assert_int_equal(e->naddr, 1);
	assert_int_equal(e->addr[0].s_addr, inet_addr("198.51.100.7"));

	e = secrets_find(s, "b", "lns");
	assert_true(e->addr_any);
	assert_int_equal(e->naddr, 0);
	assert_int_equal(secrets_lookup(s, "b", "lns", buf, sizeof(buf), &a), 0);
	assert_int_equal(a.s_addr, htonl(INADDR_ANY));

	e = secrets_find(s, "c", "lns");
	assert_true(e->addr_none);
	assert_int_equal(e->naddr, 0);

	e = secrets_find(s, "d", "lns");
	assert_false(e->addr_any || e->addr_none);
	assert_int_equal(e->naddr, 0);

	assert_int_equal(secrets_lookup(s, "e", "lns", buf, sizeof(buf), &a), 0);
	assert_int_equal(a.s_addr, inet_addr("192.0.2.7"));
	assert_true(secrets_find(s, "e", "lns")->addr_any);
	assert_int_equal(secrets_lookup(s, "f", "lns", buf, sizeof(buf), &a), 0);
	assert_int_equal(a.s_addr, inet_addr("203.0.113.9"));
	secrets_free(s);
}

/* Each bad text fails with "t:LINE: ..." containing `what`. */
static void expect_error(const char *text, size_t len, unsigned int line, const char *what)
{
	struct secrets *s = (struct secrets *)0x1;
	char err[512] = "", want[32];

	if (secrets_parse(text, len, "t", &s, err, sizeof(err)) == 0)
		fail_msg("parsed, expected an error at line %u:\n%s", line, text);
	assert_ptr_equal(s, (struct secrets *)0x1);	/* untouched */
	snprintf(want, sizeof(want), "t:%u: ", line);
	if (strncmp(err, want, strlen(want)) || !strstr(err, what))
		fail_msg("error \"%s\", expected \"%s...%s\"", err, want, what);
}

static void test_bad_lines(void **state)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *what;
	} bad[] = {
		{ "alice\n", 1, "no server" },
		{ "ok lns pw\n\nalice lns\n", 3, "no secret" },
		{ "alice lns # pw\n", 1, "no secret" },
		{ "a lns pw 10.0.0.256\n", 1, "\"10.0.0.256\": not an IPv4 address" },
		{ "a lns pw 10.0.0.1 host.example\n", 1, "host.example" },
		{ "a lns pw 10.0.0.0/33\n", 1, "10.0.0.0/33" },
		{ "a lns pw 10.0.0.0/\n", 1, "10.0.0.0/" },
		{ "a lns pw 10.0.0.0/x\n", 1, "10.0.0.0/x" },
		{ "a lns pw 10.0.0.0/24 -\n", 1, "must stand alone" },
		{ "a lns pw 2001:db8::1\n", 1, "2001:db8::1" },
		{ "a lns pw !10.0.0.1\n", 1, "!10.0.0.1" },
		{ "a lns pw - 10.0.0.1\n", 1, "must stand alone" },
		{ "a lns pw * -\n", 1, "must stand alone" },
		{ "a lns pw -- mtu 1400\n", 1, "options" },
		{ "a lns @/etc/ppp/secret\n", 1, "@file" },
		{ "\n\na lns \"unterminated\n", 3, "unterminated \" quote" },
		{ "a lns 'open\n", 1, "unterminated ' quote" },
		{ "a lns \"open", 1, "unterminated" },
		{ "a lns pw\\", 1, "backslash at the end" },
		{ "a lns \\xzz\n", 1, "\\x without hex digits" },
		{ "a lns \\x00\n", 1, "NUL" },
		{ "a lns \\0\n", 1, "NUL" },
		{ "a lns \\777\n", 1, "octal" },
		{ "a \\\n\\\nlns\n", 1, "no secret" },
		{ "ok lns pw \\\n 10.0.0.1\nb lns pw 1.2.3.4 x\n", 3, "\"x\"" },
	};
	char longword[400], text[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(bad[i].text, strlen(bad[i].text), bad[i].line, bad[i].what);
	/* a NUL octet in the file */
	expect_error("a lns p\0w\n", 10, 1, "NUL");
	/* a word longer than a PPP name or secret can be */
	memset(longword, 'w', 256);
	longword[256] = '\0';
	snprintf(text, sizeof(text), "a lns ok\nb lns %s\n", longword);
	expect_error(text, strlen(text), 2, "longer than 255");
	longword[255] = '\0';
	snprintf(text, sizeof(text), "a lns ok\nb lns %s\n", longword);
	{
		struct secrets *s = parse_ok(text);

		assert_int_equal(strlen(sec(s, "b", "lns")), 255);
		secrets_free(s);
	}
}

/* ---- files ----------------------------------------------------------------- */

static char path[64];

static void write_file(const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/test_secrets.XXXXXX");
	fd = mkstemp(path);	/* 0600 */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int unlink_file(void **state)
{
	if (path[0])
		unlink(path);
	path[0] = '\0';
	return 0;
}

static void test_load(void **state)
{
	struct secrets *s = NULL;
	char err[512], want[128];

	write_file("# test\nalice lns \"a secret\" 10.1.2.3\n* * fallback\n", 0600);
	assert_int_equal(secrets_check_mode(path, err, sizeof(err)), 0);
	assert_int_equal(secrets_load(path, 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->path, path);
	assert_string_equal(sec(s, "alice", "lns"), "a secret");
	assert_string_equal(sec(s, "bob", "lns"), "fallback");
	secrets_free(s);
	unlink_file(NULL);

	/* 0400 is as private */
	write_file("a b c\n", 0400);
	assert_int_equal(secrets_load(path, 0, &s, err, sizeof(err)), 0);
	secrets_free(s);
	unlink_file(NULL);

	/* errors name the file and the line */
	write_file("alice lns ok\nbob lns\n", 0600);
	s = NULL;
	assert_int_equal(secrets_load(path, 0, &s, err, sizeof(err)), -1);
	assert_null(s);
	snprintf(want, sizeof(want), "%s:2: no secret", path);
	if (strncmp(err, want, strlen(want)))
		fail_msg("\"%s\", expected \"%s...\"", err, want);
	unlink_file(NULL);

	/* a missing file */
	assert_int_equal(secrets_load("/nonexistent/chap-secrets", 0, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/chap-secrets: No such file or directory");
	assert_int_equal(secrets_check_mode("/nonexistent/chap-secrets", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

static void test_mode(void **state)
{
	static const struct {
		mode_t mode;
		const char *what;
	} bad[] = {
		{ 0644, "readable by group or others (mode 0644)" },
		{ 0640, "readable by group or others (mode 0640)" },
		{ 0604, "readable by group or others (mode 0604)" },
		{ 0620, "writable by group or others (mode 0620)" },
		{ 0602, "writable by group or others (mode 0602)" },
		{ 0666, "readable by group or others (mode 0666)" },
	};
	struct secrets *s;
	char err[512], want[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file("alice lns secret\n", bad[i].mode);
		assert_int_equal(secrets_check_mode(path, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: %s", path, bad[i].what);
		if (strncmp(err, want, strlen(want)) || !strstr(err, "chmod 600"))
			fail_msg("\"%s\", expected \"%s...chmod 600\"", err, want);
		s = NULL;
		assert_int_equal(secrets_load(path, 0, &s, err, sizeof(err)), -1);
		assert_null(s);
		assert_int_equal(strncmp(err, want, strlen(want)), 0);
		/* unless told not to check */
		assert_int_equal(secrets_load(path, SECRETS_NO_MODE_CHECK, &s, err, sizeof(err)),
				 0);
		assert_string_equal(sec(s, "alice", "lns"), "secret");
		secrets_free(s);
		unlink_file(NULL);
	}
	/* execute bits are no one's business */
	write_file("a b c\n", 0711);
	assert_int_equal(secrets_check_mode(path, err, sizeof(err)), 0);
	unlink_file(NULL);

	/* not a regular file */
	assert_int_equal(secrets_check_mode("/tmp", err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: not a regular file");
	assert_int_equal(secrets_load("/tmp", 0, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: not a regular file");
}

/* A bigger file than one read() and than the first buffer guess. */
static void test_big_file(void **state)
{
	size_t cap = 1 << 20, len = 0, i;
	struct secrets *s;
	char *text = malloc(cap), err[256], name[32];

	assert_non_null(text);
	for (i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"user%zu lns \"secret %zu\" 10.%zu.%zu.1\n", i, i,
					i / 256 % 256, i % 256);
	write_file(text, 0600);
	free(text);
	assert_int_equal(secrets_load(path, 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n, 20000);
	assert_string_equal(sec(s, "user19999", "lns"), "secret 19999");
	snprintf(name, sizeof(name), "user%d", 12345);
	assert_int_equal(secrets_find(s, name, "lns")->line, 12346);
	secrets_free(s);
	unlink_file(NULL);
}

/* ---- the adapter, through a real authenticator ------------------------------ */

static int ndone;
static bool done_ok;
static uint8_t out[600];
static size_t out_len;

static void on_send(struct ppp_auth *a, uint16_t proto, const uint8_t *p, size_t len)
{
	memcpy(out, p, len);
	out_len = len;
}

static void on_done(struct ppp_auth *a, bool ok, const char *user)
{
	ndone++;
	done_ok = ok;
}

static void test_auth_lookup(void **state)
{
	static const struct ppp_auth_cb cb = { .send = on_send, .done = on_done };
	struct secrets *s = parse_ok("alice lns \"pap pw\"\n* other x\n");
	struct ev_loop *loop = ev_loop_new();
	char buf[64];
	struct ppp_auth a;
	/* Authenticate-Request id 7: "alice", "pap pw" */
	uint8_t req[32] = { 1, 7, 0, 17, 5, 'a', 'l', 'i', 'c', 'e', 6 };

	assert_int_equal(secrets_auth_lookup(s, "alice", "lns", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pap pw");
	assert_int_equal(secrets_auth_lookup(s, "alice", "nope", buf, sizeof(buf)), -1);

	memcpy(req + 11, "pap pw", 6);
	ppp_auth_init(&a, &cb, NULL, loop, NULL);
	ppp_auth_start_server(&a, AUTH_PAP, "lns", secrets_auth_lookup, s);
	ppp_auth_input(&a, PPP_PROTO_PAP, req, 17);
	assert_int_equal(ndone, 1);
	assert_true(done_ok);
	assert_int_equal(out[0], 2);	/* Ack */
	assert_int_equal(out[1], 7);
	ppp_auth_fini(&a);
	ev_loop_free(loop);
	secrets_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test_teardown(test_load, unlink_file),
		cmocka_unit_test_teardown(test_mode, unlink_file),
		cmocka_unit_test_teardown(test_big_file, unlink_file),
		cmocka_unit_test(test_auth_lookup),
	};

	log_set_level(getenv("L2TPX_TEST_LOG") ? LOG_DEBUG : LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
