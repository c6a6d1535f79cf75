// SPDX-License-Identifier: GPL-2.0
/* l2tpxctl: attach and detach the data plane, static sessions, counters;
 * plain or JSON (-j) output.  See docs/CLI.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctl.h"
#include "dp.h"
#include "log.h"
#include "state.h"
#include "metrics.h"
#include "util.h"

#define MAX_PREFIXES	64

static int json_out;
static struct dp_opts opts;
static const char *ctl_path = "/run/l2tpxd.sock";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: l2tpxctl [-j] [-v] [-d PINDIR] [-s SOCKET] COMMAND\n"
		"  tunnel show | tunnel add ADDR [port P] | tunnel del ID   (daemon)\n"
		"  stats daemon                                             (daemon)\n"
		"  check      the daemon's calls against the maps and the pool (daemon)\n"
		"  accel show    kernel sessions: fast or kernel path, why, counters (daemon)\n"
		"  flush [state FILE]   clear every tunnel and call of l2tpxd (StopCCN), or with\n"
		"                       no daemon running, its sessions in the maps and FILE\n"
		"  load [port N] [max-sessions N]\n"
		"  attach DEV uplink|core|both [skb]\n"
		"  detach DEV\n"
		"  attach-tc DEV\n"
		"  detach-tc DEV\n"
		"  session add tunnel T session S peer-tunnel PT peer-session PS\n"
		"              local ADDR peer ADDR [local-port P] [peer-port P]\n"
		"              [addr PREFIX]... [seq] [acfc] [pfc] [antispoof] [udp-csum]\n"
		"              [mss N] [mtu N]\n"
		"  session del tunnel T session S   (the daemon's call, else a static one)\n"
		"  session show                     (daemon calls and data-plane sessions)\n"
		"  stats\n"
		"  metrics [no-sessions]            (Prometheus text: data plane and daemon)\n"
		"  unload\n"
		"see docs/CLI.md\n");
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "l2tpxctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	return 1;
}

static int open_dp(struct dp **dp, bool load)
{
	int err = dp_open(dp, &opts, load);

	if (err)
		fprintf(stderr, "l2tpxctl: data plane unavailable: %s\n", strerror(-err));
	return err;
}

static int cmd_load(int argc, char **argv)
{
	unsigned long v;
	struct dp *dp;
	int i;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return die_usage("%s needs a value", argv[i]);
		if (!strcmp(argv[i], "port") && !num_parse(argv[i + 1], 1, 65535, &v))
			opts.port = v;
		else if (!strcmp(argv[i], "max-sessions") &&
			 !num_parse(argv[i + 1], 1, 1 << 24, &v))
			opts.max_sessions = v;
		else if (!strcmp(argv[i], "spread-cpus") &&
			 !num_parse(argv[i + 1], 0, L2TPX_MAX_CPUS, &v))
			opts.spread_cpus = v;
		else if (!strcmp(argv[i], "spread-first") &&
			 !num_parse(argv[i + 1], 0, L2TPX_MAX_CPUS - 1, &v))
			opts.spread_first = v;
		else
			return die_usage("bad load option %s", argv[i]);
	}
	if (open_dp(&dp, true))
		return 1;
	dp_close(dp);
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	enum dp_role role;
	bool skb = false;
	struct dp *dp;
	int err;

	if (argc < 2 || argc > 3)
		return die_usage("attach needs DEV and a role%s", "");
	if (!strcmp(argv[1], "uplink"))
		role = DP_UPLINK;
	else if (!strcmp(argv[1], "core"))
		role = DP_CORE;
	else if (!strcmp(argv[1], "both"))
		role = DP_BOTH;
	else
		return die_usage("unknown role %s (uplink, core or both)", argv[1]);
	if (argc == 3) {
		if (strcmp(argv[2], "skb"))
			return die_usage("unknown attach option %s", argv[2]);
		skb = true;
	}
	if (open_dp(&dp, true))
		return 1;
	err = dp_attach_xdp(dp, argv[0], role, skb);
	dp_close(dp);
	return err ? 1 : 0;
}

static int cmd_dev(int argc, char **argv, int (*fn)(struct dp *, const char *), bool load)
{
	struct dp *dp;
	int err;

	if (argc != 1)
		return die_usage("expected one device name%s", "");
	if (open_dp(&dp, load))
		return 1;
	err = fn(dp, argv[0]);
	dp_close(dp);
	return err ? 1 : 0;
}

static int parse_key(const char *t, const char *s, struct l2tpx_sess_key *k)
{
	unsigned long tv, sv;

	if (num_parse(t, 1, 65535, &tv) || num_parse(s, 1, 65535, &sv))
		return -1;
	k->tunnel_id = htons(tv);
	k->session_id = htons(sv);
	return 0;
}

static int cmd_session_add(int argc, char **argv)
{
	struct l2tpx_session v = { 0 };
	struct l2tpx_sess_key key = { 0 };
	struct dp_prefix pfx[MAX_PREFIXES];
	const char *t = NULL, *s = NULL;
	unsigned long n, pt = 0, ps = 0;
	int npfx = 0, lf = -1, pf = -1, i, err;
	struct dp *dp;

	v.local_port = v.peer_port = htons(L2TPX_DEFAULT_PORT);
	v.mtu = 1500;
	for (i = 0; i < argc; i++) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "seq")) {
			v.flags |= L2TPX_SF_SEQ;
			continue;
		} else if (!strcmp(k, "acfc")) {
			v.flags |= L2TPX_SF_ACFC;
			continue;
		} else if (!strcmp(k, "pfc")) {
			v.flags |= L2TPX_SF_PFC;
			continue;
		} else if (!strcmp(k, "antispoof")) {
			v.flags |= L2TPX_SF_ANTISPOOF;
			continue;
		} else if (!strcmp(k, "udp-csum")) {
			v.flags |= L2TPX_SF_UDP_CSUM;
			continue;
		}
		if (!val)
			return die_usage("%s needs a value", k);
		i++;
		if (!strcmp(k, "tunnel"))
			t = val;
		else if (!strcmp(k, "session"))
			s = val;
		else if (!strcmp(k, "peer-tunnel") && !num_parse(val, 1, 65535, &pt))
			;
		else if (!strcmp(k, "peer-session") && !num_parse(val, 1, 65535, &ps))
			;
		else if (!strcmp(k, "local") && (lf = addr_parse(val, &v.local)) > 0)
			;
		else if (!strcmp(k, "peer") && (pf = addr_parse(val, &v.peer)) > 0)
			;
		else if (!strcmp(k, "local-port") && !num_parse(val, 1, 65535, &n))
			v.local_port = htons(n);
		else if (!strcmp(k, "peer-port") && !num_parse(val, 1, 65535, &n))
			v.peer_port = htons(n);
		else if (!strcmp(k, "mss") && !num_parse(val, 88, 65535, &n))
			v.mss = n;
		else if (!strcmp(k, "mtu") && !num_parse(val, 576, 65535, &n))
			v.mtu = n;
		else if (!strcmp(k, "addr")) {
			if (npfx == MAX_PREFIXES)
				return die_usage("at most 64 addresses per session%s", "");
			if (prefix_parse(val, &pfx[npfx++]))
				return die_usage("bad address or prefix %s", val);
		} else
			return die_usage("bad session option or value near %s", k);
	}
	if (!t || !s || parse_key(t, s, &key))
		return die_usage("tunnel and session (1-65535) are required%s", "");
	if (!pt || !ps)
		return die_usage("peer-tunnel and peer-session (1-65535) are required%s", "");
	if (lf < 0 || pf < 0)
		return die_usage("local and peer addresses are required%s", "");
	if (lf != pf)
		return die_usage("local and peer must be the same family%s", "");
	if (pf == AF_INET6)
		v.flags |= L2TPX_SF_IPV6;
	v.peer_tunnel_id = htons(pt);
	v.peer_session_id = htons(ps);

	if (open_dp(&dp, false))
		return 1;
	err = dp_session_add(dp, &key, &v, pfx, npfx);
	dp_close(dp);
	if (err) {
		fprintf(stderr, "l2tpxctl: session add: %s%s\n", strerror(-err),
			err == -EEXIST ? " (delete it first, or an address is taken)" : "");
		return 1;
	}
	return 0;
}

/* One request to the daemon; the parsed reply or NULL (message printed
 * unless quiet). */
