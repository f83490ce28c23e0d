// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "os.h"

static const char *log_ident = "xengt-dm";
static bool log_syslog;
static bool log_verbose;
static FILE *log_file; /* no syslog socket: here instead */
static char last_error[256];

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

void dm_log_fallback(const char *path)
{
	struct stat st;
	int fd;

	/* syslog(3) drops messages silently when nobody listens. */
	if (!log_syslog || (!stat("/dev/log", &st) && S_ISSOCK(st.st_mode)))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	log_file = fdopen(fd, "a");
	if (!log_file) {
		close(fd);
		return;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
}

const char *dm_log_last_error(void)
{
	return last_error;
}

void dm_log(int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_DEBUG && !log_verbose)
		return;
	if (priority <= LOG_ERR) {
		va_start(ap, fmt);
		vsnprintf(last_error, sizeof(last_error), fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	if (log_file) {
		char when[32];
		time_t now = time(NULL);
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime_r(&now, &tm));
		fprintf(log_file, "%s %s[%d]: ", when, log_ident,
			(int)getpid());
		vfprintf(log_file, fmt, ap);
		fputc('\n', log_file);
	} else if (log_syslog) {
		vsyslog(priority, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
