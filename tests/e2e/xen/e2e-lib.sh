# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scenarios that run several guests at once on xengt.ko's
# one GVT (xengt-shared.sh, xengt-pv-mixed.sh): what they check alike.

# e2e_need_ko NAME: XENGT_KO must name the built module (exit 2: the
# harness cannot run, not a test failure).
e2e_need_ko() {
	[ -n "${XENGT_KO:-}" ] && [ -f "$XENGT_KO" ] || {
		echo "$1: needs xengt.ko (XENGT_KO=${XENGT_KO:-}): build it (configure --with-config=all)" >&2
		exit 2
	}
}

# e2e_no_dom0_crash NAME RUNDIR: a run in which dom0's own tools crashed
# proves nothing, whatever the steps said: a crash can hit the samplers
# and the result pollers too.  (With Xen's lazy FPU switching this set-up
# crashed them all the time: README.md, "Solved: several guests at once
# corrupted dom0"; run.sh boots Xen with eager switching since.)  Returns
# 1 (and says so) when the console shows one.
e2e_no_dom0_crash() {
	local pat='segfault at|Assertion .* failed|corrupted' n
	n=$(grep -c -E "$pat" "$2/console.log" || true)
	[ "$n" = 0 ] && return 0
	echo "$1: dom0 user processes crashed $n time(s) in this run (is Xen running with spec-ctrl=eager-fpu? tests/e2e/xen/README.md): no figure"
	grep -E "$pat" "$2/console.log" | head -3
	return 1
}
