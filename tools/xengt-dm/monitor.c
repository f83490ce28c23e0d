// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The domain-death monitor of a restricted xengt-dm (see monitor.h).
 *
 * The socket pair carries single bytes.  Monitor to device model:
 * MSG_WATCHING once the watch is set, MSG_OK / MSG_FAIL in answer to
 * MSG_SERVING, MSG_GONE just before the SIGTERM for a dead domain.  Device
 * model to monitor: MSG_SERVING; the end of the device model closes it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "dm_state.h"
#include "log.h"
#include "monitor.h"

enum {
	MSG_WATCHING = 'W',
	MSG_SERVING = 'S',
	MSG_OK = 'K',
	MSG_FAIL = 'F',
	MSG_GONE = 'G'
};

static int watch_domain(uint32_t domid, struct xs_handle **out)
{
	struct xs_handle *xsh = xs_open(0);

	if (!xsh) {
		dm_err("monitor: cannot connect to xenstore: %s",
		       strerror(errno));
		return -1;
	}
	if (!xs_watch(xsh, "@releaseDomain", "release")) {
		dm_err("monitor: cannot watch @releaseDomain: %s",
		       strerror(errno));
		xs_close(xsh);
		return -1;
	}
	if (!xs_is_domain_introduced(xsh, domid)) {
		dm_err("monitor: domain %u does not exist", domid);
		xs_close(xsh);
		return -1;
	}
	*out = xsh;
	return 0;
}

/* Written beside and renamed, so that a reader never sees half of it. */
static bool write_pidfile(const char *path, pid_t pid)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		dm_err("monitor: pid file name too long");
		return false;
	}
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) ||
	    rename(tmp, path)) {
		dm_err("cannot write pid file %s: %s", path, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

/*
 * The domain's device-model record: a failure is logged, never fatal (the
 * guest is served either way).  xengt create and the xengt-qemu hook
 * wrote the rest of it (vgpu, type) before starting us.
 */
static void record_serving(uint32_t domid, const struct dm_monitor_record *rec,
			   pid_t dm)
{
	struct dm_state s;
	int ret;

	dm_state_init(&s);
	snprintf(s.state, sizeof(s.state), "running");
	snprintf(s.path, sizeof(s.path), "%s",
		 rec->standalone ? "standalone" : "dm");
	snprintf(s.bdf, sizeof(s.bdf), "%02x:%02x.%x", rec->sbdf >> 8,
		 (rec->sbdf >> 3) & 31, rec->sbdf & 7);
	s.dm_pid = dm;
	ret = dm_state_write(domid, &s, true);
	if (ret)
		dm_warn("monitor: cannot record domain %u's device model in xenstore (%s/%u/xengt): %s",
			domid, DM_STATE_DIR, domid, strerror(-ret));
}

/*
 * The device model ended.  A dead domain's record goes (libxl removes it
 * with the device-model directory only for a domain that had QEMU), as
 * does a standalone vGPU's; xengt.ko's vGPU stays without a trap path:
 * "detached", unless the record was removed meanwhile (xengt destroy).
 */
static void record_end(uint32_t domid, const struct dm_monitor_record *rec,
		       bool gone)
{
	int ret;

	if (gone || rec->standalone) {
		ret = dm_state_remove(domid);
	} else {
		struct dm_state s;

		dm_state_init(&s);
		snprintf(s.state, sizeof(s.state), "detached");
		ret = dm_state_write(domid, &s, false);
		if (!ret)
			ret = dm_state_remove_key(domid, "dm-pid");
		if (ret == -ENOENT)
			ret = 0;
	}
	if (ret)
		dm_warn("monitor: domain %u: cannot update %s/%u/xengt: %s",
			domid, DM_STATE_DIR, domid, strerror(-ret));
	dm_state_close();
}

static void send_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		dm_warn("monitor: cannot reach the device model: %s",
			strerror(errno));
}

static __attribute__((noreturn)) void
monitor_main(uint32_t domid, int fd, const struct dm_monitor_record *rec)
{
	pid_t dm = getppid();
	char *pidfile = NULL;
	struct xs_handle *xsh;
	bool told = false, serving = false;
	sigset_t none;

	/*
	 * Ctrl-C, SIGHUP and SIGUSR1 (pkill -USR1 xengt-dm reaches this
	 * process too) are the device model's to act on.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (watch_domain(domid, &xsh))
		_exit(1);
	send_byte(fd, MSG_WATCHING);
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = xs_fileno(xsh), .events = POLLIN },
		};
		char **w, c;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents) {
			char path[4096];
			ssize_t n = read(fd, &c, 1);

			if (n <= 0)
				break; /* the device model ended */
			/* MSG_SERVING is followed by the path, NUL-ended. */
			if (c == MSG_SERVING) {
				size_t len = 0;
				bool ended = false;

				/* Stop at the NUL, a short read or a full buffer. */
				while (len < sizeof(path) &&
				       read(fd, &path[len], 1) == 1) {
					if (!path[len]) {
						ended = true;
						break;
					}
					len++;
				}
				if (!ended)
					break; /* torn message: the DM is gone */
				/* Before the OK: whoever waits may unpause. */
				record_serving(domid, rec, dm);
				serving = true;
				if (!len) {
					send_byte(fd, MSG_OK);
					continue;
				}
				free(pidfile);
				pidfile = strdup(path);
				send_byte(fd, pidfile && write_pidfile(pidfile,
								       dm) ?
						      MSG_OK :
						      MSG_FAIL);
			}
			continue;
		}
		if (fds[1].revents & (POLLERR | POLLHUP)) {
			dm_err("monitor: lost xenstore: stopping the device model of domain %u",
			       domid);
			kill(dm, SIGTERM);
			break;
		}
		while ((w = xs_check_watch(xsh)))
			free(w);
		if (!told && !xs_is_domain_introduced(xsh, domid)) {
			dm_info("domain %u is gone: stopping its device model (pid %d)",
				domid, (int)dm);
			send_byte(fd, MSG_GONE);
			kill(dm, SIGTERM);
			told = true;
		}
	}
	/* Wait for the device model's end before the pid file goes. */
	{
		char c;

		while (read(fd, &c, 1) > 0)
			;
	}
	if (serving)
		record_end(domid, rec,
			   told || !xs_is_domain_introduced(xsh, domid));
	if (pidfile && unlink(pidfile) && errno != ENOENT)
		dm_warn("monitor: cannot remove %s: %s", pidfile,
			strerror(errno));
	free(pidfile);
	xs_close(xsh);
	_exit(0);
}

