/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where a Gen9 command writes memory: decoded once, here, for both sides
 * of the isolation boundary.  The GVT core's command scanner approves the
 * range (core/cmd_parser.c) and the software GPU's command streamer writes
 * it (gpu/sim/sim_cs.c) from the same description, so the range approved
 * is the range touched by construction, not by two decoders agreeing.
 *
 * Covered: the post-sync and store commands (MI_STORE_DATA_IMM,
 * MI_STORE_REGISTER_MEM, MI_FLUSH_DW, PIPE_CONTROL) and the geometry of
 * the two blits (XY_COLOR_BLT, XY_SRC_COPY_BLT): which bytes of which
 * rows they touch.
 *
 * Addresses: the command's address dwords with the low bits the command
 * ignores cleared: a qword write goes to the qword the address is in, a
 * dword write to its dword (i915 always aligns them; hardware ignores the
 * bits).  Graphics addresses are 48-bit.
 */
#ifndef XENGT_GEN9_MEM_H
#define XENGT_GEN9_MEM_H

#include "os.h"
#include "gen9.h"

struct gen9_mem_write {
	u64 addr; /* first byte written */
	u32 len; /* bytes written; 0: this command writes no memory */
	bool ggtt; /* the command asks for the GGTT (honoured if privileged) */
	/*
	 * addr is an offset in the per-process HWSP (page 0 of the running
	 * context's image: execlist mode, as i915 6.1 uses it for its
	 * LRC_PPHWSP_SCRATCH flush writes); see gen9_store_index_offset().
	 */
	bool store_index;
};

/*
 * The byte a store-index write lands at in the per-process HWSP: the
 * hardware takes the offset within the page, so the write never leaves
 * it (the address is already aligned to the write's size).
 */
static inline u32 gen9_store_index_offset(const struct gen9_mem_write *w)
{
	return (u32)(w->addr & (XENGT_PAGE_SIZE - 1));
}

static inline u64 gen9_mem_addr(u32 lo, u32 hi, u32 len)
{
	return (lo & ~(len == 8 ? 7U : 3U)) | (u64)(hi & 0xffff) << 32;
}

/*
 * The memory write of the command @d of @n dwords (its decoded length;
 * d[0..n) all present).  Returns 0 with *w set (len 0 for none), or
 * -EINVAL for a form neither side models (a bad length, an unknown
 * post-sync operation): the scanner refuses it, the GPU faults on it.
 */
static inline int gen9_mem_write_of(const u32 *d, u32 n,
				    struct gen9_mem_write *w)
{
	u32 op;

	*w = (struct gen9_mem_write){ 0 };
	if ((d[0] & PIPE_CONTROL_OPCODE_MASK) == PIPE_CONTROL_OPCODE &&
	    d[0] >> INSTR_CLIENT_SHIFT == INSTR_RC_CLIENT) {
		if (n < 2)
			return -EINVAL;
		op = d[1] & PIPE_CONTROL_POST_SYNC_OP_MASK;
		if (!op)
			return 0;
		if (n < 5)
			return -EINVAL; /* a post-sync op without its data */
		/* Immediate data is a qword when both data dwords are there. */
		w->len = op == PIPE_CONTROL_WRITE_IMMEDIATE && n < 6 ? 4 : 8;
		w->addr = gen9_mem_addr(d[2], d[3], w->len);
		w->ggtt = d[1] & PIPE_CONTROL_GLOBAL_GTT_IVB;
		w->store_index = d[1] & PIPE_CONTROL_STORE_DATA_INDEX;
		return 0;
	}
	if (d[0] >> INSTR_CLIENT_SHIFT != INSTR_MI_CLIENT)
		return 0;
	switch (MI_OPCODE(d[0])) {
	case MI_OP_STORE_DATA_IMM:
		if (n < 4)
			return -EINVAL;
		w->len = (n - 3) * 4;
		w->addr = gen9_mem_addr(d[1], d[2], w->len == 8 ? 8 : 4);
		w->ggtt = d[0] & MI_USE_GGTT;
		return 0;
	case MI_OP_STORE_REGISTER_MEM:
		if (n != 4)
			return -EINVAL;
		w->len = 4;
		w->addr = gen9_mem_addr(d[2], d[3], 4);
		w->ggtt = d[0] & MI_SRM_LRM_GLOBAL_GTT;
		return 0;
	case MI_OP_FLUSH_DW:
		if (n < 4)
			return -EINVAL;
		op = d[0] & MI_FLUSH_DW_OP_MASK;
		if (!op)
			return 0;
		if (op != MI_FLUSH_DW_OP_STOREDW)
			return -EINVAL;
		w->len = n >= 5 ? 8 : 4;
		/* The low bits of the address dword are flags: qword aligned. */
		w->addr = gen9_mem_addr(d[1], d[2], 8);
		w->ggtt = d[1] & MI_FLUSH_DW_USE_GTT;
		w->store_index = d[0] & MI_FLUSH_DW_STORE_INDEX;
		return 0;
	default:
		return 0;
	}
}

