/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's single event loop: epoll for descriptors, one timerfd for a
 * heap of timers (no descriptor per tunnel or session), CLOCK_MONOTONIC in
 * milliseconds, with an injectable clock for tests. */
#ifndef L2TPX_EVENT_H
#define L2TPX_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct ev_loop;
struct ev_timer;

typedef void (*ev_fd_cb)(struct ev_loop *loop, int fd, uint32_t events, void *arg);
typedef void (*ev_timer_cb)(struct ev_loop *loop, struct ev_timer *t, void *arg);

/* Embedded in the object that owns it (tunnel, session, ...). */
struct ev_timer {
	uint64_t deadline;	/* ms, loop clock */
	ev_timer_cb cb;
	void *arg;
	uint32_t idx;		/* heap position + 1; 0 = not armed */
};

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *loop);

/* Tests replace the clock; NULL restores CLOCK_MONOTONIC. */
void ev_set_clock(struct ev_loop *loop, uint64_t (*now_ms)(void *), void *arg);
uint64_t ev_now(struct ev_loop *loop);

int ev_fd_add(struct ev_loop *loop, int fd, uint32_t events, ev_fd_cb cb, void *arg);
int ev_fd_del(struct ev_loop *loop, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg);
/* (Re)arm to fire delay_ms from now; disarm; is it armed? */
int ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ms);
void ev_timer_disarm(struct ev_loop *loop, struct ev_timer *t);
static inline bool ev_timer_armed(const struct ev_timer *t)
{
	return t->idx != 0;
}

/* Fire every timer whose deadline is <= now; returns how many fired. */
int ev_run_timers(struct ev_loop *loop);
/* One round: wait for descriptors (up to timeout_ms, -1 = until the next
 * timer), dispatch them, run due timers.  Returns <0 on error. */
int ev_run_once(struct ev_loop *loop, int timeout_ms);
/* Until ev_break(). */
int ev_run(struct ev_loop *loop);
void ev_break(struct ev_loop *loop);
unsigned int ev_timer_count(const struct ev_loop *loop);

#endif
