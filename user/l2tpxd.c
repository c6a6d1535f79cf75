// SPDX-License-Identifier: GPL-2.0
/* l2tpxd: the daemon.  For now it opens (loading if needed) the pinned data
 * plane and runs the event loop until SIGINT/SIGTERM; the L2TP control
 * plane and PPP arrive with their own modules (see the issues). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dp.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: l2tpxd [-d] [-v] [-p PINDIR]\n"
		   "  -d  stay in the foreground, log to stderr\n"
		   "  -v  debug logging\n"
		   "  -p  pin directory (default " L2TPX_PIN_DIR ")\n");
}

int main(int argc, char **argv)
{
	struct dp_opts opts = { 0 };
	struct epoll_event ev;
	struct signalfd_siginfo si;
	struct dp *dp;
	int c, fg = 0, level = LOG_INFO, ep, sfd, err;
	sigset_t mask;

	while ((c = getopt(argc, argv, "dvp:h")) != -1) {
		switch (c) {
		case 'd':
			fg = 1;
			break;
		case 'v':
			level = LOG_DEBUG;
			break;
		case 'p':
			opts.pin_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	log_init("l2tpxd", fg, level);

	err = dp_open(&dp, &opts, true);
	if (err)
		fatalx("data plane unavailable: %s", strerror(-err));

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0)
		fatal("signalfd/epoll");
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev))
		fatal("epoll_ctl");
	log_info("l2tpxd: running; data plane pinned, Ctrl-C or SIGTERM to stop");

	for (;;) {
		int n = epoll_wait(ep, &ev, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fatal("epoll_wait");
		if (ev.data.fd == sfd && read(sfd, &si, sizeof(si)) == sizeof(si))
			break;
	}
	/* The pinned programs and maps stay: traffic keeps flowing. */
	log_info("l2tpxd: signal %u, exiting; data plane left in place", si.ssi_signo);
	dp_close(dp);
	close(ep);
	close(sfd);
	return 0;
}
