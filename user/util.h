/* SPDX-License-Identifier: GPL-2.0 */
/* Small parsing and formatting helpers shared by the daemon and the CLI. */
#ifndef L2TPX_UTIL_H
#define L2TPX_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "l2tpx.h"
#include "dp.h"

/* "192.0.2.1" or "2001:db8::1" into v4-mapped form; returns the family or -1. */
int addr_parse(const char *s, struct l2tpx_addr *a);
/* An IPv4 address (network order) in v4-mapped form. */
void addr_from_v4(struct l2tpx_addr *a, uint32_t be);
/* Format as plain IPv4 when v4-mapped. */
const char *addr_str(const struct l2tpx_addr *a, char *buf, size_t len);
/* "198.51.100.0/24", "2001:db8::/48" or a host address; returns 0 or -1. */
int prefix_parse(const char *s, struct dp_prefix *p);
const char *prefix_str(const struct dp_prefix *p, char *buf, size_t len);
/* A decimal number within [min, max]; returns 0 or -1. */
int num_parse(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* A token bucket: `rate` events per second on average, up to `burst` at
 * once; times are milliseconds of the caller's clock (ev_now).  rate 0
 * means unlimited. */
struct tbucket {
	uint32_t rate, burst;
	uint64_t milli;		/* tokens x 1000 */
	uint64_t last;		/* ms of the last refill */
};

void tbucket_init(struct tbucket *b, uint32_t rate, uint32_t burst, uint64_t now);
/* Takes one token if there is one: true = go ahead, false = over the rate. */
bool tbucket_take(struct tbucket *b, uint64_t now);

/* Big-endian 32-bit fields at any offset of a packet: a cast to uint32_t *
 * would be a misaligned access (undefined behaviour) at odd offsets. */
static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

#endif
