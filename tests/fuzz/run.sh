#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Build and run the libFuzzer targets of tests/fuzz (README.md there).
#
#   run.sh smoke [TIME]            every target TIME s (default 60), CI
#   run.sh fuzz TARGET [TIME]      one target (fuzz_cmd, ...), TIME s
#                                  (default: until stopped)
#   run.sh repro TARGET FILE...    run inputs once (a crash reproduces)
#
# XENGT_SRCDIR / XENGT_BUILDDIR name the tree and the build; a build made
# with --enable-fuzz (FUZZ_IN_BUILD=yes) is used as it is, any other gets a
# clang build of its own in $XENGT_BUILDDIR/fuzz-build.  Each target's
# corpus grows in <fuzz build>/tests/fuzz/corpus/TARGET (seeded from the
# committed tests/fuzz/corpus/TARGET, which is never written), crashes go
# to <fuzz build>/tests/fuzz/artifacts/TARGET/.  The smoke run writes
# fuzz-suite.log there with automake-style totals.
set -eu

src=${XENGT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${XENGT_BUILDDIR:-$src/build}
targets="fuzz_cmd fuzz_mmio fuzz_ggtt fuzz_ppgtt fuzz_cfg fuzz_ctx fuzz_ioreq"

usage() {
	echo "usage: run.sh smoke [TIME] | fuzz TARGET [TIME] | repro TARGET FILE..." >&2
	echo "targets: $targets" >&2
	exit 2
}

mode=${1:-}
[ -n "$mode" ] || usage
shift

if [ "${FUZZ_IN_BUILD:-no}" = yes ]; then
	fb=$build
else
	fb=$build/fuzz-build
	command -v clang >/dev/null || {
		echo "run.sh: the fuzz targets need clang (apt-get install clang)" >&2
		exit 1
	}
	mkdir -p "$fb"
	if [ ! -f "$fb/config.status" ] || [ "$src/configure" -nt "$fb/config.status" ]; then
		echo "fuzz: configuring a clang build in $fb"
		(cd "$fb" && CC=clang "$src/configure" -q --with-config=user \
			--without-xen --enable-werror --enable-fuzz)
	fi
fi
make -C "$fb" -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

check_target() {
	case " $targets " in
	*" $1 "*) ;;
	*) echo "run.sh: no target '$1' (targets: $targets)" >&2; exit 2 ;;
	esac
}

# run_one TARGET TIME: fuzz it; print its figures; 0 if nothing was found.
run_one() {
	local t=$1 time=$2 corpus=$fb/tests/fuzz/corpus/$1
	local art=$fb/tests/fuzz/artifacts/$1 log=$fb/tests/fuzz/$1.log
	local dict=$src/tests/fuzz/dict/$1.dict rc=0 execs rate cov ft

	mkdir -p "$corpus" "$art"
	set -- -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/"
	[ "$time" -gt 0 ] && set -- "$@" -max_total_time="$time"
	[ -f "$dict" ] && set -- "$@" -dict="$dict"
	"$fb/tests/fuzz/$t" "$@" "$corpus" "$src/tests/fuzz/corpus/$t" \
		>"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: execs=${execs:-?} exec/s=${rate:-?} cov=${cov:-?} ft=${ft:-?} crashes=0 oracle_violations=0"
		return 0
	fi
	echo "fuzz $t: FAILED (status $rc) after execs=${execs:-?}; log $log"
	grep -E 'fuzz oracle:|ERROR:|SUMMARY:|Test unit written' "$log" | head -8 | sed 's/^/  /'
	echo "  reproduce: $src/tests/fuzz/run.sh repro $t $(ls -t "$art" | head -1 | sed "s|^|$art/|")"
	return 1
}

case "$mode" in
smoke)
	time=${1:-60}
	suite=$fb/tests/fuzz/fuzz-suite.log
	p=0 f=0
	: >"$suite.tmp"
	for t in $targets; do
		if run_one "$t" "$time"; then
			p=$((p + 1))
			echo "PASS: $t" >>"$suite.tmp"
		else
			f=$((f + 1))
			echo "FAIL: $t" >>"$suite.tmp"
		fi
	done
	{
		echo "# TOTAL: $((p + f))"
		echo "# PASS: $p"
		echo "# FAIL: $f"
		cat "$suite.tmp"
	} >"$suite"
	rm -f "$suite.tmp"
	[ "$f" -eq 0 ]
	;;
fuzz)
	[ $# -ge 1 ] || usage
	check_target "$1"
	run_one "$1" "${2:-0}"
	;;
repro)
	[ $# -ge 2 ] || usage
	check_target "$1"
	t=$1
	shift
	exec "$fb/tests/fuzz/$t" -runs=1 "$@"
	;;
*)
	usage
	;;
esac