/* The daemon's JSON reply (freed here), or NULL with the error printed. */
static json_object *daemon_reply(char *reply)
{
	json_object *o, *err;

	o = json_tokener_parse(reply);
	free(reply);
	if (!o) {
		fprintf(stderr, "l2tpxctl: unreadable reply from l2tpxd\n");
		return NULL;
	}
	if (json_object_object_get_ex(o, "error", &err)) {
		fprintf(stderr, "l2tpxctl: l2tpxd: %s\n", json_object_get_string(err));
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *daemon_req(const char *req, bool quiet)
{
	char *reply = ctl_request(ctl_path, req);

	if (!reply) {
		if (!quiet)
			fprintf(stderr, "l2tpxctl: cannot reach l2tpxd at %s: %s (is it running? "
				"-s names another socket)\n", ctl_path, strerror(errno));
		return NULL;
	}
	return daemon_reply(reply);
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

/* "peer" and "peer_port" (or "local"...) of a JSON object as address:port,
 * IPv6 in brackets; the address alone when there is no port. */
static const char *jep(json_object *o, const char *name, char *buf, size_t len)
{
	struct udp_ep ep = { 0 };
	char port[32];

	snprintf(port, sizeof(port), "%s_port", name);
	ep.port = jint(o, port);
	if (addr_parse(jstr(o, name), &ep.addr) < 0 || !ep.port) {
		snprintf(buf, len, "%s", jstr(o, name));
		return buf;
	}
	return udp_ep_str(&ep, buf, len);
}

static int cmd_tunnel(int argc, char **argv)
{
	char req[256];
	json_object *o, *a;
	size_t i;

	if (argc == 1 && !strcmp(argv[0], "show")) {
		o = daemon_req("tunnel show", false);
		if (!o)
			return 1;
		json_object_object_get_ex(o, "tunnels", &a);
		if (json_out) {
			printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
		} else {
			for (i = 0; i < json_object_array_length(a); i++) {
				json_object *t = json_object_array_get_idx(a, i);
				char pe[64], le[64];

				printf("tunnel %lld/%lld %s %s peer %s (\"%s\", %s) local %s, %lld sessions\n",
				       (long long)jint(t, "tunnel"), (long long)jint(t, "peer_tunnel"),
				       jstr(t, "role"), jstr(t, "state"), jep(t, "peer", pe, sizeof(pe)),
				       jstr(t, "peer_host"), jstr(t, "peer_vendor"),
				       jep(t, "local", le, sizeof(le)), (long long)jint(t, "sessions"));
			}
		}
		json_object_put(o);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[0], "add")) {
		if (argc == 4 && !strcmp(argv[2], "port"))
			snprintf(req, sizeof(req), "tunnel add %s %s", argv[1], argv[3]);
		else if (argc == 2)
			snprintf(req, sizeof(req), "tunnel add %s", argv[1]);
		else
			return die_usage("tunnel add ADDR [port P]%s", "");
		o = daemon_req(req, false);
		if (!o)
			return 1;
		if (json_out)
			printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		else
			printf("tunnel %lld dialling\n", (long long)jint(o, "tunnel"));
		json_object_put(o);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "del")) {
		snprintf(req, sizeof(req), "tunnel del %s", argv[1]);
		o = daemon_req(req, false);
		if (!o)
			return 1;
		json_object_put(o);
		return 0;
	}
	return die_usage("tunnel show | add ADDR [port P] | del ID%s", "");
}

static int cmd_daemon_stats(void)
{
	json_object *o = daemon_req("stats", false);

	if (!o)
		return 1;
	if (json_out) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else {
		json_object_object_foreach(o, k, v) {
			if (!json_object_is_type(v, json_type_object)) {
				printf("%-26s %lld\n", k, (long long)json_object_get_int64(v));
				continue;
			}
			/* results: {stopccn_sent: {code: n}, ...} */
			json_object_object_foreach(v, kind, codes) {
				json_object_object_foreach(codes, code, n)
					printf("%s result %-12s %lld\n", kind, code,
					       (long long)json_object_get_int64(n));
			}
		}
	}
	json_object_put(o);
	return 0;
}

/* The daemon's calls against the maps and the pool; exit 1 on a mismatch. */
static int cmd_check(void)
{
	json_object *o = daemon_req("check", false), *p, *v;
	json_object *dps = NULL;
	int ok;

	if (!o)
		return 2;
	json_object_object_get_ex(o, "dp_sessions", &dps);
	ok = json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v);
	if (json_out) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else {
		printf("%s: %lld calls (%lld established, %lld in the fast path), "
		       "%s%s map sessions, pool %lld in use / %lld held\n",
		       ok ? "consistent" : "INCONSISTENT", (long long)jint(o, "sessions"),
		       (long long)jint(o, "established"), (long long)jint(o, "fast_path"),
		       dps ? "" : "no data plane, ", dps ? json_object_get_string(dps) : "0",
		       (long long)jint(o, "pool_in_use"), (long long)jint(o, "pool_held"));
		if (json_object_object_get_ex(o, "problems", &p)) {
			size_t n = json_object_array_length(p);

			for (size_t i = 0; i < n; i++)
				printf("  %s\n",
				       json_object_get_string(json_object_array_get_idx(p, i)));
			if ((size_t)jint(o, "nproblems") > n)
				printf("  ... and %lld more\n",
				       (long long)jint(o, "nproblems") - (long long)n);
		}
	}
	json_object_put(o);
	return ok ? 0 : 1;
}

