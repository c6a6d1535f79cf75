/* SPDX-License-Identifier: GPL-2.0 */
/* PPP secrets in pppd's chap-secrets / pap-secrets format:
 *     client  server  secret  [address ...]
 * one entry a line; `#` at the start of a word comments out the rest of the
 * line; words quoted with "..." or '...' (backslash escapes inside, and
 * outside: \n \t \r \s \\ \" \', \ooo octal, \xHH hex; backslash-newline
 * continues the line); `*` as client or server matches any name; the
 * addresses are IPv4 addresses, prefixes `a.b.c.d/len` (any address in it;
 * chapsecrets.sample's "192.168.1.128/25"), `*` (any) or a lone `-` (none).
 * A lookup prefers, like pppd, an exact client over an exact server over
 * wildcards, and the first entry among equals. */
#ifndef L2TPX_SECRETS_H
#define L2TPX_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

struct secret {
	char *client;
	char *server;
	char *secret;
	unsigned int line;		/* where it was read, for messages */
	bool addr_any;			/* `*` among the addresses */
	bool addr_none;			/* `-`: no address allowed */
	size_t naddr;
	struct in_addr *addr;		/* the static addresses, in file order */
	size_t nnet;
	struct secret_net {
		struct in_addr net;	/* host bits cleared */
		unsigned int len;
	} *net;				/* the prefixes, in file order */
};

struct secrets {
	char *path;			/* or the name given to secrets_parse */
	size_t n;
	struct secret *v;
};

/* Load flags. */
#define SECRETS_NO_MODE_CHECK	0x1	/* tests: skip secrets_check_mode */

/* 0 when path is a regular file that neither group nor others may read or
 * write; otherwise -1 with the reason in err ("path: readable by group or
 * others (mode 0644): chmod 600 path"). */
int secrets_check_mode(const char *path, char *err, size_t errlen);

/* Parse the file (mode-checked first unless SECRETS_NO_MODE_CHECK) into
 * *out; 0, or -1 with "path:line: what" in err and *out untouched. */
int secrets_load(const char *path, unsigned int flags, struct secrets **out, char *err,
		 size_t errlen);
/* The same from a buffer; name stands for the path in messages. */
int secrets_parse(const char *text, size_t len, const char *name, struct secrets **out,
		  char *err, size_t errlen);
void secrets_free(struct secrets *s);

/* The best entry for (client, server), or NULL. */
const struct secret *secrets_find(const struct secrets *s, const char *client,
				  const char *server);
/* The secret for (client, server) into secret (NUL-terminated, cap bytes)
 * and, when addr4 is given, the first static address (INADDR_ANY when the
 * entry has none); 0, or -1 when there is no entry (or cap is too small). */
int secrets_lookup(const struct secrets *s, const char *client, const char *server,
		   char *secret, size_t cap, struct in_addr *addr4);
/* secrets_lookup as a ppp_auth_lookup_fn, arg = the struct secrets. */
int secrets_auth_lookup(void *arg, const char *client, const char *server, char *secret,
			size_t cap);

#endif
