/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A vGPU's device-model record in xenstore, where Xen's toolstack keeps
 * a domain's device-model state (docs/ABI/xenstore-xengt):
 *
 *   /local/domain/0/device-model/DOMID/xengt/
 *       state   attaching | running | detached
 *       path    kernel | dm | standalone   (who serves the traps)
 *       bdf     BB:DD.F                    (where the guest sees the vGPU)
 *       vgpu    the vGPU's id in /sys/kernel/xengt   (not standalone)
 *       type    its type, or "custom"                (when known)
 *       dm-pid  xengt-dm's pid                        (path dm, standalone)
 *
 * libxl makes /local/domain/0/device-model/DOMID for a domain with a
 * device model (QEMU writes its own "state" there) and removes the whole
 * directory when it destroys such a domain.  A PVH guest without QEMU has
 * no such directory: the record's writer makes it, and `xengt destroy`,
 * `xengt watch` and xengt-dm's monitor remove it again.
 *
 * $XENGT_XENSTORE=DIR keeps the keys as files under DIR instead (a test
 * stand-in, as $XENGT_SYSFS is for /sys/kernel/xengt).  Not thread-safe.
 */
#ifndef XENGT_DM_STATE_H
#define XENGT_DM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#define DM_STATE_DIR "/local/domain/0/device-model"

struct dm_state {
	char state[16]; /* "" : leave as it is */
	char path[16];
	char bdf[16];
	char type[64];
	int64_t vgpu; /* < 0: none */
	int64_t dm_pid; /* < 0: none */
};

/* An empty record (nothing to write). */
void dm_state_init(struct dm_state *s);

/*
 * Write the keys @s gives (non-empty strings, ids >= 0) for @domid, in
 * one transaction.  @create: make the record if there is none; else only
 * update an existing one (-ENOENT when there is none: its domain's
 * record was removed, e.g. by `xengt destroy`, and must stay removed).
 * 0 or -errno.
 */
int dm_state_write(uint32_t domid, const struct dm_state *s, bool create);

/* Remove one key of the record (e.g. "dm-pid"); 0 if it was not there. */
int dm_state_remove_key(uint32_t domid, const char *key);

/* Read the record of @domid: 0, -ENOENT (none), -errno. */
int dm_state_read(uint32_t domid, struct dm_state *s);

/*
 * Remove the record of @domid, and DOMID's device-model directory too if
 * nothing else is left in it.  0 (also when there was none) or -errno.
 */
int dm_state_remove(uint32_t domid);

/* The domains that have a record, into @out (up to @max): how many, -errno. */
int dm_state_domains(uint32_t *out, int max);

/* Close the connection (the next call opens another). */
void dm_state_close(void);

#endif /* XENGT_DM_STATE_H */
