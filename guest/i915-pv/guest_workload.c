// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The guest driver's GPU workloads (see workload.h).
 */
#include "guest_workload.h"
#include "engine.h"
#include "ppgtt.h"
#include "guest_pv.h"
#include "gen9.h"

#define PAGE 4096ULL
#define BATCH_VA 0x0000000000100000ULL
#define STORE_VA 0x0000000100000000ULL /* above 4 GiB: 48-bit addressing */
#define STORE_PAGES 8
#define BLIT_SRC_VA 0x0000000200000000ULL
#define BLIT_DST_VA (BLIT_SRC_VA + 0x400000ULL)
#define BLIT_PITCH (I915PV_BLIT_WIDTH * 4)
#define BLIT_PAGES (BLIT_PITCH * I915PV_BLIT_HEIGHT / PAGE)
#define CHURN_VA 0x0000000300000000ULL
#define CHURN_POOL 64
#define CHURN_STRIDE 0x200000ULL /* one page table per bound page */
#define BIND512_VA 0x0000000400000000ULL /* one leaf table's 2 MiB */
#define BIND512_HEIGHT I915PV_BIND512_PAGES /* one page per row */
#define WL_MAX_DATA_PAGES (2 * BLIT_PAGES + 16)

_Static_assert(WL_MAX_DATA_PAGES > I915PV_BIND512_PAGES + 1,
	       "bind512's pages and its batch are data pages");

static const char *const names[I915PV_WL_COUNT] = {
	[I915PV_WL_STORE] = "store",
	[I915PV_WL_BLIT] = "blit",
	[I915PV_WL_PTCHURN] = "ptchurn",
	[I915PV_WL_BIND512] = "bind512",
};

const char *i915pv_workload_name(enum i915pv_workload_kind kind)
{
	return kind < I915PV_WL_COUNT ? names[kind] : "?";
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int i915pv_workload_parse(const char *name)
{
	int i;

	for (i = 0; i < I915PV_WL_COUNT; i++)
		if (streq(name, names[i]))
			return i;
	return -1;
}

struct wl_env {
	struct i915pv_dev *dev;
	struct i915pv_workload *wl;
	struct i915pv_pages *pages;
	struct i915pv_engine engine;
	struct i915pv_ppgtt ppgtt;
	struct i915pv_context ctx;
	uint64_t batch_gpa;
	uint32_t *batch;
	uint64_t data[WL_MAX_DATA_PAGES]; /* given back at the end */
	uint32_t nr_data;
};

static int wl_fail(struct wl_env *env, const char *why)
{
	env->dev->error = why;
	return -1;
}

/* A mapping failed: out of table pages, or PV's reason. */
static int map_fail(struct wl_env *env)
{
	return wl_fail(env, env->dev->error ?
				    env->dev->error :
				    "out of guest RAM for page tables");
}

/* A zeroed data page, remembered so env_fini() gives it back; or 0. */
static uint64_t env_page(struct wl_env *env)
{
	uint64_t gpa;

	if (env->nr_data == WL_MAX_DATA_PAGES)
		return 0;
	gpa = i915pv_page_alloc(env->pages);
	if (gpa)
		env->data[env->nr_data++] = gpa;
	return gpa;
}

static int env_init(struct wl_env *env, struct i915pv_dev *dev,
		    struct i915pv_pages *pages, struct i915pv_workload *wl,
		    enum i915pv_engine_id id)
{
	env->dev = dev;
	env->wl = wl;
	env->pages = pages;
	env->nr_data = 0;
	env->engine.hwsp.npages = 0;
	env->ppgtt.pml4 = 0;
	env->ctx.image.npages = 0;
	if (i915pv_engine_init(&env->engine, dev, pages, id))
		return -1;
	if (i915pv_ppgtt_init_dev(&env->ppgtt, dev, pages))
		return wl_fail(env, "out of guest RAM for the PPGTT");
	env->batch_gpa = env_page(env);
	if (!env->batch_gpa ||
	    i915pv_ppgtt_map(&env->ppgtt, BATCH_VA, env->batch_gpa, false))
		return wl_fail(env, "out of guest RAM for the batch");
	env->batch = i915pv_ram(pages, env->batch_gpa);
	/* Context IDs with a zero top byte: that byte is the host's. */
	return i915pv_context_init(&env->ctx, &env->engine, env->ppgtt.pml4,
				   (wl->kind + 1) << 5 | id);
}

static void env_fini(struct wl_env *env)
{
	env->wl->submissions += env->engine.submissions;
	if (env->ctx.image.npages)
		i915pv_context_fini(&env->ctx);
	i915pv_ppgtt_fini(&env->ppgtt);
	env->wl->pte_writes += env->ppgtt.pte_writes;
	env->wl->pv_pages += env->ppgtt.pv_pages;
	if (env->engine.hwsp.npages)
		i915pv_engine_fini(&env->engine);
	while (env->nr_data)
		i915pv_page_free(env->pages, env->data[--env->nr_data]);
}

static uint32_t emit_sdi(uint32_t *b, uint64_t va, uint32_t val)
{
	b[0] = MI_STORE_DWORD_IMM_GEN4;
	b[1] = (uint32_t)va;
	b[2] = (uint32_t)(va >> 32);
	b[3] = val;
	return 4;
}

static uint32_t emit_end(uint32_t *b, uint32_t n)
{
	b[n++] = MI_BATCH_BUFFER_END;
	if (n & 1)
		b[n++] = MI_NOOP;
	return n;
}

/* Allocate @n data pages into @gpa[] and map them at @va. */
static int map_buffer(struct wl_env *env, uint64_t va, uint64_t *gpa,
		      uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		gpa[i] = env_page(env);
		if (!gpa[i])
			return wl_fail(env, "out of guest RAM for buffers");
	}
	if (i915pv_ppgtt_map_range(&env->ppgtt, va, gpa, n))
		return map_fail(env);
	return 0;
}

