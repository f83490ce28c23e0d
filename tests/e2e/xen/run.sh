#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - one end-to-end run on real Xen 4.17 booted under QEMU (TCG):
# fetch (once), build the test guest + null DM + result tool, build the dom0
# initramfs, boot, and judge by the report dom0 sends over the dedicated
# isa-debugcon channel (never by console text).
#
# usage: run.sh [options]
#   --dm PATH            device model to test (default: null-dm built here)
#   --dm-args "ARGS"     extra DM arguments (it always gets --domain ID)
#   --expect-fail        succeed only if the guest itself reports FAIL
#                        (e.g. --dm-args --magic-bad)
#   --guest ELF          another test guest (must contain e2e_result)
#   --guest-cmdline "S"  guest command line, e.g. "trap_n=5000 bar0=0xf0000000"
#   --guest-timeout S    dom0 waits S s for the guest's verdict (default 60)
#   --timeout S          hard limit for QEMU (default 180)
#   --dm-ready-timeout S wait for a DM without ready-file support (default 20)
#   --dm-stop term|destroy  end the DM with SIGTERM (default) or by
#                        destroying the guest (tests its domain-death path)
#   --xen-args "S"       append to Xen's command line
#   --dom0-args "S"      append to the dom0 kernel's command line
#   --smp N              QEMU CPUs (default 2)
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
CACHE=${XENGT_E2E_CACHE:-/var/cache/xengt-e2e}
OUTDIR=${XENGT_E2E_OUT:-/tmp/xengt-e2e}
DM=
DM_ARGS=
EXPECT_FAIL=0
GUEST=
GUEST_CMDLINE=
GUEST_TIMEOUT=60
QEMU_TIMEOUT=180
DM_READY_TIMEOUT=20
DM_STOP=term
EXTRAS=()
KEEP=0
FETCH=1
QUIET=0
KEEP_RUNS=20
SMP=2

XEN_CMDLINE="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot smap=0 console_timestamps=boot"
DOM0_CMDLINE="console=hvc0 earlyprintk=xen"

say() { [ "$QUIET" = 1 ] || echo "run.sh: $*"; }
die() { echo "run.sh: error: $*" >&2; exit 2; }
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

while [ $# -gt 0 ]; do
	case $1 in
	--dm) DM=$(abspath "$2"); shift 2 ;;
	--dm-args) DM_ARGS=$2; shift 2 ;;
	--expect-fail) EXPECT_FAIL=1; shift ;;
	--guest) GUEST=$(abspath "$2"); shift 2 ;;
	--guest-cmdline) GUEST_CMDLINE=$2; shift 2 ;;
	--guest-timeout) GUEST_TIMEOUT=$2; shift 2 ;;
	--timeout) QEMU_TIMEOUT=$2; shift 2 ;;
	--dm-ready-timeout) DM_READY_TIMEOUT=$2; shift 2 ;;
	--dm-stop) DM_STOP=$2; shift 2 ;;
	--xen-args) XEN_CMDLINE="$XEN_CMDLINE $2"; shift 2 ;;
	--dom0-args) DOM0_CMDLINE="$DOM0_CMDLINE $2"; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
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
XEN_PC="xendevicemodel xenforeignmemory xenevtchn xenstore xentoollog"
cflags=(-O2 -g -std=gnu11 -Wall -Wextra -Werror)
"$CC" "${cflags[@]}" -o "$BUILD/null-dm" "$here/null-dm.c" \
	$(pkg-config --cflags --libs $XEN_PC) >"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building null-dm failed"; }
"$CC" "${cflags[@]}" -I"$here" -o "$BUILD/e2e-result" "$here/e2e-result.c" \
	$(pkg-config --cflags --libs xenforeignmemory xencontrol) \
	>>"$BUILD/build.log" 2>&1 ||
	{ cat "$BUILD/build.log" >&2; die "building e2e-result failed"; }
if [ -z "$GUEST" ]; then
	"$here/guest/build.sh" "$BUILD/guest" >>"$BUILD/build.log" 2>&1 ||
		{ cat "$BUILD/build.log" >&2; die "building the test guest failed"; }
	GUEST=$BUILD/guest/e2e-guest.elf
fi
[ -n "$DM" ] || DM=$BUILD/null-dm
[ -x "$DM" ] || die "device model '$DM' is not an executable"

