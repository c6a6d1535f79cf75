// SPDX-License-Identifier: GPL-2.0
/* The logger: level filter, stderr or syslog, strerror for log_warn. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "log.h"

static int log_fg = 1;
static int log_level = LOG_INFO;
static const char *log_ident = "l2tpx";
static int log_errs_stderr;	/* syslog chosen in the foreground: errors on stderr too */

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "err", LOG_ERR },	  { "error", LOG_ERR },	  { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING },  { "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

void log_init(const char *ident, int foreground, int level)
{
	log_ident = ident;
	log_fg = foreground;
	log_level = level;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int level)
{
	log_level = level;
}

void log_use_syslog(void)
{
	if (log_fg)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_errs_stderr = log_fg;
	log_fg = 0;
}

int log_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcasecmp(s, level_names[i].name))
			return level_names[i].level;
	return -1;
}

static void vlog(int pri, const char *fmt, va_list ap)
{
	if (pri > log_level)
		return;
	if (log_fg) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	if (log_errs_stderr && pri <= LOG_ERR) {
		va_list copy;

		va_copy(copy, ap);
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, copy);
		fputc('\n', stderr);
		va_end(copy);
	}
	vsyslog(pri, fmt, ap);
}

void log_msg(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

static void vlog_errno(int pri, int err, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_msg(pri, "%s: %s", buf, strerror(err));
}

void log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
