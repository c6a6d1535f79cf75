// SPDX-License-Identifier: GPL-2.0
/* TUN device and rtnetlink (libnl-route) helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "log.h"
#include "tun.h"

static struct nl_sock *nl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (sk && nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		sk = NULL;
	}
	return sk;
}

int tun_ifindex(const char *name)
{
	return if_nametoindex(name);
}

int tun_open(const char *name, unsigned int mtu)
{
	struct ifreq ifr = { 0 };
	struct nl_sock *sk;
	struct rtnl_link *link = NULL, *change;
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		err = -errno;
		close(fd);
		return err;
	}
	sk = nl_open();
	if (!sk)
		return fd;	/* usable, if not configured */
	change = rtnl_link_alloc();
	if (!rtnl_link_get_kernel(sk, 0, ifr.ifr_name, &link) && change) {
		rtnl_link_set_flags(change, IFF_UP);
		if (mtu)
			rtnl_link_set_mtu(change, mtu);
		err = rtnl_link_change(sk, link, change, 0);
		if (err)
			log_warnx("tun %s: cannot bring up: %s", name, nl_geterror(err));
	}
	rtnl_link_put(link);
	rtnl_link_put(change);
	nl_socket_free(sk);
	return fd;
}

static struct nl_addr *mkaddr(int family, const void *a, unsigned int plen)
{
	struct nl_addr *na = nl_addr_build(family, a, family == AF_INET ? 4 : 16);

	if (na)
		nl_addr_set_prefixlen(na, plen);
	return na;
}

static int route_op(int family, const void *dst, unsigned int plen, int ifindex, bool add)
{
	struct nl_sock *sk = nl_open();
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = mkaddr(family, dst, plen);
	int err = -ENOMEM;

	if (!sk || !r || !nh || !d)
		goto out;
	rtnl_route_set_family(r, family);
	rtnl_route_set_dst(r, d);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;
	err = add ? rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_REPLACE) : rtnl_route_delete(sk, r, 0);
	if (err)
		err = -EINVAL;	/* libnl codes are not errno values */
out:
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(d);
	rtnl_route_put(r);
	if (sk)
		nl_socket_free(sk);
	return err;
}

int nl_route_add(int family, const void *dst, unsigned int plen, int ifindex)
{
	return route_op(family, dst, plen, ifindex, true);
}

int nl_route_del(int family, const void *dst, unsigned int plen, int ifindex)
{
	return route_op(family, dst, plen, ifindex, false);
}

int nl_addr_add(int family, const void *local, unsigned int plen, const void *peer, int ifindex)
{
	struct nl_sock *sk = nl_open();
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l = mkaddr(family, local, plen), *p = NULL;
	int err = -ENOMEM;

	if (!sk || !a || !l)
		goto out;
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	rtnl_addr_set_local(a, l);
	if (peer) {
		p = mkaddr(family, peer, family == AF_INET ? 32 : 128);
		if (p)
			rtnl_addr_set_peer(a, p);
	}
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	err = rtnl_addr_add(sk, a, NLM_F_REPLACE);
	if (err)
		err = -EINVAL;
out:
	nl_addr_put(l);
	nl_addr_put(p);
	rtnl_addr_put(a);
	if (sk)
		nl_socket_free(sk);
	return err;
}
