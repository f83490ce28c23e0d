#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xengt-i915.sh with one behaviour broken: xengt-dm --inject-fault
# ggtt-stale gives the core a copy of the GGTT RAM that the guest never
# writes, so none of i915's GGTT updates reaches the shadow (its rings and
# contexts are then not the vGPU's memory).  The guest must report FAIL
# (i915 wedged, or a failed GEM test), which --expect-fail turns into
# success: a PASS here means the stock-i915 test cannot fail.
#
# (msi-drop is no such fault for i915: with every interrupt lost it still
# initializes and runs the GEM test, ~50% slower, on its polling paths.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/xengt-i915.sh" --inject-fault ggtt-stale "$@"
