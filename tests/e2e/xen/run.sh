#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - one end-to-end run on real Xen 4.17 booted under QEMU (TCG):
# fetch (once), build the test guest + null DM + result tool, build the dom0
# initramfs, boot, and judge by the report dom0 sends over the dedicated
# isa-debugcon channel (never by console text).
#
# usage: run.sh [options] [[--step NAME] STEP-OPTIONS]...
# Step options (one guest domain served by one DM; several steps run one
# after the other in the same boot; without --step there is one, "main"):
#   --step NAME          start a new step ([a-z0-9_]+); the options below
#                        apply to the current step
#   --dm null|xengt|kernel|xengt-create|xl|PATH  device model (default null:
#                        null-dm built here; xengt: $XENGT_DM or <repo>/build/
#                        tools/xengt-dm/xengt-dm; kernel: xengt.ko's in-kernel
#                        ioreq server, --dm-args are what follows "kernel" in
#                        vgpu<ID>/trap; xengt-create: the domain is made by
#                        `xengt create CFG` from its vgt keys (--cfg); xl:
#                        by plain `xl create CFG`, the vGPU by the device-model
#                        hook xengt-qemu (--cfg names it); both with xengt.ko,
#                        the tools from $XENGT_TOOLS, default <repo>/build/
#                        tools/xl-plugin)
#   --cfg "K = V; ..."   lines added to the step's xl domain configuration
#   --vgpu "SPEC"        create the step's vGPU in xengt.ko first: "DOMID SPEC"
#                        goes to /sys/kernel/xengt/control/create (xengt.ko is
#                        then loaded for the steps and must end clean)
#   --dm-args "ARGS"     extra DM arguments (it always gets --domain ID)
#   --guest baseline|i915|linux-i915|ELF  test guest (default baseline:
#                        guest/main.c; i915: guest/i915.c + guest/i915-pv;
#                        linux-i915: an HVM guest running Debian's kernel and
#                        its stock i915.ko, linux-guest/; or an ELF that
#                        contains e2e_result)
#   --guest-cmdline "S"  guest command line, e.g. "trap_n=5000 bar0=0xf0000000"
#   --check WORDS        extra checks, comma-separated: "bystander" (a second,
#                        paused domain exists during the step, so that a DM's
#                        restriction is probed on a real other guest),
#                        "restricted" (once serving, the DM runs as a non-root
#                        user in a chroot and logged its restriction), "refuse"
#                        (the DM must exit non-zero before serving; the guest
#                        is never unpaused), "stats" (after the guest's
#                        verdict, SIGUSR1 makes the DM log its counters and
#                        it keeps serving), "reboot" (xl integration: the
#                        lingering guest is rebooted with xl reboot and must
#                        pass again), "early_reboot" (an HVM guest whose
#                        config restarts on reboot is rebooted with xl reboot
#                        at its first line, before its verdict, as a guest
#                        kernel's triple fault would restart it: the harness
#                        must follow the new domain, which must pass)
#   --dm-stop term|destroy|kill  end the DM with SIGTERM (default), by
#                        destroying the guest (tests its domain-death path),
#                        or kill -9 it while the guest runs (see
#                        initramfs-init.sh: Xen and dom0 must stay healthy)
# Run options:
#   --parallel N         the first N steps at once: created and served first,
#                        then unpaused together and waited for together; the
#                        other steps follow one after the other
#   --share-seconds N    (with --parallel) sample every vGPU's GPU time twice,
#                        N s apart (SHARE lines), starting --share-delay S
#                        (default 2) after every parallel guest runs
#   --expect-fail        succeed only if the guest itself reports FAIL
#                        (e.g. --dm-args --magic-bad)
#   --guest-timeout S    dom0 waits S s for each guest's verdict (default 60)
#   --timeout S          hard limit for QEMU (default 180)
#   --dm-ready-timeout S wait for a DM without ready-file support (default 20)
#   --xen-args "S"       append to Xen's command line
#   --dom0-args "S"      append to the dom0 kernel's command line
#   --smp N              QEMU CPUs (default 2)
#   --cpu MODEL          QEMU's -cpu (default max; see XEN_CMDLINE)
#   --tcg-threads multi|single  QEMU's TCG with a thread per CPU (default)
#                        or one thread for all: several busy guests at
#                        once need single here (README.md, xengt-pv-mixed)
#   --platform-reboots N boot once more, up to N times (default 1), when a
#                        run failed and QEMU's nested SVM handed a guest
#                        back with Xen's own state (README.md, "Known
#                        problems"); any other failure stands
#   --extra SRC:DEST     add a file to the dom0 initramfs (repeatable)
#   --out DIR            runs and builds go here (default $XENGT_E2E_OUT or
#                        /tmp/xengt-e2e); each run gets DIR/runs/<stamp>/
#   --keep               keep the run's initramfs and build products
#   --no-fetch           skip fetch.sh (packages already in the cache)
#   -q, --quiet          print only the result lines and the verdict
#
# Exit status: 0 PASS (or, with --expect-fail, a guest-reported FAIL),
#              1 test FAIL, 2 harness/infrastructure failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ORIG_ARGS=("$@")
# shellcheck source=e2e-lib.sh
. "$here/e2e-lib.sh"
CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
OUTDIR=${XENGT_E2E_OUT:-/tmp/xengt-e2e}
EXPECT_FAIL=0
GUEST_TIMEOUT=60
QEMU_TIMEOUT=180
DM_READY_TIMEOUT=20
EXTRAS=()
# per step
NSTEPS=0
S_NAME=() S_GUEST=() S_DM=() S_DM_ARGS=() S_CMDLINE=() S_STOP=()
new_step() {
	S_NAME[NSTEPS]=$1 S_GUEST[NSTEPS]=baseline S_DM[NSTEPS]=null
	S_DM_ARGS[NSTEPS]= S_CMDLINE[NSTEPS]= S_STOP[NSTEPS]=term S_VGPU[NSTEPS]=
	S_CHECK[NSTEPS]= S_CFG[NSTEPS]=
	NSTEPS=$((NSTEPS + 1))
}
step_opt() { # ARRAY VALUE: set it for the current step
	[ "$NSTEPS" -gt 0 ] || new_step main
	eval "$1[NSTEPS - 1]=\$2"
}
KEEP=0
RUN_OPTS=()
FETCH=1
QUIET=0
KEEP_RUNS=20
SMP=2
TCG_THREADS=multi
PLATFORM_REBOOTS=1
# How many times this run was booted again already (see finish()).
PLATFORM_REBOOTED=${XENGT_E2E_PLATFORM_REBOOTED:-0}