/* One surface of a blit: rows of w * bpp bytes, pitch bytes apart. */
struct gen9_blit_surface {
	u64 base; /* address of the surface's pixel (0, 0) */
	s64 pitch; /* signed: a negative pitch walks rows downwards */
	u32 x1, y1; /* the blit's first pixel in the surface */
};

struct gen9_blit {
	bool copy; /* XY_SRC_COPY_BLT: reads src, writes dst */
	u32 bpp, w, h; /* bytes per pixel; pixels per row; rows */
	struct gen9_blit_surface dst, src;
};

static inline u32 gen9_blit_bpp(u32 br13)
{
	static const u32 bpp[4] = { 1, 2, 2, 4 }; /* 8, 565, 1555, 8888 */

	return bpp[(br13 & BR13_DEPTH_MASK) >> BR13_DEPTH_SHIFT];
}

/* BR13/BR11 pitch: a signed 16-bit byte count. */
static inline s64 gen9_blit_pitch(u32 br)
{
	s64 p = br & BR13_PITCH_MASK;

	return p >= 0x8000 ? p - 0x10000 : p;
}

/*
 * The geometry of blit @d (@n dwords, all present; the caller checked the
 * opcode).  -EINVAL for a length the blit cannot have.  An empty blit
 * (x2 <= x1 or y2 <= y1) has w or h 0 and touches nothing.
 */
static inline int gen9_blit_of(const u32 *d, u32 n, struct gen9_blit *b)
{
	u32 x2 = d[3] & 0xffff, y2 = d[3] >> 16;

	*b = (struct gen9_blit){ 0 };
	b->copy = BLT_OPCODE(d[0]) == BLT_OP_XY_SRC_COPY;
	if (n != (b->copy ? XY_SRC_COPY_BLT_LEN : XY_COLOR_BLT_LEN))
		return -EINVAL;
	b->bpp = gen9_blit_bpp(d[1]);
	b->dst = (struct gen9_blit_surface){
		.base = d[4] | (u64)(d[5] & 0xffff) << 32,
		.pitch = gen9_blit_pitch(d[1]),
		.x1 = d[2] & 0xffff,
		.y1 = d[2] >> 16,
	};
	b->w = x2 > b->dst.x1 ? x2 - b->dst.x1 : 0;
	b->h = y2 > b->dst.y1 ? y2 - b->dst.y1 : 0;
	if (b->copy)
		b->src = (struct gen9_blit_surface){
			.base = d[8] | (u64)(d[9] & 0xffff) << 32,
			.pitch = gen9_blit_pitch(d[7]),
			.x1 = d[6] & 0xffff,
			.y1 = d[6] >> 16,
		};
	return 0;
}

/* First byte of row @y (0 = the blit's first) of surface @s. */
static inline u64 gen9_blit_row(const struct gen9_blit *b,
				const struct gen9_blit_surface *s, u32 y)
{
	return s->base + (u64)((s64)(s->y1 + y) * s->pitch) +
	       (u64)s->x1 * b->bpp;
}

#endif /* XENGT_GEN9_MEM_H */