static int run_store(struct wl_env *env)
{
	struct i915pv_workload *wl = env->wl;
	uint64_t gpa[STORE_PAGES];
	uint32_t op, k;

	if (map_buffer(env, STORE_VA, gpa, STORE_PAGES))
		return -1;
	for (op = 0; op < wl->ops; op++) {
		uint32_t n = 0, idx[I915PV_STORE_PER_BATCH];

		if (wl->hostile_lri) {
			env->batch[n++] = MI_LOAD_REGISTER_IMM(1);
			env->batch[n++] = GEN9_RCS_BASE + RING_MODE_GEN7;
			env->batch[n++] = 0;
		}
		for (k = 0; k < I915PV_STORE_PER_BATCH; k++) {
			idx[k] = (op * I915PV_STORE_PER_BATCH + k) %
				 (STORE_PAGES * 1024);
			n += emit_sdi(env->batch + n, STORE_VA + idx[k] * 4ULL,
				      i915pv_pattern(wl->seed, op, k));
		}
		emit_end(env->batch, n);
		if (i915pv_context_run_batch(&env->ctx, BATCH_VA))
			return -1;
		for (k = 0; k < I915PV_STORE_PER_BATCH; k++) {
			uint32_t *p =
				i915pv_ram(env->pages, gpa[idx[k] / 1024]);

			if (p[idx[k] % 1024] != i915pv_pattern(wl->seed, op, k))
				return wl_fail(
					env,
					"store: value not in guest memory");
		}
		wl->bytes += I915PV_STORE_PER_BATCH * 4;
		wl->done++;
	}
	return 0;
}

struct blit_rect {
	uint32_t sx, sy, dx, dy, w, h, color;
};

static void blit_geometry(uint32_t seed, uint32_t op, struct blit_rect *r)
{
	r->w = 64 + (op * 37) % 512;
	r->h = 16 + (op * 13) % 128;
	r->sx = (op * 7) % (I915PV_BLIT_WIDTH - r->w);
	r->sy = (op * 3) % (I915PV_BLIT_HEIGHT - r->h);
	r->dx = (op * 11) % (I915PV_BLIT_WIDTH - r->w);
	r->dy = (op * 5) % (I915PV_BLIT_HEIGHT - r->h);
	r->color = i915pv_pattern(seed ^ 0xc01012U, op, 0);
}