static int cmd_session_del(int argc, char **argv)
{
	struct l2tpx_sess_key key;
	struct dp *dp;
	int err;

	if (argc != 4 || strcmp(argv[0], "tunnel") || strcmp(argv[2], "session") ||
	    parse_key(argv[1], argv[3], &key))
		return die_usage("session del tunnel T session S%s", "");
	/* The daemon's call first: it clears it with a CDN and takes it out
	 * of the data plane itself. */
	{
		char req[128];
		json_object *o;

		snprintf(req, sizeof(req), "session del %s %s", argv[1], argv[3]);
		o = daemon_req(req, true);
		if (o) {
			json_object_put(o);
			return 0;
		}
	}
	if (open_dp(&dp, false))
		return 1;
	err = dp_session_del(dp, &key);
	dp_close(dp);
	if (err) {
		fprintf(stderr, "l2tpxctl: session del: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

static const struct {
	__u32 flag;
	const char *name;
} flag_names[] = {
	{ L2TPX_SF_SEQ, "seq" },	 { L2TPX_SF_ACFC, "acfc" },
	{ L2TPX_SF_PFC, "pfc" },	 { L2TPX_SF_ANTISPOOF, "antispoof" },
	{ L2TPX_SF_UDP_CSUM, "udp-csum" }, { L2TPX_SF_IPV6, "ipv6" },
	{ L2TPX_SF_DAEMON, "daemon" },
};

static int show_one(const struct dp_session_info *si, void *arg)
{
	const struct l2tpx_session *v = &si->val;
	const struct l2tpx_sess_stats *st = &si->stats;
	char la[INET6_ADDRSTRLEN], pa[INET6_ADDRSTRLEN], pb[64];
	json_object *arr = arg;
	size_t i;
	int j;

	addr_str(&v->local, la, sizeof(la));
	addr_str(&v->peer, pa, sizeof(pa));
	if (json_out) {
		json_object *o = json_object_new_object(), *fl = json_object_new_array();
		json_object *ad = json_object_new_array();

		json_object_object_add(o, "tunnel", json_object_new_int(ntohs(si->key.tunnel_id)));
		json_object_object_add(o, "session", json_object_new_int(ntohs(si->key.session_id)));
		json_object_object_add(o, "peer_tunnel", json_object_new_int(ntohs(v->peer_tunnel_id)));
		json_object_object_add(o, "peer_session", json_object_new_int(ntohs(v->peer_session_id)));
		json_object_object_add(o, "local", json_object_new_string(la));
		json_object_object_add(o, "peer", json_object_new_string(pa));
		json_object_object_add(o, "local_port", json_object_new_int(ntohs(v->local_port)));
		json_object_object_add(o, "peer_port", json_object_new_int(ntohs(v->peer_port)));
		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (v->flags & flag_names[i].flag)
				json_object_array_add(fl, json_object_new_string(flag_names[i].name));
		json_object_object_add(o, "flags", fl);
		json_object_object_add(o, "mss", json_object_new_int(v->mss));
		json_object_object_add(o, "mtu", json_object_new_int(v->mtu));
		for (j = 0; j < si->npfx; j++)
			json_object_array_add(ad, json_object_new_string(
							  prefix_str(&si->pfx[j], pb, sizeof(pb))));
		json_object_object_add(o, "addrs", ad);
		json_object_object_add(o, "rx_packets", json_object_new_int64(st->rx_packets));
		json_object_object_add(o, "rx_bytes", json_object_new_int64(st->rx_bytes));
		json_object_object_add(o, "tx_packets", json_object_new_int64(st->tx_packets));
		json_object_object_add(o, "tx_bytes", json_object_new_int64(st->tx_bytes));
		json_object_object_add(o, "rx_drops", json_object_new_int64(st->rx_drops));
		json_object_object_add(o, "tx_punts", json_object_new_int64(st->tx_punts));
		json_object_array_add(arr, o);
		return 0;
	}
	printf("tunnel %u session %u -> peer %s:%u tunnel %u session %u (local %s:%u) mtu %u",
	       ntohs(si->key.tunnel_id), ntohs(si->key.session_id), pa, ntohs(v->peer_port),
	       ntohs(v->peer_tunnel_id), ntohs(v->peer_session_id), la, ntohs(v->local_port),
	       v->mtu);
	if (v->mss)
		printf(" mss %u", v->mss);
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (v->flags & flag_names[i].flag)
			printf(" %s", flag_names[i].name);
	printf("\n  addrs");
	for (j = 0; j < si->npfx; j++)
		printf(" %s", prefix_str(&si->pfx[j], pb, sizeof(pb)));
	printf("\n  rx %llu pkts %llu bytes, %llu drops; tx %llu pkts %llu bytes, %llu punted\n",
	       (unsigned long long)st->rx_packets, (unsigned long long)st->rx_bytes,
	       (unsigned long long)st->rx_drops, (unsigned long long)st->tx_packets,
	       (unsigned long long)st->tx_bytes, (unsigned long long)st->tx_punts);
	return 0;
}

/* A session of a show_one() array by key, to merge into the daemon's calls. */
static json_object *dp_find(json_object *arr, int64_t tunnel, int64_t session)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);

		if (jint(o, "tunnel") == tunnel && jint(o, "session") == session)
			return o;
	}
	return NULL;
}

