/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Gen9 (Skylake-class) hardware facts shared by the GVT core, the software
 * GPU and the freestanding guest driver.
 *
 * Pure #defines: no types, no includes, so that every world (kernel, user
 * space, freestanding guest) can include it.  Values follow the stock Linux
 * i915 (6.1: i915_reg.h, intel_engine_regs.h, intel_gt_regs.h,
 * intel_lrc_reg.h, intel_lrc.h, intel_gpu_commands.h, gen8_ppgtt.h), which is
 * the format our vGPU must speak; nothing here is a private format.
 */
#ifndef XENGT_GEN9_H
#define XENGT_GEN9_H

/* ---- Engines ---------------------------------------------------------- */

#define GEN9_RCS_BASE 0x02000U /* RENDER_RING_BASE */
#define GEN9_BCS_BASE 0x22000U /* BLT_RING_BASE */
#define GEN9_VCS_BASE 0x12000U /* GEN6_BSD_RING_BASE */
#define GEN9_VECS_BASE 0x1a000U /* VEBOX_RING_BASE */

/* Per-engine registers: offsets from the engine base. */
#define RING_TAIL 0x030U
#define RING_HEAD 0x034U
#define RING_START 0x038U
#define RING_CTL 0x03cU
#define RING_HWS_PGA 0x080U
#define RING_HWSTAM 0x098U
#define RING_MI_MODE 0x09cU
#define RING_IMR 0x0a8U
#define RING_ELSP 0x230U /* RING_EXECLIST_SUBMIT_PORT */
#define RING_EXECLIST_STATUS_LO 0x234U
#define RING_EXECLIST_STATUS_HI 0x238U
#define RING_PDP_LDW(n) (0x270U + (n)*8U)
#define RING_PDP_UDW(n) (0x274U + (n)*8U)
#define RING_MODE_GEN7 0x29cU
#define RING_TIMESTAMP 0x358U
#define RING_TIMESTAMP_UDW 0x35cU
#define RING_CONTEXT_STATUS_BUF_LO(i) (0x370U + (i)*8U)
#define RING_CONTEXT_STATUS_BUF_HI(i) (0x374U + (i)*8U)
#define RING_CONTEXT_STATUS_PTR 0x3a0U
#define RING_CTX_TIMESTAMP 0x3a8U
#define RING_CONTEXT_CONTROL 0x244U
#define RING_BBSTATE 0x110U
#define RING_BBADDR 0x140U
#define RING_BBADDR_UDW 0x168U

#define RING_EIR 0x0b0U /* error identity, write 1 to clear */
#define RING_EMR 0x0b4U
#define RING_ESR 0x0b8U
#define RING_RESET_CTL 0x0d0U /* masked */
#define RESET_CTL_REQUEST_RESET (1U << 0)
#define RESET_CTL_READY_TO_RESET (1U << 1)

/* RING_EIR bits */
#define I915_ERROR_INSTRUCTION (1U << 0)
#define I915_ERROR_PAGE_TABLE (1U << 4)

/* Global reset: request bits read back 0 when the reset is done. */
#define GEN6_GDRST 0x941cU
#define GEN6_GRDOM_FULL (1U << 0)
#define GEN6_GRDOM_RENDER (1U << 1)
#define GEN6_GRDOM_MEDIA (1U << 2)
#define GEN6_GRDOM_BLT (1U << 3)
#define GEN6_GRDOM_VECS (1U << 4)
/* RING_CONTEXT_STATUS_PTR after an engine reset: no entry written yet. */
#define GEN8_CSB_PTR_RESET 0x07U

/* RING_HEAD / RING_TAIL / RING_CTL fields */
#define RING_HEAD_ADDR 0x001ffffcU
#define RING_TAIL_ADDR 0x001ffff8U
#define RING_NR_PAGES 0x001ff000U /* (size - 4096) in RING_CTL */
#define RING_VALID 0x00000001U
#define RING_CTL_SIZE(size) (((size)-4096U) & RING_NR_PAGES)

/* RING_MI_MODE (masked) */
#define MI_MODE_STOP_RING (1U << 8)
#define MI_MODE_IDLE (1U << 9)

/* RING_MODE_GEN7 (masked) */
#define GFX_RUN_LIST_ENABLE (1U << 15)
#define GFX_DISABLE_LEGACY_MODE (1U << 3)

