/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The domain-death monitor of a restricted xengt-dm.  Restricted, the
 * device model has no xenstore connection (ioreq_server_restrict()), so it
 * cannot see @releaseDomain; yet it must learn of its domain's death, or
 * its foreign mappings keep the dead domain's memory alive.  A small
 * process forked before any Xen handle is opened does that for it: it
 * keeps its own xenstore connection, never talks to the guest, and when
 * the domain is gone tells the device model so and sends it SIGTERM.  It
 * also owns the pid file, which a device model in a chroot or without
 * root can neither create nor remove: it writes it (atomically) when the
 * device model says it serves, and removes it when the device model ends
 * (its end of a socket pair closes, even on SIGKILL).
 *
 * Called from xengt-dm's main thread only.
 */
#ifndef XENGT_DM_MONITOR_H
#define XENGT_DM_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * What the monitor records in xenstore for the domain (its device-model
 * record, tools/xl-plugin/dm_state.h): xengt-dm's pid and "running" when
 * it serves; when it ends, "detached" while the domain lives (xengt.ko's
 * vGPU stays), or no record at all (a standalone vGPU ended with
 * xengt-dm, or the domain is gone).
 */
struct dm_monitor_record {
	uint32_t sbdf;
	bool standalone;
};

struct dm_monitor {
	pid_t pid; /* 0: none */
	int fd;
	bool gone; /* the monitor said the domain died */
};

/*
 * Start the monitor for @domid; it closes @close_fd (the start-up report
 * pipe, which must see EOF when the device model closes it).  Returns
 * once it watches, 0, or -errno with the reason logged (no xenstore, no
 * such domain).
 */
int dm_monitor_start(uint32_t domid, int close_fd,
		     const struct dm_monitor_record *rec, struct dm_monitor *m);

/*
 * The device model serves: the monitor writes its pid to @pidfile
 * (absolute; NULL: none) and will remove it at the end, and records it in
 * xenstore (struct dm_monitor_record).  Returns 0, or -EIO with the
 * reason logged by the monitor.
 */
int dm_monitor_serving(struct dm_monitor *m, const char *pidfile);

/*
 * Whether the monitor saw the domain die (then its SIGTERM is why the
 * device model stops, and teardown errors are expected).
 */
bool dm_monitor_domain_gone(struct dm_monitor *m);

/* Let the monitor end and reap it.  Safe on a monitor never started. */
void dm_monitor_stop(struct dm_monitor *m);

#endif