static int cmd_session_show(int argc, char **argv)
{
	json_object *out = json_object_new_array();
	json_object *dpa = json_object_new_array();
	json_object *d = daemon_req("session show", true), *calls = NULL, *calls_addrs;
	static const char *const keys[] = { "rx_packets", "rx_bytes", "tx_packets",
					    "tx_bytes", "rx_drops", "tx_punts" };
	struct dp *dp = NULL;
	int saved = json_out, err = 0;
	size_t i;

	/* The data plane's sessions as JSON objects, whatever the output. */
	json_out = 1;
	if ((!d || dp_pinned(&opts)) && !dp_open(&dp, &opts, false))
		err = dp_session_foreach(dp, show_one, dpa);
	else if (!d)
		fprintf(stderr, "l2tpxctl: neither l2tpxd (%s) nor a pinned data plane (%s) found\n",
			ctl_path, opts.pin_dir ? opts.pin_dir : L2TPX_PIN_DIR);
	json_out = saved;
	dp_close(dp);

	/* The daemon's calls, each with its fast-path counters when it is in
	 * the data plane; then static sessions the daemon does not own. */
	if (d && json_object_object_get_ex(d, "sessions", &calls)) {
		for (i = 0; i < json_object_array_length(calls); i++) {
			json_object *c = json_object_get(json_object_array_get_idx(calls, i));
			json_object *f = dp_find(dpa, jint(c, "tunnel"), jint(c, "session"));

			json_object_object_add(c, "origin", json_object_new_string("l2tpxd"));
			for (size_t k = 0; f && k < sizeof(keys) / sizeof(keys[0]); k++) {
				char name[32];

				snprintf(name, sizeof(name), "fast_%s", keys[k]);
				json_object_object_add(c, name, json_object_new_int64(jint(f, keys[k])));
			}
			json_object_array_add(out, c);
		}
	}
	for (i = 0; i < json_object_array_length(dpa); i++) {
		json_object *o = json_object_array_get_idx(dpa, i);

		if (calls && dp_find(calls, jint(o, "tunnel"), jint(o, "session")))
			continue;
		json_object_object_add(o, "origin", json_object_new_string("static"));
		/* fast_* on every session that has them, whatever its origin;
		 * rx_* / tx_* stay on static ones (older scripts read them). */
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			char name[32];

			snprintf(name, sizeof(name), "fast_%s", keys[k]);
			json_object_object_add(o, name, json_object_new_int64(jint(o, keys[k])));
		}
		json_object_array_add(out, json_object_get(o));
	}
	if (json_out) {
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	} else {
		for (i = 0; i < json_object_array_length(out); i++) {
			json_object *c = json_object_array_get_idx(out, i);
			char pe[64];

			if (!strcmp(jstr(c, "origin"), "static")) {
				printf("static tunnel %lld session %lld -> peer %s tunnel %lld session %lld: "
				       "rx %lld pkts, tx %lld pkts, %lld drops, %lld punted\n",
				       (long long)jint(c, "tunnel"), (long long)jint(c, "session"),
				       jep(c, "peer", pe, sizeof(pe)), (long long)jint(c, "peer_tunnel"),
				       (long long)jint(c, "peer_session"), (long long)jint(c, "rx_packets"),
				       (long long)jint(c, "tx_packets"), (long long)jint(c, "rx_drops"),
				       (long long)jint(c, "tx_punts"));
				if (json_object_object_get_ex(c, "addrs", &calls_addrs)) {
					printf("  addrs");
					for (size_t k = 0; k < json_object_array_length(calls_addrs); k++)
						printf(" %s", json_object_get_string(
								      json_object_array_get_idx(calls_addrs, k)));
					printf("\n");
				}
				continue;
			}
			printf("call tunnel %lld session %lld -> peer %s tunnel %lld session %lld: %s %s",
			       (long long)jint(c, "tunnel"), (long long)jint(c, "session"),
			       jep(c, "peer", pe, sizeof(pe)), (long long)jint(c, "peer_tunnel"),
			       (long long)jint(c, "peer_session"), jstr(c, "role"), jstr(c, "state"));
			if (*jstr(c, "user") || *jstr(c, "lcp"))
				printf(", user \"%s\" ppp %s (lcp %s, ipcp %s, ipv6cp %s) %s%s",
				       jstr(c, "user"), jstr(c, "ppp_phase"), jstr(c, "lcp"), jstr(c, "ipcp"),
				       jstr(c, "ipv6cp"), *jstr(c, "peer_ip") ? "peer " : "",
				       jstr(c, "peer_ip"));
			printf("\n  slow path rx %lld tx %lld", (long long)jint(c, "slow_rx_packets"),
			       (long long)jint(c, "slow_tx_packets"));
			if (json_object_object_get_ex(c, "fast_rx_packets", NULL))
				printf("; fast path rx %lld pkts %lld bytes, tx %lld pkts %lld bytes, "
				       "%lld drops, %lld punted",
				       (long long)jint(c, "fast_rx_packets"), (long long)jint(c, "fast_rx_bytes"),
				       (long long)jint(c, "fast_tx_packets"), (long long)jint(c, "fast_tx_bytes"),
				       (long long)jint(c, "fast_rx_drops"), (long long)jint(c, "fast_tx_punts"));
			printf("\n");
		}
	}
	json_object_put(out);
	json_object_put(dpa);
	if (d)
		json_object_put(d);
	return err ? 1 : 0;
}