# spec-ctrl=eager-fpu: Xen restores a vCPU's FPU/vector state at every
# switch instead of lazily from its #NM handler.  Lazy switching (Xen's
# default on AMD, which QEMU's -cpu max is) corrupts dom0 user memory
# under QEMU TCG as soon as several domains share the CPUs: QEMU 7.2 runs
# XSAVE, XRSTOR and XSAVEOPT without the #NM that CR0.TS demands
# (qemu-probe/xsave-ts.sh; README.md, "Solved").  A CPU model without
# XSAVE (--cpu max,-xsave) with lazy switching was tried instead: fewer
# platform slips with several PVH guests, but 3 of 3 boots of the HVM
# Linux guest in xengt-i915.sh triple-faulted (README.md).
QEMU_CPU=max
XEN_CMDLINE="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot smap=0 console_timestamps=boot spec-ctrl=eager-fpu"
DOM0_CMDLINE="console=hvc0 earlyprintk=xen"

say() { [ "$QUIET" = 1 ] || echo "run.sh: $*"; }
die() { echo "run.sh: error: $*" >&2; exit 2; }
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

while [ $# -gt 0 ]; do
	case $1 in
	--step) new_step "$2"; shift 2 ;;
	--dm) case $2 in null | xengt | kernel | xengt-create | xl) step_opt S_DM "$2" ;; *) step_opt S_DM "$(abspath "$2")" ;; esac; shift 2 ;;
	--cfg) step_opt S_CFG "$2"; shift 2 ;;
	--dm-args) step_opt S_DM_ARGS "$2"; shift 2 ;;
	--guest) case $2 in baseline | i915 | linux-i915) step_opt S_GUEST "$2" ;; *) step_opt S_GUEST "$(abspath "$2")" ;; esac; shift 2 ;;
	--guest-cmdline) step_opt S_CMDLINE "$2"; shift 2 ;;
	--dm-stop) step_opt S_STOP "$2"; shift 2 ;;
	--vgpu) step_opt S_VGPU "$2"; shift 2 ;;
	--check) step_opt S_CHECK "$2"; shift 2 ;;
	--parallel) RUN_OPTS+=(--parallel "$2"); shift 2 ;;
	--share-delay) RUN_OPTS+=(--share-delay "$2"); shift 2 ;;
	--share-seconds) RUN_OPTS+=(--share-seconds "$2"); shift 2 ;;
	--expect-fail) EXPECT_FAIL=1; shift ;;
	--guest-timeout) GUEST_TIMEOUT=$2; shift 2 ;;
	--timeout) QEMU_TIMEOUT=$2; shift 2 ;;
	--dm-ready-timeout) DM_READY_TIMEOUT=$2; shift 2 ;;
	--xen-args) XEN_CMDLINE="$XEN_CMDLINE $2"; shift 2 ;;
	--dom0-args) DOM0_CMDLINE="$DOM0_CMDLINE $2"; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	--cpu) QEMU_CPU=$2; shift 2 ;;
	--tcg-threads)
		case $2 in multi | single) TCG_THREADS=$2 ;;
		*) die "--tcg-threads: multi or single, not '$2'" ;;
		esac
		shift 2 ;;
	--platform-reboots)
		case $2 in '' | *[!0-9]*) die "--platform-reboots: a count, not '$2'" ;; esac
		PLATFORM_REBOOTS=$2
		shift 2 ;;
	--extra) EXTRAS+=(--extra "$(abspath "${2%%:*}"):${2#*:}"); shift 2 ;;
	--out) OUTDIR=$(abspath "$2"); shift 2 ;;
	--keep) KEEP=1; shift ;;
	--no-fetch) FETCH=0; shift ;;
	-q | --quiet) QUIET=1; shift ;;
	-h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next }
			  NR > 2 { exit }' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ "$GUEST_TIMEOUT" -lt "$QEMU_TIMEOUT" ] ||
	die "--guest-timeout must be below --timeout"
