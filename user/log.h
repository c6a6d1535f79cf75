/* SPDX-License-Identifier: GPL-2.0 */
/* Logging with few verbs, to stderr in the foreground or syslog when
 * daemonised; libbpf's and libxdp's messages come through one level down. */
#ifndef L2TPX_LOG_H
#define L2TPX_LOG_H

#include <stdarg.h>
#include <syslog.h>

void log_init(const char *ident, int foreground, int level);
void log_set_level(int level);
/* From now on to syslog (LOG_DAEMON), also in the foreground. */
void log_use_syslog(void);
/* "err", "warning", "notice", "info", "debug" into LOG_*, or -1. */
int log_level_parse(const char *s);
void log_msg(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
