/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The paravirtual extension's wire format (spec/pv-protocol.md): what a
 * guest driver and the core exchange through PVINFO, the shared page and
 * the CTB ring.  A guest ABI like Xen's public headers: fixed-size fields,
 * little endian, no pointers; values are stable once released.  It is the
 * one description both sides build from: the core (core/pv.c) and the
 * guest (guest/i915-pv/pv.c).  It includes nothing: the includer provides
 * uint16_t, uint32_t and uint64_t (the core's os.h, <stdint.h> in a guest).
 *
 * Flow, all guest-initiated:
 *  1. PVINFO vgt_caps has XENGT_VGT_CAPS_PV; PVINFO pv_caps reads the
 *     capabilities the host offers.  The guest writes back the subset it
 *     uses; pv_caps then reads what was accepted (offered & written).  It
 *     can be written while no shared page is registered.
 *  2. The guest zeroes a page of its RAM, fills in the CTB descriptor's
 *     addr and size (XENGT_PV_CTB_OFFSET, XENGT_PV_CTB_SIZE), writes the
 *     page's address to shared_page_gpa (two dwords, low first), then
 *     g2v_notify = XENGT_G2V_SHARED_PAGE_REGISTER.  The host checks the
 *     page (guest RAM, 4 KiB aligned, descriptor as above) and writes the
 *     version; a bad one is not registered (the version stays 0).
 *     Writing shared_page_gpa = 0 and registering again unregisters.
 *     A registration replaces the previous one (a refused one leaves
 *     none); either forgets the submission area, while what was bound
 *     (PPGTT roots, GGTT entries) stays until unbound or a reset.  No
 *     page is accepted while no capability is (pv_caps 0).
 *  3. Commands: messages in the CTB ring, then g2v_notify =
 *     XENGT_G2V_PV_SEND_TRIGGER (the doorbell).  See "CTB" below.
 *  4. PV submission (XENGT_PV_CAP_SUBMISSION, after REGISTER_CAP_GPA of the
 *     submission area): see "Submission" below.
 * A vGPU reset (device FLR, full GDRST) forgets all of it: PV caps 0,
 * no shared page, no submission area.
 */
#ifndef XENGT_XENGT_PV_H
#define XENGT_XENGT_PV_H

/* PVINFO (BAR0 + 0x78000) fields of the extension. */
#define XENGT_VGT_CAPS_PV (1U << 5) /* in vgt_caps, 0x78010 */
#define XENGT_PVINFO_PV_CAPS 0x860 /* u32, offset in the PVINFO page */
#define XENGT_PVINFO_SHARED_PAGE_GPA 0x864 /* u64, two dwords, low first */
#define XENGT_G2V_SHARED_PAGE_REGISTER 8 /* g2v_notify (0x818) values */
#define XENGT_G2V_PV_SEND_TRIGGER 9

/* pv_caps bits. */
#define XENGT_PV_CAP_PPGTT (1U << 0)
#define XENGT_PV_CAP_GGTT (1U << 1)
#define XENGT_PV_CAP_SUBMISSION (1U << 2)
#define XENGT_PV_CAPS_ALL \
	(XENGT_PV_CAP_PPGTT | XENGT_PV_CAP_GGTT | XENGT_PV_CAP_SUBMISSION)

/* Shared page. */
#define XENGT_PV_VERSION_MAJOR 0
#define XENGT_PV_VERSION_MINOR 1
#define XENGT_PV_PAGE_SIZE 4096
#define XENGT_PV_VERSION_OFFSET 0x000 /* u16 major, u16 minor: host */
#define XENGT_PV_DESC_OFFSET 0x010 /* struct xengt_pv_ctb_desc */
#define XENGT_PV_SUBMISSION_OFFSET 0x400 /* where the guest may put it */
#define XENGT_PV_CTB_OFFSET 0x800 /* the command ring */
#define XENGT_PV_CTB_SIZE 2048 /* bytes */

/*
 * CTB descriptor.  addr and size are the guest's (must be CTB_OFFSET and
 * CTB_SIZE); the guest owns tail; the host owns head, fence and status.
 * head and tail are dword indexes into the ring, < size / 4.  status
 * goes with fence: the first status other than OK of every message the
 * host handled since it last wrote a fence, up to and including the one
 * whose fence it writes (OK if there was none), so that a guest which
 * sends a batch and waits for the last fence learns of an error in any
 * message of the batch.
 */
struct xengt_pv_ctb_desc {
	uint32_t addr; /* offset of the ring in the shared page */
	uint32_t size; /* bytes */
	uint32_t head; /* host: next dword it will read */
	uint32_t tail; /* guest: next dword it will write */
	uint32_t fence; /* host: fence of the last message that asked */
	uint32_t status; /* host: XENGT_PV_STATUS_* (see above) */
	uint32_t reserved[2];
};

/*
 * CTB messages.  DW0: bits 0..4 the number of data dwords after DW1 (at
 * most 31), bit 8 WRITE_FENCE_TO_DESC (the host writes status, then fence,
 * to the descriptor once it has handled this message), bits 16..31 the
 * action.  DW1: the guest's fence.  Then the data.  A message may wrap
 * around the end of the ring.  The ring is empty when head == tail; the
 * guest may add a message of n dwords (2 + data) only while
 * used + n < size / 4, so a full ring never looks empty.
 *
 * The host handles complete messages in order.  One doorbell does at most
 * XENGT_PV_DOORBELL_BUDGET units of work (a message costs 1, plus one per
 * page it binds or unbinds); what is left stays in the ring with head at the
 * first message not handled, and the guest rings again while head != tail.
 * Fence and status are written by the doorbell that empties the ring: one
 * the budget stopped writes head only (what it owes is written later).
 * (A SUBMIT_WORKLOAD costs as much as a bind of XENGT_PV_VMA_MAX_PAGES
 * pages: preparing workloads is work too.)  A message that does not fit
 * between head and tail (torn), or a descriptor with bad addr, size, head or
 * tail, makes the host drop the ring's contents (head = tail), set status
 * XENGT_PV_STATUS_BAD_MSG and fence to the dropped messages' last readable
 * fence if any.
 */
#define XENGT_PV_MSG_LEN_MASK 0x1fU
#define XENGT_PV_MSG_WRITE_FENCE (1U << 8)
#define XENGT_PV_MSG_ACTION_SHIFT 16
#define XENGT_PV_MSG_HDR(action, len, flags)               \
	((uint32_t)(action) << XENGT_PV_MSG_ACTION_SHIFT | \
	 ((uint32_t)(len)&XENGT_PV_MSG_LEN_MASK) | (flags))
#define XENGT_PV_MSG_ACTION(dw0) ((dw0) >> XENGT_PV_MSG_ACTION_SHIFT)
#define XENGT_PV_MSG_LEN(dw0) ((dw0)&XENGT_PV_MSG_LEN_MASK)
#define XENGT_PV_DOORBELL_BUDGET 8192

enum xengt_pv_action {
	XENGT_PV_ACTION_DEFAULT = 0, /* no-op: a fence only */
	XENGT_PV_ACTION_BIND_PPGTT = 1, /* struct xengt_pv_vma */
	XENGT_PV_ACTION_UNBIND_PPGTT = 2, /* struct xengt_pv_vma */
	XENGT_PV_ACTION_BIND_GGTT = 3, /* struct xengt_pv_vma, pml4 0 */
	XENGT_PV_ACTION_UNBIND_GGTT = 4, /* struct xengt_pv_vma, pml4 0 */
	XENGT_PV_ACTION_REGISTER_CAP_GPA = 5, /* struct xengt_pv_cap_gpa */
	XENGT_PV_ACTION_SUBMIT_WORKLOAD =
		6, /* u32 engine: as the ELSP marker */
};

/* Per-message status, in the descriptor. */
enum xengt_pv_status {
	XENGT_PV_STATUS_OK = 0,
	XENGT_PV_STATUS_BAD_MSG = 1, /* length, action, torn, bad descriptor */
	XENGT_PV_STATUS_NOT_NEGOTIATED = 2, /* its cap was not accepted */
	XENGT_PV_STATUS_BAD_RANGE = 3, /* graphics range outside the vGPU's */
	XENGT_PV_STATUS_BAD_GPA = 4, /* a page or array not in guest RAM */
	XENGT_PV_STATUS_BAD_ROOT =
		5, /* PPGTT root unknown or not the guest's */
	XENGT_PV_STATUS_NO_SPACE = 6, /* host limits (shadow tables) */
	XENGT_PV_STATUS_BAD_DESC = 7, /* a submitted context descriptor */
};

/*
 * Bind / unbind.  size pages from graphics address start (4 KiB aligned).
 * dma_addrs: with size == 1 the page's guest-physical address OR'd with
 * its Gen8 PTE flags; with size > 1 the guest-physical address of an array
 * of size u64 such entries, which must lie in one page of guest RAM (so
 * size <= XENGT_PV_VMA_MAX_PAGES).  pml4: the PPGTT root (the guest page
 * of its PML4, as in the context image) for the PPGTT actions, 0 for the
 * GGTT ones.  Unbind ignores dma_addrs.  flags: 0 (others reserved).
 *
 * PPGTT: a root the guest binds through PV is the host's to maintain: its
 * shadow is built from these messages alone (the guest's own page tables for
 * it are neither read nor write-protected), and a context submitted with
 * that root runs on it.  It lives while a page is bound in it: the unbind of
 * its last page ends it (a context with that root is then shadowed from the
 * guest's page tables again, as without PV), as does a reset; binding to a
 * root the host shadowed from the guest's tables before ends that shadow.
 * PV roots have host limits of their own, apart from the roots and tables
 * the host shadows from the guest's page tables: at least
 * XENGT_PV_MAX_ROOTS PV roots at once, and a number of tables; a bind past
 * them gets NO_SPACE and changes nothing (the guest may unbind, or use the
 * trapped path for that address space).  So PV address spaces never take
 * the place of trapped ones: a guest with many of both keeps its trapped
 * ones working.  GGTT: the range must lie in the vGPU's partition; the
 * entries become what a trapped GGTT write of the same values would make
 * them, and read back through the GGTT view.
 */
#define XENGT_PV_VMA_MAX_PAGES 512
#define XENGT_PV_MAX_ROOTS 16
struct xengt_pv_vma {
	uint32_t size;
	uint32_t flags;
	uint64_t start;
	uint64_t dma_addrs;
	uint64_t pml4;
} __attribute__((packed));
#define XENGT_PV_VMA_DWORDS 8

/* REGISTER_CAP_GPA: cap (one XENGT_PV_CAP_* bit), gpa of its area. */
struct xengt_pv_cap_gpa {
	uint32_t cap;
	uint64_t gpa;
} __attribute__((packed));
#define XENGT_PV_CAP_GPA_DWORDS 3

/*
 * Submission.  The area (registered with REGISTER_CAP_GPA, cap
 * SUBMISSION; 8-byte aligned, it must not cross a page) holds one struct
 * xengt_pv_submission per engine, indexed by XENGT_PV_ENGINE_*.  To
 * submit, the guest fills descs (element 0 first; 0 = no element; the
 * rules of an ELSP write: valid, PPGTT, element 1 only with element 0),
 * sets submitted = 1, and writes XENGT_PV_ELSP_MARKER to the engine's
 * RING_ELSP (one trap) or sends SUBMIT_WORKLOAD with the engine.  The host
 * reads the descriptors, queues the workloads as an ELSP write would, and
 * sets submitted = 0 (with status = XENGT_PV_STATUS_*).  For an engine
 * submitted this way the host emulates no CSB events and raises no
 * context-switch interrupt: the guest learns of completion from its own
 * breadcrumbs (user interrupts are still delivered).
 */
enum xengt_pv_engine {
	XENGT_PV_ENGINE_RCS = 0,
	XENGT_PV_ENGINE_BCS = 1,
	XENGT_PV_ENGINE_VCS = 2,
	XENGT_PV_ENGINE_VECS = 3,
	XENGT_PV_NR_ENGINES = 4,
};
#define XENGT_PV_ELSP_MARKER 0x50565355U /* "PVSU" */
struct xengt_pv_submission {
	uint64_t descs[2];
	uint32_t submitted; /* guest sets 1, host clears */
	uint32_t status; /* host: XENGT_PV_STATUS_* of the last submission */
	uint32_t reserved[2];
};

#endif /* XENGT_XENGT_PV_H */
