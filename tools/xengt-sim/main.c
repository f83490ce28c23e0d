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
#include "native.h"
#include "bench.h"

struct options {
	u32 vms;
	u32 pages;
	u32 ops;
	bool json;
	bool native;
	const char *types;
	const char *workloads;
	const char *pv;
	const char *pv_offer;
	const char *ppgtt_oos;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xengt-sim [--vms N] [--types T1,T2,...] [--pages N] [--pv=M1,M2,...]\n"
		"                 [--workload W1,W2,...] [--ops N] [--native] [--json] [-v]\n"
		"       xengt-sim bench [--vms N] [--types ...] [--ops N] [--workload ...]\n"
		"  --vms N        number of simulated VMs, 1..%d (default 4)\n"
		"  --types LIST   vGPU types, cycled over the VMs (default: xengt_8,xengt_4)\n"
		"                 known: xengt_8 xengt_4 xengt_2 xengt_1\n"
		"  --pages N      GGTT pages each guest maps per slice (default 256)\n"
		"  --workload LIST GPU workloads each guest runs after its GGTT job:\n"
		"                 store (submission-heavy), blit (GPU-heavy),\n"
		"                 ptchurn (page-table-heavy), bind512 (512 pages bound at once)\n"
		"  --pv=LIST      the guests' use of the PV extension, cycled over the VMs\n"
		"                 (default off): off (all trapped), on (every PV cap; the\n"
		"                 VM fails if its host does not accept them all), auto\n"
		"                 (what the host offers, trapped paths for the rest)\n"
		"  --pv-offer=LIST what each VM's host offers, cycled over the VMs\n"
		"                 (default all): all, none, or caps joined by '+':\n"
		"                 ppgtt, ggtt, submission (e.g. ppgtt+submission)\n"
		"  --ppgtt-oos=LIST each vGPU's shadow PPGTT out-of-sync pages, cycled over\n"
		"                 the VMs: on (default) or off (every guest PTE write traps)\n"
		"  --ops N        ops per workload (default: store 500, blit 20, ptchurn 200, bind512 20)\n"
		"  --native       run the guest code natively on the software GPU (no vGPU)\n"
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
		{ "workload", required_argument, NULL, 'w' },
		{ "ops", required_argument, NULL, 'o' },
		{ "pv", required_argument, NULL, 'P' },
		{ "pv-offer", required_argument, NULL, 'O' },
		{ "ppgtt-oos", required_argument, NULL, 'S' },
		{ "native", no_argument, NULL, 'N' },
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
		case 'w':
			o->workloads = optarg;
			break;
		case 'o':
			if (parse_u32(optarg, "--ops", 1, 10000000, &o->ops))
				return -1;
			break;
		case 'P':
			o->pv = optarg;
			break;
		case 'O':
			o->pv_offer = optarg;
			break;
		case 'S':
			o->ppgtt_oos = optarg;
			break;
		case 'N':
			o->native = true;
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
	if (o->pv_offer) {
		u32 i, caps;

		for (i = 0; i < o->vms; i++) {
			char offer[48];

			world_list_item(o->pv_offer, i, offer, sizeof(offer));
			if (world_pv_offer_parse(offer, &caps)) {
				fprintf(stderr,
					"xengt-sim: --pv-offer takes a list of all, none or caps joined by '+' (ppgtt, ggtt, submission); got '%s'\n",
					offer);
				return -1;
			}
		}
	}
	if (o->ppgtt_oos) {
		u32 i;

		for (i = 0; i < o->vms; i++) {
			char v[16];

			world_list_item(o->ppgtt_oos, i, v, sizeof(v));
			if (world_onoff_parse(v) < 0) {
				fprintf(stderr,
					"xengt-sim: --ppgtt-oos takes a list of on, off; got '%s'\n",
					v);
				return -1;
			}
		}
	}
	if (o->pv) {
		u32 i;

		for (i = 0; i < o->vms; i++) {
			char mode[16];

			world_list_item(o->pv, i, mode, sizeof(mode));
			if (world_pv_parse(mode) < 0) {
				fprintf(stderr,
					"xengt-sim: --pv takes a list of off, on, auto; got '%s'\n",
					mode);
				return -1;
			}
		}
	}
	return 0;
}