/* Masked registers: upper 16 bits select which lower bits a write changes. */
#define MASKED_BIT_ENABLE(b) (((b) << 16) | (b))
#define MASKED_BIT_DISABLE(b) ((b) << 16)

/* RING_CONTEXT_STATUS_PTR: CSB read pointer 11:8, write pointer 3:0. */
#define GEN8_CSB_WRITE_PTR_MASK 0x0fU
#define GEN8_CSB_READ_PTR_MASK 0x0f00U
#define GEN8_CSB_READ_PTR_SHIFT 8

/* ---- GT interrupts ---------------------------------------------------- */

#define GEN8_MASTER_IRQ 0x44200U
#define GEN8_MASTER_IRQ_CONTROL (1U << 31)
#define GEN8_GT_RCS_IRQ (1U << 0)
#define GEN8_GT_BCS_IRQ (1U << 1)
#define GEN8_GT_VCS0_IRQ (1U << 2)
#define GEN8_GT_VCS1_IRQ (1U << 3)
#define GEN8_GT_PM_IRQ (1U << 4)
#define GEN8_GT_VECS_IRQ (1U << 6)
#define GEN8_GT_IRQS 0x0000005fU /* RCS|BCS|VCS0|VCS1|PM|VECS */

#define GEN8_GT_ISR(n) (0x44300U + 0x10U * (n))
#define GEN8_GT_IMR(n) (0x44304U + 0x10U * (n))
#define GEN8_GT_IIR(n) (0x44308U + 0x10U * (n))
#define GEN8_GT_IER(n) (0x4430cU + 0x10U * (n))
#define GEN8_GT_BANKS 4

/* Bank and bit shift of each engine's 16 interrupt bits. */
#define GEN8_RCS_IRQ_BANK 0
#define GEN8_RCS_IRQ_SHIFT 0
#define GEN8_BCS_IRQ_BANK 0
#define GEN8_BCS_IRQ_SHIFT 16
#define GEN8_VCS0_IRQ_BANK 1
#define GEN8_VCS0_IRQ_SHIFT 0
#define GEN8_VCS1_IRQ_BANK 1
#define GEN8_VCS1_IRQ_SHIFT 16
#define GEN8_VECS_IRQ_BANK 3
#define GEN8_VECS_IRQ_SHIFT 0

/* Per-engine interrupt bits (before the shift). */
#define GT_RENDER_USER_INTERRUPT (1U << 0)
#define GT_CS_MASTER_ERROR_INTERRUPT (1U << 3)
#define GT_CONTEXT_SWITCH_INTERRUPT (1U << 8)
#define GT_WAIT_SEMAPHORE_INTERRUPT (1U << 11)
/*
 * RING_IMR masks an engine's interrupt sources before they reach the GT
 * IIR.  Its bits sit where the engine's bits sit in its GT bank (i915
 * writes ~(mask << GEN8_*_IRQ_SHIFT)); all masked at power-on.
 */
#define RING_IMR_RESET 0xffffffffU

/* ---- Execlist context descriptor (64 bits, ELSP element) -------------- */

#define GEN8_CTX_VALID (1U << 0)
#define GEN8_CTX_FORCE_PD_RESTORE (1U << 1)
#define GEN8_CTX_FORCE_RESTORE (1U << 2)
#define GEN8_CTX_ADDRESSING_MODE_SHIFT 3
#define GEN8_CTX_ADDRESSING_MODE_MASK (3U << 3)
#define GEN8_CTX_L3LLC_COHERENT (1U << 5)
#define GEN8_CTX_PRIVILEGE (1U << 8)
#define GEN8_CTX_LRCA_MASK 0xfffff000U /* lower dword, bits 31:12 */
#define INTEL_LEGACY_32B_CONTEXT 1U
#define INTEL_ADVANCED_CONTEXT 2U
#define INTEL_LEGACY_64B_CONTEXT 3U /* 4-level, 48-bit PPGTT */
/*
 * Upper dword: the context ID that comes back in the CSB.  i915 6.1 on
 * Gen8/9 fills it with a software tag plus the engine class/instance; the
 * GVT core substitutes its own in shadow descriptors, with the vGPU id in
 * the top byte (the software GPU uses that byte to attribute accesses).
 */
