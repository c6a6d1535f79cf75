// SPDX-License-Identifier: GPL-2.0
/* Configuration parsing with libinih, with file:line in every message. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ini.h>

#include "conf.h"
#include "log.h"
#include "util.h"

struct parse_ctx {
	const char *path;
	FILE *f;
	int line;		/* line the reader returned last */
	struct conf *c;
	char *err;
	size_t errlen;
	int failed;
};

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->port = L2TPX_DEFAULT_PORT;
	snprintf(c->hostname, sizeof(c->hostname), "l2tpx");
	snprintf(c->vendor, sizeof(c->vendor), "l2tpx");
	c->hello_interval = 60;
	c->rdt.rtx_initial_ms = 1000;
	c->rdt.rtx_cap_ms = 8000;
	c->rdt.max_retries = 5;
	c->rdt.ack_delay_ms = 100;
	c->rdt.rws = 8;
	c->max_tunnels = 4096;
	c->max_sessions = 65536;
	c->max_sessions_per_tunnel = 65535;
	c->max_pending_tunnels = 256;
	c->tunnel_rate = 10;
	c->lns = true;
	snprintf(c->ctl_socket, sizeof(c->ctl_socket), "/run/l2tpxd.sock");
	c->auth = CONF_AUTH_CHAP;
	snprintf(c->chap_secrets, sizeof(c->chap_secrets), "/etc/ppp/chap-secrets");
	snprintf(c->pap_secrets, sizeof(c->pap_secrets), "/etc/ppp/pap-secrets");
	c->mtu = 1500;
	c->lcp_echo_interval = 30;
	c->lcp_echo_failure = 4;
	c->lcp_echo_rate = 10;
	c->ipv6cp = true;
	c->log_level = -1;
	c->metrics_sessions = true;
}

/* metrics_listen: "PORT" (on 127.0.0.1), "ADDR:PORT" or "[V6ADDR]:PORT". */
static int parse_listen(const char *v, struct l2tpx_addr *a, uint16_t *port)
{
	char host[64];
	const char *colon = strrchr(v, ':');
	unsigned long n;
	size_t hl;

	if (!colon) {
		if (num_parse(v, 1, 65535, &n))
			return -1;
		*port = n;
		return addr_parse("127.0.0.1", a) < 0 ? -1 : 0;
	}
	if (num_parse(colon + 1, 1, 65535, &n))
		return -1;
	hl = colon - v;
	if (hl >= 2 && v[0] == '[' && v[hl - 1] == ']')
		v++, hl -= 2;
	if (!hl || hl >= sizeof(host))
		return -1;
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (addr_parse(host, a) < 0)
		return -1;
	*port = n;
	return 0;
}

/* inih calls the reader once per line: counting here gives the handler
 * the line it is looking at. */
static char *reader(char *buf, int n, void *arg)
{
	struct parse_ctx *p = arg;
	char *r = fgets(buf, n, p->f);

	if (r)
		p->line++;
	return r;
}

