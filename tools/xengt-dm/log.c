// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "os.h"

static const char *log_ident = "xengt-dm";
static bool log_syslog;
static bool log_verbose;

static void core_log_hook(enum os_log_level level, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	dm_log(prio[level], "%s", msg);
}

void dm_log_init(const char *ident, bool use_syslog, bool verbose)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_verbose = verbose;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
	os_log_hook = core_log_hook;
	os_log_threshold = OS_LOG_SILENT; /* the hook prints */
}

void dm_log(int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(priority, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
