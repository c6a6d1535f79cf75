/* SPDX-License-Identifier: GPL-2.0 */
/* l2tpxd's HTTP listener for Prometheus scrapes (metrics_listen). */
#ifndef L2TPX_METRICS_HTTP_H
#define L2TPX_METRICS_HTTP_H

#include <stdint.h>
#include "event.h"
#include "l2tpx.h"
#include "metrics.h"

struct metrics_http;

/* Fill out with the exposition; 0 or -errno. */
typedef int (*metrics_render_fn)(struct mbuf *out, void *arg);

/* Listen on addr:port (IPv4 v4-mapped) from the loop; NULL on failure
 * (logged). */
struct metrics_http *metrics_http_open(struct ev_loop *loop, const struct l2tpx_addr *addr,
				       uint16_t port, metrics_render_fn render, void *arg);
void metrics_http_close(struct metrics_http *h);

#endif
