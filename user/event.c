// SPDX-License-Identifier: GPL-2.0
/* Event loop: epoll + a binary heap of timers behind one timerfd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "log.h"

struct ev_fd {
	int fd;
	ev_fd_cb cb;
	void *arg;
};

struct ev_loop {
	int epfd;
	int tfd;
	struct ev_timer **heap;
	uint32_t nheap, capheap;
	struct ev_fd *fds;	/* indexed by descriptor number */
	int nfds;
	uint64_t (*now)(void *);
	void *now_arg;
	uint64_t armed_at;	/* what the timerfd is set to; 0 = disarmed */
	bool stop;
};

static uint64_t mono_ms(void *arg)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t ev_now(struct ev_loop *loop)
{
	return loop->now(loop->now_arg);
}

void ev_set_clock(struct ev_loop *loop, uint64_t (*now_ms)(void *), void *arg)
{
	loop->now = now_ms ? now_ms : mono_ms;
	loop->now_arg = arg;
}

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->now = mono_ms;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (loop->epfd < 0 || loop->tfd < 0) {
		ev_loop_free(loop);
		return NULL;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = loop->tfd };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->tfd, &ev)) {
		ev_loop_free(loop);
		return NULL;
	}
	return loop;
}

void ev_loop_free(struct ev_loop *loop)
{
	if (!loop)
		return;
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->tfd >= 0)
		close(loop->tfd);
	free(loop->heap);
	free(loop->fds);
	free(loop);
}

int ev_fd_add(struct ev_loop *loop, int fd, uint32_t events, ev_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (fd < 0)
		return -EBADF;
	if (fd >= loop->nfds) {
		int n = fd + 16;
		struct ev_fd *nf = realloc(loop->fds, n * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		memset(nf + loop->nfds, 0, (n - loop->nfds) * sizeof(*nf));
		loop->fds = nf;
		loop->nfds = n;
	}
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	loop->fds[fd] = (struct ev_fd){ .fd = fd, .cb = cb, .arg = arg };
	return 0;
}

int ev_fd_del(struct ev_loop *loop, int fd)
{
	if (fd < 0 || fd >= loop->nfds || !loop->fds[fd].cb)
		return -ENOENT;
	loop->fds[fd].cb = NULL;
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) ? -errno : 0;
}

/* ---- timer heap (1-based positions kept in each timer) ---- */

static void heap_set(struct ev_loop *loop, uint32_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->idx = i + 1;
}

static void heap_up(struct ev_loop *loop, uint32_t i)
{
	struct ev_timer *t = loop->heap[i];

	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (loop->heap[p]->deadline <= t->deadline)
			break;
		heap_set(loop, i, loop->heap[p]);
		i = p;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct ev_loop *loop, uint32_t i)
{
	struct ev_timer *t = loop->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= loop->nheap)
			break;
		if (c + 1 < loop->nheap && loop->heap[c + 1]->deadline < loop->heap[c]->deadline)
			c++;
		if (t->deadline <= loop->heap[c]->deadline)
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

static void timerfd_sync(struct ev_loop *loop)
{
	struct itimerspec its = { 0 };
	uint64_t dl = loop->nheap ? loop->heap[0]->deadline : 0;

	if (dl == loop->armed_at)
		return;
	loop->armed_at = dl;
	if (dl) {
		/* Absolute on the loop clock: with the real clock the same as
		 * CLOCK_MONOTONIC; a test clock never reaches here. */
		its.it_value.tv_sec = dl / 1000;
		its.it_value.tv_nsec = (dl % 1000) * 1000000 + 1;
	}
	timerfd_settime(loop->tfd, dl ? TFD_TIMER_ABSTIME : 0, &its, NULL);
}

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

int ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ms)
{
	uint64_t dl = ev_now(loop) + delay_ms;

	if (!dl)
		dl = 1;
	if (t->idx) {
		uint32_t i = t->idx - 1;
		uint64_t old = t->deadline;

		t->deadline = dl;
		if (dl < old)
			heap_up(loop, i);
		else
			heap_down(loop, i);
	} else {
		if (loop->nheap == loop->capheap) {
			uint32_t n = loop->capheap ? loop->capheap * 2 : 64;
			struct ev_timer **nh = realloc(loop->heap, n * sizeof(*nh));

			if (!nh)
				return -ENOMEM;
			loop->heap = nh;
			loop->capheap = n;
		}
		t->deadline = dl;
		loop->heap[loop->nheap] = t;
		heap_up(loop, loop->nheap++);
	}
	timerfd_sync(loop);
	return 0;
}

void ev_timer_disarm(struct ev_loop *loop, struct ev_timer *t)
{
	uint32_t i;
	struct ev_timer *last;

	if (!t->idx)
		return;
	i = t->idx - 1;
	t->idx = 0;
	last = loop->heap[--loop->nheap];
	if (i < loop->nheap) {
		loop->heap[i] = last;
		last->idx = i + 1;
		heap_down(loop, i);
		heap_up(loop, last->idx - 1);
	}
	timerfd_sync(loop);
}

unsigned int ev_timer_count(const struct ev_loop *loop)
{
	return loop->nheap;
}

int ev_run_timers(struct ev_loop *loop)
{
	uint64_t now = ev_now(loop);
	int n = 0;

	/* A callback may arm or disarm any timer, itself included. */
	while (loop->nheap && loop->heap[0]->deadline <= now) {
		struct ev_timer *t = loop->heap[0];

		ev_timer_disarm(loop, t);
		t->cb(loop, t, t->arg);
		n++;
	}
	timerfd_sync(loop);
	return n;
}

int ev_run_once(struct ev_loop *loop, int timeout_ms)
{
	struct epoll_event evs[64];
	int n, i;

	n = epoll_wait(loop->epfd, evs, 64, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		int fd = evs[i].data.fd;

		if (fd == loop->tfd) {
			uint64_t exp;

			if (read(loop->tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
				log_warn("timerfd read");
			loop->armed_at = 0;
			continue;
		}
		if (fd < loop->nfds && loop->fds[fd].cb)
			loop->fds[fd].cb(loop, fd, evs[i].events, loop->fds[fd].arg);
	}
	ev_run_timers(loop);
	return 0;
}

int ev_run(struct ev_loop *loop)
{
	int err = 0;

	loop->stop = false;
	while (!loop->stop && !err)
		err = ev_run_once(loop, -1);
	return err;
}

void ev_break(struct ev_loop *loop)
{
	loop->stop = true;
}
