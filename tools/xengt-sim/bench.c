// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-sim bench (see bench.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "native.h"
#include "world.h"

struct bench_opts {
	u32 vms;
	u32 ops;
	const char *types;
	const char *workloads;
	const char *pv; /* the VMs' --pv list */
	bool oos_off; /* every vGPU's PPGTT out-of-sync pages off */
	bool scale; /* also print 2-VM / 1-VM aggregate scaling */
};

struct bench_row {
	int kind;
	bool native_ok, mediated_ok;
	double native_ops_s;
	double mediated_ops_s; /* one VM's mean */
	/* all VMs together: ops over first start to last end */
	double aggregate_ops_s;
	double traps_per_op;
	double jain; /* of GPU time per VM */
	double jain_weighted; /* of GPU time / weight: 1 = shares follow weights */
	double bind_traps; /* per op: traps of bind512's bind + unbind */
	u32 pv_caps; /* PV caps every VM used (AND over the VMs) */
	/* The same workload with --pv=auto, best of the rounds. */
	bool pv_ok;
	double pv_ops_s, pv_traps_per_op, pv_bind_traps;
	/* bind512 trapped with the PPGTT's out-of-sync pages off. */
	bool oos_off_ok;
	double oos_off_bind_traps;
	char why[160];
	char pv_why[160];
};

/*
 * Native and mediated runs alternate this many times and each keeps its
 * fastest round: wall-clock noise from the rest of the machine only ever
 * slows a round down, so the best of a few is the steadiest estimate.
 */
#define BENCH_ROUNDS 3

double bench_jain(const unsigned long long *x, unsigned int n)
{
	double sum = 0, sq = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sum += (double)x[i];
		sq += (double)x[i] * (double)x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : 0.0;
}

static int bench_native(int kind, u32 ops, struct bench_row *row)
{
	static struct native n;
	struct world_wl_result r;
	struct i915pv_pages pages;
	int ret;

	ret = native_init(&n, WORLD_VM_RAM);
	if (ret)
		return ret;
	ret = native_probe(&n);
	if (!ret) {
		memset(&r, 0, sizeof(r));
		r.wl.kind = kind;
		r.wl.ops = ops;
		r.wl.seed = 0x3000;
		i915pv_pages_init(&pages, &n.io, WORLD_WL_RAM, WORLD_VM_RAM);
		ret = world_run_workload(&n.dev, &pages, &r, &n.gpu,
					 NATIVE_DOMID, NULL, NULL);
		if (!ret && n.gpu.stats.foreign)
			ret = -EPERM;
		row->native_ok = !ret;
		row->native_ops_s = r.ns ? r.wl.done * 1e9 / r.ns : 0;
		if (ret)
			snprintf(row->why, sizeof(row->why), "native: %s",
				 r.ok ? "foreign accesses" : r.why);
	}
	native_fini(&n);
	return ret;
}

static int bench_mediated(const struct bench_opts *o, int kind, u32 ops,
			  struct bench_row *row)
{
	static struct world w;
	unsigned long long ticks[WORLD_MAX_VMS], per_weight[WORLD_MAX_VMS];
	struct xengt_vgpu_info info;
	u64 done = 0, traps = 0, sum_ns = 0, first = ~0ULL, last = 0;
	u64 bind_traps = 0;
	int ret;
	u32 i;

