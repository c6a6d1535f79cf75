// SPDX-License-Identifier: GPL-2.0
/* UDP sockets with IP_PKTINFO / IPV6_RECVPKTINFO. */
#define _GNU_SOURCE	/* struct in6_pktinfo */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "udp.h"
#include "util.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int udp_ep_is_v4(const struct udp_ep *ep)
{
	return !memcmp(ep->addr.a8, v4mapped, sizeof(v4mapped));
}

int udp_ep_eq(const struct udp_ep *a, const struct udp_ep *b)
{
	return a->port == b->port && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

const char *udp_ep_str(const struct udp_ep *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(&ep->addr, a, sizeof(a));
	snprintf(buf, len, udp_ep_is_v4(ep) ? "%s:%u" : "[%s]:%u", a, ep->port);
	return buf;
}

int udp_open(int family, const struct l2tpx_addr *addr, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd, one = 1, rcvbuf = UDP_RCVBUF, err;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* One socket carries every tunnel's control and punted data: when many
	 * calls come up at once (a LAC reconnecting its subscribers), the
	 * default buffer (net.core.rmem_default, about 200 KiB, some fifty
	 * page-sized veth/XDP skbs) overflows and each lost PPP packet costs
	 * its 3 s restart timer.  Past rmem_max where we may (root). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (addr)
			s->sin_addr.s_addr = addr->a32[3];
		sl = sizeof(*s);
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
			goto fail;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (addr)
			memcpy(&s->sin6_addr, addr->a8, 16);
		sl = sizeof(*s);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
			goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, sl))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

ssize_t udp_recv(int fd, void *buf, size_t len, struct udp_ep *from, struct udp_ep *to)
{
	struct sockaddr_storage ss;
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	memset(from, 0, sizeof(*from));
	memset(to, 0, sizeof(*to));
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		memcpy(from->addr.a8, v4mapped, 12);
		from->addr.a32[3] = s->sin_addr.s_addr;
		from->port = ntohs(s->sin_port);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		memcpy(from->addr.a8, &s->sin6_addr, 16);
		from->port = ntohs(s->sin6_port);
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			memcpy(to->addr.a8, v4mapped, 12);
			to->addr.a32[3] = pi.ipi_addr.s_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			memcpy(to->addr.a8, &pi.ipi6_addr, 16);
		}
	}
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		to->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						       : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return n;
}

ssize_t udp_send(int fd, const void *buf, size_t len, const struct udp_ep *local,
		 const struct udp_ep *peer)
{
	struct sockaddr_storage ss = { 0 };
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	static const struct l2tpx_addr any;
	int have_local = local && memcmp(&local->addr, &any, sizeof(any)) &&
			 (!udp_ep_is_v4(local) || local->addr.a32[3]);
	ssize_t n;

	if (udp_ep_is_v4(peer)) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(peer->port);
		s->sin_addr.s_addr = peer->addr.a32[3];
		mh.msg_namelen = sizeof(*s);
		if (have_local) {
			struct in_pktinfo pi = { .ipi_spec_dst.s_addr = local->addr.a32[3] };

			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		}
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(peer->port);
		memcpy(&s->sin6_addr, peer->addr.a8, 16);
		mh.msg_namelen = sizeof(*s);
		if (have_local) {
			struct in6_pktinfo pi = { 0 };

			memcpy(&pi.ipi6_addr, local->addr.a8, 16);
			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		}
	}
	n = sendmsg(fd, &mh, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}