static int fail(struct parse_ctx *p, const char *fmt, const char *a, const char *b)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a, b);
	if (p->line)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	p->failed = 1;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") ||
	    !strcasecmp(v, "on"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") ||
		 !strcasecmp(v, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_uint(const char *v, unsigned long min, unsigned long max, unsigned int *out)
{
	unsigned long n;

	if (num_parse(v, min, max, &n))
		return -1;
	*out = n;
	return 0;
}

static int parse_str(const char *v, char *out, size_t len)
{
	if (strlen(v) >= len)
		return -1;
	strcpy(out, v);
	return 0;
}

#define BOOL(k, field)							\
	if (!strcmp(name, k)) {						\
		if (parse_bool(value, &(field)))			\
			return fail(p, "%s: expected yes or no, got \"%s\"", name, value); \
		return 1;						\
	}
#define UINT(k, field, lo, hi)						\
	if (!strcmp(name, k)) {						\
		if (parse_uint(value, lo, hi, &(field)))		\
			return fail(p, "%s: expected a number in range, got \"%s\"", name, value); \
		return 1;						\
	}
#define STR(k, field)							\
	if (!strcmp(name, k)) {						\
		if (parse_str(value, field, sizeof(field)))		\
			return fail(p, "%s: value too long: \"%s\"", name, value); \
		return 1;						\
	}

static int global_key(struct parse_ctx *p, const char *name, const char *value)
{
	struct conf *c = p->c;
	unsigned int u;

	if (!strcmp(name, "listen")) {
		char buf[512], *tok, *save;

		if (parse_str(value, buf, sizeof(buf)))
			return fail(p, "%s: value too long%s", name, "");
		for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
			if (c->nlisten == CONF_MAX_LISTEN)
				return fail(p, "%s: at most 8 addresses%s", name, "");
			if (addr_parse(tok, &c->listen[c->nlisten++]) < 0)
				return fail(p, "%s: not an address: \"%s\"", name, tok);
		}
		return 1;
	}
	if (!strcmp(name, "port")) {
		if (parse_uint(value, 1, 65535, &u))
			return fail(p, "%s: expected a port, got \"%s\"", name, value);
		c->port = u;
		return 1;
	}
	if (!strcmp(name, "secret")) {
		if (parse_str(value, c->secret, sizeof(c->secret)))
			return fail(p, "%s: too long%s", name, "");
		c->has_secret = true;
		return 1;
	}
	if (!strcmp(name, "rws")) {
		if (parse_uint(value, 1, RDT_MAX_RWS, &u))
			return fail(p, "%s: expected 1-32, got \"%s\"", name, value);
		c->rdt.rws = u;
		return 1;
	}
	if (!strcmp(name, "ip_range")) {
		char buf[512], *tok, *save;

		if (parse_str(value, buf, sizeof(buf)))
			return fail(p, "%s: value too long%s", name, "");
		for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
			if (c->nranges == CONF_MAX_RANGES ||
			    parse_str(tok, c->ip_range[c->nranges], sizeof(c->ip_range[0])))
				return fail(p, "%s: too many or too long: \"%s\"", name, tok);
			c->nranges++;
		}
		return 1;
	}
	if (!strcmp(name, "local_ip") || !strcmp(name, "dns1") || !strcmp(name, "dns2")) {
		struct l2tpx_addr a;
		uint32_t *dst = !strcmp(name, "local_ip") ? &c->local_ip
				: !strcmp(name, "dns1")	    ? &c->dns[0]
							    : &c->dns[1];

		if (addr_parse(value, &a) != AF_INET)
			return fail(p, "%s: expected an IPv4 address, got \"%s\"", name, value);
		*dst = a.a32[3];
		return 1;
	}
	if (!strcmp(name, "auth")) {
		if (!strcmp(value, "none"))
			c->auth = CONF_AUTH_NONE;
		else if (!strcmp(value, "pap"))
			c->auth = CONF_AUTH_PAP;
		else if (!strcmp(value, "chap"))
			c->auth = CONF_AUTH_CHAP;
		else if (!strcmp(value, "mschapv2") || !strcmp(value, "mschap-v2"))
			c->auth = CONF_AUTH_MSCHAPV2;
		else
			return fail(p, "auth: expected none, pap, chap or mschapv2, got \"%s\"%s",
				    value, "");
		return 1;
	}
	if (!strcmp(name, "ipv6_pool")) {
		struct dp_prefix px;

		if (prefix_parse(value, &px) || px.family != AF_INET6 || px.len < 32 || px.len > 64)
			return fail(p, "%s: expected an IPv6 prefix /32 to /64, got \"%s\"", name, value);
		memcpy(c->ipv6_pool, px.addr, 16);
		c->ipv6_pool_len = px.len;
		return 1;
	}
	if (!strcmp(name, "mode")) {
		if (strcmp(value, "accel") && strcmp(value, "daemon"))
			return fail(p, "mode: expected daemon or accel, got \"%s\"%s", value, "");
		c->accel = !strcmp(value, "accel");
		return 1;
	}
	STR("accel_kernel_ifaces", c->accel_kernel_ifaces)
	STR("auth_name", c->auth_name)
	STR("chap_secrets", c->chap_secrets)
	STR("pap_secrets", c->pap_secrets)
	UINT("mtu", c->mtu, 576, 9216)
	UINT("lcp_echo_interval", c->lcp_echo_interval, 0, 3600)
	UINT("lcp_echo_failure", c->lcp_echo_failure, 1, 100)
	UINT("lcp_echo_rate", c->lcp_echo_rate, 0, 100000)
	UINT("mss", c->mss, 0, 65535)
	BOOL("ipv6cp", c->ipv6cp)
	BOOL("proxy_lcp", c->proxy_lcp)
	UINT("chap_interval", c->chap_interval, 0, 86400)
	STR("hostname", c->hostname)
	STR("vendor", c->vendor)
	STR("uplink", c->uplink)
	STR("core", c->core)
	STR("subscriber_dev", c->subscriber_dev)
	STR("ctl_socket", c->ctl_socket)
	STR("ctl_group", c->ctl_group)
	STR("user", c->user)
	STR("state_file", c->state_file)
	UINT("hello_interval", c->hello_interval, 0, 3600)
	UINT("retransmit_initial_ms", c->rdt.rtx_initial_ms, 100, 60000)
	UINT("retransmit_cap_ms", c->rdt.rtx_cap_ms, 1000, 600000)
	UINT("retransmit_retries", c->rdt.max_retries, 1, 100)
	UINT("ack_delay_ms", c->rdt.ack_delay_ms, 1, 10000)
	UINT("max_tunnels", c->max_tunnels, 1, 65535)
	UINT("max_sessions", c->max_sessions, 1, 16777216)
	UINT("max_sessions_per_tunnel", c->max_sessions_per_tunnel, 1, 65535)
	UINT("max_pending_tunnels", c->max_pending_tunnels, 1, 65535)
	UINT("tunnel_rate", c->tunnel_rate, 1, 100000)
	BOOL("lns", c->lns)
	BOOL("hide_avps", c->hide_avps)
	BOOL("challenge", c->challenge)
	if (!strcmp(name, "metrics_listen")) {
		if (!strcasecmp(value, "no") || !strcasecmp(value, "off")) {
			c->metrics_port = 0;
			return 1;
		}
		if (parse_listen(value, &c->metrics_addr, &c->metrics_port))
			return fail(p, "%s: expected PORT, ADDR:PORT or [ADDR]:PORT, got \"%s\"", name,
				    value);
		return 1;
	}
	if (!strcmp(name, "log_level")) {
		if ((c->log_level = log_level_parse(value)) < 0)
			return fail(p, "%s: expected err, warning, notice, info or debug, got \"%s\"",
				    name, value);
		return 1;
	}
	BOOL("syslog", c->syslog)
	BOOL("metrics_sessions", c->metrics_sessions)
	if (!p->line)
		return fail(p, "unknown key \"%s\"%s", name, "");
	log_warnx("%s:%d: unknown key \"%s\" in [global], ignored", p->path, p->line, name);
	return 1;
}

