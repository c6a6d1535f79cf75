// SPDX-License-Identifier: GPL-2.0
/* xl2tpd.conf (libinih), pppd options files and l2tp-secrets mapped into
 * struct conf, so that an xl2tpd + pppd installation starts l2tpxd as is.
 * What l2tpxd cannot do is a warning with file:line; a bad value is an
 * error with file:line, before anything touches the network. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ini.h>

#include "conf_xl2tpd.h"
#include "log.h"
#include "secrets.h"
#include "util.h"

#define MAX_RULES	64	/* ip range / no ip range / lac / no lac lines */
#define MAX_DEPTH	8	/* nested pppd `file` options */
#define PPP_OVERHEAD	62	/* struct conf's mtu is the PPP MTU plus this */

/* An `ip range` or `lac` line: the last line that covers an address decides. */
struct rule {
	uint32_t first, last;	/* host order */
	bool deny;		/* `no ip range`, `no lac` */
};

/* Authentication wishes from xl2tpd keys and pppd options, settled at the end. */
struct auth_want {
	int required;		/* -1 unset, 0 noauth, 1 auth */
	bool pap, chap, mschap2;
};

struct xl_ctx {
	const char *path;
	FILE *f;
	int line;
	struct conf *c;
	char *err;
	size_t errlen;
	int failed;
	enum { SEC_NONE, SEC_GLOBAL, SEC_LNS, SEC_LAC, SEC_OTHER } sec;
	char section[CONF_STR];		/* the current one, as written */
	struct conf_lac *lac;		/* in a [lac] section */
	struct conf_lac lac_default;	/* [lac default]: for the [lac]s that follow */
	bool lac_lns_set[CONF_MAX_LACS];
	char lac_optfile[CONF_MAX_LACS][CONF_STR];
	int lac_optfile_line[CONF_MAX_LACS];
	char lns_first[CONF_STR];	/* the first [lns] section's name */
	bool have_lns;
	struct rule ip[MAX_RULES];
	int nip;
	struct rule acl[MAX_RULES];
	int nacl;
	int assign_ip;			/* -1 unset */
	struct auth_want auth;
	char lns_optfile[CONF_STR];
	int lns_optfile_line;
	char auth_file[CONF_STR];
	bool auth_file_set;
	bool ipsec_like;		/* a `conn` or `config setup` line was seen */
};

struct opt_ctx {
	const char *path;
	int line;
	struct conf *c;
	struct conf_lac *lac;		/* NULL: the LNS profile */
	struct auth_want *auth;
	char *err;
	size_t errlen;
	unsigned int mtu, mru;		/* 0 unset */
	int ndns;
	const char *from;		/* where the file was named, for a missing one */
	int from_line;
};

/* ---- shared helpers ------------------------------------------------------- */

static int __attribute__((format(printf, 5, 6)))
errf(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", path, line, msg);
	return -1;
}

static int parse_yesno(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
		 !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_ip4(const char *s, uint32_t *host)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*host = ntohl(a.s_addr);
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "a.b.c.d", "a.b.c.d-e.f.g.h" or "a.b.c.d - e.f.g.h"; 0 or -1. */
static int parse_range(const char *v, struct rule *r)
{
	char buf[128], *dash, *a, *b;

	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	a = trim(buf);
	b = dash ? trim(dash + 1) : a;
	if (parse_ip4(a, &r->first) || parse_ip4(b, &r->last) || r->first > r->last)
		return -1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The addresses the rules allow (last covering rule wins), as disjoint
 * ranges in ascending order; the count, or -1 when more than max. */
static int rules_resolve(const struct rule *r, int n, struct conf_range4 *out, int max)
{
	uint64_t pts[2 * MAX_RULES];
	int np = 0, nout = 0;

	for (int i = 0; i < n; i++) {
		pts[np++] = r[i].first;
		pts[np++] = (uint64_t)r[i].last + 1;
	}
	qsort(pts, np, sizeof(pts[0]), cmp_u64);
	for (int i = 0; i + 1 < np; i++) {
		uint64_t lo = pts[i], hi = pts[i + 1] - 1;
		bool allow = false;

		if (pts[i + 1] == pts[i])
			continue;
		for (int k = 0; k < n; k++)
			if (lo >= r[k].first && lo <= r[k].last)
				allow = !r[k].deny;
		if (!allow)
			continue;
		if (nout && out[nout - 1].last + 1ULL == lo) {
			out[nout - 1].last = hi;
			continue;
		}
		if (nout == max)
			return -1;
		out[nout].first = lo;
		out[nout].last = hi;
		nout++;
	}
	return nout;
}

static void range_str(const struct conf_range4 *r, char *buf, size_t len)
{
	struct in_addr a = { htonl(r->first) }, b = { htonl(r->last) };
	char x[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, x, sizeof(x));
	inet_ntop(AF_INET, &b, y, sizeof(y));
	snprintf(buf, len, "%s-%s", x, y);
}

/* ---- pppd options --------------------------------------------------------- */

/* Split a line into words: blanks separate, `#` at a word's start comments
 * out the rest, "..." and '...' quote, backslash escapes one character.
 * Returns the number of words, or -1 for an unterminated quote. */
static int split_words(char *line, char **w, int max)
{
	char *p = line, *o;
	int n = 0;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return n;
		w[n++] = o = p;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char q = *p++;

				while (*p && *p != q) {
					if (*p == '\\' && p[1])
						p++;
					*o++ = *p++;
				}
				if (*p != q)
					return -1;
				p++;
			} else {
				if (*p == '\\' && p[1])
					p++;
				*o++ = *p++;
			}
		}
		if (*p)
			p++;
		*o = '\0';
	}
}