static int cmd_stats(void)
{
	struct l2tpx_counter c[L2TPX_R_MAX];
	json_object *o;
	struct dp *dp;
	unsigned int r;
	int err;

	if (open_dp(&dp, false))
		return 1;
	err = dp_reason_stats(dp, c);
	dp_close(dp);
	if (err)
		return 1;
	if (!json_out) {
		printf("%-16s %14s %16s  %s\n", "reason", "packets", "bytes", "meaning");
		for (r = 0; r < L2TPX_R_MAX; r++)
			printf("%-16s %14llu %16llu  %s\n", dp_reason_name(r),
			       (unsigned long long)c[r].packets, (unsigned long long)c[r].bytes,
			       dp_reason_desc(r));
		return 0;
	}
	o = json_object_new_object();
	for (r = 0; r < L2TPX_R_MAX; r++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "packets", json_object_new_int64(c[r].packets));
		json_object_object_add(e, "bytes", json_object_new_int64(c[r].bytes));
		json_object_object_add(o, dp_reason_name(r), e);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return 0;
}

/* The daemon's counters, tunnels and calls from its control socket, the
 * data plane's from the pinned maps; either may be missing. */
static int cmd_metrics(bool no_sessions)
{
	struct l2tpx_counter reasons[L2TPX_R_MAX];
	struct metrics_input in = { .no_sessions = no_sessions };
	struct mbuf out = { 0 };
	struct metrics_ctl ctl;
	json_object *st = daemon_req("stats", true), *o, *a;
	struct dp *dp = NULL;
	int err = 0;
	size_t i;

	if (st) {
		metrics_ctl_from_json(st, &ctl);
		in.ctl = &ctl;
		json_object_put(st);
	}
	o = in.ctl ? daemon_req("tunnel show", true) : NULL;
	if (o && json_object_object_get_ex(o, "tunnels", &a)) {
		in.tunnels = calloc(json_object_array_length(a) + 1, sizeof(*in.tunnels));
		for (i = 0; in.tunnels && i < json_object_array_length(a); i++) {
			json_object *t = json_object_array_get_idx(a, i);
			struct metrics_tunnel *mt = &in.tunnels[in.ntunnels++];

			mt->tunnel_id = jint(t, "tunnel");
			jep(t, "peer", mt->peer, sizeof(mt->peer));
			mt->sessions = jint(t, "sessions");
			mt->retransmissions = jint(t, "retransmissions");
			mt->duplicates = jint(t, "duplicates");
		}
	}
	if (o)
		json_object_put(o);
	o = in.ctl ? daemon_req("session show", true) : NULL;
	if (o && json_object_object_get_ex(o, "sessions", &a)) {
		for (i = 0; i < json_object_array_length(a); i++) {
			json_object *s = json_object_array_get_idx(a, i);
			struct metrics_session *ms = metrics_session_add(&in);

			if (!ms)
				break;
			ms->tunnel_id = jint(s, "tunnel");
			ms->session_id = jint(s, "session");
			jep(s, "peer", ms->peer, sizeof(ms->peer));
			snprintf(ms->user, sizeof(ms->user), "%s", jstr(s, "user"));
			ms->daemon = true;
			ms->slow_rx_packets = jint(s, "slow_rx_packets");
			ms->slow_tx_packets = jint(s, "slow_tx_packets");
		}
	}
	if (o)
		json_object_put(o);
	if (dp_pinned(&opts) && !dp_open(&dp, &opts, false)) {
		err = metrics_collect_dp(&in, reasons, dp);
		dp_close(dp);
		if (err)
			fprintf(stderr, "l2tpxctl: reading the data plane's counters: %s\n",
				strerror(-err));
	}
	if (!in.ctl && !in.reasons) {
		fprintf(stderr, "l2tpxctl: neither l2tpxd (%s) nor a pinned data plane (%s) found\n",
			ctl_path, opts.pin_dir ? opts.pin_dir : L2TPX_PIN_DIR);
		metrics_input_free(&in);
		return 1;
	}
	if (!err)
		err = metrics_format(&in, &out);
	if (!err && fwrite(out.p, 1, out.len, stdout) != out.len)
		err = -EIO;
	mbuf_free(&out);
	metrics_input_free(&in);
	return err ? 1 : 0;
}

