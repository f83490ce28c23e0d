#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario (b'): the interrupt check can fail.  xengt-dm --inject-fault
# msi-drop loses every MSI while the GVT core believes it sent them; the
# workloads themselves still complete.  The i915-pv guest must report FAIL
# because of the missing MSIs (not for any other reason): a PASS, no
# verdict or another failure fails this test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-msi-fault
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
"$here/run.sh" --out "$out" --expect-fail \
	--dm xengt --guest i915 \
	--dm-args "--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready --inject-fault msi-drop" \
	"$@" 2>&1 | tee "$log" || rc=$?
[ "$rc" = 0 ] || exit "$rc"
if ! grep -q '^E2E XEN EXPECTED-FAIL OK .*FAIL: workload store: 0 MSIs (0 with a context switch) for [0-9]* batches' "$log"; then
	echo "xengt-msi-fault: the guest failed, but not for the lost MSIs"
	exit 1
fi
