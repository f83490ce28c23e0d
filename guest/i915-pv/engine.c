// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Execlist submission by the guest driver (see engine.h).
 */
#include "engine.h"
#include "guest_pv.h"
#include "gen9.h"

/* CSB polls before a submission counts as lost (each may relax the CPU). */
#define I915PV_POLL_BUDGET (1U << 21)

static const uint32_t engine_base[I915PV_NR_ENGINES] = {
	[I915PV_RCS] = GEN9_RCS_BASE,
	[I915PV_BCS] = GEN9_BCS_BASE,
};

static const uint32_t pv_engine[I915PV_NR_ENGINES] = {
	[I915PV_RCS] = XENGT_PV_ENGINE_RCS,
	[I915PV_BCS] = XENGT_PV_ENGINE_BCS,
};

/* Where each engine's interrupt bits sit in its GT bank (and RING_IMR). */
static const uint32_t engine_irq_shift[I915PV_NR_ENGINES] = {
	[I915PV_RCS] = GEN8_RCS_IRQ_SHIFT,
	[I915PV_BCS] = GEN8_BCS_IRQ_SHIFT,
};

static void reg_wr(struct i915pv_engine *e, uint32_t reg, uint32_t val)
{
	const struct i915pv_io *io = e->dev->io;

	io->mmio_write(io->ctx, e->dev->bar0 + e->base + reg, 4, val);
}

static uint32_t reg_rd(struct i915pv_engine *e, uint32_t reg)
{
	const struct i915pv_io *io = e->dev->io;

	return io->mmio_read(io->ctx, e->dev->bar0 + e->base + reg, 4);
}

static volatile uint32_t *hwsp_dw(struct i915pv_engine *e, uint32_t index)
{
	return i915pv_gobj_dw(e->pages, &e->hwsp, index * 4);
}

int i915pv_engine_init(struct i915pv_engine *e, struct i915pv_dev *dev,
		       struct i915pv_pages *pages, enum i915pv_engine_id id)
{
	uint32_t wp;

	*e = (struct i915pv_engine){
		.dev = dev,
		.pages = pages,
		.id = id,
		.base = engine_base[id],
		.pv = i915pv_pv_has(dev, XENGT_PV_CAP_SUBMISSION),
	};
	if (i915pv_gobj_create(dev, pages, &e->hwsp, 1))
		return -1;
	reg_wr(e, RING_HWSTAM, ~0U);
	/*
	 * What i915's execlists_resume() leaves in RING_IMR with no waiter:
	 * its irq_keep_mask unmasked (context switch, CS error, semaphore
	 * wait), the user interrupt masked.  We poll the CSB, but whoever
	 * routes the vGPU's MSI (the Xen test guest) counts on the
	 * context-switch interrupt, as i915 does.
	 */
	reg_wr(e, RING_IMR,
	       ~((GT_CONTEXT_SWITCH_INTERRUPT | GT_CS_MASTER_ERROR_INTERRUPT |
		  GT_WAIT_SEMAPHORE_INTERRUPT)
		 << engine_irq_shift[id]));
	reg_wr(e, RING_MODE_GEN7, MASKED_BIT_ENABLE(GFX_RUN_LIST_ENABLE));
	reg_wr(e, RING_MI_MODE, MASKED_BIT_DISABLE(MI_MODE_STOP_RING));
	reg_wr(e, RING_HWS_PGA, (uint32_t)e->hwsp.gm);
	/*
	 * Resume the CSB where the engine is: its write pointer names the
	 * last entry written (after a reset: none, the next goes to 0).
	 */
	wp = reg_rd(e, RING_CONTEXT_STATUS_PTR) & GEN8_CSB_WRITE_PTR_MASK;
	if (wp >= GEN8_CSB_ENTRIES)
		wp = GEN8_CSB_ENTRIES - 1;
	e->csb_head = wp;
	*hwsp_dw(e, I915_HWS_CSB_WRITE_INDEX) = wp;
	reg_wr(e, RING_CONTEXT_STATUS_PTR,
	       (GEN8_CSB_READ_PTR_MASK << 16) |
		       (wp << GEN8_CSB_READ_PTR_SHIFT));
	return 0;
}

void i915pv_engine_fini(struct i915pv_engine *e)
{
	i915pv_gobj_destroy(e->dev, e->pages, &e->hwsp);
}