static void opt_warn(struct opt_ctx *o, const char *opt, const char *why)
{
	log_warnx("%s:%d: pppd option \"%s\" ignored: %s", o->path, o->line, opt, why);
}

static int opt_uint(struct opt_ctx *o, const char *opt, const char *v, unsigned long lo,
		    unsigned long hi, unsigned int *out)
{
	unsigned long n;

	if (!v)
		return errf(o->err, o->errlen, o->path, o->line, "%s: needs a number", opt);
	if (num_parse(v, lo, hi, &n))
		return errf(o->err, o->errlen, o->path, o->line,
			    "%s: expected a number from %lu to %lu, got \"%s\"", opt, lo, hi, v);
	*out = (unsigned int)n;
	return 0;
}

static int opt_str(struct opt_ctx *o, const char *opt, const char *v, char *out, size_t len)
{
	if (!v)
		return errf(o->err, o->errlen, o->path, o->line, "%s: needs a value", opt);
	if (strlen(v) >= len)
		return errf(o->err, o->errlen, o->path, o->line, "%s: value too long: \"%s\"", opt,
			    v);
	strcpy(out, v);
	return 0;
}

static int options_file(struct opt_ctx *o, const char *path, int depth);

/* Options that change nothing here because l2tpxd already behaves so. */
static const char *const same_as_l2tpxd[] = {
	"noccp", "novj", "novjccomp", "nobsdcomp", "nodeflate", "nopredictor1", "noipx",
	"hide-password", "nopcomp", "noaccomp", "nomppe", "nodetach", "passive",
	NULL,
};

/* Options for a serial line or a pppd process, meaningless for l2tpxd,
 * with whether they take an argument. */
static const struct {
	const char *name;
	bool arg;
	const char *why;
} not_here[] = {
	{ "lock", false, "no serial line: l2tpxd opens no tty" },
	{ "crtscts", false, "no serial line" },
	{ "nocrtscts", false, "no serial line" },
	{ "modem", false, "no serial line" },
	{ "local", false, "no serial line" },
	{ "asyncmap", true, "no serial line (L2TP is synchronous)" },
	{ "connect-delay", true, "no connect script" },
	{ "connect", true, "no connect script" },
	{ "idle", true, "no idle timeout; LCP echoes clear dead sessions" },
	{ "debug", false, "PPP debugging is l2tpxd -v" },
	{ "kdebug", true, "PPP debugging is l2tpxd -v" },
	{ "logfile", true, "l2tpxd logs to syslog, or stderr with -d" },
	{ "logfd", true, "l2tpxd logs to syslog, or stderr with -d" },
	{ "proxyarp", false, "subscriber addresses are routed to l2tpxd's TUN device; "
			     "publish them with a route or proxy ARP on the LAN side yourself" },
	{ "ms-wins", true, "l2tpxd offers no WINS servers" },
	{ "ipcp-accept-local", false, "l2tpxd sets its IPCP address (local ip)" },
	{ "ipcp-accept-remote", false, "addresses come from the pool or the secrets file" },
	{ "noipdefault", false, "l2tpxd sets its IPCP address (local ip)" },
	{ "persist", false, "a [lac]'s redial does this" },
	{ "maxfail", true, "a [lac]'s max redials does this" },
	{ "holdoff", true, "a [lac]'s redial timeout does this" },
	{ "ipparam", true, "no ip-up scripts" },
	{ "linkname", true, "no per-link pid files" },
	{ "ifname", true, "sessions share subscriber_dev" },
	{ "plugin", true, "no pppd plugins (RADIUS: not yet); users come from the secrets file" },
	{ "require-mppe", false, "no MPPE encryption" },
	{ "require-mppe-128", false, "no MPPE encryption" },
	{ "require-mppe-40", false, "no MPPE encryption" },
	{ "mppe", true, "no MPPE encryption" },
	{ "require-mschap", false, "no MS-CHAPv1: use require-mschap-v2" },
	{ "require-eap", false, "no EAP" },
	{ "refuse-eap", false, "no EAP" },
	{ "ipv6cp-use-ipaddr", false, "interface ids are random" },
	{ "ipv6cp-accept-local", false, "interface ids are random" },
	{ "ipv6cp-accept-remote", false, "interface ids are random" },
	{ "ipv6", true, "interface ids are random" },
	{ "ipcp-max-failure", true, "fixed PPP timers" },
	{ "ipcp-restart", true, "fixed PPP timers" },
	{ "lcp-restart", true, "fixed PPP timers" },
	{ "lcp-max-configure", true, "fixed PPP timers" },
	{ "chap-restart", true, "fixed PPP timers" },
	{ "chap-max-challenge", true, "fixed PPP timers" },
	{ "pap-timeout", true, "fixed PPP timers" },
	{ "pap-restart", true, "fixed PPP timers" },
	{ "login", false, "no /etc/passwd logins: users come from the secrets file" },
	{ "unit", true, "sessions share subscriber_dev" },
	{ "mtu-probe", false, "unknown to l2tpxd" },
	{ "usepeerdns", false, "l2tpxd does not write resolv.conf" },
	{ "replacedefaultroute", false, "use defaultroute in a [lac]'s options" },
};

static int lns_or_lac_bool(struct opt_ctx *o, const char *opt, bool lac_only, bool *field,
			   bool val)
{
	if (lac_only && !o->lac) {
		opt_warn(o, opt, "an LNS routes subscriber addresses, not a default route");
		return 0;
	}
	*field = val;
	return 0;
}

