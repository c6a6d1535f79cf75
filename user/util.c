// SPDX-License-Identifier: GPL-2.0
/* Address, prefix and number parsing and formatting; a token bucket. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

int addr_parse(const char *s, struct l2tpx_addr *a)
{
	struct in_addr a4;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		a->a32[2] = htonl(0xffff);
		a->a32[3] = a4.s_addr;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, a->a8) == 1)
		return AF_INET6;
	return -1;
}

void addr_from_v4(struct l2tpx_addr *a, uint32_t be)
{
	memset(a, 0, sizeof(*a));
	a->a32[2] = htonl(0xffff);
	a->a32[3] = be;
}

static int addr_is_v4(const struct l2tpx_addr *a)
{
	return a->a32[0] == 0 && a->a32[1] == 0 && a->a32[2] == htonl(0xffff);
}

const char *addr_str(const struct l2tpx_addr *a, char *buf, size_t len)
{
	if (addr_is_v4(a))
		return inet_ntop(AF_INET, &a->a32[3], buf, len);
	return inet_ntop(AF_INET6, a->a8, buf, len);
}

int num_parse(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int prefix_parse(const char *s, struct dp_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 5];
	char *slash;
	unsigned long len;
	int maxlen;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memset(p, 0, sizeof(*p));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		maxlen = 128;
	} else {
		return -1;
	}
	if (!slash)
		len = maxlen;
	else if (num_parse(slash, 0, maxlen, &len))
		return -1;
	p->len = len;
	/* Host bits must be clear, as `ip route` insists. */
	for (int bit = p->len; bit < maxlen; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8)))
			return -1;
	return 0;
}

const char *prefix_str(const struct dp_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

void tbucket_init(struct tbucket *b, uint32_t rate, uint32_t burst, uint64_t now)
{
	b->rate = rate;
	b->burst = burst ? burst : 1;
	b->milli = (uint64_t)b->burst * 1000;	/* starts full */
	b->last = now;
}

bool tbucket_take(struct tbucket *b, uint64_t now)
{
	uint64_t cap = (uint64_t)b->burst * 1000;

	if (!b->rate)
		return true;
	if (now > b->last) {
		/* rate per second = rate milli-tokens per ms; compared before
		 * the multiplication so a long idle time cannot overflow. */
		uint64_t dt = now - b->last;

		if (b->milli >= cap || dt > (cap - b->milli) / b->rate)
			b->milli = cap;
		else
			b->milli += dt * b->rate;
	}
	b->last = now;	/* a clock that went back refills nothing */
	if (b->milli < 1000)
		return false;
	b->milli -= 1000;
	return true;
}
