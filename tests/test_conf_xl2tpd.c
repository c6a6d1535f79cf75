// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the xl2tpd compatibility reader (user/conf_xl2tpd.c) on the
 * files Debian ships with xl2tpd and ppp, read where they are installed, on
 * a road-warrior L2TP/IPsec server layout, and on bad files: each bad value
 * is an error naming file:line, each unknown key a warning with file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <limits.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_xl2tpd.h"
#include "log.h"
#include "secrets.h"
#include "util.h"

#define EX	"/usr/share/doc/xl2tpd/examples/"

static char dir[64];		/* per-test temp dir */
static char logbuf[16384];	/* what the loader logged */
static int saved_stderr = -1;
static FILE *capf;

/* A file Debian installs: its absence fails the test with what to do. */
static void need(const char *path)
{
	if (access(path, R_OK))
		fail_msg("%s is missing or unreadable: install xl2tpd and ppp "
			 "(scripts/deps.sh does) and run as root",
			 path);
}

static const char *tmp(const char *name)
{
	static char p[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void put(const char *name, const char *text, mode_t mode)
{
	const char *p = tmp(name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/l2tpx-xl2tpd-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* stderr (where the logger writes in the foreground) into logbuf. */
static void cap_begin(void)
{
	fflush(stderr);
	capf = tmpfile();
	assert_non_null(capf);
	saved_stderr = dup(2);
	dup2(fileno(capf), 2);
}

static void cap_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(capf);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, capf);
	logbuf[n] = '\0';
	fclose(capf);
	/* shown with the test's output */
	fprintf(stderr, "%s", logbuf);
}

static void logged(const char *want)
{
	if (!strstr(logbuf, want))
		fail_msg("no warning \"%s\" in:\n%s", want, logbuf);
}

static int xload(const char *path, struct conf *c, char *err, size_t errlen)
{
	int rc;

	conf_defaults(c);
	err[0] = '\0';
	cap_begin();
	rc = conf_xl2tpd_load(path, c, err, errlen);
	cap_end();
	return rc;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* A copy of a shipped file with one string replaced (paths to /etc that
 * the example names but Debian does not install). */
static void copy_replacing(const char *src, const char *name, const char *from, const char *to)
{
	char buf[8192], out[9000], *hit;
	FILE *f = fopen(src, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	hit = strstr(buf, from);
	assert_non_null(hit);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(hit - buf), buf, to, hit + strlen(from));
	put(name, out, 0644);
}

/* ---- Debian's files --------------------------------------------------------- */

/* examples/xl2tpd.conf: the L2TP/IPsec server sample with its ppp options. */
static void test_example_xl2tpd_conf(void **state)
{
	struct conf c;
	char err[512];

	need(EX "xl2tpd.conf");
	need(EX "ppp-options.xl2tpd");
	/* As shipped, it names /etc/ppp/options.xl2tpd, which the package does
	 * not install: an error at the pppoptfile line, before anything runs. */
	if (access("/etc/ppp/options.xl2tpd", F_OK)) {
		assert_int_equal(xload(EX "xl2tpd.conf", &c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, EX "xl2tpd.conf:39: pppoptfile /etc/ppp/options.xl2tpd"));
		assert_non_null(strstr(err, "No such file"));
	}
	/* With the options file shipped next to it. */
	copy_replacing(EX "xl2tpd.conf", "xl2tpd.conf", "/etc/ppp/options.xl2tpd",
		       EX "ppp-options.xl2tpd");
	assert_int_equal(xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)), 0);
	assert_true(c.lns);
	assert_int_equal(c.nranges, 1);
	assert_string_equal(c.ip_range[0], "192.168.1.128-192.168.1.254");
	assert_int_equal(c.local_ip, ip("192.168.1.99"));
	assert_int_equal(c.auth, CONF_AUTH_CHAP);	/* require chap, refuse pap */
	assert_string_equal(c.auth_name, "LinuxVPNserver");
	assert_int_equal(c.nlisten, 0);		/* listen-addr is commented out */
	assert_int_equal(c.port, 1701);
	/* ppp-options.xl2tpd */
	assert_int_equal(c.dns[0], ip("192.168.1.1"));
	assert_int_equal(c.dns[1], ip("192.168.1.3"));
	assert_int_equal(c.mtu, 1410 + 62);		/* mtu 1410, mru 1410 */
	assert_int_equal(c.lcp_echo_interval, 30);	/* not set: l2tpxd's default */
	logged("xl2tpd.conf:38: \"ppp debug\" in [lns default] ignored");
	logged("xl2tpd.conf:40: \"length bit\" in [lns default] ignored");
	logged(EX "ppp-options.xl2tpd:5: pppd option \"ms-wins\" ignored");
	logged(EX "ppp-options.xl2tpd:6: pppd option \"ms-wins\" ignored");
	logged(EX "ppp-options.xl2tpd:9: pppd option \"crtscts\" ignored");
	logged(EX "ppp-options.xl2tpd:10: pppd option \"idle\" ignored");
	logged(EX "ppp-options.xl2tpd:14: pppd option \"debug\" ignored");
	logged(EX "ppp-options.xl2tpd:15: pppd option \"lock\" ignored");
	logged(EX "ppp-options.xl2tpd:16: pppd option \"proxyarp\" ignored");
	logged(EX "ppp-options.xl2tpd:17: pppd option \"connect-delay\" ignored");
	/* noccp, auth, nodefaultroute: what l2tpxd does anyway, no warning */
	assert_null(strstr(logbuf, "noccp"));
	assert_null(strstr(logbuf, "nodefaultroute"));
	assert_null(strstr(logbuf, "unknown"));
}

/* The other examples (*.conf) are Openswan ipsec.conf snippets: refused at
 * their first line that is not INI, saying what they are. */
static void test_example_ipsec_confs(void **state)
{
	static const struct {
		const char *file;
		int line;
	} ex[] = {
		{ EX "xl2tpd-L2TP-CERT-orgWIN2KXP.conf", 1 },
		{ EX "xl2tpd-L2TP-CERT.conf", 2 },
		{ EX "xl2tpd-L2TP-PSK-orgWIN2KXP.conf", 1 },
		{ EX "xl2tpd-L2TP-PSK.conf", 2 },
	};
	struct conf c;
	char err[512], want[256];

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		need(ex[i].file);
		assert_int_equal(xload(ex[i].file, &c, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:%d: syntax error", ex[i].file, ex[i].line);
		if (!strstr(err, want) || !strstr(err, "looks like an ipsec.conf"))
			fail_msg("%s: \"%s\"", ex[i].file, err);
	}
}

/* /etc/xl2tpd/xl2tpd.conf as Debian installs it: all comments. */
static void test_etc_xl2tpd_conf(void **state)
{
	struct conf c;
	char err[512], host[CONF_STR] = "";

	need("/etc/xl2tpd/xl2tpd.conf");
	need("/etc/xl2tpd/l2tp-secrets");
	assert_int_equal(xload("/etc/xl2tpd/xl2tpd.conf", &c, err, sizeof(err)), 0);
	/* No [lns] section: xl2tpd would refuse incoming tunnels, so do we. */
	assert_false(c.lns);
	logged("no [lns] section");
	assert_int_equal(c.nranges, 0);
	assert_int_equal(c.nlacs, 0);
	assert_int_equal(c.port, 1701);
	/* the auth file was read (all comments): no tunnel secret */
	assert_false(c.has_secret);
	assert_int_equal(c.npeers, 0);
	/* xl2tpd's Host Name is the system's */
	gethostname(host, sizeof(host) - 1);
	assert_string_equal(c.hostname, host);
	assert_null(strstr(logbuf, "unknown"));
}

static void test_etc_l2tp_secrets(void **state)
{
	struct conf c;
	char err[512];

	need("/etc/xl2tpd/l2tp-secrets");
	conf_defaults(&c);
	assert_int_equal(conf_l2tp_secrets_load("/etc/xl2tpd/l2tp-secrets", &c, err, sizeof(err)),
			 0);
	assert_false(c.has_secret);
	assert_int_equal(c.nhost_secrets, 0);

	/* Its commented lines, live: "us them secret", first match wins. */
	put("l2tp-secrets",
	    "# us them secret\n"
	    "*\tmarko\tblah2\n"
	    "zeus\tmarko\tblah\n"
	    "zeus\t192.0.2.7\t\"by address\"\n"
	    "other\t*\tnot-ours\n"
	    "*\t*\tinterop\n"
	    "zeus\t*\tlater\n",
	    0600);
	conf_defaults(&c);
	strcpy(c.hostname, "zeus");
	assert_int_equal(conf_l2tp_secrets_load(tmp("l2tp-secrets"), &c, err, sizeof(err)), 0);
	assert_string_equal(conf_host_secret(&c, "marko"), "blah2");
	assert_string_equal(conf_host_secret(&c, "MARKO"), "blah2");
	assert_null(conf_host_secret(&c, "zeus"));
	assert_true(c.has_secret);
	assert_string_equal(c.secret, "interop");
	{
		struct l2tpx_addr a;

		addr_parse("192.0.2.7", &a);
		assert_string_equal(conf_peer_secret(&c, &a), "by address");
		addr_parse("192.0.2.8", &a);
		assert_string_equal(conf_peer_secret(&c, &a), "interop");
	}
	/* readable by others: refused like pppd's secrets */
	put("l2tp-open", "* * x\n", 0644);
	assert_int_equal(conf_l2tp_secrets_load(tmp("l2tp-open"), &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
}

static void test_etc_ppp_options(void **state)
{
	struct conf c;
	char err[512];
	int rc;

	need("/etc/ppp/options");
	conf_defaults(&c);
	c.lcp_echo_interval = 0;
	c.lcp_echo_failure = 1;
	cap_begin();
	rc = conf_pppd_options_load("/etc/ppp/options", &c, NULL, err, sizeof(err));
	cap_end();
	assert_int_equal(rc, 0);
	assert_int_equal(c.lcp_echo_interval, 30);
	assert_int_equal(c.lcp_echo_failure, 4);
	assert_int_equal(c.auth, CONF_AUTH_CHAP);	/* `auth`: required, CHAP */
	logged("/etc/ppp/options:");
	logged("pppd option \"lock\" ignored");
	logged("pppd option \"crtscts\" ignored");
	logged("pppd option \"modem\" ignored");
	logged("pppd option \"asyncmap\" ignored");
	/* noipx, hide-password: nothing to say */
	assert_null(strstr(logbuf, "noipx"));
	assert_null(strstr(logbuf, "hide-password"));
}

static void test_ppp_secrets_files(void **state)
{
	struct secrets *s;
	const struct secret *e;
	char err[512], pw[64];

	need(EX "chapsecrets.sample");
	need("/etc/ppp/chap-secrets");
	need("/etc/ppp/pap-secrets");
	/* the sample is 0644 as shipped: read it without the mode check */
	assert_int_equal(secrets_load(EX "chapsecrets.sample", SECRETS_NO_MODE_CHECK, &s, err,
				      sizeof(err)),
			 0);
	assert_int_equal(s->n, 4);
	e = secrets_find(s, "jacco", "LinuxVPNserver");	/* "*" server */
	assert_non_null(e);
	assert_string_equal(e->secret, "mysecret");	/* quotes removed */
	assert_int_equal(e->naddr, 0);
	assert_int_equal(e->nnet, 1);			/* 192.168.1.128/25 */
	assert_int_equal(e->net[0].net.s_addr, ip("192.168.1.128"));
	assert_int_equal(e->net[0].len, 25);
	assert_int_equal(secrets_lookup(s, "sam", "x", pw, sizeof(pw), NULL), 0);
	assert_string_equal(pw, "rumpelstiltskin");
	e = secrets_find(s, "sam", "x");
	assert_int_equal(e->naddr, 1);
	assert_int_equal(e->addr[0].s_addr, ip("192.168.1.5"));
	e = secrets_find(s, "anyone", "jacco");		/* client side: "*" client */
	assert_non_null(e);
	assert_string_equal(e->secret, "mysecret");
	secrets_free(s);

	assert_int_equal(secrets_load("/etc/ppp/chap-secrets", 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n, 0);				/* comments only */
	secrets_free(s);

	assert_int_equal(secrets_load("/etc/ppp/pap-secrets", 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n, 6);
	e = secrets_find(s, "alice", "hostname");		/* `* hostname "" *` */
	assert_non_null(e);
	assert_string_equal(e->secret, "");
	assert_true(e->addr_any);
	e = secrets_find(s, "root", "hostname");		/* `root hostname "*" -` */
	assert_string_equal(e->secret, "*");
	assert_true(e->addr_none);
	secrets_free(s);
}

/* ---- a road-warrior L2TP/IPsec server ---------------------------------------- */

static void test_road_warrior(void **state)
{
	struct conf c;
	char err[512], text[2048];

	put("options.xl2tpd",
	    "# /etc/ppp/options.xl2tpd\n"
	    "ipcp-accept-local\n"
	    "ipcp-accept-remote\n"
	    "require-mschap-v2\n"
	    "ms-dns 203.0.113.53\n"
	    "ms-dns 203.0.113.54\n"
	    "ms-dns 203.0.113.55\n"
	    "noccp\n"
	    "auth\n"
	    "mtu 1280\n"
	    "mru 1280\n"
	    "proxyarp\n"
	    "lcp-echo-failure 4\n"
	    "lcp-echo-interval 30\n"
	    "connect-delay 5000\n"
	    "name l2tpd\n"
	    "noipv6\n",
	    0644);
	snprintf(text, sizeof(text),
		 "[global]\n"
		 "port = 1701\n"
		 "listen-addr = 192.0.2.2\n"
		 "ipsec saref = yes\n"
		 "\n"
		 "[lns default]\n"
		 "ip range = 198.51.100.10-198.51.100.250\n"
		 "local ip = 198.51.100.1\n"
		 "require chap = yes\n"
		 "refuse pap = yes\n"
		 "require authentication = yes\n"
		 "name = l2tpd\n"
		 "pppoptfile = %s\n"
		 "length bit = yes\n",
		 tmp("options.xl2tpd"));
	put("xl2tpd.conf", text, 0644);
	assert_int_equal(xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)), 0);
	assert_true(c.lns);
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.listen[0].a32[3], ip("192.0.2.2"));
	assert_int_equal(c.nranges, 1);
	assert_string_equal(c.ip_range[0], "198.51.100.10-198.51.100.250");
	assert_int_equal(c.local_ip, ip("198.51.100.1"));
	/* require chap (xl2tpd) + require-mschap-v2 (pppd): the stronger */
	assert_int_equal(c.auth, CONF_AUTH_MSCHAPV2);
	logged("more than one method required: l2tpxd asks for MS-CHAPv2 only");
	assert_string_equal(c.auth_name, "l2tpd");
	assert_int_equal(c.dns[0], ip("203.0.113.53"));
	assert_int_equal(c.dns[1], ip("203.0.113.54"));
	logged("options.xl2tpd:7: pppd option \"ms-dns\" ignored: IPCP carries two");
	assert_int_equal(c.mtu, 1280 + 62);
	assert_int_equal(c.lcp_echo_interval, 30);
	assert_int_equal(c.lcp_echo_failure, 4);
	assert_false(c.ipv6cp);
	logged("xl2tpd.conf:4: \"ipsec saref\" in [global] ignored");
	logged("xl2tpd.conf:14: \"length bit\" in [lns default] ignored");
	logged("options.xl2tpd:2: pppd option \"ipcp-accept-local\" ignored");
	logged("options.xl2tpd:12: pppd option \"proxyarp\" ignored");
	logged("options.xl2tpd:15: pppd option \"connect-delay\" ignored");
	assert_null(strstr(logbuf, "unknown"));
	assert_null(strstr(logbuf, "refuse"));	/* refuse pap: nothing to do on an LNS */
}

/* ---- ranges, access control, LACs, nesting -------------------------------------- */

static void test_ranges_and_access_control(void **state)
{
	struct conf c;
	char err[512];
	struct l2tpx_addr a;

	/* The Debian sample's ip range lines, in documentation addresses. */
	put("xl2tpd.conf",
	    "[global]\n"
	    "access control = yes\n"
	    "[lns default]\n"
	    "ip range = 198.51.100.1-198.51.100.20\n"
	    "no ip range = 198.51.100.3-198.51.100.9\n"
	    "ip range = 198.51.100.5\n"
	    "ip range = 203.0.113.10 - 203.0.113.12\n"
	    "lac = 192.0.2.4 - 192.0.2.8\n"
	    "no lac = 192.0.2.6\n"
	    "[lns other]\n"
	    "lac = 192.0.2.100\n"
	    "auth file = /nonexistent\n"
	    "require authentication = no\n",
	    0644);
	assert_int_equal(xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)), 0);
	assert_int_equal(c.nranges, 4);
	assert_string_equal(c.ip_range[0], "198.51.100.1-198.51.100.2");
	assert_string_equal(c.ip_range[1], "198.51.100.5-198.51.100.5");
	assert_string_equal(c.ip_range[2], "198.51.100.10-198.51.100.20");
	assert_string_equal(c.ip_range[3], "203.0.113.10-203.0.113.12");
	assert_true(c.access_control);
	const char *yes[] = { "192.0.2.4", "192.0.2.5", "192.0.2.7", "192.0.2.8", "192.0.2.100" };
	const char *no[] = { "192.0.2.3", "192.0.2.6", "192.0.2.9", "2001:db8::1" };
	for (size_t i = 0; i < 5; i++) {
		addr_parse(yes[i], &a);
		if (!conf_peer_allowed(&c, &a))
			fail_msg("%s should be allowed", yes[i]);
	}
	for (size_t i = 0; i < 4; i++) {
		addr_parse(no[i], &a);
		if (conf_peer_allowed(&c, &a))
			fail_msg("%s should be refused", no[i]);
	}
	logged("xl2tpd.conf:10: [lns other]: l2tpxd has one LNS profile");
	logged("xl2tpd.conf:12: unknown key \"auth file\" in [lns other]");
	assert_int_equal(c.auth, CONF_AUTH_NONE);	/* require authentication = no */

	/* assign ip = no: addresses only from the secrets file */
	put("noassign.conf", "[lns default]\nip range = 198.51.100.1-198.51.100.9\nassign ip = no\n",
	    0644);
	assert_int_equal(xload(tmp("noassign.conf"), &c, err, sizeof(err)), 0);
	assert_int_equal(c.nranges, 0);
	/* access control off: everyone */
	addr_parse("192.0.2.77", &a);
	assert_true(conf_peer_allowed(&c, &a));
}

static void test_lac(void **state)
{
	struct conf c;
	char err[512], text[1024];

	put("options.more", "# included\nrefuse-eap\n", 0644);
	snprintf(text, sizeof(text), "name alice\ndefaultroute\nfile %s\n", tmp("options.more"));
	put("options.home", text, 0644);
	put("chap-secrets", "# client server secret\nalice * \"wonder land\"\n", 0600);
	snprintf(text, sizeof(text),
		 "[lac default]\n"
		 "redial = yes\n"
		 "[lac home]\n"
		 "lns = 203.0.113.1\n"
		 "lns = 203.0.113.2\n"
		 "redial timeout = 15\n"
		 "max redials = 5\n"
		 "autodial = yes\n"
		 "hidden bit = yes\n"
		 "pppoptfile = %s\n"
		 "require chap = yes\n"
		 "[lac spare]\n"
		 "lns = 2001:db8::1\n"
		 "name = bob\n",
		 tmp("options.home"));
	put("xl2tpd.conf", text, 0644);
	assert_int_equal(xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)), 0);
	assert_false(c.lns);	/* no [lns]: a client only */
	assert_int_equal(c.nlacs, 2);
	assert_string_equal(c.lacs[0].name, "home");
	assert_int_equal(c.lacs[0].lns.a32[3], ip("203.0.113.1"));
	logged("xl2tpd.conf:5: \"lns\" in [lac home] ignored: a backup LNS");
	assert_true(c.lacs[0].redial);			/* from [lac default] */
	assert_int_equal(c.lacs[0].redial_timeout, 15);
	assert_int_equal(c.lacs[0].max_redials, 5);
	assert_true(c.lacs[0].autodial);
	assert_true(c.lacs[0].hide_avps);
	assert_true(c.lacs[0].default_route);
	assert_string_equal(c.lacs[0].user, "alice");
	logged("xl2tpd.conf:11: \"require chap\" in [lac home] ignored");
	logged("options.more:2: pppd option \"refuse-eap\" ignored");
	assert_false(c.lacs[1].autodial);		/* xl2tpd's default */
	assert_int_equal(c.lacs[1].redial_timeout, 30);
	assert_string_equal(c.lacs[1].user, "bob");
	/* the password as pppd finds it */
	snprintf(c.chap_secrets, sizeof(c.chap_secrets), "%s", tmp("chap-secrets"));
	snprintf(c.pap_secrets, sizeof(c.pap_secrets), "%s", tmp("none"));
	cap_begin();
	assert_int_equal(conf_xl2tpd_lac_passwords(&c, err, sizeof(err)), 0);
	cap_end();
	assert_string_equal(c.lacs[0].password, "wonder land");
	assert_string_equal(c.lacs[1].password, "");
	logged("[lac spare]: no password for \"bob\"");
}

