// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-gem-test: GPU work through the stock i915's own uAPI, inside the
 * Linux HVM test guest (linux-guest/init.sh runs it once i915 is up).
 *
 *   1. MI_STORE_DWORD_IMM into a buffer object, on rcs0 and on bcs0
 *      (execbuffer2 with a relocation, as any pre-Gen12 user space does)
 *   2. an XY_SRC_COPY_BLT from one buffer to another on bcs0
 *   then waits for each, reads the buffers back (pread) and compares.
 *
 * Raw DRM ioctls on the uAPI header (libdrm's copy of i915_drm.h), no
 * library: the guest image holds only busybox and this static binary.
 * Prints "XENGT-GUEST GEM store_rcs=ok|FAIL store_bcs=... blit=..." and
 * exits 0 only if all three are ok.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <i915_drm.h>

#define MI_BATCH_BUFFER_END (0x0a << 23)
#define MI_NOOP 0
#define MI_STORE_DWORD_IMM_GEN4 (0x20 << 23 | 2) /* 4 dwords on Gen8+ */
#define XY_SRC_COPY_BLT_CMD (2U << 29 | 0x53 << 22 | 3 << 20 | 8)
#define BLT_ROP_SRC_COPY (0xcc << 16)
#define BLT_DEPTH_32 (3 << 24)

#define BO_SIZE 4096
#define BLIT_W 256 /* pixels of 4 bytes: one 1 KiB row */
#define BLIT_H 4

static int fd;

static int ioc(unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

static uint32_t bo_create(void)
{
	struct drm_i915_gem_create c = { .size = BO_SIZE };

	return ioc(DRM_IOCTL_I915_GEM_CREATE, &c) ? 0 : c.handle;
}

static int bo_write(uint32_t h, const void *p, uint32_t len)
{
	struct drm_i915_gem_pwrite w = { .handle = h,
					 .size = len,
					 .data_ptr = (uintptr_t)p };

	return ioc(DRM_IOCTL_I915_GEM_PWRITE, &w);
}

static int bo_read(uint32_t h, void *p, uint32_t len)
{
	struct drm_i915_gem_pread r = { .handle = h,
					.size = len,
					.data_ptr = (uintptr_t)p };

	return ioc(DRM_IOCTL_I915_GEM_PREAD, &r);
}

/* Wait up to 30 s: under full emulation a request takes a while. */
static int bo_wait(uint32_t h)
{
	struct drm_i915_gem_wait w = { .bo_handle = h,
				       .timeout_ns = 30000000000LL };

	return ioc(DRM_IOCTL_I915_GEM_WAIT, &w);
}

static void bo_close(uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	if (h)
		ioc(DRM_IOCTL_GEM_CLOSE, &c);
}

/*
 * Run @batch (@n dwords) on @ring with @nobj target objects, whose
 * relocations @relocs (@nreloc) the batch carries.
 */
/* What the last exec() saw: where i915 put the objects, the batch after. */
static struct {
	uint64_t offset[4];
	uint32_t batch[4];
} last;

static int exec(uint64_t ring, const uint32_t *batch, uint32_t n,
		const uint32_t *targets, uint32_t ntargets,
		struct drm_i915_gem_relocation_entry *relocs, uint32_t nreloc)
{
	struct drm_i915_gem_exec_object2 obj[4] = { 0 };
	struct drm_i915_gem_execbuffer2 eb = { 0 };
	uint32_t bb = bo_create(), i;
	int ret;

	if (!bb)
		return -ENOMEM;
	ret = bo_write(bb, batch, n * 4);
	if (ret)
		goto out;
	for (i = 0; i < ntargets; i++)
		obj[i].handle = targets[i];
	obj[ntargets].handle = bb;
	obj[ntargets].relocs_ptr = (uintptr_t)relocs;
	obj[ntargets].relocation_count = nreloc;
	eb.buffers_ptr = (uintptr_t)obj;
	eb.buffer_count = ntargets + 1;
	eb.batch_len = (n * 4 + 7) & ~7U;
	eb.flags = ring;
	ret = ioc(DRM_IOCTL_I915_GEM_EXECBUFFER2, &eb);
	if (!ret)
		ret = bo_wait(bb);
	for (i = 0; i <= ntargets; i++)
		last.offset[i] = obj[i].offset;
	if (!ret)
		bo_read(bb, last.batch, sizeof(last.batch));
out:
	bo_close(bb);
	return ret;
}

/*
 * A batch holds each relocated address as presumed_offset + delta: i915
 * rewrites it only if the object is not where presumed (with full PPGTT
 * the first object often lands at 0, exactly as presumed).
 */
static const char *store(uint64_t ring, uint32_t magic, char *why,
			 size_t why_len)
{
	uint32_t data = bo_create(), got[2] = { 0 }, b[6];
	struct drm_i915_gem_relocation_entry r = {
		.target_handle = data,
		.delta = 4, /* the second dword: got[1] */
		.offset = 4,
		.read_domains = I915_GEM_DOMAIN_INSTRUCTION,
		.write_domain = I915_GEM_DOMAIN_INSTRUCTION,
	};
	int ret;

	if (!data)
		return "GEM_CREATE failed";
	b[0] = MI_STORE_DWORD_IMM_GEN4;
	b[1] = 4; /* presumed 0 + delta 4: relocated */
	b[2] = 0;
	b[3] = magic;
	b[4] = MI_BATCH_BUFFER_END;
	b[5] = MI_NOOP;
	ret = exec(ring, b, 6, &data, 1, &r, 1);
	if (!ret)
		ret = bo_read(data, got, sizeof(got));
	bo_close(data);
	if (ret) {
		snprintf(why, why_len, "execbuffer2/wait/pread: %s",
			 strerror(-ret));
		return why;
	}
	if (got[0] || got[1] != magic) {
		snprintf(
			why, why_len,
			"read 0x%x 0x%x, expected 0 0x%x (data at 0x%llx, batch at 0x%llx: %08x %08x %08x %08x)",
			got[0], got[1], magic,
			(unsigned long long)last.offset[0],
			(unsigned long long)last.offset[1], last.batch[0],
			last.batch[1], last.batch[2], last.batch[3]);
		return why;
	}
	return NULL;
}

static const char *blit(char *why, size_t why_len)
{
	static uint32_t src_px[BO_SIZE / 4], dst_px[BO_SIZE / 4];
	uint32_t src = bo_create(), dst = bo_create(), b[12], i;
	uint32_t targets[2] = { src, dst };
	struct drm_i915_gem_relocation_entry r[2] = {
		{ .target_handle = dst,
		  .offset = 4 * 4,
		  .read_domains = I915_GEM_DOMAIN_RENDER,
		  .write_domain = I915_GEM_DOMAIN_RENDER },
		{ .target_handle = src,
		  .offset = 8 * 4,
		  .read_domains = I915_GEM_DOMAIN_RENDER },
	};
	int ret;

	if (!src || !dst) {
		bo_close(src);
		bo_close(dst);
		return "GEM_CREATE failed";
	}
	for (i = 0; i < BO_SIZE / 4; i++)
		src_px[i] = 0x9e3779b9U * (i + 1);
	memset(dst_px, 0, sizeof(dst_px));
	ret = bo_write(src, src_px, BO_SIZE);
	if (!ret)
		ret = bo_write(dst, dst_px, BO_SIZE);
	b[0] = XY_SRC_COPY_BLT_CMD;
	b[1] = BLT_DEPTH_32 | BLT_ROP_SRC_COPY | BLIT_W * 4; /* dst pitch */
	b[2] = 0; /* dst (x1, y1) */
	b[3] = BLIT_H << 16 | BLIT_W; /* dst (x2, y2) */
	b[4] = 0; /* dst address: presumed 0 + delta 0, relocated */
	b[5] = 0;
	b[6] = 0; /* src (x1, y1) */
	b[7] = BLIT_W * 4; /* src pitch */
	b[8] = 0; /* src address: likewise */
	b[9] = 0;
	b[10] = MI_BATCH_BUFFER_END;
	b[11] = MI_NOOP;
	if (!ret)
		ret = exec(I915_EXEC_BLT, b, 12, targets, 2, r, 2);
	if (!ret)
		ret = bo_read(dst, dst_px, BO_SIZE);
	bo_close(src);
	bo_close(dst);
	if (ret) {
		snprintf(why, why_len, "blit: %s", strerror(-ret));
		return why;
	}
	for (i = 0; i < BO_SIZE / 4; i++) {
		if (dst_px[i] != src_px[i]) {
			snprintf(why, why_len, "dword %u: 0x%x, expected 0x%x",
				 i, dst_px[i], src_px[i]);
			return why;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/dri/card0";
	static char buf[3][192];
	const char *why[3];
	int i, bad = 0;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("XENGT-GUEST GEM open %s: %s\n", dev, strerror(errno));
		return 2;
	}
	why[0] = store(I915_EXEC_RENDER, 0x5eed0001, buf[0], sizeof(buf[0]));
	why[1] = store(I915_EXEC_BLT, 0x5eed0002, buf[1], sizeof(buf[1]));
	why[2] = blit(buf[2], sizeof(buf[2]));
	printf("XENGT-GUEST GEM store_rcs=%s store_bcs=%s blit=%s\n",
	       why[0] ? "FAIL" : "ok", why[1] ? "FAIL" : "ok",
	       why[2] ? "FAIL" : "ok");
	for (i = 0; i < 3; i++) {
		if (why[i]) {
			printf("XENGT-GUEST GEM %s: %s\n",
			       i == 2 ? "blit" :
			       i      ? "store_bcs" :
					"store_rcs",
			       why[i]);
			bad = 1;
		}
	}
	close(fd);
	return bad;
}
