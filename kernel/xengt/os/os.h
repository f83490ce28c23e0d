/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The OS shim: the only way the GVT core reaches its environment.
 *
 * The core is compiled twice from the same files: into xengt.ko against the
 * kernel (os-linux.h, everything inline) and into user-space programs and
 * tests (os-user.h + os-user.c, on libc and pthreads).  Both provide the
 * same names: fixed-width types, errno values, memory, locks, logging.
 */
#ifndef XENGT_OS_H
#define XENGT_OS_H

#ifdef __KERNEL__
#include "os-linux.h"
#else
#include "os-user.h"
#endif

#define XENGT_KB(x) ((u64)(x) << 10)
#define XENGT_MB(x) ((u64)(x) << 20)
#define XENGT_GB(x) ((u64)(x) << 30)

#define XENGT_PAGE_SHIFT 12
#define XENGT_PAGE_SIZE (1ULL << XENGT_PAGE_SHIFT)

#define xengt_round_up(x, a) ((((x) + (a)-1) / (a)) * (a))
#define xengt_is_aligned(x, a) (((x) & ((a)-1)) == 0)
#define xengt_array_size(a) (sizeof(a) / sizeof((a)[0]))

/* Logging with the vGPU id in front, as the kernel's pr_* would. */
#define vgpu_err(v, fmt, ...) \
	os_log(OS_LOG_ERR, "vgpu%u: " fmt, (v)->id, ##__VA_ARGS__)
#define vgpu_warn(v, fmt, ...) \
	os_log(OS_LOG_WARN, "vgpu%u: " fmt, (v)->id, ##__VA_ARGS__)
#define vgpu_info(v, fmt, ...) \
	os_log(OS_LOG_INFO, "vgpu%u: " fmt, (v)->id, ##__VA_ARGS__)
#define vgpu_dbg(v, fmt, ...) \
	os_log(OS_LOG_DEBUG, "vgpu%u: " fmt, (v)->id, ##__VA_ARGS__)
#define gvt_err(fmt, ...) os_log(OS_LOG_ERR, "xengt: " fmt, ##__VA_ARGS__)
#define gvt_info(fmt, ...) os_log(OS_LOG_INFO, "xengt: " fmt, ##__VA_ARGS__)

#endif /* XENGT_OS_H */
