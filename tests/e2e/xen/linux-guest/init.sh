#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the Linux HVM test guest (mkguest.sh puts it in).
#
# Loads Debian's stock i915 on the vGPU exactly as a user would
# (modprobe i915 enable_guc=0, no firmware) and reports on the serial port.
# Every line meant for dom0 starts with "XENGT-GUEST " (the kernel's own
# messages share the port and are kept in the log):
#   XENGT-GUEST BEGIN kernel=<release>
#   XENGT-GUEST DEVICE bdf=<b:d.f> id=<vendor:device> class=<class>
#   XENGT-GUEST MARK <name>          dom0 snapshots the DM's trap counts
#                                    (the guest then waits 2 s)
#   XENGT-GUEST I915 initialized=0|1 wedged=0|1 secs_to_init=S card0=0|1 render=0|1
#   XENGT-GUEST OPREGION asls=<hex> signature=<sig>|none vbt=<sig>|none
#   XENGT-GUEST <test program lines>
#   XENGT-GUEST PASS | XENGT-GUEST FAIL: <why>
# then powers off (after a PASS with xengt_linger=1: waits to be rebooted
# or destroyed).

export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "XENGT-GUEST $*"; }
fail() { say "FAIL: $*"; sync; poweroff -f; sleep 60; }
mark() { say "MARK $1"; sleep 2; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

say "BEGIN kernel=$(uname -r)"
gpu=
for d in /sys/bus/pci/devices/*; do
	case "$(cat "$d/vendor"):$(cat "$d/class")" in
	0x8086:0x03*) gpu=${d##*/}
		say "DEVICE bdf=$gpu id=$(cat "$d/vendor"):$(cat "$d/device") class=$(cat "$d/class")" ;;
	esac
done
[ -n "$gpu" ] || fail "no Intel display-class PCI device"

# i915's dependencies do not touch the device: load them before the mark.
while read -r m; do
	[ "$m" = i915.ko ] && continue
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done </lib/modules/order

mark modprobe
# Both ends of secs_to_init on the kernel log's clock: under nested TCG
# the guest's uptime and its log timestamps drift apart by minutes.
echo "xengt-guest: modprobe i915" >/dev/kmsg
t0=$(uptime_s)
insmod /lib/modules/i915.ko enable_guc=0 || say "insmod i915.ko returned non-zero"
t1=$(uptime_s)
mark probed

# [   12.345678] i915 0000:00:05.0: [drm] ... / [drm] Initialized i915 ...
log_ts() { dmesg | sed -n "s/^\[ *\([0-9.]*\)\].*$1.*/\1/p" | head -n1; }
init_ts=$(log_ts 'Initialized i915 ')
mark_ts=$(log_ts 'xengt-guest: modprobe i915')
initialized=0
secs=
if [ -n "$init_ts" ]; then
	initialized=1
	secs=$(echo "$init_ts ${mark_ts:-$t0}" | awk '{ printf "%.1f", $1 - $2 }')
fi
wedged=0
# i915's own words when it gives up on the GT (as dom0's serial_wait)
dmesg | grep -qE 'declaring it wedged|CI tainted:0x[0-9a-f]+ by intel_gt_init' && wedged=1
card0=0 render=0
[ -c /dev/dri/card0 ] && card0=1
[ -c /dev/dri/renderD128 ] && render=1
say "I915 initialized=$initialized wedged=$wedged secs_to_init=${secs:-none} card0=$card0 render=$render probe_secs=$(echo "$t1 $t0" | awk '{ printf "%.1f", $1 - $2 }')"
# The OpRegion as i915 took it: its debugfs shows the header it mapped at
# ASLS and the VBT it uses (empty when it found none).
asls=$(od -An -tx4 -j252 -N4 "/sys/bus/pci/devices/$gpu/config" | tr -d ' ')
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
dri=/sys/kernel/debug/dri/0
sig=$(dd if=$dri/i915_opregion bs=16 count=1 2>/dev/null | tr -cd 'A-Za-z')
vbt=$(dd if=$dri/i915_vbt bs=4 count=1 2>/dev/null | tr -cd '$A-Z')
say "OPREGION asls=$asls signature=${sig:-none} vbt=${vbt:-none}"
[ "$initialized" = 1 ] || fail "i915 did not reach Initialized"
[ "$wedged" = 0 ] || fail "i915 declared the GPU wedged"
[ "$card0$render" = 11 ] || fail "/dev/dri/card0 or renderD128 missing"
# xengt_opregion=0 on the guest command line: a DM that offers none.
if [ "${xengt_opregion:-1}" = 1 ]; then
	[ "$sig" = IntelGraphicsMem ] || fail "no OpRegion at ASLS 0x$asls"
	[ "$vbt" = '$VBT' ] || fail "i915 found no VBT in the OpRegion"
fi

if [ -x /bin/xengt-gem-test ]; then
	/bin/xengt-gem-test /dev/dri/card0 || fail "xengt-gem-test failed (status $?)"
fi
say PASS
sync
# xengt_linger=1 on the command line: stay up for dom0's next move (xl
# reboot, xl destroy).  A reboot request reaches the kernel through
# xenbus; with no /sbin/reboot to hand it to, the kernel restarts itself.
if [ "${xengt_linger:-0}" = 1 ]; then
	while :; do sleep 3600; done
fi
poweroff -f
sleep 60
