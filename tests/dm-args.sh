#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# xengt-dm's command line as an admin meets it, without Xen: each bad
# flag or value is refused with its message and exit status 2 before
# anything is touched, and good values are read as written (decimal).
set -u
dm=${XENGT_BUILDDIR:?}/tools/xengt-dm/xengt-dm
rc=0

# expect STATUS TEXT ARGS...: exit STATUS, stderr contains TEXT
expect() {
	want=$1 text=$2
	shift 2
	err=$("$dm" "$@" 2>&1 >/dev/null)
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: xengt-dm $*: exit $got, expected $want ($err)"
		rc=1
	elif ! printf '%s' "$err" | grep -qF -- "$text"; then
		echo "FAIL: xengt-dm $*: '$err' lacks '$text'"
		rc=1
	else
		echo "ok: xengt-dm $* -> $want: $text"
	fi
}

# Domain ids are decimal: 010 is domain 10 (this host has no xenstore,
# so the first step that names the domain fails, and says which).
expect 1 "domain 10:" --domain 010 --foreground
expect 2 "'0x10' is not a decimal number in 1..32751" --domain 0x10
expect 2 "'0' is not a decimal number in 1..32751" --domain 0
expect 2 "'-1' is not a decimal number" --domain -1
expect 2 "'32752' is not a decimal number in 1..32751" --domain 32752
expect 2 "--domain ID (a guest, not dom0) is required" --foreground
# One line of usage, not the whole help, after getopt's own complaint.
expect 2 "try 'xengt-dm --help'" --domain 5 --bogus
lines=$("$dm" --domain 5 --bogus 2>&1 | wc -l)
[ "$lines" -le 2 ] || { echo "FAIL: a bad flag printed $lines lines"; rc=1; }
# The weight range as the code enforces it.
expect 2 "--weight: '0' is not a decimal number in 1..16" --standalone --domain 5 --type xengt_8 --weight 0
expect 2 "--weight: '17' is not a decimal number in 1..16" --standalone --domain 5 --type xengt_8 --weight 17
expect 2 "unknown vGPU type 'xengt_3'" --standalone --domain 5 --type xengt_3
# --ppgtt-oos: on or off, standalone only (the module's vGPU has sysfs).
expect 2 "--ppgtt-oos: 'maybe' is neither on nor off" --standalone --domain 5 --type xengt_8 --ppgtt-oos=maybe
expect 2 "--ppgtt-oos: 'OFF' is neither on nor off" --standalone --domain 5 --type xengt_8 --ppgtt-oos OFF
expect 2 "--ppgtt-oos: '' is neither on nor off" --standalone --domain 5 --type xengt_8 --ppgtt-oos=
expect 2 "requires an argument" --standalone --domain 5 --type xengt_8 --ppgtt-oos
expect 2 "--ppgtt-oos needs --standalone (xengt.ko's vGPU: echo off > /sys/kernel/xengt/vgpu<ID>/ppgtt_oos)" --domain 5 --ppgtt-oos=off
for v in on off; do # accepted: set-up goes on to the first Xen step
	expect 1 "set-up failed: domain 5: cannot open the Xen interfaces" --standalone --type xengt_8 --domain 5 --no-restrict --ppgtt-oos=$v
done
expect 2 "need --standalone" --domain 5 --type xengt_8
# --ggtt-ram is the module's too now (XENGT_ATTACH_GGTT_RAM): accepted
# attached; it fails only where xengt.ko is missing, as any attach does.
expect 1 "set-up failed: xengt: /dev/xengt: No such file or directory" --domain 5 --ggtt-ram --no-restrict
expect 2 "--no-opregion and --inject-fault need --standalone" --domain 5 --no-opregion
expect 2 "ggtt-stale breaks the GGTT RAM: needs --ggtt-ram" --standalone --domain 5 --type xengt_8 --inject-fault ggtt-stale
# Domain names go through libxl's lookup; none here.
expect 1 "--domain guest1: cannot look up domain names without Xen's toolstack" --domain guest1
# A daemon's failed start: the reason reaches the admin's terminal, not
# only syslog (which may not exist).  No Xen and no xengt.ko here.
expect 1 "set-up failed: xengt: /dev/xengt: No such file or directory" --domain 5 --no-restrict
expect 1 "set-up failed: domain 5: cannot open the Xen interfaces" --standalone --type xengt_8 --domain 5 --no-restrict
expect 2 "not with --no-restrict" --domain 5 --no-restrict --runas nobody
expect 2 "is root" --domain 5 --runas root
expect 2 "is not absolute" --domain 5 --chroot var/empty
expect 2 "--pidfile: empty file name" --domain 5 --pidfile ""
# --help is the whole usage on stdout, exit 0.
"$dm" --help | grep -q "SIGHUP is ignored" || { echo "FAIL: --help"; rc=1; }
"$dm" --help | grep -q "SIGUSR1 logs the" || { echo "FAIL: --help lacks SIGUSR1"; rc=1; }
exit $rc
