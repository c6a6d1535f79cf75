/* SPDX-License-Identifier: GPL-2.0 */
/* Where the shared test material lives (../shared/testdata: vectors.json
 * and the captures), and hex strings as bytes.  One locator for every test. */
#ifndef L2TPX_TESTDATA_H
#define L2TPX_TESTDATA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* $L2TPX_TESTDATA, or ../shared/testdata from the working directory (the
 * repository under `make check`), or from the binary's place in
 * build/<dir>/.  NULL when none holds vectors.json. */
const char *testdata_dir(void);
/* The repository a test binary in build/<dir>/ belongs to. */
const char *repo_dir(void);
/* "a1b2..." into out: the byte count, or -1 when not hex or too long. */
ssize_t unhex(const char *hex, uint8_t *out, size_t cap);

#endif