static int peer_key(struct parse_ctx *p, struct conf_peer *pr, const char *name,
		    const char *value)
{
	if (!strcmp(name, "secret")) {
		if (parse_str(value, pr->secret, sizeof(pr->secret)))
			return fail(p, "%s: too long%s", name, "");
		pr->has_secret = true;
		return 1;
	}
	if (!strcmp(name, "fast_path")) {
		bool on;

		if (parse_bool(value, &on))
			return fail(p, "%s: expected yes or no, got \"%s\"", name, value);
		pr->no_fast_path = !on;
		return 1;
	}
	log_warnx("%s:%d: unknown key \"%s\" in [peer], ignored", p->path, p->line, name);
	return 1;
}

static int lac_key(struct parse_ctx *p, struct conf_lac *l, const char *name, const char *value)
{
	unsigned int u;

	if (!strcmp(name, "lns")) {
		if (addr_parse(value, &l->lns) < 0)
			return fail(p, "lns: not an address: \"%s\"%s", value, "");
		return 1;
	}
	if (!strcmp(name, "port")) {
		if (parse_uint(value, 1, 65535, &u))
			return fail(p, "%s: expected a port, got \"%s\"", name, value);
		l->port = u;
		return 1;
	}
	if (!strcmp(name, "secret")) {
		if (parse_str(value, l->secret, sizeof(l->secret)))
			return fail(p, "%s: too long%s", name, "");
		l->has_secret = true;
		return 1;
	}
	STR("user", l->user)
	STR("password", l->password)
	BOOL("default_route", l->default_route)
	UINT("sessions", l->sessions, 1, 65535)
	BOOL("hide_avps", l->hide_avps)
	BOOL("autodial", l->autodial)
	BOOL("redial", l->redial)
	UINT("redial_timeout", l->redial_timeout, 1, 3600)
	UINT("max_redials", l->max_redials, 0, 1000000)
	log_warnx("%s:%d: unknown key \"%s\" in [lac %s], ignored", p->path, p->line, name,
		  l->name);
	return 1;
}

