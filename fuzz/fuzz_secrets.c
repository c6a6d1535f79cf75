// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: a chap-secrets / pap-secrets text through the secrets
 * parser (user/secrets.c), then lookups of the names it holds and of a few
 * fixed ones, and the free.  Input: the file's text, as is. */
#include <string.h>

#include "fuzz.h"
#include "secrets.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet_logs();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	struct secrets *s = NULL;
	struct in_addr a;
	char err[256], secret[64];

	memcpy(text, data, size);
	if (!secrets_parse(text, size, "fuzz", &s, err, sizeof(err))) {
		for (size_t i = 0; i < s->n && i < 64; i++) {
			const struct secret *e = &s->v[i];

			secrets_lookup(s, e->client, e->server, secret, sizeof(secret), &a);
			secrets_find(s, e->client, "lns");
		}
		secrets_lookup(s, "alice", "*", secret, sizeof(secret), &a);
		secrets_auth_lookup(s, "", "", secret, 1);
		secrets_free(s);
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();	/* an error message must be a string */
	}
	free(text);
	return 0;
}