"$here/mkinitramfs.sh" --out "$BUILD/initrd.cpio" --root "$ROOT" \
	--guest "$GUEST" --result-tool "$BUILD/e2e-result" \
	--dm "$DM" --dm-args "$DM_ARGS" --guest-timeout "$GUEST_TIMEOUT" \
	--guest-cmdline "$GUEST_CMDLINE" \
	--dm-ready-timeout "$DM_READY_TIMEOUT" --dm-stop "$DM_STOP" \
	"${EXTRAS[@]}" ||
	die "mkinitramfs.sh failed"
t_built=$(elapsed)
say "built in ${t_built}s; booting Xen (timeout ${QEMU_TIMEOUT}s)"

# ---- boot --------------------------------------------------------------
# QEMU's -initrd splits modules on ','; paths here have none.
case "$VMLINUZ$BUILD" in *,*) die "paths must not contain ','" ;; esac
cat >"$RUN/cmdline" <<EOF
xen: $XEN_CMDLINE
dom0: $DOM0_CMDLINE
dm: $DM --domain <id> $DM_ARGS (stopped by: $DM_STOP)
guest: $GUEST $GUEST_CMDLINE
EOF
qemu_rc=0
timeout -k 5 "$QEMU_TIMEOUT" "$QEMU" \
	-accel tcg -cpu max -smp "$SMP" -m 3072 -machine q35 \
	-nographic -no-reboot -nic none -monitor none -display none \
	-serial "file:$RUN/console.log" \
	-chardev "file,id=report,path=$RUN/report.raw" \
	-device isa-debugcon,iobase=0x4e9,chardev=report \
	-device isa-debug-exit,iobase=0xf4,iosize=1 \
	-kernel "$ROOT/boot/xen.elf" -append "$XEN_CMDLINE" \
	-initrd "$VMLINUZ $DOM0_CMDLINE,$BUILD/initrd.cpio" \
	</dev/null >"$RUN/qemu.log" 2>&1 || qemu_rc=$?
t_total=$(elapsed)
echo "$qemu_rc" >"$RUN/qemu.rc"

[ "$KEEP" = 1 ] || rm -rf "$BUILD"

# ---- judge -------------------------------------------------------------
show_logs() {
	echo "---- Xen + dom0 console (last 150 lines of $RUN/console.log) ----"
	tail -n 150 "$RUN/console.log" 2>/dev/null || true
	echo "---- QEMU ($RUN/qemu.log) ----"
	cat "$RUN/qemu.log" 2>/dev/null || true
	if [ -s "$RUN/dm.log" ]; then
		echo "---- device model ($RUN/dm.log) ----"
		cat "$RUN/dm.log"
	fi
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
	exit 2
fi

# split the report: sections to files, the rest to report.txt
awk -v dir="$RUN" '
	/^BEGIN / { sec = dir "/" $2; printf "" > sec; in_sec = 1; next }
	in_sec && $0 == "END " substr(sec, length(dir) + 2) { close(sec); in_sec = 0; next }
	in_sec { print >> sec; next }
	{ print > (dir "/report.txt") }
' "$report"
[ -f "$RUN/xl-dmesg" ] && mv "$RUN/xl-dmesg" "$RUN/xl-dmesg.log"
grep '^GUEST ' "$RUN/report.txt" | cut -c7- >"$RUN/guest-result.txt" || true

verdict=$(awk '$1 == "VERDICT" { print $2 }' "$RUN/report.txt")
reason=$(sed -n 's/^REASON //p' "$RUN/report.txt")
guest_last=$(tail -n1 "$RUN/guest-result.txt" 2>/dev/null || true)

if [ "$QUIET" = 0 ]; then
	echo "run.sh: phases (s since dom0 boot):" $(awk '$1 == "TIME" { printf "%s=%s ", $2, $3 }' "$RUN/report.txt")
	echo "run.sh: device model exit: $(awk '$1 == "DM_EXIT" { print $2 }' "$RUN/report.txt" | tail -n1)"
fi
sed 's/^/guest: /' "$RUN/guest-result.txt"
sed -n 's/^NOVERDICT /run.sh: no verdict from the guest: /p' "$RUN/report.txt"
grep -E '^(TRAP_RT|XEN_RT) ' "$RUN/guest-result.txt" | sed 's/^/run.sh: /' || true

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
	echo "E2E XEN PASS in ${t_total}s (build ${t_built}s)"
	rc=0
else
	show_logs
	echo "E2E XEN FAIL in ${t_total}s: ${reason:-no reason given}; logs in $RUN"
fi
exit $rc
