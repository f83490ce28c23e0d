// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Ring and batch-buffer scanner (see cmd_parser.h).
 *
 * The scanner walks the command stream the way the command streamer will:
 * the ring slice from head to tail, into every batch buffer an
 * MI_BATCH_BUFFER_START enters (first level from the ring, second level
 * from a first-level batch, chaining within a level), back out at
 * MI_BATCH_BUFFER_END.  Only commands it can decode completely and audit
 * are let through.
 *
 * It never decodes guest memory in place.  The ring slice is copied into a
 * shadow ring first; a batch is sized in guest memory (up to its
 * MI_BATCH_BUFFER_END or the chained start that leaves it), copied, and
 * then scanned in the copy.  If the guest changed it in between, the copy
 * simply is what runs: the scan of the copy is what counts, and a copy
 * that no longer ends where the sizing pass saw the end is rejected.
 */
#include "vgpu.h"
#include "cmd_parser.h"
#include "gen9_mem.h"
#include "gen9_3d.h"
#include "gen9.h"

#define MI_OP_LOAD_REGISTER_REG 0x2a
#define CMD_REG_MASK 0x007ffffcU /* register offset bits of LRI/SRM/LRR */
#define CS_GPR(base) ((base) + 0x600U) /* 16 x 64-bit per-context GPRs */
#define CS_GPR_BYTES 0x80U
/* Dword-length fields wider than MI_LEN_MASK (Gen8+ encodings). */
#define MI_SDI_LEN_MASK 0x3ffU
#define MI_LEN8_MASK 0xffU /* LRI, SRM, MI_BATCH_BUFFER_START */

/*
 * Privilege follows the hardware (and the software GPU): the ring and GGTT
 * batches started from it are privileged; a PPGTT batch and everything it
 * starts are not, and there a command's "use GGTT" bit is ignored.  @priv
 * and @ppgtt are the guest's view; the copy itself always runs from GGTT.
 */
struct cmd_frame {
	bool ring;
	bool priv;
	bool ppgtt; /* the guest's batch is fetched through the PPGTT */
	u32 buf; /* its copy: cmd_shadow.buf[buf] */
	u32 pos; /* next command's offset in the copy */
};

struct cmd_scanner {
	struct vgpu *vgpu;
	struct cmd_workload *w;
	struct cmd_shadow *sh;
	u32 *page; /* window on guest memory for sizing (vgpu->scan_buf) */
	u64 page_addr;
	bool page_ppgtt, page_valid;
	u32 dwords, batches;
	u32 copied; /* dwords copied so far: the CMD_MAX_DWORDS budget */
	u32 translations; /* range-check page translations: the budget */
	bool over_budget; /* a range check ran out of translations */
	u32 base; /* engine MMIO base */
	char *reason;
	u32 reason_len;
};

/*
 * Render registers the hardware saves and restores with the context image
 * (i915/gvt's gen9 engine_mmio_list marks them "in context"), which i915
 * 6.1 loads with MI_LOAD_REGISTER_IMM as its per-context workarounds
 * (gen9/skl_ctx_workarounds_init): chicken and mode bits whose value
 * lives in the context, so a load reaches no other context, let alone
 * another vGPU's.  Not the context-saved registers that hold addresses
 * (TR-TT table pointers, ring and batch registers, PDPs): those would let
 * a batch point the GPU elsewhere.  GEN9_WM_CHICKEN3 is one i915 treats
 * as context-saved (a ctx workaround) though gvt's list lacks it.
 */
static const u32 cmd_rcs_ctx_regs[] = {
	0x2580, /* GEN8_CS_CHICKEN1 */
	0x5588, /* GEN9_WM_CHICKEN3 */
	0x7000, /* CACHE_MODE_0_GEN7 */
	0x7004, /* CACHE_MODE_1 */
	0x7008, /* GEN7_GT_MODE */
	0x7010, /* GEN7_COMMON_SLICE_CHICKEN1 */
	0x7014, /* COMMON_SLICE_CHICKEN2 */
	0x7300, /* HDC_CHICKEN0 */
	0x83a4, /* VF_GUARDBAND */
	0xe100, /* GEN7_HALF_SLICE_CHICKEN1 */
	0xe180, /* HALF_SLICE_CHICKEN2 */
	0xe184, /* HALF_SLICE_CHICKEN3 */
	0xe188, /* GEN9_HALF_SLICE_CHICKEN5 */
	0xe194, /* GEN9_HALF_SLICE_CHICKEN7 */
	0xe4f0, /* GEN8_ROW_CHICKEN */
};

static bool cmd_is_ctx_reg(u32 engine, u32 reg)
{
	u32 base = execlist_engine_base(engine), i;

	if (reg >= CS_GPR(base) && reg < CS_GPR(base) + CS_GPR_BYTES)
		return true;
	if (engine != XENGT_RCS)
		return false;
	for (i = 0; i < xengt_array_size(cmd_rcs_ctx_regs); i++)
		if (reg == cmd_rcs_ctx_regs[i])
			return true;
	return false;
}

bool cmd_reg_writable(u32 engine, u32 reg)
{
	return engine < XENGT_NR_ENGINES && cmd_is_ctx_reg(engine, reg);
}

