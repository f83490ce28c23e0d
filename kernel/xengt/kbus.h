/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The software GPU's memory inside xengt.ko (kbus.c).
 *
 * The GPU reaches memory by frame number, as a real GPU without an IOMMU
 * reaches it by machine address: under Xen the machine frame (our own
 * pages and the guest frames hv/xen-kernel.c maps), on bare metal the
 * page frame.  One table for the whole host, so that every vGPU of the
 * one GVT sees the same memory and the GPU's foreign-access counter can
 * tell whose frame an access touched.
 */
#ifndef XENGT_KBUS_H
#define XENGT_KBUS_H

#include <linux/types.h>

struct sim_bus;

/* One frame the GPU may reach; owned (and kept mapped) by whoever adds it. */
struct kbus_frame {
	void *va; /* the page, mapped in the kernel */
	u16 owner; /* domid, or SIM_OWNER_HOST */
};

/* Module init/exit; fini reports (WARN) frames still present. */
void kbus_init(void);
void kbus_fini(void);
struct sim_bus *kbus_bus(void);
/*
 * Make frame @frame reachable as @f (which stays valid until removed).
 * -EBUSY if the frame is already present.  Process context, may sleep.
 */
int kbus_add(u64 frame, struct kbus_frame *f);
/*
 * Take @frame away.  The caller makes sure the GPU does not execute work
 * that reaches it (the vGPU is detached, or the scheduler is paused).
 */
void kbus_del(u64 frame);

#endif /* XENGT_KBUS_H */
