/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 address pool for subscribers: ranges, a static address per user, and
 * never one address for two sessions.  Addresses are taken only after PPP
 * authentication succeeded (the caller's job) and given back on any close. */
#ifndef L2TPX_POOL_H
#define L2TPX_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define POOL_MAX_RANGES	16

struct pool_range {
	uint32_t first, last;	/* host order, inclusive */
	uint8_t *used;		/* bitmap */
};

struct pool {
	struct pool_range r[POOL_MAX_RANGES];
	int nranges;
	uint32_t in_use;
	uint32_t size;
	uint32_t cursor;	/* round robin, so a freed address rests a while */
	uint32_t *statics;	/* taken static addresses outside every range */
	int nstatics, capstatics;
};

void pool_init(struct pool *p);
void pool_fini(struct pool *p);
/* "198.51.100.10-198.51.100.200", "198.51.100.0/24" (network and broadcast
 * left out) or a single address.  Returns 0 or -1. */
int pool_add_range(struct pool *p, const char *spec);
/* Take `want` (network order) if it is free — a static address may lie
 * outside the ranges — or, with want 0, the next free one.  Returns 0 and
 * *addr (network order), or -1 when exhausted / taken. */
int pool_take(struct pool *p, uint32_t want, uint32_t *addr);
void pool_put(struct pool *p, uint32_t addr);
bool pool_is_used(const struct pool *p, uint32_t addr);

#endif