int dm_monitor_start(uint32_t domid, int close_fd,
		     const struct dm_monitor_record *rec, struct dm_monitor *m)
{
	int sv[2], err;
	char c;
	pid_t pid;

	*m = (struct dm_monitor){ .fd = -1 };
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (!pid) {
		close(sv[0]);
		if (close_fd >= 0)
			close(close_fd);
		monitor_main(domid, sv[1], rec);
	}
	close(sv[1]);
	m->pid = pid;
	m->fd = sv[0];
	if (read(m->fd, &c, 1) != 1 || c != MSG_WATCHING) {
		dm_monitor_stop(m);
		return -ESRCH;
	}
	return 0;
}

/* The next answer; a MSG_GONE on the way is remembered. */
static int read_answer(struct dm_monitor *m)
{
	char c;

	while (read(m->fd, &c, 1) == 1) {
		if (c == MSG_GONE)
			m->gone = true;
		else
			return c;
	}
	return -1;
}

int dm_monitor_serving(struct dm_monitor *m, const char *pidfile)
{
	const char *p = pidfile ? pidfile : "";
	char c = MSG_SERVING;

	if (write(m->fd, &c, 1) != 1 ||
	    write(m->fd, p, strlen(p) + 1) != (ssize_t)strlen(p) + 1 ||
	    read_answer(m) != MSG_OK)
		return -EIO;
	return 0;
}

bool dm_monitor_domain_gone(struct dm_monitor *m)
{
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	char c;

	if (m->fd < 0)
		return false;
	/* It is written before the SIGTERM that brought us here. */
	while (!m->gone && poll(&p, 1, 0) == 1 && (p.revents & POLLIN) &&
	       read(m->fd, &c, 1) == 1)
		if (c == MSG_GONE)
			m->gone = true;
	return m->gone;
}

void dm_monitor_stop(struct dm_monitor *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->pid > 0)
		while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR)
			;
	m->pid = 0;
}