/* Accelerator mode: every kernel session, its path and the reason, and
 * the fast path's counters (pppN's own counters miss what went fast). */
static int cmd_accel_show(void)
{
	json_object *o = daemon_req("accel show", false), *arr;

	if (!o)
		return 1;
	if (json_out) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return 0;
	}
	printf("%-11s %-8s %-6s %-12s %12s %12s  %s\n", "tunnel/sess", "iface", "path",
	       "reason", "fast-rx-pkts", "fast-tx-pkts", "addresses / why");
	if (json_object_object_get_ex(o, "sessions", &arr)) {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *s = json_object_array_get_idx(arr, i), *a;
			char ids[24];

			snprintf(ids, sizeof(ids), "%lld/%lld", (long long)jint(s, "tunnel"),
				 (long long)jint(s, "session"));
			printf("%-11s %-8s %-6s %-12s %12lld %12lld  ", ids, jstr(s, "ifname"),
			       jstr(s, "path"), jstr(s, "reason"),
			       (long long)jint(s, "fast_rx_packets"),
			       (long long)jint(s, "fast_tx_packets"));
			if (strcmp(jstr(s, "path"), "fast")) {
				printf("%s\n", jstr(s, "why"));
				continue;
			}
			if (json_object_object_get_ex(s, "addresses", &a))
				for (size_t j = 0; j < json_object_array_length(a); j++)
					printf("%s%s", j ? " " : "",
					       json_object_get_string(json_object_array_get_idx(a, j)));
			printf("\n");
		}
	}
	json_object_put(o);
	return 0;
}

