// SPDX-License-Identifier: GPL-2.0
/* Control socket: tunnel and session listing, dial, clear, statistics. */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "check.h"
#include "ctl.h"
#include "log.h"
#include "metrics.h"
#include "ppp.h"
#include "state.h"
#include "util.h"

#define REQ_MAX	512

struct ctl {
	struct ev_loop *loop;
	struct l2tp *l;
	int fd;
	char path[108];
	const char *ext_word;
	json_object *(*ext_fn)(void *arg, int argc, char **argv);
	void *ext_arg;
};

void ctl_set_ext(struct ctl *c, const char *word,
		 struct json_object *(*fn)(void *arg, int argc, char **argv), void *arg)
{
	c->ext_word = word;
	c->ext_fn = fn;
	c->ext_arg = arg;
}

/* An endpoint as two fields, "peer": address and "peer_port": number, the
 * same shape as the data plane's sessions (docs/CLI.md). */
static void ep_json(json_object *o, const char *name, const struct udp_ep *ep)
{
	char b[INET6_ADDRSTRLEN], port[32];

	json_object_object_add(o, name, json_object_new_string(addr_str(&ep->addr, b, sizeof(b))));
	snprintf(port, sizeof(port), "%s_port", name);
	json_object_object_add(o, port, json_object_new_int(ep->port));
}

static json_object *tunnels_json(struct l2tp *l)
{
	json_object *a = json_object_new_array();

	for (int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = l->tunnels[i];
		json_object *o;

		if (!t)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "tunnel", json_object_new_int(t->id));
		json_object_object_add(o, "peer_tunnel", json_object_new_int(t->peer_id));
		json_object_object_add(o, "state", json_object_new_string(tunnel_state_str(t->state)));
		json_object_object_add(o, "role", json_object_new_string(t->lac ? "lac" : "lns"));
		ep_json(o, "peer", &t->peer);
		ep_json(o, "local", &t->local);
		json_object_object_add(o, "peer_host", json_object_new_string(t->peer_host));
		json_object_object_add(o, "peer_vendor", json_object_new_string(t->peer_vendor));
		json_object_object_add(o, "sessions", json_object_new_int(t->nsessions));
		json_object_object_add(o, "authenticated", json_object_new_boolean(t->challenged));
		json_object_object_add(o, "ns", json_object_new_int(t->rdt.ns));
		json_object_object_add(o, "nr", json_object_new_int(t->rdt.nr));
		json_object_object_add(o, "retransmissions",
				       json_object_new_int64(t->rdt.n_retransmitted));
		json_object_object_add(o, "duplicates", json_object_new_int64(t->rdt.n_duplicates));
		json_object_array_add(a, o);
	}
	return a;
}

/* What PPP knows of a call: user, phase, automata, addresses. */
static void ppp_json(const struct ppp_session *ps, json_object *o)
{
	char a[INET_ADDRSTRLEN];

	json_object_object_add(o, "user", json_object_new_string(ppp_user(ps)));
	json_object_object_add(o, "ppp_phase", json_object_new_string(ppp_phase_str(ps->phase)));
	json_object_object_add(o, "lcp", json_object_new_string(ppp_state_str(ps->lcp.state)));
	json_object_object_add(o, "ipcp", json_object_new_string(ppp_state_str(ps->ipcp.state)));
	json_object_object_add(o, "ipv6cp", json_object_new_string(ppp_state_str(ps->ipv6cp.state)));
	if (ps->peer_ip)
		json_object_object_add(o, "peer_ip", json_object_new_string(
					inet_ntop(AF_INET, &ps->peer_ip, a, sizeof(a))));
	if (ps->our_ip)
		json_object_object_add(o, "local_ip", json_object_new_string(
					inet_ntop(AF_INET, &ps->our_ip, a, sizeof(a))));
	json_object_object_add(o, "fast_path", json_object_new_boolean(ps->in_dp));
	json_object_object_add(o, "echo_dropped", json_object_new_int64(ps->echo_dropped));
}

