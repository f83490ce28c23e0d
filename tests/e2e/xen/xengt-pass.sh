#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario (a)+(d)+measurements, one boot of real Xen under QEMU:
#   null_a, xengt_a, null_b, xengt_b  the baseline guest (guest/main.c)
#       against null-dm and xengt-dm, alternating, back to back: the
#       trapped round trip through the GVT core vs the null server
#   i915  the i915-pv guest (guest/i915.c + guest/i915-pv) served by
#       xengt-dm: probe, PVINFO, balloon, GGTT job, hostile pokes, traps
#       per operation
#   restricted  the i915-pv guest again, its xengt-dm restricted to the
#       domain (xentoolcore_restrict_all, xenstore closed), as uid 65534 in
#       the empty chroot /run/xengt-root, while a paused bystander domain
#       exists: the DM's own proof (dm_op, foreign mapping and event-channel
#       bind on dom0 and the bystander refused) must name the bystander,
#       /proc shows the uid and root; ended by destroying the domain, which
#       only the DM's monitor process can see
#   restrict_fault  the same with --inject-fault no-restrict: the handles
#       stay unrestricted, so the proof must fail and the DM refuse to
#       serve (the guest is never unpaused)
# then, with xengt.ko loaded for the rest of the boot (vGPUs created
# through /sys/kernel/xengt, all on the module's one GVT):
#   k_i915   the i915-pv guest served by the in-kernel ioreq server
#   dm_i915  the same guest served by xengt-dm attached to the module
#   k_bad    a hostile i915-pv guest (a batch with MI_LOAD_REGISTER_IMM)
#            on the in-kernel path: refused, its vGPU failsafe'd; ended by
#            destroying the domain, after which the module must have freed
#            the vGPU by itself
#   rt_kernel_a, rt_dm_a, rt_kernel_b, rt_dm_b  the baseline guest's trap
#            round trip through the two module paths, alternating back to
#            back (TCG's speed drifts within a boot; null_a/null_b give
#            null-dm's)
# dom0 then checks available_resource is back at its load-time value and
# that the GPU touched no frame of another domain.
# Every step must PASS and every DM must exit 0 on SIGTERM.
# Prints "XEN_E2E_RATIO trap_rt kernel/xengt-dm = R" (in-kernel path over
# xengt-dm attached to the module), "XEN_E2E_RATIO trap_rt xengt/null = R"
# (standalone xengt-dm; the guest-measured round
# trip: medians, averaged over the two pairs), "XEN_E2E_RATIO dm_service
# xengt/null = R" (the DMs' own time per ioreq) and the i915 guest's traps
# per operation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-pass
dm=(--dm xengt --dm-args "--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready")
attached=(--dm xengt --dm-args "--foreground --pvh --pidfile /run/dm.ready")
kernel=(--dm kernel --dm-args pvh)
base=(--guest baseline --guest-cmdline "trap_n=1000")

rc=0
# xengt.ko, when it was built: dom0 loads and unloads it first (the same
# core files, built against this dom0's kernel headers).
kmod=()
[ -n "${XENGT_KO:-}" ] && [ -f "$XENGT_KO" ] && kmod=(--extra "$XENGT_KO:/lib/modules/xengt.ko")
steps=(--step null_a --dm null "${base[@]}"
	--step xengt_a "${dm[@]}" "${base[@]}"
	--step null_b --dm null "${base[@]}"
	--step xengt_b "${dm[@]}" "${base[@]}"
	--step i915 "${dm[@]}" --guest i915 --check stats
	--step restricted --dm xengt --dm-args "${dm[3]} --runas 65534:65534 --chroot /run/xengt-root"
	--guest i915 --check bystander,restricted --dm-stop destroy
	--step restrict_fault --dm xengt --dm-args "${dm[3]} --inject-fault no-restrict"
	--check bystander,refuse)
