#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario (b): the test can fail.  xengt-dm --inject-fault pvinfo-magic
# breaks the vGPU's PVINFO magic; the i915-pv guest must report FAIL (and
# say why), which run.sh --expect-fail turns into success.  A PASS here,
# or no verdict, fails this test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-fault
exec "$here/run.sh" --out "$out" --expect-fail \
	--dm xengt --guest i915 \
	--dm-args "--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready --inject-fault pvinfo-magic" \
	"$@"