/* ---- bad files --------------------------------------------------------------- */

static void test_bad_values(void **state)
{
	static const struct {
		const char *conf, *opts, *want;
	} bad[] = {
		{ "[global]\nport = 99999\n", NULL, "xl2tpd.conf:2: port: expected a port" },
		{ "[global]\naccess control = maybe\n", NULL,
		  "xl2tpd.conf:2: access control: expected yes or no, got \"maybe\"" },
		{ "[global]\nlisten-addr = nowhere\n", NULL, "xl2tpd.conf:2: listen-addr: not an address" },
		{ "[lns default]\n\nip range = 198.51.100.9-198.51.100.1\n", NULL,
		  "xl2tpd.conf:3: ip range: expected an IPv4 address or a range" },
		{ "[lns default]\nip range = lac1-lac2\n", NULL, "not names" },
		{ "[lns default]\nlocal ip = 2001:db8::1\n", NULL,
		  "xl2tpd.conf:2: local ip: expected an IPv4 address" },
		{ "[lns default]\nrequire chap = perhaps\n", NULL,
		  "xl2tpd.conf:2: require chap: expected yes or no" },
		{ "[lns default]\ntunnel rws = 0\n", NULL, "xl2tpd.conf:2: tunnel rws: expected 1-32" },
		{ "[lns default]\nhidden bit = 2\n", NULL, "xl2tpd.conf:2: hidden bit: expected yes or no" },
		{ "[lac x]\nredial = yes\n", NULL, "[lac x] needs lns = ADDRESS" },
		{ "[lac x]\nlns = 203.0.113.1\nredial timeout = 0\n", NULL,
		  "xl2tpd.conf:3: redial timeout: expected 1-3600" },
		{ "[lns default]\npppoptfile = /nonexistent/options\n", NULL,
		  "xl2tpd.conf:2: pppoptfile /nonexistent/options: No such file" },
		{ "[lns default]\npppoptfile = OPTS\n", "noccp\nms-dns dns.example\n",
		  "options:2: ms-dns: expected an IPv4 address, got \"dns.example\"" },
		{ "[lns default]\npppoptfile = OPTS\n", "mtu 100\n",
		  "options:1: mtu: expected a number from 514 to 9154, got \"100\"" },
		{ "[lns default]\npppoptfile = OPTS\n", "\nlcp-echo-interval soon\n",
		  "options:2: lcp-echo-interval: expected a number" },
		{ "[lns default]\npppoptfile = OPTS\n", "name \"unterminated\n",
		  "options:1: unterminated quote" },
		{ "[lns default]\npppoptfile = OPTS\n", "lcp-echo-failure\n",
		  "options:1: lcp-echo-failure: needs a number" },
		{ "[lns default]\npppoptfile = OPTS\n", "file /nonexistent/more\n",
		  "options:1: file /nonexistent/more: No such file" },
		{ "[lns default]\npppoptfile = OPTS\n", "file OPTS\n", "nested more than 8 deep" },
		{ "[lns default]\nthis is not a key\n", NULL, "xl2tpd.conf:2: syntax error" },
	};
	struct conf c;
	char err[512], text[512], *o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].opts) {
			/* OPTS stands for the options file's own path */
			char opts[256];

			snprintf(opts, sizeof(opts), "%s", bad[i].opts);
			if ((o = strstr(opts, "OPTS")))
				snprintf(opts, sizeof(opts), "file %s\n", tmp("options"));
			put("options", opts, 0644);
		}
		snprintf(text, sizeof(text), "%s", bad[i].conf);
		if ((o = strstr(text, "OPTS")))
			snprintf(o, sizeof(text) - (size_t)(o - text), "%s\n", tmp("options"));
		put("xl2tpd.conf", text, 0644);
		if (xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)) != -1)
			fail_msg("case %zu: accepted", i);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].want);
		if (!strstr(err, dir))
			fail_msg("case %zu: \"%s\" names no file", i, err);
	}
}

