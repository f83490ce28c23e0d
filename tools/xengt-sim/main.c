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

#include <json-c/json.h>

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

static bool pv_offer_ok(const char *item)
{
	u32 caps;

	return !world_pv_offer_parse(item, &caps);
}

static bool onoff_ok(const char *item)
{
	return world_onoff_parse(item) >= 0;
}

static bool pv_ok(const char *item)
{
	return world_pv_parse(item) >= 0;
}

/*
 * A per-VM list option (cycled over the VMs, world_list_item()): every
 * item a VM will get must pass @valid, else say what @flag takes.
 */
static int check_vm_list(const char *list, u32 vms, const char *flag,
			 const char *takes, bool (*valid)(const char *item))
{
	char item[48];
	u32 i;

	if (!list)
		return 0;
	for (i = 0; i < vms; i++) {
		world_list_item(list, i, item, sizeof(item));
		if (!valid(item)) {
			fprintf(stderr,
				"xengt-sim: %s takes a list of %s; got '%s'\n",
				flag, takes, item);
			return -1;
		}
	}
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
	if (check_vm_list(
		    o->pv_offer, o->vms, "--pv-offer",
		    "all, none or caps joined by '+' (ppgtt, ggtt, submission)",
		    pv_offer_ok) ||
	    check_vm_list(o->ppgtt_oos, o->vms, "--ppgtt-oos", "on, off",
			  onoff_ok) ||
	    check_vm_list(o->pv, o->vms, "--pv", "off, on, auto", pv_ok))
		return -1;
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

/* @v with one decimal, as printed before json-c ("ops_per_s": 123.4). */
static json_object *json_double1(double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.1f", v);
	return json_object_new_double_s(v, buf);
}

static json_object *json_u64(u64 v)
{
	return json_object_new_uint64(v);
}

static void json_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *json_workloads(const struct world_wl_result *wl, u32 n)
{
	json_object *arr = json_object_new_array();
	u32 k;

	for (k = 0; k < n; k++) {
		const struct world_wl_result *r = &wl[k];
		json_object *o;

		if (!r->ran)
			continue;
		o = json_object_new_object();
		json_add(o, "name",
			 json_object_new_string(
				 i915pv_workload_name(r->wl.kind)));
		json_add(o, "ops", json_u64(r->wl.ops));
		json_add(o, "done", json_u64(r->wl.done));
		json_add(o, "ns", json_u64(r->ns));
		json_add(o, "ops_per_s",
			 json_double1(r->ns ? r->wl.done * 1e9 / r->ns : 0.0));
		json_add(o, "traps", json_u64(r->traps));
		json_add(o, "gpu_ticks", json_u64(r->gpu_ticks));
		json_add(o, "bind_traps", json_u64(r->wl.bind_traps));
		json_add(o, "result",
			 json_object_new_string(r->ok ? "ok" : "FAIL"));
		json_add(o, "reason",
			 json_object_new_string(r->ok ? "" : r->why));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* One line on stdout, then @doc is freed. */
static void print_json_doc(json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_SPACED));
	json_object_put(doc);
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
		json_object *doc = json_object_new_object();

		json_add(doc, "native", json_object_new_boolean(true));
		json_add(doc, "workloads", json_workloads(res, plan.nr));
		json_add(doc, "gpu_accesses", json_u64(n.gpu.stats.accesses));
		json_add(doc, "gpu_faults", json_u64(n.gpu.stats.faults));
		json_add(doc, "foreign_accesses",
			 json_u64(n.gpu.stats.foreign));
		print_json_doc(doc);
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

static json_object *json_base_size(u64 base, u64 size)
{
	json_object *o = json_object_new_object();

	json_add(o, "base", json_u64(base));
	json_add(o, "size", json_u64(size));
	return o;
}

static void print_json(struct world *w)
{
	json_object *doc = json_object_new_object(),
		    *vms = json_object_new_array();
	u32 i;

	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];
		struct xengt_vgpu_info g;
		json_object *o = json_object_new_object(), *fences;

		xengt_vgpu_snapshot(v->vgpu, &g);
		json_add(o, "id", json_u64(g.id));
		json_add(o, "domid", json_u64(v->vm->base.domid));
		json_add(o, "type", json_object_new_string(g.type));
		json_add(o, "low_gm",
			 json_base_size(g.low_gm_base, g.low_gm_size));
		json_add(o, "high_gm",
			 json_base_size(g.high_gm_base, g.high_gm_size));
		fences = json_object_new_object();
		json_add(fences, "base", json_u64(g.fence_base));
		json_add(fences, "count", json_u64(g.fences));
		json_add(o, "fences", fences);
		json_add(o, "traps",
			 json_u64(v->vm->traps.cfg + v->vm->traps.mmio));
		json_add(o, "ggtt_entries", json_u64(g.ggtt_writes));
		json_add(o, "ggtt_dropped", json_u64(g.ggtt_dropped));
		json_add(o, "pv",
			 json_object_new_string(world_pv_name(v->pv_mode)));
		json_add(o, "pv_caps", json_u64(v->pv_caps_used));
		json_add(o, "workloads", json_workloads(v->wl, w->plan.nr));
		json_add(o, "result",
			 json_object_new_string(v->ok ? "ok" : "FAIL"));
		json_add(o, "reason",
			 json_object_new_string(v->ok ? "" : v->why));
		json_object_array_add(vms, o);
	}
	json_add(doc, "vms", vms);
	json_add(doc, "gpu_accesses", json_u64(w->gpu.stats.accesses));
	json_add(doc, "gpu_faults", json_u64(w->gpu.stats.faults));
	json_add(doc, "host_escapes", json_u64(w->gpu.stats.host_escapes));
	json_add(doc, "foreign_accesses", json_u64(w->gpu.stats.foreign));
	print_json_doc(doc);
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
