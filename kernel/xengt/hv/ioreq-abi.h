/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The parts of Xen's ioreq ABI (xen/include/public/hvm/ioreq.h, Xen 4.17)
 * that both of our ioreq servers use: the user-space one in xengt-dm
 * (hv/xen-ioreq.c, which checks this layout against Xen's own header)
 * and the in-kernel one in xengt.ko (hv/xen-kernel.c; Linux 6.1 ships no
 * such header).  Layout and values are Xen's; nothing here is ours.
 */
#ifndef XENGT_IOREQ_ABI_H
#define XENGT_IOREQ_ABI_H

#include "os.h"

#define XENGT_IOREQ_READ 1
#define XENGT_IOREQ_WRITE 0

#define XENGT_STATE_IOREQ_NONE 0
#define XENGT_STATE_IOREQ_READY 1
#define XENGT_STATE_IOREQ_INPROCESS 2
#define XENGT_STATE_IORESP_READY 3

#define XENGT_IOREQ_TYPE_PIO 0
#define XENGT_IOREQ_TYPE_COPY 1
#define XENGT_IOREQ_TYPE_PCI_CONFIG 2
#define XENGT_IOREQ_TYPE_TIMEOFFSET 7
#define XENGT_IOREQ_TYPE_INVALIDATE 8

/* struct ioreq: one vCPU's slot of the shared ioreq page. */
struct xengt_ioreq {
	u64 addr; /* physical address, port, or sbdf << 32 | reg */
	u64 data; /* data, or the guest-physical address of the data */
	u32 count; /* repetitions (rep prefixes) */
	u32 size; /* bytes per repetition */
	u32 vp_eport; /* the vCPU's event channel (Xen's end) */
	u16 _pad0;
	u8 state : 4;
	u8 data_is_ptr : 1;
	u8 dir : 1; /* XENGT_IOREQ_READ / _WRITE */
	u8 df : 1; /* addresses step backwards */
	u8 _pad1 : 1;
	u8 type; /* XENGT_IOREQ_TYPE_* */
};

#endif /* XENGT_IOREQ_ABI_H */
