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
# Every step must PASS and every DM must exit 0 on SIGTERM.
# Prints "XEN_E2E_RATIO trap_rt xengt/null = R" (the guest-measured round
# trip: medians, averaged over the two pairs), "XEN_E2E_RATIO dm_service
# xengt/null = R" (the DMs' own time per ioreq) and the i915 guest's traps
# per operation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-pass
dm=(--dm xengt --dm-args "--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready")
base=(--guest baseline --guest-cmdline "trap_n=1000")

rc=0
# xengt.ko, when it was built: dom0 loads and unloads it first (the same
# core files, built against this dom0's kernel headers).
kmod=()
[ -n "${XENGT_KO:-}" ] && [ -f "$XENGT_KO" ] && kmod=(--extra "$XENGT_KO:/lib/modules/xengt.ko")
"$here/run.sh" --out "$out" --timeout 300 "${kmod[@]}" \
	--step null_a --dm null "${base[@]}" \
	--step xengt_a "${dm[@]}" "${base[@]}" \
	--step null_b --dm null "${base[@]}" \
	--step xengt_b "${dm[@]}" "${base[@]}" \
	--step i915 "${dm[@]}" --guest i915 "$@" || rc=$?
[ "$rc" = 0 ] || exit "$rc"

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
