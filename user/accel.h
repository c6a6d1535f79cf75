/* SPDX-License-Identifier: GPL-2.0 */
/* Accelerator mode: xl2tpd and pppd negotiate on a kernel with L2TP
 * (l2tp_ppp, one pppN per session); l2tpxd learns their tunnels and
 * sessions from the kernel's L2TP generic netlink family and rtnetlink and
 * puts the sessions it can carry into the data plane.  The kernel is the
 * only source of truth: every change (and a restart) is a reconcile of the
 * maps against what the kernel reports now. */
#ifndef L2TPX_ACCEL_H
#define L2TPX_ACCEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include "conf.h"
#include "dp.h"
#include "event.h"
#include "l2tpx.h"

struct nlmsghdr;
struct nl_cache;
struct json_object;

#define ACCEL_MAX_PFX	16	/* addresses + framed routes per session */

/* A tunnel as L2TP_CMD_TUNNEL_GET reports it. */
struct accel_tunnel {
	uint32_t id;
	uint32_t peer_id;
	uint8_t version;		/* L2TP_ATTR_PROTO_VERSION */
	uint16_t encap;			/* enum l2tp_encap_type */
	int family;			/* AF_INET / AF_INET6 of the outer addresses, 0 = none */
	struct l2tpx_addr local;	/* v4-mapped for IPv4 */
	struct l2tpx_addr peer;
	uint16_t local_port;		/* host order, 0 = unknown */
	uint16_t peer_port;
	bool udp_csum;
};

/* A session as L2TP_CMD_SESSION_GET reports it. */
struct accel_ksess {
	uint32_t tunnel_id;
	uint32_t session_id;
	uint32_t peer_tunnel_id;
	uint32_t peer_session_id;
	uint16_t pw_type;		/* enum l2tp_pwtype */
	bool send_seq;
	bool recv_seq;
	bool lns_mode;
	uint8_t cookie_len;
	uint8_t peer_cookie_len;
	char ifname[IF_NAMESIZE];	/* L2TP_ATTR_IFNAME, or from /proc/net/pppol2tp */
};

/* Why a session is (not) in the fast path. */
#define ACCEL_WHY(X)								\
	X(FAST,		"fast-path",	"in the data plane")			\
	X(NO_TUNNEL,	"no-tunnel",	"its tunnel is not in the kernel's dump")	\
	X(NOT_V2,	"not-l2tpv2",	"not L2TPv2 over UDP")			\
	X(NOT_PPP,	"not-ppp",	"pseudowire is not PPP")		\
	X(NO_ENDPOINTS,	"no-endpoints",	"the tunnel's outer addresses or ports are unknown")	\
	X(SEQ,		"sequencing",	"data sequencing (send_seq/recv_seq): the kernel orders it")	\
	X(COOKIE,	"cookie",	"cookies are L2TPv3 only")		\
	X(NO_IFACE,	"no-iface",	"no pppN interface (yet)")		\
	X(NO_ADDR,	"no-addr",	"pppN has no peer address or route (IPCP not open)")	\
	X(KEPT,		"kept",		"kept on the kernel path by accel_kernel_ifaces")	\
	X(DP_REFUSED,	"dp-refused",	"the data plane refused it (full, or an address clash)")

enum accel_why {
#define ACCEL_WHY_ENUM(n, s, d) ACCEL_##n,
	ACCEL_WHY(ACCEL_WHY_ENUM)
#undef ACCEL_WHY_ENUM
	ACCEL_WHY_MAX
};

const char *accel_why_str(enum accel_why w);
const char *accel_why_desc(enum accel_why w);

/* One kernel session and what l2tpx makes of it. */
struct accel_entry {
	struct accel_ksess ks;
	struct accel_tunnel t;
	int ifindex;
	struct dp_prefix pfx[ACCEL_MAX_PFX];
	int npfx;
	enum accel_why why;
	bool in_dp;		/* its entry is in the maps */
};

/* ---- pure translation (unit-tested with crafted messages) ------------- */

/* A generic netlink L2TP tunnel / session message -> model.  0, or
 * -EINVAL when the message lacks the ids. */
int accel_parse_tunnel(struct nlmsghdr *nlh, struct accel_tunnel *t);
int accel_parse_session(struct nlmsghdr *nlh, struct accel_ksess *s);
/* /proc/net/pppol2tp text: the pppN of each session; cb per session found. */
int accel_parse_pppol2tp(const char *text,
			 void (*cb)(uint32_t tid, uint32_t sid, const char *ifname, void *arg),
			 void *arg);
/* The pppN's ifindex, its peer addresses (route/addr cache) and framed
 * routes (route/route cache: main-table unicast routes whose only
 * next hop is the pppN) into e->pfx.  links may be NULL in tests when
 * e->ifindex is already set. */
void accel_collect(struct accel_entry *e, struct nl_cache *links, struct nl_cache *addrs,
		   struct nl_cache *routes);
/* The verdict, and when FAST the data plane's key and value. */
enum accel_why accel_judge(struct accel_entry *e, const char *kernel_ifaces, unsigned int mtu,
			   struct l2tpx_sess_key *key, struct l2tpx_session *val);

/* Make the data plane hold exactly the FAST entries of ent: what is there
 * and right stays (counters kept), addresses are brought in line, the rest
 * leaves; e->in_dp and e->why (DP_REFUSED) are updated.  installed is
 * called for each entry in the data plane afterwards.  0 or -EIO. */
struct accel_sync_counts {
	int kept, added, removed;
};
int accel_sync(struct dp *dp, struct accel_entry *ent, int nent, const char *kernel_ifaces,
	       unsigned int mtu, void (*installed)(const struct accel_entry *, void *), void *arg,
	       struct accel_sync_counts *cnt);

/* ---- the running mode ------------------------------------------------- */

struct accel;

/* Does the kernel offer the L2TP netlink family?  0 or -ENOENT (logged). */
int accel_probe(void);
int accel_start(struct accel **ap, struct ev_loop *loop, const struct conf *conf, struct dp *dp);
void accel_stop(struct accel *a);
/* `accel show` for the control socket. */
struct json_object *accel_show_json(struct accel *a);

#endif