/* One option line: w[0] the option, the rest its arguments. */
static int option(struct opt_ctx *o, char **w, int n, int depth)
{
	const char *opt = w[0], *arg = n > 1 ? w[1] : NULL;
	struct l2tpx_addr a;
	unsigned int u;
	size_t i;

	for (i = 0; same_as_l2tpxd[i]; i++)
		if (!strcmp(opt, same_as_l2tpxd[i]))
			return 0;
	for (i = 0; i < sizeof(not_here) / sizeof(not_here[0]); i++)
		if (!strcmp(opt, not_here[i].name)) {
			if (not_here[i].arg && !arg)
				return errf(o->err, o->errlen, o->path, o->line, "%s: needs a value",
					    opt);
			opt_warn(o, opt, not_here[i].why);
			return 0;
		}
	if (!strcmp(opt, "file") || !strcmp(opt, "call")) {
		char p[CONF_STR + 16];

		if (!arg)
			return errf(o->err, o->errlen, o->path, o->line, "%s: needs a file name", opt);
		if (depth >= MAX_DEPTH)
			return errf(o->err, o->errlen, o->path, o->line,
				    "%s %s: nested more than %d deep (a loop?)", opt, arg, MAX_DEPTH);
		snprintf(p, sizeof(p), "%s%s", !strcmp(opt, "call") ? "/etc/ppp/peers/" : "", arg);
		return options_file(o, p, depth + 1);
	}
	if (!strcmp(opt, "ms-dns")) {
		if (!arg || addr_parse(arg, &a) != AF_INET)
			return errf(o->err, o->errlen, o->path, o->line,
				    "ms-dns: expected an IPv4 address, got \"%s\"", arg ? arg : "");
		if (o->lac) {
			opt_warn(o, opt, "a client does not offer DNS servers");
			return 0;
		}
		if (o->ndns == 2) {
			opt_warn(o, opt, "IPCP carries two DNS servers; this third one is not sent");
			return 0;
		}
		o->c->dns[o->ndns++] = a.a32[3];
		return 0;
	}
	if (!strcmp(opt, "mtu") || !strcmp(opt, "mru")) {
		/* struct conf's mtu is the path MTU: PPP's plus the L2TP/UDP/IP headers. */
		if (opt_uint(o, opt, arg, 576 - PPP_OVERHEAD, 9216 - PPP_OVERHEAD, &u))
			return -1;
		*(opt[1] == 't' ? &o->mtu : &o->mru) = u;
		return 0;
	}
	if (!strcmp(opt, "lcp-echo-interval")) {
		if (o->lac) {
			opt_warn(o, opt, "a client answers echoes; the LNS sends them");
			return 0;
		}
		return opt_uint(o, opt, arg, 0, 3600, &o->c->lcp_echo_interval);
	}
	if (!strcmp(opt, "lcp-echo-failure")) {
		if (o->lac) {
			opt_warn(o, opt, "a client answers echoes; the LNS sends them");
			return 0;
		}
		return opt_uint(o, opt, arg, 1, 100, &o->c->lcp_echo_failure);
	}
	if (!strcmp(opt, "chap-interval")) {
		if (o->lac) {
			opt_warn(o, opt, "a client does not challenge");
			return 0;
		}
		return opt_uint(o, opt, arg, 0, 86400, &o->c->chap_interval);
	}
	if (!strcmp(opt, "name"))
		return o->lac ? opt_str(o, opt, arg, o->lac->user, sizeof(o->lac->user))
			      : opt_str(o, opt, arg, o->c->auth_name, sizeof(o->c->auth_name));
	if (!strcmp(opt, "user") || !strcmp(opt, "password")) {
		if (!o->lac) {
			opt_warn(o, opt, "an LNS does not authenticate itself to subscribers");
			return arg ? 0 : errf(o->err, o->errlen, o->path, o->line, "%s: needs a value", opt);
		}
		return opt[0] == 'u' ? opt_str(o, opt, arg, o->lac->user, sizeof(o->lac->user))
				     : opt_str(o, opt, arg, o->lac->password, sizeof(o->lac->password));
	}
	if (!strcmp(opt, "auth") || !strcmp(opt, "noauth")) {
		if (o->lac) {
			if (opt[0] == 'a')
				opt_warn(o, opt, "a client does not authenticate its LNS");
			return 0;
		}
		o->auth->required = opt[0] == 'a';
		return 0;
	}
	if (!strcmp(opt, "require-pap") || !strcmp(opt, "require-chap") ||
	    !strcmp(opt, "require-mschap-v2")) {
		if (o->lac) {
			opt_warn(o, opt, "a client does not authenticate its LNS");
			return 0;
		}
		if (!strcmp(opt, "require-pap"))
			o->auth->pap = true;
		else if (!strcmp(opt, "require-chap"))
			o->auth->chap = true;
		else
			o->auth->mschap2 = true;
		return 0;
	}
	if (!strncmp(opt, "refuse-", 7)) {
		/* How we would authenticate ourselves: an LNS never does. */
		if (o->lac)
			opt_warn(o, opt, "the client answers what the LNS asks for");
		return 0;
	}
	if (!strcmp(opt, "+ipv6"))
		return o->lac ? 0 : (o->c->ipv6cp = true, 0);
	if (!strcmp(opt, "noipv6") || !strcmp(opt, "-ipv6"))
		return o->lac ? (opt_warn(o, opt, "the client follows the LNS"), 0)
			      : (o->c->ipv6cp = false, 0);
	if (!strcmp(opt, "defaultroute"))
		return lns_or_lac_bool(o, opt, true, o->lac ? &o->lac->default_route : NULL, true);
	if (!strcmp(opt, "nodefaultroute")) {
		if (o->lac)
			o->lac->default_route = false;
		return 0;
	}
	log_warnx("%s:%d: unknown pppd option \"%s\", ignored", o->path, o->line, opt);
	return 0;
}

