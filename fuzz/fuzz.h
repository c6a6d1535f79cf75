/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer targets share: a reader that takes the input apart
 * into bounded pieces, and the logs. */
#ifndef L2TPX_FUZZ_H
#define L2TPX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "log.h"

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz *z)
{
	uint8_t v = 0;

	if (z->n) {
		v = *z->p++;
		z->n--;
	}
	return v;
}

static inline uint16_t fz_u16(struct fz *z)
{
	uint16_t hi = fz_u8(z);

	return (uint16_t)(hi << 8 | fz_u8(z));
}

/* The next len octets (fewer when the input ends); *got says how many. */
static inline const uint8_t *fz_take(struct fz *z, size_t len, size_t *got)
{
	const uint8_t *p = z->p;

	if (len > z->n)
		len = z->n;
	z->p += len;
	z->n -= len;
	*got = len;
	return p;
}

/* Every log line of level info and up is formatted (a %s of bytes that
 * are not a string is a bug to find) into a buffered stderr: run with
 * -close_fd_mask=2 (scripts/fuzz.sh does) to throw it away and keep
 * libFuzzer's and the sanitizers' reports, which do not go through stdio.
 * FUZZ_LOG=0: no logs (faster); FUZZ_LOG=2: debug logs too. */
static inline void fz_quiet_logs(void)
{
	static char buf[1 << 16];
	const char *e = getenv("FUZZ_LOG");

	setvbuf(stderr, buf, _IOFBF, sizeof(buf));

	log_init("fuzz", 1, e && *e == '0' ? -1 : e && *e == '2' ? LOG_DEBUG : LOG_INFO);
}

#endif
