// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

struct world *fx_world(const char *const *types)
{
	struct world *w = calloc(1, sizeof(*w));
	u32 n = 0;

	while (types[n])
		n++;
	if (!w || world_init(w, n ? n : 1)) {
		fprintf(stderr, "fixture: cannot set up the world\n");
		abort();
	}
	for (n = 0; types[n]; n++)
		if (world_add_vm(w, types[n])) {
			fprintf(stderr, "fixture: cannot add a %s VM\n",
				types[n]);
			abort();
		}
	return w;
}

void fx_world_free(struct world *w)
{
	world_fini(w);
	free(w);
}

u32 fx_rd32(struct vgpu *v, u64 off)
{
	u32 val = 0;

	vgpu_mmio_read(v, off, 4, &val);
	return val;
}

u64 fx_rd64(struct vgpu *v, u64 off)
{
	u64 val = 0;

	vgpu_mmio_read(v, off, 8, &val);
	return val;
}

void fx_wr32(struct vgpu *v, u64 off, u32 val)
{
	vgpu_mmio_write(v, off, 4, &val);
}

void fx_wr64(struct vgpu *v, u64 off, u64 val)
{
	vgpu_mmio_write(v, off, 8, &val);
}

u32 fx_cfg_rd(struct vgpu *v, u32 off, u32 bytes)
{
	u32 val = 0;

	vgpu_cfg_read(v, off, bytes, &val);
	return val;
}

void fx_cfg_wr(struct vgpu *v, u32 off, u32 bytes, u32 val)
{
	vgpu_cfg_write(v, off, bytes, val);
}

static char log_buf[16384];
static size_t log_len;

static void log_hook(enum os_log_level level, const char *msg)
{
	size_t n = strlen(msg);

	(void)level;
	if (log_len + n + 2 < sizeof(log_buf)) {
		memcpy(log_buf + log_len, msg, n);
		log_len += n;
		log_buf[log_len++] = '\n';
		log_buf[log_len] = '\0';
	}
}

void fx_log_capture(void)
{
	os_log_hook = log_hook;
	os_log_threshold = OS_LOG_SILENT;
	fx_log_reset();
}

void fx_log_reset(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

const char *fx_log_text(void)
{
	return log_buf;
}

u64 fx_rand(u64 *s)
{
	/* splitmix64 */
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
