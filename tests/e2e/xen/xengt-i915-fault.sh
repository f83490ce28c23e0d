#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xengt-i915.sh with one behaviour broken: xengt-dm --inject-fault
# msi-drop loses every interrupt the vGPU sends (the core believes it sent
# them).  i915 then never sees its requests complete; the guest must
# report FAIL (i915 wedged, or no GEM result), which --expect-fail turns
# into success.  A PASS here means the stock-i915 test cannot fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/xengt-i915.sh" --inject-fault msi-drop "$@"
