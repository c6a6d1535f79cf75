// SPDX-License-Identifier: GPL-2.0
/* l2tpxd: the daemon.  One event loop owns the L2TP sockets, the timers,
 * the signals and the control socket; the data plane, when configured, is
 * opened (loaded if needed) and attached. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "accel.h"
#include "conf.h"
#include "conf_xl2tpd.h"
#include "ctl.h"
#include "dp.h"
#include "event.h"
#include "l2tp.h"
#include "log.h"
#include "metrics_http.h"
#include "ppp.h"
#include "priv.h"
#include "secrets.h"
#include "state.h"
#include "tun.h"

#define DEFAULT_CONF	"/etc/l2tpx/l2tpxd.conf"

static void usage(FILE *f)
{
	fprintf(f, "usage: l2tpxd [-c FILE] [-x FILE] [-o KEY=VALUE]... [-n] [-d] [-S] [-v] [-l LEVEL]\n"
		   "              [-p PINDIR] [-s STATEFILE] [--fresh] [-A]\n"
		   "  -c  configuration file (default " DEFAULT_CONF ")\n"
		   "  -x, --xl2tpd-conf FILE\n"
		   "      an xl2tpd.conf (with its pppoptfile and auth file), read after -c;\n"
		   "      used by default (" XL2TPD_CONF ") when neither is given and\n"
		   "      " DEFAULT_CONF " is absent\n"
		   "  -o, --set KEY=VALUE\n"
		   "      a [global] key of l2tpxd.conf, after the files (e.g. -o uplink=eth0)\n"
		   "  -n  check the configuration and exit\n"
		   "  -d  stay in the foreground, log to stderr\n"
		   "  -S  log to syslog (LOG_DAEMON) also in the foreground\n"
		   "  -v  debug logging (same as -l debug)\n"
		   "  -l  log level: err, warning, notice, info (default) or debug\n"
		   "  -p  pin directory of the data plane (default " L2TPX_PIN_DIR ")\n"
		   "  -s  state file for hitless restarts (default: state_file in the\n"
		   "      configuration; none = no hitless restart, SIGTERM clears)\n"
		   "  --fresh  start with a clean slate: remove the state file and the\n"
		   "      daemon's sessions from the maps (static sessions stay)\n"
		   "  -A, --accel  accelerator mode (mode = accel): fast-path the kernel's\n"
		   "      L2TP sessions of xl2tpd + pppd, negotiate nothing (docs/ACCEL.md)\n"
		   "see l2tpxd(8)\n");
}

/* -c, -x and -o in that order into c; 0 or -1 with the message in err. */
static int load_conf(struct conf *c, const char *conf_path, const char *xl_path, char **sets,
		     int nsets, char *err, size_t errlen)
{
	if (conf_path && conf_load(conf_path, c, err, errlen))
		return -1;
	if (!conf_path)
		conf_defaults(c);
	if (xl_path && conf_xl2tpd_load(xl_path, c, err, errlen))
		return -1;
	for (int i = 0; i < nsets; i++) {
		char key[64], *eq = strchr(sets[i], '=');

		if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
			snprintf(err, errlen, "-o %s: expected KEY=VALUE", sets[i]);
			return -1;
		}
		memcpy(key, sets[i], (size_t)(eq - sets[i]));
		key[eq - sets[i]] = '\0';
		if (conf_set(c, key, eq + 1, err, errlen))
			return -1;
	}
	/* A [lac]'s password, as pppd would find it, once the paths are final. */
	if (xl_path && conf_xl2tpd_lac_passwords(c, err, errlen))
		return -1;
	return 0;
}

struct daemon {
	struct ev_loop *loop;
	struct l2tp l2tp;
	struct conf conf;
	struct ctl *ctl;
	struct metrics_http *http;
	struct dp *dp;
	struct ppp_ctx ppp;
	struct secrets *secrets;
	struct accel *accel;
	int sfd;
	int stopping;
	const char *state;	/* NULL: no state file */
	uint64_t saved_gen;
	uint64_t next_save;	/* ms, loop clock: not before */
	struct ev_timer save_timer;
};

static void save_fire(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	/* Nothing here: the round this ends writes the file. */
}

/* The state file after a round that changed something.  Up to a few
 * thousand calls it is written every time (a few ms of encoding at most,
 * one fsync), so it is never behind; beyond, writes are spaced to take at
 * most a tenth of the time, and the resumed tunnels' first messages make up
 * for the lag. */
#define STATE_SPACED_CALLS	4096

