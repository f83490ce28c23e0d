// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The command streamer of the software GPU (see sim_cs.h).
 */
#include "sim_gpu.h"
#include "gen9_mem.h"
#include "gen9_3d.h"
#include "sim_cs.h"

#define SIM_CS_LEVELS 3 /* ring, 1st-level batch, 2nd-level batch */

struct sim_cs_level {
	enum sim_space space;
	u64 addr; /* batch: graphics address of the next dword */
	bool privileged;
	u64 vpn; /* page whose frame is cached below, ~0 = none */
	u8 *frame;
};

struct sim_cs {
	struct sim_engine *e;
	struct sim_gpu *g;
	struct sim_cs_run *run;
	struct sim_cs_level lv[SIM_CS_LEVELS];
	int depth; /* 0 = ring */
	u64 cmd_addr; /* graphics address of the current command */
};

/*
 * The per-dword fetch path is the test bench, not what is fuzzed, and runs
 * for every dword the scanner already traced: no coverage tracing
 * (SIM_NOCOV, sim_bus.h).  Command dispatch below keeps it.
 */
SIM_NOCOV static void cs_charge(struct sim_cs *cs, u64 ticks)
{
	cs->run->ticks += ticks;
	cs->e->ticks += ticks;
}

static int cs_fail(struct sim_cs *cs, int err, const char *what)
{
	return sim_engine_fail(cs->e, err, what, cs->cmd_addr);
}

SIM_NOCOV static u64 cs_pos(struct sim_cs *cs)
{
	if (!cs->depth)
		return cs->run->ring_start + cs->run->head;
	return cs->lv[cs->depth].addr;
}

SIM_NOCOV static int cs_fetch(struct sim_cs *cs, u32 *dw)
{
	struct sim_cs_level *l = &cs->lv[cs->depth];
	struct sim_cs_run *run = cs->run;
	u64 addr;

	if (!cs->depth) {
		if (run->head == run->tail)
			return cs_fail(cs, -EINVAL,
				       "command crosses the ring tail");
		addr = run->ring_start + run->head;
		run->head = (run->head + 4) % run->ring_size;
	} else {
		addr = l->addr;
		l->addr += 4;
	}
	if (addr >> XENGT_PAGE_SHIFT != l->vpn) {
		l->frame = sim_as_page(&cs->e->as, SIM_ACC_FETCH, l->space,
				       addr, false);
		if (!l->frame) {
			l->vpn = ~0ULL;
			return sim_engine_fail(cs->e, cs->e->as.fault_err,
					       "command fetch fault", addr);
		}
		l->vpn = addr >> XENGT_PAGE_SHIFT;
	}
	os_memcpy(dw, l->frame + (addr & (XENGT_PAGE_SIZE - 1)), 4);
	return 0;
}

/* Fetch dwords 1..@total-1 of the current command into e->cmd[]. */
SIM_NOCOV static int cs_fetch_rest(struct sim_cs *cs, u32 total)
{
	u32 i;
	int ret;

	if (total > SIM_CS_MAX_DWORDS)
		return cs_fail(cs, -EINVAL, "command longer than modelled");
	for (i = 1; i < total; i++) {
		ret = cs_fetch(cs, &cs->e->cmd[i]);
		if (ret)
			return ret;
	}
	cs_charge(cs, SIM_TICKS_CMD + total);
	return 0;
}

static bool cs_privileged(struct sim_cs *cs)
{
	return cs->lv[cs->depth].privileged;
}

/* A command's own "use GGTT" bit counts only in privileged execution. */
static enum sim_space cs_data_space(struct sim_cs *cs, bool use_ggtt)
{
	return use_ggtt && cs_privileged(cs) ? SIM_GGTT : SIM_PPGTT;
}

static u64 cs_addr(u32 lo, u32 hi, u32 align_mask)
{
	return (lo & ~align_mask) | (u64)(hi & 0xffff) << 32;
}

