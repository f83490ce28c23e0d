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
# proves nothing, whatever the steps said: the multi-guest corruption of
# this set-up (README.md, "Known problem") can also hit the samplers and
# the result pollers.  Returns 1 (and says so) when the console shows one.
e2e_no_dom0_crash() {
	local pat='segfault at|Assertion .* failed|corrupted' n
	n=$(grep -c -E "$pat" "$2/console.log" || true)
	[ "$n" = 0 ] && return 0
	echo "$1: dom0 user processes crashed $n time(s) in this run (the known multi-guest corruption, tests/e2e/xen/README.md): no figure"
	grep -E "$pat" "$2/console.log" | head -3
	return 1
}