static uint32_t emit_blits(uint32_t *b, const struct blit_rect *r)
{
	uint32_t n = 0;

	b[n++] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | (XY_COLOR_BLT_LEN - 2);
	b[n++] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | BLIT_PITCH;
	b[n++] = 0;
	b[n++] = I915PV_BLIT_HEIGHT << 16 | I915PV_BLIT_WIDTH;
	b[n++] = (uint32_t)BLIT_DST_VA;
	b[n++] = (uint32_t)(BLIT_DST_VA >> 32);
	b[n++] = r->color;

	b[n++] = XY_SRC_COPY_BLT_CMD | BLT_WRITE_RGBA |
		 (XY_SRC_COPY_BLT_LEN - 2);
	b[n++] = BR13_DEPTH_32 | BLT_ROP_SRCCOPY | BLIT_PITCH;
	b[n++] = r->dy << 16 | r->dx;
	b[n++] = (r->dy + r->h) << 16 | (r->dx + r->w);
	b[n++] = (uint32_t)BLIT_DST_VA;
	b[n++] = (uint32_t)(BLIT_DST_VA >> 32);
	b[n++] = r->sy << 16 | r->sx;
	b[n++] = BLIT_PITCH;
	b[n++] = (uint32_t)BLIT_SRC_VA;
	b[n++] = (uint32_t)(BLIT_SRC_VA >> 32);
	return emit_end(b, n);
}

/* Every pixel of the destination: copied rectangle or fill colour. */
static int blit_verify(struct wl_env *env, const uint64_t *dst,
		       const struct blit_rect *r)
{
	uint32_t x, y;

	/* The pitch is one page: row y is page y. */
	for (y = 0; y < I915PV_BLIT_HEIGHT; y++) {
		const uint32_t *row = i915pv_ram(env->pages, dst[y]);
		bool in_y = y >= r->dy && y < r->dy + r->h;

		for (x = 0; x < I915PV_BLIT_WIDTH; x++) {
			uint32_t want = r->color;

			if (in_y && x >= r->dx && x < r->dx + r->w)
				want = i915pv_pattern(env->wl->seed,
						      r->sy + y - r->dy,
						      r->sx + x - r->dx);
			if (row[x] != want)
				return wl_fail(
					env,
					"blit: surface differs from expected");
		}
	}
	return 0;
}

static int run_blit(struct wl_env *env)
{
	struct i915pv_workload *wl = env->wl;
	uint64_t src[BLIT_PAGES], dst[BLIT_PAGES];
	struct blit_rect r;
	uint32_t op, x, y;

	if (map_buffer(env, BLIT_SRC_VA, src, BLIT_PAGES) ||
	    map_buffer(env, BLIT_DST_VA, dst, BLIT_PAGES))
		return -1;
	for (y = 0; y < I915PV_BLIT_HEIGHT; y++) {
		uint32_t *row = i915pv_ram(env->pages, src[y]);

		for (x = 0; x < I915PV_BLIT_WIDTH; x++)
			row[x] = i915pv_pattern(wl->seed, y, x);
	}
	for (op = 0; op < wl->ops; op++) {
		blit_geometry(wl->seed, op, &r);
		emit_blits(env->batch, &r);
		if (i915pv_context_run_batch(&env->ctx, BATCH_VA) ||
		    blit_verify(env, dst, &r))
			return -1;
		wl->bytes += (uint64_t)BLIT_PITCH * I915PV_BLIT_HEIGHT +
			     (uint64_t)r.w * 4 * r.h;
		wl->done++;
	}
	return 0;
}

static int run_ptchurn(struct wl_env *env)
{
	struct i915pv_workload *wl = env->wl;
	uint64_t pool[CHURN_POOL];
	uint32_t op, k;

	for (k = 0; k < CHURN_POOL; k++) {
		pool[k] = env_page(env);
		if (!pool[k])
			return wl_fail(env,
				       "out of guest RAM for the page pool");
	}
	for (op = 0; op < wl->ops; op++) {
		uint64_t va[I915PV_CHURN_PAGES], gpa[I915PV_CHURN_PAGES];
		uint32_t slot = op % 1024, n = 0;

		for (k = 0; k < I915PV_CHURN_PAGES; k++) {
			gpa[k] = pool[(op * I915PV_CHURN_PAGES + k) %
				      CHURN_POOL];
			va[k] = CHURN_VA + k * CHURN_STRIDE + (op % 512) * PAGE;
			if (i915pv_ppgtt_map(&env->ppgtt, va[k], gpa[k], true))
				return map_fail(env);
			n += emit_sdi(env->batch + n, va[k] + slot * 4,
				      i915pv_pattern(wl->seed, op, k));
		}
		emit_end(env->batch, n);
		if (i915pv_context_run_batch(&env->ctx, BATCH_VA))
			return -1;
		for (k = 0; k < I915PV_CHURN_PAGES; k++) {
			uint32_t *p = i915pv_ram(env->pages, gpa[k]);

			if (p[slot] != i915pv_pattern(wl->seed, op, k))
				return wl_fail(
					env,
					"ptchurn: value not in the bound page");
			i915pv_ppgtt_unmap(&env->ppgtt, va[k]);
		}
		wl->bytes += I915PV_CHURN_PAGES * 4;
		wl->done++;
	}
	return 0;
}