static void print_table(struct world *w)
{
	u32 i;

	printf("%-5s %-4s %-8s %-23s %-23s %-7s %-7s %-6s %s\n", "vgpu", "dom",
	       "type", "low GM", "high GM", "fences", "traps", "ggtt",
	       "result");
	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];
		struct xengt_vgpu_info g;
		char low[32], high[32], fences[16];

		xengt_vgpu_snapshot(v->vgpu, &g);
		snprintf(low, sizeof(low), "0x%08llx+%lluM", g.low_gm_base,
			 g.low_gm_size >> 20);
		snprintf(high, sizeof(high), "0x%09llx+%lluM", g.high_gm_base,
			 g.high_gm_size >> 20);
		snprintf(fences, sizeof(fences), "%u-%u", g.fence_base,
			 g.fence_base + g.fences - 1);
		printf("%-5u %-4u %-8s %-23s %-23s %-7s %-7llu %-6llu %s%s%s\n",
		       g.id, v->vm->base.domid, g.type, low, high, fences,
		       v->vm->traps.cfg + v->vm->traps.mmio, g.ggtt_writes,
		       v->ok ? "ok" : "FAIL", v->ok ? "" : ": ",
		       v->ok ? "" : v->why);
	}
	for (i = 0; i < w->nr_vms; i++) {
		u32 k;

		for (k = 0; k < w->plan.nr; k++) {
			struct world_wl_result *r = &w->vms[i].wl[k];

			if (!r->ran)
				continue;
			printf("vgpu %u %-8s pv 0x%x %6u/%-6u ops %10.0f ops/s %8.1f traps/op  %s\n",
			       xengt_vgpu_id(w->vms[i].vgpu),
			       i915pv_workload_name(r->wl.kind),
			       w->vms[i].pv_caps_used, r->wl.done, r->wl.ops,
			       r->ns ? r->wl.done * 1e9 / r->ns : 0.0,
			       r->wl.done ? (double)r->traps / r->wl.done : 0.0,
			       r->ok ? "ok" : r->why);
		}
	}
	printf("GPU accesses %llu, faults %llu, host escapes %llu, foreign accesses %llu\n",
	       w->gpu.stats.accesses, w->gpu.stats.faults,
	       w->gpu.stats.host_escapes, w->gpu.stats.foreign);
}

static void print_json_workloads(const struct world_wl_result *wl, u32 n)
{
	u32 k;

	bool first = true;

	printf("\"workloads\": [");
	for (k = 0; k < n; k++) {
		const struct world_wl_result *r = &wl[k];

		if (!r->ran)
			continue;
		printf("%s{\"name\": \"%s\", \"ops\": %u, \"done\": %u, "
		       "\"ns\": %llu, \"ops_per_s\": %.1f, \"traps\": %llu, "
		       "\"gpu_ticks\": %llu, \"bind_traps\": %llu, "
		       "\"result\": \"%s\", \"reason\": \"%s\"}",
		       first ? "" : ", ", i915pv_workload_name(r->wl.kind),
		       r->wl.ops, r->wl.done, r->ns,
		       r->ns ? r->wl.done * 1e9 / r->ns : 0.0, r->traps,
		       r->gpu_ticks, (unsigned long long)r->wl.bind_traps,
		       r->ok ? "ok" : "FAIL", r->ok ? "" : r->why);
		first = false;
	}
	printf("]");
}

/* The baseline: the same guest code on the bare software GPU. */
static int run_native(const struct options *o)
{
	static struct native n;
	struct world_wl_plan plan;
	struct world_wl_result res[I915PV_WL_COUNT];
	struct i915pv_pages pages;
	int ret, failed = 0;
	u32 k;

	if (world_parse_workloads(
		    &plan, o->workloads ? o->workloads : "store,blit,ptchurn",
		    o->ops)) {
		fprintf(stderr, "xengt-sim: bad --workload list\n");
		return 2;
	}
	ret = native_init(&n, WORLD_VM_RAM);
	if (ret) {
		fprintf(stderr,
			"xengt-sim: cannot set up the native machine: %s\n",
			strerror(-ret));
		return 1;
	}
	if (native_probe(&n)) {
		native_fini(&n);
		return 1;
	}
	i915pv_pages_init(&pages, &n.io, WORLD_WL_RAM, WORLD_VM_RAM);
	memset(res, 0, sizeof(res));
	for (k = 0; k < plan.nr; k++) {
		res[k].wl.kind = plan.kinds[k];
		res[k].wl.ops = plan.ops[k];
		res[k].wl.seed = 0x2000 + k;
		failed += world_run_workload(&n.dev, &pages, &res[k], &n.gpu,
					     NATIVE_DOMID, NULL, NULL) != 0;
	}
	failed += n.gpu.stats.foreign != 0;
	if (o->json) {
		printf("{\"native\": true, ");
		print_json_workloads(res, plan.nr);
		printf(", \"gpu_accesses\": %llu, \"gpu_faults\": %llu, "
		       "\"foreign_accesses\": %llu}\n",
		       n.gpu.stats.accesses, n.gpu.stats.faults,
		       n.gpu.stats.foreign);
	} else {
		for (k = 0; k < plan.nr; k++)
			printf("native %-8s %6u/%-6u ops %10.0f ops/s  %s\n",
			       i915pv_workload_name(res[k].wl.kind),
			       res[k].wl.done, res[k].wl.ops,
			       res[k].ns ? res[k].wl.done * 1e9 / res[k].ns :
					   0.0,
			       res[k].ok ? "ok" : res[k].why);
		printf("GPU accesses %llu, faults %llu, foreign accesses %llu\n",
		       n.gpu.stats.accesses, n.gpu.stats.faults,
		       n.gpu.stats.foreign);
	}
	native_fini(&n);
	return failed ? 1 : 0;
}