bool cmd_reg_readable(u32 engine, u32 reg)
{
	u32 base;

	if (engine >= XENGT_NR_ENGINES)
		return false;
	base = execlist_engine_base(engine);
	/* Clocks are harmless to read (a batch may time itself). */
	return cmd_is_ctx_reg(engine, reg) || reg == base + RING_TIMESTAMP ||
	       reg == base + RING_TIMESTAMP_UDW ||
	       reg == base + RING_CTX_TIMESTAMP;
}

static int cmd_rejected(struct cmd_scanner *sc)
{
	sc->vgpu->cmd.rejected++;
	return -EACCES;
}

/* Say why in the caller's buffer and fail with -EACCES. */
#define cmd_reject(sc, ...)                                        \
	(os_snprintf((sc)->reason, (sc)->reason_len, __VA_ARGS__), \
	 cmd_rejected(sc))

/* Guest-physical page behind command address @addr, or -EFAULT. */
static int cmd_translate(struct cmd_scanner *sc, bool ppgtt, u64 addr, u64 *gpa)
{
	if (!ppgtt)
		return ggtt_gm_to_gpa(sc->vgpu, addr, gpa);
	if (!sc->w->mm)
		return -EFAULT;
	return ppgtt_translate(sc->w->mm, addr, gpa);
}

/* Dword at guest address @addr, through the one-page window (sizing). */
static int cmd_fetch(struct cmd_scanner *sc, bool ppgtt, u64 addr, u32 *dw)
{
	u64 page = addr & ~(XENGT_PAGE_SIZE - 1);
	u64 gpa;

	if (!sc->page_valid || sc->page_addr != page ||
	    sc->page_ppgtt != ppgtt) {
		sc->page_valid = false;
		if (cmd_translate(sc, ppgtt, page, &gpa) ||
		    hv_read_gpa(sc->vgpu, gpa, sc->page, XENGT_PAGE_SIZE))
			return -EFAULT;
		sc->page_addr = page;
		sc->page_ppgtt = ppgtt;
		sc->page_valid = true;
	}
	*dw = sc->page[(addr & (XENGT_PAGE_SIZE - 1)) / 4];
	return 0;
}

/* Where byte @at of copy @b lives in host memory. */
static u32 *cmd_shadow_ptr(struct cmd_scanner *sc,
			   const struct cmd_shadow_buf *b, u32 at)
{
	at += b->off;
	return (u32 *)((u8 *)sc->sh->cpu[b->first + at / XENGT_PAGE_SIZE] +
		       at % XENGT_PAGE_SIZE);
}

/*
 * Dword @i of the command at frame @f, from the copy: -ERANGE past its
 * end (only possible when the guest changed a batch while it was copied).
 */
static int cmd_dw(struct cmd_scanner *sc, const struct cmd_frame *f, u32 i,
		  u32 *dw)
{
	const struct cmd_shadow_buf *b = &sc->sh->buf[f->buf];
	u32 at = f->pos + 4 * i;

	if (at >= b->len)
		return -ERANGE;
	*dw = *cmd_shadow_ptr(sc, b, at);
	return 0;
}

/* Rewrite dword @i of the command at @f in the copy (already read). */
static void cmd_dw_set(struct cmd_scanner *sc, const struct cmd_frame *f, u32 i,
		       u32 dw)
{
	*cmd_shadow_ptr(sc, &sc->sh->buf[f->buf], f->pos + 4 * i) = dw;
}

static void cmd_advance(struct cmd_frame *f, u32 len)
{
	f->pos += 4 * len;
}

/* Bytes of the ring slice after frame @f's position. */
static u32 cmd_ring_left(struct cmd_scanner *sc, const struct cmd_frame *f)
{
	return sc->sh->buf[f->buf].len - f->pos;
}

/*
 * A new copy of @bytes at page offset @off: host pages mapped in the
 * core's graphics memory, counted against the workload's page budget.
 * Returns its index in sh->buf[] or a negative errno with the reason set.
 */