/* Register-state page: the LRI layout i915 6.1 writes (set_offsets()). */
static void init_state(struct i915pv_context *c, uint32_t *s, uint64_t pml4)
{
	static const uint16_t xcs_regs[] = { 0x244, 0x034, 0x030, 0x038,
					     0x03c, 0x168, 0x140, 0x110,
					     0x11c, 0x114, 0x118 };
	static const uint16_t rcs_extra[] = { 0x1c0, 0x1c4, 0x1c8 };
	static const uint16_t ppgtt_regs[] = { 0x3a8, 0x28c, 0x288,
					       0x284, 0x280, 0x27c,
					       0x278, 0x274, 0x270 };
	struct i915pv_engine *e = c->engine;
	bool rcs = e->id == I915PV_RCS;
	uint32_t n = 11 + (rcs ? 3 : 0), i, d = 0;

	s[d++] = MI_NOOP;
	s[d++] = MI_LOAD_REGISTER_IMM(n) | (rcs ? MI_LRI_FORCE_POSTED : 0);
	for (i = 0; i < n; i++, d += 2)
		s[d] = e->base + (i < 11 ? xcs_regs[i] : rcs_extra[i - 11]);
	while (d < CTX_LRI_HEADER_1)
		s[d++] = MI_NOOP;
	s[d++] = MI_LOAD_REGISTER_IMM(9) | (rcs ? MI_LRI_FORCE_POSTED : 0);
	for (i = 0; i < 9; i++, d += 2)
		s[d] = e->base + ppgtt_regs[i];
	while (d < CTX_LRI_HEADER_2)
		s[d++] = MI_NOOP;
	if (rcs) {
		s[d++] = MI_LOAD_REGISTER_IMM(1);
		s[d] = e->base + 0x0c8;
		d += 2;
	} else {
		s[d++] = MI_LOAD_REGISTER_IMM(2);
		s[d] = e->base + 0x200;
		s[d + 2] = e->base + 0x028;
		d += 4;
	}
	s[d] = MI_BATCH_BUFFER_END;

	s[CTX_CONTEXT_CONTROL] =
		MASKED_BIT_ENABLE(CTX_CTRL_INHIBIT_SYN_CTX_SWITCH) |
		MASKED_BIT_DISABLE(CTX_CTRL_ENGINE_CTX_SAVE_INHIBIT |
				   CTX_CTRL_ENGINE_CTX_RESTORE_INHIBIT |
				   CTX_CTRL_RS_CTX_ENABLE);
	s[CTX_RING_HEAD] = 0;
	s[CTX_RING_TAIL] = 0;
	s[CTX_RING_START] = (uint32_t)c->ring.gm;
	s[CTX_RING_CTL] = RING_CTL_SIZE(c->ring_size) | RING_VALID;
	s[CTX_BB_STATE] = RING_BB_PPGTT;
	s[CTX_PDP0_UDW] = (uint32_t)(pml4 >> 32);
	s[CTX_PDP0_LDW] = (uint32_t)pml4;
}

int i915pv_context_init(struct i915pv_context *c, struct i915pv_engine *e,
			uint64_t pml4, uint32_t ctx_id)
{
	uint32_t size = e->id == I915PV_RCS ? GEN9_LR_CONTEXT_RENDER_SIZE :
					      GEN8_LR_CONTEXT_OTHER_SIZE;

	*c = (struct i915pv_context){
		.engine = e,
		.ring_size = I915PV_RING_PAGES * 4096,
		.ctx_id = ctx_id,
		.seqno_index = I915_GEM_HWS_SEQNO,
	};
	if (i915pv_gobj_create(e->dev, e->pages, &c->image, size / 4096))
		return -1;
	if (i915pv_gobj_create(e->dev, e->pages, &c->ring, I915PV_RING_PAGES)) {
		i915pv_gobj_destroy(e->dev, e->pages, &c->image);
		return -1;
	}
	init_state(c, i915pv_gobj_dw(e->pages, &c->image, LRC_STATE_OFFSET),
		   pml4);
	return 0;
}

void i915pv_context_fini(struct i915pv_context *c)
{
	i915pv_gobj_destroy(c->engine->dev, c->engine->pages, &c->ring);
	i915pv_gobj_destroy(c->engine->dev, c->engine->pages, &c->image);
}

uint64_t i915pv_context_desc(const struct i915pv_context *c)
{
	return (uint64_t)c->ctx_id << GEN8_CTX_ID_SHIFT |
	       (c->image.gm & GEN8_CTX_LRCA_MASK) |
	       INTEL_LEGACY_64B_CONTEXT << GEN8_CTX_ADDRESSING_MODE_SHIFT |
	       GEN8_CTX_PRIVILEGE | GEN8_CTX_VALID;
}

