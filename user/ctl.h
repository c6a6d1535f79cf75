/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's control socket: a unix stream socket (mode 0600), one
 * request line per connection, one JSON object back. */
#ifndef L2TPX_CTL_H
#define L2TPX_CTL_H

#include "event.h"
#include "l2tp.h"

struct ctl;

struct ctl *ctl_open(struct ev_loop *loop, const char *path, struct l2tp *l);
void ctl_close(struct ctl *c);
/* The socket's access: mode 0600 (root only) for no group, else 0660 with
 * that group.  Returns 0 or -errno (logged). */
int ctl_set_group(struct ctl *c, const char *group);
/* Requests starting with word go to fn (e.g. "accel show" to the
 * accelerator mode); fn returns the JSON reply. */
struct json_object;
void ctl_set_ext(struct ctl *c, const char *word,
		 struct json_object *(*fn)(void *arg, int argc, char **argv), void *arg);

/* Client side (l2tpxctl): send one request, return the reply (malloc'd,
 * NUL-terminated) or NULL with errno set. */
char *ctl_request(const char *path, const char *req);

#endif
