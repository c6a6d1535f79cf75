/* SPDX-License-Identifier: GPL-2.0 */
/* Least privilege: once the daemon holds its sockets, map fds and TUN
 * device, it keeps only the capabilities it still uses and, optionally,
 * runs as an unprivileged user. */
#ifndef L2TPX_PRIV_H
#define L2TPX_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* What the daemon keeps: CAP_NET_ADMIN, for subscriber routes and addresses
 * over netlink.  Map updates through already open map fds need no
 * capability (since Linux 6.5 the unprivileged-BPF check is made only
 * when a map or program is created or loaded). */
#define PRIV_KEEP_CAPS	(1ULL << 12)	/* CAP_NET_ADMIN */

/* Drop every capability but PRIV_KEEP_CAPS from the effective, permitted,
 * inheritable, ambient and bounding sets, switch to `user` (NULL or "" =
 * stay) keeping those, and set no_new_privs.  Returns 0, or -1 with what
 * to do written to err. */
int priv_drop(const char *user, char *err, size_t errlen);
/* The effective and permitted sets of this process, as in
 * /proc/self/status (bit n = capability n). */
int priv_caps(uint64_t *eff, uint64_t *prm);

#endif
