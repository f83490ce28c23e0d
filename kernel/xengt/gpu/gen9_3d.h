/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Gen9 render-pipe commands (GFX client 3) other than PIPE_CONTROL: the
 * 3D state i915 6.1 submits on rcs0, above all its golden "null" context
 * state (gen9_renderstate.c, emitted once per boot before it records the
 * default context image).  One description used by the scanner, which
 * admits only these and checks their graphics addresses, and by the
 * software GPU, which reads them with the same lengths.
 *
 * The software GPU models 3D as state: it skips these commands by their
 * length and draws nothing, so they touch no memory.  What the scanner
 * checks is what a real GPU would reach through each command's own
 * address fields; what it cannot see from one command (addresses taken
 * relative to a state base, surface states in memory) is why the
 * address-bearing forms are admitted only in their null, disabled or
 * bounded shapes below.
 */
#ifndef XENGT_GEN9_3D_H
#define XENGT_GEN9_3D_H

#include "gen9.h"

/* Subtype 28:27, opcode 26:24, sub-opcode 23:16 of a client-3 header. */
#define GEN9_3D_KEY(hdr) (((hdr) >> 16) & 0x1fffU)
#define GEN9_3D_PIPELINE_SELECT 0x0904U
#define GEN9_3D_VF_STATISTICS 0x080bU
#define GEN9_3D_PIPE_CONTROL 0x1a00U

/* What a command's address fields are, for the scanner. */
enum gen9_3d_addr {
	GEN9_3D_NO_ADDR, /* state, pointers relative to a base, counts */
	GEN9_3D_SBA, /* STATE_BASE_ADDRESS: bases with their sizes */
	GEN9_3D_VB, /* 3DSTATE_VERTEX_BUFFERS: address + size each */
	GEN9_3D_IB, /* 3DSTATE_INDEX_BUFFER: address + size */
	GEN9_3D_SURFACE, /* depth, stencil, HiZ: null surfaces only */
	GEN9_3D_SO, /* 3DSTATE_SO_BUFFER: disabled only */
	GEN9_3D_POOL, /* *_POOL_ALLOC: base + size when enabled */
	GEN9_3D_CONSTANT, /* 3DSTATE_CONSTANT_*: no push constants */
};

struct gen9_3d_cmd {
	const char *name;
	u16 min_len, max_len; /* dwords, header included */
	u8 addr; /* enum gen9_3d_addr */
};

/* Length in dwords as the command streamer reads it. */
static inline u32 gen9_3d_cmd_len(u32 hdr)
{
	u32 key = GEN9_3D_KEY(hdr);

	/* The two single-dword commands have no length field. */
	if (key == GEN9_3D_PIPELINE_SELECT || key == GEN9_3D_VF_STATISTICS)
		return 1;
	return (hdr & 0xffU) + 2;
}