static int options_file(struct opt_ctx *o, const char *path, int depth)
{
	const char *saved_path = o->path;
	int saved_line = o->line, n, rc = 0;
	char line[1024], *w[16];
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		if (depth)
			return errf(o->err, o->errlen, saved_path, saved_line, "file %s: %s", path,
				    strerror(errno));
		if (o->from)
			return errf(o->err, o->errlen, o->from, o->from_line, "pppoptfile %s: %s",
				    path, strerror(errno));
		snprintf(o->err, o->errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	o->path = path;
	o->line = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		o->line++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = errf(o->err, o->errlen, path, o->line, "line longer than %zu characters",
				  sizeof(line) - 2);
			break;
		}
		n = split_words(line, w, 16);
		if (n < 0)
			rc = errf(o->err, o->errlen, path, o->line, "unterminated quote");
		else if (n > 0)
			rc = option(o, w, n, depth);
	}
	fclose(f);
	o->path = saved_path;
	o->line = saved_line;
	return rc;
}

static int pppd_options(const char *path, struct conf *c, struct conf_lac *lac,
			struct auth_want *aw, char *err, size_t errlen, const char *from,
			int from_line)
{
	struct opt_ctx o = { .c = c, .lac = lac, .auth = aw, .err = err, .errlen = errlen,
			     .from = from, .from_line = from_line };
	unsigned int m;

	if (options_file(&o, path, 0))
		return -1;
	m = o.mtu && o.mru ? (o.mtu < o.mru ? o.mtu : o.mru) : o.mtu ? o.mtu : o.mru;
	if (m && !lac)
		c->mtu = m + PPP_OVERHEAD;
	else if (m)
		log_warnx("%s: mtu/mru of a [lac] ignored: the client's MRU follows the "
			  "global mtu", path);
	return 0;
}

/* The method the LNS asks for, from the wishes of xl2tpd and pppd. */
static void auth_settle(struct conf *c, const struct auth_want *aw, const char *where)
{
	int n = aw->pap + aw->chap + aw->mschap2;

	if (aw->required == 0 && !n) {
		c->auth = CONF_AUTH_NONE;
		return;
	}
	if (aw->mschap2)
		c->auth = CONF_AUTH_MSCHAPV2;
	else if (aw->chap)
		c->auth = CONF_AUTH_CHAP;
	else if (aw->pap)
		c->auth = CONF_AUTH_PAP;
	if (n > 1)
		log_warnx("%s: more than one method required: l2tpxd asks for %s only", where,
			  c->auth == CONF_AUTH_MSCHAPV2 ? "MS-CHAPv2" : "CHAP-MD5");
}

int conf_pppd_options_load(const char *path, struct conf *c, struct conf_lac *lac, char *err,
			   size_t errlen)
{
	struct auth_want aw = { .required = -1 };

	if (pppd_options(path, c, lac, &aw, err, errlen, NULL, 0))
		return -1;
	if (!lac)
		auth_settle(c, &aw, path);
	return 0;
}

/* ---- l2tp-secrets ---------------------------------------------------------- */

int conf_l2tp_secrets_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct secrets *s;
	bool have_default = false;

	if (secrets_load(path, 0, &s, err, errlen))
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct secret *e = &s->v[i];
		struct l2tpx_addr a;
		int k;

		/* columns: us them secret (client = us, server = them) */
		if (strcmp(e->client, "*") && strcasecmp(e->client, c->hostname))
			continue;
		if (e->naddr || e->nnet || e->addr_any || e->addr_none)
			log_warnx("%s:%u: l2tp-secrets has three columns; the rest is ignored", path,
				  e->line);
		if (strlen(e->secret) >= CONF_STR) {
			secrets_free(s);
			return errf(err, errlen, path, (int)e->line, "secret longer than %d characters",
				    CONF_STR - 1);
		}
		if (!strcmp(e->server, "*")) {
			/* xl2tpd takes the first line that matches */
			if (!have_default) {
				strcpy(c->secret, e->secret);
				c->has_secret = true;
				have_default = true;
			}
		} else if (addr_parse(e->server, &a) >= 0) {
			for (k = 0; k < c->npeers; k++)
				if (!memcmp(&c->peers[k].addr, &a, sizeof(a)))
					break;
			if (k == c->npeers) {
				if (k == CONF_MAX_PEERS) {
					secrets_free(s);
					return errf(err, errlen, path, (int)e->line,
						    "more than %d peers", CONF_MAX_PEERS);
				}
				memset(&c->peers[k], 0, sizeof(c->peers[k]));
				c->peers[k].addr = a;
				c->npeers++;
			} else if (c->peers[k].has_secret) {
				continue;
			}
			strcpy(c->peers[k].secret, e->secret);
			c->peers[k].has_secret = true;
		} else {
			if (conf_host_secret(c, e->server))
				continue;
			if (c->nhost_secrets == CONF_MAX_PEERS || strlen(e->server) >= CONF_STR) {
				secrets_free(s);
				return errf(err, errlen, path, (int)e->line,
					    "more than %d host names, or one too long", CONF_MAX_PEERS);
			}
			strcpy(c->host_secrets[c->nhost_secrets].host, e->server);
			strcpy(c->host_secrets[c->nhost_secrets].secret, e->secret);
			c->nhost_secrets++;
		}
	}
	secrets_free(s);
	return 0;
}

