/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest memory of one domain, mapped into the device model on demand
 * through xenforeignmemory and cached (the QEMU mapcache idea, without
 * buckets: a vGPU's working set is its page tables, rings and buffers).
 *
 * Pointers returned stay valid until guestmem_trim(), guestmem_flush() or
 * guestmem_close(); the event loop trims and flushes only between ioreqs,
 * and first calls the quiesce hook, so that no other thread (the GPU's
 * dispatcher) holds a pointer while mappings go.  Lookups may come from
 * any thread.
 */
#ifndef XENGT_DM_GUESTMEM_H
#define XENGT_DM_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenforeignmemory.h>

struct guestmem;

struct guestmem *guestmem_open(xenforeignmemory_handle *fmem, uint32_t domid,
			       size_t max_pages);
void guestmem_close(struct guestmem *gm);
/* The 4 KiB page of guest frame @gfn, or NULL if it is not the guest's RAM. */
uint8_t *guestmem_page(struct guestmem *gm, uint64_t gfn);
/* Copy to/from guest physical memory; -EFAULT if any page is not RAM. */
int guestmem_read(struct guestmem *gm, uint64_t gpa, void *buf, size_t len);
int guestmem_write(struct guestmem *gm, uint64_t gpa, const void *buf,
		   size_t len);
/*
 * Before unmapping anything call @quiesce(@ctx, true), after it
 * @quiesce(@ctx, false): whoever else uses the pointers stops meanwhile.
 */
void guestmem_set_quiesce(struct guestmem *gm,
			  void (*quiesce)(void *ctx, bool stop), void *ctx);
/* Unmap everything if more than the limit is mapped. */
void guestmem_trim(struct guestmem *gm);
/* Unmap everything (the guest's physmap changed: IOREQ_TYPE_INVALIDATE). */
void guestmem_flush(struct guestmem *gm);
size_t guestmem_mapped(const struct guestmem *gm);

#endif /* XENGT_DM_GUESTMEM_H */