/* The real teardown: a stopped l2tpxd leaves its sessions forwarding for
 * the next one (docs/OPERATIONS.md, "Restarts and upgrades"). */
static int cmd_flush(int argc, char **argv)
{
	const char *state = "/var/lib/l2tpx/state";
	char *reply;
	json_object *o;
	struct dp *dp;
	int n;

	if (argc == 2 && !strcmp(argv[0], "state"))
		state = argv[1];
	else if (argc)
		return die_usage("flush [state FILE]%s", "");
	reply = ctl_request(ctl_path, "flush");
	if (reply) {
		/* A daemon answered: it did the flush, or says why not. */
		o = daemon_reply(reply);
		if (!o)
			return 1;
		if (json_out)
			printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		else
			printf("l2tpxd: %lld tunnels cleared, %lld orphan map entries removed\n",
			       (long long)jint(o, "tunnels_cleared"),
			       (long long)jint(o, "map_entries_removed"));
		json_object_put(o);
		return 0;
	}
	/* No daemon: what it left behind. */
	if (unlink(state) && errno != ENOENT) {
		fprintf(stderr, "l2tpxctl: removing %s: %s\n", state, strerror(errno));
		return 1;
	}
	if (!dp_pinned(&opts)) {
		printf("no l2tpxd running, no data plane pinned; state file %s removed\n", state);
		return 0;
	}
	if (open_dp(&dp, false))
		return 1;
	n = state_reconcile_maps(dp, NULL);
	dp_close(dp);
	printf("no l2tpxd running: %d of its sessions removed from the maps, state file %s "
	       "removed\n", n, state);
	return 0;
}