/* ---- xl2tpd.conf ------------------------------------------------------------ */

static int x_section(struct xl_ctx *x, const char *section);

/* xl2tpd reads `;` as a comment anywhere and allows indentation: hand
 * libinih lines without either, so it never sees a continuation line. */
static char *xl_reader(char *buf, int n, void *arg)
{
	struct xl_ctx *x = arg;
	char *r = fgets(buf, n, x->f), *semi, *s;

	if (!r)
		return NULL;
	x->line++;
	semi = strchr(buf, ';');
	if (semi) {
		*semi++ = '\n';
		*semi = '\0';
	}
	for (s = buf; *s == ' ' || *s == '\t'; s++)
		;
	memmove(buf, s, strlen(s) + 1);
	if (!strncmp(buf, "conn ", 5) || !strncmp(buf, "config setup", 12) ||
	    !strncmp(buf, "version ", 8))
		x->ipsec_like = true;
	/* Sections are taken here, so that one without keys still counts. */
	if (buf[0] == '[' && !x->failed) {
		char name[CONF_STR + 8], *end = strchr(buf, ']');

		if (end && (size_t)(end - buf - 1) < sizeof(name)) {
			memcpy(name, buf + 1, (size_t)(end - buf - 1));
			name[end - buf - 1] = '\0';
			x_section(x, trim(name));
		}
	}
	return r;
}