/* A command's write (@kind: its operand, or the context's own PPHWSP). */
static int cs_store(struct sim_cs *cs, enum sim_access kind,
		    enum sim_space space, u64 addr, const void *data, u32 len,
		    const char *what)
{
	int ret = sim_as_write(&cs->e->as, kind, space, addr, data, len);

	return ret ? sim_engine_fail(cs->e, ret, what, addr) : 0;
}

/*
 * Make the memory write gen9_mem.h describes for the command in cmd[0..n)
 * (the range the scanner approved), with @data.
 */
static int cs_mem_write(struct sim_cs *cs, u32 n, const void *data,
			const char *what)
{
	enum sim_access kind = SIM_ACC_DATA;
	struct gen9_mem_write w;
	enum sim_space space;
	u64 addr;

	if (gen9_mem_write_of(cs->e->cmd, n, &w))
		return cs_fail(cs, -EINVAL, what);
	if (!w.len)
		return 0;
	addr = w.addr;
	space = cs_data_space(cs, w.ggtt);
	/*
	 * Execlist mode: the running context's own status page.  The
	 * hardware, not the command, places it (the command gives only an
	 * offset in that one page), so it is the context's access, not an
	 * operand: with a shadow context that page is the core's.  A write
	 * that would leave the page is refused rather than classified.
	 */
	if (w.store_index) {
		if (gen9_store_index_offset(&w) + w.len > XENGT_PAGE_SIZE)
			return cs_fail(cs, -EINVAL, what);
		addr = cs->run->pphwsp + gen9_store_index_offset(&w);
		space = SIM_GGTT;
		kind = SIM_ACC_CTX;
	}
	return cs_store(cs, kind, space, addr, data, w.len, what);
}

static int cs_bb_start(struct sim_cs *cs, u32 dw0)
{
	struct sim_cs_run *run = cs->run;
	u32 *cmd = cs->e->cmd;
	bool priv = cs_privileged(cs);
	struct sim_cs_level *l;
	enum sim_space space;
	int ret;

	if ((dw0 & 0xff) + 2 != 3)
		return cs_fail(cs, -EINVAL, "MI_BATCH_BUFFER_START length");
	ret = cs_fetch_rest(cs, 3);
	if (ret)
		return ret;
	cs_charge(cs, SIM_TICKS_BB_START);
	if (++run->bb_starts > run->max_bb_starts)
		return cs_fail(cs, -ETIMEDOUT,
			       "watchdog: batch-buffer start budget exhausted");
	/* Privilege only ever drops: a PPGTT batch cannot start a GGTT one. */
	space = !priv || (dw0 & MI_BATCH_PPGTT) ? SIM_PPGTT : SIM_GGTT;
	if (!cs->depth) {
		cs->depth = 1;
	} else if (dw0 & MI_BATCH_2ND_LEVEL) {
		if (cs->depth == 2)
			return cs_fail(
				cs, -EINVAL,
				"2nd-level batch started from a 2nd-level batch");
		cs->depth = 2;
	}
	/* Otherwise a chained batch: it replaces the current level. */
	l = &cs->lv[cs->depth];
	l->space = space;
	l->addr = cs_addr(cmd[1], cmd[2], 3);
	l->privileged = priv && space == SIM_GGTT;
	l->vpn = ~0ULL;
	return 0;
}

static int cs_lri(struct sim_cs *cs, u32 dw0)
{
	u32 total = (dw0 & 0xff) + 2, i;
	u32 *cmd = cs->e->cmd;
	int ret;

	if (!(total & 1))
		return cs_fail(cs, -EINVAL, "MI_LOAD_REGISTER_IMM length");
	if (!cs_privileged(cs))
		return cs_fail(
			cs, -EINVAL,
			"MI_LOAD_REGISTER_IMM in a non-privileged batch");
	ret = cs_fetch_rest(cs, total);
	if (ret)
		return ret;
	for (i = 1; i < total; i += 2)
		if (sim_gpu_cs_reg_write(cs->g, cmd[i] & 0x7ffffc, cmd[i + 1]))
			return sim_engine_fail(
				cs->e, -EINVAL,
				"MI_LOAD_REGISTER_IMM to a register not modelled for it",
				cmd[i] & 0x7ffffc);
	return 0;
}