static void print_json(struct world *w)
{
	u32 i;

	printf("{\"vms\": [");
	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];
		struct xengt_vgpu_info g;

		xengt_vgpu_snapshot(v->vgpu, &g);
		printf("%s{\"id\": %u, \"domid\": %u, \"type\": \"%s\", "
		       "\"low_gm\": {\"base\": %llu, \"size\": %llu}, "
		       "\"high_gm\": {\"base\": %llu, \"size\": %llu}, "
		       "\"fences\": {\"base\": %u, \"count\": %u}, "
		       "\"traps\": %llu, \"ggtt_entries\": %llu, "
		       "\"ggtt_dropped\": %llu, \"pv\": \"%s\", "
		       "\"pv_caps\": %u, ",
		       i ? ", " : "", g.id, v->vm->base.domid, g.type,
		       g.low_gm_base, g.low_gm_size, g.high_gm_base,
		       g.high_gm_size, g.fence_base, g.fences,
		       v->vm->traps.cfg + v->vm->traps.mmio, g.ggtt_writes,
		       g.ggtt_dropped, world_pv_name(v->pv_mode),
		       v->pv_caps_used);
		print_json_workloads(v->wl, w->plan.nr);
		printf(", \"result\": \"%s\", \"reason\": \"%s\"}",
		       v->ok ? "ok" : "FAIL", v->ok ? "" : v->why);
	}
	printf("], \"gpu_accesses\": %llu, \"gpu_faults\": %llu, "
	       "\"host_escapes\": %llu, \"foreign_accesses\": %llu}\n",
	       w->gpu.stats.accesses, w->gpu.stats.faults,
	       w->gpu.stats.host_escapes, w->gpu.stats.foreign);
}

int main(int argc, char **argv)
{
	static struct world w;
	struct options o;
	u32 i;
	int ret, failed = 0;

	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench_main(argc - 1, argv + 1);
	if (parse_args(argc, argv, &o))
		return 2;
	if (o.native)
		return run_native(&o);
	ret = world_init(&w, o.vms);
	if (ret) {
		fprintf(stderr,
			"xengt-sim: cannot set up the simulated machine: %s\n",
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < o.vms; i++) {
		char type[32];

		world_list_item(o.types, i, type, sizeof(type));
		ret = world_add_vm(&w, type);
		if (ret) {
			fprintf(stderr,
				"xengt-sim: cannot create VM %u with a %s vGPU: %s\n",
				i + 1, type, strerror(-ret));
			world_fini(&w);
			return 1;
		}
		if (o.pv) {
			char mode[16];

			world_list_item(o.pv, i, mode, sizeof(mode));
			w.vms[i].pv_mode = world_pv_parse(mode);
		}
		if (o.ppgtt_oos) {
			char v[16];

			world_list_item(o.ppgtt_oos, i, v, sizeof(v));
			xengt_vgpu_set_ppgtt_oos(w.vms[i].vgpu,
						 world_onoff_parse(v));
		}
		if (o.pv_offer) {
			char offer[48];
			u32 caps;

			world_list_item(o.pv_offer, i, offer, sizeof(offer));
			world_pv_offer_parse(offer, &caps);
			ret = xengt_vgpu_set_pv_offer(w.vms[i].vgpu, caps);
			if (ret) {
				fprintf(stderr,
					"xengt-sim: VM %u: cannot offer PV caps 0x%x: %s\n",
					i + 1, caps, strerror(-ret));
				world_fini(&w);
				return 1;
			}
		}
	}
	if (o.workloads && world_parse_workloads(&w.plan, o.workloads, o.ops)) {
		fprintf(stderr,
			"xengt-sim: --workload takes a list of store, blit, ptchurn, bind512\n");
		world_fini(&w);
		return 2;
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
	failed += w.gpu.stats.foreign != 0 || w.gpu.stats.host_escapes != 0;
	world_fini(&w);
	return failed ? 1 : 0;
}