static int xfail(struct xl_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int xfail(struct xl_ctx *x, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s:%d: %s", x->path, x->line, msg);
	x->failed = 1;
	return 0;
}

static void xwarn(struct xl_ctx *x, const char *key, const char *why)
{
	log_warnx("%s:%d: \"%s\" in [%s] ignored: %s", x->path, x->line, key, x->section, why);
}

#define XBOOL(x, key, value, field)                                                          \
	do {                                                                                 \
		if (parse_yesno(value, &(field)))                                            \
			return xfail(x, "%s: expected yes or no, got \"%s\"", key, value);  \
		return 1;                                                                    \
	} while (0)

/* A yes/no key l2tpxd does not act on: a warning only when it asks for
 * something other than what l2tpxd does (same = that value). */
static int x_ignored_bool(struct xl_ctx *x, const char *key, const char *value, bool same,
			  const char *why)
{
	bool b;

	if (parse_yesno(value, &b))
		return xfail(x, "%s: expected yes or no, got \"%s\"", key, value);
	if (b != same)
		xwarn(x, key, why);
	return 1;
}

static int x_rule(struct xl_ctx *x, const char *key, const char *value, struct rule *r, int *n,
		  bool deny)
{
	if (*n == MAX_RULES)
		return xfail(x, "%s: more than %d lines", key, MAX_RULES);
	if (parse_range(value, &r[*n]))
		return xfail(x, "%s: expected an IPv4 address or a range a.b.c.d-e.f.g.h, got "
				"\"%s\" (l2tpxd takes addresses, not names)", key, value);
	r[*n].deny = deny;
	(*n)++;
	return 1;
}

/* Keys that mean the same in [lns] and [lac] and that l2tpxd does not use. */
static int x_common_ignored(struct xl_ctx *x, const char *k, const char *v)
{
	if (!strcmp(k, "length bit"))
		return x_ignored_bool(x, k, v, false, "l2tpxd sends data without the length "
						       "field and accepts either");
	if (!strcmp(k, "flow bit"))
		return x_ignored_bool(x, k, v, false, "no data sequencing (xl2tpd documents "
						       "it as broken)");
	if (!strcmp(k, "ppp debug"))
		return x_ignored_bool(x, k, v, false, "PPP debugging is l2tpxd -v");
	if (!strcmp(k, "call rws"))
		return xwarn(x, k, "no session flow control (RFC 2661 dropped it)"), 1;
	if (!strcmp(k, "tx bps") || !strcmp(k, "rx bps") || !strcmp(k, "bps"))
		return xwarn(x, k, "l2tpxd sends its own connect speed"), 1;
	if (!strcmp(k, "pass peer"))
		return xwarn(x, k, "no pppd ipparam"), 1;
	if (!strcmp(k, "unix authentication") || !strcmp(k, "unix auth"))
		return x_ignored_bool(x, k, v, false, "no /etc/passwd logins: users come from "
						       "chap-secrets / pap-secrets");
	if (!strcmp(k, "remote ip"))
		return xwarn(x, k, "addresses come from the pool or the secrets file"), 1;
	return -1;
}

static int x_tunnel_rws(struct xl_ctx *x, const char *k, const char *v)
{
	unsigned long n;

	if (num_parse(v, 1, RDT_MAX_RWS, &n))
		return xfail(x, "%s: expected 1-%d, got \"%s\"", k, RDT_MAX_RWS, v);
	x->c->rdt.rws = n;
	return 1;
}

static int x_global(struct xl_ctx *x, const char *k, const char *v)
{
	struct conf *c = x->c;
	unsigned long n;

	if (!strcmp(k, "listen-addr")) {
		if (addr_parse(v, &c->listen[0]) < 0)
			return xfail(x, "%s: not an address: \"%s\"", k, v);
		c->nlisten = 1;
		return 1;
	}
	if (!strcmp(k, "port")) {
		if (num_parse(v, 1, 65535, &n))
			return xfail(x, "%s: expected a port, got \"%s\"", k, v);
		c->port = n;
		return 1;
	}
	if (!strcmp(k, "auth file")) {
		if (strlen(v) >= sizeof(x->auth_file))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(x->auth_file, v);
		x->auth_file_set = true;
		return 1;
	}
	if (!strcmp(k, "access control"))
		XBOOL(x, k, v, c->access_control);
	if (!strcmp(k, "max retries")) {
		if (num_parse(v, 1, 100, &n))
			return xfail(x, "%s: expected 1-100, got \"%s\"", k, v);
		c->rdt.max_retries = n;
		return 1;
	}
	if (!strcmp(k, "ipsec saref"))
		return x_ignored_bool(x, k, v, false, "no SAref kernel: IPsec is the kernel's "
						       "business, l2tpxd sees plain UDP");
	if (!strcmp(k, "saref refinfo"))
		return xwarn(x, k, "no SAref kernel"), 1;
	if (!strcmp(k, "force userspace"))
		return x_ignored_bool(x, k, v, true, "l2tpxd's control plane is always in "
						      "userspace, its data plane in XDP");
	if (!strcmp(k, "rand source"))
		return xwarn(x, k, "l2tpxd uses getrandom()"), 1;
	if (!strncmp(k, "debug ", 6))
		return x_ignored_bool(x, k, v, false, "debugging is l2tpxd -v");
	log_warnx("%s:%d: unknown key \"%s\" in [global], ignored", x->path, x->line, k);
	return 1;
}

/* require/refuse pap/chap/authentication for the LNS profile. */
static int x_lns_auth(struct xl_ctx *x, const char *k, const char *v)
{
	bool b, req = !strncmp(k, "require ", 8);
	const char *what = k + (req ? 8 : 7);

	if (parse_yesno(v, &b))
		return xfail(x, "%s: expected yes or no, got \"%s\"", k, v);
	if (!req)
		return 1;	/* how we would authenticate ourselves: an LNS never does */
	if (!strcmp(what, "pap"))
		x->auth.pap = b;
	else if (!strcmp(what, "chap"))
		x->auth.chap = b;
	else
		x->auth.required = b;
	return 1;
}

static int x_lns(struct xl_ctx *x, const char *k, const char *v)
{
	struct conf *c = x->c;
	struct l2tpx_addr a;
	int r;

	if (!strcmp(k, "ip range") || !strcmp(k, "no ip range"))
		return x_rule(x, k, v, x->ip, &x->nip, k[0] == 'n');
	if (!strcmp(k, "lac") || !strcmp(k, "no lac"))
		return x_rule(x, k, v, x->acl, &x->nacl, k[0] == 'n');
	if (!strcmp(k, "local ip")) {
		if (addr_parse(v, &a) != AF_INET)
			return xfail(x, "%s: expected an IPv4 address, got \"%s\"", k, v);
		c->local_ip = a.a32[3];
		return 1;
	}
	if (!strcmp(k, "local ip range")) {
		struct rule rr;

		if (parse_range(v, &rr))
			return xfail(x, "%s: expected a range a.b.c.d-e.f.g.h, got \"%s\"", k, v);
		c->local_ip = htonl(rr.first);
		xwarn(x, k, "one local address for every session: the range's first is used");
		return 1;
	}
	if (!strcmp(k, "assign ip")) {
		bool b;

		if (parse_yesno(v, &b))
			return xfail(x, "%s: expected yes or no, got \"%s\"", k, v);
		x->assign_ip = b;
		return 1;
	}
	if (!strncmp(k, "require ", 8) || !strncmp(k, "refuse ", 7)) {
		const char *w = k + (k[2] == 'q' ? 8 : 7);

		if (strcmp(w, "pap") && strcmp(w, "chap") && strcmp(w, "authentication") &&
		    strcmp(w, "auth"))
			goto unknown;
		return x_lns_auth(x, k, v);
	}
	if (!strcmp(k, "name")) {
		if (strlen(v) >= sizeof(c->auth_name))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(c->auth_name, v);
		return 1;
	}
	if (!strcmp(k, "hostname")) {
		if (strlen(v) >= sizeof(c->hostname))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(c->hostname, v);
		return 1;
	}
	if (!strcmp(k, "pppoptfile")) {
		if (strlen(v) >= sizeof(x->lns_optfile))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(x->lns_optfile, v);
		x->lns_optfile_line = x->line;
		return 1;
	}
	if (!strcmp(k, "hidden bit"))
		XBOOL(x, k, v, c->hide_avps);
	if (!strcmp(k, "challenge"))
		XBOOL(x, k, v, c->challenge);
	if (!strcmp(k, "tunnel rws"))
		return x_tunnel_rws(x, k, v);
	if (!strcmp(k, "exclusive"))
		return x_ignored_bool(x, k, v, false, "several tunnels per peer are allowed");
	if (!strcmp(k, "defaultroute"))
		return x_ignored_bool(x, k, v, false, "an LNS routes subscriber addresses");
	r = x_common_ignored(x, k, v);
	if (r >= 0)
		return r;
unknown:
	log_warnx("%s:%d: unknown key \"%s\" in [%s], ignored", x->path, x->line, k, x->section);
	return 1;
}

static int resolve_lns(const char *v, struct l2tpx_addr *a)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	char buf[INET6_ADDRSTRLEN];
	int rc;

	if (addr_parse(v, a) >= 0)
		return 0;
	/* A name, as xl2tpd allows: resolved once, now. */
	if (getaddrinfo(v, NULL, &hints, &res))
		return -1;
	if (res->ai_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof(buf));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, buf,
			  sizeof(buf));
	freeaddrinfo(res);
	rc = addr_parse(buf, a) < 0 ? -1 : 0;
	return rc;
}