static int cs_flush_dw(struct sim_cs *cs, u32 dw0)
{
	u32 total = (dw0 & 0x3f) + 2;
	u32 *cmd = cs->e->cmd;
	int ret;

	if (cs->e->id == SIM_RCS)
		return cs_fail(cs, -EINVAL, "MI_FLUSH_DW on the render engine");
	if (total < 4)
		return cs_fail(cs, -EINVAL, "MI_FLUSH_DW length");
	ret = cs_fetch_rest(cs, total);
	if (ret)
		return ret;
	return cs_mem_write(cs, total, &cmd[3],
			    "MI_FLUSH_DW post-sync store fault");
}

static int cs_mi(struct sim_cs *cs, u32 dw0)
{
	u32 *cmd = cs->e->cmd;
	u32 total;
	u64 val;
	int ret;

	switch (MI_OPCODE(dw0)) {
	case MI_OP_NOOP:
	case MI_OP_ARB_CHECK:
	case MI_OP_ARB_ON_OFF:
		cs_charge(cs, SIM_TICKS_CMD + 1);
		return 0;
	case MI_OP_USER_INTERRUPT:
		cs->e->user_irq = true;
		cs_charge(cs, SIM_TICKS_CMD + 1);
		return 0;
	case MI_OP_BATCH_BUFFER_END:
		if (!cs->depth)
			return cs_fail(cs, -EINVAL,
				       "MI_BATCH_BUFFER_END in the ring");
		cs->depth--;
		cs_charge(cs, SIM_TICKS_CMD + 1);
		return 0;
	case MI_OP_BATCH_BUFFER_START:
		return cs_bb_start(cs, dw0);
	case MI_OP_STORE_DATA_IMM:
		total = (dw0 & 0x3ff) + 2;
		if (total < 4)
			return cs_fail(cs, -EINVAL, "MI_STORE_DATA_IMM length");
		ret = cs_fetch_rest(cs, total);
		if (ret)
			return ret;
		return cs_mem_write(cs, total, &cmd[3],
				    "MI_STORE_DATA_IMM fault");
	case MI_OP_LOAD_REGISTER_IMM:
		return cs_lri(cs, dw0);
	case MI_OP_STORE_REGISTER_MEM:
		if ((dw0 & 0xff) + 2 != 4)
			return cs_fail(cs, -EINVAL,
				       "MI_STORE_REGISTER_MEM length");
		ret = cs_fetch_rest(cs, 4);
		if (ret)
			return ret;
		val = sim_gpu_reg_read_locked(cs->g, cmd[1] & 0x7ffffc);
		return cs_mem_write(cs, 4, &val, "MI_STORE_REGISTER_MEM fault");
	case MI_OP_FLUSH_DW:
		return cs_flush_dw(cs, dw0);
	default:
		return cs_fail(cs, -EINVAL, "MI command not modelled");
	}
}

static int cs_pipe_control(struct sim_cs *cs, u32 total)
{
	u32 *cmd = cs->e->cmd;
	u32 flags = cmd[1], op = flags & PIPE_CONTROL_POST_SYNC_OP_MASK;
	u64 data = 0;

	if (flags & PIPE_CONTROL_NOTIFY)
		cs->e->user_irq = true;
	if (op == PIPE_CONTROL_WRITE_IMMEDIATE && total >= 5) {
		data = cmd[4];
		if (total >= 6)
			data |= (u64)cmd[5] << 32;
	} else if (op == PIPE_CONTROL_WRITE_TIMESTAMP) {
		data = cs->e->ticks;
	} /* else depth count: no 3D pipeline ran, so 0 */
	return cs_mem_write(cs, total, &data,
			    "PIPE_CONTROL post-sync write fault");
}