static void ring_emit(struct i915pv_context *c, const uint32_t *cs, uint32_t n)
{
	struct i915pv_pages *p = c->engine->pages;
	uint32_t i;

	/* The ring is idle here (we wait for each request): wrap freely. */
	if (c->tail + n * 4 > c->ring_size) {
		while (c->tail < c->ring_size) {
			*i915pv_gobj_dw(p, &c->ring, c->tail) = MI_NOOP;
			c->tail += 4;
		}
		c->tail = 0;
	}
	for (i = 0; i < n; i++, c->tail += 4)
		*i915pv_gobj_dw(p, &c->ring, c->tail) = cs[i];
	if (c->tail == c->ring_size)
		c->tail = 0;
}

static uint32_t emit_request(struct i915pv_context *c, uint64_t batch,
			     uint32_t *cs)
{
	uint64_t seqno_gm = c->engine->hwsp.gm + c->seqno_index * 4;
	uint32_t n = 0;

	cs[n++] = MI_ARB_ON_OFF | MI_ARB_ENABLE;
	cs[n++] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT;
	cs[n++] = (uint32_t)batch;
	cs[n++] = (uint32_t)(batch >> 32);
	/* Breadcrumb into the status page, as i915's fini_breadcrumb. */
	if (c->engine->id == I915PV_RCS) {
		cs[n++] = GFX_OP_PIPE_CONTROL(6);
		cs[n++] = PIPE_CONTROL_CS_STALL | PIPE_CONTROL_WRITE_IMMEDIATE |
			  PIPE_CONTROL_GLOBAL_GTT_IVB;
		cs[n++] = (uint32_t)seqno_gm;
		cs[n++] = 0;
		cs[n++] = c->seqno;
		cs[n++] = 0;
	} else {
		cs[n++] = MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW;
		cs[n++] = (uint32_t)seqno_gm | MI_FLUSH_DW_USE_GTT;
		cs[n++] = 0;
		cs[n++] = c->seqno;
	}
	cs[n++] = MI_USER_INTERRUPT;
	if (n & 1)
		cs[n++] = MI_NOOP; /* the tail stays qword aligned */
	return n;
}

/* The request last submitted on @c has written its breadcrumb. */
static bool request_done(const struct i915pv_context *c)
{
	return *hwsp_dw(c->engine, c->seqno_index) == c->seqno;
}

/*
 * Consume the CSB events written since the last call, as i915's
 * process_csb() does on Gen9: IDLE_TO_ACTIVE or PREEMPTED promotes the
 * pending ports to inflight (what ran before is let go: its requests end
 * by their breadcrumbs), any other event completes the active port.
 * Returns -1 with dev->error for an event the ports cannot explain.
 */
static int process_csb(struct i915pv_engine *e)
{
	uint32_t tail = *hwsp_dw(e, I915_HWS_CSB_WRITE_INDEX), i;

	if (tail == e->csb_head)
		return 0;
	if (tail >= GEN8_CSB_ENTRIES) {
		e->dev->error = "CSB write pointer out of range";
		return -1;
	}
	do {
		uint32_t h = (e->csb_head + 1) % GEN8_CSB_ENTRIES;
		uint32_t status = *hwsp_dw(e, I915_HWS_CSB_BUF0_INDEX + 2 * h);
		uint32_t id = *hwsp_dw(e, I915_HWS_CSB_BUF0_INDEX + 2 * h + 1);

		e->csb_head = h;
		if (status &
		    (GEN8_CTX_STATUS_IDLE_ACTIVE | GEN8_CTX_STATUS_PREEMPTED)) {
			if (!e->pending[0]) {
				e->dev->error =
					"CSB: a context switch with nothing submitted";
				return -1;
			}
			for (i = 0; i <= I915PV_PORTS; i++)
				e->inflight[i] = e->pending[i];
			e->active = 0;
			e->pending[0] = 0;
		} else {
			struct i915pv_context *c = e->inflight[e->active];

			if (!c || c->ctx_id != id) {
				e->dev->error =
					"CSB: a completion of no context in flight";
				return -1;
			}
			e->active++;
		}
	} while (e->csb_head != tail);
	return 0;
}

static void elsp_write(struct i915pv_engine *e, uint64_t desc0, uint64_t desc1)
{
	/* Element 1 first, element 0 last: its low dword submits. */
	reg_wr(e, RING_ELSP, (uint32_t)(desc1 >> 32));
	reg_wr(e, RING_ELSP, (uint32_t)desc1);
	reg_wr(e, RING_ELSP, (uint32_t)(desc0 >> 32));
	reg_wr(e, RING_ELSP, (uint32_t)desc0);
	e->submissions++;
}

/*
 * Poll until @done(@arg) or the wait runs out, consuming CSB events
 * meanwhile; -1 with dev->error (@what when the wait ran out).
 */
