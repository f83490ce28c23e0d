/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What module.c offers the rest of xengt.ko: its GPU, seen through the
 * calls that depend on which GPU it is (today only the software one).
 */
#ifndef XENGT_MODULE_H
#define XENGT_MODULE_H

#include <linux/types.h>

struct vgpu;

/* A vGPU was created: its work is to be accounted to its domain. */
void xengt_module_vgpu_created(struct vgpu *vgpu);
/* control/gpu: the GPU's counters, one "name value" per line. */
ssize_t xengt_module_gpu_show(char *buf);

#endif /* XENGT_MODULE_H */