static int x_lac(struct xl_ctx *x, struct conf_lac *l, int idx, const char *k, const char *v)
{
	unsigned long n;
	bool b;
	int r;

	if (!strcmp(k, "lns")) {
		if (idx >= 0 && x->lac_lns_set[idx])
			return xwarn(x, k, "a backup LNS (xl2tpd does not use it either)"), 1;
		if (resolve_lns(v, &l->lns))
			return xfail(x, "lns: not an address or a name that resolves: \"%s\"", v);
		if (idx >= 0)
			x->lac_lns_set[idx] = true;
		return 1;
	}
	if (!strcmp(k, "redial"))
		XBOOL(x, k, v, l->redial);
	if (!strcmp(k, "autodial"))
		XBOOL(x, k, v, l->autodial);
	if (!strcmp(k, "hidden bit"))
		XBOOL(x, k, v, l->hide_avps);
	if (!strcmp(k, "defaultroute"))
		XBOOL(x, k, v, l->default_route);
	if (!strcmp(k, "redial timeout")) {
		if (num_parse(v, 1, 3600, &n))
			return xfail(x, "%s: expected 1-3600 seconds, got \"%s\"", k, v);
		l->redial_timeout = n;
		return 1;
	}
	if (!strcmp(k, "max redials")) {
		if (num_parse(v, 0, 1000000, &n))
			return xfail(x, "%s: expected a number, got \"%s\"", k, v);
		l->max_redials = n;
		return 1;
	}
	if (!strcmp(k, "name")) {
		if (strlen(v) >= sizeof(l->user))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(l->user, v);
		return 1;
	}
	if (!strcmp(k, "pppoptfile")) {
		if (idx < 0)
			return xwarn(x, k, "give pppoptfile in each [lac]"), 1;
		if (strlen(v) >= sizeof(x->lac_optfile[0]))
			return xfail(x, "%s: value too long: \"%s\"", k, v);
		strcpy(x->lac_optfile[idx], v);
		x->lac_optfile_line[idx] = x->line;
		return 1;
	}
	if (!strncmp(k, "require ", 8) || !strncmp(k, "refuse ", 7)) {
		if (parse_yesno(v, &b))
			return xfail(x, "%s: expected yes or no, got \"%s\"", k, v);
		if (b)
			xwarn(x, k, k[2] == 'q' ? "a client does not authenticate its LNS"
						: "the client answers what the LNS asks for");
		return 1;
	}
	if (!strcmp(k, "hostname"))
		return xwarn(x, k, "the Host Name is global (hostname in [lns] or l2tpxd.conf)"), 1;
	if (!strcmp(k, "challenge"))
		return x_ignored_bool(x, k, v, false, "a [lac] answers a challenge with its "
						       "secret but does not send one");
	if (!strcmp(k, "tunnel rws"))
		return x_tunnel_rws(x, k, v);
	if (!strcmp(k, "local ip"))
		return xwarn(x, k, "the client takes the address the LNS gives"), 1;
	r = x_common_ignored(x, k, v);
	if (r >= 0)
		return r;
	log_warnx("%s:%d: unknown key \"%s\" in [%s], ignored", x->path, x->line, k, x->section);
	return 1;
}

static int x_section(struct xl_ctx *x, const char *section)
{
	struct conf *c = x->c;
	const char *name;

	if (strlen(section) >= sizeof(x->section))
		return xfail(x, "[%s]: section name too long", section);
	strcpy(x->section, section);
	x->lac = NULL;
	if (!strcasecmp(section, "global")) {
		x->sec = SEC_GLOBAL;
		return 1;
	}
	if (!strncasecmp(section, "lns ", 4)) {
		name = section + 4;
		x->sec = SEC_LNS;
		if (!x->have_lns) {
			x->have_lns = true;
			snprintf(x->lns_first, sizeof(x->lns_first), "%s", name);
		} else if (strcmp(x->lns_first, name)) {
			log_warnx("%s:%d: [%s]: l2tpxd has one LNS profile; these keys join "
				  "[lns %s]'s", x->path, x->line, section, x->lns_first);
		}
		return 1;
	}
	if (!strncasecmp(section, "lac ", 4)) {
		name = section + 4;
		x->sec = SEC_LAC;
		if (!strcmp(name, "default")) {
			x->lac = &x->lac_default;
			return 1;
		}
		for (int i = 0; i < c->nlacs; i++)
			if (!strcmp(c->lacs[i].name, name)) {
				x->lac = &c->lacs[i];
				return 1;
			}
		if (c->nlacs == CONF_MAX_LACS)
			return xfail(x, "more than %d [lac] sections", CONF_MAX_LACS);
		if (strlen(name) >= CONF_STR)
			return xfail(x, "[%s]: name too long", section);
		x->lac = &c->lacs[c->nlacs];
		*x->lac = x->lac_default;
		strcpy(x->lac->name, name);
		x->lac_lns_set[c->nlacs] = x->lac->lns.a32[3] || x->lac->lns.a32[2];
		c->nlacs++;
		return 1;
	}
	x->sec = SEC_OTHER;
	log_warnx("%s:%d: unknown section [%s], ignored", x->path, x->line, section);
	return 1;
}