static int cmd_shadow_alloc(struct cmd_scanner *sc, u32 off, u32 bytes,
			    u64 guest)
{
	struct cmd_shadow *sh = sc->sh;
	struct vgpu *vgpu = sc->vgpu;
	struct xengt_gvt *gvt = vgpu->gvt;
	u32 n = (u32)((off + (u64)bytes + XENGT_PAGE_SIZE - 1) >>
		      XENGT_PAGE_SHIFT);
	struct cmd_shadow_buf *b;
	u64 gm;
	int ret;

	if (!n)
		n = 1;
	if (sh->nr_bufs == CMD_SHADOW_MAX_BUFS ||
	    n > CMD_SHADOW_MAX_PAGES - sh->nr_pages) {
		os_snprintf(
			sc->reason, sc->reason_len,
			"shadow copies of the commands would need more than %u host pages",
			CMD_SHADOW_MAX_PAGES);
		vgpu->cmd.rejected++;
		return -E2BIG;
	}
	/* Cached pages first give way to what a workload needs now. */
	if (vgpu->cmd.shadow_pages_now + vgpu->cmd_cache.nr + n >
	    CMD_SHADOW_VGPU_QUOTA)
		cmd_shadow_cache_drain(vgpu);
	if (vgpu->cmd.shadow_pages_now + n > CMD_SHADOW_VGPU_QUOTA) {
		os_snprintf(
			sc->reason, sc->reason_len,
			"queued work holds %u host pages of shadow commands already (quota %u)",
			vgpu->cmd.shadow_pages_now, CMD_SHADOW_VGPU_QUOTA);
		vgpu->cmd.rejected++;
		return -ENOSPC;
	}
	if (n == 1 && vgpu->cmd_cache.nr) {
		const struct cmd_shadow_page *c =
			&vgpu->cmd_cache.page[--vgpu->cmd_cache.nr];

		sh->cpu[sh->nr_pages] = c->cpu;
		sh->dma[sh->nr_pages] = c->dma;
		gm = c->gm;
		ret = 0;
	} else {
		ret = core_gm_alloc(&gvt->core_gm, gvt->gpu, n,
				    &sh->cpu[sh->nr_pages],
				    &sh->dma[sh->nr_pages], &gm);
	}
	if (ret) {
		os_snprintf(sc->reason, sc->reason_len,
			    "no host memory for %u pages of shadow commands",
			    n);
		vgpu_warn(vgpu, "shadow commands: %u pages: error %d", n, ret);
		return -ENOMEM;
	}
	b = &sh->buf[sh->nr_bufs];
	b->gm = gm;
	b->guest = guest;
	b->first = sh->nr_pages;
	b->nr_pages = n;
	b->off = off;
	b->len = bytes;
	sh->nr_pages += n;
	vgpu->cmd.shadow_pages += n;
	vgpu->cmd.shadow_pages_now += n;
	return (int)sh->nr_bufs++;
}

/*
 * Copy @len bytes of guest commands at @addr (GGTT or PPGTT) to byte @at
 * of copy @b.  -EFAULT if some page is not the guest's.
 */
static int cmd_copy_in(struct cmd_scanner *sc, bool ppgtt, u64 addr,
		       const struct cmd_shadow_buf *b, u32 at, u32 len)
{
	u64 gpa;

	while (len) {
		u32 src = (u32)(addr & (XENGT_PAGE_SIZE - 1));
		u32 dst = (b->off + at) & (XENGT_PAGE_SIZE - 1);
		u32 n = (u32)XENGT_PAGE_SIZE - (src > dst ? src : dst);

		if (n > len)
			n = len;
		if (cmd_translate(sc, ppgtt, addr - src, &gpa) ||
		    hv_read_gpa(sc->vgpu, gpa + src, cmd_shadow_ptr(sc, b, at),
				n))
			return -EFAULT;
		sc->vgpu->cmd.shadow_bytes += n;
		addr += n;
		at += n;
		len -= n;
	}
	return 0;
}

/* Every byte of [addr, addr + len) reachable in the vGPU's own spaces. */
static bool cmd_range_ok(struct cmd_scanner *sc, bool ggtt, u64 addr, u64 len)
{
	u64 page, end, gpa;

	if (!len || addr + len < addr)
		return false;
	if (ggtt || !sc->w->mm)
		return ggtt_gm_range_owned(sc->vgpu, addr, len);
	end = addr + len;
	for (page = addr & ~(XENGT_PAGE_SIZE - 1); page < end;
	     page += XENGT_PAGE_SIZE) {
		if (++sc->translations > CMD_MAX_TRANSLATIONS) {
			sc->over_budget = true;
			return false;
		}
		if (ppgtt_translate(sc->w->mm, page, &gpa))
			return false;
	}
	return true;
}

static u64 cmd_addr(u32 lo, u32 hi)
{
	return (u64)(hi & 0xffff) << 32 | lo;
}

/* Length in dwords of the command starting with @hdr, 0 if unknown. */
static u32 cmd_length(u32 hdr)
{
	switch (hdr >> INSTR_CLIENT_SHIFT) {
	case INSTR_MI_CLIENT:
		/*
		 * Each with its own field width, as the command streamer
		 * decodes it: a narrower mask here would let the GPU see
		 * data where the scanner saw commands.
		 */
		switch (MI_OPCODE(hdr)) {
		case MI_OP_STORE_DATA_IMM:
			return (hdr & MI_SDI_LEN_MASK) + 2;
		case MI_OP_LOAD_REGISTER_IMM:
		case MI_OP_STORE_REGISTER_MEM:
		case MI_OP_BATCH_BUFFER_START:
			return (hdr & MI_LEN8_MASK) + 2;
		default:
			if (MI_OPCODE(hdr) < 0x10)
				return 1;
			return (hdr & MI_LEN_MASK) + 2;
		}
	case INSTR_BC_CLIENT:
		return (hdr & BLT_LEN_MASK) + 2;
	case INSTR_RC_CLIENT: {
		struct gen9_3d_cmd c;

		if ((hdr & PIPE_CONTROL_OPCODE_MASK) == PIPE_CONTROL_OPCODE)
			return (hdr & PIPE_CONTROL_LEN_MASK) + 2;
		return gen9_3d_cmd_of(hdr, &c) ? gen9_3d_cmd_len(hdr) : 0;
	}
	default:
		return 0;
	}
}

