#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One GPU shared by Xen guests (the shared-GPU scenario), one boot of real
# Xen under QEMU, xengt.ko loaded in dom0 for all of it:
#
#   at once (--parallel 4): four i915-pv guests, their vGPUs created
#   through /sys/kernel/xengt, all on the module's one GVT:
#     w1, w4  weights 1 and 4, served by the in-kernel ioreq server
#     w2      weight 2, served by xengt-dm attached to xengt.ko
#     bad     a hostile guest (in-kernel path): its batch carries
#             MI_LOAD_REGISTER_IMM; it must be refused and its vGPU
#             failsafe'd, nobody else disturbed
#   w1, w2, w4 verify their workloads in guest memory, then keep the
#   blitter busy (two requests in flight); meanwhile dom0 samples every
#   vGPU's gpu_ticks twice.  The guests are destroyed (stop mode
#   "destroy"): the module must free their vGPUs by itself.
#
#   then, one at a time, the baseline guest's trap round trip through the
#   in-kernel path, xengt-dm attached to the module, and null-dm.
#
# Passes when every step passes (each guest's own verdict; the hostile
# guest's is that its request never completed), the hostile vGPU is in
# failsafe and the others are not, the shares are within 10% of 1:2:4,
# the GPU touched no frame of another domain, and available_resource is
# back at its start once the domains are gone (checked in dom0).
# Prints "XEN_E2E_SHARED guests=N foreign=F share_err=P%" and
# "XEN_E2E_RATIO trap_rt kernel/xengt-dm = R".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-shared
. "$here/e2e-lib.sh"
e2e_need_ko xengt-shared
KO=$XENGT_KO
MAX_SHARE_ERR=${MAX_SHARE_ERR:-10}

attached="--foreground --pvh --pidfile /run/dm.ready"
busy="wl_store=8 wl_blit=1 wl_ptchurn=2 trap_n=100 busy_ms=60000"
w1=(--step w1 --vgpu "64 384 4 1" --dm kernel --dm-args pvh
	--guest i915 --guest-cmdline "$busy" --dm-stop destroy)
w2=(--step w2 --vgpu "64 384 4 2" --dm xengt --dm-args "$attached"
	--guest i915 --guest-cmdline "$busy" --dm-stop destroy)
w4=(--step w4 --vgpu "64 384 4 4" --dm kernel --dm-args pvh
	--guest i915 --guest-cmdline "$busy" --dm-stop destroy)
bad=(--step bad --vgpu "64 384 4 4" --dm kernel --dm-args pvh
	--guest i915 --guest-cmdline "hostile_submit=1" --dm-stop destroy)
rt=(--step rt_kernel --vgpu xengt_8 --dm kernel --dm-args pvh
	--guest baseline --guest-cmdline "trap_n=1000"
	--step rt_dm --vgpu xengt_8 --dm xengt --dm-args "$attached"
	--guest baseline --guest-cmdline "trap_n=1000"
	--step rt_null --dm null --guest baseline --guest-cmdline "trap_n=1000")
# SHARED_GUESTS=2: only w1 (in-kernel) and w2 (xengt-dm) at once, the
# hostile guest after them (for a host too small for four guests at once).
if [ "${SHARED_GUESTS:-3}" = 2 ]; then
	steps=(--parallel 2 "${w1[@]}" "${w2[@]}" "${bad[@]}" "${rt[@]}")
	nbusy=2
else
	steps=(--parallel 4 "${w1[@]}" "${w2[@]}" "${w4[@]}" "${bad[@]}" "${rt[@]}")
	nbusy=3
fi
rc=0
"$here/run.sh" --out "$out" --timeout 420 --guest-timeout 200 \
	--extra "$KO:/lib/modules/xengt.ko" \
	--share-delay 25 --share-seconds 15 "${steps[@]}" "$@" || rc=$?
[ "$rc" = 0 ] || exit "$rc"
report=$out/latest/report.txt

e2e_no_dom0_crash xengt-shared "$out/latest" || exit 1

# Shares: gpu_ticks gained between the two samples by the busy guests.
awk -v max="$MAX_SHARE_ERR" -v nbusy="$nbusy" '
	$1 == "VGPU" {
		split($3, d, "="); name[d[2]] = $2
	}
	$1 == "SHARE" {
		delete f
		for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		id = f["vgpu"]
		for (k in f) if (f[k] == "") { printf "incomplete sample %s of vGPU %s: no %s\n", $2, id, k; broken = 1 }
		if ($2 == 0) { t0[id] = f["gpu_ticks"]; next }
		t1[id] = f["gpu_ticks"]; w[id] = f["weight"]; st[id] = f["state"]
		dom[id] = f["domid"]
	}
	$1 == "KMOD_GPU" && $2 == "foreign" { foreign = $3 }
	$1 == "VGPU_END" && $2 == "bad" { badstate = $5 }
	END {
		if (broken) { print "no XEN_E2E_SHARED figure from incomplete samples"; exit 1 }
		bad = 0
		if (badstate != "state=failsafe") {
			printf "hostile guest vGPU ended %s, not failsafe\n", badstate
			bad = 1
		}
		for (id in t1) {
			n = name[dom[id]]
			if (n == "bad")
				continue
			if (st[id] == "failsafe") {
				printf "guest %s (vGPU %s) is failsafe\n", n, id; bad = 1
			}
			d[id] = t1[id] - t0[id]; sum += d[id]; wsum += w[id]; nb++
		}
		if (nb != nbusy || sum <= 0) { printf "no GPU-time samples of the %d busy guests\n", nbusy; exit 1 }
		err = 0
		for (id in d) {
			share = d[id] / sum; want = w[id] / wsum
			e = (share - want) / want; if (e < 0) e = -e
			if (e > err) err = e
			printf "share %s: weight %d, %.1f%% of GPU time (wants %.1f%%), %d ticks\n",
				name[dom[id]], w[id], 100 * share, 100 * want, d[id]
		}
		printf "XEN_E2E_SHARED guests=%d foreign=%s share_err=%.1f%%%s\n", nb + 1, foreign, 100 * err,
			nb == 2 ? " (2 busy at once, the hostile one after: SHARED_GUESTS=2)" : ""
		if (foreign != "0") bad = 1
		if (100 * err > max) { printf "shares deviate by more than %d%% from the weights\n", max; bad = 1 }
		exit bad
	}
' "$report" || rc=1

# Trap round trip, medians measured in this boot, one path after the other.
awk '
	$1 == "STEP" && $3 == "BEGIN" { step = $2 }
	$1 == "GUEST" && $2 == "TRAP_RT" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "median_ns") med[step] = kv[2] }
	}
	END {
		if (!med["rt_kernel"] || !med["rt_dm"] || !med["rt_null"]) { print "no TRAP_RT figures"; exit 1 }
		printf "XEN_E2E_RATIO trap_rt kernel/xengt-dm = %.2f (median %.1f us in-kernel, %.1f us xengt-dm attached, %.1f us null-dm)\n",
			med["rt_kernel"] / med["rt_dm"], med["rt_kernel"] / 1000, med["rt_dm"] / 1000, med["rt_null"] / 1000
	}
' "$report" || rc=1
exit "$rc"
