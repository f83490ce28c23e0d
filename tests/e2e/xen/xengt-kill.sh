#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario (c), one boot:
#   killed  the i915-pv guest (a long timing loop) served by xengt-dm,
#           which is killed with SIGKILL while the guest traps: Xen and
#           dom0 must stay healthy, the guest hangs without a verdict, the
#           domain can still be destroyed
#   fresh   a new domain served by a new xengt-dm must PASS; it is ended
#           by destroying the domain, so xengt-dm must notice the death
#           (@releaseDomain) and exit 0 within 10 s
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${XENGT_E2E_OUT:-/tmp/xengt-e2e}/xengt-kill
args="--standalone --foreground --pvh --type xengt_8 --pidfile /run/dm.ready"
exec "$here/run.sh" --out "$out" --timeout 300 \
	--step killed --dm xengt --dm-args "$args" --guest i915 \
	--guest-cmdline "trap_n=20000" --dm-stop kill \
	--step fresh --dm xengt --dm-args "$args" --guest i915 \
	--dm-stop destroy "$@"