if [ ${#kmod[@]} -gt 0 ]; then
	steps+=(--step k_i915 --vgpu xengt_8 "${kernel[@]}" --guest i915
		--step dm_i915 --vgpu xengt_8 "${attached[@]}" --guest i915 --check stats
		--step k_bad --vgpu xengt_8 "${kernel[@]}" --guest i915
		--guest-cmdline "hostile_submit=1" --dm-stop destroy
		--step rt_kernel_a --vgpu xengt_8 "${kernel[@]}" "${base[@]}"
		--step rt_dm_a --vgpu xengt_8 "${attached[@]}" "${base[@]}"
		--step rt_kernel_b --vgpu xengt_8 "${kernel[@]}" "${base[@]}"
		--step rt_dm_b --vgpu xengt_8 "${attached[@]}" "${base[@]}")
fi
"$here/run.sh" --out "$out" --timeout 420 "${kmod[@]}" "${steps[@]}" "$@" ||
	rc=$?
[ "$rc" = 0 ] || exit "$rc"

if [ ${#kmod[@]} -gt 0 ]; then
	# The module's two trap paths, measured in this boot in two
	# alternating pairs; the hostile guest's vGPU must have been
	# failsafe'd.
	awk '
		$1 == "STEP" && $3 == "BEGIN" { step = $2 }
		$1 == "GUEST" && $2 == "TRAP_RT" {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "median_ns") med[step] = kv[2] }
		}
		$1 == "VGPU_END" && $2 == "k_bad" { bad = $5 }
		$1 == "KMOD_GPU" && $2 == "foreign" { foreign = $3 }
		END {
			if (!med["rt_kernel_a"] || !med["rt_dm_a"] || !med["rt_kernel_b"] || !med["rt_dm_b"]) {
				print "no TRAP_RT figures of the module paths"; exit 1
			}
			k = (med["rt_kernel_a"] + med["rt_kernel_b"]) / 2
			d = (med["rt_dm_a"] + med["rt_dm_b"]) / 2
			n = (med["null_a"] + med["null_b"]) / 2
			r = (med["rt_kernel_a"] / med["rt_dm_a"] + med["rt_kernel_b"] / med["rt_dm_b"]) / 2
			printf "XEN_E2E_RATIO trap_rt kernel/xengt-dm = %.2f (median %.1f us in-kernel, %.1f us xengt-dm attached, %.1f us null-dm; mean of 2 back-to-back pairs: %.2f, %.2f)\n",
				r, k / 1000, d / 1000, n / 1000,
				med["rt_kernel_a"] / med["rt_dm_a"], med["rt_kernel_b"] / med["rt_dm_b"]
			printf "xengt.ko: hostile guest vGPU %s, foreign GPU accesses %s\n", bad, foreign
			if (bad != "state=failsafe") { print "the hostile guest was not failsafe'"'"'d"; exit 1 }
			if (foreign != "0") exit 1
		}
	' "$out/latest/report.txt" || exit 1
fi

# The restricted DM: who it ran as, where, which domains it proved it cannot
# touch; and that without the restriction the proof failed.
awk '
	$1 == "BYSTANDER" { by[$2] = $3 }
	$1 == "RESTRICT" { r = $0 }
	$1 == "DM_REFUSED" { f = $0 }
	END {
		if (r == "" || f == "") { print "no RESTRICT / DM_REFUSED lines"; exit 1 }
		split(r, a, " "); split(f, b, " ")
		if (f !~ /restriction_not_in_force/) { print "the unrestricted DM refused for another reason: " f; exit 1 }
		printf "XEN_E2E_RESTRICT %s %s %s %s bystander_%s refused_without=%s\n", a[3], a[4], a[5], a[6], by["restricted"], b[3]
	}
' "$out/latest/report.txt" || exit 1

# Both servers measured with the same guest in the same boot.
awk '
	$1 == "STEP" && $3 == "BEGIN" { step = $2 }
	$1 == "GUEST" && $2 == "TRAP_RT" {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "median_ns") med = kv[2]
		}
		if (step ~ /^null_/) { nsum += med; nn++ }
		if (step ~ /^xengt_/) { xsum += med; xn++ }
	}
	END {
		if (!nn || !xn) { print "no TRAP_RT figures"; exit 1 }
		printf "XEN_E2E_RATIO trap_rt xengt/null = %.2f (median %.1f us vs %.1f us, mean of %d back-to-back pairs)\n",
			(xsum / xn) / (nsum / nn), xsum / xn / 1000, nsum / nn / 1000, xn
	}
' "$out/latest/report.txt"

# The device models' own cost per ioreq (measured inside each DM, from
# READY to the answer): what the GVT core adds, without TCG's noise.
for f in "$out"/latest/dm-null_*.log "$out"/latest/dm-xengt_*.log; do
	sed -n "s/^.*service time per ioreq: median \([0-9]*\) ns.*/${f##*/dm-} \1/p" "$f"
done | awk '
	{ sub(/\.log$/, "", $1) }
	$1 ~ /^null_/ { n += $2; nn++ }
	$1 ~ /^xengt_/ { x += $2; xn++ }
	END {
		if (!nn || !xn) { print "no DM service times"; exit 1 }
		printf "XEN_E2E_RATIO dm_service xengt/null = %.2f (median %.1f us vs %.1f us per ioreq inside the DM)\n",
			(x / xn) / (n / nn), x / xn / 1000, n / nn / 1000
	}
'
