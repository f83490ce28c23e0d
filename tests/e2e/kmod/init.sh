#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# /init of the module test (run.sh): Debian's 6.1 kernel, no Xen.  Loads
# xengt.ko, exercises every file of /sys/kernel/xengt with good and bad
# writes, creates and destroys vGPUs many times, reloads the module, and
# prints KMOD_TEST PASS or KMOD_TEST FAIL: <why> on the console.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/console 2>&1

S=/sys/kernel/xengt
C=$S/control
KO=/xengt.ko
fails=0
checks=0

fail() {
	echo "KMOD_CHECK FAIL: $*"
	fails=$((fails + 1))
}
ok() { checks=$((checks + 1)); }

finish() {
	if dmesg | grep -qE "BUG:|WARNING:|Oops|Call Trace"; then
		fail "the kernel complained:"
		dmesg | grep -E -A20 "BUG:|WARNING:|Oops" | head -60
	fi
	if [ "$fails" = 0 ]; then
		echo "KMOD_TEST PASS checks=$checks"
	else
		echo "KMOD_TEST FAIL: $fails of $((checks + fails)) checks failed"
	fi
	echo "----- dmesg (xengt) -----"
	dmesg | grep xengt | tail -40
	poweroff -f
}

# What a bad write must leave alone: every vGPU directory and the pool.
state() {
	ls $S | tr '\n' ' '
	cat $C/available_resource
	for d in $S/vgpu*; do
		[ -d "$d" ] && cat "$d/weight" "$d/cap" "$d/domid" "$d/ppgtt_oos"
	done
}

# bad FILE VALUE: the write fails with EINVAL and changes nothing.  (An
# empty write never reaches the kernel, so every VALUE has a byte.)
bad() {
	before=$(state)
	n0=$(dmesg | wc -l)
	if printf '%s' "$2" >"$1" 2>/dev/null; then
		fail "write '$2' to $1 was accepted"
	elif [ "$(state)" != "$before" ]; then
		fail "refused write '$2' to $1 changed state"
	elif [ "$(dmesg | wc -l)" -le "$n0" ]; then
		fail "refused write '$2' to $1 logged nothing"
	else
		ok
	fi
}

# good FILE VALUE
good() {
	if printf '%s' "$2" >"$1"; then ok; else fail "write '$2' to $1 failed"; fi
}

expect() { # expect WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi
}

# ---- gpu= is checked ------------------------------------------------------
if insmod $KO gpu=i915 2>/dev/null; then
	fail "gpu=i915 was accepted"
	rmmod xengt
elif dmesg | grep -q "gpu=i915 is not supported; supported: sim"; then
	ok
else
	fail "gpu=i915: no message naming what is supported"
fi

insmod $KO || { fail "insmod xengt.ko"; finish; }
[ -d $C ] && ok || { fail "no $C"; finish; }
base=$(cat $C/available_resource)
echo "available_resource at load: $base"

# ---- control/types ---------------------------------------------------------
expect "types listed" "$(wc -l <$C/types)" 4
grep -q "^xengt_8 low_gm_mb=64 high_gm_mb=384 fences=4 weight=2 available=" $C/types && ok ||
	fail "types: xengt_8 line: $(head -1 $C/types)"

# ---- control/create, bad requests ----------------------------------------
for v in " " "\n" "0 xengt_8" "abc xengt_8" "1 nosuchtype" "1 64" "1 64 384" \
	"1 64 384 4 17" "1 64 384 4 0" "1 64 384 4 4 101" "1 0 384 4" \
	"1 64 0 4" "1 64 384 0" "1 99999 384 4" "70000 xengt_8" \
	"1 xengt_8 extra" "0x10 xengt_8" "-1 xengt_8" "1 64 384 4 4 4 4" \
	"1 64 384 33" "$(printf '1%.0s' $(seq 200)) xengt_8"; do
	bad $C/create "$v"
done
# Does not fit: refused, with the resource named.
bad $C/create "1 4000 384 4"
dmesg | grep -q "not enough low GM" && ok || fail "no message naming the resource"

# ---- control/destroy, bad requests ---------------------------------------
for v in " " "abc" "0" "5" "1 2" "-3"; do
	bad $C/destroy "$v"
done

# ---- a vGPU's directory ------------------------------------------------------
good $C/create "1 xengt_8"
V=$S/vgpu1
for f in domid type low_gm high_gm fences weight cap state stats trap ppgtt_oos; do
	[ -r $V/$f ] && ok || fail "no $V/$f"
done
# Who serves its traps: nobody yet; no Xen here, so no in-kernel path.
expect trap "$(cat $V/trap)" detached
for v in " " "kern" "kernel 00:32.0" "kernel 0:2" "kernel pvh extra" "kernel 00:02.0 pvh 1" \
	"kernel ggtt-ram pvh" "kernel 00:02.0 pvh ggtt-ram 1" "kernel ggtt-ram 00:02.0"; do
	bad $V/trap "$v"
done
for v in "kernel pvh" "kernel 00:05.0 ggtt-ram"; do
	if printf '%s' "$v" >$V/trap 2>/dev/null; then
		fail "trap: kernel path attached without Xen ($v)"
	else
		ok
	fi