static uint64_t env_traps(struct wl_env *env)
{
	const struct i915pv_io *io = env->dev->io;

	return io->traps ? io->traps(io->ctx) : 0;
}

static int run_bind512(struct wl_env *env)
{
	struct i915pv_workload *wl = env->wl;
	/* env_page() records each page in env->data: these are those. */
	uint64_t *gpa = env->data + env->nr_data;
	uint32_t op, k, n;

	for (k = 0; k < I915PV_BIND512_PAGES; k++)
		if (!env_page(env))
			return wl_fail(env, "out of guest RAM for bind512");
	for (op = 0; op < wl->ops; op++) {
		uint32_t color = i915pv_pattern(wl->seed, op, 0);
		uint64_t t0 = env_traps(env);

		/*
		 * bind_traps: the page-table updates of the op, bind and
		 * unbind (PV sends an unbind with the next bind's flush).
		 * Trapped, the unbind is where the traps are: the core lets
		 * a page go out of sync after a few trapped writes, so the
		 * next bind into it is free until the next submission.
		 */

		if (i915pv_ppgtt_map_range(&env->ppgtt, BIND512_VA, gpa,
					   I915PV_BIND512_PAGES) ||
		    (env->dev->pv && i915pv_pv_flush(env->dev->pv)))
			return map_fail(env);
		wl->bind_traps += env_traps(env) - t0;
		/* One fill through all 512 pages: row y is page y. */
		n = 0;
		env->batch[n++] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA |
				  (XY_COLOR_BLT_LEN - 2);
		env->batch[n++] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | BLIT_PITCH;
		env->batch[n++] = 0;
		env->batch[n++] = BIND512_HEIGHT << 16 | I915PV_BLIT_WIDTH;
		env->batch[n++] = (uint32_t)BIND512_VA;
		env->batch[n++] = (uint32_t)(BIND512_VA >> 32);
		env->batch[n++] = color;
		emit_end(env->batch, n);
		if (i915pv_context_run_batch(&env->ctx, BATCH_VA))
			return -1;
		for (k = 0; k < I915PV_BIND512_PAGES; k++) {
			const uint32_t *p = i915pv_ram(env->pages, gpa[k]);

			if (p[0] != color || p[(k * 37) % 1024] != color ||
			    p[1023] != color)
				return wl_fail(
					env,
					"bind512: a bound page missed the fill");
		}
		t0 = env_traps(env);
		if (i915pv_ppgtt_unmap_range(&env->ppgtt, BIND512_VA,
					     I915PV_BIND512_PAGES))
			return -1;
		wl->bind_traps += env_traps(env) - t0;
		wl->bytes += (uint64_t)I915PV_BIND512_PAGES * PAGE;
		wl->done++;
	}
	return 0;
}

/* One request of the busy loop: fills of surface @va, the last @color. */
static void busy_batch(uint32_t *b, uint64_t va, uint32_t seed, uint64_t req)
{
	uint32_t k, n = 0;

	for (k = 0; k < I915PV_BUSY_FILLS; k++) {
		b[n++] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA |
			 (XY_COLOR_BLT_LEN - 2);
		b[n++] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | BLIT_PITCH;
		b[n++] = 0;
		b[n++] = I915PV_BLIT_HEIGHT << 16 | I915PV_BLIT_WIDTH;
		b[n++] = (uint32_t)va;
		b[n++] = (uint32_t)(va >> 32);
		b[n++] = i915pv_pattern(seed, (uint32_t)req, k);
	}
	emit_end(b, n);
}

static int busy_verify(struct wl_env *env, const uint64_t *gpa, uint32_t color)
{
	uint32_t i;

	/* Every page, one dword in each of its cache lines' worth. */
	for (i = 0; i < BLIT_PAGES * 1024; i += 61) {
		const uint32_t *p = i915pv_ram(env->pages, gpa[i / 1024]);

		if (p[i % 1024] != color)
			return wl_fail(
				env,
				"busy: surface differs from its last fill");
	}
	return 0;
}