static int cs_render(struct sim_cs *cs, u32 dw0)
{
	u32 total = gen9_3d_cmd_len(dw0);
	int ret;

	if (cs->e->id != SIM_RCS)
		return cs_fail(cs, -EINVAL,
			       "render command on a non-render engine");
	/* PIPELINE_SELECT and 3DSTATE_VF_STATISTICS have no length field. */
	if (total == 1) {
		cs->e->stats.state_cmds++;
		cs_charge(cs, SIM_TICKS_CMD + 1);
		return 0;
	}
	ret = cs_fetch_rest(cs, total);
	if (ret)
		return ret;
	if ((dw0 & PIPE_CONTROL_OPCODE_MASK) == PIPE_CONTROL_OPCODE)
		return cs_pipe_control(cs, total);
	/* 3D state and draws: modelled as state, nothing drawn or touched. */
	cs->e->stats.state_cmds++;
	return 0;
}

/* Shared checks of both blits; the geometry as gen9_mem.h decodes it. */
static int blt_setup(struct sim_cs *cs, u32 dw0, u32 rop, u32 total,
		     struct gen9_blit *b, u64 *bytes)
{
	u32 *cmd = cs->e->cmd;

	if (dw0 & (XY_DST_TILED | XY_SRC_TILED))
		return cs_fail(cs, -EINVAL, "tiled blit not modelled");
	if ((cmd[1] & BR13_ROP_MASK) != rop)
		return cs_fail(cs, -EINVAL,
			       "blit raster operation not modelled");
	if (gen9_blit_of(cmd, total, b))
		return cs_fail(cs, -EINVAL, "blit length");
	if (b->bpp == 4 && (dw0 & BLT_WRITE_RGBA) != BLT_WRITE_RGBA)
		return cs_fail(cs, -EINVAL,
			       "partial channel write not modelled");
	*bytes = (u64)b->w * b->bpp * b->h;
	return 0;
}

static int blt_budget(struct sim_cs *cs, u64 cost)
{
	if (cs->run->ticks + cost > cs->run->max_ticks)
		return cs_fail(cs, -ETIMEDOUT,
			       "watchdog: blit exceeds the tick budget");
	cs_charge(cs, cost);
	return 0;
}

static int cs_color_blt(struct sim_cs *cs, u32 dw0)
{
	u32 *cmd = cs->e->cmd;
	u8 *row = cs->g->blit_row;
	enum sim_space space = cs_data_space(cs, false);
	struct gen9_blit b;
	u32 n, i, y;
	u64 bytes;
	int ret;

	ret = blt_setup(cs, dw0, BLT_ROP_PATCOPY, XY_COLOR_BLT_LEN, &b, &bytes);
	if (ret || !bytes)
		return ret;
	ret = blt_budget(cs, bytes / SIM_BLT_FILL_BYTES_PER_TICK);
	if (ret)
		return ret;
	n = b.w * b.bpp;
	if (b.bpp == 1) {
		os_memset(row, cmd[6] & 0xff, n);
	} else if (b.bpp == 2) {
		u16 c = cmd[6] & 0xffff;

		for (i = 0; i < n; i += 2)
			os_memcpy(row + i, &c, 2);
	} else {
		for (i = 0; i < n; i += 4)
			os_memcpy(row + i, &cmd[6], 4);
	}
	for (y = 0; y < b.h; y++) {
		ret = cs_store(cs, SIM_ACC_DATA, space,
			       gen9_blit_row(&b, &b.dst, y), row, n,
			       "XY_COLOR_BLT fault");
		if (ret)
			return ret;
	}
	return 0;
}