	ret = world_init(&w, o->vms);
	if (ret)
		return ret;
	for (i = 0; i < o->vms && !ret; i++) {
		char type[32], pv[16];

		world_list_item(o->types, i, type, sizeof(type));
		ret = world_add_vm(&w, type);
		world_list_item(o->pv ? o->pv : "off", i, pv, sizeof(pv));
		if (!ret)
			w.vms[i].pv_mode = world_pv_parse(pv);
		if (!ret && o->oos_off)
			xengt_vgpu_set_ppgtt_oos(w.vms[i].vgpu, false);
	}
	if (!ret) {
		w.plan.nr = 1;
		w.plan.kinds[0] = kind;
		w.plan.ops[0] = ops;
		ret = world_run_guests(&w, 16);
	}
	if (ret) {
		snprintf(row->why, sizeof(row->why), "mediated: setup: %s",
			 strerror(-ret));
		world_fini(&w);
		return ret;
	}
	row->mediated_ok = true;
	row->pv_caps = XENGT_PV_CAPS_ALL;
	for (i = 0; i < w.nr_vms; i++) {
		struct world_vm *v = &w.vms[i];
		struct world_wl_result *r = &v->wl[0];

		if (!v->ok || !r->ok) {
			if (row->mediated_ok)
				snprintf(row->why, sizeof(row->why),
					 "mediated: vgpu %u: %s",
					 xengt_vgpu_id(v->vgpu), v->why);
			row->mediated_ok = false;
		}
		done += r->wl.done;
		traps += r->traps;
		bind_traps += r->wl.bind_traps;
		row->pv_caps &= v->pv_caps_used;
		sum_ns += r->ns;
		/* From the first VM's start to the last VM's end. */
		if (r->start_ns < first)
			first = r->start_ns;
		if (r->start_ns + r->ns > last)
			last = r->start_ns + r->ns;
		ticks[i] = w.first_done_ticks[i];
		/* Scaled so integer division keeps the precision. */
		xengt_vgpu_snapshot(v->vgpu, &info);
		per_weight[i] = ticks[i] * 16 / info.weight;
	}
	if (row->mediated_ok && w.gpu.stats.foreign) {
		row->mediated_ok = false;
		snprintf(row->why, sizeof(row->why),
			 "mediated: %llu foreign GPU accesses",
			 w.gpu.stats.foreign);
	}
	if (row->mediated_ok && w.gpu.stats.host_escapes) {
		row->mediated_ok = false;
		snprintf(
			row->why, sizeof(row->why),
			"mediated: %llu GPU accesses to host frames by commands",
			w.gpu.stats.host_escapes);
	}
	if (row->mediated_ok) {
		row->mediated_ops_s =
			sum_ns ? (double)done / w.nr_vms * 1e9 /
					 ((double)sum_ns / w.nr_vms) :
				 0;
		row->aggregate_ops_s =
			last > first ? done * 1e9 / (last - first) : 0;
		row->traps_per_op = done ? (double)traps / done : 0;
		row->bind_traps = done ? (double)bind_traps / done : 0;
		row->jain = bench_jain(ticks, w.nr_vms);
		row->jain_weighted = bench_jain(per_weight, w.nr_vms);
	}
	world_fini(&w);
	return row->mediated_ok ? 0 : -EIO;
}

/*
 * The same mediated run with every VM on --pv=auto, into @row's pv_*
 * fields when its ops/s beat the best so far.  A host that does not
 * offer every PV cap leaves the row unavailable (not a failure: the
 * comparison would be trap against trap); a PV run that fails to verify
 * is a failure (-EIO).
 */
static int bench_pv(const struct bench_opts *o, int kind, u32 ops,
		    struct bench_row *row)
{
	struct bench_opts po = *o;
	struct bench_row r = { .kind = kind };

	po.pv = "auto";
	if (bench_mediated(&po, kind, ops, &r)) {
		snprintf(row->pv_why, sizeof(row->pv_why), "%s", r.why);
		row->pv_ok = false;
		row->pv_ops_s = 0;
		return -EIO;
	}
	if (r.pv_caps != XENGT_PV_CAPS_ALL) {
		snprintf(row->pv_why, sizeof(row->pv_why),
			 "the host offers pv_caps 0x%x, not all of 0x%x",
			 r.pv_caps, XENGT_PV_CAPS_ALL);
		return 0;
	}
	if (r.mediated_ops_s > row->pv_ops_s) {
		row->pv_ok = true;
		row->pv_ops_s = r.mediated_ops_s;
		row->pv_traps_per_op = r.traps_per_op;
		row->pv_bind_traps = r.bind_traps;
	}
	return 0;
}

/*
 * bind512 trapped with the PPGTT's out-of-sync pages off, into @row's
 * oos_off_* fields: one trap per PTE written, the count the issue's
 * bind512 goal assumes (with OOS on, a hot leaf table stops trapping).
 */
static int bench_oos_off(const struct bench_opts *o, u32 ops,
			 struct bench_row *row)
{
	struct bench_opts oo = *o;
	struct bench_row r = { .kind = I915PV_WL_BIND512 };

