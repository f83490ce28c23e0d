/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * /dev/xengt: how xengt-dm serves a guest's traps for a vGPU that lives in
 * xengt.ko (docs/ABI/dev-xengt).
 *
 * xengt-dm stays the guest's ioreq server (it creates it, claims the
 * vGPU's config space and runs the event loop); the vGPU, its guest
 * memory mappings, write protection, BAR0 claims and MSIs are the
 * module's.  One open file serves one vGPU:
 *
 *   fd = open("/dev/xengt", O_RDWR);
 *   ioctl(fd, XENGT_IOC_ATTACH, &(struct xengt_ioc_attach){...});
 *   for each ioreq Xen hands xengt-dm:
 *           ioctl(fd, XENGT_IOC_IOREQ, &req);  (reads get req.data)
 *   close(fd);   detaches; if the domain has died, the vGPU is destroyed
 *
 * Errors: EINVAL (bad field, an unknown flag), ENOENT (no such vGPU or ioreq
 * server), EBUSY (the vGPU is served already, or this file serves one),
 * ENODEV (not a Xen PV dom0; or the vGPU was destroyed: stop serving).
 */
#ifndef XENGT_IOCTL_H
#define XENGT_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define XENGT_IOC_MAGIC 0xe7

struct xengt_ioc_attach {
	__u32 vgpu_id; /* as in /sys/kernel/xengt/vgpu<ID>; 0: the domain's */
	__u16 domid; /* must be the vGPU's domain */
	__u16 ioservid; /* xengt-dm's ioreq server for that domain */
	__u32 sbdf; /* where the guest sees the vGPU: seg << 16 | bus << 8 | devfn */
	__u32 flags; /* XENGT_ATTACH_*; any other bit set: EINVAL */
};

/*
 * BAR0's GGTT half is 8 MiB of the guest's RAM, as vgpu<ID>/trap's
 * "ggtt-ram" word asks for the in-kernel path: the guest's GGTT writes do
 * not trap and take effect at its GGTT flush.  A module older than this
 * flag refuses it (EINVAL), so the asker learns it is not served so.
 */
#define XENGT_ATTACH_GGTT_RAM (1U << 0)
#define XENGT_ATTACH_FLAGS XENGT_ATTACH_GGTT_RAM

/* One ioreq as Xen's struct ioreq has it, without the bit-fields. */
struct xengt_ioc_ioreq {
	__u64 addr;
	__u64 data; /* in: the write's data or a guest address; out: a read's */
	__u32 count;
	__u32 size;
	__u8 type; /* IOREQ_TYPE_* */
	__u8 dir; /* IOREQ_READ / IOREQ_WRITE */
	__u8 df;
	__u8 data_is_ptr;
	__u32 pad; /* must be 0 */
};

#define XENGT_IOC_ATTACH _IOW(XENGT_IOC_MAGIC, 1, struct xengt_ioc_attach)
#define XENGT_IOC_IOREQ _IOWR(XENGT_IOC_MAGIC, 2, struct xengt_ioc_ioreq)

#endif /* XENGT_IOCTL_H */