[ "$NSTEPS" -gt 0 ] || new_step main
top=$(cd "$here/../../.." && pwd)

t_start=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t_start" | awk '{ printf "%.1f", $1 - $2 }'; }

# ---- fetch -------------------------------------------------------------
if [ "$FETCH" = 1 ]; then
	XENGT_E2E_CACHE=$CACHE "$here/fetch.sh" </dev/null ||
		die "fetch.sh failed"
fi
ROOT=$CACHE/root
[ -f "$ROOT/boot/xen.elf" ] || die "no $ROOT/boot/xen.elf: run fetch.sh"
VMLINUZ=
for f in "$ROOT"/boot/vmlinuz-*; do [ -f "$f" ] && VMLINUZ=$f; done
[ -n "$VMLINUZ" ] || die "no dom0 kernel under $ROOT/boot"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed"

# ---- run directory -----------------------------------------------------
mkdir -p "$OUTDIR/runs"
RUN=$(mktemp -d "$OUTDIR/runs/$(date +%Y%m%d-%H%M%S)-XXXX")
ln -sfn "$RUN" "$OUTDIR/latest"
BUILD=$RUN/build
mkdir -p "$BUILD"
# keep the newest $KEEP_RUNS runs
ls -1dt "$OUTDIR"/runs/*/ 2>/dev/null | tail -n +$((KEEP_RUNS + 1)) |
	xargs -r rm -rf
say "run dir: $RUN"

# ---- build -------------------------------------------------------------
CC=${CC:-gcc}
XEN_PC="xencontrol xendevicemodel xenforeignmemory xenevtchn xenstore xentoolcore xentoollog"
HV=$top/kernel/xengt/hv
cflags=(-O2 -g -std=gnu11 -Wall -Wextra -Werror)
# null-dm shares xengt-dm's ioreq server (kernel/xengt/hv/xen-ioreq.c).
"$CC" "${cflags[@]}" -I"$HV" -I"$top/kernel/xengt/os" -o "$BUILD/null-dm" \
	"$here/null-dm.c" "$HV/xen-ioreq.c" "$HV/ioreq-decode.c" "$HV/xen-guestmem.c" \
	$(pkg-config --cflags --libs $XEN_PC) >"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building null-dm failed"; }
"$CC" "${cflags[@]}" -I"$here" -o "$BUILD/e2e-result" "$here/e2e-result.c" \
	$(pkg-config --cflags --libs xenforeignmemory xencontrol xenstore) \
	>>"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building e2e-result failed"; }
"$here/guest/build.sh" "$BUILD/guest-baseline" >>"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building the baseline test guest failed"; }
I915PV=$top/guest/i915-pv
GUEST_MAIN=$here/guest/i915.c \
	GUEST_CFLAGS="-I$I915PV -I$top/kernel/xengt/gpu -I$top/kernel/xengt/include" \
	"$here/guest/build.sh" "$BUILD/guest-i915" "$I915PV/probe.c" \
	"$I915PV/balloon.c" "$I915PV/ggtt.c" "$I915PV/pages.c" \
	"$I915PV/ppgtt.c" "$I915PV/engine.c" "$I915PV/guest_workload.c" \
	"$I915PV/guest_pv.c" \
	>>"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building the i915-pv test guest failed"; }

XENGT_DM=${XENGT_DM:-$top/build/tools/xengt-dm/xengt-dm}
XENGT_TOOLS=${XENGT_TOOLS:-$top/build/tools/xl-plugin}
step_args=()
for ((i = 0; i < NSTEPS; i++)); do
	kind=pvh
	case ${S_GUEST[i]} in
	baseline | i915) S_GUEST[i]=$BUILD/guest-${S_GUEST[i]}/e2e-guest.elf ;;
	linux-i915)
		kind=hvm-linux
		if [ ! -f "$BUILD/guest-linux.cpio" ]; then
			# The GEM test on the uAPI header (libdrm's copy), static.
			"$CC" "${cflags[@]}" -static $(pkg-config --cflags libdrm) \
				-o "$BUILD/xengt-gem-test" "$here/linux-guest/xengt-gem-test.c" \
				>>"$BUILD/build.log" 2>&1 ||
				{ cat "$BUILD/build.log" >&2; die "building xengt-gem-test failed"; }
			"$here/linux-guest/mkguest.sh" --root "$ROOT" \
				--bin "$BUILD/xengt-gem-test:xengt-gem-test" \
				--out "$BUILD/guest-linux.cpio" >>"$BUILD/build.log" 2>&1 ||
				{ cat "$BUILD/build.log" >&2; die "building the Linux guest's initramfs failed"; }
		fi
		S_GUEST[i]=$BUILD/guest-linux.cpio ;;
	esac
	case ${S_DM[i]} in
	null) S_DM[i]=$BUILD/null-dm ;;
	xengt)
		[ -x "$XENGT_DM" ] ||
			die "no xengt-dm at $XENGT_DM: build it (make -C build; needs libxen-dev at configure time) or set XENGT_DM"
		S_DM[i]=$XENGT_DM ;;
	esac
	case ${S_DM[i]} in
	kernel) ;;
	xengt-create | xl)
		for t in xengt xengt-qemu; do
			[ -x "$XENGT_TOOLS/$t" ] ||
				die "no $t in $XENGT_TOOLS: build tools/xl-plugin (needs libxen-dev, libjson-c-dev) or set XENGT_TOOLS"
		done ;;
	*) [ -x "${S_DM[i]}" ] || die "device model '${S_DM[i]}' is not an executable" ;;
	esac
	step_args+=(--step "${S_NAME[i]}" --guest "${S_GUEST[i]}" --guest-kind "$kind"
		--dm "${S_DM[i]}" --dm-args "${S_DM_ARGS[i]}"
		--guest-cmdline "${S_CMDLINE[i]}" --dm-stop "${S_STOP[i]}"
		--vgpu "${S_VGPU[i]}" --check "${S_CHECK[i]}" --cfg "${S_CFG[i]}")
done

"$here/mkinitramfs.sh" --out "$BUILD/initrd.cpio" --root "$ROOT" \
	--tools "$XENGT_TOOLS" --xengt-dm "$XENGT_DM" \
	--result-tool "$BUILD/e2e-result" --guest-timeout "$GUEST_TIMEOUT" \
	--dm-ready-timeout "$DM_READY_TIMEOUT" "${EXTRAS[@]}" "${RUN_OPTS[@]}" \
	"${step_args[@]}" ||
	die "mkinitramfs.sh failed"
t_built=$(elapsed)
say "built in ${t_built}s; booting Xen (timeout ${QEMU_TIMEOUT}s)"

# ---- boot --------------------------------------------------------------
# QEMU's -initrd splits modules on ','; paths here have none.
case "$VMLINUZ$BUILD" in *,*) die "paths must not contain ','" ;; esac
{
	echo "xen: $XEN_CMDLINE"
	echo "dom0: $DOM0_CMDLINE"
	for ((i = 0; i < NSTEPS; i++)); do
		echo "step ${S_NAME[i]}: dm: ${S_DM[i]} --domain <id> ${S_DM_ARGS[i]} (stopped by: ${S_STOP[i]})"
		echo "step ${S_NAME[i]}: guest: ${S_GUEST[i]} ${S_CMDLINE[i]}"
	done
} >"$RUN/cmdline"
# A machine that hangs prints nothing, so shortly before the time-out ask
# QEMU where every vCPU is (e2e_qemu_hmp) into $RUN/hang-qemu.txt.  A UNIX
# socket path must fit sun_path; a longer run dir goes without.
monitor=(-monitor none) hang_dump_pid=
if [ ${#RUN} -lt 90 ] && [ "$QEMU_TIMEOUT" -gt 30 ]; then
	monitor=(-monitor "unix:$RUN/monitor.sock,server=on,wait=off")
	(
		trap 'kill "${s:-}" 2>/dev/null; exit 0' TERM
		sleep $((QEMU_TIMEOUT - 15)) &
		s=$!
		wait "$s"
		e2e_qemu_hmp "$RUN/monitor.sock" "info status" "info cpus" \
			"info registers -a" >"$RUN/hang-qemu.txt" 2>&1
	) &
	hang_dump_pid=$!
fi
qemu_rc=0
timeout -k 5 "$QEMU_TIMEOUT" "$QEMU" \
	-accel "tcg,thread=$TCG_THREADS" -cpu "$QEMU_CPU" -smp "$SMP" -m 3072 -machine q35 \
	-nographic -no-reboot -nic none "${monitor[@]}" -display none \
	-serial "file:$RUN/console.log" \
	-chardev "file,id=report,path=$RUN/report.raw" \
	-device isa-debugcon,iobase=0x4e9,chardev=report \
	-device isa-debug-exit,iobase=0xf4,iosize=1 \
	-kernel "$ROOT/boot/xen.elf" -append "$XEN_CMDLINE" \
	-initrd "$VMLINUZ $DOM0_CMDLINE,$BUILD/initrd.cpio" \
	</dev/null >"$RUN/qemu.log" 2>&1 || qemu_rc=$?
t_total=$(elapsed)
echo "$qemu_rc" >"$RUN/qemu.rc"
if [ -n "$hang_dump_pid" ]; then
	kill "$hang_dump_pid" 2>/dev/null || true
	wait "$hang_dump_pid" 2>/dev/null || true
fi
rm -f "$RUN/monitor.sock"

[ "$KEEP" = 1 ] || rm -rf "$BUILD"

# ---- judge -------------------------------------------------------------
# finish RC: exit with RC, unless the run failed and the console shows a
# platform slip (e2e-lib.sh: a guest handed back with Xen's own state by
# QEMU's nested SVM) and reboots are left: then the whole run again, in a
# new run directory (scenario scripts read $OUTDIR/latest, which then
# points there).  Nothing else is ever retried here.
finish() {
	local slip
	if [ "$1" != 0 ] && [ "$PLATFORM_REBOOTED" -lt "$PLATFORM_REBOOTS" ]; then
		slip=$(e2e_platform_slip "$RUN/console.log")
		if [ -n "$slip" ]; then
			echo "run.sh: PLATFORM SLIP (QEMU nested SVM gave a guest Xen's own state: $slip) in $RUN: booting once more ($((PLATFORM_REBOOTED + 1)) of $PLATFORM_REBOOTS)"
			echo "$slip" >"$RUN/platform-slip"
			XENGT_E2E_PLATFORM_REBOOTED=$((PLATFORM_REBOOTED + 1)) \
				exec "$here/run.sh" "${ORIG_ARGS[@]}"
		fi
	fi
	exit "$1"
}

show_logs() {
	echo "---- Xen + dom0 console (last 150 lines of $RUN/console.log) ----"
	tail -n 150 "$RUN/console.log" 2>/dev/null || true
	echo "---- QEMU ($RUN/qemu.log) ----"
	cat "$RUN/qemu.log" 2>/dev/null || true
	if [ -s "$RUN/hang-qemu.txt" ]; then
		# Where each vCPU was: CS e008 is Xen, HLT=1 an idle vCPU.
		echo "---- QEMU's monitor 15 s before the time-out (all of it: $RUN/hang-qemu.txt) ----"
		grep -E '^(\(qemu\) |VM status|[* ] CPU #|CPU#|RIP=|CS =|CR0=)' \
			"$RUN/hang-qemu.txt" || true
	fi
	for f in "$RUN"/dm*.log; do
		[ -s "$f" ] || continue
		echo "---- device model ($f) ----"
		cat "$f"
	done
	echo "----"
}

report=$RUN/report.raw
if [ ! -s "$report" ] || ! grep -qx 'END-REPORT' "$report"; then
	case $qemu_rc in
	124 | 137) why="QEMU timed out after ${QEMU_TIMEOUT}s" ;;
	*) why="QEMU exited with status $qemu_rc" ;;
	esac
	show_logs
	echo "run.sh: HARNESS ERROR: no complete report from dom0 ($why); logs in $RUN"
	echo "E2E XEN FAIL (harness) in ${t_total}s"
	finish 2
fi

# split the report: sections to files, the rest to report.txt
awk -v dir="$RUN" '
	/^BEGIN / { sec = dir "/" $2; printf "" > sec; in_sec = 1; next }
	in_sec && $0 == "END " substr(sec, length(dir) + 2) { close(sec); in_sec = 0; next }
	in_sec { print >> sec; next }
	{ print > (dir "/report.txt") }
' "$report"
[ -f "$RUN/xl-dmesg" ] && mv "$RUN/xl-dmesg" "$RUN/xl-dmesg.log"
# guest-result.txt: every guest line; guest-result-STEP.txt: per step
awk -v dir="$RUN" '
	$1 == "STEP" && ($3 == "BEGIN" || $3 == "RESULT") { step = $2; next }
	$1 == "GUEST" || $1 == "KILLED-GUEST" {
		line = substr($0, length($1) + 2)
		print line > (dir "/guest-result.txt")
		if (step != "")
			print line > (dir "/guest-result-" step ".txt")
	}
' "$RUN/report.txt"
touch "$RUN/guest-result.txt"

verdict=$(awk '$1 == "VERDICT" { print $2 }' "$RUN/report.txt")
reason=$(sed -n 's/^REASON //p' "$RUN/report.txt")
guest_last=$(sed -n 's/^GUEST //p' "$RUN/report.txt" | tail -n1)

if [ "$QUIET" = 0 ]; then
	echo "run.sh: phases (s since dom0 boot):" $(awk '$1 == "TIME" { printf "%s=%s ", $2, $3 }' "$RUN/report.txt")
	echo "run.sh: device model exit:" $(awk '$1 == "DM_EXIT" { print $2 }' "$RUN/report.txt")
fi
for ((i = 0; i < NSTEPS; i++)); do
	n=${S_NAME[i]}
	tag="guest"
	[ "$NSTEPS" = 1 ] || tag="guest[$n]"
	if [ -f "$RUN/guest-result-$n.txt" ]; then
		sed "s/^/$tag: /" "$RUN/guest-result-$n.txt"
	fi
	sed -n "s/^STEP $n VERDICT /run.sh: step $n: /p" "$RUN/report.txt"
done
sed -n 's/^NOVERDICT /run.sh: no verdict from the guest: /p' "$RUN/report.txt"
sed -n 's/^KMOD /run.sh: xengt.ko loaded and unloaded in dom0: /p' "$RUN/report.txt"

# Figures: each step's trap round trip, and its ratio to the first step
# that measured one (same boot, back to back: the baseline when the
# first step runs null-dm); traps per guest operation.
awk '
	$1 == "STEP" && $3 == "BEGIN" { step = $2 }
	$1 == "GUEST" && ($2 == "TRAP_RT" || $2 == "XEN_RT") {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "median_ns") med = kv[2]
			if (kv[1] == "n") n = kv[2]
		}
		printf "run.sh: %s %-8s median %7.1f us (n=%s)", $2, step, med / 1000, n
		if ($2 == "TRAP_RT") {
			if (base == "") { base = med; bstep = step }
			else if (base > 0)
				printf "  = %.2f x %s", med / base, bstep
		}
		printf "\n"
	}
	$1 == "GUEST" && $2 == "TRAPS" {
		printf "run.sh: traps per operation (%s):", step
		for (i = 3; i <= NF; i++) printf " %s", $i
		printf "\n"
	}
	$1 == "GUEST" && ($2 == "WORKLOAD" || $2 == "MSI") {
		printf "run.sh: (%s)", step
		for (i = 2; i <= NF; i++) printf " %s", $i
		printf "\n"
	}
' "$RUN/report.txt"

rc=1
if [ "$EXPECT_FAIL" = 1 ]; then
	if [ "$verdict" = FAIL ] && [[ $guest_last == FAIL:* ]] &&
	   ! grep -q '^NOVERDICT ' "$RUN/report.txt"; then
		echo "E2E XEN EXPECTED-FAIL OK in ${t_total}s (build ${t_built}s): $guest_last"
		rc=0
	else
		show_logs
		echo "E2E XEN FAIL in ${t_total}s: expected the guest to report FAIL, got verdict $verdict${reason:+ ($reason)}; logs in $RUN"
	fi
elif [ "$verdict" = PASS ]; then
	again=
	[ "$PLATFORM_REBOOTED" = 0 ] || again=" after $PLATFORM_REBOOTED platform reboot(s)"
	echo "E2E XEN PASS in ${t_total}s (build ${t_built}s)$again"
	rc=0
else
	show_logs
	echo "E2E XEN FAIL in ${t_total}s: ${reason:-no reason given}; logs in $RUN"
fi
finish $rc
