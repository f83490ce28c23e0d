// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * What the admin tools ask of Xen's toolstack (see toolstack.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "toolstack.h"

static libxl_ctx *ctx;
static xentoollog_logger_stdiostream *logger;
static bool ctx_failed;

const char *ts_xl(void)
{
	const char *p = getenv("XENGT_XL");

	return p && *p ? p : "xl";
}

const char *ts_dm(void)
{
	const char *p = getenv("XENGT_DM");

	return p && *p ? p : "xengt-dm";
}

int ts_run(const char *const *argv, char *out, size_t size)
{
	int pipefd[2] = { -1, -1 }, status;
	size_t len = 0;
	pid_t pid;

	if (out && pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return err;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		if (out)
			dup2(pipefd[1], 1);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "xengt: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (out) {
		ssize_t n;

		close(pipefd[1]);
		while ((n = read(pipefd[0], out + len, size - 1 - len)) > 0)
			len += n;
		out[len] = '\0';
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* libxl, opened on first use; quiet unless it fails where it should not. */
static libxl_ctx *toolstack(void)
{
	if (ctx || ctx_failed)
		return ctx;
	logger = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
	if (!logger || libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0,
				       (xentoollog_logger *)logger)) {
		ctx = NULL;
		ctx_failed = true;
	}
	return ctx;
}

int ts_domain_lookup(const char *what, uint32_t *domid)
{
	const char *p = what;
	unsigned long v = 0;

	/* Decimal, as everywhere in Xen's tools: "010" is ten. */
	if (*p) {
		for (; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > 0x7fef)
				return -EINVAL;
		}
		if (!*p) {
			*domid = (uint32_t)v;
			return 0;
		}
	}
	if (!*what || strlen(what) >= TS_NAME_MAX)
		return -EINVAL;
	if (!toolstack())
		return -ENOSYS;
	if (libxl_name_to_domid(ctx, what, domid))
		return -ENOENT;
	return 0;
}

void ts_domain_name(uint32_t domid, char *name, size_t size)
{
	char *n = toolstack() ? libxl_domid_to_name(ctx, domid) : NULL;

	snprintf(name, size, "%s", n ? n : "-");
	free(n);
}

void ts_close(void)
{
	if (ctx)
		libxl_ctx_free(ctx);
	if (logger)
		xtl_logger_destroy((xentoollog_logger *)logger);
	ctx = NULL;
	logger = NULL;
}