static int cmd_lri(struct cmd_scanner *sc, const struct cmd_frame *f, u32 len)
{
	u32 i, reg;

	if (len < 3 || !(len & 1))
		return cmd_reject(sc, "MI_LOAD_REGISTER_IMM with bad length %u",
				  len);
	if (!f->priv)
		return cmd_reject(
			sc, "MI_LOAD_REGISTER_IMM in a non-privileged batch");
	for (i = 1; i < len; i += 2) {
		if (cmd_dw(sc, f, i, &reg))
			return -ERANGE;
		if (!cmd_reg_writable(sc->w->engine, reg & CMD_REG_MASK))
			return cmd_reject(
				sc,
				"MI_LOAD_REGISTER_IMM to register 0x%x, not a per-context register",
				reg & CMD_REG_MASK);
	}
	return 0;
}

/*
 * Check one surface of blit @b: each of its h rows, w * bpp bytes at
 * gen9_blit_row(), the very addresses the GPU uses (gen9_mem.h).
 */
static int cmd_blit_surface(struct cmd_scanner *sc, const char *what,
			    const struct gen9_blit *b,
			    const struct gen9_blit_surface *s)
{
	u64 row_bytes = (u64)b->w * b->bpp, last_page = ~0ULL;
	u32 y;

	if (s->pitch < 0)
		return cmd_reject(sc, "blit %s with negative pitch", what);
	if ((u64)s->pitch >= row_bytes || b->h == 1) {
		/* Rows are disjoint: check each row's pages once. */
		for (y = 0; y < b->h; y++) {
			u64 start = gen9_blit_row(b, s, y);
			u64 end = start + row_bytes;
			u64 p = start & ~(XENGT_PAGE_SIZE - 1);

			if (p == last_page)
				p += XENGT_PAGE_SIZE;
			if (p < end &&
			    !cmd_range_ok(sc, false, p > start ? p : start,
					  end - (p > start ? p : start)))
				goto bad;
			last_page = (end - 1) & ~(XENGT_PAGE_SIZE - 1);
		}
		return 0;
	}
	/* Overlapping rows: the whole span. */
	if (!cmd_range_ok(sc, false, gen9_blit_row(b, s, 0),
			  (u64)(b->h - 1) * (u64)s->pitch + row_bytes))
		goto bad;
	return 0;
bad:
	return cmd_reject(sc, "blit %s at 0x%llx outside the vGPU's memory",
			  what, s->base);
}

static int cmd_blit(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		    u32 len)
{
	u32 d[XY_SRC_COPY_BLT_LEN] = { hdr }, i;
	struct gen9_blit b;
	int ret;

	if (len != XY_SRC_COPY_BLT_LEN && len != XY_COLOR_BLT_LEN)
		return cmd_reject(sc, "blit 0x%08x with bad length %u", hdr,
				  len);
	for (i = 1; i < len; i++)
		if (cmd_dw(sc, f, i, &d[i]))
			return -ERANGE;
	if (gen9_blit_of(d, len, &b))
		return cmd_reject(sc, "blit 0x%08x with bad length %u", hdr,
				  len);
	if (hdr & (XY_DST_TILED | (b.copy ? XY_SRC_TILED : 0)))
		return cmd_reject(sc, "tiled blit 0x%08x not supported", hdr);
	if (!b.w || !b.h)
		return 0; /* empty: nothing is touched */
	ret = cmd_blit_surface(sc, "destination", &b, &b.dst);
	if (ret || !b.copy)
		return ret;
	return cmd_blit_surface(sc, "source", &b, &b.src);
}

/*
 * Approve the memory write of the command @d (@len dwords, at most 6
 * read) exactly as the GPU will make it: gen9_mem.h decodes it for both.
 */
static int cmd_mem_write(struct cmd_scanner *sc, const struct cmd_frame *f,
			 const u32 *d, u32 len, const char *what)
{
	struct gen9_mem_write w;

	if (gen9_mem_write_of(d, len, &w))
		return cmd_reject(sc,
				  "%s: a form the GPU does not run (0x%08x)",
				  what, d[0]);
	if (!w.len)
		return 0;
	/*
	 * A store-index write lands in the per-process HWSP of the context
	 * the GPU runs: page 0 of this workload's shadow context, which is
	 * the core's and this workload's alone, never the engine's status
	 * page (the physical CSB) nor another vGPU's memory; the offset
	 * cannot leave the page (gen9_store_index_offset()).  Safe by
	 * construction, as i915 needs it (its flushes write a scratch slot
	 * there).
	 */
	if (w.store_index)
		return 0;
	if (!cmd_range_ok(sc, f->priv && w.ggtt, w.addr, w.len))
		return cmd_reject(
			sc, "%s write to 0x%llx outside the vGPU's memory",
			what, w.addr);
	return 0;
}

/* The graphics address in dwords @lo, @lo + 1 of a 3D command. */
static int cmd_3d_addr(struct cmd_scanner *sc, const struct cmd_frame *f,
		       u32 lo, u64 *addr)
{
	u32 a, b;

	if (cmd_dw(sc, f, lo, &a) || cmd_dw(sc, f, lo + 1, &b))
		return -ERANGE;
	*addr = cmd_addr(a, b); /* the caller drops its flag bits */
	return 0;
}

/*
 * [addr, addr + len) of a 3D command: in this vGPU's memory, through the
 * GGTT for a privileged batch and the PPGTT otherwise, the stricter of the
 * two ways a real GPU might take (the software GPU draws nothing).
 */