static void state_sync(struct daemon *d)
{
	uint64_t now = ev_now(d->loop), took;

	if (!d->state || d->l2tp.gen == d->saved_gen)
		return;
	if (now < d->next_save) {
		if (!ev_timer_armed(&d->save_timer))
			ev_timer_arm(d->loop, &d->save_timer, d->next_save - now);
		return;
	}
	d->saved_gen = d->l2tp.gen;
	state_save(d->state, &d->l2tp);
	took = ev_now(d->loop) - now;
	d->next_save = d->l2tp.nsessions >= STATE_SPACED_CALLS ? now + 10 * took : 0;
}

/* The user's static address from the secrets file, if any. */
static int static_ip(void *arg, const char *user, uint32_t *addr)
{
	struct daemon *d = arg;
	const char *server = d->conf.auth_name[0] ? d->conf.auth_name : d->conf.hostname;
	const struct secret *s = d->secrets ? secrets_find(d->secrets, user, server) : NULL;

	if (!s || !s->naddr)
		return -1;
	*addr = s->addr[0].s_addr;
	return 0;
}

static int lookup_secret(void *arg, const char *client, const char *server, char *secret,
			 size_t cap)
{
	struct daemon *d = arg;

	return d->secrets ? secrets_auth_lookup(d->secrets, client, server, secret, cap) : -1;
}

/* Secrets, the subscriber TUN device and the PPP layer. */
static int ppp_setup(struct daemon *d)
{
	const char *path = d->conf.auth == CONF_AUTH_PAP ? d->conf.pap_secrets : d->conf.chap_secrets;
	char err[512];
	int fd, ifindex;

	if (d->conf.lns && d->conf.auth != CONF_AUTH_NONE) {
		if (secrets_load(path, 0, &d->secrets, err, sizeof(err)))
			fatalx("%s", err);
	}
	if (!d->conf.subscriber_dev[0])
		snprintf(d->conf.subscriber_dev, sizeof(d->conf.subscriber_dev), "l2tpx0");
	/* Its MTU: the path MTU less the largest encapsulation (IPv6 outer,
	 * sequencing): the kernel then answers too-big packets itself. */
	fd = tun_open(d->conf.subscriber_dev, d->conf.mtu - 62);
	if (fd < 0)
		fatalx("tun %s: %s (is /dev/net/tun there?)", d->conf.subscriber_dev, strerror(-fd));
	ifindex = tun_ifindex(d->conf.subscriber_dev);
	if (d->conf.local_ip && ifindex > 0)
		nl_addr_add(AF_INET, &d->conf.local_ip, 32, NULL, ifindex);
	if (ppp_ctx_init(&d->ppp, d->loop, &d->conf, &d->l2tp, NULL, fd))
		fatalx("PPP configuration invalid");
	d->ppp.lookup = lookup_secret;
	d->ppp.lookup_arg = d;
	d->ppp.static_ip = static_ip;
	return 0;
}

static void on_signal(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	d->stopping = 1;
	ev_break(loop);
	if (d->state) {
		/* Hitless restart: no StopCCN, no CDN, the maps untouched; the
		 * state file lets the next l2tpxd take everything back.
		 * `l2tpxctl flush` clears the sessions for real. */
		log_info("signal %u: exiting; tunnels, calls and their data plane entries stay "
			 "for the next l2tpxd (state in %s)", si.ssi_signo, d->state);
		return;
	}
	/* No state file: nothing could take the sessions back, so they are
	 * cleared properly. */
	log_info("signal %u: clearing tunnels and exiting (no state_file: no hitless restart)",
		 si.ssi_signo);
	for (int i = 1; i < 65536; i++)
		if (d->l2tp.tunnels[i])
			l2tp_tunnel_close(d->l2tp.tunnels[i], L2TP_STOPCCN_SHUTTING_DOWN, 0, NULL);
}

static int render_metrics(struct mbuf *out, void *arg)
{
	struct daemon *d = arg;

	return metrics_render_daemon(out, &d->l2tp, &d->ppp, d->dp);
}

static struct json_object *accel_ctl(void *arg, int argc, char **argv)
{
	struct daemon *d = arg;
	json_object *o;

	if (argc == 2 && !strcmp(argv[1], "show"))
		return accel_show_json(d->accel);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string("usage: accel show"));
	return o;
}

static int dp_setup(struct daemon *d, const char *pin_dir)
{
	struct dp_opts o = { .pin_dir = pin_dir, .port = d->conf.port };
	int err;

	if (!d->conf.uplink[0] && !d->conf.core[0] && !d->conf.accel)
		return 0;	/* slow path only */
	err = dp_open(&d->dp, &o, true);
	if (err)
		return err;
	if (d->conf.uplink[0] && (err = dp_attach_xdp(d->dp, d->conf.uplink, DP_UPLINK, false)))
		return err;
	if (d->conf.core[0] && (err = dp_attach_xdp(d->dp, d->conf.core, DP_CORE, false)))
		return err;
	/* In accelerator mode each pppN gets the TC program when its session
	 * enters the fast path. */
	if (!d->conf.accel && d->conf.subscriber_dev[0] &&
	    (err = dp_attach_tc(d->dp, d->conf.subscriber_dev)))
		return err;
	return 0;
}

