// SPDX-License-Identifier: GPL-2.0
/* The secrets file (pppd's chap-secrets / pap-secrets format): a mode check,
 * a word lexer with pppd's quoting, the entry parser and the lookup. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ppp_auth.h"
#include "secrets.h"

_Static_assert(__builtin_types_compatible_p(__typeof__(&secrets_auth_lookup), ppp_auth_lookup_fn),
	       "secrets_auth_lookup is a ppp_auth_lookup_fn");

/* Names and secrets are at most this long, as on the wire (PAP and CHAP
 * carry them with one-octet lengths) and in struct ppp_auth. */
#define WORD_MAX	(AUTH_SECRET_MAX - 1)

#define ENTRY_SYNTAX	"\"client server secret [address ...]\""

/* ---- mode check ---------------------------------------------------------- */

static int check_stat(const char *path, const struct stat *st, char *err, size_t errlen)
{
	mode_t m = st->st_mode;

	if (!S_ISREG(m)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (m & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
			 "%s: %s by group or others (mode %04o): refused, a secrets file must be "
			 "private (chmod 600 %s)",
			 path, m & (S_IRGRP | S_IROTH) ? "readable" : "writable",
			 (unsigned int)(m & 07777), path);
		return -1;
	}
	return 0;
}

int secrets_check_mode(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return check_stat(path, &st, err, errlen);
}

/* ---- lexer --------------------------------------------------------------- */

enum tok {
	TOK_WORD,
	TOK_EOL,
	TOK_EOF,
	TOK_ERR,
};

struct lexer {
	const char *p, *end;
	unsigned int line;	/* of lx->p */
	unsigned int word_line;	/* where the last word started */
	const char *name;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 3, 4)))
