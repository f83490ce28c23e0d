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
 */
#include "vgpu.h"
#include "cmd_parser.h"
#include "gen9.h"

#define MI_OP_LOAD_REGISTER_REG 0x2a
#define CMD_REG_MASK 0x007ffffcU /* register offset bits of LRI/SRM/LRR */
#define CS_GPR(base) ((base) + 0x600U) /* 16 x 64-bit per-context GPRs */
#define CS_GPR_BYTES 0x80U
#define CACHE_MODE_0_GEN7 0x7000U
#define CACHE_MODE_1 0x7004U

/*
 * Privilege follows the hardware (and the software GPU): the ring and GGTT
 * batches started from it are privileged; a PPGTT batch and everything it
 * starts are not, and there a command's "use GGTT" bit is ignored.
 */
struct cmd_frame {
	bool ring;
	bool priv;
	bool ppgtt; /* batch fetched through the PPGTT */
	u64 addr; /* batch: next command's address */
	u32 off; /* ring: next command's offset */
	u32 left; /* ring: bytes up to the tail */
};

struct cmd_scanner {
	struct vgpu *vgpu;
	const struct cmd_workload *w;
	u32 *page; /* window on the command stream (vgpu->scan_buf) */
	u64 page_addr;
	bool page_ppgtt, page_valid;
	u32 dwords, batches;
	u32 base; /* engine MMIO base */
	char *reason;
	u32 reason_len;
};

static bool cmd_is_ctx_reg(u32 engine, u32 reg)
{
	u32 base = execlist_engine_base(engine);

	if (reg >= CS_GPR(base) && reg < CS_GPR(base) + CS_GPR_BYTES)
		return true;
	/* Render cache modes are saved and restored with the context. */
	return engine == XENGT_RCS &&
	       (reg == CACHE_MODE_0_GEN7 || reg == CACHE_MODE_1);
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

static int cmd_fetch(struct cmd_scanner *sc, bool ppgtt, u64 addr, u32 *dw)
{
	u64 page = addr & ~(XENGT_PAGE_SIZE - 1);
	u64 gpa;

	if (!sc->page_valid || sc->page_addr != page ||
	    sc->page_ppgtt != ppgtt) {
		sc->page_valid = false;
		if (cmd_translate(sc, ppgtt, page, &gpa) ||
		    sc->vgpu->gvt->hv->read_gpa(sc->vgpu, gpa, sc->page,
						XENGT_PAGE_SIZE))
			return -EFAULT;
		sc->page_addr = page;
		sc->page_ppgtt = ppgtt;
		sc->page_valid = true;
	}
	*dw = sc->page[(addr & (XENGT_PAGE_SIZE - 1)) / 4];
	return 0;
}

/* Dword @i of the command at frame @f. */
static int cmd_dw(struct cmd_scanner *sc, const struct cmd_frame *f, u32 i,
		  u32 *dw)
{
	if (f->ring)
		return cmd_fetch(sc, false,
				 sc->w->ring_start +
					 (f->off + 4ULL * i) % sc->w->ring_size,
				 dw);
	return cmd_fetch(sc, f->ppgtt, f->addr + 4ULL * i, dw);
}

static void cmd_advance(struct cmd_scanner *sc, struct cmd_frame *f, u32 len)
{
	if (f->ring) {
		f->off = (f->off + 4 * len) % sc->w->ring_size;
		f->left -= 4 * len;
	} else {
		f->addr += 4ULL * len;
	}
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
	     page += XENGT_PAGE_SIZE)
		if (ppgtt_translate(sc->w->mm, page, &gpa))
			return false;
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
		if (MI_OPCODE(hdr) < 0x10)
			return 1;
		if (MI_OPCODE(hdr) == MI_OP_LOAD_REGISTER_IMM)
			return (hdr & 0xff) + 2;
		return (hdr & MI_LEN_MASK) + 2;
	case INSTR_BC_CLIENT:
		return (hdr & BLT_LEN_MASK) + 2;
	case INSTR_RC_CLIENT:
		if ((hdr & PIPE_CONTROL_OPCODE_MASK) == PIPE_CONTROL_OPCODE)
			return (hdr & PIPE_CONTROL_LEN_MASK) + 2;
		return 0;
	default:
		return 0;
	}
}

/*
 * Store-index writes land in the engine's status page, which is the core's
 * own (it holds the physical CSB): never the guest's to write.
 */
