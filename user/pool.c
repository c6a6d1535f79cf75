// SPDX-License-Identifier: GPL-2.0
/* IPv4 address pool. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "util.h"

void pool_init(struct pool *p)
{
	memset(p, 0, sizeof(*p));
}

void pool_fini(struct pool *p)
{
	for (int i = 0; i < p->nranges; i++)
		free(p->r[i].used);
	free(p->statics);
	memset(p, 0, sizeof(*p));
}

static int parse4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

int pool_add_range(struct pool *p, const char *spec)
{
	char buf[64], *dash, *slash;
	uint32_t first, last;
	unsigned long len;

	if (p->nranges == POOL_MAX_RANGES || strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	dash = strchr(buf, '-');
	slash = strchr(buf, '/');
	if (dash) {
		*dash = '\0';
		if (parse4(buf, &first) || parse4(dash + 1, &last) || last < first)
			return -1;
	} else if (slash) {
		*slash = '\0';
		if (parse4(buf, &first) || num_parse(slash + 1, 8, 32, &len))
			return -1;
		if (len < 31) {
			uint32_t mask = len ? ~0u << (32 - len) : 0;

			first = (first & mask) + 1;	/* not the network */
			last = (first | ~mask) - 1;	/* nor the broadcast */
		} else {
			last = first | (len == 31 ? 1 : 0);
		}
	} else {
		if (parse4(buf, &first))
			return -1;
		last = first;
	}
	if (last - first >= (1u << 24))
		return -1;	/* 16M addresses per range is plenty */
	for (int i = 0; i < p->nranges; i++)
		if (first <= p->r[i].last && last >= p->r[i].first)
			return -1;	/* overlapping ranges */
	p->r[p->nranges].first = first;
	p->r[p->nranges].last = last;
	p->r[p->nranges].used = calloc((last - first) / 8 + 1, 1);
	if (!p->r[p->nranges].used)
		return -1;
	p->nranges++;
	p->size += last - first + 1;
	return 0;
}

static struct pool_range *range_of(const struct pool *p, uint32_t h)
{
	for (int i = 0; i < p->nranges; i++)
		if (h >= p->r[i].first && h <= p->r[i].last)
			return (struct pool_range *)&p->r[i];
	return NULL;
}

static bool bit(const struct pool_range *r, uint32_t h)
{
	return r->used[(h - r->first) / 8] & (1 << ((h - r->first) % 8));
}

bool pool_is_used(const struct pool *p, uint32_t addr)
{
	uint32_t h = ntohl(addr);
	struct pool_range *r = range_of(p, h);

	if (r)
		return bit(r, h);
	for (int i = 0; i < p->nstatics; i++)
		if (p->statics[i] == h)
			return true;
	return false;
}

static void mark(struct pool_range *r, uint32_t h, bool on)
{
	if (on)
		r->used[(h - r->first) / 8] |= 1 << ((h - r->first) % 8);
	else
		r->used[(h - r->first) / 8] &= ~(1 << ((h - r->first) % 8));
}

int pool_take(struct pool *p, uint32_t want, uint32_t *addr)
{
	if (want) {
		uint32_t h = ntohl(want);
		struct pool_range *r = range_of(p, h);

		if (pool_is_used(p, want))
			return -1;
		if (r) {
			mark(r, h, true);
		} else {
			if (p->nstatics == p->capstatics) {
				int n = p->capstatics ? p->capstatics * 2 : 16;
				uint32_t *ns = realloc(p->statics, n * sizeof(*ns));

				if (!ns)
					return -1;
				p->statics = ns;
				p->capstatics = n;
			}
			p->statics[p->nstatics++] = h;
		}
		p->in_use++;
		*addr = want;
		return 0;
	}
	if (!p->size)
		return -1;
	for (uint32_t n = 0; n < p->size; n++) {
		uint32_t i = (p->cursor + n) % p->size, h = 0;
		struct pool_range *r = NULL;

		for (int k = 0; k < p->nranges; k++) {
			uint32_t sz = p->r[k].last - p->r[k].first + 1;

			if (i < sz) {
				r = &p->r[k];
				h = r->first + i;
				break;
			}
			i -= sz;
		}
		if (r && !bit(r, h)) {
			mark(r, h, true);
			p->in_use++;
			p->cursor = (p->cursor + n + 1) % p->size;
			*addr = htonl(h);
			return 0;
		}
	}
	return -1;
}

void pool_put(struct pool *p, uint32_t addr)
{
	uint32_t h = ntohl(addr);
	struct pool_range *r = range_of(p, h);

	if (r) {
		if (bit(r, h)) {
			mark(r, h, false);
			p->in_use--;
		}
		return;
	}
	for (int i = 0; i < p->nstatics; i++)
		if (p->statics[i] == h) {
			p->statics[i] = p->statics[--p->nstatics];
			p->in_use--;
			return;
		}
}