#define GEN9_3D(k, n, lo, hi, a)                                  \
	case (k):                                                 \
		*c = (struct gen9_3d_cmd){ .name = (n),           \
					   .min_len = (lo),       \
					   .max_len = (hi),       \
					   .addr = GEN9_3D_##a }; \
		return true

/* The admitted command of @hdr (not PIPE_CONTROL), or false. */
static inline bool gen9_3d_cmd_of(u32 hdr, struct gen9_3d_cmd *c)
{
	switch (GEN9_3D_KEY(hdr)) {
		GEN9_3D(0x0101, "STATE_BASE_ADDRESS", 19, 19, SBA);
		GEN9_3D(0x0102, "STATE_SIP", 3, 3, NO_ADDR);
		GEN9_3D(0x080b, "3DSTATE_VF_STATISTICS", 1, 1, NO_ADDR);
		GEN9_3D(0x0904, "PIPELINE_SELECT", 1, 1, NO_ADDR);
		GEN9_3D(0x1804, "3DSTATE_CLEAR_PARAMS", 3, 3, NO_ADDR);
		GEN9_3D(0x1805, "3DSTATE_DEPTH_BUFFER", 8, 8, SURFACE);
		GEN9_3D(0x1806, "3DSTATE_STENCIL_BUFFER", 5, 5, SURFACE);
		GEN9_3D(0x1807, "3DSTATE_HIER_DEPTH_BUFFER", 5, 5, SURFACE);
		GEN9_3D(0x1808, "3DSTATE_VERTEX_BUFFERS", 5, 133, VB);
		GEN9_3D(0x1809, "3DSTATE_VERTEX_ELEMENTS", 3, 69, NO_ADDR);
		GEN9_3D(0x180a, "3DSTATE_INDEX_BUFFER", 5, 5, IB);
		GEN9_3D(0x180c, "3DSTATE_VF", 2, 2, NO_ADDR);
		GEN9_3D(0x180d, "3DSTATE_MULTISAMPLE", 2, 2, NO_ADDR);
		GEN9_3D(0x180e, "3DSTATE_CC_STATE_POINTERS", 2, 2, NO_ADDR);
		GEN9_3D(0x180f, "3DSTATE_SCISSOR_STATE_POINTERS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1810, "3DSTATE_VS", 9, 9, NO_ADDR);
		GEN9_3D(0x1811, "3DSTATE_GS", 10, 10, NO_ADDR);
		GEN9_3D(0x1812, "3DSTATE_CLIP", 4, 4, NO_ADDR);
		GEN9_3D(0x1813, "3DSTATE_SF", 4, 4, NO_ADDR);
		GEN9_3D(0x1814, "3DSTATE_WM", 2, 2, NO_ADDR);
		GEN9_3D(0x1815, "3DSTATE_CONSTANT_VS", 11, 11, CONSTANT);
		GEN9_3D(0x1816, "3DSTATE_CONSTANT_GS", 11, 11, CONSTANT);
		GEN9_3D(0x1817, "3DSTATE_CONSTANT_PS", 11, 11, CONSTANT);
		GEN9_3D(0x1818, "3DSTATE_SAMPLE_MASK", 2, 2, NO_ADDR);
		GEN9_3D(0x1819, "3DSTATE_CONSTANT_HS", 11, 11, CONSTANT);
		GEN9_3D(0x181a, "3DSTATE_CONSTANT_DS", 11, 11, CONSTANT);
		GEN9_3D(0x181b, "3DSTATE_HS", 9, 9, NO_ADDR);
		GEN9_3D(0x181c, "3DSTATE_TE", 4, 4, NO_ADDR);
		GEN9_3D(0x181d, "3DSTATE_DS", 11, 11, NO_ADDR);
		GEN9_3D(0x181e, "3DSTATE_STREAMOUT", 5, 5, NO_ADDR);
		GEN9_3D(0x181f, "3DSTATE_SBE", 6, 6, NO_ADDR);
		GEN9_3D(0x1820, "3DSTATE_PS", 12, 12, NO_ADDR);
		GEN9_3D(0x1821, "3DSTATE_VIEWPORT_STATE_POINTERS_SF_CLIP", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1823, "3DSTATE_VIEWPORT_STATE_POINTERS_CC", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1824, "3DSTATE_BLEND_STATE_POINTERS", 2, 2, NO_ADDR);
		GEN9_3D(0x1826, "3DSTATE_BINDING_TABLE_POINTERS_VS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1827, "3DSTATE_BINDING_TABLE_POINTERS_HS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1828, "3DSTATE_BINDING_TABLE_POINTERS_DS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1829, "3DSTATE_BINDING_TABLE_POINTERS_GS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182a, "3DSTATE_BINDING_TABLE_POINTERS_PS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182b, "3DSTATE_SAMPLER_STATE_POINTERS_VS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182c, "3DSTATE_SAMPLER_STATE_POINTERS_HS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182d, "3DSTATE_SAMPLER_STATE_POINTERS_DS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182e, "3DSTATE_SAMPLER_STATE_POINTERS_GS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x182f, "3DSTATE_SAMPLER_STATE_POINTERS_PS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1830, "3DSTATE_URB_VS", 2, 2, NO_ADDR);
		GEN9_3D(0x1831, "3DSTATE_URB_HS", 2, 2, NO_ADDR);
		GEN9_3D(0x1832, "3DSTATE_URB_DS", 2, 2, NO_ADDR);
		GEN9_3D(0x1833, "3DSTATE_URB_GS", 2, 2, NO_ADDR);
		GEN9_3D(0x1849, "3DSTATE_VF_INSTANCING", 3, 3, NO_ADDR);
		GEN9_3D(0x184a, "3DSTATE_VF_SGVS", 2, 2, NO_ADDR);
		GEN9_3D(0x184b, "3DSTATE_VF_TOPOLOGY", 2, 2, NO_ADDR);
		GEN9_3D(0x184c, "3DSTATE_WM_CHROMAKEY", 2, 2, NO_ADDR);
		GEN9_3D(0x184d, "3DSTATE_PS_BLEND", 2, 2, NO_ADDR);
		GEN9_3D(0x184e, "3DSTATE_WM_DEPTH_STENCIL", 4, 4, NO_ADDR);
		GEN9_3D(0x184f, "3DSTATE_PS_EXTRA", 2, 2, NO_ADDR);
		GEN9_3D(0x1850, "3DSTATE_RASTER", 5, 5, NO_ADDR);
		GEN9_3D(0x1851, "3DSTATE_SBE_SWIZ", 11, 11, NO_ADDR);
		GEN9_3D(0x1852, "3DSTATE_WM_HZ_OP", 5, 5, NO_ADDR);
		GEN9_3D(0x1855, "3DSTATE_VF_COMPONENT_PACKING", 5, 5, NO_ADDR);
		GEN9_3D(0x1900, "3DSTATE_DRAWING_RECTANGLE", 4, 4, NO_ADDR);
		GEN9_3D(0x1902, "3DSTATE_SAMPLER_PALETTE_LOAD0", 2, 257,
			NO_ADDR);
		GEN9_3D(0x1904, "3DSTATE_CHROMA_KEY", 4, 4, NO_ADDR);
		GEN9_3D(0x1906, "3DSTATE_POLY_STIPPLE_OFFSET", 2, 2, NO_ADDR);
		GEN9_3D(0x1907, "3DSTATE_POLY_STIPPLE_PATTERN", 33, 33,
			NO_ADDR);
		GEN9_3D(0x1908, "3DSTATE_LINE_STIPPLE", 3, 3, NO_ADDR);
		GEN9_3D(0x190a, "3DSTATE_AA_LINE_PARAMETERS", 3, 3, NO_ADDR);
		GEN9_3D(0x190c, "3DSTATE_SAMPLER_PALETTE_LOAD1", 2, 257,
			NO_ADDR);
		GEN9_3D(0x1911, "3DSTATE_MONOFILTER_SIZE", 2, 2, NO_ADDR);
		GEN9_3D(0x1912, "3DSTATE_PUSH_CONSTANT_ALLOC_VS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1913, "3DSTATE_PUSH_CONSTANT_ALLOC_HS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1914, "3DSTATE_PUSH_CONSTANT_ALLOC_DS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1915, "3DSTATE_PUSH_CONSTANT_ALLOC_GS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1916, "3DSTATE_PUSH_CONSTANT_ALLOC_PS", 2, 2,
			NO_ADDR);
		GEN9_3D(0x1917, "3DSTATE_SO_DECL_LIST", 3, 259, NO_ADDR);
		GEN9_3D(0x1918, "3DSTATE_SO_BUFFER", 8, 8, SO);
		GEN9_3D(0x1919, "3DSTATE_BINDING_TABLE_POOL_ALLOC", 4, 4, POOL);
		GEN9_3D(0x191a, "3DSTATE_GATHER_POOL_ALLOC", 4, 4, POOL);
		GEN9_3D(0x191b, "3DSTATE_DX9_CONSTANTBUFFER_POOL_ALLOC", 4, 4,
			POOL);
		GEN9_3D(0x1b00, "3DPRIMITIVE", 7, 7, NO_ADDR);
	}
	return false;
}

#undef GEN9_3D

#define GEN9_VB_NULL (1U << 13) /* VERTEX_BUFFER_STATE dw0: null buffer */
#define GEN9_SO_BUFFER_ENABLE (1U << 31) /* 3DSTATE_SO_BUFFER dw1 */
#define GEN9_POOL_ENABLE (1U << 11) /* *_POOL_ALLOC dw1 */

/* STATE_BASE_ADDRESS (Gen9, 19 dwords): each base and its size dword. */
#define GEN9_SBA_MODIFY 1U
struct gen9_sba_field {
	u8 addr_dw; /* low dword; the high one follows */
	u8 size_dw; /* 0: no size field (surface state base) */
};

static const struct gen9_sba_field gen9_sba_fields[] = {
	{ 1, 12 }, /* general state */
	{ 4, 0 }, /* surface state */
	{ 6, 13 }, /* dynamic state */
	{ 8, 14 }, /* indirect object */
	{ 10, 15 }, /* instruction */
	{ 16, 18 }, /* bindless surface state */
};

#endif /* XENGT_GEN9_3D_H */
