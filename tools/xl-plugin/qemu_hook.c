// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-qemu: the device-model hook that lets plain `xl create` (and a
 * guest's reboot, which xl does by creating the domain again) give an HVM
 * guest its vGPU.  In the domain's configuration:
 *
 *   device_model_override = "/usr/libexec/xengt/xengt-qemu"
 *   device_model_args_hvm = [ "-xengt-config", "/etc/xen/guest.cfg" ]
 *   vga = "none"
 *   vgt = 1 ...                                      (xengt.cfg(5))
 *
 * libxl starts it in place of QEMU, with QEMU's arguments, while the new
 * domain is paused.  xl keeps no copy of the configuration's text (libxl
 * stores only what it parsed, which has no vgt keys), so the
 * configuration names its own file; the hook reads the vgt keys there
 * with xl's parser, as `xengt create` does.  It holds the domain paused
 * once more (Xen counts a controller's pauses, so xl's unpause leaves it
 * paused), forks, and becomes the stock QEMU without its own two
 * arguments (same pid: libxl's bookkeeping of its device model stays
 * right).  The child creates the vGPU and its trap path and only then
 * releases its pause.  If anything fails the domain is destroyed: a
 * guest that asked for a vGPU never boots without one.
 *
 * $XENGT_QEMU names the device model to become (default: Debian's
 * /usr/libexec/xen-qemu-system-i386).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "create.h"
#include "vgt_config.h"
#include "xengt_sysfs.h"

#define DEFAULT_QEMU "/usr/libexec/xen-qemu-system-i386"

static void note(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* To the journal/syslog and to stderr (libxl keeps it in qemu-dm-NAME.log). */
static void note(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	fputs("xengt-qemu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int find_domid(int argc, char **argv, uint32_t *domid)
{
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-xen-domid"))
			continue;
		char *end;
		unsigned long v = strtoul(argv[i + 1], &end, 10);

		if (end == argv[i + 1] || *end || !v || v > 0x7fef)
			return -EINVAL;
		*domid = (uint32_t)v;
		return 0;
	}
	return -ENOENT;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

/* The types the module offers, for checking vgt_type. */
static int module_types(const char **names, struct xsys_type *types)
{
	int n = xsys_types(types, XSYS_MAX_TYPES);

	if (n <= 0)
		return n ? n : -ENOENT;
	for (int i = 0; i < n; i++)
		names[i] = types[i].name;
	names[n] = NULL;
	return n;
}

/*
 * The child's work: 0 when the domain may run (with its vGPU, or its
 * configuration asks for none), -1 when it must not.
 */
static int give_vgpu(uint32_t domid, const char *cfg)
{
	struct xsys_type types[XSYS_MAX_TYPES];
	const char *names[XSYS_MAX_TYPES + 1];
	struct vgt_config c;
	uint32_t vgpu_id;
	int waited, ret;

	if (!cfg) {
		note(LOG_ERR,
		     "domain %u: no -xengt-config in device_model_args_hvm: which configuration's vgt keys?",
		     domid);
		return -1;
	}
	ret = module_types(names, types);
	if (ret < 0) {
		/* Without the module only a guest that asks for nothing runs. */
		names[0] = "-";
		names[1] = NULL;
	}
	if (vgt_config_read(cfg, names, &c, stderr)) {
		note(LOG_ERR,
		     "domain %u: %s: its vgt keys are wrong (see above)", domid,
		     cfg);
		return -1;
	}
	if (!c.enabled)
		return 0;
	if (ret < 0) {
		note(LOG_ERR,
		     "domain %u asks for a vGPU but xengt.ko is not loaded",
		     domid);
		return -1;
	}
	/*
	 * After a reboot the old domain's vGPU may still be going away:
	 * give the module a few seconds before "does not fit" is final.
	 */
	for (waited = 0;; waited += 250) {
		ret = xengt_vgpu_up(&c, domid, &vgpu_id);
		if (ret != XE_NOSPACE || waited >= 10000)
			break;
		sleep_ms(250);
	}
	if (ret) {
		note(LOG_ERR, "domain %u (%s): no vGPU (status %d)", domid,
		     c.name, ret);
		return -1;
	}
	note(LOG_INFO, "domain %u (%s): vGPU %u, traps served by %s", domid,
	     c.name, vgpu_id, vgt_path_name(c.path));
	return 0;
}

/* Every descriptor but the standard ones. */
static void close_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

/* The child's part: the vGPU, then the pause released (or no domain). */
static void child(uint32_t domid, const char *cfg)
{
	xentoollog_logger_stdiostream *log;
	libxl_ctx *ctx = NULL;
	xc_interface *xch;

	/* Handles of its own: the parent's went with its exec. */
	log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	if (!log || !xch ||
	    libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)log)) {
		note(LOG_ERR, "domain %u: no libxl: it stays paused", domid);
		goto out;
	}
	if (give_vgpu(domid, cfg)) {
		note(LOG_ERR,
		     "domain %u: destroyed: it asked for a vGPU it cannot have",
		     domid);
		libxl_domain_destroy(ctx, domid, NULL);
	} else if (xc_domain_unpause(xch, domid)) {
		note(LOG_ERR, "domain %u: cannot release its pause: %s", domid,
		     strerror(errno));
	}
out:
	if (ctx)
		libxl_ctx_free(ctx);
	if (xch)
		xc_interface_close(xch);
	if (log)
		xtl_logger_destroy((xentoollog_logger *)log);
}

int main(int argc, char **argv)
{
	const char *qemu = getenv("XENGT_QEMU"), *cfg = NULL;
	xc_interface *xch;
	uint32_t domid;
	pid_t pid;

	openlog("xengt-qemu", LOG_PID, LOG_DAEMON);
	if (!qemu || !*qemu)
		qemu = DEFAULT_QEMU;
	/* Ours, not QEMU's: take -xengt-config PATH out of its arguments. */
	{
		int i, j = 1;

		for (i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "-xengt-config") && i + 1 < argc) {
				cfg = argv[++i];
				continue;
			}
			argv[j++] = argv[i];
		}
		argv[j] = NULL;
		argc = j;
	}
	if (find_domid(argc, argv, &domid)) {
		/* Not started by libxl for a domain: only be QEMU. */
		execv(qemu, argv);
		note(LOG_ERR, "cannot run %s: %s", qemu, strerror(errno));
		return 1;
	}
	/*
	 * Xen's own pause, not libxl's: libxl would also stop the device
	 * model over QMP, and the device model is us, not running yet.
	 */
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch || xc_domain_pause(xch, domid)) {
		note(LOG_ERR, "domain %u: cannot hold it paused: %s", domid,
		     strerror(errno));
		return 1;
	}
	xc_interface_close(xch);
	pid = fork();
	if (pid < 0) {
		/* Held paused by us for good: never boots without a vGPU. */
		note(LOG_ERR, "domain %u: fork: %s: it stays paused", domid,
		     strerror(errno));
	} else if (pid == 0) {
		/*
		 * Out of QEMU's session (libxl kills its device model, not
		 * us), and without the descriptors libxl's process left to
		 * its device model: we never exec, so even its close-on-exec
		 * ones (lock files among them) would stay open here.
		 */
		setsid();
		close_inherited();
		child(domid, cfg);
		return 0;
	}
	/* The device model libxl started. */
	execv(qemu, argv);
	note(LOG_ERR, "cannot run %s: %s", qemu, strerror(errno));
	return 1;
}