lex_err(struct lexer *lx, unsigned int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(lx->err, lx->errlen, "%s:%u: %s", lx->name, line, msg);
	return TOK_ERR;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* After a backslash: the character it stands for into *c and 0, 1 for a
 * backslash-newline (nothing), or TOK_ERR. */
static int lex_escape(struct lexer *lx, char *c)
{
	unsigned int v = 0;
	int i, d;
	char ch;

	if (lx->p >= lx->end)
		return lex_err(lx, lx->line, "backslash at the end of the file");
	ch = *lx->p++;
	switch (ch) {
	case '\n':
		lx->line++;
		return 1;
	case 'n':
		*c = '\n';
		break;
	case 't':
		*c = '\t';
		break;
	case 'r':
		*c = '\r';
		break;
	case 's':
		*c = ' ';
		break;
	case 'b':
		*c = '\b';
		break;
	case 'f':
		*c = '\f';
		break;
	case 'x':
		for (i = 0; i < 2 && lx->p < lx->end && (d = hexval(*lx->p)) >= 0; i++, lx->p++)
			v = v << 4 | (unsigned int)d;
		if (i == 0)
			return lex_err(lx, lx->line, "\\x without hex digits");
		*c = (char)v;
		break;
	case '0' ... '7':
		v = (unsigned int)(ch - '0');
		for (i = 1; i < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; i++)
			v = v << 3 | (unsigned int)(*lx->p++ - '0');
		if (v > 0377)
			return lex_err(lx, lx->line, "octal escape above \\377");
		*c = (char)v;
		break;
	default:
		*c = ch;
		break;
	}
	if (*c == '\0')
		return lex_err(lx, lx->line, "NUL in a word");
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The next word of the current line into buf (WORD_MAX + 1 bytes): TOK_WORD,
 * TOK_EOL (the newline is consumed), TOK_EOF or TOK_ERR. */
static int next_word(struct lexer *lx, char *buf)
{
	size_t n = 0;
	char c, quote = 0;
	int r;

	for (;;) {
		if (lx->p >= lx->end)
			return TOK_EOF;
		c = *lx->p;
		if (blank(c)) {
			lx->p++;
		} else if (c == '\n') {
			lx->p++;
			lx->line++;
			return TOK_EOL;
		} else if (c == '#') {
			/* a comment starts only where a word would */
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
			lx->p += 2;
			lx->line++;
		} else {
			break;
		}
	}

	lx->word_line = lx->line;
	while (lx->p < lx->end) {
		c = *lx->p;
		if (!quote && (blank(c) || c == '\n'))
			break;
		if (!quote && (c == '"' || c == '\'')) {
			quote = c;
			lx->p++;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			lx->p++;
			continue;
		}
		if (c == '\n')
			return lex_err(lx, lx->word_line, "unterminated %c quote", quote);
		lx->p++;
		if (c == '\\') {
			r = lex_escape(lx, &c);
			if (r == TOK_ERR)
				return r;
			if (r == 1)
				continue;
		} else if (c == '\0') {
			return lex_err(lx, lx->line, "NUL in a word");
		}
		if (n >= WORD_MAX)
			return lex_err(lx, lx->word_line, "word longer than %d characters",
				       WORD_MAX);
		buf[n++] = c;
	}
	if (quote)
		return lex_err(lx, lx->word_line, "unterminated %c quote", quote);
	buf[n] = '\0';
	return TOK_WORD;
}

/* ---- parser -------------------------------------------------------------- */

static void entry_free(struct secret *e)
{
	free(e->client);
	free(e->server);
	if (e->secret) {
		explicit_bzero(e->secret, strlen(e->secret));
		free(e->secret);
	}
	free(e->addr);
	free(e->net);
}

void secrets_free(struct secrets *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		entry_free(&s->v[i]);
	free(s->v);
	free(s->path);
	free(s);
}

/* "a.b.c.d/len" (0-32) into *n with the host bits cleared; 0 or -1. */
static int parse_net(const char *w, struct secret_net *n)
{
	const char *slash = strchr(w, '/');
	char ip[INET_ADDRSTRLEN], *end;
	unsigned long len;

	if (!slash || (size_t)(slash - w) >= sizeof(ip) || !slash[1])
		return -1;
	memcpy(ip, w, (size_t)(slash - w));
	ip[slash - w] = '\0';
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (*end || errno || len > 32 || slash[1] < '0' || slash[1] > '9')
		return -1;
	if (inet_pton(AF_INET, ip, &n->net) != 1)
		return -1;
	n->len = (unsigned int)len;
	n->net.s_addr &= len ? htonl(~0u << (32 - len)) : 0;
	return 0;
}

/* The address words after the secret, up to the end of the line. */
static int parse_addrs(struct lexer *lx, struct secret *e, char *w)
{
	struct in_addr a, *na;
	struct secret_net sn, *nn;
	int t;

	for (;;) {
		t = next_word(lx, w);
		if (t != TOK_WORD)
			return t;
		if (!strcmp(w, "*")) {
			e->addr_any = true;
		} else if (!strcmp(w, "-")) {
			e->addr_none = true;
		} else if (!strcmp(w, "--")) {
			return lex_err(lx, lx->word_line, "options after \"--\" are not supported");
		} else if (inet_pton(AF_INET, w, &a) == 1) {
			na = realloc(e->addr, (e->naddr + 1) * sizeof(*na));
			if (!na)
				return lex_err(lx, lx->word_line, "out of memory");
			e->addr = na;
			e->addr[e->naddr++] = a;
		} else if (parse_net(w, &sn) == 0) {
			nn = realloc(e->net, (e->nnet + 1) * sizeof(*nn));
			if (!nn)
				return lex_err(lx, lx->word_line, "out of memory");
			e->net = nn;
			e->net[e->nnet++] = sn;
		} else {
			return lex_err(lx, lx->word_line,
				       "address \"%s\": not an IPv4 address, a.b.c.d/len, \"*\" or \"-\"",
				       w);
		}
	}
}

static char *dup_word(struct lexer *lx, const char *w)
{
	char *s = strdup(w);

	if (!s)
		lex_err(lx, lx->word_line, "out of memory");
	return s;
}

int secrets_parse(const char *text, size_t len, const char *name, struct secrets **out,
		  char *err, size_t errlen)
{
	struct lexer lx = { text, text + len, 1, 1, name, err, errlen };
	struct secrets *s = calloc(1, sizeof(*s));
	struct secret *e, *nv;
	char w[WORD_MAX + 1];
	size_t cap = 0;
	unsigned int line;
	int t;

	if (!s || !(s->path = strdup(name))) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	for (;;) {
		t = next_word(&lx, w);
		if (t == TOK_EOF)
			break;
		if (t == TOK_EOL)
			continue;
		if (t == TOK_ERR)
			goto fail;

		if (s->n == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(s->v, cap * sizeof(*nv));
			if (!nv) {
				lex_err(&lx, lx.word_line, "out of memory");
				goto fail;
			}
			s->v = nv;
		}
		e = &s->v[s->n++];
		memset(e, 0, sizeof(*e));
		e->line = line = lx.word_line;
		if (!(e->client = dup_word(&lx, w)))
			goto fail;

		t = next_word(&lx, w);
		if (t == TOK_ERR)
			goto fail;
		if (t != TOK_WORD) {
			lex_err(&lx, line, "no server: expected %s", ENTRY_SYNTAX);
			goto fail;
		}
		if (!(e->server = dup_word(&lx, w)))
			goto fail;

		t = next_word(&lx, w);
		if (t == TOK_ERR)
			goto fail;
		if (t != TOK_WORD) {
			lex_err(&lx, line, "no secret: expected %s", ENTRY_SYNTAX);
			goto fail;
		}
		if (w[0] == '@') {
			/* pppd would read the secret from that file. */
			lex_err(&lx, line,
				"\"@file\" secrets (read from a file) are not supported");
			goto fail;
		}
		if (!(e->secret = dup_word(&lx, w)))
			goto fail;

		t = parse_addrs(&lx, e, w);
		if (t == TOK_ERR)
			goto fail;
		if (e->addr_none && (e->naddr || e->nnet || e->addr_any)) {
			lex_err(&lx, line, "\"-\" (no address) must stand alone");
			goto fail;
		}
		if (t == TOK_EOF)
			break;
	}
	explicit_bzero(w, sizeof(w));
	*out = s;
	return 0;
fail:
	explicit_bzero(w, sizeof(w));
	secrets_free(s);
	return -1;
}

int secrets_load(const char *path, unsigned int flags, struct secrets **out, char *err,
		 size_t errlen)
{
	size_t len = 0, cap;
	struct stat st;
	char *buf, *nb;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* The check is on the descriptor we read, not on the name again. */
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!(flags & SECRETS_NO_MODE_CHECK) && check_stat(path, &st, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	buf = malloc(cap);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				ret = -1;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			ret = -1;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	ret = secrets_parse(buf, len, path, out, err, errlen);
out:
	explicit_bzero(buf, cap);
	free(buf);
	close(fd);
	return ret;
}

/* ---- lookup -------------------------------------------------------------- */

static bool wild(const char *w)
{
	return w[0] == '*' && w[1] == '\0';
}

/* pppd's scan_authfile(): an exact client weighs 2, an exact server 1; a
 * later entry wins only when it weighs more. */
const struct secret *secrets_find(const struct secrets *s, const char *client,
				  const char *server)
{
	const struct secret *best = NULL, *e;
	int best_w = -1, w;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < s->n; i++) {
		e = &s->v[i];
		if (!wild(e->client) && client && strcmp(e->client, client))
			continue;
		if (!wild(e->server) && server && strcmp(e->server, server))
			continue;
		w = (wild(e->client) ? 0 : 2) | (wild(e->server) ? 0 : 1);
		if (w > best_w) {
			best = e;
			best_w = w;
		}
	}
	return best;
}

int secrets_lookup(const struct secrets *s, const char *client, const char *server,
		   char *secret, size_t cap, struct in_addr *addr4)
{
	const struct secret *e = secrets_find(s, client, server);
	size_t n;

	if (!e) {
		errno = ENOENT;
		return -1;
	}
	n = strlen(e->secret);
	if (n >= cap) {
		errno = ERANGE;
		return -1;
	}
	memcpy(secret, e->secret, n + 1);
	if (addr4) {
		if (e->naddr)
			*addr4 = e->addr[0];
		else
			addr4->s_addr = htonl(INADDR_ANY);
	}
	return 0;
}

int secrets_auth_lookup(void *arg, const char *client, const char *server, char *secret,
			size_t cap)
{
	return secrets_lookup(arg, client, server, secret, cap, NULL);
}
