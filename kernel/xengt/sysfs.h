/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/xengt (sysfs.c): the module's admin view of its GVT.
 */
#ifndef XENGT_SYSFS_H
#define XENGT_SYSFS_H

#include <linux/types.h>

struct xengt_gvt;

/* Module init, after the GVT is up.  Returns 0 or -errno. */
int xengt_sysfs_init(struct xengt_gvt *gvt);
/* Module exit: destroys every vGPU created through sysfs. */
void xengt_sysfs_fini(void);
/* Domain @domid died (its trap path is gone): destroy its vGPU.  Sleeps. */
void xengt_sysfs_domain_dead(u16 domid);

#endif /* XENGT_SYSFS_H */