static int poll_engine(struct i915pv_engine *e,
		       bool (*done)(const struct i915pv_engine *e,
				    const void *arg),
		       const void *arg, const char *what)
{
	const struct i915pv_io *io = e->dev->io;
	uint64_t t0 = io->clock_us ? io->clock_us(io->ctx) : 0;
	uint64_t wait = e->dev->wait_us ? e->dev->wait_us : I915PV_WAIT_US;
	uint32_t n;

	for (n = 0; io->clock_us ? io->clock_us(io->ctx) - t0 < wait :
				   n < I915PV_POLL_BUDGET;
	     n++) {
		e->polls++;
		if (!e->pv && process_csb(e))
			return -1;
		if (done(e, arg))
			return 0;
		if (io->relax)
			io->relax(io->ctx);
	}
	e->dev->error = what;
	return -1;
}

/*
 * i915's execlists_dequeue() may submit: its last ELSP write has been
 * acknowledged and no two incomplete requests are in the ports.
 */
static bool may_submit(const struct i915pv_engine *e, const void *arg)
{
	uint32_t a = e->active;

	(void)arg;
	if (e->pending[0])
		return false;
	while (e->inflight[a] && request_done(e->inflight[a]))
		a++;
	return !e->inflight[a] || !e->inflight[a + 1];
}

/*
 * PV: the descriptor into the submission area, one marker write.  No
 * lite restore: without CSB ports the host queues each submission behind
 * what runs, as it queues ELSP writes.
 */
static int pv_submit(struct i915pv_context *c)
{
	struct i915pv_engine *e = c->engine;
	uint64_t descs[2] = { i915pv_context_desc(c), 0 };

	if (i915pv_pv_submit(e->dev->pv, pv_engine[e->id], e->base + RING_ELSP,
			     descs))
		return -1;
	e->submissions++;
	return 0;
}

static int elsp_submit(struct i915pv_context *c)
{
	struct i915pv_engine *e = c->engine;
	struct i915pv_context *last;
	uint32_t a;

	/* Bindings queued through PV first: the GPU is about to use them. */
	if (e->dev->pv && i915pv_pv_flush(e->dev->pv))
		return -1;
	if (e->pv)
		return pv_submit(c);

	if (poll_engine(e, may_submit, NULL,
			"execlists: the last submission never acknowledged"))
		return -1;
	/* What still runs: its context goes on in element 0. */
	for (a = e->active; e->inflight[a] && request_done(e->inflight[a]);)
		a++;
	last = e->inflight[a];
	if (last && last != c) {
		e->pending[0] = last;
		e->pending[1] = c;
		e->pending[2] = 0;
		elsp_write(e, i915pv_context_desc(last),
			   i915pv_context_desc(c));
	} else {
		e->pending[0] = c;
		e->pending[1] = 0;
		elsp_write(e, i915pv_context_desc(c), 0);
	}
	return 0;
}

/* Whether the ports still hold @c: the CSB has not switched it out yet. */
static bool in_ports(const struct i915pv_engine *e,
		     const struct i915pv_context *c)
{
	uint32_t i;

	for (i = e->active; e->inflight[i]; i++)
		if (e->inflight[i] == c)
			return true;
	for (i = 0; e->pending[i]; i++)
		if (e->pending[i] == c)
			return true;
	return false;
}

/*
 * @c's request is over as i915 retires it: its breadcrumb written, the
 * context switched out by a CSB event, its image saved past the request.
 */
static bool ctx_done(const struct i915pv_engine *e, const void *arg)
{
	/* Cast back: the poll callback's argument is opaque. */
	struct i915pv_context *c = (struct i915pv_context *)arg;
	const uint32_t *state =
		i915pv_gobj_dw(e->pages, &c->image, LRC_STATE_OFFSET);

	return request_done(c) && (e->pv || !in_ports(e, c)) &&
	       (state[CTX_RING_HEAD] & RING_HEAD_ADDR) == c->tail;
}

void i915pv_context_submit(struct i915pv_context *c, uint64_t batch)
{
	struct i915pv_pages *p = c->engine->pages;
	uint32_t *state = i915pv_gobj_dw(p, &c->image, LRC_STATE_OFFSET);
	uint32_t cs[16], n;

	c->seqno++;
	n = emit_request(c, batch, cs);
	ring_emit(c, cs, n);
	state[CTX_RING_TAIL] = c->tail;
	/* A failure is in dev->error; the wait reports it. */
	c->submit_failed = elsp_submit(c) != 0;
}

int i915pv_context_wait(struct i915pv_context *c)
{
	if (c->submit_failed)
		return -1;
	return poll_engine(
		c->engine, ctx_done, c,
		"request not completed (breadcrumb or context image)");
}

int i915pv_context_run_batch(struct i915pv_context *c, uint64_t batch)
{
	i915pv_context_submit(c, batch);
	return i915pv_context_wait(c);
}