static int cs_src_copy_blt(struct sim_cs *cs, u32 dw0)
{
	u8 *row = cs->g->blit_row;
	enum sim_space space = cs_data_space(cs, false);
	struct gen9_blit b;
	u32 n, i, y;
	bool down;
	u64 bytes, dst, src;
	int ret;

	ret = blt_setup(cs, dw0, BLT_ROP_SRCCOPY, XY_SRC_COPY_BLT_LEN, &b,
			&bytes);
	if (ret || !bytes)
		return ret;
	ret = blt_budget(cs, bytes / SIM_BLT_COPY_BYTES_PER_TICK);
	if (ret)
		return ret;
	n = b.w * b.bpp;
	/* Overlapping copies: walk rows away from the destination. */
	down = gen9_blit_row(&b, &b.dst, 0) > gen9_blit_row(&b, &b.src, 0);
	for (i = 0; i < b.h; i++) {
		y = down ? b.h - 1 - i : i;
		dst = gen9_blit_row(&b, &b.dst, y);
		src = gen9_blit_row(&b, &b.src, y);
		ret = sim_as_read(&cs->e->as, SIM_ACC_DATA, space, src, row, n);
		if (ret)
			return sim_engine_fail(cs->e, ret,
					       "XY_SRC_COPY_BLT source fault",
					       src);
		ret = cs_store(cs, SIM_ACC_DATA, space, dst, row, n,
			       "XY_SRC_COPY_BLT destination fault");
		if (ret)
			return ret;
	}
	return 0;
}

static int cs_blt(struct sim_cs *cs, u32 dw0)
{
	u32 total = (dw0 & BLT_LEN_MASK) + 2;
	int ret;

	if (cs->e->id != SIM_BCS)
		return cs_fail(cs, -EINVAL,
			       "blitter command on a non-blitter engine");
	switch (BLT_OPCODE(dw0)) {
	case BLT_OP_XY_COLOR:
		if (total != XY_COLOR_BLT_LEN)
			return cs_fail(cs, -EINVAL, "XY_COLOR_BLT length");
		ret = cs_fetch_rest(cs, total);
		return ret ? ret : cs_color_blt(cs, dw0);
	case BLT_OP_XY_SRC_COPY:
		if (total != XY_SRC_COPY_BLT_LEN)
			return cs_fail(cs, -EINVAL, "XY_SRC_COPY_BLT length");
		ret = cs_fetch_rest(cs, total);
		return ret ? ret : cs_src_copy_blt(cs, dw0);
	default:
		return cs_fail(cs, -EINVAL, "blitter command not modelled");
	}
}

int sim_cs_execute(struct sim_engine *e, struct sim_cs_run *run)
{
	struct sim_cs cs = {
		.e = e,
		.g = e->g,
		.run = run,
	};
	u32 dw0;
	int ret;

	run->ticks = 0;
	run->bb_starts = 0;
	run->commands = 0;
	cs.lv[0].space = SIM_GGTT;
	cs.lv[0].privileged = true;
	cs.lv[0].vpn = ~0ULL;
	while (cs.depth || run->head != run->tail) {
		if (run->ticks > run->max_ticks)
			return cs_fail(&cs, -ETIMEDOUT,
				       "watchdog: tick budget exhausted");
		cs.cmd_addr = cs_pos(&cs);
		ret = cs_fetch(&cs, &dw0);
		if (ret)
			return ret;
		e->cmd[0] = dw0;
		switch (dw0 >> INSTR_CLIENT_SHIFT) {
		case INSTR_MI_CLIENT:
			ret = cs_mi(&cs, dw0);
			break;
		case INSTR_BC_CLIENT:
			ret = cs_blt(&cs, dw0);
			break;
		case INSTR_RC_CLIENT:
			ret = cs_render(&cs, dw0);
			break;
		default:
			ret = cs_fail(&cs, -EINVAL, "unknown command client");
		}
		if (ret)
			return ret;
		run->commands++;
	}
	return 0;
}