static int handler(void *arg, const char *section, const char *name, const char *value)
{
	struct parse_ctx *p = arg;
	struct conf *c = p->c;
	int i;

	if (p->failed)
		return 0;
	if (!strcmp(section, "global"))
		return global_key(p, name, value);
	if (!strncmp(section, "peer ", 5)) {
		struct l2tpx_addr a;

		if (addr_parse(section + 5, &a) < 0)
			return fail(p, "[%s]: not an address%s", section, "");
		for (i = 0; i < c->npeers; i++)
			if (!memcmp(&c->peers[i].addr, &a, sizeof(a)))
				return peer_key(p, &c->peers[i], name, value);
		if (c->npeers == CONF_MAX_PEERS)
			return fail(p, "too many [peer] sections%s%s", "", "");
		c->peers[c->npeers].addr = a;
		return peer_key(p, &c->peers[c->npeers++], name, value);
	}
	if (!strncmp(section, "lac ", 4)) {
		const char *n = section + 4;

		for (i = 0; i < c->nlacs; i++)
			if (!strcmp(c->lacs[i].name, n))
				return lac_key(p, &c->lacs[i], name, value);
		if (c->nlacs == CONF_MAX_LACS)
			return fail(p, "too many [lac] sections%s%s", "", "");
		if (parse_str(n, c->lacs[c->nlacs].name, CONF_STR))
			return fail(p, "[%s]: name too long%s", section, "");
		c->lacs[c->nlacs].port = L2TPX_DEFAULT_PORT;
		c->lacs[c->nlacs].redial = true;
		c->lacs[c->nlacs].redial_timeout = 5;
		c->lacs[c->nlacs].autodial = true;
		return lac_key(p, &c->lacs[c->nlacs++], name, value);
	}
	log_warnx("%s:%d: unknown section [%s], ignored", p->path, p->line, section);
	return 1;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct parse_ctx p = { .path = path, .c = c, .err = err, .errlen = errlen };
	int rc, i;

	conf_defaults(c);
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (p.failed)
		return -1;
	if (rc) {
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
			 path, rc);
		return -1;
	}
	for (i = 0; i < c->nlacs; i++) {
		static const struct l2tpx_addr none;

		if (!memcmp(&c->lacs[i].lns, &none, sizeof(none))) {
			snprintf(err, errlen, "%s: [lac %s] needs lns = ADDRESS", path,
				 c->lacs[i].name);
			return -1;
		}
	}
	return 0;
}

bool conf_peer_fast_path(const struct conf *c, const struct l2tpx_addr *a)
{
	for (int i = 0; i < c->npeers; i++)
		if (!memcmp(&c->peers[i].addr, a, sizeof(*a)) && c->peers[i].no_fast_path)
			return false;
	return true;
}

const char *conf_peer_secret(const struct conf *c, const struct l2tpx_addr *a)
{
	int i;

	for (i = 0; i < c->npeers; i++)
		if (!memcmp(&c->peers[i].addr, a, sizeof(*a)) && c->peers[i].has_secret)
			return c->peers[i].secret;
	for (i = 0; i < c->nlacs; i++)
		if (!memcmp(&c->lacs[i].lns, a, sizeof(*a)) && c->lacs[i].has_secret)
			return c->lacs[i].secret;
	return c->has_secret ? c->secret : NULL;
}

int conf_set(struct conf *c, const char *name, const char *value, char *err, size_t errlen)
{
	struct parse_ctx p = { .path = "-o", .c = c, .err = err, .errlen = errlen };

	global_key(&p, name, value);
	return p.failed ? -1 : 0;
}

const char *conf_host_secret(const struct conf *c, const char *host)
{
	for (int i = 0; i < c->nhost_secrets; i++)
		if (!strcasecmp(c->host_secrets[i].host, host))
			return c->host_secrets[i].secret;
	return NULL;
}

bool conf_peer_allowed(const struct conf *c, const struct l2tpx_addr *a)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t h;

	if (!c->access_control)
		return true;
	if (memcmp(a->a8, v4mapped, sizeof(v4mapped)))
		return false;	/* xl2tpd's lists hold IPv4 addresses only */
	h = ntohl(a->a32[3]);
	for (int i = 0; i < c->nacl; i++)
		if (h >= c->acl[i].first && h <= c->acl[i].last)
			return true;
	return false;
}