static int cmd_3d_range(struct cmd_scanner *sc, const struct cmd_frame *f,
			const char *what, u64 addr, u64 len)
{
	if (!len || cmd_range_ok(sc, f->priv, addr, len))
		return 0;
	return cmd_reject(sc, "%s at 0x%llx+0x%llx outside the vGPU's memory",
			  what, addr, len);
}

static int cmd_3d_sba(struct cmd_scanner *sc, const struct cmd_frame *f)
{
	u32 i, lo, sz = 0;
	u64 base;
	int ret;

	for (i = 0; i < xengt_array_size(gen9_sba_fields); i++) {
		const struct gen9_sba_field *fl = &gen9_sba_fields[i];

		if (cmd_dw(sc, f, fl->addr_dw, &lo))
			return -ERANGE;
		if (!(lo & GEN9_SBA_MODIFY))
			continue;
		ret = cmd_3d_addr(sc, f, fl->addr_dw, &base);
		if (ret)
			return ret;
		base &= ~(u64)(XENGT_PAGE_SIZE - 1);
		if (!fl->size_dw) {
			/* No bound of its own: its first page at least. */
			ret = cmd_3d_range(sc, f, "STATE_BASE_ADDRESS base",
					   base, XENGT_PAGE_SIZE);
			if (ret)
				return ret;
			continue;
		}
		if (cmd_dw(sc, f, fl->size_dw, &sz))
			return -ERANGE;
		/* A new base with the old, unknown bound is not checkable. */
		if (!(sz & GEN9_SBA_MODIFY))
			return cmd_reject(
				sc,
				"STATE_BASE_ADDRESS: base in dword %u without its size",
				fl->addr_dw);
		ret = cmd_3d_range(sc, f, "STATE_BASE_ADDRESS range", base,
				   (u64)(sz >> 12) << XENGT_PAGE_SHIFT);
		if (ret)
			return ret;
	}
	return 0;
}

/* 3D state (gen9_3d.h): admitted by name, its addresses checked. */
static int cmd_3d(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		  u32 len)
{
	struct gen9_3d_cmd c;
	u32 d[5] = { hdr }, i;
	u64 addr;
	int ret;

	if (!gen9_3d_cmd_of(hdr, &c) || len < c.min_len || len > c.max_len)
		return cmd_reject(sc,
				  "render command 0x%08x with bad length %u",
				  hdr, len);
	/* Most are plain state: nothing more to read of them. */
	if (c.addr == GEN9_3D_NO_ADDR)
		return 0;
	for (i = 1; i < len && i < xengt_array_size(d); i++)
		if (cmd_dw(sc, f, i, &d[i]))
			return -ERANGE;
	switch (c.addr) {
	case GEN9_3D_SBA:
		return cmd_3d_sba(sc, f);
	case GEN9_3D_VB:
		if ((len - 1) % 4)
			break;
		for (i = 1; i < len; i += 4) {
			u32 dw0, size;

			if (cmd_dw(sc, f, i, &dw0) ||
			    cmd_dw(sc, f, i + 3, &size))
				return -ERANGE;
			if (dw0 & GEN9_VB_NULL)
				continue;
			ret = cmd_3d_addr(sc, f, i + 1, &addr);
			if (ret)
				return ret;
			ret = cmd_3d_range(sc, f, "vertex buffer", addr, size);
			if (ret)
				return ret;
		}
		return 0;
	case GEN9_3D_IB:
		ret = cmd_3d_addr(sc, f, 2, &addr);
		return ret ? ret :
			     cmd_3d_range(sc, f, "index buffer", addr, d[4]);
	case GEN9_3D_SURFACE:
		/* Depth, stencil, HiZ: null (no address) only. */
		if (d[2] || d[3])
			return cmd_reject(
				sc, "%s with a surface: not modelled, refused",
				c.name);
		return 0;
	case GEN9_3D_SO:
		if (d[1] & GEN9_SO_BUFFER_ENABLE)
			return cmd_reject(
				sc, "3DSTATE_SO_BUFFER enabled: not modelled");
		return 0;
	case GEN9_3D_POOL:
		if (!(d[1] & GEN9_POOL_ENABLE))
			return 0;
		ret = cmd_3d_addr(sc, f, 1, &addr);
		return ret ? ret :
			     cmd_3d_range(sc, f, c.name,
					  addr & ~(u64)(XENGT_PAGE_SIZE - 1),
					  (u64)(d[3] >> 12)
						  << XENGT_PAGE_SHIFT);
	case GEN9_3D_CONSTANT:
		if (d[1] || d[2])
			return cmd_reject(
				sc, "%s with push constants: not modelled",
				c.name);
		return 0;
	}
	return cmd_reject(sc, "render command 0x%08x with bad length %u", hdr,
			  len);
}