static int signals_setup(struct daemon *d)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return d->sfd < 0 || ev_fd_add(d->loop, d->sfd, 1, on_signal, d) ? -1 : 0;
}

/* Accelerator mode: no L2TP socket, no PPP, no TUN; the data plane and the
 * kernel's sessions (docs/ACCEL.md). */
static int accel_main(struct daemon *d, const char *pin_dir)
{
	int err;

	if (accel_probe())
		fatalx("accelerator mode needs a kernel with L2TP (xl2tpd's kernel mode)");
	err = dp_setup(d, pin_dir);
	if (err)
		fatalx("data plane: %s", strerror(-err));
	if ((err = accel_start(&d->accel, d->loop, &d->conf, d->dp)))
		fatalx("accelerator mode cannot start: %s", strerror(-err));
	d->ctl = ctl_open(d->loop, d->conf.ctl_socket, &d->l2tp);
	if (!d->ctl)
		fatalx("control socket %s unavailable", d->conf.ctl_socket);
	if (ctl_set_group(d->ctl, d->conf.ctl_group))
		fatalx("control socket %s: cannot set its access (ctl_group)", d->conf.ctl_socket);
	ctl_set_ext(d->ctl, "accel", accel_ctl, d);
	if (signals_setup(d))
		fatal("signalfd");
	log_info("l2tpxd: accelerator mode, control socket %s", d->conf.ctl_socket);
	ev_run(d->loop);
	ctl_close(d->ctl);
	accel_stop(d->accel);
	l2tp_fini(&d->l2tp);
	dp_close(d->dp);
	ev_loop_free(d->loop);
	close(d->sfd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "xl2tpd-conf", required_argument, NULL, 'x' },
		{ "set", required_argument, NULL, 'o' },
		{ "accel", no_argument, NULL, 'A' },
		{ "fresh", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *conf_path = NULL, *xl_path = NULL, *pin_dir = NULL, *state_path = NULL;
	struct daemon d = { 0 };
	int c, fg = 0, check = 0, level = -1, use_syslog = 0, err, nsets = 0, accel = 0, fresh = 0;
	char errbuf[512], *sets[argc];	/* the -o arguments: at most argc */

	while ((c = getopt_long(argc, argv, "c:x:o:ndSvl:p:s:hA", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			accel = 1;
			break;
		case 's':
			state_path = optarg;
			break;
		case 'F':
			fresh = 1;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'x':
			xl_path = optarg;
			break;
		case 'o':
			sets[nsets++] = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'd':
			fg = 1;
			break;
		case 'S':
			use_syslog = 1;
			break;
		case 'v':
			level = LOG_DEBUG;
			break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "l2tpxd: -l %s: expected err, warning, notice, info "
						"or debug\n", optarg);
				return 1;
			}
			break;
		case 'p':
			pin_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	/* stderr until the configuration is read and, without -d, until the
	 * daemon has detached: startup errors reach whoever started it. */
	log_init("l2tpxd", 1, level >= 0 ? level : LOG_INFO);

	if (!conf_path && !xl_path) {
		if (!access(DEFAULT_CONF, F_OK)) {
			conf_path = DEFAULT_CONF;
		} else if (!access(XL2TPD_CONF, F_OK)) {
			xl_path = XL2TPD_CONF;
			log_info("no %s: reading xl2tpd's %s", DEFAULT_CONF, XL2TPD_CONF);
		} else {
			log_info("no %s: running with defaults", DEFAULT_CONF);
		}
	}
	if (load_conf(&d.conf, conf_path, xl_path, sets, nsets, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "l2tpxd: %s\n", errbuf);
		return 1;
	}
	if (accel)
		d.conf.accel = true;
	if (check) {
		printf("l2tpxd: configuration %s%s%s OK\n", conf_path ? conf_path : "",
		       conf_path && xl_path ? " + " : "", xl_path ? xl_path : conf_path ? "" : "(defaults)");
		return 0;
	}
	/* The flags win over the file. */
	if (level < 0 && d.conf.log_level >= 0)
		log_set_level(d.conf.log_level);
	if (use_syslog || d.conf.syslog)
		log_use_syslog();

	d.loop = ev_loop_new();
	if (!d.loop)
		fatal("event loop");
	if (l2tp_init(&d.l2tp, d.loop, &d.conf))
		fatalx("out of memory");
	if (d.conf.accel)
		return accel_main(&d, pin_dir);
	ppp_setup(&d);
	err = dp_setup(&d, pin_dir);
	if (err)
		fatalx("data plane: %s", strerror(-err));
	d.ppp.dp = d.dp;
	if ((err = l2tp_listen(&d.l2tp)))
		fatalx("cannot listen on UDP port %u: %s (another L2TP daemon running?)",
		       d.conf.port, strerror(-err));
	d.ctl = ctl_open(d.loop, d.conf.ctl_socket, &d.l2tp);
	if (!d.ctl)
		fatalx("control socket %s unavailable", d.conf.ctl_socket);
	if (ctl_set_group(d.ctl, d.conf.ctl_group))
		fatalx("control socket %s: cannot set its access (ctl_group)", d.conf.ctl_socket);
	if (d.conf.metrics_port) {
		char ep[64];
		struct udp_ep me = { .addr = d.conf.metrics_addr, .port = d.conf.metrics_port };

		d.http = metrics_http_open(d.loop, &d.conf.metrics_addr, d.conf.metrics_port,
					   render_metrics, &d);
		if (!d.http)
			fatalx("metrics_listen %s unavailable: free the port or change "
			       "metrics_listen", udp_ep_str(&me, ep, sizeof(ep)));
		log_info("metrics on http://%s/metrics", udp_ep_str(&me, ep, sizeof(ep)));
	}

	if (signals_setup(&d))
		fatal("signalfd");

	if (!state_path)
		state_path = d.conf.state_file;
	d.state = state_path[0] && strcmp(state_path, "none") ? state_path : NULL;
	if (fresh) {
		if (d.state && unlink(d.state) && errno != ENOENT)
			log_warn("--fresh: removing %s", d.state);
		log_info("--fresh: clean slate; %d daemon sessions removed from the maps",
			 state_reconcile_maps(d.dp, &d.l2tp));
	} else if (d.state) {
		state_restore(d.state, &d.l2tp, &d.ppp);
	} else {
		state_reconcile_maps(d.dp, &d.l2tp);
	}
	/* Everything that needed privilege is open: sockets, map fds, the
	 * TUN device, the control socket, the calls taken back from the state
	 * file.  Keep CAP_NET_ADMIN only. */
	if (priv_drop(d.conf.user, errbuf, sizeof(errbuf)))
		fatalx("dropping privileges: %s", errbuf);
	log_info("privileges dropped: CAP_NET_ADMIN kept, no_new_privs%s%s",
		 d.conf.user[0] ? ", running as " : "", d.conf.user);

	for (int i = 0; i < d.conf.nlacs; i++) {
		struct udp_ep ep = { .addr = d.conf.lacs[i].lns, .port = d.conf.lacs[i].port };
		bool resumed = false;

		for (int t = 1; t < 65536 && !resumed; t++)
			resumed = d.l2tp.tunnels[t] && d.l2tp.tunnels[t]->lac_index == i;
		if (d.conf.lacs[i].autodial && !resumed)
			l2tp_dial(&d.l2tp, &ep, i);
	}
	if (!fg) {
		/* Detach; from here on the log goes to syslog. */
		if (daemon(0, 0))
			fatal("daemon");
		log_use_syslog();
	}
	log_info("l2tpxd: listening on port %u, control socket %s", d.conf.port, d.conf.ctl_socket);
	/* The state file follows every loop round that changed something:
	 * many changes in one round are one write. */
	ev_timer_init(&d.save_timer, save_fire, &d);
	while (!d.stopping) {
		if (ev_run_once(d.loop, -1) < 0)
			break;
		state_sync(&d);
	}
	ev_timer_disarm(d.loop, &d.save_timer);
	if (d.state)
		state_save(d.state, &d.l2tp);
	/* Without one, StopCCNs went out: give them a moment to be
	 * acknowledged before the sockets go. */
	for (int i = 0; !d.state && i < 20 && d.l2tp.ntunnels; i++) {
		int busy = 0;

		for (int t = 1; t < 65536; t++)
			if (d.l2tp.tunnels[t] && !l2tp_rdt_idle(&d.l2tp.tunnels[t]->rdt))
				busy = 1;
		if (!busy)
			break;
		ev_run_once(d.loop, 50);
	}
	ctl_close(d.ctl);
	/* Without telling the upper layer: nothing leaves the maps. */
	metrics_http_close(d.http);
	ppp_ctx_release(&d.ppp, &d.l2tp);
	l2tp_fini(&d.l2tp);
	ppp_ctx_fini(&d.ppp);
	secrets_free(d.secrets);
	dp_close(d.dp);
	ev_loop_free(d.loop);
	close(d.sfd);
	return 0;
}
