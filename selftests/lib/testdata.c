// SPDX-License-Identifier: GPL-2.0
/* Test material lookup and hex decoding. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testdata.h"

const char *repo_dir(void)
{
	static char root[PATH_MAX];
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n;

	if (root[0])
		return root;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	/* build/<dir>/<test>, or build/san/<dir>/<test> (make SAN=1): the
	 * first directory above that holds the Makefile. */
	for (int up = 0; up < 4; up++) {
		char *d = dirname(exe);

		memmove(exe, d, strlen(d) + 1);
		if (up < 2)
			continue;
		snprintf(probe, sizeof(probe), "%.4000s/Makefile", exe);
		if (!access(probe, R_OK))
			break;
	}
	snprintf(root, sizeof(root), "%s", exe);
	return root;
}

const char *testdata_dir(void)
{
	static char found[PATH_MAX];
	char rel[PATH_MAX], probe[PATH_MAX + 16];
	const char *cands[3] = { getenv("L2TPX_TESTDATA"), "../shared/testdata", NULL };

	if (found[0])
		return found;
	if (repo_dir()) {
		snprintf(rel, sizeof(rel), "%.4000s/../shared/testdata", repo_dir());
		cands[2] = rel;
	}
	for (int i = 0; i < 3; i++) {
		if (!cands[i])
			continue;
		snprintf(probe, sizeof(probe), "%.4000s/vectors.json", cands[i]);
		if (!access(probe, R_OK)) {
			snprintf(found, sizeof(found), "%s", cands[i]);
			return found;
		}
	}
	return NULL;
}

ssize_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);
	unsigned int x;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			return -1;
		out[i] = (uint8_t)x;
	}
	return n / 2;
}