/* Audit one non-batch command; 0 if it may run. */
static int cmd_audit(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		     u32 len)
{
	u32 engine = sc->w->engine, d[6] = { hdr }, i, op;

	for (i = 1; i < len && i < 6; i++)
		if (cmd_dw(sc, f, i, &d[i]))
			return -ERANGE;
	switch (hdr >> INSTR_CLIENT_SHIFT) {
	case INSTR_MI_CLIENT:
		break;
	case INSTR_BC_CLIENT:
		if (engine != XENGT_BCS ||
		    (BLT_OPCODE(hdr) != BLT_OP_XY_COLOR &&
		     BLT_OPCODE(hdr) != BLT_OP_XY_SRC_COPY))
			goto unknown;
		return cmd_blit(sc, f, hdr, len);
	case INSTR_RC_CLIENT:
		if (engine != XENGT_RCS)
			goto unknown;
		/* cmd_length() admits PIPE_CONTROL and gen9_3d.h's here. */
		if ((hdr & PIPE_CONTROL_OPCODE_MASK) != PIPE_CONTROL_OPCODE)
			return cmd_3d(sc, f, hdr, len);
		if (len != 6)
			goto unknown;
		return cmd_mem_write(sc, f, d, len, "PIPE_CONTROL");
	default:
		goto unknown;
	}
	op = MI_OPCODE(hdr);
	switch (op) {
	case MI_OP_NOOP:
	case MI_OP_USER_INTERRUPT:
	case MI_OP_ARB_CHECK:
	case MI_OP_ARB_ON_OFF: /* i915 brackets every request with it */
		return 0;
	case MI_OP_STORE_DATA_IMM:
		if (len != 4 && len != 5)
			break;
		return cmd_mem_write(sc, f, d, len, "MI_STORE_DATA_IMM");
	case MI_OP_LOAD_REGISTER_IMM:
		return cmd_lri(sc, f, len);
	case MI_OP_STORE_REGISTER_MEM:
		if (len != 4)
			break;
		if (!cmd_reg_readable(engine, d[1] & CMD_REG_MASK))
			return cmd_reject(
				sc,
				"MI_STORE_REGISTER_MEM of register 0x%x, not whitelisted",
				d[1] & CMD_REG_MASK);
		return cmd_mem_write(sc, f, d, len, "MI_STORE_REGISTER_MEM");
	case MI_OP_LOAD_REGISTER_REG:
		if (len != 3)
			break;
		if (!cmd_reg_readable(engine, d[1] & CMD_REG_MASK) ||
		    !cmd_reg_writable(engine, d[2] & CMD_REG_MASK))
			return cmd_reject(
				sc,
				"MI_LOAD_REGISTER_REG 0x%x -> 0x%x, not whitelisted",
				d[1] & CMD_REG_MASK, d[2] & CMD_REG_MASK);
		return 0;
	case MI_OP_FLUSH_DW:
		if (engine == XENGT_RCS)
			goto unknown;
		if (len != 4 && len != 5)
			break;
		return cmd_mem_write(sc, f, d, len, "MI_FLUSH_DW");
	default:
		goto unknown;
	}
	return cmd_reject(sc, "MI command 0x%08x with bad length %u", hdr, len);
unknown:
	return cmd_reject(sc, "command 0x%08x not allowed on engine 0x%x", hdr,
			  sc->base);
}

/*
 * The copy of a non-privileged batch runs privileged (from GGTT): clear the
 * "use GGTT" bits the hardware ignores in a non-privileged batch, so that
 * the copy does on the GPU what the scanner audited (PPGTT accesses).
 * @f's command at its position was accepted by cmd_audit().
 */
static void cmd_drop_ggtt_bits(struct cmd_scanner *sc,
			       const struct cmd_frame *f, u32 hdr)
{
	u32 d1;

	if (hdr >> INSTR_CLIENT_SHIFT == INSTR_RC_CLIENT) {
		/* PIPE_CONTROL, the only render command let through. */
		if (!cmd_dw(sc, f, 1, &d1))
			cmd_dw_set(sc, f, 1, d1 & ~PIPE_CONTROL_GLOBAL_GTT_IVB);
		return;
	}
	if (hdr >> INSTR_CLIENT_SHIFT != INSTR_MI_CLIENT)
		return;
	switch (MI_OPCODE(hdr)) {
	case MI_OP_STORE_DATA_IMM:
		cmd_dw_set(sc, f, 0, hdr & ~MI_USE_GGTT);
		break;
	case MI_OP_STORE_REGISTER_MEM:
		cmd_dw_set(sc, f, 0, hdr & ~MI_SRM_LRM_GLOBAL_GTT);
		break;
	case MI_OP_FLUSH_DW:
		if (!cmd_dw(sc, f, 1, &d1))
			cmd_dw_set(sc, f, 1, d1 & ~MI_FLUSH_DW_USE_GTT);
		break;
	}
}

static int cmd_check(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		     u32 len)
{
	int ret = cmd_audit(sc, f, hdr, len);

	if (!ret && !f->priv)
		cmd_drop_ggtt_bits(sc, f, hdr);
	return ret;
}

/*
 * Copy the ring slice [head, tail) into a shadow ring: the slice at offset
 * 0, and at least one free dword after it (a ring's tail is never its
 * size).  Sets w->shadow_*.
 */