static int cmd_store_index(struct cmd_scanner *sc, const char *what)
{
	return cmd_reject(sc, "%s store-index write into the status page",
			  what);
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
			return -EFAULT;
		if (!cmd_reg_writable(sc->w->engine, reg & CMD_REG_MASK))
			return cmd_reject(
				sc,
				"MI_LOAD_REGISTER_IMM to register 0x%x, not a per-context register",
				reg & CMD_REG_MASK);
	}
	return 0;
}

/* Check one blit surface: rows [y1, y2) of [x1, x2) pixels. */
static int cmd_blit_surface(struct cmd_scanner *sc, const char *what, u64 base,
			    u32 pitch_dw, u32 bpp, u32 x1, u32 y1, u32 w, u32 h)
{
	/* A signed 16-bit field. */
	s32 pitch = (s32)(pitch_dw << 16) >> 16;
	u64 row_bytes = (u64)w * bpp, last_page = ~0ULL, y;

	if (pitch < 0)
		return cmd_reject(sc, "blit %s with negative pitch", what);
	if ((u64)pitch >= row_bytes || h == 1) {
		/* Rows are disjoint: check each row's pages once. */
		for (y = y1; y < (u64)y1 + h; y++) {
			u64 start = base + y * pitch + (u64)x1 * bpp;
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
	if (!cmd_range_ok(sc, false, base + (u64)y1 * pitch + (u64)x1 * bpp,
			  (u64)(h - 1) * pitch + row_bytes))
		goto bad;
	return 0;
bad:
	return cmd_reject(sc, "blit %s at 0x%llx outside the vGPU's memory",
			  what, base);
}

static int cmd_blit(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		    u32 len)
{
	static const u32 bpp_of[4] = { 1, 2, 2, 4 };
	u32 d[XY_SRC_COPY_BLT_LEN], i, bpp, x1, y1, x2, y2;
	bool copy = BLT_OPCODE(hdr) == BLT_OP_XY_SRC_COPY;
	int ret;

	if (len != (copy ? XY_SRC_COPY_BLT_LEN : XY_COLOR_BLT_LEN))
		return cmd_reject(sc, "blit 0x%08x with bad length %u", hdr,
				  len);
	if (hdr & (XY_DST_TILED | (copy ? XY_SRC_TILED : 0)))
		return cmd_reject(sc, "tiled blit 0x%08x not supported", hdr);
	for (i = 1; i < len; i++)
		if (cmd_dw(sc, f, i, &d[i]))
			return -EFAULT;
	bpp = bpp_of[(d[1] & BR13_DEPTH_MASK) >> BR13_DEPTH_SHIFT];
	x1 = d[2] & 0xffff;
	y1 = d[2] >> 16;
	x2 = d[3] & 0xffff;
	y2 = d[3] >> 16;
	if (x2 <= x1 || y2 <= y1)
		return 0; /* empty: nothing is touched */
	ret = cmd_blit_surface(sc, "destination", cmd_addr(d[4], d[5]), d[1],
			       bpp, x1, y1, x2 - x1, y2 - y1);
	if (ret || !copy)
		return ret;
	return cmd_blit_surface(sc, "source", cmd_addr(d[8], d[9]), d[7], bpp,
				d[6] & 0xffff, d[6] >> 16, x2 - x1, y2 - y1);
}

/* Audit one non-batch command; 0 if it may run. */
static int cmd_check(struct cmd_scanner *sc, const struct cmd_frame *f, u32 hdr,
		     u32 len)
{
	u32 engine = sc->w->engine, d[6] = { 0 }, i, op;

	for (i = 1; i < len && i < 6; i++)
		if (cmd_dw(sc, f, i, &d[i]))
			return -EFAULT;
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
		/* cmd_length() only admits PIPE_CONTROL here. */
		if (engine != XENGT_RCS || len != 6)
			goto unknown;
		if (!(d[1] & PIPE_CONTROL_POST_SYNC_OP_MASK))
			return 0;
		if (d[1] & PIPE_CONTROL_STORE_DATA_INDEX)
			return cmd_store_index(sc, "PIPE_CONTROL");
		if (!cmd_range_ok(
			    sc, f->priv && (d[1] & PIPE_CONTROL_GLOBAL_GTT_IVB),
			    cmd_addr(d[2] & ~7U, d[3]), 8))
			return cmd_reject(
				sc,
				"PIPE_CONTROL write to 0x%llx outside the vGPU's memory",
				cmd_addr(d[2] & ~7U, d[3]));
		return 0;
	default:
		goto unknown;
	}
	op = MI_OPCODE(hdr);
	switch (op) {
	case MI_OP_NOOP:
	case MI_OP_USER_INTERRUPT:
	case MI_OP_ARB_CHECK:
		return 0;
	case MI_OP_STORE_DATA_IMM:
		if (len != 4 && len != 5)
			break;
		if (!cmd_range_ok(sc, f->priv && (hdr & MI_USE_GGTT),
				  cmd_addr(d[1], d[2]), len == 5 ? 8 : 4))
			return cmd_reject(
				sc,
				"MI_STORE_DATA_IMM to 0x%llx outside the vGPU's memory",
				cmd_addr(d[1], d[2]));
		return 0;
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
		if (!cmd_range_ok(sc, f->priv && (hdr & MI_SRM_LRM_GLOBAL_GTT),
				  cmd_addr(d[2], d[3]), 4))
			return cmd_reject(
				sc,
				"MI_STORE_REGISTER_MEM to 0x%llx outside the vGPU's memory",
				cmd_addr(d[2], d[3]));
		return 0;
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
		if (!(hdr & MI_FLUSH_DW_OP_MASK))
			return 0;
		if (hdr & MI_FLUSH_DW_STORE_INDEX)
			return cmd_store_index(sc, "MI_FLUSH_DW");
		if (!cmd_range_ok(sc, f->priv && (d[1] & MI_FLUSH_DW_USE_GTT),
				  cmd_addr(d[1] & ~7U, d[2]), len == 5 ? 8 : 4))
			return cmd_reject(
				sc,
				"MI_FLUSH_DW write to 0x%llx outside the vGPU's memory",
				cmd_addr(d[1] & ~7U, d[2]));
		return 0;
	default:
		goto unknown;
	}
	return cmd_reject(sc, "MI command 0x%08x with bad length %u", hdr, len);
unknown:
	return cmd_reject(sc, "command 0x%08x not allowed on engine 0x%x", hdr,
			  sc->base);
}

static int cmd_where(struct cmd_scanner *sc, const struct cmd_frame *f, int ret)
{
	if (ret == -EFAULT) {
		if (f->ring)
			cmd_reject(sc, "ring 0x%llx offset 0x%x cannot be read",
				   sc->w->ring_start, f->off);
		else
			cmd_reject(sc, "batch at %s 0x%llx cannot be read",
				   f->ppgtt ? "PPGTT" : "GGTT", f->addr);
		return -EFAULT;
	}
	return ret;
}

int cmd_scan(struct vgpu *vgpu, const struct cmd_workload *w, char *reason,
	     u32 reason_len)
{
	struct cmd_frame stack[CMD_MAX_DEPTH + 1];
	struct cmd_scanner sc = {
		.vgpu = vgpu,
		.w = w,
		.page = (u32 *)vgpu->scan_buf,
		.base = execlist_engine_base(w->engine),
		.reason = reason,
		.reason_len = reason_len,
	};
	u32 depth = 0;
	int ret = 0;

	reason[0] = '\0';
	stack[0] = (struct cmd_frame){
		.ring = true,
		.priv = true,
		.off = w->head,
		.left = (w->tail - w->head + w->ring_size) % w->ring_size,
	};
	while (!(depth == 0 && stack[0].left == 0)) {
		struct cmd_frame *f = &stack[depth];
		u32 hdr, len, lo, hi;
		bool ppgtt, priv;

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
		if (sc.dwords > CMD_MAX_DWORDS) {
			ret = cmd_reject(
				&sc,
				"command stream longer than %u dwords (endless batch?)",
				CMD_MAX_DWORDS);
			ret = -E2BIG;
			break;
		}
		if (f->ring && 4 * len > f->left) {
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
			cmd_advance(&sc, f, len);
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
			ret = cmd_reject(
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
		cmd_advance(&sc, f, len);
		if (f->ring || (hdr & MI_BATCH_2ND_LEVEL)) {
			if (depth == CMD_MAX_DEPTH) {
				ret = cmd_reject(
					&sc,
					"batch buffers nested deeper than %u levels",
					CMD_MAX_DEPTH);
				break;
			}
			f = &stack[++depth];
		}
		/* Otherwise a chain: the new batch replaces this one. */
		*f = (struct cmd_frame){
			.priv = priv,
			.ppgtt = ppgtt,
			.addr = cmd_addr(lo & ~3U, hi),
		};
	}
	vgpu->cmd.scanned_dwords += sc.dwords;
	vgpu->cmd.batches += sc.batches;
	if (ret)
		return cmd_where(&sc, &stack[depth], ret);
	return 0;
}
