/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The admin tools' client of /sys/kernel/xengt (docs/ABI/sysfs-kernel-xengt):
 * xengt.ko's public interface, read and written as the ABI states it.
 * The root is /sys/kernel/xengt unless $XENGT_SYSFS names another (tests
 * use a directory tree of plain files).  Not thread-safe; any process.
 */
#ifndef XENGT_SYSFS_H
#define XENGT_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XSYS_NAME_MAX 32
#define XSYS_MAX_TYPES 16
#define XSYS_MAX_VGPUS 64

struct xsys_type {
	char name[XSYS_NAME_MAX];
	uint32_t low_gm_mb, high_gm_mb, fences, weight, available;
	char resolution[XSYS_NAME_MAX]; /* "" when the module does not say */
};

struct xsys_resources {
	uint32_t low_gm_mb, high_gm_mb, fences; /* largest free block */
	uint32_t low_gm_free_mb, high_gm_free_mb, fences_free;
	uint32_t vgpus, vgpus_max;
};

struct xsys_vgpu {
	uint32_t id, domid;
	char type[XSYS_NAME_MAX];
	uint64_t low_gm_base, high_gm_base;
	uint32_t low_gm_mb, high_gm_mb, fence_first, fences;
	uint32_t weight, cap;
	char state[XSYS_NAME_MAX]; /* detached, running, failsafe */
	char trap[XSYS_NAME_MAX]; /* detached, kernel, dm */
	uint64_t traps, submissions, workloads_done, gpu_ticks, resets;
	uint64_t failsafes;
	char failsafe_reason[128]; /* "" when none */
	/*
	 * stats' ppgtt_oos and the paravirtual extension's pv_* lines: each
	 * group is known only if the module wrote it (older ones did not).
	 */
	bool ppgtt_oos_known, ppgtt_oos;
	bool pv_known; /* pv_offer and the counters up to pv_gpa_faults */
	bool pv_tables_known; /* pv_roots, pv_tables */
	uint32_t pv_offer, pv_caps; /* XENGT_PV_CAP_* bits */
	bool pv_registered;
	uint32_t pv_roots, pv_tables;
	struct xsys_pv_counters {
		uint64_t doorbells, doorbells_idle, messages, ok, bad_msg,
			not_negotiated, bad_range, bad_gpa, bad_root, no_space,
			bad_desc, dropped, budget_hits, pages_bound,
			pages_unbound, submissions, submit_errors,
			registrations, bad_registrations, gpa_faults;
	} pv;
};

/* The PV counters in stats order, for printing: NULL-terminated. */
struct xsys_pv_field {
	const char *name; /* as in stats, without "pv_" */
	size_t offset; /* in struct xsys_pv_counters */
	bool status; /* messages handled with that status (ok, bad_msg ...) */
};
extern const struct xsys_pv_field xsys_pv_fields[];

/* The root in use ($XENGT_SYSFS or /sys/kernel/xengt). */
const char *xsys_root(void);
/* 0 if xengt.ko's directory is there, -ENOENT (module not loaded) else. */
int xsys_present(void);

/*
 * Each fills @out (up to @max) and returns how many, or -errno: -ENOENT
 * without the module, -EPROTO for a file missing or not in the documented
 * format, another -errno for a file that could not be read.
 */
int xsys_types(struct xsys_type *out, int max);
int xsys_vgpus(struct xsys_vgpu *out, int max); /* by id */
int xsys_resources(struct xsys_resources *out);
/* The vGPU of @domid into @out: 0, -ENOENT if it has none. */
int xsys_vgpu_of(uint32_t domid, struct xsys_vgpu *out);

/*
 * Writes, each one the module's documented request.  0 or the module's
 * -errno (-EINVAL format, -EEXIST, -ENOSPC, -ENOENT, -EBUSY, ...).
 */
int xsys_create_type(uint32_t domid, const char *type, uint32_t weight,
		     uint32_t cap);
int xsys_create_custom(uint32_t domid, uint32_t low_gm_mb, uint32_t high_gm_mb,
		       uint32_t fences, uint32_t weight, uint32_t cap);
int xsys_destroy(uint32_t domid);
int xsys_set(uint32_t vgpu_id, const char *what, uint32_t value);
/* @request: "kernel BB:DD.F [pvh]" or "detach" (vgpu<ID>/trap). */
int xsys_trap(uint32_t vgpu_id, const char *request);

#endif /* XENGT_SYSFS_H */
