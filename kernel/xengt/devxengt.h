/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/xengt (devxengt.c): xengt-dm's door to the module's vGPUs.
 */
#ifndef XENGT_DEVXENGT_H
#define XENGT_DEVXENGT_H

struct xengt_gvt;

/* Module init, after the GVT is up; exit before it goes. */
int xengt_dev_init(struct xengt_gvt *gvt);
void xengt_dev_fini(void);

#endif /* XENGT_DEVXENGT_H */