static void test_unknown_keys_warn(void **state)
{
	struct conf c;
	char err[512], text[512];

	put("options", "frobnicate 3\nms-dns 203.0.113.53\n", 0644);
	snprintf(text, sizeof(text),
		 "[global]\n"
		 "port = 1701\n"
		 "frobnicate = yes\n"
		 "[lns default]\n"
		 "Ip Range = 198.51.100.1-198.51.100.9 ; xl2tpd's keys ignore case\n"
		 "   local ip = 198.51.100.254\n"
		 "colour = blue\n"
		 "pppoptfile = %s\n"
		 "[weird]\n"
		 "x = 1\n",
		 tmp("options"));
	put("xl2tpd.conf", text, 0644);
	assert_int_equal(xload(tmp("xl2tpd.conf"), &c, err, sizeof(err)), 0);
	logged("xl2tpd.conf:3: unknown key \"frobnicate\" in [global], ignored");
	logged("xl2tpd.conf:7: unknown key \"colour\" in [lns default], ignored");
	logged("xl2tpd.conf:9: unknown section [weird], ignored");
	logged("options:1: unknown pppd option \"frobnicate\", ignored");
	/* and the rest still loaded */
	assert_int_equal(c.nranges, 1);
	assert_int_equal(c.local_ip, ip("198.51.100.254"));
	assert_int_equal(c.dns[0], ip("203.0.113.53"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_example_xl2tpd_conf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_ipsec_confs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etc_xl2tpd_conf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etc_l2tp_secrets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etc_ppp_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppp_secrets_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_road_warrior, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranges_and_access_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_warn, setup, teardown),
	};

	log_init("test_conf_xl2tpd", 1, LOG_INFO);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
