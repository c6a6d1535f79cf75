// SPDX-License-Identifier: GPL-2.0
/* l2tpxd's optional HTTP listener for Prometheus: GET /metrics only, served
 * by libmicrohttpd driven from the daemon's event loop (its epoll descriptor
 * in ours, no thread), with bounded connections, request size and idle time
 * so that no client can wedge the daemon. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <microhttpd.h>

#include "log.h"
#include "metrics_http.h"

/* Bounds: more idle clients than a few scrapers ever need; a request
 * (line and headers) must fit in the per-connection memory; a silent
 * connection is closed after the timeout. */
#define HTTP_MAX_CONNS		512
#define HTTP_CONN_MEMORY	(16 * 1024)
#define HTTP_IDLE_S		10
#define HTTP_TICK_MS		1000

struct metrics_http {
	struct ev_loop *loop;
	struct MHD_Daemon *mhd;
	int epfd;
	struct ev_timer timer;
	metrics_render_fn render;
	void *arg;
	uint64_t requests, not_found;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	static char not_found[] = "not found: only GET /metrics is served here\n";
	static char not_allowed[] = "method not allowed: use GET /metrics\n";
	static char failed[] = "out of memory while formatting the metrics\n";
	struct metrics_http *h = cls;
	struct mbuf b = { 0 };

	h->requests++;
	if (strcmp(url, "/metrics")) {
		h->not_found++;
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
			     sizeof(not_allowed) - 1, MHD_RESPMEM_PERSISTENT);
	if (h->render(&b, h->arg) || b.oom) {
		mbuf_free(&b);
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", failed,
			     sizeof(failed) - 1, MHD_RESPMEM_PERSISTENT);
	}
	return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len,
		     MHD_RESPMEM_MUST_FREE);
}

static void mhd_log(void *arg, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("metrics http: %s", buf);
}

/* Let libmicrohttpd do what is due, then wake again when it asks to (its
 * connection timeouts) or after a tick at the latest. */
static void run(struct metrics_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms = HTTP_TICK_MS;

	MHD_run(h->mhd);
	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES || ms > HTTP_TICK_MS)
		ms = HTTP_TICK_MS;
	ev_timer_arm(h->loop, &h->timer, ms);
}

static void readable(struct ev_loop *loop, int fd, uint32_t events, void *arg)
{
	run(arg);
}

static void tick(struct ev_loop *loop, struct ev_timer *t, void *arg)
{
	run(arg);
}

struct metrics_http *metrics_http_open(struct ev_loop *loop, const struct l2tpx_addr *addr,
				       uint16_t port, metrics_render_fn render, void *arg)
{
	static const __u8 v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sockaddr_storage ss = { 0 };
	const union MHD_DaemonInfo *info;
	struct metrics_http *h;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (!memcmp(addr->a8, v4mapped, 12)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, &addr->a8[12], 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->a8, 16);
		flags |= MHD_USE_IPv6;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->loop = loop;
	h->render = render;
	h->arg = arg;
	h->epfd = -1;
	ev_timer_init(&h->timer, tick, h);
	/* The logger first: MHD reports on the options after it. */
	h->mhd = MHD_start_daemon(flags, port, NULL, NULL, handle, h,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_MAX_CONNS,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_S,
				  MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
				  MHD_OPTION_END);
	if (!h->mhd) {
		log_warnx("metrics_listen: cannot listen on port %u (in use, or no such address "
			  "here?)", port);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->epfd = info ? info->epoll_fd : -1;
	if (h->epfd < 0 || ev_fd_add(loop, h->epfd, EPOLLIN, readable, h)) {
		log_warnx("metrics_listen: cannot watch the HTTP listener");
		MHD_stop_daemon(h->mhd);
		free(h);
		return NULL;
	}
	ev_timer_arm(loop, &h->timer, HTTP_TICK_MS);
	return h;
}

void metrics_http_close(struct metrics_http *h)
{
	if (!h)
		return;
	ev_timer_disarm(h->loop, &h->timer);
	ev_fd_del(h->loop, h->epfd);
	MHD_stop_daemon(h->mhd);
	free(h);
}
