/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * `xengt watch`: frees the vGPUs of domains that are gone.  xengt.ko
 * destroys a vGPU itself when the domain of an attached trap path dies;
 * a vGPU that never got a trap path (a create that died half-way, a
 * domain destroyed before its device model ran) is this watcher's to
 * free.  It sweeps at start and on every xenstore @releaseDomain; the
 * same sweep removes dead domains' records under
 * /local/domain/0/device-model (dm_state.h).
 */
#ifndef XENGT_WATCH_H
#define XENGT_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Destroy every vGPU whose domain @exists() says is gone (-errno from
 * @exists: unknown, kept), and remove such domains' xenstore records
 * (dm_state.h).  Returns how many vGPUs were freed, or -errno if
 * /sys/kernel/xengt cannot be read.  Messages through syslog.
 */
int xengt_sweep(int (*exists)(uint32_t domid, void *arg), void *arg);

/* The command: sweep, then (unless @once) sweep on each @releaseDomain. */
int xengt_watch(bool once);

#endif /* XENGT_WATCH_H */
