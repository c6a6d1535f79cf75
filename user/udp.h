/* SPDX-License-Identifier: GPL-2.0 */
/* The L2TP UDP sockets: one per family (or per configured address), with
 * packet info so that every reply leaves from the address the request came
 * to (multi-homed servers). */
#ifndef L2TPX_UDP_H
#define L2TPX_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "l2tpx.h"

/* Receive buffer of every L2TP socket (bytes asked; the kernel doubles it). */
#define UDP_RCVBUF	(8 << 20)

/* An endpoint: address (IPv4 v4-mapped) and port in host order. */
struct udp_ep {
	struct l2tpx_addr addr;
	uint16_t port;
};

/* Bind family AF_INET or AF_INET6 to addr (NULL: any) and port.  Returns
 * the descriptor or -errno. */
int udp_open(int family, const struct l2tpx_addr *addr, uint16_t port);
/* Receive one datagram: who sent it and to which of our addresses. */
ssize_t udp_recv(int fd, void *buf, size_t len, struct udp_ep *from, struct udp_ep *to);
/* Send from local (its address; port is the socket's) to peer. */
ssize_t udp_send(int fd, const void *buf, size_t len, const struct udp_ep *local,
		 const struct udp_ep *peer);
int udp_ep_is_v4(const struct udp_ep *ep);
int udp_ep_eq(const struct udp_ep *a, const struct udp_ep *b);
const char *udp_ep_str(const struct udp_ep *ep, char *buf, size_t len);

#endif
