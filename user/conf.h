/* SPDX-License-Identifier: GPL-2.0 */
/* l2tpxd's configuration: an INI file parsed (libinih) into a struct.
 * Errors and warnings name the file and line; `l2tpxd -n` checks a file. */
#ifndef L2TPX_CONF_H
#define L2TPX_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include "l2tpx.h"
#include "l2tp_rdt.h"

#define CONF_MAX_LISTEN	8
#define CONF_MAX_PEERS	64
#define CONF_MAX_LACS	16
#define CONF_STR	128

/* [peer ADDR]: what we know about one LAC/LNS address. */
struct conf_peer {
	struct l2tpx_addr addr;
	char secret[CONF_STR];
	bool has_secret;
	bool no_fast_path;	/* fast_path = no: this peer's calls stay on the slow path */
};

/* [lac NAME]: an LNS we dial. */
struct conf_lac {
	char name[CONF_STR];
	struct l2tpx_addr lns;
	uint16_t port;
	char secret[CONF_STR];
	bool has_secret;
	bool hide_avps;
	bool autodial;
	bool redial;
	unsigned int redial_timeout;	/* s, first redial delay; doubles to 8x */
	unsigned int max_redials;	/* 0 = forever */
	char user[CONF_STR];		/* PPP client credentials */
	char password[CONF_STR];
	bool default_route;		/* route everything into the session */
	unsigned int sessions;		/* calls to place on the tunnel (default 1) */
};

#define CONF_MAX_RANGES	16
#define CONF_MAX_ACL	32

/* An IPv4 address range, host order, both ends included. */
struct conf_range4 {
	uint32_t first, last;
};

/* A tunnel secret chosen by the peer's Host Name AVP (xl2tpd's l2tp-secrets). */
struct conf_host_secret {
	char host[CONF_STR];
	char secret[CONF_STR];
};

enum conf_auth { CONF_AUTH_NONE, CONF_AUTH_PAP, CONF_AUTH_CHAP, CONF_AUTH_MSCHAPV2 };

struct conf {
	struct l2tpx_addr listen[CONF_MAX_LISTEN];	/* none = any */
	int nlisten;
	uint16_t port;
	char hostname[CONF_STR];
	char vendor[CONF_STR];
	unsigned int hello_interval;	/* s, 0 = off */
	struct l2tp_rdt_conf rdt;
	unsigned int max_tunnels;
	unsigned int max_sessions;
	unsigned int max_sessions_per_tunnel;
	unsigned int max_pending_tunnels;	/* tunnels not yet established */
	unsigned int tunnel_rate;	/* new tunnels per peer address per second */
	bool lns;			/* accept incoming tunnels */
	bool hide_avps;			/* hide Assigned Session ID etc. when a secret is set */
	bool challenge;			/* require tunnel authentication */
	char secret[CONF_STR];		/* default tunnel secret */
	bool has_secret;
	char uplink[IF_NAMESIZE];	/* data plane attach, optional */
	char core[IF_NAMESIZE];
	char subscriber_dev[IF_NAMESIZE];
	char ctl_socket[CONF_STR];
	char ctl_group[CONF_STR];	/* group of the control socket (0660), "" = root only */
	char user[CONF_STR];		/* run as this user after setup, "" = stay root */
	char state_file[CONF_STR];	/* hitless restarts (user/state.c); "" = none */
	/* PPP (LNS) */
	char ip_range[CONF_MAX_RANGES][64];
	int nranges;
	uint32_t local_ip;		/* network order; our IPCP address */
	uint32_t dns[2];
	enum conf_auth auth;
	char auth_name[CONF_STR];	/* our name as authenticator */
	char chap_secrets[CONF_STR];
	char pap_secrets[CONF_STR];
	unsigned int mtu;		/* path MTU toward LACs (outer packets) */
	unsigned int lcp_echo_interval;	/* s, 0 = off */
	unsigned int lcp_echo_failure;
	unsigned int lcp_echo_rate;	/* Echo-Requests answered per session per s, 0 = all */
	unsigned int mss;		/* TCP MSS clamp, 0 = off */
	bool ipv6cp;
	bool proxy_lcp;			/* honour the LAC's Proxy LCP and Proxy Authen */
	unsigned int chap_interval;	/* s between CHAP re-challenges, 0 = off */
	uint8_t ipv6_pool[16];		/* delegate one /64 per session from it */
	unsigned int ipv6_pool_len;	/* 0 = no IPv6 prefixes */
	struct conf_peer peers[CONF_MAX_PEERS];
	int npeers;
	struct conf_lac lacs[CONF_MAX_LACS];
	int nlacs;
	/* operations */
	struct l2tpx_addr metrics_addr;	/* HTTP /metrics listener */
	uint16_t metrics_port;		/* 0 = off */
	bool metrics_sessions;		/* per-session series on /metrics */
	int log_level;			/* LOG_*; -1 = not set (the flags decide) */
	bool syslog;			/* log to syslog even in the foreground */
	/* From xl2tpd.conf (conf_xl2tpd.h); empty in a native file. */
	bool access_control;		/* SCCRQ only from addresses in acl */
	struct conf_range4 acl[CONF_MAX_ACL];
	int nacl;
	struct conf_host_secret host_secrets[CONF_MAX_PEERS];
	int nhost_secrets;
	/* Accelerator mode (docs/ACCEL.md): xl2tpd + pppd negotiate on a
	 * kernel with L2TP, l2tpxd only fast-paths their sessions. */
	bool accel;
	char accel_kernel_ifaces[CONF_STR];	/* fnmatch globs kept on the kernel path */
};

void conf_defaults(struct conf *c);
/* Parse path into c (defaults first).  Returns 0, or -1 with a message
 * naming file:line written to err. Unknown keys are warnings (logged). */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);
/* One [global] key set from outside a file (`l2tpxd -o key=value`), with the
 * checks of the file; 0, or -1 with a message in err. */
int conf_set(struct conf *c, const char *name, const char *value, char *err, size_t errlen);
/* The secret for a peer address: [peer] first, then [global]; NULL if none. */
const char *conf_peer_secret(const struct conf *c, const struct l2tpx_addr *a);
/* May this peer's calls enter the data plane?  No for `fast_path = no` in
 * its [peer] section (L2TP/IPsec peers: XDP and TC would bypass xfrm). */
bool conf_peer_fast_path(const struct conf *c, const struct l2tpx_addr *a);
/* The secret for a peer's Host Name (xl2tpd's l2tp-secrets), or NULL. */
const char *conf_host_secret(const struct conf *c, const char *host);
/* Whether a tunnel from this address is accepted (access control). */
bool conf_peer_allowed(const struct conf *c, const struct l2tpx_addr *a);

#endif