static int cmd_shadow_ring(struct cmd_scanner *sc)
{
	struct cmd_workload *w = sc->w;
	u32 len = (w->tail - w->head + w->ring_size) % w->ring_size;
	u32 first = w->ring_size - w->head < len ? w->ring_size - w->head : len;
	const struct cmd_shadow_buf *b;
	int bi;

	if (len / 4 > CMD_MAX_DWORDS) {
		cmd_reject(sc, "ring slice of %u bytes longer than %u dwords",
			   len, CMD_MAX_DWORDS);
		return -E2BIG;
	}
	/* Room for one byte more: the tail must stay below the size. */
	bi = cmd_shadow_alloc(sc, 0, len + 1, w->ring_start + w->head);
	if (bi < 0)
		return bi;
	sc->sh->buf[bi].len = len;
	b = &sc->sh->buf[bi];
	if (cmd_copy_in(sc, false, w->ring_start + w->head, b, 0, first) ||
	    cmd_copy_in(sc, false, w->ring_start, b, first, len - first)) {
		cmd_reject(sc, "ring 0x%llx cannot be read", w->ring_start);
		return -EFAULT;
	}
	sc->copied = len / 4;
	w->shadow_ring = b->gm;
	w->shadow_ring_size = b->nr_pages << XENGT_PAGE_SHIFT;
	w->shadow_tail = len;
	return bi;
}

/*
 * Bytes of the guest batch at @addr: up to and including its
 * MI_BATCH_BUFFER_END, or the chained MI_BATCH_BUFFER_START that leaves it,
 * or a command the scanner will refuse.  Read in guest memory: only the
 * copy made afterwards is trusted.
 */
static int cmd_batch_size(struct cmd_scanner *sc, bool ppgtt, u64 addr,
			  u32 *bytes)
{
	u32 limit = CMD_MAX_DWORDS - sc->copied, n = 0, hdr, len;

	for (;;) {
		if (n >= limit)
			goto too_long;
		if (cmd_fetch(sc, ppgtt, addr + 4ULL * n, &hdr)) {
			cmd_reject(sc, "batch at %s 0x%llx cannot be read",
				   ppgtt ? "PPGTT" : "GGTT", addr + 4ULL * n);
			return -EFAULT;
		}
		len = cmd_length(hdr);
		if (!len) {
			n++; /* the scan of the copy refuses it */
			break;
		}
		n += len;
		if (hdr >> INSTR_CLIENT_SHIFT != INSTR_MI_CLIENT)
			continue;
		if (MI_OPCODE(hdr) == MI_OP_BATCH_BUFFER_END)
			break;
		if (MI_OPCODE(hdr) == MI_OP_BATCH_BUFFER_START &&
		    !(hdr & MI_BATCH_2ND_LEVEL))
			break;
	}
	if (n > limit)
		goto too_long;
	*bytes = 4 * n;
	return 0;
too_long:
	cmd_reject(sc, "command stream longer than %u dwords (endless batch?)",
		   CMD_MAX_DWORDS);
	return -E2BIG;
}

/* Size, allocate and copy the batch at @addr; its index in sh->buf[]. */
static int cmd_shadow_batch(struct cmd_scanner *sc, bool ppgtt, u64 addr)
{
	u32 off = (u32)(addr & (XENGT_PAGE_SIZE - 1)), bytes;
	int bi, ret;

	ret = cmd_batch_size(sc, ppgtt, addr, &bytes);
	if (ret)
		return ret;
	bi = cmd_shadow_alloc(sc, off, bytes, addr);
	if (bi < 0)
		return bi;
	if (cmd_copy_in(sc, ppgtt, addr, &sc->sh->buf[bi], 0, bytes)) {
		cmd_reject(sc, "batch at %s 0x%llx cannot be read",
			   ppgtt ? "PPGTT" : "GGTT", addr);
		return -EFAULT;
	}
	sc->copied += bytes / 4;
	return bi;
}

void cmd_shadow_release(struct vgpu *vgpu, struct cmd_shadow *sh)
{
	struct cmd_shadow_cache *cache = &vgpu->cmd_cache;
	struct xengt_gvt *gvt = vgpu->gvt;
	u32 i;

	for (i = 0; i < sh->nr_bufs; i++) {
		struct cmd_shadow_buf *b = &sh->buf[i];

		if (b->nr_pages == 1 && cache->nr < CMD_SHADOW_CACHE_PAGES) {
			cache->page[cache->nr++] = (struct cmd_shadow_page){
				.cpu = sh->cpu[b->first],
				.dma = sh->dma[b->first],
				.gm = b->gm,
			};
			continue;
		}
		core_gm_free(&gvt->core_gm, gvt->gpu, b->gm, b->nr_pages,
			     &sh->cpu[b->first], &sh->dma[b->first]);
	}
	vgpu->cmd.shadow_pages_now -= sh->nr_pages;
	sh->nr_bufs = 0;
	sh->nr_pages = 0;
}

void cmd_shadow_cache_drain(struct vgpu *vgpu)
{
	struct cmd_shadow_cache *cache = &vgpu->cmd_cache;
	struct xengt_gvt *gvt = vgpu->gvt;

	while (cache->nr) {
		struct cmd_shadow_page *c = &cache->page[--cache->nr];

		core_gm_free(&gvt->core_gm, gvt->gpu, c->gm, 1, &c->cpu,
			     &c->dma);
	}
}

