#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Trap vs PV on real Xen, one boot: the i915-pv guest (guest/i915.c with
# pv=1) served by standalone xengt-dm runs its usual checks and
# workloads, then store, ptchurn and bind512 with every path trapped and
# again through the PV extension (guest/i915-pv/guest_pv.c; every cap
# required), each op verified.  The guest measures its own time per op
# (TSC) and counts its traps (every port and MMIO access is a VM exit;
# page-table stores timed as trapped).  Prints
#   XEN_E2E_PV store time trap/pv = R traps trap/pv = R
#   XEN_E2E_PV ptchurn time trap/pv = R traps trap/pv = R
#   XEN_E2E_PV bind512 traps trap/pv = R
# (R > 1: PV is faster / traps less).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-pv
rc=0
# The usual workloads shortened (blit skipped): the comparison is what
# this boot is for, and the whole guest must finish within --guest-timeout.
"$here/run.sh" --out "$out" --timeout 900 --guest-timeout 780 \
	--step pv --dm xengt --guest i915 \
	--guest-cmdline "pv=1 trap_n=100 wl_store=16 wl_blit=0 wl_ptchurn=4" \
	--dm-args "--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready" \
	"$@" || rc=$?
[ "$rc" = 0 ] || exit "$rc"
# The guest's PV_CMP lines carry the figures behind the ratios too:
# "(trap/pv: us per op, traps per op)" or bind512's traps.
awk '
	$1 == "GUEST" && $2 == "PV_CMP" && ($3 == "store" || $3 == "ptchurn") && $4 == "time" {
		us = ""; tr = ""; rounds = ""
		for (i = 5; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "us_per_op") us = kv[2]
			if (kv[1] == "traps_per_op") tr = kv[2]
			if (kv[1] == "rounds") rounds = kv[2]
		}
		printf "XEN_E2E_PV %s time trap/pv = %s traps trap/pv = %s (trap/pv: %s us per op, best of %s alternating rounds; %s traps per op)\n", $3, $7, $11, us, rounds, tr
		n++
	}
	$1 == "GUEST" && $2 == "PV_CMP" && $3 == "bind512" && $4 == "traps" {
		split($8, kv, "=")
		printf "XEN_E2E_PV bind512 traps trap/pv = %s (traps of bind + unbind, all ops, trap/pv: %s)\n", $7, kv[2]
		n++
	}
	END { if (n != 3) { print "expected 3 PV_CMP lines, got " n > "/dev/stderr"; exit 1 } }
' "$out/latest/report.txt"
