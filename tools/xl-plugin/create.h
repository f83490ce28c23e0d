/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * `xengt create CFG [xl options]`: a domain with its vGPU, in the order
 * that leaves nothing half-made (demu's set-up ladder):
 *   1. the configuration's vGPU keys checked (vgt_config.h), and that the
 *      vGPU fits, before anything exists;
 *   2. `xl create -p CFG [options]`: the domain, paused;
 *   3. its vGPU in xengt.ko (control/create);
 *   4. its trap path: the in-kernel ioreq server (vgpu<ID>/trap) or
 *      xengt-dm attached to the module (vgt_path);
 *   5. `xl unpause`.
 * A step that fails undoes the ones before it, last first, and says
 * which failed and why.
 */
#ifndef XENGT_CREATE_H
#define XENGT_CREATE_H

#include <stdint.h>

/* Exit statuses of every xengt command (xengt(1), EXIT STATUS). */
enum xengt_exit {
	XE_OK = 0,
	XE_FAIL = 1, /* anything not below */
	XE_USAGE = 2, /* bad command line */
	XE_NOMODULE = 3, /* xengt.ko is not loaded */
	XE_NODOMAIN = 4, /* no such domain, or it has no vGPU */
	XE_NOSPACE = 5, /* the vGPU does not fit on the GPU */
	XE_CONFIG = 6, /* the domain configuration is wrong */
	XE_TOOLSTACK = 7, /* xl or xengt-dm failed */
};

struct vgt_config;

/*
 * Steps 3 and 4 for an existing domain @domid: its vGPU as @c asks, and
 * its trap path; the vGPU is destroyed again if the trap path fails.
 * Sets *@vgpu_id.  Messages go to stderr.
 */
enum xengt_exit xengt_vgpu_up(const struct vgt_config *c, uint32_t domid,
			      uint32_t *vgpu_id);

/* @xl_args: extra arguments for `xl create` (@nr of them). */
enum xengt_exit xengt_create(const char *cfg, char *const *xl_args, int nr);

#endif /* XENGT_CREATE_H */