#define GEN8_CTX_ID_SHIFT 32
#define GEN8_CTX_ID_TAG_SHIFT 24 /* within the upper dword */
#define GEN8_CTX_ID_TAG_MASK 0xff000000U

/* ---- Logical ring context image ---------------------------------------- */

/* Pages: 0 = per-process HWSP, 1.. = register state (LRC_STATE_PN). */
#define LRC_PPHWSP_PN 0
#define LRC_STATE_PN 1
#define LRC_STATE_OFFSET 0x1000U
/* Context image sizes i915 6.1 allocates on Gen9 (PPHWSP included). */
#define GEN9_LR_CONTEXT_RENDER_SIZE (22U * 4096U)
#define GEN8_LR_CONTEXT_OTHER_SIZE (2U * 4096U)
/* Pages holding everything the ring needs: PPHWSP + register state. */
#define GEN9_LRC_PAGES_XCS 2

/*
 * Dword indices in the register state page: each is the *value* slot of a
 * (register offset, value) pair of an MI_LOAD_REGISTER_IMM the hardware
 * replays on restore; the offset slot is the index minus one.
 */
#define CTX_LRI_HEADER_0 0x01
#define CTX_CONTEXT_CONTROL 0x03
#define CTX_RING_HEAD 0x05
#define CTX_RING_TAIL 0x07
#define CTX_RING_START 0x09
#define CTX_RING_CTL 0x0b
#define CTX_BB_HEAD_U 0x0d
#define CTX_BB_HEAD_L 0x0f
#define CTX_BB_STATE 0x11
#define CTX_LRI_HEADER_1 0x21
#define CTX_TIMESTAMP 0x23
#define CTX_PDP3_UDW 0x25
#define CTX_PDP3_LDW 0x27
#define CTX_PDP2_UDW 0x29
#define CTX_PDP2_LDW 0x2b
#define CTX_PDP1_UDW 0x2d
#define CTX_PDP1_LDW 0x2f
#define CTX_PDP0_UDW 0x31 /* 4-level: upper dword of the PML4 address */
#define CTX_PDP0_LDW 0x33 /* 4-level: lower dword of the PML4 address */
#define CTX_LRI_HEADER_2 0x41
#define CTX_R_PWR_CLK_STATE 0x43
#define GEN9_CTX_RING_MI_MODE 0x54
#define CTX_END_XCS 0x60 /* dwords i915's xcs image reaches (with slack) */

/* CTX_CONTEXT_CONTROL value bits (masked) */
#define CTX_CTRL_ENGINE_CTX_RESTORE_INHIBIT (1U << 0)
#define CTX_CTRL_RS_CTX_ENABLE (1U << 1)
#define CTX_CTRL_ENGINE_CTX_SAVE_INHIBIT (1U << 2)
#define CTX_CTRL_INHIBIT_SYN_CTX_SWITCH (1U << 3)

/* CTX_BB_STATE value */
#define RING_BB_PPGTT (1U << 5)

/* ---- Hardware status page ---------------------------------------------- */

#define I915_GEM_HWS_SEQNO 0x40 /* dword: i915's breadcrumb slot */
#define I915_HWS_CSB_BUF0_INDEX 0x10 /* dword of CSB entry 0 */
#define I915_HWS_CSB_WRITE_INDEX 0x1f /* dword of the CSB write pointer */
#define GEN8_CSB_ENTRIES 6 /* of 2 dwords: status, context ID */

/* CSB entry status (lower dword) */
#define GEN8_CTX_STATUS_IDLE_ACTIVE (1U << 0)
#define GEN8_CTX_STATUS_PREEMPTED (1U << 1)
#define GEN8_CTX_STATUS_ELEMENT_SWITCH (1U << 2)
#define GEN8_CTX_STATUS_ACTIVE_IDLE (1U << 3)
#define GEN8_CTX_STATUS_COMPLETE (1U << 4)
#define GEN8_CTX_STATUS_LITE_RESTORE (1U << 15)
#define GEN8_CTX_STATUS_COMPLETED_MASK \
	(GEN8_CTX_STATUS_COMPLETE | GEN8_CTX_STATUS_PREEMPTED)

/* ---- Commands ------------------------------------------------------------ */

