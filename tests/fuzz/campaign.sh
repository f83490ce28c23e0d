#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# A long campaign (CAMPAIGN.md): every target from the committed seed
# corpus until it has run RUNS inputs or DEADLINE (epoch seconds) is near,
# at most SLOTS fuzzers at a time, all at nice 19 (the machine is shared),
# each in an autogroup of its own at nice 19 as well.
#
#   campaign.sh FUZZ_BUILD OUT DEADLINE [RUNS] [SLOTS]
#
# A target gets a fair share of the slot time left when it starts (what
# the running ones still hold set aside), the slowest first; one that
# reaches RUNS early leaves its time to the next.  OUT/TARGET/ holds its
# corpus, artifacts and log; OUT/results has one line per target:
#   TARGET execs exec/s cov ft status wall_seconds
#
# UNIT_TIMEOUT (seconds, default 10) is libFuzzer's -timeout, which counts
# wall time: a campaign whose fuzzers are stopped now and then (SIGSTOP
# while something else needs the machine) needs it longer than the
# longest stop, or every stop ends a target with a false time-out.
#
# ORDER (space-separated targets) replaces the default order; FAIR=0
# lets every target run until RUNS or DEADLINE instead of a fair share
# (with ORDER="slowest fast1 fast2 ...", the slowest holds one slot all
# along while the others take turns in the second).
#
# WORKERS=N (default 1) runs each target as N processes on its one corpus
# (libFuzzer's -jobs=N -workers=N, each process RUNS/N inputs, logs in
# OUT/TARGET/fuzz-K.log): a slot is then N processes, so SLOTS=1 WORKERS=2
# on two cores.  For a target too slow to reach RUNS in one process
# within the time there is; its results line sums the processes' execs
# and exec/s and gives the highest cov and ft.
set -eu

fb=$(cd "$1" && pwd) out=$2 deadline=$3 runs=${4:-10000000} slots=${5:-2}
workers=${WORKERS:-1}
[[ $workers =~ ^[1-9][0-9]*$ ]] || {
	echo "campaign.sh: WORKERS must be a number of processes (1 or more), not '$workers'" >&2
	exit 2
}
src=$(cd "$(dirname "$0")/../.." && pwd)
# Slowest first (exec/s on the 2-core machine), so the fast ones fill in.
order=${ORDER:-"fuzz_ctx fuzz_cmd fuzz_ppgtt fuzz_ggtt fuzz_pv fuzz_ioreq fuzz_mmio fuzz_cfg"}

mkdir -p "$out"
out=$(cd "$out" && pwd) # the fuzzers run in OUT/TARGET
: >"$out/results"
declare -A pid_of=() end_of=() start_of=()

# last_stat REGEX LOG...: the number after REGEX in the last line that has
# it, in each LOG, one per line.
last_stat() {
	local re=$1 f
	shift
	for f; do
		sed -n "s/.*$re *\([0-9][0-9]*\).*/\1/p" "$f" | tail -1
	done
}

finish() {
	local t=$1 rc=$2 execs rate cov ft now
	local -a logs=("$out/$1/log")
	now=$(date +%s)
	[ "$workers" -gt 1 ] && logs=("$out/$1"/fuzz-*.log)
	execs=$(last_stat 'stat::number_of_executed_units:' "${logs[@]}" | awk '{ s += $1 } END { if (NR) print s }')
	rate=$(last_stat 'stat::average_exec_per_sec:' "${logs[@]}" | awk '{ s += $1 } END { if (NR) print s }')
	cov=$(last_stat 'cov:' "${logs[@]}" | sort -n | tail -1)
	ft=$(last_stat 'ft:' "${logs[@]}" | sort -n | tail -1)
	echo "$t ${execs:-?} ${rate:-?} ${cov:-?} ${ft:-?} rc=$rc $((now - start_of[$t]))" >>"$out/results"
	echo "$(date -u +%T) done $t: execs=${execs:-?} exec/s=${rate:-?} cov=${cov:-?} ft=${ft:-?} rc=$rc"
}

start() {
	local t=$1 budget=$2 dict=$src/tests/fuzz/dict/$1.dict
	local -a args=(-runs=$(((runs + workers - 1) / workers))
		-max_total_time="$budget" -timeout="${UNIT_TIMEOUT:-10}"
		-rss_limit_mb=2048 -print_final_stats=1
		-artifact_prefix="$out/$t/artifacts/")
	[ -f "$dict" ] && args+=(-dict="$dict")
	[ "$workers" -gt 1 ] && args+=(-jobs="$workers" -workers="$workers")
	mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
	start_of[$t]=$(date +%s)
	end_of[$t]=$((start_of[$t] + budget))
	# nice alone is not enough: with autogroup scheduling (Debian's
	# default) nice weighs tasks only within their session's group, and
	# a campaign's group would get a full share against, say, a QEMU
	# boot.  So each fuzzer is a session of its own whose group is made
	# nice 19 too (sched(7), "The autogroup feature").
	# The new session sets its own group's nice, so that no other group
	# (this script's) is touched whatever the timing.
	# It runs in OUT/TARGET ($0 below), where -jobs puts its logs.
	setsid bash -c 'cd "$0" && echo 19 >/proc/self/autogroup 2>/dev/null; exec "$@"' \
		"$out/$t" nice -n 19 "$fb/tests/fuzz/$t" "${args[@]}" "$out/$t/corpus" \
		"$src/tests/fuzz/corpus/$t" >"$out/$t/log" 2>&1 &
	pid_of[$t]=$!
	echo "$(date -u +%T) start $t: up to $runs runs in $workers process(es) or ${budget}s (pid ${pid_of[$t]})"
}

queue=($order)
while [ ${#queue[@]} -gt 0 ] || [ ${#pid_of[@]} -gt 0 ]; do
	# Reap.
	for t in "${!pid_of[@]}"; do
		if ! kill -0 "${pid_of[$t]}" 2>/dev/null; then
			rc=0
			wait "${pid_of[$t]}" || rc=$?
			unset "pid_of[$t]"
			finish "$t" "$rc"
		fi
	done
	if [ ${#queue[@]} -gt 0 ] && [ ${#pid_of[@]} -lt "$slots" ]; then
		now=$(date +%s)
		held=0
		for t in "${!pid_of[@]}"; do
			[ "${end_of[$t]}" -gt "$now" ] && held=$((held + end_of[$t] - now))
		done
		left=$(((deadline - now) * slots - held))
		budget=$((left / ${#queue[@]}))
		[ "${FAIR:-1}" = 0 ] && budget=$((deadline - now))
		[ "$budget" -gt $((deadline - now)) ] && budget=$((deadline - now))
		if [ "$budget" -lt 60 ]; then
			echo "$(date -u +%T) no time left for: ${queue[*]}"
			for t in "${queue[@]}"; do
				echo "$t - - - - not-run 0" >>"$out/results"
			done
			queue=()
			continue
		fi
		start "${queue[0]}" "$budget"
		queue=("${queue[@]:1}")
		continue
	fi
	sleep 5
done