done
dmesg | grep -q "needs a Xen PV dom0" && ok || fail "trap: no message saying the in-kernel path needs Xen"
expect "trap after refused attach" "$(cat $V/trap)" detached
good $V/trap detach
# The shared GPU's counters.
grep -q "^gpu sim$" $C/gpu && ok || fail "control/gpu: $(head -1 $C/gpu)"
grep -q "^foreign 0$" $C/gpu && ok || fail "control/gpu: foreign not 0"
if printf 1 >$C/gpu 2>/dev/null; then fail "control/gpu is writable"; else ok; fi
[ -c /dev/xengt ] && ok || fail "no /dev/xengt"
# The attach ioctl's flags (docs/ABI/dev-xengt): an unknown bit is refused
# before anything else; XENGT_ATTACH_GGTT_RAM is taken (then, without
# Xen, the attach fails as it does without flags: ENODEV, or ENOENT for a
# domain without a vGPU).
expect "attach, unknown flag" "$(attach-probe 1 0x2)" EINVAL
expect "attach, no flags" "$(attach-probe 1 0)" ENODEV
expect "attach, GGTT RAM" "$(attach-probe 1 0x1)" ENODEV
expect "attach, GGTT RAM, no vGPU" "$(attach-probe 9 0x1)" ENOENT
expect domid "$(cat $V/domid)" 1
expect type "$(cat $V/type)" xengt_8
expect fences "$(cut -d' ' -f2 $V/fences)" 4
expect "low_gm MiB" "$(cut -d' ' -f2 $V/low_gm)" 64
expect "high_gm MiB" "$(cut -d' ' -f2 $V/high_gm)" 384
expect weight "$(cat $V/weight)" 2
expect cap "$(cat $V/cap)" 0
expect state "$(cat $V/state)" detached
grep -q "^traps 0$" $V/stats && ok || fail "stats: $(head -3 $V/stats)"
grep -q "^failsafe_reason -$" $V/stats && ok || fail "stats: no failsafe_reason"
bad $C/create "1 xengt_4" # domain 1 has one already
for v in " " "0" "17" "x" "8x" "-1" "99999999999"; do bad $V/weight "$v"; done
for v in " " "101" "x" "-1"; do bad $V/cap "$v"; done
good $V/weight 8
expect weight "$(cat $V/weight)" 8
good $V/cap 50
expect cap "$(cat $V/cap)" 50
good $V/cap 0
# The PPGTT out-of-sync switch: on by default, "on" or "off" only, and
# the stats file says the same.
expect ppgtt_oos "$(cat $V/ppgtt_oos)" on
for v in " " "x" "onn" "of" "0" "1" "off off" "offoffoff"; do bad $V/ppgtt_oos "$v"; done
good $V/ppgtt_oos off
expect ppgtt_oos "$(cat $V/ppgtt_oos)" off
grep -q "^ppgtt_oos 0$" $V/stats && ok || fail "stats: no 'ppgtt_oos 0' after off"
good $V/ppgtt_oos "on
"
expect ppgtt_oos "$(cat $V/ppgtt_oos)" on
grep -q "^ppgtt_oos 1$" $V/stats && ok || fail "stats: no 'ppgtt_oos 1' after on"
for f in domid type low_gm high_gm fences state stats; do
	if printf 1 >$V/$f 2>/dev/null; then fail "$V/$f is writable"; else ok; fi
done
good $C/create "2 64 384 4 3 25"
expect "custom weight" "$(cat $S/vgpu2/weight)" 3
expect "custom cap" "$(cat $S/vgpu2/cap)" 25
expect "custom type" "$(cat $S/vgpu2/type)" custom
good $C/destroy 2
[ -d $S/vgpu2 ] && fail "vgpu2 still there" || ok
good $C/destroy 1
[ -d $S/vgpu1 ] && fail "vgpu1 still there" || ok
expect "available_resource after destroy" "$(cat $C/available_resource)" "$base"

# ---- fill the GPU, then empty it -----------------------------------------
n=0
for d in 11 12 13 14 15 16 17 18 19; do
	printf '%s' "$d xengt_8" >$C/create 2>/dev/null && n=$((n + 1))
done
expect "xengt_8 vGPUs that fit" "$n" 6
grep -q "available=0" $C/types && ok || fail "types: nothing shows available=0 when full"
for d in 11 12 13 14 15 16; do good $C/destroy $d; done
expect "available_resource after the fill" "$(cat $C/available_resource)" "$base"

# ---- 1000 creates and destroys -------------------------------------------
i=0
while [ $i -lt 1000 ]; do
	d=$((i % 97 + 1))
	if ! printf '%s' "$d xengt_4" >$C/create || ! printf '%s' "$d" >$C/destroy; then
		fail "create/destroy cycle $i"
		break
	fi
	i=$((i + 1))
done
expect "create/destroy cycles" "$i" 1000
expect "available_resource after 1000 cycles" "$(cat $C/available_resource)" "$base"

# ---- unload with a vGPU left, then 20 reloads -----------------------------
good $C/create "7 xengt_2"
rmmod xengt && ok || fail "rmmod with a vGPU left"
i=0
while [ $i -lt 20 ]; do
	insmod $KO && [ "$(cat $C/available_resource)" = "$base" ] && rmmod xengt ||
		{ fail "reload $i"; break; }
	i=$((i + 1))
done
expect reloads "$i" 20
expect "unloads logged" "$(dmesg | grep -c 'xengt: unloaded')" 21
finish