int i915pv_busy_run(struct i915pv_dev *dev, struct i915pv_pages *pages,
		    struct i915pv_busy *b)
{
	struct i915pv_workload wl = { .kind = I915PV_WL_BLIT, .seed = b->seed };
	static uint64_t surf[2][BLIT_PAGES];
	static const uint64_t surf_va[2] = { BLIT_SRC_VA, BLIT_DST_VA };
	struct i915pv_context *ctx[2];
	struct i915pv_context ctx1;
	uint64_t batch_va[2] = { BATCH_VA, BATCH_VA + PAGE }, req[2], next = 0;
	uint32_t *batch[2];
	struct wl_env env;
	uint64_t gpa;
	int ret, i;

	b->requests = b->submissions = b->bytes = 0;
	ctx1.image.npages = 0;
	ret = env_init(&env, dev, pages, &wl, I915PV_BCS);
	if (ret)
		goto out;
	ret = -1;
	gpa = env_page(&env);
	if (!gpa || i915pv_ppgtt_map(&env.ppgtt, batch_va[1], gpa, false)) {
		wl_fail(&env, "out of guest RAM for the second batch");
		goto out;
	}
	batch[0] = env.batch;
	batch[1] = i915pv_ram(pages, gpa);
	if (map_buffer(&env, surf_va[0], surf[0], BLIT_PAGES) ||
	    map_buffer(&env, surf_va[1], surf[1], BLIT_PAGES))
		goto out;
	if (i915pv_context_init(&ctx1, &env.engine, env.ppgtt.pml4,
				env.ctx.ctx_id | 0x10))
		goto out;
	ctx1.seqno_index = I915_GEM_HWS_SEQNO + 2;
	ctx[0] = &env.ctx;
	ctx[1] = &ctx1;
	for (i = 0; i < 2; i++) {
		req[i] = next++;
		busy_batch(batch[i], surf_va[i], b->seed, req[i]);
		i915pv_context_submit(ctx[i], batch_va[i]);
	}
	/* The oldest first: one engine completes in submission order. */
	for (i = 0;; i ^= 1) {
		if (i915pv_context_wait(ctx[i]) ||
		    busy_verify(&env, surf[i],
				i915pv_pattern(b->seed, (uint32_t)req[i],
					       I915PV_BUSY_FILLS - 1)))
			break;
		b->requests++;
		b->bytes += (uint64_t)I915PV_BUSY_FILLS * BLIT_PITCH *
			    I915PV_BLIT_HEIGHT;
		if (!b->keep_going(b->ctx)) {
			/* Drain the other one: nothing may stay in flight. */
			if (!i915pv_context_wait(ctx[i ^ 1]))
				ret = 0;
			break;
		}
		req[i] = next++;
		busy_batch(batch[i], surf_va[i], b->seed, req[i]);
		i915pv_context_submit(ctx[i], batch_va[i]);
	}
out:
	if (ctx1.image.npages)
		i915pv_context_fini(&ctx1);
	env_fini(&env);
	b->submissions = wl.submissions;
	return ret;
}

int i915pv_workload_run(struct i915pv_dev *dev, struct i915pv_pages *pages,
			struct i915pv_workload *wl)
{
	struct wl_env env; /* about 6 KiB of stack */
	int ret;

	wl->done = 0;
	wl->submissions = 0;
	wl->bytes = 0;
	wl->pte_writes = 0;
	wl->pv_pages = 0;
	wl->bind_traps = 0;
	if (wl->kind >= I915PV_WL_COUNT) {
		dev->error = "unknown workload";
		return -1;
	}
	ret = env_init(&env, dev, pages, wl,
		       wl->kind == I915PV_WL_BLIT ||
				       wl->kind == I915PV_WL_BIND512 ?
			       I915PV_BCS :
			       I915PV_RCS);
	if (!ret) {
		switch (wl->kind) {
		case I915PV_WL_STORE:
			ret = run_store(&env);
			break;
		case I915PV_WL_BLIT:
			ret = run_blit(&env);
			break;
		case I915PV_WL_BIND512:
			ret = run_bind512(&env);
			break;
		default:
			ret = run_ptchurn(&env);
		}
	}
	env_fini(&env);
	return ret;
}
