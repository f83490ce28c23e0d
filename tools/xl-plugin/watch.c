// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * `xengt watch` (see watch.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libxl.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "dm_state.h"
#include "watch.h"
#include "xengt_sysfs.h"

/*
 * The xenstore records (dm_state.h) of dead domains: libxl removes a
 * domain's device-model directory only when it had a device model, and
 * a vGPU the module freed by itself leaves its record behind.
 */
static void sweep_records(int (*exists)(uint32_t domid, void *arg), void *arg)
{
	uint32_t domids[XSYS_MAX_VGPUS];
	int n = dm_state_domains(domids, XSYS_MAX_VGPUS);

	for (int i = 0; i < n; i++) {
		int ret;

		if (exists(domids[i], arg) != 0)
			continue;
		ret = dm_state_remove(domids[i]);
		if (ret)
			syslog(LOG_ERR,
			       "dead domain %u: cannot remove %s/%u/xengt: %s",
			       domids[i], DM_STATE_DIR, domids[i],
			       strerror(-ret));
		else
			syslog(LOG_INFO, "dead domain %u: %s/%u/xengt removed",
			       domids[i], DM_STATE_DIR, domids[i]);
	}
}

int xengt_sweep(int (*exists)(uint32_t domid, void *arg), void *arg)
{
	struct xsys_vgpu v[XSYS_MAX_VGPUS];
	int n, freed = 0;

	sweep_records(exists, arg);
	n = xsys_vgpus(v, XSYS_MAX_VGPUS);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int alive = exists(v[i].domid, arg), ret;

		if (alive != 0)
			continue; /* alive, or unknown: never guess */
		ret = xsys_destroy(v[i].domid);
		if (ret && ret != -ENOENT) {
			syslog(LOG_ERR,
			       "vGPU %u of dead domain %u: cannot free it: %s",
			       v[i].id, v[i].domid, strerror(-ret));
			continue;
		}
		syslog(LOG_INFO, "vGPU %u of dead domain %u freed", v[i].id,
		       v[i].domid);
		freed++;
	}
	return freed;
}

/* 1 alive, 0 gone, -errno unknown. */
static int libxl_exists(uint32_t domid, void *arg)
{
	libxl_dominfo info;
	int ret;

	libxl_dominfo_init(&info);
	ret = libxl_domain_info(arg, &info, domid);
	libxl_dominfo_dispose(&info);
	if (ret == ERROR_DOMAIN_NOTFOUND)
		return 0;
	return ret ? -EIO : 1;
}

int xengt_watch(bool once)
{
	xentoollog_logger_stdiostream *log;
	struct xs_handle *xs = NULL;
	libxl_ctx *ctx = NULL;
	int ret = 0;

	openlog("xengt-watch", LOG_PID | (once ? LOG_PERROR : 0), LOG_DAEMON);
	log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (!log ||
	    libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)log)) {
		syslog(LOG_ERR, "no libxl: not a Xen dom0?");
		ret = -ENODEV;
		goto out;
	}
	if (!once) {
		xs = xs_open(0);
		if (!xs || !xs_watch(xs, "@releaseDomain", "xengt")) {
			syslog(LOG_ERR, "cannot watch @releaseDomain: %s",
			       strerror(errno));
			ret = -errno;
			goto out;
		}
	}
	for (;;) {
		unsigned int n;
		char **ev;

		ret = xengt_sweep(libxl_exists, ctx);
		if (ret < 0) {
			syslog(LOG_ERR, "%s: %s (is xengt.ko loaded?)",
			       xsys_root(), strerror(-ret));
			if (once)
				break;
		}
		if (once)
			break;
		/* Blocks until a domain is released (or the watch fires). */
		ev = xs_read_watch(xs, &n);
		if (!ev) {
			ret = -errno;
			syslog(LOG_ERR, "xenstore watch lost: %s",
			       strerror(errno));
			break;
		}
		free(ev);
	}
out:
	if (xs)
		xs_close(xs);
	if (ctx)
		libxl_ctx_free(ctx);
	if (log)
		xtl_logger_destroy((xentoollog_logger *)log);
	closelog();
	return ret < 0 ? ret : 0;
}