	oo.pv = "off";
	oo.oos_off = true;
	if (bench_mediated(&oo, I915PV_WL_BIND512, ops, &r)) {
		row->oos_off_ok = false;
		return -EIO;
	}
	row->oos_off_ok = true;
	row->oos_off_bind_traps = r.bind_traps;
	return 0;
}

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "vms", required_argument, NULL, 'n' },
		{ "types", required_argument, NULL, 't' },
		{ "ops", required_argument, NULL, 'o' },
		{ "workload", required_argument, NULL, 'w' },
		{ "scale", no_argument, NULL, 's' },
		{ "pv", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct bench_opts){ .vms = 1,
				  .types = "xengt_8,xengt_4",
				  .workloads = "store,blit,ptchurn,bind512" };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->vms = strtoul(optarg, &end, 10);
			if (*end || !o->vms || o->vms > WORLD_MAX_VMS)
				return -1;
			break;
		case 't':
			o->types = optarg;
			break;
		case 'o':
			o->ops = strtoul(optarg, &end, 10);
			if (*end || !o->ops)
				return -1;
			break;
		case 'w':
			o->workloads = optarg;
			break;
		case 's':
			o->scale = true;
			break;
		case 'P':
			o->pv = optarg;
			break;
		default:
			return -1;
		}
	}
	return optind < argc ? -1 : 0;
}

/*
 * Scaling of the mediated path with the number of guests: aggregate ops/s
 * of @kind with 2 VMs over 1 VM (same type, same ops per VM), best of
 * BENCH_ROUNDS alternating rounds each.  Printed as the one line
 * "scale <workload> vms=2/1 = R" that the issue tracker quotes.
 */
static int bench_scale(int kind, u32 ops, const char *type)
{
	struct bench_opts o = { .types = type };
	double best[3] = { 0, 0, 0 };
	u32 round, vms;

	for (round = 0; round < BENCH_ROUNDS; round++) {
		for (vms = 1; vms <= 2; vms++) {
			struct bench_row r = { .kind = kind };

			o.vms = vms;
			if (bench_mediated(&o, kind, ops, &r)) {
				printf("scale %s: unavailable: %s\n",
				       i915pv_workload_name(kind), r.why);
				return -1;
			}
			if (r.aggregate_ops_s > best[vms])
				best[vms] = r.aggregate_ops_s;
		}
	}
	printf("scale %s vms=2/1 = %.2f (aggregate %.0f ops/s with 2 VMs, %.0f with 1; %s, %u ops per VM, best of %d)\n",
	       i915pv_workload_name(kind), best[2] / best[1], best[2], best[1],
	       type, ops, BENCH_ROUNDS);
	return 0;
}