static json_object *sessions_json(struct l2tp *l)
{
	json_object *a = json_object_new_array();

	for (int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = l->tunnels[i];

		for (struct l2tp_session *s = t ? t->sessions : NULL; s; s = s->tnext) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "tunnel", json_object_new_int(t->id));
			json_object_object_add(o, "session", json_object_new_int(s->id));
			json_object_object_add(o, "peer_tunnel", json_object_new_int(t->peer_id));
			json_object_object_add(o, "peer_session", json_object_new_int(s->peer_id));
			json_object_object_add(o, "state",
					       json_object_new_string(session_state_str(s->state)));
			json_object_object_add(o, "role",
					       json_object_new_string(s->lac ? "lac" : "lns"));
			ep_json(o, "peer", &t->peer);
			json_object_object_add(o, "call_serial", json_object_new_int64(s->call_serial));
			json_object_object_add(o, "seq_required",
					       json_object_new_boolean(s->seq_required));
			json_object_object_add(o, "slow_rx_packets", json_object_new_int64(s->rx_data));
			json_object_object_add(o, "slow_tx_packets", json_object_new_int64(s->tx_data));
			if (l->sops == &ppp_l2tp_ops && s->upper)
				ppp_json(s->upper, o);
			json_object_array_add(a, o);
		}
	}
	return a;
}

/* The control plane's counters: the same table the metrics use. */
static json_object *stats_json(struct l2tp *l)
{
	struct metrics_ctl c;

	metrics_collect_ctl(&c, l, l->sops == &ppp_l2tp_ops ? l->sops_arg : NULL);
	return metrics_ctl_to_json(&c);
}

#define CHECK_LISTED	100	/* problems listed in a reply; all are counted */

static void check_problem(void *arg, const char *msg)
{
	if (json_object_array_length(arg) < CHECK_LISTED)
		json_object_array_add(arg, json_object_new_string(msg));
}

/* The daemon against the maps and the pool (check.h). */
static json_object *check_json(struct l2tp *l)
{
	json_object *o = json_object_new_object(), *p = json_object_new_array();
	struct check_counts n;
	int bad = l2tpx_check(l, &n, check_problem, p);

	json_object_object_add(o, "ok", json_object_new_boolean(!bad));
	json_object_object_add(o, "nproblems", json_object_new_int(bad));
	json_object_object_add(o, "sessions", json_object_new_int(n.sessions));
	json_object_object_add(o, "established", json_object_new_int(n.established));
	json_object_object_add(o, "fast_path", json_object_new_int(n.fast_path));
	json_object_object_add(o, "dp_sessions",
			       n.have_dp ? json_object_new_int(n.dp_sessions) : NULL);
	json_object_object_add(o, "pool_in_use", json_object_new_int(n.pool_in_use));
	json_object_object_add(o, "pool_held", json_object_new_int(n.pool_held));
	json_object_object_add(o, "problems", p);
	return o;
}