#define INSTR_CLIENT_SHIFT 29
#define INSTR_CLIENT_MASK 0xe0000000U
#define INSTR_MI_CLIENT 0x0U
#define INSTR_BC_CLIENT 0x2U /* 2D blitter */
#define INSTR_RC_CLIENT 0x3U /* render: PIPE_CONTROL and 3D */

#define MI_INSTR(opcode, flags) (((opcode) << 23) | (flags))
#define MI_OPCODE(dw) (((dw) >> 23) & 0x3fU)
#define MI_LEN_MASK 0x3fU /* dwords - 2, for multi-dword MI commands */

#define MI_NOOP MI_INSTR(0x00, 0)
#define MI_USER_INTERRUPT MI_INSTR(0x02, 0)
#define MI_ARB_CHECK MI_INSTR(0x05, 0)
#define MI_ARB_ON_OFF MI_INSTR(0x08, 0)
#define MI_ARB_ENABLE (1U << 0)
#define MI_BATCH_BUFFER_END MI_INSTR(0x0a, 0)
/* Gen8 BB start: 3 dwords (cmd, address lo, address hi). */
#define MI_BATCH_BUFFER_START_GEN8 MI_INSTR(0x31, 1)
#define MI_BATCH_PPGTT (1U << 8) /* MI_BATCH_PPGTT_HSW: address is PPGTT */
#define MI_BATCH_2ND_LEVEL (1U << 22)
/* Gen8 store dword: 4 dwords (cmd, address lo, address hi, data). */
#define MI_STORE_DWORD_IMM_GEN4 MI_INSTR(0x20, 2)
#define MI_STORE_QWORD_IMM_GEN8 MI_INSTR(0x20, 3)
#define MI_USE_GGTT (1U << 22) /* SDI, SRM: address is GGTT */
#define MI_LOAD_REGISTER_IMM(n) MI_INSTR(0x22, 2 * (n)-1)
#define MI_LRI_FORCE_POSTED (1U << 12)
/* Gen8 SRM: 4 dwords (cmd, register, address lo, address hi). */
#define MI_STORE_REGISTER_MEM_GEN8 MI_INSTR(0x24, 2)
#define MI_SRM_LRM_GLOBAL_GTT (1U << 22)
/* Gen8 flush: 4 dwords (cmd, address lo | flags, address hi, data). */
#define MI_FLUSH_DW MI_INSTR(0x26, 1)
#define MI_FLUSH_DW_GEN8 MI_INSTR(0x26, 2)
#define MI_FLUSH_DW_STORE_INDEX (1U << 21)
#define MI_INVALIDATE_TLB (1U << 18)
#define MI_FLUSH_DW_OP_STOREDW (1U << 14)
#define MI_FLUSH_DW_OP_MASK (3U << 14)
#define MI_FLUSH_DW_USE_GTT (1U << 2) /* in the address dword */

#define MI_OP_NOOP 0x00
#define MI_OP_USER_INTERRUPT 0x02
#define MI_OP_ARB_CHECK 0x05
#define MI_OP_ARB_ON_OFF 0x08
#define MI_OP_BATCH_BUFFER_END 0x0a
#define MI_OP_STORE_DATA_IMM 0x20
#define MI_OP_LOAD_REGISTER_IMM 0x22
#define MI_OP_STORE_REGISTER_MEM 0x24
#define MI_OP_FLUSH_DW 0x26
#define MI_OP_BATCH_BUFFER_START 0x31

/*
 * PIPE_CONTROL (render engine), Gen8: 6 dwords:
 * cmd, flags, address lo, address hi, immediate lo, immediate hi.
 */
#define GFX_OP_PIPE_CONTROL(len) \
	((0x3U << 29) | (0x3U << 27) | (0x2U << 24) | ((len)-2))