int bench_main(int argc, char **argv)
{
	struct bench_row rows[I915PV_WL_COUNT];
	struct world_wl_plan plan;
	struct bench_opts o;
	int failed = 0;
	u32 k;

	/* Ten times the per-VM defaults: long enough to time steadily. */
	if (bench_parse(argc, argv, &o) ||
	    world_parse_workloads(&plan, o.workloads, o.ops)) {
		fprintf(stderr,
			"usage: xengt-sim bench [--vms N] [--types LIST] [--ops N] [--workload LIST] [--pv LIST] [--scale]\n");
		return 2;
	}
	for (k = 0; !o.ops && k < plan.nr; k++)
		plan.ops[k] *= 10;
	for (k = 0; k < plan.nr; k++) {
		struct bench_row *row = &rows[k];
		u32 round;

		memset(row, 0, sizeof(*row));
		row->kind = plan.kinds[k];
		for (round = 0; round < BENCH_ROUNDS; round++) {
			struct bench_row r = { .kind = row->kind };

			if (bench_native(r.kind, plan.ops[k], &r) ||
			    bench_mediated(&o, r.kind, plan.ops[k], &r)) {
				*row = r;
				failed++;
				break;
			}
			if (r.native_ops_s > row->native_ops_s)
				row->native_ops_s = r.native_ops_s;
			if (r.mediated_ops_s > row->mediated_ops_s) {
				struct bench_row keep = *row;

				*row = r;
				row->native_ops_s = keep.native_ops_s;
				row->pv_ok = keep.pv_ok;
				row->pv_ops_s = keep.pv_ops_s;
				row->pv_traps_per_op = keep.pv_traps_per_op;
				row->pv_bind_traps = keep.pv_bind_traps;
				memcpy(row->pv_why, keep.pv_why,
				       sizeof(row->pv_why));
			}
			if (bench_pv(&o, r.kind, plan.ops[k], row))
				failed++;
		}
		/* Trap counts do not vary by round: one run is enough. */
		if (row->kind == I915PV_WL_BIND512 && row->mediated_ok &&
		    bench_oos_off(&o, plan.ops[k], row))
			failed++;
	}
	printf("xengt-sim bench: %u VM(s), types %s; ops per run: ", o.vms,
	       o.types);
	for (k = 0; k < plan.nr; k++)
		printf("%s%s %u", k ? ", " : "",
		       i915pv_workload_name(plan.kinds[k]), plan.ops[k]);
	printf("\n%-8s %14s %14s %8s %9s %15s %7s %7s\n", "workload",
	       "native ops/s", "mediated ops/s", "ratio", "traps/op",
	       "aggregate ops/s", "jain", "jain/w");
	for (k = 0; k < plan.nr; k++) {
		struct bench_row *row = &rows[k];
		const char *name = i915pv_workload_name(row->kind);

		if (!row->native_ok) {
			printf("%-8s %14s  unavailable: %s\n", name, "n/a",
			       row->why);
		} else if (!row->mediated_ok) {
			printf("%-8s %14.0f %14s  unavailable: %s\n", name,
			       row->native_ops_s, "n/a", row->why);
		} else {
			printf("%-8s %14.0f %14.0f %8.3f %9.1f %15.0f %7.4f %7.4f\n",
			       name, row->native_ops_s, row->mediated_ops_s,
			       row->mediated_ops_s / row->native_ops_s,
			       row->traps_per_op, row->aggregate_ops_s,
			       row->jain, row->jain_weighted);
		}
	}
	/*
	 * Trap vs PV, the same guests and ops: ratios trap/pv (ops/s below 1
	 * when PV is faster; traps above 1 when PV traps less).
	 */
	for (k = 0; k < plan.nr; k++) {
		struct bench_row *row = &rows[k];
		const char *name = i915pv_workload_name(row->kind);

		if (!row->mediated_ok)
			continue;
		if (!row->pv_ok) {
			printf("pv %s: unavailable: %s\n", name, row->pv_why);
			continue;
		}
		printf("pv %s ops/s trap/pv = %.3f traps/op trap/pv = %.2f (trap %.0f ops/s %.1f traps/op, pv %.0f ops/s %.2f traps/op)\n",
		       name, row->mediated_ops_s / row->pv_ops_s,
		       row->pv_traps_per_op > 0 ?
			       row->traps_per_op / row->pv_traps_per_op :
			       0.0,
		       row->mediated_ops_s, row->traps_per_op, row->pv_ops_s,
		       row->pv_traps_per_op);
		if (row->kind == I915PV_WL_BIND512)
			printf("pv bind512 traps trap/pv = %.1f (traps to bind and unbind %u pages: trap %.1f, pv %.2f)\n",
			       row->pv_bind_traps > 0 ?
				       row->bind_traps / row->pv_bind_traps :
				       0.0,
			       I915PV_BIND512_PAGES, row->bind_traps,
			       row->pv_bind_traps);
		/* Informational, beside the line above (which stays as is). */
		if (row->kind == I915PV_WL_BIND512 && row->oos_off_ok)
			printf("pv bind512 traps trap(oos off)/pv = %.1f (the same with the PPGTT's out-of-sync pages off, one trap per PTE: trap %.1f, pv %.2f)\n",
			       row->pv_bind_traps > 0 ?
				       row->oos_off_bind_traps /
					       row->pv_bind_traps :
				       0.0,
			       row->oos_off_bind_traps, row->pv_bind_traps);
	}
	if (o.scale)
		for (k = 0; k < plan.nr; k++)
			if (bench_scale(plan.kinds[k], plan.ops[k], "xengt_4"))
				failed++;
	printf("(ratio = mediated / native ops/s of one VM, best of %d alternating rounds each;\n"
	       " jain = Jain's index of GPU time per VM when the first VM finished, jain/w = the same\n"
	       " of GPU time / weight: 1 when the GPU is contended and shares follow the weights;\n"
	       " these guests are demand-limited, so with unequal weights expect less; software GPU clock)\n",
	       BENCH_ROUNDS);
	return failed ? 1 : 0;
}
