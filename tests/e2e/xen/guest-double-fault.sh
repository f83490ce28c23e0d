#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test guest reports its own double faults: double_fault_selftest=1
# makes one on purpose (start.c), and the guest must end with a FAIL
# verdict naming it, from its double-fault task, instead of the silent
# triple fault (Xen: "Triple fault - invoking HVM shutdown action") that
# tells nothing of where the guest was.  Baseline guest against null-dm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/guest-double-fault
"$here/run.sh" --out "$out" --expect-fail \
	--guest baseline --guest-cmdline "double_fault_selftest=1" "$@"
if ! grep -q '^VERDICT FAIL' "$out/latest/report.txt" ||
	! grep -q '^GUEST FAIL: guest double fault at eip 0x' "$out/latest/report.txt"; then
	echo "guest-double-fault: the guest's FAIL does not name its double fault:" >&2
	grep -E '^(GUEST|REASON)' "$out/latest/report.txt" >&2 || true
	exit 1
fi
echo "guest-double-fault: the double fault was reported by the guest's own task"