static int cmd_unload(void)
{
	struct dp *dp;
	int err;

	if (open_dp(&dp, false))
		return 1;
	err = dp_unload(dp);
	dp_close(dp);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	int c, verbose = 0;
	const char *cmd;

	while ((c = getopt(argc, argv, "jvd:s:h")) != -1) {
		switch (c) {
		case 'j':
			json_out = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'd':
			opts.pin_dir = optarg;
			break;
		case 's':
			ctl_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	log_init("l2tpxctl", 1, verbose ? LOG_DEBUG : LOG_NOTICE);
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 1;
	}
	cmd = argv[0];
	if (!strcmp(cmd, "load"))
		return cmd_load(argc - 1, argv + 1);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(cmd, "detach"))
		return cmd_dev(argc - 1, argv + 1, dp_detach_xdp, false);
	if (!strcmp(cmd, "attach-tc"))
		return cmd_dev(argc - 1, argv + 1, dp_attach_tc, true);
	if (!strcmp(cmd, "detach-tc"))
		return cmd_dev(argc - 1, argv + 1, dp_detach_tc, false);
	if (!strcmp(cmd, "stats") && argc == 2 && !strcmp(argv[1], "daemon"))
		return cmd_daemon_stats();
	if (!strcmp(cmd, "stats"))
		return cmd_stats();
	if (!strcmp(cmd, "tunnel"))
		return cmd_tunnel(argc - 1, argv + 1);
	if (!strcmp(cmd, "metrics") && argc == 1)
		return cmd_metrics(false);
	if (!strcmp(cmd, "metrics") && argc == 2 && !strcmp(argv[1], "no-sessions"))
		return cmd_metrics(true);
	if (!strcmp(cmd, "check") && argc == 1)
		return cmd_check();
	if (!strcmp(cmd, "unload"))
		return cmd_unload();
	if (!strcmp(cmd, "accel") && argc == 2 && !strcmp(argv[1], "show"))
		return cmd_accel_show();
	if (!strcmp(cmd, "flush"))
		return cmd_flush(argc - 1, argv + 1);
	if (!strcmp(cmd, "session") && argc >= 2) {
		if (!strcmp(argv[1], "add"))
			return cmd_session_add(argc - 2, argv + 2);
		if (!strcmp(argv[1], "del"))
			return cmd_session_del(argc - 2, argv + 2);
		if (!strcmp(argv[1], "show"))
			return cmd_session_show(argc - 2, argv + 2);
	}
	return die_usage("unknown command %s", cmd);
}