static int xl_handler(void *arg, const char *section, const char *name, const char *value)
{
	struct xl_ctx *x = arg;
	char k[64], sec[CONF_STR + 8];
	size_t i;

	if (x->failed)
		return 0;
	/* xl2tpd's keys are case-insensitive; libinih trims them. */
	for (i = 0; name[i] && i + 1 < sizeof(k); i++)
		k[i] = (char)tolower((unsigned char)name[i]);
	k[i] = '\0';
	snprintf(sec, sizeof(sec), "%s", section);
	if (strcmp(sec, x->section) && !x_section(x, sec))
		return 0;
	switch (x->sec) {
	case SEC_GLOBAL:
		return x_global(x, k, value);
	case SEC_LNS:
		return x_lns(x, k, value);
	case SEC_LAC:
		return x_lac(x, x->lac, x->lac == &x->lac_default ? -1 : (int)(x->lac - x->c->lacs),
			     k, value);
	case SEC_OTHER:
		return 1;
	case SEC_NONE:
		break;
	}
	log_warnx("%s:%d: \"%s\" outside any section, ignored", x->path, x->line, name);
	return 1;
}

/* After the file: ranges, access control, options files, secrets. */
static int xl_finish(struct xl_ctx *x)
{
	struct conf *c = x->c;
	struct conf_range4 rr[CONF_MAX_RANGES];
	int n;

	if (x->nip && x->assign_ip != 0) {
		n = rules_resolve(x->ip, x->nip, rr, CONF_MAX_RANGES);
		if (n < 0)
			return errf(x->err, x->errlen, x->path, x->line,
				    "ip range: the lines make more than %d separate ranges",
				    CONF_MAX_RANGES);
		c->nranges = 0;
		for (int i = 0; i < n; i++)
			range_str(&rr[i], c->ip_range[c->nranges++], sizeof(c->ip_range[0]));
	} else if (x->assign_ip == 0) {
		c->nranges = 0;	/* addresses only from the secrets file */
	}
	if (x->nacl) {
		n = rules_resolve(x->acl, x->nacl, c->acl, CONF_MAX_ACL);
		if (n < 0)
			return errf(x->err, x->errlen, x->path, x->line,
				    "lac: the lines make more than %d separate ranges", CONF_MAX_ACL);
		c->nacl = n;
	}
	if (c->access_control && !c->nacl)
		log_warnx("%s: access control = yes without any `lac =` range: every tunnel "
			  "is refused", x->path);
	if (!x->have_lns) {
		/* xl2tpd without an [lns] section refuses incoming tunnels. */
		c->lns = false;
		log_info("%s: no [lns] section: incoming tunnels are refused, as xl2tpd does",
			 x->path);
	}
	if (x->lns_optfile[0] &&
	    pppd_options(x->lns_optfile, c, NULL, &x->auth, x->err, x->errlen, x->path,
			 x->lns_optfile_line))
		return -1;
	if (x->have_lns)
		auth_settle(c, &x->auth, x->path);
	for (int i = 0; i < c->nlacs; i++) {
		if (x->lac_optfile[i][0] &&
		    pppd_options(x->lac_optfile[i], c, &c->lacs[i], NULL, x->err, x->errlen,
				 x->path, x->lac_optfile_line[i]))
			return -1;
		if (!x->lac_lns_set[i]) {
			snprintf(x->err, x->errlen, "%s: [lac %s] needs lns = ADDRESS", x->path,
				 c->lacs[i].name);
			return -1;
		}
	}
	if (x->auth_file_set || access(x->auth_file, F_OK) == 0)
		return conf_l2tp_secrets_load(x->auth_file, c, x->err, x->errlen);
	return 0;
}

int conf_xl2tpd_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct xl_ctx *x = calloc(1, sizeof(*x));
	int rc;

	if (!x) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	x->path = path;
	x->c = c;
	x->err = err;
	x->errlen = errlen;
	x->assign_ip = -1;
	x->auth.required = -1;
	snprintf(x->auth_file, sizeof(x->auth_file), "%s", XL2TPD_SECRETS);
	/* xl2tpd's [lac] defaults, and its Host Name: the system's. */
	x->lac_default.port = L2TPX_DEFAULT_PORT;
	x->lac_default.redial_timeout = 30;
	if (!strcmp(c->hostname, "l2tpx") && gethostname(c->hostname, sizeof(c->hostname)))
		snprintf(c->hostname, sizeof(c->hostname), "l2tpx");
	c->hostname[sizeof(c->hostname) - 1] = '\0';

	x->f = fopen(path, "r");
	if (!x->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(x);
		return -1;
	}
	rc = ini_parse_stream(xl_reader, x, xl_handler, x);
	fclose(x->f);
	if (x->failed) {
		rc = -1;
	} else if (rc) {
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)%s",
			 path, rc,
			 x->ipsec_like ? "; this looks like an ipsec.conf (conn, config setup): "
					 "leave it to the IPsec daemon, l2tpxd reads xl2tpd.conf"
				       : "");
		rc = -1;
	} else {
		rc = xl_finish(x) ? -1 : 0;
	}
	free(x);
	return rc;
}

int conf_xl2tpd_lac_passwords(struct conf *c, char *err, size_t errlen)
{
	const char *files[2] = { c->chap_secrets, c->pap_secrets };

	for (int i = 0; i < c->nlacs; i++) {
		struct conf_lac *l = &c->lacs[i];
		int done = 0;

		if (!l->user[0] || l->password[0])
			continue;
		for (int f = 0; f < 2 && !done; f++) {
			struct secrets *s;

			if (access(files[f], F_OK))
				continue;
			if (secrets_load(files[f], 0, &s, err, errlen))
				return -1;
			done = !secrets_lookup(s, l->user, NULL, l->password, sizeof(l->password),
					       NULL);
			secrets_free(s);
		}
		if (!done)
			log_warnx("[lac %s]: no password for \"%s\" in %s or %s: the client "
				  "sends an empty one", l->name, l->user, files[0], files[1]);
	}
	return 0;
}
