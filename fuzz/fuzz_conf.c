// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: an l2tpxd.conf through the configuration parser
 * (user/conf.c, libinih).  conf_load() reads a path, so the input goes into
 * a memfd read back through /proc/self/fd; then the per-peer secret lookup
 * runs on what was parsed.  Input: the file's text, as is. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

static int fd = -1;
static char path[64];
static struct conf c;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet_logs();
	fd = memfd_create("l2tpxd.conf", 0);
	if (fd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2tpx_addr a;
	char err[256];

	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	memset(&a, 0, sizeof(a));
	if (!conf_load(path, &c, err, sizeof(err))) {
		for (int i = 0; i < c.npeers && i < 8; i++)
			conf_peer_secret(&c, &c.peers[i].addr);
		conf_peer_secret(&c, &a);
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	return 0;
}
