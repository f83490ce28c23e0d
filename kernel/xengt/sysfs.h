/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/xengt (sysfs.c): the module's admin view of its GVT.
 */
#ifndef XENGT_SYSFS_H
#define XENGT_SYSFS_H

struct xengt_gvt;

/* Module init, after the GVT is up.  Returns 0 or -errno. */
int xengt_sysfs_init(struct xengt_gvt *gvt);
/* Module exit: destroys every vGPU created through sysfs. */
void xengt_sysfs_fini(void);

#endif /* XENGT_SYSFS_H */
