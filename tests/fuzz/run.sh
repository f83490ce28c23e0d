#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Build and run the libFuzzer targets of tests/fuzz (README.md there).
#
#   run.sh smoke [TIME]            every target TIME s (default 60), CI
#   run.sh fuzz TARGET [TIME]      one target (fuzz_cmd, ...), TIME s
#                                  (default: until stopped)
#   run.sh repro TARGET FILE...    run inputs once (a crash reproduces)
#   run.sh equiv [TARGET [FILE|DIR...]]
#                                  the fast path against a fresh world per
#                                  input: each input (default: the committed
#                                  corpus of every target) run both ways,
#                                  forwards then backwards in one process;
#                                  the oracle's observations must be equal
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
targets="fuzz_cmd fuzz_mmio fuzz_ggtt fuzz_ppgtt fuzz_cfg fuzz_ctx fuzz_ioreq fuzz_pv"

usage() {
	echo "usage: run.sh smoke [TIME] | fuzz TARGET [TIME] | repro TARGET FILE... | equiv [TARGET [FILE|DIR...]]" >&2
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

# equiv_one TARGET FILE...: the inputs forwards then backwards, once in one
# world (the fast path, history carried from input to input) and once
# with a world of their own each (FZ_FRESH=1); both traces (fz.c's
# FZ_TRACE: what the oracle saw of every input) must be the same.
equiv_one() {
	local t=$1 dir=$fb/tests/fuzz/equiv i n
	shift
	local fwd=("$@") all=("$@")
	for ((i = ${#fwd[@]} - 1; i >= 0; i--)); do
		all+=("${fwd[i]}")
	done
	mkdir -p "$dir"
	for m in fast fresh; do
		if ! FZ_TRACE=$dir/$t.$m FZ_FRESH=$([ $m = fresh ] && echo 1 || echo 0) \
			"$fb/tests/fuzz/$t" -rss_limit_mb=4096 "${all[@]}" \
			>"$dir/$t.$m.log" 2>&1; then
			echo "equiv $t: the $m run failed; log $dir/$t.$m.log"
			grep -E 'fuzz oracle:|ERROR:' "$dir/$t.$m.log" | head -4 | sed 's/^/  /'
			return 1
		fi
	done
	# libFuzzer runs an empty input first.
	n=$(wc -l <"$dir/$t.fast")
	if [ "$n" -ne $((${#all[@]} + 1)) ] || ! cmp -s "$dir/$t.fast" "$dir/$t.fresh"; then
		echo "equiv $t: DIFFERENT ($n of $((${#all[@]} + 1)) inputs traced); first differences:"
		paste -d'\n' <(printf '%s\n' "(empty input)" "${all[@]}") \
			"$dir/$t.fast" "$dir/$t.fresh" |
			awk 'NR % 3 == 1 { f = $0 } NR % 3 == 2 { a = $0 } NR % 3 == 0 && a != $0 { print "  " f; print "    fast:  " a; print "    fresh: " $0; if (++k == 3) exit }'
		return 1
	fi
	echo "equiv $t: ${#fwd[@]} inputs x 2 orders (+ the empty one): the oracle saw the same in the fast path as in a fresh world"
}

case "$mode" in
equiv)
	sel=${1:-$targets}
	[ $# -ge 1 ] && shift
	bad=0
	for t in $sel; do
		check_target "$t"
		files=()
		if [ $# -eq 0 ]; then
			set -- "$src/tests/fuzz/corpus/$t"
			restore=1
		fi
		for f in "$@"; do
			if [ -d "$f" ]; then
				while IFS= read -r x; do files+=("$x"); done \
					< <(find "$f" -maxdepth 1 -type f | sort)
			else
				files+=("$f")
			fi
		done
		[ "${restore:-0}" = 1 ] && { set --; restore=0; }
		equiv_one "$t" "${files[@]}" || bad=1
	done
	exit $bad
	;;
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