static json_object *error_json(const char *fmt, const char *arg)
{
	json_object *o = json_object_new_object();
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

/* A real teardown (a stop keeps everything for the next l2tpxd): every
 * tunnel cleared with StopCCN, so its calls leave the maps and give their
 * addresses back; daemon map entries nothing owns go too; the state file
 * follows (empty). */
static json_object *flush_json(struct l2tp *l)
{
	const struct ppp_ctx *pc = l->sops == &ppp_l2tp_ops ? l->sops_arg : NULL;
	json_object *o = json_object_new_object();
	int n = 0, orphans;

	for (int i = 1; i < 65536; i++)
		if (l->tunnels[i] && l->tunnels[i]->state != TUNNEL_CLOSING) {
			l2tp_tunnel_close(l->tunnels[i], L2TP_STOPCCN_CLEAR, 0,
					  "flushed by the operator");
			n++;
		}
	orphans = state_reconcile_maps(pc ? pc->dp : NULL, l);
	log_info("flush: %d tunnels cleared, %d orphan map entries removed", n, orphans);
	json_object_object_add(o, "tunnels_cleared", json_object_new_int(n));
	json_object_object_add(o, "map_entries_removed", json_object_new_int(orphans));
	return o;
}

static json_object *handle(struct ctl *c, char *req)
{
	char *argv[8], *save;
	int argc = 0;
	unsigned long a, b;
	json_object *o;

	for (char *tok = strtok_r(req, " \t\r\n", &save); tok && argc < 8;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	if (argc >= 1 && c->ext_fn && !strcmp(argv[0], c->ext_word))
		return c->ext_fn(c->ext_arg, argc, argv);
	if (argc == 2 && !strcmp(argv[0], "tunnel") && !strcmp(argv[1], "show")) {
		o = json_object_new_object();
		json_object_object_add(o, "tunnels", tunnels_json(c->l));
		return o;
	}
	if (argc == 2 && !strcmp(argv[0], "session") && !strcmp(argv[1], "show")) {
		o = json_object_new_object();
		json_object_object_add(o, "sessions", sessions_json(c->l));
		return o;
	}
	if (argc == 1 && !strcmp(argv[0], "stats"))
		return stats_json(c->l);
	if (argc == 1 && !strcmp(argv[0], "check"))
		return check_json(c->l);
	if (argc >= 3 && !strcmp(argv[0], "tunnel") && !strcmp(argv[1], "add")) {
		struct udp_ep ep = { .port = L2TPX_DEFAULT_PORT };
		struct l2tp_tunnel *t;

		if (addr_parse(argv[2], &ep.addr) < 0)
			return error_json("not an address: %s", argv[2]);
		if (argc >= 4) {
			if (num_parse(argv[3], 1, 65535, &a))
				return error_json("not a port: %s", argv[3]);
			ep.port = a;
		}
		t = l2tp_dial(c->l, &ep, -1);
		if (!t)
			return error_json("cannot dial %s (no socket of that family?)", argv[2]);
		o = json_object_new_object();
		json_object_object_add(o, "tunnel", json_object_new_int(t->id));
		return o;
	}
	if (argc == 3 && !strcmp(argv[0], "tunnel") && !strcmp(argv[1], "del")) {
		struct l2tp_tunnel *t;

		if (num_parse(argv[2], 1, 65535, &a) || !(t = l2tp_tunnel_find(c->l, a)))
			return error_json("no tunnel %s", argv[2]);
		l2tp_tunnel_close(t, L2TP_STOPCCN_CLEAR, 0, "cleared by the operator");
		return json_object_new_object();
	}
	if (argc == 4 && !strcmp(argv[0], "session") && !strcmp(argv[1], "del")) {
		struct l2tp_session *s;

		if (num_parse(argv[2], 1, 65535, &a) || num_parse(argv[3], 1, 65535, &b) ||
		    !(s = l2tp_session_find(c->l, a, b)))
			return error_json("no such session%s", "");
		l2tp_session_close(s, L2TP_CDN_ADMIN, 0, "cleared by the operator");
		return json_object_new_object();
	}
	if (argc == 1 && !strcmp(argv[0], "flush"))
		return flush_json(c->l);
	return error_json("unknown request: %s", argc ? argv[0] : "(empty)");
}

static void client_readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ctl *c = arg;
	char req[REQ_MAX + 1];
	json_object *o;
	const char *out;
	ssize_t n = read(fd, req, REQ_MAX);

	ev_fd_del(loop, fd);
	if (n > 0) {
		req[n] = '\0';
		o = handle(c, req);
		out = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		/* Small replies; a client that does not read is its problem. */
		if (write(fd, out, strlen(out)) < 0 || write(fd, "\n", 1) < 0)
			log_debug("ctl: client went away");
		json_object_put(o);
	}
	close(fd);
}

static void ctl_accept(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		return;
	if (ev_fd_add(loop, cfd, 1 /* EPOLLIN */, client_readable, arg))
		close(cfd);
}

struct ctl *ctl_open(struct ev_loop *loop, const char *path, struct l2tp *l)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *c;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("ctl: socket path too long: %s", path);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->loop = loop;
	c->l = l;
	snprintf(c->path, sizeof(c->path), "%s", path);
	strcpy(sun.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		goto fail;
	unlink(path);
	old = umask(0077);	/* 0600: root's tool only */
	if (bind(c->fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(c->fd, 16)) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (ev_fd_add(loop, c->fd, 1, ctl_accept, c))
		goto fail;
	return c;
fail:
	log_warn("ctl: %s", path);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return NULL;
}

int ctl_set_group(struct ctl *c, const char *group)
{
	struct group *gr;

	if (!group || !*group)
		return chmod(c->path, 0600) ? -errno : 0;
	errno = 0;
	gr = getgrnam(group);
	if (!gr) {
		log_warnx("ctl: group %s: %s; create it (groupadd --system %s) or remove "
			  "`ctl_group`", group, errno ? strerror(errno) : "no such group", group);
		return -ENOENT;
	}
	/* chown first: the socket is never 0660 with the wrong group. */
	if (chown(c->path, (uid_t)-1, gr->gr_gid) || chmod(c->path, 0660)) {
		int err = -errno;

		log_warn("ctl: %s: giving it to group %s", c->path, group);
		return err;
	}
	return 0;
}

void ctl_close(struct ctl *c)
{
	if (!c)
		return;
	ev_fd_del(c->loop, c->fd);
	close(c->fd);
	unlink(c->path);
	free(c);
}

char *ctl_request(const char *path, const char *req)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t cap = 65536, len = 0;
	char *buf;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) != 1) {
			errno = ETIMEDOUT;
			free(buf);
			buf = NULL;
			break;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
		if (len + 1 == cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
	}
	if (buf)
		buf[len] = '\0';
	close(fd);
	return buf;
}