/* Say where a copy ran short: the guest changed the batch under the copy. */
static int cmd_where(struct cmd_scanner *sc, const struct cmd_frame *f, int ret)
{
	const struct cmd_shadow_buf *b = &sc->sh->buf[f->buf];

	if (ret != -ERANGE)
		return ret;
	cmd_reject(
		sc,
		"batch at %s 0x%llx changed while it was copied: no end at 0x%llx",
		f->ppgtt ? "PPGTT" : "GGTT", b->guest, b->guest + f->pos);
	return -EFAULT;
}

int cmd_scan(struct vgpu *vgpu, struct cmd_workload *w, struct cmd_shadow *sh,
	     char *reason, u32 reason_len)
{
	struct cmd_frame stack[CMD_MAX_DEPTH + 1];
	struct cmd_scanner sc = {
		.vgpu = vgpu,
		.w = w,
		.sh = sh,
		.page = (u32 *)vgpu->scan_buf,
		.base = execlist_engine_base(w->engine),
		.reason = reason,
		.reason_len = reason_len,
	};
	u32 depth = 0;
	int ret;

	reason[0] = '\0';
	ret = cmd_shadow_ring(&sc);
	if (ret < 0)
		return ret;
	stack[0] = (struct cmd_frame){
		.ring = true,
		.priv = true,
		.buf = (u32)ret,
	};
	ret = 0;
	while (!(depth == 0 && cmd_ring_left(&sc, &stack[0]) == 0)) {
		struct cmd_frame *f = &stack[depth];
		u32 hdr, len, lo, hi;
		bool ppgtt, priv, nested;
		const struct cmd_shadow_buf *b;
		u64 to;
		int bi;

		ret = cmd_dw(&sc, f, 0, &hdr);
		if (ret)
			break;
		len = cmd_length(hdr);
		if (!len) {
			ret = cmd_reject(
				&sc, "unknown command 0x%08x on engine 0x%x",
				hdr, sc.base);
			break;
		}
		sc.dwords += len;
		if (f->ring && 4 * len > cmd_ring_left(&sc, f)) {
			ret = cmd_reject(&sc,
					 "command 0x%08x crosses the ring tail",
					 hdr);
			break;
		}
		if (hdr >> INSTR_CLIENT_SHIFT != INSTR_MI_CLIENT ||
		    (MI_OPCODE(hdr) != MI_OP_BATCH_BUFFER_START &&
		     MI_OPCODE(hdr) != MI_OP_BATCH_BUFFER_END)) {
			ret = cmd_check(&sc, f, hdr, len);
			if (ret)
				break;
			cmd_advance(f, len);
			continue;
		}
		if (MI_OPCODE(hdr) == MI_OP_BATCH_BUFFER_END) {
			if (f->ring) {
				ret = cmd_reject(
					&sc, "MI_BATCH_BUFFER_END in the ring");
				break;
			}
			depth--; /* back to whoever started this batch */
			continue;
		}
		/* MI_BATCH_BUFFER_START */
		if (len != 3) {
			ret = cmd_reject(
				&sc, "MI_BATCH_BUFFER_START with bad length %u",
				len);
			break;
		}
		if (++sc.batches > CMD_MAX_BATCHES) {
			cmd_reject(
				&sc,
				"more than %u batch buffers (endless chain?)",
				CMD_MAX_BATCHES);
			ret = -E2BIG;
			break;
		}
		ret = cmd_dw(&sc, f, 1, &lo);
		if (!ret)
			ret = cmd_dw(&sc, f, 2, &hi);
		if (ret)
			break;
		ppgtt = !f->priv || (hdr & MI_BATCH_PPGTT);
		priv = f->priv && !ppgtt;
		nested = f->ring || (hdr & MI_BATCH_2ND_LEVEL);
		if (nested && depth == CMD_MAX_DEPTH) {
			ret = cmd_reject(
				&sc,
				"batch buffers nested deeper than %u levels",
				CMD_MAX_DEPTH);
			break;
		}
		bi = cmd_shadow_batch(&sc, ppgtt, cmd_addr(lo & ~3U, hi));
		if (bi < 0) {
			ret = bi;
			break;
		}
		/* The GPU starts the copy, from GGTT; the level stays. */
		b = &sh->buf[bi];
		to = b->gm + b->off;
		cmd_dw_set(&sc, f, 0, hdr & ~MI_BATCH_PPGTT);
		cmd_dw_set(&sc, f, 1, (u32)to);
		cmd_dw_set(&sc, f, 2, (u32)(to >> 32));
		cmd_advance(f, len);
		if (nested)
			f = &stack[++depth];
		/* Otherwise a chain: the new batch replaces this one. */
		*f = (struct cmd_frame){
			.priv = priv,
			.ppgtt = ppgtt,
			.buf = (u32)bi,
		};
	}
	vgpu->cmd.scanned_dwords += sc.dwords;
	vgpu->cmd.batches += sc.batches;
	vgpu->cmd.translations += sc.translations;
	if (ret && sc.over_budget) {
		/* Whatever the check said, it stopped for the budget. */
		os_snprintf(
			reason, reason_len,
			"scan budget exceeded: more than %u page translations for range checks",
			CMD_MAX_TRANSLATIONS);
		return -E2BIG;
	}
	if (ret)
		return cmd_where(&sc, &stack[depth], ret);
	return 0;
}
