/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The vGPU keys of an xl domain configuration (xengt.cfg(5)), read with
 * Xen's own parser (libxlutil), checked before anything is created.
 *
 *   vgt = 1                      the guest gets a vGPU (0 or absent: none)
 *   vgt_type = "xengt_4"         a type of /sys/kernel/xengt/control/types
 *   vgt_low_gm_sz = 128          or a custom vGPU: aperture MiB,
 *   vgt_high_gm_sz = 512         hidden MiB,
 *   vgt_fence_sz = 4             fence registers (the earlier XenGT keys)
 *   vgt_weight = 4               scheduling weight 1..16 (default: the type's)
 *   vgt_cap = 0                  percent of GPU time 0..100 (0: none)
 *   vgt_path = "kernel"          who serves the traps: "kernel" (xengt.ko's
 *                                in-kernel ioreq server) or "dm" (xengt-dm)
 *   vgt_bdf = "00:05.0"          where the guest sees it (default: 00:05.0
 *                                for HVM, whose 00:02.0 QEMU takes, 00:02.0
 *                                for PVH)
 *   vgt_ggtt_ram = 1             BAR0's GGTT half in guest RAM, applied at
 *                                the guest's GGTT flush (default: 1 for HVM,
 *                                whose stock i915 flushes; 0 for PVH)
 *
 * A guest that asks for a vGPU never silently boots without one: any
 * vgt_ key without vgt = 1 is an error, as is every unknown value.
 */
#ifndef XENGT_VGT_CONFIG_H
#define XENGT_VGT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum vgt_path {
	VGT_PATH_KERNEL,
	VGT_PATH_DM,
};

#define VGT_NAME_MAX 64

struct vgt_config {
	bool enabled; /* vgt = 1 */
	char name[VGT_NAME_MAX]; /* the domain's name = */
	bool hvm; /* type = "hvm", else PVH */
	/* type, or custom sizes (all three non-zero), never both */
	char type[VGT_NAME_MAX];
	uint32_t low_gm_mb, high_gm_mb, fences;
	uint32_t weight; /* 0: the type's default */
	uint32_t cap; /* percent, 0: none */
	enum vgt_path path;
	uint32_t sbdf; /* bus << 8 | dev << 3 | fn */
	bool ggtt_ram; /* vgt_ggtt_ram */
};

/*
 * Parse a configuration: @data (@len bytes) as xl reads the file @file.
 * @types: the vGPU type names the GVT offers (NULL-terminated), the first
 * being the default.  Every problem is reported to @err as
 * "FILE: KEY: what is wrong (accepted: ...)".  Returns 0, or -EINVAL
 * after reporting (then @out is undefined), -ENOMEM.  Any thread.
 */
int vgt_config_parse(const char *file, const char *data, int len,
		     const char *const *types, struct vgt_config *out,
		     FILE *err);

/* The same for the file at @path; -errno if it cannot be read. */
int vgt_config_read(const char *path, const char *const *types,
		    struct vgt_config *out, FILE *err);

/* "kernel" or "dm". */
const char *vgt_path_name(enum vgt_path path);

/* Parse "BB:DD.F" (hex, as lspci) into *@sbdf; -EINVAL if not that. */
int vgt_parse_bdf(const char *s, uint32_t *sbdf);

#endif /* XENGT_VGT_CONFIG_H */
