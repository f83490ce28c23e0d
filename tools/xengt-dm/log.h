/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Device-model logging: stderr in the foreground, syslog as a daemon; the
 * GVT core's own messages (os_log) are routed the same way.
 */
#ifndef XENGT_DM_LOG_H
#define XENGT_DM_LOG_H

#include <stdbool.h>
#include <syslog.h>

void dm_log_init(const char *ident, bool use_syslog, bool verbose);
/*
 * A daemon on a host with no syslog socket (/dev/log) logs to @path
 * (appended) instead of nowhere.  After dm_log_init(), before chroot.
 */
void dm_log_fallback(const char *path);
/* The last error logged (for the start-up report), "" if none. */
const char *dm_log_last_error(void);
void dm_log(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define dm_err(...) dm_log(LOG_ERR, __VA_ARGS__)
#define dm_warn(...) dm_log(LOG_WARNING, __VA_ARGS__)
#define dm_info(...) dm_log(LOG_INFO, __VA_ARGS__)
#define dm_dbg(...) dm_log(LOG_DEBUG, __VA_ARGS__)

#endif /* XENGT_DM_LOG_H */
