// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-sim: the embedded default.  Simulated VMs, each running the guest
 * driver code on its own vGPU, all sharing one software GPU through the GVT
 * core; no Intel GPU and no Xen needed.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

struct options {
	u32 vms;
	u32 pages;
	bool json;
	const char *types;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xengt-sim [--vms N] [--types T1,T2,...] [--pages N] [--json] [-v]\n"
		"  --vms N        number of simulated VMs, 1..%d (default 4)\n"
		"  --types LIST   vGPU types, cycled over the VMs (default: xengt_8,xengt_4)\n"
		"                 known: xengt_8 xengt_4 xengt_2 xengt_1\n"
		"  --pages N      GGTT pages each guest maps per slice (default 256)\n"
		"  --json         print the result as one JSON object\n"
		"  -v             verbose core log\n",
		WORLD_MAX_VMS);
}

static int parse_u32(const char *s, const char *what, u32 min, u32 max,
		     u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || *s == '-' || v < min ||
	    v > max) {
		fprintf(stderr,
			"xengt-sim: %s must be a number in %u..%u, got '%s'\n",
			what, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "vms", required_argument, NULL, 'n' },
		{ "types", required_argument, NULL, 't' },
		{ "pages", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .vms = 4,
			       .pages = 256,
			       .types = "xengt_8,xengt_4" };
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u32(optarg, "--vms", 1, WORLD_MAX_VMS,
				      &o->vms))
				return -1;
			break;
		case 't':
			o->types = optarg;
			break;
		case 'p':
			if (parse_u32(optarg, "--pages", 1, 3584, &o->pages))
				return -1;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			os_log_threshold = OS_LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xengt-sim: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The @i-th name of a comma-separated list, cycled. */
static void nth_type(const char *list, u32 i, char *out, size_t len)
{
	u32 count = 1, k;
	const char *p, *end;

	for (p = list; *p; p++)
		count += *p == ',';
	i %= count;
	for (p = list, k = 0; k < i; p++)
		k += *p == ',';
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

static void print_table(struct world *w)
{
	u32 i;

	printf("%-5s %-4s %-8s %-23s %-23s %-7s %-7s %-6s %s\n", "vgpu", "dom",
	       "type", "low GM", "high GM", "fences", "traps", "ggtt",
	       "result");
	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];
		struct vgpu *g = v->vgpu;
		char low[32], high[32], fences[16];

		snprintf(low, sizeof(low), "0x%08llx+%lluM", g->low_gm_base,
			 g->low_gm_size >> 20);
		snprintf(high, sizeof(high), "0x%09llx+%lluM", g->high_gm_base,
			 g->high_gm_size >> 20);
		snprintf(fences, sizeof(fences), "%u-%u", g->fence_base,
			 g->fence_base + g->fence_num - 1);
		printf("%-5u %-4u %-8s %-23s %-23s %-7s %-7llu %-6llu %s%s%s\n",
		       g->id, v->vm->domid, g->type_name, low, high, fences,
		       v->vm->traps.cfg + v->vm->traps.mmio,
		       g->stats.ggtt_writes, v->ok ? "ok" : "FAIL",
		       v->ok ? "" : ": ", v->ok ? "" : v->why);
	}
	printf("GPU accesses %llu, faults %llu, foreign accesses %llu\n",
	       w->gpu.stats.accesses, w->gpu.stats.faults,
	       w->gpu.stats.foreign);
}

static void print_json(struct world *w)
{
	u32 i;

	printf("{\"vms\": [");
	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];
		struct vgpu *g = v->vgpu;

		printf("%s{\"id\": %u, \"domid\": %u, \"type\": \"%s\", "
		       "\"low_gm\": {\"base\": %llu, \"size\": %llu}, "
		       "\"high_gm\": {\"base\": %llu, \"size\": %llu}, "
		       "\"fences\": {\"base\": %u, \"count\": %u}, "
		       "\"traps\": %llu, \"ggtt_entries\": %llu, "
		       "\"ggtt_dropped\": %llu, \"result\": \"%s\", \"reason\": \"%s\"}",
		       i ? ", " : "", g->id, v->vm->domid, g->type_name,
		       g->low_gm_base, g->low_gm_size, g->high_gm_base,
		       g->high_gm_size, g->fence_base, g->fence_num,
		       v->vm->traps.cfg + v->vm->traps.mmio,
		       g->stats.ggtt_writes, g->stats.ggtt_dropped,
		       v->ok ? "ok" : "FAIL", v->ok ? "" : v->why);
	}
	printf("], \"gpu_accesses\": %llu, \"gpu_faults\": %llu, "
	       "\"foreign_accesses\": %llu}\n",
	       w->gpu.stats.accesses, w->gpu.stats.faults,
	       w->gpu.stats.foreign);
}

int main(int argc, char **argv)
{
	static struct world w;
	struct options o;
	u32 i;
	int ret, failed = 0;

	if (parse_args(argc, argv, &o))
		return 2;
	ret = world_init(&w, o.vms);
	if (ret) {
		fprintf(stderr,
			"xengt-sim: cannot set up the simulated machine: %s\n",
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < o.vms; i++) {
		char type[32];

		nth_type(o.types, i, type, sizeof(type));
		ret = world_add_vm(&w, type);
		if (ret) {
			fprintf(stderr,
				"xengt-sim: cannot create VM %u with a %s vGPU: %s\n",
				i + 1, type, strerror(-ret));
			world_fini(&w);
			return 1;
		}
	}
	ret = world_run_guests(&w, o.pages);
	if (ret) {
		fprintf(stderr, "xengt-sim: cannot run guests: %s\n",
			strerror(-ret));
		world_fini(&w);
		return 1;
	}
	world_verify(&w);
	if (o.json)
		print_json(&w);
	else
		print_table(&w);
	for (i = 0; i < w.nr_vms; i++)
		failed += !w.vms[i].ok;
	failed += w.gpu.stats.foreign != 0;
	world_fini(&w);
	return failed ? 1 : 0;
}