#define PIPE_CONTROL_OPCODE_MASK 0xffff0000U
#define PIPE_CONTROL_OPCODE 0x7a000000U /* GFX_OP_PIPE_CONTROL upper half */
#define PIPE_CONTROL_LEN_MASK 0xffU
#define PIPE_CONTROL_GLOBAL_GTT_IVB (1U << 24) /* address is GGTT */
#define PIPE_CONTROL_STORE_DATA_INDEX (1U << 21)
#define PIPE_CONTROL_CS_STALL (1U << 20)
#define PIPE_CONTROL_POST_SYNC_OP_SHIFT 14
#define PIPE_CONTROL_POST_SYNC_OP_MASK (3U << 14)
#define PIPE_CONTROL_WRITE_IMMEDIATE (1U << 14) /* = QW_WRITE in i915 */
#define PIPE_CONTROL_WRITE_DEPTH_COUNT (2U << 14)
#define PIPE_CONTROL_WRITE_TIMESTAMP (3U << 14)
#define PIPE_CONTROL_DEPTH_STALL (1U << 13)
#define PIPE_CONTROL_RENDER_TARGET_CACHE_FLUSH (1U << 12)
#define PIPE_CONTROL_NOTIFY (1U << 8)
#define PIPE_CONTROL_FLUSH_ENABLE (1U << 7)
#define PIPE_CONTROL_DC_FLUSH_ENABLE (1U << 5)

/*
 * Blitter, Gen8 (48-bit addresses), linear surfaces.
 * XY_COLOR_BLT, 7 dwords:
 *   0 cmd | BLT_WRITE_RGBA | (7 - 2)
 *   1 BR13: colour depth 25:24, ROP 23:16, signed pitch in bytes 15:0
 *   2 dst top-left     y1 << 16 | x1  (pixels)
 *   3 dst bottom-right y2 << 16 | x2  (exclusive)
 *   4 dst address lo, 5 dst address hi
 *   6 colour
 * XY_SRC_COPY_BLT, 10 dwords:
 *   0 cmd | BLT_WRITE_RGBA | (10 - 2)
 *   1 BR13 (dst pitch), 2 dst y1x1, 3 dst y2x2, 4/5 dst address
 *   6 src y1x1, 7 BR11: src pitch 15:0, 8/9 src address
 * The blitter addresses through the context's PPGTT when it has one.
 */
#define XY_COLOR_BLT_CMD ((2U << 29) | (0x50U << 22))
#define XY_SRC_COPY_BLT_CMD ((2U << 29) | (0x53U << 22))
#define BLT_OPCODE(dw) (((dw) >> 22) & 0x7fU)
#define BLT_OP_XY_COLOR 0x50
#define BLT_OP_XY_SRC_COPY 0x53
#define BLT_LEN_MASK 0xffU
#define BLT_WRITE_ALPHA (1U << 21)
#define BLT_WRITE_RGB (1U << 20)
#define BLT_WRITE_RGBA (BLT_WRITE_RGB | BLT_WRITE_ALPHA)
#define XY_SRC_TILED (1U << 15)
#define XY_DST_TILED (1U << 11)
#define XY_COLOR_BLT_LEN 7
#define XY_SRC_COPY_BLT_LEN 10
#define BR13_DEPTH_SHIFT 24
#define BR13_DEPTH_8 (0U << 24)
#define BR13_DEPTH_565 (1U << 24)
#define BR13_DEPTH_1555 (2U << 24)
#define BR13_DEPTH_32 (3U << 24)
#define BR13_DEPTH_MASK (3U << 24)
#define BR13_ROP_SHIFT 16
#define BR13_ROP_MASK (0xffU << 16)
#define BR13_PITCH_MASK 0xffffU
#define BLT_ROP_PATCOPY (0xf0U << 16) /* fill with colour */
#define BLT_ROP_SRCCOPY (0xccU << 16) /* copy source */

/* ---- Gen8 PPGTT: 4 levels, 48-bit, 512 entries of 8 bytes per level --- */

#define GEN8_PAGE_PRESENT (1ULL << 0)
#define GEN8_PAGE_RW (1ULL << 1)
#define GEN8_PDE_PS_2M (1ULL << 7) /* huge pages: not used by us */
#define GEN9_PPGTT_ADDR_MASK 0x0000007ffffff000ULL /* 39-bit physical */
#define GEN8_PTES_PER_PAGE 512
#define GEN8_PML4E_SHIFT 39
#define GEN8_PDPE_SHIFT 30
#define GEN8_PDE_SHIFT 21
#define GEN8_PTE_SHIFT 12
#define GEN8_PT_INDEX(va, shift) (((va) >> (shift)) & 0x1ffULL)
#define GEN8_PPGTT_VA_BITS 48

/* Fence registers, Gen6+ layout: 64 bits each (start | valid, end). */
#define GEN6_FENCE_REG_BASE 0x100000U

#endif /* XENGT_GEN9_H */
