#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stock Linux i915 on a vGPU (issue 8): an HVM guest boots Debian's
# pinned 6.1 kernel with its own i915.ko (no firmware, enable_guc=0) under
# the stock QEMU device model, xengt-dm serves the vGPU at 00:05.0 with the
# GGTT half of BAR0 in guest RAM (--ggtt-ram); i915 must probe, reach
# "[drm] Initialized i915" with no wedge, create /dev/dri/card0 and
# renderD128, then xengt-gem-test runs GPU work through GEM (stores on
# rcs0 and bcs0, a blit) and checks it (linux-guest/).
#
# Prints
#   XEN_E2E_I915 initialized=0|1 wedged=0|1 traps_to_init=N secs_to_init=S gem=ok|fail|none
# N: the DM's trapped accesses (config, MMIO, port, write-protect) from the
# guest's "modprobe" mark to its "probed" mark (insmod returned, after
# i915 printed Initialized); S: guest seconds from the mark to Initialized.
#
# --inject-fault F (xengt-dm's): the same run with one behaviour broken;
# it must fail (exit 0 only if the guest reports FAIL), and still prints
# the line.  Other arguments go to run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fault=
if [ "${1:-}" = --inject-fault ]; then
	fault=$2
	shift 2
fi
name=xengt-i915${fault:+-$fault}
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/$name
dm_args="--standalone --foreground --ggtt-ram --type xengt_8 --bdf 00:05.0 --pidfile /run/dm.ready"
expect=()
if [ -n "$fault" ]; then
	dm_args+=" --inject-fault $fault"
	expect=(--expect-fail)
fi

run() {
	rc=0
	"$here/run.sh" --out "$out" --timeout 900 --guest-timeout 600 "${expect[@]}" \
		--step i915 --dm xengt --dm-args "$dm_args" --guest linux-i915 "$@" ||
		rc=$?
	report=$out/latest/report.txt
}
run "$@"
# Debian's kernel itself sometimes stalls or triple-faults while booting
# under nested TCG (about 1 boot in 8 here), before anything of ours runs
# in the guest: then, and only then, one more boot.
if ! grep -q '^GUEST BEGIN' "$report" 2>/dev/null; then
	echo "xengt-i915: the guest kernel never reached its /init (see $out/latest/): booting once more"
	run "$@"
fi
[ -f "$report" ] || exit "${rc:-1}"

awk '
	{ gsub(/\r/, "") } # reports before the harness dropped the serial CRs
	$1 == "TRAPS_AT" { traps[$2] = $3 }
	$1 == "GUEST" && $2 == "I915" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	}
	$1 == "GUEST" && $2 == "GEM" && $3 ~ /^store_rcs=/ {
		gem = ($0 ~ /store_rcs=ok store_bcs=ok blit=ok/) ? "ok" : "fail"
	}
	$1 == "GUEST" && /i915 wedged the GT/ { wedged = 1 }
	END {
		n = -1
		if (traps["modprobe"] != "" && traps["probed"] != "")
			n = traps["probed"] - traps["modprobe"]
		if (f["wedged"] == 1)
			wedged = 1
		traps_s = (n < 0) ? "none" : n
		secs_s = (f["secs_to_init"] == "") ? "none" : f["secs_to_init"]
		gem_s = (gem == "") ? "none" : gem
		printf "XEN_E2E_I915 initialized=%d wedged=%d traps_to_init=%s secs_to_init=%s gem=%s\n", f["initialized"] + 0, wedged + 0, traps_s, secs_s, gem_s
	}' "$report"
exit "$rc"
