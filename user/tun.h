/* SPDX-License-Identifier: GPL-2.0 */
/* The subscriber netdev: a TUN device the daemon owns (slow data path), and
 * the links, addresses and routes around it, through libnl-route. */
#ifndef L2TPX_TUN_H
#define L2TPX_TUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Create (or attach to) TUN device `name`, L3, no packet info, non-blocking;
 * set its MTU and bring it up.  Returns the descriptor or -errno. */
int tun_open(const char *name, unsigned int mtu);
int tun_ifindex(const char *name);

/* Routes and addresses: family AF_INET/AF_INET6, addr in network order. */
int nl_route_add(int family, const void *dst, unsigned int plen, int ifindex);
int nl_route_del(int family, const void *dst, unsigned int plen, int ifindex);
int nl_addr_add(int family, const void *local, unsigned int plen, const void *peer, int ifindex);

#endif
